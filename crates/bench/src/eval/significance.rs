//! Paired significance between two rankers evaluated on the same queries.
//!
//! - [`randomization_test`]: Fisher's paired randomization (sign-flip permutation) test of the
//!   mean per-query difference, two-sided. Under the null hypothesis the two rankers are
//!   exchangeable on every query, so each difference is as likely to have either sign; the
//!   p-value is the share of sign assignments whose |mean| reaches the observed one, estimated
//!   from `permutations` random assignments and counted as (hits + 1) / (permutations + 1),
//!   so it is never 0 (Smucker, Allan & Carterette 2007 recommend this test for IR).
//! - [`exact_sign_flip_test`]: the same test computed exactly, over all 2ⁿ sign assignments,
//!   for small samples such as the ten replayed real partnerships (n ≤ [`EXACT_MAX`]).
//! - [`bootstrap_ci`]: percentile bootstrap confidence interval of a mean (of per-query values,
//!   or of paired differences), resampling queries with replacement.
//!
//! Both are seeded and deterministic.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

/// A two-sided paired randomization test of mean(a − b); returns the p-value.
///
/// ```
/// use tieup_bench::eval::significance::randomization_test;
/// let better = [0.9, 0.8, 0.7, 0.9, 0.8, 0.9, 0.7, 0.8, 0.9, 0.8];
/// let worse = [0.1, 0.2, 0.3, 0.1, 0.2, 0.1, 0.3, 0.2, 0.1, 0.2];
/// assert!(randomization_test(&better, &worse, 10_000, 1) < 0.01);
/// assert_eq!(randomization_test(&better, &better, 10_000, 1), 1.0);
/// ```
pub fn randomization_test(a: &[f64], b: &[f64], permutations: usize, seed: u64) -> f64 {
    assert_eq!(a.len(), b.len(), "paired samples");
    let d = differences(a, b);
    if d.is_empty() {
        return 1.0;
    }
    let reached = reached_by(&d);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut hits = 0usize;
    for _ in 0..permutations {
        let mut sum = 0.0;
        let mut bits = 0u64;
        for (i, x) in d.iter().enumerate() {
            if i % 64 == 0 {
                bits = rng.r#gen();
            }
            sum += if bits & 1 == 1 { *x } else { -*x };
            bits >>= 1;
        }
        if reached(sum) {
            hits += 1;
        }
    }
    (hits + 1) as f64 / (permutations + 1) as f64
}

/// Largest sample for which [`exact_sign_flip_test`] enumerates every sign assignment.
pub const EXACT_MAX: usize = 16;

/// The two-sided paired sign-flip test of mean(a − b), exact: the share of all 2ⁿ sign
/// assignments of the differences whose |sum| reaches the observed one (the observed
/// assignment included, so never 0). `None` when n > [`EXACT_MAX`].
///
/// ```
/// use tieup_bench::eval::significance::exact_sign_flip_test;
/// // Ten partnerships, one ranker better on every one: only the two all-same-sign
/// // assignments reach |sum|, p = 2 / 1024.
/// let a = [1.0; 10];
/// let b = [0.5; 10];
/// assert_eq!(exact_sign_flip_test(&a, &b), Some(2.0 / 1024.0));
/// // One difference alone: both signs reach it.
/// assert_eq!(exact_sign_flip_test(&[1.0], &[0.0]), Some(1.0));
/// assert_eq!(exact_sign_flip_test(&[0.0; 17], &[0.0; 17]), None);
/// ```
pub fn exact_sign_flip_test(a: &[f64], b: &[f64]) -> Option<f64> {
    assert_eq!(a.len(), b.len(), "paired samples");
    let d = differences(a, b);
    if d.len() > EXACT_MAX {
        return None;
    }
    let reached = reached_by(&d);
    let total = 1u64 << d.len();
    let hits = (0..total)
        .filter(|&signs| {
            let sum: f64 = d
                .iter()
                .enumerate()
                .map(|(i, x)| if signs >> i & 1 == 1 { *x } else { -*x })
                .sum();
            reached(sum)
        })
        .count();
    Some(hits as f64 / total as f64)
}

/// Whether the sum of one sign assignment of the differences `d` reaches the observed
/// |Σ d| in absolute value (sums within rounding of it count as reaching it).
fn reached_by(d: &[f64]) -> impl Fn(f64) -> bool {
    let observed = d.iter().sum::<f64>().abs();
    let tolerance = 1e-12 * (1.0 + d.iter().map(|x| x.abs()).sum::<f64>());
    move |sum: f64| sum.abs() >= observed - tolerance
}

/// A confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
}

/// Percentile bootstrap interval of the mean of `values` at `level` (e.g. 0.95).
///
/// ```
/// use tieup_bench::eval::significance::bootstrap_ci;
/// let ci = bootstrap_ci(&[1.0, 2.0, 3.0, 4.0], 2_000, 0.95, 7);
/// assert!(ci.low <= 2.5 && 2.5 <= ci.high);
/// ```
pub fn bootstrap_ci(values: &[f64], resamples: usize, level: f64, seed: u64) -> Interval {
    let n = values.len();
    if n == 0 || resamples == 0 {
        return Interval {
            low: f64::NAN,
            high: f64::NAN,
        };
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut means: Vec<f64> = (0..resamples)
        .map(|_| (0..n).map(|_| values[rng.gen_range(0..n)]).sum::<f64>() / n as f64)
        .collect();
    means.sort_by(f64::total_cmp);
    let alpha = (1.0 - level) / 2.0;
    let at = |q: f64| {
        let position = (q * (resamples - 1) as f64).round() as usize;
        means[position.min(resamples - 1)]
    };
    Interval {
        low: at(alpha),
        high: at(1.0 - alpha),
    }
}

/// Per-query differences a − b.
pub fn differences(a: &[f64], b: &[f64]) -> Vec<f64> {
    a.iter().zip(b).map(|(x, y)| x - y).collect()
}

/// Wilson score interval at 95% of a mean of `n` values in [0, 1].
///
/// Exact in construction for a proportion (hit@k); for a metric in [0, 1] such as NDCG it is
/// conservative, because a variable in [0, 1] with mean p has variance at most p(1 − p). Unlike
/// a bootstrap it stays informative for very small groups: one query with a 0 still gives an
/// upper bound of 0.79, not a zero-width interval. `n = 0` gives [0, 1].
///
/// ```
/// use tieup_bench::eval::significance::wilson_interval;
/// let ci = wilson_interval(0.0, 1);
/// assert!(ci.low == 0.0 && (ci.high - 0.7935).abs() < 1e-3);
/// let ci = wilson_interval(0.5, 100);
/// assert!((ci.low - 0.4038).abs() < 1e-3 && (ci.high - 0.5962).abs() < 1e-3);
/// ```
pub fn wilson_interval(mean: f64, n: usize) -> Interval {
    if n == 0 {
        return Interval {
            low: 0.0,
            high: 1.0,
        };
    }
    const Z: f64 = 1.959_963_984_540_054;
    let (p, n) = (mean.clamp(0.0, 1.0), n as f64);
    let z2 = Z * Z;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Interval {
        low: (centre - half).max(0.0),
        high: (centre + half).min(1.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Exact two-sided p-value by enumerating all 2^n sign assignments.
    fn exact(d: &[f64]) -> f64 {
        let observed = d.iter().sum::<f64>().abs();
        let n = d.len();
        let mut hits = 0;
        for mask in 0..(1u32 << n) {
            let s: f64 = d
                .iter()
                .enumerate()
                .map(|(i, x)| if mask >> i & 1 == 1 { *x } else { -*x })
                .sum();
            if s.abs() >= observed - 1e-12 {
                hits += 1;
            }
        }
        hits as f64 / (1u32 << n) as f64
    }

    #[test]
    fn randomization_agrees_with_exact_enumeration() {
        let a = [0.5, 0.7, 0.2, 0.9, 0.4, 0.6, 0.3, 0.8];
        let b = [0.4, 0.5, 0.3, 0.6, 0.4, 0.2, 0.35, 0.5];
        let d = differences(&a, &b);
        let p = randomization_test(&a, &b, 40_000, 3);
        let e = exact(&d);
        assert!((p - e).abs() < 0.01, "estimated {p}, exact {e}");
        // Symmetric in its arguments.
        let q = randomization_test(&b, &a, 40_000, 3);
        assert!((p - q).abs() < 1e-12);
    }

    #[test]
    fn p_value_bounds() {
        let a = [1.0; 30];
        let b = [0.0; 30];
        // Only the observed assignment and its mirror reach the observed mean: p ≈ 2 / 2^30.
        let p = randomization_test(&a, &b, 1_000, 0);
        assert_eq!(p, 1.0 / 1_001.0);
        assert_eq!(randomization_test(&[], &[], 100, 0), 1.0);
        assert_eq!(randomization_test(&a, &a, 100, 0), 1.0);
    }

    #[test]
    fn bootstrap_interval_of_a_constant_is_a_point_and_widens_with_spread() {
        let ci = bootstrap_ci(&[0.4; 10], 500, 0.95, 1);
        assert!((ci.low - 0.4).abs() < 1e-12 && (ci.high - 0.4).abs() < 1e-12);
        let narrow = bootstrap_ci(&[0.4, 0.5, 0.45, 0.55, 0.5], 2_000, 0.95, 1);
        let wide = bootstrap_ci(&[0.0, 1.0, 0.2, 0.9, 0.5], 2_000, 0.95, 1);
        assert!(narrow.high - narrow.low < wide.high - wide.low);
        assert!(narrow.low <= 0.48 && 0.48 <= narrow.high);
        assert_eq!(
            bootstrap_ci(&[0.1, 0.2], 100, 0.9, 5),
            bootstrap_ci(&[0.1, 0.2], 100, 0.9, 5),
            "seeded"
        );
    }
}
