//! The one judge: checks any schedule against every constraint of [the
//! model](crate::spec) and prices it into a [`Report`]. It knows no scheduler.

use crate::evaluate::violation::{Constraint, ScheduleViolation};
use crate::goal::Goal;
use crate::problem::Problem;
use crate::scenario::Placement;
use crate::schedule::{Proof, Schedule};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub(crate) mod violation;

pub use crate::limits::TOLERANCE;

/// The priced result of a schedule, in the units of [the model](crate::spec).
/// Serialises to the report JSON it describes.
///
/// Jobs and pools are named by id and slots carry their start instant, so
/// a report reads without the problem beside it: [`Report::job`] finds a
/// job's part by id, [`Report::assignments_of`] its rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Report {
    /// Name of the scheduler that made the schedule.
    pub scheduler: String,
    /// rent + energy + carbon + egress + unmet, in $.
    pub total_usd: f64,
    /// Rent in $.
    pub rent_usd: f64,
    /// Energy bill in $ (energy paid by a rent is in the rent).
    pub energy_usd: f64,
    /// Carbon price paid in $.
    pub carbon_usd: f64,
    /// Egress in $.
    pub egress_usd: f64,
    /// The price of work left undone, in $: for each job with an
    /// [`unmet_usd_per_work`](crate::Job::unmet_usd_per_work), that price
    /// times its [`JobReport::unmet_work`]. Not money spent, but what the
    /// plan's owner said undone work is worth; 0 when all work is done.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unmet_usd: f64,
    /// Energy at the meter (IT load × PUE) in MWh.
    pub energy_mwh: f64,
    /// Emissions in tCO2e.
    pub emissions_t: f64,
    /// Share of all work (in work units) done on pools that can be
    /// interrupted (`interruption_rate_per_hour > 0`), from 0 to 1. When it
    /// is above 0, every cost above is an expected value: the work lost to
    /// interruptions is paid for but not counted as done.
    #[serde(default)]
    pub risky_work_share: f64,
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
    pub stopped: Option<crate::limits::StopReason>,
}

/// One job's part of a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
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
    /// Work units left undone (only a job with a price for undone work may
    /// leave any).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unmet_work: f64,
    /// `unmet_work` at the job's price, in $.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unmet_usd: f64,
    /// Share of its work done on pools that can be interrupted, from 0
    /// to 1 (its costs are expected values when above 0).
    #[serde(default)]
    pub risky_work_share: f64,
    /// Ids of the regions it runs in, in file order.
    pub regions: Vec<String>,
    /// First slot with work (0 for a job with no work done, whose
    /// `regions` is empty).
    pub first_slot: usize,
    /// Last slot with work (0 for a job with no work done).
    pub last_slot: usize,
    /// The instant the first slot with work starts (the horizon start
    /// for a job with no work done, with `end` equal to it).
    pub start: DateTime<Utc>,
    /// The instant the last slot with work ends.
    pub end: DateTime<Utc>,
}

fn is_zero(v: &f64) -> bool {
    *v == 0.0
}

/// One row of a report, with ids instead of indices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AssignmentReport {
    /// Job id.
    pub job: String,
    /// Pool id.
    pub pool: String,
    /// Slot index.
    pub slot: usize,
    /// The instant the slot starts.
    pub start: DateTime<Utc>,
    /// Server-hours.
    pub server_hours: f64,
}

impl Report {
    /// The part of the report about the job with this id.
    pub fn job(&self, id: &str) -> Option<&JobReport> {
        self.jobs.iter().find(|j| j.id == id)
    }

    /// The rows of the job with this id, by slot then pool.
    pub fn assignments_of<'a>(
        &'a self,
        job: &'a str,
    ) -> impl Iterator<Item = &'a AssignmentReport> + 'a {
        self.assignments.iter().filter(move |a| a.job == job)
    }
}

fn within(amount: f64, limit: f64) -> bool {
    amount <= limit + TOLERANCE * limit.abs().max(1.0)
}

/// Checks `schedule` against every constraint of [the model](crate::spec)
/// and prices it.
///
/// The steps, in order: check each row (index, sign, eligibility), merge
/// the rows per cell, tally what each cell uses and costs, check capacity
/// and power caps, then per job check parallelism, work and whole
/// placement and price its egress. Memory is dense per pool and slot
/// (bounded by [`crate::MAX_CELLS`]) or sparse per row, never per job ×
/// slot.
///
/// # Errors
///
/// The first broken constraint, as a [`ScheduleViolation`] that names it,
/// where (job, pool, region, slot) and the amount against its limit.
pub fn evaluate(
    problem: &Problem,
    scheduler: &str,
    schedule: &Schedule,
) -> Result<Report, crate::error::Error> {
    Ok(judge(problem, scheduler, schedule)?)
}

/// [`evaluate`], with the broken rule as its own type (the engine and the
/// re-plan read where it broke).
pub(crate) fn judge(
    problem: &Problem,
    scheduler: &str,
    schedule: &Schedule,
) -> Result<Report, ScheduleViolation> {
    check_rows(problem, schedule)?;
    let mut tally = Tally::new(problem);
    for ((j, t, k), x) in merge(schedule) {
        tally.add(problem, j, k, t, x);
    }
    tally.close_slot(problem);
    check_capacity(problem, &tally)?;
    check_power_caps(problem, &tally)?;
    for j in 0..problem.jobs().len() {
        let used = check_job(problem, &mut tally, j)?;
        price_egress(problem, &mut tally, j, &used);
    }
    Ok(tally.into_report(scheduler, schedule.proof.as_ref()))
}

/// Rejects a row that names a job, pool or slot the problem does not have,
/// a negative or non-finite amount, and work in a cell that is not
/// eligible.
fn check_rows(p: &Problem, schedule: &Schedule) -> Result<(), ScheduleViolation> {
    for a in &schedule.assignments {
        let (Some(job), Some(pool)) = (p.jobs().get(a.job), p.pools().get(a.pool)) else {
            return Err(row_violation(Constraint::Index, a, None));
        };
        if a.slot >= p.slots() {
            return Err(row_violation(Constraint::Index, a, None));
        }
        let ids = Some((job.id.as_str(), pool.id.as_str()));
        if !(a.server_hours.is_finite() && a.server_hours >= 0.0) {
            return Err(row_violation(Constraint::NonNegative, a, ids));
        }
        if a.server_hours > 0.0 && p.window(a.job, a.pool, a.slot).is_none() {
            return Err(row_violation(Constraint::Eligibility, a, ids));
        }
    }
    Ok(())
}

/// A violation found on one row, with its job and pool ids when they exist.
fn row_violation(
    constraint: Constraint,
    a: &crate::schedule::Assignment,
    ids: Option<(&str, &str)>,
) -> ScheduleViolation {
    let mut v = ScheduleViolation::new(constraint, a.server_hours, 0.0);
    v.row = Some(Box::new(*a));
    if let Some((job, pool)) = ids {
        v.job = Some(job.to_string());
        v.pool = Some(pool.to_string());
        v.slot = Some(a.slot);
    }
    v
}

/// What the evaluator adds up per job while it reads the rows.
#[derive(Clone, Default)]
struct JobSums {
    /// Work units done.
    work_done: f64,
    /// Work units done on pools that can be interrupted.
    risky_work: f64,
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

/// What the merged cells use and cost: per pool and slot, per capped
/// region and slot, and per job; the sums every later check and the report
/// read.
struct Tally {
    slots: usize,
    /// Server-hours per pool and slot.
    pool_used: Vec<f64>,
    /// kWh at the meter per slot, for each region with a power cap.
    region_kwh: Vec<Option<Vec<f64>>>,
    /// Per job: work done, per region, and the parallelism check.
    sums: Vec<JobSums>,
    /// Server-hours of the current (job, slot), for the parallelism check.
    in_slot: Option<(usize, usize, f64)>,
    jobs: Vec<JobReport>,
    energy_mwh: f64,
    emissions_t: f64,
    assignments: Vec<AssignmentReport>,
}

impl Tally {
    fn new(p: &Problem) -> Self {
        let slots = p.slots();
        Tally {
            slots,
            pool_used: vec![0.0; p.pools().len() * slots],
            region_kwh: p
                .regions()
                .iter()
                .map(|r| r.power_cap_kwh_per_slot.map(|_| vec![0.0; slots]))
                .collect(),
            sums: vec![JobSums::default(); p.jobs().len()],
            in_slot: None,
            jobs: p
                .jobs()
                .iter()
                .map(|j| JobReport {
                    id: j.id.clone(),
                    cost_usd: 0.0,
                    rent_usd: 0.0,
                    energy_usd: 0.0,
                    carbon_usd: 0.0,
                    egress_usd: 0.0,
                    unmet_work: 0.0,
                    unmet_usd: 0.0,
                    risky_work_share: 0.0,
                    regions: Vec::new(),
                    first_slot: usize::MAX,
                    last_slot: 0,
                    start: p.instant(0),
                    end: p.instant(0),
                })
                .collect(),
            energy_mwh: 0.0,
            emissions_t: 0.0,
            assignments: Vec::new(),
        }
    }

    /// Counts `x` server-hours of job `j` on pool `k` in slot `t`, and
    /// prices them at the cell's cost (rent, energy, carbon). Cells come in
    /// the order of [`merge`]: by job, slot, pool.
    fn add(&mut self, p: &Problem, j: usize, k: usize, t: usize, x: f64) {
        let pool = &p.pools()[k];
        self.pool_used[k * self.slots + t] += x;
        if let Some(kwh) = &mut self.region_kwh[pool.region] {
            kwh[t] += x * pool.meter_kwh_per_server_hour;
        }
        match self.in_slot {
            Some((j0, t0, used)) if (j0, t0) == (j, t) => self.in_slot = Some((j, t, used + x)),
            _ => {
                self.close_slot(p);
                self.in_slot = Some((j, t, x));
            }
        }
        let js = &mut self.sums[j];
        let work = x * p.work_rate(j, k);
        js.work_done += work;
        if p.is_risky(k) {
            js.risky_work += work;
        }
        match js.work_in_region.last_mut() {
            Some((r, w)) if *r == pool.region => *w += work,
            _ => js.work_in_region.push((pool.region, work)),
        }
        let c = &pool.cost[t];
        let jr = &mut self.jobs[j];
        jr.rent_usd += x * c.rent_usd;
        jr.energy_usd += x * c.energy_usd;
        jr.carbon_usd += x * c.carbon_usd;
        jr.first_slot = jr.first_slot.min(t);
        jr.last_slot = jr.last_slot.max(t);
        jr.start = p.instant(jr.first_slot);
        jr.end = p.instant(jr.last_slot + 1);
        self.energy_mwh += x * c.energy_mwh;
        self.emissions_t += x * c.emissions_t;
        self.assignments.push(AssignmentReport {
            job: p.jobs()[j].id.clone(),
            pool: pool.id.clone(),
            slot: t,
            start: p.instant(t),
            server_hours: x,
        });
    }

    /// Hands the server-hours of the (job, slot) just read to its
    /// parallelism check.
    fn close_slot(&mut self, p: &Problem) {
        if let Some((j0, t0, used)) = self.in_slot.take() {
            self.sums[j0].slot_done(t0, used, p.jobs()[j0].max_server_hours_per_slot);
        }
    }

    /// The report: the per-job sums added up, from +0.0 (a `sum` of no
    /// terms is -0.0, which would print as such).
    /// The report; `proof` (the optimum's) gives its bound and gap. The
    /// proof's bound is on the model's objective; the evaluator's total is
    /// the one reported, and a bound is never above a plan's total.
    fn into_report(self, scheduler: &str, proof: Option<&Proof>) -> Report {
        let jobs = self.jobs;
        let sum = |f: fn(&JobReport) -> f64| jobs.iter().map(f).fold(0.0, |a, b| a + b);
        let (rent_usd, energy_usd, carbon_usd, egress_usd, unmet_usd) = (
            sum(|j| j.rent_usd),
            sum(|j| j.energy_usd),
            sum(|j| j.carbon_usd),
            sum(|j| j.egress_usd),
            sum(|j| j.unmet_usd),
        );
        let total_usd = rent_usd + energy_usd + carbon_usd + egress_usd + unmet_usd;
        let done = |f: fn(&JobSums) -> f64| self.sums.iter().map(f).fold(0.0, |a, b| a + b);
        let (risky, all) = (done(|s| s.risky_work), done(|s| s.work_done));
        let risky_work_share = if all > 0.0 { risky / all } else { 0.0 };
        Report {
            scheduler: scheduler.to_string(),
            total_usd,
            rent_usd,
            energy_usd,
            carbon_usd,
            egress_usd,
            unmet_usd,
            energy_mwh: self.energy_mwh,
            emissions_t: self.emissions_t,
            risky_work_share,
            jobs,
            assignments: self.assignments,
            bound_usd: proof.map(|pr| pr.bound_usd.min(total_usd)),
            gap: proof.map(|pr| pr.gap(total_usd)),
            proven_optimal: proof.map(|pr| pr.proven(total_usd)),
            stopped: proof.and_then(|pr| pr.stopped),
        }
    }
}

/// Constraint 1: each pool's server-hours in each slot within its capacity.
fn check_capacity(p: &Problem, tally: &Tally) -> Result<(), ScheduleViolation> {
    let slots = p.slots();
    for (k, pool) in p.pools().iter().enumerate() {
        for t in 0..slots {
            let (used, limit) = (
                tally.pool_used[k * slots + t],
                pool.capacity_server_hours[t],
            );
            if !within(used, limit) {
                let mut v = ScheduleViolation::new(Constraint::Capacity, used, limit);
                v.pool = Some(pool.id.clone());
                v.slot = Some(t);
                return Err(v);
            }
        }
    }
    Ok(())
}

/// Constraint 4: each capped region's energy at the meter in each slot
/// within its cap.
fn check_power_caps(p: &Problem, tally: &Tally) -> Result<(), ScheduleViolation> {
    for (region, kwh) in p.regions().iter().zip(&tally.region_kwh) {
        let (Some(cap), Some(kwh)) = (region.power_cap_kwh_per_slot, kwh) else {
            continue;
        };
        for (t, &used) in kwh.iter().enumerate() {
            if !within(used, cap) {
                let mut v = ScheduleViolation::new(Constraint::PowerCap, used, cap);
                v.regions = vec![region.id.clone()];
                v.slot = Some(t);
                return Err(v);
            }
        }
    }
    Ok(())
}

/// Constraints 2, 3 and 5 for job `j`: its server-hours in each slot within
/// its parallelism, its work done, a `Whole` job in one region, and a
/// `Split` job in at most `max_regions` regions. Gives
/// the regions it runs in, in file order, with the work done in each.
fn check_job(
    p: &Problem,
    tally: &mut Tally,
    j: usize,
) -> Result<Vec<(usize, f64)>, ScheduleViolation> {
    let job = &p.jobs()[j];
    let js = &mut tally.sums[j];
    let with_job = |mut v: ScheduleViolation| {
        v.job = Some(job.id.clone());
        v
    };
    if let Some((t, used)) = js.too_parallel {
        let mut v =
            ScheduleViolation::new(Constraint::Parallelism, used, job.max_server_hours_per_slot);
        v.slot = Some(t);
        return Err(with_job(v));
    }
    let short = job.work - js.work_done;
    let unfinished = short > TOLERANCE * job.work && !job.may_fall_short();
    if unfinished || -short > TOLERANCE * job.work {
        let v = ScheduleViolation::new(Constraint::Work, js.work_done, job.work);
        return Err(with_job(v));
    }
    if short > TOLERANCE * job.work {
        // A job with a price for undone work: the shortfall is priced.
        let jr = &mut tally.jobs[j];
        jr.unmet_work = short;
        jr.unmet_usd = job.unmet_usd(short);
    }
    let js = &mut tally.sums[j];
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
        let mut v = ScheduleViolation::new(Constraint::WholePlacement, used.len() as f64, 1.0);
        v.regions = used
            .iter()
            .map(|&(r, _)| p.regions()[r].id.clone())
            .collect();
        return Err(with_job(v));
    }
    if let Some(most) = job.max_regions {
        // A region counts once the job's work there is above the
        // tolerance of its work; regions a re-plan's history opened count
        // whatever the rest of the plan does.
        let mut counted: Vec<usize> = used
            .iter()
            .filter(|&&(_, w)| w > TOLERANCE * job.work)
            .map(|&(r, _)| r)
            .chain(job.opened_regions.iter().copied())
            .collect();
        counted.sort_unstable();
        counted.dedup();
        if counted.len() > most {
            let mut v =
                ScheduleViolation::new(Constraint::MaxRegions, counted.len() as f64, most as f64);
            v.regions = counted.iter().map(|&r| p.regions()[r].id.clone()).collect();
            return Err(with_job(v));
        }
    }
    Ok(used)
}

/// Egress of job `j`, which runs in regions `used`: in proportion to the
/// work done in each region (a `Whole` job has all of it in one region and
/// pays that region's egress in full); then the job's total.
fn price_egress(p: &Problem, tally: &mut Tally, j: usize, used: &[(usize, f64)]) {
    let job = &p.jobs()[j];
    let jr = &mut tally.jobs[j];
    for &(r, work_here) in used {
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
    if jr.first_slot == usize::MAX {
        jr.first_slot = 0; // no work done (a job that may fall short)
    }
    jr.cost_usd = jr.rent_usd + jr.energy_usd + jr.carbon_usd + jr.egress_usd + jr.unmet_usd;
    let js = &tally.sums[j];
    jr.risky_work_share = if js.work_done > 0.0 {
        js.risky_work / js.work_done
    } else {
        0.0
    };
}

/// What a goal reads of a report (its objective, its limit).
impl Goal {
    /// The value the goal minimises in `report`: `total_usd`, or
    /// `emissions_t` under a budget. A [`crate::Proof`] of the optimum is
    /// a bound on this value, in its unit.
    pub fn objective_of(&self, report: &Report) -> f64 {
        match self {
            Goal::LeastEmissionsUnderBudget { .. } => report.emissions_t,
            _ => report.total_usd,
        }
    }

    /// Whether `report` keeps the goal's limit within [`TOLERANCE`](crate::TOLERANCE); the
    /// limited value when it does not.
    pub fn breach(&self, report: &Report) -> Option<f64> {
        let value = match *self {
            Goal::LeastCost => return None,
            Goal::LeastCostUnderCap { .. } => report.emissions_t,
            Goal::LeastEmissionsUnderBudget { .. } => report.total_usd,
        };
        self.exceeded_by(value).then_some(value)
    }
}
