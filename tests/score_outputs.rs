//! `tieup score` outputs for people: every problem of a bad row at once, each with its column
//! (rejects file and stderr); the selection committee's workbook (read back with calamine);
//! the CSV with a byte-order mark, rounded numbers, full reasons and the checklist in words.
//! Uses the shipped catalog and models, as programme staff would.

use crate::util::{shipped_data, tieup};
use calamine::{Data, Reader, Xlsx, open_workbook};
use std::path::Path;

const HEADER: &str = "application_id,japan_region,sector,fiscal_year,objectives,desired_traits,implementation_bodies,commitment,preparation,continuation_years,mediator,core_company,support_tools\n";

fn score(dir: &Path, out: &str, extra: &[&str]) -> assert_cmd::assert::Assert {
    tieup()
        .current_dir(dir)
        .args(["score", "--applications"])
        .arg(shipped_data().join("applications.example.csv"))
        .args(["--out", out])
        .args(extra)
        .assert()
}

#[test]
fn a_bad_file_reports_every_problem_with_its_column_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let input = format!(
        "{HEADER}b1,nowhere,fukushima_cars,2027,joint_development,advanced_technology,company,sufficient,true,3,true,true,workshop\n\
         b2,fukushima,medical_devices,2027,world_peace,shiny,company,lots,maybe,-1,perhaps,true,9\n\
         b3,fukushima,medical_devices,-5,joint_development,,company;aliens,sufficient,true,3,true,true,workshop\n\
         ,,,1800,,,,,,,,,\n\
         b5,fukushima,medical_devices,2027,joint_development,advanced_technology,company,sufficient,true,3,true,true,workshop\n"
    );
    let path = dir.path().join("apps.csv");
    std::fs::write(&path, input).unwrap();
    let run = tieup()
        .current_dir(dir.path())
        .args(["score", "--applications", "apps.csv", "--out", "out.csv"])
        .assert()
        .code(5);
    let stderr = String::from_utf8(run.get_output().stderr.clone()).unwrap();
    let rejects = std::fs::read_to_string(dir.path().join("out.rejects.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(rejects.as_bytes())
        .records()
        .map(|r| r.unwrap())
        .collect();
    let expected = [
        ("2", "japan_region"),
        ("2", "sector"),
        ("3", "objectives"),
        ("3", "desired_traits"),
        ("3", "commitment"),
        ("3", "preparation"),
        ("3", "continuation_years"),
        ("3", "mediator"),
        ("3", "support_tools"),
        ("4", "fiscal_year"),
        ("4", "implementation_bodies"),
        ("5", "application_id"),
        ("5", "japan_region"),
        ("5", "sector"),
        ("5", "fiscal_year"),
    ];
    let found: Vec<(&str, &str)> = rows.iter().map(|r| (&r[0], &r[2])).collect();
    assert_eq!(found, expected, "{rejects}");
    for (row, (line, column)) in rows.iter().zip(expected) {
        assert!(!row[3].is_empty());
        // Every problem is on stderr too, with its line and column.
        let said = format!("line {line}");
        assert!(
            stderr
                .lines()
                .any(|l| l.contains(&said) && l.contains(&format!("{column}: "))),
            "{line} {column} not on stderr:\n{stderr}"
        );
    }
    assert!(stderr.contains("'maybe' is not true or false"), "{stderr}");
    assert!(stderr.contains("4 row(s) rejected"), "{stderr}");
    let out = std::fs::read_to_string(dir.path().join("out.csv")).unwrap();
    assert!(out.lines().skip(1).all(|l| l.starts_with("b5,")));
}

#[test]
fn csv_starts_with_a_bom_has_rounded_numbers_full_reasons_and_points_in_words() {
    let dir = tempfile::tempdir().unwrap();
    score(dir.path(), "out.csv", &["--top", "3"]).success();
    let bytes = std::fs::read(dir.path().join("out.csv")).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a BOM by default");
    let rejects = std::fs::read(dir.path().join("out.rejects.csv")).unwrap();
    assert!(rejects.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 5 * 3);
    for row in &rows {
        for name in ["score", "partner_fit", "p_during", "p_after", "p_not_yet"] {
            let (_, decimals) = row[col(name)].split_once('.').unwrap();
            assert_eq!(decimals.len(), 4, "{name} {}", &row[col(name)]);
        }
        // Reasons in full: the communication cost, a penalty, is always there.
        assert!(row[col("reasons")].contains("comm. cost -"), "{row:?}");
        // Every point is named in words in exactly one of the three columns.
        let all = [
            &row[col("checklist_met")],
            &row[col("checklist_at_risk")],
            &row[col("checklist_unknown")],
        ]
        .map(|s| s.to_string())
        .join("; ");
        for (i, name) in tieup_batch::score::POINT_NAMES.iter().enumerate() {
            let point = format!("{} {name}", i + 1);
            assert_eq!(all.matches(&point).count(), 1, "{point} in {all}");
        }
    }
    // Application 4 says nothing of preparation: point 7 is unknown, in words.
    let app4 = rows.iter().find(|r| &r[0] == "rit2027_004").unwrap();
    assert!(app4[col("checklist_unknown")].contains("7 flexibility after failures"));
    score(dir.path(), "plain.csv", &["--no-bom", "--top", "3"]).success();
    let plain = std::fs::read(dir.path().join("plain.csv")).unwrap();
    assert!(plain.starts_with(b"application_id,"));
    assert!(plain == bytes[3..], "the same file without the BOM");
}

fn cell(range: &calamine::Range<Data>, row: usize, col: usize) -> String {
    range
        .get_value((row as u32, col as u32))
        .map(|d| d.to_string())
        .unwrap_or_default()
}

#[test]
fn workbook_has_summary_candidates_and_columns_sheets() {
    let dir = tempfile::tempdir().unwrap();
    score(dir.path(), "round.xlsx", &["--top", "4"]).success();
    let mut book: Xlsx<_> = open_workbook(dir.path().join("round.xlsx")).unwrap();
    assert_eq!(book.sheet_names(), ["Summary", "Candidates", "Columns"]);
    let summary = book.worksheet_range("Summary").unwrap();
    assert_eq!(
        summary.height(),
        1 + 5,
        "a header and one row per application"
    );
    let header: Vec<String> = (0..summary.width()).map(|c| cell(&summary, 0, c)).collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("{name} in {header:?}"))
    };
    for name in [
        "partner 1",
        "score 1",
        "partner 3",
        "score 3",
        "p_during",
        "partner_fit",
    ] {
        col(name);
    }
    assert_eq!(cell(&summary, 1, 0), "rit2027_001");
    assert!(
        cell(&summary, 1, col("partner 1")).contains(" ("),
        "name (country)"
    );
    assert!(matches!(
        summary.get_value((1, col("p_during") as u32)),
        Some(Data::Float(_))
    ));
    for (i, name) in tieup_batch::score::POINT_NAMES.iter().enumerate() {
        let c = col(&format!("{} {name}", i + 1));
        for row in 1..=5 {
            let status = cell(&summary, row, c);
            assert!(
                ["met", "at risk", "unknown"].contains(&status.as_str()),
                "{status}"
            );
        }
    }
    assert!(cell(&summary, 1, col("checklist reasons")).contains("met ("));
    assert!(cell(&summary, 1, col("reasons (partner 1)")).contains('+'));
    let candidates = book.worksheet_range("Candidates").unwrap();
    assert_eq!(candidates.height(), 1 + 5 * 4, "every candidate");
    let columns = book.worksheet_range("Columns").unwrap();
    let text: Vec<String> = columns
        .rows()
        .map(|r| {
            r.iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .collect();
    let text = text.join("\n");
    for needle in [
        "partner_fit",
        "p_during",
        "reasons",
        "comm. cost",
        "reads commitment_sufficient, commitment_partial",
    ] {
        assert!(text.contains(needle), "{needle} not explained:\n{text}");
    }
    assert!(text.contains("do not change the probabilities"), "{text}");
    // The same input gives the same bytes.
    score(dir.path(), "again.xlsx", &["--top", "4"]).success();
    assert_eq!(
        std::fs::read(dir.path().join("round.xlsx")).unwrap(),
        std::fs::read(dir.path().join("again.xlsx")).unwrap()
    );
}
