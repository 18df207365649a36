//! A benchmark of schedulers against the proven optimum: scenario
//! [`Family`]s × [`Scheduler`]s → one [`Row`] per scenario and scheduler,
//! and a [`Summary`] per family and scheduler (gap to the optimum: mean,
//! median, 95th percentile, worst with its seed; share of scenarios where
//! the scheduler fails to finish all work; run time beside the optimum's).
//!
//! Every plan, the optimum's included, is judged by [`crate::evaluate`]:
//! a plan that breaks a rule is reported as [`Status::Invalid`] with the
//! evaluator's reason and never counted as a result.
//!
//! The library runs the cases one after the other ([`Bench::run`]); a
//! caller that wants them in parallel maps [`Bench::run_case`] over
//! [`cases`] with the thread pool of its choice (the `geoshift bench`
//! command uses rayon), and gets the same rows: each case is independent
//! and rows are sorted by family, seed and scheduler order.
//!
//! ```
//! use geoshift::bench::{cases, families, summarize, Bench};
//! use geoshift::{Greedy, Optimal};
//! use std::time::Duration;
//!
//! let slack = families().into_iter().filter(|f| f.name() == "slack").collect::<Vec<_>>();
//! let bench = Bench::new(Optimal::default().time_limit(Duration::from_secs(30)))
//!     .scheduler(Greedy);
//! let rows = bench.run(&cases(&slack, 1)?);
//! // One row for Greedy, one for the optimum.
//! assert_eq!(rows.len(), 2);
//! let summary = summarize(&rows);
//! // Greedy is never cheaper than the optimum (beyond the evaluator's tolerance).
//! assert!(summary[0].gap_mean.is_none_or(|g| g >= -1e-6));
//! # Ok::<(), geoshift::Error>(())
//! ```

pub(crate) mod error;
mod family;
#[cfg(feature = "data")]
mod real;
mod row;
mod summary;

pub use error::BenchError;
pub use family::{families, Family};
pub use row::{Row, Status};
pub use summary::{summarize, Summary};

use crate::error::Error;
use crate::evaluate::evaluate;
use crate::problem::Problem;
use crate::scenario::Scenario;
use crate::schedulers::{CarbonGreedy, CheapestRegion, EdfHome, Greedy, Local, WaitAwhile};
use crate::schedulers::{Optimal, Scheduler};
use std::sync::Arc;
use std::time::Instant;

/// One scenario to run: its family, seed and the scenario itself (what
/// `--write-scenarios` writes).
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// The family's name.
    pub family: String,
    /// The seed.
    pub seed: u64,
    /// The scenario.
    pub scenario: Scenario,
}

/// Every case of `families` for seeds 1 to `seeds` (fewer for a family
/// with a seed limit), families in the order given, seeds ascending.
///
/// # Errors
///
/// [`BenchError::NoSeeds`] for 0 seeds, and the first family's error.
pub fn cases(families: &[Family], seeds: u64) -> Result<Vec<Case>, Error> {
    if seeds == 0 {
        return Err(BenchError::NoSeeds.into());
    }
    let mut v = Vec::new();
    for f in families {
        for seed in f.seeds(seeds) {
            v.push(Case {
                family: f.name().to_string(),
                seed,
                scenario: f.scenario(seed)?,
            });
        }
    }
    Ok(v)
}

/// The families of `names`, in that order, from [`families`].
///
/// # Errors
///
/// [`BenchError::UnknownFamily`] for a name no family has.
pub fn families_named<S: AsRef<str>>(names: &[S]) -> Result<Vec<Family>, Error> {
    let all = families();
    names
        .iter()
        .map(|n| {
            all.iter()
                .find(|f| f.name() == n.as_ref())
                .cloned()
                .ok_or_else(|| {
                    Error::from(BenchError::UnknownFamily {
                        name: n.as_ref().to_string(),
                        known: all.iter().map(Family::name).collect::<Vec<_>>().join(", "),
                    })
                })
        })
        .collect()
}

/// The heuristics the bench compares by default: the crate's baselines
/// (Local, Greedy) and those of the field (EDF at home, wait awhile,
/// cheapest region first, carbon-greedy).
pub fn heuristics() -> Vec<Arc<dyn Scheduler + Send + Sync>> {
    vec![
        Arc::new(Local),
        Arc::new(EdfHome),
        Arc::new(WaitAwhile),
        Arc::new(CheapestRegion),
        Arc::new(CarbonGreedy),
        Arc::new(Greedy),
    ]
}

/// The scheduler name of the optimum's rows.
pub const OPTIMAL: &str = "optimal";

/// The schedulers to compare and the optimum they are compared with.
#[derive(Clone)]
pub struct Bench {
    schedulers: Vec<Arc<dyn Scheduler + Send + Sync>>,
    optimal: Optimal,
}

impl std::fmt::Debug for Bench {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.debug_struct("Bench")
            .field(
                "schedulers",
                &self.schedulers.iter().map(|s| s.name()).collect::<Vec<_>>(),
            )
            .field("optimal", &self.optimal)
            .finish()
    }
}

impl Bench {
    /// A bench of no scheduler yet against `optimal`, whose time limit and
    /// gap apply to each scenario on its own.
    pub fn new(optimal: Optimal) -> Bench {
        Bench {
            schedulers: Vec::new(),
            optimal,
        }
    }

    /// Adds a scheduler: the crate's, or your own.
    pub fn scheduler(mut self, scheduler: impl Scheduler + Send + Sync + 'static) -> Bench {
        self.schedulers.push(Arc::new(scheduler));
        self
    }

    /// Adds schedulers already boxed (such as [`heuristics`]).
    pub fn schedulers(
        mut self,
        schedulers: impl IntoIterator<Item = Arc<dyn Scheduler + Send + Sync>>,
    ) -> Bench {
        self.schedulers.extend(schedulers);
        self
    }

    /// The names of the rows of each case, in order: the schedulers, then
    /// the optimum.
    pub fn names(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .schedulers
            .iter()
            .map(|s| s.name().to_string())
            .collect();
        v.push(OPTIMAL.to_string());
        v
    }

    /// Runs every case, one after the other.
    pub fn run(&self, cases: &[Case]) -> Vec<Row> {
        cases.iter().flat_map(|c| self.run_case(c)).collect()
    }

    /// Runs one case: the optimum, then each scheduler, each plan judged
    /// by the evaluator. Rows in the order of [`Bench::names`].
    pub fn run_case(&self, case: &Case) -> Vec<Row> {
        self.run_case_until(case, &|| false).unwrap_or_default()
    }

    /// [`Bench::run_case`] under a deadline or a cancel flag: `stop` is
    /// asked before the optimum and before each scheduler, and once it
    /// says yes the case is given up (`None`), so that a bench stopped
    /// part-way reports only whole cases and starts no scheduler after
    /// the stop. (The optimum's own deadline and flag stop it inside its
    /// solve; a scheduler that has started runs to its end.)
    pub fn run_case_until(&self, case: &Case, stop: &dyn Fn() -> bool) -> Option<Vec<Row>> {
        if stop() {
            return None;
        }
        let new_row = |scheduler: &str| Row::new(&case.family, case.seed, scheduler);
        let problem = match Problem::new(&case.scenario) {
            Ok(p) => p,
            Err(e) => {
                // A family that makes an invalid scenario: every row says so.
                return Some(
                    self.names()
                        .iter()
                        .map(|n| new_row(n).failed(Status::Error, e.to_string(), 0.0))
                        .collect(),
                );
            }
        };
        let optimum = judge(&problem, &self.optimal, new_row(OPTIMAL));
        if stop() {
            return None;
        }
        let mut rows = Vec::with_capacity(self.schedulers.len() + 1);
        for s in &self.schedulers {
            if stop() {
                return None;
            }
            rows.push(judge(&problem, s.as_ref(), new_row(s.name())).against(&optimum));
        }
        rows.push(optimum.clone().against(&optimum));
        Some(rows)
    }
}

/// Runs `scheduler` on `problem`, judges its plan and fills `row`.
fn judge(problem: &Problem, scheduler: &dyn Scheduler, row: Row) -> Row {
    let clock = Instant::now();
    let planned = scheduler.schedule(problem);
    let seconds = clock.elapsed().as_secs_f64();
    match planned {
        Ok(schedule) => match evaluate(problem, scheduler.name(), &schedule) {
            Ok(report) => row.planned(&report, seconds),
            Err(why) => row.failed(Status::Invalid, why.to_string(), seconds),
        },
        Err(Error::Infeasible(why)) => row.failed(Status::Unfinished, why.to_string(), seconds),
        Err(e) => row.failed(Status::Error, e.to_string(), seconds),
    }
}
