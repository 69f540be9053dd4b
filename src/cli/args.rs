//! Command-line arguments (clap derive). Help text and exit codes are documented here.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Exit codes:
  0  success (also when the output pipe is closed early, e.g. `| head`)
  1  failure (a file could not be read or written)
  2  invalid arguments
  3  unknown or ambiguous region, sector or trait name (the message lists the closest matches)
  4  malformed data or model file (the message names file, line and column, and the fix)

Data: --data DIR, else $TIEUP_DATA, else ./data, else the data/ shipped with the source.";

/// Recommends overseas partner regions for a Japanese region and sector, and explains why.
#[derive(Debug, Parser)]
#[command(name = "tieup", version, about, after_help = AFTER_HELP)]
pub struct Cli {
    /// Catalog directory (sectors.csv, japan_regions.csv, overseas_regions.csv, ...).
    #[arg(long, global = true, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Rank overseas partner regions for a Japanese region and sector.
    #[command(after_help = AFTER_HELP)]
    Shortlist(ShortlistArgs),
    /// List or search catalog regions.
    #[command(after_help = AFTER_HELP)]
    Regions(RegionsArgs),
    /// List the sectors (survey sectors and finer sectors).
    #[command(after_help = AFTER_HELP)]
    Sectors(FormatArgs),
    /// Catalog sizes and how many values are statistics versus curated.
    #[command(after_help = AFTER_HELP)]
    Stats(FormatArgs),
    /// Regenerate the prior model from the survey tables in DATA/survey.
    #[command(after_help = AFTER_HELP)]
    Prior(PriorArgs),
}

/// Output formats.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// Aligned text for a terminal (100 columns).
    Table,
    /// JSON for programs.
    Json,
    /// CSV for spreadsheets.
    Csv,
}

/// Arguments of `shortlist`.
#[derive(Debug, Args)]
pub struct ShortlistArgs {
    /// Japanese region: id, name or alias (e.g. fukushima, "Suwa", 福島県).
    #[arg(long, short = 'r')]
    pub region: String,
    /// Sector: id, name or alias (e.g. medical_welfare, "medical devices", dies).
    #[arg(long, short = 's')]
    pub sector: String,
    /// Number of candidates to show.
    #[arg(long, short = 'k', default_value_t = 10)]
    pub top: usize,
    /// A trait the partner should have most (repeatable; e.g. design, brand, materials,
    /// advanced_technology, japan_tech_demand, existing_exchange, communication_cost).
    #[arg(long, value_name = "TRAIT")]
    pub want: Vec<String>,
    /// Count only partnerships that started before this fiscal year as existing exchange.
    #[arg(long, value_name = "FY")]
    pub before_year: Option<u16>,
    /// Model file (default: models/prior.json).
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// In table format, print every reason under each candidate.
    #[arg(long)]
    pub explain: bool,
}

/// Region kinds for filtering.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum KindArg {
    /// Japanese regions.
    Japan,
    /// Overseas candidates.
    Overseas,
}

/// Arguments of `regions`.
#[derive(Debug, Args)]
pub struct RegionsArgs {
    /// Keep regions whose id, name or alias contains this text.
    #[arg(long)]
    pub search: Option<String>,
    /// Keep regions of this ISO country code (JP for Japan).
    #[arg(long)]
    pub country: Option<String>,
    /// Keep only Japanese or only overseas regions.
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Just an output format.
#[derive(Debug, Args)]
pub struct FormatArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Arguments of `prior`.
#[derive(Debug, Args)]
pub struct PriorArgs {
    /// Where to write the model.
    #[arg(long, default_value = "models/prior.json")]
    pub out: PathBuf,
    /// Respondents' worth of shrinkage toward the all-sector share.
    #[arg(long, default_value_t = 5.0)]
    pub pseudo_count: f64,
    /// Share of the same-area weight given to cluster similarity.
    #[arg(long, default_value_t = 0.5)]
    pub similarity_share: f64,
    /// Raise of a wanted trait's weight, as a multiple of the largest weight.
    #[arg(long, default_value_t = 1.0)]
    pub want_boost: f64,
    /// Do not write: fail if OUT differs from what would be written.
    #[arg(long)]
    pub check: bool,
}
