//! What closes a job's window in a region or a pool (links, pools,
//! requirements, the horizon): read by validation, the diagnosis and
//! `validate`.

use crate::text::{self, cut, num};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::fmt;

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
