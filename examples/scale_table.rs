//! Prints the README's performance table: for each bench size, the LP size,
//! the time to read and validate the scenario file, to build the model, to
//! solve it end to end, and the peak memory of the process.
//!
//! `cargo run --release --example scale_table -- [auto|microlp|clarabel|highs] [SIZE_INDEX ...]`
//! (size indices 0-5 into the table below; all by default)
//!
//! Each size runs in a fresh child process so that its peak memory
//! (`VmHWM` from /proc/self/status, Linux only) is its own. With
//! `SCALE_TIME_LIMIT=SECONDS` in the environment the optimum stops there
//! and the table shows the proven gap it reached.

use geoshift::synth::{bench_sizes, generate, Params};
use geoshift::{evaluate, Backend, Error, Optimal, Problem, Scenario, Scheduler};
use std::process::Command;
use std::time::Instant;

fn params(i: usize) -> Params {
    bench_sizes()[i].clone()
}

fn peak_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn one(i: usize, backend: Backend) {
    let p = params(i);
    let json = generate(&p).to_json();
    let clock = Instant::now();
    let scenario = Scenario::from_json(&json).expect("generated scenarios parse");
    let problem = Problem::new(&scenario).expect("generated scenarios are valid");
    let read_s = clock.elapsed().as_secs_f64();
    let mut optimal = Optimal::new(backend);
    if let Some(limit) = std::env::var("SCALE_TIME_LIMIT")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
    {
        optimal = optimal.time_limit(std::time::Duration::from_secs_f64(limit));
    }
    let clock = Instant::now();
    let size = optimal.model_size(&problem);
    let build_s = clock.elapsed().as_secs_f64();
    let clock = Instant::now();
    let outcome = match optimal.schedule(&problem) {
        Ok(s) => match evaluate(&problem, "optimal", &s) {
            Ok(r) => format!(
                "${:.2} (gap {:.1e}{})",
                r.total_usd,
                r.gap.unwrap_or(f64::NAN),
                if r.stopped.is_some() { ", stopped" } else { "" }
            ),
            Err(v) => format!("INVALID: {v}"),
        },
        Err(Error::Infeasible(inf)) => format!("infeasible ({} jobs)", inf.jobs.len()),
        Err(e) => format!("error: {e}"),
    };
    let solve_s = clock.elapsed().as_secs_f64();
    println!(
        "| {} | {} | {} | {:.0} % | {} | {} | {} | {:.3} | {:.3} | {:.2} | {:.0} | {} |",
        p.jobs,
        p.regions,
        p.slots,
        p.whole_share * 100.0,
        backend.name(),
        size.variables,
        size.binaries,
        size.constraints,
        build_s,
        read_s + solve_s,
        peak_mib(),
        outcome
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--one") {
        let i: usize = args[2].parse().expect("size index");
        let backend = Backend::from_name(&args[3]).expect("backend");
        one(i, backend);
        return;
    }
    let backend = args.get(1).cloned().unwrap_or_else(|| "auto".into());
    if Backend::from_name(&backend).is_none() {
        eprintln!("unknown or not compiled-in backend {backend}");
        std::process::exit(1);
    }
    let mut sizes: Vec<usize> = args
        .iter()
        .skip(2)
        .filter_map(|s| s.parse().ok())
        .filter(|&i| i < bench_sizes().len())
        .collect();
    if sizes.is_empty() {
        sizes = (0..bench_sizes().len()).collect();
    }
    println!("| jobs | regions | slots | Whole | solver | variables | binaries | constraints | build s | file→report s | peak MiB | optimum |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
    let exe = std::env::current_exe().expect("own path");
    for i in sizes {
        let status = Command::new(&exe)
            .args(["--one", &i.to_string(), &backend])
            .status()
            .expect("child runs");
        if !status.success() {
            eprintln!("size {i} failed: {status}");
        }
    }
}
