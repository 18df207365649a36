//! The `geoshift` command: solve, compare and validate scenario files.
//!
//! Exit status: 0 on success, 1 on malformed input or usage (unreadable
//! file, bad JSON, a value docs/MODEL.md forbids or outside the supported range,
//! a scenario or model over the size limits, an output that cannot be
//! written), 2 when no schedule exists (the explanation is on stderr), 3
//! when a solver fails or a schedule breaks a constraint (a bug worth
//! reporting), 4 when `--time-limit` passed before any plan was found.

mod bench;
mod catalog;
mod explain;
mod merge;
mod output;
mod plot;
mod risk;
mod shard;
mod spelling;
mod sweep;
mod validate;
mod variants;

use clap::builder::PossibleValue;
use clap::{Parser, Subcommand, ValueEnum};
use geoshift::{evaluate, Backend, Error, Optimal, Problem, Progress, Report, Scenario, Scheduler};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

/// `writeln!` into a `String` (which cannot fail). Output is gathered and
/// written once, so that a closed pipe (`geoshift ... | head`) ends the
/// program quietly instead of panicking in `println!`.
macro_rules! outln {
    ($out:expr) => {{ $out.push('\n'); }};
    ($out:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        let _ = writeln!($out, $($arg)*);
    }};
}

mod replan;

#[derive(Parser)]
#[command(
    name = "geoshift",
    version,
    about = "Where and when should AI training run so that it costs the least?"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Stop the optimum after this many seconds and report the best plan
    /// found with its proven gap (exit 4 if none was found).
    #[arg(long, global = true, value_name = "SECONDS")]
    time_limit: Option<f64>,
    /// Accept a plan within this relative gap of the proven lower bound
    /// (default 1e-7: exact).
    #[arg(long, global = true, value_name = "REL")]
    gap: Option<f64>,
    /// Price work left undone at this many $ per work unit, for every job
    /// without a price of its own (`unmet_usd_per_work` in the file): the
    /// plan then leaves work undone where capacity is short, instead of
    /// failing with exit 2, and the report prices each job's shortfall.
    #[arg(long, global = true, value_name = "USD")]
    unmet_usd_per_work: Option<f64>,
    /// Remove every match before validation (KIND: region, pool, job or
    /// link, whose glob matches `FROM->TO`; `*` and `?`): `--without
    /// 'region:vast-*'`. A removed region takes its pools and links.
    /// Repeatable; overlays apply in the order given.
    #[arg(long, global = true, value_name = "KIND:GLOB")]
    without: Vec<String>,
    /// Keep only the matches of that kind: `--only 'job:pretrain-*'`.
    #[arg(long, global = true, value_name = "KIND:GLOB")]
    only: Vec<String>,
    /// Set a field on every match, or a top-level one: `--set
    /// 'pool:vast-*.interruption_rate_per_hour=0.1'`, `--set
    /// carbon_price_usd_per_t=80` (VALUE is JSON, or else a string).
    #[arg(long, global = true, value_name = "[KIND:GLOB.]FIELD=VALUE")]
    set: Vec<String>,
}

/// The limits of the optimum given on the command line.
#[derive(Clone, Copy, Default)]
struct SolveLimits {
    /// `--time-limit` from the start of the command: one deadline for
    /// every solve the command runs (a sweep's points, explain's
    /// re-solves, risk's two optima, a diagnosis), so that the command as
    /// a whole ends by it.
    deadline: Option<Instant>,
    gap: Option<f64>,
}

/// Set once in `main`, read by [`optimal`].
static LIMITS: OnceLock<SolveLimits> = OnceLock::new();

/// The command's one cancel flag: the first Ctrl-C raises it, and every
/// optimum of the command (each point of a sweep, each re-solve of
/// explain, each scenario of a bench) stops with its best plan and proof;
/// a second Ctrl-C ends the process (status 130).
static CANCEL: OnceLock<Arc<AtomicBool>> = OnceLock::new();

/// The cancel flag, raised by Ctrl-C (see [`CANCEL`]).
pub(crate) fn cancel_flag() -> Arc<AtomicBool> {
    Arc::clone(CANCEL.get_or_init(|| Arc::new(AtomicBool::new(false))))
}

/// Installs the Ctrl-C handler once: the first press raises
/// [`cancel_flag`], a second one exits at once.
fn watch_ctrl_c() {
    let flag = cancel_flag();
    let installed = ctrlc::set_handler(move || {
        if flag.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
        eprintln!("interrupted: stopping at the best plan so far (Ctrl-C again to quit now)");
    });
    if let Err(e) = installed {
        eprintln!("note: Ctrl-C will end the command at once ({e})");
    }
}

/// `--unmet-usd-per-work`: set once in `main`, applied by [`load`].
static UNMET_USD_PER_WORK: OnceLock<f64> = OnceLock::new();

/// `--without`, `--only`, `--set` in the order given: set once in
/// `main`, applied by [`read_scenario`] after parsing, before validation.
static OVERLAYS: OnceLock<Vec<geoshift::Overlay>> = OnceLock::new();

/// Whether stdout is JSON (set once in `main`): the overlays are then a
/// field, not a header line.
static JSON_OUTPUT: OnceLock<bool> = OnceLock::new();

/// The scenario file the command read, for the overlays' header line.
static SCENARIO_PATH: OnceLock<PathBuf> = OnceLock::new();

/// Whether the output's header line has shown the overlays already.
static OVERLAYS_SHOWN: AtomicBool = AtomicBool::new(false);

/// The overlays of the command line (empty when none).
pub(crate) fn overlays() -> &'static [geoshift::Overlay] {
    OVERLAYS.get().map_or(&[], Vec::as_slice)
}

/// `path` as a header line names it: with the overlays applied to it in
/// brackets (`scenarios/x.json [without region:vast-*]`). A header that
/// calls this shows them, so [`emit`] adds no line of its own.
pub(crate) fn described(path: &Path) -> String {
    let overlays = overlays();
    if overlays.is_empty() {
        return path.display().to_string();
    }
    OVERLAYS_SHOWN.store(true, Ordering::SeqCst);
    format!("{} [{}]", path.display(), variants::describe(overlays))
}

/// A scheduler the crate ships, as `--scheduler` names it.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SchedulerName {
    /// The LP/MILP optimum.
    Optimal,
    /// Every job at its origin, as soon as possible.
    Local,
    /// Cheapest cells first.
    Greedy,
    /// Earliest deadline first at the origin, fastest pool first (bench).
    EdfHome,
    /// Cheapest hours at the origin before the deadline (bench).
    WaitAwhile,
    /// All of a job in the region of least mean price (bench).
    CheapestRegion,
    /// Lowest-carbon cells first (bench).
    CarbonGreedy,
}

impl SchedulerName {
    fn name(self) -> &'static str {
        match self {
            SchedulerName::Optimal => "optimal",
            SchedulerName::Local => "local",
            SchedulerName::Greedy => "greedy",
            SchedulerName::EdfHome => "edf-home",
            SchedulerName::WaitAwhile => "wait-awhile",
            SchedulerName::CheapestRegion => "cheapest-region",
            SchedulerName::CarbonGreedy => "carbon-greedy",
        }
    }
}

/// A solver backend compiled into the library, as `--solver` names it: the
/// values are `Backend::available()`, so they follow the features.
#[derive(Clone, Copy)]
struct Solver(Backend);

impl ValueEnum for Solver {
    fn value_variants<'a>() -> &'a [Self] {
        static ALL: OnceLock<Vec<Solver>> = OnceLock::new();
        ALL.get_or_init(|| Backend::available().iter().map(|&b| Solver(b)).collect())
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.0.name()))
    }
}

/// Each command's `--help` ends with examples (checked by
/// `cli/tests/help.rs`).
const EXAMPLES_SOLVE: &str = "Examples:\n  geoshift solve scenarios/ny-vs-gulf.json --solver microlp\n  geoshift solve scenarios/ny-vs-gulf.json --emissions-cap 5 --json\n  geoshift solve scenarios/ny-vs-marketplace.json --without 'region:vast-*' --csv plan.csv";
const EXAMPLES_SWEEP: &str = "Examples:\n  geoshift sweep scenarios/carbon-priced-0.json --carbon-prices 0,50,100 --out curve.svg\n  geoshift sweep scenarios/ny-vs-gulf.json --emissions-caps auto --points 5\n  geoshift sweep scenarios/ny-vs-marketplace.json --vary 'pool:vast-*.interruption_rate_per_hour=0,0.05,0.1'\n  geoshift sweep scenarios/ny-vs-gulf.json --carbon-prices 0,50,100,200 --shard 1/2 --shard-out results/";
const EXAMPLES_COMPARE: &str = "Examples:\n  geoshift compare scenarios/ny-vs-gulf.json --solver microlp\n  geoshift compare scenarios/ny-vs-marketplace.json --variant 'cloud=without region:vast-*' --variant 'all='";
const EXAMPLES_VALIDATE: &str = "Examples:\n  geoshift validate scenarios/ny-vs-gulf.json\n  geoshift validate scenarios/ny-vs-marketplace.json --json";
const EXAMPLES_RISK: &str = "Examples:\n  geoshift risk scenarios/ny-vs-gulf.json --solver microlp\n  geoshift risk scenarios/ny-vs-marketplace.json --rate 'vast-*=0.05' --json";
const EXAMPLES_PLOT: &str = "Examples:\n  geoshift plot scenarios/ny-vs-gulf.json --out plots";
const EXAMPLES_EXPLAIN: &str =
    "Examples:\n  geoshift explain scenarios/follow-the-cheap-hours.json --top 8 --out plots";
const EXAMPLES_REPLAN: &str = "Examples:\n  geoshift replan scenarios/follow-the-cheap-hours.json --plan docs/replan/plan.json --now 2023-07-01T00:00:00Z --done va-pretrain=40";
const EXAMPLES_BENCH: &str =
    "Examples:\n  geoshift bench --seeds 20 --csv rows.csv --out gaps.svg\n  geoshift bench --list";
const EXAMPLES_CATALOG: &str = "Examples:\n  geoshift catalog data/catalog/vast_vms_00690e76.csv --skip-bad-rows\n  geoshift catalog data/catalog/vast_vms_00690e76.csv --skip-bad-rows --into scenarios/ny-vs-gulf.json --link ny=0.01:0.01:1 --interruption-rate 0.00677";
const EXAMPLES_MERGE: &str = "Examples:\n  \
    geoshift merge results/bench-shard-1-of-3.json results/bench-shard-2-of-3.json results/bench-shard-3-of-3.json --csv bench.csv\n  \
    geoshift merge results/sweep-shard-1-of-2.json results/sweep-shard-2-of-2.json --json\n\n\
    The shards come from `geoshift bench --seeds 100 --shard 1/3 --shard-out results/` (and 2/3, \
    3/3, on any machine; docs/many-machines.md).";

#[derive(Subcommand)]
enum Command {
    /// Plan a scenario with one scheduler and print its report.
    #[command(after_help = EXAMPLES_SOLVE)]
    Solve {
        /// Scenario file (JSON, see docs/MODEL.md).
        scenario: PathBuf,
        /// Which scheduler plans.
        #[arg(long, value_enum, default_value = "optimal")]
        scheduler: SchedulerName,
        /// LP backend for the optimum (those compiled in).
        #[arg(long, value_enum, default_value = "auto")]
        solver: Solver,
        /// Print the report as the JSON of docs/MODEL.md.
        #[arg(long)]
        json: bool,
        /// Also print the LP size and timings.
        #[arg(long)]
        verbose: bool,
        /// The least cost with emissions at most this many tCO2e (optimal
        /// only).
        #[arg(long, value_name = "T", conflicts_with = "budget")]
        emissions_cap: Option<f64>,
        /// The least emissions with a total (rent, energy, carbon price,
        /// egress) of at most this many $ (optimal only).
        #[arg(long, value_name = "USD", allow_negative_numbers = true)]
        budget: Option<f64>,
        /// Also write the plan's rows to this CSV file (job, pool, region,
        /// slot, start, server_hours, work, cost_usd); an existing file is
        /// refused, never replaced.
        #[arg(long, value_name = "FILE.csv")]
        csv: Option<PathBuf>,
    },
    /// Solve at each carbon price, emissions cap, deadline slack or value
    /// of a field (--vary): a table of cost against emissions (or the
    /// setting) and an SVG curve.
    #[command(after_help = EXAMPLES_SWEEP)]
    Sweep(sweep::SweepArgs),
    /// Run every scheduler on a scenario and compare their costs; or, with
    /// --variant, one scheduler on variants of the scenario.
    #[command(after_help = EXAMPLES_COMPARE)]
    Compare {
        /// Scenario file (JSON, see docs/MODEL.md).
        scenario: PathBuf,
        /// LP backend for the optimum (those compiled in).
        #[arg(long, value_enum, default_value = "auto")]
        solver: Solver,
        /// Print the comparison as JSON.
        #[arg(long)]
        json: bool,
        /// A variant of the scenario, one row each: `NAME=OVERLAY; OVERLAY`,
        /// each overlay as on the command line without its dashes
        /// (`--variant 'cloud=without region:vast-*'`; `--variant 'all='`
        /// is the file as it is). Savings are against the first.
        #[arg(long, value_name = "NAME=OVERLAYS")]
        variant: Vec<String>,
        /// Which scheduler plans each variant (with --variant).
        #[arg(long, value_enum, default_value = "optimal", requires = "variant")]
        scheduler: SchedulerName,
        /// Also write the variants' rows to this CSV file (with --variant;
        /// an existing file is refused, never replaced).
        #[arg(long, value_name = "FILE.csv", requires = "variant")]
        csv: Option<PathBuf>,
        /// Threads that plan variants at once, 1 to 256 (with --variant;
        /// default: one per core): the variants are cut into that many
        /// runs of neighbours, each variant's optimum starting from the
        /// one before in its run. Fewer run when the memory budget does
        /// not hold that many solves (said on stderr).
        #[arg(long, requires = "variant")]
        threads: Option<usize>,
    },
    /// Check a scenario and summarise it.
    #[command(after_help = EXAMPLES_VALIDATE)]
    Validate {
        /// Scenario file (JSON, see docs/MODEL.md).
        scenario: PathBuf,
        /// Print the summary as JSON (counts, each job's open and closed
        /// regions, warnings); an invalid file is the error object.
        #[arg(long)]
        json: bool,
    },
    /// Price the interruptions of capacity that can vanish (spot): the
    /// optimum with them priced and ignored, and the share of risky work.
    #[command(after_help = EXAMPLES_RISK)]
    Risk(risk::RiskArgs),
    /// Run every scheduler and write SVG charts of the plans.
    #[command(after_help = EXAMPLES_PLOT)]
    Plot {
        /// Scenario file (JSON, see docs/MODEL.md).
        scenario: PathBuf,
        /// Folder to write the SVG files to (created if missing). Checked
        /// before solving; the files are replaced all or none, never
        /// through a symbolic link or onto the input.
        #[arg(long, default_value = "plots")]
        out: PathBuf,
        /// Scheduler whose plan the per-region and per-job charts show.
        #[arg(long, value_enum, default_value = "optimal")]
        scheduler: SchedulerName,
        /// LP backend for the optimum (those compiled in).
        #[arg(long, value_enum, default_value = "auto")]
        solver: Solver,
    },
    /// What one more unit of each limit saves at the optimum of a
    /// Split-only scenario: pools, power caps, parallelism, deadlines.
    #[command(after_help = EXAMPLES_EXPLAIN)]
    Explain {
        /// Scenario file (JSON, see docs/MODEL.md).
        scenario: PathBuf,
        /// LP backend (auto: the one with duals compiled in).
        #[arg(long, value_enum, default_value = "auto")]
        solver: Solver,
        /// Print the explanation as JSON.
        #[arg(long)]
        json: bool,
        /// Rows of the bottleneck table.
        #[arg(long, default_value_t = 10)]
        top: usize,
        /// Folder to write capacity-value.svg to (created if missing), as
        /// `plot --out` (was `--plot`).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Threads that run the deadline re-solves at once, 1 to 256
        /// (default: one per core; fewer when the memory budget does not
        /// hold that many). The values do not depend on it.
        #[arg(long)]
        threads: Option<usize>,
    },
    /// Plan the rest of a running plan from a moment on, over an updated
    /// scenario: slots before it are history, work done is not redone.
    #[command(after_help = EXAMPLES_REPLAN)]
    Replan(replan::Args),
    /// Run schedulers over families of scenarios against the proven
    /// optimum: gap tables, JSON, CSV and an SVG chart.
    #[command(after_help = EXAMPLES_BENCH)]
    Bench(bench::BenchArgs),
    /// Read a price catalog (SkyPilot's vms.csv: clouds, neo-clouds, the
    /// Vast.ai marketplace) into pools: list its offers with rent, speed and
    /// power, or add them to a scenario as marketplace hosts.
    #[command(after_help = EXAMPLES_CATALOG)]
    Catalog(catalog::CatalogArgs),
    /// Put the result files of a sharded sweep or bench (`--shard I/N`)
    /// back together: the table, JSON and CSV of one unsharded run.
    #[command(after_help = EXAMPLES_MERGE)]
    Merge(merge::MergeArgs),
}

/// A failure with the exit status it maps to, and what `--json` prints.
struct Failure {
    code: u8,
    message: String,
    /// The library's error as JSON (`kind`, `message`, `detail`), when the
    /// failure is one.
    error: Option<serde_json::Value>,
    /// Whether stdout already holds the JSON result that reports it (a
    /// comparison whose optimum failed), so no error object follows.
    reported: bool,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        let code = match e {
            Error::Input(_) | Error::TooLarge(_) => 1,
            Error::Infeasible(_) | Error::Goal(geoshift::GoalError::Unreachable { .. }) => 2,
            Error::Sweep(_) => 1,
            Error::Explain(ref e) if matches!(**e, geoshift::ExplainError::Stopped { .. }) => 4,
            Error::Explain(_) => 1,
            Error::Replan(ref e) if matches!(**e, geoshift::ReplanError::NoTimeLeft { .. }) => 2,
            Error::Replan(_) => 1,
            Error::Stopped(_) => 4,
            // Data the command was asked to read, or read as far as Ctrl-C.
            Error::Data(geoshift::data::DataError::Stopped { .. }) => 4,
            Error::Data(_) => 1,
            // A bench asked for a family or seed there is not.
            Error::Bench(_) => 1,
            // A file that could not be written (a number with no MPS form
            // is a bug, below).
            Error::Export(geoshift::ExportError::Io { .. }) => 1,
            _ => 3, // a solver failure or an invalid schedule: a bug
        };
        Failure {
            code,
            message: e.to_string(),
            error: serde_json::to_value(&e).ok(),
            reported: false,
        }
    }
}

impl Failure {
    /// A failure that is not one of the library's errors.
    fn new(code: u8, message: String) -> Self {
        Failure {
            code,
            message,
            error: None,
            reported: false,
        }
    }

    /// The failure as the JSON object `--json` prints on stdout:
    /// `{"error": {"kind", "message", "detail", "exit_status"}}`. A failure
    /// that is not the library's (an unreadable file, a usage error) has
    /// kind `usage` or `io` and no detail.
    fn to_json(&self) -> serde_json::Value {
        let mut error = self.error.clone().unwrap_or_else(|| {
            serde_json::json!({
                "kind": if self.code == 1 { "usage" } else { "io" },
                "detail": null,
            })
        });
        error["message"] = serde_json::Value::String(self.message.clone());
        error["exit_status"] = self.code.into();
        serde_json::json!({ "error": error })
    }
}

fn main() -> ExitCode {
    let (args, notes) = spelling::modernise(std::env::args_os());
    for note in notes {
        eprintln!("{note}");
    }
    let cli = match Cli::try_parse_from(args.iter().cloned()) {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout with status 0; a usage error is
            // malformed input (status 1), never the "infeasible" status 2.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 1 } else { 0 });
        }
    };
    for (name, v) in [("--time-limit", cli.time_limit), ("--gap", cli.gap)] {
        if let Some(v) = v {
            if !(v.is_finite() && v >= 0.0) {
                eprintln!("error: {name} must be a number >= 0, got {v}");
                return ExitCode::from(1);
            }
        }
    }
    if let Some(usd) = cli.unmet_usd_per_work {
        // Its range is the library's to check, with the job it applies to.
        let _ = UNMET_USD_PER_WORK.set(usd);
    }
    let overlays = match variants::from_args(&args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    if !overlays.is_empty() && matches!(cli.command, Command::Bench(_) | Command::Catalog(_)) {
        eprintln!(
            "error: --without, --only and --set apply to commands that read a scenario file \
             (solve, compare, validate, sweep, risk, plot, explain, replan), not to bench or catalog"
        );
        return ExitCode::from(1);
    }
    let _ = OVERLAYS.set(overlays);
    watch_ctrl_c();
    let _ = LIMITS.set(SolveLimits {
        // Checked above to be finite and >= 0; a value too large for a
        // Duration or an Instant is no limit at all.
        deadline: cli
            .time_limit
            .and_then(|t| Duration::try_from_secs_f64(t).ok())
            .and_then(|t| Instant::now().checked_add(t)),
        gap: cli.gap,
    });
    let json = matches!(
        cli.command,
        Command::Solve { json: true, .. }
            | Command::Compare { json: true, .. }
            | Command::Explain { json: true, .. }
            | Command::Validate { json: true, .. }
    ) || matches!(&cli.command, Command::Replan(a) if a.json)
        || matches!(&cli.command, Command::Risk(a) if a.json)
        || matches!(&cli.command, Command::Sweep(a) if a.json)
        || matches!(&cli.command, Command::Bench(a) if a.json)
        || matches!(&cli.command, Command::Catalog(a) if a.json)
        || matches!(&cli.command, Command::Merge(a) if a.json);
    let _ = JSON_OUTPUT.set(json);
    let result = match cli.command {
        Command::Solve {
            scenario,
            scheduler,
            solver,
            json,
            verbose,
            emissions_cap,
            budget,
            csv,
        } => {
            let goal = match (emissions_cap, budget) {
                (Some(t), _) => Some(geoshift::Goal::LeastCostUnderCap { emissions_t: t }),
                (_, Some(usd)) => {
                    Some(geoshift::Goal::LeastEmissionsUnderBudget { total_usd: usd })
                }
                _ => None,
            };
            solve(
                &scenario,
                scheduler,
                solver.0,
                json,
                verbose,
                goal,
                csv.as_deref(),
            )
        }
        Command::Sweep(args) => sweep::run(args),
        Command::Compare {
            scenario,
            solver,
            json,
            variant,
            scheduler,
            csv,
            threads,
        } if !variant.is_empty() => sweep::threads(threads).and_then(|threads| {
            variants::compare(&variants::CompareVariants {
                path: &scenario,
                variants: &variant,
                scheduler,
                backend: solver.0,
                json,
                csv: csv.as_deref(),
                threads,
            })
        }),
        Command::Compare {
            scenario,
            solver,
            json,
            ..
        } => compare(&scenario, solver.0, json),
        Command::Validate { scenario, json } => validate(&scenario, json),
        Command::Catalog(args) => catalog::run(&args),
        Command::Risk(args) => risk::risk(&args),
        Command::Plot {
            scenario,
            out,
            scheduler,
            solver,
        } => plot(&scenario, &out, scheduler, solver.0),
        Command::Explain {
            scenario,
            solver,
            json,
            top,
            out,
            threads,
        } => explain::run(&scenario, (solver.0, threads), json, top, out.as_deref()),
        Command::Replan(args) => replan::run(&args),
        Command::Bench(args) => bench::run(&args),
        Command::Merge(args) => merge::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("error: {}", f.message);
            if json && !f.reported {
                let _ = emit(&format!("{:#}\n", f.to_json()));
            }
            ExitCode::from(f.code)
        }
    }
}

fn usage(message: String) -> Failure {
    Failure::new(1, message)
}

/// An input error about the file at `path`: the message names the file,
/// the JSON keeps the typed error.
fn input_error(path: &Path, e: Error) -> Failure {
    let message = format!("{}: {e}", path.display());
    Failure {
        message,
        ..Failure::from(e)
    }
}

/// The largest input file read (256 MiB): a scenario or plan above it is
/// refused unread (exit 1), so that a huge or endless file (`/dev/zero`)
/// cannot exhaust memory before the model's own estimate is checked.
pub(crate) const MAX_INPUT_BYTES: u64 = 256 << 20;

/// The text of the file at `path`, refused (exit 1) when it is larger than
/// [`MAX_INPUT_BYTES`]: its stated length is checked first, and at most
/// one byte more than the cap is ever read (a device or pipe states none).
pub(crate) fn read_input(path: &Path) -> Result<String, Failure> {
    use std::io::Read as _;
    let cannot = |e: std::io::Error| usage(format!("cannot read {}: {e}", path.display()));
    let too_large = || {
        usage(format!(
            "{}: the file is larger than the input cap of {MAX_INPUT_BYTES} bytes (256 MiB); \
             refused unread",
            path.display()
        ))
    };
    let file = std::fs::File::open(path).map_err(cannot)?;
    let stated = file.metadata().map_err(cannot)?.len();
    if stated > MAX_INPUT_BYTES {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    file.take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(too_large());
    }
    String::from_utf8(bytes).map_err(|e| usage(format!("cannot read {}: {e}", path.display())))
}

fn load(path: &Path) -> Result<Problem, Failure> {
    load_for(path, 1)
}

/// [`load`] for a command that holds up to `copies` problems of the
/// scenario at once: refused (exit 1) before any is built when their
/// estimate (`Problem::estimate_bytes`, which counts the copy of the
/// scenario the problem keeps) is above the memory budget. The scenario
/// as read is in the problem ([`Problem::scenario`]).
fn load_for(path: &Path, copies: usize) -> Result<Problem, Failure> {
    let scenario = read_scenario(path)?;
    build_problem(path, scenario, copies)
}

/// The scenario in the file at `path`, parsed, with `--unmet-usd-per-work`
/// and the command line's overlays applied (in that order), not yet
/// validated.
pub(crate) fn read_scenario(path: &Path) -> Result<Scenario, Failure> {
    let text = read_input(path)?;
    let mut scenario = Scenario::from_json(&text).map_err(|e| input_error(path, e))?;
    if let Some(&usd) = UNMET_USD_PER_WORK.get() {
        for job in &mut scenario.jobs {
            job.unmet_usd_per_work.get_or_insert(usd);
        }
    }
    let _ = SCENARIO_PATH.set(path.to_path_buf());
    for overlay in overlays() {
        scenario.apply(overlay).map_err(|e| input_error(path, e))?;
    }
    Ok(scenario)
}

/// The problem of `scenario` (read from `path`), for a command that holds
/// up to `copies` problems of it at once (see [`load_for`]).
pub(crate) fn build_problem(
    path: &Path,
    scenario: Scenario,
    copies: usize,
) -> Result<Problem, Failure> {
    let need = Problem::estimate_bytes(&scenario).saturating_mul(copies);
    let budget = geoshift::DEFAULT_MEMORY_BUDGET_BYTES;
    if need > budget {
        return Err(usage(format!(
            "{}: the scenario is too large for this command: its {} slots × ({} pools + {} \
             regions) need about {} MiB by estimate against a budget of {} MiB; use coarser \
             slots or a shorter horizon",
            path.display(),
            scenario.horizon.slots,
            scenario.pools.len(),
            scenario.regions.len(),
            need >> 20,
            budget >> 20
        )));
    }
    Problem::from_scenario(scenario).map_err(|e| input_error(path, e))
}

/// The optimum with a progress line on stderr for solves over a second
/// (and the LP's size and timings always, when `verbose`).
fn optimal(backend: Backend, verbose: bool) -> Optimal {
    type Ticker = (mpsc::Sender<()>, thread::JoinHandle<()>);
    let ticker: Mutex<Option<Ticker>> = Mutex::new(None);
    let status = Arc::new(Mutex::new(String::new()));
    let shown = Arc::clone(&status);
    let limits = LIMITS.get().copied().unwrap_or_default();
    let mut optimal = Optimal::new(backend).cancel_flag(cancel_flag());
    if let Some(at) = limits.deadline {
        optimal = optimal.deadline(at);
    }
    if let Some(g) = limits.gap {
        optimal = optimal.gap(g);
    }
    optimal.on_progress(move |stage| match stage {
        Progress::Built {
            size,
            backend,
            seconds,
        } => {
            let what = format!(
                "solving with {}: {} variables, {} binaries, {} constraints (built in {seconds:.2} s)",
                backend.name(),
                size.variables,
                size.binaries,
                size.constraints
            );
            if verbose {
                eprintln!("{what}");
            }
            let (stop, stopped) = mpsc::channel::<()>();
            let status = Arc::clone(&shown);
            let handle = thread::spawn(move || tick(&what, &status, &stopped));
            if let Ok(mut slot) = ticker.lock() {
                *slot = Some((stop, handle));
            }
        }
        Progress::Round {
            stage,
            round,
            incumbent_usd,
            bound_usd,
            ..
        } => {
            let best = incumbent_usd.map_or("none yet".to_string(), output::usd);
            let line = format!(
                "{stage:?} {round}: best {best}, bound {}",
                output::usd(*bound_usd)
            );
            if verbose {
                eprintln!("  {line}");
            }
            if let Ok(mut s) = status.lock() {
                *s = line;
            }
        }
        Progress::Diagnosing => {
            let what = "no plan exists; diagnosing why (least-shortfall LP)".to_string();
            if verbose {
                eprintln!("{what}");
            }
            let (stop, stopped) = mpsc::channel::<()>();
            let status = Arc::clone(&shown);
            if let Ok(mut s) = status.lock() {
                s.clear();
            }
            let handle = thread::spawn(move || tick(&what, &status, &stopped));
            if let Ok(mut slot) = ticker.lock() {
                *slot = Some((stop, handle));
            }
        }
        Progress::Solved { seconds } | Progress::Diagnosed { seconds } => {
            if verbose {
                eprintln!("solver done in {seconds:.3} s");
            }
            if let Some((stop, handle)) = ticker.lock().ok().and_then(|mut slot| slot.take()) {
                let _ = stop.send(());
                let _ = handle.join();
            }
        }
        _ => {}
    })
}

/// Whether progress lines go to stderr: yes unless `GEOSHIFT_PROGRESS=0`
/// (the doc tests set it, so that their output does not depend on how
/// fast the machine is).
pub(crate) fn progress_shown() -> bool {
    std::env::var_os("GEOSHIFT_PROGRESS").is_none_or(|v| v != "0")
}

/// After the first second of a solve, shows `what` and the latest news of
/// the search (best plan, proven bound) until told to stop. On a
/// terminal: an indicatif spinner line with the seconds elapsed, redrawn
/// in place and cut to the terminal's width (`{wide_msg}`), so that a long
/// model size never wraps into a second line, then cleared for one line
/// with the time taken. Elsewhere (a log, a pipe): one line at the start
/// and one at the end.
fn tick(what: &str, status: &Mutex<String>, stop: &mpsc::Receiver<()>) {
    if !progress_shown() {
        let _ = stop.recv();
        return;
    }
    let clock = Instant::now();
    if !matches!(
        stop.recv_timeout(Duration::from_secs(1)),
        Err(mpsc::RecvTimeoutError::Timeout)
    ) {
        return; // done (or abandoned) within a second: nothing to show
    }
    let message = || {
        let news = status.lock().map(|s| s.clone()).unwrap_or_default();
        if news.is_empty() {
            what.to_string()
        } else {
            format!("{what}; {news}")
        }
    };
    if std::io::stderr().is_terminal() {
        let bar = ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr())
            .with_elapsed(clock.elapsed());
        // The template is a constant; should it ever not parse, the
        // default spinner style still shows the message.
        let style = ProgressStyle::with_template("{spinner} {wide_msg} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        bar.set_style(style);
        bar.set_message(message());
        bar.enable_steady_tick(Duration::from_millis(200));
        while let Err(mpsc::RecvTimeoutError::Timeout) =
            stop.recv_timeout(Duration::from_millis(500))
        {
            bar.set_message(message());
        }
        // Cleared, not finished: a finished bar leaves the cursor at the
        // end of its line, where the report would then start.
        bar.finish_and_clear();
        eprintln!("solved in {:.1} s", clock.elapsed().as_secs_f64());
    } else {
        eprintln!("{what}...");
        let _ = stop.recv();
        eprintln!("solved in {:.1} s", clock.elapsed().as_secs_f64());
    }
}

fn scheduler(name: SchedulerName, backend: Backend, verbose: bool) -> Box<dyn Scheduler> {
    match name {
        SchedulerName::Optimal => Box::new(optimal(backend, verbose)),
        SchedulerName::Local => Box::new(geoshift::Local),
        SchedulerName::Greedy => Box::new(geoshift::Greedy),
        SchedulerName::EdfHome => Box::new(geoshift::EdfHome),
        SchedulerName::WaitAwhile => Box::new(geoshift::WaitAwhile),
        SchedulerName::CheapestRegion => Box::new(geoshift::CheapestRegion),
        SchedulerName::CarbonGreedy => Box::new(geoshift::CarbonGreedy),
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

fn solve(
    path: &Path,
    name: SchedulerName,
    backend: Backend,
    json: bool,
    verbose: bool,
    goal: Option<geoshift::Goal>,
    csv: Option<&Path>,
) -> Result<(), Failure> {
    let s = match (goal, name) {
        (None, _) => scheduler(name, backend, verbose),
        (Some(g), SchedulerName::Optimal) => Box::new(optimal(backend, verbose).goal(g)),
        (Some(_), _) => {
            return Err(usage(
                "--emissions-cap and --budget need --scheduler optimal".into(),
            ))
        }
    };
    if let Some(csv) = csv {
        variants::check_new_file("--csv", csv)?;
    }
    let problem = load(path)?;
    let (report, seconds) = run(&problem, s.as_ref())?;
    if let Some(csv) = csv {
        variants::write_new_file("--csv", csv, &variants::plan_csv(&problem, &report)?)?;
    }
    let mut out = String::new();
    if json {
        outln!(out, "{}", to_json(&report)?);
    } else {
        print_report(&mut out, &report, seconds, &problem);
        let groups = variants::group_shares(&problem, &report);
        variants::print_groups(&mut out, &[(report.scheduler.as_str(), groups)], "  ");
        if let Some(csv) = csv {
            outln!(out, "wrote {}", csv.display());
        }
    }
    emit(&out)?;
    if verbose {
        eprintln!("{} solved in {seconds:.3} s", report.scheduler);
    }
    Ok(())
}

/// `value` as pretty JSON, with the command line's overlays (as written,
/// `without region:vast-*`) as an `overlays` field of the object (of each
/// object of an array) when there are any.
fn to_json<T: serde::Serialize>(value: &T) -> Result<String, Failure> {
    let cannot = |e: serde_json::Error| Failure::new(3, format!("cannot write JSON: {e}"));
    let overlays = overlays();
    if overlays.is_empty() {
        return serde_json::to_string_pretty(value).map_err(cannot);
    }
    let shown: Vec<String> = overlays.iter().map(ToString::to_string).collect();
    let mut v = serde_json::to_value(value).map_err(cannot)?;
    let mut add = |v: &mut serde_json::Value| {
        if let Some(o) = v.as_object_mut() {
            o.insert("overlays".into(), shown.clone().into());
        }
    };
    match &mut v {
        serde_json::Value::Array(items) => items.iter_mut().for_each(&mut add),
        v => add(v),
    }
    serde_json::to_string_pretty(&v).map_err(cannot)
}

fn print_report(out: &mut String, r: &Report, seconds: f64, problem: &Problem) {
    outln!(out, "scheduler {} ({seconds:.3} s)", r.scheduler);
    outln!(out, "  total   {:>16}", output::usd(r.total_usd));
    outln!(out, "  rent    {:>16}", output::usd(r.rent_usd));
    outln!(out, "  energy  {:>16}", output::usd(r.energy_usd));
    outln!(out, "  carbon  {:>16}", output::usd(r.carbon_usd));
    outln!(out, "  egress  {:>16}", output::usd(r.egress_usd));
    if r.unmet_usd != 0.0 {
        outln!(
            out,
            "  unmet   {:>16}  (the price of work left undone, not money spent)",
            output::usd(r.unmet_usd)
        );
    }
    outln!(
        out,
        "  energy at the meter {:.3} MWh, emissions {:.3} tCO2e",
        r.energy_mwh,
        r.emissions_t
    );
    if let (Some(bound), Some(gap)) = (r.bound_usd, r.gap) {
        let verdict = match (r.proven_optimal, r.stopped) {
            (_, Some(why)) => format!("stopped by {why}"),
            (Some(true), None) => "proven optimal".to_string(),
            _ => "not proven optimal".to_string(),
        };
        outln!(
            out,
            "  {verdict}: no plan costs less than {} (gap {gap:.1e})",
            output::usd(bound)
        );
    }
    outln!(out);
    let w = r.jobs.iter().map(|j| j.id.len()).max().unwrap_or(3).max(3);
    outln!(
        out,
        "  {:<w$}  {:>14}  {:>11}  regions",
        "job",
        "cost",
        "slots"
    );
    for j in &r.jobs {
        let undone = if j.unmet_work > 0.0 {
            format!(
                "  ({} work units undone, {})",
                short(j.unmet_work, 3),
                output::usd(j.unmet_usd)
            )
        } else {
            String::new()
        };
        if j.regions.is_empty() {
            outln!(
                out,
                "  {:<w$}  {:>14}  {:>11}  none{undone}",
                j.id,
                output::usd(j.cost_usd),
                "-"
            );
            continue;
        }
        outln!(
            out,
            "  {:<w$}  {:>14}  {:>5}-{:<5}  {}{undone}",
            j.id,
            output::usd(j.cost_usd),
            j.first_slot,
            j.last_slot,
            j.regions.join(", ")
        );
    }
    let h = problem.horizon();
    outln!(out);
    outln!(
        out,
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
    /// The error as the library's JSON (`kind`, `message`, `detail`).
    #[serde(skip_serializing_if = "Option::is_none")]
    error_detail: Option<serde_json::Value>,
    /// Work and cost per region group of the plan.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    groups: Vec<variants::GroupShare>,
    /// The exit status this row's failure maps to (not serialised).
    #[serde(skip)]
    failure_code: u8,
}

fn compare(path: &Path, backend: Backend, json: bool) -> Result<(), Failure> {
    let problem = load(path)?;
    let rows = run_all(&problem, backend)?;
    let mut out = String::new();
    if json {
        outln!(out, "{}", to_json(&rows)?);
    } else {
        print_comparison(&mut out, &rows, path, &problem);
    }
    emit(&out)?;
    // The optimum decides the exit status: a heuristic that gets stuck is
    // an honest result, an infeasible scenario is not.
    match rows.iter().find(|r| r.scheduler == "optimal") {
        Some(Row {
            error: Some(e),
            failure_code,
            ..
        }) => Err(Failure {
            reported: json,
            ..Failure::new(*failure_code, e.clone())
        }),
        _ => Ok(()),
    }
}

/// Every scheduler on `problem`, with savings against Local.
fn run_all(problem: &Problem, backend: Backend) -> Result<Vec<Row>, Failure> {
    let schedulers: Vec<Box<dyn Scheduler>> = vec![
        Box::new(geoshift::Local),
        Box::new(geoshift::Greedy),
        Box::new(optimal(backend, false)),
    ];
    let mut rows = Vec::new();
    for s in &schedulers {
        let clock = Instant::now();
        let row = match run(problem, s.as_ref()) {
            Ok((report, seconds)) => Row {
                scheduler: s.name().into(),
                solve_seconds: seconds,
                saving_vs_local_usd: None,
                saving_vs_local_pct: None,
                groups: variants::group_shares(problem, &report),
                report: Some(report),
                error: None,
                error_detail: None,
                failure_code: 0,
            },
            Err(
                e @ (Error::Infeasible(_)
                | Error::Solver(_)
                | Error::Stopped(_)
                | Error::NotProven(_)),
            ) => Row {
                scheduler: s.name().into(),
                solve_seconds: clock.elapsed().as_secs_f64(),
                saving_vs_local_usd: None,
                saving_vs_local_pct: None,
                report: None,
                error: Some(e.to_string()),
                error_detail: serde_json::to_value(&e).ok(),
                groups: Vec::new(),
                failure_code: Failure::from(e).code,
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
    Ok(rows)
}

/// Writes gathered output to stdout; a closed pipe is not an error.
fn emit(out: &str) -> Result<(), Failure> {
    // A command whose output has no header naming the file gets one line
    // naming the file and its overlays, before its first output.
    let header = match (SCENARIO_PATH.get(), JSON_OUTPUT.get()) {
        (Some(path), Some(false))
            if !overlays().is_empty() && !OVERLAYS_SHOWN.load(Ordering::SeqCst) =>
        {
            format!("{}\n", described(path))
        }
        _ => String::new(),
    };
    let out = format!("{header}{out}");
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            // The environment's failure, not the solver's.
            Err(Failure::new(1, format!("cannot write to stdout: {e}")))
        }
        _ => Ok(()),
    }
}

fn plot(path: &Path, dir: &Path, name: SchedulerName, backend: Backend) -> Result<(), Failure> {
    let chosen = name.name();
    let problem = load(path)?;
    // A folder that cannot take the files is a usage error, found before
    // the three schedulers run.
    output::check_dir(dir, &plot::PLOT_FILES, path).map_err(usage)?;
    let rows = run_all(&problem, backend)?;
    let mut reports: Vec<Report> = rows.into_iter().filter_map(|r| r.report).collect();
    if !matches!(
        name,
        SchedulerName::Optimal | SchedulerName::Local | SchedulerName::Greedy
    ) {
        // A heuristic of the bench: plotted beside the three, like them.
        match run(&problem, scheduler(name, backend, false).as_ref()) {
            Ok((report, _)) => reports.push(report),
            Err(Error::Infeasible(_)) => {}
            Err(e) => return Err(Failure::from(e)),
        }
    }
    if !reports.iter().any(|r| r.scheduler == chosen) {
        return Err(Failure::new(
            2,
            format!(
                "scheduler '{chosen}' has no schedule for {} to plot",
                path.display()
            ),
        ));
    }
    let svgs = plot::render_plots(&problem, &reports, chosen)
        .map_err(|e| Failure::new(3, format!("cannot draw plots: {e}")))?;
    // Written all or none, never through a link: a failure here is the
    // file system's (full, read-only), a usage error like a bad --out.
    let files =
        output::write_all(dir, &svgs).map_err(|e| usage(format!("cannot write plots: {e}")))?;
    let mut out = String::new();
    for f in files {
        outln!(out, "wrote {}", f.display());
    }
    emit(&out)
}

fn print_comparison(out: &mut String, rows: &[Row], path: &Path, problem: &Problem) {
    outln!(
        out,
        "{}: {} jobs, {} regions, {} pools, {} slots of {} s",
        described(path),
        problem.jobs().len(),
        problem.regions().len(),
        problem.pools().len(),
        problem.slots(),
        problem.horizon().slot_seconds
    );
    outln!(out);
    outln!(
        out,
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
                    (Some(usd), Some(pct)) => format!("{} ({pct:.1}%)", output::usd(usd)),
                    (Some(usd), None) => output::usd(usd),
                    _ => "-".into(),
                };
                outln!(
                    out,
                    "{:<9} {:>15} {:>15} {:>13} {:>12} {:>12} {:>10.2} {:>9.2} {:>22} {:>8.3}s",
                    row.scheduler,
                    output::usd(r.total_usd),
                    output::usd(r.rent_usd),
                    output::usd(r.energy_usd),
                    output::usd(r.carbon_usd),
                    output::usd(r.egress_usd),
                    r.energy_mwh,
                    r.emissions_t,
                    saving,
                    row.solve_seconds
                );
            }
            None => outln!(
                out,
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
    let groups: Vec<(&str, Vec<variants::GroupShare>)> = rows
        .iter()
        .filter(|r| r.report.is_some())
        .map(|r| (r.scheduler.as_str(), r.groups.clone()))
        .collect();
    variants::print_groups(out, &groups, "");
    // With a price for undone work, a total is not all money spent.
    for r in rows.iter().filter_map(|row| row.report.as_ref()) {
        if r.unmet_usd != 0.0 {
            let work: f64 = r.jobs.iter().map(|j| j.unmet_work).sum();
            outln!(
                out,
                "{:<9} leaves {} work units undone: {} of its total is their price, not money spent",
                r.scheduler,
                short(work, 3),
                output::usd(r.unmet_usd)
            );
        }
    }
}

/// `v` with `decimals` decimals when that is short, else in scientific
/// notation: a work of 1e300 is not written out in 301 digits.
fn short(v: f64, decimals: usize) -> String {
    if v.abs() < 1e15 {
        format!("{v:.decimals$}")
    } else {
        format!("{v:e}")
    }
}

fn validate(path: &Path, json: bool) -> Result<(), Failure> {
    let problem = load(path)?;
    if json {
        return emit(&format!(
            "{}\n",
            to_json(&validate::summary(path, &problem))?
        ));
    }
    let mut out = String::new();
    let h = problem.horizon();
    outln!(
        out,
        "{}: valid. {} slots of {} s from {} ({} regions, {} pools, {} links, {} jobs)",
        described(path),
        h.slots,
        h.slot_seconds,
        h.start.to_rfc3339(),
        problem.regions().len(),
        problem.pools().len(),
        problem.scenario().links.len(),
        problem.jobs().len()
    );
    let work: f64 = problem.jobs().iter().map(|j| j.work).sum();
    let capacity: f64 = problem
        .pools()
        .iter()
        .map(|p| p.capacity_server_hours.iter().sum::<f64>() * p.speed)
        .sum();
    outln!(
        out,
        "work {} units; capacity over the horizon {} units",
        short(work, 1),
        short(capacity, 1)
    );
    // Long lists are summarised: a job allowed ten thousand regions gets a
    // dozen lines, not ten thousand.
    const SHOWN: usize = 10;
    for job in problem.jobs() {
        let mut open: Vec<String> = job
            .windows
            .iter()
            .take(SHOWN)
            .map(|w| {
                format!(
                    "{} [slots {}-{}]",
                    problem.regions()[w.region].id,
                    w.first_slot,
                    w.end_slot - 1
                )
            })
            .collect();
        if job.windows.len() > SHOWN {
            open.push(format!("and {} more regions", job.windows.len() - SHOWN));
        }
        outln!(
            out,
            "  {} ({:?}, {} units): {}",
            job.id,
            job.placement,
            if job.work.abs() < 1e15 {
                format!("{}", job.work)
            } else {
                format!("{:e}", job.work)
            },
            if open.is_empty() {
                "no eligible slot".to_string()
            } else {
                open.join(", ")
            }
        );
        for c in job.closed.iter().take(SHOWN) {
            outln!(out, "      closed {c}");
        }
        if job.closed.len() > SHOWN {
            outln!(
                out,
                "      ... and {} more closed regions",
                job.closed.len() - SHOWN
            );
        }
        // Pools of open regions its requirements or speeds close.
        for c in job.closed_pools.iter().take(SHOWN) {
            outln!(out, "      closed {c}");
        }
        if job.closed_pools.len() > SHOWN {
            outln!(
                out,
                "      ... and {} more closed pools",
                job.closed_pools.len() - SHOWN
            );
        }
        if let Some(n) = job.max_regions {
            outln!(out, "      at most {n} regions (max_regions)");
        }
    }
    // Certain shortfalls found by sums, without solving: the file is valid,
    // but it cannot be planned as it stands.
    for w in problem.capacity_warnings() {
        outln!(out, "warning: {w}");
    }
    emit(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each kind of library error exits with its documented status: bad
    /// input or an unwritable file 1, no plan 2, a limit 4, a bug 3.
    #[test]
    fn each_error_kind_has_its_exit_status() {
        let code = |e: Error| Failure::from(e).code;
        assert_eq!(code(geoshift::bench::BenchError::NoSeeds.into()), 1);
        let csv = geoshift::data::DataError::Csv {
            file: "f.csv".into(),
            line: 2,
            message: "not a number".into(),
        };
        assert_eq!(code(csv.into()), 1);
        let written = geoshift::ExportError::from(std::io::Error::other("disk full"));
        assert_eq!(code(written.into()), 1);
        let stopped = geoshift::data::DataError::Stopped {
            file: "f.csv".into(),
            line: 9,
        };
        assert_eq!(code(stopped.into()), 4);
    }
}
