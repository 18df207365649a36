//! EDF at home: the deadline-aware cluster scheduler that knows no prices.
//! Every job runs at its origin, as soon as possible, earliest deadline
//! first (Liu & Layland, "Scheduling Algorithms for Multiprogramming in a
//! Hard-Real-Time Environment", JACM 1973); within a slot the origin's
//! pools are taken fastest first (work per server-hour for the job), ties
//! by file order, whatever they cost.
//!
//! It differs from [`Local`](super::Local) only there: Local takes the
//! cheapest pool per work unit in each slot. The pair shows what knowing
//! the price of a pool is worth before moving anything in time or space.
//! A job it cannot finish is reported and takes no capacity from the jobs
//! after it; a job with a price for undone work does what fits.

use super::fill::{outcome, settle, Ledger};
use super::Scheduler;
use crate::error::Error;
use crate::problem::infeasible::{Shortfall, UnfinishedJob};
use crate::problem::Problem;
use crate::schedule::Schedule;

/// Earliest deadline first at the origin, fastest pool first, prices unseen.
#[derive(Debug, Clone, Copy, Default)]
pub struct EdfHome;

impl Scheduler for EdfHome {
    fn name(&self) -> &str {
        "edf-home"
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
            // Fastest first; the sort is stable, so ties keep file order.
            let mut pools = w.pools.clone();
            pools.sort_by(|&a, &b| p.work_rate(j, b).total_cmp(&p.work_rate(j, a)));
            let cells = (w.first_slot..w.end_slot).flat_map(|t| pools.iter().map(move |&k| (k, t)));
            let filled = ledger.fill(j, cells);
            settle(&mut ledger, j, filled, &mut schedule, &mut failed);
        }
        outcome(self.name(), schedule, failed)
    }
}
