//! `tieup score`: rejects, atomic outputs, determinism, refusal to overwrite the input, and a
//! property test that the application reader never panics. Uses the fixture catalog.

use crate::util::{fixture_dir, tieup};
use predicates::prelude::*;
use std::path::Path;

const HEADER: &str = "application_id,japan_region,sector,fiscal_year,objectives,desired_traits,implementation_bodies,commitment,preparation,continuation_years,mediator,core_company,support_tools\n";

fn score(dir: &Path, input: &str, name: &str, extra: &[&str]) -> assert_cmd::assert::Assert {
    let path = dir.join(name);
    std::fs::write(&path, input).unwrap();
    tieup()
        .arg("--data")
        .arg(fixture_dir())
        .args(["score", "--applications"])
        .arg(&path)
        .arg("--out")
        .arg(dir.join("out.csv"))
        .args([
            "--success-model",
            "models/success.json",
            "--model",
            "models/prior.json",
        ])
        .args(extra)
        .assert()
}

#[test]
fn valid_rows_are_scored_and_bad_rows_rejected_with_line_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    let input = format!(
        "{HEADER}a1,fukushima,medical,2010,joint_development,design,company;university;prefecture,sufficient,true,2,true,true,workshop\n\
         a2,fukushma,medical,,,,,,,,,,\n\
         a3,suwa,dies,,,,,,maybe,,,,\n\
         a1,suwa,dies,,,,,,,,,,\n\
         a4,suwa,,,,,,,,,,,\n\
         a5,suwa,dies,2005,procurement,,company,partial,,,false,,\n"
    );
    score(dir.path(), &input, "apps.csv", &["--top", "3"])
        .code(5)
        .stderr(predicate::str::contains("4 row(s) rejected"));
    let out = std::fs::read_to_string(dir.path().join("out.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 6, "two applications x top 3");
    assert_eq!(&rows[0][0], "a1");
    assert_eq!(&rows[3][0], "a5");
    assert_eq!(&rows[0][4], "1");
    let rejects = std::fs::read_to_string(dir.path().join("out.rejects.csv")).unwrap();
    let lines: Vec<&str> = rejects.lines().collect();
    assert_eq!(lines[0], "\u{feff}line,application_id,column,problem");
    assert!(
        lines[1].starts_with("3,a2,") && lines[1].contains("closest matches: fukushima"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].starts_with("4,a3,") && lines[2].contains("preparation"),
        "{}",
        lines[2]
    );
    assert!(
        lines[3].starts_with("5,a1,") && lines[3].contains("duplicate"),
        "{}",
        lines[3]
    );
    assert!(
        lines[4].starts_with("6,a4,sector,") && lines[4].contains("required, but empty"),
        "{}",
        lines[4]
    );
}

#[test]
fn same_input_gives_byte_identical_output_in_both_formats() {
    let dir = tempfile::tempdir().unwrap();
    let mut input = HEADER.to_string();
    for i in 0..300 {
        let region = ["fukushima", "suwa", "nagano", "ishikawa"][i % 4];
        let sector = ["medical", "dies", "furniture", "software"][i % 4 / 2 + i % 2];
        input.push_str(&format!(
            "app{i},{region},{sector},{},,,company,sufficient,,,,,\n",
            2000 + i % 10
        ));
    }
    for format in ["csv", "jsonl"] {
        let run = || {
            score(
                dir.path(),
                &input,
                "apps.csv",
                &["--format", format, "--chunk-size", "7"],
            )
            .success();
            std::fs::read(dir.path().join("out.csv")).unwrap()
        };
        let first = run();
        assert!(!first.is_empty());
        assert_eq!(first, run(), "{format}");
    }
    // JSON Lines input gives the same scores as CSV input.
    let jsonl: String = input
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            format!("{{\"application_id\":\"{}\",\"japan_region\":\"{}\",\"sector\":\"{}\",\"fiscal_year\":{},\"implementation_bodies\":[\"company\"],\"commitment\":\"sufficient\"}}\n", f[0], f[1], f[2], f[3])
        })
        .collect();
    score(dir.path(), &input, "apps.csv", &["--format", "jsonl"]).success();
    let from_csv = std::fs::read_to_string(dir.path().join("out.csv")).unwrap();
    score(dir.path(), &jsonl, "apps.jsonl", &["--format", "jsonl"]).success();
    let from_json = std::fs::read_to_string(dir.path().join("out.csv")).unwrap();
    // Identical except for line numbers (the CSV has a header line).
    let without_lines = |text: &str| -> Vec<serde_json::Value> {
        text.lines()
            .map(|l| {
                let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
                v.as_object_mut().unwrap().remove("line");
                v
            })
            .collect()
    };
    assert!(
        without_lines(&from_csv) == without_lines(&from_json),
        "CSV and JSON Lines inputs differ"
    );
}

#[test]
fn output_equal_to_input_is_refused_and_input_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("apps.csv");
    let input = format!("{HEADER}a1,suwa,dies,,,,,,,,,,\n");
    std::fs::write(&path, &input).unwrap();
    tieup()
        .arg("--data")
        .arg(fixture_dir())
        .args(["score", "--applications"])
        .arg(&path)
        .arg("--out")
        .arg(dir.path().join(".").join("apps.csv"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("never overwritten"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), input);
}

#[test]
fn unusable_files_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    score(dir.path(), "", "empty.csv", &[])
        .code(4)
        .stderr(predicate::str::contains("empty"));
    score(
        dir.path(),
        "just some words\nno commas here\n",
        "words.txt",
        &[],
    )
    .code(4)
    .stderr(predicate::str::contains("not a CSV application file"));
    score(dir.path(), "id,region\n1,2\n", "other.csv", &[])
        .code(4)
        .stderr(predicate::str::contains("missing column 'application_id'"));
    // Nothing half-written is left behind.
    assert!(!dir.path().join("out.csv").exists());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn invalid_utf8_and_huge_fields_reject_rows_not_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut input = HEADER.as_bytes().to_vec();
    input.extend_from_slice(b"a1,suwa,dies\xff,,,,,,,,,,\n");
    input.extend_from_slice(format!("a2,suwa,{},,,,,,,,,,\n", "x".repeat(10_000)).as_bytes());
    input.extend_from_slice(b"a3,suwa,dies,,,,,,,,,,\n");
    let path = dir.path().join("apps.csv");
    std::fs::write(&path, &input).unwrap();
    tieup()
        .arg("--data")
        .arg(fixture_dir())
        .args(["score", "--applications"])
        .arg(&path)
        .arg("--out")
        .arg(dir.path().join("out.csv"))
        .args(["--model", "models/prior.json"])
        .assert()
        .code(5);
    let rejects = std::fs::read_to_string(dir.path().join("out.rejects.csv")).unwrap();
    assert!(
        rejects.contains("UTF-8") && rejects.contains("longer than"),
        "{rejects}"
    );
    let out = std::fs::read_to_string(dir.path().join("out.csv")).unwrap();
    assert!(out.lines().skip(1).all(|l| l.starts_with("a3,")));
}

#[test]
fn checklist_flags_high_communication_cost_without_mediator() {
    let dir = tempfile::tempdir().unwrap();
    // Furniture candidates for Ishikawa are Milan and Lombardy, far away (cost about 0.7).
    let input = format!(
        "{HEADER}far_no_mediator,ishikawa,furniture,,,,company,,,,false,,\n\
         far_with_mediator,ishikawa,furniture,,,,company,,,,true,,\n"
    );
    let path = dir.path().join("apps.csv");
    std::fs::write(&path, &input).unwrap();
    tieup()
        .arg("--data")
        .arg(fixture_dir())
        .args(["score", "--applications"])
        .arg(&path)
        .arg("--out")
        .arg(dir.path().join("out.jsonl"))
        .args(["--model", "models/prior.json", "--top", "2"])
        .assert()
        .success();
    let text = std::fs::read_to_string(dir.path().join("out.jsonl")).unwrap();
    let rows: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows[0]["candidates"][0]["region_id"], "milan");
    let point6 = |row: &serde_json::Value| row["checklist"][5].clone();
    assert_eq!(point6(&rows[0])["point"], 6);
    assert_eq!(
        point6(&rows[0])["status"],
        "at_risk",
        "{}",
        point6(&rows[0])
    );
    assert!(
        point6(&rows[0])["reason"]
            .as_str()
            .unwrap()
            .contains("no mediator")
    );
    assert_eq!(point6(&rows[1])["status"], "met");
    for row in &rows {
        let p = &row["success"];
        let total = p["during"].as_f64().unwrap()
            + p["after"].as_f64().unwrap()
            + p["not_yet"].as_f64().unwrap();
        assert!((total - 1.0).abs() < 1e-9);
        assert_eq!(row["checklist"].as_array().unwrap().len(), 8);
    }
}

mod reader_properties {
    use proptest::prelude::*;
    use tieup_core::application::{ApplicationReader, InputFormat};
    use tieup_core::catalog::Catalog;

    fn catalog() -> &'static Catalog {
        static CATALOG: std::sync::OnceLock<Catalog> = std::sync::OnceLock::new();
        CATALOG.get_or_init(|| Catalog::load(&crate::util::fixture_dir()).unwrap())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Arbitrary bytes after a valid header never panic; every row is scored or rejected.
        #[test]
        fn csv_reader_never_panics(body in proptest::collection::vec(any::<u8>(), 0..600)) {
            let mut input = super::HEADER.as_bytes().to_vec();
            input.extend_from_slice(&body);
            let path = std::path::Path::new("fuzz.csv");
            if let Ok(reader) = ApplicationReader::new(catalog(), path, input.as_slice(), InputFormat::Csv) {
                for row in reader {
                    let _ = row;
                }
            }
        }

        #[test]
        fn jsonl_reader_never_panics(lines in proptest::collection::vec("[ -~]{0,80}", 0..8)) {
            let input = lines.join("\n");
            let path = std::path::Path::new("fuzz.jsonl");
            let reader = ApplicationReader::new(catalog(), path, input.as_bytes(), InputFormat::JsonLines).unwrap();
            for row in reader {
                prop_assert!(row.is_ok());
            }
        }

        /// Well-formed rows with arbitrary optional values are either scored or rejected with a
        /// reason, and the line number is right.
        #[test]
        fn structured_rows_parse_or_reject(
            prep in "(true|false|yes|no|maybe|)",
            years in "(0|1|2[.]5|-1|x|)",
            commitment in "(sufficient|partial|unknown|lots|)",
        ) {
            let input = format!("{}a1,suwa,dies,,,,,{commitment},{prep},{years},,,\n", super::HEADER);
            let path = std::path::Path::new("p.csv");
            let mut reader = ApplicationReader::new(catalog(), path, input.as_bytes(), InputFormat::Csv).unwrap();
            match reader.next().unwrap().unwrap() {
                Ok(app) => prop_assert_eq!(app.line, 2),
                Err(reject) => {
                    prop_assert_eq!(reject.line, 2);
                    prop_assert!(!reject.reason.is_empty());
                }
            }
            prop_assert!(reader.next().is_none());
        }
    }
}
