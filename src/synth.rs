//! A seeded generator of synthetic scenarios, for benches and property
//! tests: the same [`Params`] always give the same [`Scenario`].
//!
//! Ranges are realistic rather than real (for real data, use
//! `geoshift::data`, feature `data`): energy prices of −40 to 220 $/MWh
//! with some negative hours and a daily shape, carbon of 20 to 750 gCO2e/kWh, PUE 1.08 to 1.6, rents of
//! 1 to 40 $ per server-hour (a third of the pools are cloud list prices
//! that include the energy), 0.5 to 10.2 kW per server, speeds 0.5 to 2,
//! links of 1 to 100 Gbit/s with 0 to 0.12 $/GB egress, and jobs of 0 to
//! 2 TB of input whose total work is `contention` times what the fleet can
//! do over the horizon.
//!
//! ```
//! use geoshift::synth::{generate, Params};
//! let small = Params { jobs: 5, regions: 2, slots: 12, ..Params::default() };
//! let scenario = generate(&small);
//! assert_eq!(scenario.jobs.len(), 5);
//! assert_eq!(scenario, generate(&small)); // deterministic
//! ```

use crate::scenario::{Job, Link, Placement, Pool, Region, Scenario};
use crate::time::{Horizon, Series};
use chrono::{DateTime, Duration, Utc};

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// Number of jobs.
    pub jobs: usize,
    /// Number of regions.
    pub regions: usize,
    /// Number of hourly slots.
    pub slots: usize,
    /// Pools per region.
    pub pools_per_region: usize,
    /// Share of jobs that are `Whole` (0 to 1).
    pub whole_share: f64,
    /// Whether regions get a power cap (set at about 60 % of their fleet's
    /// peak draw).
    pub power_caps: bool,
    /// Total work as a share of the fleet's capacity over the horizon
    /// (0.3 is relaxed, 0.8 is tight).
    pub contention: f64,
    /// Seed of the pseudo-random stream.
    pub seed: u64,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            jobs: 20,
            regions: 5,
            slots: 24,
            pools_per_region: 3,
            whole_share: 0.0,
            power_caps: false,
            contention: 0.4,
            seed: 1,
        }
    }
}

/// The sizes of the README's performance table, shared by the benches and
/// `examples/scale_table`: (jobs, regions, slots) = (20, 5, 24),
/// (100, 10, 48) and (300, 20, 168), each Split-only and then with 20 %
/// Whole jobs, seed 7, other parameters at their defaults.
pub fn bench_sizes() -> [Params; 6] {
    let size = |jobs, regions, slots, whole_share| Params {
        jobs,
        regions,
        slots,
        whole_share,
        seed: 7,
        ..Params::default()
    };
    [
        size(20, 5, 24, 0.0),
        size(20, 5, 24, 0.2),
        size(100, 10, 48, 0.0),
        size(100, 10, 48, 0.2),
        size(300, 20, 168, 0.0),
        size(300, 20, 168, 0.2),
    ]
}

/// SplitMix64: a tiny, fast, well-studied generator. Hand-written on
/// purpose: the stream must never change with a dependency's version, or
/// every bench and test scenario would silently change.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Uniform in [lo, hi), rounded to `digits` decimals so that scenario
    /// files stay readable.
    fn range(&mut self, lo: f64, hi: f64, digits: i32) -> f64 {
        let scale = 10f64.powi(digits);
        ((lo + (hi - lo) * self.unit()) * scale).round() / scale
    }
    /// Uniform integer in [lo, hi].
    fn int(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next_u64() % (hi - lo + 1) as u64) as usize
    }
}

/// The horizon start of every synthetic scenario: 2026-06-01T00:00:00Z.
pub fn start() -> DateTime<Utc> {
    DateTime::from_timestamp(1_780_272_000, 0).unwrap_or_default()
}

/// Generates the scenario described by `params`. Degenerate sizes (0 jobs
/// or regions) are raised to 1.
pub fn generate(params: &Params) -> Scenario {
    let mut rng = Rng(params.seed);
    let slots = params.slots.max(1);
    let n_regions = params.regions.max(1);
    let per_region = params.pools_per_region.max(1);
    let start = start();
    let at = |slot: usize| start + Duration::hours(slot as i64);

    let mut regions = Vec::with_capacity(n_regions);
    let mut pools = Vec::with_capacity(n_regions * per_region);
    let mut fleet_work_per_slot = 0.0;
    for r in 0..n_regions {
        let id = format!("r{r}");
        let base = rng.range(20.0, 120.0, 1);
        let swing = rng.range(5.0, 60.0, 1);
        let phase = rng.int(0, 23);
        let price: Vec<f64> = (0..slots)
            .map(|t| {
                let daily = ((t + phase) as f64 / 24.0 * std::f64::consts::TAU).sin();
                let spike = if rng.unit() < 0.03 {
                    -rng.range(40.0, 160.0, 1)
                } else {
                    0.0
                };
                (base + swing * daily + spike + rng.range(-5.0, 5.0, 1)).clamp(-40.0, 220.0)
            })
            .map(|p| (p * 10.0).round() / 10.0)
            .collect();
        let carbon_base = rng.range(20.0, 650.0, 0);
        let carbon: Vec<f64> = (0..slots)
            .map(|_| (carbon_base + rng.range(-20.0, 100.0, 0)).clamp(20.0, 750.0))
            .collect();
        let pue = rng.range(1.08, 1.6, 2);
        let mut peak_kw = 0.0;
        for q in 0..per_region {
            let servers = rng.int(2, 64) as f64;
            let power_kw = rng.range(0.5, 10.2, 1);
            let speed = rng.range(0.5, 2.0, 2);
            let cloud = rng.unit() < 1.0 / 3.0;
            let mut pool = Pool::new(
                format!("{id}-p{q}"),
                id.clone(),
                servers,
                rng.range(1.0, 40.0, 2),
                power_kw,
            )
            .speed(speed);
            if cloud {
                pool = pool.rent_includes_energy();
            }
            if rng.unit() < 0.25 {
                // Some pools lose servers in some hours (maintenance, spot).
                let dips: Vec<f64> = (0..slots)
                    .map(|_| {
                        if rng.unit() < 0.2 {
                            (servers / 2.0).floor()
                        } else {
                            servers
                        }
                    })
                    .collect();
                pool.servers = Series::PerSlot(dips);
            }
            peak_kw += servers * power_kw * pue;
            fleet_work_per_slot += servers * speed;
            pools.push(pool);
        }
        let mut region = Region::new(id, pue, price).carbon(carbon);
        if params.power_caps {
            region = region.power_cap((peak_kw * 0.6).round());
        }
        regions.push(region);
    }

    let mut links = Vec::new();
    for a in 0..n_regions {
        for b in 0..n_regions {
            if a != b && rng.unit() < 0.85 {
                links.push(Link::new(
                    format!("r{a}"),
                    format!("r{b}"),
                    rng.range(1.0, 100.0, 0),
                    rng.range(0.0, 0.12, 3),
                ));
            }
        }
    }

    let n_jobs = params.jobs.max(1);
    let total_work = params.contention * fleet_work_per_slot * slots as f64;
    let mut jobs = Vec::with_capacity(n_jobs);
    for j in 0..n_jobs {
        let origin = rng.int(0, n_regions - 1);
        let release = rng.int(0, slots.saturating_sub(1) / 3);
        let span = rng.int((slots - release).div_ceil(2), slots - release);
        let work = (total_work / n_jobs as f64 * rng.range(0.5, 1.5, 3) * 10.0).round() / 10.0;
        let max_servers = ((work / span as f64) * rng.range(1.5, 4.0, 2))
            .ceil()
            .max(1.0);
        let mut job = Job::new(
            format!("j{j}"),
            format!("r{origin}"),
            work.max(0.1),
            at(release + span),
            max_servers,
        )
        .data(rng.range(0.0, 2000.0, 0), rng.range(0.0, 50.0, 0))
        .release(at(release));
        if rng.unit() < 0.2 && n_regions > 1 {
            // Data residency: a few jobs may only use some regions.
            let allowed: Vec<String> = (0..n_regions)
                .filter(|&r| r == origin || rng.unit() < 0.5)
                .map(|r| format!("r{r}"))
                .collect();
            job = job.regions(allowed);
        }
        // Spread the Whole jobs evenly: exactly round-down(share × jobs).
        let share = params.whole_share.clamp(0.0, 1.0);
        if ((j + 1) as f64 * share).floor() > (j as f64 * share).floor() {
            job.placement = Placement::Whole;
        }
        jobs.push(job);
    }

    Scenario {
        horizon: Horizon {
            start,
            slot_seconds: 3600,
            slots,
        },
        carbon_price_usd_per_t: rng.range(0.0, 120.0, 0),
        regions,
        pools,
        links,
        jobs,
    }
}
