//! LETOR / SVMlight text, the exchange format of learning-to-rank tools (LightGBM, XGBoost,
//! RankLib, scikit-learn's `load_svmlight_file`).
//!
//! One row per (query, document): `label qid:Q 1:v 2:v ... # docid`. Labels are whole numbers
//! ≥ 0; feature indices are positive (an index 0 is read as a feature too) and ascending; the
//! comment after `#` names the document (its first word, or the word after `docid =` in
//! LETOR 4.0 style).
//!
//! Queries come from an inline `qid:` (consecutive rows with the same qid form one query; a
//! qid that comes back after another is an error, as in SVMlight), or, without `qid:`, from a
//! LightGBM group file beside the data (`FILE.query`: one line per query, the number of its
//! consecutive rows). Missing features are 0.
//!
//! Storage is sparse by column: only the feature indices that occur in the file are stored
//! (`LetorData::columns`), so a file whose rows name feature 999999 costs one column, not a
//! million. Feature indices may be at most [`MAX_FEATURE_INDEX`], and a file may use at most
//! [`MAX_DISTINCT_FEATURES`] distinct indices (real LETOR sets use 46-700).
//!
//! Export writes dense rows of tieup's features (index f+1 for schema position f), a LightGBM
//! group file `FILE.query` beside them, and `FILE.qids` mapping the numeric qids back to
//! tieup's query ids (`number<TAB>id` per line). Reading applies a `FILE.qids` found beside
//! the data, so runs written with tieup's query ids match the queries read back.

use ndarray::Array2;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use tieup_core::error::{Error, Result};

/// The largest feature index read.
pub const MAX_FEATURE_INDEX: usize = 1_000_000_000;
/// The most distinct feature indices one file may use.
pub const MAX_DISTINCT_FEATURES: usize = 10_000;

/// One query of a LETOR file.
#[derive(Debug, Clone, PartialEq)]
pub struct LetorQuery {
    /// The qid as written (or the 1-based group number for a group file).
    pub qid: String,
    /// Document names: from the comment, else `d<row>` with the 1-based row in the query.
    pub docnos: Vec<String>,
    /// Labels, one per row.
    pub labels: Vec<u8>,
    /// Rows × stored features: column `j` is feature column `LetorData::columns[j]`.
    pub rows: Array2<f64>,
}

/// A LETOR file read into dense queries.
#[derive(Debug, Clone, PartialEq)]
pub struct LetorData {
    /// The file read.
    pub path: PathBuf,
    /// Number of feature columns (largest index, plus one if index 0 occurs).
    pub n_features: usize,
    /// Whether feature index 0 occurs (then column j is index j, else column j is index j+1).
    pub zero_based: bool,
    /// The feature columns that occur in the file, ascending (`< n_features`): what the
    /// queries' rows store, column by column.
    pub columns: Vec<usize>,
    /// Queries in file order.
    pub queries: Vec<LetorQuery>,
}

struct RawRow {
    line: u64,
    label: u8,
    qid: Option<String>,
    features: Vec<(usize, f64)>,
    docno: Option<String>,
}

fn data_error(path: &Path, line: Option<u64>, message: String, fix: &str) -> Error {
    Error::data(path, line, message, fix)
}

fn parse_row(path: &Path, line: u64, text: &str) -> Result<Option<RawRow>> {
    let (body, comment) = match text.find('#') {
        Some(i) => (&text[..i], Some(text[i + 1..].trim())),
        None => (text, None),
    };
    let mut tokens = body.split_whitespace();
    let Some(label_text) = tokens.next() else {
        return Ok(None); // blank or comment-only line
    };
    let label = label_text
        .parse::<f64>()
        .ok()
        .filter(|l| l.is_finite() && *l >= 0.0 && l.fract() == 0.0 && *l <= 255.0)
        .ok_or_else(|| {
            data_error(
                path,
                Some(line),
                format!("label '{label_text}' is not a whole number between 0 and 255"),
                "start each row with its relevance label, e.g. `2 qid:1 1:0.5 ...`",
            )
        })? as u8;
    let mut qid = None;
    let mut features = Vec::new();
    for token in tokens {
        let Some((key, value)) = token.split_once(':') else {
            return Err(data_error(
                path,
                Some(line),
                format!("'{token}' is not `index:value` or `qid:Q`"),
                "write features as index:value pairs",
            ));
        };
        if key == "qid" {
            qid = Some(value.to_string());
            continue;
        }
        let (index, value) = feature_pair(path, line, key, value)?;
        features.push((index, value));
    }
    let docno = comment.and_then(docno);
    Ok(Some(RawRow {
        line,
        label,
        qid,
        features,
        docno,
    }))
}

/// One `index:value` pair: an index up to [`MAX_FEATURE_INDEX`] and a finite value.
fn feature_pair(path: &Path, line: u64, key: &str, value: &str) -> Result<(usize, f64)> {
    let index = key
        .parse::<usize>()
        .ok()
        .filter(|i| *i <= MAX_FEATURE_INDEX)
        .ok_or_else(|| {
            data_error(
                path,
                Some(line),
                format!(
                    "feature index '{}' is not a whole number up to {MAX_FEATURE_INDEX}",
                    key.chars().take(40).collect::<String>()
                ),
                "feature indices are whole numbers ≥ 1",
            )
        })?;
    let value = value
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| {
            data_error(
                path,
                Some(line),
                format!("feature {index} has the value '{value}', not a finite number"),
                "write a decimal number",
            )
        })?;
    if index > 1_000_000 {
        return Err(data_error(
            path,
            Some(line),
            format!("feature index {index} is too large (limit 1,000,000)"),
            "renumber the features",
        ));
    }
    Ok((index, value))
}

/// The document id of a row's comment (`# docid = X`, or its first word).
fn docno(comment: &str) -> Option<String> {
    let c = comment.trim();
    let c = c
        .strip_prefix("docid")
        .map(|rest| rest.trim_start().trim_start_matches('=').trim_start())
        .unwrap_or(c);
    c.split_whitespace().next().map(str::to_string)
}

/// Path of the LightGBM group file of `path` (`path` + `.query`).
pub fn group_file(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".query");
    PathBuf::from(name)
}

/// Path of the qid map of `path` (`path` + `.qids`).
pub fn qid_file(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".qids");
    PathBuf::from(name)
}

/// Reads a qid map (`number<TAB>id` per line), if there is one beside `path`.
fn read_qid_map(path: &Path) -> Result<std::collections::BTreeMap<String, String>> {
    let map_path = qid_file(path);
    let mut map = std::collections::BTreeMap::new();
    if !map_path.is_file() {
        return Ok(map);
    }
    let text = tieup_core::fsutil::read_text(&map_path)?;
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let (number, id) = line.split_once('\t').ok_or_else(|| {
            data_error(
                &map_path,
                Some(i as u64 + 1),
                "no tab between the qid and the query id".into(),
                "write `number<TAB>id` per line",
            )
        })?;
        map.insert(number.to_string(), id.to_string());
    }
    Ok(map)
}

/// Row ranges of the queries, by inline qid.
fn inline_groups(path: &Path, rows: &[RawRow]) -> Result<Vec<(String, std::ops::Range<usize>)>> {
    let mut groups: Vec<(String, std::ops::Range<usize>)> = Vec::new();
    let mut start = 0;
    let mut seen = std::collections::BTreeSet::new();
    for i in 1..=rows.len() {
        if i == rows.len() || rows[i].qid != rows[start].qid {
            let qid = rows[start].qid.clone().expect("checked");
            if !seen.insert(qid.clone()) {
                return Err(data_error(
                    path,
                    Some(rows[start].line),
                    format!("qid {qid} comes back after other queries"),
                    "keep the rows of each query together",
                ));
            }
            groups.push((qid, start..i));
            start = i;
        }
    }
    Ok(groups)
}

/// Row ranges of the queries, by the LightGBM group file beside the data.
fn group_file_groups(path: &Path, n_rows: usize) -> Result<Vec<(String, std::ops::Range<usize>)>> {
    let mut groups: Vec<(String, std::ops::Range<usize>)> = Vec::new();
    let group_path = group_file(path);
    if group_path.is_file() {
        tieup_core::fsutil::read_text(&group_path)?;
    }
    let group_text = std::fs::read_to_string(&group_path).map_err(|_| {
        data_error(
            path,
            None,
            format!(
                "the rows have no qid and there is no group file {}",
                group_path.display()
            ),
            "add qid:Q to every row, or a LightGBM .query file (one query size per line)",
        )
    })?;
    let mut start = 0;
    for (i, line) in group_text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let size = line
            .parse::<usize>()
            .ok()
            .filter(|&n| n > 0)
            .ok_or_else(|| {
                data_error(
                    &group_path,
                    Some(i as u64 + 1),
                    format!("'{line}' is not a query size"),
                    "one positive whole number per line",
                )
            })?;
        groups.push(((groups.len() + 1).to_string(), start..start + size));
        start += size;
    }
    if start != n_rows {
        return Err(data_error(
            &group_path,
            None,
            format!(
                "the group sizes add up to {start} rows but {} has {}",
                path.display(),
                n_rows
            ),
            "the group file must describe the data file beside it",
        ));
    }
    Ok(groups)
}

/// The queries' row ranges: by inline qid when every row has one, else by the group file.
fn query_groups(path: &Path, rows: &[RawRow]) -> Result<Vec<(String, std::ops::Range<usize>)>> {
    let with_qid = rows.iter().filter(|r| r.qid.is_some()).count();
    if with_qid == rows.len() {
        inline_groups(path, rows)
    } else if with_qid > 0 {
        let row = rows.iter().find(|r| r.qid.is_none()).expect("some");
        Err(data_error(
            path,
            Some(row.line),
            "this row has no qid but others have one".into(),
            "give every row a qid, or none and a .query group file",
        ))
    } else {
        group_file_groups(path, rows.len())
    }
}

/// Whether the feature indices start at 0, the number of features, and the distinct columns
/// used (at most [`MAX_DISTINCT_FEATURES`]).
fn feature_columns(path: &Path, rows: &[RawRow]) -> Result<(bool, usize, Vec<usize>)> {
    let zero_based = rows.iter().any(|r| r.features.iter().any(|(i, _)| *i == 0));
    let max_index = rows
        .iter()
        .flat_map(|r| r.features.iter().map(|(i, _)| *i))
        .max()
        .unwrap_or(0);
    let n_features = if zero_based { max_index + 1 } else { max_index };
    let column = |index: usize| if zero_based { index } else { index - 1 };
    let columns: Vec<usize> = rows
        .iter()
        .flat_map(|r| r.features.iter().map(|(i, _)| column(*i)))
        .collect::<std::collections::BTreeSet<usize>>()
        .into_iter()
        .collect();
    if columns.len() > MAX_DISTINCT_FEATURES {
        return Err(data_error(
            path,
            None,
            format!(
                "{} distinct feature indices, more than the {MAX_DISTINCT_FEATURES} tieup reads",
                columns.len()
            ),
            "number the features densely (1, 2, 3, ...)",
        ));
    }
    Ok((zero_based, n_features, columns))
}

/// Reads a LETOR file (see the module docs for the grouping rules).
pub fn read(path: &Path) -> Result<LetorData> {
    let text = tieup_core::fsutil::read_text(path)?;
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(row) = parse_row(path, i as u64 + 1, line)? {
            rows.push(row);
        }
    }
    if rows.is_empty() {
        return Err(data_error(
            path,
            None,
            "no rows".into(),
            "give a LETOR / SVMlight file",
        ));
    }
    let groups = query_groups(path, &rows)?;
    let (zero_based, n_features, columns) = feature_columns(path, &rows)?;
    let column = |index: usize| if zero_based { index } else { index - 1 };
    let stored = |index: usize| {
        columns
            .binary_search(&column(index))
            .expect("every column is stored")
    };
    let names = read_qid_map(path)?;
    let queries = groups
        .into_iter()
        .map(|(qid, range)| {
            let part = &rows[range];
            let mut dense = Array2::zeros((part.len(), columns.len()));
            for (r, row) in part.iter().enumerate() {
                for &(i, v) in &row.features {
                    dense[[r, stored(i)]] = v;
                }
            }
            LetorQuery {
                qid: names.get(&qid).cloned().unwrap_or(qid),
                docnos: part
                    .iter()
                    .enumerate()
                    .map(|(r, row)| row.docno.clone().unwrap_or_else(|| format!("d{}", r + 1)))
                    .collect(),
                labels: part.iter().map(|r| r.label).collect(),
                rows: dense,
            }
        })
        .collect();
    Ok(LetorData {
        path: path.to_path_buf(),
        n_features,
        zero_based,
        columns,
        queries,
    })
}

/// LETOR text of queries, with numeric qids 1, 2, ... in the given order; also returns the
/// LightGBM group file text and the qid map (`number<TAB>query id` per line).
pub fn write_text<'a>(
    queries: impl IntoIterator<Item = (&'a str, &'a [String], &'a [u8], &'a Array2<f64>)>,
) -> (String, String, String) {
    let mut data = String::new();
    let mut groups = String::new();
    let mut qids = String::new();
    for (q, (id, docnos, labels, rows)) in queries.into_iter().enumerate() {
        let number = q + 1;
        let _ = writeln!(groups, "{}", labels.len());
        let _ = writeln!(qids, "{number}\t{id}");
        for (r, row) in rows.outer_iter().enumerate() {
            let _ = write!(data, "{} qid:{number}", labels[r]);
            for (f, v) in row.iter().enumerate() {
                let _ = write!(data, " {}:{}", f + 1, v);
            }
            let _ = writeln!(data, " # {}", docnos[r]);
        }
    }
    (data, groups, qids)
}

/// Writes a LETOR file with its `.query` group file and `.qids` map, atomically.
pub fn write<'a>(
    path: &Path,
    queries: impl IntoIterator<Item = (&'a str, &'a [String], &'a [u8], &'a Array2<f64>)>,
) -> Result<()> {
    let (data, groups, qids) = write_text(queries);
    tieup_core::fsutil::write_atomic(path, data.as_bytes())?;
    tieup_core::fsutil::write_atomic(&group_file(path), groups.as_bytes())?;
    tieup_core::fsutil::write_atomic(&qid_file(path), qids.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn temp(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    #[test]
    fn inline_qids_comments_and_sparse_features() {
        let (_d, path) = temp(
            "x.txt",
            "2 qid:7 1:0.5 3:1 # alpha\n0 qid:7 2:0.25 #docid = beta inc = 1\n\n# a comment line\n1 qid:9 3:2\n",
        );
        let data = read(&path).unwrap();
        assert_eq!(data.n_features, 3);
        assert_eq!(data.queries.len(), 2);
        let q = &data.queries[0];
        assert_eq!(q.qid, "7");
        assert_eq!(q.docnos, vec!["alpha", "beta"]);
        assert_eq!(q.labels, vec![2, 0]);
        assert_eq!(q.rows, array![[0.5, 0.0, 1.0], [0.0, 0.25, 0.0]]);
        assert_eq!(data.queries[1].docnos, vec!["d1"]);
    }

    #[test]
    fn group_file_beside_the_data() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rank.train");
        std::fs::write(&path, "1 1:1\n0 2:1\n3 1:0.5\n").unwrap();
        assert!(read(&path).is_err(), "no qid and no group file");
        std::fs::write(group_file(&path), "2\n1\n").unwrap();
        let data = read(&path).unwrap();
        assert_eq!(data.queries.len(), 2);
        assert_eq!(data.queries[1].qid, "2");
        assert_eq!(data.queries[1].labels, vec![3]);
        std::fs::write(group_file(&path), "2\n2\n").unwrap();
        let err = read(&path).unwrap_err().to_string();
        assert!(err.contains("add up to 4"), "{err}");
    }

    #[test]
    fn malformed_rows_name_their_line() {
        for (text, needle) in [
            ("1 qid:1 1:0.5\nx qid:1 1:1\n", ":2: label 'x'"),
            ("1 qid:1 1:abc\n", "not a finite number"),
            ("1 qid:1 1:1\n1 2:1\n", "has no qid"),
            ("1 qid:1 1:1\n1 qid:2 1:1\n1 qid:1 1:1\n", "comes back"),
        ] {
            let (_d, path) = temp("bad.txt", text);
            let err = read(&path).unwrap_err().to_string();
            assert!(err.contains(needle), "{err}");
        }
    }

    #[test]
    fn written_text_reads_back() {
        let rows = array![[0.5, 1.0], [0.0, 0.125]];
        let docnos = vec!["skane".to_string(), "dalian".to_string()];
        let labels = [3u8, 0];
        let (data, groups, qids) =
            write_text([("r2r_fukushima", docnos.as_slice(), &labels[..], &rows)]);
        assert_eq!(
            data,
            "3 qid:1 1:0.5 2:1 # skane\n0 qid:1 1:0 2:0.125 # dalian\n"
        );
        assert_eq!(groups, "2\n");
        assert_eq!(qids, "1\tr2r_fukushima\n");
        let (_d, path) = temp("w.txt", &data);
        let back = read(&path).unwrap();
        assert_eq!(back.queries[0].rows, rows);
        assert_eq!(back.queries[0].docnos, docnos);
        assert_eq!(back.queries[0].qid, "1");
        std::fs::write(qid_file(&path), qids).unwrap();
        assert_eq!(
            read(&path).unwrap().queries[0].qid,
            "r2r_fukushima",
            "the qid map applies"
        );
    }
}
