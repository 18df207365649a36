//! One row of a bench: a scheduler on one scenario, judged and set beside
//! the optimum.

use crate::evaluate::Report;
use crate::limits::{relative_gap, StopReason};
use serde::{Deserialize, Serialize};

/// How a scheduler did on one scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Status {
    /// Its plan passed the evaluator; the row has its total.
    Planned,
    /// It could not finish some job ([`crate::Error::Infeasible`]): the
    /// reason names each job.
    Unfinished,
    /// Its plan broke a rule of the model: the reason is the evaluator's.
    /// Never counted as a result.
    Invalid,
    /// It failed otherwise (a solver error, a limit before any plan, an
    /// invalid scenario): the reason says how.
    Error,
}

/// One scheduler on one scenario. Relative gaps are fractions (0.05 is
/// 5 %); every amount is in $ and every time in seconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Row {
    /// The scenario's family.
    pub family: String,
    /// The scenario's seed.
    pub seed: u64,
    /// The scheduler's name (`optimal` for the optimum).
    pub scheduler: String,
    /// How it did.
    pub status: Status,
    /// Why it did not plan (the evaluator's or the scheduler's words).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Its plan's total, as the evaluator prices it (undone work at its
    /// price included).
    pub total_usd: Option<f64>,
    /// Work units its plan leaves undone (jobs with a price for it only).
    pub unmet_work: Option<f64>,
    /// The optimum's total on this scenario, if it planned.
    pub optimum_usd: Option<f64>,
    /// The optimum's proven lower bound on the least total.
    pub bound_usd: Option<f64>,
    /// The optimum's proven gap, `(optimum − bound) / max(1, |optimum|)`.
    pub optimum_gap: Option<f64>,
    /// What stopped the optimum before its target gap (a time limit), if
    /// anything did: then `gap` is against a plan that may not be optimal,
    /// and `gap_to_bound` is the valid bound on the true gap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub optimum_stopped: Option<StopReason>,
    /// `(total − optimum) / max(1, |optimum|)`: how much dearer than the
    /// optimum's plan.
    pub gap: Option<f64>,
    /// `(total − bound) / max(1, |total|)`, the crate's one gap rule (as
    /// the optimum's own proven gap): an upper bound on how much dearer
    /// than the true least total, valid even when the optimum was stopped
    /// early, and for a bound of any sign or size.
    pub gap_to_bound: Option<f64>,
    /// Wall-clock seconds the scheduler took (evaluation not included).
    pub seconds: f64,
}

impl Row {
    pub(crate) fn new(family: &str, seed: u64, scheduler: &str) -> Row {
        Row {
            family: family.to_string(),
            seed,
            scheduler: scheduler.to_string(),
            status: Status::Error,
            reason: None,
            total_usd: None,
            unmet_work: None,
            optimum_usd: None,
            bound_usd: None,
            optimum_gap: None,
            optimum_stopped: None,
            gap: None,
            gap_to_bound: None,
            seconds: 0.0,
        }
    }

    pub(crate) fn planned(mut self, report: &Report, seconds: f64) -> Row {
        self.status = Status::Planned;
        self.total_usd = Some(report.total_usd);
        self.unmet_work = Some(report.jobs.iter().map(|j| j.unmet_work).sum());
        self.bound_usd = report.bound_usd;
        self.optimum_stopped = report.stopped;
        self.seconds = seconds;
        self
    }

    pub(crate) fn failed(mut self, status: Status, reason: String, seconds: f64) -> Row {
        self.status = status;
        self.reason = Some(reason);
        self.seconds = seconds;
        self
    }

    /// Sets the optimum's numbers (from its own row) and the gaps.
    pub(crate) fn against(mut self, optimum: &Row) -> Row {
        let (bound, stopped) = (optimum.bound_usd, optimum.optimum_stopped);
        self.optimum_usd = optimum.total_usd;
        self.bound_usd = bound;
        self.optimum_stopped = stopped;
        self.optimum_gap = optimum
            .total_usd
            .zip(bound)
            .map(|(o, b)| relative_gap(o, b).max(0.0));
        if let Some(total) = self.total_usd {
            self.gap = optimum.total_usd.map(|o| (total - o) / o.abs().max(1.0));
            self.gap_to_bound = bound.map(|b| relative_gap(total, b));
        }
        self
    }

    /// The row without its timing, for comparing runs.
    pub fn without_timing(&self) -> Row {
        Row {
            seconds: 0.0,
            ..self.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn planned(scheduler: &str, total: f64, bound: Option<f64>) -> Row {
        let mut row = Row::new("f", 1, scheduler);
        row.status = Status::Planned;
        row.total_usd = Some(total);
        row.bound_usd = bound;
        row
    }

    /// A scheduler whose plan costs what the optimum's does has the
    /// optimum's own gap to the bound, whatever the bound's sign or size:
    /// one rule, `(total - bound) / max(1, |total|)`. Dividing by `|bound|`
    /// instead gave 1.01 here against the optimum's 101 (a negative bound
    /// far below a small total).
    #[test]
    fn gap_to_bound_is_the_optimums_rule() {
        for (total, bound) in [(10.0, -1000.0), (-500.0, -520.0), (0.25, 0.0), (2e6, 1.9e6)] {
            let optimum = planned("optimal", total, Some(bound));
            let row = planned("greedy", total, None).against(&optimum);
            let expected = (total - bound) / f64::max(1.0, f64::abs(total));
            assert_eq!(row.optimum_gap, Some(expected), "{total} over {bound}");
            assert_eq!(row.gap_to_bound, row.optimum_gap, "{total} over {bound}");
            assert_eq!(row.gap, Some(0.0));
        }
        // A dearer plan: its bound gap is above its gap to the optimum.
        let optimum = planned("optimal", -500.0, Some(-520.0));
        let row = planned("greedy", -400.0, None).against(&optimum);
        assert!(row.gap_to_bound.unwrap() > row.gap.unwrap(), "{row:?}");
        assert_eq!(row.gap_to_bound, Some(120.0 / 400.0));
    }
}
