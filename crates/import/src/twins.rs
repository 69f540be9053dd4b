//! Existing ties from twin cities: the Wikidata P190 ("twinned administrative body")
//! relations of `sister_cities/` (a 2016 snapshot, labels mostly German), matched to GeoNames
//! places by name and placed in catalog regions by their coordinates and admin-1 unit, then
//! aggregated to (Japanese region, overseas region) pairs.
//!
//! Matching a place label:
//! 1. A label naming an administrative unit (`Präfektur Nagano`, `Provinz Liaoning`,
//!    `… Prefecture`) is matched to an administrative catalog region of that name.
//! 2. Otherwise the label (or, failing that, the label without a bracketed qualifier) is
//!    looked up among the names, ASCII names and alternate names of GeoNames places. One
//!    candidate is taken; several are narrowed by the qualifier (`Springfield (Illinois)`)
//!    and then by population: the largest is taken only if it has at least
//!    [`DOMINANCE`] times the next one's population; otherwise the label is ambiguous and
//!    left out.
//!
//! Placing a GeoNames place in the catalog, most specific first: a Japanese area whose seat
//! it is, else its prefecture (admin-1 unit); overseas, a metro or city region whose seat it
//! is or whose seat lies within [`METRO_RADIUS_KM`] in the same country, else the catalog
//! region matched to its admin-1 unit, else a region seated in it, else a country-level
//! region. Relations between a Japanese and an overseas place both placed in the catalog
//! become ties; the match rate is reported.
//!
//! A label equal to the name or an alias of exactly one administrative catalog region
//! (`Ohio`, `Jiangsu`, `New South Wales`) that no GeoNames place has as its main name is that
//! region: sister states are mostly labelled without "state". A place curated in
//! `data/codes/twin_places.csv` ([`crate::twin_places`], by Wikidata id here) is taken as
//! curated. Each link records whether each of its places is the region itself (*whole*: an
//! administrative label, the seat city of a Japanese area or of an overseas metro or city
//! region) or a place inside it (*part*); the existing-exchange feature discounts by level.

use super::geonames::{City, Gazetteer, Unit, UnitMatch, is_administrative};
use crate::twin_places::{Curated, TwinPlaces};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;
use tieup_core::catalog::{Catalog, RegionId, RegionKind};
use tieup_core::error::Result;

/// Source tag of the ties.
pub const SOURCE: &str = "wikidata:p190:2016";
/// A city this close to a metro or city region's seat belongs to it.
pub const METRO_RADIUS_KM: f64 = 30.0;
/// Population ratio at which the largest of several same-named places is taken.
pub const DOMINANCE: f64 = 5.0;

/// Twin-city links between one Japanese and one overseas catalog region.
#[derive(Debug, Clone, PartialEq)]
pub struct TwinTie {
    /// The Japanese region.
    pub japan: RegionId,
    /// The overseas region.
    pub overseas: RegionId,
    /// The linked places, sorted by label.
    pub links: Vec<MergedLink>,
}

impl TwinTie {
    /// The links by level, Japanese side first: `[whole–whole, whole–part, part–whole,
    /// part–part]` (the columns of [`tieup_core::catalog::TWIN_LEVEL_COLUMNS`]).
    pub fn levels(&self) -> [usize; 4] {
        let mut levels = [0; 4];
        for link in &self.links {
            levels[level_index(link.japan_whole, link.overseas_whole)] += 1;
        }
        levels
    }
}

fn level_index(japan_whole: bool, overseas_whole: bool) -> usize {
    2 * usize::from(!japan_whole) + usize::from(!overseas_whole)
}

/// One link of a tie, merged over the sources.
#[derive(Debug, Clone, PartialEq)]
pub struct MergedLink {
    /// `Japanese – overseas`.
    pub label: String,
    /// The sources that carry it.
    pub sources: BTreeSet<&'static str>,
    /// The Japanese place is the Japanese region itself (in any source).
    pub japan_whole: bool,
    /// The overseas place is the overseas region itself (in any source).
    pub overseas_whole: bool,
}

/// One matched twin-city link from one source.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Link {
    /// The Japanese region the Japanese place lies in.
    pub japan: RegionId,
    /// The overseas region the other place lies in.
    pub overseas: RegionId,
    /// `Japanese – overseas`, with GeoNames (or catalog) names, so that sources agree.
    pub label: String,
    /// The source tag.
    pub source: &'static str,
    /// The Japanese place is the Japanese region itself, not a place inside it.
    pub japan_whole: bool,
    /// The overseas place is the overseas region itself, not a place inside it.
    pub overseas_whole: bool,
    /// The overseas place's label as its source writes it (for [`Hints`]).
    pub overseas_label: String,
}

/// Overseas places the sources with countries and coordinates matched, by Japanese region
/// and normalised label (the source's, and the matched name): a label the 2016 snapshot
/// leaves ambiguous or unknown ("Barcelona" for Kobe) is the place another source matched
/// for a twin of the same Japanese region under that name, when that is one place.
#[derive(Debug, Clone, Default)]
pub struct Hints {
    places: BTreeMap<(RegionId, String), BTreeSet<HintedPlace>>,
}

/// An overseas region, the matched name, whether the place is the region itself.
type HintedPlace = (RegionId, String, bool);

impl Hints {
    /// Indexes the links of the other sources.
    pub fn new(links: &[Link]) -> Self {
        let mut places: BTreeMap<(RegionId, String), BTreeSet<HintedPlace>> = BTreeMap::new();
        for link in links {
            let name = link
                .label
                .split_once(" – ")
                .map_or(link.label.as_str(), |(_, o)| o);
            let value = (link.overseas, name.to_string(), link.overseas_whole);
            for label in [link.overseas_label.as_str(), name] {
                let base = qualifier(label).map_or(label.to_string(), |(b, _)| b);
                for key in [label.to_string(), base] {
                    places
                        .entry((link.japan, tieup_core::lookup::normalize(&key)))
                        .or_default()
                        .insert(value.clone());
                }
            }
        }
        Hints { places }
    }

    /// The one overseas place matched for a twin of this Japanese region under this label.
    fn get(&self, japan: RegionId, label: &str) -> Option<HintedPlace> {
        let found = self
            .places
            .get(&(japan, tieup_core::lookup::normalize(label)))?;
        match found.len() {
            1 => found.first().cloned(),
            _ => None,
        }
    }
}

/// Merges links of every source into ties: one per region pair, each link once with the
/// sources that carry it (a place is whole if any source matched it as the region itself).
pub fn merge(links: impl IntoIterator<Item = Link>) -> Vec<TwinTie> {
    let mut pairs: BTreeMap<(RegionId, RegionId), BTreeMap<String, MergedLink>> = BTreeMap::new();
    for link in links {
        let merged = pairs
            .entry((link.japan, link.overseas))
            .or_default()
            .entry(link.label.clone())
            .or_insert_with(|| MergedLink {
                label: link.label,
                sources: BTreeSet::new(),
                japan_whole: false,
                overseas_whole: false,
            });
        merged.sources.insert(link.source);
        merged.japan_whole |= link.japan_whole;
        merged.overseas_whole |= link.overseas_whole;
    }
    pairs
        .into_iter()
        .map(|((japan, overseas), links)| TwinTie {
            japan,
            overseas,
            links: links.into_values().collect(),
        })
        .collect()
}

/// A source tag's name in explanations.
pub fn source_name(tag: &str) -> &str {
    match tag {
        SOURCE => "Wikidata 2016",
        crate::twin_sources::WIKIPEDIA => "Wikipedia",
        crate::twin_sources::EU_JAPAN => "Wikidata EU-Japan",
        other => other,
    }
}

/// What the twin-city step matched.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TwinReport {
    /// Places (Wikidata items) in the names file.
    pub places: usize,
    /// Matched to one GeoNames place.
    pub matched_city: usize,
    /// Administrative-unit labels matched to a catalog region.
    pub matched_admin: usize,
    /// Administrative-unit labels with no catalog region (districts, counties ...).
    pub admin_outside_catalog: usize,
    /// Several GeoNames places, none dominant.
    pub ambiguous: usize,
    /// No GeoNames place of that name (mostly towns under 15,000 people).
    pub not_found: usize,
    /// Matched places that fall in a catalog region.
    pub in_catalog: usize,
    /// Matched places in Japan.
    pub japanese: usize,
    /// Undirected relations.
    pub relations: usize,
    /// Relations with a matched Japanese end.
    pub with_japan: usize,
    /// Of them, between two Japanese places.
    pub japan_japan: usize,
    /// Of them, with the other end placed in an overseas catalog region (ties).
    pub japan_matched: usize,
    /// Places taken from `twin_places.csv`.
    pub curated: usize,
    /// Overseas places unmatched by name, taken from another source's match ([`Hints`]).
    pub hinted: usize,
    /// Japan-abroad relations whose overseas place was found outside every catalog region
    /// (out of the match rate's scope).
    pub outside: usize,
    /// Region pairs with at least one link.
    pub pairs: usize,
    /// Japanese regions with at least one tie.
    pub japan_regions: usize,
    /// Overseas regions with at least one tie.
    pub overseas_regions: usize,
}

impl TwinReport {
    /// Japan-abroad relations in scope: those with a matched Japanese end, less Japan–Japan
    /// relations and those whose other end lies outside every catalog region. A place not
    /// found or ambiguous stays in scope, as a miss.
    pub fn in_scope(&self) -> usize {
        self.with_japan - self.japan_japan - self.outside
    }

    /// Share of the relations in scope whose other end is an overseas catalog region.
    pub fn match_rate(&self) -> f64 {
        match self.in_scope() {
            0 => 0.0,
            n => self.japan_matched as f64 / n as f64,
        }
    }
}

/// What a place label resolved to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Place {
    City(usize),
    Region(RegionId),
    AdminOutside,
    Ambiguous,
    NotFound,
}

const ADMIN_PREFIXES: [&str; 16] = [
    "präfektur ",
    "prefecture ",
    "provinz ",
    "province of ",
    "province ",
    "bundesstaat ",
    "state of ",
    "region ",
    "kanton ",
    "canton of ",
    "woiwodschaft ",
    "oblast ",
    "landkreis ",
    "kreis ",
    "bezirk ",
    "county ",
];
const ADMIN_SUFFIXES: [&str; 9] = [
    " prefecture",
    " province",
    " (provinz)",
    " (präfektur)",
    " (bundesstaat)",
    " (region)",
    " (kanton)",
    "-ken",
    " county",
];

/// The unit name inside an administrative label, if the label names a unit.
pub(crate) fn admin_name(label: &str) -> Option<String> {
    let lower = label.to_lowercase();
    for prefix in ADMIN_PREFIXES {
        if lower.starts_with(prefix) {
            return Some(label.chars().skip(prefix.chars().count()).collect());
        }
    }
    for suffix in ADMIN_SUFFIXES {
        if lower.ends_with(suffix) && lower.len() > suffix.len() {
            let keep = label.chars().count() - suffix.chars().count();
            return Some(label.chars().take(keep).collect());
        }
    }
    None
}

/// Splits `Name (Qualifier)`, `Name, Qualifier` or `Qualifier – Name` (Wikipedia's
/// `Tokyo – Chūō` for a ward).
pub(crate) fn qualifier(label: &str) -> Option<(String, String)> {
    if let Some(open) = label.find(" (")
        && label.ends_with(')')
    {
        return Some((
            label[..open].to_string(),
            label[open + 2..label.len() - 1].to_string(),
        ));
    }
    if let Some((q, name)) = label.split_once(" – ") {
        return Some((name.to_string(), q.to_string()));
    }
    label
        .split_once(", ")
        .map(|(a, b)| (a.to_string(), b.to_string()))
}

/// Matches place labels to GeoNames places and catalog regions.
pub struct Matcher<'a> {
    pub(crate) catalog: &'a Catalog,
    pub(crate) gazetteer: &'a Gazetteer,
    pub(crate) index: HashMap<String, Vec<usize>>,
    pub(crate) unit_regions: BTreeMap<Unit, RegionId>,
    pub(crate) seats: BTreeMap<u32, Vec<RegionId>>,
    pub(crate) admin_keys: Vec<(RegionId, Vec<String>)>,
    /// Keys of the GeoNames places' main and ASCII names.
    main_names: HashSet<String>,
}

impl<'a> Matcher<'a> {
    /// Indexes the gazetteer's names and the catalog's seats and administrative names.
    pub fn new(catalog: &'a Catalog, gazetteer: &'a Gazetteer, units: &UnitMatch) -> Self {
        let mut index: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, city) in gazetteer.cities.iter().enumerate() {
            if matches!(city.feature_code.as_str(), "PPLH" | "PPLQ" | "PPLW") {
                continue;
            }
            let names = [city.name.as_str(), city.ascii.as_str()].into_iter().chain(
                city.alternates.iter().map(String::as_str).filter(|a| {
                    !(a.chars().any(|c| c.is_ascii_digit())
                        || (a.len() <= 4 && a.chars().all(|c| c.is_ascii_uppercase())))
                }),
            );
            for name in names {
                for key in tieup_core::lookup::keys(name) {
                    let list = index.entry(key).or_default();
                    if list.last() != Some(&i) {
                        list.push(i);
                    }
                }
            }
        }
        for list in index.values_mut() {
            list.sort_unstable();
            list.dedup();
        }
        let mut unit_regions = BTreeMap::new();
        for (&region, unit) in &units.units {
            unit_regions.entry(unit.clone()).or_insert(region);
        }
        let mut seats: BTreeMap<u32, Vec<RegionId>> = BTreeMap::new();
        for (position, region) in catalog.regions() {
            if let Some(id) = super::geonames::seat_id(&region.geo_provenance) {
                seats.entry(id).or_default().push(position);
            }
        }
        let admin_keys = catalog
            .regions()
            .filter(|(_, r)| is_administrative(&r.level))
            .map(|(p, r)| {
                let mut keys = super::geonames::name_keys(&r.name);
                for alias in &r.aliases {
                    keys.extend(super::geonames::name_keys(alias));
                }
                (p, keys)
            })
            .collect();
        let main_names = gazetteer
            .cities
            .iter()
            .flat_map(|c| [c.name.as_str(), c.ascii.as_str()])
            .flat_map(tieup_core::lookup::keys)
            .collect();
        Matcher {
            catalog,
            gazetteer,
            index,
            unit_regions,
            seats,
            admin_keys,
            main_names,
        }
    }

    /// The administrative region a label names: after an administrative prefix or suffix
    /// (`Präfektur Nagano`, `Osaka Prefecture`), a region of that name; a bare label
    /// (`Ohio`) only when no GeoNames place has it as its main name. One region or none; in
    /// `country` only, when given.
    pub(crate) fn admin_region(&self, label: &str, country: Option<&str>) -> Option<RegionId> {
        let name = match admin_name(label) {
            Some(name) => name,
            None if tieup_core::lookup::keys(label)
                .iter()
                .any(|k| self.main_names.contains(k)) =>
            {
                return None;
            }
            None => label.to_string(),
        };
        let keys = super::geonames::name_keys(name.trim());
        let found: Vec<RegionId> = self
            .admin_keys
            .iter()
            .filter(|(r, k)| {
                country.is_none_or(|c| self.catalog.region(*r).country == c)
                    && k.iter().any(|x| keys.contains(x))
            })
            .map(|(r, _)| *r)
            .collect();
        match found.as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    }

    /// Whether a GeoNames place is the catalog region itself: the seat of a Japanese area or
    /// of an overseas metro or city region.
    pub(crate) fn is_whole(&self, city: &City, region: RegionId) -> bool {
        let level = self.catalog.region(region).level.as_str();
        matches!(level, "area" | "metro" | "city")
            && self
                .seats
                .get(&city.id)
                .is_some_and(|s| s.contains(&region))
    }

    pub(crate) fn candidates(&self, name: &str) -> Vec<usize> {
        let mut out: Vec<usize> = tieup_core::lookup::keys(name)
            .iter()
            .filter_map(|k| self.index.get(k))
            .flatten()
            .copied()
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    pub(crate) fn pick(&self, mut candidates: Vec<usize>, qualifier: Option<&str>) -> Place {
        if let Some(q) = qualifier {
            let q = tieup_core::lookup::normalize(q);
            let fits: Vec<usize> = candidates
                .iter()
                .copied()
                .filter(|&i| {
                    let city = &self.gazetteer.cities[i];
                    let key = city.admin1_key();
                    let names = [
                        self.gazetteer.admin1_2025.get(&key).map(|n| n.0.as_str()),
                        self.gazetteer.admin1_2024.get(&key).map(|n| n.0.as_str()),
                        self.gazetteer
                            .countries
                            .get(&city.country)
                            .map(|c| c.name.as_str()),
                    ];
                    names
                        .into_iter()
                        .flatten()
                        .any(|n| tieup_core::lookup::normalize(n) == q)
                })
                .collect();
            if !fits.is_empty() {
                candidates = fits;
            }
        }
        match candidates.as_slice() {
            [] => Place::NotFound,
            [one] => Place::City(*one),
            _ => {
                let population = |i: usize| self.gazetteer.cities[i].population;
                candidates
                    .sort_by(|&a, &b| population(b).total_cmp(&population(a)).then(a.cmp(&b)));
                if population(candidates[0]) >= DOMINANCE * population(candidates[1]) {
                    Place::City(candidates[0])
                } else {
                    Place::Ambiguous
                }
            }
        }
    }

    fn resolve(&self, label: &str) -> Place {
        if let Some(region) = self.admin_region(label, None) {
            return Place::Region(region);
        }
        if admin_name(label).is_some() {
            return Place::AdminOutside;
        }
        let direct = self.candidates(label);
        if !direct.is_empty() {
            return self.pick(direct, None);
        }
        match qualifier(label) {
            Some((base, q)) => self.pick(self.candidates(&base), Some(&q)),
            None => Place::NotFound,
        }
    }

    /// The most specific catalog region a GeoNames place lies in.
    pub(crate) fn locate(&self, city: &City) -> Option<RegionId> {
        let catalog = self.catalog;
        let seated = self.seats.get(&city.id).cloned().unwrap_or_default();
        if city.country == "JP" {
            if let Some(&area) = seated.iter().find(|&&r| {
                catalog.region(r).kind == RegionKind::Japan && catalog.region(r).level == "area"
            }) {
                return Some(area);
            }
            return self
                .unit_regions
                .get(&Unit::Admin1(city.admin1_key()))
                .copied();
        }
        let local = |r: RegionId| {
            catalog.region(r).kind == RegionKind::Overseas
                && matches!(catalog.region(r).level.as_str(), "metro" | "city")
        };
        if let Some(&r) = seated.iter().find(|&&r| local(r)) {
            return Some(r);
        }
        let near = catalog
            .regions()
            .map(|(r, _)| r)
            .filter(|&r| local(r) && catalog.region(r).country == city.country)
            .map(|r| {
                (
                    tieup_core::geo::distance_km(
                        city.lat,
                        city.lon,
                        catalog.region(r).lat,
                        catalog.region(r).lon,
                    ),
                    r,
                )
            })
            .filter(|(d, _)| *d <= METRO_RADIUS_KM)
            .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        if let Some((_, r)) = near {
            return Some(r);
        }
        if let Some(&r) = self.unit_regions.get(&Unit::Admin1(city.admin1_key())) {
            return Some(r);
        }
        if let Some(&r) = seated
            .iter()
            .find(|&&r| catalog.region(r).kind == RegionKind::Overseas)
        {
            return Some(r);
        }
        self.unit_regions
            .get(&Unit::Country(city.country.clone()))
            .copied()
    }
}

fn read_pairs(path: &Path, columns: usize) -> Result<Vec<(usize, Vec<String>)>> {
    let mut out = Vec::new();
    for row in crate::tsv::read(path, false)? {
        let fields: Vec<String> = row.fields.iter().map(str::to_string).collect();
        if fields.len() != columns || !fields[0].starts_with('Q') {
            return Err(tieup_core::error::DataError {
                file: path.to_path_buf(),
                line: Some(row.line as u64),
                column: None,
                message: format!(
                    "expected {columns} tab-separated fields starting with a Wikidata id, found '{}'",
                    fields.join("\t").chars().take(40).collect::<String>()
                ),
                fix: "give names.tsv (QID, label) and relations.tsv (QID, QID) unchanged".into(),
            }
            .into());
        }
        out.push((row.line, fields));
    }
    Ok(out)
}

/// One place of the snapshot, resolved.
struct Resolved {
    /// The catalog region it lies in, and whether it is that region itself.
    region: Option<(RegionId, bool)>,
    /// In Japan.
    japanese: bool,
    /// Found (or curated) outside every catalog region.
    outside: bool,
    /// GeoNames or catalog name, for link labels; the source's label when unmatched.
    label: String,
    /// How the label resolved, for the report and the unmatched list.
    why: &'static str,
}

impl Resolved {
    /// A place left outside the catalog, for the reason `why`.
    fn unmatched(label: &str, why: &'static str) -> Self {
        Resolved {
            region: None,
            japanese: false,
            outside: false,
            label: label.to_string(),
            why,
        }
    }
}

/// Resolves one label of the snapshot, counting the outcome.
fn resolve_place(
    matcher: &Matcher<'_>,
    curated: &TwinPlaces,
    qid: &str,
    label: &str,
    report: &mut TwinReport,
) -> Resolved {
    match resolve_curated(matcher.catalog, curated, qid, label) {
        Some(place) => {
            report.curated += 1;
            place
        }
        None => resolve_by_name(matcher, label, report),
    }
}

/// The place `twin_places.csv` gives for `qid` (as a Japanese place first), if any.
fn resolve_curated(
    catalog: &Catalog,
    curated: &TwinPlaces,
    qid: &str,
    label: &str,
) -> Option<Resolved> {
    for japan in [true, false] {
        match curated.get(SOURCE, japan, qid, "", "") {
            Some(Curated::Region(r, whole)) => {
                return Some(Resolved {
                    region: Some((r, whole)),
                    japanese: japan,
                    outside: false,
                    label: if whole {
                        catalog.region(r).name.clone()
                    } else {
                        label.to_string()
                    },
                    why: "curated",
                });
            }
            Some(Curated::Outside) => {
                return Some(Resolved {
                    outside: true,
                    ..Resolved::unmatched(label, "curated outside the catalog")
                });
            }
            None => {}
        }
    }
    None
}

/// Resolves a label by name in the gazetteer and the catalog, counting the outcome.
fn resolve_by_name(matcher: &Matcher<'_>, label: &str, report: &mut TwinReport) -> Resolved {
    let catalog = matcher.catalog;
    match matcher.resolve(label) {
        Place::City(i) => {
            report.matched_city += 1;
            let city = &matcher.gazetteer.cities[i];
            let region = matcher.locate(city);
            Resolved {
                region: region.map(|r| (r, matcher.is_whole(city, r))),
                japanese: city.country == "JP",
                outside: region.is_none(),
                label: city.name.clone(),
                why: "outside the catalog",
            }
        }
        Place::Region(r) => {
            report.matched_admin += 1;
            Resolved {
                region: Some((r, true)),
                japanese: catalog.region(r).kind == RegionKind::Japan,
                outside: false,
                label: catalog.region(r).name.clone(),
                why: "administrative label",
            }
        }
        Place::AdminOutside => {
            report.admin_outside_catalog += 1;
            Resolved::unmatched(label, "administrative label outside the catalog")
        }
        Place::Ambiguous => {
            report.ambiguous += 1;
            // Several places, all Japanese ("Kōchi", "Ōno"): a twin within Japan.
            let candidates = matcher.candidates(label);
            Resolved {
                japanese: !candidates.is_empty()
                    && candidates
                        .iter()
                        .all(|&i| matcher.gazetteer.cities[i].country == "JP"),
                ..Resolved::unmatched(label, "ambiguous name")
            }
        }
        Place::NotFound => {
            report.not_found += 1;
            Resolved::unmatched(label, "not found")
        }
    }
}

/// The undirected relations of `relations.tsv`, each once.
fn relation_pairs(path: &Path) -> Result<BTreeSet<(String, String)>> {
    let mut pairs = BTreeSet::new();
    for (_, fields) in read_pairs(path, 2)? {
        let (a, b) = (fields[0].clone(), fields[1].clone());
        pairs.insert(if a <= b { (a, b) } else { (b, a) });
    }
    Ok(pairs)
}

/// Matches the twin-city files: the links of the relations between a Japanese and an
/// overseas catalog region, the counts, and the relations in scope left unmatched.
pub fn build(
    matcher: &Matcher<'_>,
    curated: &TwinPlaces,
    hints: &Hints,
    names_path: &Path,
    relations_path: &Path,
) -> Result<(Vec<Link>, TwinReport, Vec<crate::twin_sources::Unmatched>)> {
    let mut report = TwinReport::default();
    let places = resolve_places(matcher, curated, names_path, &mut report)?;
    let pairs = relation_pairs(relations_path)?;
    report.relations = pairs.len();
    let mut links = Vec::new();
    let mut unmatched = Vec::new();
    for (a, b) in &pairs {
        let (Some(pa), Some(pb)) = (places.get(a), places.get(b)) else {
            continue;
        };
        if !pa.japanese && !pb.japanese {
            continue;
        }
        report.with_japan += 1;
        if pa.japanese && pb.japanese {
            report.japan_japan += 1;
            continue;
        }
        let (japan, other) = if pa.japanese {
            ((a, pa), (b, pb))
        } else {
            ((b, pb), (a, pa))
        };
        match match_pair(matcher.catalog, hints, japan, other, &mut report) {
            PairMatch::Link(link) => links.push(link),
            PairMatch::Outside => report.outside += 1,
            PairMatch::Unmatched(pair) => unmatched.push(pair),
        }
    }
    let ties = merge(links.iter().cloned());
    report.pairs = ties.len();
    report.japan_regions = ties.iter().map(|t| t.japan).collect::<BTreeSet<_>>().len();
    report.overseas_regions = ties
        .iter()
        .map(|t| t.overseas)
        .collect::<BTreeSet<_>>()
        .len();
    Ok((links, report, unmatched))
}

/// Every place of `names.tsv` by Wikidata id, resolved and counted.
fn resolve_places(
    matcher: &Matcher<'_>,
    curated: &TwinPlaces,
    names_path: &Path,
    report: &mut TwinReport,
) -> Result<BTreeMap<String, Resolved>> {
    let mut places: BTreeMap<String, Resolved> = BTreeMap::new();
    for (_, fields) in read_pairs(names_path, 2)? {
        let place = resolve_place(matcher, curated, &fields[0], &fields[1], report);
        report.japanese += usize::from(place.japanese);
        report.in_catalog += usize::from(place.region.is_some());
        places.insert(fields[0].clone(), place);
    }
    report.places = places.len();
    Ok(places)
}

/// What became of a relation between a Japanese and an overseas place.
enum PairMatch {
    /// Both ends in catalog regions: a link.
    Link(Link),
    /// The overseas place lies outside every catalog region (out of scope).
    Outside,
    /// In scope but unmatched, with the reason.
    Unmatched(crate::twin_sources::Unmatched),
}

/// Matches one relation, its Japanese end and its other end each as (Wikidata id, place);
/// an overseas place unmatched by name may take another source's match ([`Hints`]).
fn match_pair(
    catalog: &Catalog,
    hints: &Hints,
    (japan_id, japan): (&String, &Resolved),
    (other_id, other): (&String, &Resolved),
    report: &mut TwinReport,
) -> PairMatch {
    let overseas = other
        .region
        .filter(|(o, _)| catalog.region(*o).kind == RegionKind::Overseas)
        .map(|(o, whole)| (o, other.label.clone(), whole));
    let mut hinted = || {
        let (j, _) = japan.region?;
        let hint = hints.get(j, &other.label);
        report.hinted += usize::from(hint.is_some());
        hint
    };
    let overseas = match overseas {
        Some(found) => Some(found),
        None if !other.outside => hinted(),
        None => None,
    };
    match (japan.region, overseas) {
        (Some((j, japan_whole)), Some((o, name, overseas_whole))) => {
            report.japan_matched += 1;
            PairMatch::Link(Link {
                japan: j,
                overseas: o,
                label: format!("{} – {name}", japan.label),
                source: SOURCE,
                japan_whole,
                overseas_whole,
                overseas_label: other.label.clone(),
            })
        }
        _ if other.outside => PairMatch::Outside,
        (japan_region, _) => PairMatch::Unmatched(crate::twin_sources::Unmatched {
            source: SOURCE,
            japan: format!("{} ({japan_id})", japan.label),
            overseas: format!("{} ({other_id})", other.label),
            country: String::new(),
            reason: if japan_region.is_none() {
                format!("Japanese place {}", japan.why)
            } else {
                format!("overseas place {}", other.why)
            },
        }),
    }
}

/// Header of `twin_ties.csv`: the pair, its links, examples and sources, then the links by
/// level ([`tieup_core::catalog::TWIN_LEVEL_COLUMNS`]).
pub const TWINS_HEADER: &str = "japan_region,overseas_region,links,examples,sources,whole_whole,whole_part,part_whole,part_part";

/// The derived ties file, in catalog order: `examples` are up to three links, those between
/// the regions themselves and carried by most sources first, each `Kobe – Barcelona
/// (Wikipedia; Wikidata 2016)`; `sources` the source tags of all links, `;`-separated; then
/// the number of links at each level.
pub fn twins_csv(catalog: &Catalog, ties: &[TwinTie]) -> String {
    let mut out = crate::csvout::CsvText::new(TWINS_HEADER);
    for tie in ties {
        let mut order: Vec<&MergedLink> = tie.links.iter().collect();
        order.sort_by(|a, b| {
            level_index(a.japan_whole, a.overseas_whole)
                .cmp(&level_index(b.japan_whole, b.overseas_whole))
                .then(b.sources.len().cmp(&a.sources.len()))
                .then_with(|| a.label.cmp(&b.label))
        });
        let examples: Vec<String> = order
            .iter()
            .take(3)
            .map(|link| {
                let names: Vec<&str> = link.sources.iter().map(|s| source_name(s)).collect();
                format!("{} ({})", link.label, names.join("; "))
            })
            .collect();
        let sources: BTreeSet<&str> = tie
            .links
            .iter()
            .flat_map(|l| l.sources.iter().copied())
            .collect();
        let levels = tie.levels().map(|n| n.to_string());
        out.row(
            [
                catalog.region(tie.japan).id.as_str(),
                catalog.region(tie.overseas).id.as_str(),
                &tie.links.len().to_string(),
                &examples.join("; "),
                &sources.into_iter().collect::<Vec<_>>().join(";"),
            ]
            .into_iter()
            .chain(levels.iter().map(String::as_str)),
        );
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admin_labels_and_qualifiers() {
        assert_eq!(admin_name("Präfektur Nagano").as_deref(), Some("Nagano"));
        assert_eq!(admin_name("Liaoning Province").as_deref(), Some("Liaoning"));
        assert_eq!(admin_name("Nagano"), None);
        assert_eq!(
            qualifier("Springfield (Illinois)"),
            Some(("Springfield".into(), "Illinois".into()))
        );
        assert_eq!(qualifier("Suwa"), None);
    }

    fn city(id: u32, name: &str, cc: &str, admin1: &str, lat: f64, lon: f64, pop: f64) -> City {
        City {
            id,
            name: name.into(),
            ascii: name.into(),
            alternates: vec![],
            lat,
            lon,
            feature_code: "PPL".into(),
            country: cc.into(),
            admin1: admin1.into(),
            population: pop,
            timezone: String::new(),
        }
    }

    /// The fixture catalog (with GeoNames seats for Suwa and Dalian), a six-place gazetteer,
    /// and names and relations files in a temporary directory.
    struct Tiny {
        _dirs: (tempfile::TempDir, tempfile::TempDir),
        catalog: Catalog,
        gazetteer: Gazetteer,
        units: UnitMatch,
        names: std::path::PathBuf,
        relations: std::path::PathBuf,
    }

    fn tiny() -> Tiny {
        // The fixture catalog, with GeoNames seats for Suwa (1) and Dalian (2).
        let fixture =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/mini");
        let dir = tempfile::tempdir().unwrap();
        for entry in std::fs::read_dir(&fixture).unwrap() {
            let entry = entry.unwrap();
            let text = std::fs::read_to_string(entry.path())
                .unwrap()
                .replace(
                    "36.04,138.11,fixture",
                    "36.04,138.11,geonames:cities15000:2025:1 (Suwa)",
                )
                .replace(
                    "121.60,8,zh,fixture",
                    "121.60,8,zh,geonames:cities15000:2025:2 (Dalian)",
                );
            std::fs::write(dir.path().join(entry.file_name()), text).unwrap();
        }
        let catalog = Catalog::load(dir.path()).unwrap();
        let gazetteer = Gazetteer {
            cities: vec![
                city(1, "Suwa", "JP", "26", 36.04, 138.11, 50_000.0),
                city(2, "Dalian", "CN", "19", 38.91, 121.60, 5e6),
                city(3, "Jinzhou", "CN", "19", 38.95, 121.62, 400_000.0),
                city(4, "Springfield", "US", "IL", 39.8, -89.6, 100_000.0),
                city(5, "Springfield", "US", "MA", 42.1, -72.6, 150_000.0),
                city(6, "Nagano", "JP", "26", 36.65, 138.18, 370_000.0),
            ],
            admin1_2024: [(
                "US.IL".to_string(),
                ("Illinois".to_string(), "Illinois".to_string()),
            )]
            .into_iter()
            .collect(),
            ..Gazetteer::default()
        };
        let mut units = UnitMatch::default();
        let nagano = catalog.find_region("nagano").unwrap();
        let texas = catalog.find_region("texas").unwrap();
        units.units.insert(nagano, Unit::Admin1("JP.26".into()));
        units.units.insert(texas, Unit::Admin1("US.IL".into()));
        let tmp = tempfile::tempdir().unwrap();
        let (names, relations) = (tmp.path().join("n.tsv"), tmp.path().join("r.tsv"));
        std::fs::write(
            &names,
            "Q1\tSuwa\nQ2\tDalian\nQ3\tJinzhou\nQ4\tSpringfield (Illinois)\nQ5\tNagano\nQ6\tPräfektur Nagano\nQ7\tAtlantis\nQ8\tSpringfield\n",
        )
        .unwrap();
        std::fs::write(
            &relations,
            "Q1\tQ2\nQ2\tQ1\nQ5\tQ3\nQ6\tQ4\nQ1\tQ7\nQ5\tQ8\nQ1\tQ5\n",
        )
        .unwrap();
        Tiny {
            _dirs: (dir, tmp),
            catalog,
            gazetteer,
            units,
            names,
            relations,
        }
    }

    #[test]
    fn ties_from_a_tiny_gazetteer() {
        let t = tiny();
        let (catalog, gazetteer, units) = (&t.catalog, &t.gazetteer, &t.units);
        let (names, relations) = (&t.names, &t.relations);
        let matcher = Matcher::new(catalog, gazetteer, units);
        let (links, report, unmatched) = build(
            &matcher,
            &TwinPlaces::default(),
            &Hints::default(),
            names,
            relations,
        )
        .unwrap();
        let ties = merge(links);
        let pairs: Vec<(String, String)> = ties
            .iter()
            .map(|t| {
                (
                    catalog.region(t.japan).id.clone(),
                    catalog.region(t.overseas).id.clone(),
                )
            })
            .collect();
        // Suwa–Dalian (seat), Nagano city–Jinzhou (within 30 km of Dalian's seat), the
        // prefecture–Springfield (Illinois, here the fixture's "texas" unit).
        assert_eq!(
            pairs,
            vec![
                ("nagano".to_string(), "dalian".to_string()),
                ("nagano".to_string(), "texas".to_string()),
                ("suwa".to_string(), "dalian".to_string()),
            ]
        );
        assert_eq!(report.relations, 6);
        assert_eq!(report.not_found, 1);
        assert_eq!(
            report.ambiguous, 1,
            "bare Springfield: 150k vs 100k is not dominant"
        );
        assert_eq!(report.japan_japan, 1);
        assert_eq!(report.with_japan, 6);
        assert_eq!(report.japan_matched, 3);
        assert!((report.match_rate() - 0.6).abs() < 1e-12);
        // Levels: Suwa and Dalian are the seats of their regions (whole–whole); Nagano city
        // and Jinzhou lie inside theirs (part–part); the prefecture itself and Springfield
        // (whole–part).
        let levels: Vec<[usize; 4]> = ties.iter().map(TwinTie::levels).collect();
        assert_eq!(levels, vec![[0, 0, 0, 1], [0, 1, 0, 0], [1, 0, 0, 0]]);
        let reasons: Vec<(&str, &str)> = unmatched
            .iter()
            .map(|u| (u.overseas.as_str(), u.reason.as_str()))
            .collect();
        assert_eq!(
            reasons,
            vec![
                ("Atlantis (Q7)", "overseas place not found"),
                ("Springfield (Q8)", "overseas place ambiguous name"),
            ]
        );
    }

    #[test]
    fn curated_places_by_wikidata_id() {
        let t = tiny();
        let matcher = Matcher::new(&t.catalog, &t.gazetteer, &t.units);
        // Atlantis (Q7), not found by name, curated into "texas".
        let curated_path = t.relations.with_file_name("twin_places.csv");
        std::fs::write(
            &curated_path,
            format!(
                "{}\n{SOURCE},overseas,Q7,,,texas,part,a fixture's reason\n",
                crate::twin_places::COLUMNS.join(",")
            ),
        )
        .unwrap();
        let curated = TwinPlaces::load(&curated_path, &t.catalog).unwrap();
        let (links, report, unmatched) = build(
            &matcher,
            &curated,
            &Hints::default(),
            &t.names,
            &t.relations,
        )
        .unwrap();
        assert_eq!(
            (report.japan_matched, report.curated, unmatched.len()),
            (4, 1, 1)
        );
        assert!(
            links
                .iter()
                .any(|l| l.label == "Suwa – Atlantis" && !l.overseas_whole)
        );
    }

    #[test]
    fn qualifiers_in_three_forms() {
        for label in ["Chūō (Tokyo)", "Chūō, Tokyo", "Tokyo – Chūō"] {
            assert_eq!(
                qualifier(label),
                Some(("Chūō".to_string(), "Tokyo".to_string())),
                "{label}"
            );
        }
    }
}
