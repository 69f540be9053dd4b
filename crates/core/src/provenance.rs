//! Where a number in `data/` came from.
//!
//! A value is either computed from a named statistic (`statistics:<dataset>:<year>`) or a
//! judgement of the maintainers (`curated`, with the reason in a note). Coordinates may also
//! come from the GeoNames gazetteer. The format carries both, so an importer can replace a
//! curated value with a statistic without changing the file layout.

use serde::Serialize;
use std::fmt;

/// The origin of one value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(into = "String")]
pub enum Provenance {
    /// Computed from a public statistic: dataset name and reference year.
    Statistic {
        /// Dataset key, e.g. `us_cbp`.
        dataset: String,
        /// Reference year of the statistic.
        year: u16,
    },
    /// A judgement by the maintainers; the reason is in the row's note.
    Curated,
}

impl Provenance {
    /// Parses `curated` or `statistics:<dataset>:<year>`.
    ///
    /// ```
    /// use tieup_core::provenance::Provenance;
    /// assert_eq!(Provenance::parse("curated"), Ok(Provenance::Curated));
    /// let p = Provenance::parse("statistics:us_cbp:2011").unwrap();
    /// assert_eq!(p.to_string(), "statistics:us_cbp:2011");
    /// assert!(Provenance::parse("guess").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text == "curated" {
            return Ok(Provenance::Curated);
        }
        let parts: Vec<&str> = text.split(':').collect();
        match parts.as_slice() {
            ["statistics", dataset, year] if !dataset.is_empty() => {
                let year = year
                    .parse::<u16>()
                    .map_err(|_| format!("'{year}' is not a year"))?;
                Ok(Provenance::Statistic {
                    dataset: (*dataset).to_string(),
                    year,
                })
            }
            _ => Err(format!(
                "'{text}' is not a provenance; write `curated` (with a reason in the note) or `statistics:<dataset>:<year>`"
            )),
        }
    }

    /// True for a statistic, false for a curated judgement.
    pub fn is_statistic(&self) -> bool {
        matches!(self, Provenance::Statistic { .. })
    }
}

impl Provenance {
    /// Appends `curated` or `statistics:<dataset>:<year>` without a formatter (the
    /// explanations' hot path); [`fmt::Display`] writes the same text.
    pub fn push_to(&self, out: &mut String) {
        match self {
            Provenance::Statistic { dataset, year } => {
                out.push_str("statistics:");
                out.push_str(dataset);
                out.push(':');
                crate::fixed::push_uint(out, u64::from(*year));
            }
            Provenance::Curated => out.push_str("curated"),
        }
    }
}

impl fmt::Display for Provenance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = String::new();
        self.push_to(&mut text);
        f.write_str(&text)
    }
}

impl From<Provenance> for String {
    fn from(p: Provenance) -> String {
        p.to_string()
    }
}
