//! The spread limit (`max_regions`) of `Split` jobs in the engine. A model
//! where some job's limit binds has one binary `z[j,r]` per region of such
//! a job ([`super::lp`]); its stages:
//! 1. the all-Split relaxation (every spread and Whole row dropped): a
//!    proven lower bound;
//! 2. each spread job held to the regions where the relaxation did most
//!    of its work (as many as its limit leaves): a problem where no limit
//!    binds, whose optimum (Whole jobs and all, by [`super::anytime`]) is
//!    a plan of the whole model, so a proven gap;
//! 3. if that gap is above the target, a solver's MILP over the whole
//!    model ([`super::anytime::exact`]), its claim checked against the
//!    plan of stage 2 as for Whole jobs.
//!
//! Measured on the shipped marketplace week (see the performance page),
//! stage 2 alone usually meets the target: the relaxation's regions are
//! the optimum's.

use super::anytime::{self, exact, finish, split_relaxation, Exact, ExactBy, NoPlan, Plan};
use super::backend::Backend;
use super::bound::trivial_bound;
use super::cleanup::feasible;
use super::limits::{Limits, StopReason};
use super::lp::{self, Col, Lp};
use super::progress::OnRound;
use crate::problem::Problem;
use std::collections::HashMap;

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
    let relaxed = split_relaxation(lp, backend, limits, report, trivial)?;
    let lb = relaxed.bound;
    let mut incumbent: Option<(Vec<f64>, f64)> = None;
    if relaxed.stopped.is_none() {
        let kept = kept_regions(p, lp, &relaxed.x);
        let held = p.with_windows(&kept);
        let mut inner = lp::build_with(&held, lp.objective, lp.limit);
        inner.warm_like(lp);
        // The held problem's own bounds are not bounds of this one: the
        // progress shows the relaxation's.
        let held_report = |stage, round, columns, ub: Option<f64>, _bound: f64| {
            report(stage, round, columns, ub, lb)
        };
        // Its first two stages only: the exact stage below is over the
        // whole model, with this plan as its incumbent.
        let skip = ExactBy::Skip;
        if let Ok(plan) = anytime::optimum_with(&held, &inner, backend, limits, &held_report, skip)
        {
            let x = carry(&inner, &plan.x, lp);
            if feasible(lp, &x, 1e-7) {
                let ub = lp.objective_of(&x);
                incumbent = Some((x, ub));
            }
        }
    }
    if let Some(why) = relaxed.stopped.or_else(|| limits.stop()) {
        return finish(incumbent, lb, Some(why));
    }
    let proven = |inc: &Option<(Vec<f64>, f64)>| {
        inc.as_ref()
            .is_some_and(|(_, ub)| (ub - lb) / ub.abs().max(1.0) <= limits.gap)
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
    match exact(lp, milp_backend, limits, report, lb, incumbent) {
        Exact::Answer(r) => r,
        // Refuted or failed: the best plan so far, not proven (the
        // engine reports its gap as not proven).
        Exact::Refuted(best) => finish(best, lb, None),
    }
}

/// Per job, the regions it keeps: for a job whose `max_regions` binds,
/// those its history opened and, of the rest, the ones where the
/// relaxation's point `x` of `split` did most of its work, as many as the
/// limit leaves (ties in file order); `None` (all its windows) for the
/// other jobs.
fn kept_regions(p: &Problem, split: &Lp, x: &[f64]) -> Vec<Option<Vec<usize>>> {
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
            let mut kept: Vec<usize> = job.opened_regions.clone();
            kept.extend(rest.iter().take(job.regions_left()).map(|&(r, _)| r));
            kept.sort_unstable();
            Some(kept)
        })
        .collect()
}

/// The point `x` of `inner` (a model of the same problem with fewer
/// windows) as a point of `lp`: each column's value where `lp` has the
/// same column, and every spread choice of a region the job kept at 1.
fn carry(inner: &Lp, x: &[f64], lp: &Lp) -> Vec<f64> {
    let index: HashMap<Col, usize> = lp.col.iter().enumerate().map(|(i, &c)| (c, i)).collect();
    let mut out = vec![0.0; lp.columns()];
    let mut kept: Vec<(u32, u32)> = Vec::new();
    for (i, &c) in inner.col.iter().enumerate() {
        if let Col::Cell { job, pool, .. } = c {
            kept.push((job, inner.pool_region[pool as usize]));
        }
        if let Some(&o) = index.get(&c) {
            out[o] = x[i];
        }
    }
    kept.sort_unstable();
    kept.dedup();
    for (i, c) in lp.col.iter().enumerate() {
        if let Col::Choice {
            job,
            region,
            spread: true,
        } = *c
        {
            if kept.binary_search(&(job, region)).is_ok() {
                out[i] = 1.0;
            }
        }
    }
    out
}
