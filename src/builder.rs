//! Scenarios written in code: builders with one named setter per field and
//! the defaults of [the model](crate::spec).
//!
//! Each entity's builder starts from its identity ([`Pool::builder`]`(id,
//! region)`, [`Job::builder`]`(id, origin)`, ...) and is *typed*: it has a
//! `build` method only once every required value is set, so a forgotten
//! field is a compile error, not a run-time one, and no two numbers can be
//! swapped by position. Optional fields start at the model's defaults.
//! What is checked at run time (ranges, references, series lengths) is
//! checked where it always is, by [`crate::Problem::new`].
//!
//! ```
//! use geoshift::{Horizon, Job, Link, Pool, Problem, Region, Scenario};
//!
//! let at = |s: &str| s.parse().unwrap();
//! let scenario = Scenario::builder(Horizon::new(at("2026-06-01T00:00:00Z"), 3600, 24))
//!     .carbon_price_usd_per_t(80.0)
//!     .region(Region::builder("home").pue(1.5).price_usd_per_mwh(95.0).carbon_g_per_kwh(400.0))
//!     .region(Region::builder("away").pue(1.2).price_usd_per_mwh(40.0).power_cap_kw(200.0))
//!     .pool(
//!         Pool::builder("home-h100", "home")
//!             .servers(4.0)
//!             .rent_usd_per_hour(6.0)
//!             .power_kw(10.2),
//!     )
//!     .pool(
//!         Pool::builder("away-a100", "away")
//!             .servers(16.0)
//!             .rent_usd_per_hour(3.5)
//!             .power_kw(6.5)
//!             .speed(0.6),
//!     )
//!     .link(Link::builder("home", "away").bandwidth_gbps(10.0).egress_usd_per_gb(0.05))
//!     .job(
//!         Job::builder("pretrain", "home")
//!             .work(150.0)
//!             .deadline(at("2026-06-02T00:00:00Z"))
//!             .max_servers(12.0)
//!             .input_gb(2000.0),
//!     )
//!     .build();
//! assert_eq!(scenario.pools[1].speed, 0.6);
//! assert!(Problem::new(&scenario).is_ok());
//! ```
//!
//! A pool without its power does not compile: `build` (and the conversion
//! into a [`Pool`]) exist only once servers, rent and power are set.
//!
//! ```compile_fail
//! use geoshift::Pool;
//! let pool: Pool = Pool::builder("gpus", "home").servers(4.0).rent_usd_per_hour(6.0).build();
//! ```
//!
//! Added to a scenario without its PUE, a region builder fails to compile
//! with "the region builder is missing `.pue(..)`" (each required value's
//! trait, such as [`PueSet`], names its call):
//!
//! ```compile_fail
//! use geoshift::{Horizon, Region, Scenario};
//! let horizon = Horizon::new("2026-06-01T00:00:00Z".parse().unwrap(), 3600, 2);
//! let s = Scenario::builder(horizon).region(Region::builder("home").price_usd_per_mwh(50.0));
//! ```
//!
//! Nor does one with its rent given twice (a setter of a required value
//! exists only while it is unset):
//!
//! ```compile_fail
//! use geoshift::Pool;
//! let pool = Pool::builder("gpus", "home").rent_usd_per_hour(6.0).rent_usd_per_hour(7.0);
//! ```

use crate::scenario::{Job, Link, Placement, Pool, Region, Scenario};
use crate::time::{Horizon, Series};
use chrono::{DateTime, Utc};

/// A required value that is not set yet (a type state of the builders).
#[derive(Debug, Clone, Copy, Default)]
pub struct Unset;

/// A required value that is set (a type state of the builders).
#[derive(Debug, Clone)]
pub struct Set<T>(T);

impl Scenario {
    /// A scenario over `horizon`, with no entity and no carbon price yet.
    pub fn builder(horizon: Horizon) -> ScenarioBuilder {
        ScenarioBuilder {
            scenario: Scenario {
                horizon,
                carbon_price_usd_per_t: 0.0,
                regions: Vec::new(),
                pools: Vec::new(),
                links: Vec::new(),
                jobs: Vec::new(),
            },
        }
    }
}

impl Horizon {
    /// `slots` slots of `slot_seconds` seconds from `start`.
    pub fn new(start: DateTime<Utc>, slot_seconds: u64, slots: usize) -> Self {
        Horizon {
            start,
            slot_seconds,
            slots,
        }
    }
}

/// Builds a [`Scenario`]: entities are kept in the order they are added
/// (the order that breaks earliest-deadline ties).
#[derive(Debug, Clone)]
#[must_use]
pub struct ScenarioBuilder {
    scenario: Scenario,
}

impl ScenarioBuilder {
    /// Sets the price of emissions in $/tCO2e (default 0).
    pub fn carbon_price_usd_per_t(mut self, usd_per_t: f64) -> Self {
        self.scenario.carbon_price_usd_per_t = usd_per_t;
        self
    }
    /// Adds a region (a [`Region`] or a complete [`RegionBuilder`]).
    pub fn region(mut self, region: impl Into<Region>) -> Self {
        self.scenario.regions.push(region.into());
        self
    }
    /// Adds regions.
    pub fn regions<R: Into<Region>>(mut self, regions: impl IntoIterator<Item = R>) -> Self {
        self.scenario
            .regions
            .extend(regions.into_iter().map(Into::into));
        self
    }
    /// Adds a pool (a [`Pool`] or a complete [`PoolBuilder`]).
    pub fn pool(mut self, pool: impl Into<Pool>) -> Self {
        self.scenario.pools.push(pool.into());
        self
    }
    /// Adds pools.
    pub fn pools<P: Into<Pool>>(mut self, pools: impl IntoIterator<Item = P>) -> Self {
        self.scenario
            .pools
            .extend(pools.into_iter().map(Into::into));
        self
    }
    /// Adds a link (a [`Link`] or a complete [`LinkBuilder`]).
    pub fn link(mut self, link: impl Into<Link>) -> Self {
        self.scenario.links.push(link.into());
        self
    }
    /// Adds links.
    pub fn links<L: Into<Link>>(mut self, links: impl IntoIterator<Item = L>) -> Self {
        self.scenario
            .links
            .extend(links.into_iter().map(Into::into));
        self
    }
    /// Adds a job (a [`Job`] or a complete [`JobBuilder`]).
    pub fn job(mut self, job: impl Into<Job>) -> Self {
        self.scenario.jobs.push(job.into());
        self
    }
    /// Adds jobs.
    pub fn jobs<J: Into<Job>>(mut self, jobs: impl IntoIterator<Item = J>) -> Self {
        self.scenario.jobs.extend(jobs.into_iter().map(Into::into));
        self
    }
    /// The scenario. It is checked by [`crate::Problem::new`], like one
    /// read from JSON.
    pub fn build(self) -> Scenario {
        self.scenario
    }
}

impl From<ScenarioBuilder> for Scenario {
    fn from(b: ScenarioBuilder) -> Scenario {
        b.build()
    }
}

/// Declares, per required value of a builder, the trait its type state
/// has once the value is set ([`Set`]), whose `on_unimplemented` message
/// names the call that is missing: a builder added or built without it
/// fails to compile saying so, not with `Region: From<RegionBuilder<Unset,
/// Set<Series>>>`.
macro_rules! required {
    ($($(#[$doc:meta])* $name:ident: $ty:ty, $message:literal;)+) => {$(
        $(#[$doc])*
        #[diagnostic::on_unimplemented(
            message = $message,
            label = "this builder is not complete",
            note = "a builder becomes its entity once every required value is set"
        )]
        pub trait $name {
            /// The value set.
            fn value(self) -> $ty;
        }
        impl $name for Set<$ty> {
            fn value(self) -> $ty {
                self.0
            }
        }
    )+};
}

required! {
    /// The PUE of a [`RegionBuilder`] is set.
    PueSet: f64, "the region builder is missing `.pue(..)`";
    /// The energy price of a [`RegionBuilder`] is set.
    PriceSet: Series, "the region builder is missing `.price_usd_per_mwh(..)`";
    /// The servers of a [`PoolBuilder`] are set.
    ServersSet: Series, "the pool builder is missing `.servers(..)`";
    /// The rent of a [`PoolBuilder`] is set.
    RentSet: f64, "the pool builder is missing `.rent_usd_per_hour(..)`";
    /// The power of a [`PoolBuilder`] is set.
    PowerSet: f64, "the pool builder is missing `.power_kw(..)`";
    /// The bandwidth of a [`LinkBuilder`] is set.
    BandwidthSet: f64, "the link builder is missing `.bandwidth_gbps(..)`";
    /// The egress price of a [`LinkBuilder`] is set.
    EgressSet: f64, "the link builder is missing `.egress_usd_per_gb(..)`";
    /// The work of a [`JobBuilder`] is set.
    WorkSet: f64, "the job builder is missing `.work(..)`";
    /// The deadline of a [`JobBuilder`] is set.
    DeadlineSet: DateTime<Utc>, "the job builder is missing `.deadline(..)`";
    /// The parallelism of a [`JobBuilder`] is set.
    MaxServersSet: f64, "the job builder is missing `.max_servers(..)`";
}

/// Implements `From<complete builder>` for the entity and its `build`.
macro_rules! complete {
    ($builder:ident < $($state:ident: $set:ident),+ > => $entity:ty, |$b:ident| $make:expr) => {
        impl<$($state: $set),+> $builder<$($state),+> {
            /// The entity, every required value set.
            pub fn build(self) -> $entity {
                let $b = self;
                $make
            }
        }
        impl<$($state: $set),+> From<$builder<$($state),+>> for $entity {
            fn from(b: $builder<$($state),+>) -> $entity {
                b.build()
            }
        }
    };
}

impl Region {
    /// A region builder: set [`RegionBuilder::pue`] and
    /// [`RegionBuilder::price_usd_per_mwh`]; carbon is 0 and there is no
    /// power cap unless set.
    pub fn builder(id: impl Into<String>) -> RegionBuilder<Unset, Unset> {
        RegionBuilder {
            id: id.into(),
            pue: Unset,
            price: Unset,
            carbon_g_per_kwh: Series::Constant(0.0),
            power_cap_kw: None,
            group: None,
        }
    }
}

/// Builds a [`Region`]; `P` and `E` record whether the PUE and the energy
/// price are set.
#[derive(Debug, Clone)]
#[must_use]
pub struct RegionBuilder<P, E> {
    id: String,
    pue: P,
    price: E,
    carbon_g_per_kwh: Series,
    power_cap_kw: Option<f64>,
    group: Option<String>,
}

impl<E> RegionBuilder<Unset, E> {
    /// Power usage effectiveness (facility power / IT power, >= 1).
    pub fn pue(self, pue: f64) -> RegionBuilder<Set<f64>, E> {
        RegionBuilder {
            id: self.id,
            pue: Set(pue),
            price: self.price,
            carbon_g_per_kwh: self.carbon_g_per_kwh,
            power_cap_kw: self.power_cap_kw,
            group: self.group,
        }
    }
}

impl<P> RegionBuilder<P, Unset> {
    /// Energy price in $/MWh at the meter (may be negative).
    pub fn price_usd_per_mwh(self, price: impl Into<Series>) -> RegionBuilder<P, Set<Series>> {
        RegionBuilder {
            id: self.id,
            pue: self.pue,
            price: Set(price.into()),
            carbon_g_per_kwh: self.carbon_g_per_kwh,
            power_cap_kw: self.power_cap_kw,
            group: self.group,
        }
    }
}

impl<P, E> RegionBuilder<P, E> {
    /// Grid carbon intensity in gCO2e/kWh (default 0).
    pub fn carbon_g_per_kwh(mut self, carbon: impl Into<Series>) -> Self {
        self.carbon_g_per_kwh = carbon.into();
        self
    }
    /// Most power at the meter in kW (default: no cap).
    pub fn power_cap_kw(mut self, kw: f64) -> Self {
        self.power_cap_kw = Some(kw);
        self
    }
    /// The group reports put the region in (default: its id before the
    /// first `-`).
    pub fn group(mut self, group: impl Into<String>) -> Self {
        self.group = Some(group.into());
        self
    }
}

complete!(RegionBuilder<P: PueSet, E: PriceSet> => Region, |b| Region {
    id: b.id,
    pue: b.pue.value(),
    price_usd_per_mwh: b.price.value(),
    carbon_g_per_kwh: b.carbon_g_per_kwh,
    power_cap_kw: b.power_cap_kw,
    group: b.group,
});

impl Pool {
    /// A pool builder: set [`PoolBuilder::servers`],
    /// [`PoolBuilder::rent_usd_per_hour`] and [`PoolBuilder::power_kw`];
    /// speed is 1 and the rent does not pay the energy unless set.
    pub fn builder(
        id: impl Into<String>,
        region: impl Into<String>,
    ) -> PoolBuilder<Unset, Unset, Unset> {
        PoolBuilder {
            id: id.into(),
            region: region.into(),
            servers: Unset,
            rent: Unset,
            power: Unset,
            speed: 1.0,
            rent_includes_energy: false,
            interruption_rate_per_hour: 0.0,
            hardware: PoolHardware::default(),
        }
    }
}

/// The optional hardware fields of a pool under construction.
#[derive(Debug, Clone, Default)]
struct PoolHardware {
    accelerator: Option<String>,
    gpus_per_server: Option<u32>,
    gpu_memory_gb: Option<f64>,
}

/// Builds a [`Pool`]; `S`, `R` and `W` record whether the servers, the
/// rent and the power are set.
#[derive(Debug, Clone)]
#[must_use]
pub struct PoolBuilder<S, R, W> {
    id: String,
    region: String,
    servers: S,
    rent: R,
    power: W,
    speed: f64,
    rent_includes_energy: bool,
    interruption_rate_per_hour: f64,
    hardware: PoolHardware,
}

impl<R, W> PoolBuilder<Unset, R, W> {
    /// Servers available in each slot (>= 0; a number or a series).
    pub fn servers(self, servers: impl Into<Series>) -> PoolBuilder<Set<Series>, R, W> {
        PoolBuilder {
            id: self.id,
            region: self.region,
            servers: Set(servers.into()),
            rent: self.rent,
            power: self.power,
            speed: self.speed,
            rent_includes_energy: self.rent_includes_energy,
            interruption_rate_per_hour: self.interruption_rate_per_hour,
            hardware: self.hardware,
        }
    }
}

impl<S, W> PoolBuilder<S, Unset, W> {
    /// Rent in $ per server-hour (>= 0).
    pub fn rent_usd_per_hour(self, rent: f64) -> PoolBuilder<S, Set<f64>, W> {
        PoolBuilder {
            id: self.id,
            region: self.region,
            servers: self.servers,
            rent: Set(rent),
            power: self.power,
            speed: self.speed,
            rent_includes_energy: self.rent_includes_energy,
            interruption_rate_per_hour: self.interruption_rate_per_hour,
            hardware: self.hardware,
        }
    }
}

impl<S, R> PoolBuilder<S, R, Unset> {
    /// IT power of one busy server in kW (>= 0).
    pub fn power_kw(self, kw: f64) -> PoolBuilder<S, R, Set<f64>> {
        PoolBuilder {
            id: self.id,
            region: self.region,
            servers: self.servers,
            rent: self.rent,
            power: Set(kw),
            speed: self.speed,
            rent_includes_energy: self.rent_includes_energy,
            interruption_rate_per_hour: self.interruption_rate_per_hour,
            hardware: self.hardware,
        }
    }
}

impl<S, R, W> PoolBuilder<S, R, W> {
    /// Work units per server-hour (> 0; default 1, the reference server).
    pub fn speed(mut self, speed: f64) -> Self {
        self.speed = speed;
        self
    }
    /// Whether the rent already pays the energy, as a cloud list price
    /// does (default false).
    pub fn rent_includes_energy(mut self, includes: bool) -> Self {
        self.rent_includes_energy = includes;
        self
    }
    /// Expected interruptions per server-hour (>= 0; default 0, capacity
    /// that does not vanish). See [`crate::useful_fraction`].
    pub fn interruption_rate_per_hour(mut self, rate: f64) -> Self {
        self.interruption_rate_per_hour = rate;
        self
    }
    /// The accelerator in each server (`A100`, `RTX4090`, ...).
    pub fn accelerator(mut self, name: impl Into<String>) -> Self {
        self.hardware.accelerator = Some(name.into());
        self
    }
    /// GPUs in one server (>= 1).
    pub fn gpus_per_server(mut self, gpus: u32) -> Self {
        self.hardware.gpus_per_server = Some(gpus);
        self
    }
    /// Memory of one GPU in GB (> 0).
    pub fn gpu_memory_gb(mut self, gb: f64) -> Self {
        self.hardware.gpu_memory_gb = Some(gb);
        self
    }
}

complete!(PoolBuilder<S: ServersSet, R: RentSet, W: PowerSet> => Pool, |b| Pool {
    id: b.id,
    region: b.region,
    servers: b.servers.value(),
    rent_usd_per_hour: b.rent.value(),
    power_kw: b.power.value(),
    speed: b.speed,
    rent_includes_energy: b.rent_includes_energy,
    interruption_rate_per_hour: b.interruption_rate_per_hour,
    accelerator: b.hardware.accelerator,
    gpus_per_server: b.hardware.gpus_per_server,
    gpu_memory_gb: b.hardware.gpu_memory_gb,
});

impl Link {
    /// A builder of the link `from -> to`: set
    /// [`LinkBuilder::bandwidth_gbps`] and
    /// [`LinkBuilder::egress_usd_per_gb`].
    pub fn builder(from: impl Into<String>, to: impl Into<String>) -> LinkBuilder<Unset, Unset> {
        LinkBuilder {
            from: from.into(),
            to: to.into(),
            bandwidth: Unset,
            egress: Unset,
        }
    }
}

/// Builds a [`Link`]; `B` and `E` record whether the bandwidth and the
/// egress price are set.
#[derive(Debug, Clone)]
#[must_use]
pub struct LinkBuilder<B, E> {
    from: String,
    to: String,
    bandwidth: B,
    egress: E,
}

impl<E> LinkBuilder<Unset, E> {
    /// Bandwidth in Gbit/s (> 0).
    pub fn bandwidth_gbps(self, gbps: f64) -> LinkBuilder<Set<f64>, E> {
        LinkBuilder {
            from: self.from,
            to: self.to,
            bandwidth: Set(gbps),
            egress: self.egress,
        }
    }
}

impl<B> LinkBuilder<B, Unset> {
    /// Egress price in $ per GB moved along the link (>= 0).
    pub fn egress_usd_per_gb(self, usd_per_gb: f64) -> LinkBuilder<B, Set<f64>> {
        LinkBuilder {
            from: self.from,
            to: self.to,
            bandwidth: self.bandwidth,
            egress: Set(usd_per_gb),
        }
    }
}

complete!(LinkBuilder<B: BandwidthSet, E: EgressSet> => Link, |b| Link {
    from: b.from,
    to: b.to,
    bandwidth_gbps: b.bandwidth.value(),
    egress_usd_per_gb: b.egress.value(),
});

impl Job {
    /// A job builder: set [`JobBuilder::work`], [`JobBuilder::deadline`]
    /// and [`JobBuilder::max_servers`]; the rest has the model's defaults
    /// (no data, released at the horizon start, every region, split).
    pub fn builder(
        id: impl Into<String>,
        origin: impl Into<String>,
    ) -> JobBuilder<Unset, Unset, Unset> {
        JobBuilder {
            id: id.into(),
            origin: origin.into(),
            work: Unset,
            deadline: Unset,
            max_servers: Unset,
            input_gb: 0.0,
            output_gb: 0.0,
            release: None,
            regions: None,
            placement: Placement::Split,
            unmet_usd_per_work: None,
            checkpoint_interval_hours: crate::problem::DEFAULT_CHECKPOINT_INTERVAL_HOURS,
            restart_hours: crate::problem::DEFAULT_RESTART_HOURS,
            needs: JobNeeds::default(),
        }
    }
}

/// The optional hardware and spread fields of a job under construction.
#[derive(Debug, Clone, Default)]
struct JobNeeds {
    requires: Option<crate::scenario::Requirements>,
    speed_by_accelerator: Option<std::collections::BTreeMap<String, f64>>,
    max_regions: Option<u32>,
    min_link_gbps: Option<f64>,
}

/// Builds a [`Job`]; `W`, `D` and `M` record whether the work, the
/// deadline and the most servers at once are set.
#[derive(Debug, Clone)]
#[must_use]
pub struct JobBuilder<W, D, M> {
    id: String,
    origin: String,
    work: W,
    deadline: D,
    max_servers: M,
    input_gb: f64,
    output_gb: f64,
    release: Option<DateTime<Utc>>,
    regions: Option<Vec<String>>,
    placement: Placement,
    unmet_usd_per_work: Option<f64>,
    checkpoint_interval_hours: f64,
    restart_hours: f64,
    needs: JobNeeds,
}

impl<D, M> JobBuilder<Unset, D, M> {
    /// Work in work units (> 0): server-hours on a speed-1 server.
    pub fn work(self, work: f64) -> JobBuilder<Set<f64>, D, M> {
        JobBuilder {
            id: self.id,
            origin: self.origin,
            work: Set(work),
            deadline: self.deadline,
            max_servers: self.max_servers,
            input_gb: self.input_gb,
            output_gb: self.output_gb,
            release: self.release,
            regions: self.regions,
            placement: self.placement,
            unmet_usd_per_work: self.unmet_usd_per_work,
            checkpoint_interval_hours: self.checkpoint_interval_hours,
            restart_hours: self.restart_hours,
            needs: self.needs,
        }
    }
}

impl<W, M> JobBuilder<W, Unset, M> {
    /// The instant by which all work must be done.
    pub fn deadline(self, deadline: DateTime<Utc>) -> JobBuilder<W, Set<DateTime<Utc>>, M> {
        JobBuilder {
            id: self.id,
            origin: self.origin,
            work: self.work,
            deadline: Set(deadline),
            max_servers: self.max_servers,
            input_gb: self.input_gb,
            output_gb: self.output_gb,
            release: self.release,
            regions: self.regions,
            placement: self.placement,
            unmet_usd_per_work: self.unmet_usd_per_work,
            checkpoint_interval_hours: self.checkpoint_interval_hours,
            restart_hours: self.restart_hours,
            needs: self.needs,
        }
    }
}

impl<W, D> JobBuilder<W, D, Unset> {
    /// Most servers the job may use at once (> 0).
    pub fn max_servers(self, servers: f64) -> JobBuilder<W, D, Set<f64>> {
        JobBuilder {
            id: self.id,
            origin: self.origin,
            work: self.work,
            deadline: self.deadline,
            max_servers: Set(servers),
            input_gb: self.input_gb,
            output_gb: self.output_gb,
            release: self.release,
            regions: self.regions,
            placement: self.placement,
            unmet_usd_per_work: self.unmet_usd_per_work,
            checkpoint_interval_hours: self.checkpoint_interval_hours,
            restart_hours: self.restart_hours,
            needs: self.needs,
        }
    }
}

impl<W, D, M> JobBuilder<W, D, M> {
    /// Input data in GB (default 0), shipped from the origin before the
    /// job may run elsewhere.
    pub fn input_gb(mut self, gb: f64) -> Self {
        self.input_gb = gb;
        self
    }
    /// Output data in GB (default 0), shipped back to the origin.
    pub fn output_gb(mut self, gb: f64) -> Self {
        self.output_gb = gb;
        self
    }
    /// The earliest instant the job may start (default: the horizon start).
    pub fn release(mut self, release: DateTime<Utc>) -> Self {
        self.release = Some(release);
        self
    }
    /// The regions the job may run in (default: all).
    pub fn regions<S: Into<String>>(mut self, regions: impl IntoIterator<Item = S>) -> Self {
        self.regions = Some(regions.into_iter().map(Into::into).collect());
        self
    }
    /// Split or whole (default split).
    pub fn placement(mut self, placement: Placement) -> Self {
        self.placement = placement;
        self
    }
    /// $ per work unit left undone (default: none, all work must be
    /// done). With a price, the plan may leave work undone and the report
    /// prices it: what a planner wants when the week is overbooked.
    pub fn unmet_usd_per_work(mut self, usd_per_work: f64) -> Self {
        self.unmet_usd_per_work = Some(usd_per_work);
        self
    }
    /// Hours of work between two checkpoints (default
    /// [`crate::DEFAULT_CHECKPOINT_INTERVAL_HOURS`]).
    pub fn checkpoint_interval_hours(mut self, hours: f64) -> Self {
        self.checkpoint_interval_hours = hours;
        self
    }
    /// Hours a restart from a checkpoint takes (default
    /// [`crate::DEFAULT_RESTART_HOURS`]).
    pub fn restart_hours(mut self, hours: f64) -> Self {
        self.restart_hours = hours;
        self
    }
    /// What the job needs of a server (default: any pool).
    pub fn requires(mut self, requires: crate::scenario::Requirements) -> Self {
        self.needs.requires = Some(requires);
        self
    }
    /// The job's work units per GPU-hour on each accelerator (default:
    /// each pool's own `speed`).
    pub fn speed_by_accelerator<S: Into<String>>(
        mut self,
        speeds: impl IntoIterator<Item = (S, f64)>,
    ) -> Self {
        self.needs.speed_by_accelerator =
            Some(speeds.into_iter().map(|(k, v)| (k.into(), v)).collect());
        self
    }
    /// Most regions a `Split` job may have work in (default: no limit).
    pub fn max_regions(mut self, regions: u32) -> Self {
        self.needs.max_regions = Some(regions);
        self
    }
    /// Least Gbit/s between the origin and a remote region the job runs
    /// in (default: any link).
    pub fn min_link_gbps(mut self, gbps: f64) -> Self {
        self.needs.min_link_gbps = Some(gbps);
        self
    }
}

complete!(JobBuilder<W: WorkSet, D: DeadlineSet, M: MaxServersSet> => Job, |b| Job {
    id: b.id,
    origin: b.origin,
    work: b.work.value(),
    input_gb: b.input_gb,
    output_gb: b.output_gb,
    release: b.release,
    deadline: b.deadline.value(),
    max_servers: b.max_servers.value(),
    regions: b.regions,
    placement: b.placement,
    unmet_usd_per_work: b.unmet_usd_per_work,
    checkpoint_interval_hours: b.checkpoint_interval_hours,
    restart_hours: b.restart_hours,
    requires: b.needs.requires,
    speed_by_accelerator: b.needs.speed_by_accelerator,
    max_regions: b.needs.max_regions,
    min_link_gbps: b.needs.min_link_gbps,
});
