//! Validation of a [`Scenario`] into the slot-indexed [`Problem`] that every
//! scheduler and the evaluator read.
//!
//! This is **the one place** where the rules of [the model](crate::spec)
//! that decide *when a job may run where* and *what a server-hour costs* are computed:
//! [`Problem::window`] (eligibility) and [`CellCost`] (cost per server-hour,
//! split into rent, energy and carbon), plus [`JobRegion::egress_usd`].
//!
//! [`Problem::new`] is a short pipeline of named steps, one per rule of the
//! model, each in its own file:
//!
//! | step | file | rule |
//! |---|---|---|
//! | horizon | `horizon.rs` | slots, slot length, size limits, carbon price |
//! | series | `series.rs` | every number in range; series resampled to slots |
//! | regions | `regions.rs` | ids, PUE, prices, carbon, power caps |
//! | pools and cell cost | `pools.rs` | capacity per slot and `c[k,t]` |
//! | links and reachability | `links.rs` | bandwidth, egress, transfer time, the way back |
//! | job windows | `windows.rs` | allowed regions and the eligible slot range |
//!
//! | interruptions | `interruptions.rs` | the useful fraction of a server-hour on capacity that can vanish |
//!
//! Beside the pipeline, `capacity.rs` holds [`Problem::capacity_warnings`]:
//! cheap sums that show a job or the whole scenario cannot be done.

mod capacity;
pub(crate) mod closed;
mod horizon;
pub(crate) mod infeasible;
mod interruptions;
mod links;
mod pools;
mod regions;
mod series;
mod windows;

pub use capacity::CapacityWarning;
pub use interruptions::useful_fraction;

use crate::problem::closed::ClosedRegion;
use crate::problem::infeasible::Shortfall;
use crate::scenario::error::InputError;
use crate::scenario::{Placement, Scenario};
use crate::time::{Horizon, Series};
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// Most slots a horizon may have: ten years of minutes. Every series is
/// held per slot, so a larger horizon is an input error, not an attempt to
/// allocate it.
pub const MAX_SLOTS: usize = 10 * 366 * 24 * 60;

/// Most (pools + regions) × slots a scenario may have: every pool and
/// region holds a few numbers per slot, so this bounds the problem's memory
/// (to about 2 GiB) before anything is allocated.
pub const MAX_CELLS: usize = 50_000_000;

/// Most (job, allowed region) pairs a scenario may have. Each pair holds
/// a window or the reason its region is closed, and a job that leaves out
/// `regions` is allowed every region, so ten thousand jobs over ten
/// thousand regions would be 1e8 pairs from a 1.5 MB file: a larger count
/// is an input error, not an attempt to allocate it.
pub const MAX_JOB_REGIONS: usize = 1_000_000;

/// Longest id of a region, pool or job, in bytes. Every closed region of
/// every job names its region, so ids are copied per (job, region) pair;
/// this bounds what a copy costs.
pub const MAX_ID_BYTES: usize = 128;

/// Least work a job may have, in work units (reference server-hours):
/// 3.6 seconds of a reference server. Less work is below the precision of
/// the LP solvers (their tolerances are about 1e-9 in absolute terms), so
/// it is an input error rather than a plan the evaluator would reject.
pub const MIN_WORK: f64 = 1e-3;

/// Slowest pool speed, in work units per server-hour (the reference
/// server is 1). With [`MAX_SPEED`] and [`MIN_WORK`] it keeps every
/// server-hour amount a plan needs at 1e-6 or more.
pub const MIN_SPEED: f64 = 1e-3;

/// Fastest pool speed, in work units per server-hour: a thousand
/// reference servers in one.
pub const MAX_SPEED: f64 = 1e3;

/// Highest price of undone work, in $ per work unit
/// ([`Job::unmet_usd_per_work`](crate::Job::unmet_usd_per_work)). A work
/// unit costs dollars, not millions: a higher price would only make every
/// real cost vanish below the solvers' relative precision.
pub const MAX_UNMET_USD_PER_WORK: f64 = 1e6;
/// Dearest server-hour the model accepts, in $ (`|c[k,t]|`, rent, energy
/// and carbon together). A real GPU server's hour costs tens of dollars;
/// a cell a million times dearer than that only puts the other costs
/// below the LP solvers' relative precision, where a solver may return a
/// plan it calls optimal that is not (seen with PUE 9e15 and a price of
/// 1.8e19 $/MWh). [`Problem::new`] refuses it with
/// [`InputError::CostOutOfRange`], naming the input that made it.
pub const MAX_USD_PER_SERVER_HOUR: f64 = 1e7;

pub use crate::scenario::{
    DEFAULT_CHECKPOINT_INTERVAL_HOURS, DEFAULT_RESTART_HOURS, MIN_USEFUL_FRACTION,
};

/// A validated scenario, with every series resampled to slots and every
/// rule of [the model](crate::spec) evaluated once. Built by
/// [`Problem::new`]; read-only.
///
/// It keeps the scenario it was built from ([`Problem::scenario`]), so
/// that a service validates once and hands the same problem to every
/// decision: [`Optimal::solve`](crate::Optimal::solve),
/// [`explain`](crate::explain), [`sweep`](crate::sweep) and
/// [`Replan::solve`](crate::Replan::solve) derive the variants they need
/// (a later deadline, another carbon price) from it and validate only the
/// variants.
#[derive(Debug, Clone)]
pub struct Problem {
    /// The scenario this problem was validated from (shared: the
    /// problems a re-plan derives from this one hold the same).
    pub(crate) scenario: Arc<Scenario>,
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
    /// Work units per server-hour when not interrupted.
    pub speed: f64,
    /// Expected interruptions per server-hour (0: capacity that does not
    /// vanish).
    pub interruption_rate_per_hour: f64,
    /// Energy at the meter per server-hour in kWh (`w_k · pue_r`), which is
    /// what the power cap counts.
    pub meter_kwh_per_server_hour: f64,
    /// Cost of one server-hour in each slot.
    pub cost: Vec<CellCost>,
    /// The accelerator in each server, if stated.
    pub accelerator: Option<String>,
    /// GPUs per server, if stated.
    pub gpus_per_server: Option<u32>,
    /// GB of memory per GPU, if stated.
    pub gpu_memory_gb: Option<f64>,
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
    /// Hours of work between two checkpoints.
    pub checkpoint_interval_hours: f64,
    /// Hours a restart from a checkpoint takes.
    pub restart_hours: f64,
    /// Allowed, reachable regions with at least one eligible slot, in
    /// region (file) order.
    pub windows: Vec<JobRegion>,
    /// Allowed regions that offer no eligible slot, and why.
    pub closed: Vec<ClosedRegion>,
    /// $ per work unit left undone; `None`: all work must be done.
    pub unmet_usd_per_work: Option<f64>,
    /// Work units per server-hour on each pool for this job, before any
    /// interruption derate: `s[j,k]` (the pool's `speed`, or
    /// `gpus_per_server · speed_by_accelerator[accelerator]`); 0 on a
    /// pool that may not serve the job. `None`: every pool's own speed.
    pub(crate) speed_by_pool: Option<Vec<f64>>,
    /// Pools of the job's open regions that may not serve it, and why
    /// (what `validate` shows).
    pub closed_pools: Vec<crate::problem::closed::ClosedPool>,
    /// Most regions the job may have work in (`max_regions`), if set.
    pub max_regions: Option<usize>,
    /// Regions that already count against `max_regions` (a re-plan's
    /// history), in region order.
    pub(crate) opened_regions: Vec<usize>,
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
    /// The region's pools that may serve the job (its requirements and
    /// speeds), in file order: every other pool of the region is closed
    /// to it.
    pub pools: Vec<usize>,
}

impl JobRegion {
    /// Whether slot `t` is eligible.
    pub fn contains(&self, t: usize) -> bool {
        self.first_slot <= t && t < self.end_slot
    }
}

/// See [`Problem::estimate_bytes`].
fn estimate_bytes(slots: usize, pools: usize, regions: usize) -> usize {
    let per_slot = pools
        .saturating_mul(std::mem::size_of::<CellCost>() + 8 + 16)
        .saturating_add(regions.saturating_mul(16 + 16));
    slots.saturating_mul(per_slot)
}

/// Bytes of the series of `scenario` (the numbers it gives per slot or
/// per point: region prices and carbon, pool servers), which a problem
/// keeps in its copy of the scenario. Ids, links and jobs are a few
/// hundred bytes each and left out.
fn scenario_series_bytes(scenario: &Scenario) -> usize {
    let series = |s: &Series| match s {
        Series::Constant(_) => 0,
        Series::PerSlot(v) => v.len().saturating_mul(std::mem::size_of::<f64>()),
        Series::Points(v) => v
            .len()
            .saturating_mul(std::mem::size_of::<(DateTime<Utc>, f64)>()),
    };
    let regions = scenario
        .regions
        .iter()
        .map(|r| series(&r.price_usd_per_mwh).saturating_add(series(&r.carbon_g_per_kwh)));
    let pools = scenario.pools.iter().map(|k| series(&k.servers));
    regions
        .chain(pools)
        .fold(0usize, |sum, b| sum.saturating_add(b))
}

impl JobInfo {
    /// Whether the job may leave work undone (it has a price for it).
    pub fn may_fall_short(&self) -> bool {
        self.unmet_usd_per_work.is_some()
    }

    /// Whether `max_regions` binds the job: a `Split` job with more
    /// regions it could still open than the limit leaves it (a MILP with
    /// one binary per such region).
    pub fn spread_binds(&self) -> bool {
        self.max_regions.is_some_and(|n| {
            let left = n.saturating_sub(self.opened_regions.len());
            let closable = self
                .windows
                .iter()
                .filter(|w| self.opened_regions.binary_search(&w.region).is_err())
                .count();
            closable > left
        })
    }

    /// Regions the job may still open under `max_regions` beyond those it
    /// already holds (`usize::MAX` without a limit).
    pub(crate) fn regions_left(&self) -> usize {
        self.max_regions
            .map_or(usize::MAX, |n| n.saturating_sub(self.opened_regions.len()))
    }

    /// Whether the optimum must choose the job's region with a binary (a
    /// MILP): a `whole` job with more than one region, or with one region
    /// it pays egress to and a price for undone work (it pays that egress
    /// in full if it runs there at all, or none if it runs nowhere).
    pub fn has_region_choice(&self) -> bool {
        self.placement == Placement::Whole
            && (self.windows.len() > 1
                || (self.may_fall_short() && self.windows.iter().any(|w| w.egress_usd != 0.0)))
    }

    /// What leaving `work` units of this job undone costs, in $: its
    /// price times the work (0 for a job without a price, which may not
    /// fall short at all).
    pub fn unmet_usd(&self, work: f64) -> f64 {
        self.unmet_usd_per_work.map_or(0.0, |usd| usd * work)
    }

    /// Egress in $ per work unit done in window `w`: `egress(j, r) / W_j`.
    pub fn egress_usd_per_work(&self, w: &JobRegion) -> f64 {
        w.egress_usd / self.work
    }

    /// The window of region `r`, if the job may run there.
    pub fn window(&self, r: usize) -> Option<&JobRegion> {
        // Windows are in region (file) order: a job allowed thousands of
        // regions is searched in a few steps.
        self.windows
            .binary_search_by_key(&r, |w| w.region)
            .ok()
            .map(|i| &self.windows[i])
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
    pub fn new(scenario: &Scenario) -> Result<Problem, crate::error::Error> {
        // The sizes first, on the borrowed scenario: a scenario too large
        // to hold is refused before it is copied.
        horizon::size(scenario)?;
        Ok(Problem::build(Arc::new(scenario.clone()))?)
    }

    /// [`Problem::new`] on a scenario the problem keeps without copying
    /// it (for a caller that has no further use for it; the problem gives
    /// it back as [`Problem::scenario`]).
    ///
    /// # Errors
    ///
    /// As [`Problem::new`].
    pub fn from_scenario(scenario: Scenario) -> Result<Problem, crate::error::Error> {
        Ok(Problem::build(Arc::new(scenario))?)
    }

    /// The pipeline of [`Problem::new`], keeping `scenario`.
    fn build(kept: Arc<Scenario>) -> Result<Problem, InputError> {
        let scenario: &Scenario = &kept;
        let h = &scenario.horizon;
        // One step per rule; each stops at the first fault it finds, in
        // file order, so the error is the first one a reader would meet.
        horizon::size(scenario)?;
        let pi = horizon::carbon_price(scenario)?;
        let (mut regions, index) = regions::build(h, &scenario.regions)?;
        let pools = pools::build(h, pi, &scenario.pools, &mut regions, &index)?;
        let links = links::build(&scenario.links, &index)?;
        let jobs = windows::build(h, &scenario.jobs, &regions, &pools, &index, &links)?;
        let problem = Problem {
            horizon: h.clone(),
            carbon_price_usd_per_t: pi,
            regions,
            pools,
            jobs,
            scenario: Arc::clone(&kept),
        };
        interruptions::check(&problem, scenario)?;
        Ok(problem)
    }

    /// Bytes one problem of `scenario` and the working state of a
    /// scheduler or the evaluator over it take, estimated from its counts
    /// before anything is allocated: per pool and slot, its capacity and
    /// cost split ([`CellCost`], 48 bytes with the capacity); per region
    /// and slot, its price and carbon (16); and per pool or region and
    /// slot, 16 more for the series resampled while it is built and for
    /// the ledgers of the heuristics and the evaluator (capacity and power
    /// left). A command that holds several problems at once (a re-plan, a
    /// sweep, `risk`) needs that many times the problem's part.
    ///
    /// The copy of `scenario` a problem keeps ([`Problem::scenario`]) is
    /// counted by its series: 8 bytes per value given per slot, 24 per
    /// point (its ids, links and jobs are small and left out). It is small
    /// beside the problem: at most one number per pool and slot and two
    /// per region and slot, against the problem's 72 and 32, and none for
    /// a constant series.
    pub fn estimate_bytes(scenario: &Scenario) -> usize {
        estimate_bytes(
            scenario.horizon.slots,
            scenario.pools.len(),
            scenario.regions.len(),
        )
        .saturating_add(scenario_series_bytes(scenario))
    }

    /// [`Problem::estimate_bytes`] of this problem.
    pub(crate) fn resident_bytes(&self) -> usize {
        estimate_bytes(self.slots(), self.pools.len(), self.regions.len())
            .saturating_add(scenario_series_bytes(&self.scenario))
    }

    /// The scenario this problem was validated from, as given to
    /// [`Problem::new`]: for a problem from [`Problem::new`],
    /// `Problem::new(p.scenario())` builds the same problem again. (The
    /// as-run problem of a re-plan, [`Replanned::as_run`](crate::Replanned::as_run),
    /// keeps the updated scenario it was derived from, whose work amounts
    /// it adjusts.) The decisions that need a variant of it (a deadline
    /// an hour later in [`explain`](crate::explain), another carbon price
    /// or deadline in [`sweep`](crate::sweep)) derive it from here and
    /// validate only the variant.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
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

    /// This problem with each job's windows held to the regions `keep`
    /// names for it (`None`: all of them): the spread stage's problem
    /// where no `max_regions` binds.
    pub(crate) fn with_windows(&self, keep: &[Option<Vec<usize>>]) -> Problem {
        let mut out = self.clone();
        for (job, keep) in out.jobs.iter_mut().zip(keep) {
            if let Some(regions) = keep {
                job.windows
                    .retain(|w| regions.binary_search(&w.region).is_ok());
            }
        }
        out
    }

    /// This problem with only the jobs `jobs` (indices into this one's),
    /// each held to region `r`: one region's share of a packing of the
    /// `Whole` jobs (`crate::solve::packing`). Jobs are renumbered in the
    /// order given.
    pub(crate) fn held_jobs(&self, jobs: &[usize], r: usize) -> Problem {
        let jobs = jobs
            .iter()
            .filter_map(|&j| self.jobs.get(j))
            .map(|job| {
                let mut job = job.clone();
                job.windows.retain(|w| w.region == r);
                job
            })
            .collect();
        Problem {
            scenario: Arc::clone(&self.scenario),
            horizon: self.horizon.clone(),
            carbon_price_usd_per_t: self.carbon_price_usd_per_t,
            regions: self.regions.clone(),
            pools: self.pools.clone(),
            jobs,
        }
    }

    /// Whether job `j` may run on pool `k` in slot `t`, and if so its window
    /// in the pool's region.
    pub fn window(&self, j: usize, k: usize, t: usize) -> Option<&JobRegion> {
        let r = self.pools.get(k)?.region;
        self.jobs
            .get(j)?
            .window(r)
            .filter(|w| w.contains(t) && w.pools.binary_search(&k).is_ok())
    }

    /// Every eligible `(pool, slot)` of a job in its window `w`, pools in
    /// file order within each slot.
    pub fn cells<'a>(&'a self, w: &'a JobRegion) -> impl Iterator<Item = (usize, usize)> + 'a {
        (w.first_slot..w.end_slot).flat_map(move |t| w.pools.iter().map(move |&k| (k, t)))
    }
}

impl Shortfall {
    /// The shortfall of `job` with `missing_work` work units undone: for a
    /// `Whole` job, that no single region can finish it (its placement, not
    /// capacity alone, is what fails); for a `Split` job, the work short.
    pub(crate) fn of(job: &JobInfo, missing_work: f64) -> Shortfall {
        match job.placement {
            Placement::Whole => Shortfall::NoSingleRegion {
                missing_work,
                work: job.work,
            },
            Placement::Split => Shortfall::WorkShort {
                missing_work,
                work: job.work,
            },
        }
    }
}
