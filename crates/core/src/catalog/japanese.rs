//! Japanese names of regions: which characters are Japanese script, the `name_ja` cell of
//! an overseas region (checked so that an empty, non-Japanese or mis-decoded cell is an error
//! naming the line, not a garbled name on the page), and the short form of a Japanese name
//! without its administrative suffix (`バイエルン州` → `バイエルン`, `大連市` → `大連`), by
//! which lookup also finds the region.

use crate::error::Result;

/// True for hiragana, katakana (with the prolonged sound mark `ー`), CJK ideographs and the
/// iteration mark `々`.
pub fn is_japanese_char(c: char) -> bool {
    matches!(
        c,
        '\u{3040}'..='\u{30ff}'
            | '\u{3400}'..='\u{4dbf}'
            | '\u{4e00}'..='\u{9fff}'
            | '\u{f900}'..='\u{faff}'
            | '\u{3005}'
    )
}

/// True when `text` has hiragana or katakana (Chinese-script names of Chinese places have
/// ideographs only).
pub fn has_kana(text: &str) -> bool {
    text.chars().any(|c| matches!(c, '\u{3040}'..='\u{30ff}'))
}

/// Characters a Japanese name may hold besides Japanese script: the separators `・ ＝ =`,
/// Latin letters and digits (`ワシントンD.C.`), spaces, dots, hyphens and brackets.
fn is_allowed_other(c: char) -> bool {
    c.is_ascii_alphanumeric() || " .-()（）＝=・".contains(c)
}

/// Checks a Japanese name: at least one character of Japanese script, and nothing that a
/// UTF-8 file read in another encoding (or written by a tool that lost characters) leaves:
/// Latin-1 letters such as `ã`, the replacement character `�`, control characters. Returns
/// what is wrong.
pub fn check_japanese_name(name: &str) -> std::result::Result<(), String> {
    if name.trim().is_empty() {
        return Err("empty Japanese name".into());
    }
    if let Some(bad) = name
        .chars()
        .find(|&c| !is_japanese_char(c) && !is_allowed_other(c))
    {
        return Err(format!(
            "'{}' is not a Japanese name: it holds '{bad}' (U+{:04X}), which is neither \
             Japanese script nor a separator; a mis-decoded (mojibake) cell looks like this",
            crate::lookup::clip(name),
            bad as u32
        ));
    }
    if !name.chars().any(is_japanese_char) {
        return Err(format!(
            "'{}' is not a Japanese name: it has no kana or kanji",
            crate::lookup::clip(name)
        ));
    }
    Ok(())
}

/// The `name_ja` cell of a row of `overseas_regions.csv`: `None` when the column is absent
/// (an older catalog) or the cell is empty; an error naming the cell when it is not a
/// Japanese name.
pub(super) fn name_ja_cell(row: &crate::csvin::Row<'_>) -> Result<Option<String>> {
    let text = row.text("name_ja");
    if text.is_empty() {
        return Ok(None);
    }
    check_japanese_name(text).map_err(|message| {
        row.cell_error(
            "name_ja",
            message,
            "write the region's Japanese name in UTF-8 (e.g. バイエルン州), or leave the cell empty",
        )
    })?;
    Ok(Some(text.to_string()))
}

/// Administrative suffixes of Japanese names of overseas regions, longest first within a
/// shared ending: US, German, Indian… states (州), Chinese provinces (省), autonomous regions
/// (自治区, with the people named: 広西チワン族自治区 → 広西), Korean metropolitan cities
/// (広域市) and provinces (道), French regions (地域圏), and the like.
const SUFFIXES: [&str; 20] = [
    "チワン族自治区",
    "ウイグル自治区",
    "回族自治区",
    "自治区",
    "特別自治市",
    "特別自治道",
    "首都圏地域",
    "特別州",
    "広域市",
    "特別市",
    "首都圏",
    "地域圏",
    "準州",
    "地域",
    "地方",
    "州",
    "省",
    "県",
    "市",
    "道",
];

/// Stems too general to find a region by (`北部準州` is not `北部`).
const GENERAL_STEMS: [&str; 5] = ["北部", "南部", "東部", "西部", "中部"];

/// `name` without its administrative suffix, when it has one and at least two characters
/// are left that are not a bare direction (`バイエルン州` → `バイエルン`, `大連市` → `大連`,
/// `大邱広域市` → `大邱`, `広西チワン族自治区` → `広西`; `パリ` and `香港` have none). A
/// country's name never comes out of it: `デンマーク首都地域` and
/// `オーストラリア首都特別地域` lose `地域` alone.
///
/// ```
/// use tieup_core::catalog::japanese::short_name;
/// assert_eq!(short_name("バイエルン州"), Some("バイエルン"));
/// assert_eq!(short_name("イル・ド・フランス地域圏"), Some("イル・ド・フランス"));
/// assert_eq!(short_name("大邱広域市"), Some("大邱"));
/// assert_eq!(short_name("広西チワン族自治区"), Some("広西"));
/// assert_eq!(short_name("パリ"), None);
/// assert_eq!(short_name("ユタ州"), Some("ユタ"));
/// ```
pub fn short_name(name: &str) -> Option<&str> {
    SUFFIXES
        .iter()
        .find_map(|suffix| name.strip_suffix(suffix))
        .filter(|stem| stem.chars().count() >= 2 && !GENERAL_STEMS.contains(stem))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_script_detection() {
        assert!(is_japanese_char('福'));
        assert!(is_japanese_char('カ'));
        assert!(is_japanese_char('ー'));
        assert!(!is_japanese_char('a'));
        assert!(has_kana("スウェーデン"));
        assert!(!has_kana("大连"));
    }

    #[test]
    fn japanese_names_are_checked() {
        assert!(check_japanese_name("バイエルン州").is_ok());
        assert!(check_japanese_name("ワシントンD.C.").is_ok());
        assert!(check_japanese_name("大連市").is_ok());
        // バイエルン州 written as UTF-8 and read as Latin-1.
        let mojibake: String = "バイエルン州".bytes().map(char::from).collect();
        assert!(
            check_japanese_name(&mojibake)
                .unwrap_err()
                .contains("mojibake")
        );
        assert!(
            check_japanese_name("Bavaria")
                .unwrap_err()
                .contains("no kana")
        );
        assert!(check_japanese_name("バイエルン\u{fffd}").is_err());
        assert!(check_japanese_name(" ").is_err());
    }

    #[test]
    fn suffixes_come_off_once_and_leave_two_characters() {
        assert_eq!(short_name("ニューヨーク市"), Some("ニューヨーク"));
        assert_eq!(short_name("京畿道"), Some("京畿"));
        assert_eq!(short_name("新疆ウイグル自治区"), Some("新疆"));
        assert_eq!(short_name("ブリュッセル首都圏地域"), Some("ブリュッセル"));
        assert_eq!(short_name("北部準州"), None);
        assert_eq!(short_name("デンマーク首都地域"), Some("デンマーク首都"));
        assert_eq!(short_name("香港"), None);
    }
}
