//! Fuzzing kept in the suite (issue 8, item 7): arbitrary JSON and mutated
//! valid scenarios go through parsing, validation, both heuristics and the
//! evaluator. Whatever the input, nothing panics, every failure is the
//! documented class (a JSON error from parsing, an input error from
//! validation, an honest infeasibility from a heuristic, never a solver
//! failure or a plan the evaluator rejects), every message stays short, and
//! memory stays bounded (counted by the allocator below).
//!
//! The case count is small and fixed so the suite stays fast;
//! `GEOSHIFT_FUZZ_CASES=N` runs more (CI runs a fixed larger budget).

mod counting;

use geoshift::{evaluate, Error, Greedy, InputError, Local, Problem, Scenario, Scheduler};
use geoshift::{CarbonGreedy, CheapestRegion, EdfHome, WaitAwhile};
use proptest::prelude::*;
use serde_json::{json, Value};

/// Most bytes in use at once over the whole run: the fuzzed scenarios are
/// small files, so anything near this is an amplification bug.
const MEMORY_BOUND: usize = 512 << 20;

/// Longest message any error may print for these small inputs.
const MESSAGE_BOUND: usize = 4_000;

fn cases(default: u32) -> u32 {
    std::env::var("GEOSHIFT_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Valid scenarios to mutate: a small hand-written one and the shipped
/// ones, parsed once.
fn seeds() -> &'static [Value] {
    static SEEDS: std::sync::OnceLock<Vec<Value>> = std::sync::OnceLock::new();
    SEEDS.get_or_init(parse_seeds)
}

fn parse_seeds() -> Vec<Value> {
    let small = json!({
        "horizon": {"start": "2026-06-01T00:00:00Z", "slot_seconds": 3600, "slots": 4},
        "carbon_price_usd_per_t": 50,
        "regions": [
            {"id": "east", "pue": 1.2, "price_usd_per_mwh": 50, "carbon_g_per_kwh": 300,
             "power_cap_kw": 100},
            {"id": "west", "pue": 1.1, "price_usd_per_mwh": [40, 41, -42, 43]}
        ],
        "pools": [
            {"id": "gpu-east", "region": "east", "servers": 8, "rent_usd_per_hour": 2,
             "power_kw": 1},
            {"id": "gpu-west", "region": "west", "servers": [4, 4, 4, 4],
             "rent_usd_per_hour": 3, "power_kw": 1.5, "speed": 2, "rent_includes_energy": true}
        ],
        "links": [
            {"from": "east", "to": "west", "bandwidth_gbps": 10, "egress_usd_per_gb": 0.05},
            {"from": "west", "to": "east", "bandwidth_gbps": 10, "egress_usd_per_gb": 0.05}
        ],
        "jobs": [
            {"id": "train", "origin": "east", "work": 4, "input_gb": 100, "output_gb": 1,
             "deadline": "2026-06-01T04:00:00Z", "max_servers": 4},
            {"id": "tune", "origin": "west", "work": 2, "release": "2026-06-01T01:00:00+01:00",
             "deadline": "2026-06-01T03:30:00Z", "max_servers": 2, "placement": "whole",
             "regions": ["west", "east"]}
        ]
    });
    let shipped = [
        include_str!("../scenarios/ny-vs-gulf.json"),
        include_str!("../scenarios/follow-the-cheap-hours.json"),
    ];
    let mut all = vec![small];
    all.extend(
        shipped
            .iter()
            .map(|t| serde_json::from_str(t).expect("shipped JSON")),
    );
    all
}

/// Values a mutation may put anywhere: edge numbers, wrong types, long
/// strings, instants at the edges of chrono's range.
fn odd_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::sample::select(vec![
            json!(0),
            json!(-1),
            json!(1),
            json!(0.5),
            json!(5e-324),
            json!(1e-10),
            json!(1e11),
            json!(1.7e308),
            json!(-1.7e308),
            json!(4294967296u64),
            json!(u64::MAX),
            json!(i64::MIN),
            json!(527041),
            json!(1e-3),
            json!(null),
            json!(true),
            json!(""),
            json!("x".repeat(10_000)),
            json!("2026-06-01T03:10:00Z"),
            json!("2026-06-01T03:50:00+05:00"),
            json!("+262142-12-31T23:59:59Z"),
            json!("-262143-01-01T00:00:00Z"),
            json!("split"),
            json!("whole"),
            json!([]),
            json!([1, 2, 3]),
            json!({}),
            json!({"points": []}),
            json!({"points": [["2026-06-01T00:00:00Z", 1e308], ["2026-06-01T00:00:00.5Z", -1e308]]}),
        ]),
        any::<f64>()
            .prop_filter("JSON has no NaN or infinity", |v| v.is_finite())
            .prop_map(|v| json!(v)),
        any::<i64>().prop_map(|v| json!(v)),
        "[a-z0-9 -]{0,12}".prop_map(Value::String),
    ]
}

/// A mutation: where (a walk of random choices) and what.
#[derive(Debug, Clone)]
enum Mutation {
    Set(Vec<usize>, Value),
    Remove(Vec<usize>),
    Duplicate(Vec<usize>),
    AddField(Vec<usize>, String, Value),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let path = prop::collection::vec(any::<usize>(), 0..5);
    prop_oneof![
        4 => (path.clone(), odd_value()).prop_map(|(p, v)| Mutation::Set(p, v)),
        1 => path.clone().prop_map(Mutation::Remove),
        1 => path.clone().prop_map(Mutation::Duplicate),
        1 => (path, "[a-z_]{1,12}", odd_value()).prop_map(|(p, k, v)| Mutation::AddField(p, k, v)),
    ]
}

/// The value reached by following `walk` (each step picks a child by its
/// index modulo the number of children), stopping at a leaf.
fn walk<'a>(mut v: &'a mut Value, walk: &[usize]) -> &'a mut Value {
    for &step in walk {
        let n = match v {
            Value::Array(a) => a.len(),
            Value::Object(o) => o.len(),
            _ => 0,
        };
        if n == 0 {
            break;
        }
        v = match v {
            Value::Array(a) => &mut a[step % n],
            Value::Object(o) => o.values_mut().nth(step % n).expect("in range"),
            _ => unreachable!(),
        };
    }
    v
}

fn apply(v: &mut Value, m: &Mutation) {
    match m {
        Mutation::Set(path, new) => *walk(v, path) = new.clone(),
        Mutation::Remove(path) => {
            let (last, parent) = path.split_last().map_or((0, &path[..0]), |(l, p)| (*l, p));
            match walk(v, parent) {
                Value::Array(a) if !a.is_empty() => {
                    let i = last % a.len();
                    a.remove(i);
                }
                Value::Object(o) if !o.is_empty() => {
                    let key = o.keys().nth(last % o.len()).cloned().expect("in range");
                    o.remove(&key);
                }
                _ => {}
            }
        }
        Mutation::Duplicate(path) => {
            if let Value::Array(a) = walk(v, path) {
                if let Some(first) = a.first().cloned() {
                    a.push(first);
                }
            }
        }
        Mutation::AddField(path, key, new) => {
            if let Value::Object(o) = walk(v, path) {
                o.insert(key.clone(), new.clone());
            }
        }
    }
}

/// Arbitrary JSON values, a few levels deep.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<f64>()
            .prop_filter("finite", |v| v.is_finite())
            .prop_map(|v| json!(v)),
        any::<i64>().prop_map(|v| json!(v)),
        "\\PC{0,16}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::btree_map(
                prop::sample::select(vec![
                    "horizon",
                    "regions",
                    "pools",
                    "links",
                    "jobs",
                    "id",
                    "start",
                    "slots",
                    "slot_seconds",
                    "work",
                    "points",
                    "x",
                ])
                .prop_map(String::from),
                inner,
                0..6,
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Parses, validates, runs both heuristics and evaluates their plans,
/// checking every outcome against the documented classes.
fn check(text: &str) -> Result<(), TestCaseError> {
    let scenario = match Scenario::from_json(text) {
        Ok(s) => s,
        Err(e) => {
            prop_assert!(
                matches!(e, Error::Input(InputError::Json { .. })),
                "parse gave {e:?}"
            );
            prop_assert!(e.to_string().len() <= MESSAGE_BOUND, "long message: {e}");
            return Ok(());
        }
    };
    let problem = match Problem::new(&scenario) {
        Ok(p) => p,
        Err(e) => {
            prop_assert!(
                matches!(e, Error::Input(ref i) if !matches!(i, InputError::Json { .. })),
                "validation gave {e:?}"
            );
            prop_assert!(e.to_string().len() <= MESSAGE_BOUND, "long message: {e}");
            return Ok(());
        }
    };
    for w in problem.capacity_warnings() {
        prop_assert!(w.to_string().len() <= MESSAGE_BOUND);
    }
    let heuristics: [&dyn Scheduler; 6] = [
        &Local,
        &Greedy,
        &EdfHome,
        &WaitAwhile,
        &CheapestRegion,
        &CarbonGreedy,
    ];
    for s in heuristics {
        match s.schedule(&problem) {
            Ok(schedule) => {
                if let Err(e) = evaluate(&problem, s.name(), &schedule) {
                    return Err(TestCaseError::fail(format!(
                        "{}: its plan fails the evaluator: {e}\n{text}",
                        s.name()
                    )));
                }
            }
            Err(Error::Infeasible(i)) => {
                prop_assert!(!i.jobs.is_empty());
                prop_assert!(i.to_string().len() <= MESSAGE_BOUND, "long message: {i}");
            }
            Err(e) => {
                return Err(TestCaseError::fail(format!(
                    "{}: undocumented failure {e:?}\n{text}",
                    s.name()
                )))
            }
        }
    }
    let peak = counting::peak_in_use();
    prop_assert!(peak <= MEMORY_BOUND, "{peak} bytes in use at once");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(96), ..ProptestConfig::default() })]

    #[test]
    fn mutated_scenarios(seed in 0usize..3, mutations in prop::collection::vec(mutation(), 1..4)) {
        let mut v = seeds()[seed].clone();
        for m in &mutations {
            apply(&mut v, m);
        }
        check(&v.to_string())?;
    }

    #[test]
    fn arbitrary_json(v in any_json(), tail in prop::sample::select(vec!["", " ", "\0", "{}", "]"])) {
        check(&format!("{v}{tail}"))?;
    }

    #[test]
    fn arbitrary_text(text in "\\PC{0,64}") {
        check(&text)?;
    }
}

/// The README promises `Send + Sync` public types, for services that share
/// a problem between threads: checked at compile time.
#[test]
fn public_types_are_send_and_sync() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Scenario>();
    send_sync::<Problem>();
    send_sync::<geoshift::Schedule>();
    send_sync::<geoshift::Report>();
    send_sync::<geoshift::Error>();
    send_sync::<InputError>();
    send_sync::<geoshift::Infeasible>();
    send_sync::<geoshift::ScheduleViolation>();
    send_sync::<geoshift::CapacityWarning>();
    send_sync::<geoshift::Optimal>();
    send_sync::<Local>();
    send_sync::<Greedy>();
    send_sync::<EdfHome>();
    send_sync::<WaitAwhile>();
    send_sync::<CheapestRegion>();
    send_sync::<CarbonGreedy>();
    send_sync::<geoshift::Backend>();
    send_sync::<geoshift::Series>();
    send_sync::<geoshift::Horizon>();
    send_sync::<geoshift::data::ScenarioBuilder>();
    send_sync::<Box<dyn Scheduler + Send + Sync>>();
}
