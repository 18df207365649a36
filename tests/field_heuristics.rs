//! The heuristics of the field (edf-home, wait-awhile, cheapest-region,
//! carbon-greedy) on one hand-checked scenario, each keeping its rule, and
//! each plan accepted by the evaluator.
//!
//! Four hourly slots, carbon price 0, PUE 1, 1 kW per server:
//!
//! | pool | region | servers | rent $/h | speed | energy $/MWh per slot | gCO2e/kWh per slot |
//! |---|---|---|---|---|---|---|
//! | home-slow | home | 2 | 1 | 1 | 100, 10, 100, 50 | 500, 500, 100, 500 |
//! | home-fast | home | 2 | 5 | 2 | (same) | (same) |
//! | away-p | away | 4 | 1 | 1 | 0 | 80 |
//!
//! Per work unit, home-slow costs 1.1, 1.01, 1.1, 1.05 $; home-fast 2.55,
//! 2.505, 2.55, 2.525 $; away-p 1.0 $. Per work unit, home-fast emits 250,
//! 250, 50, 250 g, home-slow 500, 500, 100, 500 g, away-p 80 g. One job of 2
//! work units from home, at most 2 servers, no data.

use geoshift::{
    evaluate, CarbonGreedy, CheapestRegion, EdfHome, Horizon, Job, Link, Pool, Problem, Region,
    Scenario, Scheduler, WaitAwhile,
};

fn scenario() -> Scenario {
    let start = "2026-06-01T00:00:00Z".parse().unwrap();
    Scenario::builder(Horizon::new(start, 3600, 4))
        .region(
            Region::new("home", 1.0, vec![100.0, 10.0, 100.0, 50.0])
                .carbon(vec![500.0, 500.0, 100.0, 500.0]),
        )
        .region(Region::new("away", 1.0, 0.0).carbon(80.0))
        .pool(Pool::new("home-slow", "home", 2.0, 1.0, 1.0))
        .pool(Pool::new("home-fast", "home", 2.0, 5.0, 1.0).speed(2.0))
        .pool(Pool::new("away-p", "away", 4.0, 1.0, 1.0))
        .link(Link::new("home", "away", 100.0, 0.0))
        .link(Link::new("away", "home", 100.0, 0.0))
        .job(Job::new(
            "j",
            "home",
            2.0,
            "2026-06-01T04:00:00Z".parse().unwrap(),
            2.0,
        ))
        .build()
}

/// The plan of `s` as (pool id, slot, server-hours), and its total.
fn plan(s: &dyn Scheduler) -> (Vec<(String, usize, f64)>, f64) {
    let p = Problem::new(&scenario()).unwrap();
    let schedule = s.schedule(&p).unwrap();
    let report = evaluate(&p, s.name(), &schedule).unwrap();
    let rows = report
        .assignments
        .iter()
        .map(|a| (a.pool.clone(), a.slot, a.server_hours))
        .collect();
    (rows, report.total_usd)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn edf_home_takes_the_fastest_pool_now_whatever_it_costs() {
    // Slot 0 at home, home-fast first: 1 server-hour does the 2 units.
    let (rows, total) = plan(&EdfHome);
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].0.as_str(), rows[0].1), ("home-fast", 0));
    assert!(close(rows[0].2, 1.0));
    assert!(close(total, 5.0 + 0.1), "{total}");
}

#[test]
fn wait_awhile_waits_for_the_cheapest_hour_at_home() {
    // home-slow in slot 1 (1.01 $ per work unit), 2 server-hours.
    let (rows, total) = plan(&WaitAwhile);
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].0.as_str(), rows[0].1), ("home-slow", 1));
    assert!(close(rows[0].2, 2.0));
    assert!(close(total, 2.0 * 1.01), "{total}");
}

#[test]
fn cheapest_region_moves_to_the_region_of_least_mean_cost_and_starts_now() {
    // Mean per work unit: home about 1.81 $, away 1.0 $: away, slot 0.
    let (rows, total) = plan(&CheapestRegion);
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].0.as_str(), rows[0].1), ("away-p", 0));
    assert!(close(rows[0].2, 2.0));
    assert!(close(total, 2.0), "{total}");
}

#[test]
fn carbon_greedy_takes_the_lowest_emissions_per_work_unit() {
    // home-fast in slot 2 emits 50 g per work unit, less than away's 80 g,
    // although it costs 2.55 $ per work unit against away's 1.0 $.
    let (rows, total) = plan(&CarbonGreedy);
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].0.as_str(), rows[0].1), ("home-fast", 2));
    assert!(close(rows[0].2, 1.0));
    assert!(close(total, 5.0 + 0.1), "{total}");
}
