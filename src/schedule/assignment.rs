//! One row of a schedule, as plain indices: the unit every scheduler
//! writes and the evaluator reads.

use serde::{Deserialize, Serialize};

/// One row of a schedule: `server_hours` of `job` on `pool` in `slot`.
/// Indices are into [`Problem::jobs`](crate::Problem::jobs) and [`Problem::pools`](crate::Problem::pools).
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
