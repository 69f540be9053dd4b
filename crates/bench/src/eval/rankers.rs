//! The rankers and how each scores the test queries of a fold.

use super::benchmark::{Benchmark, EvalQuery};
use super::params::EvalValidParams;
use super::trec;
use linfa::ParamGuard;
use ndarray::Array2;
use rand::{Rng, SeedableRng};
use tieup_core::catalog::Partnership;
use tieup_core::error::Result;
use tieup_core::features::{Feature, N_FEATURES};
use tieup_core::model::LinearModel;
use tieup_learn::{LearnerKind, TrainParams};

/// A ranker.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Ranker {
    /// Uniform random scores, seeded per query.
    Random,
    /// How often the candidate was chosen in the training part.
    Popularity,
    /// The candidate's strength in the query sector.
    SameSector,
    /// The survey prior.
    Prior,
    /// A learner trained on the training part.
    Learner(LearnerKindOrd),
    /// The generator's noise-free utility.
    Oracle,
    /// A run read from a file.
    External(String),
}

/// [`LearnerKind`] with an order (for ranker lists).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LearnerKindOrd {
    /// Pointwise.
    Pointwise,
    /// Pairwise.
    Pairwise,
    /// Prior-anchored.
    PriorAnchored,
}

impl LearnerKindOrd {
    /// The learner.
    pub fn kind(self) -> LearnerKind {
        match self {
            LearnerKindOrd::Pointwise => LearnerKind::Pointwise,
            LearnerKindOrd::Pairwise => LearnerKind::Pairwise,
            LearnerKindOrd::PriorAnchored => LearnerKind::PriorAnchored,
        }
    }
}

impl Ranker {
    /// The name in reports and run files.
    pub fn name(&self) -> String {
        match self {
            Ranker::Random => "random".into(),
            Ranker::Popularity => "popularity".into(),
            Ranker::SameSector => "same-sector".into(),
            Ranker::Prior => "prior".into(),
            Ranker::Learner(l) => l.kind().name().into(),
            Ranker::Oracle => "oracle".into(),
            Ranker::External(name) => name.clone(),
        }
    }

    /// True for the learners.
    pub fn is_learner(&self) -> bool {
        matches!(self, Ranker::Learner(_))
    }
}

/// The learners evaluated on catalog data.
pub const LEARNERS: [LearnerKindOrd; 3] = [
    LearnerKindOrd::Pointwise,
    LearnerKindOrd::Pairwise,
    LearnerKindOrd::PriorAnchored,
];

/// Names of tieup's own rankers; an external run may not take one of them.
pub const BUILT_IN_RANKERS: [&str; 8] = [
    "random",
    "popularity",
    "same-sector",
    "prior",
    "pointwise",
    "pairwise",
    "prior-anchored",
    "oracle",
];

/// Scores of test queries for one ranker; None when the ranker cannot score this split.
pub type Scores = Option<Vec<Vec<f64>>>;

/// Uniform random scores of `n` documents, seeded by the query id and `seed`.
pub fn seeded_uniform(seed: u64, qid: &str, n: usize) -> Vec<f64> {
    let key = tieup_core::hash::fnv1a64(qid.as_bytes()) ^ seed.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(key);
    (0..n).map(|_| rng.r#gen::<f64>()).collect()
}

/// Scores of a run for test queries given as (qid, docnos in score order); a document the
/// run does not score gets `f64::MIN`; None when the run misses a query. The catalog path and
/// the LETOR path both score external runs (and the oracle) with this.
pub fn run_scores<'q>(
    run: &trec::RunScores,
    queries: impl IntoIterator<Item = (&'q str, &'q [&'q str])>,
) -> Scores {
    queries
        .into_iter()
        .map(|(qid, docnos)| {
            let docs = run.get(qid)?;
            Some(
                docnos
                    .iter()
                    .map(|d| docs.get(*d).copied().unwrap_or(f64::MIN))
                    .collect(),
            )
        })
        .collect()
}

impl Benchmark<'_> {
    /// The rankers that apply to this benchmark.
    pub fn rankers(&self) -> Vec<Ranker> {
        let mut r = vec![
            Ranker::Random,
            Ranker::Popularity,
            Ranker::SameSector,
            Ranker::Prior,
        ];
        r.extend(LEARNERS.map(Ranker::Learner));
        if self.oracle.is_some() {
            r.push(Ranker::Oracle);
        }
        r.extend(
            self.external
                .iter()
                .map(|(n, _)| Ranker::External(n.clone())),
        );
        r
    }

    /// Scores of `test` by `ranker` trained on `train` (positions in the history);
    /// `features` are the encoded test queries.
    pub fn score(
        &self,
        ranker: &Ranker,
        train: &[usize],
        test: &[EvalQuery],
        features: &[Array2<f64>],
        params: &EvalValidParams,
    ) -> Result<Scores> {
        let n = self.catalog().candidate_ids().len();
        Ok(match ranker {
            Ranker::Random => Some(
                test.iter()
                    .map(|q| seeded_uniform(params.seed, &q.qid, n))
                    .collect(),
            ),
            Ranker::Popularity => {
                let counts = self.popularity(train);
                Some(test.iter().map(|_| counts.clone()).collect())
            }
            Ranker::SameSector => Some(
                features
                    .iter()
                    .map(|x| x.column(Feature::SameAreaCluster.index()).to_vec())
                    .collect(),
            ),
            Ranker::Prior => Some(self.linear(&self.prior, test, features)),
            Ranker::Learner(kind) => {
                let model = self.train(kind.kind(), train, params)?;
                Some(self.linear(&model, test, features))
            }
            Ranker::Oracle => self.oracle.as_ref().and_then(|run| self.run(run, test)),
            Ranker::External(name) => self
                .external
                .iter()
                .find(|(n, _)| n == name)
                .and_then(|(_, run)| self.run(run, test)),
        })
    }

    /// Times each candidate was chosen by the training partnerships.
    pub(super) fn popularity(&self, train: &[usize]) -> Vec<f64> {
        let catalog = self.catalog();
        let mut counts = vec![0.0; catalog.candidate_ids().len()];
        for &t in train {
            for &o in &catalog.partnerships()[t].overseas_regions {
                if let Some(c) = catalog.candidate_position(o) {
                    counts[c] += 1.0;
                }
            }
        }
        counts
    }

    /// A learner trained on the training partnerships with the evaluation's hyperparameters.
    pub(super) fn train(
        &self,
        kind: LearnerKind,
        train: &[usize],
        params: &EvalValidParams,
    ) -> Result<LinearModel> {
        let catalog = self.catalog();
        let partnerships: Vec<Partnership> = train
            .iter()
            .map(|&t| catalog.partnerships()[t].clone())
            .collect();
        let params = TrainParams::new(kind)
            .negatives(params.negatives)
            .seed(params.seed)
            .l2(params.l2)
            .check()?;
        let queries = params.training_set(&self.encoders, &partnerships);
        params.fit(&queries, &self.prior, "eval training part", "-")
    }

    /// Scores of a linear model over the encoded test queries.
    pub(super) fn linear(
        &self,
        model: &LinearModel,
        test: &[EvalQuery],
        features: &[Array2<f64>],
    ) -> Vec<Vec<f64>> {
        let sectors = self.catalog().sectors();
        test.iter()
            .zip(features)
            .map(|(q, x)| {
                let w = model.weights_for(sectors, &q.query);
                x.outer_iter()
                    .map(|row| {
                        let row: [f64; N_FEATURES] = std::array::from_fn(|f| row[f]);
                        tieup_core::rank::score_row(&w, &row).0
                    })
                    .collect()
            })
            .collect()
    }

    /// Scores of a run over every candidate of the test queries.
    fn run(&self, run: &trec::RunScores, test: &[EvalQuery]) -> Scores {
        let ids = self.candidate_ids();
        run_scores(run, test.iter().map(|q| (q.qid.as_str(), ids.as_slice())))
    }
}
