//! The store's error type.

use std::path::PathBuf;

/// Result alias of the store.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Every way a store call can fail.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file given as the database is not a tieup database; it was left untouched.
    #[error("{}: not a tieup database: {reason}; the file was left untouched", path.display())]
    NotADatabase {
        /// The file.
        path: PathBuf,
        /// Why it was refused.
        reason: String,
    },
    /// The database was written by a newer tieup.
    #[error(
        "{}: schema version {found} is newer than this tieup knows ({known}); use a newer tieup",
        path.display()
    )]
    NewerSchema {
        /// The file.
        path: PathBuf,
        /// Its schema version.
        found: u32,
        /// The latest version this build knows.
        known: u32,
    },
    /// A value given to the store breaks a rule (unknown candidate, bad date, ...).
    #[error("{0}")]
    Invalid(String),
    /// A row asked for does not exist.
    #[error("no {kind} with id {id}")]
    NotFound {
        /// `shortlist`, `decision`, `project`.
        kind: &'static str,
        /// The id asked for.
        id: i64,
    },
    /// SQLite failed.
    #[error("{}: {source}", path.display())]
    Sqlite {
        /// The database file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: rusqlite::Error,
    },
    /// A file (import, export, backup) could not be read, written or parsed.
    #[error(transparent)]
    Core(#[from] tieup_core::Error),
}

impl Error {
    /// Wraps a SQLite error with the database path; constraint violations become
    /// [`Error::Invalid`] with SQLite's message.
    pub(crate) fn sqlite(path: &std::path::Path, source: rusqlite::Error) -> Self {
        if let rusqlite::Error::SqliteFailure(e, Some(message)) = &source
            && e.code == rusqlite::ErrorCode::ConstraintViolation
        {
            return Error::Invalid(format!("rejected by the database: {message}"));
        }
        Error::Sqlite {
            path: path.to_path_buf(),
            source,
        }
    }
}
