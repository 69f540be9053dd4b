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
    // |x| < 1e15 < 2^52, so the exponent is negative; the product is below 2^53 × 1000 <
    // 2^63, so the arithmetic fits a u64.
    if e >= 0 {
        return None;
    }
    let n = mantissa * POW10[decimals];
    let shift = e.unsigned_abs();
    if shift >= 64 {
        // n < 2^63 <= half a unit: the value rounds to zero.
        return Some(0);
    }
    let q = n >> shift;
    let rest = n & ((1u64 << shift) - 1);
    let half = 1u64 << (shift - 1);
    Some(if rest > half || (rest == half && q & 1 == 1) {
        q + 1
    } else {
        q
    })
}

/// The ASCII text of `Fixed(x, decimals)` in `buf`, when the fast path applies.
fn fast_text(x: f64, decimals: usize, buf: &mut [u8; 32]) -> Option<&[u8]> {
    let q = scaled(x, decimals)?;
    // Sign, up to 20 digits, point, 3 decimals.
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
    Some(&buf[at..])
}

/// Appends ASCII digits and signs.
fn push_ascii(out: &mut String, text: &[u8]) {
    out.push_str(std::str::from_utf8(text).unwrap_or_default());
}

/// "0.00" to "9.99", four bytes each: the common case of the explanations (values in
/// [0, 10) with two decimals) is one slice of this text.
const HUNDREDTHS: &str = match std::str::from_utf8(&hundredths()) {
    Ok(text) => text,
    Err(_) => panic!("ASCII"),
};

const fn hundredths() -> [u8; 4000] {
    let mut bytes = [0u8; 4000];
    let mut q = 0;
    while q < 1000 {
        bytes[4 * q] = b'0' + (q / 100) as u8;
        bytes[4 * q + 1] = b'.';
        bytes[4 * q + 2] = b'0' + (q / 10 % 10) as u8;
        bytes[4 * q + 3] = b'0' + (q % 10) as u8;
        q += 1;
    }
    bytes
}

impl fmt::Display for Fixed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Fixed(x, decimals) = *self;
        match fast_text(x, decimals, &mut [0u8; 32]) {
            Some(text) => f.write_str(std::str::from_utf8(text).map_err(|_| fmt::Error)?),
            None => write!(f, "{x:.decimals$}"),
        }
    }
}

/// Appends `x` with `decimals` digits after the point, as [`Fixed`] displays it, without a
/// formatter (the explanations' hot path).
pub fn push_fixed(out: &mut String, x: f64, decimals: usize) {
    if decimals == 2
        && let Some(q) = scaled(x, 2).filter(|&q| q < 1000)
    {
        if x.is_sign_negative() {
            out.push('-');
        }
        let q = q as usize;
        out.push_str(&HUNDREDTHS[4 * q..4 * q + 4]);
        return;
    }
    match fast_text(x, decimals, &mut [0u8; 32]) {
        Some(text) => push_ascii(out, text),
        None => {
            use std::fmt::Write;
            let _ = write!(out, "{x:.decimals$}");
        }
    }
}

/// Appends `n` in decimal, as `{n}` displays it.
pub fn push_uint(out: &mut String, n: u64) {
    let mut buf = [0u8; 20];
    let mut at = buf.len();
    let mut rest = n;
    loop {
        at -= 1;
        buf[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    push_ascii(out, &buf[at..]);
}

/// Appends `x` as `{x}` displays it: whole numbers below 10^15 without the float formatter,
/// anything else through it.
pub fn push_display(out: &mut String, x: f64) {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        if x.is_sign_negative() {
            out.push('-');
        }
        push_uint(out, x.abs() as u64);
    } else {
        use std::fmt::Write;
        let _ = write!(out, "{x}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(x: f64) {
        for d in 0..=4 {
            assert_eq!(Fixed(x, d).to_string(), format!("{x:.d$}"), "{x:e} {d}");
            let mut pushed = String::from("<");
            push_fixed(&mut pushed, x, d);
            assert_eq!(pushed, format!("<{x:.d$}"), "{x:e} {d}");
        }
        let mut pushed = String::new();
        push_display(&mut pushed, x);
        assert_eq!(pushed, format!("{x}"), "{x:e}");
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
        check(f64::NEG_INFINITY);
        for x in [0.0, -0.0, 7.0, -7.0, 5.5, 24.0, 1e15 - 1.0, 1e15, 2e20] {
            check(x);
        }
        for n in [0, 1, 9, 10, 99, 12_345, u64::MAX] {
            let mut pushed = String::new();
            push_uint(&mut pushed, n);
            assert_eq!(pushed, n.to_string());
        }
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
