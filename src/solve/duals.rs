//! The optimum's duals read as what one more unit of each limit is worth
//! ([`Duals`]): row duals and the reduced costs of the cells a limit alone
//! bounds, per job, pool, region and slot. Reads the model, the problem
//! and a solver's duals; solves nothing.

use super::lp::{self, Col, Lp, Row};
use crate::problem::Problem;

/// The duals of the optimum of a pure LP (no `Whole` job with a region
/// choice), each as the change of the least total per unit of its limit:
/// the dual of the limit's row, plus what the cells whose upper bound that
/// limit alone sets would save (their negative reduced costs), since one
/// more unit of the limit raises those bounds too. A limit that cannot
/// bind at all is left out of the model and shows only the latter.
/// Valid for small changes: a larger one may change the plan, and on a
/// degenerate optimum a value lies between what one unit more saves and
/// what one unit less costs.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct Duals {
    /// Per job (problem order): $ per work unit, what one more unit of
    /// the job's work would add to the least total (its data, and so its
    /// egress, unchanged): the work row's dual, at most the job's price of
    /// undone work (a unit more can always be left undone), less the
    /// egress it pays per work unit done (`E[j,r]/W_j` times its work
    /// rate, speed × useful fraction), since egress is charged per share
    /// of `W_j`. With egress the least total need not be convex in `W_j`,
    /// and then this rate need not lie between the one-unit differences.
    pub work_usd_per_unit: Vec<f64>,
    /// Per pool and slot (`pool * slots + slot`): $ saved per extra
    /// server-hour of capacity (>= 0).
    pub capacity_usd_per_server_hour: Vec<f64>,
    /// Per region and slot (`region * slots + slot`): $ saved per extra kWh
    /// of the power cap in that slot (>= 0).
    pub power_usd_per_kwh: Vec<f64>,
    /// Per job and slot (`job * slots + slot`): $ saved per extra
    /// server-hour of the job's parallelism limit in that slot (>= 0).
    pub parallel_usd_per_server_hour: Vec<f64>,
}

/// The duals by row kind, as values of one more unit of each limit (see
/// [`Duals`]); `x` is the plan.
pub(crate) fn duals(p: &Problem, lp: &Lp, d: &[f64], x: &[f64], mask: Option<&[bool]>) -> Duals {
    let slots = p.slots();
    let mut out = Duals {
        work_usd_per_unit: vec![0.0; p.jobs().len()],
        capacity_usd_per_server_hour: vec![0.0; p.pools().len() * slots],
        power_usd_per_kwh: vec![0.0; p.regions().len() * slots],
        parallel_usd_per_server_hour: vec![0.0; p.jobs().len() * slots],
    };
    // The region choices (1 or 0 in a fixed LP, the only place a model
    // with choices has duals): the rows that a choice `y` multiplies move
    // with it.
    let mut choice = std::collections::HashMap::new();
    for (i, col) in lp.col.iter().enumerate() {
        if let Col::Choice { job, region, .. } = *col {
            choice.insert((job, region), x[i]);
        }
    }
    for (row, &v) in lp.row.iter().zip(d) {
        // A `<=` row's dual is <= 0; its value is -dual.
        match *row {
            Row::Work { job } => out.work_usd_per_unit[job as usize] += v,
            // `sum s·x <= min(W, room)·y`, room the work the region's
            // cells can hold: one more unit of work raises it by `y` where
            // W is the lesser; else one more server-hour of a cell raises
            // it by the cell's work rate, through the bound that sets the
            // cell's upper bound.
            Row::RegionWork { job, region } => {
                let (j, r) = (job as usize, region as usize);
                let y = choice.get(&(job, region)).copied().unwrap_or(0.0);
                let Some(w) = p.jobs()[j].window(r) else {
                    continue;
                };
                let cells = |t| w.pools.iter().map(move |&k| (k, t));
                let room: f64 = (w.first_slot..w.end_slot)
                    .flat_map(cells)
                    .map(|(k, t)| lp::cell_upper(p, j, k, t).max(0.0) * p.work_rate(j, k))
                    .sum();
                if p.jobs()[j].work <= room {
                    out.work_usd_per_unit[j] += v * y;
                } else {
                    for (k, t) in (w.first_slot..w.end_slot).flat_map(cells) {
                        credit(p, &mut out, j, k, t, -v * y * p.work_rate(j, k));
                    }
                }
            }
            // `sum_k x[j,k,t] <= min(m·h, room)·y`: a Whole job's
            // parallelism in that slot where m·h is the lesser; else the
            // sum of its cells' upper bounds, each raised by its own bound.
            Row::RegionSlot { job, region, slot } => {
                let (j, r, t) = (job as usize, region as usize, slot as usize);
                let y = choice.get(&(job, region)).copied().unwrap_or(0.0);
                let par = p.jobs()[j].max_server_hours_per_slot;
                let Some(w) = p.jobs()[j].window(r) else {
                    continue;
                };
                let room: f64 = w
                    .pools
                    .iter()
                    .map(|&k| lp::cell_upper(p, j, k, t).max(0.0))
                    .sum();
                if par <= room {
                    out.parallel_usd_per_server_hour[j * slots + t] += -v * y;
                } else {
                    for &k in &w.pools {
                        credit(p, &mut out, j, k, t, -v * y);
                    }
                }
            }
            Row::Capacity { pool, slot } => {
                out.capacity_usd_per_server_hour[pool as usize * slots + slot as usize] = -v
            }
            Row::Power { region, slot } => {
                out.power_usd_per_kwh[region as usize * slots + slot as usize] = -v
            }
            Row::Parallel { job, slot } => {
                out.parallel_usd_per_server_hour[job as usize * slots + slot as usize] = -v
            }
            _ => {}
        }
    }
    // A cell whose upper bound one limit alone sets (`lp::cell_upper`),
    // and whose reduced cost is negative, sits at that bound: one more
    // unit of the limit raises it and saves the reduced cost per
    // server-hour. A Split job's egress is charged per work unit as
    // `E[j,r] / W_j`, so one more unit of work lowers that charge.
    let mut egress_usd = vec![0.0; p.jobs().len()];
    // A job's price of undone work, where it has one: one more unit of
    // work can always be left undone at it, so the work value is at most
    // that price (the work row's dual is above it when the slack sits at
    // its upper bound `W_j`, all work undone).
    let mut unmet_usd = vec![f64::INFINITY; p.jobs().len()];
    for (i, col) in lp.col.iter().enumerate() {
        let (j, k, t) = match *col {
            Col::Cell { job, pool, slot } => (job as usize, pool as usize, slot as usize),
            Col::Slack { job } => {
                unmet_usd[job as usize] = lp.cost[i];
                continue;
            }
            Col::Choice { .. } => continue,
        };
        if mask.is_some_and(|m| !m[i]) {
            continue; // not in the LP whose duals these are
        }
        let (job, pool) = (&p.jobs()[j], &p.pools()[k]);
        let r = pool.region;
        // Egress is charged per work unit done: per server-hour, the
        // job's work rate on the pool (speed × useful fraction), the rate
        // the work row counts. A job with a region choice pays it whole,
        // through the choice: none of it moves with the work.
        if let (Some(w), false) = (job.window(r), job.has_region_choice()) {
            egress_usd[j] += x[i] * p.work_rate(j, k) * job.egress_usd_per_work(w);
        }
        let gain = -lp.reduced_cost(i, d);
        if gain <= 0.0 {
            continue;
        }
        credit(p, &mut out, j, k, t, gain);
    }
    for (j, job) in p.jobs().iter().enumerate() {
        let v = &mut out.work_usd_per_unit[j];
        *v = v.min(unmet_usd[j]) - egress_usd[j] / job.work;
    }
    out
}

/// Adds `usd` (per server-hour of cell (j, k, t)) to the value of the one
/// limit that alone sets the cell's upper bound (`lp::cell_upper`): the
/// pool's capacity, the job's parallelism or the region's power cap (per
/// kWh at the meter); nothing on a tie, where no one limit raises it.
fn credit(p: &Problem, out: &mut Duals, j: usize, k: usize, t: usize, usd: f64) {
    let slots = p.slots();
    let pool = &p.pools()[k];
    let r = pool.region;
    let cap = pool.capacity_server_hours[t];
    let par = p.jobs()[j].max_server_hours_per_slot;
    let meter = pool.meter_kwh_per_server_hour;
    let pow = match p.regions()[r].power_cap_kwh_per_slot {
        Some(c) if meter > 0.0 => c / meter,
        _ => f64::INFINITY,
    };
    if cap < par && cap < pow {
        out.capacity_usd_per_server_hour[k * slots + t] += usd;
    } else if par < cap && par < pow {
        out.parallel_usd_per_server_hour[j * slots + t] += usd;
    } else if pow < cap && pow < par {
        out.power_usd_per_kwh[r * slots + t] += usd / meter;
    }
}
