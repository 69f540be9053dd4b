//! The importers end to end: the long-file import through the real binary on a copy of the
//! fixture catalog, the derived overlays as the catalog reads them, and (when
//! `../shared/data/raw` is beside the repository, as in CI) a full rebuild that must give
//! exactly the committed `data/derived/` files, twice.

use crate::util::{fixture_copy, tieup};
use predicates::prelude::*;
use std::path::{Path, PathBuf};
use tieup_core::catalog::Catalog;
use tieup_core::error::Error;

const LONG: &str = "region_id,classification,industry_code,employment,establishments
TOTAL,naics2012,TOTAL,100000,
TOTAL,naics2012,3391,1000,
TOTAL,naics2012,333511,500,
skane,naics2012,TOTAL,20000,
skane,naics2012,3391,800,40
skane,naics2012,333511,20,2
texas,naics2012,TOTAL,80000,
texas,naics2012,3391,200,10
texas,naics2012,333511,480,30
atlantis,naics2012,3391,5,1
";

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn long_import_writes_statistics_that_override_curated_values() {
    let dir = fixture_copy();
    let long = write(dir.path(), "long.csv", LONG);
    tieup()
        .args(["--data", dir.path().to_str().unwrap(), "catalog", "import"])
        .args(["--long", long.to_str().unwrap()])
        .args(["--dataset", "test_agency", "--year", "2020"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("statistics:test_agency:2020 (naics2012)")
                .and(predicate::str::contains(
                    "skipped 1: region not in the catalog",
                ))
                .and(predicate::str::contains("wrote")),
        );
    let derived = dir.path().join("derived/strengths_test_agency_2020.csv");
    let text = std::fs::read_to_string(&derived).unwrap();
    // Skåne: 800 of 20,000 in medical devices against 1,000 of 100,000: LQ 4, the higher of
    // the two measured regions (above 75 % of them: 0.5 on the percentile ladder). Texas:
    // LQ 0.25 and half an equal share, below average on both, keeps its raw strength (0.04)
    // under the ladder's 0.05.
    assert!(text.contains("skane,medical_devices,0.5000"), "{text}");
    assert!(text.contains("LQ 4.00 (shrunk 3.00)"), "{text}");
    assert!(text.contains("texas,medical_devices,0.0415"), "{text}");
    assert!(text.contains("held at the raw strength"), "{text}");
    let catalog = Catalog::load(dir.path()).unwrap();
    let skane = catalog.find_region("skane").unwrap();
    let devices = catalog.sectors().find("medical_devices").unwrap();
    let (value, source) = catalog.strength_source(skane, devices).unwrap();
    assert!(source.provenance.is_statistic());
    assert!((0.45..0.55).contains(&value), "{value}");
    let (curated, _) = catalog.overridden_strength(skane, devices).unwrap();
    assert_eq!(*curated, 0.9, "the curated row is kept aside, not lost");
    let stats = catalog.stats();
    assert_eq!(
        stats.regions_with_statistics["statistics:test_agency:2020"],
        2
    );
    assert!(stats.curated_strengths_overridden >= 1);
    // The curated files are untouched and still load on their own.
    let curated = Catalog::load_curated(dir.path()).unwrap();
    assert_eq!(curated.strength_source(skane, devices).unwrap().0, 0.9);
    // Explanations name the statistic.
    tieup()
        .args(["--data", dir.path().to_str().unwrap()])
        .args([
            "shortlist",
            "--region",
            "fukushima",
            "--sector",
            "medical_devices",
        ])
        .args(["--model", "models/prior.json", "--explain"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "statistics:test_agency:2020: LQ 4.00",
        ));
}

#[test]
fn long_import_refuses_bad_files_with_file_line_and_fix() {
    let dir = fixture_copy();
    let cases = [
        (
            "region_id;classification;industry_code;employment\nskane;isic4;26;5\n",
            "long.csv:1: the file is semicolon-separated",
        ),
        (
            "region_id,classification,industry_code,employment\nskane,isic4,26,-3\n",
            "long.csv:2: column 4 (employment): negative count -3",
        ),
        (
            "region_id,classification,industry_code,employment\nskane,isic4,26,\n",
            "long.csv:2: column 4 (employment): empty value",
        ),
        (
            "region,sector,value\nskane,x,1\n",
            "missing column 'region_id'",
        ),
    ];
    for (text, message) in cases {
        let long = write(dir.path(), "long.csv", text);
        tieup()
            .args(["--data", dir.path().to_str().unwrap(), "catalog", "import"])
            .args(["--long", long.to_str().unwrap()])
            .args(["--dataset", "x", "--year", "2020"])
            .assert()
            .code(4)
            .stderr(predicate::str::contains(message).and(predicate::str::contains("fix:")));
    }
    assert!(
        !dir.path()
            .join("derived")
            .join("strengths_x_2020.csv")
            .exists()
    );
}

fn derived_error(file: &str, text: &str) -> String {
    let dir = fixture_copy();
    std::fs::create_dir(dir.path().join("derived")).unwrap();
    write(&dir.path().join("derived"), file, text);
    match Catalog::load(dir.path()) {
        Err(Error::Data(e)) => e.to_string(),
        other => panic!("expected a data error, got {other:?}"),
    }
}

#[test]
fn derived_overlays_refuse_curated_values_and_duplicates() {
    let header = "region_id,sector,value,provenance,note\n";
    let e = derived_error(
        "strengths_a_2020.csv",
        &format!("{header}skane,medical_devices,0.5,curated,guess\n"),
    );
    assert!(
        e.contains("strengths_a_2020.csv:2: column 4 (provenance): 'curated' in a derived file"),
        "{e}"
    );
    let dir = fixture_copy();
    std::fs::create_dir(dir.path().join("derived")).unwrap();
    for name in ["strengths_a_2020.csv", "strengths_b_2020.csv"] {
        write(
            &dir.path().join("derived"),
            name,
            &format!("{header}skane,medical_devices,0.5,statistics:x:2020,\n"),
        );
    }
    let e = Catalog::load(dir.path()).unwrap_err().to_string();
    assert!(
        e.contains("a second statistics value for region 'skane'"),
        "{e}"
    );
    let e = derived_error(
        "sector_relatedness.csv",
        "sector_a,sector_b,value,provenance,note\nmedical_devices,dies_moulds,0.4,curated,x\n",
    );
    assert!(e.contains("'curated' in a derived file"), "{e}");
    let e = derived_error(
        "region_geo.csv",
        "region_id,lat,lon,geo_provenance\natlantis,1,2,x\n",
    );
    assert!(e.contains("unknown region 'atlantis'"), "{e}");
}

#[test]
fn derived_relatedness_and_geography_are_applied_with_provenance() {
    let dir = fixture_copy();
    std::fs::create_dir(dir.path().join("derived")).unwrap();
    write(
        &dir.path().join("derived"),
        "sector_relatedness.csv",
        "sector_a,sector_b,value,provenance,note\nmedical_devices,precision_machinery,0.25,statistics:us_cbp:2011,proximity\n",
    );
    write(
        &dir.path().join("derived"),
        "region_geo.csv",
        "region_id,lat,lon,geo_provenance\ntexas,31.0,-97.0,geonames:cities15000:2025:centroid US.TX\n",
    );
    let catalog = Catalog::load(dir.path()).unwrap();
    let (a, b) = (
        catalog.sectors().find("medical_devices").unwrap(),
        catalog.sectors().find("precision_machinery").unwrap(),
    );
    assert_eq!(catalog.relatedness(a, b), 0.25);
    assert_eq!(
        catalog.relatedness_source(b, a).unwrap().to_string(),
        "statistics:us_cbp:2011"
    );
    let texas = catalog.find_region("texas").unwrap();
    assert_eq!(catalog.region(texas).lat, 31.0);
    assert_eq!(catalog.stats().geo_overrides, 1);
}

fn raw_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/raw")
}

fn copy_dir(from: &Path, to: &Path, skip: &str) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name() == skip {
            continue;
        }
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target, skip);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
#[ignore = "needs ../shared/data/raw"]
fn raw_rebuild_reproduces_the_committed_derived_files_byte_for_byte() {
    let raw = raw_dir();
    assert!(
        raw.is_dir(),
        "{} is not there: this test needs ../shared",
        raw.display()
    );
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&shipped, dir.path(), "derived");
    let mut params = tieup_import::rebuild::RebuildParams {
        raw_dir: raw.clone(),
        data_dir: dir.path().to_path_buf(),
        check: false,
        profile: Default::default(),
    };
    let report = tieup_import::rebuild::rebuild(&params).unwrap();
    assert!(report.files.iter().all(|f| f.changed), "every file is new");
    for file in &report.files {
        let name = file.path.file_name().unwrap();
        let committed = std::fs::read(shipped.join("derived").join(name))
            .unwrap_or_else(|_| panic!("data/derived/{name:?} is not committed"));
        assert!(
            committed == std::fs::read(&file.path).unwrap(),
            "data/derived/{name:?} is out of date: run `tieup catalog rebuild`"
        );
    }
    params.check = true;
    let again = tieup_import::rebuild::rebuild(&params).unwrap();
    assert!(
        again.files.iter().all(|f| !f.changed),
        "a rerun is byte-identical"
    );
    assert_eq!(again.render(), report.render());
    // The numbers the coverage promises.
    assert_eq!(report.datasets[0].regions_with_values, 51);
    assert!(report.datasets[1].regions_with_values >= 42);
    assert!(report.twins.match_rate() > 0.5);
}

#[test]
#[ignore = "needs ../shared/data/raw"]
fn raw_rebuild_check_through_the_binary() {
    let raw = raw_dir();
    assert!(
        raw.is_dir(),
        "{} is not there: this test needs ../shared",
        raw.display()
    );
    tieup()
        .args([
            "catalog",
            "rebuild",
            "--check",
            "--raw",
            raw.to_str().unwrap(),
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("unchanged").and(predicate::str::contains("match rate")));
}
