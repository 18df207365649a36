//! Cheap aggregate checks of capacity, made without solving: a job whose
//! work exceeds everything its windows could do even with no other job,
//! and a scenario whose total work exceeds everything the pools could do.
//! Each warning is a certain infeasibility, never a guess; a scenario with
//! no warning may still be infeasible (contention, power caps).

use super::Problem;
use crate::evaluate::TOLERANCE;
use crate::scenario::Placement;
use crate::text::{cut, num};
use std::fmt;

/// A certain shortfall found by [`Problem::capacity_warnings`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum CapacityWarning {
    /// A job's work exceeds what its eligible cells could do even if it
    /// had every server to itself: the servers' capacity times their speed
    /// over its windows, and its parallelism times the fastest speed over
    /// its eligible slots (in one region only, for a `Whole` job).
    JobExceedsWindows {
        /// Job id.
        job: String,
        /// Its work, in work units.
        work: f64,
        /// The most work its windows could hold.
        most: f64,
    },
    /// All jobs together need more work than every pool could do over the
    /// whole horizon.
    TotalExceedsCapacity {
        /// The jobs' total work.
        work: f64,
        /// Every pool's capacity times its speed, over every slot.
        capacity: f64,
    },
}

impl fmt::Display for CapacityWarning {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            CapacityWarning::JobExceedsWindows { job, work, most } => write!(
                f,
                "job '{}': work {} exceeds the {} work units its windows could hold with every server to itself",
                cut(job),
                num(*work),
                num(*most)
            ),
            CapacityWarning::TotalExceedsCapacity { work, capacity } => write!(
                f,
                "the jobs' total work {} exceeds the {} work units every pool could do over the horizon",
                num(*work),
                num(*capacity)
            ),
        }
    }
}

/// Whether `work` is more than `most`, beyond the evaluator's tolerance.
fn exceeds(work: f64, most: f64) -> bool {
    work - most > TOLERANCE * work.max(most).max(1.0)
}

impl Problem {
    /// Capacity warnings: jobs that certainly cannot be finished, and a
    /// total work that certainly cannot be done, found by sums over the
    /// windows without solving. Time and memory are linear in the size of
    /// the problem (one running sum per region and slot).
    pub fn capacity_warnings(&self) -> Vec<CapacityWarning> {
        let slots = self.slots();
        // prefix[r * (slots + 1) + t]: work units region r's pools can do
        // in slots [0, t). Speeds before interruptions: an upper bound on
        // any job's work per server-hour, so a warning stays certain.
        let mut prefix = vec![0.0; self.regions.len() * (slots + 1)];
        let mut fastest = vec![0.0_f64; self.regions.len()];
        for pool in &self.pools {
            fastest[pool.region] = fastest[pool.region].max(pool.speed);
        }
        for (r, region) in self.regions.iter().enumerate() {
            let row = &mut prefix[r * (slots + 1)..(r + 1) * (slots + 1)];
            for t in 0..slots {
                let here: f64 = region
                    .pools
                    .iter()
                    .map(|&k| self.pools[k].capacity_server_hours[t] * self.pools[k].speed)
                    .sum();
                row[t + 1] = row[t] + here;
            }
        }
        let in_window = |r: usize, first: usize, end: usize| {
            prefix[r * (slots + 1) + end] - prefix[r * (slots + 1) + first]
        };
        let mut warnings = Vec::new();
        for job in &self.jobs {
            if job.windows.is_empty() || job.speed_by_pool.is_some() {
                // Closed: reported with the reasons. A job's own speeds
                // are not the pools' ones these sums use: no certain
                // warning from them.
                continue;
            }
            let per_slot = job.max_server_hours_per_slot;
            let most = match job.placement {
                Placement::Whole => job
                    .windows
                    .iter()
                    .map(|w| {
                        let slots_here = (w.end_slot - w.first_slot) as f64;
                        in_window(w.region, w.first_slot, w.end_slot)
                            .min(per_slot * fastest[w.region] * slots_here)
                    })
                    .fold(0.0, f64::max),
                Placement::Split => {
                    let cells: f64 = job
                        .windows
                        .iter()
                        .map(|w| in_window(w.region, w.first_slot, w.end_slot))
                        .sum();
                    let speed = job
                        .windows
                        .iter()
                        .map(|w| fastest[w.region])
                        .fold(0.0, f64::max);
                    let mut spans: Vec<(usize, usize)> = job
                        .windows
                        .iter()
                        .map(|w| (w.first_slot, w.end_slot))
                        .collect();
                    cells.min(per_slot * speed * union_len(&mut spans) as f64)
                }
            };
            if exceeds(job.work, most) {
                warnings.push(CapacityWarning::JobExceedsWindows {
                    job: job.id.clone(),
                    work: job.work,
                    most,
                });
            }
        }
        let work: f64 = self.jobs.iter().map(|j| j.work).sum();
        let capacity: f64 = (0..self.regions.len())
            .map(|r| in_window(r, 0, slots))
            .sum();
        let own_speeds = self.jobs.iter().any(|j| j.speed_by_pool.is_some());
        if !own_speeds && exceeds(work, capacity) {
            warnings.push(CapacityWarning::TotalExceedsCapacity { work, capacity });
        }
        warnings
    }
}

/// The number of slots in the union of the ranges `[first, end)`.
fn union_len(spans: &mut [(usize, usize)]) -> usize {
    spans.sort_unstable();
    let mut total = 0;
    let mut covered_to = 0;
    for &(first, end) in spans.iter() {
        let from = first.max(covered_to);
        if end > from {
            total += end - from;
        }
        covered_to = covered_to.max(end);
    }
    total
}
