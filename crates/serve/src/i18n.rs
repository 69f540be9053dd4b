//! The two languages of the page: every label and message in English and Japanese, and the
//! Japanese names of catalog entries (the first alias written in Japanese script).
//!
//! Labels live in one struct per language, so a label missing in one language is a compile
//! error, not a blank on the page.

use tieup_core::catalog::{Region, RegionKind};
use tieup_core::sector::Sector;

/// The page language, from the `lang` query parameter (`en` by default).
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

    /// The labels of this language.
    pub fn text(self) -> &'static Text {
        match self {
            Lang::En => &EN,
            Lang::Ja => &JA,
        }
    }
}

/// Every fixed label and message of the page.
#[derive(Debug)]
pub struct Text {
    pub title: &'static str,
    pub subtitle: &'static str,
    pub switch_to: &'static str,
    pub region: &'static str,
    pub region_hint: &'static str,
    pub sector: &'static str,
    pub sector_hint: &'static str,
    pub wanted: &'static str,
    pub objectives: &'static str,
    pub before_year: &'static str,
    pub before_year_hint: &'static str,
    pub top: &'static str,
    pub submit: &'static str,
    pub rank: &'static str,
    pub name: &'static str,
    pub country: &'static str,
    pub score: &'static str,
    pub why: &'static str,
    pub full_reasons: &'static str,
    pub provenance_note: &'static str,
    pub compare: &'static str,
    pub compare_hint: &'static str,
    pub export_csv: &'static str,
    pub json: &'static str,
    pub print: &'static str,
    pub scored: &'static str,
    pub model: &'static str,
    pub not_found: &'static str,
    pub did_you_mean: &'static str,
    pub bad_request: &'static str,
    pub profile: &'static str,
    pub strengths: &'static str,
    pub sector_col: &'static str,
    pub value: &'static str,
    pub source: &'static str,
    pub traits: &'static str,
    pub trait_col: &'static str,
    pub partnerships: &'static str,
    pub none: &'static str,
    pub twin_ties: &'static str,
    pub geography: &'static str,
    pub distance: &'static str,
    pub time_gap: &'static str,
    pub languages: &'static str,
    pub level: &'static str,
    pub parent: &'static str,
    pub rank_here: &'static str,
    pub rank_of: &'static str,
    pub ask_query: &'static str,
    pub back: &'static str,
    pub compare_title: &'static str,
    pub compare_pick: &'static str,
    pub empty_start: &'static str,
    pub hours: &'static str,
    pub map: &'static str,
    pub filters: &'static str,
    pub countries: &'static str,
    pub countries_hint: &'static str,
    pub levels: &'static str,
    pub exclude: &'static str,
    pub exclude_hint: &'static str,
    pub max_per_country: &'static str,
    pub expand: &'static str,
    pub grouped_note: &'static str,
    pub also: &'static str,
    pub eligible: &'static str,
    pub shortfall: &'static str,
}

/// English labels.
pub static EN: Text = Text {
    title: "tieup: partner regions",
    subtitle: "Overseas partner regions for a Japanese region and sector, with every reason and its source.",
    switch_to: "日本語",
    region: "Japanese region",
    region_hint: "e.g. Fukushima, Suwa, 福島県",
    sector: "Sector",
    sector_hint: "e.g. medical devices, 自動車, dies",
    wanted: "Wanted most",
    objectives: "Objectives",
    before_year: "Count exchanges before fiscal year",
    before_year_hint: "e.g. 2005 (empty: all)",
    top: "How many",
    submit: "Show the shortlist",
    rank: "Rank",
    name: "Region",
    country: "Country",
    score: "Score",
    why: "Why (green raises the score, red lowers it)",
    full_reasons: "Full reasons and sources",
    provenance_note: "Each value names its source: statistics:<dataset>:<year>, or curated with the maintainers' reason.",
    compare: "Compare the selected",
    compare_hint: "Tick two or three regions to compare them side by side.",
    export_csv: "Download CSV (Excel)",
    json: "JSON",
    print: "Print a one-page brief",
    scored: "candidates scored",
    model: "Model",
    not_found: "Not found",
    did_you_mean: "Did you mean:",
    bad_request: "Please check the query",
    profile: "Profile",
    strengths: "Strengths by sector",
    sector_col: "Sector",
    value: "Value",
    source: "Source",
    traits: "Partner traits",
    trait_col: "Trait",
    partnerships: "Past partnerships",
    none: "none",
    twin_ties: "Twin-city ties",
    geography: "Distance, time zone and languages",
    distance: "Distance",
    time_gap: "Time difference",
    languages: "Languages",
    level: "Level",
    parent: "Part of",
    rank_here: "Why it ranks here",
    rank_of: "rank {rank} of {n}",
    ask_query: "Choose a Japanese region and a sector above to see why this region ranks where it does.",
    back: "Back to the shortlist",
    compare_title: "Side-by-side comparison",
    compare_pick: "Choose two or three regions to compare (c=ID, repeated).",
    empty_start: "Choose a Japanese region and a sector to see the shortlist.",
    hours: "h",
    map: "Map of the shortlist",
    filters: "Filters",
    countries: "Countries",
    countries_hint: "ISO codes, e.g. DE, US (empty: all)",
    levels: "Levels",
    exclude: "Exclude regions",
    exclude_hint: "e.g. bavaria, shenzhen (with their cities)",
    max_per_country: "At most per country",
    expand: "List cities and their state or province in separate rows",
    grouped_note: "One row per place: a state or province and its cities share a row.",
    also: "also",
    eligible: "pass the filters",
    shortfall: "Fewer rows than asked for: no other place passes the filters and the cap.",
};

/// Japanese labels.
pub static JA: Text = Text {
    title: "tieup：海外連携先の候補",
    subtitle: "日本の地域と産業分野に合う海外の連携先候補を、すべての理由と出典とともに示します。",
    switch_to: "English",
    region: "日本の地域",
    region_hint: "例：福島県、諏訪、Fukushima",
    sector: "産業分野",
    sector_hint: "例：医療機器、自動車、金型",
    wanted: "特に重視する点",
    objectives: "連携の目的",
    before_year: "この年度より前の交流を数える",
    before_year_hint: "例：2005（空欄ならすべて）",
    top: "表示件数",
    submit: "候補を表示",
    rank: "順位",
    name: "地域",
    country: "国",
    score: "スコア",
    why: "理由（緑はスコアを上げ、赤は下げる）",
    full_reasons: "すべての理由と出典",
    provenance_note: "各値には出典があります：statistics:<データセット>:<年>、または curated（作成者の判断と理由）。",
    compare: "選択した地域を比較",
    compare_hint: "2〜3地域にチェックを入れると並べて比較できます。",
    export_csv: "CSVをダウンロード（Excel）",
    json: "JSON",
    print: "1枚の資料として印刷",
    scored: "件の候補を採点",
    model: "モデル",
    not_found: "見つかりません",
    did_you_mean: "候補：",
    bad_request: "検索条件を確認してください",
    profile: "地域の概要",
    strengths: "産業分野ごとの強み",
    sector_col: "産業分野",
    value: "値",
    source: "出典",
    traits: "連携先としての特徴",
    trait_col: "特徴",
    partnerships: "過去の連携",
    none: "なし",
    twin_ties: "姉妹都市提携",
    geography: "距離・時差・言語",
    distance: "距離",
    time_gap: "時差",
    languages: "言語",
    level: "区分",
    parent: "上位地域",
    rank_here: "この順位の理由",
    rank_of: "{n}件中{rank}位",
    ask_query: "上で日本の地域と産業分野を選ぶと、この地域の順位の理由が表示されます。",
    back: "候補一覧に戻る",
    compare_title: "並べて比較",
    compare_pick: "比較する地域を2〜3件選んでください（c=ID を繰り返し指定）。",
    empty_start: "日本の地域と産業分野を選ぶと候補一覧が表示されます。",
    hours: "時間",
    map: "候補の地図",
    filters: "絞り込み",
    countries: "国",
    countries_hint: "ISOコード、例：DE, US（空欄ならすべて）",
    levels: "区分",
    exclude: "除外する地域",
    exclude_hint: "例：bavaria, shenzhen（その都市も除外）",
    max_per_country: "1か国あたりの上限",
    expand: "都市とその州・省を別々の行に表示",
    grouped_note: "1地域1行：州・省とその都市は同じ行にまとめています。",
    also: "ほかに",
    eligible: "件が条件に合致",
    shortfall: "指定件数に届きません：条件に合う候補はこれだけです。",
};

/// The label of a catalog level in `lang` (the code itself when unknown).
pub fn level_label(level: &str, lang: Lang) -> &str {
    let labels: [(&str, &str, &str); 6] = [
        ("country", "country", "国"),
        ("nuts1", "NUTS 1 region", "NUTS 1 地域"),
        ("nuts2", "NUTS 2 region", "NUTS 2 地域"),
        ("state", "state or province", "州・省"),
        ("metro", "metropolitan area", "都市圏"),
        ("city", "city", "都市"),
    ];
    labels
        .iter()
        .find(|l| l.0 == level)
        .map_or(level, |l| match lang {
            Lang::En => l.1,
            Lang::Ja => l.2,
        })
}

/// True for hiragana, katakana and CJK ideographs.
fn is_japanese_char(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30ff}' | '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}')
}

fn has_kana(text: &str) -> bool {
    text.chars().any(|c| matches!(c, '\u{3040}'..='\u{30ff}'))
}

/// The Japanese name of a region: for a Japanese region the first alias in Japanese script;
/// for an overseas region the first alias with kana (Chinese-script aliases of Chinese
/// regions are Chinese, not Japanese, so they are not shown as Japanese names).
pub fn region_name_ja(region: &Region) -> Option<&str> {
    region
        .aliases
        .iter()
        .find(|a| match region.kind {
            RegionKind::Japan => a.chars().any(is_japanese_char),
            RegionKind::Overseas => has_kana(a),
        })
        .map(String::as_str)
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
    fn lang_parses_ja_and_defaults_to_english() {
        assert_eq!(Lang::parse("ja"), Lang::Ja);
        assert_eq!(Lang::parse("JA"), Lang::Ja);
        assert_eq!(Lang::parse("fr"), Lang::En);
        assert_eq!(Lang::Ja.other(), Lang::En);
    }

    #[test]
    fn country_names_are_sorted_and_found() {
        assert!(COUNTRIES.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(country_name("SE", Lang::Ja), "スウェーデン");
        assert_eq!(country_name("US", Lang::En), "United States");
        assert_eq!(country_name("XX", Lang::Ja), "XX");
    }

    #[test]
    fn japanese_script_detection() {
        assert!(is_japanese_char('福'));
        assert!(is_japanese_char('カ'));
        assert!(!is_japanese_char('a'));
        assert!(has_kana("スウェーデン"));
        assert!(!has_kana("大连"));
    }
}
