//! Training queries: past partnerships with their chosen partners and a seeded sample of
//! unchosen candidates, encoded as of each partnership's start. Sampling is reached through
//! [`crate::TrainValidParams::training_set`], so the `negatives` and `seed` a model file records
//! are the ones its training set was drawn with.

use super::label;
use ndarray::Array2;
use rand::SeedableRng;
use tieup_core::catalog::{Partnership, RegionId};
use tieup_core::features::{N_FEATURES, Query};
use tieup_core::known::KnownEncoders;

/// One training query: the sampled candidates' feature rows and labels.
#[derive(Debug, Clone)]
pub struct TrainingQuery {
    /// Partnership id.
    pub id: String,
    /// The query as it stood at the partnership's start.
    pub query: Query,
    /// Survey-sector id (which prior weights apply).
    pub survey_sector: String,
    /// Candidate positions, in the order of `rows`.
    pub candidates: Vec<RegionId>,
    /// Raw feature rows: candidates × features.
    pub rows: Array2<f64>,
    /// Labels, one per row.
    pub labels: Vec<u8>,
}

/// Turns past partnerships into training queries, sampling `negatives` unchosen candidates per
/// query (all of them when `negatives` ≥ the catalog), seeded by `seed` and the query's index.
/// Each is encoded over the catalog as known before its first fiscal year.
pub(crate) fn training_set(
    encoders: &KnownEncoders<'_>,
    partnerships: &[Partnership],
    negatives: usize,
    seed: u64,
) -> Vec<TrainingQuery> {
    let catalog = encoders.base().catalog();
    partnerships
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let query = Query::as_of(p);
            let encoder = encoders.for_query(&query);
            let positives: Vec<RegionId> = p.overseas_regions.clone();
            let others: Vec<RegionId> = catalog
                .candidate_ids()
                .filter(|c| !positives.contains(c))
                .collect();
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(
                seed ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15),
            );
            let mut picked: Vec<RegionId> = if negatives >= others.len() {
                others
            } else {
                rand::seq::index::sample(&mut rng, others.len(), negatives)
                    .into_iter()
                    .map(|k| others[k])
                    .collect()
            };
            picked.sort_unstable();
            let candidates: Vec<RegionId> = positives.iter().copied().chain(picked).collect();
            let mut rows = Array2::zeros((candidates.len(), N_FEATURES));
            for (r, &c) in candidates.iter().enumerate() {
                let x = encoder.encode_one(&query, c);
                rows.row_mut(r).assign(&ndarray::ArrayView1::from(&x));
            }
            let labels = candidates
                .iter()
                .map(|c| {
                    if positives.contains(c) {
                        label(p.outcome)
                    } else {
                        0
                    }
                })
                .collect();
            TrainingQuery {
                id: p.id.clone(),
                survey_sector: catalog
                    .sectors()
                    .get(catalog.sectors().survey_root(p.sector))
                    .id
                    .clone(),
                query,
                candidates,
                rows,
                labels,
            }
        })
        .collect()
}
