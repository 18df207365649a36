//! The LP optimum over a set of columns: whole in one solver call
//! ([`full`]) or by column generation ([`super::sifting`]), retried on
//! another solver after a numerical failure. Reads the model, the
//! backends, the limits and the bounds; knows nothing of MILPs or plans.

use super::backend::{self, Backend, Call, Failure};
use super::bound::bound_over;
use super::lp::Lp;
use super::progress::{OnRound, Stage};
use super::sifting::{self, Enough, LpResult};
use crate::limits::{certified_bound, ColumnGeneration, Limits, StopReason, MIN_GAP};

/// The LP optimum (or the best the limits allowed) of `lp` over the
/// columns in `mask` (all when `None`), and its proof.
pub(crate) fn solve_lp(
    lp: &Lp,
    mask: Option<&[bool]>,
    backend: Backend,
    limits: &Limits,
    report: OnRound,
    stage: Stage,
) -> Result<LpResult, Failure> {
    solve_lp_from(lp, mask, &[], backend, limits, report, stage)
}

/// [`solve_lp`], with column generation's first working set also holding
/// the columns of `seed` (a known plan's, say: then the first restricted
/// LP has a plan without artificial work).
pub(crate) fn solve_lp_from(
    lp: &Lp,
    mask: Option<&[bool]>,
    seed: &[usize],
    backend: Backend,
    limits: &Limits,
    report: OnRound,
    stage: Stage,
) -> Result<LpResult, Failure> {
    solve_lp_with(lp, (mask, seed, None), backend, limits, report, stage)
}

/// [`solve_lp`] over all columns, with column generation also ending
/// at a round whose point is `enough` (a MILP's relaxation: see
/// [`sifting::Enough`]).
pub(crate) fn solve_lp_until(
    lp: &Lp,
    enough: Enough,
    backend: Backend,
    limits: &Limits,
    report: OnRound,
    stage: Stage,
) -> Result<LpResult, Failure> {
    solve_lp_with(
        lp,
        (None, &[], Some(enough)),
        backend,
        limits,
        report,
        stage,
    )
}

fn solve_lp_with(
    lp: &Lp,
    (mask, seed, enough): (Option<&[bool]>, &[usize], Option<Enough>),
    backend: Backend,
    limits: &Limits,
    report: OnRound,
    stage: Stage,
) -> Result<LpResult, Failure> {
    if limits.stop().is_some() {
        return Err(Failure::TimeLimit); // the caller reads why from `limits`
    }
    let allowed = mask.map_or(lp.columns(), |m| m.iter().filter(|&&b| b).count());
    let by_columns = |b| {
        sifts(b, limits.column_generation, allowed)
            || seeded_sifts(b, limits.column_generation, allowed, seed)
    };
    let result = if by_columns(backend) {
        sifting::sift(lp, (mask, seed, enough), backend, limits, report, stage)
    } else {
        full(lp, mask, backend, limits)
    };
    match result {
        Err(Failure::Numerical(why)) => match backend.fallback(false) {
            // One solver's numerical trouble is not the answer: retry the
            // whole stage on another.
            Some(other)
                if limits.stop().is_none() && (limits.whole_model_fits || by_columns(other)) =>
            {
                solve_lp_with(lp, (mask, seed, enough), other, limits, report, stage).map_err(|e| {
                    match e {
                        Failure::Numerical(w2) => Failure::Numerical(format!(
                            "{}: {why}; then {}: {w2}",
                            backend.name(),
                            other.name()
                        )),
                        e => e,
                    }
                })
            }
            _ => Err(Failure::Numerical(why)),
        },
        r => r,
    }
}

/// From this many columns `Auto` solves an LP on HiGHS by column
/// generation, below it whole. Release build, 2-core machine shared with
/// other builds, 2026-12-07, CPU seconds, two runs each, `engine_trace
/// SIZE highs 1e-7 600`: the (300, 20, 168) Split-only LP (1.21 M
/// columns) 11.5-11.6 s by column generation against 17.8-20.1 s whole
/// (presolve off; 20.7-23.6 s with it, as before); 100×10×48 (65 k
/// columns) 0.25-0.26 s against 0.40-0.42 s whole, and 0.54-0.55 s
/// against 0.98-1.01 s with 20 % Whole jobs; but
/// `ny-vs-marketplace.json` (22 k columns) 1.15-1.16 s against
/// 0.89-0.90 s whole.
#[cfg(feature = "highs")]
pub(crate) const HIGHS_MIN_COLUMNS: usize = 50_000;

/// Whether an LP of `columns` columns is solved by column generation
/// (else whole, in one call) with `backend` in `mode`.
pub(crate) fn sifts(backend: Backend, mode: ColumnGeneration, columns: usize) -> bool {
    backend.has_duals()
        && match mode {
            // HiGHS too, since its rounds keep one model and start from
            // the last basis (`sifting::kept`), from more columns: see
            // `HIGHS_MIN_COLUMNS`.
            #[cfg(feature = "highs")]
            ColumnGeneration::Auto if backend == Backend::Highs => columns >= HIGHS_MIN_COLUMNS,
            ColumnGeneration::Auto => columns >= sifting::MIN_COLUMNS,
            ColumnGeneration::Always => true,
            ColumnGeneration::Never => false,
        }
}

/// Whether a seeded LP (a fixed LP of the MILP, seeded with the
/// relaxation's and the last plan's columns; in the anytime stages, and
/// at the leaves of the engine's own search after them) is solved by
/// column generation where [`sifts`] alone would not: on every solver
/// with duals under `Auto`, from [`CLARABEL_SEEDED_MIN_COLUMNS`] columns on
/// Clarabel and [`sifting::MIN_COLUMNS`] on the others. With such a seed
/// the first restricted LP is close to the optimum: on the (300, 20, 168)
/// fleet with 20 % Whole jobs, HiGHS solved each fixed LP in 2 rounds and
/// 5.7-6.1 s by column generation, against 29-46 s whole (one run each).
pub(crate) fn seeded_sifts(
    backend: Backend,
    mode: ColumnGeneration,
    columns: usize,
    seed: &[usize],
) -> bool {
    !seed.is_empty()
        && mode == ColumnGeneration::Auto
        && backend.has_duals()
        && columns
            >= match backend {
                Backend::Clarabel => CLARABEL_SEEDED_MIN_COLUMNS,
                _ => sifting::MIN_COLUMNS,
            }
}

/// From this many allowed columns a seeded LP on Clarabel is solved by
/// column generation (on other solvers from [`sifting::MIN_COLUMNS`]).
/// Release build, this project's 2-core machine, 2026-12-07, three runs
/// each, back to back, wall time: the marketplace week's 7-point carbon
/// sweep 0.97-0.98 s against 1.26-1.29 s at `--gap 1e-3` and 3.91-3.93 s
/// against 4.23-4.27 s at the default gap, its cold solve 0.57-0.60 s
/// against 0.65-0.68 s (the same optima); its hardware week and the
/// `synth` sizes (20, 5, 24) and (100, 10, 48) unchanged (their fixed LPs
/// are under 2,000 columns or over 20,000). An interior point's time
/// grows with the columns it is given; the seed (the last plan's columns)
/// is near the fixed LP's optimum.
const CLARABEL_SEEDED_MIN_COLUMNS: usize = 2_000;

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
    let out = backend::solve(backend, &Call::lp(lp, &columns, None, limits))?;
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
        None if !out.stopped_early => certified_bound(objective, 0.5 * MIN_GAP),
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

#[cfg(test)]
mod until_tests {
    use super::*;
    use crate::limits::ColumnGeneration;
    use crate::problem::Problem;
    use crate::solve::lp::{self, Objective};
    use crate::synth::{generate, Params};
    use proptest::prelude::*;
    use std::cell::Cell;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(12))]

        /// A relaxation ended by its caller at its first feasible round
        /// keeps a proven bound (at most the LP's optimum) and a point no
        /// cheaper than it; a caller that never says enough gets the
        /// optimum in as many rounds as without one.
        #[test]
        fn enough_ends_column_generation_with_a_proven_bound(
            seed in 0u64..1_000,
            whole_share in 0.0f64..0.5,
        ) {
            let p = Problem::new(&generate(&Params {
                jobs: 10, regions: 4, slots: 168, whole_share, seed, contention: 0.2,
                ..Params::default()
            })).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let split = lp::build_split(&p, Objective::Cost, None);
            let limits = Limits::unbounded(1e-9, ColumnGeneration::Always);
            let none = &|_, _, _, _, _| {};
            let solve = |enough: Option<Enough>| match enough {
                Some(e) => solve_lp_until(&split, e, Backend::Clarabel, &limits, none, Stage::Relaxation),
                None => solve_lp(&split, None, Backend::Clarabel, &limits, none, Stage::Relaxation),
            };
            let Ok(optimum) = solve(None) else { return Ok(()) };
            prop_assume!(optimum.feasible && optimum.rounds > 1);
            let best = split.objective_of(&optimum.x);
            let tol = 1e-6 * best.abs().max(1.0);

            // Asked at every feasible round whose gap is not proven.
            let asked = Cell::new(0);
            let never = |x: &[f64], objective: f64, bound: f64| {
                asked.set(asked.get() + 1);
                assert!((split.objective_of(x) - objective).abs() <= tol);
                assert!(bound <= objective + tol);
                false
            };
            let late = solve(Some(&never)).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
            prop_assert_eq!(late.rounds, optimum.rounds);
            prop_assert!((split.objective_of(&late.x) - best).abs() <= tol);
            // Only a round before the last helps.
            prop_assume!(asked.get() >= 2);

            let always = |_: &[f64], _: f64, _: f64| true;
            let early = solve(Some(&always)).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
            prop_assert!(early.feasible);
            prop_assert!(early.rounds < optimum.rounds, "{} rounds, as many as without", early.rounds);
            prop_assert!(early.bound <= best + tol, "bound {} above the optimum {best}", early.bound);
            prop_assert!(split.objective_of(&early.x) >= best - tol);
        }
    }
}
