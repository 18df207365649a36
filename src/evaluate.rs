//! The one judge: checks any schedule against every constraint of MODEL.md
//! and prices it into a [`Report`]. It knows no scheduler.

use crate::error::{Constraint, ScheduleViolation};
use crate::scenario::Placement;
use crate::schedulers::Schedule;
use crate::text::{cut, num, MAX_SHOWN_ITEMS};
use crate::Problem;
use serde::{Deserialize, Serialize};

/// Relative tolerance of every check: a limit `L` is kept when the amount
/// is at most `L + TOLERANCE · max(1, |L|)`, and the work is done when it is
/// within `TOLERANCE · W` of `W`.
pub const TOLERANCE: f64 = 1e-6;

/// The priced result of a schedule, in the units of MODEL.md. Serialises to
/// the report JSON of MODEL.md.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Name of the scheduler that made the schedule.
    pub scheduler: String,
    /// rent + energy + carbon + egress, in $.
    pub total_usd: f64,
    /// Rent in $.
    pub rent_usd: f64,
    /// Energy bill in $ (energy paid by a rent is in the rent).
    pub energy_usd: f64,
    /// Carbon price paid in $.
    pub carbon_usd: f64,
    /// Egress in $.
    pub egress_usd: f64,
    /// Energy at the meter (IT load × PUE) in MWh.
    pub energy_mwh: f64,
    /// Emissions in tCO2e.
    pub emissions_t: f64,
    /// Per job, in file order.
    pub jobs: Vec<JobReport>,
    /// Every non-zero row, merged per (job, pool, slot) and sorted by job,
    /// slot, pool.
    pub assignments: Vec<AssignmentReport>,
    /// The optimum's proof: no plan costs less than this, in $. `None` for
    /// a heuristic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bound_usd: Option<f64>,
    /// `(total_usd - bound_usd) / max(1, |total_usd|)`: how far from the
    /// least total this plan can be, at most.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gap: Option<f64>,
    /// The gap is within the target the solve aimed for (1e-7 by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proven_optimal: Option<bool>,
    /// What stopped the search early (a time limit, a cancellation), if
    /// anything did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped: Option<crate::StopReason>,
}

/// One job's part of a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobReport {
    /// Job id.
    pub id: String,
    /// Everything this job costs, in $.
    pub cost_usd: f64,
    /// Rent in $.
    pub rent_usd: f64,
    /// Energy in $.
    pub energy_usd: f64,
    /// Carbon in $.
    pub carbon_usd: f64,
    /// Egress in $.
    pub egress_usd: f64,
    /// Ids of the regions it runs in, in file order.
    pub regions: Vec<String>,
    /// First slot with work.
    pub first_slot: usize,
    /// Last slot with work.
    pub last_slot: usize,
}

/// One row of a report, with ids instead of indices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssignmentReport {
    /// Job id.
    pub job: String,
    /// Pool id.
    pub pool: String,
    /// Slot index.
    pub slot: usize,
    /// Server-hours.
    pub server_hours: f64,
}

/// What the evaluator adds up per job while it reads the rows.
#[derive(Clone, Default)]
struct JobSums {
    /// Work units done.
    work_done: f64,
    /// Work units per region, in row order (a region may repeat).
    work_in_region: Vec<(usize, f64)>,
    /// The first slot over the job's parallelism, and its server-hours.
    too_parallel: Option<(usize, f64)>,
}

impl JobSums {
    /// Records the server-hours `used` of the job in slot `t`.
    fn slot_done(&mut self, t: usize, used: f64, limit: f64) {
        if self.too_parallel.is_none() && !within(used, limit) {
            self.too_parallel = Some((t, used));
        }
        // Keep the per-region list short: merge a run of one region.
        if self.work_in_region.len() > 64 {
            self.work_in_region.sort_by_key(|&(r, _)| r);
            let mut merged: Vec<(usize, f64)> = Vec::new();
            for &(r, w) in &self.work_in_region {
                match merged.last_mut() {
                    Some((r0, w0)) if *r0 == r => *w0 += w,
                    _ => merged.push((r, w)),
                }
            }
            self.work_in_region = merged;
        }
    }
}

/// The rows of `schedule` merged per cell, sorted by job, slot and pool;
/// rows of the same cell are added in the order given, and cells of no
/// server-hours are dropped.
fn merge(schedule: &Schedule) -> Vec<((usize, usize, usize), f64)> {
    let mut rows: Vec<((usize, usize, usize), f64)> = schedule
        .assignments
        .iter()
        .map(|a| ((a.job, a.slot, a.pool), a.server_hours))
        .collect();
    rows.sort_by_key(|&(key, _)| key); // stable: a cell's rows keep their order
    let mut merged: Vec<((usize, usize, usize), f64)> = Vec::with_capacity(rows.len());
    for (key, x) in rows {
        match merged.last_mut() {
            Some((k0, sum)) if *k0 == key => *sum += x,
            _ => merged.push((key, 0.0 + x)),
        }
    }
    merged.retain(|&(_, x)| x > 0.0);
    merged
}

fn within(amount: f64, limit: f64) -> bool {
    amount <= limit + TOLERANCE * limit.abs().max(1.0)
}

/// Checks `schedule` against every constraint of MODEL.md and prices it.
///
/// The first broken constraint is returned as a [`ScheduleViolation`] that
/// names it, where (job, pool, region, slot) and the amounts.
pub fn evaluate(
    problem: &Problem,
    scheduler: &str,
    schedule: &Schedule,
) -> Result<Report, ScheduleViolation> {
    let p = problem;
    let slots = p.slots();
    let (n_jobs, n_pools) = (p.jobs().len(), p.pools().len());
    let violation = |constraint, location: String, detail: String| ScheduleViolation {
        constraint,
        location,
        detail,
    };

    // Check indices, signs and eligibility, row by row.
    for a in &schedule.assignments {
        if a.job >= n_jobs || a.pool >= n_pools || a.slot >= slots {
            return Err(violation(
                Constraint::Index,
                format!("job #{}, pool #{}, slot {}", a.job, a.pool, a.slot),
                format!("the problem has {n_jobs} jobs, {n_pools} pools, {slots} slots"),
            ));
        }
        let here = || {
            format!(
                "job '{}', pool '{}', slot {}",
                cut(&p.jobs()[a.job].id),
                cut(&p.pools()[a.pool].id),
                a.slot
            )
        };
        if !(a.server_hours.is_finite() && a.server_hours >= 0.0) {
            return Err(violation(
                Constraint::NonNegative,
                here(),
                format!("server_hours = {}", num(a.server_hours)),
            ));
        }
        if a.server_hours > 0.0 && p.window(a.job, a.pool, a.slot).is_none() {
            return Err(violation(
                Constraint::Eligibility,
                here(),
                format!(
                    "{} server-hours in a cell the job may not use",
                    num(a.server_hours)
                ),
            ));
        }
    }
    let merged = merge(schedule);

    // Everything below is dense per pool and slot (bounded by MAX_CELLS)
    // or sparse per row: nothing is allocated per job × slot or
    // job × region, which 100,000 jobs would make unbounded.
    let mut pool_used = vec![0.0; n_pools * slots];
    let mut region_kwh: Vec<Option<Vec<f64>>> = p
        .regions()
        .iter()
        .map(|r| r.power_cap_kwh_per_slot.map(|_| vec![0.0; slots]))
        .collect();
    let mut sums: Vec<JobSums> = vec![JobSums::default(); n_jobs];
    let mut jobs: Vec<JobReport> = p
        .jobs()
        .iter()
        .map(|j| JobReport {
            id: j.id.clone(),
            cost_usd: 0.0,
            rent_usd: 0.0,
            energy_usd: 0.0,
            carbon_usd: 0.0,
            egress_usd: 0.0,
            regions: Vec::new(),
            first_slot: usize::MAX,
            last_slot: 0,
        })
        .collect();
    let (mut energy_mwh, mut emissions_t) = (0.0, 0.0);
    let mut assignments = Vec::with_capacity(merged.len());
    // Server-hours of the current (job, slot), for the parallelism check.
    let mut in_slot: Option<(usize, usize, f64)> = None;
    for &((j, t, k), x) in &merged {
        let pool = &p.pools()[k];
        pool_used[k * slots + t] += x;
        if let Some(kwh) = &mut region_kwh[pool.region] {
            kwh[t] += x * pool.meter_kwh_per_server_hour;
        }
        in_slot = match in_slot {
            Some((j0, t0, used)) if (j0, t0) == (j, t) => Some((j, t, used + x)),
            other => {
                if let Some((j0, t0, used)) = other {
                    sums[j0].slot_done(t0, used, p.jobs()[j0].max_server_hours_per_slot);
                }
                Some((j, t, x))
            }
        };
        let js = &mut sums[j];
        js.work_done += x * pool.speed;
        match js.work_in_region.last_mut() {
            Some((r, w)) if *r == pool.region => *w += x * pool.speed,
            _ => js.work_in_region.push((pool.region, x * pool.speed)),
        }
        let c = &pool.cost[t];
        let jr = &mut jobs[j];
        jr.rent_usd += x * c.rent_usd;
        jr.energy_usd += x * c.energy_usd;
        jr.carbon_usd += x * c.carbon_usd;
        jr.first_slot = jr.first_slot.min(t);
        jr.last_slot = jr.last_slot.max(t);
        energy_mwh += x * c.energy_mwh;
        emissions_t += x * c.emissions_t;
        assignments.push(AssignmentReport {
            job: p.jobs()[j].id.clone(),
            pool: pool.id.clone(),
            slot: t,
            server_hours: x,
        });
    }
    if let Some((j0, t0, used)) = in_slot {
        sums[j0].slot_done(t0, used, p.jobs()[j0].max_server_hours_per_slot);
    }

    for (k, pool) in p.pools().iter().enumerate() {
        for t in 0..slots {
            let (used, limit) = (pool_used[k * slots + t], pool.capacity_server_hours[t]);
            if !within(used, limit) {
                return Err(violation(
                    Constraint::Capacity,
                    format!("pool '{}', slot {t}", cut(&pool.id)),
                    format!("{} server-hours used, {} available", num(used), num(limit)),
                ));
            }
        }
    }
    for (region, kwh) in p.regions().iter().zip(&region_kwh) {
        if let (Some(cap), Some(kwh)) = (region.power_cap_kwh_per_slot, kwh) {
            for (t, &used) in kwh.iter().enumerate() {
                if !within(used, cap) {
                    return Err(violation(
                        Constraint::PowerCap,
                        format!("region '{}', slot {t}", cut(&region.id)),
                        format!(
                            "{} kWh at the meter, cap {} kWh per slot",
                            num(used),
                            num(cap)
                        ),
                    ));
                }
            }
        }
    }
    for (j, job) in p.jobs().iter().enumerate() {
        let js = &mut sums[j];
        if let Some((t, used)) = js.too_parallel {
            return Err(violation(
                Constraint::Parallelism,
                format!("job '{}', slot {t}", cut(&job.id)),
                format!(
                    "{} server-hours, at most {} per slot",
                    num(used),
                    num(job.max_server_hours_per_slot)
                ),
            ));
        }
        if (js.work_done - job.work).abs() > TOLERANCE * job.work {
            return Err(violation(
                Constraint::Work,
                format!("job '{}'", cut(&job.id)),
                format!(
                    "{} work units done, {} required",
                    num(js.work_done),
                    num(job.work)
                ),
            ));
        }
        // Regions with work, in file order (rows come sorted by slot, so a
        // job's regions may repeat and interleave).
        js.work_in_region.sort_by_key(|&(r, _)| r);
        let mut used: Vec<(usize, f64)> = Vec::new();
        for &(r, w) in &js.work_in_region {
            match used.last_mut() {
                Some((r0, w0)) if *r0 == r => *w0 += w,
                _ => used.push((r, w)),
            }
        }
        used.retain(|&(_, w)| w > 0.0);
        if job.placement == Placement::Whole && used.len() > 1 {
            let names: Vec<String> = used
                .iter()
                .take(MAX_SHOWN_ITEMS)
                .map(|&(r, _)| cut(&p.regions()[r].id).to_string())
                .collect();
            return Err(violation(
                Constraint::WholePlacement,
                format!("job '{}'", cut(&job.id)),
                format!("runs in {} regions: {}", used.len(), names.join(", ")),
            ));
        }
        // Egress: in proportion to the work done in each region (a Whole
        // job has all of it in one region and pays that region's egress).
        let jr = &mut jobs[j];
        for &(r, work_here) in &used {
            // Every region with work has a window: eligibility was checked.
            if let Some(w) = job.window(r) {
                jr.egress_usd += match job.placement {
                    Placement::Whole => w.egress_usd,
                    Placement::Split => work_here / job.work * w.egress_usd,
                };
            }
        }
        jr.regions = used
            .iter()
            .map(|&(r, _)| p.regions()[r].id.clone())
            .collect();
        jr.cost_usd = jr.rent_usd + jr.energy_usd + jr.carbon_usd + jr.egress_usd;
    }

    // fold from +0.0: `sum` of no terms is -0.0, which would print as such.
    let sum = |f: fn(&JobReport) -> f64| jobs.iter().map(f).fold(0.0, |a, b| a + b);
    let (rent_usd, energy_usd, carbon_usd, egress_usd) = (
        sum(|j| j.rent_usd),
        sum(|j| j.energy_usd),
        sum(|j| j.carbon_usd),
        sum(|j| j.egress_usd),
    );
    let total_usd = rent_usd + energy_usd + carbon_usd + egress_usd;
    // The proof's bound is on the model's objective; the evaluator's total
    // is the one reported, and a bound is never above a plan's total.
    let proof = schedule.proof.as_ref();
    Ok(Report {
        scheduler: scheduler.to_string(),
        total_usd,
        rent_usd,
        energy_usd,
        carbon_usd,
        egress_usd,
        energy_mwh,
        emissions_t,
        jobs,
        assignments,
        bound_usd: proof.map(|pr| pr.bound_usd.min(total_usd)),
        gap: proof.map(|pr| pr.gap(total_usd)),
        proven_optimal: proof.map(|pr| pr.proven(total_usd)),
        stopped: proof.and_then(|pr| pr.stopped),
    })
}
