//! Linear scoring models and their file format.
//!
//! A model gives each feature a weight, by survey sector where it has sector-specific weights
//! and from `default` otherwise. Learned weights are stored in scaled units (feature / scale,
//! the scaling fitted on the training data); [`LinearModel::weights_for`] turns them into raw
//! units, so that Score = Σ_f w_f · x_f over the raw features. The terms are the
//! contributions shown to users, so contributions always add up to the score.
//!
//! The model file (`models/*.json`) is a versioned format owned by this module: it carries
//! the feature schema and its fingerprint, and a file for another schema is refused.

use crate::error::{Error, Result};
use crate::features::{Feature, FeatureSchema, N_FEATURES, Query};
use crate::sector::SectorId;
use crate::sector::SectorTable;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// Name of the model file format.
pub const MODEL_FORMAT: &str = "tieup-model";
/// Current model file format version.
pub const MODEL_FORMAT_VERSION: u32 = 1;

/// Feature scaling fitted on training data: stored weights apply to x / scale. The mean is
/// kept for reference but not subtracted, so that a contribution is measured from a zero
/// feature value (a negative weight always gives a negative contribution; ranks are
/// unaffected since centring only adds a constant per query).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scaling {
    /// Per-feature mean, schema order.
    pub mean: Vec<f64>,
    /// Per-feature scale (> 0), schema order.
    pub scale: Vec<f64>,
}

/// Facts about how a model was made.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TrainingInfo {
    /// What the model was derived or trained from.
    pub source: String,
    /// FNV-1a 64 digest of the source data, 16 hex digits.
    pub data_hash: String,
    /// Number of examples (queries, rows or respondents) it saw.
    pub n_examples: u64,
    /// Training metrics by name.
    pub metrics: BTreeMap<String, f64>,
}

/// A linear ranking model.
#[derive(Debug, Clone, PartialEq)]
pub struct LinearModel {
    /// `prior`, `pointwise`, `pairwise`, `prior-anchored`, ...
    pub kind: String,
    /// One-line human description.
    pub description: String,
    /// Hyperparameters as given to the fitting routine.
    pub hyperparameters: BTreeMap<String, f64>,
    /// Feature scaling, if any.
    pub scaling: Option<Scaling>,
    /// Weights for sectors without their own.
    pub default_weights: [f64; N_FEATURES],
    /// Weights by survey-sector id.
    pub sector_weights: BTreeMap<String, [f64; N_FEATURES]>,
    /// How much a wanted feature's weight is raised, as a multiple of the largest |weight|.
    pub want_boost: f64,
    /// Provenance of the model.
    pub training: TrainingInfo,
}

/// The serialised form of a [`LinearModel`].
#[derive(Debug, Serialize, Deserialize)]
struct ModelFile {
    format: String,
    format_version: u32,
    kind: String,
    description: String,
    schema: FeatureSchema,
    schema_fingerprint: String,
    hyperparameters: BTreeMap<String, f64>,
    want_boost: f64,
    scaling: Option<Scaling>,
    weights: WeightsFile,
    training: TrainingInfo,
}

#[derive(Debug, Serialize, Deserialize)]
struct WeightsFile {
    default: BTreeMap<String, f64>,
    by_sector: BTreeMap<String, BTreeMap<String, f64>>,
}

/// Largest |weight| a model file may hold (learned weights are of order 1; larger values
/// overflow scores into NaN).
pub const MAX_WEIGHT: f64 = 1e6;

/// Largest `want_boost` (the raise of wanted features, as a multiple of the largest weight;
/// the documented range is [0, 10]).
pub const MAX_WANT_BOOST: f64 = 10.0;

/// The model's feature schema must be this build's, and its block must match its fingerprint;
/// the message says which features differ.
fn check_schema(file: &ModelFile, current: &FeatureSchema) -> std::result::Result<(), String> {
    if file.schema_fingerprint == current.fingerprint() && file.schema != *current {
        let only = |a: &FeatureSchema, b: &FeatureSchema| {
            let names: Vec<&str> = a
                .features
                .iter()
                .filter(|f| !b.features.contains(f))
                .map(String::as_str)
                .collect();
            crate::lookup::clip(&names.join(", "))
        };
        return Err(format!(
            "the model's feature schema block was edited: it no longer matches its fingerprint {} (schema v{} vs this build's v{}; only in the model: [{}]; only in this build: [{}]); retrain or regenerate the model",
            file.schema_fingerprint,
            file.schema.version,
            current.version,
            only(&file.schema, current),
            only(current, &file.schema)
        ));
    }
    if file.schema != *current || file.schema_fingerprint != current.fingerprint() {
        return Err(format!(
            "the model was built for feature schema v{} ({}) but this build uses v{} ({}); retrain or regenerate the model",
            file.schema.version,
            file.schema_fingerprint,
            current.version,
            current.fingerprint()
        ));
    }
    Ok(())
}

impl LinearModel {
    /// The weights used for a query, in raw feature units: the survey sector's own (or the
    /// default), divided by the model's feature scale (so that a score is simply
    /// Σ_f w_f · x_f over the raw features, and every scorer computes it the same way), then
    /// each wanted feature raised by [`want_boost_for`].
    pub fn weights_for(&self, sectors: &SectorTable, query: &Query) -> [f64; N_FEATURES] {
        let mut w = self.raw_weights(sectors, query.sector);
        let boost = want_boost_for(&w, self.want_boost, &query.wanted);
        for f in 0..N_FEATURES {
            w[f] += boost[f];
        }
        w
    }

    /// True when the model has its own weights for the sector's survey sector; false when it
    /// falls back to its default weights (reports then say so).
    pub fn has_sector_weights(&self, sectors: &SectorTable, sector: SectorId) -> bool {
        let root = &sectors.get(sectors.survey_root(sector)).id;
        self.sector_weights.contains_key(root)
    }

    /// The sector's weights in raw feature units, before any wanted-feature boost.
    pub fn raw_weights(&self, sectors: &SectorTable, sector: SectorId) -> [f64; N_FEATURES] {
        let root = &sectors.get(sectors.survey_root(sector)).id;
        let mut w = *self
            .sector_weights
            .get(root)
            .unwrap_or(&self.default_weights);
        if let Some(s) = &self.scaling {
            for (f, weight) in w.iter_mut().enumerate() {
                *weight /= s.scale[f];
            }
        }
        w
    }

    /// An ablation of the model: a copy whose weights for `features` are 0 in the default and
    /// in every sector's weights (scaling, want boost and the other weights untouched), its
    /// kind and description saying which features were removed. A query that wants a removed
    /// feature still raises it by the want boost ([`want_boost_for`]). No features: an equal
    /// copy.
    pub fn without(&self, features: &[Feature]) -> LinearModel {
        if features.is_empty() {
            return self.clone();
        }
        let mut model = self.clone();
        for weights in
            std::iter::once(&mut model.default_weights).chain(model.sector_weights.values_mut())
        {
            for f in features {
                weights[f.index()] = 0.0;
            }
        }
        let names: Vec<&str> = features.iter().map(|f| f.name()).collect();
        model.kind = format!("{}-ablation", self.kind);
        model.description = format!(
            "{} (ablation: weights of {} set to 0)",
            self.description,
            names.join(", ")
        );
        model
    }

    /// Serialises the model as pretty JSON (stable key order, trailing newline).
    pub fn to_json(&self) -> String {
        let schema = FeatureSchema::current();
        let named = |w: &[f64; N_FEATURES]| -> BTreeMap<String, f64> {
            schema
                .features
                .iter()
                .cloned()
                .zip(w.iter().copied())
                .collect()
        };
        let file = ModelFile {
            format: MODEL_FORMAT.into(),
            format_version: MODEL_FORMAT_VERSION,
            kind: self.kind.clone(),
            description: self.description.clone(),
            schema_fingerprint: schema.fingerprint(),
            hyperparameters: self.hyperparameters.clone(),
            want_boost: self.want_boost,
            scaling: self.scaling.clone(),
            weights: WeightsFile {
                default: named(&self.default_weights),
                by_sector: self
                    .sector_weights
                    .iter()
                    .map(|(k, w)| (k.clone(), named(w)))
                    .collect(),
            },
            training: self.training.clone(),
            schema,
        };
        let mut text = serde_json::to_string_pretty(&file).expect("model serialises");
        text.push('\n');
        text
    }

    /// Parses a model file; `path` is only used in messages.
    pub fn from_json(path: &Path, text: &str) -> Result<Self> {
        let error = |message: String| Error::Model {
            path: path.to_path_buf(),
            message,
        };
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| error(format!("not a JSON model file: {e}")))?;
        if value.get("format").and_then(|v| v.as_str()) != Some(MODEL_FORMAT) {
            return Err(error(format!(
                "not a tieup model (no \"format\": \"{MODEL_FORMAT}\")"
            )));
        }
        let version = value.get("format_version").and_then(|v| v.as_u64());
        if version != Some(u64::from(MODEL_FORMAT_VERSION)) {
            let found = version.map_or_else(|| "missing".to_string(), |v| v.to_string());
            return Err(error(format!(
                "model format version {found} is not supported (this build reads version {MODEL_FORMAT_VERSION}); regenerate the model with this version of tieup"
            )));
        }
        let file: ModelFile = serde_json::from_value(value)
            .map_err(|e| error(format!("malformed model file: {e}")))?;
        let current = FeatureSchema::current();
        check_schema(&file, &current).map_err(error)?;
        let unnamed = |what: &str, named: &BTreeMap<String, f64>| -> Result<[f64; N_FEATURES]> {
            let mut w = [0.0; N_FEATURES];
            if named.len() != N_FEATURES {
                return Err(error(format!(
                    "{what} has {} weights, the schema has {N_FEATURES}",
                    named.len()
                )));
            }
            for (f, name) in current.features.iter().enumerate() {
                w[f] = *named
                    .get(name)
                    .ok_or_else(|| error(format!("{what} has no weight for '{name}'")))?;
                if !(w[f].is_finite() && w[f].abs() <= MAX_WEIGHT) {
                    return Err(error(format!(
                        "{what} weight for '{name}' is {}, not a finite number within ±{MAX_WEIGHT:e}; retrain the model or fix the weight",
                        w[f]
                    )));
                }
            }
            Ok(w)
        };
        if let Some(s) = &file.scaling
            && (s.mean.len() != N_FEATURES
                || s.scale.len() != N_FEATURES
                || s.scale.iter().any(|v| !(v.is_finite() && *v > 0.0)))
        {
            return Err(error(
                "scaling must have one mean and one positive scale per feature".into(),
            ));
        }
        if !(file.want_boost.is_finite() && (0.0..=MAX_WANT_BOOST).contains(&file.want_boost)) {
            return Err(error(format!(
                "want_boost is {}, outside [0, {MAX_WANT_BOOST}]; use a value such as 1.0",
                file.want_boost
            )));
        }
        let mut sector_weights = BTreeMap::new();
        for (sector, named) in &file.weights.by_sector {
            sector_weights.insert(
                sector.clone(),
                unnamed(&format!("weights for {sector}"), named)?,
            );
        }
        Ok(LinearModel {
            kind: file.kind,
            description: file.description,
            hyperparameters: file.hyperparameters,
            scaling: file.scaling,
            default_weights: unnamed("default weights", &file.weights.default)?,
            sector_weights,
            want_boost: file.want_boost,
            training: file.training,
        })
    }

    /// Loads a model file.
    pub fn load(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let text = String::from_utf8(bytes).map_err(|e| Error::Model {
            path: path.to_path_buf(),
            message: format!(
                "not a JSON model file: invalid UTF-8 at byte {}; save it as UTF-8",
                e.utf8_error().valid_up_to()
            ),
        })?;
        Self::from_json(path, &text)
    }

    /// Saves the model atomically.
    pub fn save(&self, path: &Path) -> Result<()> {
        crate::fsutil::write_atomic(path, self.to_json().as_bytes())
    }
}

/// The raise of each wanted feature's raw weight: `want_boost` × the largest |raw weight|, in
/// the feature's direction (a wanted cost gets more negative). Learners add the same raise as
/// a fixed offset while training, so a learned model is not fitted to explain what the boost
/// will add at scoring time.
///
/// ```
/// use tieup_core::features::Feature;
/// let w = [0.4, 0.2, 0.1, 0.3, 0.1, 0.1, 0.1, 0.2, 0.3, -0.5];
/// let b = tieup_core::model::want_boost_for(&w, 1.0, &[Feature::DesignAbility, Feature::CommunicationCost]);
/// assert_eq!(b[4], 0.5);
/// assert_eq!(b[9], -0.5);
/// assert_eq!(b[0], 0.0);
/// ```
pub fn want_boost_for(
    raw_weights: &[f64; N_FEATURES],
    want_boost: f64,
    wanted: &[Feature],
) -> [f64; N_FEATURES] {
    let largest = raw_weights.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
    let mut boost = [0.0; N_FEATURES];
    for &f in wanted {
        boost[f.index()] = f64::from(f.direction()) * want_boost * largest;
    }
    boost
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> LinearModel {
        let mut default = [0.0; N_FEATURES];
        for (f, w) in default.iter_mut().enumerate() {
            *w = 0.1 * (f + 1) as f64;
        }
        let mut sector = default;
        sector[Feature::CommunicationCost.index()] = -0.7;
        LinearModel {
            kind: "prior".into(),
            description: "test".into(),
            hyperparameters: BTreeMap::new(),
            scaling: Some(Scaling {
                mean: vec![0.5; N_FEATURES],
                scale: vec![2.0; N_FEATURES],
            }),
            default_weights: default,
            sector_weights: BTreeMap::from([("tourism".to_string(), sector)]),
            want_boost: 1.0,
            training: TrainingInfo::default(),
        }
    }

    #[test]
    fn without_zeroes_the_named_features_everywhere_and_nothing_else() {
        let base = model();
        assert_eq!(base.without(&[]), base);
        let removed = [Feature::ExistingExchange, Feature::CommunicationCost];
        let ablated = base.without(&removed);
        assert_ne!(ablated.kind, base.kind);
        assert!(
            ablated
                .description
                .contains("existing_exchange, communication_cost")
        );
        assert_eq!(ablated.scaling, base.scaling);
        assert_eq!(ablated.want_boost, base.want_boost);
        let pairs = std::iter::once((&ablated.default_weights, &base.default_weights)).chain(
            ablated
                .sector_weights
                .values()
                .zip(base.sector_weights.values()),
        );
        assert_eq!(ablated.sector_weights.len(), base.sector_weights.len());
        for (after, before) in pairs {
            for f in Feature::ALL {
                let expected = if removed.contains(&f) {
                    0.0
                } else {
                    before[f.index()]
                };
                assert_eq!(after[f.index()], expected, "{}", f.name());
            }
        }
        // The model file keeps the zeros.
        let path = Path::new("ablated.json");
        let back = LinearModel::from_json(path, &ablated.to_json()).unwrap();
        assert_eq!(back, ablated);
    }
}
