//! Instruction counts of one shortlist, for `valgrind --tool=callgrind` (counts do not depend
//! on the machine's load, unlike criterion's times). Runs one of the paths of
//! the root's `benches/shortlist.rs` N times inside `measured`, so that
//!
//! ```text
//! cargo build --release -p tieup-core --example shortlist_ir
//! valgrind --tool=callgrind --toggle-collect=shortlist_ir::measured \
//!     target/release/examples/shortlist_ir explained 1000
//! ```
//!
//! counts the path alone (not the catalog loading, the encoder or the prepared columns);
//! the total divided by N is one shortlist. Paths (criterion names in brackets): `reference`
//! (`reference_top10_full_catalog`), `grouped` (`kernel_top10_grouped`), `explained`
//! (`top10_full_catalog`), `report` (`kernel_top10_grouped_report_json`). `digests` prints, instead of counting,
//! one digest of the JSON report per Japanese region and sector (kernel and reference path,
//! grouped and expanded, with and without a wanted trait and a year limit), so that two
//! builds can be compared for identical bytes.

use std::hint::black_box;
use std::path::Path;
use tieup_core::catalog::Catalog;
use tieup_core::features::{Encoder, Query};
use tieup_core::kernel::FeatureTables;
use tieup_core::model::LinearModel;
use tieup_core::select::Selection;

/// What one path needs, prepared before counting starts.
struct Setup<'a> {
    encoder: &'a Encoder<'a>,
    model: &'a LinearModel,
    tables: FeatureTables<'a>,
    query: Query,
    weights: [f64; tieup_core::features::N_FEATURES],
    selection: Selection,
}

/// One shortlist of `path`; returns a number that depends on the whole answer.
fn once(s: &Setup<'_>, path: &str, scratch: &mut Vec<f64>) -> usize {
    let q = black_box(&s.query);
    let weights = s.weights;
    match path {
        "reference" => tieup_core::rank::shortlist(s.encoder, s.model, q, 10)
            .unwrap()
            .candidates
            .len(),
        "grouped" => s
            .tables
            .top_k_selected(q, &weights, &s.selection, 10, scratch)
            .len(),
        "explained" => {
            let rows = s
                .tables
                .top_k_selected(q, &weights, &s.selection, 10, scratch);
            let ranked = s.tables.ranked(q, &weights, rows);
            let explainer = tieup_core::rank::Explainer::new(s.encoder, q);
            ranked
                .iter()
                .map(|c| explainer.reasons(c).len())
                .sum::<usize>()
        }
        "report" => {
            let rows = s
                .tables
                .top_k_selected(q, &weights, &s.selection, 10, scratch);
            let n = s.encoder.catalog().n_candidates();
            let list = tieup_core::rank::Shortlist {
                query: q.clone(),
                weights,
                n_candidates: n,
                selection: s.selection.clone(),
                n_eligible: n,
                candidates: s.tables.ranked(q, &weights, rows),
            };
            let report = tieup_core::report::ShortlistReport::new(
                s.encoder,
                s.model,
                "models/prior.json",
                &list,
                10,
            );
            serde_json::to_vec(&report).unwrap().len()
        }
        other => panic!("unknown path {other}: reference, grouped, explained or report"),
    }
}

/// The counted part: `n` shortlists.
#[inline(never)]
fn measured(s: &Setup<'_>, path: &str, n: usize) -> usize {
    let mut scratch = Vec::new();
    (0..n).map(|_| once(s, path, &mut scratch)).sum()
}

/// One line per query: ids and the FNV-1a digest of its JSON reports.
fn digests(catalog: &Catalog, encoder: &Encoder<'_>, model: &LinearModel) {
    let mut tables = FeatureTables::new(encoder);
    let design = tieup_core::features::find_feature("design").unwrap();
    for j in catalog.japan_ids() {
        for s in catalog.sectors().ids() {
            let mut queries = vec![Query::new(j, s)];
            let mut wanting = Query::new(j, s);
            wanting.wanted.push(design);
            queries.push(wanting);
            let mut dated = Query::new(j, s);
            dated.before_year = Some(2005);
            queries.push(dated);
            tables.prepare(&queries);
            let mut line = format!("{} {}", catalog.region(j).id, catalog.sector(s).id);
            for (i, q) in queries.iter().enumerate() {
                for selection in [Selection::grouped(), Selection::expanded()] {
                    let list = if i < 2 {
                        let weights = model.weights_for(catalog.sectors(), q);
                        let rows =
                            tables.top_k_selected(q, &weights, &selection, 10, &mut Vec::new());
                        tieup_core::rank::Shortlist {
                            query: q.clone(),
                            weights,
                            n_candidates: catalog.n_candidates(),
                            selection: selection.clone(),
                            n_eligible: catalog.n_candidates(),
                            candidates: tables.ranked(q, &weights, rows),
                        }
                    } else {
                        tieup_core::rank::shortlist_selected(encoder, model, q, &selection, 10)
                            .unwrap()
                    };
                    let report = tieup_core::report::ShortlistReport::new(
                        encoder, model, "m.json", &list, 10,
                    );
                    let bytes = serde_json::to_vec(&report).unwrap();
                    line.push_str(&format!(" {:016x}", tieup_core::hash::fnv1a64(&bytes)));
                }
            }
            println!("{line}");
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).map_or("explained", String::as_str);
    let n: usize = args.get(2).map_or(1000, |a| a.parse().expect("a count"));
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let catalog = Catalog::load(&root.join("data")).expect("shipped catalog");
    let model = LinearModel::load(&root.join("models/prior.json")).expect("shipped prior");
    let encoder = Encoder::new(&catalog);
    if path == "digests" {
        digests(&catalog, &encoder, &model);
        return;
    }
    let query = Query::new(
        catalog.find_japan_region("fukushima").unwrap(),
        catalog.sectors().find("medical_devices").unwrap(),
    );
    let mut tables = FeatureTables::new(&encoder);
    tables.prepare([&query]);
    let weights = model.weights_for(catalog.sectors(), &query);
    let setup = Setup {
        encoder: &encoder,
        model: &model,
        tables,
        query,
        weights,
        selection: Selection::default(),
    };
    // One call outside the count, so lazily built state is not counted.
    once(&setup, path, &mut Vec::new());
    println!("{}", measured(&setup, path, n));
}
