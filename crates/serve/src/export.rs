//! The shortlist as a CSV file that Excel opens correctly: UTF-8 with a byte-order mark,
//! numbers rounded to three decimals, every reason in full with its sources, and the regions
//! folded into each row (`also`, with their ranks without grouping). Each row has the
//! region's English `name` and Japanese `name_ja` whatever the page's language; the summary
//! and the `also` names follow it.

use crate::answer::Answer;
use crate::i18n;
use crate::state::AppState;
use tieup_core::features::Feature;

/// The byte-order mark that makes Excel read the file as UTF-8.
pub const BOM: &str = "\u{feff}";

/// The CSV text of a shortlist, BOM first; summary and `also` names in `lang`.
pub fn shortlist_csv(
    state: &AppState,
    answer: &Answer,
    lang: i18n::Lang,
) -> Result<String, csv::Error> {
    let catalog = state.catalog();
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let mut header: Vec<String> = ["rank", "region_id", "name", "name_ja", "country", "score"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    header.extend(Feature::ALL.iter().map(|f| f.name().to_string()));
    header.push("summary".into());
    header.push("reasons".into());
    header.push("also".into());
    writer.write_record(&header)?;
    for (i, c) in answer.report.candidates.iter().enumerate() {
        let region = catalog.region(answer.list.candidates[i].region);
        let mut row = vec![
            c.rank.to_string(),
            c.region_id.clone(),
            text_cell(&c.name),
            text_cell(i18n::region_name_ja(region).unwrap_or("")),
            c.country.clone(),
            format!("{:.3}", c.score),
        ];
        row.extend(c.contributions.0.iter().map(|v| format!("{v:.3}")));
        let bars = &answer.bars[i];
        row.push(text_cell(
            &bars
                .iter()
                .map(|b| format!("{} {:+.3}", b.label, b.contribution))
                .collect::<Vec<_>>()
                .join("; "),
        ));
        row.push(text_cell(
            &c.reasons
                .iter()
                .map(|r| format!("{} {:+.3}: {}", r.feature, r.contribution, r.detail))
                .collect::<Vec<_>>()
                .join("\n"),
        ));
        row.push(text_cell(
            &answer.list.candidates[i]
                .also
                .iter()
                .map(|m| {
                    let name = i18n::region_name(catalog.region(m.region), lang);
                    format!("{name} (#{})", m.rank_ungrouped)
                })
                .collect::<Vec<_>>()
                .join("; "),
        ));
        writer.write_record(&row)?;
    }
    let bytes = writer.into_inner().map_err(|e| e.into_error())?;
    Ok(format!("{BOM}{}", String::from_utf8_lossy(&bytes)))
}

/// A text cell that a spreadsheet will not run as a formula: a leading `= + - @` gets a `'`.
fn text_cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused() {
        assert_eq!(text_cell("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(text_cell("Skåne"), "Skåne");
    }
}
