//! The power cap of a region (docs/MODEL.md constraint 4):
//! `sum_{j, k in r} w_k * pue_r * x[j,k,t] <= cap_r * h`, in kW at the
//! meter, i.e. IT load times PUE.

mod common;

use common::*;
use geoshift::{Error, Greedy, Job, Link, Local, Optimal, Pool, Region, Scenario, Shortfall};

/// `home` (pue 1.5, 100 $/MWh, capped at 30 kW) and `away` (pue 1,
/// 100 $/MWh, no cap), 10 servers of 10 kW each in both.
///   home-gpu: 10 kW * 1.5 = 15 kW at the meter;
///             1 + 15 * 100 / 1000 = 2.5 $/server-hour
///   away-gpu: 10 kW * 1.0 = 10 kW at the meter;
///             3 + 10 * 100 / 1000 = 4 $/server-hour
/// The job: 5 work units, up to 10 servers, due 01:00, no data.
fn scenario(slot_seconds: u64) -> Scenario {
    let slots = (3600 / slot_seconds) as usize;
    Scenario::builder(horizon(slots, slot_seconds))
        .regions(vec![
            Region::new("home", 1.5, 100.0).power_cap(30.0),
            Region::new("away", 1.0, 100.0),
        ])
        .pools(vec![
            Pool::new("home-gpu", "home", 10.0, 1.0, 10.0),
            Pool::new("away-gpu", "away", 10.0, 3.0, 10.0),
        ])
        .links(vec![Link::new("home", "away", 10.0, 0.0)])
        .jobs(vec![Job::new(
            "train",
            "home",
            5.0,
            at("2026-06-01T01:00:00Z"),
            10.0,
        )])
        .build()
}

/// home: 30 kW / 15 kW = 2 server-hours in the hour; away: 5 - 2 = 3.
///   rent   = 2 * 1 + 3 * 3 = 11
///   energy = 2 * 15 kWh * 100 / 1000 + 3 * 10 kWh * 100 / 1000 = 3 + 3 = 6
///   total  = 2 * 2.5 + 3 * 4 = 17
///   MWh    = (2 * 15 + 3 * 10) / 1000 = 0.06
/// (A cap on IT load, 30 / 10 = 3 at home, would give 3 * 2.5 + 2 * 4 = 15.5.)
const CAPPED: Totals = Totals {
    total_usd: 17.0,
    rent_usd: 11.0,
    energy_usd: 6.0,
    carbon_usd: 0.0,
    egress_usd: 0.0,
    energy_mwh: 0.06,
    emissions_t: 0.0,
};

#[test]
fn the_cap_counts_power_at_the_meter() {
    let s = scenario(3600);
    for (scheduler, tol) in [
        (&Optimal::default() as &dyn geoshift::Scheduler, LP),
        (&Greedy, EXACT),
    ] {
        let r = report(&s, scheduler);
        assert_placement(
            &r,
            &[("train", "home-gpu", 0, 2.0), ("train", "away-gpu", 0, 3.0)],
            tol,
        );
        assert_eq!(regions_of(&r, "train"), ["home", "away"]);
        assert_totals(&r, CAPPED, tol);
    }
}

#[test]
fn local_is_held_to_the_cap_and_falls_short() {
    // At home alone, 2 of the 5 work units fit under the cap: 3 are missing.
    let err = run(&scenario(3600), &Local).expect_err("the cap binds at home");
    let Error::Infeasible(inf) = err else {
        panic!("expected Infeasible, got {err}")
    };
    match &inf.jobs[..] {
        [u] => match &u.shortfall {
            Shortfall::WorkShort { missing_work, .. } => {
                close("missing work", *missing_work, 3.0, EXACT)
            }
            other => panic!("expected WorkShort, got {other:?}"),
        },
        other => panic!("expected one unfinished job, got {other:?}"),
    }
}

#[test]
fn the_cap_scales_with_the_slot_length() {
    // Half-hour slots: 30 kW * 0.5 h = 15 kWh per slot = 1 server-hour at
    // 15 kWh each, in each of the 2 slots: 2 at home in all, as before.
    // Servers: 10 * 0.5 = 5 server-hours per slot, so capacity does not bind.
    let r = report(&scenario(1800), &Optimal::default());
    close("home s0", server_hours(&r, "train", "home-gpu", 0), 1.0, LP);
    close("home s1", server_hours(&r, "train", "home-gpu", 1), 1.0, LP);
    // Away takes 3 in either slot (same cost): only the sum is pinned.
    close(
        "away s0 + s1",
        server_hours(&r, "train", "away-gpu", 0) + server_hours(&r, "train", "away-gpu", 1),
        3.0,
        LP,
    );
    assert_totals(&r, CAPPED, LP);
}

/// One region, pue 1, 50 $/MWh, capped at 20 kW; one 1-hour slot.
///   hot:  10 kW, rent 1:   1 + 10 * 50 / 1000 = 1.5 $/server-hour
///   cool:  5 kW, rent 1.5: 1.5 + 5 * 50 / 1000 = 1.75 $/server-hour
/// The job: 3 work units, up to 10 servers.
fn two_pools() -> Scenario {
    Scenario::builder(horizon(1, 3600))
        .regions(vec![Region::new("site", 1.0, 50.0).power_cap(20.0)])
        .pools(vec![
            Pool::new("hot", "site", 10.0, 1.0, 10.0),
            Pool::new("cool", "site", 10.0, 1.5, 5.0),
        ])
        .jobs(vec![Job::new(
            "train",
            "site",
            3.0,
            at("2026-06-01T01:00:00Z"),
            10.0,
        )])
        .build()
}

#[test]
fn the_cap_makes_the_optimum_mix_pools() {
    // x_hot + x_cool = 3 and 10 x_hot + 5 x_cool <= 20, so
    // 10 x_hot + 5 (3 - x_hot) <= 20, x_hot <= 1. Hot is cheaper, so
    // x_hot = 1, x_cool = 2, and the cap is exactly used (10 + 10 = 20 kWh).
    let r = report(&two_pools(), &Optimal::default());
    assert_placement(
        &r,
        &[("train", "hot", 0, 1.0), ("train", "cool", 0, 2.0)],
        LP,
    );
    // rent   = 1 * 1 + 2 * 1.5 = 4
    // energy = 1 * 10 kWh * 50 / 1000 + 2 * 5 kWh * 50 / 1000 = 0.5 + 0.5 = 1
    // total  = 1.5 + 2 * 1.75 = 5
    // MWh    = (10 + 2 * 5) / 1000 = 0.02
    assert_totals(
        &r,
        Totals {
            total_usd: 5.0,
            rent_usd: 4.0,
            energy_usd: 1.0,
            carbon_usd: 0.0,
            egress_usd: 0.0,
            energy_mwh: 0.02,
            emissions_t: 0.0,
        },
        LP,
    );
}

#[test]
fn cheapest_first_heuristics_spend_the_cap_on_the_hot_pool_and_fall_short() {
    // Greedy and Local both fill `hot` first (1.5 < 1.75): 20 / 10 = 2
    // server-hours use the whole cap, `cool` gets nothing, and 3 - 2 = 1
    // work unit is missing although the optimum (above) exists.
    for scheduler in [&Greedy as &dyn geoshift::Scheduler, &Local] {
        let err = run(&two_pools(), scheduler).expect_err("the cap is spent");
        let Error::Infeasible(inf) = err else {
            panic!("expected Infeasible, got {err}")
        };
        assert_eq!(inf.scheduler, scheduler.name());
        match &inf.jobs[..] {
            [u] => match &u.shortfall {
                Shortfall::WorkShort { missing_work, work } => {
                    close("missing work", *missing_work, 1.0, EXACT);
                    close("work", *work, 3.0, EXACT);
                }
                other => panic!("expected WorkShort, got {other:?}"),
            },
            other => panic!("expected one unfinished job, got {other:?}"),
        }
    }
}
