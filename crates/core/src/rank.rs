//! Scoring and ranking the candidates of one query, and explaining each rank.
//!
//! Ranking sorts by score (descending), then by region id, so ties break on a stable key and
//! the same inputs give the same order.

use crate::catalog::{Catalog, RegionId};
pub use crate::detail::Explainer;
use crate::error::Result;
use crate::features::{Encoder, Feature, N_FEATURES, Query};
use crate::model::LinearModel;
use crate::select::{Member, Row, Selection};
use std::cmp::Ordering;

/// One ranked candidate.
#[derive(Debug, Clone, PartialEq)]
pub struct RankedCandidate {
    /// 1-based rank.
    pub rank: usize,
    /// The overseas region.
    pub region: RegionId,
    /// Sum of the contributions.
    pub score: f64,
    /// Raw feature values, schema order.
    pub features: [f64; N_FEATURES],
    /// Weight × (scaled) feature value, schema order; they add up to `score`.
    pub contributions: [f64; N_FEATURES],
    /// Other members of its place named in its row (empty when expanded).
    pub also: Vec<Member>,
}

/// The ranked answer to a query.
#[derive(Debug, Clone, PartialEq)]
pub struct Shortlist {
    /// The query.
    pub query: Query,
    /// The weights used, in raw feature units (after wanted-trait boosts and scaling).
    pub weights: [f64; N_FEATURES],
    /// How many candidates were scored.
    pub n_candidates: usize,
    /// The filters and grouping applied after scoring.
    pub selection: Selection,
    /// How many candidates passed the filters.
    pub n_eligible: usize,
    /// The top candidates (one per row), best first.
    pub candidates: Vec<RankedCandidate>,
}

/// Score and contributions of one raw feature row under raw-unit `weights`
/// ([`LinearModel::weights_for`]). The score is the sum of the contributions in schema order;
/// the batch kernel computes the same sum in the same order, so both agree to the bit.
pub fn score_row(
    weights: &[f64; N_FEATURES],
    features: &[f64; N_FEATURES],
) -> (f64, [f64; N_FEATURES]) {
    let contributions: [f64; N_FEATURES] = std::array::from_fn(|f| weights[f] * features[f]);
    let mut score = 0.0;
    for c in contributions {
        score += c;
    }
    (score, contributions)
}

/// Orders candidates: higher score first, then smaller region id.
pub fn compare(catalog: &Catalog, a: (f64, RegionId), b: (f64, RegionId)) -> Ordering {
    b.0.total_cmp(&a.0)
        .then_with(|| catalog.region(a.1).id.cmp(&catalog.region(b.1).id))
}

/// Ranks every overseas candidate for `query` and keeps the best `top_k`, every region in
/// its own row (no grouping, no filter: [`Selection::expanded`]).
pub fn shortlist(
    encoder: &Encoder<'_>,
    model: &LinearModel,
    query: &Query,
    top_k: usize,
) -> Result<Shortlist> {
    shortlist_selected(encoder, model, query, &Selection::expanded(), top_k)
}

/// Ranks every overseas candidate for `query` and keeps `top_k` rows chosen by `selection`
/// (the reference path: every candidate encoded, sorted, then [`Selection::walk`]).
pub fn shortlist_selected(
    encoder: &Encoder<'_>,
    model: &LinearModel,
    query: &Query,
    selection: &Selection,
    top_k: usize,
) -> Result<Shortlist> {
    encoder.check(query)?;
    let catalog = encoder.catalog();
    let weights = model.weights_for(catalog.sectors(), query);
    let mut scored: Vec<(f64, RegionId)> = catalog
        .candidate_ids()
        .map(|candidate| {
            let features = encoder.encode_one(query, candidate);
            (score_row(&weights, &features).0, candidate)
        })
        .collect();
    let n_candidates = scored.len();
    scored.sort_by(|a, b| compare(catalog, *a, *b));
    let rows = selection.walk(catalog, scored, top_k);
    Ok(Shortlist {
        query: query.clone(),
        weights,
        n_candidates,
        selection: selection.clone(),
        n_eligible: selection.n_eligible(catalog),
        candidates: explain_rows(encoder, query, &weights, rows),
    })
}

/// The ranked candidates of selected rows: features and contributions encoded again for
/// the rows shown (the same values, so the same score to the bit).
pub fn explain_rows(
    encoder: &Encoder<'_>,
    query: &Query,
    weights: &[f64; N_FEATURES],
    rows: Vec<Row>,
) -> Vec<RankedCandidate> {
    rows.into_iter()
        .enumerate()
        .map(|(i, row)| {
            let features = encoder.encode_one(query, row.region);
            RankedCandidate::from_row(i + 1, row, weights, features)
        })
        .collect()
}

impl RankedCandidate {
    /// The candidate at `rank` for a selected row, with its features (the same values the
    /// row was scored with, so the same score to the bit) and their contributions.
    pub fn from_row(
        rank: usize,
        row: Row,
        weights: &[f64; N_FEATURES],
        features: [f64; N_FEATURES],
    ) -> Self {
        let (score, contributions) = score_row(weights, &features);
        debug_assert_eq!(score.to_bits(), row.score.to_bits());
        RankedCandidate {
            rank,
            region: row.region,
            score,
            features,
            contributions,
            also: row.also,
        }
    }
}

/// Why one feature moved a candidate's score.
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    /// The feature.
    pub feature: Feature,
    /// Its contribution to the score.
    pub contribution: f64,
    /// A sentence a committee can read.
    pub detail: String,
}

/// Explains a candidate: one reason per feature with a non-zero contribution, largest
/// absolute contribution first (ties by schema order). To explain several candidates of one
/// query, make one [`Explainer`] and call [`Explainer::reasons`].
pub fn explain(encoder: &Encoder<'_>, query: &Query, candidate: &RankedCandidate) -> Vec<Reason> {
    Explainer::new(encoder, query).reasons(candidate)
}

impl Explainer<'_, '_> {
    /// The reasons of one candidate, as [`explain`] gives them.
    pub fn reasons(&self, candidate: &RankedCandidate) -> Vec<Reason> {
        // Largest absolute contribution first, ties in schema order: an insertion sort of at
        // most ten features in place (the order is total, so any sort gives the same).
        let size = |f: Feature| candidate.contributions[f.index()].abs();
        let mut order = [Feature::ALL[0]; N_FEATURES];
        let mut n = 0;
        for f in Feature::ALL {
            if candidate.contributions[f.index()] == 0.0 {
                continue;
            }
            let mut at = n;
            while at > 0 && size(order[at - 1]).total_cmp(&size(f)).is_lt() {
                order[at] = order[at - 1];
                at -= 1;
            }
            order[at] = f;
            n += 1;
        }
        // Each sentence is written into one buffer, then copied into a string of its exact
        // length (one allocation per reason, none to grow).
        let mut buffer = String::with_capacity(1024);
        order[..n]
            .iter()
            .map(|&f| {
                buffer.clear();
                self.write_detail(&mut buffer, candidate, f);
                Reason {
                    feature: f,
                    contribution: candidate.contributions[f.index()],
                    detail: buffer.as_str().to_owned(),
                }
            })
            .collect()
    }
}

/// Short labels of the top `n` positive reasons, for one-line tables.
pub fn top_labels(candidate: &RankedCandidate, n: usize) -> Vec<&'static str> {
    let mut order: Vec<Feature> = Feature::ALL
        .into_iter()
        .filter(|f| candidate.contributions[f.index()] > 0.0)
        .collect();
    order.sort_by(|&a, &b| {
        candidate.contributions[b.index()]
            .total_cmp(&candidate.contributions[a.index()])
            .then(a.cmp(&b))
    });
    order.into_iter().take(n).map(Feature::label).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TrainingInfo;
    use std::collections::BTreeMap;

    use crate::testutil::fixture;

    fn model(weights: [f64; N_FEATURES]) -> LinearModel {
        LinearModel {
            kind: "test".into(),
            description: String::new(),
            hyperparameters: BTreeMap::new(),
            scaling: None,
            default_weights: weights,
            sector_weights: BTreeMap::new(),
            want_boost: 1.0,
            training: TrainingInfo::default(),
        }
    }

    #[test]
    fn ties_break_on_region_id() {
        let catalog = fixture();
        let encoder = Encoder::new(&catalog);
        let query = crate::testutil::first_query(&catalog);
        let list = shortlist(&encoder, &model([0.0; N_FEATURES]), &query, 100).unwrap();
        let ids: Vec<&str> = list
            .candidates
            .iter()
            .map(|c| catalog.region(c.region).id.as_str())
            .collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted);
        assert_eq!(list.n_candidates, 7);
    }

    #[test]
    fn contributions_sum_to_score_and_top_k_truncates() {
        let catalog = fixture();
        let encoder = Encoder::new(&catalog);
        let query = Query::new(
            catalog.find_japan_region("suwa").unwrap(),
            catalog.sectors().find("dies").unwrap(),
        );
        let w = [0.4, 0.2, 0.1, 0.3, 0.1, 0.1, 0.1, 0.2, 0.3, -0.3];
        let list = shortlist(&encoder, &model(w), &query, 3).unwrap();
        assert_eq!(list.candidates.len(), 3);
        assert_eq!(catalog.region(list.candidates[0].region).id, "dalian");
        for c in &list.candidates {
            assert_eq!(c.contributions.iter().sum::<f64>(), c.score);
            let reasons = explain(&encoder, &query, c);
            assert!(
                reasons
                    .windows(2)
                    .all(|r| r[0].contribution.abs() >= r[1].contribution.abs())
            );
        }
    }

    #[test]
    fn wanting_a_trait_raises_its_weight_by_the_largest_weight() {
        let catalog = fixture();
        let w = [0.4, 0.2, 0.1, 0.3, 0.1, 0.1, 0.1, 0.2, 0.3, -0.3];
        let mut query = crate::testutil::first_query(&catalog);
        query.wanted = vec![Feature::DesignAbility, Feature::CommunicationCost];
        let boosted = model(w).weights_for(catalog.sectors(), &query);
        assert!((boosted[Feature::DesignAbility.index()] - 0.5).abs() < 1e-12);
        assert!(
            (boosted[Feature::CommunicationCost.index()] + 0.7).abs() < 1e-12,
            "a wanted cost gets more negative"
        );
        assert_eq!(boosted[Feature::SameAreaCluster.index()], 0.4);
    }
}
