//! `tieup serve`: the coordinator's shortlist page, a local web application on axum.
//!
//! One router ([`router`]) over one shared [`AppState`] (catalog, encoder and model, loaded
//! once). Pages are rendered on the server with maud, which HTML-escapes every spliced value;
//! the query lives in the URL (GET forms), so every page can be bookmarked. Routes:
//!
//! | route | answer |
//! |---|---|
//! | `GET /` | query form; with `region` and `sector`, the shortlist |
//! | `GET /region/{id}` | profile of an overseas region (and its rank for the query) |
//! | `GET /compare?c=ID&c=ID` | two or three candidates side by side |
//! | `GET /export.csv` | the shortlist as CSV (UTF-8 with BOM) |
//! | `GET /api/shortlist` | the shortlist JSON of `tieup shortlist --format json` |
//! | `GET /api/regions` | the region listing of `tieup regions --format json` |
//! | `GET /api/sectors` | the sector listing of `tieup sectors --format json` |
//! | `GET /api/profile/{id}` | the region's listing entry, traits, partnerships and rank |
//! | `GET /static/style.css`, `/static/app.js`, `/static/world.svg`, `GET /healthz` | assets; `ok` |
//! | `/shortlists`, `/projects`, `/follow-ups/due`, `/models` | the store (with [`AppState::with_store`]; see `store`) |
//!
//! Query parameters: `region`, `sector`, `want` and `objective` (repeatable), `before`
//! (fiscal year), `top`, `lang` (`en` or `ja`). Unknown names answer 400 (404 for a
//! profile) with the command line's message and suggestions. Limits ([`Limits`]): URI
//! length, request body size, per-request timeout and concurrency, as middleware.
//!
//! With a store ([`AppState::with_store`], `tieup serve --db`) the shortlist page can be saved,
//! and decisions, projects and follow-ups recorded, through POST forms that carry a form token
//! and are refused (403) from another origin; the page retrains on the recorded outcomes and
//! switches between the models it produced ([`AppState::switch_model`], safe under concurrent
//! requests). Without one the store's routes answer 404 with how to start one.
//!
//! The library prints nothing; the binary prints the URL and errors.

mod answer;
mod api;
mod bodies;
mod export;
mod i18n;
mod map;
mod pages;
mod params;
mod plain;
mod profile;
mod state;
mod store;

pub use state::{ActiveModel, AppState};
pub use store::StoreSetup;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use params::{Params, UserError};
use std::sync::Arc;
use std::time::Duration;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

/// The request limits enforced as middleware.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Longest accepted URI (path and query), bytes; longer gets 414.
    pub max_uri_bytes: usize,
    /// Largest accepted request body, bytes; larger gets 413.
    pub max_body_bytes: usize,
    /// Time a request may take before it is answered 408.
    pub timeout: Duration,
    /// Requests handled at once; more wait.
    pub concurrency: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_uri_bytes: 4096,
            max_body_bytes: 16 * 1024,
            timeout: Duration::from_secs(10),
            concurrency: 64,
        }
    }
}

/// The application: every route over `state`, with the default [`Limits`].
pub fn router(state: Arc<AppState>) -> Router {
    router_with_limits(state, Limits::default())
}

/// The application with the given limits.
pub fn router_with_limits(state: Arc<AppState>, limits: Limits) -> Router {
    let max_uri = limits.max_uri_bytes;
    Router::new()
        .route("/", get(index))
        .route("/region/{id}", get(region_page))
        .route("/compare", get(compare_page))
        .route("/export.csv", get(export_csv))
        .route("/api/shortlist", get(api::shortlist))
        .route("/api/regions", get(api::regions))
        .route("/api/sectors", get(api::sectors))
        .route("/api/profile/{id}", get(api::profile))
        .route("/static/style.css", get(stylesheet))
        .route("/static/app.js", get(script))
        .route("/static/world.svg", get(world_map))
        .route("/healthz", get(|| async { "ok" }))
        .merge(store::routes())
        .fallback(not_found)
        .with_state(state)
        .layer(RequestBodyLimitLayer::new(limits.max_body_bytes))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            limits.timeout,
        ))
        .layer(GlobalConcurrencyLimitLayer::new(limits.concurrency))
        .layer(middleware::from_fn(move |request: Request, next: Next| {
            uri_limit(request, next, max_uri)
        }))
        .layer(middleware::from_fn(security_headers))
}

/// Serves `router` on `listener` until `shutdown` completes, then finishes the requests in
/// flight (graceful shutdown).
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
}

/// Checks the model file every `every` and swaps in a changed model; `on_event` hears of
/// each reload (`Ok`) and each model file that failed to load (`Err`, the old model stays).
pub fn watch_model(
    state: Arc<AppState>,
    every: Duration,
    on_event: impl Fn(tieup_core::Result<()>) + Send + 'static,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        loop {
            ticks.tick().await;
            match state.reload_model_if_changed() {
                Ok(true) => on_event(Ok(())),
                Ok(false) => {}
                Err(e) => on_event(Err(e)),
            }
        }
    })
}

async fn uri_limit(request: Request, next: Next, max: usize) -> Response {
    let length = request
        .uri()
        .path_and_query()
        .map_or(0, |pq| pq.as_str().len());
    if length > max {
        return (
            StatusCode::URI_TOO_LONG,
            format!("the address is longer than {max} bytes"),
        )
            .into_response();
    }
    next.run(request).await
}

async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; script-src 'self'; base-uri 'none'; frame-ancestors 'none'",
        ),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

pub(crate) fn html_response(status: u16, markup: maud::Markup) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        markup.into_string(),
    )
        .into_response()
}

pub(crate) fn error_page(state: &AppState, params: &Params, err: &UserError) -> Response {
    html_response(err.status, pages::error(state, params, err))
}

async fn index(State(state): State<Arc<AppState>>, RawQuery(raw): RawQuery) -> Response {
    let params = Params::parse(raw.as_deref());
    if !params.has_query() {
        return html_response(200, pages::index(&state, &params, None));
    }
    match answer::answer(&state, &params, None, true) {
        Ok(a) => html_response(200, pages::index(&state, &params, Some(&a))),
        Err(e) => error_page(&state, &params, &e),
    }
}

async fn region_page(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let params = Params::parse(raw.as_deref());
    let result = profile::find_overseas(state.catalog(), &id)
        .and_then(|p| profile::page(&state, &params, p));
    match result {
        Ok(markup) => html_response(200, markup),
        Err(e) => error_page(&state, &params, &e),
    }
}

async fn compare_page(State(state): State<Arc<AppState>>, RawQuery(raw): RawQuery) -> Response {
    let params = Params::parse(raw.as_deref());
    match profile::compare(&state, &params) {
        Ok(markup) => html_response(200, markup),
        Err(e) => error_page(&state, &params, &e),
    }
}

async fn export_csv(State(state): State<Arc<AppState>>, RawQuery(raw): RawQuery) -> Response {
    let params = Params::parse(raw.as_deref());
    let answer = match answer::answer(&state, &params, None, true) {
        Ok(a) => a,
        Err(e) => return api::error_json(&e),
    };
    match export::shortlist_csv(&state, &answer, params.lang) {
        Ok(text) => {
            let q = &answer.report.query;
            // Catalog ids are lowercase ASCII snake_case (checked at load), so the file name
            // needs no quoting beyond what is here.
            let disposition = format!(
                "attachment; filename=\"shortlist_{}_{}.csv\"",
                q.region_id, q.sector_id
            );
            let mut response = (
                [(header::CONTENT_TYPE, "text/csv; charset=utf-8")],
                Body::from(text),
            )
                .into_response();
            if let Ok(value) = HeaderValue::from_str(&disposition) {
                response
                    .headers_mut()
                    .insert(header::CONTENT_DISPOSITION, value);
            }
            response
        }
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        include_str!("style.css"),
    )
        .into_response()
}

async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        include_str!("app.js"),
    )
        .into_response()
}

async fn world_map() -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "max-age=86400"),
        ],
        map::WORLD_SVG,
    )
        .into_response()
}

async fn not_found(State(state): State<Arc<AppState>>, RawQuery(raw): RawQuery) -> Response {
    let params = Params::parse(raw.as_deref());
    let err = UserError {
        status: 404,
        message: "no such page".into(),
        suggestions: Vec::new(),
        field: None,
    };
    error_page(&state, &params, &err)
}
