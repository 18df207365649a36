//! One error type for a service: `?` on every public call converts into
//! `geoshift::Error`, whose `kind()` is the `kind` of its JSON form, and
//! whose `detail` is the sub-error with its own `kind()`. Output types a
//! service stores or sends serialise.

use geoshift::{
    evaluate, explain, Assignment, Backend, Error, Horizon, Job, Optimal, Placement, Pool, Problem,
    Region, Replan, Scenario, Schedule, Scheduler,
};
use proptest::prelude::*;

fn at(s: &str) -> chrono::DateTime<chrono::Utc> {
    s.parse().expect("an instant")
}

/// Two regions, one pool each, one job of `work` units over 4 hours.
fn scenario(work: f64, placement: Placement) -> Scenario {
    Scenario::builder(Horizon::new(at("2026-06-01T00:00:00Z"), 3600, 4))
        .region(
            Region::builder("a")
                .pue(1.0)
                .price_usd_per_mwh(vec![10.0, 50.0, 20.0, 30.0]),
        )
        .region(Region::builder("b").pue(1.0).price_usd_per_mwh(40.0))
        .pool(
            Pool::builder("pa", "a")
                .servers(1.0)
                .rent_usd_per_hour(1.0)
                .power_kw(1.0),
        )
        .pool(
            Pool::builder("pb", "b")
                .servers(1.0)
                .rent_usd_per_hour(1.0)
                .power_kw(1.0),
        )
        .link(
            geoshift::Link::builder("a", "b")
                .bandwidth_gbps(10.0)
                .egress_usd_per_gb(0.0),
        )
        .link(
            geoshift::Link::builder("b", "a")
                .bandwidth_gbps(10.0)
                .egress_usd_per_gb(0.0),
        )
        .job(
            Job::builder("train", "a")
                .work(work)
                .deadline(at("2026-06-01T04:00:00Z"))
                .max_servers(2.0)
                .placement(placement),
        )
        .build()
}

/// `error`'s kind and JSON agree: `kind` is `kind()`, and where the
/// detail has a kind of its own it is the sub-error's.
fn json_of(error: &Error) -> serde_json::Value {
    let v = serde_json::to_value(error).expect("an error serialises");
    assert_eq!(v["kind"], error.kind().as_str(), "{v}");
    assert_eq!(v["message"], error.to_string(), "{v}");
    v
}

fn explain_via_question_mark(s: &Scenario) -> Result<f64, Error> {
    // Validated once; the InputError converts as any other.
    let problem = Problem::new(s)?;
    Ok(explain(&problem, &Optimal::default())?.total_usd)
}

#[test]
fn explain_errors_convert_with_their_own_kind() {
    // microlp gives no duals: explain refuses it, as its own error.
    let e = explain(
        &Problem::new(&scenario(2.0, Placement::Split)).unwrap(),
        &Optimal::new(Backend::Microlp),
    )
    .map(|x| x.total_usd)
    .unwrap_err();
    let Error::Explain(inner) = &e else {
        panic!("expected Error::Explain, got {e:?}")
    };
    assert_eq!(e.kind(), "explain");
    let v = json_of(&e);
    assert_eq!(v["detail"]["kind"], inner.kind());
    assert_eq!(v["detail"]["kind"], "no_duals");
    assert_eq!(v["detail"]["backend"], "microlp");
    // An engine failure inside explain is that failure, not "explain": 9
    // work units cannot fit in 2 servers × 4 hours.
    let e = explain_via_question_mark(&scenario(9.0, Placement::Split)).unwrap_err();
    assert!(matches!(e, Error::Infeasible(_)), "{e:?}");
    assert_eq!(json_of(&e)["kind"], "infeasible");
}

fn replan_via_question_mark(now: &str) -> Result<f64, Error> {
    let problem = Problem::new(&scenario(2.0, Placement::Split))?;
    let plan = Optimal::default()
        .solve(&problem)?
        .schedule
        .to_saved(&problem)?;
    let replanned = Replan::new(plan, at(now)).solve(&problem, &Optimal::default())?;
    Ok(replanned.report.total_usd)
}

#[test]
fn replan_errors_convert_with_their_own_kind() {
    let e = replan_via_question_mark("2026-06-01T01:30:00Z").unwrap_err();
    let Error::Replan(inner) = &e else {
        panic!("expected Error::Replan, got {e:?}")
    };
    let v = json_of(&e);
    assert_eq!(v["detail"]["kind"], inner.kind());
    assert_eq!(v["detail"]["kind"], "now_not_on_slot_boundary");
    assert_eq!(v["detail"]["slot"], 1);
    // On a slot boundary the same call succeeds.
    assert!(replan_via_question_mark("2026-06-01T01:00:00Z").is_ok());
}

#[test]
fn a_schedule_violation_converts_with_its_kind() {
    let problem = Problem::new(&scenario(2.0, Placement::Split)).unwrap();
    // Two server-hours on a pool of one server in slot 0.
    let schedule = Schedule::new(vec![Assignment {
        job: 0,
        pool: 0,
        slot: 0,
        server_hours: 2.0,
    }]);
    let violation = evaluate(&problem, "hand", &schedule).unwrap_err();
    assert_eq!(violation.kind(), "invalid_schedule");
    let e = violation;
    assert_eq!(json_of(&e)["detail"]["constraint"], "capacity");
}

#[test]
fn solutions_schedules_and_replans_serialise() {
    let problem = Problem::new(&scenario(2.0, Placement::Split)).unwrap();
    let solution = Optimal::default().solve(&problem).unwrap();
    let v = serde_json::to_value(&solution).unwrap();
    let rows = v["schedule"]["assignments"].as_array().unwrap();
    assert_eq!(rows.len(), solution.schedule.assignments.len());
    assert_eq!(v["proof"]["bound_usd"], solution.proof.bound_usd);
    assert_eq!(v["backend"], solution.backend.name());
    let saved = solution.schedule.to_saved(&problem).unwrap();
    let replanned = Replan::new(saved, at("2026-06-01T01:00:00Z"))
        .solve(&problem, &Optimal::default())
        .unwrap();
    let v = serde_json::to_value(&replanned).unwrap();
    assert_eq!(v["now_slot"], 1);
    assert_eq!(v["report"]["total_usd"], replanned.report.total_usd);
    let heuristic = geoshift::Greedy.schedule(&problem).unwrap();
    let v = serde_json::to_value(&heuristic).unwrap();
    assert!(
        v.get("proof").is_none(),
        "a heuristic's plan has no proof: {v}"
    );
}

proptest! {
    /// Whatever is wrong with a scenario file, the input error's `kind()`
    /// is its JSON `kind`, and `geoshift::Error`'s is `input`.
    #[test]
    fn input_error_kinds_match_their_json(
        work in prop_oneof![Just(-1.0), Just(0.0), Just(1e-9), 0.5f64..4.0],
        pue in prop_oneof![Just(0.5), Just(f64::NAN), 1.0f64..2.0],
        slots in 0usize..3,
        deadline_hour in 0u32..5,
    ) {
        let mut s = scenario(2.0, Placement::Split);
        s.jobs[0].work = work;
        s.regions[0].pue = pue;
        s.horizon.slots = slots;
        s.jobs[0].deadline = at("2026-06-01T00:00:00Z") + chrono::TimeDelta::hours(deadline_hour.into());
        if let Err(e) = Problem::new(&s) {
            let input = e.as_input().expect("an input error").clone();
            let v = serde_json::to_value(&input).unwrap();
            prop_assert_eq!(&v["kind"], input.kind());
            let e = Error::from(input.clone());
            let v = json_of(&e);
            prop_assert_eq!(&v["kind"], "input");
            prop_assert_eq!(&v["detail"]["kind"], input.kind());
        }
    }
}

#[test]
fn sweep_errors_keep_their_kind() {
    let p = Problem::new(&scenario(2.0, Placement::Split)).unwrap();
    let e = geoshift::Sweep::new(geoshift::SweepAxis::EmissionsCap(vec![-1.0]))
        .run(&p)
        .unwrap_err();
    let Error::Sweep(inner) = &e else {
        panic!("expected Error::Sweep, got {e:?}")
    };
    let v = json_of(&e);
    assert_eq!(v["detail"]["kind"], inner.kind());
    assert_eq!(v["detail"]["kind"], "bad_setting");
}

/// A service validates once and hands the same `&Problem` to every
/// decision; the problem keeps the scenario it came from, and building
/// again from that scenario gives the same cells and costs.
#[test]
fn a_service_validates_once_and_decides_on_one_problem() -> Result<(), Error> {
    let problem = Problem::new(&scenario(2.0, Placement::Split))?;

    // Problem::scenario round-trips.
    let again = Problem::new(problem.scenario())?;
    assert_eq!(again.slots(), problem.slots());
    assert_eq!(
        again.carbon_price_usd_per_t(),
        problem.carbon_price_usd_per_t()
    );
    for (a, b) in again.pools().iter().zip(problem.pools()) {
        assert_eq!(a.id, b.id);
        assert_eq!(a.cost, b.cost);
        assert_eq!(a.capacity_server_hours, b.capacity_server_hours);
    }
    for (a, b) in again.regions().iter().zip(problem.regions()) {
        assert_eq!(a.price_usd_per_mwh, b.price_usd_per_mwh);
        assert_eq!(a.carbon_g_per_kwh, b.carbon_g_per_kwh);
    }
    for (a, b) in again.jobs().iter().zip(problem.jobs()) {
        assert_eq!((a.work, &a.windows), (b.work, &b.windows));
    }
    assert_eq!(
        Problem::estimate_bytes(problem.scenario()),
        Problem::estimate_bytes(again.scenario())
    );
    let owned = Problem::from_scenario(problem.scenario().clone())?;
    assert_eq!(owned.pools()[0].cost, problem.pools()[0].cost);

    // Every decision on the same problem.
    let optimal = Optimal::default();
    let solution = optimal.solve(&problem)?;
    let total = solution.report.total_usd;
    let e = explain(&problem, &optimal)?;
    assert!(
        (e.total_usd - total).abs() <= 1e-6 * total.max(1.0),
        "{e:?}"
    );
    let curve = geoshift::sweep(
        &problem,
        geoshift::SweepAxis::CarbonPrice(vec![0.0, 100.0]),
        &optimal,
    )?;
    assert_eq!(curve.points.len(), 2);
    assert!((curve.points[0].total_usd - total).abs() <= 1e-6 * total.max(1.0));
    let slack = geoshift::Sweep::new(geoshift::SweepAxis::DeadlineSlack(vec![-1.0, 0.0]))
        .optimal(optimal.clone())
        .run(&problem)?;
    assert_eq!(slack.points.len() + slack.skipped.len(), 2);
    let saved = solution.schedule.to_saved(&problem)?;
    let replanned = Replan::new(saved, at("2026-06-01T02:00:00Z")).solve(&problem, &optimal)?;
    assert!((replanned.report.total_usd - total).abs() <= 1e-6 * total.max(1.0));

    // A variant may still fail its own validation: a deadline moved past
    // the horizon is a typed sweep error, not an input error of the base.
    let past = geoshift::sweep(
        &problem,
        geoshift::SweepAxis::DeadlineSlack(vec![1.0]),
        &optimal,
    )
    .unwrap_err();
    assert!(
        matches!(
            &past,
            Error::Sweep(geoshift::SweepError::DeadlinePastHorizon { .. })
        ),
        "{past:?}"
    );
    // The problem is untouched by the decisions.
    assert_eq!(
        problem.scenario().jobs[0].deadline,
        at("2026-06-01T04:00:00Z")
    );
    Ok(())
}
