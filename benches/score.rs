//! Batch scoring speed on the shipped catalog: the kernel (ten multiply-adds per candidate
//! pair and a bounded top-10, single thread and rayon over queries; single thread also with
//! one row per place and with filters) and whole batches of
//! 1k, 10k and 100k applications through the library (CSV parsing, scoring, success model,
//! checklist, CSV output to a sink). Run: `cargo bench --bench score`.
//! Throughput is reported in candidate pairs per second (criterion "elements").

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rand::{Rng, SeedableRng};
use rayon::prelude::*;
use std::path::Path;
use tieup_batch::output::{BatchFormat, BatchWriter};
use tieup_batch::score::{BatchConfig, score_batch};
use tieup_core::application::{ApplicationReader, InputFormat};
use tieup_core::catalog::Catalog;
use tieup_core::features::Query;
use tieup_core::model::LinearModel;
use tieup_core::select::Selection;
use tieup_learn::success::SuccessModel;

fn queries(catalog: &Catalog, n: usize) -> Vec<Query> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(42);
    let japan_ids: Vec<_> = catalog.japan_ids().collect();
    let sector_ids: Vec<_> = catalog.sectors().ids().collect();
    (0..n)
        .map(|_| {
            let mut q = Query::new(
                japan_ids[rng.gen_range(0..japan_ids.len())],
                sector_ids[rng.gen_range(0..sector_ids.len())],
            );
            q.before_year = Some(rng.gen_range(2007..2011));
            q
        })
        .collect()
}

fn applications_csv(catalog: &Catalog, n: usize) -> Vec<u8> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let mut text = String::from(
        "application_id,japan_region,sector,fiscal_year,objectives,desired_traits,implementation_bodies,commitment,preparation,continuation_years,mediator,core_company,support_tools\n",
    );
    let commitments = ["sufficient", "partial", "unknown"];
    let japan_ids: Vec<_> = catalog.japan_ids().collect();
    let sector_ids: Vec<_> = catalog.sectors().ids().collect();
    for i in 0..n {
        let j = &catalog
            .region(japan_ids[rng.gen_range(0..japan_ids.len())])
            .id;
        let s = &catalog
            .sector(sector_ids[rng.gen_range(0..sector_ids.len())])
            .id;
        text.push_str(&format!(
            "app{i},{j},{s},{},joint_development,design,company;university;prefecture,{},true,{},{},true,workshop;business_mission\n",
            rng.gen_range(2007..2011),
            commitments[i % 3],
            i % 4,
            i % 2 == 0
        ));
    }
    text.into_bytes()
}

fn bench(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let catalog = Catalog::load(&root.join("data")).expect("shipped catalog");
    let model = LinearModel::load(&root.join("models/default.json")).expect("model");
    let success = SuccessModel::load(&root.join("models/success.json")).expect("success model");
    let known = tieup_core::known::KnownCatalogs::new(&catalog);
    let encoders = tieup_core::known::KnownEncoders::new(&known);
    let n_candidates = catalog.candidate_ids().len();

    let mut group = c.benchmark_group("kernel");
    // The queries have year limits, so each reads the catalog as known before its year
    // (`Catalog::as_known_in`, one table per era), as the CLI's batch scoring does.
    let qs = queries(&catalog, 2000);
    let mut known_tables = tieup_core::known::KnownTables::new(&encoders);
    known_tables.prepare(&qs);
    let tables = |q: &Query| known_tables.get(q);
    let weights: Vec<_> = qs
        .iter()
        .map(|q| model.weights_for(catalog.sectors(), q))
        .collect();
    group.throughput(Throughput::Elements((qs.len() * n_candidates) as u64));
    group.bench_function(
        BenchmarkId::new("top10_1thread", qs.len() * n_candidates),
        |b| {
            let mut scratch = Vec::new();
            b.iter(|| {
                let mut total = 0.0;
                for (q, w) in qs.iter().zip(&weights) {
                    total += tables(q).top_k(q, w, 10, &mut scratch)[0].score;
                }
                total
            })
        },
    );
    // The same with the default selection (one row per place) and with filters.
    let selections = [
        ("top10_grouped_1thread", Selection::grouped()),
        (
            "top10_filtered_1thread",
            Selection {
                countries: vec!["CN".into(), "DE".into(), "US".into()],
                max_per_country: Some(4),
                ..Selection::grouped()
            },
        ),
    ];
    for (name, selection) in &selections {
        group.bench_function(BenchmarkId::new(*name, qs.len() * n_candidates), |b| {
            let mut scratch = Vec::new();
            b.iter(|| {
                let mut total = 0.0;
                for (q, w) in qs.iter().zip(&weights) {
                    total += tables(q).top_k_selected(q, w, selection, 10, &mut scratch)[0].score;
                }
                total
            })
        });
    }
    group.bench_function(
        BenchmarkId::new("top10_rayon", qs.len() * n_candidates),
        |b| {
            b.iter(|| {
                qs.par_iter()
                    .zip(weights.par_iter())
                    .map_init(Vec::new, |scratch, (q, w)| {
                        tables(q).top_k(q, w, 10, scratch)[0].score
                    })
                    .sum::<f64>()
            })
        },
    );
    group.finish();

    let mut group = c.benchmark_group("batch");
    group.sample_size(10);
    for n in [1_000usize, 10_000, 100_000] {
        let input = applications_csv(&catalog, n);
        group.throughput(Throughput::Elements((n * n_candidates) as u64));
        group.bench_function(BenchmarkId::new("csv_end_to_end", n), |b| {
            b.iter(|| {
                let mut tables = tieup_core::known::KnownTables::new(&encoders);
                let reader = ApplicationReader::new(
                    &catalog,
                    Path::new("bench.csv"),
                    input.as_slice(),
                    InputFormat::Csv,
                )
                .unwrap();
                let mut writer = BatchWriter::new(
                    &catalog,
                    BatchFormat::Csv,
                    std::io::sink(),
                    Some(std::io::sink()),
                )
                .unwrap();
                score_batch(
                    reader,
                    &mut tables,
                    &model,
                    &success,
                    BatchConfig::default(),
                    &mut writer,
                    &mut |_| {},
                )
                .unwrap()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
