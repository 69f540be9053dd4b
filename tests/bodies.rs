//! Partner bodies: the shipped `data/partner_bodies.csv` is complete and resolvable, a bad
//! row is refused with file, line and column, and the partner-body ladder follows its rules
//! (type, sector, region family, founding year, known-partnership mark).

use crate::util::{fixture_copy, shipped_data};
use std::collections::BTreeSet;
use tieup_core::catalog::{BODY_COLUMNS, BodyType, Catalog, MAX_BODY_LEVEL};
use tieup_core::error::Error;

const HEADER: &str = "id,name,native_name,type,region_id,sectors,founded,international,japan,evidence,url,source,in_known_partnership\n";

/// The fixture catalog with `rows` as its `partner_bodies.csv`.
fn with_bodies(rows: &str) -> (tempfile::TempDir, Result<Catalog, Error>) {
    let dir = fixture_copy();
    std::fs::write(
        dir.path().join("partner_bodies.csv"),
        format!("{HEADER}{rows}"),
    )
    .unwrap();
    let catalog = Catalog::load(dir.path());
    (dir, catalog)
}

/// The data error a bad `partner_bodies.csv` row produces: (line, column name, message).
fn body_error(row: &str) -> (Option<u64>, Option<String>, String) {
    match with_bodies(row).1 {
        Err(Error::Data(e)) => {
            assert!(e.file.ends_with("partner_bodies.csv"), "{e}");
            assert!(!e.fix.is_empty(), "{e}");
            (e.line, e.column.map(|(name, _)| name), e.message)
        }
        other => panic!("expected a data error, got {other:?}"),
    }
}

#[test]
fn shipped_bodies_resolve_have_sources_and_cover_every_country() {
    let data = shipped_data();
    let catalog = Catalog::load(&data).unwrap();
    let bodies = catalog.bodies();
    assert!(bodies.len() >= 200, "{} bodies", bodies.len());
    // Read the file again on its own: ids unique, a source on every row, years plausible.
    let mut reader = csv::Reader::from_path(data.join("partner_bodies.csv")).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, BODY_COLUMNS.map(String::from).to_vec());
    let mut ids = BTreeSet::new();
    for record in reader.records() {
        let record = record.unwrap();
        let id = &record[0];
        assert!(ids.insert(id.to_string()), "duplicate id {id}");
        assert!(
            !record[10].is_empty() || !record[11].is_empty(),
            "{id} has no source"
        );
        assert!(
            catalog.region_by_id(&record[4]).is_some(),
            "{id}: region {}",
            &record[4]
        );
        for sector in record[5].split(';').filter(|s| !s.is_empty()) {
            assert!(
                catalog.sectors().by_id(sector).is_some(),
                "{id}: sector {sector}"
            );
        }
        if !record[6].is_empty() {
            let year: u16 = record[6].parse().unwrap();
            assert!((1800..=2026).contains(&year), "{id}: founded {year}");
        }
    }
    assert_eq!(ids.len(), bodies.len());
    let countries: BTreeSet<&str> = catalog
        .candidates()
        .map(|(_, r)| r.country.as_str())
        .collect();
    let covered: BTreeSet<&str> = bodies
        .iter()
        .map(|b| catalog.region(b.region).country.as_str())
        .collect();
    let missing: Vec<_> = countries.difference(&covered).collect();
    assert!(missing.is_empty(), "countries without a body: {missing:?}");
    for body in bodies {
        assert!(
            !(body.international || body.japan) || !body.evidence.is_empty(),
            "{}",
            body.id
        );
    }
}

#[test]
fn shipped_survey_sectors_have_a_sector_body_in_a_strong_region() {
    let catalog = Catalog::load(&shipped_data()).unwrap();
    for sector in catalog
        .sectors()
        .all()
        .iter()
        .filter(|s| s.parent.is_none())
    {
        let id = catalog.sectors().by_id(&sector.id).unwrap();
        let served = catalog.candidate_ids().any(|c| {
            catalog.strength(c, id) >= 0.6
                && catalog
                    .body_level(c, id, None)
                    .is_some_and(|m| m.level >= 2)
        });
        // Tourism is served by agencies, not cluster organisations, in this catalog.
        assert!(served || sector.id == "tourism", "{}", sector.id);
    }
}

#[test]
fn bad_rows_name_line_and_column() {
    let ok = "x,X,,cluster_organisation,skane,medical_devices,2005,false,false,,https://x.example,,false\n";
    assert!(with_bodies(ok).1.is_ok());
    let cases = [
        (ok.replace("skane", "skanee"), "region_id", "unknown region"),
        (
            ok.replace("skane", "fukushima"),
            "region_id",
            "Japanese region",
        ),
        (
            ok.replace("medical_devices", "medical_devises"),
            "sectors",
            "unknown sector",
        ),
        (ok.replace("2005", "1700"), "founded", "founding year"),
        (ok.replace("2005", "2030"), "founded", "founding year"),
        (ok.replace("2005", "2005.5"), "founded", "founding year"),
        (
            ok.replace("cluster_organisation", "cluster"),
            "type",
            "unknown body type",
        ),
        (
            ok.replace("https://x.example", ""),
            "source",
            "without a source",
        ),
        (
            ok.replace("false,false,,", "true,false,,"),
            "evidence",
            "without evidence",
        ),
        (
            ok.replace(",false\n", ",yes\n"),
            "in_known_partnership",
            "true or false",
        ),
        (format!("{ok}{ok}"), "id", "duplicate body id"),
    ];
    for (row, column, words) in cases {
        let (line, col, message) = body_error(&row);
        assert!(line.is_some_and(|l| l >= 2), "{message}");
        assert_eq!(col.as_deref(), Some(column), "{message}");
        assert!(message.contains(words), "'{message}' should say '{words}'");
    }
}

const LADDER: &str = "\
agency,Skåne Agency,,development_agency,skane,,1990,false,false,,https://a.example,,false
devices,Device Cluster,,cluster_organisation,skane,medical_devices,2000,false,false,,https://b.example,,false
devices_intl,Device Cluster International,,cluster_organisation,skane,medical_devices,2010,true,false,works abroad,https://c.example,,false
dies_unknown,Dies Network,,chamber_or_association,dalian,dies_moulds,,false,true,Japan desk,https://d.example,,false
known,Known Partner Body,,cluster_organisation,texas,precision_machinery,1990,true,false,named in a partnership,https://e.example,,true
lombardy_crafts,Lombardy Craft Cluster,,cluster_organisation,lombardy,craft_products,1995,false,false,,https://f.example,,false
milan_agency,Milan Agency,,development_agency,milan,,1980,false,false,,https://g.example,,false
";

/// The ladder rung over [`MAX_BODY_LEVEL`] (what the partner-body feature reads).
fn body_feature(catalog: &Catalog, sector: &str, candidate: &str, before: Option<u16>) -> f64 {
    catalog
        .body_level(
            catalog.find_region(candidate).unwrap(),
            catalog.sectors().by_id(sector).unwrap(),
            before,
        )
        .map_or(0.0, |m| f64::from(m.level) / f64::from(MAX_BODY_LEVEL))
}

#[test]
fn the_ladder_climbs_by_type_sector_and_record_and_respects_the_year() {
    let (_dir, catalog) = with_bodies(LADDER);
    let catalog = catalog.unwrap();
    let f = |sector, candidate, before| body_feature(&catalog, sector, candidate, before);
    // Skåne: agency 1990, device cluster 2000, international device cluster 2010.
    assert_eq!(f("medical_devices", "skane", None), 1.0);
    assert_eq!(f("medical_devices", "skane", Some(2011)), 1.0);
    assert_eq!(f("medical_devices", "skane", Some(2010)), 2.0 / 3.0);
    assert_eq!(f("medical_devices", "skane", Some(2000)), 1.0 / 3.0);
    assert_eq!(f("medical_devices", "skane", Some(1990)), 0.0);
    // The survey sector is served by a body of a finer sector; another sector is not.
    assert_eq!(f("medical_welfare", "skane", None), 1.0);
    assert_eq!(f("furniture", "skane", None), 1.0 / 3.0, "only the agency");
    // Unknown founding year: counts without a limit, never under one.
    assert_eq!(f("dies_moulds", "dalian", None), 1.0);
    assert_eq!(f("dies_moulds", "dalian", Some(2026)), 0.0);
    // A body of the parent region counts for the child; the survey-sector body serves
    // the finer sector; a general agency of a child region does not lift the parent.
    assert_eq!(f("furniture", "milan", Some(2000)), 2.0 / 3.0);
    assert_eq!(f("furniture", "lombardy", Some(2000)), 2.0 / 3.0);
    assert_eq!(f("dies_moulds", "lombardy", None), 0.0);
    assert_eq!(f("dies_moulds", "milan", None), 1.0 / 3.0);
    // A body named in a known partnership never counts.
    assert_eq!(f("precision_machinery", "texas", None), 0.0);
    assert_eq!(f("medical_devices", "vasterbotten", None), 0.0);
}

#[test]
fn bodies_for_lists_the_known_partner_body_without_counting_it_and_names_it() {
    let (_dir, catalog) = with_bodies(LADDER);
    let catalog = catalog.unwrap();
    let texas = catalog.find_region("texas").unwrap();
    let sector = catalog.sectors().by_id("precision_machinery").unwrap();
    let listed = catalog.bodies_for(texas, sector, None);
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].level, 0);
    assert!(listed[0].body.in_known_partnership);
    let skane = catalog.find_region("skane").unwrap();
    let devices = catalog.sectors().by_id("medical_devices").unwrap();
    let best = catalog.body_level(skane, devices, Some(2005)).unwrap();
    assert_eq!(best.body.kind, BodyType::ClusterOrganisation);
    assert_eq!(
        catalog.body_text(best.body),
        "Device Cluster, medical devices cluster organisation of Skåne, since 2000"
    );
    let order: Vec<&str> = catalog
        .bodies_for(skane, devices, None)
        .iter()
        .map(|m| m.body.id.as_str())
        .collect();
    assert_eq!(order, ["devices_intl", "devices", "agency"]);
}

#[test]
fn a_catalog_without_bodies_scores_zero_everywhere() {
    let catalog = Catalog::load(&crate::util::fixture_dir()).unwrap();
    assert!(catalog.bodies().is_empty());
    for candidate in ["skane", "milan", "dalian", "texas"] {
        assert_eq!(
            body_feature(&catalog, "medical_devices", candidate, None),
            0.0
        );
    }
}
