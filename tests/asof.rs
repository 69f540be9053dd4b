//! Curated values dated by `as_of`: the loader (column present, absent, bad), the catalog as
//! known in a year (a dated value disappears before its year and is back after, in
//! `Catalog::as_known_in`, the encoders the learners use, the kernel and the shortlist), and
//! the notice a year-limited answer gives.

use crate::util::{edit, fixture_copy, stdout_json, stdout_text, tieup};
use tieup_core::catalog::Catalog;
use tieup_core::error::Error;
use tieup_core::features::{Encoder, Feature, Query};
use tieup_core::known::{KnownCatalogs, KnownEncoders, KnownTables};
use tieup_core::model::LinearModel;
use tieup_core::select::Selection;

/// The fixture with an `as_of` column in both files: Dalian's dies-and-moulds strength is
/// dated 2005 (after the Suwa–Dalian partnership of FY2004), Skåne's design trait 2010, and
/// Texas's statistic keeps an empty cell.
fn dated_fixture() -> tempfile::TempDir {
    let dir = fixture_copy();
    for file in ["strengths.csv", "traits.csv"] {
        edit(dir.path(), file, |text| {
            let mut out = String::new();
            for (i, line) in text.lines().enumerate() {
                let cell = match (i, line) {
                    (0, _) => ",as_of",
                    (_, l) if l.starts_with("dalian,dies_moulds,") => ",2005",
                    (_, l) if l.starts_with("skane,design_ability,") => ",2010",
                    _ => ",",
                };
                out.push_str(line);
                out.push_str(cell);
                out.push('\n');
            }
            out
        });
    }
    dir
}

/// The dated fixture, loaded (the directory kept alive beside it).
fn dated_catalog() -> (tempfile::TempDir, Catalog) {
    let dir = dated_fixture();
    let catalog = Catalog::load(dir.path()).unwrap();
    (dir, catalog)
}

/// The data error of loading the dated fixture with `from` replaced by `to` in `file`.
fn dated_load_error(file: &str, from: &str, to: &str) -> tieup_core::error::DataError {
    let dir = dated_fixture();
    edit(dir.path(), file, |t| t.replace(from, to));
    match Catalog::load(dir.path()) {
        Err(Error::Data(e)) => *e,
        other => panic!("expected a data error, got {other:?}"),
    }
}

fn id(c: &Catalog, name: &str) -> tieup_core::ids::RegionId {
    c.find_region(name).unwrap()
}

#[test]
fn the_column_may_be_present_or_absent() {
    let plain = Catalog::load(&crate::util::fixture_dir()).unwrap();
    assert!(plain.dated_values().is_empty());
    let (_dir, dated) = dated_catalog();
    assert_eq!(dated.dated_values().len(), 2);
    let dies = dated.sectors().find("dies_moulds").unwrap();
    let (value, source) = dated.strength_source(id(&dated, "dalian"), dies).unwrap();
    assert_eq!((value, source.as_of), (0.7, Some(2005)));
    // Without a limit the dated catalog reads as the undated one.
    assert_eq!(
        dated.strength(id(&dated, "dalian"), dies),
        plain.strength(id(&plain, "dalian"), dies)
    );
    // traits.csv without the column still loads beside a dated strengths.csv.
    let dir = dated_fixture();
    std::fs::copy(
        crate::util::fixture_dir().join("traits.csv"),
        dir.path().join("traits.csv"),
    )
    .unwrap();
    assert_eq!(Catalog::load(dir.path()).unwrap().dated_values().len(), 1);
}

#[test]
fn a_bad_year_names_file_line_column_and_fix() {
    for (bad, words) in [
        ("20x5", "'20x5' is not a year"),
        ("1700", "between 1800 and 2030"),
    ] {
        let e = dated_load_error(
            "strengths.csv",
            "dalian,dies_moulds,0.7,curated,fixture,2005",
            &format!("dalian,dies_moulds,0.7,curated,fixture,{bad}"),
        );
        assert!(e.file.ends_with("strengths.csv"), "{e}");
        assert_eq!(e.line, Some(13), "{e}");
        assert_eq!(e.column, Some(("as_of".to_string(), 6)), "{e}");
        assert!(e.message.contains(words), "{e}");
        assert!(e.fix.contains("leave the cell empty"), "{e}");
    }
    let e = dated_load_error(
        "strengths.csv",
        "statistics:us_cbp:2011,,",
        "statistics:us_cbp:2011,,2011",
    );
    assert!(e.message.contains("on a statistic"), "{e}");
    let e = dated_load_error(
        "traits.csv",
        "skane,design_ability,0.5,curated,fixture,2010",
        "skane,design_ability,0.5,curated,fixture,soon",
    );
    assert!(e.file.ends_with("traits.csv"), "{e}");
    assert_eq!(
        e.column.as_ref().map(|c| c.0.as_str()),
        Some("as_of"),
        "{e}"
    );
}

#[test]
fn a_dated_value_is_absent_before_its_year_and_back_after() {
    let (_dir, full) = dated_catalog();
    let (dalian, skane) = (id(&full, "dalian"), id(&full, "skane"));
    let dies = full.sectors().find("dies_moulds").unwrap();
    let metal = full.sectors().find("metal_mechanical").unwrap();
    let before = full.as_known_in(Some(2005));
    let after = full.as_known_in(Some(2006));
    // Known before FY2006, not before FY2005 (as_of < year, as for partner bodies).
    assert_eq!(before.strength_source(dalian, dies), None);
    assert_eq!(before.strength(dalian, dies), 0.0, "no parent row: 0");
    assert_eq!(
        before.strength(dalian, metal),
        0.0,
        "the survey sector takes its children's"
    );
    assert_eq!(after.strength(dalian, dies), 0.7);
    assert_eq!(full.strength(dalian, metal), 0.7);
    assert_eq!(before.trait_value(skane, 1), 0.0);
    assert!(before.trait_source(skane, 1).is_none());
    assert_eq!(after.trait_value(skane, 1), 0.0, "the trait is dated 2010");
    assert_eq!(full.as_known_in(Some(2011)).trait_value(skane, 1), 0.5);
    // From any year's catalog to any other: values come back.
    assert_eq!(before.as_known_in(None).strength(dalian, dies), 0.7);
    assert!(before.honours(Some(2005)) && !before.honours(Some(2006)));
    assert!(full.honours(None) && !full.honours(Some(2005)));
    assert_eq!(full.era(Some(2003)), Some(2005));
    assert_eq!(full.era(Some(2008)), Some(2010));
    assert_eq!(full.era(Some(2011)), None);
}

#[test]
fn the_encoders_of_training_and_the_replay_read_the_year_limits_catalog() {
    let (_dir, full) = dated_catalog();
    let known = KnownCatalogs::new(&full);
    let encoders = KnownEncoders::new(&known);
    let dalian = id(&full, "dalian");
    // The Suwa–Dalian partnership of FY2004, asked as it stood.
    let p = &full.partnerships()[1];
    let query = Query::as_of(p);
    assert_eq!(query.before_year, Some(2004));
    let then = encoders
        .for_query(&query)
        .value(Feature::SameAreaCluster, &query, dalian);
    assert_eq!(then, 0.0, "Dalian's dies strength is dated 2005");
    let mut later = query.clone();
    later.before_year = Some(2006);
    assert_eq!(
        encoders
            .for_query(&later)
            .value(Feature::SameAreaCluster, &later, dalian),
        0.7
    );
    assert!(
        std::ptr::eq(encoders.get(Some(2003)), encoders.get(Some(2005))),
        "one era"
    );
    // The sampled training rows are the same features.
    let params = linfa::ParamGuard::check(
        tieup_learn::TrainParams::new(tieup_learn::LearnerKind::Pairwise).negatives(100),
    )
    .unwrap();
    let set = params.training_set(&encoders, full.partnerships());
    let row = set[1].candidates.iter().position(|&c| c == dalian).unwrap();
    assert_eq!(set[1].rows[[row, Feature::SameAreaCluster.index()]], 0.0);
}

#[test]
fn the_kernel_of_each_year_equals_the_reference_path() {
    let (_dir, full) = dated_catalog();
    let known = KnownCatalogs::new(&full);
    let encoders = KnownEncoders::new(&known);
    let mut tables = KnownTables::new(&encoders);
    let model =
        LinearModel::load(&crate::util::shipped_data().join("../models/default.json")).unwrap();
    let suwa = full.find_japan_region("suwa").unwrap();
    let queries: Vec<Query> = [None, Some(2003), Some(2005), Some(2006), Some(2011)]
        .into_iter()
        .map(|y| {
            let mut q = Query::new(suwa, full.sectors().find("dies_moulds").unwrap());
            q.wanted = vec![Feature::DesignAbility];
            q.before_year = y;
            q
        })
        .collect();
    tables.prepare(&queries);
    for q in &queries {
        let weights = model.weights_for(full.sectors(), q);
        let fast =
            tables
                .get(q)
                .top_k_selected(q, &weights, &Selection::expanded(), 7, &mut Vec::new());
        let reference = tieup_core::rank::shortlist_selected(
            &Encoder::new(&full.as_known_in(q.before_year)),
            &model,
            q,
            &Selection::expanded(),
            7,
        )
        .unwrap();
        let ids: Vec<_> = fast.iter().map(|r| (r.region, r.score)).collect();
        let expected: Vec<_> = reference
            .candidates
            .iter()
            .map(|c| (c.region, c.score))
            .collect();
        assert_eq!(ids, expected, "{:?}", q.before_year);
    }
}

/// `tieup shortlist` for Suwa and dies and moulds on the catalog in `dir`, with `extra`
/// arguments.
fn suwa_dies(dir: &std::path::Path, extra: &[&str]) -> assert_cmd::Command {
    let mut cmd = tieup();
    cmd.arg("--data")
        .arg(dir)
        .args(["shortlist", "--region", "suwa", "--sector", "dies_moulds"])
        .args(extra);
    cmd
}

fn shortlist(dir: &std::path::Path, extra: &[&str]) -> serde_json::Value {
    stdout_json(suwa_dies(dir, &["--top", "7", "--expand", "--format", "json"]).args(extra))
}

fn feature_of(report: &serde_json::Value, region: &str, feature: &str) -> f64 {
    report["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["region_id"] == region)
        .unwrap()["features"][feature]
        .as_f64()
        .unwrap()
}

#[test]
fn the_shortlist_reads_the_catalog_of_its_year_and_says_so() {
    let dir = dated_fixture();
    let before = shortlist(dir.path(), &["--before-year", "2005"]);
    let after = shortlist(dir.path(), &["--before-year", "2006"]);
    let none = shortlist(dir.path(), &[]);
    assert_eq!(feature_of(&before, "dalian", "same_area_cluster"), 0.0);
    assert_eq!(feature_of(&after, "dalian", "same_area_cluster"), 0.7);
    assert_eq!(feature_of(&none, "dalian", "same_area_cluster"), 0.7);
    let notice = &before["query"]["year_limit"];
    assert_eq!(notice["before_year"], 2005);
    assert_eq!(notice["left_out_strengths"], 1);
    assert_eq!(notice["left_out_traits"], 1);
    assert_eq!(notice["later_statistics"]["statistics:us_cbp:2011"], 1);
    assert!(
        notice["notes"][0]
            .as_str()
            .unwrap()
            .contains("2 curated value(s) dated 2005 or later left out")
    );
    assert!(notice["notes"][1].as_str().unwrap().contains("us_cbp 2011"));
    assert_eq!(after["query"]["year_limit"]["left_out_strengths"], 0);
    assert!(
        none["query"].get("year_limit").is_none(),
        "no limit, no notice"
    );
    // The table states it in a header line, in either language.
    let text = stdout_text(&mut suwa_dies(dir.path(), &["--before-year", "2005"]));
    assert!(
        text.contains("Year limit: only what was known before FY2005"),
        "{text}"
    );
    assert!(text.contains("Not honoured"), "{text}");
    let ja = stdout_text(&mut suwa_dies(
        dir.path(),
        &["--before-year", "2005", "--lang", "ja"],
    ));
    assert!(ja.contains("年度制限"), "{ja}");
}
