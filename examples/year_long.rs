//! The year-long real-data MILP (`geoshift::data::year_long_asia_2022`:
//! the EuroSys'24 study's twelve Asian regions, 8,760 hourly slots of
//! 2022, one `Whole` job choosing a region beside twelve `Split` jobs),
//! solved by the optimum with a progress trace: for each stage, the
//! seconds since the start, the incumbent and the proven bound.
//!
//! ```text
//! cargo run --release --example year_long -- [--hours N] [--solver NAME]
//!     [--time-limit SECONDS] [--gap G] [--write-mps FILE] [--write-json FILE]
//!     [--no-solve]
//! ```
//!
//! `--write-mps` writes the model the optimum solves as free MPS (what
//! `benches/scipy_baseline.py` reads); `--write-json` the scenario file
//! (what `geoshift solve` reads).

use geoshift::data::{year_long_asia_2022, DataSet};
use geoshift::{evaluate, Backend, Optimal, Problem, Progress};
use std::time::{Duration, Instant};

const CARBON_CSV: &str = include_str!("../data/carbon_intensity_hourly_2022_asia_eurosys24.csv");

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut hours = 8760usize;
    let mut backend = Backend::Auto;
    let mut time_limit: Option<f64> = None;
    let mut gap: Option<f64> = None;
    let mut mps: Option<String> = None;
    let mut json: Option<String> = None;
    let mut solve = true;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--hours" => hours = value()?.parse()?,
            "--solver" => {
                let name = value()?;
                backend = Backend::from_name(&name)
                    .ok_or(format!("unknown or not compiled-in solver `{name}`"))?;
            }
            "--time-limit" => time_limit = Some(value()?.parse()?),
            "--gap" => gap = Some(value()?.parse()?),
            "--write-mps" => mps = Some(value()?),
            "--write-json" => json = Some(value()?),
            "--no-solve" => solve = false,
            other => return Err(format!("unknown argument `{other}`").into()),
        }
    }
    let clock = Instant::now();
    let data = DataSet::bundled()?;
    let scenario = year_long_asia_2022(&data, CARBON_CSV, hours)?;
    let problem = Problem::new(&scenario)?;
    println!(
        "{:8.3} s  built: {} regions x {} slots, {} jobs",
        clock.elapsed().as_secs_f64(),
        scenario.regions.len(),
        scenario.horizon.slots,
        scenario.jobs.len()
    );
    let mut optimal = Optimal::new(backend);
    if let Some(path) = &json {
        std::fs::write(path, scenario.to_json())?;
        println!("wrote {path}");
    }
    if let Some(path) = &mps {
        let mut file = std::fs::File::create(path)?;
        let size = optimal.write_mps(&problem, &mut file)?;
        println!(
            "{:8.3} s  wrote {path}: {} continuous + {} binary columns, {} rows",
            clock.elapsed().as_secs_f64(),
            size.variables,
            size.binaries,
            size.constraints
        );
    }
    if !solve {
        return Ok(());
    }
    optimal = optimal.on_progress(move |p| {
        let t = clock.elapsed().as_secs_f64();
        match p {
            Progress::Built {
                size,
                backend,
                seconds,
            } => println!(
                "{t:8.3} s  model: {} continuous + {} binary columns, {} rows, \
                 built in {seconds:.3} s, solver {}",
                size.variables,
                size.binaries,
                size.constraints,
                backend.name()
            ),
            Progress::Round {
                stage,
                round,
                columns,
                incumbent_usd,
                bound_usd,
            } => println!(
                "{t:8.3} s  {stage:?} round {round} ({columns} columns): incumbent {}, bound {bound_usd:.2}",
                incumbent_usd.map_or("none".to_string(), |v| format!("{v:.2}"))
            ),
            other => println!("{t:8.3} s  {other:?}"),
        }
    });
    if let Some(t) = time_limit {
        optimal = optimal.time_limit(Duration::from_secs_f64(t));
    }
    if let Some(g) = gap {
        optimal = optimal.gap(g);
    }
    let solution = optimal.solve(&problem)?;
    let report = evaluate(&problem, "optimal", &solution.schedule)?;
    let year = report.jobs.iter().find(|j| j.id == "year");
    println!(
        "{:8.3} s  total ${:.2}, bound ${}, gap {}, proven {:?}, stopped {:?}; `year` runs in {:?}",
        clock.elapsed().as_secs_f64(),
        report.total_usd,
        report
            .bound_usd
            .map_or("none".to_string(), |b| format!("{b:.2}")),
        report
            .gap
            .map_or("none".to_string(), |g| format!("{g:.2e}")),
        report.proven_optimal,
        report.stopped,
        year.map(|j| &j.regions)
    );
    Ok(())
}
