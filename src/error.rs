//! The crate's one error, [`Error`], at the top of the house: each floor's
//! own error (input, infeasibility, schedules, solves, goals, sweeps,
//! explain, re-plan, data) is one of its variants, so a caller writes one
//! `From` and `?` works on every public function.

use crate::bench::error::BenchError;
use crate::decide::errors::{ExplainError, ReplanError, SweepError};
use crate::evaluate::violation::ScheduleViolation;
use crate::problem::infeasible::Infeasible;
use crate::scenario::error::InputError;
use crate::schedule::mismatch::ScheduleMismatch;
use crate::solve::error::ExportError;
use crate::solve::error::{NotProven, SolverFailure, Stopped, TooLarge};
use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;
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
    /// A benchmark run that cannot be made as asked ([`crate::bench`]: an
    /// unknown family, a seed it does not have).
    #[error(transparent)]
    Bench(#[from] BenchError),
    /// A model that could not be written as MPS
    /// ([`crate::Optimal::write_mps`]: the writer failed).
    #[error(transparent)]
    Export(#[from] ExportError),
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

/// What kind of error an [`Error`](enum@Error) is: one per variant, matched without
/// strings (a typo does not compile). Serialises as the `kind` of the
/// error's JSON form (`"input"`, `"too_large"`, ...), which
/// [`ErrorKind::as_str`] also gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorKind {
    /// [`Error::Input`].
    Input,
    /// [`Error::Infeasible`].
    Infeasible,
    /// [`Error::InvalidSchedule`].
    InvalidSchedule,
    /// [`Error::ScheduleMismatch`].
    ScheduleMismatch,
    /// `Error::Data` (feature `data`).
    Data,
    /// [`Error::Solver`].
    Solver,
    /// [`Error::TooLarge`].
    TooLarge,
    /// [`Error::Stopped`].
    Stopped,
    /// [`Error::NotProven`].
    NotProven,
    /// [`Error::Goal`].
    Goal,
    /// [`Error::Sweep`].
    Sweep,
    /// [`Error::Explain`].
    Explain,
    /// [`Error::Replan`].
    Replan,
    /// [`Error::Bench`].
    Bench,
    /// [`Error::Export`].
    Export,
}

impl ErrorKind {
    /// The kind's name in the JSON form: `input`, `infeasible`,
    /// `invalid_schedule`, `schedule_mismatch`, `data`, `solver`,
    /// `too_large`, `stopped`, `not_proven`, `goal`, `sweep`, `explain`,
    /// `replan`, `bench` or `export`.
    pub fn as_str(&self) -> &'static str {
        match self {
            ErrorKind::Input => "input",
            ErrorKind::Infeasible => "infeasible",
            ErrorKind::InvalidSchedule => "invalid_schedule",
            ErrorKind::ScheduleMismatch => "schedule_mismatch",
            ErrorKind::Data => "data",
            ErrorKind::Solver => "solver",
            ErrorKind::TooLarge => "too_large",
            ErrorKind::Stopped => "stopped",
            ErrorKind::NotProven => "not_proven",
            ErrorKind::Goal => "goal",
            ErrorKind::Sweep => "sweep",
            ErrorKind::Explain => "explain",
            ErrorKind::Replan => "replan",
            ErrorKind::Bench => "bench",
            ErrorKind::Export => "export",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl PartialEq<&str> for ErrorKind {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl Error {
    /// The input error inside, if this is [`Error::Input`].
    pub fn as_input(&self) -> Option<&InputError> {
        match self {
            Error::Input(e) => Some(e),
            _ => None,
        }
    }

    /// The broken rule inside, if this is [`Error::InvalidSchedule`].
    pub fn as_violation(&self) -> Option<&ScheduleViolation> {
        match self {
            Error::InvalidSchedule(e) => Some(e),
            _ => None,
        }
    }

    /// The data error inside, if this is `Error::Data` (feature `data`).
    #[cfg(feature = "data")]
    pub fn as_data(&self) -> Option<&crate::data::DataError> {
        match self {
            Error::Data(e) => Some(e),
            _ => None,
        }
    }

    /// The mismatch inside, if this is [`Error::ScheduleMismatch`].
    pub fn as_mismatch(&self) -> Option<&ScheduleMismatch> {
        match self {
            Error::ScheduleMismatch(e) => Some(e),
            _ => None,
        }
    }

    /// The kind of error, as the `kind` of its JSON form. The `detail` of
    /// the JSON form has the sub-error's own `kind` where it has several.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Input(_) => ErrorKind::Input,
            Error::Infeasible(_) => ErrorKind::Infeasible,
            Error::InvalidSchedule(_) => ErrorKind::InvalidSchedule,
            Error::ScheduleMismatch(_) => ErrorKind::ScheduleMismatch,
            #[cfg(feature = "data")]
            Error::Data(_) => ErrorKind::Data,
            Error::Solver(..) => ErrorKind::Solver,
            Error::TooLarge(_) => ErrorKind::TooLarge,
            Error::Stopped(_) => ErrorKind::Stopped,
            Error::NotProven(_) => ErrorKind::NotProven,
            Error::Goal(_) => ErrorKind::Goal,
            Error::Sweep(_) => ErrorKind::Sweep,
            Error::Explain(_) => ErrorKind::Explain,
            Error::Replan(_) => ErrorKind::Replan,
            Error::Bench(_) => ErrorKind::Bench,
            Error::Export(_) => ErrorKind::Export,
        }
    }
}

/// An error serialises as `{"kind": ..., "message": ..., "detail": ...}`:
/// [`Error::kind`], the message it displays, and the typed error inside
/// (its fields, with its own `kind` where it is an enum).
impl Serialize for Error {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("Error", 3)?;
        out.serialize_field("kind", &self.kind())?;
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
            Error::Bench(e) => out.serialize_field("detail", e)?,
            Error::Export(e) => out.serialize_field("detail", e)?,
        }
        out.end()
    }
}
