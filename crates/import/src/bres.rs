//! UK Business Register and Employment Survey 2018 (ONS via Nomis): employment by NUTS-2
//! region of Great Britain and 4-digit UK SIC 2007 class (= NACE Rev.2 class), in
//! `uk_bres/nomis_BRES_2018_TYPE450.csv`.
//!
//! Every class of every region is published (rounded), so there is nothing withheld; a
//! class absent for a region is read as missing, never as zero. A region's total is the sum
//! of its classes; the comparison area of the LQ is Great Britain (the 39 NUTS-2 regions
//! together). Northern Ireland is not in BRES. Catalog regions are built by
//! [`crate::nuts::catalog_regions`].

use super::codes::NutsRegion;
use super::{Cell, Classification, Dataset, Estimate, RegionData, SkipReport};
use std::collections::BTreeMap;
use std::path::Path;
use tieup_core::catalog::Catalog;
use tieup_core::csvin::CsvFile;
use tieup_core::error::Result;

/// Dataset key for provenance.
pub const DATASET: &str = "uk_bres";
/// Reference year of the file.
pub const YEAR: u16 = 2018;

/// Reads the file into NUTS-2 peers plus the catalog regions of `mapping` (those `accept`
/// lets through).
pub fn read(
    path: &Path,
    mapping: &[NutsRegion],
    catalog: &Catalog,
    accept: &dyn Fn(&NutsRegion) -> std::result::Result<(), String>,
) -> Result<Dataset> {
    let file = CsvFile::open(path, &["year", "geo_cd", "SIC4", "value"])?;
    let mut peers: BTreeMap<String, RegionData> = BTreeMap::new();
    let mut skipped = SkipReport::default();
    for row in file.rows() {
        let year = row.required("year")?;
        if year != YEAR.to_string() {
            skipped.add("year other than 2018", year.to_string());
            continue;
        }
        let geo = row.required("geo_cd")?;
        let sic = row.required("SIC4")?;
        if sic.len() != 4 || !sic.chars().all(|c| c.is_ascii_digit()) {
            return Err(row.cell_error(
                "SIC4",
                format!("'{sic}' is not a 4-digit SIC class"),
                "give the Nomis BRES file by 4-digit SIC 2007",
            ));
        }
        let text = row.required("value")?;
        let value: f64 = match text.parse() {
            Ok(v) if v >= 0.0 => v,
            _ => {
                return Err(row.cell_error(
                    "value",
                    format!("'{text}' is not an employment count"),
                    "employment is a number ≥ 0",
                ));
            }
        };
        let region = peers
            .entry(geo.to_string())
            .or_insert_with(|| RegionData::new(geo, None, true));
        region.total += Estimate::exact(value);
        region.cells.insert(
            sic.to_string(),
            Cell {
                employment: Estimate::exact(value),
                establishments: None,
            },
        );
    }
    let mut regions: Vec<RegionData> = peers.values().cloned().collect();
    regions.extend(crate::nuts::catalog_regions(
        &peers,
        mapping,
        catalog,
        accept,
        &mut skipped,
    ));
    let total: f64 = peers.values().map(|r| r.total.point).sum();
    Ok(Dataset {
        name: DATASET.into(),
        year: YEAR,
        classification: Classification::Nace2,
        regions,
        reference: None,
        missing_is_zero: false,
        sections_only: false,
        skipped,
        notes: vec![format!(
            "comparison area: Great Britain, {} NUTS-2 regions, {} employees in {} classes",
            peers.len(),
            super::thousands(total),
            {
                let mut classes: Vec<&String> =
                    peers.values().flat_map(|r| r.cells.keys()).collect();
                classes.sort();
                classes.dedup();
                classes.len()
            }
        )],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_sum_to_region_totals_and_bad_values_name_their_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.csv");
        std::fs::write(
            &path,
            ",year,geo_type,geo_nm,geo_cd,SIC4,value,cluster_name\n\
             0,2018,nuts 2013 level 2,East Anglia,UKH1,2120,500,x\n\
             1,2018,nuts 2013 level 2,East Anglia,UKH1,2670,100,x\n\
             2,2018,nuts 2013 level 2,\"Surrey, East and West Sussex\",UKJ2,2120,50,x\n",
        )
        .unwrap();
        let catalog =
            Catalog::load_curated(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data"))
                .unwrap();
        let data = read(&path, &[], &catalog, &|_| Ok(())).unwrap();
        assert_eq!(data.regions.len(), 2);
        assert_eq!(data.regions[0].total.point, 600.0);
        assert_eq!(data.regions[1].cells["2120"].employment.point, 50.0);
        std::fs::write(
            &path,
            ",year,geo_type,geo_nm,geo_cd,SIC4,value,cluster_name\n0,2018,n,E,UKH1,2120,many,x\n",
        )
        .unwrap();
        let e = read(&path, &[], &catalog, &|_| Ok(()))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains(":2:") && e.contains("not an employment count"),
            "{e}"
        );
    }
}
