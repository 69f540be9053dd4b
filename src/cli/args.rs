//! Command-line arguments (clap derive). The examples and exit codes shown in every
//! command's help are added from one table in `super::help`.

// The doc comments below are clap's help text (`<dataset>`, `[,establishments]` are meant
// literally), not rustdoc markup.
#![allow(rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// What `score --help` says about its input and output; the examples and exit codes of
/// every command are added by `super::help`.
pub const SCORE_HELP: &str = "\
Input: CSV or JSON Lines with application_id, japan_region, sector and optional fiscal_year,
objectives, desired_traits, implementation_bodies, commitment, preparation, continuation_years,
mediator, core_company, support_tools (see data/applications.example.csv and data/README.md).

Output (written to a temporary file and renamed at the end): CSV, one row per application and
rank, JSON Lines, one object per application, in input order, or an Excel workbook for a
selection committee (Summary, Candidates and Columns sheets). CSV files start with a UTF-8
byte-order mark for Excel (--no-bom to leave it out). Invalid rows go to the rejects file
(default: OUT with .rejects.csv), one line per problem with its line number and column, and the
problems are listed on stderr; valid rows are still scored. --format names file formats (csv,
jsonl, xlsx) because score writes a file, streamed one application at a time; the commands that
answer on the terminal use table, json and csv.";

/// Recommends overseas partner regions for a Japanese region and sector, and explains why.
#[derive(Debug, Parser)]
#[command(name = "tieup", version, about)]
pub struct Cli {
    /// Catalog directory (sectors.csv, japan_regions.csv, overseas_regions.csv, ...).
    #[arg(long, global = true, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Allow outputs inside the catalog or model directories (never over an input, never to
    /// a device or FIFO).
    #[arg(long, global = true)]
    pub force: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Rank overseas partner regions for a Japanese region and sector.
    Shortlist(ShortlistArgs),
    /// List or search catalog regions.
    Regions(RegionsArgs),
    /// List the sectors (survey sectors and finer sectors) with every word each is found by.
    Sectors(FormatArgs),
    /// Catalog sizes and how many values are statistics versus curated.
    Stats(TextFormatArgs),
    /// Regenerate the prior model from the survey tables in DATA/survey.
    Prior(PriorArgs),
    /// Learn ranking weights from past partnerships and their outcomes.
    Train(TrainArgs),
    /// Score a batch of tie-up applications: shortlist, success likelihood, checklist.
    #[command(after_help = SCORE_HELP)]
    Score(ScoreArgs),
    /// Train the success-likelihood model from outcomes.
    #[command(name = "train-success")]
    TrainSuccess(TrainSuccessArgs),
    /// Generate a synthetic partnership history with a known truth (a benchmark directory).
    Synth(SynthArgs),
    /// Evaluate rankers on past partnerships, a synthetic directory, or LETOR files.
    Eval(EvalArgs),
    /// Measure how much the Japanese region changes the shortlist: for every sector, the mean
    /// top-K overlap of two prefectures' lists and the share of slots held by the K most
    /// frequent regions; then the same with the weights of the features that read the
    /// Japanese region set to 0, one or several at a time (where the dependence comes from).
    Specificity(SpecificityArgs),
    /// Build the derived catalog files (DATA/derived/) from official statistics.
    #[command(subcommand)]
    Catalog(CatalogCommand),
    /// Serve the shortlist page (and its JSON API) on a local web server.
    Serve(ServeArgs),
    /// The store of saved shortlists, decisions, projects and follow-ups (SQLite).
    #[command(subcommand)]
    Db(super::db::DbCommand),
    /// Print a shell completion script (bash, elvish, fish, powershell, zsh) to stdout.
    Completions(CompletionsArgs),
    /// Print the man page (tieup.1), or with --out write one page per command into a directory.
    Man(ManArgs),
}

/// Arguments of `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Arguments of `man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write tieup.1 and one tieup-COMMAND.1 per command (each written atomically) into this
    /// directory, created when missing, instead of printing tieup.1.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// Arguments of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on; the default serves this machine only (give e.g. 0.0.0.0:8080
    /// explicitly to serve the local network).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub bind: std::net::SocketAddr,
    /// Model file (default: models/default.json, or with --db the store's active model); a
    /// changed file is picked up without restart.
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
    /// Turn the store on: save shortlists, record decisions, projects and follow-ups, retrain
    /// and switch models from the page. FILE defaults to tieup.db beside the data directory;
    /// new models go to the directory beside it named like it with .models.
    #[arg(long, value_name = "FILE", num_args = 0..=1, default_missing_value = "")]
    pub db: Option<PathBuf>,
}

/// `tieup catalog ...`.
#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// Rebuild every derived file from the raw statistics and gazetteers; prints coverage.
    Rebuild(RebuildArgs),
    /// Import one long CSV (region_id,classification,industry_code,employment and optionally
    /// establishments) into DATA/derived/strengths_DATASET_YEAR.csv; prints coverage.
    Import(ImportArgs),
}

/// Arguments of `catalog rebuild`.
#[derive(Debug, Args)]
pub struct RebuildArgs {
    /// The raw files (the layout of ../shared/data/raw, see its README).
    #[arg(long, value_name = "DIR", default_value = "../shared/data/raw")]
    pub raw: PathBuf,
    /// Do not write: fail if any derived file differs from what would be written.
    #[arg(long)]
    pub check: bool,
    /// Pseudo-employees of the LQ shrinkage for small regions.
    #[arg(long, default_value_t = tieup_import::lq::PSEUDO_EMPLOYEES)]
    pub pseudo_employees: f64,
    /// Regions a sector must be specialised in before it gets statistics-based relatedness.
    #[arg(long, default_value_t = 3)]
    pub min_ubiquity: usize,
}

/// Arguments of `catalog import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The long CSV file.
    #[arg(long, value_name = "FILE")]
    pub long: PathBuf,
    /// Dataset key for the provenance (statistics:DATASET:YEAR), e.g. kosis_regional.
    #[arg(long)]
    pub dataset: String,
    /// Reference year of the figures.
    #[arg(long)]
    pub year: u16,
    /// Output file (default DATA/derived/strengths_DATASET_YEAR.csv).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Pseudo-employees of the LQ shrinkage for small regions.
    #[arg(long, default_value_t = tieup_import::lq::PSEUDO_EMPLOYEES)]
    pub pseudo_employees: f64,
}

/// Arguments of `synth`.
#[derive(Debug, Args)]
pub struct SynthArgs {
    /// Directory to write (a catalog whose partnerships.csv is the synthetic history, plus
    /// applications, qrels, the oracle's run, truth.json and calibration.json).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Random seed (the same seed gives byte-identical files).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// R2R themes FY1996-2006 (200 reproduces the survey's bureau x sector table exactly).
    #[arg(long, default_value_t = 200)]
    pub themes: usize,
    /// Held-out applications per fiscal year FY2007-2010 [default: 10 per 200 themes].
    #[arg(long, value_name = "N")]
    pub applications_per_year: Option<usize>,
    /// Scale of the Gumbel noise in the partner choice (larger: less predictable choices).
    #[arg(long, default_value_t = tieup_bench::synth::truth::DEFAULT_NOISE)]
    pub noise: f64,
    /// Share of cases that also take a second partner in the same country.
    #[arg(long, default_value_t = 0.1)]
    pub second_partner_share: f64,
}

/// Arguments of `eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Directory for report.md, metrics.json, evaluation.json, plots, qrels and runs.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The shipped model to replay beside the rankers, marked in-sample (default:
    /// models/default.json when it loads; catalog data only).
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
    /// LETOR / SVMlight training file (with --letor-test: evaluate on LETOR data instead of
    /// the catalog; queries from inline qid: or a LightGBM FILE.query beside it).
    #[arg(long, value_name = "FILE", requires = "letor_test")]
    pub letor_train: Option<PathBuf>,
    /// LETOR / SVMlight test file.
    #[arg(long, value_name = "FILE", requires = "letor_train")]
    pub letor_test: Option<PathBuf>,
    /// An external run to evaluate beside tieup's rankers, as NAME=FILE (TREC run format;
    /// qids and docnos as in qrels.txt). Repeatable.
    #[arg(long = "run", value_name = "NAME=FILE")]
    pub runs: Vec<String>,
    /// Write LETOR files of every split's training and test queries into OUT/letor/.
    #[arg(long)]
    pub export_letor: bool,
    /// Folds of the grouped K-fold.
    #[arg(long, default_value_t = 5)]
    pub folds: usize,
    /// First test year of the temporal split [default: the year leaving ~20% for test].
    #[arg(long, value_name = "FY")]
    pub split_year: Option<u16>,
    /// Seed of folds, negative sampling, the random ranker and resampling.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Unchosen candidates sampled per training query.
    #[arg(long, default_value_t = 64)]
    pub negatives: usize,
    /// L2 strength of the learners.
    #[arg(long, default_value_t = 1.0)]
    pub l2: f64,
    /// Permutations of the paired randomization test.
    #[arg(long, default_value_t = 10_000)]
    pub permutations: usize,
    /// Bootstrap resamples for confidence intervals.
    #[arg(long, default_value_t = 10_000)]
    pub bootstrap: usize,
    /// Headline metric (significance, goal, per-sector plot): ndcg@10, ndcg_exp@10, map, mrr, ...
    #[arg(long, default_value = "ndcg@10")]
    pub metric: String,
}

/// Learners on the command line.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum LearnerArg {
    /// Logistic regression on chosen versus unchosen candidates (linfa-logistic).
    Pointwise,
    /// Logistic loss on within-query differences (RankNet / RankSVM transform).
    Pairwise,
    /// Pairwise, pulled toward the survey prior (the default; right for small data).
    PriorAnchored,
}

/// Arguments of `train`.
#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Past partnerships in the layout of data/partnerships.csv.
    #[arg(long, value_name = "FILE", default_value = "data/partnerships.csv")]
    pub exchanges: PathBuf,
    /// Which learner.
    #[arg(long, value_enum, default_value_t = LearnerArg::PriorAnchored)]
    pub learner: LearnerArg,
    /// Where to write the model.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Sampling seed.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Unchosen candidates sampled per partnership.
    #[arg(long, default_value_t = 64)]
    pub negatives: usize,
    /// L2 strength (toward 0, or toward the prior for prior-anchored). The default 10 lets
    /// the survey prior weigh about as much as ten partnerships: with the ten shipped ones,
    /// a weaker pull loses to the prior itself in the leave-one-out replay (README).
    #[arg(long, default_value_t = 10.0)]
    pub l2: f64,
    /// Prior model: the anchor, and the source of the wanted-trait boost.
    #[arg(long, value_name = "FILE", default_value = "models/prior.json")]
    pub prior: PathBuf,
    /// Do not write: fail if OUT differs from what would be written.
    #[arg(long)]
    pub check: bool,
    /// Also train on the outcomes recorded in this database (tieup db); writes OUT and the
    /// merged training data OUT.training.csv, and reports before and after.
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,
}

/// Batch output formats.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum BatchFormatArg {
    /// One row per application and rank.
    Csv,
    /// One JSON object per application.
    Jsonl,
    /// An Excel workbook: a summary row per application, every candidate, every column explained.
    Xlsx,
}

/// Arguments of `score`.
#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// Applications, CSV or JSON Lines.
    #[arg(long, value_name = "FILE")]
    pub applications: PathBuf,
    /// Ranking model (default: models/default.json).
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
    /// Success-likelihood model (default: ./models/success.json, else the one shipped with
    /// the source, found like the ranking model).
    #[arg(long, value_name = "FILE")]
    pub success_model: Option<PathBuf>,
    /// Candidates per application.
    #[arg(long, short = 'k', default_value_t = 10)]
    pub top: usize,
    /// Output file.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Output format (default: from the --out extension, .jsonl for JSON Lines, .xlsx for a
    /// workbook, else CSV).
    #[arg(long, value_enum)]
    pub format: Option<BatchFormatArg>,
    /// Start the CSV output and the rejects file with a UTF-8 byte-order mark, so that Excel
    /// reads accented and Japanese names right (the default).
    #[arg(long, overrides_with = "no_bom")]
    pub bom: bool,
    /// Write the CSV files without a byte-order mark.
    #[arg(long, overrides_with = "bom")]
    pub no_bom: bool,
    /// Rejected rows with line numbers and reasons (default: OUT with .rejects.csv).
    #[arg(long, value_name = "FILE")]
    pub rejects: Option<PathBuf>,
    /// Applications scored together (bounds memory).
    #[arg(long, default_value_t = 4096)]
    pub chunk_size: usize,
    /// Filters and grouping, applied to every application.
    #[command(flatten)]
    pub selection: SelectionArgs,
}

/// Arguments of `train-success`.
#[derive(Debug, Args)]
pub struct TrainSuccessArgs {
    /// The survey's outcome table (commitment × timing of results).
    #[arg(
        long,
        value_name = "FILE",
        default_value = "data/survey/commitment_vs_achievement.csv"
    )]
    pub survey: PathBuf,
    /// Train on your own outcomes instead: a CSV with an `outcome` column (during, after,
    /// not_yet) and application columns (commitment, preparation, continuation_years,
    /// implementation_bodies, core_company, mediator) and optionally partner_fit.
    #[arg(long, value_name = "FILE", conflicts_with = "survey")]
    pub outcomes: Option<PathBuf>,
    /// Where to write the model.
    #[arg(long, value_name = "FILE", default_value = "models/success.json")]
    pub out: PathBuf,
    /// L2 strength.
    #[arg(long, default_value_t = 0.001)]
    pub alpha: f64,
    /// Do not write: fail if OUT differs from what would be written.
    #[arg(long)]
    pub check: bool,
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
    /// An objective of the partnership (repeatable): joint_development, technology_import,
    /// market_development, technology_export, design, procurement, complementary_cluster.
    /// Each raises the weights of the features it needs.
    #[arg(long, value_name = "OBJECTIVE")]
    pub objective: Vec<String>,
    /// Count only partnerships that started before this fiscal year as existing exchange.
    #[arg(long, value_name = "FY")]
    pub before_year: Option<u16>,
    /// Model file (default: models/default.json).
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// In table format, print every reason under each candidate.
    #[arg(long)]
    pub explain: bool,
    /// Filters and grouping.
    #[command(flatten)]
    pub selection: SelectionArgs,
    /// Language of the table's labels, reasons and region, country and sector names, and of
    /// the CSV's names and reasons (JSON keeps ids and English details).
    #[arg(long, value_enum, default_value_t = LangArg::En)]
    pub lang: LangArg,
}

/// Filters applied before top-K, and the grouping of nested regions (shared by `shortlist`
/// and `score`).
#[derive(Debug, Args, Default)]
pub struct SelectionArgs {
    /// Only candidates in this country: ISO 3166-1 code as in the catalog, e.g. DE, US, CN
    /// (repeatable).
    #[arg(long, value_name = "CC")]
    pub country: Vec<String>,
    /// Leave out this overseas region and its descendants, e.g. bavaria (repeatable).
    #[arg(long, value_name = "REGION")]
    pub exclude: Vec<String>,
    /// Only candidates of this level: country, nuts1, nuts2, state, metro, city (repeatable).
    #[arg(long, value_name = "LEVEL")]
    pub level: Vec<String>,
    /// At most N rows per country.
    #[arg(long, value_name = "N")]
    pub max_per_country: Option<usize>,
    /// List a region and its parent in separate rows (default: one row per place, the
    /// best-scoring member first, the others named after "also").
    #[arg(long)]
    pub expand: bool,
}

/// Languages of the answers.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum LangArg {
    /// English.
    En,
    /// Japanese (日本語).
    Ja,
}

impl From<LangArg> for tieup_core::plain::Lang {
    fn from(lang: LangArg) -> Self {
        match lang {
            LangArg::En => tieup_core::plain::Lang::En,
            LangArg::Ja => tieup_core::plain::Lang::Ja,
        }
    }
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
    /// Find regions by id, name, Japanese name or alias: exact and whole-word matches (with
    /// or without 市/県/府/都, and 州/省/地域圏… for overseas regions' Japanese names) when
    /// there are any, else every region whose name contains the text.
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

/// Output formats of the commands whose answer has no one-row-per-item shape.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum TextFormat {
    /// Aligned text for a terminal.
    Table,
    /// JSON for programs.
    Json,
}

/// Just an output format, table or json (no CSV: the answer is not one row per item).
#[derive(Debug, Args)]
pub struct TextFormatArgs {
    /// Output format (no csv: the answer is not a list of rows).
    #[arg(long, value_enum, default_value_t = TextFormat::Table)]
    pub format: TextFormat,
}

/// Arguments of `specificity`.
#[derive(Debug, Args)]
pub struct SpecificityArgs {
    /// List length compared.
    #[arg(long, short = 'k', default_value_t = 10)]
    pub top: usize,
    /// Model file (default: models/default.json).
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
    /// Output format (no csv: the answer is not a list of rows).
    #[arg(long, value_enum, default_value_t = TextFormat::Table)]
    pub format: TextFormat,
    /// Compare the lists with nested regions in separate rows (default: one row per place,
    /// as the shortlist shows them).
    #[arg(long)]
    pub expand: bool,
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
