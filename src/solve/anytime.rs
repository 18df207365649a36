//! The stages of the optimum. A pure LP is one [`solve_lp`]. With region
//! choices (`Whole` jobs) the MILP is solved anytime:
//! 1. the LP relaxation: its bound is a proven lower bound on the MILP;
//! 2. each `Whole` job fixed to the region that holds its largest share,
//!    the rest re-solved: a feasible plan, and so a proven gap;
//! 3. only if that gap is above the target, the exact MILP solver, warm
//!    started from the plan of stage 2 and bounded by what is left of the
//!    time limit. A solver without integers (Clarabel) hands this stage to
//!    microlp.

use super::backend::{self, Backend, Call, Failure};
use super::bound::trivial_bound;
use super::cleanup::feasible;
use super::limits::{Limits, StopReason};
use super::linear::{full, solve_lp};
use super::lp::{Col, Lp};
use super::progress::{OnRound, Stage};

/// A plan of the engine: a point of the model and its proof.
pub(crate) struct Plan {
    /// Value of every column (region choices exactly 0 or 1).
    pub(crate) x: Vec<f64>,
    /// A proven lower bound on the least objective.
    pub(crate) bound: f64,
    /// Why the search stopped before the gap was proven, if it did.
    pub(crate) stopped: Option<StopReason>,
    /// Duals of the LP (pure LPs only), one per row.
    pub(crate) duals: Option<Vec<f64>>,
}

/// Why the engine has no plan.
pub(crate) enum NoPlan {
    /// Proven infeasible.
    Infeasible,
    /// Stopped before any feasible plan, with the best proven bound.
    Stopped(StopReason, f64),
    /// The solvers failed.
    Numerical(String),
}

fn stop_of(limits: &Limits) -> StopReason {
    limits.stop().unwrap_or(StopReason::TimeLimit)
}

fn gap(ub: f64, lb: f64) -> f64 {
    (ub - lb) / ub.abs().max(1.0)
}

/// The least-cost plan of `lp` within `limits`: a pure LP in one stage
/// ([`pure_lp`]); a MILP in three ([`relaxation`], [`fixed`], [`exact`]),
/// the last only when the first two leave a gap above the target.
pub(crate) fn optimum(
    lp: &Lp,
    backend: Backend,
    limits: &Limits,
    report: OnRound,
) -> Result<Plan, NoPlan> {
    let trivial = trivial_bound(lp);
    if !lp.has_choices() {
        return pure_lp(lp, backend, limits, report, trivial);
    }
    let (relax_x, lb) = relaxation(lp, backend, limits, report, trivial)?;
    let incumbent = fixed(lp, &relax_x, backend, limits, report, lb);
    if let Some((x, ub)) = &incumbent {
        if gap(*ub, lb) <= limits.gap {
            return Ok(Plan {
                x: x.clone(),
                bound: lb,
                stopped: None,
                duals: None,
            });
        }
    }
    let stop = limits.stop().or_else(|| {
        // The exact stage takes the whole model at once.
        (!limits.whole_model_fits).then_some(StopReason::MemoryBudget)
    });
    if let Some(why) = stop {
        return match incumbent {
            Some((x, _)) => Ok(Plan {
                x,
                bound: lb,
                stopped: Some(why),
                duals: None,
            }),
            None => Err(NoPlan::Stopped(why, lb)),
        };
    }

    exact(lp, backend, limits, report, lb, incumbent)
}

/// A failed first LP as the engine's answer: no plan, and why.
fn no_plan(e: Failure, limits: &Limits, bound: f64) -> NoPlan {
    match e {
        Failure::Infeasible => NoPlan::Infeasible,
        Failure::TimeLimit => NoPlan::Stopped(stop_of(limits), bound),
        Failure::Numerical(s) => NoPlan::Numerical(s),
    }
}

/// A pure LP: one solve, polished by another solver when an interior
/// point's answer is not proven within the gap.
fn pure_lp(
    lp: &Lp,
    backend: Backend,
    limits: &Limits,
    report: OnRound,
    trivial: f64,
) -> Result<Plan, NoPlan> {
    let r = solve_lp(lp, None, backend, limits, report, Stage::Sifting)
        .map_err(|e| no_plan(e, limits, trivial))?;
    let mut plan = Plan {
        bound: r.bound.max(trivial),
        x: r.x,
        stopped: r.stopped,
        duals: r.duals,
    };
    // Not proven and not stopped: the solver's answer was of low
    // accuracy (an interior point's "almost solved"). Polish it with
    // another solver, and keep the better plan and the better bound.
    let ub = lp.objective_of(&plan.x);
    if plan.stopped.is_none() && gap(ub, plan.bound) > limits.gap && limits.whole_model_fits {
        if let Some(other) = backend.fallback(false) {
            if let Ok(r2) = full(lp, None, other, limits) {
                let ub2 = lp.objective_of(&r2.x);
                plan.bound = plan.bound.max(r2.bound);
                if r2.stopped.is_none() && ub2 < ub {
                    plan.x = r2.x;
                    plan.duals = r2.duals.or(plan.duals);
                }
            }
        }
    }
    Ok(plan)
}

/// Stage 1, the LP relaxation: its point, and its bound (a proven lower
/// bound on the MILP).
fn relaxation(
    lp: &Lp,
    backend: Backend,
    limits: &Limits,
    report: OnRound,
    trivial: f64,
) -> Result<(Vec<f64>, f64), NoPlan> {
    let relax = solve_lp(lp, None, backend, limits, report, Stage::Relaxation)
        .map_err(|e| no_plan(e, limits, trivial))?;
    let lb = relax.bound.max(trivial);
    report(Stage::Relaxation, relax.rounds, relax.columns, None, lb);
    if let Some(why) = relax.stopped {
        return Err(NoPlan::Stopped(why, lb));
    }
    Ok((relax.x, lb))
}

/// Stage 2: each Whole job fixed to the region that holds its largest
/// share of the relaxation, the rest re-solved: a feasible plan and its
/// objective, if the limits allow one (the relaxation's own point when its
/// choices are already 0 or 1).
fn fixed(
    lp: &Lp,
    relax_x: &[f64],
    backend: Backend,
    limits: &Limits,
    report: OnRound,
    lb: f64,
) -> Option<(Vec<f64>, f64)> {
    let n = lp.columns();
    let mut mask = vec![true; n];
    let mut integral = true;
    for cols in &lp.job_cols {
        let choices: Vec<usize> = cols
            .clone()
            .filter(|&i| matches!(lp.col[i], Col::Choice { .. }))
            .collect();
        if choices.is_empty() {
            continue;
        }
        let chosen = *choices
            .iter()
            .max_by(|&&a, &&b| relax_x[a].total_cmp(&relax_x[b]).then(b.cmp(&a)))
            .unwrap_or(&choices[0]);
        integral &= choices
            .iter()
            .all(|&i| relax_x[i] <= 1e-9 || relax_x[i] >= 1.0 - 1e-9);
        // Drop the other regions: their choice and their cells (each
        // region's cells follow its choice column).
        let mut keep = false;
        for i in cols.clone() {
            if let Col::Choice { .. } = lp.col[i] {
                keep = i == chosen;
            }
            if matches!(lp.col[i], Col::Choice { .. } | Col::Cell { .. }) {
                mask[i] = keep;
            }
        }
    }
    let mut incumbent: Option<(Vec<f64>, f64)> = None;
    if integral {
        let mut x = relax_x.to_vec();
        round_choices(lp, &mut x);
        let ub = lp.objective_of(&x);
        incumbent = Some((x, ub));
    } else if limits.stop().is_none() {
        match solve_lp(lp, Some(&mask), backend, limits, report, Stage::Fixed) {
            Ok(fixed) if fixed.stopped.is_none() && fixed.feasible => {
                let mut x = fixed.x;
                round_choices(lp, &mut x);
                let ub = lp.objective_of(&x);
                report(Stage::Fixed, fixed.rounds, fixed.columns, Some(ub), lb);
                incumbent = Some((x, ub));
            }
            Ok(_) | Err(Failure::Infeasible) | Err(Failure::TimeLimit) => {}
            Err(Failure::Numerical(_)) => {} // the exact stage may still answer
        }
    }
    incumbent
}

/// Stage 3: the exact MILP over the whole model, warm started from the
/// incumbent and bounded by what is left of the limits. A solver without
/// integers (Clarabel) hands this stage to microlp.
fn exact(
    lp: &Lp,
    backend: Backend,
    limits: &Limits,
    report: OnRound,
    mut lb: f64,
    mut incumbent: Option<(Vec<f64>, f64)>,
) -> Result<Plan, NoPlan> {
    let n = lp.columns();
    let mut exact_backend = if backend.has_integers() {
        backend
    } else {
        Backend::Microlp
    };
    let all: Vec<usize> = (0..n).collect();
    let scale = lb.abs().max(1.0);
    let mut failures = Vec::new();
    // The solver is asked for 90 % of the target, so that the bound its
    // stopping rule implies leaves room for the evaluator's re-pricing of
    // the cleaned plan (a difference of about 1e-13 relative).
    let solver_gap = 0.9 * limits.gap;
    let mut scale_columns = true;
    loop {
        let call = Call {
            lp,
            columns: &all,
            artificial_usd_per_work: None,
            binary: true,
            time_limit: limits.remaining(),
            deadline: limits.deadline,
            cancel: limits.cancel.as_deref(),
            mip_gap: solver_gap,
            mip_abs_gap_usd: solver_gap * scale,
            scale_columns,
            initial: incumbent
                .as_ref()
                .filter(|_| exact_backend.takes_mip_start())
                .map(|(x, _)| x.as_slice()),
        };
        match backend::solve(exact_backend, &call) {
            Ok(out) => {
                let mut x = out.values;
                round_choices(lp, &mut x);
                let ub = lp.objective_of(&x);
                let proven = !out.stopped_early;
                if proven {
                    // The solver stopped at its gap: relative to the
                    // objective, or absolute (set to the same number).
                    lb = lb.max(ub - solver_gap * ub.abs().max(scale));
                }
                report(Stage::Exact, 1, n, Some(ub), lb);
                let better = incumbent.as_ref().is_none_or(|(_, old)| ub < *old);
                if better && feasible(lp, &x, 1e-7) {
                    incumbent = Some((x, ub));
                }
                let (x, ub) = incumbent.ok_or_else(|| {
                    NoPlan::Numerical("the MILP solver's plan breaks a constraint".into())
                })?;
                let stopped = (!proven && gap(ub, lb) > limits.gap).then(|| stop_of(limits));
                return Ok(Plan {
                    x,
                    bound: lb.min(ub),
                    stopped,
                    duals: None,
                });
            }
            Err(Failure::Infeasible) if incumbent.is_none() => return Err(NoPlan::Infeasible),
            Err(Failure::TimeLimit) | Err(Failure::Infeasible) => {
                return match incumbent {
                    Some((x, _)) => Ok(Plan {
                        x,
                        bound: lb,
                        stopped: Some(stop_of(limits)),
                        duals: None,
                    }),
                    None => Err(NoPlan::Stopped(stop_of(limits), lb)),
                };
            }
            Err(Failure::Numerical(why)) => {
                failures.push(format!(
                    "{}{}: {why}",
                    exact_backend.name(),
                    if scale_columns {
                        ""
                    } else {
                        " (unscaled columns)"
                    }
                ));
                match exact_backend.fallback(true) {
                    // A singular basis in one scaling is often not one in
                    // another: the same solver once more, columns as they
                    // are, before giving up on it.
                    _ if scale_columns && limits.stop().is_none() => scale_columns = false,
                    Some(other) if other.has_integers() && limits.stop().is_none() => {
                        exact_backend = other;
                        scale_columns = true;
                    }
                    _ => {
                        return match incumbent {
                            // The plan of stage 2 stands, with its honest gap.
                            Some((x, _)) => Ok(Plan {
                                x,
                                bound: lb,
                                stopped: None,
                                duals: None,
                            }),
                            None => Err(NoPlan::Numerical(failures.join("; then "))),
                        };
                    }
                }
            }
        }
    }
}

/// The columns of `lp` left with each region choice fixed as at `x` (a
/// plan with choices 0 or 1): of each job with choices, only the chosen
/// one (a region, or none) and that region's cells. Over this mask the
/// one-region row forces the chosen choice to 1: the LP of the MILP with
/// its choices fixed, which has duals.
pub(crate) fn fixed_mask(lp: &Lp, x: &[f64]) -> Vec<bool> {
    let mut mask = vec![true; lp.columns()];
    for cols in &lp.job_cols {
        let mut keep = true;
        for i in cols.clone() {
            match lp.col[i] {
                Col::Choice { .. } => {
                    keep = x[i] >= 0.5;
                    mask[i] = keep;
                }
                Col::Cell { .. } => mask[i] = keep,
                Col::Slack { .. } => {}
            }
        }
    }
    mask
}

/// Sets each region choice to exactly 0 or 1 (the solver's 0.9999999 is
/// a 1), and zeroes the cells of regions not chosen.
fn round_choices(lp: &Lp, x: &mut [f64]) {
    for cols in &lp.job_cols {
        let mut chosen = true;
        for i in cols.clone() {
            match lp.col[i] {
                Col::Choice { .. } => {
                    chosen = x[i] >= 0.5;
                    x[i] = if chosen { 1.0 } else { 0.0 };
                }
                Col::Cell { .. } if !chosen => x[i] = 0.0,
                _ => {}
            }
        }
    }
}
