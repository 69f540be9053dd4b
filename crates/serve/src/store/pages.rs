//! The store's pages (maud: every spliced value is HTML-escaped): saved shortlists, one
//! shortlist with its decision and project forms, a project with its follow-ups, the
//! follow-ups due, and the models with the retrain button.

use super::Job;
use crate::i18n::{self, Lang, PageText};
use crate::pages::{layout_with_nav, switch_href};
use crate::params::Params;
use crate::state::AppState;
use crate::store::text::StoreLabels;
use maud::{Markup, html};
use tieup_core::catalog::Catalog;
use tieup_store::{
    Commitment, Decision, DecisionRecord, DueProject, FollowUpOutcome, FollowUpRecord, ModelRecord,
    ModelRowId, ProjectRecord, SavedShortlist,
};

/// `path` with `?lang=ja` in Japanese.
fn link(path: &str, lang: Lang) -> String {
    match lang {
        Lang::En => path.to_string(),
        Lang::Ja => format!("{path}?lang=ja"),
    }
}

/// The store's links in the page header.
pub fn nav(lang: Lang) -> Markup {
    let s = lang.store_text();
    html! {
        a #nav-shortlists href=(link("/shortlists", lang)) { (s.saved_shortlists) }
        a #nav-due href=(link("/follow-ups/due", lang)) { (s.follow_ups_due) }
        a #nav-models href=(link("/models", lang)) { (s.models) }
    }
}

fn frame(params: &Params, title: &str, path: &str, body: Markup) -> Markup {
    let lang = params.lang;
    layout_with_nav(lang, title, &switch_href(path, params), nav(lang), body)
}

/// The hidden fields of every store form: the form token and the language.
fn hidden(state: &AppState, lang: Lang) -> Markup {
    let token = state.store.as_ref().map_or("", |s| s.token.as_str());
    html! {
        input type="hidden" name="csrf" value=(token);
        input type="hidden" name="lang" value=(lang.code());
    }
}

fn region_label(catalog: &Catalog, id: &str, lang: Lang) -> String {
    catalog
        .find_region(id)
        .map(|p| i18n::region_name(catalog.region(p), lang).to_string())
        .unwrap_or_else(|_| id.to_string())
}

fn sector_label(catalog: &Catalog, id: &str, lang: Lang) -> String {
    let sectors = catalog.sectors();
    sectors
        .find(id)
        .map(|p| i18n::sector_name(sectors.get(p), lang).to_string())
        .unwrap_or_else(|_| id.to_string())
}

/// Today (UTC) as `YYYY-MM-DD`, the default of the date fields.
pub fn today() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    civil_date(days)
}

/// Days since 1970-01-01 → `YYYY-MM-DD` (proleptic Gregorian; Hinnant's algorithm).
fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The store's pages without a store (404): how to start one.
pub fn store_off(params: &Params) -> Markup {
    let lang = params.lang;
    let s = lang.store_text();
    let body = html! {
        section.error role="alert" #store-off {
            h1 { (s.store_off) }
            p.message { (s.store_off_hint) }
        }
    };
    crate::pages::layout(lang, s.store_off, &switch_href("/shortlists", params), body)
}

/// The "save this shortlist" form under a shortlist.
pub fn save_form(state: &AppState, params: &Params) -> Markup {
    let s = params.lang.store_text();
    html! {
        form #save-form .store method="post" action="/shortlists" {
            (hidden(state, params.lang))
            input type="hidden" name="query" value=(params.to_query_string(params.lang));
            h2 { (s.save_title) }
            div.row {
                label { span { (s.author) } input #save-author name="author" required maxlength="100"; }
                label.wide { span { (s.note) } input #save-note name="note" maxlength="2000"; }
                button #save type="submit" { (s.save) }
            }
        }
    }
}

/// `GET /shortlists`.
pub fn shortlists(state: &AppState, params: &Params, list: &[SavedShortlist]) -> Markup {
    let catalog = state.catalog();
    let lang = params.lang;
    let (t, s) = (lang.text(), lang.store_text());
    let body = html! {
        h1 { (s.saved_shortlists) }
        @if list.is_empty() { p.empty { (s.no_rows) } } @else {
            table.store #saved {
                thead { tr { th { "#" } th { (s.saved_at) } th { (t.region) } th { (t.sector) }
                    th { (s.candidates) } th { (s.author) } th { (s.note) } } }
                tbody {
                    @for saved in list {
                        @let l = &saved.shortlist;
                        tr {
                            td { a href=(link(&format!("/shortlists/{}", saved.id), lang)) { (saved.id) } }
                            td { (saved.created_at) }
                            td { (region_label(catalog, &l.japan_region, lang)) }
                            td { (sector_label(catalog, &l.sector, lang)) }
                            td { (l.candidates.len()) } td { (l.author) } td { (l.note) }
                        }
                    }
                }
            }
        }
    };
    frame(params, s.saved_shortlists, "/shortlists", body)
}

fn decision_word(d: Decision, lang: Lang) -> &'static str {
    let s = lang.store_text();
    match d {
        Decision::Contacted => s.contacted,
        Decision::Agreed => s.agreed,
        Decision::Declined => s.declined,
    }
}

fn outcome_word(o: FollowUpOutcome, lang: Lang) -> &'static str {
    let s = lang.store_text();
    match o {
        FollowUpOutcome::During => s.during,
        FollowUpOutcome::After => s.after,
        FollowUpOutcome::NotYet => s.not_yet,
        FollowUpOutcome::ReportedSuccess => s.reported_success,
    }
}

/// `GET /shortlists/{id}`.
pub fn shortlist(
    state: &AppState,
    params: &Params,
    saved: &SavedShortlist,
    decisions: &[DecisionRecord],
    projects: &[ProjectRecord],
) -> Markup {
    let lang = params.lang;
    let (t, s) = (lang.text(), lang.store_text());
    let catalog = state.catalog();
    let l = &saved.shortlist;
    let title = format!(
        "#{} {} × {}",
        saved.id,
        region_label(catalog, &l.japan_region, lang),
        sector_label(catalog, &l.sector, lang)
    );
    let page = l.query["page"].as_str().unwrap_or("/");
    let body = html! {
        h1 { (title) }
        p.query-facts {
            (s.saved_at) ": " (saved.created_at) " · " (s.author) ": " (l.author)
            " · " (t.model) ": " code { (l.model_id) } " · " (s.catalog) ": " code { (l.catalog_digest) }
        }
        @if !l.note.is_empty() { p.note-text { (s.note) ": " (l.note) } }
        p { a href=(page) { (t.back) } }
        @for c in &l.candidates {
            @let mine: Vec<&DecisionRecord> = decisions.iter().filter(|d| d.decision.region == c.region).collect();
            section.candidate-store id=(format!("c-{}", c.region)) {
                h2 { (c.rank) ". " (region_label(catalog, &c.region, lang)) " " small { code { (c.region) } " · " (t.score) " " (format!("{:.3}", c.score)) } }
                @if !c.reasons.is_empty() { p.reasons-text { (c.reasons.join(" · ")) } }
                @if !mine.is_empty() {
                    ul.decisions {
                        @for d in &mine {
                            li {
                                strong { (decision_word(d.decision.decision, lang)) } " " (d.decision.date)
                                " · " (d.decision.author) @if !d.decision.reason.is_empty() { " · " (d.decision.reason) }
                                @for p in projects.iter().filter(|p| p.project.decision == Some(d.id)) {
                                    " → " a.project-link href=(link(&format!("/projects/{}", p.id), lang)) { (s.project) " " (p.project.key.as_deref().unwrap_or("")) }
                                }
                                @if d.decision.decision == Decision::Agreed && !projects.iter().any(|p| p.project.decision == Some(d.id)) {
                                    (project_form(state, lang, saved.id, d.id))
                                }
                            }
                        }
                    }
                }
                (decision_form(state, lang, saved.id, &c.region))
            }
        }
    };
    frame(params, &title, &format!("/shortlists/{}", saved.id), body)
}

fn decision_form(state: &AppState, lang: Lang, shortlist: i64, region: &str) -> Markup {
    let s = lang.store_text();
    html! {
        form.store.decision method="post" action=(format!("/shortlists/{shortlist}/decisions")) {
            (hidden(state, lang))
            input type="hidden" name="region" value=(region);
            div.row {
                label { span { (s.decision) }
                    select name="decision" {
                        option value="contacted" { (s.contacted) }
                        option value="agreed" { (s.agreed) }
                        option value="declined" { (s.declined) }
                    }
                }
                label { span { (s.date) } input type="date" name="date" value=(today()) required; }
                label { span { (s.author) } input name="author" required maxlength="100"; }
                label.wide { span { (s.reason) } input name="reason" maxlength="2000"; }
                button type="submit" { (s.record_decision) }
            }
        }
    }
}

fn project_form(state: &AppState, lang: Lang, shortlist: i64, decision: i64) -> Markup {
    let s = lang.store_text();
    let year = today()[..4].parse::<u16>().unwrap_or(2026);
    html! {
        form.store.project method="post" action="/projects" {
            (hidden(state, lang))
            input type="hidden" name="shortlist" value=(shortlist);
            input type="hidden" name="decision" value=(decision);
            h3 { (s.open_project) }
            div.row {
                label { span { (s.start_fy) } input name="start_fy" inputmode="numeric" pattern="[0-9]{4}" value=(year) required; }
                label { span { (s.end_fy) } input name="end_fy" inputmode="numeric" pattern="[0-9]{4}" value=(year + 2) required; }
                label { span { (s.commitment) }
                    select name="commitment" {
                        option value="unknown" { (s.unknown) }
                        option value="sufficient" { (s.sufficient) }
                        option value="partial" { (s.partial) }
                    }
                }
                label { span { (s.mediator) }
                    select name="mediator" {
                        option value="unknown" { (s.unknown) }
                        option value="yes" { (s.yes) }
                        option value="no" { (s.no) }
                    }
                }
            }
            fieldset {
                legend { (s.bodies) }
                @for body in tieup_core::application::BODY_KINDS {
                    label.check { input type="checkbox" name="body" value=(body); (body.replace('_', " ")) }
                }
            }
            button type="submit" { (s.open_project) }
        }
    }
}

fn commitment_word(c: Commitment, lang: Lang) -> &'static str {
    let s = lang.store_text();
    match c {
        Commitment::Sufficient => s.sufficient,
        Commitment::Partial => s.partial,
        Commitment::Unknown => s.unknown,
    }
}

/// `GET /projects/{id}`.
pub fn project(
    state: &AppState,
    params: &Params,
    project: &ProjectRecord,
    follow_ups: &[FollowUpRecord],
) -> Markup {
    let lang = params.lang;
    let (t, s) = (lang.text(), lang.store_text());
    let catalog = state.catalog();
    let p = &project.project;
    let partners: Vec<String> = p
        .partner_regions
        .iter()
        .map(|r| region_label(catalog, r, lang))
        .collect();
    let title = format!("{} {}", s.project, p.key.as_deref().unwrap_or(""));
    let mediator = match p.mediator {
        Some(true) => s.yes,
        Some(false) => s.no,
        None => s.unknown,
    };
    let body = html! {
        h1 { (title) }
        dl.facts {
            dt { (t.region) } dd { (region_label(catalog, &p.japan_region, lang)) }
            dt { (s.partner) } dd { (partners.join(", ")) }
            dt { (t.sector) } dd { (sector_label(catalog, &p.sector, lang)) }
            dt { (s.start_fy) " – " (s.end_fy) } dd { "FY" (p.start_fy) " – FY" (p.end_fy) }
            dt { (s.bodies) } dd { (p.implementation_bodies.join(", ")) }
            dt { (s.commitment) } dd { (commitment_word(p.commitment, lang)) }
            dt { (s.mediator) } dd { (mediator) }
        }
        h2 { (s.follow_ups) }
        @if follow_ups.is_empty() { p.empty { (s.no_rows) } } @else {
            table.store #follow-ups {
                thead { tr { th { (s.date) } th { (s.outcome) } th { (s.evidence) } th { (s.author) } } }
                tbody { @for f in follow_ups { tr {
                    td { (f.follow_up.date) } td { (outcome_word(f.follow_up.outcome, lang)) }
                    td { (f.follow_up.evidence) } td { (f.follow_up.author) }
                } } }
            }
        }
        (follow_up_form(state, lang, project.id))
    };
    frame(params, &title, &format!("/projects/{}", project.id), body)
}

fn follow_up_form(state: &AppState, lang: Lang, project: i64) -> Markup {
    let s = lang.store_text();
    html! {
        form #follow-up-form .store method="post" action=(format!("/projects/{project}/follow-ups")) {
            (hidden(state, lang))
            h3 { (s.record_follow_up) }
            div.row {
                label { span { (s.date) } input type="date" name="date" value=(today()) required; }
                label { span { (s.outcome) }
                    select name="outcome" {
                        option value="not_yet" { (s.not_yet) }
                        option value="during" { (s.during) }
                        option value="after" { (s.after) }
                    }
                }
                label { span { (s.author) } input name="author" required maxlength="100"; }
            }
            label.wide { span { (s.evidence) } textarea name="evidence" rows="3" maxlength="2000" {} }
            button type="submit" { (s.record_follow_up) }
        }
    }
}

/// `GET /follow-ups/due`.
pub fn due(state: &AppState, params: &Params, months: u32, due: &[DueProject]) -> Markup {
    let catalog = state.catalog();
    let lang = params.lang;
    let (t, s) = (lang.text(), lang.store_text());
    let body = html! {
        h1 { (s.follow_ups_due) }
        form.due method="get" action="/follow-ups/due" {
            input type="hidden" name="lang" value=(lang.code());
            label { (s.due_intro) " "
                select #months name="months" {
                    option value="6" selected[months == 6] { "6 " (s.months) }
                    option value="12" selected[months == 12] { "12 " (s.months) }
                }
            }
            " " button type="submit" { (s.show) }
        }
        @if due.is_empty() { p.empty { (s.no_rows) } } @else {
            table.store #due {
                thead { tr { th { (s.project) } th { (t.region) } th { (s.partner) } th { (t.sector) } th { "FY" } th { (s.last_follow_up) } } }
                tbody { @for d in due {
                    @let p = &d.project.project;
                    tr {
                        td { a href=(link(&format!("/projects/{}", d.project.id), lang)) { (p.key.as_deref().unwrap_or("")) } }
                        td { (region_label(catalog, &p.japan_region, lang)) }
                        td { (p.partner_regions.iter().map(|r| region_label(catalog, r, lang)).collect::<Vec<_>>().join(", ")) }
                        td { (sector_label(catalog, &p.sector, lang)) }
                        td { (p.start_fy) "–" (p.end_fy) }
                        td { (d.last_follow_up.as_deref().unwrap_or(s.never)) }
                    }
                } }
            }
        }
    };
    frame(params, s.follow_ups_due, "/follow-ups/due", body)
}

/// `GET /models`.
pub fn models(
    state: &AppState,
    params: &Params,
    models: &[ModelRecord],
    active: Option<ModelRowId>,
) -> Markup {
    let lang = params.lang;
    let (t, s) = (lang.text(), lang.store_text());
    let store = state.store.as_ref();
    let job = store.map(|st| st.job.lock().unwrap_or_else(|e| e.into_inner()).clone());
    let body = html! {
        h1 { (s.models) }
        p #active-model { (t.model) " (" (s.active) "): " code { (state.model_path().display().to_string()) } }
        @match &job {
            Some(Job::Running) => p.status #retrain-status { (s.retraining) },
            Some(Job::Done { row, path }) => p.status #retrain-status { (s.retrain_done) " " (row) " (" code { (path) } ")" },
            Some(Job::Failed(message)) => p.status.failed #retrain-status role="alert" { (s.retrain_failed) " " (message) },
            _ => {},
        }
        @if store.is_some_and(|st| st.setup.retrain.is_some()) {
            form #retrain-form .store method="post" action="/models/retrain" {
                (hidden(state, lang))
                p.hint { (s.retrain_hint) }
                button #retrain type="submit" disabled[matches!(job, Some(Job::Running))] { (s.retrain) }
            }
        } @else { p.hint { (s.retrain_off) } }
        table.store #models {
            thead { tr { th { "#" } th { (s.registered) } th { (s.model_file) } th { (s.learner) } th { (s.outcomes) } th { (s.evaluation) } th {} } }
            tbody { @for m in models.iter().rev() {
                tr.model id=(format!("model-{}", m.id)) .active[active == Some(m.id)] {
                    td { (m.id) } td { (m.created_at) }
                    td { code { (m.model.path) } br; small { (m.model.model_id) " · " (s.catalog) " " (m.model.catalog_digest) } }
                    td { (m.model.learner) }
                    td { (m.model.outcomes.len()) @if !m.model.outcomes.is_empty() { br; small { (m.model.outcomes.join(", ")) } } }
                    td { (evaluation(&m.model.path, lang)) }
                    td { @if active == Some(m.id) { strong { (s.active) } } @else {
                        form.store method="post" action=(format!("/models/{}/activate", m.id)) {
                            (hidden(state, lang))
                            button.activate type="submit" { (s.use_model) }
                        }
                    } }
                }
            } }
        }
    };
    frame(params, s.models, "/models", body)
}

fn evaluation(path: &str, lang: Lang) -> Markup {
    let s = lang.store_text();
    let Some(e) = tieup_retrain::read_evaluation(std::path::Path::new(path)) else {
        return html! {};
    };
    html! {
        table.figures {
            caption { "n = " (e.after.held_out.len()) }
            tr { th {} th { (s.mrr) } th { (s.recall10) } th { (s.median_rank) } }
            @for (label, loo) in [(s.prior, &e.prior), (s.before, &e.before), (s.after_training, &e.after)] {
                tr { th { (label) } td { (format!("{:.3}", loo.mrr)) } td { (format!("{:.2}", loo.recall_at_10)) } td { (loo.median_rank) } }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn civil_dates() {
        assert_eq!(super::civil_date(0), "1970-01-01");
        assert_eq!(super::civil_date(11_016), "2000-02-29");
        assert_eq!(super::civil_date(20_454), "2026-01-01");
    }
}
