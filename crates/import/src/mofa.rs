//! Japanese nationals living abroad by country (Ministry of Foreign Affairs, annual survey,
//! 1 October 2025; `mofa_residents/`), a country-level signal of how easy business with
//! Japan is there: Japanese firms, schools, doctors, groceries and people who can introduce.
//!
//! The file names countries in Japanese; [`JAPANESE_NAMES`] gives the name of each country the
//! catalog has. Written to `derived/japanese_residents.csv`.

use std::collections::BTreeMap;
use std::path::Path;
use tieup_core::catalog::Catalog;
use tieup_core::error::{Error, Result};

/// Source tag.
pub const SOURCE: &str = "mofa:overseas_japanese:2025";

/// The survey's Japanese name of each catalog country (ISO code, name).
pub const JAPANESE_NAMES: [(&str, &str); 52] = [
    ("AR", "アルゼンチン"),
    ("AT", "オーストリア"),
    ("AU", "オーストラリア"),
    ("BD", "バングラデシュ"),
    ("BE", "ベルギー"),
    ("BR", "ブラジル"),
    ("CA", "カナダ"),
    ("CH", "スイス"),
    ("CL", "チリ"),
    ("CN", "中国"),
    ("CZ", "チェコ"),
    ("DE", "ドイツ"),
    ("DK", "デンマーク"),
    ("EE", "エストニア"),
    ("ES", "スペイン"),
    ("FI", "フィンランド"),
    ("FR", "フランス"),
    ("GB", "英国"),
    ("HK", "香港"),
    ("HU", "ハンガリー"),
    ("ID", "インドネシア"),
    ("IE", "アイルランド"),
    ("IL", "イスラエル"),
    ("IN", "インド"),
    ("IS", "アイスランド"),
    ("IT", "イタリア"),
    ("KH", "カンボジア"),
    ("KR", "韓国"),
    ("LA", "ラオス"),
    ("LK", "スリランカ"),
    ("LT", "リトアニア"),
    ("LU", "ルクセンブルク"),
    ("MM", "ミャンマー"),
    ("MN", "モンゴル"),
    ("MO", "マカオ"),
    ("MX", "メキシコ"),
    ("MY", "マレーシア"),
    ("NL", "オランダ"),
    ("NO", "ノルウェー"),
    ("NZ", "ニュージーランド"),
    ("PH", "フィリピン"),
    ("PK", "パキスタン"),
    ("PL", "ポーランド"),
    ("PT", "ポルトガル"),
    ("SE", "スウェーデン"),
    ("SG", "シンガポール"),
    ("SI", "スロベニア"),
    ("SK", "スロバキア"),
    ("TH", "タイ"),
    ("TW", "台湾"),
    ("US", "米国"),
    ("VN", "ベトナム"),
];

fn count(text: &str) -> Option<u64> {
    text.trim().replace(',', "").parse().ok()
}

/// Residents by ISO code for the catalog's countries; the catalog countries the file lacks.
pub fn read(path: &Path, catalog: &Catalog) -> Result<(BTreeMap<String, u64>, Vec<String>)> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(path)
        .map_err(|e| Error::io(path, e.into()))?;
    let mut by_name: BTreeMap<String, u64> = BTreeMap::new();
    for (i, record) in reader.records().enumerate() {
        let r = record.map_err(|e| {
            Error::data(
                path,
                Some(i as u64 + 2),
                e.to_string(),
                "give the MOFA file unchanged (see ../shared/data/raw/README.md, section 6d)",
            )
        })?;
        if let (Some(name), Some(total)) = (r.get(2), r.get(3).and_then(count)) {
            by_name.insert(name.trim().to_string(), total);
        }
    }
    let countries: std::collections::BTreeSet<&str> = catalog
        .candidates()
        .map(|(_, r)| r.country.as_str())
        .collect();
    let mut out = BTreeMap::new();
    let mut missing = Vec::new();
    for code in countries {
        match JAPANESE_NAMES
            .iter()
            .find(|(c, _)| *c == code)
            .and_then(|(_, name)| by_name.get(*name))
        {
            Some(&n) => {
                out.insert(code.to_string(), n);
            }
            None => missing.push(code.to_string()),
        }
    }
    Ok((out, missing))
}

/// `japanese_residents.csv`: `country,residents,source`.
pub fn residents_csv(residents: &BTreeMap<String, u64>) -> String {
    let mut out = crate::csvout::CsvText::new("country,residents,source");
    for (code, n) in residents {
        out.row([code.as_str(), &n.to_string(), SOURCE]);
    }
    out.finish()
}
