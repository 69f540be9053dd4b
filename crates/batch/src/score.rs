//! Batch scoring of tie-up applications: a shortlist for each, the chance of success, and
//! the survey's eight success points checked against what the application says.
//!
//! Applications stream through in chunks: each chunk's new (region, sector) and
//! (region, year) feature columns are computed (over the catalog as known before each
//! application's fiscal year, [`KnownTables`]), the chunk is scored in parallel (rayon), and
//! results go to the sink in input order. Memory is bounded by the chunk size and the number
//! of distinct keys, not by the size of the input.

use rayon::prelude::*;
use serde::Serialize;
use std::io::Read;
use tieup_core::application::{Application, ApplicationReader, Reject};
use tieup_core::error::Result;
use tieup_core::features::{FEATURES, Feature, N_FEATURES, Query};
use tieup_core::kernel::{FeatureTables, Hit};
use tieup_core::known::KnownTables;
use tieup_core::model::LinearModel;
use tieup_core::select::{Member, Selection};
use tieup_learn::success::{SuccessModel, SuccessProbabilities, partner_fit};

/// How a batch is scored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchConfig {
    /// Candidates kept per application.
    pub top_k: usize,
    /// Applications scored together (bounds memory).
    pub chunk_size: usize,
    /// Filters and grouping, the same for every application (default: one row per place).
    pub selection: Selection,
}

impl Default for BatchConfig {
    fn default() -> Self {
        BatchConfig {
            top_k: 10,
            chunk_size: 4096,
            selection: Selection::grouped(),
        }
    }
}

/// One candidate of a scored application.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchCandidate {
    /// 1-based rank.
    pub rank: usize,
    /// The overseas region.
    pub region: tieup_core::catalog::RegionId,
    /// Score (sum of contributions).
    pub score: f64,
    /// Contribution of each feature, schema order.
    pub contributions: [f64; N_FEATURES],
    /// Other members of its place folded into this row.
    pub also: Vec<Member>,
}

/// Status of one success point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PointStatus {
    /// The application shows it.
    Met,
    /// The application shows a gap.
    AtRisk,
    /// The application does not say.
    Unknown,
}

/// Short names of the survey's eight success points, in survey order.
pub const POINT_NAMES: [&str; 8] = [
    "regional technology that matters globally",
    "tied into the region's industrial policy",
    "wide, assumption-free vision",
    "motivated participating companies",
    "government-industry-academia network",
    "sufficient communication, with a mediator",
    "flexibility after failures (advance preparation)",
    "long-term view with the region's own budget",
];

/// One of the survey's eight success points, checked for an application.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckItem {
    /// 1 to 8, as numbered in the survey.
    pub point: u8,
    /// Short name.
    pub name: &'static str,
    /// Met, at risk or unknown.
    pub status: PointStatus,
    /// Why.
    pub reason: String,
}

/// A scored application.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoredApplication {
    /// The application.
    pub application: Application,
    /// Its best candidates.
    pub candidates: Vec<BatchCandidate>,
    /// Partner fit of the best candidate, in [0, 1].
    pub partner_fit: f64,
    /// Outcome probabilities.
    pub success: SuccessProbabilities,
    /// The eight success points.
    pub checklist: Vec<CheckItem>,
}

/// Where scored applications and rejects go, in input order.
pub trait BatchSink {
    /// One scored application.
    fn accept(&mut self, scored: &ScoredApplication) -> Result<()>;
    /// One rejected row.
    fn reject(&mut self, reject: &Reject) -> Result<()>;
}

/// Counts of a finished batch.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct BatchSummary {
    /// Rows read.
    pub rows: u64,
    /// Applications scored.
    pub scored: u64,
    /// Rows rejected.
    pub rejected: u64,
    /// Candidate pairs scored.
    pub pairs: u64,
    /// Applications scored with a fiscal year: each read the catalog as known before it.
    pub year_limited: u64,
}

/// Communication cost at or above which a missing mediator puts point 6 at risk.
pub const HIGH_COMMUNICATION_COST: f64 = 0.5;

/// Scores every application of `reader`; `progress` is called with the rows read so far.
pub fn score_batch<R: Read>(
    mut reader: ApplicationReader<'_, R>,
    tables: &mut KnownTables<'_>,
    model: &LinearModel,
    success: &SuccessModel,
    config: BatchConfig,
    sink: &mut dyn BatchSink,
    progress: &mut dyn FnMut(u64),
) -> Result<BatchSummary> {
    let mut summary = BatchSummary::default();
    let mut chunk: Vec<Application> = Vec::with_capacity(config.chunk_size);
    loop {
        let row = reader.next();
        let end = row.is_none();
        if let Some(row) = row {
            summary.rows += 1;
            match row? {
                Ok(app) => chunk.push(app),
                Err(reject) => {
                    summary.rejected += 1;
                    sink.reject(&reject)?;
                }
            }
        }
        if chunk.len() >= config.chunk_size.max(1) || (end && !chunk.is_empty()) {
            let scored = score_chunk(&chunk, tables, model, success, &config);
            for s in &scored {
                sink.accept(s)?;
            }
            summary.scored += scored.len() as u64;
            summary.year_limited += chunk.iter().filter(|a| a.fiscal_year.is_some()).count() as u64;
            summary.pairs += (scored.len() * tables.n_candidates()) as u64;
            chunk.clear();
            progress(summary.rows);
        }
        if end {
            break;
        }
    }
    progress(summary.rows);
    Ok(summary)
}

/// The query an application asks.
pub fn query_of(app: &Application) -> Query {
    Query {
        japan_region: app.japan_region,
        sector: app.sector,
        wanted: app.wanted.clone(),
        before_year: app.fiscal_year,
    }
}

fn score_chunk(
    chunk: &[Application],
    tables: &mut KnownTables<'_>,
    model: &LinearModel,
    success: &SuccessModel,
    config: &BatchConfig,
) -> Vec<ScoredApplication> {
    let queries: Vec<Query> = chunk.iter().map(query_of).collect();
    tables.prepare(&queries);
    let tables = &*tables;
    chunk
        .par_iter()
        .zip(queries.par_iter())
        .map_init(Vec::new, |scratch, (app, query)| {
            score_one(
                app,
                query,
                tables.get(query),
                model,
                success,
                config,
                scratch,
            )
        })
        .collect()
}

fn score_one(
    app: &Application,
    query: &Query,
    tables: &FeatureTables<'_>,
    model: &LinearModel,
    success: &SuccessModel,
    config: &BatchConfig,
    scratch: &mut Vec<f64>,
) -> ScoredApplication {
    let catalog = tables.catalog();
    let weights = model.weights_for(catalog.sectors(), query);
    let rows = tables.top_k_selected(query, &weights, &config.selection, config.top_k, scratch);
    let hits: Vec<Hit> = rows
        .iter()
        .map(|r| Hit {
            score: r.score,
            region: r.region,
        })
        .collect();
    let candidates: Vec<BatchCandidate> = rows
        .into_iter()
        .enumerate()
        .map(|(i, row)| {
            let x = tables.features(query, row.region);
            BatchCandidate {
                rank: i + 1,
                region: row.region,
                score: row.score,
                contributions: std::array::from_fn(|f| weights[f] * x[f]),
                also: row.also,
            }
        })
        .collect();
    let fit = partner_fit(&weights, hits.first().map_or(0.0, |h| h.score));
    let mut inputs = app.success.clone();
    inputs.partner_fit = Some(fit);
    let probabilities = success.predict(&inputs);
    let checklist = checklist(app, query, tables, &hits);
    ScoredApplication {
        application: app.clone(),
        candidates,
        partner_fit: fit,
        success: probabilities,
        checklist,
    }
}

/// What the eight-point checklist reads about one application and its shortlist.
struct Facts<'a> {
    app: &'a Application,
    sector: &'a str,
    strength: f64,
    cost: f64,
}

impl Facts<'_> {
    fn has(&self, kind: &str) -> bool {
        self.app.success.bodies.iter().any(|b| b.name() == kind)
    }

    fn government(&self) -> bool {
        self.has("prefecture") || self.has("city")
    }
}

fn item(point: u8, status: PointStatus, reason: String) -> CheckItem {
    CheckItem {
        point,
        name: POINT_NAMES[usize::from(point) - 1],
        status,
        reason,
    }
}

fn tri(v: Option<bool>) -> PointStatus {
    match v {
        Some(true) => PointStatus::Met,
        Some(false) => PointStatus::AtRisk,
        None => PointStatus::Unknown,
    }
}

/// Checks the survey's eight success points against an application and its shortlist.
pub fn checklist(
    app: &Application,
    query: &Query,
    tables: &FeatureTables<'_>,
    hits: &[tieup_core::kernel::Hit],
) -> Vec<CheckItem> {
    let catalog = tables.catalog();
    let top3: Vec<f64> = hits
        .iter()
        .take(3)
        .map(|h| tables.features(query, h.region)[Feature::CommunicationCost.index()])
        .collect();
    let cost = if top3.is_empty() {
        0.0
    } else {
        top3.iter().sum::<f64>() / top3.len() as f64
    };
    let facts = Facts {
        app,
        sector: &catalog.sectors().get(app.sector).name,
        strength: catalog.strength(app.japan_region, app.sector),
        cost,
    };
    vec![
        technology(&facts),
        policy(&facts),
        vision(&facts),
        companies(&facts),
        network(&facts),
        communication(&facts),
        preparation(&facts),
        continuation(&facts),
    ]
}

fn technology(f: &Facts<'_>) -> CheckItem {
    let (strength, sector) = (f.strength, f.sector);
    item(
        1,
        if strength >= 0.5 {
            PointStatus::Met
        } else if strength < 0.3 {
            PointStatus::AtRisk
        } else {
            PointStatus::Unknown
        },
        format!(
            "the region's strength in {sector} is {strength:.2} (0.5 or more is a recognised cluster)"
        ),
    )
}

fn policy(f: &Facts<'_>) -> CheckItem {
    let (status, reason) = if f.government() {
        (
            PointStatus::Met,
            "a prefectural or city government body takes part",
        )
    } else {
        (
            PointStatus::AtRisk,
            "no prefectural or city government body named",
        )
    };
    item(2, status, reason.into())
}

fn vision(f: &Facts<'_>) -> CheckItem {
    let n = f.app.objectives.len();
    let status = match n {
        0 => PointStatus::AtRisk,
        1 => PointStatus::Unknown,
        _ => PointStatus::Met,
    };
    item(3, status, format!("{n} objective(s) named"))
}

fn companies(f: &Facts<'_>) -> CheckItem {
    let (core, company) = (f.app.success.core_company, f.has("company"));
    let status = match (core, company) {
        (Some(true), true) => PointStatus::Met,
        (Some(false), _) | (_, false) => PointStatus::AtRisk,
        (None, true) => PointStatus::Unknown,
    };
    let reason = match (core, company) {
        (_, false) => "no company among the implementation bodies",
        (Some(true), _) => "a motivated core company is named",
        (Some(false), _) => "no core company",
        (None, _) => "core company not stated",
    };
    item(4, status, reason.into())
}

fn network(f: &Facts<'_>) -> CheckItem {
    if f.app.success.industry_academia_government() {
        return item(
            5,
            PointStatus::Met,
            "companies, a university and government take part together".into(),
        );
    }
    let missing: Vec<&str> = [
        ("company", f.has("company")),
        ("university", f.has("university")),
        ("government", f.government() || f.has("national_government")),
    ]
    .iter()
    .filter(|(_, ok)| !ok)
    .map(|(n, _)| *n)
    .collect();
    item(
        5,
        PointStatus::AtRisk,
        format!("missing: {}", missing.join(", ")),
    )
}

fn communication(f: &Facts<'_>) -> CheckItem {
    let cost = f.cost;
    let high = cost >= HIGH_COMMUNICATION_COST;
    let (status, reason) = match f.app.success.mediator {
        Some(true) => (
            PointStatus::Met,
            format!("a mediator is named (communication cost to the best candidates {cost:.2})"),
        ),
        _ if high => (
            PointStatus::AtRisk,
            format!(
                "high communication cost to the best candidates ({cost:.2}) and no mediator named"
            ),
        ),
        mediator => (
            if mediator.is_some() {
                PointStatus::Met
            } else {
                PointStatus::Unknown
            },
            format!("communication cost to the best candidates is moderate ({cost:.2})"),
        ),
    };
    item(6, status, reason)
}

fn preparation(f: &Facts<'_>) -> CheckItem {
    let preparation = f.app.success.preparation;
    let reason = match preparation {
        Some(true) => "advance preparation done",
        Some(false) => "no advance preparation",
        None => "preparation not stated",
    };
    item(7, tri(preparation), reason.into())
}

fn continuation(f: &Facts<'_>) -> CheckItem {
    let years = f.app.success.continuation_years;
    let status = match years {
        Some(y) if y >= 1.0 => PointStatus::Met,
        Some(_) => PointStatus::AtRisk,
        None => PointStatus::Unknown,
    };
    let reason = match years {
        Some(y) => format!("{y} year(s) of own funding after support ends"),
        None => "continuation budget not stated".into(),
    };
    item(8, status, reason)
}

/// Short labels of a candidate's top positive reasons with their contributions.
pub fn top_reasons(contributions: &[f64; N_FEATURES], n: usize) -> Vec<String> {
    let mut order: Vec<usize> = (0..N_FEATURES)
        .filter(|&f| contributions[f] > 0.0)
        .collect();
    order.sort_by(|&a, &b| {
        contributions[b]
            .total_cmp(&contributions[a])
            .then(a.cmp(&b))
    });
    order
        .into_iter()
        .take(n)
        .map(|f| format!("{} +{:.2}", FEATURES[f].label, contributions[f]))
        .collect()
}
