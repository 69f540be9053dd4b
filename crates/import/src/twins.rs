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

use super::geonames::{City, Gazetteer, Unit, UnitMatch, is_administrative};
use std::collections::{BTreeMap, BTreeSet, HashMap};
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
    /// The linked places, `Japanese – overseas`, sorted, each with the sources that carry it.
    pub links: Vec<(String, BTreeSet<&'static str>)>,
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
}

/// Merges links of every source into ties: one per region pair, each link once with the
/// sources that carry it.
pub fn merge(links: impl IntoIterator<Item = Link>) -> Vec<TwinTie> {
    let mut pairs: BTreeMap<(RegionId, RegionId), BTreeMap<String, BTreeSet<&'static str>>> =
        BTreeMap::new();
    for link in links {
        pairs
            .entry((link.japan, link.overseas))
            .or_default()
            .entry(link.label)
            .or_default()
            .insert(link.source);
    }
    pairs
        .into_iter()
        .map(|((japan, overseas), links)| TwinTie {
            japan,
            overseas,
            links: links.into_iter().collect(),
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
    /// Region pairs with at least one link.
    pub pairs: usize,
    /// Japanese regions with at least one tie.
    pub japan_regions: usize,
    /// Overseas regions with at least one tie.
    pub overseas_regions: usize,
}

impl TwinReport {
    /// Share of relations with a matched Japanese end whose other end is an overseas catalog
    /// region (Japan–Japan relations excluded).
    pub fn match_rate(&self) -> f64 {
        let abroad = self.with_japan - self.japan_japan;
        if abroad == 0 {
            0.0
        } else {
            self.japan_matched as f64 / abroad as f64
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

/// Splits `Name (Qualifier)` or `Name, Qualifier`.
pub(crate) fn qualifier(label: &str) -> Option<(String, String)> {
    if let Some(open) = label.find(" (")
        && label.ends_with(')')
    {
        return Some((
            label[..open].to_string(),
            label[open + 2..label.len() - 1].to_string(),
        ));
    }
    label
        .split_once(", ")
        .map(|(a, b)| (a.to_string(), b.to_string()))
}

/// Matches place labels to GeoNames places and catalog regions.
pub(crate) struct Matcher<'a> {
    pub(crate) catalog: &'a Catalog,
    pub(crate) gazetteer: &'a Gazetteer,
    pub(crate) index: HashMap<String, Vec<usize>>,
    pub(crate) unit_regions: BTreeMap<Unit, RegionId>,
    pub(crate) seats: BTreeMap<u32, Vec<RegionId>>,
    pub(crate) admin_keys: Vec<(RegionId, Vec<String>)>,
}

impl<'a> Matcher<'a> {
    pub(crate) fn new(catalog: &'a Catalog, gazetteer: &'a Gazetteer, units: &UnitMatch) -> Self {
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
        Matcher {
            catalog,
            gazetteer,
            index,
            unit_regions,
            seats,
            admin_keys,
        }
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
        if let Some(name) = admin_name(label) {
            let keys = super::geonames::name_keys(name.trim());
            let found: Vec<RegionId> = self
                .admin_keys
                .iter()
                .filter(|(_, k)| k.iter().any(|x| keys.contains(x)))
                .map(|(p, _)| *p)
                .collect();
            return match found.as_slice() {
                [one] => Place::Region(*one),
                _ => Place::AdminOutside,
            };
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

/// Matches the twin-city files and aggregates the ties.
pub fn build(
    catalog: &Catalog,
    gazetteer: &Gazetteer,
    units: &UnitMatch,
    names_path: &Path,
    relations_path: &Path,
) -> Result<(Vec<Link>, TwinReport)> {
    let matcher = Matcher::new(catalog, gazetteer, units);
    let mut report = TwinReport::default();
    let mut places: BTreeMap<String, (Place, Option<RegionId>, String)> = BTreeMap::new();
    for (_, fields) in read_pairs(names_path, 2)? {
        let place = matcher.resolve(&fields[1]);
        let (region, label) = match place {
            Place::City(i) => {
                report.matched_city += 1;
                let city = &gazetteer.cities[i];
                if city.country == "JP" {
                    report.japanese += 1;
                }
                (matcher.locate(city), city.name.clone())
            }
            Place::Region(r) => {
                report.matched_admin += 1;
                if catalog.region(r).kind == RegionKind::Japan {
                    report.japanese += 1;
                }
                (Some(r), catalog.region(r).name.clone())
            }
            Place::AdminOutside => {
                report.admin_outside_catalog += 1;
                (None, fields[1].clone())
            }
            Place::Ambiguous => {
                report.ambiguous += 1;
                (None, fields[1].clone())
            }
            Place::NotFound => {
                report.not_found += 1;
                (None, fields[1].clone())
            }
        };
        if region.is_some() {
            report.in_catalog += 1;
        }
        places.insert(fields[0].clone(), (place, region, label));
    }
    report.places = places.len();
    let mut pairs: BTreeSet<(String, String)> = BTreeSet::new();
    for (_, fields) in read_pairs(relations_path, 2)? {
        let (a, b) = (fields[0].clone(), fields[1].clone());
        pairs.insert(if a <= b { (a, b) } else { (b, a) });
    }
    report.relations = pairs.len();
    let is_japanese = |place: &Place| match *place {
        Place::City(i) => gazetteer.cities[i].country == "JP",
        Place::Region(r) => catalog.region(r).kind == RegionKind::Japan,
        _ => false,
    };
    let mut links = Vec::new();
    for (a, b) in &pairs {
        let (Some(pa), Some(pb)) = (places.get(a), places.get(b)) else {
            continue;
        };
        let (ja, jb) = (is_japanese(&pa.0), is_japanese(&pb.0));
        if !ja && !jb {
            continue;
        }
        report.with_japan += 1;
        if ja && jb {
            report.japan_japan += 1;
            continue;
        }
        let (japan, other) = if ja { (pa, pb) } else { (pb, pa) };
        let (Some(j), Some(o)) = (japan.1, other.1) else {
            continue;
        };
        if catalog.region(o).kind != RegionKind::Overseas {
            continue;
        }
        report.japan_matched += 1;
        links.push(Link {
            japan: j,
            overseas: o,
            label: format!("{} – {}", japan.2, other.2),
            source: SOURCE,
        });
    }
    let ties = merge(links.iter().cloned());
    report.pairs = ties.len();
    report.japan_regions = ties.iter().map(|t| t.japan).collect::<BTreeSet<_>>().len();
    report.overseas_regions = ties
        .iter()
        .map(|t| t.overseas)
        .collect::<BTreeSet<_>>()
        .len();
    Ok((links, report))
}

/// Header of `twin_ties.csv`.
pub const TWINS_HEADER: &str = "japan_region,overseas_region,links,examples,sources";

/// The derived ties file, in catalog order: `examples` are up to three links, those carried
/// by most sources first, each `Kobe – Barcelona (Wikipedia; Wikidata 2016)`; `sources` the
/// source tags of all links, `;`-separated.
pub fn twins_csv(catalog: &Catalog, ties: &[TwinTie]) -> String {
    let mut out = crate::csvout::CsvText::new(TWINS_HEADER);
    for tie in ties {
        let mut order: Vec<&(String, BTreeSet<&str>)> = tie.links.iter().collect();
        order.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(&b.0)));
        let examples: Vec<String> = order
            .iter()
            .take(3)
            .map(|(label, sources)| {
                let names: Vec<&str> = sources.iter().map(|s| source_name(s)).collect();
                format!("{label} ({})", names.join("; "))
            })
            .collect();
        let sources: BTreeSet<&str> = tie
            .links
            .iter()
            .flat_map(|(_, s)| s.iter().copied())
            .collect();
        out.row([
            catalog.region(tie.japan).id.as_str(),
            catalog.region(tie.overseas).id.as_str(),
            &tie.links.len().to_string(),
            &examples.join("; "),
            &sources.into_iter().collect::<Vec<_>>().join(";"),
        ]);
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

    #[test]
    fn ties_from_a_tiny_gazetteer() {
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
        let (links, report) = build(&catalog, &gazetteer, &units, &names, &relations).unwrap();
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
    }
}
