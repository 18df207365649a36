//! How a researcher plugs a scheduling heuristic of their own into the
//! bench (`geoshift::bench`) and measures it against the proven optimum:
//! implement `Scheduler`, add it to a `Bench`, run it over families of
//! scenarios. The one evaluator judges it by the same rules as the shipped
//! schedulers; a plan that breaks a rule is reported with the evaluator's
//! reason, never counted as a result.
//!
//! `cargo run --example heuristic_bench`
//!
//! The command `geoshift bench` does the same for the shipped heuristics,
//! in parallel, with CSV and a chart (see docs/bench.md).

use geoshift::bench::{cases, families_named, summarize, Bench, Status};
use geoshift::{Assignment, Error, Greedy, Local, Optimal, Problem, Schedule, Scheduler};
use geoshift::{Infeasible, Shortfall, UnfinishedJob};
use std::time::Duration;

/// "Cheapest slot of the origin region first": time-shifting without ever
/// moving data. Each job, in file order, fills its origin's cells from the
/// cheapest per work unit, within the capacity and parallelism left.
/// (It ignores power caps, so the evaluator rejects its plans where a cap
/// binds: which is the point of judging every heuristic by one evaluator.)
struct CheapestHourAtHome;

impl Scheduler for CheapestHourAtHome {
    fn name(&self) -> &str {
        "cheapest-hour-at-home"
    }

    fn schedule(&self, p: &Problem) -> Result<Schedule, Error> {
        let slots = p.slots();
        let mut left: Vec<f64> = p
            .pools()
            .iter()
            .flat_map(|pool| pool.capacity_server_hours.iter().copied())
            .collect();
        let mut schedule = Schedule::default();
        let mut failed = Vec::new();
        for (j, job) in p.jobs().iter().enumerate() {
            let Some(w) = job.window(job.origin) else {
                failed.push(UnfinishedJob {
                    job: job.id.clone(),
                    shortfall: Shortfall::NoEligibleCell(job.closed.clone()),
                });
                continue;
            };
            // The problem already knows every eligible cell and its cost.
            let mut cells: Vec<(usize, usize)> = p.cells(w).collect();
            let per_work = |&(k, t): &(usize, usize)| {
                let pool = &p.pools()[k];
                pool.cost[t].total_usd() / pool.speed
            };
            cells.sort_by(|a, b| per_work(a).total_cmp(&per_work(b)));
            let mut work = job.work;
            let mut per_slot = vec![job.max_server_hours_per_slot; slots];
            for (k, t) in cells {
                let speed = p.pools()[k].speed;
                let x = left[k * slots + t].min(per_slot[t]).min(work / speed);
                if x <= 0.0 {
                    continue;
                }
                left[k * slots + t] -= x;
                per_slot[t] -= x;
                work -= x * speed;
                schedule.assignments.push(Assignment {
                    job: j,
                    pool: k,
                    slot: t,
                    server_hours: x,
                });
            }
            if work > 1e-9 * job.work {
                failed.push(UnfinishedJob {
                    job: job.id.clone(),
                    shortfall: Shortfall::WorkShort {
                        missing_work: work,
                        work: job.work,
                    },
                });
            }
        }
        if failed.is_empty() {
            Ok(schedule)
        } else {
            Err(Infeasible {
                scheduler: self.name().into(),
                jobs: failed,
            }
            .into())
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Two of the shipped families: one where nothing binds but money, one
    // with power caps.
    let families = families_named(&["slack", "capped"])?;
    let bench = Bench::new(Optimal::default().time_limit(Duration::from_secs(60)))
        .scheduler(Local)
        .scheduler(Greedy)
        .scheduler(CheapestHourAtHome);
    let rows = bench.run(&cases(&families, 5)?);
    println!(
        "{:<24} {:<22} {:>10} {:>10} {:>11} {:>8}",
        "family", "scheduler", "mean gap", "worst gap", "unfinished", "invalid"
    );
    for s in summarize(&rows) {
        let pct = |g: Option<f64>| g.map_or("-".to_string(), |g| format!("{:.2} %", 100.0 * g));
        println!(
            "{:<24} {:<22} {:>10} {:>10} {:>10.0}% {:>8}",
            s.family,
            s.scheduler,
            pct(s.gap_mean),
            pct(s.gap_worst),
            100.0 * s.unfinished_share,
            s.invalid
        );
    }
    // Why a plan was rejected: the evaluator's own words.
    if let Some(r) = rows.iter().find(|r| r.status == Status::Invalid) {
        println!(
            "\n{} on {} seed {} was rejected: {}",
            r.scheduler,
            r.family,
            r.seed,
            r.reason.as_deref().unwrap_or("")
        );
    }
    Ok(())
}
