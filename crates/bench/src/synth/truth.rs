//! The ground truth of a synthetic history: the utility by which a Japanese region picks its
//! partner. It reads the same ten quantities tieup's features measure, but combines them in a
//! way no tieup model can represent exactly, so a benchmark on it measures how close a linear,
//! explainable model gets to the best achievable ranking.
//!
//! # The utility
//! For a case (Japanese region j, fine sector s under survey sector S, wanted features W) and a
//! candidate c with feature values x (as `features::Encoder` computes them at the case's year):
//!
//! ```text
//! a_f  = (1 − ω) · share_f(S) + ω · [f ∈ W]           for the eight survey-item features
//! g(v) = (1 − e^(−κ v)) / (1 − e^(−κ))                 saturation, g(0) = 0, g(1) = 1
//! U(c) = a_same · g(x_same) + σ · a_same · x_similarity
//!      + a_supplemental · g(x_supplemental)
//!      + Σ_{t ∈ technology, design, brand, materials} a_t · g(x_t)
//!      + a_demand · x_demand + a_exchange · x_exchange
//!      + ι · g(x_same) · g(x_technology)                                   interaction
//!      − π_S · (1 − x_exchange) · logistic((x_communication − τ) / w)       threshold
//! chosen partner = argmax_c U(c) + β · Gumbel_c                            noise
//! ```
//!
//! - `share_f(S)`: the share of survey respondents of sector S who looked for the item behind
//!   feature f (`expected_partner_traits_by_sector.csv`, raw, without the prior's shrinkage;
//!   sectors without a column use `all_sectors`). Wanted sets W are drawn item by item with
//!   the same shares, so E[a_f | S] = share_f(S): the sector's mean weights are proportional
//!   to the survey table.
//! - `π_S = comm_penalty_scale · share of respondents of S reporting "communication with
//!   counterpart" as an obstacle` (`obstacles_by_sector.csv`): communication costs nothing
//!   below the threshold τ and about π_S above it, unless an existing exchange already
//!   bridges the gap.
//! - Saturation: a strength of 0.5 already gives 82% of the value of 1 (κ = 3).
//! - Noise: Gumbel, so the choice is a conditional logit with temperature β.
//!
//! The oracle ranks by U without noise: the best ranking achievable in expectation.

use super::draws::{self, SurveyTables};
use serde::Serialize;
use std::collections::BTreeMap;
use tieup_core::error::Result;
use tieup_core::features::{Feature, N_FEATURES};
use tieup_core::sector::SectorTable;
use tieup_core::survey::CountTable;
use tieup_learn::prior::{ITEM_FEATURES, obstacle_column};

/// Parameters of the ground-truth utility (see the module docs for the formula).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TruthParams {
    /// κ: curvature of the saturation g.
    pub saturation: f64,
    /// σ: weight of cluster similarity as a share of the same-area weight.
    pub similarity_share: f64,
    /// ι: coefficient of g(same-area) × g(advanced technology).
    pub interaction: f64,
    /// τ: communication cost above which communication becomes a burden.
    pub communication_threshold: f64,
    /// w: width of the threshold's logistic step.
    pub communication_width: f64,
    /// π_S = this × the sector's share reporting communication as an obstacle.
    pub communication_penalty_scale: f64,
    /// ω: share of a feature's weight that comes from being wanted in the case.
    pub want_share: f64,
    /// β: scale of the Gumbel noise.
    pub noise: f64,
}

impl Default for TruthParams {
    fn default() -> Self {
        TruthParams {
            saturation: 3.0,
            similarity_share: 0.25,
            interaction: 0.3,
            communication_threshold: 0.6,
            communication_width: 0.03,
            communication_penalty_scale: 2.0,
            want_share: 0.5,
            noise: DEFAULT_NOISE,
        }
    }
}

/// Default β (see `synth` docs for how it was set).
pub const DEFAULT_NOISE: f64 = 0.18;

/// The survey-derived part of one sector's truth.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SectorTruth {
    /// share_f(S) by feature name, for the eight survey-item features.
    pub shares: BTreeMap<String, f64>,
    /// π_S.
    pub communication_penalty: f64,
    #[serde(skip)]
    share_by_feature: [f64; N_FEATURES],
}

/// The ground truth: parameters and per-survey-sector shares.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Truth {
    /// The formula, as text.
    pub formula: &'static str,
    /// Parameters.
    pub params: TruthParams,
    /// By survey-sector id (every survey sector of the catalog), plus `all_sectors`.
    pub sectors: BTreeMap<String, SectorTruth>,
}

/// The formula in one string, for `truth.json`.
pub const FORMULA: &str = "a_f = (1-omega)*share_f(S) + omega*[f in W]; g(v) = (1-exp(-kappa*v))/(1-exp(-kappa)); U = a_same*g(x_same) + sigma*a_same*x_similarity + a_supplemental*g(x_supplemental) + sum_{t in technology,design,brand,materials} a_t*g(x_t) + a_demand*x_demand + a_exchange*x_exchange + iota*g(x_same)*g(x_technology) - pi_S*(1-x_exchange)*logistic((x_communication-tau)/w); partner = argmax U + beta*Gumbel";

/// The traits-table column for a survey sector (its own, else `all_sectors`).
pub fn traits_column<'a>(table: &CountTable, sector: &'a str) -> &'a str {
    if table.columns.iter().any(|c| c == sector) {
        sector
    } else {
        "all_sectors"
    }
}

/// The obstacles/bodies-table column for a survey sector (see `prior::obstacle_column`).
pub fn body_column<'a>(table: &CountTable, sector: &'a str) -> &'a str {
    let column = obstacle_column(sector);
    if table.columns.iter().any(|c| c == column) {
        column
    } else {
        "all_sectors"
    }
}

impl Truth {
    /// Builds the truth for every survey sector from the survey tables.
    pub fn from_tables(
        traits: &CountTable,
        obstacles: &CountTable,
        sectors: &SectorTable,
        params: TruthParams,
    ) -> Result<Self> {
        let mut by_sector = BTreeMap::new();
        let ids = sectors
            .all()
            .iter()
            .filter(|s| s.parent.is_none())
            .map(|s| s.id.as_str())
            .chain(std::iter::once("all_sectors"));
        for id in ids {
            let column = traits_column(traits, id);
            let mut share_by_feature = [0.0; N_FEATURES];
            let mut shares = BTreeMap::new();
            for (item, f) in ITEM_FEATURES {
                share_by_feature[f] =
                    SurveyTables::share(traits, draws::TRAITS_FILE, item, column)?;
                shares.insert(
                    tieup_core::features::FEATURES[f].name.to_string(),
                    share_by_feature[f],
                );
            }
            let penalty = params.communication_penalty_scale
                * SurveyTables::share(
                    obstacles,
                    draws::OBSTACLES_FILE,
                    "communication_with_counterpart",
                    body_column(obstacles, id),
                )?;
            by_sector.insert(
                id.to_string(),
                SectorTruth {
                    shares,
                    communication_penalty: penalty,
                    share_by_feature,
                },
            );
        }
        Ok(Truth {
            formula: FORMULA,
            params,
            sectors: by_sector,
        })
    }

    fn sector(&self, survey_sector: &str) -> &SectorTruth {
        self.sectors
            .get(survey_sector)
            .unwrap_or_else(|| &self.sectors["all_sectors"])
    }

    /// The case's weights a_f (0 for similarity and communication, which have their own terms).
    pub fn weights(&self, survey_sector: &str, wanted: &[usize]) -> [f64; N_FEATURES] {
        let s = self.sector(survey_sector);
        let omega = self.params.want_share;
        let mut a = [0.0; N_FEATURES];
        for (_, f) in ITEM_FEATURES {
            let want = if wanted.contains(&f) { 1.0 } else { 0.0 };
            a[f] = (1.0 - omega) * s.share_by_feature[f] + omega * want;
        }
        a
    }

    fn saturate(&self, v: f64) -> f64 {
        let k = self.params.saturation;
        (1.0 - (-k * v).exp()) / (1.0 - (-k).exp())
    }

    /// U(c) without noise.
    pub fn utility(&self, survey_sector: &str, wanted: &[usize], x: &[f64; N_FEATURES]) -> f64 {
        let p = &self.params;
        let a = self.weights(survey_sector, wanted);
        let g = |f: usize| self.saturate(x[f]);
        let technology = Feature::AdvancedTechnology.index();
        let mut u = a[Feature::SameAreaCluster.index()] * g(Feature::SameAreaCluster.index())
            + p.similarity_share
                * a[Feature::SameAreaCluster.index()]
                * x[Feature::ClusterSimilarity.index()]
            + a[Feature::SupplementalCluster.index()] * g(Feature::SupplementalCluster.index())
            + a[Feature::JapanTechDemand.index()] * x[Feature::JapanTechDemand.index()]
            + a[Feature::ExistingExchange.index()] * x[Feature::ExistingExchange.index()]
            + p.interaction * g(Feature::SameAreaCluster.index()) * g(technology);
        for (t, weight) in a.iter().enumerate().skip(technology).take(4) {
            u += weight * g(t);
        }
        let step = 1.0
            / (1.0
                + (-(x[Feature::CommunicationCost.index()] - p.communication_threshold)
                    / p.communication_width)
                    .exp());
        u - self.sector(survey_sector).communication_penalty
            * (1.0 - x[Feature::ExistingExchange.index()])
            * step
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables() -> (CountTable, CountTable) {
        let traits = CountTable {
            columns: vec!["all_sectors".into(), "craft_products".into()],
            items: ITEM_FEATURES.iter().map(|(i, _)| i.to_string()).collect(),
            counts: vec![
                vec![49, 10],
                vec![43, 2],
                vec![33, 0],
                vec![20, 1],
                vec![20, 12],
                vec![20, 6],
                vec![16, 2],
                vec![11, 1],
            ],
            respondents: vec![131, 20],
        };
        let obstacles = CountTable {
            columns: vec!["all_sectors".into(), "craft_products".into()],
            items: vec!["communication_with_counterpart".into()],
            counts: vec![vec![44, 7]],
            respondents: vec![131, 20],
        };
        (traits, obstacles)
    }

    fn truth() -> Truth {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/mini");
        let sectors = SectorTable::load(&dir.join("sectors.csv")).unwrap();
        let (t, o) = tables();
        Truth::from_tables(&t, &o, &sectors, TruthParams::default()).unwrap()
    }

    #[test]
    fn mean_weights_follow_the_survey_shares() {
        let truth = truth();
        let design = Feature::DesignAbility.index();
        let none = truth.weights("craft_products", &[]);
        let wanted = truth.weights("craft_products", &[design]);
        // E[a] = (1-ω)·share + ω·share = share when W is drawn with the shares.
        let share = 12.0 / 20.0;
        let mean = share * wanted[design] + (1.0 - share) * none[design];
        assert!((mean - share).abs() < 1e-12);
        assert_eq!(none[Feature::CommunicationCost.index()], 0.0);
        // A sector without a column uses all_sectors.
        let other = truth.weights("no_such_sector", &[]);
        assert!((other[Feature::SameAreaCluster.index()] - 0.5 * 49.0 / 131.0).abs() < 1e-12);
    }

    #[test]
    fn utility_saturates_interacts_and_has_a_communication_threshold() {
        let truth = truth();
        let mut x = [0.0; N_FEATURES];
        let u = |x: &[f64; N_FEATURES]| truth.utility("craft_products", &[], x);
        // Saturation: the step from 0 to 0.5 is worth more than from 0.5 to 1.
        let base = u(&x);
        x[Feature::SameAreaCluster.index()] = 0.5;
        let half = u(&x);
        x[Feature::SameAreaCluster.index()] = 1.0;
        let full = u(&x);
        assert!(half - base > full - half);
        // Interaction: technology is worth more next to a strong same-area cluster.
        let t = Feature::AdvancedTechnology.index();
        let mut weak = [0.0; N_FEATURES];
        let mut strong = [0.0; N_FEATURES];
        strong[Feature::SameAreaCluster.index()] = 1.0;
        let gain_weak = {
            let before = u(&weak);
            weak[t] = 1.0;
            u(&weak) - before
        };
        let gain_strong = {
            let before = u(&strong);
            strong[t] = 1.0;
            u(&strong) - before
        };
        assert!(gain_strong > gain_weak + 0.29);
        // Threshold: nearly free below τ, a step above it, bridged by an existing exchange.
        let at = |c: f64, e: f64| {
            let mut x = [0.0; N_FEATURES];
            x[Feature::CommunicationCost.index()] = c;
            x[Feature::ExistingExchange.index()] = e;
            truth.utility("craft_products", &[], &x)
                - e * truth.weights("craft_products", &[])[Feature::ExistingExchange.index()]
        };
        assert!(at(0.3, 0.0) - at(0.45, 0.0) < 0.01);
        let penalty = 2.0 * 7.0 / 20.0;
        assert!((at(0.4, 0.0) - at(0.8, 0.0) - penalty).abs() < 0.01);
        assert!(at(0.8, 1.0).abs() < 1e-12);
    }
}
