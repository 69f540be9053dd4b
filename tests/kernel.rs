//! The batch kernel against the reference ranking path, as a property: under random weight
//! vectors (negative, zero, tiny, large but finite) and random queries (Japanese region,
//! sector, wanted features, year limit) over the fixture catalog with twin-city ties, the
//! kernel's top-K equals `rank::shortlist` bit for bit (same order, same scores), its feature
//! rows equal the encoder's, and every candidate's contributions sum to its score. The same
//! holds with a random selection (grouping on or off, country, level, exclusion, cap): the
//! kernel's selected rows equal `rank::shortlist_selected`'s, grouped members included, and
//! the candidates it ranks from its columns (`FeatureTables::ranked`) equal the reference's.

use proptest::prelude::*;
use std::collections::BTreeMap;
use tieup_core::catalog::Catalog;
use tieup_core::features::{Encoder, Feature, N_FEATURES, Query};
use tieup_core::kernel::FeatureTables;
use tieup_core::model::{LinearModel, TrainingInfo};
use tieup_core::rank::{shortlist, shortlist_selected};
use tieup_core::select::Selection;

/// The fixture catalog with two twin-city ties (Ishikawa–Milan, Suwa–Texas), so that every
/// source of every feature is exercised. The directory lives as long as the test binary.
fn catalog() -> &'static Catalog {
    static CATALOG: std::sync::OnceLock<(tempfile::TempDir, Catalog)> = std::sync::OnceLock::new();
    &CATALOG
        .get_or_init(|| {
            let dir = crate::util::fixture_copy();
            std::fs::create_dir(dir.path().join("derived")).unwrap();
            std::fs::write(
                dir.path().join("derived/twin_ties.csv"),
                "japan_region,overseas_region,links,examples,source\n\
                 ishikawa,milan,1,\"Kanazawa – Milan\",wikidata:p190:2016\n\
                 suwa,texas,2,\"Suwa – Austin; Okaya – Dallas\",wikidata:p190:2016\n",
            )
            .unwrap();
            let catalog = Catalog::load(dir.path()).unwrap();
            assert_eq!(catalog.twin_ties().len(), 2);
            (dir, catalog)
        })
        .1
}

/// A weight: zero (both signs), ordinary, tiny, or large but finite (ten of them still sum to
/// a finite score).
fn weight() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(0.0),
        Just(-0.0),
        -2.0..2.0f64,
        -1e-300..1e-300f64,
        -1e300..1e300f64,
    ]
}

fn model(weights: [f64; N_FEATURES], want_boost: f64) -> LinearModel {
    LinearModel {
        kind: "property".into(),
        description: String::new(),
        hyperparameters: BTreeMap::new(),
        scaling: None,
        default_weights: weights,
        sector_weights: BTreeMap::new(),
        want_boost,
        training: TrainingInfo::default(),
    }
}

/// A query from random choices: the `japan`-th Japanese region and `sector`-th sector (modulo
/// their numbers), the features flagged in `wanted`, and the year limit.
fn query(japan: usize, sector: usize, wanted: [bool; N_FEATURES], year: Option<u16>) -> Query {
    let catalog = catalog();
    let japan = catalog.japan_ids().nth(japan % catalog.japan_ids().len());
    let sector = catalog
        .sectors()
        .ids()
        .nth(sector % catalog.sectors().len());
    let mut query = Query::new(japan.unwrap(), sector.unwrap());
    query.wanted = Feature::ALL
        .into_iter()
        .zip(wanted)
        .filter_map(|(f, w)| w.then_some(f))
        .collect();
    query.before_year = year;
    query
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn kernel_top_k_equals_the_reference_path_to_the_bit(
        weights in proptest::array::uniform10(weight()),
        want_boost in prop_oneof![Just(0.0), 0.0..3.0f64],
        japan in 0..64usize,
        sector in 0..64usize,
        wanted in proptest::array::uniform10(any::<bool>()),
        year in proptest::option::of(1995u16..2015),
        k in 0..12usize,
    ) {
        let catalog = catalog();
        let encoder = Encoder::new(catalog);
        let mut tables = FeatureTables::new(&encoder);
        let model = model(weights, want_boost);
        let query = query(japan, sector, wanted, year);
        tables.prepare([&query]);

        let reference = shortlist(&encoder, &model, &query, k).unwrap();
        let raw = model.weights_for(catalog.sectors(), &query);
        prop_assert_eq!(raw, reference.weights);
        let hits = tables.top_k(&query, &raw, k, &mut Vec::new());
        let kernel: Vec<(u64, _)> = hits.iter().map(|h| (h.score.to_bits(), h.region)).collect();
        let expected: Vec<(u64, _)> = reference
            .candidates
            .iter()
            .map(|c| (c.score.to_bits(), c.region))
            .collect();
        prop_assert_eq!(kernel, expected);
        prop_assert_eq!(reference.candidates.len(), k.min(catalog.n_candidates()));
        for c in &reference.candidates {
            prop_assert_eq!(tables.features(&query, c.region), c.features);
            prop_assert_eq!(c.features, encoder.encode_one(&query, c.region));
            let sum = c.contributions.iter().fold(0.0, |s, x| s + x);
            prop_assert_eq!(sum.to_bits(), c.score.to_bits());
        }
    }
}

/// A selection from random choices: grouping or not, and the countries, levels and
/// candidates flagged in the masks (over the fixture's sorted lists), and a cap.
fn selection(
    expand: bool,
    country_mask: [bool; 4],
    levels: [bool; 4],
    exclude: [bool; 7],
    cap: Option<usize>,
) -> Selection {
    let catalog = catalog();
    let pick = |names: Vec<String>, mask: &[bool]| -> Vec<String> {
        names
            .into_iter()
            .zip(mask)
            .filter_map(|(n, &m)| m.then_some(n))
            .collect()
    };
    let countries: Vec<String> = tieup_core::select::overseas_countries(catalog)
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    let country_mask: Vec<bool> = (0..countries.len()).map(|i| country_mask[i % 4]).collect();
    Selection {
        countries: pick(countries, &country_mask),
        levels: pick(tieup_core::select::overseas_levels(catalog), &levels),
        exclude: catalog
            .candidate_ids()
            .zip(exclude)
            .filter_map(|(c, m)| m.then_some(c))
            .collect(),
        max_per_country: cap,
        expand,
    }
    .normalized(catalog)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn kernel_selected_rows_equal_the_reference_path(
        weights in proptest::array::uniform10(weight()),
        japan in 0..64usize,
        sector in 0..64usize,
        year in proptest::option::of(1995u16..2015),
        k in 0..12usize,
        expand in any::<bool>(),
        countries in proptest::array::uniform4(any::<bool>()),
        levels in proptest::array::uniform4(any::<bool>()),
        exclude in proptest::array::uniform7(proptest::bool::weighted(0.2)),
        cap in proptest::option::of(1..3usize),
    ) {
        let catalog = catalog();
        let encoder = Encoder::new(catalog);
        let mut tables = FeatureTables::new(&encoder);
        let model = model(weights, 1.0);
        let query = query(japan, sector, [false; N_FEATURES], year);
        let selection = selection(expand, countries, levels, exclude, cap);
        tables.prepare([&query]);

        let reference = shortlist_selected(&encoder, &model, &query, &selection, k).unwrap();
        let raw = model.weights_for(catalog.sectors(), &query);
        let rows = tables.top_k_selected(&query, &raw, &selection, k, &mut Vec::new());
        let kernel: Vec<_> = rows
            .iter()
            .map(|r| (r.score.to_bits(), r.region, r.also.clone()))
            .collect();
        let expected: Vec<_> = reference
            .candidates
            .iter()
            .map(|c| (c.score.to_bits(), c.region, c.also.clone()))
            .collect();
        prop_assert_eq!(kernel, expected);
        // The rows ranked from the columns are the reference path's candidates (features,
        // contributions, scores and members), so their explanations are the same bytes.
        prop_assert_eq!(&tables.ranked(&query, &raw, rows), &reference.candidates);
        // Grouping never changes a score, and never shows a region with an ancestor.
        let plain = shortlist(&encoder, &model, &query, catalog.n_candidates()).unwrap();
        for c in &reference.candidates {
            let p = plain.candidates.iter().find(|p| p.region == c.region).unwrap();
            prop_assert_eq!(p.score.to_bits(), c.score.to_bits());
            prop_assert!(selection.admits(catalog, c.region));
        }
        if !expand {
            let places: Vec<_> = reference
                .candidates
                .iter()
                .map(|c| tieup_core::select::place_of(catalog, c.region))
                .collect();
            let mut unique = places.clone();
            unique.sort();
            unique.dedup();
            prop_assert_eq!(unique.len(), places.len());
        }
    }
}
