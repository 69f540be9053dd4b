//! Latency of one shortlist over the whole shipped catalog, and of building the encoder.
//! Run: `cargo bench --bench shortlist`.
//!
//! - `top10_full_catalog`: one explained top-10 shortlist as the page, the API and batch
//!   scoring answer it: the precomputed kernel scores every candidate, one row per place,
//!   and only the ten rows shown are explained (every reason's sentence in full).
//! - `reference_top10_full_catalog` (and `_want_design_`): the reference path the kernel is
//!   tested against (`rank::shortlist`: every candidate encoded, sorted, top 10, nothing
//!   explained).
//! - `kernel_top10_grouped_report_json`: the explained shortlist, then the whole report
//!   (reasons, partner bodies, names) as the JSON bytes the CLI and the API write.
//! - `kernel_top10_grouped`: the kernel's rows alone.
//!
//! `cargo run --release -p tieup-core --example shortlist_ir` runs the same paths a fixed
//! number of times for `valgrind --tool=callgrind` (instruction counts, which do not
//! depend on the machine's load).

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;
use tieup_core::catalog::Catalog;
use tieup_core::features::{Encoder, Query};
use tieup_core::model::LinearModel;
use tieup_core::rank::shortlist;

fn bench(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let catalog = Catalog::load(&root.join("data")).expect("shipped catalog");
    let model = LinearModel::load(&root.join("models/prior.json")).expect("shipped prior");
    let encoder = Encoder::new(&catalog);
    let n = catalog.candidate_ids().len();
    let mut query = Query::new(
        catalog.find_japan_region("fukushima").unwrap(),
        catalog.sectors().find("medical_devices").unwrap(),
    );
    let mut group = c.benchmark_group("shortlist");
    group.bench_with_input(
        BenchmarkId::new("reference_top10_full_catalog", n),
        &query,
        |b, q| b.iter(|| shortlist(&encoder, &model, black_box(q), 10).unwrap()),
    );
    query
        .wanted
        .push(tieup_core::features::find_feature("design").unwrap());
    group.bench_with_input(
        BenchmarkId::new("reference_top10_want_design_full_catalog", n),
        &query,
        |b, q| b.iter(|| shortlist(&encoder, &model, black_box(q), 10).unwrap()),
    );
    // The page's path (the goal of issue 13: at most 20 µs): the precomputed kernel
    // (columns prepared once, as the server keeps them) scores every candidate, groups into
    // places, and only the ten rows shown are explained: features read from the columns,
    // every reason's sentence written in full.
    let plain = Query::new(query.japan_region, query.sector);
    let mut tables = tieup_core::kernel::FeatureTables::new(&encoder);
    tables.prepare([&plain]);
    let weights = model.weights_for(catalog.sectors(), &plain);
    let selection = tieup_core::select::Selection::default();
    let mut scratch = Vec::new();
    group.bench_with_input(BenchmarkId::new("top10_full_catalog", n), &plain, |b, q| {
        b.iter(|| {
            let rows = tables.top_k_selected(black_box(q), &weights, &selection, 10, &mut scratch);
            let ranked = tables.ranked(q, &weights, rows);
            let explainer = tieup_core::rank::Explainer::new(&encoder, q);
            ranked
                .iter()
                .map(|c| explainer.reasons(c).len())
                .sum::<usize>()
        })
    });
    // The same, then the whole report (reasons, partner bodies, names) as the JSON bytes the
    // CLI and the API write.
    group.bench_with_input(
        BenchmarkId::new("kernel_top10_grouped_report_json", n),
        &plain,
        |b, q| {
            b.iter(|| {
                let rows =
                    tables.top_k_selected(black_box(q), &weights, &selection, 10, &mut scratch);
                let list = tieup_core::rank::Shortlist {
                    query: q.clone(),
                    weights,
                    n_candidates: n,
                    selection: selection.clone(),
                    n_eligible: n,
                    candidates: tables.ranked(q, &weights, rows),
                };
                let report = tieup_core::report::ShortlistReport::new(
                    &encoder,
                    &model,
                    "models/prior.json",
                    &list,
                    10,
                );
                serde_json::to_vec(&report).unwrap().len()
            })
        },
    );
    group.bench_with_input(
        BenchmarkId::new("kernel_top10_grouped", n),
        &plain,
        |b, q| {
            b.iter(|| tables.top_k_selected(black_box(q), &weights, &selection, 10, &mut scratch))
        },
    );
    group.bench_function(BenchmarkId::new("encoder_new", catalog.n_regions()), |b| {
        b.iter(|| Encoder::new(black_box(&catalog)))
    });
    group.bench_function(BenchmarkId::new("catalog_load", catalog.n_regions()), |b| {
        b.iter(|| Catalog::load(black_box(&root.join("data"))).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
