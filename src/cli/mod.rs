//! The binary's core: one function per command (in the submodules), each of which turns its
//! clap arguments into a validated request, calls the library and renders the answer; the
//! exit codes; and where the data directory and the default models are found.
//!
//! Submodules: `args` (clap definitions), `help` (examples and exit codes of every command,
//! `completions`, `man`), `render` (tables and CSV),
//! `query` (`shortlist`, `regions`, `sectors`, `stats`), `models` (`prior`, `train`,
//! `train-success`), `score` (`score`), `bench` (`synth`, `eval`), `catalog`
//! (`catalog rebuild`, `catalog import`), `serve` (`serve`), `db` (`db export|import|backup|check`,
//! `train --db`).

pub mod args;
mod bench;
mod catalog;
pub mod db;
pub mod help;
mod models;
mod query;
pub mod render;
pub mod score;
mod serve;

use anyhow::{Context, Result, bail};
use args::{CatalogCommand, Cli, Command};
use std::io::Write;
use std::path::{Path, PathBuf};
use tieup_core::catalog::Catalog;

/// Exit code: any other failure (a file could not be read or written, ...).
pub const EXIT_FAILURE: u8 = 1;
/// Exit code: invalid arguments.
pub const EXIT_INVALID_ARGUMENTS: u8 = 2;
/// Exit code: an unknown or ambiguous region, sector, trait or country.
pub const EXIT_UNKNOWN_NAME: u8 = 3;
/// Exit code: a malformed data or model file.
pub const EXIT_BAD_INPUT_FILE: u8 = 4;
/// Exit code: batch scoring rejected some rows (the others were scored).
pub const EXIT_REJECTS: u8 = 5;
/// Exit code after Ctrl-C or SIGTERM (128 + SIGINT, as shells report it).
pub const EXIT_INTERRUPTED: u8 = 130;

/// The largest `--top` accepted (more than any catalog's candidates; bounds allocation).
pub const MAX_TOP: usize = 100_000;
/// The largest `--chunk-size` accepted by `score` (bounds memory).
pub const MAX_CHUNK_SIZE: usize = 1_000_000;

/// An invalid combination or value of command-line arguments that clap cannot check by
/// itself (exit code 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ArgumentError(pub String);

/// Fails with an [`ArgumentError`] (exit code 2).
macro_rules! invalid_arguments {
    ($($arg:tt)*) => {
        return Err($crate::cli::ArgumentError(format!($($arg)*)).into())
    };
}
pub(crate) use invalid_arguments;

/// Maps an error to the documented exit code (the table is `help::EXIT_CODES`).
pub fn exit_code(error: &anyhow::Error) -> u8 {
    if error.downcast_ref::<score::RowsRejected>().is_some() {
        return EXIT_REJECTS;
    }
    for cause in error.chain() {
        if cause.downcast_ref::<ArgumentError>().is_some() {
            return EXIT_INVALID_ARGUMENTS;
        }
        if let Some(e) = cause.downcast_ref::<tieup_core::Error>() {
            return match e {
                tieup_core::Error::UnknownName { .. }
                | tieup_core::Error::NotJapanese { .. }
                | tieup_core::Error::AmbiguousName { .. } => EXIT_UNKNOWN_NAME,
                tieup_core::Error::Data(_) | tieup_core::Error::Model { .. } => EXIT_BAD_INPUT_FILE,
                tieup_core::Error::InvalidParam { .. } => EXIT_INVALID_ARGUMENTS,
                tieup_core::Error::Io { .. } => EXIT_FAILURE,
            };
        }
    }
    EXIT_FAILURE
}

/// True when the error is a closed pipe on output (`tieup ... | head`).
/// The JSON and CSV writers wrap the pipe's error in their own types, so those are looked
/// into too.
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    let broken = std::io::ErrorKind::BrokenPipe;
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == broken)
            || cause
                .downcast_ref::<serde_json::Error>()
                .is_some_and(|e| e.io_error_kind() == Some(broken))
            || cause
                .downcast_ref::<csv::Error>()
                .is_some_and(|e| matches!(e.kind(), csv::ErrorKind::Io(io) if io.kind() == broken))
    })
}

/// Where the data directory is: --data, then $TIEUP_DATA, then ./data, then the source tree's.
pub(crate) fn data_dir(given: Option<&Path>) -> PathBuf {
    if let Some(dir) = given {
        return dir.to_path_buf();
    }
    if let Some(dir) = std::env::var_os("TIEUP_DATA") {
        return PathBuf::from(dir);
    }
    let local = PathBuf::from("data");
    if local.join("sectors.csv").is_file() {
        return local;
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

/// Where the default model is: ./models/default.json, then the source tree's.
pub(crate) fn default_model() -> PathBuf {
    shipped_model("default.json")
}

/// Where a shipped model file is: ./models/NAME, then the source tree's `models/NAME`.
pub(crate) fn shipped_model(name: &str) -> PathBuf {
    let local = Path::new("models").join(name);
    if local.is_file() {
        return local;
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("models")
        .join(name)
}

/// Loads the catalog of `--data` (or the default data directory).
pub(crate) fn load_catalog(cli: &Cli) -> Result<Catalog> {
    let dir = data_dir(cli.data.as_deref());
    Catalog::load(&dir).with_context(|| format!("loading the catalog from {}", dir.display()))
}

/// The output guard of a command run: the catalog directory is protected (and `--force`
/// lifts that); the command adds its inputs and any other protected directory.
pub(crate) fn output_guard(cli: &Cli) -> tieup_core::fsutil::OutputGuard {
    tieup_core::fsutil::OutputGuard::new()
        .protect("catalog directory", &data_dir(cli.data.as_deref()))
        .force(cli.force)
}

/// Adds every file of the catalog directory (and its `survey/`) as an input of the run.
pub(crate) fn catalog_inputs(
    mut guard: tieup_core::fsutil::OutputGuard,
    dir: &Path,
) -> tieup_core::fsutil::OutputGuard {
    for sub in [dir.to_path_buf(), dir.join("survey"), dir.join("derived")] {
        let Ok(entries) = std::fs::read_dir(&sub) else {
            continue;
        };
        for entry in entries.flatten() {
            if entry.path().is_file() {
                guard = guard.input("catalog file", &entry.path());
            }
        }
    }
    guard.input("catalog directory", dir)
}

/// Writes `text` to `path` atomically, or with `check` fails unless the file already holds it.
/// The caller has checked `path` with its output guard first.
pub(crate) fn write_or_check(
    out: &mut dyn Write,
    path: &Path,
    text: &str,
    check: bool,
    command: &str,
) -> Result<()> {
    if check {
        let existing =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        if existing != text {
            bail!(
                "{} is out of date with its inputs; regenerate it with `{command} --out {}`",
                path.display(),
                path.display()
            );
        }
        writeln!(out, "{} is up to date", path.display())?;
    } else {
        tieup_core::fsutil::write_atomic(path, text.as_bytes())?;
        writeln!(out, "wrote {}", path.display())?;
    }
    Ok(())
}

/// Runs one command, writing its answer to `out`.
pub fn run(cli: Cli, out: &mut dyn Write) -> Result<()> {
    match &cli.command {
        Command::Shortlist(a) => query::shortlist(&cli, a, out),
        Command::Regions(a) => query::regions(&cli, a, out),
        Command::Sectors(a) => query::sectors(&cli, a, out),
        Command::Stats(a) => query::stats(&cli, a, out),
        Command::Prior(a) => models::prior(&cli, a, out),
        Command::Train(a) => models::train(&cli, a, out),
        Command::TrainSuccess(a) => models::train_success(&cli, a, out),
        Command::Score(a) => score::run(&cli, a),
        Command::Synth(a) => bench::synth(&cli, a, out),
        Command::Eval(a) => bench::eval(&cli, a, out),
        Command::Specificity(a) => bench::specificity(&cli, a, out),
        Command::Catalog(CatalogCommand::Rebuild(a)) => catalog::rebuild(&cli, a, out),
        Command::Catalog(CatalogCommand::Import(a)) => catalog::import(&cli, a, out),
        Command::Serve(a) => serve::run(&cli, a, out),
        Command::Db(c) => db::run(&cli, c, out),
        Command::Completions(a) => help::completions(a, out),
        Command::Man(a) => help::man(&cli, a, out),
    }
}
