//! The NY-vs-Gulf story in Rust: builds the scenario of
//! `scenarios/ny-vs-gulf.json` with the data builder, solves it with Local,
//! Greedy and Optimal, and shows where the saving comes from; then asks
//! what Tel Aviv is worth: with and without spot capacity, with home
//! capacity short, and under a carbon price.
//!
//! `cargo run --release --example ny_vs_gulf`

#[path = "shipped/mod.rs"]
mod shipped;

use geoshift::data::{DataSet, Offer};
use geoshift::{evaluate, Greedy, Local, Optimal, Problem, Report, Scenario, Scheduler};
use std::collections::BTreeMap;

fn solve(scenario: &Scenario, s: &dyn Scheduler) -> Result<Report, geoshift::Error> {
    let problem = Problem::new(scenario)?;
    let schedule = s.schedule(&problem)?;
    Ok(evaluate(&problem, s.name(), &schedule)?)
}

/// Server-hours per pool.
fn by_pool(r: &Report) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    for a in &r.assignments {
        *out.entry(a.pool.clone()).or_insert(0.0) += a.server_hours;
    }
    out
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let data = DataSet::bundled()?;
    let period = shipped::ny_vs_gulf_period();
    let scenario = shipped::ny_vs_gulf_builder(period)
        .jobs(shipped::ny_vs_gulf_jobs(period))
        .build(&data)?;

    println!("List prices of 8xA100 (GCP a2-highgpu-8g, host + GPUs), $ per server-hour:");
    for region in ["us-east1", "me-west1"] {
        let od = data.gpu_offer("gcp", region, shipped::A2_8G, Offer::OnDemand)?;
        let spot = data.gpu_offer("gcp", region, shipped::A2_8G, Offer::Spot)?;
        println!(
            "  {region:<9} on-demand {:>8.5}  spot {:>8.5}   ({})",
            od.usd_per_hour, spot.usd_per_hour, od.file
        );
    }
    println!(
        "  ny owned  {:>8.2} (ASSUMPTION: amortised cost) + NYISO energy\n",
        shipped::NY_OWNED_RENT_USD_PER_HOUR
    );

    let schedulers: [&dyn Scheduler; 3] = [&Local, &Greedy, &Optimal::default()];
    let mut reports = Vec::new();
    println!(
        "{:<8} {:>11} {:>11} {:>9} {:>8} {:>8} {:>7} {:>7}",
        "", "total $", "rent $", "energy $", "carbon $", "egress $", "MWh", "tCO2e"
    );
    for s in schedulers {
        match solve(&scenario, s) {
            Ok(r) => {
                println!(
                    "{:<8} {:>11.2} {:>11.2} {:>9.2} {:>8.2} {:>8.2} {:>7.2} {:>7.2}",
                    r.scheduler,
                    r.total_usd,
                    r.rent_usd,
                    r.energy_usd,
                    r.carbon_usd,
                    r.egress_usd,
                    r.energy_mwh,
                    r.emissions_t
                );
                reports.push(r);
            }
            Err(e) => println!("{:<8} no schedule: {e}", s.name()),
        }
    }
    let (Some(local), Some(optimal)) = (
        reports.iter().find(|r| r.scheduler == "local"),
        reports.iter().find(|r| r.scheduler == "optimal"),
    ) else {
        return Ok(());
    };

    println!(
        "\nSaving of optimal over local: ${:.2} ({:.1}%)",
        local.total_usd - optimal.total_usd,
        100.0 * (local.total_usd - optimal.total_usd) / local.total_usd
    );
    println!(
        "  rent {:+.2}  energy {:+.2}  carbon {:+.2}  egress {:+.2}  (optimal - local, $)",
        optimal.rent_usd - local.rent_usd,
        optimal.energy_usd - local.energy_usd,
        optimal.carbon_usd - local.carbon_usd,
        optimal.egress_usd - local.egress_usd
    );

    println!("\nServer-hours per pool:        local   optimal");
    let (lp, op) = (by_pool(local), by_pool(optimal));
    for pool in &scenario.pools {
        let l = lp.get(&pool.id).copied().unwrap_or(0.0);
        let o = op.get(&pool.id).copied().unwrap_or(0.0);
        println!(
            "  {:<24} {:>8.1} {:>9.1}   at {:.5} $/h",
            pool.id, l, o, pool.rent_usd_per_hour
        );
    }

    println!("\nJobs whose region or cost changed (local -> optimal):");
    for (l, o) in local.jobs.iter().zip(&optimal.jobs) {
        if l.regions != o.regions || (l.cost_usd - o.cost_usd).abs() > 0.5 {
            println!(
                "  {:<13} {:<28} -> {:<28} ${:>9.2} -> ${:>9.2} (egress ${:.2})",
                l.id,
                l.regions.join("+"),
                o.regions.join("+"),
                l.cost_usd,
                o.cost_usd,
                o.egress_usd
            );
        }
    }

    // What is Tel Aviv worth? The optimum with and without its pools, with
    // and without spot capacity anywhere.
    let without = |s: &Scenario, drop: &dyn Fn(&geoshift::Pool) -> bool| {
        let mut s = s.clone();
        s.pools.retain(|p| !drop(p));
        s
    };
    let no_ta = without(&scenario, &|p| p.region == "gcp-me-west1");
    let od_only = without(&scenario, &|p| p.id.ends_with("-spot"));
    let od_no_ta = without(&od_only, &|p| p.region == "gcp-me-west1");
    let cost = |s: &Scenario| solve(s, &Optimal::default()).map(|r| r.total_usd);
    let (full, no_ta, od, od_no_ta) = (
        optimal.total_usd,
        cost(&no_ta)?,
        cost(&od_only)?,
        cost(&od_no_ta)?,
    );
    println!("\nWhat Tel Aviv (GCP me-west1) is worth to the optimum:");
    println!(
        "  with spot:      ${full:>10.2} with Tel Aviv, ${no_ta:>10.2} without: worth ${:.2}",
        no_ta - full
    );
    println!(
        "  on-demand only: ${od:>10.2} with Tel Aviv, ${od_no_ta:>10.2} without: worth ${:.2}",
        od_no_ta - od
    );
    println!(
        "  so of the ${:.2} saving, ${:.2} is Tel Aviv's spot price and egress; the rest,\n  \
         ${:.2}, is the idle NY servers and not rushing into on-demand capacity.",
        local.total_usd - full,
        no_ta - full,
        local.total_usd - no_ta
    );

    // Two more questions a team asks: what if home capacity were short, and
    // what does a carbon price do? (Tel Aviv's grid, 502 g/kWh yearly, is
    // dirtier than New York's hourly NYISO mix; South Carolina's is 633.)
    let mut home_short = scenario.clone();
    for p in home_short.pools.iter_mut().filter(|p| p.region == "ny") {
        p.servers = geoshift::Series::Constant(4.0); // half the 8 owned servers
    }
    let mut carbon_priced = scenario.clone();
    carbon_priced.carbon_price_usd_per_t = 100.0;
    println!("\nWhat Tel Aviv is worth in variants of the story (spot capacity as shipped):");
    for (label, variant) in [
        ("NY servers 8 -> 4", &home_short),
        ("carbon 100 $/tCO2e", &carbon_priced),
    ] {
        let with = cost(variant);
        let without_ta = cost(&without(variant, &|p| p.region == "gcp-me-west1"));
        match (with, without_ta) {
            (Ok(w), Ok(wo)) => println!(
                "  {label:<19} ${w:>10.2} with Tel Aviv, ${wo:>10.2} without: worth ${:.2}",
                wo - w
            ),
            (w, wo) => println!("  {label:<19} with: {w:?}, without: {wo:?}"),
        }
    }
    Ok(())
}
