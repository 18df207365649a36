//! Re-planning for a running service: given the plan being executed, the
//! moment `now`, the work already done and updated data (prices,
//! capacity, new or cancelled jobs), plan the rest from `now` on.
//!
//! The rules are on [`Replan`] (this module is private; its items are
//! re-exported at the crate root).

use crate::decide::errors::ReplanError;
use crate::error::Error;
use crate::evaluate::violation::{Constraint, ScheduleViolation};
use crate::evaluate::TOLERANCE;
use crate::evaluate::{judge, Report};
use crate::problem::{JobInfo, JobRegion, Problem};
use crate::scenario::Placement;
use crate::schedule::mismatch::ScheduleMismatch;
use crate::schedule::{Assignment, Proof, SavedAssignment, SavedSchedule, Schedule};
use crate::schedulers::Optimal;
use crate::solve::backend::Backend;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// A re-plan request: the plan being executed, the moment `now`, and what
/// is known of the work done and of cancelled jobs. Solve it against the
/// updated problem with [`Replan::solve`].
///
/// How it is done, and what each input means (the model's page,
/// [`crate::spec`], states the same rules):
///
/// - **History.** The previous plan's rows in slots before `now` are what
///   ran. They are kept as they are, take their pools' capacity, and are
///   priced at the *updated* data's costs for those slots (the updated
///   scenario is the best knowledge of what the past cost). They are
///   re-checked with the rest: a history the updated scenario rejects (a
///   pool that no longer had the servers, a cell no longer eligible) is
///   [`ReplanError::History`], never silently changed.
/// - **`now`** must be a slot boundary of the updated horizon (its start,
///   a slot start, or its end): [`ReplanError::NowNotOnSlotBoundary`]
///   names the slot it falls in, [`ReplanError::NowOutsideHorizon`] an
///   instant outside it. It is never rounded.
/// - **Work done** per job is, by default, what its history rows did
///   (server-hours × [`Problem::work_per_server_hour`], the speed derated
///   on capacity that can vanish). [`Replan::done_work`] states it instead, for a
///   job that made less (a failure lost progress) or more progress than
///   its rows say: the rows still stand as history (their cost and their
///   capacity are real), and the job's remaining work is `W_j - done`.
///   The full schedule then does `history + remaining` work units for that
///   job, and the as-run problem the evaluator judges it against
///   ([`Replanned::as_run`]) carries that as the job's work.
/// - **Started `Whole` jobs** (work before `now`) stay in the region they
///   ran in.
/// - **Data already moved is not moved again.** A region a job's data went
///   to under the previous plan (any of its rows, before or after `now`)
///   keeps the model's window; a region the previous plan never used
///   cannot start before `now` plus the input's transfer time. A started
///   `Whole` job's egress is paid once, in full (the evaluator counts it
///   with its history); a `Split` job pays, as in the model, the share of
///   its egress that each work unit is of `W_j`, before and after `now`.
/// - **New jobs** (not in the previous plan) start no earlier than `now`
///   (nothing starts before `now`: the past is history).
/// - **Cancelled jobs** ([`Replan::cancel`]) stay in the scenario, keep
///   their history and its cost, and get no further work: in the as-run
///   problem their work is what their history did. A job that has history
///   but is missing from the updated scenario is an error
///   ([`ReplanError::HistoryOfUnknownJob`]): its history could not be
///   priced (its origin and data are gone). A job or pool named only in
///   the previous plan's *future* rows and missing from the updated
///   scenario is dropped from the warm start and listed in
///   [`Replanned::forgotten`].
///
/// The result is one full-horizon schedule (history + the new plan from
/// `now`), re-checked and priced by [`crate::evaluate`] against
/// [`Replanned::as_run`], with a proof whose bound is the history's cost
/// plus the proven bound of the future.
///
/// **Warm start.** The future is solved by [`Optimal`] on a residual
/// problem (remaining work, windows from `now`), by column generation
/// whose first working set is the previous plan's future cells (beside
/// Greedy's plan; a job they cover gets none of the cheapest cells that
/// a cold solve starts from). good_lp passes no simplex basis, so this is
/// the warm start the engine can use; with [`crate::ColumnGeneration::Auto`]
/// a seeded solve of 20,000 columns or more runs column generation, HiGHS
/// included (which otherwise solves whole models); a smaller one is solved
/// whole, cold. [`Replan::warm_start`] turns the seed off.
///
/// # Example
///
/// ```
/// use geoshift::{Horizon, Job, Optimal, Pool, Problem, Region, Replan, Scenario};
///
/// let start = "2026-06-01T00:00:00Z".parse().unwrap();
/// let scenario = |prices: Vec<f64>| {
///     Scenario::builder(Horizon::new(start, 3600, 4))
///         .region(Region::builder("home").pue(1.0).price_usd_per_mwh(prices))
///         .pool(Pool::builder("gpus", "home").servers(1.0).rent_usd_per_hour(0.0).power_kw(1.0))
///         .job(
///             Job::builder("train", "home")
///                 .work(2.0)
///                 .deadline("2026-06-01T04:00:00Z".parse().unwrap())
///                 .max_servers(1.0),
///         )
///         .build()
/// };
/// // The plan: the two cheapest hours, 0 and 2.
/// let before = Problem::new(&scenario(vec![10.0, 50.0, 20.0, 30.0]))?;
/// let plan = Optimal::default().solve(&before)?.schedule.to_saved(&before)?;
/// // At 01:00 hour 0 has run; hour 3 became the cheapest.
/// let after = Problem::new(&scenario(vec![10.0, 50.0, 20.0, 5.0]))?;
/// let now = "2026-06-01T01:00:00Z".parse().unwrap();
/// let replanned = Replan::new(plan, now).solve(&after, &Optimal::default())?;
/// // Hour 0 stays (history, $0.01); the last unit moves to hour 3 ($0.005).
/// assert!((replanned.report.total_usd - 0.015).abs() < 1e-9);
/// assert!((replanned.history_usd - 0.010).abs() < 1e-9);
/// assert_eq!(replanned.report.proven_optimal, Some(true));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Replan {
    previous: SavedSchedule,
    now: DateTime<Utc>,
    done: Vec<(String, f64)>,
    cancelled: Vec<String>,
    warm: bool,
}

/// Where a job stands at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum JobState {
    /// Not in the previous plan: planned from `now` on.
    New,
    /// In the previous plan, with no work done before `now`.
    NotStarted,
    /// Some work done, some left.
    Started,
    /// All its work done (within the evaluator's tolerance).
    Finished,
    /// Cancelled: its history stays, no further work.
    Cancelled,
}

/// One job's progress at `now`, in work units.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct JobProgress {
    /// Job id.
    pub id: String,
    /// Where it stands.
    pub state: JobState,
    /// Its work `W_j` in the updated scenario.
    pub work: f64,
    /// What its history rows (the previous plan before `now`) did.
    pub history_work: f64,
    /// What counts as done: `history_work`, or the amount given with
    /// [`Replan::done_work`].
    pub done_work: f64,
    /// Whether `done_work` was given rather than read from the history.
    pub done_given: bool,
    /// Planned from `now` on: `work - done_work` (0 once within the
    /// evaluator's tolerance of `work`, and for a cancelled job).
    pub remaining_work: f64,
    /// The region a started `Whole` job stays in.
    pub pinned_region: Option<String>,
}

/// A re-plan: the full-horizon schedule (history + the plan from `now`),
/// its report and proof, and where each job stood.
///
/// Serialises with the updated scenario as `scenario`, so that it reads
/// back (`serde::Deserialize`) whole: [`Replanned::as_run`] is that
/// scenario's problem with each job's work as [`Replanned::jobs`] says.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Replanned {
    /// History rows then the new rows, indices into [`Replanned::as_run`]
    /// (which has the updated problem's jobs, pools and slots in the same
    /// order). Its [`Schedule::proof`] is set.
    pub schedule: Schedule,
    /// The evaluator's report of the full schedule, named `replan`, with
    /// its bound and gap.
    pub report: Report,
    /// No full-horizon plan that keeps the history costs less than
    /// `proof.bound_usd`: the history's cost plus the future's proven
    /// bound.
    pub proof: Proof,
    /// The slot `now` starts (the horizon's slot count when `now` is its
    /// end).
    pub now_slot: usize,
    /// What the history costs at the updated prices, with the egress it
    /// has committed: the part of `report.total_usd` no re-plan can change.
    pub history_usd: f64,
    /// Per job of the updated problem, in its order.
    pub jobs: Vec<JobProgress>,
    /// Rows of the previous plan's future that name a job or pool the
    /// updated scenario no longer has; they are not carried out.
    pub forgotten: Vec<SavedAssignment>,
    /// The solver that planned the future; `None` when no work remained.
    pub backend: Option<Backend>,
    #[serde(rename = "scenario", serialize_with = "as_scenario")]
    as_run: Problem,
}

/// Writes [`Replanned::as_run`] as the updated scenario it came from.
fn as_scenario<S: serde::Serializer>(p: &Problem, s: S) -> Result<S::Ok, S::Error> {
    p.scenario().serialize(s)
}

impl<'de> Deserialize<'de> for Replanned {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        /// The fields as written.
        #[derive(Deserialize)]
        struct Written {
            schedule: Schedule,
            report: Report,
            proof: Proof,
            now_slot: usize,
            history_usd: f64,
            jobs: Vec<JobProgress>,
            forgotten: Vec<SavedAssignment>,
            backend: Option<Backend>,
            scenario: crate::scenario::Scenario,
        }
        let w = Written::deserialize(d)?;
        let updated = Problem::new(&w.scenario).map_err(D::Error::custom)?;
        let same_jobs = updated.jobs().len() == w.jobs.len()
            && updated
                .jobs()
                .iter()
                .zip(&w.jobs)
                .all(|(j, p)| j.id == p.id);
        if !same_jobs {
            return Err(D::Error::custom(
                "a re-plan's jobs must be its scenario's, in its order",
            ));
        }
        Ok(Replanned {
            as_run: as_run_problem(&updated, &w.jobs),
            schedule: w.schedule,
            report: w.report,
            proof: w.proof,
            now_slot: w.now_slot,
            history_usd: w.history_usd,
            jobs: w.jobs,
            forgotten: w.forgotten,
            backend: w.backend,
        })
    }
}

impl Replanned {
    /// The problem the full schedule is judged against: the updated one,
    /// with a cancelled job's work set to what its history did, and a job
    /// whose done work was given set to `history + remaining` (a `Split`
    /// job's egress scaled with it, so each work unit still pays
    /// `E[j,r] / W_j`). Its [`Problem::scenario`] is the updated
    /// scenario as given, before those adjustments.
    pub fn as_run(&self) -> &Problem {
        &self.as_run
    }
}

/// The previous plan matched onto the updated problem.
struct Matched {
    /// Rows before `now`, by index.
    history: Vec<Assignment>,
    /// Cells of the rows from `now` on (the warm start).
    future: Vec<(usize, usize, usize)>,
    /// (job, region) pairs the previous plan used, before or after `now`.
    used: HashSet<(usize, usize)>,
    /// Jobs named anywhere in the previous plan.
    planned: HashSet<usize>,
    forgotten: Vec<SavedAssignment>,
}

impl Replan {
    /// A re-plan of `previous` (the plan being executed, by ids and
    /// instants; [`Schedule::to_saved`] makes one) from `now` on.
    pub fn new(previous: SavedSchedule, now: DateTime<Utc>) -> Self {
        Replan {
            previous,
            now,
            done: Vec::new(),
            cancelled: Vec::new(),
            warm: true,
        }
    }

    /// Whether the previous plan's future cells seed column generation
    /// (default true). Off, the future is solved cold: the same optimum,
    /// for measuring what the warm start saves.
    pub fn warm_start(mut self, on: bool) -> Self {
        self.warm = on;
        self
    }

    /// States the work units job `job` has done by `now`, instead of what
    /// its history rows did (see the module docs for how it is treated).
    pub fn done_work(mut self, job: impl Into<String>, units: f64) -> Self {
        self.done.push((job.into(), units));
        self
    }

    /// Cancels job `job`: its history stays and is paid, it gets no
    /// further work.
    pub fn cancel(mut self, job: impl Into<String>) -> Self {
        self.cancelled.push(job.into());
        self
    }

    /// Plans the rest of `problem` (the updated data) from `now` on with
    /// `optimal`, keeping the history.
    ///
    /// # Errors
    ///
    /// [`Error::Replan`] with a [`ReplanError`] naming what is at fault:
    /// `now`, a done amount or a cancelled id, a row of the previous plan,
    /// a history the updated scenario rejects, a job with no time left;
    /// the solve's own errors as their [`Error`] variants (infeasible,
    /// stopped, solver failure).
    pub fn solve(&self, problem: &Problem, optimal: &Optimal) -> Result<Replanned, Error> {
        // One deadline for every solve of the re-plan.
        let optimal = &optimal.anchored();
        // The problem given, the as-run one and the residual one.
        optimal.check_problems(problem, 3)?;
        let now_slot = self.now_slot(problem)?;
        let matched = self.match_previous(problem, now_slot)?;
        let (jobs, pinned) = self.progress(problem, &matched)?;
        let as_run = as_run_problem(problem, &jobs);
        let opened = opened_regions(problem, &matched.history);
        let (residual, map) =
            residual_problem(problem, &jobs, &pinned, now_slot, &matched.used, &opened).map_err(
                |(j, remaining_work)| ReplanError::NoTimeLeft {
                    job: problem.jobs[j].id.clone(),
                    remaining_work,
                    now: self.now,
                    deadline: problem.jobs[j].deadline,
                },
            )?;

        let mut rows = matched.history.clone();
        let mut residual_total = 0.0;
        let mut future_proof = None;
        let mut backend = None;
        if !residual.jobs.is_empty() {
            let index: HashMap<usize, usize> =
                map.iter().enumerate().map(|(i, &j)| (j, i)).collect();
            let seed: Vec<(usize, usize, usize)> = matched
                .future
                .iter()
                .filter(|_| self.warm)
                .filter_map(|&(j, k, t)| index.get(&j).map(|&i| (i, k, t)))
                .collect();
            // The problem and its as-run problem are held beside the
            // residual one.
            let held = problem
                .resident_bytes()
                .saturating_add(as_run.resident_bytes());
            let solution = optimal
                .clone()
                .holding(held)
                .solve_seeded(&residual, &seed)?;
            residual_total = solution.report.total_usd;
            rows.extend(solution.schedule.assignments.iter().map(|a| Assignment {
                job: map[a.job],
                ..*a
            }));
            future_proof = Some(solution.proof);
            backend = Some(solution.backend);
        }

        let mut schedule = Schedule::new(rows);
        let judge = |s: &Schedule| {
            judge(&as_run, "replan", s).map_err(|v| {
                if v.slot.is_some_and(|t| t < now_slot) {
                    Error::from(ReplanError::History(Box::new(v)))
                } else {
                    Error::InvalidSchedule(v)
                }
            })
        };
        let total_usd = judge(&schedule)?.total_usd;
        // The total is the history's part (fixed) plus the residual's.
        let history_usd = total_usd - residual_total;
        let proof = match future_proof {
            Some(p) => Proof::new(
                total_usd,
                history_usd + p.bound_usd,
                p.target_gap,
                p.stopped,
            ),
            None => Proof::new(total_usd, total_usd, optimal.target_gap(), None),
        };
        schedule.proof = Some(proof.clone());
        let report = judge(&schedule)?;
        Ok(Replanned {
            schedule,
            report,
            proof,
            now_slot,
            history_usd,
            jobs,
            forgotten: matched.forgotten,
            backend,
            as_run,
        })
    }

    /// The slot `now` starts, or why it is not a slot boundary.
    fn now_slot(&self, p: &Problem) -> Result<usize, ReplanError> {
        let h = p.horizon();
        let end = p.instant(h.slots);
        if self.now < h.start || self.now > end {
            return Err(ReplanError::NowOutsideHorizon {
                now: self.now,
                start: h.start,
                end,
            });
        }
        if self.now == end {
            return Ok(h.slots);
        }
        match h.slot_at(self.now) {
            Some(t) if p.instant(t) == self.now => Ok(t),
            Some(t) => Err(ReplanError::NowNotOnSlotBoundary {
                now: self.now,
                slot: t,
                slot_start: p.instant(t),
                slot_end: p.instant(t + 1),
            }),
            // Inside [start, end) every instant is in a slot.
            None => Err(ReplanError::NowOutsideHorizon {
                now: self.now,
                start: h.start,
                end,
            }),
        }
    }

    /// The previous plan's rows by index: history, future cells, regions
    /// used, and the future rows that no longer fit.
    fn match_previous(&self, p: &Problem, now_slot: usize) -> Result<Matched, ReplanError> {
        let jobs: HashMap<&str, usize> = p
            .jobs
            .iter()
            .enumerate()
            .map(|(i, j)| (j.id.as_str(), i))
            .collect();
        let pools: HashMap<&str, usize> = p
            .pools
            .iter()
            .enumerate()
            .map(|(i, k)| (k.id.as_str(), i))
            .collect();
        let mut m = Matched {
            history: Vec::new(),
            future: Vec::new(),
            used: HashSet::new(),
            planned: HashSet::new(),
            forgotten: Vec::new(),
        };
        for (row, a) in self.previous.assignments.iter().enumerate() {
            let slot = p
                .horizon()
                .slot_starting_at(a.start)
                .ok_or(ReplanError::Mismatch(ScheduleMismatch::NotASlotStart {
                    row,
                    start: a.start,
                }))?;
            let past = slot < now_slot;
            let (job, pool) = (jobs.get(a.job.as_str()), pools.get(a.pool.as_str()));
            let (Some(&job), Some(&pool)) = (job, pool) else {
                if past && a.server_hours != 0.0 {
                    return Err(if job.is_none() {
                        ReplanError::HistoryOfUnknownJob {
                            row,
                            job: a.job.clone(),
                        }
                    } else {
                        ReplanError::HistoryOfUnknownPool {
                            row,
                            pool: a.pool.clone(),
                        }
                    });
                }
                if !past {
                    m.forgotten.push(a.clone());
                }
                continue;
            };
            m.planned.insert(job);
            if past {
                if !(a.server_hours.is_finite() && a.server_hours >= 0.0) {
                    let mut v =
                        ScheduleViolation::new(Constraint::NonNegative, a.server_hours, 0.0);
                    v.job = Some(a.job.clone());
                    v.pool = Some(a.pool.clone());
                    v.slot = Some(slot);
                    return Err(ReplanError::History(Box::new(v)));
                }
                m.history.push(Assignment {
                    job,
                    pool,
                    slot,
                    server_hours: a.server_hours,
                });
            } else {
                m.future.push((job, pool, slot));
            }
            if a.server_hours > 0.0 {
                m.used.insert((job, p.pools[pool].region));
            }
        }
        Ok(m)
    }

    /// Each job's progress, and the region each started `Whole` job is
    /// pinned to.
    fn progress(
        &self,
        p: &Problem,
        m: &Matched,
    ) -> Result<(Vec<JobProgress>, Vec<Option<usize>>), ReplanError> {
        let index = |what: &'static str, id: &str| {
            p.job_index(id).ok_or_else(|| ReplanError::UnknownJob {
                what,
                job: id.to_string(),
            })
        };
        let mut cancelled = vec![false; p.jobs.len()];
        for id in &self.cancelled {
            cancelled[index("cancel", id)?] = true;
        }
        let mut given: Vec<Option<f64>> = vec![None; p.jobs.len()];
        for (id, done) in &self.done {
            let j = index("done_work", id)?;
            if !(done.is_finite() && *done >= 0.0) {
                return Err(ReplanError::DoneOutOfRange {
                    job: id.clone(),
                    done: *done,
                });
            }
            if cancelled[j] {
                return Err(ReplanError::DoneForCancelled { job: id.clone() });
            }
            if given[j].replace(*done).is_some() {
                return Err(ReplanError::DuplicateDone { job: id.clone() });
            }
        }
        let mut history_work = vec![0.0; p.jobs.len()];
        let mut regions: Vec<Vec<usize>> = vec![Vec::new(); p.jobs.len()];
        for a in &m.history {
            let pool = &p.pools[a.pool];
            // Useful work: a risky pool's server-hour does its derated share.
            history_work[a.job] += a.server_hours * p.work_rate(a.job, a.pool);
            if a.server_hours > 0.0 && !regions[a.job].contains(&pool.region) {
                regions[a.job].push(pool.region);
            }
        }
        let mut out = Vec::with_capacity(p.jobs.len());
        let mut pinned = vec![None; p.jobs.len()];
        for (j, job) in p.jobs.iter().enumerate() {
            let hist = history_work[j];
            if job.placement == Placement::Whole {
                if regions[j].len() > 1 {
                    let mut v = ScheduleViolation::new(
                        Constraint::WholePlacement,
                        regions[j].len() as f64,
                        1.0,
                    );
                    v.job = Some(job.id.clone());
                    regions[j].sort_unstable();
                    v.regions = regions[j]
                        .iter()
                        .map(|&r| p.regions[r].id.clone())
                        .collect();
                    return Err(ReplanError::History(Box::new(v)));
                }
                pinned[j] = regions[j].first().copied();
            }
            let done = if cancelled[j] {
                hist
            } else {
                given[j].unwrap_or(hist)
            };
            if !cancelled[j] && done - job.work > TOLERANCE * job.work {
                return Err(ReplanError::DoneExceedsWork {
                    job: job.id.clone(),
                    done,
                    work: job.work,
                    from_history: given[j].is_none(),
                });
            }
            let left = job.work - done;
            let remaining_work = if cancelled[j] || left <= TOLERANCE * job.work {
                0.0
            } else {
                left
            };
            let state = if cancelled[j] {
                JobState::Cancelled
            } else if remaining_work == 0.0 {
                JobState::Finished
            } else if done > 0.0 || hist > 0.0 {
                JobState::Started
            } else if m.planned.contains(&j) {
                JobState::NotStarted
            } else {
                JobState::New
            };
            out.push(JobProgress {
                id: job.id.clone(),
                state,
                work: job.work,
                history_work: hist,
                done_work: done,
                done_given: given[j].is_some(),
                remaining_work,
                pinned_region: pinned[j].map(|r| p.regions[r].id.clone()),
            });
        }
        Ok((out, pinned))
    }
}

/// The updated problem with each job's work set to what the full schedule
/// does: unchanged unless the job is cancelled (its history) or its done
/// work was given (history + remaining). A `Split` job's egress is scaled
/// with its work so that each work unit still pays `E[j,r] / W_j`.
fn as_run_problem(p: &Problem, jobs: &[JobProgress]) -> Problem {
    let mut out = p.clone();
    for (job, progress) in out.jobs.iter_mut().zip(jobs) {
        let work = match progress.state {
            JobState::Cancelled => progress.history_work,
            _ if progress.done_given => progress.history_work + progress.remaining_work,
            _ => continue,
        };
        if job.placement == Placement::Split {
            for w in &mut job.windows {
                w.egress_usd *= work / job.work;
            }
        }
        job.work = work;
    }
    out
}

/// The future as a problem of its own: each job with work left, with its
/// remaining work, windows from `now` on (see [`window_from`]) and the
/// egress still to pay; with the map from its jobs to the updated
/// problem's. Fails with the job and its remaining work when a job has no
/// window left.
fn residual_problem(
    p: &Problem,
    jobs: &[JobProgress],
    pinned: &[Option<usize>],
    now_slot: usize,
    used: &HashSet<(usize, usize)>,
    opened: &[Vec<usize>],
) -> Result<(Problem, Vec<usize>), (usize, f64)> {
    let mut map = Vec::new();
    let mut residual = Vec::new();
    for (j, (job, progress)) in p.jobs.iter().zip(jobs).enumerate() {
        let remaining = progress.remaining_work;
        if remaining <= 0.0 {
            continue;
        }
        let windows: Vec<JobRegion> = job
            .windows
            .iter()
            .filter(|w| pinned[j].is_none_or(|r| r == w.region))
            .filter_map(|w| {
                let moved = w.region == job.origin || used.contains(&(j, w.region));
                window_from(p, job, w, now_slot, moved, pinned[j].is_some(), remaining)
            })
            .collect();
        // A job with a price for undone work never makes the re-plan
        // infeasible: with no slot left, its rest is left undone at that
        // price (the model's slack), as a plan from scratch would.
        if windows.is_empty() && !job.may_fall_short() {
            return Err((j, remaining));
        }
        map.push(j);
        residual.push(JobInfo {
            work: remaining,
            windows,
            opened_regions: opened[j].clone(),
            ..job.clone()
        });
    }
    let out = Problem {
        jobs: residual,
        ..p.clone()
    };
    Ok((out, map))
}

/// Per job, the regions its history already holds work in (more than the
/// evaluator's tolerance of its work, `1e-6 · W_j`), in region order:
/// they count against its `max_regions` in the re-plan.
fn opened_regions(p: &Problem, history: &[Assignment]) -> Vec<Vec<usize>> {
    let mut work: Vec<HashMap<usize, f64>> = vec![HashMap::new(); p.jobs.len()];
    for a in history {
        *work[a.job].entry(p.pools[a.pool].region).or_default() +=
            a.server_hours * p.work_rate(a.job, a.pool);
    }
    work.into_iter()
        .enumerate()
        .map(|(j, by_region)| {
            let mut out: Vec<usize> = by_region
                .into_iter()
                .filter(|&(_, w)| w > crate::TOLERANCE * p.jobs[j].work)
                .map(|(r, _)| r)
                .collect();
            out.sort_unstable();
            out
        })
        .collect()
}

/// Window `w` of `job` from `now_slot` on, with the egress the future
/// pays there, or `None` when no slot is left. A region the job's data has
/// not been sent to (`moved` false) opens only after `now` plus the
/// transfer time; a started `Whole` job (`pinned`) has paid its egress.
fn window_from(
    p: &Problem,
    job: &JobInfo,
    w: &JobRegion,
    now_slot: usize,
    moved: bool,
    pinned: bool,
    remaining: f64,
) -> Option<JobRegion> {
    let mut first = w.first_slot.max(now_slot);
    if !moved {
        // now is a slot boundary: ceil((now + tau) / Δ) = now + ceil(tau / Δ),
        // in whole nanoseconds as the model's windows are.
        let step = i128::from(p.horizon().slot_seconds) * 1_000_000_000;
        let tau = (w.transfer_seconds * 1e9).round();
        let wait = if tau.is_finite() {
            (tau as i128 + step - 1).div_euclid(step)
        } else {
            i128::MAX
        };
        let wait = usize::try_from(wait).unwrap_or(usize::MAX);
        first = first.max(now_slot.saturating_add(wait));
    }
    if first >= w.end_slot {
        return None;
    }
    let egress_usd = match job.placement {
        Placement::Whole if pinned => 0.0,
        Placement::Whole => w.egress_usd,
        Placement::Split => w.egress_usd * remaining / job.work,
    };
    Some(JobRegion {
        first_slot: first,
        egress_usd,
        ..w.clone()
    })
}
