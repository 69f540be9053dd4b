//! What a benchmark directory holds, loaded: the history (one query per partnership), the
//! held-out applications with their qrels, the oracle's run, and external runs.

use super::trec;
use linfa::ParamGuard;
use ndarray::Array2;
use std::collections::BTreeMap;
use std::path::Path;
use tieup_core::catalog::{Catalog, Partnership, RegionId, SectorId};
use tieup_core::error::{Error, Result};
use tieup_core::features::Query;
use tieup_core::known::{KnownCatalogs, KnownEncoders};
use tieup_core::model::LinearModel;

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
    /// One encoder per year limit's catalog: each query reads the catalog as known then.
    pub(super) encoders: KnownEncoders<'a>,
    pub(super) prior: LinearModel,
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
    let query = Query::as_of(p);
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
    /// has them; `external` are runs to evaluate beside tieup's rankers. `known` holds the
    /// catalog as known in each year ([`KnownCatalogs::new`] of the full catalog).
    pub fn load(
        known: &'a KnownCatalogs<'a>,
        external: Vec<(String, trec::RunScores)>,
    ) -> Result<Self> {
        let catalog = known.base();
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
        let benchmark = Benchmark {
            catalog,
            encoders: KnownEncoders::new(known),
            prior,
            history,
            heldout,
            oracle,
            external,
        };
        benchmark.check_external()?;
        Ok(benchmark)
    }

    /// Every query an external run scores must be a query of this benchmark (a history
    /// partnership or a held-out application), or the run would silently drop out.
    fn check_external(&self) -> Result<()> {
        let known: std::collections::BTreeSet<&str> = self
            .history
            .iter()
            .chain(self.heldout.iter().flatten())
            .map(|q| q.qid.as_str())
            .collect();
        for (name, run) in &self.external {
            if let Some(unknown) = run.keys().find(|qid| !known.contains(qid.as_str())) {
                let example = known.iter().next().copied().unwrap_or("none");
                return Err(tieup_core::error::Error::InvalidParam {
                    name: "--run",
                    value: name.clone(),
                    reason: format!(
                        "the run scores query '{}', which is not a query of this benchmark (its qids are partnership and application ids, e.g. '{example}'); give a run made for these queries (see qrels.txt of an earlier eval)",
                        unknown.chars().take(80).collect::<String>()
                    ),
                });
            }
        }
        Ok(())
    }

    /// The catalog.
    pub fn catalog(&self) -> &'a Catalog {
        self.catalog
    }

    /// Ids of the candidates (the catalog's overseas regions), in catalog order.
    pub fn candidate_ids(&self) -> Vec<&'a str> {
        self.catalog
            .candidate_ids()
            .map(|c| self.catalog.region(c).id.as_str())
            .collect()
    }

    /// The feature rows of a query over every candidate, over the catalog as known at its
    /// year limit.
    pub fn encode(&self, query: &EvalQuery) -> Array2<f64> {
        self.encoders.for_query(&query.query).encode(&query.query)
    }

    /// The feature rows of each query.
    pub fn encode_all(&self, queries: &[EvalQuery]) -> Vec<Array2<f64>> {
        queries.iter().map(|q| self.encode(q)).collect()
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
                .ok_or_else(|| {
                    Error::data(
                        qrels_path,
                        None,
                        format!(
                            "query {}: '{docno}' is not an overseas region id of the catalog",
                            app.id
                        ),
                        "judge overseas regions of the catalog, by id",
                    )
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
