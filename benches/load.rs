//! Costs that grow with the size of the input, where a quadratic step would show: loading a
//! catalog with 10k and 40k extra overseas regions (linear: the ratio of the medians is about
//! 4, a quadratic scan about 16), and the suggestions for an unknown region name of 40 and
//! 4,000 characters (bounded: the same cost, since only the first
//! [`tieup_core::lookup::SUGGEST_CHARS`] characters are compared). These were wall-clock
//! limits in `tests/loader.rs` and `tests/defects.rs`. Run: `cargo bench --bench load`.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;
use tieup_core::catalog::{Catalog, TRAITS};

/// A copy of the fixture catalog with `n` extra overseas regions, each with all its traits.
fn catalog_with_extra_regions(n: usize) -> tempfile::TempDir {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini");
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(&fixture).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    let append = |file: &str, line: &dyn Fn(usize) -> String| {
        let path = dir.path().join(file);
        let mut text = std::fs::read_to_string(&path).unwrap();
        for i in 0..n {
            text.push_str(&line(i));
        }
        std::fs::write(&path, text).unwrap();
    };
    append("overseas_regions.csv", &|i| {
        format!("extra_{i},Extra {i},,US,,city,40.0,-70.0,-5,en,fixture\n")
    });
    append("traits.csv", &|i| {
        TRAITS
            .iter()
            .map(|t| format!("extra_{i},{t},0.5,curated,fixture\n"))
            .collect()
    });
    dir
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("catalog_load");
    group.sample_size(10);
    for n in [10_000, 40_000] {
        let dir = catalog_with_extra_regions(n);
        group.bench_with_input(BenchmarkId::new("extra_regions", n), &dir, |b, dir| {
            b.iter(|| Catalog::load(black_box(dir.path())).unwrap())
        });
    }
    group.finish();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let catalog = Catalog::load(&root.join("data")).expect("shipped catalog");
    let mut group = c.benchmark_group("unknown_region");
    for length in [40, 4_000] {
        let name = "x".repeat(length);
        group.bench_with_input(BenchmarkId::new("chars", length), &name, |b, name| {
            b.iter(|| catalog.find_japan_region(black_box(name)).unwrap_err())
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
