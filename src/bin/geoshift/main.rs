//! The `geoshift` command: solve, compare and validate scenario files.
//!
//! Exit status: 0 on success, 1 on malformed input (unreadable file, bad
//! JSON, a value MODEL.md forbids), 2 when no schedule exists (the
//! explanation is on stderr), 3 when a solver fails or a schedule breaks a
//! constraint (a bug worth reporting).

use clap::{Parser, Subcommand};
use geoshift::{evaluate, Backend, Error, Optimal, Problem, Report, Scenario, Scheduler};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

#[derive(Parser)]
#[command(
    name = "geoshift",
    version,
    about = "Where and when should AI training run so that it costs the least?"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Plan a scenario with one scheduler and print its report.
    Solve {
        /// Scenario file (JSON, see MODEL.md).
        scenario: PathBuf,
        /// optimal, local or greedy.
        #[arg(long, default_value = "optimal")]
        scheduler: String,
        /// LP backend for the optimum.
        #[arg(long, default_value = "microlp")]
        solver: String,
        /// Print the report as the JSON of MODEL.md.
        #[arg(long)]
        json: bool,
        /// Also print the LP size and timings.
        #[arg(long)]
        verbose: bool,
    },
    /// Run every scheduler on a scenario and compare their costs.
    Compare {
        /// Scenario file (JSON, see MODEL.md).
        scenario: PathBuf,
        /// LP backend for the optimum.
        #[arg(long, default_value = "microlp")]
        solver: String,
        /// Print the comparison as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Check a scenario and summarise it.
    Validate {
        /// Scenario file (JSON, see MODEL.md).
        scenario: PathBuf,
    },
}

/// A failure with the exit status it maps to.
struct Failure {
    code: u8,
    message: String,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        let code = match e {
            Error::Input(_) => 1,
            Error::Infeasible(_) => 2,
            Error::InvalidSchedule(_) | Error::Solver(_) => 3,
        };
        Failure {
            code,
            message: e.to_string(),
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Solve {
            scenario,
            scheduler,
            solver,
            json,
            verbose,
        } => solve(&scenario, &scheduler, &solver, json, verbose),
        Command::Compare {
            scenario,
            solver,
            json,
        } => compare(&scenario, &solver, json),
        Command::Validate { scenario } => validate(&scenario),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("error: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

fn usage(message: String) -> Failure {
    Failure { code: 1, message }
}

fn load(path: &Path) -> Result<(Scenario, Problem), Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| usage(format!("cannot read {}: {e}", path.display())))?;
    let scenario =
        Scenario::from_json(&text).map_err(|e| usage(format!("{}: {e}", path.display())))?;
    let problem = Problem::new(&scenario).map_err(|e| usage(format!("{}: {e}", path.display())))?;
    Ok((scenario, problem))
}

fn backend(name: &str) -> Result<Backend, Failure> {
    Backend::from_name(name)
        .ok_or_else(|| usage(format!("unknown solver '{name}' (compiled in: microlp)")))
}

fn scheduler(name: &str, backend: Backend) -> Result<Box<dyn Scheduler>, Failure> {
    match name {
        "optimal" => Ok(Box::new(Optimal::new(backend))),
        other => geoshift::scheduler_by_name(other)
            .map(|s| s as Box<dyn Scheduler>)
            .ok_or_else(|| {
                usage(format!(
                    "unknown scheduler '{other}' (optimal, local, greedy)"
                ))
            }),
    }
}

/// Runs one scheduler and evaluates its schedule; returns the report and
/// the seconds the scheduler took.
fn run(problem: &Problem, s: &dyn Scheduler) -> Result<(Report, f64), Error> {
    let clock = Instant::now();
    let schedule = s.schedule(problem)?;
    let seconds = clock.elapsed().as_secs_f64();
    Ok((evaluate(problem, s.name(), &schedule)?, seconds))
}

fn solve(path: &Path, name: &str, solver: &str, json: bool, verbose: bool) -> Result<(), Failure> {
    let backend = backend(solver)?;
    let (_, problem) = load(path)?;
    let s = scheduler(name, backend)?;
    if verbose && name == "optimal" {
        let clock = Instant::now();
        let size = Optimal::new(backend).model_size(&problem);
        eprintln!(
            "LP: {} variables, {} binaries, {} constraints (built in {:.3} s)",
            size.variables,
            size.binaries,
            size.constraints,
            clock.elapsed().as_secs_f64()
        );
    }
    let (report, seconds) = run(&problem, s.as_ref())?;
    if json {
        println!("{}", to_json(&report)?);
    } else {
        print_report(&report, seconds, &problem);
    }
    if verbose {
        eprintln!("{} solved in {seconds:.3} s", report.scheduler);
    }
    Ok(())
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, Failure> {
    serde_json::to_string_pretty(value).map_err(|e| Failure {
        code: 3,
        message: format!("cannot write JSON: {e}"),
    })
}

fn money(v: f64) -> String {
    let s = format!("{:.2}", v.abs());
    let (int, frac) = s.split_at(s.len() - 3);
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{}${out}{frac}", if v < 0.0 { "-" } else { "" })
}

fn print_report(r: &Report, seconds: f64, problem: &Problem) {
    println!("scheduler {} ({seconds:.3} s)", r.scheduler);
    println!("  total   {:>16}", money(r.total_usd));
    println!("  rent    {:>16}", money(r.rent_usd));
    println!("  energy  {:>16}", money(r.energy_usd));
    println!("  carbon  {:>16}", money(r.carbon_usd));
    println!("  egress  {:>16}", money(r.egress_usd));
    println!(
        "  energy at the meter {:.3} MWh, emissions {:.3} tCO2e",
        r.energy_mwh, r.emissions_t
    );
    println!();
    let w = r.jobs.iter().map(|j| j.id.len()).max().unwrap_or(3).max(3);
    println!("  {:<w$}  {:>14}  {:>11}  regions", "job", "cost", "slots");
    for j in &r.jobs {
        println!(
            "  {:<w$}  {:>14}  {:>5}-{:<5}  {}",
            j.id,
            money(j.cost_usd),
            j.first_slot,
            j.last_slot,
            j.regions.join(", ")
        );
    }
    let h = problem.horizon();
    println!();
    println!(
        "  slot 0 starts {}, slots of {} s",
        h.start.to_rfc3339(),
        h.slot_seconds
    );
}

#[derive(serde::Serialize)]
struct Row {
    scheduler: String,
    solve_seconds: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    saving_vs_local_usd: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    saving_vs_local_pct: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    report: Option<Report>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

fn compare(path: &Path, solver: &str, json: bool) -> Result<(), Failure> {
    let backend = backend(solver)?;
    let (_, problem) = load(path)?;
    let schedulers: Vec<Box<dyn Scheduler>> = vec![
        Box::new(geoshift::Local),
        Box::new(geoshift::Greedy),
        Box::new(Optimal::new(backend)),
    ];
    let mut rows = Vec::new();
    for s in &schedulers {
        let clock = Instant::now();
        let row = match run(&problem, s.as_ref()) {
            Ok((report, seconds)) => Row {
                scheduler: s.name().into(),
                solve_seconds: seconds,
                saving_vs_local_usd: None,
                saving_vs_local_pct: None,
                report: Some(report),
                error: None,
            },
            Err(e @ (Error::Infeasible(_) | Error::Solver(_))) => Row {
                scheduler: s.name().into(),
                solve_seconds: clock.elapsed().as_secs_f64(),
                saving_vs_local_usd: None,
                saving_vs_local_pct: None,
                report: None,
                error: Some(e.to_string()),
            },
            Err(e) => return Err(e.into()),
        };
        rows.push(row);
    }
    let local = rows[0].report.as_ref().map(|r| r.total_usd);
    for row in &mut rows {
        if let (Some(base), Some(r)) = (local, &row.report) {
            row.saving_vs_local_usd = Some(base - r.total_usd);
            row.saving_vs_local_pct = (base != 0.0).then(|| 100.0 * (base - r.total_usd) / base);
        }
    }
    if json {
        println!("{}", to_json(&rows)?);
    } else {
        print_comparison(&rows, path, &problem);
    }
    // The optimum decides the exit status: a heuristic that gets stuck is
    // an honest result, an infeasible scenario is not.
    match rows.iter().find(|r| r.scheduler == "optimal") {
        Some(Row { error: Some(e), .. }) => Err(Failure {
            code: if e.contains("cannot be finished") {
                2
            } else {
                3
            },
            message: e.clone(),
        }),
        _ => Ok(()),
    }
}

fn print_comparison(rows: &[Row], path: &Path, problem: &Problem) {
    println!(
        "{}: {} jobs, {} regions, {} pools, {} slots of {} s",
        path.display(),
        problem.jobs().len(),
        problem.regions().len(),
        problem.pools().len(),
        problem.slots(),
        problem.horizon().slot_seconds
    );
    println!();
    println!(
        "{:<9} {:>15} {:>15} {:>13} {:>12} {:>12} {:>10} {:>9} {:>22} {:>9}",
        "scheduler",
        "total",
        "rent",
        "energy",
        "carbon",
        "egress",
        "MWh",
        "tCO2e",
        "saving vs local",
        "time"
    );
    for row in rows {
        match &row.report {
            Some(r) => {
                let saving = match (row.saving_vs_local_usd, row.saving_vs_local_pct) {
                    (Some(usd), Some(pct)) => format!("{} ({pct:.1}%)", money(usd)),
                    (Some(usd), None) => money(usd),
                    _ => "-".into(),
                };
                println!(
                    "{:<9} {:>15} {:>15} {:>13} {:>12} {:>12} {:>10.2} {:>9.2} {:>22} {:>8.3}s",
                    row.scheduler,
                    money(r.total_usd),
                    money(r.rent_usd),
                    money(r.energy_usd),
                    money(r.carbon_usd),
                    money(r.egress_usd),
                    r.energy_mwh,
                    r.emissions_t,
                    saving,
                    row.solve_seconds
                );
            }
            None => println!(
                "{:<9} {:>15}   {}",
                row.scheduler,
                "no schedule",
                row.error
                    .as_deref()
                    .unwrap_or("")
                    .replace('\n', "\n            ")
            ),
        }
    }
}

fn validate(path: &Path) -> Result<(), Failure> {
    let (scenario, problem) = load(path)?;
    let h = problem.horizon();
    println!(
        "{}: valid. {} slots of {} s from {} ({} regions, {} pools, {} links, {} jobs)",
        path.display(),
        h.slots,
        h.slot_seconds,
        h.start.to_rfc3339(),
        problem.regions().len(),
        problem.pools().len(),
        scenario.links.len(),
        problem.jobs().len()
    );
    let work: f64 = problem.jobs().iter().map(|j| j.work).sum();
    let capacity: f64 = problem
        .pools()
        .iter()
        .map(|p| p.capacity_server_hours.iter().sum::<f64>() * p.speed)
        .sum();
    println!("work {work:.1} units; capacity over the horizon {capacity:.1} units");
    for job in problem.jobs() {
        let open: Vec<String> = job
            .windows
            .iter()
            .map(|w| {
                format!(
                    "{} [slots {}-{}]",
                    problem.regions()[w.region].id,
                    w.first_slot,
                    w.end_slot - 1
                )
            })
            .collect();
        println!(
            "  {} ({:?}, {} units): {}",
            job.id,
            job.placement,
            job.work,
            if open.is_empty() {
                "no eligible slot".to_string()
            } else {
                open.join(", ")
            }
        );
        for c in &job.closed {
            println!("      closed {c}");
        }
    }
    Ok(())
}
