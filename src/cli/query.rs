//! `tieup shortlist`, `regions`, `sectors` and `stats`: questions asked of the catalog; the
//! shortlist filters and grouping (`--country`, `--exclude`, `--level`, `--max-per-country`,
//! `--expand`) shared with `score`.

use super::args::{
    Cli, Format, FormatArgs, KindArg, RegionsArgs, SelectionArgs, ShortlistArgs, TextFormat,
    TextFormatArgs,
};
use super::{default_model, invalid_arguments, load_catalog, render};
use anyhow::{Context, Result};
use std::io::Write;
use std::path::PathBuf;
use tieup_core::catalog::{Catalog, RegionKind};
use tieup_core::features::{Encoder, Query, find_feature};
use tieup_core::model::LinearModel;
use tieup_core::report::{RegionEntry, SectorEntry, ShortlistReport};
use tieup_core::select::Selection;

/// A shortlist request with every name resolved against the catalog.
struct ShortlistRequest {
    query: Query,
    selection: Selection,
    top: usize,
    model_path: PathBuf,
}

impl ShortlistRequest {
    /// Validates the arguments: `--top` at least 1, region, sector, wanted traits and
    /// objectives known.
    fn new(a: &ShortlistArgs, catalog: &Catalog) -> Result<Self> {
        if !(1..=super::MAX_TOP).contains(&a.top) {
            invalid_arguments!("--top must be 1-{}", super::MAX_TOP);
        }
        let mut query = Query::new(
            catalog.find_japan_region(&a.region)?,
            catalog.sectors().find(&a.sector)?,
        );
        for want in &a.want {
            for item in want.split([',', ';']).filter(|s| !s.trim().is_empty()) {
                query.wanted.push(find_feature(item.trim())?);
            }
        }
        for objective in &a.objective {
            let features = tieup_core::application::objective_features(objective)?;
            query.wanted.extend_from_slice(features);
        }
        query.before_year = a.before_year;
        Ok(ShortlistRequest {
            query,
            selection: selection(&a.selection, catalog)?,
            top: a.top,
            model_path: a.model.clone().unwrap_or_else(default_model),
        })
    }
}

/// `tieup shortlist`.
pub(super) fn shortlist(cli: &Cli, a: &ShortlistArgs, out: &mut dyn Write) -> Result<()> {
    let catalog = load_catalog(cli)?;
    let request = ShortlistRequest::new(a, &catalog)?;
    let model = LinearModel::load(&request.model_path)
        .context("loading the model (regenerate the default with `tieup prior`)")?;
    // The catalog as known before the year limit (names resolve the same in both).
    let catalog = catalog.as_known_in(request.query.before_year);
    let encoder = Encoder::new(&catalog);
    let list = tieup_core::rank::shortlist_selected(
        &encoder,
        &model,
        &request.query,
        &request.selection,
        request.top,
    )?;
    let report = ShortlistReport::new(
        &encoder,
        &model,
        &request.model_path.to_string_lossy(),
        &list,
        request.top,
    );
    let words = tieup_core::plain::PlainShortlist::new(&encoder, &list, a.lang.into());
    match a.format {
        Format::Json => render::json(out, &report),
        Format::Csv => render::shortlist_csv(out, &report, &words),
        Format::Table => render::shortlist_table(out, &report, &words, a.explain),
    }
}

/// Resolves `--country`, `--exclude`, `--level`, `--max-per-country` and `--expand`; a bad
/// value names its flag and the fix (unknown country or region: exit 3 with the closest
/// names; unknown level or a zero cap: exit 2).
pub(super) fn selection(a: &SelectionArgs, catalog: &Catalog) -> Result<Selection> {
    let mut selection = Selection {
        expand: a.expand,
        ..Selection::default()
    };
    for c in &a.country {
        selection
            .countries
            .push(Selection::parse_country(catalog, c).with_context(|| {
                format!(
                    "--country {c}: give an ISO 3166-1 code of a country in the catalog \
                     (`tieup regions --kind overseas` lists them)"
                )
            })?);
    }
    for x in &a.exclude {
        selection
            .exclude
            .push(Selection::parse_exclude(catalog, x).with_context(|| {
                format!("--exclude {x}: give an overseas region's id, name or alias")
            })?);
    }
    for l in &a.level {
        selection.levels.push(
            Selection::parse_level(catalog, l)
                .with_context(|| format!("--level {l}: not a level of the catalog's regions"))?,
        );
    }
    if let Some(n) = a.max_per_country {
        if n == 0 {
            invalid_arguments!("--max-per-country must be at least 1 (leave it out for no cap)");
        }
        selection.max_per_country = Some(n);
    }
    Ok(selection.normalized(catalog))
}

/// `tieup regions`.
pub(super) fn regions(cli: &Cli, a: &RegionsArgs, out: &mut dyn Write) -> Result<()> {
    let catalog = load_catalog(cli)?;
    let kept: Vec<_> = catalog
        .regions()
        .filter(|&(_, r)| {
            let kind_ok = match a.kind {
                None => true,
                Some(KindArg::Japan) => r.kind == RegionKind::Japan,
                Some(KindArg::Overseas) => r.kind == RegionKind::Overseas,
            };
            kind_ok
                && a.country
                    .as_deref()
                    .is_none_or(|c| r.country.eq_ignore_ascii_case(c))
        })
        .map(|(p, _)| p)
        .collect();
    // Exact and whole-word matches first, and only those when there are any (`京都` is
    // Kyoto, not Tokyo's 東京都).
    let found = match a.search.as_deref() {
        Some(text) => catalog.search_regions(kept, text),
        None => kept,
    };
    let entries: Vec<RegionEntry> = found
        .into_iter()
        .map(|p| RegionEntry::new(&catalog, p))
        .collect();
    match a.format {
        Format::Json => render::json(out, &entries),
        Format::Csv => render::regions_csv(out, &entries),
        Format::Table => render::regions_table(out, &entries),
    }
}

/// `tieup sectors`.
pub(super) fn sectors(cli: &Cli, a: &FormatArgs, out: &mut dyn Write) -> Result<()> {
    let catalog = load_catalog(cli)?;
    let entries: Vec<SectorEntry> = catalog
        .sectors()
        .ids()
        .map(|p| SectorEntry::new(&catalog, p))
        .collect();
    match a.format {
        Format::Json => render::json(out, &entries),
        Format::Csv => render::sectors_csv(out, &entries),
        Format::Table => render::sectors_table(out, &entries),
    }
}

/// `tieup stats`.
pub(super) fn stats(cli: &Cli, a: &TextFormatArgs, out: &mut dyn Write) -> Result<()> {
    let catalog = load_catalog(cli)?;
    let stats = catalog.stats();
    match a.format {
        TextFormat::Json => render::json(out, &stats),
        TextFormat::Table => render::stats_table(out, &stats),
    }
}
