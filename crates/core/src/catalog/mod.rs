//! The region catalog: Japanese and overseas regions, their sector strengths, partner
//! traits, past partnerships and sector relatedness, loaded and validated from `data/`.
//!
//! Regions of both kinds share one index space (Japanese first, then overseas), so that the
//! strength matrix has one row per region. Missing values have a documented reading
//! (see [`Catalog::strength`]); nothing is silently zero without that rule.
//!
//! Files under `data/derived/` (written by `tieup catalog rebuild` and `tieup catalog import`)
//! are overlays read after the curated files: `strengths_*.csv` (a statistics value replaces
//! the curated one for the same region and sector), `sector_relatedness.csv` (statistics
//! replace curated relatedness pair by pair), `region_geo.csv` (better coordinates for
//! administrative regions) and `twin_ties.csv` (twin-city links). [`Catalog::load_curated`]
//! reads the curated files alone. `partner_bodies.csv` (curated, optional) lists the
//! organisations that could run a tie-up ([`PartnerBody`]).

mod asof;
mod bodies;
pub mod japanese;
mod load;
mod partnerships;
mod regions;
mod stats;

pub use asof::{
    AIR_NETWORK_YEAR, AS_OF_COLUMN, DatedSlot, DatedValue, EARLIEST_AS_OF, LATEST_AS_OF,
    RESIDENTS_YEAR, YearNotice,
};
pub use bodies::{
    BODIES_FILE, BODY_COLUMNS, BodyMatch, BodyType, EARLIEST_FOUNDING, LATEST_FOUNDING,
    MAX_BODY_LEVEL, PartnerBody,
};
pub use load::TWIN_LEVEL_COLUMNS;
pub use partnerships::{MAX_PARTNERSHIP_ID, PARTNERSHIP_COLUMNS};
pub use stats::CatalogStats;

use crate::error::{Error, Result};
use crate::lookup::{MatchTier, NameIndex};
use crate::provenance::Provenance;
use crate::sector::{Sector, SectorTable};
use ndarray::{Array2, ArrayView1};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use crate::ids::{RegionId, SectorId};

/// Japanese or overseas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RegionKind {
    /// A Japanese prefecture or sub-prefectural area.
    Japan,
    /// A candidate partner region outside Japan.
    Overseas,
}

/// One region of either kind.
#[derive(Debug, Clone)]
pub struct Region {
    /// Stable id, unique across both kinds.
    pub id: String,
    /// English name.
    pub name: String,
    /// Japanese name (see [`Region::name_ja`]).
    pub name_ja: Option<String>,
    /// Other names it is looked up by.
    pub aliases: Vec<String>,
    /// Japanese or overseas.
    pub kind: RegionKind,
    /// ISO 3166-1 alpha-2 country code (`JP` for Japanese regions).
    pub country: String,
    /// The enclosing region (a Japanese area's prefecture; an overseas parent).
    pub parent: Option<RegionId>,
    /// `prefecture` or `area` in Japan; `country`, `state`, `nuts1`, `nuts2`, `metro`, `city` overseas.
    pub level: String,
    /// METI regional bureau of a Japanese region.
    pub bureau: Option<String>,
    /// Latitude of the seat, decimal degrees.
    pub lat: f64,
    /// Longitude of the seat, decimal degrees.
    pub lon: f64,
    /// Standard-time UTC offset in hours.
    pub utc_offset: f64,
    /// ISO 639-1 business languages, main first.
    pub languages: Vec<String>,
    /// Where the coordinates came from.
    pub geo_provenance: String,
}

impl Region {
    /// The Japanese name, where the catalog has one: for an overseas region its `name_ja`
    /// cell (`バイエルン州`, `大連市`; in a catalog without the column, its first alias with
    /// kana), for a Japanese region its first alias in Japanese script (`福島県`).
    pub fn name_ja(&self) -> Option<&str> {
        self.name_ja.as_deref()
    }
}

/// The five partner traits of an overseas region, in schema order.
pub const TRAITS: [&str; 5] = [
    "advanced_technology",
    "design_ability",
    "brand_image",
    "materials",
    "japan_tech_demand",
];

/// What a partnership led to, as reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Results during the project.
    During,
    /// Results after the project.
    After,
    /// No results yet.
    NotYet,
    /// Named a successful case; timing not given.
    ReportedSuccess,
    /// Not reported.
    Unknown,
}

impl Outcome {
    /// Every outcome.
    pub const ALL: [Outcome; 5] = [
        Outcome::During,
        Outcome::After,
        Outcome::NotYet,
        Outcome::ReportedSuccess,
        Outcome::Unknown,
    ];

    /// The id written in `partnerships.csv` (the one definition the catalog reader parses).
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::During => "during",
            Outcome::After => "after",
            Outcome::NotYet => "not_yet",
            Outcome::ReportedSuccess => "reported_success",
            Outcome::Unknown => "unknown",
        }
    }

    /// The outcome an id of [`Outcome::as_str`] names.
    pub fn parse(text: &str) -> Option<Self> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == text)
    }
}

/// A past partnership between a Japanese region and one or more overseas regions.
#[derive(Debug, Clone)]
pub struct Partnership {
    /// Stable id.
    pub id: String,
    /// The Japanese region.
    pub japan_region: RegionId,
    /// The overseas partner regions.
    pub overseas_regions: Vec<RegionId>,
    /// The sector.
    pub sector: SectorId,
    /// First fiscal year.
    pub start_fy: u16,
    /// Last fiscal year.
    pub end_fy: u16,
    /// Reported outcome.
    pub outcome: Outcome,
    /// Research trips, missions, invitations (where reported).
    pub activities: [Option<u32>; 3],
    /// Features the Japanese side wanted most (optional `wanted` column).
    pub wanted: Vec<crate::features::Feature>,
}

/// Where one strength or trait value came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValueSource {
    /// Statistic or curated.
    pub provenance: Provenance,
    /// Reason or detail.
    pub note: String,
    /// The year a curated value became known (optional `as_of` column): a query limited to
    /// what was known before fiscal year `y` counts it only when `as_of < y`, and otherwise
    /// treats it as absent ([`Catalog::as_known_in`]); `None` for an undated value (known
    /// throughout) and for every statistic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<u16>,
}

/// Twin-city links between a Japanese and an overseas region (from `derived/twin_ties.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct TwinTie {
    /// The Japanese region.
    pub japan_region: RegionId,
    /// The overseas region.
    pub overseas_region: RegionId,
    /// Number of twin-city links between places in them.
    pub links: u32,
    /// Some of the linked places, for explanations.
    pub examples: String,
    /// Where the links come from, `;`-separated source tags (`wikidata:p190:2016`,
    /// `wikipedia:sister-cities:2026`, `wikidata:p190:eu-japan`).
    pub sources: String,
    /// The links by the level of their two places, Japanese side first:
    /// `[whole–whole, whole–part, part–whole, part–part]`, where *whole* means the place is
    /// the region itself (a prefecture or state named as such, the seat city of a Japanese
    /// area or of an overseas metro or city region) and *part* a place inside it. Sums to
    /// `links`; files without the level columns count every link whole–whole.
    pub levels: [u32; 4],
}

/// How one gets from a Japanese to an overseas region by air, in the 2014 OpenFlights network
/// (`derived/air_access.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct AirAccess {
    /// Estimated door-to-door hours.
    pub hours: f64,
    /// Changes of plane: 0 direct, 1 through `via`, 2 estimated (no route searched).
    pub connections: u8,
    /// The Japanese region's airport (name, or IATA code without `airports.csv`).
    pub japan_airport: String,
    /// The overseas region's airport.
    pub overseas_airport: String,
    /// The hub of a one-connection trip.
    pub via: Option<String>,
}

/// The directory of derived overlay files inside a catalog directory.
pub const DERIVED_DIR: &str = "derived";

/// Everything tieup knows about regions and sectors.
#[derive(Debug, Clone)]
pub struct Catalog {
    /// The sector taxonomy.
    sectors: SectorTable,
    /// All regions: Japanese first, then overseas.
    regions: Vec<Region>,
    /// Number of Japanese regions (they come first).
    n_japan: usize,
    /// Past partnerships, in file order.
    partnerships: Vec<Partnership>,
    /// Explicit strengths: regions × sectors, NaN where the file has no row.
    explicit: Array2<f64>,
    /// Effective strengths after the missing-value rule: regions × sectors.
    strength: Array2<f64>,
    /// Traits: regions × [`TRAITS`]; zero for Japanese regions.
    traits: Array2<f64>,
    /// Sector relatedness: sectors × sectors, symmetric, diagonal 1.
    relatedness: Array2<f64>,
    strength_sources: BTreeMap<(RegionId, SectorId), ValueSource>,
    /// Curated strengths replaced by statistics: (region, sector) → (value, source).
    overridden: BTreeMap<(RegionId, SectorId), (f64, ValueSource)>,
    trait_sources: BTreeMap<(RegionId, usize), ValueSource>,
    /// Provenance of explicit relatedness pairs (both orders).
    relatedness_sources: BTreeMap<(SectorId, SectorId), Provenance>,
    /// Twin-city ties, in file order.
    twin_ties: Vec<TwinTie>,
    twin_index: BTreeMap<(RegionId, RegionId), usize>,
    air_access: BTreeMap<(RegionId, RegionId), AirAccess>,
    japanese_residents: Option<BTreeMap<String, f64>>,
    /// Partner bodies (`partner_bodies.csv`), in file order.
    bodies: Vec<PartnerBody>,
    /// Every dated curated value in effect in the full catalog (not replaced by a statistic),
    /// by slot: what [`Catalog::as_known_in`] leaves out or puts back.
    dated: std::sync::Arc<Vec<DatedValue>>,
    /// Each region's child regions.
    children: Vec<Vec<RegionId>>,
    geo_overrides: usize,
    index: NameIndex,
    /// The directory the catalog was loaded from.
    dir: PathBuf,
    /// The mean similarity [`crate::features::Encoder::new`] shrinks toward, worked out by
    /// the first encoder and kept (it reads the regions and the strengths only, so a copy
    /// with other partnerships keeps it; code that changes regions or strengths must start
    /// with an empty cell).
    mean_similarity: std::sync::OnceLock<f64>,
}

/// Required columns of `strengths.csv` and of the derived `strengths_*.csv` files (the
/// curated files may add an `as_of` column last).
const STRENGTH_COLUMNS: [&str; 5] = ["region_id", "sector", "value", "provenance", "note"];

/// Relatedness of two finer sectors under the same survey sector, unless a row says otherwise.
pub const SIBLING_RELATEDNESS: f64 = 0.5;
/// Share of a curated survey-sector strength that a finer sector without its own row
/// inherits ([`Catalog::inheritance`]).
pub const INHERITED_SHARE: f64 = 0.5;
/// Share of a statistics-based strength that a finer sector without its own row inherits:
/// the measured total counts the codes of the whole survey sector, mostly other finer
/// sectors' (a state's environment statistic is its utilities and waste collection), so it
/// says less about a finer field the source does not measure than a curator's judgement
/// of the sector does.
pub const MEASURED_INHERITED_SHARE: f64 = 0.25;

/// Where a finer sector without its own strength row takes its value from
/// ([`Catalog::inheritance`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Inheritance {
    /// The survey sector whose row is passed on.
    pub from: SectorId,
    /// The share passed on ([`INHERITED_SHARE`] or [`MEASURED_INHERITED_SHARE`]).
    pub share: f64,
}

impl Inheritance {
    /// The share as an explanation says it: "half" or "a quarter".
    pub fn share_in_words(&self) -> &'static str {
        if self.share == MEASURED_INHERITED_SHARE {
            "a quarter"
        } else {
            "half"
        }
    }
}

/// The bureau names the survey tables use, plus Okinawa.
pub const BUREAUS: [&str; 9] = [
    "Hokkaido", "Tohoku", "Kanto", "Chubu", "Kinki", "Chugoku", "Shikoku", "Kyushu", "Okinawa",
];

impl Catalog {
    /// The sector taxonomy.
    pub fn sectors(&self) -> &SectorTable {
        &self.sectors
    }

    /// The sector with this id.
    pub fn sector(&self, id: SectorId) -> &Sector {
        self.sectors.get(id)
    }

    /// The region with this id.
    pub fn region(&self, id: RegionId) -> &Region {
        &self.regions[id.index()]
    }

    /// Number of regions of both kinds.
    pub fn n_regions(&self) -> usize {
        self.regions.len()
    }

    /// Every region with its id: Japanese first, then overseas, each in file order.
    pub fn regions(&self) -> impl ExactSizeIterator<Item = (RegionId, &Region)> + Clone {
        self.regions
            .iter()
            .enumerate()
            .map(|(p, r)| (RegionId::from_index(p), r))
    }

    /// The Japanese regions with their ids, in file order.
    pub fn japan_regions(&self) -> impl ExactSizeIterator<Item = (RegionId, &Region)> + Clone {
        self.regions().take(self.n_japan)
    }

    /// The overseas regions (the candidates) with their ids, in file order.
    pub fn candidates(&self) -> impl ExactSizeIterator<Item = (RegionId, &Region)> + Clone {
        self.regions().skip(self.n_japan)
    }

    /// The ids of the Japanese regions, in file order.
    pub fn japan_ids(&self) -> impl ExactSizeIterator<Item = RegionId> + Clone + use<> {
        (0..self.n_japan).map(RegionId::from_index)
    }

    /// The ids of the overseas regions (the candidates), in file order.
    pub fn candidate_ids(&self) -> impl ExactSizeIterator<Item = RegionId> + Clone + use<> {
        (self.n_japan..self.regions.len()).map(RegionId::from_index)
    }

    /// Number of overseas regions (the candidates).
    pub fn n_candidates(&self) -> usize {
        self.regions.len() - self.n_japan
    }

    /// The position of an overseas region among the candidates (the row of tables laid out
    /// in [`Catalog::candidates`] order); `None` for a Japanese region.
    pub fn candidate_position(&self, id: RegionId) -> Option<usize> {
        id.index()
            .checked_sub(self.n_japan)
            .filter(|&p| p < self.n_candidates())
    }

    /// The region whose id is exactly `id` (no name or alias lookup).
    pub fn region_by_id(&self, id: &str) -> Option<RegionId> {
        self.index.position_of_id(id).map(RegionId::from_index)
    }

    /// Past partnerships, in file order.
    pub fn partnerships(&self) -> &[Partnership] {
        &self.partnerships
    }

    /// The same catalog with another partnership history (a training file, or the history
    /// up to some year).
    pub fn with_partnerships(&self, partnerships: Vec<Partnership>) -> Catalog {
        Catalog {
            partnerships,
            ..self.clone()
        }
    }

    /// Twin-city ties, in file order.
    pub fn twin_ties(&self) -> &[TwinTie] {
        &self.twin_ties
    }

    /// The catalog's mean similarity, computed by `compute` the first time it is asked for
    /// (see [`crate::features::Encoder::new`]).
    pub(crate) fn mean_similarity(&self, compute: impl FnOnce() -> f64) -> f64 {
        *self.mean_similarity.get_or_init(compute)
    }

    /// The directory the catalog was loaded from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Finds a region of either kind by id, name or alias.
    pub fn find_region(&self, query: &str) -> Result<RegionId> {
        self.index.find("region", query).map(RegionId::from_index)
    }

    /// Finds a Japanese region among the Japanese regions only (a name shared with an
    /// overseas region is the Japanese one); a name that only an overseas region has is an
    /// error that says so. Suggestions name Japanese regions only.
    pub fn find_japan_region(&self, query: &str) -> Result<RegionId> {
        self.find_region_of_kind(RegionKind::Japan, query)
    }

    /// Finds an overseas region among the overseas regions only; suggestions name overseas
    /// regions only.
    pub fn find_overseas_region(&self, query: &str) -> Result<RegionId> {
        self.find_region_of_kind(RegionKind::Overseas, query)
    }

    fn find_region_of_kind(&self, kind: RegionKind, query: &str) -> Result<RegionId> {
        let of_kind = |p: usize| self.regions[p].kind == kind;
        match self.index.find_among("region", query, of_kind) {
            Ok(found) => Ok(RegionId::from_index(found)),
            Err(Error::UnknownName {
                kind: k,
                query: q,
                suggestions,
            }) => match (
                kind,
                self.index.find_among("region", query, |p| !of_kind(p)),
            ) {
                (RegionKind::Japan, Ok(other)) => Err(Error::NotJapanese {
                    query: q,
                    overseas: self.regions[other].id.clone(),
                    suggestions,
                }),
                _ => Err(Error::UnknownName {
                    kind: k,
                    query: q,
                    suggestions,
                }),
            },
            Err(other) => Err(other),
        }
    }

    /// The ids of up to `limit` regions that `keep` accepts whose names are closest to
    /// `query`, best first.
    pub fn suggest_regions(
        &self,
        query: &str,
        limit: usize,
        keep: impl Fn(RegionId) -> bool,
    ) -> Vec<String> {
        self.index
            .suggest_among(query, limit, |p| keep(RegionId::from_index(p)))
    }

    /// True when `query` is a substring of the region's id, name or an alias (normalised).
    pub fn region_matches(&self, region: RegionId, query: &str) -> bool {
        self.index.matches_text(region.index(), query)
    }

    /// How well `query` matches the region's id, name or aliases ([`MatchTier`]).
    pub fn region_match_tier(&self, region: RegionId, query: &str) -> Option<MatchTier> {
        self.index.match_tier(region.index(), query)
    }

    /// The regions among `regions` that a search text finds, best first: when some match
    /// exactly or by whole words (`京都` is Kyoto and Kyoto City), only those, exact before
    /// word matches; otherwise every region the text is part of (`fuku`). Ties keep the
    /// order of `regions`.
    pub fn search_regions(
        &self,
        regions: impl IntoIterator<Item = RegionId>,
        query: &str,
    ) -> Vec<RegionId> {
        let mut found: Vec<(MatchTier, usize, RegionId)> = regions
            .into_iter()
            .enumerate()
            .filter_map(|(i, r)| self.region_match_tier(r, query).map(|t| (t, i, r)))
            .collect();
        if found.iter().any(|f| f.0 < MatchTier::Substring) {
            found.retain(|f| f.0 < MatchTier::Substring);
        }
        found.sort();
        found.into_iter().map(|f| f.2).collect()
    }

    /// Effective strength of a region in a sector, in [0, 1].
    ///
    /// The rule for missing rows: a survey sector without its own row takes the maximum of
    /// its finer sectors; a finer sector without its own row inherits a share of its survey
    /// sector's own row ([`Catalog::inheritance`]); otherwise 0 (no notable cluster).
    pub fn strength(&self, region: RegionId, sector: SectorId) -> f64 {
        self.strength[[region.index(), sector.index()]]
    }

    /// The effective strength row of a region (one value per sector).
    pub fn strength_row(&self, region: RegionId) -> ArrayView1<'_, f64> {
        self.strength.row(region.index())
    }

    /// How a finer sector without its own row inherits, if it does: from its survey sector's
    /// own row, [`INHERITED_SHARE`] of a curated row, [`MEASURED_INHERITED_SHARE`] of a
    /// statistics row. `None` for a sector with its own row, a survey sector, or a finer
    /// sector whose survey sector has no row. (Sibling rows pass nothing on: a region strong
    /// in water treatment is not thereby strong in woody biomass; related sectors count in
    /// the complementary-cluster feature, through the relatedness table.)
    pub fn inheritance(&self, region: RegionId, sector: SectorId) -> Option<Inheritance> {
        let has_row = |s: SectorId| !self.explicit[[region.index(), s.index()]].is_nan();
        if has_row(sector) {
            return None;
        }
        let from = self.sectors.get(sector).parent.filter(|&p| has_row(p))?;
        let measured = self
            .strength_sources
            .get(&(region, from))
            .is_some_and(|s| s.provenance.is_statistic());
        let share = if measured {
            MEASURED_INHERITED_SHARE
        } else {
            INHERITED_SHARE
        };
        Some(Inheritance { from, share })
    }

    /// The explicit strength value and its source, if the file has a row.
    pub fn strength_source(
        &self,
        region: RegionId,
        sector: SectorId,
    ) -> Option<(f64, &ValueSource)> {
        self.strength_sources
            .get(&(region, sector))
            .map(|s| (self.explicit[[region.index(), sector.index()]], s))
    }

    /// All explicit strengths of a region, in sector order.
    pub fn explicit_strengths(&self, region: RegionId) -> Vec<(SectorId, f64)> {
        self.explicit
            .row(region.index())
            .iter()
            .enumerate()
            .filter(|(_, v)| !v.is_nan())
            .map(|(s, &v)| (SectorId::from_index(s), v))
            .collect()
    }

    /// A trait value of an overseas region (position in [`TRAITS`]).
    pub fn trait_value(&self, region: RegionId, trait_index: usize) -> f64 {
        self.traits[[region.index(), trait_index]]
    }

    /// The source of a trait value.
    pub fn trait_source(&self, region: RegionId, trait_index: usize) -> Option<&ValueSource> {
        self.trait_sources.get(&(region, trait_index))
    }

    /// Relatedness of two sectors, in [0, 1].
    pub fn relatedness(&self, a: SectorId, b: SectorId) -> f64 {
        self.relatedness[[a.index(), b.index()]]
    }

    /// The provenance of an explicit relatedness pair (curated or statistics); `None` for
    /// the sibling default, a survey sector's derived value or unrelated sectors.
    pub fn relatedness_source(&self, a: SectorId, b: SectorId) -> Option<&Provenance> {
        self.relatedness_sources.get(&(a, b))
    }

    /// The curated strength a statistics value replaced, if any.
    pub fn overridden_strength(
        &self,
        region: RegionId,
        sector: SectorId,
    ) -> Option<&(f64, ValueSource)> {
        self.overridden.get(&(region, sector))
    }

    /// Air access from a Japanese to an overseas region (2014 network), when the catalog has
    /// `derived/air_access.csv`.
    pub fn air_access(&self, japan: RegionId, overseas: RegionId) -> Option<&AirAccess> {
        self.air_access.get(&(japan, overseas))
    }

    /// Communication cost between a Japanese region and a candidate, with the catalog's air
    /// access and Japanese residents when it has them ([`crate::geo::communication_cost`]).
    pub fn communication_cost(
        &self,
        japan: RegionId,
        candidate: RegionId,
    ) -> crate::geo::CommunicationCost {
        let region = self.region(candidate);
        crate::geo::communication_cost(
            self.region(japan),
            region,
            self.air_access(japan, candidate).map(|a| a.hours),
            self.japanese_residents(&region.country)
                .map(crate::geo::presence_gap),
        )
    }

    /// Japanese nationals living in a country (MOFA 2025): `None` without
    /// `derived/japanese_residents.csv`, `Some(None)` for a country the survey lacks.
    pub fn japanese_residents(&self, country: &str) -> Option<Option<f64>> {
        self.japanese_residents
            .as_ref()
            .map(|r| r.get(country).copied())
    }

    /// The twin-city links between exactly these two regions, if any.
    pub fn twin_pair(&self, japan: RegionId, overseas: RegionId) -> Option<&TwinTie> {
        self.twin_index
            .get(&(japan, overseas))
            .map(|&t| &self.twin_ties[t])
    }

    /// A region's child regions (areas of a prefecture, metros of a state), in catalog order.
    pub fn child_regions(&self, region: RegionId) -> &[RegionId] {
        &self.children[region.index()]
    }

    /// The twin-city tie between a Japanese and an overseas region or their parent or child
    /// regions: the one with most links (ties broken by file order). What a tie is worth to
    /// a query is the encoder's (`features::Encoder::twin_exchange`).
    pub fn twin_tie(&self, japan: RegionId, overseas: RegionId) -> Option<&TwinTie> {
        if self.twin_ties.is_empty() {
            return None;
        }
        let family = |r: RegionId| {
            std::iter::once(r)
                .chain(self.region(r).parent)
                .chain(self.children[r.index()].iter().copied())
        };
        let mut best: Option<&TwinTie> = None;
        for j in family(japan) {
            for o in family(overseas) {
                if let Some(&t) = self.twin_index.get(&(j, o)) {
                    let tie = &self.twin_ties[t];
                    if best.is_none_or(|b| tie.links > b.links) {
                        best = Some(tie);
                    }
                }
            }
        }
        best
    }
}
