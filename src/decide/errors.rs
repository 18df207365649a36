//! The errors of the decision commands (explain, re-plan, sweep): what
//! each cannot do as asked, beside the engine's own failures, which are
//! [`crate::Error`]'s other variants. A floor below the commands, so that
//! [`crate::Error`] wraps them without importing the commands.

use crate::evaluate::violation::ScheduleViolation;
use crate::limits::StopReason;
use crate::schedule::mismatch::ScheduleMismatch;
use crate::text::{cut, num};
use chrono::{DateTime, Utc};
use serde::Serialize;
use thiserror::Error;

/// Why a scenario could not be explained. Serialises with its `kind`
/// ([`ExplainError::kind`]) beside its fields. An engine failure inside
/// `explain` (input, infeasible, solver, limits) is that [`Error`] variant,
/// not one of these.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ExplainError {
    /// The chosen solver gives no duals.
    #[error("solver '{backend}' gives no duals; choose clarabel or highs")]
    NoDuals {
        /// Its name.
        backend: &'static str,
    },
    /// A limit stopped the optimum before it was proven, so its duals are
    /// not the optimum's.
    #[error("the optimum was stopped by {reason} before it was proven; its duals explain nothing")]
    Stopped {
        /// What stopped it.
        reason: StopReason,
    },
}

impl ExplainError {
    /// The variant's short name, as the `kind` of its JSON form.
    pub fn kind(&self) -> &'static str {
        match self {
            ExplainError::NoDuals { .. } => "no_duals",
            ExplainError::Stopped { .. } => "stopped",
        }
    }
}

/// Why a re-plan could not be made. Each names the job, row or instant at
/// fault. Serialises with its `kind` ([`ReplanError::kind`]) beside its
/// fields; a wrapped error under `error`.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ReplanError {
    /// `now` is before the horizon's start or after its end.
    #[error("now = {now} is outside the horizon [{start}, {end}]")]
    NowOutsideHorizon {
        /// The instant given.
        now: DateTime<Utc>,
        /// The horizon's start.
        start: DateTime<Utc>,
        /// The horizon's end.
        end: DateTime<Utc>,
    },
    /// `now` falls inside a slot; a re-plan starts at a slot boundary.
    #[error(
        "now = {now} is inside slot {slot} ({slot_start} to {slot_end}): re-plan at a slot boundary"
    )]
    NowNotOnSlotBoundary {
        /// The instant given.
        now: DateTime<Utc>,
        /// The slot it falls in.
        slot: usize,
        /// That slot's start.
        slot_start: DateTime<Utc>,
        /// That slot's end.
        slot_end: DateTime<Utc>,
    },
    /// `done_work` or `cancel` names a job the updated scenario does not
    /// have.
    #[error("{what} names job '{}', which the scenario does not have", cut(.job))]
    UnknownJob {
        /// `done_work` or `cancel`.
        what: &'static str,
        /// The id.
        job: String,
    },
    /// The same job's done work was given twice.
    #[error("job '{}': done work given twice", cut(.job))]
    DuplicateDone {
        /// Job id.
        job: String,
    },
    /// A done work that is negative or not finite.
    #[error("job '{}': done work {} must be finite and >= 0", cut(.job), num(*.done))]
    DoneOutOfRange {
        /// Job id.
        job: String,
        /// The amount given.
        done: f64,
    },
    /// Done work beyond the job's work (beyond the evaluator's tolerance).
    #[error(
        "job '{}': done work {} (from {}) exceeds its work {}",
        cut(.job), num(*.done), if *.from_history { "its history rows" } else { "done_work" }, num(*.work)
    )]
    DoneExceedsWork {
        /// Job id.
        job: String,
        /// The done work.
        done: f64,
        /// The job's work in the updated scenario.
        work: f64,
        /// Whether it was read from the history (else given).
        from_history: bool,
    },
    /// A cancelled job's done work was also given.
    #[error("job '{}' is cancelled: its done work is its history, not given", cut(.job))]
    DoneForCancelled {
        /// Job id.
        job: String,
    },
    /// A history row names a job the updated scenario does not have.
    #[error(
        "previous plan row {row}: job '{}' ran before now but is not in the scenario; keep it there and cancel it",
        cut(.job)
    )]
    HistoryOfUnknownJob {
        /// Row of the previous plan.
        row: usize,
        /// Job id.
        job: String,
    },
    /// A history row names a pool the updated scenario does not have.
    #[error(
        "previous plan row {row}: pool '{}' ran work before now but is not in the scenario",
        cut(.pool)
    )]
    HistoryOfUnknownPool {
        /// Row of the previous plan.
        row: usize,
        /// Pool id.
        pool: String,
    },
    /// A row of the previous plan does not fit the updated horizon.
    #[error("previous plan: {0}")]
    #[serde(serialize_with = "crate::scenario::error::as_error_field")]
    Mismatch(ScheduleMismatch),
    /// A job with work left and no price for undone work has no eligible
    /// slot from `now` on (in its pinned region, for a started `Whole`
    /// job). A job with a price leaves its rest undone instead.
    #[error(
        "job '{}' has {} work units left but no eligible slot from {now} on (deadline {deadline})",
        cut(.job), num(*.remaining_work)
    )]
    NoTimeLeft {
        /// Job id.
        job: String,
        /// Work units left.
        remaining_work: f64,
        /// `now`.
        now: DateTime<Utc>,
        /// The job's deadline.
        deadline: DateTime<Utc>,
    },
    /// The history breaks a rule of the updated scenario (the slot of the
    /// violation is before `now`).
    #[error(
        "the history (the previous plan before now) breaks a rule of the updated scenario: {0}"
    )]
    History(Box<ScheduleViolation>),
}

impl ReplanError {
    /// The variant's short name, as the `kind` of its JSON form.
    pub fn kind(&self) -> &'static str {
        match self {
            ReplanError::NowOutsideHorizon { .. } => "now_outside_horizon",
            ReplanError::NowNotOnSlotBoundary { .. } => "now_not_on_slot_boundary",
            ReplanError::UnknownJob { .. } => "unknown_job",
            ReplanError::DuplicateDone { .. } => "duplicate_done",
            ReplanError::DoneOutOfRange { .. } => "done_out_of_range",
            ReplanError::DoneExceedsWork { .. } => "done_exceeds_work",
            ReplanError::DoneForCancelled { .. } => "done_for_cancelled",
            ReplanError::HistoryOfUnknownJob { .. } => "history_of_unknown_job",
            ReplanError::HistoryOfUnknownPool { .. } => "history_of_unknown_pool",
            ReplanError::Mismatch { .. } => "mismatch",
            ReplanError::NoTimeLeft { .. } => "no_time_left",
            ReplanError::History { .. } => "history",
        }
    }
}

/// A sweep's setting that cannot be solved as asked.
#[derive(Debug, Clone, PartialEq, Error, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum SweepError {
    /// A setting out of its range (not finite, a negative price or cap),
    /// or no settings at all.
    #[error("sweep: {what} = {value} is invalid: must be {rule}")]
    BadSetting {
        /// Which setting, such as `carbon price`.
        what: &'static str,
        /// The value given.
        value: f64,
        /// The rule it breaks.
        rule: &'static str,
    },
    /// A job's deadline moved by the slack lands after the end of the
    /// horizon.
    #[error(
        "job '{job}': deadline {deadline} + {slack_hours} h is after the horizon's end {horizon_end}"
    )]
    DeadlinePastHorizon {
        /// The job.
        job: String,
        /// Its deadline in the scenario.
        deadline: DateTime<Utc>,
        /// The slack in hours.
        slack_hours: f64,
        /// The end of the horizon.
        horizon_end: DateTime<Utc>,
    },
}

impl SweepError {
    /// The variant's short name, as the `kind` of its JSON form.
    pub fn kind(&self) -> &'static str {
        match self {
            SweepError::BadSetting { .. } => "bad_setting",
            SweepError::DeadlinePastHorizon { .. } => "deadline_past_horizon",
        }
    }
}
