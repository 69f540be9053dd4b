//! Batch output: scored applications as CSV, JSON Lines or an Excel workbook
//! ([`crate::workbook`]), and rejected rows as CSV, one row per problem. The layouts here are a
//! contract (`BATCH_CSV_HEADER`, `REJECTS_CSV_HEADER`, the JSON Lines objects).

use crate::explain;
use crate::score::{PointStatus, ScoredApplication};
use serde::Serialize;
use tieup_core::catalog::Catalog;
use tieup_core::report::Named;

/// Output format of batch scoring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchFormat {
    /// One row per application and rank.
    Csv,
    /// One JSON object per application.
    JsonLines,
    /// An Excel workbook for a selection committee: summary, candidates, columns explained.
    Xlsx,
}

/// Writes scored applications (CSV or JSON Lines) and rejects (CSV) to two writers.
///
/// CSV columns: [`BATCH_CSV_HEADER`]; numbers rounded to 4 decimals, reasons in full, the
/// checklist points by number and name; one row per shortlist row, so a grouped place is one
/// row (JSON Lines candidates name the folded regions in `also`). Rejects:
/// [`REJECTS_CSV_HEADER`], one row per problem.
pub struct BatchWriter<'a, O: std::io::Write, J: std::io::Write> {
    catalog: &'a Catalog,
    out: BatchOut<O>,
    rejects: Option<csv::Writer<J>>,
}

enum BatchOut<O: std::io::Write> {
    Csv(Box<csv::Writer<O>>),
    Json(O),
    Xlsx(Box<crate::workbook::Workbook>, O),
}

/// The CSV header of the rejects file: one row per problem, with the column it is in
/// (`(row)` for a problem of the whole row).
pub const REJECTS_CSV_HEADER: [&str; 4] = ["line", "application_id", "column", "problem"];

/// The CSV header of batch output.
pub const BATCH_CSV_HEADER: [&str; 17] = [
    "application_id",
    "line",
    "japan_region",
    "sector",
    "rank",
    "region_id",
    "region_name",
    "country",
    "score",
    "reasons",
    "partner_fit",
    "p_during",
    "p_after",
    "p_not_yet",
    "checklist_met",
    "checklist_at_risk",
    "checklist_unknown",
];

#[derive(Serialize)]
struct JsonCandidate<'a> {
    rank: usize,
    region_id: &'a str,
    name: &'a str,
    country: &'a str,
    score: f64,
    contributions: Named,
    top_reasons: Vec<String>,
    /// Regions folded into this row (grouped output), as in the shortlist report.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    also: Vec<tieup_core::report::MemberReport>,
}

#[derive(Serialize)]
struct JsonApplication<'a> {
    application_id: &'a str,
    line: u64,
    japan_region: &'a str,
    sector: &'a str,
    partner_fit: f64,
    success: tieup_learn::success::SuccessProbabilities,
    checklist: &'a [crate::score::CheckItem],
    candidates: Vec<JsonCandidate<'a>>,
}

impl<'a, O: std::io::Write, J: std::io::Write> BatchWriter<'a, O, J> {
    /// A writer for the workbook format, which also explains what `success` reads; the other
    /// formats need no model and can use [`BatchWriter::new`].
    pub fn with_model(
        catalog: &'a Catalog,
        format: BatchFormat,
        success: &tieup_learn::success::SuccessModel,
        out: O,
        rejects: Option<J>,
    ) -> tieup_core::Result<Self> {
        let mut writer = Self::new(catalog, format, out, rejects)?;
        if let BatchOut::Xlsx(book, _) = &mut writer.out {
            book.set_success_note(explain::success_model_note(success));
        }
        Ok(writer)
    }

    /// A writer; `rejects` may be None to drop rejected rows' details.
    pub fn new(
        catalog: &'a Catalog,
        format: BatchFormat,
        out: O,
        rejects: Option<J>,
    ) -> tieup_core::Result<Self> {
        let out = match format {
            BatchFormat::Csv => {
                let mut w = csv::Writer::from_writer(out);
                w.write_record(BATCH_CSV_HEADER).map_err(csv_error)?;
                BatchOut::Csv(Box::new(w))
            }
            BatchFormat::JsonLines => BatchOut::Json(out),
            BatchFormat::Xlsx => BatchOut::Xlsx(Box::new(crate::workbook::Workbook::new()?), out),
        };
        let rejects = match rejects {
            Some(w) => {
                let mut w = csv::Writer::from_writer(w);
                w.write_record(REJECTS_CSV_HEADER).map_err(csv_error)?;
                Some(w)
            }
            None => None,
        };
        Ok(BatchWriter {
            catalog,
            out,
            rejects,
        })
    }

    /// Flushes and returns the writers.
    pub fn finish(self) -> tieup_core::Result<(O, Option<J>)> {
        let out = match self.out {
            BatchOut::Csv(w) => w
                .into_inner()
                .map_err(|e| tieup_core::Error::io("output", e.into_error()))?,
            BatchOut::Json(w) => w,
            BatchOut::Xlsx(book, mut w) => {
                let bytes = book.finish()?;
                w.write_all(&bytes)
                    .map_err(|e| tieup_core::Error::io("output", e))?;
                w
            }
        };
        let rejects = match self.rejects {
            Some(w) => Some(
                w.into_inner()
                    .map_err(|e| tieup_core::Error::io("rejects", e.into_error()))?,
            ),
            None => None,
        };
        Ok((out, rejects))
    }
}

fn csv_error(e: csv::Error) -> tieup_core::Error {
    tieup_core::Error::io("output", std::io::Error::other(e.to_string()))
}

/// A number rounded to 4 decimals, for people (`-0.0000` written as `0.0000`).
pub fn round4(x: f64) -> String {
    format!("{:.4}", x + 0.0).replace("-0.0000", "0.0000")
}

/// One scored application as CSV rows, one per candidate.
fn csv_rows<O: std::io::Write>(
    out: &mut csv::Writer<O>,
    catalog: &Catalog,
    s: &ScoredApplication,
) -> tieup_core::Result<()> {
    let app = &s.application;
    let japan = &catalog.region(app.japan_region).id;
    let sector = &catalog.sectors().get(app.sector).id;
    let met = explain::points_in_words(&s.checklist, PointStatus::Met);
    let at_risk = explain::points_in_words(&s.checklist, PointStatus::AtRisk);
    let unknown = explain::points_in_words(&s.checklist, PointStatus::Unknown);
    let line = app.line.to_string();
    let fit = round4(s.partner_fit);
    let p = [
        round4(s.success.during),
        round4(s.success.after),
        round4(s.success.not_yet),
    ];
    for c in &s.candidates {
        let region = catalog.region(c.region);
        let rank = c.rank.to_string();
        let score = round4(c.score);
        let reasons = explain::full_reasons(&c.contributions);
        out.write_record([
            app.id.as_str(),
            &line,
            japan,
            sector,
            &rank,
            &region.id,
            &region.name,
            &region.country,
            &score,
            &reasons,
            &fit,
            &p[0],
            &p[1],
            &p[2],
            &met,
            &at_risk,
            &unknown,
        ])
        .map_err(csv_error)?;
    }
    Ok(())
}

/// One scored application as a JSON Lines object.
fn json_line<O: std::io::Write>(
    out: &mut O,
    catalog: &Catalog,
    s: &ScoredApplication,
) -> tieup_core::Result<()> {
    let app = &s.application;
    let record = JsonApplication {
        application_id: &app.id,
        line: app.line,
        japan_region: &catalog.region(app.japan_region).id,
        sector: &catalog.sectors().get(app.sector).id,
        partner_fit: s.partner_fit,
        success: s.success,
        checklist: &s.checklist,
        candidates: s
            .candidates
            .iter()
            .map(|c| {
                let region = catalog.region(c.region);
                JsonCandidate {
                    rank: c.rank,
                    region_id: &region.id,
                    name: &region.name,
                    country: &region.country,
                    score: c.score,
                    contributions: Named(c.contributions),
                    top_reasons: crate::score::top_reasons(&c.contributions, 3),
                    also: c
                        .also
                        .iter()
                        .map(|m| tieup_core::report::MemberReport {
                            region_id: catalog.region(m.region).id.clone(),
                            name: catalog.region(m.region).name.clone(),
                            score: m.score,
                            rank_ungrouped: m.rank_ungrouped,
                        })
                        .collect(),
                }
            })
            .collect(),
    };
    serde_json::to_writer(&mut *out, &record)
        .map_err(|e| tieup_core::Error::io("output", e.into()))?;
    out.write_all(b"\n")
        .map_err(|e| tieup_core::Error::io("output", e))
}

impl<O: std::io::Write, J: std::io::Write> crate::score::BatchSink for BatchWriter<'_, O, J> {
    fn accept(&mut self, s: &ScoredApplication) -> tieup_core::Result<()> {
        match &mut self.out {
            BatchOut::Csv(out) => csv_rows(out, self.catalog, s),
            BatchOut::Json(out) => json_line(out, self.catalog, s),
            BatchOut::Xlsx(book, _) => book.add(self.catalog, s),
        }
    }

    fn reject(&mut self, r: &tieup_core::application::Reject) -> tieup_core::Result<()> {
        if let Some(w) = &mut self.rejects {
            let line = r.line.to_string();
            for p in &r.problems {
                w.write_record([
                    line.as_str(),
                    r.application_id.as_str(),
                    p.column,
                    p.message.as_str(),
                ])
                .map_err(csv_error)?;
            }
        }
        Ok(())
    }
}
