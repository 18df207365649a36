//! The solve engine: the LP/MILP of the model ([`lp`]), the solvers
//! ([`backend`]), column generation over the model's cells
//! ([`sifting`]), and the anytime MILP with a proven gap, all bounded by a
//! time limit, a cancellation flag and a memory budget.
//!
//! Floors, bottom up: `lp` (the model, its bound and reduced costs) ←
//! `backend` (one call of a solver over a part of the model) ← `sifting`
//! (a sequence of calls that ends at the LP optimum) ← this module (the
//! stages of the optimum). Nothing imports upwards.
//!
//! Every answer carries its proof: a lower bound that the engine computes
//! itself from the solver's duals by weak duality ([`lp::Lp::bound`]), so a
//! solver's inaccuracy can weaken it but never make it wrong; and a plan
//! that the evaluator re-checks.

pub(crate) mod anytime;
pub(crate) mod backend;
pub(crate) mod lp;
pub(crate) mod sifting;

use backend::{Backend, Call, Failure};
use lp::{Col, Lp, Sense};
use sifting::LpResult;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// Default relative gap: a plan whose total is within this fraction of a
/// proven lower bound counts as optimal.
pub const DEFAULT_GAP: f64 = 1e-7;

/// The least relative gap a solve aims for: a smaller target is raised
/// to it (the solvers' own accuracy).
pub(crate) const MIN_GAP: f64 = 1e-9;

/// Default memory budget of one solve, in bytes (4 GiB): a model whose
/// estimate is above it is refused before it is built.
pub const DEFAULT_MEMORY_BUDGET_BYTES: usize = 4 << 30;

/// Why a solve ended before its gap was proven.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum StopReason {
    /// The time limit passed.
    TimeLimit,
    /// The cancellation flag was raised.
    Cancelled,
    /// The next stage (the exact MILP over the whole model) would need
    /// more memory than the budget allows.
    MemoryBudget,
}

impl std::fmt::Display for StopReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            StopReason::TimeLimit => "time limit",
            StopReason::Cancelled => "cancellation",
            StopReason::MemoryBudget => "the memory budget",
        })
    }
}

/// When the LP is solved by column generation (a sequence of small LPs
/// over a working set of cells, priced with the duals) instead of whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ColumnGeneration {
    /// With Clarabel on a model of at least 20,000 columns. HiGHS solves
    /// whole models faster than it re-solves restricted ones from scratch.
    #[default]
    Auto,
    /// Whenever the solver gives duals, whatever the size.
    Always,
    /// Never: the whole model in one call.
    Never,
}

/// The limits and settings of one solve.
#[derive(Debug, Clone)]
pub(crate) struct Limits {
    pub(crate) deadline: Option<Instant>,
    pub(crate) gap: f64,
    pub(crate) cancel: Option<Arc<AtomicBool>>,
    pub(crate) column_generation: ColumnGeneration,
    /// The whole model fits the memory budget in a solver (else only
    /// column generation may run, and no exact MILP stage).
    pub(crate) whole_model_fits: bool,
}

impl Limits {
    /// Why to stop now, if at all.
    pub(crate) fn stop(&self) -> Option<StopReason> {
        if self
            .cancel
            .as_ref()
            .is_some_and(|c| c.load(Ordering::Relaxed))
        {
            return Some(StopReason::Cancelled);
        }
        if self.deadline.is_some_and(|d| Instant::now() >= d) {
            return Some(StopReason::TimeLimit);
        }
        None
    }

    /// Seconds left, if limited.
    pub(crate) fn remaining(&self) -> Option<f64> {
        self.deadline
            .map(|d| d.saturating_duration_since(Instant::now()).as_secs_f64())
    }
}

/// A stage's news for the progress hook.
pub(crate) type Report<'a> = &'a dyn Fn(Stage, usize, usize, Option<f64>, f64);

/// The stages the engine reports between solver calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Stage {
    /// A round of column generation on the LP (or the relaxation).
    Sifting,
    /// The LP relaxation of the MILP is solved: its bound is proven.
    Relaxation,
    /// The `Whole` jobs are fixed to their largest region and the rest
    /// re-solved: a feasible plan.
    Fixed,
    /// The exact MILP solver has returned.
    Exact,
    /// A round of the least-shortfall diagnosis.
    Diagnosis,
}

/// The LP optimum (or the best the limits allowed) of `lp` over the
/// columns in `mask` (all when `None`), and its proof.
pub(crate) fn solve_lp(
    lp: &Lp,
    mask: Option<&[bool]>,
    backend: Backend,
    limits: &Limits,
    report: Report,
    stage: Stage,
) -> Result<LpResult, Failure> {
    if limits.stop().is_some() {
        return Err(Failure::TimeLimit); // the caller reads why from `limits`
    }
    let allowed = mask.map_or(lp.columns(), |m| m.iter().filter(|&&b| b).count());
    let result = if sifts(backend, limits.column_generation, allowed) {
        sifting::sift(lp, mask, backend, limits, report, stage)
    } else {
        full(lp, mask, backend, limits)
    };
    match result {
        Err(Failure::Numerical(why)) => match backend.fallback(false) {
            // One solver's numerical trouble is not the answer: retry the
            // whole stage on another.
            Some(other)
                if limits.stop().is_none()
                    && (limits.whole_model_fits
                        || sifts(other, limits.column_generation, allowed)) =>
            {
                solve_lp(lp, mask, other, limits, report, stage).map_err(|e| match e {
                    Failure::Numerical(w2) => Failure::Numerical(format!(
                        "{}: {why}; then {}: {w2}",
                        backend.name(),
                        other.name()
                    )),
                    e => e,
                })
            }
            _ => Err(Failure::Numerical(why)),
        },
        r => r,
    }
}

/// Whether an LP of `columns` columns is solved by column generation
/// (else whole, in one call) with `backend` in `mode`.
pub(crate) fn sifts(backend: Backend, mode: ColumnGeneration, columns: usize) -> bool {
    backend.has_duals()
        && match mode {
            // HiGHS solves the whole model faster than a sequence of
            // restricted models it must start from scratch (no warm basis
            // through good_lp): in development runs on the (300, 20, 168)
            // Split-only model, 24 s whole against 45-60 s by sifting.
            #[cfg(feature = "highs")]
            ColumnGeneration::Auto if backend == Backend::Highs => false,
            ColumnGeneration::Auto => columns >= sifting::MIN_COLUMNS,
            ColumnGeneration::Always => true,
            ColumnGeneration::Never => false,
        }
}

/// One call over every allowed column.
pub(crate) fn full(
    lp: &Lp,
    mask: Option<&[bool]>,
    backend: Backend,
    limits: &Limits,
) -> Result<LpResult, Failure> {
    let columns: Vec<usize> = (0..lp.columns())
        .filter(|&i| mask.is_none_or(|m| m[i]))
        .collect();
    let out = backend::solve(
        backend,
        &Call {
            lp,
            columns: &columns,
            artificial_usd_per_work: None,
            binary: false,
            time_limit: limits.remaining(),
            deadline: limits.deadline,
            cancel: limits.cancel.as_deref(),
            mip_gap: limits.gap,
            mip_abs_gap_usd: 0.0,
            scale_columns: true,
            initial: None,
        },
    )?;
    let mut x = vec![0.0; lp.columns()];
    for (&i, &v) in columns.iter().zip(&out.values) {
        x[i] = v;
    }
    let objective = lp.objective_of(&x);
    let bound = match &out.duals {
        Some(d) => {
            let mut d = d.clone();
            lp.project_duals(&mut d);
            bound_over(lp, mask, &d)
        }
        // microlp gives no duals: its simplex proves the optimum itself,
        // to its accuracy, taken as half the least target gap so that a
        // plan re-priced by the evaluator (a few 1e-15 relative) is still
        // proven at that target (it was exactly the floor: `--gap 0`
        // then failed by 4e-15).
        None if !out.stopped_early => objective - 0.5 * MIN_GAP * objective.abs().max(1.0),
        None => f64::NEG_INFINITY,
    };
    Ok(LpResult {
        x,
        duals: out.duals,
        bound,
        rounds: 1,
        columns: columns.len(),
        stopped: if out.stopped_early {
            limits.stop().or(Some(StopReason::TimeLimit))
        } else {
            None
        },
        feasible: true,
    })
}

/// A proven lower bound on the least objective of the LP over the allowed
/// columns (the others are fixed at 0), and so of the MILP whose
/// relaxation it is, from any duals of the right signs (weak Lagrangian
/// duality over the box `0 <= x <= upper`):
/// `sum_r rhs_r·dual_r + sum_i min(0, d_i)·upper_i`.
///
/// It holds whatever solver produced the duals and however accurate they
/// are: a poor dual gives a weak bound, never a wrong one. Call
/// [`Lp::project_duals`] first.
pub(crate) fn bound_over(lp: &Lp, mask: Option<&[bool]>, dual: &[f64]) -> f64 {
    let rows: f64 = lp.rhs.iter().zip(dual).map(|(b, d)| b * d).sum();
    let cols: f64 = (0..lp.columns())
        .filter(|&i| mask.is_none_or(|m| m[i]))
        .map(|i| lp.reduced_cost(i, dual).min(0.0) * lp.upper[i])
        .sum();
    rows + cols
}

/// A valid lower bound with no solver at all: every job at its cheapest
/// eligible cost per work unit, capacity ignored (for a `Whole` job, the
/// cheapest region with its egress), or at its price of undone work where
/// that is less. Used when the limits stop a solve before the first LP
/// returns.
pub(crate) fn trivial_bound(lp: &Lp) -> f64 {
    let mut total = 0.0;
    for (j, cols) in lp.job_cols.iter().enumerate() {
        let wr = lp.work_row[j];
        if wr == u32::MAX {
            continue;
        }
        let work = lp.rhs[wr as usize];
        // Per region choice (or one pseudo-region for Split): least cost
        // per work unit of its cells, plus the choice's lump sum.
        let mut per_region: Vec<(f64, f64)> = Vec::new(); // (lump, least c/s)
        let mut split_min = f64::INFINITY;
        // The slack's cost per work unit (undone work's price).
        let mut unmet = f64::INFINITY;
        for i in cols.clone() {
            match lp.col[i] {
                Col::Choice { .. } => per_region.push((lp.cost[i], f64::INFINITY)),
                Col::Cell { .. } => {
                    let cps = lp.cost[i] / lp.cell_speed(i);
                    // A job's choice column comes before its region's cells.
                    split_min = split_min.min(cps);
                    if let Some(last) = per_region.last_mut() {
                        last.1 = last.1.min(cps);
                    }
                }
                Col::Slack { .. } => unmet = lp.cost[i],
            }
        }
        // Each work unit is done at a cell's cost or left undone at its
        // price; a region's lump sum is paid once whatever is done there.
        if per_region.is_empty() {
            total += work * split_min.min(unmet);
        } else {
            total += per_region
                .iter()
                .map(|&(lump, m)| lump + work * m.min(unmet))
                .fold(work * unmet, f64::min);
        }
    }
    total
}

/// Whether the rows of `lp` hold at `x` within a relative tolerance (a
/// check of a solver's point before it is trusted as feasible).
pub(crate) fn feasible(lp: &Lp, x: &[f64], tol: f64) -> bool {
    let mut activity = vec![0.0; lp.row.len()];
    let mut scale = vec![0.0f64; lp.row.len()];
    for (i, &v) in x.iter().enumerate() {
        if v == 0.0 {
            continue;
        }
        if v < 0.0 || v > lp.upper[i] * (1.0 + tol) + tol {
            return false;
        }
        for (r, a) in lp.entries(i) {
            activity[r] += a * v;
            scale[r] = scale[r].max((a * v).abs());
        }
    }
    activity
        .iter()
        .zip(&scale)
        .zip(lp.sense.iter().zip(&lp.rhs))
        .all(|((&act, &sc), (&s, &b))| {
            let slack = tol * sc.max(b.abs()).max(1e-12);
            match s {
                Sense::Le => act <= b + slack,
                Sense::Eq => (act - b).abs() <= slack,
            }
        })
}

/// Puts back onto each job's work row the work a solver's point misses by
/// round-off (an interior point's 1e-6, a simplex's last digits), so that
/// a plan short of `W_j` by solver tolerance is repaired here and never
/// reaches the evaluator as unfinished work. Each job's missing work goes
/// to its cheapest columns (per work unit: cells, or its slack where it
/// has a price) within the room every `<=` row and every upper bound has
/// left at `x`; no row is pushed past its limit. A job that cannot be
/// repaired this way is left short (the evaluator then says so).
pub(crate) fn repair(lp: &Lp, x: &mut [f64]) {
    let mut activity = vec![0.0; lp.row.len()];
    for (i, &v) in x.iter().enumerate() {
        if v != 0.0 {
            for (r, a) in lp.entries(i) {
                activity[r] += a * v;
            }
        }
    }
    for (j, cols) in lp.job_cols.iter().enumerate() {
        let Some(&wr) = lp.work_row.get(j).filter(|&&r| r != u32::MAX) else {
            continue;
        };
        let wr = wr as usize;
        let mut short = lp.rhs[wr] - activity[wr];
        if short.is_nan() || short <= 0.0 {
            continue;
        }
        // (column, its work per unit of the column)
        let mut options: Vec<(usize, f64)> = cols
            .clone()
            .filter(|&i| !matches!(lp.col[i], Col::Choice { .. }))
            .filter_map(|i| {
                let rate = lp.entries(i).find(|&(r, _)| r == wr).map(|(_, a)| a)?;
                (rate > 0.0).then_some((i, rate))
            })
            .collect();
        options.sort_by(|a, b| (lp.cost[a.0] / a.1).total_cmp(&(lp.cost[b.0] / b.1)));
        for (i, rate) in options {
            let mut room = lp.upper[i] - x[i];
            for (r, a) in lp.entries(i) {
                if r == wr {
                    continue;
                }
                match lp.sense[r] {
                    Sense::Eq => room = 0.0,
                    Sense::Le if a > 0.0 => room = room.min((lp.rhs[r] - activity[r]).max(0.0) / a),
                    Sense::Le => {}
                }
            }
            let add = room.min(short / rate);
            if add.is_nan() || add <= 0.0 {
                continue;
            }
            x[i] += add;
            for (r, a) in lp.entries(i) {
                activity[r] += a * add;
            }
            short -= add * rate;
            if short <= 0.0 {
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::{generate, Params};
    use crate::Problem;

    /// A solver's point that misses each job's work by 2e-6 relative (the
    /// evaluator's tolerance is 1e-6; interior points and simplex round-off
    /// were seen 1.8e-6 short) is put back on every work row, and no other
    /// row or bound is pushed past its limit.
    #[test]
    fn repair_puts_back_work_missed_by_solver_tolerance() {
        let mut repaired = 0;
        for seed in 0..8 {
            let scenario = generate(&Params {
                jobs: 6,
                regions: 3,
                slots: 8,
                contention: 0.5,
                seed,
                ..Params::default()
            });
            let p = Problem::new(&scenario).unwrap_or_else(|e| panic!("{e}"));
            let lp = lp::build(&p, lp::Objective::Cost);
            let limits = Limits {
                deadline: None,
                gap: DEFAULT_GAP,
                cancel: None,
                column_generation: ColumnGeneration::Never,
                whole_model_fits: true,
            };
            let Ok(r) = solve_lp(
                &lp,
                None,
                Backend::Microlp,
                &limits,
                &|_, _, _, _, _| {},
                Stage::Sifting,
            ) else {
                continue; // an infeasible draw
            };
            let mut x = r.x.clone();
            for v in &mut x {
                *v *= 1.0 - 2e-6;
            }
            assert!(
                !feasible(&lp, &x, 1e-7),
                "seed {seed}: the shrunk point should miss work"
            );
            repair(&lp, &mut x);
            assert!(
                feasible(&lp, &x, 1e-9),
                "seed {seed}: repaired point breaks a row"
            );
            repaired += 1;
        }
        assert!(repaired >= 4, "only {repaired} of 8 draws were feasible");
    }
}
