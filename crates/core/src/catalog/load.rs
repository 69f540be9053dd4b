//! Loading a catalog directory: the curated files, the derived overlays, and their
//! validation (every id resolved, every value in range, every overseas region complete).

use super::regions::{apply_geo, load_japan, load_overseas};
use super::*;
use crate::csvin::CsvFile;
use crate::error::{Error, Result};
use std::path::Path;

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
        let derived = dir.join(DERIVED_DIR);
        let derived = (with_derived && derived.is_dir()).then_some(derived);
        let mut catalog = Self::with_regions(dir, derived.as_deref())?;
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
        let bodies = dir.join(BODIES_FILE);
        if bodies.is_file() {
            catalog.load_bodies(&bodies)?;
        }
        if let Some(d) = &derived {
            catalog.load_derived_links(d)?;
        }
        catalog.collect_dated();
        catalog.derive_strengths();
        Ok(catalog)
    }

    /// The sectors and regions of `dir` (with the gazetteer's coordinates from `derived`
    /// where present) in a catalog whose values are still empty.
    fn with_regions(dir: &Path, derived: Option<&Path>) -> Result<Self> {
        let sectors = SectorTable::load(&dir.join("sectors.csv"))?;
        let mut regions = Vec::new();
        let mut index = NameIndex::default();
        load_japan(&dir.join("japan_regions.csv"), &mut regions, &mut index)?;
        let n_japan = regions.len();
        load_overseas(&dir.join("overseas_regions.csv"), &mut regions, &mut index)?;
        let geo_overrides = match derived {
            Some(d) => apply_geo(&d.join("region_geo.csv"), &mut regions)?,
            None => 0,
        };
        let n_regions = regions.len();
        let mut children = vec![Vec::new(); n_regions];
        for (position, region) in regions.iter().enumerate() {
            if let Some(parent) = region.parent {
                children[parent.index()].push(RegionId::from_index(position));
            }
        }
        Ok(Catalog {
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
            air_access: BTreeMap::new(),
            japanese_residents: None,
            bodies: Vec::new(),
            dated: Default::default(),
            children,
            geo_overrides,
            index,
            dir: dir.to_path_buf(),
            mean_similarity: std::sync::OnceLock::new(),
        })
    }

    /// The optional files of the derived directory `d` that link regions: twin-city ties,
    /// Japanese residents by country, and air access.
    fn load_derived_links(&mut self, d: &Path) -> Result<()> {
        let twins = d.join("twin_ties.csv");
        if twins.is_file() {
            self.load_twin_ties(&twins)?;
        }
        let residents = d.join("japanese_residents.csv");
        if residents.is_file() {
            let file = CsvFile::open(&residents, &["country", "residents"])?;
            let mut counts = BTreeMap::new();
            for row in file.rows() {
                let n = row.number_in("residents", 0.0, 1e9)?;
                counts.insert(row.required("country")?.to_string(), n);
            }
            self.japanese_residents = Some(counts);
        }
        let air = d.join("air_access.csv");
        if air.is_file() {
            self.load_air_access(&air, &d.join("airports.csv"))?;
        }
        Ok(())
    }

    pub(super) fn region_in_row(
        &self,
        row: &crate::csvin::Row<'_>,
        column: &str,
        kind: Option<RegionKind>,
    ) -> Result<RegionId> {
        let id = row.required(column)?;
        match self.region_by_id(id) {
            Some(p) if kind.is_none_or(|k| self.region(p).kind == k) => Ok(p),
            Some(p) => {
                let (is, wanted) = match self.region(p).kind {
                    RegionKind::Japan => ("a Japanese", "an overseas"),
                    RegionKind::Overseas => ("an overseas", "a Japanese"),
                };
                Err(row.cell_error(
                    column,
                    format!("'{id}' is {is} region; this column needs {wanted} region"),
                    &format!("name {wanted} region id in the '{column}' column"),
                ))
            }
            None => Err(row.cell_error(
                column,
                format!(
                    "unknown region '{}'{}",
                    crate::lookup::clip(id),
                    suggestion_suffix(&self.index.suggest(id, 3))
                ),
                "use an id from japan_regions.csv or overseas_regions.csv",
            )),
        }
    }

    pub(super) fn sector_in_row(
        &self,
        row: &crate::csvin::Row<'_>,
        column: &str,
    ) -> Result<SectorId> {
        let id = row.required(column)?;
        self.sectors.by_id(id).ok_or_else(|| {
            row.cell_error(
                column,
                format!(
                    "unknown sector '{}'{}",
                    crate::lookup::clip(id),
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
    ) -> Result<(RegionId, SectorId, f64, ValueSource)> {
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
                        self.region(region).id,
                        self.sectors.get(sector).id
                    ),
                    "keep one row per region and sector",
                ));
            }
            self.explicit[[region.index(), sector.index()]] = value;
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
        let mut seen: BTreeMap<(RegionId, SectorId), PathBuf> = BTreeMap::new();
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
                            self.region(region).id,
                            self.sectors.get(sector).id,
                            other.display()
                        ),
                        "keep one derived file per region and sector (remove or rebuild the other)",
                    ));
                }
                if let Some(curated) = self.strength_sources.remove(&(region, sector)) {
                    self.overridden.insert(
                        (region, sector),
                        (self.explicit[[region.index(), sector.index()]], curated),
                    );
                }
                self.explicit[[region.index(), sector.index()]] = value;
                self.strength_sources.insert((region, sector), source);
            }
        }
        Ok(())
    }

    fn load_twin_ties(&mut self, path: &Path) -> Result<()> {
        let file = CsvFile::open(
            path,
            &["japan_region", "overseas_region", "links", "examples"],
        )?;
        // Files written before issue 11 name the one source `source`; merged files list every
        // source of the pair's links in `sources`.
        let sources_column = if file.has_column("sources") {
            "sources"
        } else {
            "source"
        };
        for row in file.rows() {
            let japan_region = self.region_in_row(&row, "japan_region", Some(RegionKind::Japan))?;
            let overseas_region =
                self.region_in_row(&row, "overseas_region", Some(RegionKind::Overseas))?;
            let links = row.number_in("links", 1.0, 1e6)? as u32;
            let levels = twin_levels(&file, &row, links)?;
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
                sources: row.required(sources_column)?.to_string(),
                levels,
            });
        }
        Ok(())
    }

    /// Reads `air_access.csv`, with airport names from `airports.csv` when present.
    fn load_air_access(&mut self, path: &Path, airports: &Path) -> Result<()> {
        let mut names: BTreeMap<String, String> = BTreeMap::new();
        if airports.is_file() {
            let file = CsvFile::open(airports, &["iata", "name"])?;
            for row in file.rows() {
                names.insert(
                    row.required("iata")?.to_string(),
                    row.text("name").to_string(),
                );
            }
        }
        let name = |code: &str| names.get(code).cloned().unwrap_or_else(|| code.to_string());
        let file = CsvFile::open(
            path,
            &[
                "japan_region",
                "overseas_region",
                "hours",
                "connections",
                "japan_airport",
                "overseas_airport",
                "via",
            ],
        )?;
        for row in file.rows() {
            let japan = self.region_in_row(&row, "japan_region", Some(RegionKind::Japan))?;
            let overseas =
                self.region_in_row(&row, "overseas_region", Some(RegionKind::Overseas))?;
            let via = row.text("via");
            let access = AirAccess {
                hours: row.number_in("hours", 0.0, 100.0)?,
                connections: row.number_in("connections", 0.0, 2.0)? as u8,
                japan_airport: name(row.required("japan_airport")?),
                overseas_airport: name(row.required("overseas_airport")?),
                via: (!via.is_empty()).then(|| name(via)),
            };
            if self.air_access.insert((japan, overseas), access).is_some() {
                return Err(row.error(
                    "the region pair is listed twice".into(),
                    "keep one row per pair (rebuild the file)",
                ));
            }
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
                        self.region(region).id
                    ),
                    "keep one row per region and trait",
                ));
            }
            self.traits[[region.index(), trait_index]] = value;
            self.trait_sources.insert((region, trait_index), source);
        }
        for region in self.candidate_ids() {
            for (trait_index, name) in TRAITS.iter().enumerate() {
                if !self.trait_sources.contains_key(&(region, trait_index)) {
                    return Err(file.file_error(
                        format!(
                            "overseas region '{}' has no '{name}' row",
                            self.region(region).id
                        ),
                        "every overseas region needs all five traits",
                    ));
                }
            }
        }
        Ok(())
    }

    fn load_relatedness(&mut self, path: &Path, derived: Option<&Path>) -> Result<()> {
        for a in self.sectors.ids() {
            self.relatedness[[a.index(), a.index()]] = 1.0;
            for b in self.sectors.ids() {
                let (pa, pb) = (self.sectors.get(a).parent, self.sectors.get(b).parent);
                if a != b && pa.is_some() && pa == pb {
                    self.relatedness[[a.index(), b.index()]] = SIBLING_RELATEDNESS;
                }
            }
        }
        self.read_relatedness(path, false)?;
        if let Some(d) = derived {
            self.read_relatedness(d, true)?;
        }
        self.lift_survey_relatedness();
        Ok(())
    }

    /// Reads one relatedness file over the values so far; a derived file
    /// (`statistics_only`) holds statistics alone.
    fn read_relatedness(&mut self, path: &Path, statistics_only: bool) -> Result<()> {
        let file = CsvFile::open(
            path,
            &["sector_a", "sector_b", "value", "provenance", "note"],
        )?;
        // One pair per file: identical repeats are accepted, conflicting ones refused.
        let mut seen: std::collections::HashMap<(SectorId, SectorId), (u64, f64, String)> =
            std::collections::HashMap::new();
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
            let key = (a.min(b), a.max(b));
            let provenance = source.provenance.to_string();
            if let Some((line, v0, p0)) = seen.get(&key)
                && (*v0 != value || *p0 != provenance)
            {
                return Err(row.cell_error(
                    "value",
                    format!(
                        "the pair {} / {} is listed again with another value or provenance (first on line {line})",
                        self.sectors.get(a).id,
                        self.sectors.get(b).id
                    ),
                    "keep one row per sector pair",
                ));
            }
            seen.entry(key).or_insert((row.line(), value, provenance));
            self.relatedness[[a.index(), b.index()]] = value;
            self.relatedness[[b.index(), a.index()]] = value;
            self.relatedness_sources
                .insert((a, b), source.provenance.clone());
            self.relatedness_sources.insert((b, a), source.provenance);
        }
        Ok(())
    }

    /// A survey sector is as related to a sector as the most related of its finer sectors.
    fn lift_survey_relatedness(&mut self) {
        for s in self.sectors.ids() {
            let children = self.sectors.get(s).children.clone();
            if children.is_empty() {
                continue;
            }
            for q in self.sectors.ids() {
                if q == s {
                    continue;
                }
                let best = children
                    .iter()
                    .map(|&c| self.relatedness[[c.index(), q.index()]])
                    .fold(0.0, f64::max);
                self.relatedness[[s.index(), q.index()]] =
                    self.relatedness[[s.index(), q.index()]].max(best);
                self.relatedness[[q.index(), s.index()]] = self.relatedness[[s.index(), q.index()]];
            }
        }
    }

    /// The effective strength matrix from the explicit one, by the missing-value rule of
    /// [`Catalog::strength`].
    pub(super) fn derive_strengths(&mut self) {
        for region in (0..self.regions.len()).map(RegionId::from_index) {
            for sector in self.sectors.ids() {
                let own = self.explicit[[region.index(), sector.index()]];
                let info = self.sectors.get(sector);
                let value = if !own.is_nan() {
                    own
                } else if !info.children.is_empty() {
                    info.children
                        .iter()
                        .map(|&c| self.explicit[[region.index(), c.index()]])
                        .filter(|v| !v.is_nan())
                        .fold(0.0, f64::max)
                } else if let Some(inherited) = self.inheritance(region, sector) {
                    inherited.share * self.explicit[[region.index(), inherited.from.index()]]
                } else {
                    0.0
                };
                self.strength[[region.index(), sector.index()]] = value;
            }
        }
    }
}

pub(super) fn suggestion_suffix(suggestions: &[String]) -> String {
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
    let source = ValueSource {
        provenance,
        note,
        as_of: super::asof::as_of_year(row)?,
    };
    refuse_dated_statistic(row, &source)?;
    Ok(source)
}

/// A statistic carries its year in its provenance, never in `as_of`.
fn refuse_dated_statistic(row: &crate::csvin::Row<'_>, source: &ValueSource) -> Result<()> {
    match (source.provenance.is_statistic(), source.as_of) {
        (true, Some(year)) => Err(row.cell_error(
            super::asof::AS_OF_COLUMN,
            format!("as_of {year} on a statistic"),
            "leave as_of empty on a statistics row: its year is in the provenance (statistics:<dataset>:<year>)",
        )),
        _ => Ok(()),
    }
}

/// Level columns of `twin_ties.csv`, Japanese side first ([`TwinTie::levels`]).
pub const TWIN_LEVEL_COLUMNS: [&str; 4] = ["whole_whole", "whole_part", "part_whole", "part_part"];

/// A row's links by level: the four level columns, which must sum to `links`; without them
/// (files written before the levels) every link counts whole–whole.
fn twin_levels(file: &CsvFile, row: &crate::csvin::Row<'_>, links: u32) -> Result<[u32; 4]> {
    if !TWIN_LEVEL_COLUMNS.iter().any(|c| file.has_column(c)) {
        return Ok([links, 0, 0, 0]);
    }
    let mut levels = [0u32; 4];
    for (level, column) in levels.iter_mut().zip(TWIN_LEVEL_COLUMNS) {
        *level = row.number_in(column, 0.0, 1e6)? as u32;
    }
    if levels.iter().sum::<u32>() != links {
        return Err(row.error(
            format!(
                "the level columns sum to {}, but links is {links}",
                levels.iter().sum::<u32>()
            ),
            "rebuild the file (tieup catalog rebuild)",
        ));
    }
    Ok(levels)
}
