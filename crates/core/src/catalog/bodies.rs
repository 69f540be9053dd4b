//! Partner bodies: the organisations in an overseas region that could be the implementation
//! body of a tie-up (cluster organisations, development agencies, university-industry
//! centres, chambers and industry associations), read from `partner_bodies.csv`.
//!
//! # The ladder
//! For a query sector `s`, a year limit and a candidate region, [`Catalog::body_level`] is
//! the best rung any counted body reaches:
//!
//! | level | meaning |
//! |---|---|
//! | 0 | no body known |
//! | 1 | a general body: a development agency (whatever sectors it lists) or a body that lists no sector, in the candidate or an enclosing region |
//! | 2 | a sector body (cluster organisation, university-industry centre, chamber or association) serving `s`, in the candidate, an enclosing or an enclosed region |
//! | 3 | such a sector body with an international or Japan-specific cooperation record |
//!
//! A body serves `s` when one of its sectors is `s`, `s`'s survey sector (the body serves the
//! whole survey sector) or a finer sector of `s` (the query names the survey sector).
//!
//! A body counts for a year limit `y` (only what existed before fiscal year `y`) when its
//! founding year is before `y`. A body whose founding year is unknown counts only when no year
//! limit is given: replaying a past partnership must not credit a region with a body that may
//! have been founded later (most cluster organisations date from after 2000, most of the
//! partnerships from before), so an unknown year is read as "not shown to exist then".
//! Bodies marked `in_known_partnership` (named in a partnership of `partnerships.csv`) never
//! count: the feature must not learn the answer from the partnership it replays.

use super::{Catalog, RegionId, SectorId};
use crate::csvin::CsvFile;
use crate::error::Result;
use serde::Serialize;
use std::path::Path;

/// What kind of organisation a partner body is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyType {
    /// A cluster organisation or cluster management organisation.
    ClusterOrganisation,
    /// A regional development, innovation or investment agency.
    DevelopmentAgency,
    /// A university-industry (technology transfer, research) centre.
    UniversityIndustryCentre,
    /// A chamber of commerce or an industry association.
    ChamberOrAssociation,
}

impl BodyType {
    /// Every type.
    pub const ALL: [BodyType; 4] = [
        BodyType::ClusterOrganisation,
        BodyType::DevelopmentAgency,
        BodyType::UniversityIndustryCentre,
        BodyType::ChamberOrAssociation,
    ];

    /// The id written in `partner_bodies.csv`.
    pub const fn as_str(self) -> &'static str {
        match self {
            BodyType::ClusterOrganisation => "cluster_organisation",
            BodyType::DevelopmentAgency => "development_agency",
            BodyType::UniversityIndustryCentre => "university_industry_centre",
            BodyType::ChamberOrAssociation => "chamber_or_association",
        }
    }

    /// Words for explanations.
    pub const fn label(self) -> &'static str {
        match self {
            BodyType::ClusterOrganisation => "cluster organisation",
            BodyType::DevelopmentAgency => "development agency",
            BodyType::UniversityIndustryCentre => "university-industry centre",
            BodyType::ChamberOrAssociation => "industry association",
        }
    }

    /// The type an id of [`BodyType::as_str`] names.
    pub fn parse(text: &str) -> Option<Self> {
        BodyType::ALL.into_iter().find(|t| t.as_str() == text)
    }
}

/// One organisation of `partner_bodies.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct PartnerBody {
    /// Stable id.
    pub id: String,
    /// English name.
    pub name: String,
    /// Name in the local language, when it differs.
    pub native_name: String,
    /// Kind of organisation.
    pub kind: BodyType,
    /// The most specific catalog region it sits in.
    pub region: RegionId,
    /// Sectors it serves (empty: all sectors, a general body).
    pub sectors: Vec<SectorId>,
    /// Founding year; `None` when not known for certain.
    pub founded: Option<u16>,
    /// Runs international cooperation (evidence in [`PartnerBody::evidence`]).
    pub international: bool,
    /// Runs Japan-specific cooperation.
    pub japan: bool,
    /// What the international or Japan flag rests on.
    pub evidence: String,
    /// The organisation's own website.
    pub url: String,
    /// The checkable source of the row (policy document, label and year, website).
    pub source: String,
    /// Named in a partnership of `partnerships.csv`: shown, never counted by the feature.
    pub in_known_partnership: bool,
}

/// Columns `partner_bodies.csv` must have.
pub const BODY_COLUMNS: [&str; 13] = [
    "id",
    "name",
    "native_name",
    "type",
    "region_id",
    "sectors",
    "founded",
    "international",
    "japan",
    "evidence",
    "url",
    "source",
    "in_known_partnership",
];

/// The file name of the partner bodies under a catalog directory.
pub const BODIES_FILE: &str = "partner_bodies.csv";

/// Earliest founding year accepted (older bodies exist, but none of the catalog's).
pub const EARLIEST_FOUNDING: u16 = 1800;
/// Latest founding year accepted.
pub const LATEST_FOUNDING: u16 = 2026;

/// A family mark: the candidate itself or a region enclosing it.
const ENCLOSING: u8 = 1;
/// A family mark: the candidate itself or a region it encloses.
const ENCLOSED: u8 = 2;

/// Highest rung of the ladder ([`Catalog::body_level`]).
pub const MAX_BODY_LEVEL: u8 = 3;

/// A body that counts for a query, with the rung it reaches.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BodyMatch<'a> {
    /// The body.
    pub body: &'a PartnerBody,
    /// Its rung for the query sector (0 when it does not count: listed for information).
    pub level: u8,
}

impl Catalog {
    /// Reads `partner_bodies.csv`; every region and sector id must resolve, ids be unique,
    /// every row have a source, founding years lie in [1800, 2026].
    pub(super) fn load_bodies(&mut self, path: &Path) -> Result<()> {
        let file = CsvFile::open(path, &BODY_COLUMNS)?;
        let mut seen = std::collections::BTreeSet::new();
        for row in file.rows() {
            let id = row.required("id")?.to_string();
            if !seen.insert(id.clone()) {
                return Err(row.cell_error(
                    "id",
                    format!("duplicate body id '{id}'"),
                    "give every body its own id",
                ));
            }
            let kind_text = row.required("type")?;
            let kind = BodyType::parse(kind_text).ok_or_else(|| {
                row.cell_error(
                    "type",
                    format!("unknown body type '{}'", crate::lookup::clip(kind_text)),
                    "use cluster_organisation, development_agency, university_industry_centre or chamber_or_association",
                )
            })?;
            let region =
                self.region_in_row(&row, "region_id", Some(super::RegionKind::Overseas))?;
            let sectors = self.body_sectors(&row)?;
            let founded = founding_year(&row)?;
            let international = flag(&row, "international")?;
            let japan = flag(&row, "japan")?;
            let evidence = row.text("evidence").to_string();
            if (international || japan) && evidence.is_empty() {
                return Err(row.cell_error(
                    "evidence",
                    "an international or Japan flag without evidence".into(),
                    "say what the flag rests on, or set the flags to false",
                ));
            }
            let url = row.text("url").to_string();
            let source = row.text("source").to_string();
            if url.is_empty() && source.is_empty() {
                return Err(row.cell_error(
                    "source",
                    "a body without a source".into(),
                    "give the organisation's website in 'url' or a checkable document in 'source'",
                ));
            }
            if !url.is_empty() && !url.starts_with("https://") && !url.starts_with("http://") {
                return Err(row.cell_error(
                    "url",
                    format!("'{}' is not a web address", crate::lookup::clip(&url)),
                    "write the full address, starting with https://",
                ));
            }
            self.bodies.push(PartnerBody {
                id,
                name: row.required("name")?.to_string(),
                native_name: row.text("native_name").to_string(),
                kind,
                region,
                sectors,
                founded,
                international,
                japan,
                evidence,
                url,
                source,
                in_known_partnership: flag(&row, "in_known_partnership")?,
            });
        }
        Ok(())
    }

    fn body_sectors(&self, row: &crate::csvin::Row<'_>) -> Result<Vec<SectorId>> {
        row.list("sectors")
            .iter()
            .map(|s| {
                self.sectors.by_id(s).ok_or_else(|| {
                    row.cell_error(
                        "sectors",
                        format!("unknown sector '{}'", crate::lookup::clip(s)),
                        "use sector ids from sectors.csv, separated by ';'",
                    )
                })
            })
            .collect()
    }

    /// The partner bodies, in file order (empty without `partner_bodies.csv`).
    pub fn bodies(&self) -> &[PartnerBody] {
        &self.bodies
    }

    /// The region and its enclosing regions, innermost first.
    pub fn ancestors_and_self(&self, region: RegionId) -> Vec<RegionId> {
        let mut out = vec![region];
        let mut current = region;
        while let Some(parent) = self.region(current).parent {
            if out.contains(&parent) {
                break;
            }
            out.push(parent);
            current = parent;
        }
        out
    }

    /// True when `body` serves `sector` (see the module documentation).
    pub fn body_serves(&self, body: &PartnerBody, sector: SectorId) -> bool {
        let parent = self.sector(sector).parent;
        body.sectors
            .iter()
            .any(|&b| b == sector || Some(b) == parent || self.sector(b).parent == Some(sector))
    }

    /// True when `ancestor` is `region` or encloses it (no allocation: the walk up the
    /// parent links stops at the top or, in a cyclic file, after every region).
    fn encloses_or_is(&self, ancestor: RegionId, region: RegionId) -> bool {
        std::iter::successors(Some(region), |&r| self.region(r).parent)
            .take(self.regions.len())
            .any(|r| r == ancestor)
    }

    /// The family of a candidate, one mark per region: [`ENCLOSING`] on the candidate and
    /// the regions enclosing it, [`ENCLOSED`] on the candidate and the regions it encloses
    /// (child links are the parent links reversed, so these are the regions whose parent
    /// chain reaches the candidate). One pass, then one lookup per body.
    fn family_marks(&self, candidate: RegionId) -> Vec<u8> {
        let mut marks = vec![0u8; self.regions.len()];
        for r in std::iter::successors(Some(candidate), |&r| self.region(r).parent)
            .take(self.regions.len())
        {
            marks[r.index()] |= ENCLOSING;
        }
        let mut stack = vec![candidate];
        while let Some(r) = stack.pop() {
            if marks[r.index()] & ENCLOSED != 0 {
                continue;
            }
            marks[r.index()] |= ENCLOSED;
            stack.extend_from_slice(&self.children[r.index()]);
        }
        marks
    }

    /// The rung of `body` given where it sits: in the candidate or an enclosing region
    /// (`enclosing`), in the candidate or an enclosed region (`enclosed`).
    fn rung(&self, body: &PartnerBody, enclosing: bool, enclosed: bool, sector: SectorId) -> u8 {
        let general = body.kind == BodyType::DevelopmentAgency || body.sectors.is_empty();
        if general {
            return u8::from(enclosing);
        }
        if !(enclosing || enclosed) || !self.body_serves(body, sector) {
            return 0;
        }
        if body.international || body.japan {
            3
        } else {
            2
        }
    }

    /// The rung `body` reaches for a candidate and a sector, ignoring the year and the
    /// known-partnership mark: 0 when it is not in the candidate's family or serves another
    /// sector.
    pub fn body_rung(&self, body: &PartnerBody, candidate: RegionId, sector: SectorId) -> u8 {
        let enclosing = self.encloses_or_is(body.region, candidate);
        let enclosed = self.encloses_or_is(candidate, body.region);
        self.rung(body, enclosing, enclosed, sector)
    }

    /// True when `body` existed before fiscal year `before` (always without a limit; never
    /// for an unknown founding year under a limit).
    pub fn body_existed(body: &PartnerBody, before: Option<u16>) -> bool {
        match (before, body.founded) {
            (None, _) => true,
            (Some(limit), Some(year)) => year < limit,
            (Some(_), None) => false,
        }
    }

    /// Every body in the candidate's family that reaches a rung for `sector`, best rung
    /// first (then founding year, then id). `level` is 0 for a body that exists but does not
    /// count (marked `in_known_partnership`, or not shown to exist before the year limit).
    pub fn bodies_for(
        &self,
        candidate: RegionId,
        sector: SectorId,
        before: Option<u16>,
    ) -> Vec<BodyMatch<'_>> {
        let marks = self.family_marks(candidate);
        let mut out: Vec<(u8, BodyMatch<'_>)> = self
            .bodies
            .iter()
            .filter_map(|body| {
                let mark = marks[body.region.index()];
                let rung = self.rung(body, mark & ENCLOSING != 0, mark & ENCLOSED != 0, sector);
                (rung > 0).then(|| {
                    let counts = !body.in_known_partnership && Catalog::body_existed(body, before);
                    let level = if counts { rung } else { 0 };
                    (rung, BodyMatch { body, level })
                })
            })
            .collect();
        out.sort_by(|(ra, a), (rb, b)| {
            (b.level, rb)
                .cmp(&(a.level, ra))
                .then(
                    a.body
                        .founded
                        .unwrap_or(u16::MAX)
                        .cmp(&b.body.founded.unwrap_or(u16::MAX)),
                )
                .then(a.body.id.cmp(&b.body.id))
        });
        out.into_iter().map(|(_, m)| m).collect()
    }

    /// Every body in the region, an enclosing or an enclosed region, whatever it serves
    /// (what a profile page lists without a query): enclosing regions' bodies first, then
    /// the region's, then enclosed regions'; by id within each.
    pub fn bodies_around(&self, region: RegionId) -> Vec<&PartnerBody> {
        let up = self.ancestors_and_self(region);
        let mut out: Vec<(usize, &PartnerBody)> = self
            .bodies
            .iter()
            .filter_map(|body| {
                if let Some(depth) = up.iter().position(|&r| r == body.region) {
                    Some((up.len() - depth, body))
                } else if self.ancestors_and_self(body.region).contains(&region) {
                    Some((up.len() + 1, body))
                } else {
                    None
                }
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.id.cmp(&b.1.id)));
        out.into_iter().map(|(_, b)| b).collect()
    }

    /// The ladder rung of a candidate for a sector and year limit: the best counted body
    /// (0 to [`MAX_BODY_LEVEL`]), with that body.
    pub fn body_level(
        &self,
        candidate: RegionId,
        sector: SectorId,
        before: Option<u16>,
    ) -> Option<BodyMatch<'_>> {
        self.bodies_for(candidate, sector, before)
            .into_iter()
            .next()
            .filter(|m| m.level > 0)
    }

    /// One sentence naming a body: "Aerospace Valley, aerospace cluster organisation of
    /// Midi-Pyrénées, since 2005; international cooperation: …".
    pub fn body_text(&self, body: &PartnerBody) -> String {
        let region = &self.region(body.region).name;
        let mut text =
            String::with_capacity(body.name.len() + region.len() + body.evidence.len() + 96);
        text.push_str(&body.name);
        text.push_str(", ");
        if !body.sectors.is_empty() {
            let names = body.sectors.iter().map(|&s| self.sector(s).name.as_str());
            if names.clone().all(|n| n.is_ascii()) {
                for (i, name) in names.enumerate() {
                    if i > 0 {
                        text.push('/');
                    }
                    text.extend(name.chars().map(|c| c.to_ascii_lowercase()));
                }
            } else {
                // Unicode lower case reads the whole text (a final sigma), as before.
                text.push_str(&names.collect::<Vec<_>>().join("/").to_lowercase());
            }
            text.push(' ');
        }
        text.push_str(body.kind.label());
        text.push_str(" of ");
        text.push_str(region);
        text.push_str(", ");
        match body.founded {
            Some(year) => {
                text.push_str("since ");
                crate::fixed::push_uint(&mut text, u64::from(year));
            }
            None => text.push_str("founding year unknown"),
        }
        match (body.japan, body.international) {
            (true, _) => text.push_str("; Japan cooperation: "),
            (false, true) => text.push_str("; international cooperation: "),
            (false, false) => return text,
        }
        text.push_str(&body.evidence);
        text
    }
}

/// The `founded` cell: empty (unknown) or a whole year in
/// [[`EARLIEST_FOUNDING`], [`LATEST_FOUNDING`]].
fn founding_year(row: &crate::csvin::Row<'_>) -> Result<Option<u16>> {
    let text = row.text("founded");
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<u16>() {
        Ok(year) if (EARLIEST_FOUNDING..=LATEST_FOUNDING).contains(&year) => Ok(Some(year)),
        _ => Err(row.cell_error(
            "founded",
            format!(
                "'{}' is not a founding year between {EARLIEST_FOUNDING} and {LATEST_FOUNDING}",
                crate::lookup::clip(text)
            ),
            "write the year, e.g. 2005, or leave the cell empty when it is not known for certain",
        )),
    }
}

/// A `true`/`false` cell (empty is false).
fn flag(row: &crate::csvin::Row<'_>, column: &str) -> Result<bool> {
    match row.text(column) {
        "true" => Ok(true),
        "false" | "" => Ok(false),
        other => Err(row.cell_error(
            column,
            format!("'{}' is not true or false", crate::lookup::clip(other)),
            "write true or false",
        )),
    }
}
