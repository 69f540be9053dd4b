//! The store on the page (`tieup serve --db`): save the shown shortlist, record a decision per
//! candidate, open a project from an agreed candidate, record follow-ups, list the projects
//! whose follow-up is due, retrain on the recorded outcomes and switch between the models
//! produced. Pages are in [`pages`], labels in [`text`], form handling and the CSRF check in
//! [`forms`].
//!
//! Every form is a POST answered with a 303 redirect to the page that shows the result
//! (post/redirect/get), so a reload never sends a form twice. Each request opens its own
//! connection on a blocking thread (SQLite serialises the writers; none is lost). Without a
//! store every route here answers 404 with how to start one.
//!
//! | route | answer |
//! |---|---|
//! | `POST /shortlists` | saves the shortlist of the query in `query` → `/shortlists/{id}` |
//! | `GET /shortlists`, `GET /shortlists/{id}` | the saved shortlists; one with its decisions and projects |
//! | `POST /shortlists/{id}/decisions` | records a decision on a candidate |
//! | `POST /projects` | opens a project from an agreed decision → `/projects/{id}` |
//! | `GET /projects/{id}`, `POST /projects/{id}/follow-ups` | a project and its follow-ups; records one |
//! | `GET /follow-ups/due?months=6\|12` | projects without a follow-up in that many months |
//! | `GET /models`, `POST /models/retrain`, `POST /models/{id}/activate` | the models; retrain; switch |

mod forms;
mod handlers;
pub(crate) mod pages;
pub(crate) mod text;

use crate::params::UserError;
use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use tieup_store::Store;

/// How the page's store is set up.
#[derive(Debug, Clone)]
pub struct StoreSetup {
    /// The database file (created and migrated when missing).
    pub db: PathBuf,
    /// What retraining starts from; `None` hides the retrain button.
    pub retrain: Option<tieup_retrain::Setup>,
    /// Start with the store's active model (when it has one) rather than the page's.
    pub use_active_model: bool,
}

/// The store's part of the server state.
#[derive(Debug)]
pub(crate) struct StoreState {
    pub(crate) setup: StoreSetup,
    /// The form token every store form carries.
    pub(crate) token: String,
    /// The retraining job: one at a time.
    pub(crate) job: Mutex<Job>,
    /// The catalog's digest, computed on first use.
    digest: OnceLock<String>,
}

/// What the retrain button last started.
#[derive(Debug, Clone, Default)]
pub(crate) enum Job {
    #[default]
    Idle,
    Running,
    Done {
        row: tieup_store::ModelRowId,
        path: String,
    },
    Failed(String),
}

impl StoreState {
    pub(crate) fn new(setup: StoreSetup) -> Self {
        StoreState {
            setup,
            token: forms::new_token(),
            job: Mutex::new(Job::Idle),
            digest: OnceLock::new(),
        }
    }

    /// [`tieup_store::catalog_digest`] of the page's catalog (empty when unreadable).
    pub(crate) fn catalog_digest(&self, catalog: &tieup_core::catalog::Catalog) -> String {
        self.digest
            .get_or_init(|| tieup_store::catalog_digest(catalog.dir()).unwrap_or_default())
            .clone()
    }
}

/// The store's routes (merged into the page's router).
pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route(
            "/shortlists",
            get(handlers::shortlists).post(handlers::save_shortlist),
        )
        .route("/shortlists/{id}", get(handlers::shortlist))
        .route(
            "/shortlists/{id}/decisions",
            post(handlers::record_decision),
        )
        .route("/projects", post(handlers::open_project))
        .route("/projects/{id}", get(handlers::project))
        .route(
            "/projects/{id}/follow-ups",
            post(handlers::record_follow_up),
        )
        .route("/follow-ups/due", get(handlers::due))
        .route("/models", get(handlers::models))
        .route("/models/retrain", post(handlers::retrain))
        .route("/models/{id}/activate", post(handlers::activate))
}

/// A store error as a page error: a broken rule 400, a missing row 404, anything else 500.
pub(crate) fn user_error(e: tieup_store::Error) -> UserError {
    let status = match &e {
        tieup_store::Error::Invalid(_) => 400,
        tieup_store::Error::NotFound { .. } => 404,
        _ => 500,
    };
    UserError {
        status,
        ..UserError::bad(e.to_string())
    }
}

/// Runs `f` with a connection to the store on a blocking thread.
pub(crate) async fn with_store<T: Send + 'static>(
    state: &Arc<AppState>,
    f: impl FnOnce(&AppState, &mut Store) -> Result<T, UserError> + Send + 'static,
) -> Result<T, UserError> {
    let Some(store) = &state.store else {
        return Err(UserError {
            status: 404,
            ..UserError::bad("the store is off: start the page with `tieup serve --db [FILE]`")
        });
    };
    let db = store.setup.db.clone();
    let state = Arc::clone(state);
    tokio::task::spawn_blocking(move || {
        let mut store = Store::open(&db).map_err(user_error)?;
        f(&state, &mut store)
    })
    .await
    .unwrap_or_else(|e| {
        Err(UserError {
            status: 500,
            ..UserError::bad(format!("the request failed: {e}"))
        })
    })
}
