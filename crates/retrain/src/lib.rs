//! tieup's retraining from recorded outcomes: the shipped partnerships merged with the
//! projects and follow-ups of the store ([`merge`]), a model fitted on them ([`retrain`]), its
//! before-and-after figures by leave-one-out ([`loo`]), and model files kept in the store's
//! models directory, never written over ([`retrain_into_store`]).
//!
//! `tieup train --db` and the retrain button of `tieup serve` both call this crate; the
//! binary only renders what it returns.
//!
//! # The evaluation
//! Every partnership of the merged training data is held out in turn and ranked among all
//! candidates by a model trained without it, once on the shipped partnerships only ("before")
//! and once on the shipped plus the recorded ones ("after"), with the same learner and
//! parameters; the untrained prior ranks them too, as a baseline. The figures are the mean reciprocal rank of the real partner, the share of real
//! partners in the top 10 and the median rank of the real partner ([`loo::Loo`]): none of them
//! is measured on a partnership the model was trained on.

pub mod loo;

use loo::Loo;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tieup_core::catalog::Catalog;
use tieup_core::known::{KnownCatalogs, KnownEncoders};
use tieup_core::model::LinearModel;
use tieup_learn::TrainValidParams;
use tieup_store::{ModelRowId, NewModel, PartnershipRecord, Result, Store, partnerships};

/// What retraining starts from besides the store and the catalog.
#[derive(Debug, Clone)]
pub struct Setup {
    /// The shipped partnerships (the layout of `data/partnerships.csv`).
    pub exchanges: PathBuf,
    /// The prior model (the anchor of the prior-anchored learner).
    pub prior: PathBuf,
    /// Learner and its parameters.
    pub params: TrainValidParams,
}

/// Before and after, by leave-one-out over the merged partnerships, beside the untrained
/// prior (which has seen none of them, so it needs no leaving out).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// The prior model, untrained.
    pub prior: Loo,
    /// Trained on the shipped partnerships only.
    pub before: Loo,
    /// Trained on the shipped plus the recorded partnerships.
    pub after: Loo,
}

/// A model fitted on the shipped plus the recorded partnerships.
#[derive(Debug, Clone)]
pub struct Retrained {
    /// The model (its `training.source` names the outcomes, the catalog and the learner).
    pub model: LinearModel,
    /// Where the merged training data was written.
    pub training_file: PathBuf,
    /// Partnerships trained on.
    pub n_rows: usize,
    /// Partnerships of the shipped file.
    pub n_shipped: usize,
    /// Ids of the store's partnerships (projects) trained on, in store order.
    pub recorded: Vec<String>,
    /// How many of them replace a shipped row of the same id.
    pub n_replacing: usize,
    /// [`tieup_store::catalog_digest`] of the catalog.
    pub catalog_digest: String,
    /// The learner's name (`prior-anchored`, ...).
    pub learner: String,
    /// Before and after.
    pub evaluation: Evaluation,
}

/// The shipped partnerships with the store's rows merged in: a store row replaces the shipped
/// row of the same id, new ids follow in store order. Also returns the store's ids.
pub fn merge(
    shipped: Vec<PartnershipRecord>,
    recorded: Vec<PartnershipRecord>,
) -> (Vec<PartnershipRecord>, Vec<String>) {
    let ids: Vec<String> = recorded.iter().map(|r| r.id.clone()).collect();
    let mut by_id: BTreeMap<String, PartnershipRecord> =
        recorded.into_iter().map(|r| (r.id.clone(), r)).collect();
    let mut merged: Vec<PartnershipRecord> = shipped
        .into_iter()
        .map(|s| by_id.remove(&s.id).unwrap_or(s))
        .collect();
    merged.extend(ids.iter().filter_map(|id| by_id.remove(id)));
    (merged, ids)
}

/// Trains on the shipped partnerships plus the store's, writing the merged data to
/// `training_file` (atomically; it is read back through the catalog, which checks every id),
/// and evaluates before and after by leave-one-out.
pub fn retrain(
    catalog: &Catalog,
    store: &Store,
    setup: &Setup,
    training_file: &Path,
) -> Result<Retrained> {
    let shipped = partnerships::read(&setup.exchanges)?;
    let (merged, recorded) = merge(shipped, store.partnerships()?);
    let text = partnerships::to_csv(&merged);
    tieup_core::fsutil::write_atomic(training_file, text.as_bytes())?;
    let rows = catalog.read_partnerships(training_file)?;
    let real = catalog.read_partnerships(&setup.exchanges)?;
    let digest = tieup_store::catalog_digest(catalog.dir())?;
    let learner = setup.params.learner();
    let source = format!(
        "{} + {} ({} recorded outcomes: {}); catalog {digest}; learner {}; data in {}",
        setup.exchanges.display(),
        store.path().display(),
        recorded.len(),
        recorded.join(";"),
        learner.name(),
        training_file.display()
    )
    .replace('\\', "/");
    let prior = LinearModel::load(&setup.prior)?;
    let known = KnownCatalogs::new(catalog);
    let encoder = KnownEncoders::new(&known);
    let queries = setup.params.training_set(&encoder, &rows);
    let hash = tieup_core::hash::digest(text.as_bytes());
    let model = setup.params.fit(&queries, &prior, &source, &hash)?;
    let n_candidates = catalog.candidate_ids().count();
    let evaluation = Evaluation {
        prior: Loo::from_held_out(
            rows.iter()
                .map(|p| loo::rank_of_partner(&encoder, &prior, p, n_candidates))
                .collect::<tieup_core::Result<Vec<_>>>()?,
        ),
        before: loo::leave_one_out(&encoder, &setup.params, &prior, &real, &rows)?,
        after: loo::leave_one_out(&encoder, &setup.params, &prior, &rows, &rows)?,
    };
    let n_replacing = recorded
        .iter()
        .filter(|id| real.iter().any(|r| &r.id == *id))
        .count();
    Ok(Retrained {
        model,
        training_file: training_file.to_path_buf(),
        n_rows: rows.len(),
        n_shipped: real.len(),
        recorded,
        n_replacing,
        catalog_digest: digest,
        learner: learner.name().to_string(),
        evaluation,
    })
}

/// Registers a written model file of `retrained` in the store (not activated).
pub fn register(store: &mut Store, path: &Path, retrained: &Retrained) -> Result<ModelRowId> {
    store.register_model(&NewModel {
        model_id: tieup_store::model_id(path)?,
        path: path.to_string_lossy().replace('\\', "/"),
        learner: retrained.learner.clone(),
        outcomes: retrained.recorded.clone(),
        catalog_digest: retrained.catalog_digest.clone(),
        training_source: retrained.model.training.source.clone(),
    })
}

/// A model that [`retrain_into_store`] wrote and registered.
#[derive(Debug, Clone)]
pub struct Published {
    /// The model file (`<models dir>/model-NNNN.json`).
    pub path: PathBuf,
    /// Its row in the store.
    pub row: ModelRowId,
    /// What was trained.
    pub retrained: Retrained,
}

/// The evaluation file beside a model file (`model-NNNN.evaluation.json`).
pub fn evaluation_path(model_path: &Path) -> PathBuf {
    model_path.with_extension("evaluation.json")
}

/// Reads the evaluation written beside a model file, if there is one.
pub fn read_evaluation(model_path: &Path) -> Option<Evaluation> {
    let text = std::fs::read_to_string(evaluation_path(model_path)).ok()?;
    serde_json::from_str(&text).ok()
}

/// Retrains and writes `model-NNNN.json`, its training data `model-NNNN.training.csv` and its
/// evaluation `model-NNNN.evaluation.json` into [`Store::models_dir`] under the first number
/// none of whose three files exists (each is created exclusively first, so no existing file
/// is ever written over, also when two processes retrain at once), then registers the model.
/// On failure the reserved files are removed.
pub fn retrain_into_store(
    catalog: &Catalog,
    store: &mut Store,
    setup: &Setup,
) -> Result<Published> {
    let dir = store.models_dir();
    std::fs::create_dir_all(&dir).map_err(|e| tieup_core::Error::io(&dir, e))?;
    let reserved = reserve(&dir)?;
    let [model_path, training_file, evaluation_file] = &reserved;
    let result = retrain(catalog, store, setup, training_file).and_then(|retrained| {
        let evaluation =
            serde_json::to_string_pretty(&retrained.evaluation).expect("figures serialise") + "\n";
        tieup_core::fsutil::write_atomic(evaluation_file, evaluation.as_bytes())?;
        tieup_core::fsutil::write_atomic(model_path, retrained.model.to_json().as_bytes())?;
        let row = register(store, model_path, &retrained)?;
        Ok(Published {
            path: model_path.clone(),
            row,
            retrained,
        })
    });
    if result.is_err() {
        for path in &reserved {
            let _ = std::fs::remove_file(path);
        }
    }
    result
}

/// Creates `model-NNNN.{json,training.csv,evaluation.json}` empty and exclusively under the
/// first free number.
fn reserve(dir: &Path) -> Result<[PathBuf; 3]> {
    for n in 1..=99_999u32 {
        let stem = format!("model-{n:04}");
        let paths = [
            dir.join(format!("{stem}.json")),
            dir.join(format!("{stem}.training.csv")),
            dir.join(format!("{stem}.evaluation.json")),
        ];
        let mut created = Vec::new();
        for path in &paths {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
            {
                Ok(_) => created.push(path),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => break,
                Err(e) => {
                    for p in &created {
                        let _ = std::fs::remove_file(p);
                    }
                    return Err(tieup_core::Error::io(path, e).into());
                }
            }
        }
        if created.len() == paths.len() {
            return Ok(paths);
        }
        for p in &created {
            let _ = std::fs::remove_file(p);
        }
    }
    Err(tieup_store::Error::Invalid(format!(
        "{}: no free model file name left",
        dir.display()
    )))
}
