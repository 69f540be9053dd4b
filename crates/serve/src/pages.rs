//! The HTML pages (maud templates: every spliced value is HTML-escaped): layout, query form,
//! shortlist, errors. Profiles and comparisons are in [`crate::profile`].

use crate::answer::{Answer, Bar};
use crate::i18n::{self, Lang, OBJECTIVE_CHOICES, PageText, WANT_CHOICES};
use crate::params::{Params, UserError};
use crate::state::AppState;
use maud::{DOCTYPE, Markup, PreEscaped, html};
use tieup_core::catalog::Catalog;

/// The page frame: head, language switch, body.
pub fn layout(lang: Lang, title: &str, switch_href: &str, body: Markup) -> Markup {
    layout_with_nav(lang, title, switch_href, html! {}, body)
}

/// The page frame with more links in the header (the store's) before the language switch.
pub fn layout_with_nav(
    lang: Lang,
    title: &str,
    switch_href: &str,
    links: Markup,
    body: Markup,
) -> Markup {
    let t = lang.text();
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                link rel="stylesheet" href="/static/style.css";
                script src="/static/app.js" defer {}
            }
            body {
                header.top {
                    a.home href=(format!("/?lang={}", lang.code())) { (t.title) }
                    nav {
                        (links)
                        a.lang-switch href=(switch_href) hreflang=(lang.other().code()) { (t.switch_to) }
                    }
                }
                main { (body) }
                footer { p.note { (t.provenance_note) } }
            }
        }
    }
}

/// `path?query` with the language switched.
pub fn switch_href(path: &str, params: &Params) -> String {
    let q = params.to_query_string_with_compare(params.lang.other());
    if q.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{q}")
    }
}

/// `path?query` in the current language.
pub fn href(path: &str, params: &Params) -> String {
    let q = params.to_query_string(params.lang);
    if q.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{q}")
    }
}

/// The value to put in the region box for a region: its name in `lang` when that name
/// finds it again, else its id.
fn lookup_value<'a>(name: &'a str, id: &'a str, finds: bool) -> &'a str {
    if finds { name } else { id }
}

/// The type-ahead lists, rendered once per language.
fn datalists(state: &AppState, lang: Lang) -> PreEscaped<&str> {
    let slot = &state.cache.datalists[lang as usize];
    PreEscaped(slot.get_or_init(|| render_datalists(state.catalog(), lang).into_string()))
}

fn render_datalists(catalog: &Catalog, lang: Lang) -> Markup {
    html! {
        datalist #japan-regions {
            @for p in catalog.japan_ids() {
                @let r = catalog.region(p);
                @let name = i18n::region_name(r, lang);
                @let finds = catalog.find_japan_region(name).is_ok_and(|x| x == p);
                option value=(lookup_value(name, &r.id, finds)) {
                    (r.name) @if let Some(ja) = i18n::region_name_ja(r) { " · " (ja) }
                }
            }
        }
        datalist #sectors {
            @for s in catalog.sectors().all() {
                @let name = i18n::sector_name(s, lang);
                @let finds = catalog.sectors().find(name).is_ok_and(|x| catalog.sectors().get(x).id == s.id);
                option value=(lookup_value(name, &s.id, finds)) {
                    (s.name) @if let Some(ja) = i18n::sector_name_ja(s) { " · " (ja) }
                }
            }
        }
    }
}

/// The query form (GET, so the URL holds the query).
pub fn form(state: &AppState, params: &Params) -> Markup {
    let lang = params.lang;
    let t = lang.text();
    let wanted = |name: &str| params.want.iter().any(|w| w == name);
    let objective = |name: &str| params.objective.iter().any(|o| o == name);
    html! {
        form.query method="get" action="/" {
            input type="hidden" name="lang" value=(lang.code());
            div.row {
                label {
                    span { (t.region) }
                    input #region name="region" list="japan-regions" autocomplete="off"
                        placeholder=(t.region_hint) value=(params.region) required;
                }
                label {
                    span { (t.sector) }
                    input #sector name="sector" list="sectors" autocomplete="off"
                        placeholder=(t.sector_hint) value=(params.sector) required;
                }
            }
            fieldset {
                legend { (t.wanted) }
                @for choice in &WANT_CHOICES {
                    label.check {
                        input type="checkbox" name="want" value=(choice.0) checked[wanted(choice.0)];
                        (i18n::choice_label(choice, lang))
                    }
                }
            }
            fieldset {
                legend { (t.objectives) }
                @for choice in &OBJECTIVE_CHOICES {
                    label.check {
                        input type="checkbox" name="objective" value=(choice.0) checked[objective(choice.0)];
                        (i18n::choice_label(choice, lang))
                    }
                }
            }
            div.row {
                label {
                    span { (t.before_year) }
                    input #before name="before" inputmode="numeric" pattern="[0-9]{4}"
                        placeholder=(t.before_year_hint) value=(params.before);
                }
                label {
                    span { (t.top) }
                    input #top name="top" type="number" min="1" max="500"
                        value=(if params.top.is_empty() { "10" } else { params.top.as_str() });
                }
                button #submit type="submit" { (t.submit) }
            }
            (filters(state.catalog(), params))
            (datalists(state, lang))
        }
    }
}

/// The shortlist filters of the form (the CLI's `--country`, `--level`, `--exclude`,
/// `--max-per-country` and `--expand`); open when one is set.
fn filters(catalog: &Catalog, params: &Params) -> Markup {
    let lang = params.lang;
    let t = lang.text();
    let set = !params.countries.is_empty()
        || !params.level.is_empty()
        || !params.exclude.is_empty()
        || !params.max_per_country.is_empty()
        || params.expand;
    html! {
        details.filters open[set] {
            summary { (t.filters) }
            div.row {
                label {
                    span { (t.countries) }
                    input #country name="country" autocomplete="off"
                        placeholder=(t.countries_hint) value=(params.countries.join(", "));
                }
                label {
                    span { (t.exclude) }
                    input #exclude name="exclude" autocomplete="off"
                        placeholder=(t.exclude_hint) value=(params.exclude.join(", "));
                }
                label {
                    span { (t.max_per_country) }
                    input #max-per-country name="max_per_country" type="number" min="1"
                        value=(params.max_per_country);
                }
            }
            fieldset {
                legend { (t.levels) }
                @for level in tieup_core::select::overseas_levels(catalog) {
                    label.check {
                        input type="checkbox" name="level" value=(level)
                            checked[params.level.contains(&level)];
                        (i18n::level_label(&level, lang))
                    }
                }
            }
            label.check {
                input #expand type="checkbox" name="expand" value="1" checked[params.expand];
                (t.expand)
            }
        }
    }
}

/// One candidate's bars: negative to the left of the axis, positive to the right.
pub fn bars(items: &[Bar], scale: f64) -> Markup {
    let width = |c: f64| {
        if scale > 0.0 {
            (c.abs() / scale * 100.0).min(100.0)
        } else {
            0.0
        }
    };
    html! {
        div.bars {
            @for (i, b) in items.iter().enumerate() {
                // The brief prints the four largest reasons and every cost ("minor" hides the rest).
                @let cls = match (b.contribution < 0.0, i < 4) {
                    (true, _) => "bar neg",
                    (false, true) => "bar pos",
                    (false, false) => "bar pos minor",
                };
                div class=(cls) title=(b.detail) data-feature=(b.feature.name()) {
                    span.label { (b.label) }
                    span.track.left {
                        @if b.contribution < 0.0 { span.fill style=(format!("width:{:.1}%", width(b.contribution))) {} }
                    }
                    span.track.right {
                        @if b.contribution >= 0.0 { span.fill style=(format!("width:{:.1}%", width(b.contribution))) {} }
                    }
                    span.num { (format!("{:+.3}", b.contribution)) }
                }
            }
        }
    }
}

/// The full reasons of a candidate, never truncated, each with its sources.
pub fn reasons(items: &[Bar], lang: Lang) -> Markup {
    html! {
        details.reasons {
            summary { (lang.text().full_reasons) }
            ol {
                @for b in items {
                    li {
                        b { (b.label) } " "
                        code { (b.feature.name()) " " (format!("{:+.4}", b.contribution)) }
                        br;
                        span.detail { (b.detail) }
                    }
                }
            }
        }
    }
}

fn hidden_query(params: &Params) -> Markup {
    html! {
        input type="hidden" name="region" value=(params.region);
        input type="hidden" name="sector" value=(params.sector);
        @for w in &params.want { input type="hidden" name="want" value=(w); }
        @for o in &params.objective { input type="hidden" name="objective" value=(o); }
        @if !params.before.is_empty() { input type="hidden" name="before" value=(params.before); }
        @if !params.top.is_empty() { input type="hidden" name="top" value=(params.top); }
        @for c in &params.countries { input type="hidden" name="country" value=(c); }
        @for l in &params.level { input type="hidden" name="level" value=(l); }
        @for x in &params.exclude { input type="hidden" name="exclude" value=(x); }
        @if !params.max_per_country.is_empty() { input type="hidden" name="max_per_country" value=(params.max_per_country); }
        @if params.expand { input type="hidden" name="expand" value="1"; }
        input type="hidden" name="lang" value=(params.lang.code());
    }
}

/// The shortlist table with compare boxes, export links and a summary of the query.
pub fn shortlist(state: &AppState, params: &Params, answer: &Answer) -> Markup {
    let catalog = state.catalog();
    let query_string = params.to_query_string(params.lang);
    html! {
        (summary(catalog, params, answer, &query_string))
        (crate::map::map(state, params, answer))
        (compare_form(catalog, params, answer, &query_string))
    }
}

/// The head of a shortlist: the query, its year notice, the model, the filters and the
/// export links.
fn summary(catalog: &Catalog, params: &Params, answer: &Answer, query_string: &str) -> Markup {
    let lang = params.lang;
    let t = lang.text();
    let q = &answer.query;
    let japan = catalog.region(q.japan_region);
    let sector = catalog.sectors().get(q.sector);
    html! {
        section.summary {
            h1 {
                (i18n::region_name(japan, lang)) " × " (i18n::sector_name(sector, lang))
            }
            @let wanted = chosen(&WANT_CHOICES, &params.want, lang);
            @let objectives = chosen(&OBJECTIVE_CHOICES, &params.objective, lang);
            @if !wanted.is_empty() || !objectives.is_empty() || q.before_year.is_some() {
                p.query-facts {
                    @if !wanted.is_empty() { (t.wanted) ": " (wanted) " " }
                    @if !objectives.is_empty() { " · " (t.objectives) ": " (objectives) " " }
                    @if let Some(year) = q.before_year { " · " (t.before_year) ": FY" (year) }
                }
            }
            @if let Some(notice) = &answer.report.query.year_limit {
                p.note #year-limit {
                    @for (i, sentence) in notice.sentences(lang).iter().enumerate() {
                        @if i > 0 { " " }
                        (sentence)
                    }
                }
            }
            p {
                (answer.report.n_candidates) " " (t.scored) " · " (t.model) ": "
                (answer.report.model.kind) " (" (answer.report.model.path) ")"
            }
            (selection_facts(catalog, answer, lang))
            p.actions {
                a #export href=(format!("/export.csv?{query_string}")) { (t.export_csv) }
                " · "
                a #json href=(format!("/api/shortlist?{query_string}")) { (t.json) }
                " · "
                a #print href="#print" { (t.print) }
            }
        }
    }
}

/// The shortlist table, one row a candidate with its bars and reasons, in a form whose
/// boxes pick candidates to compare.
fn compare_form(catalog: &Catalog, params: &Params, answer: &Answer, query_string: &str) -> Markup {
    let lang = params.lang;
    let t = lang.text();
    html! {
        form #compare-form method="get" action="/compare" {
            (hidden_query(params))
            p.hint { (t.compare_hint) " " button #compare type="submit" { (t.compare) } }
            table.shortlist {
                thead {
                    tr {
                        th.sel {}
                        th { (t.rank) }
                        th { (t.name) }
                        th { (t.country) }
                        th { (t.score) }
                        th.why { (t.why) }
                    }
                }
                tbody {
                    @for (i, c) in answer.report.candidates.iter().enumerate() {
                        @let region = catalog.region(answer.list.candidates[i].region);
                        @let (name, other_name) = i18n::region_names(region, lang);
                        tr.candidate id=(format!("c-{}", c.region_id)) {
                            td.sel { input type="checkbox" name="c" value=(c.region_id) aria-label=(name); }
                            td.rank { (c.rank) }
                            td.name {
                                a.profile href=(format!("/region/{}?{query_string}", c.region_id)) { (name) }
                                @if let Some(other) = other_name { br; span.other lang=(lang.other().code()) { (other) } }
                                (also(catalog, &answer.list.candidates[i].also, lang, query_string))
                            }
                            td.country { (i18n::country_name(&c.country, lang)) br; small { (c.country) } }
                            td.score { (format!("{:.3}", c.score)) }
                            td.why {
                                (bars(&answer.bars[i], answer.scale))
                                (reasons(&answer.bars[i], lang))
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The filters and grouping of a shortlist, and a note when fewer rows than asked for pass.
fn selection_facts(catalog: &Catalog, answer: &Answer, lang: Lang) -> Markup {
    let t = lang.text();
    let q = &answer.report.query;
    let levels: Vec<&str> = q
        .levels
        .iter()
        .map(|l| i18n::level_label(l, lang))
        .collect();
    let exclude: Vec<&str> = answer
        .list
        .selection
        .exclude
        .iter()
        .map(|&r| i18n::region_name(catalog.region(r), lang))
        .collect();
    html! {
        @if answer.list.selection.is_filtered() {
            p.filters-facts {
                @if !q.countries.is_empty() { (t.countries) ": " (q.countries.join(", ")) " · " }
                @if !levels.is_empty() { (t.levels) ": " (levels.join(", ")) " · " }
                @if !exclude.is_empty() { (t.exclude) ": " (exclude.join(", ")) " · " }
                @if let Some(n) = q.max_per_country { (t.max_per_country) ": " (n) " · " }
                (answer.list.n_eligible) " " (t.eligible)
            }
        }
        @if q.grouped { p.grouped-note { (t.grouped_note) } }
        @if answer.report.candidates.len() < q.top && (q.grouped || answer.list.selection.is_filtered()) {
            p.shortfall role="status" { (t.shortfall) }
        }
    }
}

/// "also Munich (#3), Nuremberg (#7)": the members folded into a row, with their ranks
/// without grouping.
fn also(
    catalog: &Catalog,
    members: &[tieup_core::select::Member],
    lang: Lang,
    query_string: &str,
) -> Markup {
    html! {
        @if !members.is_empty() {
            br;
            small.also {
                (lang.text().also) " "
                @for (i, m) in members.iter().enumerate() {
                    @if i > 0 { ", " }
                    a.member href=(format!("/region/{}?{query_string}", catalog.region(m.region).id)) {
                        (i18n::region_name(catalog.region(m.region), lang))
                    }
                    " (#" (m.rank_ungrouped) ")"
                }
            }
        }
    }
}

/// The labels of the chosen items (unknown names as given), joined.
fn chosen(
    choices: &[(&'static str, &'static str, &'static str)],
    given: &[String],
    lang: Lang,
) -> String {
    given
        .iter()
        .map(|g| {
            choices
                .iter()
                .find(|c| c.0 == g.as_str())
                .map_or(g.as_str(), |c| i18n::choice_label(c, lang))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The start page or the shortlist page.
pub fn index(state: &AppState, params: &Params, answer: Option<&Answer>) -> Markup {
    let t = params.lang.text();
    let body = html! {
        p.subtitle { (t.subtitle) }
        (form(state, params))
        @match answer {
            Some(a) => {
                (shortlist(state, params, a))
                @if state.store.is_some() { (crate::store::pages::save_form(state, params)) }
            },
            None => p.empty { (t.empty_start) },
        }
    };
    let links = match state.store {
        Some(_) => crate::store::pages::nav(params.lang),
        None => html! {},
    };
    layout_with_nav(params.lang, t.title, &switch_href("/", params), links, body)
}

/// The error in the page's language when the library's (English) message needs it.
fn localized(params: &Params, err: &UserError) -> Option<String> {
    if params.lang != Lang::Ja {
        return None;
    }
    Some(match err.field {
        Some("region") => format!(
            "日本の地域「{}」が見つかりません（または一つに決まりません）。",
            params.region
        ),
        Some("sector") => format!(
            "産業分野「{}」が見つかりません（または一つに決まりません）。",
            params.sector
        ),
        Some("profile") => "この海外地域は見つかりません。".to_string(),
        _ if err.status == 404 => "ページが見つかりません。".to_string(),
        _ => "検索条件を確認してください（詳細は下記）。".to_string(),
    })
}

/// A 4xx page: the message (the CLI's text), the closest names as links, and the form.
pub fn error(state: &AppState, params: &Params, err: &UserError) -> Markup {
    let t = params.lang.text();
    let heading = if err.status == 404 {
        t.not_found
    } else {
        t.bad_request
    };
    let link = |suggestion: &str| {
        let mut p = params.clone();
        match err.field {
            Some("region") => p.region = suggestion.to_string(),
            Some("sector") => p.sector = suggestion.to_string(),
            Some("country") => {
                let catalog = state.catalog();
                p.countries
                    .retain(|c| tieup_core::select::Selection::parse_country(catalog, c).is_ok());
                p.countries.push(suggestion.to_string());
            }
            Some("exclude") => {
                let catalog = state.catalog();
                p.exclude
                    .retain(|x| tieup_core::select::Selection::parse_exclude(catalog, x).is_ok());
                p.exclude.push(suggestion.to_string());
            }
            Some("profile") => {
                return format!(
                    "/region/{suggestion}?{}",
                    params.to_query_string(params.lang)
                );
            }
            _ => {}
        }
        href("/", &p)
    };
    let body = html! {
        section.error role="alert" {
            h1 { (heading) }
            @if let Some(text) = localized(params, err) { p.localized { (text) } }
            p.message { (err.message) }
            @if !err.suggestions.is_empty() {
                p { (t.did_you_mean) }
                ul.suggestions {
                    @for s in &err.suggestions { li { a href=(link(s)) { (s) } } }
                }
            }
        }
        (form(state, params))
    };
    layout(params.lang, heading, &switch_href("/", params), body)
}
