//! `tieup synth`: a synthetic partnership history with a known truth, calibrated to the JETRO
//! 2008 survey, for benchmarking rankers (`tieup eval`).
//!
//! # What is generated
//! - **R2R themes, FY1996-2006** ([`HISTORY_YEARS`]). Their bureau × survey-sector counts
//!   reproduce `survey/themes_by_bureau_sector.csv` exactly for 200 themes; another size keeps
//!   the proportions (largest-remainder rounding of count × size / 200, so 400 doubles every
//!   cell). Start years are spread evenly over the period in a seeded random order; projects
//!   run 1-4 years (10/30/45/15%).
//! - **Place and field.** The fine sector is drawn among the survey sector's finer sectors in
//!   proportion to the bureau's summed strength in each (`Catalog::strength`; every finer
//!   sector keeps at least 5% of the largest weight); the Japanese region is drawn among the
//!   bureau's regions (the `bureau` column of `japan_regions.csv`) in proportion to its
//!   strength in that fine sector (else in the survey sector, else uniformly).
//! - **Wanted features, implementation bodies, obstacles, commitment and outcome** follow the
//!   survey tables by sector ([`draws`]). The outcome depends on commitment alone, as in
//!   `commitment_vs_achievement.csv`; the label a learner sees is `learn::label(outcome)`.
//! - **The partner** maximises the ground-truth utility plus Gumbel noise ([`truth`]) over
//!   every overseas candidate of the catalog, with the features as of the case's year (the
//!   existing-exchange feature sees the synthetic themes that started earlier). One case in
//!   ten ([`SynthParams::second_partner_share`]) also takes the best other region of the same
//!   country, as Fukushima took both Skåne and Västerbotten.
//! - **RIT applications, FY2007-2010** ([`APPLICATION_YEARS`]), the held-out period: 10 a year
//!   per 200 themes (the domain brief: about ten projects adopted a year), each in a bureau ×
//!   sector cell drawn with the table's shares, written in the applications schema
//!   (`application.rs`) with their true partners as TREC qrels (label = `learn::label` of the
//!   drawn outcome). Their preparation, mediator, core company, continuation years and support
//!   tools have no survey table and are drawn uniformly (documented placeholders).
//! - Research trips (0-2), missions (1-4) and invitations (1-4) likewise have no table.
//!
//! # Noise
//! β (`--noise`, default [`truth::DEFAULT_NOISE`]) sets how predictable choices are. It was
//! set so that the survey prior ranks the synthetic partners about as well as it ranks the ten
//! real partnerships of `data/partnerships.csv` (see README, "Benchmark").
//!
//! # Output directory
//! A complete catalog in the layout of `data/` (the source catalog's files copied unchanged,
//! `survey/` included) whose `partnerships.csv` is the synthetic history, plus
//! `applications.csv`, `applications_qrels.txt`, `oracle_run.txt` (the noise-free utility of
//! every candidate for every theme and application, as a TREC run), `truth.json` (the
//! utility's parameters and per-sector shares), `calibration.json` (generated rates against
//! the survey) and a `README.md`. Same catalog, parameters and seed give byte-identical files.

pub mod calibration;
pub mod draws;
pub mod output;
pub mod truth;

pub use calibration::{Calibration, RateCheck};
pub use output::{CATALOG_FILES, write_dir};

use draws::{Attributes, SurveyTables, draw_attributes, weighted_index};
use linfa::ParamGuard;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tieup_core::application::ToolId;
use tieup_core::catalog::{Catalog, Partnership, RegionId, SectorId};
use tieup_core::error::{Error, Result};
use tieup_core::features::{Encoder, Query};
use tieup_core::sector::SectorTable;
use truth::{Truth, TruthParams};

/// Fiscal years of the R2R history.
pub const HISTORY_YEARS: std::ops::RangeInclusive<u16> = 1996..=2006;
/// Fiscal years of the held-out RIT applications.
pub const APPLICATION_YEARS: std::ops::RangeInclusive<u16> = 2007..=2010;
/// Themes of the survey table (the size that reproduces it exactly).
pub const SURVEY_THEMES: usize = 200;
/// Applications a year per 200 themes.
pub const APPLICATIONS_PER_YEAR: usize = 10;

/// Checked generator parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthValidParams {
    seed: u64,
    themes: usize,
    applications_per_year: Option<usize>,
    second_partner_share: f64,
    truth: TruthParams,
}

/// Generator parameters (linfa style: build, `check()`, then [`SynthValidParams::generate`]).
///
/// | parameter | default | range |
/// |---|---|---|
/// | seed | 0 | any |
/// | themes | 200 | 1-100,000 |
/// | applications_per_year | 10 × themes / 200 (at least 1) | 1-10,000 |
/// | noise (β) | [`truth::DEFAULT_NOISE`] | > 0 |
/// | second_partner_share | 0.1 | [0, 1] |
///
/// ```
/// use linfa::ParamGuard;
/// use tieup_bench::synth::SynthParams;
/// assert!(SynthParams::new().check().is_ok());
/// assert!(SynthParams::new().themes(0).check().is_err());
/// assert!(SynthParams::new().noise(0.0).check().is_err());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SynthParams(SynthValidParams);

impl Default for SynthParams {
    fn default() -> Self {
        Self::new()
    }
}

impl SynthParams {
    /// The defaults.
    pub fn new() -> Self {
        SynthParams(SynthValidParams {
            seed: 0,
            themes: SURVEY_THEMES,
            applications_per_year: None,
            second_partner_share: 0.1,
            truth: TruthParams::default(),
        })
    }

    /// Random seed.
    pub fn seed(mut self, seed: u64) -> Self {
        self.0.seed = seed;
        self
    }

    /// Number of R2R themes.
    pub fn themes(mut self, n: usize) -> Self {
        self.0.themes = n;
        self
    }

    /// Applications a year (None: 10 per 200 themes).
    pub fn applications_per_year(mut self, n: Option<usize>) -> Self {
        self.0.applications_per_year = n;
        self
    }

    /// β, the scale of the Gumbel noise of the choice.
    pub fn noise(mut self, beta: f64) -> Self {
        self.0.truth.noise = beta;
        self
    }

    /// Share of cases that take a second partner in the same country.
    pub fn second_partner_share(mut self, share: f64) -> Self {
        self.0.second_partner_share = share;
        self
    }
}

impl ParamGuard for SynthParams {
    type Checked = SynthValidParams;
    type Error = Error;

    fn check_ref(&self) -> Result<&SynthValidParams> {
        let p = &self.0;
        let invalid = |name: &'static str, value: String, reason: &str| {
            Err(Error::InvalidParam {
                name,
                value,
                reason: reason.into(),
            })
        };
        if !(1..=100_000).contains(&p.themes) {
            return invalid("themes", p.themes.to_string(), "must be 1-100,000");
        }
        if let Some(n) = p.applications_per_year
            && !(1..=10_000).contains(&n)
        {
            return invalid("applications_per_year", n.to_string(), "must be 1-10,000");
        }
        if !(p.truth.noise.is_finite() && p.truth.noise > 0.0) {
            return invalid("noise", p.truth.noise.to_string(), "must be a number > 0");
        }
        if !(0.0..=1.0).contains(&p.second_partner_share) {
            return invalid(
                "second_partner_share",
                p.second_partner_share.to_string(),
                "must be in [0, 1]",
            );
        }
        Ok(p)
    }

    fn check(self) -> Result<SynthValidParams> {
        self.check_ref()?;
        Ok(self.0)
    }
}

/// What an application has beyond a theme.
#[derive(Debug, Clone, PartialEq)]
pub struct ApplicationExtras {
    /// Positions in `application::OBJECTIVES` (those whose features are all wanted).
    pub objectives: Vec<usize>,
    /// Advance preparation done.
    pub preparation: bool,
    /// Years the region funds the exchange after support ends.
    pub continuation_years: u32,
    /// A mediator for communication.
    pub mediator: bool,
    /// A motivated core company.
    pub core_company: bool,
    /// The support tools asked for, ascending.
    pub support_tools: Vec<ToolId>,
}

/// One synthetic case: an R2R theme or a RIT application.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// Partnership or application id.
    pub id: String,
    /// METI bureau of the Japanese region.
    pub bureau: String,
    /// The Japanese region.
    pub japan_region: RegionId,
    /// The (fine) sector.
    pub sector: SectorId,
    /// Survey-sector id.
    pub survey_sector: String,
    /// Start (or application) fiscal year.
    pub year: u16,
    /// Last fiscal year of a theme.
    pub end_fy: u16,
    /// Survey-calibrated attributes.
    pub attributes: Attributes,
    /// Research trips, missions, invitations.
    pub activities: [u32; 3],
    /// Chosen partner regions, the best first.
    pub partners: Vec<RegionId>,
    /// Noise-free utility of every overseas candidate, in catalog order.
    pub utilities: Vec<f64>,
    /// For an application, its extra fields.
    pub application: Option<ApplicationExtras>,
}

/// A generated history.
#[derive(Debug, Clone)]
pub struct Synthetic {
    /// R2R themes, by start year then id.
    pub themes: Vec<Case>,
    /// RIT applications, by year then id.
    pub applications: Vec<Case>,
    /// The ground truth used.
    pub truth: Truth,
    /// The seed used.
    pub seed: u64,
}

/// Splits `total` items over cells in proportion to `counts` (largest remainder; ties to the
/// earlier cell). With `total` equal to the sum of `counts`, every cell keeps its count.
///
/// ```
/// let cells = tieup_bench::synth::allocate(&[3, 1, 0, 6], 20);
/// assert_eq!(cells, vec![6, 2, 0, 12]);
/// assert_eq!(tieup_bench::synth::allocate(&[1, 1, 1], 4), vec![2, 1, 1]);
/// ```
pub fn allocate(counts: &[u32], total: usize) -> Vec<usize> {
    let sum: u64 = counts.iter().map(|&c| u64::from(c)).sum();
    if sum == 0 {
        return vec![0; counts.len()];
    }
    let total = total as u64;
    let mut out: Vec<usize> = counts
        .iter()
        .map(|&c| (u64::from(c) * total / sum) as usize)
        .collect();
    let given: usize = out.iter().sum();
    let mut order: Vec<usize> = (0..counts.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(u64::from(counts[i]) * total % sum));
    for &i in order.iter().take(total as usize - given) {
        out[i] += 1;
    }
    out
}

/// The cells of the themes table: (bureau, survey sector, count), bureau-major.
pub fn theme_cells(tables: &SurveyTables) -> Vec<(String, String, u32)> {
    let t = &tables.themes;
    let mut cells = Vec::new();
    for (r, bureau) in t.items.iter().enumerate() {
        for (c, sector) in t.columns.iter().enumerate() {
            if sector != "total" {
                cells.push((bureau.clone(), sector.clone(), t.counts[r][c]));
            }
        }
    }
    cells
}

fn gumbel<R: Rng>(rng: &mut R) -> f64 {
    let u: f64 = rng.r#gen::<f64>().max(1e-300);
    -(-u.ln()).ln()
}

struct Generator<'a> {
    catalog: &'a Catalog,
    tables: &'a SurveyTables,
    truth: &'a Truth,
    params: &'a SynthValidParams,
}

impl Generator<'_> {
    fn sector_position(&self, id: &str) -> Result<SectorId> {
        let sectors: &SectorTable = self.catalog.sectors();
        sectors
            .iter()
            .find(|(_, s)| s.id == id && s.parent.is_none())
            .map(|(p, _)| p)
            .ok_or_else(|| {
                Error::data(
                    self.catalog.dir().join(draws::THEMES_FILE),
                    None,
                    format!("column '{id}' is not a survey sector of sectors.csv"),
                    "name the columns after the survey sectors (top-level ids of sectors.csv)",
                )
            })
    }

    fn bureau_regions(&self, bureau: &str) -> Result<Vec<RegionId>> {
        let regions: Vec<RegionId> = self
            .catalog
            .japan_ids()
            .filter(|&r| self.catalog.region(r).bureau.as_deref() == Some(bureau))
            .collect();
        if regions.is_empty() {
            return Err(Error::data(
                self.catalog.dir().join(draws::THEMES_FILE),
                None,
                format!("no Japanese region of the catalog is in bureau '{bureau}'"),
                "name the rows after the bureaus of the catalog's Japanese regions",
            ));
        }
        Ok(regions)
    }

    /// Draws the fine sector and the Japanese region of a case in a bureau × survey sector.
    fn place<R: Rng>(
        &self,
        bureau: &str,
        survey: &str,
        rng: &mut R,
    ) -> Result<(SectorId, RegionId)> {
        let catalog = self.catalog;
        let s = self.sector_position(survey)?;
        let regions = self.bureau_regions(bureau)?;
        let children = &catalog.sectors().get(s).children;
        let fine = if children.is_empty() {
            s
        } else {
            let mass: Vec<f64> = children
                .iter()
                .map(|&f| regions.iter().map(|&r| catalog.strength(r, f)).sum())
                .collect();
            let top = mass.iter().copied().fold(0.0, f64::max);
            let floor = if top > 0.0 { 0.05 * top } else { 1.0 };
            let weights: Vec<f64> = mass.iter().map(|m| m.max(floor)).collect();
            children[weighted_index(rng, &weights)]
        };
        let mut weights: Vec<f64> = regions.iter().map(|&r| catalog.strength(r, fine)).collect();
        if weights.iter().sum::<f64>() <= 0.0 {
            weights = regions.iter().map(|&r| catalog.strength(r, s)).collect();
        }
        if weights.iter().sum::<f64>() <= 0.0 {
            weights = vec![1.0; regions.len()];
        }
        Ok((fine, regions[weighted_index(rng, &weights)]))
    }

    fn new_case<R: Rng>(&self, bureau: &str, survey: &str, year: u16, rng: &mut R) -> Result<Case> {
        let (sector, japan_region) = self.place(bureau, survey, rng)?;
        let attributes = draw_attributes(self.tables, survey, rng)?;
        let duration = 1 + weighted_index(rng, &[0.10, 0.30, 0.45, 0.15]) as u16;
        let activities = [
            weighted_index(rng, &[0.3, 0.5, 0.2]) as u32,
            rng.gen_range(1..=4),
            rng.gen_range(1..=4),
        ];
        Ok(Case {
            id: String::new(),
            bureau: bureau.to_string(),
            japan_region,
            sector,
            survey_sector: survey.to_string(),
            year,
            end_fy: year + duration - 1,
            attributes,
            activities,
            partners: Vec::new(),
            utilities: Vec::new(),
            application: None,
        })
    }

    /// Scores every candidate and draws the partner(s).
    fn choose<R: Rng>(&self, encoder: &Encoder<'_>, case: &mut Case, rng: &mut R) {
        let catalog = self.catalog;
        let query = Query {
            japan_region: case.japan_region,
            sector: case.sector,
            wanted: features_at(&case.attributes.wanted),
            before_year: Some(case.year),
        };
        let candidates: Vec<RegionId> = catalog.candidate_ids().collect();
        case.utilities = candidates
            .iter()
            .map(|&c| {
                let x = encoder.encode_one(&query, c);
                self.truth
                    .utility(&case.survey_sector, &case.attributes.wanted, &x)
            })
            .collect();
        let beta = self.truth.params.noise;
        let total: Vec<f64> = case
            .utilities
            .iter()
            .map(|u| u + beta * gumbel(rng))
            .collect();
        let argmax = |keep: &dyn Fn(usize) -> bool| {
            (0..candidates.len())
                .filter(|&i| keep(i))
                .fold(None, |best: Option<usize>, i| match best {
                    Some(b) if total[b] >= total[i] => Some(b),
                    _ => Some(i),
                })
        };
        let best = argmax(&|_| true).expect("the catalog has overseas candidates");
        case.partners = vec![candidates[best]];
        if rng.r#gen::<f64>() < self.params.second_partner_share {
            let country = &catalog.region(candidates[best]).country;
            if let Some(second) =
                argmax(&|i| i != best && &catalog.region(candidates[i]).country == country)
            {
                case.partners.push(candidates[second]);
            }
        }
    }
}

/// The themes chosen so far as catalog partnerships (what existing exchange sees).
fn as_partnerships(cases: &[Case]) -> Vec<Partnership> {
    cases
        .iter()
        .map(|c| Partnership {
            id: c.id.clone(),
            japan_region: c.japan_region,
            overseas_regions: c.partners.clone(),
            sector: c.sector,
            start_fy: c.year,
            end_fy: c.end_fy,
            outcome: c.attributes.outcome,
            activities: c.activities.map(Some),
            wanted: features_at(&c.attributes.wanted),
        })
        .collect()
}

impl SynthValidParams {
    /// Applications a year.
    pub fn applications_per_year(&self) -> usize {
        self.applications_per_year.unwrap_or_else(|| {
            ((APPLICATIONS_PER_YEAR * self.themes) as f64 / SURVEY_THEMES as f64)
                .round()
                .max(1.0) as usize
        })
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Generates a history on `catalog` following `tables`.
    pub fn generate(&self, catalog: &Catalog, tables: &SurveyTables) -> Result<Synthetic> {
        let truth = Truth::from_tables(
            &tables.traits,
            &tables.obstacles,
            catalog.sectors(),
            self.truth.clone(),
        )?;
        let generator = Generator {
            catalog,
            tables,
            truth: &truth,
            params: self,
        };
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        let cells = theme_cells(tables);
        let counts: Vec<u32> = cells.iter().map(|c| c.2).collect();
        let mut slots: Vec<usize> = Vec::with_capacity(self.themes);
        for (cell, n) in allocate(&counts, self.themes).into_iter().enumerate() {
            slots.extend(std::iter::repeat_n(cell, n));
        }
        rand::seq::SliceRandom::shuffle(slots.as_mut_slice(), &mut rng);
        let first = *HISTORY_YEARS.start();
        let n_years = HISTORY_YEARS.len();
        let mut themes = Vec::with_capacity(slots.len());
        for (i, &cell) in slots.iter().enumerate() {
            let year = first + (i * n_years / slots.len()) as u16;
            let (bureau, survey, _) = &cells[cell];
            themes.push(generator.new_case(bureau, survey, year, &mut rng)?);
        }
        // Chronological ids; ties keep the drawing order.
        themes.sort_by_key(|c| c.year);
        for (i, case) in themes.iter_mut().enumerate() {
            case.id = format!("synth_r2r_{:04}", i + 1);
        }
        // Partners, year by year: existing exchange sees the themes of earlier years.
        let mut start = 0;
        while start < themes.len() {
            let year = themes[start].year;
            let end = start
                + themes[start..]
                    .iter()
                    .take_while(|c| c.year == year)
                    .count();
            let history = catalog.with_partnerships(as_partnerships(&themes[..start]));
            let encoder = Encoder::new(&history);
            for case in &mut themes[start..end] {
                generator.choose(&encoder, case, &mut rng);
            }
            start = end;
        }
        // Applications, against the whole history.
        let history = catalog.with_partnerships(as_partnerships(&themes));
        let encoder = Encoder::new(&history);
        let per_year = self.applications_per_year();
        let mut applications = Vec::new();
        for year in APPLICATION_YEARS {
            for n in 0..per_year {
                let cell = weighted_index(
                    &mut rng,
                    &counts.iter().map(|&c| f64::from(c)).collect::<Vec<_>>(),
                );
                let (bureau, survey, _) = &cells[cell];
                let mut case = generator.new_case(bureau, survey, year, &mut rng)?;
                case.id = format!("rit{year}_{:03}", n + 1);
                case.application = Some(application_extras(&case.attributes.wanted, &mut rng));
                generator.choose(&encoder, &mut case, &mut rng);
                applications.push(case);
            }
        }
        Ok(Synthetic {
            themes,
            applications,
            truth,
            seed: self.seed,
        })
    }
}

fn application_extras<R: Rng>(wanted: &[usize], rng: &mut R) -> ApplicationExtras {
    let objectives = tieup_core::application::OBJECTIVES
        .iter()
        .enumerate()
        .filter(|(_, (_, features))| features.iter().all(|f| wanted.contains(&f.index())))
        .map(|(i, _)| i)
        .collect();
    let n_tools = tieup_core::application::SUPPORT_TOOLS.len();
    let mut support_tools: Vec<ToolId> = (0..n_tools)
        .filter(|_| rng.gen_bool(0.35))
        .map(ToolId::from_index)
        .collect();
    if support_tools.is_empty() {
        support_tools.push(ToolId::from_index(rng.gen_range(0..n_tools)));
    }
    ApplicationExtras {
        objectives,
        preparation: rng.gen_bool(0.5),
        continuation_years: rng.gen_range(0..=3),
        mediator: rng.gen_bool(0.4),
        core_company: rng.gen_bool(0.6),
        support_tools,
    }
}

impl Synthetic {
    /// All cases, themes first.
    pub fn cases(&self) -> impl Iterator<Item = &Case> {
        self.themes.iter().chain(&self.applications)
    }
}

#[cfg(test)]
mod tests;

/// The features at schema positions.
fn features_at(positions: &[usize]) -> Vec<tieup_core::features::Feature> {
    positions
        .iter()
        .filter_map(|&f| tieup_core::features::Feature::from_index(f))
        .collect()
}
