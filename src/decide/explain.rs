//! What capacity is worth: the optimum's LP duals read as dollars per unit
//! of each limit, and the value of one more hour of each job's deadline
//! by an exact re-solve.
//!
//! Every value is what one more unit of a limit would save at the optimum
//! (the least total's rate of change). It holds for a small change: the
//! plan may change over a whole unit, and on a degenerate optimum (several
//! optimal bases) the value lies between what one unit more saves and what
//! one unit less costs. The deadline values are not rates but re-solves:
//! exact for the hour, with proven bounds.

use crate::decide::errors::ExplainError;
use crate::error::Error;
use crate::limits::StopReason;
use crate::problem::Problem;
use crate::schedulers::Optimal;
use crate::solve::duals::Duals;
use crate::solve::error::{SolverFailure, SolverStatus};
use crate::solve::solver::Backend;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// What each value of an [`Explanation`] means, in words; printed by
/// `geoshift explain` and carried in its JSON. The words are this
/// version's: read back (`serde::Deserialize`), any `meaning` object is
/// [`MEANING`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Meaning {
    /// Of `PoolValue::usd_per_server_hour`.
    pub pool_usd_per_server_hour: &'static str,
    /// Of `PoolValue::usd_per_server`.
    pub pool_usd_per_server: &'static str,
    /// Of `RegionValue::usd_per_server`.
    pub region_usd_per_server: &'static str,
    /// Of `RegionValue::power_usd_per_kwh`.
    pub power_usd_per_kwh: &'static str,
    /// Of `RegionValue::power_usd_per_kw`.
    pub power_usd_per_kw: &'static str,
    /// Of `JobValue::usd_per_work_unit`.
    pub job_usd_per_work_unit: &'static str,
    /// Of `JobValue::usd_per_server`.
    pub job_usd_per_server: &'static str,
    /// Of `JobValue::deadline_hour`.
    pub deadline_hour: &'static str,
    /// How far the rates hold.
    pub validity: &'static str,
    /// Of `Explanation::fixed_regions`.
    pub fixed_regions: &'static str,
}

impl<'de> Deserialize<'de> for Meaning {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(d)?;
        Ok(MEANING)
    }
}

/// An [`Explanation`] as written: its backend a name of any lifetime,
/// read back as this build's name of that backend.
#[derive(Deserialize)]
struct Written {
    backend: String,
    total_usd: f64,
    bound_usd: f64,
    slot_hours: f64,
    slot_start: Vec<DateTime<Utc>>,
    pools: Vec<PoolValue>,
    regions: Vec<RegionValue>,
    jobs: Vec<JobValue>,
    meaning: Meaning,
    fixed_regions: Vec<FixedRegion>,
}

impl<'de> Deserialize<'de> for Explanation {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let w = Written::deserialize(d)?;
        let backend = Backend::from_name(&w.backend).ok_or_else(|| {
            serde::de::Error::custom(format_args!("unknown solver '{}'", w.backend))
        })?;
        Ok(Explanation {
            backend,
            total_usd: w.total_usd,
            bound_usd: w.bound_usd,
            slot_hours: w.slot_hours,
            slot_start: w.slot_start,
            pools: w.pools,
            regions: w.regions,
            jobs: w.jobs,
            meaning: w.meaning,
            fixed_regions: w.fixed_regions,
        })
    }
}

/// The meanings, as [`Explanation::meaning`] holds them.
pub const MEANING: Meaning = Meaning {
    pool_usd_per_server_hour: "$ saved per extra server-hour of the pool in that slot \
        (the capacity row's dual, plus the cells that capacity alone bounds)",
    pool_usd_per_server: "$ saved by one more server in the pool in every slot: \
        the sum over slots of $/server-hour x slot hours",
    region_usd_per_server: "$ saved by one more server in every pool of the region in \
        every slot: the sum of its pools' values",
    power_usd_per_kwh: "$ saved per extra kWh of the region's power cap in that slot \
        (energy at the meter)",
    power_usd_per_kw: "$ saved by raising the region's power cap by 1 kW in every slot: \
        the sum over slots of $/kWh x slot hours",
    job_usd_per_work_unit: "$ one more work unit of the job adds to the least total \
        (its marginal cost; its data, and so its egress, unchanged)",
    job_usd_per_server: "$ saved by one more server of the job's max_servers in every \
        slot (its parallelism limit)",
    deadline_hour: "$ saved by moving the job's deadline one hour later, all else fixed: \
        an exact re-solve, with proven bounds",
    validity: "rates hold for a small change only: over a whole unit the plan may change, \
        and on a degenerate optimum a rate lies between what one unit more saves and what \
        one unit less costs",
    fixed_regions: "with Whole jobs or a binding max_regions the optimum is a MILP, which has \
        no duals: every rate is that of the LP with each Whole job's region fixed to the one \
        the MILP optimum chose (or to none), and each such Split job held to the regions its \
        optimal plan uses; deadline hours are re-solves of the MILP",
};

/// What the limits of a Split-only scenario are worth at its optimum.
/// Built by [`explain`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Explanation {
    /// The solver that gave the duals (serialises as its name).
    pub backend: Backend,
    /// The optimum's total in $ (evaluated).
    pub total_usd: f64,
    /// Its proven lower bound in $.
    pub bound_usd: f64,
    /// Slot length in hours.
    pub slot_hours: f64,
    /// Start of each slot (UTC).
    pub slot_start: Vec<DateTime<Utc>>,
    /// Per pool, in file order.
    pub pools: Vec<PoolValue>,
    /// Per region, in file order.
    pub regions: Vec<RegionValue>,
    /// Per job, in file order.
    pub jobs: Vec<JobValue>,
    /// What each value means.
    pub meaning: Meaning,
    /// For a MILP (Whole jobs with a choice of regions, or of running or
    /// not where a price for undone work meets egress): each such job and
    /// the region its optimum chose. The rates are then those of the LP
    /// with these choices fixed (the MILP has no duals); the deadline
    /// values stay re-solves of the MILP. Empty for an LP.
    pub fixed_regions: Vec<FixedRegion>,
}

/// A region choice that [`explain`] fixed: the region the MILP optimum
/// runs a Whole job in, or the regions a Split job whose `max_regions`
/// binds runs in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FixedRegion {
    /// Job id.
    pub job: String,
    /// The region chosen (a Whole job; the first of `regions` for a
    /// spread one); `None` when the job runs nowhere (all its work left
    /// undone at its price, no egress paid).
    pub region: Option<String>,
    /// Every region the optimal plan runs the job in, in file order (one
    /// at most for a Whole job).
    pub regions: Vec<String>,
}

/// What a pool's capacity is worth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PoolValue {
    /// Pool id.
    pub id: String,
    /// Its region's id.
    pub region: String,
    /// Per slot: $ saved per extra server-hour (>= 0).
    pub usd_per_server_hour: Vec<f64>,
    /// $ saved by one more server in every slot.
    pub usd_per_server: f64,
}

/// What a region's pools and power cap are worth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RegionValue {
    /// Region id.
    pub id: String,
    /// $ saved by one more server in every pool of the region, every slot.
    pub usd_per_server: f64,
    /// Per slot: $ saved per extra kWh of the power cap; `None` without a cap.
    pub power_usd_per_kwh: Option<Vec<f64>>,
    /// $ saved per extra kW of the power cap; `None` without a cap.
    pub power_usd_per_kw: Option<f64>,
}

/// What a job's work, parallelism and deadline are worth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct JobValue {
    /// Job id.
    pub id: String,
    /// $ per work unit: what one more unit of work adds to the least total.
    pub usd_per_work_unit: f64,
    /// Per slot: $ saved per extra server-hour of the parallelism limit.
    pub parallel_usd_per_server_hour: Vec<f64>,
    /// $ saved by one more server of `max_servers`, every slot.
    pub usd_per_server: f64,
    /// What one more hour of deadline saves.
    pub deadline_hour: DeadlineHour,
}

/// What moving one job's deadline one hour later saves: the optimum
/// re-solved with that deadline, all else fixed. The re-solve runs within
/// the [`Optimal`]'s limits; when one stops it early, only the bounds
/// hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DeadlineHour {
    /// Slots the hour adds to the job's windows (0: the hour ends inside
    /// a slot or past the horizon, or the job has no window, and nothing
    /// is re-solved; also 0 when the call's limit had stopped it before
    /// this re-solve began, with `stopped` set and no saving).
    pub new_slots: usize,
    /// Base total less the re-solved total, in $; `None` when the
    /// re-solve found no plan before a limit stopped it.
    pub saved_usd: Option<f64>,
    /// A proven lower bound on the saving, in $ (base bound less the
    /// re-solved total, and never below 0: a later deadline only adds
    /// cells).
    pub saved_usd_at_least: f64,
    /// A proven upper bound on the saving, in $ (base total less the
    /// re-solve's bound); `None` when the re-solve reached no bound.
    pub saved_usd_at_most: Option<f64>,
    /// Set when a limit stopped the re-solve before its gap was proven.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped: Option<StopReason>,
}

/// Values at or below this many $ per unit are solver noise (an interior
/// point's duals are accurate to about 1e-8 relative), not a bottleneck:
/// [`Explanation::bottlenecks`] leaves them out, the JSON keeps them.
pub const NOISE_USD: f64 = 1e-6;

/// Which limit a [`Bottleneck`] is. Serialises and displays as
/// `capacity`, `power`, `parallelism` or `deadline`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum BottleneckKind {
    /// A pool's servers ([`PoolValue`]).
    Capacity,
    /// A region's power cap ([`RegionValue`]).
    Power,
    /// A job's `max_servers` ([`JobValue`]).
    Parallelism,
    /// A job's deadline ([`DeadlineHour`]).
    Deadline,
}

impl BottleneckKind {
    /// The kind's name: `capacity`, `power`, `parallelism` or `deadline`.
    pub fn as_str(&self) -> &'static str {
        match self {
            BottleneckKind::Capacity => "capacity",
            BottleneckKind::Power => "power",
            BottleneckKind::Parallelism => "parallelism",
            BottleneckKind::Deadline => "deadline",
        }
    }

    /// What "one more" of this limit is, the unit of [`Bottleneck::usd`]:
    /// `server, every slot`, `kW of power cap`, `server of max_servers` or
    /// `hour of deadline`.
    pub fn unit(&self) -> &'static str {
        match self {
            BottleneckKind::Capacity => "server, every slot",
            BottleneckKind::Power => "kW of power cap",
            BottleneckKind::Parallelism => "server of max_servers",
            BottleneckKind::Deadline => "hour of deadline",
        }
    }
}

impl fmt::Display for BottleneckKind {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// One row of the bottleneck table ([`Explanation::bottlenecks`]).
/// Serialises with its `unit` ([`BottleneckKind::unit`]) beside its
/// fields.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Bottleneck {
    /// Which limit.
    pub limit: BottleneckKind,
    /// The pool, region or job.
    pub id: String,
    /// $ saved by one more [`BottleneckKind::unit`] of the limit.
    pub usd: f64,
    /// What "one more" is: the unit of [`Bottleneck::limit`]
    /// (`server, every slot`, ...).
    pub unit: &'static str,
    /// Slots in which the limit binds (value above [`NOISE_USD`]); for a
    /// deadline, the slots the hour adds.
    pub slots: usize,
}

impl Explanation {
    /// Every limit worth more than [`NOISE_USD`], largest first: each pool's capacity
    /// ($ per server in every slot), each capped region's power ($ per
    /// kW), each job's parallelism ($ per server of `max_servers`) and
    /// deadline ($ per hour). Units differ; each row names its own.
    pub fn bottlenecks(&self) -> Vec<Bottleneck> {
        let binding = |v: &[f64]| v.iter().filter(|&&x| x > NOISE_USD).count();
        let mut rows = Vec::new();
        for p in &self.pools {
            rows.push(Bottleneck {
                limit: BottleneckKind::Capacity,
                id: p.id.clone(),
                usd: p.usd_per_server,
                unit: BottleneckKind::Capacity.unit(),
                slots: binding(&p.usd_per_server_hour),
            });
        }
        for r in &self.regions {
            if let (Some(kwh), Some(kw)) = (&r.power_usd_per_kwh, r.power_usd_per_kw) {
                rows.push(Bottleneck {
                    limit: BottleneckKind::Power,
                    id: r.id.clone(),
                    usd: kw,
                    unit: BottleneckKind::Power.unit(),
                    slots: binding(kwh),
                });
            }
        }
        for j in &self.jobs {
            rows.push(Bottleneck {
                limit: BottleneckKind::Parallelism,
                id: j.id.clone(),
                usd: j.usd_per_server,
                unit: BottleneckKind::Parallelism.unit(),
                slots: binding(&j.parallel_usd_per_server_hour),
            });
            if let Some(saved) = j.deadline_hour.saved_usd {
                rows.push(Bottleneck {
                    limit: BottleneckKind::Deadline,
                    id: j.id.clone(),
                    usd: saved,
                    unit: BottleneckKind::Deadline.unit(),
                    slots: j.deadline_hour.new_slots,
                });
            }
        }
        rows.retain(|b| b.usd > NOISE_USD);
        rows.sort_by(|a, b| b.usd.total_cmp(&a.usd));
        rows
    }
}

/// The solver that gives duals for `optimal`: its own, or for `Auto` the
/// one compiled in (HiGHS before Clarabel).
fn dual_backend(optimal: &Optimal) -> Result<Backend, ExplainError> {
    let chosen = optimal.backend();
    if chosen.has_duals() {
        return Ok(chosen);
    }
    if chosen == Backend::Auto {
        #[cfg(feature = "highs")]
        return Ok(Backend::Highs);
        #[cfg(all(not(feature = "highs"), feature = "clarabel"))]
        return Ok(Backend::Clarabel);
    }
    Err(ExplainError::NoDuals {
        backend: chosen.name(),
    })
}

/// What the limits of `problem` are worth at its optimum, solved by
/// `optimal` (with `Backend::Auto`, by HiGHS or Clarabel, whichever is
/// compiled in: the solvers that give duals).
///
/// The rates come from the LP duals ([`Duals`]); the value of one more
/// hour of deadline from one more solve per job whose windows the hour
/// extends (the problem's [scenario](Problem::scenario) with that job's
/// deadline an hour later: only that variant is validated). Every
/// solve runs within `optimal`'s limits (cancellation, memory budget), and
/// the time limit bounds the whole call: each deadline re-solve gets what
/// the solves before it left, and one the time ran out for reports its
/// saving as stopped, with the bounds it has. Always to the exact gap
/// ([`crate::DEFAULT_GAP`]), since the duals of a plan accepted within a
/// looser one are not the optimum's.
///
/// ```
/// use geoshift::{explain, Horizon, Job, Optimal, Pool, Problem, Region, Scenario};
///
/// // Two hours, energy at 10 then 50 $/MWh, one 1 MW server: the cheap
/// // hour is full, so one more server-hour in it saves 40 $.
/// let start = "2026-06-01T00:00:00Z".parse().unwrap();
/// let scenario = Scenario::builder(Horizon::new(start, 3600, 2))
///     .region(Region::builder("home").pue(1.0).price_usd_per_mwh(vec![10.0, 50.0]))
///     .pool(Pool::builder("gpus", "home").servers(1.0).rent_usd_per_hour(0.0).power_kw(1000.0))
///     .job(Job::builder("train", "home").work(1.5)
///         .deadline("2026-06-01T02:00:00Z".parse().unwrap()).max_servers(2.0))
///     .build();
/// let problem = Problem::new(&scenario)?; // validated once
/// let e = explain(&problem, &Optimal::default())?;
/// assert!((e.pools[0].usd_per_server_hour[0] - 40.0).abs() < 1e-6);
/// assert!((e.jobs[0].usd_per_work_unit - 50.0).abs() < 1e-6);
/// # Ok::<(), geoshift::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::Explain`] with [`ExplainError::NoDuals`] for a solver that
/// gives none (microlp), or [`ExplainError::Stopped`] when a limit stopped
/// the optimum before it was proven; the engine's own errors as their
/// [`Error`] variants (infeasible, solver, memory budget, or an input
/// error of a variant with a deadline an hour later; the problem itself
/// is validated).
pub fn explain(problem: &Problem, optimal: &Optimal) -> Result<Explanation, Error> {
    explain_with_threads(problem, optimal, 1)
}

/// [`explain`], with the deadline re-solves (each from the optimum,
/// independent of the others) on up to `threads` threads at once: as
/// many as the memory budget holds, each solve within an equal share of
/// what the problem leaves of it (0 is taken as 1). The explanation is
/// the same on any number of threads, but for re-solves a limit stopped.
/// The library stays on the calling thread unless asked; `geoshift
/// explain` asks for one per core.
///
/// # Errors
/// As [`explain`]; a re-solve's error is the first in job order, and a
/// panicking thread (a bug, or a panicking progress hook) is an
/// [`Error::Solver`] (status [`crate::SolverStatus::Panicked`]).
pub fn explain_with_threads(
    problem: &Problem,
    optimal: &Optimal,
    threads: usize,
) -> Result<Explanation, Error> {
    // One deadline for the whole call: each re-solve gets what is left.
    let optimal = optimal.anchored();
    // The problem and one deadline re-solve's at a time.
    optimal.check_problems(problem, 2)?;
    // Duals of a plan accepted within a loose gap (column generation
    // stopped early) are not the optimum's: explain solves exactly.
    let optimal = optimal
        .with_backend(dual_backend(&optimal)?)
        .gap(crate::limits::DEFAULT_GAP);
    // A MILP has no duals: the values are those of the LP with the
    // optimum's region choices fixed (each Whole job held to the region
    // its optimal plan runs in, or to none), whose optimum is the MILP's.
    let solution = optimal.clone().with_fixed_duals().solve(problem)?;
    if let Some(reason) = solution.proof.stopped {
        return Err(ExplainError::Stopped { reason }.into());
    }
    let Some(duals) = solution.duals.clone() else {
        // A MILP's duals come from one more LP (its choices fixed): when
        // the deadline or the cancel flag stopped that LP, the limit is
        // why there are none, not the solver.
        if let Some(reason) = optimal.stop_now() {
            return Err(ExplainError::Stopped { reason }.into());
        }
        return Err(ExplainError::NoDuals {
            backend: solution.backend.name(),
        }
        .into());
    };
    let total_usd = solution.report.total_usd;
    let bound_usd = solution.proof.bound_usd;
    let deadline = deadline_hours(problem, (&optimal, &solution, bound_usd), threads)?;
    let mut out = values(
        problem,
        &duals,
        solution.backend,
        total_usd,
        bound_usd,
        deadline,
    );
    out.fixed_regions = fixed_regions(problem, &solution.schedule);
    Ok(out)
}

/// Each job with a region choice (the MILP's binaries) and the region its
/// optimal plan runs in, or `None` when it runs nowhere.
fn fixed_regions(p: &Problem, plan: &crate::schedule::Schedule) -> Vec<FixedRegion> {
    (0..p.jobs().len())
        .filter(|&j| p.jobs()[j].has_region_choice() || p.jobs()[j].spread_binds())
        .map(|j| {
            let mut used: Vec<usize> = plan
                .assignments
                .iter()
                .filter(|a| a.job == j && a.server_hours > 0.0)
                .map(|a| p.pools()[a.pool].region)
                .collect();
            used.sort_unstable();
            used.dedup();
            let regions: Vec<String> = used.iter().map(|&r| p.regions()[r].id.clone()).collect();
            FixedRegion {
                job: p.jobs()[j].id.clone(),
                region: regions.first().cloned(),
                regions,
            }
        })
        .collect()
}

/// Every job's [`deadline_hour`], in job order, on up to `threads`
/// threads (job `j` on thread `j mod n`), as many as the memory budget
/// holds: each re-solve within `(budget - base) / n` beside the base
/// problem. The whole call within one deadline: a re-solve gets what is
/// left of it (none left: it stops at once, with its bounds).
fn deadline_hours(
    base: &Problem,
    (optimal, from, bound_usd): (&Optimal, &crate::solve::engine::Solution, f64),
    threads: usize,
) -> Result<Vec<DeadlineHour>, Error> {
    let jobs = base.jobs().len();
    // The base problem is held beside each re-solve.
    let held = base.resident_bytes();
    let (n, each) = optimal.most_at_once(base, threads.min(jobs), |_| held);
    if n == 1 {
        return (0..jobs)
            .map(|j| deadline_hour(base, j, &each, from, bound_usd))
            .collect();
    }
    // Each thread's jobs in order, up to its first error.
    let run = |t: usize| {
        let mut out = Vec::new();
        for j in (t..jobs).step_by(n) {
            let hour = deadline_hour(base, j, &each, from, bound_usd);
            let failed = hour.is_err();
            out.push((j, hour));
            if failed {
                break;
            }
        }
        out
    };
    let mut by_job: Vec<Option<Result<DeadlineHour, Error>>> = (0..jobs).map(|_| None).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..n).map(|t| scope.spawn(move || run(t))).collect();
        for (t, h) in handles.into_iter().enumerate() {
            match h.join() {
                Ok(hours) => {
                    for (j, hour) in hours {
                        by_job[j] = Some(hour);
                    }
                }
                // A panic (a bug, or the hook's) stands for the thread's
                // first job.
                Err(panic) => {
                    let what = "an explain thread";
                    let failure = SolverFailure::panicked(optimal.backend(), what, panic.as_ref());
                    by_job[t] = Some(Err(failure.into()));
                }
            }
        }
    });
    // In job order, the first error stands: a thread leaves its jobs
    // after an error unsolved, and they all come after it.
    let mut out = Vec::with_capacity(jobs);
    for hour in by_job {
        // Never `None` before an error: a thread leaves only the jobs
        // after its own error (or, panicked, after its first job).
        let failure = || {
            SolverFailure::new(
                optimal.backend(),
                SolverStatus::Panicked,
                "internal: a deadline re-solve was not run".into(),
            )
        };
        out.push(hour.ok_or_else(failure)??);
    }
    Ok(out)
}

/// Re-solves `base`'s scenario with job `j`'s deadline an hour later
/// (the variant is validated; the base is not again), starting from the
/// base's solution `from` (its neighbour: its plan keeps the later
/// deadline).
fn deadline_hour(
    base: &Problem,
    j: usize,
    optimal: &Optimal,
    from: &crate::solve::engine::Solution,
    bound_usd: f64,
) -> Result<DeadlineHour, Error> {
    let total_usd = from.report.total_usd;
    // The deadline passed (or the call was cancelled): no variant is
    // validated, built or solved, so that the call ends with its limit. A
    // re-solve started then still validated its variant, built its model
    // and ran Greedy for a stand-in plan: on a 100-job scenario, half of
    // them re-solved after the deadline added 0.6 to 0.9 s to a 5 s limit.
    if let Some(reason) = optimal.stop_now() {
        return Ok(DeadlineHour {
            new_slots: 0,
            saved_usd: None,
            saved_usd_at_least: 0.0,
            saved_usd_at_most: None,
            stopped: Some(reason),
        });
    }
    let mut later = base.scenario().clone();
    let job = &mut later.jobs[j];
    let Some(moved) = job.deadline.checked_add_signed(Duration::hours(1)) else {
        return Ok(no_new_slot());
    };
    job.deadline = moved;
    let problem = Problem::from_scenario(later)?;
    // The deadline ends every window of the job at the same slot.
    let end = |p: &Problem| p.jobs()[j].windows.iter().map(|w| w.end_slot).max();
    let new_slots = match (end(base), end(&problem)) {
        (Some(before), Some(after)) => after.saturating_sub(before),
        _ => 0,
    };
    if new_slots == 0 {
        return Ok(no_new_slot());
    }
    // `optimal` counts the base problem held beside this one.
    match optimal.clone().reuse(from).solve(&problem) {
        Ok(s) => {
            let t1 = s.report.total_usd;
            Ok(DeadlineHour {
                new_slots,
                saved_usd: Some(total_usd - t1),
                saved_usd_at_least: (bound_usd - t1).max(0.0),
                saved_usd_at_most: Some(total_usd - s.proof.bound_usd),
                stopped: s.proof.stopped,
            })
        }
        Err(Error::Stopped(s)) => Ok(DeadlineHour {
            new_slots,
            saved_usd: None,
            saved_usd_at_least: 0.0,
            saved_usd_at_most: s.bound_usd.map(|b| total_usd - b),
            stopped: Some(s.reason),
        }),
        Err(e) => Err(e),
    }
}

fn no_new_slot() -> DeadlineHour {
    DeadlineHour {
        new_slots: 0,
        saved_usd: Some(0.0),
        saved_usd_at_least: 0.0,
        saved_usd_at_most: Some(0.0),
        stopped: None,
    }
}

/// The duals gathered per pool, region and job.
fn values(
    p: &Problem,
    d: &Duals,
    backend: Backend,
    total_usd: f64,
    bound_usd: f64,
    deadline: Vec<DeadlineHour>,
) -> Explanation {
    let slots = p.slots();
    let h = p.slot_hours();
    let per_slot = |v: &[f64], i: usize| v[i * slots..(i + 1) * slots].to_vec();
    let pools: Vec<PoolValue> = p
        .pools()
        .iter()
        .enumerate()
        .map(|(k, pool)| {
            let v = per_slot(&d.capacity_usd_per_server_hour, k);
            PoolValue {
                id: pool.id.clone(),
                region: p.regions()[pool.region].id.clone(),
                usd_per_server: v.iter().sum::<f64>() * h,
                usd_per_server_hour: v,
            }
        })
        .collect();
    let regions = p
        .regions()
        .iter()
        .enumerate()
        .map(|(r, region)| {
            let kwh = region
                .power_cap_kwh_per_slot
                .map(|_| per_slot(&d.power_usd_per_kwh, r));
            RegionValue {
                id: region.id.clone(),
                usd_per_server: region.pools.iter().map(|&k| pools[k].usd_per_server).sum(),
                power_usd_per_kw: kwh.as_ref().map(|v| v.iter().sum::<f64>() * h),
                power_usd_per_kwh: kwh,
            }
        })
        .collect();
    let jobs = p
        .jobs()
        .iter()
        .zip(deadline)
        .enumerate()
        .map(|(j, (job, deadline_hour))| {
            let v = per_slot(&d.parallel_usd_per_server_hour, j);
            JobValue {
                id: job.id.clone(),
                usd_per_work_unit: d.work_usd_per_unit[j],
                usd_per_server: v.iter().sum::<f64>() * h,
                parallel_usd_per_server_hour: v,
                deadline_hour,
            }
        })
        .collect();
    Explanation {
        backend,
        total_usd,
        bound_usd,
        slot_hours: h,
        slot_start: (0..slots)
            .filter_map(|t| p.horizon().slot_start(t))
            .collect(),
        pools,
        regions,
        jobs,
        meaning: MEANING,
        fixed_regions: Vec::new(),
    }
}
