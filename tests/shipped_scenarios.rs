//! Each file under `scenarios/` is exactly what the builder makes from the
//! bundled data now (rewrite them with `cargo run --example
//! build_scenarios`), and each solves to an optimum the evaluator accepts.

#[path = "../examples/shipped/mod.rs"]
mod shipped;

use geoshift::data::DataSet;
use geoshift::{evaluate, Optimal, Problem, Scenario, Scheduler};
use std::path::Path;

fn shipped_file(name: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    Scenario::from_json(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_shipped_file_is_what_the_builder_makes() {
    let data = DataSet::bundled().unwrap();
    for (name, build) in shipped::all() {
        let built = build(&data).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            shipped_file(name) == built,
            "scenarios/{name} differs from what the builder makes now: \
             run `cargo run --example build_scenarios`"
        );
    }
}

#[test]
fn every_shipped_scenario_solves_and_is_valid() {
    let data = DataSet::bundled().unwrap();
    for (name, build) in shipped::all() {
        let scenario = build(&data).unwrap();
        let problem = Problem::new(&scenario).unwrap_or_else(|e| panic!("{name}: {e}"));
        let schedule = Optimal::default()
            .schedule(&problem)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let report =
            evaluate(&problem, "optimal", &schedule).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(report.total_usd.is_finite(), "{name}");
    }
}

#[test]
fn carbon_fleets_differ_only_by_the_carbon_price() {
    let data = DataSet::bundled().unwrap();
    let at = |price| shipped::carbon_priced(&data, price).unwrap();
    let (zero, mut hundred) = (at(0.0), at(100.0));
    assert_eq!(zero.carbon_price_usd_per_t, 0.0);
    assert_eq!(hundred.carbon_price_usd_per_t, 100.0);
    hundred.carbon_price_usd_per_t = 0.0;
    assert_eq!(hundred, zero);
}

/// The numbers the NY-vs-Gulf story rests on, as the data give them.
#[test]
fn ny_vs_gulf_list_prices() {
    let s = shipped_file("ny-vs-gulf.json");
    let rent = |id: &str| {
        s.pools
            .iter()
            .find(|p| p.id == id)
            .map(|p| (p.rent_usd_per_hour, p.rent_includes_energy))
            .unwrap()
    };
    assert_eq!(rent("me-west1-a100-ondemand"), (32.32579, true));
    assert_eq!(rent("us-east1-a100-ondemand"), (29.38708, true));
    assert_eq!(rent("me-west1-a100-spot"), (11.14528, true));
    assert_eq!(rent("us-east1-a100-spot"), (14.4308, true));
    assert_eq!(
        rent("ny-a100-owned"),
        (shipped::NY_OWNED_RENT_USD_PER_HOUR, false)
    );
}
