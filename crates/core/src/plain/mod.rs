//! Plain-language wording of tieup's answers, in English and Japanese, shared by the command
//! line (`tieup shortlist --lang`) and the page: the label of each contribution ("strong in
//! medical devices", "far and 8 hours apart"), past partnerships in words ("Nagasaki–Sichuan
//! environment partnership, FY1997", never an internal id), and the short list of reasons a
//! table shows (the largest raises and always the largest penalty). The full reasons with
//! their sources come from [`crate::rank::explain`] unchanged.

pub mod names;

use crate::catalog::{Catalog, Partnership};
use crate::features::{Encoder, Feature, Query};
use crate::geo;
use crate::rank::{RankedCandidate, Shortlist};
use names::{country_name, region_name, sector_name};

/// The language of an answer: the page's `lang` parameter, the command line's `--lang`
/// (`en` by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Japanese.
    Ja,
}

impl Lang {
    /// `ja` gives Japanese; anything else English.
    pub fn parse(text: &str) -> Lang {
        if text.trim().eq_ignore_ascii_case("ja") {
            Lang::Ja
        } else {
            Lang::En
        }
    }

    /// The code used in URLs and `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ja => "ja",
        }
    }

    /// The other language (for the switch).
    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Ja,
            Lang::Ja => Lang::En,
        }
    }
}

/// How strong a value in [0, 1] is, in words.
fn level(value: f64, lang: Lang) -> &'static str {
    match (lang, value) {
        (Lang::En, v) if v >= 0.8 => "world-class",
        (Lang::En, v) if v >= 0.6 => "strong",
        (Lang::En, v) if v >= 0.4 => "notable",
        (Lang::En, v) if v > 0.0 => "some",
        (Lang::En, _) => "no",
        (Lang::Ja, v) if v >= 0.8 => "世界有数の",
        (Lang::Ja, v) if v >= 0.6 => "強い",
        (Lang::Ja, v) if v >= 0.4 => "目立つ",
        (Lang::Ja, v) if v > 0.0 => "一定の",
        (Lang::Ja, _) => "ない",
    }
}

/// A name as it reads inside a sentence: "Medical devices" → "medical devices", but "IT"
/// and Japanese stay as they are.
fn mid_sentence(name: &str) -> String {
    let mut chars = name.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_ascii_uppercase() && second.is_lowercase() => {
            format!("{}{}", first.to_ascii_lowercase(), &name[1..])
        }
        _ => name.to_string(),
    }
}

/// How strong a trait is, as a Japanese predicate noun ("先端技術（高い）").
fn level_ja_noun(value: f64) -> &'static str {
    match value {
        v if v >= 0.8 => "世界有数",
        v if v >= 0.6 => "高い",
        v if v >= 0.4 => "目立つ",
        v if v > 0.0 => "一定",
        _ => "なし",
    }
}

/// The label of one feature's contribution for one candidate.
pub fn label(
    encoder: &Encoder<'_>,
    query: &Query,
    candidate: &RankedCandidate,
    feature: Feature,
    lang: Lang,
) -> String {
    let catalog = encoder.catalog();
    let x = candidate.features[feature.index()];
    let sector = mid_sentence(sector_name(catalog.sectors().get(query.sector), lang));
    let ja = lang == Lang::Ja;
    match feature {
        Feature::SameAreaCluster => {
            if ja {
                format!("{sector}で{}集積", level(x, lang))
            } else if x >= 0.6 {
                format!("strong in {sector}")
            } else {
                format!("{} activity in {sector}", level(x, lang))
            }
        }
        Feature::ClusterSimilarity => {
            if ja {
                format!("産業構成が似ている（{x:.2}）")
            } else {
                format!("similar mix of industries ({x:.2})")
            }
        }
        Feature::SupplementalCluster => match encoder.supplemental(query, candidate.region) {
            Some((_, q)) => {
                let q = mid_sentence(sector_name(catalog.sectors().get(q), lang));
                if ja {
                    format!("関連分野（{q}）で補完できる")
                } else {
                    format!("complements you in {q}")
                }
            }
            None => if ja {
                "補完分野なし"
            } else {
                "no complementary sector"
            }
            .to_string(),
        },
        Feature::JapanTechDemand => {
            if ja {
                format!("日本の技術への需要（{x:.2}）")
            } else {
                format!("wants Japanese technology ({x:.2})")
            }
        }
        Feature::ExistingExchange => exchange_label(encoder, query, candidate, lang),
        Feature::CommunicationCost => {
            let cost = catalog.communication_cost(query.japan_region, candidate.region);
            communication_label(&cost, lang)
        }
        Feature::AdvancedTechnology | Feature::DesignAbility | Feature::BrandImage => {
            let t = trait_label(feature.catalog_trait().unwrap_or(0), x, lang);
            if ja {
                format!("{sector}の{t}")
            } else {
                format!("{t} in {sector}")
            }
        }
        Feature::Materials => trait_label(feature.catalog_trait().unwrap_or(0), x, lang),
    }
}

fn trait_label(t: usize, x: f64, lang: Lang) -> String {
    let (en, ja) = match t {
        0 => ("advanced technology", "先端技術"),
        1 => ("design ability", "デザイン力"),
        2 => ("brand image", "ブランド力"),
        3 => ("materials to procure", "調達できる素材"),
        _ => ("demand for Japanese technology", "日本の技術への需要"),
    };
    match lang {
        Lang::En => format!("{} {en}", level(x, lang)),
        Lang::Ja => format!("{ja}（{}）", level_ja_noun(x)),
    }
}

fn exchange_label(
    encoder: &Encoder<'_>,
    query: &Query,
    candidate: &RankedCandidate,
    lang: Lang,
) -> String {
    let catalog = encoder.catalog();
    let partnership = encoder.exchange(query, candidate.region);
    let twin = encoder.twin_exchange(query, candidate.region);
    let use_twin = match (partnership, twin) {
        (Some((v, _)), Some(t)) => v < t.value,
        (_, twin) => twin.is_some(),
    };
    if use_twin {
        return match lang {
            Lang::En => "twin-city link".into(),
            Lang::Ja => "姉妹都市提携あり".into(),
        };
    }
    match partnership {
        Some((_, p)) => {
            let words = partnership_words(catalog, p, lang);
            match lang {
                Lang::En => format!("past exchange: {words}"),
                Lang::Ja => format!("過去の交流あり：{words}"),
            }
        }
        None => match lang {
            Lang::En => "no past exchange".into(),
            Lang::Ja => "過去の交流なし".into(),
        },
    }
}

/// A past partnership in words, without its internal id: "Nagasaki–Sichuan environment
/// partnership, FY1997" (partners joined by "and"); in Japanese
/// "長崎県–四川省の環境分野の連携（1997年度）".
pub fn partnership_words(catalog: &Catalog, partnership: &Partnership, lang: Lang) -> String {
    let japan = region_name(catalog.region(partnership.japan_region), lang);
    let partners: Vec<&str> = partnership
        .overseas_regions
        .iter()
        .map(|&o| region_name(catalog.region(o), lang))
        .collect();
    let sector = sector_name(catalog.sectors().get(partnership.sector), lang);
    match lang {
        Lang::En => format!(
            "{japan}–{} {} partnership, FY{}",
            partners.join(" and "),
            mid_sentence(sector),
            partnership.start_fy
        ),
        Lang::Ja => format!(
            "{japan}–{}の{sector}分野の連携（{}年度）",
            partners.join("・"),
            partnership.start_fy
        ),
    }
}

/// "far and 8 hours apart", "near, same time zone, English".
pub fn communication_label(cost: &geo::CommunicationCost, lang: Lang) -> String {
    let hours = cost.time_gap_hours;
    let hours_text = if hours.fract() == 0.0 {
        format!("{hours:.0}")
    } else {
        format!("{hours:.1}")
    };
    let (far, language) = match lang {
        Lang::En => (
            match cost.distance_km {
                d if d >= 6000.0 => "far",
                d if d >= 2500.0 => "mid-distance",
                _ => "near",
            },
            match cost.language_gap {
                g if g <= 0.0 => "a shared language",
                g if g <= 0.5 => "English",
                _ => "needs an interpreter",
            },
        ),
        Lang::Ja => (
            match cost.distance_km {
                d if d >= 6000.0 => "遠距離",
                d if d >= 2500.0 => "中距離",
                _ => "近距離",
            },
            match cost.language_gap {
                g if g <= 0.0 => "共通言語あり",
                g if g <= 0.5 => "英語",
                _ => "通訳が必要",
            },
        ),
    };
    match (lang, hours == 0.0) {
        (Lang::En, true) => format!("{far}, same time zone, {language}"),
        (Lang::En, false) => format!(
            "{far} and {hours_text} hour{} apart, {language}",
            if hours == 1.0 { "" } else { "s" }
        ),
        (Lang::Ja, true) => format!("{far}・時差なし・{language}"),
        (Lang::Ja, false) => format!("{far}・時差{hours_text}時間・{language}"),
    }
}

/// One contribution in words.
#[derive(Debug, Clone, PartialEq)]
pub struct PlainReason {
    /// The feature.
    pub feature: Feature,
    /// Its contribution to the score (positive raises it, negative is a penalty).
    pub contribution: f64,
    /// The plain-language label ([`label`]).
    pub label: String,
}

impl PlainReason {
    /// "strong in medical devices +0.21", "far and 8 hours apart −0.12".
    pub fn text(&self) -> String {
        let sign = if self.contribution < 0.0 { '−' } else { '+' };
        format!("{} {sign}{:.2}", self.label, self.contribution.abs())
    }
}

/// Every non-zero contribution of a candidate in words, largest absolute contribution first
/// (ties by schema order), as [`crate::rank::explain`] orders them.
pub fn reasons(
    encoder: &Encoder<'_>,
    query: &Query,
    candidate: &RankedCandidate,
    lang: Lang,
) -> Vec<PlainReason> {
    let mut all: Vec<PlainReason> = Feature::ALL
        .into_iter()
        .filter(|f| candidate.contributions[f.index()] != 0.0)
        .map(|f| PlainReason {
            feature: f,
            contribution: candidate.contributions[f.index()],
            label: label(encoder, query, candidate, f, lang),
        })
        .collect();
    all.sort_by(|a, b| {
        b.contribution
            .abs()
            .total_cmp(&a.contribution.abs())
            .then(a.feature.cmp(&b.feature))
    });
    all
}

/// The reasons a table shows: the `n` largest raises, largest first, then the largest
/// penalty whenever there is one (however small, so a reader always sees what counts
/// against a candidate).
pub fn summary(reasons: &[PlainReason], n: usize) -> Vec<&PlainReason> {
    let mut raises: Vec<&PlainReason> = reasons.iter().filter(|r| r.contribution > 0.0).collect();
    raises.sort_by(|a, b| {
        b.contribution
            .total_cmp(&a.contribution)
            .then(a.feature.cmp(&b.feature))
    });
    raises.truncate(n);
    let penalty = reasons
        .iter()
        .filter(|r| r.contribution < 0.0)
        .min_by(|a, b| {
            a.contribution
                .total_cmp(&b.contribution)
                .then(a.feature.cmp(&b.feature))
        });
    raises.extend(penalty);
    raises
}

/// One candidate of a shortlist with its names and reasons in one language.
#[derive(Debug, Clone, PartialEq)]
pub struct PlainCandidate {
    /// The region's name.
    pub name: String,
    /// The country's name (its ISO code when the table lacks it).
    pub country_name: String,
    /// The name of the region it belongs to (a city's state, a state's country part).
    pub parent_name: Option<String>,
    /// Every non-zero contribution in words ([`reasons`]).
    pub reasons: Vec<PlainReason>,
}

/// A shortlist in one language: the query's names and each candidate's, in rank order.
#[derive(Debug, Clone, PartialEq)]
pub struct PlainShortlist {
    /// The language.
    pub lang: Lang,
    /// The Japanese region's name.
    pub region_name: String,
    /// The sector's name.
    pub sector_name: String,
    /// The survey sector's name (whose weights applied).
    pub survey_sector_name: String,
    /// The candidates, in rank order.
    pub candidates: Vec<PlainCandidate>,
}

impl PlainShortlist {
    /// Words for every candidate of `shortlist`.
    pub fn new(encoder: &Encoder<'_>, shortlist: &Shortlist, lang: Lang) -> Self {
        let catalog = encoder.catalog();
        let query = &shortlist.query;
        let sectors = catalog.sectors();
        let candidates = shortlist
            .candidates
            .iter()
            .map(|c| {
                let region = catalog.region(c.region);
                PlainCandidate {
                    name: region_name(region, lang).to_string(),
                    country_name: country_name(&region.country, lang).to_string(),
                    parent_name: region
                        .parent
                        .map(|p| region_name(catalog.region(p), lang).to_string()),
                    reasons: reasons(encoder, query, c, lang),
                }
            })
            .collect();
        PlainShortlist {
            lang,
            region_name: region_name(catalog.region(query.japan_region), lang).to_string(),
            sector_name: sector_name(sectors.get(query.sector), lang).to_string(),
            survey_sector_name: sector_name(sectors.get(sectors.survey_root(query.sector)), lang)
                .to_string(),
            candidates,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn communication_in_both_languages() {
        let cost = geo::CommunicationCost {
            distance_km: 8700.0,
            travel_hours: None,
            presence_gap: None,
            time_gap_hours: 8.0,
            language_gap: 0.5,
            total: 0.6,
        };
        assert_eq!(
            communication_label(&cost, Lang::En),
            "far and 8 hours apart, English"
        );
        assert_eq!(
            communication_label(&cost, Lang::Ja),
            "遠距離・時差8時間・英語"
        );
    }

    fn reason(feature: Feature, contribution: f64) -> PlainReason {
        PlainReason {
            feature,
            contribution,
            label: feature.name().to_string(),
        }
    }

    #[test]
    fn summary_keeps_the_largest_penalty_however_small() {
        let all = vec![
            reason(Feature::SameAreaCluster, 0.5),
            reason(Feature::ClusterSimilarity, 0.3),
            reason(Feature::CommunicationCost, -0.2),
            reason(Feature::BrandImage, 0.1),
            reason(Feature::DesignAbility, 0.05),
            reason(Feature::Materials, -0.01),
        ];
        let shown: Vec<Feature> = summary(&all, 3).iter().map(|r| r.feature).collect();
        assert_eq!(
            shown,
            [
                Feature::SameAreaCluster,
                Feature::ClusterSimilarity,
                Feature::BrandImage,
                Feature::CommunicationCost
            ]
        );
        assert_eq!(all[2].text(), "communication_cost −0.20");
        let no_penalty = &all[..2];
        assert_eq!(summary(no_penalty, 3).len(), 2);
    }

    #[test]
    fn levels() {
        assert_eq!(trait_label(1, 0.9, Lang::En), "world-class design ability");
        assert_eq!(trait_label(0, 0.7, Lang::Ja), "先端技術（高い）");
    }
}
