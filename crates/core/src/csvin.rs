//! Reading the CSV files of `data/` with errors that point at file, line and column.
//!
//! `CsvFile` checks the header for required columns, then yields `Row`s whose typed getters
//! turn a bad cell into a [`DataError`] naming the column and a fix.

use crate::error::{DataError, Error, Result};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A whole CSV file read into memory, with its header indexed.
pub struct CsvFile {
    path: PathBuf,
    columns: HashMap<String, usize>,
    header: Vec<String>,
    records: Vec<csv::StringRecord>,
}

/// One data row of a [`CsvFile`].
pub struct Row<'a> {
    file: &'a CsvFile,
    record: &'a csv::StringRecord,
}

impl CsvFile {
    /// Reads `path` and checks that every column in `required` is in its header.
    pub fn open(path: &Path, required: &[&str]) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        Self::from_bytes(path, &bytes, required)
    }

    /// Parses CSV text already in memory; `path` is only used in messages.
    pub fn from_bytes(path: &Path, bytes: &[u8], required: &[&str]) -> Result<Self> {
        let error = |line: Option<u64>, message: String, fix: &str| {
            Error::from(DataError {
                file: path.to_path_buf(),
                line,
                column: None,
                message,
                fix: fix.to_string(),
            })
        };
        if let Err(e) = std::str::from_utf8(bytes) {
            let valid = &bytes[..e.valid_up_to()];
            let line = valid.iter().filter(|b| **b == b'\n').count() as u64 + 1;
            let line_start = valid.iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1);
            return Err(error(
                Some(line),
                format!(
                    "the file is not valid UTF-8 (byte {} of the line)",
                    e.valid_up_to() - line_start + 1
                ),
                "save it as UTF-8",
            ));
        }
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .from_reader(bytes);
        let header: Vec<String> = reader
            .headers()
            .map_err(|e| error(Some(1), format!("cannot read the header: {e}"), ""))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        let columns: HashMap<String, usize> = header
            .iter()
            .enumerate()
            .map(|(i, h)| (h.clone(), i))
            .collect();
        for name in required {
            if !columns.contains_key(*name) {
                return Err(error(
                    Some(1),
                    format!("missing column '{name}' (header has: {})", header.join(",")),
                    &format!("add a '{name}' column; see data/README.md"),
                ));
            }
        }
        let mut records = Vec::new();
        for result in reader.records() {
            let record = result.map_err(|e| {
                let line = e.position().map(|p| p.line());
                let message = match e.kind() {
                    csv::ErrorKind::UnequalLengths {
                        expected_len, len, ..
                    } => format!("the row has {len} fields, the header has {expected_len}"),
                    _ => e.to_string(),
                };
                error(
                    line,
                    message,
                    "quote fields that contain commas and give every row the header's columns",
                )
            })?;
            records.push(record);
        }
        Ok(CsvFile {
            path: path.to_path_buf(),
            columns,
            header,
            records,
        })
    }

    /// The data rows, in file order.
    pub fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.records
            .iter()
            .map(move |record| Row { file: self, record })
    }

    /// The file's path, as given.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// True when the header has this column.
    pub fn has_column(&self, name: &str) -> bool {
        self.columns.contains_key(name)
    }

    /// An error about the whole file (not one line).
    pub fn file_error(&self, message: String, fix: &str) -> Error {
        DataError {
            file: self.path.clone(),
            line: None,
            column: None,
            message,
            fix: fix.to_string(),
        }
        .into()
    }

    /// The header names, in order.
    pub fn header(&self) -> &[String] {
        &self.header
    }
}

impl Row<'_> {
    /// 1-based line number of this row in its file.
    pub fn line(&self) -> u64 {
        self.record.position().map_or(0, |p| p.line())
    }

    /// An error about this row as a whole.
    pub fn error(&self, message: String, fix: &str) -> Error {
        DataError {
            file: self.file.path.clone(),
            line: Some(self.line()),
            column: None,
            message,
            fix: fix.to_string(),
        }
        .into()
    }

    /// An error about one cell of this row.
    pub fn cell_error(&self, column: &str, message: String, fix: &str) -> Error {
        let index = self.file.columns.get(column).map_or(0, |i| i + 1);
        DataError {
            file: self.file.path.clone(),
            line: Some(self.line()),
            column: Some((column.to_string(), index)),
            message,
            fix: fix.to_string(),
        }
        .into()
    }

    /// The trimmed text of a cell (empty when the column is absent).
    pub fn text(&self, column: &str) -> &str {
        self.file
            .columns
            .get(column)
            .and_then(|&i| self.record.get(i))
            .map_or("", str::trim)
    }

    /// The text of a cell that must not be empty.
    pub fn required(&self, column: &str) -> Result<&str> {
        let text = self.text(column);
        if text.is_empty() {
            Err(self.cell_error(column, "empty value".into(), "fill in this cell"))
        } else {
            Ok(text)
        }
    }

    /// A cell parsed as a finite number.
    pub fn number(&self, column: &str) -> Result<f64> {
        let text = self.required(column)?;
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(self.cell_error(
                column,
                format!("'{}' is not a number", crate::lookup::clip(text)),
                "write a decimal number such as 0.5",
            )),
        }
    }

    /// A cell parsed as a number within `[low, high]`.
    pub fn number_in(&self, column: &str, low: f64, high: f64) -> Result<f64> {
        let value = self.number(column)?;
        if value < low || value > high {
            return Err(self.cell_error(
                column,
                format!("{value} is outside [{low}, {high}]"),
                &format!("use a value between {low} and {high}"),
            ));
        }
        Ok(value)
    }

    /// An optional non-negative whole number (empty cell is `None`).
    pub fn optional_count(&self, column: &str) -> Result<Option<u32>> {
        let text = self.text(column);
        if text.is_empty() {
            return Ok(None);
        }
        text.parse::<u32>().map(Some).map_err(|_| {
            self.cell_error(
                column,
                format!("'{}' is not a whole number", crate::lookup::clip(text)),
                "write a count such as 3, or leave the cell empty",
            )
        })
    }

    /// A `;`-separated list; empty items are dropped.
    pub fn list(&self, column: &str) -> Vec<String> {
        split_list(self.text(column))
    }
}

/// Splits a `;`-separated cell into trimmed, non-empty items.
///
/// ```
/// assert_eq!(tieup_core::csvin::split_list(" a; b ;;c"), vec!["a", "b", "c"]);
/// ```
pub fn split_list(text: &str) -> Vec<String> {
    text.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}
