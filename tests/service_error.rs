//! A service with its own error type writes one `From<geoshift::Error>`
//! and calls every public fallible function of the crate with `?`. This
//! file compiles only while that holds; its tests check that each failure
//! arrives as the kind a service would match on.

use chrono::{DateTime, Utc};
use geoshift::bench::{cases, families, families_named};
use geoshift::data::catalog::{SpeedTable, Throughput};
use geoshift::data::{DataSet, Period};
use geoshift::{
    evaluate, explain, solve_json, sweep, ErrorKind, Greedy, Horizon, Job, Link, Optimal, Overlay,
    Pool, Problem, Region, Replan, SavedSchedule, Scenario, Schedule, Scheduler, Sweep, SweepAxis,
};

/// The service's own error: one variant wraps the crate's, by one `From`.
#[derive(Debug)]
enum AppError {
    Planning(geoshift::Error),
}

impl From<geoshift::Error> for AppError {
    fn from(e: geoshift::Error) -> Self {
        AppError::Planning(e)
    }
}

impl AppError {
    fn kind(&self) -> ErrorKind {
        match self {
            AppError::Planning(e) => e.kind(),
        }
    }
}

fn at(s: &str) -> DateTime<Utc> {
    s.parse().expect("an instant")
}

/// Two regions, one pool each, one job of `work` units over 4 hours.
fn scenario_json(work: f64) -> String {
    let s = Scenario::builder(Horizon::new(at("2026-06-01T00:00:00Z"), 3600, 4))
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
            Link::builder("a", "b")
                .bandwidth_gbps(10.0)
                .egress_usd_per_gb(0.0),
        )
        .link(
            Link::builder("b", "a")
                .bandwidth_gbps(10.0)
                .egress_usd_per_gb(0.0),
        )
        .job(
            Job::builder("train", "a")
                .work(work)
                .deadline(at("2026-06-01T04:00:00Z"))
                .max_servers(2.0),
        )
        .build();
    serde_json::to_string(&s).expect("a scenario serialises")
}

/// Every public fallible call of the model, the decisions and the bench,
/// each with `?` into [`AppError`]: the total of the optimum.
fn every_call(json: &str) -> Result<f64, AppError> {
    let mut scenario = Scenario::from_json(json)?;
    scenario.apply(&"set carbon_price_usd_per_t=10".parse::<Overlay>()?)?;
    let overlay = Overlay::parse_op("set", "carbon_price_usd_per_t=0")?;
    let scenario = scenario.with_overlays([&overlay])?;
    let problem = Problem::new(&scenario)?;
    let kept = Problem::from_scenario(scenario.clone())?;
    let optimal = Optimal::default();
    optimal.check_memory(&problem)?;
    let solution = optimal.solve(&problem)?;
    let report = evaluate(&problem, "optimal", &solution.schedule)?;
    let saved = solution.schedule.to_saved(&problem)?;
    let text = serde_json::to_string(&saved).expect("a saved plan serialises");
    let read = SavedSchedule::from_json(&text)?;
    let again = Schedule::from_saved(&kept, &read)?;
    evaluate(&kept, "replayed", &again)?;
    Greedy.schedule(&problem)?;
    explain(&problem, &optimal)?;
    Replan::new(read, at("2026-06-01T01:00:00Z")).solve(&problem, &optimal)?;
    Sweep::new(SweepAxis::CarbonPrice(vec![0.0, 50.0])).run(&problem)?;
    sweep(&problem, SweepAxis::DeadlineSlack(vec![0.0]), &optimal)?;
    optimal.write_mps(&problem, &mut Vec::new())?;
    solve_json(json, &Greedy)?;
    let family = families_named(&["slack"])?;
    cases(&family, 1)?;
    families()[0].scenario(1)?;
    Ok(report.total_usd)
}

/// The real-data builder's calls (feature `data`), with `?` into
/// [`AppError`], up to one that fails: the bundled FX file has no SAR
/// rate, so a Saudi tariff is refused.
fn data_calls() -> Result<f64, AppError> {
    let data = DataSet::bundled()?;
    Period::new(at("2023-06-05T00:00:00Z"), 24)?;
    SpeedTable::bundled(&Throughput::GeometricMean)?;
    let us = data.tariff_usd_per_mwh("US")?;
    assert!(us > 0.0, "{us}");
    Ok(data.tariff_usd_per_mwh("SA")?)
}

#[test]
fn data_errors_convert_with_the_same_from() {
    let e = data_calls().expect_err("no SAR rate in the bundled FX file");
    assert_eq!(e.kind(), ErrorKind::Data);
}

#[test]
fn every_call_converts_with_one_from() {
    let total = every_call(&scenario_json(2.0)).expect("a valid scenario");
    // Two server-hours in region a's cheapest hours: rent 2 + energy
    // (10 + 20) $/MWh x 1 kW.
    assert!((total - 2.03).abs() < 1e-9, "{total}");
}

#[test]
fn each_failure_arrives_as_its_kind() {
    let e = every_call("{").expect_err("not JSON");
    assert_eq!(e.kind(), ErrorKind::Input);
    // More work than the two pools can do by the deadline.
    let e = every_call(&scenario_json(100.0)).expect_err("infeasible");
    assert_eq!(e.kind(), ErrorKind::Infeasible);
    let AppError::Planning(inner) = &e;
    assert_eq!(
        serde_json::to_value(inner).expect("an error serialises")["kind"],
        "infeasible"
    );
}
