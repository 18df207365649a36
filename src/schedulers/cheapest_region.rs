//! Cheapest region first: all of a job's work goes to one region, the one
//! where a work unit costs the least on average over the job's window, and
//! runs there as soon as possible (within a slot, cheapest pool per work
//! unit first, as [`Local`](super::Local)). This is the spatial shifting policy of
//! Sukprasert et al., "On the Limitations of Carbon-Aware Temporal and
//! Spatial Workload Shifting in the Cloud" (EuroSys '24), which moves a
//! job once to the best region by its mean signal, with the problem's cost
//! in place of carbon.
//!
//! A region's mean price for job `j` is the mean over its window's cells
//! of `c[k,t] / (s_k · f[j,k])`, plus the egress of running there per
//! work unit (`E[j,r] / W_j`): the rent is in it, so a cloud region whose
//! rent pays the energy is not "free" for having no energy price. Jobs are
//! taken earliest deadline first; when the cheapest region cannot finish a
//! job (capacity, parallelism, power cap) the next one is tried, so a job
//! always runs in one region, `Whole` or not. A job no region finishes is
//! reported and takes no capacity; a job with a price for undone work does
//! what fits in its cheapest region.

use super::fill::{mean, one_region, outcome, Ledger};
use super::Scheduler;
use crate::error::Error;
use crate::problem::Problem;
use crate::schedule::Schedule;

/// All of a job's work in the region of least mean price, as soon as possible.
#[derive(Debug, Clone, Copy, Default)]
pub struct CheapestRegion;

impl Scheduler for CheapestRegion {
    fn name(&self) -> &str {
        "cheapest-region"
    }

    fn schedule(&self, p: &Problem) -> Result<Schedule, Error> {
        let mut ledger = Ledger::new(p);
        let mut schedule = Schedule::default();
        let mut failed = Vec::new();
        for j in p.edf_order() {
            let job = &p.jobs()[j];
            let price = |i: usize| {
                let w = &job.windows[i];
                let cells = p.cells(w).map(|(k, t)| p.usd_per_work(j, k, t));
                mean(cells).unwrap_or(f64::INFINITY) + job.egress_usd_per_work(w)
            };
            let mut ranked: Vec<usize> = (0..job.windows.len()).collect();
            // Stable: equal prices keep region (file) order.
            ranked.sort_by(|&a, &b| price(a).total_cmp(&price(b)));
            // As soon as possible; within a slot, cheapest pool per work unit
            // first (as Local), ties by file order.
            let asap = |w: &crate::problem::JobRegion| {
                let per_work = |k: usize, t: usize| p.usd_per_work(j, k, t);
                let mut cells: Vec<(usize, usize)> = p.cells(w).collect();
                cells.sort_by(|a, b| {
                    a.1.cmp(&b.1)
                        .then(per_work(a.0, a.1).total_cmp(&per_work(b.0, b.1)))
                });
                cells
            };
            one_region(&mut ledger, j, &ranked, asap, &mut schedule, &mut failed);
        }
        outcome(self.name(), schedule, failed)
    }
}
