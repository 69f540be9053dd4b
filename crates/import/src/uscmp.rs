//! US Cluster Mapping (Delgado, Porter & Stern 2016): the NAICS 2012 → 2014 traded-cluster
//! crosswalk (`us_cluster_mapping/naics2012_to_uscmp_cluster.csv`) and the cluster
//! relatedness table (`relatedClusters.json`).
//!
//! Used for: the cluster-level strong-cluster flag of every US state (state × cluster
//! employment from CBP's 6-digit cells through the crosswalk, then the US Cluster Mapping
//! rule), written to `us_clusters_<year>.csv` and quoted in the notes of the CBP strengths
//! of the sectors that name the cluster; a check that the `uscmp_cluster` names of
//! `sectors.csv` are 2014 traded clusters; and a comparison of tieup's co-location proximity
//! with the published cluster relatedness (rank correlation in the coverage report).
//! Emsi-specific codes (`EmsiSpecificNAICS` True) are not Census codes and are dropped.

use super::lq::{self, StrongClusterThresholds};
use super::{Classification, Dataset, Estimate};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use tieup_core::catalog::{Catalog, RegionId};
use tieup_core::csvin::CsvFile;
use tieup_core::error::{DataError, Error, Result};

/// The crosswalk: traded NAICS codes and their cluster.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Crosswalk {
    /// Normalised NAICS code → traded cluster name.
    pub traded: BTreeMap<String, String>,
    /// The traded cluster names.
    pub clusters: BTreeSet<String>,
    /// Codes dropped as Emsi-specific.
    pub emsi_dropped: usize,
    /// Local or government codes (not traded clusters).
    pub local: usize,
}

/// Reads the crosswalk CSV.
pub fn read_crosswalk(path: &Path) -> Result<Crosswalk> {
    let file = CsvFile::open(
        path,
        &[
            "NAICS",
            "TradedLocal",
            "Cluster",
            "EmsiSpecificNAICS (non standard)",
        ],
    )?;
    let mut out = Crosswalk::default();
    for row in file.rows() {
        if row.text("EmsiSpecificNAICS (non standard)") == "True" {
            out.emsi_dropped += 1;
            continue;
        }
        if row.text("TradedLocal") != "Traded" {
            out.local += 1;
            continue;
        }
        let text = row.required("NAICS")?;
        let code = Classification::Naics2012.normalise(text).ok_or_else(|| {
            row.cell_error(
                "NAICS",
                format!("'{text}' is not a NAICS code"),
                "write a 6-digit NAICS 2012 code",
            )
        })?;
        let cluster = row.required("Cluster")?.to_string();
        out.clusters.insert(cluster.clone());
        out.traded.insert(code, cluster);
    }
    Ok(out)
}

/// Cluster relatedness: percentile of overall relatedness for every ordered pair.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClusterRelatedness {
    /// (cluster, cluster) → `cr_all_pc` (0–99).
    pub percentile: BTreeMap<(String, String), f64>,
}

/// Reads `relatedClusters.json` (an array of objects whose values are strings).
pub fn read_relatedness(path: &Path) -> Result<ClusterRelatedness> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let error = |message: String| -> Error {
        DataError {
            file: path.to_path_buf(),
            line: None,
            column: None,
            message,
            fix: "give relatedClusters.json of clustermapping/cmp unchanged".into(),
        }
        .into()
    };
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| error(format!("not JSON: {e}")))?;
    let items = value
        .as_array()
        .ok_or_else(|| error("the top level is not an array".into()))?;
    let mut out = ClusterRelatedness::default();
    for (i, item) in items.iter().enumerate() {
        let field = |key: &str| -> Result<&str> {
            item.get(key)
                .and_then(|v| v.as_str())
                .ok_or_else(|| error(format!("object {i} has no string '{key}'")))
        };
        let percentile: f64 = field("cr_all_pc")?
            .parse()
            .map_err(|_| error(format!("object {i}: cr_all_pc is not a number")))?;
        out.percentile.insert(
            (
                field("cluster_name")?.to_string(),
                field("cluster_name_2")?.to_string(),
            ),
            percentile,
        );
    }
    Ok(out)
}

/// One state's figures in one cluster.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterRow {
    /// Dataset region position.
    pub region: usize,
    /// Cluster name.
    pub cluster: String,
    /// Employment.
    pub employment: Estimate,
    /// Establishments.
    pub establishments: f64,
    /// LQ against the US.
    pub lq: f64,
    /// The US Cluster Mapping strong-cluster rule.
    pub strong: bool,
}

/// State × cluster employment from the CBP 6-digit cells, LQs and the strong flag.
/// Returns the rows and how many crosswalk codes CBP has (any state) out of all.
pub fn cluster_rows(cbp: &Dataset, crosswalk: &Crosswalk) -> (Vec<ClusterRow>, usize) {
    let published: BTreeSet<&String> = cbp.regions.iter().flat_map(|r| r.cells.keys()).collect();
    // Each crosswalk code, as CBP publishes it (see `Classification::alternatives`).
    let codes: Vec<(String, &String)> = crosswalk
        .traded
        .iter()
        .filter_map(|(code, cluster)| {
            cbp.classification
                .alternatives(code)
                .into_iter()
                .find(|a| published.contains(a))
                .map(|a| (a, cluster))
        })
        .collect();
    let found = codes.len();
    let mut per_state: Vec<BTreeMap<&str, (Estimate, f64)>> = Vec::new();
    for region in &cbp.regions {
        let mut clusters: BTreeMap<&str, (Estimate, f64)> = BTreeMap::new();
        for (code, cluster) in &codes {
            if let Some(cell) = region.cells.get(code) {
                let entry = clusters.entry(cluster.as_str()).or_default();
                entry.0 += cell.employment;
                entry.1 += cell.establishments.unwrap_or(0.0);
            }
        }
        per_state.push(clusters);
    }
    let grand: f64 = cbp.regions.iter().map(|r| r.total.point).sum();
    let mut rows = Vec::new();
    for cluster in &crosswalk.clusters {
        let national: f64 = per_state
            .iter()
            .filter_map(|s| s.get(cluster.as_str()))
            .map(|(e, _)| e.point)
            .sum();
        let mut cluster_rows: Vec<ClusterRow> = Vec::new();
        for (r, region) in cbp.regions.iter().enumerate() {
            let (employment, establishments) = per_state[r]
                .get(cluster.as_str())
                .copied()
                .unwrap_or_default();
            let Some(value) =
                lq::location_quotient(employment.point, region.total.point, national, grand)
            else {
                continue;
            };
            cluster_rows.push(ClusterRow {
                region: r,
                cluster: cluster.clone(),
                employment,
                establishments,
                lq: value,
                strong: false,
            });
        }
        let lqs: Vec<f64> = cluster_rows.iter().map(|r| r.lq).collect();
        let employment: Vec<f64> = cluster_rows.iter().map(|r| r.employment.point).collect();
        let establishments: Vec<f64> = cluster_rows.iter().map(|r| r.establishments).collect();
        if let Some(t) = StrongClusterThresholds::new(&lqs, &employment, Some(&establishments)) {
            for row in &mut cluster_rows {
                row.strong = t
                    .is_strong(row.lq, row.employment.point, Some(row.establishments))
                    .unwrap_or(false);
            }
        }
        rows.extend(cluster_rows);
    }
    (rows, found)
}

/// `us_clusters_<year>.csv`: catalog states × traded clusters, in catalog then cluster order.
pub fn clusters_csv(cbp: &Dataset, rows: &[ClusterRow], catalog: &Catalog) -> String {
    let mut out = crate::csvout::CsvText::new(
        "region_id,cluster,employment,employment_low,employment_high,establishments,lq,strong_cluster,provenance",
    );
    let mut sorted: Vec<(RegionId, &ClusterRow)> = rows
        .iter()
        .filter_map(|r| cbp.regions[r.region].catalog.map(|c| (c, r)))
        .collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cluster.cmp(&b.1.cluster)));
    for (position, row) in sorted {
        out.row([
            catalog.region(position).id.clone(),
            row.cluster.clone(),
            format!("{:.1}", row.employment.point),
            format!("{:.1}", row.employment.low),
            format!("{:.1}", row.employment.high),
            format!("{:.0}", row.establishments),
            format!("{:.4}", row.lq),
            u8::from(row.strong).to_string(),
            cbp.provenance().to_string(),
        ]);
    }
    out.finish()
}

/// Spearman rank correlation of paired values (average ranks for ties); `None` for fewer
/// than three pairs or a constant side.
///
/// ```
/// use tieup_import::uscmp::spearman;
/// assert_eq!(spearman(&[(1.0, 10.0), (2.0, 20.0), (3.0, 25.0)]), Some(1.0));
/// ```
pub fn spearman(pairs: &[(f64, f64)]) -> Option<f64> {
    if pairs.len() < 3 {
        return None;
    }
    let ranks = |values: Vec<f64>| -> Vec<f64> {
        let mut order: Vec<usize> = (0..values.len()).collect();
        order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
        let mut ranks = vec![0.0; values.len()];
        let mut i = 0;
        while i < order.len() {
            let mut j = i;
            while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
                j += 1;
            }
            let rank = (i + j) as f64 / 2.0 + 1.0;
            for k in i..=j {
                ranks[order[k]] = rank;
            }
            i = j + 1;
        }
        ranks
    };
    let a = ranks(pairs.iter().map(|p| p.0).collect());
    let b = ranks(pairs.iter().map(|p| p.1).collect());
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let cov: f64 = a.iter().zip(&b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = a.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = b.iter().map(|y| (y - mb).powi(2)).sum();
    (va > 0.0 && vb > 0.0).then(|| cov / (va * vb).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Cell, RegionData, SkipReport};

    #[test]
    fn crosswalk_drops_emsi_and_local_codes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.csv");
        std::fs::write(
            &path,
            "NAICS ,TradedLocal,Cluster,SubclusterName,EmsiSpecificNAICS (non standard),Description\n\
             336411,Traded,Aerospace Vehicles and Defense,Aircraft,False,Aircraft\n\
             111000,Traded,Agricultural Inputs and Services,x,True,Emsi\n\
             722511,Local,Local Hospitality Establishments,x,False,Restaurants\n\
             327110,Traded,Vulcanized and Fired Materials,x,False,Pottery\n",
        )
        .unwrap();
        let c = read_crosswalk(&path).unwrap();
        assert_eq!(c.traded.len(), 2);
        assert_eq!(c.traded["327110"], "Vulcanized and Fired Materials");
        assert_eq!((c.emsi_dropped, c.local), (1, 1));
    }

    #[test]
    fn cluster_flags_follow_the_rule() {
        let crosswalk = Crosswalk {
            traded: [("336411".to_string(), "Aero".to_string())]
                .into_iter()
                .collect(),
            clusters: ["Aero".to_string()].into_iter().collect(),
            ..Crosswalk::default()
        };
        let regions: Vec<RegionData> = (0..4)
            .map(|i| {
                let mut r = RegionData::new(&format!("{i:02}"), None, true);
                r.total = Estimate::exact(1000.0);
                r.cells.insert(
                    "336411".into(),
                    Cell {
                        employment: Estimate::exact(10.0 * (i as f64 + 1.0).powi(2)),
                        establishments: Some(5.0 * (i as f64 + 1.0)),
                    },
                );
                r
            })
            .collect();
        let cbp = Dataset {
            name: "us_cbp".into(),
            year: 2011,
            classification: Classification::Naics2007,
            regions,
            reference: None,
            missing_is_zero: true,
            sections_only: false,
            skipped: SkipReport::default(),
            notes: vec![],
        };
        let (rows, found) = cluster_rows(&cbp, &crosswalk);
        assert_eq!(found, 1);
        let strong: Vec<bool> = rows.iter().map(|r| r.strong).collect();
        assert_eq!(strong, vec![false, false, false, true]);
    }
}
