//! Reading the region files (`japan_regions.csv`, `overseas_regions.csv`), the derived
//! coordinates (`derived/region_geo.csv`) and the parent links between regions.

use super::{BUREAUS, Region, RegionId, RegionKind, japanese};
use crate::csvin::CsvFile;
use crate::error::{DataError, Result};
use crate::lookup::NameIndex;
use crate::sector::check_id;
use std::collections::HashMap;
use std::path::Path;

fn lat_lon(row: &crate::csvin::Row<'_>) -> Result<(f64, f64)> {
    Ok((
        row.number_in("lat", -90.0, 90.0)?,
        row.number_in("lon", -180.0, 180.0)?,
    ))
}

fn new_region_id(row: &crate::csvin::Row<'_>, index: &NameIndex) -> Result<String> {
    let id = row.required("id")?;
    check_id(id).map_err(|m| row.cell_error("id", m, "use lowercase a-z, 0-9 and _"))?;
    if index.position_of_id(id).is_some() {
        return Err(row.cell_error(
            "id",
            format!("duplicate id '{id}'"),
            "region ids must be unique across japan_regions.csv and overseas_regions.csv",
        ));
    }
    Ok(id.to_string())
}

/// Indexes a region under its id, names and aliases; an overseas region's Japanese name
/// also without its administrative suffix (`バイエルン州` as `バイエルン`), in the second,
/// looser pass of lookup where Japanese regions' names lose 市/県/府/都.
fn index_region(index: &mut NameIndex, position: usize, region: &Region) {
    let mut names: Vec<&str> = vec![region.name.as_str()];
    names.extend(region.name_ja());
    names.extend(region.aliases.iter().map(String::as_str));
    index.insert(position, &region.id, &names);
    if region.kind == RegionKind::Overseas
        && let Some(short) = region.name_ja().and_then(japanese::short_name)
    {
        index.insert_loose(position, &[short]);
    }
}

pub(super) fn load_japan(
    path: &Path,
    regions: &mut Vec<Region>,
    index: &mut NameIndex,
) -> Result<()> {
    let file = CsvFile::open(
        path,
        &[
            "id",
            "name",
            "aliases",
            "kind",
            "bureau",
            "prefecture",
            "lat",
            "lon",
            "geo_provenance",
        ],
    )?;
    let mut parents: Vec<(usize, String, u64)> = Vec::new();
    for row in file.rows() {
        let id = new_region_id(&row, index)?;
        let kind = row.required("kind")?;
        if kind != "prefecture" && kind != "area" {
            return Err(row.cell_error(
                "kind",
                format!("unknown kind '{kind}'"),
                "use prefecture or area",
            ));
        }
        let bureau = row.required("bureau")?;
        if !BUREAUS.contains(&bureau) {
            return Err(row.cell_error(
                "bureau",
                format!("unknown bureau '{bureau}'"),
                &format!("use one of: {}", BUREAUS.join(", ")),
            ));
        }
        let prefecture = row.text("prefecture");
        match (kind, prefecture.is_empty()) {
            ("area", true) => {
                return Err(row.cell_error(
                    "prefecture",
                    "an area needs its prefecture".into(),
                    "name the id of the prefecture the area lies in",
                ));
            }
            ("area", false) => parents.push((regions.len(), prefecture.to_string(), row.line())),
            _ => {}
        }
        let (lat, lon) = lat_lon(&row)?;
        let aliases = row.list("aliases");
        let region = Region {
            id,
            name: row.required("name")?.to_string(),
            name_ja: aliases
                .iter()
                .find(|a| a.chars().any(japanese::is_japanese_char))
                .cloned(),
            aliases,
            kind: RegionKind::Japan,
            country: "JP".into(),
            parent: None,
            level: kind.to_string(),
            bureau: Some(bureau.to_string()),
            lat,
            lon,
            utc_offset: 9.0,
            languages: vec!["ja".into()],
            geo_provenance: row.text("geo_provenance").to_string(),
        };
        index_region(index, regions.len(), &region);
        regions.push(region);
    }
    resolve_parents(path, regions, parents, "prefecture", 5, |r| {
        r.level == "prefecture"
    })
}

/// Applies `derived/region_geo.csv` (`region_id,lat,lon,geo_provenance`, more columns
/// ignored): replaces the coordinates of the listed regions. Returns how many it replaced.
/// A region listed twice with the same coordinates and provenance is accepted (the rows are
/// identical); listed twice with different values it is an error naming both lines.
pub(super) fn apply_geo(path: &Path, regions: &mut [Region]) -> Result<usize> {
    if !path.is_file() {
        return Ok(0);
    }
    let file = CsvFile::open(path, &["region_id", "lat", "lon", "geo_provenance"])?;
    let positions: HashMap<&str, usize> = regions
        .iter()
        .enumerate()
        .map(|(p, r)| (r.id.as_str(), p))
        .collect();
    let mut updates: Vec<(usize, f64, f64, String)> = Vec::new();
    let mut seen: HashMap<usize, (u64, usize)> = HashMap::new();
    for row in file.rows() {
        let id = row.required("region_id")?;
        let Some(&position) = positions.get(id) else {
            return Err(row.cell_error(
                "region_id",
                format!("unknown region '{}'", crate::lookup::clip(id)),
                "rebuild the derived files (tieup catalog rebuild)",
            ));
        };
        let (lat, lon) = lat_lon(&row)?;
        let provenance = row.required("geo_provenance")?.to_string();
        if let Some(&(line, earlier)) = seen.get(&position) {
            let (_, lat0, lon0, ref prov0) = updates[earlier];
            if lat0 != lat || lon0 != lon || *prov0 != provenance {
                return Err(row.cell_error(
                    "region_id",
                    format!("'{id}' is listed again with other coordinates (first on line {line})"),
                    "keep one row per region",
                ));
            }
            continue;
        }
        seen.insert(position, (row.line(), updates.len()));
        updates.push((position, lat, lon, provenance));
    }
    let count = updates.len();
    for (position, lat, lon, provenance) in updates {
        let region = &mut regions[position];
        region.lat = lat;
        region.lon = lon;
        region.geo_provenance = provenance;
    }
    Ok(count)
}

pub(super) fn load_overseas(
    path: &Path,
    regions: &mut Vec<Region>,
    index: &mut NameIndex,
) -> Result<()> {
    let file = CsvFile::open(
        path,
        &[
            "id",
            "name",
            "aliases",
            "country",
            "parent",
            "level",
            "lat",
            "lon",
            "utc_offset",
            "languages",
            "geo_provenance",
        ],
    )?;
    const LEVELS: [&str; 6] = ["country", "state", "nuts1", "nuts2", "metro", "city"];
    let mut parents: Vec<(usize, String, u64)> = Vec::new();
    for row in file.rows() {
        let id = new_region_id(&row, index)?;
        let country = overseas_country(&row)?;
        let level = row.required("level")?;
        if !LEVELS.contains(&level) {
            return Err(row.cell_error(
                "level",
                format!("unknown level '{level}'"),
                &format!("use one of: {}", LEVELS.join(", ")),
            ));
        }
        let languages = languages(&row)?;
        let parent = row.text("parent");
        if !parent.is_empty() {
            parents.push((regions.len(), parent.to_string(), row.line()));
        }
        let (lat, lon) = lat_lon(&row)?;
        let aliases = row.list("aliases");
        let name_ja = match japanese::name_ja_cell(&row)? {
            Some(name) => Some(name),
            None => aliases.iter().find(|a| japanese::has_kana(a)).cloned(),
        };
        let region = Region {
            id,
            name: row.required("name")?.to_string(),
            name_ja,
            aliases,
            kind: RegionKind::Overseas,
            country: country.to_string(),
            parent: None,
            level: level.to_string(),
            bureau: None,
            lat,
            lon,
            utc_offset: row.number_in("utc_offset", -12.0, 14.0)?,
            languages,
            geo_provenance: row.text("geo_provenance").to_string(),
        };
        index_region(index, regions.len(), &region);
        regions.push(region);
    }
    resolve_parents(path, regions, parents, "parent", 4, |r| {
        r.kind == RegionKind::Overseas
    })
}

fn resolve_parents(
    path: &Path,
    regions: &mut [Region],
    parents: Vec<(usize, String, u64)>,
    column: &str,
    column_index: usize,
    allowed: impl Fn(&Region) -> bool,
) -> Result<()> {
    let positions: HashMap<&str, usize> = regions
        .iter()
        .enumerate()
        .filter(|(_, r)| allowed(r))
        .map(|(p, r)| (r.id.as_str(), p))
        .collect();
    let mut links = Vec::with_capacity(parents.len());
    for (child, parent, line) in parents {
        let error = |message: String, fix: String| DataError {
            file: path.to_path_buf(),
            line: Some(line),
            column: Some((column.to_string(), column_index + 1)),
            message,
            fix,
        };
        let parent_position = match positions.get(parent.as_str()) {
            Some(&p) if p == child => {
                return Err(error(
                    format!("region '{parent}' names itself as its {column}"),
                    format!("name another region as the {column}, or leave the cell empty"),
                )
                .into());
            }
            Some(&p) => p,
            None => {
                return Err(error(
                    format!("unknown {column} '{}'", crate::lookup::clip(&parent)),
                    format!("name the id of a region in the same file as the {column}"),
                )
                .into());
            }
        };
        links.push((child, parent_position));
    }
    for (child, parent_position) in links {
        regions[child].parent = Some(RegionId::from_index(parent_position));
    }
    // A parent chain must end: walking up from any region never returns to it.
    for start in 0..regions.len() {
        let mut at = regions[start].parent;
        let mut steps = 0;
        while let Some(p) = at {
            steps += 1;
            if p.index() == start || steps > regions.len() {
                return Err(DataError {
                    file: path.to_path_buf(),
                    line: None,
                    column: Some((column.to_string(), column_index + 1)),
                    message: format!("region '{}' is its own ancestor", regions[start].id),
                    fix: format!("break the cycle in the {column} column"),
                }
                .into());
            }
            at = regions[p.index()].parent;
        }
    }
    Ok(())
}

/// The `country` cell of an overseas region: an ISO 3166-1 alpha-2 code other than `JP`.
fn overseas_country<'r>(row: &'r crate::csvin::Row<'_>) -> Result<&'r str> {
    let country = row.required("country")?;
    if country.len() != 2 || !country.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(row.cell_error(
            "country",
            format!("'{country}' is not an ISO 3166-1 alpha-2 code"),
            "write two capital letters, e.g. SE",
        ));
    }
    if country == "JP" {
        return Err(row.cell_error(
            "country",
            "a Japanese region in the overseas file".into(),
            "move it to japan_regions.csv",
        ));
    }
    Ok(country)
}

/// The `languages` cell: ISO 639-1 codes separated by `;`, at least one.
fn languages(row: &crate::csvin::Row<'_>) -> Result<Vec<String>> {
    let languages = row.list("languages");
    if languages.is_empty()
        || languages
            .iter()
            .any(|l| l.len() != 2 || !l.chars().all(|c| c.is_ascii_lowercase()))
    {
        return Err(row.cell_error(
            "languages",
            format!(
                "'{}' is not a list of ISO 639-1 codes",
                row.text("languages")
            ),
            "write two-letter codes separated by ';', e.g. sv;en",
        ));
    }
    Ok(languages)
}
