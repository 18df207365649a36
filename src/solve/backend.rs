//! The LP solvers the engine can call, and the one function that hands a
//! part of the model ([`Lp`]) to one of them. Nothing else in the crate
//! knows which solver runs or how it is called.
//!
//! Every call is scaled first: each column by its upper bound (so every
//! variable lies in `[0, 1]`), each row by its largest coefficient, the
//! objective by its largest coefficient. Values and duals are scaled back
//! before anyone else sees them. Badly scaled but valid input (work in
//! millions of units, prices in millionths of a dollar) then reaches the
//! solver as a well-scaled model.

use super::lp::{Col, Lp, ModelSize, Sense};
pub use super::solver::{Backend, AUTO_CLARABEL_MIN_VARIABLES};
use crate::limits::Limits;
use good_lp::{
    variable, Expression, ProblemVariables, ResolutionError, Solution, SolutionStatus, SolverModel,
    Variable, WithInitialSolution, WithMipGap, WithTimeLimit,
};

impl Backend {
    /// The concrete solver for a model of this size: itself, unless `Auto`.
    /// `Auto` takes HiGHS when compiled in; otherwise Clarabel for a model
    /// of at least [`AUTO_CLARABEL_MIN_VARIABLES`] continuous variables
    /// (when compiled in), and microlp for everything else. A MILP's
    /// LP stages (its relaxation, its fixed plan, the nodes of the
    /// engine's own search) run on that solver; its exact stage, a MILP,
    /// runs on microlp when the solver has no integers (Clarabel). On
    /// the year-long real-data MILP (210 k columns, 12 binaries) Clarabel's
    /// stages proved the optimum in 120 s where microlp's LP relaxation
    /// had not returned after 600 s.
    pub fn resolve(self, size: &ModelSize) -> Backend {
        if self != Backend::Auto {
            return self;
        }
        #[cfg(feature = "highs")]
        {
            let _ = size;
            Backend::Highs
        }
        #[cfg(not(feature = "highs"))]
        {
            #[cfg(feature = "clarabel")]
            if size.variables >= AUTO_CLARABEL_MIN_VARIABLES {
                return Backend::Clarabel;
            }
            let _ = size;
            Backend::Microlp
        }
    }
}

/// One call: which columns of the model, and how.
#[derive(Clone, Copy)]
pub(crate) struct Call<'a> {
    pub(crate) lp: &'a Lp,
    /// The columns to include (indices into the model), each at most once.
    pub(crate) columns: &'a [usize],
    /// Adds an artificial column to each work row of a job with a column in
    /// the call, at this cost per work unit: every restricted LP is then
    /// feasible. `None`: no artificials.
    pub(crate) artificial_usd_per_work: Option<f64>,
    /// Region choices are binary (a MILP); otherwise in `[0, 1]`.
    pub(crate) binary: bool,
    /// Seconds the solver may take.
    pub(crate) time_limit: Option<f64>,
    /// The instant the caller stops waiting for the solver: a solver that
    /// overruns its own limit (microlp's MILP search checks it only
    /// between nodes; Clarabel's setup not at all) runs on a thread the
    /// call stops waiting for about [`GRACE_SECONDS`] after it.
    pub(crate) deadline: Option<std::time::Instant>,
    /// A flag that, once raised, stops the wait the same way.
    pub(crate) cancel: Option<&'a std::sync::atomic::AtomicBool>,
    /// Relative gap at which a MILP solver may stop.
    pub(crate) mip_gap: f64,
    /// Absolute gap in $ at which a MILP solver may stop (HiGHS; microlp
    /// takes a relative gap only).
    #[cfg_attr(not(feature = "highs"), allow(dead_code))]
    pub(crate) mip_abs_gap_usd: f64,
    /// Scale each column by its upper bound and the objective by its
    /// largest cost (rows are always scaled by their largest coefficient).
    /// Set by [`solve`] per solver: HiGHS scales its models itself, and in
    /// development runs was 2-3 times slower on its MILPs when they were
    /// scaled here as well.
    pub(crate) scale_columns: bool,
    /// A known feasible point (per model column) for a MILP's warm start.
    pub(crate) initial: Option<&'a [f64]>,
}

impl<'a> Call<'a> {
    /// An LP call over `columns` of `lp` (artificials at
    /// `artificial_usd_per_work` per work unit, if any) within what is
    /// left of `limits`: its time, deadline and cancel flag.
    pub(crate) fn lp(
        lp: &'a Lp,
        columns: &'a [usize],
        artificial_usd_per_work: Option<f64>,
        limits: &'a Limits,
    ) -> Call<'a> {
        Call {
            lp,
            columns,
            artificial_usd_per_work,
            binary: false,
            time_limit: limits.remaining(),
            deadline: limits.deadline,
            cancel: limits.cancel.as_deref(),
            mip_gap: limits.gap,
            mip_abs_gap_usd: 0.0,
            scale_columns: true,
            initial: None,
        }
    }
}

/// What a call returned.
pub(crate) struct Outcome {
    /// The value of each column of the call, in the call's order.
    pub(crate) values: Vec<f64>,
    /// The artificial columns' values (work units), per job.
    pub(crate) artificial: Vec<(usize, f64)>,
    /// One dual per row of the whole model, in the sign convention of
    /// [`super::bound::bound_over`]; rows not in the call have 0. `None`: the solver gives
    /// none (or the model had binaries).
    pub(crate) duals: Option<Vec<f64>>,
    /// The solver stopped on its time limit, before its optimum (or its
    /// MIP gap) was proven.
    pub(crate) stopped_early: bool,
}

/// Why a call has no answer.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The solver proved the call's model infeasible.
    Infeasible,
    /// It ran out of time before it had any feasible point.
    TimeLimit,
    /// A limit other than the clock's or the cancel flag's (which the
    /// caller reads from its limits) stopped it before any feasible
    /// point: column generation out of memory budget.
    Stopped(crate::limits::StopReason),
    /// Anything else, as the solver said it.
    Numerical(String),
}

struct Built {
    vars: ProblemVariables,
    objective: Expression,
    x: Vec<Variable>,
    /// Scale of each call column (its upper bound).
    gamma: Vec<f64>,
    art: Vec<(usize, u32, Variable, f64)>, // (job, work row, var, gamma)
    rows: Vec<usize>,                      // global row of each local row
    row_scale: Vec<f64>,
    exprs: Vec<Expression>,
    sigma: f64,
}

fn build(call: &Call) -> Result<Built, Failure> {
    let lp = call.lp;
    let mut vars = ProblemVariables::new();
    let mut local_of = vec![u32::MAX; lp.row.len()];
    let mut rows: Vec<usize> = Vec::new();
    let mut terms: Vec<Vec<(usize, f64)>> = Vec::new(); // (var index in all, scaled coef)
    let mut costs: Vec<f64> = Vec::with_capacity(call.columns.len());
    let mut x = Vec::with_capacity(call.columns.len());
    let mut gamma = Vec::with_capacity(call.columns.len());
    let mut local = |r: usize, rows: &mut Vec<usize>, terms: &mut Vec<Vec<(usize, f64)>>| {
        if local_of[r] == u32::MAX {
            local_of[r] = rows.len() as u32;
            rows.push(r);
            terms.push(Vec::new());
        }
        local_of[r] as usize
    };
    let mut jobs_in_call = vec![false; lp.job_cols.len()];
    for (n, &i) in call.columns.iter().enumerate() {
        let g = if lp.upper[i] > 0.0 && call.scale_columns {
            lp.upper[i]
        } else {
            1.0
        };
        let is_choice = matches!(lp.col[i], Col::Choice { .. });
        let v = if call.binary && is_choice {
            vars.add(variable().binary())
        } else {
            vars.add(variable().min(0.0).max(lp.upper[i] / g))
        };
        x.push(v);
        gamma.push(g);
        costs.push(lp.cost[i] * g);
        for (r, a) in lp.entries(i) {
            let l = local(r, &mut rows, &mut terms);
            terms[l].push((n, a * g));
        }
        let job = match lp.col[i] {
            Col::Cell { job, .. } | Col::Choice { job, .. } | Col::Slack { job } => job as usize,
        };
        jobs_in_call[job] = true;
    }
    let mut art = Vec::new();
    if let Some(usd_per_work) = call.artificial_usd_per_work {
        for (j, &inc) in jobs_in_call.iter().enumerate() {
            let wr = lp.work_row[j];
            if inc && wr != u32::MAX {
                let g = lp.rhs[wr as usize].abs().max(f64::MIN_POSITIVE);
                let v = vars.add(variable().min(0.0).max(1.0));
                let n = x.len() + art.len();
                let l = local(wr as usize, &mut rows, &mut terms);
                terms[l].push((n, g));
                costs.push(usd_per_work * g);
                art.push((j, wr, v, g));
            }
        }
    }
    // Every equality row with a non-zero right-hand side must be in the
    // call: a row left out would be dropped, not kept.
    for (r, (&s, &b)) in lp.sense.iter().zip(&lp.rhs).enumerate() {
        if s == Sense::Eq && b != 0.0 && local_of[r] == u32::MAX {
            let job_of_row = match lp.row[r] {
                super::lp::Row::Work { job } | super::lp::Row::OneRegion { job } => job as usize,
                _ => usize::MAX,
            };
            if job_of_row < jobs_in_call.len() && !jobs_in_call[job_of_row] {
                continue; // a job that is not part of this call at all
            }
            return Err(Failure::Infeasible);
        }
    }
    // The artificial columns' costs are huge by design: leave them out of
    // the objective's scale, or every real cost would round to nothing.
    let sigma = costs[..x.len()].iter().fold(0.0f64, |m, c| m.max(c.abs()));
    let sigma = if sigma > 0.0 && sigma.is_finite() && call.scale_columns {
        sigma
    } else {
        1.0
    };
    let mut objective = Expression::with_capacity(costs.len());
    let all_vars = |n: usize| {
        if n < x.len() {
            x[n]
        } else {
            art[n - x.len()].2
        }
    };
    for (n, c) in costs.iter().enumerate() {
        if *c != 0.0 {
            objective.add_mul(c / sigma, all_vars(n));
        }
    }
    let mut row_scale = Vec::with_capacity(rows.len());
    let mut exprs = Vec::with_capacity(rows.len());
    for t in &terms {
        let m = t.iter().fold(0.0f64, |m, (_, a)| m.max(a.abs()));
        let rho = if m > 0.0 && m.is_finite() {
            1.0 / m
        } else {
            1.0
        };
        let mut e = Expression::with_capacity(t.len());
        for &(n, a) in t {
            e.add_mul(a * rho, all_vars(n));
        }
        row_scale.push(rho);
        exprs.push(e);
    }
    Ok(Built {
        vars,
        objective,
        x,
        gamma,
        art,
        rows,
        row_scale,
        exprs,
        sigma,
    })
}

/// Solves one call with `backend` (not `Auto`).
pub(crate) fn solve(backend: Backend, call: &Call) -> Result<Outcome, Failure> {
    #[cfg(feature = "highs")]
    let scaled;
    #[cfg(feature = "highs")]
    let call = if backend == Backend::Highs {
        scaled = Call {
            scale_columns: false,
            ..*call
        };
        &scaled
    } else {
        call
    };
    if call.columns.is_empty() && call.artificial_usd_per_work.is_none() {
        return Ok(Outcome {
            values: Vec::new(),
            artificial: Vec::new(),
            duals: call.lp.sense.iter().map(|_| 0.0).collect::<Vec<_>>().into(),
            stopped_early: false,
        });
    }
    let built = build(call)?;
    let limit = call.time_limit.map(|s| s.max(0.001));
    match backend {
        Backend::Auto => Err(Failure::Numerical(
            "internal: Auto backend not resolved".into(),
        )),
        Backend::Microlp => {
            let (binary, mip_gap) = (call.binary, call.mip_gap);
            run(
                built,
                call,
                move |vars, objective| {
                    let mut m = vars.minimise(objective).using(good_lp::microlp);
                    if let Some(s) = limit {
                        m = m.with_time_limit(s);
                    }
                    if binary {
                        m = m
                            .with_mip_gap(mip_gap as f32)
                            .map_err(|e| Failure::Numerical(e.to_string()))?;
                    }
                    Ok(m)
                },
                |m, init| m.with_initial_solution(init),
                |_, _| None,
            )
        }
        #[cfg(feature = "clarabel")]
        Backend::Clarabel => {
            if call.binary {
                return Err(Failure::Numerical(
                    "internal: Clarabel was handed binary variables".into(),
                ));
            }
            // Without iterative refinement first: the year-long MILP's
            // relaxation took 54 s CPU against 98 s with it, the same
            // optimum and proof (release build, 2026-12-07), and the
            // fleet's rounds about 30 % less. Where that fails
            // numerically, or reports no solution (a status of reduced
            // accuracy such as "almost infeasible" reads as infeasible),
            // the call is solved again with it, in the time left.
            match clarabel(built, call, limit, false) {
                Err(Failure::Numerical(_) | Failure::Infeasible) => {
                    let now = std::time::Instant::now();
                    let cancelled = call
                        .cancel
                        .is_some_and(|c| c.load(std::sync::atomic::Ordering::Relaxed));
                    if cancelled || call.deadline.is_some_and(|d| now >= d) {
                        return Err(Failure::TimeLimit);
                    }
                    let left = match call.deadline {
                        Some(d) => Some(d.saturating_duration_since(now).as_secs_f64().max(0.001)),
                        None => limit,
                    };
                    clarabel(build(call)?, call, left, true)
                }
                other => other,
            }
        }
        #[cfg(feature = "highs")]
        Backend::Highs => {
            let binary = call.binary;
            let sigma = built.sigma;
            let (mip_gap, mip_abs_gap_usd) = (call.mip_gap, call.mip_abs_gap_usd);
            run(
                built,
                call,
                move |vars, objective| {
                    let mut m = vars.minimise(objective).using(good_lp::highs);
                    if let Some(s) = limit {
                        m = m.set_time_limit(s);
                    }
                    if !binary {
                        // Presolve off for an LP: it removes nothing from
                        // these models and cost 2-4 s on the (300, 20, 168)
                        // Split-only LP (1.21 M columns, 41 k rows) whole:
                        // 17.8-20.1 s CPU for the engine (four runs) against
                        // 20.7-23.6 s with it (three; release build, 2-core
                        // machine shared with other builds, 2026-12-07), and
                        // 0.89-0.90 against 1.06-1.08 s on
                        // `ny-vs-marketplace.json`. Lost on that LP whole
                        // (wall seconds, one run each, against 19-22 s):
                        // the interior point without crossover (234 s),
                        // primal simplex (over 212 s), parallel dual simplex
                        // (`simplex_strategy` 2: 79 s; 3: 63 s), devex
                        // pricing (56 s), the dual LP (over 118 s), a start
                        // from Greedy's plan (57 s).
                        m = m.set_option("presolve", "off");
                    }
                    if binary {
                        // The objective is divided by sigma: so is the
                        // absolute gap.
                        m = m
                            .set_option("mip_rel_gap", mip_gap)
                            .set_option("mip_abs_gap", mip_abs_gap_usd / sigma);
                    }
                    Ok(m)
                },
                |m, init| m.with_initial_solution(init),
                move |sol: &mut good_lp::solvers::highs::HighsSolution, refs| {
                    // A MILP has no duals.
                    (!binary).then(|| row_duals(sol, refs))
                },
            )
        }
    }
}

/// One call on Clarabel, with or without its iterative refinement (the
/// KKT solves polished against their residual at each step).
#[cfg(feature = "clarabel")]
fn clarabel(
    built: Built,
    call: &Call,
    limit: Option<f64>,
    refine: bool,
) -> Result<Outcome, Failure> {
    run(
        built,
        call,
        move |vars, objective| {
            let mut m = vars.minimise(objective).using(good_lp::clarabel);
            m.settings()
                .tol_gap_abs(1e-10)
                .tol_gap_rel(1e-10)
                .max_iter(400)
                .iterative_refinement_enable(refine);
            if let Some(s) = limit {
                m.settings().time_limit(s);
            }
            Ok(m)
        },
        |m, _| m,
        |sol: &mut good_lp::solvers::clarabel::ClarabelSolution, refs| Some(row_duals(sol, refs)),
    )
}

/// The dual of each row of `refs`, in the solver's own sign convention
/// (unscaled by [`run`]).
#[cfg(any(feature = "clarabel", feature = "highs"))]
fn row_duals<'a, S: good_lp::SolutionWithDual<'a>>(
    sol: &'a mut S,
    refs: &[good_lp::constraint::ConstraintReference],
) -> Vec<f64> {
    use good_lp::DualValues;
    let d = sol.compute_dual();
    refs.iter().map(|r| d.dual(r.clone())).collect()
}

/// Hands a built call to a solver model made by `make`, reads values
/// (and duals with `duals`) back and unscales them.
fn run<M>(
    built: Built,
    call: &Call,
    make: impl FnOnce(ProblemVariables, Expression) -> Result<M, Failure> + Send + 'static,
    warm: impl FnOnce(M, Vec<(Variable, f64)>) -> M + Send + 'static,
    duals: impl FnOnce(&mut M::Solution, &[good_lp::constraint::ConstraintReference]) -> Option<Vec<f64>>
        + Send
        + 'static,
) -> Result<Outcome, Failure>
where
    M: SolverModel<Error = ResolutionError>,
{
    // Everything the solver thread needs, owned: the call's model stays
    // with the caller, who may stop waiting.
    let lp = call.lp;
    let init: Option<Vec<(Variable, f64)>> = call.initial.map(|init| {
        call.columns
            .iter()
            .zip(&built.x)
            .zip(&built.gamma)
            .map(|((&i, &v), &g)| (v, init[i] / g))
            .chain(built.art.iter().map(|a| (a.2, 0.0)))
            .collect()
    });
    let rows: Vec<(f64, Sense)> = built
        .rows
        .iter()
        .map(|&r| (lp.rhs[r], lp.sense[r]))
        .collect();
    let n_rows = lp.row.len();
    let limited = call.time_limit.is_some();
    let job = move || solve_built(built, rows, n_rows, limited, init, make, warm, duals);
    match (call.deadline, call.cancel) {
        (None, None) => job(),
        (deadline, cancel) => wait_for(job, deadline, cancel),
    }
}

/// Seconds past its deadline the caller still waits for a solver.
pub(crate) const GRACE_SECONDS: f64 = 0.5;

/// Runs `job` on its own thread and waits for it until `deadline` (plus
/// [`GRACE_SECONDS`]) or until `cancel` is raised, whichever comes first;
/// then returns [`Failure::TimeLimit`] and leaves the thread to end on its
/// own (its solver's own limit, or the process's end). A solver that
/// panics is a [`Failure::Numerical`], not a crash.
fn wait_for(
    job: impl FnOnce() -> Result<Outcome, Failure> + Send + 'static,
    deadline: Option<std::time::Instant>,
    cancel: Option<&std::sync::atomic::AtomicBool>,
) -> Result<Outcome, Failure> {
    use std::sync::atomic::Ordering;
    use std::sync::mpsc::{channel, RecvTimeoutError};
    use std::time::{Duration, Instant};
    let (tx, rx) = channel();
    std::thread::Builder::new()
        .name("geoshift-solver".into())
        .spawn(move || {
            let _ = tx.send(job());
        })
        .map_err(|e| Failure::Numerical(format!("cannot start the solver's thread: {e}")))?;
    let grace = Duration::from_secs_f64(GRACE_SECONDS);
    let give_up = deadline.and_then(|d| d.checked_add(grace));
    loop {
        match rx.recv_timeout(Duration::from_millis(20)) {
            Ok(out) => return out,
            Err(RecvTimeoutError::Disconnected) => {
                return Err(Failure::Numerical(
                    "the solver stopped without an answer (it panicked)".into(),
                ))
            }
            Err(RecvTimeoutError::Timeout) => {
                let cancelled = cancel.is_some_and(|c| c.load(Ordering::Relaxed));
                if cancelled || give_up.is_some_and(|g| Instant::now() >= g) {
                    return Err(Failure::TimeLimit);
                }
            }
        }
    }
}

/// The solver's part of [`run`], on owned data.
#[allow(clippy::too_many_arguments)]
fn solve_built<M>(
    built: Built,
    rows_rhs: Vec<(f64, Sense)>,
    n_rows: usize,
    limited: bool,
    init: Option<Vec<(Variable, f64)>>,
    make: impl FnOnce(ProblemVariables, Expression) -> Result<M, Failure>,
    warm: impl FnOnce(M, Vec<(Variable, f64)>) -> M,
    duals: impl FnOnce(
        &mut M::Solution,
        &[good_lp::constraint::ConstraintReference],
    ) -> Option<Vec<f64>>,
) -> Result<Outcome, Failure>
where
    M: SolverModel<Error = ResolutionError>,
{
    let Built {
        vars,
        objective,
        x,
        gamma,
        art,
        rows,
        row_scale,
        exprs,
        sigma,
    } = built;
    let mut model = make(vars, objective)?;
    if let Some(pairs) = init {
        model = warm(model, pairs);
    }
    let mut refs = Vec::with_capacity(exprs.len());
    for ((e, &(b, sense)), &rho) in exprs.into_iter().zip(&rows_rhs).zip(&row_scale) {
        let rhs = b * rho;
        let c = match sense {
            Sense::Le => e.leq(rhs),
            Sense::Eq => e.eq(rhs),
        };
        refs.push(model.add_constraint(c));
    }
    let mut solution = model.solve().map_err(|e| match e {
        ResolutionError::Infeasible => Failure::Infeasible,
        ResolutionError::Other(s) if s.contains("Time limit") || s == "NoSolutionFound" => {
            if limited {
                Failure::TimeLimit
            } else {
                Failure::Numerical(s.to_string())
            }
        }
        other => Failure::Numerical(other.to_string()),
    })?;
    // GapLimit: stopped at the requested MIP gap, which is what was asked.
    let stopped_early = matches!(solution.status(), SolutionStatus::TimeLimit);
    let values: Vec<f64> = x
        .iter()
        .zip(&gamma)
        .map(|(&v, &g)| (solution.value(v) * g).max(0.0))
        .collect();
    let artificial = art
        .iter()
        .map(|&(j, _, v, g)| (j, (solution.value(v) * g).max(0.0)))
        .collect();
    let duals = duals(&mut solution, &refs).map(|local| {
        let mut all = vec![0.0; n_rows];
        for ((d, &r), &rho) in local.iter().zip(&rows).zip(&row_scale) {
            all[r] = d * rho * sigma;
        }
        all
    });
    Ok(Outcome {
        values,
        artificial,
        duals,
        stopped_early,
    })
}

/// Column generation's rounds on one HiGHS model, kept from round to
/// round: the columns a round adds join the model, and HiGHS starts from
/// the last round's basis (good_lp builds a new model for every call, so
/// each round would start from scratch).
///
/// Measured on the (300, 20, 168) Split-only LP (1.21 M columns, 41 k
/// rows), release build, 2-core machine shared with other builds,
/// 2026-12-07 (`engine_trace -- 4 highs 1e-7 600`, CPU seconds): 8 rounds
/// to 126 k columns, proven gap 1e-15, in 11.5-11.6 s (with
/// `HIGHS_COVER` and `HIGHS_ADD_PER_JOB`; 13.5-14.7 s with the
/// defaults), against 30.1 s by column generation from scratch each round
/// and 17.8-20.1 s for the whole model in one call. HiGHS on the same
/// model read from MPS, default options, nothing of the engine around it
/// (`examples/highs_baseline.rs`), took 23.3-23.9 s CPU to solve back to
/// back with the 11.5-11.6 s (20.4-24.2 s over the day): 0.50×.
#[cfg(feature = "highs")]
pub(crate) mod kept {
    use super::{Failure, Outcome};
    use crate::solve::lp::{Col, Lp, Sense};
    use highs::{HighsModelStatus, HighsSolutionStatus};
    use std::time::Instant;

    /// The model and which of its columns stand for what.
    pub(crate) struct Kept {
        /// `None` once a solve failed (the model is then lost).
        model: Option<highs::Model>,
        rows: Vec<highs::Row>,
        /// The model's column of each column of `lp` (`usize::MAX`: not
        /// in it yet).
        position: Vec<usize>,
        /// Each artificial: its job, its column and its scale (work units
        /// at 1).
        artificial: Vec<(usize, usize, f64)>,
        columns: usize,
        /// Seconds spent in HiGHS so far: its time limit counts every run
        /// of the model.
        spent: f64,
    }

    impl Kept {
        /// A model with every row of `lp` and an artificial column on
        /// the work row of each job with a column in `set` (the first
        /// working set), as `backend::solve` builds a call.
        /// `None` where a row no column of `set` reaches would make it
        /// infeasible (an equality with a right-hand side, or a row
        /// `<=` a negative value), which a call leaves out: the rounds
        /// then run call by call.
        pub(crate) fn new(lp: &Lp, set: &[usize], usd_per_work: f64) -> Option<Kept> {
            let mut reached = vec![false; lp.row.len()];
            let mut jobs = vec![false; lp.job_cols.len()];
            for &i in set {
                for (r, _) in lp.entries(i) {
                    reached[r] = true;
                }
                let (Col::Cell { job, .. } | Col::Choice { job, .. } | Col::Slack { job }) =
                    lp.col[i];
                jobs[job as usize] = true;
            }
            let mut problem = highs::ColProblem::default();
            let mut rows = Vec::with_capacity(lp.row.len());
            for (r, (&sense, &b)) in lp.sense.iter().zip(&lp.rhs).enumerate() {
                let infeasible_alone = match sense {
                    Sense::Eq => b != 0.0,
                    Sense::Le => b < 0.0,
                };
                if !reached[r] && infeasible_alone {
                    return None;
                }
                rows.push(match sense {
                    Sense::Le => problem.add_row(..=b),
                    Sense::Eq => problem.add_row(b..=b),
                });
            }
            let mut model = problem.try_optimise(highs::Sense::Minimise).ok()?;
            // As every HiGHS LP call (`backend::solve`): presolve finds
            // nothing to remove in these models.
            model.try_set_option("presolve", "off").ok()?;
            let mut kept = Kept {
                model: None,
                rows,
                position: vec![usize::MAX; lp.columns()],
                artificial: Vec::new(),
                columns: 0,
                spent: 0.0,
            };
            for (j, &inc) in jobs.iter().enumerate() {
                let wr = lp.work_row[j];
                if inc && wr != u32::MAX {
                    let g = lp.rhs[wr as usize].abs().max(f64::MIN_POSITIVE);
                    model
                        .try_add_column(usd_per_work * g, 0.0..=1.0, [(kept.rows[wr as usize], g)])
                        .ok()?;
                    kept.artificial.push((j, kept.columns, g));
                    kept.columns += 1;
                }
            }
            kept.model = Some(model);
            Some(kept)
        }

        /// Adds the columns of `set` not in the model yet and solves it
        /// from the last basis, within `limit` seconds: the outcome of a
        /// call over `set` with artificials (values in `set`'s order).
        pub(crate) fn solve(
            &mut self,
            lp: &Lp,
            set: &[usize],
            limit: Option<f64>,
        ) -> Result<Outcome, Failure> {
            let lost = || Failure::Numerical("HiGHS: the kept model was lost".into());
            let mut model = self.model.take().ok_or_else(lost)?;
            for &i in set {
                if self.position[i] == usize::MAX {
                    let rows = &self.rows;
                    let entries = lp.entries(i).map(|(r, a)| (rows[r], a));
                    model
                        .try_add_column(lp.cost[i], 0.0..=lp.upper[i], entries)
                        .map_err(|e| Failure::Numerical(format!("HiGHS: {e:?}")))?;
                    self.position[i] = self.columns;
                    self.columns += 1;
                }
            }
            if let Some(s) = limit {
                let _ = model.try_set_option("time_limit", self.spent + s.max(0.001));
            }
            let clock = Instant::now();
            let solved = model
                .try_solve()
                .map_err(|e| Failure::Numerical(format!("HiGHS: {e:?}")))?;
            self.spent += clock.elapsed().as_secs_f64();
            let stopped_early = match solved.status() {
                HighsModelStatus::Optimal => false,
                HighsModelStatus::ReachedTimeLimit | HighsModelStatus::ReachedInterrupt => true,
                HighsModelStatus::Infeasible => return Err(Failure::Infeasible),
                other => return Err(Failure::Numerical(format!("HiGHS: {other:?}"))),
            };
            if solved.primal_solution_status() != HighsSolutionStatus::Feasible {
                return Err(if stopped_early {
                    Failure::TimeLimit
                } else {
                    Failure::Numerical("HiGHS: no feasible point".into())
                });
            }
            let solution = solved.get_solution();
            let x = solution.columns();
            let values = set.iter().map(|&i| x[self.position[i]].max(0.0)).collect();
            let artificial = self
                .artificial
                .iter()
                .map(|&(j, c, g)| (j, (x[c] * g).max(0.0)))
                .collect();
            // The rows are the model's own, unscaled: HiGHS's duals are
            // in `backend::solve`'s convention as they are.
            let duals = Some(solution.dual_rows().to_vec());
            self.model = Some(highs::Model::from(solved));
            Ok(Outcome {
                values,
                artificial,
                duals,
                stopped_early,
            })
        }
    }
}
