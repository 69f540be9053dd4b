//! `tieup synth` and `tieup eval`: the benchmark commands, with a progress bar drawn only on a
//! terminal and never under `CI`.

use super::args::{Cli, EvalArgs, SpecificityArgs, SynthArgs, TextFormat};
use super::{data_dir, invalid_arguments, load_catalog, render};
use anyhow::{Context, Result};
use linfa::ParamGuard;
use std::io::Write;
use std::path::Path;
use tieup_bench::eval::trec::RunScores;
use tieup_bench::eval::{EvalParams, EvalValidParams, Evaluation};

/// `tieup synth`: a synthetic history with a known truth, written as a catalog directory.
pub(super) fn synth(cli: &Cli, a: &SynthArgs, out: &mut dyn Write) -> Result<()> {
    let params = tieup_bench::synth::SynthParams::new()
        .seed(a.seed)
        .themes(a.themes)
        .applications_per_year(a.applications_per_year)
        .noise(a.noise)
        .second_partner_share(a.second_partner_share)
        .check()?;
    let source = data_dir(cli.data.as_deref());
    super::catalog_inputs(super::output_guard(cli), &source)
        .protect(
            "model directory",
            &super::default_model().with_file_name(""),
        )
        .check_dir("--out", &a.out)?;
    let catalog = load_catalog(cli)?;
    let tables = tieup_bench::synth::draws::SurveyTables::load(&source)?;
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

/// What `eval` evaluates on.
enum EvalInput<'a> {
    /// A catalog's partnerships (its own or a synthetic directory's).
    Catalog { export_letor: bool },
    /// LETOR / SVMlight training and test files.
    Letor { train: &'a Path, test: &'a Path },
}

/// An `eval` request: validated parameters, the input, and the external runs read.
struct EvalRequest<'a> {
    params: EvalValidParams,
    input: EvalInput<'a>,
    external: Vec<(String, RunScores)>,
}

impl<'a> EvalRequest<'a> {
    fn new(cli: &Cli, a: &'a EvalArgs) -> Result<Self> {
        let params = EvalParams::new()
            .folds(a.folds)
            .split_year(a.split_year)
            .seed(a.seed)
            .negatives(a.negatives)
            .l2(a.l2)
            .permutations(a.permutations)
            .bootstrap(a.bootstrap)
            .metric(&a.metric)
            .check()?;
        let input = match (&a.letor_train, &a.letor_test) {
            (Some(train), Some(test)) => {
                if a.export_letor {
                    invalid_arguments!(
                        "--export-letor exports catalog splits; it cannot be used with --letor-train"
                    );
                }
                EvalInput::Letor { train, test }
            }
            _ => EvalInput::Catalog {
                export_letor: a.export_letor,
            },
        };
        let mut guard = super::output_guard(cli);
        match &input {
            EvalInput::Letor { train, test } => {
                guard = guard
                    .input("--letor-train", train)
                    .input("--letor-test", test);
            }
            EvalInput::Catalog { .. } => {
                guard = super::catalog_inputs(guard, &data_dir(cli.data.as_deref()));
            }
        }
        let mut external: Vec<(String, RunScores)> = Vec::new();
        for spec in &a.runs {
            let (name, file) = spec
                .split_once('=')
                .filter(|(name, file)| !name.is_empty() && !file.is_empty())
                .ok_or_else(|| tieup_core::Error::InvalidParam {
                    name: "--run",
                    value: spec.clone(),
                    reason: "give NAME=FILE, e.g. --run lightgbm=run.txt".into(),
                })?;
            if tieup_bench::eval::rankers::BUILT_IN_RANKERS.contains(&name) {
                invalid_arguments!(
                    "--run {name}=... takes the name of one of tieup's rankers; give it another name"
                );
            }
            if external.iter().any(|(seen, _)| seen == name) {
                invalid_arguments!("--run {name}=... is given twice; give each run a new name");
            }
            guard = guard.input("--run", Path::new(file));
            let run = tieup_bench::eval::trec::read_run(Path::new(file))?;
            external.push((name.to_string(), run));
        }
        guard.check_dir("--out", &a.out)?;
        Ok(EvalRequest {
            params,
            input,
            external,
        })
    }
}

/// `tieup eval`: every ranker on every split, and the report files.
pub(super) fn eval(cli: &Cli, a: &EvalArgs, out: &mut dyn Write) -> Result<()> {
    let request = EvalRequest::new(cli, a)?;
    let evaluation = evaluate(cli, a, request, out)?;
    let files = tieup_bench::eval::report::write(&a.out, &evaluation)?;
    render::eval_summary(out, &evaluation)?;
    writeln!(out, "wrote {} files to {}", files.len(), a.out.display())?;
    Ok(())
}

fn evaluate(
    cli: &Cli,
    a: &EvalArgs,
    request: EvalRequest<'_>,
    out: &mut dyn Write,
) -> Result<Evaluation> {
    let EvalRequest {
        params,
        input,
        external,
    } = request;
    let mut bar = Bar::new();
    let evaluation = match input {
        EvalInput::Letor { train, test } => {
            let train = tieup_bench::eval::letor::read(train)?;
            let test = tieup_bench::eval::letor::read(test)?;
            tieup_bench::eval::evaluate_letor(&train, &test, external, &params, &mut bar)?
        }
        EvalInput::Catalog { export_letor } => {
            let catalog = load_catalog(cli)?;
            if export_letor {
                let dir = a.out.join("letor");
                let files = tieup_bench::eval::export_letor(&catalog, &params, &dir)?;
                writeln!(
                    out,
                    "wrote {} LETOR files to {}",
                    files.len(),
                    dir.display()
                )?;
            }
            let mut evaluation =
                tieup_bench::eval::evaluate_catalog(&catalog, external, &params, &mut bar)?;
            let shipped = match &a.model {
                Some(path) => Some(
                    tieup_core::model::LinearModel::load(path)
                        .with_context(|| format!("loading --model {}", path.display()))?,
                ),
                None => tieup_core::model::LinearModel::load(&super::default_model()).ok(),
            };
            evaluation.replay = Some(tieup_bench::eval::replay_catalog(
                &catalog,
                &params,
                shipped.as_ref(),
            )?);
            evaluation
        }
    };
    Ok(evaluation)
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

/// `tieup specificity`: how much the Japanese region changes the shortlist.
pub(super) fn specificity(cli: &Cli, a: &SpecificityArgs, out: &mut dyn Write) -> Result<()> {
    if !(1..=super::MAX_TOP).contains(&a.top) {
        super::invalid_arguments!("--top must be 1-{}", super::MAX_TOP);
    }
    let catalog = load_catalog(cli)?;
    let model_path = a.model.clone().unwrap_or_else(super::default_model);
    let model = tieup_core::model::LinearModel::load(&model_path)
        .context("loading the model (regenerate the default with `tieup prior`)")?;
    let s = tieup_bench::eval::specificity(&catalog, &model, a.top, !a.expand);
    match a.format {
        TextFormat::Json => render::json(out, &s),
        TextFormat::Table => {
            writeln!(
                out,
                "{} prefectures, top {}: mean overlap of two prefectures' lists, share of slots held by the {} most frequent regions",
                s.prefectures, s.k, s.k
            )?;
            writeln!(
                out,
                "{:<28} {:>8} {:>9}  most frequent",
                "sector", "overlap", "hub share"
            )?;
            for x in s.sectors.iter().chain([&s.overall]) {
                let hubs: Vec<&str> = x.hubs.iter().take(3).map(|(id, _)| id.as_str()).collect();
                writeln!(
                    out,
                    "{:<28} {:>8.2} {:>8.1}%  {}",
                    x.sector,
                    x.mean_overlap,
                    100.0 * x.hub_share,
                    hubs.join(", ")
                )?;
            }
            let shown = s.rows_shown;
            writeln!(
                out,
                "{shown} of {} {} appear in some top-{} list; {:.1} % never do",
                s.rows_possible,
                if a.expand { "regions" } else { "places" },
                s.k,
                100.0 * (1.0 - shown as f64 / s.rows_possible.max(1) as f64)
            )?;
            write_sources(out, &s)
        }
    }
}

/// Sectors whose overlap the ablation table also shows, when the catalog has them.
const ABLATION_SECTORS: [&str; 3] = ["automotive", "medical_welfare", "tourism"];

/// The second section of `tieup specificity`: the same measurement on each ablation.
fn write_sources(out: &mut dyn Write, s: &tieup_bench::eval::Specificity) -> Result<()> {
    // Positions (in `s.sectors`, the same in every ablation) of the sectors shown.
    let shown: Vec<(usize, &str)> = ABLATION_SECTORS
        .iter()
        .filter_map(|&id| {
            s.sectors
                .iter()
                .position(|x| x.sector == id)
                .map(|i| (i, id))
        })
        .collect();
    writeln!(out)?;
    writeln!(
        out,
        "Where the dependence on the prefecture comes from (all sectors; each row sets the named features' weights to 0 in the same model)"
    )?;
    write!(
        out,
        "{:<30} {:>8} {:>10} {:>9} {:>12}",
        "without", "overlap", "Δ overlap", "hub share", "Δ hub share"
    )?;
    for (_, id) in &shown {
        write!(out, " {:>15}", id)?;
    }
    writeln!(out)?;
    let base = &s.overall;
    let rows = std::iter::once(("(nothing: the model)", base, &s.sectors)).chain(
        s.ablations
            .iter()
            .map(|a| (a.label.as_str(), &a.overall, &a.sectors)),
    );
    for (label, overall, sectors) in rows {
        write!(
            out,
            "{:<30} {:>8.2} {:>+10.2} {:>8.1}% {:>+11.1}%",
            label,
            overall.mean_overlap,
            overall.mean_overlap - base.mean_overlap,
            100.0 * overall.hub_share,
            100.0 * (overall.hub_share - base.hub_share)
        )?;
        for &(i, _) in &shown {
            write!(out, " {:>15.2}", sectors[i].mean_overlap)?;
        }
        writeln!(out)?;
    }
    writeln!(
        out,
        "(hub share over every sector's lists together, as the 'all' row: identical lists within each sector do not make it 100 %)"
    )?;
    Ok(())
}
