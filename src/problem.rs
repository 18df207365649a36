//! Validation of a [`Scenario`] into the slot-indexed [`Problem`] that every
//! scheduler and the evaluator read.
//!
//! This is **the one place** where the rules of [the model](crate::spec)
//! that decide *when a job may run where* and *what a server-hour costs* are computed:
//! [`Problem::window`] (eligibility) and [`CellCost`] (cost per server-hour,
//! split into rent, energy and carbon), plus [`JobRegion::egress_usd`].

use crate::error::{ClosedBy, ClosedRegion, Entity, InputError};
use crate::scenario::{Placement, Scenario};
use crate::time::{Horizon, Series, SeriesFault};
use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;

/// Most slots a horizon may have: ten years of minutes. Every series is
/// held per slot, so a larger horizon is an input error, not an attempt to
/// allocate it.
pub const MAX_SLOTS: usize = 10 * 366 * 24 * 60;

/// Most (pools + regions) × slots a scenario may have: every pool and
/// region holds a few numbers per slot, so this bounds the problem's memory
/// (to about 2 GiB) before anything is allocated.
pub const MAX_CELLS: usize = 50_000_000;

/// A validated scenario, with every series resampled to slots and every
/// rule of [the model](crate::spec) evaluated once. Built by [`Problem::new`]; read-only.
#[derive(Debug, Clone)]
pub struct Problem {
    pub(crate) horizon: Horizon,
    pub(crate) carbon_price_usd_per_t: f64,
    pub(crate) regions: Vec<RegionInfo>,
    pub(crate) pools: Vec<PoolInfo>,
    pub(crate) jobs: Vec<JobInfo>,
}

/// A region after validation.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RegionInfo {
    /// Region id.
    pub id: String,
    /// PUE (>= 1).
    pub pue: f64,
    /// Energy price per slot in $/MWh.
    pub price_usd_per_mwh: Vec<f64>,
    /// Carbon intensity per slot in gCO2e/kWh.
    pub carbon_g_per_kwh: Vec<f64>,
    /// Energy at the meter allowed per slot in kWh (`cap_r · h`), if capped.
    pub power_cap_kwh_per_slot: Option<f64>,
    /// Indices of the pools in this region, in file order.
    pub pools: Vec<usize>,
}

/// A pool after validation.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PoolInfo {
    /// Pool id.
    pub id: String,
    /// Index of its region.
    pub region: usize,
    /// Server-hours available per slot (`n[k,t] · h`).
    pub capacity_server_hours: Vec<f64>,
    /// Work units per server-hour.
    pub speed: f64,
    /// Energy at the meter per server-hour in kWh (`w_k · pue_r`), which is
    /// what the power cap counts.
    pub meter_kwh_per_server_hour: f64,
    /// Cost of one server-hour in each slot.
    pub cost: Vec<CellCost>,
}

/// What one server-hour on a pool in a slot costs and emits. The only
/// place where the model's `c[k,t]` is computed.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[non_exhaustive]
pub struct CellCost {
    /// Rent in $.
    pub rent_usd: f64,
    /// Energy bill in $ (0 when the rent pays the energy).
    pub energy_usd: f64,
    /// Carbon price in $.
    pub carbon_usd: f64,
    /// Energy at the meter in MWh (counted even when the rent pays it).
    pub energy_mwh: f64,
    /// Emissions in tCO2e.
    pub emissions_t: f64,
}

impl CellCost {
    /// `c[k,t]`: rent + energy + carbon, in $ per server-hour.
    pub fn total_usd(&self) -> f64 {
        self.rent_usd + self.energy_usd + self.carbon_usd
    }
}

/// A job after validation, with where and when it may run.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct JobInfo {
    /// Job id.
    pub id: String,
    /// Index of the origin region.
    pub origin: usize,
    /// Work units to do.
    pub work: f64,
    /// Most server-hours per slot (`m_j · h`).
    pub max_server_hours_per_slot: f64,
    /// Split or Whole.
    pub placement: Placement,
    /// Deadline, for earliest-deadline-first ordering.
    pub deadline: DateTime<Utc>,
    /// Allowed, reachable regions with at least one eligible slot.
    pub windows: Vec<JobRegion>,
    /// Allowed regions that offer no eligible slot, and why.
    pub closed: Vec<ClosedRegion>,
}

/// Where a job may run in one region: an eligible slot range shared by all
/// the region's pools, and the egress the job pays if it runs there.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct JobRegion {
    /// Region index.
    pub region: usize,
    /// First eligible slot.
    pub first_slot: usize,
    /// One past the last eligible slot.
    pub end_slot: usize,
    /// Transfer time of the input in seconds (0 at the origin).
    pub transfer_seconds: f64,
    /// `D_j · e(o→r) + O_j · e(r→o)` in $: the egress of doing all the work
    /// here. A Split job pays the share of it that its work here is of `W_j`.
    pub egress_usd: f64,
}

impl JobRegion {
    /// Whether slot `t` is eligible.
    pub fn contains(&self, t: usize) -> bool {
        self.first_slot <= t && t < self.end_slot
    }
}

impl JobInfo {
    /// Egress in $ per work unit done in window `w`: `egress(j, r) / W_j`.
    pub fn egress_usd_per_work(&self, w: &JobRegion) -> f64 {
        w.egress_usd / self.work
    }

    /// The window of region `r`, if the job may run there.
    pub fn window(&self, r: usize) -> Option<&JobRegion> {
        self.windows.iter().find(|w| w.region == r)
    }
}

impl Problem {
    /// Checks `scenario` against [the model](crate::spec) and builds the slot-indexed form.
    ///
    /// Errors name the entity, field and value at fault. A job that cannot
    /// run anywhere is not an input error: it has no windows, and every
    /// scheduler reports it as infeasible with the reasons in
    /// [`JobInfo::closed`].
    ///
    /// # Errors
    ///
    /// An [`InputError`] naming the entity, field and value at fault: a number
    /// out of range, a duplicate id, an unknown region, a series of the wrong
    /// length or not covering the horizon, a deadline not after the release, a
    /// scenario too large. A job with no eligible cell is *not* an error here.
    pub fn new(scenario: &Scenario) -> Result<Problem, InputError> {
        let h = &scenario.horizon;
        if h.slots == 0 {
            return Err(InputError::EmptyHorizon {
                field: "slots",
                value: 0,
            });
        }
        if h.slots > MAX_SLOTS {
            return Err(InputError::TooLarge {
                what: "horizon.slots",
                value: h.slots,
                max: MAX_SLOTS,
            });
        }
        let cells = (scenario.pools.len() + scenario.regions.len()).saturating_mul(h.slots);
        if cells > MAX_CELLS {
            return Err(InputError::TooLarge {
                what: "(pools + regions) × slots",
                value: cells,
                max: MAX_CELLS,
            });
        }
        if h.slot_seconds == 0 {
            return Err(InputError::EmptyHorizon {
                field: "slot_seconds",
                value: 0,
            });
        }
        let hours = h.slot_hours();
        check(
            Entity::Scenario,
            "",
            "carbon_price_usd_per_t",
            scenario.carbon_price_usd_per_t,
            Rule::NonNegative,
        )?;
        let pi = scenario.carbon_price_usd_per_t;

        // Regions.
        let mut region_index: HashMap<&str, usize> = HashMap::new();
        let mut regions = Vec::with_capacity(scenario.regions.len());
        for (i, r) in scenario.regions.iter().enumerate() {
            if region_index.insert(r.id.as_str(), i).is_some() {
                return Err(InputError::DuplicateId {
                    entity: Entity::Region,
                    id: r.id.clone(),
                });
            }
            check(Entity::Region, &r.id, "pue", r.pue, Rule::AtLeastOne)?;
            let price = series(
                h,
                Entity::Region,
                &r.id,
                "price_usd_per_mwh",
                &r.price_usd_per_mwh,
                Rule::Finite,
            )?;
            let carbon = series(
                h,
                Entity::Region,
                &r.id,
                "carbon_g_per_kwh",
                &r.carbon_g_per_kwh,
                Rule::NonNegative,
            )?;
            if let Some(cap) = r.power_cap_kw {
                check(
                    Entity::Region,
                    &r.id,
                    "power_cap_kw",
                    cap,
                    Rule::NonNegative,
                )?;
            }
            regions.push(RegionInfo {
                id: r.id.clone(),
                pue: r.pue,
                price_usd_per_mwh: price,
                carbon_g_per_kwh: carbon,
                power_cap_kwh_per_slot: r.power_cap_kw.map(|c| c * hours),
                pools: Vec::new(),
            });
        }
        let find_region = |entity: Entity, id: &str, field: &'static str, value: &str| {
            region_index
                .get(value)
                .copied()
                .ok_or_else(|| InputError::UnknownRegion {
                    entity,
                    id: id.to_string(),
                    field,
                    value: value.to_string(),
                })
        };

        // Pools, and the cost of a server-hour in every slot.
        let mut pool_ids: HashMap<&str, ()> = HashMap::new();
        let mut pools = Vec::with_capacity(scenario.pools.len());
        for (k, p) in scenario.pools.iter().enumerate() {
            if pool_ids.insert(p.id.as_str(), ()).is_some() {
                return Err(InputError::DuplicateId {
                    entity: Entity::Pool,
                    id: p.id.clone(),
                });
            }
            let r = find_region(Entity::Pool, &p.id, "region", &p.region)?;
            let servers = series(
                h,
                Entity::Pool,
                &p.id,
                "servers",
                &p.servers,
                Rule::NonNegative,
            )?;
            check(
                Entity::Pool,
                &p.id,
                "rent_usd_per_hour",
                p.rent_usd_per_hour,
                Rule::NonNegative,
            )?;
            check(
                Entity::Pool,
                &p.id,
                "power_kw",
                p.power_kw,
                Rule::NonNegative,
            )?;
            check(Entity::Pool, &p.id, "speed", p.speed, Rule::Positive)?;
            let region = &mut regions[r];
            region.pools.push(k);
            let meter_kw = p.power_kw * region.pue;
            let cost: Vec<CellCost> = (0..h.slots)
                .map(|t| CellCost {
                    rent_usd: p.rent_usd_per_hour,
                    energy_usd: if p.rent_includes_energy {
                        0.0
                    } else {
                        meter_kw * region.price_usd_per_mwh[t] / 1000.0
                    },
                    carbon_usd: meter_kw * pi * region.carbon_g_per_kwh[t] / 1e6,
                    energy_mwh: meter_kw / 1000.0,
                    emissions_t: meter_kw * region.carbon_g_per_kwh[t] / 1e6,
                })
                .collect();
            let capacity_server_hours: Vec<f64> = servers.iter().map(|n| n * hours).collect();
            let overflow = |what: String| InputError::Overflow {
                entity: Entity::Pool,
                id: p.id.clone(),
                what,
            };
            let finite = |c: &CellCost| {
                c.total_usd().is_finite() && c.energy_mwh.is_finite() && c.emissions_t.is_finite()
            };
            if let Some(t) = cost.iter().position(|c| !finite(c)) {
                return Err(overflow(format!("the cost of a server-hour in slot {t}")));
            }
            if let Some(t) = capacity_server_hours.iter().position(|c| !c.is_finite()) {
                return Err(overflow(format!("the server-hours available in slot {t}")));
            }
            pools.push(PoolInfo {
                id: p.id.clone(),
                region: r,
                capacity_server_hours,
                speed: p.speed,
                meter_kwh_per_server_hour: meter_kw,
                cost,
            });
        }

        // Links: (from, to) -> (bandwidth, egress).
        let mut links: HashMap<(usize, usize), (f64, f64)> = HashMap::new();
        for l in &scenario.links {
            let name = format!("{}->{}", l.from, l.to);
            let a = find_region(Entity::Link, &name, "from", &l.from)?;
            let b = find_region(Entity::Link, &name, "to", &l.to)?;
            if a == b {
                return Err(InputError::BadReference {
                    entity: Entity::Link,
                    id: name,
                    field: "to",
                    problem: format!("= '{}' is the link's own source region", l.to),
                });
            }
            check(
                Entity::Link,
                &name,
                "bandwidth_gbps",
                l.bandwidth_gbps,
                Rule::Positive,
            )?;
            check(
                Entity::Link,
                &name,
                "egress_usd_per_gb",
                l.egress_usd_per_gb,
                Rule::NonNegative,
            )?;
            if links
                .insert((a, b), (l.bandwidth_gbps, l.egress_usd_per_gb))
                .is_some()
            {
                return Err(InputError::DuplicateId {
                    entity: Entity::Link,
                    id: name,
                });
            }
        }

        // Jobs and their windows.
        let mut job_ids: HashMap<&str, ()> = HashMap::new();
        let mut jobs = Vec::with_capacity(scenario.jobs.len());
        for j in &scenario.jobs {
            if job_ids.insert(j.id.as_str(), ()).is_some() {
                return Err(InputError::DuplicateId {
                    entity: Entity::Job,
                    id: j.id.clone(),
                });
            }
            let origin = find_region(Entity::Job, &j.id, "origin", &j.origin)?;
            check(Entity::Job, &j.id, "work", j.work, Rule::Positive)?;
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
            let release = j.release.unwrap_or(h.start);
            if j.deadline <= release {
                return Err(InputError::DeadlineNotAfterRelease {
                    id: j.id.clone(),
                    release,
                    deadline: j.deadline,
                });
            }
            let allowed: Vec<usize> = match &j.regions {
                None => (0..regions.len()).collect(),
                Some(list) => {
                    if list.is_empty() {
                        return Err(InputError::BadReference {
                            entity: Entity::Job,
                            id: j.id.clone(),
                            field: "regions",
                            problem:
                                "is empty: name at least one region, or leave it out to allow all"
                                    .into(),
                        });
                    }
                    let mut out = Vec::with_capacity(list.len());
                    for name in list {
                        let r = find_region(Entity::Job, &j.id, "regions", name)?;
                        if out.contains(&r) {
                            return Err(InputError::BadReference {
                                entity: Entity::Job,
                                id: j.id.clone(),
                                field: "regions",
                                problem: format!("names region '{name}' twice"),
                            });
                        }
                        out.push(r);
                    }
                    // File order, whatever the job's list order: windows,
                    // closed regions and Greedy's region ties follow it.
                    out.sort_unstable();
                    out
                }
            };
            let mut windows = Vec::new();
            let mut closed = Vec::new();
            for r in allowed {
                let route = if r == origin {
                    Ok((0.0, 0.0))
                } else {
                    route(&links, &regions, origin, r, j.input_gb, j.output_gb)
                };
                let why = match route {
                    Err(why) => Some(why),
                    Ok(_) if regions[r].pools.is_empty() => Some(ClosedBy::NoPool),
                    Ok((_, egress_usd)) if !(egress_usd / j.work).is_finite() => {
                        return Err(InputError::Overflow {
                            entity: Entity::Job,
                            id: j.id.clone(),
                            what: format!("the egress to region '{}' per work unit", regions[r].id),
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
                                });
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
                windows,
                closed,
            });
        }

        Ok(Problem {
            horizon: h.clone(),
            carbon_price_usd_per_t: pi,
            regions,
            pools,
            jobs,
        })
    }

    /// The horizon.
    pub fn horizon(&self) -> &Horizon {
        &self.horizon
    }
    /// Number of slots `T`.
    pub fn slots(&self) -> usize {
        self.horizon.slots
    }
    /// Slot length in hours `h`.
    pub fn slot_hours(&self) -> f64 {
        self.horizon.slot_hours()
    }
    /// Carbon price in $/tCO2e.
    pub fn carbon_price_usd_per_t(&self) -> f64 {
        self.carbon_price_usd_per_t
    }
    /// Regions, in file order.
    pub fn regions(&self) -> &[RegionInfo] {
        &self.regions
    }
    /// Pools, in file order.
    pub fn pools(&self) -> &[PoolInfo] {
        &self.pools
    }
    /// Jobs, in file order.
    pub fn jobs(&self) -> &[JobInfo] {
        &self.jobs
    }

    /// Job indices in earliest-deadline-first order, ties by file order.
    pub fn edf_order(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.jobs.len()).collect();
        order.sort_by_key(|&j| self.jobs[j].deadline); // stable: ties keep file order
        order
    }

    /// Whether job `j` may run on pool `k` in slot `t`, and if so its window
    /// in the pool's region.
    pub fn window(&self, j: usize, k: usize, t: usize) -> Option<&JobRegion> {
        let r = self.pools.get(k)?.region;
        self.jobs.get(j)?.window(r).filter(|w| w.contains(t))
    }

    /// Every eligible `(pool, slot)` of job `j` in window `w`, pools in file
    /// order within each slot.
    pub fn cells<'a>(&'a self, w: &'a JobRegion) -> impl Iterator<Item = (usize, usize)> + 'a {
        (w.first_slot..w.end_slot)
            .flat_map(move |t| self.regions[w.region].pools.iter().map(move |&k| (k, t)))
    }
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

/// Transfer time (s) and egress ($) for a job whose data lives in `o` to run
/// in `r != o`: needs a link `o -> r`, and `r -> o` when there is output.
fn route(
    links: &HashMap<(usize, usize), (f64, f64)>,
    regions: &[RegionInfo],
    o: usize,
    r: usize,
    input_gb: f64,
    output_gb: f64,
) -> Result<(f64, f64), ClosedBy> {
    let missing = |a: usize, b: usize| ClosedBy::Unreachable {
        from: regions[a].id.clone(),
        to: regions[b].id.clone(),
    };
    let &(bandwidth_gbps, out_price) = links.get(&(o, r)).ok_or_else(|| missing(o, r))?;
    let back_price = if output_gb > 0.0 {
        links.get(&(r, o)).ok_or_else(|| missing(r, o))?.1
    } else {
        0.0
    };
    let transfer_seconds = input_gb * 8.0 / bandwidth_gbps;
    Ok((
        transfer_seconds,
        input_gb * out_price + output_gb * back_price,
    ))
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
    Err(if latest < step {
        ClosedBy::DeadlineBeforeFirstSlot { deadline }
    } else if first >= slots {
        ClosedBy::StartAfterHorizon { earliest_start }
    } else {
        ClosedBy::TransferAfterDeadline {
            earliest_start,
            transfer_seconds,
            deadline,
        }
    })
}

#[derive(Clone, Copy)]
enum Rule {
    Finite,
    NonNegative,
    Positive,
    AtLeastOne,
}

fn check(entity: Entity, id: &str, field: &str, value: f64, rule: Rule) -> Result<(), InputError> {
    let (ok, text) = match rule {
        Rule::Finite => (value.is_finite(), "a finite number"),
        Rule::NonNegative => (value.is_finite() && value >= 0.0, "finite and >= 0"),
        Rule::Positive => (value.is_finite() && value > 0.0, "finite and > 0"),
        Rule::AtLeastOne => (value.is_finite() && value >= 1.0, "finite and >= 1"),
    };
    if ok {
        Ok(())
    } else {
        Err(InputError::OutOfRange {
            entity,
            id: id.to_string(),
            field: field.to_string(),
            value,
            rule: text,
        })
    }
}

/// Checks every raw value of a series and resamples it to slots.
fn series(
    h: &Horizon,
    entity: Entity,
    id: &str,
    field: &'static str,
    s: &Series,
    rule: Rule,
) -> Result<Vec<f64>, InputError> {
    let values = s.values();
    if let Series::Constant(v) = s {
        check(entity, id, field, *v, rule)?;
    } else {
        for (i, v) in values.iter().enumerate() {
            check(entity, id, &format!("{field}[{i}]"), *v, rule)?;
        }
    }
    s.resample(h).map_err(|fault| match fault {
        SeriesFault::Length { expected, got } => InputError::SeriesLength {
            entity,
            id: id.to_string(),
            field,
            expected,
            got,
        },
        SeriesFault::NoPoints => InputError::SeriesNotCovering {
            entity,
            id: id.to_string(),
            field,
            first: "none (no points)".into(),
            horizon_start: h.start,
        },
        SeriesFault::StartsAfterHorizon { first } => InputError::SeriesNotCovering {
            entity,
            id: id.to_string(),
            field,
            first: first.to_rfc3339(),
            horizon_start: h.start,
        },
        SeriesFault::OutOfOrder {
            index,
            previous,
            this,
        } => InputError::PointsOutOfOrder {
            entity,
            id: id.to_string(),
            field,
            index,
            previous,
            this,
        },
    })
}
