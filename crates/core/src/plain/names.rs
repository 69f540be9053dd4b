//! Names in the two languages of tieup's answers: the Japanese names of catalog entries
//! (a region's [`Region::name_ja`], a sector's first alias written in Japanese script),
//! country names, and the labels of the wanted traits and objectives. Shared by the command
//! line (`--lang`) and the page.

use super::Lang;
use crate::catalog::Region;
use crate::catalog::japanese::is_japanese_char;
use crate::sector::Sector;

/// The Japanese name of a region ([`Region::name_ja`]): an overseas region's `name_ja`
/// (`バイエルン州`), a Japanese region's first alias in Japanese script (`福島県`).
pub fn region_name_ja(region: &Region) -> Option<&str> {
    region.name_ja()
}

/// The Japanese name of a sector: its first alias in Japanese script.
pub fn sector_name_ja(sector: &Sector) -> Option<&str> {
    sector
        .aliases
        .iter()
        .find(|a| a.chars().any(is_japanese_char))
        .map(String::as_str)
}

/// The region name to show in `lang`.
pub fn region_name(region: &Region, lang: Lang) -> &str {
    match lang {
        Lang::Ja => region_name_ja(region).unwrap_or(&region.name),
        Lang::En => &region.name,
    }
}

/// The sector name to show in `lang`.
pub fn sector_name(sector: &Sector, lang: Lang) -> &str {
    match lang {
        Lang::Ja => sector_name_ja(sector).unwrap_or(&sector.name),
        Lang::En => &sector.name,
    }
}

/// Labels of the wanted-trait choices (feature name, English, Japanese).
pub const WANT_CHOICES: [(&str, &str, &str); 7] = [
    ("advanced_technology", "advanced technology", "先端技術"),
    ("design_ability", "design ability", "デザイン力"),
    ("brand_image", "brand image", "ブランド力"),
    ("materials", "materials to procure", "調達できる素材"),
    (
        "japan_tech_demand",
        "demand for Japanese technology",
        "日本の技術への需要",
    ),
    ("existing_exchange", "existing exchange", "これまでの交流"),
    (
        "communication_cost",
        "easy communication",
        "意思疎通のしやすさ",
    ),
];

/// Labels of the objectives (objective name, English, Japanese).
pub const OBJECTIVE_CHOICES: [(&str, &str, &str); 7] = [
    ("joint_development", "joint development", "共同開発"),
    ("technology_import", "technology import", "技術導入"),
    ("market_development", "market development", "販路開拓"),
    ("technology_export", "technology export", "技術移転（輸出）"),
    ("design", "design", "デザイン"),
    ("procurement", "procurement", "調達"),
    (
        "complementary_cluster",
        "complementary cluster",
        "補完的な産業集積",
    ),
];

/// The label of a choice in `lang`.
pub fn choice_label(
    choice: &(&'static str, &'static str, &'static str),
    lang: Lang,
) -> &'static str {
    match lang {
        Lang::En => choice.1,
        Lang::Ja => choice.2,
    }
}

/// Country names (ISO 3166-1 alpha-2, English, Japanese) of the catalog's countries.
const COUNTRIES: [(&str, &str, &str); 52] = [
    ("AR", "Argentina", "アルゼンチン"),
    ("AT", "Austria", "オーストリア"),
    ("AU", "Australia", "オーストラリア"),
    ("BD", "Bangladesh", "バングラデシュ"),
    ("BE", "Belgium", "ベルギー"),
    ("BR", "Brazil", "ブラジル"),
    ("CA", "Canada", "カナダ"),
    ("CH", "Switzerland", "スイス"),
    ("CL", "Chile", "チリ"),
    ("CN", "China", "中国"),
    ("CZ", "Czechia", "チェコ"),
    ("DE", "Germany", "ドイツ"),
    ("DK", "Denmark", "デンマーク"),
    ("EE", "Estonia", "エストニア"),
    ("ES", "Spain", "スペイン"),
    ("FI", "Finland", "フィンランド"),
    ("FR", "France", "フランス"),
    ("GB", "United Kingdom", "英国"),
    ("HK", "Hong Kong", "香港"),
    ("HU", "Hungary", "ハンガリー"),
    ("ID", "Indonesia", "インドネシア"),
    ("IE", "Ireland", "アイルランド"),
    ("IL", "Israel", "イスラエル"),
    ("IN", "India", "インド"),
    ("IS", "Iceland", "アイスランド"),
    ("IT", "Italy", "イタリア"),
    ("KH", "Cambodia", "カンボジア"),
    ("KR", "South Korea", "韓国"),
    ("LA", "Laos", "ラオス"),
    ("LK", "Sri Lanka", "スリランカ"),
    ("LT", "Lithuania", "リトアニア"),
    ("LU", "Luxembourg", "ルクセンブルク"),
    ("MM", "Myanmar", "ミャンマー"),
    ("MN", "Mongolia", "モンゴル"),
    ("MO", "Macao", "マカオ"),
    ("MX", "Mexico", "メキシコ"),
    ("MY", "Malaysia", "マレーシア"),
    ("NL", "Netherlands", "オランダ"),
    ("NO", "Norway", "ノルウェー"),
    ("NZ", "New Zealand", "ニュージーランド"),
    ("PH", "Philippines", "フィリピン"),
    ("PK", "Pakistan", "パキスタン"),
    ("PL", "Poland", "ポーランド"),
    ("PT", "Portugal", "ポルトガル"),
    ("SE", "Sweden", "スウェーデン"),
    ("SG", "Singapore", "シンガポール"),
    ("SI", "Slovenia", "スロベニア"),
    ("SK", "Slovakia", "スロバキア"),
    ("TH", "Thailand", "タイ"),
    ("TW", "Taiwan", "台湾"),
    ("US", "United States", "米国"),
    ("VN", "Vietnam", "ベトナム"),
];

/// The name of a country in `lang`, or its code when the table does not have it.
pub fn country_name(code: &str, lang: Lang) -> &str {
    match COUNTRIES.binary_search_by(|c| c.0.cmp(code)) {
        Ok(i) => match lang {
            Lang::En => COUNTRIES[i].1,
            Lang::Ja => COUNTRIES[i].2,
        },
        Err(_) => code,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_names_are_sorted_and_found() {
        assert!(COUNTRIES.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(country_name("SE", Lang::Ja), "スウェーデン");
        assert_eq!(country_name("US", Lang::En), "United States");
        assert_eq!(country_name("XX", Lang::Ja), "XX");
    }
}
