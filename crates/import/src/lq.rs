//! Location quotients and what tieup reads from them: the Balassa RCA of a whole matrix, the
//! shrunk LQ used for small regions, the documented LQ → strength rule, the percentile ladder
//! with its critical mass, percentiles, and the US Cluster Mapping "strong cluster" flag.
//!
//! LQ(r, i) = (x_ri / x_r) / (x_i / x): region r's share of employment in industry i over the
//! reference economy's share. Everything here is plain arithmetic on numbers already read;
//! nothing does IO.

use ndarray::Array2;

/// Pseudo-employees added to both the observed and the expected employment before the LQ is
/// turned into a strength (see [`shrunk_lq`]).
pub const PSEUDO_EMPLOYEES: f64 = 100.0;
/// Strength of a region exactly as specialised as the reference economy (LQ = 1): "notable
/// activity" on the curated ladder.
pub const STRENGTH_AT_LQ_ONE: f64 = 0.3;
/// Strength gained per doubling of the (shrunk) LQ: one step of the curated ladder
/// (0.1 / 0.3 / 0.5 / 0.7 / 0.9).
pub const STRENGTH_PER_DOUBLING: f64 = 0.2;

/// The location quotient, or `None` when a share is undefined (an empty region or industry).
///
/// ```
/// use tieup_import::lq::location_quotient;
/// // 20 of the region's 100 jobs are in the industry; the nation has 10 of 1,000 there.
/// assert_eq!(location_quotient(20.0, 100.0, 10.0, 1000.0), Some(20.0));
/// assert_eq!(location_quotient(0.0, 0.0, 10.0, 1000.0), None);
/// ```
pub fn location_quotient(x_ri: f64, x_r: f64, x_i: f64, x: f64) -> Option<f64> {
    if x_r > 0.0 && x_i > 0.0 && x > 0.0 {
        Some((x_ri / x_r) / (x_i / x))
    } else {
        None
    }
}

/// Balassa RCA of a regions × industries matrix, the reference being the matrix's own sums
/// (the definition of the `ecomplexity` packages). Rows or columns that sum to zero give 0.
pub fn rca_matrix(values: &Array2<f64>) -> Array2<f64> {
    let region_totals = values.sum_axis(ndarray::Axis(1));
    let industry_totals = values.sum_axis(ndarray::Axis(0));
    let total: f64 = region_totals.sum();
    Array2::from_shape_fn(values.dim(), |(r, i)| {
        location_quotient(values[[r, i]], region_totals[r], industry_totals[i], total)
            .unwrap_or(0.0)
    })
}

/// LQ shrunk toward 1 for small expected counts: (x_ri + m) / (E_ri + m), where
/// E_ri = x_r · x_i / x is the employment the region would have at the reference share and
/// m = `pseudo` employees (a Poisson–gamma style estimate).
///
/// An industry a region would be expected to employ thousands in keeps its LQ; one it would
/// be expected to employ a handful in cannot reach a high LQ on one plant's jobs.
///
/// ```
/// use tieup_import::lq::shrunk_lq;
/// // Large: 40,000 observed against 10,000 expected stays near 4.
/// assert!((shrunk_lq(40_000.0, 10_000.0, 100.0) - 3.97).abs() < 0.01);
/// // Small: 40 observed against 10 expected (also LQ 4) moves most of the way to 1.
/// assert!((shrunk_lq(40.0, 10.0, 100.0) - 1.27).abs() < 0.01);
/// ```
pub fn shrunk_lq(observed: f64, expected: f64, pseudo: f64) -> f64 {
    (observed + pseudo) / (expected + pseudo)
}

/// The documented rule from a (shrunk) LQ to a strength in [0, 1]:
/// `0.3 + 0.2 · log2(LQ)`, clamped to [0, 1].
///
/// LQ 1 (as specialised as the reference economy) reads 0.3, "notable activity"; each
/// doubling adds one step of the curated ladder: LQ 2 → 0.5, LQ 4 → 0.7, LQ 8 → 0.9;
/// LQ 0.5 → 0.1; LQ ≤ 0.25 → 0.
///
/// ```
/// use tieup_import::lq::strength_from_lq;
/// assert_eq!(strength_from_lq(1.0), 0.3);
/// assert!((strength_from_lq(4.0) - 0.7).abs() < 1e-12);
/// assert_eq!(strength_from_lq(0.2), 0.0);
/// assert_eq!(strength_from_lq(100.0), 1.0);
/// ```
pub fn strength_from_lq(lq: f64) -> f64 {
    if lq <= 0.0 || lq.is_nan() {
        return 0.0;
    }
    (STRENGTH_AT_LQ_ONE + STRENGTH_PER_DOUBLING * lq.log2()).clamp(0.0, 1.0)
}

/// The one scale of statistics-based strengths, from specialisation *and* size:
/// [`strength_from_lq`] of `max(LQ', √(LQ' · S'))`, where `LQ'` is the shrunk LQ and `S'`
/// the shrunk size quotient: the region's share of the sector's employment in the
/// comparison area, divided by an equal share (1 / number of peer regions), shrunk like the
/// LQ. A specialised region keeps its LQ reading; a big hub whose share of the sector is
/// larger than its specialisation reads as the geometric mean of the two, so a region with
/// a moderate LQ but a large part of the sector reads high.
///
/// ```
/// use tieup_import::lq::{strength, strength_from_lq};
/// // Specialised and small: the LQ decides.
/// assert_eq!(strength(4.0, 0.5), strength_from_lq(4.0));
/// // LQ 0.8 but eight times an equal share of the sector: √6.4 ≈ 2.5 → 0.57.
/// assert!((strength(0.8, 8.0) - 0.568).abs() < 0.001);
/// ```
pub fn strength(lq_shrunk: f64, size_shrunk: f64) -> f64 {
    strength_from_lq(lq_shrunk.max((lq_shrunk * size_shrunk).sqrt()))
}

/// The one scale: the curated rungs as positions in the distribution of a source's peer
/// regions, the same for every sector. A region above a fraction `p` of its sector's peers
/// reads `value`, linearly between the points. The cut points follow the rung definitions:
/// - 0.9 "one of the world's leading locations": the top 3 % (one or two of the 51 US
///   states or 42 measured prefectures, eight of the 280 European NUTS-2 regions);
/// - 0.7 "nationally leading with international presence": the top 10 % (about four or five
///   states or prefectures, about one NUTS-2 region per country);
/// - 0.5 "recognised cluster of national importance": the top quarter;
/// - 0.3 "notable activity": above 62.5 %, halfway from the median to the top quarter;
/// - 0.1 "weak": the median; the bottom half, less active than the typical peer, reads
///   0.1 or less.
pub const LADDER: [(f64, f64); 7] = [
    (0.0, 0.0),
    (0.5, 0.1),
    (0.625, 0.3),
    (0.75, 0.5),
    (0.9, 0.7),
    (0.97, 0.9),
    (1.0, 1.0),
];

/// The ladder value of a position `p` in [0, 1] ([`LADDER`]).
///
/// ```
/// use tieup_import::lq::ladder;
/// assert_eq!(ladder(0.5), 0.1);
/// assert!((ladder(0.625) - 0.3).abs() < 1e-12);
/// assert!((ladder(0.95) - 0.843).abs() < 0.001);
/// assert_eq!(ladder(1.0), 1.0);
/// ```
pub fn ladder(p: f64) -> f64 {
    ladder_with(&LADDER, p)
}

/// The value of position `p` on a ladder given as increasing (position, value) points
/// from (0, _) to (1, _), linear between them.
pub fn ladder_with(points: &[(f64, f64)], p: f64) -> f64 {
    let p = p.clamp(0.0, 1.0);
    for pair in points.windows(2) {
        let ((p0, v0), (p1, v1)) = (pair[0], pair[1]);
        if p <= p1 {
            return v0 + (v1 - v0) * (p - p0) / (p1 - p0);
        }
    }
    1.0
}

/// Employees in a sector that make a cluster's critical mass: about one large plant or a few
/// dozen firms. A region with fewer jobs in the sector has one or a handful of employers
/// there, a firm rather than a "recognised cluster of national importance", however
/// specialised the region's small economy is (see [`critical_mass`]).
pub const CRITICAL_MASS_EMPLOYEES: f64 = 1000.0;

/// Ladder value from which critical mass is needed: the rung "recognised cluster of national
/// importance" and every rung above it.
pub const MASS_RUNG: f64 = 0.5;

/// The critical mass of a sector in a comparison area: [`CRITICAL_MASS_EMPLOYEES`], or an
/// equal share of the sector's employment (the sector's employment over the number of peer
/// regions) where that is smaller, so a sector that is small everywhere still has leaders.
///
/// ```
/// use tieup_import::lq::critical_mass;
/// // US tourism: 10.8 M jobs over 51 states; 1,000 employees.
/// assert_eq!(critical_mass(10.8e6 / 51.0), 1000.0);
/// // A sector of 18,000 jobs over 51 states: an equal share, 353 employees.
/// assert!((critical_mass(18_000.0 / 51.0) - 352.9).abs() < 0.1);
/// ```
pub fn critical_mass(equal_share: f64) -> f64 {
    CRITICAL_MASS_EMPLOYEES.min(equal_share)
}

/// The highest value a region with `employment` in a sector may read when the critical mass
/// is `mass`: no limit at or above the critical mass; below it, [`MASS_RUNG`] less one rung
/// (0.2) per halving, as the LQ reading ([`strength_from_lq`]) loses one per halving, and
/// never below 0.3 ("notable activity", which needs no mass).
///
/// ```
/// use tieup_import::lq::mass_cap;
/// assert_eq!(mass_cap(1000.0, 1000.0), 1.0);
/// assert!((mass_cap(707.1, 1000.0) - 0.4).abs() < 0.001);
/// assert_eq!(mass_cap(500.0, 1000.0), 0.3);
/// assert_eq!(mass_cap(0.0, 1000.0), 0.3);
/// ```
pub fn mass_cap(employment: f64, mass: f64) -> f64 {
    if employment >= mass {
        1.0
    } else if employment <= 0.0 {
        STRENGTH_AT_LQ_ONE
    } else {
        (MASS_RUNG + STRENGTH_PER_DOUBLING * (employment / mass).log2()).max(STRENGTH_AT_LQ_ONE)
    }
}

/// What held a value below its ladder reading ([`on_scale`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// The ladder value stands.
    None,
    /// Neither specialised nor large (raw strength under 0.3): the raw strength stands.
    Raw,
    /// Below the sector's critical mass ([`mass_cap`]): the upper rungs are out of reach.
    Mass,
}

/// A statistics-based strength on the one scale: the [`ladder`] value of the region's
/// position among its source's peers in the sector, never above the raw strength when that
/// is under 0.3 (a region neither specialised nor large is never lifted by a sector where
/// most regions are weaker still), and never above [`mass_cap`] of the region's `employment`
/// in the sector and the sector's critical `mass` (a small region with a high LQ on a few
/// hundred jobs does not reach the rungs of a cluster). Returns the value and what limited it.
///
/// ```
/// use tieup_import::lq::{on_scale, Limit};
/// // Top 3 % of the peers with 5,000 jobs: 0.9.
/// assert_eq!(on_scale(0.97, 0.8, 5000.0, 1000.0), (0.9, Limit::None));
/// // Above 90 % of the peers but LQ and size below average: the raw strength stands.
/// assert_eq!(on_scale(0.9, 0.27, 5000.0, 1000.0), (0.27, Limit::Raw));
/// // Top 3 % on 250 jobs where the critical mass is 1,000: two halvings short, 0.3.
/// assert_eq!(on_scale(0.97, 0.8, 250.0, 1000.0), (0.3, Limit::Mass));
/// ```
pub fn on_scale(position: f64, raw: f64, employment: f64, mass: f64) -> (f64, Limit) {
    let on_ladder = ladder(position);
    let cap = mass_cap(employment, mass);
    if raw < STRENGTH_AT_LQ_ONE && raw < on_ladder {
        (raw, Limit::Raw)
    } else if cap < on_ladder {
        (cap, Limit::Mass)
    } else {
        (on_ladder, Limit::None)
    }
}

/// The position of `value` among `sorted` peer values (ascending): the fraction below it,
/// ties counted half.
///
/// ```
/// use tieup_import::lq::position;
/// assert_eq!(position(&[1.0, 2.0, 3.0, 4.0], 3.0), 0.625);
/// assert_eq!(position(&[1.0, 2.0], 9.0), 1.0);
/// ```
pub fn position(sorted: &[f64], value: f64) -> f64 {
    if sorted.is_empty() {
        return 0.5;
    }
    let below = sorted.partition_point(|&v| v < value);
    let through = sorted.partition_point(|&v| v <= value);
    (below as f64 + 0.5 * (through - below) as f64) / sorted.len() as f64
}

/// The q-th quantile (0 ≤ q ≤ 1) with linear interpolation between order statistics
/// (Hyndman & Fan type 7, the default of R and NumPy). `None` for no values.
///
/// ```
/// use tieup_import::lq::percentile;
/// assert_eq!(percentile(&[4.0, 1.0, 3.0, 2.0], 0.25), Some(1.75));
/// assert_eq!(percentile(&[5.0], 0.75), Some(5.0));
/// ```
pub fn percentile(values: &[f64], q: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let position = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let below = position.floor() as usize;
    let above = position.ceil() as usize;
    let fraction = position - below as f64;
    Some(sorted[below] + fraction * (sorted[above] - sorted[below]))
}

/// Thresholds of the strong-cluster rule for one industry, over the peer regions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StrongClusterThresholds {
    /// 75th percentile of the LQ across regions.
    pub lq_p75: f64,
    /// 25th percentile of employment across regions.
    pub employment_p25: f64,
    /// 25th percentile of establishments across regions (`None` when counts are missing).
    pub establishments_p25: Option<f64>,
}

impl StrongClusterThresholds {
    /// Thresholds from the peer regions' LQs, employment and (when every region has them)
    /// establishment counts.
    pub fn new(lqs: &[f64], employment: &[f64], establishments: Option<&[f64]>) -> Option<Self> {
        Some(StrongClusterThresholds {
            lq_p75: percentile(lqs, 0.75)?,
            employment_p25: percentile(employment, 0.25)?,
            establishments_p25: establishments.and_then(|e| percentile(e, 0.25)),
        })
    }

    /// The US Cluster Mapping rule (Delgado, Porter & Stern): LQ at or above the 75th
    /// percentile and at least 1, employment and establishments above their 25th percentiles.
    /// `None` when the establishment test cannot be made.
    ///
    /// ```
    /// use tieup_import::lq::StrongClusterThresholds;
    /// let t = StrongClusterThresholds { lq_p75: 1.5, employment_p25: 100.0, establishments_p25: Some(5.0) };
    /// assert_eq!(t.is_strong(2.0, 5_000.0, Some(40.0)), Some(true));
    /// assert_eq!(t.is_strong(1.2, 5_000.0, Some(40.0)), Some(false));
    /// assert_eq!(t.is_strong(2.0, 5_000.0, None), None);
    /// ```
    pub fn is_strong(&self, lq: f64, employment: f64, establishments: Option<f64>) -> Option<bool> {
        let establishments_ok = match (establishments, self.establishments_p25) {
            (Some(e), Some(p)) => e > p,
            _ => return None,
        };
        Some(
            lq >= self.lq_p75 && lq >= 1.0 && employment > self.employment_p25 && establishments_ok,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn rca_of_a_matrix_uses_its_own_sums() {
        let x = array![[10.0, 30.0], [30.0, 30.0]];
        let rca = rca_matrix(&x);
        // Region 0: 25% in industry 0 against 40% overall.
        assert!((rca[[0, 0]] - 0.25 / 0.4).abs() < 1e-15);
        assert!((rca[[1, 1]] - 0.5 / 0.6).abs() < 1e-15);
        let empty = array![[0.0, 0.0], [1.0, 0.0]];
        assert_eq!(rca_matrix(&empty)[[0, 1]], 0.0);
    }

    #[test]
    fn strength_is_monotone_and_bounded() {
        let mut last = -1.0;
        for k in 0..200 {
            let s = strength_from_lq(k as f64 * 0.1);
            assert!((0.0..=1.0).contains(&s));
            assert!(s >= last);
            last = s;
        }
    }

    #[test]
    fn shrinkage_keeps_large_and_tames_small() {
        assert!((shrunk_lq(1e6, 1e5, PSEUDO_EMPLOYEES) - 10.0).abs() < 0.01);
        assert!(shrunk_lq(5.0, 0.5, PSEUDO_EMPLOYEES) < 1.05);
        assert_eq!(shrunk_lq(0.0, 0.0, PSEUDO_EMPLOYEES), 1.0);
    }
}
