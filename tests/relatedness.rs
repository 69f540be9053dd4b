//! RCA, proximity and density against the `py-ecomplexity` Stata reference figures: a
//! transcribed subset (`tests/fixtures/ecomplexity`) always, every figure when the raw files
//! are beside the repository (`../shared/data/raw/ecomplexity_fixtures`).

use ndarray::Array2;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tieup_import::lq::rca_matrix;
use tieup_import::relatedness::{density, proximity, specialisation};

const TOLERANCE: f64 = 1e-9;

/// Computed figures, by country and product codes.
struct Computed {
    countries: Vec<String>,
    products: Vec<String>,
    rca: Array2<f64>,
    m: Array2<u8>,
    proximity: Array2<f64>,
    density: Array2<f64>,
}

impl Computed {
    /// From `(origin, hs92, export_val)` rows; Stata kept export values as 4-byte floats.
    fn new(rows: &[(String, String, f64)]) -> Self {
        let mut countries: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
        let mut products: Vec<String> = rows.iter().map(|r| r.1.clone()).collect();
        countries.sort();
        countries.dedup();
        products.sort();
        products.dedup();
        let mut values = Array2::zeros((countries.len(), products.len()));
        for (c, p, v) in rows {
            let i = countries.binary_search(c).unwrap();
            let j = products.binary_search(p).unwrap();
            values[[i, j]] = f64::from(*v as f32);
        }
        let rca = rca_matrix(&values);
        let m = specialisation(&rca, 1.0);
        let phi = proximity(&m);
        let density = density(&m, &phi);
        Computed {
            countries,
            products,
            rca,
            m,
            proximity: phi,
            density,
        }
    }

    fn country(&self, code: &str) -> usize {
        self.countries.binary_search(&code.to_string()).unwrap()
    }

    fn product(&self, code: &str) -> usize {
        self.products.binary_search(&code.to_string()).unwrap()
    }

    /// The computed figure for a reference row.
    fn get(&self, measure: &str, a: &str, b: &str) -> f64 {
        match measure {
            "rca" => self.rca[[self.country(a), self.product(b)]],
            "M" => f64::from(self.m[[self.country(a), self.product(b)]]),
            "density" => self.density[[self.country(a), self.product(b)]],
            "proximity" => self.proximity[[self.product(a), self.product(b)]],
            other => panic!("unknown measure {other}"),
        }
    }
}

fn read_csv(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn exports(rows: &[BTreeMap<String, String>]) -> Vec<(String, String, f64)> {
    rows.iter()
        .map(|r| {
            (
                r["origin"].clone(),
                r["hs92"].clone(),
                r["export_val"].parse().unwrap(),
            )
        })
        .collect()
}

fn check(computed: &Computed, measure: &str, a: &str, b: &str, expected: &str) {
    let expected: f64 = expected.parse().unwrap();
    let got = computed.get(measure, a, b);
    assert!(
        (got - expected).abs() <= TOLERANCE,
        "{measure}({a}, {b}): {got} vs reference {expected}"
    );
}

#[test]
fn fixture_subset_reproduces_rca_proximity_density() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ecomplexity");
    let computed = Computed::new(&exports(&read_csv(&dir.join("exports_1995.csv"))));
    let expected = read_csv(&dir.join("expected_1995.csv"));
    assert!(expected.len() >= 60);
    for row in &expected {
        check(
            &computed,
            &row["measure"],
            &row["a"],
            &row["b"],
            &row["value"],
        );
    }
}

fn raw_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/raw/ecomplexity_fixtures")
}

#[test]
#[ignore = "needs ../shared/data/raw"]
fn raw_reference_figures_are_all_reproduced() {
    let dir = raw_dir();
    assert!(
        dir.is_dir(),
        "{} is not there: this test needs ../shared",
        dir.display()
    );
    let trade: Vec<BTreeMap<String, String>> = read_csv(&dir.join("trade_data_sample.csv"))
        .into_iter()
        .filter(|r| r["year"] == "1995")
        .collect();
    let computed = Computed::new(&exports(&trade));
    let truth = read_csv(&dir.join("stata_ground_truth_1995.csv"));
    assert_eq!(truth.len(), 300);
    for row in &truth {
        for measure in ["rca", "M", "density"] {
            check(
                &computed,
                measure,
                &row["origin"],
                &row["hs92"],
                &row[measure],
            );
        }
    }
    let pairs = read_csv(&dir.join("stata_proximity_discrete_sym_1995.csv"));
    assert_eq!(pairs.len(), 900);
    for row in &pairs {
        check(
            &computed,
            "proximity",
            &row["hs92_1"],
            &row["hs92_2"],
            &row["proximity"],
        );
    }
}
