//! Results name jobs and pools by id and slots by instant: the horizon's
//! slot helpers, `Report::job`, the start instants in a report, and a
//! schedule saved by id that is read back against a reordered scenario
//! (and rejected, with a typed error, when it does not fit).

mod common;

use common::{at, horizon};
use geoshift::{
    evaluate, Assignment, Constraint, Error, Greedy, Horizon, Job, Pool, Problem, Region,
    SavedAssignment, SavedSchedule, Scenario, Schedule, ScheduleMismatch, Scheduler,
};

/// Two regions, three pools and two jobs with distinct costs, so that a
/// row given to the wrong job or pool would change the report.
fn scenario() -> Scenario {
    let h = horizon(4, 1800);
    Scenario::builder(h)
        .region(Region::new("home", 1.2, vec![90.0, 20.0, 20.0, 90.0]))
        .region(Region::new("away", 1.1, 40.0))
        .pool(Pool::new("home-a", "home", 2.0, 1.0, 10.0))
        .pool(Pool::new("home-b", "home", 1.0, 3.0, 5.0).speed(2.0))
        .pool(Pool::new("away-a", "away", 4.0, 0.5, 8.0))
        .link(geoshift::Link::new("home", "away", 10.0, 0.01))
        .job(Job::new("first", "home", 2.0, at("2026-06-01T02:00:00Z"), 2.0).data(10.0, 0.0))
        .job(Job::new(
            "second",
            "home",
            3.0,
            at("2026-06-01T02:00:00Z"),
            3.0,
        ))
        .build()
}

/// The same scenario with regions, pools and jobs listed in reverse order.
fn reversed(mut s: Scenario) -> Scenario {
    s.regions.reverse();
    s.pools.reverse();
    s.jobs.reverse();
    s
}

#[test]
fn slot_helpers_map_slots_to_instants_and_back() {
    let h: Horizon = horizon(4, 1800);
    assert_eq!(h.slot_start(0), Some(at("2026-06-01T00:00:00Z")));
    assert_eq!(h.slot_start(3), Some(at("2026-06-01T01:30:00Z")));
    assert_eq!(h.slot_end(3), Some(at("2026-06-01T02:00:00Z")));
    assert_eq!(h.slot_start(4), Some(at("2026-06-01T02:00:00Z")), "the end");
    assert_eq!(h.slot_start(5), None, "past the end");
    assert_eq!(h.slot_at(at("2026-06-01T00:29:59Z")), Some(0));
    assert_eq!(
        h.slot_at(at("2026-06-01T00:30:00Z")),
        Some(1),
        "a slot holds its start"
    );
    assert_eq!(h.slot_at(at("2026-06-01T02:00:00Z")), None, "not its end");
    assert_eq!(h.slot_at(at("2026-05-31T23:59:59Z")), None);
    assert_eq!(h.slot_starting_at(at("2026-06-01T01:00:00Z")), Some(2));
    assert_eq!(h.slot_starting_at(at("2026-06-01T01:00:01Z")), None);
    // Offsets are converted: 03:00+02:00 is 01:00Z, slot 2.
    assert_eq!(h.slot_starting_at(at("2026-06-01T03:00:00+02:00")), Some(2));
    // A horizon past chrono's range has no instant there, and no panic.
    let far = Horizon::new(at("2026-06-01T00:00:00Z"), u64::MAX, 2);
    assert_eq!(far.slot_start(1), None);
}

/// `Problem::slot_start` reads like `Horizon::slot_start`: `None` past the
/// horizon's end, never a clamped instant; and a horizon that would end
/// past chrono's range is an input error naming the field.
#[test]
fn problem_slot_instants_are_not_clamped() {
    let s = scenario();
    let problem = Problem::new(&s).unwrap();
    let slots = problem.slots();
    assert_eq!(
        problem.slot_start(slots),
        problem.horizon().slot_start(slots)
    );
    assert!(problem.slot_start(slots).is_some());
    assert_eq!(problem.slot_start(slots + 1), None);
    assert_eq!(problem.slot_end(slots), None);
    let mut far = s.clone();
    far.horizon.slot_seconds = u64::MAX / 4;
    match Problem::new(&far) {
        Err(geoshift::Error::Input(geoshift::InputError::OutOfRange { field, value, .. })) => {
            assert_eq!(field, "slot_seconds");
            assert_eq!(value, (u64::MAX / 4) as f64);
        }
        other => panic!("expected slot_seconds out of range, got {other:?}"),
    }
}

#[test]
fn a_report_reads_by_job_id_and_slot_instant() {
    let s = scenario();
    let problem = Problem::new(&s).unwrap();
    let report = evaluate(&problem, "greedy", &Greedy.schedule(&problem).unwrap()).unwrap();
    for id in ["first", "second"] {
        let job = report.job(id).unwrap_or_else(|| panic!("no job {id}"));
        assert_eq!(job.id, id);
        assert_eq!(Some(job.start), problem.slot_start(job.first_slot));
        assert_eq!(Some(job.end), problem.slot_end(job.last_slot));
        let rows: Vec<_> = report.assignments_of(id).collect();
        assert!(!rows.is_empty());
        for row in rows {
            assert_eq!(row.job, id);
            assert_eq!(row.start, problem.horizon().slot_start(row.slot).unwrap());
            assert!(job.start <= row.start && row.start < job.end);
        }
    }
    assert!(report.job("third").is_none());
    assert_eq!(report.assignments_of("third").count(), 0);
    // The instants are in the report JSON.
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(
        json["jobs"][0]["start"],
        serde_json::json!(report.jobs[0]
            .start
            .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
    );
    assert!(json["assignments"][0]["start"].is_string());
}

#[test]
fn a_saved_schedule_reads_back_against_a_reordered_scenario() {
    let s = scenario();
    let problem = Problem::new(&s).unwrap();
    let schedule = Greedy.schedule(&problem).unwrap();
    let report = evaluate(&problem, "greedy", &schedule).unwrap();
    let saved = schedule.to_saved(&problem).unwrap();
    let text = saved.to_json();
    let read = SavedSchedule::from_json(&text).unwrap();
    assert_eq!(read, saved);

    let other = Problem::new(&reversed(s)).unwrap();
    let replayed = Schedule::from_saved(&other, &read).unwrap();
    // The indices differ (everything is listed in reverse)...
    assert_ne!(replayed, schedule);
    // ...but the plan is the same: same cost, per job by id.
    let again = evaluate(&other, "greedy", &replayed).unwrap();
    assert!((again.total_usd - report.total_usd).abs() < 1e-9);
    for job in &report.jobs {
        let same = again.job(&job.id).unwrap();
        assert!((same.cost_usd - job.cost_usd).abs() < 1e-9, "{}", job.id);
        assert_eq!((same.start, same.end), (job.start, job.end));
    }
    // Replaying the index form against the reordered problem would have
    // given the work to the wrong jobs: the evaluator rejects or misprices it.
    match evaluate(&other, "greedy", &schedule) {
        Err(_) => {}
        Ok(wrong) => assert!((wrong.total_usd - report.total_usd).abs() > 1e-9),
    }
}

#[test]
fn a_saved_schedule_that_does_not_fit_is_rejected_with_a_typed_error() {
    let problem = Problem::new(&scenario()).unwrap();
    let row = |job: &str, pool: &str, start: &str| {
        SavedSchedule::new(vec![
            SavedAssignment::new("first", "home-a", at("2026-06-01T00:00:00Z"), 1.0),
            SavedAssignment::new(job, pool, at(start), 1.0),
        ])
    };
    assert_eq!(
        Schedule::from_saved(&problem, &row("third", "home-a", "2026-06-01T00:00:00Z")),
        Err(geoshift::Error::ScheduleMismatch(
            ScheduleMismatch::UnknownJob {
                row: 1,
                job: "third".into()
            }
        ))
    );
    assert_eq!(
        Schedule::from_saved(&problem, &row("first", "gulf", "2026-06-01T00:00:00Z")),
        Err(geoshift::Error::ScheduleMismatch(
            ScheduleMismatch::UnknownPool {
                row: 1,
                pool: "gulf".into()
            }
        ))
    );
    for start in [
        "2026-06-01T00:10:00Z",
        "2026-06-01T02:00:00Z",
        "2026-05-31T23:30:00Z",
    ] {
        assert_eq!(
            Schedule::from_saved(&problem, &row("first", "home-a", start)),
            Err(geoshift::Error::ScheduleMismatch(
                ScheduleMismatch::NotASlotStart {
                    row: 1,
                    start: at(start)
                }
            )),
            "{start}"
        );
    }
    // An index schedule made for a bigger problem cannot be saved.
    let foreign = Schedule::new(vec![Assignment {
        job: 0,
        pool: 3,
        slot: 0,
        server_hours: 1.0,
    }]);
    let e = foreign.to_saved(&problem).unwrap_err();
    assert!(
        matches!(
            e,
            geoshift::Error::ScheduleMismatch(ScheduleMismatch::IndexOutOfRange {
                row: 0,
                pool: 3,
                ..
            })
        ),
        "{e}"
    );
    // And the mismatch converts into the crate's error.
    assert!(matches!(e, Error::ScheduleMismatch(_)));
    // A saved schedule with an unknown field is an input error.
    assert!(SavedSchedule::from_json(r#"{"assignments": [], "extra": 1}"#).is_err());
}

#[test]
fn a_violation_names_its_ids_slot_and_amounts() {
    let problem = Problem::new(&scenario()).unwrap();
    // 3 server-hours on home-a in slot 0: its capacity is 2 servers × 0.5 h.
    let over = Schedule::new(vec![Assignment {
        job: 1,
        pool: 0,
        slot: 0,
        server_hours: 3.0,
    }]);
    let v = evaluate(&problem, "hand", &over).unwrap_err();
    let v = v.as_violation().expect("a broken rule");
    assert_eq!(
        v.constraint,
        Constraint::Capacity,
        "capacity is checked first"
    );
    assert_eq!(v.pool.as_deref(), Some("home-a"));
    assert_eq!(v.slot, Some(0));
    assert_eq!((v.amount, v.limit), (3.0, 1.0));
    assert!(v.to_string().contains("pool 'home-a', slot 0"), "{v}");
}
