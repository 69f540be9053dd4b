//! TREC files: qrels (`qid 0 docno rel`) and runs (`qid Q0 docno rank score tag`), the
//! formats trec_eval reads. Reading checks every line and names the line of a problem;
//! writing is the report's job (`report.rs`).

use std::collections::BTreeMap;
use std::path::Path;
use tieup_core::error::{DataError, Error, Result};

/// Judgements: qid → docno → label.
pub type Qrels = BTreeMap<String, BTreeMap<String, u8>>;

/// Scores of a run: qid → docno → score.
pub type RunScores = BTreeMap<String, BTreeMap<String, f64>>;

fn bad_line(path: &Path, line: usize, message: String, fix: &str) -> Error {
    DataError {
        file: path.to_path_buf(),
        line: Some(line as u64 + 1),
        column: None,
        message,
        fix: fix.into(),
    }
    .into()
}

/// Reads a qrels file; a document judged twice in a query is an error.
pub fn read_qrels(path: &Path) -> Result<Qrels> {
    let text = tieup_core::fsutil::read_text(path)?;
    let mut qrels = Qrels::new();
    for (i, line) in text.lines().enumerate() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.is_empty() {
            continue;
        }
        if fields.len() != 4 {
            return Err(bad_line(
                path,
                i,
                format!("{} fields, a qrels line has 4", fields.len()),
                "write `qid 0 docno rel`",
            ));
        }
        let rel = fields[3]
            .parse::<i64>()
            .ok()
            .filter(|r| (0..=255).contains(r))
            .ok_or_else(|| {
                bad_line(
                    path,
                    i,
                    format!("relevance '{}' is not a whole number 0-255", fields[3]),
                    "write a graded label such as 0, 1, 2, 3",
                )
            })? as u8;
        let docs = qrels.entry(fields[0].to_string()).or_default();
        if docs.insert(fields[2].to_string(), rel).is_some() {
            return Err(bad_line(
                path,
                i,
                format!("{} is judged twice for {}", fields[2], fields[0]),
                "keep one judgement per query and document",
            ));
        }
    }
    Ok(qrels)
}

/// Reads a run file (rank and tag are ignored, as trec_eval does).
pub fn read_run(path: &Path) -> Result<RunScores> {
    let text = tieup_core::fsutil::read_text(path)?;
    let mut run = RunScores::new();
    for (i, line) in text.lines().enumerate() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.is_empty() {
            continue;
        }
        if fields.len() != 6 {
            return Err(bad_line(
                path,
                i,
                format!("{} fields, a run line has 6", fields.len()),
                "write `qid Q0 docno rank score tag`",
            ));
        }
        let score = fields[4]
            .parse::<f64>()
            .ok()
            .filter(|s| s.is_finite())
            .ok_or_else(|| {
                bad_line(
                    path,
                    i,
                    format!("score '{}' is not a finite number", fields[4]),
                    "write a decimal score",
                )
            })?;
        if fields[3].parse::<u64>().ok().filter(|r| *r >= 1).is_none() {
            return Err(bad_line(
                path,
                i,
                format!("rank '{}' is not a whole number ≥ 1", fields[3]),
                "write `qid Q0 docno rank score tag` with ranks 1, 2, 3, ...",
            ));
        }
        let docs = run.entry(fields[0].to_string()).or_default();
        if docs.insert(fields[2].to_string(), score).is_some() {
            return Err(bad_line(
                path,
                i,
                format!("{} is ranked twice for {}", fields[2], fields[0]),
                "rank each document once per query",
            ));
        }
    }
    if run.is_empty() {
        return Err(Error::data(
            path,
            None,
            "the run has no lines",
            "give a TREC run: one `qid Q0 docno rank score tag` line per ranked document",
        ));
    }
    Ok(run)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_qrels_and_runs_and_names_bad_lines() {
        let dir = tempfile::tempdir().unwrap();
        let q = dir.path().join("q.txt");
        std::fs::write(&q, "a 0 x 2\n\na 0 y 0\nb 0 x 1\n").unwrap();
        let qrels = read_qrels(&q).unwrap();
        assert_eq!(qrels["a"]["x"], 2);
        assert_eq!(qrels["b"].len(), 1);
        std::fs::write(&q, "a 0 x 2\na 0 x 1\n").unwrap();
        assert!(read_qrels(&q).unwrap_err().to_string().contains(":2:"));
        let r = dir.path().join("r.txt");
        std::fs::write(&r, "a Q0 x 1 0.5 t\na Q0 y 2 -1e-3 t\n").unwrap();
        let run = read_run(&r).unwrap();
        assert_eq!(run["a"]["y"], -1e-3);
        std::fs::write(&r, "a Q0 x 1 nan t\n").unwrap();
        assert!(read_run(&r).is_err());
        std::fs::write(&r, "a Q0 x 1\n").unwrap();
        assert!(read_run(&r).unwrap_err().to_string().contains("6"));
    }
}
