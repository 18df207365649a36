//! `geoshift risk`: what capacity that can vanish costs. Solves the
//! optimum twice, with the pools' interruptions priced (expected costs) and
//! with them ignored, and shows the difference, the share of the work on
//! risky capacity, and each risky pool's useful fraction.

use super::{emit, input_error, optimal, run, usage, Failure, Solver};
use geoshift::{Problem, Report, Scenario};
use std::path::{Path, PathBuf};

/// Arguments of `geoshift risk`.
#[derive(clap::Args)]
pub struct RiskArgs {
    /// Scenario file (JSON, see docs/MODEL.md).
    scenario: PathBuf,
    /// Interruptions per server-hour of one pool, as POOL=RATE; repeat for
    /// several pools. Replaces the file's `interruption_rate_per_hour`.
    #[arg(long = "rate", value_name = "POOL=RATE")]
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
}

/// Runs `geoshift risk`.
pub fn risk(args: &RiskArgs) -> Result<(), Failure> {
    let path = args.scenario.as_path();
    let mut scenario = crate::load_for(path, 2)?.scenario().clone();
    for given in &args.rates {
        let (pool, rate) = given
            .split_once('=')
            .and_then(|(p, r)| Some((p, r.trim().parse::<f64>().ok()?)))
            .ok_or_else(|| usage(format!("--rate {given:?}: expected POOL=RATE")))?;
        let found = scenario.pools.iter_mut().find(|p| p.id == pool);
        let p = found.ok_or_else(|| usage(format!("--rate: no pool '{pool}' in the scenario")))?;
        p.interruption_rate_per_hour = rate;
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
    let (with, _) = run(&priced, &optimal(backend, false).holding(held))?;
    let (without, _) = run(&ignored_problem, &optimal(backend, false).holding(held))?;
    let mut out = String::new();
    print(&mut out, path, &scenario, &priced, &with, &without);
    emit(&out)
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
    for (k, pool) in p.pools().iter().enumerate() {
        if !p.is_risky(k) {
            continue;
        }
        // The useful fraction itself (not work per server-hour over the
        // pool's speed, which a job's own speeds would skew).
        let fractions = p
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
        let _ = writeln!(
            out,
            "{:<28} {:>12.6} {:>11.4} to {:.4}",
            pool.id, pool.interruption_rate_per_hour, fractions.0, fractions.1
        );
    }
    if !(0..p.pools().len()).any(|k| p.is_risky(k)) {
        let _ = writeln!(
            out,
            "(no pool can be interrupted: give rates with --rate POOL=RATE)"
        );
    }
    let _ = writeln!(
        out,
        "\noptimum with interruptions priced:  ${:.2} expected, {:.1}% of the work on risky capacity",
        with.total_usd,
        100.0 * with.risky_work_share
    );
    let _ = writeln!(
        out,
        "optimum with interruptions ignored: ${:.2} (work at full speed everywhere)",
        without.total_usd
    );
    let _ = writeln!(
        out,
        "interruptions cost ${:.2} ({:+.2}%)",
        with.total_usd - without.total_usd,
        100.0 * (with.total_usd - without.total_usd) / without.total_usd.abs().max(1.0)
    );
    let _ = writeln!(out, "\n{:<24} {:>12} {:>8}", "job", "expected $", "risky");
    for (job, given) in with.jobs.iter().zip(&scenario.jobs) {
        let _ = writeln!(
            out,
            "{:<24} {:>12.2} {:>7.1}%   (checkpoint every {} h, restart {} h)",
            job.id,
            job.cost_usd,
            100.0 * job.risky_work_share,
            given.checkpoint_interval_hours,
            given.restart_hours
        );
    }
}
