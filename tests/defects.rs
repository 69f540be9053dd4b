//! Regression tests for issue 15's remaining defects: the application reader (extra fields,
//! open quotes, pipes, BOM, exact duplicate ids, every problem at once), model validation,
//! region-kind messages and bounded suggestion cost. All go through the real binary.

use crate::util::{fixture_dir, tieup};
use predicates::prelude::*;
use std::path::Path;
use tieup_core::lookup::{SUGGEST_CHARS, suggestion_text};

const HEADER: &str = "application_id,japan_region,sector,fiscal_year,objectives,desired_traits,implementation_bodies,commitment,preparation,continuation_years,mediator,core_company,support_tools\n";

fn score_file(dir: &Path, path: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    tieup()
        .arg("--data")
        .arg(fixture_dir())
        .args(["score", "--applications"])
        .arg(path)
        .arg("--out")
        .arg(dir.join("out.csv"))
        .args(["--success-model", "models/success.json"])
        .args(extra)
        .assert()
}

fn rejects(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("out.rejects.csv")).unwrap_or_default()
}

fn scored_ids(dir: &Path) -> Vec<String> {
    let out = std::fs::read_to_string(dir.join("out.csv")).unwrap();
    let mut ids: Vec<String> = csv::Reader::from_reader(out.as_bytes())
        .records()
        .map(|r| r.unwrap()[0].to_string())
        .collect();
    ids.dedup();
    ids
}

#[test]
fn extra_fields_and_open_quotes_are_rejects_and_later_rows_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("apps.csv");
    let mut input = format!("{HEADER}s1,suwa,dies,,,,,,,,,,,brand\ns2,\"suwa,dies\n");
    for i in 0..50 {
        input.push_str(&format!("r{i},suwa,dies\n"));
    }
    std::fs::write(&path, input).unwrap();
    score_file(dir.path(), &path, &["--top", "1"]).code(5);
    let rejects = rejects(dir.path());
    assert!(
        rejects.contains("2,s1,") && rejects.contains("14 fields"),
        "{rejects}"
    );
    assert!(
        rejects.contains("3,s2,") && rejects.contains("never closed"),
        "{rejects}"
    );
    assert_eq!(scored_ids(dir.path()).len(), 50);
}

#[test]
fn piped_csv_keeps_its_first_byte() {
    let dir = tempfile::tempdir().unwrap();
    let input = format!("{HEADER}p1,suwa,dies\n");
    tieup()
        .arg("--data")
        .arg(fixture_dir())
        .args(["score", "--applications", "/dev/stdin", "--top", "1"])
        .arg("--out")
        .arg(dir.path().join("out.csv"))
        .args(["--success-model", "models/success.json"])
        .write_stdin(input)
        .assert()
        .success();
    assert_eq!(scored_ids(dir.path()), ["p1"]);
}

#[test]
fn jsonl_with_a_bom_reads_its_first_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("apps.jsonl");
    std::fs::write(
        &path,
        "\u{feff}{\"application_id\":\"j1\",\"japan_region\":\"suwa\",\"sector\":\"dies\"}\n",
    )
    .unwrap();
    score_file(dir.path(), &path, &["--top", "1"]).success();
    assert_eq!(scored_ids(dir.path()), ["j1"]);
}

#[test]
fn ids_with_colliding_fnv_hashes_are_not_duplicates() {
    assert_eq!(
        tieup_core::hash::fnv1a64(b"c5bde799c2362419"),
        tieup_core::hash::fnv1a64(b"a1a9a9bf38687075")
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("apps.csv");
    std::fs::write(
        &path,
        format!("{HEADER}c5bde799c2362419,suwa,dies\na1a9a9bf38687075,suwa,dies\n"),
    )
    .unwrap();
    score_file(dir.path(), &path, &["--top", "1"]).success();
    assert_eq!(scored_ids(dir.path()).len(), 2);
}

#[test]
fn every_problem_of_a_row_is_reported_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("apps.csv");
    std::fs::write(
        &path,
        format!("{HEADER}b1,nowhere,nothing,1800,,,,lots,maybe,-1,,,\n"),
    )
    .unwrap();
    score_file(dir.path(), &path, &["--top", "1"]).code(5);
    let rejects = rejects(dir.path());
    for column in [
        "japan_region",
        "sector",
        "fiscal_year",
        "commitment",
        "preparation",
        "continuation_years",
    ] {
        let row = format!("2,b1,{column},");
        assert!(rejects.contains(&row), "{column} missing in {rejects}");
    }
}

/// 200 rows naming a Japanese region of 4,000 characters: each is a reject whose echo is
/// clipped, and the suggestions compare a bounded prefix of the name, so the work per row
/// does not grow with its length (the cost of a suggestion is the product of the lengths).
/// The time itself is measured in `benches/load.rs` (40 against 4,000 characters).
#[test]
fn long_unknown_regions_are_cheap_and_echoed_briefly() {
    const ROWS: usize = 200;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("apps.csv");
    let long = "x".repeat(4000);
    let mut input = HEADER.to_string();
    for i in 0..ROWS {
        input.push_str(&format!("u{i},{long},dies\n"));
    }
    std::fs::write(&path, &input).unwrap();
    score_file(dir.path(), &path, &["--top", "1"]).code(5);
    let rejects = rejects(dir.path());
    assert_eq!(rejects.lines().count(), ROWS + 1, "{rejects}");
    assert!(rejects.lines().all(|l| l.len() < 600), "long echo");
    assert!(
        rejects.lines().skip(1).all(|l| l.contains("(4000 bytes)")),
        "the echo names the full length: {rejects}"
    );
    // What a suggestion compares is bounded, and so are the suggestions' results: a long
    // name is suggested for as its first characters are.
    let catalog = tieup_core::catalog::Catalog::load(&fixture_dir()).unwrap();
    for name in [long.clone(), format!("suwa{long}"), format!("{long}suwa")] {
        let compared = suggestion_text(&name);
        assert!(compared.chars().count() <= SUGGEST_CHARS, "{compared}");
        let prefix: String = name.chars().take(SUGGEST_CHARS).collect();
        assert_eq!(compared, suggestion_text(&prefix));
        let suggested = |query: &str| match catalog.find_japan_region(query) {
            Err(tieup_core::Error::UnknownName { suggestions, .. }) => suggestions,
            other => panic!("expected an unknown name, got {other:?}"),
        };
        assert_eq!(suggested(&name), suggested(&prefix));
    }
}

fn write_model(dir: &Path, edit: impl Fn(&mut serde_json::Value)) -> std::path::PathBuf {
    let text = std::fs::read_to_string(fixture_dir().join("models/prior.json"))
        .or_else(|_| std::fs::read_to_string("models/prior.json"))
        .unwrap();
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    edit(&mut value);
    let path = dir.join("model.json");
    std::fs::write(&path, serde_json::to_string(&value).unwrap()).unwrap();
    path
}

fn query_with_model(model: &Path) -> assert_cmd::assert::Assert {
    tieup()
        .arg("--data")
        .arg(fixture_dir())
        .args([
            "shortlist",
            "--region",
            "suwa",
            "--sector",
            "dies",
            "--model",
        ])
        .arg(model)
        .assert()
}

#[test]
fn huge_weights_and_boosts_and_non_utf8_models_are_refused_with_exit_4() {
    let dir = tempfile::tempdir().unwrap();
    let model = write_model(dir.path(), |v| {
        let default = v["weights"]["default"].as_object_mut().unwrap();
        let first = default.keys().next().unwrap().clone();
        default[&first] = serde_json::json!(1e308);
    });
    query_with_model(&model)
        .code(4)
        .stderr(predicates::str::contains("not a finite number within"));
    let model = write_model(dir.path(), |v| v["want_boost"] = serde_json::json!(-5.0));
    query_with_model(&model)
        .code(4)
        .stderr(predicates::str::contains("want_boost"));
    std::fs::write(&model, b"{\"format\": \"\xff\xfe\"}").unwrap();
    query_with_model(&model).code(4);
}

#[test]
fn an_overseas_region_given_as_japanese_says_so_with_balanced_quotes() {
    tieup()
        .arg("--data")
        .arg(fixture_dir())
        .args(["shortlist", "--region", "texas", "--sector", "dies"])
        .assert()
        .code(3)
        .stderr(predicates::str::contains(
            "'texas' is the overseas region texas, not a Japanese region",
        ));
}

#[test]
fn a_model_without_the_sector_names_its_default_fallback() {
    let dir = tempfile::tempdir().unwrap();
    let model = write_model(dir.path(), |v| {
        v["weights"]["by_sector"]
            .as_object_mut()
            .unwrap()
            .remove("metal_mechanical");
    });
    query_with_model(&model)
        .success()
        .stdout(predicates::str::contains(
            "default weights, none for Metal and mechanical processing",
        ));
    tieup()
        .arg("--data")
        .arg(fixture_dir())
        .args(["shortlist", "--region", "suwa", "--sector", "dies", "--format", "json", "--model"])
        .arg(&model)
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "\"fallback\": \"default weights: the model has none for survey sector metal_mechanical\"",
        ));
}

#[test]
fn region_suggestions_name_japanese_regions_only() {
    tieup()
        .arg("--data")
        .arg(fixture_dir())
        .args(["shortlist", "--region", "texa", "--sector", "dies"])
        .assert()
        .code(3)
        .stderr(predicates::str::contains("texas").not());
}
