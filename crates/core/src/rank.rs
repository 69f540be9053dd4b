//! Scoring and ranking the candidates of one query, and explaining each rank.
//!
//! Ranking sorts by score (descending), then by region id, so ties break on a stable key and
//! the same inputs give the same order.

use crate::catalog::{Catalog, RegionId, SectorId};
use crate::error::Result;
use crate::features::{Encoder, Feature, N_FEATURES, Query};
use crate::model::LinearModel;
use crate::select::{Member, Row, Selection};
use std::cmp::Ordering;

/// One ranked candidate.
#[derive(Debug, Clone, PartialEq)]
pub struct RankedCandidate {
    /// 1-based rank.
    pub rank: usize,
    /// The overseas region.
    pub region: RegionId,
    /// Sum of the contributions.
    pub score: f64,
    /// Raw feature values, schema order.
    pub features: [f64; N_FEATURES],
    /// Weight × (scaled) feature value, schema order; they add up to `score`.
    pub contributions: [f64; N_FEATURES],
    /// Other members of its place named in its row (empty when expanded).
    pub also: Vec<Member>,
}

/// The ranked answer to a query.
#[derive(Debug, Clone, PartialEq)]
pub struct Shortlist {
    /// The query.
    pub query: Query,
    /// The weights used, in raw feature units (after wanted-trait boosts and scaling).
    pub weights: [f64; N_FEATURES],
    /// How many candidates were scored.
    pub n_candidates: usize,
    /// The filters and grouping applied after scoring.
    pub selection: Selection,
    /// How many candidates passed the filters.
    pub n_eligible: usize,
    /// The top candidates (one per row), best first.
    pub candidates: Vec<RankedCandidate>,
}

/// Score and contributions of one raw feature row under raw-unit `weights`
/// ([`LinearModel::weights_for`]). The score is the sum of the contributions in schema order;
/// the batch kernel computes the same sum in the same order, so both agree to the bit.
pub fn score_row(
    weights: &[f64; N_FEATURES],
    features: &[f64; N_FEATURES],
) -> (f64, [f64; N_FEATURES]) {
    let contributions: [f64; N_FEATURES] = std::array::from_fn(|f| weights[f] * features[f]);
    let mut score = 0.0;
    for c in contributions {
        score += c;
    }
    (score, contributions)
}

/// Orders candidates: higher score first, then smaller region id.
pub fn compare(catalog: &Catalog, a: (f64, RegionId), b: (f64, RegionId)) -> Ordering {
    b.0.total_cmp(&a.0)
        .then_with(|| catalog.region(a.1).id.cmp(&catalog.region(b.1).id))
}

/// Ranks every overseas candidate for `query` and keeps the best `top_k`, every region in
/// its own row (no grouping, no filter: [`Selection::expanded`]).
pub fn shortlist(
    encoder: &Encoder<'_>,
    model: &LinearModel,
    query: &Query,
    top_k: usize,
) -> Result<Shortlist> {
    shortlist_selected(encoder, model, query, &Selection::expanded(), top_k)
}

/// Ranks every overseas candidate for `query` and keeps `top_k` rows chosen by `selection`
/// (the reference path: every candidate encoded, sorted, then [`Selection::walk`]).
pub fn shortlist_selected(
    encoder: &Encoder<'_>,
    model: &LinearModel,
    query: &Query,
    selection: &Selection,
    top_k: usize,
) -> Result<Shortlist> {
    encoder.check(query)?;
    let catalog = encoder.catalog();
    let weights = model.weights_for(catalog.sectors(), query);
    let mut scored: Vec<(f64, RegionId)> = catalog
        .candidate_ids()
        .map(|candidate| {
            let features = encoder.encode_one(query, candidate);
            (score_row(&weights, &features).0, candidate)
        })
        .collect();
    let n_candidates = scored.len();
    scored.sort_by(|a, b| compare(catalog, *a, *b));
    let rows = selection.walk(catalog, scored, top_k);
    Ok(Shortlist {
        query: query.clone(),
        weights,
        n_candidates,
        selection: selection.clone(),
        n_eligible: selection.n_eligible(catalog),
        candidates: explain_rows(encoder, query, &weights, rows),
    })
}

/// The ranked candidates of selected rows: features and contributions encoded again for
/// the rows shown (the same values, so the same score to the bit).
pub fn explain_rows(
    encoder: &Encoder<'_>,
    query: &Query,
    weights: &[f64; N_FEATURES],
    rows: Vec<Row>,
) -> Vec<RankedCandidate> {
    rows.into_iter()
        .enumerate()
        .map(|(i, row)| {
            let features = encoder.encode_one(query, row.region);
            let (score, contributions) = score_row(weights, &features);
            debug_assert_eq!(score.to_bits(), row.score.to_bits());
            RankedCandidate {
                rank: i + 1,
                region: row.region,
                score,
                features,
                contributions,
                also: row.also,
            }
        })
        .collect()
}

/// Why one feature moved a candidate's score.
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    /// The feature.
    pub feature: Feature,
    /// Its contribution to the score.
    pub contribution: f64,
    /// A sentence a committee can read.
    pub detail: String,
}

/// Explains a candidate: one reason per feature with a non-zero contribution, largest
/// absolute contribution first (ties by schema order).
pub fn explain(encoder: &Encoder<'_>, query: &Query, candidate: &RankedCandidate) -> Vec<Reason> {
    let mut reasons: Vec<Reason> = Feature::ALL
        .into_iter()
        .filter(|f| candidate.contributions[f.index()] != 0.0)
        .map(|f| Reason {
            feature: f,
            contribution: candidate.contributions[f.index()],
            detail: detail(encoder, query, candidate, f),
        })
        .collect();
    reasons.sort_by(|a, b| {
        b.contribution
            .abs()
            .total_cmp(&a.contribution.abs())
            .then(a.feature.cmp(&b.feature))
    });
    reasons
}

fn source_text(source: Option<&crate::catalog::ValueSource>) -> String {
    match source {
        Some(s) if s.note.is_empty() => format!(" ({})", s.provenance),
        Some(s) => format!(" ({}: {})", s.provenance, s.note),
        None => String::new(),
    }
}

fn strength_text(catalog: &Catalog, region: RegionId, sector: SectorId) -> String {
    let value = catalog.strength(region, sector);
    let info = catalog.sectors().get(sector);
    if let Some((_, source)) = catalog.strength_source(region, sector) {
        return format!("{value:.2} in {}{}", info.name, source_text(Some(source)));
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
            return format!(
                "{value:.2} in {} via {}",
                info.name,
                strength_text(catalog, region, c)
            );
        }
    }
    if let Some(parent) = info.parent
        && catalog.strength_source(region, parent).is_some()
    {
        return format!(
            "{value:.2} in {} (half of {})",
            info.name,
            strength_text(catalog, region, parent)
        );
    }
    format!("{value:.2} in {} (no notable cluster)", info.name)
}

/// The sentence for one feature of a candidate; each arm reads the encoder function that
/// computed the value.
fn detail(encoder: &Encoder<'_>, query: &Query, candidate: &RankedCandidate, f: Feature) -> String {
    let catalog = encoder.catalog();
    let c = candidate.region;
    let x = candidate.features[f.index()];
    match f {
        Feature::SameAreaCluster => format!("strength {}", strength_text(catalog, c, query.sector)),
        Feature::ClusterSimilarity => similarity_text(encoder, query, c, x),
        Feature::SupplementalCluster => supplemental_text(encoder, query, c),
        Feature::AdvancedTechnology | Feature::DesignAbility | Feature::BrandImage => {
            let t = f.catalog_trait().unwrap_or(0);
            format!(
                "{} {:.2}{} × strength {:.2} in {} (the trait counts where the region has the cluster)",
                f.name().replace('_', " "),
                catalog.trait_value(c, t),
                source_text(catalog.trait_source(c, t)),
                encoder.sector_presence(query, c),
                catalog.sectors().get(query.sector).name,
            )
        }
        Feature::Materials => format!(
            "{} {x:.2}{}",
            f.name().replace('_', " "),
            source_text(f.catalog_trait().and_then(|t| catalog.trait_source(c, t)))
        ),
        Feature::JapanTechDemand => {
            let (demand, strength) = encoder.demand_parts(query, c);
            format!(
                "demand for Japanese technology {demand:.2}{} × {}'s strength {strength:.2} in {}",
                source_text(f.catalog_trait().and_then(|t| catalog.trait_source(c, t))),
                catalog.region(query.japan_region).name,
                catalog.sectors().get(query.sector).name
            )
        }
        Feature::ExistingExchange => exchange_text(encoder, query, c),
        Feature::CommunicationCost => {
            let access = catalog.air_access(query.japan_region, c);
            let cost = catalog.communication_cost(query.japan_region, c);
            let presence = match catalog.japanese_residents(&catalog.region(c).country) {
                Some(Some(n)) => format!(", {n:.0} Japanese residents in the country (MOFA 2025)"),
                Some(None) => ", Japanese residents not counted (MOFA 2025)".to_string(),
                None => String::new(),
            };
            format!(
                "communication cost {:.2}: {}, {} h time difference, languages {}{presence}",
                cost.total,
                access.map_or_else(|| format!("{:.0} km", cost.distance_km), access_text),
                cost.time_gap_hours,
                catalog.region(c).languages.join("/")
            )
        }
    }
}

fn similarity_text(encoder: &Encoder<'_>, query: &Query, c: RegionId, x: f64) -> String {
    let catalog = encoder.catalog();
    let mut shared: Vec<(f64, SectorId)> = catalog
        .sectors()
        .leaves()
        .into_iter()
        .map(|s| {
            (
                catalog
                    .strength(c, s)
                    .min(catalog.strength(query.japan_region, s)),
                s,
            )
        })
        .filter(|(v, _)| *v > 0.0)
        .collect();
    shared.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let names: Vec<&str> = shared
        .iter()
        .take(3)
        .map(|(_, s)| catalog.sectors().get(*s).name.as_str())
        .collect();
    let basis = match encoder.measured_cosine(query.japan_region, c) {
        Some((cosine, n)) => format!(
            "cosine {cosine:.2} over {n} sectors both have statistics for, shrunk toward the mean {:.2}",
            encoder.mean_similarity()
        ),
        None => format!(
            "no sector measured for both, so the catalog's mean {:.2}",
            encoder.mean_similarity()
        ),
    };
    format!(
        "sector profile similarity {x:.2} with {} ({basis}); shared strengths: {}",
        catalog.region(query.japan_region).name,
        if names.is_empty() {
            "none".to_string()
        } else {
            names.join(", ")
        }
    )
}

fn supplemental_text(encoder: &Encoder<'_>, query: &Query, c: RegionId) -> String {
    let catalog = encoder.catalog();
    match encoder.supplemental(query, c) {
        Some((v, q)) => format!(
            "complementary strength {v:.2}: {} {:.2}, related to {} at {:.2}{}, where {} is {:.2}",
            catalog.sectors().get(q).name,
            catalog.strength(c, q),
            catalog.sectors().get(query.sector).name,
            catalog.relatedness(query.sector, q),
            relatedness_source(catalog, query.sector, q),
            catalog.region(query.japan_region).name,
            catalog.strength(query.japan_region, q)
        ),
        None => "no complementary sector".into(),
    }
}

fn exchange_text(encoder: &Encoder<'_>, query: &Query, c: RegionId) -> String {
    let catalog = encoder.catalog();
    let twin = encoder.twin_exchange(query, c);
    match (encoder.exchange(query, c), twin) {
        (Some((v, _)), Some(tie)) if v < tie.value => twin_text(catalog, &tie),
        (None, Some(tie)) => twin_text(catalog, &tie),
        // In words, not by its id: "the Nagasaki–Sichuan environment partnership, FY1997-1999".
        (Some((v, p)), _) => format!(
            "tie {v:.2} through the {}-{}",
            crate::plain::partnership_words(catalog, p, crate::plain::Lang::En),
            p.end_fy
        ),
        (None, None) => "no past exchange".into(),
    }
}

/// Where a relatedness value comes from: ` (statistics:...)`, ` (curated)`, or, for the
/// sibling default or a survey sector's derived value, nothing.
fn relatedness_source(catalog: &Catalog, a: SectorId, b: SectorId) -> String {
    let sources = |s: SectorId| -> Vec<SectorId> {
        let info = catalog.sectors().get(s);
        std::iter::once(s)
            .chain(info.children.iter().copied())
            .collect()
    };
    let value = catalog.relatedness(a, b);
    sources(a)
        .into_iter()
        .find_map(|x| {
            catalog
                .relatedness_source(x, b)
                .filter(|_| catalog.relatedness(x, b) == value)
        })
        .map_or(String::new(), |p| format!(" ({p})"))
}

/// "about 12 h door to door, direct flights Kansai – Frankfurt am Main in the 2014 network".
fn access_text(a: &crate::catalog::AirAccess) -> String {
    let route = match (a.connections, &a.via) {
        (0, _) => format!(
            "direct flights {} – {}",
            a.japan_airport, a.overseas_airport
        ),
        (_, Some(via)) => format!(
            "{} – {}, one connection via {via}",
            a.japan_airport, a.overseas_airport
        ),
        _ => format!(
            "{} – {}, two or more connections",
            a.japan_airport, a.overseas_airport
        ),
    };
    format!(
        "about {:.0} h door to door, {route} in the 2014 network",
        a.hours
    )
}

fn twin_text(catalog: &Catalog, twin: &crate::features::TwinExchange<'_>) -> String {
    // Merged files name each example's sources ("Kobe – Barcelona (Wikipedia)"); older
    // files name the one source of the pair.
    let tie = twin.strongest;
    let sources = if tie.examples.ends_with(')') {
        String::new()
    } else {
        format!(" ({})", tie.sources)
    };
    // "tie 0.51 through 3 twin-city links, 2 between Hyogo and Washington: sister cities ...".
    let of_pair = if twin.links == tie.links {
        String::new()
    } else {
        format!(", {}", tie.links)
    };
    format!(
        "tie {:.2} through {} twin-city link{}{of_pair} between {} and {}: sister cities {}{}",
        twin.value,
        twin.links,
        if twin.links == 1 { "" } else { "s" },
        catalog.region(tie.japan_region).name,
        catalog.region(tie.overseas_region).name,
        tie.examples,
        sources
    )
}

/// Short labels of the top `n` positive reasons, for one-line tables.
pub fn top_labels(candidate: &RankedCandidate, n: usize) -> Vec<&'static str> {
    let mut order: Vec<Feature> = Feature::ALL
        .into_iter()
        .filter(|f| candidate.contributions[f.index()] > 0.0)
        .collect();
    order.sort_by(|&a, &b| {
        candidate.contributions[b.index()]
            .total_cmp(&candidate.contributions[a.index()])
            .then(a.cmp(&b))
    });
    order.into_iter().take(n).map(Feature::label).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TrainingInfo;
    use std::collections::BTreeMap;

    use crate::testutil::fixture;

    fn model(weights: [f64; N_FEATURES]) -> LinearModel {
        LinearModel {
            kind: "test".into(),
            description: String::new(),
            hyperparameters: BTreeMap::new(),
            scaling: None,
            default_weights: weights,
            sector_weights: BTreeMap::new(),
            want_boost: 1.0,
            training: TrainingInfo::default(),
        }
    }

    #[test]
    fn ties_break_on_region_id() {
        let catalog = fixture();
        let encoder = Encoder::new(&catalog);
        let query = crate::testutil::first_query(&catalog);
        let list = shortlist(&encoder, &model([0.0; N_FEATURES]), &query, 100).unwrap();
        let ids: Vec<&str> = list
            .candidates
            .iter()
            .map(|c| catalog.region(c.region).id.as_str())
            .collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted);
        assert_eq!(list.n_candidates, 7);
    }

    #[test]
    fn contributions_sum_to_score_and_top_k_truncates() {
        let catalog = fixture();
        let encoder = Encoder::new(&catalog);
        let query = Query::new(
            catalog.find_japan_region("suwa").unwrap(),
            catalog.sectors().find("dies").unwrap(),
        );
        let w = [0.4, 0.2, 0.1, 0.3, 0.1, 0.1, 0.1, 0.2, 0.3, -0.3];
        let list = shortlist(&encoder, &model(w), &query, 3).unwrap();
        assert_eq!(list.candidates.len(), 3);
        assert_eq!(catalog.region(list.candidates[0].region).id, "dalian");
        for c in &list.candidates {
            assert_eq!(c.contributions.iter().sum::<f64>(), c.score);
            let reasons = explain(&encoder, &query, c);
            assert!(
                reasons
                    .windows(2)
                    .all(|r| r[0].contribution.abs() >= r[1].contribution.abs())
            );
        }
    }

    #[test]
    fn wanting_a_trait_raises_its_weight_by_the_largest_weight() {
        let catalog = fixture();
        let w = [0.4, 0.2, 0.1, 0.3, 0.1, 0.1, 0.1, 0.2, 0.3, -0.3];
        let mut query = crate::testutil::first_query(&catalog);
        query.wanted = vec![Feature::DesignAbility, Feature::CommunicationCost];
        let boosted = model(w).weights_for(catalog.sectors(), &query);
        assert!((boosted[Feature::DesignAbility.index()] - 0.5).abs() < 1e-12);
        assert!(
            (boosted[Feature::CommunicationCost.index()] + 0.7).abs() < 1e-12,
            "a wanted cost gets more negative"
        );
        assert_eq!(boosted[Feature::SameAreaCluster.index()], 0.4);
    }
}
