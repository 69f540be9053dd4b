//! `tieup prior`, `train` and `train-success`: the commands that write model files.

use super::args::{Cli, LearnerArg, PriorArgs, TrainArgs, TrainSuccessArgs};
use super::{catalog_inputs, data_dir, load_catalog, output_guard, write_or_check};
use anyhow::Result;
use linfa::ParamGuard;
use std::io::Write;
use tieup_core::features::Encoder;
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

/// `tieup train`: a ranking model learned from past partnerships.
pub(super) fn train(cli: &Cli, a: &TrainArgs, out: &mut dyn Write) -> Result<()> {
    if let Some(db) = &a.db {
        return super::db::train(cli, a, db, out);
    }
    let params = train_params(a)?;
    if !a.check {
        catalog_inputs(output_guard(cli), &data_dir(cli.data.as_deref()))
            .input("--exchanges", &a.exchanges)
            .input("--prior", &a.prior)
            .check_file("--out", &a.out)?;
    }
    let catalog = load_catalog(cli)?;
    let prior = LinearModel::load(&a.prior)?;
    let partnerships = catalog.read_partnerships(&a.exchanges)?;
    let hash = tieup_core::hash::file_digest(&a.exchanges)?;
    let encoder = Encoder::new(&catalog);
    let queries = params.training_set(&encoder, &partnerships);
    let source = a.exchanges.to_string_lossy().replace('\\', "/");
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
