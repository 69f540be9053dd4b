//! Japanese names of overseas regions on the shipped catalog: every region has one (the
//! `name_ja` column), each finds its region again, alone or without its suffix
//! (`バイエルン` for バイエルン州), a short form shared by two regions is ambiguous
//! (`ニューヨーク`), `tieup regions --search` and `shortlist --lang ja` use them, and a
//! catalog without the column still loads.

use crate::util::{shipped_data, stdout_json, stdout_text, tieup};
use tieup_core::Error;
use tieup_core::catalog::japanese::{check_japanese_name, short_name};
use tieup_core::catalog::{Catalog, RegionKind};

fn catalog() -> Catalog {
    Catalog::load(&shipped_data()).unwrap()
}

#[test]
fn every_overseas_region_has_a_japanese_name_that_finds_it() {
    let catalog = catalog();
    let mut missing = Vec::new();
    for (id, region) in catalog.candidates() {
        let Some(ja) = region.name_ja() else {
            missing.push(region.id.clone());
            continue;
        };
        assert!(check_japanese_name(ja).is_ok(), "{}: {ja}", region.id);
        assert_eq!(
            catalog.find_overseas_region(ja).unwrap(),
            id,
            "{}: {ja}",
            region.id
        );
    }
    assert!(missing.is_empty(), "no name_ja: {missing:?}");
    assert_eq!(catalog.candidates().len(), 404);
}

#[test]
fn every_catalog_country_has_a_japanese_name() {
    use tieup_core::plain::{Lang, names::country_name};
    for (code, _) in tieup_core::select::overseas_countries(&catalog()) {
        let ja = country_name(&code, Lang::Ja);
        assert!(check_japanese_name(ja).is_ok(), "{code}: {ja}");
    }
}

#[test]
fn japanese_names_are_unique_and_short_forms_find_or_ask() {
    let catalog = catalog();
    let mut seen = std::collections::BTreeMap::new();
    let mut ambiguous = Vec::new();
    for (id, region) in catalog.candidates() {
        let ja = region.name_ja().unwrap();
        if let Some(other) = seen.insert(ja.to_string(), region.id.clone()) {
            panic!("{ja} names both {other} and {}", region.id);
        }
        let Some(short) = short_name(ja) else {
            continue;
        };
        match catalog.find_overseas_region(short) {
            Ok(found) => assert_eq!(found, id, "{short} found {}", catalog.region(found).id),
            Err(Error::AmbiguousName { candidates, .. }) => {
                assert!(candidates.contains(&region.id), "{short}: {candidates:?}");
                ambiguous.push((short.to_string(), candidates));
            }
            Err(e) => panic!("{short}: {e}"),
        }
    }
    // The one short form two regions share on purpose: the state and the city.
    ambiguous.dedup();
    assert_eq!(
        ambiguous,
        [(
            "ニューヨーク".to_string(),
            vec!["new_york".to_string(), "new_york_city".to_string()]
        )]
    );
}

#[test]
fn japanese_names_find_regions_in_every_spelling() {
    let catalog = catalog();
    let id = |q: &str| {
        catalog
            .region(catalog.find_overseas_region(q).unwrap())
            .id
            .clone()
    };
    for (query, expected) in [
        ("バイエルン州", "bavaria"),
        ("バイエルン", "bavaria"),
        ("カリフォルニア", "california"),
        ("イル・ド・フランス地域圏", "ile_de_france"),
        ("イル＝ド＝フランス", "ile_de_france"),
        ("イルドフランス", "ile_de_france"),
        ("ﾊﾞｲｴﾙﾝ", "bavaria"),
        ("大連", "dalian"),
        ("大連市", "dalian"),
        ("遼寧", "liaoning"),
        ("遼寧省", "liaoning"),
        ("四川", "sichuan"),
        ("広東", "guangdong"),
        ("広州", "guangzhou"),
        ("大邱", "daegu"),
        ("大田広域市", "daejeon"),
        ("京畿道", "gyeonggi"),
        ("台中市", "taichung"),
        ("ベンガルール", "bangalore"),
        ("シリコンバレー", "silicon_valley"),
        ("ニューヨーク州", "new_york"),
        ("ニューヨーク市", "new_york_city"),
    ] {
        assert_eq!(id(query), expected, "{query}");
    }
    match catalog.find_overseas_region("ニューヨーク") {
        Err(Error::AmbiguousName { candidates, .. }) => {
            assert_eq!(candidates, ["new_york", "new_york_city"])
        }
        other => panic!("ニューヨーク: {other:?}"),
    }
    // A Japanese region keeps its names: 愛知 is Aichi, not an overseas region.
    let aichi = catalog.find_japan_region("愛知").unwrap();
    assert_eq!(catalog.region(aichi).kind, RegionKind::Japan);
}

#[test]
fn regions_search_finds_bavaria_by_its_japanese_name() {
    let found =
        stdout_json(tieup().args(["regions", "--search", "バイエルン", "--format", "json"]));
    let ids: Vec<&str> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["bavaria"]);
    assert_eq!(found[0]["name_ja"], "バイエルン州");
}

#[test]
fn shortlist_in_japanese_names_the_candidates_in_japanese() {
    let aichi_cars = || {
        let mut cmd = tieup();
        cmd.args([
            "shortlist",
            "--region",
            "愛知",
            "--sector",
            "automotive",
            "--top",
            "5",
        ]);
        cmd
    };
    let text = stdout_text(aichi_cars().args(["--lang", "ja", "--format", "csv"]));
    let catalog = catalog();
    let report = stdout_json(aichi_cars().args(["--format", "json"]));
    for c in report["candidates"].as_array().unwrap() {
        let id = c["region_id"].as_str().unwrap();
        let region = catalog.region(catalog.find_overseas_region(id).unwrap());
        let ja = region.name_ja().unwrap();
        assert!(text.contains(ja), "{ja} missing from\n{text}");
    }
}

#[test]
fn a_catalog_without_the_column_loads_and_a_garbled_cell_is_refused() {
    // The fixture catalog has no name_ja column: it loads, its regions have no Japanese name.
    let dir = crate::util::fixture_copy();
    let old = Catalog::load(dir.path()).unwrap();
    let skane = old.find_overseas_region("skane").unwrap();
    assert_eq!(old.region(skane).name_ja(), None);
    // With the column, a name finds its region; バイエルン州 saved as UTF-8 and read back
    // as Latin-1 (mojibake) is refused with the line and column.
    crate::util::edit(dir.path(), "overseas_regions.csv", |text| {
        with_column(&text, "スコーネ県")
    });
    let new = Catalog::load(dir.path()).unwrap();
    assert_eq!(new.find_overseas_region("スコーネ").unwrap(), skane);
    assert_eq!(new.region(skane).name_ja(), Some("スコーネ県"));
    let dir = crate::util::fixture_copy();
    let garbled: String = "バイエルン州".bytes().map(char::from).collect();
    crate::util::edit(dir.path(), "overseas_regions.csv", |text| {
        with_column(&text, &garbled)
    });
    let message = Catalog::load(dir.path()).unwrap_err().to_string();
    assert!(
        message.contains("overseas_regions.csv:2: column 3 (name_ja)"),
        "{message}"
    );
    assert!(message.contains("mojibake"), "{message}");
}

/// `overseas_regions.csv` text with a `name_ja` column after `name`: `skane_ja` for Skåne,
/// empty cells for the other regions.
fn with_column(text: &str, skane_ja: &str) -> String {
    text.lines()
        .enumerate()
        .map(|(i, line)| {
            let (id, rest) = line.split_once(',').unwrap();
            let (name, rest) = rest.split_once(',').unwrap();
            let ja = match (i, id) {
                (0, _) => "name_ja",
                (_, "skane") => skane_ja,
                _ => "",
            };
            format!("{id},{name},{ja},{rest}\n")
        })
        .collect()
}
