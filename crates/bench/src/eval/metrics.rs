//! Ranking metrics of one query, defined exactly as trec_eval 9 defines them, so that
//! `trec_eval -m all_trec qrels.txt run-<ranker>.txt` reproduces every figure of a report
//! (to rounding).
//!
//! Conventions (trec_eval's):
//! - A run is ordered by score, highest first; equal scores are ordered by document number in
//!   *decreasing* string order ([`trec_order`]). The rank column of a run file is ignored.
//! - A document is relevant when its label is ≥ 1; an unjudged document has label 0.
//! - A query is evaluated when it has judgements; one without any relevant document scores 0
//!   on every measure and still counts in the mean.
//!
//! | key | trec_eval measure | definition |
//! |---|---|---|
//! | `ndcg@k` | `ndcg_cut_k` | DCG@k / ideal DCG@k, gain = label, discount log2(rank + 1) |
//! | `ndcg` | `ndcg` | the same over the whole ranking |
//! | `ndcg_exp@k` | (LightGBM's `ndcg@k`) | gain 2^label − 1 instead of label |
//! | `map` | `map` | Σ over relevant retrieved of precision at its rank, / number relevant |
//! | `mrr` | `recip_rank` | 1 / rank of the first relevant document |
//! | `p@k` | `P_k` | relevant in the top k / k (k even when fewer were retrieved) |
//! | `recall@k` | `recall_k` | relevant in the top k / number relevant |
//! | `hit@k` | `success_k` | 1 when a relevant document is in the top k |
//!
//! The ideal DCG sorts the labels of *all* judged documents of the query, retrieved or not.

use std::cmp::Ordering;
use std::collections::BTreeMap;

/// Cut-offs reported for every @k measure.
pub const CUTOFFS: [usize; 6] = [1, 3, 5, 10, 20, 50];

/// Largest k of the NDCG@k curves.
pub const CURVE_DEPTH: usize = 50;

/// How a label becomes a gain in DCG.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gain {
    /// gain = label (trec_eval).
    Linear,
    /// gain = 2^label − 1 (LightGBM, Burges et al.).
    Exponential,
}

impl Gain {
    /// The gain of a label.
    ///
    /// ```
    /// use tieup_bench::eval::metrics::Gain;
    /// assert_eq!(Gain::Linear.of(3), 3.0);
    /// assert_eq!(Gain::Exponential.of(3), 7.0);
    /// ```
    pub fn of(self, label: u8) -> f64 {
        match self {
            Gain::Linear => f64::from(label),
            Gain::Exponential => 2f64.powi(i32::from(label)) - 1.0,
        }
    }
}

/// Compares two (score, docno) pairs the way trec_eval orders a run: higher score first,
/// then docno in decreasing string order.
pub fn trec_compare(a: (f64, &str), b: (f64, &str)) -> Ordering {
    b.0.total_cmp(&a.0).then_with(|| b.1.cmp(a.1))
}

/// Positions of `scores` in trec_eval's order (see [`trec_compare`]).
///
/// ```
/// let order = tieup_bench::eval::metrics::trec_order(&[0.5, 0.9, 0.5], &["a", "b", "c"]);
/// assert_eq!(order, vec![1, 2, 0]); // b, then the tie c before a
/// ```
pub fn trec_order(scores: &[f64], docnos: &[&str]) -> Vec<usize> {
    assert_eq!(scores.len(), docnos.len(), "one docno per score");
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&i, &j| trec_compare((scores[i], docnos[i]), (scores[j], docnos[j])));
    order
}

/// Discounted cumulative gain of the first `k` labels (all of them with `None`).
pub fn dcg(ranked: &[u8], k: Option<usize>, gain: Gain) -> f64 {
    let depth = k.map_or(ranked.len(), |k| k.min(ranked.len()));
    ranked[..depth]
        .iter()
        .enumerate()
        .filter(|(_, l)| **l > 0)
        .map(|(i, &l)| gain.of(l) / ((i + 2) as f64).log2())
        .fold(0.0, |a, b| a + b) // from +0.0: an empty sum is 0, not -0
}

/// NDCG at `k` (whole ranking with `None`): `ranked` holds the labels of the retrieved
/// documents in rank order, `judged` the labels of every judged document of the query.
pub fn ndcg(ranked: &[u8], judged: &[u8], k: Option<usize>, gain: Gain) -> f64 {
    let mut ideal: Vec<u8> = judged.iter().copied().filter(|&l| l > 0).collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let best = dcg(&ideal, k, gain);
    if best > 0.0 {
        dcg(ranked, k, gain) / best
    } else {
        0.0
    }
}

/// Average precision (trec_eval `map` for one query).
pub fn average_precision(ranked: &[u8], n_relevant: usize) -> f64 {
    if n_relevant == 0 {
        return 0.0;
    }
    let mut hits = 0usize;
    let mut sum = 0.0;
    for (i, &l) in ranked.iter().enumerate() {
        if l > 0 {
            hits += 1;
            sum += hits as f64 / (i + 1) as f64;
        }
    }
    sum / n_relevant as f64
}

/// Reciprocal rank of the first relevant document (0 if none was retrieved).
pub fn reciprocal_rank(ranked: &[u8]) -> f64 {
    ranked
        .iter()
        .position(|&l| l > 0)
        .map_or(0.0, |i| 1.0 / (i + 1) as f64)
}

fn relevant_in_top(ranked: &[u8], k: usize) -> usize {
    ranked.iter().take(k).filter(|&&l| l > 0).count()
}

/// Precision at `k`: relevant documents in the top `k`, divided by `k`.
pub fn precision_at(ranked: &[u8], k: usize) -> f64 {
    relevant_in_top(ranked, k) as f64 / k as f64
}

/// Recall at `k`: relevant documents in the top `k`, divided by the number relevant.
pub fn recall_at(ranked: &[u8], k: usize, n_relevant: usize) -> f64 {
    if n_relevant == 0 {
        0.0
    } else {
        relevant_in_top(ranked, k) as f64 / n_relevant as f64
    }
}

/// 1 when a relevant document is in the top `k`, else 0 (trec_eval `success_k`).
pub fn hit_at(ranked: &[u8], k: usize) -> f64 {
    f64::from(u8::from(relevant_in_top(ranked, k) > 0))
}

/// Every measure of one query, keyed as in the module table, for the given cut-offs.
pub fn query_metrics(ranked: &[u8], judged: &[u8], cutoffs: &[usize]) -> BTreeMap<String, f64> {
    let n_relevant = judged.iter().filter(|&&l| l > 0).count();
    let mut m = BTreeMap::new();
    for &k in cutoffs {
        m.insert(
            format!("ndcg@{k}"),
            ndcg(ranked, judged, Some(k), Gain::Linear),
        );
        m.insert(
            format!("ndcg_exp@{k}"),
            ndcg(ranked, judged, Some(k), Gain::Exponential),
        );
        m.insert(format!("p@{k}"), precision_at(ranked, k));
        m.insert(format!("recall@{k}"), recall_at(ranked, k, n_relevant));
        m.insert(format!("hit@{k}"), hit_at(ranked, k));
    }
    m.insert("ndcg".into(), ndcg(ranked, judged, None, Gain::Linear));
    m.insert(
        "ndcg_exp".into(),
        ndcg(ranked, judged, None, Gain::Exponential),
    );
    m.insert("map".into(), average_precision(ranked, n_relevant));
    m.insert("mrr".into(), reciprocal_rank(ranked));
    m
}

/// NDCG@k for k = 1..=`depth`.
pub fn ndcg_curve(ranked: &[u8], judged: &[u8], depth: usize, gain: Gain) -> Vec<f64> {
    (1..=depth)
        .map(|k| ndcg(ranked, judged, Some(k), gain))
        .collect()
}

/// Means of per-query metric maps (keys of the first map; an empty input gives an empty map).
pub fn mean(per_query: &[BTreeMap<String, f64>]) -> BTreeMap<String, f64> {
    let Some(first) = per_query.first() else {
        return BTreeMap::new();
    };
    first
        .keys()
        .map(|k| {
            let sum = per_query.iter().map(|m| m[k]).fold(0.0, |a, b| a + b);
            (k.clone(), sum / per_query.len() as f64)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;

    const EPS: f64 = 1e-9;

    /// A query with judged labels {d1: 3, d2: 2, d3: 0 (judged non-relevant), d4: 1}, and a run
    /// ranking d3, d1, x (unjudged), d4, d5 (unjudged); d2 is not retrieved. Values worked by
    /// hand from trec_eval's definitions; the literal values are trec_eval's own output
    /// (pytrec_eval-terrier 0.5.11, which embeds trec_eval 9).
    fn case() -> (Vec<u8>, Vec<u8>) {
        (vec![0, 3, 0, 1, 0], vec![3, 2, 0, 1])
    }

    #[test]
    fn ndcg_matches_hand_computation() {
        let (ranked, judged) = case();
        // DCG@5 = 3/log2(3) + 1/log2(5); ideal = 3 + 2/log2(3) + 1/2.
        let dcg5 = 3.0 / 3f64.log2() + 1.0 / 5f64.log2();
        let ideal = 3.0 + 2.0 / 3f64.log2() + 0.5;
        assert_abs_diff_eq!(
            ndcg(&ranked, &judged, Some(5), Gain::Linear),
            dcg5 / ideal,
            epsilon = EPS
        );
        assert_abs_diff_eq!(
            ndcg(&ranked, &judged, Some(5), Gain::Linear),
            0.487_932_459_011_548_9,
            epsilon = 1e-12
        );
        // @1: nothing relevant at rank 1.
        assert_eq!(ndcg(&ranked, &judged, Some(1), Gain::Linear), 0.0);
        // @2: 3/log2(3) / (3 + 2/log2(3)).
        assert_abs_diff_eq!(
            ndcg(&ranked, &judged, Some(2), Gain::Linear),
            (3.0 / 3f64.log2()) / (3.0 + 2.0 / 3f64.log2()),
            epsilon = EPS
        );
        assert_abs_diff_eq!(
            ndcg(&ranked, &judged, Some(2), Gain::Linear),
            0.444_122_866_448_797_84,
            epsilon = 1e-12
        );
        // Whole ranking = @5 here (5 retrieved, 3 relevant judged).
        assert_abs_diff_eq!(
            ndcg(&ranked, &judged, None, Gain::Linear),
            dcg5 / ideal,
            epsilon = EPS
        );
        // Exponential gain: 7/log2(3) + 1/log2(5) over 7 + 3/log2(3) + 1/2.
        assert_abs_diff_eq!(
            ndcg(&ranked, &judged, Some(5), Gain::Exponential),
            (7.0 / 3f64.log2() + 1.0 / 5f64.log2()) / (7.0 + 3.0 / 3f64.log2() + 0.5),
            epsilon = EPS
        );
        // A cut-off deeper than the ranking keeps the ideal's deeper gains.
        assert_abs_diff_eq!(
            ndcg(&[1], &[1, 1], Some(10), Gain::Linear),
            1.0 / (1.0 + 1.0 / 3f64.log2()),
            epsilon = EPS
        );
    }

    #[test]
    fn map_mrr_precision_recall_and_hits_match_hand_computation() {
        let (ranked, judged) = case();
        let m = query_metrics(&ranked, &judged, &[1, 2, 5, 10]);
        // AP = (1/2 + 2/4) / 3 relevant (d2 never retrieved).
        assert_abs_diff_eq!(m["map"], (0.5 + 0.5) / 3.0, epsilon = EPS);
        assert_abs_diff_eq!(m["mrr"], 0.5, epsilon = EPS);
        assert_eq!(m["p@1"], 0.0);
        assert_abs_diff_eq!(m["p@2"], 0.5, epsilon = EPS);
        assert_abs_diff_eq!(m["p@5"], 0.4, epsilon = EPS);
        assert_abs_diff_eq!(m["p@10"], 0.2, epsilon = EPS); // divides by k, not by 5 retrieved
        assert_abs_diff_eq!(m["recall@2"], 1.0 / 3.0, epsilon = EPS);
        assert_abs_diff_eq!(m["recall@10"], 2.0 / 3.0, epsilon = EPS);
        assert_eq!(m["hit@1"], 0.0);
        assert_eq!(m["hit@2"], 1.0);
    }

    #[test]
    fn a_query_without_relevant_documents_scores_zero() {
        let m = query_metrics(&[0, 0, 0], &[0, 0], &[1, 10]);
        assert!(m.values().all(|&v| v == 0.0), "{m:?}");
    }

    #[test]
    fn a_perfect_ranking_scores_one() {
        let m = query_metrics(&[2, 1, 0, 0], &[2, 1], &[1, 3]);
        for key in [
            "ndcg@1",
            "ndcg@3",
            "ndcg",
            "ndcg_exp@3",
            "map",
            "mrr",
            "hit@1",
        ] {
            assert_abs_diff_eq!(m[key], 1.0, epsilon = EPS);
        }
        assert_abs_diff_eq!(m["recall@3"], 1.0, epsilon = EPS);
        assert_abs_diff_eq!(m["p@3"], 2.0 / 3.0, epsilon = EPS);
    }

    #[test]
    fn a_single_relevant_document_at_rank_r() {
        // The typical partner query: one chosen partner among many candidates.
        for r in 1..=12usize {
            let mut ranked = vec![0u8; 20];
            ranked[r - 1] = 1;
            let m = query_metrics(&ranked, &[1], &[10]);
            let expected = if r <= 10 {
                1.0 / ((r + 1) as f64).log2()
            } else {
                0.0
            };
            assert_abs_diff_eq!(m["ndcg@10"], expected, epsilon = EPS);
            assert_abs_diff_eq!(m["mrr"], 1.0 / r as f64, epsilon = EPS);
            assert_abs_diff_eq!(m["map"], 1.0 / r as f64, epsilon = EPS);
        }
    }

    #[test]
    fn ties_are_ordered_by_decreasing_docno_like_trec_eval() {
        let order = trec_order(&[1.0, 2.0, 1.0, 1.0], &["b", "z", "c", "a"]);
        assert_eq!(order, vec![1, 2, 0, 3]);
        // Negative zero and zero tie; NaN-free input is the caller's duty.
        assert_eq!(
            trec_compare((0.0, "a"), (0.0, "b")),
            std::cmp::Ordering::Greater
        );
    }

    #[test]
    fn curve_and_mean() {
        let curve = ndcg_curve(&[0, 1], &[1], 3, Gain::Linear);
        assert_eq!(curve.len(), 3);
        assert_eq!(curve[0], 0.0);
        assert_abs_diff_eq!(curve[1], 1.0 / 3f64.log2(), epsilon = EPS);
        let a = BTreeMap::from([("x".to_string(), 1.0)]);
        let b = BTreeMap::from([("x".to_string(), 0.0)]);
        assert_eq!(mean(&[a, b])["x"], 0.5);
        assert!(mean(&[]).is_empty());
    }
}
