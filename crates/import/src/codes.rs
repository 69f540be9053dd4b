//! The code lists the importers need besides `sectors.csv`: which source region code is
//! which catalog region (`data/codes/region_codes.csv`: US state FIPS, Japanese JIS, NUTS
//! 2013, and GeoNames admin-1 keys where names do not match), and the NAICS 2012 → 2007 concordance for the codes that changed
//! (`data/codes/naics2012_to_naics2007.csv`). Both are curated and committed.

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
