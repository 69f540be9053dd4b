//! Reading past partnerships (`partnerships.csv` and training files in its layout).

use super::load::suggestion_suffix;
use super::{Catalog, Outcome, Partnership, RegionId, RegionKind};
use crate::csvin::{CsvFile, Row};
use crate::error::Result;
use std::path::Path;

/// The columns of `data/partnerships.csv`, in order (files may add more after them).
pub const PARTNERSHIP_COLUMNS: [&str; 12] = [
    "id",
    "japan_region",
    "overseas_region",
    "sector",
    "start_fy",
    "end_fy",
    "research_trips",
    "missions",
    "invitations",
    "outcome",
    "outcome_basis",
    "source",
];

/// Longest partnership id, in bytes.
pub const MAX_PARTNERSHIP_ID: usize = 64;

impl Catalog {
    /// Reads a partnerships file in the layout of `data/partnerships.csv` against this
    /// catalog's regions and sectors (used for the shipped file and for training files).
    pub fn read_partnerships(&self, path: &Path) -> Result<Vec<Partnership>> {
        let mut partnerships: Vec<Partnership> = Vec::new();
        let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
        let file = CsvFile::open(
            path,
            &[
                "id",
                "japan_region",
                "overseas_region",
                "sector",
                "start_fy",
                "end_fy",
                "outcome",
            ],
        )?;
        for row in file.rows() {
            let partnership = self.partnership_row(&row)?;
            if !seen.insert(partnership.id.clone()) {
                return Err(row.cell_error(
                    "id",
                    format!("duplicate id '{}'", partnership.id),
                    "give every partnership its own id",
                ));
            }
            partnerships.push(partnership);
        }
        Ok(partnerships)
    }

    /// One row of a partnerships file.
    fn partnership_row(&self, row: &Row<'_>) -> Result<Partnership> {
        let id = partnership_id(row)?;
        let japan_region = self.region_in_row(row, "japan_region", Some(RegionKind::Japan))?;
        let overseas_regions = self.overseas_in_row(row)?;
        let sector = self.sector_in_row(row, "sector")?;
        let (start_fy, end_fy) = years(row)?;
        let outcome_text = row.required("outcome")?;
        let outcome = Outcome::parse(outcome_text).ok_or_else(|| {
            row.cell_error(
                "outcome",
                format!("unknown outcome '{}'", crate::lookup::clip(outcome_text)),
                "use during, after, not_yet, reported_success or unknown",
            )
        })?;
        let activities = [
            row.optional_count("research_trips")?,
            row.optional_count("missions")?,
            row.optional_count("invitations")?,
        ];
        let mut wanted = Vec::new();
        for name in row.list("wanted") {
            wanted.push(crate::features::find_feature(&name).map_err(|e| {
                row.cell_error(
                    "wanted",
                    e.to_string(),
                    "name features such as design_ability",
                )
            })?);
        }
        Ok(Partnership {
            id,
            japan_region,
            overseas_regions,
            sector,
            start_fy,
            end_fy,
            outcome,
            activities,
            wanted,
        })
    }

    /// The `overseas_region` cell: one or more overseas region ids.
    fn overseas_in_row(&self, row: &Row<'_>) -> Result<Vec<RegionId>> {
        let mut overseas_regions = Vec::new();
        for name in row.list("overseas_region") {
            match self.region_by_id(&name) {
                Some(p) if self.region(p).kind == RegionKind::Overseas => overseas_regions.push(p),
                _ => {
                    return Err(row.cell_error(
                        "overseas_region",
                        format!(
                            "unknown overseas region '{}'{}",
                            crate::lookup::clip(&name),
                            suggestion_suffix(&self.index.suggest(&name, 3))
                        ),
                        "use ids from overseas_regions.csv, several separated by ';'",
                    ));
                }
            }
        }
        if overseas_regions.is_empty() {
            return Err(row.cell_error(
                "overseas_region",
                "empty value".into(),
                "name at least one overseas region",
            ));
        }
        Ok(overseas_regions)
    }
}

/// The `id` cell: a valid id of at most [`MAX_PARTNERSHIP_ID`] characters.
fn partnership_id(row: &Row<'_>) -> Result<String> {
    let id = row.required("id")?.to_string();
    if id.len() > MAX_PARTNERSHIP_ID || crate::sector::check_id(&id).is_err() {
        return Err(row.cell_error(
            "id",
            format!(
                "'{}' is not a valid partnership id",
                crate::lookup::clip(&id)
            ),
            &format!(
                "use lowercase a-z, 0-9 and _, starting with a letter, at most {MAX_PARTNERSHIP_ID} characters"
            ),
        ));
    }
    Ok(id)
}

/// `start_fy` and `end_fy`, the end not before the start.
fn years(row: &Row<'_>) -> Result<(u16, u16)> {
    let start_fy = row.number_in("start_fy", 1900.0, 2100.0)? as u16;
    let end_fy = row.number_in("end_fy", 1900.0, 2100.0)? as u16;
    if end_fy < start_fy {
        return Err(row.cell_error(
            "end_fy",
            format!("end year {end_fy} is before start year {start_fy}"),
            "swap or correct the years",
        ));
    }
    Ok((start_fy, end_fy))
}
