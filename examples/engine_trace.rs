//! Prints every progress event of the optimum on a `synth` bench size, with
//! the seconds since the start: where a long solve spends its time.
//!
//! `cargo run --release --example engine_trace -- SIZE_INDEX [SOLVER] [GAP] [TIME_LIMIT] [sift|full]`

use geoshift::synth::{bench_sizes, generate};
use geoshift::{evaluate, Backend, ColumnGeneration, Optimal, Problem};
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let i: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(2);
    let backend = args
        .get(2)
        .and_then(|s| s.parse::<Backend>().ok())
        .unwrap_or_default();
    let problem = Problem::new(&generate(&bench_sizes()[i])).expect("synth scenarios are valid");
    let clock = Instant::now();
    let mut optimal = Optimal::new(backend).on_progress(move |p| {
        eprintln!("{:8.3} s  {p:?}", clock.elapsed().as_secs_f64());
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
                "total ${:.2}, bound ${:.2}, gap {:.1e}, proven {:?}, stopped {:?}",
                r.total_usd,
                r.bound_usd.unwrap_or(f64::NAN),
                r.gap.unwrap_or(f64::NAN),
                r.proven_optimal,
                r.stopped
            );
        }
        Err(e) => println!("error: {e}"),
    }
}
