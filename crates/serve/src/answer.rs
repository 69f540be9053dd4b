//! Answering a query: the shortlist (the same ranking and report as `tieup shortlist`), the
//! plain-language bars of each candidate, and the rank of any one region.

use crate::i18n::Lang;
use crate::params::{Params, UserError};
use crate::plain;
use crate::state::AppState;
use tieup_core::features::{Feature, Query};
use tieup_core::ids::RegionId;
use tieup_core::model::LinearModel;
use tieup_core::rank::{self, RankedCandidate, Shortlist};
use tieup_core::report::ShortlistReport;
use tieup_core::select::Selection;

/// One bar: a contribution with its plain label and the full reason.
#[derive(Debug, Clone)]
pub struct Bar {
    /// Feature position.
    pub feature: Feature,
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

/// Ranks the candidates for `params`, keeping `top` (or all when `None`); with `labels`
/// false the bars are left empty (the JSON API needs only the report).
pub fn answer(
    state: &AppState,
    params: &Params,
    top: Option<usize>,
    labels: bool,
) -> Result<Answer, UserError> {
    let catalog = state.catalog();
    let query = params.query(catalog)?;
    let top = match top {
        Some(k) => k,
        None => params.top()?,
    };
    let active = state.active();
    let model = &active.model;
    let encoder = state.encoder_for(&query);
    let selection = params.selection(catalog)?;
    let list = shortlist(state, model, &query, &selection, top)
        .map_err(|e| UserError::from_core(e, 400))?;
    let report = ShortlistReport::new(encoder, model, &active.path.to_string_lossy(), &list, top);
    let bars: Vec<Vec<Bar>> = if labels {
        list.candidates
            .iter()
            .zip(&report.candidates)
            .map(|(c, r)| bars_of(state, &query, c, r, params.lang))
            .collect()
    } else {
        Vec::new()
    };
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

/// The ranking of [`rank::shortlist_selected`], scored by the batch kernel when the query
/// has no year limit (the kernel's scores equal the reference path's to the bit and the
/// selection step is shared, so the rows, the contributions and the report are the same
/// bytes; a test checks it), by the reference path otherwise.
pub fn shortlist(
    state: &AppState,
    model: &LinearModel,
    query: &Query,
    selection: &Selection,
    top: usize,
) -> tieup_core::Result<Shortlist> {
    if query.before_year.is_some() {
        return rank::shortlist_selected(state.encoder_for(query), model, query, selection, top);
    }
    let encoder = state.encoder();
    encoder.check(query)?;
    let catalog = state.catalog();
    let weights = model.weights_for(catalog.sectors(), query);
    let candidates = state.top_k(query, &weights, selection, top);
    Ok(Shortlist {
        query: query.clone(),
        weights,
        n_candidates: catalog.n_candidates(),
        selection: selection.clone(),
        n_eligible: selection.n_eligible(catalog),
        candidates,
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
            let feature = Feature::ALL
                .into_iter()
                .find(|f| f.name() == reason.feature)
                .unwrap_or(Feature::SameAreaCluster);
            Bar {
                feature,
                label: plain::label(state.encoder_for(query), query, candidate, feature, lang),
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
    regions: &[RegionId],
    lang: Lang,
) -> Result<(usize, Vec<Option<Explained>>), UserError> {
    let model = state.model();
    let encoder = state.encoder_for(query);
    let n = state.catalog().n_candidates();
    let list = shortlist(state, &model, query, &Selection::expanded(), n)
        .map_err(|e| UserError::from_core(e, 400))?;
    let explainer = rank::Explainer::new(encoder, query);
    let found = regions
        .iter()
        .map(|&r| {
            let c = list.candidates.iter().find(|c| c.region == r)?;
            let bars = explainer
                .reasons(c)
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

/// Where some regions rank for a query as the shortlist shows them: as [`ranks_of`], but
/// each rank is the place's (the row of the grouped shortlist that holds the region, itself
/// or folded into an enclosing or enclosed member's row), and the count is of places.
pub fn place_ranks_of(
    state: &AppState,
    query: &Query,
    regions: &[RegionId],
    lang: Lang,
) -> Result<(usize, Vec<Option<Explained>>), UserError> {
    let (_, mut found) = ranks_of(state, query, regions, lang)?;
    let model = state.model();
    let n = state.catalog().n_candidates();
    // With K = every candidate, every place has a row and every other member is named in it.
    let places = shortlist(state, &model, query, &Selection::grouped(), n)
        .map_err(|e| UserError::from_core(e, 400))?;
    for (f, &region) in found.iter_mut().zip(regions) {
        if let Some((candidate, _)) = f
            && let Some(row) = places
                .candidates
                .iter()
                .find(|row| row.region == region || row.also.iter().any(|m| m.region == region))
        {
            candidate.rank = row.rank;
        }
    }
    Ok((places.candidates.len(), found))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn state(dir: &str) -> AppState {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        AppState::load(&root.join(dir), &root.join("models/default.json")).unwrap()
    }

    /// The kernel path gives the reference path's shortlist exactly (same order, scores,
    /// features and contributions, so the same report bytes).
    fn same_as_reference(state: &AppState, step: usize) {
        let catalog = state.catalog();
        let model = state.model();
        let n = catalog.n_candidates();
        let mut checked = 0;
        for japan in catalog.japan_ids().step_by(step) {
            for sector in catalog.sectors().ids().step_by(step.min(3)) {
                let cases = [
                    (vec![], 10),
                    (vec![Feature::DesignAbility, Feature::CommunicationCost], 3),
                    (vec![Feature::SameAreaCluster], n),
                ];
                for (wanted, top) in cases {
                    let mut query = Query::new(japan, sector);
                    query.wanted = wanted;
                    for selection in selections(catalog) {
                        let fast = shortlist(state, &model, &query, &selection, top).unwrap();
                        let reference = rank::shortlist_selected(
                            state.encoder(),
                            &model,
                            &query,
                            &selection,
                            top,
                        )
                        .unwrap();
                        assert_eq!(fast, reference, "{japan:?} {sector:?} {selection:?}");
                    }
                    checked += 1;
                }
            }
        }
        assert!(checked > 30);
    }

    /// Grouped, expanded, and filtered with a cap (the catalog's two largest countries,
    /// its most common level, its first parent excluded).
    fn selections(catalog: &tieup_core::catalog::Catalog) -> Vec<Selection> {
        let mut countries = tieup_core::select::overseas_countries(catalog);
        countries.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let parent = catalog
            .candidates()
            .find_map(|(_, r)| r.parent)
            .into_iter()
            .collect();
        let filtered = Selection {
            countries: countries.iter().take(2).map(|c| c.0.clone()).collect(),
            exclude: parent,
            max_per_country: Some(3),
            ..Selection::grouped()
        };
        let levels = Selection {
            levels: vec!["state".into(), "city".into()],
            ..Selection::expanded()
        };
        vec![
            Selection::grouped(),
            Selection::expanded(),
            filtered.normalized(catalog),
            levels,
        ]
    }

    #[test]
    fn profile_ranks_are_place_ranks() {
        // The fixture nests Milan in Lombardy and Dalian in Liaoning: each pair is one place.
        let state = state("tests/fixtures/mini");
        let catalog = state.catalog();
        let query = Query::new(
            catalog.find_japan_region("suwa").unwrap(),
            catalog.sectors().find("dies").unwrap(),
        );
        let regions: Vec<RegionId> = catalog.candidate_ids().collect();
        let (n, found) = place_ranks_of(&state, &query, &regions, Lang::En).unwrap();
        assert_eq!(n, catalog.n_candidates() - 2, "seven regions, five places");
        let rank = |name: &str| {
            let at = regions
                .iter()
                .position(|&r| r == catalog.find_region(name).unwrap())
                .unwrap();
            found[at].as_ref().unwrap().0.rank
        };
        assert_eq!(rank("milan"), rank("lombardy"));
        assert_eq!(rank("dalian"), rank("liaoning"));
        let mut ranks: Vec<usize> = found.iter().map(|f| f.as_ref().unwrap().0.rank).collect();
        ranks.sort_unstable();
        ranks.dedup();
        assert_eq!(ranks, (1..=n).collect::<Vec<_>>());
    }

    #[test]
    fn kernel_path_equals_reference_on_the_fixture() {
        same_as_reference(&state("tests/fixtures/mini"), 1);
    }

    #[test]
    fn kernel_path_equals_reference_on_the_shipped_data() {
        same_as_reference(&state("data"), 20);
    }
}
