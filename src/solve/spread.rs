//! The spread limit (`max_regions`) of `Split` jobs in the engine. A model
//! where some job's limit binds has one binary `z[j,r]` per region of such
//! a job ([`super::lp`]); its stages:
//! 1. the model's own LP relaxation (every binary in `[0, 1]`): a proven
//!    lower bound, and duals;
//! 2. the exact stage by region sets ([`super::region_sets`]): each spread
//!    job's sets of regions priced at those duals (a tighter bound), then
//!    the combinations of sets in order of their priced bound, each a
//!    problem held to its regions where no limit binds, solved exactly
//!    (Whole jobs and all, by [`super::anytime`]), until the next
//!    combination's bound meets the best plan's gap;
//! 3. where that stage does not apply (too many sets or combinations):
//!    plans held to the regions where the relaxation did most of each
//!    job's work, and swaps of them, then a solver's MILP over the whole
//!    model ([`super::anytime::exact`]), its claim checked against the
//!    best such plan as for Whole jobs.
//!
//! Measured on the marketplace week with hardware requirements (see the
//! performance page), stage 2 proves the optimum after three held
//! problems, two of which have no plan: 0.8 s of CPU in all, where the
//! MILP of stage 3 took 2.5 s alone.

use super::anytime::{self, exact, finish, split_relaxation, Exact, ExactBy, NoPlan, Plan};
use super::backend::Backend;
use super::bound::{bound_over, trivial_bound};
use super::branch::Choices;
use super::cleanup::feasible;
use super::lp::{self, Col, Lp};
use super::pricing;
use super::progress::{OnRound, Stage};
use super::region_sets;
use crate::limits::{relative_gap, ColumnGeneration, Limits, StopReason};
use crate::problem::Problem;
use std::collections::HashMap;

/// Up to this many columns the relaxation of a spread model is solved
/// whole under `Auto` ([`whole_relaxation`]): 21.6 k measured, the rest a
/// guess (column generation's own threshold is 20 k).
const WHOLE_RELAXATION_MAX_COLUMNS: usize = 60_000;

/// [`anytime::optimum_with`] for a model with spread choices.
pub(super) fn optimum(
    p: &Problem,
    lp: &Lp,
    backend: Backend,
    limits: &Limits,
    report: OnRound,
) -> Result<Plan, NoPlan> {
    let trivial = trivial_bound(lp);
    // The model's own LP relaxation (every binary in [0, 1]), not the
    // all-Split one: a spread job's `sum s·x <= min(W, room)·z` rows with
    // `sum z <= max_regions` keep most of the limit when its regions are
    // small beside its work (marketplace hosts), where dropping the limit
    // gave a bound 6 % under the optimum.
    let relaxed = {
        let whole = whole_relaxation(lp, limits);
        split_relaxation(lp, None, backend, &whole, report, trivial)?
    };
    let lb = relaxed.bound;
    let mut incumbent: Option<(Vec<f64>, f64)> = None;
    let ctx = Held {
        p,
        lp,
        backend,
        limits,
        report,
        lb,
    };
    if relaxed.stopped.is_none() {
        // The exact stage by region sets, where their prices order few
        // combinations before the proof: no MILP over the whole model.
        if let Some(d) = &relaxed.duals {
            if let Some(answer) = by_sets(&ctx, d, &mut incumbent) {
                return answer;
            }
        }
        held_plans(&ctx, &relaxed.x, &mut incumbent);
    }
    if let Some(why) = relaxed.stopped.or_else(|| limits.stop()) {
        return finish(incumbent, lb, Some(why));
    }
    let proven = |inc: &Option<(Vec<f64>, f64)>| {
        inc.as_ref()
            .is_some_and(|(_, ub)| relative_gap(*ub, lb) <= limits.gap)
    };
    if proven(&incumbent) {
        return finish(incumbent, lb, None);
    }
    if !limits.whole_model_fits {
        return finish(incumbent, lb, Some(StopReason::MemoryBudget));
    }
    let milp_backend = if backend.has_integers() {
        backend
    } else {
        Backend::Microlp
    };
    // Choices no plan cheaper than the incumbent can take (their reduced
    // cost at the relaxation's duals is above the gap) are closed before
    // the solver's MILP. (On the marketplace week with max_regions 3 on
    // both pretraining jobs it closed none of the 167: the gap, $171, is
    // above every choice's reduced cost.)
    let closed = match (&relaxed.duals, &incumbent) {
        (Some(d), Some((_, ub))) => priced_out(p, lp, d, *ub),
        _ => None,
    };
    let Some(keep) = closed else {
        return match exact(lp, None, milp_backend, limits, report, lb, incumbent) {
            Exact::Answer(r) => r,
            Exact::Refuted(best) => refuted(best, lb, limits),
        };
    };
    let reduced_p = p.with_windows(&keep);
    let reduced = lp::build_with(&reduced_p, lp.objective, lp.limit);
    let start = incumbent
        .as_ref()
        .map(|(x, ub)| (same_columns(lp, x, &reduced), *ub));
    let answer = match exact(&reduced, None, milp_backend, limits, report, lb, start) {
        Exact::Answer(r) => r,
        Exact::Refuted(best) => refuted(best, lb, limits),
    };
    // The reduced model's plan carried back, and checked against every
    // row of the whole model: a point that breaks one is not taken, the
    // incumbent stands (no proof beyond the bound).
    answer.and_then(|mut plan| {
        plan.x = carry(&reduced, &plan.x, lp);
        if feasible(lp, &plan.x, 1e-7) {
            return Ok(plan);
        }
        refuted(incumbent, lb, limits)
    })
}

/// The limits of the relaxation: under `Auto`, a model that fits the
/// memory budget and has at most [`WHOLE_RELAXATION_MAX_COLUMNS`] columns
/// is solved whole, not by column generation (the spread rows make its
/// restricted LPs slow to converge: without the hardware week's memory
/// floors, 21.6 k columns, 0.89 s whole against 1.65 s, the same bound).
fn whole_relaxation(lp: &Lp, limits: &Limits) -> Limits {
    let mut out = limits.clone();
    if out.column_generation == ColumnGeneration::Auto
        && out.whole_model_fits
        && lp.columns() <= WHOLE_RELAXATION_MAX_COLUMNS
    {
        out.column_generation = ColumnGeneration::Never;
    }
    out
}

/// Plans held to the regions where the relaxation's point `x` did most
/// of each spread job's work, then each spread job in turn with its
/// weakest region (of those the relaxation ranked) swapped for the next
/// one the relaxation used: where two jobs share a region's room, the
/// relaxation splits it and the regions of most work are not the
/// optimum's (the marketplace week with memory floors: $10,368.67 held
/// to the regions of most work, $10,299.50 with one job's second region
/// swapped, the optimum). The best one becomes `incumbent` where it is
/// better.
fn held_plans(ctx: &Held, x: &[f64], incumbent: &mut Option<(Vec<f64>, f64)>) {
    let (p, lp, limits, lb) = (ctx.p, ctx.lp, ctx.limits, ctx.lb);
    let ranked = ranked_regions(p, lp, x);
    let kept = kept_regions(p, &ranked);
    let mut tries = vec![kept.clone()];
    tries.extend(swaps(p, &ranked, &kept).into_iter().map(|(j, alt)| {
        let mut held = kept.clone();
        held[j] = Some(alt);
        held
    }));
    for held in tries {
        let proven = incumbent
            .as_ref()
            .is_some_and(|(_, ub)| relative_gap(*ub, lb) <= limits.gap);
        if proven || limits.stop().is_some() {
            break;
        }
        // Its first two stages only: the exact stage is over the whole
        // model, with the best such plan as its incumbent.
        let Some((x, ub)) = held_answer(ctx, &held, ExactBy::Skip).and_then(|h| h.plan) else {
            continue;
        };
        if incumbent.as_ref().is_none_or(|(_, old)| ub < *old) {
            *incumbent = Some((x, ub));
        }
    }
}

/// The answer when the exact stage's claim was refuted or it failed: the
/// best plan so far with the bound before it, stopped if a limit is why;
/// with no limit to blame, not proven (the engine says so: there is no
/// search of the engine's own over spread choices to take over, as there
/// is for Whole jobs).
fn refuted(best: Option<(Vec<f64>, f64)>, lb: f64, limits: &Limits) -> Result<Plan, NoPlan> {
    finish(best, lb, limits.stop())
}

/// Per job, its windows less the region choices (a Whole job's region or
/// a spread job's) that no plan cheaper than `ub` can take: by weak
/// duality every plan costs at least the bound of `duals` plus each
/// positive reduced cost times its column, so a choice whose reduced cost
/// is above `ub` less that bound cannot be 1 in a better plan. `None`
/// when no choice is closed.
fn priced_out(p: &Problem, lp: &Lp, duals: &[f64], ub: f64) -> Option<Vec<Option<Vec<usize>>>> {
    let mut d = duals.to_vec();
    lp.project_duals(&mut d);
    let room = ub - bound_over(lp, None, &d);
    // A margin for round-off in the sums: closing a choice wrongly would
    // be a false proof, keeping one only costs time.
    let margin = 1e-6 * ub.abs().max(1.0);
    if !room.is_finite() || room < 0.0 {
        return None;
    }
    let mut closed: Vec<Vec<usize>> = vec![Vec::new(); p.jobs().len()];
    for (i, c) in lp.col.iter().enumerate() {
        if let Col::Choice { job, region, .. } = *c {
            if region != u32::MAX && lp.reduced_cost(i, &d) > room + margin {
                closed[job as usize].push(region as usize);
            }
        }
    }
    if closed.iter().all(Vec::is_empty) {
        return None;
    }
    Some(
        p.jobs()
            .iter()
            .zip(closed)
            .map(|(job, out)| {
                (!out.is_empty()).then(|| {
                    job.windows
                        .iter()
                        .map(|w| w.region)
                        .filter(|r| !out.contains(r))
                        .collect()
                })
            })
            .collect(),
    )
}

/// The point `x` of model `from` as a point of model `to` (two models of
/// the same problem, one with fewer windows): each column's value where
/// `to` has the same column, 0 elsewhere.
fn same_columns(from: &Lp, x: &[f64], to: &Lp) -> Vec<f64> {
    let index: HashMap<Col, usize> = to.col.iter().enumerate().map(|(i, &c)| (c, i)).collect();
    let mut out = vec![0.0; to.columns()];
    for (i, c) in from.col.iter().enumerate() {
        if let Some(&o) = index.get(c) {
            out[o] = x[i];
        }
    }
    out
}

/// Per job whose `max_regions` binds, the regions its history opened and
/// the rest ranked by the work the relaxation's point `x` of `split` did
/// in each, most first (ties in file order); `None` for the other jobs.
fn ranked_regions(p: &Problem, split: &Lp, x: &[f64]) -> Ranked {
    p.jobs()
        .iter()
        .enumerate()
        .map(|(j, job)| {
            if !job.spread_binds() {
                return None;
            }
            let mut work: HashMap<usize, f64> = HashMap::new();
            for i in split.job_cols[j].clone() {
                if let Col::Cell { pool, .. } = split.col[i] {
                    let r = split.pool_region[pool as usize] as usize;
                    *work.entry(r).or_default() += split.cell_speed(i) * x[i];
                }
            }
            let mut rest: Vec<(usize, f64)> = job
                .windows
                .iter()
                .map(|w| w.region)
                .filter(|r| job.opened_regions.binary_search(r).is_err())
                .map(|r| (r, work.get(&r).copied().unwrap_or(0.0)))
                .collect();
            // Most work first; a stable sort keeps file order on ties.
            rest.sort_by(|a, b| b.1.total_cmp(&a.1));
            Some((job.opened_regions.clone(), rest))
        })
        .collect()
}

/// Per job, the regions opened by its history and the others with the
/// relaxation's work in each, most first (`None`: no binding limit).
type Ranked = Vec<Option<(Vec<usize>, Vec<(usize, f64)>)>>;

/// Per job, the regions it keeps: for a job whose `max_regions` binds,
/// those its history opened and, of the rest, the ones where the
/// relaxation did most of its work, as many as the limit leaves; `None`
/// (all its windows) for the other jobs.
fn kept_regions(p: &Problem, ranked: &Ranked) -> Vec<Option<Vec<usize>>> {
    p.jobs()
        .iter()
        .zip(ranked)
        .map(|(job, r)| {
            r.as_ref().map(|(opened, rest)| {
                let mut kept = opened.clone();
                kept.extend(rest.iter().take(job.regions_left()).map(|&(r, _)| r));
                kept.sort_unstable();
                kept
            })
        })
        .collect()
}

/// For each job whose limit binds, its kept regions with the last one the
/// ranking chose (the least work) swapped for the first it left out,
/// where the relaxation did work in that one: at most one per job.
fn swaps(p: &Problem, ranked: &Ranked, kept: &[Option<Vec<usize>>]) -> Vec<(usize, Vec<usize>)> {
    let mut out = Vec::new();
    for (j, (job, r)) in p.jobs().iter().zip(ranked).enumerate() {
        let (Some((_, rest)), Some(kept)) = (r, &kept[j]) else {
            continue;
        };
        let left = job.regions_left();
        if left == 0 || rest.len() <= left || rest[left].1 <= 0.0 {
            continue;
        }
        let (drop, _) = rest[left - 1];
        let mut alt: Vec<usize> = kept.iter().copied().filter(|&r| r != drop).collect();
        alt.push(rest[left].0);
        alt.sort_unstable();
        out.push((j, alt));
    }
    out
}

/// What a held problem is solved in: the problem and its model, the
/// backend, the limits, the progress callback, and the bound `lb` its
/// progress is shown with (the held problem's own bounds are not bounds
/// of this one).
struct Held<'a> {
    p: &'a Problem,
    lp: &'a Lp,
    backend: Backend,
    limits: &'a Limits,
    report: OnRound<'a>,
    lb: f64,
}

/// A held problem's answer: its best plan as a point of the whole model
/// (checked against its every row), a proven bound on the held problem,
/// and why it stopped, if it did.
struct HeldAnswer {
    plan: Option<(Vec<f64>, f64)>,
    bound: f64,
    stopped: Option<StopReason>,
}

/// The held problem with each job kept to the regions of `kept` (no
/// spread limit binds there), solved by the anytime stages with the
/// exact stage run by `exact_by`; `None` when its solvers failed.
fn held_answer(ctx: &Held, kept: &[Option<Vec<usize>>], exact_by: ExactBy) -> Option<HeldAnswer> {
    let Held {
        p,
        lp,
        backend,
        limits,
        report,
        lb,
    } = *ctx;
    let held = p.with_windows(kept);
    let mut inner = lp::build_with(&held, lp.objective, lp.limit);
    inner.warm_like(lp);
    let held_report =
        |stage, round, columns, ub: Option<f64>, _bound: f64| report(stage, round, columns, ub, lb);
    match anytime::optimum_with(&held, &inner, backend, limits, &held_report, exact_by) {
        Ok(plan) => {
            let x = carry(&inner, &plan.x, lp);
            let plan_x = feasible(lp, &x, 1e-7).then(|| {
                let ub = lp.objective_of(&x);
                (x, ub)
            });
            Some(HeldAnswer {
                plan: plan_x,
                bound: plan.bound,
                stopped: plan.stopped,
            })
        }
        Err(NoPlan::Infeasible) => Some(HeldAnswer {
            plan: None,
            bound: f64::INFINITY,
            stopped: None,
        }),
        Err(NoPlan::Stopped(why, bound)) => Some(HeldAnswer {
            plan: None,
            bound,
            stopped: Some(why),
        }),
        Err(NoPlan::Numerical(_)) => None,
    }
}

/// The exact stage by region sets ([`region_sets`]): every spread job's
/// sets and every Whole job's options priced at the relaxation's duals
/// `duals` (carried to the all-Split relaxation's rows), then the
/// combinations of sets in order of their priced bound, each solved as a
/// held problem (Whole jobs' exact stage and all) with the Whole options
/// no plan cheaper than the incumbent can take closed, until the next
/// combination's priced bound meets the incumbent's gap. The bound is the
/// least of the combinations' (a held problem's proven bound, or the
/// priced bound of those not solved). `None` when it does not apply (too
/// many sets, no finite prices, a solver failed, or
/// [`region_sets::MAX_COMBINATIONS`] solved without a proof): the other
/// stages go on from `incumbent`, which keeps any plan found here.
fn by_sets(
    ctx: &Held,
    duals: &[f64],
    incumbent: &mut Option<(Vec<f64>, f64)>,
) -> Option<Result<Plan, NoPlan>> {
    let (p, lp, limits, report) = (ctx.p, ctx.lp, ctx.limits, ctx.report);
    let sets = region_sets::sets_of(p)?;
    let split = lp::build_split(p, lp.objective, lp.limit);
    let choices = Choices::of(lp);
    let carried = pricing::carried(lp, duals, &split);
    let (priced, set_usd) = pricing::priced_sets(&split, &choices, &carried, &sets)?;
    let lb = ctx.lb.max(priced.bound);
    let best = |inc: &Option<(Vec<f64>, f64)>| inc.as_ref().map(|(_, v)| *v);
    if priced.bound > ctx.lb {
        report(Stage::Priced, 0, 0, best(incumbent), lb);
    }
    let mut queue = region_sets::Combinations::new(&priced, &set_usd)?;
    // The least bound of the combinations solved (each its held
    // problem's, or its priced bound if higher).
    let mut least = f64::INFINITY;
    let mut stopped = None;
    let mut solved = 0;
    loop {
        let next = queue.next_bound();
        let done = best(incumbent).is_some_and(|ub| relative_gap(ub, next) <= limits.gap);
        if done || !next.is_finite() {
            break;
        }
        stopped = stopped.or_else(|| limits.stop());
        if stopped.is_some() {
            break;
        }
        if solved == region_sets::MAX_COMBINATIONS {
            return None;
        }
        let c = queue.next()?;
        let mut open = vec![true; choices.count()];
        if let Some(ub) = best(incumbent) {
            pricing::close(&choices, &priced, ub, &mut open);
        }
        let kept = region_sets::held_windows(p, &sets, &c, &choices, &open);
        let held = held_answer(&Held { lb, ..*ctx }, &kept, ExactBy::Solver)?;
        solved += 1;
        if let Some((x, v)) = held.plan {
            if best(incumbent).is_none_or(|old| v < old) {
                *incumbent = Some((x, v));
            }
        }
        least = least.min(held.bound.max(c.bound));
        stopped = stopped.or(held.stopped);
        // Never shown above the best plan (a held problem with Whole
        // options closed by it may have none).
        let ub = best(incumbent).unwrap_or(f64::INFINITY);
        let bound = lb.max(least.min(queue.next_bound()).min(ub));
        report(Stage::Branch, solved, 0, best(incumbent), bound);
    }
    // Combinations closed by the incumbent (options of Whole jobs above
    // it included) are bounded by it.
    let ub = best(incumbent).unwrap_or(f64::INFINITY);
    let bound = lb.max(least.min(queue.next_bound()).min(ub));
    let proven = relative_gap(ub, bound) <= limits.gap;
    report(Stage::Exact, solved, 0, best(incumbent), bound);
    // Not proven with no limit to blame: the engine says so (the gap).
    let stopped = if proven { None } else { stopped };
    Some(finish(incumbent.take(), bound, stopped))
}

/// The point `x` of `inner` (a model of the same problem with fewer
/// windows, where a job may have lost its choices: a spread limit that no
/// longer binds, a Whole job left one region) as a point of `lp`: each
/// column's value where `lp` has the same column, and every region choice
/// of `lp` at 1 exactly where the job has work in that region, else 0
/// (so `sum z <= max_regions` holds, the regions used being within the
/// limit in `inner` too); a Whole job with no work anywhere takes its
/// "no region" option.
fn carry(inner: &Lp, x: &[f64], lp: &Lp) -> Vec<f64> {
    let mut out = same_columns(inner, x, lp);
    let mut used: Vec<(u32, u32)> = Vec::new();
    for (i, &c) in inner.col.iter().enumerate() {
        if let Col::Cell { job, pool, .. } = c {
            if x[i] > 0.0 {
                used.push((job, inner.pool_region[pool as usize]));
            }
        }
    }
    used.sort_unstable();
    used.dedup();
    for cols in &lp.job_cols {
        let mut none = None;
        let mut any = false;
        for i in cols.clone() {
            if let Col::Choice { job, region, .. } = lp.col[i] {
                if region == u32::MAX {
                    none = Some(i);
                    continue;
                }
                let on = used.binary_search(&(job, region)).is_ok();
                out[i] = if on { 1.0 } else { 0.0 };
                any |= on;
            }
        }
        if let Some(i) = none {
            out[i] = if any { 0.0 } else { 1.0 };
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Placement;
    use crate::solve::lp::Objective;
    use crate::synth::{generate, Params};
    use proptest::prelude::*;

    fn exact_limits() -> Limits {
        Limits::unbounded(1e-9, ColumnGeneration::Never)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        #[cfg(feature = "clarabel")]
        /// The spread stages (the region sets priced and what they leave
        /// solved one held problem at a time) find microlp's MILP optimum
        /// over the whole model, and their bound is never above it.
        #[test]
        fn the_spread_stages_find_the_milp_optimum(
            jobs in 2usize..5,
            regions in 3usize..6,
            slots in 4usize..10,
            whole_share in 0.0f64..0.5,
            contention in 0.2f64..0.7,
            power_caps in any::<bool>(),
            max_regions in 1u32..3,
            seed in 0u64..10_000,
        ) {
            let mut scenario = generate(&Params {
                jobs, regions, slots, whole_share, power_caps, contention, seed,
                pools_per_region: 2,
            });
            for job in scenario.jobs.iter_mut() {
                if job.placement == Placement::Split {
                    job.max_regions = Some(max_regions);
                }
            }
            let p = Problem::new(&scenario).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let lp = lp::build(&p, Objective::Cost);
            prop_assume!(lp.has_spread() && !lp.job_without_cells);
            let none = &|_, _, _, _, _| {};
            let limits = exact_limits();
            let ours = optimum(&p, &lp, Backend::Clarabel, &limits, none);
            let milp = match exact(&lp, None, Backend::Microlp, &limits, none, f64::NEG_INFINITY, None) {
                Exact::Answer(r) => r,
                Exact::Refuted(_) => return Ok(()),
            };
            match (ours, milp) {
                (Ok(a), Ok(b)) => {
                    let (va, vb) = (lp.objective_of(&a.x), lp.objective_of(&b.x));
                    let tol = 1e-6 * vb.abs().max(1.0);
                    prop_assert!(feasible(&lp, &a.x, 1e-6), "the plan breaks a row");
                    prop_assert!(a.stopped.is_none(), "stopped: {:?}", a.stopped);
                    prop_assert!((va - vb).abs() <= tol, "spread stages {va}, MILP {vb}");
                    prop_assert!(a.bound <= vb + tol, "bound {} above the optimum {vb}", a.bound);
                }
                (Err(NoPlan::Infeasible), Err(NoPlan::Infeasible)) => {}
                (Ok(a), Err(_)) => prop_assert!(feasible(&lp, &a.x, 1e-6), "the plan breaks a row"),
                (Err(NoPlan::Infeasible), Ok(b)) => {
                    prop_assert!(false, "no plan found, the MILP has one at {}", lp.objective_of(&b.x));
                }
                _ => {}
            }
        }
    }
}
