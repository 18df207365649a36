//! Point series: timestamped values with any RFC 3339 offset are converted
//! to UTC, form a step function (each value holds until the next point, the
//! last holds on), and are resampled to slots by the time-weighted mean.

mod common;

use common::*;
use geoshift::{Greedy, InputError, Local, Optimal, Problem, Scenario, Scheduler};

/// Three 1-hour slots from 2026-06-01T00:00Z. Region `home`, pue 1.25;
/// one pool of 2 servers, rent 1, 4 kW (5 kW at the meter). The job:
/// 3 work units, up to 2 servers, due 03:00.
fn scenario(price: &str, carbon: &str) -> Result<Scenario, geoshift::Error> {
    Scenario::from_json(&format!(
        r#"{{
          "horizon": {{"start": "2026-06-01T00:00:00Z", "slot_seconds": 3600, "slots": 3}},
          "regions": [{{"id": "home", "pue": 1.25,
                        "price_usd_per_mwh": {price},
                        "carbon_g_per_kwh": {carbon}}}],
          "pools": [{{"id": "gpu", "region": "home", "servers": 2,
                      "rent_usd_per_hour": 1, "power_kw": 4}}],
          "jobs": [{{"id": "train", "origin": "home", "work": 3,
                     "deadline": "2026-06-01T03:00:00Z", "max_servers": 2}}]
        }}"#
    ))
}

/// Price points, in UTC:
///   2026-05-31T22:00-02:00 = 00:00Z  40
///   2026-06-01T05:30+04:00 = 01:30Z 100
///   2026-06-01T02:15Z               0
/// Slot means:
///   slot 0 [00:00, 01:00): 40
///   slot 1 [01:00, 02:00): (40 * 1800 + 100 * 1800) / 3600 = 70
///   slot 2 [02:00, 03:00): (100 * 900 + 0 * 2700) / 3600 = 25
const PRICE: &str = r#"{"points": [["2026-05-31T22:00:00-02:00", 40],
                                   ["2026-06-01T05:30:00+04:00", 100],
                                   ["2026-06-01T02:15:00Z", 0]]}"#;

/// Carbon points, in UTC:
///   2026-06-01T01:00+01:00 = 00:00Z 200
///   2026-06-01T08:00+05:30 = 02:30Z 100 (holds on to the end)
/// Slot means: 200, 200, (200 * 1800 + 100 * 1800) / 3600 = 150.
const CARBON: &str = r#"{"points": [["2026-06-01T01:00:00+01:00", 200],
                                    ["2026-06-01T08:00:00+05:30", 100]]}"#;

#[test]
fn offset_points_are_converted_to_utc_and_time_weighted() {
    let s = scenario(PRICE, CARBON).unwrap();
    let p = Problem::new(&s).unwrap();
    let region = &p.regions()[0];
    for (t, want) in [40.0, 70.0, 25.0].into_iter().enumerate() {
        close(
            &format!("price slot {t}"),
            region.price_usd_per_mwh[t],
            want,
            EXACT,
        );
    }
    for (t, want) in [200.0, 200.0, 150.0].into_iter().enumerate() {
        close(
            &format!("carbon slot {t}"),
            region.carbon_g_per_kwh[t],
            want,
            EXACT,
        );
    }
}

#[test]
fn the_resampled_prices_decide_the_plan_and_its_cost() {
    // c[t] = 1 + 5 kW * p[t] / 1000: slot 0 1.2, slot 1 1.35, slot 2 1.125.
    // 3 work units, 2 servers: 2 in slot 2 (cheapest), 1 in slot 0.
    let s = scenario(PRICE, CARBON).unwrap();
    for (scheduler, tol) in [
        (&Optimal::default() as &dyn Scheduler, LP),
        (&Greedy, EXACT),
    ] {
        let r = report(&s, scheduler);
        assert_placement(
            &r,
            &[("train", "gpu", 0, 1.0), ("train", "gpu", 2, 2.0)],
            tol,
        );
        // rent      = 3 * 1 = 3
        // energy    = 1 * 5 * 40 / 1000 + 2 * 5 * 25 / 1000 = 0.2 + 0.25 = 0.45
        // total     = 3.45
        // MWh       = 3 * 5 / 1000 = 0.015
        // emissions = (1 * 5 * 200 + 2 * 5 * 150) g / 1e6 = 2500 / 1e6 = 0.0025 t
        assert_totals(
            &r,
            Totals {
                total_usd: 3.45,
                rent_usd: 3.0,
                energy_usd: 0.45,
                carbon_usd: 0.0,
                egress_usd: 0.0,
                energy_mwh: 0.015,
                emissions_t: 0.0025,
            },
            tol,
        );
    }
    // Local: 2 in slot 0, 1 in slot 1.
    //   energy    = 2 * 5 * 40 / 1000 + 1 * 5 * 70 / 1000 = 0.4 + 0.35 = 0.75
    //   emissions = (2 * 5 * 200 + 1 * 5 * 200) / 1e6 = 0.003 t
    let r = report(&s, &Local);
    assert_placement(
        &r,
        &[("train", "gpu", 0, 2.0), ("train", "gpu", 1, 1.0)],
        EXACT,
    );
    assert_totals(
        &r,
        Totals {
            total_usd: 3.75,
            rent_usd: 3.0,
            energy_usd: 0.75,
            carbon_usd: 0.0,
            egress_usd: 0.0,
            energy_mwh: 0.015,
            emissions_t: 0.003,
        },
        EXACT,
    );
}

#[test]
fn a_first_point_after_the_start_in_utc_is_an_error() {
    // 00:00-01:00 is 01:00Z, an hour after the horizon start: the series
    // does not cover slot 0 (read without its offset it would).
    let err = scenario(r#"{"points": [["2026-06-01T00:00:00-01:00", 50]]}"#, "0")
        .map(|s| Problem::new(&s))
        .unwrap()
        .expect_err("the series starts at 01:00Z");
    match err.as_input().cloned().expect("an input error") {
        InputError::SeriesNotCovering { field, .. } => assert_eq!(field, "price_usd_per_mwh"),
        other => panic!("expected SeriesNotCovering, got {other}"),
    }
}

#[test]
fn points_out_of_order_once_in_utc_are_an_error() {
    // 02:00+03:00 is 23:00Z the day before: before the first point, though
    // its local clock reads later.
    let err = scenario(
        r#"{"points": [["2026-06-01T00:00:00Z", 10], ["2026-06-01T02:00:00+03:00", 20]]}"#,
        "0",
    )
    .map(|s| Problem::new(&s))
    .unwrap()
    .expect_err("the second point is before the first in UTC");
    match err.as_input().cloned().expect("an input error") {
        InputError::PointsOutOfOrder { field, index, .. } => {
            assert_eq!(field, "price_usd_per_mwh");
            assert_eq!(index, 1);
        }
        other => panic!("expected PointsOutOfOrder, got {other}"),
    }
}
