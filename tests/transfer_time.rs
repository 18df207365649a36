//! Transfer time `tau = D * 8 / B` seconds delays a job at a remote region:
//! slot `t` is eligible there iff `slot_start(t) >= R + tau` and
//! `slot_end(t) <= L`, and an instant exactly on a bound is inside it.

mod common;

use common::*;
use geoshift::{
    evaluate, Assignment, ClosedBy, Error, Greedy, Job, Link, Local, Optimal, Pool, Problem,
    Region, Scenario, Schedule, Shortfall,
};

/// Four 1-hour slots. One server in each region, no energy (0 kW):
/// home-gpu costs 2 $/server-hour, away-gpu 1 $/server-hour. The link
/// home -> away has 10 Gbit/s and free egress. The job: origin home,
/// `input_gb` in, at most 1 server, released at `release`, due at
/// `deadline`.
fn scenario(work: f64, input_gb: f64, release: &str, deadline: &str) -> Scenario {
    Scenario::builder(horizon(4, 3600))
        .regions(vec![
            Region::new("home", 1.0, 0.0),
            Region::new("away", 1.0, 0.0),
        ])
        .pools(vec![
            Pool::new("home-gpu", "home", 1.0, 2.0, 0.0),
            Pool::new("away-gpu", "away", 1.0, 1.0, 0.0),
        ])
        .links(vec![Link::new("home", "away", 10.0, 0.0)])
        .jobs(vec![Job::new("train", "home", work, at(deadline), 1.0)
            .data(input_gb, 0.0)
            .release(at(release))])
        .build()
}

/// Only rent: `home` server-hours at 2 and `away` server-hours at 1.
fn rent_only(home: f64, away: f64) -> Totals {
    Totals {
        total_usd: 2.0 * home + away,
        rent_usd: 2.0 * home + away,
        energy_usd: 0.0,
        carbon_usd: 0.0,
        egress_usd: 0.0,
        energy_mwh: 0.0,
        emissions_t: 0.0,
    }
}

#[test]
fn transfer_ending_exactly_on_a_slot_start_opens_that_slot() {
    // tau = 9000 GB * 8 / 10 Gbit/s = 7200 s = 02:00, exactly the start of
    // slot 2: away is eligible in slots 2 and 3 (not 0 or 1).
    let s = scenario(4.0, 9000.0, START, "2026-06-01T04:00:00Z");
    let problem = Problem::new(&s).unwrap();
    let away = problem.jobs()[0].window(1).expect("away is open");
    close("tau", away.transfer_seconds, 7200.0, EXACT);
    assert_eq!((away.first_slot, away.end_slot), (2, 4));

    // 4 work units, 1 server at a time, 4 slots: one per slot. Slots 2 and
    // 3 away (1 $), slots 0 and 1 at home (2 $): 2 * 2 + 2 * 1 = 6.
    for (scheduler, tol) in [
        (&Optimal::default() as &dyn geoshift::Scheduler, LP),
        (&Greedy, EXACT),
    ] {
        let r = report(&s, scheduler);
        assert_placement(
            &r,
            &[
                ("train", "home-gpu", 0, 1.0),
                ("train", "home-gpu", 1, 1.0),
                ("train", "away-gpu", 2, 1.0),
                ("train", "away-gpu", 3, 1.0),
            ],
            tol,
        );
        assert_totals(&r, rent_only(2.0, 2.0), tol);
        assert_eq!((r.jobs[0].first_slot, r.jobs[0].last_slot), (0, 3));
    }
    // Local: home in all four slots, 4 * 2 = 8.
    let r = report(&s, &Local);
    assert_totals(&r, rent_only(4.0, 0.0), EXACT);
}

#[test]
fn transfer_ending_just_after_a_slot_start_closes_that_slot() {
    // tau = 9000.5 * 8 / 10 = 7200.4 s > 7200: slot 2 is closed, away is
    // eligible in slot 3 only. Home takes slots 0, 1, 2:
    // 3 * 2 + 1 * 1 = 7 (one more than when tau is exactly 7200).
    let s = scenario(4.0, 9000.5, START, "2026-06-01T04:00:00Z");
    let problem = Problem::new(&s).unwrap();
    let away = problem.jobs()[0].window(1).expect("away is open");
    close("tau", away.transfer_seconds, 7200.4, EXACT);
    assert_eq!((away.first_slot, away.end_slot), (3, 4));
    let r = report(&s, &Optimal::default());
    assert_placement(
        &r,
        &[
            ("train", "home-gpu", 0, 1.0),
            ("train", "home-gpu", 1, 1.0),
            ("train", "home-gpu", 2, 1.0),
            ("train", "away-gpu", 3, 1.0),
        ],
        LP,
    );
    assert_totals(&r, rent_only(3.0, 1.0), LP);
}

#[test]
fn release_plus_transfer_exactly_on_a_slot_start_opens_that_slot() {
    // Released at 00:30; tau = 2250 * 8 / 10 = 1800 s; R + tau = 01:00,
    // exactly the start of slot 1: away is eligible in slots 1..3.
    // Home is eligible from slot 1 too (00:30 > 00:00, the start of slot 0).
    // 3 work units, 1 server: away in slots 1, 2, 3: 3 * 1 = 3.
    // (Were the bound exclusive, one unit would go home: 2 + 2 * 1 = 4.)
    let s = scenario(3.0, 2250.0, "2026-06-01T00:30:00Z", "2026-06-01T04:00:00Z");
    for (scheduler, tol) in [
        (&Optimal::default() as &dyn geoshift::Scheduler, LP),
        (&Greedy, EXACT),
    ] {
        let r = report(&s, scheduler);
        assert_placement(
            &r,
            &[
                ("train", "away-gpu", 1, 1.0),
                ("train", "away-gpu", 2, 1.0),
                ("train", "away-gpu", 3, 1.0),
            ],
            tol,
        );
        assert_eq!(regions_of(&r, "train"), ["away"]);
        assert_totals(&r, rent_only(0.0, 3.0), tol);
    }
}

#[test]
fn a_deadline_exactly_on_a_slot_end_keeps_that_slot() {
    // tau = 7200 s opens away at slot 2; the deadline 03:00 is exactly the
    // end of slot 2, which keeps it. Home: slots 0..2; away: slot 2 only.
    // 3 work units, 1 server: home s0, home s1, away s2: 2 + 2 + 1 = 5.
    let s = scenario(3.0, 9000.0, START, "2026-06-01T03:00:00Z");
    let problem = Problem::new(&s).unwrap();
    let away = problem.jobs()[0].window(1).expect("away is open");
    assert_eq!((away.first_slot, away.end_slot), (2, 3));
    let home = problem.jobs()[0].window(0).expect("home is open");
    assert_eq!((home.first_slot, home.end_slot), (0, 3));
    let r = report(&s, &Optimal::default());
    assert_placement(
        &r,
        &[
            ("train", "home-gpu", 0, 1.0),
            ("train", "home-gpu", 1, 1.0),
            ("train", "away-gpu", 2, 1.0),
        ],
        LP,
    );
    assert_totals(&r, rent_only(2.0, 1.0), LP);
}

#[test]
fn transfer_past_the_last_usable_slot_closes_the_region() {
    // Allowed only in away; tau = 7200 s so R + tau = 02:00, and the
    // deadline 02:00 leaves no whole slot: no eligible cell at all.
    let mut s = scenario(1.0, 9000.0, START, "2026-06-01T02:00:00Z");
    s.jobs[0] = s.jobs[0].clone().regions(["away"]);
    let err = run(&s, &Optimal::default()).expect_err("no slot is eligible");
    let Error::Infeasible(inf) = err else {
        panic!("expected Infeasible, got {err}")
    };
    assert_eq!(inf.jobs.len(), 1);
    let Shortfall::NoEligibleCell(closed) = &inf.jobs[0].shortfall else {
        panic!("expected NoEligibleCell, got {:?}", inf.jobs[0].shortfall)
    };
    assert_eq!(closed.len(), 1);
    assert_eq!(closed[0].region, "away");
    match &closed[0].why {
        ClosedBy::TransferAfterDeadline {
            earliest_start,
            transfer_seconds,
            deadline,
        } => {
            assert_eq!(*earliest_start, at("2026-06-01T02:00:00Z"));
            close("tau", *transfer_seconds, 7200.0, EXACT);
            assert_eq!(*deadline, at("2026-06-01T02:00:00Z"));
        }
        other => panic!("expected TransferAfterDeadline, got {other:?}"),
    }
}

#[test]
fn the_evaluator_rejects_work_before_the_data_has_arrived() {
    // tau = 7200 s: away slot 1 (01:00-02:00) is before the input arrives.
    // A schedule that uses it must be rejected, even though it would be
    // cheaper: home s0, away s1, away s2, away s3.
    let s = scenario(4.0, 9000.0, START, "2026-06-01T04:00:00Z");
    let problem = Problem::new(&s).unwrap();
    let row = |pool, slot| Assignment {
        job: 0,
        pool,
        slot,
        server_hours: 1.0,
    };
    let early = Schedule {
        assignments: vec![row(0, 0), row(1, 1), row(1, 2), row(1, 3)],
        ..Schedule::default()
    };
    let violation = evaluate(&problem, "hand", &early).expect_err("slot 1 is not eligible");
    let violation = violation.as_violation().expect("a broken rule");
    assert_eq!(violation.constraint, geoshift::Constraint::Eligibility);
    assert!(
        violation.pool.as_deref() == Some("away-gpu") && violation.slot == Some(1),
        "{violation}"
    );
    // The same work from slot 2 on is accepted and costs 6.
    let on_time = Schedule {
        assignments: vec![row(0, 0), row(0, 1), row(1, 2), row(1, 3)],
        ..Schedule::default()
    };
    let r = evaluate(&problem, "hand", &on_time).unwrap();
    assert_totals(&r, rent_only(2.0, 2.0), EXACT);
}

/// A transfer that ends a microsecond after a slot start closes that slot
/// (the tolerance for round-off is far below that).
#[test]
fn a_microsecond_late_transfer_misses_the_slot() {
    // 9000.00000125 GB · 8 / 10 Gbit/s = 7200.000001 s: slot 2 (7200 s) is
    // closed, slot 3 is the first eligible one.
    let h = common::horizon(4, 3600);
    let scenario = geoshift::Scenario::builder(h)
        .regions(vec![
            geoshift::Region::new("home", 1.0, 0.0),
            geoshift::Region::new("away", 1.0, 0.0),
        ])
        .pools(vec![geoshift::Pool::new("a", "away", 1.0, 1.0, 0.0)])
        .links(vec![geoshift::Link::new("home", "away", 10.0, 0.0)])
        .jobs(vec![geoshift::Job::new(
            "j",
            "home",
            1.0,
            common::at("2026-06-01T04:00:00Z"),
            1.0,
        )
        .data(9000.00000125, 0.0)])
        .build();
    let problem = geoshift::Problem::new(&scenario).unwrap();
    let w = &problem.jobs()[0].windows[0];
    assert_eq!((w.first_slot, w.end_slot), (3, 4));
}

/// Sub-millisecond instants count: a release 0.4 ms after 01:00 closes
/// the slot that starts at 01:00.
#[test]
fn a_sub_millisecond_release_is_not_rounded_away() {
    let h = common::horizon(3, 3600);
    let release = "2026-06-01T01:00:00.0004Z".parse().unwrap();
    let scenario = geoshift::Scenario::builder(h)
        .regions(vec![geoshift::Region::new("home", 1.0, 0.0)])
        .pools(vec![geoshift::Pool::new("a", "home", 1.0, 1.0, 0.0)])
        .jobs(vec![geoshift::Job::new(
            "j",
            "home",
            1.0,
            common::at("2026-06-01T03:00:00Z"),
            1.0,
        )
        .release(release)])
        .build();
    let problem = geoshift::Problem::new(&scenario).unwrap();
    assert_eq!(problem.jobs()[0].windows[0].first_slot, 2);
}
