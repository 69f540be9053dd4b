//! Fuzz-style property tests, one per parser: catalog CSVs, applications (CSV and JSON
//! Lines), model JSON (linear and success models), LETOR files and TREC runs/qrels. Arbitrary
//! bytes, and valid files with arbitrary bytes spliced in, never panic: every parse ends in
//! `Ok` or a typed error. Case counts are bounded so that CI stays fast.

use crate::util::{fixture_copy, fixture_dir};
use proptest::prelude::*;
use std::path::Path;
use tieup_core::application::{ApplicationReader, InputFormat};
use tieup_core::catalog::Catalog;
use tieup_core::model::LinearModel;

const CATALOG_FILES: [&str; 7] = [
    "sectors.csv",
    "japan_regions.csv",
    "overseas_regions.csv",
    "strengths.csv",
    "traits.csv",
    "partnerships.csv",
    "sector_relatedness.csv",
];

/// `valid` with `noise` spliced in at `at` (a fraction of its length).
fn splice(valid: &[u8], noise: &[u8], at: f64, replace: bool) -> Vec<u8> {
    let cut = ((valid.len() as f64 * at) as usize).min(valid.len());
    let mut out = valid[..cut].to_vec();
    out.extend_from_slice(noise);
    let rest = if replace {
        (cut + noise.len()).min(valid.len())
    } else {
        cut
    };
    out.extend_from_slice(&valid[rest..]);
    out
}

fn noise() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..64),
        proptest::collection::vec(
            prop_oneof![
                Just(b','),
                Just(b'"'),
                Just(b'\n'),
                Just(b'\r'),
                Just(b';'),
                Just(0xff)
            ],
            0..16
        ),
        "[-0-9.eE,;\"\n a-z]{0,24}".prop_map(String::into_bytes),
    ]
}

fn catalog_loads_or_refuses(dir: &Path) -> std::result::Result<(), TestCaseError> {
    match Catalog::load(dir) {
        Ok(_) | Err(tieup_core::Error::Data(_)) => Ok(()),
        Err(other) => Err(TestCaseError::fail(format!(
            "untyped catalog error: {other:?}"
        ))),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn catalog_csvs_never_panic(
        file in 0..CATALOG_FILES.len(),
        noise in noise(),
        at in 0.0..1.0f64,
        replace in any::<bool>(),
    ) {
        let dir = fixture_copy();
        let path = dir.path().join(CATALOG_FILES[file]);
        let valid = std::fs::read(&path).unwrap();
        std::fs::write(&path, splice(&valid, &noise, at, replace)).unwrap();
        catalog_loads_or_refuses(dir.path())?;
    }

    #[test]
    fn applications_never_panic(
        noise in noise(),
        at in 0.0..1.0f64,
        json in any::<bool>(),
    ) {
        static CATALOG: std::sync::OnceLock<Catalog> = std::sync::OnceLock::new();
        let catalog = CATALOG.get_or_init(|| Catalog::load(&fixture_dir()).unwrap());
        let valid: &[u8] = if json {
            b"{\"application_id\":\"a\",\"japan_region\":\"suwa\",\"sector\":\"dies\"}\n{\"application_id\":\"b\",\"japan_region\":\"suwa\",\"sector\":[\"dies\"]}\n"
        } else {
            b"application_id,japan_region,sector,objectives\na,suwa,dies,design\n\"b\",suwa,\"dies\",\n"
        };
        let input = splice(valid, &noise, at, false);
        let format = if json { InputFormat::JsonLines } else { InputFormat::Csv };
        if let Ok(reader) = ApplicationReader::new(catalog, Path::new("f"), input.as_slice(), format) {
            let mut rows = 0;
            for row in reader {
                prop_assert!(row.is_ok());
                rows += 1;
                prop_assert!(rows <= input.len() + 1);
            }
        }
    }

    #[test]
    fn model_json_never_panics(noise in noise(), at in 0.0..1.0f64, replace in any::<bool>()) {
        let valid = std::fs::read("models/prior.json").unwrap();
        let text = String::from_utf8_lossy(&splice(&valid, &noise, at, replace)).into_owned();
        match LinearModel::from_json(Path::new("m.json"), &text) {
            Ok(model) => {
                prop_assert!(model.want_boost.is_finite());
                prop_assert!(model.default_weights.iter().all(|w| w.is_finite()));
            }
            Err(tieup_core::Error::Model { .. }) => {}
            Err(other) => prop_assert!(false, "untyped model error: {other:?}"),
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("success.json");
        let valid = std::fs::read("models/success.json").unwrap();
        std::fs::write(&path, splice(&valid, &noise, at, replace)).unwrap();
        match tieup_learn::success::SuccessModel::load(&path) {
            Ok(_) | Err(tieup_core::Error::Model { .. }) => {}
            Err(other) => prop_assert!(false, "untyped success-model error: {other:?}"),
        }
    }

    #[test]
    fn letor_never_panics(noise in noise(), at in 0.0..1.0f64, replace in any::<bool>()) {
        let valid = b"2 qid:1 1:0.5 3:1 # a\n0 qid:1 1:0.1 2:0.2 # b\n1 qid:2 999:0.5\n";
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.txt");
        std::fs::write(&path, splice(valid, &noise, at, replace)).unwrap();
        match tieup_bench::eval::letor::read(&path) {
            Ok(_) | Err(tieup_core::Error::Data(_)) => {}
            Err(other) => prop_assert!(false, "untyped LETOR error: {other:?}"),
        }
    }

    #[test]
    fn trec_runs_and_qrels_never_panic(noise in noise(), at in 0.0..1.0f64, replace in any::<bool>()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.txt");
        let run = b"q1 Q0 milan 1 0.9 mine\nq1 Q0 skane 2 0.5 mine\n";
        std::fs::write(&path, splice(run, &noise, at, replace)).unwrap();
        match tieup_bench::eval::trec::read_run(&path) {
            Ok(_) | Err(tieup_core::Error::Data(_)) => {}
            Err(other) => prop_assert!(false, "untyped run error: {other:?}"),
        }
        let qrels = b"q1 0 milan 2\nq1 0 skane 0\n";
        std::fs::write(&path, splice(qrels, &noise, at, replace)).unwrap();
        match tieup_bench::eval::trec::read_qrels(&path) {
            Ok(_) | Err(tieup_core::Error::Data(_)) => {}
            Err(other) => prop_assert!(false, "untyped qrels error: {other:?}"),
        }
    }
}
