//! All integration tests, in one test binary (ripgrep style).
//!
//! `loader` and `model` use the small fixture catalog in `tests/fixtures/mini`; `cli` runs the
//! real binary, on the fixture and, where the test's point is the shipped catalog, on `data/`;
//! `bench` runs `synth` and `eval` (and reads `../shared` LETOR data when it exists).

mod bench;
mod cli;
mod loader;
mod model;
mod util;
