//! Which scored candidates a shortlist shows: filters applied before top-K (country, level,
//! excluded regions, a cap per country) and one row per *place* (a top-most region with all
//! its descendants in the catalog's parent links).
//!
//! The one selection step ([`Selection::walk`]) reads candidates best first and is shared by
//! the reference path ([`crate::rank::shortlist_selected`]) and the batch kernel
//! ([`crate::kernel::FeatureTables::top_k_selected`]), so the CLI, batch scoring, the page
//! and the API show the same rows. Selection never changes a score.
//!
//! Rules, in order:
//! - **Filters.** A candidate is eligible when its country is one of `countries` (if any),
//!   its level one of `levels` (if any), and neither it nor any of its ancestors is
//!   excluded (excluding a parent excludes its descendants; excluding a child keeps its
//!   parent). A candidate's *ungrouped rank* is its rank among the eligible candidates.
//! - **Grouping** (unless `expand`). The first eligible member of a place takes a row; a
//!   later member of a place that already has a row is named in that row (`also`) with its
//!   ungrouped rank. Rows stop at K, so `also` names exactly the members that outscore the
//!   last row shown: the ones that would otherwise have taken a slot.
//! - **Cap.** With `max_per_country` N, a new row whose country already has N rows is
//!   skipped (a member folded into an existing row takes no slot and is not capped).
//!
//! With no filter and `expand`, the rows are the plain top-K (today's ranking).

use crate::catalog::{Catalog, RegionId, RegionKind};
use crate::error::{Error, Result};

/// The filters and grouping of one shortlist.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Selection {
    /// ISO 3166-1 alpha-2 codes (upper case, sorted, unique); empty = every country.
    pub countries: Vec<String>,
    /// Catalog levels (`country`, `nuts1`, `nuts2`, `state`, `metro`, `city`; sorted,
    /// unique); empty = every level.
    pub levels: Vec<String>,
    /// Excluded overseas regions (with their descendants), sorted by id, unique.
    pub exclude: Vec<RegionId>,
    /// At most this many rows per country.
    pub max_per_country: Option<usize>,
    /// List nested regions separately (no grouping).
    pub expand: bool,
}

/// A region folded into another member's row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Member {
    /// The region.
    pub region: RegionId,
    /// Its score (unchanged by grouping).
    pub score: f64,
    /// 1-based rank among the eligible candidates without grouping or cap.
    pub rank_ungrouped: usize,
}

/// One row of a selected shortlist: the best-scoring member of its place.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The region shown.
    pub region: RegionId,
    /// Its score.
    pub score: f64,
    /// Other members of its place that outscore the last row, best first.
    pub also: Vec<Member>,
}

/// Country codes that people type for a country whose ISO code differs.
const COMMON_CODES: [(&str, &str); 2] = [("UK", "GB"), ("EL", "GR")];

impl Selection {
    /// One row per place, no filters (the default of every command).
    pub fn grouped() -> Self {
        Selection::default()
    }

    /// Every region in its own row, no filters (the ranking before grouping existed).
    pub fn expanded() -> Self {
        Selection {
            expand: true,
            ..Selection::default()
        }
    }

    /// True when some filter (country, level, exclusion, cap) is set.
    pub fn is_filtered(&self) -> bool {
        !self.countries.is_empty()
            || !self.levels.is_empty()
            || !self.exclude.is_empty()
            || self.max_per_country.is_some()
    }

    /// True when a country, level or exclusion filter is set (the filters that decide
    /// which candidates are eligible; the cap and grouping act on rows).
    pub fn filters_candidates(&self) -> bool {
        !self.countries.is_empty() || !self.levels.is_empty() || !self.exclude.is_empty()
    }

    /// True when the selection is the plain top-K (expanded, unfiltered).
    pub fn is_plain(&self) -> bool {
        self.expand && !self.is_filtered()
    }

    /// Sorts and deduplicates the lists, so equal selections compare and print equal.
    pub fn normalized(mut self, catalog: &Catalog) -> Self {
        self.countries.sort();
        self.countries.dedup();
        self.levels.sort();
        self.levels.dedup();
        self.exclude
            .sort_by(|&a, &b| catalog.region(a).id.cmp(&catalog.region(b).id));
        self.exclude.dedup();
        self
    }

    /// True when `region` passes the country, level and exclusion filters.
    pub fn admits(&self, catalog: &Catalog, region: RegionId) -> bool {
        let r = catalog.region(region);
        if !self.filters_candidates() {
            return true;
        }
        (self.countries.is_empty() || self.countries.contains(&r.country))
            && (self.levels.is_empty() || self.levels.contains(&r.level))
            && (self.exclude.is_empty()
                || !lineage(catalog, region).any(|a| self.exclude.contains(&a)))
    }

    /// Number of overseas candidates that pass the filters.
    pub fn n_eligible(&self, catalog: &Catalog) -> usize {
        if !self.filters_candidates() {
            return catalog.n_candidates();
        }
        catalog
            .candidate_ids()
            .filter(|&c| self.admits(catalog, c))
            .count()
    }

    /// The selection step: reads candidates best first (score descending, then region id)
    /// and returns up to `k` rows. Ineligible candidates in `ordered` are skipped, so the
    /// input may be every candidate or only eligible ones; a prefix of the eligible order
    /// gives the same rows as the whole order whenever it fills `k` rows.
    pub fn walk(
        &self,
        catalog: &Catalog,
        ordered: impl IntoIterator<Item = (f64, RegionId)>,
        k: usize,
    ) -> Vec<Row> {
        let mut rows: Vec<Row> = Vec::with_capacity(k.min(catalog.n_candidates()));
        // Row of each place (by region index), for grouping.
        let mut row_of: Vec<u32> = if self.expand {
            Vec::new()
        } else {
            vec![u32::MAX; catalog.n_regions()]
        };
        let mut per_country: Vec<(&str, usize)> = Vec::new();
        let mut rank = 0;
        for (score, region) in ordered {
            if rows.len() >= k {
                break;
            }
            if !self.admits(catalog, region) {
                continue;
            }
            rank += 1;
            let place = place_of(catalog, region).index();
            if !self.expand && row_of[place] != u32::MAX {
                rows[row_of[place] as usize].also.push(Member {
                    region,
                    score,
                    rank_ungrouped: rank,
                });
                continue;
            }
            if let Some(cap) = self.max_per_country {
                let country = catalog.region(region).country.as_str();
                match per_country.iter_mut().find(|(c, _)| *c == country) {
                    Some((_, n)) if *n >= cap => continue,
                    Some((_, n)) => *n += 1,
                    None => per_country.push((country, 1)),
                }
            }
            if !self.expand {
                row_of[place] = rows.len() as u32;
            }
            rows.push(Row {
                region,
                score,
                also: Vec::new(),
            });
        }
        rows
    }

    /// Parses a `--country` value: an ISO code of an overseas region in the catalog, any
    /// case. Unknown codes fail with the closest codes ([`Error::UnknownName`], kind
    /// "country").
    pub fn parse_country(catalog: &Catalog, text: &str) -> Result<String> {
        let code = text.trim().to_ascii_uppercase();
        let countries = overseas_countries(catalog);
        if countries.iter().any(|(c, _)| *c == code) {
            return Ok(code);
        }
        let mut suggestions: Vec<String> = Vec::new();
        if let Some((_, iso)) = COMMON_CODES.iter().find(|(c, _)| *c == code) {
            suggestions.push((*iso).to_string());
        }
        if let Ok(region) = find_overseas_region(catalog, text) {
            suggestions.push(catalog.region(region).country.clone());
        }
        let mut near: Vec<&(String, usize)> = countries
            .iter()
            .filter(|(c, _)| {
                code.chars().count() == 2 && c.chars().zip(code.chars()).any(|(a, b)| a == b)
            })
            .collect();
        near.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        suggestions.extend(near.into_iter().map(|(c, _)| c.clone()));
        let mut seen = Vec::new();
        suggestions.retain(|s| {
            let new = !seen.contains(s);
            seen.push(s.clone());
            new
        });
        suggestions.truncate(5);
        Err(Error::UnknownName {
            kind: "country",
            query: crate::lookup::clip(text),
            suggestions,
        })
    }

    /// Parses a `--level` value: one of the levels of the catalog's overseas regions.
    pub fn parse_level(catalog: &Catalog, text: &str) -> Result<String> {
        let level = crate::lookup::normalize(text).replace([' ', '-'], "");
        let levels = overseas_levels(catalog);
        if levels.contains(&level) {
            return Ok(level);
        }
        Err(Error::InvalidParam {
            name: "level",
            value: crate::lookup::clip(text),
            reason: format!("use one of the catalog's levels: {}", levels.join(", ")),
        })
    }

    /// Parses an `--exclude` value: an overseas region by id, name or alias (suggestions
    /// name overseas regions only).
    pub fn parse_exclude(catalog: &Catalog, text: &str) -> Result<RegionId> {
        find_overseas_region(catalog, text)
    }

    /// Checks a `--max-per-country` value (at least 1).
    pub fn check_cap(n: usize) -> Result<usize> {
        if n == 0 {
            return Err(Error::InvalidParam {
                name: "max_per_country",
                value: n.to_string(),
                reason: "give at least 1 (or leave it out for no cap)".into(),
            });
        }
        Ok(n)
    }
}

/// The region and its ancestors, nearest first (bounded by the number of regions, so a
/// cyclic file cannot loop).
pub fn lineage(catalog: &Catalog, region: RegionId) -> impl Iterator<Item = RegionId> + '_ {
    std::iter::successors(Some(region), |&r| catalog.region(r).parent).take(catalog.n_regions())
}

/// The place of a region: its top-most ancestor (itself when it has no parent).
pub fn place_of(catalog: &Catalog, region: RegionId) -> RegionId {
    lineage(catalog, region).last().unwrap_or(region)
}

/// Number of places among the overseas candidates: a region with all its descendants is one
/// place ([`place_of`]), as grouped lists show them.
pub fn n_places(catalog: &Catalog) -> usize {
    catalog
        .candidate_ids()
        .map(|c| place_of(catalog, c))
        .collect::<std::collections::BTreeSet<_>>()
        .len()
}

/// Finds an overseas region by id, name or alias, among the overseas regions only (`大田` is
/// Daejeon here, although a Tokyo ward is 大田区); a Japanese match or an unknown name fails
/// with suggestions among the overseas regions.
pub fn find_overseas_region(catalog: &Catalog, text: &str) -> Result<RegionId> {
    let overseas = |r: RegionId| catalog.region(r).kind == RegionKind::Overseas;
    match catalog.find_overseas_region(text) {
        Ok(found) => Ok(found),
        Err(Error::UnknownName { .. }) => Err(Error::UnknownName {
            kind: "overseas region",
            query: crate::lookup::clip(text),
            suggestions: catalog.suggest_regions(text, 5, overseas),
        }),
        Err(other) => Err(other),
    }
}

/// The countries of the overseas regions with their numbers of regions, by code.
pub fn overseas_countries(catalog: &Catalog) -> Vec<(String, usize)> {
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for (_, r) in catalog.candidates() {
        *counts.entry(r.country.as_str()).or_default() += 1;
    }
    counts
        .into_iter()
        .map(|(c, n)| (c.to_string(), n))
        .collect()
}

/// The levels of the overseas regions, sorted.
pub fn overseas_levels(catalog: &Catalog) -> Vec<String> {
    let mut levels: Vec<String> = catalog.candidates().map(|(_, r)| r.level.clone()).collect();
    levels.sort();
    levels.dedup();
    levels
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::fixture;

    fn id(catalog: &Catalog, name: &str) -> RegionId {
        catalog.find_region(name).unwrap()
    }

    /// Every candidate with made-up scores, best first (ties by id).
    fn ordered(catalog: &Catalog, scores: &[(&str, f64)]) -> Vec<(f64, RegionId)> {
        let mut v: Vec<(f64, RegionId)> =
            scores.iter().map(|&(n, s)| (s, id(catalog, n))).collect();
        v.sort_by(|a, b| crate::rank::compare(catalog, *a, *b));
        v
    }

    const SCORES: [(&str, f64); 7] = [
        ("milan", 0.9),
        ("lombardy", 0.8),
        ("dalian", 0.7),
        ("skane", 0.6),
        ("liaoning", 0.5),
        ("texas", 0.4),
        ("vasterbotten", 0.3),
    ];

    fn names(catalog: &Catalog, rows: &[Row]) -> Vec<String> {
        rows.iter()
            .map(|r| {
                let also: Vec<String> = r
                    .also
                    .iter()
                    .map(|m| format!("{}#{}", catalog.region(m.region).id, m.rank_ungrouped))
                    .collect();
                format!(
                    "{}{}",
                    catalog.region(r.region).id,
                    if also.is_empty() {
                        String::new()
                    } else {
                        format!("+{}", also.join("+"))
                    }
                )
            })
            .collect()
    }

    #[test]
    fn grouping_folds_members_that_outscore_the_last_row() {
        let catalog = fixture();
        let order = ordered(&catalog, &SCORES);
        let rows = Selection::grouped().walk(&catalog, order.clone(), 3);
        assert_eq!(
            names(&catalog, &rows),
            ["milan+lombardy#2", "dalian", "skane"]
        );
        let rows = Selection::grouped().walk(&catalog, order.clone(), 4);
        assert_eq!(
            names(&catalog, &rows),
            ["milan+lombardy#2", "dalian+liaoning#5", "skane", "texas"]
        );
        let rows = Selection::expanded().walk(&catalog, order, 3);
        assert_eq!(names(&catalog, &rows), ["milan", "lombardy", "dalian"]);
    }

    #[test]
    fn filters_and_cap_apply_before_top_k() {
        let catalog = fixture();
        let order = ordered(&catalog, &SCORES);
        let mut s = Selection::grouped();
        s.exclude = vec![id(&catalog, "lombardy")];
        assert_eq!(
            names(&catalog, &s.walk(&catalog, order.clone(), 2)),
            ["dalian", "skane"]
        );
        s.exclude = vec![id(&catalog, "milan")];
        assert_eq!(
            names(&catalog, &s.walk(&catalog, order.clone(), 1)),
            ["lombardy"]
        );
        let s = Selection {
            countries: vec!["SE".into(), "US".into()],
            max_per_country: Some(1),
            ..Selection::expanded()
        };
        assert_eq!(
            names(&catalog, &s.walk(&catalog, order.clone(), 10)),
            ["skane", "texas"]
        );
        assert_eq!(s.n_eligible(&catalog), 3);
        let s = Selection {
            levels: vec!["state".into()],
            ..Selection::grouped()
        };
        assert_eq!(
            names(&catalog, &s.walk(&catalog, order, 10)),
            ["skane", "liaoning", "texas", "vasterbotten"]
        );
    }

    #[test]
    fn places_group_any_depth() {
        // A grandchild (Navigli in Milan in Lombardy) joins its grandparent's place.
        let dir = tempfile::tempdir().unwrap();
        for entry in std::fs::read_dir(crate::testutil::fixture_dir()).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
        }
        let path = dir.path().join("overseas_regions.csv");
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str("navigli,Navigli,,IT,milan,city,45.45,9.17,1,it,fixture\n");
        std::fs::write(&path, text).unwrap();
        let path = dir.path().join("traits.csv");
        let mut text = std::fs::read_to_string(&path).unwrap();
        for t in crate::catalog::TRAITS {
            text.push_str(&format!("navigli,{t},0.5,curated,fixture\n"));
        }
        std::fs::write(&path, text).unwrap();
        let catalog = Catalog::load(dir.path()).unwrap();
        let (navigli, lombardy) = (id(&catalog, "navigli"), id(&catalog, "lombardy"));
        assert_eq!(place_of(&catalog, navigli), lombardy);
        assert_eq!(lineage(&catalog, navigli).count(), 3);
        let mut scores = SCORES.to_vec();
        scores.push(("navigli", 0.85));
        let order = ordered(&catalog, &scores);
        let rows = Selection::grouped().walk(&catalog, order.clone(), 2);
        assert_eq!(
            names(&catalog, &rows),
            ["milan+navigli#2+lombardy#3", "dalian"]
        );
        let s = Selection {
            exclude: vec![id(&catalog, "milan")],
            ..Selection::grouped()
        };
        assert_eq!(names(&catalog, &s.walk(&catalog, order, 1)), ["lombardy"]);
    }

    #[test]
    fn bad_values_fail_with_suggestions() {
        let catalog = fixture();
        assert_eq!(Selection::parse_country(&catalog, "se").unwrap(), "SE");
        match Selection::parse_country(&catalog, "Milano") {
            Err(Error::UnknownName {
                kind: "country",
                suggestions,
                ..
            }) => {
                assert_eq!(suggestions[0], "IT")
            }
            other => panic!("{other:?}"),
        }
        assert!(Selection::parse_level(&catalog, "prefecture").is_err());
        assert_eq!(Selection::parse_level(&catalog, "NUTS2").unwrap(), "nuts2");
        match Selection::parse_exclude(&catalog, "suwa") {
            Err(Error::UnknownName { suggestions, .. }) => assert!(
                suggestions
                    .iter()
                    .all(|s| catalog.region(id(&catalog, s)).kind == RegionKind::Overseas)
            ),
            other => panic!("{other:?}"),
        }
        assert!(Selection::check_cap(0).is_err());
    }
}

/// Where a real partner stands in a grouped list (the one definition shared by the replay in
/// `tieup eval` and the leave-one-out figures of retraining): places scored strictly above the
/// best place holding a partner, and other places tied with it. A place scores its best
/// member, so a partner's child or parent stands for it, as in the shortlist.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PartnerRank {
    /// Places scored strictly higher.
    pub better: usize,
    /// Other places with the same score.
    pub tied: usize,
}

impl PartnerRank {
    /// Of `scores` (one per candidate, catalog candidate order) and the partners; None when
    /// no partner is a candidate.
    pub fn of(catalog: &Catalog, scores: &[f64], partners: &[RegionId]) -> Option<PartnerRank> {
        let mut best: std::collections::BTreeMap<RegionId, f64> = std::collections::BTreeMap::new();
        for (candidate, &score) in catalog.candidate_ids().zip(scores) {
            let place = place_of(catalog, candidate);
            let entry = best.entry(place).or_insert(f64::NEG_INFINITY);
            *entry = entry.max(score);
        }
        let relevant: std::collections::BTreeSet<RegionId> = partners
            .iter()
            .filter(|&&p| catalog.candidate_position(p).is_some())
            .map(|&p| place_of(catalog, p))
            .collect();
        let target = relevant
            .iter()
            .filter_map(|p| best.get(p))
            .fold(None, |acc: Option<f64>, &s| {
                Some(acc.map_or(s, |a| a.max(s)))
            })?;
        let mut rank = PartnerRank::default();
        for (place, &score) in &best {
            if relevant.contains(place) {
                continue;
            }
            if score > target {
                rank.better += 1;
            } else if score == target {
                rank.tied += 1;
            }
        }
        Some(rank)
    }

    /// Mid-rank: the mean position over the orders of the tied places.
    pub fn mid(self) -> f64 {
        self.better as f64 + (self.tied as f64 + 2.0) / 2.0
    }

    /// Expected reciprocal rank over the uniformly random orders of the tied places.
    pub fn expected_rr(self) -> f64 {
        let positions = self.better + 1..=self.better + self.tied + 1;
        positions.map(|p| 1.0 / p as f64).sum::<f64>() / (self.tied + 1) as f64
    }

    /// Probability that the place is within the first `k` over the tie orders.
    pub fn hit_probability(self, k: usize) -> f64 {
        if self.better >= k {
            0.0
        } else {
            ((k - self.better) as f64 / (self.tied + 1) as f64).min(1.0)
        }
    }
}

#[cfg(test)]
mod partner_rank_tests {
    use super::PartnerRank;

    #[test]
    fn tie_expectations() {
        let alone = PartnerRank { better: 2, tied: 0 };
        assert_eq!(alone.mid(), 3.0);
        assert!((alone.expected_rr() - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(alone.hit_probability(3), 1.0);
        assert_eq!(alone.hit_probability(2), 0.0);
        // Tied with 3 others after 8 better: positions 9-12 equally likely.
        let tied = PartnerRank { better: 8, tied: 3 };
        assert_eq!(tied.mid(), 10.5);
        assert!((tied.hit_probability(10) - 0.5).abs() < 1e-12);
        let rr = (1.0 / 9.0 + 1.0 / 10.0 + 1.0 / 11.0 + 1.0 / 12.0) / 4.0;
        assert!((tied.expected_rr() - rr).abs() < 1e-12);
    }

    #[test]
    fn a_place_scores_its_best_member() {
        let catalog = crate::testutil::fixture();
        let id = |name: &str| catalog.find_region(name).unwrap();
        let n = catalog.candidate_ids().count();
        let mut scores = vec![0.0; n];
        // Milan (a child of Lombardy) scores highest; the partner is Lombardy, so its place
        // (Lombardy with Milan) comes first.
        scores[catalog.candidate_position(id("milan")).unwrap()] = 2.0;
        scores[catalog.candidate_position(id("texas")).unwrap()] = 1.0;
        let rank = PartnerRank::of(&catalog, &scores, &[id("lombardy")]).unwrap();
        assert_eq!(rank.better, 0);
        // Texas: one place better (Lombardy's), the others tied at 0 below it.
        let rank = PartnerRank::of(&catalog, &scores, &[id("texas")]).unwrap();
        assert_eq!(rank, PartnerRank { better: 1, tied: 0 });
    }
}
