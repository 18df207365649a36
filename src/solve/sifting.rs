//! Column generation ("sifting") for the LP: the model has far more
//! columns (cells) than rows, and at the optimum most cells are unused.
//! Solve over a working set, price every other allowed column with the
//! duals, add the most negative, repeat until none is negative: the
//! restricted optimum padded with zeros is then the optimum of the whole
//! LP. Every round's duals also give a proven bound ([`super::bound::bound_over`]), so a
//! solve stopped by its limits still says how far from exact it is.
//!
//! The working set starts with each job's cheapest cells (by cost per
//! work unit) until they could hold three times its work, plus every
//! region choice and slack, plus the cells of a heuristic's plan when the
//! caller has one ([`Lp::warm_columns`], and a stage's seed: the fixed
//! plan's LP starts from the columns in use at the rounded plan and the
//! relaxation's point): with jobs contending for the same cheap hours,
//! the cheapest cells alone leave the first restricted LP short of
//! capacity, and rounds spent on artificial work are slow. The cheapest
//! cells stay beside a seed that covers a job's work: without them the
//! year-long MILP's fixed LP took 5 rounds (4.5 s) instead of one (2 s),
//! though the fleet's took 7 % less CPU. Each work row gets an artificial column at
//! 1,000 times the dearest cost per work unit, so every restricted LP is
//! feasible. Columns are never dropped (dropping the cells that hold
//! nothing kept each LP at a third of the size in a development run, but
//! the bound then stalled as cells left and came back). The rounds stop
//! when no cell prices negative, or as soon as the best plan is proven
//! within the target gap of the bound, or the caller says the round's
//! point is good enough ([`Enough`]: a MILP's relaxation, whose bound the
//! MILP's stages raise anyway).

use super::backend::{self, Backend, Call, Failure};
use super::linear::full;
use super::lp::{Col, Lp};
use super::memory;
use super::progress::{OnRound, Stage};
use crate::limits::{relative_gap, Limits, StopReason};

/// Whether a round's feasible point `x`, of objective `objective`, with
/// the best bound so far `bound`, ends column generation before its gap
/// is proven: the point is then the answer, and the bound still proven.
pub(crate) type Enough<'a> = &'a dyn Fn(&[f64], f64, f64) -> bool;

/// Below this many allowed columns the whole model is solved at once.
pub(crate) const MIN_COLUMNS: usize = 20_000;
/// At most this many columns join per job per round, or a quarter of the
/// job's cells that price negative if that is more: a job of 100 k cells
/// (a year in 12 regions) gained about 45 $ of bound per round at 200
/// columns a round, with rounds of 7 s (Clarabel, the year-long model).
const ADD_PER_JOB: usize = 200;
const ADD_SHARE_OF_NEGATIVE: usize = 4;
/// After this many rounds (or once the working set holds half the
/// columns) the whole model is solved instead.
const MAX_ROUNDS: usize = 40;
/// The initial set covers this many times each job's work.
const COVER: f64 = 3.0;
/// On HiGHS, whose rounds start from the last basis (`backend::kept`), a round
/// is cheap: the first set covers twice each job's work, and at most
/// this many columns join per job per round, with no share of the
/// negative ones. On the (300, 20, 168) Split-only LP (CPU seconds, one
/// run each unless two are given, 2026-12-07): 11.4-11.7 s against
/// 13.7-13.8 s with [`COVER`] and [`ADD_PER_JOB`] and the share; 12.0 s
/// adding 75 from a cover of 3, 11.7 s adding 100 from 2, 12.2 s adding
/// 50 from 2, 13.4 s adding 50 from 1.5, 14.7 s adding 50 from 2 with
/// the share.
#[cfg(feature = "highs")]
const HIGHS_COVER: f64 = 2.0;
#[cfg(feature = "highs")]
const HIGHS_ADD_PER_JOB: usize = 75;

/// An LP's answer and its proof.
pub(crate) struct LpResult {
    /// Value of every column of the model (0 outside the working set).
    pub(crate) x: Vec<f64>,
    /// Duals of the last restricted LP (one per row), if the solver gave
    /// them.
    pub(crate) duals: Option<Vec<f64>>,
    /// A proven lower bound on the LP's optimum.
    pub(crate) bound: f64,
    /// Solver calls made.
    pub(crate) rounds: usize,
    /// Columns in the last call.
    pub(crate) columns: usize,
    /// Set when the limits stopped it before the optimum was proven.
    pub(crate) stopped: Option<StopReason>,
    /// `x` satisfies every row (no artificial is in use).
    pub(crate) feasible: bool,
}

/// Column generation's working set: its columns, a flag per column of
/// the model, and its nonzeros (kept within the memory a call may take).
struct WorkingSet {
    in_set: Vec<bool>,
    set: Vec<usize>,
    nnz: usize,
}

impl WorkingSet {
    /// Whether one more column `i` keeps a call within the memory left.
    fn fits(&self, lp: &Lp, backend: Backend, limits: &Limits, i: usize) -> bool {
        let jobs = lp.job_cols.len();
        let cols = self.set.len() + 1 + jobs; // and an artificial per job
        let nnz = self.nnz + lp.entries(i).count() + jobs;
        memory::call_bytes(backend, cols, nnz) <= limits.solver_room_bytes
    }

    fn push(&mut self, lp: &Lp, i: usize) {
        self.in_set[i] = true;
        self.nnz += lp.entries(i).count();
        self.set.push(i);
    }
}

/// The first working set of [`sift`] (every choice and slack column,
/// each job's cheapest cells per work unit up to [`COVER`] of its work
/// unless warm columns cover it, then the warm and `seed` columns, as
/// memory allows) and the artificial work's price: above every cost per
/// work unit, undone work's price and egress per work unit.
fn first_set(
    lp: &Lp,
    mask: Option<&[bool]>,
    seed: &[usize],
    backend: Backend,
    limits: &Limits,
    cover_work: f64,
) -> (WorkingSet, f64) {
    let n = lp.columns();
    let allowed = |i: usize| mask.is_none_or(|m| m[i]);
    let mut w = WorkingSet {
        in_set: vec![false; n],
        set: Vec::new(),
        nnz: 0,
    };
    let mut dearest: f64 = 0.0;
    // Work units the warm columns of a seeded model hold per job.
    let mut warm_cover = vec![0.0; lp.job_cols.len()];
    if lp.seeded {
        for &i in &lp.warm_columns {
            if let Col::Cell { job, .. } = lp.col[i] {
                warm_cover[job as usize] += lp.upper[i] * lp.cell_speed(i);
            }
        }
    }
    for (j, cols) in lp.job_cols.iter().enumerate() {
        if lp.work_row[j] == u32::MAX {
            continue;
        }
        let work = lp.rhs[lp.work_row[j] as usize];
        let mut cells: Vec<(f64, usize)> = Vec::new();
        for i in cols.clone().filter(|&i| allowed(i)) {
            match lp.col[i] {
                Col::Cell { .. } => {
                    let s = lp.cell_speed(i);
                    let cps = lp.cost[i] / s;
                    dearest = dearest.max(cps.abs());
                    cells.push((cps, i));
                }
                Col::Choice { .. } | Col::Slack { .. } => {
                    if let Col::Slack { .. } = lp.col[i] {
                        // Undone work's price: the artificial work must
                        // be dearer than this too.
                        dearest = dearest.max(lp.cost[i].abs());
                    }
                    w.push(lp, i);
                }
            }
        }
        cells.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let cover = if warm_cover[j] >= work {
            0.0
        } else {
            cover_work
        };
        let mut covered = 0.0;
        for (_, i) in cells {
            if covered >= cover * work || !w.fits(lp, backend, limits, i) {
                break;
            }
            covered += lp.upper[i] * lp.cell_speed(i);
            w.push(lp, i);
        }
    }
    for &i in lp.warm_columns.iter().chain(seed) {
        if i < n && !w.in_set[i] && allowed(i) && w.fits(lp, backend, limits, i) {
            w.push(lp, i);
        }
    }
    let egress_max = lp
        .col
        .iter()
        .zip(&lp.cost)
        .filter(|(c, _)| matches!(c, Col::Choice { .. }))
        .fold(0.0f64, |m, (_, c)| m.max(c.abs()));
    let min_work = lp
        .work_row
        .iter()
        .filter(|&&r| r != u32::MAX)
        .map(|&r| lp.rhs[r as usize])
        .fold(f64::INFINITY, f64::min);
    let artificial = 1e3 * (dearest + egress_max / min_work.max(f64::MIN_POSITIVE)).max(1.0);
    (w, artificial)
}

/// How column generation runs on `backend`: the first set's cover of
/// each job's work, the columns a job adds per round at most, and whether
/// a share of its negative columns may add more.
fn tuning(backend: Backend) -> (f64, usize, bool) {
    #[cfg(feature = "highs")]
    if backend == Backend::Highs {
        return (HIGHS_COVER, HIGHS_ADD_PER_JOB, false);
    }
    let _ = backend;
    (COVER, ADD_PER_JOB, true)
}

/// On HiGHS, one model kept across the rounds (see `backend::kept`).
#[cfg(feature = "highs")]
fn kept_model(
    backend: Backend,
    lp: &Lp,
    set: &[usize],
    artificial: f64,
) -> Option<backend::kept::Kept> {
    match backend {
        Backend::Highs => backend::kept::Kept::new(lp, set, artificial),
        _ => None,
    }
}

/// One round's call: on the kept HiGHS model when there is one.
#[cfg(feature = "highs")]
fn solve_round(
    kept: Option<&mut backend::kept::Kept>,
    backend: Backend,
    call: &Call,
) -> Result<super::backend::Outcome, Failure> {
    match kept {
        Some(k) => k.solve(call.lp, call.columns, call.time_limit),
        None => backend::solve(backend, call),
    }
}

/// Column generation over the allowed columns of `lp`.
pub(crate) fn sift(
    lp: &Lp,
    (mask, seed, enough): (Option<&[bool]>, &[usize], Option<Enough>),
    backend: Backend,
    limits: &Limits,
    report: OnRound,
    stage: Stage,
) -> Result<LpResult, Failure> {
    let n = lp.columns();
    let allowed = |i: usize| mask.is_none_or(|m| m[i]);
    let (cover, add_per_job, by_share) = tuning(backend);
    let (mut w, artificial) = first_set(lp, mask, seed, backend, limits, cover);
    let max_cost = lp.cost.iter().fold(1.0f64, |m, c| m.max(c.abs()));
    let tol = 1e-9 * max_cost;
    let allowed_count = (0..n).filter(|&i| allowed(i)).count();

    let mut best: Option<LpResult> = None;
    let mut best_bound = f64::NEG_INFINITY;
    #[cfg(feature = "highs")]
    let mut kept = kept_model(backend, lp, &w.set, artificial);
    for round in 1..=MAX_ROUNDS {
        if let Some(why) = limits.stop() {
            return stopped(best, best_bound, why, round - 1);
        }
        w.set.sort_unstable();
        let call = Call::lp(lp, &w.set, Some(artificial), limits);
        #[cfg(feature = "highs")]
        let out = solve_round(kept.as_mut(), backend, &call);
        #[cfg(not(feature = "highs"))]
        let out = backend::solve(backend, &call);
        let out = match out {
            Ok(o) => o,
            Err(Failure::TimeLimit) => {
                let why = limits.stop().unwrap_or(StopReason::TimeLimit);
                return stopped(best, best_bound, why, round);
            }
            Err(e) => return Err(e),
        };
        let Some(mut dual) = out.duals else {
            return Err(Failure::Numerical(
                "internal: column generation needs a solver with duals".into(),
            ));
        };
        lp.project_duals(&mut dual);
        let mut x = vec![0.0; n];
        for (&i, &v) in w.set.iter().zip(&out.values) {
            x[i] = v;
        }
        let art_used = out.artificial.iter().any(|&(j, a)| {
            let w = lp.rhs[lp.work_row[j] as usize];
            a > 1e-9 * w.abs().max(1e-300)
        });
        let objective = lp.objective_of(&x);
        // One pass over every allowed column: its reduced cost feeds the
        // bound (see `bound_over`) and, outside the set, the pricing.
        let mut violations: Vec<Vec<(f64, usize)>> = vec![Vec::new(); lp.job_cols.len()];
        let mut any = false;
        let mut bound: f64 = lp.rhs.iter().zip(&dual).map(|(b, d)| b * d).sum();
        for (j, cols) in lp.job_cols.iter().enumerate() {
            for i in cols.clone().filter(|&i| allowed(i)) {
                let d = lp.reduced_cost(i, &dual);
                bound += d.min(0.0) * lp.upper[i];
                if !w.in_set[i] && d < -tol {
                    violations[j].push((d, i));
                    any = true;
                }
            }
        }
        best_bound = best_bound.max(bound);
        let result = LpResult {
            x,
            duals: Some(dual),
            bound: best_bound,
            rounds: round,
            columns: w.set.len(),
            stopped: None,
            feasible: !art_used,
        };
        report(
            stage,
            round,
            w.set.len(),
            (!art_used).then_some(objective),
            best_bound,
        );
        // Proven within the target gap, or enough for the caller: done,
        // whatever is left to price.
        let proven = !art_used
            && (relative_gap(objective, best_bound) <= limits.gap
                || enough.is_some_and(|f| f(&result.x, objective, best_bound)));
        if !any || proven {
            if art_used {
                // No column can help, yet some work is only done by an
                // artificial: the LP is infeasible (or the artificial's
                // price too low to tell). The whole model decides, if
                // it fits.
                if !limits.whole_model_fits {
                    return stopped(best, best_bound, StopReason::MemoryBudget, round);
                }
                return full(lp, mask, backend, limits);
            }
            return Ok(result);
        }
        if !art_used {
            best = Some(result);
        }
        let before = w.set.len();
        for v in &mut violations {
            let share = usize::from(by_share) * (v.len() / ADD_SHARE_OF_NEGATIVE);
            let add = add_per_job.max(share);
            if v.len() > add {
                v.select_nth_unstable_by(add, |a, b| a.0.total_cmp(&b.0));
                v.truncate(add);
            }
            // Most negative first, while the call fits the memory left.
            v.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
            for &(_, i) in v.iter() {
                if !w.fits(lp, backend, limits, i) {
                    break;
                }
                w.push(lp, i);
            }
        }
        if w.set.len() == before {
            // Columns price negative, and no more of them fit a call.
            return stopped(best, best_bound, StopReason::MemoryBudget, round);
        }
        if w.set.len() * 2 > allowed_count && limits.whole_model_fits {
            break;
        }
    }
    if !limits.whole_model_fits {
        return stopped(best, best_bound, StopReason::MemoryBudget, MAX_ROUNDS);
    }
    full(lp, mask, backend, limits)
}

/// The best feasible point so far with the best bound, marked stopped; or,
/// when no feasible point was found yet, the time limit as a failure (the
/// caller reads why from its limits), or the memory budget as itself.
fn stopped(
    best: Option<LpResult>,
    bound: f64,
    why: StopReason,
    rounds: usize,
) -> Result<LpResult, Failure> {
    match best {
        Some(mut r) => {
            r.bound = bound;
            r.stopped = Some(why);
            r.rounds = rounds;
            Ok(r)
        }
        None if why == StopReason::MemoryBudget => Err(Failure::Stopped(why)),
        None => Err(Failure::TimeLimit),
    }
}

#[cfg(test)]
mod stop_tests {
    use super::*;

    /// With no feasible restricted LP yet, the memory budget is reported
    /// as itself (it was a time limit before: the caller reads only the
    /// clock and the cancel flag from its limits); the clock's stop is
    /// still left to the caller to name.
    #[test]
    fn a_stop_before_any_plan_keeps_its_reason() {
        assert!(matches!(
            stopped(None, 0.0, StopReason::MemoryBudget, 3),
            Err(Failure::Stopped(StopReason::MemoryBudget))
        ));
        assert!(matches!(
            stopped(None, 0.0, StopReason::TimeLimit, 3),
            Err(Failure::TimeLimit)
        ));
    }
}
