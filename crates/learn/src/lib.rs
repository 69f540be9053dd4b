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
pub mod learners;
pub mod newton;
pub mod prior;
pub mod sample;
pub mod success;

pub use sample::TrainingQuery;

use learners::{Learner, Pairwise, Pointwise, PriorAnchored};
use linfa::ParamGuard;

use std::collections::BTreeMap;
use tieup_core::catalog::{Outcome, Partnership};
use tieup_core::error::{Error, Result};
use tieup_core::features::N_FEATURES;
use tieup_core::known::KnownEncoders;
use tieup_core::model::{LinearModel, Scaling, TrainingInfo};

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
pub(crate) fn views(queries: &[TrainingQuery]) -> Vec<generic::RowsQuery<'_>> {
    queries
        .iter()
        .map(|q| generic::RowsQuery {
            rows: q.rows.view(),
            labels: &q.labels,
        })
        .collect()
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

    /// L2 strength.
    pub fn l2(&self) -> f64 {
        self.l2
    }

    /// Solver iterations.
    pub fn max_iterations(&self) -> usize {
        self.max_iterations
    }

    /// Turns past partnerships into training queries, sampling [`Self::negatives`] unchosen
    /// candidates per query (all of them when that is ≥ the catalog), seeded by
    /// [`Self::seed`] and the query's index. Each partnership is encoded over the catalog as
    /// known before its first fiscal year (`encoders`, [`tieup_core::known`]).
    pub fn training_set(
        &self,
        encoders: &KnownEncoders<'_>,
        partnerships: &[Partnership],
    ) -> Vec<TrainingQuery> {
        sample::training_set(encoders, partnerships, self.negatives, self.seed)
    }

    /// Fits a model on queries drawn by [`Self::training_set`]. `prior` is the anchor of the
    /// prior-anchored learner and the source of `want_boost`; `source` and `data_hash`
    /// describe the training data.
    pub fn fit(
        &self,
        queries: &[TrainingQuery],
        prior: &LinearModel,
        source: &str,
        data_hash: &str,
    ) -> Result<LinearModel> {
        match self.learner {
            LearnerKind::Pointwise => {
                self.fit_with(&Pointwise::from(self), queries, prior, source, data_hash)
            }
            LearnerKind::Pairwise => {
                self.fit_with(&Pairwise::from(self), queries, prior, source, data_hash)
            }
            LearnerKind::PriorAnchored => self.fit_with(
                &PriorAnchored::from(self),
                queries,
                prior,
                source,
                data_hash,
            ),
        }
    }

    fn fit_with(
        &self,
        learner: &dyn Learner,
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
        if n_positive == 0 {
            let mut model = learner.without_outcomes(prior).ok_or_else(|| {
                Error::data(
                    source,
                    None,
                    format!(
                        "none of the {} training queries has a chosen partner; nothing to learn from",
                        queries.len()
                    ),
                    "train on partnerships with at least one overseas partner",
                )
            })?;
            model.hyperparameters = hyperparameters;
            model.training = TrainingInfo {
                source: source.into(),
                data_hash: data_hash.into(),
                n_examples: 0,
                metrics,
            };
            return Ok(model);
        }
        let scaling = fit_scaling(queries);
        let fitted = learner.fit_weights(queries, &scaling, prior, &mut metrics)?;
        hyperparameters.extend(fitted.hyperparameters);
        Ok(LinearModel {
            kind: self.learner.name().into(),
            description: fitted.description.into(),
            hyperparameters,
            scaling: Some(scaling),
            default_weights: fitted.default_weights,
            sector_weights: fitted.sector_weights,
            want_boost: prior.want_boost,
            training: TrainingInfo {
                source: source.into(),
                data_hash: data_hash.into(),
                n_examples: queries.len() as u64,
                metrics,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array1, Array2};
    use rand::{Rng, SeedableRng};
    use tieup_core::catalog::RegionId;
    use tieup_core::features::{FEATURES, Query};
    use tieup_core::known::KnownCatalogs;

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
        let err = TrainParams::new(LearnerKind::Pairwise)
            .check()
            .unwrap()
            .fit(&[], &prior(), "none", "-")
            .unwrap_err();
        assert!(
            matches!(err, Error::Data(_)),
            "no outcomes is a data error: {err}"
        );
    }

    #[test]
    fn the_model_file_records_the_sampling_it_was_trained_with() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/mini");
        let catalog = tieup_core::catalog::Catalog::load(&dir).unwrap();
        let known = KnownCatalogs::new(&catalog);
        let encoder = KnownEncoders::new(&known);
        let params = TrainParams::new(LearnerKind::Pairwise)
            .negatives(2)
            .seed(7)
            .check()
            .unwrap();
        let q = params.training_set(&encoder, catalog.partnerships());
        assert!(
            q.iter()
                .all(|t| t.labels.iter().filter(|&&l| l == 0).count() <= 2)
        );
        let model = params.fit(&q, &prior(), "fixture", "-").unwrap();
        assert_eq!(model.hyperparameters["negatives"], 2.0);
        assert_eq!(model.hyperparameters["seed"], 7.0);
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
        let known = KnownCatalogs::new(&catalog);
        let encoder = KnownEncoders::new(&known);
        let train = |seed| {
            let params = TrainParams::new(LearnerKind::Pairwise)
                .negatives(3)
                .seed(seed)
                .check()
                .unwrap();
            let q = params.training_set(&encoder, catalog.partnerships());
            params.fit(&q, &prior(), "fixture", "-").unwrap().to_json()
        };
        assert_eq!(train(5), train(5));
        let q = TrainParams::new(LearnerKind::Pairwise)
            .negatives(3)
            .seed(5)
            .check()
            .unwrap()
            .training_set(&encoder, catalog.partnerships());
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
