//! Capacity that can vanish, checked by hand: one region, an on-demand
//! pool and a spot pool that is interrupted `lambda` times per server-hour.
//! A job that checkpoints every `c` hours and restarts in `r` hours gets
//! `f = 1 - lambda (c/2 + r)` of each spot server-hour as work
//! (docs/MODEL.md, "Capacity that can vanish"); every number below is
//! worked out from that formula in the comments.

mod common;

use common::{close, horizon, report, run, EXACT, LP};
use geoshift::{
    evaluate, useful_fraction, Assignment, Constraint, Error, Greedy, InputError, Job, Local,
    Optimal, Pool, Problem, Region, Scenario, Schedule,
};

/// `slots` hourly slots; on-demand at 10 $/h (`od_servers` servers), spot
/// at `spot_rent` $/h (1 server) interrupted `lambda` times per hour; no
/// energy, carbon or egress. One job of 10 work units, deadline at the
/// horizon end, checkpoints every 1 h, restarts in 0.5 h, so
/// `f = 1 - lambda · (0.5 + 0.5) = 1 - lambda`.
fn scenario(slots: usize, od_servers: f64, spot_rent: f64, lambda: f64) -> Scenario {
    let h = horizon(slots, 3600);
    let end = h.slot_end(slots - 1).expect("a slot of the horizon");
    Scenario::builder(h)
        .region(Region::builder("home").pue(1.0).price_usd_per_mwh(0.0))
        .pool(
            Pool::builder("od", "home")
                .servers(od_servers)
                .rent_usd_per_hour(10.0)
                .power_kw(0.0),
        )
        .pool(
            Pool::builder("spot", "home")
                .servers(1.0)
                .rent_usd_per_hour(spot_rent)
                .power_kw(0.0)
                .interruption_rate_per_hour(lambda),
        )
        .job(
            Job::builder("train", "home")
                .work(10.0)
                .deadline(end)
                .max_servers(2.0)
                .checkpoint_interval_hours(1.0)
                .restart_hours(0.5),
        )
        .build()
}

fn server_hours_on(r: &geoshift::Report, pool: &str) -> f64 {
    r.assignments
        .iter()
        .filter(|a| a.pool == pool)
        .map(|a| a.server_hours)
        .sum()
}

#[test]
fn the_formula_is_the_documented_one() {
    // 1 - 0.2 · (1/2 + 0.5) = 0.8; 1 - 0.1 · (4/2 + 1) = 0.7.
    close("f", useful_fraction(0.2, 1.0, 0.5), 0.8, EXACT);
    close("f", useful_fraction(0.1, 4.0, 1.0), 0.7, EXACT);
    assert_eq!(useful_fraction(0.0, 1e9, 1e9), 1.0);
    let p = Problem::new(&scenario(20, 1.0, 4.0, 0.2)).unwrap();
    close(
        "work per spot server-hour",
        p.work_per_server_hour(0, 1).unwrap(),
        0.8,
        EXACT,
    );
    assert_eq!(p.work_per_server_hour(0, 0), Some(1.0));
    assert!(p.is_risky(1) && !p.is_risky(0) && !p.is_risky(2));
    assert_eq!(p.work_per_server_hour(1, 0), None);
}

#[test]
fn spot_that_still_pays_takes_all_the_work_and_pays_for_the_lost_hours() {
    // Spot at 4 $/h with f = 0.8 costs 4 / 0.8 = 5 $ per work unit, less
    // than on-demand's 10. 10 work units need 10 / 0.8 = 12.5 spot
    // server-hours (within 20 slots of 1 server): 12.5 · 4 = 50 $.
    let s = scenario(20, 1.0, 4.0, 0.2);
    for sched in [
        &Optimal::default() as &dyn geoshift::Scheduler,
        &Greedy as &dyn geoshift::Scheduler,
    ] {
        let r = report(&s, sched);
        close("spot server-hours", server_hours_on(&r, "spot"), 12.5, LP);
        close("total", r.total_usd, 50.0, LP);
        close("risky share", r.risky_work_share, 1.0, LP);
        close("job's risky share", r.jobs[0].risky_work_share, 1.0, LP);
    }
}

#[test]
fn spot_that_no_longer_pays_once_interruptions_are_priced_is_left_alone() {
    // Spot at 6 $/h is cheaper per hour, but lambda = 0.45 gives
    // f = 0.55 and 6 / 0.55 = 10.9 $ per work unit > 10: the optimum runs
    // the 10 units on on-demand, 10 · 10 = 100 $, none of it risky.
    let s = scenario(20, 1.0, 6.0, 0.45);
    let r = report(&s, &Optimal::default());
    close("total", r.total_usd, 100.0, LP);
    close("spot server-hours", server_hours_on(&r, "spot"), 0.0, LP);
    assert!(r.risky_work_share.abs() <= LP);
    // Without interruptions the same spot pool is the cheaper one:
    // 10 server-hours at 6 $ = 60 $.
    let r = report(&scenario(20, 1.0, 6.0, 0.0), &Optimal::default());
    close("total without interruptions", r.total_usd, 60.0, LP);
}

#[test]
fn limited_spot_capacity_is_topped_up_on_demand() {
    // 10 slots: spot gives at most 10 server-hours = 8 work units (40 $);
    // the other 2 units take 2 on-demand server-hours (20 $): 60 $, and
    // 8 of the 10 units are on risky capacity.
    let s = scenario(10, 1.0, 4.0, 0.2);
    for sched in [
        &Optimal::default() as &dyn geoshift::Scheduler,
        &Greedy as &dyn geoshift::Scheduler,
    ] {
        let r = report(&s, sched);
        close("total", r.total_usd, 60.0, LP);
        close("risky share", r.risky_work_share, 0.8, LP);
    }
    // Local fills each slot cheapest per work unit first: spot (0.8 units)
    // then on-demand (1 unit), 1.8 units a slot. After 5 slots 9 units are
    // done; slot 5 adds spot 0.8 and on-demand 0.2. Spot 6 server-hours
    // (24 $, 4.8 units), on-demand 5.2 (52 $): 76 $, risky 4.8 / 10.
    let r = report(&s, &Local);
    close("local total", r.total_usd, 76.0, EXACT);
    close(
        "local spot server-hours",
        server_hours_on(&r, "spot"),
        6.0,
        EXACT,
    );
    close("local risky share", r.risky_work_share, 0.48, EXACT);
}

#[test]
fn a_whole_job_uses_the_same_derate() {
    // The MILP path (a Whole job) reads the same function: 60 $ as above.
    let mut s = scenario(10, 1.0, 4.0, 0.2);
    s.jobs[0].placement = geoshift::Placement::Whole;
    close("total", report(&s, &Optimal::default()).total_usd, 60.0, LP);
}

#[test]
fn the_evaluator_counts_a_spot_server_hour_as_f_work_units() {
    // 10 spot server-hours would be 10 work units at full speed, but only
    // 8 once derated: the evaluator rejects the plan as short of work.
    let s = scenario(20, 1.0, 4.0, 0.2);
    let p = Problem::new(&s).unwrap();
    let rows = (0..10)
        .map(|t| Assignment {
            job: 0,
            pool: 1,
            slot: t,
            server_hours: 1.0,
        })
        .collect();
    let e = evaluate(&p, "hand", &Schedule::new(rows)).unwrap_err();
    let e = e.as_violation().expect("a broken rule");
    assert_eq!(e.constraint, Constraint::Work);
    close("work done", e.amount, 8.0, EXACT);
}

#[test]
fn a_pair_below_the_floor_is_an_error_not_a_clamp() {
    // lambda = 0.6: f = 1 - 0.6 · 1 = 0.4 < 0.5.
    let e = run(&scenario(20, 1.0, 4.0, 0.6), &Optimal::default()).unwrap_err();
    let Error::Input(InputError::InterruptionLoss {
        job,
        pool,
        useful_fraction,
        ..
    }) = &e
    else {
        panic!("expected InterruptionLoss, got {e:?}");
    };
    assert_eq!((job.as_str(), pool.as_str()), ("train", "spot"));
    close("fraction", *useful_fraction, 0.4, EXACT);
    let msg = e.to_string();
    for part in ["train", "spot", "0.4", "checkpoint"] {
        assert!(msg.contains(part), "{msg}");
    }
    // Checkpointing more often brings it back: c = 0.2, r = 0.1 gives
    // f = 1 - 0.6 · 0.2 = 0.88.
    let mut s = scenario(20, 1.0, 4.0, 0.6);
    s.jobs[0].checkpoint_interval_hours = 0.2;
    s.jobs[0].restart_hours = 0.1;
    assert!(Problem::new(&s).is_ok());
}
