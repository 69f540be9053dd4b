//! The files of an evaluation, written atomically into one directory:
//!
//! | file | content |
//! |---|---|
//! | `report.md` | the goal (synthetic held-out data), every split's metrics with 95% bootstrap intervals, significance, per-sector means with 95% Wilson intervals, the plots |
//! | `metrics.json` | the primary split: ranker name → mean metrics (`ndcg@10`, `map`, `mrr`, ...) |
//! | `replay.csv` | the real-partnership replay ([`super::replay`]): the real partner's rank per partnership and ranker |
//! | `evaluation.json` | everything: parameters, every split's means, intervals, curves, per-sector means and intervals, all pairwise comparisons, the goal |
//! | `per_query.csv` | every split, ranker and test query: `split, query_id, group, ranker` and every metric |
//! | `qrels.txt` | the primary split's judgements, `qid 0 docno rel` |
//! | `run-<ranker>.txt` | the primary split's rankings, `qid Q0 docno rank score <ranker>` (every candidate) |
//! | `ndcg_at_k.svg`, `per_sector.svg` (+ `.png`) | plots of the primary split |
//! | `ndcg_at_k-<split>.svg`, `per_sector-<split>.svg` (+ `.png`) | plots of every other split |
//!
//! Every SVG has a PNG beside it ([`super::raster`]).
//!
//! The primary split is the held-out period when there is one, else grouped K-fold (or the
//! LETOR test file). `trec_eval -m ndcg_cut.10 -m map -m recip_rank qrels.txt run-prior.txt`
//! reproduces the report's figures for that split.

use super::{Evaluation, SplitReport, plots};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use tieup_core::error::Result;

/// Metrics shown in the report's tables.
pub const TABLE_METRICS: [&str; 7] = [
    "ndcg@10",
    "ndcg_exp@10",
    "map",
    "mrr",
    "p@10",
    "recall@10",
    "hit@10",
];

/// A file-name-safe form of a ranker name.
pub fn file_safe(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// `metrics.json`: the primary split's mean metrics by ranker.
pub fn metrics_json(split: &SplitReport) -> String {
    let means: BTreeMap<&String, &BTreeMap<String, f64>> = split.mean.iter().collect();
    let mut text = serde_json::to_string_pretty(&means).expect("metrics serialise");
    text.push('\n');
    text
}

/// `qrels.txt` of a split.
pub fn qrels_text(split: &SplitReport) -> String {
    let mut out = String::new();
    for qid in &split.queries {
        for (doc, rel) in &split.qrels[qid] {
            let _ = writeln!(out, "{qid} 0 {doc} {rel}");
        }
    }
    out
}

/// `run-<ranker>.txt` of a split.
pub fn run_text(split: &SplitReport, ranker: &str) -> String {
    let mut out = String::new();
    for q in &split.rankings[ranker] {
        for (rank, (doc, score, _)) in q.ranking.iter().enumerate() {
            let _ = writeln!(out, "{} Q0 {doc} {} {score} {ranker}", q.qid, rank + 1);
        }
    }
    out
}

fn best_learner(split: &SplitReport, metric: &str) -> Option<String> {
    split
        .rankers
        .iter()
        .filter(|r| ["pointwise", "pairwise", "prior-anchored"].contains(&r.as_str()))
        .max_by(|a, b| split.mean[*a][metric].total_cmp(&split.mean[*b][metric]))
        .cloned()
}

fn p_text(p: f64) -> String {
    if p < 0.001 {
        format!("{p:.1e}")
    } else {
        format!("{p:.3}")
    }
}

/// True when `ndcg_exp@10` differs from `ndcg@10` for some ranker and query of the split.
///
/// They differ only for a query with relevant documents of different grades: with one chosen
/// partner per query, or partners of the same grade, the gain cancels in the normalisation.
pub fn exponential_gain_differs(split: &SplitReport) -> bool {
    split
        .per_query
        .values()
        .flatten()
        .any(|m| match (m.get("ndcg@10"), m.get("ndcg_exp@10")) {
            (Some(a), Some(b)) => (a - b).abs() > 1e-12,
            _ => false,
        })
}

/// The metrics of a split's table: [`TABLE_METRICS`], less `ndcg_exp@10` when it cannot differ
/// from `ndcg@10` ([`exponential_gain_differs`]).
fn table_metrics(split: &SplitReport) -> Vec<&'static str> {
    let graded = exponential_gain_differs(split);
    TABLE_METRICS
        .iter()
        .copied()
        .filter(|m| graded || *m != "ndcg_exp@10")
        .collect()
}

/// The file stem of a split's plot: `ndcg_at_k` for the primary split, `ndcg_at_k-temporal`
/// for the others.
pub fn plot_stem(kind: &str, split: &SplitReport, primary: bool) -> String {
    if primary {
        kind.to_string()
    } else {
        format!("{kind}-{}", file_safe(&split.name))
    }
}

fn split_section(out: &mut String, split: &SplitReport, metric: &str, primary: bool) {
    let _ = writeln!(out, "## Split `{}`\n\n{}.\n", split.name, split.description);
    let shown = table_metrics(split);
    let _ = write!(out, "| ranker | {metric} (95% CI) |");
    for m in shown.iter().filter(|m| **m != metric) {
        let _ = write!(out, " {m} |");
    }
    let _ = writeln!(out);
    let _ = write!(out, "|---|---|");
    for _ in shown.iter().filter(|m| **m != metric) {
        let _ = write!(out, "---|");
    }
    let _ = writeln!(out);
    for r in &split.rankers {
        let m = &split.mean[r];
        let ci = split.ci[r];
        let _ = write!(
            out,
            "| {r} | {:.4} ({:.3}-{:.3}) |",
            m[metric], ci.low, ci.high
        );
        for k in shown.iter().filter(|k| **k != metric) {
            let _ = write!(out, " {:.4} |", m[*k]);
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(out, "\n{} test queries.\n", split.queries.len());
    if let Some(best) = best_learner(split, metric) {
        best_section(out, split, metric, &best);
    }
    if primary {
        pairs_section(out, split, metric);
    }
    if split.by_group.len() > 1 {
        groups_section(out, split, metric, primary);
    }
    let _ = writeln!(
        out,
        "![NDCG@k]({}.svg)\n",
        plot_stem("ndcg_at_k", split, primary)
    );
}

/// The best learner against every other ranker.
fn best_section(out: &mut String, split: &SplitReport, metric: &str, best: &str) {
    let _ = writeln!(
        out,
        "Best learner `{best}` against every other ranker on {metric} (paired randomization test, two-sided; 95% bootstrap interval of the mean difference):\n"
    );
    let _ = writeln!(
        out,
        "| versus | difference | 95% CI | p |\n|---|---|---|---|"
    );
    for c in &split.comparisons {
        let (other, sign) = if c.a == best {
            (&c.b, 1.0)
        } else if c.b == best {
            (&c.a, -1.0)
        } else {
            continue;
        };
        // + 0.0 turns a negated zero into 0 (no "-0.000" in the table).
        let (low, high) = if sign > 0.0 {
            (c.ci.low + 0.0, c.ci.high + 0.0)
        } else {
            (-c.ci.high + 0.0, -c.ci.low + 0.0)
        };
        let _ = writeln!(
            out,
            "| {other} | {:+.4} | {:+.3} to {:+.3} | {} |",
            sign * c.mean_difference + 0.0,
            low,
            high,
            p_text(c.p_value)
        );
    }
    let _ = writeln!(out);
}

/// p-values of every pair of rankers.
fn pairs_section(out: &mut String, split: &SplitReport, metric: &str) {
    let _ = writeln!(
        out,
        "p-values of every pair on {metric} (row versus column):\n"
    );
    let _ = write!(out, "| |");
    for r in &split.rankers {
        let _ = write!(out, " {r} |");
    }
    let _ = write!(out, "\n|---|");
    for _ in &split.rankers {
        let _ = write!(out, "---|");
    }
    let _ = writeln!(out);
    for a in &split.rankers {
        let _ = write!(out, "| {a} |");
        for b in &split.rankers {
            let p = split
                .comparisons
                .iter()
                .find(|c| (c.a == *a && c.b == *b) || (c.a == *b && c.b == *a))
                .map_or("".to_string(), |c| p_text(c.p_value));
            let _ = write!(out, " {p} |");
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(out);
}

/// Mean headline metric by survey sector, with 95% Wilson intervals.
fn groups_section(out: &mut String, split: &SplitReport, metric: &str, primary: bool) {
    let _ = writeln!(
        out,
        "Mean {metric} by survey sector (test queries; 95% Wilson interval in brackets):\n"
    );
    let _ = write!(out, "| sector | n |");
    for r in &split.rankers {
        let _ = write!(out, " {r} |");
    }
    let _ = write!(out, "\n|---|---|");
    for _ in &split.rankers {
        let _ = write!(out, "---|");
    }
    let _ = writeln!(out);
    for (g, values) in &split.by_group {
        let _ = write!(out, "| {g} | {} |", split.group_sizes[g]);
        for r in &split.rankers {
            let ci = &split.group_ci[g][r];
            let _ = write!(out, " {:.3} ({:.2}-{:.2}) |", values[r], ci.low, ci.high);
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(
        out,
        "\n![per sector]({}.svg)\n",
        plot_stem("per_sector", split, primary)
    );
}

/// The markdown report.
pub fn report_md(eval: &Evaluation) -> String {
    let p = &eval.params;
    let metric = &p.metric;
    let mut out = String::new();
    let _ = writeln!(out, "# tieup evaluation\n");
    let _ = writeln!(out, "Data: `{}`.", eval.data);
    for note in &eval.notes {
        let _ = writeln!(out, "- {note}");
    }
    let _ = writeln!(
        out,
        "\nParameters: headline metric `{metric}`; {} folds; temporal split year {}; seed {}; {} negatives per training query; l2 {}; {} permutations; {} bootstrap resamples.\n",
        p.folds,
        p.split_year
            .map_or("automatic (~20% test)".into(), |y| format!("FY{y}")),
        p.seed,
        p.negatives,
        p.l2,
        p.permutations,
        p.bootstrap
    );
    if let Some(replay) = &eval.replay {
        out.push_str(&replay.markdown());
        out.push('\n');
    }
    if let Some(g) = &eval.goal {
        goal_section(&mut out, g);
    }
    for (i, split) in eval.splits.iter().enumerate() {
        split_section(&mut out, split, metric, i == 0);
    }
    if super::raster::font_family().is_none() {
        let _ = writeln!(
            out,
            "Note: no sans-serif font was found on this machine, so the PNG plots have no text; the SVGs are complete. On Debian, `apt-get install fonts-dejavu-core`.\n"
        );
    }
    let _ = writeln!(
        out,
        "## Definitions\n\n\
         Metrics as trec_eval defines them: `ndcg@k` = trec_eval `ndcg_cut_k` (gain = label, discount log2(rank + 1), ideal from all judged documents), `ndcg_exp@k` the same with LightGBM's gain 2^label − 1, `map`, `mrr` = `recip_rank`, `p@k` = `P_k`, `recall@k` = `recall_k`, `hit@k` = `success_k`. Ties in score are ordered by document id in decreasing order, as trec_eval does. A query without a relevant document scores 0 and counts in the mean.\n\n\
         On catalog data, labels are graded by outcome (3 results during the project, 2 after it or reported success, 1 not yet or unknown), but a partnership is one query whose chosen partners share its outcome: with one grade per query the gain cancels in NDCG's normalisation, so `ndcg_exp@k` equals `ndcg@k`. A split's table shows `ndcg_exp@10` only when some query has relevant documents of different grades (LETOR data); it stays in `metrics.json`, `evaluation.json` and `per_query.csv` either way.\n\n\
         Per-sector intervals are 95% Wilson score intervals of the group mean: exact in construction for a proportion such as hit@10, conservative for a metric in [0, 1] such as NDCG (its variance is at most p(1 − p)), and defined for every group, even one of a single query. The intervals of the whole split are percentile bootstraps of the mean. `per_query.csv` has every metric of every test query, ranker and split.\n\n\
         The primary split (`{}`) is in `qrels.txt` and `run-<ranker>.txt`; `trec_eval -m ndcg_cut.10 -m map -m recip_rank qrels.txt run-<ranker>.txt` gives the same figures. `evaluation.json` has every split, interval and comparison.",
        eval.splits.first().map_or("", |s| s.name.as_str())
    );
    out
}

/// The goal's table: each condition, measured against its target.
fn goal_section(out: &mut String, g: &super::goal::Goal) {
    let _ = writeln!(out, "## Goal\n");
    let _ = writeln!(
        out,
        "On the `{}` split, the best learner reaches at least {:.0}% of the oracle's {} and beats the prior and same-sector baselines with p < {}.\n",
        g.split,
        100.0 * g.target_ratio,
        g.metric,
        g.target_p
    );
    let _ = writeln!(
        out,
        "| condition | measured | target | met |\n|---|---|---|---|"
    );
    let yes = |b: bool| if b { "yes" } else { "no" };
    let _ = writeln!(
        out,
        "| {} / oracle | {:.4} / {:.4} = {:.3} | ≥ {} | {} |",
        g.best_learner,
        g.best_learner_mean,
        g.oracle_mean,
        g.ratio,
        g.target_ratio,
        yes(g.ratio >= g.target_ratio)
    );
    let _ = writeln!(
        out,
        "| {} − prior | {:+.4}, p = {} | > 0, p < {} | {} |",
        g.best_learner,
        g.diff_vs_prior,
        p_text(g.p_vs_prior),
        g.target_p,
        yes(g.diff_vs_prior > 0.0 && g.p_vs_prior < g.target_p)
    );
    let _ = writeln!(
        out,
        "| {} − same-sector | {:+.4}, p = {} | > 0, p < {} | {} |",
        g.best_learner,
        g.diff_vs_same_sector,
        p_text(g.p_vs_same_sector),
        g.target_p,
        yes(g.diff_vs_same_sector > 0.0 && g.p_vs_same_sector < g.target_p)
    );
    let _ = writeln!(out, "\nGoal {}.\n", if g.met { "met" } else { "not met" });
}

/// Writes every file of the evaluation into `dir`; returns the file names written.
pub fn write(dir: &Path, eval: &Evaluation) -> Result<Vec<String>> {
    std::fs::create_dir_all(dir).map_err(|e| tieup_core::error::Error::io(dir, e))?;
    let mut written = Vec::new();
    let mut put = |name: String, bytes: &[u8]| -> Result<()> {
        tieup_core::fsutil::write_atomic(&dir.join(&name), bytes)?;
        written.push(name);
        Ok(())
    };
    let primary = eval.splits.first().expect("an evaluation has a split");
    put("report.md".into(), report_md(eval).as_bytes())?;
    put("metrics.json".into(), metrics_json(primary).as_bytes())?;
    let mut full = serde_json::to_string_pretty(eval).expect("evaluation serialises");
    full.push('\n');
    put("evaluation.json".into(), full.as_bytes())?;
    put("qrels.txt".into(), qrels_text(primary).as_bytes())?;
    if let Some(replay) = &eval.replay {
        put("replay.csv".into(), replay.csv().as_bytes())?;
    }
    for r in &primary.rankers {
        put(
            format!("run-{}.txt", file_safe(r)),
            run_text(primary, r).as_bytes(),
        )?;
    }
    put("per_query.csv".into(), per_query_csv(eval).as_bytes())?;
    for (i, split) in eval.splits.iter().enumerate() {
        let plots = [
            ("ndcg_at_k", plots::ndcg_curve_svg(split)?),
            (
                "per_sector",
                plots::per_group_svg(split, &eval.params.metric)?,
            ),
        ];
        for (kind, svg) in plots {
            let stem = plot_stem(kind, split, i == 0);
            put(format!("{stem}.png"), &super::raster::svg_to_png(&svg)?)?;
            put(format!("{stem}.svg"), svg.as_bytes())?;
        }
    }
    Ok(written)
}

/// `per_query.csv`: one row per split, test query and ranker, with every metric (columns in
/// name order, 6 decimals).
pub fn per_query_csv(eval: &Evaluation) -> String {
    let mut names: Vec<&String> = eval
        .splits
        .iter()
        .flat_map(|s| s.per_query.values().flatten())
        .next()
        .map(|m| m.keys().collect())
        .unwrap_or_default();
    // ndcg@1, ndcg@3, ndcg@10, ...: by name, then by cut-off as a number.
    names.sort_by_key(|n| {
        let (name, k) = n.split_once('@').unwrap_or((n.as_str(), ""));
        (name.to_string(), k.parse::<usize>().unwrap_or(0))
    });
    let mut out = String::from("split,query_id,group,ranker");
    for n in &names {
        let _ = write!(out, ",{n}");
    }
    out.push('\n');
    for split in &eval.splits {
        for ranker in &split.rankers {
            let rows = &split.per_query[ranker];
            for ((qid, group), m) in split.queries.iter().zip(&split.query_groups).zip(rows) {
                let _ = write!(
                    out,
                    "{},{},{},{}",
                    csv_field(&split.name),
                    csv_field(qid),
                    csv_field(group),
                    csv_field(ranker)
                );
                for n in &names {
                    let _ = write!(out, ",{:.6}", m.get(*n).copied().unwrap_or(f64::NAN));
                }
                out.push('\n');
            }
        }
    }
    out
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
fn csv_field(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\"")).into()
    } else {
        text.into()
    }
}
