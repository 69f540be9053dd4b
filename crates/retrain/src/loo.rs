//! Leave-one-out evaluation on known partnerships: each partnership is ranked by a model
//! trained on every other training partnership (never on itself), and the rank of its real
//! partner is recorded as `tieup eval`'s replay counts it ([`PartnerRank`]: the list grouped
//! into places as the shortlist shows it, ties at their mean position, every figure its
//! expectation over the orders of tied places).

use serde::{Deserialize, Serialize};
use tieup_core::Result;
use tieup_core::catalog::Partnership;
use tieup_core::features::Query;
use tieup_core::known::KnownEncoders;
use tieup_core::model::LinearModel;
use tieup_core::select::PartnerRank;
use tieup_learn::TrainValidParams;

/// The cut-off of [`Loo::recall_at_10`].
pub const RECALL_AT: usize = 10;

/// How one held-out partnership ranked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeldOut {
    /// Partnership id.
    pub id: String,
    /// Mid-rank of the best place holding a real partner ([`PartnerRank::mid`]);
    /// `n_candidates + 1` when none is a candidate.
    pub rank: f64,
    /// Expected reciprocal of that rank over the orders of tied places.
    pub reciprocal_rank: f64,
    /// Probability that the place is in the top [`RECALL_AT`].
    pub recall_at_10: f64,
    /// Candidates ranked.
    pub n_candidates: usize,
}

/// Leave-one-out figures over a set of partnerships.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Loo {
    /// Mean reciprocal rank of the real partner's place.
    pub mrr: f64,
    /// Share of partnerships whose real partner's place is in the top 10.
    pub recall_at_10: f64,
    /// Median of the best rank of the real partner (mean of the middle two for an even count).
    pub median_rank: f64,
    /// Each held-out partnership, in the order given.
    pub held_out: Vec<HeldOut>,
}

impl Loo {
    /// The summary figures of per-partnership results (`NaN` for none).
    pub fn from_held_out(held_out: Vec<HeldOut>) -> Loo {
        let n = held_out.len() as f64;
        let mrr = held_out.iter().map(|h| h.reciprocal_rank).sum::<f64>() / n;
        let recall_at_10 = held_out.iter().map(|h| h.recall_at_10).sum::<f64>() / n;
        let mut ranks: Vec<f64> = held_out.iter().map(|h| h.rank).collect();
        ranks.sort_by(f64::total_cmp);
        let median_rank = match ranks.len() {
            0 => f64::NAN,
            len if len % 2 == 1 => ranks[len / 2],
            len => (ranks[len / 2 - 1] + ranks[len / 2]) / 2.0,
        };
        Loo {
            mrr,
            recall_at_10,
            median_rank,
            held_out,
        }
    }
}

/// Ranks each of `evaluate` by a model fitted with `params` on `training` without any
/// partnership of the same id. The training set is sampled once over the whole of `training`
/// (so each fit sees exactly the same rows for the other partnerships).
pub fn leave_one_out(
    encoder: &KnownEncoders<'_>,
    params: &TrainValidParams,
    prior: &LinearModel,
    training: &[Partnership],
    evaluate: &[Partnership],
) -> Result<Loo> {
    let queries = params.training_set(encoder, training);
    let n_candidates = encoder.base().catalog().candidate_ids().count();
    let mut held_out = Vec::with_capacity(evaluate.len());
    for p in evaluate {
        let rest: Vec<_> = queries.iter().filter(|q| q.id != p.id).cloned().collect();
        let model = params.fit(&rest, prior, "leave-one-out", "")?;
        held_out.push(rank_of_partner(encoder, &model, p, n_candidates)?);
    }
    Ok(Loo::from_held_out(held_out))
}

/// Where `model` ranks the real partners of `p` among every candidate ([`PartnerRank`]), over
/// the catalog as known before its first fiscal year.
pub fn rank_of_partner(
    encoders: &KnownEncoders<'_>,
    model: &LinearModel,
    p: &Partnership,
    n_candidates: usize,
) -> Result<HeldOut> {
    let query = Query::as_of(p);
    let encoder = encoders.for_query(&query);
    let list = tieup_core::rank::shortlist(encoder, model, &query, n_candidates)?;
    let catalog = encoder.catalog();
    let mut scores = vec![f64::NEG_INFINITY; n_candidates];
    for c in &list.candidates {
        if let Some(position) = catalog.candidate_position(c.region) {
            scores[position] = c.score;
        }
    }
    let rank = PartnerRank::of(catalog, &scores, &p.overseas_regions);
    Ok(HeldOut {
        id: p.id.clone(),
        rank: rank.map_or(list.n_candidates as f64 + 1.0, PartnerRank::mid),
        reciprocal_rank: rank.map_or(0.0, PartnerRank::expected_rr),
        recall_at_10: rank.map_or(0.0, |r| r.hit_probability(RECALL_AT)),
        n_candidates: list.n_candidates,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held(rank: usize, recall: f64) -> HeldOut {
        HeldOut {
            id: format!("p{rank}"),
            rank: rank as f64,
            reciprocal_rank: 1.0 / rank as f64,
            recall_at_10: recall,
            n_candidates: 100,
        }
    }

    #[test]
    fn summary_figures() {
        let loo = Loo::from_held_out(vec![
            held(1, 1.0),
            held(4, 1.0),
            held(20, 0.0),
            held(2, 0.5),
        ]);
        assert!((loo.mrr - (1.0 + 0.25 + 0.05 + 0.5) / 4.0).abs() < 1e-12);
        assert!((loo.recall_at_10 - 0.625).abs() < 1e-12);
        assert_eq!(loo.median_rank, 3.0);
        let odd = Loo::from_held_out(vec![held(7, 0.0), held(1, 1.0), held(3, 1.0)]);
        assert_eq!(odd.median_rank, 3.0);
    }
}
