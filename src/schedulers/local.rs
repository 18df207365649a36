//! Local: what a team without geoshift does today. Every job runs at its
//! origin, as soon as possible, earliest deadline first; within a slot the
//! origin's pools are taken by cost per work unit `c[k,t] / s_k`, ties by
//! file order. A job it cannot finish is reported and takes no capacity
//! from the jobs after it, unless it has a price for undone work: then it
//! does what fits and the rest is priced.

use super::fill::{outcome, settle, Ledger};
use super::Scheduler;
use crate::error::Error;
use crate::problem::closed::{ClosedBy, ClosedRegion};
use crate::problem::infeasible::{Shortfall, UnfinishedJob};
use crate::problem::Problem;
use crate::schedule::Schedule;
use std::cmp::Ordering;

/// The "run it at home, now" baseline.
#[derive(Debug, Clone, Copy, Default)]
pub struct Local;

impl Scheduler for Local {
    fn name(&self) -> &str {
        "local"
    }

    fn schedule(&self, p: &Problem) -> Result<Schedule, Error> {
        let mut ledger = Ledger::new(p);
        let mut schedule = Schedule::default();
        let mut failed = Vec::new();
        for j in p.edf_order() {
            let job = &p.jobs()[j];
            let Some(w) = job.window(job.origin) else {
                if job.may_fall_short() {
                    continue; // all of it undone, at its price
                }
                failed.push(UnfinishedJob {
                    job: job.id.clone(),
                    shortfall: Shortfall::NoEligibleCell(origin_closed(p, j)),
                });
                continue;
            };
            // Slot first (as soon as possible), then cost per work unit;
            // the sort is stable, so equal costs keep file order. Sorted
            // one slot at a time, so memory is the region's pools only.
            let pools = &w.pools;
            let cells = (w.first_slot..w.end_slot).flat_map(|t| {
                let mut here: Vec<usize> = pools.clone();
                here.sort_by(|&k1, &k2| {
                    let c = |k: usize| p.usd_per_work(j, k, t);
                    // Finite costs; -0.0 and 0.0 tie.
                    c(k1).partial_cmp(&c(k2)).unwrap_or(Ordering::Equal)
                });
                here.into_iter().map(move |k| (k, t))
            });
            let filled = ledger.fill(j, cells);
            settle(&mut ledger, j, filled, &mut schedule, &mut failed);
        }
        outcome(self.name(), schedule, failed)
    }
}

/// Why the origin offers job `j` no slot.
fn origin_closed(p: &Problem, j: usize) -> Vec<ClosedRegion> {
    let job = &p.jobs()[j];
    let origin = &p.regions()[job.origin].id;
    let closed: Vec<ClosedRegion> = job
        .closed
        .iter()
        .filter(|c| &c.region == origin)
        .cloned()
        .collect();
    if closed.is_empty() {
        vec![ClosedRegion {
            region: origin.clone(),
            why: ClosedBy::NotAllowed,
        }]
    } else {
        closed
    }
}
