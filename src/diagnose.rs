//! Why a scenario has no schedule: the jobs whose window is closed in every
//! allowed region (and by which bound), and, where capacity, power or
//! parallelism is contended, how many work units each job falls short in a
//! plan of least total shortfall. The least-shortfall LP runs on the same
//! engine as the optimum, within the same limits.

use crate::error::{Infeasible, Shortfall, Stopped, UnfinishedJob};
use crate::solve::backend::{Backend, Failure};
use crate::solve::lp::{self, Col, Objective};
use crate::solve::{solve_lp, Limits, Report, Stage, StopReason};
use crate::{Error, Problem};

/// Shortfall below this fraction of a job's work is solver noise.
const SHORT_EPS: f64 = 1e-7;

/// The explanation of an infeasible problem, as an [`Error::Infeasible`];
/// [`Error::Stopped`] when the limits stop the diagnosis, or
/// [`Error::Solver`] when the least-shortfall model itself fails.
pub(crate) fn diagnose(
    p: &Problem,
    backend: Backend,
    limits: &Limits,
    report: Report,
    scheduler: &str,
) -> Error {
    let mut jobs: Vec<UnfinishedJob> = p
        .jobs()
        .iter()
        .filter(|j| j.windows.is_empty())
        .map(|j| UnfinishedJob {
            job: j.id.clone(),
            shortfall: Shortfall::NoEligibleCell(j.closed.clone()),
        })
        .collect();
    let model = lp::build(p, Objective::Shortfall);
    // The shortfall LP has no integers: region choices are relaxed, which
    // can only lower the shortfall of a job that must stay whole; a job
    // that no single region can finish is named below all the same.
    let backend = backend.resolve(&model.size(false));
    let relaxed: Vec<f64>;
    match solve_lp(&model, None, backend, limits, report, Stage::Diagnosis) {
        Ok(solved) if solved.stopped.is_none() => {
            for (j, cols) in model.job_cols.iter().enumerate() {
                let Some(slack) = cols
                    .clone()
                    .find(|&i| matches!(model.col[i], Col::Slack { .. }))
                else {
                    continue;
                };
                let short = solved.x[slack];
                let job = &p.jobs()[j];
                if short > SHORT_EPS * job.work {
                    jobs.push(UnfinishedJob {
                        job: job.id.clone(),
                        shortfall: Shortfall::WorkShort {
                            missing_work: short,
                            work: job.work,
                        },
                    });
                }
            }
            relaxed = solved.x;
        }
        Ok(solved) => {
            return Stopped {
                reason: solved.stopped.unwrap_or(StopReason::TimeLimit),
                bound_usd: None,
                infeasible: true,
            }
            .into()
        }
        Err(Failure::TimeLimit) => {
            return Stopped {
                reason: limits.stop().unwrap_or(StopReason::TimeLimit),
                bound_usd: None,
                infeasible: true,
            }
            .into()
        }
        Err(Failure::Infeasible) => {
            return Error::Solver(
                "the least-shortfall model, which always has a solution, was reported infeasible"
                    .into(),
            )
        }
        Err(Failure::Numerical(e)) => return Error::Solver(e),
    }
    if jobs.is_empty() {
        // Zero shortfall when split, yet no plan: what blocks is that some
        // Whole job must stay in one region. Name those the relaxed plan
        // had to split.
        for (j, cols) in model.job_cols.iter().enumerate() {
            let split = cols
                .clone()
                .filter(|&i| matches!(model.col[i], Col::Choice { .. }) && relaxed[i] > 1e-6)
                .count();
            if split > 1 {
                jobs.push(UnfinishedJob {
                    job: p.jobs()[j].id.clone(),
                    shortfall: Shortfall::NoSingleRegion {
                        work: p.jobs()[j].work,
                    },
                });
            }
        }
    }
    if jobs.is_empty() {
        return Error::Solver(
            "the solver reported the scenario infeasible, but a plan of zero shortfall exists"
                .into(),
        );
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
