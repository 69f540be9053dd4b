//! US County Business Patterns, state level (`cbp_state_2011.csv` in the raw files): mid-March
//! employment and establishments by state and NAICS 2007 code, all levels from 2 to 6 digits.
//!
//! Withheld cells (`emp_nf` D or S, employment written as 0) are read as ranges from their
//! employment-size class (`empflag`: A 0–19 … L 50,000–99,999, M 100,000 or more), never as
//! zero. The upper bound is then tightened, where the parent code is published, to the
//! parent's employment minus what its other children publish (or at least must have); the
//! point estimate is the midpoint of the bounds. CBP adds noise of up to a few per cent to
//! published cells, so the bounds are as good as that. A code with no row for a state means
//! no establishments there (CBP publishes no empty cells).

use super::codes::RegionCodes;
use super::{Cell, Classification, Dataset, Estimate, RegionData, SkipReport};
use std::collections::BTreeMap;
use std::path::Path;
use tieup_core::csvin::{CsvFile, Row};
use tieup_core::error::Result;

/// Dataset key for provenance.
pub const DATASET: &str = "us_cbp";

/// Employment-size class of a withheld cell: lower bound and upper bound (`None`: open).
///
/// ```
/// assert_eq!(tieup_import::cbp::size_class("F"), Some((500.0, Some(999.0))));
/// assert_eq!(tieup_import::cbp::size_class("M"), Some((100_000.0, None)));
/// assert_eq!(tieup_import::cbp::size_class("D"), None);
/// ```
pub fn size_class(flag: &str) -> Option<(f64, Option<f64>)> {
    Some(match flag {
        "A" => (0.0, Some(19.0)),
        "B" => (20.0, Some(99.0)),
        "C" => (100.0, Some(249.0)),
        "E" => (250.0, Some(499.0)),
        "F" => (500.0, Some(999.0)),
        "G" => (1_000.0, Some(2_499.0)),
        "H" => (2_500.0, Some(4_999.0)),
        "I" => (5_000.0, Some(9_999.0)),
        "J" => (10_000.0, Some(24_999.0)),
        "K" => (25_000.0, Some(49_999.0)),
        "L" => (50_000.0, Some(99_999.0)),
        "M" => (100_000.0, None),
        _ => return None,
    })
}

/// The CBP parent of a normalised NAICS code: one digit shorter, with the 2-digit sectors
/// 31-33, 44-45 and 48-49 under their first code; `None` for a 2-digit code (its parent is
/// the state total).
fn parent(code: &str) -> Option<String> {
    match code.len() {
        0..=2 => None,
        3 => Some(match &code[..2] {
            "32" | "33" => "31".to_string(),
            "45" => "44".to_string(),
            "49" => "48".to_string(),
            two => two.to_string(),
        }),
        n => Some(code[..n - 1].to_string()),
    }
}

/// One state while reading: its total row, and its cells (withheld ones remember whether
/// their size class is open-ended).
type StateCells = (Option<Estimate>, BTreeMap<String, (Cell, bool)>);

/// Reads the state file. States are mapped to catalog regions through the `fips` scheme;
/// every state is kept (unmapped ones still count in the national reference).
pub fn read(path: &Path, codes: &RegionCodes) -> Result<Dataset> {
    let file = CsvFile::open(
        path,
        &[
            "naics", "emp", "emp_nf", "empflag", "est", "fipstate", "year",
        ],
    )?;
    let mut skipped = SkipReport::default();
    let mut year: Option<u16> = None;
    // state → (total, cells); withheld cells remember their open upper bound.
    let mut states: BTreeMap<u8, StateCells> = BTreeMap::new();
    for row in file.rows() {
        let where_ = || format!("{}:{}", path.display(), row.line());
        let row_year = row.number("year")? as u16;
        match year {
            None => year = Some(row_year),
            Some(y) if y != row_year => {
                skipped.add("row of another year than the file's first row", where_());
                continue;
            }
            _ => {}
        }
        let Some(parsed) = read_row(&row, path, &mut skipped)? else {
            continue;
        };
        let state = states.entry(parsed.fips).or_default();
        match parsed.code {
            None => state.0 = Some(parsed.cell.employment),
            Some(code) => {
                if state.1.insert(code, (parsed.cell, parsed.open)).is_some() {
                    return Err(row.error(
                        format!(
                            "state {} has two rows for NAICS {}",
                            parsed.fips,
                            row.text("naics")
                        ),
                        "keep one row per state and code",
                    ));
                }
            }
        }
    }
    let mut regions = Vec::new();
    let mut withheld_cells = 0usize;
    for (fips, (total, cells)) in states {
        let key = format!("{fips:02}");
        let Some(total) = total else {
            return Err(file.file_error(
                format!("state {key} has no all-sector total row (naics ------)"),
                "include the total row of every state",
            ));
        };
        let catalog = codes.lookup("fips", &key);
        if catalog.is_none() {
            skipped.add(
                "state not in the catalog (kept in the US reference)",
                format!("FIPS {key}"),
            );
        }
        let mut region = RegionData::new(&key, catalog, true);
        region.total = total;
        region.cells = tighten(&cells, total, &mut withheld_cells);
        regions.push(region);
    }
    Ok(Dataset {
        name: DATASET.into(),
        year: year.unwrap_or(0),
        classification: Classification::Naics2007,
        regions,
        reference: None,
        missing_is_zero: true,
        sections_only: false,
        skipped,
        notes: vec![format!(
            "{withheld_cells} state-industry cells have withheld employment: read as size-class ranges (upper bound tightened from the parent code), midpoint used"
        )],
    })
}

/// One usable CBP row: its state, its code (None for the all-sector total), its cell and
/// whether a withheld cell's upper bound is open.
struct CbpRow {
    fips: u8,
    code: Option<String>,
    cell: Cell,
    open: bool,
}

/// Reads one row; `None` for a row that is skipped (and counted in `skipped`).
fn read_row(row: &Row<'_>, path: &Path, skipped: &mut SkipReport) -> Result<Option<CbpRow>> {
    let where_ = || format!("{}:{}", path.display(), row.line());
    let fips_text = row.required("fipstate")?;
    let fips: u8 = fips_text
        .parse()
        .ok()
        .filter(|f| (1..=78).contains(f))
        .ok_or_else(|| {
            row.cell_error(
                "fipstate",
                format!("'{fips_text}' is not a state FIPS code"),
                "write the state's FIPS number, e.g. 6 for California",
            )
        })?;
    let raw_code = row.required("naics")?;
    let is_total = raw_code.chars().all(|c| c == '-' || c == '/');
    let code = if is_total {
        None
    } else {
        match Classification::Naics2007.normalise(raw_code) {
            Some(code) => Some(code),
            None => {
                skipped.add("unknown NAICS code", format!("{}: '{raw_code}'", where_()));
                return Ok(None);
            }
        }
    };
    let employment_value = row.number("emp")?;
    if employment_value < 0.0 {
        return Err(row.cell_error(
            "emp",
            format!("negative employment {employment_value}"),
            "employment counts are 0 or more",
        ));
    }
    let establishments = row.number("est")?;
    if establishments < 0.0 {
        return Err(row.cell_error(
            "est",
            format!("negative establishment count {establishments}"),
            "establishment counts are 0 or more",
        ));
    }
    let withheld = matches!(row.text("emp_nf"), "D" | "S");
    let (employment, open) = if withheld {
        match size_class(row.text("empflag")) {
            Some((low, Some(high))) => (Estimate::range(low, high), false),
            Some((low, None)) => (Estimate::range(low, low), true),
            None => {
                skipped.add(
                    "withheld employment without a size class (empflag)",
                    format!("{}: {raw_code}", where_()),
                );
                return Ok(None);
            }
        }
    } else {
        (Estimate::exact(employment_value), false)
    };
    if is_total && withheld {
        return Err(row.cell_error(
            "emp_nf",
            "the state total is withheld".into(),
            "the all-sector total must be published; check the file",
        ));
    }
    Ok(Some(CbpRow {
        fips,
        code,
        cell: Cell {
            employment,
            establishments: Some(establishments),
        },
        open,
    }))
}

/// Withheld cells as ranges: the upper bound is what the parent code (or the state total)
/// leaves after the published lower bounds of the sibling codes.
fn tighten(
    cells: &BTreeMap<String, (Cell, bool)>,
    total: Estimate,
    withheld_cells: &mut usize,
) -> BTreeMap<String, Cell> {
    cells
        .iter()
        .map(|(code, (cell, open))| {
            let mut cell = cell.clone();
            if cell.employment.is_exact() && !open {
                return (code.clone(), cell);
            }
            *withheld_cells += 1;
            let parent_value = match parent(code) {
                None => Some(total.point),
                Some(p) => cells
                    .get(&p)
                    .filter(|(c, o)| c.employment.is_exact() && !o)
                    .map(|(c, _)| c.employment.point),
            };
            let mut high = if *open {
                total.point
            } else {
                cell.employment.high
            };
            if let Some(parent_value) = parent_value {
                let others: f64 = cells
                    .iter()
                    .filter(|(other, _)| {
                        *other != code && other.len() == code.len() && parent(other) == parent(code)
                    })
                    .map(|(_, (c, _))| c.employment.low)
                    .sum();
                high = high.min(parent_value - others);
            }
            let low = cell.employment.low;
            cell.employment = Estimate::range(low, high.max(low));
            (code.clone(), cell)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "naics,ap,ap_nf,emp,emp_nf,empflag,est,fipstate,year\n";

    fn read_text(text: &str) -> Result<Dataset> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cbp.csv");
        std::fs::write(&path, text).unwrap();
        let mut codes = RegionCodes::default();
        codes.insert("fips", "06", tieup_core::catalog::RegionId::from_index(7));
        read(&path, &codes)
    }

    #[test]
    fn withheld_cells_are_ranges_tightened_by_the_parent() {
        let data = read_text(&format!(
            "{HEADER}------,1,G,10000,G,,500,6,2011\n\
             3391--,1,G,1200,G,,30,6,2011\n\
             33911-,1,G,1000,G,,20,6,2011\n\
             33912-,0,D,0,D,F,10,6,2011\n\
             ------,1,G,5000,G,,200,2,2011\n"
        ))
        .unwrap();
        assert_eq!(data.regions.len(), 2);
        let ca = data.regions.iter().find(|r| r.key == "06").unwrap();
        assert_eq!(
            ca.catalog,
            Some(tieup_core::catalog::RegionId::from_index(7))
        );
        let cell = &ca.cells["33912"];
        // Class F is 500-999, but the parent 3391 (1,200) minus 33911 (1,000) leaves 200:
        // the bound becomes [500, 500].
        assert_eq!(cell.employment.low, 500.0);
        assert_eq!(cell.employment.high, 500.0);
        assert!(
            data.skipped
                .reasons
                .contains_key("state not in the catalog (kept in the US reference)")
        );
    }

    #[test]
    fn open_size_class_is_bounded_by_the_state_total() {
        let data = read_text(&format!(
            "{HEADER}------,1,G,300000,G,,500,6,2011\n44----,0,D,0,D,M,30,6,2011\n"
        ))
        .unwrap();
        let cell = &data.regions[0].cells["44"];
        assert_eq!(
            (cell.employment.low, cell.employment.high),
            (100_000.0, 300_000.0)
        );
    }

    #[test]
    fn bad_rows_are_errors_or_counted_skips() {
        let e = read_text(&format!("{HEADER}------,1,G,-5,G,,500,6,2011\n"))
            .unwrap_err()
            .to_string();
        assert!(e.contains(":2: column 4 (emp): negative employment"), "{e}");
        let e = read_text(&format!("{HEADER}------,1,G,5,G,,500,XX,2011\n"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("not a state FIPS code"), "{e}");
        let data = read_text(&format!(
            "{HEADER}------,1,G,5000,G,,500,6,2011\n33A1--,1,G,5,G,,1,6,2011\n3391--,0,D,0,D,,1,6,2011\n"
        ))
        .unwrap();
        assert_eq!(data.skipped.reasons["unknown NAICS code"].0, 1);
        assert_eq!(
            data.skipped.reasons["withheld employment without a size class (empflag)"].0,
            1
        );
        let e = read_text("naics;emp;est\n").unwrap_err().to_string();
        assert!(e.contains("missing column"), "{e}");
    }
}
