//! The rows the store keeps, as typed values (serialisable, for the web page's JSON).

use serde::{Deserialize, Serialize};

/// Row id of a saved shortlist.
pub type ShortlistId = i64;
/// Row id of a decision.
pub type DecisionId = i64;
/// Row id of a project.
pub type ProjectId = i64;
/// Row id of a follow-up.
pub type FollowUpId = i64;

/// One candidate of a shortlist, as it was shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    /// 1-based rank.
    pub rank: u32,
    /// Overseas region id.
    pub region: String,
    /// Score as shown.
    pub score: f64,
    /// The reasons as shown, in order.
    pub reasons: Vec<String>,
}

/// A shortlist to save.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewShortlist {
    /// Japanese region id.
    pub japan_region: String,
    /// Sector id.
    pub sector: String,
    /// The whole query as given (wanted traits, objectives, year limit, filters, grouping, ...).
    pub query: serde_json::Value,
    /// Which model ranked it ([`crate::model_id`]).
    pub model_id: String,
    /// Which catalog it was ranked over ([`crate::catalog_digest`]).
    pub catalog_digest: String,
    /// Who saved it.
    pub author: String,
    /// Free text.
    pub note: String,
    /// The candidates, best first.
    pub candidates: Vec<Candidate>,
}

/// A saved shortlist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedShortlist {
    /// Row id.
    pub id: ShortlistId,
    /// When it was saved (UTC).
    pub created_at: String,
    /// What was saved.
    #[serde(flatten)]
    pub shortlist: NewShortlist,
}

/// What was decided about a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// The candidate was contacted.
    Contacted,
    /// The candidate agreed to a project.
    Agreed,
    /// The candidate declined (or was declined).
    Declined,
}

/// A decision to record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewDecision {
    /// The saved shortlist.
    pub shortlist: ShortlistId,
    /// The candidate (an overseas region id of that shortlist).
    pub region: String,
    /// What was decided.
    pub decision: Decision,
    /// Why.
    pub reason: String,
    /// When (YYYY-MM-DD).
    pub date: String,
    /// Who recorded it.
    pub author: String,
}

/// A recorded decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionRecord {
    /// Row id.
    pub id: DecisionId,
    /// When it was recorded (UTC).
    pub recorded_at: String,
    /// What was recorded.
    #[serde(flatten)]
    pub decision: NewDecision,
}

/// How far the Japanese side committed (as in batch scoring's applications).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Commitment {
    /// Sufficient commitment.
    Sufficient,
    /// Partial commitment.
    Partial,
    /// Not known.
    #[default]
    Unknown,
}

/// A project to open.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct NewProject {
    /// Partnership id used in exports; `None` gives `db_<row id>`.
    pub key: Option<String>,
    /// The `agreed` decision it comes from, if any.
    pub decision: Option<DecisionId>,
    /// Japanese region id.
    pub japan_region: String,
    /// Overseas partner region ids (at least one).
    pub partner_regions: Vec<String>,
    /// Sector id.
    pub sector: String,
    /// First fiscal year.
    pub start_fy: u16,
    /// Last fiscal year.
    pub end_fy: u16,
    /// Implementation bodies (`company`, `prefecture`, `university`, ...).
    pub implementation_bodies: Vec<String>,
    /// Commitment of the Japanese side.
    pub commitment: Commitment,
    /// Whether a mediator took part (`None`: unknown).
    pub mediator: Option<bool>,
    /// Research trips, missions, invitations, where known.
    pub activities: [Option<u32>; 3],
    /// Features the Japanese side wanted most (feature names).
    pub wanted: Vec<String>,
    /// Where the project's record comes from.
    pub source: String,
}

/// A project in the store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectRecord {
    /// Row id.
    pub id: ProjectId,
    /// When it was opened (UTC).
    pub created_at: String,
    /// The project (its `key` always set).
    #[serde(flatten)]
    pub project: NewProject,
}

/// What a follow-up found: the survey's timing of results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpOutcome {
    /// Results during the project.
    During,
    /// Results after the project.
    After,
    /// No results yet.
    NotYet,
    /// Named a successful case, timing not given (only from imports of the survey's cases).
    ReportedSuccess,
}

impl FollowUpOutcome {
    /// The text stored and exported.
    pub fn as_str(self) -> &'static str {
        match self {
            FollowUpOutcome::During => "during",
            FollowUpOutcome::After => "after",
            FollowUpOutcome::NotYet => "not_yet",
            FollowUpOutcome::ReportedSuccess => "reported_success",
        }
    }

    /// Parses the stored text.
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "during" => FollowUpOutcome::During,
            "after" => FollowUpOutcome::After,
            "not_yet" => FollowUpOutcome::NotYet,
            "reported_success" => FollowUpOutcome::ReportedSuccess,
            _ => return None,
        })
    }
}

/// A follow-up to record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewFollowUp {
    /// The project.
    pub project: ProjectId,
    /// When (YYYY-MM-DD).
    pub date: String,
    /// What was found.
    pub outcome: FollowUpOutcome,
    /// The evidence, as text.
    pub evidence: String,
    /// Who recorded it.
    pub author: String,
}

/// A recorded follow-up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FollowUpRecord {
    /// Row id.
    pub id: FollowUpId,
    /// When it was recorded (UTC).
    pub recorded_at: String,
    /// What was recorded.
    #[serde(flatten)]
    pub follow_up: NewFollowUp,
}

/// A project without a follow-up in the period asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DueProject {
    /// The project.
    pub project: ProjectRecord,
    /// Date of its latest follow-up, if it ever had one.
    pub last_follow_up: Option<String>,
}

/// Row id of a registered model.
pub type ModelRowId = i64;

/// A model file to register.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct NewModel {
    /// [`crate::model_id`] of the file; registering the same id again returns the first row.
    pub model_id: String,
    /// Where the file is.
    pub path: String,
    /// The learner (`prior-anchored`, `pairwise`, ...).
    pub learner: String,
    /// Partnership ids from this store it was trained on.
    pub outcomes: Vec<String>,
    /// [`crate::catalog_digest`] of the catalog it was trained on.
    pub catalog_digest: String,
    /// The model file's `training.source`.
    pub training_source: String,
}

/// A registered model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelRecord {
    /// Row id.
    pub id: ModelRowId,
    /// When it was registered (UTC).
    pub created_at: String,
    /// What was registered.
    #[serde(flatten)]
    pub model: NewModel,
}

/// What [`crate::Store::import_partnerships`] did.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ImportSummary {
    /// Partnerships added as projects.
    pub imported: usize,
    /// Ids already in the store, left as they were.
    pub skipped: Vec<String>,
}

/// What [`crate::Store::check`] found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckReport {
    /// `PRAGMA user_version`.
    pub schema_version: u32,
    /// The latest version this build knows.
    pub latest_version: u32,
    /// `PRAGMA journal_mode`.
    pub journal_mode: String,
    /// `PRAGMA integrity_check` messages (`["ok"]` when sound).
    pub integrity: Vec<String>,
    /// `PRAGMA foreign_key_check` rows, as text.
    pub foreign_key_violations: Vec<String>,
    /// Rows per table.
    pub rows: Vec<(String, i64)>,
}

impl CheckReport {
    /// True when the database is sound and at the latest version.
    pub fn is_ok(&self) -> bool {
        self.integrity == ["ok"]
            && self.foreign_key_violations.is_empty()
            && self.schema_version == self.latest_version
    }
}
