//! Optimal: the LP of MODEL.md (a MILP when some job is `Whole`), solved
//! to optimality by the chosen backend.

use super::{Assignment, Schedule, Scheduler};
use crate::backend::Backend;
use crate::diagnose::diagnose;
use crate::model::{self, ModelSize, Objective, SolveFailure};
use crate::{Error, Problem};

/// Server-hours below this fraction of a job's per-slot parallelism are
/// solver noise (simplex round-off), not work: dropping them changes the
/// work done by far less than the evaluator's tolerance.
const NOISE: f64 = 1e-10;

/// The minimum-cost schedule.
#[derive(Debug, Clone, Copy, Default)]
pub struct Optimal {
    backend: Backend,
}

impl Optimal {
    /// The optimum, solved by `backend`.
    pub fn new(backend: Backend) -> Self {
        Optimal { backend }
    }

    /// The backend in use.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The size of the cost model for `problem` (built, not solved).
    pub fn model_size(&self, problem: &Problem) -> ModelSize {
        model::build(problem, Objective::Cost).size
    }
}

impl Scheduler for Optimal {
    fn name(&self) -> &str {
        "optimal"
    }

    fn schedule(&self, p: &Problem) -> Result<Schedule, Error> {
        if p.jobs().iter().any(|j| j.windows.is_empty()) {
            return Err(diagnose(p, self.backend, self.name()));
        }
        let model = model::build(p, Objective::Cost);
        if model.job_without_cells {
            return Err(diagnose(p, self.backend, self.name()));
        }
        let cells = model.cells.clone();
        let choices = model.choices.clone();
        let values = match model.solve(self.backend) {
            Ok(v) => v,
            Err(SolveFailure::Infeasible) => return Err(diagnose(p, self.backend, self.name())),
            Err(SolveFailure::Other(e)) => return Err(e),
        };
        // A Whole job's regions not chosen (y = 0) hold only solver noise.
        let mut not_chosen = vec![false; p.jobs().len() * p.regions().len()];
        for (&(j, r, _), y) in choices.iter().zip(&values.choices) {
            not_chosen[j * p.regions().len() + r] = *y < 0.5;
        }
        let assignments = cells
            .iter()
            .zip(values.cells)
            .filter(|&(&(j, k, _, _), v)| {
                let region = p.pools()[k].region;
                // Values at noise level (relative to a slot's parallelism)
                // are no assignment.
                v > NOISE * p.jobs()[j].max_server_hours_per_slot
                    && !not_chosen[j * p.regions().len() + region]
            })
            .map(|(&(job, pool, slot, _), server_hours)| Assignment {
                job,
                pool,
                slot,
                server_hours,
            })
            .collect();
        Ok(Schedule { assignments })
    }
}
