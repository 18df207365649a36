//! Proven lower bounds on the least objective of the model: from any
//! duals by weak duality ([`bound_over`]), and with no solver at all
//! ([`trivial_bound`]). Reads only the model ([`super::lp`]).

use super::lp::{Col, Lp};

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
                // A spread choice leaves the job Split: its bound is
                // its least cell's, whatever regions it keeps.
                Col::Choice { spread: true, .. } => {}
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
