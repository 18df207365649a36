//! A plan of the MILP from a point of its all-Split relaxation, without
//! another LP: a Whole job the relaxation put wholly in one option keeps
//! its cells there, and Split jobs keep theirs; every other Whole job is
//! placed anew, as Greedy places a Whole job (each option filled
//! cheapest cells first, the cheapest that finishes kept) but within the
//! room the relaxation's plan of the other jobs leaves. It costs a few
//! passes over the model where the fixed plan's LP costs a solve: at
//! fleet scale it is the first plan, the plan when a limit stops the
//! relaxation before any LP of the MILP has run, and the seed of the
//! fixed LP's column generation ([`support`]).
//!
//! Measured (release build, this project's 2-core machine): see
//! `docs/performance.md`, "The engine at fleet scale".

use super::branch::{round_choices, Assignment, Choices, OptionColumns};
use super::cleanup::{activity, feasible, fill, repair};
use super::lp::{Col, Lp};

/// Rows must hold to this relative tolerance, as for any solver's point.
const TOL: f64 = 1e-7;

/// A rounded plan: the MILP's point, and how many Whole jobs were placed
/// anew (0: the relaxation had each Whole job wholly in one option, and
/// its point, egress aside, is the MILP's as it stood).
pub(crate) struct Rounded {
    pub(crate) x: Vec<f64>,
    pub(crate) placed: usize,
}

/// The point `xs` of the all-Split relaxation `split` as a plan of `milp`
/// with each Whole job in one option: a job the relaxation put wholly in
/// its option of `a` keeps its cells there; every other Whole job, the
/// one with most work first, is placed anew in the option (region, or
/// none) where filling its work within the room the rows leave costs
/// least, egress included, as Greedy places a Whole job but over the
/// relaxation's plan of the rest. `None` when some job fits in no
/// option, or a row of the MILP (its limit, say) does not hold.
pub(crate) fn rounded(
    milp: &Lp,
    split: &Lp,
    choices: &Choices,
    xs: &[f64],
    a: &Assignment,
) -> Option<Rounded> {
    let jobs = milp.job_cols.len();
    let mut x = vec![0.0; milp.columns()];
    // Per Whole job, its options, and the region and choice column of its
    // pick in `a` (whose cells are kept if all its work is there).
    let mut options: Vec<Vec<OptionColumns>> = vec![Vec::new(); jobs];
    for (j, opts) in choices.options() {
        options[j] = opts;
    }
    let mut pick: Vec<Option<(u32, usize)>> = vec![None; jobs];
    for (j, r, col) in choices.picks(a) {
        pick[j] = Some((r, col));
    }
    // Work units of job `j` (0 for a job with no work row: it has no
    // column either, so nothing to place).
    let work = |j: usize| {
        milp.work_row
            .get(j)
            .and_then(|&r| milp.rhs.get(r as usize))
            .copied()
            .unwrap_or(0.0)
    };
    let slack_of = |lp: &Lp, j: usize| {
        lp.job_cols[j]
            .clone()
            .find(|&i| matches!(lp.col[i], Col::Slack { .. }))
    };
    let mut to_place: Vec<usize> = Vec::new();
    for (j, &pick) in pick.iter().enumerate() {
        let pairs = cell_pairs(milp, split, j);
        let slacks = slack_of(milp, j).zip(slack_of(split, j));
        if let Some((r, col)) = pick {
            let region_of = |m: usize| match milp.col[m] {
                Col::Cell { pool, .. } => milp.pool_region[pool as usize],
                _ => u32::MAX,
            };
            let tol = 1e-9 * work(j).abs().max(1.0);
            let outside: f64 = pairs
                .iter()
                .filter(|&&(m, _)| region_of(m) != r)
                .map(|&(_, s)| split.cell_speed(s) * xs[s].max(0.0))
                .sum();
            let undone_elsewhere = r != u32::MAX && slacks.is_some_and(|(_, s)| xs[s] > tol);
            if outside > tol || undone_elsewhere {
                to_place.push(j); // spread over options: placed anew below
                continue;
            }
            x[col] = 1.0;
        }
        for (m, s) in pairs.into_iter().chain(slacks) {
            x[m] = xs[s].clamp(0.0, milp.upper[m]);
        }
    }
    let mut activity = activity(milp, &x);
    to_place.sort_by(|&a, &b| work(b).total_cmp(&work(a)).then(a.cmp(&b)));
    let placed = to_place.len();
    for j in to_place {
        let slack = slack_of(milp, j);
        let w = work(j);
        // Option `o` of job `j` filled: the work it left undone, and the
        // columns it may have set (its choice, its cells, the slack).
        let place = |x: &mut [f64], activity: &mut [f64], (col, _, cells): &OptionColumns| {
            set(milp, x, activity, *col, 1.0);
            let left = fill(milp, x, activity, j, cells.clone().chain(slack), w);
            (
                left,
                std::iter::once(*col).chain(cells.clone()).chain(slack),
            )
        };
        let mut best: Option<(f64, usize)> = None;
        for (o, opt) in options[j].iter().enumerate() {
            let (left, touched) = place(&mut x, &mut activity, opt);
            let touched: Vec<usize> = touched.collect();
            let cost: f64 = touched.iter().map(|&i| milp.cost[i] * x[i]).sum();
            if left <= 1e-9 * w.abs().max(1.0) && best.is_none_or(|(c, _)| cost < c) {
                best = Some((cost, o));
            }
            // Undone, for the next option: the job had no column set.
            for i in touched {
                set(milp, &mut x, &mut activity, i, 0.0);
            }
        }
        let (_, o) = best?;
        let _ = place(&mut x, &mut activity, &options[j][o]).0;
    }
    round_choices(milp, &mut x);
    repair(milp, &mut x);
    feasible(milp, &x, TOL).then_some(Rounded { x, placed })
}

/// The columns of `milp` [in use](in_use) at its point `x` or at the
/// relaxation's point `xs` (mapped to the MILP's columns): a first
/// working set for the fixed LP's column generation that holds the
/// rounded plan (up to its dust) and the relaxation's.
pub(crate) fn support(milp: &Lp, split: &Lp, xs: &[f64], x: &[f64]) -> Vec<usize> {
    let mut cols: Vec<usize> = (0..milp.columns())
        .filter(|&i| in_use(milp, x, i))
        .collect();
    for j in 0..milp.job_cols.len() {
        for (m, s) in cell_pairs(milp, split, j) {
            if in_use(split, xs, s) {
                cols.push(m);
            }
        }
    }
    cols.sort_unstable();
    cols.dedup();
    cols
}

/// Whether column `i` of `lp` is in use in its point `x`: any positive
/// value of a region choice or slack, but a cell only above 1e-6 of its
/// upper bound. An interior point leaves dust in nearly every column it
/// was given, and the rounded plan keeps the relaxation's: on the
/// (300, 20, 168) fleet with 20 % Whole jobs, 168 k of the relaxation's
/// 212 k cells held under 1e-6 of their bound, the other 43 k over 1e-2,
/// none between. Seeded with the dust, each fixed LP's column generation
/// started from 180 k columns and the first fixed LP took 48 s; without
/// it, from 68-70 k, and the first two took 68 s together (one run each,
/// side by side, load average 3).
pub(crate) fn in_use(lp: &Lp, x: &[f64], i: usize) -> bool {
    match lp.col[i] {
        Col::Cell { .. } => x[i] > 1e-6 * lp.upper[i],
        _ => x[i] > 0.0,
    }
}

/// Job `j`'s cells as (MILP column, relaxation column) pairs: the two
/// models list a job's cells in the same order (the MILP's choice columns
/// between them).
fn cell_pairs(milp: &Lp, split: &Lp, j: usize) -> Vec<(usize, usize)> {
    let cells = |lp: &Lp| {
        lp.job_cols[j]
            .clone()
            .filter(|&i| matches!(lp.col[i], Col::Cell { .. }))
            .collect::<Vec<_>>()
    };
    cells(milp).into_iter().zip(cells(split)).collect()
}

/// Sets column `i` to `v`, keeping the row activities up to date.
fn set(lp: &Lp, x: &mut [f64], activity: &mut [f64], i: usize, v: f64) {
    let delta = v - x[i];
    if delta != 0.0 {
        for (r, a) in lp.entries(i) {
            activity[r] += a * delta;
        }
        x[i] = v;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::{ColumnGeneration, Limits, StopReason};
    use crate::problem::Problem;
    use crate::solve::anytime;
    use crate::solve::backend::Backend;
    use crate::solve::linear::solve_lp;
    use crate::solve::lp::{self, Objective};
    use crate::solve::progress::Stage;
    use crate::synth::{generate, Params};
    use proptest::prelude::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    fn limits(column_generation: ColumnGeneration) -> Limits {
        Limits::unbounded(1e-9, column_generation)
    }

    /// Dust (a cell under 1e-6 of its bound, as an interior point leaves
    /// in nearly every column it is given) keeps a cell out of the fixed
    /// LP's first working set; a cell in use at either point is in it,
    /// once.
    #[test]
    fn the_support_leaves_dust_out() {
        let p = Problem::new(&generate(&Params {
            jobs: 6,
            regions: 3,
            slots: 8,
            whole_share: 0.5,
            seed: 3,
            ..Params::default()
        }))
        .unwrap();
        let milp = lp::build(&p, Objective::Cost);
        let split = lp::build_split(&p, Objective::Cost, None);
        let is_cell = |lp: &Lp, i: usize| matches!(lp.col[i], Col::Cell { .. });
        let dust = |lp: &Lp| -> Vec<f64> {
            (0..lp.columns())
                .map(|i| {
                    if is_cell(lp, i) {
                        1e-9 * lp.upper[i]
                    } else {
                        0.0
                    }
                })
                .collect()
        };
        let (mut x, mut xs) = (dust(&milp), dust(&split));
        // Job 0's first cell in use in the plan, job 1's in the
        // relaxation, and job 2's in both.
        let (m0, _) = cell_pairs(&milp, &split, 0)[0];
        let (m1, s1) = cell_pairs(&milp, &split, 1)[0];
        let (m2, s2) = cell_pairs(&milp, &split, 2)[0];
        x[m0] = 0.5 * milp.upper[m0];
        xs[s1] = 0.3 * split.upper[s1];
        x[m2] = 0.2 * milp.upper[m2];
        xs[s2] = 0.2 * split.upper[s2];
        let mut want = vec![m0, m1, m2];
        want.sort_unstable();
        assert_eq!(support(&milp, &split, &xs, &x), want);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// The rounded point, when there is one, keeps every row of the
        /// MILP, gives each Whole job exactly one option with no cell
        /// outside it, and costs no less than the MILP's optimum (when
        /// this test was written, 21 of its 24 cases had a rounded plan,
        /// 11 of them with Whole jobs placed anew).
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
            let Some(Rounded { x, placed }) = rounded(&milp, &split, &choices, &relax.x, &a) else {
                return Ok(());
            };
            prop_assert!(feasible(&milp, &x, TOL));
            if placed == 0 {
                // Nothing placed anew: every Whole job keeps its pick.
                for (_, _, col) in choices.picks(&a) {
                    prop_assert_eq!(x[col], 1.0);
                }
            }
            for (_, opts) in choices.options() {
                let chosen: Vec<_> = opts.iter().filter(|(col, _, _)| x[*col] == 1.0).collect();
                prop_assert_eq!(chosen.len(), 1, "one option per Whole job");
                for (col, _, cells) in &opts {
                    prop_assert!(x[*col] == 1.0 || x[*col] == 0.0);
                    if x[*col] == 0.0 {
                        prop_assert!(cells.clone().all(|i| x[i] == 0.0), "a cell outside the chosen region");
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
