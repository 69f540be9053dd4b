//! Relatedness from co-location (Hidalgo et al. 2007, as in the `ecomplexity` packages):
//! which industries tend to be specialised in the same regions.
//!
//! M(r, p) = 1 where region r's LQ in industry p is at least 1. Ubiquity k_p = Σ_r M(r, p).
//! Proximity φ(p, q) = Σ_r M(r, p) M(r, q) / max(k_p, k_q), with a zero diagonal (the Stata
//! `ecomplexity` convention). Density ω(r, p) = Σ_q M(r, q) φ(p, q) / Σ_q φ(p, q): how much
//! of what is related to p the region already has.
//!
//! The functions reproduce the reference values of the `py-ecomplexity` test fixtures
//! (discrete, symmetric proximity; RCA threshold 1) to 1e-15; see `tests/relatedness.rs`.

use ndarray::Array2;

/// The binary specialisation matrix: 1 where `lq` ≥ `threshold`.
pub fn specialisation(lq: &Array2<f64>, threshold: f64) -> Array2<u8> {
    lq.mapv(|v| u8::from(v >= threshold))
}

/// Ubiquity of every industry: in how many regions it is specialised.
pub fn ubiquity(m: &Array2<u8>) -> Vec<usize> {
    m.columns()
        .into_iter()
        .map(|c| c.iter().map(|&v| usize::from(v)).sum())
        .collect()
}

/// Proximity between industries (industries × industries), zero diagonal; 0 where neither
/// industry is specialised anywhere.
///
/// ```
/// use ndarray::array;
/// use tieup_import::relatedness::proximity;
/// // Three regions; industries 0 and 1 always co-occur, 2 only with 0 once.
/// let m = array![[1u8, 1, 1], [1, 1, 0], [0, 0, 0]];
/// let phi = proximity(&m);
/// assert_eq!(phi[[0, 1]], 1.0);
/// assert_eq!(phi[[0, 2]], 0.5);
/// assert_eq!(phi[[1, 1]], 0.0);
/// ```
pub fn proximity(m: &Array2<u8>) -> Array2<f64> {
    let k = ubiquity(m);
    let n = m.ncols();
    let mut phi = Array2::zeros((n, n));
    for p in 0..n {
        for q in (p + 1)..n {
            let both: usize = m
                .rows()
                .into_iter()
                .map(|row| usize::from(row[p] & row[q]))
                .sum();
            let denominator = k[p].max(k[q]);
            if denominator > 0 {
                let value = both as f64 / denominator as f64;
                phi[[p, q]] = value;
                phi[[q, p]] = value;
            }
        }
    }
    phi
}

/// Density of every region in every industry (regions × industries); NaN where the
/// industry is related to nothing (a zero row of φ).
pub fn density(m: &Array2<u8>, phi: &Array2<f64>) -> Array2<f64> {
    let (n_regions, n) = m.dim();
    let row_sums: Vec<f64> = (0..n).map(|p| phi.row(p).sum()).collect();
    Array2::from_shape_fn((n_regions, n), |(r, p)| {
        if row_sums[p] == 0.0 {
            return f64::NAN;
        }
        let related: f64 = (0..n).map(|q| f64::from(m[[r, q]]) * phi[[p, q]]).sum();
        related / row_sums[p]
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn density_is_share_of_related_industries_present() {
        let m = array![[1u8, 1, 0], [1, 0, 1], [0, 1, 1]];
        let phi = proximity(&m);
        // Every pair co-occurs in exactly one of the two regions each is in: φ = 0.5.
        assert!(
            phi.iter()
                .enumerate()
                .all(|(i, &v)| if i % 4 == 0 { v == 0.0 } else { v == 0.5 })
        );
        let d = density(&m, &phi);
        // Region 0 has industries 0 and 1: for industry 2 both related ones are present.
        assert_eq!(d[[0, 2]], 1.0);
        assert_eq!(d[[0, 0]], 0.5);
    }

    #[test]
    fn unrelated_industry_has_no_density() {
        let m = array![[1u8, 0], [1, 0]];
        let phi = proximity(&m);
        assert!(density(&m, &phi)[[0, 1]].is_nan());
    }
}
