//! The split plan: which splits apply to a benchmark, and the training positions and test
//! queries of each of their folds. Evaluation ([`super::evaluate_catalog`]) and LETOR export
//! ([`super::export_letor`]) both read this one plan.

use super::benchmark::{Benchmark, EvalQuery};
use super::params::EvalValidParams;
use super::splits;
use std::collections::BTreeSet;
use tieup_core::error::Result;

/// One fold of a split: training positions in the history, and the test queries.
#[derive(Debug, Clone)]
pub struct Fold {
    /// Positions of the training partnerships in the history.
    pub train: Vec<usize>,
    /// Test queries.
    pub test: Vec<EvalQuery>,
}

/// One split of the plan.
#[derive(Debug, Clone)]
pub struct PlannedSplit {
    /// `held-out`, `grouped-kfold` or `temporal`.
    pub name: &'static str,
    /// What is trained on and tested (the report's description).
    pub description: String,
    /// Its folds (one, except for the grouped K-fold).
    pub folds: Vec<Fold>,
}

impl PlannedSplit {
    /// File stem of fold `i` in a LETOR export: the split name, numbered when it has folds.
    pub fn stem(&self, i: usize) -> String {
        if self.folds.len() == 1 {
            self.name.to_string()
        } else {
            format!("{}-{}", self.name, i + 1)
        }
    }
}

impl Benchmark<'_> {
    /// Every split that applies, the primary one first: held-out (when the directory has
    /// applications), grouped K-fold, temporal.
    pub fn plan(&self, params: &EvalValidParams) -> Result<Vec<PlannedSplit>> {
        let mut plan: Vec<PlannedSplit> = self.heldout_split().into_iter().collect();
        plan.extend(self.kfold_split(params)?);
        plan.extend(self.temporal_split(params));
        Ok(plan)
    }

    /// The history queries at `positions`.
    pub fn queries(&self, positions: &[usize]) -> Vec<EvalQuery> {
        positions.iter().map(|&i| self.history[i].clone()).collect()
    }

    /// Train on the whole history, test on the held-out applications.
    fn heldout_split(&self) -> Option<PlannedSplit> {
        let test = self.heldout.as_ref()?;
        let train: Vec<usize> = (0..self.history.len()).collect();
        let years: Vec<u16> = test.iter().filter_map(|q| q.query.before_year).collect();
        let span = match (years.iter().min(), years.iter().max()) {
            (Some(a), Some(b)) => format!(" FY{a}-{b}"),
            _ => String::new(),
        };
        Some(PlannedSplit {
            name: "held-out",
            description: format!(
                "trained on the whole history ({} partnerships), tested on {} later applications{span}",
                train.len(),
                test.len()
            ),
            folds: vec![Fold {
                train,
                test: test.clone(),
            }],
        })
    }

    /// Train before a year, test from it.
    fn temporal_split(&self, params: &EvalValidParams) -> Option<PlannedSplit> {
        let years: Vec<u16> = self
            .catalog()
            .partnerships()
            .iter()
            .map(|p| p.start_fy)
            .collect();
        let year = params
            .split_year
            .or_else(|| splits::default_split_year(&years, params.temporal_test_share))?;
        let fold = splits::temporal(&years, year);
        if fold.train.is_empty() || fold.test.is_empty() {
            return None;
        }
        Some(PlannedSplit {
            name: "temporal",
            description: format!(
                "trained on the {} partnerships that started before FY{year}, tested on the {} from FY{year}",
                fold.train.len(),
                fold.test.len()
            ),
            folds: vec![Fold {
                test: self.queries(&fold.test),
                train: fold.train,
            }],
        })
    }

    /// Grouped K-fold by Japanese region.
    fn kfold_split(&self, params: &EvalValidParams) -> Result<Option<PlannedSplit>> {
        let catalog = self.catalog();
        let groups: Vec<&str> = catalog
            .partnerships()
            .iter()
            .map(|p| catalog.region(p.japan_region).id.as_str())
            .collect();
        let distinct: BTreeSet<&str> = groups.iter().copied().collect();
        if distinct.len() < 2 {
            return Ok(None);
        }
        let folds: Vec<Fold> = splits::grouped_kfold(&groups, params.folds, params.seed)?
            .into_iter()
            .map(|f| Fold {
                test: self.queries(&f.test),
                train: f.train,
            })
            .collect();
        Ok(Some(PlannedSplit {
            name: "grouped-kfold",
            description: format!(
                "{}-fold cross-validation over the {} partnerships, grouped by Japanese region ({} regions; none in both training and test)",
                folds.len(),
                self.history.len(),
                distinct.len()
            ),
            folds,
        }))
    }
}
