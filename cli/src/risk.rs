//! `geoshift risk`: what capacity that can vanish costs. Solves the
//! optimum twice, with the pools' interruptions priced (expected costs) and
//! with them ignored, and shows the difference, the share of the work on
//! risky capacity, and each risky pool's useful fraction.

use super::{emit, input_error, optimal, run, to_json, usage, Failure, Solver};
use crate::output::usd;
use geoshift::{glob_matches, Problem, Report, Scenario};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Arguments of `geoshift risk`.
#[derive(clap::Args)]
pub struct RiskArgs {
    /// Scenario file (JSON, see docs/MODEL.md).
    scenario: PathBuf,
    /// Interruptions per server-hour of every pool whose id matches GLOB
    /// (`*` any run, `?` one character; a plain id is one pool), as
    /// GLOB=RATE: `--rate 'vast-*=0.05'`. Repeatable, applied in order (a
    /// later match wins); a glob that matches no pool is an error.
    /// Replaces the file's `interruption_rate_per_hour`.
    #[arg(long = "rate", value_name = "GLOB=RATE")]
    rates: Vec<String>,
    /// Hours between checkpoints, for every job (replaces the file's).
    #[arg(long, value_name = "HOURS")]
    checkpoint_interval_hours: Option<f64>,
    /// Hours a restart from a checkpoint takes, for every job (replaces the
    /// file's).
    #[arg(long, value_name = "HOURS")]
    restart_hours: Option<f64>,
    /// LP backend for the optimum (those compiled in).
    #[arg(long, value_enum, default_value = "auto")]
    solver: Solver,
    /// Print the comparison as JSON: both optima's reports (as `solve
    /// --json`), the risky pools and the cost of the interruptions.
    #[arg(long)]
    pub json: bool,
}

/// `risk --json`: what the table shows, with the library's reports.
#[derive(Serialize)]
struct RiskJson<'a> {
    scenario: String,
    /// The pools that can be interrupted, with their useful fractions.
    risky_pools: Vec<RiskyPool>,
    /// The optimum with interruptions priced (expected costs).
    priced: &'a Report,
    /// The optimum with every rate set to 0.
    ignored: &'a Report,
    /// `priced.total_usd - ignored.total_usd`.
    interruptions_usd: f64,
    /// That difference against the ignored optimum, in % (of at least $1).
    interruptions_pct: f64,
    /// Each job's checkpointing, in the order of `priced.jobs`.
    checkpoints: Vec<Checkpoints>,
}

/// A pool that can be interrupted.
#[derive(Serialize)]
struct RiskyPool {
    id: String,
    interruption_rate_per_hour: f64,
    /// The least and largest useful fraction over the jobs.
    useful_fraction_min: f64,
    useful_fraction_max: f64,
}

/// A job's checkpoint interval and restart time, as solved.
#[derive(Serialize)]
struct Checkpoints {
    job: String,
    checkpoint_interval_hours: f64,
    restart_hours: f64,
}

/// Runs `geoshift risk`.
pub fn risk(args: &RiskArgs) -> Result<(), Failure> {
    let path = args.scenario.as_path();
    let mut scenario = crate::load_for(path, 2)?.scenario().clone();
    for given in &args.rates {
        let (glob, rate) = given
            .rsplit_once('=')
            .and_then(|(g, r)| Some((g.trim(), r.trim().parse::<f64>().ok()?)))
            .filter(|(g, _)| !g.is_empty())
            .ok_or_else(|| usage(format!("--rate {given:?}: expected GLOB=RATE")))?;
        let mut matched = 0;
        for p in &mut scenario.pools {
            if glob_matches(glob, &p.id) {
                p.interruption_rate_per_hour = rate;
                matched += 1;
            }
        }
        if matched == 0 {
            return Err(usage(format!(
                "--rate {given}: no pool matches '{glob}' in the scenario"
            )));
        }
    }
    for job in &mut scenario.jobs {
        if let Some(h) = args.checkpoint_interval_hours {
            job.checkpoint_interval_hours = h;
        }
        if let Some(h) = args.restart_hours {
            job.restart_hours = h;
        }
    }
    let priced = Problem::new(&scenario).map_err(|e| input_error(path, e))?;
    let mut ignored = scenario.clone();
    for p in &mut ignored.pools {
        p.interruption_rate_per_hour = 0.0;
    }
    // Both problems are held while each is solved: each solve counts the
    // other against the memory budget, and the first model's check runs
    // before the second problem is built (exit 1, nothing more built).
    let held = Problem::estimate_bytes(&ignored);
    let backend = args.solver.0;
    optimal(backend, false)
        .holding(held)
        .check_memory(&priced)?;
    let ignored_problem = Problem::new(&ignored).map_err(|e| input_error(path, e))?;
    let (with, without) = both_optima(backend, &priced, &ignored_problem, held)?;
    let mut out = String::new();
    if args.json {
        let json = RiskJson {
            scenario: path.display().to_string(),
            risky_pools: risky_pools(&priced),
            priced: &with,
            ignored: &without,
            interruptions_usd: with.total_usd - without.total_usd,
            interruptions_pct: cost_pct(&with, &without),
            checkpoints: scenario
                .jobs
                .iter()
                .map(|j| Checkpoints {
                    job: j.id.clone(),
                    checkpoint_interval_hours: j.checkpoint_interval_hours,
                    restart_hours: j.restart_hours,
                })
                .collect(),
        };
        out.push_str(&to_json(&json)?);
        out.push('\n');
    } else {
        print(&mut out, path, &scenario, &priced, &with, &without);
    }
    emit(&out)
}

/// The optima with interruptions priced and ignored: at once on two
/// threads where the machine has two cores and half the memory budget
/// holds each solve (its problem included); else one after the other,
/// each counting the other problem (`held` bytes) against the whole
/// budget. The priced one's error comes first either way.
fn both_optima(
    backend: geoshift::Backend,
    priced: &Problem,
    ignored: &Problem,
    held: usize,
) -> Result<(Report, Report), Failure> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let half = geoshift::DEFAULT_MEMORY_BUDGET_BYTES / 2;
    // Each solve its own optimum (and progress line).
    let shared = || optimal(backend, false).memory_budget(half);
    if cores >= 2
        && [priced, ignored]
            .iter()
            .all(|p| shared().check_memory(p).is_ok())
    {
        let (with, without) = std::thread::scope(|scope| {
            let other = scope.spawn(|| run(ignored, &shared()));
            let with = run(priced, &shared());
            (with, other.join())
        });
        let (with, _) = with?;
        let (without, _) = without.map_err(|_| {
            Failure::new(
                3,
                "internal: the solve without interruptions panicked".into(),
            )
        })??;
        return Ok((with, without));
    }
    let (with, _) = run(priced, &optimal(backend, false).holding(held))?;
    let (without, _) = run(ignored, &optimal(backend, false).holding(held))?;
    Ok((with, without))
}

/// The interruptions' cost against the optimum that ignores them, in %.
fn cost_pct(with: &Report, without: &Report) -> f64 {
    100.0 * (with.total_usd - without.total_usd) / without.total_usd.abs().max(1.0)
}

/// The pools that can be interrupted, with the range of their useful
/// fraction over the jobs.
fn risky_pools(p: &Problem) -> Vec<RiskyPool> {
    p.pools()
        .iter()
        .enumerate()
        .filter(|&(k, _)| p.is_risky(k))
        .map(|(_, pool)| {
            // The useful fraction itself (not work per server-hour over the
            // pool's speed, which a job's own speeds would skew).
            let (lo, hi) = p
                .jobs()
                .iter()
                .map(|j| {
                    geoshift::useful_fraction(
                        pool.interruption_rate_per_hour,
                        j.checkpoint_interval_hours,
                        j.restart_hours,
                    )
                })
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), f| {
                    (lo.min(f), hi.max(f))
                });
            RiskyPool {
                id: pool.id.clone(),
                interruption_rate_per_hour: pool.interruption_rate_per_hour,
                useful_fraction_min: lo,
                useful_fraction_max: hi,
            }
        })
        .collect()
}

fn print(
    out: &mut String,
    path: &Path,
    scenario: &Scenario,
    p: &Problem,
    with: &Report,
    without: &Report,
) {
    use std::fmt::Write as _;
    let _ = writeln!(out, "{}: capacity that can vanish", path.display());
    let _ = writeln!(
        out,
        "\n{:<28} {:>12} {:>22}",
        "pool", "interrupts/h", "useful fraction (jobs)"
    );
    let pools = risky_pools(p);
    for pool in &pools {
        let _ = writeln!(
            out,
            "{:<28} {:>12.6} {:>11.4} to {:.4}",
            pool.id,
            pool.interruption_rate_per_hour,
            pool.useful_fraction_min,
            pool.useful_fraction_max
        );
    }
    if pools.is_empty() {
        let _ = writeln!(
            out,
            "(no pool can be interrupted: give rates with --rate GLOB=RATE)"
        );
    }
    let _ = writeln!(
        out,
        "\noptimum with interruptions priced:  {} expected, {:.1}% of the work on risky capacity",
        usd(with.total_usd),
        100.0 * with.risky_work_share
    );
    let _ = writeln!(
        out,
        "optimum with interruptions ignored: {} (work at full speed everywhere)",
        usd(without.total_usd)
    );
    let _ = writeln!(
        out,
        "interruptions cost {} ({:+.2}%)",
        usd(with.total_usd - without.total_usd),
        cost_pct(with, without)
    );
    let _ = writeln!(out, "\n{:<24} {:>12} {:>8}", "job", "expected", "risky");
    for (job, given) in with.jobs.iter().zip(&scenario.jobs) {
        let _ = writeln!(
            out,
            "{:<24} {:>12} {:>7.1}%   (checkpoint every {} h, restart {} h)",
            job.id,
            usd(job.cost_usd),
            100.0 * job.risky_work_share,
            given.checkpoint_interval_hours,
            given.restart_hours
        );
    }
}
