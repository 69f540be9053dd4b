//! Region specificity: how much the Japanese region changes the shortlist.
//!
//! For every sector, every prefecture of the catalog is queried (no wanted traits, no year
//! limit) and its top-`k` kept. Two numbers describe the result:
//! - **mean overlap**: over every pair of two different prefectures, the number of regions
//!   their top-`k` lists share, averaged (k means the prefecture does not matter at all);
//! - **hub share**: the share of all top-`k` slots held by the `k` regions that appear most
//!   often (1 means the same `k` regions everywhere).
//!
//! The same two numbers over all sectors together summarise the catalog and model. Both fall
//! when the shortlist depends on the Japanese region (ties, access, proximity), whatever the
//! source of that dependence; they do not say whether the dependence is right.
//!
//! **Where the dependence comes from**: the same measurement is repeated on ablations of the
//! model ([`LinearModel::without`]), each setting the weights of some of the features that
//! read the Japanese region ([`Feature::reads_japan_region`]) to 0 ([`standard_ablations`]):
//! each such feature alone, ties and access together (existing exchange and communication
//! cost), and all of them (then every prefecture gets the same list: overlap `k`, hub share
//! 1 in every sector). The feature tables are prepared once per sector and scored under
//! every weight vector.

use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use tieup_core::catalog::Catalog;
use tieup_core::features::{Encoder, Feature, Query};
use tieup_core::ids::{RegionId, SectorId};
use tieup_core::kernel::FeatureTables;
use tieup_core::model::LinearModel;
use tieup_core::select::Selection;

/// Specificity of one sector (or of all sectors together).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SectorSpecificity {
    /// Sector id (`all` for every sector together).
    pub sector: String,
    /// Number of prefecture queries.
    pub queries: usize,
    /// Mean number of regions two different prefectures' top-`k` lists share.
    pub mean_overlap: f64,
    /// Share of top-`k` slots held by the `k` most frequent regions.
    pub hub_share: f64,
    /// The most frequent regions, most frequent first (ties by id), with their slot counts.
    pub hubs: Vec<(String, usize)>,
}

/// Specificity of every sector, then of all sectors together.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Specificity {
    /// List length compared.
    pub k: usize,
    /// Number of prefectures queried.
    pub prefectures: usize,
    /// Number of rows a list can show: places (a region with its descendants) for grouped
    /// lists, candidate regions for expanded ones.
    pub rows_possible: usize,
    /// How many of them appear in at least one top-`k` list of the model (over every
    /// prefecture and sector): the rest of the catalog never reaches a shortlist.
    pub rows_shown: usize,
    /// One entry per sector, in catalog order.
    pub sectors: Vec<SectorSpecificity>,
    /// All prefecture × sector queries together (overlap: mean of the sectors' means).
    pub overall: SectorSpecificity,
    /// The same measurement on ablations of the model, in the order asked
    /// ([`standard_ablations`] for [`specificity`]).
    pub ablations: Vec<Ablation>,
}

/// The specificity of an ablation of the model: the named features' weights set to 0.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ablation {
    /// Names of the features whose weights are 0, schema order.
    pub without: Vec<String>,
    /// Short label for tables.
    pub label: String,
    /// All prefecture × sector queries together, as [`Specificity::overall`].
    pub overall: SectorSpecificity,
    /// One entry per sector, in catalog order, as [`Specificity::sectors`].
    pub sectors: Vec<SectorSpecificity>,
}

/// The ablations `tieup specificity` reports, as (label, features set to 0): each feature
/// that reads the Japanese region alone (labelled by its name), ties and access (existing
/// exchange and communication cost), then every feature that reads the Japanese region.
pub fn standard_ablations() -> Vec<(String, Vec<Feature>)> {
    let japan: Vec<Feature> = Feature::ALL
        .into_iter()
        .filter(|f| f.reads_japan_region())
        .collect();
    let mut out: Vec<(String, Vec<Feature>)> = japan
        .iter()
        .map(|&f| (f.name().to_string(), vec![f]))
        .collect();
    out.push((
        "ties and access".to_string(),
        vec![Feature::ExistingExchange, Feature::CommunicationCost],
    ));
    out.push(("every Japanese-region feature".to_string(), japan));
    out
}

/// Measures the specificity of `model` on `catalog` with top-`k` lists over the Japanese
/// regions at prefecture level (every Japanese region when none is), with the
/// [`standard_ablations`]; `grouped` lists show one row per place, as the shortlist does by
/// default (the row's region is counted).
pub fn specificity(catalog: &Catalog, model: &LinearModel, k: usize, grouped: bool) -> Specificity {
    specificity_with(catalog, model, k, grouped, &standard_ablations())
}

/// As [`specificity`], with the given ablations (label, features whose weights are set to 0)
/// instead of the standard ones.
pub fn specificity_with(
    catalog: &Catalog,
    model: &LinearModel,
    k: usize,
    grouped: bool,
    ablations: &[(String, Vec<Feature>)],
) -> Specificity {
    let mut prefectures: Vec<RegionId> = catalog
        .japan_regions()
        .filter(|(_, r)| r.level == "prefecture")
        .map(|(id, _)| id)
        .collect();
    if prefectures.is_empty() {
        prefectures = catalog.japan_ids().collect();
    }
    // The model itself first, then each ablation.
    let models: Vec<LinearModel> = std::iter::once(model.clone())
        .chain(ablations.iter().map(|(_, without)| model.without(without)))
        .collect();
    let encoder = Encoder::new(catalog);
    let mut tables = FeatureTables::new(&encoder);
    let mut scratch = Vec::new();
    let mut sectors = vec![Vec::new(); models.len()];
    let mut all_lists = vec![Vec::new(); models.len()];
    for sector in catalog.sectors().ids() {
        let id = &catalog.sector(sector).id;
        let by_model = sector_lists(
            &mut tables,
            &models,
            &prefectures,
            (sector, k, grouped),
            &mut scratch,
        );
        for (m, lists) in by_model.into_iter().enumerate() {
            sectors[m].push(summarise(catalog, id, &lists, k, mean_overlap(&lists)));
            all_lists[m].extend(lists);
        }
    }
    let mut measured = sectors
        .into_iter()
        .zip(&all_lists)
        .map(|(sectors, lists)| (overall(catalog, &sectors, lists, k), sectors));
    let (base_overall, base_sectors) = measured.next().expect("the model itself is measured");
    // Rows of the model's own lists: places when grouped, regions when expanded.
    let (rows_possible, rows_shown) = if grouped {
        let shown: BTreeSet<RegionId> = all_lists[0]
            .iter()
            .flatten()
            .map(|&r| tieup_core::select::place_of(catalog, r))
            .collect();
        (tieup_core::select::n_places(catalog), shown.len())
    } else {
        let shown: BTreeSet<RegionId> = all_lists[0].iter().flatten().copied().collect();
        (catalog.n_candidates(), shown.len())
    };
    Specificity {
        k,
        prefectures: prefectures.len(),
        rows_possible,
        rows_shown,
        sectors: base_sectors,
        overall: base_overall,
        ablations: ablations
            .iter()
            .zip(measured)
            .map(|((label, without), (overall, sectors))| Ablation {
                without: without.iter().map(|f| f.name().to_string()).collect(),
                label: label.clone(),
                overall,
                sectors,
            })
            .collect(),
    }
}

/// All sectors together: hub share over every list, overlap the mean of the sectors' means
/// (pairs are only formed within a sector).
fn overall(
    catalog: &Catalog,
    sectors: &[SectorSpecificity],
    lists: &[Vec<RegionId>],
    k: usize,
) -> SectorSpecificity {
    let overlap = if sectors.is_empty() {
        0.0
    } else {
        sectors.iter().map(|s| s.mean_overlap).sum::<f64>() / sectors.len() as f64
    };
    summarise(catalog, "all", lists, k, overlap)
}

/// The top-`k` list of every prefecture for one sector, under each model (the tables are
/// prepared once and scored with every model's weights).
fn sector_lists(
    tables: &mut FeatureTables<'_>,
    models: &[LinearModel],
    prefectures: &[RegionId],
    (sector, k, grouped): (SectorId, usize, bool),
    scratch: &mut Vec<f64>,
) -> Vec<Vec<Vec<RegionId>>> {
    let selection = Selection {
        expand: !grouped,
        ..Selection::default()
    };
    let queries: Vec<Query> = prefectures.iter().map(|&p| Query::new(p, sector)).collect();
    tables.prepare(&queries);
    let sectors = tables.catalog().sectors();
    models
        .iter()
        .map(|model| {
            queries
                .iter()
                .map(|q| {
                    let weights = model.weights_for(sectors, q);
                    tables
                        .top_k_selected(q, &weights, &selection, k, scratch)
                        .into_iter()
                        .map(|row| row.region)
                        .collect()
                })
                .collect()
        })
        .collect()
}

/// Mean number of regions two different lists share, over every pair (0 without a pair).
fn mean_overlap(lists: &[Vec<RegionId>]) -> f64 {
    let sets: Vec<Vec<RegionId>> = lists
        .iter()
        .map(|l| {
            let mut set = l.clone();
            set.sort_unstable();
            set.dedup();
            set
        })
        .collect();
    let (mut shared, mut pairs) = (0usize, 0usize);
    for (i, a) in sets.iter().enumerate() {
        for b in &sets[i + 1..] {
            shared += common(a, b);
            pairs += 1;
        }
    }
    if pairs == 0 {
        0.0
    } else {
        shared as f64 / pairs as f64
    }
}

/// Number of elements two sorted, duplicate-free slices share.
fn common(a: &[RegionId], b: &[RegionId]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// The specificity of a set of lists with their `mean_overlap` ([`mean_overlap`], or for all
/// sectors the mean of the sectors'): the hub share and the hubs.
fn summarise(
    catalog: &Catalog,
    sector: &str,
    lists: &[Vec<RegionId>],
    k: usize,
    mean_overlap: f64,
) -> SectorSpecificity {
    let mut counts: BTreeMap<RegionId, usize> = BTreeMap::new();
    for &r in lists.iter().flatten() {
        *counts.entry(r).or_default() += 1;
    }
    let mut ranked: Vec<(&str, usize)> = counts
        .into_iter()
        .map(|(r, n)| (catalog.region(r).id.as_str(), n))
        .collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    ranked.truncate(k);
    let slots: usize = lists.iter().map(Vec::len).sum();
    let held: usize = ranked.iter().map(|(_, n)| n).sum();
    SectorSpecificity {
        sector: sector.to_string(),
        queries: lists.len(),
        mean_overlap,
        hub_share: if slots == 0 {
            0.0
        } else {
            held as f64 / slots as f64
        },
        hubs: ranked
            .into_iter()
            .map(|(id, n)| (id.to_string(), n))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_lists_overlap_fully_and_disjoint_lists_not_at_all() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/mini");
        let catalog = Catalog::load(&dir).unwrap();
        let ids: Vec<RegionId> = catalog.candidate_ids().collect();
        let same = vec![ids[..2].to_vec(), ids[..2].to_vec()];
        let s = summarise(&catalog, "x", &same, 2, mean_overlap(&same));
        assert_eq!(s.mean_overlap, 2.0);
        assert_eq!(s.hub_share, 1.0);
        let apart = vec![ids[..1].to_vec(), ids[1..2].to_vec()];
        let s = summarise(&catalog, "x", &apart, 1, mean_overlap(&apart));
        assert_eq!(s.mean_overlap, 0.0);
        assert_eq!(s.hub_share, 0.5);
        // Order within a list does not matter; three lists make three pairs.
        let partly = vec![
            vec![ids[0], ids[1], ids[2]],
            vec![ids[2], ids[0], ids[3]],
            vec![ids[4], ids[5], ids[6]],
        ];
        assert_eq!(mean_overlap(&partly), 2.0 / 3.0);
    }

    fn root() -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
    }

    fn default_model() -> LinearModel {
        LinearModel::load(&root().join("models/default.json")).unwrap()
    }

    /// Without any feature that reads the Japanese region, every prefecture gets the same
    /// list in a sector: overlap the list's length (`k` when the sector has `k` places), hub
    /// share 1.
    fn check_every_feature_ablation(s: &Specificity, k: usize) {
        let every = s.ablations.last().unwrap();
        assert_eq!(every.label, "every Japanese-region feature");
        let names: Vec<&str> = Feature::ALL
            .into_iter()
            .filter(|f| f.reads_japan_region())
            .map(Feature::name)
            .collect();
        assert_eq!(every.without, names);
        assert_eq!(every.sectors.len(), s.sectors.len());
        for x in &every.sectors {
            assert_eq!(x.mean_overlap, k as f64, "{}", x.sector);
            assert_eq!(x.hub_share, 1.0, "{}", x.sector);
        }
        assert_eq!(every.overall.mean_overlap, k as f64);
    }

    #[test]
    fn without_every_japanese_region_feature_all_prefectures_share_one_list_on_the_fixture() {
        let catalog = Catalog::load(&root().join("tests/fixtures/mini")).unwrap();
        let model = default_model();
        for grouped in [true, false] {
            let s = specificity(&catalog, &model, 3, grouped);
            assert_eq!(s.ablations.len(), standard_ablations().len());
            // The model itself does depend on the prefecture on the fixture.
            assert!(s.overall.mean_overlap < 3.0);
            check_every_feature_ablation(&s, 3);
        }
    }

    #[test]
    fn an_ablation_of_nothing_measures_the_model_itself() {
        let catalog = Catalog::load(&root().join("tests/fixtures/mini")).unwrap();
        let model = default_model();
        let none = [("nothing".to_string(), Vec::new())];
        let s = specificity_with(&catalog, &model, 3, true, &none);
        assert_eq!(s.ablations.len(), 1);
        assert!(s.ablations[0].without.is_empty());
        assert_eq!(s.ablations[0].overall, s.overall);
        assert_eq!(s.ablations[0].sectors, s.sectors);
        // And the model's numbers do not depend on which ablations are measured with it.
        let standard = specificity(&catalog, &model, 3, true);
        assert_eq!(standard.overall, s.overall);
        assert_eq!(standard.sectors, s.sectors);
    }

    #[test]
    fn on_the_shipped_data_ties_and_access_make_lists_differ_and_nothing_else_is_left() {
        let catalog = Catalog::load(&root().join("data")).unwrap();
        let s = specificity(&catalog, &default_model(), 10, true);
        check_every_feature_ablation(&s, 10);
        let ties = s
            .ablations
            .iter()
            .find(|a| a.label == "ties and access")
            .unwrap();
        assert_eq!(ties.without, ["existing_exchange", "communication_cost"]);
        assert!(
            ties.overall.mean_overlap >= s.overall.mean_overlap,
            "without ties and access {} < {}",
            ties.overall.mean_overlap,
            s.overall.mean_overlap
        );
    }

    #[test]
    fn every_sector_is_measured_on_the_fixture() {
        let catalog = Catalog::load(&root().join("tests/fixtures/mini")).unwrap();
        let model = default_model();
        let s = specificity(&catalog, &model, 3, false);
        assert_eq!(s.sectors.len(), catalog.sectors().len());
        assert!(s.overall.hub_share > 0.0 && s.overall.hub_share <= 1.0);
        assert!(s.sectors.iter().all(|x| x.mean_overlap <= 3.0));
        // Rows shown: every region of an expanded list, every place of a grouped one, never
        // more than the catalog has, at least the k of one list.
        assert_eq!(s.rows_possible, catalog.candidate_ids().count());
        let shown: std::collections::BTreeSet<&str> = s
            .sectors
            .iter()
            .flat_map(|x| x.hubs.iter().map(|(id, _)| id.as_str()))
            .collect();
        assert!(s.rows_shown >= shown.len() && s.rows_shown <= s.rows_possible);
        let grouped = specificity(&catalog, &model, 3, true);
        assert!(
            grouped.rows_possible < s.rows_possible,
            "the fixture nests regions"
        );
        assert!(grouped.rows_shown >= 3 && grouped.rows_shown <= grouped.rows_possible);
    }
}
