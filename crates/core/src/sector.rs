//! The sector taxonomy: the eleven survey sectors of the JETRO 2008 survey and the finer
//! sectors under them, with their ISIC Rev.4, NAICS 2012 and (optional column) JSIC Rev.13
//! code prefixes.

use crate::csvin::CsvFile;
use crate::error::Result;
pub use crate::ids::SectorId;
use crate::lookup::NameIndex;
use crate::technology::Technology;
use serde::Serialize;
use std::path::Path;

/// One sector.
#[derive(Debug, Clone, Serialize)]
pub struct Sector {
    /// Stable id, e.g. `medical_devices`.
    pub id: String,
    /// English name.
    pub name: String,
    /// The survey sector this one refines; `None` for a survey sector.
    #[serde(skip)]
    pub parent: Option<SectorId>,
    /// Other names it is looked up by.
    pub aliases: Vec<String>,
    /// ISIC Rev.4 code prefixes.
    pub isic4: Vec<String>,
    /// NAICS 2012 code prefixes.
    pub naics2012: Vec<String>,
    /// JSIC Rev.13 (Japan Standard Industrial Classification) code prefixes; empty when no
    /// JSIC code fits or the file has no `jsic` column.
    pub jsic: Vec<String>,
    /// Best-fitting 2014 US Cluster Mapping traded cluster.
    pub uscmp_cluster: Option<String>,
    /// Technology intensity by Eurostat's aggregations, from the ISIC codes
    /// ([`Technology::of_isic`]).
    pub technology: Technology,
    /// The finer sectors under this one.
    #[serde(skip)]
    pub children: Vec<SectorId>,
}

/// All sectors, with lookup by id, name or alias.
#[derive(Debug, Clone)]
pub struct SectorTable {
    sectors: Vec<Sector>,
    index: NameIndex,
}

const COLUMNS: [&str; 7] = [
    "id",
    "name",
    "parent",
    "aliases",
    "isic4",
    "naics2012",
    "uscmp_cluster",
];

impl SectorTable {
    /// Loads `sectors.csv`.
    pub fn load(path: &Path) -> Result<Self> {
        let file = CsvFile::open(path, &COLUMNS)?;
        let mut sectors: Vec<Sector> = Vec::new();
        let mut parents: Vec<(usize, String, u64)> = Vec::new();
        let mut index = NameIndex::new(crate::lookup::Loosen::Plurals);
        for row in file.rows() {
            let id = row.required("id")?;
            check_id(id).map_err(|m| row.cell_error("id", m, "use lowercase a-z, 0-9 and _"))?;
            if index.position_of_id(id).is_some() {
                return Err(row.cell_error(
                    "id",
                    format!("duplicate id '{id}'"),
                    "give every sector its own id",
                ));
            }
            check_codes(&row)?;
            let position = sectors.len();
            let parent = row.text("parent");
            if !parent.is_empty() {
                parents.push((position, parent.to_string(), row.line()));
            }
            let isic4 = row.list("isic4");
            let sector = Sector {
                id: id.to_string(),
                name: row.required("name")?.to_string(),
                parent: None,
                aliases: row.list("aliases"),
                technology: Technology::of_isic(&isic4),
                isic4,
                naics2012: row.list("naics2012"),
                jsic: row.list("jsic"),
                uscmp_cluster: Some(row.text("uscmp_cluster").to_string())
                    .filter(|c| !c.is_empty()),
                children: Vec::new(),
            };
            let mut names: Vec<&str> = vec![sector.name.as_str()];
            names.extend(sector.aliases.iter().map(String::as_str));
            index.insert(position, &sector.id, &names);
            sectors.push(sector);
        }
        link_parents(path, &file, &mut sectors, &index, parents)?;
        if sectors.is_empty() {
            return Err(file.file_error("no sectors".into(), "add sector rows"));
        }
        Ok(SectorTable { sectors, index })
    }

    /// All sectors in file order.
    pub fn all(&self) -> &[Sector] {
        &self.sectors
    }

    /// Every sector with its id, in file order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (SectorId, &Sector)> + Clone {
        self.sectors
            .iter()
            .enumerate()
            .map(|(p, s)| (SectorId::from_index(p), s))
    }

    /// Every sector id, in file order.
    pub fn ids(&self) -> impl ExactSizeIterator<Item = SectorId> + Clone + use<> {
        (0..self.sectors.len()).map(SectorId::from_index)
    }

    /// Number of sectors.
    pub fn len(&self) -> usize {
        self.sectors.len()
    }

    /// True when there are no sectors (never, for a loaded table).
    pub fn is_empty(&self) -> bool {
        self.sectors.is_empty()
    }

    /// The sector with this id.
    pub fn get(&self, id: SectorId) -> &Sector {
        &self.sectors[id.index()]
    }

    /// Finds a sector by id, name or alias; unknown names list the closest matches.
    pub fn find(&self, query: &str) -> Result<SectorId> {
        self.index.find("sector", query).map(SectorId::from_index)
    }

    /// The sector whose id is exactly `id`.
    pub fn by_id(&self, id: &str) -> Option<SectorId> {
        self.index.position_of_id(id).map(SectorId::from_index)
    }

    /// The survey sector a sector belongs to (itself for a survey sector).
    pub fn survey_root(&self, id: SectorId) -> SectorId {
        self.get(id).parent.unwrap_or(id)
    }

    /// Sectors without finer sectors under them, in file order.
    pub fn leaves(&self) -> Vec<SectorId> {
        self.iter()
            .filter(|(_, s)| s.children.is_empty())
            .map(|(id, _)| id)
            .collect()
    }
}

/// The code prefixes of a row (`isic4`, `naics2012`, `jsic`): digits only.
fn check_codes(row: &crate::csvin::Row<'_>) -> Result<()> {
    for column in ["isic4", "naics2012", "jsic"] {
        if let Some(bad) = row
            .list(column)
            .into_iter()
            .find(|c| !c.chars().all(|ch| ch.is_ascii_digit()))
        {
            return Err(row.cell_error(
                column,
                format!(
                    "'{}' is not a numeric code prefix",
                    crate::lookup::clip(&bad)
                ),
                "write digits only, several separated by ';'",
            ));
        }
    }
    Ok(())
}

/// Resolves the `parent` cells (position, parent id, line) and links the children; a parent
/// must be a survey sector (one without a parent itself).
fn link_parents(
    path: &Path,
    file: &CsvFile,
    sectors: &mut [Sector],
    index: &NameIndex,
    parents: Vec<(usize, String, u64)>,
) -> Result<()> {
    for (position, parent, line) in parents {
        let found = index.position_of_id(&parent);
        let Some(parent_position) = found.filter(|&p| p != position) else {
            let message = if found == Some(position) {
                format!("sector '{parent}' names itself as its parent")
            } else {
                format!("unknown parent sector '{}'", crate::lookup::clip(&parent))
            };
            return Err(crate::error::DataError {
                file: path.to_path_buf(),
                line: Some(line),
                column: Some(("parent".into(), 3)),
                message,
                fix: "name the id of one of the survey sectors (rows with an empty parent)".into(),
            }
            .into());
        };
        sectors[position].parent = Some(SectorId::from_index(parent_position));
    }
    for position in 0..sectors.len() {
        if let Some(parent) = sectors[position].parent.map(SectorId::index) {
            if sectors[parent].parent.is_some() {
                return Err(file.file_error(
                    format!(
                        "sector '{}' has parent '{}', which is not a survey sector",
                        sectors[position].id, sectors[parent].id
                    ),
                    "a finer sector's parent must have an empty parent itself",
                ));
            }
            sectors[parent]
                .children
                .push(SectorId::from_index(position));
        }
    }
    Ok(())
}

/// Checks that an id is lowercase snake_case ASCII.
pub fn check_id(id: &str) -> Result<(), String> {
    let ok = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && id.chars().next().is_some_and(|c| c.is_ascii_lowercase());
    if ok {
        Ok(())
    } else {
        Err(format!("'{}' is not a valid id", crate::lookup::clip(id)))
    }
}
