//! The region catalog: Japanese and overseas regions, their sector strengths, partner
//! traits, past partnerships and sector relatedness, loaded and validated from `data/`.
//!
//! Regions of both kinds share one index space (Japanese first, then overseas), so that the
//! strength matrix has one row per region. Missing values have a documented reading
//! (see [`Catalog::strength`]); nothing is silently zero without that rule.
//!
//! Files under `data/derived/` (written by `tieup catalog rebuild` and `tieup catalog import`)
//! are overlays read after the curated files: `strengths_*.csv` (a statistics value replaces
//! the curated one for the same region and sector), `sector_relatedness.csv` (statistics
//! replace curated relatedness pair by pair), `region_geo.csv` (better coordinates for
//! administrative regions) and `twin_ties.csv` (twin-city links). [`Catalog::load_curated`]
//! reads the curated files alone.

use crate::csvin::CsvFile;
use crate::error::{DataError, Error, Result};
use crate::lookup::NameIndex;
use crate::provenance::Provenance;
use crate::sector::{SectorTable, check_id};
use ndarray::{Array2, ArrayView1};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Japanese or overseas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RegionKind {
    /// A Japanese prefecture or sub-prefectural area.
    Japan,
    /// A candidate partner region outside Japan.
    Overseas,
}

/// One region of either kind.
#[derive(Debug, Clone)]
pub struct Region {
    /// Stable id, unique across both kinds.
    pub id: String,
    /// English name.
    pub name: String,
    /// Other names it is looked up by.
    pub aliases: Vec<String>,
    /// Japanese or overseas.
    pub kind: RegionKind,
    /// ISO 3166-1 alpha-2 country code (`JP` for Japanese regions).
    pub country: String,
    /// Position of the enclosing region (a Japanese area's prefecture; an overseas parent).
    pub parent: Option<usize>,
    /// `prefecture` or `area` in Japan; `country`, `state`, `nuts1`, `nuts2`, `metro`, `city` overseas.
    pub level: String,
    /// METI regional bureau of a Japanese region.
    pub bureau: Option<String>,
    /// Latitude of the seat, decimal degrees.
    pub lat: f64,
    /// Longitude of the seat, decimal degrees.
    pub lon: f64,
    /// Standard-time UTC offset in hours.
    pub utc_offset: f64,
    /// ISO 639-1 business languages, main first.
    pub languages: Vec<String>,
    /// Where the coordinates came from.
    pub geo_provenance: String,
}

/// The five partner traits of an overseas region, in schema order.
pub const TRAITS: [&str; 5] = [
    "advanced_technology",
    "design_ability",
    "brand_image",
    "materials",
    "japan_tech_demand",
];

/// What a partnership led to, as reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Results during the project.
    During,
    /// Results after the project.
    After,
    /// No results yet.
    NotYet,
    /// Named a successful case; timing not given.
    ReportedSuccess,
    /// Not reported.
    Unknown,
}

impl Outcome {
    /// Every outcome.
    pub const ALL: [Outcome; 5] = [
        Outcome::During,
        Outcome::After,
        Outcome::NotYet,
        Outcome::ReportedSuccess,
        Outcome::Unknown,
    ];

    /// The id written in `partnerships.csv` (the one definition the catalog reader parses).
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::During => "during",
            Outcome::After => "after",
            Outcome::NotYet => "not_yet",
            Outcome::ReportedSuccess => "reported_success",
            Outcome::Unknown => "unknown",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == text)
    }
}

/// A past partnership between a Japanese region and one or more overseas regions.
#[derive(Debug, Clone)]
pub struct Partnership {
    /// Stable id.
    pub id: String,
    /// Position of the Japanese region.
    pub japan_region: usize,
    /// Positions of the overseas partner regions.
    pub overseas_regions: Vec<usize>,
    /// Position of the sector.
    pub sector: usize,
    /// First fiscal year.
    pub start_fy: u16,
    /// Last fiscal year.
    pub end_fy: u16,
    /// Reported outcome.
    pub outcome: Outcome,
    /// Research trips, missions, invitations (where reported).
    pub activities: [Option<u32>; 3],
    /// Features the Japanese side wanted most (optional `wanted` column).
    pub wanted: Vec<usize>,
}

/// Where one strength or trait value came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValueSource {
    /// Statistic or curated.
    pub provenance: Provenance,
    /// Reason or detail.
    pub note: String,
}

/// Twin-city links between a Japanese and an overseas region (from `derived/twin_ties.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct TwinTie {
    /// Position of the Japanese region.
    pub japan_region: usize,
    /// Position of the overseas region.
    pub overseas_region: usize,
    /// Number of twin-city links between places in them.
    pub links: u32,
    /// Some of the linked places, for explanations.
    pub examples: String,
    /// Where the links come from (`wikidata:p190:2016`).
    pub source: String,
}

/// The directory of derived overlay files inside a catalog directory.
pub const DERIVED_DIR: &str = "derived";

/// Counts of values by origin, for coverage reports.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct CatalogStats {
    /// Survey sectors.
    pub survey_sectors: usize,
    /// Finer sectors.
    pub fine_sectors: usize,
    /// Japanese prefectures.
    pub japan_prefectures: usize,
    /// Japanese sub-prefectural areas.
    pub japan_areas: usize,
    /// Overseas candidate regions.
    pub overseas_regions: usize,
    /// Overseas countries covered.
    pub overseas_countries: usize,
    /// Strength values by provenance (`curated`, `statistics:...`).
    pub strengths: BTreeMap<String, usize>,
    /// Trait values by provenance.
    pub traits: BTreeMap<String, usize>,
    /// Past partnerships.
    pub partnerships: usize,
    /// Regions with at least one statistics-based strength, by provenance.
    pub regions_with_statistics: BTreeMap<String, usize>,
    /// Curated strength rows replaced by a statistics value.
    pub curated_strengths_overridden: usize,
    /// Explicit sector-relatedness pairs by provenance.
    pub relatedness: BTreeMap<String, usize>,
    /// Regions whose coordinates come from a derived centroid.
    pub geo_overrides: usize,
    /// Japanese–overseas region pairs with twin-city links.
    pub twin_ties: usize,
}

/// Everything tieup knows about regions and sectors.
#[derive(Debug, Clone)]
pub struct Catalog {
    /// The sector taxonomy.
    pub sectors: SectorTable,
    /// All regions: Japanese first, then overseas.
    pub regions: Vec<Region>,
    /// Number of Japanese regions (they occupy positions `0..n_japan`).
    pub n_japan: usize,
    /// Past partnerships, in file order.
    pub partnerships: Vec<Partnership>,
    /// Explicit strengths: regions × sectors, NaN where the file has no row.
    explicit: Array2<f64>,
    /// Effective strengths after the missing-value rule: regions × sectors.
    strength: Array2<f64>,
    /// Traits: regions × [`TRAITS`]; zero for Japanese regions.
    traits: Array2<f64>,
    /// Sector relatedness: sectors × sectors, symmetric, diagonal 1.
    relatedness: Array2<f64>,
    strength_sources: BTreeMap<(usize, usize), ValueSource>,
    /// Curated strengths replaced by statistics: (region, sector) → (value, source).
    overridden: BTreeMap<(usize, usize), (f64, ValueSource)>,
    trait_sources: BTreeMap<(usize, usize), ValueSource>,
    /// Provenance of explicit relatedness pairs (both orders).
    relatedness_sources: BTreeMap<(usize, usize), Provenance>,
    /// Twin-city ties, in file order.
    pub twin_ties: Vec<TwinTie>,
    twin_index: BTreeMap<(usize, usize), usize>,
    /// Positions of each region's child regions.
    children: Vec<Vec<usize>>,
    geo_overrides: usize,
    index: NameIndex,
    /// The directory the catalog was loaded from.
    pub dir: PathBuf,
}

/// Columns of `strengths.csv` and of the derived `strengths_*.csv` files.
const STRENGTH_COLUMNS: [&str; 5] = ["region_id", "sector", "value", "provenance", "note"];

/// Relatedness of two finer sectors under the same survey sector, unless a row says otherwise.
pub const SIBLING_RELATEDNESS: f64 = 0.5;
/// Share of a survey-sector strength that a finer sector without its own row inherits.
pub const INHERITED_SHARE: f64 = 0.5;

impl Catalog {
    /// Loads and validates every catalog file in `dir`, with the derived overlays of
    /// `dir/derived/` where present.
    pub fn load(dir: &Path) -> Result<Self> {
        Self::load_with(dir, true)
    }

    /// Loads the curated files of `dir` only (what the importers build on).
    pub fn load_curated(dir: &Path) -> Result<Self> {
        Self::load_with(dir, false)
    }

    fn load_with(dir: &Path, with_derived: bool) -> Result<Self> {
        if !dir.is_dir() {
            return Err(Error::io(
                dir,
                std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "data directory not found (give --data DIR or set TIEUP_DATA)",
                ),
            ));
        }
        let sectors = SectorTable::load(&dir.join("sectors.csv"))?;
        let mut regions = Vec::new();
        let mut index = NameIndex::default();
        load_japan(&dir.join("japan_regions.csv"), &mut regions, &mut index)?;
        let n_japan = regions.len();
        load_overseas(&dir.join("overseas_regions.csv"), &mut regions, &mut index)?;
        let derived = dir.join(DERIVED_DIR);
        let derived = (with_derived && derived.is_dir()).then_some(derived);
        let geo_overrides = match &derived {
            Some(d) => apply_geo(&d.join("region_geo.csv"), &mut regions)?,
            None => 0,
        };
        let n_regions = regions.len();
        let mut children = vec![Vec::new(); n_regions];
        for (position, region) in regions.iter().enumerate() {
            if let Some(parent) = region.parent {
                children[parent].push(position);
            }
        }
        let mut catalog = Catalog {
            explicit: Array2::from_elem((n_regions, sectors.len()), f64::NAN),
            strength: Array2::zeros((n_regions, sectors.len())),
            traits: Array2::zeros((n_regions, TRAITS.len())),
            relatedness: Array2::zeros((sectors.len(), sectors.len())),
            sectors,
            regions,
            n_japan,
            partnerships: Vec::new(),
            strength_sources: BTreeMap::new(),
            overridden: BTreeMap::new(),
            trait_sources: BTreeMap::new(),
            relatedness_sources: BTreeMap::new(),
            twin_ties: Vec::new(),
            twin_index: BTreeMap::new(),
            children,
            geo_overrides,
            index,
            dir: dir.to_path_buf(),
        };
        catalog.load_strengths(&dir.join("strengths.csv"))?;
        if let Some(d) = &derived {
            catalog.load_derived_strengths(d)?;
        }
        catalog.load_traits(&dir.join("traits.csv"))?;
        let derived_relatedness = derived
            .as_ref()
            .map(|d| d.join("sector_relatedness.csv"))
            .filter(|p| p.is_file());
        catalog.load_relatedness(
            &dir.join("sector_relatedness.csv"),
            derived_relatedness.as_deref(),
        )?;
        catalog.partnerships = catalog.read_partnerships(&dir.join("partnerships.csv"))?;
        if let Some(d) = &derived {
            let twins = d.join("twin_ties.csv");
            if twins.is_file() {
                catalog.load_twin_ties(&twins)?;
            }
        }
        catalog.derive_strengths();
        Ok(catalog)
    }

    /// Positions of the Japanese regions.
    pub fn japan(&self) -> std::ops::Range<usize> {
        0..self.n_japan
    }

    /// Positions of the overseas regions (the candidates).
    pub fn overseas(&self) -> std::ops::Range<usize> {
        self.n_japan..self.regions.len()
    }

    /// Finds a region of either kind by id, name or alias.
    pub fn find_region(&self, query: &str) -> Result<usize> {
        self.index.find("region", query)
    }

    /// Finds a Japanese region; an overseas match is an error that says so.
    pub fn find_japan_region(&self, query: &str) -> Result<usize> {
        let position = self.find_region(query)?;
        if self.regions[position].kind == RegionKind::Japan {
            Ok(position)
        } else {
            let suggestions = self
                .index
                .suggest(query, 20)
                .into_iter()
                .filter(|id| {
                    self.find_region(id)
                        .is_ok_and(|p| self.regions[p].kind == RegionKind::Japan)
                })
                .take(5)
                .collect();
            Err(Error::UnknownName {
                kind: "Japanese region",
                query: format!(
                    "{query}' (that is an overseas region: {}",
                    self.regions[position].id
                ),
                suggestions,
            })
        }
    }

    /// True when `query` is a substring of the region's id, name or an alias (normalised).
    pub fn region_matches(&self, position: usize, query: &str) -> bool {
        self.index.matches_text(position, query)
    }

    /// Effective strength of a region in a sector, in [0, 1].
    ///
    /// The rule for missing rows: a survey sector without its own row takes the maximum of
    /// its finer sectors; a finer sector without its own row takes [`INHERITED_SHARE`] of its
    /// survey sector's own row; otherwise 0 (no notable cluster).
    pub fn strength(&self, region: usize, sector: usize) -> f64 {
        self.strength[[region, sector]]
    }

    /// The effective strength row of a region (one value per sector).
    pub fn strength_row(&self, region: usize) -> ArrayView1<'_, f64> {
        self.strength.row(region)
    }

    /// The explicit strength value and its source, if the file has a row.
    pub fn strength_source(&self, region: usize, sector: usize) -> Option<(f64, &ValueSource)> {
        self.strength_sources
            .get(&(region, sector))
            .map(|s| (self.explicit[[region, sector]], s))
    }

    /// All explicit strengths of a region, by sector position.
    pub fn explicit_strengths(&self, region: usize) -> Vec<(usize, f64)> {
        self.explicit
            .row(region)
            .iter()
            .enumerate()
            .filter(|(_, v)| !v.is_nan())
            .map(|(s, &v)| (s, v))
            .collect()
    }

    /// A trait value of an overseas region (position in [`TRAITS`]).
    pub fn trait_value(&self, region: usize, trait_index: usize) -> f64 {
        self.traits[[region, trait_index]]
    }

    /// The source of a trait value.
    pub fn trait_source(&self, region: usize, trait_index: usize) -> Option<&ValueSource> {
        self.trait_sources.get(&(region, trait_index))
    }

    /// Relatedness of two sectors, in [0, 1].
    pub fn relatedness(&self, a: usize, b: usize) -> f64 {
        self.relatedness[[a, b]]
    }

    /// The provenance of an explicit relatedness pair (curated or statistics); `None` for
    /// the sibling default, a survey sector's derived value or unrelated sectors.
    pub fn relatedness_source(&self, a: usize, b: usize) -> Option<&Provenance> {
        self.relatedness_sources.get(&(a, b))
    }

    /// The curated strength a statistics value replaced, if any.
    pub fn overridden_strength(&self, region: usize, sector: usize) -> Option<&(f64, ValueSource)> {
        self.overridden.get(&(region, sector))
    }

    /// The twin-city tie between a Japanese and an overseas region or their parent or child
    /// regions: the one with most links (ties broken by file order).
    pub fn twin_tie(&self, japan: usize, overseas: usize) -> Option<&TwinTie> {
        if self.twin_ties.is_empty() {
            return None;
        }
        let family = |r: usize| {
            std::iter::once(r)
                .chain(self.regions[r].parent)
                .chain(self.children[r].iter().copied())
        };
        let mut best: Option<&TwinTie> = None;
        for j in family(japan) {
            for o in family(overseas) {
                if let Some(&t) = self.twin_index.get(&(j, o)) {
                    let tie = &self.twin_ties[t];
                    if best.is_none_or(|b| tie.links > b.links) {
                        best = Some(tie);
                    }
                }
            }
        }
        best
    }

    /// Counts for coverage reports.
    pub fn stats(&self) -> CatalogStats {
        let mut stats = CatalogStats {
            survey_sectors: self
                .sectors
                .all()
                .iter()
                .filter(|s| s.parent.is_none())
                .count(),
            fine_sectors: self
                .sectors
                .all()
                .iter()
                .filter(|s| s.parent.is_some())
                .count(),
            overseas_regions: self.overseas().len(),
            partnerships: self.partnerships.len(),
            ..CatalogStats::default()
        };
        for region in &self.regions[self.japan()] {
            if region.level == "prefecture" {
                stats.japan_prefectures += 1;
            } else {
                stats.japan_areas += 1;
            }
        }
        let countries: std::collections::BTreeSet<&str> = self.regions[self.overseas()]
            .iter()
            .map(|r| r.country.as_str())
            .collect();
        stats.overseas_countries = countries.len();
        for source in self.strength_sources.values() {
            *stats
                .strengths
                .entry(source.provenance.to_string())
                .or_default() += 1;
        }
        for source in self.trait_sources.values() {
            *stats
                .traits
                .entry(source.provenance.to_string())
                .or_default() += 1;
        }
        let mut with_statistics: BTreeMap<String, std::collections::BTreeSet<usize>> =
            BTreeMap::new();
        for ((region, _), source) in &self.strength_sources {
            if source.provenance.is_statistic() {
                with_statistics
                    .entry(source.provenance.to_string())
                    .or_default()
                    .insert(*region);
            }
        }
        stats.regions_with_statistics = with_statistics
            .into_iter()
            .map(|(k, v)| (k, v.len()))
            .collect();
        stats.curated_strengths_overridden = self.overridden.len();
        for ((a, b), provenance) in &self.relatedness_sources {
            if a < b {
                *stats.relatedness.entry(provenance.to_string()).or_default() += 1;
            }
        }
        stats.geo_overrides = self.geo_overrides;
        stats.twin_ties = self.twin_ties.len();
        stats
    }

    fn region_in_row(
        &self,
        row: &crate::csvin::Row<'_>,
        column: &str,
        kind: Option<RegionKind>,
    ) -> Result<usize> {
        let id = row.required(column)?;
        let position = self.regions.iter().position(|r| r.id == id);
        match position {
            Some(p) if kind.is_none_or(|k| self.regions[p].kind == k) => Ok(p),
            Some(_) => Err(row.cell_error(
                column,
                format!("'{id}' is a region of the wrong kind here"),
                "traits are for overseas regions only; name an overseas region id",
            )),
            None => Err(row.cell_error(
                column,
                format!(
                    "unknown region '{id}'{}",
                    suggestion_suffix(&self.index.suggest(id, 3))
                ),
                "use an id from japan_regions.csv or overseas_regions.csv",
            )),
        }
    }

    fn sector_in_row(&self, row: &crate::csvin::Row<'_>, column: &str) -> Result<usize> {
        let id = row.required(column)?;
        self.sectors
            .all()
            .iter()
            .position(|s| s.id == id)
            .ok_or_else(|| {
                row.cell_error(
                    column,
                    format!(
                        "unknown sector '{id}'{}",
                        suggestion_suffix(&self.sectors_suggest(id))
                    ),
                    "use a sector id from sectors.csv",
                )
            })
    }

    fn sectors_suggest(&self, id: &str) -> Vec<String> {
        match self.sectors.find(id) {
            Err(Error::UnknownName { suggestions, .. }) => suggestions,
            Ok(p) => vec![self.sectors.get(p).id.clone()],
            Err(_) => Vec::new(),
        }
    }

    /// Region, sector, value and source of one row of a strengths file.
    fn parse_strength_row(
        &self,
        row: &crate::csvin::Row<'_>,
    ) -> Result<(usize, usize, f64, ValueSource)> {
        Ok((
            self.region_in_row(row, "region_id", None)?,
            self.sector_in_row(row, "sector")?,
            row.number_in("value", 0.0, 1.0)?,
            value_source(row)?,
        ))
    }

    fn load_strengths(&mut self, path: &Path) -> Result<()> {
        let file = CsvFile::open(path, &STRENGTH_COLUMNS)?;
        for row in file.rows() {
            let (region, sector, value, source) = self.parse_strength_row(&row)?;
            if self.strength_sources.contains_key(&(region, sector)) {
                return Err(row.error(
                    format!(
                        "duplicate strength for region '{}' and sector '{}'",
                        self.regions[region].id,
                        self.sectors.get(sector).id
                    ),
                    "keep one row per region and sector",
                ));
            }
            self.explicit[[region, sector]] = value;
            self.strength_sources.insert((region, sector), source);
        }
        Ok(())
    }

    /// Reads every `strengths_*.csv` of the derived directory (file-name order): statistics
    /// values, which replace curated values for the same region and sector.
    fn load_derived_strengths(&mut self, dir: &Path) -> Result<()> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| Error::io(dir, e))?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("strengths_") && n.ends_with(".csv"))
            })
            .collect();
        files.sort();
        let mut seen: BTreeMap<(usize, usize), PathBuf> = BTreeMap::new();
        for path in files {
            let file = CsvFile::open(&path, &STRENGTH_COLUMNS)?;
            for row in file.rows() {
                let (region, sector, value, source) = self.parse_strength_row(&row)?;
                if !source.provenance.is_statistic() {
                    return Err(row.cell_error(
                        "provenance",
                        format!("'{}' in a derived file", source.provenance),
                        "derived files carry statistics:<dataset>:<year> values; put curated values in strengths.csv",
                    ));
                }
                if let Some(other) = seen.insert((region, sector), path.clone()) {
                    return Err(row.error(
                        format!(
                            "a second statistics value for region '{}' and sector '{}' (also in {})",
                            self.regions[region].id,
                            self.sectors.get(sector).id,
                            other.display()
                        ),
                        "keep one derived file per region and sector (remove or rebuild the other)",
                    ));
                }
                if let Some(curated) = self.strength_sources.remove(&(region, sector)) {
                    self.overridden
                        .insert((region, sector), (self.explicit[[region, sector]], curated));
                }
                self.explicit[[region, sector]] = value;
                self.strength_sources.insert((region, sector), source);
            }
        }
        Ok(())
    }

    fn load_twin_ties(&mut self, path: &Path) -> Result<()> {
        let file = CsvFile::open(
            path,
            &[
                "japan_region",
                "overseas_region",
                "links",
                "examples",
                "source",
            ],
        )?;
        for row in file.rows() {
            let japan_region = self.region_in_row(&row, "japan_region", Some(RegionKind::Japan))?;
            let overseas_region =
                self.region_in_row(&row, "overseas_region", Some(RegionKind::Overseas))?;
            let links = row.number_in("links", 1.0, 1e6)? as u32;
            if self
                .twin_index
                .insert((japan_region, overseas_region), self.twin_ties.len())
                .is_some()
            {
                return Err(row.error(
                    "the region pair is listed twice".into(),
                    "keep one row per pair (rebuild the file)",
                ));
            }
            self.twin_ties.push(TwinTie {
                japan_region,
                overseas_region,
                links,
                examples: row.text("examples").to_string(),
                source: row.required("source")?.to_string(),
            });
        }
        Ok(())
    }

    fn load_traits(&mut self, path: &Path) -> Result<()> {
        let file = CsvFile::open(path, &["region_id", "trait", "value", "provenance", "note"])?;
        for row in file.rows() {
            let region = self.region_in_row(&row, "region_id", Some(RegionKind::Overseas))?;
            let name = row.required("trait")?;
            let Some(trait_index) = TRAITS.iter().position(|t| *t == name) else {
                return Err(row.cell_error(
                    "trait",
                    format!("unknown trait '{name}'"),
                    &format!("use one of: {}", TRAITS.join(", ")),
                ));
            };
            let value = row.number_in("value", 0.0, 1.0)?;
            let source = value_source(&row)?;
            if self.trait_sources.contains_key(&(region, trait_index)) {
                return Err(row.error(
                    format!(
                        "duplicate trait '{name}' for region '{}'",
                        self.regions[region].id
                    ),
                    "keep one row per region and trait",
                ));
            }
            self.traits[[region, trait_index]] = value;
            self.trait_sources.insert((region, trait_index), source);
        }
        for region in self.overseas() {
            for (trait_index, name) in TRAITS.iter().enumerate() {
                if !self.trait_sources.contains_key(&(region, trait_index)) {
                    return Err(file.file_error(
                        format!(
                            "overseas region '{}' has no '{name}' row",
                            self.regions[region].id
                        ),
                        "every overseas region needs all five traits",
                    ));
                }
            }
        }
        Ok(())
    }

    fn load_relatedness(&mut self, path: &Path, derived: Option<&Path>) -> Result<()> {
        let n = self.sectors.len();
        for a in 0..n {
            self.relatedness[[a, a]] = 1.0;
            for b in 0..n {
                let (pa, pb) = (self.sectors.get(a).parent, self.sectors.get(b).parent);
                if a != b && pa.is_some() && pa == pb {
                    self.relatedness[[a, b]] = SIBLING_RELATEDNESS;
                }
            }
        }
        for (path, statistics_only) in
            std::iter::once((path, false)).chain(derived.map(|d| (d, true)))
        {
            let file = CsvFile::open(
                path,
                &["sector_a", "sector_b", "value", "provenance", "note"],
            )?;
            for row in file.rows() {
                let a = self.sector_in_row(&row, "sector_a")?;
                let b = self.sector_in_row(&row, "sector_b")?;
                let value = row.number_in("value", 0.0, 1.0)?;
                let source = value_source(&row)?;
                if statistics_only && !source.provenance.is_statistic() {
                    return Err(row.cell_error(
                        "provenance",
                        format!("'{}' in a derived file", source.provenance),
                        "derived relatedness carries statistics:<dataset>:<year>; put curated pairs in sector_relatedness.csv",
                    ));
                }
                if a == b {
                    return Err(row.error(
                        "a sector is always fully related to itself".into(),
                        "remove this row",
                    ));
                }
                self.relatedness[[a, b]] = value;
                self.relatedness[[b, a]] = value;
                self.relatedness_sources
                    .insert((a, b), source.provenance.clone());
                self.relatedness_sources.insert((b, a), source.provenance);
            }
        }
        // A survey sector is as related to a sector as the most related of its finer sectors.
        for s in 0..n {
            let children = self.sectors.get(s).children.clone();
            if children.is_empty() {
                continue;
            }
            for q in 0..n {
                if q == s {
                    continue;
                }
                let best = children
                    .iter()
                    .map(|&c| self.relatedness[[c, q]])
                    .fold(0.0, f64::max);
                self.relatedness[[s, q]] = self.relatedness[[s, q]].max(best);
                self.relatedness[[q, s]] = self.relatedness[[s, q]];
            }
        }
        Ok(())
    }

    /// Reads a partnerships file in the layout of `data/partnerships.csv` against this
    /// catalog's regions and sectors (used for the shipped file and for training files).
    pub fn read_partnerships(&self, path: &Path) -> Result<Vec<Partnership>> {
        let mut partnerships: Vec<Partnership> = Vec::new();
        let file = CsvFile::open(
            path,
            &[
                "id",
                "japan_region",
                "overseas_region",
                "sector",
                "start_fy",
                "end_fy",
                "outcome",
            ],
        )?;
        for row in file.rows() {
            let id = row.required("id")?.to_string();
            if partnerships.iter().any(|p| p.id == id) {
                return Err(row.cell_error(
                    "id",
                    format!("duplicate id '{id}'"),
                    "give every partnership its own id",
                ));
            }
            let japan_region = self.region_in_row(&row, "japan_region", Some(RegionKind::Japan))?;
            let mut overseas_regions = Vec::new();
            for name in row.list("overseas_region") {
                match self.regions.iter().position(|r| r.id == name) {
                    Some(p) if self.regions[p].kind == RegionKind::Overseas => {
                        overseas_regions.push(p)
                    }
                    _ => {
                        return Err(row.cell_error(
                            "overseas_region",
                            format!(
                                "unknown overseas region '{name}'{}",
                                suggestion_suffix(&self.index.suggest(&name, 3))
                            ),
                            "use ids from overseas_regions.csv, several separated by ';'",
                        ));
                    }
                }
            }
            if overseas_regions.is_empty() {
                return Err(row.cell_error(
                    "overseas_region",
                    "empty value".into(),
                    "name at least one overseas region",
                ));
            }
            let sector = self.sector_in_row(&row, "sector")?;
            let start_fy = row.number_in("start_fy", 1900.0, 2100.0)? as u16;
            let end_fy = row.number_in("end_fy", 1900.0, 2100.0)? as u16;
            if end_fy < start_fy {
                return Err(row.cell_error(
                    "end_fy",
                    format!("end year {end_fy} is before start year {start_fy}"),
                    "swap or correct the years",
                ));
            }
            let outcome_text = row.required("outcome")?;
            let outcome = Outcome::parse(outcome_text).ok_or_else(|| {
                row.cell_error(
                    "outcome",
                    format!("unknown outcome '{outcome_text}'"),
                    "use during, after, not_yet, reported_success or unknown",
                )
            })?;
            let activities = [
                row.optional_count("research_trips")?,
                row.optional_count("missions")?,
                row.optional_count("invitations")?,
            ];
            let mut wanted = Vec::new();
            for name in row.list("wanted") {
                wanted.push(crate::features::find_feature(&name).map_err(|e| {
                    row.cell_error(
                        "wanted",
                        e.to_string(),
                        "name features such as design_ability",
                    )
                })?);
            }
            partnerships.push(Partnership {
                id,
                japan_region,
                overseas_regions,
                sector,
                start_fy,
                end_fy,
                outcome,
                activities,
                wanted,
            });
        }
        Ok(partnerships)
    }

    fn derive_strengths(&mut self) {
        let n_sectors = self.sectors.len();
        for region in 0..self.regions.len() {
            for sector in 0..n_sectors {
                let own = self.explicit[[region, sector]];
                let info = self.sectors.get(sector);
                let value = if !own.is_nan() {
                    own
                } else if !info.children.is_empty() {
                    info.children
                        .iter()
                        .map(|&c| self.explicit[[region, c]])
                        .filter(|v| !v.is_nan())
                        .fold(0.0, f64::max)
                } else if let Some(parent) = info.parent {
                    let parent_value = self.explicit[[region, parent]];
                    if parent_value.is_nan() {
                        0.0
                    } else {
                        INHERITED_SHARE * parent_value
                    }
                } else {
                    0.0
                };
                self.strength[[region, sector]] = value;
            }
        }
    }
}

fn suggestion_suffix(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        String::new()
    } else {
        format!(" (closest: {})", suggestions.join(", "))
    }
}

fn value_source(row: &crate::csvin::Row<'_>) -> Result<ValueSource> {
    let provenance = Provenance::parse(row.required("provenance")?)
        .map_err(|m| row.cell_error("provenance", m, "see data/README.md"))?;
    let note = row.text("note").to_string();
    if provenance == Provenance::Curated && note.is_empty() {
        return Err(row.cell_error(
            "note",
            "a curated value has no reason".into(),
            "say in the note why the value was chosen",
        ));
    }
    Ok(ValueSource { provenance, note })
}

fn lat_lon(row: &crate::csvin::Row<'_>) -> Result<(f64, f64)> {
    Ok((
        row.number_in("lat", -90.0, 90.0)?,
        row.number_in("lon", -180.0, 180.0)?,
    ))
}

fn new_region_id(row: &crate::csvin::Row<'_>, regions: &[Region]) -> Result<String> {
    let id = row.required("id")?;
    check_id(id).map_err(|m| row.cell_error("id", m, "use lowercase a-z, 0-9 and _"))?;
    if regions.iter().any(|r| r.id == id) {
        return Err(row.cell_error(
            "id",
            format!("duplicate id '{id}'"),
            "region ids must be unique across japan_regions.csv and overseas_regions.csv",
        ));
    }
    Ok(id.to_string())
}

fn index_region(index: &mut NameIndex, position: usize, region: &Region) {
    let mut names: Vec<&str> = vec![region.name.as_str()];
    names.extend(region.aliases.iter().map(String::as_str));
    index.insert(position, &region.id, &names);
}

/// The bureau names the survey tables use, plus Okinawa.
pub const BUREAUS: [&str; 9] = [
    "Hokkaido", "Tohoku", "Kanto", "Chubu", "Kinki", "Chugoku", "Shikoku", "Kyushu", "Okinawa",
];

fn load_japan(path: &Path, regions: &mut Vec<Region>, index: &mut NameIndex) -> Result<()> {
    let file = CsvFile::open(
        path,
        &[
            "id",
            "name",
            "aliases",
            "kind",
            "bureau",
            "prefecture",
            "lat",
            "lon",
            "geo_provenance",
        ],
    )?;
    let mut parents: Vec<(usize, String, u64)> = Vec::new();
    for row in file.rows() {
        let id = new_region_id(&row, regions)?;
        let kind = row.required("kind")?;
        if kind != "prefecture" && kind != "area" {
            return Err(row.cell_error(
                "kind",
                format!("unknown kind '{kind}'"),
                "use prefecture or area",
            ));
        }
        let bureau = row.required("bureau")?;
        if !BUREAUS.contains(&bureau) {
            return Err(row.cell_error(
                "bureau",
                format!("unknown bureau '{bureau}'"),
                &format!("use one of: {}", BUREAUS.join(", ")),
            ));
        }
        let prefecture = row.text("prefecture");
        match (kind, prefecture.is_empty()) {
            ("area", true) => {
                return Err(row.cell_error(
                    "prefecture",
                    "an area needs its prefecture".into(),
                    "name the id of the prefecture the area lies in",
                ));
            }
            ("area", false) => parents.push((regions.len(), prefecture.to_string(), row.line())),
            _ => {}
        }
        let (lat, lon) = lat_lon(&row)?;
        let region = Region {
            id,
            name: row.required("name")?.to_string(),
            aliases: row.list("aliases"),
            kind: RegionKind::Japan,
            country: "JP".into(),
            parent: None,
            level: kind.to_string(),
            bureau: Some(bureau.to_string()),
            lat,
            lon,
            utc_offset: 9.0,
            languages: vec!["ja".into()],
            geo_provenance: row.text("geo_provenance").to_string(),
        };
        index_region(index, regions.len(), &region);
        regions.push(region);
    }
    resolve_parents(path, regions, parents, "prefecture", 5, |r| {
        r.level == "prefecture"
    })
}

/// Applies `derived/region_geo.csv` (`region_id,lat,lon,geo_provenance`, more columns
/// ignored): replaces the coordinates of the listed regions. Returns how many it replaced.
fn apply_geo(path: &Path, regions: &mut [Region]) -> Result<usize> {
    if !path.is_file() {
        return Ok(0);
    }
    let file = CsvFile::open(path, &["region_id", "lat", "lon", "geo_provenance"])?;
    let mut count = 0;
    for row in file.rows() {
        let id = row.required("region_id")?;
        let Some(region) = regions.iter_mut().find(|r| r.id == id) else {
            return Err(row.cell_error(
                "region_id",
                format!("unknown region '{id}'"),
                "rebuild the derived files (tieup catalog rebuild)",
            ));
        };
        let (lat, lon) = lat_lon(&row)?;
        region.lat = lat;
        region.lon = lon;
        region.geo_provenance = row.required("geo_provenance")?.to_string();
        count += 1;
    }
    Ok(count)
}

fn load_overseas(path: &Path, regions: &mut Vec<Region>, index: &mut NameIndex) -> Result<()> {
    let file = CsvFile::open(
        path,
        &[
            "id",
            "name",
            "aliases",
            "country",
            "parent",
            "level",
            "lat",
            "lon",
            "utc_offset",
            "languages",
            "geo_provenance",
        ],
    )?;
    const LEVELS: [&str; 6] = ["country", "state", "nuts1", "nuts2", "metro", "city"];
    let mut parents: Vec<(usize, String, u64)> = Vec::new();
    for row in file.rows() {
        let id = new_region_id(&row, regions)?;
        let country = row.required("country")?;
        if country.len() != 2 || !country.chars().all(|c| c.is_ascii_uppercase()) {
            return Err(row.cell_error(
                "country",
                format!("'{country}' is not an ISO 3166-1 alpha-2 code"),
                "write two capital letters, e.g. SE",
            ));
        }
        if country == "JP" {
            return Err(row.cell_error(
                "country",
                "a Japanese region in the overseas file".into(),
                "move it to japan_regions.csv",
            ));
        }
        let level = row.required("level")?;
        if !LEVELS.contains(&level) {
            return Err(row.cell_error(
                "level",
                format!("unknown level '{level}'"),
                &format!("use one of: {}", LEVELS.join(", ")),
            ));
        }
        let languages = row.list("languages");
        if languages.is_empty()
            || languages
                .iter()
                .any(|l| l.len() != 2 || !l.chars().all(|c| c.is_ascii_lowercase()))
        {
            return Err(row.cell_error(
                "languages",
                format!(
                    "'{}' is not a list of ISO 639-1 codes",
                    row.text("languages")
                ),
                "write two-letter codes separated by ';', e.g. sv;en",
            ));
        }
        let parent = row.text("parent");
        if !parent.is_empty() {
            parents.push((regions.len(), parent.to_string(), row.line()));
        }
        let (lat, lon) = lat_lon(&row)?;
        let region = Region {
            id,
            name: row.required("name")?.to_string(),
            aliases: row.list("aliases"),
            kind: RegionKind::Overseas,
            country: country.to_string(),
            parent: None,
            level: level.to_string(),
            bureau: None,
            lat,
            lon,
            utc_offset: row.number_in("utc_offset", -12.0, 14.0)?,
            languages,
            geo_provenance: row.text("geo_provenance").to_string(),
        };
        index_region(index, regions.len(), &region);
        regions.push(region);
    }
    resolve_parents(path, regions, parents, "parent", 4, |r| {
        r.kind == RegionKind::Overseas
    })
}

fn resolve_parents(
    path: &Path,
    regions: &mut [Region],
    parents: Vec<(usize, String, u64)>,
    column: &str,
    column_index: usize,
    allowed: impl Fn(&Region) -> bool,
) -> Result<()> {
    for (child, parent, line) in parents {
        let found = regions
            .iter()
            .position(|r| r.id == parent && allowed(r))
            .filter(|&p| p != child);
        let Some(parent_position) = found else {
            return Err(DataError {
                file: path.to_path_buf(),
                line: Some(line),
                column: Some((column.to_string(), column_index + 1)),
                message: format!("unknown {column} '{parent}'"),
                fix: format!("name the id of a region in the same file as the {column}"),
            }
            .into());
        };
        regions[child].parent = Some(parent_position);
    }
    // A parent chain must end: walking up from any region never returns to it.
    for start in 0..regions.len() {
        let mut at = regions[start].parent;
        let mut steps = 0;
        while let Some(p) = at {
            steps += 1;
            if p == start || steps > regions.len() {
                return Err(DataError {
                    file: path.to_path_buf(),
                    line: None,
                    column: Some((column.to_string(), column_index + 1)),
                    message: format!("region '{}' is its own ancestor", regions[start].id),
                    fix: format!("break the cycle in the {column} column"),
                }
                .into());
            }
            at = regions[p].parent;
        }
    }
    Ok(())
}
