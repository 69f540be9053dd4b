//! Curated places of the twin-city sources (`data/codes/twin_places.csv`): where a place
//! label needs a human decision that the matcher of [`crate::twins`] and
//! [`crate::twin_sources`] cannot make (a geocoder that put "Sutherland, Australia" in
//! Scotland, a Japanese town whose name GeoNames lacks, a US territory outside the catalog),
//! the file names the catalog region the place lies in, or that it lies outside the catalog,
//! with the reason.
//!
//! Columns `source,side,key,country,partner,region,level,reason`:
//! - `source`: the source tag the row applies to;
//! - `side`: `japan` or `overseas`;
//! - `key`: the place's label as the source writes it, or, for the Wikidata 2016 snapshot,
//!   its Wikidata id (`Q36687`), since its labels repeat ("Victoria" five times);
//! - `country`: the source's country label of the place (empty for the 2016 snapshot);
//! - `partner`: the other place's label (or Wikidata id), when the decision holds for that
//!   pair only ("Cambridge" with Tsukuba), else empty;
//! - `region`: the catalog region the place lies in, or empty for a place outside the
//!   catalog (the pair then leaves the match rate's scope);
//! - `level`: `whole` when the place is the region itself, `part` when it lies inside it;
//! - `reason`: why, checkable (what the place is, and what was wrong with the source).

use std::collections::BTreeMap;
use std::path::Path;
use tieup_core::catalog::{Catalog, RegionId, RegionKind};
use tieup_core::csvin::CsvFile;
use tieup_core::error::Result;

/// Columns of `twin_places.csv`.
pub const COLUMNS: [&str; 8] = [
    "source", "side", "key", "country", "partner", "region", "level", "reason",
];

/// A curated decision about one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Curated {
    /// The place lies in this catalog region; `true` when it is the region itself.
    Region(RegionId, bool),
    /// The place lies outside every catalog region.
    Outside,
}

/// The curated places, by (source, side is Japanese, key, country, partner).
#[derive(Debug, Clone, Default)]
pub struct TwinPlaces {
    places: BTreeMap<(String, bool, String, String, String), Curated>,
}

impl TwinPlaces {
    /// Reads the file; every region must be in the catalog and every row must give a reason.
    pub fn load(path: &Path, catalog: &Catalog) -> Result<Self> {
        let file = CsvFile::open(path, &COLUMNS)?;
        let mut places = BTreeMap::new();
        for row in file.rows() {
            let japan = match row.required("side")? {
                "japan" => true,
                "overseas" => false,
                other => {
                    return Err(row.cell_error(
                        "side",
                        format!("'{other}' is not a side"),
                        "write japan or overseas",
                    ));
                }
            };
            row.required("reason")?;
            let region = row.text("region");
            let curated = if region.is_empty() {
                Curated::Outside
            } else {
                let wanted = if japan {
                    RegionKind::Japan
                } else {
                    RegionKind::Overseas
                };
                let id = catalog
                    .region_by_id(region)
                    .filter(|&r| catalog.region(r).kind == wanted)
                    .ok_or_else(|| {
                        row.cell_error(
                            "region",
                            format!("'{region}' is not a catalog region on this side"),
                            "use a region id of data/japan_regions.csv (side japan) or data/overseas_regions.csv (side overseas)",
                        )
                    })?;
                let whole = match row.required("level")? {
                    "whole" => true,
                    "part" => false,
                    other => {
                        return Err(row.cell_error(
                            "level",
                            format!("'{other}' is not a level"),
                            "write whole (the place is the region) or part (it lies inside)",
                        ));
                    }
                };
                Curated::Region(id, whole)
            };
            let key = (
                row.required("source")?.to_string(),
                japan,
                row.required("key")?.to_string(),
                row.text("country").to_string(),
                row.text("partner").to_string(),
            );
            if places.insert(key, curated).is_some() {
                return Err(row.error(
                    "the place is listed twice".into(),
                    "keep one row per source, side, key, country and partner",
                ));
            }
        }
        Ok(TwinPlaces { places })
    }

    /// The decision about a place of a source, if curated: one for this partner first, else
    /// one for any partner.
    pub fn get(
        &self,
        source: &str,
        japan: bool,
        key: &str,
        country: &str,
        partner: &str,
    ) -> Option<Curated> {
        let lookup = |partner: &str| {
            self.places
                .get(&(
                    source.to_string(),
                    japan,
                    key.to_string(),
                    country.to_string(),
                    partner.to_string(),
                ))
                .copied()
        };
        lookup(partner).or_else(|| lookup(""))
    }

    /// Number of curated places.
    pub fn len(&self) -> usize {
        self.places.len()
    }

    /// True without curated places.
    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(rows: &str) -> Result<TwinPlaces> {
        let fixture =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/mini");
        let catalog = Catalog::load(&fixture).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("twin_places.csv");
        std::fs::write(&path, format!("{}\n{rows}", COLUMNS.join(","))).unwrap();
        TwinPlaces::load(&path, &catalog)
    }

    #[test]
    fn decisions_by_partner_then_for_any_partner() {
        let places = load(
            "w,overseas,Springfield,United States,,texas,part,the fixture's Springfield\n\
             w,overseas,Springfield,United States,Suwa,,,outside for Suwa's partner\n\
             w,japan,Q1,,,suwa,whole,the area itself\n",
        )
        .unwrap();
        assert_eq!(places.len(), 3);
        let get = |japan, key, country, partner| places.get("w", japan, key, country, partner);
        assert!(matches!(
            get(false, "Springfield", "United States", "Nagano"),
            Some(Curated::Region(_, false))
        ));
        assert_eq!(
            get(false, "Springfield", "United States", "Suwa"),
            Some(Curated::Outside)
        );
        assert!(matches!(
            get(true, "Q1", "", ""),
            Some(Curated::Region(_, true))
        ));
        assert_eq!(get(true, "Springfield", "United States", ""), None);
        assert_eq!(
            places.get("other", false, "Springfield", "United States", ""),
            None
        );
    }

    #[test]
    fn bad_rows_are_refused_with_the_fix() {
        for (row, says) in [
            (
                "w,overseas,X,,,nagano,part,a Japanese region on the overseas side\n",
                "not a catalog region on this side",
            ),
            (
                "w,overseas,X,,,atlantis,part,unknown\n",
                "not a catalog region",
            ),
            ("w,overseas,X,,,texas,part,\n", "empty value"),
            ("w,overseas,X,,,texas,inside,bad level\n", "not a level"),
            ("w,abroad,X,,,texas,part,bad side\n", "not a side"),
            (
                "w,overseas,X,,,texas,part,a\nw,overseas,X,,,texas,whole,b\n",
                "listed twice",
            ),
        ] {
            let err = load(row).unwrap_err().to_string();
            assert!(err.contains(says), "{row}: {err}");
        }
    }
}
