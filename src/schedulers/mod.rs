//! The [`Scheduler`] trait, the [`Schedule`] it returns, and the schedulers
//! the crate ships: [`Optimal`] (the LP/MILP), [`Local`] and [`Greedy`]
//! (the baselines of MODEL.md).
//!
//! A scheduler reads only the validated [`Problem`]; it never re-derives
//! eligibility or costs (those live in [`crate::problem`]). Whatever it
//! returns is judged by [`crate::evaluate`].

mod fill;
mod greedy;
mod local;
mod optimal;

pub use greedy::Greedy;
pub use local::Local;
pub use optimal::{Duals, Optimal, Progress, Solution};

use crate::{Error, Problem};
use serde::{Deserialize, Serialize};

/// One row of a schedule: `server_hours` of `job` on `pool` in `slot`.
/// Indices are into [`Problem::jobs`] and [`Problem::pools`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Assignment {
    /// Job index.
    pub job: usize,
    /// Pool index.
    pub pool: usize,
    /// Slot index.
    pub slot: usize,
    /// Server-hours (>= 0).
    pub server_hours: f64,
}

/// A schedule: plain rows, in no particular order. Several rows for the
/// same `(job, pool, slot)` add up. Rows hold indices into the [`Problem`]
/// they were made for, so a saved schedule means something only beside the
/// same scenario; the [`crate::Report`] names jobs and pools by id.
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
    pub stopped: Option<crate::StopReason>,
}

impl Proof {
    /// The relative gap of a plan of total `total_usd`:
    /// `(total_usd - bound_usd) / max(1, |total_usd|)`, never below 0.
    pub fn gap(&self, total_usd: f64) -> f64 {
        ((total_usd - self.bound_usd) / total_usd.abs().max(1.0)).max(0.0)
    }

    /// Whether a plan of total `total_usd` is proven within the target gap.
    pub fn proven(&self, total_usd: f64) -> bool {
        self.gap(total_usd) <= self.target_gap
    }
}

/// Anything that turns a problem into a schedule.
///
/// Implement it to compare a heuristic of your own with the optimum: the
/// evaluator judges every scheduler by the same rules.
///
/// ```
/// use geoshift::{Problem, Schedule, Scheduler, Error};
///
/// /// Does nothing: every job is left undone, which the evaluator rejects.
/// struct Idle;
/// impl Scheduler for Idle {
///     fn name(&self) -> &str { "idle" }
///     fn schedule(&self, _problem: &Problem) -> Result<Schedule, Error> {
///         Ok(Schedule::default())
///     }
/// }
/// ```
pub trait Scheduler {
    /// Short name shown in reports, such as `optimal`.
    fn name(&self) -> &str;
    /// Plans every job, or explains which jobs it could not finish
    /// ([`Error::Infeasible`]).
    fn schedule(&self, problem: &Problem) -> Result<Schedule, Error>;
}

/// The schedulers the crate ships, by name: `optimal`, `local`, `greedy`.
pub fn scheduler_by_name(name: &str) -> Option<Box<dyn Scheduler + Send + Sync>> {
    match name {
        "optimal" => Some(Box::new(Optimal::default())),
        "local" => Some(Box::new(Local)),
        "greedy" => Some(Box::new(Greedy)),
        _ => None,
    }
}

/// Every shipped scheduler, baselines first.
pub fn all_schedulers() -> Vec<Box<dyn Scheduler + Send + Sync>> {
    vec![
        Box::new(Local),
        Box::new(Greedy),
        Box::new(Optimal::default()),
    ]
}
