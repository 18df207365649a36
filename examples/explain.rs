//! What capacity is worth in the follow-the-cheap-hours story
//! (`scenarios/follow-the-cheap-hours.json`, built from the bundled data):
//! the optimum's duals as dollars per extra server-hour, kW and hour of
//! deadline, with the top value checked by re-solving with one more
//! server.
//!
//! `cargo run --release --example explain`

#[path = "shipped/mod.rs"]
mod shipped;

use geoshift::data::DataSet;
use geoshift::{evaluate, explain, Optimal, Problem, Scenario, Scheduler, Series};
use std::time::Instant;

fn least(scenario: &Scenario) -> Result<f64, geoshift::Error> {
    let problem = Problem::new(scenario)?;
    let schedule = Optimal::default().schedule(&problem)?;
    Ok(evaluate(&problem, "optimal", &schedule)?.total_usd)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let data = DataSet::bundled()?;
    let scenario = shipped::follow_the_cheap_hours(&data)?;
    let problem = Problem::new(&scenario)?; // validated once
    let clock = Instant::now();
    let e = explain(&problem, &Optimal::default())?;
    let seconds = clock.elapsed().as_secs_f64();
    println!(
        "follow-the-cheap-hours: optimum ${:.2}, duals from {}, explained in {seconds:.2} s \
         ({} jobs, so up to {} deadline re-solves)\n",
        e.total_usd,
        e.backend,
        e.jobs.len(),
        e.jobs.len()
    );
    println!(
        "Top bottlenecks (what one more unit saves; {}):",
        e.meaning.validity
    );
    for b in e.bottlenecks().iter().take(6) {
        println!(
            "  {:<12} {:<16} ${:>9.4} per {}",
            b.limit, b.id, b.usd, b.unit
        );
    }
    println!("\nMarginal cost of work ($ per work unit, one reference server-hour):");
    for j in &e.jobs {
        println!("  {:<14} {:>8.4}", j.id, j.usd_per_work_unit);
    }

    // The top pool, checked: one more server in every hour, re-solved.
    let Some(top) = e
        .pools
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.usd_per_server.total_cmp(&b.1.usd_per_server))
    else {
        return Ok(());
    };
    let (k, pool) = top;
    let with = |d: f64| {
        let mut s = scenario.clone();
        s.pools[k].servers = match &s.pools[k].servers {
            Series::Constant(n) => Series::Constant(n + d),
            Series::PerSlot(v) => Series::PerSlot(v.iter().map(|n| n + d).collect()),
            Series::Points(p) => Series::Points(p.iter().map(|&(t, n)| (t, n + d)).collect()),
        };
        s
    };
    let saved = e.total_usd - least(&with(1.0))?;
    let cost = least(&with(-1.0))? - e.total_usd;
    println!(
        "\n{}: the duals say one more server saves ${:.4} (a rate at the optimum).\n\
         Re-solved: one more server saves ${saved:.4}, one fewer costs ${cost:.4};\n\
         the rate lies between them, as it must (the least total is convex in capacity).",
        pool.id, pool.usd_per_server
    );
    Ok(())
}
