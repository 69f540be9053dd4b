//! The partner-bodies section of a profile page: who in the region (or its enclosing and
//! enclosed regions) could run the tie-up, with type, founding year, source link and the
//! evidence of international work, so that a coordinator can write the first e-mail.

use crate::i18n::{self, Lang};
use maud::{Markup, html};
use tieup_core::catalog::{BodyType, Catalog, MAX_BODY_LEVEL, PartnerBody};
use tieup_core::features::Query;
use tieup_core::ids::RegionId;

/// Words of the section, in the page's language.
struct Words {
    title: &'static str,
    intro_query: &'static str,
    intro_all: &'static str,
    none: &'static str,
    name: &'static str,
    kind: &'static str,
    founded: &'static str,
    unknown: &'static str,
    record: &'static str,
    source: &'static str,
    level: &'static str,
    not_counted_known: &'static str,
    not_counted_year: &'static str,
}

const EN: Words = Words {
    title: "Partner bodies",
    intro_query: "Organisations here that serve the sector and could run the exchange (best first). The ladder: 1 a general agency, 2 a sector body, 3 a sector body with an international or Japan record.",
    intro_all: "Organisations in and around this region that could run an exchange. Choose a sector to see which serve it.",
    none: "No partner body on file for this sector.",
    name: "organisation",
    kind: "type",
    founded: "founded",
    unknown: "unknown",
    record: "international work",
    source: "source",
    level: "level",
    not_counted_known: "not counted: named in a past partnership",
    not_counted_year: "not counted: not shown to exist before the year limit",
};

const JA: Words = Words {
    title: "窓口になる組織",
    intro_query: "この分野を支援し、交流の実施主体になりうる組織（上位順）。段階: 1 地域の支援機関、2 分野のクラスター組織等、3 国際・日本との連携実績がある分野組織。",
    intro_all: "この地域とその周辺で交流の実施主体になりうる組織。分野を選ぶと、その分野を支援する組織に絞られます。",
    none: "この分野の組織は未登録です。",
    name: "組織",
    kind: "種類",
    founded: "設立",
    unknown: "不明",
    record: "国際連携",
    source: "出典",
    level: "段階",
    not_counted_known: "評価対象外: 過去の連携事例に登場",
    not_counted_year: "評価対象外: 年の条件より前の存在が確認できない",
};

fn words(lang: Lang) -> &'static Words {
    if lang == Lang::Ja { &JA } else { &EN }
}

fn kind_label(kind: BodyType, lang: Lang) -> &'static str {
    match (kind, lang == Lang::Ja) {
        (BodyType::ClusterOrganisation, true) => "クラスター組織",
        (BodyType::DevelopmentAgency, true) => "開発・投資促進機関",
        (BodyType::UniversityIndustryCentre, true) => "産学連携・研究機関",
        (BodyType::ChamberOrAssociation, true) => "商工会議所・業界団体",
        (kind, false) => kind.label(),
    }
}

/// The section: with a query, the bodies that reach a rung for its sector (and those listed
/// but not counted, saying why); without one, every body around the region.
pub fn section(catalog: &Catalog, lang: Lang, position: RegionId, query: Option<&Query>) -> Markup {
    let w = words(lang);
    let rows: Vec<(&PartnerBody, Option<u8>)> = match query {
        Some(q) => catalog
            .bodies_for(position, q.sector, q.before_year)
            .into_iter()
            .map(|m| (m.body, Some(m.level)))
            .collect(),
        None => catalog
            .bodies_around(position)
            .into_iter()
            .map(|b| (b, None))
            .collect(),
    };
    html! {
        section #bodies {
            h2 { (w.title) }
            p.note { @if query.is_some() { (w.intro_query) } @else { (w.intro_all) } }
            @if rows.is_empty() { p { (w.none) } } @else {
                table.data {
                    thead { tr {
                        th { (w.name) } th { (w.kind) } th { (w.founded) }
                        th { (w.record) } th { (w.source) }
                        @if query.is_some() { th { (w.level) } }
                    } }
                    tbody {
                        @for (body, level) in &rows {
                            (row(catalog, lang, body, *level))
                        }
                    }
                }
            }
        }
    }
}

fn row(catalog: &Catalog, lang: Lang, body: &PartnerBody, level: Option<u8>) -> Markup {
    let w = words(lang);
    let sectors: Vec<String> = body
        .sectors
        .iter()
        .map(|&s| i18n::sector_name(catalog.sectors().get(s), lang).to_string())
        .collect();
    html! {
        tr.body data-body=(body.id) {
            td {
                @if body.url.is_empty() { strong { (body.name) } }
                @else { a href=(body.url) rel="noopener" { strong { (body.name) } } }
                @if !body.native_name.is_empty() { br; small { (body.native_name) } }
                br; small { (i18n::region_name(catalog.region(body.region), lang))
                    @if !sectors.is_empty() { " · " (sectors.join(", ")) } }
            }
            td { (kind_label(body.kind, lang)) }
            td.num { @match body.founded { Some(y) => (y), None => (w.unknown) } }
            td {
                @if body.japan { "🇯🇵 " }
                @if body.international || body.japan { (body.evidence) } @else { "–" }
            }
            td.source {
                @if !body.url.is_empty() { a href=(body.url) rel="noopener" { (body.url) } }
                @if !body.source.is_empty() { br; small { (body.source) } }
            }
            @if let Some(level) = level {
                td.num {
                    (level) "/" (MAX_BODY_LEVEL)
                    @if level == 0 {
                        br; small {
                            @if body.in_known_partnership { (w.not_counted_known) }
                            @else { (w.not_counted_year) }
                        }
                    }
                }
            }
        }
    }
}
