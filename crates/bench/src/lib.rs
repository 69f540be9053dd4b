//! The benchmark: [`synth`] writes a synthetic partnership history with a known truth, and
//! [`eval`] measures rankers (baselines, the prior, the learners, the oracle, external runs)
//! on it, on any catalog's real partnerships, or on LETOR files, with trec_eval's metrics.
//!
//! Depends on `tieup-core` and `tieup-learn`. Nothing here prints; progress goes through
//! [`eval::Progress`].

pub mod eval;
pub mod synth;
