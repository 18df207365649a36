//! Egress: a Split job pays `sum x * s / W * (D * e(o->r) + O * e(r->o))`,
//! so a cheaper remote region is worth it only when its saving per work
//! unit beats the egress per work unit.

mod common;

use common::*;
use geoshift::{ClosedBy, Greedy, Job, Link, Local, Optimal, Pool, Problem, Region, Scenario};

/// Two 1-hour slots. `home` (the origin) and `away`, both pue 1, 1 kW
/// servers:
///   home-gpu (10 servers): 2 + 1 * 100 / 1000 = 2.1 (slot 0),
///                          2 + 1 * 200 / 1000 = 2.2 (slot 1)
///   away-gpu:              1 + 1 * 100 / 1000 = 1.1 (both slots)
/// The job: 10 work units, 100 GB in, `output_gb` out, up to 10 servers,
/// deadline 02:00. Links are 100 Gbit/s, so the input takes
/// 100 * 8 / 100 = 8 s and `away` is eligible in slot 1 only.
fn scenario(
    egress_out: f64,
    egress_back: Option<f64>,
    output_gb: f64,
    away_servers: f64,
) -> Scenario {
    with_away_pool(
        egress_out,
        egress_back,
        output_gb,
        Pool::new("away-gpu", "away", away_servers, 1.0, 1.0),
    )
}

/// [`scenario`] with any pool in `away`.
fn with_away_pool(
    egress_out: f64,
    egress_back: Option<f64>,
    output_gb: f64,
    away_pool: Pool,
) -> Scenario {
    let mut links = vec![Link::new("home", "away", 100.0, egress_out)];
    if let Some(back) = egress_back {
        links.push(Link::new("away", "home", 100.0, back));
    }
    Scenario::builder(horizon(2, 3600))
        .regions(vec![
            Region::new("home", 1.0, vec![100.0, 200.0]),
            Region::new("away", 1.0, 100.0),
        ])
        .pools(vec![
            Pool::new("home-gpu", "home", 10.0, 2.0, 1.0),
            away_pool,
        ])
        .links(links)
        .jobs(vec![Job::new(
            "train",
            "home",
            10.0,
            at("2026-06-01T02:00:00Z"),
            10.0,
        )
        .data(100.0, output_gb)])
        .build()
}

/// Everything at home in slot 0: 10 server-hours at 2.1.
/// rent 10 * 2 = 20, energy 10 * 0.1 = 1, egress 0, total 21,
/// MWh 10 * 1 kW / 1000 = 0.01.
const ALL_HOME: Totals = Totals {
    total_usd: 21.0,
    rent_usd: 20.0,
    energy_usd: 1.0,
    carbon_usd: 0.0,
    egress_usd: 0.0,
    energy_mwh: 0.01,
    emissions_t: 0.0,
};

#[test]
fn egress_makes_the_cheaper_remote_region_not_worth_it() {
    // Egress of all the work away: D * e = 100 GB * 0.2 = 20 $, i.e.
    // 20 / 10 = 2 $ per work unit: away costs 1.1 + 2 = 3.1 > 2.1 at home.
    // (All away would be 10 * 1.1 + 20 = 31 against 21 at home.)
    let s = scenario(0.2, Some(0.1), 0.0, 10.0);
    for (scheduler, tol) in [
        (&Optimal::default() as &dyn geoshift::Scheduler, LP),
        (&Greedy, EXACT),
        (&Local, EXACT),
    ] {
        let r = report(&s, scheduler);
        assert_placement(&r, &[("train", "home-gpu", 0, 10.0)], tol);
        assert_eq!(regions_of(&r, "train"), ["home"]);
        assert_totals(&r, ALL_HOME, tol);
    }
}

#[test]
fn egress_small_enough_makes_the_remote_region_worth_it() {
    // Egress: D * e(home->away) + O * e(away->home) = 100 * 0.05 + 20 * 0.1
    // = 5 + 2 = 7 $, i.e. 0.7 $ per work unit: away costs 1.1 + 0.7 = 1.8
    // < 2.1 at home. All 10 work units in away, slot 1.
    let s = scenario(0.05, Some(0.1), 20.0, 10.0);
    for (scheduler, tol) in [
        (&Optimal::default() as &dyn geoshift::Scheduler, LP),
        (&Greedy, EXACT),
    ] {
        let r = report(&s, scheduler);
        assert_placement(&r, &[("train", "away-gpu", 1, 10.0)], tol);
        assert_eq!(regions_of(&r, "train"), ["away"]);
        // rent 10 * 1 = 10, energy 10 * 0.1 = 1, egress 7 (all the work is
        // away, so all of it), total 18; MWh 0.01.
        assert_totals(
            &r,
            Totals {
                total_usd: 18.0,
                rent_usd: 10.0,
                energy_usd: 1.0,
                carbon_usd: 0.0,
                egress_usd: 7.0,
                energy_mwh: 0.01,
                emissions_t: 0.0,
            },
            tol,
        );
    }
    // Local never leaves home, so it pays 21 instead of 18.
    let r = report(&s, &Local);
    assert_placement(&r, &[("train", "home-gpu", 0, 10.0)], EXACT);
    assert_totals(&r, ALL_HOME, EXACT);
}

#[test]
fn split_egress_is_paid_in_proportion_to_the_work_done_remotely() {
    // As above (away costs 1.8 per work unit with egress, home 2.1), but
    // away has only 4 servers: 4 server-hours away in slot 1, the other 6
    // at home in slot 0 (2.1; slot 1 would be 2.2).
    let s = scenario(0.05, Some(0.1), 20.0, 4.0);
    for (scheduler, tol) in [
        (&Optimal::default() as &dyn geoshift::Scheduler, LP),
        (&Greedy, EXACT),
    ] {
        let r = report(&s, scheduler);
        assert_placement(
            &r,
            &[("train", "home-gpu", 0, 6.0), ("train", "away-gpu", 1, 4.0)],
            tol,
        );
        assert_eq!(regions_of(&r, "train"), ["home", "away"]);
        // egress = 4 * 1 / 10 * (100 * 0.05 + 20 * 0.1) = 0.4 * 7 = 2.8
        // rent   = 4 * 1 + 6 * 2 = 16
        // energy = 10 server-hours * 0.1 = 1 (both regions at 100 $/MWh)
        // total  = 4 * 1.1 + 6 * 2.1 + 2.8 = 4.4 + 12.6 + 2.8 = 19.8
        assert_totals(
            &r,
            Totals {
                total_usd: 19.8,
                rent_usd: 16.0,
                energy_usd: 1.0,
                carbon_usd: 0.0,
                egress_usd: 2.8,
                energy_mwh: 0.01,
                emissions_t: 0.0,
            },
            tol,
        );
        close("job cost", r.jobs[0].cost_usd, 19.8, tol);
        close("job egress", r.jobs[0].egress_usd, 2.8, tol);
    }
}

#[test]
fn split_egress_is_shared_by_work_units_not_server_hours() {
    // Away has 2 servers of speed 2 at rent 2 (1 kW):
    //   2 + 1 * 100 / 1000 = 2.1 $/server-hour = 1.05 $/work unit,
    //   plus egress 7 / 10 = 0.7 $/work unit: 1.75 < 2.1 at home (slot 0).
    // Away (slot 1 only) holds 2 server-hours = 2 * 2 = 4 work units; the
    // other 10 - 4 = 6 go to home in slot 0 (6 server-hours).
    let s = with_away_pool(
        0.05,
        Some(0.1),
        20.0,
        Pool::new("away-gpu", "away", 2.0, 2.0, 1.0).speed(2.0),
    );
    for (scheduler, tol) in [
        (&Optimal::default() as &dyn geoshift::Scheduler, LP),
        (&Greedy, EXACT),
    ] {
        let r = report(&s, scheduler);
        assert_placement(
            &r,
            &[("train", "home-gpu", 0, 6.0), ("train", "away-gpu", 1, 2.0)],
            tol,
        );
        // egress = 2 server-hours * speed 2 / 10 * 7 = 0.4 * 7 = 2.8
        //          (by server-hours it would be 2 / 8 * 7 = 1.75)
        // rent   = 2 * 2 + 6 * 2 = 16
        // energy = (2 + 6) server-hours * 1 kW * 100 / 1000 = 0.8
        // total  = 2 * 2.1 + 6 * 2.1 + 2.8 = 4.2 + 12.6 + 2.8 = 19.6
        // MWh    = 8 server-hours * 1 kW / 1000 = 0.008
        assert_totals(
            &r,
            Totals {
                total_usd: 19.6,
                rent_usd: 16.0,
                energy_usd: 0.8,
                carbon_usd: 0.0,
                egress_usd: 2.8,
                energy_mwh: 0.008,
                emissions_t: 0.0,
            },
            tol,
        );
    }
    // At rent 3.1 away costs 3.1 + 0.1 = 3.2 $/server-hour = 1.6 $/work
    // unit, plus 0.7 egress: 2.3 > 2.1, so everything stays home. (Egress
    // per server-hour taken as per work unit, 0.35 per work unit, would
    // wrongly make away 1.95 < 2.1.)
    let s = with_away_pool(
        0.05,
        Some(0.1),
        20.0,
        Pool::new("away-gpu", "away", 2.0, 3.1, 1.0).speed(2.0),
    );
    for (scheduler, tol) in [
        (&Optimal::default() as &dyn geoshift::Scheduler, LP),
        (&Greedy, EXACT),
    ] {
        let r = report(&s, scheduler);
        assert_placement(&r, &[("train", "home-gpu", 0, 10.0)], tol);
        assert_totals(&r, ALL_HOME, tol);
    }
}

#[test]
fn output_needs_a_link_back_but_no_output_needs_none() {
    // With 20 GB of output and no link away -> home, away is unreachable:
    // everything stays at home although away would be cheaper.
    let s = scenario(0.05, None, 20.0, 10.0);
    let problem = Problem::new(&s).unwrap();
    let job = &problem.jobs()[0];
    assert_eq!(job.windows.len(), 1, "only home is open");
    assert_eq!(job.closed.len(), 1);
    assert_eq!(job.closed[0].region, "away");
    assert_eq!(
        job.closed[0].why,
        ClosedBy::Unreachable {
            from: "away".into(),
            to: "home".into(),
        }
    );
    let r = report(&s, &Optimal::default());
    assert_placement(&r, &[("train", "home-gpu", 0, 10.0)], LP);
    assert_totals(&r, ALL_HOME, LP);

    // Without output, no link back is needed. Egress = 100 * 0.05 = 5 $,
    // 0.5 per work unit: away costs 1.1 + 0.5 = 1.6 < 2.1.
    // rent 10, energy 1, egress 5, total 16.
    let s = scenario(0.05, None, 0.0, 10.0);
    let r = report(&s, &Optimal::default());
    assert_placement(&r, &[("train", "away-gpu", 1, 10.0)], LP);
    assert_totals(
        &r,
        Totals {
            total_usd: 16.0,
            rent_usd: 10.0,
            energy_usd: 1.0,
            carbon_usd: 0.0,
            egress_usd: 5.0,
            energy_mwh: 0.01,
            emissions_t: 0.0,
        },
        LP,
    );
}
