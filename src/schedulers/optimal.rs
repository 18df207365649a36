//! Optimal: the LP of the model (a MILP when some job is `Whole`), solved
//! by the engine in `crate::solve` within a time limit, a gap and a
//! cancellation flag, and returned with its proof. This file holds the
//! settings (the builder) and the [`Scheduler`] adapter only; the engine
//! itself is [`crate::solve::engine::optimum`].

use super::Scheduler;
use crate::error::Error;
use crate::goal::Goal;
use crate::limits::{ColumnGeneration, DEFAULT_GAP, DEFAULT_MEMORY_BUDGET_BYTES, MIN_GAP};
use crate::problem::Problem;
use crate::schedule::Schedule;
use crate::solve::backend::Backend;
use crate::solve::engine::{self, Settings, Solution};
use crate::solve::error::TooLarge;
use crate::solve::lp::{self, ModelEstimate, ModelSize, Objective};
use crate::solve::mps;
use crate::solve::progress::Progress;
use std::fmt;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The minimum-cost schedule, within limits.
///
/// By default the solve is exact (a proven gap of at most
/// [`DEFAULT_GAP`]) with no time limit. [`Optimal::time_limit`],
/// [`Optimal::gap`] and [`Optimal::cancel_flag`] bound it: it then returns
/// the best plan found with its proof ([`Proof`](crate::Proof): a lower bound and the
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
    /// How it is solved: backend, limits, warm start, progress hook.
    settings: Settings,
    goal: Goal,
}

impl Default for Optimal {
    fn default() -> Self {
        Optimal::new(Backend::Auto)
    }
}

impl fmt::Debug for Optimal {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let s = &self.settings;
        f.debug_struct("Optimal")
            .field("backend", &s.backend)
            .field("progress", &s.progress.is_some())
            .field("time_limit", &s.time_limit)
            .field("deadline", &s.deadline)
            .field("gap", &s.gap)
            .field("cancel", &s.cancel.is_some())
            .field("memory_budget_bytes", &s.memory_budget_bytes)
            .field("held_bytes", &s.held_bytes)
            .field("column_generation", &s.column_generation)
            .field("goal", &self.goal)
            .field("warm", &s.warm.as_ref().map(|w| w.len()))
            .finish()
    }
}

impl Optimal {
    /// The optimum, solved by `backend`, exact, with no time limit.
    pub fn new(backend: Backend) -> Self {
        Optimal {
            settings: Settings {
                backend,
                progress: None,
                time_limit: None,
                deadline: None,
                gap: DEFAULT_GAP,
                cancel: None,
                memory_budget_bytes: DEFAULT_MEMORY_BUDGET_BYTES,
                held_bytes: 0,
                column_generation: ColumnGeneration::Auto,
                warm: None,
                warm_is_previous_plan: false,
                warm_point: None,
                warm_shape: None,
                bracket: None,
                fixed_duals: false,
                resolving: false,
                keep_proof: false,
            },
            goal: Goal::LeastCost,
        }
    }

    /// This optimum, returning for a MILP the duals of the LP with its
    /// region choices fixed at the optimum's (one more LP solve, within the
    /// same limits): what [`crate::explain`] reads.
    pub(crate) fn with_fixed_duals(mut self) -> Self {
        self.settings.fixed_duals = true;
        self
    }

    /// What to minimise, under which limit (see [`Goal`]); default
    /// [`Goal::LeastCost`]. The proof ([`Solution::proof`]) is a bound on
    /// the objective in use: $ for least cost (with or without a cap),
    /// tCO2e under a budget. Under a budget the schedule carries no
    /// [`Proof`](crate::Proof) (a report's `bound_usd` is in $), only the
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

    /// Starts from `previous`, the solution of a neighbouring problem
    /// (another carbon price, another field value: the same regions, pools,
    /// jobs and slots): its plan's and its all-Split relaxation's cells
    /// seed column generation (the relaxation then takes one round where
    /// it took three on the marketplace week), and for a MILP its plan,
    /// where it keeps every row of this model, is an incumbent after the
    /// point's own fixed plans, when it is cheaper than they are. Every
    /// plan is still proven on this problem's data; on a problem of
    /// another shape (a region left out) `previous` is not used.
    pub fn reuse(mut self, previous: &Solution) -> Self {
        self.settings.warm = Some(Arc::clone(&previous.reuse.cells));
        self.settings.warm_point = Some(Arc::clone(&previous.reuse.point));
        self.settings.warm_shape = Some(previous.reuse.shape);
        self
    }

    /// Keeps each solution's proof (its model's costs, bound, floors per
    /// region choice, prices and plan) for [`Optimal::between`]: a copy
    /// that only a sweep by halves needs.
    pub(crate) fn keeping_proof(mut self) -> Self {
        self.settings.keep_proof = true;
        self
    }

    /// Solves a problem between two solved ones, `a` and `b` (each with
    /// [`Optimal::keeping_proof`]): the same
    /// model but for its costs, each a mix of theirs (a carbon price
    /// between theirs). Their proven bounds, mixed, bound this one with no
    /// solver call, and their plans are plans of it: the cheaper one's
    /// Whole choices give the first LP, and the mixed bounds per region
    /// choice close options before the search. Where the model is not
    /// such a mix (checked column by column) nothing of theirs is used.
    /// Call [`Optimal::reuse`] too for their cells.
    pub(crate) fn between(mut self, a: &Solution, b: &Solution) -> Self {
        self.settings.bracket = match (&a.reuse.proven, &b.reuse.proven) {
            (Some(a), Some(b)) => Some([Arc::clone(a), Arc::clone(b)]),
            _ => None,
        };
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
            self.settings.time_limit,
            self.settings.deadline,
            self.settings.cancel.clone(),
            self.settings.column_generation,
        )
    }

    /// Calls `hook` at each stage of the work (model built, each solver
    /// call of a longer solve with the incumbent and the bound, solver
    /// done, diagnosing), from the thread that runs the solve.
    pub fn on_progress(mut self, hook: impl Fn(&Progress) + Send + Sync + 'static) -> Self {
        self.settings.progress = Some(Arc::new(hook));
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
        self.settings.time_limit = Some(limit);
        self
    }

    /// Stops every solve of this optimum (and of its clones) at `at`,
    /// whatever [`Optimal::time_limit`] says: the one deadline of a command
    /// that solves many times (a sweep, explain's re-solves, a re-plan, a
    /// diagnosis), so that the command as a whole ends by it. A solve
    /// started after it stops at once, with what it has (a plan with its
    /// proof, or [`Error::Stopped`]).
    pub fn deadline(mut self, at: Instant) -> Self {
        self.settings.deadline = Some(self.settings.deadline.map_or(at, |d| d.min(at)));
        self
    }

    /// Why a solve started now would stop at once (its deadline passed,
    /// or its cancel flag raised), if it would.
    pub(crate) fn stop_now(&self) -> Option<crate::limits::StopReason> {
        self.settings.limits().stop()
    }

    /// This optimum with its time limit turned into a deadline from now
    /// (the earlier of it and any deadline already set): what a command
    /// that solves many times calls once, on entry, so that the limit
    /// bounds the command and not each solve.
    pub(crate) fn anchored(&self) -> Optimal {
        let mut out = self.clone();
        if let Some(at) = self
            .settings
            .time_limit
            .and_then(|t| Instant::now().checked_add(t))
        {
            out = out.deadline(at);
        }
        out.settings.time_limit = None;
        out
    }

    /// Accepts a plan within `relative_gap` of the proven bound
    /// (`(total - bound) / max(1, |total|)`); default [`DEFAULT_GAP`].
    /// Values below 1e-9 are treated as 1e-9 (the solvers' own accuracy).
    pub fn gap(mut self, relative_gap: f64) -> Self {
        self.settings.gap = if relative_gap.is_finite() {
            relative_gap.max(MIN_GAP)
        } else {
            DEFAULT_GAP
        };
        self
    }

    /// A flag another thread may raise to stop the solve; it is checked
    /// between solver calls (a call already running ends at its time
    /// limit). The best plan so far is returned with its proof.
    pub fn cancel_flag(mut self, flag: Arc<AtomicBool>) -> Self {
        self.settings.cancel = Some(flag);
        self
    }

    /// Refuses, with [`Error::TooLarge`] and before it is built, a model
    /// whose estimate ([`Optimal::estimate`], with the engine's working
    /// vectors and a solver call's own memory) plus the problem's own
    /// ([`Problem::estimate_bytes`]) and what is held
    /// ([`Optimal::holding`]) is above `bytes`; default
    /// [`DEFAULT_MEMORY_BUDGET_BYTES`]. See [`Optimal::check_memory`].
    pub fn memory_budget(mut self, bytes: usize) -> Self {
        self.settings.memory_budget_bytes = bytes;
        self
    }

    /// The same optimum, with `bytes` more held by the caller beside the
    /// problem each solve is given (the other problems of a command: a
    /// sweep's base problem beside each point's, `risk`'s problem with
    /// interruptions ignored beside the priced one): every solve counts
    /// them against the memory budget with its problem's own
    /// ([`Problem::estimate_bytes`]). Adds to what is held already.
    pub fn holding(mut self, bytes: usize) -> Self {
        self.settings.held_bytes = self.settings.held_bytes.saturating_add(bytes);
        self
    }

    /// Refuses, with [`Error::TooLarge`] and before anything of it is
    /// built, a solve of `problem` that would not keep the memory budget:
    /// the problem and what is held ([`Optimal::holding`]), the model,
    /// and the solver's own memory for one call (the whole model, or
    /// column generation's calls where the backend has them). Every
    /// [`Optimal::solve`] makes this check first; a command calls it
    /// before it builds the other problems it will hold.
    pub fn check_memory(&self, problem: &Problem) -> Result<(), Error> {
        engine::memory_check_of(problem, &self.settings, self.goal)
    }

    /// [`Optimal::check_memory`] of a command that holds `copies`
    /// problems like `problem` while it solves one of them.
    pub(crate) fn check_problems(&self, problem: &Problem, copies: usize) -> Result<(), Error> {
        let others = problem
            .resident_bytes()
            .saturating_mul(copies.saturating_sub(1));
        self.clone().holding(others).check_memory(problem)
    }

    /// The optimum of one of `threads` solves run at once beside `held`
    /// bytes (a sweep's base problem): with one, `held` is held as
    /// [`Optimal::holding`] says; with more, each gets a share of the
    /// memory budget, `(budget - held) / threads`, so that every solve
    /// within its share keeps the whole within the budget.
    pub(crate) fn shared(&self, threads: usize, held: usize) -> Optimal {
        if threads <= 1 {
            return self.clone().holding(held);
        }
        let mut out = self.clone();
        out.settings.memory_budget_bytes =
            self.settings.memory_budget_bytes.saturating_sub(held) / threads;
        out
    }

    /// The most solves of problems like `problem`, from `asked` down to
    /// one, that the memory budget holds at once beside `held(n)` bytes
    /// (for `n` at once), and the optimum each runs ([`Optimal::shared`]):
    /// a sweep's and `explain`'s threads.
    pub(crate) fn most_at_once(
        &self,
        problem: &Problem,
        asked: usize,
        held: impl Fn(usize) -> usize,
    ) -> (usize, Optimal) {
        let n = (2..=asked)
            .rev()
            .find(|&n| self.shared(n, held(n)).check_memory(problem).is_ok())
            .unwrap_or(1);
        (n, self.shared(n, held(n)))
    }

    /// When to solve the LP by column generation; default
    /// [`ColumnGeneration::Auto`]. The optimum is the same either way (to
    /// the gap); only the time and memory differ.
    pub fn column_generation(mut self, mode: ColumnGeneration) -> Self {
        self.settings.column_generation = mode;
        self
    }

    /// The backend in use.
    pub fn backend(&self) -> Backend {
        self.settings.backend
    }

    /// The same limits with another backend.
    pub(crate) fn with_backend(&self, backend: Backend) -> Optimal {
        let mut out = self.clone();
        out.settings.backend = backend;
        out
    }

    /// Writes the model this optimum would solve for `problem` (its goal's
    /// objective and limit row) to `out` as free MPS, region choices marked
    /// integer, so that an independent solver can solve exactly the
    /// crate's formulation (names and format: [`crate::guide::performance`],
    /// "The year-long real-data MILP").
    /// Refuses, before building anything, a model over the memory budget.
    ///
    /// # Errors
    /// [`Error::TooLarge`] over the budget; [`Error::Export`] with
    /// [`ExportError::Io`](crate::ExportError::Io) when `out` fails.
    pub fn write_mps(
        &self,
        problem: &Problem,
        out: &mut impl std::io::Write,
    ) -> Result<ModelSize, Error> {
        let (objective, limit) = self.goal.model();
        let estimate = lp::estimate_with(problem, limit.is_some());
        let resident = problem.resident_bytes();
        let room = self.settings.memory_budget_bytes.saturating_sub(resident);
        if estimate.matrix_bytes > room {
            return Err(Error::from(TooLarge {
                columns: estimate.columns,
                nonzeros: estimate.nonzeros,
                estimate_bytes: estimate.matrix_bytes.saturating_add(resident),
                budget_bytes: self.settings.memory_budget_bytes,
            }));
        }
        let model = lp::build_with(problem, objective, limit);
        Ok(mps::write(&model, out)?)
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
    /// ([`crate::GoalError::Unreachable`], with the least achievable value when
    /// it could be computed within the limits) or when the plan breaks it
    /// on the evaluator's re-check ([`crate::GoalError::Breached`], a bug).
    pub fn solve(&self, p: &Problem) -> Result<Solution, Error> {
        engine::optimum(p, &self.settings, self.goal)
    }

    /// The relative gap the solve aims for.
    pub(crate) fn target_gap(&self) -> f64 {
        self.settings.gap
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
        seeded.settings.warm = Some(seed.into());
        seeded.settings.warm_is_previous_plan = !seed.is_empty();
        seeded.solve(p)
    }

    /// The least-emissions plan with no limit (its proof in tCO2e), within
    /// the limits of `self`.
    pub(crate) fn least_emissions(&self, p: &Problem) -> Result<Solution, Error> {
        engine::least_emissions(p, &self.settings)
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
