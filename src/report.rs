//! The serialised forms of tieup's answers: the shortlist report (JSON and CSV) and the
//! region and sector listings. Everything a user can parse is shaped here, in one place.

use crate::catalog::{Catalog, Region, RegionKind};
use crate::features::{Encoder, FEATURES, N_FEATURES};
use crate::model::LinearModel;
use crate::rank::{Shortlist, explain};
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
    /// Number of candidates asked for.
    pub top: usize,
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
        let query = &shortlist.query;
        let sector = catalog.sectors.get(query.sector);
        let japan = &catalog.regions[query.japan_region];
        let candidates = shortlist
            .candidates
            .iter()
            .map(|c| {
                let region = &catalog.regions[c.region];
                CandidateReport {
                    rank: c.rank,
                    region_id: region.id.clone(),
                    name: region.name.clone(),
                    country: region.country.clone(),
                    parent: region.parent.map(|p| catalog.regions[p].id.clone()),
                    score: c.score,
                    contributions: Named(c.contributions),
                    features: Named(c.features),
                    reasons: explain(encoder, query, c)
                        .into_iter()
                        .map(|r| ReasonReport {
                            feature: FEATURES[r.feature].name,
                            contribution: r.contribution,
                            detail: r.detail,
                        })
                        .collect(),
                }
            })
            .collect();
        ShortlistReport {
            format_version: REPORT_FORMAT_VERSION,
            query: QueryReport {
                region_id: japan.id.clone(),
                region_name: japan.name.clone(),
                sector_id: sector.id.clone(),
                sector_name: sector.name.clone(),
                survey_sector: catalog
                    .sectors
                    .get(catalog.sectors.survey_root(query.sector))
                    .id
                    .clone(),
                wanted: query
                    .wanted
                    .iter()
                    .map(|&f| FEATURES[f].name.to_string())
                    .collect(),
                before_year: query.before_year,
                top,
            },
            model: ModelReport {
                kind: model.kind.clone(),
                path: model_path.to_string(),
                schema_fingerprint: crate::features::FeatureSchema::current().fingerprint(),
                weights: Named(shortlist.weights),
            },
            n_candidates: shortlist.n_candidates,
            candidates,
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
    pub fn new(catalog: &Catalog, position: usize) -> Self {
        let r: &Region = &catalog.regions[position];
        RegionEntry {
            id: r.id.clone(),
            name: r.name.clone(),
            aliases: r.aliases.clone(),
            kind: r.kind,
            country: r.country.clone(),
            parent: r.parent.map(|p| catalog.regions[p].id.clone()),
            level: r.level.clone(),
            bureau: r.bureau.clone(),
            lat: r.lat,
            lon: r.lon,
            languages: r.languages.clone(),
            strengths: catalog
                .explicit_strengths(position)
                .into_iter()
                .map(|(s, v)| (catalog.sectors.get(s).id.clone(), v))
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
    pub fn new(catalog: &Catalog, position: usize) -> Self {
        let s = catalog.sectors.get(position);
        SectorEntry {
            id: s.id.clone(),
            name: s.name.clone(),
            parent: s.parent.map(|p| catalog.sectors.get(p).id.clone()),
            aliases: s.aliases.clone(),
            isic4: s.isic4.clone(),
            naics2012: s.naics2012.clone(),
            uscmp_cluster: s.uscmp_cluster.clone(),
        }
    }
}

/// Output format of batch scoring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchFormat {
    /// One row per application and rank.
    Csv,
    /// One JSON object per application.
    JsonLines,
}

/// Writes scored applications (CSV or JSON Lines) and rejects (CSV) to two writers.
///
/// CSV columns: `application_id, line, japan_region, sector, rank, region_id, region_name,
/// country, score, top_reasons, partner_fit, p_during, p_after, p_not_yet, checklist_met,
/// checklist_at_risk`. Rejects: `line, application_id, reason`.
pub struct BatchWriter<'a, O: std::io::Write, J: std::io::Write> {
    catalog: &'a Catalog,
    out: BatchOut<O>,
    rejects: Option<csv::Writer<J>>,
}

enum BatchOut<O: std::io::Write> {
    Csv(Box<csv::Writer<O>>),
    Json(O),
}

/// The CSV header of batch output.
pub const BATCH_CSV_HEADER: [&str; 16] = [
    "application_id",
    "line",
    "japan_region",
    "sector",
    "rank",
    "region_id",
    "region_name",
    "country",
    "score",
    "top_reasons",
    "partner_fit",
    "p_during",
    "p_after",
    "p_not_yet",
    "checklist_met",
    "checklist_at_risk",
];

#[derive(Serialize)]
struct JsonCandidate<'a> {
    rank: usize,
    region_id: &'a str,
    name: &'a str,
    country: &'a str,
    score: f64,
    contributions: Named,
    top_reasons: Vec<String>,
}

#[derive(Serialize)]
struct JsonApplication<'a> {
    application_id: &'a str,
    line: u64,
    japan_region: &'a str,
    sector: &'a str,
    partner_fit: f64,
    success: crate::learn::success::SuccessProbabilities,
    checklist: &'a [crate::score::CheckItem],
    candidates: Vec<JsonCandidate<'a>>,
}

impl<'a, O: std::io::Write, J: std::io::Write> BatchWriter<'a, O, J> {
    /// A writer; `rejects` may be None to drop rejected rows' details.
    pub fn new(
        catalog: &'a Catalog,
        format: BatchFormat,
        out: O,
        rejects: Option<J>,
    ) -> crate::Result<Self> {
        let out = match format {
            BatchFormat::Csv => {
                let mut w = csv::Writer::from_writer(out);
                w.write_record(BATCH_CSV_HEADER).map_err(csv_error)?;
                BatchOut::Csv(Box::new(w))
            }
            BatchFormat::JsonLines => BatchOut::Json(out),
        };
        let rejects = match rejects {
            Some(w) => {
                let mut w = csv::Writer::from_writer(w);
                w.write_record(["line", "application_id", "reason"])
                    .map_err(csv_error)?;
                Some(w)
            }
            None => None,
        };
        Ok(BatchWriter {
            catalog,
            out,
            rejects,
        })
    }

    /// Flushes and returns the writers.
    pub fn finish(self) -> crate::Result<(O, Option<J>)> {
        let out = match self.out {
            BatchOut::Csv(w) => w
                .into_inner()
                .map_err(|e| crate::Error::io("output", e.into_error()))?,
            BatchOut::Json(w) => w,
        };
        let rejects = match self.rejects {
            Some(w) => Some(
                w.into_inner()
                    .map_err(|e| crate::Error::io("rejects", e.into_error()))?,
            ),
            None => None,
        };
        Ok((out, rejects))
    }
}

fn csv_error(e: csv::Error) -> crate::Error {
    crate::Error::io("output", std::io::Error::other(e.to_string()))
}

impl<O: std::io::Write, J: std::io::Write> crate::score::BatchSink for BatchWriter<'_, O, J> {
    fn accept(&mut self, s: &crate::score::ScoredApplication) -> crate::Result<()> {
        let catalog = self.catalog;
        let app = &s.application;
        let japan = &catalog.regions[app.japan_region].id;
        let sector = &catalog.sectors.get(app.sector).id;
        match &mut self.out {
            BatchOut::Csv(out) => {
                let points = |status| {
                    s.checklist
                        .iter()
                        .filter(|c| c.status == status)
                        .map(|c| {
                            if status == crate::score::PointStatus::AtRisk {
                                format!("{}: {}", c.point, c.reason)
                            } else {
                                c.point.to_string()
                            }
                        })
                        .collect::<Vec<_>>()
                        .join("; ")
                };
                let met = points(crate::score::PointStatus::Met);
                let at_risk = points(crate::score::PointStatus::AtRisk);
                let line = app.line.to_string();
                let fit = format!("{:.4}", s.partner_fit);
                let p = [
                    format!("{:.4}", s.success.during),
                    format!("{:.4}", s.success.after),
                    format!("{:.4}", s.success.not_yet),
                ];
                for c in &s.candidates {
                    let region = &catalog.regions[c.region];
                    let rank = c.rank.to_string();
                    let score = format!("{:.6}", c.score);
                    let reasons = crate::score::top_reasons(&c.contributions, 3).join("; ");
                    out.write_record([
                        app.id.as_str(),
                        &line,
                        japan,
                        sector,
                        &rank,
                        &region.id,
                        &region.name,
                        &region.country,
                        &score,
                        &reasons,
                        &fit,
                        &p[0],
                        &p[1],
                        &p[2],
                        &met,
                        &at_risk,
                    ])
                    .map_err(csv_error)?;
                }
            }
            BatchOut::Json(out) => {
                let record = JsonApplication {
                    application_id: &app.id,
                    line: app.line,
                    japan_region: japan,
                    sector,
                    partner_fit: s.partner_fit,
                    success: s.success,
                    checklist: &s.checklist,
                    candidates: s
                        .candidates
                        .iter()
                        .map(|c| {
                            let region = &catalog.regions[c.region];
                            JsonCandidate {
                                rank: c.rank,
                                region_id: &region.id,
                                name: &region.name,
                                country: &region.country,
                                score: c.score,
                                contributions: Named(c.contributions),
                                top_reasons: crate::score::top_reasons(&c.contributions, 3),
                            }
                        })
                        .collect(),
                };
                serde_json::to_writer(&mut *out, &record)
                    .map_err(|e| crate::Error::io("output", e.into()))?;
                out.write_all(b"\n")
                    .map_err(|e| crate::Error::io("output", e))?;
            }
        }
        Ok(())
    }

    fn reject(&mut self, r: &crate::application::Reject) -> crate::Result<()> {
        if let Some(w) = &mut self.rejects {
            w.write_record([
                r.line.to_string(),
                r.application_id.clone(),
                r.reason.clone(),
            ])
            .map_err(csv_error)?;
        }
        Ok(())
    }
}
