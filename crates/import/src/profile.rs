//! From a [`Dataset`] to sector profiles: which sectors the source can measure, each
//! region's employment in them, location quotients with bounds, the shrunk LQ and the
//! strength it maps to, the strong-cluster flag, proximity between sectors and each region's
//! density; and the derived CSV files written from them.
//!
//! Rules (documented in data/README.md):
//! - A sector is measured by a source only when every one of its code prefixes (in the
//!   source's classification) is in the data; otherwise it is reported as not covered and
//!   keeps its curated values. Partial sums are never passed off as the sector.
//! - Employment under a prefix is the exact cell, or the outermost cells below it.
//! - The reference economy is the source's national row, or the sum over its peer regions.
//! - Strength = [`lq::strength`] of the LQ and the size quotient, both shrunk with
//!   [`lq::PSEUDO_EMPLOYEES`];
//!   withheld counts give a bounded LQ and strength interval.

use super::lq::{self, StrongClusterThresholds};
use super::relatedness;
use super::{Classification, Dataset, Estimate, SkipReport, codes::CodeLists, nace};
use ndarray::Array2;
use std::fmt::Write as _;
use tieup_core::catalog::{Catalog, RegionId, SectorId};
use tieup_core::error::{Error, Result};
use tieup_core::provenance::Provenance;
use tieup_core::sector::SectorTable;

/// Parameters of the profile computation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProfileParams {
    /// Pseudo-employees of the LQ shrinkage (default [`lq::PSEUDO_EMPLOYEES`]).
    pub pseudo_employees: f64,
    /// A sector pair gets a statistics-based proximity only when both sectors are
    /// specialised (LQ ≥ 1) in at least this many peer regions (default 3).
    pub min_ubiquity: usize,
}

impl Default for ProfileParams {
    fn default() -> Self {
        ProfileParams {
            pseudo_employees: lq::PSEUDO_EMPLOYEES,
            min_ubiquity: 3,
        }
    }
}

impl ProfileParams {
    /// Checks the ranges: pseudo-employees ≥ 0 and finite, minimum ubiquity ≥ 1.
    pub fn check(self) -> Result<Self> {
        if !(self.pseudo_employees.is_finite() && self.pseudo_employees >= 0.0) {
            return Err(Error::InvalidParam {
                name: "pseudo_employees",
                value: self.pseudo_employees.to_string(),
                reason: "must be a finite number ≥ 0".into(),
            });
        }
        if self.min_ubiquity == 0 {
            return Err(Error::InvalidParam {
                name: "min_ubiquity",
                value: "0".into(),
                reason: "must be at least 1".into(),
            });
        }
        Ok(self)
    }
}

/// One region's figures in one sector.
#[derive(Debug, Clone, PartialEq)]
pub struct SectorRow {
    /// Position of the region in the dataset.
    pub region: usize,
    /// The catalog region, if mapped.
    pub catalog: Option<RegionId>,
    /// Sector position.
    pub sector: SectorId,
    /// Employment in the sector (bounded where withheld).
    pub employment: Estimate,
    /// Establishments, where every cell has them.
    pub establishments: Option<f64>,
    /// LQ at the point estimates.
    pub lq: f64,
    /// LQ at the least favourable bounds.
    pub lq_low: f64,
    /// LQ at the most favourable bounds.
    pub lq_high: f64,
    /// Shrunk LQ ([`lq::shrunk_lq`]).
    pub lq_shrunk: f64,
    /// Shrunk size quotient (the region's share of the sector over an equal share; for a
    /// sum of peer regions, over as many equal shares as it has parts).
    pub size_shrunk: f64,
    /// Employees that make the sector's critical mass in the comparison area
    /// ([`lq::critical_mass`] of an equal share; for a sum of peers, of as many shares as it
    /// has parts).
    pub critical_mass: f64,
    /// Strength on the one scale ([`lq::on_scale`] of [`SectorRow::position`] and the raw
    /// strength; for a sum of peers its parts' values weighted by employment).
    pub strength: f64,
    /// What held the strength below its ladder reading.
    pub limit: lq::Limit,
    /// True for a sum of peer regions, which reads its parts' values ([`SectorRow::strength`]).
    pub from_parts: bool,
    /// Strength from the shrunk LQ and size before the ladder ([`lq::strength`]).
    pub raw_strength: f64,
    /// Raw strength at the lower and upper bounds.
    pub raw_low: f64,
    /// See `raw_low`.
    pub raw_high: f64,
    /// Fraction of the sector's peer regions with a lower raw strength (ties half).
    pub position: f64,
    /// True when the region is one of the dataset's peers.
    pub peer: bool,
    /// Strength at the lower bounds.
    pub strength_low: f64,
    /// Strength at the upper bounds.
    pub strength_high: f64,
    /// The strong-cluster rule (None when establishments are missing).
    pub strong_cluster: Option<bool>,
    /// Density ω(r, p) over the measured finer sectors (None for survey sectors).
    pub density: Option<f64>,
    /// The region's own reference year, where it differs from the dataset's.
    pub year: Option<u16>,
    /// What the region's figures are (e.g. a city measured on its NUTS-2 region).
    pub region_note: Option<String>,
}

/// Everything one dataset says about sectors.
#[derive(Debug, Clone)]
pub struct Profile {
    /// `statistics:<dataset>:<year>`.
    pub provenance: Provenance,
    /// The source's classification.
    pub classification: Classification,
    /// Measured sectors with the prefixes used.
    pub covered: Vec<(SectorId, Vec<String>)>,
    /// Sectors the source cannot measure, with the reason.
    pub unresolved: Vec<(SectorId, String)>,
    /// Figures per region and measured sector, dataset region order then sector order.
    pub rows: Vec<SectorRow>,
    /// Measured finer sectors (the proximity's index), in sector-table order.
    pub leaves: Vec<SectorId>,
    /// Proximity between `leaves`.
    pub proximity: Array2<f64>,
    /// Ubiquity of each of `leaves` over the peer regions.
    pub ubiquity: Vec<usize>,
    /// Number of peer regions.
    pub n_peers: usize,
    /// Region-sector figures left out, and why.
    pub skipped: SkipReport,
}

impl Profile {
    /// Catalog regions with at least one figure.
    pub fn catalog_regions(&self) -> std::collections::BTreeSet<RegionId> {
        self.rows.iter().filter_map(|r| r.catalog).collect()
    }
}

/// Computes the profile of a dataset against the sector table.
pub fn compute(
    dataset: &Dataset,
    sectors: &SectorTable,
    concordance: &CodeLists,
    params: ProfileParams,
) -> Profile {
    let (covered, unresolved) = resolve_sectors(dataset, sectors, concordance);
    let mut skipped = SkipReport::default();
    let peers: Vec<usize> = (0..dataset.regions.len())
        .filter(|&r| dataset.regions[r].peer)
        .collect();
    let mut rows = sector_rows(dataset, sectors, &covered, &peers, params, &mut skipped);
    place_on_ladder(dataset, &covered, &mut rows);
    flag_strong_clusters(dataset, &covered, &mut rows);
    let (leaves, proximity, ubiquity) =
        relatedness_and_density(dataset, sectors, &covered, &peers, &mut rows);
    Profile {
        provenance: dataset.provenance(),
        classification: dataset.classification,
        covered,
        unresolved,
        rows,
        leaves,
        proximity,
        ubiquity,
        n_peers: peers.len(),
        skipped,
    }
}

/// A measured sector with the codes used, or an unmeasured one with the reason.
type Resolved = (Vec<(SectorId, Vec<String>)>, Vec<(SectorId, String)>);

/// Which sectors the dataset measures, with the codes that make each up.
fn resolve_sectors(dataset: &Dataset, sectors: &SectorTable, concordance: &CodeLists) -> Resolved {
    let published: Vec<String> = {
        let mut codes: Vec<String> = dataset
            .regions
            .iter()
            .flat_map(|r| r.cells.keys().cloned())
            .collect();
        codes.sort();
        codes.dedup();
        codes
    };
    let mut covered = Vec::new();
    let mut unresolved = Vec::new();
    for (position, sector) in sectors.iter() {
        let prefixes = dataset
            .classification
            .sector_prefixes(sector, concordance)
            .and_then(|prefixes| {
                if !dataset.sections_only {
                    return Ok(prefixes);
                }
                nace::section_for(&prefixes, &published)
                    .map(|section| vec![section])
                    .ok_or_else(|| "no published NACE section is exactly its divisions".to_string())
            })
            .and_then(|prefixes| {
                let in_data = |code: &str| {
                    dataset
                        .regions
                        .iter()
                        .chain(dataset.reference.iter())
                        .any(|r| r.under(code).is_some())
                };
                let mut resolved = Vec::new();
                for p in &prefixes {
                    match dataset
                        .classification
                        .alternatives(p)
                        .into_iter()
                        .find(|a| in_data(a))
                    {
                        Some(code) => resolved.push(code),
                        None => {
                            return Err(format!(
                                "{} {p} is not in the data (its finest codes have {} characters)",
                                dataset.classification.label(),
                                dataset.finest_code_length()
                            ));
                        }
                    }
                }
                Ok(resolved)
            });
        match prefixes {
            Ok(p) => covered.push((position, p)),
            Err(reason) => unresolved.push((position, reason)),
        }
    }

    (covered, unresolved)
}

/// A region's employment and establishments in a sector's codes (None where a code has no
/// figure and missing is not zero).
fn amount(
    dataset: &Dataset,
    region: &super::RegionData,
    prefixes: &[String],
) -> Option<(Estimate, Option<f64>)> {
    let mut employment = Estimate::default();
    let mut establishments = Some(0.0);
    for p in prefixes {
        match region.under(p) {
            Some((e, n)) => {
                employment += e;
                establishments = establishments.zip(n).map(|(a, b)| a + b);
            }
            None if dataset.missing_is_zero => {}
            None => return None,
        }
    }
    Some((employment, establishments))
}

/// The figures of every region in every measured sector: LQ with bounds, shrinkage, size and
/// the raw strength (placed on the ladder afterwards).
fn sector_rows(
    dataset: &Dataset,
    sectors: &SectorTable,
    covered: &[(SectorId, Vec<String>)],
    peers: &[usize],
    params: ProfileParams,
    skipped: &mut SkipReport,
) -> Vec<SectorRow> {
    let amount =
        |region: &super::RegionData, prefixes: &[String]| amount(dataset, region, prefixes);
    let grand_total = match &dataset.reference {
        Some(reference) => reference.total.point,
        None => peers.iter().map(|&r| dataset.regions[r].total.point).sum(),
    };
    let mut rows: Vec<SectorRow> = Vec::new();
    for (sector, prefixes) in covered {
        let reference_amount: Estimate = match &dataset.reference {
            Some(reference) => amount(reference, prefixes).map_or(Estimate::default(), |a| a.0),
            None => peers
                .iter()
                .filter_map(|&r| amount(&dataset.regions[r], prefixes))
                .fold(Estimate::default(), |sum, a| sum + a.0),
        };
        let sector_id = &sectors.get(*sector).id;
        for (r, region) in dataset.regions.iter().enumerate() {
            let Some((employment, establishments)) = amount(region, prefixes) else {
                skipped.add(
                    "no figure for the region in a measured sector",
                    format!("{} {sector_id}", region.key),
                );
                continue;
            };
            let x_r = region.total.point;
            let Some(lq_point) =
                lq::location_quotient(employment.point, x_r, reference_amount.point, grand_total)
            else {
                skipped.add(
                    "LQ undefined (no employment in the region or the reference)",
                    format!("{} {sector_id}", region.key),
                );
                continue;
            };
            rows.push(sector_row(
                &Figures {
                    region: r,
                    data: region,
                    sector: *sector,
                    employment,
                    establishments,
                    lq: lq_point,
                    reference: reference_amount,
                    grand_total,
                    n_peers: peers.len(),
                },
                params,
            ));
        }
    }

    rows
}

/// What one region's row in one sector is computed from.
struct Figures<'a> {
    region: usize,
    data: &'a super::RegionData,
    sector: SectorId,
    employment: Estimate,
    establishments: Option<f64>,
    lq: f64,
    reference: Estimate,
    grand_total: f64,
    n_peers: usize,
}

/// The LQ bounds, the shrunk LQ and size quotients and the raw strength of one region in one
/// sector (placed on the ladder afterwards).
fn sector_row(f: &Figures<'_>, params: ProfileParams) -> SectorRow {
    let (employment, establishments, reference_amount, grand_total) =
        (f.employment, f.establishments, f.reference, f.grand_total);
    let (r, region, sector, lq_point) = (f.region, f.data, f.sector, f.lq);
    let x_r = region.total.point;
    let share = |v: f64| v / grand_total;
    let lq_low = if reference_amount.high > 0.0 {
        (employment.low / x_r) / share(reference_amount.high)
    } else {
        lq_point
    };
    let lq_high = if reference_amount.low > 0.0 {
        (employment.high / x_r) / share(reference_amount.low)
    } else {
        lq_point
    };
    let m = params.pseudo_employees;
    let shrunk =
        |observed: f64, reference: f64| lq::shrunk_lq(observed, x_r * reference / grand_total, m);
    let lq_shrunk = shrunk(employment.point, reference_amount.point);
    let shrunk_low = shrunk(employment.low, reference_amount.high);
    let shrunk_high = shrunk(employment.high, reference_amount.low.max(f64::MIN_POSITIVE));
    // Size quotient: the region's share of the sector over an equal share (a sum of k peer
    // regions over k equal shares, so a NUTS-1 region is not large merely by being a sum).
    let n_peers = f.n_peers.max(1) as f64 / region.parts.len().max(1) as f64;
    let size = |observed: f64, reference: f64| lq::shrunk_lq(observed, reference / n_peers, m);
    let size_shrunk = size(employment.point, reference_amount.point);
    let size_low = size(employment.low, reference_amount.high);
    let size_high = size(employment.high, reference_amount.low);
    let critical_mass = lq::critical_mass(reference_amount.point / n_peers);
    SectorRow {
        region: r,
        catalog: region.catalog,
        sector,
        employment,
        establishments,
        lq: lq_point,
        lq_low,
        lq_high,
        lq_shrunk,
        size_shrunk,
        critical_mass,
        strength: lq::strength(lq_shrunk, size_shrunk),
        limit: lq::Limit::None,
        from_parts: false,
        raw_strength: 0.0,
        raw_low: 0.0,
        raw_high: 0.0,
        position: 0.0,
        peer: region.peer,
        strength_low: lq::strength(shrunk_low, size_low),
        strength_high: lq::strength(shrunk_high, size_high),
        strong_cluster: None,
        density: None,
        year: region.year,
        region_note: region.note.clone(),
    }
}

/// One scale: each raw strength becomes [`lq::on_scale`] of its position among the
/// sector's peer regions; then a sum of peers reads its parts ([`from_parts`]).
fn place_on_ladder(dataset: &Dataset, covered: &[(SectorId, Vec<String>)], rows: &mut [SectorRow]) {
    for (sector, _) in covered {
        let mut peer_raw: Vec<f64> = rows
            .iter()
            .filter(|row| row.sector == *sector && dataset.regions[row.region].peer)
            .map(|row| row.strength)
            .collect();
        peer_raw.sort_by(f64::total_cmp);
        for row in rows.iter_mut().filter(|row| row.sector == *sector) {
            row.raw_strength = row.strength;
            row.raw_low = row.strength_low;
            row.raw_high = row.strength_high;
            row.position = lq::position(&peer_raw, row.strength);
            let (employment, mass) = (row.employment, row.critical_mass);
            (row.strength, row.limit) =
                lq::on_scale(row.position, row.raw_strength, employment.point, mass);
            let bound =
                |raw: f64, jobs: f64| lq::on_scale(lq::position(&peer_raw, raw), raw, jobs, mass).0;
            row.strength_low = bound(row.raw_low, employment.low);
            row.strength_high = bound(row.raw_high, employment.high);
        }
    }
    from_parts(dataset, rows);
}

/// A sum of peer regions (a NUTS-1 region made of NUTS-2 regions) reads the mean of its
/// parts' values weighted by their employment in the sector: the value where the sector's
/// jobs in the region are. (Its own reading, taken against the NUTS-2 peers, would lift it
/// by its size alone; the best part alone would lift every sum to its luckiest part.)
fn from_parts(dataset: &Dataset, rows: &mut [SectorRow]) {
    let index: std::collections::BTreeMap<(usize, SectorId), usize> = rows
        .iter()
        .enumerate()
        .map(|(i, row)| ((row.region, row.sector), i))
        .collect();
    let keys: std::collections::BTreeMap<&str, usize> = dataset
        .regions
        .iter()
        .enumerate()
        .filter(|(_, r)| r.peer)
        .map(|(i, r)| (r.key.as_str(), i))
        .collect();
    for i in 0..rows.len() {
        let parts: Option<Vec<usize>> = dataset.regions[rows[i].region]
            .parts
            .iter()
            .map(|key| {
                index
                    .get(&(*keys.get(key.as_str())?, rows[i].sector))
                    .copied()
            })
            .collect();
        let Some(parts) = parts.filter(|p| !p.is_empty()) else {
            continue;
        };
        let weight: f64 = parts.iter().map(|&j| rows[j].employment.point).sum();
        let mean = |value: &dyn Fn(&SectorRow) -> f64| -> f64 {
            if weight > 0.0 {
                parts
                    .iter()
                    .map(|&j| rows[j].employment.point * value(&rows[j]))
                    .sum::<f64>()
                    / weight
            } else {
                parts.iter().map(|&j| value(&rows[j])).sum::<f64>() / parts.len() as f64
            }
        };
        let (strength, low, high) = (
            mean(&|r| r.strength),
            mean(&|r| r.strength_low),
            mean(&|r| r.strength_high),
        );
        let row = &mut rows[i];
        (row.strength, row.strength_low, row.strength_high) = (strength, low, high);
        row.limit = lq::Limit::None;
        row.from_parts = true;
    }
}

/// The strong-cluster rule, thresholds over the peer regions.
fn flag_strong_clusters(
    dataset: &Dataset,
    covered: &[(SectorId, Vec<String>)],
    rows: &mut [SectorRow],
) {
    for (sector, _) in covered {
        let peer_rows: Vec<&SectorRow> = rows
            .iter()
            .filter(|row| row.sector == *sector && dataset.regions[row.region].peer)
            .collect();
        let lqs: Vec<f64> = peer_rows.iter().map(|r| r.lq).collect();
        let employment: Vec<f64> = peer_rows.iter().map(|r| r.employment.point).collect();
        let establishments: Option<Vec<f64>> = peer_rows.iter().map(|r| r.establishments).collect();
        if let Some(thresholds) =
            StrongClusterThresholds::new(&lqs, &employment, establishments.as_deref())
        {
            for row in rows.iter_mut().filter(|row| row.sector == *sector) {
                row.strong_cluster =
                    thresholds.is_strong(row.lq, row.employment.point, row.establishments);
            }
        }
    }
}

/// Proximity over the measured finer sectors and the peer regions (with the leaves and their
/// ubiquity); sets every row's density.
fn relatedness_and_density(
    dataset: &Dataset,
    sectors: &SectorTable,
    covered: &[(SectorId, Vec<String>)],
    peers: &[usize],
    rows: &mut [SectorRow],
) -> (Vec<SectorId>, Array2<f64>, Vec<usize>) {
    let leaves: Vec<SectorId> = covered
        .iter()
        .map(|(s, _)| *s)
        .filter(|&s| sectors.get(s).children.is_empty())
        .collect();
    let specialised = |region: usize| -> Vec<u8> {
        leaves
            .iter()
            .map(|&s| {
                u8::from(
                    rows.iter()
                        .any(|row| row.region == region && row.sector == s && row.lq >= 1.0),
                )
            })
            .collect()
    };
    let mut m = Array2::<u8>::zeros((peers.len(), leaves.len()));
    for (i, &r) in peers.iter().enumerate() {
        for (j, v) in specialised(r).into_iter().enumerate() {
            m[[i, j]] = v;
        }
    }
    let proximity = relatedness::proximity(&m);
    let ubiquity = relatedness::ubiquity(&m);
    let densities: Vec<Vec<f64>> = (0..dataset.regions.len())
        .map(|r| {
            let row = Array2::from_shape_vec((1, leaves.len()), specialised(r))
                .expect("one row of leaves");
            relatedness::density(&row, &proximity).row(0).to_vec()
        })
        .collect();
    for row in rows.iter_mut() {
        if let Some(j) = leaves.iter().position(|&s| s == row.sector) {
            let d = densities[row.region][j];
            row.density = (!d.is_nan()).then_some(d);
        }
    }

    (leaves, proximity, ubiquity)
}

/// Header of the derived strengths files; the first five columns are those of
/// `strengths.csv`, the rest document the figures behind each value.
pub const STRENGTHS_HEADER: &str = "region_id,sector,value,provenance,note,value_low,value_high,employment,employment_low,employment_high,establishments,lq,lq_low,lq_high,lq_shrunk,strong_cluster,density";

fn flag(value: Option<bool>) -> &'static str {
    match value {
        Some(true) => "1",
        Some(false) => "0",
        None => "",
    }
}

/// The derived strengths file of a profile: one row per catalog region and measured sector,
/// in catalog order then sector order. `extra_note` is appended to each note (e.g. the US
/// Cluster Mapping flag of the sector's cluster).
pub fn strengths_csv(
    profile: &Profile,
    catalog: &Catalog,
    extra_note: &dyn Fn(&SectorRow) -> Option<String>,
) -> String {
    let mut rows: Vec<&SectorRow> = profile
        .rows
        .iter()
        .filter(|r| r.catalog.is_some())
        .collect();
    rows.sort_by_key(|r| (r.catalog, r.sector));
    let mut out = crate::csvout::CsvText::new(STRENGTHS_HEADER);
    let codes_of = |sector: SectorId| -> String {
        profile
            .covered
            .iter()
            .find(|(s, _)| *s == sector)
            .map(|(_, p)| p.join("+"))
            .unwrap_or_default()
    };
    for row in rows {
        let region = &catalog.region(row.catalog.expect("filtered"));
        let sector = catalog.sectors().get(row.sector);
        let note = strength_note(profile, row, &codes_of(row.sector), extra_note);
        out.row([
            region.id.clone(),
            sector.id.clone(),
            format!("{:.4}", row.strength),
            match (&profile.provenance, row.year) {
                (Provenance::Statistic { dataset, .. }, Some(year)) => Provenance::Statistic {
                    dataset: dataset.clone(),
                    year,
                }
                .to_string(),
                (provenance, _) => provenance.to_string(),
            },
            note,
            format!("{:.4}", row.strength_low),
            format!("{:.4}", row.strength_high),
            format!("{:.1}", row.employment.point),
            format!("{:.1}", row.employment.low),
            format!("{:.1}", row.employment.high),
            row.establishments
                .map_or(String::new(), |e| format!("{e:.0}")),
            format!("{:.4}", row.lq),
            format!("{:.4}", row.lq_low),
            format!("{:.4}", row.lq_high),
            format!("{:.4}", row.lq_shrunk),
            flag(row.strong_cluster).to_string(),
            row.density.map_or(String::new(), |d| format!("{d:.4}")),
        ]);
    }
    out.finish()
}

/// The note of one strength row: LQ, size, employment and the codes it sums, its position
/// among the peers, withheld bounds, the cluster mark and the region's and caller's notes.
fn strength_note(
    profile: &Profile,
    row: &SectorRow,
    codes: &str,
    extra_note: &dyn Fn(&SectorRow) -> Option<String>,
) -> String {
    let mut note = format!(
        "LQ {:.2} (shrunk {:.2}), size {:.2} on {} employees in {} {}; raw {:.2}, above {:.0} % of {} peer regions",
        row.lq,
        row.lq_shrunk,
        row.size_shrunk,
        super::thousands(row.employment.point),
        profile.classification.label(),
        codes,
        row.raw_strength,
        100.0 * row.position,
        profile.n_peers
    );
    if !row.employment.is_exact() {
        let _ = write!(
            note,
            "; partly withheld, bounds {}-{}",
            super::thousands(row.employment.low),
            super::thousands(row.employment.high)
        );
    }
    match row.limit {
        lq::Limit::None => {}
        lq::Limit::Raw => {
            note.push_str("; held at the raw strength (neither specialised nor large)")
        }
        lq::Limit::Mass => {
            let _ = write!(
                note,
                "; held below the cluster rungs: under the critical mass of {} employees",
                super::thousands(row.critical_mass.round())
            );
        }
    }
    if row.from_parts {
        note.push_str("; value: its parts' values weighted by their employment in the sector");
    }
    if row.strong_cluster == Some(true) {
        note.push_str("; strong cluster");
    }
    if let Some(region_note) = &row.region_note {
        note.push_str("; ");
        note.push_str(region_note);
    }
    if let Some(extra) = extra_note(row) {
        note.push_str("; ");
        note.push_str(&extra);
    }
    note
}

/// Header of the derived relatedness file; the first five columns are those of
/// `sector_relatedness.csv`.
pub const RELATEDNESS_HEADER: &str =
    "sector_a,sector_b,value,provenance,note,co_specialised,ubiquity_a,ubiquity_b";

/// Statistics-based relatedness: the proximity of every pair of measured finer sectors
/// that are both specialised in at least `min_ubiquity` peer regions, in sector order.
pub fn relatedness_csv(profile: &Profile, sectors: &SectorTable, params: ProfileParams) -> String {
    let mut out = crate::csvout::CsvText::new(RELATEDNESS_HEADER);
    for (a, &sa) in profile.leaves.iter().enumerate() {
        for (b, &sb) in profile.leaves.iter().enumerate().skip(a + 1) {
            let (ka, kb) = (profile.ubiquity[a], profile.ubiquity[b]);
            if ka < params.min_ubiquity || kb < params.min_ubiquity {
                continue;
            }
            let phi = profile.proximity[[a, b]];
            let both = (phi * ka.max(kb) as f64).round() as usize;
            out.row([
                sectors.get(sa).id.clone(),
                sectors.get(sb).id.clone(),
                format!("{phi:.4}"),
                profile.provenance.to_string(),
                format!(
                    "proximity: specialised together (LQ >= 1) in {both} of {} regions; {ka} and {kb} alone",
                    profile.n_peers
                ),
                both.to_string(),
                ka.to_string(),
                kb.to_string(),
            ]);
        }
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Cell, RegionData};

    fn sectors() -> SectorTable {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sectors.csv");
        std::fs::write(
            &path,
            "id,name,parent,aliases,isic4,naics2012,uscmp_cluster,jsic\n\
             metal,Metal,,,25,332,,24\n\
             dies,Dies,metal,,2593,333511,,2691\n\
             casting,Casting,metal,,243,3315,,225\n",
        )
        .unwrap();
        SectorTable::load(&path).unwrap()
    }

    fn region(key: &str, total: f64, cells: &[(&str, f64)]) -> RegionData {
        let mut r = RegionData::new(key, Some(RegionId::from_index(0)), true);
        r.total = Estimate::exact(total);
        for (code, v) in cells {
            r.cells.insert(
                code.to_string(),
                Cell {
                    employment: Estimate::exact(*v),
                    establishments: Some(10.0),
                },
            );
        }
        r
    }

    fn dataset(regions: Vec<RegionData>) -> Dataset {
        Dataset {
            name: "test".into(),
            year: 2020,
            classification: Classification::Jsic,
            regions,
            reference: None,
            missing_is_zero: true,
            sections_only: false,
            skipped: SkipReport::default(),
            notes: vec![],
        }
    }

    #[test]
    fn sectors_too_fine_for_the_data_are_not_covered() {
        let data = dataset(vec![
            region("a", 1000.0, &[("225", 100.0), ("241", 50.0)]),
            region("b", 1000.0, &[("225", 10.0), ("242", 50.0)]),
        ]);
        let profile = compute(
            &data,
            &sectors(),
            &crate::codes::CodeLists::default(),
            ProfileParams::default(),
        );
        let covered: Vec<usize> = profile.covered.iter().map(|(s, _)| s.index()).collect();
        assert_eq!(covered, vec![0, 2]);
        assert_eq!(profile.unresolved.len(), 1);
        assert!(
            profile.unresolved[0]
                .1
                .contains("JSIC 2691 is not in the data")
        );
    }

    #[test]
    fn lq_reference_is_the_sum_of_peers_and_strength_follows_the_rule() {
        let data = dataset(vec![
            region("a", 1000.0, &[("225", 100.0)]),
            region("b", 3000.0, &[("225", 100.0)]),
        ]);
        let params = ProfileParams {
            pseudo_employees: 0.0,
            min_ubiquity: 1,
        };
        let profile = compute(
            &data,
            &sectors(),
            &crate::codes::CodeLists::default(),
            params,
        );
        let casting: Vec<&SectorRow> = profile
            .rows
            .iter()
            .filter(|r| r.sector == SectorId::from_index(2))
            .collect();
        // Region a: 10% of its jobs against 200/4000 = 5% overall: LQ 2, strength 0.5.
        assert!((casting[0].lq - 2.0).abs() < 1e-12);
        assert!((casting[0].strength - 0.5).abs() < 1e-12);
        assert!((casting[1].lq - 2.0 / 3.0).abs() < 1e-12);
        // Metal (prefix 24) is in neither region: not covered, no rows, nothing skipped.
        assert!(profile.rows.iter().all(|r| r.sector.index() != 0));
        assert_eq!(profile.covered.len(), 1);
        assert!(profile.skipped.is_empty());
    }

    #[test]
    fn withheld_counts_give_bounds() {
        let mut a = region("a", 1000.0, &[]);
        a.cells.insert(
            "225".into(),
            Cell {
                employment: Estimate::range(20.0, 99.0),
                establishments: Some(3.0),
            },
        );
        let data = dataset(vec![a, region("b", 1000.0, &[("225", 100.0)])]);
        let profile = compute(
            &data,
            &sectors(),
            &crate::codes::CodeLists::default(),
            ProfileParams::default(),
        );
        let row = &profile.rows[0];
        assert!(row.lq_low < row.lq && row.lq < row.lq_high);
        assert!(row.strength_low <= row.strength && row.strength <= row.strength_high);
    }

    #[test]
    fn a_sum_of_peers_reads_its_parts_weighted_by_employment() {
        let mut sum = region("a", 3000.0, &[("225", 400.0)]);
        sum.peer = false;
        sum.parts = vec!["a1".into(), "a2".into()];
        let data = dataset(vec![
            region("a1", 1000.0, &[("225", 300.0)]),
            region("a2", 2000.0, &[("225", 100.0)]),
            region("b", 1000.0, &[("225", 50.0)]),
            region("c", 1000.0, &[("225", 10.0)]),
            sum,
        ]);
        let profile = compute(
            &data,
            &sectors(),
            &crate::codes::CodeLists::default(),
            ProfileParams::default(),
        );
        let row = |r: usize| profile.rows.iter().find(|row| row.region == r).unwrap();
        let expected = (300.0 * row(0).strength + 100.0 * row(1).strength) / 400.0;
        assert!((row(4).strength - expected).abs() < 1e-12);
        assert!(row(4).from_parts && !row(0).from_parts);
        // The parts differ, so the sum is strictly between them.
        assert!(row(1).strength < row(4).strength && row(4).strength < row(0).strength);
    }

    #[test]
    fn a_region_neither_specialised_nor_large_keeps_its_raw_strength() {
        // Most regions have next to nothing; c is above them but under the average.
        let mut regions = vec![region("big", 10_000.0, &[("225", 5_000.0)])];
        for k in 0..6 {
            regions.push(region(&format!("r{k}"), 1000.0, &[("225", 1.0)]));
        }
        regions.push(region("c", 1000.0, &[("225", 60.0)]));
        let profile = compute(
            &dataset(regions),
            &sectors(),
            &crate::codes::CodeLists::default(),
            ProfileParams::default(),
        );
        let c = profile.rows.iter().find(|row| row.region == 7).unwrap();
        assert!(c.raw_strength < lq::STRENGTH_AT_LQ_ONE);
        assert!(lq::ladder(c.position) > c.raw_strength);
        assert_eq!(c.strength, c.raw_strength);
        assert_eq!(c.limit, lq::Limit::Raw);
    }

    #[test]
    fn the_cluster_rungs_need_critical_mass() {
        // Ten regions of 100,000 jobs with 5 % in casting (an equal share of 5,545 jobs, so
        // the critical mass is 1,000 employees); "hub" has 20 %, "small" 20 % of 2,000 jobs.
        let mut regions: Vec<RegionData> = (0..10)
            .map(|k| region(&format!("r{k}"), 100_000.0, &[("225", 5_000.0)]))
            .collect();
        regions.push(region("hub", 100_000.0, &[("225", 20_000.0)]));
        regions.push(region("small", 2_000.0, &[("225", 400.0)]));
        let profile = compute(
            &dataset(regions),
            &sectors(),
            &crate::codes::CodeLists::default(),
            ProfileParams::default(),
        );
        let row = |r: usize| profile.rows.iter().find(|row| row.region == r).unwrap();
        let (hub, small) = (row(10), row(11));
        assert_eq!(hub.critical_mass, lq::CRITICAL_MASS_EMPLOYEES);
        // Both are above the ten others and specialised; only the hub has the mass.
        assert!(small.position > 0.75 && small.raw_strength > lq::MASS_RUNG);
        assert_eq!(hub.limit, lq::Limit::None);
        assert!(hub.strength > 0.7);
        // 400 of 1,000 employees: more than one halving short, so "notable activity".
        assert_eq!((small.strength, small.limit), (0.3, lq::Limit::Mass));

        // A sector small everywhere: the critical mass is an equal share (40 jobs).
        let mut regions: Vec<RegionData> = (0..10)
            .map(|k| region(&format!("r{k}"), 100_000.0, &[("225", 30.0)]))
            .collect();
        regions.push(region("lead", 100_000.0, &[("225", 140.0)]));
        let profile = compute(
            &dataset(regions),
            &sectors(),
            &crate::codes::CodeLists::default(),
            ProfileParams::default(),
        );
        let lead = profile.rows.iter().find(|row| row.region == 10).unwrap();
        assert!((lead.critical_mass - 440.0 / 11.0).abs() < 1e-9);
        assert_eq!(lead.limit, lq::Limit::None);
        assert_eq!(lead.strength, lq::ladder(lead.position));
        assert!(lead.strength > 0.7);
    }
}
