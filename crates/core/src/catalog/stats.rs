//! Coverage counts of a loaded catalog: sectors, regions, and values by provenance.

use super::Catalog;
use serde::Serialize;
use std::collections::BTreeMap;

/// Counts of values by origin, for coverage reports.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct CatalogStats {
    /// Survey sectors.
    pub survey_sectors: usize,
    /// Finer sectors.
    pub fine_sectors: usize,
    /// Japanese prefectures.
    pub japan_prefectures: usize,
    /// Japanese sub-prefectural areas.
    pub japan_areas: usize,
    /// Overseas candidate regions.
    pub overseas_regions: usize,
    /// Overseas countries covered.
    pub overseas_countries: usize,
    /// Strength values by provenance (`curated`, `statistics:...`).
    pub strengths: BTreeMap<String, usize>,
    /// Trait values by provenance.
    pub traits: BTreeMap<String, usize>,
    /// Past partnerships.
    pub partnerships: usize,
    /// Regions with at least one statistics-based strength, by provenance.
    pub regions_with_statistics: BTreeMap<String, usize>,
    /// Curated strength rows replaced by a statistics value.
    pub curated_strengths_overridden: usize,
    /// Explicit sector-relatedness pairs by provenance.
    pub relatedness: BTreeMap<String, usize>,
    /// Regions whose coordinates come from a derived centroid.
    pub geo_overrides: usize,
    /// Japanese–overseas region pairs with twin-city links.
    pub twin_ties: usize,
}

impl Catalog {
    /// Counts for coverage reports.
    pub fn stats(&self) -> CatalogStats {
        let mut stats = CatalogStats {
            survey_sectors: self
                .sectors
                .all()
                .iter()
                .filter(|s| s.parent.is_none())
                .count(),
            fine_sectors: self
                .sectors
                .all()
                .iter()
                .filter(|s| s.parent.is_some())
                .count(),
            overseas_regions: self.candidates().len(),
            partnerships: self.partnerships.len(),
            ..CatalogStats::default()
        };
        for (_, region) in self.japan_regions() {
            if region.level == "prefecture" {
                stats.japan_prefectures += 1;
            } else {
                stats.japan_areas += 1;
            }
        }
        let countries: std::collections::BTreeSet<&str> =
            self.candidates().map(|(_, r)| r.country.as_str()).collect();
        stats.overseas_countries = countries.len();
        for source in self.strength_sources.values() {
            *stats
                .strengths
                .entry(source.provenance.to_string())
                .or_default() += 1;
        }
        for source in self.trait_sources.values() {
            *stats
                .traits
                .entry(source.provenance.to_string())
                .or_default() += 1;
        }
        let mut with_statistics: BTreeMap<String, std::collections::BTreeSet<super::RegionId>> =
            BTreeMap::new();
        for ((region, _), source) in &self.strength_sources {
            if source.provenance.is_statistic() {
                with_statistics
                    .entry(source.provenance.to_string())
                    .or_default()
                    .insert(*region);
            }
        }
        stats.regions_with_statistics = with_statistics
            .into_iter()
            .map(|(k, v)| (k, v.len()))
            .collect();
        stats.curated_strengths_overridden = self.overridden.len();
        for ((a, b), provenance) in &self.relatedness_sources {
            if a < b {
                *stats.relatedness.entry(provenance.to_string()).or_default() += 1;
            }
        }
        stats.geo_overrides = self.geo_overrides;
        stats.twin_ties = self.twin_ties.len();
        stats
    }
}
