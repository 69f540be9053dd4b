//! Evaluation on LETOR files: tieup's generic learners (and random order, and external runs)
//! trained on one file and tested on another, summarised as catalog splits are. External runs
//! are scored by [`run_scores`], as on the catalog path.

use super::letor::{LetorData, LetorQuery};
use super::params::{EvalValidParams, Progress};
use super::rankers::{run_scores, seeded_uniform};
use super::summary::{Judged, summarise};
use super::{Evaluation, trec};
use linfa::ParamGuard;
use ndarray::Array2;
use std::collections::BTreeSet;
use tieup_core::error::{Error, Result};
use tieup_learn::generic::RowsQuery;
use tieup_learn::{LearnerKind, TrainParams};

/// The learners run on LETOR data (prior-anchored needs tieup's feature schema).
const LETOR_LEARNERS: [LearnerKind; 2] = [LearnerKind::Pointwise, LearnerKind::Pairwise];

/// Cells (rows × columns) up to which the learners see every feature column up to the
/// largest index, as written; above it only the columns that occur (256 MiB of f64).
const DENSE_CELLS: usize = 1 << 25;

/// The learners' feature columns, ascending. A column that occurs in neither file is 0
/// everywhere and cannot change a linear score; it is kept (so results do not depend on how
/// the file was stored) unless that would take more than [`DENSE_CELLS`] cells, as in a file
/// that names feature 999999 alone.
fn union_columns(train: &LetorData, test: &LetorData) -> Vec<usize> {
    let width = train.n_features.max(test.n_features);
    let rows: usize = [train, test]
        .iter()
        .flat_map(|d| d.queries.iter().map(|q| q.rows.nrows()))
        .sum();
    if width.saturating_mul(rows) <= DENSE_CELLS {
        return (0..width).collect();
    }
    let all: BTreeSet<usize> = train.columns.iter().chain(&test.columns).copied().collect();
    all.into_iter().collect()
}

/// A query's stored rows placed in the union's columns.
fn widen(q: &LetorQuery, columns: &[usize], union: &[usize]) -> Array2<f64> {
    let place: Vec<usize> = columns
        .iter()
        .map(|c| {
            union
                .binary_search(c)
                .expect("the union holds every column")
        })
        .collect();
    let mut rows = Array2::zeros((q.rows.nrows(), union.len()));
    for ((r, c), v) in q.rows.indexed_iter() {
        rows[[r, place[c]]] = *v;
    }
    rows
}

/// The test queries' docnos, checked distinct within each query.
fn test_docnos(test: &LetorData) -> Result<Vec<Vec<&str>>> {
    let mut out = Vec::with_capacity(test.queries.len());
    for q in &test.queries {
        let docnos: Vec<&str> = q.docnos.iter().map(String::as_str).collect();
        let mut seen = BTreeSet::new();
        if let Some(twice) = docnos.iter().find(|d| !seen.insert(**d)) {
            return Err(Error::data(
                &test.path,
                None,
                format!("query {}: two rows have the same docid '{twice}'", q.qid),
                "give each row of a query its own docid (the comment after #)",
            ));
        }
        out.push(docnos);
    }
    Ok(out)
}

/// Refuses a training file without a relevant row.
fn check_relevant(train: &LetorData) -> Result<()> {
    if !train
        .queries
        .iter()
        .any(|q| q.labels.iter().any(|&l| l > 0))
    {
        return Err(Error::data(
            &train.path,
            None,
            "no row has a label above 0; nothing to learn from",
            "give a training file with relevant rows (labels ≥ 1)",
        ));
    }
    Ok(())
}

/// An external run's scores of the test file's rows; every test query must be scored.
fn external_scores(
    test: &LetorData,
    docnos: &[Vec<&str>],
    name: &str,
    run: &trec::RunScores,
) -> Result<Vec<Vec<f64>>> {
    let queries = test.queries.iter().zip(docnos);
    run_scores(
        run,
        queries.clone().map(|(q, d)| (q.qid.as_str(), d.as_slice())),
    )
    .ok_or_else(|| {
        let missing = queries
            .map(|(q, _)| q.qid.as_str())
            .find(|qid| !run.contains_key(*qid))
            .unwrap_or_default();
        Error::data(
            &test.path,
            None,
            format!("run '{name}' does not score query {missing} of the test file"),
            "give a run that scores every test query, with the test file's qids",
        )
    })
}

/// Scores of the test queries by every ranker: random, the learners, the external runs.
fn letor_runs(
    train: &LetorData,
    test: &LetorData,
    docnos: &[Vec<&str>],
    external: &[(String, trec::RunScores)],
    params: &EvalValidParams,
    progress: &mut dyn Progress,
) -> Result<Vec<(String, Vec<Vec<f64>>)>> {
    check_relevant(train)?;
    let union = union_columns(train, test);
    let n_features = union.len();
    let widen_all = |d: &LetorData| -> Vec<Array2<f64>> {
        d.queries
            .iter()
            .map(|q| widen(q, &d.columns, &union))
            .collect()
    };
    let train_rows = widen_all(train);
    let test_rows = widen_all(test);
    let views: Vec<RowsQuery<'_>> = train
        .queries
        .iter()
        .zip(&train_rows)
        .map(|(q, rows)| RowsQuery {
            rows: rows.view(),
            labels: &q.labels,
        })
        .collect();
    progress.begin("letor", (LETOR_LEARNERS.len() + 1 + external.len()) as u64);
    let mut runs: Vec<(String, Vec<Vec<f64>>)> = vec![(
        "random".into(),
        test.queries
            .iter()
            .map(|q| seeded_uniform(params.seed, &q.qid, q.labels.len()))
            .collect(),
    )];
    progress.advance(1);
    for kind in LETOR_LEARNERS {
        let model = TrainParams::new(kind)
            .l2(params.l2)
            .seed(params.seed)
            .check()?
            .fit_rows(&views, n_features)?;
        runs.push((
            kind.name().into(),
            test_rows
                .iter()
                .map(|x| x.outer_iter().map(|r| model.score(r)).collect())
                .collect(),
        ));
        progress.advance(1);
    }
    for (name, run) in external {
        let scores = external_scores(test, docnos, name, run)?;
        runs.push((name.clone(), scores));
        progress.advance(1);
    }
    Ok(runs)
}

/// Evaluates tieup's generic learners (and random order, and external runs) on a LETOR
/// training and test file.
pub fn evaluate_letor(
    train: &LetorData,
    test: &LetorData,
    external: Vec<(String, trec::RunScores)>,
    params: &EvalValidParams,
    progress: &mut dyn Progress,
) -> Result<Evaluation> {
    let docnos = test_docnos(test)?;
    let runs = letor_runs(train, test, &docnos, &external, params, progress)?;
    let judged: Vec<Judged> = test
        .queries
        .iter()
        .map(|q| Judged {
            qid: q.qid.clone(),
            group: "all".into(),
            labels: q
                .docnos
                .iter()
                .cloned()
                .zip(q.labels.iter().copied())
                .collect(),
        })
        .collect();
    let rows = |d: &LetorData| d.queries.iter().map(|q| q.rows.nrows()).sum::<usize>();
    let split = summarise(
        "letor",
        format!(
            "trained on {} ({} queries, {} rows), tested on {} ({} queries, {} rows), {} features",
            train.path.display(),
            train.queries.len(),
            rows(train),
            test.path.display(),
            test.queries.len(),
            rows(test),
            train.n_features.max(test.n_features)
        ),
        train.queries.len(),
        &judged,
        &|q| docnos[q].as_slice(),
        runs,
        params,
    );
    Ok(Evaluation {
        data: format!("{} / {}", train.path.display(), test.path.display()),
        params: params.clone(),
        notes: vec![
            "queries without a relevant row score 0 and count in the means (trec_eval's rule)"
                .into(),
            "prior-anchored needs tieup's feature schema and is not run on LETOR data".into(),
        ],
        splits: vec![split],
        goal: None,
        replay: None,
    })
}
