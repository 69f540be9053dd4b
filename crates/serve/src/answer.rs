//! Answering a query: the shortlist (the same ranking and report as `tieup shortlist`), the
//! plain-language bars of each candidate, and the rank of any one region.

use crate::i18n::Lang;
use crate::params::{Params, UserError};
use crate::plain;
use crate::state::AppState;
use tieup_core::features::{FEATURES, Query};
use tieup_core::rank::{self, RankedCandidate, Shortlist};
use tieup_core::report::ShortlistReport;

/// One bar: a contribution with its plain label and the full reason.
#[derive(Debug, Clone)]
pub struct Bar {
    /// Feature position.
    pub feature: usize,
    /// Plain-language label.
    pub label: String,
    /// Contribution to the score.
    pub contribution: f64,
    /// The full reason with its sources (the CLI's text).
    pub detail: String,
}

/// A ranked shortlist with its report and bars.
#[derive(Debug)]
pub struct Answer {
    /// The resolved query.
    pub query: Query,
    /// The ranked candidates.
    pub list: Shortlist,
    /// The report (the CLI's JSON).
    pub report: ShortlistReport,
    /// Bars per candidate, largest contribution first.
    pub bars: Vec<Vec<Bar>>,
    /// Largest absolute contribution on the page (the bars' scale).
    pub scale: f64,
}

/// Ranks the candidates for `params`, keeping `top` (or all when `None`).
pub fn answer(state: &AppState, params: &Params, top: Option<usize>) -> Result<Answer, UserError> {
    let catalog = state.catalog();
    let query = params.query(catalog)?;
    let top = match top {
        Some(k) => k,
        None => params.top()?,
    };
    let model = state.model();
    let encoder = state.encoder();
    let list =
        rank::shortlist(encoder, &model, &query, top).map_err(|e| UserError::from_core(e, 400))?;
    let report = ShortlistReport::new(
        encoder,
        &model,
        &state.model_path().to_string_lossy(),
        &list,
        top,
    );
    let bars: Vec<Vec<Bar>> = list
        .candidates
        .iter()
        .zip(&report.candidates)
        .map(|(c, r)| bars_of(state, &query, c, r, params.lang))
        .collect();
    let scale = bars
        .iter()
        .flatten()
        .map(|b| b.contribution.abs())
        .fold(0.0, f64::max);
    Ok(Answer {
        query,
        list,
        report,
        bars,
        scale,
    })
}

fn bars_of(
    state: &AppState,
    query: &Query,
    candidate: &RankedCandidate,
    report: &tieup_core::report::CandidateReport,
    lang: Lang,
) -> Vec<Bar> {
    report
        .reasons
        .iter()
        .map(|reason| {
            let feature = FEATURES
                .iter()
                .position(|f| f.name == reason.feature)
                .unwrap_or(0);
            Bar {
                feature,
                label: plain::label(state.encoder(), query, candidate, feature, lang),
                contribution: reason.contribution,
                detail: reason.detail.clone(),
            }
        })
        .collect()
}

/// A ranked candidate with its bars.
pub type Explained = (RankedCandidate, Vec<Bar>);

/// Where some regions rank for a query: each one's candidate (rank, score, features) and
/// bars, explaining only those regions. Also returns the number of candidates scored.
pub fn ranks_of(
    state: &AppState,
    query: &Query,
    regions: &[usize],
    lang: Lang,
) -> Result<(usize, Vec<Option<Explained>>), UserError> {
    let model = state.model();
    let encoder = state.encoder();
    let n = state.catalog().overseas().len();
    let list =
        rank::shortlist(encoder, &model, query, n).map_err(|e| UserError::from_core(e, 400))?;
    let found = regions
        .iter()
        .map(|&r| {
            let c = list.candidates.iter().find(|c| c.region == r)?;
            let bars = rank::explain(encoder, query, c)
                .into_iter()
                .map(|reason| Bar {
                    feature: reason.feature,
                    label: plain::label(encoder, query, c, reason.feature, lang),
                    contribution: reason.contribution,
                    detail: reason.detail,
                })
                .collect();
            Some((c.clone(), bars))
        })
        .collect();
    Ok((list.n_candidates, found))
}
