//! The twin-city step of `tieup catalog rebuild`: matches the three sources
//! ([`crate::twins`] for the Wikidata 2016 snapshot, [`crate::twin_sources`] for the
//! Wikipedia and Wikidata EU-Japan pairs) with the curated places of
//! `data/codes/twin_places.csv` ([`crate::twin_places`]), merges their links and renders
//! `twin_ties.csv` and `twin_unmatched.csv`.

use crate::geonames::{Gazetteer, UnitMatch};
use crate::twin_places::TwinPlaces;
use crate::twin_sources::{self, SourceReport};
use crate::twins::{self, Matcher, TwinReport};
use std::path::Path;
use tieup_core::catalog::Catalog;
use tieup_core::error::Result;

/// The curated places, relative to the catalog directory.
pub const CURATED_PLACES: &str = "codes/twin_places.csv";

/// What the twin-city step found and the texts of its two derived files.
#[derive(Debug, Clone)]
pub struct TwinOutputs {
    /// The Wikidata 2016 snapshot's counts.
    pub report: TwinReport,
    /// The Wikipedia and Wikidata EU-Japan counts.
    pub sources: Vec<SourceReport>,
    /// Region pairs, distinct links, links carried by more than one source.
    pub merged: (usize, usize, usize),
    /// Curated places read.
    pub curated: usize,
    /// `twin_ties.csv`.
    pub ties_csv: String,
    /// `twin_unmatched.csv`.
    pub unmatched_csv: String,
}

/// Runs the twin-city step over the raw directory (`sister_cities/`,
/// `sister_cities_wikipedia/`) and the catalog directory (curated places, when present).
pub fn build(
    catalog: &Catalog,
    gazetteer: &Gazetteer,
    units: &UnitMatch,
    raw_dir: &Path,
    data_dir: &Path,
) -> Result<TwinOutputs> {
    let curated_path = data_dir.join(CURATED_PLACES);
    let curated = if curated_path.is_file() {
        TwinPlaces::load(&curated_path, catalog)?
    } else {
        TwinPlaces::default()
    };
    let matcher = Matcher::new(catalog, gazetteer, units);
    let mut sources = Vec::new();
    let (mut links, mut unmatched) = (Vec::new(), Vec::new());
    for (source, pairs) in [
        (
            twin_sources::WIKIPEDIA,
            twin_sources::read_wikipedia(&crate::rebuild::raw(
                raw_dir,
                "sister_cities_wikipedia/twin_cities_geocoded.csv",
            )?)?,
        ),
        (
            twin_sources::EU_JAPAN,
            twin_sources::read_eu_japan(&crate::rebuild::raw(
                raw_dir,
                "sister_cities/eu_japan_sistercities.tsv",
            )?)?,
        ),
    ] {
        let (found, source_report, missing) =
            twin_sources::build(&matcher, &curated, &pairs, source);
        links.extend(found);
        sources.push(source_report);
        unmatched.extend(missing);
    }
    // The snapshot last: its ambiguous labels are resolved by the other sources' matches.
    let (found, report, missing) = twins::build(
        &matcher,
        &curated,
        &twins::Hints::new(&links),
        &crate::rebuild::raw(raw_dir, "sister_cities/names.tsv")?,
        &crate::rebuild::raw(raw_dir, "sister_cities/relations.tsv")?,
    )?;
    links.extend(found);
    unmatched.extend(missing);
    let ties = twins::merge(links);
    let merged = (
        ties.len(),
        ties.iter().map(|t| t.links.len()).sum(),
        ties.iter()
            .flat_map(|t| &t.links)
            .filter(|l| l.sources.len() > 1)
            .count(),
    );
    Ok(TwinOutputs {
        report,
        sources,
        merged,
        curated: curated.len(),
        ties_csv: twins::twins_csv(catalog, &ties),
        unmatched_csv: twin_sources::unmatched_csv(&unmatched),
    })
}
