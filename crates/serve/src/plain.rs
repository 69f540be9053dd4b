//! Plain-language labels of contributions for the bars of the shortlist: the wording lives in
//! [`tieup_core::plain`], shared with the command line's table.

pub use tieup_core::plain::{communication_label, label};
