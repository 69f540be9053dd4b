//! All integration tests, in one test binary (ripgrep style).
//!
//! `loader` and `model` use the small fixture catalog in `tests/fixtures/mini`; `cli` runs the
//! real binary, on the fixture and, where the test's point is the shipped catalog, on `data/`.
//! `kernel` checks the batch kernel against the reference ranking as a property;
//! `relatedness` checks RCA, proximity and density against reference figures; `import` runs
//! the importers; `bench` runs `synth`, `eval` and `specificity` (tests that need `../shared`
//! say when they are skipped); `db` the store (`tieup-store`) and `tieup db`; `select` the
//! shortlist filters and grouping.

mod asof;
mod bench;
mod bodies;
mod checks;
mod cli;
mod db;
mod defects;
mod fuzz;
mod import;
mod japanese_names;
mod kernel;
mod loader;
mod model;
mod outputs;
mod relatedness;
mod score;
mod score_outputs;
mod select;
mod util;
mod words;
