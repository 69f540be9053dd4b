//! The benchmark goal, measured on the held-out split of a synthetic directory.

use super::rankers::LEARNERS;
use super::summary::SplitReport;
use serde::Serialize;

/// The goal's ratio target: the best learner reaches at least this share of the oracle's mean
/// headline metric (the oracle ranks by the generator's noise-free utility, so no ranker can
/// be expected to match it; 90% leaves room for the noise of a finite history).
pub const TARGET_RATIO: f64 = 0.9;

/// The goal's significance target: the best learner beats the prior and the same-sector
/// baseline with a paired randomization p-value below this (and a positive mean difference).
pub const TARGET_P: f64 = 0.01;

/// The targets a [`Goal`] is measured against.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GoalTargets {
    /// Least best-learner / oracle ratio.
    pub ratio: f64,
    /// Greatest p-value versus the prior and versus same-sector.
    pub p: f64,
}

impl Default for GoalTargets {
    /// [`TARGET_RATIO`] and [`TARGET_P`].
    fn default() -> Self {
        GoalTargets {
            ratio: TARGET_RATIO,
            p: TARGET_P,
        }
    }
}

/// Where the benchmark goal stands (held-out split of a synthetic directory).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Goal {
    /// The split it is measured on.
    pub split: String,
    /// The headline metric.
    pub metric: String,
    /// The learner with the best mean.
    pub best_learner: String,
    /// Its mean.
    pub best_learner_mean: f64,
    /// The oracle's mean.
    pub oracle_mean: f64,
    /// best / oracle.
    pub ratio: f64,
    /// Target ratio.
    pub target_ratio: f64,
    /// p-value of best learner versus prior.
    pub p_vs_prior: f64,
    /// Mean difference best − prior.
    pub diff_vs_prior: f64,
    /// p-value of best learner versus same-sector.
    pub p_vs_same_sector: f64,
    /// Mean difference best − same-sector.
    pub diff_vs_same_sector: f64,
    /// Target p.
    pub target_p: f64,
    /// All three conditions hold.
    pub met: bool,
}

/// The goal on a split that has learners, the oracle, the prior and same-sector, against the
/// default targets.
pub fn goal(split: &SplitReport, metric: &str) -> Option<Goal> {
    goal_with(split, metric, GoalTargets::default())
}

/// The goal on a split that has learners, the oracle, the prior and same-sector.
pub fn goal_with(split: &SplitReport, metric: &str, targets: GoalTargets) -> Option<Goal> {
    let learners: Vec<&String> = split
        .rankers
        .iter()
        .filter(|r| LEARNERS.iter().any(|l| l.kind().name() == r.as_str()))
        .collect();
    let value = |r: &str| split.mean.get(r).map(|m| m[metric]);
    let best = learners
        .iter()
        .copied()
        .max_by(|a, b| value(a).unwrap_or(0.0).total_cmp(&value(b).unwrap_or(0.0)))?;
    let oracle = value("oracle")?;
    let comparison = |other: &str| -> Option<(f64, f64)> {
        split.comparisons.iter().find_map(|c| {
            if c.a == *best && c.b == other {
                Some((c.p_value, c.mean_difference))
            } else if c.b == *best && c.a == other {
                Some((c.p_value, -c.mean_difference))
            } else {
                None
            }
        })
    };
    let (p_prior, d_prior) = comparison("prior")?;
    let (p_same, d_same) = comparison("same-sector")?;
    let best_mean = value(best)?;
    let ratio = if oracle > 0.0 {
        best_mean / oracle
    } else {
        0.0
    };
    let GoalTargets {
        ratio: target_ratio,
        p: target_p,
    } = targets;
    Some(Goal {
        split: split.name.clone(),
        metric: metric.to_string(),
        best_learner: best.clone(),
        best_learner_mean: best_mean,
        oracle_mean: oracle,
        ratio,
        target_ratio,
        p_vs_prior: p_prior,
        diff_vs_prior: d_prior,
        p_vs_same_sector: p_same,
        diff_vs_same_sector: d_same,
        target_p,
        met: ratio >= target_ratio
            && p_prior < target_p
            && d_prior > 0.0
            && p_same < target_p
            && d_same > 0.0,
    })
}
