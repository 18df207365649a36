//! What the heuristics share: a ledger of what is left of every limit
//! (server-hours per pool and slot, energy per region and slot) and one
//! routine that fills a job's cells in a given order within those limits.

use crate::error::Error;
use crate::problem::infeasible::{Infeasible, Shortfall, UnfinishedJob};
use crate::problem::Problem;
use crate::schedule::{Assignment, Schedule};

/// Work below this fraction of a job's work counts as done: it is float
/// dust from dividing by speeds, far inside the evaluator's tolerance.
const DONE_EPS: f64 = 1e-9;

/// What is left of the shared limits while a heuristic places jobs.
pub(crate) struct Ledger<'a> {
    problem: &'a Problem,
    /// Server-hours left, indexed `k * T + t`.
    capacity_left: Vec<f64>,
    /// kWh at the meter left per slot, for each region with a power cap.
    power_left: Vec<Option<Vec<f64>>>,
}

impl<'a> Ledger<'a> {
    pub(crate) fn new(problem: &'a Problem) -> Self {
        let slots = problem.slots();
        let capacity_left = problem
            .pools()
            .iter()
            .flat_map(|p| p.capacity_server_hours.iter().copied())
            .collect();
        let power_left = problem
            .regions()
            .iter()
            .map(|r| r.power_cap_kwh_per_slot.map(|cap| vec![cap; slots]))
            .collect();
        Ledger {
            problem,
            capacity_left,
            power_left,
        }
    }

    /// Places as much of job `j`'s work as fits in `cells`, in that order,
    /// each cell as full as the limits allow. Returns the rows and the work
    /// units left undone.
    pub(crate) fn fill(
        &mut self,
        j: usize,
        cells: impl IntoIterator<Item = (usize, usize)>,
    ) -> (Vec<Assignment>, f64) {
        let p = self.problem;
        let job = &p.jobs()[j];
        let slots = p.slots();
        // Parallelism left per slot, over the span of the job's windows
        // only: a job of a few slots in a long horizon costs a few slots.
        let first = job.windows.iter().map(|w| w.first_slot).min().unwrap_or(0);
        let end = job.windows.iter().map(|w| w.end_slot).max().unwrap_or(0);
        let mut parallel_left = vec![job.max_server_hours_per_slot; end.saturating_sub(first)];
        let mut work_left = job.work;
        let mut rows = Vec::new();
        // Regions the job holds work in, for its `max_regions`: a cell in
        // a region it has not opened is skipped once the limit is reached
        // (so a heuristic may fail where a plan exists, never break it).
        let most = job.max_regions.unwrap_or(usize::MAX);
        let mut open: Vec<usize> = job.opened_regions.clone();
        for (k, t) in cells {
            if work_left <= DONE_EPS * job.work {
                break;
            }
            // Cells come from the job's windows; any other is skipped.
            let Some(parallel) = t.checked_sub(first).and_then(|i| parallel_left.get_mut(i)) else {
                continue;
            };
            let pool = &p.pools()[k];
            let opens = !open.contains(&pool.region);
            if opens && open.len() >= most {
                continue;
            }
            let speed = p.work_rate(j, k);
            let mut room = self.capacity_left[k * slots + t]
                .min(*parallel)
                .min(work_left / speed);
            let power = self.power_left[pool.region]
                .as_mut()
                .map(|left| &mut left[t]);
            if let Some(power) = &power {
                if pool.meter_kwh_per_server_hour > 0.0 {
                    room = room.min(**power / pool.meter_kwh_per_server_hour);
                }
            }
            if room <= 0.0 {
                continue;
            }
            self.capacity_left[k * slots + t] -= room;
            *parallel -= room;
            if let Some(power) = power {
                *power -= room * pool.meter_kwh_per_server_hour;
            }
            work_left -= room * speed;
            if opens {
                open.push(pool.region);
            }
            rows.push(Assignment {
                job: j,
                pool: k,
                slot: t,
                server_hours: room,
            });
        }
        let left = if work_left <= DONE_EPS * job.work {
            0.0
        } else {
            work_left
        };
        (rows, left)
    }

    /// Gives back what `rows` took, to try another choice.
    pub(crate) fn undo(&mut self, rows: &[Assignment]) {
        let slots = self.problem.slots();
        for a in rows {
            let pool = &self.problem.pools()[a.pool];
            self.capacity_left[a.pool * slots + a.slot] += a.server_hours;
            if let Some(left) = &mut self.power_left[pool.region] {
                left[a.slot] += a.server_hours * pool.meter_kwh_per_server_hour;
            }
        }
    }
}

/// Keeps the rows of job `j` when it is finished (`left == 0`) or when it
/// may fall short (it has a price for undone work, and `left` is priced);
/// otherwise gives their capacity back, so that a job the heuristic cannot
/// finish takes nothing from the jobs after it, and records the job as
/// short.
pub(crate) fn settle(
    ledger: &mut Ledger<'_>,
    j: usize,
    (rows, left): (Vec<Assignment>, f64),
    schedule: &mut Schedule,
    failed: &mut Vec<UnfinishedJob>,
) {
    if left > 0.0 && !ledger.problem.jobs()[j].may_fall_short() {
        ledger.undo(&rows);
        failed.push(short(ledger.problem, j, left));
    } else {
        schedule.assignments.extend(rows);
    }
}

/// A heuristic's result: its schedule, or every job it could not finish.
pub(crate) fn outcome(
    scheduler: &str,
    schedule: Schedule,
    failed: Vec<UnfinishedJob>,
) -> Result<Schedule, Error> {
    if failed.is_empty() {
        Ok(schedule)
    } else {
        Err(Infeasible {
            scheduler: scheduler.into(),
            jobs: failed,
        }
        .into())
    }
}

/// The report of a job a heuristic could not finish: `left` work units undone.
pub(crate) fn short(p: &Problem, j: usize, left: f64) -> UnfinishedJob {
    UnfinishedJob {
        job: p.jobs()[j].id.clone(),
        shortfall: Shortfall::WorkShort {
            missing_work: left,
            work: p.jobs()[j].work,
        },
    }
}

/// Places job `j` whole in one region: tries its windows in the order of
/// `ranked` (indices into the job's windows), each with the cells
/// `cells(window)` in that order, and keeps the first region that finishes
/// the job. A job with a price for undone work that no region finishes
/// keeps what fits in the first region (the rest is priced); any other is
/// recorded as short by the least work any region left undone.
///
/// Shared by the heuristics that send all of a job's work to one region
/// (cheapest-region-first, carbon-greedy's `Whole` jobs).
pub(crate) fn one_region<'p, I>(
    ledger: &mut Ledger<'p>,
    j: usize,
    ranked: &[usize],
    cells: impl Fn(&'p crate::problem::JobRegion) -> I,
    schedule: &mut Schedule,
    failed: &mut Vec<UnfinishedJob>,
) where
    I: IntoIterator<Item = (usize, usize)>,
{
    let p = ledger.problem;
    let job = &p.jobs()[j];
    let mut least_left = job.work;
    for &i in ranked {
        let Some(w) = job.windows.get(i) else {
            continue;
        };
        let (rows, left) = ledger.fill(j, cells(w));
        if left == 0.0 {
            schedule.assignments.extend(rows);
            return;
        }
        ledger.undo(&rows);
        least_left = least_left.min(left);
    }
    match ranked.first().and_then(|&i| job.windows.get(i)) {
        Some(w) if job.may_fall_short() => {
            let filled = ledger.fill(j, cells(w));
            settle(ledger, j, filled, schedule, failed);
        }
        Some(_) => failed.push(UnfinishedJob {
            job: job.id.clone(),
            shortfall: Shortfall::of(job, least_left),
        }),
        None if job.may_fall_short() => {} // all of it undone, at its price
        None => failed.push(UnfinishedJob {
            job: job.id.clone(),
            shortfall: Shortfall::NoEligibleCell(job.closed.clone()),
        }),
    }
}

/// Mean of `values`, or `None` when there are none.
pub(crate) fn mean(values: impl IntoIterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values
        .into_iter()
        .fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum / n as f64)
}
