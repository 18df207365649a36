//! Optimal: the LP of MODEL.md (a MILP when some job is `Whole`), solved
//! to optimality by the chosen backend.

use super::{Assignment, Schedule, Scheduler};
use crate::backend::Backend;
use crate::diagnose::diagnose;
use crate::model::{self, ModelSize, Objective, SolveFailure};
use crate::{Error, Problem};
use std::fmt;
use std::sync::Arc;
use std::time::Instant;

/// Server-hours below this fraction of a job's per-slot parallelism are
/// solver noise (simplex round-off), not work: dropping them changes the
/// work done by far less than the evaluator's tolerance.
const NOISE: f64 = 1e-10;

/// A stage of the optimum's work, as reported to a progress hook
/// ([`Optimal::on_progress`]).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Progress {
    /// The model is built and handed to the solver.
    Built {
        /// Its size.
        size: ModelSize,
        /// The solver that will solve it (`Auto` resolved).
        backend: Backend,
        /// Seconds spent building it.
        seconds: f64,
    },
    /// The solver has returned.
    Solved {
        /// Seconds the solver took.
        seconds: f64,
    },
    /// The problem is infeasible; the least-shortfall model is being
    /// solved to say why.
    Diagnosing,
}

type Hook = Arc<dyn Fn(&Progress) + Send + Sync>;

/// The minimum-cost schedule.
#[derive(Clone, Default)]
pub struct Optimal {
    backend: Backend,
    progress: Option<Hook>,
}

impl fmt::Debug for Optimal {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.debug_struct("Optimal")
            .field("backend", &self.backend)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

impl Optimal {
    /// The optimum, solved by `backend`.
    pub fn new(backend: Backend) -> Self {
        Optimal {
            backend,
            progress: None,
        }
    }

    /// Calls `hook` at each stage of the work (model built, solver done,
    /// diagnosing), from the thread that runs [`Scheduler::schedule`]: for
    /// a log line or a progress display in a service. Solvers give no
    /// progress of their own from inside a solve.
    pub fn on_progress(mut self, hook: impl Fn(&Progress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(hook));
        self
    }

    fn report(&self, stage: Progress) {
        if let Some(hook) = &self.progress {
            hook(&stage);
        }
    }

    fn diagnose(&self, p: &Problem) -> Error {
        self.report(Progress::Diagnosing);
        diagnose(p, self.backend, self.name())
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
            return Err(self.diagnose(p));
        }
        let clock = Instant::now();
        let model = model::build(p, Objective::Cost);
        if model.job_without_cells {
            return Err(self.diagnose(p));
        }
        self.report(Progress::Built {
            size: model.size,
            backend: self.backend.resolve(&model.size),
            seconds: clock.elapsed().as_secs_f64(),
        });
        let clock = Instant::now();
        let solved = model.solve(self.backend);
        self.report(Progress::Solved {
            seconds: clock.elapsed().as_secs_f64(),
        });
        let solved = match solved {
            Ok(s) => s,
            Err(SolveFailure::Infeasible) => return Err(self.diagnose(p)),
            Err(SolveFailure::Other(e)) => return Err(e),
        };
        let (cells, choices, values) = (solved.cells, solved.choices, solved.values);
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
