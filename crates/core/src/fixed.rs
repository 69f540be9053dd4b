//! Fixed-point formatting of numbers with up to three decimals, byte-identical to the
//! standard `{:.N}` formatting (the exact binary value rounded half to even, the sign kept
//! for negative values and negative zero) without the general float formatter: the
//! explanations write a few hundred numbers per shortlist.

use std::fmt;

const POW10: [u64; 4] = [1, 10, 100, 1000];

/// `x` with `decimals` (0-3) digits after the point, as `format!("{x:.decimals$}")` writes it.
///
/// ```
/// use tieup_core::fixed::Fixed;
/// assert_eq!(Fixed(0.125, 2).to_string(), "0.12");
/// assert_eq!(Fixed(-0.0, 1).to_string(), "-0.0");
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fixed(pub f64, pub usize);

/// The digits of |x| × 10^decimals rounded half to even, when it fits the fast path.
fn scaled(x: f64, decimals: usize) -> Option<u64> {
    if !x.is_finite() || x.abs() >= 1e15 || decimals >= POW10.len() {
        return None;
    }
    let bits = x.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1u64 << 52) - 1);
    let (mantissa, e) = if exponent == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1u64 << 52), exponent - 1075)
    };
    let n = u128::from(mantissa) * u128::from(POW10[decimals]);
    let q = if e >= 0 {
        n << e
    } else {
        let shift = e.unsigned_abs();
        if shift >= 127 {
            // n < 2^63, so the value is below half a unit: it rounds to zero.
            0
        } else {
            let q = n >> shift;
            let rest = n & ((1u128 << shift) - 1);
            let half = 1u128 << (shift - 1);
            if rest > half || (rest == half && q & 1 == 1) {
                q + 1
            } else {
                q
            }
        }
    };
    u64::try_from(q).ok()
}

impl fmt::Display for Fixed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Fixed(x, decimals) = *self;
        let Some(q) = scaled(x, decimals) else {
            return write!(f, "{x:.decimals$}");
        };
        // Sign, up to 20 digits, point, 3 decimals.
        let mut buf = [0u8; 32];
        let mut at = buf.len();
        let mut rest = q;
        for i in 0.. {
            if i == decimals && decimals > 0 {
                at -= 1;
                buf[at] = b'.';
            }
            at -= 1;
            buf[at] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 && i >= decimals {
                break;
            }
        }
        if x.is_sign_negative() {
            at -= 1;
            buf[at] = b'-';
        }
        f.write_str(std::str::from_utf8(&buf[at..]).map_err(|_| fmt::Error)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(x: f64) {
        for d in 0..=4 {
            assert_eq!(Fixed(x, d).to_string(), format!("{x:.d$}"), "{x:e} {d}");
        }
    }

    #[test]
    fn equals_the_standard_formatting() {
        for x in [
            0.0,
            -0.0,
            0.25,
            0.5,
            1.5,
            2.5,
            0.125,
            0.375,
            0.005,
            -0.001,
            -0.004,
            123.455,
            1e15,
            -1e15,
            9.995,
            0.995,
            99.5,
            1e-300,
            5e-324,
            999_999_999_999.999,
        ] {
            check(x);
        }
        check(f64::NAN);
        check(f64::INFINITY);
        // A deterministic spread of values: raw bit patterns, decimals, halves and eighths.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for i in 0..200_000u64 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let x = match i % 4 {
                0 => f64::from_bits(state),
                1 => (state % 100_000) as f64 / 1000.0,
                2 => (state as f64 / u64::MAX as f64) * 2.0 - 1.0,
                _ => (state % 20_000) as f64 / 8.0 * if state & 1 == 1 { -1.0 } else { 1.0 },
            };
            check(x);
        }
    }
}
