//! Finding catalog entries by id, name or alias, case- and accent-insensitively, and
//! suggesting the closest names when nothing matches.

use crate::error::{Error, Result};
use std::collections::{BTreeMap, HashMap};

/// Most characters of a user's text echoed in a message.
pub const ECHO_CHARS: usize = 80;

/// Most characters of a query compared when suggesting names (suggestions cost the product
/// of the lengths, so a 10 MB typo must not cost 10 MB × names).
pub const SUGGEST_CHARS: usize = 64;

/// `text` cut to [`ECHO_CHARS`] characters for a message, with `…` and the full length when
/// cut.
///
/// ```
/// use tieup_core::lookup::clip;
/// assert_eq!(clip("munich"), "munich");
/// assert_eq!(clip(&"x".repeat(1000)).chars().count(), 80 + " … (1000 bytes)".chars().count());
/// ```
pub fn clip(text: &str) -> String {
    match text.char_indices().nth(ECHO_CHARS) {
        None => text.to_string(),
        Some((end, _)) => format!("{} … ({} bytes)", &text[..end], text.len()),
    }
}

/// The text that suggestions compare for `query`: normalised and cut to [`SUGGEST_CHARS`]
/// characters, normalising at most twice that many, so that a suggestion costs at most
/// `SUGGEST_CHARS` × a name's length, whatever the length of the query.
///
/// ```
/// use tieup_core::lookup::{SUGGEST_CHARS, suggestion_text};
/// assert_eq!(suggestion_text("Fukushima-ken"), "fukushima ken");
/// assert_eq!(suggestion_text(&"X".repeat(10_000)), "x".repeat(SUGGEST_CHARS));
/// ```
pub fn suggestion_text(query: &str) -> String {
    let query = normalize(truncate_chars(query, SUGGEST_CHARS * 2));
    truncate_chars(&query, SUGGEST_CHARS).to_string()
}

fn truncate_chars(text: &str, n: usize) -> &str {
    text.char_indices()
        .nth(n)
        .map_or(text, |(end, _)| &text[..end])
}

/// Normalises a name for lookup: compatibility forms folded (NFKC: full-width `ｆｕｋｕｓｈｉｍａ`
/// is `fukushima`, half-width katakana full-width), lowercase, diacritics removed from Latin
/// letters (Unicode decomposition, so every accented Latin letter folds, Vietnamese
/// included), German umlauts and a few letters without a decomposition transliterated
/// (`ä` → `ae`, `ß` → `ss`, `ł` → `l`, `đ` → `d`), and `_ - . ,`, the Japanese word
/// separators `・ ＝` and runs of spaces folded into one space. Japanese and other scripts
/// keep their marks (`ガ` stays `ガ`).
///
/// ```
/// use tieup_core::lookup::normalize;
/// assert_eq!(normalize("Skåne"), "skane");
/// assert_eq!(normalize("baden_württemberg"), "baden wuerttemberg");
/// assert_eq!(normalize("  Fukushima-ken "), "fukushima ken");
/// assert_eq!(normalize("Hải Phòng"), "hai phong");
/// assert_eq!(normalize("Đà Nẵng"), "da nang");
/// assert_eq!(normalize("ｆｕｋｕｓｈｉｍａ"), "fukushima");
/// assert_eq!(normalize("岐阜県ガ"), "岐阜県ガ");
/// assert_eq!(normalize("イル＝ド＝フランス"), "イル ド フランス");
/// assert_eq!(normalize("イル・ド・フランス"), "イル ド フランス");
/// ```
pub fn normalize(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    let mut out = String::with_capacity(text.len());
    for c in text.nfkc().flat_map(char::to_lowercase) {
        match c {
            'ä' | 'æ' => out.push_str("ae"),
            'ö' | 'ø' | 'œ' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            'ß' => out.push_str("ss"),
            'ł' => out.push('l'),
            'đ' => out.push('d'),
            'ı' => out.push('i'),
            '_' | '-' | '.' | ',' | '\'' | '’' | '・' | '=' | '゠' => out.push(' '),
            c if is_latin_extended(c) => {
                out.extend(std::iter::once(c).nfd().filter(|m| !is_combining_mark(*m)));
            }
            c => out.push(c),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Latin letters beyond ASCII (Latin-1 Supplement, Extended-A and -B, Extended Additional):
/// the letters whose diacritics lookup removes.
fn is_latin_extended(c: char) -> bool {
    matches!(c, '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}')
}

/// Japanese word separators: `・`, `＝` (which NFKC folds to `=`) and `゠`.
fn is_japanese_separator(c: char) -> bool {
    matches!(c, '・' | '＝' | '=' | '゠' | '･')
}

/// A lookup key with a second spelling where umlauts fold to one letter (`ö` → `o`), so that
/// "Skane", "Skåne", "Malmo" and "Malmoe" all match; a name written with the Japanese
/// separators `・ ＝` has a spelling without them too (`バーデンヴュルテンベルク` finds
/// `バーデン・ヴュルテンベルク州`).
///
/// ```
/// use tieup_core::lookup::keys;
/// assert_eq!(keys("Malmö"), ["malmoe", "malmo"]);
/// assert_eq!(keys("イル・ド・フランス"), ["イル ド フランス", "イルドフランス"]);
/// ```
pub fn keys(text: &str) -> Vec<String> {
    let mut keys = latin_keys(text);
    if text.contains(is_japanese_separator) {
        let joined = normalize(&text.replace(is_japanese_separator, ""));
        if !keys.contains(&joined) {
            keys.push(joined);
        }
    }
    keys
}

/// The keys of [`keys`] for Latin letters: the normalised text, and the spelling with
/// umlauts folded to one letter where it differs.
fn latin_keys(text: &str) -> Vec<String> {
    let full = normalize(text);
    let short = normalize(
        &text
            .chars()
            .map(|c| match c {
                'ä' | 'Ä' => 'a',
                'ö' | 'Ö' | 'ø' | 'Ø' => 'o',
                'ü' | 'Ü' => 'u',
                other => other,
            })
            .collect::<String>(),
    );
    if short == full {
        vec![full]
    } else {
        vec![full, short]
    }
}

/// Japanese administrative suffixes dropped by [`loose`]: city, prefecture (県, 府, 都,
/// 道), ward, town, village.
const JAPANESE_SUFFIXES: [char; 8] = ['市', '県', '府', '都', '道', '区', '町', '村'];

/// Romanised and English administrative words dropped at the end by [`loose`].
const SUFFIX_WORDS: [&str; 7] = ["shi", "ken", "fu", "city", "prefecture", "ward", "ku"];

/// What the second lookup pass forgives ([`loose`]).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum Loosen {
    /// An administrative suffix (places: `北九州` finds 北九州市, `kitakyushu-shi` Kitakyushu).
    #[default]
    Suffixes,
    /// English plurals (words: `cars` finds car, `semiconductor` semiconductors). Not for
    /// places, whose names end in `s` by themselves (Texas, Paris).
    Plurals,
}

/// A looser form of a normalised key, for a second lookup pass when no name matches
/// exactly. With [`Loosen::Suffixes`] an administrative suffix is dropped (`北九州市` →
/// `北九州`, `京都府` → `京都`, `kitakyushu shi` → `kitakyushu`; a name of two characters
/// keeps its last one: `京都` stays `京都`, not `京`); with [`Loosen::Plurals`] English plurals
/// fold to the singular (`cars` → `car`, `industries` → `industry`).
///
/// ```
/// use tieup_core::lookup::{Loosen, loose};
/// assert_eq!(loose("cars", Loosen::Plurals), "car");
/// assert_eq!(loose("semiconductors", Loosen::Plurals), "semiconductor");
/// assert_eq!(loose("creative industries", Loosen::Plurals), "creative industry");
/// assert_eq!(loose("glass", Loosen::Plurals), "glass");
/// assert_eq!(loose("北九州市", Loosen::Suffixes), "北九州");
/// assert_eq!(loose("京都", Loosen::Suffixes), "京都");
/// assert_eq!(loose("kitakyushu city", Loosen::Suffixes), "kitakyushu");
/// assert_eq!(loose("texas", Loosen::Suffixes), "texas");
/// ```
pub fn loose(key: &str, how: Loosen) -> String {
    let mut words: Vec<String> = key.split(' ').map(str::to_string).collect();
    match how {
        Loosen::Plurals => {
            for word in &mut words {
                *word = singular(word);
            }
        }
        Loosen::Suffixes => {
            if words.len() > 1
                && words
                    .last()
                    .is_some_and(|w| SUFFIX_WORDS.contains(&w.as_str()))
            {
                words.pop();
            }
            if let Some(last) = words.last_mut()
                && last.chars().count() >= 3
                && last.ends_with(JAPANESE_SUFFIXES)
            {
                last.pop();
            }
        }
    }
    words.join(" ")
}

/// An English word in the singular: `ies` → `y`, a final `s` dropped (not `ss`, `us`, `is`),
/// for ASCII words of four letters or more.
fn singular(word: &str) -> String {
    if word.len() < 4 || !word.is_ascii() {
        return word.to_string();
    }
    if let Some(stem) = word.strip_suffix("ies") {
        return format!("{stem}y");
    }
    if word.ends_with('s')
        && !(word.ends_with("ss") || word.ends_with("us") || word.ends_with("is"))
    {
        return word[..word.len() - 1].to_string();
    }
    word.to_string()
}

/// How well a search text matches an entry, best first: the whole name (or the name
/// without its suffix, or in the singular), a whole word of the name, part of a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MatchTier {
    /// The text is the id, a name or an alias (or is one once [`loose`]ned).
    Exact,
    /// The text is one or more whole words of a name (`kyoto` in `kyoto city`).
    Word,
    /// The text is part of a name (`京都` in `東京都`).
    Substring,
}

/// An index from normalised names to entry positions.
#[derive(Debug, Default, Clone)]
pub struct NameIndex {
    by_key: BTreeMap<String, Vec<usize>>,
    by_loose_key: BTreeMap<String, Vec<usize>>,
    loosen: Loosen,
    keys_of: Vec<Vec<String>>,
    ids: Vec<String>,
    by_id: HashMap<String, usize>,
}

fn push_unique(list: &mut Vec<usize>, position: usize) {
    if !list.contains(&position) {
        list.push(position);
    }
}

impl NameIndex {
    /// An empty index whose second pass forgives what `loosen` says.
    pub fn new(loosen: Loosen) -> Self {
        NameIndex {
            loosen,
            ..NameIndex::default()
        }
    }

    /// Adds entry `position` (its id must be unique) under its id, name and aliases.
    pub fn insert(&mut self, position: usize, id: &str, names: &[&str]) {
        if self.ids.len() <= position {
            self.ids.resize(position + 1, String::new());
            self.keys_of.resize(position + 1, Vec::new());
        }
        self.ids[position] = id.to_string();
        self.by_id.entry(id.to_string()).or_insert(position);
        for name in std::iter::once(id).chain(names.iter().copied()) {
            self.index_name(position, name, true);
        }
    }

    /// Adds more names of entry `position` (already inserted) to the second, looser pass of
    /// [`NameIndex::find`] alone: a name found only when no name matches exactly (an overseas
    /// region's Japanese name without its suffix, `バイエルン` for `バイエルン州`, beside the
    /// Japanese regions' names without 市/県/府/都). Search ([`NameIndex::match_tier`]) finds
    /// the entry by them as by any name.
    pub fn insert_loose(&mut self, position: usize, names: &[&str]) {
        for name in names {
            self.index_name(position, name, false);
        }
    }

    /// Indexes the keys of `name` for entry `position`: in the second, looser pass, in the
    /// first pass too when `exact`, and among the entry's own keys (for search).
    fn index_name(&mut self, position: usize, name: &str, exact: bool) {
        for key in keys(name) {
            push_unique(
                self.by_loose_key
                    .entry(loose(&key, self.loosen))
                    .or_default(),
                position,
            );
            if exact {
                push_unique(self.by_key.entry(key.clone()).or_default(), position);
            }
            if let Some(own) = self.keys_of.get_mut(position)
                && !own.contains(&key)
            {
                own.push(key);
            }
        }
    }

    /// The entry whose id is exactly `id`.
    pub fn position_of_id(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// Finds the entry that `query` names. An exact id wins over names and aliases.
    pub fn find(&self, kind: &'static str, query: &str) -> Result<usize> {
        self.find_among(kind, query, |_| true)
    }

    /// Finds the entry that `query` names among the entries `keep` accepts: an exact id
    /// first, then exact names and aliases, then names in their [`loose`] form (without
    /// 市/県/府/都 for places, singular for words). Several matches at the first tier that has any are ambiguous
    /// (the error lists them); no match fails with suggestions among the kept entries.
    pub fn find_among(
        &self,
        kind: &'static str,
        query: &str,
        keep: impl Fn(usize) -> bool,
    ) -> Result<usize> {
        if let Some(&position) = self.by_id.get(query.trim()).filter(|&&p| keep(p)) {
            return Ok(position);
        }
        let exact_keys = keys(query);
        let loose_keys: Vec<String> = exact_keys.iter().map(|k| loose(k, self.loosen)).collect();
        for (table, wanted) in [
            (&self.by_key, &exact_keys),
            (&self.by_loose_key, &loose_keys),
        ] {
            let mut found: Vec<usize> = Vec::new();
            for key in wanted {
                for &p in table.get(key).into_iter().flatten().filter(|&&p| keep(p)) {
                    push_unique(&mut found, p);
                }
            }
            match found.len() {
                0 => continue,
                1 => return Ok(found[0]),
                _ => {
                    let mut candidates: Vec<String> =
                        found.iter().map(|&p| self.ids[p].clone()).collect();
                    candidates.sort();
                    return Err(Error::AmbiguousName {
                        query: clip(query),
                        candidates,
                    });
                }
            }
        }
        Err(Error::UnknownName {
            kind,
            query: clip(query),
            suggestions: self.suggest_among(query, 5, keep),
        })
    }

    /// How well `query` matches the entry's id, name or aliases; `None` when it is in none
    /// of them.
    pub fn match_tier(&self, position: usize, query: &str) -> Option<MatchTier> {
        let query = normalize(query);
        let loose_query = loose(&query, self.loosen);
        let padded = format!(" {query} ");
        let mut best: Option<MatchTier> = None;
        for key in self.keys_of.get(position).into_iter().flatten() {
            let tier = if *key == query || loose(key, self.loosen) == loose_query {
                MatchTier::Exact
            } else if format!(" {key} ").contains(&padded) {
                MatchTier::Word
            } else if key.contains(&query) {
                MatchTier::Substring
            } else {
                continue;
            };
            best = Some(best.map_or(tier, |b| b.min(tier)));
        }
        best
    }

    /// The ids of up to `limit` entries whose names are closest to `query`, best first. Only
    /// the first [`SUGGEST_CHARS`] characters of the query are compared.
    pub fn suggest(&self, query: &str, limit: usize) -> Vec<String> {
        self.suggest_among(query, limit, |_| true)
    }

    /// As [`NameIndex::suggest`], among the entries that `keep` accepts.
    pub fn suggest_among(
        &self,
        query: &str,
        limit: usize,
        keep: impl Fn(usize) -> bool,
    ) -> Vec<String> {
        let query = suggestion_text(query);
        let mut best: BTreeMap<usize, f64> = BTreeMap::new();
        let query_chars = query.chars().count();
        for (key, positions) in &self.by_key {
            let mut similarity: f64 = if !query.is_empty()
                && (key.starts_with(&query) || query.starts_with(key.as_str()))
            {
                0.75
            } else if query.len() >= 3 && key.contains(&query) {
                0.6
            } else {
                0.0
            };
            // The edit distance is at least the length difference: skip keys that cannot
            // reach the 0.4 cut-off below.
            let key_chars = key.chars().count();
            let longest = query_chars.max(key_chars).max(1) as f64;
            let bound = 1.0 - query_chars.abs_diff(key_chars) as f64 / longest;
            if bound >= 0.4 {
                similarity = similarity.max(strsim::normalized_damerau_levenshtein(&query, key));
            }
            for &p in positions.iter().filter(|&&p| keep(p)) {
                let slot = best.entry(p).or_insert(0.0);
                if similarity > *slot {
                    *slot = similarity;
                }
            }
        }
        let mut ranked: Vec<(usize, f64)> = best.into_iter().filter(|(_, s)| *s >= 0.4).collect();
        ranked.sort_by(|a, b| {
            b.1.total_cmp(&a.1)
                .then_with(|| self.ids[a.0].cmp(&self.ids[b.0]))
        });
        ranked
            .into_iter()
            .take(limit)
            .map(|(p, _)| self.ids[p].clone())
            .collect()
    }

    /// True when `query` normalises to a substring of one of the entry's keys.
    pub fn matches_text(&self, position: usize, query: &str) -> bool {
        let query = normalize(query);
        self.by_key
            .iter()
            .any(|(key, positions)| positions.contains(&position) && key.contains(&query))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places() -> NameIndex {
        let mut index = NameIndex::new(Loosen::Suffixes);
        index.insert(0, "tokyo", &["Tokyo", "東京都", "東京"]);
        index.insert(1, "kyoto", &["Kyoto", "京都府", "京都"]);
        index.insert(2, "kyoto_city", &["Kyoto City", "京都市"]);
        index.insert(3, "kitakyushu", &["Kitakyushu", "北九州市"]);
        index.insert(4, "texas", &["Texas"]);
        index.insert(5, "new_south_wales", &["New South Wales"]);
        index
    }

    #[test]
    fn exact_names_win_over_loose_ones_and_loose_ones_are_found() {
        let index = places();
        assert_eq!(index.find("region", "京都").unwrap(), 1);
        assert_eq!(index.find("region", "京都市").unwrap(), 2);
        assert_eq!(index.find("region", "北九州").unwrap(), 3);
        assert_eq!(index.find("region", "kitakyushu-shi").unwrap(), 3);
        assert!(matches!(
            index.find("region", "texa"),
            Err(Error::UnknownName { .. })
        ));
        assert!(matches!(
            index.find_among("region", "tokyo", |p| p != 0),
            Err(Error::UnknownName { .. })
        ));
    }

    #[test]
    fn search_tiers_put_kyoto_before_tokyo() {
        let index = places();
        assert_eq!(index.match_tier(1, "京都"), Some(MatchTier::Exact));
        assert_eq!(index.match_tier(2, "京都"), Some(MatchTier::Exact));
        assert_eq!(index.match_tier(2, "kyoto"), Some(MatchTier::Exact));
        assert_eq!(index.match_tier(5, "south wales"), Some(MatchTier::Word));
        assert_eq!(index.match_tier(5, "wale"), Some(MatchTier::Substring));
        assert_eq!(index.match_tier(0, "京都"), Some(MatchTier::Substring));
        assert_eq!(index.match_tier(4, "京都"), None);
    }

    #[test]
    fn plurals_fold_for_words_and_a_shared_word_is_ambiguous() {
        let mut index = NameIndex::new(Loosen::Plurals);
        index.insert(0, "automotive", &["car", "自動車"]);
        index.insert(1, "contents_design", &["design"]);
        index.insert(2, "industrial_design", &["design"]);
        assert_eq!(index.find("sector", "cars").unwrap(), 0);
        match index.find("sector", "design") {
            Err(Error::AmbiguousName { candidates, .. }) => {
                assert_eq!(candidates, ["contents_design", "industrial_design"])
            }
            other => panic!("{other:?}"),
        }
    }
}
