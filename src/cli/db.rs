//! `tieup db export | import | backup | check` and `tieup train --db`: the store of saved
//! shortlists, decisions, projects and follow-ups (`tieup-store`), from the command line.

use super::args::{Cli, TrainArgs};
use super::{
    catalog_inputs, data_dir, default_model, invalid_arguments, load_catalog, output_guard,
    write_or_check,
};
use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use tieup_core::catalog::{Catalog, Partnership};
use tieup_core::features::Encoder;
use tieup_core::model::LinearModel;
use tieup_store::{PartnershipRecord, Store, partnerships};

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
fn store_error(e: tieup_store::Error) -> anyhow::Error {
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

/// The shipped partnerships with the store's rows merged in: a store row replaces the
/// shipped row of the same id, new ids follow in store order. Also returns the store's ids.
fn merge(
    shipped: Vec<PartnershipRecord>,
    recorded: Vec<PartnershipRecord>,
) -> (Vec<PartnershipRecord>, Vec<String>) {
    let ids: Vec<String> = recorded.iter().map(|r| r.id.clone()).collect();
    let mut by_id: BTreeMap<String, PartnershipRecord> =
        recorded.into_iter().map(|r| (r.id.clone(), r)).collect();
    let mut merged: Vec<PartnershipRecord> = shipped
        .into_iter()
        .map(|s| by_id.remove(&s.id).unwrap_or(s))
        .collect();
    merged.extend(
        ids.iter()
            .filter_map(|id| by_id.remove(id))
            .collect::<Vec<_>>(),
    );
    (merged, ids)
}

/// `tieup train --db FILE`: train on the shipped partnerships plus the recorded outcomes.
pub(super) fn train(cli: &Cli, a: &TrainArgs, db: &Path, out: &mut dyn Write) -> Result<()> {
    if a.check {
        invalid_arguments!("--check cannot be used with --db (the database changes)");
    }
    let params = super::models::train_params(a)?;
    let learner = params.learner();
    let mut training_file = a.out.clone().into_os_string();
    training_file.push(".training.csv");
    let training_file = PathBuf::from(training_file);
    let guard = db_guard(cli, db)
        .input("--exchanges", &a.exchanges)
        .input("--prior", &a.prior)
        .input("the default model", &default_model());
    guard.check_file("--out", &a.out)?;
    guard.check_file("the training data", &training_file)?;
    let catalog = load_catalog(cli)?;
    let mut store = Store::open_existing(db).map_err(store_error)?;
    let shipped = partnerships::read(&a.exchanges)?;
    let (merged, recorded) = merge(shipped, store.partnerships().map_err(store_error)?);
    let text = partnerships::to_csv(&merged);
    tieup_core::fsutil::write_atomic(&training_file, text.as_bytes())?;
    let rows = catalog
        .read_partnerships(&training_file)
        .with_context(|| format!("the merged training data in {}", training_file.display()))?;
    let digest = tieup_store::catalog_digest(catalog.dir()).map_err(store_error)?;
    let source = format!(
        "{} + {} ({} recorded outcomes: {}); catalog {digest}; learner {}; data in {}",
        a.exchanges.display(),
        db.display(),
        recorded.len(),
        recorded.join(";"),
        learner.name(),
        training_file.display()
    )
    .replace('\\', "/");
    let prior = LinearModel::load(&a.prior)?;
    let encoder = Encoder::new(&catalog);
    let queries = params.training_set(&encoder, &rows);
    let hash = tieup_core::hash::digest(text.as_bytes());
    let model = params.fit(&queries, &prior, &source, &hash)?;
    let real = catalog.read_partnerships(&a.exchanges)?;
    let before_path = default_model();
    let before = LinearModel::load(&before_path)?;
    let replacing = recorded
        .iter()
        .filter(|id| real.iter().any(|r| &r.id == *id))
        .count();
    writeln!(
        out,
        "trained {} on {} partnerships: {} from {}, {} recorded in {} ({replacing} of them replacing a shipped row of the same id); catalog {digest}",
        learner.name(),
        rows.len(),
        real.len(),
        a.exchanges.display(),
        recorded.len(),
        db.display()
    )?;
    report_metrics(
        &catalog,
        &real,
        &[(&before_path, &before), (&a.out, &model)],
        out,
    )?;
    write_or_check(out, &a.out, &model.to_json(), false, "tieup train")?;
    writeln!(out, "wrote {} (its training data)", training_file.display())?;
    let registered = store
        .register_model(&tieup_store::NewModel {
            model_id: tieup_store::model_id(&a.out).map_err(store_error)?,
            path: a.out.to_string_lossy().replace('\\', "/"),
            learner: learner.name().into(),
            outcomes: recorded,
            catalog_digest: digest,
            training_source: model.training.source.clone(),
        })
        .map_err(store_error)?;
    writeln!(
        out,
        "registered as model {registered} in {} (the page activates it)",
        db.display()
    )?;
    Ok(())
}

/// Mean NDCG@10, MRR and hit@10 of the chosen partners of the real partnerships, per model.
fn report_metrics(
    catalog: &Catalog,
    real: &[Partnership],
    models: &[(&Path, &LinearModel)],
    out: &mut dyn Write,
) -> Result<()> {
    use tieup_bench::eval::{metrics, partnership_query};
    writeln!(
        out,
        "before and after on the {} real partnerships of the shipped file: training-set metrics \
         (in-sample: the new model has seen them; tieup_bench::eval has no leave-one-out function)",
        real.len()
    )?;
    let encoder = Encoder::new(catalog);
    let n = catalog.candidate_ids().len();
    for (path, model) in models {
        let mut per_query = Vec::new();
        for p in real {
            let q = partnership_query(catalog, p);
            let list = tieup_core::rank::shortlist(&encoder, model, &q.query, n)?;
            let ranked: Vec<u8> = list
                .candidates
                .iter()
                .map(|c| q.judgements.get(&c.region).copied().unwrap_or(0))
                .collect();
            let judged: Vec<u8> = q.judgements.values().copied().collect();
            per_query.push(metrics::query_metrics(&ranked, &judged, &[10]));
        }
        let mean = metrics::mean(&per_query);
        let get = |k: &str| mean.get(k).copied().unwrap_or(f64::NAN);
        writeln!(
            out,
            "  {:<40} ndcg@10 {:.4}  mrr {:.4}  hit@10 {:.4}",
            path.display(),
            get("ndcg@10"),
            get("mrr"),
            get("hit@10")
        )?;
    }
    Ok(())
}
