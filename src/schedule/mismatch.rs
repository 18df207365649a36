//! A saved schedule that does not fit the problem it is read against.

use chrono::{DateTime, Utc};
use serde::Serialize;
use thiserror::Error;

/// A saved schedule that does not fit the problem it is read back against
/// (see [`crate::Schedule::from_saved`] and [`crate::Schedule::to_saved`]).
/// `row` is the row's position in the schedule.
#[derive(Debug, Clone, PartialEq, Error, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ScheduleMismatch {
    /// A row names a job the problem does not have.
    #[error("saved schedule row {row}: the scenario has no job '{job}'")]
    UnknownJob {
        /// Row position.
        row: usize,
        /// The job id.
        job: String,
    },
    /// A row names a pool the problem does not have.
    #[error("saved schedule row {row}: the scenario has no pool '{pool}'")]
    UnknownPool {
        /// Row position.
        row: usize,
        /// The pool id.
        pool: String,
    },
    /// A row's instant is not the start of one of the horizon's slots.
    #[error("saved schedule row {row}: {start} is not the start of a slot of the horizon")]
    NotASlotStart {
        /// Row position.
        row: usize,
        /// The instant.
        start: DateTime<Utc>,
    },
    /// A row of an index schedule names a job, pool or slot the problem
    /// does not have (it was made for another problem).
    #[error("schedule row {row}: job #{job}, pool #{pool} or slot {slot} is not in the problem")]
    IndexOutOfRange {
        /// Row position.
        row: usize,
        /// Job index.
        job: usize,
        /// Pool index.
        pool: usize,
        /// Slot index.
        slot: usize,
    },
}

impl ScheduleMismatch {
    /// The variant's short name, as the `kind` of its JSON form.
    pub fn kind(&self) -> &'static str {
        match self {
            ScheduleMismatch::UnknownJob { .. } => "unknown_job",
            ScheduleMismatch::UnknownPool { .. } => "unknown_pool",
            ScheduleMismatch::NotASlotStart { .. } => "not_a_slot_start",
            ScheduleMismatch::IndexOutOfRange { .. } => "index_out_of_range",
        }
    }
}
