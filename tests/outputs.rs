//! No command writes over one of its inputs, into the catalog or model directories without
//! `--force`, or onto a device or directory: every case is refused with exit code 2 before
//! anything is written, and the file is left byte for byte as it was. Runs on a temporary copy
//! of the shipped catalog (the point is the real commands on real files).

use crate::util::{shipped_data, tieup};
use predicates::prelude::*;
use std::path::{Path, PathBuf};

/// A temporary copy of the shipped catalog and models: `root/data`, `root/models`.
fn workspace() -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    copy_dir(&shipped_data(), &root.path().join("data"));
    copy_dir(
        &shipped_data().with_file_name("models"),
        &root.path().join("models"),
    );
    root
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Runs `tieup --data ROOT/data ARGS` in ROOT and checks that it is refused with exit code 2,
/// a message containing `expected`, and `protected` unchanged.
fn refused(root: &Path, args: &[&str], protected: &Path, expected: &str) {
    let before = std::fs::read(protected).ok();
    let before_meta = std::fs::metadata(protected).map(|m| m.file_type()).ok();
    tieup()
        .current_dir(root)
        .arg("--data")
        .arg(root.join("data"))
        .args(args)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(expected));
    assert_eq!(
        std::fs::read(protected).ok(),
        before,
        "{args:?} changed {protected:?}"
    );
    assert_eq!(
        std::fs::metadata(protected).map(|m| m.file_type()).ok(),
        before_meta
    );
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn shipped_every_command_refuses_to_write_over_its_inputs() {
    let ws = workspace();
    let root = ws.path();
    let data = root.join("data");
    let models = root.join("models");
    let apps = data.join("applications.example.csv");
    let survey = data.join("survey/commitment_vs_achievement.csv");
    let partnerships = data.join("partnerships.csv");
    let scratch = root.join("scratch");
    std::fs::create_dir(&scratch).unwrap();
    let outcomes = scratch.join("outcomes.csv");
    std::fs::write(&outcomes, "outcome,commitment\nduring,sufficient\n").unwrap();
    let long = scratch.join("long.csv");
    std::fs::write(
        &long,
        "region_id,classification,industry_code,employment\nbavaria,nace_r2,C26,100\n",
    )
    .unwrap();
    let run = scratch.join("run-prior.txt");
    std::fs::write(&run, "q1 Q0 bavaria 1 1.0 mine\n").unwrap();
    let sectors = data.join("sectors.csv");
    let survey_x = data.join("survey/x.csv");
    let prior = models.join("prior.json");
    let default = models.join("default.json");
    let scored = scratch.join("o.csv");
    let strengths = data.join("strengths.csv");
    let derived = data.join("derived/strengths_us_cbp_2011.csv");
    let run_spec = format!("mine={}", s(&run));
    let new_in_data = data.join("rejects.csv");
    let new_in_models = models.join("scored.csv");
    let cases: Vec<(Vec<&str>, PathBuf, &str)> = vec![
        (
            vec!["prior", "--out", s(&sectors)],
            sectors.clone(),
            "never overwritten",
        ),
        (
            vec!["prior", "--force", "--out", s(&sectors)],
            sectors.clone(),
            "never overwritten",
        ),
        (
            vec!["prior", "--out", s(&survey_x)],
            survey_x.clone(),
            "catalog directory",
        ),
        (
            vec![
                "train",
                "--exchanges",
                s(&partnerships),
                "--out",
                s(&partnerships),
            ],
            partnerships.clone(),
            "never overwritten",
        ),
        (
            vec!["train", "--out", s(&prior)],
            prior.clone(),
            "never overwritten",
        ),
        (
            vec![
                "train-success",
                "--outcomes",
                s(&outcomes),
                "--out",
                s(&outcomes),
            ],
            outcomes.clone(),
            "never overwritten",
        ),
        (
            vec!["train-success", "--survey", s(&survey), "--out", s(&survey)],
            survey.clone(),
            "never overwritten",
        ),
        (
            vec!["score", "--applications", s(&apps), "--out", s(&apps)],
            apps.clone(),
            "never overwritten",
        ),
        (
            vec!["score", "--applications", s(&apps), "--out", s(&scored)]
                .into_iter()
                .chain(["--rejects", s(&strengths)])
                .collect(),
            strengths.clone(),
            "never overwritten",
        ),
        (
            vec!["score", "--applications", s(&apps), "--out", s(&scored)]
                .into_iter()
                .chain(["--rejects", s(&new_in_data)])
                .collect(),
            new_in_data.clone(),
            "catalog directory",
        ),
        (
            vec![
                "score",
                "--applications",
                s(&apps),
                "--out",
                s(&new_in_models),
            ],
            new_in_models.clone(),
            "model directory",
        ),
        (
            vec!["score", "--applications", s(&apps), "--model", s(&default)]
                .into_iter()
                .chain(["--out", s(&default)])
                .collect(),
            default.clone(),
            "never overwritten",
        ),
        (
            vec!["score", "--applications", s(&apps), "--out", s(&scored)]
                .into_iter()
                .chain(["--rejects", s(&scratch)])
                .collect(),
            scored.clone(),
            "is a directory",
        ),
        (
            vec!["synth", "--out", s(&data)],
            partnerships.clone(),
            "never overwritten",
        ),
        (
            vec!["eval", "--out", s(&scratch), "--run", &run_spec],
            run.clone(),
            "never overwritten",
        ),
        (
            vec![
                "catalog",
                "import",
                "--long",
                s(&long),
                "--dataset",
                "x",
                "--year",
                "2014",
            ]
            .into_iter()
            .chain(["--out", s(&long)])
            .collect(),
            long.clone(),
            "never overwritten",
        ),
        (
            vec![
                "catalog",
                "import",
                "--long",
                s(&long),
                "--dataset",
                "x",
                "--year",
                "2014",
            ]
            .into_iter()
            .chain(["--out", s(&strengths)])
            .collect(),
            strengths.clone(),
            "never overwritten",
        ),
        (
            vec![
                "catalog",
                "import",
                "--long",
                s(&long),
                "--dataset",
                "us_cbp",
            ]
            .into_iter()
            .chain(["--year", "2011"])
            .collect(),
            derived.clone(),
            "never overwritten",
        ),
    ];
    for (args, protected, expected) in &cases {
        refused(root, args, protected, expected);
    }
    assert!(
        !scratch.join("o.csv").exists(),
        "no output was half written"
    );
}

#[test]
fn devices_are_refused_as_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let apps = shipped_data().join("applications.example.csv");
    tieup()
        .args(["score", "--applications"])
        .arg(&apps)
        .args(["--out", "/dev/null"])
        .arg("--rejects")
        .arg(dir.path().join("r.csv"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a regular file"));
    assert!(!dir.path().join("r.csv").exists());
}

#[test]
fn the_same_run_name_twice_is_an_argument_error() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("r.txt");
    std::fs::write(&run, "q1 Q0 bavaria 1 1.0 mine\n").unwrap();
    let spec = format!("a={}", run.display());
    tieup()
        .args(["eval", "--out"])
        .arg(dir.path().join("out"))
        .args(["--run", &spec, "--run", &spec])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("given twice"));
}

#[test]
fn shipped_an_interrupted_batch_leaves_no_temporary_file() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let apps = dir.path().join("apps.csv");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&apps).unwrap());
    writeln!(file, "application_id,japan_region,sector").unwrap();
    for i in 0..400_000 {
        writeln!(file, "a{i},fukushima,medical_welfare").unwrap();
    }
    drop(file);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("tieup"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["score", "--applications"])
        .arg(&apps)
        .arg("--out")
        .arg(dir.path().join("out.csv"))
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let temporary = || {
        std::fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| {
                let name = e.as_ref().unwrap().file_name();
                name.to_string_lossy().contains(".tmp-")
            })
            .count()
    };
    let started = std::time::Instant::now();
    while temporary() == 0 && started.elapsed().as_secs() < 30 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(temporary() > 0, "the batch started writing");
    std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    if status.code() == Some(0) {
        // The batch finished before the signal arrived: nothing to check.
        return;
    }
    assert_eq!(status.code(), Some(130), "{status:?}");
    assert_eq!(temporary(), 0, "temporary files removed");
    assert!(!dir.path().join("out.csv").exists(), "no half output");
}
