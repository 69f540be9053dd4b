//! The two languages of the page: every label and message in English and Japanese. The
//! language itself and the names of catalog entries in both languages are shared with the
//! command line ([`tieup_core::plain`]).
//!
//! Labels live in one struct per language, so a label missing in one language is a compile
//! error, not a blank on the page.

pub use tieup_core::plain::Lang;
pub use tieup_core::plain::names::{
    OBJECTIVE_CHOICES, WANT_CHOICES, choice_label, country_name, region_name, region_name_ja,
    sector_name, sector_name_ja,
};

/// The labels of a language on the page.
pub trait PageText {
    /// The labels of this language.
    fn text(self) -> &'static Text;
}

impl PageText for Lang {
    fn text(self) -> &'static Text {
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
    rank_of: "rank {rank} of {n} places",
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
    rank_of: "{n}か所中{rank}位",
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

/// A region's name to show first in `lang`, and its name in the other language to show
/// beside it where the catalog has both: (`Bavaria`, `バイエルン州`) in English,
/// (`バイエルン州`, `Bavaria`) in Japanese; a region without a Japanese name is named in
/// English alone.
pub fn region_names(region: &tieup_core::catalog::Region, lang: Lang) -> (&str, Option<&str>) {
    match (region.name_ja(), lang) {
        (None, _) => (&region.name, None),
        (Some(ja), Lang::En) => (&region.name, Some(ja)),
        (Some(ja), Lang::Ja) => (ja, Some(&region.name)),
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lang_parses_ja_and_defaults_to_english() {
        assert_eq!(Lang::parse("ja"), Lang::Ja);
        assert_eq!(Lang::parse("JA"), Lang::Ja);
        assert_eq!(Lang::parse("fr"), Lang::En);
        assert_eq!(Lang::Ja.other(), Lang::En);
        assert_eq!(Lang::Ja.text().switch_to, "English");
    }
}
