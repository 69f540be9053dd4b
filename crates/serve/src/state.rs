//! The shared state of the server: the catalog, its encoder, the precomputed feature tables
//! of the batch kernel and the model, loaded once and shared by every request; the model is
//! swapped in place when its file changes, or switched to another file as one step (model,
//! path and modification time together), so a request never sees one model under another's
//! name.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::SystemTime;
use tieup_core::catalog::Catalog;
use tieup_core::features::{Encoder, N_FEATURES, Query};
use tieup_core::ids::{RegionId, SectorId};
use tieup_core::kernel::FeatureTables;
use tieup_core::known::{KnownCatalogs, KnownEncoders};
use tieup_core::model::LinearModel;
use tieup_core::rank::RankedCandidate;
use tieup_core::select::Selection;

/// What every request reads.
pub struct AppState {
    catalog: &'static Catalog,
    encoder: &'static Encoder<'static>,
    /// One encoder per year limit's catalog (made on first use), for queries with a year.
    encoders: &'static KnownEncoders<'static>,
    /// Kernel columns; the per-(region, sector) columns are computed on first use.
    tables: RwLock<FeatureTables<'static>>,
    /// The (Japanese region, sector) pairs whose columns are in `tables`.
    prepared: RwLock<HashSet<(RegionId, SectorId)>>,
    /// The model in use, its file and that file's modification time, replaced together.
    active: RwLock<Arc<ActiveModel>>,
    /// Held while the model is switched or reloaded, so that two switches (or a switch and
    /// the watcher's reload) cannot interleave.
    switching: Mutex<()>,
    /// The store of saved shortlists, decisions, projects and follow-ups, when one is on.
    pub(crate) store: Option<crate::store::StoreState>,
    /// Rendered once: the type-ahead lists (English, Japanese) and the map's candidate dots.
    pub(crate) cache: RenderCache,
}

/// HTML fragments that depend only on the catalog, rendered on first use.
#[derive(Default)]
pub(crate) struct RenderCache {
    pub(crate) datalists: [OnceLock<String>; 2],
    pub(crate) dots: OnceLock<String>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("regions", &self.catalog.n_regions())
            .field("model_path", &self.active().path)
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// State over a catalog and a model read from `model_path` (shown in reports as given).
    ///
    /// The catalog and its encoder live as long as the process (they are leaked once, so
    /// that the encoder and the kernel tables, which borrow them, can be shared by every
    /// request without copying).
    pub fn new(catalog: Catalog, model: LinearModel, model_path: PathBuf) -> Self {
        let catalog: &'static Catalog = Box::leak(Box::new(catalog));
        let known: &'static KnownCatalogs<'static> =
            Box::leak(Box::new(KnownCatalogs::new(catalog)));
        let encoders: &'static KnownEncoders<'static> =
            Box::leak(Box::new(KnownEncoders::new(known)));
        let encoder = encoders.base();
        let modified = modified(&model_path);
        AppState {
            catalog,
            encoder,
            encoders,
            tables: RwLock::new(FeatureTables::new(encoder)),
            prepared: RwLock::new(HashSet::new()),
            active: RwLock::new(Arc::new(ActiveModel {
                model: Arc::new(model),
                path: model_path,
                modified,
            })),
            switching: Mutex::new(()),
            store: None,
            cache: RenderCache::default(),
        }
    }

    /// Loads the catalog from `data_dir` and the model from `model_path`.
    pub fn load(data_dir: &Path, model_path: &Path) -> tieup_core::Result<Self> {
        let catalog = Catalog::load(data_dir)?;
        let model = LinearModel::load(model_path)?;
        Ok(AppState::new(catalog, model, model_path.to_path_buf()))
    }

    /// The catalog.
    pub fn catalog(&self) -> &'static Catalog {
        self.catalog
    }

    /// The encoder over the catalog.
    pub fn encoder(&self) -> &'static Encoder<'static> {
        self.encoder
    }

    /// The encoder a query reads: over the catalog as known before its year limit (the full
    /// catalog's without one).
    pub fn encoder_for(&self, query: &Query) -> &'static Encoder<'static> {
        self.encoders.for_query(query)
    }

    /// The best `k` rows for a query without a year limit chosen by `selection`, ranked with
    /// their features and contributions, by the batch kernel (bit-identical to the reference
    /// ranking; columns computed once per region and sector, the rows' features read from
    /// them).
    pub fn top_k(
        &self,
        query: &Query,
        weights: &[f64; N_FEATURES],
        selection: &Selection,
        k: usize,
    ) -> Vec<RankedCandidate> {
        debug_assert!(query.before_year.is_none(), "year columns are not cached");
        let key = (query.japan_region, query.sector);
        let ready = self
            .prepared
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .contains(&key);
        if !ready {
            let mut tables = self.tables.write().unwrap_or_else(|e| e.into_inner());
            tables.prepare(std::iter::once(query));
            self.prepared
                .write()
                .unwrap_or_else(|e| e.into_inner())
                .insert(key);
        }
        let mut scores = Vec::new();
        let tables = self.tables.read().unwrap_or_else(|e| e.into_inner());
        let rows = tables.top_k_selected(query, weights, selection, k, &mut scores);
        tables.ranked(query, weights, rows)
    }

    /// Turns the store on: the page then saves shortlists, records decisions, projects and
    /// follow-ups in it, retrains from them and switches between the models it keeps. Opens
    /// (creating and migrating) the database once, then agrees with it on the model: with
    /// [`crate::StoreSetup::use_active_model`] and an active model in the store whose file
    /// loads, that model is loaded; otherwise the page's model is registered and made the
    /// active one.
    pub fn with_store(mut self, setup: crate::StoreSetup) -> tieup_store::Result<Self> {
        let mut store = tieup_store::Store::open(&setup.db)?;
        let active = store.active_model()?;
        // An active model whose file no longer loads gives way to the page's model.
        let loaded = match active {
            Some(m) if setup.use_active_model => self.replace(Path::new(&m.model.path)).is_ok(),
            _ => false,
        };
        if !loaded {
            let current = self.active();
            let row = store.register_model(&tieup_store::NewModel {
                model_id: tieup_store::model_id(&current.path)?,
                path: current.path.to_string_lossy().replace('\\', "/"),
                learner: current.model.kind.clone(),
                outcomes: Vec::new(),
                catalog_digest: tieup_store::catalog_digest(self.catalog.dir())?,
                training_source: current.model.training.source.clone(),
            })?;
            store.activate_model(row)?;
        }
        self.store = Some(crate::store::StoreState::new(setup));
        Ok(self)
    }

    /// The current model.
    pub fn model(&self) -> Arc<LinearModel> {
        Arc::clone(&self.active().model)
    }

    /// The current model with its file, read together.
    pub fn active(&self) -> Arc<ActiveModel> {
        Arc::clone(&self.active.read().unwrap_or_else(|e| e.into_inner()))
    }

    /// The model file in use, as given.
    pub fn model_path(&self) -> PathBuf {
        self.active().path.clone()
    }

    /// Loads the model at `path` and makes it the one every later request uses (requests in
    /// flight finish with the model they started with). A file that does not load changes
    /// nothing.
    pub fn switch_model(&self, path: &Path) -> tieup_core::Result<()> {
        let _guard = self.switching.lock().unwrap_or_else(|e| e.into_inner());
        self.replace(path)
    }

    /// Runs `f` while no other switch or reload can happen, then switches to `path` (for the
    /// store, whose record of the active model must agree with the page's).
    pub(crate) fn switch_model_with<T, E: From<tieup_core::Error>>(
        &self,
        path: &Path,
        f: impl FnOnce() -> Result<T, E>,
    ) -> Result<T, E> {
        let _guard = self.switching.lock().unwrap_or_else(|e| e.into_inner());
        LinearModel::load(path)?;
        let value = f()?;
        self.replace(path)?;
        Ok(value)
    }

    fn replace(&self, path: &Path) -> tieup_core::Result<()> {
        let modified = modified(path);
        let model = LinearModel::load(path)?;
        *self.active.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(ActiveModel {
            model: Arc::new(model),
            path: path.to_path_buf(),
            modified,
        });
        Ok(())
    }

    /// Reloads the model when its file's modification time changed. Returns `Ok(true)` when
    /// a new model is in place; a file that does not load leaves the old model in place and
    /// returns the error (and is tried again at the next change).
    pub fn reload_model_if_changed(&self) -> tieup_core::Result<bool> {
        let _guard = self.switching.lock().unwrap_or_else(|e| e.into_inner());
        let active = self.active();
        let now = modified(&active.path);
        if active.modified == now {
            return Ok(false);
        }
        let model = LinearModel::load(&active.path);
        // The new time is kept also when the file fails to load, so it is tried again only
        // after its next change.
        *self.active.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(ActiveModel {
            model: match &model {
                Ok(m) => Arc::new(m.clone()),
                Err(_) => Arc::clone(&active.model),
            },
            path: active.path.clone(),
            modified: now,
        });
        model.map(|_| true)
    }
}

/// The model in use and where it came from.
#[derive(Debug)]
pub struct ActiveModel {
    /// The model.
    pub model: Arc<LinearModel>,
    /// Its file, as given.
    pub path: PathBuf,
    /// The file's modification time when it was loaded.
    modified: Option<SystemTime>,
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}
