//! Rendering library reports as tables (100 columns), CSV and JSON.

use anyhow::Result;
use std::io::Write;
use tieup_core::catalog::CatalogStats;
use tieup_core::features::FEATURES;
use tieup_core::plain::{Lang, PlainCandidate, PlainShortlist, summary};
use tieup_core::report::{CandidateReport, RegionEntry, SectorEntry, ShortlistReport};

/// Display width of `text` in a terminal (East Asian wide characters count two).
fn width(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
}

/// Pads or cuts `text` to exactly `columns` display columns (wide characters count two).
fn fit(text: &str, columns: usize) -> String {
    let n = width(text);
    if n <= columns {
        return format!("{text}{}", " ".repeat(columns - n));
    }
    let mut cut = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > columns {
            break;
        }
        cut.push(c);
        used += w;
    }
    cut.push('…');
    format!("{cut}{}", " ".repeat(columns.saturating_sub(used + 1)))
}

/// Breaks `text` into lines of at most `columns` display columns, at spaces where it can
/// and between characters where a word is longer than a line (Japanese has no spaces).
fn wrap_text(text: &str, columns: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let sep = usize::from(!line.is_empty());
        if width(&line) + sep + width(word) <= columns {
            if sep == 1 {
                line.push(' ');
            }
            line.push_str(word);
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        for c in word.chars() {
            let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            if width(&line) + w > columns && !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            line.push(c);
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Lays out `items` joined by "; " in lines of at most `columns` display columns, starting a
/// new line rather than splitting an item that fits on one.
fn wrap_items(items: &[String], columns: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for (i, item) in items.iter().enumerate() {
        let piece = if i + 1 < items.len() {
            format!("{item};")
        } else {
            item.clone()
        };
        let sep = usize::from(!line.is_empty());
        if width(&line) + sep + width(&piece) <= columns {
            if sep == 1 {
                line.push(' ');
            }
            line.push_str(&piece);
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        let mut parts = wrap_text(&piece, columns);
        line = parts.pop().unwrap_or_default();
        lines.extend(parts);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Pretty JSON with a trailing newline.
pub fn json<T: serde::Serialize + ?Sized>(out: &mut dyn Write, value: &T) -> Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)?;
    Ok(())
}

const TABLE_WIDTH: usize = 100;

/// Reasons a table row shows: the three largest raises and the largest penalty.
const TABLE_REASONS: usize = 3;

/// Where the reasons column starts: after rank (4), region (28), country (2), score (6).
const REASONS_COLUMN: usize = 4 + 1 + 28 + 1 + 2 + 1 + 6 + 1;

/// The fixed words of the shortlist table in one language.
struct TableWords {
    title: String,
    subtitle: String,
    header: [&'static str; 5],
    footer: &'static str,
}

fn table_words(report: &ShortlistReport, words: &PlainShortlist) -> TableWords {
    let fallback = report.model.fallback.is_some();
    let kind = &report.model.kind;
    let n = report.n_candidates;
    let (region, sector, survey) = (
        &words.region_name,
        &words.sector_name,
        &words.survey_sector_name,
    );
    match words.lang {
        Lang::En => TableWords {
            title: format!("Partners for {region} in {sector}"),
            subtitle: match fallback {
                true => format!(
                    "model {kind} (default weights, none for {survey}), {n} candidates scored"
                ),
                false => format!("model {kind} ({survey} weights), {n} candidates scored"),
            },
            header: [
                "rank",
                "region",
                "cc",
                " score",
                "reasons (+ raises the score, − lowers it)",
            ],
            footer: "(scores are sums of weight x feature; --explain or --format json gives every reason and its source)",
        },
        Lang::Ja => TableWords {
            title: format!("{region}・{sector}の海外連携先候補"),
            subtitle: match fallback {
                true => format!(
                    "モデル {kind}（{survey}の重みがないため既定の重み）、{n}件の候補を採点"
                ),
                false => format!("モデル {kind}（{survey}の重み）、{n}件の候補を採点"),
            },
            header: [
                "順位",
                "地域",
                "国",
                "スコア",
                "主な理由（+は加点、−は減点）",
            ],
            footer: "（スコアは重み×特徴量の合計。--explain または --format json ですべての理由と出典を表示）",
        },
    }
}

/// A shortlist as an aligned table: each row's reasons are the largest raises and always
/// the largest penalty, in plain words, wrapped under one another (never cut); with
/// `explain`, every reason with its source under each row.
pub fn shortlist_table(
    out: &mut dyn Write,
    report: &ShortlistReport,
    words: &PlainShortlist,
    explain: bool,
) -> Result<()> {
    let mut text = table_words(report, words);
    let wanted = &report.query.wanted;
    if !wanted.is_empty() {
        let label = if words.lang == Lang::Ja {
            "；重視："
        } else {
            "; wanted: "
        };
        text.subtitle
            .push_str(&format!("{label}{}", wanted.join(", ")));
    }
    for line in [&text.title, &text.subtitle] {
        for part in wrap_text(line, TABLE_WIDTH) {
            writeln!(out, "{}", part.trim_end())?;
        }
    }
    if let Some(line) = selection_line(report, words.lang) {
        for part in wrap(&line, TABLE_WIDTH) {
            writeln!(out, "{part}")?;
        }
    }
    if let Some(notice) = &report.query.year_limit {
        for part in wrap_text(&notice.sentences(words.lang).join(" "), TABLE_WIDTH) {
            writeln!(out, "{}", part.trim_end())?;
        }
    }
    let [rank, region, cc, score, reasons] = text.header;
    writeln!(
        out,
        "{} {} {} {} {reasons}",
        fit(rank, 4),
        fit(region, 28),
        fit(cc, 2),
        fit(score, 6)
    )?;
    writeln!(out, "{}", "-".repeat(TABLE_WIDTH))?;
    for (c, plain) in report.candidates.iter().zip(&words.candidates) {
        candidate_rows(out, c, plain, words.lang, explain)?;
    }
    shortfall_note(out, report, words.lang)?;
    if !explain {
        for part in wrap_text(text.footer, TABLE_WIDTH) {
            writeln!(out, "{part}")?;
        }
    }
    Ok(())
}

/// One candidate's rows: rank, name, country, score and its reasons wrapped; the nested
/// places it stands for; with `explain`, every contribution.
fn candidate_rows(
    out: &mut dyn Write,
    c: &CandidateReport,
    plain: &PlainCandidate,
    lang: Lang,
    explain: bool,
) -> Result<()> {
    let items: Vec<String> = summary(&plain.reasons, TABLE_REASONS)
        .iter()
        .map(|r| r.text())
        .collect();
    let lines = wrap_items(&items, TABLE_WIDTH - REASONS_COLUMN);
    let head = format!(
        "{:>4} {} {} {:>6.3} ",
        c.rank,
        fit(&plain.name, 28),
        fit(&c.country, 2),
        c.score
    );
    writeln!(out, "{}", format!("{head}{}", lines[0]).trim_end())?;
    for line in &lines[1..] {
        writeln!(out, "{}{line}", " ".repeat(REASONS_COLUMN))?;
    }
    if !c.also.is_empty() {
        let also = if lang == Lang::Ja {
            "- ほかに"
        } else {
            "- also"
        };
        for line in wrap(&format!("{also} {}", also_text(c)), TABLE_WIDTH - 5) {
            writeln!(out, "     {line}")?;
        }
    }
    if explain {
        for r in &c.reasons {
            let text = format!("       {:+.3} {}: {}", r.contribution, r.feature, r.detail);
            writeln!(out, "{text}")?;
        }
    }
    Ok(())
}

/// The note under a table that a selection left shorter than asked for.
fn shortfall_note(out: &mut dyn Write, report: &ShortlistReport, lang: Lang) -> Result<()> {
    // Only a selection can leave fewer rows than asked for on a catalog with enough
    // candidates; an expanded, unfiltered table reads as before.
    if report.candidates.len() < report.query.top
        && (report.query.grouped || report.n_eligible.is_some())
    {
        let (n, top) = (report.candidates.len(), report.query.top);
        if lang == Lang::Ja {
            writeln!(
                out,
                "（{n}行のみ：ほかに条件と上限に合う地域はありません。指定は{top}行）"
            )?;
        } else {
            writeln!(
                out,
                "(only {n} row(s): no other place passes the filters and the cap; {top} asked for)"
            )?;
        }
    }
    Ok(())
}

/// The filters and grouping of a shortlist as one header line (none for an expanded,
/// unfiltered list, whose table reads as before grouping existed).
fn selection_line(report: &ShortlistReport, lang: Lang) -> Option<String> {
    let q = &report.query;
    let ja = lang == Lang::Ja;
    let mut parts: Vec<String> = Vec::new();
    if q.grouped {
        parts.push(if ja {
            "1地域1行（州・省とその都市は同じ行。--expand で別々の行）".into()
        } else {
            "one row per place (--expand lists nested regions apart)".into()
        });
    }
    if !q.countries.is_empty() {
        let label = if ja { "国" } else { "country" };
        parts.push(format!("{label} {}", q.countries.join(", ")));
    }
    if !q.levels.is_empty() {
        let label = if ja { "区分" } else { "level" };
        parts.push(format!("{label} {}", q.levels.join(", ")));
    }
    if !q.exclude.is_empty() {
        let label = if ja { "除外" } else { "excluding" };
        parts.push(format!("{label} {}", q.exclude.join(", ")));
    }
    if let Some(n) = q.max_per_country {
        parts.push(if ja {
            format!("1か国あたり最大{n}件")
        } else {
            format!("at most {n} per country")
        });
    }
    if let Some(n) = report.n_eligible {
        parts.push(if ja {
            format!("{n}件が条件に合致")
        } else {
            format!("{n} pass the filters")
        });
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

/// A number rounded for a spreadsheet: four decimals, no negative zero.
fn rounded(value: f64) -> String {
    let text = format!("{value:.4}");
    if text == "-0.0000" {
        "0.0000".into()
    } else {
        text
    }
}

/// A shortlist as CSV: one row per candidate with country and parent names, the reasons a
/// table shows, every reason in words and in full with its source, and one rounded
/// contribution column per feature.
pub fn shortlist_csv(
    out: &mut dyn Write,
    report: &ShortlistReport,
    words: &PlainShortlist,
) -> Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let mut header: Vec<String> = [
        "rank",
        "region_id",
        "name",
        "country",
        "country_name",
        "parent",
        "parent_name",
        "score",
        "top_reasons",
        "reasons",
        "details",
    ]
    .map(String::from)
    .to_vec();
    header.extend(FEATURES.iter().map(|f| format!("contribution_{}", f.name)));
    // Grouped lists add the folded regions last; expanded lists keep the old columns.
    let grouped = report.query.grouped;
    if grouped {
        header.push("also".into());
    }
    w.write_record(&header)?;
    for (c, plain) in report.candidates.iter().zip(&words.candidates) {
        let top: Vec<String> = summary(&plain.reasons, TABLE_REASONS)
            .iter()
            .map(|r| r.text())
            .collect();
        let all: Vec<String> = plain.reasons.iter().map(|r| r.text()).collect();
        let details: Vec<String> = c
            .reasons
            .iter()
            .map(|r| format!("{} {:+.4}: {}", r.feature, r.contribution, r.detail))
            .collect();
        let mut row = vec![
            c.rank.to_string(),
            c.region_id.clone(),
            plain.name.clone(),
            c.country.clone(),
            plain.country_name.clone(),
            c.parent.clone().unwrap_or_default(),
            plain.parent_name.clone().unwrap_or_default(),
            rounded(c.score),
            top.join("; "),
            all.join("; "),
            details.join(" | "),
        ];
        row.extend(c.contributions.0.iter().map(|&v| rounded(v)));
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
        "name_ja",
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
            e.name_ja.clone().unwrap_or_default(),
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

/// Sectors as an aligned table, each with every word it is found by (its aliases, in
/// English and Japanese) wrapped under it.
pub fn sectors_table(out: &mut dyn Write, entries: &[SectorEntry]) -> Result<()> {
    writeln!(
        out,
        "{} {} survey sector / also found as",
        fit("id", 27),
        fit("name", 40),
    )?;
    writeln!(out, "{}", "-".repeat(TABLE_WIDTH))?;
    const INDENT: usize = 6;
    for e in entries {
        let line = format!(
            "{} {} {}",
            fit(&e.id, 27),
            fit(&e.name, 40),
            e.parent.as_deref().unwrap_or("(survey)"),
        );
        writeln!(out, "{}", line.trim_end())?;
        for part in wrap_items(&e.aliases, TABLE_WIDTH - INDENT) {
            writeln!(out, "{}{part}", " ".repeat(INDENT))?;
        }
    }
    writeln!(
        out,
        "({} sectors; a name, an id or any word above finds a sector, in any case, singular or plural)",
        entries.len()
    )?;
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
