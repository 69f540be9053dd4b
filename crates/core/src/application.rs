//! Tie-up applications: the input of batch scoring, read as CSV or JSON Lines, one
//! application per row, streamed (never the whole batch in memory).
//!
//! Columns: `application_id`, `japan_region`, `sector` (required); `fiscal_year`,
//! `objectives`, `desired_traits`, `implementation_bodies`, `commitment`
//! (sufficient / partial / unknown), `preparation`, `continuation_years`, `mediator`,
//! `core_company`, `support_tools` (optional). Lists are `;`-separated in CSV and may be JSON
//! arrays in JSON Lines. `data/applications.example.csv` documents the schema by example.
//!
//! A row that cannot be used becomes a [`Reject`] with its line number and every problem
//! found in it, each with its column ([`Problem`]); the reader goes on with the next row. Only a file that is not an application file at all
//! (empty, not CSV/JSONL, no header) is an error.

use crate::catalog::{Catalog, RegionKind};
use crate::catalog::{RegionId, SectorId};
use crate::error::{Error, Result};
use crate::features::{Feature, find_feature};
pub use crate::ids::{BodyKindId, ToolId};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// Longest accepted field, in bytes; longer fields reject the row.
pub const MAX_FIELD_BYTES: usize = 4096;

/// The columns, in the documented order.
pub const COLUMNS: [&str; 13] = [
    "application_id",
    "japan_region",
    "sector",
    "fiscal_year",
    "objectives",
    "desired_traits",
    "implementation_bodies",
    "commitment",
    "preparation",
    "continuation_years",
    "mediator",
    "core_company",
    "support_tools",
];

/// JETRO's RIT support tools, in order of business maturity (domain brief).
pub const SUPPORT_TOOLS: [&str; 7] = [
    "workshop",
    "basic_survey",
    "expert_survey_trip",
    "invite_expert",
    "business_mission",
    "invite_partners",
    "coordinators",
];

/// Objectives an application may name, and the features each one wants most.
pub const OBJECTIVES: [(&str, &[Feature]); 7] = [
    (
        "joint_development",
        &[Feature::SameAreaCluster, Feature::AdvancedTechnology],
    ),
    ("technology_import", &[Feature::AdvancedTechnology]),
    (
        "market_development",
        &[Feature::BrandImage, Feature::JapanTechDemand],
    ),
    ("technology_export", &[Feature::JapanTechDemand]),
    ("design", &[Feature::DesignAbility]),
    ("procurement", &[Feature::Materials]),
    ("complementary_cluster", &[Feature::SupplementalCluster]),
];

/// The features an objective wants most; unknown objectives list the known ones.
pub fn objective_features(name: &str) -> Result<&'static [Feature]> {
    let key = crate::lookup::normalize(name).replace(' ', "_");
    OBJECTIVES
        .iter()
        .find(|(o, _)| *o == key)
        .map(|(_, features)| *features)
        .ok_or_else(|| {
            let mut ranked: Vec<(f64, &str)> = OBJECTIVES
                .iter()
                .map(|(o, _)| {
                    let short = crate::features::short_key(&key);
                    (strsim::normalized_levenshtein(short, o), *o)
                })
                .collect();
            ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
            Error::UnknownName {
                kind: "objective",
                query: crate::lookup::clip(name),
                suggestions: ranked.iter().take(3).map(|(_, o)| o.to_string()).collect(),
            }
        })
}

/// One valid application.
#[derive(Debug, Clone, PartialEq)]
pub struct Application {
    /// The applicant's id, unique in the file.
    pub id: String,
    /// 1-based line of the row in its file.
    pub line: u64,
    /// The Japanese region.
    pub japan_region: RegionId,
    /// The sector.
    pub sector: SectorId,
    /// Fiscal year of the application.
    pub fiscal_year: Option<u16>,
    /// Positions in [`OBJECTIVES`].
    pub objectives: Vec<usize>,
    /// Features wanted, from `desired_traits` and the objectives, sorted and unique.
    pub wanted: Vec<Feature>,
    /// What the success model needs.
    pub success: SuccessInputs,
    /// The support tools asked for, sorted and unique.
    pub support_tools: Vec<ToolId>,
}

/// A row that could not be used.
#[derive(Debug, Clone, PartialEq)]
pub struct Reject {
    /// 1-based line in the input.
    pub line: u64,
    /// The application id, when it could be read.
    pub application_id: String,
    /// Every problem found, as `column: problem` joined by `; ` (the same as [`Reject::problems`]).
    pub reason: String,
    /// Every problem found in the row, in column order, each with its column.
    pub problems: Vec<Problem>,
}

/// One problem of a rejected row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The column (one of [`COLUMNS`]), or [`ROW`] for a problem of the whole row.
    pub column: &'static str,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// The column name of a problem that belongs to the whole row (a quote never closed, too many
/// fields, a line that is not JSON).
pub const ROW: &str = "(row)";

impl Problem {
    /// A problem of `column`.
    pub fn new(column: &'static str, message: impl Into<String>) -> Self {
        Problem {
            column,
            message: message.into(),
        }
    }

    /// A problem of the whole row.
    pub fn row(message: impl Into<String>) -> Self {
        Problem::new(ROW, message)
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.column == ROW {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.column, self.message)
        }
    }
}

impl Reject {
    /// A reject of the row on `line` with its problems, sorted into column order.
    pub fn new(line: u64, application_id: String, mut problems: Vec<Problem>) -> Self {
        let order = |c: &str| COLUMNS.iter().position(|x| *x == c).unwrap_or(usize::MAX);
        // Row problems first, then columns in file order; a stable sort keeps the order in
        // which a column's problems were found.
        problems.sort_by_key(|p| {
            if p.column == ROW {
                0
            } else {
                1 + order(p.column)
            }
        });
        let reason = problems
            .iter()
            .map(Problem::to_string)
            .collect::<Vec<_>>()
            .join("; ");
        Reject {
            line,
            application_id,
            reason,
            problems,
        }
    }
}

/// CSV or JSON Lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// Comma-separated with a header row.
    Csv,
    /// One JSON object per line.
    JsonLines,
}

/// Streams applications from a file.
pub struct ApplicationReader<'a, R: Read> {
    catalog: &'a Catalog,
    path: PathBuf,
    inner: Inner<R>,
    seen: HashSet<Box<str>>,
    rejected_id: String,
}

enum Inner<R: Read> {
    Csv {
        stream: Box<crate::csvstream::CsvStream<BufReader<R>>>,
        columns: Vec<Option<usize>>,
        n_header: usize,
    },
    Json {
        lines: BufReader<R>,
        line: u64,
        buffer: Vec<u8>,
    },
}

fn file_error(path: &Path, line: Option<u64>, message: String, fix: &str) -> Error {
    Error::data(path, line, message, fix)
}

impl<'a> ApplicationReader<'a, BufReader<std::fs::File>> {
    /// Opens a file, choosing the format by extension (`.jsonl`, `.ndjson`, `.json` are JSON
    /// Lines, `.csv` is CSV) or, failing that, by its first byte (after a byte-order mark).
    /// The sniffed bytes stay in the buffer, so pipes such as `/dev/stdin` lose nothing.
    pub fn open(catalog: &'a Catalog, path: &Path) -> Result<Self> {
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        let mut input = BufReader::new(file);
        let head = input.fill_buf().map_err(|e| Error::io(path, e))?;
        if head.is_empty() {
            return Err(file_error(
                path,
                None,
                "the file is empty".into(),
                "give a CSV file with a header row, or JSON Lines",
            ));
        }
        let first = head
            .strip_prefix(b"\xEF\xBB\xBF".as_slice())
            .unwrap_or(head)
            .first()
            .copied();
        let extension = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        let format = match extension.as_deref() {
            Some("jsonl" | "ndjson" | "json") => InputFormat::JsonLines,
            Some("csv") => InputFormat::Csv,
            _ if first == Some(b'{') => InputFormat::JsonLines,
            _ => InputFormat::Csv,
        };
        Self::new(catalog, path, input, format)
    }
}

impl<'a, R: Read> ApplicationReader<'a, R> {
    /// Reads applications in `format` from `input`; `path` names it in messages.
    pub fn new(catalog: &'a Catalog, path: &Path, input: R, format: InputFormat) -> Result<Self> {
        let inner = match format {
            InputFormat::Csv => {
                let mut stream = crate::csvstream::CsvStream::new(BufReader::new(input));
                let header = match stream.next_record() {
                    Some(Ok(crate::csvstream::Record::Fields { fields, .. })) => fields,
                    Some(Ok(crate::csvstream::Record::Unterminated { line, .. })) => {
                        return Err(file_error(
                            path,
                            Some(line),
                            "cannot read a CSV header: a quote is never closed".into(),
                            "close the quote or remove it",
                        ));
                    }
                    Some(Err(e)) => return Err(Error::io(path, e)),
                    None => Vec::new(),
                };
                let names: Vec<String> = header
                    .iter()
                    .map(|h| String::from_utf8_lossy(h).trim().to_string())
                    .collect();
                if names.len() <= 1 && !names.iter().any(|n| n == "application_id") {
                    return Err(file_error(
                        path,
                        Some(1),
                        "this is not a CSV application file: the first line has no comma-separated header".into(),
                        "give a CSV with the header application_id,japan_region,sector,... (see data/applications.example.csv), or JSON Lines",
                    ));
                }
                for required in &COLUMNS[..3] {
                    if !names.iter().any(|n| n == required) {
                        return Err(file_error(
                            path,
                            Some(1),
                            format!(
                                "missing column '{required}' (header has: {})",
                                names.join(",")
                            ),
                            "name the columns as in data/applications.example.csv",
                        ));
                    }
                }
                let columns = COLUMNS
                    .iter()
                    .map(|c| names.iter().position(|n| n == c))
                    .collect();
                Inner::Csv {
                    stream: Box::new(stream),
                    columns,
                    n_header: names.len(),
                }
            }
            InputFormat::JsonLines => Inner::Json {
                lines: BufReader::new(input),
                line: 0,
                buffer: Vec::new(),
            },
        };
        Ok(ApplicationReader {
            catalog,
            path: path.to_path_buf(),
            inner,
            seen: HashSet::new(),
            rejected_id: String::new(),
        })
    }

    /// The next row: `Ok(Ok(app))`, `Ok(Err(reject))`, or `Err` for an unreadable file.
    pub fn next_row(&mut self) -> Option<Result<std::result::Result<Application, Reject>>> {
        let (line, fields) = match self.read_fields()? {
            Ok(f) => f,
            Err(e) => return Some(Err(e)),
        };
        let fields = match fields {
            Ok(fields) => fields,
            Err(problems) => {
                return Some(Ok(Err(Reject::new(
                    line,
                    std::mem::take(&mut self.rejected_id),
                    problems,
                ))));
            }
        };
        let id = fields[0].clone().unwrap_or_default();
        Some(Ok(self
            .parse(line, &fields)
            .map_err(|problems| Reject::new(line, id, problems))))
    }

    /// Raw fields of the next row in [`COLUMNS`] order, or a row-level problem.
    fn read_fields(&mut self) -> Option<Result<(u64, RowFields)>> {
        match &mut self.inner {
            Inner::Csv {
                stream,
                columns,
                n_header,
            } => {
                let record = stream.next_record()?;
                Some(csv_row(
                    record,
                    columns,
                    *n_header,
                    &self.path,
                    &mut self.rejected_id,
                ))
            }
            Inner::Json {
                lines,
                line,
                buffer,
            } => json_row(lines, line, buffer, &self.path),
        }
    }

    fn parse(
        &mut self,
        line: u64,
        f: &[Option<String>],
    ) -> std::result::Result<Application, Vec<Problem>> {
        let mut problems: Vec<Problem> = Vec::new();
        let catalog = self.catalog;
        let (japan_region, sector) = place(catalog, f, &mut problems);
        let fiscal_year = fiscal_year(f[3].as_deref(), &mut problems);
        let list = |i: usize| crate::csvin::split_list(f[i].as_deref().unwrap_or(""));
        let objectives = objectives(&list(4), &mut problems);
        let wanted = wanted(&list(5), &objectives, &mut problems);
        let success = success_inputs(f, &mut problems);
        let support_tools = support_tools(&list(12), &mut problems);
        let id = match required(f, 0) {
            Ok(id) => id.to_string(),
            Err(e) => {
                problems.insert(0, e);
                String::new()
            }
        };
        let (Some(japan_region), Some(sector), true) = (japan_region, sector, problems.is_empty())
        else {
            return Err(problems);
        };
        debug_assert_eq!(catalog.region(japan_region).kind, RegionKind::Japan);
        if !self.seen.insert(id.as_str().into()) {
            return Err(vec![Problem::new(
                COLUMNS[0],
                format!(
                    "duplicate application_id '{}'; give every application its own id",
                    crate::lookup::clip(&id)
                ),
            )]);
        }
        Ok(Application {
            id,
            line,
            japan_region,
            sector,
            fiscal_year,
            objectives,
            wanted,
            success,
            support_tools,
        })
    }
}

/// Cell `i`, which must not be empty.
fn required(f: &[Option<String>], i: usize) -> std::result::Result<&str, Problem> {
    f[i].as_deref()
        .ok_or_else(|| Problem::new(COLUMNS[i], "required, but empty or missing"))
}

/// `japan_region` and `sector`, looked up in the catalog.
fn place(
    catalog: &Catalog,
    f: &[Option<String>],
    problems: &mut Vec<Problem>,
) -> (Option<RegionId>, Option<SectorId>) {
    let japan_region = required(f, 1)
        .and_then(|q| {
            catalog
                .find_japan_region(q)
                .map_err(|e| Problem::new(COLUMNS[1], e.to_string()))
        })
        .map_err(|e| problems.push(e))
        .ok();
    let sector = required(f, 2)
        .and_then(|q| {
            catalog
                .sectors()
                .find(q)
                .map_err(|e| Problem::new(COLUMNS[2], e.to_string()))
        })
        .map_err(|e| problems.push(e))
        .ok();
    (japan_region, sector)
}

/// What the success model reads: `implementation_bodies` to `core_company` (the partner fit
/// is not part of an application).
fn success_inputs(f: &[Option<String>], problems: &mut Vec<Problem>) -> SuccessInputs {
    let bodies = bodies(
        &crate::csvin::split_list(f[6].as_deref().unwrap_or("")),
        problems,
    );
    let commitment = Commitment::parse(f[7].as_deref().unwrap_or("")).unwrap_or_else(|| {
        problems.push(Problem::new(
            COLUMNS[7],
            format!(
                "'{}' is not sufficient, partial or unknown",
                crate::lookup::clip(f[7].as_deref().unwrap_or(""))
            ),
        ));
        Commitment::Unknown
    });
    let mut flag = |i: usize| {
        boolean(f[i].as_deref(), COLUMNS[i]).unwrap_or_else(|e| {
            problems.push(e);
            None
        })
    };
    let preparation = flag(8);
    let mediator = flag(10);
    let core_company = flag(11);
    let continuation_years = continuation_years(f[9].as_deref(), problems);
    SuccessInputs {
        commitment,
        preparation,
        continuation_years,
        bodies,
        core_company,
        mediator,
        partner_fit: None,
    }
}

/// The fields of one row in [`COLUMNS`] order, or every problem found in it.
type RowFields = std::result::Result<Vec<Option<String>>, Vec<Problem>>;

/// The id cell of a rejected CSV record (clipped; empty when missing or not UTF-8).
fn rejected_csv_id(columns: &[Option<usize>], fields: &[Vec<u8>]) -> String {
    columns[0]
        .and_then(|i| fields.get(i))
        .and_then(|b| std::str::from_utf8(b).ok())
        .map(|t| crate::lookup::clip(t.trim()))
        .unwrap_or_default()
}

/// One CSV record as a row; a rejected row leaves its id in `rejected_id`.
fn csv_row(
    record: std::io::Result<crate::csvstream::Record>,
    columns: &[Option<usize>],
    n_header: usize,
    path: &Path,
    rejected_id: &mut String,
) -> Result<(u64, RowFields)> {
    match record {
        Err(e) => Err(Error::io(path, e)),
        Ok(crate::csvstream::Record::Unterminated { line, before }) => {
            *rejected_id = rejected_csv_id(columns, &before);
            Ok((
                line,
                Err(vec![Problem::row(format!(
                    "a quote opened on line {line} is never closed (it would run past {} lines or to the end of the file); close it or remove it, the next lines are read on their own",
                    crate::csvstream::MAX_RECORD_LINES
                ))]),
            ))
        }
        Ok(crate::csvstream::Record::Fields { line, fields }) => {
            let parsed = csv_fields(&fields, columns, n_header);
            if parsed.is_err() {
                *rejected_id = rejected_csv_id(columns, &fields);
            }
            Ok((line, parsed))
        }
    }
}

/// The next non-empty JSON Lines row (`None` at the end of the input).
fn json_row<R: Read>(
    lines: &mut BufReader<R>,
    line: &mut u64,
    buffer: &mut Vec<u8>,
    path: &Path,
) -> Option<Result<(u64, RowFields)>> {
    loop {
        buffer.clear();
        *line += 1;
        let mut limited = (&mut *lines).take(1 << 20);
        match limited.read_until(b'\n', buffer) {
            Ok(0) => return None,
            Ok(_) => {}
            Err(e) => return Some(Err(Error::io(path, e))),
        }
        if buffer.len() >= 1 << 20 && buffer.last() != Some(&b'\n') {
            // Skip the rest of an over-long line.
            let mut rest = Vec::new();
            let _ = lines.read_until(b'\n', &mut rest);
            return Some(Ok((
                *line,
                Err(vec![Problem::row("line longer than 1 MiB")]),
            )));
        }
        if *line == 1 && buffer.starts_with(b"\xEF\xBB\xBF") {
            buffer.drain(..3);
        }
        let text = match std::str::from_utf8(buffer) {
            Ok(t) => t.trim(),
            Err(_) => {
                return Some(Ok((
                    *line,
                    Err(vec![Problem::row(
                        "line is not valid UTF-8; save the file as UTF-8",
                    )]),
                )));
            }
        };
        if text.is_empty() {
            continue;
        }
        return Some(Ok((*line, json_fields(text))));
    }
}

/// The fields of one JSON object in [`COLUMNS`] order (lists joined by `;`).
fn json_fields(text: &str) -> RowFields {
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => return Err(vec![Problem::row(format!("not a JSON object: {e}"))]),
    };
    let Some(object) = value.as_object() else {
        return Err(vec![Problem::row("not a JSON object")]);
    };
    let mut out = Vec::with_capacity(COLUMNS.len());
    for column in COLUMNS {
        let text = match object.get(column) {
            None | Some(serde_json::Value::Null) => None,
            Some(serde_json::Value::String(s)) => Some(s.trim().to_string()),
            Some(serde_json::Value::Array(items)) => Some(
                items
                    .iter()
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                    .collect::<Vec<_>>()
                    .join(";"),
            ),
            Some(other) => Some(other.to_string()),
        };
        if text.as_ref().is_some_and(|t| t.len() > MAX_FIELD_BYTES) {
            return Err(vec![Problem::new(
                column,
                format!("longer than {MAX_FIELD_BYTES} bytes"),
            )]);
        }
        out.push(text.filter(|t| !t.is_empty()));
    }
    Ok(out)
}

/// `fiscal_year`: a year between 1990 and 2100, or empty.
fn fiscal_year(text: Option<&str>, problems: &mut Vec<Problem>) -> Option<u16> {
    match text {
        None => None,
        Some(t) => t
            .parse::<u16>()
            .ok()
            .filter(|y| (1990..=2100).contains(y))
            .or_else(|| {
                problems.push(Problem::new(
                    "fiscal_year",
                    format!(
                        "'{}' is not a year between 1990 and 2100",
                        crate::lookup::clip(t)
                    ),
                ));
                None
            }),
    }
}

/// `objectives`: positions in [`OBJECTIVES`].
fn objectives(names: &[String], problems: &mut Vec<Problem>) -> Vec<usize> {
    let mut objectives = Vec::new();
    for name in names {
        let key = crate::lookup::normalize(name).replace(' ', "_");
        match OBJECTIVES.iter().position(|(o, _)| *o == key) {
            Some(position) => objectives.push(position),
            None => problems.push(Problem::new(
                "objectives",
                format!(
                    "unknown objective '{}'; use {}",
                    crate::lookup::clip(name),
                    OBJECTIVES
                        .iter()
                        .map(|(o, _)| *o)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
        }
    }
    objectives
}

/// `desired_traits` plus the features the objectives want, sorted and deduplicated.
fn wanted(names: &[String], objectives: &[usize], problems: &mut Vec<Problem>) -> Vec<Feature> {
    let mut wanted: Vec<Feature> = Vec::new();
    for name in names {
        match find_feature(name) {
            Ok(feature) => wanted.push(feature),
            Err(e) => problems.push(Problem::new("desired_traits", e.to_string())),
        }
    }
    for &o in objectives {
        wanted.extend_from_slice(OBJECTIVES[o].1);
    }
    wanted.sort_unstable();
    wanted.dedup();
    wanted
}

/// `implementation_bodies`: kinds of [`BODY_KINDS`].
fn bodies(names: &[String], problems: &mut Vec<Problem>) -> Vec<BodyKindId> {
    let mut bodies = Vec::new();
    for name in names {
        match BodyKindId::parse(name) {
            Some(body) => bodies.push(body),
            None => problems.push(Problem::new(
                "implementation_bodies",
                format!(
                    "unknown body '{}'; use {}",
                    crate::lookup::clip(name),
                    BODY_KINDS.join(", ")
                ),
            )),
        }
    }
    bodies
}

/// `continuation_years`: a number of years between 0 and 50, or empty.
fn continuation_years(text: Option<&str>, problems: &mut Vec<Problem>) -> Option<f64> {
    match text {
        None => None,
        Some(t) => t
            .parse::<f64>()
            .ok()
            .filter(|y| y.is_finite() && (0.0..=50.0).contains(y))
            .or_else(|| {
                problems.push(Problem::new(
                    "continuation_years",
                    format!(
                        "'{}' is not a number of years between 0 and 50",
                        crate::lookup::clip(t)
                    ),
                ));
                None
            }),
    }
}

/// `support_tools`: tools of [`SUPPORT_TOOLS`] (by name or number 1-7), sorted.
fn support_tools(names: &[String], problems: &mut Vec<Problem>) -> Vec<ToolId> {
    let mut support_tools = Vec::new();
    for name in names {
        let key = crate::lookup::normalize(name).replace(' ', "_");
        let position = SUPPORT_TOOLS.iter().position(|t| *t == key).or_else(|| {
            key.parse::<usize>()
                .ok()
                .filter(|n| (1..=7).contains(n))
                .map(|n| n - 1)
        });
        match position {
            Some(position) => support_tools.push(ToolId::from_index(position)),
            None => problems.push(Problem::new(
                "support_tools",
                format!(
                    "unknown tool '{}'; use 1-7 or {}",
                    crate::lookup::clip(name),
                    SUPPORT_TOOLS.join(", ")
                ),
            )),
        }
    }
    support_tools.sort_unstable();
    support_tools.dedup();
    support_tools
}

/// The fields of one CSV record in [`COLUMNS`] order, or every problem found in it.
fn csv_fields(
    fields: &[Vec<u8>],
    columns: &[Option<usize>],
    n_header: usize,
) -> std::result::Result<Vec<Option<String>>, Vec<Problem>> {
    let mut problems = Vec::new();
    if fields.len() > n_header {
        problems.push(Problem::row(format!(
            "the row has {} fields, the header has {n_header}; quote fields that contain commas",
            fields.len()
        )));
    }
    let mut out = Vec::with_capacity(COLUMNS.len());
    for (c, column) in columns.iter().enumerate() {
        let Some(i) = column else {
            out.push(None);
            continue;
        };
        let bytes = fields.get(*i).map_or(&[][..], Vec::as_slice);
        if bytes.len() > MAX_FIELD_BYTES {
            problems.push(Problem::new(
                COLUMNS[c],
                format!("{} bytes, longer than {MAX_FIELD_BYTES}", bytes.len()),
            ));
            out.push(None);
            continue;
        }
        match std::str::from_utf8(bytes) {
            Ok(text) => out.push(Some(text.trim().to_string()).filter(|t| !t.is_empty())),
            Err(_) => {
                problems.push(Problem::new(
                    COLUMNS[c],
                    "not valid UTF-8; save the file as UTF-8",
                ));
                out.push(None);
            }
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

impl<R: Read> Iterator for ApplicationReader<'_, R> {
    type Item = Result<std::result::Result<Application, Reject>>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_row()
    }
}

/// Parses a yes/no answer: true/false, yes/no, y/n, 1/0 (any case); empty or `unknown` is
/// `Some(None)`; anything else is `None`.
///
/// ```
/// use tieup_core::application::parse_bool;
/// assert_eq!(parse_bool("Yes"), Some(Some(true)));
/// assert_eq!(parse_bool(""), Some(None));
/// assert_eq!(parse_bool("maybe"), None);
/// ```
pub fn parse_bool(text: &str) -> Option<Option<bool>> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" => Some(Some(true)),
        "false" | "no" | "n" | "0" => Some(Some(false)),
        "unknown" | "" => Some(None),
        _ => None,
    }
}

fn boolean(text: Option<&str>, column: &'static str) -> std::result::Result<Option<bool>, Problem> {
    let text = text.unwrap_or("");
    parse_bool(text).ok_or_else(|| {
        Problem::new(
            column,
            format!(
                "'{}' is not true or false (use true/false, yes/no or 1/0; leave it empty when unknown)",
                crate::lookup::clip(text)
            ),
        )
    })
}

impl BodyKindId {
    /// Every kind, in [`BODY_KINDS`] order.
    pub fn all() -> impl Iterator<Item = BodyKindId> {
        (0..BODY_KINDS.len()).map(BodyKindId::from_index)
    }

    /// The kind's name in [`BODY_KINDS`].
    pub fn name(self) -> &'static str {
        BODY_KINDS[self.index()]
    }

    /// Finds an implementation-body kind by name or a common alias.
    pub fn parse(name: &str) -> Option<BodyKindId> {
        let key = crate::lookup::normalize(name).replace(' ', "_");
        let canonical = match key.as_str() {
            "companies" | "regional_companies" | "firms" | "industry" | "smes" => "company",
            "prefectural_government" | "pref" => "prefecture",
            "city_government" | "municipality" => "city",
            "universities" | "college" | "academia" => "university",
            "chamber" | "chamber_of_commerce_and_industry" => "chamber_of_commerce",
            "industrial_group" | "industry_association" | "associations" => "association",
            "national" | "government" | "national_government_and_support_bodies" => {
                "national_government"
            }
            "consulting_office" | "consultants" => "consultant",
            other => other,
        };
        BODY_KINDS
            .iter()
            .position(|b| *b == canonical)
            .map(BodyKindId::from_index)
    }
}

impl ToolId {
    /// The tool's name in [`SUPPORT_TOOLS`].
    pub fn name(self) -> &'static str {
        SUPPORT_TOOLS[self.index()]
    }
}

/// Commitment of the implementation body (survey wording: took part and contributed
/// sufficiently / to an extent / difficult to tell).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Commitment {
    /// Took part and contributed sufficiently.
    Sufficient,
    /// Took part and contributed to an extent.
    Partial,
    /// Difficult to tell / not stated.
    Unknown,
}

impl Commitment {
    /// The id written in applications files (the one definition [`Commitment::parse`] reads).
    pub fn as_str(self) -> &'static str {
        match self {
            Commitment::Sufficient => "sufficient",
            Commitment::Partial => "partial",
            Commitment::Unknown => "unknown",
        }
    }

    /// Parses `sufficient`, `partial` or `unknown` (empty is unknown).
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "" => Some(Commitment::Unknown),
            t => [
                Commitment::Sufficient,
                Commitment::Partial,
                Commitment::Unknown,
            ]
            .into_iter()
            .find(|c| c.as_str() == t),
        }
    }
}

/// Kinds of implementation body, as in `implementation_bodies_by_sector.csv`.
pub const BODY_KINDS: [&str; 8] = [
    "company",
    "prefecture",
    "city",
    "university",
    "chamber_of_commerce",
    "association",
    "national_government",
    "consultant",
];

/// What is known about an application or a past project.
#[derive(Debug, Clone, PartialEq)]
pub struct SuccessInputs {
    /// Commitment of the implementation body.
    pub commitment: Commitment,
    /// Advance preparation done (None: unknown).
    pub preparation: Option<bool>,
    /// Years the region funds the exchange after support ends (None: unknown).
    pub continuation_years: Option<f64>,
    /// The kinds of body taking part.
    pub bodies: Vec<BodyKindId>,
    /// A motivated core company (None: unknown).
    pub core_company: Option<bool>,
    /// A mediator for communication (None: unknown).
    pub mediator: Option<bool>,
    /// Partner fit in [0, 1] (see `tieup_learn::success::partner_fit`); None: unknown.
    pub partner_fit: Option<f64>,
}

impl SuccessInputs {
    /// Nothing known.
    pub fn unknown() -> Self {
        SuccessInputs {
            commitment: Commitment::Unknown,
            preparation: None,
            continuation_years: None,
            bodies: Vec::new(),
            core_company: None,
            mediator: None,
            partner_fit: None,
        }
    }

    /// True when companies, a university and a government body take part together.
    pub fn industry_academia_government(&self) -> bool {
        let has = |k: &str| self.bodies.iter().any(|b| b.name() == k);
        has("company")
            && has("university")
            && (has("prefecture") || has("city") || has("national_government"))
    }

    /// The model's input vector, in [`SUCCESS_FEATURES`] order.
    pub fn encode(&self) -> [f64; N_SUCCESS_FEATURES] {
        let tri = |v: Option<bool>| v.map_or(0.5, |b| if b { 1.0 } else { 0.0 });
        let mut kinds = self.bodies.clone();
        kinds.sort_unstable();
        kinds.dedup();
        [
            f64::from(u8::from(self.commitment == Commitment::Sufficient)),
            f64::from(u8::from(self.commitment == Commitment::Partial)),
            tri(self.preparation),
            self.continuation_years
                .map_or(0.0, |y| (y / 3.0).clamp(0.0, 1.0)),
            f64::from(u8::from(self.industry_academia_government())),
            kinds.len() as f64 / BODY_KINDS.len() as f64,
            tri(self.core_company),
            tri(self.mediator),
            self.partner_fit.unwrap_or(0.5).clamp(0.0, 1.0),
        ]
    }
}

/// Number of success-model inputs.
pub const N_SUCCESS_FEATURES: usize = 9;

/// Names of the success-model inputs.
pub const SUCCESS_FEATURES: [&str; N_SUCCESS_FEATURES] = [
    "commitment_sufficient",
    "commitment_partial",
    "preparation",
    "continuation",
    "industry_academia_government",
    "body_mix",
    "core_company",
    "mediator",
    "partner_fit",
];
