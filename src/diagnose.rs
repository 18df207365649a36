//! Why a scenario has no schedule: the jobs whose window is closed in every
//! allowed region (and by which bound), and, where capacity, power or
//! parallelism is contended, how many work units each job falls short in a
//! plan of least total shortfall.

use crate::backend::Backend;
use crate::error::{Infeasible, Shortfall, UnfinishedJob};
use crate::model::{self, Objective, SolveFailure};
use crate::{Error, Problem};

/// Shortfall below this fraction of a job's work is solver noise.
const SHORT_EPS: f64 = 1e-7;

/// The explanation of an infeasible problem, as an [`Error::Infeasible`]
/// (or [`Error::Solver`] when the least-shortfall model itself fails).
pub(crate) fn diagnose(p: &Problem, backend: Backend, scheduler: &str) -> Error {
    let mut jobs: Vec<UnfinishedJob> = p
        .jobs()
        .iter()
        .filter(|j| j.windows.is_empty())
        .map(|j| UnfinishedJob {
            job: j.id.clone(),
            shortfall: Shortfall::NoEligibleCell(j.closed.clone()),
        })
        .collect();
    let model = model::build(p, Objective::Shortfall);
    match model.solve(backend) {
        Ok(solved) => {
            for (&(j, _), short) in solved.shortfalls.iter().zip(solved.values.shortfalls) {
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
        }
        Err(SolveFailure::Infeasible) => {
            return Error::Solver(
                "the least-shortfall model, which always has a solution, was reported infeasible"
                    .into(),
            )
        }
        Err(SolveFailure::Other(e)) => return e,
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
