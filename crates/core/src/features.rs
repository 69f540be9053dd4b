//! The feature encoder: a query (Japanese region, sector, wanted traits, year) and each
//! overseas candidate become one row of named features in [0, 1].
//!
//! The feature schema (names, order, version) is shared by models, outputs and exports;
//! its fingerprint is stored in every model file so that a model built for another schema
//! is refused instead of silently mis-scoring.

use crate::catalog::{Catalog, Partnership, RegionId, RegionKind, SectorId};
use crate::error::{Error, Result};
use ndarray::Array2;
use serde::Serialize;

/// One feature of the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeatureSpec {
    /// Stable name used in model files and outputs.
    pub name: &'static str,
    /// Short label for tables.
    pub label: &'static str,
    /// +1 when more is better for a partnership, −1 for a cost.
    pub direction: i8,
    /// What the value means.
    pub description: &'static str,
}

/// Version of the feature schema; bump it when a feature is added, removed or redefined.
/// v5: advanced technology × the sector's technology intensity (v4 was the partner_body
/// trial, never merged, so its number is not reused).
pub const SCHEMA_VERSION: u32 = 5;

/// The features, in schema order.
pub const FEATURES: [FeatureSpec; 10] = [
    FeatureSpec {
        name: "same_area_cluster",
        label: "same cluster",
        direction: 1,
        description: "the candidate's strength in the query sector (survey: 'same-area cluster')",
    },
    FeatureSpec {
        name: "cluster_similarity",
        label: "similar profile",
        direction: 1,
        description: "cosine similarity of the two regions' measured strengths over the finer sectors both have statistics for (a Japanese area without statistics uses its prefecture's), shrunk toward the catalog's mean similarity by coverage: (n x cosine + 10 x mean) / (n + 10) for n common sectors, so missing values neither create nor remove similarity",
    },
    FeatureSpec {
        name: "supplemental_cluster",
        label: "complementary",
        direction: 1,
        description: "the candidate's best strength in a sector related to the query sector that the Japanese region lacks: max over q of relatedness(s,q) x strength(candidate,q) x (1 - strength(japan,q))",
    },
    FeatureSpec {
        name: "advanced_technology",
        label: "adv. technology",
        direction: 1,
        description: "the candidate's advanced-technology trait where it has a cluster in the query sector, as far as the sector lives on technology: trait x strength in the sector x the sector's technology-intensity weight (Eurostat's aggregations of its ISIC codes: 1 high-technology manufacturing, high-tech knowledge-intensive services and unclassified activities, 0.75 medium-high, 0.5 medium-low and other knowledge-intensive services, 0.25 low-technology and less knowledge-intensive services; the survey item is an 'advanced technology cluster': a cluster of the sector with advanced technology, not a region's general level)",
    },
    FeatureSpec {
        name: "design_ability",
        label: "design",
        direction: 1,
        description: "the candidate's design-ability trait where it has a cluster in the query sector: trait x strength in the sector (the survey item 'high design ability' is asked of a partner for a tie-up in the sector, like its 'advanced technology cluster')",
    },
    FeatureSpec {
        name: "brand_image",
        label: "brand",
        direction: 1,
        description: "the candidate's brand-image trait where it has a cluster in the query sector: trait x strength in the sector (the survey item 'excellent brand image' is asked of a partner for a tie-up in the sector, like its 'advanced technology cluster')",
    },
    FeatureSpec {
        name: "materials",
        label: "materials",
        direction: 1,
        description: "the candidate's materials-to-procure trait",
    },
    FeatureSpec {
        name: "japan_tech_demand",
        label: "needs our tech",
        direction: 1,
        description: "the candidate's demand for Japanese technology times the Japanese region's strength in the query sector (the reciprocal side)",
    },
    FeatureSpec {
        name: "existing_exchange",
        label: "past exchange",
        direction: 1,
        description: "strongest existing tie: max over past partnerships of japan_tie x overseas_tie (same region 1, same prefecture or parent/child/sibling region 0.6, same bureau or country 0.3), and 0.3 for a twin-city link between the two regions or their parent/child regions (Wikidata P190 2016, Wikipedia sister cities, Wikidata EU-Japan; undated, so it counts whatever the year limit)",
    },
    FeatureSpec {
        name: "communication_cost",
        label: "comm. cost",
        direction: -1,
        description: "mean of door-to-door air travel hours/24 h in the 2014 network (distance/12,000 km without air data; capped at 1), time-zone gap/12 h, language gap (0 Japanese, 0.5 English, 1 neither) and, with MOFA resident counts, the Japanese presence gap 1 - ln(1+residents)/ln(1+100,000) (0.5 for a country not listed)",
    },
];

/// One feature of the schema; the variants are in schema order, so `feature as usize` is
/// the position in [`FEATURES`] and in every feature row and weight vector.
///
/// Code that treats features differently matches on this enum exhaustively (no catch-all
/// arm): adding a variant does not compile until the encoder, the kernel and the
/// explanations handle it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Feature {
    /// `same_area_cluster`
    SameAreaCluster,
    /// `cluster_similarity`
    ClusterSimilarity,
    /// `supplemental_cluster`
    SupplementalCluster,
    /// `advanced_technology`
    AdvancedTechnology,
    /// `design_ability`
    DesignAbility,
    /// `brand_image`
    BrandImage,
    /// `materials`
    Materials,
    /// `japan_tech_demand`
    JapanTechDemand,
    /// `existing_exchange`
    ExistingExchange,
    /// `communication_cost`
    CommunicationCost,
}

impl Feature {
    /// Every feature, in schema order.
    pub const ALL: [Feature; N_FEATURES] = [
        Feature::SameAreaCluster,
        Feature::ClusterSimilarity,
        Feature::SupplementalCluster,
        Feature::AdvancedTechnology,
        Feature::DesignAbility,
        Feature::BrandImage,
        Feature::Materials,
        Feature::JapanTechDemand,
        Feature::ExistingExchange,
        Feature::CommunicationCost,
    ];

    /// Position in the schema (in [`FEATURES`], feature rows and weight vectors).
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The feature at a schema position.
    pub fn from_index(index: usize) -> Option<Feature> {
        Feature::ALL.get(index).copied()
    }

    /// Name, label, direction and description.
    pub const fn spec(self) -> &'static FeatureSpec {
        &FEATURES[self.index()]
    }

    /// Stable name used in model files and outputs.
    pub const fn name(self) -> &'static str {
        self.spec().name
    }

    /// Short label for tables.
    pub const fn label(self) -> &'static str {
        self.spec().label
    }

    /// +1 when more is better for a partnership, −1 for a cost.
    pub const fn direction(self) -> i8 {
        self.spec().direction
    }

    /// The partner trait (position in [`crate::catalog::TRAITS`]) the feature reads, if any.
    pub const fn catalog_trait(self) -> Option<usize> {
        match self {
            Feature::AdvancedTechnology => Some(0),
            Feature::DesignAbility => Some(1),
            Feature::BrandImage => Some(2),
            Feature::Materials => Some(3),
            Feature::JapanTechDemand => Some(4),
            Feature::SameAreaCluster
            | Feature::ClusterSimilarity
            | Feature::SupplementalCluster
            | Feature::ExistingExchange
            | Feature::CommunicationCost => None,
        }
    }

    /// True for the traits that count only where the candidate has a cluster in the query
    /// sector (advanced technology, design ability, brand image): their value is the trait
    /// times [`Encoder::sector_presence`].
    pub const fn in_sector(self) -> bool {
        matches!(
            self,
            Feature::AdvancedTechnology | Feature::DesignAbility | Feature::BrandImage
        )
    }

    /// True for the features whose value depends on the Japanese region of the query: profile
    /// similarity, the complementary cluster (the region's gaps), the demand for Japanese
    /// technology (times the region's strength in the sector), existing exchange (its ties)
    /// and communication cost (its travel time, time zone and language). These are what can
    /// make two prefectures' shortlists differ; the others (the candidate's strength, traits
    /// and materials) rank every prefecture's candidates alike. Read from
    /// [`Feature::depends_on`] (a test checks it against the encoder's values).
    pub const fn reads_japan_region(self) -> bool {
        !matches!(
            self.depends_on(),
            Dependence::Candidate | Dependence::Sector
        )
    }

    /// What, besides the candidate, the feature's value depends on (how the kernel keys
    /// its precomputed columns).
    pub const fn depends_on(self) -> Dependence {
        match self {
            Feature::SameAreaCluster
            | Feature::AdvancedTechnology
            | Feature::DesignAbility
            | Feature::BrandImage => Dependence::Sector,
            Feature::ClusterSimilarity | Feature::CommunicationCost => Dependence::JapanRegion,
            Feature::SupplementalCluster | Feature::JapanTechDemand => {
                Dependence::JapanRegionAndSector
            }
            Feature::Materials => Dependence::Candidate,
            Feature::ExistingExchange => Dependence::JapanRegionAndYear,
        }
    }
}

/// What part of a [`Query`] a feature's value depends on, besides the candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dependence {
    /// The candidate alone.
    Candidate,
    /// The query sector.
    Sector,
    /// The Japanese region.
    JapanRegion,
    /// The Japanese region and the query sector.
    JapanRegionAndSector,
    /// The Japanese region and the year limit.
    JapanRegionAndYear,
}

/// The strength in the query sector from which a region's advanced technology, design
/// ability and brand image count in full ([`Encoder::sector_presence`]). At 1 the traits
/// count in plain proportion to the strength: the interaction without a free parameter.
/// (Levels 0.3, 0.5 and 0.7 were tried; see the README's real-partnership table.)
pub const PRESENCE_LEVEL: f64 = 1.0;

/// Pseudo-sectors of the similarity's shrinkage toward the mean
/// ([`Encoder::similarity`]): a pair measured on this many common sectors weighs its own
/// cosine and the catalog's mean similarity equally.
pub const SIMILARITY_PSEUDO_SECTORS: f64 = 10.0;

/// Number of features.
pub const N_FEATURES: usize = FEATURES.len();

/// Existing-exchange value of one twin-city link between the two regions themselves (a
/// prefecture's sister state, a city region's sister city): weaker than any past partnership
/// between them (at least 0.36), as strong as a partnership of a neighbouring region in the
/// same country. Links at other levels are discounted by [`TWIN_LEVEL_DISCOUNT`] per side,
/// and several links add up with saturation ([`Encoder::twin_exchange`]).
pub const TWIN_TIE: f64 = 0.3;

/// Discount, on each side, of a twin-city link whose place is not the region itself: a place
/// inside it (a town of the prefecture, a city of the state or of one of its metro regions),
/// or the parent unit itself (a prefecture's sister state counted for a metro region of that
/// state, a sister state of Hyogo counted for Kobe). The same one-level discount as a
/// partnership of a parent, child or neighbouring region ([`japan_tie`], [`overseas_tie`]).
/// A place beside the region (a sibling's town) does not count.
pub const TWIN_LEVEL_DISCOUNT: f64 = 0.6;

/// The twin-city part of existing exchange for one query and candidate
/// ([`Encoder::twin_exchange`]).
#[derive(Debug, Clone, Copy)]
pub struct TwinExchange<'a> {
    /// 1 − Π(1 − tᵢ) over the links that count, tᵢ = [`TWIN_TIE`] × the two sides' level
    /// factors (1, or [`TWIN_LEVEL_DISCOUNT`]).
    pub value: f64,
    /// How many links count.
    pub links: u32,
    /// The region pair whose links count most (first in family order on a tie), for
    /// explanations.
    pub strongest: &'a crate::catalog::TwinTie,
}

/// Names, order and version of the features; what a model is bound to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct FeatureSchema {
    /// Schema version.
    pub version: u32,
    /// Feature names in order.
    pub features: Vec<String>,
}

impl FeatureSchema {
    /// The schema of this build.
    pub fn current() -> Self {
        FeatureSchema {
            version: SCHEMA_VERSION,
            features: FEATURES.iter().map(|f| f.name.to_string()).collect(),
        }
    }

    /// A stable 64-bit FNV-1a hash of version and names, as 16 hex digits.
    ///
    /// ```
    /// let schema = tieup_core::features::FeatureSchema::current();
    /// assert_eq!(schema.fingerprint().len(), 16);
    /// assert_eq!(schema.fingerprint(), tieup_core::features::FeatureSchema::current().fingerprint());
    /// ```
    pub fn fingerprint(&self) -> String {
        let text = format!("v{}:{}", self.version, self.features.join(","));
        format!("{:016x}", crate::hash::fnv1a64(text.as_bytes()))
    }
}

/// Finds a feature by name or by a short word (`design`, `brand`, `technology`, ...).
pub fn find_feature(name: &str) -> Result<Feature> {
    let key = crate::lookup::normalize(name).replace(' ', "_");
    let alias = match key.as_str() {
        "design" => "design_ability",
        "brand" => "brand_image",
        "technology" | "tech" | "advanced_tech" => "advanced_technology",
        "material" | "procurement" => "materials",
        "demand" | "needs" | "partner_needs" => "japan_tech_demand",
        "exchange" | "existing" | "ties" => "existing_exchange",
        "cluster" | "same_cluster" | "same_area" => "same_area_cluster",
        "similarity" | "similar" => "cluster_similarity",
        "complementary" | "supplemental" | "complementary_cluster" => "supplemental_cluster",
        "communication" | "low_communication_cost" | "easy_communication" => "communication_cost",
        other => other,
    };
    Feature::ALL
        .into_iter()
        .find(|f| f.name() == alias)
        .ok_or_else(|| {
            let mut scored: Vec<(f64, &str)> = FEATURES
                .iter()
                .map(|f| {
                    (
                        strsim::normalized_levenshtein(short_key(&key), f.name),
                        f.name,
                    )
                })
                .collect();
            scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
            Error::UnknownName {
                kind: "trait",
                query: crate::lookup::clip(name),
                suggestions: scored.iter().take(3).map(|(_, n)| n.to_string()).collect(),
            }
        })
}

/// The first [`crate::lookup::SUGGEST_CHARS`] characters of a lookup key: suggestions
/// compare no more.
pub(crate) fn short_key(key: &str) -> &str {
    key.char_indices()
        .nth(crate::lookup::SUGGEST_CHARS)
        .map_or(key, |(end, _)| &key[..end])
}

/// What a coordinator asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// The Japanese region.
    pub japan_region: RegionId,
    /// The sector.
    pub sector: SectorId,
    /// Features the coordinator wants most.
    pub wanted: Vec<Feature>,
    /// Only partnerships that started before this fiscal year count as existing exchange.
    pub before_year: Option<u16>,
}

impl Query {
    /// The query of a past partnership as it stood at its start: its Japanese region, sector
    /// and wanted traits, with existing exchange counted only before its first fiscal year
    /// (how learners, the evaluation and retraining all ask it).
    pub fn as_of(partnership: &Partnership) -> Self {
        Query {
            japan_region: partnership.japan_region,
            sector: partnership.sector,
            wanted: partnership.wanted.clone(),
            before_year: Some(partnership.start_fy),
        }
    }

    /// A query with no wanted traits and no year limit.
    pub fn new(japan_region: RegionId, sector: SectorId) -> Self {
        Query {
            japan_region,
            sector,
            wanted: Vec::new(),
            before_year: None,
        }
    }
}

/// Encodes queries against the candidates of one catalog.
///
/// Query-independent work (measured sector profiles and the mean similarity) is done once
/// in [`Encoder::new`]; the mean similarity once per catalog (cached in the catalog).
pub struct Encoder<'a> {
    catalog: &'a Catalog,
    leaves: Vec<SectorId>,
    /// Statistics-based strengths over leaf sectors, one row per region; NaN where the
    /// region has no statistic for the sector.
    measured: Array2<f64>,
    /// Whose measured profile stands for each region: itself, or for a Japanese area
    /// without statistics its prefecture.
    profile_of: Vec<RegionId>,
    /// Mean cosine over the (Japanese region, candidate) pairs with a common measured sector:
    /// the value the similarity shrinks toward.
    mean_similarity: f64,
}

impl<'a> Encoder<'a> {
    /// Prepares an encoder for a catalog.
    pub fn new(catalog: &'a Catalog) -> Self {
        let leaves = catalog.sectors().leaves();
        let mut measured = Array2::from_elem((catalog.n_regions(), leaves.len()), f64::NAN);
        for (region, _) in catalog.regions() {
            for (j, &s) in leaves.iter().enumerate() {
                if let Some((v, source)) = catalog.strength_source(region, s)
                    && source.provenance.is_statistic()
                {
                    measured[[region.index(), j]] = v;
                }
            }
        }
        let has_profile = |r: RegionId| measured.row(r.index()).iter().any(|v| !v.is_nan());
        let profile_of: Vec<RegionId> = catalog
            .regions()
            .map(|(region, info)| match info.parent {
                Some(parent) if info.kind == RegionKind::Japan && !has_profile(region) => parent,
                _ => region,
            })
            .collect();
        let mut encoder = Encoder {
            catalog,
            leaves,
            measured,
            profile_of,
            mean_similarity: 0.0,
        };
        // Once per catalog: every later encoder of the same catalog reads the cached value.
        encoder.mean_similarity = catalog.mean_similarity(|| {
            let (mut sum, mut pairs) = (0.0, 0usize);
            for japan in catalog.japan_ids() {
                for candidate in catalog.candidate_ids() {
                    if let Some((cosine, _)) = encoder.measured_cosine(japan, candidate) {
                        sum += cosine;
                        pairs += 1;
                    }
                }
            }
            if pairs == 0 { 0.0 } else { sum / pairs as f64 }
        });
        encoder
    }

    /// Cosine of two regions' measured strengths over the leaf sectors both have statistics
    /// for, and how many those are; None without a common measured sector.
    pub fn measured_cosine(&self, japan: RegionId, candidate: RegionId) -> Option<(f64, usize)> {
        let a = self.measured.row(self.profile_of[japan.index()].index());
        let b = self
            .measured
            .row(self.profile_of[candidate.index()].index());
        let (mut dot, mut na, mut nb, mut n) = (0.0, 0.0, 0.0, 0usize);
        for (&x, &y) in a.iter().zip(b.iter()) {
            if x.is_nan() || y.is_nan() {
                continue;
            }
            dot += x * y;
            na += x * x;
            nb += y * y;
            n += 1;
        }
        if n == 0 {
            return None;
        }
        let cosine = if na > 0.0 && nb > 0.0 {
            (dot / (na.sqrt() * nb.sqrt())).clamp(0.0, 1.0)
        } else {
            0.0
        };
        Some((cosine, n))
    }

    /// The leaf sectors (the catalog's [`crate::sector::SectorTable::leaves`], kept once).
    pub fn leaves(&self) -> &[SectorId] {
        &self.leaves
    }

    /// The mean cosine the similarity shrinks toward.
    pub fn mean_similarity(&self) -> f64 {
        self.mean_similarity
    }

    /// The catalog this encoder reads.
    pub fn catalog(&self) -> &Catalog {
        self.catalog
    }

    /// Checks a query against the catalog (a Japanese region, a known sector and features).
    pub fn check(&self, query: &Query) -> Result<()> {
        let ok = query.japan_region.index() < self.catalog.n_regions()
            && self.catalog.region(query.japan_region).kind == RegionKind::Japan
            && query.sector.index() < self.catalog.sectors().len();
        if ok {
            Ok(())
        } else {
            Err(Error::InvalidParam {
                name: "query",
                value: format!(
                    "region #{} and sector #{}",
                    query.japan_region.index(),
                    query.sector.index()
                ),
                reason: "the region must be a Japanese region of this catalog and the sector one of its sectors".into(),
            })
        }
    }

    /// Feature rows for every overseas candidate, in catalog order: candidates × features.
    pub fn encode(&self, query: &Query) -> Array2<f64> {
        let candidates = self.catalog.candidate_ids();
        let mut out = Array2::zeros((candidates.len(), N_FEATURES));
        for (row, candidate) in candidates.enumerate() {
            let values = self.encode_one(query, candidate);
            out.row_mut(row).assign(&ndarray::ArrayView1::from(&values));
        }
        out
    }

    /// The feature values of one candidate (each from [`Encoder::value`]).
    pub fn encode_one(&self, query: &Query, candidate: RegionId) -> [f64; N_FEATURES] {
        Feature::ALL.map(|feature| self.value(feature, query, candidate))
    }

    /// The value of one feature for one candidate: the single definition of every feature,
    /// which the encoder's rows, the kernel's columns and the explanations all go through.
    pub fn value(&self, feature: Feature, query: &Query, candidate: RegionId) -> f64 {
        match feature {
            Feature::SameAreaCluster => self.catalog.strength(candidate, query.sector),
            Feature::ClusterSimilarity => self.similarity(query.japan_region, candidate),
            Feature::SupplementalCluster => self
                .supplemental(query, candidate)
                .map_or(0.0, |(value, _)| value),
            Feature::AdvancedTechnology
            | Feature::DesignAbility
            | Feature::BrandImage
            | Feature::Materials => self.trait_feature(feature, query, candidate),
            Feature::JapanTechDemand => {
                let (demand, strength) = self.demand_parts(query, candidate);
                demand * strength
            }
            Feature::ExistingExchange => self.exchange_feature(query, candidate),
            Feature::CommunicationCost => self.communication(query.japan_region, candidate),
        }
    }

    /// One feature's values over every candidate, in catalog order: [`Encoder::value`]
    /// per candidate, with the query-dependent part of the supplemental feature
    /// ([`SupplementalTerms`]) worked out once for the column.
    pub fn column(&self, feature: Feature, query: &Query) -> Vec<f64> {
        let candidates = self.catalog.candidate_ids();
        match feature {
            Feature::SupplementalCluster => {
                let terms = self.supplemental_terms(query);
                candidates
                    .map(|c| terms.best(self.catalog, c).map_or(0.0, |(value, _)| value))
                    .collect()
            }
            Feature::SameAreaCluster
            | Feature::ClusterSimilarity
            | Feature::AdvancedTechnology
            | Feature::DesignAbility
            | Feature::BrandImage
            | Feature::Materials
            | Feature::JapanTechDemand
            | Feature::ExistingExchange
            | Feature::CommunicationCost => {
                candidates.map(|c| self.value(feature, query, c)).collect()
            }
        }
    }

    /// A trait feature's value: the candidate's trait ([`Feature::catalog_trait`]), times
    /// [`Encoder::sector_presence`] and [`Encoder::technology_weight`] for the traits that
    /// count in the sector ([`Feature::in_sector`]); 0 for a feature that reads no trait.
    fn trait_feature(&self, feature: Feature, query: &Query, candidate: RegionId) -> f64 {
        let value = feature
            .catalog_trait()
            .map_or(0.0, |t| self.catalog.trait_value(candidate, t));
        if feature.in_sector() {
            value * self.sector_presence(query, candidate) * self.technology_weight(feature, query)
        } else {
            value
        }
    }

    /// How much of the trait counts in the query sector by its technology intensity: the
    /// sector's [`crate::technology::Technology::weight`] for advanced technology, 1 for
    /// every other feature.
    pub fn technology_weight(&self, feature: Feature, query: &Query) -> f64 {
        match feature {
            Feature::AdvancedTechnology => self.catalog.sector(query.sector).technology.weight(),
            Feature::SameAreaCluster
            | Feature::ClusterSimilarity
            | Feature::SupplementalCluster
            | Feature::DesignAbility
            | Feature::BrandImage
            | Feature::Materials
            | Feature::JapanTechDemand
            | Feature::ExistingExchange
            | Feature::CommunicationCost => 1.0,
        }
    }

    /// How far the candidate has a cluster in the query sector, in [0, 1]:
    /// min(1, strength / [`PRESENCE_LEVEL`]).
    pub fn sector_presence(&self, query: &Query, candidate: RegionId) -> f64 {
        (self.catalog.strength(candidate, query.sector) / PRESENCE_LEVEL).min(1.0)
    }

    /// The two factors of the reciprocal-demand feature: the candidate's demand for Japanese
    /// technology and the Japanese region's strength in the query sector.
    pub fn demand_parts(&self, query: &Query, candidate: RegionId) -> (f64, f64) {
        let demand = Feature::JapanTechDemand
            .catalog_trait()
            .map_or(0.0, |t| self.catalog.trait_value(candidate, t));
        (
            demand,
            self.catalog.strength(query.japan_region, query.sector),
        )
    }

    /// The existing-exchange feature: the strongest past-partnership tie, or the twin-city
    /// value ([`Encoder::twin_exchange`]), whichever is larger.
    pub fn exchange_feature(&self, query: &Query, candidate: RegionId) -> f64 {
        self.exchange(query, candidate).map_or(0.0, |(v, _)| v).max(
            self.twin_exchange(query, candidate)
                .map_or(0.0, |t| t.value),
        )
    }

    /// Profile similarity of a Japanese region and a candidate, in [0, 1]: the cosine of
    /// their measured strengths over the n leaf sectors both have statistics for, shrunk
    /// toward the catalog's mean similarity: (n · cosine + K · mean) / (n + K) with
    /// K = [`SIMILARITY_PSEUDO_SECTORS`]; the mean itself when nothing is measured on both.
    pub fn similarity(&self, japan: RegionId, candidate: RegionId) -> f64 {
        let k = SIMILARITY_PSEUDO_SECTORS;
        match self.measured_cosine(japan, candidate) {
            Some((cosine, n)) => (n as f64 * cosine + k * self.mean_similarity) / (n as f64 + k),
            None => self.mean_similarity,
        }
    }

    /// Communication cost between a Japanese region and a candidate, in [0, 1].
    pub fn communication(&self, japan: RegionId, candidate: RegionId) -> f64 {
        self.catalog.communication_cost(japan, candidate).total
    }

    /// Best complementary sector: (value, sector).
    pub fn supplemental(&self, query: &Query, candidate: RegionId) -> Option<(f64, SectorId)> {
        self.supplemental_terms(query).best(self.catalog, candidate)
    }

    /// The query-dependent part of the supplemental feature: for each leaf sector q outside
    /// the query sector, relatedness(s,q) and the Japanese region's gap 1 − strength(j,q).
    pub fn supplemental_terms(&self, query: &Query) -> SupplementalTerms {
        let catalog = self.catalog;
        let own = &catalog.sectors().get(query.sector).children;
        let terms = self
            .leaves
            .iter()
            .filter(|&&q| q != query.sector && !own.contains(&q))
            .map(|&q| {
                (
                    q,
                    catalog.relatedness(query.sector, q),
                    1.0 - catalog.strength(query.japan_region, q),
                )
            })
            .collect();
        SupplementalTerms { terms }
    }

    /// Strongest past tie: (value, the partnership).
    pub fn exchange(&self, query: &Query, candidate: RegionId) -> Option<(f64, &'a Partnership)> {
        let catalog = self.catalog;
        let mut best: Option<(f64, &'a Partnership)> = None;
        for partnership in catalog.partnerships() {
            if query.before_year.is_some_and(|y| partnership.start_fy >= y) {
                continue;
            }
            let japan_tie = japan_tie(catalog, query.japan_region, partnership.japan_region);
            if japan_tie == 0.0 {
                continue;
            }
            let overseas_tie = partnership
                .overseas_regions
                .iter()
                .map(|&o| overseas_tie(catalog, candidate, o))
                .fold(0.0, f64::max);
            let value = japan_tie * overseas_tie;
            if value > 0.0 && best.is_none_or(|(b, _)| value > b) {
                best = Some((value, partnership));
            }
        }
        best
    }
}

impl<'a> Encoder<'a> {
    /// The region pair whose twin-city links count most for the candidate, if any
    /// ([`Encoder::twin_exchange`]).
    pub fn twin_tie(
        &self,
        query: &Query,
        candidate: RegionId,
    ) -> Option<&'a crate::catalog::TwinTie> {
        self.twin_exchange(query, candidate).map(|t| t.strongest)
    }

    /// What the twin-city links count for the Japanese region and the candidate: every link
    /// between the two regions, their parents or their children, each worth [`TWIN_TIE`]
    /// times, per side, 1 when the linked place is the region itself and
    /// [`TWIN_LEVEL_DISCOUNT`] when it lies inside the region or is the region's parent unit
    /// (0 when it lies beside it), combined as 1 − Π(1 − tᵢ). `None` when no link counts.
    pub fn twin_exchange(&self, query: &Query, candidate: RegionId) -> Option<TwinExchange<'a>> {
        let catalog = self.catalog;
        if catalog.twin_ties().is_empty() {
            return None;
        }
        let family = |r: RegionId| {
            std::iter::once(r)
                .chain(catalog.region(r).parent)
                .chain(catalog.child_regions(r).iter().copied())
        };
        let (mut keep, mut links) = (1.0, 0);
        let mut strongest: Option<(f64, &'a crate::catalog::TwinTie)> = None;
        for j in family(query.japan_region) {
            for o in family(candidate) {
                let Some(tie) = catalog.twin_pair(j, o) else {
                    continue;
                };
                let (pair_keep, counted) =
                    twin_pair_keep(catalog, query.japan_region, candidate, tie);
                if counted == 0 {
                    continue;
                }
                keep *= pair_keep;
                links += counted;
                if strongest.is_none_or(|(best, _)| 1.0 - pair_keep > best) {
                    strongest = Some((1.0 - pair_keep, tie));
                }
            }
        }
        strongest.map(|(_, tie)| TwinExchange {
            value: 1.0 - keep,
            links,
            strongest: tie,
        })
    }
}

/// One region pair's links for a query: Π(1 − tᵢ) over its links and how many count
/// ([`Encoder::twin_exchange`]).
fn twin_pair_keep(
    catalog: &Catalog,
    japan: RegionId,
    candidate: RegionId,
    tie: &crate::catalog::TwinTie,
) -> (f64, u32) {
    let side = |query_region: RegionId, tie_region: RegionId, whole: bool| {
        if tie_region == query_region {
            if whole { 1.0 } else { TWIN_LEVEL_DISCOUNT }
        } else if catalog.region(tie_region).parent == Some(query_region)
            || (whole && catalog.region(query_region).parent == Some(tie_region))
        {
            TWIN_LEVEL_DISCOUNT
        } else {
            0.0
        }
    };
    let (mut keep, mut counted) = (1.0, 0);
    for (k, &n) in tie.levels.iter().enumerate() {
        let (japan_whole, overseas_whole) = (k < 2, k % 2 == 0);
        let t = TWIN_TIE
            * side(japan, tie.japan_region, japan_whole)
            * side(candidate, tie.overseas_region, overseas_whole);
        if n > 0 && t > 0.0 {
            keep *= (1.0 - t).powi(n as i32);
            counted += n;
        }
    }
    (keep, counted)
}

/// The query-dependent factors of the supplemental feature ([`Encoder::supplemental_terms`]).
#[derive(Debug, Clone)]
pub struct SupplementalTerms {
    /// (leaf sector q, relatedness(s,q), 1 − strength(japan,q)), in leaf order.
    terms: Vec<(SectorId, f64, f64)>,
}

impl SupplementalTerms {
    /// The candidate's best complementary sector: max over q of relatedness(s,q) ×
    /// strength(candidate,q) × (1 − strength(japan,q)), if positive: (value, sector).
    pub fn best(&self, catalog: &Catalog, candidate: RegionId) -> Option<(f64, SectorId)> {
        let mut best: Option<(f64, SectorId)> = None;
        for &(q, relatedness, gap) in &self.terms {
            let value = relatedness * catalog.strength(candidate, q) * gap;
            if value > 0.0 && best.is_none_or(|(b, _)| value > b) {
                best = Some((value, q));
            }
        }
        best
    }
}

/// How close two Japanese regions are: 1 same, 0.6 same prefecture family, 0.3 same bureau.
pub fn japan_tie(catalog: &Catalog, a: RegionId, b: RegionId) -> f64 {
    if a == b {
        return 1.0;
    }
    let (ra, rb) = (catalog.region(a), catalog.region(b));
    let prefecture = |p: RegionId, r: &crate::catalog::Region| r.parent.unwrap_or(p);
    if prefecture(a, ra) == prefecture(b, rb) {
        0.6
    } else if ra.bureau == rb.bureau {
        0.3
    } else {
        0.0
    }
}

/// How close two overseas regions are: 1 same, 0.6 parent, child or sibling, 0.3 same country.
pub fn overseas_tie(catalog: &Catalog, a: RegionId, b: RegionId) -> f64 {
    if a == b {
        return 1.0;
    }
    let (ra, rb) = (catalog.region(a), catalog.region(b));
    if ra.parent == Some(b)
        || rb.parent == Some(a)
        || (ra.parent.is_some() && ra.parent == rb.parent)
    {
        0.6
    } else if ra.country == rb.country {
        0.3
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;

    use crate::testutil::fixture;

    fn features(
        catalog: &Catalog,
        japan: &str,
        sector: &str,
        candidate: &str,
        before: Option<u16>,
    ) -> [f64; N_FEATURES] {
        let encoder = Encoder::new(catalog);
        let mut query = Query::new(
            catalog.find_japan_region(japan).unwrap(),
            catalog.sectors().find(sector).unwrap(),
        );
        query.before_year = before;
        encoder.encode_one(&query, catalog.find_region(candidate).unwrap())
    }

    #[test]
    fn advanced_technology_counts_by_the_sectors_technology_intensity() {
        let c = fixture();
        let at = Feature::AdvancedTechnology.index();
        // The trait times the strength, before any technology weight.
        let product = |feature: Feature, sector: &str, candidate: &str| {
            let r = c.find_region(candidate).unwrap();
            let s = c.sectors().find(sector).unwrap();
            c.trait_value(r, feature.catalog_trait().unwrap()) * c.strength(r, s).min(1.0)
        };
        let tech =
            |sector: &str, candidate: &str| product(Feature::AdvancedTechnology, sector, candidate);
        // Software (ISIC 62, high-tech services) in full; medical devices (266) in full.
        let it = features(&c, "fukushima", "software_embedded", "skane", None)[at];
        assert_abs_diff_eq!(it, tech("software_embedded", "skane"), epsilon = 1e-12);
        // Dies (2593, medium-low) at half; furniture (31, low) at a quarter.
        let dies = features(&c, "suwa", "dies_moulds", "dalian", None)[at];
        assert!(tech("dies_moulds", "dalian") > 0.0);
        assert_abs_diff_eq!(dies, 0.5 * tech("dies_moulds", "dalian"), epsilon = 1e-12);
        let furniture = features(&c, "ishikawa", "furniture", "milan", None)[at];
        assert!(tech("furniture", "milan") > 0.0);
        assert_abs_diff_eq!(
            furniture,
            0.25 * tech("furniture", "milan"),
            epsilon = 1e-12
        );
        // Design ability and brand image are not limited.
        let design =
            features(&c, "ishikawa", "furniture", "milan", None)[Feature::DesignAbility.index()];
        assert_abs_diff_eq!(
            design,
            product(Feature::DesignAbility, "furniture", "milan"),
            epsilon = 1e-12
        );
    }

    #[test]
    fn same_area_reads_explicit_max_of_children_and_inherited_half() {
        let c = fixture();
        assert_eq!(
            features(&c, "fukushima", "medical_devices", "skane", None)
                [Feature::SameAreaCluster.index()],
            0.9
        );
        assert_eq!(
            features(&c, "fukushima", "medical_welfare", "skane", None)
                [Feature::SameAreaCluster.index()],
            0.9
        );
        assert_eq!(
            features(&c, "fukushima", "medical_devices", "milan", None)
                [Feature::SameAreaCluster.index()],
            0.0
        );
        assert_eq!(
            features(&c, "suwa", "dies_moulds", "liaoning", None)[Feature::SameAreaCluster.index()],
            0.25
        );
    }

    /// The fixture with statistics for Nagano, Texas and Dalian (Suwa, an area of Nagano,
    /// has none of its own; Skåne stays curated only).
    fn fixture_with_statistics() -> (tempfile::TempDir, Catalog) {
        let dir = tempfile::tempdir().expect("temporary directory");
        let source = crate::testutil::fixture_dir();
        for entry in std::fs::read_dir(&source).expect("fixture directory") {
            let entry = entry.expect("fixture entry");
            std::fs::copy(entry.path(), dir.path().join(entry.file_name())).expect("copy");
        }
        let mut strengths =
            std::fs::read_to_string(dir.path().join("strengths.csv")).expect("strengths");
        strengths = strengths.replace("dalian,dies_moulds,0.7,curated,fixture\n", "");
        strengths.push_str(
            "nagano,dies_moulds,0.6,statistics:test:2020,\n\
             nagano,medical_devices,0.2,statistics:test:2020,\n\
             texas,medical_devices,0.4,statistics:test:2020,\n\
             dalian,dies_moulds,0.7,statistics:test:2020,\n",
        );
        std::fs::write(dir.path().join("strengths.csv"), strengths).expect("write");
        std::fs::write(
            dir.path().join("strengths.csv"),
            std::fs::read_to_string(dir.path().join("strengths.csv"))
                .unwrap()
                .replace(
                    "nagano,precision_machinery,0.7,curated,fixture",
                    "nagano,precision_machinery,0.8,statistics:test:2020,",
                ),
        )
        .expect("write");
        let catalog = Catalog::load(dir.path()).expect("fixture with statistics loads");
        (dir, catalog)
    }

    #[test]
    fn a_measured_survey_sector_passes_on_a_quarter_a_curated_one_half() {
        let (dir, c) = fixture_with_statistics();
        let welfare = c.sectors().find("welfare_equipment").unwrap();
        let medical = c.sectors().find("medical_welfare").unwrap();
        // Without a survey-sector row of its own, nothing is inherited (the survey sector's
        // value is the maximum of its finer rows, which passes nothing down).
        assert_eq!(
            c.inheritance(c.find_region("texas").unwrap(), welfare),
            None
        );
        assert_eq!(c.strength(c.find_region("texas").unwrap(), welfare), 0.0);
        let mut strengths = std::fs::read_to_string(dir.path().join("strengths.csv")).unwrap();
        strengths.push_str(
            "texas,medical_welfare,0.8,statistics:test:2020,\n\
             skane,medical_welfare,0.8,curated,fixture reason\n",
        );
        std::fs::write(dir.path().join("strengths.csv"), strengths).unwrap();
        let c = Catalog::load(dir.path()).unwrap();
        let id = |name: &str| c.find_region(name).unwrap();
        let measured = c.inheritance(id("texas"), welfare).unwrap();
        assert_eq!((measured.from, measured.share), (medical, 0.25));
        assert_eq!(measured.share_in_words(), "a quarter");
        assert_abs_diff_eq!(c.strength(id("texas"), welfare), 0.2, epsilon = 1e-12);
        let curated = c.inheritance(id("skane"), welfare).unwrap();
        assert_eq!((curated.from, curated.share), (medical, 0.5));
        assert_eq!(curated.share_in_words(), "half");
        assert_abs_diff_eq!(c.strength(id("skane"), welfare), 0.4, epsilon = 1e-12);
        // A sector with its own row, and a survey sector, inherit nothing.
        assert_eq!(c.inheritance(id("texas"), medical), None);
        assert_eq!(
            c.inheritance(id("skane"), c.sectors().find("medical_devices").unwrap()),
            None
        );
    }

    #[test]
    fn similarity_compares_measured_sectors_and_shrinks_toward_the_mean() {
        let (_dir, c) = fixture_with_statistics();
        let encoder = Encoder::new(&c);
        let id = |name: &str| c.find_region(name).unwrap();
        // Nagano (precision 0.8, dies 0.6, medical 0.2) and Texas (precision 0.5, medical
        // 0.4) share two measured sectors; Texas's curated software value does not count.
        let texas = (0.8 * 0.5 + 0.2 * 0.4) / ((0.64f64 + 0.04).sqrt() * (0.25f64 + 0.16).sqrt());
        let (cosine, n) = encoder.measured_cosine(id("nagano"), id("texas")).unwrap();
        assert_abs_diff_eq!(cosine, texas, epsilon = 1e-12);
        assert_eq!(n, 2);
        // Dalian shares one measured sector (dies) with Nagano: cosine 1 on it.
        assert_eq!(
            encoder.measured_cosine(id("nagano"), id("dalian")),
            Some((1.0, 1))
        );
        // Suwa has no statistics of its own and stands on Nagano's profile.
        assert_eq!(
            encoder.measured_cosine(id("suwa"), id("texas")),
            encoder.measured_cosine(id("nagano"), id("texas"))
        );
        // Shrinkage toward the mean by coverage; the mean itself without common sectors.
        let mean = encoder.mean_similarity();
        assert!(mean > texas && mean < 1.0, "{mean}");
        let k = SIMILARITY_PSEUDO_SECTORS;
        assert_abs_diff_eq!(
            encoder.similarity(id("nagano"), id("texas")),
            (2.0 * texas + k * mean) / (2.0 + k),
            epsilon = 1e-12
        );
        assert_abs_diff_eq!(
            encoder.similarity(id("nagano"), id("dalian")),
            (1.0 + k * mean) / (1.0 + k),
            epsilon = 1e-12
        );
        // Curated-only Skåne, and curated-only Fukushima: neither similar nor dissimilar.
        assert_eq!(encoder.similarity(id("nagano"), id("skane")), mean);
        assert_eq!(encoder.similarity(id("fukushima"), id("texas")), mean);
    }

    #[test]
    fn design_brand_and_technology_count_in_the_query_sector_only() {
        let c = fixture();
        let encoder = Encoder::new(&c);
        let id = |name: &str| c.find_region(name).unwrap();
        let query = Query::new(
            id("fukushima"),
            c.sectors().find("medical_devices").unwrap(),
        );
        for (candidate, strength) in [("skane", 0.9), ("milan", 0.0), ("vasterbotten", 0.5)] {
            for f in [
                Feature::AdvancedTechnology,
                Feature::DesignAbility,
                Feature::BrandImage,
            ] {
                let t = c.trait_value(id(candidate), f.catalog_trait().unwrap());
                assert_abs_diff_eq!(
                    encoder.value(f, &query, id(candidate)),
                    t * (strength / PRESENCE_LEVEL).min(1.0),
                    epsilon = 1e-12
                );
            }
            // Materials are a region's endowment, not a cluster's: counted everywhere.
            assert_eq!(
                encoder.value(Feature::Materials, &query, id(candidate)),
                c.trait_value(id(candidate), Feature::Materials.catalog_trait().unwrap())
            );
        }
    }

    #[test]
    fn supplemental_takes_best_related_sector_the_japanese_region_lacks() {
        let c = fixture();
        // Texas precision machinery 0.5, related to medical devices at 0.7, Fukushima has none.
        assert_abs_diff_eq!(
            features(&c, "fukushima", "medical_devices", "texas", None)
                [Feature::SupplementalCluster.index()],
            0.35,
            epsilon = 1e-12
        );
        // For Suwa, Texas precision machinery is a sibling (0.5) that Suwa already has at 0.9.
        assert_abs_diff_eq!(
            features(&c, "suwa", "dies_moulds", "texas", None)
                [Feature::SupplementalCluster.index()],
            0.5 * 0.5 * 0.1,
            epsilon = 1e-12
        );
        // The query sector itself never counts as supplemental.
        assert_eq!(
            features(&c, "fukushima", "medical_devices", "skane", None)
                [Feature::SupplementalCluster.index()],
            0.0
        );
    }

    #[test]
    fn demand_is_reciprocal() {
        let c = fixture();
        assert_abs_diff_eq!(
            features(&c, "suwa", "dies_moulds", "dalian", None)[Feature::JapanTechDemand.index()],
            0.9 * 0.5,
            epsilon = 1e-12
        );
        assert_eq!(
            features(&c, "ishikawa", "dies_moulds", "dalian", None)
                [Feature::JapanTechDemand.index()],
            0.0
        );
    }

    #[test]
    fn exchange_follows_region_hierarchy_and_year() {
        let c = fixture();
        let ex = |j, cand, before| {
            features(&c, j, "dies_moulds", cand, before)[Feature::ExistingExchange.index()]
        };
        assert_eq!(ex("suwa", "dalian", None), 1.0);
        assert_eq!(ex("suwa", "liaoning", None), 0.6);
        assert_eq!(ex("nagano", "dalian", None), 0.6);
        assert_abs_diff_eq!(ex("nagano", "liaoning", None), 0.36, epsilon = 1e-12);
        assert_eq!(ex("ishikawa", "dalian", None), 0.0);
        assert_eq!(ex("fukushima", "vasterbotten", None), 1.0);
        assert_eq!(ex("suwa", "dalian", Some(2004)), 0.0);
        assert_eq!(ex("suwa", "dalian", Some(2005)), 1.0);
    }

    #[test]
    fn twin_city_links_count_by_level_and_saturate() {
        // Fixture ties without level columns: every link counts as between the two regions
        // themselves (Ishikawa–Milan one link, Suwa–Texas two).
        let (_dir, c) = crate::testutil::fixture_with_twins();
        let ex =
            |j, cand| features(&c, j, "dies_moulds", cand, None)[Feature::ExistingExchange.index()];
        assert_abs_diff_eq!(ex("ishikawa", "milan"), TWIN_TIE, epsilon = 1e-12);
        let one_level = TWIN_TIE * TWIN_LEVEL_DISCOUNT;
        assert_abs_diff_eq!(ex("ishikawa", "lombardy"), one_level, epsilon = 1e-12);
        assert_abs_diff_eq!(
            ex("suwa", "texas"),
            1.0 - (1.0 - TWIN_TIE) * (1.0 - TWIN_TIE),
            epsilon = 1e-12
        );
        assert_abs_diff_eq!(
            ex("nagano", "texas"),
            1.0 - (1.0 - one_level) * (1.0 - one_level),
            epsilon = 1e-12,
        );
        assert_eq!(ex("ishikawa", "skane"), 0.0);
        // A past partnership stays when stronger: Suwa–Dalian 1.0; Nagano–Liaoning 0.36.
        assert_eq!(ex("suwa", "dalian"), 1.0);
        assert_abs_diff_eq!(ex("nagano", "liaoning"), 0.36, epsilon = 1e-12);
        let suwa = c.find_japan_region("suwa").unwrap();
        let texas = c.find_region("texas").unwrap();
        assert_eq!(c.twin_tie(suwa, texas).unwrap().links, 2);
        assert_eq!(c.stats().twin_ties, 2);
    }

    #[test]
    fn twin_link_levels_discount_places_inside_and_parent_units() {
        let (dir, _) = crate::testutil::fixture_with_twins();
        std::fs::write(
            dir.path().join("derived/twin_ties.csv"),
            "japan_region,overseas_region,links,examples,sources,whole_whole,whole_part,part_whole,part_part\n\
             nagano,texas,3,\"Nagano – Texas (x)\",x,1,0,1,1\n\
             ishikawa,lombardy,2,\"Ishikawa – Lombardy (x)\",x,1,1,0,0\n",
        )
        .unwrap();
        let c = Catalog::load(dir.path()).unwrap();
        let ex =
            |j, cand| features(&c, j, "dies_moulds", cand, None)[Feature::ExistingExchange.index()];
        let (t, d) = (TWIN_TIE, TWIN_LEVEL_DISCOUNT);
        // The prefecture itself with the state, a town of it with the state, a town with a
        // city of the state.
        assert_abs_diff_eq!(
            ex("nagano", "texas"),
            1.0 - (1.0 - t) * (1.0 - t * d) * (1.0 - t * d * d),
            epsilon = 1e-12
        );
        // For Suwa, a child area, only the prefecture's own tie counts, discounted once; the
        // towns of Nagano outside Suwa do not.
        assert_abs_diff_eq!(ex("suwa", "texas"), t * d, epsilon = 1e-12);
        // For Milan, a metro of Lombardy: the region's own tie, discounted once; a place of
        // Lombardy outside Milan does not count.
        assert_abs_diff_eq!(ex("ishikawa", "milan"), t * d, epsilon = 1e-12);
        assert_abs_diff_eq!(
            ex("ishikawa", "lombardy"),
            1.0 - (1.0 - t) * (1.0 - t * d),
            epsilon = 1e-12
        );
        let q = Query::new(
            c.find_japan_region("nagano").unwrap(),
            c.sectors().find("dies_moulds").unwrap(),
        );
        let twin = Encoder::new(&c)
            .twin_exchange(&q, c.find_region("texas").unwrap())
            .unwrap();
        assert_eq!((twin.links, twin.strongest.levels), (3, [1, 0, 1, 1]));
        // Level columns that do not add up to the links are refused.
        std::fs::write(
            dir.path().join("derived/twin_ties.csv"),
            "japan_region,overseas_region,links,examples,sources,whole_whole,whole_part,part_whole,part_part\n\
             nagano,texas,3,x,x,1,0,0,1\n",
        )
        .unwrap();
        let err = Catalog::load(dir.path()).unwrap_err().to_string();
        assert!(err.contains("sum to 2, but links is 3"), "{err}");
    }

    #[test]
    fn merged_ties_air_access_and_residents_load_and_enter_the_features() {
        let (dir, before) = crate::testutil::fixture_with_twins();
        let derived = dir.path().join("derived");
        std::fs::write(
            derived.join("twin_ties.csv"),
            "japan_region,overseas_region,links,examples,sources\n\
             ishikawa,milan,1,\"Kanazawa – Milan (Wikipedia)\",wikipedia:sister-cities:2026\n",
        )
        .unwrap();
        std::fs::write(
            derived.join("air_access.csv"),
            "japan_region,overseas_region,hours,connections,japan_airport,overseas_airport,via\n\
             ishikawa,milan,6.0,0,KMQ,MXP,\n\
             nagano,milan,30.0,1,MMJ,MXP,ICN\n",
        )
        .unwrap();
        std::fs::write(
            derived.join("airports.csv"),
            "iata,name,lat,lon,source\nKMQ,Komatsu,36.4,136.4,x\n",
        )
        .unwrap();
        std::fs::write(
            derived.join("japanese_residents.csv"),
            "country,residents,source\nIT,100000,x\n",
        )
        .unwrap();
        let c = crate::catalog::Catalog::load(dir.path()).unwrap();
        let (ishikawa, nagano) = (
            c.find_japan_region("ishikawa").unwrap(),
            c.find_japan_region("nagano").unwrap(),
        );
        let milan = c.find_region("milan").unwrap();
        let tie = c.twin_tie(ishikawa, milan).unwrap();
        assert_eq!(tie.sources, "wikipedia:sister-cities:2026");
        let access = c.air_access(ishikawa, milan).unwrap();
        assert_eq!(
            (
                access.japan_airport.as_str(),
                access.overseas_airport.as_str()
            ),
            ("Komatsu", "MXP")
        );
        assert_eq!(access.via, None);
        assert_eq!(
            c.air_access(nagano, milan).unwrap().via.as_deref(),
            Some("ICN")
        );
        let cost = |cat: &crate::catalog::Catalog, j| cat.communication_cost(j, milan);
        // Travel hours replace distance; a large community closes the presence gap.
        let (near, far) = (cost(&c, ishikawa), cost(&c, nagano));
        assert_eq!(near.travel_hours, Some(6.0));
        assert_eq!(near.presence_gap, Some(0.0));
        assert!(near.total < far.total, "{near:?} {far:?}");
        assert_eq!(cost(&before, ishikawa).travel_hours, None);
        assert_eq!(c.japanese_residents("SE"), Some(None));
    }

    #[test]
    fn communication_cost_rises_with_distance_time_and_language() {
        let c = fixture();
        let cost = |cand| {
            features(&c, "fukushima", "medical_devices", cand, None)
                [Feature::CommunicationCost.index()]
        };
        assert!(
            cost("dalian") < cost("skane"),
            "Dalian is nearer than Skåne"
        );
        let texas = cost("texas");
        assert!(texas > 0.0 && texas <= 1.0);
        let values = Encoder::new(&c).encode(&crate::testutil::first_query(&c));
        assert!(
            values.iter().all(|v| (0.0..=1.0).contains(v)),
            "features stay in [0, 1]"
        );
    }

    #[test]
    fn find_feature_takes_names_and_short_words() {
        assert_eq!(find_feature("design").unwrap(), Feature::DesignAbility);
        assert_eq!(
            find_feature("Design Ability").unwrap(),
            Feature::DesignAbility
        );
        assert_eq!(
            find_feature("existing_exchange").unwrap(),
            Feature::ExistingExchange
        );
        match find_feature("desing_abilty") {
            Err(Error::UnknownName { suggestions, .. }) => {
                assert_eq!(suggestions[0], "design_ability")
            }
            other => panic!("expected an unknown-name error, got {other:?}"),
        }
    }

    #[test]
    fn schema_fingerprint_changes_with_names() {
        let mut schema = FeatureSchema::current();
        let before = schema.fingerprint();
        schema.features.swap(0, 1);
        assert_ne!(before, schema.fingerprint());
    }

    #[test]
    fn reads_japan_region_is_what_makes_the_encoder_vary_with_the_japanese_region() {
        // The shipped catalog: the fixture's Japanese regions have no statistics, so their
        // profile similarity to every candidate is the same mean.
        let c = Catalog::load(&crate::testutil::fixture_dir().join("../../../data")).unwrap();
        let encoder = Encoder::new(&c);
        let japan: Vec<RegionId> = c.japan_ids().collect();
        for feature in Feature::ALL {
            // Does the value ever change when only the Japanese region changes?
            let varies = c.sectors().ids().any(|sector| {
                c.candidate_ids().any(|candidate| {
                    let value =
                        |&j: &RegionId| encoder.value(feature, &Query::new(j, sector), candidate);
                    let first = value(&japan[0]);
                    japan[1..].iter().any(|j| value(j) != first)
                })
            });
            assert_eq!(feature.reads_japan_region(), varies, "{}", feature.name());
            let by_dependence = !matches!(
                feature.depends_on(),
                Dependence::Candidate | Dependence::Sector
            );
            assert_eq!(
                feature.reads_japan_region(),
                by_dependence,
                "{}",
                feature.name()
            );
        }
    }
}
