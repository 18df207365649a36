//! The carbon price `pi` adds `w * pue * pi * g / 1e6` $ to a server-hour,
//! and moves work from a dirty cheap region to a clean dearer one once it
//! is high enough.

mod common;

use common::*;
use geoshift::{Greedy, Job, Link, Local, Optimal, Pool, Region, Scenario, Scheduler};

/// One 1-hour slot; 10 kW servers at rent 1 in both regions.
///   dirty: pue 1.2 (12 kW at the meter), 50 $/MWh, 800 g/kWh
///     energy 12 * 50 / 1000 = 0.6 $/server-hour,
///     emissions 12 * 800 / 1e6 = 0.0096 t/server-hour
///   clean: pue 1.0 (10 kW at the meter), 100 $/MWh, 50 g/kWh
///     energy 10 * 100 / 1000 = 1.0 $/server-hour,
///     emissions 10 * 50 / 1e6 = 0.0005 t/server-hour
/// c = 1 + 0.6 + 0.0096 pi (dirty) and 1 + 1.0 + 0.0005 pi (clean): equal
/// at pi = 0.4 / 0.0091 = 43.96 $/t.
/// The job: origin dirty, 4 work units, up to 4 servers, no data.
fn scenario(carbon_price: f64, clean_servers: f64) -> Scenario {
    Scenario::builder(horizon(1, 3600))
        .carbon_price_usd_per_t(carbon_price)
        .regions(vec![
            Region::new("dirty", 1.2, 50.0).carbon(800.0),
            Region::new("clean", 1.0, 100.0).carbon(50.0),
        ])
        .pools(vec![
            Pool::new("dirty-gpu", "dirty", 4.0, 1.0, 10.0),
            Pool::new("clean-gpu", "clean", clean_servers, 1.0, 10.0),
        ])
        .links(vec![Link::new("dirty", "clean", 10.0, 0.0)])
        .jobs(vec![Job::new(
            "train",
            "dirty",
            4.0,
            at("2026-06-01T01:00:00Z"),
            4.0,
        )])
        .build()
}

/// All 4 server-hours in `dirty` at carbon price `pi`:
/// rent 4, energy 4 * 0.6 = 2.4, carbon 4 * 0.0096 * pi,
/// MWh 4 * 12 / 1000 = 0.048, emissions 4 * 0.0096 = 0.0384 t.
fn all_dirty(pi: f64) -> Totals {
    let carbon = 4.0 * 0.0096 * pi;
    Totals {
        total_usd: 4.0 + 2.4 + carbon,
        rent_usd: 4.0,
        energy_usd: 2.4,
        carbon_usd: carbon,
        egress_usd: 0.0,
        energy_mwh: 0.048,
        emissions_t: 0.0384,
    }
}

/// All 4 server-hours in `clean` at carbon price `pi`:
/// rent 4, energy 4 * 1.0 = 4, carbon 4 * 0.0005 * pi,
/// MWh 4 * 10 / 1000 = 0.04, emissions 4 * 0.0005 = 0.002 t.
fn all_clean(pi: f64) -> Totals {
    let carbon = 4.0 * 0.0005 * pi;
    Totals {
        total_usd: 4.0 + 4.0 + carbon,
        rent_usd: 4.0,
        energy_usd: 4.0,
        carbon_usd: carbon,
        egress_usd: 0.0,
        energy_mwh: 0.04,
        emissions_t: 0.002,
    }
}

#[test]
fn without_a_carbon_price_the_dirty_region_wins() {
    // dirty 1.6 < clean 2.0: total 6.4, emissions still counted (0.0384 t).
    let s = scenario(0.0, 4.0);
    for (scheduler, tol) in [
        (&Optimal::default() as &dyn Scheduler, LP),
        (&Greedy, EXACT),
    ] {
        let r = report(&s, scheduler);
        assert_placement(&r, &[("train", "dirty-gpu", 0, 4.0)], tol);
        close("total", r.total_usd, 6.4, tol);
        assert_totals(&r, all_dirty(0.0), tol);
    }
}

#[test]
fn a_carbon_price_moves_the_work_to_the_clean_region() {
    // pi = 100: dirty 1 + 0.6 + 0.96 = 2.56 > clean 1 + 1 + 0.05 = 2.05.
    // Clean: rent 4, energy 4, carbon 4 * 0.05 = 0.2, total 8.2.
    let s = scenario(100.0, 4.0);
    for (scheduler, tol) in [
        (&Optimal::default() as &dyn Scheduler, LP),
        (&Greedy, EXACT),
    ] {
        let r = report(&s, scheduler);
        assert_placement(&r, &[("train", "clean-gpu", 0, 4.0)], tol);
        assert_eq!(regions_of(&r, "train"), ["clean"]);
        close("total", r.total_usd, 8.2, tol);
        close("carbon", r.carbon_usd, 0.2, tol);
        assert_totals(&r, all_clean(100.0), tol);
    }
    // Local stays dirty: carbon 4 * 0.96 = 3.84, total 4 + 2.4 + 3.84 = 10.24.
    let r = report(&s, &Local);
    assert_placement(&r, &[("train", "dirty-gpu", 0, 4.0)], EXACT);
    close("local total", r.total_usd, 10.24, EXACT);
    assert_totals(&r, all_dirty(100.0), EXACT);
}

#[test]
fn the_switch_happens_where_the_costs_cross() {
    // Break-even at 43.96 $/t (with the PUE of 1.2 in the dirty emissions;
    // without it, 0.4 / (0.008 - 0.0005) = 53.3 $/t).
    // pi = 40: dirty 1.6 + 0.384 = 1.984 < clean 2.0 + 0.02 = 2.02: dirty,
    //   total 4 * 1.984 = 7.936.
    let r = report(&scenario(40.0, 4.0), &Optimal::default());
    assert_placement(&r, &[("train", "dirty-gpu", 0, 4.0)], LP);
    close("total at 40", r.total_usd, 7.936, LP);
    assert_totals(&r, all_dirty(40.0), LP);
    // pi = 50: dirty 1.6 + 0.48 = 2.08 > clean 2.0 + 0.025 = 2.025: clean,
    //   total 4 * 2.025 = 8.1.
    let r = report(&scenario(50.0, 4.0), &Optimal::default());
    assert_placement(&r, &[("train", "clean-gpu", 0, 4.0)], LP);
    close("total at 50", r.total_usd, 8.1, LP);
    assert_totals(&r, all_clean(50.0), LP);
}

#[test]
fn when_the_clean_region_is_full_the_rest_stays_dirty() {
    // pi = 100, clean has 3 servers: 3 clean (2.05) + 1 dirty (2.56).
    let s = scenario(100.0, 3.0);
    for (scheduler, tol) in [
        (&Optimal::default() as &dyn Scheduler, LP),
        (&Greedy, EXACT),
    ] {
        let r = report(&s, scheduler);
        assert_placement(
            &r,
            &[
                ("train", "dirty-gpu", 0, 1.0),
                ("train", "clean-gpu", 0, 3.0),
            ],
            tol,
        );
        // rent      = 4 * 1 = 4
        // energy    = 3 * 1.0 + 1 * 0.6 = 3.6
        // carbon    = 3 * 0.05 + 1 * 0.96 = 1.11
        // total     = 3 * 2.05 + 2.56 = 8.71
        // MWh       = (3 * 10 + 1 * 12) / 1000 = 0.042
        // emissions = 3 * 0.0005 + 0.0096 = 0.0111 t
        assert_totals(
            &r,
            Totals {
                total_usd: 8.71,
                rent_usd: 4.0,
                energy_usd: 3.6,
                carbon_usd: 1.11,
                egress_usd: 0.0,
                energy_mwh: 0.042,
                emissions_t: 0.0111,
            },
            tol,
        );
    }
}
