//! Optimal: the LP of the model (a MILP when some job is `Whole`), solved
//! by the engine in `crate::solve` within a time limit, a gap and a
//! cancellation flag, and returned with its proof.

use super::{Assignment, Proof, Schedule, Scheduler};
use crate::diagnose::diagnose;
use crate::error::{Constraint, NotProven, SolverFailure, SolverStatus, Stopped, TooLarge};
use crate::solve::anytime::{self, NoPlan};
use crate::solve::backend::Backend;
use crate::solve::lp::{self, Col, Lp, ModelEstimate, ModelSize, Objective, Row};
use crate::solve::{
    ColumnGeneration, Limits, Stage, StopReason, DEFAULT_GAP, DEFAULT_MEMORY_BUDGET_BYTES,
};
use crate::{Error, Goal, GoalError, Problem, Report};
use std::fmt;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::{Duration, Instant};

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
    /// A solver call has returned within a longer solve (a round of
    /// column generation, the relaxation, the fixed plan, the exact MILP):
    /// the best plan so far and the proven bound.
    Round {
        /// Which stage.
        stage: Stage,
        /// Solver calls so far in this stage.
        round: usize,
        /// Columns in the last call.
        columns: usize,
        /// Total of the best feasible plan so far, in $ (the model's
        /// objective, before the evaluator re-prices it).
        incumbent_usd: Option<f64>,
        /// A proven lower bound on the least total, in $.
        bound_usd: f64,
    },
    /// The solver has returned.
    Solved {
        /// Seconds the solver took.
        seconds: f64,
    },
    /// The problem is infeasible; the least-shortfall model is being
    /// solved to say why.
    Diagnosing,
    /// The diagnosis is done (its error is about to be returned).
    Diagnosed {
        /// Seconds it took.
        seconds: f64,
    },
}

type Hook = Arc<dyn Fn(&Progress) + Send + Sync>;

/// The minimum-cost schedule, within limits.
///
/// By default the solve is exact (a proven gap of at most
/// [`DEFAULT_GAP`]) with no time limit. [`Optimal::time_limit`],
/// [`Optimal::gap`] and [`Optimal::cancel_flag`] bound it: it then returns
/// the best plan found with its proof ([`Proof`]: a lower bound and the
/// gap), and an error only when no plan was found at all.
///
/// ```
/// use geoshift::{Optimal, Backend};
/// use std::time::Duration;
///
/// let optimal = Optimal::new(Backend::Auto)
///     .time_limit(Duration::from_secs(30))
///     .gap(1e-4);
/// assert_eq!(optimal.backend(), Backend::Auto);
/// ```
#[derive(Clone)]
pub struct Optimal {
    backend: Backend,
    progress: Option<Hook>,
    time_limit: Option<Duration>,
    /// An instant no solve of this optimum runs past, whatever its
    /// `time_limit`: a command's one deadline (see [`Optimal::deadline`]).
    deadline: Option<Instant>,
    gap: f64,
    cancel: Option<Arc<AtomicBool>>,
    memory_budget_bytes: usize,
    column_generation: ColumnGeneration,
    goal: Goal,
    /// Cells (job, pool, slot) of a known plan (the previous point of a
    /// sweep, or a re-plan's previous plan) that seed column generation.
    warm: Option<Arc<[(usize, usize, usize)]>>,
    /// `warm` is the plan being re-planned: the jobs it covers start column
    /// generation from it alone, and `Auto` sifts (see `solve_seeded`).
    warm_is_previous_plan: bool,
    /// For a MILP, also solve the LP with the optimum's region choices
    /// fixed and return its duals (explain's values).
    fixed_duals: bool,
    /// This solve re-solves, on another solver, a plan that missed work
    /// beyond repair: it does not hand over again.
    resolving: bool,
}

impl Default for Optimal {
    fn default() -> Self {
        Optimal::new(Backend::Auto)
    }
}

impl fmt::Debug for Optimal {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.debug_struct("Optimal")
            .field("backend", &self.backend)
            .field("progress", &self.progress.is_some())
            .field("time_limit", &self.time_limit)
            .field("deadline", &self.deadline)
            .field("gap", &self.gap)
            .field("cancel", &self.cancel.is_some())
            .field("memory_budget_bytes", &self.memory_budget_bytes)
            .field("column_generation", &self.column_generation)
            .field("goal", &self.goal)
            .field("warm", &self.warm.as_ref().map(|w| w.len()))
            .finish()
    }
}

/// The duals of the optimum of a pure LP (no `Whole` job with a region
/// choice), each as the change of the least total per unit of its limit:
/// the dual of the limit's row, plus what the cells whose upper bound that
/// limit alone sets would save (their negative reduced costs), since one
/// more unit of the limit raises those bounds too. A limit that cannot
/// bind at all is left out of the model and shows only the latter.
/// Valid for small changes: a larger one may change the plan, and on a
/// degenerate optimum a value lies between what one unit more saves and
/// what one unit less costs.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct Duals {
    /// Per job (problem order): $ per work unit, what one more unit of
    /// the job's work would add to the least total (its data, and so its
    /// egress, unchanged): the work row's dual, at most the job's price of
    /// undone work (a unit more can always be left undone), less the
    /// egress it pays per work unit done (`E[j,r]/W_j` times its work
    /// rate, speed × useful fraction), since egress is charged per share
    /// of `W_j`. With egress the least total need not be convex in `W_j`,
    /// and then this rate need not lie between the one-unit differences.
    pub work_usd_per_unit: Vec<f64>,
    /// Per pool and slot (`pool * slots + slot`): $ saved per extra
    /// server-hour of capacity (>= 0).
    pub capacity_usd_per_server_hour: Vec<f64>,
    /// Per region and slot (`region * slots + slot`): $ saved per extra kWh
    /// of the power cap in that slot (>= 0).
    pub power_usd_per_kwh: Vec<f64>,
    /// Per job and slot (`job * slots + slot`): $ saved per extra
    /// server-hour of the job's parallelism limit in that slot (>= 0).
    pub parallel_usd_per_server_hour: Vec<f64>,
}

/// The optimum's answer: the schedule, its proof, and the duals.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct Solution {
    /// The plan (its [`Schedule::proof`] is set).
    pub schedule: Schedule,
    /// The proof: bound, gap, and whether a limit stopped the search.
    pub proof: Proof,
    /// The LP's duals, for a pure LP solved by a solver that gives them
    /// (HiGHS, Clarabel); none under a budget (its objective is tCO2e).
    pub duals: Option<Duals>,
    /// The solver that ran.
    pub backend: Backend,
    /// The plan as the evaluator checked and priced it (with the proof's
    /// fields, under least cost or a cap): callers need not evaluate it
    /// again.
    pub report: Report,
}

impl Optimal {
    /// The optimum, solved by `backend`, exact, with no time limit.
    pub fn new(backend: Backend) -> Self {
        Optimal {
            backend,
            progress: None,
            time_limit: None,
            deadline: None,
            gap: DEFAULT_GAP,
            cancel: None,
            memory_budget_bytes: DEFAULT_MEMORY_BUDGET_BYTES,
            column_generation: ColumnGeneration::Auto,
            goal: Goal::LeastCost,
            warm: None,
            warm_is_previous_plan: false,
            fixed_duals: false,
            resolving: false,
        }
    }

    /// This optimum, returning for a MILP the duals of the LP with its
    /// region choices fixed at the optimum's (one more LP solve, within the
    /// same limits): what [`crate::explain`] reads.
    pub(crate) fn with_fixed_duals(mut self) -> Self {
        self.fixed_duals = true;
        self
    }

    /// What to minimise, under which limit (see [`Goal`]); default
    /// [`Goal::LeastCost`]. The proof ([`Solution::proof`]) is a bound on
    /// the objective in use: $ for least cost (with or without a cap),
    /// tCO2e under a budget. Under a budget the schedule carries no
    /// [`Proof`] (a report's `bound_usd` is in $), only the
    /// [`Solution`] does.
    pub fn goal(mut self, goal: Goal) -> Self {
        self.goal = goal;
        self
    }

    /// Least cost with emissions at most `emissions_t` tCO2e:
    /// [`Goal::LeastCostUnderCap`].
    pub fn emissions_cap(self, emissions_t: f64) -> Self {
        self.goal(Goal::LeastCostUnderCap { emissions_t })
    }

    /// Least emissions with a total (rent, energy, carbon price, egress)
    /// of at most `total_usd`: [`Goal::LeastEmissionsUnderBudget`].
    pub fn budget(self, total_usd: f64) -> Self {
        self.goal(Goal::LeastEmissionsUnderBudget { total_usd })
    }

    /// The goal in use.
    pub fn current_goal(&self) -> Goal {
        self.goal
    }

    /// Seeds column generation with the cells of `schedule` (a plan of the
    /// same problem shape, such as the previous point of a sweep).
    pub(crate) fn warm_plan(mut self, schedule: &Schedule) -> Self {
        let cells: Vec<_> = schedule
            .assignments
            .iter()
            .map(|a| (a.job, a.pool, a.slot))
            .collect();
        self.warm = Some(cells.into());
        self
    }

    /// The time limit, deadline, cancellation flag and column generation
    /// mode (for a sweep, which shares them out between its points).
    pub(crate) fn bounds(
        &self,
    ) -> (
        Option<Duration>,
        Option<Instant>,
        Option<Arc<AtomicBool>>,
        ColumnGeneration,
    ) {
        (
            self.time_limit,
            self.deadline,
            self.cancel.clone(),
            self.column_generation,
        )
    }

    /// Calls `hook` at each stage of the work (model built, each solver
    /// call of a longer solve with the incumbent and the bound, solver
    /// done, diagnosing), from the thread that runs the solve.
    pub fn on_progress(mut self, hook: impl Fn(&Progress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(hook));
        self
    }

    /// Stops the search after `limit` and returns the best plan found
    /// with its proven gap. The limit is checked between solver calls and
    /// handed to each solver as its own limit. HiGHS and microlp honour it
    /// closely; Clarabel counts only its iterations, so its setup of a very
    /// large model (a million columns solved whole) can overrun the limit
    /// by minutes. Building the model and Greedy's warm start run before
    /// the first check; their size is bounded by [`Optimal::memory_budget`].
    pub fn time_limit(mut self, limit: Duration) -> Self {
        self.time_limit = Some(limit);
        self
    }

    /// Stops every solve of this optimum (and of its clones) at `at`,
    /// whatever [`Optimal::time_limit`] says: the one deadline of a command
    /// that solves many times (a sweep, explain's re-solves, a re-plan, a
    /// diagnosis), so that the command as a whole ends by it. A solve
    /// started after it stops at once, with what it has (a plan with its
    /// proof, or [`Error::Stopped`]).
    pub fn deadline(mut self, at: Instant) -> Self {
        self.deadline = Some(self.deadline.map_or(at, |d| d.min(at)));
        self
    }

    /// This optimum with its time limit turned into a deadline from now
    /// (the earlier of it and any deadline already set): what a command
    /// that solves many times calls once, on entry, so that the limit
    /// bounds the command and not each solve.
    pub(crate) fn anchored(&self) -> Optimal {
        let mut out = self.clone();
        if let Some(at) = self.time_limit.and_then(|t| Instant::now().checked_add(t)) {
            out = out.deadline(at);
        }
        out.time_limit = None;
        out
    }

    /// Accepts a plan within `relative_gap` of the proven bound
    /// (`(total - bound) / max(1, |total|)`); default [`DEFAULT_GAP`].
    /// Values below 1e-9 are treated as 1e-9 (the solvers' own accuracy).
    pub fn gap(mut self, relative_gap: f64) -> Self {
        self.gap = if relative_gap.is_finite() {
            relative_gap.max(crate::solve::MIN_GAP)
        } else {
            DEFAULT_GAP
        };
        self
    }

    /// A flag another thread may raise to stop the solve; it is checked
    /// between solver calls (a call already running ends at its time
    /// limit). The best plan so far is returned with its proof.
    pub fn cancel_flag(mut self, flag: Arc<AtomicBool>) -> Self {
        self.cancel = Some(flag);
        self
    }

    /// Refuses, with [`Error::TooLarge`], a model whose estimate
    /// ([`Optimal::estimate`]) plus the problem's own
    /// ([`Problem::estimate_bytes`]) is above `bytes`; default
    /// [`DEFAULT_MEMORY_BUDGET_BYTES`].
    pub fn memory_budget(mut self, bytes: usize) -> Self {
        self.memory_budget_bytes = bytes;
        self
    }

    /// Refuses, with [`Error::TooLarge`] and before anything is built,
    /// a command that would hold `copies` problems like `p` (estimated
    /// with [`Problem::estimate_bytes`]) beyond the memory budget.
    pub(crate) fn check_problems(&self, bytes_each: usize, copies: usize) -> Result<(), Error> {
        let need = bytes_each.saturating_mul(copies);
        if need > self.memory_budget_bytes {
            return Err(TooLarge {
                columns: 0,
                nonzeros: 0,
                estimate_bytes: need,
                budget_bytes: self.memory_budget_bytes,
            }
            .into());
        }
        Ok(())
    }

    /// When to solve the LP by column generation; default
    /// [`ColumnGeneration::Auto`]. The optimum is the same either way (to
    /// the gap); only the time and memory differ.
    pub fn column_generation(mut self, mode: ColumnGeneration) -> Self {
        self.column_generation = mode;
        self
    }

    fn report(&self, stage: Progress) {
        if let Some(hook) = &self.progress {
            hook(&stage);
        }
    }

    fn limits(&self) -> Limits {
        Limits {
            // A limit beyond what the clock can represent is no limit.
            deadline: match (
                self.time_limit.and_then(|t| Instant::now().checked_add(t)),
                self.deadline,
            ) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            },
            gap: self.gap,
            cancel: self.cancel.clone(),
            column_generation: self.column_generation,
            whole_model_fits: true,
        }
    }

    /// Reports a solver call of a longer solve.
    fn round(
        &self,
        stage: Stage,
        round: usize,
        columns: usize,
        incumbent_usd: Option<f64>,
        bound_usd: f64,
    ) {
        self.report(Progress::Round {
            stage,
            round,
            columns,
            incumbent_usd,
            bound_usd,
        })
    }

    fn diagnose(&self, p: &Problem, limits: &Limits) -> Error {
        self.report(Progress::Diagnosing);
        let hook = |stage, round, columns, incumbent_usd, bound_usd| {
            self.round(stage, round, columns, incumbent_usd, bound_usd)
        };
        let clock = Instant::now();
        let error = diagnose(p, self.backend, limits, &hook, self.name());
        self.report(Progress::Diagnosed {
            seconds: clock.elapsed().as_secs_f64(),
        });
        error
    }

    /// The backend in use.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The same limits with another backend.
    pub(crate) fn with_backend(&self, backend: Backend) -> Optimal {
        Optimal {
            backend,
            ..self.clone()
        }
    }

    /// The size of the cost model for `problem` (built, not solved).
    pub fn model_size(&self, problem: &Problem) -> ModelSize {
        let m = lp::build(problem, Objective::Cost);
        m.size(true)
    }

    /// The size of the cost model for `problem`, estimated before anything
    /// is allocated.
    pub fn estimate(&self, problem: &Problem) -> ModelEstimate {
        lp::estimate(problem)
    }

    /// Solves `p`: the plan, its proof and (for a pure LP) the duals.
    ///
    /// # Errors
    /// [`Error::Infeasible`] (with each job that cannot be finished and
    /// why), [`Error::TooLarge`] (over the memory budget, before anything
    /// is built), [`Error::Stopped`] (a limit passed before any plan was
    /// found), [`Error::Solver`] (the solvers failed, after a retry on
    /// another where one is compiled in), [`Error::NotProven`] (a plan
    /// that could not be proven within the gap, with no limit to blame).
    ///
    /// With a cap or a budget ([`Optimal::goal`]): [`Error::Input`] for a
    /// limit that is not finite (or a negative cap), [`Error::Goal`] when
    /// every job can be finished but not within the limit
    /// ([`GoalError::Unreachable`], with the least achievable value when
    /// it could be computed within the limits) or when the plan breaks it
    /// on the evaluator's re-check ([`GoalError::Breached`], a bug).
    pub fn solve(&self, p: &Problem) -> Result<Solution, Error> {
        self.goal.check()?;
        let limits = self.limits();
        match self.solve_goal(p, self.goal, &limits) {
            // A breach may be the solver's tolerance meeting an extreme
            // input (a PUE of 9e15, a price of 1.8e19) that puts the limit
            // out of reach: the least achievable value, evaluated, says.
            Err(Error::Goal(
                failure @ (GoalError::Unreachable { .. } | GoalError::Breached { .. }),
            )) => {
                // Is it the limit, or the jobs? The other objective, with
                // no limit, says (and its optimum is the least achievable).
                let (other, least) = match self.goal {
                    Goal::LeastEmissionsUnderBudget { .. } => (Goal::LeastCost, true),
                    _ => (Goal::LeastEmissionsUnderBudget { total_usd: 0.0 }, false),
                };
                let free = if least {
                    self.solve_goal(p, other, &limits)
                } else {
                    self.solve_free_emissions(p, &limits)
                };
                let least_achievable = match free {
                    Err(e @ Error::Infeasible(_)) => return Err(e),
                    Ok(s) => crate::evaluate(p, self.name(), &s.schedule)
                        .ok()
                        .filter(|_| s.proof.stopped.is_none())
                        .map(|r| if least { r.total_usd } else { r.emissions_t }),
                    Err(_) => None,
                };
                let unreachable = GoalError::Unreachable {
                    goal: self.goal,
                    least_achievable,
                };
                Err(match failure {
                    GoalError::Breached { .. }
                        if !least_achievable.is_some_and(|v| self.goal.exceeded_by(v)) =>
                    {
                        failure
                    }
                    _ => unreachable,
                }
                .into())
            }
            r => r,
        }
    }

    /// The relative gap the solve aims for.
    pub(crate) fn target_gap(&self) -> f64 {
        self.gap
    }

    /// [`Optimal::solve`] with the cells `seed` (job, pool, slot: a
    /// previous plan's) added to the working set of column generation,
    /// beside the cheapest cells and Greedy's plan, and the jobs it covers
    /// started from it alone. The re-plan's warm start; `Auto` then runs
    /// column generation on a model large enough for it (whole-model HiGHS
    /// cannot start from a plan through good_lp).
    pub(crate) fn solve_seeded(
        &self,
        p: &Problem,
        seed: &[(usize, usize, usize)],
    ) -> Result<Solution, Error> {
        let mut seeded = self.clone();
        seeded.warm = Some(seed.into());
        seeded.warm_is_previous_plan = !seed.is_empty();
        seeded.solve(p)
    }

    /// The least-emissions plan with no limit (its proof in tCO2e), within
    /// the limits of `self`.
    pub(crate) fn least_emissions(&self, p: &Problem) -> Result<Solution, Error> {
        self.solve_free_emissions(p, &self.limits())
    }

    /// The least-emissions plan with no budget.
    fn solve_free_emissions(&self, p: &Problem, limits: &Limits) -> Result<Solution, Error> {
        let mut free = self.clone();
        free.goal = Goal::LeastEmissionsUnderBudget { total_usd: 0.0 };
        free.solve_model(p, free.goal, (lp::Objective::Emissions, None), limits)
    }

    fn solve_goal(&self, p: &Problem, goal: Goal, limits: &Limits) -> Result<Solution, Error> {
        self.solve_model(p, goal, goal.model(), limits)
    }

    /// Solves the model of `objective` and `limit` (those of `goal`, or
    /// the goal's objective without its limit).
    fn solve_model(
        &self,
        p: &Problem,
        goal: Goal,
        (objective, limit): (Objective, Option<lp::Limit>),
        limits: &Limits,
    ) -> Result<Solution, Error> {
        let mut limits = limits.clone();
        let estimate = lp::estimate_with(p, limit.is_some());
        // The problem (and a heuristic's ledgers) is already resident: the
        // model gets what is left of the budget, so that the two together
        // keep it.
        let resident = p.resident_bytes();
        let room = self.memory_budget_bytes.saturating_sub(resident);
        if estimate.matrix_bytes > room {
            return Err(TooLarge {
                columns: estimate.columns,
                nonzeros: estimate.nonzeros,
                estimate_bytes: estimate.matrix_bytes.saturating_add(resident),
                budget_bytes: self.memory_budget_bytes,
            }
            .into());
        }
        // After the memory check: the diagnosis builds a model of its own,
        // about the optimum's size.
        if p.jobs()
            .iter()
            .any(|j| j.windows.is_empty() && !j.may_fall_short())
        {
            return Err(self.diagnose(p, &limits));
        }
        let clock = Instant::now();
        let mut model = lp::build_with(p, objective, limit);
        if model.job_without_cells {
            return Err(self.diagnose(p, &limits));
        }
        // Greedy's plan (milliseconds) seeds column generation, and stands
        // in when a limit stops the search before the LP has a plan.
        let mut greedy: Option<Result<Schedule, Error>> = None;
        if model.columns() >= crate::solve::sifting::MIN_COLUMNS {
            let plan = super::Greedy.schedule(p);
            let rows = plan.iter().flat_map(|g| &g.assignments);
            let warm = self.warm.as_deref().unwrap_or(&[]).iter().copied();
            model.warm_start(rows.map(|a| (a.job, a.pool, a.slot)).chain(warm));
            model.seeded = self.warm_is_previous_plan;
            // A previous plan is only of use to column generation: `Auto`
            // runs it whenever there is one (whole-model HiGHS cannot
            // start from it through good_lp).
            if model.seeded && limits.column_generation == ColumnGeneration::Auto {
                limits.column_generation = ColumnGeneration::Always;
            }
            greedy = Some(plan);
        }
        let size = model.size(true);
        // Reassigned below only when Clarabel is compiled in.
        #[cfg_attr(not(feature = "clarabel"), allow(unused_mut))]
        let mut backend = self.backend.resolve(&size);
        // A whole model beyond the budget is still solved when column
        // generation keeps each call small; otherwise it is refused.
        limits.whole_model_fits = estimate.full_solver_bytes <= room;
        let mode = limits.column_generation;
        let sifts = |b| crate::solve::sifts(b, mode, model.columns());
        if !limits.whole_model_fits && !sifts(backend) {
            #[cfg(feature = "clarabel")]
            if self.backend == Backend::Auto {
                backend = Backend::Clarabel;
            }
            if !sifts(backend) {
                return Err(TooLarge {
                    columns: estimate.columns,
                    nonzeros: estimate.nonzeros,
                    estimate_bytes: estimate.full_solver_bytes.saturating_add(resident),
                    budget_bytes: self.memory_budget_bytes,
                }
                .into());
            }
        }
        self.report(Progress::Built {
            size,
            backend,
            seconds: clock.elapsed().as_secs_f64(),
        });
        let clock = Instant::now();
        let hook = |stage, round, columns, incumbent_usd, bound_usd| {
            self.round(stage, round, columns, incumbent_usd, bound_usd)
        };
        let plan = anytime::optimum(&model, backend, &limits, &hook);
        self.report(Progress::Solved {
            seconds: clock.elapsed().as_secs_f64(),
        });
        let plan = match plan {
            Ok(plan) => plan,
            // With a limit, the jobs alone may be feasible: `solve` asks.
            Err(NoPlan::Infeasible) if limit.is_some() => {
                return Err(GoalError::Unreachable {
                    goal,
                    least_achievable: None,
                }
                .into())
            }
            Err(NoPlan::Infeasible) => return Err(self.diagnose(p, &limits)),
            Err(NoPlan::Stopped(reason, bound)) => {
                // Stopped before the LP gave a plan: Greedy's plan (fast,
                // and checked by the evaluator) with the bound reached.
                let greedy = greedy.unwrap_or_else(|| super::Greedy.schedule(p));
                if let (true, Ok(mut schedule)) = (bound.is_finite(), greedy) {
                    // It stands in only where it keeps the goal's limit.
                    let keeps = crate::evaluate(p, "greedy", &schedule)
                        .is_ok_and(|r| limit.is_none() || goal.breach(&r).is_none());
                    if keeps {
                        let proof = Proof::new(f64::INFINITY, bound, self.gap, Some(reason));
                        if objective == Objective::Cost {
                            schedule.proof = Some(proof.clone());
                        }
                        return Ok(Solution {
                            report: crate::evaluate(p, self.name(), &schedule)?,
                            schedule,
                            proof,
                            duals: None,
                            backend,
                        });
                    }
                }
                return Err(Stopped {
                    reason,
                    bound_usd: bound.is_finite().then_some(bound),
                    infeasible: false,
                }
                .into());
            }
            Err(NoPlan::Numerical(why)) => {
                return Err(SolverFailure::new(backend, SolverStatus::Failed, why).into())
            }
        };
        // The solver's plan is not trusted: the evaluator checks every rule
        // and prices it, and the proof is judged against that price.
        // So is the limit: a plan that breaks it is an error, not a plan.
        // A point that misses a job's work by the solver's tolerance is
        // repaired within the room the rows leave (never exit 3 for
        // round-off); one still short is the solver's failure to see that
        // the jobs cannot finish: the diagnosis says which and why.
        let mut x = plan.x;
        crate::solve::repair(&model, &mut x);
        let mut schedule = Schedule::new(to_schedule(p, &model, &x));
        let report = match crate::evaluate(p, self.name(), &schedule) {
            Ok(r) => r,
            Err(v) if v.constraint == Constraint::Work && v.amount < v.limit => {
                return match self.diagnose(p, &limits) {
                    e @ Error::Infeasible(_) => Err(e),
                    // The jobs can finish: the solver's point was too far
                    // off to repair. Once, another solver re-solves it.
                    _ => match backend.fallback(model.has_choices()) {
                        Some(other) if !self.resolving && limits.stop().is_none() => {
                            let mut again = self.with_backend(other);
                            again.resolving = true;
                            again.solve_model(p, goal, (objective, limit), &limits)
                        }
                        _ => Err(v.into()),
                    },
                };
            }
            Err(v) => return Err(v.into()),
        };
        if let Some(value) = goal.breach(&report).filter(|_| limit.is_some()) {
            return Err(GoalError::Breached { goal, value }.into());
        }
        let total_usd = match objective {
            Objective::Emissions => report.emissions_t,
            _ => report.total_usd,
        };
        let proof = Proof::new(total_usd, plan.bound, self.gap, plan.stopped);
        if plan.stopped.is_none() && !proof.proven(total_usd) {
            return Err(NotProven {
                total_usd,
                bound_usd: proof.bound_usd,
                gap: proof.gap(total_usd),
                target_gap: self.gap,
            }
            .into());
        }
        // A report's bound is in $: an emissions bound stays in the
        // Solution.
        if objective == Objective::Cost {
            schedule.proof = Some(proof.clone());
        }
        // Duals are in $ per unit of each limit: none for an emissions
        // objective, whose duals would be in tCO2e.
        let duals = match &plan.duals {
            _ if objective != Objective::Cost => None,
            Some(d) => Some(duals(p, &model, d, &x, None)),
            // A MILP has no duals; the LP with its choices fixed does.
            None if self.fixed_duals && model.has_choices() && plan.stopped.is_none() => {
                let mask = anytime::fixed_mask(&model, &x);
                match crate::solve::solve_lp(
                    &model,
                    Some(&mask),
                    backend,
                    &limits,
                    &hook,
                    Stage::Fixed,
                ) {
                    Ok(r) if r.stopped.is_none() && r.feasible => r
                        .duals
                        .as_ref()
                        .map(|d| duals(p, &model, d, &r.x, Some(&mask))),
                    _ => None,
                }
            }
            None => None,
        };
        Ok(Solution {
            // Evaluated again now that the schedule carries its proof.
            report: crate::evaluate(p, self.name(), &schedule)?,
            schedule,
            proof,
            duals,
            backend,
        })
    }
}

impl Scheduler for Optimal {
    fn name(&self) -> &str {
        "optimal"
    }

    fn schedule(&self, p: &Problem) -> Result<Schedule, Error> {
        Ok(self.solve(p)?.schedule)
    }
}

/// The duals by row kind, as values of one more unit of each limit (see
/// [`Duals`]); `x` is the plan.
fn duals(p: &Problem, lp: &Lp, d: &[f64], x: &[f64], mask: Option<&[bool]>) -> Duals {
    let slots = p.slots();
    let mut out = Duals {
        work_usd_per_unit: vec![0.0; p.jobs().len()],
        capacity_usd_per_server_hour: vec![0.0; p.pools().len() * slots],
        power_usd_per_kwh: vec![0.0; p.regions().len() * slots],
        parallel_usd_per_server_hour: vec![0.0; p.jobs().len() * slots],
    };
    // The region choices (1 or 0 in a fixed LP, the only place a model
    // with choices has duals): the rows that a choice `y` multiplies move
    // with it.
    let mut choice = std::collections::HashMap::new();
    for (i, col) in lp.col.iter().enumerate() {
        if let Col::Choice { job, region } = *col {
            choice.insert((job, region), x[i]);
        }
    }
    for (row, &v) in lp.row.iter().zip(d) {
        // A `<=` row's dual is <= 0; its value is -dual.
        match *row {
            Row::Work { job } => out.work_usd_per_unit[job as usize] += v,
            // `sum s·x <= min(W, room)·y`, room the work the region's
            // cells can hold: one more unit of work raises it by `y` where
            // W is the lesser; else one more server-hour of a cell raises
            // it by the cell's work rate, through the bound that sets the
            // cell's upper bound.
            Row::RegionWork { job, region } => {
                let (j, r) = (job as usize, region as usize);
                let y = choice.get(&(job, region)).copied().unwrap_or(0.0);
                let cells = |t| p.regions()[r].pools.iter().map(move |&k| (k, t));
                let Some(w) = p.jobs()[j].window(r) else {
                    continue;
                };
                let room: f64 = (w.first_slot..w.end_slot)
                    .flat_map(cells)
                    .map(|(k, t)| lp::cell_upper(p, j, k, t).max(0.0) * p.work_rate(j, k))
                    .sum();
                if p.jobs()[j].work <= room {
                    out.work_usd_per_unit[j] += v * y;
                } else {
                    for (k, t) in (w.first_slot..w.end_slot).flat_map(cells) {
                        credit(p, &mut out, j, k, t, -v * y * p.work_rate(j, k));
                    }
                }
            }
            // `sum_k x[j,k,t] <= min(m·h, room)·y`: a Whole job's
            // parallelism in that slot where m·h is the lesser; else the
            // sum of its cells' upper bounds, each raised by its own bound.
            Row::RegionSlot { job, region, slot } => {
                let (j, r, t) = (job as usize, region as usize, slot as usize);
                let y = choice.get(&(job, region)).copied().unwrap_or(0.0);
                let par = p.jobs()[j].max_server_hours_per_slot;
                let room: f64 = p.regions()[r]
                    .pools
                    .iter()
                    .map(|&k| lp::cell_upper(p, j, k, t).max(0.0))
                    .sum();
                if par <= room {
                    out.parallel_usd_per_server_hour[j * slots + t] += -v * y;
                } else {
                    for &k in &p.regions()[r].pools {
                        credit(p, &mut out, j, k, t, -v * y);
                    }
                }
            }
            Row::Capacity { pool, slot } => {
                out.capacity_usd_per_server_hour[pool as usize * slots + slot as usize] = -v
            }
            Row::Power { region, slot } => {
                out.power_usd_per_kwh[region as usize * slots + slot as usize] = -v
            }
            Row::Parallel { job, slot } => {
                out.parallel_usd_per_server_hour[job as usize * slots + slot as usize] = -v
            }
            _ => {}
        }
    }
    // A cell whose upper bound one limit alone sets (`lp::cell_upper`),
    // and whose reduced cost is negative, sits at that bound: one more
    // unit of the limit raises it and saves the reduced cost per
    // server-hour. A Split job's egress is charged per work unit as
    // `E[j,r] / W_j`, so one more unit of work lowers that charge.
    let mut egress_usd = vec![0.0; p.jobs().len()];
    // A job's price of undone work, where it has one: one more unit of
    // work can always be left undone at it, so the work value is at most
    // that price (the work row's dual is above it when the slack sits at
    // its upper bound `W_j`, all work undone).
    let mut unmet_usd = vec![f64::INFINITY; p.jobs().len()];
    for (i, col) in lp.col.iter().enumerate() {
        let (j, k, t) = match *col {
            Col::Cell { job, pool, slot } => (job as usize, pool as usize, slot as usize),
            Col::Slack { job } => {
                unmet_usd[job as usize] = lp.cost[i];
                continue;
            }
            Col::Choice { .. } => continue,
        };
        if mask.is_some_and(|m| !m[i]) {
            continue; // not in the LP whose duals these are
        }
        let (job, pool) = (&p.jobs()[j], &p.pools()[k]);
        let r = pool.region;
        // Egress is charged per work unit done: per server-hour, the
        // job's work rate on the pool (speed × useful fraction), the rate
        // the work row counts. A job with a region choice pays it whole,
        // through the choice: none of it moves with the work.
        if let (Some(w), false) = (job.window(r), job.has_region_choice()) {
            egress_usd[j] += x[i] * p.work_rate(j, k) * job.egress_usd_per_work(w);
        }
        let gain = -lp.reduced_cost(i, d);
        if gain <= 0.0 {
            continue;
        }
        credit(p, &mut out, j, k, t, gain);
    }
    for (j, job) in p.jobs().iter().enumerate() {
        let v = &mut out.work_usd_per_unit[j];
        *v = v.min(unmet_usd[j]) - egress_usd[j] / job.work;
    }
    out
}

/// Adds `usd` (per server-hour of cell (j, k, t)) to the value of the one
/// limit that alone sets the cell's upper bound (`lp::cell_upper`): the
/// pool's capacity, the job's parallelism or the region's power cap (per
/// kWh at the meter); nothing on a tie, where no one limit raises it.
fn credit(p: &Problem, out: &mut Duals, j: usize, k: usize, t: usize, usd: f64) {
    let slots = p.slots();
    let pool = &p.pools()[k];
    let r = pool.region;
    let cap = pool.capacity_server_hours[t];
    let par = p.jobs()[j].max_server_hours_per_slot;
    let meter = pool.meter_kwh_per_server_hour;
    let pow = match p.regions()[r].power_cap_kwh_per_slot {
        Some(c) if meter > 0.0 => c / meter,
        _ => f64::INFINITY,
    };
    if cap < par && cap < pow {
        out.capacity_usd_per_server_hour[k * slots + t] += usd;
    } else if par < cap && par < pow {
        out.parallel_usd_per_server_hour[j * slots + t] += usd;
    } else if pow < cap && pow < par {
        out.power_usd_per_kwh[r * slots + t] += usd / meter;
    }
}

/// The plan's rows, job by job, cleaned of solver noise (see [`clean`]).
fn to_schedule(p: &Problem, lp: &Lp, x: &[f64]) -> Vec<Assignment> {
    let mut out = Vec::new();
    for (j, cols) in lp.job_cols.iter().enumerate() {
        let mut chosen = true;
        let mut cells: Vec<(usize, usize, usize, f64, f64)> = Vec::new(); // job, pool, slot, ub, value
                                                                          // The work the plan does: W_j less the slack of a job that may
                                                                          // fall short (the cost model has no other slack).
        let mut target = p.jobs()[j].work;
        for i in cols.clone() {
            match lp.col[i] {
                Col::Slack { .. } => target = (target - x[i]).max(0.0),
                Col::Choice { .. } => chosen = x[i] >= 0.5,
                Col::Cell { job, pool, slot } if chosen && x[i] > 0.0 => cells.push((
                    job as usize,
                    pool as usize,
                    slot as usize,
                    lp.upper[i],
                    x[i],
                )),
                _ => {}
            }
        }
        clean(p, &cells, target, &mut out);
    }
    out
}

/// Appends one job's rows to `out`: its positive values, without solver
/// noise, scaled so that its work is exactly `target` (`W_j`, less what a
/// job that may fall short leaves undone; see [`NOISE`] and [`RESCALE`]);
/// kept as solved where cleaning would move them more than that.
fn clean(
    p: &Problem,
    cells: &[(usize, usize, usize, f64, f64)],
    target: f64,
    out: &mut Vec<Assignment>,
) {
    let Some(job) = cells.first().map(|c| &p.jobs()[c.0]) else {
        return;
    };
    let j = cells.first().map_or(0, |c| c.0);
    let speed = |k: usize| p.work_rate(j, k);
    let is_noise = |&(_, k, _, ub, v): &(usize, usize, usize, f64, f64)| {
        v <= NOISE * ub.min(job.work / speed(k))
    };
    let dropped: f64 = cells
        .iter()
        .filter(|c| is_noise(c))
        .map(|c| c.4 * speed(c.1))
        .sum();
    let drop_noise = dropped <= RESCALE * job.work;
    let start = out.len();
    out.extend(cells.iter().filter(|c| !(drop_noise && is_noise(c))).map(
        |&(job, pool, slot, _, v)| Assignment {
            job,
            pool,
            slot,
            server_hours: v,
        },
    ));
    let done: f64 = out[start..]
        .iter()
        .map(|a| a.server_hours * speed(a.pool))
        .sum();
    let factor = target / done;
    if (factor - 1.0).abs() <= RESCALE {
        for a in &mut out[start..] {
            a.server_hours *= factor;
        }
    }
}

impl Proof {
    /// The proof of a plan of total `objective_usd` (the evaluator's).
    pub(crate) fn new(
        objective_usd: f64,
        bound_usd: f64,
        target_gap: f64,
        stopped: Option<StopReason>,
    ) -> Proof {
        let bound_usd = bound_usd.min(objective_usd);
        Proof {
            bound_usd,
            target_gap,
            stopped,
        }
    }
}
