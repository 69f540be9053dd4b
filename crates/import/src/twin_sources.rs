//! The two further twin-city sources, merged with the Wikidata snapshot of [`crate::twins`]:
//! the sister-city pairs of English Wikipedia's country pages (`sister_cities_wikipedia/
//! twin_cities_geocoded.csv`) and the Wikidata P190 pairs of European cities with Japanese
//! twins (`sister_cities/eu_japan_sistercities.tsv`). Both give a country label and
//! coordinates for each place.
//!
//! Matching one place, given its label, country label and coordinates:
//! 1. The country label is normalised to an ISO code: the last comma-separated part that
//!    names a GeoNames country ("England, United Kingdom" → GB), with the constituent
//!    countries of the United Kingdom and a few older names added.
//! 2. A place curated in `data/codes/twin_places.csv` ([`crate::twin_places`]) is taken as
//!    curated.
//! 3. A label naming an administrative unit ("Osaka Prefecture", or a bare "New South Wales"
//!    that no GeoNames place has as its main name) is matched to an administrative catalog
//!    region of that name in that country: the region itself.
//! 4. Otherwise GeoNames places of that name in that country; failing that, of the name
//!    before a qualifier ("Setagaya (Tokyo)", "Tokyo – Chūō"), narrowed by the qualifier's
//!    admin-1 unit. Several: the one nearest the given coordinates if within [`NEAR_KM`],
//!    else the population rule of [`crate::twins`].
//! 5. No place of that name (mostly towns under 15,000 people), or several and none near the
//!    coordinates: the nearest GeoNames place of that country within [`FALLBACK_KM`] of the
//!    given coordinates, or else the three nearest within [`WIDE_KM`] if they lie in one
//!    admin-1 unit, give the admin-1 unit (state, province, prefecture) the place lies in,
//!    and the tie goes to the catalog region of that unit (or of the country), never to a
//!    metro or city region; coordinates that fall nowhere near a place, such as a "Minami"
//!    geocoded onto a remote island, match nothing, and coordinates the source gives to two
//!    or more differently labelled places (often a geocoder's fallback, such as the centre
//!    of the United States) are not taken beyond [`FALLBACK_KM`].
//!
//! A place found by name is placed in the catalog as in [`crate::twins`]. The match rate
//! counts the pairs whose overseas country has catalog regions and neither of whose places
//! was found to lie outside every catalog region (a French town outside the French regions
//! of the catalog is out of scope; a place not found is in scope, as a miss).

use crate::geonames::Gazetteer;
use crate::twin_places::{Curated, TwinPlaces};
use crate::twins::{Link, Matcher, Place};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use tieup_core::catalog::{RegionId, RegionKind};
use tieup_core::error::{Error, Result};

/// Source tag of the Wikipedia sister-city pairs.
pub const WIKIPEDIA: &str = "wikipedia:sister-cities:2026";
/// Source tag of the Wikidata EU-Japan pairs.
pub const EU_JAPAN: &str = "wikidata:p190:eu-japan";
/// Why a place found by name or coordinates has no catalog region.
const OUTSIDE: &str = "outside the catalog";
/// A same-named place this close to the given coordinates is the one meant.
pub const NEAR_KM: f64 = 50.0;
/// A place not found by name is the nearest GeoNames place within this distance.
pub const FALLBACK_KM: f64 = 75.0;
/// Failing that, the three nearest GeoNames places within this distance, if they lie in one
/// admin-1 unit, give the place's unit (Alaskan, Canadian and Australian towns far from any
/// town of 15,000).
pub const WIDE_KM: f64 = 250.0;

/// One place as a source names it.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedPlace {
    /// The label ("Setagaya (Tokyo)").
    pub label: String,
    /// The country label ("England, United Kingdom").
    pub country: String,
    /// Latitude, when given.
    pub lat: Option<f64>,
    /// Longitude, when given.
    pub lon: Option<f64>,
}

/// A Japan-abroad pair of one source: the Japanese place first.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedPair {
    /// The Japanese place.
    pub japan: NamedPlace,
    /// The overseas place.
    pub overseas: NamedPlace,
}

/// A pair that was not matched, for curation.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Unmatched {
    /// Source tag.
    pub source: &'static str,
    /// The Japanese place's label.
    pub japan: String,
    /// The overseas place's label.
    pub overseas: String,
    /// The overseas country label.
    pub country: String,
    /// Why: which side failed and how.
    pub reason: String,
}

/// Match counts of one source.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourceReport {
    /// Source tag.
    pub source: &'static str,
    /// Distinct Japan-abroad pairs.
    pub pairs: usize,
    /// Of them, with the overseas place in a country that has catalog regions and neither
    /// place found outside every catalog region.
    pub in_scope: usize,
    /// Pairs matched to a Japanese and an overseas catalog region.
    pub matched: usize,
    /// Places of matched pairs placed by their coordinates (name not in GeoNames, or
    /// ambiguous).
    pub by_coordinates: usize,
    /// Places of matched pairs taken from `twin_places.csv`.
    pub curated: usize,
}

impl SourceReport {
    /// Matched pairs over the pairs in scope.
    pub fn match_rate(&self) -> f64 {
        if self.in_scope == 0 {
            0.0
        } else {
            self.matched as f64 / self.in_scope as f64
        }
    }
}

fn number(text: &str) -> Option<f64> {
    text.trim().parse().ok().filter(|x: &f64| x.is_finite())
}

fn format_error(path: &Path, line: u64, message: String) -> Error {
    Error::data(
        path,
        Some(line),
        message,
        "give the source file unchanged (see ../shared/data/raw/README.md, section 6)",
    )
}

/// Reads the Wikipedia pairs with one Japanese side, each undirected pair once.
pub fn read_wikipedia(path: &Path) -> Result<Vec<NamedPair>> {
    let mut reader = csv::Reader::from_path(path).map_err(|e| Error::io(path, e.into()))?;
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| format_error(path, 1, e.to_string()))?
        .iter()
        .map(str::to_string)
        .collect();
    let expected = [
        "city1", "country1", "lat1", "lng1", "city2", "country2", "lat2", "lng2",
    ];
    if header != expected {
        return Err(format_error(
            path,
            1,
            format!(
                "header '{}', expected '{}'",
                header.join(","),
                expected.join(",")
            ),
        ));
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let r = record.map_err(|e| format_error(path, i as u64 + 2, e.to_string()))?;
        let place = |k: usize| NamedPlace {
            label: r[k].trim().to_string(),
            country: r[k + 1].trim().to_string(),
            lat: number(&r[k + 2]),
            lon: number(&r[k + 3]),
        };
        let (a, b) = (place(0), place(4));
        let (japan, overseas) = match (a.country == "Japan", b.country == "Japan") {
            (true, false) => (a, b),
            (false, true) => (b, a),
            _ => continue,
        };
        if seen.insert((
            japan.label.clone(),
            overseas.label.clone(),
            overseas.country.clone(),
        )) {
            out.push(NamedPair { japan, overseas });
        }
    }
    Ok(out)
}

/// Reads the EU-Japan pairs (European origin, Japanese twin), each pair once.
pub fn read_eu_japan(path: &Path) -> Result<Vec<NamedPair>> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for row in crate::tsv::read(path, false)? {
        let f: Vec<&str> = row.fields.iter().collect();
        if row.line == 1 {
            if f.first() != Some(&"origincityLabel") {
                return Err(format_error(
                    path,
                    1,
                    "expected the header origincityLabel ...".into(),
                ));
            }
            continue;
        }
        if f.len() < 10 {
            return Err(format_error(
                path,
                row.line as u64,
                format!("{} fields, expected 12", f.len()),
            ));
        }
        let overseas = NamedPlace {
            label: f[0].trim().to_string(),
            country: f[1].trim().to_string(),
            lat: number(f[2]),
            lon: number(f[3]),
        };
        let japan = NamedPlace {
            label: f[5].trim().to_string(),
            country: f[9].trim().to_string(),
            lat: number(f[6]),
            lon: number(f[7]),
        };
        if japan.country != "Japan" {
            continue;
        }
        if seen.insert((japan.label.clone(), overseas.label.clone())) {
            out.push(NamedPair { japan, overseas });
        }
    }
    Ok(out)
}

/// Country labels GeoNames does not use, with their ISO codes.
const COUNTRY_ALIASES: [(&str, &str); 9] = [
    ("england", "GB"),
    ("scotland", "GB"),
    ("wales", "GB"),
    ("northern ireland", "GB"),
    ("czech republic", "CZ"),
    ("republic of ireland", "IE"),
    ("republic of korea", "KR"),
    ("korea", "KR"),
    ("people's republic of china", "CN"),
];

/// ISO codes by normalised country name.
fn country_index(gazetteer: &Gazetteer) -> BTreeMap<String, String> {
    let mut index: BTreeMap<String, String> = gazetteer
        .countries
        .iter()
        .map(|(code, c)| (tieup_core::lookup::normalize(&c.name), code.clone()))
        .collect();
    for (name, code) in COUNTRY_ALIASES {
        index.insert(tieup_core::lookup::normalize(name), code.to_string());
    }
    index
}

/// The ISO code of a country label: its last comma-separated part that names a country.
fn country_code(index: &BTreeMap<String, String>, label: &str) -> Option<String> {
    label
        .rsplit(',')
        .find_map(|part| index.get(&tieup_core::lookup::normalize(part.trim())))
        .cloned()
}

/// Matches places of one country to GeoNames and the catalog.
struct Locator<'a> {
    matcher: &'a Matcher<'a>,
    /// GeoNames places by country code.
    by_country: BTreeMap<&'a str, Vec<usize>>,
}

impl<'a> Locator<'a> {
    fn new(matcher: &'a Matcher<'a>) -> Self {
        let mut by_country: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, city) in matcher.gazetteer.cities.iter().enumerate() {
            by_country.entry(city.country.as_str()).or_default().push(i);
        }
        Locator {
            matcher,
            by_country,
        }
    }

    fn distance(&self, i: usize, lat: f64, lon: f64) -> f64 {
        let c = &self.matcher.gazetteer.cities[i];
        tieup_core::geo::distance_km(c.lat, c.lon, lat, lon)
    }

    fn nearest(&self, candidates: &[usize], place: &NamedPlace, within: f64) -> Option<usize> {
        let (lat, lon) = (place.lat?, place.lon?);
        candidates
            .iter()
            .map(|&i| (self.distance(i, lat, lon), i))
            .filter(|(d, _)| *d <= within)
            .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
            .map(|(_, i)| i)
    }

    /// The catalog region a named place lies in (or why not), and whether only its
    /// coordinates placed it.
    fn place(&self, place: &NamedPlace, code: &str, wide: bool) -> (Placed, bool) {
        let m = self.matcher;
        if let Some(r) = m.admin_region(&place.label, Some(code)) {
            return (Ok((r, m.catalog.region(r).name.clone(), true)), false);
        }
        let in_country = |list: Vec<usize>| -> Vec<usize> {
            list.into_iter()
                .filter(|&i| m.gazetteer.cities[i].country == code)
                .collect()
        };
        let mut candidates = in_country(m.candidates(&place.label));
        let mut qualifier = None;
        if candidates.is_empty()
            && let Some((base, q)) = crate::twins::qualifier(&place.label)
        {
            candidates = in_country(m.candidates(&base));
            qualifier = Some(q);
        }
        let near = match candidates.len() {
            0 => None,
            1 => Some(candidates[0]),
            _ => self.nearest(&candidates, place, NEAR_KM),
        };
        if near.is_none()
            && let Some(placed) = self.by_coordinates(place, code, wide)
        {
            return (placed, true);
        }
        let picked = match near {
            Some(i) => Place::City(i),
            None => m.pick(candidates, qualifier.as_deref()),
        };
        let result = match picked {
            Place::City(i) => {
                let city = &m.gazetteer.cities[i];
                match m.locate(city) {
                    Some(r) => Ok((r, city.name.clone(), m.is_whole(city, r))),
                    None => Err(OUTSIDE),
                }
            }
            Place::Ambiguous => Err("ambiguous name"),
            _ => Err("not found"),
        };
        (result, false)
    }

    /// A place placed by its coordinates alone: the admin-1 unit of the nearest GeoNames
    /// place of the country within [`FALLBACK_KM`], or, failing that and when `wide`, of the
    /// three nearest within [`WIDE_KM`] when they all lie in one admin-1 unit; its catalog
    /// region (or the country's), never a metro or city region.
    fn by_coordinates(&self, place: &NamedPlace, code: &str, wide: bool) -> Option<Placed> {
        let (lat, lon) = (place.lat?, place.lon?);
        let cities = &self.matcher.gazetteer.cities;
        let within = if wide { WIDE_KM } else { FALLBACK_KM };
        let mut near: Vec<(f64, usize)> = self
            .by_country
            .get(code)?
            .iter()
            .map(|&i| (self.distance(i, lat, lon), i))
            .filter(|(d, _)| *d <= within)
            .collect();
        near.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let &(distance, nearest) = near.first()?;
        if distance > FALLBACK_KM {
            let units: BTreeSet<String> = near
                .iter()
                .take(3)
                .map(|&(_, i)| cities[i].admin1_key())
                .collect();
            if units.len() != 1 {
                return None;
            }
        }
        let city = &cities[nearest];
        let units = &self.matcher.unit_regions;
        let unit = units
            .get(&crate::geonames::Unit::Admin1(city.admin1_key()))
            .or_else(|| units.get(&crate::geonames::Unit::Country(city.country.clone())));
        Some(match unit {
            Some(&r) => Ok((r, place.label.clone(), false)),
            None => Err(OUTSIDE),
        })
    }
}

/// Where a place lies: its catalog region, the name to show and whether it is the region
/// itself; or why not.
type Placed = std::result::Result<(RegionId, String, bool), &'static str>;

/// Coordinates that a source gives to two or more differently labelled places: often a
/// geocoder's fallback (the centre of the United States, of Hokkaido), so they do not reach
/// as far as [`WIDE_KM`] (often the same place written two ways, so they still count within
/// [`FALLBACK_KM`]).
fn shared_coordinates(pairs: &[NamedPair]) -> BTreeSet<(u64, u64)> {
    let mut labels: BTreeMap<(u64, u64), BTreeSet<&str>> = BTreeMap::new();
    for place in pairs.iter().flat_map(|p| [&p.japan, &p.overseas]) {
        if let (Some(lat), Some(lon)) = (place.lat, place.lon) {
            labels
                .entry((lat.to_bits(), lon.to_bits()))
                .or_default()
                .insert(place.label.as_str());
        }
    }
    labels
        .into_iter()
        .filter(|(_, l)| l.len() > 1)
        .map(|(k, _)| k)
        .collect()
}

/// One source's matching context.
struct SourceMatch<'a> {
    locator: Locator<'a>,
    curated: &'a TwinPlaces,
    source: &'static str,
    shared: BTreeSet<(u64, u64)>,
}

impl SourceMatch<'_> {
    /// One side of a pair: curated, else matched; and whether curated or placed by
    /// coordinates.
    fn side(&self, pair: &NamedPair, japan: bool, code: Option<&str>) -> (Placed, bool, bool) {
        let (place, partner) = if japan {
            (&pair.japan, &pair.overseas)
        } else {
            (&pair.overseas, &pair.japan)
        };
        let catalog = self.locator.matcher.catalog;
        let curated = self.curated.get(
            self.source,
            japan,
            &place.label,
            &place.country,
            &partner.label,
        );
        match (curated, code) {
            (Some(Curated::Region(r, whole)), _) => {
                // The region's name for the region itself, else the place's own.
                let name = if whole {
                    catalog.region(r).name.clone()
                } else {
                    crate::twins::qualifier(&place.label).map_or(place.label.clone(), |q| q.0)
                };
                (Ok((r, name, whole)), true, false)
            }
            (Some(Curated::Outside), _) => (Err(OUTSIDE), true, false),
            (None, Some(code)) => {
                let wide = match (place.lat, place.lon) {
                    (Some(lat), Some(lon)) => {
                        !self.shared.contains(&(lat.to_bits(), lon.to_bits()))
                    }
                    _ => false,
                };
                let (placed, by_coordinates) = self.locator.place(place, code, wide);
                (placed, false, by_coordinates)
            }
            (None, None) => (Err("unknown country"), false, false),
        }
    }
}

/// Matches one source's pairs: the links of matched pairs, the counts, the unmatched pairs.
pub fn build(
    matcher: &Matcher<'_>,
    curated: &TwinPlaces,
    pairs: &[NamedPair],
    source: &'static str,
) -> (Vec<Link>, SourceReport, Vec<Unmatched>) {
    let catalog = matcher.catalog;
    let countries = country_index(matcher.gazetteer);
    let catalog_countries: BTreeSet<&str> = catalog
        .candidates()
        .map(|(_, r)| r.country.as_str())
        .collect();
    let context = SourceMatch {
        locator: Locator::new(matcher),
        curated,
        source,
        shared: shared_coordinates(pairs),
    };
    let mut report = SourceReport {
        source,
        pairs: pairs.len(),
        ..SourceReport::default()
    };
    let mut links = Vec::new();
    let mut unmatched = Vec::new();
    for pair in pairs {
        let code = country_code(&countries, &pair.overseas.country);
        let (japan, jcur, jc) = context.side(pair, true, Some("JP"));
        let (overseas, ocur, oc) = context.side(pair, false, code.as_deref());
        let outside = [&japan, &overseas]
            .into_iter()
            .any(|r| r.as_ref().is_err_and(|e| *e == OUTSIDE));
        let in_scope = !outside
            && code
                .as_deref()
                .is_some_and(|c| catalog_countries.contains(c));
        report.in_scope += usize::from(in_scope);
        let reason = match (&japan, &overseas) {
            (Ok((j, jl, jw)), Ok((o, ol, ow)))
                if catalog.region(*j).kind == RegionKind::Japan
                    && catalog.region(*o).kind == RegionKind::Overseas =>
            {
                report.matched += usize::from(in_scope);
                report.by_coordinates += usize::from(jc) + usize::from(oc);
                report.curated += usize::from(jcur) + usize::from(ocur);
                links.push(Link {
                    japan: *j,
                    overseas: *o,
                    label: format!("{jl} – {ol}"),
                    source,
                    japan_whole: *jw,
                    overseas_whole: *ow,
                    overseas_label: pair.overseas.label.clone(),
                });
                continue;
            }
            (Err(e), _) => format!("Japanese place {e}"),
            (_, Err(e)) => format!("overseas place {e}"),
            _ => "not a Japan-abroad pair in the catalog".to_string(),
        };
        if in_scope {
            unmatched.push(Unmatched {
                source,
                japan: pair.japan.label.clone(),
                overseas: pair.overseas.label.clone(),
                country: pair.overseas.country.clone(),
                reason,
            });
        }
    }
    (links, report, unmatched)
}

/// Header of `twin_unmatched.csv`.
pub const UNMATCHED_HEADER: &str = "source,japan_place,overseas_place,overseas_country,reason";

/// The unmatched pairs in scope, sorted, for curation.
pub fn unmatched_csv(rows: &[Unmatched]) -> String {
    let mut sorted: Vec<&Unmatched> = rows.iter().collect();
    sorted.sort();
    let mut out = crate::csvout::CsvText::new(UNMATCHED_HEADER);
    for u in sorted {
        out.row([u.source, &u.japan, &u.overseas, &u.country, &u.reason]);
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_labels_are_normalised() {
        let mut gazetteer = Gazetteer::default();
        for (code, name) in [
            ("GB", "United Kingdom"),
            ("US", "United States"),
            ("CZ", "Czechia"),
        ] {
            gazetteer.countries.insert(
                code.into(),
                crate::geonames::CountryInfo {
                    name: name.into(),
                    languages: vec![],
                },
            );
        }
        let index = country_index(&gazetteer);
        assert_eq!(
            country_code(&index, "England, United Kingdom").as_deref(),
            Some("GB")
        );
        assert_eq!(country_code(&index, "Scotland").as_deref(), Some("GB"));
        assert_eq!(country_code(&index, "United States").as_deref(), Some("US"));
        assert_eq!(
            country_code(&index, "Czech Republic").as_deref(),
            Some("CZ")
        );
        assert_eq!(country_code(&index, "Atlantis"), None);
    }
}
