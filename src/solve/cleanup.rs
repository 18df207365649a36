//! A solver's point made into a plan: checked against the model's rows
//! ([`feasible`]), repaired where it misses work by round-off
//! ([`repair`]), and read into schedule rows cleaned of solver noise
//! ([`to_schedule`]). Reads the model and the problem; never calls a
//! solver.

use super::lp::{Col, Lp, Sense};
use crate::problem::Problem;
use crate::schedule::Assignment;

/// A value below this fraction of the most its cell could hold for the job
/// (`min(upper bound, W_j / s_k)`) is solver noise, not work: simplex
/// round-off for microlp and HiGHS, the residue of an interior point for
/// Clarabel (accurate to about 1e-8 relative).
const NOISE: f64 = 1e-7;

/// Noise is dropped from a job only while the work it held is at most this
/// fraction of the job's work; the job's rows are then scaled back to `W_j`
/// by a factor this close to 1, which moves every limit by far less than
/// the evaluator's tolerance (1e-6).
const RESCALE: f64 = 1e-7;

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
    let mut activity = activity(lp, x);
    for (j, cols) in lp.job_cols.iter().enumerate() {
        let Some(&wr) = lp.work_row.get(j).filter(|&&r| r != u32::MAX) else {
            continue;
        };
        let short = lp.rhs[wr as usize] - activity[wr as usize];
        fill(lp, x, &mut activity, j, cols.clone(), short);
    }
}

/// Each row's activity at `x`.
pub(crate) fn activity(lp: &Lp, x: &[f64]) -> Vec<f64> {
    let mut activity = vec![0.0; lp.row.len()];
    for (i, &v) in x.iter().enumerate() {
        if v != 0.0 {
            for (r, a) in lp.entries(i) {
                activity[r] += a * v;
            }
        }
    }
    activity
}

/// Adds `short` work units of job `j` to its columns among `cols`,
/// cheapest per work unit first (cells, or its slack where it has a
/// price), each within the room every `<=` row and its upper bound have
/// left at `activity` (kept up to date); no row is pushed past its limit.
/// Returns the work units it could not place (0 when all fit).
pub(crate) fn fill(
    lp: &Lp,
    x: &mut [f64],
    activity: &mut [f64],
    j: usize,
    cols: impl IntoIterator<Item = usize>,
    mut short: f64,
) -> f64 {
    let Some(&wr) = lp.work_row.get(j).filter(|&&r| r != u32::MAX) else {
        return short;
    };
    let wr = wr as usize;
    if short.is_nan() || short <= 0.0 {
        return 0.0;
    }
    // (column, its work per unit of the column)
    let mut options: Vec<(usize, f64)> = cols
        .into_iter()
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
            return 0.0;
        }
    }
    short
}

/// The plan's rows, job by job, cleaned of solver noise (see [`clean`]).
pub(crate) fn to_schedule(p: &Problem, lp: &Lp, x: &[f64]) -> Vec<Assignment> {
    let mut out = Vec::new();
    for (j, cols) in lp.job_cols.iter().enumerate() {
        let mut chosen = true;
        let mut cells: Vec<(usize, usize, usize, f64, f64)> = Vec::new(); // job, pool, slot, ub, value
                                                                          // The work the plan does: W_j less the slack of a job that may
                                                                          // fall short (the cost model has no other slack).
        let mut target = p.jobs()[j].work;
        for i in cols.clone() {
            match lp.col[i] {
                Col::Slack { .. } => target = (target - x[i]).max(0.0),
                Col::Choice { .. } => chosen = x[i] >= 0.5,
                Col::Cell { job, pool, slot } if chosen && x[i] > 0.0 => cells.push((
                    job as usize,
                    pool as usize,
                    slot as usize,
                    lp.upper[i],
                    x[i],
                )),
                _ => {}
            }
        }
        clean(p, &cells, target, &mut out);
    }
    out
}

/// Appends one job's rows to `out`: its positive values, without solver
/// noise, scaled so that its work is exactly `target` (`W_j`, less what a
/// job that may fall short leaves undone; see [`NOISE`] and [`RESCALE`]);
/// kept as solved where cleaning would move them more than that.
fn clean(
    p: &Problem,
    cells: &[(usize, usize, usize, f64, f64)],
    target: f64,
    out: &mut Vec<Assignment>,
) {
    let Some(job) = cells.first().map(|c| &p.jobs()[c.0]) else {
        return;
    };
    let j = cells.first().map_or(0, |c| c.0);
    let speed = |k: usize| p.work_rate(j, k);
    let is_noise = |&(_, k, _, ub, v): &(usize, usize, usize, f64, f64)| {
        v <= NOISE * ub.min(job.work / speed(k))
    };
    let dropped: f64 = cells
        .iter()
        .filter(|c| is_noise(c))
        .map(|c| c.4 * speed(c.1))
        .sum();
    let drop_noise = dropped <= RESCALE * job.work;
    let start = out.len();
    out.extend(cells.iter().filter(|c| !(drop_noise && is_noise(c))).map(
        |&(job, pool, slot, _, v)| Assignment {
            job,
            pool,
            slot,
            server_hours: v,
        },
    ));
    let done: f64 = out[start..]
        .iter()
        .map(|a| a.server_hours * speed(a.pool))
        .sum();
    let factor = target / done;
    if (factor - 1.0).abs() <= RESCALE {
        for a in &mut out[start..] {
            a.server_hours *= factor;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::{ColumnGeneration, Limits, DEFAULT_GAP};
    use crate::solve::backend::Backend;
    use crate::solve::linear::solve_lp;
    use crate::solve::lp;
    use crate::solve::progress::Stage;
    use crate::synth::{generate, Params};

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
            let limits = Limits::unbounded(DEFAULT_GAP, ColumnGeneration::Never);
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
