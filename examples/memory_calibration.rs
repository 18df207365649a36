//! Measures what one solver call holds, to calibrate the memory estimate
//! (`src/solve/memory.rs`): solves the shape of the issue-25 reproducers
//! (JOBS jobs of work 1 over POOLS one-server pools of one region, SLOTS
//! one-minute slots) with one backend, the whole model in one call
//! (`ColumnGeneration::Never`), or only builds the model (`build`).
//!
//! `cargo run --release --example memory_calibration -- BACKEND|build JOBS POOLS SLOTS [whole]`
//!
//! Run it under `/usr/bin/time -f %M`: the peak of a solve less the peak
//! of `build` at the same size is the solver's own memory. It prints the
//! estimate of the model (columns, nonzeros) and the backend's estimate.

use geoshift::{Backend, ColumnGeneration, Optimal, Problem, Scenario};
use std::time::Duration;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "BACKEND|build JOBS POOLS SLOTS [whole]";
    let what = args.first().expect(usage).clone();
    let n = |i: usize| -> usize { args.get(i).expect(usage).parse().expect(usage) };
    let (jobs, pools, slots) = (n(1), n(2), n(3));
    let whole = args.get(4).is_some_and(|a| a == "whole");
    let pools_json: Vec<String> = (0..pools)
        .map(|k| {
            format!(
                r#"{{"id": "p{k}", "region": "r{r}", "servers": 1, "rent_usd_per_hour": {rent}, "power_kw": 1.0}}"#,
                r = if whole { k % 2 } else { 0 },
                rent = 1.0 + 0.01 * k as f64
            )
        })
        .collect();
    let jobs_json: Vec<String> = (0..jobs)
        .map(|j| {
            format!(
                r#"{{"id": "j{j}", "origin": "r0", "work": 1.0, "deadline": "2036-06-08T00:00:00Z", "max_servers": 1{placement}}}"#,
                placement = if whole { r#", "placement": "whole""# } else { "" }
            )
        })
        .collect();
    let regions = if whole {
        r#"{"id": "r0", "pue": 1.0, "price_usd_per_mwh": 10.0}, {"id": "r1", "pue": 1.0, "price_usd_per_mwh": 11.0}"#
    } else {
        r#"{"id": "r0", "pue": 1.0, "price_usd_per_mwh": 10.0}"#
    };
    let json = format!(
        r#"{{"horizon": {{"start": "2026-06-01T00:00:00Z", "slot_seconds": 60, "slots": {slots}}}, "regions": [{regions}], "pools": [{}], "links": [], "jobs": [{}]}}"#,
        pools_json.join(", "),
        jobs_json.join(", ")
    );
    let scenario = Scenario::from_json(&json).expect("a valid scenario");
    let problem = Problem::new(&scenario).expect("a valid scenario");
    let estimate = Optimal::new(Backend::Microlp).estimate(&problem);
    println!(
        "columns {} nonzeros {} resident {} matrix {}",
        estimate.columns,
        estimate.nonzeros,
        Problem::estimate_bytes(&scenario),
        estimate.matrix_bytes
    );
    if what == "build" {
        let size = Optimal::new(Backend::Microlp).model_size(&problem);
        println!("built {size:?}");
        return;
    }
    let backend = Backend::from_name(&what).expect("a backend compiled in");
    let optimal = Optimal::new(backend)
        .column_generation(ColumnGeneration::Never)
        .memory_budget(usize::MAX)
        .time_limit(Duration::from_secs(600));
    match optimal.solve(&problem) {
        Ok(s) => println!("total {:.4}", s.report.total_usd),
        Err(e) => println!("error {e}"),
    }
}
