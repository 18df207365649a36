//! Prints every progress event of the optimum on a `synth` bench size, with
//! the seconds since the start: where a long solve spends its time, and
//! which stage gave the answer's bound and which its plan.
//!
//! `cargo run --release --example engine_trace -- SIZE_INDEX [SOLVER] [GAP] [TIME_LIMIT] [sift|full]`
//!
//! SIZE_INDEX is an index into `geoshift::synth::bench_sizes()`: 5 is the
//! (300, 20, 168) fleet with 20 % Whole jobs. A path to a scenario file
//! (ending in `.json`, such as `scenarios/ny-vs-marketplace-hardware.json`)
//! traces that scenario instead.
//!
//! With `GEOSHIFT_SWEEP=0,50,100` set, it sweeps the carbon price over
//! those values instead (no progress events): each point's seconds and
//! whether it was warm, then the sweep's total.

use geoshift::synth::{bench_sizes, generate};
use geoshift::{
    evaluate, Backend, ColumnGeneration, Optimal, Problem, Progress, Scenario, Stage, Sweep,
    SweepAxis,
};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The stage that last raised the bound, and the one that last lowered
/// the incumbent, with the values.
#[derive(Default)]
struct Origin {
    bound: Option<(Stage, f64)>,
    plan: Option<(Stage, f64)>,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let first = args.get(1).map(String::as_str).unwrap_or("2");
    let backend = args
        .get(2)
        .and_then(|s| s.parse::<Backend>().ok())
        .unwrap_or_default();
    let scenario = match first.ends_with(".json") {
        true => {
            let text = std::fs::read_to_string(first).expect("the scenario file reads");
            Scenario::from_json(&text).expect("the scenario file parses")
        }
        false => generate(
            &bench_sizes()[first
                .parse::<usize>()
                .expect("a size index or a .json path")],
        ),
    };
    let problem = Problem::new(&scenario).expect("the scenario is valid");
    if let Ok(prices) = std::env::var("GEOSHIFT_SWEEP") {
        let prices: Vec<f64> = prices
            .split(',')
            .map(|v| v.parse().expect("a price"))
            .collect();
        let clock = Instant::now();
        let mut optimal = Optimal::new(backend);
        if std::env::var_os("GEOSHIFT_TRACE").is_some() {
            optimal = optimal.on_progress(move |p| {
                eprintln!("{:8.3} s  {p:?}", clock.elapsed().as_secs_f64());
            });
        }
        let curve = Sweep::new(SweepAxis::CarbonPrice(prices))
            .optimal(optimal)
            .run(&problem)
            .expect("the sweep runs");
        for p in &curve.points {
            println!(
                "${:>6.1}/t  total ${:.2}  gap {:.1e}  {:.3} s  warm {}",
                p.setting, p.total_usd, p.gap, p.seconds, p.warm
            );
        }
        println!(
            "sweep of {} points: {:.1} s",
            curve.points.len(),
            clock.elapsed().as_secs_f64()
        );
        return;
    }
    let clock = Instant::now();
    let origin = Arc::new(Mutex::new(Origin::default()));
    let seen = Arc::clone(&origin);
    let mut optimal = Optimal::new(backend).on_progress(move |p| {
        eprintln!("{:8.3} s  {p:?}", clock.elapsed().as_secs_f64());
        if let Progress::Round {
            stage,
            columns,
            incumbent_usd,
            bound_usd,
            ..
        } = p
        {
            // A bound of the MILP comes from the relaxation's summary
            // (no incumbent), the exact MILP, or the search's summaries
            // (no columns); the inner LPs of the fixed plan and of the
            // search's nodes report their own bounds. A plan comes from
            // the rounded or fixed plan, the exact MILP or the search (a relaxation's
            // point is no plan).
            let global_bound = match stage {
                Stage::Relaxation => incumbent_usd.is_none(),
                Stage::Priced | Stage::Exact => true,
                Stage::Branch => *columns == 0,
                _ => false,
            };
            let mut o = seen.lock().unwrap_or_else(|e| e.into_inner());
            if global_bound && o.bound.is_none_or(|(_, b)| *bound_usd > b) {
                o.bound = Some((*stage, *bound_usd));
            }
            let plan = matches!(
                stage,
                Stage::Rounded | Stage::Fixed | Stage::Exact | Stage::Branch
            );
            if let Some(inc) = incumbent_usd.filter(|_| plan) {
                if o.plan.is_none_or(|(_, v)| inc < v) {
                    o.plan = Some((*stage, inc));
                }
            }
        }
    });
    if let Some(gap) = args.get(3).and_then(|s| s.parse().ok()) {
        optimal = optimal.gap(gap);
    }
    if let Some(t) = args.get(4).and_then(|s| s.parse::<f64>().ok()) {
        optimal = optimal.time_limit(Duration::from_secs_f64(t));
    }
    match args.get(5).map(String::as_str) {
        Some("sift") => optimal = optimal.column_generation(ColumnGeneration::Always),
        Some("full") => optimal = optimal.column_generation(ColumnGeneration::Never),
        _ => {}
    }
    match optimal.solve(&problem) {
        Ok(s) => {
            let r = evaluate(&problem, "optimal", &s.schedule).expect("the plan passes");
            println!(
                "total ${:.2}, bound ${:.2}, gap {:.1e}, proven {:?}, stopped {:?}, {:.1} s",
                r.total_usd,
                r.bound_usd.unwrap_or(f64::NAN),
                r.gap.unwrap_or(f64::NAN),
                r.proven_optimal,
                r.stopped,
                clock.elapsed().as_secs_f64()
            );
            let o = origin.lock().unwrap_or_else(|e| e.into_inner());
            let name =
                |x: Option<(Stage, f64)>| x.map_or("none".to_string(), |(s, _)| format!("{s:?}"));
            println!(
                "bound from stage {}, plan from stage {}",
                name(o.bound),
                name(o.plan)
            );
        }
        Err(e) => println!("error: {e}"),
    }
}
