//! One test per class of input error: each asserts the typed
//! [`InputError`] variant with its entity, id, field and value, and that
//! the Display message names them, so a user can find the fault in the file.

use geoshift::{Entity, InputError, Problem, Scenario, Series};
use serde_json::{json, Value};

/// A small valid scenario: two regions linked both ways, a pool in each,
/// one job. Every test breaks exactly one thing in it.
fn base() -> Value {
    json!({
        "horizon": {"start": "2026-06-01T00:00:00Z", "slot_seconds": 3600, "slots": 4},
        "carbon_price_usd_per_t": 50,
        "regions": [
            {"id": "east", "pue": 1.2, "price_usd_per_mwh": 50, "carbon_g_per_kwh": 300,
             "power_cap_kw": 100},
            {"id": "west", "pue": 1.1, "price_usd_per_mwh": [40, 41, 42, 43]}
        ],
        "pools": [
            {"id": "gpu-east", "region": "east", "servers": 8, "rent_usd_per_hour": 2,
             "power_kw": 1},
            {"id": "gpu-west", "region": "west", "servers": [4, 4, 4, 4],
             "rent_usd_per_hour": 3, "power_kw": 1.5, "speed": 2}
        ],
        "links": [
            {"from": "east", "to": "west", "bandwidth_gbps": 10, "egress_usd_per_gb": 0.05},
            {"from": "west", "to": "east", "bandwidth_gbps": 10, "egress_usd_per_gb": 0.05}
        ],
        "jobs": [
            {"id": "train", "origin": "east", "work": 4, "input_gb": 100, "output_gb": 1,
             "deadline": "2026-06-01T04:00:00Z", "max_servers": 4}
        ]
    })
}

fn parse(v: &Value) -> Scenario {
    Scenario::from_json(&v.to_string()).expect("the scenario should parse")
}

/// The error `Problem::new` gives for the scenario in `v`.
fn rejected(v: &Value) -> InputError {
    rejected_scenario(&parse(v))
}

fn rejected_scenario(s: &Scenario) -> InputError {
    Problem::new(s)
        .expect_err("the scenario should be rejected")
        .as_input()
        .cloned()
        .expect("an input error")
}

/// The error `Scenario::from_json` gives for `v`.
fn json_error(v: &Value) -> InputError {
    Scenario::from_json(&v.to_string())
        .expect_err("the JSON should be rejected")
        .as_input()
        .cloned()
        .expect("an input error")
}

fn assert_mentions(e: &InputError, parts: &[&str]) {
    let msg = e.to_string();
    for p in parts {
        assert!(msg.contains(p), "message {msg:?} should mention {p:?}");
    }
}

/// Asserts an `OutOfRange` error on `entity` `id`, field `field`, and
/// returns the value it carries.
fn out_of_range(e: &InputError, entity: Entity, id: &str, field: &str) -> f64 {
    match e {
        InputError::OutOfRange {
            entity: en,
            id: i,
            field: f,
            value,
            ..
        } => {
            assert_eq!(*en, entity, "entity of {e:?}");
            assert_eq!(i, id, "id of {e:?}");
            assert_eq!(f, field, "field of {e:?}");
            *value
        }
        other => panic!("expected OutOfRange on {entity} '{id}' {field}, got {other:?}"),
    }
}

/// `v` with `f` applied, rejected by validation with `OutOfRange` on
/// `entity`/`id`/`field` and `expected` as the value; the message names
/// them all.
fn assert_out_of_range(
    f: impl FnOnce(&mut Value),
    entity: Entity,
    id: &str,
    field: &str,
    expected: f64,
    shown: &str,
) {
    let mut v = base();
    f(&mut v);
    let e = rejected(&v);
    let value = out_of_range(&e, entity, id, field);
    assert_eq!(value, expected, "value of {e:?}");
    let mut parts = vec![field, shown, "invalid"];
    if !id.is_empty() {
        parts.push(id);
    }
    assert_mentions(&e, &parts);
    assert!(
        e.to_string().starts_with(&entity.to_string()),
        "{e} should start with the entity kind {entity}"
    );
}

fn ts(s: &str) -> chrono::DateTime<chrono::Utc> {
    s.parse().unwrap()
}

#[test]
fn base_scenario_is_valid() {
    let p = Problem::new(&parse(&base())).expect("the base scenario is valid");
    assert_eq!(p.regions().len(), 2);
    assert_eq!(p.pools().len(), 2);
    assert_eq!(p.jobs().len(), 1);
}

// ---------------------------------------------------------------- ids

#[test]
fn duplicate_region_id() {
    let mut v = base();
    v["regions"][1]["id"] = "east".into();
    v["pools"][1]["region"] = "east".into();
    v["links"] = json!([]);
    let e = rejected(&v);
    assert_eq!(
        e,
        InputError::DuplicateId {
            entity: Entity::Region,
            id: "east".into()
        }
    );
    assert_mentions(&e, &["region", "'east'", "more than once"]);
}

#[test]
fn duplicate_pool_id() {
    let mut v = base();
    v["pools"][1]["id"] = "gpu-east".into();
    let e = rejected(&v);
    assert_eq!(
        e,
        InputError::DuplicateId {
            entity: Entity::Pool,
            id: "gpu-east".into()
        }
    );
    assert_mentions(&e, &["pool", "'gpu-east'", "more than once"]);
}

#[test]
fn duplicate_job_id() {
    let mut v = base();
    let job = v["jobs"][0].clone();
    v["jobs"].as_array_mut().unwrap().push(job);
    let e = rejected(&v);
    assert_eq!(
        e,
        InputError::DuplicateId {
            entity: Entity::Job,
            id: "train".into()
        }
    );
    assert_mentions(&e, &["job", "'train'", "more than once"]);
}

#[test]
fn duplicate_link() {
    let mut v = base();
    // Same direction again, even with other numbers: a second east -> west.
    v["links"].as_array_mut().unwrap().push(
        json!({"from": "east", "to": "west", "bandwidth_gbps": 1, "egress_usd_per_gb": 0.01}),
    );
    let e = rejected(&v);
    assert_eq!(
        e,
        InputError::DuplicateId {
            entity: Entity::Link,
            id: "east->west".into()
        }
    );
    assert_mentions(&e, &["link", "east->west", "more than once"]);
}

// ---------------------------------------------------------------- unknown regions

fn assert_unknown_region(
    e: &InputError,
    entity: Entity,
    id: &str,
    field: &'static str,
    value: &str,
) {
    assert_eq!(
        *e,
        InputError::UnknownRegion {
            entity,
            id: id.into(),
            field,
            value: value.into()
        }
    );
    assert_mentions(
        e,
        &[&entity.to_string(), id, field, value, "unknown region"],
    );
}

#[test]
fn pool_in_unknown_region() {
    let mut v = base();
    v["pools"][1]["region"] = "mars".into();
    assert_unknown_region(&rejected(&v), Entity::Pool, "gpu-west", "region", "mars");
}

#[test]
fn job_origin_unknown() {
    let mut v = base();
    v["jobs"][0]["origin"] = "atlantis".into();
    assert_unknown_region(&rejected(&v), Entity::Job, "train", "origin", "atlantis");
}

#[test]
fn job_allowed_region_unknown() {
    let mut v = base();
    v["jobs"][0]["regions"] = json!(["east", "wset"]);
    assert_unknown_region(&rejected(&v), Entity::Job, "train", "regions", "wset");
}

#[test]
fn link_from_unknown_region() {
    let mut v = base();
    v["links"][1]["from"] = "north".into();
    assert_unknown_region(&rejected(&v), Entity::Link, "north->east", "from", "north");
}

#[test]
fn link_to_unknown_region() {
    let mut v = base();
    v["links"][0]["to"] = "south".into();
    assert_unknown_region(&rejected(&v), Entity::Link, "east->south", "to", "south");
}

// ---------------------------------------------------------------- horizon

#[test]
fn zero_slots() {
    let mut v = base();
    v["horizon"]["slots"] = 0.into();
    let e = rejected(&v);
    assert_eq!(
        e,
        InputError::EmptyHorizon {
            field: "slots",
            value: 0
        }
    );
    assert_mentions(&e, &["horizon", "slots = 0", "> 0"]);
}

#[test]
fn zero_slot_seconds() {
    let mut v = base();
    v["horizon"]["slot_seconds"] = 0.into();
    let e = rejected(&v);
    assert_eq!(
        e,
        InputError::EmptyHorizon {
            field: "slot_seconds",
            value: 0
        }
    );
    assert_mentions(&e, &["horizon", "slot_seconds = 0", "> 0"]);
}

// ---------------------------------------------------------------- ranges

#[test]
fn pue_below_one() {
    assert_out_of_range(
        |v| v["regions"][1]["pue"] = json!(0.95),
        Entity::Region,
        "west",
        "pue",
        0.95,
        "0.95",
    );
}

#[test]
fn pue_of_exactly_one_is_valid() {
    let mut v = base();
    v["regions"][1]["pue"] = json!(1.0);
    let p = Problem::new(&parse(&v)).expect("PUE 1 is allowed");
    // At PUE 1 the meter sees the IT load alone: kWh at the meter per
    // server-hour is the pool's power in kW.
    let region = &p.regions()[1];
    assert_eq!(region.pue, 1.0);
    for &k in &region.pools {
        let kw = parse(&v).pools[k].power_kw;
        assert_eq!(p.pools()[k].meter_kwh_per_server_hour, kw);
    }
    assert!(!region.pools.is_empty());
}

#[test]
fn negative_energy_price_is_valid() {
    // Real day-ahead markets have negative hours.
    let mut v = base();
    v["regions"][1]["price_usd_per_mwh"] = json!([40, -12.5, 42, 43]);
    let p = Problem::new(&parse(&v)).expect("negative prices are allowed");
    assert_eq!(
        p.regions()[1].price_usd_per_mwh,
        vec![40.0, -12.5, 42.0, 43.0]
    );
}

#[test]
fn negative_rent() {
    assert_out_of_range(
        |v| v["pools"][0]["rent_usd_per_hour"] = json!(-2.5),
        Entity::Pool,
        "gpu-east",
        "rent_usd_per_hour",
        -2.5,
        "-2.5",
    );
}

#[test]
fn negative_power() {
    assert_out_of_range(
        |v| v["pools"][1]["power_kw"] = json!(-0.7),
        Entity::Pool,
        "gpu-west",
        "power_kw",
        -0.7,
        "-0.7",
    );
}

#[test]
fn negative_servers_constant() {
    assert_out_of_range(
        |v| v["pools"][0]["servers"] = json!(-3),
        Entity::Pool,
        "gpu-east",
        "servers",
        -3.0,
        "-3",
    );
}

#[test]
fn negative_servers_in_one_slot() {
    assert_out_of_range(
        |v| v["pools"][1]["servers"] = json!([4, -1, 4, 4]),
        Entity::Pool,
        "gpu-west",
        "servers[1]",
        -1.0,
        "-1",
    );
}

#[test]
fn negative_input_gb() {
    assert_out_of_range(
        |v| v["jobs"][0]["input_gb"] = json!(-100),
        Entity::Job,
        "train",
        "input_gb",
        -100.0,
        "-100",
    );
}

#[test]
fn negative_output_gb() {
    assert_out_of_range(
        |v| v["jobs"][0]["output_gb"] = json!(-1.5),
        Entity::Job,
        "train",
        "output_gb",
        -1.5,
        "-1.5",
    );
}

#[test]
fn negative_carbon_intensity_in_one_slot() {
    assert_out_of_range(
        |v| v["regions"][0]["carbon_g_per_kwh"] = json!([300, 310, -5, 290]),
        Entity::Region,
        "east",
        "carbon_g_per_kwh[2]",
        -5.0,
        "-5",
    );
}

#[test]
fn negative_carbon_intensity_in_points() {
    assert_out_of_range(
        |v| {
            v["regions"][1]["carbon_g_per_kwh"] = json!({"points": [
                ["2026-06-01T00:00:00Z", 300], ["2026-06-01T02:00:00Z", -40]
            ]})
        },
        Entity::Region,
        "west",
        "carbon_g_per_kwh[1]",
        -40.0,
        "-40",
    );
}

#[test]
fn negative_bandwidth() {
    assert_out_of_range(
        |v| v["links"][1]["bandwidth_gbps"] = json!(-10),
        Entity::Link,
        "west->east",
        "bandwidth_gbps",
        -10.0,
        "-10",
    );
}

#[test]
fn zero_bandwidth() {
    assert_out_of_range(
        |v| v["links"][0]["bandwidth_gbps"] = json!(0),
        Entity::Link,
        "east->west",
        "bandwidth_gbps",
        0.0,
        "= 0",
    );
}

#[test]
fn negative_egress() {
    assert_out_of_range(
        |v| v["links"][0]["egress_usd_per_gb"] = json!(-0.09),
        Entity::Link,
        "east->west",
        "egress_usd_per_gb",
        -0.09,
        "-0.09",
    );
}

#[test]
fn negative_carbon_price() {
    assert_out_of_range(
        |v| v["carbon_price_usd_per_t"] = json!(-80),
        Entity::Scenario,
        "",
        "carbon_price_usd_per_t",
        -80.0,
        "-80",
    );
}

#[test]
fn negative_power_cap() {
    assert_out_of_range(
        |v| v["regions"][0]["power_cap_kw"] = json!(-4000),
        Entity::Region,
        "east",
        "power_cap_kw",
        -4000.0,
        "-4000",
    );
}

#[test]
fn zero_speed() {
    assert_out_of_range(
        |v| v["pools"][1]["speed"] = json!(0),
        Entity::Pool,
        "gpu-west",
        "speed",
        0.0,
        "= 0",
    );
}

#[test]
fn negative_speed() {
    assert_out_of_range(
        |v| v["pools"][0]["speed"] = json!(-1.5),
        Entity::Pool,
        "gpu-east",
        "speed",
        -1.5,
        "-1.5",
    );
}

#[test]
fn zero_work() {
    assert_out_of_range(
        |v| v["jobs"][0]["work"] = json!(0),
        Entity::Job,
        "train",
        "work",
        0.0,
        "= 0",
    );
}

#[test]
fn negative_work() {
    assert_out_of_range(
        |v| v["jobs"][0]["work"] = json!(-4),
        Entity::Job,
        "train",
        "work",
        -4.0,
        "-4",
    );
}

#[test]
fn zero_max_servers() {
    assert_out_of_range(
        |v| v["jobs"][0]["max_servers"] = json!(0),
        Entity::Job,
        "train",
        "max_servers",
        0.0,
        "= 0",
    );
}

#[test]
fn negative_max_servers() {
    assert_out_of_range(
        |v| v["jobs"][0]["max_servers"] = json!(-2),
        Entity::Job,
        "train",
        "max_servers",
        -2.0,
        "-2",
    );
}

// ---------------------------------------------------------------- NaN and infinities (Rust API only)

/// Builds the base scenario in Rust, applies `f`, and asserts the
/// rejection names `entity`/`id`/`field` and shows `shown` as the value.
fn assert_non_finite(
    f: impl FnOnce(&mut Scenario),
    entity: Entity,
    id: &str,
    field: &str,
    check: fn(f64) -> bool,
    shown: &str,
) {
    let mut s = parse(&base());
    f(&mut s);
    let e = rejected_scenario(&s);
    let value = out_of_range(&e, entity, id, field);
    assert!(check(value), "unexpected value {value} in {e:?}");
    let mut parts = vec![field, shown, "finite"];
    if !id.is_empty() {
        parts.push(id);
    }
    assert_mentions(&e, &parts);
}

#[test]
fn nan_pue() {
    assert_non_finite(
        |s| s.regions[0].pue = f64::NAN,
        Entity::Region,
        "east",
        "pue",
        f64::is_nan,
        "NaN",
    );
}

#[test]
fn nan_price_constant() {
    assert_non_finite(
        |s| s.regions[0].price_usd_per_mwh = Series::Constant(f64::NAN),
        Entity::Region,
        "east",
        "price_usd_per_mwh",
        f64::is_nan,
        "NaN",
    );
}

#[test]
fn nan_price_in_one_slot() {
    assert_non_finite(
        |s| s.regions[1].price_usd_per_mwh = Series::PerSlot(vec![40.0, 41.0, f64::NAN, 43.0]),
        Entity::Region,
        "west",
        "price_usd_per_mwh[2]",
        f64::is_nan,
        "NaN",
    );
}

#[test]
fn infinite_price_in_points() {
    assert_non_finite(
        |s| {
            s.regions[1].price_usd_per_mwh = Series::Points(vec![
                (ts("2026-06-01T00:00:00Z"), 40.0),
                (ts("2026-06-01T01:00:00Z"), f64::INFINITY),
            ])
        },
        Entity::Region,
        "west",
        "price_usd_per_mwh[1]",
        |v| v == f64::INFINITY,
        "inf",
    );
}

#[test]
fn infinite_carbon_in_one_slot() {
    assert_non_finite(
        |s| s.regions[0].carbon_g_per_kwh = Series::PerSlot(vec![300.0, f64::INFINITY, 1.0, 1.0]),
        Entity::Region,
        "east",
        "carbon_g_per_kwh[1]",
        |v| v == f64::INFINITY,
        "inf",
    );
}

#[test]
fn infinite_power_cap() {
    // "No cap" is spelt None, not infinity.
    assert_non_finite(
        |s| s.regions[0].power_cap_kw = Some(f64::INFINITY),
        Entity::Region,
        "east",
        "power_cap_kw",
        |v| v == f64::INFINITY,
        "inf",
    );
}

#[test]
fn infinite_servers_in_one_slot() {
    assert_non_finite(
        |s| s.pools[1].servers = Series::PerSlot(vec![4.0, 4.0, 4.0, f64::INFINITY]),
        Entity::Pool,
        "gpu-west",
        "servers[3]",
        |v| v == f64::INFINITY,
        "inf",
    );
}

#[test]
fn infinite_rent() {
    assert_non_finite(
        |s| s.pools[0].rent_usd_per_hour = f64::INFINITY,
        Entity::Pool,
        "gpu-east",
        "rent_usd_per_hour",
        |v| v == f64::INFINITY,
        "inf",
    );
}

#[test]
fn nan_power() {
    assert_non_finite(
        |s| s.pools[0].power_kw = f64::NAN,
        Entity::Pool,
        "gpu-east",
        "power_kw",
        f64::is_nan,
        "NaN",
    );
}

#[test]
fn nan_speed() {
    assert_non_finite(
        |s| s.pools[1].speed = f64::NAN,
        Entity::Pool,
        "gpu-west",
        "speed",
        f64::is_nan,
        "NaN",
    );
}

#[test]
fn infinite_bandwidth() {
    assert_non_finite(
        |s| s.links[0].bandwidth_gbps = f64::INFINITY,
        Entity::Link,
        "east->west",
        "bandwidth_gbps",
        |v| v == f64::INFINITY,
        "inf",
    );
}

#[test]
fn nan_egress() {
    assert_non_finite(
        |s| s.links[1].egress_usd_per_gb = f64::NAN,
        Entity::Link,
        "west->east",
        "egress_usd_per_gb",
        f64::is_nan,
        "NaN",
    );
}

#[test]
fn nan_carbon_price() {
    assert_non_finite(
        |s| s.carbon_price_usd_per_t = f64::NAN,
        Entity::Scenario,
        "",
        "carbon_price_usd_per_t",
        f64::is_nan,
        "NaN",
    );
}

#[test]
fn nan_work() {
    assert_non_finite(
        |s| s.jobs[0].work = f64::NAN,
        Entity::Job,
        "train",
        "work",
        f64::is_nan,
        "NaN",
    );
}

#[test]
fn infinite_work() {
    assert_non_finite(
        |s| s.jobs[0].work = f64::INFINITY,
        Entity::Job,
        "train",
        "work",
        |v| v == f64::INFINITY,
        "inf",
    );
}

#[test]
fn negative_infinite_input_gb() {
    assert_non_finite(
        |s| s.jobs[0].input_gb = f64::NEG_INFINITY,
        Entity::Job,
        "train",
        "input_gb",
        |v| v == f64::NEG_INFINITY,
        "-inf",
    );
}

#[test]
fn infinite_output_gb() {
    assert_non_finite(
        |s| s.jobs[0].output_gb = f64::INFINITY,
        Entity::Job,
        "train",
        "output_gb",
        |v| v == f64::INFINITY,
        "inf",
    );
}

#[test]
fn infinite_max_servers() {
    assert_non_finite(
        |s| s.jobs[0].max_servers = f64::INFINITY,
        Entity::Job,
        "train",
        "max_servers",
        |v| v == f64::INFINITY,
        "inf",
    );
}

// ---------------------------------------------------------------- series shape

#[test]
fn per_slot_price_too_short() {
    let mut v = base();
    v["regions"][1]["price_usd_per_mwh"] = json!([40, 41, 42]);
    let e = rejected(&v);
    assert_eq!(
        e,
        InputError::SeriesLength {
            entity: Entity::Region,
            id: "west".into(),
            field: "price_usd_per_mwh",
            expected: 4,
            got: 3
        }
    );
    assert_mentions(
        &e,
        &["region 'west'", "price_usd_per_mwh", "3 values", "4 slots"],
    );
}

#[test]
fn per_slot_servers_too_long() {
    let mut v = base();
    v["pools"][1]["servers"] = json!([4, 4, 4, 4, 4]);
    let e = rejected(&v);
    assert_eq!(
        e,
        InputError::SeriesLength {
            entity: Entity::Pool,
            id: "gpu-west".into(),
            field: "servers",
            expected: 4,
            got: 5
        }
    );
    assert_mentions(&e, &["pool 'gpu-west'", "servers", "5 values", "4 slots"]);
}

#[test]
fn per_slot_carbon_empty() {
    let mut v = base();
    v["regions"][0]["carbon_g_per_kwh"] = json!([]);
    let e = rejected(&v);
    assert_eq!(
        e,
        InputError::SeriesLength {
            entity: Entity::Region,
            id: "east".into(),
            field: "carbon_g_per_kwh",
            expected: 4,
            got: 0
        }
    );
    assert_mentions(&e, &["region 'east'", "carbon_g_per_kwh", "0 values"]);
}

#[test]
fn points_after_horizon_start() {
    let mut v = base();
    // 23:30 at UTC-1 is 00:30 UTC: half an hour after the horizon starts.
    v["regions"][0]["price_usd_per_mwh"] =
        json!({"points": [["2026-05-31T23:30:00-01:00", 50], ["2026-06-01T02:00:00Z", 60]]});
    let e = rejected(&v);
    assert_eq!(
        e,
        InputError::SeriesNotCovering {
            entity: Entity::Region,
            id: "east".into(),
            field: "price_usd_per_mwh",
            first: "2026-06-01T00:30:00+00:00".into(),
            horizon_start: ts("2026-06-01T00:00:00Z"),
        }
    );
    assert_mentions(
        &e,
        &[
            "region 'east'",
            "price_usd_per_mwh",
            "2026-06-01T00:30:00+00:00",
            "2026-06-01 00:00:00 UTC",
        ],
    );
}

#[test]
fn points_empty() {
    let mut v = base();
    v["pools"][0]["servers"] = json!({"points": []});
    let e = rejected(&v);
    match &e {
        InputError::SeriesNotCovering {
            entity: Entity::Pool,
            id,
            field: "servers",
            first,
            ..
        } => {
            assert_eq!(id, "gpu-east");
            assert!(first.contains("none"), "{first}");
        }
        other => panic!("expected SeriesNotCovering, got {other:?}"),
    }
    assert_mentions(&e, &["pool 'gpu-east'", "servers", "none"]);
}

#[test]
fn points_with_offsets_are_converted_to_utc() {
    // 03:00 at UTC+4 is 23:00 UTC the day before: it covers the start.
    // 05:30 at UTC+4 is 01:30 UTC: slot 1 is half 10, half 40.
    let mut v = base();
    v["regions"][0]["price_usd_per_mwh"] = json!({"points": [
        ["2026-06-01T03:00:00+04:00", 10], ["2026-06-01T05:30:00+04:00", 40]
    ]});
    let p = Problem::new(&parse(&v)).expect("the series covers the horizon once in UTC");
    assert_eq!(
        p.regions()[0].price_usd_per_mwh,
        vec![10.0, 25.0, 40.0, 40.0]
    );
}

#[test]
fn points_out_of_order() {
    let mut v = base();
    v["pools"][1]["servers"] = json!({"points": [
        ["2026-06-01T00:00:00Z", 4], ["2026-06-01T02:00:00Z", 6], ["2026-06-01T01:00:00Z", 8]
    ]});
    let e = rejected(&v);
    assert_eq!(
        e,
        InputError::PointsOutOfOrder {
            entity: Entity::Pool,
            id: "gpu-west".into(),
            field: "servers",
            index: 2,
            previous: ts("2026-06-01T02:00:00Z"),
            this: ts("2026-06-01T01:00:00Z"),
        }
    );
    assert_mentions(
        &e,
        &[
            "pool 'gpu-west'",
            "servers",
            "point 2",
            "point 1",
            "2026-06-01 01:00:00 UTC",
            "2026-06-01 02:00:00 UTC",
        ],
    );
}

#[test]
fn points_equal_once_in_utc() {
    // 04:00 at UTC+4 is the same instant as 00:00 UTC: not strictly after.
    let mut v = base();
    v["regions"][0]["price_usd_per_mwh"] = json!({"points": [
        ["2026-06-01T00:00:00Z", 38], ["2026-06-01T04:00:00+04:00", 55]
    ]});
    let e = rejected(&v);
    assert_eq!(
        e,
        InputError::PointsOutOfOrder {
            entity: Entity::Region,
            id: "east".into(),
            field: "price_usd_per_mwh",
            index: 1,
            previous: ts("2026-06-01T00:00:00Z"),
            this: ts("2026-06-01T00:00:00Z"),
        }
    );
    assert_mentions(
        &e,
        &[
            "region 'east'",
            "price_usd_per_mwh",
            "point 1",
            "point 0",
            "2026-06-01 00:00:00 UTC",
        ],
    );
}

// ---------------------------------------------------------------- jobs

#[test]
fn deadline_equal_to_release() {
    let mut v = base();
    v["jobs"][0]["release"] = "2026-06-01T02:00:00Z".into();
    v["jobs"][0]["deadline"] = "2026-06-01T02:00:00Z".into();
    let e = rejected(&v);
    assert_eq!(
        e,
        InputError::DeadlineNotAfterRelease {
            id: "train".into(),
            release: ts("2026-06-01T02:00:00Z"),
            deadline: ts("2026-06-01T02:00:00Z"),
        }
    );
    assert_mentions(
        &e,
        &[
            "job 'train'",
            "deadline",
            "release",
            "2026-06-01 02:00:00 UTC",
        ],
    );
}

#[test]
fn deadline_before_release_once_in_utc() {
    // 03:00 at UTC-2 is 05:00 UTC, after the 04:00 UTC deadline, although
    // the wall clock reads earlier.
    let mut v = base();
    v["jobs"][0]["release"] = "2026-06-01T03:00:00-02:00".into();
    v["jobs"][0]["deadline"] = "2026-06-01T04:00:00Z".into();
    let e = rejected(&v);
    assert_eq!(
        e,
        InputError::DeadlineNotAfterRelease {
            id: "train".into(),
            release: ts("2026-06-01T05:00:00Z"),
            deadline: ts("2026-06-01T04:00:00Z"),
        }
    );
    assert_mentions(
        &e,
        &[
            "job 'train'",
            "deadline 2026-06-01 04:00:00 UTC",
            "release 2026-06-01 05:00:00 UTC",
        ],
    );
}

#[test]
fn deadline_at_horizon_start_without_release() {
    // No release means the horizon start.
    let mut v = base();
    v["jobs"][0]["deadline"] = "2026-06-01T04:00:00+04:00".into();
    let e = rejected(&v);
    assert_eq!(
        e,
        InputError::DeadlineNotAfterRelease {
            id: "train".into(),
            release: ts("2026-06-01T00:00:00Z"),
            deadline: ts("2026-06-01T00:00:00Z"),
        }
    );
    assert_mentions(&e, &["job 'train'", "deadline", "not after release"]);
}

#[test]
fn empty_allowed_regions() {
    let mut v = base();
    v["jobs"][0]["regions"] = json!([]);
    let e = rejected(&v);
    match &e {
        InputError::BadReference {
            entity: Entity::Job,
            id,
            field: "regions",
            problem,
        } => {
            assert_eq!(id, "train");
            assert!(problem.contains("empty"), "{problem}");
        }
        other => panic!("expected BadReference on regions, got {other:?}"),
    }
    assert_mentions(&e, &["job 'train'", "regions", "empty"]);
}

#[test]
fn region_named_twice() {
    let mut v = base();
    v["jobs"][0]["regions"] = json!(["west", "east", "west"]);
    let e = rejected(&v);
    match &e {
        InputError::BadReference {
            entity: Entity::Job,
            id,
            field: "regions",
            problem,
        } => {
            assert_eq!(id, "train");
            assert!(problem.contains("'west'"), "{problem}");
        }
        other => panic!("expected BadReference on regions, got {other:?}"),
    }
    assert_mentions(&e, &["job 'train'", "regions", "'west'", "twice"]);
}

#[test]
fn link_to_itself() {
    let mut v = base();
    v["links"]
        .as_array_mut()
        .unwrap()
        .push(json!({"from": "west", "to": "west", "bandwidth_gbps": 10, "egress_usd_per_gb": 0}));
    let e = rejected(&v);
    match &e {
        InputError::BadReference {
            entity: Entity::Link,
            id,
            field: "to",
            problem,
        } => {
            assert_eq!(id, "west->west");
            assert!(problem.contains("'west'"), "{problem}");
        }
        other => panic!("expected BadReference on a looping link, got {other:?}"),
    }
    assert_mentions(&e, &["link 'west->west'", "to", "'west'", "own source"]);
}

// ---------------------------------------------------------------- JSON

/// Asserts `e` is a JSON error at `path` whose message contains each of
/// `parts`, and that its Display leads with the path.
fn assert_json(e: &InputError, path: &str, parts: &[&str]) {
    match e {
        InputError::Json { path: p, message } => {
            assert_eq!(p, path, "path of {e:?}");
            for part in parts {
                assert!(
                    message.contains(part),
                    "message {message:?} should mention {part:?}"
                );
            }
        }
        other => panic!("expected InputError::Json at {path}, got {other:?}"),
    }
    assert!(
        e.to_string().starts_with(&format!("{path}: ")),
        "{e} should start with the path"
    );
}

#[test]
fn malformed_deadline() {
    let mut v = base();
    v["jobs"][0]["deadline"] = "2026-06-01 25:00".into();
    assert_json(&json_error(&v), "jobs[0].deadline", &[]);
}

#[test]
fn malformed_release() {
    let mut v = base();
    v["jobs"][0]["release"] = "tomorrow".into();
    assert_json(&json_error(&v), "jobs[0].release", &[]);
}

#[test]
fn malformed_horizon_start() {
    let mut v = base();
    v["horizon"]["start"] = "2026-13-01T00:00:00Z".into();
    assert_json(&json_error(&v), "horizon.start", &[]);
}

#[test]
fn timestamp_without_offset_is_rejected() {
    // An instant without an offset is ambiguous: RFC 3339 requires one.
    let mut v = base();
    v["jobs"][0]["deadline"] = "2026-06-01T04:00:00".into();
    assert_json(&json_error(&v), "jobs[0].deadline", &[]);
}

#[test]
fn malformed_point_instant() {
    let mut v = base();
    v["regions"][1]["price_usd_per_mwh"] =
        json!({"points": [["2026-06-01T00:00:00Z", 40], ["noon", 45]]});
    assert_json(
        &json_error(&v),
        "regions[1].price_usd_per_mwh.points[1][0]",
        &[],
    );
}

#[test]
fn misspelt_job_field() {
    let mut v = base();
    let deadline = v["jobs"][0]
        .as_object_mut()
        .unwrap()
        .remove("deadline")
        .unwrap();
    v["jobs"][0]["deadlin"] = deadline;
    assert_json(
        &json_error(&v),
        "jobs[0].deadlin",
        &["unknown field", "deadlin", "deadline"],
    );
}

#[test]
fn unknown_top_level_field() {
    let mut v = base();
    v["carbon_price"] = json!(80);
    assert_json(
        &json_error(&v),
        "carbon_price",
        &["unknown field", "`carbon_price`"],
    );
}

#[test]
fn unknown_horizon_field() {
    let mut v = base();
    v["horizon"]["timezone"] = "UTC".into();
    assert_json(
        &json_error(&v),
        "horizon.timezone",
        &["unknown field", "timezone"],
    );
}

#[test]
fn misspelt_region_field() {
    let mut v = base();
    v["regions"][1]["power_cap_kW"] = json!(100);
    assert_json(
        &json_error(&v),
        "regions[1].power_cap_kW",
        &["unknown field", "power_cap_kW"],
    );
}

#[test]
fn misspelt_pool_field() {
    let mut v = base();
    v["pools"][1]["rent_include_energy"] = json!(true);
    assert_json(
        &json_error(&v),
        "pools[1].rent_include_energy",
        &["unknown field", "rent_include_energy"],
    );
}

#[test]
fn misspelt_link_field() {
    let mut v = base();
    v["links"][0]["egress_usd_per_gbit"] = json!(0.01);
    assert_json(
        &json_error(&v),
        "links[0].egress_usd_per_gbit",
        &["unknown field", "egress_usd_per_gbit"],
    );
}

#[test]
fn misspelt_points_key() {
    let mut v = base();
    v["regions"][0]["price_usd_per_mwh"] = json!({"point": [["2026-06-01T00:00:00Z", 40]]});
    assert_json(
        &json_error(&v),
        "regions[0].price_usd_per_mwh",
        &["unknown field", "point"],
    );
}

#[test]
fn missing_required_field() {
    let mut v = base();
    v["jobs"][0].as_object_mut().unwrap().remove("max_servers");
    assert_json(
        &json_error(&v),
        "jobs[0]",
        &["missing field", "max_servers"],
    );
}

#[test]
fn wrong_type_number_as_string() {
    let mut v = base();
    v["jobs"][0]["work"] = "ten".into();
    assert_json(
        &json_error(&v),
        "jobs[0].work",
        &["invalid type", "\"ten\""],
    );
}

#[test]
fn wrong_type_in_series_element() {
    let mut v = base();
    v["pools"][1]["servers"] = json!([4, 4, "four", 4]);
    assert_json(
        &json_error(&v),
        "pools[1].servers[2]",
        &["invalid type", "\"four\""],
    );
}

#[test]
fn wrong_type_series() {
    let mut v = base();
    v["regions"][0]["price_usd_per_mwh"] = json!(true);
    assert_json(
        &json_error(&v),
        "regions[0].price_usd_per_mwh",
        &["invalid type", "boolean"],
    );
}

#[test]
fn wrong_type_negative_slots() {
    let mut v = base();
    v["horizon"]["slots"] = json!(-4);
    assert_json(&json_error(&v), "horizon.slots", &["-4"]);
}

#[test]
fn wrong_type_fractional_slot_seconds() {
    let mut v = base();
    v["horizon"]["slot_seconds"] = json!(900.5);
    assert_json(
        &json_error(&v),
        "horizon.slot_seconds",
        &["invalid type", "900.5"],
    );
}

#[test]
fn wrong_type_regions_not_a_list() {
    let mut v = base();
    v["jobs"][0]["regions"] = "east".into();
    assert_json(
        &json_error(&v),
        "jobs[0].regions",
        &["invalid type", "\"east\""],
    );
}

#[test]
fn unknown_placement() {
    let mut v = base();
    v["jobs"][0]["placement"] = "spread".into();
    assert_json(
        &json_error(&v),
        "jobs[0].placement",
        &["unknown variant", "spread", "split", "whole"],
    );
}

/// A horizon too long to hold per slot is an input error, not an attempt
/// to allocate it (or a capacity-overflow panic).
#[test]
fn absurdly_many_slots() {
    let mut v = base();
    v["horizon"]["slots"] = 4_611_686_018_427_387_904u64.into();
    let e = rejected(&v);
    assert!(
        matches!(
            e,
            InputError::TooLarge {
                value: 4_611_686_018_427_387_904,
                ..
            }
        ),
        "{e:?}"
    );
    assert_mentions(&e, &["horizon.slots = 4611686018427387904", "at most"]);
}

/// Many pools times many slots is refused before anything is allocated.
#[test]
fn too_many_pool_slots() {
    let mut v = base();
    // Within MAX_SLOTS, but (12 pools + 2 regions) × 5e6 slots = 7e7 cells.
    v["horizon"]["slots"] = 5_000_000u64.into();
    for i in 0..10 {
        let mut pool = v["pools"][0].clone();
        pool["id"] = format!("extra-{i}").into();
        v["pools"].as_array_mut().unwrap().push(pool);
    }
    let e = rejected(&v);
    assert!(
        matches!(e, InputError::TooLarge { what, .. } if what.contains("pools")),
        "{e:?}"
    );
    assert_mentions(&e, &["(pools + regions) × slots", "at most 50000000"]);
}

/// Values each in range whose product overflows are an input error, not an
/// infinite cost handed to the solver.
#[test]
fn overflowing_cost_is_rejected() {
    let mut v = base();
    v["pools"][0]["power_kw"] = 1e300.into();
    v["regions"][0]["price_usd_per_mwh"] = 1e300.into();
    let e = rejected(&v);
    assert!(
        matches!(
            e,
            InputError::Overflow {
                entity: Entity::Pool,
                ..
            }
        ),
        "{e:?}"
    );
    assert_mentions(&e, &["not a finite number", "server-hour"]);
}

// ------------------------------------------------- strict parsing (issue 8)

/// Anything after the scenario object is an error, not silently ignored.
#[test]
fn trailing_content_after_the_object_is_rejected() {
    let text = base().to_string();
    for tail in ["{}", "\0", " x", "]", "1"] {
        let e = Scenario::from_json(&format!("{text}{tail}"))
            .expect_err("trailing content should be rejected")
            .as_input()
            .cloned()
            .expect("an input error");
        assert_json(&e, ".", &["trailing characters", "one JSON object"]);
    }
    // Whitespace after the object is fine.
    assert!(Scenario::from_json(&format!("{text} \n\t\r\n")).is_ok());
}

/// An entity written as a positional array would skip the unknown-field
/// check and put values in fields by position: it is an error, at its path.
#[test]
fn positional_arrays_instead_of_objects_are_rejected() {
    // The whole scenario as an array of its five fields.
    let v = base();
    let root = json!([
        v["horizon"],
        50,
        v["regions"],
        v["pools"],
        v["links"],
        v["jobs"]
    ]);
    let e = Scenario::from_json(&root.to_string())
        .expect_err("array root")
        .as_input()
        .cloned()
        .expect("an input error");
    assert_json(&e, ".", &["sequence", "struct Scenario"]);
    // One entity of each kind as an array.
    let cases = [
        ("horizon", json!(["2026-06-01T00:00:00Z", 3600, 4])),
        ("regions[0]", json!(["east", 1.2, 50])),
        ("pools[0]", json!(["gpu-east", "east", 8, 2, 1, 1.0, false])),
        ("links[0]", json!(["east", "west", 10, 0.05])),
        (
            "jobs[0]",
            json!(["train", "east", 4, 100, 1, null, "2026-06-01T04:00:00Z", 4]),
        ),
    ];
    for (path, array) in cases {
        let mut v = base();
        match path.split_once('[') {
            None => v[path] = array,
            Some((list, _)) => v[list][0] = array,
        }
        let e = json_error(&v);
        assert_json(&e, path, &["invalid type: sequence"]);
    }
}
