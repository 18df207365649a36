//! [`ScenarioBuilder`]: a [`Scenario`] whose prices, carbon, PUE, power,
//! egress and bandwidth are looked up in a [`DataSet`], and whose fleet
//! sizes, owned-server rents and jobs are the user's own.

use super::{CarbonBasis, DataError, DataSet, Edge, Offer, Transfer};
use crate::scenario::{Job, Link, Pool, Region, Scenario};
use crate::time::{Horizon, Series};
use chrono::{DateTime, Duration, Timelike, Utc};

/// The planning period: `hours` hourly slots from `start` (a whole UTC
/// hour). Hourly data are read for exactly these hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    start: DateTime<Utc>,
    hours: usize,
}

impl Period {
    /// `hours` (> 0) hourly slots from `start`, which must be the start of a
    /// whole hour (UTC).
    ///
    /// # Errors
    ///
    /// [`DataError::BadPeriod`] when `hours` is 0 or `start` is not a whole
    /// UTC hour.
    pub fn new(start: DateTime<Utc>, hours: usize) -> Result<Period, crate::Error> {
        let bad = |rule| DataError::BadPeriod { start, hours, rule };
        if hours == 0 {
            return Err(bad("it must have at least one hour").into());
        }
        if start.minute() != 0 || start.second() != 0 || start.nanosecond() != 0 {
            return Err(bad("it must start on a whole hour").into());
        }
        Ok(Period { start, hours })
    }

    /// First instant of the period (UTC).
    pub fn start(&self) -> DateTime<Utc> {
        self.start
    }

    /// Number of hourly slots.
    pub fn hours(&self) -> usize {
        self.hours
    }

    /// Start of hour `i` (0-based).
    pub fn hour(&self, i: usize) -> DateTime<Utc> {
        self.start + Duration::hours(i as i64)
    }

    /// The end of the period: the start of hour `hours`.
    pub fn end(&self) -> DateTime<Utc> {
        self.hour(self.hours)
    }

    /// The horizon: `hours` slots of 3600 s from `start`.
    pub fn horizon(&self) -> Horizon {
        Horizon {
            start: self.start,
            slot_seconds: 3600,
            slots: self.hours,
        }
    }
}

/// Where a region's energy price (in $/MWh) comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Energy {
    /// The hourly price of a market of the price file (`region` column,
    /// e.g. `US-NY-NYIS`, `DE-LU`): one value per slot.
    Market(String),
    /// The flat tariff of a country of the tariff file (e.g. `SA`),
    /// converted to $/MWh with the FX file: a constant.
    Tariff(String),
    /// A constant price in $/MWh stated by the user (an assumption of
    /// theirs, not data).
    Given(f64),
    /// Not priced: every pool of the region pays its energy in its rent (a
    /// cloud list price). Written as 0 $/MWh; a pool that pays its own
    /// energy in such a region is an error ([`DataError::EnergyNotPriced`]).
    InRent,
}

impl Energy {
    /// The hourly price of market `code` of the price file.
    pub fn market(code: impl Into<String>) -> Energy {
        Energy::Market(code.into())
    }
    /// The flat tariff of `country` of the tariff file, converted to USD.
    pub fn tariff(country: impl Into<String>) -> Energy {
        Energy::Tariff(country.into())
    }
}

/// Where a region's grid carbon intensity (in gCO2e/kWh) comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Carbon {
    /// The hourly intensity of a zone of the hourly carbon file: one value
    /// per slot.
    Hourly {
        /// Electricity Maps zone id, e.g. `US-NY-NYIS`, `DE`.
        zone: String,
        /// Life-cycle (default) or direct.
        basis: CarbonBasis,
    },
    /// The yearly average (life-cycle) of a zone of the yearly file, as a
    /// constant: the only source for zones without hourly data (the Gulf).
    /// Not comparable hour by hour with hourly zones.
    Yearly {
        /// Electricity Maps zone id, e.g. `AE`, `SA`, `IL`.
        zone: String,
        /// Year, e.g. 2023.
        year: i32,
    },
}

impl Carbon {
    /// Hourly life-cycle intensity of `zone`.
    pub fn hourly(zone: impl Into<String>) -> Carbon {
        Carbon::Hourly {
            zone: zone.into(),
            basis: CarbonBasis::Lifecycle,
        }
    }
    /// Yearly average intensity of `zone` in `year`.
    pub fn yearly(zone: impl Into<String>, year: i32) -> Carbon {
        Carbon::Yearly {
            zone: zone.into(),
            year,
        }
    }
}

/// Where a region's PUE comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Pue {
    /// A row of the PUE reference, by its `operator`, `scope` and `period`
    /// columns (e.g. `Google`, `fleet-wide (quarter)`, `2021-Q2`).
    Reference {
        /// `operator` column.
        operator: String,
        /// `scope` column.
        scope: String,
        /// `period` column.
        period: String,
    },
    /// A PUE stated by the user (>= 1).
    Given(f64),
}

impl Pue {
    /// The PUE row with these `operator`, `scope` and `period` columns.
    pub fn reference(
        operator: impl Into<String>,
        scope: impl Into<String>,
        period: impl Into<String>,
    ) -> Pue {
        Pue::Reference {
            operator: operator.into(),
            scope: scope.into(),
            period: period.into(),
        }
    }
}

/// A region to build: id, energy price source, carbon source and PUE.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionSpec {
    /// Region id in the scenario.
    pub id: String,
    /// Energy price source.
    pub energy: Energy,
    /// Carbon intensity source.
    pub carbon: Carbon,
    /// PUE source.
    pub pue: Pue,
    /// Power cap at the meter in kW, if any (the user's own number).
    pub power_cap_kw: Option<f64>,
}

impl RegionSpec {
    /// A region with no power cap.
    pub fn new(id: impl Into<String>, energy: Energy, carbon: Carbon, pue: Pue) -> RegionSpec {
        RegionSpec {
            id: id.into(),
            energy,
            carbon,
            pue,
            power_cap_kw: None,
        }
    }

    /// Caps the power at the meter, in kW.
    pub fn power_cap(mut self, kw: f64) -> RegionSpec {
        self.power_cap_kw = Some(kw);
        self
    }
}

/// A row of the GPU price catalogues: provider, cloud region code and
/// instance name exactly as in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Catalog {
    /// `gcp` or `aws`.
    pub provider: String,
    /// Cloud region code, e.g. `us-east1`, `me-west1`, `us-east-1`.
    pub region: String,
    /// Instance name, e.g. `a2-highgpu-8g (host + GPUs)`, `p4d.24xlarge`.
    pub instance: String,
}

impl Catalog {
    /// The catalogue row of `instance` in `region` of `provider`.
    pub fn new(
        provider: impl Into<String>,
        region: impl Into<String>,
        instance: impl Into<String>,
    ) -> Catalog {
        Catalog {
            provider: provider.into(),
            region: region.into(),
            instance: instance.into(),
        }
    }
}

/// What a pool's servers cost per server-hour.
#[derive(Debug, Clone, PartialEq)]
pub enum Rent {
    /// A cloud list price (on-demand or spot) from the GPU catalogues, in $
    /// per instance-hour; it pays the energy (`rent_includes_energy`).
    Cloud(Catalog, Offer),
    /// Owned or colocated servers: an amortised cost in $ per server-hour
    /// stated by the user (an assumption of theirs, not data). The energy is
    /// billed on top at the region's price.
    Owned(f64),
}

/// Where a pool's power per busy server (in kW) comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct Power {
    /// `item` column of the hardware reference.
    pub item: String,
    /// `metric` column.
    pub metric: String,
    /// How many of the item make one server (1 for a whole-server row, 8
    /// for eight per-GPU rows).
    pub count: u32,
}

impl Power {
    /// One `item` (a whole server) of the hardware reference.
    pub fn reference(item: impl Into<String>, metric: impl Into<String>) -> Power {
        Power {
            item: item.into(),
            metric: metric.into(),
            count: 1,
        }
    }

    /// `count` of `item` per server (e.g. 8 GPUs by their TDP).
    pub fn reference_times(
        item: impl Into<String>,
        metric: impl Into<String>,
        count: u32,
    ) -> Power {
        Power {
            item: item.into(),
            metric: metric.into(),
            count,
        }
    }
}

/// How often a pool's servers are interrupted (capacity that can vanish,
/// such as spot instances), per server-hour; see [`crate::useful_fraction`].
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Interruption {
    /// Never interrupted (on-demand and owned servers).
    #[default]
    None,
    /// An edge of a published range of the interruption file, by provider
    /// and scope (e.g. `gcp`, `historical average per project`), turned into
    /// a rate by [`DataSet::interruption_rate_per_hour`].
    Published {
        /// `provider` column.
        provider: String,
        /// `scope` column.
        scope: String,
        /// Which edge of the range.
        edge: Edge,
    },
    /// A rate per server-hour stated by the user (an assumption of theirs,
    /// not data).
    Assumed(f64),
}

impl Interruption {
    /// The `edge` of the published range of `provider` and `scope`.
    pub fn published(provider: impl Into<String>, scope: impl Into<String>, edge: Edge) -> Self {
        Interruption::Published {
            provider: provider.into(),
            scope: scope.into(),
            edge,
        }
    }
}

/// A pool to build.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolSpec {
    /// Pool id in the scenario.
    pub id: String,
    /// Id of its region (a [`RegionSpec::id`]).
    pub region: String,
    /// Servers available per slot (the user's own fleet size or quota).
    pub servers: Series,
    /// Rent source.
    pub rent: Rent,
    /// Power source.
    pub power: Power,
    /// Work units per server-hour (the user's own; 1 by default).
    pub speed: f64,
    /// How often its servers are interrupted (never, by default).
    pub interruption: Interruption,
}

impl PoolSpec {
    /// Cloud servers at a catalogue price (which pays their energy).
    pub fn cloud(
        id: impl Into<String>,
        region: impl Into<String>,
        servers: impl Into<Series>,
        catalog: Catalog,
        offer: Offer,
        power: Power,
    ) -> PoolSpec {
        PoolSpec {
            id: id.into(),
            region: region.into(),
            servers: servers.into(),
            rent: Rent::Cloud(catalog, offer),
            power,
            speed: 1.0,
            interruption: Interruption::None,
        }
    }

    /// Owned servers at an amortised rent in $ per server-hour given by the
    /// user (energy billed on top).
    pub fn owned(
        id: impl Into<String>,
        region: impl Into<String>,
        servers: impl Into<Series>,
        rent_usd_per_hour: f64,
        power: Power,
    ) -> PoolSpec {
        PoolSpec {
            id: id.into(),
            region: region.into(),
            servers: servers.into(),
            rent: Rent::Owned(rent_usd_per_hour),
            power,
            speed: 1.0,
            interruption: Interruption::None,
        }
    }

    /// Sets the speed in work units per server-hour.
    pub fn speed(mut self, speed: f64) -> PoolSpec {
        self.speed = speed;
        self
    }

    /// Sets how often its servers are interrupted.
    pub fn interruptions(mut self, interruption: Interruption) -> PoolSpec {
        self.interruption = interruption;
        self
    }
}

/// Where a link's egress price (in $/GB) comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Egress {
    /// A row of the egress file: provider and the two cloud region codes
    /// that price this link.
    Listed {
        /// `gcp`, `aws` or `azure`.
        provider: String,
        /// Source cloud region code.
        from: String,
        /// Destination cloud region code.
        to: String,
    },
    /// Data entering cloud region `region` of `provider` from the internet
    /// (a start-up's own servers): the cloud's ingress price from the
    /// internet transfer file (free at the major clouds).
    Ingress {
        /// `gcp` or `aws`.
        provider: String,
        /// Cloud region code the data enter.
        region: String,
    },
    /// Data leaving cloud region `region` of `provider` for the internet (a
    /// start-up's own servers): the cloud's internet egress from the
    /// internet transfer file, in the band of `gb_per_month`.
    Internet {
        /// `gcp` or `aws`.
        provider: String,
        /// Cloud region code the data leave.
        region: String,
        /// The monthly volume whose price band applies, in GB (the user's
        /// own estimate; 0 is the first band, the list price of small
        /// volumes). The model prices every GB of a link alike.
        gb_per_month: f64,
    },
    /// A price stated by the user (an assumption of theirs, not data).
    Assumed(f64),
}

impl Egress {
    /// Into cloud region `region` of `provider` from the internet.
    pub fn ingress(provider: impl Into<String>, region: impl Into<String>) -> Egress {
        Egress::Ingress {
            provider: provider.into(),
            region: region.into(),
        }
    }

    /// Out of cloud region `region` of `provider` to the internet, at the
    /// first band's (small volumes') price.
    pub fn internet(provider: impl Into<String>, region: impl Into<String>) -> Egress {
        Egress::Internet {
            provider: provider.into(),
            region: region.into(),
            gb_per_month: 0.0,
        }
    }

    /// The egress row of `provider` from `from` to `to`.
    pub fn listed(
        provider: impl Into<String>,
        from: impl Into<String>,
        to: impl Into<String>,
    ) -> Egress {
        Egress::Listed {
            provider: provider.into(),
            from: from.into(),
            to: to.into(),
        }
    }
}

/// Where a link's bandwidth (in Gbit/s) comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Bandwidth {
    /// A row of the throughput file: provider and the two macro-regions
    /// (`EU`, `US`, `SA`, `AP`; the file has pairs of different
    /// macro-regions only).
    Measured {
        /// `aws` or `azure`.
        provider: String,
        /// Source macro-region.
        from: String,
        /// Destination macro-region.
        to: String,
    },
    /// A bandwidth stated by the user (an assumption of theirs, not data).
    Assumed(f64),
}

impl Bandwidth {
    /// The throughput row of `provider` from macro-region `from` to `to`.
    pub fn measured(
        provider: impl Into<String>,
        from: impl Into<String>,
        to: impl Into<String>,
    ) -> Bandwidth {
        Bandwidth::Measured {
            provider: provider.into(),
            from: from.into(),
            to: to.into(),
        }
    }
}

/// A directed link to build.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkSpec {
    /// Source region id.
    pub from: String,
    /// Destination region id.
    pub to: String,
    /// Egress source.
    pub egress: Egress,
    /// Bandwidth source.
    pub bandwidth: Bandwidth,
}

impl LinkSpec {
    /// A link `from -> to` (region ids) with its egress and bandwidth sources.
    pub fn new(
        from: impl Into<String>,
        to: impl Into<String>,
        egress: Egress,
        bandwidth: Bandwidth,
    ) -> LinkSpec {
        LinkSpec {
            from: from.into(),
            to: to.into(),
            egress,
            bandwidth,
        }
    }
}

/// Builds a [`Scenario`] from a [`DataSet`]: the period, regions, pools and
/// links come from the data as the specs say; jobs and the carbon price are
/// the user's. The result is checked against [the model](crate::spec) only when it is
/// turned into a [`crate::Problem`].
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioBuilder {
    period: Period,
    carbon_price_usd_per_t: f64,
    regions: Vec<RegionSpec>,
    pools: Vec<PoolSpec>,
    links: Vec<LinkSpec>,
    jobs: Vec<Job>,
}

impl ScenarioBuilder {
    /// An empty scenario over `period`, carbon price 0.
    pub fn new(period: Period) -> ScenarioBuilder {
        ScenarioBuilder {
            period,
            carbon_price_usd_per_t: 0.0,
            regions: Vec::new(),
            pools: Vec::new(),
            links: Vec::new(),
            jobs: Vec::new(),
        }
    }

    /// The period.
    pub fn period(&self) -> Period {
        self.period
    }

    /// Sets the carbon price in $/tCO2e.
    pub fn carbon_price(mut self, usd_per_t: f64) -> ScenarioBuilder {
        self.carbon_price_usd_per_t = usd_per_t;
        self
    }

    /// Adds a region.
    pub fn region(mut self, region: RegionSpec) -> ScenarioBuilder {
        self.regions.push(region);
        self
    }

    /// Adds a pool.
    pub fn pool(mut self, pool: PoolSpec) -> ScenarioBuilder {
        self.pools.push(pool);
        self
    }

    /// Adds a directed link.
    pub fn link(mut self, link: LinkSpec) -> ScenarioBuilder {
        self.links.push(link);
        self
    }

    /// Adds a job (the user's own, as in [the model](crate::spec)): a
    /// [`Job`] or a complete [`JobBuilder`](crate::builder::JobBuilder), as
    /// [`crate::builder::ScenarioBuilder::job`] takes.
    pub fn job(mut self, job: impl Into<Job>) -> ScenarioBuilder {
        self.jobs.push(job.into());
        self
    }

    /// Adds jobs, in order.
    pub fn jobs<J: Into<Job>>(mut self, jobs: impl IntoIterator<Item = J>) -> ScenarioBuilder {
        self.jobs.extend(jobs.into_iter().map(Into::into));
        self
    }

    /// Looks every number up in `data` and writes the scenario. Hourly
    /// series become one value per slot; constants stay constants.
    ///
    /// # Errors
    ///
    /// The first value the data cannot give, as a [`DataError`] naming the
    /// file and key (an unknown market, zone, instance, a missing hour, egress
    /// or throughput pair), [`DataError::UnknownRegion`] for an entity whose
    /// region was not added, or [`DataError::EnergyNotPriced`] for an owned pool
    /// in a region whose energy is `Energy::InRent`.
    pub fn build(&self, data: &DataSet) -> Result<Scenario, crate::Error> {
        let period = &self.period;
        let mut regions = Vec::with_capacity(self.regions.len());
        for spec in &self.regions {
            let price: Series = match &spec.energy {
                Energy::Market(code) => data.hourly_price_usd_per_mwh(code, period)?.into(),
                Energy::Tariff(country) => data.tariff_usd_per_mwh(country)?.into(),
                Energy::Given(v) => (*v).into(),
                Energy::InRent => 0.0.into(),
            };
            let carbon: Series = match &spec.carbon {
                Carbon::Hourly { zone, basis } => {
                    data.hourly_carbon_g_per_kwh(zone, *basis, period)?.into()
                }
                Carbon::Yearly { zone, year } => data.yearly_carbon_g_per_kwh(zone, *year)?.into(),
            };
            let pue = match &spec.pue {
                Pue::Reference {
                    operator,
                    scope,
                    period,
                } => data.pue(operator, scope, period)?,
                Pue::Given(v) => *v,
            };
            let mut region = Region::new(spec.id.clone(), pue, price).carbon(carbon);
            region.power_cap_kw = spec.power_cap_kw;
            regions.push(region);
        }

        let mut pools = Vec::with_capacity(self.pools.len());
        for spec in &self.pools {
            let region = self
                .regions
                .iter()
                .find(|r| r.id == spec.region)
                .ok_or_else(|| DataError::UnknownRegion {
                    entity: "pool",
                    id: spec.id.clone(),
                    region: spec.region.clone(),
                })?;
            let power =
                data.power_kw(&spec.power.item, &spec.power.metric)? * f64::from(spec.power.count);
            let pool = match &spec.rent {
                Rent::Cloud(c, offer) => {
                    let row = data.gpu_offer(&c.provider, &c.region, &c.instance, *offer)?;
                    Pool::new(
                        spec.id.clone(),
                        spec.region.clone(),
                        spec.servers.clone(),
                        row.usd_per_hour,
                        power,
                    )
                    .rent_includes_energy()
                }
                Rent::Owned(rent) => {
                    if region.energy == Energy::InRent {
                        return Err(DataError::EnergyNotPriced {
                            region: region.id.clone(),
                            pool: spec.id.clone(),
                        }
                        .into());
                    }
                    Pool::new(
                        spec.id.clone(),
                        spec.region.clone(),
                        spec.servers.clone(),
                        *rent,
                        power,
                    )
                }
            };
            let rate = match &spec.interruption {
                Interruption::None => 0.0,
                Interruption::Published {
                    provider,
                    scope,
                    edge,
                } => data.interruption_rate_per_hour(provider, scope, *edge)?,
                Interruption::Assumed(rate) => *rate,
            };
            pools.push(pool.speed(spec.speed).interruption_rate_per_hour(rate));
        }

        let mut links = Vec::with_capacity(self.links.len());
        for spec in &self.links {
            for end in [&spec.from, &spec.to] {
                if !self.regions.iter().any(|r| &r.id == end) {
                    return Err(DataError::UnknownRegion {
                        entity: "link",
                        id: format!("{}->{}", spec.from, spec.to),
                        region: end.clone(),
                    }
                    .into());
                }
            }
            let egress = match &spec.egress {
                Egress::Listed { provider, from, to } => {
                    data.egress_usd_per_gb(provider, from, to)?
                }
                Egress::Ingress { provider, region } => {
                    data.internet_usd_per_gb(provider, region, Transfer::Ingress, 0.0)?
                }
                Egress::Internet {
                    provider,
                    region,
                    gb_per_month,
                } => data.internet_usd_per_gb(
                    provider,
                    region,
                    Transfer::InternetEgress,
                    *gb_per_month,
                )?,
                Egress::Assumed(v) => *v,
            };
            let bandwidth = match &spec.bandwidth {
                Bandwidth::Measured { provider, from, to } => {
                    data.throughput_gbps(provider, from, to)?
                }
                Bandwidth::Assumed(v) => *v,
            };
            links.push(Link::new(
                spec.from.clone(),
                spec.to.clone(),
                bandwidth,
                egress,
            ));
        }

        Ok(Scenario {
            horizon: period.horizon(),
            carbon_price_usd_per_t: self.carbon_price_usd_per_t,
            regions,
            pools,
            links,
            jobs: self.jobs.clone(),
        })
    }
}
