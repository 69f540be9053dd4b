//! The JETRO 2008 survey tables, read as count tables: items (rows) × sector columns, with a
//! `respondents` row giving each column's number of answers.
//!
//! Source: JETRO 2008 survey on success factors of international industrial partnerships
//! (questionnaire Nov-Dec 2007, 131 valid answers), copied unchanged into `data/survey/`.

use crate::csvin::CsvFile;
use crate::error::Result;
use std::path::Path;

/// A survey table of counts.
#[derive(Debug, Clone, PartialEq)]
pub struct CountTable {
    /// Column keys after the item column (`all_sectors`, `it`, ...).
    pub columns: Vec<String>,
    /// Item names in file order, without `respondents`.
    pub items: Vec<String>,
    /// counts[item][column].
    pub counts: Vec<Vec<u32>>,
    /// Respondents per column.
    pub respondents: Vec<u32>,
}

impl CountTable {
    /// Loads a survey table whose first column is named `item_column`, with an
    /// `all_sectors` column and a `respondents` row.
    pub fn load(path: &Path, item_column: &str) -> Result<Self> {
        Self::read(path, item_column, true)
    }

    /// Loads a plain count table (no `respondents` row required), such as
    /// `commitment_vs_achievement.csv`.
    pub fn load_rows(path: &Path, item_column: &str) -> Result<Self> {
        Self::read(path, item_column, false)
    }

    fn read(path: &Path, item_column: &str, with_respondents: bool) -> Result<Self> {
        let required: &[&str] = if with_respondents {
            &[item_column, "all_sectors"]
        } else {
            &[item_column]
        };
        let file = CsvFile::open(path, required)?;
        let columns: Vec<String> = file.header()[1..].to_vec();
        let mut items = Vec::new();
        let mut counts = Vec::new();
        let mut respondents = None;
        for row in file.rows() {
            let item = row.required(item_column)?.to_string();
            let mut values = Vec::with_capacity(columns.len());
            for column in &columns {
                let v = row.number_in(column, 0.0, 1e6)?;
                if v.fract() != 0.0 {
                    return Err(row.cell_error(
                        column,
                        format!("{v} is not a count"),
                        "write whole numbers",
                    ));
                }
                values.push(v as u32);
            }
            if item == "respondents" {
                respondents = Some(values);
            } else {
                items.push(item);
                counts.push(values);
            }
        }
        if !with_respondents {
            return Ok(CountTable {
                columns,
                items,
                counts,
                respondents: respondents.unwrap_or_default(),
            });
        }
        let respondents = respondents.ok_or_else(|| {
            file.file_error(
                "no 'respondents' row".into(),
                "add the number of respondents per column",
            )
        })?;
        for (c, column) in columns.iter().enumerate() {
            if respondents[c] == 0 {
                return Err(file.file_error(
                    format!("column '{column}' has 0 respondents"),
                    "give each column its respondent count",
                ));
            }
            for (i, item) in items.iter().enumerate() {
                if counts[i][c] > respondents[c] {
                    return Err(file.file_error(
                        format!("'{item}' in '{column}' exceeds the respondents"),
                        "check the counts",
                    ));
                }
            }
        }
        Ok(CountTable {
            columns,
            items,
            counts,
            respondents,
        })
    }

    /// Count and respondents for an item in a column, if both exist.
    pub fn get(&self, item: &str, column: &str) -> Option<(u32, u32)> {
        let i = self.items.iter().position(|x| x == item)?;
        let c = self.columns.iter().position(|x| x == column)?;
        Some((self.counts[i][c], self.respondents[c]))
    }
}
