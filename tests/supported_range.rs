//! The supported range of work and speed (issue 8, item 2): values the LP
//! solvers cannot resolve are input errors that name the field and the
//! range, and every value inside the range is solved, by every scheduler
//! and every compiled-in backend, into a plan the evaluator accepts.

mod common;

use common::{at, horizon};
use geoshift::{
    evaluate, Backend, Entity, Error, Greedy, InputError, Job, Link, Local, Optimal, Pool, Problem,
    Region, Scenario, Scheduler, MAX_SPEED, MAX_USD_PER_SERVER_HOUR, MIN_SPEED, MIN_WORK,
};

/// Two linked regions with a pool each and two jobs, `work` for the first
/// one and `speed` for the pool at its origin.
fn scenario(work: f64, speed: f64) -> Scenario {
    Scenario::builder(horizon(4, 3600))
        .regions(vec![
            Region::new("a", 1.2, 50.0),
            Region::new("b", 1.1, vec![40.0, 10.0, 60.0, 30.0]),
        ])
        .pools(vec![
            Pool::new("p", "a", 2.0, 1.0, 1.0).speed(speed),
            Pool::new("q", "b", 1.0, 1.5, 1.0).speed(0.7),
        ])
        .links(vec![
            Link::new("a", "b", 10.0, 0.01),
            Link::new("b", "a", 10.0, 0.01),
        ])
        .jobs(vec![
            Job::new("j", "a", work, at("2026-06-01T04:00:00Z"), 2.0).data(1.0, 0.0),
            Job::new("k", "b", 2.0, at("2026-06-01T04:00:00Z"), 2.0),
        ])
        .build()
}

fn out_of_range(s: &Scenario, entity: Entity, field: &str) -> String {
    match Problem::new(s) {
        Err(e) => match e.as_input().expect("an input error") {
            InputError::OutOfRange {
                entity: en,
                field: f,
                ..
            } if *en == entity && f == field => e.to_string(),
            other => panic!("expected OutOfRange on {entity} {field}, got {other:?}"),
        },
        Ok(_) => panic!("expected OutOfRange on {entity} {field}, got a problem"),
    }
}

/// Work at or below 1e-10, and a subnormal work, made the optimum's plan
/// fail the evaluator (exit 3): now they are rejected, naming the range.
#[test]
fn tiny_work_is_an_input_error_naming_the_range() {
    for work in [1e-10, 5e-324, 1e-12, MIN_WORK * 0.999] {
        let msg = out_of_range(&scenario(work, 1.0), Entity::Job, "work");
        assert!(msg.contains("job 'j'") && msg.contains(">= 0.001"), "{msg}");
        assert!(msg.contains("supported range"), "{msg}");
        assert!(
            msg.len() < 300,
            "a subnormal value is not printed in full: {msg}"
        );
    }
}

/// A speed of 1e11 (or 1e-11) is outside what the solvers resolve.
#[test]
fn extreme_speed_is_an_input_error_naming_the_range() {
    for speed in [1e11, 1e-11, MAX_SPEED * 1.001, MIN_SPEED * 0.999] {
        let msg = out_of_range(&scenario(4.0, speed), Entity::Pool, "speed");
        assert!(msg.contains("pool 'p'"), "{msg}");
        assert!(msg.contains("between 0.001 and 1000"), "{msg}");
    }
}

/// The backends compiled into this build, `Auto` first.
fn backends() -> Vec<Backend> {
    let mut all = vec![Backend::Auto];
    all.extend(Backend::available().iter().copied());
    all
}

/// `a` and `b` agree to `1e-6` relative (of the larger, at least 1).
#[track_caller]
fn agree(what: &str, a: f64, b: f64) {
    assert!(
        (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0),
        "{what}: {a} against {b}"
    );
}

/// The total of `scheduler`'s plan for `problem`, which the evaluator
/// must accept.
fn total(problem: &Problem, scheduler: &dyn Scheduler, at: &str) -> f64 {
    let schedule = scheduler
        .schedule(problem)
        .unwrap_or_else(|e| panic!("{} {at}: {e}", scheduler.name()));
    evaluate(problem, scheduler.name(), &schedule)
        .unwrap_or_else(|e| panic!("{} {at}: {e}", scheduler.name()))
        .total_usd
}

/// The corners of the range are solved: the smallest work on the fastest
/// and the slowest pool, by Local, Greedy and the optimum on every backend,
/// each plan accepted by the evaluator; the backends' optima agree, and
/// none is dearer than a heuristic's plan (a plan that merely returned
/// was all the test asked before).
#[test]
fn the_corners_of_the_range_are_solved_by_every_scheduler() {
    for (work, speed) in [
        (MIN_WORK, MAX_SPEED),
        (MIN_WORK, 1.0),
        (MIN_WORK, MIN_SPEED),
        (1.0, MAX_SPEED),
    ] {
        let at = format!("at work {work}, speed {speed}");
        let problem = Problem::new(&scenario(work, speed)).expect("inside the range");
        let heuristic = total(&problem, &Local, &at).min(total(&problem, &Greedy, &at));
        let optima: Vec<f64> = backends()
            .into_iter()
            .map(|b| total(&problem, &Optimal::new(b), &format!("{b:?} {at}")))
            .collect();
        for (b, &t) in backends().iter().zip(&optima) {
            agree(&format!("{b:?} against Auto {at}"), t, optima[0]);
            assert!(
                t <= heuristic + 1e-6 * heuristic.abs().max(1.0),
                "{b:?} {at}: {t} > {heuristic}"
            );
        }
    }
}

/// The same corners with the small job `Whole` (a MILP): every backend
/// that takes integers solves them into a valid plan, the same optimum,
/// no dearer than a heuristic's.
#[test]
fn the_corners_of_the_range_are_solved_as_a_milp() {
    for (work, speed) in [
        (MIN_WORK, MAX_SPEED),
        (MIN_WORK, MIN_SPEED),
        (1.0, MAX_SPEED),
    ] {
        let at = format!("at work {work}, speed {speed}");
        let mut s = scenario(work, speed);
        s.jobs[0] = s.jobs[0].clone().whole();
        let problem = Problem::new(&s).expect("inside the range");
        let heuristic = total(&problem, &Local, &at).min(total(&problem, &Greedy, &at));
        let solvers: Vec<Backend> = backends()
            .into_iter()
            .filter(|b| *b != Backend::Clarabel)
            .collect();
        let optima: Vec<f64> = solvers
            .iter()
            .map(|&b| total(&problem, &Optimal::new(b), &format!("{b:?} {at}")))
            .collect();
        for (b, &t) in solvers.iter().zip(&optima) {
            agree(&format!("{b:?} against Auto {at}"), t, optima[0]);
            assert!(
                t <= heuristic + 1e-6 * heuristic.abs().max(1.0),
                "{b:?} {at}: {t} > {heuristic}"
            );
        }
    }
}

/// No value inside the range ends in a solver failure or an invalid
/// schedule: only a plan or an honest infeasibility, the same on every
/// backend (the same optimum, or infeasible on all).
#[test]
fn inside_the_range_there_is_no_solver_failure() {
    let mut planned = 0;
    for work in [MIN_WORK, 1e-2, 1.0, 100.0] {
        for speed in [MIN_SPEED, 1e-2, 1.0, 100.0, MAX_SPEED] {
            let problem = Problem::new(&scenario(work, speed)).expect("inside the range");
            let mut answers = Vec::new();
            for b in backends() {
                let at = format!("{b:?} at work {work}, speed {speed}");
                match Optimal::new(b).schedule(&problem) {
                    Ok(schedule) => {
                        let r = evaluate(&problem, "optimal", &schedule)
                            .unwrap_or_else(|e| panic!("{at}: {e}"));
                        answers.push(Some(r.total_usd));
                    }
                    Err(Error::Infeasible(_)) => answers.push(None),
                    Err(e) => panic!("{at}: {e}"),
                }
            }
            let at = format!("at work {work}, speed {speed}");
            match answers[0] {
                Some(first) => {
                    planned += 1;
                    for a in &answers {
                        let t = a.unwrap_or_else(|| panic!("infeasible on one backend only {at}"));
                        agree(&at, t, first);
                    }
                }
                None => assert!(answers.iter().all(Option::is_none), "{at}: {answers:?}"),
            }
        }
    }
    // Both kinds of answer occur: the grid reaches past what fits (100
    // work units at the slowest speed) and inside it.
    assert!(
        planned > 0 && planned < 20,
        "{planned} of 20 settings planned"
    );
}

/// A server-hour dearer than `MAX_USD_PER_SERVER_HOUR` is an input error
/// naming the input that made it so: with PUE 9e15 and a price of 1.8e19
/// $/MWh, microlp once returned a plan it called optimal at $2.88e16 where
/// a budget found one at $9.0e15 that the evaluator accepts.
#[test]
fn a_server_hour_beyond_the_supported_cost_is_refused_naming_its_cause() {
    let json = r#"{"horizon":{"start":"2026-06-01T00:00:00Z","slot_seconds":3600,"slots":3},
      "regions":[{"id":"a","pue":9e15,"price_usd_per_mwh":[50,1.8e19,60],"carbon_g_per_kwh":500},
                 {"id":"b","pue":1.2,"price_usd_per_mwh":80,"carbon_g_per_kwh":100}],
      "pools":[{"id":"pa","region":"a","servers":4,"rent_usd_per_hour":1,"power_kw":10},
               {"id":"pb","region":"b","servers":2,"rent_usd_per_hour":2,"power_kw":10}],
      "links":[{"from":"a","to":"b","bandwidth_gbps":10,"egress_usd_per_gb":0.05}],
      "jobs":[{"id":"j","origin":"a","work":6,"input_gb":10,"deadline":"2026-06-01T03:00:00Z","max_servers":4},
              {"id":"k","origin":"b","work":3,"deadline":"2026-06-01T03:00:00Z","max_servers":2,
               "placement":"whole","unmet_usd_per_work":5}]}"#;
    let hostile = Scenario::from_json(json).unwrap();
    match Problem::new(&hostile) {
        Err(geoshift::Error::Input(InputError::CostOutOfRange {
            entity,
            id,
            field,
            value,
            pool,
            slot,
            cost_usd,
            max_usd,
        })) => {
            assert_eq!((entity, id.as_str(), field), (Entity::Region, "a", "pue"));
            assert_eq!((value, pool.as_str(), slot), (9e15, "pa", 0));
            assert!(cost_usd > max_usd && max_usd == MAX_USD_PER_SERVER_HOUR);
        }
        other => panic!("expected CostOutOfRange, got {other:?}"),
    }
    // At the edge of the range: a rent of exactly the maximum is planned.
    let at_edge = |rent: f64| {
        let mut s = scenario(1.0, 1.0);
        s.pools[1].rent_usd_per_hour = rent;
        s.pools[1].power_kw = 0.0; // its cost is its rent
        Problem::new(&s).map(|_| ())
    };
    assert!(at_edge(MAX_USD_PER_SERVER_HOUR).is_ok());
    assert!(matches!(
        at_edge(MAX_USD_PER_SERVER_HOUR * 1.01),
        Err(geoshift::Error::Input(InputError::CostOutOfRange {
            field: "rent_usd_per_hour",
            ..
        }))
    ));
}
