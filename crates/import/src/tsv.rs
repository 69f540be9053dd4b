//! Tab-separated raw files (GeoNames, Wikidata dumps, Eurostat bulk downloads) read with the
//! `csv` crate: no quoting (a `"` is an ordinary character in these files), any number of
//! fields per row, blank lines skipped, and optionally `#` comment lines. A file whose name
//! ends in `.gz` is decompressed first (Eurostat ships its bulk files gzipped).

use std::path::Path;
use tieup_core::error::{Error, Result};

/// One row of a tab-separated file: its 1-based line number and its fields.
#[derive(Debug, Clone)]
pub struct TsvRow {
    /// 1-based line number in the file.
    pub line: usize,
    /// The fields, split at tabs.
    pub fields: csv::StringRecord,
}

impl TsvRow {
    /// Field `i` (empty when the row is shorter).
    pub fn get(&self, i: usize) -> &str {
        self.fields.get(i).unwrap_or("")
    }

    /// Number of fields.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// True when the row has no field.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }
}

/// Reads every row of a tab-separated file; with `comments`, lines starting with `#` are
/// skipped. A row that is not UTF-8 is an error naming the file and line. (The `csv`
/// crate's comment option and line count are not used: they leave comment and blank lines
/// out of the count.)
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("a.tsv");
/// std::fs::write(&path, "# note\nQ1\t\"Kobe\"\n\nQ2\tBarcelona\n").unwrap();
/// let rows = tieup_import::tsv::read(&path, true).unwrap();
/// assert_eq!(rows.len(), 2);
/// assert_eq!((rows[0].line, rows[0].get(1)), (2, "\"Kobe\""));
/// assert_eq!((rows[1].line, rows[1].get(1)), (4, "Barcelona"));
/// ```
pub fn read(path: &Path, comments: bool) -> Result<Vec<TsvRow>> {
    let mut bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    if path.extension().is_some_and(|e| e == "gz") {
        let mut plain = Vec::new();
        std::io::Read::read_to_end(
            &mut flate2::read::GzDecoder::new(bytes.as_slice()),
            &mut plain,
        )
        .map_err(|e| Error::io(path, e))?;
        bytes = plain;
    }
    // The csv crate's own line count skips blank lines, so lines come from byte offsets.
    let line_starts: Vec<u64> = std::iter::once(0)
        .chain(
            bytes
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i as u64 + 1),
        )
        .collect();
    // A record's position is where the parser began, before any blank lines it skipped.
    let line_of = |byte: u64| {
        let mut at = byte as usize;
        while matches!(bytes.get(at), Some(b'\n' | b'\r')) {
            at += 1;
        }
        line_starts.partition_point(|&start| start <= at as u64) as u64
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .has_headers(false)
        .quoting(false)
        .flexible(true)
        .from_reader(bytes.as_slice());
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                if comments && record.get(0).is_some_and(|f| f.starts_with('#')) {
                    continue;
                }
                let line = record.position().map_or(0, |p| line_of(p.byte())) as usize;
                rows.push(TsvRow {
                    line,
                    fields: record.clone(),
                });
            }
            Err(e) => {
                let line = e.position().map(|p| line_of(p.byte()));
                let text = e.to_string();
                return Err(match e.into_kind() {
                    csv::ErrorKind::Io(io) => Error::io(path, io),
                    csv::ErrorKind::Utf8 { .. } => Error::data(
                        path,
                        line,
                        "the row is not valid UTF-8".to_string(),
                        "give the file as distributed, in UTF-8",
                    ),
                    _ => Error::data(
                        path,
                        line,
                        format!("unreadable row: {text}"),
                        "give the file as distributed",
                    ),
                });
            }
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_count_blank_and_comment_lines_and_bad_bytes_name_their_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.tsv");
        std::fs::write(&path, b"#c\n\n\nA\tB\r\n#d\nC\n").unwrap();
        let rows = read(&path, true).unwrap();
        let lines: Vec<(usize, usize)> = rows.iter().map(|r| (r.line, r.len())).collect();
        assert_eq!(lines, [(4, 2), (6, 1)]);
        assert_eq!(read(&path, false).unwrap()[0].line, 1);
        std::fs::write(&path, b"ok\n\nbad\xff\n").unwrap();
        let e = read(&path, false).unwrap_err().to_string();
        assert!(e.contains("a.tsv:3") && e.contains("UTF-8"), "{e}");
    }
}
