//! Importers: official statistics and gazetteers turned into the derived catalog files in
//! `data/derived/` (sector strengths from location quotients, statistics-based relatedness,
//! population-weighted coordinates, twin-city ties).
//!
//! The shape of an import: an adapter (`cbp`, `japan`, `eurostat`, `long`) reads one source
//! into a [`Dataset`] (regions × industry codes of one classification, with employment and
//! establishment counts, and what it skipped and why); [`profile`] maps the codes onto
//! tieup's sectors through the code lists of `sectors.csv`, computes location quotients,
//! strengths, the strong-cluster flag, proximity and density; [`rebuild`] runs every adapter
//! on the raw files and writes the derived files atomically and deterministically.
//!
//! Nothing here prints; every report is a value the binary renders.

pub mod air;
pub mod bres;
pub mod cbp;
pub mod codes;
pub mod csvout;
pub mod eurostat;
pub mod geonames;
pub mod japan;
pub mod long;
pub mod lq;
pub mod mofa;
pub mod nuts;
pub mod profile;
pub mod rebuild;
pub mod relatedness;
pub mod sbs;
pub mod tsv;
pub mod twin_places;
pub mod twin_rebuild;
pub mod twin_sources;
pub mod twins;
pub mod uscmp;

use std::collections::BTreeMap;
use std::fmt;
use std::ops::{Add, AddAssign};
use tieup_core::catalog::RegionId;
use tieup_core::sector::Sector;

/// An industry classification that sectors carry code lists for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Classification {
    /// NAICS 2012 (the `naics2012` column).
    Naics2012,
    /// NAICS 2007 (US CBP up to 2011): the `naics2012` column through the concordance in
    /// `data/codes/naics2012_to_naics2007.csv`.
    Naics2007,
    /// NACE Rev.2: equal to ISIC Rev.4 down to divisions, so only 2-digit `isic4` prefixes
    /// can be used, and NACE sections only where a section is exactly a sector's divisions.
    NaceR2,
    /// JSIC Rev.13 (the `jsic` column).
    Jsic,
    /// ISIC Rev.4 (the `isic4` column).
    Isic4,
    /// NACE Rev.2 down to classes (= UK SIC 2007 at 4 digits), with each sector's codes from
    /// `data/codes/sector_nace.csv`: Eurostat SBS (divisions) and UK BRES (classes).
    Nace2,
}

impl Classification {
    /// Parses the names used in long files: `naics2012`, `naics2007`, `nace_r2`, `jsic`, `isic4`.
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text.trim().to_ascii_lowercase().as_str() {
            "naics2012" => Classification::Naics2012,
            "naics2007" => Classification::Naics2007,
            "nace_r2" | "nacer2" | "nace" => Classification::NaceR2,
            "jsic" => Classification::Jsic,
            "isic4" => Classification::Isic4,
            "nace2" | "uk_sic2007" => Classification::Nace2,
            _ => return None,
        })
    }

    /// The name used in files and messages.
    pub fn name(self) -> &'static str {
        match self {
            Classification::Naics2012 => "naics2012",
            Classification::Naics2007 => "naics2007",
            Classification::NaceR2 => "nace_r2",
            Classification::Jsic => "jsic",
            Classification::Isic4 => "isic4",
            Classification::Nace2 => "nace2",
        }
    }

    /// Short label for notes (`NAICS`, `JSIC`, ...).
    pub fn label(self) -> &'static str {
        match self {
            Classification::Naics2012 | Classification::Naics2007 => "NAICS",
            Classification::NaceR2 | Classification::Nace2 => "NACE",
            Classification::Jsic => "JSIC",
            Classification::Isic4 => "ISIC",
        }
    }

    /// Normalises a data code of this classification: NAICS drops CBP padding (`3391--`);
    /// NACE drops the section letter and dots (`C10.11` → `1011`). `None` for a malformed
    /// code.
    ///
    /// ```
    /// use tieup_import::Classification;
    /// assert_eq!(Classification::Naics2007.normalise("3391--").as_deref(), Some("3391"));
    /// assert_eq!(Classification::Naics2012.normalise("327110").as_deref(), Some("327110"));
    /// assert_eq!(Classification::NaceR2.normalise("C10.11").as_deref(), Some("1011"));
    /// assert_eq!(Classification::NaceR2.normalise("B-E").as_deref(), Some("B-E"));
    /// assert_eq!(Classification::Jsic.normalise("27x"), None);
    /// ```
    pub fn normalise(self, code: &str) -> Option<String> {
        let code = code.trim();
        match self {
            Classification::Naics2012 | Classification::Naics2007 => {
                let digits = code.trim_end_matches(['-', '/']);
                if digits.is_empty()
                    || digits.len() > 6
                    || !digits.chars().all(|c| c.is_ascii_digit())
                {
                    return None;
                }
                Some(digits.to_string())
            }
            Classification::NaceR2 => {
                if nace::section_divisions(code).is_some() {
                    return Some(code.to_ascii_uppercase());
                }
                let rest = code.trim_start_matches(|c: char| c.is_ascii_uppercase());
                let digits: String = rest.chars().filter(|&c| c != '.').collect();
                (!digits.is_empty()
                    && digits.len() <= 4
                    && digits.chars().all(|c| c.is_ascii_digit()))
                .then_some(digits)
            }
            Classification::Nace2 => {
                let rest = code.trim_start_matches(|c: char| c.is_ascii_uppercase());
                let digits: String = rest.chars().filter(|&c| c != '.').collect();
                (digits.len() >= 2
                    && digits.len() <= 4
                    && digits.chars().all(|c| c.is_ascii_digit()))
                .then_some(digits)
            }
            Classification::Jsic | Classification::Isic4 => {
                (!code.is_empty() && code.len() <= 4 && code.chars().all(|c| c.is_ascii_digit()))
                    .then(|| code.to_string())
            }
        }
    }

    /// A sector's code prefixes in this classification, normalised and without prefixes
    /// covered by a shorter one; `Err` says why the sector cannot be expressed in it.
    pub fn sector_prefixes(
        self,
        sector: &Sector,
        lists: &codes::CodeLists,
    ) -> Result<Vec<String>, String> {
        let raw: Vec<String> = match self {
            Classification::Naics2012 => sector.naics2012.clone(),
            Classification::Naics2007 => {
                let mut out = Vec::new();
                for code in &sector.naics2012 {
                    out.extend(lists.naics.to_2007(code)?);
                }
                out
            }
            Classification::Jsic => sector.jsic.clone(),
            Classification::Isic4 => sector.isic4.clone(),
            Classification::Nace2 => lists.nace.codes(&sector.id)?,
            Classification::NaceR2 => {
                if sector.isic4.iter().any(|c| c.len() != 2) {
                    return Err(
                        "its ISIC codes are finer than NACE divisions (NACE Rev.2 and ISIC Rev.4 agree down to divisions only)"
                            .into(),
                    );
                }
                sector.isic4.clone()
            }
        };
        if raw.is_empty() {
            return Err(format!(
                "sectors.csv gives no {} codes for it",
                match self {
                    Classification::Naics2012 | Classification::Naics2007 => "naics2012",
                    Classification::Jsic => "jsic",
                    Classification::Isic4 | Classification::NaceR2 => "isic4",
                    Classification::Nace2 => "nace2",
                }
            ));
        }
        let mut prefixes: Vec<String> = raw
            .iter()
            .map(|c| {
                self.normalise(c)
                    .ok_or_else(|| format!("malformed code '{c}'"))
            })
            .collect::<Result<_, _>>()?;
        prefixes.sort();
        prefixes.dedup();
        let covered: Vec<String> = prefixes
            .iter()
            .filter(|p| {
                !prefixes
                    .iter()
                    .any(|q| q != *p && p.starts_with(q.as_str()))
            })
            .cloned()
            .collect();
        Ok(covered)
    }
}

impl fmt::Display for Classification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Classification {
    /// The codes that measure a prefix, in order of preference: the prefix itself and, for
    /// a NAICS 6-digit code ending in 0 (an industry without further US detail, such as
    /// 2012's `327110`), its 5-digit industry (`32711`), which is how the same industry
    /// appears in data that still split it or publish it at 5 digits.
    ///
    /// ```
    /// use tieup_import::Classification;
    /// assert_eq!(Classification::Naics2007.alternatives("327110"), vec!["327110", "32711"]);
    /// assert_eq!(Classification::Jsic.alternatives("2690"), vec!["2690"]);
    /// ```
    pub fn alternatives(self, prefix: &str) -> Vec<String> {
        let mut out = vec![prefix.to_string()];
        if matches!(self, Classification::Naics2012 | Classification::Naics2007)
            && prefix.len() == 6
            && prefix.ends_with('0')
        {
            out.push(prefix[..5].to_string());
        }
        out
    }
}

/// NACE Rev.2 sections and the aggregates Eurostat publishes.
pub mod nace {
    use std::collections::BTreeSet;

    const SECTIONS: [(char, u8, u8); 21] = [
        ('A', 1, 3),
        ('B', 5, 9),
        ('C', 10, 33),
        ('D', 35, 35),
        ('E', 36, 39),
        ('F', 41, 43),
        ('G', 45, 47),
        ('H', 49, 53),
        ('I', 55, 56),
        ('J', 58, 63),
        ('K', 64, 66),
        ('L', 68, 68),
        ('M', 69, 75),
        ('N', 77, 82),
        ('O', 84, 84),
        ('P', 85, 85),
        ('Q', 86, 88),
        ('R', 90, 93),
        ('S', 94, 96),
        ('T', 97, 98),
        ('U', 99, 99),
    ];

    /// The 2-digit divisions of a section (`J`) or an aggregate of sections (`B-E`,
    /// `M_N`); `None` for anything else.
    ///
    /// ```
    /// let j = tieup_import::nace::section_divisions("J").unwrap();
    /// assert_eq!(j.len(), 6);
    /// assert_eq!(tieup_import::nace::section_divisions("B-E").unwrap().len(), 34);
    /// assert!(tieup_import::nace::section_divisions("10").is_none());
    /// ```
    pub fn section_divisions(code: &str) -> Option<BTreeSet<String>> {
        let code = code.trim().to_ascii_uppercase();
        let letters: Vec<char> = match code.as_bytes() {
            [a] => vec![*a as char],
            [a, b'-' | b'_', b] => {
                let (a, b) = (*a as char, *b as char);
                if !a.is_ascii_uppercase() || !b.is_ascii_uppercase() || a > b {
                    return None;
                }
                if code.as_bytes()[1] == b'_' {
                    vec![a, b]
                } else {
                    (a..=b).collect()
                }
            }
            _ => return None,
        };
        let mut out = BTreeSet::new();
        for letter in letters {
            let (_, from, to) = SECTIONS.iter().find(|(l, _, _)| *l == letter)?;
            for division in *from..=*to {
                out.insert(format!("{division:02}"));
            }
        }
        Some(out)
    }

    /// The section (or published aggregate) whose divisions are exactly `divisions`.
    pub fn section_for(divisions: &[String], published: &[String]) -> Option<String> {
        let wanted: BTreeSet<String> = divisions.iter().cloned().collect();
        published
            .iter()
            .find(|code| section_divisions(code).is_some_and(|d| d == wanted))
            .cloned()
    }
}

/// A count that may be known only within bounds (a suppressed statistic).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Estimate {
    /// The value used (the midpoint of the bounds when the count is withheld).
    pub point: f64,
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
}

impl Estimate {
    /// A published count.
    pub fn exact(value: f64) -> Self {
        Estimate {
            point: value,
            low: value,
            high: value,
        }
    }

    /// A withheld count known to lie in `[low, high]`; the point is the midpoint.
    pub fn range(low: f64, high: f64) -> Self {
        Estimate {
            point: (low + high) / 2.0,
            low,
            high,
        }
    }

    /// True when the bounds coincide.
    pub fn is_exact(&self) -> bool {
        self.low == self.high
    }
}

impl Add for Estimate {
    type Output = Estimate;
    fn add(self, other: Estimate) -> Estimate {
        Estimate {
            point: self.point + other.point,
            low: self.low + other.low,
            high: self.high + other.high,
        }
    }
}

impl AddAssign for Estimate {
    fn add_assign(&mut self, other: Estimate) {
        *self = *self + other;
    }
}

/// One industry of one region.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// Employment (persons; thousands for Eurostat).
    pub employment: Estimate,
    /// Establishments, where the source gives them.
    pub establishments: Option<f64>,
}

/// One region of a dataset.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionData {
    /// The source's region code (FIPS, JIS, NUTS, catalog id).
    pub key: String,
    /// The catalog region it is, if any.
    pub catalog: Option<RegionId>,
    /// True for the dataset's main level (US states, prefectures, NUTS-2): percentiles and
    /// proximity are taken over peers only, so nested units are not counted twice.
    pub peer: bool,
    /// Employment in all industries.
    pub total: Estimate,
    /// Industries by normalised code.
    pub cells: BTreeMap<String, Cell>,
    /// The reference year of this region's figures when it differs from the dataset's
    /// (Eurostat SBS takes the year per country).
    pub year: Option<u16>,
    /// What the figures of this region are (e.g. a city measured on its NUTS-2 region),
    /// added to every provenance note.
    pub note: Option<String>,
    /// For a sum of peer regions (a NUTS-1 region or country made of NUTS-2 regions): the
    /// keys of its parts; empty otherwise. It reads its parts' values weighted by their
    /// employment ([`crate::profile`]).
    pub parts: Vec<String>,
}

impl RegionData {
    /// A region with no industries yet.
    pub fn new(key: &str, catalog: Option<RegionId>, peer: bool) -> Self {
        RegionData {
            key: key.to_string(),
            catalog,
            peer,
            total: Estimate::default(),
            cells: BTreeMap::new(),
            year: None,
            note: None,
            parts: Vec::new(),
        }
    }

    /// Employment and establishments under one code prefix: the cell with that exact code,
    /// or else the sum of the outermost cells below it (never a cell and its own children).
    /// `None` when the region has nothing under the prefix.
    pub fn under(&self, prefix: &str) -> Option<(Estimate, Option<f64>)> {
        if let Some(cell) = self.cells.get(prefix) {
            return Some((cell.employment, cell.establishments));
        }
        let mut total: Option<(Estimate, Option<f64>)> = None;
        let mut last_kept: Option<&str> = None;
        for (code, cell) in self.cells.range(prefix.to_string()..) {
            if !code.starts_with(prefix) {
                break;
            }
            if last_kept.is_some_and(|k| code.starts_with(k)) {
                continue;
            }
            last_kept = Some(code);
            let (employment, establishments) = total.unwrap_or((Estimate::default(), Some(0.0)));
            total = Some((
                employment + cell.employment,
                establishments.zip(cell.establishments).map(|(a, b)| a + b),
            ));
        }
        total
    }
}

/// What an import left out, by reason, with a few examples each.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SkipReport {
    /// Reason → (count, first examples).
    pub reasons: BTreeMap<String, (usize, Vec<String>)>,
}

/// How many examples a skip reason keeps.
const SKIP_EXAMPLES: usize = 3;

impl SkipReport {
    /// Counts one skipped item under `reason`, keeping the first few examples.
    pub fn add(&mut self, reason: &str, example: String) {
        let entry = self.reasons.entry(reason.to_string()).or_default();
        entry.0 += 1;
        if entry.1.len() < SKIP_EXAMPLES {
            entry.1.push(example);
        }
    }

    /// Total items skipped.
    pub fn total(&self) -> usize {
        self.reasons.values().map(|(n, _)| n).sum()
    }

    /// True when nothing was skipped.
    pub fn is_empty(&self) -> bool {
        self.reasons.is_empty()
    }
}

/// Regions × industries of one source, in one classification.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// Dataset key for provenance, e.g. `us_cbp`.
    pub name: String,
    /// Reference year.
    pub year: u16,
    /// The classification of the codes.
    pub classification: Classification,
    /// Regions in source order (mapped to the catalog or not).
    pub regions: Vec<RegionData>,
    /// The reference economy (national totals), if the source gives it; otherwise the sum
    /// over the peer regions is the reference.
    pub reference: Option<RegionData>,
    /// True when a code absent for a region means no employment (CBP publishes no row for
    /// an industry without establishments); false when absent means unknown.
    pub missing_is_zero: bool,
    /// True when the source has NACE sections only (Eurostat LFS).
    pub sections_only: bool,
    /// What was left out while reading, and why.
    pub skipped: SkipReport,
    /// Notes for the coverage report (caveats of the source).
    pub notes: Vec<String>,
}

impl Dataset {
    /// `statistics:<name>:<year>`.
    pub fn provenance(&self) -> tieup_core::provenance::Provenance {
        tieup_core::provenance::Provenance::Statistic {
            dataset: self.name.clone(),
            year: self.year,
        }
    }

    /// The longest code length in the data (for messages).
    pub fn finest_code_length(&self) -> usize {
        self.regions
            .iter()
            .flat_map(|r| r.cells.keys())
            .map(String::len)
            .max()
            .unwrap_or(0)
    }
}

/// Formats a count with thousands separators and at most one decimal.
///
/// ```
/// assert_eq!(tieup_import::thousands(1234567.0), "1,234,567");
/// assert_eq!(tieup_import::thousands(1234.5), "1,234.5");
/// ```
pub fn thousands(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    let whole = rounded.trunc() as i64;
    let digits = whole.abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if whole < 0 {
        out.insert(0, '-');
    }
    let fraction = (rounded - rounded.trunc()).abs();
    if fraction > 0.0 {
        out.push_str(&format!(".{}", (fraction * 10.0).round() as i64));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(cells: &[(&str, f64)]) -> RegionData {
        let mut r = RegionData::new("x", None, true);
        for (code, v) in cells {
            r.cells.insert(
                code.to_string(),
                Cell {
                    employment: Estimate::exact(*v),
                    establishments: Some(1.0),
                },
            );
        }
        r
    }

    #[test]
    fn under_prefers_the_exact_code_and_never_counts_a_child_twice() {
        let r = region(&[
            ("2211", 5.0),
            ("22111", 3.0),
            ("221111", 1.0),
            ("2212", 2.0),
        ]);
        assert_eq!(r.under("2211").unwrap().0.point, 5.0);
        // No "221" cell: the outermost cells below it are 2211 and 2212.
        let (employment, establishments) = r.under("221").unwrap();
        assert_eq!(employment.point, 7.0);
        assert_eq!(establishments, Some(2.0));
        assert!(r.under("2213").is_none());
    }

    #[test]
    fn estimates_add_bounds() {
        let sum = Estimate::exact(10.0) + Estimate::range(0.0, 19.0);
        assert_eq!(sum.low, 10.0);
        assert_eq!(sum.high, 29.0);
        assert_eq!(sum.point, 19.5);
        assert!(!sum.is_exact());
    }

    #[test]
    fn sector_prefixes_drop_covered_codes() {
        let sector = Sector {
            id: "optics".into(),
            name: "Optics".into(),
            parent: None,
            aliases: vec![],
            isic4: vec!["2670".into()],
            naics2012: vec!["3333".into(), "333314".into(), "334413".into()],
            jsic: vec![],
            uscmp_cluster: None,
            technology: tieup_core::technology::Technology::of_isic(&["2670".into()]),
            children: vec![],
        };
        let concordance = codes::CodeLists::default();
        assert_eq!(
            Classification::Naics2012
                .sector_prefixes(&sector, &concordance)
                .unwrap(),
            vec!["3333", "334413"]
        );
        assert!(
            Classification::Jsic
                .sector_prefixes(&sector, &concordance)
                .unwrap_err()
                .contains("no jsic codes")
        );
        assert!(
            Classification::NaceR2
                .sector_prefixes(&sector, &concordance)
                .unwrap_err()
                .contains("finer than NACE divisions")
        );
    }

    #[test]
    fn nace_sections_match_only_exactly() {
        let published: Vec<String> = ["B-E", "J", "M_N"].iter().map(|s| s.to_string()).collect();
        let j: Vec<String> = (58..=63).map(|d| d.to_string()).collect();
        assert_eq!(nace::section_for(&j, &published).as_deref(), Some("J"));
        let it = vec!["61".to_string(), "62".into(), "63".into()];
        assert_eq!(nace::section_for(&it, &published), None);
        let mn: Vec<String> = (69..=82)
            .filter(|d| *d != 76)
            .map(|d| d.to_string())
            .collect();
        assert_eq!(nace::section_for(&mn, &published).as_deref(), Some("M_N"));
    }
}
