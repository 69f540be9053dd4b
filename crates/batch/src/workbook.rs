//! The selection committee's workbook (`tieup score --format xlsx`, rust_xlsxwriter), three
//! sheets:
//! - `Summary`: one row per application: the top three partners with their scores, the
//!   success probabilities and partner fit, the eight success points as met / at risk /
//!   unknown, why each point has its status, and the best partner's reasons;
//! - `Candidates`: every candidate of every application, with its reasons and the contribution
//!   of each feature;
//! - `Columns`: what every column means, what each reason label means, and what the success
//!   model reads.
//!
//! The workbook is built in memory (a committee's round, not millions of rows: a sheet holds at
//! most 1,048,576 rows) and is byte-identical for the same input: its creation date is fixed.

use crate::explain::{self, ColumnNote};
use crate::output::BATCH_CSV_HEADER;
use crate::score::ScoredApplication;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Worksheet, XlsxError};
use tieup_core::catalog::Catalog;
use tieup_core::error::{Error, Result};
use tieup_core::features::FEATURES;

/// Partners shown on the summary sheet.
pub const SUMMARY_PARTNERS: usize = 3;

/// Sheet names, in order.
pub const SHEETS: [&str; 3] = ["Summary", "Candidates", "Columns"];

/// Excel's last row index (0-based).
const MAX_ROW: u32 = 1_048_575;

fn xlsx_error(e: XlsxError) -> Error {
    let fix = match e {
        XlsxError::RowColumnLimitError => {
            " (a sheet holds at most 1,048,576 rows: use --format csv, or fewer --top)"
        }
        _ => "",
    };
    Error::io(
        "workbook",
        std::io::Error::other(format!("cannot write the workbook: {e}{fix}")),
    )
}

/// Cell formats.
struct Formats {
    header: Format,
    number: Format,
    wrap: Format,
}

/// The workbook being filled, one application at a time.
pub struct Workbook {
    summary: Worksheet,
    candidates: Worksheet,
    formats: Formats,
    summary_row: u32,
    candidate_row: u32,
    success_note: String,
}

/// Summary columns before the checklist points.
fn summary_header() -> Vec<String> {
    let mut header: Vec<String> = ["application_id", "line", "japan_region", "sector"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    for k in 1..=SUMMARY_PARTNERS {
        header.push(format!("partner {k}"));
        header.push(format!("score {k}"));
    }
    header.extend(
        ["partner_fit", "p_during", "p_after", "p_not_yet"]
            .iter()
            .map(|s| s.to_string()),
    );
    header
}

/// Candidate columns before the contributions: the batch CSV's, up to its reasons.
const CANDIDATE_HEADER: &[&str] = BATCH_CSV_HEADER.split_at(10).0;

impl Workbook {
    /// An empty workbook with the headers written.
    pub fn new() -> Result<Self> {
        let formats = Formats {
            header: Format::new().set_bold().set_text_wrap(),
            number: Format::new().set_num_format("0.0000"),
            wrap: Format::new().set_text_wrap(),
        };
        let mut book = Workbook {
            summary: Worksheet::new(),
            candidates: Worksheet::new(),
            formats,
            summary_row: 1,
            candidate_row: 1,
            success_note: String::new(),
        };
        book.headers().map_err(xlsx_error)?;
        Ok(book)
    }

    /// What the success model reads, for the `Columns` sheet.
    pub fn set_success_note(&mut self, note: String) {
        self.success_note = note;
    }

    fn headers(&mut self) -> std::result::Result<(), XlsxError> {
        let h = &self.formats.header;
        self.summary.set_name(SHEETS[0])?;
        let mut header = summary_header();
        header.extend(
            crate::score::POINT_NAMES
                .iter()
                .enumerate()
                .map(|(i, name)| format!("{} {name}", i + 1)),
        );
        header.push("checklist reasons".into());
        header.push("reasons (partner 1)".into());
        for (c, name) in header.iter().enumerate() {
            self.summary
                .write_string_with_format(0, c as u16, name, h)?;
        }
        self.candidates.set_name(SHEETS[1])?;
        let mut c = 0u16;
        for &name in CANDIDATE_HEADER {
            self.candidates.write_string_with_format(0, c, name, h)?;
            c += 1;
        }
        for f in &FEATURES {
            self.candidates.write_string_with_format(0, c, f.label, h)?;
            c += 1;
        }
        Ok(())
    }

    /// Adds one scored application: a summary row and a row per candidate.
    pub fn add(&mut self, catalog: &Catalog, s: &ScoredApplication) -> Result<()> {
        if self.summary_row > MAX_ROW
            || self.candidate_row as usize + s.candidates.len() > MAX_ROW as usize + 1
        {
            return Err(xlsx_error(XlsxError::RowColumnLimitError));
        }
        self.add_summary(catalog, s).map_err(xlsx_error)?;
        self.add_candidates(catalog, s).map_err(xlsx_error)
    }

    fn add_summary(
        &mut self,
        catalog: &Catalog,
        s: &ScoredApplication,
    ) -> std::result::Result<(), XlsxError> {
        let row = self.summary_row;
        let app = &s.application;
        let ws = &mut self.summary;
        let (num, wrap) = (&self.formats.number, &self.formats.wrap);
        ws.write_string(row, 0, &app.id)?;
        ws.write_number(row, 1, app.line as f64)?;
        ws.write_string(row, 2, &catalog.region(app.japan_region).id)?;
        ws.write_string(row, 3, &catalog.sectors().get(app.sector).id)?;
        let mut c = 4u16;
        for k in 0..SUMMARY_PARTNERS {
            if let Some(cand) = s.candidates.get(k) {
                let region = catalog.region(cand.region);
                ws.write_string(row, c, format!("{} ({})", region.name, region.country))?;
                ws.write_number_with_format(row, c + 1, cand.score, num)?;
            }
            c += 2;
        }
        for p in [
            s.partner_fit,
            s.success.during,
            s.success.after,
            s.success.not_yet,
        ] {
            ws.write_number_with_format(row, c, p, num)?;
            c += 1;
        }
        for item in &s.checklist {
            ws.write_string(row, c, explain::status_word(item.status))?;
            c += 1;
        }
        ws.write_string_with_format(row, c, explain::checklist_in_words(&s.checklist), wrap)?;
        if let Some(best) = s.candidates.first() {
            let reasons = explain::full_reasons(&best.contributions);
            ws.write_string_with_format(row, c + 1, reasons, wrap)?;
        }
        self.summary_row += 1;
        Ok(())
    }

    fn add_candidates(
        &mut self,
        catalog: &Catalog,
        s: &ScoredApplication,
    ) -> std::result::Result<(), XlsxError> {
        let app = &s.application;
        let japan = &catalog.region(app.japan_region).id;
        let sector = &catalog.sectors().get(app.sector).id;
        for cand in &s.candidates {
            let row = self.candidate_row;
            let region = catalog.region(cand.region);
            let ws = &mut self.candidates;
            let num = &self.formats.number;
            ws.write_string(row, 0, &app.id)?;
            ws.write_number(row, 1, app.line as f64)?;
            ws.write_string(row, 2, japan)?;
            ws.write_string(row, 3, sector)?;
            ws.write_number(row, 4, cand.rank as f64)?;
            ws.write_string(row, 5, &region.id)?;
            ws.write_string(row, 6, &region.name)?;
            ws.write_string(row, 7, &region.country)?;
            ws.write_number_with_format(row, 8, cand.score, num)?;
            ws.write_string(row, 9, explain::full_reasons(&cand.contributions))?;
            for (f, v) in cand.contributions.iter().enumerate() {
                ws.write_number_with_format(row, 10 + f as u16, *v, num)?;
            }
            self.candidate_row += 1;
        }
        Ok(())
    }

    /// The finished workbook's bytes.
    pub fn finish(mut self) -> Result<Vec<u8>> {
        self.layout().map_err(xlsx_error)?;
        let columns = self.columns_sheet().map_err(xlsx_error)?;
        let mut book = rust_xlsxwriter::Workbook::new();
        // A fixed creation date: the same input gives the same bytes.
        let date = ExcelDateTime::from_ymd(2000, 1, 1).map_err(xlsx_error)?;
        book.set_properties(
            &DocProperties::new()
                .set_title("tieup score: applications and candidate partners")
                .set_creation_datetime(&date),
        );
        book.push_worksheet(self.summary);
        book.push_worksheet(self.candidates);
        book.push_worksheet(columns);
        book.save_to_buffer().map_err(xlsx_error)
    }

    /// Column widths, frozen headers and filters.
    fn layout(&mut self) -> std::result::Result<(), XlsxError> {
        let n_summary = summary_header().len() as u16 + 8 + 2;
        self.summary.set_freeze_panes(1, 1)?;
        self.summary
            .autofilter(0, 0, self.summary_row.saturating_sub(1), n_summary - 1)?;
        self.summary.set_column_width(0, 16)?;
        for c in 4..4 + 2 * SUMMARY_PARTNERS as u16 {
            self.summary
                .set_column_width(c, if c % 2 == 0 { 28 } else { 9 })?;
        }
        self.summary.set_column_width(n_summary - 2, 80)?;
        self.summary.set_column_width(n_summary - 1, 60)?;
        let n_candidates = (CANDIDATE_HEADER.len() + FEATURES.len()) as u16;
        self.candidates.set_freeze_panes(1, 1)?;
        self.candidates
            .autofilter(0, 0, self.candidate_row.saturating_sub(1), n_candidates - 1)?;
        self.candidates.set_column_width(0, 16)?;
        self.candidates.set_column_width(6, 24)?;
        self.candidates.set_column_width(9, 60)?;
        Ok(())
    }

    /// The `Columns` sheet: every column, every reason label, every checklist point and what
    /// the success model reads.
    fn columns_sheet(&self) -> std::result::Result<Worksheet, XlsxError> {
        let mut ws = Worksheet::new();
        ws.set_name(SHEETS[2])?;
        let (h, wrap) = (&self.formats.header, &self.formats.wrap);
        ws.set_column_width(0, 14)?;
        ws.set_column_width(1, 28)?;
        ws.set_column_width(2, 100)?;
        let mut row = 0u32;
        let mut put = |ws: &mut Worksheet, a: &str, b: &str, c: &str, bold: bool| {
            let f = if bold { h } else { wrap };
            ws.write_string_with_format(row, 0, a, f)?;
            ws.write_string_with_format(row, 1, b, f)?;
            ws.write_string_with_format(row, 2, c, f)?;
            row += 1;
            Ok::<(), XlsxError>(())
        };
        put(&mut ws, "sheet", "column", "meaning", true)?;
        let notes: Vec<ColumnNote> = explain::column_notes(&self.success_note);
        for (sheet, column, meaning) in &notes {
            put(&mut ws, sheet, column, meaning, false)?;
        }
        put(&mut ws, "", "", "", false)?;
        put(
            &mut ws,
            "reasons",
            "label",
            "what the feature measures",
            true,
        )?;
        for f in &FEATURES {
            let kind = if f.direction < 0 {
                "a cost: it lowers the score"
            } else {
                "helps the score"
            };
            put(
                &mut ws,
                "reasons",
                f.label,
                &format!("{} ({kind}; feature {})", f.description, f.name),
                false,
            )?;
        }
        put(&mut ws, "", "", "", false)?;
        put(
            &mut ws,
            "checklist",
            "point",
            "met / at risk / unknown",
            true,
        )?;
        for (point, name) in crate::score::POINT_NAMES.iter().enumerate() {
            put(
                &mut ws,
                "checklist",
                &format!("{} {name}", point + 1),
                "met: the application shows it; at risk: it shows a gap; unknown: it does not say (ask the applicant)",
                false,
            )?;
        }
        put(&mut ws, "", "", "", false)?;
        put(
            &mut ws,
            "success model",
            "what it reads",
            &self.success_note,
            false,
        )?;
        put(
            &mut ws,
            "success model",
            "partner_fit",
            explain::PARTNER_FIT,
            false,
        )?;
        Ok(ws)
    }
}
