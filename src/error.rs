//! Typed errors: bad input (entity, field, value), infeasibility (per job,
//! why), invalid schedules (constraint, where, amounts), solver failures.

use crate::text::{self, cut, fixed6, num};
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
        num(crate::problem::MIN_USEFUL_FRACTION)
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

/// Why one job cannot be finished. Serialises as `{"no_eligible_cell":
/// [...]}` or `{"work_short": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Shortfall {
    /// The job has no eligible cell at all; one entry per allowed region says
    /// what closed it.
    NoEligibleCell(Vec<ClosedRegion>),
    /// Cells exist but capacity, power or parallelism leave this many work
    /// units undone (in one plan of least total shortfall).
    WorkShort {
        /// Work units that could not be placed.
        missing_work: f64,
        /// The job's work.
        work: f64,
    },
    /// A `Whole` job that must run in one region, and no single allowed
    /// region can finish it: the one that comes closest leaves this many
    /// work units undone.
    NoSingleRegion {
        /// Work units left undone in the region that comes closest.
        missing_work: f64,
        /// The job's work.
        work: f64,
    },
}

impl Shortfall {
    /// The shortfall of `job` with `missing_work` work units undone: for a
    /// `Whole` job, that no single region can finish it (its placement, not
    /// capacity alone, is what fails); for a `Split` job, the work short.
    pub(crate) fn of(job: &crate::problem::JobInfo, missing_work: f64) -> Shortfall {
        match job.placement {
            crate::scenario::Placement::Whole => Shortfall::NoSingleRegion {
                missing_work,
                work: job.work,
            },
            crate::scenario::Placement::Split => Shortfall::WorkShort {
                missing_work,
                work: job.work,
            },
        }
    }
}

/// Why one allowed region offers a job no eligible slot.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClosedRegion {
    /// Region id.
    pub region: String,
    /// What closed it.
    pub why: ClosedBy,
}

/// The bound that closed a job's window in one region.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ClosedBy {
    /// No link from the origin to the region (or back, when there is
    /// output): the missing link is `from -> to`.
    Unreachable {
        /// Region the missing link would leave.
        from: String,
        /// Region it would reach.
        to: String,
    },
    /// The region has no pool.
    NoPool,
    /// The region is not among the job's allowed regions (reported by
    /// [`crate::Local`] when a job may not run at its own origin).
    NotAllowed,
    /// Release plus transfer time leaves no whole slot before the deadline.
    TransferAfterDeadline {
        /// Release + transfer time.
        earliest_start: DateTime<Utc>,
        /// Transfer time in seconds.
        transfer_seconds: f64,
        /// The deadline.
        deadline: DateTime<Utc>,
    },
    /// The deadline falls before the end of the first slot.
    DeadlineBeforeFirstSlot {
        /// The deadline.
        deadline: DateTime<Utc>,
    },
    /// Release plus transfer time leaves no whole slot before the horizon
    /// ends (though the deadline is later).
    StartAfterHorizon {
        /// Release + transfer time.
        earliest_start: DateTime<Utc>,
    },
    /// A link the job would use is slower than its `min_link_gbps`.
    LinkBelowFloor {
        /// Region the link leaves.
        from: String,
        /// Region it reaches.
        to: String,
        /// The link's bandwidth in Gbit/s.
        bandwidth_gbps: f64,
        /// The job's floor in Gbit/s.
        min_link_gbps: f64,
    },
    /// The region has pools, but none meets the job's requirements (or
    /// has a speed for it): each pool and what closed it.
    NoPoolServes {
        /// Each pool of the region and the requirement it fails.
        pools: Vec<ClosedPool>,
    },
}

/// A pool that may not serve a job, and the requirement that closed it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ClosedPool {
    /// Pool id.
    pub pool: String,
    /// The requirement it fails.
    pub why: PoolClosedBy,
}

/// The requirement of a job that a pool fails (the job's `requires`, or
/// its `speed_by_accelerator`). A pool that does not state the attribute
/// a requirement reads fails it (`has` is then `None`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "requirement", rename_all = "snake_case")]
#[non_exhaustive]
pub enum PoolClosedBy {
    /// `requires.gpu_memory_gb`: GB per GPU.
    GpuMemoryGb {
        /// Least GB per GPU the job needs.
        required: f64,
        /// The pool's GB per GPU.
        has: Option<f64>,
    },
    /// `requires.accelerators`: the names allowed.
    Accelerators {
        /// The names the job allows.
        allowed: Vec<String>,
        /// The pool's accelerator.
        has: Option<String>,
    },
    /// `requires.gpus_per_server`: GPUs in one server.
    GpusPerServer {
        /// Least GPUs per server the job needs.
        required: u32,
        /// The pool's GPUs per server.
        has: Option<u32>,
    },
    /// `speed_by_accelerator`: the job has no speed for the pool's
    /// accelerator, or the pool does not state its accelerator and GPUs.
    SpeedByAccelerator {
        /// The pool's accelerator.
        accelerator: Option<String>,
        /// The pool's GPUs per server.
        gpus_per_server: Option<u32>,
    },
}

impl fmt::Display for ClosedPool {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "pool {}: ", cut(&self.pool))?;
        let none = "not stated";
        match &self.why {
            PoolClosedBy::GpuMemoryGb { required, has } => write!(
                f,
                "requires.gpu_memory_gb = {} but the pool has {}",
                num(*required),
                has.map_or(none.to_string(), |g| format!("{} GB", num(g)))
            ),
            PoolClosedBy::Accelerators { allowed, has } => {
                write!(f, "requires.accelerators = [")?;
                let mut first = true;
                text::list(
                    f,
                    allowed,
                    |f, a| {
                        let sep = if first { "" } else { ", " };
                        first = false;
                        write!(f, "{sep}{}", cut(a))
                    },
                    |f, more| write!(f, ", and {more} more"),
                )?;
                let has = has.as_deref().map_or(none.to_string(), |a| cut(a).to_string());
                write!(f, "] but the pool has {has}")
            }
            PoolClosedBy::GpusPerServer { required, has } => write!(
                f,
                "requires.gpus_per_server = {required} but the pool has {}",
                has.map_or(none.to_string(), |g| g.to_string())
            ),
            PoolClosedBy::SpeedByAccelerator {
                accelerator,
                gpus_per_server,
            } => match (accelerator, gpus_per_server) {
                (Some(a), Some(_)) => {
                    write!(f, "speed_by_accelerator has no speed for {}", cut(a))
                }
                _ => write!(
                    f,
                    "speed_by_accelerator needs the pool's accelerator and gpus_per_server, which it does not state"
                ),
            },
        }
    }
}

impl fmt::Display for ClosedRegion {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}: ", cut(&self.region))?;
        match &self.why {
            ClosedBy::Unreachable { from, to } => {
                write!(f, "no link {} -> {}", cut(from), cut(to))
            }
            ClosedBy::NoPool => write!(f, "no server pool"),
            ClosedBy::NotAllowed => write!(f, "not among the job's allowed regions"),
            ClosedBy::TransferAfterDeadline {
                earliest_start,
                transfer_seconds,
                deadline,
            } => {
                if *transfer_seconds > 0.0 {
                    write!(
                        f,
                        "release + transfer time ({} s) = {earliest_start}",
                        num(transfer_seconds.round())
                    )?;
                } else {
                    write!(f, "release {earliest_start}")?;
                }
                write!(f, " leaves no whole slot before the deadline {deadline}")
            }
            ClosedBy::DeadlineBeforeFirstSlot { deadline } => {
                write!(f, "deadline {deadline} is before the end of the first slot")
            }
            ClosedBy::StartAfterHorizon { earliest_start } => {
                write!(
                    f,
                    "earliest start {earliest_start} leaves no whole slot before the horizon end"
                )
            }
            ClosedBy::LinkBelowFloor {
                from,
                to,
                bandwidth_gbps,
                min_link_gbps,
            } => write!(
                f,
                "link {} -> {} has {} Gbit/s, below the job's min_link_gbps = {}",
                cut(from),
                cut(to),
                num(*bandwidth_gbps),
                num(*min_link_gbps)
            ),
            ClosedBy::NoPoolServes { pools } => {
                write!(f, "no pool meets the job's requirements (")?;
                let mut first = true;
                text::list(
                    f,
                    pools,
                    |f, c| {
                        let sep = if first { "" } else { "; " };
                        first = false;
                        write!(f, "{sep}{c}")
                    },
                    |f, more| write!(f, "; and {more} more"),
                )?;
                write!(f, ")")
            }
        }
    }
}

/// One job that cannot be finished, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnfinishedJob {
    /// Job id.
    pub job: String,
    /// Why.
    pub shortfall: Shortfall,
}

impl fmt::Display for UnfinishedJob {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let job = cut(&self.job);
        match &self.shortfall {
            Shortfall::NoEligibleCell(regions) => {
                write!(f, "job '{job}': no eligible slot in any allowed region")?;
                text::list(
                    f,
                    regions,
                    |f, r| write!(f, "\n    {r}"),
                    |f, more| write!(f, "\n    ... and {more} more regions"),
                )
            }
            Shortfall::WorkShort { missing_work, work } => write!(
                f,
                "job '{job}': {} of {} work units cannot be placed within capacity, power caps and parallelism",
                fixed6(*missing_work),
                num(*work)
            ),
            Shortfall::NoSingleRegion { missing_work, work } => write!(
                f,
                "job '{job}': no single allowed region can finish it, and its placement is whole: the closest leaves {} of {} work units undone",
                fixed6(*missing_work),
                num(*work)
            ),
        }
    }
}

/// No schedule finishes every job (or this heuristic found none).
#[derive(Debug, Clone, PartialEq, Error, Serialize)]
#[error("{}: {} job(s) cannot be finished:{}", cut(scheduler), jobs.len(), Jobs(jobs))]
pub struct Infeasible {
    /// The scheduler that reports it.
    pub scheduler: String,
    /// Every job that cannot be finished.
    pub jobs: Vec<UnfinishedJob>,
}

/// The jobs of an [`Infeasible`], one per line, the first few only.
struct Jobs<'a>(&'a [UnfinishedJob]);

impl fmt::Display for Jobs<'_> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        text::list(
            f,
            self.0,
            |f, j| write!(f, "\n  {j}"),
            |f, more| write!(f, "\n  ... and {more} more jobs"),
        )
    }
}

/// A rule of [the model](crate::spec) that a schedule can break.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Constraint {
    /// A row names a job, pool or slot the problem does not have.
    Index,
    /// Server-hours must be finite and >= 0.
    NonNegative,
    /// Work only in eligible cells (allowed, reachable, inside the window).
    Eligibility,
    /// 1. Capacity of a pool in a slot.
    Capacity,
    /// 2. Parallelism of a job in a slot.
    Parallelism,
    /// 3. Work done equals the job's work.
    Work,
    /// 4. Power cap of a region in a slot, at the meter.
    PowerCap,
    /// 5. A `Whole` job runs in one region.
    WholePlacement,
    /// A `Split` job has work in at most `max_regions` regions.
    MaxRegions,
}

impl fmt::Display for Constraint {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(match self {
            Constraint::Index => "index",
            Constraint::NonNegative => "non-negative server-hours",
            Constraint::Eligibility => "eligibility",
            Constraint::Capacity => "capacity",
            Constraint::Parallelism => "parallelism",
            Constraint::Work => "work",
            Constraint::PowerCap => "power cap",
            Constraint::WholePlacement => "whole placement",
            Constraint::MaxRegions => "max regions",
        })
    }
}

/// A schedule that breaks a constraint of [the model](crate::spec): which
/// constraint, where (the ids and slot it concerns) and the amount against
/// its limit, all typed.
#[derive(Debug, Clone, PartialEq, Error, Serialize)]
#[error("invalid schedule: {constraint} broken at {}: {}", self.location(), self.detail())]
#[non_exhaustive]
pub struct ScheduleViolation {
    /// The constraint.
    pub constraint: Constraint,
    /// The row at fault, for the rules checked row by row
    /// ([`Constraint::Index`], [`Constraint::NonNegative`],
    /// [`Constraint::Eligibility`]), with the indices it holds.
    pub row: Option<Box<crate::schedule::Assignment>>,
    /// Id of the job concerned, if one is.
    pub job: Option<String>,
    /// Id of the pool concerned, if one is.
    pub pool: Option<String>,
    /// Slot concerned, if one is.
    pub slot: Option<usize>,
    /// The amount found: server-hours (index, sign, eligibility, capacity,
    /// parallelism), kWh at the meter (power cap), work units (work) or
    /// regions used (whole placement).
    pub amount: f64,
    /// The limit it breaks, in the same unit: 0 for a row that must not be
    /// there or be negative, the capacity, the cap, the job's work, or 1
    /// region.
    pub limit: f64,
    /// Ids of the regions concerned: the capped region
    /// ([`Constraint::PowerCap`]), or the regions a `Whole` job runs in
    /// ([`Constraint::WholePlacement`]).
    pub regions: Vec<String>,
}

impl ScheduleViolation {
    pub(crate) fn new(constraint: Constraint, amount: f64, limit: f64) -> Self {
        ScheduleViolation {
            constraint,
            row: None,
            job: None,
            pool: None,
            slot: None,
            amount,
            limit,
            regions: Vec::new(),
        }
    }

    /// Where, in words: `job 'a', pool 'b', slot 3`.
    pub fn location(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if self.constraint == Constraint::Index {
            if let Some(a) = &self.row {
                return format!("job #{}, pool #{}, slot {}", a.job, a.pool, a.slot);
            }
        }
        if let Some(j) = &self.job {
            parts.push(format!("job '{}'", cut(j)));
        }
        if let Some(p) = &self.pool {
            parts.push(format!("pool '{}'", cut(p)));
        }
        if self.constraint == Constraint::PowerCap {
            for r in &self.regions {
                parts.push(format!("region '{}'", cut(r)));
            }
        }
        if let Some(t) = self.slot {
            parts.push(format!("slot {t}"));
        }
        parts.join(", ")
    }

    /// The amounts, in words.
    pub fn detail(&self) -> String {
        let (amount, limit) = (num(self.amount), num(self.limit));
        match self.constraint {
            Constraint::Index => {
                "the row names a job, pool or slot the problem does not have".into()
            }
            Constraint::NonNegative => format!("server_hours = {amount}"),
            Constraint::Eligibility => {
                format!("{amount} server-hours in a cell the job may not use")
            }
            Constraint::Capacity => format!("{amount} server-hours used, {limit} available"),
            Constraint::PowerCap => {
                format!("{amount} kWh at the meter, cap {limit} kWh per slot")
            }
            Constraint::Parallelism => {
                format!("{amount} server-hours, at most {limit} per slot")
            }
            Constraint::Work => format!("{amount} work units done, {limit} required"),
            Constraint::WholePlacement | Constraint::MaxRegions => {
                let shown = self.regions.iter().take(text::MAX_SHOWN_ITEMS);
                let mut names: Vec<String> = shown.map(|r| cut(r).to_string()).collect();
                if self.regions.len() > text::MAX_SHOWN_ITEMS {
                    names.push(format!(
                        "... and {} more",
                        self.regions.len() - text::MAX_SHOWN_ITEMS
                    ));
                }
                let most = match self.constraint {
                    Constraint::MaxRegions => format!(" (max_regions = {limit})"),
                    _ => String::new(),
                };
                format!("runs in {amount} regions{most}: {}", names.join(", "))
            }
        }
    }
}

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
    Sweep(#[from] crate::decide::sweep::SweepError),
    /// A scenario [`crate::explain`] cannot explain (a `whole` job with a
    /// choice of regions, a solver without duals, a stopped optimum). An
    /// engine failure inside `explain` converts to its own variant instead.
    #[error(transparent)]
    Explain(Box<crate::decide::explain::ExplainError>),
    /// A re-plan that cannot be made as asked ([`crate::Replan`]: `now`,
    /// done work, the history). An engine failure inside the re-plan
    /// converts to its own variant instead.
    #[error(transparent)]
    Replan(Box<crate::decide::replan::ReplanError>),
}

/// `?` on [`crate::explain`] in a function returning [`Error`](enum@Error): an engine
/// failure (input, infeasible, solver, limits) becomes that variant, so a
/// service matches one kind per cause; the rest is [`Error::Explain`].
impl From<crate::decide::explain::ExplainError> for Error {
    fn from(e: crate::decide::explain::ExplainError) -> Self {
        match e {
            crate::decide::explain::ExplainError::Engine(inner) => inner,
            other => Error::Explain(Box::new(other)),
        }
    }
}

/// `?` on [`crate::Replan::solve`]: an engine failure becomes that
/// variant; the rest is [`Error::Replan`].
impl From<crate::decide::replan::ReplanError> for Error {
    fn from(e: crate::decide::replan::ReplanError) -> Self {
        match e {
            crate::decide::replan::ReplanError::Solve(inner) => inner,
            other => Error::Replan(Box::new(other)),
        }
    }
}

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
}

impl fmt::Display for SolverStatus {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(match self {
            SolverStatus::Failed => "failed",
            SolverStatus::FalseInfeasible => "reported a solvable model infeasible",
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
    pub backend: crate::solve::backend::Backend,
    /// What it did.
    pub status: SolverStatus,
    /// What the solvers said, in their words.
    pub message: String,
}

impl SolverFailure {
    pub(crate) fn new(
        backend: crate::solve::backend::Backend,
        status: SolverStatus,
        message: String,
    ) -> Self {
        SolverFailure {
            backend,
            status,
            message,
        }
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
    pub reason: crate::solve::limits::StopReason,
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

impl ScheduleViolation {
    /// `invalid_schedule`, as [`Error::kind`] names it (the broken rule is
    /// [`ScheduleViolation::constraint`]).
    pub fn kind(&self) -> &'static str {
        "invalid_schedule"
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
