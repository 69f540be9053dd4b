//! The catalog as known in a year: curated values carry an optional `as_of` year
//! (`strengths.csv`, `traits.csv`), and a query limited to what was known before fiscal year
//! `y` reads the catalog without the curated values dated `y` or later.
//!
//! A value left out is treated as absent, exactly as if its row were not in the file: a
//! strength falls back to the missing-value rule of [`Catalog::strength`] (a survey sector
//! takes the maximum of its finer sectors, a finer sector a share of its survey sector's own
//! row ([`Catalog::inheritance`]), otherwise 0), a trait reads 0 (nothing shown); a curated strength a statistic replaced is
//! never read, so its date does not matter. What the catalog cannot date (statistics measured
//! 2011-2018, twin-city ties, the 2014 air network, MOFA 2025 residents) is used as it is, and
//! [`Catalog::year_notice`] says so, with how many values were left out.

use super::{Catalog, RegionId, SectorId, ValueSource};
use crate::error::Result;
use crate::plain::Lang;
use serde::Serialize;
use std::collections::BTreeMap;

/// The optional last column of `strengths.csv` and `traits.csv`.
pub const AS_OF_COLUMN: &str = "as_of";
/// Earliest `as_of` year accepted.
pub const EARLIEST_AS_OF: u16 = 1800;
/// Latest `as_of` year accepted.
pub const LATEST_AS_OF: u16 = 2030;

/// Where a dated value sits in the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DatedSlot {
    /// A strength: region and sector.
    Strength(RegionId, SectorId),
    /// A trait: region and position in [`super::TRAITS`].
    Trait(RegionId, usize),
}

/// A dated curated value of the full catalog.
#[derive(Debug, Clone, PartialEq)]
pub struct DatedValue {
    /// Where it sits.
    pub slot: DatedSlot,
    /// The value.
    pub value: f64,
    /// Its provenance, note and `as_of` year.
    pub source: ValueSource,
}

impl DatedValue {
    /// The year the value became known.
    pub fn as_of(&self) -> u16 {
        self.source.as_of.unwrap_or(0)
    }

    /// True when the value was known before fiscal year `year` (always without a limit).
    pub fn known_before(&self, year: Option<u16>) -> bool {
        year.is_none_or(|y| self.as_of() < y)
    }
}

/// The `as_of` cell: empty (no date, true throughout) or a whole year in
/// [[`EARLIEST_AS_OF`], [`LATEST_AS_OF`]]; an absent column reads as empty.
pub(super) fn as_of_year(row: &crate::csvin::Row<'_>) -> Result<Option<u16>> {
    let text = row.text(AS_OF_COLUMN);
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<u16>() {
        Ok(year) if (EARLIEST_AS_OF..=LATEST_AS_OF).contains(&year) => Ok(Some(year)),
        _ => Err(row.cell_error(
            AS_OF_COLUMN,
            format!(
                "'{}' is not a year between {EARLIEST_AS_OF} and {LATEST_AS_OF}",
                crate::lookup::clip(text)
            ),
            "write the year the value's reason became true (e.g. 2012, when a plant opened or a region reached that rung), or leave the cell empty for a value true throughout",
        )),
    }
}

/// What a year-limited answer could not honour, and what it left out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YearNotice {
    /// Only what was known before this fiscal year.
    pub before_year: u16,
    /// Curated strengths dated this year or later, left out.
    pub left_out_strengths: usize,
    /// Curated traits dated this year or later, left out.
    pub left_out_traits: usize,
    /// Strength statistics measured this year or later and used as they are: count by
    /// provenance (`statistics:<dataset>:<year>`).
    pub later_statistics: BTreeMap<String, usize>,
    /// Twin-city ties (region pairs), undated, counted whatever the year.
    pub undated_twin_ties: usize,
    /// The air network's year (2014), when travel hours come from it and it is not earlier
    /// than the limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub air_network_year: Option<u16>,
    /// The year of the Japanese resident counts (MOFA 2025), when the catalog has them and
    /// they are not earlier than the limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub residents_year: Option<u16>,
    /// The same in English sentences.
    pub notes: Vec<String>,
}

/// Reference year of the OpenFlights network behind `derived/air_access.csv`.
pub const AIR_NETWORK_YEAR: u16 = 2014;
/// Reference year of the MOFA resident counts behind `derived/japanese_residents.csv`.
pub const RESIDENTS_YEAR: u16 = 2025;

impl YearNotice {
    /// Curated values left out.
    pub fn left_out(&self) -> usize {
        self.left_out_strengths + self.left_out_traits
    }

    /// The notice in sentences of one language: what was left out, then what could not be
    /// honoured.
    pub fn sentences(&self, lang: Lang) -> Vec<String> {
        let y = self.before_year;
        let (n, s, t) = (
            self.left_out(),
            self.left_out_strengths,
            self.left_out_traits,
        );
        let stats: Vec<String> = self
            .later_statistics
            .keys()
            .map(|p| p.trim_start_matches("statistics:").replace(':', " "))
            .collect();
        let k: usize = self.later_statistics.values().sum();
        let ja = lang == Lang::Ja;
        let mut out = vec![match ja {
            true => format!(
                "年度制限：{y}年度より前に分かっていたことだけを使います。{y}年以降の日付の手作業の値{n}件（強み{s}件、特性{t}件）を除きました。"
            ),
            false => format!(
                "Year limit: only what was known before FY{y}; {n} curated value(s) dated {y} or later left out ({s} strength(s), {t} trait(s))."
            ),
        }];
        if k > 0 {
            out.push(match ja {
                true => format!(
                    "制限を守れないもの：統計（{}）は制限より後の測定ですが、そのまま使います（{k}件）。",
                    stats.join("、")
                ),
                false => format!(
                    "Not honoured: {k} strength(s) from statistics measured later ({}) are used as they are.",
                    stats.join(", ")
                ),
            });
        }
        if self.undated_twin_ties > 0 {
            let m = self.undated_twin_ties;
            out.push(match ja {
                true => format!(
                    "姉妹都市の結びつき（{m}組）は年が分からないため、年度に関係なく数えます。"
                ),
                false => {
                    format!("Twin-city ties ({m} pairs) are undated and count whatever the year.")
                }
            });
        }
        let mut fixed = Vec::new();
        if let Some(year) = self.air_network_year {
            fixed.push(match ja {
                true => format!("航空路は{year}年の路線網"),
                false => format!("air travel is the {year} network"),
            });
        }
        if let Some(year) = self.residents_year {
            fixed.push(match ja {
                true => format!("在留邦人数は外務省{year}年の値"),
                false => format!("Japanese residents are MOFA {year} counts"),
            });
        }
        if !fixed.is_empty() {
            out.push(match ja {
                true => format!("{}です。", fixed.join("、")),
                false => format!("Also as they are: {}.", fixed.join("; ")),
            });
        }
        out
    }
}

impl Catalog {
    /// Collects the dated curated values in effect (after the statistics overlay).
    pub(super) fn collect_dated(&mut self) {
        let strengths = self
            .strength_sources
            .iter()
            .filter(|(_, s)| s.as_of.is_some())
            .map(|(&(r, s), source)| DatedValue {
                slot: DatedSlot::Strength(r, s),
                value: self.explicit[[r.index(), s.index()]],
                source: source.clone(),
            });
        let traits = self
            .trait_sources
            .iter()
            .filter(|(_, s)| s.as_of.is_some())
            .map(|(&(r, t), source)| DatedValue {
                slot: DatedSlot::Trait(r, t),
                value: self.traits[[r.index(), t]],
                source: source.clone(),
            });
        self.dated = std::sync::Arc::new(strengths.chain(traits).collect());
    }

    /// Every dated curated value of the full catalog (strengths in region and sector order,
    /// then traits), whether or not this catalog counts it.
    pub fn dated_values(&self) -> &[DatedValue] {
        &self.dated
    }

    /// The dated curated values a query limited to before fiscal year `year` leaves out.
    pub fn left_out(&self, year: Option<u16>) -> impl Iterator<Item = &DatedValue> {
        self.dated.iter().filter(move |d| !d.known_before(year))
    }

    /// The key of the catalog as known before fiscal year `year`: the earliest `as_of` year
    /// it leaves out (`None`: nothing left out, the full catalog). Years with the same key
    /// have the same catalog.
    pub fn era(&self, year: Option<u16>) -> Option<u16> {
        self.left_out(year).map(DatedValue::as_of).min()
    }

    /// Every era key of the catalog, ascending (one per distinct `as_of` year).
    pub fn eras(&self) -> Vec<u16> {
        let mut years: Vec<u16> = self.dated.iter().map(DatedValue::as_of).collect();
        years.sort_unstable();
        years.dedup();
        years
    }

    /// The catalog as known before fiscal year `year`: every dated curated value with
    /// `as_of >= year` is treated as absent (see the module docs), every other one is in.
    /// Works from any catalog of the same files (an earlier year's included); `None` gives
    /// the full catalog.
    pub fn as_known_in(&self, year: Option<u16>) -> Catalog {
        let mut catalog = self.clone();
        // The clone must not inherit a cached mean similarity computed on other values.
        catalog.mean_similarity = std::sync::OnceLock::new();
        for d in self.dated.iter() {
            let known = d.known_before(year);
            match d.slot {
                DatedSlot::Strength(r, s) => {
                    let cell = &mut catalog.explicit[[r.index(), s.index()]];
                    if known {
                        *cell = d.value;
                        catalog.strength_sources.insert((r, s), d.source.clone());
                    } else {
                        *cell = f64::NAN;
                        catalog.strength_sources.remove(&(r, s));
                    }
                }
                DatedSlot::Trait(r, t) => {
                    if known {
                        catalog.traits[[r.index(), t]] = d.value;
                        catalog.trait_sources.insert((r, t), d.source.clone());
                    } else {
                        catalog.traits[[r.index(), t]] = 0.0;
                        catalog.trait_sources.remove(&(r, t));
                    }
                }
            }
        }
        catalog.derive_strengths();
        catalog
    }

    /// True when this catalog holds exactly what was known before fiscal year `year`: no
    /// dated value it should leave out is in, none it should count is missing.
    pub fn honours(&self, year: Option<u16>) -> bool {
        self.dated.iter().all(|d| {
            let present = match d.slot {
                DatedSlot::Strength(r, s) => self.strength_sources.contains_key(&(r, s)),
                DatedSlot::Trait(r, t) => self.trait_sources.contains_key(&(r, t)),
            };
            present == d.known_before(year)
        })
    }

    /// What an answer limited to before fiscal year `year` left out and could not honour;
    /// `None` without a limit.
    pub fn year_notice(&self, year: Option<u16>) -> Option<YearNotice> {
        let y = year?;
        let (mut left_out_strengths, mut left_out_traits) = (0, 0);
        for d in self.left_out(year) {
            match d.slot {
                DatedSlot::Strength(..) => left_out_strengths += 1,
                DatedSlot::Trait(..) => left_out_traits += 1,
            }
        }
        let mut later_statistics = BTreeMap::new();
        for source in self.strength_sources.values() {
            if let crate::provenance::Provenance::Statistic { year, .. } = source.provenance
                && year >= y
            {
                *later_statistics
                    .entry(source.provenance.to_string())
                    .or_insert(0) += 1;
            }
        }
        let mut notice = YearNotice {
            before_year: y,
            left_out_strengths,
            left_out_traits,
            later_statistics,
            undated_twin_ties: self.twin_ties.len(),
            air_network_year: (!self.air_access.is_empty() && AIR_NETWORK_YEAR >= y)
                .then_some(AIR_NETWORK_YEAR),
            residents_year: (self.japanese_residents.is_some() && RESIDENTS_YEAR >= y)
                .then_some(RESIDENTS_YEAR),
            notes: Vec::new(),
        };
        notice.notes = notice.sentences(Lang::En);
        Some(notice)
    }
}
