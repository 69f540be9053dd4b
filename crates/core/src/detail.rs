//! The sentences of the reasons ([`crate::rank::explain`]), written straight into one buffer.
//!
//! An [`Explainer`] is made once per query: it works out the query's parts (the
//! supplemental terms, the Japanese region's and the sector's names) once, then writes each
//! shown candidate's sentences with `fmt::Write` — no intermediate strings, vectors or sorts
//! per fragment, names and provenance notes borrowed from the catalog. The text is the same,
//! byte for byte, as the sentences were before the explainer existed (the golden outputs and
//! the tests of the report check it).

use crate::catalog::{AirAccess, Catalog, RegionId, SectorId, ValueSource};
use crate::features::{Encoder, Feature, Query, SupplementalTerms};
use crate::fixed::Fixed;
use crate::rank::RankedCandidate;
use std::fmt::Write;

/// The per-query part of the explanations of one shortlist.
pub struct Explainer<'e, 'a> {
    encoder: &'e Encoder<'a>,
    query: &'e Query,
    terms: SupplementalTerms,
    japan_name: &'e str,
    sector_name: &'e str,
}

/// The readable name of a trait feature (its schema name with spaces).
fn spaced_name(f: Feature) -> &'static str {
    match f {
        Feature::AdvancedTechnology => "advanced technology",
        Feature::DesignAbility => "design ability",
        Feature::BrandImage => "brand image",
        Feature::Materials => "materials",
        _ => f.name(),
    }
}

/// ` (provenance: note)`, ` (provenance)`, or nothing without a source.
fn write_source(out: &mut String, source: Option<&ValueSource>) {
    match source {
        Some(s) if s.note.is_empty() => {
            let _ = write!(out, " ({})", s.provenance);
        }
        Some(s) => {
            let _ = write!(out, " ({}: {})", s.provenance, s.note);
        }
        None => {}
    }
}

/// "0.42 in Medical devices (statistics:...)", following the strength's missing-value rule.
fn write_strength(out: &mut String, catalog: &Catalog, region: RegionId, sector: SectorId) {
    let value = catalog.strength(region, sector);
    let info = catalog.sectors().get(sector);
    if let Some((_, source)) = catalog.strength_source(region, sector) {
        let _ = write!(out, "{value} in {}", info.name, value = Fixed(value, 2));
        write_source(out, Some(source));
        return;
    }
    if !info.children.is_empty() {
        let best = info
            .children
            .iter()
            .copied()
            .filter(|&c| catalog.strength_source(region, c).is_some())
            .max_by(|&a, &b| {
                catalog
                    .strength(region, a)
                    .total_cmp(&catalog.strength(region, b))
                    .then(b.cmp(&a))
            });
        if let Some(c) = best {
            let _ = write!(
                out,
                "{value} in {} via ",
                info.name,
                value = Fixed(value, 2)
            );
            write_strength(out, catalog, region, c);
            return;
        }
    }
    if let Some(inherited) = catalog.inheritance(region, sector) {
        let share = inherited.share_in_words();
        let _ = write!(
            out,
            "{value} in {} ({share} of ",
            info.name,
            value = Fixed(value, 2)
        );
        write_strength(out, catalog, region, inherited.from);
        out.push(')');
        return;
    }
    let _ = write!(
        out,
        "{value} in {} (no notable cluster)",
        info.name,
        value = Fixed(value, 2)
    );
}

impl<'e, 'a> Explainer<'e, 'a> {
    /// The explainer of `query`'s candidates.
    pub fn new(encoder: &'e Encoder<'a>, query: &'e Query) -> Self {
        let catalog: &'e Catalog = encoder.catalog();
        Explainer {
            encoder,
            query,
            terms: encoder.supplemental_terms(query),
            japan_name: &catalog.region(query.japan_region).name,
            sector_name: &catalog.sectors().get(query.sector).name,
        }
    }

    fn catalog(&self) -> &'e Catalog {
        self.encoder.catalog()
    }

    /// Appends the sentence for one feature of a candidate; each arm reads the encoder
    /// function that computed the value.
    pub fn write_detail(&self, out: &mut String, candidate: &RankedCandidate, f: Feature) {
        let catalog = self.catalog();
        let (query, c) = (self.query, candidate.region);
        let x = candidate.features[f.index()];
        match f {
            Feature::SameAreaCluster => {
                out.push_str("strength ");
                write_strength(out, catalog, c, query.sector);
            }
            Feature::ClusterSimilarity => self.write_similarity(out, c, x),
            Feature::SupplementalCluster => self.write_supplemental(out, c),
            Feature::AdvancedTechnology | Feature::DesignAbility | Feature::BrandImage => {
                let t = f.catalog_trait().unwrap_or(0);
                let _ = write!(
                    out,
                    "{} {}",
                    spaced_name(f),
                    Fixed(catalog.trait_value(c, t), 2)
                );
                write_source(out, catalog.trait_source(c, t));
                let _ = write!(
                    out,
                    " × strength {} in {} (the trait counts where the region has the cluster)",
                    Fixed(self.encoder.sector_presence(query, c), 2),
                    self.sector_name
                );
            }
            Feature::Materials => {
                let _ = write!(out, "{} {x}", spaced_name(f), x = Fixed(x, 2));
                write_source(
                    out,
                    f.catalog_trait().and_then(|t| catalog.trait_source(c, t)),
                );
            }
            Feature::JapanTechDemand => {
                let (demand, strength) = self.encoder.demand_parts(query, c);
                let _ = write!(
                    out,
                    "demand for Japanese technology {demand}",
                    demand = Fixed(demand, 2)
                );
                write_source(
                    out,
                    f.catalog_trait().and_then(|t| catalog.trait_source(c, t)),
                );
                let _ = write!(
                    out,
                    " × {}'s strength {strength} in {}",
                    self.japan_name,
                    self.sector_name,
                    strength = Fixed(strength, 2)
                );
            }
            Feature::ExistingExchange => self.write_exchange(out, c),
            Feature::CommunicationCost => self.write_communication(out, c),
        }
    }

    fn write_communication(&self, out: &mut String, c: RegionId) {
        let catalog = self.catalog();
        let japan = self.query.japan_region;
        let cost = catalog.communication_cost(japan, c);
        let region = catalog.region(c);
        let _ = write!(out, "communication cost {}: ", Fixed(cost.total, 2));
        match catalog.air_access(japan, c) {
            Some(access) => write_access(out, access),
            None => {
                let _ = write!(out, "{} km", Fixed(cost.distance_km, 0));
            }
        }
        let _ = write!(
            out,
            ", {} h time difference, languages ",
            cost.time_gap_hours
        );
        for (i, language) in region.languages.iter().enumerate() {
            if i > 0 {
                out.push('/');
            }
            out.push_str(language);
        }
        match catalog.japanese_residents(&region.country) {
            Some(Some(n)) => {
                let _ = write!(
                    out,
                    ", {n} Japanese residents in the country (MOFA 2025)",
                    n = Fixed(n, 0)
                );
            }
            Some(None) => out.push_str(", Japanese residents not counted (MOFA 2025)"),
            None => {}
        }
    }

    fn write_similarity(&self, out: &mut String, c: RegionId, x: f64) {
        let catalog = self.catalog();
        let japan = self.query.japan_region;
        // The three largest shared strengths (value descending, then sector), kept in place
        // of sorting every shared sector.
        let mut top: [Option<(f64, SectorId)>; 3] = [None; 3];
        for &s in self.encoder.leaves() {
            let v = catalog.strength(c, s).min(catalog.strength(japan, s));
            if v <= 0.0 || v.is_nan() {
                continue;
            }
            let better = |t: &Option<(f64, SectorId)>| {
                t.is_none_or(|(tv, ts)| v.total_cmp(&tv).then(ts.cmp(&s)).is_gt())
            };
            if let Some(at) = top.iter().position(better) {
                top[at..].rotate_right(1);
                top[at] = Some((v, s));
            }
        }
        let _ = write!(
            out,
            "sector profile similarity {x} with {} (",
            self.japan_name,
            x = Fixed(x, 2)
        );
        let mean = self.encoder.mean_similarity();
        let _ = match self.encoder.measured_cosine(japan, c) {
            Some((cosine, n)) => write!(
                out,
                "cosine {cosine} over {n} sectors both have statistics for, shrunk toward the mean {mean}",
                cosine = Fixed(cosine, 2),
                mean = Fixed(mean, 2)
            ),
            None => write!(
                out,
                "no sector measured for both, so the catalog's mean {mean}",
                mean = Fixed(mean, 2)
            ),
        };
        out.push_str("); shared strengths: ");
        if top[0].is_none() {
            out.push_str("none");
        }
        for (i, (_, s)) in top.iter().flatten().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(&catalog.sectors().get(*s).name);
        }
    }

    fn write_supplemental(&self, out: &mut String, c: RegionId) {
        let catalog = self.catalog();
        let query = self.query;
        let Some((v, q)) = self.terms.best(catalog, c) else {
            out.push_str("no complementary sector");
            return;
        };
        let _ = write!(
            out,
            "complementary strength {v}: {} {}, related to {} at {}",
            catalog.sectors().get(q).name,
            Fixed(catalog.strength(c, q), 2),
            self.sector_name,
            Fixed(catalog.relatedness(query.sector, q), 2),
            v = Fixed(v, 2)
        );
        write_relatedness_source(out, catalog, query.sector, q);
        let _ = write!(
            out,
            ", where {} is {}",
            self.japan_name,
            Fixed(catalog.strength(query.japan_region, q), 2)
        );
    }

    fn write_exchange(&self, out: &mut String, c: RegionId) {
        let catalog = self.catalog();
        let twin = self.encoder.twin_exchange(self.query, c);
        match (self.encoder.exchange(self.query, c), twin) {
            (Some((v, _)), Some(tie)) if v < tie.value => write_twin(out, catalog, &tie),
            (None, Some(tie)) => write_twin(out, catalog, &tie),
            // In words, not by its id: "the Nagasaki–Sichuan environment partnership, FY1997-1999".
            (Some((v, p)), _) => {
                let _ = write!(
                    out,
                    "tie {v} through the {}-{}",
                    crate::plain::partnership_words(catalog, p, crate::plain::Lang::En),
                    p.end_fy,
                    v = Fixed(v, 2)
                );
            }
            (None, None) => out.push_str("no past exchange"),
        }
    }
}

/// Where a relatedness value comes from: ` (statistics:...)`, ` (curated)`, or, for the
/// sibling default or a survey sector's derived value, nothing.
fn write_relatedness_source(out: &mut String, catalog: &Catalog, a: SectorId, b: SectorId) {
    let value = catalog.relatedness(a, b);
    let source = std::iter::once(a)
        .chain(catalog.sectors().get(a).children.iter().copied())
        .find_map(|x| {
            catalog
                .relatedness_source(x, b)
                .filter(|_| catalog.relatedness(x, b) == value)
        });
    if let Some(p) = source {
        let _ = write!(out, " ({p})");
    }
}

/// "about 12 h door to door, direct flights Kansai – Frankfurt am Main in the 2014 network".
fn write_access(out: &mut String, a: &AirAccess) {
    let _ = write!(out, "about {} h door to door, ", Fixed(a.hours, 0));
    if a.connections == 0 {
        out.push_str("direct flights ");
    }
    let _ = write!(out, "{} – {}", a.japan_airport, a.overseas_airport);
    match (a.connections, &a.via) {
        (0, _) => {}
        (_, Some(via)) => {
            let _ = write!(out, ", one connection via {via}");
        }
        _ => out.push_str(", two or more connections"),
    }
    out.push_str(" in the 2014 network");
}

/// "tie 0.51 through 3 twin-city links, 2 between Hyogo and Washington: sister cities ...".
fn write_twin(out: &mut String, catalog: &Catalog, twin: &crate::features::TwinExchange<'_>) {
    let tie = twin.strongest;
    let _ = write!(
        out,
        "tie {} through {} twin-city link{}",
        Fixed(twin.value, 2),
        twin.links,
        if twin.links == 1 { "" } else { "s" },
    );
    if twin.links != tie.links {
        let _ = write!(out, ", {}", tie.links);
    }
    let _ = write!(
        out,
        " between {} and {}: sister cities {}",
        catalog.region(tie.japan_region).name,
        catalog.region(tie.overseas_region).name,
        tie.examples
    );
    // Merged files name each example's sources ("Kobe – Barcelona (Wikipedia)"); older
    // files name the one source of the pair.
    if !tie.examples.ends_with(')') {
        let _ = write!(out, " ({})", tie.sources);
    }
}
