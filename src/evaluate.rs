//! The one judge: checks any schedule against every constraint of MODEL.md
//! and prices it into a [`Report`]. It knows no scheduler.

use crate::error::{Constraint, ScheduleViolation};
use crate::scenario::Placement;
use crate::schedulers::Schedule;
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
    let (n_jobs, n_pools, n_regions) = (p.jobs().len(), p.pools().len(), p.regions().len());
    let violation = |constraint, location: String, detail: String| ScheduleViolation {
        constraint,
        location,
        detail,
    };

    // Merge rows per cell; check indices, signs and eligibility.
    let mut merged: std::collections::BTreeMap<(usize, usize, usize), f64> = Default::default();
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
                p.jobs()[a.job].id,
                p.pools()[a.pool].id,
                a.slot
            )
        };
        if !(a.server_hours.is_finite() && a.server_hours >= 0.0) {
            return Err(violation(
                Constraint::NonNegative,
                here(),
                format!("server_hours = {}", a.server_hours),
            ));
        }
        if a.server_hours > 0.0 && p.window(a.job, a.pool, a.slot).is_none() {
            return Err(violation(
                Constraint::Eligibility,
                here(),
                format!(
                    "{} server-hours in a cell the job may not use",
                    a.server_hours
                ),
            ));
        }
        *merged.entry((a.job, a.slot, a.pool)).or_default() += a.server_hours;
    }
    merged.retain(|_, x| *x > 0.0);

    let mut pool_used = vec![0.0; n_pools * slots];
    let mut region_kwh = vec![0.0; n_regions * slots];
    let mut job_slot = vec![0.0; n_jobs * slots];
    let mut work_done = vec![0.0; n_jobs];
    let mut work_in_region = vec![0.0; n_jobs * n_regions];
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
    for (&(j, t, k), &x) in &merged {
        let pool = &p.pools()[k];
        pool_used[k * slots + t] += x;
        region_kwh[pool.region * slots + t] += x * pool.meter_kwh_per_server_hour;
        job_slot[j * slots + t] += x;
        work_done[j] += x * pool.speed;
        work_in_region[j * n_regions + pool.region] += x * pool.speed;
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

    for (k, pool) in p.pools().iter().enumerate() {
        for t in 0..slots {
            let (used, limit) = (pool_used[k * slots + t], pool.capacity_server_hours[t]);
            if !within(used, limit) {
                return Err(violation(
                    Constraint::Capacity,
                    format!("pool '{}', slot {t}", pool.id),
                    format!("{used} server-hours used, {limit} available"),
                ));
            }
        }
    }
    for (r, region) in p.regions().iter().enumerate() {
        if let Some(cap) = region.power_cap_kwh_per_slot {
            for t in 0..slots {
                let used = region_kwh[r * slots + t];
                if !within(used, cap) {
                    return Err(violation(
                        Constraint::PowerCap,
                        format!("region '{}', slot {t}", region.id),
                        format!("{used} kWh at the meter, cap {cap} kWh per slot"),
                    ));
                }
            }
        }
    }
    for (j, job) in p.jobs().iter().enumerate() {
        for t in 0..slots {
            let used = job_slot[j * slots + t];
            if !within(used, job.max_server_hours_per_slot) {
                return Err(violation(
                    Constraint::Parallelism,
                    format!("job '{}', slot {t}", job.id),
                    format!(
                        "{used} server-hours, at most {} per slot",
                        job.max_server_hours_per_slot
                    ),
                ));
            }
        }
        if (work_done[j] - job.work).abs() > TOLERANCE * job.work {
            return Err(violation(
                Constraint::Work,
                format!("job '{}'", job.id),
                format!("{} work units done, {} required", work_done[j], job.work),
            ));
        }
        let used: Vec<usize> = (0..n_regions)
            .filter(|&r| work_in_region[j * n_regions + r] > 0.0)
            .collect();
        if job.placement == Placement::Whole && used.len() > 1 {
            let names: Vec<&str> = used.iter().map(|&r| p.regions()[r].id.as_str()).collect();
            return Err(violation(
                Constraint::WholePlacement,
                format!("job '{}'", job.id),
                format!("runs in {} regions: {}", used.len(), names.join(", ")),
            ));
        }
        // Egress: in proportion to the work done in each region (a Whole
        // job has all of it in one region and pays that region's egress).
        let jr = &mut jobs[j];
        for &r in &used {
            // Every region with work has a window: eligibility was checked.
            if let Some(w) = job.window(r) {
                jr.egress_usd += match job.placement {
                    Placement::Whole => w.egress_usd,
                    Placement::Split => work_in_region[j * n_regions + r] / job.work * w.egress_usd,
                };
            }
        }
        jr.regions = used.iter().map(|&r| p.regions()[r].id.clone()).collect();
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
