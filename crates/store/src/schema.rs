//! Opening a database file safely, and the versioned migrations.
//!
//! A file that exists is inspected before anything is written to it: it must start with the
//! SQLite header, carry tieup's `application_id` and a schema version this build knows, and
//! pass `PRAGMA quick_check`. Anything else is refused with [`Error::NotADatabase`] and left
//! byte-for-byte as it was (the inspection only reads, and never changes the journal mode).
//!
//! Migrations are the numbered files `migrations/NNNN_*.sql`, embedded at build time. Each
//! runs in its own `BEGIN IMMEDIATE` transaction together with the `PRAGMA user_version` bump,
//! so a database is always at exactly one version; the version is read again inside the
//! transaction, so two processes upgrading the same file at once apply each step once.

use crate::error::{Error, Result};
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use std::io::Read;
use std::path::Path;
use std::time::Duration;

/// `PRAGMA application_id` of a tieup database ("TieU" in ASCII).
pub const APPLICATION_ID: i32 = 0x5469_6555;

/// The migrations, in order: migration `i` (1-based) brings the schema to version `i`.
pub const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_init", include_str!("../migrations/0001_init.sql")),
    (
        "0002_partnership_columns",
        include_str!("../migrations/0002_partnership_columns.sql"),
    ),
    ("0003_models", include_str!("../migrations/0003_models.sql")),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// How long a writer waits for another writer before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Opens (creating when `create` and the file is missing) and migrates a database.
pub(crate) fn open(path: &Path, create: bool) -> Result<Connection> {
    let exists = path.exists();
    if exists {
        inspect_header(path)?;
    } else if !create {
        return Err(Error::Invalid(format!(
            "{}: no such database; create it with `tieup db import` or give another --db",
            path.display()
        )));
    }
    let flags = if exists {
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX
    } else {
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
    };
    let conn = Connection::open_with_flags(path, flags).map_err(|e| Error::sqlite(path, e))?;
    conn.busy_timeout(BUSY_TIMEOUT)
        .map_err(|e| Error::sqlite(path, e))?;
    if exists {
        inspect_contents(path, &conn)?;
    }
    configure(path, &conn)?;
    migrate(path, &conn, SCHEMA_VERSION)?;
    Ok(conn)
}

/// Refuses a file that is not SQLite at all, without opening it as a database.
fn inspect_header(path: &Path) -> Result<()> {
    let refuse = |reason: String| Error::NotADatabase {
        path: path.to_path_buf(),
        reason,
    };
    let mut file = std::fs::File::open(path).map_err(|e| tieup_core::Error::io(path, e))?;
    let mut header = [0u8; 100];
    let mut read = 0;
    while read < header.len() {
        let n = file
            .read(&mut header[read..])
            .map_err(|e| tieup_core::Error::io(path, e))?;
        if n == 0 {
            break;
        }
        read += n;
    }
    if read == 0 {
        return Err(refuse("the file is empty".into()));
    }
    if read < header.len() || &header[..16] != SQLITE_MAGIC {
        return Err(refuse(
            "it does not start with the SQLite header (is it a CSV or another file?)".into(),
        ));
    }
    Ok(())
}

/// Refuses a SQLite file of another application, of a newer tieup, or a damaged one. Reads
/// only.
fn inspect_contents(path: &Path, conn: &Connection) -> Result<()> {
    let refuse = |reason: String| Error::NotADatabase {
        path: path.to_path_buf(),
        reason,
    };
    let damaged = |e: rusqlite::Error| refuse(format!("SQLite cannot read it ({e})"));
    let app_id: i32 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(damaged)?;
    if app_id != APPLICATION_ID {
        return Err(refuse(format!(
            "a SQLite database of another application (application_id {app_id:#x}, tieup's is {APPLICATION_ID:#x})"
        )));
    }
    let version = user_version(path, conn)?;
    if version > SCHEMA_VERSION {
        return Err(Error::NewerSchema {
            path: path.to_path_buf(),
            found: version,
            known: SCHEMA_VERSION,
        });
    }
    let check: String = conn
        .query_row("PRAGMA quick_check", [], |r| r.get(0))
        .map_err(damaged)?;
    if check != "ok" {
        return Err(refuse(format!(
            "damaged ({check}); restore a backup (`tieup db backup`)"
        )));
    }
    Ok(())
}

fn configure(path: &Path, conn: &Connection) -> Result<()> {
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .map_err(|e| Error::sqlite(path, e))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Error::Invalid(format!(
            "{}: cannot use write-ahead logging (journal mode stays {mode})",
            path.display()
        )));
    }
    conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;")
        .map_err(|e| Error::sqlite(path, e))
}

/// The schema version (`PRAGMA user_version`).
pub(crate) fn user_version(path: &Path, conn: &Connection) -> Result<u32> {
    let v: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| Error::sqlite(path, e))?;
    Ok(u32::try_from(v).unwrap_or(u32::MAX))
}

/// Applies the migrations up to `target`, each in its own transaction.
pub(crate) fn migrate(path: &Path, conn: &Connection, target: u32) -> Result<()> {
    let sqlite = |e| Error::sqlite(path, e);
    for (index, (_name, sql)) in MIGRATIONS.iter().enumerate().take(target as usize) {
        let version = index as u32 + 1;
        if user_version(path, conn)? >= version {
            continue;
        }
        // The connection is unshared here; `unchecked_transaction` only avoids `&mut`.
        let tx = rusqlite::Transaction::new_unchecked(conn, TransactionBehavior::Immediate)
            .map_err(sqlite)?;
        let current: i64 = tx
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(sqlite)?;
        if current >= i64::from(version) {
            continue;
        }
        if version == 1 {
            tx.execute_batch(&format!("PRAGMA application_id = {APPLICATION_ID};"))
                .map_err(sqlite)?;
        }
        tx.execute_batch(sql).map_err(sqlite)?;
        tx.execute_batch(&format!("PRAGMA user_version = {version};"))
            .map_err(sqlite)?;
        tx.commit().map_err(sqlite)?;
    }
    Ok(())
}
