//! tieup: recommends overseas partner regions for Japanese industrial regions, explains
//! each rank, and (in later modules) learns its weights from past partnerships.
//!
//! The library does all the work and prints nothing; the `tieup` binary parses arguments,
//! calls it and renders the results. See ARCHITECTURE.md for the map.
//!
//! ```no_run
//! use tieup::{catalog::Catalog, features::{Encoder, Query}, model::LinearModel, rank};
//! let catalog = Catalog::load("data".as_ref())?;
//! let model = LinearModel::load("models/prior.json".as_ref())?;
//! let encoder = Encoder::new(&catalog);
//! let query = Query::new(catalog.find_japan_region("fukushima")?, catalog.sectors.find("medical devices")?);
//! let list = rank::shortlist(&encoder, &model, &query, 10)?;
//! assert_eq!(list.candidates.len(), 10);
//! # Ok::<(), tieup::error::Error>(())
//! ```

pub mod application;
pub mod catalog;
pub mod csvin;
pub mod error;
pub mod eval;
pub mod features;
pub mod fsutil;
pub mod geo;
pub mod hash;
pub mod import;
pub mod kernel;
pub mod learn;
pub mod lookup;
pub mod model;
pub mod prior;
pub mod provenance;
pub mod rank;
pub mod report;
pub mod score;
pub mod sector;
pub mod survey;
pub mod synth;
#[cfg(test)]
mod testutil;

pub use error::{Error, Result};
