//! Partnership rows in the layout of `data/partnerships.csv` (see `data/README.md`): what
//! the store exports for the learners and imports from earlier files.
//!
//! This module checks the layout only (columns, numbers, outcome words); whether the region
//! and sector ids exist is the catalog's question (`Catalog::read_partnerships`), which the
//! binary asks before an import and which every command asks when it reads an export.

use serde::{Deserialize, Serialize};
use std::path::Path;
use tieup_core::Error;

/// The columns of `data/partnerships.csv`, in order; `wanted` follows when any row has it.
pub use tieup_core::catalog::PARTNERSHIP_COLUMNS as COLUMNS;

/// One partnership row, as text where the file has text.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PartnershipRecord {
    /// Stable id.
    pub id: String,
    /// Japanese region id.
    pub japan_region: String,
    /// Overseas region ids.
    pub overseas_regions: Vec<String>,
    /// Sector id.
    pub sector: String,
    /// First fiscal year.
    pub start_fy: u16,
    /// Last fiscal year.
    pub end_fy: u16,
    /// Research trips, missions, invitations, where reported.
    pub activities: [Option<u32>; 3],
    /// An outcome id (`tieup_core::catalog::Outcome::as_str`).
    pub outcome: String,
    /// The evidence of the outcome.
    pub outcome_basis: String,
    /// Where the row comes from.
    pub source: String,
    /// Features the Japanese side wanted most.
    pub wanted: Vec<String>,
}

fn list(cell: &str) -> Vec<String> {
    cell.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// Reads a file in the partnerships layout.
pub fn read(path: &Path) -> tieup_core::Result<Vec<PartnershipRecord>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    parse(path, &bytes)
}

/// Parses bytes in the partnerships layout; `path` names them in errors.
pub fn parse(path: &Path, bytes: &[u8]) -> tieup_core::Result<Vec<PartnershipRecord>> {
    let mut reader = csv::ReaderBuilder::new().from_reader(bytes);
    let bad = |line: Option<u64>, message: String, fix: &str| Error::data(path, line, message, fix);
    let headers = reader
        .headers()
        .map_err(|e| bad(Some(1), e.to_string(), "save the file as UTF-8 CSV"))?
        .clone();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let mut positions = Vec::new();
    for name in COLUMNS {
        positions.push(column(name).ok_or_else(|| {
            bad(
                Some(1),
                format!("no column '{name}'"),
                "use the header of data/partnerships.csv",
            )
        })?);
    }
    let wanted = column("wanted");
    let mut records = Vec::new();
    for row in reader.records() {
        let row = row.map_err(|e| bad(None, e.to_string(), "fix the CSV quoting"))?;
        let line = row.position().map(|p| p.line());
        let cell = |i: usize| row.get(positions[i]).unwrap_or("").trim();
        let year = |i: usize| {
            cell(i).parse::<u16>().map_err(|_| {
                bad(
                    line,
                    format!("{} '{}' is not a year", COLUMNS[i], cell(i)),
                    "write e.g. 2004",
                )
            })
        };
        let count = |i: usize| -> tieup_core::Result<Option<u32>> {
            if cell(i).is_empty() {
                return Ok(None);
            }
            cell(i).parse().map(Some).map_err(|_| {
                bad(
                    line,
                    format!("{} '{}' is not a count", COLUMNS[i], cell(i)),
                    "write a whole number or leave it empty",
                )
            })
        };
        let outcome = cell(9).to_string();
        if tieup_core::catalog::Outcome::parse(&outcome).is_none() {
            return Err(bad(
                line,
                format!("unknown outcome '{outcome}'"),
                "use during, after, not_yet, reported_success or unknown",
            ));
        }
        records.push(PartnershipRecord {
            id: cell(0).to_string(),
            japan_region: cell(1).to_string(),
            overseas_regions: list(cell(2)),
            sector: cell(3).to_string(),
            start_fy: year(4)?,
            end_fy: year(5)?,
            activities: [count(6)?, count(7)?, count(8)?],
            outcome,
            outcome_basis: cell(10).to_string(),
            source: cell(11).to_string(),
            wanted: wanted
                .map(|w| list(row.get(w).unwrap_or("")))
                .unwrap_or_default(),
        });
    }
    Ok(records)
}

/// Writes rows in the partnerships layout (CSV, `\n` line ends, quotes only where needed).
pub fn to_csv(records: &[PartnershipRecord]) -> String {
    let with_wanted = records.iter().any(|r| !r.wanted.is_empty());
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let mut header: Vec<&str> = COLUMNS.to_vec();
    if with_wanted {
        header.push("wanted");
    }
    let count = |c: Option<u32>| c.map(|n| n.to_string()).unwrap_or_default();
    // Writing to a Vec cannot fail.
    writer.write_record(&header).expect("write to memory");
    for r in records {
        let mut row = vec![
            r.id.clone(),
            r.japan_region.clone(),
            r.overseas_regions.join(";"),
            r.sector.clone(),
            r.start_fy.to_string(),
            r.end_fy.to_string(),
            count(r.activities[0]),
            count(r.activities[1]),
            count(r.activities[2]),
            r.outcome.clone(),
            r.outcome_basis.clone(),
            r.source.clone(),
        ];
        if with_wanted {
            row.push(r.wanted.join(";"));
        }
        writer.write_record(&row).expect("write to memory");
    }
    let bytes = writer.into_inner().expect("flush to memory");
    String::from_utf8(bytes).expect("CSV of UTF-8 strings is UTF-8")
}
