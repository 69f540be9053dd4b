//! `tieup prior`, `train` and `train-success`: the commands that write model files.

use super::args::{Cli, LearnerArg, PriorArgs, TrainArgs, TrainSuccessArgs};
use super::{catalog_inputs, data_dir, load_catalog, output_guard, write_or_check};
use anyhow::Result;
use linfa::ParamGuard;
use std::io::Write;
use std::path::{Path, PathBuf};
use tieup_core::model::LinearModel;
use tieup_learn::prior::PriorParams;
use tieup_learn::success::SuccessModel;
use tieup_learn::{LearnerKind, TrainParams};

/// `tieup prior`: the survey prior from the survey tables of the data directory.
pub(super) fn prior(cli: &Cli, a: &PriorArgs, out: &mut dyn Write) -> Result<()> {
    let params = PriorParams::new()
        .pseudo_count(a.pseudo_count)
        .similarity_share(a.similarity_share)
        .want_boost(a.want_boost)
        .check()?;
    let dir = data_dir(cli.data.as_deref());
    if !a.check {
        catalog_inputs(output_guard(cli), &dir).check_file("--out", &a.out)?;
    }
    let sectors = tieup_core::sector::SectorTable::load(&dir.join("sectors.csv"))?;
    let model = tieup_learn::prior::derive_from_dir(&params, &dir, &sectors)?;
    write_or_check(out, &a.out, &model.to_json(), a.check, "tieup prior")
}

/// The validated learner parameters of `tieup train` (with or without `--db`).
pub(super) fn train_params(a: &TrainArgs) -> Result<tieup_learn::TrainValidParams> {
    let learner = match a.learner {
        LearnerArg::Pointwise => LearnerKind::Pointwise,
        LearnerArg::Pairwise => LearnerKind::Pairwise,
        LearnerArg::PriorAnchored => LearnerKind::PriorAnchored,
    };
    Ok(TrainParams::new(learner)
        .seed(a.seed)
        .negatives(a.negatives)
        .l2(a.l2)
        .check()?)
}

/// The partnerships and prior files of `train`: as given, except that the defaults
/// (`data/partnerships.csv`, `models/prior.json`, relative to the current directory) fall back
/// to the data directory's partnerships and the shipped prior when run from elsewhere, the way
/// `shortlist` finds its model.
pub(super) fn train_inputs(cli: &Cli, a: &TrainArgs) -> (PathBuf, PathBuf) {
    let exchanges = if a.exchanges == Path::new("data/partnerships.csv") && !a.exchanges.is_file() {
        data_dir(cli.data.as_deref()).join("partnerships.csv")
    } else {
        a.exchanges.clone()
    };
    let prior = if a.prior == Path::new("models/prior.json") && !a.prior.is_file() {
        super::shipped_model("prior.json")
    } else {
        a.prior.clone()
    };
    (exchanges, prior)
}

/// `tieup train`: a ranking model learned from past partnerships.
pub(super) fn train(cli: &Cli, a: &TrainArgs, out: &mut dyn Write) -> Result<()> {
    if let Some(db) = &a.db {
        return super::db::train(cli, a, db, out);
    }
    let (exchanges, prior_path) = train_inputs(cli, a);
    let params = train_params(a)?;
    if !a.check {
        catalog_inputs(output_guard(cli), &data_dir(cli.data.as_deref()))
            .input("--exchanges", &exchanges)
            .input("--prior", &prior_path)
            .check_file("--out", &a.out)?;
    }
    let catalog = load_catalog(cli)?;
    let prior = LinearModel::load(&prior_path)?;
    let partnerships = catalog.read_partnerships(&exchanges)?;
    let hash = tieup_core::hash::file_digest(&exchanges)?;
    let known = tieup_core::known::KnownCatalogs::new(&catalog);
    let encoders = tieup_core::known::KnownEncoders::new(&known);
    let queries = params.training_set(&encoders, &partnerships);
    let source = exchanges.to_string_lossy().replace('\\', "/");
    let model = params.fit(&queries, &prior, &source, &hash)?;
    write_or_check(out, &a.out, &model.to_json(), a.check, "tieup train")
}

/// `tieup train-success`: the success-likelihood model, from the survey table or outcomes.
pub(super) fn train_success(cli: &Cli, a: &TrainSuccessArgs, out: &mut dyn Write) -> Result<()> {
    if !a.check {
        let guard = match &a.outcomes {
            Some(path) => output_guard(cli).input("--outcomes", path),
            None => output_guard(cli).input("--survey", &a.survey),
        };
        guard.check_file("--out", &a.out)?;
    }
    let model = match &a.outcomes {
        Some(path) => SuccessModel::fit_outcomes_file(path, a.alpha)?,
        None => SuccessModel::fit_survey_table(&a.survey, a.alpha)?,
    };
    write_or_check(
        out,
        &a.out,
        &model.to_json(),
        a.check,
        "tieup train-success",
    )
}
