//! `tieup score`: batch scoring with atomic outputs, a rejects file and a progress bar.

use super::args::{BatchFormatArg, Cli, ScoreArgs};
use super::invalid_arguments;
use anyhow::{Context, Result};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use tieup_batch::output::{BatchFormat, BatchWriter};
use tieup_batch::score::{BatchConfig, BatchSink, ScoredApplication, score_batch};
use tieup_core::application::{ApplicationReader, Reject};
use tieup_core::fsutil::{AtomicFile, absolute};
use tieup_core::model::LinearModel;
use tieup_learn::success::SuccessModel;

/// A batch that finished with rejected rows (mapped to exit code 5).
#[derive(Debug, thiserror::Error)]
#[error("{0} row(s) rejected; see {1}")]
pub struct RowsRejected(pub u64, pub String);

/// A validated `score` request: output paths distinct from the input and each other, the
/// output format decided.
struct ScoreRequest {
    model_path: PathBuf,
    success_path: PathBuf,
    rejects_path: PathBuf,
    format: BatchFormat,
    config: BatchConfig,
    bom: bool,
}

impl ScoreRequest {
    fn new(cli: &Cli, a: &ScoreArgs) -> Result<Self> {
        if !(1..=super::MAX_TOP).contains(&a.top) {
            invalid_arguments!("--top must be 1-{}", super::MAX_TOP);
        }
        if !(1..=super::MAX_CHUNK_SIZE).contains(&a.chunk_size) {
            invalid_arguments!("--chunk-size must be 1-{}", super::MAX_CHUNK_SIZE);
        }
        let rejects_path = a.rejects.clone().unwrap_or_else(|| {
            let mut name = a.out.file_stem().unwrap_or_default().to_os_string();
            name.push(".rejects.csv");
            a.out.with_file_name(name)
        });
        if absolute(&a.out) == absolute(&rejects_path) {
            invalid_arguments!("--out and --rejects name the same file");
        }
        let model = a.model.clone().unwrap_or_else(super::default_model);
        let success_model = a
            .success_model
            .clone()
            .unwrap_or_else(|| super::shipped_model("success.json"));
        let mut guard = super::catalog_inputs(
            super::output_guard(cli),
            &super::data_dir(cli.data.as_deref()),
        )
        .input("--applications", &a.applications)
        .input("--model", &model)
        .input("--success-model", &success_model);
        for path in [&model, &success_model] {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                guard = guard.protect("model directory", dir);
            }
        }
        // Every output is checked before the first is written.
        guard.check_file("--out", &a.out)?;
        guard.check_file("--rejects", &rejects_path)?;
        let format = match a.format {
            Some(BatchFormatArg::Csv) => BatchFormat::Csv,
            Some(BatchFormatArg::Jsonl) => BatchFormat::JsonLines,
            Some(BatchFormatArg::Xlsx) => BatchFormat::Xlsx,
            None => match a.out.extension().and_then(|e| e.to_str()) {
                Some("jsonl" | "ndjson") => BatchFormat::JsonLines,
                Some("xlsx") => BatchFormat::Xlsx,
                _ => BatchFormat::Csv,
            },
        };
        let config = BatchConfig {
            top_k: a.top,
            chunk_size: a.chunk_size,
            ..BatchConfig::default()
        };
        Ok(ScoreRequest {
            model_path: model,
            success_path: success_model,
            rejects_path,
            format,
            config,
            bom: !a.no_bom,
        })
    }
}

/// Problems of rejected rows listed on stderr; the rest are only in the rejects file.
const LISTED_PROBLEMS: usize = 40;

/// A sink that passes everything on and keeps the first problems of rejected rows for stderr.
struct Listing<'s> {
    inner: &'s mut dyn BatchSink,
    problems: Vec<String>,
    more: u64,
}

impl BatchSink for Listing<'_> {
    fn accept(&mut self, scored: &ScoredApplication) -> tieup_core::Result<()> {
        self.inner.accept(scored)
    }

    fn reject(&mut self, reject: &Reject) -> tieup_core::Result<()> {
        for p in &reject.problems {
            if self.problems.len() < LISTED_PROBLEMS {
                let id = if reject.application_id.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", reject.application_id)
                };
                self.problems
                    .push(format!("  line {}{id}, {p}", reject.line));
            } else {
                self.more += 1;
            }
        }
        self.inner.reject(reject)
    }
}

/// A UTF-8 byte-order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A spinner with the rows read so far, on a terminal and never under `CI`.
fn progress_bar() -> indicatif::ProgressBar {
    let show = std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
    if !show {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} {pos} applications read ({per_sec}) {elapsed}",
        )
        .expect("valid template"),
    );
    bar
}

/// Runs `tieup score`.
pub fn run(cli: &Cli, a: &ScoreArgs) -> Result<()> {
    let ScoreRequest {
        model_path,
        success_path,
        rejects_path,
        format,
        config,
        bom,
    } = ScoreRequest::new(cli, a)?;
    let catalog = super::load_catalog(cli)?;
    let selection = super::query::selection(&a.selection, &catalog)?;
    let config = BatchConfig {
        selection: selection.clone(),
        ..config
    };
    let model = LinearModel::load(&model_path)?;
    let success = SuccessModel::load(&success_path)?;
    let known = tieup_core::known::KnownCatalogs::new(&catalog);
    let encoders = tieup_core::known::KnownEncoders::new(&known);
    let mut tables = tieup_core::known::KnownTables::new(&encoders);
    let reader = ApplicationReader::open(&catalog, &a.applications)?;
    let (output, rejects) = create_outputs(&a.out, &rejects_path, format, bom)?;
    let mut writer = BatchWriter::with_model(&catalog, format, &success, output, Some(rejects))?;
    let mut listing = Listing {
        inner: &mut writer,
        problems: Vec::new(),
        more: 0,
    };
    let bar = progress_bar();
    let started = std::time::Instant::now();
    let summary = score_batch(
        reader,
        &mut tables,
        &model,
        &success,
        config,
        &mut listing,
        &mut |rows| bar.set_position(rows),
    )
    .with_context(|| format!("scoring {}", a.applications.display()))?;
    bar.finish_and_clear();
    let (problems, more) = (std::mem::take(&mut listing.problems), listing.more);
    let (output, rejects) = writer.finish()?;
    output.commit()?;
    let rejects = rejects.expect("rejects writer");
    let seconds = started.elapsed().as_secs_f64();
    let rate = summary.pairs as f64 / seconds.max(1e-9);
    let mut err = std::io::stderr().lock();
    writeln!(
        err,
        "scored {} of {} applications ({} candidate pairs, {:.1} M pairs/s) in {:.2} s -> {}",
        summary.scored,
        summary.rows,
        summary.pairs,
        rate / 1e6,
        seconds,
        a.out.display()
    )?;
    if let Some(text) = selection_text(&catalog, &selection) {
        writeln!(err, "rows: {text}")?;
    }
    if summary.year_limited > 0 {
        writeln!(err, "{}", year_text(&catalog, summary.year_limited))?;
    }
    // Always replace the rejects file, so a stale one from an earlier run never misleads.
    rejects.commit()?;
    if summary.rejected > 0 {
        list_problems(&mut err, &problems, more)?;
        return Err(RowsRejected(summary.rejected, rejects_path.display().to_string()).into());
    }
    Ok(())
}

/// The output and rejects files (committed only when complete), each starting with a
/// byte-order mark when asked (the output only as CSV).
fn create_outputs(
    out: &std::path::Path,
    rejects_path: &std::path::Path,
    format: BatchFormat,
    bom: bool,
) -> Result<(AtomicFile, AtomicFile)> {
    let mut output = AtomicFile::create(out)?;
    let mut rejects = AtomicFile::create(rejects_path)?;
    if bom {
        if format == BatchFormat::Csv {
            output.write_all(BOM)?;
        }
        rejects.write_all(BOM)?;
    }
    Ok((output, rejects))
}

/// The rejected rows' problems, as listed (with how many more were left out).
fn list_problems(err: &mut dyn Write, problems: &[String], more: u64) -> Result<()> {
    writeln!(err, "rejected rows, every problem with its column:")?;
    for p in problems {
        writeln!(err, "{p}")?;
    }
    if more > 0 {
        writeln!(err, "  ... and {more} more problem(s)")?;
    }
    Ok(())
}

/// What rows with a fiscal year could and could not honour, for the summary.
fn year_text(catalog: &tieup_core::catalog::Catalog, rows: u64) -> String {
    let dated = catalog.dated_values().len();
    let undated = catalog
        .year_notice(Some(tieup_core::catalog::EARLIEST_AS_OF))
        .map(|n| n.sentences(tieup_core::plain::Lang::En))
        .unwrap_or_default()
        .into_iter()
        .skip(1)
        .collect::<Vec<_>>()
        .join(" ");
    format!(
        "year limits: {rows} application(s) with a fiscal year read the catalog as known before it \
         (of {dated} dated curated value(s), those dated that year or later left out). {undated}"
    )
}

/// The filters and grouping every application's rows went through, for the summary.
fn selection_text(
    catalog: &tieup_core::catalog::Catalog,
    s: &tieup_core::select::Selection,
) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    if !s.expand {
        parts.push("one per place (--expand lists nested regions apart)".into());
    }
    if !s.countries.is_empty() {
        parts.push(format!("country {}", s.countries.join(", ")));
    }
    if !s.levels.is_empty() {
        parts.push(format!("level {}", s.levels.join(", ")));
    }
    if !s.exclude.is_empty() {
        let ids: Vec<&str> = s
            .exclude
            .iter()
            .map(|&r| catalog.region(r).id.as_str())
            .collect();
        parts.push(format!("excluding {}", ids.join(", ")));
    }
    if let Some(n) = s.max_per_country {
        parts.push(format!("at most {n} per country"));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}
