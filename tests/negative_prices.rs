//! Negative energy prices: hours when the grid pays for consumption attract
//! work and make the energy bill negative. A pool whose rent includes the
//! energy (`rent_includes_energy`) is not billed energy at all (so it gains
//! nothing from a negative hour), but its MWh and emissions still count,
//! and so does the carbon price.

mod common;

use common::*;
use geoshift::{Greedy, Job, Local, Optimal, Pool, Region, Scenario, Scheduler};

fn one_region(region: Region, pools: Vec<Pool>, job: Job, carbon_price: f64) -> Scenario {
    let slots = match &region.price_usd_per_mwh {
        geoshift::Series::PerSlot(v) => v.len(),
        _ => 1,
    };
    Scenario::builder(horizon(slots, 3600))
        .carbon_price_usd_per_t(carbon_price)
        .regions(vec![region])
        .pools(pools)
        .jobs(vec![job])
        .build()
}

#[test]
fn a_negative_hour_attracts_the_work() {
    // Prices [50, -100, 50] $/MWh, pue 1, 2 kW servers, rent 1, carbon
    // 100 g/kWh, no carbon price:
    //   slots 0 and 2: 1 + 2 * 50 / 1000 = 1.1;  slot 1: 1 + 2 * -100 / 1000 = 0.8
    // 2 work units, 2 servers: both in slot 1.
    let s = one_region(
        Region::new("home", 1.0, vec![50.0, -100.0, 50.0]).carbon(100.0),
        vec![Pool::new("gpu", "home", 2.0, 1.0, 2.0)],
        Job::new("train", "home", 2.0, at("2026-06-01T03:00:00Z"), 2.0),
        0.0,
    );
    for (scheduler, tol) in [
        (&Optimal::default() as &dyn Scheduler, LP),
        (&Greedy, EXACT),
    ] {
        let r = report(&s, scheduler);
        assert_placement(&r, &[("train", "gpu", 1, 2.0)], tol);
        // rent      = 2 * 1 = 2
        // energy    = 2 server-hours * 2 kW * -100 $/MWh / 1000 = -0.4
        // total     = 2 * 0.8 = 1.6
        // MWh       = 2 * 2 / 1000 = 0.004
        // emissions = 2 * 2 kWh * 100 g / 1e6 = 0.0004 t (priced at 0)
        assert_totals(
            &r,
            Totals {
                total_usd: 1.6,
                rent_usd: 2.0,
                energy_usd: -0.4,
                carbon_usd: 0.0,
                egress_usd: 0.0,
                energy_mwh: 0.004,
                emissions_t: 0.0004,
            },
            tol,
        );
    }
    // Local runs at once, in slot 0: energy 2 * 2 * 50 / 1000 = 0.2,
    // total 2 * 1.1 = 2.2.
    let r = report(&s, &Local);
    assert_placement(&r, &[("train", "gpu", 0, 2.0)], EXACT);
    assert_totals(
        &r,
        Totals {
            total_usd: 2.2,
            rent_usd: 2.0,
            energy_usd: 0.2,
            carbon_usd: 0.0,
            egress_usd: 0.0,
            energy_mwh: 0.004,
            emissions_t: 0.0004,
        },
        EXACT,
    );
}

#[test]
fn a_job_can_earn_money_but_does_no_more_work_than_asked() {
    // Prices [50, -100, -150], pue 1.5, 2 kW (3 kW at the meter), rent 0.1:
    //   slot 0: 0.1 + 3 * 50 / 1000 = 0.25
    //   slot 1: 0.1 + 3 * -100 / 1000 = -0.2
    //   slot 2: 0.1 + 3 * -150 / 1000 = -0.35
    // 3 work units, 2 servers: 2 in slot 2, 1 in slot 1; exactly 3 units,
    // although more work would pay more.
    let s = one_region(
        Region::new("home", 1.5, vec![50.0, -100.0, -150.0]),
        vec![Pool::new("gpu", "home", 2.0, 0.1, 2.0)],
        Job::new("train", "home", 3.0, at("2026-06-01T03:00:00Z"), 2.0),
        0.0,
    );
    for (scheduler, tol) in [
        (&Optimal::default() as &dyn Scheduler, LP),
        (&Greedy, EXACT),
    ] {
        let r = report(&s, scheduler);
        assert_placement(
            &r,
            &[("train", "gpu", 1, 1.0), ("train", "gpu", 2, 2.0)],
            tol,
        );
        // rent   = 3 * 0.1 = 0.3
        // energy = 1 * 3 * -100 / 1000 + 2 * 3 * -150 / 1000 = -0.3 - 0.9 = -1.2
        // total  = -0.2 + 2 * -0.35 = -0.9
        // MWh    = 3 server-hours * 3 kW / 1000 = 0.009
        assert_totals(
            &r,
            Totals {
                total_usd: -0.9,
                rent_usd: 0.3,
                energy_usd: -1.2,
                carbon_usd: 0.0,
                egress_usd: 0.0,
                energy_mwh: 0.009,
                emissions_t: 0.0,
            },
            tol,
        );
    }
}

#[test]
fn rent_that_includes_energy_ignores_the_price_but_not_the_carbon() {
    // A cloud pool (rent includes energy): rent 1, 2 kW, pue 1.25, so 2.5 kW
    // at the meter. Prices [-100, 50] are not billed. Carbon [400, 80]
    // g/kWh at 100 $/t:
    //   slot 0: 1 + 2.5 * 400 / 1e6 * 100 = 1 + 0.1 = 1.1
    //   slot 1: 1 + 2.5 * 80 / 1e6 * 100 = 1 + 0.02 = 1.02
    // so the work goes to slot 1 despite the negative price in slot 0.
    // (Were the energy billed: slot 0 = 1 - 0.25 + 0.1 = 0.85 < slot 1 =
    // 1 + 0.125 + 0.02 = 1.145, and the work would go to slot 0.)
    let s = one_region(
        Region::new("cloud", 1.25, vec![-100.0, 50.0]).carbon(vec![400.0, 80.0]),
        vec![Pool::new("vm", "cloud", 2.0, 1.0, 2.0).rent_includes_energy()],
        Job::new("train", "cloud", 2.0, at("2026-06-01T02:00:00Z"), 2.0),
        100.0,
    );
    for (scheduler, tol) in [
        (&Optimal::default() as &dyn Scheduler, LP),
        (&Greedy, EXACT),
    ] {
        let r = report(&s, scheduler);
        assert_placement(&r, &[("train", "vm", 1, 2.0)], tol);
        // rent      = 2 * 1 = 2, energy = 0 (in the rent)
        // emissions = 2 * 2.5 kWh * 80 g / 1e6 = 0.0004 t
        // carbon    = 0.0004 t * 100 $/t = 0.04
        // total     = 2 * 1.02 = 2.04
        // MWh       = 2 * 2.5 / 1000 = 0.005 (counted though not billed)
        assert_totals(
            &r,
            Totals {
                total_usd: 2.04,
                rent_usd: 2.0,
                energy_usd: 0.0,
                carbon_usd: 0.04,
                egress_usd: 0.0,
                energy_mwh: 0.005,
                emissions_t: 0.0004,
            },
            tol,
        );
    }
    // Local, in slot 0: no energy bill at -100 $/MWh either.
    // emissions = 2 * 2.5 * 400 / 1e6 = 0.002 t, carbon 0.2, total 2.2.
    let r = report(&s, &Local);
    assert_placement(&r, &[("train", "vm", 0, 2.0)], EXACT);
    assert_totals(
        &r,
        Totals {
            total_usd: 2.2,
            rent_usd: 2.0,
            energy_usd: 0.0,
            carbon_usd: 0.2,
            egress_usd: 0.0,
            energy_mwh: 0.005,
            emissions_t: 0.002,
        },
        EXACT,
    );
}

#[test]
fn in_a_negative_hour_only_the_owned_pool_is_paid_for_its_energy() {
    // One slot at -100 $/MWh, pue 1, 2 kW servers, one server per pool:
    //   owned: 1 + 2 * -100 / 1000 = 0.8
    //   cloud: 0.9 (rent includes energy: nothing billed, nothing earned)
    // 2 work units, 2 servers: one server-hour on each.
    let s = one_region(
        Region::new("home", 1.0, -100.0),
        vec![
            Pool::new("owned", "home", 1.0, 1.0, 2.0),
            Pool::new("cloud", "home", 1.0, 0.9, 2.0).rent_includes_energy(),
        ],
        Job::new("train", "home", 2.0, at("2026-06-01T01:00:00Z"), 2.0),
        0.0,
    );
    for (scheduler, tol) in [
        (&Optimal::default() as &dyn Scheduler, LP),
        (&Greedy, EXACT),
        (&Local, EXACT),
    ] {
        let r = report(&s, scheduler);
        assert_placement(
            &r,
            &[("train", "owned", 0, 1.0), ("train", "cloud", 0, 1.0)],
            tol,
        );
        // rent   = 1 + 0.9 = 1.9
        // energy = owned only: 1 * 2 * -100 / 1000 = -0.2
        // total  = 0.8 + 0.9 = 1.7
        // MWh    = both pools: 2 * 2 / 1000 = 0.004
        assert_totals(
            &r,
            Totals {
                total_usd: 1.7,
                rent_usd: 1.9,
                energy_usd: -0.2,
                carbon_usd: 0.0,
                egress_usd: 0.0,
                energy_mwh: 0.004,
                emissions_t: 0.0,
            },
            tol,
        );
    }
}
