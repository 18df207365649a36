//! Every output a service would store or send reads back from its JSON
//! (issue 26): serialise, deserialise, and the value is equal to the one
//! written (and writes the same JSON again).

use geoshift::bench::{cases, families_named, heuristics, Bench};
use geoshift::{
    evaluate, explain, Backend, Optimal, Problem, Replan, Replanned, Scenario, Sweep, SweepAxis,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt::Debug;

fn problem(name: &str) -> Problem {
    let path = format!("{}/scenarios/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    Problem::new(&Scenario::from_json(&text).unwrap()).unwrap()
}

/// `value` written and read back: equal, and written the same again.
#[track_caller]
fn round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(value: &T) -> T {
    let json = serde_json::to_string(value).unwrap();
    let back: T = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
    assert_eq!(&back, value);
    assert_eq!(serde_json::to_string(&back).unwrap(), json);
    back
}

#[cfg(feature = "clarabel")]
#[test]
fn a_solution_and_its_report_round_trip() {
    // A pure LP (Split jobs only): the solution has duals.
    let p = problem("carbon-priced-100.json");
    let s = Optimal::new(Backend::Clarabel).solve(&p).unwrap();
    // What the round trip must carry: a plan, its proof, the duals.
    assert!(!s.schedule.assignments.is_empty());
    assert!(s.schedule.proof.is_some());
    assert!(s.duals.is_some());
    let back = round_trip(&s);
    assert_eq!(back.backend, s.backend);
    round_trip(&s.report);
}

#[test]
fn a_curve_round_trips_with_each_points_plan() {
    let p = problem("ny-vs-gulf.json");
    let curve = Sweep::new(SweepAxis::CarbonPrice(vec![0.0, 200.0]))
        .run(&p)
        .unwrap();
    assert_eq!(curve.points.len(), 2);
    assert!(curve
        .points
        .iter()
        .all(|pt| !pt.schedule.assignments.is_empty()));
    let back = round_trip(&curve);
    // The plan read back is the plan: it prices to the point's total.
    let r = evaluate(&p, "optimal", &back.points[0].schedule).unwrap();
    assert!((r.total_usd - back.points[0].total_usd).abs() <= 1e-9 * r.total_usd.abs().max(1.0));
}

#[test]
fn a_curve_with_skipped_settings_says_why_it_does_not_read_back() {
    let p = problem("ny-vs-gulf.json");
    let curve = Sweep::new(SweepAxis::EmissionsCap(vec![1e9, 0.0]))
        .run(&p)
        .unwrap();
    assert_eq!(curve.skipped.len(), 1, "{curve:?}");
    let json = serde_json::to_string(&curve).unwrap();
    let e = serde_json::from_str::<geoshift::Curve>(&json).unwrap_err();
    assert!(e.to_string().contains("1 skipped setting"), "{e}");
}

#[cfg(feature = "clarabel")]
#[test]
fn an_explanation_round_trips() {
    let p = problem("ny-vs-gulf.json");
    let e = explain(&p, &Optimal::new(Backend::Clarabel)).unwrap();
    assert!(!e.pools.is_empty() && !e.jobs.is_empty());
    let back = round_trip(&e);
    assert_eq!(back.backend, Backend::Clarabel);
    // An unknown solver's name is refused, not taken.
    let json = serde_json::to_string(&e)
        .unwrap()
        .replace("\"backend\":\"clarabel\"", "\"backend\":\"cplex\"");
    let err = serde_json::from_str::<geoshift::Explanation>(json.as_str()).unwrap_err();
    assert!(err.to_string().contains("unknown solver 'cplex'"), "{err}");
}

#[test]
fn a_replan_round_trips_with_its_as_run_problem() {
    let p = problem("ny-vs-gulf.json");
    let plan = Optimal::default().solve(&p).unwrap();
    let saved = plan.schedule.to_saved(&p).unwrap();
    let now = p.slot_start(p.slots() / 2).unwrap();
    let r = Replan::new(saved, now)
        .solve(&p, &Optimal::default())
        .unwrap();
    let json = serde_json::to_string(&r).unwrap();
    let back: Replanned = serde_json::from_str(&json).unwrap();
    assert_eq!(serde_json::to_string(&back).unwrap(), json);
    assert_eq!(back.schedule, r.schedule);
    assert_eq!(back.report, r.report);
    assert_eq!(back.jobs, r.jobs);
    // The as-run problem is rebuilt: it prices the full schedule as the
    // re-plan's own report does.
    let again = evaluate(back.as_run(), "replan", &back.schedule).unwrap();
    let first = evaluate(r.as_run(), "replan", &r.schedule).unwrap();
    assert_eq!(again, first);
    // A re-plan whose jobs are not its scenario's is refused.
    let mut bad: serde_json::Value = serde_json::from_str(&json).unwrap();
    bad["jobs"][0]["id"] = "not-a-job".into();
    let err = serde_json::from_value::<Replanned>(bad).unwrap_err();
    assert!(
        err.to_string().contains("scenario's, in its order"),
        "{err}"
    );
}

#[test]
fn bench_rows_round_trip() {
    let case_list = cases(&families_named(&["slack"]).unwrap(), 1).unwrap();
    let rows = Bench::new(Optimal::default())
        .schedulers(heuristics())
        .run(&case_list);
    assert!(rows.len() > 1);
    for row in &rows {
        round_trip(row);
    }
}
