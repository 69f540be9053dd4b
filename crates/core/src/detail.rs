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
use crate::fixed::{push_display, push_fixed, push_uint};
use crate::rank::RankedCandidate;

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
    if let Some(s) = source {
        out.push_str(" (");
        s.provenance.push_to(out);
        if !s.note.is_empty() {
            out.push_str(": ");
            out.push_str(&s.note);
        }
        out.push(')');
    }
}

/// `value in Sector`, the start of every strength sentence.
fn push_value_in(out: &mut String, value: f64, sector: &str) {
    push_fixed(out, value, 2);
    out.push_str(" in ");
    out.push_str(sector);
}

/// "0.42 in Medical devices (statistics:...)", following the strength's missing-value rule.
fn write_strength(out: &mut String, catalog: &Catalog, region: RegionId, sector: SectorId) {
    let value = catalog.strength(region, sector);
    let info = catalog.sectors().get(sector);
    if let Some((_, source)) = catalog.strength_source(region, sector) {
        push_value_in(out, value, &info.name);
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
            push_value_in(out, value, &info.name);
            out.push_str(" via ");
            write_strength(out, catalog, region, c);
            return;
        }
    }
    if let Some(inherited) = catalog.inheritance(region, sector) {
        push_value_in(out, value, &info.name);
        out.push_str(" (");
        out.push_str(inherited.share_in_words());
        out.push_str(" of ");
        write_strength(out, catalog, region, inherited.from);
        out.push(')');
        return;
    }
    push_value_in(out, value, &info.name);
    out.push_str(" (no notable cluster)");
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

    /// The catalog the explanations read.
    pub fn catalog(&self) -> &'e Catalog {
        self.encoder.catalog()
    }

    /// The query explained.
    pub fn query(&self) -> &'e Query {
        self.query
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
                out.push_str(spaced_name(f));
                out.push(' ');
                push_fixed(out, catalog.trait_value(c, t), 2);
                write_source(out, catalog.trait_source(c, t));
                out.push_str(" × strength ");
                push_value_in(
                    out,
                    self.encoder.sector_presence(query, c),
                    self.sector_name,
                );
                out.push_str(" (the trait counts where the region has the cluster)");
                let weight = self.encoder.technology_weight(f, query);
                if weight < 1.0 {
                    let technology = &catalog.sectors().get(query.sector).technology;
                    out.push_str(" × ");
                    push_fixed(out, weight, 2);
                    out.push_str(" (technology intensity: ");
                    out.push_str(technology.class.label());
                    out.push_str(", ISIC ");
                    out.push_str(&technology.isic);
                    out.push_str(", Eurostat)");
                }
            }
            Feature::Materials => {
                out.push_str(spaced_name(f));
                out.push(' ');
                push_fixed(out, x, 2);
                write_source(
                    out,
                    f.catalog_trait().and_then(|t| catalog.trait_source(c, t)),
                );
            }
            Feature::JapanTechDemand => {
                let (demand, strength) = self.encoder.demand_parts(query, c);
                out.push_str("demand for Japanese technology ");
                push_fixed(out, demand, 2);
                write_source(
                    out,
                    f.catalog_trait().and_then(|t| catalog.trait_source(c, t)),
                );
                out.push_str(" × ");
                out.push_str(self.japan_name);
                out.push_str("'s strength ");
                push_value_in(out, strength, self.sector_name);
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
        out.push_str("communication cost ");
        push_fixed(out, cost.total, 2);
        out.push_str(": ");
        match catalog.air_access(japan, c) {
            Some(access) => write_access(out, access),
            None => {
                push_fixed(out, cost.distance_km, 0);
                out.push_str(" km");
            }
        }
        out.push_str(", ");
        push_display(out, cost.time_gap_hours);
        out.push_str(" h time difference, languages ");
        for (i, language) in region.languages.iter().enumerate() {
            if i > 0 {
                out.push('/');
            }
            out.push_str(language);
        }
        match catalog.japanese_residents(&region.country) {
            Some(Some(n)) => {
                out.push_str(", ");
                push_fixed(out, n, 0);
                out.push_str(" Japanese residents in the country (MOFA 2025)");
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
        let (ours, theirs) = (catalog.strength_row(c), catalog.strength_row(japan));
        for &s in self.encoder.leaves() {
            let v = ours[s.index()].min(theirs[s.index()]);
            if v <= 0.0 || v.is_nan() {
                continue;
            }
            let better = |t: &Option<(f64, SectorId)>| {
                t.is_none_or(|(tv, ts)| v.total_cmp(&tv).then(ts.cmp(&s)).is_gt())
            };
            if let Some(at) = top.iter().position(better) {
                // Shift the worse ones down by hand (three slots: cheaper than a rotation).
                let mut carry = Some((v, s));
                for slot in &mut top[at..] {
                    carry = std::mem::replace(slot, carry);
                }
            }
        }
        out.push_str("sector profile similarity ");
        push_fixed(out, x, 2);
        out.push_str(" with ");
        out.push_str(self.japan_name);
        out.push_str(" (");
        match self.encoder.measured_cosine(japan, c) {
            Some((cosine, n)) => {
                out.push_str("cosine ");
                push_fixed(out, cosine, 2);
                out.push_str(" over ");
                push_uint(out, n as u64);
                out.push_str(" sectors both have statistics for, shrunk toward the mean ");
            }
            None => out.push_str("no sector measured for both, so the catalog's mean "),
        }
        push_fixed(out, self.encoder.mean_similarity(), 2);
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
        out.push_str("complementary strength ");
        push_fixed(out, v, 2);
        out.push_str(": ");
        out.push_str(&catalog.sectors().get(q).name);
        out.push(' ');
        push_fixed(out, catalog.strength(c, q), 2);
        out.push_str(", related to ");
        out.push_str(self.sector_name);
        out.push_str(" at ");
        push_fixed(out, catalog.relatedness(query.sector, q), 2);
        write_relatedness_source(out, catalog, query.sector, q);
        out.push_str(", where ");
        out.push_str(self.japan_name);
        out.push_str(" is ");
        push_fixed(out, catalog.strength(query.japan_region, q), 2);
    }

    fn write_exchange(&self, out: &mut String, c: RegionId) {
        let catalog = self.catalog();
        let twin = self.encoder.twin_exchange(self.query, c);
        match (self.encoder.exchange(self.query, c), twin) {
            (Some((v, _)), Some(tie)) if v < tie.value => write_twin(out, catalog, &tie),
            (None, Some(tie)) => write_twin(out, catalog, &tie),
            // In words, not by its id: "the Nagasaki–Sichuan environment partnership, FY1997-1999".
            (Some((v, p)), _) => {
                out.push_str("tie ");
                push_fixed(out, v, 2);
                out.push_str(" through the ");
                out.push_str(&crate::plain::partnership_words(
                    catalog,
                    p,
                    crate::plain::Lang::En,
                ));
                out.push('-');
                push_uint(out, u64::from(p.end_fy));
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
        out.push_str(" (");
        p.push_to(out);
        out.push(')');
    }
}

/// "about 12 h door to door, direct flights Kansai – Frankfurt am Main in the 2014 network".
fn write_access(out: &mut String, a: &AirAccess) {
    out.push_str("about ");
    push_fixed(out, a.hours, 0);
    out.push_str(" h door to door, ");
    if a.connections == 0 {
        out.push_str("direct flights ");
    }
    out.push_str(&a.japan_airport);
    out.push_str(" – ");
    out.push_str(&a.overseas_airport);
    match (a.connections, &a.via) {
        (0, _) => {}
        (_, Some(via)) => {
            out.push_str(", one connection via ");
            out.push_str(via);
        }
        _ => out.push_str(", two or more connections"),
    }
    out.push_str(" in the 2014 network");
}

/// "tie 0.51 through 3 twin-city links, 2 between Hyogo and Washington: sister cities ...".
fn write_twin(out: &mut String, catalog: &Catalog, twin: &crate::features::TwinExchange<'_>) {
    let tie = twin.strongest;
    out.push_str("tie ");
    push_fixed(out, twin.value, 2);
    out.push_str(" through ");
    push_uint(out, u64::from(twin.links));
    out.push_str(if twin.links == 1 {
        " twin-city link"
    } else {
        " twin-city links"
    });
    if twin.links != tie.links {
        out.push_str(", ");
        push_uint(out, u64::from(tie.links));
    }
    out.push_str(" between ");
    out.push_str(&catalog.region(tie.japan_region).name);
    out.push_str(" and ");
    out.push_str(&catalog.region(tie.overseas_region).name);
    out.push_str(": sister cities ");
    out.push_str(&tie.examples);
    // Merged files name each example's sources ("Kobe – Barcelona (Wikipedia)"); older
    // files name the one source of the pair.
    if !tie.examples.ends_with(')') {
        out.push_str(" (");
        out.push_str(&tie.sources);
        out.push(')');
    }
}
