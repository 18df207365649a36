//! `geoshift replan`: plans the rest of a running plan from `now` on, over
//! an updated scenario (see `geoshift::Replan` for the rules).

use crate::{emit, optimal, print_report, to_json, usage, Failure, Solver};
use chrono::{DateTime, Utc};
use geoshift::{JobState, Replan, SavedAssignment, SavedSchedule};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The arguments of `geoshift replan`.
#[derive(clap::Args)]
pub struct Args {
    /// The updated scenario file (JSON, see docs/MODEL.md): new prices,
    /// capacity, jobs.
    scenario: PathBuf,
    /// The plan being executed: the JSON of `geoshift solve --json` or of
    /// `geoshift replan --json` (its report's rows), or a saved schedule
    /// `{"assignments": [{"job", "pool", "start", "server_hours"}]}`.
    #[arg(long, value_name = "PLAN.json")]
    plan: PathBuf,
    /// The moment to re-plan from (RFC 3339): a slot boundary. Slots
    /// before it are history.
    #[arg(long, value_name = "INSTANT")]
    now: String,
    /// Work units a job has done by `now`, as JOB=UNITS (default: what its
    /// rows before `now` did). May be repeated.
    #[arg(long = "done", value_name = "JOB=UNITS")]
    done: Vec<String>,
    /// A job to cancel: its history stays and is paid, it gets no further
    /// work. May be repeated.
    #[arg(long = "cancel", value_name = "JOB")]
    cancel: Vec<String>,
    /// LP backend for the optimum (those compiled in).
    #[arg(long, value_enum, default_value = "auto")]
    solver: Solver,
    /// Print the re-plan as JSON: `now`, `now_slot`, `history_usd`, `jobs`
    /// (progress per job), `forgotten` rows and the full `report`.
    #[arg(long)]
    pub json: bool,
    /// Also print the LP size and timings.
    #[arg(long)]
    verbose: bool,
}

/// The JSON `--json` prints.
#[derive(serde::Serialize)]
struct Output<'a> {
    now: String,
    now_slot: usize,
    history_usd: f64,
    jobs: &'a [geoshift::JobProgress],
    forgotten: &'a [SavedAssignment],
    report: &'a geoshift::Report,
}

/// Runs `geoshift replan`.
pub fn run(args: &Args) -> Result<(), Failure> {
    let problem = crate::load_for(&args.scenario, 3)?;
    let previous = read_plan(&args.plan)?;
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339(&args.now)
        .map_err(|e| usage(format!("--now {}: not an RFC 3339 instant: {e}", args.now)))?
        .with_timezone(&Utc);
    let mut replan = Replan::new(previous, now);
    for d in &args.done {
        let (job, units) = d
            .rsplit_once('=')
            .ok_or_else(|| usage(format!("--done {d}: expected JOB=UNITS")))?;
        let units: f64 = units
            .parse()
            .map_err(|_| usage(format!("--done {d}: '{units}' is not a number")))?;
        replan = replan.done_work(job, units);
    }
    for job in &args.cancel {
        replan = replan.cancel(job.as_str());
    }
    let clock = Instant::now();
    let r = replan
        .solve(&problem, &optimal(args.solver.0, args.verbose))
        .map_err(failure)?;
    let seconds = clock.elapsed().as_secs_f64();
    let mut out = String::new();
    if args.json {
        let output = Output {
            now: now.to_rfc3339(),
            now_slot: r.now_slot,
            history_usd: r.history_usd,
            jobs: &r.jobs,
            forgotten: &r.forgotten,
            report: &r.report,
        };
        outln!(out, "{}", to_json(&output)?);
    } else {
        outln!(
            out,
            "re-plan from {} (slot {}): history {}, from now on {}",
            now.to_rfc3339(),
            r.now_slot,
            crate::output::usd(r.history_usd),
            crate::output::usd(r.report.total_usd - r.history_usd)
        );
        let w = r.jobs.iter().map(|j| j.id.len()).max().unwrap_or(3).max(3);
        outln!(
            out,
            "  {:<w$}  {:<11}  {:>10}  {:>10}  {:>10}  pinned",
            "job",
            "state",
            "work",
            "done",
            "remaining"
        );
        for j in &r.jobs {
            let line = format!(
                "  {:<w$}  {:<11}  {:>10.3}  {:>10.3}{} {:>10.3}  {}",
                j.id,
                state(j.state),
                j.work,
                j.done_work,
                if j.done_given { "*" } else { " " },
                j.remaining_work,
                j.pinned_region.as_deref().unwrap_or("")
            );
            outln!(out, "{}", line.trim_end());
        }
        if r.jobs.iter().any(|j| j.done_given) {
            outln!(
                out,
                "  * done work given with --done, not read from the plan"
            );
        }
        for f in &r.forgotten {
            outln!(
                out,
                "  dropped: the plan's row {} on {} at {} names what the scenario no longer has",
                f.job,
                f.pool,
                f.start.to_rfc3339()
            );
        }
        outln!(out);
        print_report(&mut out, &r.report, seconds, r.as_run());
    }
    emit(&out)
}

fn state(s: JobState) -> &'static str {
    match s {
        JobState::New => "new",
        JobState::NotStarted => "not started",
        JobState::Started => "started",
        JobState::Finished => "finished",
        JobState::Cancelled => "cancelled",
        _ => "other",
    }
}

/// A re-plan error with its exit status: the solve's own error as the
/// other commands map it; no time left for a job is "no schedule" (2);
/// the rest is bad input (1).
fn failure(e: geoshift::Error) -> Failure {
    Failure::from(e)
}

/// The rows of the plan at `path`: `assignments` at the top (a saved
/// schedule or a `solve --json` report) or under `report` (a `replan
/// --json` output). Each row's `job`, `pool`, `start` and `server_hours`
/// are read; a report's `slot` repeats `start` and is not needed.
fn read_plan(path: &Path) -> Result<SavedSchedule, Failure> {
    let text = crate::read_input(path)?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| usage(format!("{}: not JSON: {e}", path.display())))?;
    let rows = value
        .get("assignments")
        .or_else(|| value.get("report").and_then(|r| r.get("assignments")))
        .and_then(|a| a.as_array())
        .ok_or_else(|| {
            usage(format!(
                "{}: no \"assignments\" array (nor \"report.assignments\")",
                path.display()
            ))
        })?;
    #[derive(serde::Deserialize)]
    struct Row {
        job: String,
        pool: String,
        start: String,
        server_hours: f64,
    }
    let rows = rows
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let r: Row = serde_json::from_value(v.clone())
                .map_err(|e| usage(format!("{}: assignments[{i}]: {e}", path.display())))?;
            let start = DateTime::parse_from_rfc3339(&r.start)
                .map_err(|e| {
                    usage(format!(
                        "{}: assignments[{i}].start {}: not an RFC 3339 instant: {e}",
                        path.display(),
                        r.start
                    ))
                })?
                .with_timezone(&Utc);
            Ok(SavedAssignment::new(r.job, r.pool, start, r.server_hours))
        })
        .collect::<Result<Vec<_>, Failure>>()?;
    Ok(SavedSchedule::new(rows))
}
