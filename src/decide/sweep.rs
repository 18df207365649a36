//! Trade-off curves: the optimum solved at each setting of one knob (the
//! carbon price, an emissions cap, extra deadline slack, or any numeric
//! field of the scenario through an overlay), each point a full solve
//! with its own proof, re-checked by the evaluator.
//!
//! What is warm and what is not: each point after the first starts from
//! the previous point's solution ([`Optimal::reuse`]): its plan and the
//! cells of its all-Split relaxation's point join column generation's
//! first working set (with Greedy's plan), and with `whole` jobs its
//! plan, where it keeps the new model's rows, is an incumbent after the
//! point's own fixed plans. On the marketplace week the relaxation then
//! takes one round of column generation instead of three. Column
//! generation runs only with Clarabel or HiGHS on a large enough model
//! (20,000 cells; Clarabel's fixed and node LPs from 2,000); microlp and
//! whole-model solves start their LPs from scratch, as good_lp passes no
//! simplex basis between calls. [`SweepPoint::warm`] says which points
//! were seeded. With [`Sweep::threads`] the points of any other axis are
//! solved in runs of neighbours, one thread each, each run's first point
//! cold.
//!
//! A carbon-price sweep (and a sweep of a price field: a pool's rent, a
//! link's egress price) at a target gap of 1e-5 or looser
//! ([`MIN_HALVING_GAP`]) goes further: a price between two solved ones has
//! their rows and a mix of their costs, so the least of its plans is at
//! least the mix of theirs (see `solve/bracket.rs`). Its settings are
//! solved by halves, in order of value: the least and the greatest first,
//! then each price halfway between two solved ones, whose mixed bounds
//! (the whole model's and one per region choice of each `whole` job) and
//! mixed prices stand in for its relaxation where they are near enough
//! the target gap, and close region choices before the search otherwise.
//! On the marketplace week at `--gap 1e-3` one fixed LP then proves each
//! price between, and on two threads the 7-point sweep costs 2.3 cold
//! solves (the performance page).

use crate::decide::errors::SweepError;
use crate::error::Error;
use crate::evaluate::evaluate;
use crate::goal::{Goal, GoalError};
use crate::limits::{ColumnGeneration, StopReason};
use crate::overlay::{Overlay, OverlayFault, OverlayTarget};
use crate::problem::Problem;
use crate::scenario::error::InputError;
use crate::scenario::Scenario;
use crate::schedule::Schedule;
use crate::schedulers::optimal::Optimal;
use crate::solve::engine::Solution;
use crate::solve::error::SolverFailure;
use crate::solve::lp;
use crate::solve::lp::ModelSize;
use chrono::TimeDelta;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// The knob a sweep turns, and its settings (solved in the order given).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SweepAxis {
    /// The scenario's carbon price `pi`, in $/tCO2e (each finite,
    /// `>= 0`): cost against emissions as the price rises.
    CarbonPrice(Vec<f64>),
    /// An emissions cap in tCO2e (each finite, `>= 0`): the least cost
    /// under each ([`Goal::LeastCostUnderCap`]). Give the caps loosest
    /// first, so that each point tightens the last.
    EmissionsCap(Vec<f64>),
    /// `points` (at least 2, at most [`MAX_SWEEP_POINTS`]) caps evenly spaced from the emissions of the
    /// least-cost plan down to the least emissions any plan achieves,
    /// loosest first. Costs two extra solves (the two ends).
    EmissionsCapAuto {
        /// Number of caps, both ends included.
        points: usize,
    },
    /// Every job's deadline moved later by this many hours (each finite;
    /// a negative value moves them earlier). A deadline moved past the end
    /// of the horizon is an error ([`SweepError::DeadlinePastHorizon`]),
    /// never clamped.
    DeadlineSlack(Vec<f64>),
    /// One numeric field set to each value in turn (each finite) on every
    /// entity of a kind whose id matches a glob, or on the scenario's top
    /// level: the [`Overlay::Set`] of `target`, `field` and the value.
    /// Every value is applied and validated before any solve. Read from
    /// text by [`SweepAxis::vary`].
    Field {
        /// The entities set (`None`: the scenario's top level).
        target: Option<OverlayTarget>,
        /// The field, as the file names it (`interruption_rate_per_hour`).
        field: String,
        /// The values, in the field's own unit.
        values: Vec<f64>,
    },
}

impl SweepAxis {
    /// The axis of `KIND:GLOB.FIELD=V1,V2,...` (or `FIELD=V1,...` for a
    /// top-level field), as `sweep --vary` writes it:
    /// `pool:vast-*.interruption_rate_per_hour=0,0.05,0.1`.
    ///
    /// # Errors
    ///
    /// [`Error::Input`] ([`InputError::Overlay`], [`OverlayFault::Syntax`])
    /// naming the text when it is not of that form or a value is not a
    /// number. Whether the glob matches and the field takes the values is
    /// checked by [`Sweep::run`], against the scenario.
    pub fn vary(text: &str) -> Result<SweepAxis, Error> {
        let syntax = |message: String| {
            Error::from(InputError::Overlay {
                overlay: format!("vary {text}"),
                fault: Box::new(OverlayFault::Syntax { message }),
            })
        };
        let (left, list) = text.split_once('=').ok_or_else(|| {
            syntax(format!(
                "'{text}' is not KIND:GLOB.FIELD=V1,V2,... or FIELD=V1,V2,..."
            ))
        })?;
        let values = list
            .split(',')
            .map(|v| {
                v.trim()
                    .parse::<f64>()
                    .map_err(|_| syntax(format!("'{}' is not a number", v.trim())))
            })
            .collect::<Result<Vec<f64>, Error>>()?;
        // The overlay parser reads the target and the field, so that
        // `--vary` and `--set` name them by one rule.
        match Overlay::parse_op("set", &format!("{left}=0"))? {
            Overlay::Set { target, field, .. } => Ok(SweepAxis::Field {
                target,
                field,
                values,
            }),
            _ => Err(syntax(format!("'{left}' is not KIND:GLOB.FIELD or FIELD"))),
        }
    }
}

/// The most settings one sweep takes (given or `auto`): each is a full
/// solve, so more is never useful, and the count is checked before
/// anything is allocated for them.
pub const MAX_SWEEP_POINTS: usize = 1000;

/// Which knob a curve's settings are values of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SweepKind {
    /// `setting` is a carbon price in $/tCO2e.
    CarbonPrice,
    /// `setting` is an emissions cap in tCO2e.
    EmissionsCap,
    /// `setting` is a deadline slack in hours.
    DeadlineSlack,
    /// `setting` is a value of the field [`Curve::field`] names.
    Field,
}

impl SweepKind {
    /// The setting's name and unit, as a table header: `carbon $/t`,
    /// `cap tCO2e`, `slack h`; `value` for a field ([`Curve::label`]
    /// names it).
    pub fn label(&self) -> &'static str {
        match self {
            SweepKind::CarbonPrice => "carbon $/t",
            SweepKind::EmissionsCap => "cap tCO2e",
            SweepKind::DeadlineSlack => "slack h",
            SweepKind::Field => "value",
        }
    }
}

/// One solved point of a curve: its setting, the evaluator's report of the
/// plan (totals and breakdown), the proof, and the time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SweepPoint {
    /// The setting that produced it, in the unit of [`Curve::kind`].
    pub setting: f64,
    /// rent + energy + carbon + egress, in $ (the evaluator's).
    pub total_usd: f64,
    /// Rent in $.
    pub rent_usd: f64,
    /// Energy bill in $.
    pub energy_usd: f64,
    /// Carbon price paid in $.
    pub carbon_usd: f64,
    /// Egress in $.
    pub egress_usd: f64,
    /// Energy at the meter in MWh.
    pub energy_mwh: f64,
    /// Emissions in tCO2e.
    pub emissions_t: f64,
    /// Proven lower bound on the objective of the point's goal: the least
    /// total in $ (under a budget: the least tCO2e).
    pub bound: f64,
    /// `(objective - bound) / max(1, |objective|)`.
    pub gap: f64,
    /// What stopped this point's search early, if anything did (its plan
    /// then stands with its gap).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped: Option<StopReason>,
    /// Seconds this point took (model, solve, evaluation).
    pub seconds: f64,
    /// A neighbour's solution seeded this point: its plan seeded column
    /// generation, or (a price between two solved ones) both neighbours
    /// handed over their proofs, which bound it where its costs are a mix
    /// of theirs (checked by the engine; not under a budget, whose row
    /// holds the costs).
    pub warm: bool,
    /// The plan (rows of indices into the swept problem, with its proof).
    pub schedule: Schedule,
}

/// A setting with no point: the cap cannot be kept, or the jobs cannot be
/// finished (with the typed error that says why).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SkippedPoint {
    /// The setting.
    pub setting: f64,
    /// Why: [`Error::Goal`] ([`GoalError::Unreachable`]) or
    /// [`Error::Infeasible`].
    pub error: Error,
}

/// A trade-off curve: the solved points in the order of the settings, the
/// settings that have no plan, and whether a limit cut the sweep short.
///
/// Reads back from its JSON (`serde::Deserialize`) with every point and
/// its plan; a curve with [`Curve::skipped`] settings does not, since
/// their typed [`Error`](enum@Error)s are written to be read by people and services,
/// not rebuilt (reading one fails with an error that says so).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Curve {
    /// What the settings are.
    pub kind: SweepKind,
    /// The field a [`SweepKind::Field`] curve varies, as `--vary` writes
    /// it without its values (`pool:vast-*.interruption_rate_per_hour`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The solved points, in the order of the settings.
    pub points: Vec<SweepPoint>,
    /// Settings with no plan.
    #[serde(default, deserialize_with = "no_skipped")]
    pub skipped: Vec<SkippedPoint>,
    /// Set when the sweep's time limit or the cancellation flag stopped it
    /// before every setting was solved (the settings not solved are
    /// missing: the later ones, or with [`Sweep::threads`] the later ones
    /// of each thread's run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped: Option<StopReason>,
    /// Threads that solved it ([`Sweep::threads`], or fewer: no more than
    /// the settings, nor than the memory budget holds solves at once).
    /// How it ran, not part of the answer: not written to JSON.
    #[serde(skip, default = "one")]
    pub threads: usize,
}

/// The threads of a curve read back from JSON.
fn one() -> usize {
    1
}

impl Curve {
    /// The settings' name, as a table header: the field's name for a
    /// field (`interruption_rate_per_hour`), else [`SweepKind::label`].
    pub fn label(&self) -> String {
        match (&self.kind, &self.field) {
            (SweepKind::Field, Some(f)) => f.rsplit('.').next().unwrap_or(f).to_string(),
            (kind, _) => kind.label().to_string(),
        }
    }
}

/// Reads [`Curve::skipped`]: empty only (see [`Curve`]).
fn no_skipped<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<SkippedPoint>, D::Error> {
    let skipped: Vec<serde::de::IgnoredAny> = Deserialize::deserialize(d)?;
    if skipped.is_empty() {
        Ok(Vec::new())
    } else {
        Err(serde::de::Error::custom(format!(
            "a curve with {} skipped setting(s) cannot be read back: their errors are not rebuilt",
            skipped.len()
        )))
    }
}

type PointHook = Arc<dyn Fn(usize, usize, f64, Option<&SweepPoint>) + Send + Sync>;

/// A sweep, configured: the axis, the optimum that solves each point
/// (backend, gap, goal, time limit and cancellation flag, both for the
/// whole sweep), the sweep's own time limit and a hook called after each point.
///
/// ```
/// use geoshift::{Horizon, Job, Pool, Problem, Region, Scenario, Sweep, SweepAxis};
///
/// // Two cheap-but-dirty hours, two dear-but-clean ones.
/// let start = "2026-06-01T00:00:00Z".parse().unwrap();
/// let scenario = Scenario::builder(Horizon::new(start, 3600, 4))
///     .region(
///         Region::builder("home")
///             .pue(1.0)
///             .price_usd_per_mwh(vec![20.0, 20.0, 90.0, 90.0])
///             .carbon_g_per_kwh(vec![800.0, 800.0, 100.0, 100.0]),
///     )
///     .pool(Pool::builder("gpus", "home").servers(2.0).rent_usd_per_hour(1.0).power_kw(10.0))
///     .job(Job::builder("train", "home").work(4.0)
///         .deadline("2026-06-01T04:00:00Z".parse().unwrap()).max_servers(2.0))
///     .build();
/// let problem = Problem::new(&scenario)?; // validated once
/// let curve = Sweep::new(SweepAxis::CarbonPrice(vec![0.0, 200.0])).run(&problem)?;
/// // No price: the cheap, dirty hours (4 server-hours × 10 kW × 0.8 kg).
/// assert!((curve.points[0].emissions_t - 0.032).abs() < 1e-9);
/// // At $200/t a dirty server-hour costs 1 + 0.2 + 1.6 = $2.8 against
/// // 1 + 0.9 + 0.2 = $2.1 for a clean one: the plan moves.
/// assert!((curve.points[1].emissions_t - 0.004).abs() < 1e-9);
/// # Ok::<(), geoshift::Error>(())
/// ```
#[derive(Clone)]
pub struct Sweep {
    axis: SweepAxis,
    optimal: Optimal,
    time_limit: Option<Duration>,
    on_point: Option<PointHook>,
    threads: usize,
}

impl fmt::Debug for Sweep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sweep")
            .field("axis", &self.axis)
            .field("optimal", &self.optimal)
            .field("time_limit", &self.time_limit)
            .field("on_point", &self.on_point.is_some())
            .field("threads", &self.threads)
            .finish()
    }
}

/// Solves `problem` at every setting of `axis` with `optimal` (see
/// [`Sweep`] for the limits).
///
/// # Errors
/// As [`Sweep::run`].
pub fn sweep(problem: &Problem, axis: SweepAxis, optimal: &Optimal) -> Result<Curve, Error> {
    Sweep::new(axis).optimal(optimal.clone()).run(problem)
}

impl Sweep {
    /// A sweep of `axis` with the default optimum and no time limit.
    pub fn new(axis: SweepAxis) -> Self {
        Sweep {
            axis,
            optimal: Optimal::default(),
            time_limit: None,
            on_point: None,
            threads: 1,
        }
    }

    /// Solves the points on `threads` threads (default 1: this thread
    /// alone). The settings are cut into that many runs of neighbours, in
    /// order and of lengths within one of each other; each run is solved
    /// on its own thread, each point after a run's first starting from
    /// the one before, and the points are returned in the order of the
    /// settings. A carbon-price sweep (or a price field's) at a target gap
    /// of 1e-5 or looser is solved by halves instead (see
    /// the module's text): on two threads or more its least and greatest
    /// price are solved at once, each cold, then the threads take the
    /// prices between as their two neighbours are solved. The result depends on the settings and the thread count
    /// only. The time limit, cancel flag and hook are shared (the hook is
    /// called from each thread, its count of points done in the order
    /// they end). The memory budget is shared too: each solve gets its
    /// share of what the base problem leaves, and fewer threads run when
    /// that share does not hold a point's solve ([`Curve::threads`] says
    /// how many ran). 0 is refused ([`Error::Sweep`]). A thread that
    /// panics (a bug, or a panicking hook) ends the sweep with
    /// [`Error::Solver`] of status [`crate::SolverStatus::Panicked`] and
    /// the panic's message; the other threads stop at their next point.
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = threads;
        self
    }

    /// The optimum that solves each point. Its time limit is one for the
    /// whole sweep, counted from the start of [`Sweep::run`] (as a
    /// command's `--time-limit`); its cancellation flag, checked before
    /// each point, also ends the sweep; its goal holds at every point of a carbon-price or slack
    /// sweep (a cap sweep sets the goal to each cap).
    pub fn optimal(mut self, optimal: Optimal) -> Self {
        self.optimal = optimal;
        self
    }

    /// Stops the whole sweep after `limit`: each point gets at most what is
    /// left, and the points not started are left out ([`Curve::stopped`]).
    pub fn time_limit(mut self, limit: Duration) -> Self {
        self.time_limit = Some(limit);
        self
    }

    /// Calls `hook(done, of, setting, point)` after each setting, with the
    /// point (`None` when the setting was skipped).
    pub fn on_point(
        mut self,
        hook: impl Fn(usize, usize, f64, Option<&SweepPoint>) + Send + Sync + 'static,
    ) -> Self {
        self.on_point = Some(Arc::new(hook));
        self
    }

    /// Checks every setting on `problem` without solving anything: what
    /// [`Sweep::run`] checks first (so that a part of a sweep, such as a
    /// shard, can check the whole list before it solves its own points).
    ///
    /// # Errors
    ///
    /// As [`Sweep::run`] before anything is solved.
    pub fn check(&self, problem: &Problem) -> Result<(), Error> {
        let scenario = problem.scenario();
        if self.threads == 0 {
            return Err(SweepError::BadSetting {
                what: "threads",
                value: 0.0,
                rule: "at least 1",
            }
            .into());
        }
        match &self.axis {
            SweepAxis::CarbonPrice(v) => check(v, "carbon price", true)?,
            SweepAxis::EmissionsCap(v) => check(v, "emissions cap", true)?,
            SweepAxis::DeadlineSlack(v) => {
                check(v, "deadline slack", false)?;
                for &k in v {
                    shifted(scenario, k)?;
                }
            }
            SweepAxis::Field { values, .. } => {
                check(values, "value of the varied field", false)?;
                for &v in values {
                    varied(scenario, &self.axis, v)?;
                }
            }
            // The caps themselves are placed by two solves, in `run`.
            SweepAxis::EmissionsCapAuto { points } => {
                if !(2..=MAX_SWEEP_POINTS).contains(points) {
                    return Err(SweepError::BadSetting {
                        what: "points",
                        value: *points as f64,
                        rule: "at least 2 and at most 1000 (MAX_SWEEP_POINTS)",
                    }
                    .into());
                }
            }
        }
        Ok(())
    }

    /// Runs the sweep on `problem`. The settings that change the scenario
    /// (a carbon price, a deadline slack, a field) are applied to
    /// [`Problem::scenario`] and only those variants are validated; a cap
    /// is solved on `problem` itself. With [`Sweep::threads`] above 1, the
    /// settings are split into that many runs of neighbours, each solved
    /// on its own thread, or for a carbon price or a price field solved
    /// by halves (see there).
    ///
    /// # Errors
    /// [`Error::Sweep`] for a bad setting or a deadline moved past the
    /// horizon (before anything is solved); [`Error::Input`] for a field
    /// whose overlay cannot be applied or whose value breaks the model
    /// (every value checked before anything is solved), or a
    /// variant that breaks the model (a carbon price that makes a
    /// server-hour dearer than [`crate::MAX_USD_PER_SERVER_HOUR`]; the
    /// problem itself is validated); otherwise what [`Optimal::solve`]
    /// returns, except that a setting with no plan (an unreachable cap,
    /// jobs that cannot finish) is a [`SkippedPoint`] and a point stopped
    /// before any plan ends the sweep with [`Curve::stopped`].
    pub fn run(&self, problem: &Problem) -> Result<Curve, Error> {
        let started = Instant::now();
        let (time_limit, command_deadline, cancel, mode) = self.optimal.bounds();
        // One deadline for the whole call, as the command line has one
        // per command: the optimum's time limit counted from now (as
        // `explain` and `Replan::solve` do), the sweep's own limit and the
        // optimum's deadline, whichever is first.
        let own = self.time_limit.and_then(|t| started.checked_add(t));
        let call = time_limit.and_then(|t| started.checked_add(t));
        let deadline = [own, call, command_deadline].into_iter().flatten().min();
        // The base problem and one point's at a time: each point's solve
        // counts the base beside its own (a cap's is the base itself,
        // counted twice to keep one rule).
        self.optimal.check_problems(problem, 2)?;
        let held = problem.resident_bytes();
        // A carbon sweep by halves also holds solved points' proofs, more
        // with more threads.
        let held_with = |n: usize| match &self.axis {
            SweepAxis::CarbonPrice(v) | SweepAxis::Field { values: v, .. }
                if by_halves(&self.axis, self.optimal.target_gap()) =>
            {
                held.saturating_add(proofs_held_bytes(problem, v.len(), n))
            }
            _ => held,
        };
        // Every setting checked before any solve (a cap's points too).
        self.check(problem)?;
        let mut run = Run {
            sweep: self,
            base: problem,
            kind: SweepKind::CarbonPrice,
            settings: Vec::new(),
            deadline,
            cancel,
            mode,
            optimal: self.optimal.clone().holding(held),
            done: AtomicUsize::new(0),
            failed: AtomicBool::new(false),
        };
        let (kind, settings) = match &self.axis {
            SweepAxis::CarbonPrice(v) => (SweepKind::CarbonPrice, v.clone()),
            SweepAxis::EmissionsCap(v) => (SweepKind::EmissionsCap, v.clone()),
            SweepAxis::EmissionsCapAuto { points } => (
                SweepKind::EmissionsCap,
                auto_caps(problem, &run.optimal_now(), *points)?,
            ),
            SweepAxis::DeadlineSlack(v) => (SweepKind::DeadlineSlack, v.clone()),
            SweepAxis::Field { values, .. } => (SweepKind::Field, values.clone()),
        };
        run.kind = kind;
        run.settings = settings;
        // As many threads as the memory budget holds solves at once.
        let asked = self.threads.min(run.settings.len());
        let threads;
        (threads, run.optimal) = self.optimal.most_at_once(problem, asked, held_with);
        if by_halves(&self.axis, self.optimal.target_gap()) {
            run.optimal = run.optimal.keeping_proof();
        }
        let chunks = if by_halves(&self.axis, self.optimal.target_gap()) {
            run.bisected(threads)?
        } else {
            run.in_threads(threads)?
        };
        let mut curve = Curve {
            kind,
            field: varied_name(&self.axis),
            points: Vec::new(),
            skipped: Vec::new(),
            stopped: None,
            threads,
        };
        for outcome in chunks.into_iter().flatten() {
            match outcome {
                Outcome::Point(p) => curve.points.push(p),
                Outcome::Skipped(s) => curve.skipped.push(s),
                Outcome::Stopped(why) => {
                    curve.stopped.get_or_insert(why);
                }
            }
        }
        Ok(curve)
    }
}

/// What one setting of a sweep came to.
enum Outcome {
    /// A plan.
    Point(SweepPoint),
    /// No plan (an unreachable cap, jobs that cannot finish).
    Skipped(SkippedPoint),
    /// A limit stopped the sweep here: this setting is not solved, nor the
    /// rest of its run of neighbours (by halves: a deadline or a cancel
    /// stops every setting not yet started).
    Stopped(StopReason),
}

/// One call of [`Sweep::run`], shared by its threads: the settings, the
/// one deadline and cancel flag, and the optimum of one point (its memory
/// budget a share of the sweep's, see [`Optimal::shared`]).
struct Run<'a> {
    sweep: &'a Sweep,
    base: &'a Problem,
    kind: SweepKind,
    settings: Vec<f64>,
    deadline: Option<Instant>,
    cancel: Option<Arc<AtomicBool>>,
    mode: ColumnGeneration,
    optimal: Optimal,
    /// Settings done, for the hook's count.
    done: AtomicUsize,
    /// A point failed with an error (or a thread panicked): the other
    /// threads end too.
    failed: AtomicBool,
}

impl Run<'_> {
    /// Why the sweep stops before its next point, if it does.
    fn stop(&self) -> Option<StopReason> {
        if self
            .cancel
            .as_ref()
            .is_some_and(|c| c.load(Ordering::Relaxed))
        {
            Some(StopReason::Cancelled)
        } else if self.deadline.is_some_and(|d| Instant::now() >= d) {
            Some(StopReason::TimeLimit)
        } else {
            None
        }
    }

    /// The optimum of one point: what is left of the sweep's time.
    fn optimal_now(&self) -> Optimal {
        match self.deadline {
            Some(d) => self
                .optimal
                .clone()
                .time_limit(d.saturating_duration_since(Instant::now())),
            None => self.optimal.clone(),
        }
    }

    /// The settings in `threads` runs of neighbours (contiguous, in
    /// order, their lengths within one of each other), each solved on a
    /// thread of its own (one run: on this thread); the outcomes of each,
    /// in the order of the settings.
    fn in_threads(&self, threads: usize) -> Result<Vec<Vec<Outcome>>, Error> {
        let n = self.settings.len();
        let ranges: Vec<std::ops::Range<usize>> = (0..threads)
            .map(|t| (n * t / threads)..(n * (t + 1) / threads))
            .collect();
        if threads <= 1 {
            return Ok(vec![self.neighbours(0..n)?]);
        }
        let results: Vec<Result<Vec<Outcome>, Error>> = std::thread::scope(|scope| {
            let handles: Vec<_> = ranges
                .iter()
                .map(|r| {
                    let r = r.clone();
                    std::thread::Builder::new()
                        .name("geoshift-sweep".into())
                        .spawn_scoped(scope, {
                            let r = r.clone();
                            // A panic (a bug, or the hook's) becomes the
                            // sweep's error at once, so the other threads
                            // stop at their next point, not at their end.
                            move || {
                                let run = AssertUnwindSafe(|| self.neighbours(r));
                                std::panic::catch_unwind(run).unwrap_or_else(|panic| {
                                    self.failed.store(true, Ordering::Relaxed);
                                    Err(self.panicked(panic.as_ref()))
                                })
                            }
                        })
                        .map_err(|_| r)
                })
                .collect();
            handles
                .into_iter()
                .map(|h| match h {
                    // Caught in the thread (above): a join error is
                    // left only to a panic of the catching itself.
                    Ok(h) => h
                        .join()
                        .unwrap_or_else(|panic| Err(self.panicked(panic.as_ref()))),
                    // No thread to be had: this one solves that run.
                    Err(r) => self.neighbours(r),
                })
                .collect()
        });
        results.into_iter().collect()
    }

    /// A carbon-price sweep, its settings solved in order of value by
    /// halves: the least and the greatest first (on two threads at once,
    /// each cold; on one, the greatest from the least), then the setting
    /// halfway between two solved ones, from both
    /// ([`Optimal::between`]: a carbon price's costs are a mix of its
    /// neighbours', so their proofs bound it), until every setting is
    /// solved. Intervals wait on a stack shared by `threads` threads,
    /// the last pushed first, so that a few solutions are held at once
    /// (about two per level of halving and thread). Each setting's
    /// neighbours depend on the settings alone, not on the threads'
    /// timing: the curve is the same for a given number of threads. The
    /// outcomes, in the order of the settings.
    fn bisected(&self, threads: usize) -> Result<Vec<Vec<Outcome>>, Error> {
        let n = self.settings.len();
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| self.settings[a].total_cmp(&self.settings[b]));
        let h = Halving {
            run: self,
            order,
            outcomes: Mutex::new(Vec::with_capacity(n)),
            first_error: Mutex::new(None),
            queue: Mutex::new(Queue {
                intervals: Vec::new(),
                busy: 0,
            }),
            wake: Condvar::new(),
        };
        let last = n - 1;
        let (low, high) = h.ends(threads);
        lock(&h.queue).intervals.push((0, last, low, high));
        let work = || {
            h.guarded(&|| h.halve());
            // A panic or error ends the others' waits too: the lock taken
            // first, so that a thread between its check of `failed` and
            // its wait cannot miss the news.
            drop(lock(&h.queue));
            h.wake.notify_all();
        };
        if threads >= 2 {
            std::thread::scope(|scope| {
                for _ in 1..threads {
                    let spawned = std::thread::Builder::new()
                        .name("geoshift-sweep".into())
                        .spawn_scoped(scope, work);
                    if spawned.is_err() {
                        break;
                    }
                }
                work();
            });
        } else {
            work();
        }
        let Halving {
            outcomes,
            first_error,
            ..
        } = h;
        if let Some(e) = first_error.into_inner().unwrap_or_else(|e| e.into_inner()) {
            return Err(e);
        }
        let mut outcomes = outcomes.into_inner().unwrap_or_else(|e| e.into_inner());
        outcomes.sort_by_key(|(i, _)| *i);
        Ok(vec![outcomes.into_iter().map(|(_, o)| o).collect()])
    }

    /// A sweep thread's panic as the error the sweep returns, with the
    /// panic's message where it has one.
    fn panicked(&self, panic: &(dyn std::any::Any + Send)) -> Error {
        SolverFailure::panicked(self.sweep.optimal.backend(), "a sweep thread", panic).into()
    }

    /// Solves the settings of `range` in order, each after the first
    /// starting from the one before; ends at a stop or an error.
    fn neighbours(&self, range: std::ops::Range<usize>) -> Result<Vec<Outcome>, Error> {
        let mut out = Vec::with_capacity(range.len());
        let mut previous: Option<Solution> = None;
        for i in range {
            if self.failed.load(Ordering::Relaxed) {
                break;
            }
            if let Some(why) = self.stop() {
                out.push(Outcome::Stopped(why));
                break;
            }
            match self.point(i, previous.as_ref(), None) {
                Ok((outcome, solution)) => {
                    let stopped = matches!(outcome, Outcome::Stopped(_));
                    out.push(outcome);
                    if stopped {
                        break;
                    }
                    previous = solution.or(previous);
                }
                Err(e) => {
                    self.failed.store(true, Ordering::Relaxed);
                    return Err(e);
                }
            }
        }
        Ok(out)
    }

    /// Solves setting `i`, from `previous` when there is one: its outcome
    /// and, for a plan, its solution (where the next point starts).
    fn point(
        &self,
        i: usize,
        previous: Option<&Solution>,
        between: Option<(&Solution, &Solution)>,
    ) -> Result<(Outcome, Option<Solution>), Error> {
        let setting = self.settings[i];
        let scenario = self.base.scenario();
        let axis = &self.sweep.axis;
        let clock = Instant::now();
        let mut optimal = self.optimal_now();
        let problem = match self.kind {
            SweepKind::CarbonPrice => {
                let mut s = scenario.clone();
                s.carbon_price_usd_per_t = setting;
                Some(Problem::from_scenario(s)?)
            }
            SweepKind::DeadlineSlack => Some(Problem::from_scenario(shifted(scenario, setting)?)?),
            SweepKind::Field => Some(varied(scenario, axis, setting)?),
            SweepKind::EmissionsCap => {
                optimal = optimal.emissions_cap(setting);
                None
            }
        };
        let problem = problem.as_ref().unwrap_or(self.base);
        let mut warm = previous.is_some() && seeded(&optimal, problem, self.mode);
        if let Some(prev) = previous {
            optimal = optimal.reuse(prev);
        }
        if let Some((a, b)) = between {
            warm |= a.reuse.proven.is_some() && b.reuse.proven.is_some();
            optimal = optimal.between(a, b);
        }
        let goal = optimal.current_goal();
        let hook = |point: Option<&SweepPoint>| {
            let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
            if let Some(hook) = &self.sweep.on_point {
                hook(done, self.settings.len(), setting, point);
            }
        };
        match optimal.solve(problem) {
            Ok(solution) => {
                let r = &solution.report;
                let point = SweepPoint {
                    setting,
                    total_usd: r.total_usd,
                    rent_usd: r.rent_usd,
                    energy_usd: r.energy_usd,
                    carbon_usd: r.carbon_usd,
                    egress_usd: r.egress_usd,
                    energy_mwh: r.energy_mwh,
                    emissions_t: r.emissions_t,
                    bound: solution.proof.bound_usd,
                    gap: solution.proof.gap(goal.objective_of(r)),
                    stopped: solution.proof.stopped,
                    seconds: clock.elapsed().as_secs_f64(),
                    warm,
                    schedule: solution.schedule.clone(),
                };
                hook(Some(&point));
                Ok((Outcome::Point(point), Some(solution)))
            }
            Err(error @ (Error::Goal(GoalError::Unreachable { .. }) | Error::Infeasible(_))) => {
                hook(None);
                Ok((Outcome::Skipped(SkippedPoint { setting, error }), None))
            }
            Err(Error::Stopped(s)) => Ok((Outcome::Stopped(s.reason), None)),
            Err(e) => Err(e),
        }
    }
}

/// Every value finite (and `>= 0` when `non_negative`), and at least one.
fn check(values: &[f64], what: &'static str, non_negative: bool) -> Result<(), SweepError> {
    if values.is_empty() {
        return Err(SweepError::BadSetting {
            what,
            value: f64::NAN,
            rule: "given at least once",
        });
    }
    if values.len() > MAX_SWEEP_POINTS {
        return Err(SweepError::BadSetting {
            what: "number of settings",
            value: values.len() as f64,
            rule: "at most 1000 (MAX_SWEEP_POINTS)",
        });
    }
    for &v in values {
        if !v.is_finite() || (non_negative && v < 0.0) {
            return Err(SweepError::BadSetting {
                what,
                value: v,
                rule: if non_negative {
                    "finite and >= 0"
                } else {
                    "finite"
                },
            });
        }
    }
    Ok(())
}

/// The caps of [`SweepAxis::EmissionsCapAuto`]: from the least-cost plan's
/// emissions down to the least emissions, evenly spaced.
fn auto_caps(p: &Problem, optimal: &Optimal, points: usize) -> Result<Vec<f64>, Error> {
    let cheapest = optimal.clone().goal(Goal::LeastCost).solve(p)?;
    let high = evaluate(p, "optimal", &cheapest.schedule)?.emissions_t;
    let cleanest = optimal.least_emissions(p)?;
    let low = evaluate(p, "optimal", &cleanest.schedule)?.emissions_t;
    let low = low.min(high);
    Ok((0..points)
        .map(|i| high - (high - low) * i as f64 / (points - 1) as f64)
        .collect())
}

/// `scenario` with every deadline `hours` later; an error for a deadline
/// that lands after the horizon's end.
fn shifted(scenario: &Scenario, hours: f64) -> Result<Scenario, Error> {
    let h = &scenario.horizon;
    let horizon_end = h
        .slot_start(h.slots)
        .ok_or_else(|| SweepError::BadSetting {
            what: "horizon end",
            value: h.end_seconds(),
            rule: "within the range of instants",
        })?;
    let ms = (hours * 3.6e6).round();
    let delta = (ms.abs() < 9.0e15)
        .then(|| TimeDelta::try_milliseconds(ms as i64))
        .flatten()
        .ok_or(SweepError::BadSetting {
            what: "deadline slack",
            value: hours,
            rule: "a span of time chrono can represent",
        })?;
    let mut out = scenario.clone();
    for job in &mut out.jobs {
        let moved = job.deadline.checked_add_signed(delta);
        match moved {
            Some(d) if d <= horizon_end => job.deadline = d,
            _ => {
                return Err(SweepError::DeadlinePastHorizon {
                    job: job.id.clone(),
                    deadline: job.deadline,
                    slack_hours: hours,
                    horizon_end,
                }
                .into())
            }
        }
    }
    Ok(out)
}

/// The overlay of a [`SweepAxis::Field`] at `value`.
fn field_overlay(axis: &SweepAxis, value: f64) -> Option<Overlay> {
    match axis {
        SweepAxis::Field { target, field, .. } => Some(Overlay::Set {
            target: target.clone(),
            field: field.clone(),
            // A whole number as a JSON integer, so that a whole-number
            // field (`max_regions`, `gpus_per_server`) takes it, as `--set`
            // gives it; any other as a float.
            value: if value.fract() == 0.0 && value.abs() < 9.0e15 {
                serde_json::Value::from(value as i64)
            } else {
                serde_json::Value::from(value)
            },
        }),
        _ => None,
    }
}

/// `KIND:GLOB.FIELD` (or `FIELD`) of a [`SweepAxis::Field`].
fn varied_name(axis: &SweepAxis) -> Option<String> {
    match axis {
        SweepAxis::Field {
            target: Some(t),
            field,
            ..
        } => Some(format!("{}:{}.{field}", t.kind, t.glob)),
        SweepAxis::Field { field, .. } => Some(field.clone()),
        _ => None,
    }
}

/// `scenario` with the field of `axis` set to `value`, validated: an
/// error names the overlay (a glob that matches nothing, an unknown field,
/// a value of the wrong type) or the entity whose value is out of range.
fn varied(scenario: &Scenario, axis: &SweepAxis, value: f64) -> Result<Problem, Error> {
    let overlay = field_overlay(axis, value).ok_or(SweepError::BadSetting {
        what: "axis",
        value,
        rule: "a field axis",
    })?;
    let mut s = scenario.clone();
    s.apply(&overlay)?;
    Problem::from_scenario(s)
}

/// Whether `optimal` solves `p` by column generation (so that a warm plan
/// seeds it), judged from the size estimate as `Optimal::solve` judges
/// from the built model.
fn seeded(optimal: &Optimal, p: &Problem, mode: ColumnGeneration) -> bool {
    let estimate = lp::estimate(p);
    let binaries = p
        .jobs()
        .iter()
        .filter(|j| j.has_region_choice() || j.spread_binds())
        .map(|j| j.windows.len())
        .sum();
    let size = ModelSize {
        variables: estimate.columns.saturating_sub(binaries),
        binaries,
        constraints: 0,
    };
    let columns = estimate.columns;
    columns >= crate::solve::sifting::MIN_COLUMNS
        && crate::solve::linear::sifts(optimal.backend().resolve(&size), mode, columns)
}

/// The price fields a sweep solves by halves (as the carbon price): each
/// enters only the costs, each cost linearly, so a model between two
/// settings has their rows and a mix of their costs ([`Run::bisected`];
/// the engine checks it column by column all the same).
const PRICE_FIELDS: [&str; 3] = [
    "carbon_price_usd_per_t",
    "rent_usd_per_hour",
    "egress_usd_per_gb",
];

/// The least target gap at which a price sweep is solved by halves: the
/// neighbours' mixed bounds are 3e-6 to 9e-5 under the optimum on the
/// marketplace week, of use to a point only near its gap. The 7-point
/// sweep by halves against runs of neighbours, wall seconds on one / two
/// threads, three runs each, back to back (release build, 2-core machine,
/// load about 1.5, 2026-12-07): at `--gap 1e-3` 0.95-1.00 / 0.59-0.63
/// against 1.54-1.57 / 0.88-0.89; at 1e-4 1.57-1.68 / 1.22-1.25 against
/// 2.67-2.72 / 1.62-1.66; at 1e-5 2.64-2.67 / 1.85-1.88 against
/// 3.13-3.18 / 1.77-1.80; at 1e-6 3.28-3.37 / 2.38-2.53 against 3.25-3.28
/// / 2.09-2.10; at the default 1e-7 3.35-3.45 / 2.54-2.57 against
/// 3.24-3.30 / 2.12-2.16 (there the runs of neighbours start their second
/// run from a cheaper cold point than the greatest price).
const MIN_HALVING_GAP: f64 = 1e-5;

/// Whether `axis` is solved by halves ([`Run::bisected`]) at the target
/// gap `gap`: the carbon price, or a price field ([`PRICE_FIELDS`]), from
/// [`MIN_HALVING_GAP`].
fn by_halves(axis: &SweepAxis, gap: f64) -> bool {
    if gap < MIN_HALVING_GAP {
        return false;
    }
    match axis {
        SweepAxis::CarbonPrice(_) => true,
        SweepAxis::Field { field, .. } => PRICE_FIELDS.contains(&field.as_str()),
        _ => false,
    }
}

/// Bytes a carbon sweep by halves ([`Run::bisected`]) holds in solved
/// points' solutions while it solves others, on the safe side: each
/// holds its model's costs (8 bytes a column), two sets of prices (at
/// most 16), its plan by column meaning and its relaxation's cells (at
/// most 24 each), and each thread holds at most the two ends and one more
/// per level of halving. (Each point's schedule is the curve's anyway.)
fn proofs_held_bytes(p: &Problem, points: usize, threads: usize) -> usize {
    let per_proof = (8 + 16 + 24 + 24) * lp::estimate(p).columns;
    let levels = points.max(1).ilog2() as usize + 1;
    per_proof
        .saturating_mul(levels + 2)
        .saturating_mul(threads.clamp(1, points.max(1)))
}

/// A lock of the sweep's own, taken even where a thread panicked while
/// holding it (the panic is the sweep's error already).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// An interval of a [`Run::bisected`] sweep: positions in order of value
/// of its two solved ends, and their solutions (none where an end has no
/// plan).
type Interval = (usize, usize, Option<Arc<Solution>>, Option<Arc<Solution>>);

/// The intervals waiting, and how many threads are solving one.
struct Queue {
    intervals: Vec<Interval>,
    busy: usize,
}

/// The state [`Run::bisected`]'s threads share.
struct Halving<'r, 'a> {
    run: &'r Run<'a>,
    /// Indices of the settings in order of value.
    order: Vec<usize>,
    outcomes: Mutex<Vec<(usize, Outcome)>>,
    first_error: Mutex<Option<Error>>,
    queue: Mutex<Queue>,
    wake: Condvar,
}

impl Halving<'_, '_> {
    /// Solves the setting at `pos` (in order of value) from `previous`
    /// and between `between`; keeps its outcome and returns its solution
    /// if it has a plan. An error or a stop ends the sweep.
    fn solve(
        &self,
        pos: usize,
        previous: Option<&Solution>,
        between: Option<(&Solution, &Solution)>,
    ) -> Option<Arc<Solution>> {
        let run = self.run;
        if run.failed.load(Ordering::Relaxed) {
            return None;
        }
        let i = self.order[pos];
        let result = match run.stop() {
            Some(why) => Ok((Outcome::Stopped(why), None)),
            None => run.point(i, previous, between),
        };
        match result {
            // A stop is this setting's: a deadline or a cancel stops every
            // setting after it at its start (above), a limit of the point's
            // own (its memory, its nodes) leaves the others to be solved,
            // from its other neighbour, whatever the threads' timing.
            Ok((outcome, solution)) => {
                lock(&self.outcomes).push((i, outcome));
                solution.map(Arc::new)
            }
            Err(e) => {
                run.failed.store(true, Ordering::Relaxed);
                lock(&self.first_error).get_or_insert(e);
                None
            }
        }
    }

    /// Runs `work`, a panic in it kept as the sweep's error.
    fn guarded(&self, work: &(dyn Fn() + Sync)) {
        if let Err(panic) = std::panic::catch_unwind(AssertUnwindSafe(work)) {
            self.run.failed.store(true, Ordering::Relaxed);
            lock(&self.first_error).get_or_insert(self.run.panicked(panic.as_ref()));
        }
    }

    /// The least and the greatest setting: on two threads at once, each
    /// cold; on one, the greatest from the least.
    fn ends(&self, threads: usize) -> (Option<Arc<Solution>>, Option<Arc<Solution>>) {
        let last = self.order.len() - 1;
        let ends = Mutex::new((None, None));
        if threads >= 2 && last > 0 {
            std::thread::scope(|scope| {
                let spawned = std::thread::Builder::new()
                    .name("geoshift-sweep".into())
                    .spawn_scoped(scope, || {
                        self.guarded(&|| lock(&ends).1 = self.solve(last, None, None))
                    });
                self.guarded(&|| lock(&ends).0 = self.solve(0, None, None));
                if spawned.is_err() {
                    self.guarded(&|| lock(&ends).1 = self.solve(last, None, None));
                }
            });
        } else {
            self.guarded(&|| {
                let low = self.solve(0, None, None);
                let high = if last > 0 {
                    self.solve(last, low.as_deref(), None)
                } else {
                    None
                };
                *lock(&ends) = (low, high);
            });
        }
        ends.into_inner().unwrap_or_else(|e| e.into_inner())
    }

    /// One thread's work: takes the last interval pushed, solves the
    /// setting halfway between its ends (from both) and pushes its two
    /// halves, until no interval is left and no thread is solving one.
    fn halve(&self) {
        loop {
            let mut q = lock(&self.queue);
            let (lo, hi, a, b) = loop {
                if self.run.failed.load(Ordering::Relaxed) {
                    return;
                }
                if let Some(next) = q.intervals.pop() {
                    q.busy += 1;
                    break next;
                }
                if q.busy == 0 {
                    return;
                }
                q = self.wake.wait(q).unwrap_or_else(|e| e.into_inner());
            };
            drop(q);
            let mut pushed = Vec::new();
            if hi > lo + 1 {
                let mid = lo + (hi - lo) / 2;
                let between = a.as_deref().zip(b.as_deref());
                let from = a.as_deref().or(b.as_deref());
                let m = self.solve(mid, from, between);
                // The upper half under the lower (a stack): on one
                // thread the settings come in order of value.
                pushed.push((mid, hi, m.clone(), b));
                pushed.push((lo, mid, a, m));
            }
            let mut q = lock(&self.queue);
            q.intervals.extend(pushed);
            q.busy -= 1;
            drop(q);
            self.wake.notify_all();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Job, Pool, Region};
    use crate::time::Horizon;

    /// A point and its kind read back from their JSON (as `geoshift merge`
    /// reads a shard's) are the point and kind written, plan included.
    #[test]
    fn a_point_reads_back_from_its_json() {
        let start = "2026-06-01T00:00:00Z".parse().unwrap();
        let scenario = Scenario::builder(Horizon::new(start, 3600, 4))
            .region(
                Region::builder("home")
                    .pue(1.0)
                    .price_usd_per_mwh(vec![20.0, 20.0, 90.0, 90.0])
                    .carbon_g_per_kwh(vec![800.0, 800.0, 100.0, 100.0]),
            )
            .pool(
                Pool::builder("gpus", "home")
                    .servers(2.0)
                    .rent_usd_per_hour(1.0)
                    .power_kw(10.0),
            )
            .job(
                Job::builder("train", "home")
                    .work(4.0)
                    .deadline("2026-06-01T04:00:00Z".parse().unwrap())
                    .max_servers(2.0),
            )
            .build();
        let problem = Problem::new(&scenario).unwrap();
        let curve = Sweep::new(SweepAxis::CarbonPrice(vec![0.0, 200.0]))
            .run(&problem)
            .unwrap();
        assert_eq!(curve.points.len(), 2);
        for point in &curve.points {
            assert!(!point.schedule.assignments.is_empty());
            let json = serde_json::to_string(point).unwrap();
            let back: SweepPoint = serde_json::from_str(&json).unwrap();
            // The plan is written too: the point reads back whole.
            assert_eq!(back, *point);
        }
        let kind: SweepKind =
            serde_json::from_str(&serde_json::to_string(&curve.kind).unwrap()).unwrap();
        assert_eq!(kind, SweepKind::CarbonPrice);
    }
}
