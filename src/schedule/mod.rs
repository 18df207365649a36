//! A schedule: plain rows that the schedulers write and the evaluator
//! reads, in two forms. [`Schedule`] holds indices into one [`Problem`]
//! (fast, what the schedulers produce); [`SavedSchedule`] names jobs and
//! pools by id and slots by their start instant, so that it can be stored
//! and read back against a scenario listed in another order.
//!
//! This module sits below both the schedulers and the evaluator: it holds
//! data and the id lookups, no rule of the model.

use crate::limits::StopReason;
use crate::problem::Problem;
use crate::schedule::mismatch::ScheduleMismatch;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

pub(crate) mod assignment;
pub(crate) mod mismatch;

pub use assignment::Assignment;

/// A schedule: plain rows, in no particular order. Several rows for the
/// same `(job, pool, slot)` add up.
///
/// Rows hold indices into the [`Problem`] they were made for, so a
/// `Schedule` means something only beside that problem. To store one, or
/// to hand it to another process, convert it with [`Schedule::to_saved`]:
/// the [`SavedSchedule`] names jobs and pools by id and slots by instant,
/// and [`Schedule::from_saved`] matches it back by id, or says why it does
/// not fit.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Schedule {
    /// The rows.
    pub assignments: Vec<Assignment>,
    /// The optimum's proof of how far from the least total this plan can
    /// be; `None` for a heuristic's plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proof: Option<Proof>,
}

/// A proven lower bound on the least total cost, and what stopped the
/// search if it ended early. The evaluator turns it into the report's
/// `bound_usd` and `gap`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Proof {
    /// No plan can cost less than this, in $ (weak duality over the LP
    /// relaxation, computed by the crate from the solver's duals, or the
    /// exact MILP solver's own bound).
    pub bound_usd: f64,
    /// The relative gap the search aimed for.
    pub target_gap: f64,
    /// Set when a time limit or cancellation ended the search before the
    /// target gap was proven.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped: Option<StopReason>,
}

impl Proof {
    /// The proof of a plan of total `objective_usd` (the evaluator's).
    pub(crate) fn new(
        objective_usd: f64,
        bound_usd: f64,
        target_gap: f64,
        stopped: Option<StopReason>,
    ) -> Proof {
        let bound_usd = bound_usd.min(objective_usd);
        Proof {
            bound_usd,
            target_gap,
            stopped,
        }
    }

    /// The relative gap of a plan of total `total_usd`:
    /// `(total_usd - bound_usd) / max(1, |total_usd|)`, never below 0.
    pub fn gap(&self, total_usd: f64) -> f64 {
        crate::limits::relative_gap(total_usd, self.bound_usd).max(0.0)
    }

    /// Whether a plan of total `total_usd` is proven within the target gap.
    pub fn proven(&self, total_usd: f64) -> bool {
        self.gap(total_usd) <= self.target_gap
    }
}

/// A schedule in the form to store: ids and instants instead of indices.
/// Serialises as `{"assignments": [{"job", "pool", "start",
/// "server_hours"}, ...]}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct SavedSchedule {
    /// The rows, in the order of the schedule they were saved from.
    pub assignments: Vec<SavedAssignment>,
}

/// One row of a [`SavedSchedule`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct SavedAssignment {
    /// Job id.
    pub job: String,
    /// Pool id.
    pub pool: String,
    /// The instant the slot starts (UTC).
    pub start: DateTime<Utc>,
    /// Server-hours (>= 0).
    pub server_hours: f64,
}

impl SavedAssignment {
    /// A row: `server_hours` of job `job` on pool `pool` in the slot that
    /// starts at `start`.
    pub fn new(
        job: impl Into<String>,
        pool: impl Into<String>,
        start: DateTime<Utc>,
        server_hours: f64,
    ) -> Self {
        SavedAssignment {
            job: job.into(),
            pool: pool.into(),
            start,
            server_hours,
        }
    }
}

impl SavedSchedule {
    /// A saved schedule of these rows.
    pub fn new(assignments: Vec<SavedAssignment>) -> Self {
        SavedSchedule { assignments }
    }

    /// The saved schedule as JSON.
    pub fn to_json(&self) -> String {
        // Only strings, numbers and instants: serialisation cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Parses a saved schedule from JSON.
    ///
    /// # Errors
    ///
    /// [`crate::scenario::error::InputError::Json`] naming the path of the field at fault.
    pub fn from_json(text: &str) -> Result<SavedSchedule, crate::error::Error> {
        let de = &mut serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize(de).map_err(|e| {
            crate::scenario::error::InputError::Json {
                path: e.path().to_string(),
                message: e.inner().to_string(),
            }
            .into()
        })
    }
}

impl Schedule {
    /// A schedule of these rows.
    pub fn new(assignments: Vec<Assignment>) -> Schedule {
        Schedule {
            assignments,
            proof: None,
        }
    }

    /// The schedule with ids and slot instants, to store.
    ///
    /// # Errors
    ///
    /// [`ScheduleMismatch::IndexOutOfRange`] when a row names a job, pool
    /// or slot `problem` does not have (the schedule was made for another
    /// problem).
    pub fn to_saved(&self, problem: &Problem) -> Result<SavedSchedule, crate::error::Error> {
        let assignments = self
            .assignments
            .iter()
            .enumerate()
            .map(|(row, a)| {
                let out_of_range = || ScheduleMismatch::IndexOutOfRange {
                    row,
                    job: a.job,
                    pool: a.pool,
                    slot: a.slot,
                };
                let job = problem.jobs().get(a.job).ok_or_else(out_of_range)?;
                let pool = problem.pools().get(a.pool).ok_or_else(out_of_range)?;
                if a.slot >= problem.slots() {
                    return Err(out_of_range());
                }
                let start = problem
                    .horizon()
                    .slot_start(a.slot)
                    .ok_or_else(out_of_range)?;
                Ok(SavedAssignment::new(
                    job.id.clone(),
                    pool.id.clone(),
                    start,
                    a.server_hours,
                ))
            })
            .collect::<Result<_, _>>()?;
        Ok(SavedSchedule { assignments })
    }

    /// Matches a saved schedule against `problem` by job id, pool id and
    /// slot start instant, whatever the order of the scenario's entities.
    /// The result still has to pass [`crate::evaluate`], which checks the
    /// rules of the model.
    ///
    /// # Errors
    ///
    /// A [`ScheduleMismatch`] for the first row that names a job or pool
    /// `problem` does not have, or an instant that is not the start of one
    /// of its slots.
    pub fn from_saved(
        problem: &Problem,
        saved: &SavedSchedule,
    ) -> Result<Schedule, crate::error::Error> {
        Ok(Schedule::matched(problem, saved)?)
    }

    /// [`Schedule::from_saved`], with the mismatch as its own type.
    pub(crate) fn matched(
        problem: &Problem,
        saved: &SavedSchedule,
    ) -> Result<Schedule, ScheduleMismatch> {
        let jobs: HashMap<&str, usize> = ids(problem.jobs().iter().map(|j| j.id.as_str()));
        let pools: HashMap<&str, usize> = ids(problem.pools().iter().map(|p| p.id.as_str()));
        let assignments = saved
            .assignments
            .iter()
            .enumerate()
            .map(|(row, a)| {
                let job =
                    *jobs
                        .get(a.job.as_str())
                        .ok_or_else(|| ScheduleMismatch::UnknownJob {
                            row,
                            job: a.job.clone(),
                        })?;
                let pool =
                    *pools
                        .get(a.pool.as_str())
                        .ok_or_else(|| ScheduleMismatch::UnknownPool {
                            row,
                            pool: a.pool.clone(),
                        })?;
                let slot = problem.horizon().slot_starting_at(a.start).ok_or(
                    ScheduleMismatch::NotASlotStart {
                        row,
                        start: a.start,
                    },
                )?;
                Ok(Assignment {
                    job,
                    pool,
                    slot,
                    server_hours: a.server_hours,
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(Schedule::new(assignments))
    }
}

/// Index of each id, in order (ids are unique in a validated problem).
fn ids<'a>(ids: impl Iterator<Item = &'a str>) -> HashMap<&'a str, usize> {
    ids.enumerate().map(|(i, id)| (id, i)).collect()
}

impl Problem {
    /// Index of the job with this id, in [`Problem::jobs`].
    pub fn job_index(&self, id: &str) -> Option<usize> {
        self.jobs().iter().position(|j| j.id == id)
    }

    /// Index of the pool with this id, in [`Problem::pools`].
    pub fn pool_index(&self, id: &str) -> Option<usize> {
        self.pools().iter().position(|p| p.id == id)
    }

    /// Index of the region with this id, in [`Problem::regions`].
    pub fn region_index(&self, id: &str) -> Option<usize> {
        self.regions().iter().position(|r| r.id == id)
    }

    /// The instant slot `t` starts (`t` may be [`Problem::slots`], the
    /// horizon's end); `None` past the end, as [`crate::Horizon::slot_start`].
    pub fn slot_start(&self, t: usize) -> Option<DateTime<Utc>> {
        self.horizon().slot_start(t)
    }

    /// The instant slot `t` ends: the start of slot `t + 1`; `None` past
    /// the end.
    pub fn slot_end(&self, t: usize) -> Option<DateTime<Utc>> {
        self.horizon().slot_end(t)
    }

    /// The instant slot `t <= slots` starts, for the crate's own indices,
    /// which validation keeps within the horizon: [`Problem::new`] refuses
    /// a horizon whose end is beyond `chrono`'s range, so the fallback (the
    /// horizon's start) is never taken.
    pub(crate) fn instant(&self, t: usize) -> DateTime<Utc> {
        let h = self.horizon();
        debug_assert!(t <= h.slots, "slot {t} past the horizon");
        h.slot_start(t).unwrap_or(h.start)
    }
}
