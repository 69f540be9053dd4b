//! All integration tests, in one test binary (ripgrep style).
//!
//! `loader` and `model` use the small fixture catalog in `tests/fixtures/mini`; `cli` runs the
//! real binary, on the fixture and, where the test's point is the shipped catalog, on `data/`.

mod cli;
mod loader;
mod model;
mod score;
mod util;
