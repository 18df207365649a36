//! Greedy: earliest deadline first; each job fills its cheapest eligible
//! cells by `c[k,t] / s_k + egress(j, r) / W_j` (dollars per work unit),
//! ties by slot then pool. A `Whole` job tries each region alone and keeps
//! the cheapest region that finishes it. A job it cannot finish is reported
//! and takes no capacity from the jobs after it.
//!
//! A job with a price for undone work skips cells dearer per work unit
//! than that price and leaves what it cannot place undone; a `Whole` one
//! keeps the region (or none) of least cost, undone work priced.

use super::fill::{outcome, settle, Ledger};
use super::Scheduler;
use crate::error::Error;
use crate::problem::infeasible::{Shortfall, UnfinishedJob};
use crate::problem::JobRegion;
use crate::problem::Problem;
use crate::scenario::Placement;
use crate::schedule::{Assignment, Schedule};
use std::cmp::Ordering;

/// The "cheapest cells first" baseline.
#[derive(Debug, Clone, Copy, Default)]
pub struct Greedy;

/// Job `j`'s cells in `windows`, cheapest per work unit first, ties by slot
/// then pool.
///
/// Each cell is held as its cost and one `u64` key (`slot · pools + pool`,
/// whose order is the tie order), 16 bytes, and sorted in place: the
/// largest job (every cell of [`crate::MAX_CELLS`]) needs 16 bytes a cell,
/// not the 24 of a tuple plus the scratch of a stable sort.
fn cheapest_first<'a>(
    p: &Problem,
    j: usize,
    windows: impl IntoIterator<Item = &'a JobRegion>,
) -> impl Iterator<Item = (usize, usize)> {
    // Work dearer than its price of undone work is better left undone.
    let dearest = p.jobs()[j].unmet_usd_per_work.unwrap_or(f64::INFINITY);
    let n_pools = p.pools().len() as u64;
    let windows: Vec<&JobRegion> = windows.into_iter().collect();
    let count = windows
        .iter()
        .map(|w| (w.end_slot - w.first_slot) * w.pools.len())
        .sum();
    let mut cells: Vec<(f64, u64)> = Vec::with_capacity(count);
    for w in windows {
        let egress = p.jobs()[j].egress_usd_per_work(w);
        cells.extend(p.cells(w).map(|(k, t)| {
            (
                p.usd_per_work(j, k, t) + egress,
                t as u64 * n_pools + k as u64,
            )
        }));
    }
    // Costs are finite (checked by `Problem::new`); `partial_cmp` also
    // treats -0.0 and 0.0 as the tie they are. Keys are unique, so an
    // unstable sort gives the one order there is.
    cells.sort_unstable_by(|a, b| {
        a.0.partial_cmp(&b.0)
            .unwrap_or(Ordering::Equal)
            .then(a.1.cmp(&b.1))
    });
    cells
        .into_iter()
        .take_while(move |&(usd_per_work, _)| usd_per_work <= dearest)
        .map(move |(_, key)| ((key % n_pools) as usize, (key / n_pools) as usize))
}

/// What `rows` cost job `j` in window `w`: cells plus the whole egress.
fn whole_cost(p: &Problem, w: &JobRegion, rows: &[Assignment]) -> f64 {
    let cells: f64 = rows
        .iter()
        .map(|a| a.server_hours * p.pools()[a.pool].cost[a.slot].total_usd())
        .sum();
    cells + w.egress_usd
}

impl Scheduler for Greedy {
    fn name(&self) -> &str {
        "greedy"
    }

    fn schedule(&self, p: &Problem) -> Result<Schedule, Error> {
        let mut ledger = Ledger::new(p);
        let mut schedule = Schedule::default();
        let mut failed = Vec::new();
        for j in p.edf_order() {
            let job = &p.jobs()[j];
            if job.windows.is_empty() {
                if job.may_fall_short() {
                    continue; // all of it undone, at its price
                }
                failed.push(UnfinishedJob {
                    job: job.id.clone(),
                    shortfall: Shortfall::NoEligibleCell(job.closed.clone()),
                });
                continue;
            }
            match job.placement {
                Placement::Split => {
                    let filled = ledger.fill(j, cheapest_first(p, j, &job.windows));
                    settle(&mut ledger, j, filled, &mut schedule, &mut failed);
                }
                Placement::Whole => {
                    // Try each region alone; keep the cheapest that finishes
                    // (ties: the first in the job's region order).
                    // (A job that may fall short also weighs its undone
                    // work, and no region at all.)
                    let mut best: Option<(f64, usize)> = None;
                    let mut least_left = f64::INFINITY;
                    for (i, w) in job.windows.iter().enumerate() {
                        let (rows, left) = ledger.fill(j, cheapest_first(p, j, [w]));
                        ledger.undo(&rows);
                        least_left = least_left.min(left);
                        if left == 0.0 || (job.may_fall_short() && !rows.is_empty()) {
                            let cost = whole_cost(p, w, &rows) + job.unmet_usd(left);
                            if best.is_none_or(|(c, _)| cost < c) {
                                best = Some((cost, i));
                            }
                        }
                    }
                    if job.may_fall_short() && best.is_none_or(|(c, _)| job.unmet_usd(job.work) < c)
                    {
                        continue; // no region: all of it undone, at its price
                    }
                    match best {
                        Some((_, i)) => {
                            let (rows, _) = ledger.fill(j, cheapest_first(p, j, [&job.windows[i]]));
                            schedule.assignments.extend(rows);
                        }
                        // Not "capacity is short": the job must stay in
                        // one region, and none alone can finish it.
                        None => failed.push(UnfinishedJob {
                            job: job.id.clone(),
                            shortfall: Shortfall::of(job, least_left),
                        }),
                    }
                }
            }
        }
        outcome(self.name(), schedule, failed)
    }
}
