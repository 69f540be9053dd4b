//! The store's forms: the posted body as fields (repeatable names kept), the CSRF check
//! (a per-process form token and, when the browser names it, the same origin), and the
//! limits and rules of each field. Every refusal is a [`UserError`] (4xx).

use crate::params::UserError;
use axum::http::{HeaderMap, header};
use std::hash::{BuildHasher, Hasher};

/// Longest free text accepted (note, reason, evidence), in characters.
pub const MAX_TEXT_CHARS: usize = 2000;
/// Longest short field accepted (author, ids, dates), in characters.
pub const MAX_SHORT_CHARS: usize = 100;

/// A new random form token: 128 bits from two of the standard library's randomly keyed
/// hashers (keyed from the operating system's random source once per process and thread).
pub fn new_token() -> String {
    let mut token = String::new();
    for salt in 0..2u64 {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u64(salt);
        hasher.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        token.push_str(&format!("{:016x}", hasher.finish()));
    }
    token
}

/// The fields of a posted `application/x-www-form-urlencoded` body.
#[derive(Debug, Default)]
pub struct Form {
    fields: Vec<(String, String)>,
}

impl Form {
    /// Parses a body; anything but UTF-8 form encoding is a 400 (415 for another type).
    pub fn parse(headers: &HeaderMap, body: &[u8]) -> Result<Form, UserError> {
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !content_type
            .to_ascii_lowercase()
            .starts_with("application/x-www-form-urlencoded")
        {
            return Err(UserError {
                status: 415,
                ..UserError::bad("send the form as application/x-www-form-urlencoded")
            });
        }
        if std::str::from_utf8(body).is_err() {
            return Err(UserError::bad("the form is not UTF-8"));
        }
        Ok(Form {
            fields: form_urlencoded::parse(body).into_owned().collect(),
        })
    }

    /// The first value of `name`, trimmed ("" when missing).
    pub fn get(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.trim())
    }

    /// Every value of `name`, trimmed, empty ones dropped.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.fields
            .iter()
            .filter(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim())
            .collect()
    }

    /// `name`, at most `max` characters.
    pub fn text(&self, name: &str, max: usize) -> Result<String, UserError> {
        let value = self.get(name);
        if value.chars().count() > max {
            return Err(UserError::bad(format!(
                "{name}: at most {max} characters, got {}",
                value.chars().count()
            )));
        }
        Ok(value.to_string())
    }

    /// `name`, required, at most `max` characters.
    pub fn required(&self, name: &str, max: usize) -> Result<String, UserError> {
        let value = self.text(name, max)?;
        if value.is_empty() {
            return Err(UserError::bad(format!("{name}: required")));
        }
        Ok(value)
    }

    /// `name` as a date `YYYY-MM-DD` (checked again by the store).
    pub fn date(&self, name: &str) -> Result<String, UserError> {
        let value = self.required(name, 10)?;
        let ok = value.len() == 10
            && value.bytes().enumerate().all(|(i, b)| match i {
                4 | 7 => b == b'-',
                _ => b.is_ascii_digit(),
            });
        if !ok {
            return Err(UserError::bad(format!(
                "{name}: '{value}' is not a date (YYYY-MM-DD)"
            )));
        }
        Ok(value)
    }

    /// `name` as a fiscal year (1900-2200).
    pub fn fiscal_year(&self, name: &str) -> Result<u16, UserError> {
        let value = self.required(name, 4)?;
        value
            .parse::<u16>()
            .ok()
            .filter(|y| (1900..=2200).contains(y))
            .ok_or_else(|| UserError::bad(format!("{name}: '{value}' is not a fiscal year")))
    }

    /// `name` as a row id.
    pub fn id(&self, name: &str) -> Result<i64, UserError> {
        let value = self.required(name, 19)?;
        value
            .parse::<i64>()
            .ok()
            .filter(|&id| id > 0)
            .ok_or_else(|| UserError::bad(format!("{name}: '{value}' is not an id")))
    }
}

/// The CSRF check of every store form: the form token must be this server's, and a browser's
/// `Origin` (or, without one, `Sec-Fetch-Site`) must be this site. Refusals are 403.
pub fn check_same_site(headers: &HeaderMap, form: &Form, token: &str) -> Result<(), UserError> {
    let forbidden = |why: &str| UserError {
        status: 403,
        ..UserError::bad(why.to_string())
    };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    // A page sent with `Referrer-Policy: no-referrer` (as this one is) posts its forms with
    // `Origin: null`; then `Sec-Fetch-Site` tells where the form came from.
    let origin = headers
        .get(header::ORIGIN)
        .map(|v| v.to_str().unwrap_or(""))
        .filter(|o| *o != "null");
    if let Some(origin) = origin {
        let authority = origin
            .strip_prefix("http://")
            .or_else(|| origin.strip_prefix("https://"));
        if authority.is_none() || authority != host {
            return Err(forbidden("the form comes from another origin"));
        }
    } else if let Some(site) = headers.get("sec-fetch-site")
        && !matches!(site.to_str().unwrap_or(""), "same-origin" | "none")
    {
        return Err(forbidden("the form comes from another site"));
    }
    if !constant_time_eq(form.get("csrf").as_bytes(), token.as_bytes()) {
        return Err(forbidden("the form token is missing or wrong"));
    }
    Ok(())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn form(body: &str) -> Form {
        let mut h = HeaderMap::new();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        Form::parse(&h, body.as_bytes()).unwrap()
    }

    #[test]
    fn tokens_differ_and_fields_parse() {
        assert_ne!(new_token(), new_token());
        assert_eq!(new_token().len(), 32);
        let f = form("a=+x+&b=1&b=&b=2&d=2024-02-30&y=2025&n=0");
        assert_eq!(f.get("a"), "x");
        assert_eq!(f.all("b"), ["1", "2"]);
        assert_eq!(f.date("d").unwrap(), "2024-02-30");
        assert!(f.date("a").is_err());
        assert_eq!(f.fiscal_year("y").unwrap(), 2025);
        assert!(f.id("n").is_err());
        assert!(f.required("missing", 5).is_err());
        assert!(f.text("a", 0).is_err());
    }

    #[test]
    fn csrf_needs_the_token_and_this_origin() {
        let f = form("csrf=abc");
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8080"));
        assert!(check_same_site(&h, &f, "abc").is_ok());
        assert_eq!(check_same_site(&h, &f, "abd").unwrap_err().status, 403);
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://evil.example"),
        );
        assert_eq!(check_same_site(&h, &f, "abc").unwrap_err().status, 403);
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://127.0.0.1:8080"),
        );
        assert!(check_same_site(&h, &f, "abc").is_ok());
        h.insert(header::ORIGIN, HeaderValue::from_static("null"));
        h.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
        assert!(check_same_site(&h, &f, "abc").is_ok());
        h.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert_eq!(check_same_site(&h, &f, "abc").unwrap_err().status, 403);
        h.remove(header::ORIGIN);
        assert_eq!(check_same_site(&h, &f, "abc").unwrap_err().status, 403);
    }
}
