//! `tieup synth`, `tieup eval` and `tieup specificity` through the real binary. The synthetic
//! directories are generated from the shipped `data/` on purpose (the generator is calibrated
//! to it).

use crate::util::tieup;
use std::path::Path;

#[test]
fn synth_is_byte_identical_for_a_seed_and_eval_writes_its_report() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    for dir in [&a, &b] {
        tieup()
            .args(["synth", "--themes", "20", "--seed", "7", "--out"])
            .arg(dir.path())
            .assert()
            .success()
            .stdout(predicates::str::contains("20 themes"));
    }
    for name in [
        "partnerships.csv",
        "applications.csv",
        "applications_qrels.txt",
        "oracle_run.txt",
        "truth.json",
        "calibration.json",
        "sectors.csv",
        "survey/themes_by_bureau_sector.csv",
    ] {
        assert_eq!(
            std::fs::read(a.path().join(name)).unwrap(),
            std::fs::read(b.path().join(name)).unwrap(),
            "{name}"
        );
    }
    // The history trains with the existing train command.
    let model = a.path().join("model.json");
    tieup()
        .args(["train", "--exchanges"])
        .arg(a.path().join("partnerships.csv"))
        .arg("--out")
        .arg(&model)
        .assert()
        .success();
    let out = a.path().join("eval");
    tieup()
        .arg("--data")
        .arg(a.path())
        .args([
            "eval",
            "--permutations",
            "100",
            "--bootstrap",
            "100",
            "--out",
        ])
        .arg(&out)
        .env("CI", "true")
        .assert()
        .success()
        .stdout(predicates::str::contains("held-out (4 queries)"))
        .stdout(predicates::str::contains("goal (ndcg@10)"))
        .stderr(predicates::str::is_empty());
    for name in [
        "report.md",
        "metrics.json",
        "evaluation.json",
        "qrels.txt",
        "run-prior.txt",
        "run-oracle.txt",
        "ndcg_at_k.svg",
        "per_sector.svg",
    ] {
        assert!(out.join(name).is_file(), "{name}");
    }
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(report.contains("## Goal") && report.contains("## Split `held-out`"));
}

#[test]
fn eval_on_letor_files_and_bad_arguments() {
    let dir = tempfile::tempdir().unwrap();
    let train = dir.path().join("train.txt");
    let test = dir.path().join("test.txt");
    std::fs::write(
        &train,
        "2 qid:1 1:0.9 2:0.1 # a\n0 qid:1 1:0.1 2:0.8 # b\n1 qid:2 1:0.7 # a\n0 qid:2 2:0.9 # c\n",
    )
    .unwrap();
    std::fs::write(&test, "1 qid:3 1:0.8 # x\n0 qid:3 2:0.7 # y\n").unwrap();
    let run = dir.path().join("ext.txt");
    std::fs::write(&run, "3 Q0 x 1 2.0 ext\n3 Q0 y 2 1.0 ext\n").unwrap();
    let out = dir.path().join("out");
    tieup()
        .args([
            "eval",
            "--permutations",
            "50",
            "--bootstrap",
            "50",
            "--letor-train",
        ])
        .arg(&train)
        .arg("--letor-test")
        .arg(&test)
        .arg("--run")
        .arg(format!("ext={}", run.display()))
        .arg("--out")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicates::str::contains("letor (1 queries)"));
    let metrics = std::fs::read_to_string(out.join("metrics.json")).unwrap();
    assert!(metrics.contains("\"pairwise\"") && metrics.contains("\"ext\""));
    tieup()
        .args(["eval", "--run", "noequals", "--out"])
        .arg(&out)
        .assert()
        .code(2);
    tieup()
        .args(["eval", "--metric", "ndcg@7", "--out"])
        .arg(&out)
        .assert()
        .code(2);
    tieup()
        .args(["eval", "--letor-train"])
        .arg(&train)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2);
}

#[test]
#[ignore = "needs ../shared/data/ltr"]
fn shared_lightgbm_example_reads_with_its_group_files() {
    let shared =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/ltr/lightgbm_lambdarank");
    assert!(
        shared.exists(),
        "{} not found: this test needs ../shared beside the repository",
        shared.display()
    );
    let train = tieup_bench::eval::letor::read(&shared.join("rank.train")).unwrap();
    let test = tieup_bench::eval::letor::read(&shared.join("rank.test")).unwrap();
    assert_eq!(train.queries.len(), 201);
    assert_eq!(
        train.queries.iter().map(|q| q.labels.len()).sum::<usize>(),
        3005
    );
    assert_eq!(test.queries.len(), 50);
    assert_eq!(
        test.queries.iter().map(|q| q.labels.len()).sum::<usize>(),
        768
    );
    assert!(train.n_features > 10, "more features than tieup's schema");
    assert!(
        train
            .queries
            .iter()
            .flat_map(|q| &q.labels)
            .all(|&l| l <= 4)
    );
}

#[test]
fn shipped_external_runs_that_cannot_count_are_refused_not_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        format!("mine={}", path.display())
    };
    let cases = [
        (write("empty.txt", ""), 4, "no lines"),
        (
            write("rank.txt", "q Q0 bavaria zero 1.0 t\n"),
            4,
            "rank 'zero'",
        ),
        (
            write("qid.txt", "nosuch Q0 bavaria 1 1.0 t\n"),
            2,
            "not a query of this benchmark",
        ),
    ];
    for (spec, code, message) in cases {
        tieup()
            .args(["eval", "--out"])
            .arg(dir.path().join("out"))
            .args(["--permutations", "10", "--bootstrap", "10", "--run", &spec])
            .assert()
            .code(code)
            .stderr(predicates::str::contains(message));
    }
    let spec = write("prior.txt", "q Q0 bavaria 1 1.0 t\n").replace("mine=", "prior=");
    tieup()
        .args(["eval", "--out"])
        .arg(dir.path().join("out"))
        .args(["--run", &spec])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("one of tieup's rankers"));
}

#[test]
fn the_replay_of_the_shipped_partnerships_tests_the_recipe_against_every_single_feature() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("eval");
    tieup()
        .args(["eval", "--permutations", "20", "--bootstrap", "20", "--out"])
        .arg(&out)
        .env("CI", "true")
        .assert()
        .success();
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        report.contains("against every single feature")
            && report.contains("exact: all 2^10 sign assignments"),
        "{report}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("evaluation.json")).unwrap()).unwrap();
    let replay = &json["replay"];
    let rankers = replay["rankers"].as_array().unwrap();
    let singles = rankers
        .iter()
        .filter(|r| r["family"] == "single feature")
        .count();
    let comparisons = replay["comparisons"].as_array().unwrap();
    assert_eq!(comparisons.len(), singles);
    let recipe = rankers
        .iter()
        .find(|r| r["family"] == "shipped" && r["in_sample"] == false)
        .unwrap();
    for c in comparisons {
        let single = rankers.iter().find(|r| r["ranker"] == c["ranker"]).unwrap();
        let difference = recipe["mrr"].as_f64().unwrap() - single["mrr"].as_f64().unwrap();
        assert!((c["mrr_difference"].as_f64().unwrap() - difference).abs() < 1e-12);
        // Exact p-values over 2^10 assignments are multiples of 1/1024, never 0.
        for p in [&c["mrr_p"], &c["recall_p"]] {
            let p = p.as_f64().unwrap();
            assert!(p > 0.0 && p <= 1.0 && (p * 1024.0).fract() == 0.0, "{c}");
        }
        assert_eq!(c["exact"], true);
    }
}

/// `tieup specificity --format json` on the fixture: the model's numbers, then each ablation,
/// the last (every feature that reads the Japanese region at 0) giving every prefecture the
/// same list; `--top` and `--expand` apply to the ablations too.
#[test]
fn specificity_json_has_the_ablations_and_without_every_japanese_feature_lists_agree() {
    for expand in [false, true] {
        let mut cmd = tieup();
        cmd.arg("--data").arg(crate::util::fixture_dir()).args([
            "specificity",
            "--top",
            "3",
            "--format",
            "json",
        ]);
        if expand {
            cmd.arg("--expand");
        }
        let s = crate::util::stdout_json(&mut cmd);
        assert_eq!(s["k"], 3);
        let ablations = s["ablations"].as_array().unwrap();
        let labels: Vec<&str> = ablations
            .iter()
            .map(|a| a["label"].as_str().unwrap())
            .collect();
        assert_eq!(
            labels,
            [
                "cluster_similarity",
                "supplemental_cluster",
                "japan_tech_demand",
                "existing_exchange",
                "communication_cost",
                "ties and access",
                "every Japanese-region feature"
            ]
        );
        assert_eq!(
            ablations[5]["without"],
            serde_json::json!(["existing_exchange", "communication_cost"])
        );
        let every = &ablations[6];
        assert_eq!(every["without"].as_array().unwrap().len(), 5);
        let sectors = every["sectors"].as_array().unwrap();
        assert_eq!(sectors.len(), s["sectors"].as_array().unwrap().len());
        for x in sectors {
            assert_eq!(x["mean_overlap"], 3.0, "{x}");
            assert_eq!(x["hub_share"], 1.0, "{x}");
        }
        assert!(s["overall"]["mean_overlap"].as_f64().unwrap() < 3.0);
    }
}

/// `--model` is measured with its own ablations: a model that already ignores every feature
/// reading the Japanese region gives every prefecture the same list, with or without them.
#[test]
fn specificity_ablates_the_model_it_is_given() {
    use tieup_core::features::Feature;
    use tieup_core::model::LinearModel;
    let dir = tempfile::tempdir().unwrap();
    let japan: Vec<Feature> = Feature::ALL
        .into_iter()
        .filter(|f| f.reads_japan_region())
        .collect();
    let model = LinearModel::load(&crate::util::shipped_data().join("../models/default.json"))
        .unwrap()
        .without(&japan);
    let path = dir.path().join("blind.json");
    model.save(&path).unwrap();
    let s = crate::util::stdout_json(
        tieup()
            .arg("--data")
            .arg(crate::util::fixture_dir())
            .args(["specificity", "--top", "3", "--format", "json", "--model"])
            .arg(&path),
    );
    assert_eq!(s["overall"]["mean_overlap"], 3.0);
    for a in s["ablations"].as_array().unwrap() {
        assert_eq!(a["overall"], s["overall"], "{}", a["label"]);
        assert_eq!(a["sectors"], s["sectors"], "{}", a["label"]);
    }
}

/// The table on the shipped catalog ends with where the dependence comes from, with the
/// sectors the catalog has among automotive, medical_welfare and tourism.
#[test]
fn specificity_table_on_the_shipped_data_says_where_the_dependence_comes_from() {
    let text = crate::util::stdout_text(
        tieup()
            .arg("--data")
            .arg(crate::util::shipped_data())
            .arg("specificity"),
    );
    let (_, sources) = text
        .split_once("Where the dependence on the prefecture comes from")
        .unwrap();
    let mut lines = sources.lines().skip(1);
    let header: Vec<&str> = lines.next().unwrap().split_whitespace().collect();
    assert_eq!(
        header[header.len() - 3..],
        ["automotive", "medical_welfare", "tourism"]
    );
    let rows: Vec<&str> = lines.take_while(|l| !l.starts_with("(hub share")).collect();
    assert_eq!(rows.len(), 1 + 7, "{sources}");
    assert!(rows[0].starts_with("(nothing: the model)"));
    assert!(rows[0].contains("+0.00"));
    let every = rows.last().unwrap();
    assert!(
        every.starts_with("every Japanese-region feature"),
        "{every}"
    );
    // Overlap 10 overall and in each of the three sectors.
    assert_eq!(every.matches("10.00").count(), 4, "{every}");
}
