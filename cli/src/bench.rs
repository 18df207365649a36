//! `geoshift bench`: schedulers × scenario families against the proven
//! optimum, as a table, JSON, CSV (one row per scenario × scheduler) and an
//! SVG chart of the gap distributions. Cases run in parallel on a rayon
//! pool; the rows come back in family, seed and scheduler order, so the
//! same seeds give the same output apart from timings.

use crate::{emit, output, to_json, usage, Failure, Solver, LIMITS, UNMET_USD_PER_WORK};
use clap::Args;
use geoshift::bench::{
    families, families_named, heuristics, summarize, Bench, BenchError, Case, Family, Row, Status,
    Summary, OPTIMAL,
};
use geoshift::{scheduler_by_name, Optimal, Scheduler};
use indicatif::{ProgressBar, ProgressStyle};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use rayon::prelude::*;
use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The most seeds per family, as a sweep's 1,000 settings: a larger
/// `--seeds` is refused at once (exit 1). Scenarios are built one at a
/// time by the thread that runs them, never all first.
pub const MAX_SEEDS: u64 = 1000;

/// The most threads `--threads` starts: more than the machine's cores
/// only adds switching (each case is CPU-bound), and a larger number is
/// refused at once (exit 1) rather than spent on spawning.
pub const MAX_THREADS: usize = 256;

/// Seconds the optimum may take per scenario when `--scenario-time-limit`
/// is not given: a bench is bounded by default. A scenario that hits it is
/// reported with its proven gap.
pub const DEFAULT_TIME_LIMIT_SECONDS: f64 = 60.0;

/// The arguments of `geoshift bench`.
#[derive(Args)]
pub struct BenchArgs {
    /// Seeds per family (1 to N, N at most 1000; a real-data family has at
    /// most as many as the weeks its data cover).
    #[arg(long, default_value_t = 3)]
    seeds: u64,
    /// Families to run, comma-separated (default: all; `--list` shows them).
    #[arg(long, value_delimiter = ',', value_name = "NAME")]
    families: Vec<String>,
    /// Schedulers to compare, comma-separated (default: local, edf-home,
    /// wait-awhile, cheapest-region, carbon-greedy, greedy). The optimum
    /// always runs.
    #[arg(long, value_delimiter = ',', value_name = "NAME")]
    schedulers: Vec<String>,
    /// LP backend for the optimum (those compiled in).
    #[arg(long, value_enum, default_value = "auto")]
    solver: Solver,
    /// Threads that run scenarios, 1 to 256 (default: one per core).
    #[arg(long)]
    threads: Option<usize>,
    /// Print the families, rows and summaries as JSON.
    #[arg(long)]
    pub json: bool,
    /// Also write one row per scenario × scheduler as CSV to this file.
    /// Output files are never replaced: a file that exists already, or
    /// two outputs that name the same file, are refused before anything
    /// runs (exit 1).
    #[arg(long, value_name = "FILE.csv", conflicts_with = "shard")]
    csv: Option<PathBuf>,
    /// Also write an SVG chart of the gap distributions to this file, as
    /// `sweep --out` (`--svg`, its old name, still works). Never replaces
    /// a file.
    #[arg(
        long = "out",
        alias = "svg",
        value_name = "FILE.svg",
        conflicts_with = "shard"
    )]
    svg: Option<PathBuf>,
    /// Write every scenario run into this folder as `FAMILY-sSEED.json`,
    /// an ordinary scenario file for `geoshift solve` or any solver. A
    /// file of those names that exists already is refused, never replaced.
    #[arg(long, value_name = "DIR")]
    write_scenarios: Option<PathBuf>,
    /// Seconds the optimum may take on each scenario (default 60); the
    /// global `--time-limit` is the deadline of the whole command, as for
    /// every command: the optimum stops at it, and no scenario or
    /// scheduler starts after it (nor after a Ctrl-C); the report holds
    /// the scenarios finished.
    #[arg(long, value_name = "SECONDS", default_value_t = DEFAULT_TIME_LIMIT_SECONDS)]
    scenario_time_limit: f64,
    /// List the families (name, parameters, what each varies) and stop.
    #[arg(long)]
    list: bool,
    /// Run only shard I of N of the scenarios (numbered from 1: the
    /// scenarios, in family and seed order, at 0-based positions p with
    /// p mod N = I - 1), and print its result as JSON with a `shard`
    /// object for `geoshift merge` (which writes the CSV); `env` reads a
    /// Slurm array's task id and count, `env/N` a Kubernetes Indexed Job's
    /// JOB_COMPLETION_INDEX (docs/many-machines.md).
    #[arg(long, value_name = "I/N|env|env/N")]
    shard: Option<String>,
    /// Write the shard's result to this new file (never over one), or
    /// into this folder as `bench-shard-I-of-N.json`, instead of stdout.
    #[arg(long, value_name = "FILE|DIR")]
    shard_out: Option<PathBuf>,
}

/// The JSON of `--json`.
#[derive(serde::Serialize)]
struct Output<'a> {
    seeds: u64,
    time_limit_seconds: f64,
    gap: Option<f64>,
    /// Scenarios asked for (families × seeds).
    scenarios: usize,
    /// Scenarios finished: fewer when `stopped`.
    scenarios_run: usize,
    /// What stopped the bench before every scenario ran (`time_limit`,
    /// `cancelled`), if anything did.
    stopped: Option<&'static str>,
    families: Vec<FamilyJson<'a>>,
    rows: &'a [Row],
    summary: &'a [Summary],
}

#[derive(serde::Serialize)]
struct FamilyJson<'a> {
    name: &'a str,
    about: &'a str,
    params: &'a [(String, String)],
}

pub fn run(args: &BenchArgs) -> Result<(), Failure> {
    let chosen = if args.families.is_empty() {
        families()
    } else {
        families_named(&args.families).map_err(|e| usage(e.to_string()))?
    };
    if args.list {
        let mut out = String::new();
        for f in &chosen {
            list(&mut out, f);
        }
        return emit(&out);
    }
    check_counts(args)?;
    let schedulers = schedulers(&args.schedulers)?;
    let limits = LIMITS.get().copied().unwrap_or_default();
    let limit = args.scenario_time_limit;
    let bench = Bench::new(optimum(args, &limits)?).schedulers(schedulers);
    let shard = crate::shard::from_args(args.shard.as_deref(), args.shard_out.as_deref(), "bench")?;
    // The cases, as (family, seed): each scenario is built by the thread
    // that runs it, when it runs. A shard runs its part of them.
    let all: Vec<(usize, u64)> = chosen
        .iter()
        .enumerate()
        .flat_map(|(i, f)| f.seeds(args.seeds).map(move |seed| (i, seed)))
        .collect();
    let plan = match &shard {
        Some((s, _)) => s.pick(&all),
        None => all.clone(),
    };
    // Outputs are checked before anything runs.
    let outputs = Outputs::check(args, &chosen, &plan)?;
    let cancel = crate::cancel_flag();
    let stopped = || -> Option<&'static str> {
        if cancel.load(Ordering::SeqCst) {
            Some("cancelled")
        } else if limits.deadline.is_some_and(|at| Instant::now() >= at) {
            Some("time_limit")
        } else {
            None
        }
    };
    let stop = || stopped().is_some();
    let clock = Instant::now();
    let run_one = |&(i, seed): &(usize, u64)| -> Result<Option<Vec<Row>>, Failure> {
        if stop() {
            return Ok(None);
        }
        let family = &chosen[i];
        let mut scenario = family.scenario(seed).map_err(|e| usage(e.to_string()))?;
        if let Some(&usd) = UNMET_USD_PER_WORK.get() {
            // As for every command: jobs without a price of their own get
            // it (the written scenarios carry it too).
            for job in &mut scenario.jobs {
                job.unmet_usd_per_work.get_or_insert(usd);
            }
        }
        let case = Case {
            family: family.name().to_string(),
            seed,
            scenario,
        };
        let Some(rows) = bench.run_case_until(&case, &stop) else {
            return Ok(None);
        };
        if let Some(dir) = &outputs.scenarios_dir {
            let name = scenario_file(family, seed);
            output::write_all(dir, &[(name.as_str(), case.scenario.to_json() + "\n")])
                .map_err(usage)?;
        }
        Ok(Some(rows))
    };
    let per_case = run_parallel(&plan, args.threads, run_one)?;
    let wall = clock.elapsed().as_secs_f64();
    let scenarios_run = per_case.iter().flatten().count();
    let stopped_by = (scenarios_run < plan.len()).then(|| stopped().unwrap_or("cancelled"));
    if let Some(why) = stopped_by {
        say_stopped(why, scenarios_run, plan.len())?;
    }
    let rows: Vec<Row> = per_case.into_iter().flatten().flatten().collect();
    let summary = summarize(&rows);
    if let Some((dir, name)) = &outputs.csv {
        output::write_all(dir, &[(name.as_str(), csv(&rows)?)]).map_err(usage)?;
    }
    if let Some((dir, name)) = &outputs.svg {
        let svg = chart(&chosen, &bench.names(), &rows).map_err(|e| Failure::new(3, e))?;
        output::write_all(dir, &[(name.as_str(), svg)]).map_err(usage)?;
    }
    if args.json || shard.is_some() {
        let out = Output {
            seeds: args.seeds,
            time_limit_seconds: limit,
            gap: limits.gap,
            scenarios: plan.len(),
            scenarios_run,
            stopped: stopped_by,
            families: chosen
                .iter()
                .map(|f| FamilyJson {
                    name: f.name(),
                    about: f.about(),
                    params: f.params(),
                })
                .collect(),
            rows: &rows,
            summary: &summary,
        };
        let Some((shard, file)) = shard else {
            return emit(&(to_json(&out)? + "\n"));
        };
        // The shard's result: the JSON above and what `merge` checks.
        let mut result = serde_json::to_value(&out)
            .map_err(|e| Failure::new(3, format!("cannot write JSON: {e}")))?;
        result["shard"] = serde_json::json!({
            "command": "bench",
            "index": shard.index,
            "count": shard.count,
            "items": all.len(),
            "seconds": wall,
            "inputs": {
                "families": &out.families,
                "seeds": args.seeds,
                "schedulers": bench.names(),
                "solver": args.solver.0.name(),
                "scenario_time_limit": limit,
                "gap": limits.gap,
                "unmet_usd_per_work": UNMET_USD_PER_WORK.get(),
            },
        });
        return crate::shard::write(shard, file.as_deref(), &to_json(&result)?);
    }
    let mut out = String::new();
    let names: Vec<&str> = chosen.iter().map(Family::name).collect();
    table(&mut out, &names, &summary);
    footer(
        &mut out,
        plan.len(),
        scenarios_run,
        bench.names().len(),
        wall,
        limit,
    );
    emit(&out)
}

/// Every count checked at once, before anything is built: seeds and
/// threads.
fn check_counts(args: &BenchArgs) -> Result<(), Failure> {
    if args.seeds == 0 {
        return Err(usage(BenchError::NoSeeds.to_string()));
    }
    if args.seeds > MAX_SEEDS {
        return Err(usage(format!(
            "--seeds {}: at most {MAX_SEEDS} seeds per family (as a sweep's 1,000 settings); \
             run more in several commands",
            args.seeds
        )));
    }
    match args.threads {
        Some(0) => Err(usage("--threads must be at least 1".into())),
        Some(n) if n > MAX_THREADS => Err(usage(format!(
            "--threads {n}: at most {MAX_THREADS} (more than the cores gains nothing)"
        ))),
        _ => Ok(()),
    }
}

/// The optimum every scenario is solved by: the solver, the time limit
/// per scenario, and the command's deadline, cancel flag and gap.
fn optimum(args: &BenchArgs, limits: &crate::SolveLimits) -> Result<Optimal, Failure> {
    let limit = args.scenario_time_limit;
    let per_scenario = Duration::try_from_secs_f64(limit)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| {
            usage(format!(
                "--scenario-time-limit {limit}: must be a positive number of seconds"
            ))
        })?;
    let mut optimal = Optimal::new(args.solver.0)
        .time_limit(per_scenario)
        .cancel_flag(crate::cancel_flag());
    if let Some(at) = limits.deadline {
        optimal = optimal.deadline(at);
    }
    if let Some(g) = limits.gap {
        optimal = optimal.gap(g);
    }
    Ok(optimal)
}

/// A run stopped by the deadline or Ctrl-C (`why`): exit 4 when no
/// scenario finished, otherwise a line on stderr and the rows below.
fn say_stopped(why: &str, finished: usize, planned: usize) -> Result<(), Failure> {
    let why = if why == "time_limit" {
        "by --time-limit"
    } else {
        "by Ctrl-C"
    };
    if finished == 0 {
        return Err(Failure::new(
            4,
            format!("bench: stopped {why} before any of {planned} scenarios finished"),
        ));
    }
    eprintln!("bench: stopped {why}: {finished} of {planned} scenarios finished, reported below");
    Ok(())
}

/// The lines under the table: how many scenarios and schedulers ran in
/// how long, and how many were not run.
pub(crate) fn footer(
    out: &mut String,
    scenarios: usize,
    scenarios_run: usize,
    schedulers: usize,
    wall: f64,
    limit: f64,
) {
    let _ = writeln!(
        out,
        "\n{scenarios_run} scenarios × {schedulers} schedulers in {wall:.1} s (optimum: time limit {limit} s per scenario)",
    );
    if scenarios_run < scenarios {
        let _ = writeln!(
            out,
            "stopped before the end: {} of {scenarios} scenarios not run",
            scenarios - scenarios_run,
        );
    }
}

/// The schedulers named, or the default heuristics.
fn schedulers(names: &[String]) -> Result<Vec<Arc<dyn Scheduler + Send + Sync>>, Failure> {
    if names.is_empty() {
        return Ok(heuristics());
    }
    names
        .iter()
        .filter(|n| n.as_str() != OPTIMAL) // the optimum always runs
        .map(|n| {
            scheduler_by_name(n)
                .map(Arc::from)
                .ok_or_else(|| usage(format!("--schedulers: unknown scheduler `{n}`")))
        })
        .collect()
}

/// Runs `run_one` on every case on a pool of `threads` (default: one per
/// core); results in the order of `plan`.
fn run_parallel<T: Sync, R: Send>(
    plan: &[T],
    threads: Option<usize>,
    run_one: impl Fn(&T) -> Result<R, Failure> + Sync,
) -> Result<Vec<R>, Failure> {
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        pool = pool.num_threads(n);
    }
    let pool = pool
        .build()
        .map_err(|e| Failure::new(1, format!("cannot start threads: {e}")))?;
    // A bar on a terminal only: piped output stays clean.
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::with_draw_target(
            Some(plan.len() as u64),
            indicatif::ProgressDrawTarget::stderr(),
        );
        if let Ok(style) = ProgressStyle::with_template("{bar:30} {pos}/{len} scenarios {elapsed}")
        {
            bar.set_style(style);
        }
        bar
    });
    let results: Result<Vec<R>, Failure> = pool.install(|| {
        plan.par_iter()
            .map(|c| {
                let r = run_one(c);
                if let Some(bar) = &bar {
                    bar.inc(1);
                }
                r
            })
            .collect()
    });
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    results
}

/// The name `--write-scenarios` gives the scenario of `family` and `seed`.
fn scenario_file(family: &Family, seed: u64) -> String {
    format!("{}-s{seed}.json", family.name())
}

/// The output files of a run, checked before it starts.
struct Outputs {
    csv: Option<(PathBuf, String)>,
    svg: Option<(PathBuf, String)>,
    scenarios_dir: Option<PathBuf>,
}

impl Outputs {
    /// Checks every count and output before anything runs: the seeds and
    /// threads in range, each output's folder writable, no two outputs
    /// naming the same file, and no output file there already (bench never
    /// replaces a file: remove it or choose another name).
    fn check(
        args: &BenchArgs,
        chosen: &[Family],
        plan: &[(usize, u64)],
    ) -> Result<Outputs, Failure> {
        let csv = args.csv.as_deref().map(out_file).transpose()?;
        let svg = args.svg.as_deref().map(out_file).transpose()?;
        let mut files: Vec<(&str, PathBuf)> = Vec::new();
        let mut key = |flag: &'static str, dir: &Path, name: &str| -> Result<(), Failure> {
            let dir = std::fs::canonicalize(dir)
                .map_err(|e| usage(format!("{flag} {}: {e}", dir.display())))?;
            files.push((flag, dir.join(name)));
            Ok(())
        };
        if let Some((dir, name)) = &csv {
            key("--csv", dir, name)?;
        }
        if let Some((dir, name)) = &svg {
            key("--out", dir, name)?;
        }
        if let Some(dir) = &args.write_scenarios {
            let names: Vec<String> = plan
                .iter()
                .map(|&(i, seed)| scenario_file(&chosen[i], seed))
                .collect();
            let refs: Vec<&str> = names.iter().map(String::as_str).collect();
            output::check_dir(dir, &refs, Path::new(""))
                .map_err(|e| usage(e.replace("--out", "--write-scenarios")))?;
            for name in &names {
                key("--write-scenarios", dir, name)?;
            }
        }
        let mut seen: std::collections::HashMap<&Path, &str> = std::collections::HashMap::new();
        for (flag, path) in &files {
            if let Some(first) = seen.insert(path.as_path(), flag) {
                return Err(usage(format!(
                    "{first} and {flag} both name {}: choose different files",
                    path.display()
                )));
            }
            if std::fs::symlink_metadata(path).is_ok() {
                return Err(usage(format!(
                    "{flag}: {} exists already; bench never replaces a file (remove it or \
                     choose another name)",
                    path.display()
                )));
            }
        }
        Ok(Outputs {
            csv,
            svg,
            scenarios_dir: args.write_scenarios.clone(),
        })
    }
}

/// The folder and name of an output file, checked before anything runs.
fn out_file(file: &Path) -> Result<(PathBuf, String), Failure> {
    let name = file
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| usage(format!("{}: not a file name", file.display())))?
        .to_string();
    let dir = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    output::check_dir(&dir, &[name.as_str()], Path::new("")).map_err(usage)?;
    Ok((dir, name))
}

fn list(out: &mut String, f: &Family) {
    let _ = writeln!(out, "{}", f.name());
    let _ = writeln!(out, "  {}", f.about());
    let params: Vec<String> = f.params().iter().map(|(k, v)| format!("{k}={v}")).collect();
    if !params.is_empty() {
        let _ = writeln!(out, "  {}", params.join(" "));
    }
    if let Some(m) = f.seed_limit() {
        let _ = writeln!(out, "  seeds 1 to {m}");
    }
}

/// A gap as a percentage.
fn pct(g: Option<f64>) -> String {
    g.map_or("-".into(), |g| format!("{:.2}", 100.0 * g))
}

/// One block per family (in the order of `families`, by name): a line per
/// scheduler.
pub(crate) fn table(out: &mut String, families: &[&str], summary: &[Summary]) {
    let _ = writeln!(
        out,
        "gap to the optimum in % (over the scenarios both planned); unfinished: share of scenarios with a job left undone"
    );
    for &f in families {
        let mine: Vec<&Summary> = summary.iter().filter(|s| s.family == f).collect();
        let Some(first) = mine.first() else {
            continue;
        };
        let stopped = if first.optimum_stopped > 0 {
            format!(
                ", optimum stopped by its time limit in {}",
                first.optimum_stopped
            )
        } else {
            String::new()
        };
        let _ = writeln!(out, "\n{} ({} scenarios{stopped})", f, first.scenarios);
        let _ = writeln!(
            out,
            "  {:<16} {:>8} {:>8} {:>8} {:>14} {:>11} {:>8} {:>11}",
            "scheduler",
            "mean",
            "median",
            "p95",
            "worst (seed)",
            "unfinished",
            "invalid",
            "ms/scen."
        );
        for s in mine {
            let worst = match (s.gap_worst, s.worst_seed) {
                (Some(g), Some(seed)) => format!("{} ({seed})", pct(Some(g))),
                _ => "-".into(),
            };
            let _ = writeln!(
                out,
                "  {:<16} {:>8} {:>8} {:>8} {:>14} {:>10.0}% {:>8} {:>11.1}",
                s.scheduler,
                pct(s.gap_mean),
                pct(s.gap_median),
                pct(s.gap_p95),
                worst,
                100.0 * s.unfinished_share,
                s.invalid,
                1000.0 * s.seconds_mean,
            );
        }
    }
}

/// The rows as CSV, one line per scenario × scheduler, empty cells for
/// none; a reason's lines are joined by `; `.
pub(crate) fn csv(rows: &[Row]) -> Result<String, Failure> {
    let fail = |e: &dyn std::fmt::Display| Failure::new(3, format!("cannot write CSV: {e}"));
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "family",
        "seed",
        "scheduler",
        "status",
        "total_usd",
        "unmet_work",
        "optimum_usd",
        "bound_usd",
        "optimum_gap",
        "optimum_stopped",
        "gap",
        "gap_to_bound",
        "seconds",
        "reason",
    ])
    .map_err(|e| fail(&e))?;
    let num = |v: Option<f64>| v.map_or(String::new(), |v| v.to_string());
    for r in rows {
        let status = serde_json::to_value(r.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let stopped = r.optimum_stopped.map_or(String::new(), |s| s.to_string());
        w.write_record([
            r.family.clone(),
            r.seed.to_string(),
            r.scheduler.clone(),
            status,
            num(r.total_usd),
            num(r.unmet_work),
            num(r.optimum_usd),
            num(r.bound_usd),
            num(r.optimum_gap),
            stopped,
            num(r.gap),
            num(r.gap_to_bound),
            r.seconds.to_string(),
            // One line per row: the reason's lines joined (the JSON keeps them).
            r.reason
                .as_deref()
                .unwrap_or_default()
                .lines()
                .map(str::trim)
                .collect::<Vec<_>>()
                .join("; "),
        ])
        .map_err(|e| fail(&e))?;
    }
    let bytes = w.into_inner().map_err(|e| fail(&e))?;
    String::from_utf8(bytes).map_err(|e| fail(&e))
}

const TEXT: RGBColor = RGBColor(0x22, 0x22, 0x22);
const GRID: RGBColor = RGBColor(0xdd, 0xdd, 0xdd);

/// The gap distributions as SVG: one group per family, one column of dots
/// per scheduler (one dot per scenario), a bar at its median. Schedulers
/// that planned no scenario of a family have no dots there.
pub fn chart(families: &[Family], names: &[String], rows: &[Row]) -> Result<String, String> {
    let fail = |e: &dyn std::fmt::Display| format!("cannot draw the chart: {e}");
    let heuristics: Vec<&String> = names.iter().filter(|n| n.as_str() != OPTIMAL).collect();
    let n_sched = heuristics.len().max(1) as f64;
    let x_of = |f: usize, i: usize| f as f64 - 0.4 + (i as f64 + 0.5) * 0.8 / n_sched;
    let mut points: Vec<(usize, f64, f64)> = Vec::new(); // scheduler, x, gap %
    let mut medians: Vec<(usize, f64, f64)> = Vec::new();
    for (f, fam) in families.iter().enumerate() {
        for (i, name) in heuristics.iter().enumerate() {
            let mut gaps: Vec<f64> = rows
                .iter()
                .filter(|r| {
                    r.family == fam.name() && &&r.scheduler == name && r.status == Status::Planned
                })
                .filter_map(|r| r.gap.map(|g| 100.0 * g))
                .collect();
            gaps.sort_by(f64::total_cmp);
            let n = gaps.len();
            for (j, g) in gaps.iter().enumerate() {
                // Spread equal gaps sideways a little so each dot shows.
                let spread = 0.25 * 0.8 / n_sched * ((j as f64 / n.max(1) as f64) - 0.5);
                points.push((i, x_of(f, i) + spread, *g));
            }
            if n > 0 {
                let m = if n % 2 == 1 {
                    gaps[n / 2]
                } else {
                    (gaps[n / 2 - 1] + gaps[n / 2]) / 2.0
                };
                medians.push((i, x_of(f, i), m));
            }
        }
    }
    let hi = points.iter().map(|p| p.2).fold(0.0f64, f64::max);
    let lo = points.iter().map(|p| p.2).fold(0.0f64, f64::min);
    let pad = ((hi - lo) * 0.05).max(0.5);
    let y_range = (lo - pad)..(hi + pad);
    let x_range = -0.5..(families.len() as f64 - 0.5);
    let color = |i: usize| crate::plot::REGION_PALETTE[i % crate::plot::REGION_PALETTE.len()];
    let names_of: Vec<String> = families.iter().map(|f| f.name().to_string()).collect();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (1100, 620)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| fail(&e))?;
        let root = root
            .titled(
                "Gap to the proven optimum, per family and scheduler",
                ("sans-serif", 24.0).into_font().color(&TEXT),
            )
            .map_err(|e| fail(&e))?;
        let (plot_area, legend) = root.split_horizontally(900);
        let mut chart = ChartBuilder::on(&plot_area)
            .margin(16)
            .x_label_area_size(50)
            .y_label_area_size(70)
            .build_cartesian_2d(x_range, y_range)
            .map_err(|e| fail(&e))?;
        let x_label = |v: &f64| {
            let i = v.round();
            if (v - i).abs() < 1e-6 && i >= 0.0 {
                names_of.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .x_labels(families.len() + 1)
            .x_label_formatter(&x_label)
            .disable_x_mesh()
            .y_desc("gap to the optimum (%)")
            .y_label_formatter(&|v: &f64| format!("{v:.0}"))
            .label_style(("sans-serif", 13.0).into_font().color(&TEXT))
            .axis_desc_style(("sans-serif", 16.0).into_font().color(&TEXT))
            .bold_line_style(GRID.stroke_width(1))
            .light_line_style(GRID.mix(0.4).stroke_width(1))
            .draw()
            .map_err(|e| fail(&e))?;
        // Family separators.
        for f in 1..families.len() {
            let x = f as f64 - 0.5;
            chart
                .draw_series(LineSeries::new(
                    [(x, lo - pad), (x, hi + pad)],
                    GRID.stroke_width(1),
                ))
                .map_err(|e| fail(&e))?;
        }
        chart
            .draw_series(
                points
                    .iter()
                    .map(|&(i, x, y)| Circle::new((x, y), 3, color(i).mix(0.75).filled())),
            )
            .map_err(|e| fail(&e))?;
        let half = 0.35 * 0.8 / n_sched;
        for &(i, x, m) in &medians {
            chart
                .draw_series(LineSeries::new(
                    [(x - half, m), (x + half, m)],
                    color(i).stroke_width(3),
                ))
                .map_err(|e| fail(&e))?;
        }
        let style = ("sans-serif", 14.0)
            .into_font()
            .color(&TEXT)
            .pos(Pos::new(HPos::Left, VPos::Center));
        for (i, name) in heuristics.iter().enumerate() {
            let y = 40 + 26 * i as i32;
            legend
                .draw(&Circle::new((16, y), 6, color(i).filled()))
                .map_err(|e| fail(&e))?;
            legend
                .draw(&Text::new(name.to_string(), (30, y), style.clone()))
                .map_err(|e| fail(&e))?;
        }
        let note = ("sans-serif", 12.0)
            .into_font()
            .color(&TEXT)
            .pos(Pos::new(HPos::Left, VPos::Center));
        let y = 50 + 26 * heuristics.len() as i32;
        for (k, line) in ["one dot per scenario;", "bar: median"].iter().enumerate() {
            legend
                .draw(&Text::new(
                    line.to_string(),
                    (10, y + 18 * k as i32),
                    note.clone(),
                ))
                .map_err(|e| fail(&e))?;
        }
        root.present().map_err(|e| fail(&e))?;
    }
    Ok(svg)
}
