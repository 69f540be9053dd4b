//! The summary of one split: metrics per query and in mean, intervals, curves, per-group
//! means and the pairwise comparisons of scored runs.

use super::metrics;
use super::params::EvalValidParams;
use super::significance::{self, Interval};
use super::trec;
use serde::Serialize;
use std::collections::BTreeMap;

/// One ranked query of one ranker: documents best first, with scores and labels.
#[derive(Debug, Clone, PartialEq)]
pub struct RankedQuery {
    /// Query id.
    pub qid: String,
    /// (docno, score, label) in trec_eval order.
    pub ranking: Vec<(String, f64, u8)>,
}

/// A pairwise comparison on the headline metric.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// First ranker.
    pub a: String,
    /// Second ranker.
    pub b: String,
    /// mean(a) − mean(b).
    pub mean_difference: f64,
    /// Two-sided paired randomization p-value.
    pub p_value: f64,
    /// 95% bootstrap interval of the mean difference.
    pub ci: Interval,
}

/// The evaluation of one split.
#[derive(Debug, Clone, Serialize)]
pub struct SplitReport {
    /// `held-out`, `temporal`, `grouped-kfold` or `letor`.
    pub name: String,
    /// What was trained on and tested.
    pub description: String,
    /// Training queries (summed over folds for K-fold).
    pub n_train: usize,
    /// Test query ids, in evaluation order.
    pub queries: Vec<String>,
    /// Survey sector (or group) of each test query.
    pub query_groups: Vec<String>,
    /// Rankers, in report order.
    pub rankers: Vec<String>,
    /// Mean metrics by ranker.
    pub mean: BTreeMap<String, BTreeMap<String, f64>>,
    /// 95% bootstrap interval of the headline metric, by ranker.
    pub ci: BTreeMap<String, Interval>,
    /// Mean NDCG@k (linear gain) for k = 1..=50, by ranker.
    pub curve: BTreeMap<String, Vec<f64>>,
    /// Mean headline metric by group (survey sector) and ranker, with the group's size.
    pub by_group: BTreeMap<String, BTreeMap<String, f64>>,
    /// Test queries per group.
    pub group_sizes: BTreeMap<String, usize>,
    /// 95% Wilson score interval of each group's mean headline metric, by group and ranker
    /// ([`significance::wilson_interval`]; every group has one, however small).
    pub group_ci: BTreeMap<String, BTreeMap<String, Interval>>,
    /// Every pair of rankers on the headline metric.
    pub comparisons: Vec<Comparison>,
    /// Per-query metrics by ranker (test-query order).
    #[serde(skip)]
    pub per_query: BTreeMap<String, Vec<BTreeMap<String, f64>>>,
    /// Rankings by ranker (test-query order), for run files.
    #[serde(skip)]
    pub rankings: BTreeMap<String, Vec<RankedQuery>>,
    /// Judgements of the test queries: qid → docno → label.
    #[serde(skip)]
    pub qrels: trec::Qrels,
}

/// The judgements of one test query, by docno.
#[derive(Debug, Clone)]
pub struct Judged {
    /// Query id.
    pub qid: String,
    /// Group for per-group bars (survey sector).
    pub group: String,
    /// docno → label.
    pub labels: BTreeMap<String, u8>,
}

/// One ranker's run evaluated: per-query metrics and rankings, and the mean NDCG curve.
struct RunMetrics {
    per_query: Vec<BTreeMap<String, f64>>,
    ranked: Vec<RankedQuery>,
    curve: Vec<f64>,
}

fn run_metrics<'d>(
    judged: &[Judged],
    docnos: &dyn Fn(usize) -> &'d [&'d str],
    scores: &[Vec<f64>],
) -> RunMetrics {
    let mut per_query = Vec::with_capacity(judged.len());
    let mut ranked = Vec::with_capacity(judged.len());
    let mut curve_sum = vec![0.0; metrics::CURVE_DEPTH];
    for (q, j) in judged.iter().enumerate() {
        let docs = docnos(q);
        let order = metrics::trec_order(&scores[q], docs);
        let ranking: Vec<(String, f64, u8)> = order
            .iter()
            .map(|&i| {
                let d = docs[i];
                (
                    d.to_string(),
                    scores[q][i],
                    j.labels.get(d).copied().unwrap_or(0),
                )
            })
            .collect();
        let labels: Vec<u8> = ranking.iter().map(|r| r.2).collect();
        let all: Vec<u8> = j.labels.values().copied().collect();
        per_query.push(metrics::query_metrics(&labels, &all, &metrics::CUTOFFS));
        for (k, v) in
            metrics::ndcg_curve(&labels, &all, metrics::CURVE_DEPTH, metrics::Gain::Linear)
                .iter()
                .enumerate()
        {
            curve_sum[k] += v;
        }
        ranked.push(RankedQuery {
            qid: j.qid.clone(),
            ranking,
        });
    }
    let n = judged.len().max(1) as f64;
    RunMetrics {
        per_query,
        ranked,
        curve: curve_sum.iter().map(|s| s / n).collect(),
    }
}

/// Every pair of rankers compared on their per-query headline values.
fn comparisons(
    rankers: &[String],
    headline: &dyn Fn(&str) -> Vec<f64>,
    params: &EvalValidParams,
) -> Vec<Comparison> {
    let mut out = Vec::new();
    for (i, a) in rankers.iter().enumerate() {
        for b in &rankers[i + 1..] {
            let (x, y) = (headline(a), headline(b));
            let d = significance::differences(&x, &y);
            out.push(Comparison {
                a: a.clone(),
                b: b.clone(),
                mean_difference: d.iter().fold(0.0, |s, x| s + x) / d.len().max(1) as f64,
                p_value: significance::randomization_test(&x, &y, params.permutations, params.seed),
                ci: significance::bootstrap_ci(&d, params.bootstrap, 0.95, params.seed),
            });
        }
    }
    out
}

/// Test queries per group, and the mean headline value by group and ranker.
type GroupMeans = (
    BTreeMap<String, usize>,
    BTreeMap<String, BTreeMap<String, f64>>,
);

fn group_means(
    judged: &[Judged],
    rankers: &[String],
    headline: &dyn Fn(&str) -> Vec<f64>,
) -> GroupMeans {
    let mut group_sizes: BTreeMap<String, usize> = BTreeMap::new();
    for j in judged {
        *group_sizes.entry(j.group.clone()).or_default() += 1;
    }
    let mut by_group: BTreeMap<String, BTreeMap<String, f64>> = BTreeMap::new();
    for r in rankers {
        let values = headline(r);
        for (group, size) in &group_sizes {
            let sum: f64 = judged
                .iter()
                .zip(&values)
                .filter(|(j, _)| &j.group == group)
                .map(|(_, v)| v)
                .fold(0.0, |s, x| s + x);
            by_group
                .entry(group.clone())
                .or_default()
                .insert(r.clone(), sum / *size as f64);
        }
    }
    (group_sizes, by_group)
}

/// Metrics, intervals, curves, groups and comparisons of scored runs.
///
/// `docnos(q)` names the documents of test query q, in the order of each run's scores.
pub fn summarise<'d>(
    name: &str,
    description: String,
    n_train: usize,
    judged: &[Judged],
    docnos: &dyn Fn(usize) -> &'d [&'d str],
    runs: Vec<(String, Vec<Vec<f64>>)>,
    params: &EvalValidParams,
) -> SplitReport {
    let mut per_query = BTreeMap::new();
    let mut rankings = BTreeMap::new();
    let mut curve = BTreeMap::new();
    let mut mean = BTreeMap::new();
    let mut ci = BTreeMap::new();
    let mut rankers = Vec::new();
    for (ranker, scores) in &runs {
        let run = run_metrics(judged, docnos, scores);
        curve.insert(ranker.clone(), run.curve);
        mean.insert(ranker.clone(), metrics::mean(&run.per_query));
        let headline: Vec<f64> = run.per_query.iter().map(|m| m[&params.metric]).collect();
        ci.insert(
            ranker.clone(),
            significance::bootstrap_ci(&headline, params.bootstrap, 0.95, params.seed),
        );
        per_query.insert(ranker.clone(), run.per_query);
        rankings.insert(ranker.clone(), run.ranked);
        rankers.push(ranker.clone());
    }
    let headline = |r: &str| -> Vec<f64> {
        per_query[r]
            .iter()
            .map(|m: &BTreeMap<String, f64>| m[&params.metric])
            .collect()
    };
    let comparisons = comparisons(&rankers, &headline, params);
    let (group_sizes, by_group) = group_means(judged, &rankers, &headline);
    let group_ci = by_group
        .iter()
        .map(|(g, means)| {
            let n = group_sizes[g];
            let cis = means
                .iter()
                .map(|(r, m)| (r.clone(), significance::wilson_interval(*m, n)))
                .collect();
            (g.clone(), cis)
        })
        .collect();
    let qrels = judged
        .iter()
        .map(|j| (j.qid.clone(), j.labels.clone()))
        .collect();
    SplitReport {
        name: name.to_string(),
        description,
        n_train,
        queries: judged.iter().map(|j| j.qid.clone()).collect(),
        query_groups: judged.iter().map(|j| j.group.clone()).collect(),
        rankers,
        mean,
        ci,
        curve,
        by_group,
        group_sizes,
        group_ci,
        comparisons,
        per_query,
        rankings,
        qrels,
    }
}
