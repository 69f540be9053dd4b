//! Success likelihood: the chance that a partnership shows results during the project, after
//! it, or not yet, from what the JETRO 2008 survey found matters.
//!
//! Inputs ([`SuccessInputs`]): commitment of the implementation body, advance preparation,
//! continuation budget (years funded after support ends), the mix of implementation bodies
//! (industry-academia-government together), a motivated core company, a mediator for
//! communication, and the partner fit score. The model is a multinomial logistic regression
//! (linfa-logistic) trained from outcomes. Unknown yes/no answers are encoded as 0.5.
//!
//! The shipped model (`models/success.json`) is trained on the survey's own outcome counts,
//! `commitment_vs_achievement.csv` (98 answers): there only commitment was observed, so only
//! commitment moves its predictions; the other inputs learn their effect as soon as an agency
//! trains on its own outcomes with `tieup train-success --outcomes FILE`.

use linfa::traits::Fit;
use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;
use tieup_core::error::{Error, Result};
use tieup_core::survey::CountTable;

pub use tieup_core::application::{
    BODY_KINDS, BodyKindId, Commitment, N_SUCCESS_FEATURES, SUCCESS_FEATURES, SuccessInputs,
};

/// The outcome classes, in model order.
pub const CLASSES: [&str; 3] = ["during", "after", "not_yet"];

/// Partner fit of a shortlist's best candidate: its score over the score of an ideal
/// candidate (every positive feature at 1, no cost) under the same weights, in [0, 1].
pub fn partner_fit(weights: &[f64], best_score: f64) -> f64 {
    let ideal: f64 = weights.iter().filter(|w| **w > 0.0).sum();
    if ideal > 0.0 {
        (best_score / ideal).clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// Probabilities of the three outcomes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SuccessProbabilities {
    /// Results during the project.
    pub during: f64,
    /// Results after it.
    pub after: f64,
    /// Not yet.
    pub not_yet: f64,
}

/// Name of the success-model file format.
pub const SUCCESS_FORMAT: &str = "tieup-success-model";
/// Current success-model format version.
pub const SUCCESS_FORMAT_VERSION: u32 = 1;

/// A fitted success model (multinomial logistic).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SuccessModel {
    format: String,
    format_version: u32,
    /// Input names, in order.
    pub features: Vec<String>,
    /// Outcome classes, in order.
    pub classes: Vec<String>,
    /// Intercept per class.
    pub intercept: BTreeMap<String, f64>,
    /// Weights per class, by input name.
    pub weights: BTreeMap<String, BTreeMap<String, f64>>,
    /// L2 strength used.
    pub alpha: f64,
    /// What it was trained on.
    pub source: String,
    /// FNV-1a digest of the training data.
    pub data_hash: String,
    /// Training examples.
    pub n_examples: usize,
}

impl SuccessModel {
    /// Fits the model on encoded inputs and outcome classes (positions in [`CLASSES`]).
    pub fn fit(
        inputs: &[[f64; N_SUCCESS_FEATURES]],
        outcomes: &[usize],
        alpha: f64,
        source: &str,
        data_hash: &str,
    ) -> Result<Self> {
        if inputs.len() != outcomes.len() || inputs.is_empty() {
            return Err(Error::data(
                source,
                None,
                format!(
                    "{} inputs and {} outcomes: need one outcome per input, and at least one",
                    inputs.len(),
                    outcomes.len()
                ),
                "give at least one example, each with an outcome",
            ));
        }
        let mut seen = [false; 3];
        outcomes.iter().for_each(|&o| seen[o] = true);
        if seen.iter().any(|s| !s) {
            return Err(Error::data(
                source,
                None,
                format!(
                    "{} examples, but not every outcome class (during, after, not_yet) occurs",
                    inputs.len()
                ),
                "give at least one example of each outcome class",
            ));
        }
        let x = Array2::from_shape_fn((inputs.len(), N_SUCCESS_FEATURES), |(i, f)| inputs[i][f]);
        let y: Array1<usize> = outcomes.iter().copied().collect();
        let fitted = linfa_logistic::MultiLogisticRegression::default()
            .alpha(alpha)
            .max_iterations(500)
            .fit(&linfa::Dataset::new(x, y))
            .map_err(|e| Error::InvalidParam {
                name: "success fit",
                value: format!("{} examples", inputs.len()),
                reason: e.to_string(),
            })?;
        let params = fitted.params(); // features × classes
        let intercept = fitted.intercept();
        let mut weights = BTreeMap::new();
        let mut intercepts = BTreeMap::new();
        for (k, &class) in fitted.classes().iter().enumerate() {
            let name = CLASSES[class].to_string();
            intercepts.insert(name.clone(), intercept[k]);
            weights.insert(
                name,
                SUCCESS_FEATURES
                    .iter()
                    .enumerate()
                    .map(|(f, n)| (n.to_string(), params[[f, k]]))
                    .collect(),
            );
        }
        Ok(SuccessModel {
            format: SUCCESS_FORMAT.into(),
            format_version: SUCCESS_FORMAT_VERSION,
            features: SUCCESS_FEATURES.iter().map(|s| s.to_string()).collect(),
            classes: CLASSES.iter().map(|s| s.to_string()).collect(),
            intercept: intercepts,
            weights,
            alpha,
            source: source.into(),
            data_hash: data_hash.into(),
            n_examples: inputs.len(),
        })
    }

    /// Trains on the survey's outcome table: each answer becomes one example whose only known
    /// input is commitment (`difficult_to_tell` is unknown commitment).
    pub fn fit_survey_table(path: &Path, alpha: f64) -> Result<Self> {
        let table = CountTable::load_rows(path, "commitment_of_implementation_body")?;
        let mut inputs = Vec::new();
        let mut outcomes = Vec::new();
        for (row, level) in table.items.iter().enumerate() {
            let commitment = match level.as_str() {
                "took_part_and_contributed_sufficiently" => Commitment::Sufficient,
                "took_part_and_contributed_to_an_extent" => Commitment::Partial,
                _ => Commitment::Unknown,
            };
            let encoded = SuccessInputs {
                commitment,
                ..SuccessInputs::unknown()
            }
            .encode();
            for (class, column) in [
                "achieved_during_project",
                "achieved_after_project",
                "not_achieved_yet",
            ]
            .iter()
            .enumerate()
            {
                let c = table
                    .columns
                    .iter()
                    .position(|x| x == column)
                    .ok_or_else(|| {
                        Error::data(
                            path,
                            None,
                            format!("no column '{column}'"),
                            "use the survey's commitment_vs_achievement.csv layout",
                        )
                    })?;
                for _ in 0..table.counts[row][c] {
                    inputs.push(encoded);
                    outcomes.push(class);
                }
            }
        }
        Self::fit(
            &inputs,
            &outcomes,
            alpha,
            "JETRO 2008 survey: commitment_vs_achievement.csv (98 answers; only commitment observed)",
            &tieup_core::hash::file_digest(path)?,
        )
    }

    /// Trains on an agency's own outcomes: a CSV with an `outcome` column (`during`, `after`,
    /// `not_yet`) and any of `commitment`, `preparation`, `continuation_years`,
    /// `implementation_bodies`, `core_company`, `mediator`, `partner_fit` (the application
    /// columns; missing columns or empty cells are unknown).
    pub fn fit_outcomes_file(path: &Path, alpha: f64) -> Result<Self> {
        use tieup_core::csvin::CsvFile;
        let file = CsvFile::open(path, &["outcome"])?;
        let mut inputs = Vec::new();
        let mut outcomes = Vec::new();
        for row in file.rows() {
            let outcome = row.required("outcome")?;
            let class = CLASSES.iter().position(|c| *c == outcome).ok_or_else(|| {
                row.cell_error(
                    "outcome",
                    format!("unknown outcome '{outcome}'"),
                    "use during, after or not_yet",
                )
            })?;
            let commitment = Commitment::parse(row.text("commitment")).ok_or_else(|| {
                row.cell_error(
                    "commitment",
                    format!("'{}' is not a commitment", row.text("commitment")),
                    "use sufficient, partial or unknown",
                )
            })?;
            let tri = |column: &str| -> Result<Option<bool>> {
                tieup_core::application::parse_bool(row.text(column)).ok_or_else(|| {
                    row.cell_error(
                        column,
                        format!("'{}' is not true or false", row.text(column)),
                        "write true, false or leave empty",
                    )
                })
            };
            let number = |column: &str, high: f64| -> Result<Option<f64>> {
                if row.text(column).is_empty() {
                    Ok(None)
                } else {
                    row.number_in(column, 0.0, high).map(Some)
                }
            };
            let mut bodies = Vec::new();
            for name in row.list("implementation_bodies") {
                let key = tieup_core::lookup::normalize(&name).replace(' ', "_");
                let kind = BODY_KINDS.iter().position(|b| *b == key);
                bodies.push(kind.map(BodyKindId::from_index).ok_or_else(|| {
                    row.cell_error(
                        "implementation_bodies",
                        format!("unknown body '{name}'"),
                        &format!("use {}", BODY_KINDS.join(", ")),
                    )
                })?);
            }
            inputs.push(
                SuccessInputs {
                    commitment,
                    preparation: tri("preparation")?,
                    continuation_years: number("continuation_years", 50.0)?,
                    bodies,
                    core_company: tri("core_company")?,
                    mediator: tri("mediator")?,
                    partner_fit: number("partner_fit", 1.0)?,
                }
                .encode(),
            );
            outcomes.push(class);
        }
        Self::fit(
            &inputs,
            &outcomes,
            alpha,
            &path.to_string_lossy().replace('\\', "/"),
            &tieup_core::hash::file_digest(path)?,
        )
    }

    /// Outcome probabilities for one application.
    pub fn predict(&self, inputs: &SuccessInputs) -> SuccessProbabilities {
        let [during, after, not_yet] = self.predict_encoded(&inputs.encode());
        SuccessProbabilities {
            during,
            after,
            not_yet,
        }
    }

    /// Outcome probabilities, in [`CLASSES`] order, for an encoded input vector.
    pub fn predict_encoded(&self, x: &[f64; N_SUCCESS_FEATURES]) -> [f64; 3] {
        let logits: Vec<f64> = CLASSES
            .iter()
            .map(|c| {
                let w = &self.weights[*c];
                self.intercept[*c]
                    + SUCCESS_FEATURES
                        .iter()
                        .zip(x.iter())
                        .map(|(n, v)| w[*n] * v)
                        .sum::<f64>()
            })
            .collect();
        let max = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let exp: Vec<f64> = logits.iter().map(|l| (l - max).exp()).collect();
        let total: f64 = exp.iter().sum();
        [exp[0] / total, exp[1] / total, exp[2] / total]
    }

    /// Pretty JSON with a trailing newline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("success model serialises");
        text.push('\n');
        text
    }

    /// Loads and checks a success-model file.
    pub fn load(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let error = |message: String| Error::Model {
            path: path.to_path_buf(),
            message,
        };
        let text = String::from_utf8(bytes)
            .map_err(|_| error("not a success model: the file is not valid UTF-8".into()))?;
        let model: SuccessModel =
            serde_json::from_str(&text).map_err(|e| error(format!("not a success model: {e}")))?;
        if model.format != SUCCESS_FORMAT || model.format_version != SUCCESS_FORMAT_VERSION {
            return Err(error(format!(
                "format {} v{} is not {SUCCESS_FORMAT} v{SUCCESS_FORMAT_VERSION}; retrain with `tieup train-success`",
                model.format, model.format_version
            )));
        }
        let complete = model.features == SUCCESS_FEATURES
            && CLASSES.iter().all(|c| {
                model.intercept.contains_key(*c)
                    && model
                        .weights
                        .get(*c)
                        .is_some_and(|w| SUCCESS_FEATURES.iter().all(|f| w.contains_key(*f)))
            });
        if !complete {
            return Err(error(
                "the model's inputs or classes differ from this build's; retrain it".into(),
            ));
        }
        let bounded = |v: f64| v.is_finite() && v.abs() <= tieup_core::model::MAX_WEIGHT;
        if !(model.intercept.values().all(|v| bounded(*v))
            && model
                .weights
                .values()
                .flat_map(|w| w.values())
                .all(|v| bounded(*v)))
        {
            return Err(error(format!(
                "a weight or intercept is not a finite number within ±{:e}; retrain it with `tieup train-success`",
                tieup_core::model::MAX_WEIGHT
            )));
        }
        Ok(model)
    }

    /// Saves atomically.
    pub fn save(&self, path: &Path) -> Result<()> {
        tieup_core::fsutil::write_atomic(path, self.to_json().as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    /// The survey's conditional rates: commitment → (during, after, not yet) counts.
    const TABLE: [(Commitment, [u32; 3]); 3] = [
        (Commitment::Sufficient, [26, 9, 7]),
        (Commitment::Partial, [14, 24, 12]),
        (Commitment::Unknown, [1, 2, 3]),
    ];

    #[test]
    fn reproduces_the_survey_rates_within_sampling_error() {
        // 3,000 synthetic projects whose outcome follows the table given commitment and whose
        // other inputs are random and irrelevant.
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let (mut inputs, mut outcomes) = (Vec::new(), Vec::new());
        for i in 0..3000 {
            let (commitment, counts) = TABLE[[0, 1, 1, 0, 2][i % 5] as usize];
            let total: u32 = counts.iter().sum();
            let mut u = rng.gen_range(0..total);
            let class = counts
                .iter()
                .position(|&c| {
                    if u < c {
                        true
                    } else {
                        u -= c;
                        false
                    }
                })
                .unwrap();
            let app = SuccessInputs {
                commitment,
                preparation: Some(rng.r#gen()),
                continuation_years: Some(f64::from(rng.gen_range(0..4))),
                bodies: BodyKindId::all().filter(|_| rng.gen_bool(0.4)).collect(),
                core_company: Some(rng.r#gen()),
                mediator: Some(rng.r#gen()),
                partner_fit: Some(rng.r#gen()),
            };
            inputs.push(app.encode());
            outcomes.push(class);
        }
        let model = SuccessModel::fit(&inputs, &outcomes, 1e-3, "synthetic", "-").unwrap();
        for (commitment, counts) in TABLE {
            let total: f64 = counts.iter().map(|&c| f64::from(c)).sum();
            let rows: Vec<usize> = (0..inputs.len())
                .filter(|&i| {
                    inputs[i][0] == f64::from(u8::from(commitment == Commitment::Sufficient))
                        && inputs[i][1] == f64::from(u8::from(commitment == Commitment::Partial))
                })
                .collect();
            let n = rows.len() as f64;
            let mut mean = [0.0; 3];
            for &i in &rows {
                let x = inputs[i];
                let p = model.predict_encoded(&x);
                for k in 0..3 {
                    mean[k] += p[k] / n;
                }
            }
            for k in 0..3 {
                let rate = f64::from(counts[k]) / total;
                let se = (rate * (1.0 - rate) / n).sqrt();
                assert!(
                    (mean[k] - rate).abs() < 3.0 * se + 0.01,
                    "{commitment:?} class {k}: predicted {} vs survey {rate} (se {se})",
                    mean[k]
                );
            }
        }
    }

    #[test]
    fn survey_table_model_gives_the_table_rates() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../data/survey/commitment_vs_achievement.csv");
        let model = SuccessModel::fit_survey_table(&path, 1e-3).unwrap();
        let p = model.predict(&SuccessInputs {
            commitment: Commitment::Sufficient,
            ..SuccessInputs::unknown()
        });
        assert!((p.during - 26.0 / 42.0).abs() < 0.02, "{p:?}");
        let p = model.predict(&SuccessInputs {
            commitment: Commitment::Partial,
            ..SuccessInputs::unknown()
        });
        assert!(
            (p.during - 14.0 / 50.0).abs() < 0.02 && (p.after - 24.0 / 50.0).abs() < 0.02,
            "{p:?}"
        );
        let back: SuccessModel = serde_json::from_str(&model.to_json()).unwrap();
        assert_eq!(back, model);
    }

    #[test]
    fn outcomes_file_learns_a_mediator_effect() {
        // Projects with a mediator succeed during the project far more often.
        let mut text = String::from("application_id,commitment,mediator,outcome\n");
        for i in 0..300 {
            let mediator = i % 2 == 0;
            let outcome = match (mediator, i % 10) {
                (true, 0..=6) | (false, 0..=1) => "during",
                (_, 2..=5) => "after",
                _ => "not_yet",
            };
            text.push_str(&format!("a{i},partial,{mediator},{outcome}\n"));
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("outcomes.csv");
        std::fs::write(&path, text).unwrap();
        let model = SuccessModel::fit_outcomes_file(&path, 1e-3).unwrap();
        let with = model.predict(&SuccessInputs {
            commitment: Commitment::Partial,
            mediator: Some(true),
            ..SuccessInputs::unknown()
        });
        let without = model.predict(&SuccessInputs {
            commitment: Commitment::Partial,
            mediator: Some(false),
            ..SuccessInputs::unknown()
        });
        assert!(
            with.during > without.during + 0.2,
            "{with:?} vs {without:?}"
        );
        std::fs::write(&path, "outcome,mediator\nduring,perhaps\n").unwrap();
        let err = SuccessModel::fit_outcomes_file(&path, 1e-3)
            .unwrap_err()
            .to_string();
        assert!(err.contains("outcomes.csv:2: column 2 (mediator)"), "{err}");
    }

    #[test]
    fn fit_needs_every_class() {
        let x = [SuccessInputs::unknown().encode(); 2];
        let err = SuccessModel::fit(&x, &[0, 1], 1.0, "outcomes.csv", "").unwrap_err();
        assert!(matches!(err, Error::Data(_)), "{err}");
    }
}
