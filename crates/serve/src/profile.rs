//! The profile page of an overseas region (strengths with sources, traits with reasons, past
//! partnerships, twin ties, geography, partner bodies, and why it ranks where it does for the
//! current query)
//! and the side-by-side comparison of two or three candidates.

use crate::answer::{self, Bar};
use crate::i18n::{self, Lang, PageText};
use crate::pages::{bars, href, layout, reasons, switch_href};
use crate::params::{Params, UserError};
use crate::plain;
use crate::state::AppState;
use maud::{Markup, html};
use tieup_core::catalog::{Catalog, TRAITS};
use tieup_core::features::Query;
use tieup_core::ids::RegionId;
use tieup_core::rank::RankedCandidate;

/// Finds an overseas region by id, name or alias; anything else is a 404 with suggestions.
pub fn find_overseas(catalog: &Catalog, name: &str) -> Result<RegionId, UserError> {
    match catalog.find_overseas_region(name) {
        Ok(found) => Ok(found),
        Err(tieup_core::Error::UnknownName { .. }) if catalog.find_japan_region(name).is_ok() => {
            Err(UserError {
                status: 404,
                message: format!("'{name}' is a Japanese region; profiles are of overseas regions"),
                suggestions: Vec::new(),
                field: None,
            })
        }
        Err(e) => Err(UserError::from_core(e, 404).on("profile")),
    }
}

/// The ranking facts of one region for the current query, when the page has a query: the
/// number of places, the query, and the region's candidate (ranked by its place, as the
/// shortlist shows it) with its bars.
type Ranked = Option<(usize, Query, Option<(RankedCandidate, Vec<Bar>)>)>;

fn rank_regions(
    state: &AppState,
    params: &Params,
    regions: &[RegionId],
) -> Result<Vec<Ranked>, UserError> {
    if !params.has_query() {
        return Ok(vec![None; regions.len()]);
    }
    let query = params.query(state.catalog())?;
    let (n, found) = answer::place_ranks_of(state, &query, regions, params.lang)?;
    Ok(found
        .into_iter()
        .map(|f| Some((n, query.clone(), f)))
        .collect())
}

/// The profile page of overseas region `position`.
pub fn page(state: &AppState, params: &Params, position: RegionId) -> Result<Markup, UserError> {
    let catalog = state.catalog();
    let lang = params.lang;
    let t = lang.text();
    let region = catalog.region(position);
    let (name, other_name) = i18n::region_names(region, lang);
    let ranked = rank_regions(state, params, &[position])?.pop().flatten();
    let body = html! {
        p { a.back href=(href("/", params)) { "← " (t.back) } }
        h1 #profile-name {
            (name)
            @if let Some(other) = other_name { " " span.other lang=(lang.other().code()) { (other) } }
        }
        p.facts {
            (t.country) ": " (i18n::country_name(&region.country, lang)) " (" (region.country) ") · " (t.level) ": " (i18n::level_label(&region.level, lang))
            @if let Some(parent) = region.parent {
                " · " (t.parent) ": "
                a href=(format!("/region/{}?{}", catalog.region(parent).id, params.to_query_string(lang))) {
                    (i18n::region_name(catalog.region(parent), lang))
                }
            }
        }
        section #why {
            h2 { (t.rank_here) }
            @match &ranked {
                Some((n, _, Some((c, items)))) => {
                    p.rank { (t.rank_of.replace("{rank}", &c.rank.to_string()).replace("{n}", &n.to_string()))
                        " · " (t.score) " " (format!("{:.3}", c.score)) }
                    (bars(items, items.iter().map(|b| b.contribution.abs()).fold(0.0, f64::max)))
                    (reasons(items, lang))
                }
                _ => p { (t.ask_query) },
            }
        }
        (crate::bodies::section(catalog, lang, position, ranked.as_ref().map(|r| &r.1)))
        (geography(catalog, params, position, ranked.as_ref().map(|r| r.1.japan_region)))
        (strengths(catalog, lang, position))
        (traits(catalog, lang, position))
        (partnerships(catalog, params, position))
    };
    let title = format!("{name} · {}", t.profile);
    let path = format!("/region/{}", region.id);
    Ok(layout(lang, &title, &switch_href(&path, params), body))
}

fn geography(
    catalog: &Catalog,
    params: &Params,
    position: RegionId,
    japan: Option<RegionId>,
) -> Markup {
    let t = params.lang.text();
    let region = catalog.region(position);
    html! {
        section #geography {
            h2 { (t.geography) }
            table.facts {
                @if let Some(j) = japan {
                    @let access = catalog.air_access(j, position);
                    @let cost = catalog.communication_cost(j, position);
                    tr { th { (t.distance) } td { (format!("{:.0} km", cost.distance_km)) " (" (i18n::region_name(catalog.region(j), params.lang)) ")" } }
                    @if let Some(a) = access {
                        tr {
                            th { @if params.lang == Lang::Ja { "空路（2014年の路線網）" } @else { "by air (2014 network)" } }
                            td {
                                (format!("{:.0} h", a.hours)) ", " (a.japan_airport) " – " (a.overseas_airport)
                                @if let Some(via) = &a.via { " via " (via) }
                                @else if a.connections == 0 { " direct" }
                            }
                        }
                    }
                    tr { th { (t.time_gap) } td { (cost.time_gap_hours) " " (t.hours) } }
                    tr { th { "" } td { (plain::communication_label(&cost, params.lang)) } }
                }
                tr { th { "UTC" } td { (format!("{:+}", region.utc_offset)) } }
                tr { th { (t.languages) } td { (region.languages.join(", ")) } }
                tr { th { "lat, lon" } td { (format!("{:.3}, {:.3}", region.lat, region.lon)) " (" (region.geo_provenance) ")" } }
            }
        }
    }
}

fn source_cell(provenance: &str, note: &str) -> Markup {
    html! { td.source { code { (provenance) } @if !note.is_empty() { " " (note) } } }
}

fn strengths(catalog: &Catalog, lang: Lang, position: RegionId) -> Markup {
    let t = lang.text();
    let mut rows = catalog.explicit_strengths(position);
    rows.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    html! {
        section #strengths {
            h2 { (t.strengths) }
            @if rows.is_empty() { p { (t.none) } } @else {
                table.data {
                    thead { tr { th { (t.sector_col) } th { (t.value) } th { (t.source) } } }
                    tbody {
                        @for (s, v) in &rows {
                            tr {
                                td { (i18n::sector_name(catalog.sectors().get(*s), lang)) }
                                td.num { (format!("{v:.2}")) }
                                @match catalog.strength_source(position, *s) {
                                    Some((_, src)) => (source_cell(&src.provenance.to_string(), &src.note)),
                                    None => td {},
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn traits(catalog: &Catalog, lang: Lang, position: RegionId) -> Markup {
    let t = lang.text();
    html! {
        section #traits {
            h2 { (t.traits) }
            table.data {
                thead { tr { th { (t.trait_col) } th { (t.value) } th { (t.source) } } }
                tbody {
                    @for (i, name) in TRAITS.iter().enumerate() {
                        tr {
                            td { (i18n::choice_label(&i18n::WANT_CHOICES[i], lang)) " " code { (name) } }
                            td.num { (format!("{:.2}", catalog.trait_value(position, i))) }
                            @match catalog.trait_source(position, i) {
                                Some(src) => (source_cell(&src.provenance.to_string(), &src.note)),
                                None => td { (t.none) },
                            }
                        }
                    }
                }
            }
        }
    }
}

fn partnerships(catalog: &Catalog, params: &Params, position: RegionId) -> Markup {
    let lang = params.lang;
    let t = lang.text();
    let past: Vec<_> = catalog
        .partnerships()
        .iter()
        .filter(|p| p.overseas_regions.contains(&position))
        .collect();
    let twins: Vec<_> = catalog
        .twin_ties()
        .iter()
        .filter(|tie| tie.overseas_region == position)
        .collect();
    html! {
        section #partnerships {
            h2 { (t.partnerships) }
            @if past.is_empty() { p { (t.none) } } @else {
                ul {
                    @for p in &past {
                        li {
                            code { (p.id) } ": " (i18n::region_name(catalog.region(p.japan_region), lang))
                            ", " (i18n::sector_name(catalog.sectors().get(p.sector), lang))
                            ", FY" (p.start_fy) "–" (p.end_fy)
                        }
                    }
                }
            }
            h2 { (t.twin_ties) }
            @if twins.is_empty() { p { (t.none) } } @else {
                ul {
                    @for tie in &twins {
                        li {
                            (i18n::region_name(catalog.region(tie.japan_region), lang))
                            " (" (tie.links) "): " (tie.examples) " " code { (tie.sources) }
                        }
                    }
                }
            }
        }
    }
}

/// The comparison page of two or three overseas regions (`c=` repeated).
pub fn compare(state: &AppState, params: &Params) -> Result<Markup, UserError> {
    let catalog = state.catalog();
    let lang = params.lang;
    let t = lang.text();
    if !(2..=3).contains(&params.compare.len()) {
        return Err(UserError::bad(t.compare_pick));
    }
    let mut positions: Vec<RegionId> = Vec::new();
    for c in &params.compare {
        let p = find_overseas(catalog, c).map_err(|e| UserError { status: 400, ..e })?;
        if !positions.contains(&p) {
            positions.push(p);
        }
    }
    if positions.len() < 2 {
        return Err(UserError::bad(t.compare_pick));
    }
    let ranked = rank_regions(state, params, &positions)?;
    let scale = ranked
        .iter()
        .flatten()
        .filter_map(|r| r.2.as_ref())
        .flat_map(|(_, items)| items.iter().map(|b| b.contribution.abs()))
        .fold(0.0, f64::max);
    let japan = ranked.iter().flatten().next().map(|r| r.1.japan_region);
    let body = html! {
        p { a.back href=(href("/", params)) { "← " (t.back) } }
        h1 { (t.compare_title) }
        table.compare {
            thead {
                tr {
                    th {}
                    @for &p in &positions {
                        th { a href=(format!("/region/{}?{}", catalog.region(p).id, params.to_query_string(lang))) {
                            (i18n::region_name(catalog.region(p), lang)) } br; small { (i18n::country_name(&catalog.region(p).country, lang)) } }
                    }
                }
            }
            tbody {
                @if params.has_query() {
                    tr { th { (t.rank) } @for r in &ranked { td.rank { @if let Some((n, _, Some((c, _)))) = r { (t.rank_of.replace("{rank}", &c.rank.to_string()).replace("{n}", &n.to_string())) } } } }
                    tr { th { (t.score) } @for r in &ranked { td.num { @if let Some((_, _, Some((c, _)))) = r { (format!("{:.3}", c.score)) } } } }
                    tr { th { (t.why) } @for r in &ranked { td { @if let Some((_, _, Some((_, items)))) = r { (bars(items, scale)) (reasons(items, lang)) } } } }
                }
                @if let Some(j) = japan {
                    tr { th { (t.geography) } @for &p in &positions {
                        td { (plain::communication_label(&catalog.communication_cost(j, p), lang)) } } }
                }
                tr { th { (t.languages) } @for &p in &positions { td { (catalog.region(p).languages.join(", ")) } } }
                @for (i, _) in TRAITS.iter().enumerate() {
                    tr { th { (i18n::choice_label(&i18n::WANT_CHOICES[i], lang)) }
                        @for &p in &positions { td.num { (format!("{:.2}", catalog.trait_value(p, i))) } } }
                }
                tr { th { (t.strengths) } @for &p in &positions { td { (top_strengths(catalog, lang, p)) } } }
            }
        }
    };
    Ok(layout(
        lang,
        t.compare_title,
        &switch_href("/compare", params),
        body,
    ))
}

fn top_strengths(catalog: &Catalog, lang: Lang, position: RegionId) -> Markup {
    let mut rows = catalog.explicit_strengths(position);
    rows.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    html! {
        ul.plain {
            @for (s, v) in rows.iter().take(5) {
                li { (i18n::sector_name(catalog.sectors().get(*s), lang)) " " (format!("{v:.2}")) }
            }
        }
    }
}
