//! The learners on any number of features: the same losses as [`super`] (pointwise logistic,
//! pairwise logistic), for data that is not in tieup's ten-feature schema, such as a LETOR
//! file from another tool. The ten-feature learners call the shared pieces here (scaling,
//! pairs, the pointwise fit), so both paths compute the same thing.
//!
//! There is no prior-anchored variant: it needs the survey prior, which only exists for
//! tieup's schema.

use super::{LearnerKind, TrainValidParams, newton};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use std::collections::BTreeMap;
use tieup_core::error::{Error, Result};
use tieup_core::model::Scaling;

/// One query's candidate rows and labels, borrowed.
#[derive(Debug, Clone, Copy)]
pub struct RowsQuery<'a> {
    /// Candidates × features.
    pub rows: ArrayView2<'a, f64>,
    /// Graded labels, one per row (0 = not chosen).
    pub labels: &'a [u8],
}

/// Scaling fitted on training rows, for any number of features: mean over all rows; scale =
/// root mean square of the within-query deviations, 1 where a feature never varies within a
/// query (see [`super::fit_scaling`]).
pub fn fit_scaling(queries: &[RowsQuery<'_>], n_features: usize) -> Scaling {
    let mut sum = vec![0.0; n_features];
    let mut sq = vec![0.0; n_features];
    let mut n = 0.0;
    for q in queries {
        let means = q.rows.mean_axis(ndarray::Axis(0));
        for row in q.rows.outer_iter() {
            for f in 0..n_features {
                sum[f] += row[f];
                if let Some(m) = &means {
                    sq[f] += (row[f] - m[f]).powi(2);
                }
            }
            n += 1.0;
        }
    }
    let n = f64::max(n, 1.0);
    Scaling {
        mean: sum.iter().map(|s| s / n).collect(),
        scale: sq
            .iter()
            .map(|s| {
                let rms = (s / n).sqrt();
                if rms > 1e-9 { rms } else { 1.0 }
            })
            .collect(),
    }
}

/// Within-query pairs (better minus worse, scaled), each query's pairs weighted 1/|pairs|.
pub(crate) struct Pairs {
    /// Pairs × features.
    pub d: Array2<f64>,
    /// Pair weights.
    pub weights: Array1<f64>,
    /// Index of the query each pair came from.
    pub query: Vec<usize>,
}

/// Builds the pairs of every query.
/// Minimises the pairwise logistic loss over `pairs` with per-pair offsets and per-feature
/// L2 strengths toward zero (the one place the Newton problem is set up).
pub(crate) fn solve_pairs(
    pairs: &Pairs,
    offsets: &Array1<f64>,
    lambda: &Array1<f64>,
    max_iterations: usize,
) -> newton::Solution {
    let zeros = Array1::zeros(lambda.len());
    newton::Problem {
        d: pairs.d.view(),
        a: pairs.weights.view(),
        o: offsets.view(),
        lambda: lambda.view(),
        centre: zeros.view(),
    }
    .solve(max_iterations, 1e-9)
}

pub(crate) fn pairs(queries: &[RowsQuery<'_>], scale: &[f64]) -> Pairs {
    let n_features = scale.len();
    let mut rows: Vec<f64> = Vec::new();
    let mut weights = Vec::new();
    let mut query_of = Vec::new();
    for (qi, q) in queries.iter().enumerate() {
        let mut list = Vec::new();
        for i in 0..q.labels.len() {
            for j in 0..q.labels.len() {
                if q.labels[i] > q.labels[j] {
                    list.push((i, j));
                }
            }
        }
        let w = 1.0 / list.len().max(1) as f64;
        for (i, j) in list {
            for (f, s) in scale.iter().enumerate() {
                rows.push((q.rows[[i, f]] - q.rows[[j, f]]) / s);
            }
            weights.push(w);
            query_of.push(qi);
        }
    }
    let n = weights.len();
    Pairs {
        d: Array2::from_shape_vec((n, n_features), rows).expect("pair rows"),
        weights: Array1::from(weights),
        query: query_of,
    }
}

/// Pointwise logistic regression (linfa-logistic) on chosen (label > 0) versus not chosen, on
/// scaled rows; returns the weights in scaled units (oriented toward "chosen"), linfa's
/// intercept as fitted, and the number of rows.
pub(crate) fn pointwise_weights(
    queries: &[RowsQuery<'_>],
    scale: &[f64],
    l2: f64,
    max_iterations: usize,
) -> Result<(Vec<f64>, f64, usize)> {
    use linfa::traits::Fit;
    let n_features = scale.len();
    let n: usize = queries.iter().map(|q| q.labels.len()).sum();
    let mut x = Array2::zeros((n, n_features));
    let mut y = Vec::with_capacity(n);
    let mut r = 0;
    for q in queries {
        for (row, &l) in q.rows.outer_iter().zip(q.labels) {
            for f in 0..n_features {
                x[[r, f]] = row[f] / scale[f];
            }
            y.push(if l > 0 { "chosen" } else { "other" });
            r += 1;
        }
    }
    let dataset = linfa::Dataset::new(x, Array1::from(y));
    let fitted = linfa_logistic::LogisticRegression::default()
        .alpha(l2)
        .max_iterations(max_iterations as u64)
        .fit(&dataset)
        .map_err(|e| Error::InvalidParam {
            name: "pointwise fit",
            value: format!("{n} rows"),
            reason: e.to_string(),
        })?;
    // linfa models P(class = the second label in sorted order); orient toward "chosen".
    let sign = if fitted.labels().pos.class == "chosen" {
        1.0
    } else {
        -1.0
    };
    let params = fitted.params();
    Ok((
        (0..n_features).map(|f| sign * params[f]).collect(),
        fitted.intercept(),
        n,
    ))
}

/// A linear scorer over any number of features: score = Σ_f weights_f · x_f / scale_f.
#[derive(Debug, Clone, PartialEq)]
pub struct GenericLinear {
    /// `pointwise` or `pairwise`.
    pub kind: String,
    /// Weights in scaled units.
    pub weights: Vec<f64>,
    /// The scaling fitted on the training rows.
    pub scaling: Scaling,
    /// Training facts (pairs, loss, iterations, ...).
    pub metrics: BTreeMap<String, f64>,
}

impl GenericLinear {
    /// The score of one row.
    pub fn score(&self, row: ArrayView1<'_, f64>) -> f64 {
        row.iter()
            .zip(&self.weights)
            .zip(&self.scaling.scale)
            .map(|((x, w), s)| w * x / s)
            .sum()
    }
}

impl TrainValidParams {
    /// Fits a pointwise or pairwise model on rows of `n_features` features (the generic
    /// path). The prior-anchored learner needs tieup's schema and is refused here.
    pub fn fit_rows(&self, queries: &[RowsQuery<'_>], n_features: usize) -> Result<GenericLinear> {
        if queries.iter().any(|q| q.rows.ncols() != n_features) {
            return Err(Error::InvalidParam {
                name: "training rows",
                value: format!("{n_features} features"),
                reason: "every query must have the same number of feature columns".into(),
            });
        }
        if !queries.iter().any(|q| q.labels.iter().any(|&l| l > 0)) {
            return Err(Error::InvalidParam {
                name: "training data",
                value: format!("{} queries", queries.len()),
                reason: "no row has a label above 0; nothing to learn from".into(),
            });
        }
        let scaling = fit_scaling(queries, n_features);
        let mut metrics = BTreeMap::new();
        metrics.insert("n_queries".to_string(), queries.len() as f64);
        let weights = match self.learner() {
            LearnerKind::Pointwise => {
                let (w, intercept, n) =
                    pointwise_weights(queries, &scaling.scale, self.l2, self.max_iterations)?;
                metrics.insert("n_rows".into(), n as f64);
                metrics.insert("intercept".into(), intercept);
                w
            }
            LearnerKind::Pairwise => {
                let pairs = pairs(queries, &scaling.scale);
                let offsets = Array1::zeros(pairs.weights.len());
                let lambda = Array1::from_elem(n_features, self.l2);
                let solution = solve_pairs(&pairs, &offsets, &lambda, self.max_iterations);
                metrics.insert("n_pairs".into(), pairs.weights.len() as f64);
                metrics.insert("loss".into(), solution.loss);
                metrics.insert("iterations".into(), solution.iterations as f64);
                solution.v.to_vec()
            }
            LearnerKind::PriorAnchored => {
                return Err(Error::InvalidParam {
                    name: "learner",
                    value: "prior-anchored".into(),
                    reason: "the prior exists only for tieup's feature schema; use pointwise or pairwise on other data".into(),
                });
            }
        };
        Ok(GenericLinear {
            kind: self.learner().name().into(),
            weights,
            scaling,
            metrics,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TrainParams;
    use linfa::ParamGuard;
    use rand::{Rng, SeedableRng};

    /// Queries over `n_features` uniform features whose chosen row maximises truth·x + Gumbel.
    fn synthetic(truth: &[f64], n_queries: usize, seed: u64) -> Vec<(Array2<f64>, Vec<u8>)> {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        (0..n_queries)
            .map(|_| {
                let rows = Array2::from_shape_fn((25, truth.len()), |_| rng.r#gen::<f64>());
                let utility: Vec<f64> = rows
                    .outer_iter()
                    .map(|x| {
                        let u: f64 = rng.r#gen::<f64>().max(1e-300);
                        x.iter().zip(truth).map(|(a, b)| a * b).sum::<f64>() - (-u.ln()).ln()
                    })
                    .collect();
                let best = (0..25)
                    .max_by(|&a, &b| utility[a].total_cmp(&utility[b]))
                    .unwrap();
                (rows, (0..25).map(|i| u8::from(i == best)).collect())
            })
            .collect()
    }

    #[test]
    fn both_learners_recover_the_direction_of_thirteen_weights() {
        let truth: Vec<f64> = (0..13).map(|f| (f as f64 - 6.0) / 2.0).collect();
        let data = synthetic(&truth, 400, 5);
        let views: Vec<RowsQuery<'_>> = data
            .iter()
            .map(|(r, l)| RowsQuery {
                rows: r.view(),
                labels: l,
            })
            .collect();
        for kind in [LearnerKind::Pairwise, LearnerKind::Pointwise] {
            let model = TrainParams::new(kind)
                .l2(0.01)
                .check()
                .unwrap()
                .fit_rows(&views, 13)
                .unwrap();
            let raw: Vec<f64> = (0..13)
                .map(|f| model.weights[f] / model.scaling.scale[f])
                .collect();
            let dot: f64 = raw.iter().zip(&truth).map(|(a, b)| a * b).sum();
            let norm = |v: &[f64]| v.iter().map(|x| x * x).sum::<f64>().sqrt();
            let cosine = dot / (norm(&raw) * norm(&truth));
            assert!(cosine > 0.95, "{kind:?}: cosine {cosine}");
            // Scores rank like truth·x on a fresh row pair.
            let good = Array1::from(
                truth
                    .iter()
                    .map(|w| f64::from(*w > 0.0))
                    .collect::<Vec<_>>(),
            );
            let bad = good.mapv(|v| 1.0 - v);
            assert!(model.score(good.view()) > model.score(bad.view()));
        }
        let anchored = TrainParams::new(LearnerKind::PriorAnchored)
            .check()
            .unwrap()
            .fit_rows(&views, 13);
        assert!(anchored.is_err());
    }

    #[test]
    fn mismatched_columns_and_no_positive_label_are_refused() {
        let a = Array2::<f64>::zeros((3, 2));
        let b = Array2::<f64>::zeros((3, 4));
        let params = TrainParams::new(LearnerKind::Pairwise).check().unwrap();
        let labels = [1u8, 0, 0];
        let q = [
            RowsQuery {
                rows: a.view(),
                labels: &labels,
            },
            RowsQuery {
                rows: b.view(),
                labels: &labels,
            },
        ];
        assert!(params.fit_rows(&q, 2).is_err());
        let zero = [0u8; 3];
        let q = [RowsQuery {
            rows: a.view(),
            labels: &zero,
        }];
        assert!(params.fit_rows(&q, 2).is_err());
    }
}
