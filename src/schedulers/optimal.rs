//! Optimal: the LP of MODEL.md (a MILP when some job is `Whole`), solved
//! to optimality by the chosen backend.

use super::{Assignment, Schedule, Scheduler};
use crate::backend::Backend;
use crate::diagnose::diagnose;
use crate::model::{self, CellVar, ModelSize, Objective, SolveFailure};
use crate::{Error, Problem};
use std::fmt;
use std::sync::Arc;
use std::time::Instant;

/// A value below this fraction of the most its cell could hold for the job
/// (`min(upper bound, W_j / s_k)`) is solver noise, not work: simplex
/// round-off for microlp and HiGHS, the residue of an interior point for
/// Clarabel (accurate to about 1e-8 relative).
const NOISE: f64 = 1e-7;

/// Noise is dropped from a job only while the work it held is at most this
/// fraction of the job's work; the job's rows are then scaled back to `W_j`
/// by a factor this close to 1, which moves every limit by far less than
/// the evaluator's tolerance (1e-6).
const RESCALE: f64 = 1e-7;

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
        let regions = p.regions().len();
        let chosen = |c: &CellVar| !not_chosen[c.job * regions + p.pools()[c.pool].region];
        let mut assignments = Vec::new();
        // Cells are grouped by job, in job order; `at` walks the values.
        let mut at = 0;
        for job_cells in cells.chunk_by(|a, b| a.job == b.job) {
            let job_values = &values.cells[at..at + job_cells.len()];
            at += job_cells.len();
            clean(p, job_cells, job_values, &chosen, &mut assignments);
        }
        Ok(Schedule { assignments })
    }
}

/// Appends one job's rows to `out`: its positive values in chosen
/// regions, without solver noise, scaled so that its work is exactly `W_j`
/// (see [`NOISE`] and [`RESCALE`]); kept as solved where cleaning would
/// move them more than that.
fn clean(
    p: &Problem,
    cells: &[CellVar],
    values: &[f64],
    chosen: &dyn Fn(&CellVar) -> bool,
    out: &mut Vec<Assignment>,
) {
    let Some(job) = cells.first().map(|c| &p.jobs()[c.job]) else {
        return;
    };
    let speed = |c: &CellVar| p.pools()[c.pool].speed;
    let is_noise = |c: &CellVar, v: f64| v <= NOISE * c.ub.min(job.work / speed(c));
    let rows = || {
        cells
            .iter()
            .zip(values)
            .filter(|&(c, &v)| v > 0.0 && chosen(c))
    };
    let dropped: f64 = rows()
        .filter(|&(c, &v)| is_noise(c, v))
        .map(|(c, &v)| v * speed(c))
        .sum();
    let drop_noise = dropped <= RESCALE * job.work;
    let start = out.len();
    out.extend(
        rows()
            .filter(|&(c, &v)| !(drop_noise && is_noise(c, v)))
            .map(|(c, &v)| Assignment {
                job: c.job,
                pool: c.pool,
                slot: c.slot,
                server_hours: v,
            }),
    );
    let done: f64 = out[start..]
        .iter()
        .map(|a| a.server_hours * p.pools()[a.pool].speed)
        .sum();
    let factor = job.work / done;
    if (factor - 1.0).abs() <= RESCALE {
        for a in &mut out[start..] {
            a.server_hours *= factor;
        }
    }
}
