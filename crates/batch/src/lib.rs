//! Batch scoring for programme staff: a whole round of applications scored at once
//! ([`score`]), written as CSV, JSON Lines or an Excel workbook for a selection committee with
//! rejected rows kept ([`output`], [`workbook`]); the words of the outputs, the meaning of
//! every column and what the success model reads are in [`explain`].
//!
//! Depends on `tieup-core` (catalog, kernel, application reader) and `tieup-learn` (the
//! success model). Nothing here prints.

pub mod explain;
pub mod output;
pub mod score;
pub mod workbook;
