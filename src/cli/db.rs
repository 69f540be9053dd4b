//! `tieup db export | import | backup | check` and `tieup train --db`: the store of saved
//! shortlists, decisions, projects and follow-ups (`tieup-store`), from the command line.

use super::args::{Cli, TrainArgs};
use super::{
    catalog_inputs, data_dir, default_model, invalid_arguments, load_catalog, output_guard,
    write_or_check,
};
use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use std::io::Write;
use std::path::{Path, PathBuf};
use tieup_store::Store;

/// `tieup db ...`.
#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Write the recorded projects and outcomes as a partnerships file (the layout of
    /// data/partnerships.csv, usable by train, eval and every command that reads that file).
    Export(ExportArgs),
    /// Add the partnerships of a file in the layout of data/partnerships.csv as projects
    /// with their outcomes (ids already in the database are skipped).
    Import(ImportArgs),
    /// Copy the database with SQLite's online backup API (others may keep writing).
    Backup(BackupArgs),
    /// Integrity check, foreign-key check and schema version; fails unless all are sound.
    Check(DbArgs),
}

/// Which database.
#[derive(Debug, Args)]
pub struct DbArgs {
    /// Database file [default: tieup.db beside the data directory].
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,
}

/// Arguments of `db export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Output file (written to a temporary file and renamed; never one of the inputs).
    #[arg(long, value_name = "FILE")]
    pub partnerships: PathBuf,
    /// Which database.
    #[command(flatten)]
    pub db: DbArgs,
}

/// Arguments of `db import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A file in the layout of data/partnerships.csv.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Which database (created when missing).
    #[command(flatten)]
    pub db: DbArgs,
}

/// Arguments of `db backup`.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The copy to write (replaced atomically if it exists; never the database itself).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Which database.
    #[command(flatten)]
    pub db: DbArgs,
}

/// Turns a store error into the binary's: a refused file is a bad input file (exit 4).
pub(super) fn store_error(e: tieup_store::Error) -> anyhow::Error {
    let refused = |path: &Path, message: String| -> anyhow::Error {
        tieup_core::Error::data(
            path,
            None,
            message,
            "give --db a tieup database or a new file name",
        )
        .into()
    };
    match e {
        tieup_store::Error::Core(e) => e.into(),
        tieup_store::Error::NotADatabase { path, reason } => refused(
            &path,
            format!("not a tieup database: {reason}; the file was left untouched"),
        ),
        tieup_store::Error::NewerSchema { path, found, known } => refused(
            &path,
            format!(
                "schema version {found} is newer than this tieup knows ({known}); the file was left untouched"
            ),
        ),
        other => other.into(),
    }
}

fn db_path(cli: &Cli, given: Option<&Path>) -> PathBuf {
    given
        .map(Path::to_path_buf)
        .unwrap_or_else(|| tieup_store::default_path(&data_dir(cli.data.as_deref())))
}

/// The output guard with the database (and its `-wal` and `-shm` files) and the catalog as
/// inputs: no `tieup db` output is ever written over them.
fn db_guard(cli: &Cli, db: &Path) -> tieup_core::fsutil::OutputGuard {
    let mut guard =
        catalog_inputs(output_guard(cli), &data_dir(cli.data.as_deref())).input("database", db);
    for suffix in ["-wal", "-shm"] {
        let mut side = db.as_os_str().to_owned();
        side.push(suffix);
        guard = guard.input("database", Path::new(&side));
    }
    guard
}

/// Runs one `tieup db` command.
pub(super) fn run(cli: &Cli, command: &DbCommand, out: &mut dyn Write) -> Result<()> {
    match command {
        DbCommand::Export(a) => export(cli, a, out),
        DbCommand::Import(a) => import(cli, a, out),
        DbCommand::Backup(a) => backup(cli, a, out),
        DbCommand::Check(a) => check(cli, a, out),
    }
}

fn export(cli: &Cli, a: &ExportArgs, out: &mut dyn Write) -> Result<()> {
    let db = db_path(cli, a.db.db.as_deref());
    db_guard(cli, &db).check_file("--partnerships", &a.partnerships)?;
    let store = Store::open_existing(&db).map_err(store_error)?;
    let n = store
        .export_partnerships(&a.partnerships)
        .map_err(store_error)?;
    writeln!(
        out,
        "wrote {n} partnerships to {}",
        a.partnerships.display()
    )?;
    Ok(())
}

fn import(cli: &Cli, a: &ImportArgs, out: &mut dyn Write) -> Result<()> {
    let db = db_path(cli, a.db.db.as_deref());
    output_guard(cli)
        .input("FILE", &a.file)
        .check_file("--db", &db)?;
    // The catalog checks the ids before anything is written.
    let catalog = load_catalog(cli)?;
    catalog.read_partnerships(&a.file)?;
    let mut store = Store::open(&db).map_err(store_error)?;
    let summary = store.import_partnerships(&a.file).map_err(store_error)?;
    writeln!(
        out,
        "imported {} partnerships into {}; {} already there{}",
        summary.imported,
        db.display(),
        summary.skipped.len(),
        if summary.skipped.is_empty() {
            String::new()
        } else {
            format!(" ({})", summary.skipped.join(", "))
        }
    )?;
    Ok(())
}

fn backup(cli: &Cli, a: &BackupArgs, out: &mut dyn Write) -> Result<()> {
    let db = db_path(cli, a.db.db.as_deref());
    db_guard(cli, &db).check_file("the backup", &a.file)?;
    let store = Store::open_existing(&db).map_err(store_error)?;
    store.backup(&a.file).map_err(store_error)?;
    writeln!(out, "backed up {} to {}", db.display(), a.file.display())?;
    Ok(())
}

fn check(cli: &Cli, a: &DbArgs, out: &mut dyn Write) -> Result<()> {
    let db = db_path(cli, a.db.as_deref());
    let store = Store::open_existing(&db).map_err(store_error)?;
    let report = store.check().map_err(store_error)?;
    writeln!(out, "database: {}", db.display())?;
    writeln!(
        out,
        "schema version: {} (latest {})",
        report.schema_version, report.latest_version
    )?;
    writeln!(out, "journal mode: {}", report.journal_mode)?;
    writeln!(out, "integrity: {}", report.integrity.join("; "))?;
    let fk = if report.foreign_key_violations.is_empty() {
        "ok".to_string()
    } else {
        report.foreign_key_violations.join("; ")
    };
    writeln!(out, "foreign keys: {fk}")?;
    for (table, n) in &report.rows {
        writeln!(out, "{table}: {n} rows")?;
    }
    if !report.is_ok() {
        anyhow::bail!("{} failed the check", db.display());
    }
    writeln!(out, "ok")?;
    Ok(())
}

/// `tieup train --db FILE`: train on the shipped partnerships plus the recorded outcomes
/// (`tieup_retrain` does the work), report before and after by leave-one-out, write OUT and
/// register it in the database.
pub(super) fn train(cli: &Cli, a: &TrainArgs, db: &Path, out: &mut dyn Write) -> Result<()> {
    if a.check {
        invalid_arguments!("--check cannot be used with --db (the database changes)");
    }
    let (exchanges, prior) = super::models::train_inputs(cli, a);
    let setup = tieup_retrain::Setup {
        exchanges: exchanges.clone(),
        prior: prior.clone(),
        params: super::models::train_params(a)?,
    };
    let mut training_file = a.out.clone().into_os_string();
    training_file.push(".training.csv");
    let training_file = PathBuf::from(training_file);
    let guard = db_guard(cli, db)
        .input("--exchanges", &exchanges)
        .input("--prior", &prior)
        .input("the default model", &default_model());
    guard.check_file("--out", &a.out)?;
    guard.check_file("the training data", &training_file)?;
    let catalog = load_catalog(cli)?;
    let mut store = Store::open_existing(db).map_err(store_error)?;
    let retrained = tieup_retrain::retrain(&catalog, &store, &setup, &training_file)
        .map_err(store_error)
        .with_context(|| format!("training on {} and {}", exchanges.display(), db.display()))?;
    writeln!(
        out,
        "trained {} on {} partnerships: {} from {}, {} recorded in {} ({} of them replacing a shipped row of the same id); catalog {}",
        retrained.learner,
        retrained.n_rows,
        retrained.n_shipped,
        exchanges.display(),
        retrained.recorded.len(),
        db.display(),
        retrained.n_replacing,
        retrained.catalog_digest
    )?;
    report_evaluation(&retrained.evaluation, out)?;
    write_or_check(
        out,
        &a.out,
        &retrained.model.to_json(),
        false,
        "tieup train",
    )?;
    writeln!(out, "wrote {} (its training data)", training_file.display())?;
    let registered =
        tieup_retrain::register(&mut store, &a.out, &retrained).map_err(store_error)?;
    writeln!(
        out,
        "registered as model {registered} in {} (the page activates it)",
        db.display()
    )?;
    Ok(())
}

/// Before and after by leave-one-out: MRR, recall@10 and median rank of the real partner.
fn report_evaluation(e: &tieup_retrain::Evaluation, out: &mut dyn Write) -> Result<()> {
    writeln!(
        out,
        "leave-one-out on the {} partnerships trained on (each ranked among all candidates by a model trained without it):",
        e.after.held_out.len()
    )?;
    for (label, loo) in [
        ("prior (untrained)", &e.prior),
        ("before (shipped partnerships only)", &e.before),
        ("after (shipped + recorded)", &e.after),
    ] {
        writeln!(
            out,
            "  {label:<36} mrr {:.4}  recall@10 {:.4}  median rank {}",
            loo.mrr, loo.recall_at_10, loo.median_rank
        )?;
    }
    Ok(())
}
