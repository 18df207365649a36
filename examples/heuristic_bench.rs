//! How a researcher plugs a scheduling heuristic of their own into geoshift
//! and measures it against the optimum: implement `Scheduler`, and the one
//! evaluator judges it by the same rules as the shipped schedulers.
//!
//! `cargo run --release --example heuristic_bench`

use geoshift::synth::{generate, Params};
use geoshift::{evaluate, Assignment, Error, Greedy, Local, Optimal, Problem, Schedule, Scheduler};
use geoshift::{Infeasible, Shortfall, UnfinishedJob};
use std::time::Instant;

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

fn main() {
    let schedulers: [&dyn Scheduler; 4] =
        [&Local, &Greedy, &CheapestHourAtHome, &Optimal::default()];
    println!(
        "{:<6} {:>22} {:>12} {:>12} {:>12} {:>12}",
        "seed", "", "local", "greedy", "cheap-home", "optimal"
    );
    let mut gaps = vec![Vec::new(); schedulers.len()];
    for seed in 1..=10 {
        let problem = Problem::new(&generate(&Params {
            jobs: 15,
            regions: 4,
            slots: 48,
            contention: 0.35,
            seed,
            ..Params::default()
        }))
        .expect("synth scenarios are valid");
        let mut row = Vec::new();
        for s in schedulers {
            let clock = Instant::now();
            let outcome = s
                .schedule(&problem)
                .map_err(|e| e.to_string())
                .and_then(|schedule| {
                    evaluate(&problem, s.name(), &schedule).map_err(|v| v.to_string())
                });
            row.push((outcome.map(|r| r.total_usd), clock.elapsed()));
        }
        let optimum = row[3].0.as_ref().ok().copied();
        print!("{seed:<6} {:>22}", "total $ (gap to opt.)");
        for (i, (total, _)) in row.iter().enumerate() {
            match (total, optimum) {
                (Ok(t), Some(o)) => {
                    let gap = 100.0 * (t - o) / o;
                    gaps[i].push(gap);
                    print!(" {:>12}", format!("{t:.0} ({gap:.1}%)"));
                }
                (Ok(t), None) => print!(" {t:>12.0}"),
                (Err(_), _) => print!(" {:>12}", "failed"),
            }
        }
        println!();
    }
    println!();
    for (s, g) in schedulers.iter().zip(&gaps) {
        let mean = g.iter().sum::<f64>() / g.len().max(1) as f64;
        println!(
            "{:<22} solved {:>2}/10, mean gap to the optimum {mean:.2} %",
            s.name(),
            g.len()
        );
    }
}
