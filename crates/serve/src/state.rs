//! The shared state of the server: the catalog, its encoder, the precomputed feature tables
//! of the batch kernel and the model, loaded once and shared by every request; the model is
//! swapped in place when its file changes.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock, RwLock};
use std::time::SystemTime;
use tieup_core::catalog::Catalog;
use tieup_core::features::{Encoder, N_FEATURES, Query};
use tieup_core::ids::{RegionId, SectorId};
use tieup_core::kernel::{FeatureTables, Hit};
use tieup_core::model::LinearModel;

/// What every request reads.
pub struct AppState {
    catalog: &'static Catalog,
    encoder: &'static Encoder<'static>,
    /// Kernel columns; the per-(region, sector) columns are computed on first use.
    tables: RwLock<FeatureTables<'static>>,
    /// The (Japanese region, sector) pairs whose columns are in `tables`.
    prepared: RwLock<HashSet<(RegionId, SectorId)>>,
    model: RwLock<Arc<LinearModel>>,
    model_path: PathBuf,
    model_modified: RwLock<Option<SystemTime>>,
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
            .field("model_path", &self.model_path)
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
        let encoder: &'static Encoder<'static> = Box::leak(Box::new(Encoder::new(catalog)));
        let modified = modified(&model_path);
        AppState {
            catalog,
            encoder,
            tables: RwLock::new(FeatureTables::new(encoder)),
            prepared: RwLock::new(HashSet::new()),
            model: RwLock::new(Arc::new(model)),
            model_path,
            model_modified: RwLock::new(modified),
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

    /// The best `k` candidates for a query without a year limit, by the batch kernel
    /// (bit-identical to the reference ranking; columns computed once per region and sector).
    pub fn top_k(&self, query: &Query, weights: &[f64; N_FEATURES], k: usize) -> Vec<Hit> {
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
        self.tables
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .top_k(query, weights, k, &mut scores)
    }

    /// The current model.
    pub fn model(&self) -> Arc<LinearModel> {
        Arc::clone(&self.model.read().unwrap_or_else(|e| e.into_inner()))
    }

    /// The model file, as given.
    pub fn model_path(&self) -> &Path {
        &self.model_path
    }

    /// Reloads the model when its file's modification time changed. Returns `Ok(true)` when
    /// a new model is in place; a file that does not load leaves the old model in place and
    /// returns the error (and is tried again at the next change).
    pub fn reload_model_if_changed(&self) -> tieup_core::Result<bool> {
        let now = modified(&self.model_path);
        {
            let seen = self
                .model_modified
                .read()
                .unwrap_or_else(|e| e.into_inner());
            if *seen == now {
                return Ok(false);
            }
        }
        *self
            .model_modified
            .write()
            .unwrap_or_else(|e| e.into_inner()) = now;
        let model = LinearModel::load(&self.model_path)?;
        *self.model.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(model);
        Ok(true)
    }
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}
