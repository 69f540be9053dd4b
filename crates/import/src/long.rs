//! The generic input any statistics agency can produce: a long CSV
//! `region_id,classification,industry_code,employment[,establishments]`.
//!
//! - `region_id`: a catalog region id; `TOTAL` for the reference economy (national totals).
//!   Without `TOTAL` rows the reference is the sum over the file's outermost regions (a
//!   region whose catalog parent is also in the file is not counted again).
//! - `classification`: `naics2012`, `naics2007`, `nace_r2`, `jsic` or `isic4`, one per file.
//! - `industry_code`: a code of that classification at any level; `TOTAL` for all
//!   industries of the region (otherwise the region's total is the sum of its outermost
//!   codes). A code absent for a region counts as no employment there.
//! - `employment`, `establishments`: counts ≥ 0; an empty employment cell is an error (write
//!   0 when there is none); an empty establishments cell is missing.
//!
//! Rows with an unknown region or a malformed code are skipped and counted; a wrong
//! delimiter, a wrong header, a negative or non-numeric count, a duplicate row or a second
//! classification stop the import with the file, line and column.

use super::{Cell, Classification, Dataset, Estimate, RegionData, SkipReport};
use std::collections::BTreeMap;
use std::path::Path;
use tieup_core::catalog::{Catalog, RegionId};
use tieup_core::csvin::{CsvFile, Row};
use tieup_core::error::{DataError, Error, Result};

/// The required columns.
pub const COLUMNS: [&str; 4] = ["region_id", "classification", "industry_code", "employment"];

/// One region while reading: catalog position, cells by code, TOTAL row.
type RegionRows = (Option<RegionId>, BTreeMap<String, Cell>, Option<f64>);

/// Reads a long file against a catalog; `name` and `year` become the provenance.
pub fn read(path: &Path, catalog: &Catalog, name: &str, year: u16) -> Result<Dataset> {
    tieup_core::sector::check_id(name).map_err(|m| Error::InvalidParam {
        name: "dataset",
        value: name.to_string(),
        reason: format!("{m}: use lowercase a-z, 0-9 and _ (it names the provenance)"),
    })?;
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    check_delimiter(path, &bytes)?;
    let file = CsvFile::from_bytes(path, &bytes, &COLUMNS)?;
    let mut skipped = SkipReport::default();
    let (classification, regions) = read_rows(&file, path, catalog, &mut skipped)?;
    let Some(classification) = classification else {
        return Err(file.file_error("no data rows".into(), "add rows below the header"));
    };
    let (data_regions, reference, implicit_totals) = build_regions(catalog, regions);
    let mut notes = Vec::new();
    if implicit_totals > 0 {
        notes.push(format!(
            "{implicit_totals} regions have no TOTAL row: their total is the sum of their outermost codes"
        ));
    }
    if reference.is_none() {
        notes.push(
            "no TOTAL region: the reference economy is the sum over the outermost regions".into(),
        );
    }
    notes.push("a code absent for a region counts as no employment there".into());
    Ok(Dataset {
        name: name.to_string(),
        year,
        classification,
        regions: data_regions,
        reference,
        missing_is_zero: true,
        sections_only: false,
        skipped,
        notes,
    })
}

/// A file separated by something other than commas is an error that says so.
fn check_delimiter(path: &Path, bytes: &[u8]) -> Result<()> {
    let first_line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let first_line = String::from_utf8_lossy(first_line);
    if !first_line.contains(',') {
        for (delimiter, label) in [(';', "semicolon"), ('\t', "tab"), ('|', "pipe")] {
            if first_line.contains(delimiter) {
                return Err(DataError {
                    file: path.to_path_buf(),
                    line: Some(1),
                    column: None,
                    message: format!("the file is {label}-separated, tieup reads commas"),
                    fix: format!(
                        "save it as comma-separated CSV with the header {}[,establishments]",
                        COLUMNS.join(",")
                    ),
                }
                .into());
            }
        }
    }
    Ok(())
}

/// Every row, grouped by region: (the file's classification, region key → rows).
fn read_rows(
    file: &CsvFile,
    path: &Path,
    catalog: &Catalog,
    skipped: &mut SkipReport,
) -> Result<(Option<Classification>, BTreeMap<String, RegionRows>)> {
    let has_establishments = file.has_column("establishments");
    let mut classification: Option<(Classification, u64)> = None;
    let mut regions: BTreeMap<String, RegionRows> = BTreeMap::new();
    for row in file.rows() {
        let class = row_classification(&row, &mut classification)?;
        let (employment, establishments) = counts(&row, has_establishments)?;
        let region_id = row.required("region_id")?;
        let catalog_position = if region_id == "TOTAL" {
            None
        } else {
            match catalog.region_by_id(region_id) {
                Some(p) => Some(p),
                None => {
                    skipped.add(
                        "region not in the catalog",
                        format!("{}:{}: '{region_id}'", path.display(), row.line()),
                    );
                    continue;
                }
            }
        };
        let code_text = row.required("industry_code")?;
        let entry = regions
            .entry(region_id.to_string())
            .or_insert_with(|| (catalog_position, BTreeMap::new(), None));
        if code_text == "TOTAL" {
            if entry.2.replace(employment).is_some() {
                return Err(row.error(
                    format!("two TOTAL rows for region '{region_id}'"),
                    "keep one row per region and code",
                ));
            }
            continue;
        }
        let Some(code) = class.normalise(code_text) else {
            skipped.add(
                "code malformed for the classification",
                format!("{}:{}: {class} '{code_text}'", path.display(), row.line()),
            );
            continue;
        };
        let cell = Cell {
            employment: Estimate::exact(employment),
            establishments,
        };
        if entry.1.insert(code, cell).is_some() {
            return Err(row.cell_error(
                "industry_code",
                format!("region '{region_id}' has '{code_text}' twice"),
                "keep one row per region and code",
            ));
        }
    }
    Ok((classification.map(|(c, _)| c), regions))
}

/// The row's classification, which must be the file's (the first row's, kept with its line).
fn row_classification(
    row: &Row<'_>,
    classification: &mut Option<(Classification, u64)>,
) -> Result<Classification> {
    let class_text = row.required("classification")?;
    let class = Classification::parse(class_text).ok_or_else(|| {
        row.cell_error(
            "classification",
            format!("unknown classification '{class_text}'"),
            "use naics2012, naics2007, nace_r2, jsic or isic4",
        )
    })?;
    match *classification {
        None => *classification = Some((class, row.line())),
        Some((c, line)) if c != class => {
            return Err(row.cell_error(
                "classification",
                format!("the file mixes {c} (line {line}) and {class}"),
                "give one classification per file",
            ));
        }
        _ => {}
    }
    Ok(class)
}

/// `employment` and, when the file has the column and the cell is not empty, `establishments`:
/// counts of 0 or more.
fn counts(row: &Row<'_>, has_establishments: bool) -> Result<(f64, Option<f64>)> {
    let count = |column: &str| -> Result<f64> {
        let value = row.number(column)?;
        if value < 0.0 {
            return Err(row.cell_error(
                column,
                format!("negative count {value}"),
                "counts are 0 or more",
            ));
        }
        Ok(value)
    };
    let employment = count("employment")?;
    let establishments = if has_establishments && !row.text("establishments").is_empty() {
        Some(count("establishments")?)
    } else {
        None
    };
    Ok((employment, establishments))
}

/// Regions from the grouped rows: (data regions, the TOTAL reference if given, how many
/// regions had no TOTAL row). A region nested in another region of the file is not a peer.
fn build_regions(
    catalog: &Catalog,
    regions: BTreeMap<String, RegionRows>,
) -> (Vec<RegionData>, Option<RegionData>, usize) {
    let present: Vec<RegionId> = regions.values().filter_map(|r| r.0).collect();
    let mut implicit_totals = 0usize;
    let mut reference = None;
    let mut data_regions = Vec::new();
    for (key, (position, cells, total)) in regions {
        let nested = position.is_some_and(|p| {
            let mut parent = catalog.region(p).parent;
            while let Some(q) = parent {
                if present.contains(&q) {
                    return true;
                }
                parent = catalog.region(q).parent;
            }
            false
        });
        let mut region = RegionData::new(&key, position, !nested && key != "TOTAL");
        region.total = Estimate::exact(total.unwrap_or_else(|| {
            implicit_totals += 1;
            let mut sum = 0.0;
            let mut last: Option<&str> = None;
            for (code, cell) in &cells {
                if last.is_some_and(|l| code.starts_with(l)) {
                    continue;
                }
                last = Some(code);
                sum += cell.employment.point;
            }
            sum
        }));
        region.cells = cells;
        if key == "TOTAL" {
            reference = Some(region);
        } else {
            data_regions.push(region);
        }
    }
    (data_regions, reference, implicit_totals)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/mini");
        Catalog::load(&dir).unwrap()
    }

    fn read_text(text: &str) -> Result<Dataset> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("long.csv");
        std::fs::write(&path, text).unwrap();
        read(&path, &catalog(), "test_agency", 2020)
    }

    #[test]
    fn reads_totals_nesting_and_skips() {
        let data = read_text(
            "region_id,classification,industry_code,employment,establishments\n\
             liaoning,naics2012,TOTAL,1000,\n\
             liaoning,naics2012,333511,50,4\n\
             dalian,naics2012,333511,40,3\n\
             dalian,naics2012,3391,10,\n\
             atlantis,naics2012,3391,5,1\n\
             liaoning,naics2012,33X,5,1\n",
        )
        .unwrap();
        assert_eq!(data.classification, Classification::Naics2012);
        let dalian = data.regions.iter().find(|r| r.key == "dalian").unwrap();
        assert!(!dalian.peer, "Dalian lies in Liaoning, also in the file");
        assert_eq!(dalian.total.point, 50.0);
        assert_eq!(dalian.cells["3391"].establishments, None);
        let liaoning = data.regions.iter().find(|r| r.key == "liaoning").unwrap();
        assert!(liaoning.peer);
        assert_eq!(liaoning.total.point, 1000.0);
        assert_eq!(data.skipped.reasons["region not in the catalog"].0, 1);
        assert_eq!(
            data.skipped.reasons["code malformed for the classification"].0,
            1
        );
    }

    #[test]
    fn bad_input_names_line_and_column() {
        let check = |text: &str, words: &str| {
            let e = read_text(text).unwrap_err().to_string();
            assert!(e.contains(words), "'{e}' should contain '{words}'");
        };
        let header = "region_id,classification,industry_code,employment\n";
        check(
            "region_id;classification;industry_code;employment\nskane;isic4;26;5\n",
            ":1: the file is semicolon-separated",
        );
        check(
            &format!("{header}skane,isic4,26,-5\n"),
            ":2: column 4 (employment): negative count",
        );
        check(
            &format!("{header}skane,isic4,26,\n"),
            ":2: column 4 (employment): empty value",
        );
        check(
            &format!("{header}skane,isic4,26,many\n"),
            "'many' is not a number",
        );
        check(
            &format!("{header}skane,sic,26,5\n"),
            "unknown classification 'sic'",
        );
        check(
            &format!("{header}skane,isic4,26,5\nskane,jsic,26,5\n"),
            "the file mixes isic4 (line 2) and jsic",
        );
        check(
            &format!("{header}skane,isic4,26,5\nskane,isic4,26,6\n"),
            "has '26' twice",
        );
        check(
            "region,sector,value\nskane,x,1\n",
            "missing column 'region_id'",
        );
        check(header, "no data rows");
    }
}
