//! The core of tieup: sectors, the catalog and its loading, the feature schema and the
//! encoder, the model format, ranking with explanations, the precomputed kernel, the
//! application schema and the serialised reports.
//!
//! Every other tieup crate builds on this one (importers, learners, batch scoring, the
//! benchmark); this one depends on none of them. It prints nothing. See ARCHITECTURE.md.
//!
//! ```no_run
//! use tieup_core::{catalog::Catalog, features::{Encoder, Query}, model::LinearModel, rank};
//! let catalog = Catalog::load("data".as_ref())?;
//! let model = LinearModel::load("models/prior.json".as_ref())?;
//! let encoder = Encoder::new(&catalog);
//! let query = Query::new(catalog.find_japan_region("fukushima")?, catalog.sectors().find("medical devices")?);
//! let list = rank::shortlist(&encoder, &model, &query, 10)?;
//! assert_eq!(list.candidates.len(), 10);
//! # Ok::<(), tieup_core::error::Error>(())
//! ```

pub mod application;
pub mod catalog;
pub mod csvin;
pub mod csvstream;
pub mod detail;
pub mod error;
pub mod features;
pub mod fixed;
pub mod fsutil;
pub mod geo;
pub mod hash;
pub mod ids;
pub mod kernel;
pub mod known;
pub mod lookup;
pub mod model;
pub mod plain;
pub mod provenance;
pub mod rank;
pub mod report;
pub mod sector;
pub mod select;
pub mod survey;
pub mod technology;
#[cfg(test)]
mod testutil;

pub use error::{Error, Result};
