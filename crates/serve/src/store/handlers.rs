//! The store's request handlers: parse and check the request, call the store on a blocking
//! thread, render a page or redirect (303) to the page that shows what changed.

use super::forms::{self, Form, MAX_SHORT_CHARS, MAX_TEXT_CHARS};
use super::{Job, pages, user_error, with_store};
use crate::i18n::Lang;
use crate::params::{Params, UserError};
use crate::state::AppState;
use crate::store::text::StoreLabels;
use crate::{answer, error_page, html_response};
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use maud::Markup;
use std::sync::Arc;
use tieup_store::{
    Candidate, Commitment, Decision, FollowUpOutcome, NewDecision, NewFollowUp, NewProject,
    NewShortlist, Store,
};

type Page = Result<Markup, UserError>;

/// The one shape of every store page (`GET`): the page parameters from the query string, the
/// request's own argument (a row id, a period; checked before the store is opened), `load`
/// reading the store on a blocking thread, `render` drawing what it read, and the answer
/// (the page, or the refusal in the page's language).
async fn store_page<A, T>(
    state: &Arc<AppState>,
    raw: Option<&str>,
    arg: Result<A, UserError>,
    load: impl FnOnce(&mut Store, A) -> tieup_store::Result<T> + Send + 'static,
    render: impl FnOnce(&AppState, &Params, T) -> Markup,
) -> Response
where
    A: Send + 'static,
    T: Send + 'static,
{
    let params = Params::parse(raw);
    let page = match arg {
        Ok(arg) => with_store(state, move |_, store| load(store, arg).map_err(user_error))
            .await
            .map(|found| render(state, &params, found)),
        Err(e) => Err(e),
    };
    respond(state, &params, page)
}

fn respond(state: &AppState, params: &Params, page: Page) -> Response {
    match page {
        Ok(markup) => html_response(200, markup),
        Err(e) => refusal(state, params, e),
    }
}

/// An error page; without a store, the page that says how to start one (404); a refused
/// form (403) says so in the page's language.
fn refusal(state: &AppState, params: &Params, mut e: UserError) -> Response {
    if state.store.is_none() {
        return html_response(404, pages::store_off(params));
    }
    if e.status == 403 {
        e.message = format!("{} ({})", params.lang.store_text().forbidden, e.message);
    }
    error_page(state, params, &e)
}

/// A 303 to `path` in the page's language.
fn redirect(path: &str, lang: Lang) -> Response {
    let target = match lang {
        Lang::En => path.to_string(),
        Lang::Ja => match path.split_once('#') {
            Some((p, frag)) => format!("{p}?lang=ja#{frag}"),
            None => format!("{path}?lang=ja"),
        },
    };
    Redirect::to(&target).into_response()
}

fn row_id(text: &str, kind: &str) -> Result<i64, UserError> {
    text.parse::<i64>()
        .ok()
        .filter(|&id| id > 0)
        .ok_or(UserError {
            status: 404,
            ..UserError::bad(format!("no {kind} '{text}'"))
        })
}

/// The posted form after the CSRF check, with the page parameters (language) it carries.
fn checked_form(state: &AppState, headers: &HeaderMap, body: &[u8]) -> Result<Form, UserError> {
    let Some(store) = &state.store else {
        return Err(UserError {
            status: 404,
            ..UserError::bad("the store is off: start the page with `tieup serve --db [FILE]`")
        });
    };
    let form = Form::parse(headers, body)?;
    forms::check_same_site(headers, &form, &store.token)?;
    Ok(form)
}

/// Runs a POST: checks the form, then `f`, which answers with a redirect.
async fn post_form<F, Fut>(state: Arc<AppState>, headers: HeaderMap, body: Bytes, f: F) -> Response
where
    F: FnOnce(Arc<AppState>, Form) -> Fut,
    Fut: std::future::Future<Output = Result<Response, UserError>>,
{
    let lang = form_urlencoded::parse(&body)
        .find(|(k, _)| k == "lang")
        .map_or(Lang::En, |(_, v)| Lang::parse(&v));
    let params = Params {
        lang,
        ..Params::default()
    };
    let result = match checked_form(&state, &headers, &body) {
        Ok(form) => f(Arc::clone(&state), form).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(response) => response,
        Err(e) => refusal(&state, &params, e),
    }
}

/// `GET /shortlists`.
pub async fn shortlists(State(state): State<Arc<AppState>>, RawQuery(raw): RawQuery) -> Response {
    let load = |store: &mut Store, ()| {
        let ids = store.shortlists()?;
        ids.into_iter()
            .map(|id| store.shortlist(id))
            .collect::<tieup_store::Result<Vec<_>>>()
    };
    store_page(
        &state,
        raw.as_deref(),
        Ok(()),
        load,
        |state, params, list| pages::shortlists(state, params, &list),
    )
    .await
}

/// `POST /shortlists`: ranks the query in `query` again (as the page showed it) and saves it.
pub async fn save_shortlist(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    post_form(state, headers, body, |state, form| async move {
        let query = form.text("query", 4096)?;
        let params = Params::parse(Some(&query));
        let shown = answer::answer(&state, &params, None, true)?;
        let author = form.required("author", MAX_SHORT_CHARS)?;
        let note = form.text("note", MAX_TEXT_CHARS)?;
        let new = new_shortlist(&state, &params, &shown, author, note);
        let id = with_store(&state, move |_, store| {
            store.save_shortlist(&new).map_err(user_error)
        })
        .await?;
        Ok(redirect(&format!("/shortlists/{id}"), params.lang))
    })
    .await
}

fn new_shortlist(
    state: &AppState,
    params: &Params,
    shown: &answer::Answer,
    author: String,
    note: String,
) -> NewShortlist {
    let q = &shown.report.query;
    let wanted: Vec<&str> = shown.query.wanted.iter().map(|f| f.name()).collect();
    NewShortlist {
        japan_region: q.region_id.clone(),
        sector: q.sector_id.clone(),
        query: serde_json::json!({
            "region": params.region, "sector": params.sector, "want": params.want,
            "objective": params.objective, "before": params.before, "top": params.top,
            "country": params.countries, "exclude": params.exclude, "level": params.level,
            "max_per_country": params.max_per_country, "expand": params.expand,
            "wanted_features": wanted, "page": format!("/?{}", params.to_query_string(params.lang)),
        }),
        model_id: tieup_store::model_id(std::path::Path::new(&shown.report.model.path))
            .unwrap_or_else(|_| shown.report.model.path.clone()),
        catalog_digest: state
            .store
            .as_ref()
            .map(|s| s.catalog_digest(state.catalog()))
            .unwrap_or_default(),
        author,
        note,
        candidates: shown
            .report
            .candidates
            .iter()
            .zip(&shown.bars)
            .map(|(c, bars)| Candidate {
                rank: c.rank as u32,
                region: c.region_id.clone(),
                score: c.score,
                reasons: bars.iter().map(|b| b.label.clone()).collect(),
            })
            .collect(),
    }
}

/// `GET /shortlists/{id}`: the shortlist with its decisions and the projects opened from it.
pub async fn shortlist(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let load = |store: &mut Store, id| {
        let saved = store.shortlist(id)?;
        let decisions = store.decisions(id)?;
        let projects = store
            .projects()?
            .into_iter()
            .filter(|p| {
                p.project
                    .decision
                    .is_some_and(|d| decisions.iter().any(|x| x.id == d))
            })
            .collect::<Vec<_>>();
        Ok((saved, decisions, projects))
    };
    let id = row_id(&id, "shortlist");
    store_page(
        &state,
        raw.as_deref(),
        id,
        load,
        |state, params, (s, d, p)| pages::shortlist(state, params, &s, &d, &p),
    )
    .await
}

/// `POST /shortlists/{id}/decisions`.
pub async fn record_decision(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    post_form(state, headers, body, |state, form| async move {
        let shortlist = row_id(&id, "shortlist")?;
        let lang = Lang::parse(form.get("lang"));
        let decision = match form.get("decision") {
            "contacted" => Decision::Contacted,
            "agreed" => Decision::Agreed,
            "declined" => Decision::Declined,
            other => {
                return Err(UserError::bad(format!(
                    "decision: '{other}' is not contacted, agreed or declined"
                )));
            }
        };
        let new = NewDecision {
            shortlist,
            region: form.required("region", MAX_SHORT_CHARS)?,
            decision,
            reason: form.text("reason", MAX_TEXT_CHARS)?,
            date: form.date("date")?,
            author: form.required("author", MAX_SHORT_CHARS)?,
        };
        let anchor = format!("/shortlists/{shortlist}#c-{}", new.region);
        with_store(&state, move |_, store| {
            store.record_decision(&new).map_err(user_error)
        })
        .await?;
        Ok(redirect(&anchor, lang))
    })
    .await
}

/// The fields of the project form, checked.
fn project_fields(form: &Form) -> Result<NewProject, UserError> {
    let start_fy = form.fiscal_year("start_fy")?;
    let end_fy = form.fiscal_year("end_fy")?;
    if end_fy < start_fy {
        return Err(UserError::bad(format!(
            "end_fy: {end_fy} is before the first fiscal year {start_fy}"
        )));
    }
    let bodies = form.all("body");
    if let Some(bad) = bodies
        .iter()
        .find(|b| !tieup_core::application::BODY_KINDS.contains(b))
    {
        return Err(UserError::bad(format!(
            "body: unknown implementation body '{bad}'; use {}",
            tieup_core::application::BODY_KINDS.join(", ")
        )));
    }
    let commitment = match form.get("commitment") {
        "sufficient" => Commitment::Sufficient,
        "partial" => Commitment::Partial,
        "unknown" | "" => Commitment::Unknown,
        other => return Err(UserError::bad(format!("commitment: '{other}' is unknown"))),
    };
    let mediator = match form.get("mediator") {
        "yes" => Some(true),
        "no" => Some(false),
        "unknown" | "" => None,
        other => return Err(UserError::bad(format!("mediator: '{other}' is unknown"))),
    };
    Ok(NewProject {
        start_fy,
        end_fy,
        implementation_bodies: bodies.into_iter().map(String::from).collect(),
        commitment,
        mediator,
        ..NewProject::default()
    })
}

/// `POST /projects`: a project from an agreed decision of a saved shortlist.
pub async fn open_project(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    post_form(state, headers, body, |state, form| async move {
        let lang = Lang::parse(form.get("lang"));
        let shortlist = form.id("shortlist")?;
        let decision = form.id("decision")?;
        let mut project = project_fields(&form)?;
        let id = with_store(&state, move |_, store| {
            let saved = store.shortlist(shortlist).map_err(user_error)?;
            let region = store
                .decisions(shortlist)
                .map_err(user_error)?
                .into_iter()
                .find(|d| d.id == decision)
                .map(|d| d.decision.region)
                .ok_or_else(|| {
                    user_error(tieup_store::Error::NotFound {
                        kind: "decision",
                        id: decision,
                    })
                })?;
            let wanted = saved.shortlist.query["wanted_features"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default();
            project.decision = Some(decision);
            project.japan_region = saved.shortlist.japan_region;
            project.sector = saved.shortlist.sector;
            project.partner_regions = vec![region];
            project.wanted = wanted;
            project.source = format!("tieup serve: shortlist {shortlist}, decision {decision}");
            store.open_project(&project).map_err(user_error)
        })
        .await?;
        Ok(redirect(&format!("/projects/{id}"), lang))
    })
    .await
}

/// `GET /projects/{id}`.
pub async fn project(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let load = |store: &mut Store, id| {
        let project = store.projects()?.into_iter().find(|p| p.id == id).ok_or(
            tieup_store::Error::NotFound {
                kind: "project",
                id,
            },
        )?;
        Ok((project, store.follow_ups(id)?))
    };
    let id = row_id(&id, "project");
    store_page(&state, raw.as_deref(), id, load, |state, params, (p, f)| {
        pages::project(state, params, &p, &f)
    })
    .await
}

/// `POST /projects/{id}/follow-ups`.
pub async fn record_follow_up(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    post_form(state, headers, body, |state, form| async move {
        let project = row_id(&id, "project")?;
        let lang = Lang::parse(form.get("lang"));
        let outcome = match FollowUpOutcome::parse(form.get("outcome")) {
            Some(o) if o != FollowUpOutcome::ReportedSuccess => o,
            _ => {
                return Err(UserError::bad(format!(
                    "outcome: '{}' is not during, after or not_yet",
                    form.get("outcome")
                )));
            }
        };
        let new = NewFollowUp {
            project,
            date: form.date("date")?,
            outcome,
            evidence: form.text("evidence", MAX_TEXT_CHARS)?,
            author: form.required("author", MAX_SHORT_CHARS)?,
        };
        with_store(&state, move |_, store| {
            store.record_follow_up(&new).map_err(user_error)
        })
        .await?;
        Ok(redirect(&format!("/projects/{project}"), lang))
    })
    .await
}

/// `GET /follow-ups/due?months=6|12` (6 by default).
pub async fn due(State(state): State<Arc<AppState>>, RawQuery(raw): RawQuery) -> Response {
    let months = form_urlencoded::parse(raw.as_deref().unwrap_or("").as_bytes())
        .find(|(k, _)| k == "months")
        .map(|(_, v)| v.into_owned());
    let months = match months.as_deref() {
        None | Some("") | Some("6") => Ok(6),
        Some("12") => Ok(12),
        Some(other) => Err(UserError::bad(format!("months: '{other}' is not 6 or 12"))),
    };
    let load = |store: &mut Store, months| Ok((months, store.follow_ups_due(months)?));
    store_page(
        &state,
        raw.as_deref(),
        months,
        load,
        |state, params, (m, due)| pages::due(state, params, m, &due),
    )
    .await
}

/// `GET /models`.
pub async fn models(State(state): State<Arc<AppState>>, RawQuery(raw): RawQuery) -> Response {
    let load = |store: &mut Store, ()| {
        let models = store.models()?;
        let active = store.active_model()?.map(|m| m.id);
        Ok((models, active))
    };
    store_page(
        &state,
        raw.as_deref(),
        Ok(()),
        load,
        |state, params, (m, a)| pages::models(state, params, &m, a),
    )
    .await
}

/// `POST /models/retrain`: starts retraining on a blocking thread (one at a time) and
/// redirects to the models page, which shows how it went.
pub async fn retrain(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    post_form(state, headers, body, |state, form| async move {
        let lang = Lang::parse(form.get("lang"));
        let store = state.store.as_ref().expect("checked by the form");
        let Some(setup) = store.setup.retrain.clone() else {
            return Err(UserError {
                status: 409,
                ..UserError::bad(lang.store_text().retrain_off)
            });
        };
        {
            let mut job = store.job.lock().unwrap_or_else(|e| e.into_inner());
            if matches!(*job, Job::Running) {
                return Ok(redirect("/models", lang));
            }
            *job = Job::Running;
        }
        let db = store.setup.db.clone();
        let worker = Arc::clone(&state);
        tokio::task::spawn_blocking(move || {
            let result = tieup_store::Store::open(&db).and_then(|mut s| {
                tieup_retrain::retrain_into_store(worker.catalog(), &mut s, &setup)
            });
            let job = match result {
                Ok(p) => Job::Done {
                    row: p.row,
                    path: p.path.display().to_string(),
                },
                Err(e) => Job::Failed(e.to_string()),
            };
            if let Some(store) = &worker.store {
                *store.job.lock().unwrap_or_else(|e| e.into_inner()) = job;
            }
        });
        Ok(redirect("/models", lang))
    })
    .await
}

/// `POST /models/{id}/activate`: switches the store's active model and the page's together.
pub async fn activate(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    post_form(state, headers, body, |state, form| async move {
        let lang = Lang::parse(form.get("lang"));
        let row = row_id(&id, "model")?;
        with_store(&state, move |state, store| {
            let model = store
                .models()
                .map_err(user_error)?
                .into_iter()
                .find(|m| m.id == row)
                .ok_or_else(|| {
                    user_error(tieup_store::Error::NotFound {
                        kind: "model",
                        id: row,
                    })
                })?;
            let path = std::path::PathBuf::from(&model.model.path);
            state
                .switch_model_with(&path, || store.activate_model(row))
                .map_err(user_error)
        })
        .await?;
        Ok(redirect("/models", lang))
    })
    .await
}
