//! Model files: round trip, schema checks, and old format versions still loading.

use std::path::Path;
use tieup_core::error::Error;
use tieup_core::model::LinearModel;

fn prior() -> LinearModel {
    // The point of this test is the shipped survey tables and the shipped prior.
    let data = crate::util::shipped_data();
    let sectors = tieup_core::sector::SectorTable::load(&data.join("sectors.csv")).unwrap();
    let params = linfa::ParamGuard::check(tieup_learn::prior::PriorParams::new()).unwrap();
    tieup_learn::prior::derive_from_dir(&params, &data, &sectors).unwrap()
}

#[test]
fn shipped_prior_is_up_to_date_with_the_survey() {
    let shipped =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("models/prior.json"))
            .unwrap();
    assert_eq!(
        shipped,
        prior().to_json(),
        "regenerate with `cargo run -- prior`"
    );
}

#[test]
fn round_trip_is_exact() {
    let model = prior();
    let text = model.to_json();
    let back = LinearModel::from_json(Path::new("x.json"), &text).unwrap();
    assert_eq!(back, model);
    assert_eq!(back.to_json(), text);
}

#[test]
fn other_schema_is_refused() {
    let text = prior()
        .to_json()
        .replacen("\"same_area_cluster\",", "\"same_cluster\",", 1);
    match LinearModel::from_json(Path::new("m.json"), &text) {
        Err(Error::Model { message, .. }) => {
            assert!(message.contains("feature schema"), "{message}")
        }
        other => panic!("expected a schema error, got {other:?}"),
    }
}

#[test]
fn other_format_version_is_refused() {
    let text = prior()
        .to_json()
        .replacen("\"format_version\": 1", "\"format_version\": 99", 1);
    match LinearModel::from_json(Path::new("m.json"), &text) {
        Err(Error::Model { message, .. }) => assert!(message.contains("version"), "{message}"),
        other => panic!("expected a version error, got {other:?}"),
    }
}

#[test]
fn not_a_model_is_refused() {
    assert!(matches!(
        LinearModel::from_json(Path::new("m.json"), "{\"a\": 1}"),
        Err(Error::Model { .. })
    ));
    assert!(matches!(
        LinearModel::from_json(Path::new("m.json"), "not json"),
        Err(Error::Model { .. })
    ));
}

#[test]
fn every_checked_in_model_version_still_loads() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/models");
    let (mut ranking, mut success) = (0, 0);
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.starts_with("success-") {
            let model = tieup_learn::success::SuccessModel::load(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let p = model.predict(&tieup_learn::success::SuccessInputs::unknown());
            assert!((p.during + p.after + p.not_yet - 1.0).abs() < 1e-9);
            success += 1;
        } else {
            let model =
                LinearModel::load(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert!(!model.sector_weights.is_empty());
            ranking += 1;
        }
    }
    assert!(
        ranking >= 1 && success >= 1,
        "tests/models holds a ranking and a success model of each format version"
    );
}

#[test]
fn models_of_the_previous_feature_schema_are_refused_with_the_fix() {
    // Feature schema v1 (before issue 11: raw distance in communication cost).
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/old_schema");
    // Feature schema v2 (before issue 12: sector-blind traits, similarity over all sectors).
    // Feature schema v3 (before advanced technology counted by the sector's technology
    // intensity; v4 was the partner_body trial, never merged).
    for (name, version) in [
        ("default-schema-v1.json", "schema v1"),
        ("prior-schema-v1.json", "schema v1"),
        ("default-schema-v2.json", "schema v2"),
        ("prior-schema-v2.json", "schema v2"),
        ("default-schema-v3.json", "schema v3"),
        ("prior-schema-v3.json", "schema v3"),
    ] {
        match LinearModel::load(&dir.join(name)) {
            Err(Error::Model { message, .. }) => {
                assert!(message.contains(version), "{message}");
                assert!(message.contains("retrain or regenerate"), "{message}");
            }
            other => panic!("{name}: expected a schema error, got {other:?}"),
        }
    }
}

#[test]
fn save_is_atomic_and_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.json");
    prior().save(&path).unwrap();
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("m.json")]);
}

#[test]
fn an_edited_schema_block_names_what_differs_not_two_equal_fingerprints() {
    let text = prior()
        .to_json()
        .replacen("\"same_area_cluster\",", "\"same_cluster\",", 1);
    let Err(Error::Model { message, .. }) = LinearModel::from_json(Path::new("m.json"), &text)
    else {
        panic!("expected a schema error")
    };
    assert!(
        message.contains("same_cluster") && message.contains("was edited"),
        "{message}"
    );
}
