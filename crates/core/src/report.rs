//! The serialised forms of tieup's answers: the shortlist report (JSON and CSV) and the
//! region and sector listings. Everything a user can parse is shaped here, in one place.

use crate::catalog::{Catalog, Region, RegionId, RegionKind, SectorId};
use crate::features::Query;
use crate::features::{Encoder, FEATURES, N_FEATURES};
use crate::model::LinearModel;
use crate::rank::{Explainer, RankedCandidate, Shortlist};
use crate::select::Selection;
use serde::Serialize;
use serde::ser::SerializeMap;
use std::collections::BTreeMap;

/// Version of the shortlist report format.
pub const REPORT_FORMAT_VERSION: u32 = 1;

/// Feature values serialised as a map in schema order.
#[derive(Debug, Clone, PartialEq)]
pub struct Named(pub [f64; N_FEATURES]);

impl Serialize for Named {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(N_FEATURES))?;
        for (spec, value) in FEATURES.iter().zip(self.0.iter()) {
            map.serialize_entry(spec.name, value)?;
        }
        map.end()
    }
}

/// The query part of a report.
#[derive(Debug, Clone, Serialize)]
pub struct QueryReport {
    /// Japanese region id.
    pub region_id: String,
    /// Japanese region name.
    pub region_name: String,
    /// Sector id.
    pub sector_id: String,
    /// Sector name.
    pub sector_name: String,
    /// Survey sector whose weights applied.
    pub survey_sector: String,
    /// Wanted features.
    pub wanted: Vec<String>,
    /// Partnerships from this fiscal year on were ignored.
    pub before_year: Option<u16>,
    /// With a year limit: the curated values dated after it that were left out, and what
    /// could not be honoured ([`crate::catalog::Catalog::year_notice`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year_limit: Option<crate::catalog::YearNotice>,
    /// Number of candidates asked for.
    pub top: usize,
    /// One row per place (absent when nested regions are listed separately, `--expand`,
    /// as in reports made before grouping).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub grouped: bool,
    /// Only these countries (absent = every country).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub countries: Vec<String>,
    /// Only these levels (absent = every level).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub levels: Vec<String>,
    /// Excluded regions, with their descendants.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<String>,
    /// At most this many rows per country.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_per_country: Option<usize>,
}

/// The model part of a report.
#[derive(Debug, Clone, Serialize)]
pub struct ModelReport {
    /// Model kind.
    pub kind: String,
    /// Model file, as given.
    pub path: String,
    /// Feature schema fingerprint.
    pub schema_fingerprint: String,
    /// The weights used for this query (after wanted-trait boosts).
    pub weights: Named,
    /// Set when the model has no weights of the query's survey sector and its default
    /// weights applied instead (absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallback: Option<String>,
}

/// One reason in a report.
#[derive(Debug, Clone, Serialize)]
pub struct ReasonReport {
    /// Feature name.
    pub feature: &'static str,
    /// Contribution to the score.
    pub contribution: f64,
    /// Readable explanation.
    pub detail: String,
}

/// A partner body of a candidate in a report: someone to write the first e-mail to.
#[derive(Debug, Clone, Serialize)]
pub struct BodyReport {
    /// Body id (`partner_bodies.csv`).
    pub id: String,
    /// English name.
    pub name: String,
    /// Native name (empty when the same).
    pub native_name: String,
    /// `cluster_organisation`, `development_agency`, `university_industry_centre` or
    /// `chamber_or_association`.
    #[serde(rename = "type")]
    pub kind: crate::catalog::BodyType,
    /// The region it sits in.
    pub region_id: String,
    /// Sector ids it serves (empty: every sector).
    pub sectors: Vec<String>,
    /// Founding year, absent when unknown.
    pub founded: Option<u16>,
    /// Runs international cooperation.
    pub international: bool,
    /// Runs Japan-specific cooperation.
    pub japan: bool,
    /// What the two flags rest on.
    pub evidence: String,
    /// The organisation's website.
    pub url: String,
    /// The checkable source of the row.
    pub source: String,
    /// Its rung on the partner-body ladder for the query (0: listed, not counted).
    pub level: u8,
    /// Named in a known partnership (never counted).
    pub in_known_partnership: bool,
    /// One sentence naming it ([`Catalog::body_text`]).
    pub text: String,
}

impl BodyReport {
    /// The report of `body` at ladder rung `level`.
    pub fn new(catalog: &Catalog, body: &crate::catalog::PartnerBody, level: u8) -> Self {
        BodyReport {
            id: body.id.clone(),
            name: body.name.clone(),
            native_name: body.native_name.clone(),
            kind: body.kind,
            region_id: catalog.region(body.region).id.clone(),
            sectors: body
                .sectors
                .iter()
                .map(|&s| catalog.sectors().get(s).id.clone())
                .collect(),
            founded: body.founded,
            international: body.international,
            japan: body.japan,
            evidence: body.evidence.clone(),
            url: body.url.clone(),
            source: body.source.clone(),
            level,
            in_known_partnership: body.in_known_partnership,
            text: catalog.body_text(body),
        }
    }

    /// The bodies of a candidate for a query sector and year limit, best rung first
    /// ([`Catalog::bodies_for`]).
    pub fn for_query(
        catalog: &Catalog,
        candidate: RegionId,
        sector: SectorId,
        before_year: Option<u16>,
    ) -> Vec<Self> {
        catalog
            .bodies_for(candidate, sector, before_year)
            .into_iter()
            .map(|m| BodyReport::new(catalog, m.body, m.level))
            .collect()
    }
}

/// One candidate in a report.
#[derive(Debug, Clone, Serialize)]
pub struct CandidateReport {
    /// 1-based rank.
    pub rank: usize,
    /// Overseas region id.
    pub region_id: String,
    /// Name.
    pub name: String,
    /// ISO country code.
    pub country: String,
    /// Enclosing region id.
    pub parent: Option<String>,
    /// Score (sum of contributions).
    pub score: f64,
    /// Contribution of each feature.
    pub contributions: Named,
    /// Raw feature values.
    pub features: Named,
    /// Reasons, largest contribution first.
    pub reasons: Vec<ReasonReport>,
    /// Partner bodies serving the query sector in the candidate, an enclosing or an
    /// enclosed region (`partner_bodies.csv`), best rung first.
    pub bodies: Vec<BodyReport>,
    /// Other members of its place that outscore the last row (grouped lists only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<MemberReport>,
}

/// A region folded into a candidate's row.
#[derive(Debug, Clone, Serialize)]
pub struct MemberReport {
    /// Overseas region id.
    pub region_id: String,
    /// Name.
    pub name: String,
    /// Score (unchanged by grouping).
    pub score: f64,
    /// Rank among the candidates that pass the filters, without grouping.
    pub rank_ungrouped: usize,
}

/// A whole shortlist report.
#[derive(Debug, Clone, Serialize)]
pub struct ShortlistReport {
    /// Report format version.
    pub format_version: u32,
    /// What was asked.
    pub query: QueryReport,
    /// Which model answered.
    pub model: ModelReport,
    /// Candidates scored.
    pub n_candidates: usize,
    /// Candidates that pass the filters (present when a filter is set).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub n_eligible: Option<usize>,
    /// Ranked candidates.
    pub candidates: Vec<CandidateReport>,
}

impl ShortlistReport {
    /// Builds the report of a shortlist.
    pub fn new(
        encoder: &Encoder<'_>,
        model: &LinearModel,
        model_path: &str,
        shortlist: &Shortlist,
        top: usize,
    ) -> Self {
        let catalog = encoder.catalog();
        let explainer = Explainer::new(encoder, &shortlist.query);
        let selection = &shortlist.selection;
        ShortlistReport {
            format_version: REPORT_FORMAT_VERSION,
            query: QueryReport::new(catalog, &shortlist.query, selection, top),
            model: ModelReport::new(catalog, model, model_path, shortlist),
            n_candidates: shortlist.n_candidates,
            n_eligible: selection.is_filtered().then_some(shortlist.n_eligible),
            candidates: shortlist
                .candidates
                .iter()
                .map(|c| CandidateReport::new(&explainer, c))
                .collect(),
        }
    }
}

impl QueryReport {
    /// What was asked: the query, its year limit, and the filters of `selection`.
    pub fn new(catalog: &Catalog, query: &Query, selection: &Selection, top: usize) -> Self {
        let sector = catalog.sectors().get(query.sector);
        let japan = catalog.region(query.japan_region);
        QueryReport {
            region_id: japan.id.clone(),
            region_name: japan.name.clone(),
            sector_id: sector.id.clone(),
            sector_name: sector.name.clone(),
            survey_sector: catalog
                .sectors()
                .get(catalog.sectors().survey_root(query.sector))
                .id
                .clone(),
            wanted: query.wanted.iter().map(|f| f.name().to_string()).collect(),
            before_year: query.before_year,
            year_limit: catalog.year_notice(query.before_year),
            top,
            grouped: !selection.expand,
            countries: selection.countries.clone(),
            levels: selection.levels.clone(),
            exclude: selection
                .exclude
                .iter()
                .map(|&r| catalog.region(r).id.clone())
                .collect(),
            max_per_country: selection.max_per_country,
        }
    }
}

impl ModelReport {
    /// Which model answered a shortlist, with the weights it used and whether its default
    /// weights stood in for the query's survey sector.
    pub fn new(
        catalog: &Catalog,
        model: &LinearModel,
        model_path: &str,
        shortlist: &Shortlist,
    ) -> Self {
        let sector = shortlist.query.sector;
        ModelReport {
            kind: model.kind.clone(),
            path: model_path.to_string(),
            schema_fingerprint: crate::features::FeatureSchema::current().fingerprint(),
            weights: Named(shortlist.weights),
            fallback: (!model.has_sector_weights(catalog.sectors(), sector)).then(|| {
                format!(
                    "default weights: the model has none for survey sector {}",
                    catalog
                        .sectors()
                        .get(catalog.sectors().survey_root(sector))
                        .id
                )
            }),
        }
    }
}

impl CandidateReport {
    /// One ranked candidate with its reasons (written by the query's `explainer`), the
    /// members folded into its row and its partner bodies.
    pub fn new(explainer: &Explainer<'_, '_>, c: &RankedCandidate) -> Self {
        let catalog = explainer.catalog();
        let query = explainer.query();
        let region = catalog.region(c.region);
        CandidateReport {
            rank: c.rank,
            region_id: region.id.clone(),
            name: region.name.clone(),
            country: region.country.clone(),
            parent: region.parent.map(|p| catalog.region(p).id.clone()),
            score: c.score,
            contributions: Named(c.contributions),
            features: Named(c.features),
            reasons: explainer
                .reasons(c)
                .into_iter()
                .map(|r| ReasonReport {
                    feature: r.feature.name(),
                    contribution: r.contribution,
                    detail: r.detail,
                })
                .collect(),
            also: c
                .also
                .iter()
                .map(|m| MemberReport {
                    region_id: catalog.region(m.region).id.clone(),
                    name: catalog.region(m.region).name.clone(),
                    score: m.score,
                    rank_ungrouped: m.rank_ungrouped,
                })
                .collect(),
            bodies: BodyReport::for_query(catalog, c.region, query.sector, query.before_year),
        }
    }
}

/// One region in a listing.
#[derive(Debug, Clone, Serialize)]
pub struct RegionEntry {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Japanese name ([`Region::name_ja`]), `null` where the catalog has none.
    pub name_ja: Option<String>,
    /// Aliases.
    pub aliases: Vec<String>,
    /// `japan` or `overseas`.
    pub kind: RegionKind,
    /// ISO country code.
    pub country: String,
    /// Enclosing region id (a Japanese area's prefecture; an overseas parent).
    pub parent: Option<String>,
    /// Administrative level.
    pub level: String,
    /// METI bureau (Japanese regions).
    pub bureau: Option<String>,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// Languages.
    pub languages: Vec<String>,
    /// Explicit sector strengths by sector id.
    pub strengths: BTreeMap<String, f64>,
}

impl RegionEntry {
    /// The listing entry of a region.
    pub fn new(catalog: &Catalog, region: RegionId) -> Self {
        let r: &Region = catalog.region(region);
        RegionEntry {
            id: r.id.clone(),
            name: r.name.clone(),
            name_ja: r.name_ja.clone(),
            aliases: r.aliases.clone(),
            kind: r.kind,
            country: r.country.clone(),
            parent: r.parent.map(|p| catalog.region(p).id.clone()),
            level: r.level.clone(),
            bureau: r.bureau.clone(),
            lat: r.lat,
            lon: r.lon,
            languages: r.languages.clone(),
            strengths: catalog
                .explicit_strengths(region)
                .into_iter()
                .map(|(s, v)| (catalog.sectors().get(s).id.clone(), v))
                .collect(),
        }
    }
}

/// One sector in a listing.
#[derive(Debug, Clone, Serialize)]
pub struct SectorEntry {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Survey sector id (None for a survey sector).
    pub parent: Option<String>,
    /// Aliases.
    pub aliases: Vec<String>,
    /// ISIC Rev.4 prefixes.
    pub isic4: Vec<String>,
    /// NAICS 2012 prefixes.
    pub naics2012: Vec<String>,
    /// US Cluster Mapping cluster.
    pub uscmp_cluster: Option<String>,
}

impl SectorEntry {
    /// The listing entry of a sector.
    pub fn new(catalog: &Catalog, sector: SectorId) -> Self {
        let s = catalog.sector(sector);
        SectorEntry {
            id: s.id.clone(),
            name: s.name.clone(),
            parent: s.parent.map(|p| catalog.sectors().get(p).id.clone()),
            aliases: s.aliases.clone(),
            isic4: s.isic4.clone(),
            naics2012: s.naics2012.clone(),
            uscmp_cluster: s.uscmp_cluster.clone(),
        }
    }
}
