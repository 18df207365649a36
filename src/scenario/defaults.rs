//! The crate's assumptions where a scenario does not say (checkpoints,
//! restarts) and the least useful fraction it accepts: constants only, on
//! the ground floor, so that errors and validation read the same numbers.

/// Hours between a job's checkpoints when the scenario does not say: one
/// hour. An assumption of the crate (a common choice for long training
/// runs), not data; it matters only on pools that can be interrupted.
pub const DEFAULT_CHECKPOINT_INTERVAL_HOURS: f64 = 1.0;

/// Hours a job needs to restart from its checkpoint when the scenario does
/// not say: a quarter of an hour (getting a new server, loading the
/// checkpoint). An assumption of the crate, not data.
pub const DEFAULT_RESTART_HOURS: f64 = 0.25;

/// Least [`useful_fraction`](crate::useful_fraction) a (job, pool) pair may have. Below it the
/// first-order model (at most one interruption per checkpoint interval)
/// no longer holds and most of what is paid for is lost work, so
/// [`Problem::new`](crate::Problem::new) refuses the pair with
/// [`InputError::InterruptionLoss`](crate::InputError::InterruptionLoss) instead of clamping it.
pub const MIN_USEFUL_FRACTION: f64 = 0.5;
