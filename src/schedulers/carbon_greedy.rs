//! Carbon-greedy: the lowest-carbon cells first, wherever they are: a
//! scheduler that follows the grid's carbon signal alone, in time and in
//! space, as the combined temporal and spatial shifting studied by
//! Sukprasert et al., "On the Limitations of Carbon-Aware Temporal and
//! Spatial Workload Shifting in the Cloud" (EuroSys '24).
//!
//! Jobs are taken earliest deadline first. A `Split` job fills its eligible
//! cells by emissions per work unit (`emissions[k,t] / (s_k · f[j,k])`,
//! the problem's [`CellCost::emissions_t`](crate::CellCost)), ties by cost
//! per work unit, then slot, then pool. A `Whole` job goes to the region of
//! least mean emissions per work unit over its window that finishes it, and
//! fills its cells there the same way. Cost is seen only to break ties, so
//! the gap to the optimum is the price of following carbon alone (at the
//! scenario's carbon price, which the optimum weighs). A job it cannot
//! finish is reported and takes no capacity; a job with a price for undone
//! work does what fits.

use super::fill::{mean, one_region, outcome, settle, Ledger};
use super::Scheduler;
use crate::error::Error;
use crate::problem::infeasible::{Shortfall, UnfinishedJob};
use crate::problem::JobRegion;
use crate::problem::Problem;
use crate::scenario::Placement;
use crate::schedule::Schedule;

/// Lowest emissions per work unit first, cost only to break ties.
#[derive(Debug, Clone, Copy, Default)]
pub struct CarbonGreedy;

/// Job `j`'s cells in `windows`, lowest emissions per work unit first,
/// then cheapest per work unit, then slot, then pool.
fn greenest_first<'a>(
    p: &Problem,
    j: usize,
    windows: impl IntoIterator<Item = &'a JobRegion>,
) -> Vec<(usize, usize)> {
    let mut cells: Vec<(f64, f64, usize, usize)> = Vec::new();
    for w in windows {
        let egress = p.jobs()[j].egress_usd_per_work(w);
        cells.extend(p.cells(w).map(|(k, t)| {
            let rate = p.work_rate(j, k);
            let cell = &p.pools()[k].cost[t];
            (
                cell.emissions_t / rate,
                cell.total_usd() / rate + egress,
                t,
                k,
            )
        }));
    }
    cells.sort_by(|a, b| {
        a.0.total_cmp(&b.0)
            .then(a.1.total_cmp(&b.1))
            .then(a.2.cmp(&b.2))
            .then(a.3.cmp(&b.3))
    });
    cells.into_iter().map(|(_, _, t, k)| (k, t)).collect()
}

impl Scheduler for CarbonGreedy {
    fn name(&self) -> &str {
        "carbon-greedy"
    }

    fn schedule(&self, p: &Problem) -> Result<Schedule, Error> {
        let mut ledger = Ledger::new(p);
        let mut schedule = Schedule::default();
        let mut failed = Vec::new();
        for j in p.edf_order() {
            let job = &p.jobs()[j];
            match job.placement {
                Placement::Split => {
                    if job.windows.is_empty() {
                        if !job.may_fall_short() {
                            failed.push(UnfinishedJob {
                                job: job.id.clone(),
                                shortfall: Shortfall::NoEligibleCell(job.closed.clone()),
                            });
                        }
                        continue;
                    }
                    let filled = ledger.fill(j, greenest_first(p, j, &job.windows));
                    settle(&mut ledger, j, filled, &mut schedule, &mut failed);
                }
                Placement::Whole => {
                    let emissions = |i: usize| {
                        let cells = p
                            .cells(&job.windows[i])
                            .map(|(k, t)| p.pools()[k].cost[t].emissions_t / p.work_rate(j, k));
                        mean(cells).unwrap_or(f64::INFINITY)
                    };
                    let mut ranked: Vec<usize> = (0..job.windows.len()).collect();
                    ranked.sort_by(|&a, &b| emissions(a).total_cmp(&emissions(b)));
                    let cells = |w: &JobRegion| greenest_first(p, j, [w]);
                    one_region(&mut ledger, j, &ranked, cells, &mut schedule, &mut failed);
                }
            }
        }
        outcome(self.name(), schedule, failed)
    }
}
