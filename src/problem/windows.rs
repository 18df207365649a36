//! Job windows: which regions a job may use (allowed, reachable, with a
//! pool) and, in each, the eligible slot range between release + transfer
//! time and the deadline. Every other region gets the bound that closed it.

use super::links::Links;
use super::regions::RegionIndex;
use super::series::{check, check_id, check_name, Rule};
use super::{JobInfo, JobRegion, PoolInfo, RegionInfo};
use crate::problem::closed::{ClosedBy, ClosedPool, ClosedRegion, PoolClosedBy};
use crate::scenario::error::{Entity, InputError};
use crate::scenario::{Job, Placement};
use crate::text::{cut, num};
use crate::time::Horizon;
use chrono::{DateTime, Duration, Utc};
use std::collections::HashSet;

/// Checks every job and computes its windows and closed regions.
pub(super) fn build(
    h: &Horizon,
    given: &[Job],
    regions: &[RegionInfo],
    pools: &[PoolInfo],
    index: &RegionIndex<'_>,
    links: &Links,
) -> Result<Vec<JobInfo>, InputError> {
    let hours = h.slot_hours();
    let mut ids: HashSet<&str> = HashSet::new();
    let mut jobs = Vec::with_capacity(given.len());
    for j in given {
        check_id(Entity::Job, &j.id)?;
        if !ids.insert(j.id.as_str()) {
            return Err(InputError::DuplicateId {
                entity: Entity::Job,
                id: j.id.clone(),
            });
        }
        let origin = index.find(Entity::Job, &j.id, "origin", &j.origin)?;
        check_numbers(j)?;
        let release = j.release.unwrap_or(h.start);
        if j.deadline <= release {
            return Err(InputError::DeadlineNotAfterRelease {
                id: j.id.clone(),
                release,
                deadline: j.deadline,
            });
        }
        check_needs(j)?;
        let speed_by_pool = job_speeds(j, pools)?;
        let allowed = allowed(j, regions.len(), index)?;
        let mut windows = Vec::new();
        let mut closed = Vec::new();
        let mut closed_pools = Vec::new();
        for r in allowed {
            let mut serving = Vec::with_capacity(regions[r].pools.len());
            let mut refused = Vec::new();
            for &k in &regions[r].pools {
                match serves(j, &pools[k], speed_by_pool.as_deref().map(|s| s[k])) {
                    Ok(()) => serving.push(k),
                    Err(why) => refused.push(ClosedPool {
                        pool: pools[k].id.clone(),
                        why,
                    }),
                }
            }
            let why = match links.route(
                regions,
                origin,
                r,
                j.input_gb,
                j.output_gb,
                j.min_link_gbps,
            ) {
                Err(why) => Some(why),
                Ok(_) if regions[r].pools.is_empty() => Some(ClosedBy::NoPool),
                Ok(_) if serving.is_empty() => Some(ClosedBy::NoPoolServes {
                    pools: std::mem::take(&mut refused),
                }),
                Ok((_, egress_usd)) if !(egress_usd / j.work).is_finite() => {
                    return Err(InputError::Overflow {
                        entity: Entity::Job,
                        id: j.id.clone(),
                        what: format!(
                            "the egress to region '{}' per work unit (input_gb = {}, output_gb = {}, work = {}, at the links' egress prices)",
                            cut(&regions[r].id),
                            num(j.input_gb),
                            num(j.output_gb),
                            num(j.work)
                        ),
                    });
                }
                Ok((transfer_seconds, egress_usd)) => {
                    match window(h, release, transfer_seconds, j.deadline) {
                        Ok((first_slot, end_slot)) => {
                            windows.push(JobRegion {
                                region: r,
                                first_slot,
                                end_slot,
                                transfer_seconds,
                                egress_usd,
                                pools: std::mem::take(&mut serving),
                            });
                            closed_pools.append(&mut refused);
                            None
                        }
                        Err(why) => Some(why),
                    }
                }
            };
            if let Some(why) = why {
                closed.push(ClosedRegion {
                    region: regions[r].id.clone(),
                    why,
                });
            }
        }
        jobs.push(JobInfo {
            id: j.id.clone(),
            origin,
            work: j.work,
            max_server_hours_per_slot: j.max_servers * hours,
            placement: j.placement,
            deadline: j.deadline,
            checkpoint_interval_hours: j.checkpoint_interval_hours,
            restart_hours: j.restart_hours,
            windows,
            closed,
            unmet_usd_per_work: j.unmet_usd_per_work,
            speed_by_pool,
            closed_pools,
            max_regions: j.max_regions.map(|n| n as usize),
            opened_regions: Vec::new(),
        });
    }
    Ok(jobs)
}

/// A job's numbers within their ranges: work, data, parallelism, the
/// price of undone work, checkpoints.
fn check_numbers(j: &Job) -> Result<(), InputError> {
    check(Entity::Job, &j.id, "work", j.work, Rule::Work)?;
    check(
        Entity::Job,
        &j.id,
        "input_gb",
        j.input_gb,
        Rule::NonNegative,
    )?;
    check(
        Entity::Job,
        &j.id,
        "output_gb",
        j.output_gb,
        Rule::NonNegative,
    )?;
    check(
        Entity::Job,
        &j.id,
        "max_servers",
        j.max_servers,
        Rule::Positive,
    )?;
    if let Some(usd) = j.unmet_usd_per_work {
        check(
            Entity::Job,
            &j.id,
            "unmet_usd_per_work",
            usd,
            Rule::UnmetPrice,
        )?;
    }
    for (field, value) in [
        ("checkpoint_interval_hours", j.checkpoint_interval_hours),
        ("restart_hours", j.restart_hours),
    ] {
        check(Entity::Job, &j.id, field, value, Rule::NonNegative)?;
    }
    Ok(())
}

/// Checks the job's hardware requirements, speeds and spread limits.
fn check_needs(j: &Job) -> Result<(), InputError> {
    if let Some(req) = &j.requires {
        if let Some(gb) = req.gpu_memory_gb {
            check(
                Entity::Job,
                &j.id,
                "requires.gpu_memory_gb",
                gb,
                Rule::Positive,
            )?;
        }
        if let Some(gpus) = req.gpus_per_server {
            check(
                Entity::Job,
                &j.id,
                "requires.gpus_per_server",
                f64::from(gpus),
                Rule::AtLeastOne,
            )?;
        }
        if let Some(names) = &req.accelerators {
            if names.is_empty() {
                return Err(InputError::BadReference {
                    entity: Entity::Job,
                    id: j.id.clone(),
                    field: "requires.accelerators",
                    problem:
                        "is empty: name at least one accelerator, or leave it out to allow all"
                            .into(),
                });
            }
            for name in names {
                check_name(Entity::Job, &j.id, "requires.accelerators", name)?;
            }
        }
    }
    if let Some(speeds) = &j.speed_by_accelerator {
        for (name, &v) in speeds {
            check_name(Entity::Job, &j.id, "speed_by_accelerator", name)?;
            let field = format!("speed_by_accelerator.{}", cut(name));
            check(Entity::Job, &j.id, &field, v, Rule::Speed)?;
        }
    }
    if let Some(n) = j.max_regions {
        check(
            Entity::Job,
            &j.id,
            "max_regions",
            f64::from(n),
            Rule::AtLeastOne,
        )?;
        if j.placement == Placement::Whole {
            return Err(InputError::BadReference {
                entity: Entity::Job,
                id: j.id.clone(),
                field: "max_regions",
                problem: format!(
                    "= {n} on a whole job, which runs in one region already: leave it out, or make the job split"
                ),
            });
        }
    }
    if let Some(gbps) = j.min_link_gbps {
        check(Entity::Job, &j.id, "min_link_gbps", gbps, Rule::NonNegative)?;
    }
    Ok(())
}

/// `s[j,k]` per pool for a job with `speed_by_accelerator`: the pool's
/// GPUs times the job's speed on its accelerator, 0 where the pool does
/// not state both or the map has no speed for it. `None` without a map.
/// A product out of the supported speed range is an input error.
fn job_speeds(j: &Job, pools: &[PoolInfo]) -> Result<Option<Vec<f64>>, InputError> {
    let Some(speeds) = &j.speed_by_accelerator else {
        return Ok(None);
    };
    let mut out = Vec::with_capacity(pools.len());
    for pool in pools {
        let s = match (&pool.accelerator, pool.gpus_per_server) {
            (Some(a), Some(g)) => match speeds.get(a) {
                Some(&v) => {
                    let s = f64::from(g) * v;
                    let field = format!(
                        "speed_by_accelerator.{} x gpus_per_server {g} of pool '{}'",
                        cut(a),
                        cut(&pool.id)
                    );
                    check(Entity::Job, &j.id, &field, s, Rule::Speed)?;
                    s
                }
                None => 0.0,
            },
            _ => 0.0,
        };
        out.push(s);
    }
    Ok(Some(out))
}

/// Whether `pool` may serve job `j`: every stated requirement holds
/// (inclusive), and with `speed_by_accelerator` the job has a speed on it
/// (`speed`, 0 when not).
fn serves(j: &Job, pool: &PoolInfo, speed: Option<f64>) -> Result<(), PoolClosedBy> {
    if let Some(req) = &j.requires {
        if let Some(required) = req.gpu_memory_gb {
            if pool.gpu_memory_gb.is_none_or(|gb| gb < required) {
                return Err(PoolClosedBy::GpuMemoryGb {
                    required,
                    has: pool.gpu_memory_gb,
                });
            }
        }
        if let Some(allowed) = &req.accelerators {
            if pool
                .accelerator
                .as_ref()
                .is_none_or(|a| !allowed.contains(a))
            {
                return Err(PoolClosedBy::Accelerators {
                    allowed: allowed.clone(),
                    has: pool.accelerator.clone(),
                });
            }
        }
        if let Some(required) = req.gpus_per_server {
            if pool.gpus_per_server.is_none_or(|g| g < required) {
                return Err(PoolClosedBy::GpusPerServer {
                    required,
                    has: pool.gpus_per_server,
                });
            }
        }
    }
    if speed.is_some_and(|s| s <= 0.0) {
        return Err(PoolClosedBy::SpeedByAccelerator {
            accelerator: pool.accelerator.clone(),
            gpus_per_server: pool.gpus_per_server,
        });
    }
    Ok(())
}

/// The job's allowed regions as indices in file order (all when not
/// given); an empty list or a region named twice is an error.
fn allowed(j: &Job, n_regions: usize, index: &RegionIndex<'_>) -> Result<Vec<usize>, InputError> {
    let Some(list) = &j.regions else {
        return Ok((0..n_regions).collect());
    };
    if list.is_empty() {
        return Err(InputError::BadReference {
            entity: Entity::Job,
            id: j.id.clone(),
            field: "regions",
            problem: "is empty: name at least one region, or leave it out to allow all".into(),
        });
    }
    let mut out = Vec::with_capacity(list.len());
    let mut named = HashSet::with_capacity(list.len());
    for name in list {
        let r = index.find(Entity::Job, &j.id, "regions", name)?;
        if !named.insert(r) {
            return Err(InputError::BadReference {
                entity: Entity::Job,
                id: j.id.clone(),
                field: "regions",
                problem: format!("names region '{name}' twice"),
            });
        }
        out.push(r);
    }
    // File order, whatever the job's list order: windows, closed regions
    // and Greedy's region ties follow it.
    out.sort_unstable();
    Ok(out)
}

/// The instant `ns` nanoseconds after the horizon start, for messages.
/// Beyond chrono's range (a transfer of centuries) it saturates at the last
/// representable instant rather than overflow.
fn instant(h: &Horizon, ns: i128) -> DateTime<Utc> {
    i64::try_from(ns / NANOS)
        .ok()
        .and_then(Duration::try_seconds)
        .and_then(|d| h.start.checked_add_signed(d))
        .and_then(|t| t.checked_add_signed(Duration::nanoseconds((ns % NANOS) as i64)))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// Nanoseconds from the horizon start to `at` (exact for any instant
/// chrono can hold).
fn nanos(h: &Horizon, at: DateTime<Utc>) -> i128 {
    let d = at.signed_duration_since(h.start);
    i128::from(d.num_seconds()) * NANOS + i128::from(d.subsec_nanos())
}

const NANOS: i128 = 1_000_000_000;

/// The eligible slot range `[first, end)`: slot `t` is eligible iff
/// `slot_start(t) >= release + transfer` and `slot_end(t) <= deadline`.
///
/// Computed in whole nanoseconds, so an instant exactly on a bound is
/// inside it and one a nanosecond past it is not. The transfer time
/// (`D·8/B` in floating point) is rounded to the nearest nanosecond, which
/// absorbs its round-off; an overflowing one never arrives.
fn window(
    h: &Horizon,
    release: DateTime<Utc>,
    transfer_seconds: f64,
    deadline: DateTime<Utc>,
) -> Result<(usize, usize), ClosedBy> {
    let step = i128::from(h.slot_seconds) * NANOS;
    let slots = h.slots as i128; // slots <= MAX_SLOTS: no truncation
    let transfer_ns = (transfer_seconds * 1e9).round();
    let earliest = if transfer_ns.is_finite() {
        // `as` saturates; i128 holds ~1.7e38 ns, far beyond chrono's range.
        nanos(h, release).saturating_add(transfer_ns as i128)
    } else {
        i128::MAX
    };
    let latest = nanos(h, deadline);
    // ceil(earliest / step) and floor(latest / step), exactly.
    let first = (-((-earliest.max(i128::MIN + 1)).div_euclid(step))).max(0);
    let end = latest.div_euclid(step).min(slots);
    if first < end {
        // 0 <= first < end <= slots: both fit a usize.
        return Ok((first as usize, end as usize));
    }
    let earliest_start = instant(h, earliest);
    // Blame the tighter of the two upper bounds: the deadline when it falls
    // before the horizon end (a release at 03:10 and a deadline at 03:50
    // leave no whole hour whatever the horizon), else the horizon end.
    Err(if latest < step {
        ClosedBy::DeadlineBeforeFirstSlot { deadline }
    } else if latest.div_euclid(step) >= slots {
        ClosedBy::StartAfterHorizon { earliest_start }
    } else {
        ClosedBy::TransferAfterDeadline {
            earliest_start,
            transfer_seconds,
            deadline,
        }
    })
}
