//! Learning feature weights from how past partnerships turned out.
//!
//! A past partnership is a query (Japanese region, sector, year, wanted features) whose chosen
//! partner(s) carry a graded label by outcome (results during the project 3, after it 2, not
//! yet 1; a success of unreported timing 2, an unknown outcome 1); every other candidate is 0.
//! Existing exchange is encoded as of the partnership's start year, so a partnership never
//! explains itself.
//!
//! Learners (all linear, so every learned model still explains a score as contributions):
//! - `pointwise`: logistic regression (linfa-logistic) on chosen versus not chosen;
//! - `pairwise`: logistic loss on within-query feature differences (RankNet / RankSVM
//!   transform), each query weighted equally;
//! - `prior-anchored` (default): the pairwise loss with an L2 penalty on the distance from the
//!   survey prior, so a handful of outcomes moves the weights only as far as they justify,
//!   and no data returns the prior itself.
//!
//! Negatives are sampled per query (a fixed number, uniformly, seeded per query), which keeps
//! training linear in the number of partnerships however large the catalog; with uniform
//! sampling the pairwise loss is an unbiased estimate (up to a constant factor per query) of
//! the loss over all pairs.

pub mod generic;
pub mod newton;
pub mod prior;
pub mod success;

use linfa::ParamGuard;
use ndarray::{Array1, Array2};
use rand::SeedableRng;
use std::collections::BTreeMap;
use tieup_core::catalog::{Outcome, Partnership, RegionId};
use tieup_core::error::{Error, Result};
use tieup_core::features::{Encoder, FEATURES, N_FEATURES, Query};
use tieup_core::model::{LinearModel, Scaling, TrainingInfo};

/// Fixed-point rounds of the prior-anchored learner (see its fit).
const ANCHOR_ROUNDS: usize = 3;

/// Graded relevance of a chosen partner by outcome.
///
/// ```
/// use tieup_core::catalog::Outcome;
/// assert_eq!(tieup_learn::label(Outcome::During), 3);
/// assert_eq!(tieup_learn::label(Outcome::NotYet), 1);
/// ```
pub fn label(outcome: Outcome) -> u8 {
    match outcome {
        Outcome::During => 3,
        Outcome::After | Outcome::ReportedSuccess => 2,
        Outcome::NotYet | Outcome::Unknown => 1,
    }
}

/// One training query: the sampled candidates' feature rows and labels.
#[derive(Debug, Clone)]
pub struct TrainingQuery {
    /// Partnership id.
    pub id: String,
    /// The query as it stood at the partnership's start.
    pub query: Query,
    /// Survey-sector id (which prior weights apply).
    pub survey_sector: String,
    /// Candidate regions, in the order of `rows`.
    pub candidates: Vec<RegionId>,
    /// Raw feature rows: candidates × features.
    pub rows: Array2<f64>,
    /// Labels, one per row.
    pub labels: Vec<u8>,
}

/// Turns past partnerships into training queries, sampling `negatives` unchosen candidates per
/// query (all of them when `negatives` ≥ the catalog), seeded by `seed` and the query's index.
pub fn training_set(
    encoder: &Encoder<'_>,
    partnerships: &[Partnership],
    negatives: usize,
    seed: u64,
) -> Vec<TrainingQuery> {
    let catalog = encoder.catalog();
    partnerships
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut query = Query::new(p.japan_region, p.sector);
            query.wanted = p.wanted.clone();
            query.before_year = Some(p.start_fy);
            let positives: Vec<RegionId> = p.overseas_regions.clone();
            let others: Vec<RegionId> = catalog
                .candidate_ids()
                .filter(|c| !positives.contains(c))
                .collect();
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(
                seed ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15),
            );
            let mut picked: Vec<RegionId> = if negatives >= others.len() {
                others
            } else {
                rand::seq::index::sample(&mut rng, others.len(), negatives)
                    .into_iter()
                    .map(|k| others[k])
                    .collect()
            };
            picked.sort_unstable();
            let candidates: Vec<RegionId> = positives.iter().copied().chain(picked).collect();
            let mut rows = Array2::zeros((candidates.len(), N_FEATURES));
            for (r, &c) in candidates.iter().enumerate() {
                let x = encoder.encode_one(&query, c);
                rows.row_mut(r).assign(&ndarray::ArrayView1::from(&x));
            }
            let labels = candidates
                .iter()
                .map(|c| {
                    if positives.contains(c) {
                        label(p.outcome)
                    } else {
                        0
                    }
                })
                .collect();
            TrainingQuery {
                id: p.id.clone(),
                survey_sector: catalog
                    .sectors()
                    .get(catalog.sectors().survey_root(p.sector))
                    .id
                    .clone(),
                query,
                candidates,
                rows,
                labels,
            }
        })
        .collect()
}

/// Which learner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LearnerKind {
    /// Logistic regression on chosen versus not chosen (linfa-logistic).
    Pointwise,
    /// Logistic loss on within-query differences.
    Pairwise,
    /// Pairwise, pulled toward the survey prior.
    PriorAnchored,
}

impl LearnerKind {
    /// The name used in model files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            LearnerKind::Pointwise => "pointwise",
            LearnerKind::Pairwise => "pairwise",
            LearnerKind::PriorAnchored => "prior-anchored",
        }
    }
}

/// Checked training hyperparameters.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainValidParams {
    learner: LearnerKind,
    negatives: usize,
    seed: u64,
    l2: f64,
    max_iterations: usize,
}

/// Training hyperparameters (linfa style: build, `check()`, then `fit`).
///
/// | parameter | default | range | meaning |
/// |---|---|---|---|
/// | learner | prior-anchored | | which loss |
/// | negatives | 64 | ≥ 1 | unchosen candidates sampled per query |
/// | seed | 0 | any | sampling seed |
/// | l2 | 1.0 | > 0 | L2 strength: toward 0 (pointwise, pairwise) or toward the prior (prior-anchored), in queries' worth of evidence per unit² of scaled weight |
/// | max_iterations | 100 | ≥ 1 | solver iterations |
#[derive(Debug, Clone, PartialEq)]
pub struct TrainParams(TrainValidParams);

impl TrainParams {
    /// Defaults for a learner.
    pub fn new(learner: LearnerKind) -> Self {
        TrainParams(TrainValidParams {
            learner,
            negatives: 64,
            seed: 0,
            l2: 1.0,
            max_iterations: 100,
        })
    }

    /// Unchosen candidates sampled per query.
    pub fn negatives(mut self, n: usize) -> Self {
        self.0.negatives = n;
        self
    }

    /// Sampling seed.
    pub fn seed(mut self, seed: u64) -> Self {
        self.0.seed = seed;
        self
    }

    /// L2 strength.
    pub fn l2(mut self, l2: f64) -> Self {
        self.0.l2 = l2;
        self
    }

    /// Solver iterations.
    pub fn max_iterations(mut self, n: usize) -> Self {
        self.0.max_iterations = n;
        self
    }
}

impl ParamGuard for TrainParams {
    type Checked = TrainValidParams;
    type Error = Error;

    fn check_ref(&self) -> Result<&TrainValidParams> {
        let p = &self.0;
        if p.negatives == 0 {
            return Err(Error::InvalidParam {
                name: "negatives",
                value: "0".into(),
                reason: "sample at least 1 unchosen candidate per query".into(),
            });
        }
        if !(p.l2.is_finite() && p.l2 > 0.0) {
            return Err(Error::InvalidParam {
                name: "l2",
                value: p.l2.to_string(),
                reason: "must be a finite number > 0".into(),
            });
        }
        if p.max_iterations == 0 {
            return Err(Error::InvalidParam {
                name: "max_iterations",
                value: "0".into(),
                reason: "must be ≥ 1".into(),
            });
        }
        Ok(p)
    }

    fn check(self) -> Result<TrainValidParams> {
        self.check_ref()?;
        Ok(self.0)
    }
}

/// Scaling fitted on training rows: mean over all rows; scale = root mean square of the
/// within-query deviations (so that adding a constant to a feature within a query changes
/// nothing), 1 where a feature never varies within a query.
pub fn fit_scaling(queries: &[TrainingQuery]) -> Scaling {
    generic::fit_scaling(&views(queries), N_FEATURES)
}

/// Borrowed rows and labels of training queries, for the shared pieces in [`generic`].
fn views(queries: &[TrainingQuery]) -> Vec<generic::RowsQuery<'_>> {
    queries
        .iter()
        .map(|q| generic::RowsQuery {
            rows: q.rows.view(),
            labels: &q.labels,
        })
        .collect()
}

fn pairs(queries: &[TrainingQuery], scaling: &Scaling) -> generic::Pairs {
    generic::pairs(&views(queries), &scaling.scale)
}

impl TrainValidParams {
    /// The learner.
    pub fn learner(&self) -> LearnerKind {
        self.learner
    }

    /// Unchosen candidates sampled per query.
    pub fn negatives(&self) -> usize {
        self.negatives
    }

    /// Sampling seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Fits a model. `prior` is the anchor of the prior-anchored learner and the source of
    /// `want_boost`; `source` and `data_hash` describe the training data.
    pub fn fit(
        &self,
        queries: &[TrainingQuery],
        prior: &LinearModel,
        source: &str,
        data_hash: &str,
    ) -> Result<LinearModel> {
        let mut hyperparameters = BTreeMap::from([
            ("negatives".to_string(), self.negatives as f64),
            ("seed".to_string(), self.seed as f64),
            ("l2".to_string(), self.l2),
            ("max_iterations".to_string(), self.max_iterations as f64),
        ]);
        let mut metrics = BTreeMap::new();
        metrics.insert("n_queries".to_string(), queries.len() as f64);
        let n_positive = queries
            .iter()
            .filter(|q| q.labels.iter().any(|&l| l > 0))
            .count();
        if self.learner == LearnerKind::PriorAnchored && n_positive == 0 {
            // No outcomes: the prior itself.
            let mut model = prior.clone();
            model.kind = self.learner.name().into();
            model.description =
                "prior-anchored learner with no training outcomes: the survey prior".into();
            model.hyperparameters = hyperparameters;
            model.training = TrainingInfo {
                source: source.into(),
                data_hash: data_hash.into(),
                n_examples: 0,
                metrics,
            };
            return Ok(model);
        }
        if n_positive == 0 {
            return Err(Error::InvalidParam {
                name: "training data",
                value: format!("{} queries", queries.len()),
                reason: "no query has a chosen partner; nothing to learn from".into(),
            });
        }
        let scaling = fit_scaling(queries);
        let (default_weights, sector_weights, description) = match self.learner {
            LearnerKind::Pointwise => {
                let w = self.fit_pointwise(queries, &scaling, &mut metrics)?;
                (
                    w,
                    BTreeMap::new(),
                    "pointwise logistic regression (linfa-logistic) on chosen versus unchosen candidates",
                )
            }
            LearnerKind::Pairwise => {
                let pairs = pairs(queries, &scaling);
                let offsets = Array1::zeros(pairs.weights.len());
                let lambda = Array1::from_elem(N_FEATURES, self.l2);
                let solution = self.solve(&pairs, &offsets, &lambda, &scaling, &mut metrics);
                (
                    to_array(&solution.v),
                    BTreeMap::new(),
                    "pairwise logistic loss on within-query differences",
                )
            }
            LearnerKind::PriorAnchored => {
                let anchor = |w: &[f64; N_FEATURES]| -> [f64; N_FEATURES] {
                    std::array::from_fn(|f| w[f] * scaling.scale[f])
                };
                let pairs = pairs(queries, &scaling);
                // The pull toward the prior is measured in raw feature units (every feature
                // lies in [0, 1]): λ‖Δw_raw‖² = Σ_f (λ / scale_f²) Δw_scaled,f².
                let lambda: Array1<f64> = scaling.scale.iter().map(|s| self.l2 / (s * s)).collect();
                // Each query's offset is the prior's score plus the raise its wanted features
                // will get at scoring time, so v learns only what the prior misses. The raise is
                // a multiple of the model's largest weight, which depends on v: a few rounds of
                // fixed-point iteration make training and scoring agree.
                let mut v = Array1::<f64>::zeros(N_FEATURES);
                let mut solution = None;
                for _ in 0..ANCHOR_ROUNDS {
                    let anchors: Vec<[f64; N_FEATURES]> = queries
                        .iter()
                        .map(|q| {
                            let w = prior
                                .sector_weights
                                .get(&q.survey_sector)
                                .unwrap_or(&prior.default_weights);
                            let learned: [f64; N_FEATURES] =
                                std::array::from_fn(|f| w[f] + v[f] / scaling.scale[f]);
                            let boost = tieup_core::model::want_boost_for(
                                &learned,
                                prior.want_boost,
                                &q.query.wanted,
                            );
                            anchor(&std::array::from_fn(|f| w[f] + boost[f]))
                        })
                        .collect();
                    let offsets: Array1<f64> = pairs
                        .d
                        .outer_iter()
                        .zip(&pairs.query)
                        .map(|(d, &q)| d.iter().zip(anchors[q].iter()).map(|(a, b)| a * b).sum())
                        .collect();
                    let s = self.solve(&pairs, &offsets, &lambda, &scaling, &mut metrics);
                    v = s.v.clone();
                    solution = Some(s);
                }
                let solution = solution.expect("at least one round");
                for (f, spec) in FEATURES.iter().enumerate() {
                    metrics.insert(
                        format!("shift.{}", spec.name),
                        solution.v[f] / scaling.scale[f],
                    );
                }
                let shifted = |w: &[f64; N_FEATURES]| -> [f64; N_FEATURES] {
                    let a = anchor(w);
                    std::array::from_fn(|f| a[f] + solution.v[f])
                };
                let sectors = prior
                    .sector_weights
                    .iter()
                    .map(|(k, w)| (k.clone(), shifted(w)))
                    .collect();
                hyperparameters.insert("anchor_want_boost".into(), prior.want_boost);
                (
                    shifted(&prior.default_weights),
                    sectors,
                    "pairwise logistic loss with an L2 pull toward the survey prior (per survey sector), in scaled feature units",
                )
            }
        };
        Ok(LinearModel {
            kind: self.learner.name().into(),
            description: description.into(),
            hyperparameters,
            scaling: Some(scaling),
            default_weights,
            sector_weights,
            want_boost: prior.want_boost,
            training: TrainingInfo {
                source: source.into(),
                data_hash: data_hash.into(),
                n_examples: queries.len() as u64,
                metrics,
            },
        })
    }

    /// Minimises the pairwise logistic loss with offsets and per-feature L2 toward zero,
    /// recording loss, iterations and standard errors.
    fn solve(
        &self,
        pairs: &generic::Pairs,
        offsets: &Array1<f64>,
        lambda: &Array1<f64>,
        scaling: &Scaling,
        metrics: &mut BTreeMap<String, f64>,
    ) -> newton::Solution {
        let solution = generic::solve_pairs(pairs, offsets, lambda, self.max_iterations);
        record_solution(metrics, &solution, scaling, pairs.weights.len());
        solution
    }

    fn fit_pointwise(
        &self,
        queries: &[TrainingQuery],
        scaling: &Scaling,
        metrics: &mut BTreeMap<String, f64>,
    ) -> Result<[f64; N_FEATURES]> {
        let (w, intercept, n) = generic::pointwise_weights(
            &views(queries),
            &scaling.scale,
            self.l2,
            self.max_iterations,
        )?;
        metrics.insert("n_rows".into(), n as f64);
        metrics.insert("intercept".into(), intercept);
        Ok(std::array::from_fn(|f| w[f]))
    }
}

/// Records loss, iterations and the standard errors of the weights in raw feature units.
fn record_solution(
    metrics: &mut BTreeMap<String, f64>,
    solution: &newton::Solution,
    scaling: &Scaling,
    n_pairs: usize,
) {
    metrics.insert("n_pairs".into(), n_pairs as f64);
    metrics.insert("loss".into(), solution.loss);
    metrics.insert("iterations".into(), solution.iterations as f64);
    for (f, spec) in FEATURES.iter().enumerate() {
        metrics.insert(
            format!("se.{}", spec.name),
            solution.standard_errors[f] / scaling.scale[f],
        );
    }
}

fn to_array(v: &Array1<f64>) -> [f64; N_FEATURES] {
    std::array::from_fn(|f| v[f])
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    /// Queries whose chosen candidate maximises `truth · x + Gumbel noise` (a conditional
    /// logit choice), with features uniform in [0, 1].
    fn synthetic(
        truth: &[f64; N_FEATURES],
        n_queries: usize,
        n_candidates: usize,
        seed: u64,
    ) -> Vec<TrainingQuery> {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        (0..n_queries)
            .map(|i| {
                let rows =
                    Array2::from_shape_fn((n_candidates, N_FEATURES), |_| rng.r#gen::<f64>());
                let utility: Vec<f64> = rows
                    .outer_iter()
                    .map(|x| {
                        let u: f64 = rng.r#gen::<f64>().max(1e-300);
                        x.dot(&Array1::from(truth.to_vec())) - (-u.ln()).ln()
                    })
                    .collect();
                let best = (0..n_candidates)
                    .max_by(|&a, &b| utility[a].total_cmp(&utility[b]))
                    .unwrap();
                TrainingQuery {
                    id: format!("q{i}"),
                    query: Query::new(
                        RegionId::from_index(0),
                        tieup_core::catalog::SectorId::from_index(0),
                    ),
                    survey_sector: "it".into(),
                    candidates: (0..n_candidates).map(RegionId::from_index).collect(),
                    labels: (0..n_candidates).map(|c| u8::from(c == best)).collect(),
                    rows,
                }
            })
            .collect()
    }

    fn prior() -> LinearModel {
        LinearModel {
            kind: "prior".into(),
            description: String::new(),
            hyperparameters: BTreeMap::new(),
            scaling: None,
            default_weights: [0.4, 0.2, 0.15, 0.3, 0.15, 0.15, 0.08, 0.12, 0.25, -0.33],
            sector_weights: BTreeMap::from([(
                "it".to_string(),
                [0.5, 0.25, 0.1, 0.37, 0.02, 0.1, 0.07, 0.13, 0.36, -0.46],
            )]),
            want_boost: 1.0,
            training: TrainingInfo::default(),
        }
    }

    /// Weights in raw feature units (scaled weights divided by the scale).
    fn raw(model: &LinearModel) -> [f64; N_FEATURES] {
        let s = model.scaling.as_ref().unwrap();
        std::array::from_fn(|f| model.default_weights[f] / s.scale[f])
    }

    const TRUTH: [f64; N_FEATURES] = [3.0, 1.5, 0.0, 2.0, -1.0, 0.5, 0.0, 1.0, 2.5, -2.0];

    fn cosine(a: &[f64], b: &[f64]) -> f64 {
        let dot: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
        let na: f64 = a.iter().map(|x| x * x).sum::<f64>().sqrt();
        let nb: f64 = b.iter().map(|x| x * x).sum::<f64>().sqrt();
        dot / (na * nb)
    }

    fn check_recovery(kind: LearnerKind, l2: f64, min_cosine: f64) {
        let data = synthetic(&TRUTH, 600, 30, 7);
        let model = TrainParams::new(kind)
            .l2(l2)
            .check()
            .unwrap()
            .fit(&data, &prior(), "synthetic", "-")
            .unwrap();
        let w = raw(&model);
        let c = cosine(&w, &TRUTH);
        assert!(c > min_cosine, "{kind:?}: cosine {c}, weights {w:?}");
        for f in 0..N_FEATURES {
            if TRUTH[f].abs() >= 1.0 {
                assert_eq!(
                    w[f].signum(),
                    TRUTH[f].signum(),
                    "{kind:?} sign of {}: {w:?}",
                    FEATURES[f].name
                );
            }
        }
        // Order: the largest true weight is learned larger than the smallest positive one.
        assert!(w[0] > w[5] && w[8] > w[7], "{kind:?} order: {w:?}");
    }

    #[test]
    fn pairwise_recovers_known_weights() {
        // Bound: cosine similarity with the true weights above 0.98 on 600 choices of 30.
        check_recovery(LearnerKind::Pairwise, 0.01, 0.98);
    }

    #[test]
    fn pointwise_recovers_known_weights() {
        check_recovery(LearnerKind::Pointwise, 0.01, 0.95);
    }

    #[test]
    fn prior_anchored_with_much_data_recovers_known_weights() {
        check_recovery(LearnerKind::PriorAnchored, 0.01, 0.98);
    }

    #[test]
    fn pairwise_is_invariant_to_a_constant_per_query() {
        let data = synthetic(&TRUTH, 100, 20, 3);
        let mut shifted = data.clone();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(9);
        for q in &mut shifted {
            let c: Vec<f64> = (0..N_FEATURES).map(|_| rng.r#gen::<f64>() * 5.0).collect();
            for mut row in q.rows.outer_iter_mut() {
                for f in 0..N_FEATURES {
                    row[f] += c[f];
                }
            }
        }
        let fit = |d: &[TrainingQuery]| {
            TrainParams::new(LearnerKind::Pairwise)
                .check()
                .unwrap()
                .fit(d, &prior(), "s", "-")
                .unwrap()
        };
        let (a, b) = (fit(&data), fit(&shifted));
        for f in 0..N_FEATURES {
            assert!(
                (a.default_weights[f] - b.default_weights[f]).abs() < 1e-9,
                "{f}: {} vs {}",
                a.default_weights[f],
                b.default_weights[f]
            );
        }
    }

    #[test]
    fn prior_anchored_without_data_is_the_prior() {
        let model = TrainParams::new(LearnerKind::PriorAnchored)
            .check()
            .unwrap()
            .fit(&[], &prior(), "none", "-")
            .unwrap();
        assert_eq!(model.default_weights, prior().default_weights);
        assert_eq!(model.sector_weights, prior().sector_weights);
        assert_eq!(model.scaling, None);
        assert!(
            TrainParams::new(LearnerKind::Pairwise)
                .check()
                .unwrap()
                .fit(&[], &prior(), "none", "-")
                .is_err()
        );
    }

    #[test]
    fn few_outcomes_move_the_anchored_weights_less_than_many() {
        let distance = |n: usize| {
            let data = synthetic(&TRUTH, n, 20, 11);
            let m = TrainParams::new(LearnerKind::PriorAnchored)
                .check()
                .unwrap()
                .fit(&data, &prior(), "s", "-")
                .unwrap();
            (0..N_FEATURES)
                .map(|f| m.training.metrics[&format!("shift.{}", FEATURES[f].name)].powi(2))
                .sum::<f64>()
                .sqrt()
        };
        let (few, many) = (distance(10), distance(500));
        assert!(few < many, "10 outcomes shift {few}, 500 shift {many}");
    }

    #[test]
    fn params_are_checked() {
        assert!(
            TrainParams::new(LearnerKind::Pairwise)
                .l2(0.0)
                .check()
                .is_err()
        );
        assert!(
            TrainParams::new(LearnerKind::Pairwise)
                .negatives(0)
                .check()
                .is_err()
        );
        assert!(
            TrainParams::new(LearnerKind::Pairwise)
                .max_iterations(0)
                .check()
                .is_err()
        );
    }

    #[test]
    fn same_seed_gives_a_byte_identical_model() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/mini");
        let catalog = tieup_core::catalog::Catalog::load(&dir).unwrap();
        let encoder = Encoder::new(&catalog);
        let train = |seed| {
            let q = training_set(&encoder, catalog.partnerships(), 3, seed);
            TrainParams::new(LearnerKind::Pairwise)
                .seed(seed)
                .check()
                .unwrap()
                .fit(&q, &prior(), "fixture", "-")
                .unwrap()
                .to_json()
        };
        assert_eq!(train(5), train(5));
        let q = training_set(&encoder, catalog.partnerships(), 3, 5);
        assert_eq!(q.len(), 2);
        assert_eq!(
            q[0].labels.iter().filter(|&&l| l == 3).count(),
            2,
            "both Swedish partners are chosen, results during the project"
        );
        assert_eq!(q[0].rows.nrows(), 5, "2 chosen + 3 sampled");
        // Existing exchange is encoded as of the start year: the partnership does not explain itself.
        assert!(q.iter().all(|t| {
            t.rows
                .column(tieup_core::features::Feature::ExistingExchange.index())
                .iter()
                .all(|&v| v == 0.0)
        }));
    }
}
