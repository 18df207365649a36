//! The NY start-up's week across its own servers, GCP (incl. Tel Aviv and
//! Dammam) and the Vast.ai marketplace, from the bundled catalog snapshots.
//!
//! `cargo run --release --example marketplace`

#[path = "shipped/mod.rs"]
mod shipped;

use geoshift::data::catalog::{vast_snapshots, SpeedTable, Throughput};
use geoshift::data::DataSet;
use geoshift::{evaluate, Greedy, Local, Optimal, Problem, Report, Scenario, Scheduler};
use std::time::Instant;

fn solve(scenario: &Scenario, s: &dyn Scheduler) -> Result<Report, geoshift::Error> {
    let problem = Problem::new(scenario)?;
    let schedule = s.schedule(&problem)?;
    Ok(evaluate(&problem, s.name(), &schedule)?)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let data = DataSet::bundled()?;
    let t = Instant::now();
    let s = shipped::ny_vs_marketplace(&data)?;
    println!("{} regions, {} pools, {} links", s.regions.len(), s.pools.len(), s.links.len());
    for sch in [&Local as &dyn Scheduler, &Greedy, &Optimal::default()] {
        match solve(&s, sch) {
            Ok(r) => println!("{} {:.2} ({:.1}s)", r.scheduler, r.total_usd, t.elapsed().as_secs_f64()),
            Err(e) => println!("{} {e}", sch.name()),
        }
    }
    let _ = (vast_snapshots(), SpeedTable::bundled(&Throughput::GeometricMean));
    Ok(())
}
