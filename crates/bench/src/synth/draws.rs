//! What a synthetic case looks like apart from its partner, drawn to follow the JETRO 2008
//! survey tables by survey sector:
//!
//! - wanted features: each survey item of `expected_partner_traits_by_sector.csv` that maps to
//!   a feature is wanted with its sector's share of respondents;
//! - implementation bodies (`implementation_bodies_by_sector.csv`): first whether industry,
//!   academia and government take part together (with the table's share); if so, companies
//!   and a university take part and at least one government body; the other bodies are drawn
//!   so that every kind's overall rate is the table's share (where the table allows it: in a
//!   sector whose "together" share exceeds its university share, the university rate rises to
//!   the "together" share); a set drawn as "not together" that happens to be together is
//!   drawn again;
//! - obstacles (`obstacles_by_sector.csv`): each with its sector's share;
//! - commitment with the shares of `commitment_vs_achievement.csv` (42 sufficient, 50 to an
//!   extent, 6 difficult to tell, of 98), and the outcome given the commitment with that
//!   table's row shares (e.g. sufficient: 26 during, 9 after, 7 not yet).
//!
//! Sectors without their own column use `all_sectors`; the obstacles and bodies tables use
//! `building_materials` for housing and `tourism_housing_design` for tourism and contents.

use super::truth::{body_column, traits_column};
use rand::Rng;
use std::path::Path;
use tieup_core::catalog::Outcome;
use tieup_core::error::{Error, Result};
use tieup_core::survey::CountTable;
use tieup_learn::prior::ITEM_FEATURES;
use tieup_learn::success::{BODY_KINDS, BodyKindId, Commitment};

/// Rows of `implementation_bodies_by_sector.csv`, in [`BODY_KINDS`] order.
pub const BODY_ROWS: [&str; 8] = [
    "regional_companies",
    "prefectural_government_and_support_bodies",
    "city_government_and_support_bodies",
    "universities_and_colleges",
    "chamber_of_commerce",
    "other_associations_and_industrial_groups",
    "national_government_and_support_bodies",
    "consulting_offices",
];

/// The row of industry, academia and government taking part together.
pub const TOGETHER_ROW: &str = "industry_academia_government_together";

/// Rows of `commitment_vs_achievement.csv`, in the order sufficient, partial, unknown.
pub const COMMITMENT_ROWS: [&str; 3] = [
    "took_part_and_contributed_sufficiently",
    "took_part_and_contributed_to_an_extent",
    "difficult_to_tell",
];

/// Columns of `commitment_vs_achievement.csv`, in the order during, after, not yet.
pub const OUTCOME_COLUMNS: [&str; 3] = [
    "achieved_during_project",
    "achieved_after_project",
    "not_achieved_yet",
];

/// The five survey tables a synthetic history follows.
#[derive(Debug, Clone, PartialEq)]
pub struct SurveyTables {
    /// R2R themes by bureau (rows) and survey sector (columns, plus `total`).
    pub themes: CountTable,
    /// Partner traits looked for, by sector.
    pub traits: CountTable,
    /// Implementation bodies, by sector.
    pub bodies: CountTable,
    /// Obstacles, by sector.
    pub obstacles: CountTable,
    /// Commitment (rows) × timing of results (columns).
    pub commitment: CountTable,
}

/// The themes table, under the data directory.
pub const THEMES_FILE: &str = "survey/themes_by_bureau_sector.csv";
/// The partner-traits table.
pub const TRAITS_FILE: &str = "survey/expected_partner_traits_by_sector.csv";
/// The implementation-bodies table.
pub const BODIES_FILE: &str = "survey/implementation_bodies_by_sector.csv";
/// The obstacles table.
pub const OBSTACLES_FILE: &str = "survey/obstacles_by_sector.csv";
/// The commitment × timing table.
pub const COMMITMENT_FILE: &str = "survey/commitment_vs_achievement.csv";

impl SurveyTables {
    /// Reads the tables from `dir/survey/`.
    pub fn load(data_dir: &Path) -> Result<Self> {
        Ok(SurveyTables {
            themes: CountTable::load_rows(&data_dir.join(THEMES_FILE), "bureau")?,
            traits: CountTable::load(&data_dir.join(TRAITS_FILE), "trait")?,
            bodies: CountTable::load(&data_dir.join(BODIES_FILE), "body")?,
            obstacles: CountTable::load(&data_dir.join(OBSTACLES_FILE), "obstacle")?,
            commitment: CountTable::load_rows(
                &data_dir.join(COMMITMENT_FILE),
                "commitment_of_implementation_body",
            )?,
        })
    }

    /// Share of `item` in a column of a table with a respondents row; `file` names the table
    /// (one of the `*_FILE` constants) for the error when the item or column is missing.
    pub fn share(table: &CountTable, file: &str, item: &str, column: &str) -> Result<f64> {
        let (c, n) = table
            .get(item, column)
            .ok_or_else(|| missing(file, &format!("row '{item}' or column '{column}'")))?;
        Ok(f64::from(c) / f64::from(n))
    }

    /// Counts of the commitment table, indexed `counts[commitment][outcome]`.
    pub fn commitment_counts(&self) -> Result<[[u32; 3]; 3]> {
        let mut out = [[0; 3]; 3];
        for (r, row) in COMMITMENT_ROWS.iter().enumerate() {
            let i = self
                .commitment
                .items
                .iter()
                .position(|x| x == row)
                .ok_or_else(|| missing(COMMITMENT_FILE, &format!("row '{row}'")))?;
            for (c, column) in OUTCOME_COLUMNS.iter().enumerate() {
                let j = self
                    .commitment
                    .columns
                    .iter()
                    .position(|x| x == column)
                    .ok_or_else(|| missing(COMMITMENT_FILE, &format!("column '{column}'")))?;
                out[r][c] = self.commitment.counts[i][j];
            }
        }
        Ok(out)
    }
}

/// A survey table lacks a row or column the generator reads (a data error: the table is not
/// the survey's layout).
pub fn missing(file: &str, what: &str) -> Error {
    Error::data(
        file,
        None,
        format!("the survey table has no {what}"),
        "use the survey tables of data/survey/ (the generator reads their rows and columns by name)",
    )
}

/// Everything about a case but its partner and place.
#[derive(Debug, Clone, PartialEq)]
pub struct Attributes {
    /// Wanted features (positions in `features::FEATURES`), ascending.
    pub wanted: Vec<usize>,
    /// Implementation bodies, ascending.
    pub bodies: Vec<BodyKindId>,
    /// Commitment of the implementation body.
    pub commitment: Commitment,
    /// Obstacles reported (row names of `obstacles_by_sector.csv`), in table order.
    pub obstacles: Vec<String>,
    /// The outcome.
    pub outcome: Outcome,
}

/// Draws one index with probability proportional to `weights` (all ≥ 0, some > 0).
pub fn weighted_index<R: Rng>(rng: &mut R, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    let mut u = rng.r#gen::<f64>() * total;
    for (i, w) in weights.iter().enumerate() {
        if u < *w {
            return i;
        }
        u -= w;
    }
    weights.iter().rposition(|w| *w > 0.0).unwrap_or(0)
}

/// The bodies' rates of one table column, prepared for drawing.
#[derive(Debug, Clone, PartialEq)]
pub struct BodyRates {
    /// Share of each body kind (table order = [`BODY_KINDS`]).
    pub marginal: [f64; 8],
    /// Share of "together".
    pub together: f64,
    /// Inclusion probability of each kind when not together.
    apart: [f64; 8],
    /// Government kinds' inclusion probabilities when together, before the at-least-one rule.
    government: [f64; 3],
}

const COMPANY: usize = 0;
const UNIVERSITY: usize = 3;
const GOVERNMENT: [usize; 3] = [1, 2, 6];

impl BodyRates {
    /// The rates of a column of the bodies table.
    pub fn new(table: &CountTable, column: &str) -> Result<Self> {
        let mut marginal = [0.0; 8];
        for (k, row) in BODY_ROWS.iter().enumerate() {
            marginal[k] = SurveyTables::share(table, BODIES_FILE, row, column)?;
        }
        let together = SurveyTables::share(table, BODIES_FILE, TOGETHER_ROW, column)?;
        let government = GOVERNMENT.map(|k| marginal[k]);
        let none = government.iter().map(|p| 1.0 - p).product::<f64>();
        let total: f64 = government.iter().sum();
        let mut apart = marginal;
        let mut given_together = [0.0; 8];
        given_together[COMPANY] = 1.0;
        given_together[UNIVERSITY] = 1.0;
        for (i, &k) in GOVERNMENT.iter().enumerate() {
            given_together[k] = if total > 0.0 {
                government[i] + none * government[i] / total
            } else {
                1.0 / 3.0
            };
        }
        for k in [COMPANY, UNIVERSITY, 1, 2, 6] {
            apart[k] = if together < 1.0 {
                ((marginal[k] - together * given_together[k]) / (1.0 - together)).clamp(0.0, 1.0)
            } else {
                0.0
            };
        }
        Ok(BodyRates {
            marginal,
            together,
            apart,
            government,
        })
    }

    /// True when the set has a company, a university and a government body.
    pub fn is_together(bodies: &[BodyKindId]) -> bool {
        let has = |k: usize| bodies.contains(&BodyKindId::from_index(k));
        has(COMPANY) && has(UNIVERSITY) && GOVERNMENT.iter().any(|&g| has(g))
    }

    /// Draws a set of bodies, ascending (the rates' arrays are in [`BODY_KINDS`] order).
    pub fn draw<R: Rng>(&self, rng: &mut R) -> Vec<BodyKindId> {
        let mut set = self.draw_positions(rng);
        set.sort_unstable();
        set.dedup();
        set.into_iter().map(BodyKindId::from_index).collect()
    }

    /// The positions in [`BODY_KINDS`] of one draw, unsorted.
    fn draw_positions<R: Rng>(&self, rng: &mut R) -> Vec<usize> {
        let mut set: Vec<usize>;
        if rng.r#gen::<f64>() < self.together {
            set = vec![COMPANY, UNIVERSITY];
            for (i, &k) in GOVERNMENT.iter().enumerate() {
                if rng.r#gen::<f64>() < self.government[i] {
                    set.push(k);
                }
            }
            if !GOVERNMENT.iter().any(|g| set.contains(g)) {
                let weights = if self.government.iter().sum::<f64>() > 0.0 {
                    self.government
                } else {
                    [1.0; 3]
                };
                set.push(GOVERNMENT[weighted_index(rng, &weights)]);
            }
            for k in [4, 5, 7] {
                if rng.r#gen::<f64>() < self.marginal[k] {
                    set.push(k);
                }
            }
        } else {
            // Redraw a set that would count as "together"; give up after 100 tries.
            let mut tries = 0;
            loop {
                set = (0..BODY_KINDS.len())
                    .filter(|&k| rng.r#gen::<f64>() < self.apart[k])
                    .collect();
                tries += 1;
                if !Self::is_together_positions(&set) || tries >= 100 {
                    break;
                }
            }
        }
        set
    }

    fn is_together_positions(set: &[usize]) -> bool {
        set.contains(&COMPANY)
            && set.contains(&UNIVERSITY)
            && GOVERNMENT.iter().any(|g| set.contains(g))
    }
}

/// Draws the attributes of a case of survey sector `sector`.
pub fn draw_attributes<R: Rng>(
    tables: &SurveyTables,
    sector: &str,
    rng: &mut R,
) -> Result<Attributes> {
    let traits_col = traits_column(&tables.traits, sector);
    let mut wanted = Vec::new();
    for (item, f) in ITEM_FEATURES {
        if rng.r#gen::<f64>() < SurveyTables::share(&tables.traits, TRAITS_FILE, item, traits_col)?
        {
            wanted.push(f);
        }
    }
    wanted.sort_unstable();
    let bodies = BodyRates::new(&tables.bodies, body_column(&tables.bodies, sector))?.draw(rng);
    let obstacle_col = body_column(&tables.obstacles, sector);
    let mut obstacles = Vec::new();
    for item in &tables.obstacles.items {
        if rng.r#gen::<f64>()
            < SurveyTables::share(&tables.obstacles, OBSTACLES_FILE, item, obstacle_col)?
        {
            obstacles.push(item.clone());
        }
    }
    let counts = tables.commitment_counts()?;
    let row_totals: Vec<f64> = counts
        .iter()
        .map(|r| f64::from(r.iter().sum::<u32>()))
        .collect();
    let c = weighted_index(rng, &row_totals);
    let commitment = [
        Commitment::Sufficient,
        Commitment::Partial,
        Commitment::Unknown,
    ][c];
    let o = weighted_index(rng, &counts[c].map(f64::from));
    let outcome = [Outcome::During, Outcome::After, Outcome::NotYet][o];
    Ok(Attributes {
        wanted,
        bodies,
        commitment,
        obstacles,
        outcome,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn weighted_index_follows_the_weights() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let mut counts = [0; 3];
        for _ in 0..30_000 {
            counts[weighted_index(&mut rng, &[1.0, 0.0, 3.0])] += 1;
        }
        assert_eq!(counts[1], 0);
        let share = f64::from(counts[2]) / 30_000.0;
        assert!((share - 0.75).abs() < 0.01, "{share}");
    }

    #[test]
    fn together_sets_have_all_three_parts() {
        let table = CountTable {
            columns: vec!["all_sectors".into()],
            items: BODY_ROWS
                .iter()
                .map(|s| s.to_string())
                .chain(std::iter::once(TOGETHER_ROW.to_string()))
                .collect(),
            counts: vec![
                vec![100],
                vec![67],
                vec![65],
                vec![52],
                vec![47],
                vec![39],
                vec![21],
                vec![17],
                vec![46],
            ],
            respondents: vec![131],
        };
        let rates = BodyRates::new(&table, "all_sectors").unwrap();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(2);
        let n = 40_000;
        let mut together = 0;
        let mut kinds = [0usize; 8];
        for _ in 0..n {
            let set = rates.draw(&mut rng);
            together += usize::from(BodyRates::is_together(&set));
            for k in set {
                kinds[k.index()] += 1;
            }
        }
        let rate = |c: usize| c as f64 / n as f64;
        assert!(
            (rate(together) - 46.0 / 131.0).abs() < 0.015,
            "{}",
            rate(together)
        );
        for (k, expected) in [100.0, 67.0, 65.0, 52.0, 47.0, 39.0, 21.0, 17.0]
            .iter()
            .enumerate()
        {
            assert!(
                (rate(kinds[k]) - expected / 131.0).abs() < 0.02,
                "{}: {} vs {}",
                BODY_KINDS[k],
                rate(kinds[k]),
                expected / 131.0
            );
        }
    }
}
