//! The real binary: exit codes, formats, determinism, and what a coordinator would check.
//! Tests named `shipped_*` run on the shipped catalog in `data/` on purpose.

use crate::util::{edit, fixture_copy, fixture_dir, stdout_json, tieup};
use predicates::prelude::*;
use serde_json::Value;

fn json_shortlist(args: &[&str]) -> Value {
    stdout_json(tieup().args(["shortlist", "--format", "json"]).args(args))
}

fn ids(report: &Value) -> Vec<String> {
    report["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["region_id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn unknown_region_lists_closest_matches_and_exits_3() {
    tieup()
        .args(["--data"])
        .arg(fixture_dir())
        .args(["shortlist", "--region", "fukushma", "--sector", "medical"])
        .assert()
        .code(3)
        .stderr(
            predicate::str::contains("unknown region 'fukushma'")
                .and(predicate::str::contains("closest matches: fukushima")),
        );
}

#[test]
fn unknown_sector_and_trait_exit_3() {
    tieup()
        .args(["--data"])
        .arg(fixture_dir())
        .args(["shortlist", "--region", "suwa", "--sector", "dyes"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("closest matches"));
    tieup()
        .args(["--data"])
        .arg(fixture_dir())
        .args([
            "shortlist",
            "--region",
            "suwa",
            "--sector",
            "dies",
            "--want",
            "colour",
        ])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("unknown trait 'colour'"));
}

#[test]
fn overseas_region_as_query_is_refused_with_the_reason() {
    tieup()
        .args(["--data"])
        .arg(fixture_dir())
        .args(["shortlist", "--region", "milan", "--sector", "furniture"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("overseas region"));
}

#[test]
fn malformed_data_exits_4_naming_file_and_line() {
    let dir = fixture_copy();
    edit(dir.path(), "traits.csv", |t| {
        t.replacen(
            "skane,advanced_technology,0.9",
            "skane,advanced_technology,9",
            1,
        )
    });
    tieup()
        .arg("--data")
        .arg(dir.path())
        .args(["shortlist", "--region", "fukushima", "--sector", "medical"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("traits.csv:2: column 3 (value)"));
}

#[test]
fn lookups_take_names_aliases_and_any_case() {
    let by_id = json_shortlist(&[
        "--data",
        fixture_dir().to_str().unwrap(),
        "--region",
        "fukushima",
        "--sector",
        "medical_devices",
    ]);
    let by_alias = json_shortlist(&[
        "--data",
        fixture_dir().to_str().unwrap(),
        "--region",
        "福島県",
        "--sector",
        "MEDTECH",
    ]);
    assert_eq!(by_id["candidates"], by_alias["candidates"]);
}

#[test]
fn broken_pipe_is_not_an_error() {
    // The shipped catalog's listing is larger than a pipe's buffer, so the closed pipe is
    // met in the middle of the JSON, CSV or table writer.
    use std::io::Read;
    use std::process::{Command, Stdio};
    for format in ["json", "csv", "table"] {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("tieup"))
            .arg("--data")
            .arg(crate::util::shipped_data())
            .args(["regions", "--format", format])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let status = child.wait().unwrap();
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        assert!(status.success(), "{format}: exit {status:?}, stderr {err}");
        assert!(err.is_empty(), "{format}: {err}");
    }
}

#[test]
fn regions_and_sectors_json_carry_ids_names_aliases() {
    let out = tieup()
        .args(["--data"])
        .arg(fixture_dir())
        .args([
            "regions",
            "--format",
            "json",
            "--kind",
            "overseas",
            "--country",
            "it",
        ])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let entries = v.as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[1]["id"], "milan");
    assert_eq!(entries[1]["kind"], "overseas");
    assert_eq!(entries[1]["parent"], "lombardy");
    assert_eq!(entries[1]["aliases"][0], "Milano");
    let out = tieup()
        .args(["--data"])
        .arg(fixture_dir())
        .args(["regions", "--format", "json", "--search", "suwa basin"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["id"], "suwa");
    assert_eq!(v[0]["parent"], "nagano");
    let out = tieup()
        .args(["--data"])
        .arg(fixture_dir())
        .args(["sectors", "--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[4]["id"], "medical_devices");
    assert_eq!(v[4]["parent"], "medical_welfare");
}

#[test]
fn shipped_catalog_meets_its_size_floor() {
    let s = stdout_json(tieup().args(["stats", "--format", "json"]));
    assert_eq!(s["survey_sectors"], 11);
    assert!(s["survey_sectors"].as_u64().unwrap() + s["fine_sectors"].as_u64().unwrap() >= 30);
    assert_eq!(s["japan_prefectures"], 47);
    assert!(s["japan_areas"].as_u64().unwrap() >= 40);
    assert!(s["overseas_regions"].as_u64().unwrap() >= 300);
    assert_eq!(s["partnerships"], 10);
}

#[test]
fn shipped_contributions_add_up_to_the_score() {
    let report = json_shortlist(&[
        "--region",
        "fukushima",
        "--sector",
        "medical_welfare",
        "--top",
        "25",
    ]);
    assert_eq!(report["query"]["region_id"], "fukushima");
    let candidates = report["candidates"].as_array().unwrap();
    assert_eq!(candidates.len(), 25);
    for c in candidates {
        let sum: f64 = c["contributions"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_f64().unwrap())
            .sum();
        let score = c["score"].as_f64().unwrap();
        assert!(
            (sum - score).abs() < 1e-9,
            "{}: {sum} vs {score}",
            c["region_id"]
        );
        for key in [
            "rank",
            "region_id",
            "name",
            "country",
            "score",
            "contributions",
        ] {
            assert!(!c[key].is_null(), "candidate has {key}");
        }
    }
    let scores: Vec<f64> = candidates
        .iter()
        .map(|c| c["score"].as_f64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "sorted by score");
}

#[test]
fn shipped_known_partners_rank_high_for_their_own_query() {
    // Fukushima chose Skåne and Västerbotten for medical devices: both belong in the top 10%
    // of the 400-odd candidates.
    let top = ids(&json_shortlist(&[
        "--region",
        "fukushima",
        "--sector",
        "medical_devices",
        "--top",
        "40",
    ]));
    assert!(top.contains(&"skane".to_string()), "{top:?}");
    assert!(top.contains(&"vasterbotten".to_string()), "{top:?}");
}

#[test]
fn shipped_wanting_design_lifts_design_strong_regions() {
    // A craft query that wants design: the shortlist's mean design trait rises.
    let design = |report: &Value| {
        let c = report["candidates"].as_array().unwrap();
        c.iter()
            .map(|c| c["features"]["design_ability"].as_f64().unwrap())
            .sum::<f64>()
            / c.len() as f64
    };
    let plain = json_shortlist(&[
        "--region",
        "toyama",
        "--sector",
        "metal_mechanical",
        "--top",
        "10",
    ]);
    let wanted = json_shortlist(&[
        "--region",
        "toyama",
        "--sector",
        "metal_mechanical",
        "--top",
        "10",
        "--want",
        "design",
    ]);
    assert!(
        design(&wanted) > design(&plain),
        "{} vs {}",
        design(&wanted),
        design(&plain)
    );
    assert_eq!(wanted["query"]["wanted"][0], "design_ability");
    // Milan (a design capital) ranks higher when design is wanted.
    let rank_of = |report: &Value, id: &str| ids(report).iter().position(|x| x == id);
    let all_plain = json_shortlist(&[
        "--region",
        "toyama",
        "--sector",
        "metal_mechanical",
        "--top",
        "400",
    ]);
    let all_wanted = json_shortlist(&[
        "--region",
        "toyama",
        "--sector",
        "metal_mechanical",
        "--top",
        "400",
        "--want",
        "design",
    ]);
    // (With the Eurostat figures Lombardy's metalworking already puts Milan first, so the
    // rank can only hold; its score must rise.)
    assert!(rank_of(&all_wanted, "milan").unwrap() <= rank_of(&all_plain, "milan").unwrap());
    let score_of = |report: &Value, id: &str| {
        report["candidates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["region_id"] == id)
            .map(|c| c["score"].as_f64().unwrap())
            .unwrap()
    };
    assert!(score_of(&all_wanted, "milan") > score_of(&all_plain, "milan") + 0.1);
}

#[test]
fn shipped_output_is_identical_across_runs() {
    for format in ["json", "csv", "table"] {
        let run = || {
            tieup()
                .args([
                    "shortlist",
                    "--region",
                    "suwa",
                    "--sector",
                    "dies",
                    "--top",
                    "50",
                    "--format",
                    format,
                ])
                .output()
                .unwrap()
                .stdout
        };
        let first = run();
        assert!(!first.is_empty());
        assert_eq!(first, run(), "{format} output differs between runs");
    }
}

#[test]
fn shipped_table_fits_100_columns() {
    let out = tieup()
        .args([
            "shortlist",
            "--region",
            "ishikawa",
            "--sector",
            "digital contents",
            "--top",
            "20",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.lines().count() >= 23);
    for line in text.lines() {
        assert!(
            line.chars().count() <= 100,
            "{} chars: {line}",
            line.chars().count()
        );
    }
    let out = tieup()
        .args(["regions", "--kind", "overseas"])
        .output()
        .unwrap();
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        assert!(line.chars().count() <= 100, "{line}");
    }
}

#[test]
fn shipped_csv_has_one_row_per_candidate() {
    let out = tieup()
        .args([
            "shortlist",
            "--region",
            "fukui",
            "--sector",
            "textiles",
            "--top",
            "7",
            "--format",
            "csv",
        ])
        .output()
        .unwrap();
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    assert!(
        reader
            .headers()
            .unwrap()
            .iter()
            .any(|h| h == "contribution_design_ability")
    );
    assert_eq!(reader.records().count(), 7);
}

#[test]
fn shipped_prior_check_passes() {
    tieup()
        .args(["prior", "--check", "--out", "models/prior.json"])
        .assert()
        .success();
}

#[test]
fn argument_errors_exit_2_and_data_errors_exit_4() {
    tieup()
        .args(["--data"])
        .arg(fixture_dir())
        .args(["shortlist", "--region", "fukushima", "--sector", "medical"])
        .args(["--top", "0"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--top must be 1-100000"));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o.csv");
    tieup()
        .args(["--data"])
        .arg(fixture_dir())
        .args(["score", "--applications", "data/applications.example.csv"])
        .arg("--out")
        .arg(&out)
        .arg("--rejects")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("name the same file"));
    for (flag, value) in [
        ("--top", "1000000000000"),
        ("--chunk-size", "18446744073709551615"),
        ("--chunk-size", "0"),
    ] {
        tieup()
            .args(["score", "--applications", "data/applications.example.csv"])
            .arg("--out")
            .arg(dir.path().join("big.csv"))
            .args([flag, value])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(flag));
    }
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no file left behind"
    );
    let model = dir.path().join("m.json");
    std::fs::write(&model, r#"{"format": "tieup-model"}"#).unwrap();
    tieup()
        .args(["--data"])
        .arg(fixture_dir())
        .args(["shortlist", "--region", "fukushima", "--sector", "medical"])
        .arg("--model")
        .arg(&model)
        .assert()
        .code(4)
        .stderr(
            predicate::str::contains("model format version missing")
                .and(predicate::str::contains("None").not()),
        );
}

#[test]
fn full_width_and_accented_names_are_found() {
    for name in ["ｆｕｋｕｓｈｉｍａ", "FUKUSHIMA", "fukushima_prefecture"] {
        tieup()
            .args(["--data"])
            .arg(fixture_dir())
            .args(["shortlist", "--region", name, "--sector", "medical"])
            .assert()
            .success();
    }
}

#[test]
fn score_finds_its_models_from_any_directory() {
    let dir = tempfile::tempdir().unwrap();
    let apps = crate::util::shipped_data().join("applications.example.csv");
    tieup()
        .current_dir(dir.path())
        .args(["score", "--applications"])
        .arg(&apps)
        .args(["--out", "scored.csv"])
        .assert()
        .success();
    assert!(dir.path().join("scored.csv").is_file());
}

/// `tieup serve` on a free localhost port: prints the URL, answers the shortlist API with the
/// CLI's JSON, and on Ctrl-C (SIGINT) finishes and exits 0.
#[cfg(unix)]
#[test]
fn serve_prints_the_url_answers_and_stops_on_ctrl_c() {
    use std::io::{BufRead, Read, Write};
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("tieup"))
        .args(["serve", "--bind", "127.0.0.1:0", "--data"])
        .arg(fixture_dir())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://127.0.0.1:"))
        .unwrap_or_else(|| panic!("no URL in {line:?}"));
    let addr = url.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET /api/shortlist?region=fukushima&sector=medical&top=3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let body = answer.split("\r\n\r\n").nth(1).unwrap();
    let cli = tieup()
        .args(["--data"])
        .arg(fixture_dir())
        .args(["shortlist", "-r", "fukushima", "-s", "medical", "-k", "3"])
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(body.as_bytes(), cli.stdout, "the API gives the CLI's JSON");
    std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{status:?}");
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    assert!(rest.contains("stopped"), "{rest}");
}
