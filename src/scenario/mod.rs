//! The scenario: what a user states, as plain data. This is both the JSON
//! file format of [the model](crate::spec) (serde, unknown fields rejected) and the Rust API
//! for services that never touch JSON. It holds no rules: checking and
//! deriving happen in [`crate::Problem::new`].

use crate::time::{Horizon, Series};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;

pub(crate) mod defaults;
pub(crate) mod error;

pub use defaults::{DEFAULT_CHECKPOINT_INTERVAL_HOURS, DEFAULT_RESTART_HOURS, MIN_USEFUL_FRACTION};

/// Everything geoshift needs to know to plan: the horizon, the regions and
/// their server pools, the links between regions, and the jobs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
#[non_exhaustive]
pub struct Scenario {
    /// Start, slot length and number of slots.
    pub horizon: Horizon,
    /// Price of emissions in $/tCO2e (>= 0).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub carbon_price_usd_per_t: f64,
    /// Regions (sites or cloud regions), in file order.
    pub regions: Vec<Region>,
    /// Server pools, each in one region.
    pub pools: Vec<Pool>,
    /// Directed links between regions; no link means data cannot move.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    /// Jobs, in file order (the order that breaks earliest-deadline ties).
    pub jobs: Vec<Job>,
}

/// A region: a site with one energy price, grid and PUE.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
#[non_exhaustive]
pub struct Region {
    /// Unique id.
    pub id: String,
    /// Power usage effectiveness (facility power / IT power, >= 1).
    pub pue: f64,
    /// Energy price in $/MWh at the meter; may be negative.
    pub price_usd_per_mwh: Series,
    /// Grid carbon intensity in gCO2e/kWh (>= 0).
    #[serde(default = "zero_series", skip_serializing_if = "is_zero_series")]
    pub carbon_g_per_kwh: Series,
    /// Most power at the meter (IT load × PUE) in kW; `None` means no cap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub power_cap_kw: Option<f64>,
    /// A label that groups regions in reports (`home`, `cloud`,
    /// `marketplace`); `None`: the id before its first `-`. Not part of
    /// the model: no cost or constraint reads it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}

/// A pool: a class of identical servers in one region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
#[non_exhaustive]
pub struct Pool {
    /// Unique id.
    pub id: String,
    /// Id of the region the servers are in.
    pub region: String,
    /// Servers available in each slot (>= 0).
    pub servers: Series,
    /// Rent in $ per server-hour (>= 0).
    pub rent_usd_per_hour: f64,
    /// IT power of one busy server in kW (>= 0).
    pub power_kw: f64,
    /// Work units per server-hour (the reference server is 1), between
    /// [`crate::MIN_SPEED`] and [`crate::MAX_SPEED`].
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub speed: f64,
    /// Whether the rent already pays the energy (a cloud list price does).
    #[serde(default, skip_serializing_if = "is_false")]
    pub rent_includes_energy: bool,
    /// Expected interruptions per server-hour (>= 0, default 0): capacity
    /// that can vanish, such as spot instances. Work on it is derated by
    /// [`crate::useful_fraction`]; its costs are then expected values.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub interruption_rate_per_hour: f64,
    /// The accelerator in each server, by the name the speed tables and
    /// catalogs use (`A100`, `H100`, `RTX4090`, ...); optional. Read by a
    /// job's [`Requirements::accelerators`] and
    /// [`Job::speed_by_accelerator`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accelerator: Option<String>,
    /// GPUs in one server (a whole number >= 1); optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gpus_per_server: Option<u32>,
    /// Memory of one GPU in GB (> 0); optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gpu_memory_gb: Option<f64>,
}

/// What a job needs of a server: a pool that fails any stated
/// requirement (or does not state the attribute it names) may not serve
/// the job. Every comparison is inclusive.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
#[non_exhaustive]
pub struct Requirements {
    /// Least memory per GPU in GB (> 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gpu_memory_gb: Option<f64>,
    /// The accelerator names allowed (at least one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accelerators: Option<Vec<String>>,
    /// Least GPUs in one server (a whole number >= 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gpus_per_server: Option<u32>,
}

impl Requirements {
    /// No requirement: every pool may serve the job.
    pub fn new() -> Self {
        Self::default()
    }
    /// Requires at least `gb` GB of memory per GPU.
    pub fn gpu_memory_gb(mut self, gb: f64) -> Self {
        self.gpu_memory_gb = Some(gb);
        self
    }
    /// Allows only these accelerators.
    pub fn accelerators<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.accelerators = Some(names.into_iter().map(Into::into).collect());
        self
    }
    /// Requires at least `gpus` GPUs in one server.
    pub fn gpus_per_server(mut self, gpus: u32) -> Self {
        self.gpus_per_server = Some(gpus);
        self
    }
    /// Whether no requirement is stated.
    pub fn is_empty(&self) -> bool {
        self.gpu_memory_gb.is_none()
            && self.accelerators.is_none()
            && self.gpus_per_server.is_none()
    }
}

/// A directed link along which data can move from one region to another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
#[non_exhaustive]
pub struct Link {
    /// Source region id.
    pub from: String,
    /// Destination region id.
    pub to: String,
    /// Bandwidth in Gbit/s (> 0).
    pub bandwidth_gbps: f64,
    /// Egress price in $ per GB moved along the link (>= 0).
    pub egress_usd_per_gb: f64,
}

/// Whether a job may be spread over regions or must stay in one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Placement {
    /// Work may run in several regions (data moves in proportion to the work).
    #[default]
    Split,
    /// All work runs in one region.
    Whole,
}

/// A training job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
#[non_exhaustive]
pub struct Job {
    /// Unique id.
    pub id: String,
    /// Region where the job's data lives.
    pub origin: String,
    /// Work in work units: server-hours on a speed-1 server (at least
    /// [`crate::MIN_WORK`]).
    pub work: f64,
    /// Input data in GB (>= 0), shipped from the origin before the job may
    /// run elsewhere.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub input_gb: f64,
    /// Output data in GB (>= 0), shipped back to the origin.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub output_gb: f64,
    /// Earliest instant the job may start; `None` means the horizon start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release: Option<DateTime<Utc>>,
    /// Instant by which all work must be done.
    pub deadline: DateTime<Utc>,
    /// Most servers the job may use at once (> 0).
    pub max_servers: f64,
    /// Regions the job may run in; `None` means all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regions: Option<Vec<String>>,
    /// Split or Whole.
    #[serde(default, skip_serializing_if = "is_split")]
    pub placement: Placement,
    /// What a work unit left undone costs, in $ per work unit; `None`
    /// (the default) means all work must be done. With a price, a plan may
    /// leave work undone when capacity is short or the work dearer than
    /// its price, and the report prices the shortfall (see
    /// [the model](crate::spec)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unmet_usd_per_work: Option<f64>,
    /// Hours of work between two checkpoints (>= 0, default
    /// [`crate::DEFAULT_CHECKPOINT_INTERVAL_HOURS`]): an interruption loses
    /// half of it on average. Matters only on pools that can be interrupted.
    #[serde(
        default = "default_checkpoint",
        skip_serializing_if = "is_default_checkpoint"
    )]
    pub checkpoint_interval_hours: f64,
    /// Hours an interrupted job needs to start again from its checkpoint
    /// (>= 0, default [`crate::DEFAULT_RESTART_HOURS`]).
    #[serde(
        default = "default_restart",
        skip_serializing_if = "is_default_restart"
    )]
    pub restart_hours: f64,
    /// What the job needs of a server (memory per GPU, accelerators, GPUs
    /// per server); `None`: any pool.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires: Option<Requirements>,
    /// Work units per GPU-hour by accelerator name: the job's own speed on
    /// each accelerator (a column of a throughput table). With it, pool
    /// `k` does `gpus_per_server · speed_by_accelerator[accelerator]` work
    /// units per server-hour for this job, its `speed` is ignored, and a
    /// pool whose accelerator is not in the map (or that does not state
    /// its accelerator and GPUs) may not serve it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speed_by_accelerator: Option<BTreeMap<String, f64>>,
    /// Most regions a `Split` job may have work in over the horizon
    /// (a whole number >= 1; the origin counts when it has work). On a
    /// `Whole` job it is an input error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_regions: Option<u32>,
    /// Least bandwidth in Gbit/s between the origin and a remote region
    /// the job runs in (both ways when it has output): a region whose
    /// link is slower is not reachable for this job. Not priced; it does
    /// not change the transfer time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_link_gbps: Option<f64>,
}

/// Serde's derived code, but every object must be written as a JSON
/// object: serde's derive would also take a positional array
/// (`["...", 1.2, ...]`), which skips the check for unknown fields and
/// lets a misplaced value land in the wrong field.
macro_rules! objects_only {
    ($($name:ident),*) => {$(
        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                $name::serialize(self, s)
            }
        }
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $name::deserialize(crate::time::ObjectsOnly(d))
            }
        }
    )*};
}
objects_only!(Scenario, Region, Pool, Link, Job, Requirements);

impl Scenario {
    /// Parses a scenario from JSON. Errors name the path of the offending
    /// field (`jobs[2].deadline`) and what was wrong with it.
    ///
    /// The text must be exactly one JSON object: anything after it other
    /// than whitespace (a second object, a NUL byte) is an error, and so is
    /// an entity written as a positional array instead of an object.
    ///
    /// # Errors
    ///
    /// [`crate::InputError::Json`] with the path of the field at fault, for a
    /// syntax error, a wrong type, an unknown or missing field, trailing
    /// content or a malformed instant.
    pub fn from_json(text: &str) -> Result<Scenario, crate::error::Error> {
        let de = &mut serde_json::Deserializer::from_str(text);
        let scenario: Scenario = serde_path_to_error::deserialize(&mut *de).map_err(|e| {
            crate::scenario::error::InputError::Json {
                path: e.path().to_string(),
                message: e.inner().to_string(),
            }
        })?;
        de.end()
            .map_err(|e| crate::scenario::error::InputError::Json {
                path: ".".into(),
                message: format!("{e}: the file must hold one JSON object and nothing after it"),
            })?;
        Ok(scenario)
    }

    /// The scenario as pretty JSON in the format of [the model](crate::spec).
    pub fn to_json(&self) -> String {
        // A scenario holds only strings, numbers and instants, so
        // serialisation cannot fail; NaN (only possible from Rust) becomes null.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

impl Region {
    /// A region with a PUE and an energy price, no carbon and no power cap.
    /// [`Region::builder`] names each value instead.
    pub fn new(id: impl Into<String>, pue: f64, price_usd_per_mwh: impl Into<Series>) -> Self {
        Region {
            id: id.into(),
            pue,
            price_usd_per_mwh: price_usd_per_mwh.into(),
            carbon_g_per_kwh: Series::Constant(0.0),
            power_cap_kw: None,
            group: None,
        }
    }

    /// Sets the grid carbon intensity in gCO2e/kWh.
    pub fn carbon(mut self, carbon_g_per_kwh: impl Into<Series>) -> Self {
        self.carbon_g_per_kwh = carbon_g_per_kwh.into();
        self
    }

    /// Caps the power at the meter in kW.
    pub fn power_cap(mut self, power_cap_kw: f64) -> Self {
        self.power_cap_kw = Some(power_cap_kw);
        self
    }

    /// The group the region is reported in (default: its id before the
    /// first `-`).
    pub fn group_name(&self) -> &str {
        match &self.group {
            Some(g) => g,
            None => self.id.split('-').next().unwrap_or(&self.id),
        }
    }
}

impl Pool {
    /// A pool of speed-1 servers whose rent does not include energy. The
    /// three numbers are positional and easy to swap: [`Pool::builder`]
    /// names each one.
    pub fn new(
        id: impl Into<String>,
        region: impl Into<String>,
        servers: impl Into<Series>,
        rent_usd_per_hour: f64,
        power_kw: f64,
    ) -> Self {
        Pool {
            id: id.into(),
            region: region.into(),
            servers: servers.into(),
            rent_usd_per_hour,
            power_kw,
            speed: 1.0,
            rent_includes_energy: false,
            interruption_rate_per_hour: 0.0,
            accelerator: None,
            gpus_per_server: None,
            gpu_memory_gb: None,
        }
    }

    /// Sets the hardware of one server: its accelerator's name, the GPUs
    /// in it and each GPU's memory in GB.
    pub fn hardware(
        mut self,
        accelerator: impl Into<String>,
        gpus_per_server: u32,
        gpu_memory_gb: f64,
    ) -> Self {
        self.accelerator = Some(accelerator.into());
        self.gpus_per_server = Some(gpus_per_server);
        self.gpu_memory_gb = Some(gpu_memory_gb);
        self
    }

    /// Sets the speed in work units per server-hour.
    pub fn speed(mut self, speed: f64) -> Self {
        self.speed = speed;
        self
    }

    /// Sets the expected interruptions per server-hour (capacity that can
    /// vanish, such as spot instances).
    pub fn interruption_rate_per_hour(mut self, rate: f64) -> Self {
        self.interruption_rate_per_hour = rate;
        self
    }

    /// Marks the rent as paying the energy (a cloud list price).
    pub fn rent_includes_energy(mut self) -> Self {
        self.rent_includes_energy = true;
        self
    }
}

impl Link {
    /// A link `from -> to` with a bandwidth and an egress price.
    /// [`Link::builder`] names each value instead.
    pub fn new(
        from: impl Into<String>,
        to: impl Into<String>,
        bandwidth_gbps: f64,
        egress_usd_per_gb: f64,
    ) -> Self {
        Link {
            from: from.into(),
            to: to.into(),
            bandwidth_gbps,
            egress_usd_per_gb,
        }
    }
}

impl Job {
    /// A `Split` job with no data, released at the horizon start, allowed
    /// in every region. [`Job::builder`] names each value instead.
    pub fn new(
        id: impl Into<String>,
        origin: impl Into<String>,
        work: f64,
        deadline: DateTime<Utc>,
        max_servers: f64,
    ) -> Self {
        Job {
            id: id.into(),
            origin: origin.into(),
            work,
            input_gb: 0.0,
            output_gb: 0.0,
            release: None,
            deadline,
            max_servers,
            regions: None,
            placement: Placement::Split,
            unmet_usd_per_work: None,
            checkpoint_interval_hours: DEFAULT_CHECKPOINT_INTERVAL_HOURS,
            restart_hours: DEFAULT_RESTART_HOURS,
            requires: None,
            speed_by_accelerator: None,
            max_regions: None,
            min_link_gbps: None,
        }
    }

    /// Sets what the job needs of a server.
    pub fn requires(mut self, requires: Requirements) -> Self {
        self.requires = Some(requires);
        self
    }

    /// Sets the job's speed per GPU-hour on each accelerator.
    pub fn speed_by_accelerator<S: Into<String>>(
        mut self,
        speeds: impl IntoIterator<Item = (S, f64)>,
    ) -> Self {
        self.speed_by_accelerator = Some(speeds.into_iter().map(|(k, v)| (k.into(), v)).collect());
        self
    }

    /// Limits a `Split` job to at most `regions` regions.
    pub fn max_regions(mut self, regions: u32) -> Self {
        self.max_regions = Some(regions);
        self
    }

    /// Requires at least `gbps` Gbit/s between the origin and any remote
    /// region the job runs in.
    pub fn min_link_gbps(mut self, gbps: f64) -> Self {
        self.min_link_gbps = Some(gbps);
        self
    }

    /// Sets the hours between checkpoints and the hours a restart from a
    /// checkpoint takes, which decide how much work an interruption loses.
    pub fn checkpoints(mut self, interval_hours: f64, restart_hours: f64) -> Self {
        self.checkpoint_interval_hours = interval_hours;
        self.restart_hours = restart_hours;
        self
    }

    /// Sets input and output data in GB.
    pub fn data(mut self, input_gb: f64, output_gb: f64) -> Self {
        self.input_gb = input_gb;
        self.output_gb = output_gb;
        self
    }

    /// Sets the release instant.
    pub fn release(mut self, release: DateTime<Utc>) -> Self {
        self.release = Some(release);
        self
    }

    /// Restricts the job to these regions.
    pub fn regions<S: Into<String>>(mut self, regions: impl IntoIterator<Item = S>) -> Self {
        self.regions = Some(regions.into_iter().map(Into::into).collect());
        self
    }

    /// Requires all work to run in one region.
    pub fn whole(mut self) -> Self {
        self.placement = Placement::Whole;
        self
    }

    /// Prices work left undone at `usd_per_work` $ per work unit, instead
    /// of requiring all of it (see [`Job::unmet_usd_per_work`]).
    pub fn unmet_usd_per_work(mut self, usd_per_work: f64) -> Self {
        self.unmet_usd_per_work = Some(usd_per_work);
        self
    }
}

fn zero_series() -> Series {
    Series::Constant(0.0)
}
fn is_zero_series(s: &Series) -> bool {
    *s == Series::Constant(0.0)
}
fn default_checkpoint() -> f64 {
    DEFAULT_CHECKPOINT_INTERVAL_HOURS
}
fn is_default_checkpoint(v: &f64) -> bool {
    *v == DEFAULT_CHECKPOINT_INTERVAL_HOURS
}
fn default_restart() -> f64 {
    DEFAULT_RESTART_HOURS
}
fn is_default_restart(v: &f64) -> bool {
    *v == DEFAULT_RESTART_HOURS
}
fn one() -> f64 {
    1.0
}
fn is_one(v: &f64) -> bool {
    *v == 1.0
}
fn is_zero(v: &f64) -> bool {
    *v == 0.0
}
fn is_false(v: &bool) -> bool {
    !*v
}
fn is_split(p: &Placement) -> bool {
    *p == Placement::Split
}
