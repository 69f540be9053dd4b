//! Eurostat `sbs_r_nuts06_r2` (Structural Business Statistics by NUTS-2 region and NACE
//! Rev.2, local units): persons employed (`V16110`) by NACE division, 2008-2015, in the
//! gzipped bulk TSV `eurostat_sbs/sbs_r_nuts06_r2.tsv.gz`.
//!
//! Rules (documented in `data/README.md`):
//! - **Year:** one year per country, [`PREFERRED_YEAR`] where the country's NUTS-2 regions
//!   publish every business-economy section that year, otherwise the latest year they do;
//!   every value's provenance names its year.
//! - **Peers** are the NUTS-2 regions with figures in their country's year; the comparison
//!   area of the LQ is all of them together (the profile sums the peers).
//! - **Total** of a region is its business economy as SBS covers it: sections B to N
//!   without K, plus S95. A region without every section is left out.
//! - **Confidential** values (`: c`) are ranges from 0 to the figure the parent leaves for
//!   them (the NUTS-1 region's value minus its other NUTS-2 regions' published values, or
//!   else the national one's), never zero; with no parent figure they are missing. Other
//!   `:` values are missing.
//! - Catalog regions are built by [`crate::nuts::catalog_regions`].

use super::codes::NutsRegion;
use super::{Cell, Classification, Dataset, Estimate, RegionData, SkipReport};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use tieup_core::catalog::Catalog;
use tieup_core::error::{Error, Result};

/// Dataset key for provenance.
pub const DATASET: &str = "eurostat_sbs";
/// The year taken where a country has it (the best-covered year of the table).
pub const PREFERRED_YEAR: u16 = 2014;
/// Persons employed.
pub const INDICATOR: &str = "V16110";
/// The sections whose sum is a region's total (SBS's business economy).
pub const TOTAL_SECTIONS: [&str; 13] = [
    "B", "C", "D", "E", "F", "G", "H", "I", "J", "L", "M", "N", "S95",
];

/// One published value.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Value {
    Exact(f64),
    Confidential,
}

/// (geo, code) → value per year column.
type Table = BTreeMap<(String, String), Vec<Option<Value>>>;

fn parse_value(raw: &str) -> std::result::Result<Option<Value>, String> {
    let raw = raw.trim();
    let (number, flags) = raw.split_once(' ').unwrap_or((raw, ""));
    if number == ":" {
        return Ok(flags.contains('c').then_some(Value::Confidential));
    }
    let value: f64 = number
        .parse()
        .map_err(|_| format!("'{raw}' is not a number with optional flags"))?;
    if value < 0.0 {
        return Err(format!("negative value {value}"));
    }
    Ok(Some(Value::Exact(value)))
}

fn read_table(path: &Path) -> Result<(Vec<u16>, Table)> {
    let rows = crate::tsv::read(path, false)?;
    let error = |line: usize, message: String, fix: &str| {
        Error::data(path, Some(line as u64), message, fix)
    };
    let mut lines = rows.iter();
    let header = lines
        .next()
        .ok_or_else(|| error(1, "the file is empty".into(), "give the Eurostat bulk TSV"))?;
    if !header.get(0).starts_with("nace_r2,indic_sb,geo") {
        return Err(error(
            1,
            format!(
                "the header starts with '{}', not 'nace_r2,indic_sb,geo\\time'",
                header.get(0)
            ),
            "give the bulk-download TSV of sbs_r_nuts06_r2",
        ));
    }
    let years: Vec<u16> = (1..header.len())
        .map(|i| {
            header.get(i).trim().parse::<u16>().map_err(|_| {
                error(
                    1,
                    format!("column {} is not a year", i + 1),
                    "year columns are headed 2015 ... 2008",
                )
            })
        })
        .collect::<Result<_>>()?;
    let mut table = Table::new();
    for row in lines {
        let keys: Vec<&str> = row.get(0).split(',').collect();
        let [code, indicator, geo] = keys.as_slice() else {
            return Err(error(
                row.line,
                format!("'{}' is not nace_r2,indic_sb,geo", row.get(0)),
                "the first field joins three keys",
            ));
        };
        if *indicator != INDICATOR {
            continue;
        }
        if row.len() != header.len() {
            return Err(error(
                row.line,
                format!("{} fields, the header has {}", row.len(), header.len()),
                "keep one value per year",
            ));
        }
        let values = (1..row.len())
            .map(|i| parse_value(row.get(i)))
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|m| error(row.line, m, "values are like '123', '123 d', ': c' or ':'"))?;
        table.insert((geo.to_string(), code.to_string()), values);
    }
    Ok((years, table))
}

/// The NACE division (`C29` → `29`) or total section of a code; `None` for groups and
/// other aggregates.
fn division(code: &str) -> Option<String> {
    let digits = code.trim_start_matches(|c: char| c.is_ascii_uppercase());
    (digits.len() == 2 && digits.chars().all(|c| c.is_ascii_digit()) && code.len() == 3)
        .then(|| digits.to_string())
}

/// A NUTS-2 code of a country (not an extra-regio `ZZ` unit).
fn is_nuts2(geo: &str) -> bool {
    geo.len() == 4 && !geo.ends_with('Z') && geo.chars().all(|c| c.is_ascii_alphanumeric())
}

/// Per country, the column of its year: the preferred year where any of its NUTS-2 regions
/// publishes every business-economy section there (a value or a confidential cell), else the
/// latest year where one does.
fn country_years(years: &[u16], table: &Table) -> BTreeMap<String, usize> {
    let mut available: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    let geos: BTreeSet<&String> = table
        .keys()
        .map(|(g, _)| g)
        .filter(|g| is_nuts2(g))
        .collect();
    for geo in geos {
        for column in 0..years.len() {
            let complete = TOTAL_SECTIONS.iter().all(|section| {
                table
                    .get(&(geo.to_string(), section.to_string()))
                    .is_some_and(|v| v[column].is_some())
            });
            if complete {
                available
                    .entry(geo[..2].to_string())
                    .or_default()
                    .insert(column);
            }
        }
    }
    available
        .into_iter()
        .map(|(country, columns)| {
            let column = columns
                .iter()
                .copied()
                .find(|&i| years[i] == PREFERRED_YEAR)
                .or_else(|| columns.iter().copied().max_by_key(|&i| years[i]))
                .expect("non-empty");
            (country, column)
        })
        .collect()
}

/// The bound of a confidential NUTS-2 value: what its NUTS-1 parent (or else the country)
/// leaves after the published values of its other NUTS-2 regions.
fn confidential_bound(
    table: &Table,
    geo: &str,
    code: &str,
    column: usize,
    nuts2: &[&String],
) -> Option<f64> {
    let exact = |g: &str| match table
        .get(&(g.to_string(), code.to_string()))
        .and_then(|v| v[column])
    {
        Some(Value::Exact(x)) => Some(x),
        _ => None,
    };
    for parent in [&geo[..3], &geo[..2]] {
        if let Some(total) = exact(parent) {
            let others: f64 = nuts2
                .iter()
                .filter(|g| g.starts_with(parent) && g.as_str() != geo)
                .filter_map(|g| exact(g))
                .sum();
            return Some((total - others).max(0.0));
        }
    }
    None
}

/// Reads the table into NUTS-2 peers plus the catalog regions of `mapping` (those `accept`
/// lets through).
pub fn read(
    path: &Path,
    mapping: &[NutsRegion],
    catalog: &Catalog,
    accept: &dyn Fn(&NutsRegion) -> std::result::Result<(), String>,
) -> Result<Dataset> {
    let (years, table) = read_table(path)?;
    let columns = country_years(&years, &table);
    let mut skipped = SkipReport::default();
    let nuts2: Vec<&String> = {
        let set: BTreeSet<&String> = table
            .keys()
            .map(|(g, _)| g)
            .filter(|g| is_nuts2(g))
            .collect();
        set.into_iter().collect()
    };
    let mut peers: BTreeMap<String, RegionData> = BTreeMap::new();
    let mut confidential = 0usize;
    for geo in &nuts2 {
        let Some(&column) = columns.get(&geo[..2]) else {
            continue;
        };
        let found = peer_region(&table, &nuts2, geo, column, years[column]);
        confidential += found.confidential;
        match found.region {
            Ok(region) => {
                peers.insert(geo.to_string(), region);
            }
            Err(skip) => skipped.add(
                "NUTS-2 region without every business-economy section in its year (left out of the comparison area)",
                skip,
            ),
        }
    }
    let mut regions: Vec<RegionData> = peers.values().cloned().collect();
    regions.extend(crate::nuts::catalog_regions(
        &peers,
        mapping,
        catalog,
        accept,
        &mut skipped,
    ));
    let notes = notes(&years, &columns, peers.len(), confidential);
    Ok(Dataset {
        name: DATASET.into(),
        year: PREFERRED_YEAR,
        classification: Classification::Nace2,
        regions,
        reference: None,
        missing_is_zero: false,
        sections_only: false,
        skipped,
        notes,
    })
}

/// One NUTS-2 region of the comparison area in its country's year, with how many of its
/// cells were confidential (read as a range); `Err` names the region and year when a
/// business-economy section is missing.
struct PeerRegion {
    region: std::result::Result<RegionData, String>,
    confidential: usize,
}

fn peer_region(
    table: &Table,
    nuts2: &[&String],
    geo: &str,
    column: usize,
    year: u16,
) -> PeerRegion {
    let mut confidential = 0usize;
    let mut region = RegionData::new(geo, None, true);
    region.year = (year != PREFERRED_YEAR).then_some(year);
    let mut cell_of = |code: &str| -> Option<Estimate> {
        match table
            .get(&(geo.to_string(), code.to_string()))
            .and_then(|v| v[column])
        {
            Some(Value::Exact(x)) => Some(Estimate::exact(x)),
            Some(Value::Confidential) => {
                let bound = confidential_bound(table, geo, code, column, nuts2)?;
                confidential += 1;
                Some(Estimate::range(0.0, bound))
            }
            None => None,
        }
    };
    let mut total = Some(Estimate::default());
    for section in TOTAL_SECTIONS {
        total = total.zip(cell_of(section)).map(|(a, b)| a + b);
    }
    let Some(total) = total.filter(|t| t.point > 0.0) else {
        return PeerRegion {
            region: Err(format!("{geo} {year}")),
            confidential,
        };
    };
    region.total = total;
    let codes: BTreeSet<&String> = table
        .keys()
        .filter(|(g, _)| g == geo)
        .map(|(_, c)| c)
        .collect();
    for code in codes {
        let Some(d) = division(code) else { continue };
        if let Some(employment) = cell_of(code) {
            region.cells.insert(
                d,
                Cell {
                    employment,
                    establishments: None,
                },
            );
        }
    }
    PeerRegion {
        region: Ok(region),
        confidential,
    }
}

/// The dataset's notes: the year taken per country, the comparison area, confidential cells.
fn notes(
    years: &[u16],
    columns: &BTreeMap<String, usize>,
    n_peers: usize,
    confidential: usize,
) -> Vec<String> {
    let mut by_year: BTreeMap<u16, Vec<&str>> = BTreeMap::new();
    for (country, column) in columns {
        by_year.entry(years[*column]).or_default().push(country);
    }
    let mut notes: Vec<String> = by_year
        .iter()
        .map(|(year, countries)| format!("year {year}: {}", countries.join(" ")))
        .collect();
    notes.push(format!(
        "comparison area: the {n_peers} NUTS-2 regions with figures, together; total = business economy (sections B-N without K, plus S95)"
    ));
    notes.push(format!(
        "{confidential} confidential values read as ranges bounded by the NUTS-1 or national figure, midpoint used"
    ));
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "nace_r2,indic_sb,geo\\time\t2015 \t2014 \t2013 \n";

    fn rows(geo: &str, total: [&str; 3], c29: [&str; 3]) -> String {
        let mut out = String::new();
        for section in TOTAL_SECTIONS {
            let v = if section == "C" {
                total
            } else {
                ["1 ", "1 ", "1 "]
            };
            out.push_str(&format!(
                "{section},V16110,{geo}\t{}\t{}\t{}\n",
                v[0], v[1], v[2]
            ));
        }
        out.push_str(&format!(
            "C29,V16110,{geo}\t{}\t{}\t{}\n",
            c29[0], c29[1], c29[2]
        ));
        out
    }

    #[test]
    fn preferred_year_confidential_ranges_and_missing_values() {
        let text = format!(
            "{HEADER}{}{}{}{}C29,V11210,DE11\t5 \t5 \t5 \n",
            rows("DE1", ["90 ", "88 ", "80 "], ["40 ", "40 ", "40 "]),
            rows("DE11", ["60 ", "58 ", "50 "], ["30 ", "30 ", "30 "]),
            rows("DE12", ["30 ", "30 ", "30 "], [": c", ": c", ": c"]),
            rows("IE01", [": ", ": ", "20 "], [": ", ": ", "4 "]),
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.tsv");
        std::fs::write(&path, text).unwrap();
        let catalog =
            Catalog::load_curated(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data"))
                .unwrap();
        let data = read(&path, &[], &catalog, &|_| Ok(())).unwrap();
        let by_key = |k: &str| data.regions.iter().find(|r| r.key == k).unwrap();
        let de11 = by_key("DE11");
        assert_eq!(de11.year, None, "2014 is the preferred year");
        assert_eq!(de11.total.point, 58.0 + 12.0);
        assert_eq!(de11.cells["29"].employment.point, 30.0);
        let de12 = by_key("DE12");
        let c = de12.cells["29"].employment;
        assert_eq!(
            (c.low, c.high),
            (0.0, 10.0),
            "confidential: bounded by DE1 minus DE11"
        );
        let ie = by_key("IE01");
        assert_eq!(ie.year, Some(2013), "the latest year the country has");
        assert_eq!(ie.cells["29"].employment.point, 4.0);
        assert!(data.regions.iter().all(|r| r.key.len() == 4));
    }

    #[test]
    fn values_parse_flags_and_refuse_garbage() {
        assert_eq!(parse_value("12 d").unwrap(), Some(Value::Exact(12.0)));
        assert_eq!(parse_value(": c").unwrap(), Some(Value::Confidential));
        assert_eq!(parse_value(": ").unwrap(), None);
        assert!(parse_value("x").is_err());
        assert_eq!(division("C29").as_deref(), Some("29"));
        assert_eq!(division("G451"), None);
        assert_eq!(division("C"), None);
    }
}
