//! The catalog as known in each year, for the entry points that ask queries of several year
//! limits: training samples and the replay (each partnership as of its start), batch scoring
//! (each application's fiscal year) and the page.
//!
//! [`Catalog::as_known_in`] is the one definition; [`KnownCatalogs`] makes each distinct
//! catalog once, on first use (one per era: years that leave out the same dated values share
//! it), [`KnownEncoders`] one encoder per such catalog and [`KnownTables`] one set of kernel
//! tables per encoder. A query without a year limit, and any year on a catalog without dated
//! values, reads the full catalog itself.
//!
//! ```
//! # let catalog = tieup_core::catalog::Catalog::load(std::path::Path::new("../../data")).unwrap();
//! use tieup_core::known::{KnownCatalogs, KnownEncoders};
//! let known = KnownCatalogs::new(&catalog);
//! let encoders = KnownEncoders::new(&known);
//! let before_2005 = encoders.get(Some(2005)).catalog();
//! assert!(before_2005.honours(Some(2005)));
//! assert!(encoders.get(None).catalog().honours(None));
//! ```

use crate::catalog::Catalog;
use crate::features::{Encoder, Query};
use crate::kernel::FeatureTables;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The catalog as known before each year limit, made once per era on first use.
#[derive(Debug)]
pub struct KnownCatalogs<'a> {
    base: &'a Catalog,
    /// Era keys ([`Catalog::eras`]), ascending, with their catalogs once made.
    eras: Vec<(u16, OnceLock<Catalog>)>,
}

impl<'a> KnownCatalogs<'a> {
    /// The eras of `base` (the full catalog), none made yet.
    pub fn new(base: &'a Catalog) -> Self {
        KnownCatalogs {
            base,
            eras: base
                .eras()
                .into_iter()
                .map(|y| (y, OnceLock::new()))
                .collect(),
        }
    }

    /// The full catalog.
    pub fn base(&self) -> &'a Catalog {
        self.base
    }

    /// Position of the era of a year limit; `None` for the full catalog.
    fn slot(&self, year: Option<u16>) -> Option<usize> {
        let key = self.base.era(year)?;
        self.eras.iter().position(|(k, _)| *k == key)
    }

    /// The catalog as known before fiscal year `year` ([`Catalog::as_known_in`]).
    pub fn get(&self, year: Option<u16>) -> &Catalog {
        match self.slot(year) {
            None => self.base,
            Some(i) => {
                let (key, cell) = &self.eras[i];
                cell.get_or_init(|| self.base.as_known_in(Some(*key)))
            }
        }
    }
}

/// One encoder per catalog of a [`KnownCatalogs`], made on first use.
pub struct KnownEncoders<'c> {
    known: &'c KnownCatalogs<'c>,
    base: Encoder<'c>,
    eras: Vec<OnceLock<Encoder<'c>>>,
}

impl<'c> KnownEncoders<'c> {
    /// The encoder of the full catalog; the others when first asked for.
    pub fn new(known: &'c KnownCatalogs<'c>) -> Self {
        KnownEncoders {
            known,
            base: Encoder::new(known.base),
            eras: known.eras.iter().map(|_| OnceLock::new()).collect(),
        }
    }

    /// The encoder over the catalog as known before fiscal year `year`.
    pub fn get(&self, year: Option<u16>) -> &Encoder<'c> {
        match self.known.slot(year) {
            None => &self.base,
            Some(i) => self.eras[i].get_or_init(|| Encoder::new(self.known.get(year))),
        }
    }

    /// The encoder a query reads: its year limit's.
    pub fn for_query(&self, query: &Query) -> &Encoder<'c> {
        self.get(query.before_year)
    }

    /// The encoder of the full catalog.
    pub fn base(&self) -> &Encoder<'c> {
        &self.base
    }
}

/// Kernel tables per year limit's catalog: [`FeatureTables`] over each encoder of a
/// [`KnownEncoders`], made when a query of its era is prepared.
pub struct KnownTables<'e> {
    encoders: &'e KnownEncoders<'e>,
    /// Tables by era key (`None`: the full catalog).
    tables: BTreeMap<Option<u16>, FeatureTables<'e>>,
}

impl<'e> KnownTables<'e> {
    /// No tables yet.
    pub fn new(encoders: &'e KnownEncoders<'e>) -> Self {
        KnownTables {
            encoders,
            tables: BTreeMap::new(),
        }
    }

    fn key(&self, query: &Query) -> Option<u16> {
        self.encoders.known.base.era(query.before_year)
    }

    /// Makes the tables of every era `queries` need and prepares their columns
    /// ([`FeatureTables::prepare`]).
    pub fn prepare<'q>(&mut self, queries: impl IntoIterator<Item = &'q Query>) {
        let mut by_era: BTreeMap<Option<u16>, Vec<&Query>> = BTreeMap::new();
        for q in queries {
            by_era.entry(self.key(q)).or_default().push(q);
        }
        for (key, queries) in by_era {
            let encoders = self.encoders;
            let year = queries[0].before_year;
            self.tables
                .entry(key)
                .or_insert_with(|| FeatureTables::new(encoders.get(year)))
                .prepare(queries);
        }
    }

    /// The tables a prepared query reads.
    ///
    /// # Panics
    /// If no query of its era was prepared.
    pub fn get(&self, query: &Query) -> &FeatureTables<'e> {
        &self.tables[&self.key(query)]
    }

    /// The full catalog.
    pub fn catalog(&self) -> &'e Catalog {
        self.encoders.known.base
    }

    /// Number of candidates scored per query (the same in every era).
    pub fn n_candidates(&self) -> usize {
        self.catalog().n_candidates()
    }
}
