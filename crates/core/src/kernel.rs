//! The batch scoring kernel: feature columns precomputed per sector, per Japanese region and
//! per (region, sector) or (region, year) key, so that scoring a query is ten multiply-adds per
//! candidate over contiguous columns, followed by a bounded top-K.
//!
//! Every column holds exactly the value [`Encoder::encode_one`] computes (the same functions
//! are called), and the score sums the contributions in schema order like
//! [`crate::rank::score_row`], so the kernel's scores equal the reference path's to the bit.
//! A test checks this over the fixture catalog.

use crate::catalog::{Catalog, RegionId, SectorId};
use crate::features::{Dependence, Encoder, Feature, N_FEATURES, Query};
use crate::rank::RankedCandidate;
use crate::select::{Row, Selection};
use std::collections::{BTreeSet, HashMap};

/// The map of computed columns, hashed with foldhash's fixed-seed fast hasher: the columns
/// of a query are looked up on every request, and SipHash's resistance to chosen keys buys
/// nothing for keys made from catalog positions (fixed seed: the same on every run).
type Columns = HashMap<ColumnKey, Vec<f64>, foldhash::fast::FixedState>;

/// What a precomputed column is keyed by: the feature and the parts of the query its value
/// depends on ([`Feature::depends_on`]); the other parts are `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct ColumnKey {
    feature: Feature,
    japan_region: Option<RegionId>,
    sector: Option<SectorId>,
    before_year: Option<u16>,
}

impl ColumnKey {
    /// The column of `feature` that `query` reads.
    fn of(feature: Feature, query: &Query) -> Self {
        let (japan_region, sector, before_year) = match feature.depends_on() {
            Dependence::Candidate => (None, None, None),
            Dependence::Sector => (None, Some(query.sector), None),
            Dependence::JapanRegion => (Some(query.japan_region), None, None),
            Dependence::JapanRegionAndSector => {
                (Some(query.japan_region), Some(query.sector), None)
            }
            Dependence::JapanRegionAndYear => (Some(query.japan_region), None, query.before_year),
        };
        ColumnKey {
            feature,
            japan_region,
            sector,
            before_year,
        }
    }

    /// A query with the key's parts; the parts the feature does not read are the first
    /// Japanese region and the first sector (`None` for a catalog without either).
    fn query(&self, catalog: &Catalog) -> Option<Query> {
        let japan_region = self.japan_region.or_else(|| catalog.japan_ids().next())?;
        let sector = self.sector.or_else(|| catalog.sectors().ids().next())?;
        let mut query = Query::new(japan_region, sector);
        query.before_year = self.before_year;
        Some(query)
    }
}

/// Precomputed feature columns over the overseas candidates of one catalog.
pub struct FeatureTables<'a> {
    encoder: &'a Encoder<'a>,
    /// The candidates, in catalog order (a column's positions).
    candidates: Vec<RegionId>,
    /// Rank of each candidate's id in sorted order (ties break on it).
    id_rank: Vec<u32>,
    /// Every computed column: [`Encoder::column`] of the key's query.
    columns: Columns,
}

/// One selected candidate: score and catalog position.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    /// Score (Σ weight × feature, schema order).
    pub score: f64,
    /// The overseas region.
    pub region: RegionId,
}

impl<'a> FeatureTables<'a> {
    /// Precomputes the columns that depend on the candidate alone, on the sector or on the
    /// Japanese region.
    pub fn new(encoder: &'a Encoder<'a>) -> Self {
        let catalog = encoder.catalog();
        let candidates: Vec<RegionId> = catalog.candidate_ids().collect();
        let mut order: Vec<usize> = (0..candidates.len()).collect();
        order.sort_by(|&a, &b| {
            catalog
                .region(candidates[a])
                .id
                .cmp(&catalog.region(candidates[b]).id)
        });
        let mut id_rank = vec![0u32; candidates.len()];
        for (rank, &i) in order.iter().enumerate() {
            id_rank[i] = rank as u32;
        }
        let mut tables = FeatureTables {
            encoder,
            candidates,
            id_rank,
            columns: Columns::default(),
        };
        let mut keys = BTreeSet::new();
        for feature in Feature::ALL {
            let key = |japan_region, sector| ColumnKey {
                feature,
                japan_region,
                sector,
                before_year: None,
            };
            match feature.depends_on() {
                Dependence::Candidate => {
                    keys.insert(key(None, None));
                }
                Dependence::Sector => {
                    keys.extend(catalog.sectors().ids().map(|s| key(None, Some(s))));
                }
                Dependence::JapanRegion => {
                    keys.extend(catalog.japan_ids().map(|j| key(Some(j), None)));
                }
                Dependence::JapanRegionAndSector | Dependence::JapanRegionAndYear => {}
            }
        }
        tables.compute(keys);
        tables
    }

    /// The catalog the tables describe.
    pub fn catalog(&self) -> &'a Catalog {
        self.encoder.catalog()
    }

    /// The precomputed column of `feature` for `query`.
    ///
    /// # Panics
    /// If [`FeatureTables::prepare`] was not called for this query.
    fn column(&self, feature: Feature, query: &Query) -> &[f64] {
        &self.columns[&ColumnKey::of(feature, query)]
    }

    /// The ten columns `query` reads, schema order.
    ///
    /// # Panics
    /// If [`FeatureTables::prepare`] was not called for this query.
    fn columns(&self, query: &Query) -> [&[f64]; N_FEATURES] {
        Feature::ALL.map(|f| self.column(f, query))
    }

    /// The raw feature row of one candidate for a prepared query (equal to
    /// [`Encoder::encode_one`]).
    ///
    /// # Panics
    /// If `region` is not a candidate or the query was not prepared.
    pub fn features(&self, query: &Query, region: RegionId) -> [f64; N_FEATURES] {
        let c = self
            .catalog()
            .candidate_position(region)
            .expect("an overseas candidate");
        Feature::ALL.map(|f| self.column(f, query)[c])
    }

    /// The ranked candidates of selected rows, their features read from the columns (the
    /// values [`crate::rank::explain_rows`] encodes again, so the same candidates to the
    /// bit, without encoding).
    ///
    /// # Panics
    /// If a row's region is not a candidate or the query was not prepared.
    pub fn ranked(
        &self,
        query: &Query,
        weights: &[f64; N_FEATURES],
        rows: Vec<Row>,
    ) -> Vec<RankedCandidate> {
        let columns = self.columns(query);
        let catalog = self.catalog();
        rows.into_iter()
            .enumerate()
            .map(|(i, row)| {
                let c = catalog
                    .candidate_position(row.region)
                    .expect("an overseas candidate");
                RankedCandidate::from_row(i + 1, row, weights, columns.map(|column| column[c]))
            })
            .collect()
    }

    /// Number of candidates scored per query.
    pub fn n_candidates(&self) -> usize {
        self.candidates.len()
    }

    /// Computes the per-key columns `queries` need that are not cached yet (in parallel).
    /// Call before [`FeatureTables::top_k`]; the cache only grows with distinct keys
    /// (at most regions × sectors and regions × years), never with the number of queries.
    pub fn prepare<'q>(&mut self, queries: impl IntoIterator<Item = &'q Query>) {
        let mut keys = BTreeSet::new();
        for query in queries {
            for feature in Feature::ALL {
                let key = ColumnKey::of(feature, query);
                if !self.columns.contains_key(&key) {
                    keys.insert(key);
                }
            }
        }
        self.compute(keys);
    }

    /// Computes the columns of `keys` with [`Encoder::column`], in parallel.
    fn compute(&mut self, keys: BTreeSet<ColumnKey>) {
        use rayon::prelude::*;
        let encoder = self.encoder;
        let keys: Vec<ColumnKey> = keys.into_iter().collect();
        let columns: Vec<(ColumnKey, Vec<f64>)> = keys
            .into_par_iter()
            .filter_map(|key| {
                let query = key.query(encoder.catalog())?;
                Some((key, encoder.column(key.feature, &query)))
            })
            .collect();
        self.columns.extend(columns);
    }

    /// Scores every candidate for `query` under raw-unit `weights` into `scores` (catalog
    /// order).
    fn score_all(&self, query: &Query, weights: &[f64; N_FEATURES], scores: &mut Vec<f64>) {
        const LANES: usize = 4;
        let n = self.candidates.len();
        let columns = self.columns(query).map(|column| &column[..n]);
        scores.clear();
        scores.resize(n, 0.0);
        // Four candidates at a time, all ten columns each, so the sums stay in registers and
        // the four lanes vectorise; every candidate still gets the same terms in the same
        // order as rank::score_row over Encoder::encode_one (0.0, then + w0 x0, + w1 x1, ...),
        // hence the same bits.
        let whole = n - n % LANES;
        for (start, out) in scores[..whole].chunks_exact_mut(LANES).enumerate() {
            let start = start * LANES;
            let mut sums = [0.0; LANES];
            for (&w, column) in weights.iter().zip(&columns) {
                let xs = &column[start..start + LANES];
                for lane in 0..LANES {
                    sums[lane] += w * xs[lane];
                }
            }
            out.copy_from_slice(&sums);
        }
        for (c, s) in scores.iter_mut().enumerate().skip(whole) {
            for (&w, column) in weights.iter().zip(&columns) {
                *s += w * column[c];
            }
        }
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
        self.score_all(query, weights, scores);
        select_top(scores, &self.id_rank, k, |_| true)
            .into_iter()
            .map(|c| Hit {
                score: scores[c],
                region: self.candidates[c],
            })
            .collect()
    }

    /// As [`FeatureTables::top_k`], then `selection` ([`Selection::walk`]) over the best
    /// eligible candidates: the same rows as [`crate::rank::shortlist_selected`]. Reads a
    /// bounded prefix of the eligible order and doubles it until `k` rows are filled or
    /// every eligible candidate was read.
    ///
    /// # Panics
    /// If [`FeatureTables::prepare`] was not called for this query.
    pub fn top_k_selected(
        &self,
        query: &Query,
        weights: &[f64; N_FEATURES],
        selection: &Selection,
        k: usize,
        scores: &mut Vec<f64>,
    ) -> Vec<Row> {
        let catalog = self.catalog();
        if selection.is_plain() {
            return self
                .top_k(query, weights, k, scores)
                .into_iter()
                .map(|h| Row {
                    region: h.region,
                    score: h.score,
                    also: Vec::new(),
                })
                .collect();
        }
        self.score_all(query, weights, scores);
        // Grouping alone admits every candidate: no mask to compute.
        let keep: Option<Vec<bool>> = selection.filters_candidates().then(|| {
            self.candidates
                .iter()
                .map(|&r| selection.admits(catalog, r))
                .collect()
        });
        let admitted = |c: usize| keep.as_ref().is_none_or(|keep| keep[c]);
        let n_eligible = keep.as_ref().map_or(self.candidates.len(), |keep| {
            keep.iter().filter(|&&b| b).count()
        });
        let mut prefix = k.saturating_mul(2).max(k + 8);
        loop {
            let top = if prefix.saturating_mul(4) >= n_eligible {
                prefix = n_eligible;
                sort_where(scores, &self.id_rank, admitted)
            } else {
                select_top(scores, &self.id_rank, prefix, admitted)
            };
            let rows = selection.walk(
                catalog,
                top.iter().map(|&c| (scores[c], self.candidates[c])),
                k,
            );
            if rows.len() >= k || prefix >= n_eligible {
                return rows;
            }
            prefix = prefix.saturating_mul(2);
        }
    }
}

/// Positions `keep` accepts, best first (score descending, then `id_rank`).
fn sort_where(scores: &[f64], id_rank: &[u32], keep: impl Fn(usize) -> bool) -> Vec<usize> {
    let mut all: Vec<usize> = (0..scores.len()).filter(|&c| keep(c)).collect();
    all.sort_unstable_by(|&a, &b| {
        scores[b]
            .total_cmp(&scores[a])
            .then(id_rank[a].cmp(&id_rank[b]))
    });
    all
}

/// The key [`f64::total_cmp`] orders by: comparing two keys as integers compares the
/// scores in the total order.
fn order_key(score: f64) -> i64 {
    let bits = score.to_bits() as i64;
    bits ^ ((((bits >> 63) as u64) >> 1) as i64)
}

/// Positions of the best `k` scores among those `keep` accepts, best first; ties break on
/// `id_rank` (smaller first).
fn select_top(
    scores: &[f64],
    id_rank: &[u32],
    k: usize,
    keep: impl Fn(usize) -> bool,
) -> Vec<usize> {
    let better = |a: usize, b: usize| {
        scores[a]
            .total_cmp(&scores[b])
            .reverse()
            .then(id_rank[a].cmp(&id_rank[b]))
            .is_lt()
    };
    let mut top: Vec<usize> = Vec::with_capacity(k + 1);
    if k == 0 {
        return top;
    }
    // Once `top` is full, the key of its worst score: most candidates are strictly below it
    // and are passed over with one integer comparison.
    let mut floor = i64::MIN;
    for (c, &score) in scores.iter().enumerate() {
        if top.len() == k && order_key(score) < floor {
            continue;
        }
        if !keep(c) {
            continue;
        }
        if top.len() == k && top.last().is_some_and(|&worst| !better(c, worst)) {
            continue;
        }
        let at = top.partition_point(|&t| better(t, c));
        top.insert(at, c);
        top.truncate(k);
        if top.len() == k {
            floor = top
                .last()
                .map_or(i64::MIN, |&worst| order_key(scores[worst]));
        }
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
        for j in catalog.japan_ids() {
            for s in catalog.sectors().ids() {
                for year in [None, Some(2005)] {
                    let mut q = Query::new(j, s);
                    q.before_year = year;
                    q.wanted = vec![Feature::ALL[(j.index() + s.index()) % N_FEATURES]];
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
                &model.weights_for(catalog.sectors(), q),
                100,
                &mut scratch,
            );
            let kernel: Vec<(u64, RegionId)> =
                hits.iter().map(|h| (h.score.to_bits(), h.region)).collect();
            let expected: Vec<(u64, RegionId)> = reference
                .candidates
                .iter()
                .map(|c| (c.score.to_bits(), c.region))
                .collect();
            assert_eq!(kernel, expected, "{q:?}");
            for c in &reference.candidates {
                assert_eq!(tables.features(q, c.region), c.features);
            }
            let weights = model.weights_for(catalog.sectors(), q);
            for selection in [Selection::grouped(), Selection::expanded()] {
                for k in [1, 2, 100] {
                    let reference =
                        crate::rank::shortlist_selected(&encoder, &model, q, &selection, k)
                            .unwrap();
                    let rows = tables.top_k_selected(q, &weights, &selection, k, &mut scratch);
                    let kernel: Vec<_> = rows.iter().map(|r| (r.region, r.also.clone())).collect();
                    let expected: Vec<_> = reference
                        .candidates
                        .iter()
                        .map(|c| (c.region, c.also.clone()))
                        .collect();
                    assert_eq!(kernel, expected, "{q:?} {selection:?} {k}");
                }
            }
        }
    }

    #[test]
    fn order_key_orders_like_total_cmp() {
        let values = [
            f64::NEG_INFINITY,
            -1.5,
            -0.0,
            0.0,
            5e-324,
            0.25,
            1.0,
            f64::INFINITY,
            f64::NAN,
            -f64::NAN,
        ];
        for a in values {
            for b in values {
                assert_eq!(order_key(a).cmp(&order_key(b)), a.total_cmp(&b), "{a} {b}");
            }
        }
    }

    #[test]
    fn select_top_breaks_ties_on_id_rank() {
        let scores = [1.0, 3.0, 3.0, 2.0, 3.0];
        let id_rank = [0, 4, 1, 2, 3];
        assert_eq!(select_top(&scores, &id_rank, 3, |_| true), vec![2, 4, 1]);
        assert_eq!(
            select_top(&scores, &id_rank, 10, |_| true),
            vec![2, 4, 1, 3, 0]
        );
        assert_eq!(
            select_top(&scores, &id_rank, 0, |_| true),
            Vec::<usize>::new()
        );
    }
}
