//! Wait awhile: every job stays at its origin and runs in the cheapest
//! hours of its window, before its deadline. This is the interruptible
//! temporal shifting of Wiesner et al., "Let's Wait Awhile: How Temporal
//! Workload Shifting Can Reduce Carbon Emissions in the Cloud"
//! (Middleware '21), with the problem's cost of a cell (rent, energy and
//! the priced carbon, [`CellCost`](crate::CellCost)) in place of carbon
//! alone, and perfect knowledge of the week's prices as in their study.
//!
//! Jobs are taken earliest deadline first; each fills its origin's cells
//! cheapest per work unit first (`c[k,t] / (s_k · f[j,k])`), ties by slot
//! then pool. It never moves data, so it pays no egress. A job it cannot
//! finish is reported and takes no capacity from the jobs after it; a job
//! with a price for undone work skips cells dearer than that price.

use super::fill::{outcome, settle, Ledger};
use super::Scheduler;
use crate::error::Error;
use crate::problem::infeasible::{Shortfall, UnfinishedJob};
use crate::problem::Problem;
use crate::schedule::Schedule;

/// Cheapest hours at the origin, before the deadline.
#[derive(Debug, Clone, Copy, Default)]
pub struct WaitAwhile;

impl Scheduler for WaitAwhile {
    fn name(&self) -> &str {
        "wait-awhile"
    }

    fn schedule(&self, p: &Problem) -> Result<Schedule, Error> {
        let mut ledger = Ledger::new(p);
        let mut schedule = Schedule::default();
        let mut failed = Vec::new();
        for j in p.edf_order() {
            let job = &p.jobs()[j];
            let Some(w) = job.window(job.origin) else {
                if !job.may_fall_short() {
                    failed.push(UnfinishedJob {
                        job: job.id.clone(),
                        shortfall: Shortfall::NoEligibleCell(job.closed.clone()),
                    });
                }
                continue;
            };
            let dearest = job.unmet_usd_per_work.unwrap_or(f64::INFINITY);
            let per_work = |k: usize, t: usize| p.usd_per_work(j, k, t);
            // `cells` lists slot by slot, pools in file order: a stable
            // sort by cost keeps ties by slot then pool.
            let mut cells: Vec<(f64, usize, usize)> =
                p.cells(w).map(|(k, t)| (per_work(k, t), k, t)).collect();
            cells.sort_by(|a, b| a.0.total_cmp(&b.0));
            let cells = cells
                .into_iter()
                .take_while(|&(usd, _, _)| usd <= dearest)
                .map(|(_, k, t)| (k, t));
            let filled = ledger.fill(j, cells);
            settle(&mut ledger, j, filled, &mut schedule, &mut failed);
        }
        outcome(self.name(), schedule, failed)
    }
}
