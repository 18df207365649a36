//! How a solve fails: a solver's own failure, a plan not proven, a model
//! over the memory budget, a limit with no plan.

use crate::text::cut;
use serde::Serialize;
use std::fmt;
use thiserror::Error;

/// What a solver did when it failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SolverStatus {
    /// It stopped with an error of its own (numerical trouble, a status
    /// it could not resolve), on every solver tried.
    Failed,
    /// It reported infeasible a model that always has a solution (the
    /// least-shortfall model of the diagnosis), or that has a plan of zero
    /// shortfall.
    FalseInfeasible,
    /// One of a [`crate::Sweep`]'s threads panicked (a bug in this
    /// crate, or a panicking progress hook), caught on join rather than
    /// re-raised in the caller's thread; its message is kept.
    Panicked,
}

impl fmt::Display for SolverStatus {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(match self {
            SolverStatus::Failed => "failed",
            SolverStatus::FalseInfeasible => "reported a solvable model infeasible",
            SolverStatus::Panicked => "panicked",
        })
    }
}

/// A solver failure: the backend in use, its status, and what it said
/// (each solver tried, when the engine retried on another).
#[derive(Debug, Clone, PartialEq, Error, Serialize)]
#[error("solver failed: {backend} {status}: {}", cut(message))]
#[non_exhaustive]
pub struct SolverFailure {
    /// The backend the engine chose (the first one tried).
    pub backend: crate::solve::solver::Backend,
    /// What it did.
    pub status: SolverStatus,
    /// What the solvers said, in their words.
    pub message: String,
}

impl SolverFailure {
    pub(crate) fn new(
        backend: crate::solve::solver::Backend,
        status: SolverStatus,
        message: String,
    ) -> Self {
        SolverFailure {
            backend,
            status,
            message,
        }
    }

    /// A thread's panic (a bug, or a panicking progress hook) in `what`
    /// ("a sweep thread"), as a failure of `backend` with its message.
    pub(crate) fn panicked(
        backend: crate::solve::solver::Backend,
        what: &str,
        panic: &(dyn std::any::Any + Send),
    ) -> Self {
        let message = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".into());
        Self::new(
            backend,
            SolverStatus::Panicked,
            format!("{what} panicked: {message}"),
        )
    }
}

/// A plan the solvers could not prove within the target gap.
#[derive(Debug, Clone, PartialEq, Error, Serialize)]
#[error(
    "the solver's plan ({}) is not proven within the target gap {target_gap:e} \
     of the lower bound {} (gap {gap:.1e}): a numerical failure; \
     a looser --gap accepts it",
    in_unit(*.total_usd, .unit),
    in_unit(*.bound_usd, .unit)
)]
pub struct NotProven {
    /// The plan's objective as the evaluator priced it, in [`Self::unit`]
    /// ($ for least cost or a cap, tCO2e under a budget).
    pub total_usd: f64,
    /// The proven lower bound, in [`Self::unit`].
    pub bound_usd: f64,
    /// The gap reached.
    pub gap: f64,
    /// The gap asked for.
    pub target_gap: f64,
    /// The objective's unit, as [`crate::Goal::objective_unit`] names it:
    /// `"usd"`, or `"t"` (tCO2e) under a budget.
    pub unit: &'static str,
}

/// An amount of an objective in its unit ([`crate::Goal::objective_unit`]).
fn in_unit(value: f64, unit: &str) -> String {
    match unit {
        "t" => format!("{value:.6} tCO2e"),
        _ => format!("${value:.2}"),
    }
}

/// A model over the memory budget ([`crate::Optimal::memory_budget`]).
#[derive(Debug, Clone, PartialEq, Error, Serialize)]
#[error(
    "the model is too large: about {columns} columns and {nonzeros} nonzeros, \
     {} MiB by estimate against a budget of {} MiB; use coarser slots, \
     fewer regions or pools per job, or a shorter horizon, or raise the budget",
    estimate_bytes >> 20,
    budget_bytes >> 20
)]
pub struct TooLarge {
    /// Columns of the model (server-hour cells and region choices), at most.
    pub columns: usize,
    /// Nonzeros of its matrix, at most.
    pub nonzeros: usize,
    /// The estimate in bytes.
    pub estimate_bytes: usize,
    /// The budget in bytes.
    pub budget_bytes: usize,
}

/// Stopped by a limit with no plan to show.
#[derive(Debug, Clone, PartialEq, Error, Serialize)]
#[error(
    "{}stopped by {reason} before any plan was found{}",
    if *infeasible { "the scenario is infeasible, but the diagnosis was " } else { "" },
    bound_usd.map(|b| match *unit {
        "t" => format!(" (the least emissions are at least {})", in_unit(b, unit)),
        _ => format!(" (the least total is at least {})", in_unit(b, unit)),
    }).unwrap_or_default()
)]
pub struct Stopped {
    /// What stopped it.
    pub reason: crate::limits::StopReason,
    /// A proven lower bound on the least objective, in [`Self::unit`], if
    /// one was reached.
    pub bound_usd: Option<f64>,
    /// The scenario was proven infeasible, and the limit stopped the
    /// diagnosis of why.
    pub infeasible: bool,
    /// The objective's unit, as [`crate::Goal::objective_unit`] names it:
    /// `"usd"`, or `"t"` (tCO2e) under a budget.
    pub unit: &'static str,
}

/// Why a model could not be written as MPS.
/// (A model that cannot be built, over the memory budget, is the
/// engine's own [`crate::Error::TooLarge`], not one of these.)
#[derive(Debug, Clone, PartialEq, thiserror::Error, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ExportError {
    /// The writer failed: what it said (an [`std::io::Error`] is neither
    /// cloned nor compared, so its text is kept).
    #[error("writing the MPS model: {message}")]
    Io {
        /// The writer's error, as it displays.
        message: String,
    },
    /// A coefficient, bound or right-hand side is not a finite number, so
    /// it has no MPS form (the engine builds none such from a checked
    /// problem: a bug if seen).
    #[error("MPS {what} {name} = {value} is not finite")]
    NotFinite {
        /// `cost`, `coefficient`, `upper bound` or `rhs`.
        what: &'static str,
        /// The column or row name (`c<i>`, `r<i>`).
        name: String,
        /// The value.
        value: f64,
    },
}

impl From<std::io::Error> for ExportError {
    fn from(e: std::io::Error) -> Self {
        ExportError::Io {
            message: e.to_string(),
        }
    }
}
