//! Re-planning after a price change against a cold solve, on the largest
//! `synth` bench size (300 jobs × 20 regions × 168 hourly slots,
//! Split-only): the plan being executed is the original optimum; at
//! `now` the prices of every slot from `now` on change (even regions
//! +25 %, odd ones -20 %); the service either solves the updated scenario
//! from scratch (cold) or re-plans from `now` ([`geoshift::Replan`]).
//!
//! `cargo run --release --features highs --example replan -- [SOLVER] [NOW_SLOT] [GAP]`
//!
//! GAP applies to the re-plans (the cold solve is exact); set
//! `GEOSHIFT_REPLAN_CACHE=FILE` to keep the original plan and the cold
//! solve between runs, `GEOSHIFT_REPLAN_TRACE=1` to print each solver call.
//!
//! Prints the seconds of each solve and the ratio re-plan / cold, for the
//! re-plan as `Auto` solves it (column generation seeded with the previous
//! plan), by column generation without the warm start, and whole.

use geoshift::synth::{bench_sizes, generate};
use geoshift::{
    Backend, ColumnGeneration, Optimal, Problem, Replan, SavedSchedule, Scenario, Series,
};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let backend = args
        .get(1)
        .and_then(|s| s.parse::<Backend>().ok())
        .unwrap_or_default();
    let now_slot: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(24);
    let params = bench_sizes()[4].clone();
    let scenario = generate(&params);
    let before = Problem::new(&scenario).expect("synth scenarios are valid");
    let optimal = Optimal::new(backend);
    println!(
        "{}x{}x{} Split-only, solver {}, now = slot {now_slot}",
        params.jobs,
        params.regions,
        params.slots,
        backend.name()
    );

    // GEOSHIFT_REPLAN_CACHE=FILE keeps the original plan and the cold
    // solve's time between runs (they take minutes), to time re-plans only.
    let cache = std::env::var_os("GEOSHIFT_REPLAN_CACHE").map(std::path::PathBuf::from);
    let cached: Option<serde_json::Value> = cache
        .as_ref()
        .and_then(|c| std::fs::read_to_string(c).ok())
        .and_then(|t| serde_json::from_str(&t).ok());
    let (previous, cold_s, cold_usd, cold_cpu) = match cached {
        Some(c) if c["now_slot"] == now_slot => {
            let plan =
                geoshift::SavedSchedule::from_json(&c["plan"].to_string()).expect("cached plan");
            let num = |k: &str| c[k].as_f64().unwrap_or(f64::NAN);
            let (s, usd, cpu) = (num("cold_s"), num("cold_usd"), num("cold_cpu"));
            println!("original plan and cold solve ({s:.1} s, {cpu:.1} s CPU, ${usd:.2}) read from the cache");
            (plan, s, usd, cpu)
        }
        _ => {
            let (previous, cold_s, cold_usd, cold_cpu) =
                cold(&scenario, &before, &optimal, now_slot);
            if let Some(c) = &cache {
                let value = serde_json::json!({
                    "now_slot": now_slot, "cold_s": cold_s, "cold_usd": cold_usd, "cold_cpu": cold_cpu,
                    "plan": serde_json::from_str::<serde_json::Value>(&previous.to_json()).expect("JSON"),
                });
                // Whole or not at all: a temporary file, then renamed.
                let tmp = c.with_extension("tmp");
                if std::fs::write(&tmp, value.to_string()).is_ok() {
                    let _ = std::fs::rename(&tmp, c);
                }
            }
            (previous, cold_s, cold_usd, cold_cpu)
        }
    };
    let after = Problem::new(&updated(&scenario, &before, now_slot)).expect("still valid");
    let now = after.horizon().slot_start(now_slot).expect("inside");
    let _ = cold_usd;
    let runs = [
        (
            "re-plan (Auto: column generation from the previous plan)",
            ColumnGeneration::Auto,
            true,
        ),
        (
            "re-plan, column generation, no warm start",
            ColumnGeneration::Always,
            false,
        ),
        (
            "re-plan, whole residual model (no warm start)",
            ColumnGeneration::Never,
            true,
        ),
    ];
    let gap: Option<f64> = args.get(3).and_then(|s| s.parse().ok());
    for (what, mode, warm) in runs {
        let clock = Instant::now();
        let mut optimal = Optimal::new(backend).column_generation(mode);
        if let Some(g) = gap {
            optimal = optimal.gap(g);
        }
        if std::env::var_os("GEOSHIFT_REPLAN_TRACE").is_some() {
            optimal = optimal.on_progress(move |p| {
                eprintln!("{:8.3} s  {p:?}", clock.elapsed().as_secs_f64());
            });
        }
        let cpu = cpu_seconds();
        let r = Replan::new(previous.clone(), now)
            .warm_start(warm)
            .solve(&after, &optimal)
            .expect("the re-plan");
        let s = clock.elapsed().as_secs_f64();
        let c = cpu_seconds() - cpu;
        println!(
            "{what}: {s:.1} s = {:.0} % of cold ({c:.1} s CPU = {:.0} %); ${:.2} (history ${:.2}), gap {:.1e}",
            100.0 * s / cold_s,
            100.0 * c / cold_cpu,
            r.report.total_usd,
            r.history_usd,
            r.report.gap.unwrap_or(f64::NAN)
        );
    }
}

/// The scenario with the price change: every slot from `now_slot` on,
/// even regions +25 %, odd ones -20 %.
fn updated(scenario: &Scenario, before: &Problem, now_slot: usize) -> Scenario {
    let mut updated = scenario.clone();
    for (r, region) in updated.regions.iter_mut().enumerate() {
        let factor = if r % 2 == 0 { 1.25 } else { 0.8 };
        let mut prices = before.regions()[r].price_usd_per_mwh.clone();
        for p in &mut prices[now_slot..] {
            *p *= factor;
        }
        region.price_usd_per_mwh = Series::PerSlot(prices);
    }
    updated
}

/// The original optimum (the plan being executed), then the cold solve of
/// the updated scenario: the plan, the cold solve's seconds and total.
fn cold(
    scenario: &Scenario,
    before: &Problem,
    optimal: &Optimal,
    now_slot: usize,
) -> (SavedSchedule, f64, f64, f64) {
    let clock = Instant::now();
    let original = optimal.solve(before).expect("the original optimum");
    println!("original optimum in {:.1} s", clock.elapsed().as_secs_f64());
    let previous = original
        .schedule
        .to_saved(before)
        .expect("the plan fits its problem");
    let after = Problem::new(&updated(scenario, before, now_slot)).expect("still valid");
    let clock = Instant::now();
    let cpu = cpu_seconds();
    let cold = optimal.solve(&after).expect("the cold optimum");
    let cold_s = clock.elapsed().as_secs_f64();
    let cold_cpu = cpu_seconds() - cpu;
    let cold_usd = geoshift::evaluate(&after, "cold", &cold.schedule)
        .expect("valid")
        .total_usd;
    println!(
        "cold solve of the updated scenario (whole horizon, history ignored): {cold_s:.1} s ({cold_cpu:.1} s CPU), ${cold_usd:.2}"
    );
    (previous, cold_s, cold_usd, cold_cpu)
}

/// CPU seconds this process has used (user + system, every thread), from
/// `/proc/self/stat` on Linux; NaN elsewhere. On a shared machine it
/// measures the work done, where wall time also counts the waiting.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return f64::NAN;
    };
    // Fields after the command name (which ends with ')'): utime and
    // stime are the 12th and 13th, in clock ticks (100 per second).
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or(Vec::new(), |(_, rest)| rest.split_whitespace().collect());
    let tick = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok());
    match (tick(11), tick(12)) {
        (Some(u), Some(s)) => (u + s) / 100.0,
        _ => f64::NAN,
    }
}
