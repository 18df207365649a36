//! The crate's one error, [`Error`], at the top of the house: each floor's
//! own error (input, infeasibility, schedules, solves, goals, sweeps,
//! explain, re-plan, data) is one of its variants, so a caller writes one
//! `From` and `?` works on every public function.

use crate::decide::errors::{ExplainError, ReplanError, SweepError};
use crate::evaluate::violation::ScheduleViolation;
use crate::problem::infeasible::Infeasible;
use crate::scenario::error::InputError;
use crate::schedule::mismatch::ScheduleMismatch;
use crate::solve::error::{NotProven, SolverFailure, Stopped, TooLarge};
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};
use thiserror::Error;

/// Everything that can go wrong between a scenario and a report.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum Error {
    /// Bad input.
    #[error(transparent)]
    Input(#[from] InputError),
    /// No schedule exists (or the heuristic found none).
    #[error(transparent)]
    Infeasible(#[from] Infeasible),
    /// A schedule that breaks a constraint.
    #[error(transparent)]
    InvalidSchedule(#[from] ScheduleViolation),
    /// A saved schedule that does not fit the problem.
    #[error(transparent)]
    ScheduleMismatch(#[from] ScheduleMismatch),
    /// The real data could not be read, or a scenario not built from them
    /// (feature `data`).
    #[cfg(feature = "data")]
    #[error(transparent)]
    Data(#[from] crate::data::DataError),
    /// The LP solver failed for a reason other than infeasibility (after
    /// the engine retried on another solver where one is compiled in):
    /// which backend, what status, and what it said.
    #[error(transparent)]
    Solver(#[from] SolverFailure),
    /// The model would need more memory than the budget allows; nothing
    /// was built.
    #[error(transparent)]
    TooLarge(#[from] TooLarge),
    /// A time limit or cancellation stopped the solve before it had any
    /// plan to return.
    #[error(transparent)]
    Stopped(#[from] Stopped),
    /// The solvers returned a plan, but could not prove it within the
    /// target gap (and no limit stopped them): it is not reported as the
    /// optimum. A looser gap ([`crate::Optimal::gap`]) accepts it.
    #[error(transparent)]
    NotProven(#[from] NotProven),
    /// A goal's limit (an emissions cap, a budget) that no plan keeps, or
    /// that a solver's plan broke ([`crate::Goal`]).
    #[error(transparent)]
    Goal(#[from] crate::goal::GoalError),
    /// A sweep's setting that cannot be solved as asked ([`crate::sweep`]).
    #[error(transparent)]
    Sweep(#[from] SweepError),
    /// A scenario [`crate::explain`] cannot explain (a `whole` job with a
    /// choice of regions, a solver without duals, a stopped optimum). An
    /// engine failure inside `explain` converts to its own variant instead.
    #[error(transparent)]
    Explain(Box<ExplainError>),
    /// A re-plan that cannot be made as asked ([`crate::Replan`]: `now`,
    /// done work, the history). An engine failure inside the re-plan
    /// converts to its own variant instead.
    #[error(transparent)]
    Replan(Box<ReplanError>),
}

impl From<ExplainError> for Error {
    fn from(e: ExplainError) -> Self {
        Error::Explain(Box::new(e))
    }
}

impl From<ReplanError> for Error {
    fn from(e: ReplanError) -> Self {
        Error::Replan(Box::new(e))
    }
}

impl Error {
    /// A short name of the kind of error, as in its JSON form: `input`,
    /// `infeasible`, `invalid_schedule`, `schedule_mismatch`, `data`,
    /// `solver`, `too_large`, `stopped`, `not_proven`, `goal`, `sweep`,
    /// `explain` or `replan` (`other` for a kind not named yet). The
    /// `detail` of the JSON form has the sub-error's own `kind` where it
    /// has several.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Input(_) => "input",
            Error::Infeasible(_) => "infeasible",
            Error::InvalidSchedule(_) => "invalid_schedule",
            Error::ScheduleMismatch(_) => "schedule_mismatch",
            #[cfg(feature = "data")]
            Error::Data(_) => "data",
            Error::Solver(..) => "solver",
            Error::TooLarge(_) => "too_large",
            Error::Stopped(_) => "stopped",
            Error::NotProven(_) => "not_proven",
            Error::Goal(_) => "goal",
            Error::Sweep(_) => "sweep",
            Error::Explain(_) => "explain",
            Error::Replan(_) => "replan",
            // A kind added without a name here yet.
            #[allow(unreachable_patterns)]
            _ => "other",
        }
    }
}

/// An error serialises as `{"kind": ..., "message": ..., "detail": ...}`:
/// [`Error::kind`], the message it displays, and the typed error inside
/// (its fields, with its own `kind` where it is an enum).
impl Serialize for Error {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("Error", 3)?;
        out.serialize_field("kind", self.kind())?;
        out.serialize_field("message", &self.to_string())?;
        match self {
            Error::Input(e) => out.serialize_field("detail", e)?,
            Error::Infeasible(e) => out.serialize_field("detail", e)?,
            Error::InvalidSchedule(e) => out.serialize_field("detail", e)?,
            Error::ScheduleMismatch(e) => out.serialize_field("detail", e)?,
            #[cfg(feature = "data")]
            Error::Data(e) => out.serialize_field("detail", e)?,
            Error::TooLarge(e) => out.serialize_field("detail", e)?,
            Error::Stopped(e) => out.serialize_field("detail", e)?,
            Error::NotProven(e) => out.serialize_field("detail", e)?,
            Error::Goal(e) => out.serialize_field("detail", e)?,
            Error::Sweep(e) => out.serialize_field("detail", e)?,
            Error::Explain(e) => out.serialize_field("detail", e)?,
            Error::Replan(e) => out.serialize_field("detail", e)?,
            Error::Solver(e) => out.serialize_field("detail", e)?,
        }
        out.end()
    }
}
