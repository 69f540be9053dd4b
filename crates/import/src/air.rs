//! Air access between Japanese and overseas catalog regions, from the OpenFlights airports
//! and the June 2014 route snapshot (`openflights/airports.dat`, `routes.dat`): the 2014
//! network, not today's.
//!
//! - **Airports serving a region**: airports with at least one non-stop route within
//!   [`serve_radius_km`] of the region's seat or centroid (wider for larger regions); a region
//!   with none is served by the nearest airport with routes.
//! - **Door-to-door time** for a Japanese and an overseas region, over their airports the
//!   trip with fewest changes of plane, then the fastest: ground time to and from the airports at [`GROUND_KMH`], [`TERMINAL_HOURS`] at
//!   the airports, each flight [`TAKEOFF_HOURS`] plus the great-circle distance at
//!   [`CRUISE_KMH`], and [`CONNECTION_HOURS`] for each change of plane. With a direct route
//!   (0 connections), else through the best hub (1 connection), else an estimate with two
//!   connections over the great-circle distance of the two airports.
//!
//! The result, one row per (Japanese region, overseas region), is `derived/air_access.csv`;
//! the airports named there are in `derived/airports.csv`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use tieup_core::catalog::{Catalog, RegionId, RegionKind};
use tieup_core::error::{Error, Result};
use tieup_core::geo::distance_km;

/// Source tag.
pub const SOURCE: &str = "openflights:routes:2014";
/// Ground speed to and from an airport, km/h.
pub const GROUND_KMH: f64 = 60.0;
/// Time at the two airports of a trip (check-in, security, immigration), hours.
pub const TERMINAL_HOURS: f64 = 3.0;
/// Take-off, landing and taxiing per flight, hours.
pub const TAKEOFF_HOURS: f64 = 0.5;
/// Cruise speed, km/h.
pub const CRUISE_KMH: f64 = 800.0;
/// Time for each change of plane, hours.
pub const CONNECTION_HOURS: f64 = 2.0;

/// Radius within which an airport serves a region of a level, km.
pub fn serve_radius_km(level: &str) -> f64 {
    match level {
        "city" | "metro" | "area" => 100.0,
        "prefecture" | "nuts2" => 150.0,
        "state" | "nuts1" => 300.0,
        _ => 500.0,
    }
}

/// One airport with routes.
#[derive(Debug, Clone, PartialEq)]
pub struct Airport {
    /// IATA code.
    pub iata: String,
    /// Short name ("Kansai", "Frankfurt am Main").
    pub name: String,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
}

/// The network: airports with routes and the non-stop routes between them.
#[derive(Debug, Clone, Default)]
pub struct Network {
    /// Airports by OpenFlights id.
    pub airports: BTreeMap<u32, Airport>,
    /// Non-stop routes, by origin.
    pub routes: BTreeMap<u32, BTreeSet<u32>>,
}

/// The fastest way between two regions.
#[derive(Debug, Clone, PartialEq)]
pub struct Access {
    /// Door-to-door hours.
    pub hours: f64,
    /// Changes of plane: 0, 1, or 2 (estimated, no route searched).
    pub connections: u8,
    /// The Japanese region's airport.
    pub japan_airport: u32,
    /// The overseas region's airport.
    pub overseas_airport: u32,
    /// The hub of a one-connection trip.
    pub via: Option<u32>,
}

fn short_name(name: &str) -> String {
    let mut s = name.to_string();
    for suffix in [" International Airport", " Airport", " International"] {
        if let Some(stripped) = s.strip_suffix(suffix) {
            s = stripped.to_string();
        }
    }
    s
}

/// Reads the airports and the non-stop routes; keeps the airports with routes.
pub fn read(airports_path: &Path, routes_path: &Path) -> Result<Network> {
    let bad = |path: &Path, line: u64, message: String| {
        Error::data(
            path,
            Some(line),
            message,
            "give the OpenFlights files unchanged (see ../shared/data/raw/README.md, section 6a)",
        )
    };
    let open = |path: &Path| {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_path(path)
            .map_err(|e| Error::io(path, e.into()))
    };
    let mut routes: BTreeMap<u32, BTreeSet<u32>> = BTreeMap::new();
    for (i, record) in open(routes_path)?.records().enumerate() {
        let r = record.map_err(|e| bad(routes_path, i as u64 + 1, e.to_string()))?;
        if r.len() < 8 {
            return Err(bad(
                routes_path,
                i as u64 + 1,
                format!("{} fields, routes have 9", r.len()),
            ));
        }
        let (Ok(from), Ok(to)) = (r[3].parse::<u32>(), r[5].parse::<u32>()) else {
            continue;
        };
        if r[7].trim() == "0" && from != to {
            routes.entry(from).or_default().insert(to);
        }
    }
    let used: BTreeSet<u32> = routes
        .iter()
        .flat_map(|(a, b)| std::iter::once(*a).chain(b.iter().copied()))
        .collect();
    let mut airports = BTreeMap::new();
    for (i, record) in open(airports_path)?.records().enumerate() {
        let r = record.map_err(|e| bad(airports_path, i as u64 + 1, e.to_string()))?;
        if r.len() < 8 {
            return Err(bad(
                airports_path,
                i as u64 + 1,
                format!("{} fields, airports have 14", r.len()),
            ));
        }
        let Ok(id) = r[0].parse::<u32>() else {
            continue;
        };
        if !used.contains(&id) || r[4].len() != 3 {
            continue;
        }
        let (Ok(lat), Ok(lon)) = (r[6].parse::<f64>(), r[7].parse::<f64>()) else {
            continue;
        };
        airports.insert(
            id,
            Airport {
                iata: r[4].to_string(),
                name: short_name(&r[1]),
                lat,
                lon,
            },
        );
    }
    // Routes to airports the airports file lacks are dropped.
    for to in routes.values_mut() {
        to.retain(|a| airports.contains_key(a));
    }
    routes.retain(|a, to| airports.contains_key(a) && !to.is_empty());
    Ok(Network { airports, routes })
}

impl Network {
    fn flight_hours(&self, a: u32, b: u32) -> f64 {
        let (x, y) = (&self.airports[&a], &self.airports[&b]);
        TAKEOFF_HOURS + distance_km(x.lat, x.lon, y.lat, y.lon) / CRUISE_KMH
    }

    /// The airports serving a region, with the ground hours to each.
    pub fn serving(&self, catalog: &Catalog, region: RegionId) -> Vec<(u32, f64)> {
        let r = catalog.region(region);
        let mut near: Vec<(u32, f64)> = self
            .airports
            .iter()
            .map(|(&id, a)| (id, distance_km(r.lat, r.lon, a.lat, a.lon)))
            .collect();
        near.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        let radius = serve_radius_km(&r.level);
        let within = near.iter().take_while(|(_, d)| *d <= radius).count().max(1);
        near.truncate(within);
        near.into_iter()
            .map(|(id, d)| (id, d / GROUND_KMH))
            .collect()
    }

    /// The fastest trip between two sets of serving airports.
    pub fn access(&self, from: &[(u32, f64)], to: &[(u32, f64)]) -> Option<Access> {
        let mut best: Option<Access> = None;
        let mut offer = |hours: f64, connections: u8, a: u32, b: u32, via: Option<u32>| {
            let better = best
                .as_ref()
                .is_none_or(|x| (connections, hours) < (x.connections, x.hours));
            if better {
                best = Some(Access {
                    hours,
                    connections,
                    japan_airport: a,
                    overseas_airport: b,
                    via,
                });
            }
        };
        for &(a, ga) in from {
            let out = self.routes.get(&a);
            for &(b, gb) in to {
                let ground = ga + gb + TERMINAL_HOURS;
                if out.is_some_and(|o| o.contains(&b)) {
                    offer(ground + self.flight_hours(a, b), 0, a, b, None);
                    continue;
                }
                let mut hub: Option<(f64, u32)> = None;
                for &h in out.into_iter().flatten() {
                    if self.routes.get(&h).is_some_and(|o| o.contains(&b)) {
                        let t = self.flight_hours(a, h) + self.flight_hours(h, b);
                        if hub.is_none_or(|(x, _)| t < x) {
                            hub = Some((t, h));
                        }
                    }
                }
                match hub {
                    Some((t, h)) => offer(ground + t + CONNECTION_HOURS, 1, a, b, Some(h)),
                    None => offer(
                        ground
                            + 2.0 * TAKEOFF_HOURS
                            + self.flight_hours(a, b)
                            + 2.0 * CONNECTION_HOURS,
                        2,
                        a,
                        b,
                        None,
                    ),
                }
            }
        }
        best
    }
}

/// Counts of the access file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AirReport {
    /// Airports with routes.
    pub airports: usize,
    /// Region pairs by connections (direct, one, estimated two).
    pub pairs: [usize; 3],
    /// Japanese regions with a direct route to at least one overseas region.
    pub japan_direct: usize,
}

/// Access of every Japanese region to every overseas candidate, in catalog order.
pub fn build(
    catalog: &Catalog,
    network: &Network,
) -> (Vec<(RegionId, RegionId, Access)>, AirReport) {
    let serving: BTreeMap<RegionId, Vec<(u32, f64)>> = catalog
        .regions()
        .map(|(id, _)| (id, network.serving(catalog, id)))
        .collect();
    let mut rows = Vec::new();
    let mut report = AirReport {
        airports: network.airports.len(),
        ..AirReport::default()
    };
    for japan in catalog.japan_ids() {
        let mut direct = false;
        for overseas in catalog.candidate_ids() {
            if let Some(access) = network.access(&serving[&japan], &serving[&overseas]) {
                report.pairs[usize::from(access.connections)] += 1;
                direct |= access.connections == 0;
                rows.push((japan, overseas, access));
            }
        }
        report.japan_direct += usize::from(direct);
    }
    debug_assert!(
        rows.iter()
            .all(|(j, o, _)| catalog.region(*j).kind == RegionKind::Japan
                && catalog.region(*o).kind == RegionKind::Overseas)
    );
    (rows, report)
}

/// Header of `air_access.csv`.
pub const ACCESS_HEADER: &str =
    "japan_region,overseas_region,hours,connections,japan_airport,overseas_airport,via";

/// `air_access.csv`: IATA codes of the airports (names in `airports.csv`).
pub fn access_csv(
    catalog: &Catalog,
    network: &Network,
    rows: &[(RegionId, RegionId, Access)],
) -> String {
    let mut out = crate::csvout::CsvText::new(ACCESS_HEADER);
    let iata = |id: u32| network.airports[&id].iata.as_str();
    for (j, o, a) in rows {
        out.row([
            catalog.region(*j).id.as_str(),
            catalog.region(*o).id.as_str(),
            &format!("{:.1}", a.hours),
            &a.connections.to_string(),
            iata(a.japan_airport),
            iata(a.overseas_airport),
            a.via.map_or("", iata),
        ]);
    }
    out.finish()
}

/// Header of `airports.csv`.
pub const AIRPORTS_HEADER: &str = "iata,name,lat,lon,source";

/// `airports.csv`: the airports `air_access.csv` names, by IATA code.
pub fn airports_csv(network: &Network, rows: &[(RegionId, RegionId, Access)]) -> String {
    let used: BTreeSet<&str> = rows
        .iter()
        .flat_map(|(_, _, a)| [Some(a.japan_airport), Some(a.overseas_airport), a.via])
        .flatten()
        .map(|id| network.airports[&id].iata.as_str())
        .collect();
    let by_iata: BTreeMap<&str, &Airport> = network
        .airports
        .values()
        .map(|a| (a.iata.as_str(), a))
        .collect();
    let mut out = crate::csvout::CsvText::new(AIRPORTS_HEADER);
    for code in used {
        let a = by_iata[code];
        out.row([
            code,
            a.name.as_str(),
            &format!("{:.4}", a.lat),
            &format!("{:.4}", a.lon),
            SOURCE,
        ]);
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn airport(iata: &str, lat: f64, lon: f64) -> Airport {
        Airport {
            iata: iata.into(),
            name: iata.into(),
            lat,
            lon,
        }
    }

    #[test]
    fn direct_beats_a_connection_and_a_hub_beats_the_estimate() {
        let mut n = Network::default();
        n.airports.insert(1, airport("KIX", 34.4, 135.2));
        n.airports.insert(2, airport("ICN", 37.5, 126.4));
        n.airports.insert(3, airport("BCN", 41.3, 2.1));
        n.airports.insert(4, airport("FRA", 50.0, 8.6));
        n.routes.insert(1, [2].into());
        n.routes.insert(2, [3].into());
        let a = n.access(&[(1, 0.5)], &[(3, 0.3)]).unwrap();
        assert_eq!((a.connections, a.via), (1, Some(2)));
        let b = n.access(&[(1, 0.5)], &[(4, 0.3)]).unwrap();
        assert_eq!(b.connections, 2);
        assert!(b.hours > a.hours);
        n.routes.insert(1, [2, 3].into());
        let c = n.access(&[(1, 0.5)], &[(3, 0.3)]).unwrap();
        assert_eq!((c.connections, c.via), (0, None));
        assert!(c.hours < a.hours);
    }
}
