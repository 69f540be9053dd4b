//! Training time over the full shipped catalog for 200 and 10,000 past partnerships, per
//! learner: building the training set (encoding the chosen partner and 64 sampled
//! candidates per partnership) and fitting. Run: `cargo bench --bench train`.
//!
//! The partnerships are generated: a random Japanese region and sector, a start year in
//! 1996-2006, and as partner the best candidate under the prior plus Gumbel noise.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use linfa::ParamGuard;
use rand::{Rng, SeedableRng};
use std::path::Path;
use tieup_core::catalog::{Catalog, Outcome, Partnership};
use tieup_core::features::{Encoder, Query};
use tieup_core::model::LinearModel;
use tieup_learn::{LearnerKind, TrainParams};

fn partnerships(
    catalog: &Catalog,
    encoder: &Encoder<'_>,
    prior: &LinearModel,
    n: usize,
) -> Vec<Partnership> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
    let japan_ids: Vec<_> = catalog.japan_ids().collect();
    let sector_ids: Vec<_> = catalog.sectors().ids().collect();
    (0..n)
        .map(|i| {
            let japan = japan_ids[rng.gen_range(0..japan_ids.len())];
            let sector = sector_ids[rng.gen_range(0..sector_ids.len())];
            let query = Query::new(japan, sector);
            let w = prior.weights_for(catalog.sectors(), &query);
            let best = catalog
                .candidate_ids()
                .map(|c| {
                    let x = encoder.encode_one(&query, c);
                    let u: f64 = rng.r#gen::<f64>().max(1e-300);
                    let score: f64 = w.iter().zip(x.iter()).map(|(a, b)| a * b).sum::<f64>() * 4.0
                        - (-u.ln()).ln();
                    (score, c)
                })
                .max_by(|a, b| a.0.total_cmp(&b.0))
                .unwrap()
                .1;
            let start = rng.gen_range(1996..2007);
            Partnership {
                id: format!("p{i}"),
                japan_region: japan,
                overseas_regions: vec![best],
                sector,
                start_fy: start,
                end_fy: start + 2,
                outcome: [Outcome::During, Outcome::After, Outcome::NotYet][i % 3],
                activities: [None; 3],
                wanted: Vec::new(),
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let catalog = Catalog::load(&root.join("data")).expect("shipped catalog");
    let prior = LinearModel::load(&root.join("models/prior.json")).expect("prior");
    let encoder = Encoder::new(&catalog);
    let known = tieup_core::known::KnownCatalogs::new(&catalog);
    let encoders = tieup_core::known::KnownEncoders::new(&known);
    let mut group = c.benchmark_group("train");
    group.sample_size(10);
    for n in [200usize, 10_000] {
        let history = partnerships(&catalog, &encoder, &prior, n);
        let sampling = TrainParams::new(LearnerKind::PriorAnchored)
            .negatives(64)
            .seed(0)
            .check()
            .unwrap();
        group.bench_function(BenchmarkId::new("training_set_64_negatives", n), |b| {
            b.iter(|| sampling.training_set(&encoders, &history))
        });
        let queries = sampling.training_set(&encoders, &history);
        for learner in [
            LearnerKind::Pointwise,
            LearnerKind::Pairwise,
            LearnerKind::PriorAnchored,
        ] {
            let params = TrainParams::new(learner).check().unwrap();
            group.bench_function(
                BenchmarkId::new(format!("fit_{}", learner.name()), n),
                |b| b.iter(|| params.fit(&queries, &prior, "bench", "-").unwrap()),
            );
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
