//! The [`Scheduler`] trait, the [`Schedule`] it returns, and the schedulers
//! the crate ships: [`Optimal`] (the LP/MILP), [`Local`] and [`Greedy`]
//! (the baselines of [the model](crate::spec)).
//!
//! A scheduler reads only the validated [`Problem`]; it never re-derives
//! eligibility or costs (those live in [`crate::problem`]). Whatever it
//! returns is judged by [`crate::evaluate`].

mod carbon_greedy;
mod cheapest_region;
mod edf_home;
mod fill;
pub(crate) mod greedy;
mod local;
pub(crate) mod optimal;
mod wait_awhile;

pub use carbon_greedy::CarbonGreedy;
pub use cheapest_region::CheapestRegion;
pub use edf_home::EdfHome;
pub use greedy::Greedy;
pub use local::Local;
pub use optimal::Optimal;
pub use wait_awhile::WaitAwhile;

use crate::error::Error;
use crate::problem::Problem;
use crate::schedule::Schedule;

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
    ///
    /// # Errors
    ///
    /// [`Error::Infeasible`] naming every job it could not finish and why;
    /// [`Error::Solver`] when an LP solver fails.
    fn schedule(&self, problem: &Problem) -> Result<Schedule, Error>;
}

/// The schedulers the crate ships, by name: `optimal`, `local`, `greedy`,
/// and the heuristics of the field the bench compares: `edf-home`,
/// `wait-awhile`, `cheapest-region`, `carbon-greedy`.
pub fn scheduler_by_name(name: &str) -> Option<Box<dyn Scheduler + Send + Sync>> {
    match name {
        "optimal" => Some(Box::new(Optimal::default())),
        "local" => Some(Box::new(Local)),
        "greedy" => Some(Box::new(Greedy)),
        "edf-home" => Some(Box::new(EdfHome)),
        "wait-awhile" => Some(Box::new(WaitAwhile)),
        "cheapest-region" => Some(Box::new(CheapestRegion)),
        "carbon-greedy" => Some(Box::new(CarbonGreedy)),
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
