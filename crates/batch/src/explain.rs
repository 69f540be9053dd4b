//! Words for people: the checklist in words, a candidate's reasons in full, what the success
//! model reads, and the meaning of every output column. The CSV and the workbook
//! ([`crate::workbook`]) take their text from here, so the two never disagree.

use crate::score::{CheckItem, PointStatus};
use tieup_core::features::{FEATURES, N_FEATURES};
use tieup_learn::success::{CLASSES, SUCCESS_FEATURES, SuccessModel};

/// A status in words: `met`, `at risk` or `unknown`.
pub fn status_word(status: PointStatus) -> &'static str {
    match status {
        PointStatus::Met => "met",
        PointStatus::AtRisk => "at risk",
        PointStatus::Unknown => "unknown",
    }
}

/// A checklist point as `5 government-industry-academia network`.
pub fn point_title(item: &CheckItem) -> String {
    format!("{} {}", item.point, item.name)
}

/// The points with `status`, each by number and name, with the reason for points that are
/// at risk or unknown: `5 government-industry-academia network (missing: university); ...`.
pub fn points_in_words(checklist: &[CheckItem], status: PointStatus) -> String {
    checklist
        .iter()
        .filter(|c| c.status == status)
        .map(|c| {
            if status == PointStatus::Met {
                point_title(c)
            } else {
                format!("{} ({})", point_title(c), c.reason)
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Every point with its status and reason: `1 regional technology ...: met (the region's ...)`.
pub fn checklist_in_words(checklist: &[CheckItem]) -> String {
    checklist
        .iter()
        .map(|c| {
            format!(
                "{}: {} ({})",
                point_title(c),
                status_word(c.status),
                c.reason
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Every feature that moved a candidate's score, largest first: the helps (positive
/// contributions) and then the costs (negative ones), as `adv. technology +1.55`. Nothing is
/// left out, so the largest penalty is always there.
pub fn full_reasons(contributions: &[f64; N_FEATURES]) -> String {
    let mut order: Vec<usize> = (0..N_FEATURES)
        .filter(|&f| contributions[f] != 0.0)
        .collect();
    // Positive before negative, each by size; ties by schema order.
    order.sort_by(|&a, &b| {
        let (x, y) = (contributions[a], contributions[b]);
        (y > 0.0)
            .cmp(&(x > 0.0))
            .then(y.abs().total_cmp(&x.abs()))
            .then(a.cmp(&b))
    });
    order
        .into_iter()
        .map(|f| {
            let c = contributions[f];
            if c > 0.0 {
                format!("{} +{:.2}", FEATURES[f].label, c)
            } else {
                format!("{} -{:.2}", FEATURES[f].label, -c)
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Least spread of an input's weights across the outcome classes (in logit units) for the
/// input to count as read: below it, the input moves no probability by more than about 0.1%.
pub const READ_THRESHOLD: f64 = 0.005;

/// The success-model inputs that change its probabilities: those whose weights differ across
/// the outcome classes by at least [`READ_THRESHOLD`]. An input with the same weight in every
/// class cancels out of the softmax.
pub fn inputs_read(model: &SuccessModel) -> Vec<&'static str> {
    SUCCESS_FEATURES
        .iter()
        .copied()
        .filter(|input| {
            let weights: Vec<f64> = CLASSES
                .iter()
                .map(|c| {
                    model
                        .weights
                        .get(*c)
                        .and_then(|w| w.get(*input))
                        .copied()
                        .unwrap_or(0.0)
                })
                .collect();
            let high = weights.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let low = weights.iter().copied().fold(f64::INFINITY, f64::min);
            high - low >= READ_THRESHOLD
        })
        .collect()
}

/// One sentence on what the success model reads, and what follows for the probabilities.
pub fn success_model_note(model: &SuccessModel) -> String {
    let read = inputs_read(model);
    let ignored: Vec<&str> = SUCCESS_FEATURES
        .iter()
        .copied()
        .filter(|i| !read.contains(i))
        .collect();
    let read_text = if read.is_empty() {
        "none of its inputs".to_string()
    } else {
        read.join(", ")
    };
    let mut note = format!(
        "The success model ({} examples, from {}) reads {read_text}.",
        model.n_examples, model.source
    );
    if !ignored.is_empty() {
        note.push_str(&format!(
            " Its other inputs ({}) have the same weight for every outcome, so they do not change the probabilities: two applications that agree on {read_text} get the same p_during, p_after and p_not_yet whatever their preparation, mediator, tools or partner fit.",
            ignored.join(", ")
        ));
    }
    if read.iter().all(|r| r.starts_with("commitment")) && !read.is_empty() {
        note.push_str(" The shipped model is trained on the survey's commitment-by-outcome table, the only outcome table the survey publishes, so commitment is all it can learn.");
    }
    note
}

/// What `partner_fit` is.
pub const PARTNER_FIT: &str = "How close the best candidate comes to an ideal partner under the same weights: its score divided by the score of an imagined candidate with every helpful feature at 1 and no communication cost, from 0 to 1. It is one of the success model's inputs.";

/// One explained column: (sheet or file, column, meaning).
pub type ColumnNote = (&'static str, &'static str, String);

/// The meaning of every column of the CSV output and of the workbook's two data sheets.
pub fn column_notes(model_note: &str) -> Vec<ColumnNote> {
    let p = |class: &str| {
        format!(
            "Probability, from the success model, that results come {class}. The three add up to 1. {model_note}"
        )
    };
    let s = |t: &str| t.to_string();
    vec![
        (
            "all",
            "application_id",
            s("The application's id, as in the input."),
        ),
        (
            "all",
            "line",
            s("Line of the application in the input file."),
        ),
        (
            "all",
            "japan_region",
            s("The applying Japanese region (catalog id)."),
        ),
        ("all", "sector", s("The application's sector (catalog id).")),
        ("all", "rank", s("1 for the best candidate.")),
        (
            "all",
            "region_id / partner",
            s("The candidate overseas region: catalog id, name and country."),
        ),
        (
            "all",
            "score",
            s(
                "The candidate's score: the sum of its contributions (weight times feature value). Only the order matters; scores of different applications are not comparable.",
            ),
        ),
        (
            "all",
            "reasons",
            s(
                "Every feature that moved the score, helps first, then costs, each with its contribution; the meaning of each label is in the table below.",
            ),
        ),
        ("all", "partner_fit", s(PARTNER_FIT)),
        ("all", "p_during", p("during the supported project")),
        ("all", "p_after", p("after the project ends")),
        ("all", "p_not_yet", p("not yet (no results so far)")),
    ]
    .into_iter()
    .chain(sheet_columns())
    .collect()
}

/// The notes of the columns only the CSV, the summary sheet or the candidates sheet have.
fn sheet_columns() -> Vec<ColumnNote> {
    let s = |t: &str| t.to_string();
    vec![
        (
            "CSV",
            "checklist_met",
            s("The survey's eight success points that the application shows, by number and name."),
        ),
        (
            "CSV",
            "checklist_at_risk",
            s("The points where the application shows a gap, each with the reason."),
        ),
        (
            "CSV",
            "checklist_unknown",
            s(
                "The points the application does not say enough about, each with the reason. Unknown is not at risk: ask the applicant.",
            ),
        ),
        (
            "Summary",
            "1 ... 8 (checklist points)",
            s(
                "One column per success point: met, at risk or unknown (the application does not say).",
            ),
        ),
        (
            "Summary",
            "checklist reasons",
            s("Why each point has its status."),
        ),
        (
            "Candidates",
            "contribution columns",
            s("One column per feature: weight times feature value; they add up to the score."),
        ),
    ]
}
