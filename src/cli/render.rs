//! Rendering library reports as tables (100 columns), CSV and JSON.

use anyhow::Result;
use std::io::Write;
use tieup_core::catalog::CatalogStats;
use tieup_core::features::FEATURES;
use tieup_core::report::{RegionEntry, SectorEntry, ShortlistReport};

/// Pads or cuts `text` to exactly `width` characters.
fn fit(text: &str, width: usize) -> String {
    let n = text.chars().count();
    if n <= width {
        format!("{text}{}", " ".repeat(width - n))
    } else {
        let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

/// Pretty JSON with a trailing newline.
pub fn json<T: serde::Serialize + ?Sized>(out: &mut dyn Write, value: &T) -> Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)?;
    Ok(())
}

const TABLE_WIDTH: usize = 100;

/// The top positive reasons of a candidate as `label +0.12` items.
fn top_reasons(c: &tieup_core::report::CandidateReport, n: usize) -> String {
    let mut items: Vec<(f64, usize)> = c
        .contributions
        .0
        .iter()
        .enumerate()
        .filter(|(_, v)| **v > 0.0)
        .map(|(f, v)| (*v, f))
        .collect();
    items.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    items
        .iter()
        .take(n)
        .map(|(v, f)| format!("{} +{v:.2}", FEATURES[*f].label))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A shortlist as an aligned table; with `explain`, every reason under each row.
pub fn shortlist_table(out: &mut dyn Write, report: &ShortlistReport, explain: bool) -> Result<()> {
    let q = &report.query;
    let title = format!("Partners for {} in {}", q.region_name, q.sector_name);
    let weights = match &report.model.fallback {
        Some(_) => format!("default weights, none for {}", q.survey_sector),
        None => format!("{} weights", q.survey_sector),
    };
    let mut subtitle = format!(
        "model {} ({weights}), {} candidates scored",
        report.model.kind, report.n_candidates
    );
    if !q.wanted.is_empty() {
        subtitle.push_str(&format!("; wanted: {}", q.wanted.join(", ")));
    }
    writeln!(out, "{}", fit(&title, TABLE_WIDTH).trim_end())?;
    writeln!(out, "{}", fit(&subtitle, TABLE_WIDTH).trim_end())?;
    if let Some(text) = selection_line(report) {
        for line in wrap(&text, TABLE_WIDTH) {
            writeln!(out, "{line}")?;
        }
    }
    writeln!(
        out,
        "{} {} {} {} top reasons",
        fit("rank", 4),
        fit("region", 28),
        fit("cc", 2),
        fit(" score", 6),
    )?;
    writeln!(out, "{}", "-".repeat(TABLE_WIDTH))?;
    for c in &report.candidates {
        let line = format!(
            "{:>4} {} {} {:>6.3} {}",
            c.rank,
            fit(&c.name, 28),
            fit(&c.country, 2),
            c.score,
            top_reasons(c, 3)
        );
        writeln!(out, "{}", fit(&line, TABLE_WIDTH).trim_end())?;
        if !c.also.is_empty() {
            for line in wrap(&format!("- also {}", also_text(c)), TABLE_WIDTH - 5) {
                writeln!(out, "     {line}")?;
            }
        }
        if explain {
            for r in &c.reasons {
                let text = format!("       {:+.3} {}: {}", r.contribution, r.feature, r.detail);
                writeln!(out, "{text}")?;
            }
        }
    }
    // Only a selection can leave fewer rows than asked for on a catalog with enough
    // candidates; an expanded, unfiltered table reads as before.
    if report.candidates.len() < q.top && (q.grouped || report.n_eligible.is_some()) {
        writeln!(
            out,
            "(only {} row(s): no other place passes the filters and the cap; {} asked for)",
            report.candidates.len(),
            q.top
        )?;
    }
    if !explain {
        writeln!(
            out,
            "(scores are sums of weight x feature; --explain or --format json gives every reason)"
        )?;
    }
    Ok(())
}

/// The filters and grouping of a shortlist as one header line (none for an expanded,
/// unfiltered list, whose table reads as before grouping existed).
fn selection_line(report: &ShortlistReport) -> Option<String> {
    let q = &report.query;
    let mut parts: Vec<String> = Vec::new();
    if q.grouped {
        parts.push("one row per place (--expand lists nested regions apart)".into());
    }
    if !q.countries.is_empty() {
        parts.push(format!("country {}", q.countries.join(", ")));
    }
    if !q.levels.is_empty() {
        parts.push(format!("level {}", q.levels.join(", ")));
    }
    if !q.exclude.is_empty() {
        parts.push(format!("excluding {}", q.exclude.join(", ")));
    }
    if let Some(n) = q.max_per_country {
        parts.push(format!("at most {n} per country"));
    }
    if let Some(n) = report.n_eligible {
        parts.push(format!("{n} pass the filters"));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// Breaks `text` at spaces into lines of at most `width` characters (a longer word stays
/// whole); never cuts.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split(' ') {
        let line = lines.last_mut().expect("one line");
        let n = line.chars().count();
        if n > 0 && n + 1 + word.chars().count() > width {
            lines.push(format!("  {word}"));
        } else {
            if n > 0 {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines
}

/// "Munich (#3), Nuremberg (#7)": the regions folded into a row, with their ranks without
/// grouping.
fn also_text(c: &tieup_core::report::CandidateReport) -> String {
    c.also
        .iter()
        .map(|m| format!("{} (#{})", m.name, m.rank_ungrouped))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A shortlist as CSV: one row per candidate, one contribution column per feature.
pub fn shortlist_csv(out: &mut dyn Write, report: &ShortlistReport) -> Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let mut header = vec![
        "rank".to_string(),
        "region_id".into(),
        "name".into(),
        "country".into(),
        "score".into(),
        "top_reasons".into(),
    ];
    header.extend(FEATURES.iter().map(|f| format!("contribution_{}", f.name)));
    // Grouped lists add the folded regions last; expanded lists keep the old columns.
    let grouped = report.query.grouped;
    if grouped {
        header.push("also".into());
    }
    w.write_record(&header)?;
    for c in &report.candidates {
        let mut row = vec![
            c.rank.to_string(),
            c.region_id.clone(),
            c.name.clone(),
            c.country.clone(),
            c.score.to_string(),
            top_reasons(c, 3),
        ];
        row.extend(c.contributions.0.iter().map(|v| v.to_string()));
        if grouped {
            row.push(also_text(c));
        }
        w.write_record(&row)?;
    }
    w.flush()?;
    Ok(())
}

fn top_strengths(e: &RegionEntry, n: usize) -> String {
    let mut items: Vec<(&String, &f64)> = e.strengths.iter().collect();
    items.sort_by(|a, b| b.1.total_cmp(a.1).then(a.0.cmp(b.0)));
    items
        .iter()
        .take(n)
        .map(|(s, v)| format!("{s} {v:.1}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Regions as an aligned table.
pub fn regions_table(out: &mut dyn Write, entries: &[RegionEntry]) -> Result<()> {
    writeln!(
        out,
        "{} {} {} {} strengths",
        fit("id", 22),
        fit("name", 24),
        fit("cc", 2),
        fit("parent", 16),
    )?;
    writeln!(out, "{}", "-".repeat(TABLE_WIDTH))?;
    for e in entries {
        let line = format!(
            "{} {} {} {} {}",
            fit(&e.id, 22),
            fit(&e.name, 24),
            fit(&e.country, 2),
            fit(e.parent.as_deref().unwrap_or(""), 16),
            top_strengths(e, 3)
        );
        writeln!(out, "{}", fit(&line, TABLE_WIDTH).trim_end())?;
    }
    writeln!(out, "({} regions)", entries.len())?;
    Ok(())
}

/// Regions as CSV.
pub fn regions_csv(out: &mut dyn Write, entries: &[RegionEntry]) -> Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "id",
        "name",
        "aliases",
        "kind",
        "country",
        "parent",
        "level",
        "bureau",
        "lat",
        "lon",
        "languages",
        "strengths",
    ])?;
    for e in entries {
        let strengths: Vec<String> = e
            .strengths
            .iter()
            .map(|(s, v)| format!("{s}={v}"))
            .collect();
        w.write_record([
            e.id.clone(),
            e.name.clone(),
            e.aliases.join(";"),
            match e.kind {
                tieup_core::catalog::RegionKind::Japan => "japan".into(),
                tieup_core::catalog::RegionKind::Overseas => "overseas".into(),
            },
            e.country.clone(),
            e.parent.clone().unwrap_or_default(),
            e.level.clone(),
            e.bureau.clone().unwrap_or_default(),
            e.lat.to_string(),
            e.lon.to_string(),
            e.languages.join(";"),
            strengths.join(";"),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// Sectors as an aligned table.
pub fn sectors_table(out: &mut dyn Write, entries: &[SectorEntry]) -> Result<()> {
    writeln!(
        out,
        "{} {} {} isic4",
        fit("id", 27),
        fit("name", 40),
        fit("survey sector", 16),
    )?;
    writeln!(out, "{}", "-".repeat(TABLE_WIDTH))?;
    for e in entries {
        let line = format!(
            "{} {} {} {}",
            fit(&e.id, 27),
            fit(&e.name, 40),
            fit(e.parent.as_deref().unwrap_or("(survey)"), 16),
            e.isic4.join(";")
        );
        writeln!(out, "{}", fit(&line, TABLE_WIDTH).trim_end())?;
    }
    writeln!(out, "({} sectors)", entries.len())?;
    Ok(())
}

/// Sectors as CSV.
pub fn sectors_csv(out: &mut dyn Write, entries: &[SectorEntry]) -> Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "id",
        "name",
        "parent",
        "aliases",
        "isic4",
        "naics2012",
        "uscmp_cluster",
    ])?;
    for e in entries {
        w.write_record([
            e.id.clone(),
            e.name.clone(),
            e.parent.clone().unwrap_or_default(),
            e.aliases.join(";"),
            e.isic4.join(";"),
            e.naics2012.join(";"),
            e.uscmp_cluster.clone().unwrap_or_default(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// Catalog statistics as text.
pub fn stats_table(out: &mut dyn Write, s: &CatalogStats) -> Result<()> {
    writeln!(
        out,
        "sectors:            {} survey + {} finer",
        s.survey_sectors, s.fine_sectors
    )?;
    writeln!(
        out,
        "japanese regions:   {} prefectures + {} areas",
        s.japan_prefectures, s.japan_areas
    )?;
    writeln!(
        out,
        "overseas regions:   {} in {} countries",
        s.overseas_regions, s.overseas_countries
    )?;
    writeln!(out, "past partnerships:  {}", s.partnerships)?;
    for (what, counts) in [
        ("strength values", &s.strengths),
        ("trait values", &s.traits),
    ] {
        let parts: Vec<String> = counts.iter().map(|(k, v)| format!("{v} {k}")).collect();
        writeln!(out, "{what:<19} {}", parts.join(", "))?;
    }
    if !s.regions_with_statistics.is_empty() {
        let parts: Vec<String> = s
            .regions_with_statistics
            .iter()
            .map(|(k, v)| format!("{v} {k}"))
            .collect();
        writeln!(out, "regions w/ stats    {}", parts.join(", "))?;
        writeln!(
            out,
            "curated overridden  {} strength values",
            s.curated_strengths_overridden
        )?;
    }
    let parts: Vec<String> = s
        .relatedness
        .iter()
        .map(|(k, v)| format!("{v} {k}"))
        .collect();
    writeln!(out, "relatedness pairs   {}", parts.join(", "))?;
    writeln!(
        out,
        "derived geography   {} regions; twin-city ties: {} region pairs",
        s.geo_overrides, s.twin_ties
    )?;
    Ok(())
}

/// A short summary of an evaluation: the primary split's headline metric per ranker, the goal.
pub fn eval_summary(out: &mut dyn Write, eval: &tieup_bench::eval::Evaluation) -> Result<()> {
    let metric = &eval.params.metric;
    for split in &eval.splits {
        writeln!(
            out,
            "{} ({} queries): {}",
            split.name,
            split.queries.len(),
            split
                .rankers
                .iter()
                .map(|r| format!("{r} {:.3}", split.mean[r][metric]))
                .collect::<Vec<_>>()
                .join(", ")
        )?;
    }
    if let Some(g) = &eval.goal {
        writeln!(
            out,
            "goal ({}): {} / oracle = {:.3} (target {}), p vs prior {:.2e}, p vs same-sector {:.2e}: {}",
            g.metric,
            g.best_learner,
            g.ratio,
            g.target_ratio,
            g.p_vs_prior,
            g.p_vs_same_sector,
            if g.met { "met" } else { "not met" }
        )?;
    }
    Ok(())
}
