//! Output: the synthetic directory's files (history, applications, qrels, oracle run) and
//! writing them beside a copy of the catalog.

use super::draws::SurveyTables;
use super::{APPLICATION_YEARS, HISTORY_YEARS, SynthValidParams, Synthetic};
use std::fmt::Write as _;
use std::path::Path;
use tieup_core::catalog::Catalog;
use tieup_core::error::{Error, Result};
use tieup_core::features::FEATURES;

fn feature_list(features: &[usize]) -> String {
    features
        .iter()
        .map(|&f| FEATURES[f].name)
        .collect::<Vec<_>>()
        .join(";")
}

fn csv_text(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).expect("in-memory CSV");
    for row in rows {
        w.write_record(row).expect("in-memory CSV");
    }
    String::from_utf8(w.into_inner().expect("in-memory CSV")).expect("UTF-8")
}

impl Synthetic {
    /// The history in the layout of `data/partnerships.csv`, with extra columns
    /// (`wanted`, `bureau`, `survey_sector`, `implementation_bodies`, `commitment`,
    /// `obstacles`).
    pub fn partnerships_csv(&self, catalog: &Catalog) -> String {
        let header: Vec<&str> = tieup_core::catalog::PARTNERSHIP_COLUMNS
            .into_iter()
            .chain([
                "wanted",
                "bureau",
                "survey_sector",
                "implementation_bodies",
                "commitment",
                "obstacles",
            ])
            .collect();
        let rows: Vec<Vec<String>> = self
            .themes
            .iter()
            .map(|c| {
                let a = &c.attributes;
                vec![
                    c.id.clone(),
                    catalog.region(c.japan_region).id.clone(),
                    c.partners
                        .iter()
                        .map(|&p| catalog.region(p).id.as_str())
                        .collect::<Vec<_>>()
                        .join(";"),
                    catalog.sectors().get(c.sector).id.clone(),
                    c.year.to_string(),
                    c.end_fy.to_string(),
                    c.activities[0].to_string(),
                    c.activities[1].to_string(),
                    c.activities[2].to_string(),
                    a.outcome.as_str().into(),
                    format!(
                        "synthetic: commitment {}, outcome drawn from commitment_vs_achievement.csv",
                        a.commitment.as_str()
                    ),
                    format!("tieup synth --seed {} (synthetic, not a real partnership)", self.seed),
                    feature_list(&a.wanted),
                    c.bureau.clone(),
                    c.survey_sector.clone(),
                    a.bodies.iter().map(|b| b.name()).collect::<Vec<_>>().join(";"),
                    a.commitment.as_str().into(),
                    a.obstacles.join(";"),
                ]
            })
            .collect();
        csv_text(&header, &rows)
    }

    /// The held-out applications in the schema of `data/applications.example.csv`.
    pub fn applications_csv(&self, catalog: &Catalog) -> String {
        let header = tieup_core::application::COLUMNS;
        let yes_no = |b: bool| if b { "true" } else { "false" }.to_string();
        let rows: Vec<Vec<String>> = self
            .applications
            .iter()
            .map(|c| {
                let a = &c.attributes;
                let x = c.application.as_ref().expect("applications have extras");
                vec![
                    c.id.clone(),
                    catalog.region(c.japan_region).id.clone(),
                    catalog.sectors().get(c.sector).id.clone(),
                    c.year.to_string(),
                    x.objectives
                        .iter()
                        .map(|&o| tieup_core::application::OBJECTIVES[o].0)
                        .collect::<Vec<_>>()
                        .join(";"),
                    feature_list(&a.wanted),
                    a.bodies
                        .iter()
                        .map(|b| b.name())
                        .collect::<Vec<_>>()
                        .join(";"),
                    a.commitment.as_str().into(),
                    yes_no(x.preparation),
                    x.continuation_years.to_string(),
                    yes_no(x.mediator),
                    yes_no(x.core_company),
                    x.support_tools
                        .iter()
                        .map(|t| t.name())
                        .collect::<Vec<_>>()
                        .join(";"),
                ]
            })
            .collect();
        csv_text(&header, &rows)
    }

    /// TREC qrels of the applications: `qid 0 docno rel`, rel = `learn::label(outcome)`.
    pub fn qrels(&self, catalog: &Catalog) -> String {
        let mut out = String::new();
        for c in &self.applications {
            let mut partners: Vec<&str> = c
                .partners
                .iter()
                .map(|&p| catalog.region(p).id.as_str())
                .collect();
            partners.sort_unstable();
            for p in partners {
                let _ = writeln!(
                    out,
                    "{} 0 {p} {}",
                    c.id,
                    tieup_learn::label(c.attributes.outcome)
                );
            }
        }
        out
    }

    /// The oracle's noise-free utilities as a TREC run (every candidate of every case).
    pub fn oracle_run(&self, catalog: &Catalog) -> String {
        let ids: Vec<&str> = catalog
            .candidate_ids()
            .map(|c| catalog.region(c).id.as_str())
            .collect();
        let mut out = String::new();
        for c in self.cases() {
            let order = crate::eval::metrics::trec_order(&c.utilities, &ids);
            for (rank, &i) in order.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "{} Q0 {} {} {} oracle",
                    c.id,
                    ids[i],
                    rank + 1,
                    c.utilities[i]
                );
            }
        }
        out
    }
}

/// Catalog files copied from the source directory (besides every file in `survey/`).
pub const CATALOG_FILES: [&str; 6] = [
    "sectors.csv",
    "japan_regions.csv",
    "overseas_regions.csv",
    "strengths.csv",
    "traits.csv",
    "sector_relatedness.csv",
];

/// Copies the catalog and the survey tables the history was generated from, unchanged.
fn copy_inputs(source: &Path, write: &dyn Fn(&str, &[u8]) -> Result<()>) -> Result<()> {
    let bodies = source.join(tieup_core::catalog::BODIES_FILE);
    if bodies.is_file() {
        write(
            tieup_core::catalog::BODIES_FILE,
            &std::fs::read(&bodies).map_err(|e| Error::io(&bodies, e))?,
        )?;
    }
    for name in CATALOG_FILES {
        let path = source.join(name);
        write(
            name,
            &std::fs::read(&path).map_err(|e| Error::io(&path, e))?,
        )?;
    }
    let survey = source.join("survey");
    let mut entries: Vec<std::path::PathBuf> = std::fs::read_dir(&survey)
        .map_err(|e| Error::io(&survey, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    entries.sort();
    for path in entries {
        let name = format!(
            "survey/{}",
            path.file_name().expect("file").to_string_lossy()
        );
        write(
            &name,
            &std::fs::read(&path).map_err(|e| Error::io(&path, e))?,
        )?;
    }
    Ok(())
}

/// The directory's README: how it was generated and what each file holds.
fn readme(source: &Path, synthetic: &Synthetic, params: &SynthValidParams) -> String {
    format!(
        "# Synthetic partnership history\n\n\
         Generated by `tieup synth --seed {seed} --themes {themes} --applications-per-year {apps} --noise {noise}`\n\
         from the catalog in `{source}`. Not real partnerships: a benchmark with a known truth.\n\n\
         - `partnerships.csv`: {n_themes} R2R themes FY{h0}-{h1} (the training history), in the layout of `data/partnerships.csv`.\n\
         - `applications.csv`, `applications_qrels.txt`: {n_apps} RIT applications FY{a0}-{a1} (the held-out period) and their true partners.\n\
         - `oracle_run.txt`: the noise-free ground-truth utility of every candidate, as a TREC run.\n\
         - `truth.json`: the utility (formula, parameters, per-sector survey shares).\n\
         - `calibration.json`: generated rates against the survey tables.\n\
         - the other files: the catalog, copied unchanged.\n\n\
         Evaluate with `tieup eval --data <this directory> --out <report directory>`.\n",
        seed = params.seed,
        themes = params.themes,
        apps = params.applications_per_year(),
        noise = params.truth.noise,
        source = source.file_name().map_or_else(
            || source.display().to_string(),
            |n| n.to_string_lossy().into_owned()
        ),
        n_themes = synthetic.themes.len(),
        n_apps = synthetic.applications.len(),
        h0 = HISTORY_YEARS.start(),
        h1 = HISTORY_YEARS.end(),
        a0 = APPLICATION_YEARS.start(),
        a1 = APPLICATION_YEARS.end(),
    )
}

/// Writes the synthetic directory `out` (see the module docs), copying the catalog from
/// `source`. Every file is written atomically.
pub fn write_dir(
    out: &Path,
    source: &Path,
    catalog: &Catalog,
    tables: &SurveyTables,
    synthetic: &Synthetic,
    params: &SynthValidParams,
) -> Result<()> {
    let write = |name: &str, bytes: &[u8]| tieup_core::fsutil::write_atomic(&out.join(name), bytes);
    std::fs::create_dir_all(out.join("survey")).map_err(|e| Error::io(out, e))?;
    copy_inputs(source, &write)?;
    write(
        "partnerships.csv",
        synthetic.partnerships_csv(catalog).as_bytes(),
    )?;
    write(
        "applications.csv",
        synthetic.applications_csv(catalog).as_bytes(),
    )?;
    write(
        "applications_qrels.txt",
        synthetic.qrels(catalog).as_bytes(),
    )?;
    write("oracle_run.txt", synthetic.oracle_run(catalog).as_bytes())?;
    let mut truth = serde_json::to_string_pretty(&synthetic.truth).expect("truth serialises");
    truth.push('\n');
    write("truth.json", truth.as_bytes())?;
    let mut calibration = serde_json::to_string_pretty(&synthetic.calibration(tables)?)
        .expect("calibration serialises");
    calibration.push('\n');
    write("calibration.json", calibration.as_bytes())?;
    let readme = readme(source, synthetic, params);
    write("README.md", readme.as_bytes())?;
    Ok(())
}
