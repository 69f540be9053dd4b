//! Helpers: temporary copies of the fixture catalog, and running the real binary.

use std::path::{Path, PathBuf};

/// The small fixture catalog.
pub fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini")
}

/// The shipped catalog (tests that use it say so).
pub fn shipped_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

/// A temporary copy of the fixture catalog.
pub fn fixture_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(fixture_dir()).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    dir
}

/// Rewrites one file of a catalog copy.
pub fn edit(dir: &Path, file: &str, change: impl FnOnce(String) -> String) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, change(text)).unwrap();
}

/// The `tieup` binary, run from the repository root.
pub fn tieup() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("tieup").unwrap();
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("TIEUP_DATA");
    cmd
}

/// Runs a `tieup` command that must succeed and returns its standard output (the error
/// output in the failure message otherwise).
pub fn stdout_text(cmd: &mut assert_cmd::Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs a `tieup` command that must succeed and returns its standard output as JSON (the
/// error output in the failure message otherwise).
pub fn stdout_json(cmd: &mut assert_cmd::Command) -> serde_json::Value {
    serde_json::from_str(&stdout_text(cmd)).unwrap()
}
