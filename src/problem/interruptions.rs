//! Capacity that can vanish: how much of a server-hour on a pool that can
//! be interrupted is useful work for a job, computed here and nowhere else
//! ([`useful_fraction`], read through [`Problem::work_per_server_hour`]).
//!
//! The model: interruptions of a pool arrive at `lambda_k` per server-hour
//! (`interruption_rate_per_hour`). Each one loses the work done since the
//! job's last checkpoint, half of its `checkpoint_interval_hours` on
//! average, and the `restart_hours` it takes to start again from the
//! checkpoint. Per server-hour the job thus loses on average
//! `lambda_k · (c_j / 2 + r_j)` hours, and the useful fraction is
//! `f[j,k] = 1 - lambda_k · (c_j / 2 + r_j)`. Rent, energy and carbon are
//! paid for every server-hour, useful or not, so a plan's costs are
//! expected values once any pool it uses can be interrupted.

use super::{Problem, MIN_USEFUL_FRACTION};
use crate::scenario::error::InputError;
use crate::scenario::Scenario;

/// The fraction of a server-hour that is useful work for a job that
/// checkpoints every `checkpoint_interval_hours` and needs `restart_hours`
/// to restart, on capacity interrupted `interruption_rate_per_hour` times
/// per server-hour on average:
/// `1 - interruption_rate_per_hour · (checkpoint_interval_hours / 2 + restart_hours)`.
///
/// It is 1 on capacity that is never interrupted. A first-order expected
/// value: it treats interruptions as rare (at most one per checkpoint
/// interval), which is why [`Problem::new`] refuses a (job, pool) pair whose
/// fraction is below [`MIN_USEFUL_FRACTION`] instead of clamping it.
///
/// ```
/// // Spot capacity interrupted once per 100 server-hours on average; the
/// // job checkpoints every 2 h and restarts in 0.5 h: it loses
/// // 0.01 · (1 + 0.5) = 1.5 % of each server-hour.
/// let f = geoshift::useful_fraction(0.01, 2.0, 0.5);
/// assert!((f - 0.985).abs() < 1e-12);
/// assert_eq!(geoshift::useful_fraction(0.0, 2.0, 0.5), 1.0);
/// ```
pub fn useful_fraction(
    interruption_rate_per_hour: f64,
    checkpoint_interval_hours: f64,
    restart_hours: f64,
) -> f64 {
    if interruption_rate_per_hour == 0.0 {
        return 1.0; // capacity that never vanishes loses nothing, whatever the job
    }
    1.0 - interruption_rate_per_hour * (checkpoint_interval_hours / 2.0 + restart_hours)
}

impl Problem {
    /// Work units that one server-hour of pool `k` does for job `j`: the
    /// pool's speed times the [`useful_fraction`] of the pair; `None` when
    /// `j` or `k` is not an index of this problem. The one number every
    /// scheduler and the evaluator use for "work per server-hour" (rule 3
    /// of [the model](crate::spec)).
    ///
    /// ```
    /// use geoshift::{Horizon, Job, Pool, Problem, Region, Scenario};
    /// let h = Horizon::new("2026-06-01T00:00:00Z".parse().unwrap(), 3600, 4);
    /// let s = Scenario::builder(h)
    ///     .region(Region::builder("r").pue(1.0).price_usd_per_mwh(50.0))
    ///     .pool(Pool::builder("spot", "r").servers(2.0).rent_usd_per_hour(3.0).power_kw(1.0)
    ///         .speed(2.0).interruption_rate_per_hour(0.1))
    ///     .job(Job::builder("j", "r").work(4.0).deadline("2026-06-01T04:00:00Z".parse().unwrap())
    ///         .max_servers(2.0).checkpoint_interval_hours(1.0).restart_hours(0.5))
    ///     .build();
    /// let p = Problem::new(&s)?;
    /// // 2 · (1 - 0.1 · (0.5 + 0.5)) = 1.8 work units per server-hour.
    /// assert!((p.work_per_server_hour(0, 0).unwrap() - 1.8).abs() < 1e-12);
    /// assert_eq!(p.work_per_server_hour(0, 1), None);
    /// # Ok::<(), geoshift::Error>(())
    /// ```
    pub fn work_per_server_hour(&self, j: usize, k: usize) -> Option<f64> {
        (j < self.jobs.len() && k < self.pools.len()).then(|| self.work_rate(j, k))
    }

    /// `c[k,t] / (s_k · useful fraction)`: what one unit of job `j`'s work
    /// costs on pool `k` in slot `t`, in $ (the heuristics rank cells by
    /// it). Indices known to be valid, as for [`Problem::work_rate`].
    pub(crate) fn usd_per_work(&self, j: usize, k: usize, t: usize) -> f64 {
        self.pools[k].cost[t].total_usd() / self.work_rate(j, k)
    }

    /// [`Problem::work_per_server_hour`] for indices known to be valid (the
    /// schedulers' and the evaluator's, which come from this problem).
    pub(crate) fn work_rate(&self, j: usize, k: usize) -> f64 {
        let (job, pool) = (&self.jobs[j], &self.pools[k]);
        let speed = job.speed_by_pool.as_ref().map_or(pool.speed, |s| s[k]);
        speed
            * useful_fraction(
                pool.interruption_rate_per_hour,
                job.checkpoint_interval_hours,
                job.restart_hours,
            )
    }

    /// Whether pool `k` can be interrupted (its rate is above 0), so that
    /// work on it is risky and its costs are expected values; false for an
    /// index this problem does not have.
    pub fn is_risky(&self, k: usize) -> bool {
        self.pools
            .get(k)
            .is_some_and(|p| p.interruption_rate_per_hour > 0.0)
    }
}

/// Refuses every (job, pool) pair the job may use (the pool's region is one
/// of the job's windows) whose useful fraction is below
/// [`MIN_USEFUL_FRACTION`]: the first-order model does not hold there, and
/// the pair would be mostly lost work. The error names the job, the pool,
/// the fraction and the three inputs it came from.
pub(super) fn check(p: &Problem, scenario: &Scenario) -> Result<(), InputError> {
    for (j, job) in p.jobs.iter().enumerate() {
        for w in &job.windows {
            for &k in &w.pools {
                let f = useful_fraction(
                    p.pools[k].interruption_rate_per_hour,
                    job.checkpoint_interval_hours,
                    job.restart_hours,
                );
                if f >= MIN_USEFUL_FRACTION {
                    continue; // NaN fails this test and is refused below
                }
                let given = &scenario.jobs[j];
                return Err(InputError::InterruptionLoss {
                    job: job.id.clone(),
                    pool: p.pools[k].id.clone(),
                    useful_fraction: f,
                    interruption_rate_per_hour: p.pools[k].interruption_rate_per_hour,
                    checkpoint_interval_hours: given.checkpoint_interval_hours,
                    restart_hours: given.restart_hours,
                });
            }
        }
    }
    Ok(())
}
