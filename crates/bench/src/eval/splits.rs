//! Train/test splits of past partnerships.
//!
//! - [`grouped_kfold`]: K folds over groups (the Japanese region of each partnership), so that
//!   no Japanese region is in both the training and the test part of a fold; every item is
//!   tested exactly once. Groups are shuffled with a seed, then placed largest first into the
//!   fold with the fewest items so far (ties to the lower fold), which balances fold sizes.
//! - [`temporal`]: train on items before a fiscal year, test on the items from it.

use rand::SeedableRng;
use rand::seq::SliceRandom;
use std::collections::BTreeMap;
use tieup_core::error::{Error, Result};

/// One split: positions of the training and the test items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fold {
    /// Training items, ascending.
    pub train: Vec<usize>,
    /// Test items, ascending.
    pub test: Vec<usize>,
}

/// Grouped K-fold over items whose group keys are `groups` (one per item).
///
/// `k` is lowered to the number of distinct groups; fewer than two groups is an error.
///
/// ```
/// let groups = ["a", "a", "b", "c", "c", "d"];
/// let folds = tieup_bench::eval::splits::grouped_kfold(&groups, 2, 0).unwrap();
/// assert_eq!(folds.len(), 2);
/// for f in &folds {
///     assert!(f.test.iter().all(|t| f.train.iter().all(|r| groups[*r] != groups[*t])));
/// }
/// ```
pub fn grouped_kfold<G: Ord + Clone>(groups: &[G], k: usize, seed: u64) -> Result<Vec<Fold>> {
    let mut members: BTreeMap<G, Vec<usize>> = BTreeMap::new();
    for (i, g) in groups.iter().enumerate() {
        members.entry(g.clone()).or_default().push(i);
    }
    if members.len() < 2 || k < 2 {
        return Err(Error::InvalidParam {
            name: "folds",
            value: format!("{k} folds over {} groups", members.len()),
            reason: "grouped K-fold needs at least 2 folds and 2 distinct Japanese regions".into(),
        });
    }
    let k = k.min(members.len());
    let mut order: Vec<Vec<usize>> = members.into_values().collect();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    order.shuffle(&mut rng);
    // Stable: equal sizes keep their shuffled order.
    order.sort_by_key(|m| std::cmp::Reverse(m.len()));
    let mut tests: Vec<Vec<usize>> = vec![Vec::new(); k];
    for m in order {
        let smallest = (0..k).min_by_key(|&f| (tests[f].len(), f)).expect("k ≥ 2");
        tests[smallest].extend(m);
    }
    Ok(tests
        .into_iter()
        .map(|mut test| {
            test.sort_unstable();
            let train = (0..groups.len())
                .filter(|i| test.binary_search(i).is_err())
                .collect();
            Fold { train, test }
        })
        .collect())
}

/// Items with `years[i] < split_year` train, the others test.
pub fn temporal(years: &[u16], split_year: u16) -> Fold {
    let (train, test) = (0..years.len()).partition(|&i| years[i] < split_year);
    Fold { train, test }
}

/// The year that leaves about `test_share` of the items (at least one) in the test part and
/// at least one in the training part: the smallest year y such that the items from y on are no
/// more than `test_share` of all, or `None` when no year separates the items.
///
/// ```
/// let years = [2001, 2002, 2003, 2004, 2005];
/// assert_eq!(tieup_bench::eval::splits::default_split_year(&years, 0.4), Some(2004));
/// assert_eq!(tieup_bench::eval::splits::default_split_year(&[2001, 2001], 0.5), None);
/// ```
pub fn default_split_year(years: &[u16], test_share: f64) -> Option<u16> {
    let mut distinct: Vec<u16> = years.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    let n = years.len() as f64;
    let candidates = distinct.iter().skip(1).copied();
    let mut chosen = None;
    for y in candidates.rev() {
        let tested = years.iter().filter(|&&v| v >= y).count() as f64;
        if tested / n <= test_share || chosen.is_none() {
            chosen = Some(y);
        } else {
            break;
        }
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_region_is_in_train_and_test_and_every_item_is_tested_once() {
        let groups: Vec<String> = (0..57).map(|i| format!("r{}", (i * 7) % 19)).collect();
        for seed in 0..5 {
            let folds = grouped_kfold(&groups, 5, seed).unwrap();
            assert_eq!(folds.len(), 5);
            let mut tested = vec![0; groups.len()];
            for f in &folds {
                for &t in &f.test {
                    tested[t] += 1;
                    assert!(f.train.iter().all(|&r| groups[r] != groups[t]), "leak");
                }
                assert_eq!(f.train.len() + f.test.len(), groups.len());
            }
            assert!(tested.iter().all(|&n| n == 1));
            let sizes: Vec<usize> = folds.iter().map(|f| f.test.len()).collect();
            let (lo, hi) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
            assert!(hi - lo <= 3, "balanced: {sizes:?}");
        }
        assert_eq!(
            grouped_kfold(&groups, 5, 9).unwrap(),
            grouped_kfold(&groups, 5, 9).unwrap()
        );
        assert_ne!(
            grouped_kfold(&groups, 5, 1).unwrap(),
            grouped_kfold(&groups, 5, 2).unwrap()
        );
    }

    #[test]
    fn k_is_capped_by_the_groups_and_one_group_is_refused() {
        let folds = grouped_kfold(&["a", "b", "a"], 5, 0).unwrap();
        assert_eq!(folds.len(), 2);
        assert!(grouped_kfold(&["a", "a"], 5, 0).is_err());
        assert!(grouped_kfold(&["a", "b"], 1, 0).is_err());
    }

    #[test]
    fn temporal_split_and_its_default_year() {
        let years = [1997, 1998, 2001, 2002, 2002, 2003, 2003, 2004, 2004, 2004];
        assert_eq!(default_split_year(&years, 0.3), Some(2004));
        assert_eq!(
            default_split_year(&years, 0.1),
            Some(2004),
            "at least one test year"
        );
        assert_eq!(default_split_year(&years, 0.5), Some(2003));
        let f = temporal(&years, 2004);
        assert_eq!(f.test, vec![7, 8, 9]);
        assert_eq!(f.train.len(), 7);
    }
}
