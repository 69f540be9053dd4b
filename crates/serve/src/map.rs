//! The world map of a shortlist: country outlines (Natural Earth 1:110m, public domain, as a
//! committed SVG made once by `scripts/world_svg.py`; no tiles, no network), every candidate
//! as a dot, the shown candidates numbered by rank, the Japanese region marked.

use crate::answer::Answer;
use crate::i18n::{self, Lang, PageText};
use crate::params::Params;
use crate::state::AppState;
use maud::{Markup, PreEscaped, html};
use tieup_core::catalog::Catalog;

/// The outline SVG, served at `/static/world.svg`.
pub const WORLD_SVG: &str = include_str!("../assets/world.svg");

/// Pixels per degree of the equirectangular projection (as in `scripts/world_svg.py`).
const K: f64 = 1000.0 / 360.0;
/// Northernmost latitude shown.
const TOP_LAT: f64 = 84.0;
/// Height of the view box (84 N to 56 S).
const HEIGHT: f64 = 389.0;

/// Map coordinates of a point.
pub fn project(lat: f64, lon: f64) -> (f64, f64) {
    ((lon + 180.0) * K, (TOP_LAT - lat) * K)
}

/// The map of a shortlist.
pub fn map(state: &AppState, params: &Params, answer: &Answer) -> Markup {
    let catalog = state.catalog();
    let lang = params.lang;
    let query_string = params.to_query_string(lang);
    let japan = catalog.region(answer.query.japan_region);
    let (jx, jy) = project(japan.lat, japan.lon);
    html! {
        figure.map {
            svg #map viewBox=(format!("0 0 1000 {HEIGHT}")) role="img" aria-label=(lang.text().map) {
                image href="/static/world.svg" x="0" y="0" width="1000" height=(HEIGHT) {}
                g.all { (PreEscaped(state.cache.dots.get_or_init(|| dots(catalog).into_string()))) }
                g.top {
                    @for c in answer.list.candidates.iter().rev() {
                        @let r = catalog.region(c.region);
                        @let (x, y) = project(r.lat, r.lon);
                        a href=(format!("/region/{}?{query_string}", r.id)) {
                            circle cx=(format!("{x:.1}")) cy=(format!("{y:.1}")) r=(if c.rank <= 3 { "6" } else { "4.5" }) {
                                title { (c.rank) ". " (i18n::region_name(r, lang)) " (" (r.country) ")" }
                            }
                            @if c.rank <= 10 {
                                text x=(format!("{:.1}", x + 6.0)) y=(format!("{:.1}", y - 5.0)) { (c.rank) }
                            }
                        }
                    }
                }
                g.home {
                    rect x=(format!("{:.1}", jx - 5.0)) y=(format!("{:.1}", jy - 5.0)) width="10" height="10" {
                        title { (i18n::region_name(japan, lang)) }
                    }
                }
            }
            figcaption { (caption(lang)) }
        }
    }
}

/// Every candidate as a small dot (rendered once per catalog).
fn dots(catalog: &Catalog) -> Markup {
    html! {
        @for p in catalog.candidate_ids() {
            @let r = catalog.region(p);
            @let (x, y) = project(r.lat, r.lon);
            circle cx=(format!("{x:.1}")) cy=(format!("{y:.1}")) r="1.6" {}
        }
    }
}

fn caption(lang: Lang) -> &'static str {
    match lang {
        Lang::En => {
            "■ the Japanese region · ● the shortlist (number = rank) · · every other candidate. Outlines: Natural Earth 1:110m (public domain)."
        }
        Lang::Ja => {
            "■ 日本の地域 ・ ● 候補（数字は順位） ・ · その他の候補。国境：Natural Earth 1:110m（パブリックドメイン）。"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projection_corners() {
        assert_eq!(project(84.0, -180.0), (0.0, 0.0));
        let (x, y) = project(-56.0, 180.0);
        assert!((x - 1000.0).abs() < 1e-9 && (y - HEIGHT).abs() < 0.2);
    }

    #[test]
    fn outlines_are_shipped() {
        assert!(WORLD_SVG.starts_with("<svg"));
        assert!(WORLD_SVG.contains("Natural Earth"));
    }
}
