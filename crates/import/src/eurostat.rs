//! Eurostat `lfst_r_lfe2en2` (Labour Force Survey): employment in thousands by NUTS region
//! and NACE Rev.2 *section* (`eurostat/lfst_r_lfe2en2_Y_GE15.tsv`, bulk TSV).
//!
//! Sections are coarse (manufacturing is one block inside `B-E`), so a tieup sector gets a
//! value only where a published section is exactly its ISIC divisions; with the shipped
//! sectors none is, and the coverage report says so. The section LQs of the catalog's
//! European regions (against EU28) are still written to `eurostat_sections_<year>.csv` as a
//! reference. Values `:` (not available, also `: c` confidential) are missing, never zero;
//! `u` (low reliability) values are kept and counted.

use super::codes::RegionCodes;
use super::{Cell, Classification, Dataset, Estimate, RegionData, SkipReport, lq};
use std::collections::BTreeMap;
use std::path::Path;
use tieup_core::catalog::{Catalog, RegionId};
use tieup_core::error::Result;

/// Dataset key for provenance.
pub const DATASET: &str = "eurostat_lfst_r_lfe2en2";
/// The aggregate used as the reference economy.
pub const REFERENCE: &str = "EU28";

/// Reads the TSV, taking the newest year column.
pub fn read(path: &Path, codes: &RegionCodes) -> Result<Dataset> {
    let rows = crate::tsv::read(path, false)?;
    let error = |line: usize, message: String, fix: &str| {
        tieup_core::error::Error::data(path, Some(line as u64), message, fix)
    };
    let mut lines = rows.iter();
    let header = lines
        .next()
        .ok_or_else(|| error(1, "the file is empty".into(), "give the Eurostat bulk TSV"))?;
    let columns: Vec<&str> = header.fields.iter().collect();
    let (year_index, year) = newest_year(path, &columns)?;
    let mut skipped = SkipReport::default();
    let mut low_reliability = 0usize;
    let mut regions: BTreeMap<String, RegionData> = BTreeMap::new();
    for row in lines {
        let number = row.line;
        let fields: Vec<&str> = row.fields.iter().collect();
        if fields.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if fields.len() != columns.len() {
            return Err(error(
                number,
                format!("{} fields, the header has {}", fields.len(), columns.len()),
                "keep every row tab-separated with one value per year",
            ));
        }
        let keys: Vec<&str> = fields[0].split(',').collect();
        let [unit, nace_code, _age, geo] = keys.as_slice() else {
            return Err(error(
                number,
                format!("'{}' is not unit,nace_r2,age,geo", fields[0]),
                "the first field joins four keys with commas",
            ));
        };
        if *unit != "THS" {
            skipped.add("unit other than THS", format!("line {number}: {unit}"));
            continue;
        }
        let raw = fields[year_index].trim();
        let Some((value, low)) = employment(path, number, raw)? else {
            skipped.add(
                "value not available (:) in the newest year: missing, not zero",
                format!("line {number}: {nace_code} {geo}"),
            );
            continue;
        };
        if low {
            low_reliability += 1;
        }
        add_value(
            &mut regions,
            codes,
            &mut skipped,
            number,
            nace_code,
            geo,
            value,
        );
    }
    let reference = regions.remove(REFERENCE).ok_or_else(|| {
        error(
            1,
            format!("no {REFERENCE} rows: the reference economy is missing"),
            "give the full TSV including the EU28 aggregate",
        )
    })?;
    let regions: Vec<RegionData> = regions.into_values().collect();
    Ok(dataset(year, regions, reference, skipped, low_reliability))
}

/// The value of the newest year: `None` when not available (`:`), else the employment and
/// whether it is flagged of low reliability (`u`).
fn employment(path: &Path, number: usize, raw: &str) -> Result<Option<(f64, bool)>> {
    let error = |message: String, fix: &str| {
        tieup_core::error::Error::data(path, Some(number as u64), message, fix)
    };
    let (value_text, flags) = raw.split_once(' ').unwrap_or((raw, ""));
    if value_text == ":" {
        return Ok(None);
    }
    let value: f64 = value_text.parse().map_err(|_| {
        error(
            format!("'{raw}' is not a number with optional flags"),
            "values are like '12.3', '12.3 u' or ':'",
        )
    })?;
    if value < 0.0 {
        return Err(error(
            format!("negative employment {value}"),
            "employment is 0 or more",
        ));
    }
    Ok(Some((value, flags.contains('u'))))
}

/// Adds one value to its region (aggregates other than the reference economy are dropped).
fn add_value(
    regions: &mut BTreeMap<String, RegionData>,
    codes: &RegionCodes,
    skipped: &mut SkipReport,
    number: usize,
    nace_code: &str,
    geo: &str,
    value: f64,
) {
    let is_aggregate = !geo.chars().take(2).all(|c| c.is_ascii_uppercase())
        || geo.starts_with("EU")
        || geo.starts_with("EA");
    if is_aggregate && geo != REFERENCE {
        return;
    }
    let region = regions
        .entry(geo.to_string())
        .or_insert_with(|| RegionData::new(geo, codes.lookup("nuts2013", geo), geo.len() == 4));
    match nace_code {
        "TOTAL" => region.total = Estimate::exact(value),
        "NRP" => {}
        section => {
            if super::nace::section_divisions(section).is_none() {
                skipped.add("unknown NACE section", format!("line {number}: {section}"));
                return;
            }
            region.cells.insert(
                section.to_string(),
                Cell {
                    employment: Estimate::exact(value),
                    establishments: None,
                },
            );
        }
    }
}

/// The dataset with its notes: sections published, regions mapped, low-reliability values.
fn dataset(
    year: u16,
    regions: Vec<RegionData>,
    reference: RegionData,
    skipped: SkipReport,
    low_reliability: usize,
) -> Dataset {
    let mapped = regions.iter().filter(|r| r.catalog.is_some()).count();
    let sections: Vec<String> = regions
        .iter()
        .flat_map(|r| r.cells.keys().cloned())
        .collect::<std::collections::BTreeSet<String>>()
        .into_iter()
        .collect();
    Dataset {
        name: DATASET.into(),
        year,
        classification: Classification::NaceR2,
        regions,
        reference: Some(reference),
        missing_is_zero: false,
        sections_only: true,
        skipped,
        notes: vec![
            format!("sections published: {}", sections.join(", ")),
            format!(
                "{mapped} NUTS regions are catalog regions (data/codes/region_codes.csv, scheme nuts2013)"
            ),
            format!("{low_reliability} values of {year} are flagged u (low reliability) and kept"),
        ],
    }
}

/// Checks the header (`unit,nace_r2,age,geo\time` then years) and returns the newest year's
/// column and the year.
fn newest_year(path: &Path, columns: &[&str]) -> Result<(usize, u16)> {
    let error =
        |message: String, fix: &str| tieup_core::error::Error::data(path, Some(1), message, fix);
    if columns.len() < 2 || !columns[0].starts_with("unit,nace_r2,age,geo") {
        return Err(error(
            format!(
                "the header starts with '{}', not 'unit,nace_r2,age,geo\\time' and tab-separated years",
                columns[0].chars().take(40).collect::<String>()
            ),
            "give the bulk-download TSV of lfst_r_lfe2en2 (tab-separated)",
        ));
    }
    let years: Vec<u16> = columns[1..]
        .iter()
        .enumerate()
        .map(|(i, y)| {
            y.trim().parse::<u16>().map_err(|_| {
                error(
                    format!("column {} header '{}' is not a year", i + 2, y.trim()),
                    "year columns are headed by a year such as 2015",
                )
            })
        })
        .collect::<Result<_>>()?;
    Ok(years
        .iter()
        .enumerate()
        .max_by_key(|(_, y)| **y)
        .map(|(i, y)| (i + 1, *y))
        .expect("at least one year column"))
}

/// The section LQs (against EU28) of the catalog's European regions: a reference file,
/// not read by the catalog.
pub fn sections_csv(dataset: &Dataset, catalog: &Catalog) -> String {
    let mut out =
        crate::csvout::CsvText::new("region_id,nuts,section,employment_ths,lq_eu28,provenance");
    let Some(reference) = &dataset.reference else {
        return out.finish();
    };
    let mut rows: Vec<(RegionId, &RegionData)> = dataset
        .regions
        .iter()
        .filter_map(|r| r.catalog.map(|c| (c, r)))
        .collect();
    rows.sort_by_key(|(c, r)| (*c, r.key.clone()));
    for (position, region) in rows {
        for (section, cell) in &region.cells {
            let Some(reference_cell) = reference.cells.get(section) else {
                continue;
            };
            let Some(value) = lq::location_quotient(
                cell.employment.point,
                region.total.point,
                reference_cell.employment.point,
                reference.total.point,
            ) else {
                continue;
            };
            out.row([
                catalog.region(position).id.clone(),
                region.key.clone(),
                section.to_string(),
                format!("{:.1}", cell.employment.point),
                format!("{value:.4}"),
                dataset.provenance().to_string(),
            ]);
        }
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "unit,nace_r2,age,geo\\time\t2015 \t2014 \n";

    fn read_text(text: &str) -> Result<Dataset> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("e.tsv");
        std::fs::write(&path, text).unwrap();
        let mut codes = RegionCodes::default();
        codes.insert("nuts2013", "DE11", RegionId::from_index(3));
        read(&path, &codes)
    }

    #[test]
    fn newest_year_flags_and_missing_values() {
        let data = read_text(&format!(
            "{HEADER}THS,TOTAL,Y_GE15,EU28\t1000.0 \t990.0 \n\
             THS,J,Y_GE15,EU28\t30.0 \t29.0 \n\
             THS,TOTAL,Y_GE15,DE11\t10.0 b\t9.0 \n\
             THS,J,Y_GE15,DE11\t0.6 u\t0.5 \n\
             THS,K,Y_GE15,DE11\t: \t0.5 \n\
             THS,J,Y_GE15,EA19\t20.0 \t19.0 \n"
        ))
        .unwrap();
        assert_eq!(data.year, 2015);
        assert_eq!(data.regions.len(), 1);
        let de11 = &data.regions[0];
        assert!(de11.peer);
        assert_eq!(de11.catalog, Some(RegionId::from_index(3)));
        assert_eq!(de11.cells["J"].employment.point, 0.6);
        assert!(!de11.cells.contains_key("K"), "':' is missing, not zero");
        assert_eq!(data.skipped.total(), 1);
        assert!(data.notes[2].starts_with("1 values"));
    }

    #[test]
    fn wrong_format_is_an_error() {
        let e = read_text("unit;nace_r2;age;geo\n").unwrap_err().to_string();
        assert!(e.contains(":1: the header starts with"), "{e}");
        let e = read_text(&format!("{HEADER}THS,J,Y_GE15,DE11\tabc\t1\n"))
            .unwrap_err()
            .to_string();
        assert!(e.contains(":2: 'abc' is not a number"), "{e}");
        let e = read_text(&format!("{HEADER}THS,J,Y_GE15,DE11\t1.0 \t1.0 \n"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("no EU28 rows"), "{e}");
    }
}
