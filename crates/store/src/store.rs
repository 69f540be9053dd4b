//! [`Store`]: the typed API over the database. Every method that changes anything runs in one
//! `BEGIN IMMEDIATE` transaction.

use crate::error::{Error, Result};
use crate::partnerships::{self, PartnershipRecord};
use crate::records::*;
use crate::schema;
use rusqlite::{Connection, OptionalExtension, Row, Transaction, TransactionBehavior, params};
use std::path::{Path, PathBuf};

/// An open tieup database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

const PROJECT_COLUMNS: &str = "p.id, p.created_at, p.key, p.decision_id, p.japan_region, \
    p.partner_regions, p.sector, p.start_fy, p.end_fy, p.implementation_bodies, p.commitment, \
    p.mediator, p.research_trips, p.missions, p.invitations, p.wanted, p.source";

fn split(list: &str) -> Vec<String> {
    list.split(';')
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

fn commitment_text(c: Commitment) -> &'static str {
    match c {
        Commitment::Sufficient => "sufficient",
        Commitment::Partial => "partial",
        Commitment::Unknown => "unknown",
    }
}

fn decision_text(d: Decision) -> &'static str {
    match d {
        Decision::Contacted => "contacted",
        Decision::Agreed => "agreed",
        Decision::Declined => "declined",
    }
}

fn project_from_row(row: &Row<'_>) -> rusqlite::Result<ProjectRecord> {
    let commitment: String = row.get(10)?;
    Ok(ProjectRecord {
        id: row.get(0)?,
        created_at: row.get(1)?,
        project: NewProject {
            key: Some(row.get(2)?),
            decision: row.get(3)?,
            japan_region: row.get(4)?,
            partner_regions: split(&row.get::<_, String>(5)?),
            sector: row.get(6)?,
            start_fy: row.get(7)?,
            end_fy: row.get(8)?,
            implementation_bodies: split(&row.get::<_, String>(9)?),
            commitment: match commitment.as_str() {
                "sufficient" => Commitment::Sufficient,
                "partial" => Commitment::Partial,
                _ => Commitment::Unknown,
            },
            mediator: row.get(11)?,
            activities: [row.get(12)?, row.get(13)?, row.get(14)?],
            wanted: split(&row.get::<_, String>(15)?),
            source: row.get(16)?,
        },
    })
}

impl Store {
    /// Opens the database at `path`, creating it when missing, and brings its schema to
    /// [`crate::SCHEMA_VERSION`]. A file that is not a tieup database is refused untouched.
    pub fn open(path: &Path) -> Result<Self> {
        Ok(Store {
            conn: schema::open(path, true)?,
            path: path.to_path_buf(),
        })
    }

    /// Like [`Store::open`], but a missing file is an error (for `check`, `backup`, `export`).
    pub fn open_existing(path: &Path) -> Result<Self> {
        Ok(Store {
            conn: schema::open(path, false)?,
            path: path.to_path_buf(),
        })
    }

    /// Creates a new database at schema `version` (≤ the latest) without upgrading it: for
    /// tests of the migrations and for fixtures of earlier versions.
    pub fn create_at_version(path: &Path, version: u32) -> Result<Connection> {
        if path.exists() {
            return Err(Error::Invalid(format!("{} exists", path.display())));
        }
        let conn = Connection::open(path).map_err(|e| Error::sqlite(path, e))?;
        conn.execute_batch("PRAGMA foreign_keys = ON;")
            .map_err(|e| Error::sqlite(path, e))?;
        schema::migrate(path, &conn, version.min(crate::SCHEMA_VERSION))?;
        Ok(conn)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The directory of the model files this store's retraining writes: the database file's
    /// name with the extension `.models` (`tieup.db` → `tieup.models/`), beside it.
    pub fn models_dir(&self) -> PathBuf {
        self.path.with_extension("models")
    }

    /// The schema version (`PRAGMA user_version`).
    pub fn schema_version(&self) -> Result<u32> {
        schema::user_version(&self.path, &self.conn)
    }

    fn sqlite(&self) -> impl Fn(rusqlite::Error) -> Error + '_ {
        |e| Error::sqlite(&self.path, e)
    }

    /// Runs `f` in one `BEGIN IMMEDIATE` transaction, committed when `f` succeeds.
    fn write<T>(&mut self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| Error::sqlite(&path, e))?;
        let value = f(&tx)?;
        tx.commit().map_err(|e| Error::sqlite(&path, e))?;
        Ok(value)
    }

    /// Saves a shortlist with its candidates.
    pub fn save_shortlist(&mut self, s: &NewShortlist) -> Result<ShortlistId> {
        if s.candidates.is_empty() {
            return Err(Error::Invalid(
                "a shortlist needs at least one candidate".into(),
            ));
        }
        let path = self.path.clone();
        let sqlite = |e| Error::sqlite(&path, e);
        self.write(|tx| {
            tx.execute(
                "INSERT INTO shortlists (japan_region, sector, query, model_id, catalog_digest, author, note) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![s.japan_region, s.sector, s.query.to_string(), s.model_id, s.catalog_digest, s.author, s.note],
            )
            .map_err(sqlite)?;
            let id = tx.last_insert_rowid();
            let mut insert = tx
                .prepare("INSERT INTO shortlist_candidates (shortlist_id, rank, region, score, reasons) VALUES (?1, ?2, ?3, ?4, ?5)")
                .map_err(sqlite)?;
            for c in &s.candidates {
                let reasons = serde_json::to_string(&c.reasons).expect("strings serialise");
                insert
                    .execute(params![id, c.rank, c.region, c.score, reasons])
                    .map_err(sqlite)?;
            }
            Ok(id)
        })
    }

    /// A saved shortlist.
    pub fn shortlist(&self, id: ShortlistId) -> Result<SavedShortlist> {
        let head = self
            .conn
            .query_row(
                "SELECT created_at, japan_region, sector, query, model_id, catalog_digest, author, note \
                 FROM shortlists WHERE id = ?1",
                [id],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        [r.get::<_, String>(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?],
                    ))
                },
            )
            .optional()
            .map_err(self.sqlite())?
            .ok_or(Error::NotFound { kind: "shortlist", id })?;
        let mut stmt = self
            .conn
            .prepare("SELECT rank, region, score, reasons FROM shortlist_candidates WHERE shortlist_id = ?1 ORDER BY rank")
            .map_err(self.sqlite())?;
        let candidates = stmt
            .query_map([id], |r| {
                let reasons: String = r.get(3)?;
                Ok(Candidate {
                    rank: r.get(0)?,
                    region: r.get(1)?,
                    score: r.get(2)?,
                    reasons: serde_json::from_str(&reasons).unwrap_or_default(),
                })
            })
            .map_err(self.sqlite())?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(self.sqlite())?;
        let (
            created_at,
            [
                japan_region,
                sector,
                query,
                model_id,
                catalog_digest,
                author,
                note,
            ],
        ) = head;
        Ok(SavedShortlist {
            id,
            created_at,
            shortlist: NewShortlist {
                japan_region,
                sector,
                query: serde_json::from_str(&query).unwrap_or(serde_json::Value::Null),
                model_id,
                catalog_digest,
                author,
                note,
                candidates,
            },
        })
    }

    /// The ids of every saved shortlist, newest first.
    pub fn shortlists(&self) -> Result<Vec<ShortlistId>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id FROM shortlists ORDER BY id DESC")
            .map_err(self.sqlite())?;
        stmt.query_map([], |r| r.get(0))
            .map_err(self.sqlite())?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(self.sqlite())
    }

    /// Records a decision on a candidate of a saved shortlist.
    pub fn record_decision(&mut self, d: &NewDecision) -> Result<DecisionId> {
        let path = self.path.clone();
        self.write(|tx| {
            let known: Option<i64> = tx
                .query_row(
                    "SELECT rank FROM shortlist_candidates WHERE shortlist_id = ?1 AND region = ?2",
                    params![d.shortlist, d.region],
                    |r| r.get(0),
                )
                .optional()
                .map_err(|e| Error::sqlite(&path, e))?;
            if known.is_none() {
                return Err(Error::Invalid(format!(
                    "'{}' is not a candidate of shortlist {}",
                    d.region, d.shortlist
                )));
            }
            tx.execute(
                "INSERT INTO decisions (shortlist_id, region, decision, reason, decided_on, author) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![d.shortlist, d.region, decision_text(d.decision), d.reason, d.date, d.author],
            )
            .map_err(|e| Error::sqlite(&path, e))?;
            Ok(tx.last_insert_rowid())
        })
    }

    /// The decisions on a shortlist's candidates, in the order they were recorded.
    pub fn decisions(&self, shortlist: ShortlistId) -> Result<Vec<DecisionRecord>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, recorded_at, region, decision, reason, decided_on, author FROM decisions \
                 WHERE shortlist_id = ?1 ORDER BY id",
            )
            .map_err(self.sqlite())?;
        stmt.query_map([shortlist], |r| {
            let decision: String = r.get(3)?;
            Ok(DecisionRecord {
                id: r.get(0)?,
                recorded_at: r.get(1)?,
                decision: NewDecision {
                    shortlist,
                    region: r.get(2)?,
                    decision: match decision.as_str() {
                        "agreed" => Decision::Agreed,
                        "declined" => Decision::Declined,
                        _ => Decision::Contacted,
                    },
                    reason: r.get(4)?,
                    date: r.get(5)?,
                    author: r.get(6)?,
                },
            })
        })
        .map_err(self.sqlite())?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(self.sqlite())
    }

    /// Opens a project; with [`NewProject::decision`], only from an `agreed` decision.
    pub fn open_project(&mut self, p: &NewProject) -> Result<ProjectId> {
        let path = self.path.clone();
        self.write(|tx| insert_project(&path, tx, p))
    }

    /// Every project, by id.
    pub fn projects(&self) -> Result<Vec<ProjectRecord>> {
        let sql = format!("SELECT {PROJECT_COLUMNS} FROM projects p ORDER BY p.id");
        let mut stmt = self.conn.prepare(&sql).map_err(self.sqlite())?;
        stmt.query_map([], project_from_row)
            .map_err(self.sqlite())?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(self.sqlite())
    }

    /// Records a follow-up of a project.
    pub fn record_follow_up(&mut self, f: &NewFollowUp) -> Result<FollowUpId> {
        let path = self.path.clone();
        self.write(|tx| insert_follow_up(&path, tx, f))
    }

    /// A project's follow-ups, oldest first.
    pub fn follow_ups(&self, project: ProjectId) -> Result<Vec<FollowUpRecord>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, recorded_at, followed_up_on, outcome, evidence, author FROM follow_ups \
                 WHERE project_id = ?1 ORDER BY followed_up_on, id",
            )
            .map_err(self.sqlite())?;
        stmt.query_map([project], |r| {
            let outcome: String = r.get(3)?;
            Ok(FollowUpRecord {
                id: r.get(0)?,
                recorded_at: r.get(1)?,
                follow_up: NewFollowUp {
                    project,
                    date: r.get(2)?,
                    outcome: FollowUpOutcome::parse(&outcome).unwrap_or(FollowUpOutcome::NotYet),
                    evidence: r.get(4)?,
                    author: r.get(5)?,
                },
            })
        })
        .map_err(self.sqlite())?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(self.sqlite())
    }

    /// Projects without a follow-up in the last `months` months (today, UTC).
    pub fn follow_ups_due(&self, months: u32) -> Result<Vec<DueProject>> {
        let today: String = self
            .conn
            .query_row("SELECT date('now')", [], |r| r.get(0))
            .map_err(self.sqlite())?;
        self.follow_ups_due_on(months, &today)
    }

    /// Projects without a follow-up on or after `today` minus `months` months (YYYY-MM-DD),
    /// never followed up first, then by the date of their latest follow-up, then by id.
    pub fn follow_ups_due_on(&self, months: u32, today: &str) -> Result<Vec<DueProject>> {
        let sql = format!(
            "SELECT {PROJECT_COLUMNS}, (SELECT max(f.followed_up_on) FROM follow_ups f WHERE f.project_id = p.id) AS last \
             FROM projects p WHERE date(?1) IS NOT NULL AND (last IS NULL OR last < date(?1, ?2)) \
             ORDER BY last IS NOT NULL, last, p.id"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(self.sqlite())?;
        let due = stmt
            .query_map(params![today, format!("-{months} months")], |r| {
                Ok(DueProject {
                    project: project_from_row(r)?,
                    last_follow_up: r.get(17)?,
                })
            })
            .map_err(self.sqlite())?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(self.sqlite())?;
        let valid: Option<String> = self
            .conn
            .query_row("SELECT date(?1)", [today], |r| r.get(0))
            .map_err(self.sqlite())?;
        if valid.as_deref() != Some(today) {
            return Err(Error::Invalid(format!(
                "'{today}' is not a date (YYYY-MM-DD)"
            )));
        }
        Ok(due)
    }

    /// Every project as a partnership row: outcome and basis from its latest follow-up
    /// (a later follow-up corrects an earlier one), `unknown` without one.
    pub fn partnerships(&self) -> Result<Vec<PartnershipRecord>> {
        let sql = format!(
            "SELECT {PROJECT_COLUMNS}, f.outcome, f.evidence FROM projects p LEFT JOIN follow_ups f \
             ON f.id = (SELECT g.id FROM follow_ups g WHERE g.project_id = p.id \
                        ORDER BY g.followed_up_on DESC, g.id DESC LIMIT 1) \
             ORDER BY p.id"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(self.sqlite())?;
        stmt.query_map([], |r| {
            let p = project_from_row(r)?.project;
            Ok(PartnershipRecord {
                id: p.key.unwrap_or_default(),
                japan_region: p.japan_region,
                overseas_regions: p.partner_regions,
                sector: p.sector,
                start_fy: p.start_fy,
                end_fy: p.end_fy,
                activities: p.activities,
                outcome: r
                    .get::<_, Option<String>>(17)?
                    .unwrap_or_else(|| "unknown".into()),
                outcome_basis: r.get::<_, Option<String>>(18)?.unwrap_or_default(),
                source: p.source,
                wanted: p.wanted,
            })
        })
        .map_err(self.sqlite())?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(self.sqlite())
    }

    /// Registers a model file (one row per [`NewModel::model_id`]; returns the existing row
    /// when it is already registered).
    pub fn register_model(&mut self, m: &NewModel) -> Result<ModelRowId> {
        let path = self.path.clone();
        self.write(|tx| {
            tx.execute(
                "INSERT INTO models (model_id, path, learner, outcomes, catalog_digest, training_source) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (model_id) DO NOTHING",
                params![m.model_id, m.path, m.learner, m.outcomes.join(";"), m.catalog_digest, m.training_source],
            )
            .map_err(|e| Error::sqlite(&path, e))?;
            tx.query_row("SELECT id FROM models WHERE model_id = ?1", [&m.model_id], |r| r.get(0))
                .map_err(|e| Error::sqlite(&path, e))
        })
    }

    /// Every registered model, oldest first.
    pub fn models(&self) -> Result<Vec<ModelRecord>> {
        self.models_where("1")
    }

    fn models_where(&self, condition: &str) -> Result<Vec<ModelRecord>> {
        let sql = format!(
            "SELECT id, created_at, model_id, path, learner, outcomes, catalog_digest, training_source \
             FROM models WHERE {condition} ORDER BY id"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(self.sqlite())?;
        stmt.query_map([], |r| {
            Ok(ModelRecord {
                id: r.get(0)?,
                created_at: r.get(1)?,
                model: NewModel {
                    model_id: r.get(2)?,
                    path: r.get(3)?,
                    learner: r.get(4)?,
                    outcomes: split(&r.get::<_, String>(5)?),
                    catalog_digest: r.get(6)?,
                    training_source: r.get(7)?,
                },
            })
        })
        .map_err(self.sqlite())?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(self.sqlite())
    }

    /// Makes a registered model the active one (switching back to an earlier one is the same
    /// call).
    pub fn activate_model(&mut self, id: ModelRowId) -> Result<()> {
        let path = self.path.clone();
        self.write(|tx| {
            let exists: bool = tx
                .query_row("SELECT count(*) > 0 FROM models WHERE id = ?1", [id], |r| {
                    r.get(0)
                })
                .map_err(|e| Error::sqlite(&path, e))?;
            if !exists {
                return Err(Error::NotFound { kind: "model", id });
            }
            tx.execute(
                "INSERT INTO active_model (singleton, model) VALUES (1, ?1) \
                 ON CONFLICT (singleton) DO UPDATE SET model = excluded.model, \
                 activated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
                [id],
            )
            .map_err(|e| Error::sqlite(&path, e))?;
            Ok(())
        })
    }

    /// The active model, if one was activated.
    pub fn active_model(&self) -> Result<Option<ModelRecord>> {
        Ok(self
            .models_where("id = (SELECT model FROM active_model WHERE singleton = 1)")?
            .pop())
    }

    /// Writes [`Store::partnerships`] to `path` atomically (temporary file, then rename);
    /// returns the number of rows.
    pub fn export_partnerships(&self, path: &Path) -> Result<usize> {
        let rows = self.partnerships()?;
        tieup_core::fsutil::write_atomic(path, partnerships::to_csv(&rows).as_bytes())?;
        Ok(rows.len())
    }

    /// Imports a file in the partnerships layout, all rows in one transaction: each new id
    /// becomes a project (key = id) with, unless its outcome is `unknown`, one follow-up dated
    /// the end of its last fiscal year (31 March) with the outcome basis as evidence. Ids
    /// already in the store are skipped.
    pub fn import_partnerships(&mut self, path: &Path) -> Result<ImportSummary> {
        let records = partnerships::read(path)?;
        let db = self.path.clone();
        self.write(|tx| {
            let mut summary = ImportSummary::default();
            for r in &records {
                let exists: bool = tx
                    .query_row(
                        "SELECT count(*) > 0 FROM projects WHERE key = ?1",
                        [&r.id],
                        |row| row.get(0),
                    )
                    .map_err(|e| Error::sqlite(&db, e))?;
                if exists {
                    summary.skipped.push(r.id.clone());
                    continue;
                }
                import_one(&db, tx, r)?;
                summary.imported += 1;
            }
            Ok(summary)
        })
    }

    /// Copies the database to `path` with SQLite's online backup API (readers and writers may
    /// go on meanwhile), through a temporary file renamed into place.
    pub fn backup(&self, path: &Path) -> Result<()> {
        let mut tmp = path.as_os_str().to_owned();
        tmp.push(format!(".tmp-{}", std::process::id()));
        let tmp = PathBuf::from(tmp);
        let _ = std::fs::remove_file(&tmp);
        let result = self
            .conn
            .backup(rusqlite::MAIN_DB, &tmp, None)
            .map_err(|e| Error::sqlite(path, e))
            .and_then(|()| {
                let file = std::fs::File::open(&tmp).map_err(|e| tieup_core::Error::io(&tmp, e))?;
                file.sync_all()
                    .map_err(|e| tieup_core::Error::io(&tmp, e))?;
                std::fs::rename(&tmp, path).map_err(|e| tieup_core::Error::io(path, e).into())
            });
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result
    }

    /// Integrity check, foreign-key check, schema version and row counts.
    pub fn check(&self) -> Result<CheckReport> {
        let texts = |sql: &str| -> Result<Vec<String>> {
            let mut stmt = self.conn.prepare(sql).map_err(self.sqlite())?;
            let n = stmt.column_count();
            stmt.query_map([], |r| {
                let cells: Vec<String> = (0..n)
                    .map(|i| match r.get_ref(i) {
                        Ok(v) => match v {
                            rusqlite::types::ValueRef::Null => "NULL".to_string(),
                            rusqlite::types::ValueRef::Integer(i) => i.to_string(),
                            rusqlite::types::ValueRef::Real(f) => f.to_string(),
                            rusqlite::types::ValueRef::Text(t) => {
                                String::from_utf8_lossy(t).into_owned()
                            }
                            rusqlite::types::ValueRef::Blob(_) => "<blob>".to_string(),
                        },
                        Err(_) => String::new(),
                    })
                    .collect();
                Ok(cells.join(" "))
            })
            .map_err(self.sqlite())?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(self.sqlite())
        };
        let mut rows = Vec::new();
        for table in [
            "shortlists",
            "shortlist_candidates",
            "decisions",
            "projects",
            "follow_ups",
            "models",
        ] {
            let n: i64 = self
                .conn
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
                .map_err(self.sqlite())?;
            rows.push((table.to_string(), n));
        }
        Ok(CheckReport {
            schema_version: self.schema_version()?,
            latest_version: crate::SCHEMA_VERSION,
            journal_mode: texts("PRAGMA journal_mode")?.concat(),
            integrity: texts("PRAGMA integrity_check")?,
            foreign_key_violations: texts("PRAGMA foreign_key_check")?,
            rows,
        })
    }
}

fn insert_project(path: &Path, tx: &Transaction<'_>, p: &NewProject) -> Result<ProjectId> {
    let sqlite = |e| Error::sqlite(path, e);
    if p.partner_regions.is_empty() {
        return Err(Error::Invalid(
            "a project needs at least one partner region".into(),
        ));
    }
    if let Some(decision) = p.decision {
        let kind: Option<String> = tx
            .query_row(
                "SELECT decision FROM decisions WHERE id = ?1",
                [decision],
                |r| r.get(0),
            )
            .optional()
            .map_err(sqlite)?;
        match kind.as_deref() {
            None => {
                return Err(Error::NotFound {
                    kind: "decision",
                    id: decision,
                });
            }
            Some("agreed") => {}
            Some(other) => {
                return Err(Error::Invalid(format!(
                    "decision {decision} is '{other}'; a project opens only from an agreed candidate"
                )));
            }
        }
    }
    let placeholder = format!("pending-{}", std::process::id());
    tx.execute(
        "INSERT INTO projects (key, decision_id, japan_region, partner_regions, sector, start_fy, end_fy, \
         implementation_bodies, commitment, mediator, research_trips, missions, invitations, wanted, source) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        params![
            p.key.as_deref().unwrap_or(&placeholder),
            p.decision,
            p.japan_region,
            p.partner_regions.join(";"),
            p.sector,
            p.start_fy,
            p.end_fy,
            p.implementation_bodies.join(";"),
            commitment_text(p.commitment),
            p.mediator,
            p.activities[0],
            p.activities[1],
            p.activities[2],
            p.wanted.join(";"),
            p.source,
        ],
    )
    .map_err(sqlite)?;
    let id = tx.last_insert_rowid();
    if p.key.is_none() {
        tx.execute(
            "UPDATE projects SET key = ?1 WHERE id = ?2",
            params![format!("db_{id}"), id],
        )
        .map_err(sqlite)?;
    }
    Ok(id)
}

fn insert_follow_up(path: &Path, tx: &Transaction<'_>, f: &NewFollowUp) -> Result<FollowUpId> {
    let sqlite = |e| Error::sqlite(path, e);
    let exists: bool = tx
        .query_row(
            "SELECT count(*) > 0 FROM projects WHERE id = ?1",
            [f.project],
            |r| r.get(0),
        )
        .map_err(sqlite)?;
    if !exists {
        return Err(Error::NotFound {
            kind: "project",
            id: f.project,
        });
    }
    tx.execute(
        "INSERT INTO follow_ups (project_id, followed_up_on, outcome, evidence, author) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![f.project, f.date, f.outcome.as_str(), f.evidence, f.author],
    )
    .map_err(sqlite)?;
    Ok(tx.last_insert_rowid())
}

fn import_one(path: &Path, tx: &Transaction<'_>, r: &PartnershipRecord) -> Result<()> {
    let project = insert_project(
        path,
        tx,
        &NewProject {
            key: Some(r.id.clone()),
            japan_region: r.japan_region.clone(),
            partner_regions: r.overseas_regions.clone(),
            sector: r.sector.clone(),
            start_fy: r.start_fy,
            end_fy: r.end_fy,
            activities: r.activities,
            wanted: r.wanted.clone(),
            source: r.source.clone(),
            ..NewProject::default()
        },
    )?;
    if let Some(outcome) = FollowUpOutcome::parse(&r.outcome) {
        insert_follow_up(
            path,
            tx,
            &NewFollowUp {
                project,
                date: format!("{}-03-31", u32::from(r.end_fy) + 1),
                outcome,
                evidence: r.outcome_basis.clone(),
                author: "import".into(),
            },
        )?;
    }
    Ok(())
}
