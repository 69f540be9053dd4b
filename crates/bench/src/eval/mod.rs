//! `tieup eval`: how well rankers find the partners regions actually chose.
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

pub mod letor;
pub mod metrics;
pub mod plots;
pub mod report;
pub mod significance;
pub mod splits;
pub mod trec;

use linfa::ParamGuard;
use ndarray::Array2;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use significance::Interval;
use std::collections::BTreeMap;
use std::path::Path;
use tieup_core::catalog::{Catalog, Partnership, RegionId, SectorId};
use tieup_core::error::{Error, Result};
use tieup_core::features::{Encoder, Feature, N_FEATURES, Query};
use tieup_core::model::LinearModel;
use tieup_learn::generic::RowsQuery;
use tieup_learn::{LearnerKind, TrainParams};

/// Something that shows progress (the binary's progress bar); the library only reports.
pub trait Progress {
    /// A stage with `total` steps begins.
    fn begin(&mut self, stage: &str, total: u64);
    /// `n` more steps are done.
    fn advance(&mut self, n: u64);
}

/// Progress that goes nowhere.
pub struct NoProgress;

impl Progress for NoProgress {
    fn begin(&mut self, _: &str, _: u64) {}
    fn advance(&mut self, _: u64) {}
}

/// Checked evaluation parameters.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvalValidParams {
    /// Folds of the grouped K-fold.
    pub folds: usize,
    /// First test year of the temporal split (None: the year that leaves about
    /// `temporal_test_share` of the history for test).
    pub split_year: Option<u16>,
    /// Test share aimed at by the default temporal split year.
    pub temporal_test_share: f64,
    /// Seed of folds, sampling, random ranker and resampling.
    pub seed: u64,
    /// Unchosen candidates sampled per training query.
    pub negatives: usize,
    /// L2 strength of the learners.
    pub l2: f64,
    /// Permutations of the randomization test.
    pub permutations: usize,
    /// Bootstrap resamples.
    pub bootstrap: usize,
    /// Headline metric (significance, plots' per-sector bars, goal).
    pub metric: String,
}

/// Evaluation parameters (linfa style).
///
/// | parameter | default | range |
/// |---|---|---|
/// | folds | 5 | ≥ 2 |
/// | split_year | the year leaving ~20% for test | any |
/// | seed | 0 | any |
/// | negatives | 64 | ≥ 1 |
/// | l2 | 1.0 (as `TrainParams`) | > 0 |
/// | permutations | 10,000 | ≥ 1 |
/// | bootstrap | 10,000 | ≥ 1 |
/// | metric | `ndcg@10` | a metric key |
#[derive(Debug, Clone, PartialEq)]
pub struct EvalParams(EvalValidParams);

impl Default for EvalParams {
    fn default() -> Self {
        Self::new()
    }
}

impl EvalParams {
    /// Defaults.
    pub fn new() -> Self {
        EvalParams(EvalValidParams {
            folds: 5,
            split_year: None,
            temporal_test_share: 0.2,
            seed: 0,
            negatives: 64,
            l2: 1.0,
            permutations: 10_000,
            bootstrap: 10_000,
            metric: "ndcg@10".into(),
        })
    }

    /// Folds of the grouped K-fold.
    pub fn folds(mut self, k: usize) -> Self {
        self.0.folds = k;
        self
    }

    /// First test year of the temporal split.
    pub fn split_year(mut self, year: Option<u16>) -> Self {
        self.0.split_year = year;
        self
    }

    /// Seed.
    pub fn seed(mut self, seed: u64) -> Self {
        self.0.seed = seed;
        self
    }

    /// Negatives per training query.
    pub fn negatives(mut self, n: usize) -> Self {
        self.0.negatives = n;
        self
    }

    /// L2 strength of the learners.
    pub fn l2(mut self, l2: f64) -> Self {
        self.0.l2 = l2;
        self
    }

    /// Permutations of the randomization test.
    pub fn permutations(mut self, n: usize) -> Self {
        self.0.permutations = n;
        self
    }

    /// Bootstrap resamples.
    pub fn bootstrap(mut self, n: usize) -> Self {
        self.0.bootstrap = n;
        self
    }

    /// Headline metric.
    pub fn metric(mut self, key: &str) -> Self {
        self.0.metric = key.to_string();
        self
    }
}

/// True when `key` names a reported metric.
pub fn is_metric(key: &str) -> bool {
    let base = ["ndcg", "ndcg_exp", "map", "mrr"];
    if base.contains(&key) {
        return true;
    }
    key.split_once('@').is_some_and(|(m, k)| {
        ["ndcg", "ndcg_exp", "p", "recall", "hit"].contains(&m)
            && k.parse::<usize>()
                .is_ok_and(|k| metrics::CUTOFFS.contains(&k))
    })
}

impl ParamGuard for EvalParams {
    type Checked = EvalValidParams;
    type Error = Error;

    fn check_ref(&self) -> Result<&EvalValidParams> {
        let p = &self.0;
        let invalid = |name: &'static str, value: String, reason: String| {
            Err(Error::InvalidParam {
                name,
                value,
                reason,
            })
        };
        if p.folds < 2 {
            return invalid("folds", p.folds.to_string(), "must be ≥ 2".into());
        }
        if p.negatives == 0 {
            return invalid("negatives", "0".into(), "must be ≥ 1".into());
        }
        if !(p.l2.is_finite() && p.l2 > 0.0) {
            return invalid("l2", p.l2.to_string(), "must be a number > 0".into());
        }
        if p.permutations == 0 || p.bootstrap == 0 {
            return invalid(
                "permutations/bootstrap",
                format!("{}/{}", p.permutations, p.bootstrap),
                "must be ≥ 1".into(),
            );
        }
        if !is_metric(&p.metric) {
            return invalid(
                "metric",
                p.metric.clone(),
                format!(
                    "use ndcg, ndcg_exp, map, mrr, or ndcg@k, ndcg_exp@k, p@k, recall@k, hit@k with k in {:?}",
                    metrics::CUTOFFS
                ),
            );
        }
        Ok(p)
    }

    fn check(self) -> Result<EvalValidParams> {
        self.check_ref()?;
        Ok(self.0)
    }
}

/// One evaluation query over the catalog's candidates.
#[derive(Debug, Clone)]
pub struct EvalQuery {
    /// Partnership or application id.
    pub qid: String,
    /// The query as it stood at the time (year limit on existing exchange).
    pub query: Query,
    /// Survey-sector id.
    pub survey_sector: String,
    /// Judged candidates (positions) and their labels.
    pub judgements: BTreeMap<RegionId, u8>,
}

/// What a benchmark directory holds, loaded.
pub struct Benchmark<'a> {
    catalog: &'a Catalog,
    encoder: Encoder<'a>,
    prior: LinearModel,
    /// History queries, one per partnership (file order).
    pub history: Vec<EvalQuery>,
    /// Held-out applications with qrels, when the directory has them.
    pub heldout: Option<Vec<EvalQuery>>,
    /// The oracle's scores, when the directory has them.
    pub oracle: Option<trec::RunScores>,
    /// External runs by ranker name.
    pub external: Vec<(String, trec::RunScores)>,
}

/// The query of a past partnership, as the learners see it.
pub fn partnership_query(catalog: &Catalog, p: &Partnership) -> EvalQuery {
    let mut query = Query::new(p.japan_region, p.sector);
    query.wanted = p.wanted.clone();
    query.before_year = Some(p.start_fy);
    EvalQuery {
        qid: p.id.clone(),
        survey_sector: survey_id(catalog, p.sector),
        judgements: p
            .overseas_regions
            .iter()
            .map(|&o| (o, tieup_learn::label(p.outcome)))
            .collect(),
        query,
    }
}

fn survey_id(catalog: &Catalog, sector: SectorId) -> String {
    catalog
        .sectors()
        .get(catalog.sectors().survey_root(sector))
        .id
        .clone()
}

/// File names a benchmark directory may hold beside the catalog.
pub const APPLICATIONS_FILE: &str = "applications.csv";
/// Qrels of the applications.
pub const APPLICATION_QRELS_FILE: &str = "applications_qrels.txt";
/// The oracle's run.
pub const ORACLE_FILE: &str = "oracle_run.txt";

impl<'a> Benchmark<'a> {
    /// Loads the history, and the held-out applications and oracle when the catalog's directory
    /// has them; `external` are runs to evaluate beside tieup's rankers.
    pub fn load(catalog: &'a Catalog, external: Vec<(String, trec::RunScores)>) -> Result<Self> {
        let dir = catalog.dir().to_path_buf();
        let prior = tieup_learn::prior::derive_from_dir(
            &tieup_learn::prior::PriorParams::new().check()?,
            &dir,
            catalog.sectors(),
        )?;
        let history = catalog
            .partnerships()
            .iter()
            .map(|p| partnership_query(catalog, p))
            .collect();
        let apps = dir.join(APPLICATIONS_FILE);
        let qrels_path = dir.join(APPLICATION_QRELS_FILE);
        let heldout = if apps.is_file() && qrels_path.is_file() {
            Some(load_applications(catalog, &apps, &qrels_path)?)
        } else {
            None
        };
        let oracle_path = dir.join(ORACLE_FILE);
        let oracle = if oracle_path.is_file() {
            Some(trec::read_run(&oracle_path)?)
        } else {
            None
        };
        Ok(Benchmark {
            catalog,
            encoder: Encoder::new(catalog),
            prior,
            history,
            heldout,
            oracle,
            external,
        })
    }

    /// The catalog.
    pub fn catalog(&self) -> &Catalog {
        self.catalog
    }
}

fn load_applications(catalog: &Catalog, apps: &Path, qrels_path: &Path) -> Result<Vec<EvalQuery>> {
    let qrels = trec::read_qrels(qrels_path)?;
    let mut out = Vec::new();
    for row in tieup_core::application::ApplicationReader::open(catalog, apps)? {
        let app = row?.map_err(|reject| {
            Error::from(tieup_core::error::DataError {
                file: apps.to_path_buf(),
                line: Some(reject.line),
                column: None,
                message: reject.reason,
                fix: "a benchmark's applications must all be valid".into(),
            })
        })?;
        let Some(judged) = qrels.get(&app.id) else {
            continue; // an application without judgements is not a test query
        };
        let mut judgements = BTreeMap::new();
        for (docno, &rel) in judged {
            let position = catalog
                .find_region(docno)
                .ok()
                .filter(|&p| {
                    catalog.region(p).id == *docno && catalog.candidate_position(p).is_some()
                })
                .ok_or_else(|| Error::InvalidParam {
                    name: "qrels",
                    value: format!("{} in {}", docno, qrels_path.display()),
                    reason: "not an overseas region id of the catalog".into(),
                })?;
            judgements.insert(position, rel);
        }
        let mut query = Query::new(app.japan_region, app.sector);
        query.wanted = app.wanted.clone();
        query.before_year = app.fiscal_year;
        out.push(EvalQuery {
            qid: app.id.clone(),
            survey_sector: survey_id(catalog, app.sector),
            judgements,
            query,
        });
    }
    Ok(out)
}

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

/// One ranked query of one ranker: documents best first, with scores and labels.
#[derive(Debug, Clone, PartialEq)]
pub struct RankedQuery {
    /// Query id.
    pub qid: String,
    /// (docno, score, label) in trec_eval order.
    pub ranking: Vec<(String, f64, u8)>,
}

/// A pairwise comparison on the headline metric.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// First ranker.
    pub a: String,
    /// Second ranker.
    pub b: String,
    /// mean(a) − mean(b).
    pub mean_difference: f64,
    /// Two-sided paired randomization p-value.
    pub p_value: f64,
    /// 95% bootstrap interval of the mean difference.
    pub ci: Interval,
}

/// The evaluation of one split.
#[derive(Debug, Clone, Serialize)]
pub struct SplitReport {
    /// `held-out`, `temporal`, `grouped-kfold` or `letor`.
    pub name: String,
    /// What was trained on and tested.
    pub description: String,
    /// Training queries (summed over folds for K-fold).
    pub n_train: usize,
    /// Test query ids, in evaluation order.
    pub queries: Vec<String>,
    /// Survey sector (or group) of each test query.
    pub query_groups: Vec<String>,
    /// Rankers, in report order.
    pub rankers: Vec<String>,
    /// Mean metrics by ranker.
    pub mean: BTreeMap<String, BTreeMap<String, f64>>,
    /// 95% bootstrap interval of the headline metric, by ranker.
    pub ci: BTreeMap<String, Interval>,
    /// Mean NDCG@k (linear gain) for k = 1..=50, by ranker.
    pub curve: BTreeMap<String, Vec<f64>>,
    /// Mean headline metric by group (survey sector) and ranker, with the group's size.
    pub by_group: BTreeMap<String, BTreeMap<String, f64>>,
    /// Test queries per group.
    pub group_sizes: BTreeMap<String, usize>,
    /// Every pair of rankers on the headline metric.
    pub comparisons: Vec<Comparison>,
    /// Per-query metrics by ranker (test-query order).
    #[serde(skip)]
    pub per_query: BTreeMap<String, Vec<BTreeMap<String, f64>>>,
    /// Rankings by ranker (test-query order), for run files.
    #[serde(skip)]
    pub rankings: BTreeMap<String, Vec<RankedQuery>>,
    /// Judgements of the test queries: qid → docno → label.
    #[serde(skip)]
    pub qrels: trec::Qrels,
}

/// A split's LETOR export: file stem, training queries, test queries.
pub type ExportSet = (String, Vec<EvalQuery>, Vec<EvalQuery>);

/// One query's LETOR rows: qid, docnos, labels, features.
pub type LetorRows = (String, Vec<String>, Vec<u8>, Array2<f64>);

/// Scores of test queries for one ranker; None when the ranker cannot score this split.
type Scores = Option<Vec<Vec<f64>>>;

fn seeded_uniform(seed: u64, qid: &str, n: usize) -> Vec<f64> {
    let key = tieup_core::hash::fnv1a64(qid.as_bytes()) ^ seed.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(key);
    (0..n).map(|_| rng.r#gen::<f64>()).collect()
}

fn run_scores(run: &trec::RunScores, queries: &[EvalQuery], ids: &[&str]) -> Scores {
    queries
        .iter()
        .map(|q| {
            let docs = run.get(&q.qid)?;
            Some(
                ids.iter()
                    .map(|id| docs.get(*id).copied().unwrap_or(f64::MIN))
                    .collect(),
            )
        })
        .collect()
}

impl Benchmark<'_> {
    fn candidate_ids(&self) -> Vec<&str> {
        self.catalog
            .candidate_ids()
            .map(|c| self.catalog.region(c).id.as_str())
            .collect()
    }

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

    /// Scores of `test` by `ranker` trained on `train` (positions in the history).
    fn score(
        &self,
        ranker: &Ranker,
        train: &[usize],
        test: &[EvalQuery],
        features: &[Array2<f64>],
        params: &EvalValidParams,
    ) -> Result<Scores> {
        let catalog = self.catalog;
        let n = catalog.candidate_ids().len();
        let ids = self.candidate_ids();
        let linear = |model: &LinearModel| -> Vec<Vec<f64>> {
            test.iter()
                .zip(features)
                .map(|(q, x)| {
                    let w = model.weights_for(catalog.sectors(), &q.query);
                    x.outer_iter()
                        .map(|row| {
                            let row: [f64; N_FEATURES] = std::array::from_fn(|f| row[f]);
                            tieup_core::rank::score_row(&w, &row).0
                        })
                        .collect()
                })
                .collect()
        };
        Ok(match ranker {
            Ranker::Random => Some(
                test.iter()
                    .map(|q| seeded_uniform(params.seed, &q.qid, n))
                    .collect(),
            ),
            Ranker::Popularity => {
                let mut counts = vec![0.0; n];
                for &t in train {
                    for &o in &catalog.partnerships()[t].overseas_regions {
                        if let Some(c) = catalog.candidate_position(o) {
                            counts[c] += 1.0;
                        }
                    }
                }
                Some(test.iter().map(|_| counts.clone()).collect())
            }
            Ranker::SameSector => Some(
                features
                    .iter()
                    .map(|x| x.column(Feature::SameAreaCluster.index()).to_vec())
                    .collect(),
            ),
            Ranker::Prior => Some(linear(&self.prior)),
            Ranker::Learner(kind) => {
                let partnerships: Vec<Partnership> = train
                    .iter()
                    .map(|&t| catalog.partnerships()[t].clone())
                    .collect();
                let queries = tieup_learn::training_set(
                    &self.encoder,
                    &partnerships,
                    params.negatives,
                    params.seed,
                );
                let model = TrainParams::new(kind.kind())
                    .negatives(params.negatives)
                    .seed(params.seed)
                    .l2(params.l2)
                    .check()?
                    .fit(&queries, &self.prior, "eval training part", "-")?;
                Some(linear(&model))
            }
            Ranker::Oracle => self
                .oracle
                .as_ref()
                .and_then(|run| run_scores(run, test, &ids)),
            Ranker::External(name) => self
                .external
                .iter()
                .find(|(n, _)| n == name)
                .and_then(|(_, run)| run_scores(run, test, &ids)),
        })
    }

    fn encode_all(&self, queries: &[EvalQuery]) -> Vec<Array2<f64>> {
        queries
            .iter()
            .map(|q| self.encoder.encode(&q.query))
            .collect()
    }

    /// Evaluates one split given as folds of (training positions in the history, test queries).
    fn evaluate_folds(
        &self,
        name: &str,
        description: String,
        folds: &[(Vec<usize>, Vec<EvalQuery>)],
        params: &EvalValidParams,
        progress: &mut dyn Progress,
    ) -> Result<SplitReport> {
        let rankers = self.rankers();
        progress.begin(name, (folds.len() * rankers.len()) as u64);
        let ids = self.candidate_ids();
        let mut scored: BTreeMap<Ranker, Vec<Vec<f64>>> = BTreeMap::new();
        let mut usable: BTreeMap<Ranker, bool> =
            rankers.iter().map(|r| (r.clone(), true)).collect();
        let mut test_queries = Vec::new();
        for (train, test) in folds {
            let features = self.encode_all(test);
            for ranker in &rankers {
                match self.score(ranker, train, test, &features, params)? {
                    Some(s) => scored.entry(ranker.clone()).or_default().extend(s),
                    None => {
                        usable.insert(ranker.clone(), false);
                    }
                }
                progress.advance(1);
            }
            test_queries.extend(test.iter().cloned());
        }
        let judged: Vec<Judged> = test_queries
            .iter()
            .map(|q| Judged {
                qid: q.qid.clone(),
                group: q.survey_sector.clone(),
                labels: q
                    .judgements
                    .iter()
                    .map(|(&c, &l)| (self.catalog.region(c).id.clone(), l))
                    .collect(),
            })
            .collect();
        let runs: Vec<(String, Vec<Vec<f64>>)> = rankers
            .iter()
            .filter(|r| usable[*r])
            .map(|r| (r.name(), scored.remove(r).unwrap_or_default()))
            .collect();
        let n_train = folds.iter().map(|(t, _)| t.len()).sum();
        Ok(summarise(
            name,
            description,
            n_train,
            &judged,
            &|_| ids.as_slice(),
            runs,
            params,
        ))
    }

    /// Train on the whole history, test on the held-out applications.
    pub fn heldout(
        &self,
        params: &EvalValidParams,
        progress: &mut dyn Progress,
    ) -> Result<Option<SplitReport>> {
        let Some(test) = &self.heldout else {
            return Ok(None);
        };
        let train: Vec<usize> = (0..self.history.len()).collect();
        let years: Vec<u16> = test.iter().filter_map(|q| q.query.before_year).collect();
        let span = match (years.iter().min(), years.iter().max()) {
            (Some(a), Some(b)) => format!(" FY{a}-{b}"),
            _ => String::new(),
        };
        self.evaluate_folds(
            "held-out",
            format!(
                "trained on the whole history ({} partnerships), tested on {} later applications{span}",
                train.len(),
                test.len()
            ),
            &[(train, test.clone())],
            params,
            progress,
        )
        .map(Some)
    }

    /// Train before a year, test from it.
    pub fn temporal(
        &self,
        params: &EvalValidParams,
        progress: &mut dyn Progress,
    ) -> Result<Option<SplitReport>> {
        let years: Vec<u16> = self
            .catalog
            .partnerships()
            .iter()
            .map(|p| p.start_fy)
            .collect();
        let Some(year) = params
            .split_year
            .or_else(|| splits::default_split_year(&years, params.temporal_test_share))
        else {
            return Ok(None);
        };
        let fold = splits::temporal(&years, year);
        if fold.train.is_empty() || fold.test.is_empty() {
            return Ok(None);
        }
        let test: Vec<EvalQuery> = fold.test.iter().map(|&t| self.history[t].clone()).collect();
        self.evaluate_folds(
            "temporal",
            format!(
                "trained on the {} partnerships that started before FY{year}, tested on the {} from FY{year}",
                fold.train.len(),
                fold.test.len()
            ),
            &[(fold.train, test)],
            params,
            progress,
        )
        .map(Some)
    }

    /// Grouped K-fold by Japanese region.
    pub fn kfold(
        &self,
        params: &EvalValidParams,
        progress: &mut dyn Progress,
    ) -> Result<Option<SplitReport>> {
        let groups: Vec<&str> = self
            .catalog
            .partnerships()
            .iter()
            .map(|p| self.catalog.region(p.japan_region).id.as_str())
            .collect();
        let distinct: std::collections::BTreeSet<&str> = groups.iter().copied().collect();
        if distinct.len() < 2 {
            return Ok(None);
        }
        let folds = splits::grouped_kfold(&groups, params.folds, params.seed)?;
        let k = folds.len();
        let parts: Vec<(Vec<usize>, Vec<EvalQuery>)> = folds
            .into_iter()
            .map(|f| {
                let test = f.test.iter().map(|&t| self.history[t].clone()).collect();
                (f.train, test)
            })
            .collect();
        self.evaluate_folds(
            "grouped-kfold",
            format!(
                "{k}-fold cross-validation over the {} partnerships, grouped by Japanese region ({} regions; none in both training and test)",
                self.history.len(),
                distinct.len()
            ),
            &parts,
            params,
            progress,
        )
        .map(Some)
    }

    /// Training and test queries of each split, for LETOR export: (file stem, train, test).
    pub fn export_sets(&self, params: &EvalValidParams) -> Result<Vec<ExportSet>> {
        let mut out = Vec::new();
        let all = |positions: &[usize]| -> Vec<EvalQuery> {
            positions.iter().map(|&i| self.history[i].clone()).collect()
        };
        if let Some(test) = &self.heldout {
            out.push(("held-out".to_string(), self.history.clone(), test.clone()));
        }
        let years: Vec<u16> = self
            .catalog
            .partnerships()
            .iter()
            .map(|p| p.start_fy)
            .collect();
        if let Some(year) = params
            .split_year
            .or_else(|| splits::default_split_year(&years, params.temporal_test_share))
        {
            let f = splits::temporal(&years, year);
            if !f.train.is_empty() && !f.test.is_empty() {
                out.push(("temporal".into(), all(&f.train), all(&f.test)));
            }
        }
        let groups: Vec<&str> = self
            .catalog
            .partnerships()
            .iter()
            .map(|p| self.catalog.region(p.japan_region).id.as_str())
            .collect();
        if groups
            .iter()
            .collect::<std::collections::BTreeSet<_>>()
            .len()
            >= 2
        {
            for (i, f) in splits::grouped_kfold(&groups, params.folds, params.seed)?
                .into_iter()
                .enumerate()
            {
                out.push((
                    format!("grouped-kfold-{}", i + 1),
                    all(&f.train),
                    all(&f.test),
                ));
            }
        }
        Ok(out)
    }

    /// LETOR rows of queries over every candidate: (qid, docnos, labels, features).
    pub fn letor_rows(&self, queries: &[EvalQuery]) -> Vec<LetorRows> {
        let ids: Vec<String> = self.candidate_ids().iter().map(|s| s.to_string()).collect();
        queries
            .iter()
            .map(|q| {
                let labels = self
                    .catalog
                    .candidate_ids()
                    .map(|c| q.judgements.get(&c).copied().unwrap_or(0))
                    .collect();
                (
                    q.qid.clone(),
                    ids.clone(),
                    labels,
                    self.encoder.encode(&q.query),
                )
            })
            .collect()
    }
}

/// The judgements of one test query, by docno.
#[derive(Debug, Clone)]
pub struct Judged {
    /// Query id.
    pub qid: String,
    /// Group for per-group bars (survey sector).
    pub group: String,
    /// docno → label.
    pub labels: BTreeMap<String, u8>,
}

/// Metrics, intervals, curves, groups and comparisons of scored runs.
///
/// `docnos(q)` names the documents of test query q, in the order of each run's scores.
pub fn summarise<'d>(
    name: &str,
    description: String,
    n_train: usize,
    judged: &[Judged],
    docnos: &dyn Fn(usize) -> &'d [&'d str],
    runs: Vec<(String, Vec<Vec<f64>>)>,
    params: &EvalValidParams,
) -> SplitReport {
    let mut per_query = BTreeMap::new();
    let mut rankings = BTreeMap::new();
    let mut curve = BTreeMap::new();
    let mut mean = BTreeMap::new();
    let mut ci = BTreeMap::new();
    let mut rankers = Vec::new();
    for (ranker, scores) in &runs {
        let mut metrics_q = Vec::with_capacity(judged.len());
        let mut ranked_q = Vec::with_capacity(judged.len());
        let mut curve_sum = vec![0.0; metrics::CURVE_DEPTH];
        for (q, j) in judged.iter().enumerate() {
            let docs = docnos(q);
            let order = metrics::trec_order(&scores[q], docs);
            let ranking: Vec<(String, f64, u8)> = order
                .iter()
                .map(|&i| {
                    let d = docs[i];
                    (
                        d.to_string(),
                        scores[q][i],
                        j.labels.get(d).copied().unwrap_or(0),
                    )
                })
                .collect();
            let labels: Vec<u8> = ranking.iter().map(|r| r.2).collect();
            let all: Vec<u8> = j.labels.values().copied().collect();
            metrics_q.push(metrics::query_metrics(&labels, &all, &metrics::CUTOFFS));
            for (k, v) in
                metrics::ndcg_curve(&labels, &all, metrics::CURVE_DEPTH, metrics::Gain::Linear)
                    .iter()
                    .enumerate()
            {
                curve_sum[k] += v;
            }
            ranked_q.push(RankedQuery {
                qid: j.qid.clone(),
                ranking,
            });
        }
        let n = judged.len().max(1) as f64;
        curve.insert(ranker.clone(), curve_sum.iter().map(|s| s / n).collect());
        mean.insert(ranker.clone(), metrics::mean(&metrics_q));
        let headline: Vec<f64> = metrics_q.iter().map(|m| m[&params.metric]).collect();
        ci.insert(
            ranker.clone(),
            significance::bootstrap_ci(&headline, params.bootstrap, 0.95, params.seed),
        );
        per_query.insert(ranker.clone(), metrics_q);
        rankings.insert(ranker.clone(), ranked_q);
        rankers.push(ranker.clone());
    }
    let headline = |r: &str| -> Vec<f64> {
        per_query[r]
            .iter()
            .map(|m: &BTreeMap<String, f64>| m[&params.metric])
            .collect()
    };
    let mut comparisons = Vec::new();
    for (i, a) in rankers.iter().enumerate() {
        for b in &rankers[i + 1..] {
            let (x, y) = (headline(a), headline(b));
            let d = significance::differences(&x, &y);
            comparisons.push(Comparison {
                a: a.clone(),
                b: b.clone(),
                mean_difference: d.iter().fold(0.0, |s, x| s + x) / d.len().max(1) as f64,
                p_value: significance::randomization_test(&x, &y, params.permutations, params.seed),
                ci: significance::bootstrap_ci(&d, params.bootstrap, 0.95, params.seed),
            });
        }
    }
    let mut group_sizes: BTreeMap<String, usize> = BTreeMap::new();
    for j in judged {
        *group_sizes.entry(j.group.clone()).or_default() += 1;
    }
    let mut by_group: BTreeMap<String, BTreeMap<String, f64>> = BTreeMap::new();
    for r in &rankers {
        let values = headline(r);
        for (group, size) in &group_sizes {
            let sum: f64 = judged
                .iter()
                .zip(&values)
                .filter(|(j, _)| &j.group == group)
                .map(|(_, v)| v)
                .fold(0.0, |s, x| s + x);
            by_group
                .entry(group.clone())
                .or_default()
                .insert(r.clone(), sum / *size as f64);
        }
    }
    let qrels = judged
        .iter()
        .map(|j| (j.qid.clone(), j.labels.clone()))
        .collect();
    SplitReport {
        name: name.to_string(),
        description,
        n_train,
        queries: judged.iter().map(|j| j.qid.clone()).collect(),
        query_groups: judged.iter().map(|j| j.group.clone()).collect(),
        rankers,
        mean,
        ci,
        curve,
        by_group,
        group_sizes,
        comparisons,
        per_query,
        rankings,
        qrels,
    }
}

/// Where the benchmark goal stands (held-out split of a synthetic directory).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Goal {
    /// The split it is measured on.
    pub split: String,
    /// The headline metric.
    pub metric: String,
    /// The learner with the best mean.
    pub best_learner: String,
    /// Its mean.
    pub best_learner_mean: f64,
    /// The oracle's mean.
    pub oracle_mean: f64,
    /// best / oracle.
    pub ratio: f64,
    /// Target ratio.
    pub target_ratio: f64,
    /// p-value of best learner versus prior.
    pub p_vs_prior: f64,
    /// Mean difference best − prior.
    pub diff_vs_prior: f64,
    /// p-value of best learner versus same-sector.
    pub p_vs_same_sector: f64,
    /// Mean difference best − same-sector.
    pub diff_vs_same_sector: f64,
    /// Target p.
    pub target_p: f64,
    /// All three conditions hold.
    pub met: bool,
}

/// The goal on a split that has learners, the oracle, the prior and same-sector.
pub fn goal(split: &SplitReport, metric: &str) -> Option<Goal> {
    let learners: Vec<&String> = split
        .rankers
        .iter()
        .filter(|r| LEARNERS.iter().any(|l| l.kind().name() == r.as_str()))
        .collect();
    let value = |r: &str| split.mean.get(r).map(|m| m[metric]);
    let best = learners
        .iter()
        .copied()
        .max_by(|a, b| value(a).unwrap_or(0.0).total_cmp(&value(b).unwrap_or(0.0)))?;
    let oracle = value("oracle")?;
    let comparison = |other: &str| -> Option<(f64, f64)> {
        split.comparisons.iter().find_map(|c| {
            if c.a == *best && c.b == other {
                Some((c.p_value, c.mean_difference))
            } else if c.b == *best && c.a == other {
                Some((c.p_value, -c.mean_difference))
            } else {
                None
            }
        })
    };
    let (p_prior, d_prior) = comparison("prior")?;
    let (p_same, d_same) = comparison("same-sector")?;
    let best_mean = value(best)?;
    let ratio = if oracle > 0.0 {
        best_mean / oracle
    } else {
        0.0
    };
    let (target_ratio, target_p) = (0.9, 0.01);
    Some(Goal {
        split: split.name.clone(),
        metric: metric.to_string(),
        best_learner: best.clone(),
        best_learner_mean: best_mean,
        oracle_mean: oracle,
        ratio,
        target_ratio,
        p_vs_prior: p_prior,
        diff_vs_prior: d_prior,
        p_vs_same_sector: p_same,
        diff_vs_same_sector: d_same,
        target_p,
        met: ratio >= target_ratio
            && p_prior < target_p
            && d_prior > 0.0
            && p_same < target_p
            && d_same > 0.0,
    })
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
}

/// Evaluates a catalog directory on every split that applies.
pub fn evaluate_catalog(
    catalog: &Catalog,
    external: Vec<(String, trec::RunScores)>,
    params: &EvalValidParams,
    progress: &mut dyn Progress,
) -> Result<Evaluation> {
    let bench = Benchmark::load(catalog, external)?;
    let mut splits = Vec::new();
    if let Some(s) = bench.heldout(params, progress)? {
        splits.push(s);
    }
    let kfold = bench.kfold(params, progress)?;
    let temporal = bench.temporal(params, progress)?;
    // Primary: held-out when present, else grouped K-fold.
    if let Some(s) = kfold {
        splits.push(s);
    }
    if let Some(s) = temporal {
        splits.push(s);
    }
    if splits.is_empty() {
        return Err(Error::InvalidParam {
            name: "data",
            value: catalog.dir().display().to_string(),
            reason: "no split applies: the history needs partnerships of at least two Japanese regions, or the directory held-out applications".into(),
        });
    }
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
    })
}

/// Evaluates tieup's generic learners (and random order, and external runs) on a LETOR
/// training and test file.
pub fn evaluate_letor(
    train: &letor::LetorData,
    test: &letor::LetorData,
    external: Vec<(String, trec::RunScores)>,
    params: &EvalValidParams,
    progress: &mut dyn Progress,
) -> Result<Evaluation> {
    let n_features = train.n_features.max(test.n_features);
    let widen = |q: &letor::LetorQuery| -> Array2<f64> {
        let mut rows = Array2::zeros((q.rows.nrows(), n_features));
        for ((r, c), v) in q.rows.indexed_iter() {
            rows[[r, c]] = *v;
        }
        rows
    };
    let train_rows: Vec<Array2<f64>> = train.queries.iter().map(widen).collect();
    let test_rows: Vec<Array2<f64>> = test.queries.iter().map(widen).collect();
    let views: Vec<RowsQuery<'_>> = train
        .queries
        .iter()
        .zip(&train_rows)
        .map(|(q, rows)| RowsQuery {
            rows: rows.view(),
            labels: &q.labels,
        })
        .collect();
    let learners = [LearnerKind::Pointwise, LearnerKind::Pairwise];
    progress.begin("letor", (learners.len() + 1 + external.len()) as u64);
    let mut runs: Vec<(String, Vec<Vec<f64>>)> = vec![(
        "random".into(),
        test.queries
            .iter()
            .map(|q| seeded_uniform(params.seed, &q.qid, q.labels.len()))
            .collect(),
    )];
    progress.advance(1);
    for kind in learners {
        let model = TrainParams::new(kind)
            .l2(params.l2)
            .seed(params.seed)
            .check()?
            .fit_rows(&views, n_features)?;
        runs.push((
            kind.name().into(),
            test_rows
                .iter()
                .map(|x| x.outer_iter().map(|r| model.score(r)).collect())
                .collect(),
        ));
        progress.advance(1);
    }
    for (name, run) in &external {
        let scores: Option<Vec<Vec<f64>>> = test
            .queries
            .iter()
            .map(|q| {
                let docs = run.get(&q.qid)?;
                Some(
                    q.docnos
                        .iter()
                        .map(|d| docs.get(d).copied().unwrap_or(f64::MIN))
                        .collect(),
                )
            })
            .collect();
        let scores = scores.ok_or_else(|| Error::InvalidParam {
            name: "run",
            value: name.clone(),
            reason: "the run does not score every test query (qids must match the test file's)"
                .into(),
        })?;
        runs.push((name.clone(), scores));
        progress.advance(1);
    }
    let judged: Vec<Judged> = test
        .queries
        .iter()
        .map(|q| Judged {
            qid: q.qid.clone(),
            group: "all".into(),
            labels: q
                .docnos
                .iter()
                .cloned()
                .zip(q.labels.iter().copied())
                .collect(),
        })
        .collect();
    let docnos: Vec<Vec<&str>> = test
        .queries
        .iter()
        .map(|q| q.docnos.iter().map(String::as_str).collect())
        .collect();
    for (q, d) in test.queries.iter().zip(&docnos) {
        let distinct: std::collections::BTreeSet<&&str> = d.iter().collect();
        if distinct.len() != d.len() {
            return Err(Error::InvalidParam {
                name: "letor test file",
                value: format!("query {}", q.qid),
                reason: "two rows of the query have the same docid".into(),
            });
        }
    }
    let split = summarise(
        "letor",
        format!(
            "trained on {} ({} queries, {} rows), tested on {} ({} queries, {} rows), {} features",
            train.path.display(),
            train.queries.len(),
            train_rows.iter().map(|r| r.nrows()).sum::<usize>(),
            test.path.display(),
            test.queries.len(),
            test_rows.iter().map(|r| r.nrows()).sum::<usize>(),
            n_features
        ),
        train.queries.len(),
        &judged,
        &|q| docnos[q].as_slice(),
        runs,
        params,
    );
    Ok(Evaluation {
        data: format!("{} / {}", train.path.display(), test.path.display()),
        params: params.clone(),
        notes: vec![
            "queries without a relevant row score 0 and count in the means (trec_eval's rule)"
                .into(),
            "prior-anchored needs tieup's feature schema and is not run on LETOR data".into(),
        ],
        splits: vec![split],
        goal: None,
    })
}

/// Writes LETOR files of every split of a benchmark into `dir` (see [`letor`]).
pub fn export_letor(
    catalog: &Catalog,
    params: &EvalValidParams,
    dir: &Path,
) -> Result<Vec<String>> {
    let bench = Benchmark::load(catalog, Vec::new())?;
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut written = Vec::new();
    for (stem, train, test) in bench.export_sets(params)? {
        for (part, queries) in [("train", &train), ("test", &test)] {
            let rows = bench.letor_rows(queries);
            let name = format!("{stem}-{part}.txt");
            letor::write(
                &dir.join(&name),
                rows.iter()
                    .map(|(q, d, l, x)| (q.as_str(), d.as_slice(), l.as_slice(), x)),
            )?;
            written.push(name);
        }
    }
    Ok(written)
}

#[cfg(test)]
mod tests;
