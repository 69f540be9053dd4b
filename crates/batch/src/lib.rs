//! Batch scoring for programme staff: a whole round of applications scored at once
//! ([`score`]), written as CSV or JSON Lines with rejected rows kept ([`output`]).
//!
//! Depends on `tieup-core` (catalog, kernel, application reader) and `tieup-learn` (the
//! success model). Nothing here prints.

pub mod output;
pub mod score;
