//! Fact checks the shipped catalog must pass: the known strong and weak (region, sector)
//! pairs of `data/checks/known_strengths.csv` (strong pairs in the top fifth of their sector
//! among regions of their kind, weak pairs at or below the median or at most 0.1, the
//! ladder's "weak", since most unmeasured regions read 0), curated reasons that never
//! cite a partnership the model trains on, curated reasons that are not stock phrases (no
//! reason text used more than three times), and trait `as_of` years that are years after 1995.

use std::path::Path;
use tieup_core::catalog::{Catalog, RegionId, RegionKind};

fn catalog() -> Catalog {
    Catalog::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("data")).unwrap()
}

/// Regions of one kind are compared with each other: Japanese prefectures, Japanese areas,
/// overseas regional units (country, state, NUTS-1/2) and overseas cities and metros.
fn kind(catalog: &Catalog, region: RegionId) -> (bool, bool) {
    let r = catalog.region(region);
    let local = matches!(r.level.as_str(), "area" | "metro" | "city");
    (r.kind == RegionKind::Japan, local)
}

/// The ladder's "weak".
const WEAK: f64 = 0.1;

/// (pairs checked, failures with their reason).
pub fn known_strengths(catalog: &Catalog) -> (usize, Vec<String>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/checks/known_strengths.csv");
    let mut reader = csv::Reader::from_path(&path).unwrap();
    let mut checked = 0;
    let mut failures = Vec::new();
    for record in reader.records() {
        let record = record.unwrap();
        let (region_id, sector_id, expect) = (&record[0], &record[1], &record[2]);
        let region = catalog.find_region(region_id).unwrap();
        let sector = catalog.sectors().find(sector_id).unwrap();
        let value = catalog.strength(region, sector);
        let mut peers: Vec<f64> = catalog
            .regions()
            .map(|(r, _)| r)
            .filter(|&r| kind(catalog, r) == kind(catalog, region))
            .map(|r| catalog.strength(r, sector))
            .collect();
        peers.sort_by(|a, b| b.total_cmp(a));
        let above = peers.iter().filter(|&&v| v > value).count();
        let median = peers[peers.len() / 2];
        let ok = match expect {
            "strong" => (above as f64) < peers.len() as f64 / 5.0,
            "weak" => value <= median.max(WEAK),
            other => panic!("expect must be strong or weak, not {other}"),
        };
        checked += 1;
        if !ok {
            failures.push(format!(
                "{region_id} {sector_id} {expect}: {value:.2}, {above} of {} above, median {median:.2}",
                peers.len()
            ));
        }
    }
    (checked, failures)
}

#[test]
fn known_strong_and_weak_pairs_hold() {
    let (checked, failures) = known_strengths(&catalog());
    assert!(checked >= 80, "{checked} pairs");
    let accuracy = 1.0 - failures.len() as f64 / checked as f64;
    assert!(
        accuracy >= 0.95,
        "accuracy {:.1} % over {checked} pairs; failing:\n{}",
        100.0 * accuracy,
        failures.join("\n")
    );
}

#[test]
fn no_curated_reason_cites_a_training_partnership() {
    let catalog = catalog();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let partnerships = catalog
        .read_partnerships(&data.join("partnerships.csv"))
        .unwrap();
    let mut cited = Vec::new();
    let records = ["strengths.csv", "traits.csv"]
        .into_iter()
        .flat_map(|file| {
            csv::Reader::from_path(data.join(file))
                .unwrap()
                .into_records()
                .collect::<Vec<_>>()
        });
    for record in records {
        let record = record.unwrap();
        let (region_id, note) = (&record[0], record[4].to_lowercase());
        let Ok(region) = catalog.find_region(region_id) else {
            continue;
        };
        for p in &partnerships {
            let partners: Vec<RegionId> = if p.japan_region == region {
                p.overseas_regions.clone()
            } else if p.overseas_regions.contains(&region) {
                vec![p.japan_region]
            } else {
                continue;
            };
            for partner in partners {
                let r = catalog.region(partner);
                let names = std::iter::once(r.name.to_lowercase())
                    .chain(std::iter::once(r.id.replace('_', " ")))
                    .chain(r.aliases.iter().map(|a| a.to_lowercase()));
                for name in names.filter(|n| n.len() > 3) {
                    if note.contains(&name) {
                        cited.push(format!("{region_id}: '{note}' cites {name} ({})", p.id));
                    }
                }
            }
        }
    }
    assert!(cited.is_empty(), "{}", cited.join("\n"));
}

/// The most times one curated reason text may be used in `strengths.csv` or `traits.csv`.
const MAX_REASON_USES: usize = 3;

/// Reason texts compared case-insensitively, with runs of white space as one space.
fn reason_key(note: &str) -> String {
    note.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[test]
fn no_reason_text_is_a_stock_phrase() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    for file in ["strengths.csv", "traits.csv"] {
        let mut reader = csv::Reader::from_path(data.join(file)).unwrap();
        let note = reader.headers().unwrap().iter().position(|h| h == "note");
        let note = note.expect("a note column");
        let mut uses = std::collections::BTreeMap::<String, usize>::new();
        for record in reader.records() {
            *uses.entry(reason_key(&record.unwrap()[note])).or_default() += 1;
        }
        let stock: Vec<String> = uses
            .iter()
            .filter(|&(_, &n)| n > MAX_REASON_USES)
            .map(|(text, n)| format!("{n} × '{text}'"))
            .collect();
        assert!(
            stock.is_empty(),
            "{file}: reasons used more than {MAX_REASON_USES} times; give each row a specific reason:\n{}",
            stock.join("\n")
        );
    }
}

#[test]
fn trait_as_of_years_are_after_1995() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/traits.csv");
    let mut reader = csv::Reader::from_path(&path).unwrap();
    let column = reader.headers().unwrap().iter().position(|h| h == "as_of");
    let column = column.expect("traits.csv has an as_of column");
    let mut dated = 0;
    for (i, record) in reader.records().enumerate() {
        let record = record.unwrap();
        let text = record[column].trim();
        if text.is_empty() {
            continue;
        }
        let year: u16 = text
            .parse()
            .unwrap_or_else(|_| panic!("traits.csv:{}: as_of '{text}' is not a year", i + 2));
        assert!(
            (1996..=2030).contains(&year),
            "traits.csv:{}: as_of {year}: only reasons resting on facts after 1995 are dated",
            i + 2
        );
        dated += 1;
    }
    assert!(dated > 0, "no trait is dated");
}

/// Mean statistics and curated value over the (region, sector) pairs where a statistic
/// replaced a curated value: (pairs, mean statistic, mean curated).
pub fn scale_gap(catalog: &Catalog) -> (usize, f64, f64) {
    let (mut n, mut statistic, mut curated) = (0usize, 0.0, 0.0);
    for (region, _) in catalog.regions() {
        for sector in catalog.sectors().ids() {
            if let Some((value, _)) = catalog.overridden_strength(region, sector) {
                n += 1;
                curated += value;
                statistic += catalog.strength(region, sector);
            }
        }
    }
    let d = n.max(1) as f64;
    (n, statistic / d, curated / d)
}

/// Prints the figures the README reports, for the catalog in `TIEUP_DATA` (default
/// `data/`): `cargo test --test tests report_scale -- --ignored --nocapture`.
#[test]
#[ignore = "a report, not a check"]
fn report_scale() {
    let dir = std::env::var("TIEUP_DATA")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("data"));
    let catalog = Catalog::load(&dir).unwrap();
    let (checked, failures) = known_strengths(&catalog);
    let (n, s, c) = scale_gap(&catalog);
    println!(
        "known strengths: {} of {checked} hold ({:.1} %)\n{}\nscale gap over {n} pairs: statistics {s:.3}, curated {c:.3}",
        checked - failures.len(),
        100.0 * (checked - failures.len()) as f64 / checked as f64,
        failures.join("\n")
    );
}
