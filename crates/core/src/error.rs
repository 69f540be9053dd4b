//! The library's one error type.
//!
//! Every error that comes from a file names the file, and where it can, the line and the
//! column, and says how to fix the input. The binary maps the variants to exit codes.

use std::fmt;
use std::path::PathBuf;

/// Result alias used throughout the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A problem at a place in an input file.
#[derive(Debug, Clone, PartialEq)]
pub struct DataError {
    /// The file that holds the problem.
    pub file: PathBuf,
    /// 1-based line number, when the problem is on one line.
    pub line: Option<u64>,
    /// Column name and 1-based column index, when the problem is in one cell.
    pub column: Option<(String, usize)>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub fix: String,
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some((name, index)) = &self.column {
            write!(f, ": column {index} ({name})")?;
        }
        write!(f, ": {}", self.message)?;
        if !self.fix.is_empty() {
            write!(f, "; fix: {}", self.fix)?;
        }
        Ok(())
    }
}

/// Every way a tieup library call can fail.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// An input file is malformed.
    #[error("{0}")]
    Data(Box<DataError>),
    /// A name given by the user matches nothing in the catalog.
    #[error("unknown {kind} '{query}'{}", suggestion_text(suggestions))]
    UnknownName {
        /// What was looked up: "region", "sector", "trait".
        kind: &'static str,
        /// The text the user gave.
        query: String,
        /// The closest known names, best first.
        suggestions: Vec<String>,
    },
    /// A Japanese region was asked for and the name is an overseas region.
    #[error(
        "'{query}' is the overseas region {overseas}, not a Japanese region{}",
        suggestion_text(suggestions)
    )]
    NotJapanese {
        /// The text the user gave (clipped).
        query: String,
        /// The overseas region's id.
        overseas: String,
        /// The closest Japanese regions, best first.
        suggestions: Vec<String>,
    },
    /// A name given by the user matches more than one catalog entry.
    #[error("'{query}' is ambiguous: it names {}; use an id", candidates.join(", "))]
    AmbiguousName {
        /// The text the user gave.
        query: String,
        /// The ids it matches.
        candidates: Vec<String>,
    },
    /// A model file does not fit this version of tieup.
    #[error("{}: {message}", path.display())]
    Model {
        /// The model file.
        path: PathBuf,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// A parameter is out of its valid range.
    #[error("invalid parameter {name} = {value}: {reason}")]
    InvalidParam {
        /// Parameter name.
        name: &'static str,
        /// The value given.
        value: String,
        /// The valid range.
        reason: String,
    },
}

fn suggestion_text(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        String::new()
    } else {
        format!("; closest matches: {}", suggestions.join(", "))
    }
}

impl From<DataError> for Error {
    fn from(e: DataError) -> Self {
        Error::Data(Box::new(e))
    }
}

impl Error {
    /// A [`DataError`] about a file, or one line of it, that no column describes.
    pub fn data(
        file: impl Into<PathBuf>,
        line: Option<u64>,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        DataError {
            file: file.into(),
            line,
            column: None,
            message: message.into(),
            fix: fix.into(),
        }
        .into()
    }

    /// Wraps an IO error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}
