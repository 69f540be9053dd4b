//! Plain-language labels of contributions ("strong in medical devices", "far and 8 hours
//! apart"), in English and Japanese, for the bars of the shortlist. The full reasons with
//! their sources come from [`tieup_core::rank::explain`] unchanged.

use crate::i18n::{Lang, region_name, sector_name};
use tieup_core::features::{Encoder, Feature, Query};
use tieup_core::geo;
use tieup_core::rank::RankedCandidate;

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
        Feature::AdvancedTechnology
        | Feature::DesignAbility
        | Feature::BrandImage
        | Feature::Materials => trait_label(feature.catalog_trait().unwrap_or(0), x, lang),
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
    let twin = encoder.twin_tie(query, candidate.region);
    let use_twin = match partnership {
        Some((v, _)) => v < tieup_core::features::TWIN_TIE && twin.is_some(),
        None => twin.is_some(),
    };
    if use_twin {
        return match lang {
            Lang::En => "twin-city link".into(),
            Lang::Ja => "姉妹都市提携あり".into(),
        };
    }
    match partnership {
        Some((_, p)) => {
            let p = &p;
            let japan = region_name(catalog.region(p.japan_region), lang);
            match lang {
                Lang::En => format!("past exchange ({japan}, FY{})", p.start_fy),
                Lang::Ja => format!("過去の交流あり（{japan}、{}年度）", p.start_fy),
            }
        }
        None => match lang {
            Lang::En => "no past exchange".into(),
            Lang::Ja => "過去の交流なし".into(),
        },
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

    #[test]
    fn levels() {
        assert_eq!(trait_label(1, 0.9, Lang::En), "world-class design ability");
        assert_eq!(trait_label(0, 0.7, Lang::Ja), "先端技術（高い）");
    }
}
