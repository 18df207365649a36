//! # geoshift
//!
//! Decides where and when AI training work should run so that it costs the
//! least: server pools in regions with rent, power and speed; hourly energy
//! prices, grid carbon and PUE; links with bandwidth and egress prices; jobs
//! with work, data, release, deadline, parallelism and allowed regions.
//! [`Optimal`] solves the linear program (a MILP when a job must stay whole
//! in one region); [`Local`] and [`Greedy`] are the heuristics a team would
//! use without it, so the saving is shown, not claimed.
//!
//! Data flows one way: [`Scenario`] (JSON or Rust) → [`Problem`] (validated,
//! slot-indexed) → a [`Scheduler`] → [`Schedule`] → [`evaluate`] →
//! [`Report`]. The rules, and the symbols the docs use, are those of [the
//! model](spec), the crate's specification (`docs/MODEL.md` in the
//! repository).
//!
//! ```
//! use geoshift::{evaluate, Horizon, Job, Optimal, Pool, Problem, Region, Scenario, Scheduler};
//!
//! let start = "2026-06-01T00:00:00Z".parse().unwrap();
//! let scenario = Scenario::builder(Horizon::new(start, 3600, 4))
//!     .region(Region::builder("home").pue(1.2).price_usd_per_mwh(vec![90.0, 20.0, 20.0, 90.0]))
//!     .pool(Pool::builder("gpus", "home").servers(2.0).rent_usd_per_hour(1.0).power_kw(10.0))
//!     .job(
//!         Job::builder("train", "home")
//!             .work(4.0)
//!             .deadline("2026-06-01T04:00:00Z".parse().unwrap())
//!             .max_servers(2.0),
//!     )
//!     .build();
//! let problem = Problem::new(&scenario)?;
//! let schedule = Optimal::default().schedule(&problem)?;
//! let report = evaluate(&problem, "optimal", &schedule)?;
//! // 4 server-hours in the two cheap hours: 4 × (1 + 10 kW × 1.2 × 20 $/MWh / 1000).
//! assert!((report.total_usd - 4.0 * (1.0 + 0.24)).abs() < 1e-9);
//! // The optimum's report carries its proof: no plan costs less than the
//! // bound, and the gap to it is within 1e-7.
//! assert!(report.bound_usd.unwrap() <= report.total_usd);
//! assert_eq!(report.proven_optimal, Some(true));
//! # Ok::<(), geoshift::Error>(())
//! ```
//!
//! A service bounds the optimum with [`Optimal::time_limit`] (or one
//! [`Optimal::deadline`] for every solve of a command),
//! [`Optimal::gap`], [`Optimal::cancel_flag`] and
//! [`Optimal::memory_budget`]; [`Optimal::solve`] returns the plan with its
//! [`Proof`] and, for a pure LP, the [`Duals`]. [`explain`] reads them as
//! what one more unit of each limit would save.
//!
//! A running service re-plans the rest of its plan from a moment on,
//! after prices, capacity or jobs change, with [`Replan`]: the past is
//! kept and priced, work done is not redone.
//!
//! Every failure is one [`Error`] (`?` converts [`ExplainError`],
//! [`ReplanError`], [`ScheduleViolation`] and the rest), with
//! [`Error::kind`] and a JSON form. The [guide] has a short page per topic:
//! [the model](guide::model), [solvers and proofs](guide::solvers), each
//! decision command ([explain](guide::explain), [sweep](guide::sweep),
//! [replan](guide::replan), [risk](guide::risk)),
//! [embedding in a service](guide::embedding) (and the build profile a
//! dependent should copy), [performance](guide::performance) and
//! [the data](guide::data).

#![forbid(unsafe_code)]
// On docs.rs (nightly), label feature-gated items with their feature.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

pub mod bench;
pub mod builder;
#[cfg(feature = "data")]
pub mod data;
mod decide;
mod diagnose;
mod error;
mod evaluate;
mod goal;
mod limits;
mod names;
mod overlay;
mod problem;
mod scenario;
mod schedule;
mod schedulers;
mod solve;
pub mod synth;
mod text;
pub mod time;

/// The crate's specification, `docs/MODEL.md` in the repository, rendered
/// here: what each input means, when a job may run where, the rules a
/// schedule keeps and what it costs. Holds no code.
#[doc = include_str!(concat!(env!("OUT_DIR"), "/guide/docs__MODEL.md"))]
pub mod spec {}

/// The guide: the short pages of `docs/` in the repository, one topic
/// each, rendered here (their Rust examples run as doctests), and the
/// READMEs of `scenarios/` and `data/` they link to. Their links, written
/// for GitHub, are rewritten at build time to this documentation's pages
/// (charts and files embedded), by `build.rs`. Holds no code.
pub mod guide {
    #[doc = include_str!(concat!(env!("OUT_DIR"), "/guide/docs__README.md"))]
    pub mod index {}
    #[doc = include_str!(concat!(env!("OUT_DIR"), "/guide/docs__model.md"))]
    pub mod model {}
    #[doc = include_str!(concat!(env!("OUT_DIR"), "/guide/docs__scenario-file.md"))]
    pub mod scenario_file {}
    #[doc = include_str!(concat!(env!("OUT_DIR"), "/guide/docs__cli.md"))]
    pub mod cli {}
    #[doc = include_str!(concat!(env!("OUT_DIR"), "/guide/docs__limits.md"))]
    pub mod limits {}
    #[doc = include_str!(concat!(env!("OUT_DIR"), "/guide/docs__faults.md"))]
    pub mod faults {}
    #[doc = include_str!(concat!(env!("OUT_DIR"), "/guide/docs__solvers.md"))]
    pub mod solvers {}
    #[doc = include_str!(concat!(env!("OUT_DIR"), "/guide/docs__unmet-work.md"))]
    pub mod unmet_work {}
    #[doc = include_str!(concat!(env!("OUT_DIR"), "/guide/docs__explain.md"))]
    pub mod explain {}
    #[doc = include_str!(concat!(env!("OUT_DIR"), "/guide/docs__sweep.md"))]
    pub mod sweep {}
    #[doc = include_str!(concat!(env!("OUT_DIR"), "/guide/docs__replan.md"))]
    pub mod replan {}
    #[doc = include_str!(concat!(env!("OUT_DIR"), "/guide/docs__risk.md"))]
    pub mod risk {}
    #[doc = include_str!(concat!(env!("OUT_DIR"), "/guide/docs__bench.md"))]
    pub mod bench {}
    #[doc = include_str!(concat!(env!("OUT_DIR"), "/guide/docs__many-machines.md"))]
    pub mod many_machines {}
    #[doc = include_str!(concat!(env!("OUT_DIR"), "/guide/docs__marketplace.md"))]
    pub mod marketplace {}
    #[doc = include_str!(concat!(env!("OUT_DIR"), "/guide/docs__data.md"))]
    pub mod data {}
    #[doc = include_str!(concat!(env!("OUT_DIR"), "/guide/docs__embedding.md"))]
    pub mod embedding {}
    #[doc = include_str!(concat!(env!("OUT_DIR"), "/guide/docs__performance.md"))]
    pub mod performance {}
    #[doc = include_str!(concat!(env!("OUT_DIR"), "/guide/docs__layout.md"))]
    pub mod layout {}
    #[doc = include_str!(concat!(env!("OUT_DIR"), "/guide/scenarios__README.md"))]
    pub mod shipped_scenarios {}
    #[doc = include_str!(concat!(env!("OUT_DIR"), "/guide/data__README.md"))]
    pub mod data_sources {}
}

pub use decide::errors::{ExplainError, ReplanError, SweepError};
pub use decide::explain::{
    explain, explain_with_threads, Bottleneck, BottleneckKind, DeadlineHour, Explanation,
    FixedRegion, JobValue, Meaning, PoolValue, RegionValue, MEANING, NOISE_USD,
};
pub use decide::replan::{JobProgress, JobState, Replan, Replanned};
pub use decide::sweep::{
    sweep, Curve, SkippedPoint, Sweep, SweepAxis, SweepKind, SweepPoint, MAX_SWEEP_POINTS,
};
pub use error::{Error, ErrorKind};
pub use evaluate::violation::{Constraint, ScheduleViolation};
pub use evaluate::{evaluate, AssignmentReport, JobReport, Report, TOLERANCE};
pub use goal::{Goal, GoalError};
pub use limits::{ColumnGeneration, StopReason, DEFAULT_GAP, DEFAULT_MEMORY_BUDGET_BYTES};
pub use names::UnknownName;
pub use overlay::{glob_matches, Overlay, OverlayFault, OverlayKind, OverlayTarget};
pub use problem::closed::{ClosedBy, ClosedPool, ClosedRegion, PoolClosedBy};
pub use problem::infeasible::{Infeasible, Shortfall, UnfinishedJob};
pub use problem::{
    useful_fraction, CapacityWarning, CellCost, JobInfo, JobRegion, PoolInfo, Problem, RegionInfo,
    DEFAULT_CHECKPOINT_INTERVAL_HOURS, DEFAULT_RESTART_HOURS, MAX_CELLS, MAX_ID_BYTES,
    MAX_JOB_REGIONS, MAX_SLOTS, MAX_SPEED, MAX_UNMET_USD_PER_WORK, MAX_USD_PER_SERVER_HOUR,
    MIN_SPEED, MIN_USEFUL_FRACTION, MIN_WORK,
};
pub use scenario::error::{Entity, InputError};
pub use scenario::{Job, Link, Placement, Pool, Region, Requirements, Scenario};
pub use schedule::mismatch::ScheduleMismatch;
pub use schedule::{Assignment, Proof, Schedule};
pub use schedule::{SavedAssignment, SavedSchedule};
pub use schedulers::{all_schedulers, scheduler_by_name, Greedy, Local, Optimal, Scheduler};
pub use schedulers::{CarbonGreedy, CheapestRegion, EdfHome, WaitAwhile};
pub use solve::backend::{Backend, AUTO_CLARABEL_MIN_VARIABLES};
pub use solve::duals::Duals;
pub use solve::engine::Solution;
pub use solve::error::ExportError;
pub use solve::error::{NotProven, SolverFailure, SolverStatus, Stopped, TooLarge};
pub use solve::lp::{ModelEstimate, ModelSize};
pub use solve::progress::{Progress, Stage};
pub use time::{Horizon, Series};

/// Parses, validates, schedules and evaluates in one call: the report of
/// `scheduler` on the scenario in `json`.
///
/// # Errors
///
/// [`Error::Input`] for JSON that does not parse or breaks a rule of the
/// model, [`Error::Infeasible`] when the scheduler finds no schedule (with
/// each job and why), [`Error::InvalidSchedule`] when its schedule breaks a
/// constraint (a bug in the scheduler), and [`Error::Solver`] when the LP
/// solver fails.
pub fn solve_json(json: &str, scheduler: &dyn Scheduler) -> Result<Report, Error> {
    let scenario = Scenario::from_json(json)?;
    let problem = Problem::new(&scenario)?;
    let schedule = scheduler.schedule(&problem)?;
    evaluate(&problem, scheduler.name(), &schedule)
}

/// The README's Rust example, compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
