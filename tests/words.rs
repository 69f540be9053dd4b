//! The words of the command line, on the shipped catalog: sector and region lookup (everyday
//! words, singular and plural, suffixes, exact before substring, suggestions of the kind
//! asked for), the shortlist's plain-language reasons in the table and CSV (never cut, the
//! largest penalty shown, no internal ids, `--lang ja`), and help, completions and man pages.

use crate::util::{shipped_data, tieup};
use predicates::prelude::*;
use serde_json::Value;
use tieup_core::catalog::Catalog;

fn shortlist_sector(sector: &str) -> String {
    let out = tieup()
        .args(["shortlist", "--region", "fukushima", "--sector", sector])
        .args(["--top", "1", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{sector}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    report["query"]["sector_id"].as_str().unwrap().to_string()
}

#[test]
fn everyday_sector_words_find_their_sector() {
    for (word, sector) in [
        ("cars", "automotive"),
        ("car", "automotive"),
        ("automobiles", "automotive"),
        ("自動車", "automotive"),
        ("semiconductor", "semiconductors_nanotech"),
        ("semiconductors", "semiconductors_nanotech"),
        ("eco", "environment"),
        ("環境", "environment"),
        ("食品", "food_beverage"),
        ("robot", "robotics"),
        ("machine tools", "machine_tools"),
    ] {
        assert_eq!(shortlist_sector(word), sector, "{word}");
    }
}

#[test]
fn a_word_of_two_sectors_lists_the_choices() {
    for word in ["design", "デザイン"] {
        tieup()
            .args(["shortlist", "--region", "fukushima", "--sector", word])
            .assert()
            .code(3)
            .stderr(predicate::str::contains(
                "contents_design, industrial_design",
            ));
    }
}

/// Every alias of the shipped sectors finds its own sector, except the words deliberately
/// listed under two sectors (data/README.md), which must list both.
#[test]
fn shipped_sector_aliases_are_unique_unless_meant_to_ask() {
    const ASKING: [&str; 5] = [
        "design",
        "デザイン",
        "welfare",
        "lumber",
        "building materials",
    ];
    let catalog = Catalog::load(&shipped_data()).unwrap();
    let sectors = catalog.sectors();
    for (id, sector) in sectors.iter() {
        for alias in &sector.aliases {
            match sectors.find(alias) {
                Ok(found) => assert_eq!(found, id, "alias '{alias}' of {}", sector.id),
                Err(tieup_core::Error::AmbiguousName { candidates, .. }) => {
                    assert!(ASKING.contains(&alias.as_str()), "'{alias}' is ambiguous");
                    assert!(candidates.contains(&sector.id));
                }
                Err(e) => panic!("alias '{alias}': {e}"),
            }
        }
    }
}

#[test]
fn sectors_table_shows_every_alias() {
    let catalog = Catalog::load(&shipped_data()).unwrap();
    let out = tieup().arg("sectors").output().unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    for (_, sector) in catalog.sectors().iter() {
        for alias in &sector.aliases {
            assert!(
                table.contains(alias.as_str()),
                "sectors table lacks '{alias}'"
            );
        }
    }
}

fn search(text: &str) -> Vec<String> {
    let out = tieup()
        .args(["regions", "--search", text, "--format", "json"])
        .output()
        .unwrap();
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    list.as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn search_puts_exact_and_whole_words_before_substrings() {
    assert_eq!(search("京都"), ["kyoto", "kyoto_city"]);
    assert_eq!(search("kyoto"), ["kyoto", "kyoto_city"]);
    assert!(search("東京").contains(&"tokyo".to_string()));
    let fuku = search("fuku");
    assert!(fuku.contains(&"fukushima".to_string()) && fuku.contains(&"fukuoka".to_string()));
}

#[test]
fn region_names_work_with_and_without_suffixes() {
    for (name, id) in [
        ("北九州", "kitakyushu"),
        ("北九州市", "kitakyushu"),
        ("kitakyushu-shi", "kitakyushu"),
        ("京都", "kyoto"),
        ("京都府", "kyoto"),
        ("京都市", "kyoto_city"),
    ] {
        let out = tieup()
            .args([
                "shortlist",
                "--region",
                name,
                "--sector",
                "cars",
                "--top",
                "1",
            ])
            .args(["--format", "json"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{name}");
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["query"]["region_id"], id, "{name}");
    }
}

#[test]
fn region_suggestions_are_of_the_kind_asked_for() {
    let catalog = Catalog::load(&shipped_data()).unwrap();
    for typo in ["toront", "macu", "haif"] {
        match catalog.find_japan_region(typo) {
            Err(tieup_core::Error::UnknownName { suggestions, .. }) => {
                for s in &suggestions {
                    let id = catalog.region_by_id(s).unwrap();
                    assert!(
                        catalog.candidate_position(id).is_none(),
                        "{typo} suggests {s}"
                    );
                }
            }
            other => panic!("{typo}: {other:?}"),
        }
        if let Err(tieup_core::Error::UnknownName { suggestions, .. }) =
            catalog.find_overseas_region("fukushma")
        {
            for s in &suggestions {
                let id = catalog.region_by_id(s).unwrap();
                assert!(
                    catalog.candidate_position(id).is_some(),
                    "overseas lookup suggests {s}"
                );
            }
        }
    }
}

fn table(args: &[&str]) -> String {
    let out = tieup().arg("shortlist").args(args).output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn table_reasons_are_whole_plain_and_show_the_largest_penalty() {
    let text = table(&[
        "--region",
        "fukushima",
        "--sector",
        "medical_welfare",
        "--top",
        "10",
    ]);
    assert!(!text.contains('…'), "nothing is cut:\n{text}");
    assert!(!text.contains("r2r_"), "no internal ids:\n{text}");
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("Fukushima–Skåne and Västerbotten medical devices partnership, FY2003"));
    // Every candidate has a communication cost, so every row shows a penalty.
    let rows = text.lines().filter(|l| {
        l.get(..4)
            .is_some_and(|r| r.trim().parse::<usize>().is_ok())
    });
    assert_eq!(rows.count(), 10);
    let body = &text[text.find("-----").unwrap()..];
    assert_eq!(body.matches('−').count(), 10, "{text}");
    for line in text.lines() {
        assert!(unicode_width::UnicodeWidthStr::width(line) <= 100, "{line}");
    }
    let explained = table(&[
        "--region",
        "fukushima",
        "--sector",
        "medical_welfare",
        "--explain",
    ]);
    assert!(!explained.contains("r2r_"), "{explained}");
}

#[test]
fn lang_ja_gives_japanese_labels_and_names() {
    let text = table(&[
        "--region",
        "fukushima",
        "--sector",
        "cars",
        "--lang",
        "ja",
        "--top",
        "3",
    ]);
    assert!(text.starts_with("福島県・自動車"), "{text}");
    assert!(text.contains("順位") && text.contains("時差"), "{text}");
    for line in text.lines() {
        assert!(unicode_width::UnicodeWidthStr::width(line) <= 100, "{line}");
    }
}

#[test]
fn shortlist_csv_has_names_full_reasons_and_rounded_numbers() {
    let out = tieup()
        .args([
            "shortlist",
            "--region",
            "fukushima",
            "--sector",
            "medical_welfare",
        ])
        .args(["--format", "csv"])
        .output()
        .unwrap();
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let header = reader.headers().unwrap().clone();
    for column in [
        "country_name",
        "parent_name",
        "top_reasons",
        "reasons",
        "details",
    ] {
        assert!(header.iter().any(|h| h == column), "no {column}");
    }
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let mut saw_parent = false;
    for row in reader.records() {
        let row = row.unwrap();
        assert!(!row.iter().any(|c| c.contains("r2r_")));
        assert!(!row[col("country_name")].is_empty());
        saw_parent |= !row[col("parent_name")].is_empty();
        for (h, v) in header.iter().zip(row.iter()) {
            if h == "score" || h.starts_with("contribution_") {
                let decimals = v.split('.').nth(1).unwrap_or("").len();
                assert!(decimals <= 4, "{h} = {v}");
            }
        }
        assert!(row[col("details")].contains("communication cost"));
    }
    assert!(saw_parent, "some candidate of the list has a parent region");
}

#[test]
fn completions_and_man_pages_come_from_the_definitions() {
    tieup()
        .args(["completions", "bash"])
        .assert()
        .success()
        .stdout(predicate::str::contains("shortlist").and(predicate::str::contains("--lang")));
    tieup()
        .arg("man")
        .assert()
        .success()
        .stdout(predicate::str::starts_with(".ie").or(predicate::str::contains(".TH tieup")));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man1");
    tieup()
        .args(["man", "--out", out.to_str().unwrap()])
        .assert()
        .success();
    for page in [
        "tieup.1",
        "tieup-shortlist.1",
        "tieup-db-export.1",
        "tieup-catalog-rebuild.1",
    ] {
        let text = std::fs::read_to_string(out.join(page)).unwrap();
        assert!(text.contains(".TH"), "{page}");
    }
    let shortlist = std::fs::read_to_string(out.join("tieup-shortlist.1")).unwrap();
    assert!(shortlist.contains("Examples") && shortlist.contains("Exit codes"));
}

#[test]
fn every_command_help_has_examples_and_exit_codes() {
    for path in [
        vec!["shortlist"],
        vec!["score"],
        vec!["eval"],
        vec!["db", "check"],
        vec!["catalog", "import"],
        vec!["completions"],
    ] {
        tieup()
            .args(&path)
            .arg("--help")
            .assert()
            .success()
            .stdout(predicate::str::contains("Examples:\n  tieup "))
            .stdout(predicate::str::contains("Exit codes:"));
    }
}

#[test]
fn formats_a_command_cannot_give_are_refused() {
    tieup()
        .args(["stats", "--format", "csv"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("table, json"));
}
