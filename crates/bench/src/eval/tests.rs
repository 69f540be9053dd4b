//! Tests of the evaluation: on a small synthetic directory written by the generator (from the
//! shipped catalog, on purpose: the generator is calibrated to it), on the shipped
//! partnerships, and on LETOR files.

use super::*;
use crate::synth::{SynthParams, draws::SurveyTables};
use linfa::ParamGuard;
use tieup_core::features::N_FEATURES;

fn quick() -> EvalValidParams {
    EvalParams::new()
        .permutations(200)
        .bootstrap(200)
        .check()
        .unwrap()
}

/// A synthetic directory of `themes` themes in a temporary directory.
fn synthetic_dir(themes: usize, seed: u64) -> tempfile::TempDir {
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    let catalog = Catalog::load(&source).unwrap();
    let tables = SurveyTables::load(&source).unwrap();
    let params = SynthParams::new()
        .themes(themes)
        .seed(seed)
        .check()
        .unwrap();
    let synthetic = params.generate(&catalog, &tables).unwrap();
    let dir = tempfile::tempdir().unwrap();
    crate::synth::write_dir(dir.path(), &source, &catalog, &tables, &synthetic, &params).unwrap();
    dir
}

/// Recomputes a ranker's mean metrics from the written qrels and run text.
fn from_files(qrels: &str, run: &str) -> BTreeMap<String, f64> {
    let mut judged: BTreeMap<&str, BTreeMap<&str, u8>> = BTreeMap::new();
    for line in qrels.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        judged
            .entry(f[0])
            .or_default()
            .insert(f[2], f[3].parse().unwrap());
    }
    let mut ranked: BTreeMap<&str, Vec<(f64, &str)>> = BTreeMap::new();
    for line in run.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        ranked
            .entry(f[0])
            .or_default()
            .push((f[4].parse().unwrap(), f[2]));
    }
    let per_query: Vec<BTreeMap<String, f64>> = judged
        .iter()
        .map(|(q, labels)| {
            let mut docs = ranked[q].clone();
            docs.sort_by(|a, b| metrics::trec_compare(*a, *b));
            let ranked_labels: Vec<u8> = docs
                .iter()
                .map(|(_, d)| labels.get(d).copied().unwrap_or(0))
                .collect();
            let all: Vec<u8> = labels.values().copied().collect();
            metrics::query_metrics(&ranked_labels, &all, &metrics::CUTOFFS)
        })
        .collect();
    metrics::mean(&per_query)
}

#[test]
fn shipped_synthetic_directory_is_evaluated_on_every_split_and_the_files_agree() {
    let dir = synthetic_dir(30, 5);
    let catalog = Catalog::load(dir.path()).unwrap();
    let eval = evaluate_catalog(&catalog, Vec::new(), &quick(), &mut NoProgress).unwrap();
    let names: Vec<&str> = eval.splits.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["held-out", "grouped-kfold", "temporal"]);
    let heldout = &eval.splits[0];
    assert_eq!(
        heldout.queries.len(),
        8,
        "2 applications a year for 30 themes"
    );
    assert_eq!(
        heldout.rankers,
        [
            "random",
            "popularity",
            "same-sector",
            "prior",
            "pointwise",
            "pairwise",
            "prior-anchored",
            "oracle"
        ]
    );
    let kfold = &eval.splits[1];
    let mut tested = kfold.queries.clone();
    tested.sort();
    tested.dedup();
    assert_eq!(tested.len(), 30, "every partnership tested exactly once");
    assert!(eval.goal.is_some());
    // Every mean is what the written qrels and run give.
    let qrels = report::qrels_text(heldout);
    for r in &heldout.rankers {
        let recomputed = from_files(&qrels, &report::run_text(heldout, r));
        for (key, value) in &heldout.mean[r] {
            assert!((recomputed[key] - value).abs() < 1e-12, "{r} {key}");
        }
    }
    // The oracle ranks by the generator's utility: a perfect hit rate is not required, but it
    // beats random.
    assert!(heldout.mean["oracle"]["mrr"] > heldout.mean["random"]["mrr"]);
    // The report writes every file, identically twice.
    let out_a = tempfile::tempdir().unwrap();
    let out_b = tempfile::tempdir().unwrap();
    let files = report::write(out_a.path(), &eval).unwrap();
    report::write(out_b.path(), &eval).unwrap();
    for name in [
        "report.md",
        "metrics.json",
        "evaluation.json",
        "qrels.txt",
        "run-oracle.txt",
        "ndcg_at_k.svg",
        "per_sector.svg",
    ] {
        assert!(files.iter().any(|f| f == name), "{name}");
        assert_eq!(
            std::fs::read(out_a.path().join(name)).unwrap(),
            std::fs::read(out_b.path().join(name)).unwrap(),
            "{name} is deterministic"
        );
    }
    let metrics: BTreeMap<String, BTreeMap<String, f64>> =
        serde_json::from_slice(&std::fs::read(out_a.path().join("metrics.json")).unwrap()).unwrap();
    assert!(metrics["prior"].contains_key("ndcg@10") && metrics["prior"].contains_key("map"));
    let svg = std::fs::read_to_string(out_a.path().join("ndcg_at_k.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("prior-anchored"));
    // A second evaluation gives the same numbers.
    let again = evaluate_catalog(&catalog, Vec::new(), &quick(), &mut NoProgress).unwrap();
    assert_eq!(
        report::metrics_json(&again.splits[0]),
        report::metrics_json(heldout)
    );
}

#[test]
fn shipped_letor_export_reads_back_and_random_order_agrees_across_paths() {
    let dir = synthetic_dir(20, 9);
    let catalog = Catalog::load(dir.path()).unwrap();
    let params = quick();
    let out = tempfile::tempdir().unwrap();
    let files = export_letor(&catalog, &params, out.path()).unwrap();
    assert!(files.iter().any(|f| f == "held-out-train.txt"));
    let train = letor::read(&out.path().join("held-out-train.txt")).unwrap();
    let test = letor::read(&out.path().join("held-out-test.txt")).unwrap();
    assert_eq!(train.n_features, N_FEATURES);
    assert_eq!(train.queries.len(), 20);
    assert_eq!(
        train.queries[0].qid, "synth_r2r_0001",
        "the qid map applies"
    );
    assert_eq!(train.queries[0].labels.len(), catalog.candidate_ids().len());
    let eval = evaluate_letor(&train, &test, Vec::new(), &params, &mut NoProgress).unwrap();
    assert_eq!(eval.splits[0].rankers, ["random", "pointwise", "pairwise"]);
    let catalog_eval = evaluate_catalog(&catalog, Vec::new(), &params, &mut NoProgress).unwrap();
    // Random scores are seeded by qid over the candidates in catalog order on both paths.
    assert_eq!(
        eval.splits[0].mean["random"],
        catalog_eval.splits[0].mean["random"]
    );
}

#[test]
fn shipped_partnerships_are_evaluated_by_kfold_and_temporal_without_oracle() {
    let catalog =
        Catalog::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data"))
            .unwrap();
    let eval = evaluate_catalog(&catalog, Vec::new(), &quick(), &mut NoProgress).unwrap();
    let names: Vec<&str> = eval.splits.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["grouped-kfold", "temporal"]);
    assert!(eval.goal.is_none());
    assert!(!eval.splits[0].rankers.iter().any(|r| r == "oracle"));
    assert_eq!(eval.splits[0].queries.len(), catalog.partnerships().len());
}

#[test]
fn params_are_checked() {
    assert!(EvalParams::new().metric("ndcg@7").check().is_err());
    assert!(EvalParams::new().metric("recall@50").check().is_ok());
    assert!(EvalParams::new().folds(1).check().is_err());
    assert!(EvalParams::new().l2(0.0).check().is_err());
    assert!(is_metric("mrr") && is_metric("ndcg_exp@10") && !is_metric("bleu"));
}

#[test]
fn external_runs_join_the_rankers() {
    let dir = synthetic_dir(15, 2);
    let catalog = Catalog::load(dir.path()).unwrap();
    let oracle = trec::read_run(&dir.path().join(ORACLE_FILE)).unwrap();
    let eval = evaluate_catalog(
        &catalog,
        vec![("copy".into(), oracle)],
        &quick(),
        &mut NoProgress,
    )
    .unwrap();
    let heldout = &eval.splits[0];
    assert_eq!(heldout.mean["copy"], heldout.mean["oracle"]);
    let c = heldout
        .comparisons
        .iter()
        .find(|c| c.a == "oracle" && c.b == "copy")
        .unwrap();
    assert_eq!(c.p_value, 1.0);
}

/// A LETOR file in a temporary directory.
fn letor_file(dir: &tempfile::TempDir, name: &str, text: &str) -> letor::LetorData {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    letor::read(&path).unwrap()
}

#[test]
fn malformed_data_is_a_data_error_not_a_parameter_error() {
    let dir = synthetic_dir(15, 2);
    // qrels judging a document that is not an overseas region of the catalog
    let qrels = dir.path().join(APPLICATION_QRELS_FILE);
    let text = std::fs::read_to_string(&qrels).unwrap();
    let first = text
        .lines()
        .next()
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap();
    std::fs::write(&qrels, format!("{text}{first} 0 nosuch_region 1\n")).unwrap();
    let catalog = Catalog::load(dir.path()).unwrap();
    let known = tieup_core::known::KnownCatalogs::new(&catalog);
    let err = Benchmark::load(&known, Vec::new()).err().unwrap();
    assert!(matches!(err, Error::Data(_)), "{err}");
    assert!(err.to_string().contains("nosuch_region"), "{err}");

    let tmp = tempfile::tempdir().unwrap();
    let train = letor_file(&tmp, "train.txt", "1 qid:1 1:0.5\n0 qid:1 1:0.1\n");
    // two rows of one test query with the same docid
    let twice = letor_file(&tmp, "twice.txt", "1 qid:7 1:0.5 # d\n0 qid:7 1:0.1 # d\n");
    let err = evaluate_letor(&train, &twice, Vec::new(), &quick(), &mut NoProgress)
        .err()
        .unwrap();
    assert!(matches!(err, Error::Data(_)), "{err}");
    // a run that misses a test query
    let test = letor_file(&tmp, "test.txt", "1 qid:7 1:0.5 # a\n0 qid:7 1:0.1 # b\n");
    let run: trec::RunScores = BTreeMap::from([("8".to_string(), BTreeMap::new())]);
    let err = evaluate_letor(
        &train,
        &test,
        vec![("r".into(), run)],
        &quick(),
        &mut NoProgress,
    )
    .err()
    .unwrap();
    assert!(matches!(err, Error::Data(_)), "{err}");
    assert!(err.to_string().contains("query 7"), "{err}");
    // a training file without a relevant row
    let flat = letor_file(&tmp, "flat.txt", "0 qid:1 1:0.5\n0 qid:1 1:0.1\n");
    let err = evaluate_letor(&flat, &test, Vec::new(), &quick(), &mut NoProgress)
        .err()
        .unwrap();
    assert!(matches!(err, Error::Data(_)), "{err}");
}

#[test]
fn parameter_messages_hold_no_debug_text() {
    let err = EvalParams::new().metric("ndcg@7").check().unwrap_err();
    assert!(matches!(err, Error::InvalidParam { .. }));
    assert!(!err.to_string().contains('['), "{err}");
    let err = SynthParams::new()
        .applications_per_year(Some(0))
        .check()
        .unwrap_err();
    assert!(matches!(err, Error::InvalidParam { .. }));
    assert!(!err.to_string().contains("Some("), "{err}");
}

#[test]
fn letor_storage_is_sparse_by_column_and_indices_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    // 3,000 rows naming feature 999999 only: stored as one column, evaluated without
    // allocating a million columns per row.
    let mut text = String::new();
    for q in 0..300 {
        for d in 0..10 {
            text.push_str(&format!(
                "{} qid:{q} 999999:{}.5 # d{d}\n",
                u8::from(d == 0),
                d
            ));
        }
    }
    let train = letor_file(&dir, "train.txt", &text);
    assert_eq!(
        (train.n_features, train.columns.as_slice()),
        (999_999, &[999_998][..])
    );
    assert_eq!(train.queries[0].rows.ncols(), 1);
    let test = letor_file(&dir, "test.txt", &text);
    let params = EvalParams::new()
        .permutations(10)
        .bootstrap(10)
        .check()
        .unwrap();
    let eval = evaluate_letor(&train, &test, Vec::new(), &params, &mut NoProgress).unwrap();
    assert!(!eval.splits.is_empty());
    // An index past the documented limit is a data error naming the line.
    std::fs::write(dir.path().join("big.txt"), "1 qid:1 1000000001:1\n").unwrap();
    let err = letor::read(&dir.path().join("big.txt")).unwrap_err();
    assert!(matches!(err, Error::Data(_)), "{err}");
    assert!(err.to_string().contains("big.txt:1"), "{err}");
}
