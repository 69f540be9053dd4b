//! The three ranking learners, one type each behind the [`Learner`] trait: [`Pointwise`],
//! [`Pairwise`] and [`PriorAnchored`]. Each is built from checked
//! [`crate::TrainValidParams`] (params → check → fit, as in linfa); the common part of a fit
//! (hyperparameters, scaling, training record) is [`crate::TrainValidParams::fit`].

use super::{TrainValidParams, TrainingQuery, generic, newton, views};
use ndarray::Array1;
use std::collections::BTreeMap;
use tieup_core::error::Result;
use tieup_core::features::{FEATURES, N_FEATURES};
use tieup_core::model::{LinearModel, Scaling};

/// Fixed-point rounds of the prior-anchored learner (see its fit).
const ANCHOR_ROUNDS: usize = 3;

/// What a learner fitted: weights in scaled feature units, and what the model file says of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    /// Weights of every query without sector weights.
    pub default_weights: [f64; N_FEATURES],
    /// Weights by survey sector.
    pub sector_weights: BTreeMap<String, [f64; N_FEATURES]>,
    /// The model's description.
    pub description: &'static str,
    /// Hyperparameters beside the common ones.
    pub hyperparameters: BTreeMap<String, f64>,
}

/// A ranking learner.
pub trait Learner {
    /// Fits weights on training queries with at least one chosen partner, recording solver
    /// metrics.
    fn fit_weights(
        &self,
        queries: &[TrainingQuery],
        scaling: &Scaling,
        prior: &LinearModel,
        metrics: &mut BTreeMap<String, f64>,
    ) -> Result<Fitted>;

    /// The model when no training query has a chosen partner; None: such data is an error.
    fn without_outcomes(&self, _prior: &LinearModel) -> Option<LinearModel> {
        None
    }
}

/// Logistic regression (linfa-logistic) on chosen versus unchosen candidates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pointwise {
    l2: f64,
    max_iterations: usize,
}

/// Logistic loss on within-query feature differences, each query weighted equally.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pairwise {
    l2: f64,
    max_iterations: usize,
}

/// The pairwise loss with an L2 pull toward the survey prior (per survey sector).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PriorAnchored {
    l2: f64,
    max_iterations: usize,
}

macro_rules! from_params {
    ($($t:ident),*) => {$(
        impl From<&TrainValidParams> for $t {
            fn from(p: &TrainValidParams) -> Self {
                $t {
                    l2: p.l2(),
                    max_iterations: p.max_iterations(),
                }
            }
        }
    )*};
}
from_params!(Pointwise, Pairwise, PriorAnchored);

impl Learner for Pointwise {
    fn fit_weights(
        &self,
        queries: &[TrainingQuery],
        scaling: &Scaling,
        _prior: &LinearModel,
        metrics: &mut BTreeMap<String, f64>,
    ) -> Result<Fitted> {
        let (w, intercept, n) = generic::pointwise_weights(
            &views(queries),
            &scaling.scale,
            self.l2,
            self.max_iterations,
        )?;
        metrics.insert("n_rows".into(), n as f64);
        metrics.insert("intercept".into(), intercept);
        Ok(Fitted {
            default_weights: std::array::from_fn(|f| w[f]),
            sector_weights: BTreeMap::new(),
            description: "pointwise logistic regression (linfa-logistic) on chosen versus unchosen candidates",
            hyperparameters: BTreeMap::new(),
        })
    }
}

impl Learner for Pairwise {
    fn fit_weights(
        &self,
        queries: &[TrainingQuery],
        scaling: &Scaling,
        _prior: &LinearModel,
        metrics: &mut BTreeMap<String, f64>,
    ) -> Result<Fitted> {
        let pairs = generic::pairs(&views(queries), &scaling.scale);
        let offsets = Array1::zeros(pairs.weights.len());
        let lambda = Array1::from_elem(N_FEATURES, self.l2);
        let solution = solve(
            &pairs,
            &offsets,
            &lambda,
            self.max_iterations,
            scaling,
            metrics,
        );
        Ok(Fitted {
            default_weights: to_array(&solution.v),
            sector_weights: BTreeMap::new(),
            description: "pairwise logistic loss on within-query differences",
            hyperparameters: BTreeMap::new(),
        })
    }
}

impl PriorAnchored {
    /// Solves for the shift v (scaled units) from the prior. Each query's offset is the
    /// prior's score plus the raise its wanted features will get at scoring time, so v learns
    /// only what the prior misses. The raise is a multiple of the model's largest weight,
    /// which depends on v: a few rounds of fixed-point iteration make training and scoring
    /// agree.
    fn shift(
        &self,
        queries: &[TrainingQuery],
        scaling: &Scaling,
        prior: &LinearModel,
        metrics: &mut BTreeMap<String, f64>,
    ) -> newton::Solution {
        let pairs = generic::pairs(&views(queries), &scaling.scale);
        // The pull toward the prior is measured in raw feature units (every feature lies in
        // [0, 1]): λ‖Δw_raw‖² = Σ_f (λ / scale_f²) Δw_scaled,f².
        let lambda: Array1<f64> = scaling.scale.iter().map(|s| self.l2 / (s * s)).collect();
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
                    scaled(scaling, &std::array::from_fn(|f| w[f] + boost[f]))
                })
                .collect();
            let offsets: Array1<f64> = pairs
                .d
                .outer_iter()
                .zip(&pairs.query)
                .map(|(d, &q)| d.iter().zip(anchors[q].iter()).map(|(a, b)| a * b).sum())
                .collect();
            let s = solve(
                &pairs,
                &offsets,
                &lambda,
                self.max_iterations,
                scaling,
                metrics,
            );
            v = s.v.clone();
            solution = Some(s);
        }
        solution.expect("at least one round")
    }
}

impl Learner for PriorAnchored {
    fn fit_weights(
        &self,
        queries: &[TrainingQuery],
        scaling: &Scaling,
        prior: &LinearModel,
        metrics: &mut BTreeMap<String, f64>,
    ) -> Result<Fitted> {
        let solution = self.shift(queries, scaling, prior, metrics);
        for (f, spec) in FEATURES.iter().enumerate() {
            metrics.insert(
                format!("shift.{}", spec.name),
                solution.v[f] / scaling.scale[f],
            );
        }
        let shifted = |w: &[f64; N_FEATURES]| -> [f64; N_FEATURES] {
            let a = scaled(scaling, w);
            std::array::from_fn(|f| a[f] + solution.v[f])
        };
        Ok(Fitted {
            default_weights: shifted(&prior.default_weights),
            sector_weights: prior
                .sector_weights
                .iter()
                .map(|(k, w)| (k.clone(), shifted(w)))
                .collect(),
            description: "pairwise logistic loss with an L2 pull toward the survey prior (per survey sector), in scaled feature units",
            hyperparameters: BTreeMap::from([("anchor_want_boost".into(), prior.want_boost)]),
        })
    }

    /// No outcomes: the prior itself.
    fn without_outcomes(&self, prior: &LinearModel) -> Option<LinearModel> {
        let mut model = prior.clone();
        model.kind = crate::LearnerKind::PriorAnchored.name().into();
        model.description =
            "prior-anchored learner with no training outcomes: the survey prior".into();
        Some(model)
    }
}

/// Raw weights in scaled feature units.
fn scaled(scaling: &Scaling, w: &[f64; N_FEATURES]) -> [f64; N_FEATURES] {
    std::array::from_fn(|f| w[f] * scaling.scale[f])
}

/// Minimises the pairwise logistic loss with offsets and per-feature L2 toward zero,
/// recording loss, iterations and standard errors.
fn solve(
    pairs: &generic::Pairs,
    offsets: &Array1<f64>,
    lambda: &Array1<f64>,
    max_iterations: usize,
    scaling: &Scaling,
    metrics: &mut BTreeMap<String, f64>,
) -> newton::Solution {
    let solution = generic::solve_pairs(pairs, offsets, lambda, max_iterations);
    record_solution(metrics, &solution, scaling, pairs.weights.len());
    solution
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
