//! Calibration: the generated cases against the survey tables they were drawn from.

use super::draws::{self, BodyRates, SurveyTables};
use super::truth;
use super::{Case, Synthetic, allocate, theme_cells};
use serde::Serialize;
use std::collections::BTreeMap;
use tieup_core::catalog::Outcome;
use tieup_core::error::Result;
use tieup_core::features::FEATURES;
use tieup_learn::success::{BODY_KINDS, BodyKindId, Commitment};

/// Calibration of one rate: what the survey tables lead one to expect for the generated cases
/// (the table's share in each case's sector, averaged over the cases) against what was drawn.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RateCheck {
    /// Expected rate.
    pub expected: f64,
    /// Generated rate.
    pub generated: f64,
    /// Cases counted.
    pub n: usize,
    /// (generated − expected) / sqrt(expected (1 − expected) / n): sampling error units.
    pub z: f64,
}

impl RateCheck {
    fn new(expected_sum: f64, hits: usize, n: usize) -> Self {
        let expected = expected_sum / n.max(1) as f64;
        let generated = hits as f64 / n.max(1) as f64;
        let se = (expected * (1.0 - expected) / n.max(1) as f64).sqrt();
        RateCheck {
            expected,
            generated,
            n,
            z: if se > 0.0 {
                (generated - expected) / se
            } else {
                0.0
            },
        }
    }
}

/// Generated cases against the survey tables.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calibration {
    /// Themes per bureau × survey sector: generated, and the table scaled to the size.
    pub theme_cells: BTreeMap<String, BTreeMap<String, (usize, usize)>>,
    /// True when every cell equals the table scaled by largest remainder.
    pub theme_cells_match: bool,
    /// Rates of wanted features, bodies, obstacles, commitment and outcome by commitment.
    pub rates: BTreeMap<String, RateCheck>,
}

/// Expected against drawn rate of `hit` over `cases`, `p` giving each case's expected share.
fn rate_check(
    cases: &[&Case],
    p: &dyn Fn(&Case) -> Result<f64>,
    hit: &dyn Fn(&Case) -> bool,
) -> Result<RateCheck> {
    let mut expected = 0.0;
    let mut hits = 0;
    for c in cases {
        expected += p(c)?;
        hits += usize::from(hit(c));
    }
    Ok(RateCheck::new(expected, hits, cases.len()))
}

/// Themes per (bureau, survey sector): (generated, wanted); and whether all agree.
type ThemeCells = (BTreeMap<String, BTreeMap<String, (usize, usize)>>, bool);

impl Synthetic {
    /// Compares the generated cases (themes and applications) with the survey tables.
    pub fn calibration(&self, tables: &SurveyTables) -> Result<Calibration> {
        let (theme_cells, theme_cells_match) = self.theme_cell_counts(tables);
        let cases: Vec<&Case> = self.cases().collect();
        let mut rates = attribute_rates(&cases, tables)?;
        commitment_rates(&cases, tables, &mut rates)?;
        Ok(Calibration {
            theme_cells,
            theme_cells_match,
            rates,
        })
    }

    fn theme_cell_counts(&self, tables: &SurveyTables) -> ThemeCells {
        let cells = theme_cells(tables);
        let scaled = allocate(
            &cells.iter().map(|c| c.2).collect::<Vec<_>>(),
            self.themes.len(),
        );
        let mut theme_cells: BTreeMap<String, BTreeMap<String, (usize, usize)>> = BTreeMap::new();
        for ((bureau, sector, _), want) in cells.iter().zip(&scaled) {
            let got = self
                .themes
                .iter()
                .filter(|c| &c.bureau == bureau && &c.survey_sector == sector)
                .count();
            theme_cells
                .entry(bureau.clone())
                .or_default()
                .insert(sector.clone(), (got, *want));
        }
        let matched = theme_cells
            .values()
            .flat_map(|m| m.values())
            .all(|(g, w)| g == w);
        (theme_cells, matched)
    }
}

/// Rates of wanted features, implementation bodies and obstacles.
fn attribute_rates(cases: &[&Case], tables: &SurveyTables) -> Result<BTreeMap<String, RateCheck>> {
    let mut rates = BTreeMap::new();
    let mut check = |key: String,
                     p: &dyn Fn(&Case) -> Result<f64>,
                     hit: &dyn Fn(&Case) -> bool|
     -> Result<()> {
        rates.insert(key, rate_check(cases, p, hit)?);
        Ok(())
    };
    for (item, f) in tieup_learn::prior::ITEM_FEATURES {
        check(
            format!("wanted.{}", FEATURES[f].name),
            &|c| {
                SurveyTables::share(
                    &tables.traits,
                    draws::TRAITS_FILE,
                    item,
                    truth::traits_column(&tables.traits, &c.survey_sector),
                )
            },
            &|c| c.attributes.wanted.contains(&f),
        )?;
    }
    for (k, kind) in BODY_KINDS.iter().enumerate() {
        check(
            format!("body.{kind}"),
            &|c| {
                SurveyTables::share(
                    &tables.bodies,
                    draws::BODIES_FILE,
                    draws::BODY_ROWS[k],
                    truth::body_column(&tables.bodies, &c.survey_sector),
                )
            },
            &|c| c.attributes.bodies.contains(&BodyKindId::from_index(k)),
        )?;
    }
    check(
        "body.industry_academia_government_together".into(),
        &|c| {
            SurveyTables::share(
                &tables.bodies,
                draws::BODIES_FILE,
                draws::TOGETHER_ROW,
                truth::body_column(&tables.bodies, &c.survey_sector),
            )
        },
        &|c| BodyRates::is_together(&c.attributes.bodies),
    )?;
    for item in &tables.obstacles.items {
        check(
            format!("obstacle.{item}"),
            &|c| {
                SurveyTables::share(
                    &tables.obstacles,
                    draws::OBSTACLES_FILE,
                    item,
                    truth::body_column(&tables.obstacles, &c.survey_sector),
                )
            },
            &|c| c.attributes.obstacles.contains(item),
        )?;
    }
    Ok(rates)
}

/// Rates of commitment levels, and of outcomes given the level.
fn commitment_rates(
    cases: &[&Case],
    tables: &SurveyTables,
    rates: &mut BTreeMap<String, RateCheck>,
) -> Result<()> {
    let counts = tables.commitment_counts()?;
    let total: u32 = counts.iter().flatten().sum();
    let levels = [
        Commitment::Sufficient,
        Commitment::Partial,
        Commitment::Unknown,
    ];
    let outcomes = [Outcome::During, Outcome::After, Outcome::NotYet];
    for (r, level) in levels.iter().enumerate() {
        let row: u32 = counts[r].iter().sum();
        rates.insert(
            format!("commitment.{}", level.as_str()),
            rate_check(cases, &|_| Ok(f64::from(row) / f64::from(total)), &|c| {
                c.attributes.commitment == *level
            })?,
        );
    }
    // Outcome given commitment: among the cases of each level.
    for (r, level) in levels.iter().enumerate() {
        let row: u32 = counts[r].iter().sum();
        let of_level: Vec<&&Case> = cases
            .iter()
            .filter(|c| c.attributes.commitment == *level)
            .collect();
        for (o, outcome) in outcomes.iter().enumerate() {
            let hits = of_level
                .iter()
                .filter(|c| c.attributes.outcome == *outcome)
                .count();
            rates.insert(
                format!("outcome.{}|{}", outcome.as_str(), level.as_str()),
                RateCheck::new(
                    f64::from(counts[r][o]) / f64::from(row) * of_level.len() as f64,
                    hits,
                    of_level.len(),
                ),
            );
        }
    }
    Ok(())
}
