//! The two import commands as library calls: [`rebuild`] runs every adapter on the raw
//! files and writes all derived files of `data/derived/`; [`import_long`] imports one long
//! file. Both return a coverage report (rendered by [`RebuildReport::render`]); neither
//! prints. Outputs are byte-identical on rerun: ordered maps, sorted rows, fixed number
//! formats, and no timestamps.
//!
//! Raw layout (as in `../shared/data/raw/`): `us_cbp/cbp_state_2011.csv`,
//! `japan_pref_industry/{ExplanatoryVariablesBase,AreaID}.csv`,
//! `eurostat/lfst_r_lfe2en2_Y_GE15.tsv`, `us_cluster_mapping/{naics2012_to_uscmp_cluster.csv,
//! relatedClusters.json}`, `geonames/{cities15000.txt,regionInfo.tsv,admin1CodesASCII.txt,
//! countryInfo.txt}`, `sister_cities/{names,relations}.tsv`.

use super::codes::{CodeLists, NaceLists, NaicsConcordance, RegionCodes};
use super::codes::{NutsRegion, load_nuts2_regions};
use super::geonames::{self, Gazetteer, GeoReport};
use super::profile::{self, Profile, ProfileParams};
use super::twins::{self, TwinReport};
use super::{Dataset, SkipReport, bres, cbp, eurostat, japan, lq, sbs, uscmp};
use std::collections::BTreeMap;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use tieup_core::catalog::{Catalog, DERIVED_DIR, RegionId, SectorId};
use tieup_core::error::{Error, Result};

/// Where the curated code lists live inside a catalog directory.
pub const CODES_DIR: &str = "codes";

/// What one output file did.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputFile {
    /// Path written (or checked).
    pub path: PathBuf,
    /// Size in bytes.
    pub bytes: usize,
    /// True when the new content differs from the file on disk (or it did not exist).
    pub changed: bool,
}

/// Coverage of one statistics source.
#[derive(Debug, Clone, PartialEq)]
pub struct DatasetCoverage {
    /// `statistics:<dataset>:<year>`.
    pub provenance: String,
    /// Classification of the source.
    pub classification: String,
    /// Regions in the source (excluding the reference row).
    pub source_regions: usize,
    /// Of them, catalog regions.
    pub mapped_regions: usize,
    /// Catalog regions that received at least one strength.
    pub regions_with_values: usize,
    /// Strength values written.
    pub values: usize,
    /// Values flagged strong clusters.
    pub strong: usize,
    /// Values with withheld (bounded) employment.
    pub bounded: usize,
    /// Sector ids measured.
    pub covered: Vec<String>,
    /// Sector ids not measured, with the reason.
    pub unresolved: Vec<(String, String)>,
    /// What the adapter and the profile skipped.
    pub skipped: SkipReport,
    /// Caveats of the source.
    pub notes: Vec<String>,
}

impl DatasetCoverage {
    fn new(dataset: &Dataset, profile: &Profile, catalog: &Catalog) -> Self {
        let rows: Vec<_> = profile
            .rows
            .iter()
            .filter(|r| r.catalog.is_some())
            .collect();
        let mut skipped = dataset.skipped.clone();
        for (reason, (count, examples)) in &profile.skipped.reasons {
            let entry = skipped.reasons.entry(reason.clone()).or_default();
            entry.0 += count;
            entry
                .1
                .extend(examples.iter().take(3 - entry.1.len().min(3)).cloned());
        }
        DatasetCoverage {
            provenance: profile.provenance.to_string(),
            classification: dataset.classification.name().to_string(),
            source_regions: dataset.regions.len(),
            mapped_regions: dataset
                .regions
                .iter()
                .filter(|r| r.catalog.is_some())
                .count(),
            regions_with_values: profile.catalog_regions().len(),
            values: rows.len(),
            strong: rows
                .iter()
                .filter(|r| r.strong_cluster == Some(true))
                .count(),
            bounded: rows.iter().filter(|r| !r.employment.is_exact()).count(),
            covered: profile
                .covered
                .iter()
                .map(|(s, _)| catalog.sectors().get(*s).id.clone())
                .collect(),
            unresolved: profile
                .unresolved
                .iter()
                .map(|(s, why)| (catalog.sectors().get(*s).id.clone(), why.clone()))
                .collect(),
            skipped,
            notes: dataset.notes.clone(),
        }
    }

    fn render(&self, out: &mut String) {
        let _ = writeln!(
            out,
            "{} ({}): {} source regions, {} in the catalog; {} catalog regions get {} strength values ({} strong clusters, {} from withheld counts)",
            self.provenance,
            self.classification,
            self.source_regions,
            self.mapped_regions,
            self.regions_with_values,
            self.values,
            self.strong,
            self.bounded
        );
        let _ = writeln!(
            out,
            "  sectors measured ({}): {}",
            self.covered.len(),
            if self.covered.is_empty() {
                "none".to_string()
            } else {
                self.covered.join(", ")
            }
        );
        if !self.unresolved.is_empty() {
            let _ = writeln!(out, "  sectors not measured ({}):", self.unresolved.len());
            // One line per reason, in order of first appearance.
            let mut grouped: Vec<(&str, Vec<&str>)> = Vec::new();
            for (id, why) in &self.unresolved {
                match grouped.iter_mut().find(|(w, _)| w == why) {
                    Some((_, ids)) => ids.push(id),
                    None => grouped.push((why, vec![id])),
                }
            }
            for (why, ids) in grouped {
                let _ = writeln!(out, "    {}: {why}", ids.join(", "));
            }
        }
        for note in &self.notes {
            let _ = writeln!(out, "  note: {note}");
        }
        render_skips(&self.skipped, out);
    }
}

fn render_skips(skipped: &SkipReport, out: &mut String) {
    for (reason, (count, examples)) in &skipped.reasons {
        let _ = writeln!(
            out,
            "  skipped {count}: {reason} (e.g. {})",
            examples.join("; ")
        );
    }
}

/// Coverage of the statistics-based relatedness.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RelatednessCoverage {
    /// Provenance of the pairs.
    pub provenance: String,
    /// Pairs written.
    pub pairs: usize,
    /// Finer sectors measured.
    pub sectors: usize,
    /// Of them, specialised in enough regions to get pairs.
    pub supported: usize,
    /// Peer regions the proximity is taken over.
    pub regions: usize,
    /// Mean proximity of the pairs written.
    pub mean: f64,
    /// Spearman correlation with the DPS cluster relatedness percentile (pairs of sectors
    /// in different clusters) and the number of pairs.
    pub versus_clusters: Option<(f64, usize)>,
    /// Spearman correlation with the proximity computed from the Japanese census.
    pub versus_japan: Option<(f64, usize)>,
}

/// Coverage of the US Cluster Mapping step.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClusterCoverage {
    /// Traded clusters in the crosswalk.
    pub clusters: usize,
    /// Traded NAICS codes in the crosswalk.
    pub codes: usize,
    /// Of them, found in CBP.
    pub codes_in_cbp: usize,
    /// Emsi-specific codes dropped.
    pub emsi_dropped: usize,
    /// State × cluster rows written.
    pub rows: usize,
    /// Of them, strong clusters.
    pub strong: usize,
    /// `uscmp_cluster` names in sectors.csv that are not 2014 traded clusters.
    pub unknown_sector_clusters: Vec<String>,
}

/// The whole coverage summary of a rebuild.
#[derive(Debug, Clone, PartialEq)]
pub struct RebuildReport {
    /// One entry per statistics source.
    pub datasets: Vec<DatasetCoverage>,
    /// Relatedness.
    pub relatedness: RelatednessCoverage,
    /// US Cluster Mapping.
    pub clusters: ClusterCoverage,
    /// GeoNames.
    pub geo: GeoReport,
    /// Twin cities.
    pub twins: TwinReport,
    /// The further twin-city sources (Wikipedia, Wikidata EU-Japan).
    pub twin_sources: Vec<crate::twin_sources::SourceReport>,
    /// Merged ties: (region pairs, links, links carried by more than one source).
    pub twin_merged: (usize, usize, usize),
    /// Air access (2014 network).
    pub air: crate::air::AirReport,
    /// Japanese residents: catalog countries with a count, and those without.
    pub residents: (usize, Vec<String>),
    /// Overseas regions with statistics-based strengths, per country:
    /// (country, regions, with statistics, why the rest have none).
    pub countries: Vec<(String, usize, usize, String)>,
    /// The calibration per source and sector ([`lq::on_scale`]), one line each.
    pub calibration: Vec<String>,
    /// Files written or checked, in write order.
    pub files: Vec<OutputFile>,
}

impl RebuildReport {
    /// The coverage summary as text (no file status, so it is the same on every run).
    pub fn render(&self) -> String {
        let mut out = String::from("Coverage of the derived catalog files\n\n");
        self.render_strengths(&mut out);
        self.render_relatedness(&mut out);
        self.render_geo(&mut out);
        self.render_twins(&mut out);
        self.render_air(&mut out);
        out
    }

    /// Sector strengths: the sources, the coverage per country and the calibration.
    fn render_strengths(&self, out: &mut String) {
        out.push_str(
            "Sector strengths (strength = 0.3 + 0.2 log2 max(LQ', sqrt(LQ' S')), LQ' = (x + 100)/(E + 100), S' = (x + 100)/(X/n + 100), n peer regions):\n",
        );
        for d in &self.datasets {
            d.render(out);
        }
        let (all, with): (usize, usize) = self
            .countries
            .iter()
            .fold((0, 0), |(a, w), c| (a + c.1, w + c.2));
        let _ = writeln!(
            out,
            "\nOverseas regions with statistics-based strengths: {with} of {all} ({:.0} %)",
            100.0 * with as f64 / all.max(1) as f64
        );
        for (country, n, k, why) in &self.countries {
            let _ = writeln!(
                out,
                "  {country}: {k} of {n}{}",
                if why.is_empty() {
                    String::new()
                } else {
                    format!(" ({why})")
                }
            );
        }
        let _ = writeln!(
            out,
            "\nCalibration (one scale, the same ladder for every sector and source): a region above a fraction p of its source's peer regions in a sector reads 0.1 at p = 50 %, 0.3 at 62.5 %, 0.5 at 75 %, 0.7 at 90 %, 0.9 at 97 %, 1.0 at 100 % (linear between); never above its raw strength when that is under 0.3 (neither specialised nor large); from {} up (a cluster of national importance) only with critical mass: at least {} employees in the sector, or an equal share of the sector's employment in the comparison area where that is smaller, one rung (0.2) less per halving below it and never under 0.3; a sum of NUTS-2 regions reads its parts' values weighted by their employment in the sector. Per source, its values against the curated values they replace; per sector, the raw strength each rung needs among the peers:",
            lq::MASS_RUNG,
            crate::thousands(lq::CRITICAL_MASS_EMPLOYEES)
        );
        for line in &self.calibration {
            let _ = writeln!(out, "  {line}");
        }
    }

    /// Relatedness and US Cluster Mapping.
    fn render_relatedness(&self, out: &mut String) {
        let r = &self.relatedness;
        let _ = writeln!(
            out,
            "\nRelatedness ({}): {} sector pairs from co-location over {} regions; {} of {} finer sectors specialised in enough regions; mean proximity {:.3}",
            r.provenance, r.pairs, r.regions, r.supported, r.sectors, r.mean
        );
        if let Some((rho, n)) = r.versus_clusters {
            let _ = writeln!(
                out,
                "  Spearman {rho:.2} with US Cluster Mapping cluster relatedness over {n} pairs in different clusters"
            );
        }
        if let Some((rho, n)) = r.versus_japan {
            let _ = writeln!(
                out,
                "  Spearman {rho:.2} with the proximity from Japan's census over {n} pairs"
            );
        }
        let c = &self.clusters;
        let _ = writeln!(
            out,
            "\nUS Cluster Mapping: {} traded clusters, {} of {} traded NAICS codes found in CBP ({} Emsi codes dropped); {} state x cluster rows, {} strong clusters",
            c.clusters, c.codes_in_cbp, c.codes, c.emsi_dropped, c.rows, c.strong
        );
        if !c.unknown_sector_clusters.is_empty() {
            let _ = writeln!(
                out,
                "  sectors.csv names clusters that are not 2014 traded clusters: {}",
                c.unknown_sector_clusters.join("; ")
            );
        }
    }

    /// GeoNames geography.
    fn render_geo(&self, out: &mut String) {
        let g = &self.geo;
        let _ = writeln!(
            out,
            "\nGeoNames: {} administrative regions, {} matched to a unit, {} given a population-weighted centroid (median move {:.0} km, largest {:.0} km); {} unmatched keep their seat",
            g.administrative, g.matched, g.centroids, g.moved_km.0, g.moved_km.1, g.n_unmatched
        );
        for line in g.unmatched.iter() {
            let _ = writeln!(out, "  unmatched: {line}");
        }
        if !g.too_few_cities.is_empty() {
            let _ = writeln!(
                out,
                "  fewer than {} cities, seat kept: {}",
                geonames::MIN_CITIES,
                g.too_few_cities.join(", ")
            );
        }
        let _ = writeln!(
            out,
            "  time zones (checked, offsets not changed): {} regions' population-majority zone differs from the seat's",
            g.zone_differs.len()
        );
        for line in &g.zone_differs {
            let _ = writeln!(out, "    {line}");
        }
        for line in &g.offset_conflicts {
            let _ = writeln!(out, "    offsets disagree within {line}");
        }
        let _ = writeln!(
            out,
            "  languages (checked, not changed): {} of {} overseas regions' main language is not in countryInfo",
            g.language_not_listed.len(),
            g.languages_checked
        );
        for line in &g.language_not_listed {
            let _ = writeln!(out, "    {line}");
        }
    }

    /// Twin cities.
    fn render_twins(&self, out: &mut String) {
        let t = &self.twins;
        let _ = writeln!(
            out,
            "\nTwin cities ({}): {} places: {} matched to a GeoNames place, {} to a catalog region by an administrative label, {} administrative labels outside the catalog, {} ambiguous, {} not found (mostly towns under 15,000); {} places in catalog regions, {} in Japan",
            twins::SOURCE,
            t.places,
            t.matched_city,
            t.matched_admin,
            t.admin_outside_catalog,
            t.ambiguous,
            t.not_found,
            t.in_catalog,
            t.japanese
        );
        let _ = writeln!(
            out,
            "  {} relations; {} with a Japanese place ({} Japan-Japan, {} with the other place outside every catalog region); match rate {:.1}%: {} of {} Japan-abroad relations in scope reach an overseas catalog region ({} places curated); {} region pairs, {} Japanese and {} overseas regions; the misses in twin_unmatched.csv",
            t.relations,
            t.with_japan,
            t.japan_japan,
            t.outside,
            100.0 * t.match_rate(),
            t.japan_matched,
            t.in_scope(),
            t.curated,
            t.pairs,
            t.japan_regions,
            t.overseas_regions
        );
        for r in &self.twin_sources {
            let _ = writeln!(
                out,
                "Twin cities ({}): {} Japan-abroad pairs, {} in scope (overseas country in the catalog, neither place found outside every catalog region); match rate {:.1}%: {} of them reach a Japanese and an overseas catalog region ({} places placed in their admin-1 region by coordinates, the name being absent from GeoNames or ambiguous; {} curated); the misses in twin_unmatched.csv",
                r.source,
                r.pairs,
                r.in_scope,
                100.0 * r.match_rate(),
                r.matched,
                r.by_coordinates,
                r.curated
            );
        }
        let (pairs, links, shared) = self.twin_merged;
        let _ = writeln!(
            out,
            "Twin cities merged: {links} distinct links ({shared} carried by more than one source) in {pairs} region pairs"
        );
    }

    /// Air access and Japanese residents.
    fn render_air(&self, out: &mut String) {
        let a = &self.air;
        let _ = writeln!(
            out,
            "\nAir access ({}, the 2014 network): {} airports with non-stop routes; Japanese × overseas region pairs: {} direct, {} with one connection, {} estimated with two; {} Japanese regions have a direct route to at least one candidate",
            crate::air::SOURCE,
            a.airports,
            a.pairs[0],
            a.pairs[1],
            a.pairs[2],
            a.japan_direct
        );
        let _ = writeln!(
            out,
            "Japanese residents ({}): {} catalog countries counted; not in the survey: {}",
            crate::mofa::SOURCE,
            self.residents.0,
            if self.residents.1.is_empty() {
                "none".to_string()
            } else {
                self.residents.1.join(", ")
            }
        );
    }
}

/// Parameters of a rebuild.
#[derive(Debug, Clone, PartialEq)]
pub struct RebuildParams {
    /// The raw directory (`../shared/data/raw`).
    pub raw_dir: PathBuf,
    /// The catalog directory (`data`); outputs go to its `derived/`.
    pub data_dir: PathBuf,
    /// Compare instead of writing.
    pub check: bool,
    /// Profile parameters.
    pub profile: ProfileParams,
}

struct Writer {
    dir: PathBuf,
    check: bool,
    files: Vec<OutputFile>,
}

impl Writer {
    fn write(&mut self, name: &str, text: &str) -> Result<()> {
        let path = self.dir.join(name);
        let changed = std::fs::read(&path).map_or(true, |old| old != text.as_bytes());
        if !self.check && changed {
            tieup_core::fsutil::write_atomic(&path, text.as_bytes())?;
        }
        self.files.push(OutputFile {
            path,
            bytes: text.len(),
            changed,
        });
        Ok(())
    }
}

pub(crate) fn raw(dir: &Path, relative: &str) -> Result<PathBuf> {
    let path = dir.join(relative);
    if path.is_file() {
        Ok(path)
    } else {
        Err(Error::io(
            &path,
            std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "raw file not found (give --raw DIR with the layout of ../shared/data/raw)",
            ),
        ))
    }
}

fn codes(data_dir: &Path, catalog: &Catalog) -> Result<(RegionCodes, CodeLists)> {
    let dir = data_dir.join(CODES_DIR);
    Ok((
        RegionCodes::load(&dir.join("region_codes.csv"), catalog)?,
        CodeLists {
            naics: NaicsConcordance::load(&dir.join("naics2012_to_naics2007.csv"))?,
            nace: NaceLists::load(&dir.join("sector_nace.csv"))?,
        },
    ))
}

fn strengths_file(profile: &Profile) -> String {
    match &profile.provenance {
        tieup_core::provenance::Provenance::Statistic { dataset, year } => {
            format!("strengths_{dataset}_{year}.csv")
        }
        tieup_core::provenance::Provenance::Curated => "strengths_curated.csv".into(),
    }
}

/// The calibration of one source for the coverage report (the values themselves are put
/// on the one scale by [`profile::compute`] with [`lq::on_scale`]): one line for the
/// source comparing its values with the curated values they replace, then one line per
/// measured sector giving the raw strength each rung needs among the peers, the sector's
/// critical mass and how many catalog values were held at the raw strength, held below
/// critical mass or read from their parts. `written` is `computed` after [`combine_partial`].
fn calibrate(computed: &Profile, written: &Profile, catalog: &Catalog) -> Vec<String> {
    let replaced: Vec<(f64, f64)> = written
        .rows
        .iter()
        .filter_map(|row| {
            let (curated, _) = catalog.strength_source(row.catalog?, row.sector)?;
            Some((row.strength, curated))
        })
        .collect();
    let n = replaced.len().max(1) as f64;
    let mut lines = vec![format!(
        "{}: {} values replace a curated value; mean statistic {:.2}, mean curated {:.2}",
        computed.provenance,
        replaced.len(),
        replaced.iter().map(|p| p.0).sum::<f64>() / n,
        replaced.iter().map(|p| p.1).sum::<f64>() / n
    )];
    for (sector, _) in &computed.covered {
        let rows: Vec<&profile::SectorRow> = computed
            .rows
            .iter()
            .filter(|row| row.sector == *sector)
            .collect();
        let peer_raw: Vec<f64> = rows
            .iter()
            .filter(|row| row.peer)
            .map(|row| row.raw_strength)
            .collect();
        let rungs: Vec<String> = lq::LADDER[2..6]
            .iter()
            .filter_map(|&(p, v)| Some(format!("{v:.1} from {:.2}", lq::percentile(&peer_raw, p)?)))
            .collect();
        let mass = rows
            .iter()
            .find(|row| row.peer)
            .map_or(lq::CRITICAL_MASS_EMPLOYEES, |row| row.critical_mass);
        let in_catalog = |f: &dyn Fn(&profile::SectorRow) -> bool| {
            rows.iter().filter(|r| r.catalog.is_some() && f(r)).count()
        };
        lines.push(format!(
            "  {}: raw {}; critical mass {} employees; {} held at raw, {} held below critical mass, {} sums read from their parts",
            catalog.sectors().get(*sector).id,
            rungs.join(", "),
            crate::thousands(mass.round()),
            in_catalog(&|r| r.limit == lq::Limit::Raw),
            in_catalog(&|r| r.limit == lq::Limit::Mass),
            in_catalog(&|r| r.from_parts)
        ));
    }
    lines
}

/// Combines a statistic that measures only part of its sector (`measures` = `part` in
/// `sector_nace.csv`) with curated evidence: where the curated value is higher, the
/// statistic is not written and the curated value stays (counted in the coverage).
fn combine_partial(profile: &Profile, catalog: &Catalog, lists: &CodeLists) -> Profile {
    let mut out = profile.clone();
    out.rows.retain(|row| {
        let Some(region) = row.catalog else {
            return true;
        };
        let sector = catalog.sectors().get(row.sector);
        if !lists.nace.is_partial(&sector.id) {
            return true;
        }
        let curated = catalog.strength_source(region, row.sector).map(|(v, _)| v);
        let keep = curated.is_none_or(|c| row.strength >= c);
        if !keep {
            out.skipped.add(
                "statistic measures only part of the sector and the curated value is higher: curated kept",
                format!("{} {}", catalog.region(region).id, sector.id),
            );
        }
        keep
    });
    out
}

/// Proximity pairs (value by sector ids) of a profile with enough support.
fn proximity_pairs(profile: &Profile, min: usize) -> BTreeMap<(SectorId, SectorId), f64> {
    let mut out = BTreeMap::new();
    for (a, &sa) in profile.leaves.iter().enumerate() {
        for (b, &sb) in profile.leaves.iter().enumerate().skip(a + 1) {
            if profile.ubiquity[a] >= min && profile.ubiquity[b] >= min {
                out.insert((sa, sb), profile.proximity[[a, b]]);
            }
        }
    }
    out
}

/// Overseas regions with statistics-based strengths per country, with the reason where a
/// country has none or only some.
fn country_coverage(
    catalog: &Catalog,
    measured: &BTreeSet<RegionId>,
    nuts: &[NutsRegion],
) -> Vec<(String, usize, usize, String)> {
    let mut by_country: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    for (position, region) in catalog.regions() {
        if region.country == "JP" {
            continue;
        }
        let entry = by_country.entry(region.country.clone()).or_default();
        entry.0 += 1;
        entry.1 += usize::from(measured.contains(&position));
        entry.2 += usize::from(nuts.iter().any(|n| n.position == position));
    }
    by_country
        .into_iter()
        .map(|(country, (n, k, mapped))| {
            let why = match (country.as_str(), k == n) {
                (_, true) => String::new(),
                ("CH" | "IS", _) => {
                    "not in Eurostat SBS (no Switzerland or Iceland); curated only".into()
                }
                ("US", _) => "metros are not CBP states; curated only".into(),
                (_, false) if mapped > 0 => {
                    format!("{mapped} mapped to NUTS-2; the rest curated only")
                }
                _ => "no official regional statistics by industry in the raw files; curated only"
                    .into(),
            };
            (country, n, k, why)
        })
        .collect()
}

/// What every step of a rebuild reads: the curated catalog, its code lists and the raw files.
struct Inputs<'a> {
    catalog: &'a Catalog,
    region_codes: &'a RegionCodes,
    concordance: &'a CodeLists,
    profile_params: ProfileParams,
    raw_dir: &'a Path,
    data_dir: &'a Path,
}

/// The strengths steps' results: one coverage per source and its calibration lines.
#[derive(Default)]
struct Strengths {
    datasets: Vec<DatasetCoverage>,
    calibration: Vec<String>,
}

/// Rebuilds every derived file from the raw files (see the module docs for the layout).
pub fn rebuild(params: &RebuildParams) -> Result<RebuildReport> {
    let profile_params = params.profile.check()?;
    let catalog = Catalog::load_curated(&params.data_dir)?;
    let (region_codes, concordance) = codes(&params.data_dir, &catalog)?;
    let out_dir = params.data_dir.join(DERIVED_DIR);
    if !params.check {
        std::fs::create_dir_all(&out_dir).map_err(|e| Error::io(&out_dir, e))?;
    }
    let mut writer = Writer {
        dir: out_dir,
        check: params.check,
        files: Vec::new(),
    };
    let inputs = Inputs {
        catalog: &catalog,
        region_codes: &region_codes,
        concordance: &concordance,
        profile_params,
        raw_dir: &params.raw_dir,
        data_dir: &params.data_dir,
    };
    let mut strengths = Strengths::default();
    let us = us_statistics(&inputs, &mut writer, &mut strengths)?;
    let japan_pairs = japan_statistics(&inputs, &mut writer, &mut strengths)?;
    eurostat_sections(&inputs, &mut writer, &mut strengths)?;
    let (europe, nuts_regions) = european_statistics(&inputs, &mut writer, &mut strengths)?;
    let measured: BTreeSet<RegionId> = std::iter::once(&us.written)
        .chain(&europe)
        .flat_map(|p| p.catalog_regions())
        .collect();
    let countries = country_coverage(&catalog, &measured, &nuts_regions);
    let mut relatedness = us.relatedness;
    let versus_japan: Vec<(f64, f64)> = us
        .pairs
        .iter()
        .filter_map(|(pair, &phi)| japan_pairs.get(pair).map(|&j| (phi, j)))
        .collect();
    relatedness.versus_japan = uscmp::spearman(&versus_japan).map(|r| (r, versus_japan.len()));
    let ties = geography_and_twins(&inputs, &mut writer)?;
    let (air, residents) = air_and_residents(&inputs, &mut writer)?;
    let mut report = RebuildReport {
        datasets: strengths.datasets,
        relatedness,
        clusters: us.clusters,
        geo: ties.geo,
        twins: ties.twins,
        twin_sources: ties.sources,
        twin_merged: ties.merged,
        air,
        residents,
        countries,
        calibration: strengths.calibration,
        files: Vec::new(),
    };
    writer.write("coverage.txt", &report.render())?;
    report.files = writer.files;
    Ok(report)
}

/// What the US step hands on: the written CBP profile, the relatedness coverage (without
/// the comparison with Japan), its proximity pairs and the cluster coverage.
struct UsStatistics {
    written: Profile,
    relatedness: RelatednessCoverage,
    pairs: BTreeMap<(SectorId, SectorId), f64>,
    clusters: ClusterCoverage,
}

/// US: CBP strengths, US Cluster Mapping clusters and the sector relatedness.
fn us_statistics(
    inputs: &Inputs<'_>,
    writer: &mut Writer,
    strengths: &mut Strengths,
) -> Result<UsStatistics> {
    let (catalog, raw_dir, profile_params) =
        (inputs.catalog, inputs.raw_dir, inputs.profile_params);
    let cbp_data = cbp::read(
        &raw(raw_dir, "us_cbp/cbp_state_2011.csv")?,
        inputs.region_codes,
    )?;
    let cbp_profile = profile::compute(
        &cbp_data,
        catalog.sectors(),
        inputs.concordance,
        profile_params,
    );
    let cbp_written = combine_partial(&cbp_profile, catalog, inputs.concordance);
    strengths
        .calibration
        .extend(calibrate(&cbp_profile, &cbp_written, catalog));
    let crosswalk = uscmp::read_crosswalk(&raw(
        raw_dir,
        "us_cluster_mapping/naics2012_to_uscmp_cluster.csv",
    )?)?;
    let cluster_relatedness =
        uscmp::read_relatedness(&raw(raw_dir, "us_cluster_mapping/relatedClusters.json")?)?;
    let (cluster_rows, codes_in_cbp) = uscmp::cluster_rows(&cbp_data, &crosswalk);
    let strong_clusters: BTreeMap<(usize, &str), bool> = cluster_rows
        .iter()
        .map(|r| ((r.region, r.cluster.as_str()), r.strong))
        .collect();
    let cbp_strengths = profile::strengths_csv(&cbp_written, catalog, &|row| {
        let cluster = catalog.sectors().get(row.sector).uscmp_cluster.as_deref()?;
        strong_clusters
            .get(&(row.region, cluster))
            .filter(|strong| **strong)
            .map(|_| format!("US Cluster Mapping: strong {cluster} cluster"))
    });
    writer.write(&strengths_file(&cbp_profile), &cbp_strengths)?;
    strengths
        .datasets
        .push(DatasetCoverage::new(&cbp_data, &cbp_written, catalog));
    writer.write(
        &format!("us_clusters_{}.csv", cbp_data.year),
        &uscmp::clusters_csv(&cbp_data, &cluster_rows, catalog),
    )?;
    let relatedness_text =
        profile::relatedness_csv(&cbp_profile, catalog.sectors(), profile_params);
    writer.write("sector_relatedness.csv", &relatedness_text)?;
    let pairs = proximity_pairs(&cbp_profile, profile_params.min_ubiquity);
    let clusters = cluster_coverage(catalog, &cbp_data, &crosswalk, &cluster_rows, codes_in_cbp);
    Ok(UsStatistics {
        relatedness: relatedness_coverage(
            catalog,
            &cbp_profile,
            &pairs,
            &cluster_relatedness,
            profile_params.min_ubiquity,
        ),
        written: cbp_written,
        pairs,
        clusters,
    })
}

/// The relatedness coverage of the US proximity pairs, with their agreement with the DPS
/// cluster relatedness (the comparison with Japan is added by the caller).
fn relatedness_coverage(
    catalog: &Catalog,
    cbp_profile: &Profile,
    us_pairs: &BTreeMap<(SectorId, SectorId), f64>,
    cluster_relatedness: &uscmp::ClusterRelatedness,
    min_ubiquity: usize,
) -> RelatednessCoverage {
    let cluster_of = |s: SectorId| catalog.sectors().get(s).uscmp_cluster.clone();
    let versus_clusters: Vec<(f64, f64)> = us_pairs
        .iter()
        .filter_map(|(&(a, b), &phi)| {
            let (ca, cb) = (cluster_of(a)?, cluster_of(b)?);
            (ca != cb)
                .then(|| {
                    cluster_relatedness
                        .percentile
                        .get(&(ca, cb))
                        .map(|p| (phi, *p))
                })
                .flatten()
        })
        .collect();
    RelatednessCoverage {
        provenance: cbp_profile.provenance.to_string(),
        pairs: us_pairs.len(),
        sectors: cbp_profile.leaves.len(),
        supported: cbp_profile
            .ubiquity
            .iter()
            .filter(|&&k| k >= min_ubiquity)
            .count(),
        regions: cbp_profile.n_peers,
        mean: if us_pairs.is_empty() {
            0.0
        } else {
            us_pairs.values().sum::<f64>() / us_pairs.len() as f64
        },
        versus_clusters: uscmp::spearman(&versus_clusters).map(|r| (r, versus_clusters.len())),
        versus_japan: None,
    }
}

/// The coverage of the US Cluster Mapping step.
fn cluster_coverage(
    catalog: &Catalog,
    cbp_data: &Dataset,
    crosswalk: &uscmp::Crosswalk,
    cluster_rows: &[uscmp::ClusterRow],
    codes_in_cbp: usize,
) -> ClusterCoverage {
    let mut unknown_sector_clusters: Vec<String> = catalog
        .sectors()
        .all()
        .iter()
        .filter_map(|s| s.uscmp_cluster.clone())
        .filter(|c| !crosswalk.clusters.contains(c))
        .collect();
    unknown_sector_clusters.sort();
    unknown_sector_clusters.dedup();
    ClusterCoverage {
        clusters: crosswalk.clusters.len(),
        codes: crosswalk.traded.len(),
        codes_in_cbp,
        emsi_dropped: crosswalk.emsi_dropped,
        rows: cluster_rows
            .iter()
            .filter(|r| cbp_data.regions[r.region].catalog.is_some())
            .count(),
        strong: cluster_rows
            .iter()
            .filter(|r| r.strong && cbp_data.regions[r.region].catalog.is_some())
            .count(),
        unknown_sector_clusters,
    }
}

/// Japan: Economic Census strengths; returns its proximity pairs.
fn japan_statistics(
    inputs: &Inputs<'_>,
    writer: &mut Writer,
    strengths: &mut Strengths,
) -> Result<BTreeMap<(SectorId, SectorId), f64>> {
    let (catalog, raw_dir) = (inputs.catalog, inputs.raw_dir);
    let japan_data = japan::read(
        &raw(raw_dir, "japan_pref_industry/ExplanatoryVariablesBase.csv")?,
        &raw(raw_dir, "japan_pref_industry/AreaID.csv")?,
        inputs.region_codes,
    )?;
    let japan_profile = profile::compute(
        &japan_data,
        catalog.sectors(),
        inputs.concordance,
        inputs.profile_params,
    );
    let japan_written = combine_partial(&japan_profile, catalog, inputs.concordance);
    strengths
        .calibration
        .extend(calibrate(&japan_profile, &japan_written, catalog));
    writer.write(
        &strengths_file(&japan_profile),
        &profile::strengths_csv(&japan_written, catalog, &|_| None),
    )?;
    strengths
        .datasets
        .push(DatasetCoverage::new(&japan_data, &japan_written, catalog));
    Ok(proximity_pairs(
        &japan_profile,
        inputs.profile_params.min_ubiquity,
    ))
}

/// Eurostat `lfst_r_lfe2en2` (NACE sections): kept as a reference file.
fn eurostat_sections(
    inputs: &Inputs<'_>,
    writer: &mut Writer,
    strengths: &mut Strengths,
) -> Result<()> {
    let catalog = inputs.catalog;
    let eurostat_data = eurostat::read(
        &raw(inputs.raw_dir, "eurostat/lfst_r_lfe2en2_Y_GE15.tsv")?,
        inputs.region_codes,
    )?;
    let eurostat_profile = profile::compute(
        &eurostat_data,
        catalog.sectors(),
        inputs.concordance,
        inputs.profile_params,
    );
    if eurostat_profile.rows.iter().any(|r| r.catalog.is_some()) {
        writer.write(
            &strengths_file(&eurostat_profile),
            &profile::strengths_csv(&eurostat_profile, catalog, &|_| None),
        )?;
    }
    writer.write(
        &format!("eurostat_sections_{}.csv", eurostat_data.year),
        &eurostat::sections_csv(&eurostat_data, catalog),
    )?;
    strengths.datasets.push(DatasetCoverage::new(
        &eurostat_data,
        &eurostat_profile,
        catalog,
    ));
    Ok(())
}

/// True for a catalog region wholly in Great Britain (measured by BRES, not SBS).
fn great_britain(r: &NutsRegion) -> bool {
    r.nuts2
        .iter()
        .all(|c| c.starts_with("UK") && !c.starts_with("UKN"))
}

/// Eurostat SBS (NUTS-2 by NACE division) and UK BRES (Great Britain by SIC class): the
/// two written profiles and the NUTS mapping of catalog regions.
fn european_statistics(
    inputs: &Inputs<'_>,
    writer: &mut Writer,
    strengths: &mut Strengths,
) -> Result<([Profile; 2], Vec<NutsRegion>)> {
    let catalog = inputs.catalog;
    let nuts_regions = load_nuts2_regions(
        &inputs.data_dir.join(CODES_DIR).join("nuts2_regions.csv"),
        catalog,
    )?;
    let sbs_data = sbs::read(
        &raw(inputs.raw_dir, "eurostat_sbs/sbs_r_nuts06_r2.tsv.gz")?,
        &nuts_regions,
        catalog,
        &|r| {
            if great_britain(r) {
                Err("Great Britain is measured by UK BRES 2018 (4-digit SIC classes)".into())
            } else {
                Ok(())
            }
        },
    )?;
    let sbs_profile = calibrated_strengths(inputs, writer, strengths, &sbs_data)?;
    let uk_regions: Vec<NutsRegion> = nuts_regions
        .iter()
        .filter(|r| r.nuts2[0].starts_with("UK"))
        .cloned()
        .collect();
    let bres_data = bres::read(
        &raw(inputs.raw_dir, "uk_bres/nomis_BRES_2018_TYPE450.csv")?,
        &uk_regions,
        catalog,
        &|r| {
            if great_britain(r) {
                Ok(())
            } else {
                Err("Northern Ireland is not in BRES (Eurostat SBS measures it)".into())
            }
        },
    )?;
    let bres_profile = calibrated_strengths(inputs, writer, strengths, &bres_data)?;
    Ok(([sbs_profile, bres_profile], nuts_regions))
}

/// Computes, calibrates and writes the strengths of one dataset; returns the written
/// profile.
fn calibrated_strengths(
    inputs: &Inputs<'_>,
    writer: &mut Writer,
    strengths: &mut Strengths,
    data: &Dataset,
) -> Result<Profile> {
    let catalog = inputs.catalog;
    let computed = profile::compute(
        data,
        catalog.sectors(),
        inputs.concordance,
        inputs.profile_params,
    );
    let written = combine_partial(&computed, catalog, inputs.concordance);
    strengths
        .calibration
        .extend(calibrate(&computed, &written, catalog));
    writer.write(
        &strengths_file(&written),
        &profile::strengths_csv(&written, catalog, &|_| None),
    )?;
    strengths
        .datasets
        .push(DatasetCoverage::new(data, &written, catalog));
    Ok(written)
}

/// What the geography and twin-city step reports.
struct Ties {
    geo: GeoReport,
    twins: TwinReport,
    sources: Vec<crate::twin_sources::SourceReport>,
    merged: (usize, usize, usize),
}

/// GeoNames geography and the twin cities of the three sources, merged.
fn geography_and_twins(inputs: &Inputs<'_>, writer: &mut Writer) -> Result<Ties> {
    let (catalog, raw_dir) = (inputs.catalog, inputs.raw_dir);
    let geonames_dir = raw_dir.join("geonames");
    for name in [
        "cities15000.txt",
        "regionInfo.tsv",
        "admin1CodesASCII.txt",
        "countryInfo.txt",
    ] {
        raw(&geonames_dir, name)?;
    }
    let gazetteer = Gazetteer::read(&geonames_dir)?;
    let units = geonames::match_units(catalog, &gazetteer, inputs.region_codes);
    let (geography, too_few) = geonames::region_geography(&gazetteer, &units);
    writer.write("region_geo.csv", &geonames::geo_csv(catalog, &geography))?;
    let geo = geonames::report(catalog, &gazetteer, &units, &geography, &too_few);
    let twins = crate::twin_rebuild::build(catalog, &gazetteer, &units, raw_dir, inputs.data_dir)?;
    writer.write("twin_ties.csv", &twins.ties_csv)?;
    writer.write("twin_unmatched.csv", &twins.unmatched_csv)?;
    Ok(Ties {
        geo,
        twins: twins.report,
        sources: twins.sources,
        merged: twins.merged,
    })
}

/// Air access (2014 network) and Japanese residents per country.
fn air_and_residents(
    inputs: &Inputs<'_>,
    writer: &mut Writer,
) -> Result<(crate::air::AirReport, (usize, Vec<String>))> {
    let (catalog, raw_dir) = (inputs.catalog, inputs.raw_dir);
    let network = crate::air::read(
        &raw(raw_dir, "openflights/airports.dat")?,
        &raw(raw_dir, "openflights/routes.dat")?,
    )?;
    let (access, air) = crate::air::build(catalog, &network);
    writer.write(
        "air_access.csv",
        &crate::air::access_csv(catalog, &network, &access),
    )?;
    writer.write("airports.csv", &crate::air::airports_csv(&network, &access))?;
    let (residents, residents_missing) = crate::mofa::read(
        &raw(
            raw_dir,
            "mofa_residents/overseas_japanese_residents_2025-10-01_by_country.csv",
        )?,
        catalog,
    )?;
    writer.write(
        "japanese_residents.csv",
        &crate::mofa::residents_csv(&residents),
    )?;
    Ok((air, (residents.len(), residents_missing)))
}

/// Parameters of a long-file import.
#[derive(Debug, Clone, PartialEq)]
pub struct LongParams {
    /// The long CSV.
    pub file: PathBuf,
    /// Dataset key for the provenance.
    pub dataset: String,
    /// Reference year.
    pub year: u16,
    /// The catalog directory.
    pub data_dir: PathBuf,
    /// Output file (default `DATA/derived/strengths_<dataset>_<year>.csv`).
    pub out: Option<PathBuf>,
    /// Profile parameters.
    pub profile: ProfileParams,
}

/// Where `catalog import` writes by default: `DATA/derived/strengths_<dataset>_<year>.csv`.
pub fn long_output_path(data_dir: &Path, dataset: &str, year: u16) -> PathBuf {
    data_dir
        .join(DERIVED_DIR)
        .join(format!("strengths_{dataset}_{year}.csv"))
}

/// Imports one long file: writes its strengths file and returns its coverage.
pub fn import_long(params: &LongParams) -> Result<(DatasetCoverage, OutputFile)> {
    let profile_params = params.profile.check()?;
    let catalog = Catalog::load_curated(&params.data_dir)?;
    let concordance_path = params
        .data_dir
        .join(CODES_DIR)
        .join("naics2012_to_naics2007.csv");
    // The concordance matters only for naics2007 files; a catalog without it imports the rest.
    let nace_path = params.data_dir.join(CODES_DIR).join("sector_nace.csv");
    let concordance = CodeLists {
        naics: if concordance_path.is_file() {
            NaicsConcordance::load(&concordance_path)?
        } else {
            NaicsConcordance::default()
        },
        nace: if nace_path.is_file() {
            NaceLists::load(&nace_path)?
        } else {
            NaceLists::default()
        },
    };
    let dataset = super::long::read(&params.file, &catalog, &params.dataset, params.year)?;
    let profile = profile::compute(&dataset, catalog.sectors(), &concordance, profile_params);
    let profile = combine_partial(&profile, &catalog, &concordance);
    let path = match &params.out {
        Some(p) => p.clone(),
        None => params
            .data_dir
            .join(DERIVED_DIR)
            .join(strengths_file(&profile)),
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let text = profile::strengths_csv(&profile, &catalog, &|_| None);
    let changed = std::fs::read(&path).map_or(true, |old| old != text.as_bytes());
    if changed {
        tieup_core::fsutil::write_atomic(&path, text.as_bytes())?;
    }
    Ok((
        DatasetCoverage::new(&dataset, &profile, &catalog),
        OutputFile {
            bytes: text.len(),
            path,
            changed,
        },
    ))
}

/// Renders the coverage of one dataset (for `tieup catalog import`).
pub fn render_dataset(coverage: &DatasetCoverage) -> String {
    let mut out = String::new();
    coverage.render(&mut out);
    out
}
