//! tieup's store: saved shortlists, decisions per candidate, projects and their follow-ups,
//! in an embedded SQLite database, and the outcomes they give the learners.
//!
//! # The database
//! One file (`tieup.db` beside the data directory by default), opened with [`Store::open`].
//! - **Every change is one transaction** (`BEGIN IMMEDIATE`): a call either lands whole or not
//!   at all, also when the process is killed half-way.
//! - **Write-ahead logging** (`journal_mode = WAL`, `synchronous = FULL`): readers never block
//!   the writer; a committed change survives a killed process. Writers wait for each other up
//!   to [`schema::BUSY_TIMEOUT`].
//! - **Foreign keys on**: a decision names a candidate of a saved shortlist, a project an
//!   `agreed` decision (or none), a follow-up a project.
//! - **Versioned migrations**: `migrations/NNNN_*.sql`, applied in order, each in its own
//!   transaction; `PRAGMA user_version` is the schema version ([`SCHEMA_VERSION`]) and
//!   `PRAGMA application_id` marks the file as tieup's ([`schema::APPLICATION_ID`]).
//! - **Refusal**: a file that is not a tieup database (not SQLite, another application's,
//!   damaged, or of a newer schema) is refused with [`Error::NotADatabase`] or
//!   [`Error::NewerSchema`] and left byte-for-byte untouched.
//!
//! # For the web page (`tieup serve`)
//! [`Store`] is `Send` but not `Sync`: open one per request or worker (opening an existing,
//! migrated file is cheap), or keep one behind a `Mutex`. Open it once at start-up first, so
//! the file exists and is migrated before concurrent requests open it (a file of zero bytes,
//! as SQLite leaves it for an instant while creating, is refused as not a database). Concurrent writers, in threads or
//! processes, are serialised by SQLite; no write is lost. The calls the page needs:
//! - save the current shortlist: [`Store::save_shortlist`] with [`NewShortlist`] (the model id
//!   from [`model_id`], the catalog digest from [`catalog_digest`], the candidates' scores and
//!   reasons exactly as shown); list and show them with [`Store::shortlists`],
//!   [`Store::shortlist`];
//! - record a decision on a candidate: [`Store::record_decision`]; list with
//!   [`Store::decisions`];
//! - open a project from an agreed candidate: [`Store::open_project`] with
//!   [`NewProject::decision`] set (refused unless that decision is `agreed`); list with
//!   [`Store::projects`];
//! - record a follow-up: [`Store::record_follow_up`]; list with [`Store::follow_ups`];
//! - the "follow-ups due" view: [`Store::follow_ups_due`] (6 or 12 months);
//! - the retrain button: [`Store::partnerships`] gives the recorded outcomes in the layout of
//!   `data/partnerships.csv` ([`partnerships::to_csv`]); the crate `tieup-retrain` merges
//!   them with the shipped partnerships, trains, evaluates and writes the model file into
//!   [`Store::models_dir`];
//! - models: every model file produced is registered with [`Store::register_model`]
//!   (`tieup train --db` does so); [`Store::models`] lists them, [`Store::activate_model`]
//!   switches (also back to an earlier one), [`Store::active_model`] says which one ranks. The
//!   files themselves stay on disk; a shortlist records the model that ranked it in
//!   [`NewShortlist::model_id`].
//!
//! # Example
//! ```
//! use tieup_store::{Candidate, NewShortlist, Store};
//! let dir = tempfile::tempdir().unwrap();
//! let mut store = Store::open(&dir.path().join("tieup.db")).unwrap();
//! let id = store
//!     .save_shortlist(&NewShortlist {
//!         japan_region: "fukushima".into(),
//!         sector: "medical_devices".into(),
//!         query: serde_json::json!({"region": "fukushima", "sector": "medical_devices"}),
//!         model_id: "default.json@0123456789abcdef".into(),
//!         catalog_digest: "fedcba9876543210".into(),
//!         author: "sato".into(),
//!         note: String::new(),
//!         candidates: vec![Candidate {
//!             rank: 1,
//!             region: "skane".into(),
//!             score: 1.5,
//!             reasons: vec!["strong in medical devices".into()],
//!         }],
//!     })
//!     .unwrap();
//! assert_eq!(store.shortlist(id).unwrap().shortlist.candidates.len(), 1);
//! assert!(store.check().unwrap().is_ok());
//! ```

mod error;
pub mod partnerships;
mod records;
pub mod schema;
mod store;

pub use error::{Error, Result};
pub use partnerships::PartnershipRecord;
pub use records::*;
pub use schema::SCHEMA_VERSION;
pub use store::Store;

/// The SQLite binding the store uses (for [`Store::create_at_version`] connections).
pub use rusqlite;

use std::path::Path;

/// The default database file for a data directory: `tieup.db` beside it (in its parent).
pub fn default_path(data_dir: &Path) -> std::path::PathBuf {
    match data_dir.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.join("tieup.db"),
        _ => std::path::PathBuf::from("tieup.db"),
    }
}

/// A digest of a catalog directory: FNV-1a 64 over the names and bytes of its `*.csv` files
/// and those of `derived/`, in name order (16 hex digits).
pub fn catalog_digest(dir: &Path) -> Result<String> {
    let mut files = Vec::new();
    for sub in [dir.to_path_buf(), dir.join("derived")] {
        let Ok(entries) = std::fs::read_dir(&sub) else {
            continue;
        };
        for entry in entries {
            let entry = entry.map_err(|e| tieup_core::Error::io(&sub, e))?;
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "csv") && path.is_file() {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut bytes = Vec::new();
    for path in &files {
        let name = path.strip_prefix(dir).unwrap_or(path);
        bytes.extend_from_slice(name.to_string_lossy().replace('\\', "/").as_bytes());
        bytes.push(0);
        bytes.extend(std::fs::read(path).map_err(|e| tieup_core::Error::io(path, e))?);
        bytes.push(0);
    }
    Ok(tieup_core::hash::digest(&bytes))
}

/// The id of a model file: its file name and the digest of its bytes (`default.json@<16 hex>`).
pub fn model_id(path: &Path) -> Result<String> {
    let digest = tieup_core::hash::file_digest(path)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(format!("{name}@{digest}"))
}
