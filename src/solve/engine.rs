//! The engine's one entry: [`optimum`] takes a problem, the settings of
//! a solve ([`Settings`]: backend, limits, warm start, progress hook) and
//! a [`Goal`], and returns a [`Solution`]: the plan, its proof, its duals
//! and its evaluated report. It names the stages: check the memory budget,
//! build the model, solve it anytime ([`super::anytime`]), repair and
//! clean the solver's point ([`super::cleanup`]), have the evaluator judge
//! and price it, read the duals ([`super::duals`]); and, when no plan
//! comes, diagnose why ([`crate::diagnose`]). It may touch every floor of
//! [`crate::solve`], the problem, the evaluator, and Greedy (the warm start
//! and stand-in plan); the [`crate::schedulers::Optimal`] builder is a
//! thin adapter over it.

use super::anytime::{self, NoPlan};
use super::backend::Backend;
use super::bracket;
use super::cleanup::{repair, to_schedule};
use super::duals::{duals, Duals};
use super::linear::{sifts, solve_lp};
use super::lp::{self, ModelEstimate, ModelSize, Objective};
use super::memory;
use super::progress::{Hook, OnRound, Progress, Stage};
use super::sifting;
use crate::diagnose::{diagnose as diagnose_problem, whole_jobs_alone};
use crate::error::Error;
use crate::evaluate::violation::Constraint;
use crate::evaluate::{self, evaluate, Report};
use crate::goal::{Goal, GoalError};
use crate::limits::{ColumnGeneration, Limits, StopReason};
use crate::problem::Problem;
use crate::schedule::{Proof, Schedule};
use crate::schedulers::greedy::Greedy;
use crate::schedulers::Scheduler;
use crate::solve::error::{NotProven, SolverFailure, SolverStatus, Stopped, TooLarge};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The name the engine's plans are evaluated and diagnosed under (the
/// [`crate::schedulers::Optimal`] scheduler's).
const NAME: &str = "optimal";

/// The optimum's answer: the schedule, its proof, and the duals.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
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
    /// What a neighbouring solve reuses ([`crate::schedulers::Optimal`]'s
    /// `reuse`): not part of the answer.
    #[serde(skip)]
    pub(crate) reuse: Reuse,
}

/// Two solutions are equal when their answers are: the plan, the proof,
/// the duals, the backend and the report. What a neighbouring solve may
/// reuse is a cache, not part of the answer (nor of the JSON form).
impl PartialEq for Solution {
    fn eq(&self, other: &Self) -> bool {
        self.schedule == other.schedule
            && self.proof == other.proof
            && self.duals == other.duals
            && self.backend == other.backend
            && self.report == other.report
    }
}

/// What a solve leaves for a neighbouring one (a sweep's next point):
/// the cells of its plan and of its all-Split relaxation's point, the
/// next one's first working set. (Each Whole job's region as the next
/// first fixed LP's assignment was measured and lost: the first fixed LP
/// was the optimum, but fewer sets of prices closed fewer options, and
/// the 7-point sweep of the marketplace week took 10.7-10.9 s of CPU
/// against 9.5-9.8 s without any reuse.)
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Reuse {
    pub(crate) cells: Arc<[(usize, usize, usize)]>,
    /// Its plan as a point of its model, by what each column stands for.
    pub(crate) point: Arc<[(lp::Col, f64)]>,
    /// The shape of its problem ([`shape_of`]): cells and columns are
    /// named by indices, which mean the same only on the same shape.
    pub(crate) shape: u64,
    /// Its model's proof, for a point between it and another
    /// ([`super::bracket`]): a MILP's with Whole jobs, else none.
    pub(crate) proven: Option<Arc<lp::Proven>>,
}

/// A fingerprint of what the indices of `p`'s cells and columns stand
/// for: its regions, pools and jobs (ids and order) and its slots. Two
/// problems of one shape (a sweep's points, `risk`'s two) share it; a
/// variant without a region does not.
pub(crate) fn shape_of(p: &Problem) -> u64 {
    use std::hash::{Hash, Hasher};
    let s = p.scenario();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    s.horizon.slots.hash(&mut h);
    for r in &s.regions {
        r.id.hash(&mut h);
    }
    for k in &s.pools {
        (&k.id, &k.region).hash(&mut h);
    }
    for j in &s.jobs {
        j.id.hash(&mut h);
    }
    h.finish()
}

/// How one optimum is solved (everything but the goal): the settings an
/// [`crate::schedulers::Optimal`] holds, read by [`optimum`].
#[derive(Clone)]
pub(crate) struct Settings {
    pub(crate) backend: Backend,
    pub(crate) progress: Option<Hook>,
    pub(crate) time_limit: Option<Duration>,
    /// An instant no solve of this optimum runs past, whatever its
    /// `time_limit`: a command's one deadline (see
    /// [`crate::schedulers::Optimal::deadline`]).
    pub(crate) deadline: Option<Instant>,
    pub(crate) gap: f64,
    pub(crate) cancel: Option<Arc<AtomicBool>>,
    pub(crate) memory_budget_bytes: usize,
    /// Bytes the caller holds beside the problem it solves (the other
    /// problems of a command: a sweep's base, `risk`'s second problem),
    /// counted against the budget with the problem's own.
    pub(crate) held_bytes: usize,
    pub(crate) column_generation: ColumnGeneration,
    /// Cells (job, pool, slot) of a known plan (the previous point of a
    /// sweep, or a re-plan's previous plan) that seed column generation.
    pub(crate) warm: Option<Arc<[(usize, usize, usize)]>>,
    /// `warm` is the plan being re-planned: the jobs it covers start column
    /// generation from it alone, and `Auto` sifts (see
    /// [`crate::schedulers::Optimal`]'s `solve_seeded`).
    pub(crate) warm_is_previous_plan: bool,
    /// A neighbouring solve's plan ([`Reuse::point`]): the first
    /// incumbent of a MILP where it keeps this model's rows.
    pub(crate) warm_point: Option<Arc<[(lp::Col, f64)]>>,
    /// The shape ([`shape_of`]) of the problem `warm` and `warm_point`
    /// come from, when a neighbour's: on another shape they are ignored.
    pub(crate) warm_shape: Option<u64>,
    /// Two solved neighbours on either side of this problem ([`Reuse::proven`]
    /// of each): where the model has their rows and its costs are a mix of
    /// theirs, their proofs bound it ([`super::bracket`]).
    pub(crate) bracket: Option<[Arc<lp::Proven>; 2]>,
    /// For a MILP, also solve the LP with the optimum's region choices
    /// fixed and return its duals (explain's values).
    pub(crate) fixed_duals: bool,
    /// This solve re-solves, on another solver, a plan that missed work
    /// beyond repair: it does not hand over again.
    pub(crate) resolving: bool,
    /// Keep the model's proof in the solution ([`Reuse::proven`]), for a
    /// point between it and another (a sweep by halves): a copy of the
    /// costs and prices that no other caller needs.
    pub(crate) keep_proof: bool,
}

impl Settings {
    fn report(&self, stage: Progress) {
        if let Some(hook) = &self.progress {
            hook(&stage);
        }
    }

    /// The limits of one solve started now: the time limit from now, or
    /// the deadline, whichever is first.
    pub(crate) fn limits(&self) -> Limits {
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
            solver_room_bytes: usize::MAX,
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
}

/// Why `p` has no plan: the diagnosis, reported to the progress hook.
fn diagnose(p: &Problem, s: &Settings, limits: &Limits) -> Error {
    s.report(Progress::Diagnosing);
    let hook = |stage, round, columns, incumbent_usd, bound_usd| {
        s.round(stage, round, columns, incumbent_usd, bound_usd)
    };
    let clock = Instant::now();
    let error = diagnose_problem(p, s.backend, limits, &hook, NAME);
    s.report(Progress::Diagnosed {
        seconds: clock.elapsed().as_secs_f64(),
    });
    error
}

/// The optimum of `p` under `goal`, solved as `s` says: the plan, its
/// proof, (for a pure LP) the duals, and its report. The errors are
/// those of [`crate::schedulers::Optimal::solve`].
pub(crate) fn optimum(p: &Problem, s: &Settings, goal: Goal) -> Result<Solution, Error> {
    goal.check()?;
    let limits = s.limits();
    match solve_goal(p, s, goal, &limits) {
        // A breach may be the solver's tolerance meeting an extreme
        // input (a PUE of 9e15, a price of 1.8e19) that puts the limit
        // out of reach: the least achievable value, evaluated, says.
        Err(Error::Goal(
            failure @ (GoalError::Unreachable { .. } | GoalError::Breached { .. }),
        )) => {
            // Is it the limit, or the jobs? The other objective, with
            // no limit, says (and its optimum is the least achievable).
            let (other, least) = match goal {
                Goal::LeastEmissionsUnderBudget { .. } => (Goal::LeastCost, true),
                _ => (Goal::LeastEmissionsUnderBudget { total_usd: 0.0 }, false),
            };
            let free = if least {
                solve_goal(p, s, other, &limits)
            } else {
                solve_free_emissions(p, s, &limits)
            };
            let least_achievable = match free {
                Err(e @ Error::Infeasible(_)) => return Err(e),
                Ok(sol) => evaluate(p, NAME, &sol.schedule)
                    .ok()
                    .filter(|_| sol.proof.stopped.is_none())
                    .map(|r| if least { r.total_usd } else { r.emissions_t }),
                Err(_) => None,
            };
            let unreachable = GoalError::Unreachable {
                goal,
                least_achievable,
            };
            Err(match failure {
                GoalError::Breached { .. }
                    if !least_achievable.is_some_and(|v| goal.exceeded_by(v)) =>
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

/// The least-emissions plan with no limit (its proof in tCO2e), within
/// the limits of `s`.
pub(crate) fn least_emissions(p: &Problem, s: &Settings) -> Result<Solution, Error> {
    solve_free_emissions(p, s, &s.limits())
}

/// The least-emissions plan with no budget.
fn solve_free_emissions(p: &Problem, s: &Settings, limits: &Limits) -> Result<Solution, Error> {
    let goal = Goal::LeastEmissionsUnderBudget { total_usd: 0.0 };
    solve_model(p, s, goal, (lp::Objective::Emissions, None), limits)
}

fn solve_goal(p: &Problem, s: &Settings, goal: Goal, limits: &Limits) -> Result<Solution, Error> {
    solve_model(p, s, goal, goal.model(), limits)
}

/// What the memory budget leaves a solve: its backend (under `Auto`,
/// Clarabel when only column generation fits), whether the whole model
/// fits a solver, and the bytes any one solver call may take.
struct Fit {
    backend: Backend,
    whole_model_fits: bool,
    solver_room_bytes: usize,
}

/// The memory budget against what a solve would hold, from counts alone
/// (before anything is built): the problem and whatever else the caller
/// holds (`held_bytes`; the problem twice with a binding `max_regions`,
/// whose spread stage holds a copy), the engine's model (twice for a
/// MILP, which also holds its all-Split relaxation, and for the spread
/// stage's model) and its working vectors
/// ([`memory::ENGINE_BYTES_PER_COLUMN`]), and a solver's call
/// ([`memory::call_bytes`]: good_lp's copy and the solver's own working
/// memory, Clarabel's KKT system and factors, microlp's LU factors). The
/// whole model in one call, or else column generation's calls kept
/// within what is left ([`Limits::solver_room_bytes`]); neither:
/// [`TooLarge`]. `mode` and `columns` (the model's, estimated or built)
/// decide whether `backend` solves by column generation.
fn memory_check(
    p: &Problem,
    s: &Settings,
    estimate: &ModelEstimate,
    mip: bool,
    backend: Backend,
    (mode, columns): (ColumnGeneration, usize),
) -> Result<Fit, Error> {
    // A binding `max_regions` also holds the problem held to fewer
    // regions (a copy of this one) and its model (`solve::spread`).
    let spread = p.jobs().iter().any(|j| j.spread_binds());
    let resident = p
        .resident_bytes()
        .saturating_mul(if spread { 2 } else { 1 })
        .saturating_add(s.held_bytes);
    let room = s.memory_budget_bytes.saturating_sub(resident);
    let matrix_bytes = match mip || spread {
        true => estimate.matrix_bytes.saturating_mul(2),
        false => estimate.matrix_bytes,
    }
    .saturating_add(
        estimate
            .columns
            .saturating_mul(memory::ENGINE_BYTES_PER_COLUMN),
    );
    let too_large = |bytes: usize| -> Error {
        TooLarge {
            columns: estimate.columns,
            nonzeros: estimate.nonzeros,
            estimate_bytes: bytes.saturating_add(resident),
            budget_bytes: s.memory_budget_bytes,
        }
        .into()
    };
    if matrix_bytes > room {
        return Err(too_large(matrix_bytes));
    }
    let solver_room_bytes = room - matrix_bytes;
    let whole = |b| memory::whole_bytes(b, mip, estimate.columns, estimate.nonzeros);
    // Reassigned below only when Clarabel is compiled in.
    #[cfg_attr(not(feature = "clarabel"), allow(unused_mut))]
    let mut backend = backend;
    let whole_model_fits = whole(backend) <= solver_room_bytes;
    // A whole model beyond the budget is still solved when column
    // generation keeps each call small; otherwise it is refused.
    if !whole_model_fits && !sifts(backend, mode, columns) {
        #[cfg(feature = "clarabel")]
        if s.backend == Backend::Auto {
            backend = Backend::Clarabel;
        }
        if !sifts(backend, mode, columns) {
            return Err(too_large(matrix_bytes.saturating_add(whole(backend))));
        }
    }
    Ok(Fit {
        backend,
        whole_model_fits: whole(backend) <= solver_room_bytes,
        solver_room_bytes,
    })
}

/// [`memory_check`] of the model of `goal` for `p`, before anything is
/// built: [`crate::schedulers::Optimal::check_memory`].
pub(crate) fn memory_check_of(p: &Problem, s: &Settings, goal: Goal) -> Result<(), Error> {
    let (_, limit) = goal.model();
    let estimate = lp::estimate_with(p, limit.is_some());
    let mip = p.jobs().iter().any(|j| j.has_region_choice());
    let size = ModelSize {
        variables: estimate.columns,
        binaries: 0,
        constraints: 0,
    };
    memory_check(
        p,
        s,
        &estimate,
        mip,
        s.backend.resolve(&size),
        (s.column_generation, estimate.columns),
    )
    .map(|_| ())
}

/// Solves the model of `objective` and `limit` (those of `goal`, or
/// the goal's objective without its limit), in named stages: the memory
/// budget and the model, warm started by Greedy ([`build`]); the anytime
/// solve (or, with no plan, the diagnosis or Greedy's [`stand_in`]); the
/// plan repaired, cleaned and judged by the evaluator, with its proof and
/// its duals ([`judge`]).
fn solve_model(
    p: &Problem,
    s: &Settings,
    goal: Goal,
    (objective, limit): (Objective, Option<lp::Limit>),
    limits: &Limits,
) -> Result<Solution, Error> {
    let Built {
        model,
        greedy,
        backend,
        limits,
    } = build(p, s, limit, limits, objective)?;
    // The anytime solve.
    let clock = Instant::now();
    let hook = |stage, round, columns, incumbent_usd, bound_usd| {
        s.round(stage, round, columns, incumbent_usd, bound_usd)
    };
    let plan = anytime::optimum(p, &model, backend, &limits, &hook);
    s.report(Progress::Solved {
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
        Err(NoPlan::Infeasible) => return Err(diagnose(p, s, &limits)),
        Err(NoPlan::Stopped(reason, bound)) => {
            let greedy = greedy.unwrap_or_else(|| Greedy.schedule(p));
            return stand_in(
                p,
                s,
                goal,
                (objective, limit),
                greedy,
                (reason, bound),
                backend,
            );
        }
        Err(NoPlan::Numerical(why)) => {
            return Err(SolverFailure::new(backend, SolverStatus::Failed, why).into())
        }
    };
    let built = Built {
        model,
        greedy,
        backend,
        limits,
    };
    judge(p, s, goal, (objective, limit), plan, built)
}

/// The model of a solve, as [`build`] leaves it: warm started, with
/// Greedy's plan (when it ran), the backend the memory budget leaves, and
/// the limits it sets.
struct Built {
    model: lp::Lp,
    greedy: Option<Result<Schedule, Error>>,
    backend: Backend,
    limits: Limits,
}

/// The first stages of [`solve_model`]: the memory budget (before
/// anything is built, see [`memory_check`]), the scenario's plain
/// infeasibility, and the model of `objective` and `limit`, warm started
/// by Greedy's plan and the settings' warm cells.
fn build(
    p: &Problem,
    s: &Settings,
    limit: Option<lp::Limit>,
    limits: &Limits,
    objective: Objective,
) -> Result<Built, Error> {
    let mut limits = limits.clone();
    let estimate = lp::estimate_with(p, limit.is_some());
    let mip = p.jobs().iter().any(|j| j.has_region_choice());
    let by_estimate = ModelSize {
        variables: estimate.columns,
        binaries: 0,
        constraints: 0,
    };
    memory_check(
        p,
        s,
        &estimate,
        mip,
        s.backend.resolve(&by_estimate),
        (s.column_generation, estimate.columns),
    )?;
    // After the memory check: the diagnosis builds a model of its own,
    // about the optimum's size. A job with no window, or a Whole job that
    // no region alone could finish, makes the scenario infeasible before
    // any LP or MILP (a MILP would have to search every region choice to
    // prove it: 5 minutes without an end on 20 Whole jobs).
    if p.jobs()
        .iter()
        .any(|j| j.windows.is_empty() && !j.may_fall_short())
        || !whole_jobs_alone(p).is_empty()
    {
        return Err(diagnose(p, s, &limits));
    }
    // The model, warm started.
    let clock = Instant::now();
    let mut model = lp::build_with(p, objective, limit);
    if model.job_without_cells {
        return Err(diagnose(p, s, &limits));
    }
    // A neighbour's cells and plan are named by indices: of use only on
    // a problem of its shape.
    let same_shape = s.warm_shape.is_none_or(|h| h == shape_of(p));
    if let Some(point) = s.warm_point.as_ref().filter(|_| same_shape) {
        model.warm_point = Arc::clone(point);
    }
    // Checked against the model itself ([`bracket::chord`]).
    model.bracket = s.bracket.clone();
    // Greedy's plan (milliseconds) seeds column generation, and stands
    // in when a limit stops the search before the LP has a plan.
    let mut greedy: Option<Result<Schedule, Error>> = None;
    if model.columns() >= sifting::MIN_COLUMNS {
        let plan = Greedy.schedule(p);
        let rows = plan.iter().flat_map(|g| &g.assignments);
        let warm = s.warm.as_deref().filter(|_| same_shape);
        let warm = warm.unwrap_or(&[]).iter().copied();
        model.warm_start(rows.map(|a| (a.job, a.pool, a.slot)).chain(warm));
        model.seeded = s.warm_is_previous_plan;
        // A previous plan is only of use to column generation: `Auto`
        // runs it whenever there is one (whole-model HiGHS cannot
        // start from it through good_lp).
        if model.seeded && limits.column_generation == ColumnGeneration::Auto {
            limits.column_generation = ColumnGeneration::Always;
        }
        greedy = Some(plan);
    }
    let size = model.size(true);
    // The same check on the model as built (its backend may differ from
    // the estimate's near `AUTO_CLARABEL_MIN_VARIABLES`).
    let fit = memory_check(
        p,
        s,
        &estimate,
        mip,
        s.backend.resolve(&size),
        (limits.column_generation, model.columns()),
    )?;
    limits.whole_model_fits = fit.whole_model_fits;
    limits.solver_room_bytes = fit.solver_room_bytes;
    s.report(Progress::Built {
        size,
        backend: fit.backend,
        seconds: clock.elapsed().as_secs_f64(),
    });
    Ok(Built {
        model,
        greedy,
        backend: fit.backend,
        limits,
    })
}

/// The last stages of [`solve_model`]: the engine's `plan` of the model
/// `b` judged. The solver's plan is not trusted: the evaluator checks
/// every rule and prices it, and the proof is judged against that price.
/// So is the limit: a plan that breaks it is an error, not a plan. A
/// point that misses a job's work by the solver's tolerance is repaired
/// within the room the rows leave (never exit 3 for round-off); one still
/// short is the solver's failure to see that the jobs cannot finish: the
/// diagnosis says which and why.
fn judge(
    p: &Problem,
    s: &Settings,
    goal: Goal,
    (objective, limit): (Objective, Option<lp::Limit>),
    plan: anytime::Plan,
    b: Built,
) -> Result<Solution, Error> {
    let Built {
        model,
        greedy,
        backend,
        limits,
    } = b;
    let mut x = plan.x;
    repair(&model, &mut x);
    let mut schedule = Schedule::new(to_schedule(p, &model, &x));
    let mut report = match evaluate::judge(p, NAME, &schedule) {
        Ok(r) => r,
        Err(v) if v.constraint == Constraint::Work && v.amount < v.limit => {
            return match diagnose(p, s, &limits) {
                e @ Error::Infeasible(_) => Err(e),
                // The jobs can finish: the solver's point was too far
                // off to repair. Once, another solver re-solves it.
                _ => match backend.fallback(model.has_choices()) {
                    Some(other) if !s.resolving && limits.stop().is_none() => {
                        let mut again = s.clone();
                        again.backend = other;
                        again.resolving = true;
                        solve_model(p, &again, goal, (objective, limit), &limits)
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
    // Stopped early, the engine's plan (a rounded one, say) may be dearer
    // than Greedy's: the cheaper of the two is the answer, with the same
    // proven bound (Greedy's must keep the goal's limit too). Its duals
    // would be those of another plan: none are read for it.
    // (Greedy runs here if the model was too small to be seeded by it.)
    let mut greedy_won = false;
    if plan.stopped.is_some() && objective == Objective::Cost {
        if let Ok(plan_g) = greedy.unwrap_or_else(|| Greedy.schedule(p)) {
            if let Ok(r) = evaluate(p, NAME, &plan_g) {
                if r.total_usd < report.total_usd && (limit.is_none() || goal.breach(&r).is_none())
                {
                    schedule = plan_g;
                    report = r;
                    greedy_won = true;
                }
            }
        }
    }
    let total_usd = match objective {
        Objective::Emissions => report.emissions_t,
        _ => report.total_usd,
    };
    let proof = Proof::new(total_usd, plan.bound, s.gap, plan.stopped);
    if plan.stopped.is_none() && !proof.proven(total_usd) {
        return Err(NotProven {
            total_usd,
            bound_usd: proof.bound_usd,
            gap: proof.gap(total_usd),
            target_gap: s.gap,
            unit: objective.unit(),
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
    let hook = |stage, round, columns, incumbent_usd, bound_usd| {
        s.round(stage, round, columns, incumbent_usd, bound_usd)
    };
    let duals = match objective {
        Objective::Cost if !greedy_won => {
            let solved = (plan.duals.as_deref(), plan.stopped.is_some(), x.as_slice());
            read_duals(p, s, &model, solved, backend, &limits, &hook)
        }
        _ => None,
    };
    let mut reuse = reuse_of(&plan.relaxed_cells, &schedule);
    if !greedy_won {
        reuse.point = model.by_col(&x);
    }
    reuse.shape = shape_of(p);
    if s.keep_proof && !greedy_won && !plan.floors.is_empty() {
        let point = Arc::clone(&reuse.point);
        let proof = (plan.bound, plan.floors, plan.prices);
        reuse.proven = Some(Arc::new(bracket::proven(&model, proof, point)));
    }
    Ok(Solution {
        // Evaluated again now that the schedule carries its proof.
        report: evaluate(p, NAME, &schedule)?,
        schedule,
        proof,
        duals,
        backend,
        reuse,
    })
}

/// What a neighbouring solve reuses of a plan (its schedule) and its
/// relaxation's cells.
fn reuse_of(relaxed_cells: &[(usize, usize, usize)], schedule: &Schedule) -> Reuse {
    let mut cells: Vec<(usize, usize, usize)> = relaxed_cells.to_vec();
    cells.extend(schedule.assignments.iter().map(|a| (a.job, a.pool, a.slot)));
    cells.sort_unstable();
    cells.dedup();
    Reuse {
        cells: cells.into(),
        point: Arc::from(Vec::new()),
        shape: 0,
        proven: None,
    }
}

/// Stopped before the LP gave a plan (why, and the bound reached):
/// Greedy's plan (fast, and checked by the evaluator) stands in with that
/// bound where it keeps the goal's limit; else [`Error::Stopped`].
fn stand_in(
    p: &Problem,
    s: &Settings,
    goal: Goal,
    (objective, limit): (Objective, Option<lp::Limit>),
    greedy: Result<Schedule, Error>,
    (reason, bound): (StopReason, f64),
    backend: Backend,
) -> Result<Solution, Error> {
    if let (true, Ok(mut schedule)) = (bound.is_finite(), greedy) {
        // It stands in only where it keeps the goal's limit.
        let keeps = evaluate(p, "greedy", &schedule)
            .is_ok_and(|r| limit.is_none() || goal.breach(&r).is_none());
        if keeps {
            let proof = Proof::new(f64::INFINITY, bound, s.gap, Some(reason));
            if objective == Objective::Cost {
                schedule.proof = Some(proof.clone());
            }
            return Ok(Solution {
                report: evaluate(p, NAME, &schedule)?,
                schedule,
                proof,
                duals: None,
                backend,
                reuse: Reuse::default(),
            });
        }
    }
    Err(Stopped {
        reason,
        bound_usd: bound.is_finite().then_some(bound),
        infeasible: false,
        unit: objective.unit(),
    }
    .into())
}

/// The duals of a cost model's plan `x` (see [`Duals`]), given the
/// solver's duals `d` and whether a limit stopped it: the solver's, for a
/// pure LP; for a MILP whose settings ask for them, those of the LP
/// with its region choices fixed at the plan's (one more LP solve, within
/// the same limits); else none.
fn read_duals(
    p: &Problem,
    s: &Settings,
    model: &lp::Lp,
    (d, stopped, x): (Option<&[f64]>, bool, &[f64]),
    backend: Backend,
    limits: &Limits,
    hook: OnRound,
) -> Option<Duals> {
    match d {
        Some(d) => Some(duals(p, model, d, x, None)),
        // A MILP has no duals; the LP with its choices fixed does.
        None if s.fixed_duals && model.has_choices() && !stopped => {
            let mask = anytime::fixed_mask(model, x);
            match solve_lp(model, Some(&mask), backend, limits, hook, Stage::Fixed) {
                Ok(r) if r.stopped.is_none() && r.feasible => r
                    .duals
                    .as_ref()
                    .map(|d| duals(p, model, d, &r.x, Some(&mask))),
                _ => None,
            }
        }
        None => None,
    }
}
