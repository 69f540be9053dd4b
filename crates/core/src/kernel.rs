//! The batch scoring kernel: feature columns precomputed per sector, per Japanese region and
//! per (region, sector) or (region, year) key, so that scoring a query is ten multiply-adds per
//! candidate over contiguous columns, followed by a bounded top-K.
//!
//! Every column holds exactly the value [`Encoder::encode_one`] computes (the same functions
//! are called), and the score sums the contributions in schema order like
//! [`crate::rank::score_row`], so the kernel's scores equal the reference path's to the bit.
//! A test checks this over the fixture catalog.

use crate::features::{Encoder, N_FEATURES, Query, idx};
use std::collections::HashMap;
use std::sync::Arc;

/// Key of the (region, year) exchange column: region and the `before_year` limit.
type ExchangeKey = (usize, Option<u16>);
/// A computed column and its key.
type Keyed<K> = (K, Arc<Vec<f64>>);

/// Precomputed feature columns over the overseas candidates of one catalog.
pub struct FeatureTables<'a> {
    encoder: &'a Encoder<'a>,
    first_candidate: usize,
    n_candidates: usize,
    /// Rank of each candidate's id in sorted order (ties break on it).
    id_rank: Vec<u32>,
    /// [sector][candidate]
    same_area: Vec<Vec<f64>>,
    /// [trait][candidate], in catalog::TRAITS order.
    traits: Vec<Vec<f64>>,
    /// [japan region][candidate]
    similarity: Vec<Vec<f64>>,
    /// [japan region][candidate]
    communication: Vec<Vec<f64>>,
    /// Leaf sectors, in the encoder's order.
    leaves: Vec<usize>,
    /// Candidates × leaves strengths, candidate-major (for the supplemental column).
    leaf_strength: Vec<f64>,
    supplemental: HashMap<(usize, usize), Arc<Vec<f64>>>,
    exchange: HashMap<ExchangeKey, Arc<Vec<f64>>>,
}

/// One selected candidate: score and catalog position.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    /// Score (Σ weight × feature, schema order).
    pub score: f64,
    /// Catalog position of the overseas region.
    pub region: usize,
}

impl<'a> FeatureTables<'a> {
    /// Precomputes the sector, trait and Japanese-region columns.
    pub fn new(encoder: &'a Encoder<'a>) -> Self {
        let catalog = encoder.catalog();
        let candidates: Vec<usize> = catalog.overseas().collect();
        let first_candidate = candidates.first().copied().unwrap_or(0);
        let mut order: Vec<usize> = (0..candidates.len()).collect();
        order.sort_by(|&a, &b| {
            catalog.regions[candidates[a]]
                .id
                .cmp(&catalog.regions[candidates[b]].id)
        });
        let mut id_rank = vec![0u32; candidates.len()];
        for (rank, &i) in order.iter().enumerate() {
            id_rank[i] = rank as u32;
        }
        let same_area = (0..catalog.sectors.len())
            .map(|s| candidates.iter().map(|&c| catalog.strength(c, s)).collect())
            .collect();
        let traits = (0..crate::catalog::TRAITS.len())
            .map(|t| {
                candidates
                    .iter()
                    .map(|&c| catalog.trait_value(c, t))
                    .collect()
            })
            .collect();
        let similarity = catalog
            .japan()
            .map(|j| {
                candidates
                    .iter()
                    .map(|&c| encoder.similarity(j, c))
                    .collect()
            })
            .collect();
        let communication = catalog
            .japan()
            .map(|j| {
                candidates
                    .iter()
                    .map(|&c| encoder.communication(j, c))
                    .collect()
            })
            .collect();
        let leaves = catalog.sectors.leaves();
        let leaf_strength = candidates
            .iter()
            .flat_map(|&c| leaves.iter().map(move |&q| catalog.strength(c, q)))
            .collect();
        FeatureTables {
            encoder,
            first_candidate,
            n_candidates: candidates.len(),
            leaves,
            leaf_strength,
            id_rank,
            same_area,
            traits,
            similarity,
            communication,
            supplemental: HashMap::new(),
            exchange: HashMap::new(),
        }
    }

    /// The catalog the tables describe.
    pub fn catalog(&self) -> &'a crate::catalog::Catalog {
        self.encoder.catalog()
    }

    /// The raw feature row of one candidate for a prepared query (equal to
    /// [`Encoder::encode_one`]).
    pub fn features(&self, query: &Query, region: usize) -> [f64; N_FEATURES] {
        let c = region - self.first_candidate;
        let j = query.japan_region - self.encoder.catalog().japan().start;
        let t = &self.traits;
        [
            self.same_area[query.sector][c],
            self.similarity[j][c],
            self.supplemental[&(query.japan_region, query.sector)][c],
            t[0][c],
            t[1][c],
            t[2][c],
            t[3][c],
            t[4][c]
                * self
                    .encoder
                    .catalog()
                    .strength(query.japan_region, query.sector),
            self.exchange[&(query.japan_region, query.before_year)][c],
            self.communication[j][c],
        ]
    }

    /// Number of candidates scored per query.
    pub fn n_candidates(&self) -> usize {
        self.n_candidates
    }

    /// Computes the per-key columns `queries` need that are not cached yet (in parallel).
    /// Call before [`FeatureTables::top_k`]; the cache only grows with distinct keys
    /// (at most regions × sectors and regions × years), never with the number of queries.
    pub fn prepare<'q>(&mut self, queries: impl IntoIterator<Item = &'q Query>) {
        use rayon::prelude::*;
        let mut supplemental_keys = std::collections::BTreeSet::new();
        let mut exchange_keys = std::collections::BTreeSet::new();
        for q in queries {
            let s_key = (q.japan_region, q.sector);
            if !self.supplemental.contains_key(&s_key) {
                supplemental_keys.insert(s_key);
            }
            let e_key = (q.japan_region, q.before_year);
            if !self.exchange.contains_key(&e_key) {
                exchange_keys.insert(e_key);
            }
        }
        let supplemental_keys: Vec<(usize, usize)> = supplemental_keys.into_iter().collect();
        let exchange_keys: Vec<ExchangeKey> = exchange_keys.into_iter().collect();
        let encoder = self.encoder;
        let first = self.first_candidate;
        let n = self.n_candidates;
        let supplemental: Vec<Keyed<(usize, usize)>> = supplemental_keys
            .into_par_iter()
            .map(|(j, s)| ((j, s), Arc::new(self.supplemental_column(j, s))))
            .collect();
        self.supplemental.extend(supplemental);
        let exchange: Vec<Keyed<ExchangeKey>> = exchange_keys
            .into_par_iter()
            .map(|(j, year)| {
                let mut q = Query::new(j, 0);
                q.before_year = year;
                let column = (first..first + n)
                    .map(|c| encoder.exchange_feature(&q, c))
                    .collect();
                ((j, year), Arc::new(column))
            })
            .collect();
        self.exchange.extend(exchange);
    }

    /// The supplemental-cluster column of (Japanese region, sector): for each candidate
    /// max over leaf sectors q outside the query sector of relatedness(s,q) × strength(c,q) ×
    /// (1 − strength(j,q)), computed with the same operations in the same order as
    /// [`Encoder::supplemental`], over contiguous per-key vectors.
    fn supplemental_column(&self, japan: usize, sector: usize) -> Vec<f64> {
        let catalog = self.encoder.catalog();
        let own = &catalog.sectors.get(sector).children;
        let mut positions = Vec::new();
        let mut relatedness = Vec::new();
        let mut gap = Vec::new();
        for (k, &q) in self.leaves.iter().enumerate() {
            if q == sector || own.contains(&q) {
                continue;
            }
            positions.push(k);
            relatedness.push(catalog.relatedness(sector, q));
            gap.push(1.0 - catalog.strength(japan, q));
        }
        let n_leaves = self.leaves.len();
        (0..self.n_candidates)
            .map(|c| {
                let row = &self.leaf_strength[c * n_leaves..(c + 1) * n_leaves];
                let mut best = 0.0;
                for ((&k, &r), &g) in positions.iter().zip(&relatedness).zip(&gap) {
                    let value = r * row[k] * g;
                    if value > best {
                        best = value;
                    }
                }
                best
            })
            .collect()
    }

    /// Scores every candidate for `query` under raw-unit `weights` and returns the best `k`,
    /// best first (score descending, then region id ascending). `scores` is scratch space.
    ///
    /// # Panics
    /// If [`FeatureTables::prepare`] was not called for this query.
    pub fn top_k(
        &self,
        query: &Query,
        weights: &[f64; N_FEATURES],
        k: usize,
        scores: &mut Vec<f64>,
    ) -> Vec<Hit> {
        let j = query.japan_region - self.encoder.catalog().japan().start;
        let same = &self.same_area[query.sector];
        let similarity = &self.similarity[j];
        let supplemental = &self.supplemental[&(query.japan_region, query.sector)];
        let exchange = &self.exchange[&(query.japan_region, query.before_year)];
        let communication = &self.communication[j];
        let t = &self.traits;
        let japan_strength = self
            .encoder
            .catalog()
            .strength(query.japan_region, query.sector);
        let w = weights;
        let n = self.n_candidates;
        scores.clear();
        scores.extend((0..n).map(|c| {
            // Same terms, same order as rank::score_row over Encoder::encode_one.
            let mut s = 0.0;
            s += w[idx::SAME_AREA] * same[c];
            s += w[idx::SIMILARITY] * similarity[c];
            s += w[idx::SUPPLEMENTAL] * supplemental[c];
            s += w[idx::FIRST_TRAIT] * t[0][c];
            s += w[idx::FIRST_TRAIT + 1] * t[1][c];
            s += w[idx::FIRST_TRAIT + 2] * t[2][c];
            s += w[idx::FIRST_TRAIT + 3] * t[3][c];
            s += w[idx::DEMAND] * (t[4][c] * japan_strength);
            s += w[idx::EXCHANGE] * exchange[c];
            s += w[idx::COMMUNICATION] * communication[c];
            s
        }));
        select_top(scores, &self.id_rank, k)
            .into_iter()
            .map(|c| Hit {
                score: scores[c],
                region: self.first_candidate + c,
            })
            .collect()
    }
}

/// Positions of the best `k` scores, best first; ties break on `id_rank` (smaller first).
fn select_top(scores: &[f64], id_rank: &[u32], k: usize) -> Vec<usize> {
    let better = |a: usize, b: usize| {
        scores[a]
            .total_cmp(&scores[b])
            .reverse()
            .then(id_rank[a].cmp(&id_rank[b]))
            .is_lt()
    };
    let mut top: Vec<usize> = Vec::with_capacity(k + 1);
    for c in 0..scores.len() {
        if top.len() == k {
            match top.last() {
                Some(&worst) if better(c, worst) => {}
                _ => continue,
            }
        }
        let at = top.partition_point(|&t| better(t, c));
        top.insert(at, c);
        top.truncate(k);
    }
    top
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{LinearModel, TrainingInfo};
    use crate::rank::shortlist;
    use std::collections::BTreeMap;

    #[test]
    fn kernel_equals_the_reference_path_to_the_bit() {
        // The fixture catalog plus twin-city ties, so every source of every feature is used.
        let (_dir, catalog) = crate::testutil::fixture_with_twins();
        assert!(
            catalog
                .twin_tie(
                    catalog.find_region("ishikawa").unwrap(),
                    catalog.find_region("milan").unwrap()
                )
                .is_some()
        );
        let encoder = Encoder::new(&catalog);
        let mut tables = FeatureTables::new(&encoder);
        let model = LinearModel {
            kind: "t".into(),
            description: String::new(),
            hyperparameters: BTreeMap::new(),
            scaling: Some(crate::model::Scaling {
                mean: vec![0.0; N_FEATURES],
                scale: vec![0.3, 0.7, 1.1, 0.2, 0.9, 1.0, 0.5, 0.4, 0.8, 0.6],
            }),
            default_weights: [0.4, 0.2, 0.15, 0.3, 0.15, 0.15, 0.08, 0.12, 0.25, -0.33],
            sector_weights: BTreeMap::new(),
            want_boost: 1.0,
            training: TrainingInfo::default(),
        };
        let mut queries = Vec::new();
        for j in catalog.japan() {
            for s in 0..catalog.sectors.len() {
                for year in [None, Some(2005)] {
                    let mut q = Query::new(j, s);
                    q.before_year = year;
                    q.wanted = vec![(j + s) % N_FEATURES];
                    queries.push(q);
                }
            }
        }
        tables.prepare(&queries);
        let mut scratch = Vec::new();
        for q in &queries {
            let reference = shortlist(&encoder, &model, q, 100).unwrap();
            let hits = tables.top_k(
                q,
                &model.weights_for(&catalog.sectors, q),
                100,
                &mut scratch,
            );
            let kernel: Vec<(u64, usize)> =
                hits.iter().map(|h| (h.score.to_bits(), h.region)).collect();
            let expected: Vec<(u64, usize)> = reference
                .candidates
                .iter()
                .map(|c| (c.score.to_bits(), c.region))
                .collect();
            assert_eq!(kernel, expected, "{q:?}");
            for c in &reference.candidates {
                assert_eq!(tables.features(q, c.region), c.features);
            }
        }
    }

    #[test]
    fn select_top_breaks_ties_on_id_rank() {
        let scores = [1.0, 3.0, 3.0, 2.0, 3.0];
        let id_rank = [0, 4, 1, 2, 3];
        assert_eq!(select_top(&scores, &id_rank, 3), vec![2, 4, 1]);
        assert_eq!(select_top(&scores, &id_rank, 10), vec![2, 4, 1, 3, 0]);
        assert_eq!(select_top(&scores, &id_rank, 0), Vec::<usize>::new());
    }
}
