//! Tests of the generator. Tests named `shipped_*` read the shipped `data/` on purpose: the
//! survey tables and the catalog are what the generator is calibrated to.

use super::*;
use draws::BodyRates;
use linfa::ParamGuard;
use std::path::Path;
use tieup_core::application::BodyKindId;
use tieup_core::catalog::Outcome;
use tieup_core::catalog::RegionKind;
use tieup_learn::success::Commitment;

fn shipped() -> (Catalog, SurveyTables) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    (
        Catalog::load(&dir).expect("shipped catalog"),
        SurveyTables::load(&dir).expect("shipped survey tables"),
    )
}

#[test]
fn allocation_keeps_totals_and_proportions() {
    let counts = [7, 0, 5, 13, 1, 24];
    assert_eq!(allocate(&counts, 50), counts.map(|c| c as usize).to_vec());
    assert_eq!(
        allocate(&counts, 100),
        counts.map(|c| 2 * c as usize).to_vec()
    );
    for total in [1, 17, 33, 199] {
        let a = allocate(&counts, total);
        assert_eq!(a.iter().sum::<usize>(), total);
        for (c, n) in counts.iter().zip(&a) {
            let exact = f64::from(*c) * total as f64 / 50.0;
            assert!((*n as f64 - exact).abs() < 1.0, "{a:?}");
        }
    }
    assert_eq!(allocate(&[0, 0], 3), vec![0, 0]);
}

#[test]
fn shipped_theme_table_is_reproduced_exactly_and_scales() {
    let (_, tables) = shipped();
    let cells = theme_cells(&tables);
    let counts: Vec<u32> = cells.iter().map(|c| c.2).collect();
    assert_eq!(counts.iter().sum::<u32>(), 200);
    assert_eq!(
        allocate(&counts, 200),
        counts.iter().map(|&c| c as usize).collect::<Vec<_>>()
    );
    assert_eq!(
        allocate(&counts, 400),
        counts.iter().map(|&c| 2 * c as usize).collect::<Vec<_>>()
    );
    // Row totals agree with the table's own `total` column.
    let t = &tables.themes;
    let total = t.columns.iter().position(|c| c == "total").unwrap();
    for (r, bureau) in t.items.iter().enumerate() {
        let sum: u32 = cells.iter().filter(|c| &c.0 == bureau).map(|c| c.2).sum();
        assert_eq!(sum, t.counts[r][total], "{bureau}");
    }
}

/// Two survey standard errors (the table's own sampling error) plus three of the sample here.
fn tolerance(p: f64, n_survey: u32, n_sample: usize) -> f64 {
    2.0 * (p * (1.0 - p) / f64::from(n_survey)).sqrt()
        + 3.0 * (p * (1.0 - p) / n_sample as f64).sqrt()
        + 1e-9
}

#[test]
fn shipped_attributes_follow_the_survey_tables_by_sector_within_sampling_error() {
    let (catalog, tables) = shipped();
    let n = 4_000;
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    for sector in catalog
        .sectors()
        .all()
        .iter()
        .filter(|s| s.parent.is_none())
    {
        let draws: Vec<Attributes> = (0..n)
            .map(|_| draw_attributes(&tables, &sector.id, &mut rng).unwrap())
            .collect();
        let rate = |hit: &dyn Fn(&Attributes) -> bool| {
            draws.iter().filter(|a| hit(a)).count() as f64 / n as f64
        };
        let traits_col = truth::traits_column(&tables.traits, &sector.id);
        for (item, f) in tieup_learn::prior::ITEM_FEATURES {
            let (c, m) = tables.traits.get(item, traits_col).unwrap();
            let p = f64::from(c) / f64::from(m);
            let got = rate(&|a| a.wanted.contains(&f));
            assert!(
                (got - p).abs() <= tolerance(p, m, n),
                "{} wanted {item}: {got} vs {p}",
                sector.id
            );
        }
        let body_col = truth::body_column(&tables.bodies, &sector.id);
        for (k, row) in draws::BODY_ROWS.iter().enumerate() {
            let (c, m) = tables.bodies.get(row, body_col).unwrap();
            let p = f64::from(c) / f64::from(m);
            let got = rate(&|a| a.bodies.contains(&BodyKindId::from_index(k)));
            assert!(
                (got - p).abs() <= tolerance(p, m, n),
                "{} body {row}: {got} vs {p}",
                sector.id
            );
        }
        let (c, m) = tables.bodies.get(draws::TOGETHER_ROW, body_col).unwrap();
        let p = f64::from(c) / f64::from(m);
        let got = rate(&|a| BodyRates::is_together(&a.bodies));
        assert!(
            (got - p).abs() <= tolerance(p, m, n),
            "{} together: {got} vs {p}",
            sector.id
        );
        let obstacle_col = truth::body_column(&tables.obstacles, &sector.id);
        for item in &tables.obstacles.items {
            let (c, m) = tables.obstacles.get(item, obstacle_col).unwrap();
            let p = f64::from(c) / f64::from(m);
            let got = rate(&|a| a.obstacles.contains(item));
            assert!(
                (got - p).abs() <= tolerance(p, m, n),
                "{} obstacle {item}: {got} vs {p}",
                sector.id
            );
        }
    }
    // Commitment and outcome by commitment, pooled over sectors (the table has no sectors).
    let counts = tables.commitment_counts().unwrap();
    let all: Vec<Attributes> = (0..20_000)
        .map(|_| draw_attributes(&tables, "it", &mut rng).unwrap())
        .collect();
    let levels = [
        Commitment::Sufficient,
        Commitment::Partial,
        Commitment::Unknown,
    ];
    let outcomes = [Outcome::During, Outcome::After, Outcome::NotYet];
    for (r, level) in levels.iter().enumerate() {
        let row: u32 = counts[r].iter().sum();
        let of_level: Vec<&Attributes> = all.iter().filter(|a| a.commitment == *level).collect();
        let p = f64::from(row) / 98.0;
        let got = of_level.len() as f64 / all.len() as f64;
        assert!(
            (got - p).abs() <= tolerance(p, 98, all.len()),
            "{level:?}: {got} vs {p}"
        );
        for (o, outcome) in outcomes.iter().enumerate() {
            let p = f64::from(counts[r][o]) / f64::from(row);
            let got = of_level.iter().filter(|a| a.outcome == *outcome).count() as f64
                / of_level.len() as f64;
            assert!(
                (got - p).abs() <= tolerance(p, row, of_level.len()),
                "{outcome:?} | {level:?}: {got} vs {p}"
            );
        }
    }
}

#[test]
fn shipped_small_history_is_deterministic_consistent_and_readable() {
    let (catalog, tables) = shipped();
    let params = SynthParams::new().seed(3).themes(30).check().unwrap();
    let a = params.generate(&catalog, &tables).unwrap();
    let b = params.generate(&catalog, &tables).unwrap();
    assert_eq!(a.partnerships_csv(&catalog), b.partnerships_csv(&catalog));
    assert_eq!(a.oracle_run(&catalog), b.oracle_run(&catalog));
    let other = SynthParams::new().seed(4).themes(30).check().unwrap();
    assert_ne!(
        other
            .generate(&catalog, &tables)
            .unwrap()
            .partnerships_csv(&catalog),
        a.partnerships_csv(&catalog)
    );
    assert_eq!(a.themes.len(), 30);
    assert_eq!(
        a.applications.len(),
        4 * 2,
        "10 a year per 200 themes, rounded, at least 1"
    );
    assert!(a.themes.windows(2).all(|w| w[0].year <= w[1].year));
    for case in a.cases() {
        assert_eq!(catalog.region(case.japan_region).kind, RegionKind::Japan);
        assert_eq!(
            catalog.region(case.japan_region).bureau.as_deref(),
            Some(case.bureau.as_str())
        );
        assert_eq!(
            catalog
                .sectors()
                .get(catalog.sectors().survey_root(case.sector))
                .id,
            case.survey_sector
        );
        assert!(!case.partners.is_empty() && case.partners.len() <= 2);
        assert!(
            case.partners
                .iter()
                .all(|&p| catalog.region(p).kind == RegionKind::Overseas)
        );
        assert_eq!(case.utilities.len(), catalog.candidate_ids().len());
        assert!(case.utilities.iter().all(|u| u.is_finite()));
    }
    for case in &a.applications {
        assert!(APPLICATION_YEARS.contains(&case.year));
    }
    // The files read back through the project's own readers.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("partnerships.csv");
    std::fs::write(&path, a.partnerships_csv(&catalog)).unwrap();
    let read = catalog.read_partnerships(&path).unwrap();
    assert_eq!(read.len(), 30);
    assert_eq!(
        read[0].wanted,
        super::features_at(&a.themes[0].attributes.wanted)
    );
    let apps = dir.path().join("applications.csv");
    std::fs::write(&apps, a.applications_csv(&catalog)).unwrap();
    let reader = tieup_core::application::ApplicationReader::open(&catalog, &apps).unwrap();
    let parsed: Vec<_> = reader.map(|r| r.unwrap().unwrap()).collect();
    assert_eq!(parsed.len(), a.applications.len());
    for (p, case) in parsed.iter().zip(&a.applications) {
        assert_eq!(
            p.wanted,
            super::features_at(&case.attributes.wanted),
            "objectives add nothing that is not wanted"
        );
        assert_eq!(p.japan_region, case.japan_region);
    }
    let qrels = a.qrels(&catalog);
    assert!(qrels.lines().count() >= a.applications.len());
}

#[test]
fn shipped_default_size_calibration() {
    let (catalog, tables) = shipped();
    let params = SynthParams::new().check().unwrap();
    let synthetic = params.generate(&catalog, &tables).unwrap();
    let calibration = synthetic.calibration(&tables).unwrap();
    assert!(
        calibration.theme_cells_match,
        "{:?}",
        calibration.theme_cells
    );
    assert_eq!(synthetic.themes.len(), 200);
    assert_eq!(synthetic.applications.len(), 40);
    for (key, check) in &calibration.rates {
        assert!(check.z.abs() < 4.0, "{key}: {check:?}");
    }
}

#[test]
fn a_survey_table_without_a_row_is_a_data_error() {
    let table = tieup_core::survey::CountTable {
        columns: vec!["all_sectors".into()],
        items: vec!["a".into()],
        counts: vec![vec![1]],
        respondents: vec![2],
    };
    assert_eq!(
        SurveyTables::share(&table, draws::TRAITS_FILE, "a", "all_sectors").unwrap(),
        0.5
    );
    let err = SurveyTables::share(&table, draws::TRAITS_FILE, "b", "all_sectors").unwrap_err();
    assert!(matches!(err, Error::Data(_)), "{err}");
    assert!(err.to_string().contains(draws::TRAITS_FILE), "{err}");
}

#[test]
fn outcome_and_commitment_ids_read_back() {
    for o in Outcome::ALL {
        assert!(!o.as_str().is_empty());
    }
    for c in [
        Commitment::Sufficient,
        Commitment::Partial,
        Commitment::Unknown,
    ] {
        assert_eq!(Commitment::parse(c.as_str()), Some(c));
    }
}
