//! The code lists the importers need besides `sectors.csv`: which source region code is
//! which catalog region (`data/codes/region_codes.csv`: US state FIPS, Japanese JIS, NUTS
//! 2013, and GeoNames admin-1 keys where names do not match), and the NAICS 2012 → 2007 concordance for the codes that changed
//! (`data/codes/naics2012_to_naics2007.csv`), each sector's NACE Rev.2 codes
//! (`data/codes/sector_nace.csv`) and each European catalog region's NUTS-2 regions
//! (`data/codes/nuts2_regions.csv`). All are curated and committed.

use std::collections::BTreeMap;
use std::path::Path;
use tieup_core::catalog::{Catalog, RegionId};
use tieup_core::csvin::CsvFile;
use tieup_core::error::Result;

/// Region-code schemes the importers know.
pub const SCHEMES: [&str; 4] = ["fips", "jis", "nuts2013", "geonames_admin1"];

/// Source region codes → catalog positions.
#[derive(Debug, Clone, Default)]
pub struct RegionCodes {
    map: BTreeMap<(String, String), RegionId>,
}

impl RegionCodes {
    /// Reads `region_codes.csv` (`region_id,scheme,code,note`) against a catalog.
    pub fn load(path: &Path, catalog: &Catalog) -> Result<Self> {
        let file = CsvFile::open(path, &["region_id", "scheme", "code"])?;
        let mut map = BTreeMap::new();
        for row in file.rows() {
            let id = row.required("region_id")?;
            let Some(position) = catalog.region_by_id(id) else {
                return Err(row.cell_error(
                    "region_id",
                    format!("unknown region '{id}'"),
                    "use an id from japan_regions.csv or overseas_regions.csv",
                ));
            };
            let scheme = row.required("scheme")?;
            if !SCHEMES.contains(&scheme) {
                return Err(row.cell_error(
                    "scheme",
                    format!("unknown scheme '{scheme}'"),
                    &format!("use one of: {}", SCHEMES.join(", ")),
                ));
            }
            let code = row.required("code")?;
            if map
                .insert((scheme.to_string(), code.to_string()), position)
                .is_some()
            {
                return Err(row.error(
                    format!("{scheme} code {code} is listed twice"),
                    "keep one row per scheme and code",
                ));
            }
        }
        Ok(RegionCodes { map })
    }

    /// The catalog region of a source code.
    pub fn lookup(&self, scheme: &str, code: &str) -> Option<RegionId> {
        self.map
            .get(&(scheme.to_string(), code.to_string()))
            .copied()
    }

    /// Adds one mapping (for tests and programmatic use).
    pub fn insert(&mut self, scheme: &str, code: &str, position: RegionId) {
        self.map
            .insert((scheme.to_string(), code.to_string()), position);
    }

    /// The GeoNames admin-1 key (`CC.code`) given for a region, if any.
    pub fn geonames_admin1(&self, position: RegionId) -> Option<String> {
        self.map
            .iter()
            .find(|((scheme, _), p)| scheme == "geonames_admin1" && **p == position)
            .map(|((_, code), _)| code.clone())
    }

    /// Number of codes of a scheme.
    pub fn count(&self, scheme: &str) -> usize {
        self.map.keys().filter(|(s, _)| s == scheme).count()
    }
}

/// How a NAICS 2012 code relates to 2007 codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// Same industry, new number.
    Equal,
    /// The 2012 code is the union of the listed 2007 codes.
    Merge,
    /// The 2012 code is only part of a 2007 code: no 2007 figure measures it alone.
    Split,
}

/// NAICS 2012 → 2007 for the codes that changed; codes not listed are the same in both.
#[derive(Debug, Clone, Default)]
pub struct NaicsConcordance {
    entries: BTreeMap<String, Vec<(String, Relation, String)>>,
}

impl NaicsConcordance {
    /// Reads `naics2012_to_naics2007.csv` (`naics2012,naics2007,relation,note`).
    pub fn load(path: &Path) -> Result<Self> {
        let file = CsvFile::open(path, &["naics2012", "naics2007", "relation"])?;
        let mut entries: BTreeMap<String, Vec<(String, Relation, String)>> = BTreeMap::new();
        for row in file.rows() {
            let code = |column: &str| -> Result<String> {
                let text = row.required(column)?;
                if text.len() < 2 || text.len() > 6 || !text.chars().all(|c| c.is_ascii_digit()) {
                    return Err(row.cell_error(
                        column,
                        format!("'{text}' is not a NAICS code"),
                        "write 2 to 6 digits",
                    ));
                }
                Ok(text.to_string())
            };
            let new = code("naics2012")?;
            let old = code("naics2007")?;
            let relation = match row.required("relation")? {
                "equal" => Relation::Equal,
                "merge" => Relation::Merge,
                "split" => Relation::Split,
                other => {
                    return Err(row.cell_error(
                        "relation",
                        format!("unknown relation '{other}'"),
                        "use equal, merge or split",
                    ));
                }
            };
            entries
                .entry(new)
                .or_default()
                .push((old, relation, row.text("note").to_string()));
        }
        Ok(NaicsConcordance { entries })
    }

    /// The 2007 codes that measure a 2012 code, or why none does.
    pub fn to_2007(&self, code: &str) -> Result<Vec<String>, String> {
        let Some(list) = self.entries.get(code) else {
            return Ok(vec![code.to_string()]);
        };
        if let Some((old, _, note)) = list.iter().find(|(_, r, _)| *r == Relation::Split) {
            return Err(format!(
                "NAICS 2012 {code} is only part of 2007 {old}{}",
                if note.is_empty() {
                    String::new()
                } else {
                    format!(" ({note})")
                }
            ));
        }
        Ok(list.iter().map(|(old, _, _)| old.clone()).collect())
    }
}

/// The code lists a sector's prefixes come from besides `sectors.csv`.
#[derive(Debug, Clone, Default)]
pub struct CodeLists {
    /// NAICS 2012 → 2007 concordance.
    pub naics: NaicsConcordance,
    /// NACE Rev.2 codes per sector.
    pub nace: NaceLists,
}

/// Each sector's NACE Rev.2 code prefixes (`sector_nace.csv`: `sector,nace2,note`), with the
/// reason where no code isolates the sector (an empty `nace2`).
#[derive(Debug, Clone, Default)]
pub struct NaceLists {
    entries: BTreeMap<String, (Vec<String>, String)>,
    partial: std::collections::BTreeSet<String>,
}

impl NaceLists {
    /// Reads `sector_nace.csv`; codes are 2 to 4 digits without the section letter or dots.
    pub fn load(path: &Path) -> Result<Self> {
        let file = CsvFile::open(path, &["sector", "nace2", "note"])?;
        let mut entries = BTreeMap::new();
        let mut partial = std::collections::BTreeSet::new();
        for row in file.rows() {
            let sector = row.required("sector")?.to_string();
            let codes = row.list("nace2");
            if let Some(bad) = codes
                .iter()
                .find(|c| c.len() < 2 || c.len() > 4 || !c.chars().all(|c| c.is_ascii_digit()))
            {
                return Err(row.cell_error(
                    "nace2",
                    format!("'{bad}' is not a NACE Rev.2 code"),
                    "write 2 to 4 digits without the section letter or dots (26.70 -> 2670)",
                ));
            }
            let note = row.text("note").to_string();
            match row.text("measures") {
                "part" => {
                    partial.insert(sector.clone());
                }
                "all" | "none" | "" => {}
                other => {
                    return Err(row.cell_error(
                        "measures",
                        format!("'{other}' is not all, part or none"),
                        "say whether the codes measure all of the sector, part of it, or none",
                    ));
                }
            }
            if entries.insert(sector.clone(), (codes, note)).is_some() {
                return Err(row.error(
                    format!("sector '{sector}' is listed twice"),
                    "keep one row per sector",
                ));
            }
        }
        Ok(NaceLists { entries, partial })
    }

    /// Adds one sector's codes (for tests and programmatic use).
    pub fn insert(&mut self, sector: &str, codes: &[&str], note: &str) {
        self.entries.insert(
            sector.to_string(),
            (
                codes.iter().map(|c| c.to_string()).collect(),
                note.to_string(),
            ),
        );
    }

    /// True when no industry code isolates the sector (`measures` = `part`): a statistic then
    /// measures only part of it and is combined with curated evidence (the higher is kept).
    pub fn is_partial(&self, sector: &str) -> bool {
        self.partial.contains(sector)
    }

    /// A sector's NACE prefixes, or why it has none.
    pub fn codes(&self, sector: &str) -> Result<Vec<String>, String> {
        match self.entries.get(sector) {
            None => Err("sector_nace.csv has no row for it".into()),
            Some((codes, note)) if codes.is_empty() => Err(if note.is_empty() {
                "sector_nace.csv gives no NACE codes for it".into()
            } else {
                note.clone()
            }),
            Some((codes, _)) => Ok(codes.clone()),
        }
    }
}

/// How a catalog region relates to the NUTS-2 regions it is measured on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NutsRelation {
    /// The region is the NUTS-2 region.
    Same,
    /// The region (a NUTS-1 region or a country) is the sum of the NUTS-2 regions.
    Sum,
    /// The region (a city, metro or NUTS-3 county) lies inside the NUTS-2 region and takes
    /// its figures; the note says so.
    Contains,
}

/// One catalog region's NUTS-2 regions.
#[derive(Debug, Clone, PartialEq)]
pub struct NutsRegion {
    /// The catalog region.
    pub position: RegionId,
    /// NUTS 2013 NUTS-2 codes.
    pub nuts2: Vec<String>,
    /// How the region relates to them.
    pub relation: NutsRelation,
    /// What the mapping means (for the provenance note).
    pub note: String,
}

/// Catalog regions → NUTS-2 regions (`nuts2_regions.csv`: `region_id,nuts2,relation,note`),
/// in file order.
pub fn load_nuts2_regions(path: &Path, catalog: &Catalog) -> Result<Vec<NutsRegion>> {
    let file = CsvFile::open(path, &["region_id", "nuts2", "relation"])?;
    let mut out: Vec<NutsRegion> = Vec::new();
    for row in file.rows() {
        let id = row.required("region_id")?;
        let Some(position) = catalog.region_by_id(id) else {
            return Err(row.cell_error(
                "region_id",
                format!("unknown region '{id}'"),
                "use an id from overseas_regions.csv",
            ));
        };
        if out.iter().any(|r| r.position == position) {
            return Err(row.error(
                format!("region '{id}' is listed twice"),
                "keep one row per region",
            ));
        }
        let nuts2 = row.list("nuts2");
        if nuts2.is_empty() || nuts2.iter().any(|c| c.len() != 4) {
            return Err(row.cell_error(
                "nuts2",
                format!("'{}' is not a list of NUTS-2 codes", row.text("nuts2")),
                "write 4-character NUTS 2013 codes separated by ';' (DE11;DE12)",
            ));
        }
        let relation = match row.required("relation")? {
            "same" => NutsRelation::Same,
            "sum" => NutsRelation::Sum,
            "contains" => NutsRelation::Contains,
            other => {
                return Err(row.cell_error(
                    "relation",
                    format!("unknown relation '{other}'"),
                    "use same, sum or contains",
                ));
            }
        };
        if relation != NutsRelation::Sum && nuts2.len() != 1 {
            return Err(row.cell_error(
                "nuts2",
                format!(
                    "{} codes for relation '{}'",
                    nuts2.len(),
                    row.text("relation")
                ),
                "only a 'sum' region lists several NUTS-2 codes",
            ));
        }
        out.push(NutsRegion {
            position,
            nuts2,
            relation,
            note: row.text("note").to_string(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concordance_maps_merges_and_refuses_splits() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.csv");
        std::fs::write(
            &path,
            "naics2012,naics2007,relation,note\n7225,7221,merge,\n7225,7222,merge,\n221114,221119,split,solar\n",
        )
        .unwrap();
        let c = NaicsConcordance::load(&path).unwrap();
        assert_eq!(c.to_2007("7225").unwrap(), vec!["7221", "7222"]);
        assert_eq!(c.to_2007("3391").unwrap(), vec!["3391"]);
        assert!(
            c.to_2007("221114")
                .unwrap_err()
                .contains("only part of 2007 221119")
        );
        std::fs::write(&path, "naics2012,naics2007,relation\n7225,7221,maybe\n").unwrap();
        let e = NaicsConcordance::load(&path).unwrap_err().to_string();
        assert!(e.contains(":2: column 3 (relation)"), "{e}");
    }
}
