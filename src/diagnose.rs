//! Why a scenario has no schedule: the jobs whose window is closed in every
//! allowed region (and by which bound), and, where capacity, power or
//! parallelism is contended, how many work units each job falls short in a
//! plan of least total shortfall. The least-shortfall LP runs on the same
//! engine as the optimum, within the same limits.
//!
//! Before any of that, and before the optimum builds a MILP, one check
//! without a solver ([`whole_jobs_alone`]): a `Whole` job that no single
//! allowed region could finish even with every server there to itself
//! makes the scenario infeasible at once, whatever the other jobs do.

use crate::error::Error;
use crate::evaluate::TOLERANCE;
use crate::limits::{Limits, StopReason};
use crate::problem::infeasible::{Infeasible, Shortfall, UnfinishedJob};
use crate::problem::Problem;
use crate::scenario::Placement;
use crate::solve::anytime::{self, NoPlan};
use crate::solve::backend::{Backend, Failure};
use crate::solve::error::{SolverFailure, SolverStatus, Stopped};
use crate::solve::linear::solve_lp;
use crate::solve::lp::{self, Col, Objective};
use crate::solve::packing::{Packer, Packing};
use crate::solve::progress::{OnRound, Stage};

/// Shortfall below this fraction of a job's work is solver noise.
const SHORT_EPS: f64 = 1e-7;

/// The explanation of an infeasible problem, as an [`Error::Infeasible`];
/// [`Error::Stopped`] when the limits stop the diagnosis, or
/// [`Error::Solver`] when the least-shortfall model itself fails.
pub(crate) fn diagnose(
    p: &Problem,
    backend: Backend,
    limits: &Limits,
    report: OnRound,
    scheduler: &str,
) -> Error {
    let mut jobs: Vec<UnfinishedJob> = p
        .jobs()
        .iter()
        .filter(|j| j.windows.is_empty() && !j.may_fall_short())
        .map(|j| UnfinishedJob {
            job: j.id.clone(),
            shortfall: Shortfall::NoEligibleCell(j.closed.clone()),
        })
        .collect();
    // A Whole job no region alone can finish: certain, with no solver.
    jobs.extend(whole_jobs_alone(p));
    // Then every job as if it could be split: a shortfall there is
    // capacity, power or parallelism. Only if the fleet could do all the
    // work split is the one-region rule of Whole jobs what blocks.
    let split = match shortfalls(p, Objective::ShortfallSplit, backend, limits, report) {
        Ok(x) => x,
        Err(e) => return e,
    };
    // A job with a price for undone work may fall short: it is never why
    // there is no plan (its slack is free in these models).
    let listed = |jobs: &[UnfinishedJob], id: &str| jobs.iter().any(|u| u.job == id);
    for (j, short) in split.iter().enumerate() {
        let job = &p.jobs()[j];
        if *short > SHORT_EPS * job.work && !job.may_fall_short() && !listed(&jobs, &job.id) {
            jobs.push(UnfinishedJob {
                job: job.id.clone(),
                shortfall: Shortfall::WorkShort {
                    missing_work: *short,
                    work: job.work,
                },
            });
        }
    }
    if jobs.is_empty() {
        // The Whole jobs' packing (one region each, each region's share an
        // LP of those jobs alone): a least set of them that fits no choice
        // of regions, found with small LPs where the MILP below branches.
        match whole_conflict(p, backend, limits) {
            Ok(found) => jobs = found,
            Err(why) => return stopped(why),
        }
    }
    if jobs.is_empty() {
        // The least-shortfall MILP, region choices binary, solved like the
        // optimum (relaxation, fixing, exact stage) within the same limits:
        // a job short there is short because it must stay whole.
        let whole = match whole_shortfalls(p, backend, limits, report) {
            Ok(x) => x,
            Err(e) => return e,
        };
        for (j, short) in whole.iter().enumerate() {
            let job = &p.jobs()[j];
            if *short > SHORT_EPS * job.work && !job.may_fall_short() {
                jobs.push(UnfinishedJob {
                    job: job.id.clone(),
                    shortfall: Shortfall::of(job, *short),
                });
            }
        }
    }
    if jobs.is_empty() {
        return SolverFailure::new(
            backend,
            SolverStatus::FalseInfeasible,
            "the solver reported the scenario infeasible, but a plan of zero shortfall exists"
                .into(),
        )
        .into();
    }
    // File order, so the message reads like the scenario.
    let order = |id: &str| p.jobs().iter().position(|j| j.id == id);
    jobs.sort_by_key(|u| order(&u.job));
    Infeasible {
        scheduler: scheduler.into(),
        jobs,
    }
    .into()
}

/// Each job's shortfall (work units) in a least-shortfall plan with Whole
/// jobs in one region each.
fn whole_shortfalls(
    p: &Problem,
    backend: Backend,
    limits: &Limits,
    report: OnRound,
) -> Result<Vec<f64>, Error> {
    let model = lp::build(p, Objective::Shortfall);
    let backend = backend.resolve(&model.size(true));
    let plan = match anytime::optimum(p, &model, backend, limits, report) {
        Ok(plan) if plan.stopped.is_none() => plan,
        Ok(plan) => return Err(stopped(plan.stopped.unwrap_or(StopReason::TimeLimit))),
        Err(NoPlan::Stopped(reason, _)) => return Err(stopped(reason)),
        Err(NoPlan::Infeasible) => return Err(false_infeasible(backend)),
        Err(NoPlan::Numerical(e)) => return Err(failed(backend, e)),
    };
    Ok(slacks(p, &model, &plan.x))
}

/// A least set of `Whole` jobs that fits no choice of one region each
/// ([`Packer::conflict`]), each named with the others; empty when the
/// packing search finds a choice that fits or runs out of its budget.
/// A set of one is a job no region alone can finish
/// ([`Shortfall::NoSingleRegion`], with the least shortfall of the LPs).
fn whole_conflict(
    p: &Problem,
    backend: Backend,
    limits: &Limits,
) -> Result<Vec<UnfinishedJob>, StopReason> {
    let all = Packer::whole_jobs(p);
    let mut packer = Packer::new(p, backend, limits);
    if packer.search(&all)? != Packing::None {
        return Ok(Vec::new());
    }
    let set = packer.conflict(&all)?;
    let id = |j: usize| p.jobs()[j].id.clone();
    if let [j] = set[..] {
        let work = p.jobs()[j].work;
        return Ok(vec![UnfinishedJob {
            job: id(j),
            shortfall: Shortfall::NoSingleRegion {
                missing_work: packer.alone_shortfall(j).unwrap_or(work),
                work,
            },
        }]);
    }
    Ok(set
        .iter()
        .map(|&j| UnfinishedJob {
            job: id(j),
            shortfall: Shortfall::WholeConflict {
                with: set.iter().filter(|&&i| i != j).map(|&i| id(i)).collect(),
            },
        })
        .collect())
}

/// The least-shortfall model, which always has a solution, reported
/// infeasible.
fn false_infeasible(backend: Backend) -> Error {
    SolverFailure::new(
        backend,
        SolverStatus::FalseInfeasible,
        "the least-shortfall model, which always has a solution, was reported infeasible".into(),
    )
    .into()
}

/// The solvers failed on the diagnosis' model.
fn failed(backend: Backend, message: String) -> Error {
    SolverFailure::new(backend, SolverStatus::Failed, message).into()
}

fn stopped(reason: StopReason) -> Error {
    Stopped {
        reason,
        bound_usd: None,
        infeasible: true,
        unit: "usd",
    }
    .into()
}

/// The slack of each job at `x`.
fn slacks(p: &Problem, model: &lp::Lp, x: &[f64]) -> Vec<f64> {
    let mut short = vec![0.0; p.jobs().len()];
    for (j, cols) in model.job_cols.iter().enumerate() {
        if let Some(slack) = cols
            .clone()
            .find(|&i| matches!(model.col[i], Col::Slack { .. }))
        {
            short[j] = x[slack];
        }
    }
    short
}

/// Each job's shortfall (work units) in the least-shortfall plan of
/// `objective`, or the error that ends the diagnosis.
fn shortfalls(
    p: &Problem,
    objective: Objective,
    backend: Backend,
    limits: &Limits,
    report: OnRound,
) -> Result<Vec<f64>, Error> {
    let model = lp::build(p, objective);
    // The shortfall LP has no integers: region choices are relaxed.
    let backend = backend.resolve(&model.size(false));
    let solved = match solve_lp(&model, None, backend, limits, report, Stage::Diagnosis) {
        Ok(solved) => solved,
        Err(Failure::TimeLimit) => {
            return Err(stopped(limits.stop().unwrap_or(StopReason::TimeLimit)))
        }
        Err(Failure::Stopped(why)) => return Err(stopped(why)),
        Err(Failure::Infeasible) => return Err(false_infeasible(backend)),
        Err(Failure::Numerical(e)) => return Err(failed(backend, e)),
    };
    if let Some(reason) = solved.stopped {
        return Err(stopped(reason));
    }
    Ok(slacks(p, &model, &solved.x))
}

/// Every `Whole` job (without a price for undone work) that no single
/// allowed region could finish even with no other job: for each of its
/// windows, the most work the region's pools could do for it alone, slot
/// by slot, is below its work beyond the evaluator's tolerance. Each comes
/// with [`Shortfall::NoSingleRegion`]: the work the closest region leaves
/// undone, at least.
///
/// The most work of a slot is an upper bound with no solver: the least of
/// two fractional knapsacks over the region's pools (each pool's servers
/// at its work per server-hour), one filled to the job's parallelism, one
/// to the region's power cap. Each relaxes the slot's LP (capacity,
/// parallelism and power together), so a job found here certainly cannot
/// finish; one not found may still fail, which the least-shortfall models
/// find. Time is linear in the job's cells, with one sort of the region's
/// pools per window.
pub(crate) fn whole_jobs_alone(p: &Problem) -> Vec<UnfinishedJob> {
    let mut out = Vec::new();
    for (j, job) in p.jobs().iter().enumerate() {
        if job.placement != Placement::Whole || job.may_fall_short() || job.windows.is_empty() {
            continue;
        }
        let mut most = 0.0_f64;
        for w in &job.windows {
            let region = &p.regions()[w.region];
            // (work per server-hour, meter kWh per server-hour, pool).
            // The pools that may serve the job (its requirements and
            // speeds), as every other rule reads them.
            let mut by_rate: Vec<(f64, f64, usize)> = w
                .pools
                .iter()
                .map(|&k| {
                    let pool = &p.pools()[k];
                    (p.work_rate(j, k), pool.meter_kwh_per_server_hour, k)
                })
                .filter(|&(v, _, _)| v > 0.0)
                .collect();
            by_rate.sort_by(|a, b| b.0.total_cmp(&a.0));
            // Most work per kWh first (a pool that draws no power first).
            let mut by_energy = by_rate.clone();
            by_energy.sort_by(|a, b| (b.0 * a.1).total_cmp(&(a.0 * b.1)));
            let mut here = 0.0;
            for t in w.first_slot..w.end_slot {
                let servers = |k: usize| p.pools()[k].capacity_server_hours[t].max(0.0);
                // Filled to the parallelism limit, fastest first.
                let mut left = job.max_server_hours_per_slot;
                let mut parallel = 0.0;
                for &(v, _, k) in &by_rate {
                    if left <= 0.0 {
                        break;
                    }
                    let x = servers(k).min(left);
                    parallel += v * x;
                    left -= x;
                }
                // Filled to the power cap, most work per kWh first.
                let power = match region.power_cap_kwh_per_slot {
                    Some(cap) => {
                        let mut left = cap;
                        let mut done = 0.0;
                        for &(v, e, k) in &by_energy {
                            let x = if e > 0.0 {
                                if left <= 0.0 {
                                    break;
                                }
                                servers(k).min(left / e)
                            } else {
                                servers(k)
                            };
                            done += v * x;
                            left -= e * x;
                        }
                        done
                    }
                    None => f64::INFINITY,
                };
                here += parallel.min(power);
            }
            most = most.max(here);
        }
        let work = job.work;
        if work - most > TOLERANCE * work.max(most).max(1.0) {
            out.push(UnfinishedJob {
                job: job.id.clone(),
                shortfall: Shortfall::NoSingleRegion {
                    missing_work: work - most,
                    work,
                },
            });
        }
    }
    out
}
