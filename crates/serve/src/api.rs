//! The JSON API under `/api/`: the same serialised reports as the command line's
//! `--format json` (pretty-printed, newline at the end), from [`tieup_core::report`].

use crate::answer;
use crate::params::{Params, UserError};
use crate::profile::find_overseas;
use crate::state::AppState;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::sync::Arc;
use tieup_core::catalog::{RegionKind, TRAITS};
use tieup_core::report::{BodyReport, ReasonReport, RegionEntry, SectorEntry};

/// A value as the CLI prints it: pretty JSON and a newline. Written into a buffer sized for
/// a shortlist report (tens of kilobytes), so it rarely grows.
fn json_response<T: Serialize + ?Sized>(status: StatusCode, value: &T) -> Response {
    let mut body = Vec::with_capacity(32 * 1024);
    match serde_json::to_writer_pretty(&mut body, value) {
        Ok(()) => {
            body.push(b'\n');
            (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
        }
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
    suggestions: &'a [String],
}

/// A 4xx as JSON: `{"error": the CLI's message, "suggestions": [...]}`.
pub fn error_json(err: &UserError) -> Response {
    let status = StatusCode::from_u16(err.status).unwrap_or(StatusCode::BAD_REQUEST);
    json_response(
        status,
        &ErrorBody {
            error: &err.message,
            suggestions: &err.suggestions,
        },
    )
}

/// `GET /api/shortlist`: the report of `tieup shortlist --format json`.
pub async fn shortlist(State(state): State<Arc<AppState>>, RawQuery(raw): RawQuery) -> Response {
    let params = Params::parse(raw.as_deref());
    if !params.has_query() {
        return error_json(&UserError::bad("give region and sector"));
    }
    match answer::answer(&state, &params, None, false) {
        Ok(a) => json_response(StatusCode::OK, &a.report),
        Err(e) => error_json(&e),
    }
}

/// `GET /api/regions?kind=japan|overseas&country=CC&search=TEXT`: `tieup regions`.
pub async fn regions(State(state): State<Arc<AppState>>, RawQuery(raw): RawQuery) -> Response {
    let params = Params::parse(raw.as_deref());
    let kind = match params.kind.trim() {
        "" => None,
        "japan" => Some(RegionKind::Japan),
        "overseas" => Some(RegionKind::Overseas),
        other => {
            return error_json(&UserError::bad(format!(
                "kind must be japan or overseas, not '{other}'"
            )));
        }
    };
    let catalog = state.catalog();
    let kept = catalog.regions().filter(|&(_, r)| {
        kind.is_none_or(|k| r.kind == k)
            && (params.country.is_empty() || r.country.eq_ignore_ascii_case(&params.country))
    });
    let ids: Vec<_> = kept.map(|(p, _)| p).collect();
    let ids = if params.search.is_empty() {
        ids
    } else {
        catalog.search_regions(ids, &params.search)
    };
    let entries: Vec<RegionEntry> = ids
        .into_iter()
        .map(|p| RegionEntry::new(catalog, p))
        .collect();
    json_response(StatusCode::OK, &entries)
}

/// `GET /api/sectors`: `tieup sectors --format json`.
pub async fn sectors(State(state): State<Arc<AppState>>) -> Response {
    let catalog = state.catalog();
    let entries: Vec<SectorEntry> = catalog
        .sectors()
        .ids()
        .map(|p| SectorEntry::new(catalog, p))
        .collect();
    json_response(StatusCode::OK, &entries)
}

#[derive(Serialize)]
struct TraitEntry {
    name: &'static str,
    value: f64,
    provenance: Option<String>,
    note: Option<String>,
}

#[derive(Serialize)]
struct RankEntry {
    /// The place's rank, as the shortlist and the profile page show it.
    rank: usize,
    /// Places ranked (a region with its enclosing and enclosed regions is one place).
    n_places: usize,
    score: f64,
    reasons: Vec<ReasonReport>,
}

#[derive(Serialize)]
struct ProfileBody {
    region: RegionEntry,
    traits: Vec<TraitEntry>,
    partnerships: Vec<String>,
    twin_ties: Vec<String>,
    rank: Option<RankEntry>,
    /// Partner bodies: for the query sector with a query, else every body around the region.
    bodies: Vec<BodyReport>,
}

/// `GET /api/profile/{id}`: the region's listing entry (as `tieup regions`), its traits with
/// sources, the ids of its past partnerships, its twin-tied Japanese regions and, with a
/// query, its rank, score and reasons.
pub async fn profile(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let params = Params::parse(raw.as_deref());
    let catalog = state.catalog();
    let position = match find_overseas(catalog, &id) {
        Ok(p) => p,
        Err(e) => return error_json(&e),
    };
    let query = if params.has_query() {
        match params.query(catalog) {
            Ok(q) => Some(q),
            Err(e) => return error_json(&e),
        }
    } else {
        None
    };
    let bodies = match &query {
        Some(q) => BodyReport::for_query(catalog, position, q.sector, q.before_year),
        None => catalog
            .bodies_around(position)
            .into_iter()
            .map(|b| BodyReport::new(catalog, b, 0))
            .collect(),
    };
    let rank = if let Some(query) = query {
        match answer::place_ranks_of(&state, &query, &[position], params.lang) {
            Ok((n, mut found)) => found.pop().flatten().map(|(c, bars)| RankEntry {
                rank: c.rank,
                n_places: n,
                score: c.score,
                reasons: bars
                    .into_iter()
                    .map(|b| ReasonReport {
                        feature: b.feature.name(),
                        contribution: b.contribution,
                        detail: b.detail,
                    })
                    .collect(),
            }),
            Err(e) => return error_json(&e),
        }
    } else {
        None
    };
    let body = ProfileBody {
        region: RegionEntry::new(catalog, position),
        traits: TRAITS
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let source = catalog.trait_source(position, i);
                TraitEntry {
                    name,
                    value: catalog.trait_value(position, i),
                    provenance: source.map(|s| s.provenance.to_string()),
                    note: source.map(|s| s.note.clone()),
                }
            })
            .collect(),
        partnerships: catalog
            .partnerships()
            .iter()
            .filter(|p| p.overseas_regions.contains(&position))
            .map(|p| p.id.clone())
            .collect(),
        twin_ties: catalog
            .twin_ties()
            .iter()
            .filter(|t| t.overseas_region == position)
            .map(|t| catalog.region(t.japan_region).id.clone())
            .collect(),
        rank,
        bodies,
    };
    json_response(StatusCode::OK, &body)
}
