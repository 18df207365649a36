//! Per family and scheduler: the distribution of the gap to the optimum,
//! the share of scenarios left unfinished, the run time.

use super::row::{Row, Status};
use super::OPTIMAL;
use serde::{Deserialize, Serialize};

/// One family and one scheduler over all seeds run. Gaps are fractions of
/// the optimum's total (0.05 is 5 %), over the scenarios where both the
/// scheduler and the optimum planned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Summary {
    /// The family.
    pub family: String,
    /// The scheduler.
    pub scheduler: String,
    /// Scenarios run.
    pub scenarios: usize,
    /// Scenarios with a gap (both this scheduler and the optimum planned).
    pub with_gap: usize,
    /// Mean gap.
    pub gap_mean: Option<f64>,
    /// Median gap (the mean of the middle two for an even count).
    pub gap_median: Option<f64>,
    /// 95th percentile of the gap (nearest rank).
    pub gap_p95: Option<f64>,
    /// Largest gap.
    pub gap_worst: Option<f64>,
    /// The seed of the largest gap.
    pub worst_seed: Option<u64>,
    /// Share of scenarios where it did not finish all work
    /// ([`Status::Unfinished`]).
    pub unfinished_share: f64,
    /// Scenarios where its plan broke a rule ([`Status::Invalid`]).
    pub invalid: usize,
    /// Scenarios where it failed otherwise ([`Status::Error`]).
    pub errors: usize,
    /// Scenarios where the optimum was stopped by its time limit (their
    /// gaps are against its best plan; `gap_to_bound` bounds them).
    pub optimum_stopped: usize,
    /// Largest `gap_to_bound` over the scenarios with a gap: the proven
    /// upper bound on its worst true gap.
    pub gap_to_bound_worst: Option<f64>,
    /// Mean seconds per scenario.
    pub seconds_mean: f64,
    /// Mean seconds of the optimum on the same scenarios.
    pub optimum_seconds_mean: f64,
}

/// One summary per family and scheduler, in the order rows first name them.
pub fn summarize(rows: &[Row]) -> Vec<Summary> {
    let mut keys: Vec<(&str, &str)> = Vec::new();
    for r in rows {
        let key = (r.family.as_str(), r.scheduler.as_str());
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    keys.into_iter()
        .map(|(family, scheduler)| {
            let mine: Vec<&Row> = rows
                .iter()
                .filter(|r| r.family == family && r.scheduler == scheduler)
                .collect();
            let optimum_seconds: Vec<f64> = rows
                .iter()
                .filter(|r| r.family == family && r.scheduler == OPTIMAL)
                .filter(|r| mine.iter().any(|m| m.seed == r.seed))
                .map(|r| r.seconds)
                .collect();
            summary(family, scheduler, &mine, &optimum_seconds)
        })
        .collect()
}

fn summary(family: &str, scheduler: &str, rows: &[&Row], optimum_seconds: &[f64]) -> Summary {
    let count = |s: Status| rows.iter().filter(|r| r.status == s).count();
    let mut gaps: Vec<(f64, u64)> = rows
        .iter()
        .filter_map(|r| r.gap.map(|g| (g, r.seed)))
        .collect();
    // Gaps are finite (totals and bounds are); ties by seed for a stable worst.
    gaps.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
    let values: Vec<f64> = gaps.iter().map(|g| g.0).collect();
    let n = values.len();
    let scenarios = rows.len();
    Summary {
        family: family.to_string(),
        scheduler: scheduler.to_string(),
        scenarios,
        with_gap: n,
        gap_mean: mean(&values),
        gap_median: (n > 0).then(|| {
            if n % 2 == 1 {
                values[n / 2]
            } else {
                (values[n / 2 - 1] + values[n / 2]) / 2.0
            }
        }),
        gap_p95: nearest_rank(&values, 0.95),
        gap_worst: values.last().copied(),
        worst_seed: gaps.last().map(|g| g.1),
        unfinished_share: if scenarios == 0 {
            0.0
        } else {
            count(Status::Unfinished) as f64 / scenarios as f64
        },
        invalid: count(Status::Invalid),
        errors: count(Status::Error),
        optimum_stopped: rows.iter().filter(|r| r.optimum_stopped.is_some()).count(),
        gap_to_bound_worst: rows
            .iter()
            .filter_map(|r| r.gap_to_bound)
            .max_by(f64::total_cmp),
        seconds_mean: mean(&rows.iter().map(|r| r.seconds).collect::<Vec<_>>()).unwrap_or(0.0),
        optimum_seconds_mean: mean(optimum_seconds).unwrap_or(0.0),
    }
}

fn mean(v: &[f64]) -> Option<f64> {
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

/// The nearest-rank percentile `q` (0 to 1) of sorted `v`: the smallest
/// value with at least `q · n` values at or below it.
fn nearest_rank(v: &[f64], q: f64) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    let rank = (q * v.len() as f64).ceil() as usize;
    v.get(rank.clamp(1, v.len()) - 1).copied()
}

#[cfg(test)]
mod tests {
    use super::nearest_rank;

    #[test]
    fn nearest_rank_follows_its_definition() {
        let v: Vec<f64> = (1..=20).map(f64::from).collect();
        // 0.95 · 20 = 19: the 19th value.
        assert_eq!(nearest_rank(&v, 0.95), Some(19.0));
        assert_eq!(nearest_rank(&v[..1], 0.95), Some(1.0));
        assert_eq!(nearest_rank(&v[..3], 0.5), Some(2.0));
        assert_eq!(nearest_rank(&[], 0.5), None);
    }
}
