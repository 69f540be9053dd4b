//! The query string of every page: parsed by hand (repeated keys such as `want=a&want=b`),
//! resolved against the catalog with the same lookups as the command line, and written back
//! into links so that every page can be bookmarked.

use crate::i18n::Lang;
use tieup_core::catalog::Catalog;
use tieup_core::features::{Query, find_feature};
use tieup_core::select::Selection;

/// Largest `top` a page may ask for (the catalog has a few hundred candidates).
pub const MAX_TOP: usize = 500;

/// The raw parameters of a request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Params {
    pub region: String,
    pub sector: String,
    pub want: Vec<String>,
    pub objective: Vec<String>,
    pub before: String,
    pub top: String,
    pub lang: Lang,
    /// Regions to compare (`c`).
    pub compare: Vec<String>,
    /// Listing filters of `/api/regions`.
    pub kind: String,
    pub country: String,
    pub search: String,
    /// Shortlist filters: countries (every `country` value), levels, excluded regions, the
    /// cap per country, and `expand` (nested regions in rows of their own).
    pub countries: Vec<String>,
    pub level: Vec<String>,
    pub exclude: Vec<String>,
    pub max_per_country: String,
    pub expand: bool,
}

/// Why a request cannot be answered: a 4xx with a message and the closest names.
#[derive(Debug, Clone, PartialEq)]
pub struct UserError {
    pub status: u16,
    pub message: String,
    pub suggestions: Vec<String>,
    /// The parameter the suggestions replace (`region`, `sector`, `profile`).
    pub field: Option<&'static str>,
}

impl UserError {
    pub fn bad(message: impl Into<String>) -> Self {
        UserError {
            status: 400,
            message: message.into(),
            suggestions: Vec::new(),
            field: None,
        }
    }

    /// The same error, about parameter `field`.
    pub fn on(mut self, field: &'static str) -> Self {
        self.field = Some(field);
        self
    }

    /// Unknown and ambiguous names keep the library's message (the CLI's text) and its
    /// suggestions; anything else is a bad request with the error's text.
    pub fn from_core(error: tieup_core::Error, status: u16) -> Self {
        let suggestions = match &error {
            tieup_core::Error::UnknownName { suggestions, .. } => suggestions.clone(),
            tieup_core::Error::AmbiguousName { candidates, .. } => candidates.clone(),
            _ => Vec::new(),
        };
        UserError {
            status,
            message: error.to_string(),
            suggestions,
            field: None,
        }
    }
}

impl Params {
    /// Parses a query string (`None`: no parameters).
    pub fn parse(raw: Option<&str>) -> Params {
        let mut p = Params::default();
        for (key, value) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
            let value = value.into_owned();
            match key.as_ref() {
                "region" => p.region = value,
                "sector" => p.sector = value,
                "want" => push_items(&mut p.want, &value),
                "objective" => push_items(&mut p.objective, &value),
                "before" | "before_year" => p.before = value,
                "top" => p.top = value,
                "lang" => p.lang = Lang::parse(&value),
                "c" => push_items(&mut p.compare, &value),
                "kind" => p.kind = value,
                "country" => {
                    push_items(&mut p.countries, &value);
                    p.country = value;
                }
                "level" => push_items(&mut p.level, &value),
                "exclude" => push_items(&mut p.exclude, &value),
                "max_per_country" => p.max_per_country = value,
                "expand" => p.expand = matches!(value.as_str(), "1" | "true" | "on" | "yes"),
                "search" => p.search = value,
                _ => {}
            }
        }
        p
    }

    /// True when a region and a sector were given.
    pub fn has_query(&self) -> bool {
        !self.region.trim().is_empty() && !self.sector.trim().is_empty()
    }

    /// The number of candidates asked for (default 10).
    pub fn top(&self) -> Result<usize, UserError> {
        let text = self.top.trim();
        if text.is_empty() {
            return Ok(10);
        }
        match text.parse::<usize>() {
            Ok(k) if (1..=MAX_TOP).contains(&k) => Ok(k),
            _ => Err(UserError::bad(format!(
                "top must be a number from 1 to {MAX_TOP}, not '{text}'"
            ))),
        }
    }

    /// Resolves region, sector, wanted traits, objectives and year into a ranking query,
    /// exactly as `tieup shortlist` does.
    pub fn query(&self, catalog: &Catalog) -> Result<Query, UserError> {
        let region = catalog
            .find_japan_region(self.region.trim())
            .map_err(|e| UserError::from_core(e, 400).on("region"))?;
        let sector = catalog
            .sectors()
            .find(self.sector.trim())
            .map_err(|e| UserError::from_core(e, 400).on("sector"))?;
        let mut query = Query::new(region, sector);
        for want in &self.want {
            query
                .wanted
                .push(find_feature(want).map_err(|e| UserError::from_core(e, 400))?);
        }
        for objective in &self.objective {
            let features = tieup_core::application::objective_features(objective)
                .map_err(|e| UserError::from_core(e, 400))?;
            query.wanted.extend_from_slice(features);
        }
        let before = self.before.trim();
        if !before.is_empty() {
            query.before_year = Some(before.parse::<u16>().map_err(|_| {
                UserError::bad(format!(
                    "the year must be a fiscal year such as 2005, not '{before}'"
                ))
            })?);
        }
        Ok(query)
    }

    /// Resolves the shortlist filters and grouping, with the same checks as the command
    /// line's `--country`, `--level`, `--exclude` and `--max-per-country`.
    pub fn selection(&self, catalog: &Catalog) -> Result<Selection, UserError> {
        let mut selection = Selection {
            expand: self.expand,
            ..Selection::default()
        };
        for c in &self.countries {
            selection.countries.push(
                Selection::parse_country(catalog, c)
                    .map_err(|e| UserError::from_core(e, 400).on("country"))?,
            );
        }
        for l in &self.level {
            selection.levels.push(
                Selection::parse_level(catalog, l)
                    .map_err(|e| UserError::from_core(e, 400).on("level"))?,
            );
        }
        for x in &self.exclude {
            selection.exclude.push(
                Selection::parse_exclude(catalog, x)
                    .map_err(|e| UserError::from_core(e, 400).on("exclude"))?,
            );
        }
        let cap = self.max_per_country.trim();
        if !cap.is_empty() {
            let n = cap
                .parse::<usize>()
                .ok()
                .filter(|&n| n >= 1)
                .ok_or_else(|| {
                    UserError::bad(format!(
                        "max_per_country must be a whole number of at least 1, not '{cap}'"
                    ))
                    .on("max_per_country")
                })?;
            selection.max_per_country = Some(n);
        }
        Ok(selection.normalized(catalog))
    }

    /// The query string of these parameters (without `c`), for links; `lang` as given.
    pub fn to_query_string(&self, lang: Lang) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        if !self.region.is_empty() {
            s.append_pair("region", &self.region);
        }
        if !self.sector.is_empty() {
            s.append_pair("sector", &self.sector);
        }
        for w in &self.want {
            s.append_pair("want", w);
        }
        for o in &self.objective {
            s.append_pair("objective", o);
        }
        if !self.before.is_empty() {
            s.append_pair("before", &self.before);
        }
        if !self.top.is_empty() {
            s.append_pair("top", &self.top);
        }
        for c in &self.countries {
            s.append_pair("country", c);
        }
        for l in &self.level {
            s.append_pair("level", l);
        }
        for x in &self.exclude {
            s.append_pair("exclude", x);
        }
        if !self.max_per_country.is_empty() {
            s.append_pair("max_per_country", &self.max_per_country);
        }
        if self.expand {
            s.append_pair("expand", "1");
        }
        if lang != Lang::En {
            s.append_pair("lang", lang.code());
        }
        s.finish()
    }

    /// The same query string with the compare list.
    pub fn to_query_string_with_compare(&self, lang: Lang) -> String {
        let mut base = self.to_query_string(lang);
        let mut s = form_urlencoded::Serializer::new(String::new());
        for c in &self.compare {
            s.append_pair("c", c);
        }
        let extra = s.finish();
        if !extra.is_empty() {
            if !base.is_empty() {
                base.push('&');
            }
            base.push_str(&extra);
        }
        base
    }
}

/// Adds the comma- or semicolon-separated, non-empty items of `value`.
fn push_items(list: &mut Vec<String>, value: &str) {
    list.extend(
        value
            .split([',', ';'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_keys_and_lists() {
        let p = Params::parse(Some(
            "region=Fukushima&sector=medical+devices&want=design&want=brand,materials&c=a&c=b&lang=ja&top=5",
        ));
        assert_eq!(p.region, "Fukushima");
        assert_eq!(p.sector, "medical devices");
        assert_eq!(p.want, ["design", "brand", "materials"]);
        assert_eq!(p.compare, ["a", "b"]);
        assert_eq!(p.lang, Lang::Ja);
        assert_eq!(p.top(), Ok(5));
    }

    #[test]
    fn query_string_round_trips() {
        let p = Params::parse(Some(
            "region=%E7%A6%8F%E5%B3%B6%E7%9C%8C&sector=a%26b&want=design",
        ));
        assert_eq!(p.region, "福島県");
        let back = Params::parse(Some(&p.to_query_string(Lang::En)));
        assert_eq!(back, p);
    }

    #[test]
    fn filters_round_trip() {
        let p = Params::parse(Some(
            "region=aichi&sector=automotive&country=DE&country=us&level=state&exclude=bavaria&max_per_country=2&expand=1",
        ));
        assert_eq!(p.countries, ["DE", "us"]);
        assert!(p.expand);
        let back = Params::parse(Some(&p.to_query_string(Lang::En)));
        assert_eq!(back.countries, p.countries);
        assert_eq!(back.level, p.level);
        assert_eq!(back.exclude, p.exclude);
        assert_eq!(back.max_per_country, "2");
        assert!(back.expand);
    }

    #[test]
    fn bad_top_is_a_bad_request() {
        for bad in ["0", "-1", "x", "100000"] {
            let p = Params::parse(Some(&format!("top={bad}")));
            assert_eq!(p.top().unwrap_err().status, 400);
        }
    }
}
