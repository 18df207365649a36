//! A family of scenarios: a generator with named parameters and a range of
//! seeds, and the families the bench runs by default.

use super::error::BenchError;
use crate::error::Error;
use crate::scenario::Scenario;
use crate::synth::{generate, Params};
use std::fmt;
use std::sync::Arc;

type Generate = Arc<dyn Fn(u64) -> Result<Scenario, Error> + Send + Sync>;

/// A generator of scenarios: a name, what it varies and why that is hard
/// for whom, its parameters (named, for the report), and the scenario of
/// each seed. The same seed always gives the same scenario.
#[derive(Clone)]
pub struct Family {
    name: String,
    about: String,
    params: Vec<(String, String)>,
    max_seeds: Option<u64>,
    generate: Generate,
}

impl fmt::Debug for Family {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.debug_struct("Family")
            .field("name", &self.name)
            .field("params", &self.params)
            .field("max_seeds", &self.max_seeds)
            .finish()
    }
}

impl Family {
    /// A family of your own: `generate` gives the scenario of each seed
    /// (from 1), and must give the same one for the same seed.
    pub fn new(
        name: impl Into<String>,
        about: impl Into<String>,
        params: Vec<(String, String)>,
        generate: impl Fn(u64) -> Result<Scenario, Error> + Send + Sync + 'static,
    ) -> Family {
        Family {
            name: name.into(),
            about: about.into(),
            params,
            max_seeds: None,
            generate: Arc::new(generate),
        }
    }

    /// Limits the family to seeds 1 to `max_seeds` (real data cover only
    /// so many weeks).
    pub fn max_seeds(mut self, max_seeds: u64) -> Family {
        self.max_seeds = Some(max_seeds);
        self
    }

    /// Its name, as `--families` takes it.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// What it varies, and why that is hard for whom.
    pub fn about(&self) -> &str {
        &self.about
    }
    /// Its parameters, by name.
    pub fn params(&self) -> &[(String, String)] {
        &self.params
    }
    /// How many seeds it has, if they are limited.
    pub fn seed_limit(&self) -> Option<u64> {
        self.max_seeds
    }

    /// The seeds a run of `seeds` seeds takes from this family: 1 to
    /// `seeds`, or to its limit if lower.
    pub fn seeds(&self, seeds: u64) -> std::ops::RangeInclusive<u64> {
        1..=self.max_seeds.map_or(seeds, |m| m.min(seeds))
    }

    /// The scenario of `seed`.
    ///
    /// # Errors
    ///
    /// [`BenchError::NoSuchSeed`] for a seed of 0 or past the family's
    /// limit; the generator's own error otherwise.
    pub fn scenario(&self, seed: u64) -> Result<Scenario, Error> {
        if seed == 0 || self.max_seeds.is_some_and(|m| seed > m) {
            return Err(BenchError::NoSuchSeed {
                family: self.name.clone(),
                seed,
                max_seeds: self.max_seeds,
            }
            .into());
        }
        (self.generate)(seed)
    }
}

/// The size of every synthetic family: 12 jobs, 4 regions of 3 pools, 48
/// hourly slots. Small enough that the optimum of a `Whole`-heavy week
/// takes seconds; large enough that where and when matter.
fn base(seed: u64) -> Params {
    Params {
        jobs: 12,
        regions: 4,
        slots: 48,
        pools_per_region: 3,
        seed,
        ..Params::default()
    }
}

/// The parameters of `p` that a family sets, for its report.
fn named(p: &Params, extra: &[(&str, String)]) -> Vec<(String, String)> {
    let mut v = vec![
        ("jobs".to_string(), p.jobs.to_string()),
        ("regions".to_string(), p.regions.to_string()),
        ("slots".to_string(), p.slots.to_string()),
        (
            "pools_per_region".to_string(),
            p.pools_per_region.to_string(),
        ),
        ("contention".to_string(), p.contention.to_string()),
        ("whole_share".to_string(), p.whole_share.to_string()),
        ("power_caps".to_string(), p.power_caps.to_string()),
    ];
    v.extend(extra.iter().map(|(k, v)| (k.to_string(), v.clone())));
    v
}

/// A synthetic family: [`generate`] on `params` with the seed, then `adjust`.
fn synthetic(
    name: &str,
    about: &str,
    params: impl Fn(u64) -> Params + Send + Sync + 'static,
    extra: &[(&str, String)],
    adjust: impl Fn(&mut Scenario) + Send + Sync + 'static,
) -> Family {
    let shown = named(&params(1), extra);
    Family::new(name, about, shown, move |seed| {
        let mut scenario = generate(&params(seed));
        adjust(&mut scenario);
        Ok(scenario)
    })
}

/// ASSUMPTION of the `overbooked` family: undone work is priced at 100 $
/// per work unit, above the dearest cell the generator makes (a 40 $/h
/// rent on a 0.5-speed pool, 80 $ per work unit, plus at most about 4 $ of
/// energy and carbon), so a plan leaves work undone only where no capacity
/// is left.
pub(crate) const OVERBOOKED_UNMET_USD_PER_WORK: f64 = 100.0;

/// Spot capacity of the `spot` family: every third pool (the third of each
/// region) is interrupted at the upper edge of GCP's published preemption
/// range, 15 % of VMs a day (`data/spot_interruption_reference.csv`),
/// `-ln(1 - 0.15) / 24` per server-hour.
pub(crate) fn spot_interruption_rate_per_hour() -> f64 {
    -(1.0f64 - 0.15).ln() / 24.0
}

/// The spot discount of the `spot` family: a spot server-hour costs this
/// share of the on-demand rent, GCP's `a2-highgpu-8g` in `me-west1`, 11.14528
/// $/h spot over 32.32579 $/h on-demand (`data/gpu_prices_middle_east_vs_us.csv`).
pub(crate) const SPOT_RENT_SHARE: f64 = 11.14528 / 32.32579;

/// ASSUMPTION of the `spot` family: jobs checkpoint every 4 hours and take
/// half an hour to restart, so an interruption costs 2.5 hours of a server
/// on average.
pub(crate) const SPOT_CHECKPOINT_HOURS: (f64, f64) = (4.0, 0.5);

/// The families the bench runs by default: seven synthetic ones, and with
/// the `data` feature two weeks of the shipped real-data scenarios shifted
/// across the weeks the data cover.
pub fn families() -> Vec<Family> {
    let v = vec![
        synthetic(
            "slack",
            "Synthetic, work at 30 % of the fleet's capacity: the fleet has \
             room, though a job's origin alone may not (heuristics that stay \
             home fail there); the gap is mostly the price of where and when \
             (Local and EDF lose the price spread, Wait-awhile the regions).",
            |s| Params {
                contention: 0.3,
                ..base(s)
            },
            &[],
            |_| {},
        ),
        synthetic(
            "tight",
            "Synthetic, work at 60 % of capacity: the cheap cells run out, so \
             the order of jobs matters and greedy choices block later jobs; \
             heuristics that stay at home start to fail.",
            |s| Params {
                contention: 0.6,
                ..base(s)
            },
            &[],
            |_| {},
        ),
        synthetic(
            "overbooked",
            "Synthetic, work at 130 % of capacity with undone work priced at \
             100 $ per work unit: no plan finishes everything; the question is \
             which work to drop and where to run the rest.",
            |s| Params {
                contention: 1.3,
                ..base(s)
            },
            &[(
                "unmet_usd_per_work",
                OVERBOOKED_UNMET_USD_PER_WORK.to_string(),
            )],
            |sc| {
                for job in &mut sc.jobs {
                    job.unmet_usd_per_work = Some(OVERBOOKED_UNMET_USD_PER_WORK);
                }
            },
        ),
        synthetic(
            "whole",
            "Synthetic, half of the jobs Whole (one region each), work at 50 % \
             of capacity: the optimum is a MILP; heuristics that choose a \
             region per job by a mean price or carbon pick badly, and a Whole \
             job that no single region can take fails.",
            |s| Params {
                contention: 0.5,
                whole_share: 0.5,
                ..base(s)
            },
            &[],
            |_| {},
        ),
        synthetic(
            "capped",
            "Synthetic, power caps at 60 % of each region's peak draw, work at \
             30 % of capacity: the cheap hours of a region cannot all be used \
             at once, so filling them greedily strands work that no later hour \
             can take.",
            |s| Params {
                contention: 0.3,
                power_caps: true,
                ..base(s)
            },
            &[],
            |_| {},
        ),
        synthetic(
            "tight-deadlines",
            "Synthetic, each job's window (release to deadline) cut to three \
             quarters of its length, work at 30 % of capacity: less room to \
             wait for cheap hours or to move far, which hurts time shifting \
             and jobs whose data take hours to move.",
            |s| Params {
                contention: 0.3,
                ..base(s)
            },
            &[("deadline", "release + 3/4 of the window".to_string())],
            tighten_deadlines,
        ),
        synthetic(
            "spot",
            "Synthetic, the third pool of each region is spot: 0.345 of the \
             rent, interrupted at GCP's 15 %/day, jobs checkpointing every \
             4 h; work at 50 % of capacity. Cheap capacity that loses work: \
             heuristics that rank by price per server-hour overrate it.",
            |s| Params {
                contention: 0.5,
                ..base(s)
            },
            &[
                ("spot_pools", "the third of each region".to_string()),
                ("spot_rent_share", format!("{SPOT_RENT_SHARE:.4}")),
                (
                    "interruption_rate_per_hour",
                    format!("{:.5}", spot_interruption_rate_per_hour()),
                ),
                (
                    "checkpoint_interval_hours",
                    SPOT_CHECKPOINT_HOURS.0.to_string(),
                ),
                ("restart_hours", SPOT_CHECKPOINT_HOURS.1.to_string()),
            ],
            make_spot,
        ),
    ];
    #[cfg(feature = "data")]
    let v = v.into_iter().chain(super::real::families()).collect();
    v
}

/// Cuts every job's window (release to deadline) to three quarters of its
/// length, in whole hours (at least 1): less room to wait for cheap hours
/// or to move far, the work and parallelism unchanged.
fn tighten_deadlines(sc: &mut Scenario) {
    let start = sc.horizon.start;
    for job in &mut sc.jobs {
        let release = job.release.unwrap_or(start);
        let hours = (job.deadline - release).num_hours();
        job.deadline = release + chrono::Duration::hours((hours * 3 / 4).max(1));
    }
}

/// Makes the third pool of each region spot (see [`SPOT_RENT_SHARE`],
/// [`spot_interruption_rate_per_hour`], [`SPOT_CHECKPOINT_HOURS`]).
fn make_spot(sc: &mut Scenario) {
    for (i, pool) in sc.pools.iter_mut().enumerate() {
        if i % 3 == 2 {
            pool.rent_usd_per_hour =
                (pool.rent_usd_per_hour * SPOT_RENT_SHARE * 100.0).round() / 100.0;
            pool.interruption_rate_per_hour = spot_interruption_rate_per_hour();
        }
    }
    for job in &mut sc.jobs {
        job.checkpoint_interval_hours = SPOT_CHECKPOINT_HOURS.0;
        job.restart_hours = SPOT_CHECKPOINT_HOURS.1;
    }
}
