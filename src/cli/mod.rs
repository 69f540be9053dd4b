//! Command dispatch, exit codes and data/model path resolution for the binary.

pub mod args;
pub mod render;
pub mod score;

use anyhow::{Context, Result, bail};
use args::{CatalogCommand, Cli, Command, Format, KindArg};
use linfa::ParamGuard;
use std::io::Write;
use std::path::{Path, PathBuf};
use tieup_core::catalog::{Catalog, RegionKind};
use tieup_core::features::{Encoder, Query, find_feature};
use tieup_core::model::LinearModel;
use tieup_core::report::{RegionEntry, SectorEntry, ShortlistReport};
use tieup_learn::prior::PriorParams;
use tieup_learn::success::SuccessModel;
use tieup_learn::{LearnerKind, TrainParams};

/// Exit code: an unknown or ambiguous region, sector or trait name.
pub const EXIT_UNKNOWN_NAME: u8 = 3;
/// Exit code: a malformed data or model file.
pub const EXIT_BAD_INPUT_FILE: u8 = 4;
/// Exit code: batch scoring rejected some rows (the others were scored).
pub const EXIT_REJECTS: u8 = 5;
/// Exit code: any other failure (IO, ...).
pub const EXIT_FAILURE: u8 = 1;

/// Maps an error to the documented exit code.
pub fn exit_code(error: &anyhow::Error) -> u8 {
    if error.downcast_ref::<score::RowsRejected>().is_some() {
        return EXIT_REJECTS;
    }
    for cause in error.chain() {
        if let Some(e) = cause.downcast_ref::<tieup_core::Error>() {
            return match e {
                tieup_core::Error::UnknownName { .. } | tieup_core::Error::AmbiguousName { .. } => {
                    EXIT_UNKNOWN_NAME
                }
                tieup_core::Error::Data(_) | tieup_core::Error::Model { .. } => EXIT_BAD_INPUT_FILE,
                tieup_core::Error::InvalidParam { .. } => 2,
                tieup_core::Error::Io { .. } => EXIT_FAILURE,
            };
        }
    }
    EXIT_FAILURE
}

/// True when the error is a closed pipe on output (`tieup ... | head`).
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
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
    let local = PathBuf::from("models/default.json");
    if local.is_file() {
        return local;
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("models/default.json")
}

pub(crate) fn load_catalog(cli: &Cli) -> Result<Catalog> {
    let dir = data_dir(cli.data.as_deref());
    Catalog::load(&dir).with_context(|| format!("loading the catalog from {}", dir.display()))
}

/// Writes `text` to `path` atomically, or with `check` fails unless the file already holds it.
fn write_or_check(
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
        Command::Shortlist(a) => {
            if a.top == 0 {
                bail!("--top must be at least 1");
            }
            let catalog = load_catalog(&cli)?;
            let model_path = a.model.clone().unwrap_or_else(default_model);
            let model = LinearModel::load(&model_path).with_context(|| {
                "loading the model (regenerate the default with `tieup prior`)".to_string()
            })?;
            let mut query = Query::new(
                catalog.find_japan_region(&a.region)?,
                catalog.sectors.find(&a.sector)?,
            );
            for want in &a.want {
                for item in want.split([',', ';']).filter(|s| !s.trim().is_empty()) {
                    query.wanted.push(find_feature(item.trim())?);
                }
            }
            for objective in &a.objective {
                let features = tieup_core::application::objective_features(objective)?;
                query.wanted.extend_from_slice(features);
            }
            query.before_year = a.before_year;
            let encoder = Encoder::new(&catalog);
            let list = tieup_core::rank::shortlist(&encoder, &model, &query, a.top)?;
            let report = ShortlistReport::new(
                &encoder,
                &model,
                &model_path.to_string_lossy(),
                &list,
                a.top,
            );
            match a.format {
                Format::Json => render::json(out, &report)?,
                Format::Csv => render::shortlist_csv(out, &report)?,
                Format::Table => render::shortlist_table(out, &report, a.explain)?,
            }
        }
        Command::Regions(a) => {
            let catalog = load_catalog(&cli)?;
            let entries: Vec<RegionEntry> = (0..catalog.regions.len())
                .filter(|&p| {
                    let r = &catalog.regions[p];
                    let kind_ok = match a.kind {
                        None => true,
                        Some(KindArg::Japan) => r.kind == RegionKind::Japan,
                        Some(KindArg::Overseas) => r.kind == RegionKind::Overseas,
                    };
                    kind_ok
                        && a.country
                            .as_deref()
                            .is_none_or(|c| r.country.eq_ignore_ascii_case(c))
                        && a.search
                            .as_deref()
                            .is_none_or(|s| catalog.region_matches(p, s))
                })
                .map(|p| RegionEntry::new(&catalog, p))
                .collect();
            match a.format {
                Format::Json => render::json(out, &entries)?,
                Format::Csv => render::regions_csv(out, &entries)?,
                Format::Table => render::regions_table(out, &entries)?,
            }
        }
        Command::Sectors(a) => {
            let catalog = load_catalog(&cli)?;
            let entries: Vec<SectorEntry> = (0..catalog.sectors.len())
                .map(|p| SectorEntry::new(&catalog, p))
                .collect();
            match a.format {
                Format::Json => render::json(out, &entries)?,
                Format::Csv => render::sectors_csv(out, &entries)?,
                Format::Table => render::sectors_table(out, &entries)?,
            }
        }
        Command::Stats(a) => {
            let catalog = load_catalog(&cli)?;
            let stats = catalog.stats();
            match a.format {
                Format::Json => render::json(out, &stats)?,
                _ => render::stats_table(out, &stats)?,
            }
        }
        Command::Prior(a) => {
            let dir = data_dir(cli.data.as_deref());
            let sectors = tieup_core::sector::SectorTable::load(&dir.join("sectors.csv"))?;
            let params = PriorParams::new()
                .pseudo_count(a.pseudo_count)
                .similarity_share(a.similarity_share)
                .want_boost(a.want_boost)
                .check()?;
            let model = tieup_learn::prior::derive_from_dir(&params, &dir, &sectors)?;
            write_or_check(out, &a.out, &model.to_json(), a.check, "tieup prior")?;
        }
        Command::Train(a) => {
            let catalog = load_catalog(&cli)?;
            let prior = LinearModel::load(&a.prior)?;
            let partnerships = catalog.read_partnerships(&a.exchanges)?;
            let hash = tieup_core::hash::file_digest(&a.exchanges)?;
            let learner = match a.learner {
                args::LearnerArg::Pointwise => LearnerKind::Pointwise,
                args::LearnerArg::Pairwise => LearnerKind::Pairwise,
                args::LearnerArg::PriorAnchored => LearnerKind::PriorAnchored,
            };
            let params = TrainParams::new(learner)
                .seed(a.seed)
                .negatives(a.negatives)
                .l2(a.l2)
                .check()?;
            let encoder = Encoder::new(&catalog);
            let queries = tieup_learn::training_set(&encoder, &partnerships, a.negatives, a.seed);
            let source = a.exchanges.to_string_lossy().replace('\\', "/");
            let model = params.fit(&queries, &prior, &source, &hash)?;
            write_or_check(out, &a.out, &model.to_json(), a.check, "tieup train")?;
        }
        Command::Score(a) => return score::run(&cli, a),
        Command::Synth(a) => synth(&cli, a, out)?,
        Command::Eval(a) => eval(&cli, a, out)?,
        Command::TrainSuccess(a) => {
            let model = match &a.outcomes {
                Some(path) => SuccessModel::fit_outcomes_file(path, a.alpha)?,
                None => SuccessModel::fit_survey_table(&a.survey, a.alpha)?,
            };
            write_or_check(
                out,
                &a.out,
                &model.to_json(),
                a.check,
                "tieup train-success",
            )?;
        }
        Command::Catalog(CatalogCommand::Rebuild(a)) => {
            let started = std::time::Instant::now();
            let params = tieup_import::rebuild::RebuildParams {
                raw_dir: a.raw.clone(),
                data_dir: data_dir(cli.data.as_deref()),
                check: a.check,
                profile: tieup_import::profile::ProfileParams {
                    pseudo_employees: a.pseudo_employees,
                    min_ubiquity: a.min_ubiquity,
                },
            };
            let report = tieup_import::rebuild::rebuild(&params)
                .with_context(|| format!("rebuilding from {}", a.raw.display()))?;
            write!(out, "{}", report.render())?;
            writeln!(out)?;
            for file in &report.files {
                let status = match (a.check, file.changed) {
                    (false, true) => "wrote",
                    (true, true) => "DIFFERS",
                    (_, false) => "unchanged",
                };
                writeln!(
                    out,
                    "{status:9} {} ({} bytes)",
                    file.path.display(),
                    file.bytes
                )?;
            }
            writeln!(out, "done in {:.2} s", started.elapsed().as_secs_f64())?;
            let stale: Vec<String> = report
                .files
                .iter()
                .filter(|f| f.changed)
                .map(|f| f.path.display().to_string())
                .collect();
            if a.check && !stale.is_empty() {
                bail!(
                    "derived files are out of date with the raw files: {}; run `tieup catalog rebuild --raw {}`",
                    stale.join(", "),
                    a.raw.display()
                );
            }
        }
        Command::Catalog(CatalogCommand::Import(a)) => {
            let params = tieup_import::rebuild::LongParams {
                file: a.long.clone(),
                dataset: a.dataset.clone(),
                year: a.year,
                data_dir: data_dir(cli.data.as_deref()),
                out: a.out.clone(),
                profile: tieup_import::profile::ProfileParams {
                    pseudo_employees: a.pseudo_employees,
                    ..Default::default()
                },
            };
            let (coverage, file) = tieup_import::rebuild::import_long(&params)
                .with_context(|| format!("importing {}", a.long.display()))?;
            write!(out, "{}", tieup_import::rebuild::render_dataset(&coverage))?;
            writeln!(
                out,
                "{} {} ({} bytes)",
                if file.changed { "wrote" } else { "unchanged" },
                file.path.display(),
                file.bytes
            )?;
        }
    }
    Ok(())
}

fn synth(cli: &Cli, a: &args::SynthArgs, out: &mut dyn Write) -> Result<()> {
    let source = data_dir(cli.data.as_deref());
    let catalog = load_catalog(cli)?;
    let tables = tieup_bench::synth::draws::SurveyTables::load(&source)?;
    let params = tieup_bench::synth::SynthParams::new()
        .seed(a.seed)
        .themes(a.themes)
        .applications_per_year(a.applications_per_year)
        .noise(a.noise)
        .second_partner_share(a.second_partner_share)
        .check()?;
    let synthetic = params.generate(&catalog, &tables)?;
    tieup_bench::synth::write_dir(&a.out, &source, &catalog, &tables, &synthetic, &params)
        .with_context(|| format!("writing {}", a.out.display()))?;
    writeln!(
        out,
        "wrote {}: {} themes FY{}-{}, {} applications FY{}-{} (seed {})",
        a.out.display(),
        synthetic.themes.len(),
        tieup_bench::synth::HISTORY_YEARS.start(),
        tieup_bench::synth::HISTORY_YEARS.end(),
        synthetic.applications.len(),
        tieup_bench::synth::APPLICATION_YEARS.start(),
        tieup_bench::synth::APPLICATION_YEARS.end(),
        params.seed()
    )?;
    Ok(())
}

/// A progress bar on standard error when it is a terminal and CI is not set.
struct Bar(Option<indicatif::ProgressBar>);

impl Bar {
    fn new() -> Self {
        use std::io::IsTerminal;
        let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
        if ci || !std::io::stderr().is_terminal() {
            return Bar(None);
        }
        Bar(Some(indicatif::ProgressBar::hidden()))
    }
}

impl tieup_bench::eval::Progress for Bar {
    fn begin(&mut self, stage: &str, total: u64) {
        if let Some(old) = self.0.take() {
            old.finish_and_clear();
            let bar = indicatif::ProgressBar::new(total);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{msg:>14} [{bar:40}] {pos}/{len} {elapsed}",
                )
                .expect("valid template")
                .progress_chars("=> "),
            );
            bar.set_message(stage.to_string());
            self.0 = Some(bar);
        }
    }

    fn advance(&mut self, n: u64) {
        if let Some(bar) = &self.0 {
            bar.inc(n);
        }
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        if let Some(bar) = self.0.take() {
            bar.finish_and_clear();
        }
    }
}

fn eval(cli: &Cli, a: &args::EvalArgs, out: &mut dyn Write) -> Result<()> {
    let params = tieup_bench::eval::EvalParams::new()
        .folds(a.folds)
        .split_year(a.split_year)
        .seed(a.seed)
        .negatives(a.negatives)
        .l2(a.l2)
        .permutations(a.permutations)
        .bootstrap(a.bootstrap)
        .metric(&a.metric)
        .check()?;
    let mut external = Vec::new();
    for spec in &a.runs {
        let (name, file) = spec
            .split_once('=')
            .filter(|(name, file)| !name.is_empty() && !file.is_empty())
            .ok_or_else(|| tieup_core::Error::InvalidParam {
                name: "--run",
                value: spec.clone(),
                reason: "give NAME=FILE, e.g. --run lightgbm=run.txt".into(),
            })?;
        let run = tieup_bench::eval::trec::read_run(Path::new(file))?;
        external.push((name.to_string(), run));
    }
    let mut bar = Bar::new();
    let evaluation = match (&a.letor_train, &a.letor_test) {
        (Some(train), Some(test)) => {
            if a.export_letor {
                bail!(
                    "--export-letor exports catalog splits; it cannot be used with --letor-train"
                );
            }
            let train = tieup_bench::eval::letor::read(train)?;
            let test = tieup_bench::eval::letor::read(test)?;
            tieup_bench::eval::evaluate_letor(&train, &test, external, &params, &mut bar)?
        }
        _ => {
            let catalog = load_catalog(cli)?;
            if a.export_letor {
                let files =
                    tieup_bench::eval::export_letor(&catalog, &params, &a.out.join("letor"))?;
                writeln!(
                    out,
                    "wrote {} LETOR files to {}",
                    files.len(),
                    a.out.join("letor").display()
                )?;
            }
            tieup_bench::eval::evaluate_catalog(&catalog, external, &params, &mut bar)?
        }
    };
    drop(bar);
    let files = tieup_bench::eval::report::write(&a.out, &evaluation)?;
    render::eval_summary(out, &evaluation)?;
    writeln!(out, "wrote {} files to {}", files.len(), a.out.display())?;
    Ok(())
}
