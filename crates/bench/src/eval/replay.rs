//! The real-partnership replay: every known partnership is asked again as of its start year
//! (existing exchange counts only partnerships that started before it, over the catalog as
//! known then: `tieup_core::known`), and every ranker is
//! judged by where the region actually chosen lands in the list a coordinator would see.
//!
//! # What is compared
//! - every feature alone (a cost feature reversed), `nearness` (door-to-door travel hours,
//!   or distance where the catalog has no air data), `random` and `popularity`;
//! - the survey `prior`, and every learner trained without the partnership it is asked about
//!   (leave-one-out up to [`LOO_MAX`] partnerships, otherwise [`REPLAY_FOLDS`] interleaved
//!   folds) with the evaluation's hyperparameters, and the shipped model's recipe (its
//!   learner and hyperparameters, read from the model file) trained the same way;
//! - the shipped model file as it is, marked in-sample: it was trained on these partnerships.
//!
//! # How a rank is counted
//! Lists are grouped as the shortlist shows them: a place is a region with all its
//! descendants (Guangdong with Shenzhen), scored by its best member, so a parent and its
//! child never take two places. The real partner's place is the best place holding a chosen
//! region. Ties are not broken by an arbitrary key (a single feature ties hundreds of
//! candidates at 0): every metric is its expectation over a uniformly random order of the
//! tied places, and the rank shown is the mid-rank `better + (tied + 1) / 2`.

use super::benchmark::{Benchmark, EvalQuery};
use super::params::EvalValidParams;
use super::rankers::seeded_uniform;
use super::significance;
use serde::Serialize;
use std::fmt::Write as _;
use tieup_core::catalog::RegionId;
use tieup_core::error::Result;
use tieup_core::features::{Feature, N_FEATURES};
use tieup_core::model::LinearModel;
use tieup_core::select::PartnerRank;
use tieup_learn::LearnerKind;

/// Histories up to this size are replayed with leave-one-out training.
pub const LOO_MAX: usize = 60;
/// Folds of the training of larger histories.
pub const REPLAY_FOLDS: usize = 10;
/// The cut-off of recall and hit.
pub const CUTOFF: usize = 10;

/// One ranker of the replay.
#[derive(Debug, Clone)]
enum Source {
    Feature(Feature),
    Nearness,
    Random,
    Popularity,
    Prior,
    Learner(LearnerKind),
    /// The shipped model's learner and hyperparameters, trained without the partnership.
    Recipe(Recipe),
    Shipped(Box<LinearModel>),
}

/// How the shipped model was trained: learner and hyperparameters from its file.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Recipe {
    kind: LearnerKind,
    l2: f64,
    negatives: usize,
    seed: u64,
}

impl Recipe {
    /// The recipe of a model file, when a learner made it.
    fn of(model: &LinearModel, params: &EvalValidParams) -> Option<Recipe> {
        let kind = [
            LearnerKind::Pointwise,
            LearnerKind::Pairwise,
            LearnerKind::PriorAnchored,
        ]
        .into_iter()
        .find(|k| k.name() == model.kind)?;
        let h = |key: &str| model.hyperparameters.get(key).copied();
        Some(Recipe {
            kind,
            l2: h("l2").unwrap_or(params.l2),
            negatives: h("negatives").map_or(params.negatives, |n| n as usize),
            seed: h("seed").map_or(params.seed, |s| s as u64),
        })
    }
}

/// A ranker's summary over every replayed partnership.
#[derive(Debug, Clone, Serialize)]
pub struct ReplaySummary {
    /// Ranker name.
    pub ranker: String,
    /// What it is (single feature, rule, learner, ...).
    pub family: &'static str,
    /// Trained on the partnerships it is asked about (the shipped model file).
    pub in_sample: bool,
    /// Mean reciprocal rank of the real partner's place (expected over tie orders).
    pub mrr: f64,
    /// Share of partnerships whose real partner is in the top [`CUTOFF`] places (expected).
    pub recall_at_10: f64,
    /// Median mid-rank of the real partner's place.
    pub median_rank: f64,
}

/// One replayed partnership.
#[derive(Debug, Clone, Serialize)]
pub struct ReplayRow {
    /// Partnership id.
    pub id: String,
    /// The partnership in words ([`tieup_core::plain::partnership_words`]).
    pub label: String,
    /// Mid-rank of the real partner's place per ranker (ranker order of the summary).
    pub ranks: Vec<f64>,
    /// The largest contributions to the real partner's score under the shipped recipe
    /// trained without this partnership, e.g. "same cluster +0.31".
    pub reasons: Vec<String>,
}

/// The shipped recipe against one single-feature ranker over the same partnerships: the
/// differences of the means and their paired sign-flip p-values
/// ([`significance::exact_sign_flip_test`] up to [`significance::EXACT_MAX`] partnerships,
/// otherwise the seeded [`significance::randomization_test`]).
#[derive(Debug, Clone, Serialize)]
pub struct ReplayComparison {
    /// The single-feature ranker.
    pub ranker: String,
    /// The shipped recipe's MRR minus the ranker's.
    pub mrr_difference: f64,
    /// Two-sided p-value of the paired test on the expected reciprocal ranks.
    pub mrr_p: f64,
    /// The shipped recipe's recall@10 minus the ranker's.
    pub recall_difference: f64,
    /// Two-sided p-value of the paired test on the expected hits in the top 10.
    pub recall_p: f64,
    /// Whether the p-values are exact (every sign assignment enumerated).
    pub exact: bool,
}

/// The replay of every known partnership.
#[derive(Debug, Clone, Serialize)]
pub struct Replay {
    /// Places (groups of a region and its descendants) per list.
    pub places: usize,
    /// How learners were trained ("leave-one-out" or "10 interleaved folds").
    pub training: String,
    /// Per ranker, in report order.
    pub rankers: Vec<ReplaySummary>,
    /// Per partnership, in file order.
    pub rows: Vec<ReplayRow>,
    /// The shipped recipe against every single-feature ranker.
    pub comparisons: Vec<ReplayComparison>,
}

impl Benchmark<'_> {
    /// Replays every partnership of the history (see the module documentation); `shipped`
    /// is the shipped model file, reported as in-sample.
    pub fn replay(
        &self,
        params: &EvalValidParams,
        shipped: Option<&LinearModel>,
    ) -> Result<Replay> {
        let catalog = self.catalog();
        let sources = sources(shipped, params);
        let n = self.history.len();
        let folds: Vec<Vec<usize>> = if n <= LOO_MAX {
            (0..n).map(|i| vec![i]).collect()
        } else {
            (0..REPLAY_FOLDS)
                .map(|f| (f..n).step_by(REPLAY_FOLDS).collect())
                .collect()
        };
        let mut ranks = vec![vec![PartnerRank::default(); sources.len()]; n];
        let mut reasons = vec![Vec::new(); n];
        for test in &folds {
            let train: Vec<usize> = (0..n).filter(|i| !test.contains(i)).collect();
            let queries: Vec<EvalQuery> = self.queries(test);
            let features = self.encode_all(&queries);
            for (s, source) in sources.iter().enumerate() {
                let (scores, model) =
                    self.replay_scores(source, &train, &queries, &features, params)?;
                for (k, &i) in test.iter().enumerate() {
                    let partners: Vec<RegionId> = queries[k].judgements.keys().copied().collect();
                    ranks[i][s] =
                        PartnerRank::of(catalog, &scores[k], &partners).unwrap_or(PartnerRank {
                            better: usize::MAX / 2,
                            tied: 0,
                        });
                    if let (Some(model), Source::Recipe(_)) = (&model, source) {
                        reasons[i] = self.reasons(model, &queries[k], &features[k]);
                    }
                }
            }
        }
        let rankers: Vec<ReplaySummary> = sources
            .iter()
            .enumerate()
            .map(|(s, source)| summary(source, ranks.iter().map(|r| r[s])))
            .collect();
        let comparisons = compare_recipe(&sources, &rankers, &ranks, params);
        let rows = (0..n)
            .map(|i| ReplayRow {
                id: self.history[i].qid.clone(),
                label: tieup_core::plain::partnership_words(
                    catalog,
                    &catalog.partnerships()[i],
                    tieup_core::plain::Lang::En,
                ),
                ranks: ranks[i].iter().map(|r| r.mid()).collect(),
                reasons: std::mem::take(&mut reasons[i]),
            })
            .collect();
        Ok(Replay {
            places: tieup_core::select::n_places(catalog),
            training: if n <= LOO_MAX {
                "leave-one-out".into()
            } else {
                format!("{REPLAY_FOLDS} interleaved folds")
            },
            rankers,
            rows,
            comparisons,
        })
    }

    /// Scores of the test queries by one source, and the model when it is linear.
    fn replay_scores(
        &self,
        source: &Source,
        train: &[usize],
        queries: &[EvalQuery],
        features: &[ndarray::Array2<f64>],
        params: &EvalValidParams,
    ) -> Result<(Vec<Vec<f64>>, Option<LinearModel>)> {
        let catalog = self.catalog();
        let column = |f: Feature| -> Vec<Vec<f64>> {
            let sign = f64::from(f.direction());
            features
                .iter()
                .map(|x| x.column(f.index()).iter().map(|v| sign * v).collect())
                .collect()
        };
        Ok(match source {
            Source::Feature(f) => (column(*f), None),
            Source::Nearness => (
                queries
                    .iter()
                    .map(|q| {
                        catalog
                            .candidate_ids()
                            .map(|c| {
                                let cost = catalog.communication_cost(q.query.japan_region, c);
                                -cost.travel_hours.unwrap_or(cost.distance_km / 800.0)
                            })
                            .collect()
                    })
                    .collect(),
                None,
            ),
            Source::Random => (
                queries
                    .iter()
                    .map(|q| seeded_uniform(params.seed, &q.qid, catalog.candidate_ids().len()))
                    .collect(),
                None,
            ),
            Source::Popularity => {
                let counts = self.popularity(train);
                (queries.iter().map(|_| counts.clone()).collect(), None)
            }
            Source::Prior => (self.linear(&self.prior, queries, features), None),
            Source::Learner(kind) => {
                let model = self.train(*kind, train, params)?;
                (self.linear(&model, queries, features), Some(model))
            }
            Source::Recipe(r) => {
                let mut recipe = params.clone();
                recipe.l2 = r.l2;
                recipe.negatives = r.negatives;
                recipe.seed = r.seed;
                let model = self.train(r.kind, train, &recipe)?;
                (self.linear(&model, queries, features), Some(model))
            }
            Source::Shipped(model) => (self.linear(model, queries, features), None),
        })
    }

    /// The real partner's three largest contributions and its largest penalty.
    fn reasons(&self, model: &LinearModel, q: &EvalQuery, x: &ndarray::Array2<f64>) -> Vec<String> {
        let catalog = self.catalog();
        let w = model.weights_for(catalog.sectors(), &q.query);
        let Some(partner) = q
            .judgements
            .keys()
            .filter_map(|&r| catalog.candidate_position(r))
            .max_by(|&a, &b| {
                let score = |c: usize| (0..N_FEATURES).map(|f| w[f] * x[[c, f]]).sum::<f64>();
                score(a).total_cmp(&score(b)).then(b.cmp(&a))
            })
        else {
            return Vec::new();
        };
        let mut parts: Vec<(f64, Feature)> = Feature::ALL
            .iter()
            .map(|&f| (w[f.index()] * x[[partner, f.index()]], f))
            .collect();
        parts.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut out: Vec<String> = parts
            .iter()
            .take(3)
            .filter(|(c, _)| *c > 0.0)
            .map(|(c, f)| format!("{} {c:+.2}", f.label()))
            .collect();
        if let Some((c, f)) = parts.last().filter(|(c, _)| *c < 0.0) {
            out.push(format!("{} {c:+.2}", f.label()));
        }
        out
    }
}

/// Every ranker of the replay, in report order.
fn sources(shipped: Option<&LinearModel>, params: &EvalValidParams) -> Vec<Source> {
    let mut s: Vec<Source> = Feature::ALL.iter().map(|&f| Source::Feature(f)).collect();
    s.extend([
        Source::Nearness,
        Source::Random,
        Source::Popularity,
        Source::Prior,
    ]);
    s.extend(
        [
            LearnerKind::Pointwise,
            LearnerKind::Pairwise,
            LearnerKind::PriorAnchored,
        ]
        .map(Source::Learner),
    );
    let recipe = shipped
        .and_then(|m| Recipe::of(m, params))
        .unwrap_or(Recipe {
            kind: LearnerKind::PriorAnchored,
            l2: params.l2,
            negatives: params.negatives,
            seed: params.seed,
        });
    s.push(Source::Recipe(recipe));
    s.extend(shipped.map(|m| Source::Shipped(Box::new(m.clone()))));
    s
}

fn name(source: &Source) -> (String, &'static str, bool) {
    match source {
        Source::Feature(f) => (format!("{} alone", f.name()), "single feature", false),
        Source::Nearness => ("nearness alone".into(), "single feature", false),
        Source::Random => ("random".into(), "rule", false),
        Source::Popularity => ("popularity".into(), "rule", false),
        Source::Prior => ("prior".into(), "survey prior", false),
        Source::Learner(k) => (k.name().into(), "learner", false),
        Source::Recipe(r) => (
            format!("shipped recipe ({}, l2 {})", r.kind.name(), r.l2),
            "shipped",
            false,
        ),
        Source::Shipped(_) => ("shipped model file".into(), "shipped", true),
    }
}

/// The shipped recipe against every single-feature ranker, partnership by partnership.
fn compare_recipe(
    sources: &[Source],
    rankers: &[ReplaySummary],
    ranks: &[Vec<PartnerRank>],
    params: &EvalValidParams,
) -> Vec<ReplayComparison> {
    let Some(recipe) = sources.iter().position(|s| matches!(s, Source::Recipe(_))) else {
        return Vec::new();
    };
    let exact = ranks.len() <= significance::EXACT_MAX;
    let test = |a: &[f64], b: &[f64]| {
        significance::exact_sign_flip_test(a, b).unwrap_or_else(|| {
            significance::randomization_test(a, b, params.permutations, params.seed)
        })
    };
    let column = |s: usize, f: fn(&PartnerRank) -> f64| -> Vec<f64> {
        ranks.iter().map(|r| f(&r[s])).collect()
    };
    let rr = |r: &PartnerRank| r.expected_rr();
    let hit = |r: &PartnerRank| r.hit_probability(CUTOFF);
    let (recipe_rr, recipe_hit) = (column(recipe, rr), column(recipe, hit));
    rankers
        .iter()
        .enumerate()
        .filter(|(_, r)| r.family == "single feature")
        .map(|(s, r)| {
            let (their_rr, their_hit) = (column(s, rr), column(s, hit));
            ReplayComparison {
                ranker: r.ranker.clone(),
                mrr_difference: rankers[recipe].mrr - r.mrr,
                mrr_p: test(&recipe_rr, &their_rr),
                recall_difference: rankers[recipe].recall_at_10 - r.recall_at_10,
                recall_p: test(&recipe_hit, &their_hit),
                exact,
            }
        })
        .collect()
}

fn summary(source: &Source, ranks: impl Iterator<Item = PartnerRank>) -> ReplaySummary {
    let ranks: Vec<PartnerRank> = ranks.collect();
    let n = ranks.len().max(1) as f64;
    let mut mids: Vec<f64> = ranks.iter().map(|r| r.mid()).collect();
    mids.sort_by(f64::total_cmp);
    let median_rank = match mids.len() {
        0 => f64::NAN,
        m if m % 2 == 1 => mids[m / 2],
        m => (mids[m / 2 - 1] + mids[m / 2]) / 2.0,
    };
    let (ranker, family, in_sample) = name(source);
    ReplaySummary {
        ranker,
        family,
        in_sample,
        mrr: ranks.iter().map(|r| r.expected_rr()).sum::<f64>() / n,
        recall_at_10: ranks.iter().map(|r| r.hit_probability(CUTOFF)).sum::<f64>() / n,
        median_rank,
    }
}

impl Replay {
    /// The report section: the rankers' table and the per-partnership table.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "## Real partnerships, replayed as of their start year\n"
        );
        let _ = writeln!(
            out,
            "Each of the {} partnerships is asked again as of its start year (existing exchange counts only partnerships that started before it, and curated values dated that year or later are left out; statistics of 2011-2018 and undated twin ties count as they are); learners are trained {} (without the partnership asked about, but with partnerships that started later: with ten cases, training on earlier ones only would leave the first untrained; the prior and single features use no partnership). Lists are grouped as the shortlist shows them ({} places: a region with its descendants is one place); a rank is the real partner's place, ties counted at their mean position and every metric its expectation over the orders of tied places.\n",
            self.rows.len(),
            self.training,
            self.places
        );
        let _ = writeln!(
            out,
            "| ranker | kind | MRR | recall@{CUTOFF} | median rank |"
        );
        let _ = writeln!(out, "|---|---|---|---|---|");
        for r in &self.rankers {
            let note = if r.in_sample { " (in-sample)" } else { "" };
            let _ = writeln!(
                out,
                "| {}{note} | {} | {:.3} | {:.2} | {} |",
                r.ranker,
                r.family,
                r.mrr,
                r.recall_at_10,
                fmt_rank(r.median_rank)
            );
        }
        self.comparison_markdown(&mut out);
        let shown: Vec<usize> = self.headline_rankers();
        let _ = write!(
            out,
            "\nRank of the real partner per partnership:\n\n| partnership |"
        );
        for &s in &shown {
            let _ = write!(out, " {} |", self.rankers[s].ranker);
        }
        let _ = writeln!(out, " why (shipped recipe) |");
        let _ = writeln!(out, "|---|{}---|", "---|".repeat(shown.len()));
        for row in &self.rows {
            let _ = write!(out, "| {} |", row.label);
            for &s in &shown {
                let _ = write!(out, " {} |", fmt_rank(row.ranks[s]));
            }
            let _ = writeln!(out, " {} |", row.reasons.join("; "));
        }
        out
    }

    /// The shipped recipe against every single feature, with paired p-values.
    fn comparison_markdown(&self, out: &mut String) {
        let Some(recipe) = self
            .rankers
            .iter()
            .find(|r| r.family == "shipped" && !r.in_sample)
        else {
            return;
        };
        let how = if self.comparisons.iter().all(|c| c.exact) {
            format!(
                "exact: all 2^{} sign assignments of the per-partnership differences",
                self.rows.len()
            )
        } else {
            "seeded random sign assignments".to_string()
        };
        let _ = writeln!(
            out,
            "\n{} against every single feature (a positive difference favours the recipe; two-sided paired sign-flip test, {how}):\n",
            recipe.ranker
        );
        let _ = writeln!(
            out,
            "| single feature | MRR difference | p | recall@{CUTOFF} difference | p |"
        );
        let _ = writeln!(out, "|---|---|---|---|---|");
        for c in &self.comparisons {
            let _ = writeln!(
                out,
                "| {} | {:+.3} | {:.3} | {:+.2} | {:.3} |",
                c.ranker, c.mrr_difference, c.mrr_p, c.recall_difference, c.recall_p
            );
        }
    }

    /// Rankers of the per-partnership table: the strongest single feature on MRR, nearness,
    /// the prior and the learners (the whole set is in `replay.csv`).
    fn headline_rankers(&self) -> Vec<usize> {
        let best_single = self
            .rankers
            .iter()
            .enumerate()
            .filter(|(_, r)| r.family == "single feature" && !r.ranker.starts_with("nearness"))
            .max_by(|a, b| a.1.mrr.total_cmp(&b.1.mrr).then(b.0.cmp(&a.0)))
            .map(|(i, _)| i);
        best_single
            .into_iter()
            .chain(self.rankers.iter().enumerate().filter_map(|(i, r)| {
                (r.ranker.starts_with("nearness")
                    || matches!(r.family, "survey prior" | "learner" | "shipped"))
                .then_some(i)
            }))
            .collect()
    }

    /// `replay.csv`: one row per partnership and ranker (quoted where a field needs it: the
    /// shipped recipe's name holds a comma).
    pub fn csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        let mut write = |fields: [&str; 3]| {
            w.write_record(fields)
                .expect("writing CSV to memory cannot fail");
        };
        write(["partnership", "ranker", "rank"]);
        for row in &self.rows {
            for (r, rank) in self.rankers.iter().zip(&row.ranks) {
                write([&row.id, &r.ranker, &fmt_rank(*rank)]);
            }
        }
        let bytes = w.into_inner().expect("flushing CSV to memory cannot fail");
        String::from_utf8(bytes).expect("the fields are UTF-8")
    }

    /// The summary of a ranker by name.
    pub fn ranker(&self, name: &str) -> Option<&ReplaySummary> {
        self.rankers.iter().find(|r| r.ranker == name)
    }
}

/// A mid-rank: whole, or with one decimal for a half.
fn fmt_rank(rank: f64) -> String {
    if rank.fract() == 0.0 {
        format!("{rank:.0}")
    } else {
        format!("{rank:.1}")
    }
}
