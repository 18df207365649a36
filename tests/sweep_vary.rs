//! `SweepAxis::Field` (`sweep --vary`): each point is the single solve of
//! the scenario with the overlay at that value, every value is checked
//! before any solve, and a bad glob, field or value is a typed error
//! naming it.

mod common;

use common::*;
use geoshift::{
    Error, InputError, Job, Optimal, Overlay, OverlayFault, Pool, Problem, Region, Scenario, Sweep,
    SweepAxis, SweepKind,
};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Two regions of two 1-hour slots: home (its own pool, $3/h) and a
/// marketplace of two hosts whose rent is swept (`vast-a`, `vast-b`, each
/// 2 servers). The job needs 4 server-hours by the end.
fn market() -> Scenario {
    Scenario::builder(horizon(2, 3600))
        .regions(vec![
            Region::new("home", 1.0, 50.0),
            Region::new("vast", 1.0, 50.0),
        ])
        .pools(vec![
            Pool::new("own", "home", 2.0, 3.0, 1.0),
            Pool::new("vast-a", "vast", 1.0, 1.0, 1.0),
            Pool::new("vast-b", "vast", 1.0, 1.5, 1.0),
        ])
        .links(vec![geoshift::Link::new("home", "vast", 10.0, 0.0)])
        .jobs(vec![Job::new(
            "train",
            "home",
            4.0,
            at("2026-06-01T02:00:00Z"),
            4.0,
        )])
        .build()
}

/// The optimum's total of `scenario` with `overlay` applied, solved alone.
fn alone(scenario: &Scenario, overlay: &str) -> f64 {
    let s = scenario
        .clone()
        .with_overlays([&overlay.parse::<Overlay>().unwrap()])
        .unwrap();
    let problem = Problem::new(&s).unwrap();
    let solution = Optimal::default().solve(&problem).unwrap();
    geoshift::evaluate(&problem, "optimal", &solution.schedule)
        .unwrap()
        .total_usd
}

#[test]
fn each_point_is_the_single_solve_with_the_overlay_at_its_value() {
    let rents = [0.5, 2.0, 4.0];
    let axis = SweepAxis::vary("pool:vast-*.rent_usd_per_hour=0.5,2,4").unwrap();
    let curve = Sweep::new(axis)
        .run(&Problem::new(&market()).unwrap())
        .unwrap();
    assert_eq!(curve.kind, SweepKind::Field);
    assert_eq!(
        curve.field.as_deref(),
        Some("pool:vast-*.rent_usd_per_hour")
    );
    assert_eq!(curve.label(), "rent_usd_per_hour");
    let settings: Vec<f64> = curve.points.iter().map(|p| p.setting).collect();
    assert_eq!(settings, rents);
    for (p, rent) in curve.points.iter().zip(rents) {
        let single = alone(
            &market(),
            &format!("set pool:vast-*.rent_usd_per_hour={rent}"),
        );
        close("point against its single solve", p.total_usd, single, LP);
    }
    // The hosts dearer than home ($3/h) at $4: the whole job goes home.
    assert!(curve.points[2].total_usd > curve.points[0].total_usd + 1.0);
    let json = serde_json::to_value(&curve).unwrap();
    assert_eq!(json["kind"], "field");
    assert_eq!(json["field"], "pool:vast-*.rent_usd_per_hour");
    // It reads back, the field with it.
    let back: geoshift::Curve = serde_json::from_value(json).unwrap();
    assert_eq!(back, curve);
}

#[test]
fn a_whole_number_field_takes_whole_values_as_set_does() {
    // `max_regions` is a whole number (u32): `--vary` gives it 1 and 2 as
    // JSON integers, as `--set` does, and each point is that single solve.
    let axis = SweepAxis::vary("job:train.max_regions=1,2").unwrap();
    let curve = Sweep::new(axis)
        .run(&Problem::new(&market()).unwrap())
        .unwrap();
    assert_eq!(curve.points.len(), 2, "{:?}", curve.skipped);
    for (p, n) in curve.points.iter().zip([1, 2]) {
        let single = alone(&market(), &format!("set job:train.max_regions={n}"));
        close("point against its single solve", p.total_usd, single, LP);
    }
    // A fraction is no whole number: refused before any solve, naming it.
    let e = Sweep::new(SweepAxis::vary("job:train.max_regions=1,2.5").unwrap())
        .run(&Problem::new(&market()).unwrap())
        .unwrap_err();
    assert!(e.to_string().contains("max_regions"), "{e}");
}

#[test]
fn a_top_level_field_is_the_carbon_price_axis() {
    let mut s = market();
    s.regions[1].carbon_g_per_kwh = geoshift::Series::Constant(900.0);
    let problem = Problem::new(&s).unwrap();
    let by_field = Sweep::new(SweepAxis::vary("carbon_price_usd_per_t=0,100,400").unwrap())
        .run(&problem)
        .unwrap();
    let by_price = Sweep::new(SweepAxis::CarbonPrice(vec![0.0, 100.0, 400.0]))
        .run(&problem)
        .unwrap();
    assert_eq!(by_field.field.as_deref(), Some("carbon_price_usd_per_t"));
    assert_eq!(by_field.points.len(), 3);
    for (a, b) in by_field.points.iter().zip(&by_price.points) {
        close("same total", a.total_usd, b.total_usd, LP);
        close("same emissions", a.emissions_t, b.emissions_t, LP);
    }
    let last = &by_field.points[2];
    assert!(last.emissions_t > 0.0);
    close(
        "priced at $400/t",
        last.carbon_usd,
        400.0 * last.emissions_t,
        LP,
    );
}

/// The sweep's error before any point is solved (the hook counts points).
fn fails_before_solving(text: &str) -> Error {
    let solved = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&solved);
    let result = Sweep::new(SweepAxis::vary(text).unwrap())
        .on_point(move |_, _, _, _| {
            count.fetch_add(1, Ordering::SeqCst);
        })
        .run(&Problem::new(&market()).unwrap());
    assert_eq!(
        solved.load(Ordering::SeqCst),
        0,
        "{text}: a point was solved"
    );
    result.expect_err(text)
}

fn fault(e: &Error) -> (&str, &OverlayFault) {
    match e {
        Error::Input(InputError::Overlay { overlay, fault }) => (overlay.as_str(), &**fault),
        other => panic!("expected an overlay error, got {other:?}"),
    }
}

#[test]
fn a_bad_glob_field_or_value_is_named_before_any_solve() {
    let e = fails_before_solving("pool:lambda-*.rent_usd_per_hour=1,2");
    let (overlay, f) = fault(&e);
    assert!(overlay.contains("pool:lambda-*"), "{overlay}");
    assert!(matches!(f, OverlayFault::NoMatch { glob, .. } if glob == "lambda-*"));

    let e = fails_before_solving("pool:vast-*.rent_per_hour=1,2");
    let (_, f) = fault(&e);
    assert!(
        matches!(f, OverlayFault::BadField { field, id, .. } if field == "rent_per_hour" && id == "vast-a"),
        "{f:?}"
    );

    // The first value is valid, the last is not: nothing is solved, and
    // the error names the pool, the field and the value.
    let e = fails_before_solving("pool:vast-b.servers=1,-3");
    let text = e.to_string();
    assert!(matches!(e, Error::Input(_)), "{e:?}");
    for part in ["vast-b", "servers", "-3"] {
        assert!(text.contains(part), "{text} does not name {part}");
    }

    let e = fails_before_solving("pool:vast-a.rent_usd_per_hour=1,inf");
    assert!(matches!(e, Error::Sweep(_)), "{e:?}");
    assert!(e.to_string().contains("inf"), "{e}");
}

#[test]
fn text_that_is_no_axis_is_a_syntax_error_naming_it() {
    for (text, names) in [
        ("pool:vast-*.rent_usd_per_hour", "KIND:GLOB.FIELD=V1"),
        ("pool:vast-*.rent_usd_per_hour=1,cheap", "'cheap'"),
        ("pool:vast-*.rent_usd_per_hour=", "''"),
        ("pod:vast-*.rent_usd_per_hour=1", "unknown kind 'pod'"),
        ("pool:vast-*=1", "KIND:GLOB.FIELD"),
    ] {
        match SweepAxis::vary(text) {
            Err(Error::Input(e @ InputError::Overlay { .. })) => {
                let message = e.to_string();
                assert!(message.contains(names), "{text}: {message}");
            }
            other => panic!("{text}: expected a syntax error, got {other:?}"),
        }
    }
}
