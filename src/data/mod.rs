//! Scenarios built from real public data.
//!
//! The repository's `data/` folder holds small public data sets (its
//! README names each source, period, unit and licence): hourly wholesale
//! electricity prices and hourly grid carbon intensity for 2023-06-19T00:00Z
//! to 2023-07-16T23:00Z, yearly 2023 carbon averages for every Electricity
//! Maps zone (the only carbon figures for the Gulf), FX rates, a Saudi
//! industrial tariff, cloud GPU list prices (on-demand and spot), cloud
//! inter-region egress prices, measured inter-continental throughput,
//! server power and data-centre PUE.
//!
//! * [`DataSet`] parses those files into typed rows (the `csv` crate and
//!   serde, one row type per file in [`tables`]) and looks values up.
//!   [`DataSet::bundled`] uses the files embedded in the library
//!   (`include_str!`); [`DataSet::with_csv`] reads users' own files given as
//!   text. The library never opens a file.
//! * [`ScenarioBuilder`] writes a [`crate::Scenario`]: a [`Period`] of
//!   hourly slots, [`RegionSpec`]s (an [`Energy`] price source, a [`Carbon`]
//!   source, a [`Pue`]), [`PoolSpec`]s (a cloud [`Catalog`] row on-demand or
//!   spot, whose rent pays the energy, or owned servers at a rent the user
//!   states; [`Power`] from the hardware reference), [`LinkSpec`]s
//!   ([`Egress`] from the egress file, [`Bandwidth`] from the throughput
//!   file), the user's jobs and carbon price.
//! * [`catalog`] reads public price catalogs (SkyPilot's `vms.csv`, any
//!   provider, the Vast.ai marketplace included) into offers with a speed
//!   from a training benchmark, and adds marketplace hosts to a scenario.
//! * Every failure is a [`DataError`] naming the file, the key and the
//!   value: an unknown market, zone, country, currency or instance, an hour
//!   of the period without a row, a pair of regions without egress or
//!   throughput data. Nothing is filled in or skipped.
//!
//! Units: energy prices in $/MWh, carbon in gCO2e/kWh, rent in $ per
//! server-hour, power in kW per busy server, egress in $/GB, bandwidth in
//! Gbit/s, exactly as in [the model](crate::spec).
//!
//! Numbers that are not in the data (an owned server's amortised cost, a
//! fleet size, a link between a private site and a cloud) are stated by the
//! user through [`Rent::Owned`], the pool's `servers`, [`Egress::Assumed`],
//! [`Bandwidth::Assumed`], [`Energy::Given`] and [`Pue::Given`]; they are
//! the user's assumptions, never data.
//!
//! ```
//! use geoshift::data::{
//!     Bandwidth, Carbon, Catalog, DataSet, Egress, Energy, LinkSpec, Offer, Period, PoolSpec,
//!     Power, Pue, RegionSpec, ScenarioBuilder,
//! };
//! use geoshift::{evaluate, Job, Optimal, Problem, Scheduler};
//!
//! let data = DataSet::bundled()?;
//! // One day of hourly slots, Monday 2023-06-19 (UTC).
//! let period = Period::new("2023-06-19T00:00:00Z".parse().unwrap(), 24)?;
//! let dgx_a100 = Power::reference("NVIDIA DGX A100 (8 GPU)", "max_power_consumption");
//! let scenario = ScenarioBuilder::new(period)
//!     // Owned servers in New York: NYISO hourly prices and carbon.
//!     .region(RegionSpec::new(
//!         "ny",
//!         Energy::market("US-NY-NYIS"),
//!         Carbon::hourly("US-NY-NYIS"),
//!         Pue::reference("Uptime Institute survey", "industry average (all surveyed sites)", "2023"),
//!     ))
//!     // GCP Tel Aviv: the list price pays the energy; yearly Israeli carbon.
//!     .region(RegionSpec::new(
//!         "tel-aviv",
//!         Energy::InRent,
//!         Carbon::yearly("IL", 2023),
//!         Pue::reference("Google", "fleet-wide (quarter)", "2021-Q2"),
//!     ))
//!     // 2 owned DGX A100 at an assumed 6 $/h amortised cost.
//!     .pool(PoolSpec::owned("ny-a100", "ny", 2.0, 6.0, dgx_a100.clone()))
//!     .pool(PoolSpec::cloud(
//!         "ta-a100-spot",
//!         "tel-aviv",
//!         4.0,
//!         Catalog::new("gcp", "me-west1", "a2-highgpu-8g (host + GPUs)"),
//!         Offer::Spot,
//!         dgx_a100,
//!     ))
//!     .link(LinkSpec::new(
//!         "ny",
//!         "tel-aviv",
//!         Egress::listed("gcp", "us-east1", "me-west1"),
//!         Bandwidth::measured("aws", "US", "EU"),
//!     ))
//!     .job(Job::new("tune", "ny", 60.0, period.end(), 6.0).data(100.0, 0.0))
//!     .build(&data)?;
//!
//! // The NYISO price of the first hour, read back from the data file.
//! assert_eq!(data.hourly_price_usd_per_mwh("US-NY-NYIS", &period)?[0], 27.55);
//! // The spot price of 8×A100 in Tel Aviv, in $ per instance-hour.
//! assert_eq!(scenario.pools[1].rent_usd_per_hour, 11.14528);
//!
//! let problem = Problem::new(&scenario)?;
//! let report = evaluate(&problem, "optimal", &Optimal::default().schedule(&problem)?)?;
//! assert!(report.total_usd > 0.0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod builder;
pub mod catalog;
mod dataset;
mod error;
pub mod tables;
mod year;

pub use builder::{
    Bandwidth, Carbon, Catalog, Egress, Energy, Interruption, LinkSpec, Period, PoolSpec, Power,
    Pue, RegionSpec, Rent, ScenarioBuilder,
};
pub use dataset::{CarbonBasis, DataSet, Edge, GpuOffer, Offer, Transfer, HOURS_PER_MONTH};
pub use error::DataError;
pub use tables::Table;
pub use year::{
    asia_2022_carbon, year_long_asia_2022, ASIA_2022_CARBON_FILE, ASIA_2022_ZONES,
    EPA_2022_SOCIAL_COST_USD_PER_T, HOURS_2022,
};
