//! Evaluation parameters (linfa style: [`EvalParams`] → check → [`EvalValidParams`]) and the
//! progress hook the binary implements.

use super::metrics;
use linfa::ParamGuard;
use serde::Serialize;
use tieup_core::error::{Error, Result};

/// Something that shows progress (the binary's progress bar); the library only reports.
pub trait Progress {
    /// A stage with `total` steps begins.
    fn begin(&mut self, stage: &str, total: u64);
    /// `n` more steps are done.
    fn advance(&mut self, n: u64);
}

/// Progress that goes nowhere.
pub struct NoProgress;

impl Progress for NoProgress {
    fn begin(&mut self, _: &str, _: u64) {}
    fn advance(&mut self, _: u64) {}
}

/// Checked evaluation parameters.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvalValidParams {
    /// Folds of the grouped K-fold.
    pub folds: usize,
    /// First test year of the temporal split (None: the year that leaves about
    /// `temporal_test_share` of the history for test).
    pub split_year: Option<u16>,
    /// Test share aimed at by the default temporal split year.
    pub temporal_test_share: f64,
    /// Seed of folds, sampling, random ranker and resampling.
    pub seed: u64,
    /// Unchosen candidates sampled per training query.
    pub negatives: usize,
    /// L2 strength of the learners.
    pub l2: f64,
    /// Permutations of the randomization test.
    pub permutations: usize,
    /// Bootstrap resamples.
    pub bootstrap: usize,
    /// Headline metric (significance, plots' per-sector bars, goal).
    pub metric: String,
}

/// Evaluation parameters (linfa style).
///
/// | parameter | default | range |
/// |---|---|---|
/// | folds | 5 | ≥ 2 |
/// | split_year | the year leaving ~20% for test | any |
/// | seed | 0 | any |
/// | negatives | 64 | ≥ 1 |
/// | l2 | 1.0 (as `TrainParams`) | > 0 |
/// | permutations | 10,000 | ≥ 1 |
/// | bootstrap | 10,000 | ≥ 1 |
/// | metric | `ndcg@10` | a metric key |
#[derive(Debug, Clone, PartialEq)]
pub struct EvalParams(EvalValidParams);

impl Default for EvalParams {
    fn default() -> Self {
        Self::new()
    }
}

impl EvalParams {
    /// Defaults.
    pub fn new() -> Self {
        EvalParams(EvalValidParams {
            folds: 5,
            split_year: None,
            temporal_test_share: 0.2,
            seed: 0,
            negatives: 64,
            l2: 1.0,
            permutations: 10_000,
            bootstrap: 10_000,
            metric: "ndcg@10".into(),
        })
    }

    /// Folds of the grouped K-fold.
    pub fn folds(mut self, k: usize) -> Self {
        self.0.folds = k;
        self
    }

    /// First test year of the temporal split.
    pub fn split_year(mut self, year: Option<u16>) -> Self {
        self.0.split_year = year;
        self
    }

    /// Seed.
    pub fn seed(mut self, seed: u64) -> Self {
        self.0.seed = seed;
        self
    }

    /// Negatives per training query.
    pub fn negatives(mut self, n: usize) -> Self {
        self.0.negatives = n;
        self
    }

    /// L2 strength of the learners.
    pub fn l2(mut self, l2: f64) -> Self {
        self.0.l2 = l2;
        self
    }

    /// Permutations of the randomization test.
    pub fn permutations(mut self, n: usize) -> Self {
        self.0.permutations = n;
        self
    }

    /// Bootstrap resamples.
    pub fn bootstrap(mut self, n: usize) -> Self {
        self.0.bootstrap = n;
        self
    }

    /// Headline metric.
    pub fn metric(mut self, key: &str) -> Self {
        self.0.metric = key.to_string();
        self
    }
}

/// True when `key` names a reported metric.
pub fn is_metric(key: &str) -> bool {
    let base = ["ndcg", "ndcg_exp", "map", "mrr"];
    if base.contains(&key) {
        return true;
    }
    key.split_once('@').is_some_and(|(m, k)| {
        ["ndcg", "ndcg_exp", "p", "recall", "hit"].contains(&m)
            && k.parse::<usize>()
                .is_ok_and(|k| metrics::CUTOFFS.contains(&k))
    })
}

impl ParamGuard for EvalParams {
    type Checked = EvalValidParams;
    type Error = Error;

    fn check_ref(&self) -> Result<&EvalValidParams> {
        let p = &self.0;
        let invalid = |name: &'static str, value: String, reason: String| {
            Err(Error::InvalidParam {
                name,
                value,
                reason,
            })
        };
        if p.folds < 2 {
            return invalid("folds", p.folds.to_string(), "must be ≥ 2".into());
        }
        if p.negatives == 0 {
            return invalid("negatives", "0".into(), "must be ≥ 1".into());
        }
        if !(p.l2.is_finite() && p.l2 > 0.0) {
            return invalid("l2", p.l2.to_string(), "must be a number > 0".into());
        }
        if p.permutations == 0 || p.bootstrap == 0 {
            return invalid(
                "permutations/bootstrap",
                format!("{}/{}", p.permutations, p.bootstrap),
                "must be ≥ 1".into(),
            );
        }
        if !is_metric(&p.metric) {
            return invalid(
                "metric",
                p.metric.clone(),
                format!(
                    "use ndcg, ndcg_exp, map, mrr, or ndcg@k, ndcg_exp@k, p@k, recall@k, hit@k with k one of {}",
                    metrics::CUTOFFS.map(|k| k.to_string()).join(", ")
                ),
            );
        }
        Ok(p)
    }

    fn check(self) -> Result<EvalValidParams> {
        self.check_ref()?;
        Ok(self.0)
    }
}
