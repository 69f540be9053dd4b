//! Helpers shared by the unit tests: the small fixture catalog of `tests/fixtures/mini`,
//! alone or with twin-city ties in a temporary copy.

use crate::catalog::Catalog;
use std::path::PathBuf;

/// The fixture catalog's directory.
pub(crate) fn fixture_dir() -> PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/mini")
}

/// The fixture catalog.
pub(crate) fn fixture() -> Catalog {
    Catalog::load(&fixture_dir()).expect("fixture loads")
}

/// A temporary copy of the fixture catalog with two twin-city ties (Ishikawa–Milan with one
/// link, Suwa–Texas with two), and the catalog loaded from it.
pub(crate) fn fixture_with_twins() -> (tempfile::TempDir, Catalog) {
    let dir = tempfile::tempdir().expect("temporary directory");
    for entry in std::fs::read_dir(fixture_dir()).expect("fixture directory") {
        let entry = entry.expect("fixture entry");
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).expect("copy");
    }
    std::fs::create_dir(dir.path().join("derived")).expect("derived directory");
    std::fs::write(
        dir.path().join("derived/twin_ties.csv"),
        "japan_region,overseas_region,links,examples,source\n\
         ishikawa,milan,1,\"Kanazawa – Milan\",wikidata:p190:2016\n\
         suwa,texas,2,\"Suwa – Austin; Okaya – Dallas\",wikidata:p190:2016\n",
    )
    .expect("twin ties");
    let catalog = Catalog::load(dir.path()).expect("fixture with twins loads");
    (dir, catalog)
}

/// A query for the catalog's first Japanese region and first sector.
pub(crate) fn first_query(catalog: &Catalog) -> crate::features::Query {
    crate::features::Query::new(
        catalog.japan_ids().next().expect("a Japanese region"),
        catalog.sectors().ids().next().expect("a sector"),
    )
}
