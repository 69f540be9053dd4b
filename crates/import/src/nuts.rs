//! Catalog regions built from NUTS-2 regions (`data/codes/nuts2_regions.csv`), shared by the
//! Eurostat SBS and UK BRES adapters: a region that *is* a NUTS-2 region takes its figures;
//! a NUTS-1 region or a country is the sum of its NUTS-2 regions; a city, metro or NUTS-3
//! county takes the NUTS-2 region it lies in, and its provenance note says so, unless
//! another catalog region lies in the same NUTS-2 region: the figures cannot say which of
//! the two holds an industry, so neither takes them (their curated values stand).
//!
//! A sum keeps an industry only when every NUTS-2 region has a figure for it (a missing
//! figure is unknown, never zero); withheld figures add as ranges.

use super::codes::{NutsRegion, NutsRelation};
use super::{RegionData, SkipReport};
use std::collections::BTreeMap;
use tieup_core::catalog::Catalog;

/// The catalog regions of `mapping` that `accept` lets through (it returns the reason for
/// leaving one out), built from the NUTS-2 `peers` of a dataset. Each result is a non-peer
/// region keyed by the catalog id.
pub fn catalog_regions(
    peers: &BTreeMap<String, RegionData>,
    mapping: &[NutsRegion],
    catalog: &Catalog,
    accept: &dyn Fn(&NutsRegion) -> Result<(), String>,
    skipped: &mut SkipReport,
) -> Vec<RegionData> {
    // The catalog regions that take each NUTS-2 region as the one they lie in.
    let mut inside: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for entry in mapping {
        if entry.relation == NutsRelation::Contains {
            inside
                .entry(entry.nuts2[0].as_str())
                .or_default()
                .push(catalog.region(entry.position).id.as_str());
        }
    }
    let mut out = Vec::new();
    for entry in mapping {
        let id = &catalog.region(entry.position).id;
        if let Err(reason) = accept(entry) {
            skipped.add(&reason, id.clone());
            continue;
        }
        if entry.relation == NutsRelation::Contains {
            let sharing = &inside[entry.nuts2[0].as_str()];
            if sharing.len() > 1 {
                skipped.add(
                    "several catalog regions lie in the same NUTS-2 region, whose figures cannot say which of them holds an industry (their curated values stand)",
                    format!("{id} ({}: {})", entry.nuts2[0], sharing.join(", ")),
                );
                continue;
            }
        }
        let parts: Option<Vec<&RegionData>> = entry.nuts2.iter().map(|c| peers.get(c)).collect();
        let Some(parts) = parts else {
            let absent: Vec<&str> = entry
                .nuts2
                .iter()
                .filter(|c| !peers.contains_key(*c))
                .map(String::as_str)
                .collect();
            skipped.add(
                "a NUTS-2 region of the catalog region has no figures in the source",
                format!("{id} ({})", absent.join(", ")),
            );
            continue;
        };
        let mut region = RegionData::new(id, Some(entry.position), false);
        region.year = parts[0].year;
        for part in &parts {
            region.total += part.total;
        }
        for (code, cell) in &parts[0].cells {
            let mut sum = cell.clone();
            let mut complete = true;
            for part in &parts[1..] {
                match part.cells.get(code) {
                    Some(other) => {
                        sum.employment += other.employment;
                        sum.establishments = sum
                            .establishments
                            .zip(other.establishments)
                            .map(|(a, b)| a + b);
                    }
                    None => complete = false,
                }
            }
            if complete {
                region.cells.insert(code.clone(), sum);
            }
        }
        if entry.relation == NutsRelation::Sum {
            region.parts = entry.nuts2.clone();
        }
        region.note = match entry.relation {
            NutsRelation::Same => None,
            NutsRelation::Sum => Some(format!("sum of NUTS-2 {}", entry.nuts2.join("+"))),
            NutsRelation::Contains => Some(if entry.note.is_empty() {
                format!("measured on its NUTS-2 region {}", entry.nuts2[0])
            } else {
                entry.note.clone()
            }),
        };
        out.push(region);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Cell, Estimate};

    fn peer(key: &str, total: f64, cells: &[(&str, Estimate)]) -> RegionData {
        let mut r = RegionData::new(key, None, true);
        r.total = Estimate::exact(total);
        for (code, e) in cells {
            r.cells.insert(
                code.to_string(),
                Cell {
                    employment: *e,
                    establishments: None,
                },
            );
        }
        r
    }

    fn curated_catalog() -> Catalog {
        Catalog::load_curated(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data"))
            .unwrap()
    }

    #[test]
    fn sums_keep_complete_industries_and_cities_say_what_they_take() {
        let catalog = curated_catalog();
        let pos = |id: &str| catalog.region_by_id(id).unwrap();
        let mut peers = BTreeMap::new();
        peers.insert(
            "DE11".to_string(),
            peer(
                "DE11",
                100.0,
                &[("29", Estimate::exact(30.0)), ("21", Estimate::exact(1.0))],
            ),
        );
        peers.insert(
            "DE12".to_string(),
            peer("DE12", 50.0, &[("29", Estimate::range(0.0, 10.0))]),
        );
        let mapping = vec![
            NutsRegion {
                position: pos("baden_wuerttemberg"),
                nuts2: vec!["DE11".into(), "DE12".into()],
                relation: NutsRelation::Sum,
                note: String::new(),
            },
            NutsRegion {
                position: pos("stuttgart"),
                nuts2: vec!["DE11".into()],
                relation: NutsRelation::Contains,
                note: "Stuttgart on DE11".into(),
            },
            NutsRegion {
                position: pos("bavaria"),
                nuts2: vec!["DE21".into()],
                relation: NutsRelation::Same,
                note: String::new(),
            },
            NutsRegion {
                position: pos("london"),
                nuts2: vec!["UKI3".into()],
                relation: NutsRelation::Same,
                note: String::new(),
            },
        ];
        let mut skipped = SkipReport::default();
        let accept = |r: &NutsRegion| {
            if r.nuts2[0].starts_with("UK") {
                Err("measured by another source".to_string())
            } else {
                Ok(())
            }
        };
        let out = catalog_regions(&peers, &mapping, &catalog, &accept, &mut skipped);
        assert_eq!(out.len(), 2);
        let bw = &out[0];
        assert_eq!(bw.total.point, 150.0);
        assert_eq!(
            (
                bw.cells["29"].employment.low,
                bw.cells["29"].employment.high
            ),
            (30.0, 40.0)
        );
        assert!(
            !bw.cells.contains_key("21"),
            "DE12 has no figure: unknown, not zero"
        );
        assert_eq!(out[1].note.as_deref(), Some("Stuttgart on DE11"));
        assert!(!out[1].peer);
        assert_eq!(skipped.total(), 2);
    }

    #[test]
    fn regions_that_share_the_nuts2_region_they_lie_in_take_no_figures() {
        let catalog = curated_catalog();
        let pos = |id: &str| catalog.region_by_id(id).unwrap();
        let mut peers = BTreeMap::new();
        for code in ["FR71", "DE21"] {
            peers.insert(
                code.to_string(),
                peer(code, 100.0, &[("21", Estimate::exact(10.0))]),
            );
        }
        let inside = |id: &str, code: &str| NutsRegion {
            position: pos(id),
            nuts2: vec![code.into()],
            relation: NutsRelation::Contains,
            note: String::new(),
        };
        let mapping = vec![
            NutsRegion {
                position: pos("rhone_alpes"),
                nuts2: vec!["FR71".into()],
                relation: NutsRelation::Same,
                note: String::new(),
            },
            inside("lyon", "FR71"),
            inside("grenoble", "FR71"),
            inside("munich", "DE21"),
        ];
        let mut skipped = SkipReport::default();
        let out = catalog_regions(&peers, &mapping, &catalog, &|_| Ok(()), &mut skipped);
        // The NUTS-2 region itself and the one city alone in its region keep the figures;
        // the two cities that share FR71 take none (their curated values stand).
        let ids: Vec<&str> = out.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(ids, ["rhone_alpes", "munich"]);
        assert_eq!(skipped.total(), 2);
        let (reason, (_, examples)) = skipped.reasons.iter().next().unwrap();
        assert!(reason.contains("several catalog regions"), "{reason}");
        assert_eq!(examples[0], "lyon (FR71: lyon, grenoble)");
    }
}
