//! Distances, time-zone gaps and language gaps between regions: the communication cost.

use crate::catalog::Region;
use serde::Serialize;

/// Mean Earth radius in km.
const EARTH_RADIUS_KM: f64 = 6371.0088;
/// Distance at which the distance part of the cost reaches 1 (about Tokyo to Lisbon).
pub const DISTANCE_SCALE_KM: f64 = 12_000.0;
/// Door-to-door hours at which the travel part of the cost reaches 1 (one connection and a
/// long way: Tokyo to Lisbon takes about 20 h).
pub const TRAVEL_SCALE_HOURS: f64 = 24.0;
/// Japanese residents at which the presence gap reaches 0 (Germany has about 42,000).
pub const RESIDENTS_SCALE: f64 = 100_000.0;

/// Presence gap in [0, 1]: 1 − log(1 + residents) / log(1 + [`RESIDENTS_SCALE`]), and 0.5
/// for a country the survey does not list.
///
/// ```
/// assert_eq!(tieup_core::geo::presence_gap(Some(200_000.0)), 0.0);
/// assert_eq!(tieup_core::geo::presence_gap(None), 0.5);
/// ```
pub fn presence_gap(residents: Option<f64>) -> f64 {
    match residents {
        Some(n) => (1.0 - (1.0 + n.max(0.0)).ln() / (1.0 + RESIDENTS_SCALE).ln()).clamp(0.0, 1.0),
        None => 0.5,
    }
}

/// Great-circle distance between two points in km (haversine).
///
/// ```
/// // Tokyo to Osaka is about 400 km.
/// let d = tieup_core::geo::distance_km(35.69, 139.69, 34.69, 135.50);
/// assert!((d - 400.0).abs() < 10.0);
/// ```
pub fn distance_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
}

/// Hours between two UTC offsets, the short way round the clock (0 to 12).
///
/// ```
/// assert_eq!(tieup_core::geo::time_gap_hours(9.0, -8.0), 7.0);
/// assert_eq!(tieup_core::geo::time_gap_hours(9.0, 1.0), 8.0);
/// ```
pub fn time_gap_hours(a: f64, b: f64) -> f64 {
    let d = (a - b).abs() % 24.0;
    d.min(24.0 - d)
}

/// The parts of a communication cost, each in [0, 1], and their mean.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CommunicationCost {
    /// Great-circle distance, km.
    pub distance_km: f64,
    /// Estimated door-to-door hours by air (2014 network), when the catalog has them.
    pub travel_hours: Option<f64>,
    /// Japanese presence gap ([`presence_gap`]), when the catalog has resident counts.
    pub presence_gap: Option<f64>,
    /// Time-zone gap, hours.
    pub time_gap_hours: f64,
    /// 0 shared language, 0.5 English as working language, 1 neither.
    pub language_gap: f64,
    /// Mean of the scaled parts: travel hours / [`TRAVEL_SCALE_HOURS`] (or, without air
    /// access data, distance / [`DISTANCE_SCALE_KM`]), each capped at 1; time gap / 12 h;
    /// language gap; and the presence gap when the catalog has resident counts.
    pub total: f64,
}

/// Communication cost between a Japanese region and a candidate; `travel_hours` (door to
/// door by air) replaces the distance part when given, and `presence_gap` is a fourth part
/// when given.
pub fn communication_cost(
    japan: &Region,
    candidate: &Region,
    travel_hours: Option<f64>,
    presence_gap: Option<f64>,
) -> CommunicationCost {
    let distance = distance_km(japan.lat, japan.lon, candidate.lat, candidate.lon);
    let gap = time_gap_hours(japan.utc_offset, candidate.utc_offset);
    let shares = |code: &str| candidate.languages.iter().any(|l| l == code);
    let language_gap = if japan.languages.iter().any(|l| shares(l)) {
        0.0
    } else if shares("en") {
        0.5
    } else {
        1.0
    };
    let far = match travel_hours {
        Some(hours) => (hours / TRAVEL_SCALE_HOURS).min(1.0),
        None => (distance / DISTANCE_SCALE_KM).min(1.0),
    };
    let total = match presence_gap {
        Some(p) => (far + gap / 12.0 + language_gap + p) / 4.0,
        None => (far + gap / 12.0 + language_gap) / 3.0,
    };
    CommunicationCost {
        distance_km: distance,
        travel_hours,
        presence_gap,
        time_gap_hours: gap,
        language_gap,
        total,
    }
}
