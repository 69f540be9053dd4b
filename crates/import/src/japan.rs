//! Japan: employees and establishments by JSIC Rev.13 minor group (3 digits) per prefecture
//! and seven cities, from the 2014 Economic Census for Business Frame
//! (`japan_pref_industry/ExplanatoryVariablesBase.csv` and `AreaID.csv`).
//!
//! Quirks handled (and reported): the file has e-Stat breakdown columns with a letter
//! (`32A`, `32B` split `325`): a run of letter codes that adds up to the digit code before
//! it in every row is a breakdown and is dropped, so nothing is counted twice; a letter code
//! that is not such a breakdown (`12A` stands for 121+122 together) is kept as it is, and is
//! only reachable through a shorter prefix (`12`). Column `SFirm_350` holds `True`/`False`
//! instead of counts: those establishment counts are missing, not zero. The row `00000` (all
//! Japan) is the reference economy; prefectures (`..000`) are the peers; cities are mapped
//! where the catalog has them. Five prefectures are not in the file (Ishikawa, Fukui, Nara,
//! Tottori, Okinawa): they keep their curated values.

use super::codes::RegionCodes;
use super::{Cell, Classification, Dataset, Estimate, RegionData, SkipReport};
use std::collections::BTreeMap;
use std::path::Path;
use tieup_core::csvin::CsvFile;
use tieup_core::error::Result;

/// Dataset key for provenance.
pub const DATASET: &str = "jp_economic_census";
/// Reference year of the employment and establishment counts.
pub const YEAR: u16 = 2014;

fn is_digit_code(code: &str) -> bool {
    code.chars().all(|c| c.is_ascii_digit())
}

/// One area's cells while reading: code → (employment, establishments).
type AreaCells = (String, BTreeMap<String, (f64, Option<f64>)>);

/// Reads the census file. `area_names` (AreaID.csv) only supplies names for messages.
pub fn read(data_file: &Path, area_names: &Path, codes: &RegionCodes) -> Result<Dataset> {
    let names_file = CsvFile::open(area_names, &["AreaID", "AreaName"])?;
    let names: BTreeMap<String, String> = names_file
        .rows()
        .map(|r| (r.text("AreaID").to_string(), r.text("AreaName").to_string()))
        .collect();
    let file = CsvFile::open(data_file, &["AreaID"])?;
    let columns = census_columns(&file)?;
    let mut skipped = SkipReport::default();
    let mut notes = Vec::new();
    let areas = read_areas(&file, &columns, &mut skipped)?;
    let (breakdowns, stand_ins) = letter_codes(&columns.employment, &areas);
    notes.push(format!(
        "{} letter columns are breakdowns of the code before them and were dropped; kept as combined codes: {}",
        breakdowns.len(),
        if stand_ins.is_empty() {
            "none".to_string()
        } else {
            stand_ins.join(", ")
        }
    ));
    let mut regions = Vec::new();
    let mut reference = None;
    for (area, cells) in areas {
        let mut region = RegionData::new(&area, None, false);
        for (code, (employment, establishments)) in cells {
            if breakdowns.contains(&code) {
                continue;
            }
            region.total += Estimate::exact(employment);
            region.cells.insert(
                code,
                Cell {
                    employment: Estimate::exact(employment),
                    establishments,
                },
            );
        }
        if area == "00000" {
            reference = Some(region);
            continue;
        }
        let prefecture = area.ends_with("000");
        let key = if prefecture {
            area[..2].to_string()
        } else {
            area.clone()
        };
        region.key = key.clone();
        region.peer = prefecture;
        region.catalog = codes.lookup("jis", &key);
        if region.catalog.is_none() {
            skipped.add(
                "area not in the catalog",
                format!(
                    "{area} {}",
                    names.get(&area).map(String::as_str).unwrap_or("?")
                ),
            );
        }
        regions.push(region);
    }
    if reference.is_none() {
        return Err(file.file_error(
            "no all-Japan row (AreaID 00000)".into(),
            "the national row is the reference economy; include it",
        ));
    }
    Ok(Dataset {
        name: DATASET.into(),
        year: YEAR,
        classification: Classification::Jsic,
        regions,
        reference,
        missing_is_zero: false,
        sections_only: false,
        skipped,
        notes,
    })
}

/// The census file's employment columns by code (in file order) and establishment columns.
struct CensusColumns {
    employment: Vec<(String, String)>,
    establishments: BTreeMap<String, String>,
}

fn census_columns(file: &CsvFile) -> Result<CensusColumns> {
    let mut employment: Vec<(String, String)> = Vec::new();
    let mut establishments: BTreeMap<String, String> = BTreeMap::new();
    for name in file.header() {
        let lower = name.to_ascii_lowercase();
        if let Some(code) = lower.strip_prefix("semp_") {
            employment.push((code.to_ascii_uppercase(), name.clone()));
        } else if let Some(code) = lower.strip_prefix("sfirm_") {
            establishments.insert(code.to_ascii_uppercase(), name.clone());
        }
    }
    if employment.is_empty() {
        return Err(file.file_error(
            "no SEmp_<jsic> employment columns".into(),
            "give the Economic Census file with SEmp_ and SFirm_ columns",
        ));
    }
    Ok(CensusColumns {
        employment,
        establishments,
    })
}

/// Every area's cells: code → (employment, establishments).
fn read_areas(
    file: &CsvFile,
    columns: &CensusColumns,
    skipped: &mut SkipReport,
) -> Result<Vec<AreaCells>> {
    let mut areas: Vec<AreaCells> = Vec::new();
    for row in file.rows() {
        let area = row.required("AreaID")?.to_string();
        if area.len() != 5 || !is_digit_code(&area) {
            return Err(row.cell_error(
                "AreaID",
                format!("'{area}' is not a 5-digit area code"),
                "use JIS codes such as 07000 (prefecture) or 14130 (city)",
            ));
        }
        let mut cells = BTreeMap::new();
        for (code, column) in &columns.employment {
            let employment = row.number(column)?;
            if employment < 0.0 {
                return Err(row.cell_error(
                    column,
                    format!("negative employment {employment}"),
                    "employment counts are 0 or more",
                ));
            }
            let establishments = match columns.establishments.get(code) {
                None => None,
                Some(column) => match row.text(column).parse::<f64>() {
                    Ok(v) if v >= 0.0 => Some(v),
                    Ok(v) => {
                        return Err(row.cell_error(
                            column,
                            format!("negative establishment count {v}"),
                            "establishment counts are 0 or more",
                        ));
                    }
                    Err(_) => {
                        skipped.add(
                            "establishment count not a number (read as missing, not zero)",
                            format!("{area} {column}='{}'", row.text(column)),
                        );
                        None
                    }
                },
            };
            cells.insert(code.clone(), (employment, establishments));
        }
        areas.push((area, cells));
    }
    Ok(areas)
}

/// Letter codes: (breakdowns of the digit code before them, which are dropped; stand-ins,
/// which are kept as combined codes).
fn letter_codes(
    employment_columns: &[(String, String)],
    areas: &[AreaCells],
) -> (Vec<String>, Vec<String>) {
    let mut breakdowns: Vec<String> = Vec::new();
    let mut stand_ins: Vec<String> = Vec::new();
    let order: Vec<&String> = employment_columns.iter().map(|(c, _)| c).collect();
    let mut i = 0;
    while i < order.len() {
        if is_digit_code(order[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < order.len() && !is_digit_code(order[i]) {
            i += 1;
        }
        let run: Vec<&String> = order[start..i].to_vec();
        let parent = order[..start]
            .iter()
            .rev()
            .find(|c| is_digit_code(c) && c[..2] == run[0][..2]);
        let is_breakdown = parent.is_some_and(|p| {
            areas.iter().all(|(_, cells)| {
                let sum: f64 = run.iter().map(|c| cells[*c].0).sum();
                (sum - cells[*p].0).abs() < 0.5
            })
        });
        if is_breakdown {
            breakdowns.extend(run.iter().map(|c| c.to_string()));
        } else {
            stand_ins.extend(run.iter().map(|c| c.to_string()));
        }
    }
    (breakdowns, stand_ins)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_text(data: &str) -> Result<Dataset> {
        let dir = tempfile::tempdir().unwrap();
        let (d, a) = (dir.path().join("d.csv"), dir.path().join("a.csv"));
        std::fs::write(&d, data).unwrap();
        std::fs::write(
            &a,
            "AreaID,AreaName\n00000,Japan\n07000,Fukushima\n11100,Saitama city\n",
        )
        .unwrap();
        let mut codes = RegionCodes::default();
        codes.insert("jis", "07", tieup_core::catalog::RegionId::from_index(6));
        read(&d, &a, &codes)
    }

    #[test]
    fn breakdowns_are_dropped_and_stand_ins_kept() {
        let data = read_text(
            "AreaID,SFirm_120,SFirm_12A,SFirm_325,SFirm_32A,SFirm_32B,SEmp_120,SEmp_12A,SEmp_325,SEmp_32A,SEmp_32B\n\
             00000,1,2,3,1,2,10,20,30,10,20\n\
             07000,1,True,1,0,1,1,2,3,1,2\n\
             11100,0,0,1,1,0,0,0,5,5,0\n",
        )
        .unwrap();
        let fukushima = &data.regions[0];
        assert_eq!(fukushima.key, "07");
        assert_eq!(
            fukushima.catalog,
            Some(tieup_core::catalog::RegionId::from_index(6))
        );
        assert!(fukushima.peer);
        assert!(fukushima.cells.contains_key("12A"));
        assert!(!fukushima.cells.contains_key("32A"));
        assert_eq!(fukushima.total.point, 6.0);
        assert_eq!(fukushima.cells["12A"].establishments, None);
        assert_eq!(data.reference.as_ref().unwrap().total.point, 60.0);
        let city = &data.regions[1];
        assert!(!city.peer);
        assert_eq!(city.catalog, None);
        assert_eq!(data.skipped.total(), 2);
    }

    #[test]
    fn bad_counts_are_errors() {
        let e = read_text("AreaID,SEmp_111\n00000,5\n07000,-1\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains(":3: column 2 (SEmp_111): negative employment"),
            "{e}"
        );
        let e = read_text("AreaID,SEmp_111\n00000,5\n07000,\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("empty value"), "{e}");
        let e = read_text("AreaID,SEmp_111\n07000,5\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("no all-Japan row"), "{e}");
    }
}
