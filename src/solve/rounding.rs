//! A plan of the MILP from a point of its all-Split relaxation, without
//! another LP: each Whole job keeps the cells of the option it is given
//! (the one holding most of its work), drops the rest, and the work it
//! dropped goes to the cheapest cells the rows leave room for in that
//! option's region ([`repair`]); Split jobs keep their cells. It costs one
//! pass over the model where the fixed plan's LP costs a solve: at fleet
//! scale it is the first plan, and the plan when a limit stops the
//! relaxation before any LP of the MILP has run.
//!
//! Measured (release build, this project's 2-core machine): see
//! `docs/performance.md`, "The rounded plan".

use super::branch::{round_choices, Assignment, Choices};
use super::cleanup::{feasible, repair};
use super::lp::{Col, Lp};

/// Rows must hold to this relative tolerance, as for any solver's point.
const TOL: f64 = 1e-7;

/// The point `xs` of the all-Split relaxation `split` as a plan of `milp`
/// with each Whole job's choice as in `a`, its dropped work re-placed:
/// `None` when some job's work does not fit in its chosen region, or a
/// row of the MILP (its limit, say) does not hold.
pub(crate) fn rounded(
    milp: &Lp,
    split: &Lp,
    choices: &Choices,
    xs: &[f64],
    a: &Assignment,
) -> Option<Vec<f64>> {
    // Per job, the region its cells must be in (`None`: any).
    let mut region: Vec<Option<u32>> = vec![None; milp.job_cols.len()];
    let mut x = vec![0.0; milp.columns()];
    for (j, r, col) in choices.picks(a) {
        region[j] = Some(r);
        x[col] = 1.0;
    }
    for (j, (mcols, scols)) in milp.job_cols.iter().zip(&split.job_cols).enumerate() {
        // The two models list a job's cells in the same order (the
        // MILP's choice columns between them).
        let cells = |lp: &Lp, r: &std::ops::Range<usize>| {
            r.clone()
                .filter(|&i| matches!(lp.col[i], Col::Cell { .. }))
                .collect::<Vec<_>>()
        };
        for (m, s) in cells(milp, mcols).into_iter().zip(cells(split, scols)) {
            let keep = match (region[j], milp.col[m]) {
                (Some(r), Col::Cell { pool, .. }) => milp.pool_region[pool as usize] == r,
                _ => true,
            };
            if keep {
                x[m] = xs[s].clamp(0.0, milp.upper[m]);
            }
        }
        let slack = |lp: &Lp, r: &std::ops::Range<usize>| {
            r.clone().find(|&i| matches!(lp.col[i], Col::Slack { .. }))
        };
        if let (Some(m), Some(s)) = (slack(milp, mcols), slack(split, scols)) {
            x[m] = xs[s].clamp(0.0, milp.upper[m]);
        }
    }
    round_choices(milp, &mut x);
    repair(milp, &mut x);
    feasible(milp, &x, TOL).then_some(x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::Problem;
    use crate::solve::anytime;
    use crate::solve::backend::Backend;
    use crate::solve::limits::{ColumnGeneration, Limits, StopReason};
    use crate::solve::linear::solve_lp;
    use crate::solve::lp::{self, Objective};
    use crate::solve::progress::Stage;
    use crate::synth::{generate, Params};
    use proptest::prelude::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    fn limits(column_generation: ColumnGeneration) -> Limits {
        Limits {
            deadline: None,
            gap: 1e-9,
            cancel: None,
            column_generation,
            whole_model_fits: true,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// The rounded point, when there is one, keeps every row of the
        /// MILP, gives each Whole job exactly one option with no cell
        /// outside it, and costs no less than the MILP's optimum.
        #[test]
        fn the_rounded_point_is_a_plan_no_cheaper_than_the_optimum(
            jobs in 2usize..7,
            regions in 2usize..4,
            slots in 4usize..12,
            whole_share in 0.3f64..1.0,
            power_caps in any::<bool>(),
            contention in 0.05f64..0.6,
            seed in 0u64..10_000,
        ) {
            let p = Problem::new(&generate(&Params {
                jobs, regions, slots, whole_share, power_caps, contention, seed,
                pools_per_region: 2,
            })).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let milp = lp::build(&p, Objective::Cost);
            prop_assume!(milp.has_choices() && !milp.job_without_cells);
            let split = lp::build_split(&p, Objective::Cost, None);
            let choices = Choices::of(&milp);
            let none = &|_, _, _, _, _| {};
            let never = limits(ColumnGeneration::Never);
            let relax = solve_lp(&split, None, Backend::Microlp, &never, none, Stage::Relaxation);
            let Ok(relax) = relax.map_err(|_| ()).and_then(|r| if r.feasible { Ok(r) } else { Err(()) }) else {
                return Ok(()); // infeasible: nothing to round
            };
            let a = choices.largest_share(&split, &relax.x);
            let Some(x) = rounded(&milp, &split, &choices, &relax.x, &a) else {
                return Ok(());
            };
            prop_assert!(feasible(&milp, &x, TOL));
            for (j, region, col) in choices.picks(&a) {
                prop_assert_eq!(x[col], 1.0);
                for i in milp.job_cols[j].clone() {
                    match milp.col[i] {
                        Col::Choice { .. } if i != col => prop_assert_eq!(x[i], 0.0),
                        Col::Cell { pool, .. } if milp.pool_region[pool as usize] != region => {
                            prop_assert_eq!(x[i], 0.0)
                        }
                        _ => {}
                    }
                }
            }
            let ub = milp.objective_of(&x);
            let best = anytime::optimum(&p, &milp, Backend::Microlp, &never, none)
                .map_err(|_| TestCaseError::fail("a rounded plan exists, so the MILP has one"))?;
            let opt = milp.objective_of(&best.x);
            prop_assert!(ub >= opt - 1e-6 * opt.abs().max(1.0), "rounded {ub} below the optimum {opt}");
            prop_assert!(ub >= relax.bound - 1e-6 * ub.abs().max(1.0));
        }
    }

    #[cfg(feature = "clarabel")]
    /// A relaxation stopped after its first feasible round of column
    /// generation still gives a plan: its point rounded, marked stopped,
    /// with the relaxation's bound below it (before the rounding, such a
    /// stop left the caller with Greedy's plan).
    #[test]
    fn a_stopped_relaxation_still_gives_a_plan() {
        let p = Problem::new(&generate(&Params {
            jobs: 20,
            regions: 4,
            slots: 168,
            whole_share: 0.5,
            contention: 0.2,
            seed: 0,
            ..Params::default()
        }))
        .expect("valid");
        let milp = lp::build(&p, Objective::Cost);
        assert!(milp.has_choices());
        let cancel = Arc::new(AtomicBool::new(false));
        let mut limits = limits(ColumnGeneration::Always);
        limits.cancel = Some(Arc::clone(&cancel));
        let stop = |stage, _, _, incumbent: Option<f64>, _| {
            if stage == Stage::Relaxation && incumbent.is_some() {
                cancel.store(true, Ordering::Relaxed);
            }
        };
        // Column generation needs duals: Clarabel's (it takes 5 rounds
        // here when not stopped).
        let Ok(plan) = anytime::optimum(&p, &milp, Backend::Clarabel, &limits, &stop) else {
            panic!("a stopped relaxation with a feasible point gives a plan");
        };
        assert_eq!(plan.stopped, Some(StopReason::Cancelled));
        assert!(feasible(&milp, &plan.x, TOL));
        let ub = milp.objective_of(&plan.x);
        assert!(
            plan.bound.is_finite() && plan.bound <= ub,
            "{} > {ub}",
            plan.bound
        );
    }
}
