//! Errors of the input floor: a scenario that cannot be read or planned as
//! written ([`InputError`], naming the [`Entity`], field and value at fault).

use crate::text::{cut, num};
use chrono::{DateTime, Utc};
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};
use std::fmt;
use thiserror::Error;

/// The kind of thing an input error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Entity {
    /// The `horizon` object.
    Horizon,
    /// A top-level scenario field.
    Scenario,
    /// A region.
    Region,
    /// A server pool.
    Pool,
    /// A link between regions.
    Link,
    /// A job.
    Job,
}

impl fmt::Display for Entity {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(match self {
            Entity::Horizon => "horizon",
            Entity::Scenario => "scenario",
            Entity::Region => "region",
            Entity::Pool => "pool",
            Entity::Link => "link",
            Entity::Job => "job",
        })
    }
}

/// A scenario that cannot be planned as written. Every variant names the
/// entity (and its id), the field and the value at fault.
#[derive(Debug, Clone, PartialEq, Error, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum InputError {
    /// The JSON did not parse into a scenario (syntax, wrong type, unknown
    /// or missing field, malformed timestamp).
    #[error("{}: {}", cut(path), crate::text::serde_message(message))]
    Json {
        /// Path of the field, such as `jobs[2].deadline` (`.` for the
        /// root, `?` where the input ended before a value).
        path: String,
        /// What serde said.
        message: String,
    },
    /// A number outside the range [the model](crate::spec) allows (NaN and infinities are
    /// never allowed).
    #[error("{entity} '{}': {} = {} is invalid: must be {rule}", cut(id), cut(field), num(*value))]
    OutOfRange {
        /// Kind of entity.
        entity: Entity,
        /// Its id (empty for the horizon and scenario).
        id: String,
        /// Field name as in the file, with `[i]` for a series element.
        field: String,
        /// The offending value.
        value: f64,
        /// The rule it breaks, such as `>= 1`.
        rule: &'static str,
    },
    /// Two entities of one kind share an id.
    #[error("{entity} id '{}' is used more than once", cut(id))]
    DuplicateId {
        /// Kind of entity.
        entity: Entity,
        /// The repeated id.
        id: String,
    },
    /// An id longer than [`crate::MAX_ID_BYTES`].
    #[error("{entity} id '{id}...' is {bytes} bytes long, at most {max}")]
    IdTooLong {
        /// Kind of entity.
        entity: Entity,
        /// The id's first characters.
        id: String,
        /// Its length in bytes.
        bytes: usize,
        /// The longest allowed.
        max: usize,
    },
    /// A field names a region that does not exist.
    #[error(
        "{entity} '{}': {field} names unknown region '{}'",
        cut(id),
        cut(value)
    )]
    UnknownRegion {
        /// Kind of entity holding the reference.
        entity: Entity,
        /// Its id.
        id: String,
        /// Field holding the reference.
        field: &'static str,
        /// The unknown region id.
        value: String,
    },
    /// A field names the same region twice, or a link is repeated or loops.
    #[error("{entity} '{}': {field} {}", cut(id), cut(problem))]
    BadReference {
        /// Kind of entity.
        entity: Entity,
        /// Its id.
        id: String,
        /// Field at fault.
        field: &'static str,
        /// What is wrong, with the value.
        problem: String,
    },
    /// A horizon with no slots or zero-length slots.
    #[error("horizon: {field} = {value} is invalid: must be > 0")]
    EmptyHorizon {
        /// `slots` or `slot_seconds`.
        field: &'static str,
        /// The value given.
        value: u64,
    },
    /// A scenario too large to hold in memory: more slots than
    /// [`crate::MAX_SLOTS`], more (pool or region) × slot cells than
    /// [`crate::MAX_CELLS`], or more (job, allowed region) pairs than
    /// [`crate::MAX_JOB_REGIONS`].
    #[error("scenario too large: {what} = {value}, at most {max}")]
    TooLarge {
        /// What is counted, such as `horizon.slots`.
        what: &'static str,
        /// Its value.
        value: usize,
        /// The largest allowed.
        max: usize,
    },
    /// A server-hour whose cost is out of the supported range
    /// ([`crate::MAX_USD_PER_SERVER_HOUR`]): it names the pool and slot,
    /// and the input (entity, field, value) that made the cost so large.
    #[error(
        "{entity} '{}': {} = {} makes a server-hour on pool '{}' in slot {slot} cost {} $; \
         the supported range is at most {} $ in absolute value",
        cut(id),
        cut(field),
        num(*value),
        cut(pool),
        num(*cost_usd),
        num(*max_usd)
    )]
    CostOutOfRange {
        /// Kind of entity at fault.
        entity: Entity,
        /// Its id (empty for a scenario field).
        id: String,
        /// Its field.
        field: &'static str,
        /// Its value.
        value: f64,
        /// The pool whose server-hour it prices.
        pool: String,
        /// The slot.
        slot: usize,
        /// The cost of that server-hour, in $.
        cost_usd: f64,
        /// The largest allowed, in $.
        max_usd: f64,
    },
    /// Values each within range whose product overflows (a cost per
    /// server-hour, an egress bill or a resampled value is not finite).
    #[error(
        "{entity} '{}': {} is not a finite number (the inputs are too large)",
        cut(id),
        cut(what)
    )]
    Overflow {
        /// Kind of entity.
        entity: Entity,
        /// Its id.
        id: String,
        /// The derived quantity, such as `cost per server-hour in slot 3`.
        what: String,
    },
    /// A per-slot series with a length other than the number of slots.
    #[error(
        "{entity} '{}': {field} has {got} values but the horizon has {expected} slots",
        cut(id)
    )]
    SeriesLength {
        /// Kind of entity.
        entity: Entity,
        /// Its id.
        id: String,
        /// Field name.
        field: &'static str,
        /// Number of slots.
        expected: usize,
        /// Number of values given.
        got: usize,
    },
    /// A point series whose first point is after the horizon start (or that
    /// has no point at all).
    #[error("{entity} '{}': {field} starts at {first} but the horizon starts at {horizon_start}: a series must cover the whole horizon", cut(id))]
    SeriesNotCovering {
        /// Kind of entity.
        entity: Entity,
        /// Its id.
        id: String,
        /// Field name.
        field: &'static str,
        /// First point, or `none` when empty.
        first: String,
        /// The horizon start.
        horizon_start: DateTime<Utc>,
    },
    /// A point series whose instants are not strictly increasing in UTC.
    #[error("{entity} '{}': {field} point {index} at {this} is not after point {} at {previous}", cut(id), index.saturating_sub(1))]
    PointsOutOfOrder {
        /// Kind of entity.
        entity: Entity,
        /// Its id.
        id: String,
        /// Field name.
        field: &'static str,
        /// Index of the point that is not after its predecessor.
        index: usize,
        /// The predecessor's instant.
        previous: DateTime<Utc>,
        /// This point's instant.
        this: DateTime<Utc>,
    },
    /// A job whose deadline is not after its release.
    #[error(
        "job '{}': deadline {deadline} is not after release {release}",
        cut(id)
    )]
    DeadlineNotAfterRelease {
        /// Job id.
        id: String,
        /// Release (the horizon start when not given).
        release: DateTime<Utc>,
        /// Deadline.
        deadline: DateTime<Utc>,
    },
    /// A job may use a pool that is interrupted so often, for its
    /// checkpoint interval and restart time, that less than
    /// [`crate::MIN_USEFUL_FRACTION`] of a server-hour there would be useful
    /// work ([`crate::useful_fraction`]). Refused rather than clamped:
    /// checkpoint more often, or leave the pool's region out of the job's
    /// `regions`.
    #[error(
        "job '{}' on pool '{}': useful fraction {} = 1 - interruption_rate_per_hour {} x (checkpoint_interval_hours {} / 2 + restart_hours {}) is below {}: checkpoint more often or leave the region out of the job's regions",
        cut(job),
        cut(pool),
        num(*useful_fraction),
        num(*interruption_rate_per_hour),
        num(*checkpoint_interval_hours),
        num(*restart_hours),
        num(crate::scenario::defaults::MIN_USEFUL_FRACTION)
    )]
    InterruptionLoss {
        /// Job id.
        job: String,
        /// Pool id.
        pool: String,
        /// The pair's useful fraction.
        useful_fraction: f64,
        /// The pool's `interruption_rate_per_hour`.
        interruption_rate_per_hour: f64,
        /// The job's `checkpoint_interval_hours`.
        checkpoint_interval_hours: f64,
        /// The job's `restart_hours`.
        restart_hours: f64,
    },
    /// An overlay ([`crate::Overlay`]: `--without`, `--only`, `--set`)
    /// that cannot be read or applied: a glob that matches nothing, an
    /// unknown field, a value of the wrong type, a job's origin removed.
    #[error("overlay '{}': {fault}", cut(overlay))]
    Overlay {
        /// The overlay as written (`without region:vast-*`).
        overlay: String,
        /// What is wrong with it (boxed: the error stays small).
        fault: Box<crate::overlay::fault::OverlayFault>,
    },
}

impl InputError {
    /// The variant's short name, as the `kind` of its JSON form.
    pub fn kind(&self) -> &'static str {
        match self {
            InputError::Json { .. } => "json",
            InputError::OutOfRange { .. } => "out_of_range",
            InputError::DuplicateId { .. } => "duplicate_id",
            InputError::IdTooLong { .. } => "id_too_long",
            InputError::UnknownRegion { .. } => "unknown_region",
            InputError::BadReference { .. } => "bad_reference",
            InputError::EmptyHorizon { .. } => "empty_horizon",
            InputError::TooLarge { .. } => "too_large",
            InputError::Overflow { .. } => "overflow",
            InputError::CostOutOfRange { .. } => "cost_out_of_range",
            InputError::SeriesLength { .. } => "series_length",
            InputError::SeriesNotCovering { .. } => "series_not_covering",
            InputError::PointsOutOfOrder { .. } => "points_out_of_order",
            InputError::DeadlineNotAfterRelease { .. } => "deadline_not_after_release",
            InputError::InterruptionLoss { .. } => "interruption_loss",
            InputError::Overlay { .. } => "overlay",
        }
    }
}

/// Serialises a wrapped error as `{"error": ...}`, beside the enclosing
/// enum's own `kind` tag (the wrapped error has a `kind` of its own).
pub(crate) fn as_error_field<E: Serialize, S: Serializer>(
    error: &E,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut out = serializer.serialize_struct("Wrapped", 1)?;
    out.serialize_field("error", error)?;
    out.end()
}
