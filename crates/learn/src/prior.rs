//! The prior model: feature weights per survey sector derived from what the JETRO 2008
//! survey respondents looked for in a partner region.
//!
//! # The rule
//! For survey sector `s` and survey item `t` mapped to feature `f`, with `c` respondents of
//! `n` in that sector naming `t`, and `p_all` the all-sector share:
//!
//! ```text
//! w_f(s) = (c + k · p_all) / (n + k)          k = pseudo_count (default 5)
//! ```
//!
//! that is, the sector's share of respondents shrunk toward the all-sector share, so that a
//! sector with 9 respondents does not swing on one answer. Sectors without their own survey
//! column (housing and building materials, textiles and fashion, tourism, contents and
//! design) use the *residual* column: the respondents the table leaves out of its sector
//! columns, `c = c_all − Σ c_s` of `n = n_all − Σ n_s` (18 of 131 in the shipped table; the
//! obstacles table, which lists every sector, puts the same 18 under building materials (8)
//! and tourism, housing and design (10)), shrunk the same way. The all-sector share would
//! give these sectors the weights of the IT and manufacturing respondents who dominate it
//! (advanced technology 43 of 131, against 3 of the 18). Where the residual is empty or
//! inconsistent the sector uses `p_all`. The items map to features as follows:
//!
//! | survey item (expected_partner_traits_by_sector.csv) | feature |
//! |---|---|
//! | same_area_cluster | same_area_cluster (×1) and cluster_similarity (× similarity_share) |
//! | advanced_technology_cluster | advanced_technology |
//! | existing_exchange_achievements | existing_exchange |
//! | supplemental_cluster | supplemental_cluster |
//! | high_design_ability | design_ability |
//! | excellent_brand_image | brand_image |
//! | partner_needs_for_regional_technology | japan_tech_demand |
//! | desirable_materials_to_procure | materials |
//! | project_management_know_how | (no feature: not used) |
//!
//! communication_cost gets `−w` with `w` the same shrunk share of respondents who reported
//! "communication with counterpart" as an obstacle (obstacles_by_sector.csv). Obstacle
//! columns `building_materials` and `tourism_housing_design` serve the housing, tourism and
//! contents-and-design sectors.

use linfa::ParamGuard;
use std::collections::BTreeMap;
use std::path::Path;
use tieup_core::error::{Error, Result};
use tieup_core::features::{Feature, N_FEATURES};
use tieup_core::model::{LinearModel, TrainingInfo};
use tieup_core::sector::SectorTable;
use tieup_core::survey::CountTable;

/// Checked parameters of the prior rule.
#[derive(Debug, Clone, PartialEq)]
pub struct PriorValidParams {
    pseudo_count: f64,
    similarity_share: f64,
    want_boost: f64,
}

/// Parameters of the prior rule, checked with [`ParamGuard::check`].
///
/// ```
/// use linfa::ParamGuard;
/// use tieup_learn::prior::PriorParams;
/// assert!(PriorParams::new().check().is_ok());
/// assert!(PriorParams::new().pseudo_count(-1.0).check().is_err());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct PriorParams(PriorValidParams);

impl Default for PriorParams {
    fn default() -> Self {
        Self::new()
    }
}

impl PriorParams {
    /// Defaults: pseudo_count 5, similarity_share 0.5, want_boost 1.
    pub fn new() -> Self {
        PriorParams(PriorValidParams {
            pseudo_count: 5.0,
            similarity_share: 0.5,
            want_boost: 1.0,
        })
    }

    /// Respondents' worth of shrinkage toward the all-sector share (≥ 0).
    pub fn pseudo_count(mut self, value: f64) -> Self {
        self.0.pseudo_count = value;
        self
    }

    /// Share of the same-area weight given to cluster similarity (in [0, 1]).
    pub fn similarity_share(mut self, value: f64) -> Self {
        self.0.similarity_share = value;
        self
    }

    /// Raise of a wanted feature's weight, as a multiple of the largest |weight| (≥ 0).
    pub fn want_boost(mut self, value: f64) -> Self {
        self.0.want_boost = value;
        self
    }
}

impl ParamGuard for PriorParams {
    type Checked = PriorValidParams;
    type Error = Error;

    fn check_ref(&self) -> Result<&PriorValidParams> {
        let p = &self.0;
        if !(p.pseudo_count.is_finite() && p.pseudo_count >= 0.0) {
            return Err(Error::InvalidParam {
                name: "pseudo_count",
                value: p.pseudo_count.to_string(),
                reason: "must be a finite number ≥ 0".into(),
            });
        }
        if !(0.0..=1.0).contains(&p.similarity_share) {
            return Err(Error::InvalidParam {
                name: "similarity_share",
                value: p.similarity_share.to_string(),
                reason: "must be in [0, 1]".into(),
            });
        }
        if !(p.want_boost.is_finite() && p.want_boost >= 0.0) {
            return Err(Error::InvalidParam {
                name: "want_boost",
                value: p.want_boost.to_string(),
                reason: "must be a finite number ≥ 0".into(),
            });
        }
        Ok(p)
    }

    fn check(self) -> Result<PriorValidParams> {
        self.check_ref()?;
        Ok(self.0)
    }
}

/// Survey item → feature position, for the one-to-one items.
pub const ITEM_FEATURES: [(&str, usize); 8] = [
    ("same_area_cluster", Feature::SameAreaCluster.index()),
    (
        "advanced_technology_cluster",
        Feature::AdvancedTechnology.index(),
    ),
    (
        "existing_exchange_achievements",
        Feature::ExistingExchange.index(),
    ),
    ("supplemental_cluster", Feature::SupplementalCluster.index()),
    ("high_design_ability", Feature::DesignAbility.index()),
    ("excellent_brand_image", Feature::BrandImage.index()),
    (
        "partner_needs_for_regional_technology",
        Feature::JapanTechDemand.index(),
    ),
    ("desirable_materials_to_procure", Feature::Materials.index()),
];

/// The obstacle column that speaks for a survey sector, where it differs from the sector id
/// (also the column of `implementation_bodies_by_sector.csv`, which has the same layout).
pub fn obstacle_column(sector: &str) -> &str {
    match sector {
        "housing_building_materials" => "building_materials",
        "tourism" | "contents_design" => "tourism_housing_design",
        other => other,
    }
}

impl PriorValidParams {
    /// Shrunk share of `item` in `column` (falls back to the all-sector share); `file` names
    /// the table for the error when the item is missing.
    fn share(&self, table: &CountTable, file: &str, item: &str, column: &str) -> Result<f64> {
        let (c_all, n_all) = table.get(item, "all_sectors").ok_or_else(|| {
            Error::data(
                file,
                None,
                format!("the survey table has no row '{item}' with an all_sectors count"),
                "use the survey tables of data/survey/ (the prior reads their rows by name)",
            )
        })?;
        let p_all = f64::from(c_all) / f64::from(n_all);
        if column == "all_sectors" {
            return Ok(p_all);
        }
        Ok(
            match table.get(item, column).or_else(|| residual(table, item)) {
                Some((c, n)) => {
                    (f64::from(c) + self.pseudo_count * p_all) / (f64::from(n) + self.pseudo_count)
                }
                None => p_all,
            },
        )
    }

    /// Weights of one survey sector.
    pub fn sector_weights(
        &self,
        traits: &CountTable,
        obstacles: &CountTable,
        sector: &str,
    ) -> Result<[f64; N_FEATURES]> {
        let mut w = [0.0; N_FEATURES];
        for (item, feature) in ITEM_FEATURES {
            w[feature] = self.share(traits, TRAITS_FILE, item, sector)?;
        }
        w[Feature::ClusterSimilarity.index()] =
            self.similarity_share * w[Feature::SameAreaCluster.index()];
        w[Feature::CommunicationCost.index()] = -self.share(
            obstacles,
            OBSTACLES_FILE,
            "communication_with_counterpart",
            obstacle_column(sector),
        )?;
        Ok(w)
    }

    /// Derives the prior model for every survey sector of `sectors`.
    pub fn derive(
        &self,
        traits: &CountTable,
        obstacles: &CountTable,
        sectors: &SectorTable,
        data_hash: String,
    ) -> Result<LinearModel> {
        let mut sector_weights = BTreeMap::new();
        for sector in sectors.all().iter().filter(|s| s.parent.is_none()) {
            sector_weights.insert(
                sector.id.clone(),
                self.sector_weights(traits, obstacles, &sector.id)?,
            );
        }
        let hyperparameters = BTreeMap::from([
            ("pseudo_count".to_string(), self.pseudo_count),
            ("similarity_share".to_string(), self.similarity_share),
        ]);
        Ok(LinearModel {
            kind: "prior".into(),
            description: "survey prior: share of JETRO 2008 respondents per sector who sought each partner trait, shrunk toward the all-sector share".into(),
            hyperparameters,
            scaling: None,
            default_weights: self.sector_weights(traits, obstacles, "all_sectors")?,
            sector_weights,
            want_boost: self.want_boost,
            training: TrainingInfo {
                source: "data/survey/expected_partner_traits_by_sector.csv + data/survey/obstacles_by_sector.csv (JETRO 2008 survey)".into(),
                data_hash,
                n_examples: u64::from(traits.respondents[0]),
                metrics: BTreeMap::new(),
            },
        })
    }
}

/// Count and respondents of `item` outside the table's sector columns: `all_sectors` minus
/// the sum of the other columns, or `None` when that leaves no respondent or a count that
/// does not fit (more answers than respondents, or a negative remainder).
pub fn residual(table: &CountTable, item: &str) -> Option<(u32, u32)> {
    let (c_all, n_all) = table.get(item, "all_sectors")?;
    let (mut c, mut n) = (i64::from(c_all), i64::from(n_all));
    for column in table.columns.iter().filter(|c| *c != "all_sectors") {
        let (ci, ni) = table.get(item, column)?;
        c -= i64::from(ci);
        n -= i64::from(ni);
    }
    if n > 0 && (0..=n).contains(&c) {
        Some((u32::try_from(c).ok()?, u32::try_from(n).ok()?))
    } else {
        None
    }
}

/// The partner-traits table, under a data directory.
pub const TRAITS_FILE: &str = "survey/expected_partner_traits_by_sector.csv";
/// The obstacles table, under a data directory.
pub const OBSTACLES_FILE: &str = "survey/obstacles_by_sector.csv";

/// Reads the two survey tables from `data_dir/survey/` and derives the prior.
pub fn derive_from_dir(
    params: &PriorValidParams,
    data_dir: &Path,
    sectors: &SectorTable,
) -> Result<LinearModel> {
    let traits_path = data_dir.join(TRAITS_FILE);
    let obstacles_path = data_dir.join(OBSTACLES_FILE);
    let traits = CountTable::load(&traits_path, "trait")?;
    let obstacles = CountTable::load(&obstacles_path, "obstacle")?;
    let mut bytes = std::fs::read(&traits_path).map_err(|e| Error::io(&traits_path, e))?;
    bytes.extend(std::fs::read(&obstacles_path).map_err(|e| Error::io(&obstacles_path, e))?);
    let hash = tieup_core::hash::digest(&bytes);
    params.derive(&traits, &obstacles, sectors, hash)
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;

    /// A traits table with two sectors, in the survey's layout.
    fn traits() -> CountTable {
        CountTable {
            columns: vec!["all_sectors".into(), "craft_products".into(), "it".into()],
            items: ITEM_FEATURES.iter().map(|(i, _)| i.to_string()).collect(),
            // same_area, adv_tech, exchange, supplemental, design, brand, demand, materials
            counts: vec![
                vec![49, 10, 16],
                vec![43, 2, 11],
                vec![33, 0, 11],
                vec![20, 1, 3],
                vec![20, 12, 0],
                vec![20, 6, 3],
                vec![16, 2, 4],
                vec![11, 1, 2],
            ],
            respondents: vec![131, 20, 29],
        }
    }

    fn obstacles() -> CountTable {
        CountTable {
            columns: vec![
                "all_sectors".into(),
                "craft_products".into(),
                "tourism_housing_design".into(),
            ],
            items: vec!["communication_with_counterpart".into()],
            counts: vec![vec![44, 7, 4]],
            respondents: vec![131, 20, 10],
        }
    }

    #[test]
    fn weights_are_shrunk_shares() {
        let p = PriorParams::new().check().unwrap();
        let w = p
            .sector_weights(&traits(), &obstacles(), "craft_products")
            .unwrap();
        // design: (12 + 5 * 20/131) / (20 + 5)
        assert_abs_diff_eq!(
            w[Feature::DesignAbility.index()],
            (12.0 + 5.0 * 20.0 / 131.0) / 25.0,
            epsilon = 1e-12
        );
        assert_abs_diff_eq!(
            w[Feature::ClusterSimilarity.index()],
            0.5 * w[Feature::SameAreaCluster.index()],
            epsilon = 1e-12
        );
        assert_abs_diff_eq!(
            w[Feature::CommunicationCost.index()],
            -(7.0 + 5.0 * 44.0 / 131.0) / 25.0,
            epsilon = 1e-12
        );
    }

    #[test]
    fn crafts_weigh_design_above_it_and_missing_sectors_use_the_residual() {
        let p = PriorParams::new().check().unwrap();
        let craft = p
            .sector_weights(&traits(), &obstacles(), "craft_products")
            .unwrap();
        let it = p.sector_weights(&traits(), &obstacles(), "it").unwrap();
        let tourism = p
            .sector_weights(&traits(), &obstacles(), "tourism")
            .unwrap();
        let all = p
            .sector_weights(&traits(), &obstacles(), "all_sectors")
            .unwrap();
        assert!(craft[Feature::DesignAbility.index()] > it[Feature::DesignAbility.index()] * 10.0);
        assert!(it[Feature::ExistingExchange.index()] > craft[Feature::ExistingExchange.index()]);
        // tourism has no traits column: the 82 respondents outside craft and IT, 23 of whom
        // named the same-area cluster, shrunk toward 49 of 131.
        assert_abs_diff_eq!(
            tourism[Feature::SameAreaCluster.index()],
            (23.0 + 5.0 * 49.0 / 131.0) / 87.0,
            epsilon = 1e-12
        );
        assert_abs_diff_eq!(
            all[Feature::SameAreaCluster.index()],
            49.0 / 131.0,
            epsilon = 1e-15
        );
        // tourism reads the tourism_housing_design obstacle column.
        assert_abs_diff_eq!(
            tourism[Feature::CommunicationCost.index()],
            -(4.0 + 5.0 * 44.0 / 131.0) / 15.0,
            epsilon = 1e-12
        );
    }

    #[test]
    fn no_shrinkage_gives_raw_shares_and_infinite_shrinkage_the_overall_share() {
        let raw = PriorParams::new().pseudo_count(0.0).check().unwrap();
        let w = raw
            .sector_weights(&traits(), &obstacles(), "craft_products")
            .unwrap();
        assert_abs_diff_eq!(
            w[Feature::DesignAbility.index()],
            12.0 / 20.0,
            epsilon = 1e-15
        );
        let strong = PriorParams::new().pseudo_count(1e9).check().unwrap();
        let w = strong
            .sector_weights(&traits(), &obstacles(), "craft_products")
            .unwrap();
        assert_abs_diff_eq!(
            w[Feature::DesignAbility.index()],
            20.0 / 131.0,
            epsilon = 1e-6
        );
    }

    #[test]
    fn invalid_params_are_refused() {
        assert!(PriorParams::new().similarity_share(1.5).check().is_err());
        assert!(PriorParams::new().want_boost(f64::NAN).check().is_err());
    }

    #[test]
    fn a_traits_table_without_an_item_is_a_data_error() {
        let mut short = traits();
        short.items.pop();
        short.counts.pop();
        let params = PriorParams::new().check().unwrap();
        let err = params
            .sector_weights(&short, &obstacles(), "it")
            .unwrap_err();
        assert!(matches!(err, Error::Data(_)), "{err}");
        assert!(err.to_string().contains(TRAITS_FILE), "{err}");
    }

    #[test]
    fn the_residual_is_what_the_sector_columns_leave_out() {
        let t = traits();
        // design: 20 of 131 overall, 12 of 20 in craft and 0 of 29 in IT.
        assert_eq!(residual(&t, "high_design_ability"), Some((8, 82)));
        let mut over = traits();
        over.counts[4][1] = 30; // more craft answers than the overall count
        assert_eq!(residual(&over, "high_design_ability"), None);
        let mut full = traits();
        full.respondents = vec![49, 20, 29]; // the columns cover every respondent
        assert_eq!(residual(&full, "high_design_ability"), None);
        // without a residual, a missing column falls back to the overall share
        let p = PriorParams::new().check().unwrap();
        let w = p.sector_weights(&full, &obstacles(), "tourism").unwrap();
        assert_abs_diff_eq!(
            w[Feature::DesignAbility.index()],
            20.0 / 49.0,
            epsilon = 1e-15
        );
    }
}
