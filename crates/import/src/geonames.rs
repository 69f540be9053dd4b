//! GeoNames (CC BY 4.0): cities with population, time zone and first-level administrative
//! unit (`cities15000.txt`), the admin-1 names in two versions (`regionInfo.tsv` of 2025,
//! `admin1CodesASCII.txt` of 2024) and country information (`countryInfo.txt`).
//!
//! What tieup takes from it:
//! - **Administrative units.** A catalog region at an administrative level (prefecture,
//!   state, NUTS region, country) is matched to a GeoNames admin-1 unit of its country by
//!   name or alias (or by a `geonames_admin1` row in `data/codes/region_codes.csv`). The match
//!   must hold for *both* admin-1 versions where both list the code: GeoNames reorganised
//!   units (France 2016, Vietnam 2025) and the 2025 file still carries some old names for
//!   the new, larger units (FR.84 "Rhône-Alpes" is Auvergne-Rhône-Alpes), so a one-sided
//!   match is refused. Country-level regions are the whole country.
//! - **Coordinates.** For a matched unit with at least [`MIN_CITIES`] cities, the
//!   population-weighted centroid of its cities (on the sphere) replaces the seat city's
//!   coordinates; city sections (`PPLX`) and historical places are left out so no population
//!   counts twice. Metro areas, cities and unmatched regions keep their seat.
//! - **Time zones and languages** are checked, not overridden: the files carry zone names
//!   but no UTC offsets, and countryInfo lists official languages where the catalog lists the
//!   languages business is done in (English included). The report lists regions whose
//!   population-majority zone differs from the seat's, zones whose catalog offsets disagree,
//!   and regions whose main language countryInfo does not list.

use super::codes::RegionCodes;
use std::collections::BTreeMap;
use std::path::Path;
use tieup_core::catalog::{Catalog, Region, RegionId, RegionKind};
use tieup_core::error::{Error, Result};

/// Source tag of derived coordinates.
pub const SOURCE: &str = "geonames:cities15000:2025";
/// Fewest cities for a centroid to replace the seat.
pub const MIN_CITIES: usize = 3;

/// One GeoNames populated place.
#[derive(Debug, Clone, PartialEq)]
pub struct City {
    /// GeoNames id.
    pub id: u32,
    /// Name (UTF-8).
    pub name: String,
    /// ASCII name.
    pub ascii: String,
    /// Alternate names (all languages).
    pub alternates: Vec<String>,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// Feature code (`PPL`, `PPLA`, `PPLC`, `PPLX`, ...).
    pub feature_code: String,
    /// ISO country code.
    pub country: String,
    /// Admin-1 code within the country.
    pub admin1: String,
    /// Population.
    pub population: f64,
    /// IANA time zone name.
    pub timezone: String,
}

impl City {
    /// `CC.admin1`.
    pub fn admin1_key(&self) -> String {
        format!("{}.{}", self.country, self.admin1)
    }

    /// True for a place that stands on its own (not a city section, not historical).
    pub fn is_settlement(&self) -> bool {
        !matches!(
            self.feature_code.as_str(),
            "PPLX" | "PPLH" | "PPLQ" | "PPLW"
        )
    }
}

/// Country information.
#[derive(Debug, Clone, PartialEq)]
pub struct CountryInfo {
    /// English name.
    pub name: String,
    /// ISO 639-1 codes of its languages, in GeoNames order, duplicates removed.
    pub languages: Vec<String>,
}

/// The GeoNames files tieup reads.
#[derive(Debug, Clone, Default)]
pub struct Gazetteer {
    /// Cities in file order.
    pub cities: Vec<City>,
    /// Admin-1 names of 2025 (`regionInfo.tsv`): key → (name, ASCII name).
    pub admin1_2025: BTreeMap<String, (String, String)>,
    /// Admin-1 names of 2024 (`admin1CodesASCII.txt`).
    pub admin1_2024: BTreeMap<String, (String, String)>,
    /// Countries by ISO code.
    pub countries: BTreeMap<String, CountryInfo>,
}

fn tsv_error(path: &Path, line: usize, message: String, fix: &str) -> Error {
    Error::data(path, Some(line as u64), message, fix)
}

/// Reads `cities15000.txt` (19 tab-separated columns, no header).
pub fn read_cities(path: &Path) -> Result<Vec<City>> {
    let mut cities = Vec::new();
    for row in crate::tsv::read(path, false)? {
        let f: Vec<&str> = row.fields.iter().collect();
        let index = row.line - 1;
        if f.len() != 19 {
            return Err(tsv_error(
                path,
                index + 1,
                format!("{} tab-separated fields, GeoNames cities have 19", f.len()),
                "give cities15000.txt as distributed (unzipped, unchanged)",
            ));
        }
        let number = |i: usize, what: &str| -> Result<f64> {
            f[i].parse::<f64>().map_err(|_| {
                tsv_error(
                    path,
                    index + 1,
                    format!("{what} '{}' is not a number", f[i]),
                    "give cities15000.txt as distributed",
                )
            })
        };
        cities.push(City {
            id: number(0, "geonameid")? as u32,
            name: f[1].to_string(),
            ascii: f[2].to_string(),
            alternates: f[3]
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            lat: number(4, "latitude")?,
            lon: number(5, "longitude")?,
            feature_code: f[7].to_string(),
            country: f[8].to_string(),
            admin1: f[10].to_string(),
            population: if f[14].is_empty() {
                0.0
            } else {
                number(14, "population")?
            },
            timezone: f[17].to_string(),
        });
    }
    Ok(cities)
}

/// Reads an admin-1 table (`CC.code<TAB>name<TAB>ascii<TAB>geonameid`), skipping `#` lines.
pub fn read_admin1(path: &Path) -> Result<BTreeMap<String, (String, String)>> {
    let mut out = BTreeMap::new();
    for row in crate::tsv::read(path, true)? {
        let f: Vec<&str> = row.fields.iter().collect();
        if f.len() < 3 || !f[0].contains('.') {
            return Err(tsv_error(
                path,
                row.line,
                format!(
                    "'{}' is not CC.code<TAB>name<TAB>ascii",
                    f.join("\t").chars().take(40).collect::<String>()
                ),
                "give the GeoNames admin-1 table unchanged",
            ));
        }
        out.insert(f[0].to_string(), (f[1].to_string(), f[2].to_string()));
    }
    Ok(out)
}

/// Reads `countryInfo.txt` (`#` comments, 19 tab-separated columns).
pub fn read_country_info(path: &Path) -> Result<BTreeMap<String, CountryInfo>> {
    let mut out = BTreeMap::new();
    for row in crate::tsv::read(path, true)? {
        let f: Vec<&str> = row.fields.iter().collect();
        if f.len() < 16 {
            return Err(tsv_error(
                path,
                row.line,
                format!("{} fields, countryInfo rows have 19", f.len()),
                "give countryInfo.txt unchanged",
            ));
        }
        let mut languages: Vec<String> = Vec::new();
        for tag in f[15].split(',') {
            let code: String = tag.split('-').next().unwrap_or("").to_string();
            if code.len() == 2 && !languages.contains(&code) {
                languages.push(code);
            }
        }
        out.insert(
            f[0].to_string(),
            CountryInfo {
                name: f[4].to_string(),
                languages,
            },
        );
    }
    Ok(out)
}

impl Gazetteer {
    /// Reads the four files from a `geonames/` directory.
    pub fn read(dir: &Path) -> Result<Self> {
        Ok(Gazetteer {
            cities: read_cities(&dir.join("cities15000.txt"))?,
            admin1_2025: read_admin1(&dir.join("regionInfo.tsv"))?,
            admin1_2024: read_admin1(&dir.join("admin1CodesASCII.txt"))?,
            countries: read_country_info(&dir.join("countryInfo.txt"))?,
        })
    }

    /// Position of a city by GeoNames id.
    pub fn city_by_id(&self, id: u32) -> Option<usize> {
        self.cities.iter().position(|c| c.id == id)
    }
}

/// The GeoNames unit a catalog region stands for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Unit {
    /// A whole country (ISO code).
    Country(String),
    /// An admin-1 unit (`CC.code`).
    Admin1(String),
}

impl Unit {
    /// True when a city lies in the unit.
    pub fn contains(&self, city: &City) -> bool {
        match self {
            Unit::Country(cc) => city.country == *cc,
            Unit::Admin1(key) => city.admin1_key() == *key,
        }
    }

    /// The unit's code as written in files.
    pub fn code(&self) -> String {
        match self {
            Unit::Country(cc) => cc.clone(),
            Unit::Admin1(key) => key.clone(),
        }
    }
}

/// Catalog levels that are administrative units.
pub fn is_administrative(level: &str) -> bool {
    matches!(
        level,
        "prefecture" | "state" | "nuts1" | "nuts2" | "country"
    )
}

/// Words that name the kind of unit rather than the unit.
const GENERIC: [&str; 19] = [
    "prefecture",
    "province",
    "state",
    "region",
    "county",
    "voivodeship",
    "canton",
    "of",
    "the",
    "city",
    "capital",
    "metropolitan",
    "special",
    "autonomous",
    "do",
    "si",
    "ken",
    "kraj",
    "land",
];

/// Match keys of a name without parenthetical remarks (generic words kept).
fn full_keys(text: &str) -> Vec<String> {
    tieup_core::lookup::keys(&without_brackets(text))
}

fn without_brackets(text: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Match keys of a name: the normalised name, and the same without generic words and
/// parenthetical remarks.
pub(crate) fn name_keys(text: &str) -> Vec<String> {
    let mut keys = tieup_core::lookup::keys(&without_brackets(text));
    for key in keys.clone() {
        let stripped: Vec<&str> = key.split(' ').filter(|w| !GENERIC.contains(w)).collect();
        if !stripped.is_empty() {
            keys.push(stripped.join(" "));
        }
    }
    keys.sort();
    keys.dedup();
    keys
}

fn names_match(region_keys: &[String], names: &(String, String)) -> bool {
    let unit_keys: Vec<String> = name_keys(&names.0)
        .into_iter()
        .chain(name_keys(&names.1))
        .collect();
    region_keys.iter().any(|k| unit_keys.contains(k))
}

fn names_match_fully(region_keys: &[String], names: &(String, String)) -> bool {
    let unit_keys: Vec<String> = full_keys(&names.0)
        .into_iter()
        .chain(full_keys(&names.1))
        .collect();
    region_keys.iter().any(|k| unit_keys.contains(k))
}

/// The result of matching catalog regions to GeoNames units.
#[derive(Debug, Clone, Default)]
pub struct UnitMatch {
    /// Region position → unit.
    pub units: BTreeMap<RegionId, Unit>,
    /// Administrative regions without a unit, with the reason.
    pub unmatched: Vec<(RegionId, String)>,
}

impl UnitMatch {
    /// The catalog region of an admin-1 unit or a country, if one was matched to it.
    pub fn region_of(&self, unit: &Unit) -> Option<RegionId> {
        self.units.iter().find(|(_, u)| *u == unit).map(|(&r, _)| r)
    }
}

/// Matches every administrative catalog region to a GeoNames unit (see the module docs).
pub fn match_units(catalog: &Catalog, gazetteer: &Gazetteer, codes: &RegionCodes) -> UnitMatch {
    let mut result = UnitMatch::default();
    for (position, region) in catalog.regions() {
        if !is_administrative(&region.level) {
            continue;
        }
        if let Some(key) = codes.geonames_admin1(position) {
            result.units.insert(position, Unit::Admin1(key));
            continue;
        }
        let mut region_keys: Vec<String> = name_keys(&region.name);
        for alias in &region.aliases {
            region_keys.extend(name_keys(alias));
        }
        if is_whole_country(gazetteer, region) {
            result
                .units
                .insert(position, Unit::Country(region.country.clone()));
            continue;
        }
        match admin1_unit(gazetteer, region, &region_keys) {
            Ok(key) => {
                result.units.insert(position, Unit::Admin1(key));
            }
            Err(reason) => result.unmatched.push((position, reason)),
        }
    }
    result
}

/// True when a region is its whole country: by level, or by its full name or alias (generic
/// words kept, so that "Mexico City" is not Mexico and "Capital Region of Denmark" not
/// Denmark).
fn is_whole_country(gazetteer: &Gazetteer, region: &Region) -> bool {
    let country_name = gazetteer.countries.get(&region.country).map(|c| &c.name);
    region.level == "country"
        || country_name.is_some_and(|name| {
            let country_keys = tieup_core::lookup::keys(name);
            std::iter::once(&region.name)
                .chain(region.aliases.iter())
                .any(|n| {
                    tieup_core::lookup::keys(n)
                        .iter()
                        .any(|k| country_keys.contains(k))
                })
        })
}

/// The one admin-1 unit of a region's country that its names match, unchanged since 2024; or
/// why there is none.
fn admin1_unit(
    gazetteer: &Gazetteer,
    region: &Region,
    region_keys: &[String],
) -> Result<String, String> {
    // Full names first ("Mexico City" is MX.09, not also the State of Mexico), then
    // names without generic words ("Jeju" is "Jeju-do").
    let prefix = format!("{}.", region.country);
    let units_of_country = || {
        gazetteer
            .admin1_2025
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
    };
    let mut region_full: Vec<String> = full_keys(&region.name);
    for alias in &region.aliases {
        region_full.extend(full_keys(alias));
    }
    let mut candidates: Vec<&String> = units_of_country()
        .filter(|(_, names)| names_match_fully(&region_full, names))
        .map(|(k, _)| k)
        .collect();
    if candidates.is_empty() {
        candidates = units_of_country()
            .filter(|(_, names)| names_match(region_keys, names))
            .map(|(k, _)| k)
            .collect();
    }
    match candidates.as_slice() {
        [] => Err("no admin-1 unit of that name".to_string()),
        [key] => match gazetteer.admin1_2024.get(*key) {
            None => Err(format!(
                "{key} is not in the 2024 admin-1 table (reorganised unit)"
            )),
            Some(old) if !names_match(region_keys, old) => Err(format!(
                "{key} is '{}' in 2025 but '{}' in 2024 (the unit changed)",
                gazetteer.admin1_2025[*key].0, old.0
            )),
            Some(_) => Ok((*key).clone()),
        },
        many => Err(format!(
            "several admin-1 units match: {}",
            many.iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// The GeoNames id of a region's seat city, from its `geo_provenance`.
pub fn seat_id(geo_provenance: &str) -> Option<u32> {
    let rest = geo_provenance.strip_prefix("geonames:cities15000:")?;
    let (_, after_year) = rest.split_once(':')?;
    after_year
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

/// Derived geography of one region.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionGeo {
    /// The region.
    pub region: RegionId,
    /// Its unit.
    pub unit: Unit,
    /// Cities in the unit (settlements only).
    pub n_cities: usize,
    /// Their population.
    pub population: f64,
    /// Population-weighted centroid latitude.
    pub lat: f64,
    /// Population-weighted centroid longitude.
    pub lon: f64,
    /// Time zone of most of the unit's city population.
    pub timezone: String,
    /// That zone's share of the population.
    pub timezone_share: f64,
}

/// Population-weighted centroid on the sphere (mean of unit vectors).
///
/// ```
/// use tieup_import::geonames::centroid;
/// let (lat, lon) = centroid(&[(0.0, 10.0, 1.0), (0.0, 20.0, 1.0)]).unwrap();
/// assert!(lat.abs() < 1e-9 && (lon - 15.0).abs() < 1e-9);
/// ```
pub fn centroid(points: &[(f64, f64, f64)]) -> Option<(f64, f64)> {
    let (mut x, mut y, mut z, mut w) = (0.0, 0.0, 0.0, 0.0);
    for &(lat, lon, weight) in points {
        let (p, l) = (lat.to_radians(), lon.to_radians());
        x += weight * p.cos() * l.cos();
        y += weight * p.cos() * l.sin();
        z += weight * p.sin();
        w += weight;
    }
    if w <= 0.0 {
        return None;
    }
    let hyp = (x * x + y * y).sqrt();
    Some((z.atan2(hyp).to_degrees(), y.atan2(x).to_degrees()))
}

/// Centroids and majority time zones of the matched units with enough cities.
pub fn region_geography(
    gazetteer: &Gazetteer,
    units: &UnitMatch,
) -> (Vec<RegionGeo>, Vec<RegionId>) {
    let mut out = Vec::new();
    let mut too_few = Vec::new();
    for (&region, unit) in &units.units {
        let cities: Vec<&City> = gazetteer
            .cities
            .iter()
            .filter(|c| c.is_settlement() && unit.contains(c))
            .collect();
        let population: f64 = cities.iter().map(|c| c.population).sum();
        if cities.len() < MIN_CITIES || population <= 0.0 {
            too_few.push(region);
            continue;
        }
        let points: Vec<(f64, f64, f64)> = cities
            .iter()
            .map(|c| (c.lat, c.lon, c.population))
            .collect();
        let (lat, lon) = centroid(&points).expect("positive population");
        let mut zones: BTreeMap<&str, f64> = BTreeMap::new();
        for c in &cities {
            *zones.entry(c.timezone.as_str()).or_default() += c.population;
        }
        let (timezone, zone_population) = zones
            .iter()
            .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(z, p)| (z.to_string(), *p))
            .expect("at least one city");
        out.push(RegionGeo {
            region,
            unit: unit.clone(),
            n_cities: cities.len(),
            population,
            lat,
            lon,
            timezone,
            timezone_share: zone_population / population,
        });
    }
    (out, too_few)
}

/// Header of `region_geo.csv`; the catalog reads the first four columns.
pub const GEO_HEADER: &str =
    "region_id,lat,lon,geo_provenance,unit,n_cities,population,timezone,timezone_share";

/// The derived coordinates file, in catalog order.
pub fn geo_csv(catalog: &Catalog, geography: &[RegionGeo]) -> String {
    let mut out = crate::csvout::CsvText::new(GEO_HEADER);
    let mut rows: Vec<&RegionGeo> = geography.iter().collect();
    rows.sort_by_key(|g| g.region);
    for g in rows {
        out.row([
            catalog.region(g.region).id.clone(),
            format!("{:.5}", g.lat),
            format!("{:.5}", g.lon),
            format!(
                "{SOURCE}:centroid {} ({} cities; population-weighted)",
                g.unit.code(),
                g.n_cities
            ),
            g.unit.code(),
            g.n_cities.to_string(),
            format!("{:.0}", g.population),
            g.timezone.clone(),
            format!("{:.3}", g.timezone_share),
        ]);
    }
    out.finish()
}

/// What the GeoNames step found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GeoReport {
    /// Administrative catalog regions.
    pub administrative: usize,
    /// Of them, matched to a unit.
    pub matched: usize,
    /// Of them, given a centroid.
    pub centroids: usize,
    /// Matched but with fewer than [`MIN_CITIES`] cities.
    pub too_few_cities: Vec<String>,
    /// Unmatched administrative regions with the reason (first few).
    pub unmatched: Vec<String>,
    /// Number of unmatched administrative regions.
    pub n_unmatched: usize,
    /// Median and largest move from seat to centroid, km.
    pub moved_km: (f64, f64),
    /// Regions whose population-majority zone differs from the seat's zone.
    pub zone_differs: Vec<String>,
    /// Zones whose catalog regions carry different UTC offsets.
    pub offset_conflicts: Vec<String>,
    /// Overseas regions whose main language countryInfo does not list.
    pub language_not_listed: Vec<String>,
    /// Overseas regions checked for languages.
    pub languages_checked: usize,
}

/// Checks time zones and languages and summarises the step.
pub fn report(
    catalog: &Catalog,
    gazetteer: &Gazetteer,
    units: &UnitMatch,
    geography: &[RegionGeo],
    too_few: &[RegionId],
) -> GeoReport {
    let ids: BTreeMap<u32, usize> = gazetteer
        .cities
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id, i))
        .collect();
    let seat_zone = |region: RegionId| -> Option<&str> {
        let id = seat_id(&catalog.region(region).geo_provenance)?;
        ids.get(&id).map(|&i| gazetteer.cities[i].timezone.as_str())
    };
    let mut moves: Vec<f64> = geography
        .iter()
        .map(|g| {
            let r = catalog.region(g.region);
            tieup_core::geo::distance_km(r.lat, r.lon, g.lat, g.lon)
        })
        .collect();
    moves.sort_by(f64::total_cmp);
    let zone_differs = geography
        .iter()
        .filter_map(|g| {
            let seat = seat_zone(g.region)?;
            (seat != g.timezone).then(|| {
                format!(
                    "{} (seat {seat}, {:.0}% of city population in {})",
                    catalog.region(g.region).id,
                    100.0 * g.timezone_share,
                    g.timezone
                )
            })
        })
        .collect();
    let offset_conflicts = offset_conflicts(catalog, seat_zone);
    let (language_not_listed, languages_checked) = languages_not_listed(catalog, gazetteer);
    let unmatched: Vec<String> = units
        .unmatched
        .iter()
        .map(|(r, why)| format!("{}: {why}", catalog.region(*r).id))
        .collect();
    GeoReport {
        administrative: units.units.len() + units.unmatched.len(),
        matched: units.units.len(),
        centroids: geography.len(),
        too_few_cities: too_few
            .iter()
            .map(|&r| catalog.region(r).id.clone())
            .collect(),
        n_unmatched: unmatched.len(),
        unmatched,
        moved_km: (
            moves.get(moves.len() / 2).copied().unwrap_or(0.0),
            moves.last().copied().unwrap_or(0.0),
        ),
        zone_differs,
        offset_conflicts,
        language_not_listed,
        languages_checked,
    }
}

/// Time zones whose regions' seats carry more than one UTC offset in the catalog.
fn offset_conflicts<'a>(
    catalog: &'a Catalog,
    seat_zone: impl Fn(RegionId) -> Option<&'a str>,
) -> Vec<String> {
    let mut by_zone: BTreeMap<&str, BTreeMap<String, Vec<&str>>> = BTreeMap::new();
    for (position, region) in catalog.regions() {
        if let Some(zone) = seat_zone(position) {
            by_zone
                .entry(zone)
                .or_default()
                .entry(format!("{}", region.utc_offset))
                .or_default()
                .push(region.id.as_str());
        }
    }
    by_zone
        .into_iter()
        .filter(|(_, offsets)| offsets.len() > 1)
        .map(|(zone, offsets)| {
            let parts: Vec<String> = offsets
                .iter()
                .map(|(o, ids)| format!("{o} h: {}", ids.join(" ")))
                .collect();
            format!("{zone}: {}", parts.join("; "))
        })
        .collect()
}

/// Overseas regions whose main language is not among their country's languages in
/// countryInfo, and how many regions were checked.
fn languages_not_listed(catalog: &Catalog, gazetteer: &Gazetteer) -> (Vec<String>, usize) {
    let mut language_not_listed = Vec::new();
    let mut languages_checked = 0;
    for (_, region) in catalog.regions() {
        if region.kind != RegionKind::Overseas {
            continue;
        }
        let Some(info) = gazetteer.countries.get(&region.country) else {
            continue;
        };
        languages_checked += 1;
        let main = &region.languages[0];
        if !info.languages.contains(main) {
            language_not_listed.push(format!(
                "{} ({main}; countryInfo {}: {})",
                region.id,
                region.country,
                info.languages.join(",")
            ));
        }
    }
    (language_not_listed, languages_checked)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn city(id: u32, name: &str, cc: &str, admin1: &str, lat: f64, pop: f64, code: &str) -> City {
        City {
            id,
            name: name.into(),
            ascii: name.into(),
            alternates: vec![],
            lat,
            lon: 10.0,
            feature_code: code.into(),
            country: cc.into(),
            admin1: admin1.into(),
            population: pop,
            timezone: "Europe/Berlin".into(),
        }
    }

    #[test]
    fn centroid_weights_population_and_skips_sections() {
        let gazetteer = Gazetteer {
            cities: vec![
                city(1, "A", "DE", "01", 48.0, 300.0, "PPLA"),
                city(2, "B", "DE", "01", 50.0, 100.0, "PPL"),
                city(3, "C", "DE", "01", 49.0, 100.0, "PPL"),
                city(4, "A-Mitte", "DE", "01", 60.0, 1e6, "PPLX"),
                city(5, "D", "DE", "02", 40.0, 100.0, "PPL"),
            ],
            ..Gazetteer::default()
        };
        let mut units = UnitMatch::default();
        units
            .units
            .insert(RegionId::from_index(0), Unit::Admin1("DE.01".into()));
        units
            .units
            .insert(RegionId::from_index(1), Unit::Admin1("DE.02".into()));
        let (geo, too_few) = region_geography(&gazetteer, &units);
        assert_eq!(too_few, vec![RegionId::from_index(1)]);
        assert_eq!(geo.len(), 1);
        assert_eq!(geo[0].n_cities, 3);
        assert!((geo[0].lat - 48.6).abs() < 0.01, "{}", geo[0].lat);
        assert_eq!(geo[0].timezone_share, 1.0);
    }

    #[test]
    fn names_match_with_and_without_generic_words() {
        let keys = name_keys("Capital Region of Denmark");
        assert!(keys.contains(&"denmark".to_string()));
        assert!(names_match(
            &name_keys("Jeju"),
            &("Jeju-do".into(), "Jeju-do".into())
        ));
        assert!(names_match(
            &name_keys("Ho Chi Minh City"),
            &(
                "Ho Chi Minh City (HCMC)".into(),
                "Ho Chi Minh City (HCMC)".into()
            )
        ));
        assert!(!names_match(
            &name_keys("Rhône-Alpes"),
            &("Auvergne-Rhône-Alpes".into(), "Auvergne-Rhone-Alpes".into())
        ));
    }

    #[test]
    fn seat_ids_come_from_the_provenance() {
        assert_eq!(
            seat_id("geonames:cities15000:2025:2128295 (Sapporo)"),
            Some(2128295)
        );
        assert_eq!(seat_id("curated: not in cities15000"), None);
    }
}
