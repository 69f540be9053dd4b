//! Evaluation of rankers (placeholder while the modules are assembled).

pub mod letor;
pub mod metrics;
pub mod significance;
pub mod splits;
