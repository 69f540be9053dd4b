//! Batch scoring of tie-up applications: a shortlist for each, the chance of success, and
//! the survey's eight success points checked against what the application says.
//!
//! Applications stream through in chunks: each chunk's new (region, sector) and
//! (region, year) feature columns are computed, the chunk is scored in parallel (rayon), and
//! results go to the sink in input order. Memory is bounded by the chunk size and the number
//! of distinct keys, not by the size of the input.

use rayon::prelude::*;
use serde::Serialize;
use std::io::Read;
use tieup_core::application::{Application, ApplicationReader, Reject};
use tieup_core::error::Result;
use tieup_core::features::{FEATURES, Feature, N_FEATURES, Query};
use tieup_core::kernel::FeatureTables;
use tieup_core::model::LinearModel;
use tieup_learn::success::{SuccessModel, SuccessProbabilities, partner_fit};

/// How a batch is scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchConfig {
    /// Candidates kept per application.
    pub top_k: usize,
    /// Applications scored together (bounds memory).
    pub chunk_size: usize,
}

impl Default for BatchConfig {
    fn default() -> Self {
        BatchConfig {
            top_k: 10,
            chunk_size: 4096,
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
}

/// Communication cost at or above which a missing mediator puts point 6 at risk.
pub const HIGH_COMMUNICATION_COST: f64 = 0.5;

/// Scores every application of `reader`; `progress` is called with the rows read so far.
pub fn score_batch<R: Read>(
    mut reader: ApplicationReader<'_, R>,
    tables: &mut FeatureTables<'_>,
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
            let scored = score_chunk(&chunk, tables, model, success, config.top_k);
            for s in &scored {
                sink.accept(s)?;
            }
            summary.scored += scored.len() as u64;
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
    tables: &mut FeatureTables<'_>,
    model: &LinearModel,
    success: &SuccessModel,
    top_k: usize,
) -> Vec<ScoredApplication> {
    let queries: Vec<Query> = chunk.iter().map(query_of).collect();
    tables.prepare(&queries);
    let tables = &*tables;
    chunk
        .par_iter()
        .zip(queries.par_iter())
        .map_init(Vec::new, |scratch, (app, query)| {
            score_one(app, query, tables, model, success, top_k, scratch)
        })
        .collect()
}

fn score_one(
    app: &Application,
    query: &Query,
    tables: &FeatureTables<'_>,
    model: &LinearModel,
    success: &SuccessModel,
    top_k: usize,
    scratch: &mut Vec<f64>,
) -> ScoredApplication {
    let catalog = tables.catalog();
    let weights = model.weights_for(catalog.sectors(), query);
    let hits = tables.top_k(query, &weights, top_k, scratch);
    let candidates: Vec<BatchCandidate> = hits
        .iter()
        .enumerate()
        .map(|(i, hit)| {
            let x = tables.features(query, hit.region);
            BatchCandidate {
                rank: i + 1,
                region: hit.region,
                score: hit.score,
                contributions: std::array::from_fn(|f| weights[f] * x[f]),
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

/// Checks the survey's eight success points against an application and its shortlist.
pub fn checklist(
    app: &Application,
    query: &Query,
    tables: &FeatureTables<'_>,
    hits: &[tieup_core::kernel::Hit],
) -> Vec<CheckItem> {
    use PointStatus::*;
    let catalog = tables.catalog();
    let s = &app.success;
    let has = |kind: &str| {
        s.bodies
            .iter()
            .any(|&b| tieup_learn::success::BODY_KINDS[b] == kind)
    };
    let strength = catalog.strength(app.japan_region, app.sector);
    let sector = &catalog.sectors().get(app.sector).name;
    let item = |point, name, status, reason: String| CheckItem {
        point,
        name,
        status,
        reason,
    };
    let tri = |v: Option<bool>| match v {
        Some(true) => Met,
        Some(false) => AtRisk,
        None => Unknown,
    };
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
    vec![
        item(
            1,
            "regional technology that matters globally",
            if strength >= 0.5 {
                Met
            } else if strength < 0.3 {
                AtRisk
            } else {
                Unknown
            },
            format!(
                "the region's strength in {sector} is {strength:.2} (0.5 or more is a recognised cluster)"
            ),
        ),
        item(
            2,
            "tied into the region's industrial policy",
            if has("prefecture") || has("city") {
                Met
            } else {
                AtRisk
            },
            if has("prefecture") || has("city") {
                "a prefectural or city government body takes part".into()
            } else {
                "no prefectural or city government body named".into()
            },
        ),
        item(
            3,
            "wide, assumption-free vision",
            if app.objectives.len() >= 2 {
                Met
            } else if app.objectives.is_empty() {
                AtRisk
            } else {
                Unknown
            },
            format!("{} objective(s) named", app.objectives.len()),
        ),
        item(
            4,
            "motivated participating companies",
            match (s.core_company, has("company")) {
                (Some(true), true) => Met,
                (Some(false), _) | (_, false) => AtRisk,
                (None, true) => Unknown,
            },
            match (s.core_company, has("company")) {
                (_, false) => "no company among the implementation bodies".into(),
                (Some(true), _) => "a motivated core company is named".into(),
                (Some(false), _) => "no core company".into(),
                (None, _) => "core company not stated".into(),
            },
        ),
        item(
            5,
            "government-industry-academia network",
            if s.industry_academia_government() {
                Met
            } else {
                AtRisk
            },
            if s.industry_academia_government() {
                "companies, a university and government take part together".into()
            } else {
                let missing: Vec<&str> = [
                    ("company", has("company")),
                    ("university", has("university")),
                    (
                        "government",
                        has("prefecture") || has("city") || has("national_government"),
                    ),
                ]
                .iter()
                .filter(|(_, ok)| !ok)
                .map(|(n, _)| *n)
                .collect();
                format!("missing: {}", missing.join(", "))
            },
        ),
        item(
            6,
            "sufficient communication, with a mediator",
            match s.mediator {
                Some(true) => Met,
                _ if cost >= HIGH_COMMUNICATION_COST => AtRisk,
                Some(false) => Met,
                None => Unknown,
            },
            match s.mediator {
                Some(true) => format!(
                    "a mediator is named (communication cost to the best candidates {cost:.2})"
                ),
                _ if cost >= HIGH_COMMUNICATION_COST => format!(
                    "high communication cost to the best candidates ({cost:.2}) and no mediator named"
                ),
                _ => format!("communication cost to the best candidates is moderate ({cost:.2})"),
            },
        ),
        item(
            7,
            "flexibility after failures (advance preparation)",
            tri(s.preparation),
            match s.preparation {
                Some(true) => "advance preparation done".into(),
                Some(false) => "no advance preparation".into(),
                None => "preparation not stated".into(),
            },
        ),
        item(
            8,
            "long-term view with the region's own budget",
            match s.continuation_years {
                Some(y) if y >= 1.0 => Met,
                Some(_) => AtRisk,
                None => Unknown,
            },
            match s.continuation_years {
                Some(y) => format!("{y} year(s) of own funding after support ends"),
                None => "continuation budget not stated".into(),
            },
        ),
    ]
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
