//! `tieup eval`: how well rankers find the partners regions actually chose.
//!
//! Modules: [`params`] (parameters), [`benchmark`] (loading a directory), [`plan`] (the
//! splits, shared by evaluation and LETOR export), [`rankers`] (scoring), [`summary`] (metrics
//! and comparisons of scored runs), [`mod@goal`] (the benchmark goal), [`letor_eval`] (the same
//! evaluation on LETOR files); file formats in [`letor`] and [`trec`].
//!
//! # Data
//! A catalog directory (`data/`, or one written by `tieup synth`): its `partnerships.csv` is the
//! history, each partnership one query whose chosen partners are relevant with
//! `learn::label(outcome)`; every overseas candidate of the catalog is ranked. When the
//! directory also has `applications.csv` with `applications_qrels.txt` (synthetic data), they
//! are a held-out later period; `oracle_run.txt`, when present, adds the oracle ranker.
//!
//! # Splits
//! - `held-out`: train on the whole history, test on the applications.
//! - `temporal`: train on partnerships that started before a year, test on those from it.
//! - `grouped-kfold`: K folds with no Japanese region in both training and test
//!   ([`splits::grouped_kfold`]); every partnership is tested once, by the fold that held it
//!   out.
//!
//! A query's existing-exchange feature counts only partnerships that started before it, in
//! training and in test alike; partnerships of other folds can therefore appear as earlier
//! exchange of a test query (they are past events, not its label).
//!
//! # Rankers
//! `random` (seeded per query), `popularity` (times each region was chosen in the training
//! part), `same-sector` (the candidate's strength in the query sector alone), `prior` (the survey
//! prior, derived from the directory's `survey/`), `pointwise`, `pairwise`, `prior-anchored`
//! (each learner trained on the training part with [`EvalParams`]' hyperparameters), `oracle`
//! (the generator's noise-free utility), and any external run given by name.
//!
//! # Metrics and significance
//! Per query and in mean, as trec_eval defines them ([`metrics`]); ties in score are ordered by
//! region id in decreasing order, as trec_eval orders them, so trec_eval on the written
//! `qrels.txt` and `run-<ranker>.txt` reproduces the report. Between every two rankers on the
//! headline metric: a paired randomization test and a bootstrap interval of the difference
//! ([`significance`]).

pub mod benchmark;
pub mod goal;
pub mod letor;
pub mod letor_eval;
pub mod metrics;
pub mod params;
pub mod plan;
pub mod plots;
pub mod rankers;
pub mod raster;
pub mod replay;
pub mod report;
pub mod significance;
pub mod specificity;
pub mod splits;
pub mod summary;
pub mod trec;

pub use benchmark::{
    APPLICATION_QRELS_FILE, APPLICATIONS_FILE, Benchmark, EvalQuery, ORACLE_FILE, partnership_query,
};
pub use goal::{Goal, GoalTargets, goal};
pub use letor_eval::evaluate_letor;
pub use params::{EvalParams, EvalValidParams, NoProgress, Progress, is_metric};
pub use plan::{Fold, PlannedSplit};
pub use rankers::{LEARNERS, LearnerKindOrd, Ranker};
pub use specificity::{Ablation, Specificity, specificity, specificity_with, standard_ablations};
pub use summary::{Comparison, Judged, RankedQuery, SplitReport, summarise};

use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;
use tieup_core::catalog::Catalog;
use tieup_core::error::{Error, Result};

/// One query's LETOR rows: qid, docnos, labels, features.
pub type LetorRows = (String, Vec<String>, Vec<u8>, ndarray::Array2<f64>);

impl Benchmark<'_> {
    /// Evaluates every ranker on one planned split.
    pub fn evaluate_split(
        &self,
        split: &PlannedSplit,
        params: &EvalValidParams,
        progress: &mut dyn Progress,
    ) -> Result<SplitReport> {
        let rankers = self.rankers();
        progress.begin(split.name, (split.folds.len() * rankers.len()) as u64);
        let ids = self.candidate_ids();
        let mut scored: BTreeMap<Ranker, Vec<Vec<f64>>> = BTreeMap::new();
        let mut usable: BTreeMap<Ranker, bool> =
            rankers.iter().map(|r| (r.clone(), true)).collect();
        let mut test_queries = Vec::new();
        for fold in &split.folds {
            let features = self.encode_all(&fold.test);
            for ranker in &rankers {
                match self.score(ranker, &fold.train, &fold.test, &features, params)? {
                    Some(s) => scored.entry(ranker.clone()).or_default().extend(s),
                    None => {
                        usable.insert(ranker.clone(), false);
                    }
                }
                progress.advance(1);
            }
            test_queries.extend(fold.test.iter().cloned());
        }
        let judged: Vec<Judged> = test_queries
            .iter()
            .map(|q| Judged {
                qid: q.qid.clone(),
                group: q.survey_sector.clone(),
                labels: q
                    .judgements
                    .iter()
                    .map(|(&c, &l)| (self.catalog().region(c).id.clone(), l))
                    .collect(),
            })
            .collect();
        let runs: Vec<(String, Vec<Vec<f64>>)> = rankers
            .iter()
            .filter(|r| usable[*r])
            .map(|r| (r.name(), scored.remove(r).unwrap_or_default()))
            .collect();
        let n_train = split.folds.iter().map(|f| f.train.len()).sum();
        Ok(summarise(
            split.name,
            split.description.clone(),
            n_train,
            &judged,
            &|_| ids.as_slice(),
            runs,
            params,
        ))
    }

    /// LETOR rows of queries over every candidate: (qid, docnos, labels, features).
    pub fn letor_rows(&self, queries: &[EvalQuery]) -> Vec<LetorRows> {
        let ids: Vec<String> = self.candidate_ids().iter().map(|s| s.to_string()).collect();
        queries
            .iter()
            .map(|q| {
                let labels = self
                    .catalog()
                    .candidate_ids()
                    .map(|c| q.judgements.get(&c).copied().unwrap_or(0))
                    .collect();
                (q.qid.clone(), ids.clone(), labels, self.encode(q))
            })
            .collect()
    }
}

/// A whole evaluation: every split, the primary one first.
#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    /// What was evaluated (directory or LETOR files).
    pub data: String,
    /// Parameters.
    pub params: EvalValidParams,
    /// Number of candidates per query (catalog data), or rows (LETOR).
    pub notes: Vec<String>,
    /// Splits; the first is the primary one (`metrics.json`, run files, plots).
    pub splits: Vec<SplitReport>,
    /// The benchmark goal, when measurable.
    pub goal: Option<Goal>,
    /// The real-partnership replay ([`replay_catalog`]), when it was run.
    pub replay: Option<replay::Replay>,
}

/// Replays every partnership of a catalog as of its start year ([`replay`]); `shipped` is
/// the shipped model file, reported as in-sample.
pub fn replay_catalog(
    catalog: &Catalog,
    params: &EvalValidParams,
    shipped: Option<&tieup_core::model::LinearModel>,
) -> Result<replay::Replay> {
    let known = tieup_core::known::KnownCatalogs::new(catalog);
    Benchmark::load(&known, Vec::new())?.replay(params, shipped)
}

/// Evaluates a catalog directory on every split that applies.
pub fn evaluate_catalog(
    catalog: &Catalog,
    external: Vec<(String, trec::RunScores)>,
    params: &EvalValidParams,
    progress: &mut dyn Progress,
) -> Result<Evaluation> {
    let known = tieup_core::known::KnownCatalogs::new(catalog);
    let bench = Benchmark::load(&known, external)?;
    let plan = bench.plan(params)?;
    if plan.is_empty() {
        return Err(Error::data(
            catalog.dir(),
            None,
            "no split applies: the history has partnerships of fewer than two Japanese regions and the directory has no held-out applications",
            "add partnerships of at least two Japanese regions, or applications.csv with applications_qrels.txt",
        ));
    }
    // Primary: held-out when present, else grouped K-fold.
    let splits = plan
        .iter()
        .map(|split| bench.evaluate_split(split, params, progress))
        .collect::<Result<Vec<_>>>()?;
    let goal = splits
        .first()
        .filter(|s| s.name == "held-out")
        .and_then(|s| goal(s, &params.metric));
    let mut notes = vec![format!(
        "{} overseas candidates ranked per query; {} past partnerships{}",
        catalog.candidate_ids().len(),
        bench.history.len(),
        bench.heldout.as_ref().map_or(String::new(), |h| format!(
            "; {} held-out applications",
            h.len()
        ))
    )];
    if bench.oracle.is_some() {
        notes.push("oracle: the generator's noise-free utility (oracle_run.txt)".into());
    }
    Ok(Evaluation {
        data: catalog.dir().display().to_string(),
        params: params.clone(),
        notes,
        splits,
        goal,
        replay: None,
    })
}

/// Writes LETOR files of every split of a benchmark into `dir` (see [`letor`]).
pub fn export_letor(
    catalog: &Catalog,
    params: &EvalValidParams,
    dir: &Path,
) -> Result<Vec<String>> {
    let known = tieup_core::known::KnownCatalogs::new(catalog);
    let bench = Benchmark::load(&known, Vec::new())?;
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut written = Vec::new();
    for split in bench.plan(params)? {
        for (i, fold) in split.folds.iter().enumerate() {
            let stem = split.stem(i);
            let train: Vec<EvalQuery> = bench.queries(&fold.train);
            write_letor_fold(&bench, dir, &stem, &train, &fold.test, &mut written)?;
        }
    }
    Ok(written)
}

fn write_letor_fold(
    bench: &Benchmark<'_>,
    dir: &Path,
    stem: &str,
    train: &[EvalQuery],
    test: &[EvalQuery],
    written: &mut Vec<String>,
) -> Result<()> {
    for (part, queries) in [("train", train), ("test", test)] {
        let rows = bench.letor_rows(queries);
        let name = format!("{stem}-{part}.txt");
        letor::write(
            &dir.join(&name),
            rows.iter()
                .map(|(q, d, l, x)| (q.as_str(), d.as_slice(), l.as_slice(), x)),
        )?;
        written.push(name);
    }
    Ok(())
}

#[cfg(test)]
mod plot_tests;
#[cfg(test)]
mod tests;
