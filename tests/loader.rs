//! Malformed catalog files: each error names the file, line and column, and says the fix.

use crate::util::{edit, fixture_copy};
use tieup_core::catalog::Catalog;
use tieup_core::error::{DataError, Error};

/// Loads the edited copy and returns the data error it must produce.
fn load_error(file: &str, change: impl FnOnce(String) -> String) -> DataError {
    let dir = fixture_copy();
    edit(dir.path(), file, change);
    match Catalog::load(dir.path()) {
        Err(Error::Data(e)) => {
            assert!(e.file.ends_with(file), "error names {}: {e}", file);
            assert!(!e.fix.is_empty(), "error says how to fix: {e}");
            *e
        }
        other => panic!("expected a data error for {file}, got {other:?}"),
    }
}

fn check(e: &DataError, line: u64, column: Option<(&str, usize)>, words: &str) {
    assert_eq!(e.line, Some(line), "{e}");
    assert_eq!(
        e.column.as_ref().map(|(n, i)| (n.as_str(), *i)),
        column,
        "{e}"
    );
    assert!(
        e.message.contains(words),
        "'{}' should mention '{words}'",
        e.message
    );
}

#[test]
fn fixture_loads() {
    let catalog = Catalog::load(&crate::util::fixture_dir()).unwrap();
    assert_eq!(catalog.japan_ids().len(), 4);
    assert_eq!(catalog.candidate_ids().len(), 7);
    assert_eq!(catalog.partnerships().len(), 2);
}

#[test]
fn missing_column() {
    let e = load_error("strengths.csv", |t| {
        t.replacen("region_id,sector,value", "region_id,sector,val", 1)
    });
    check(&e, 1, None, "missing column 'value'");
}

#[test]
fn bad_number() {
    let e = load_error("strengths.csv", |t| {
        t.replacen("skane,medical_devices,0.9", "skane,medical_devices,high", 1)
    });
    check(&e, 7, Some(("value", 3)), "'high' is not a number");
}

#[test]
fn duplicate_id() {
    let e = load_error("overseas_regions.csv", |t| {
        t.replacen("vasterbotten,Västerbotten", "skane,Västerbotten", 1)
    });
    check(&e, 3, Some(("id", 1)), "duplicate id 'skane'");
}

#[test]
fn duplicate_id_across_japan_and_overseas() {
    let e = load_error("overseas_regions.csv", |t| {
        t.replacen("texas,Texas", "suwa,Texas", 1)
    });
    check(&e, 8, Some(("id", 1)), "duplicate id 'suwa'");
}

#[test]
fn value_outside_unit_interval() {
    let e = load_error("traits.csv", |t| {
        t.replacen(
            "skane,advanced_technology,0.9",
            "skane,advanced_technology,1.4",
            1,
        )
    });
    check(&e, 2, Some(("value", 3)), "outside [0, 1]");
}

#[test]
fn unknown_sector_suggests_the_closest() {
    let e = load_error("strengths.csv", |t| {
        t.replacen("skane,medical_devices", "skane,medical_device", 1)
    });
    check(
        &e,
        7,
        Some(("sector", 2)),
        "unknown sector 'medical_device' (closest: medical_devices",
    );
}

#[test]
fn unknown_region_in_strengths() {
    let e = load_error("strengths.csv", |t| {
        t.replacen("texas,software_embedded", "texsa,software_embedded", 1)
    });
    check(&e, 16, Some(("region_id", 1)), "unknown region 'texsa'");
}

#[test]
fn row_with_too_many_fields() {
    let e = load_error("japan_regions.csv", |t| {
        t.replacen("Tohoku,,", "Tohoku,,,", 1)
    });
    check(&e, 2, None, "fields");
}

#[test]
fn curated_value_needs_a_reason() {
    let e = load_error("strengths.csv", |t| {
        t.replacen(
            "milan,furniture,0.9,curated,fixture",
            "milan,furniture,0.9,curated,",
            1,
        )
    });
    check(&e, 10, Some(("note", 5)), "no reason");
}

#[test]
fn provenance_must_be_curated_or_a_named_statistic() {
    let e = load_error("strengths.csv", |t| {
        t.replacen(
            "milan,furniture,0.9,curated",
            "milan,furniture,0.9,guess",
            1,
        )
    });
    check(
        &e,
        10,
        Some(("provenance", 4)),
        "'guess' is not a provenance",
    );
}

#[test]
fn unknown_parent_region() {
    let e = load_error("overseas_regions.csv", |t| {
        t.replacen("IT,lombardy,metro", "IT,lombardia,metro", 1)
    });
    check(&e, 5, Some(("parent", 5)), "unknown parent 'lombardia'");
}

#[test]
fn unknown_outcome() {
    let e = load_error("partnerships.csv", |t| {
        t.replacen("3,during,fixture", "3,great,fixture", 1)
    });
    check(&e, 2, Some(("outcome", 10)), "unknown outcome 'great'");
}

#[test]
fn missing_trait_names_the_region() {
    let dir = fixture_copy();
    edit(dir.path(), "traits.csv", |t| {
        t.lines()
            .filter(|l| !l.starts_with("texas,design_ability"))
            .map(|l| format!("{l}\n"))
            .collect()
    });
    let Err(Error::Data(e)) = Catalog::load(dir.path()) else {
        panic!("expected a data error")
    };
    assert!(e.message.contains("'texas' has no 'design_ability'"), "{e}");
}

#[test]
fn invalid_utf8_is_reported() {
    let dir = fixture_copy();
    std::fs::write(dir.path().join("sectors.csv"), b"id,name\n\xff\xfe,x\n").unwrap();
    let Err(Error::Data(e)) = Catalog::load(dir.path()) else {
        panic!("expected a data error")
    };
    assert!(e.message.contains("UTF-8"), "{e}");
}

#[test]
fn error_display_names_file_line_and_column() {
    let e = load_error("traits.csv", |t| {
        t.replacen(
            "skane,advanced_technology,0.9",
            "skane,advanced_technology,-1",
            1,
        )
    });
    let text = e.to_string();
    assert!(
        text.contains("traits.csv:2: column 3 (value): -1 is outside [0, 1]; fix:"),
        "{text}"
    );
}

#[test]
fn parent_cycle_is_refused() {
    let dir = fixture_copy();
    edit(dir.path(), "overseas_regions.csv", |t| {
        t.replacen("IT,,nuts2", "IT,milan,nuts2", 1)
    });
    let Err(Error::Data(e)) = Catalog::load(dir.path()) else {
        panic!("expected a data error")
    };
    assert!(e.message.contains("its own ancestor"), "{e}");
}

#[test]
fn a_region_that_is_its_own_parent_says_so() {
    let e = load_error("overseas_regions.csv", |t| {
        t.replacen("IT,lombardy,metro", "IT,milan,metro", 1)
    });
    check(
        &e,
        5,
        Some(("parent", 5)),
        "'milan' names itself as its parent",
    );
}

#[test]
fn invalid_utf8_names_the_line() {
    let dir = fixture_copy();
    std::fs::write(
        dir.path().join("sectors.csv"),
        b"id,name\nok,fine\n\xff\xfe,x\n",
    )
    .unwrap();
    let Err(Error::Data(e)) = Catalog::load(dir.path()) else {
        panic!("expected a data error")
    };
    assert_eq!(e.line, Some(3), "{e}");
}

#[test]
fn partnership_ids_are_validated() {
    for bad in ["P_Upper", "p\"\"\nq", &"p".repeat(100)] {
        let e = load_error("partnerships.csv", |t| {
            t.replacen("p_suwa_dalian,", &format!("\"{bad}\","), 1)
        });
        assert_eq!(e.column.as_ref().map(|c| c.0.as_str()), Some("id"), "{e}");
        assert!(e.message.len() < 200, "{e}");
    }
}

#[test]
fn a_japanese_region_where_an_overseas_one_belongs_says_the_right_thing() {
    let e = load_error("traits.csv", |t| {
        t.replacen("skane,advanced_technology", "suwa,advanced_technology", 1)
    });
    assert!(
        e.message
            .contains("'suwa' is a Japanese region; this column needs an overseas region"),
        "{e}"
    );
}

#[test]
fn conflicting_duplicate_relatedness_rows_are_refused_identical_ones_accepted() {
    let row = "precision_machinery,medical_devices,0.7,curated,fixture\n";
    let dir = fixture_copy();
    edit(dir.path(), "sector_relatedness.csv", |t| {
        format!("{t}{row}")
    });
    Catalog::load(dir.path()).expect("an identical repeat is accepted");
    let e = load_error("sector_relatedness.csv", |t| {
        format!("{t}medical_devices,precision_machinery,0.2,curated,fixture\n")
    });
    check(&e, 3, Some(("value", 3)), "first on line 2");
}

#[test]
fn conflicting_duplicate_geo_rows_are_refused() {
    let dir = fixture_copy();
    std::fs::create_dir_all(dir.path().join("derived")).unwrap();
    std::fs::write(
        dir.path().join("derived/region_geo.csv"),
        "region_id,lat,lon,geo_provenance\nmilan,45.4,9.2,test\nmilan,45.4,9.2,test\n",
    )
    .unwrap();
    Catalog::load(dir.path()).expect("an identical repeat is accepted");
    std::fs::write(
        dir.path().join("derived/region_geo.csv"),
        "region_id,lat,lon,geo_provenance\nmilan,45.4,9.2,test\nmilan,40.0,9.2,test\n",
    )
    .unwrap();
    let Err(Error::Data(e)) = Catalog::load(dir.path()) else {
        panic!("expected a data error")
    };
    check(&e, 3, Some(("region_id", 1)), "first on line 2");
}

/// 40,000 extra overseas regions, each with its traits, load, and every one is found again
/// by id and by name. How long loading takes, and that it stays linear in the number of
/// regions (a quadratic scan once took 15 s here), is measured in `benches/load.rs` (10k
/// against 40k regions), not here: a timed test fails on a loaded machine.
#[test]
fn forty_thousand_extra_regions_load_and_are_found() {
    const EXTRA: usize = 40_000;
    let dir = fixture_copy();
    let before = Catalog::load(dir.path()).unwrap().candidates().len();
    edit(dir.path(), "overseas_regions.csv", |mut t| {
        for i in 0..EXTRA {
            t.push_str(&format!(
                "extra_{i},Extra {i},,US,,city,40.0,-70.0,-5,en,fixture\n"
            ));
        }
        t
    });
    edit(dir.path(), "traits.csv", |mut t| {
        for i in 0..EXTRA {
            for name in tieup_core::catalog::TRAITS {
                t.push_str(&format!("extra_{i},{name},0.5,curated,fixture\n"));
            }
        }
        t
    });
    let catalog = Catalog::load(dir.path()).unwrap();
    assert_eq!(catalog.candidates().len(), before + EXTRA);
    for i in 0..EXTRA {
        let region = catalog.find_overseas_region(&format!("Extra {i}")).unwrap();
        assert_eq!(catalog.region(region).id, format!("extra_{i}"));
        assert_eq!(catalog.find_region(&format!("extra_{i}")).unwrap(), region);
    }
}
