//! [`DataError`]: what can go wrong between the data files and a scenario.

use crate::text::{cut, list};
use chrono::{DateTime, Utc};
use serde::Serialize;
use thiserror::Error;

/// Why a data file could not be read, or why a scenario could not be built
/// from the data. Every variant names the file (or the builder entity), the
/// row or key, and the value at fault. Nothing is ever filled in or skipped:
/// a missing hour or an unknown code is an error.
#[derive(Debug, Clone, PartialEq, Error, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum DataError {
    /// A row that does not parse into the file's typed row (wrong number of
    /// fields, a number that is not a number, a malformed timestamp).
    #[error("{file}: line {line}: {message}")]
    Csv {
        /// File name.
        file: String,
        /// 1-based line number (the header is line 1), 0 when unknown.
        line: u64,
        /// What the `csv` crate said.
        message: String,
    },
    /// Two rows with the same key.
    #[error("{file}: line {line}: key {key} appears twice")]
    DuplicateRow {
        /// File name.
        file: String,
        /// 1-based line number of the second row.
        line: u64,
        /// The repeated key, such as `US-NY-NYIS @ 2023-06-19T00:00:00Z`.
        key: String,
    },
    /// A value the file's rules forbid (a non-finite number, an hourly
    /// timestamp not on a whole hour).
    #[error("{file}: line {line}: {field} = {value} is invalid: {rule}")]
    BadValue {
        /// File name.
        file: String,
        /// 1-based line number.
        line: u64,
        /// Column name.
        field: &'static str,
        /// The value as text.
        value: String,
        /// What it must be.
        rule: &'static str,
    },
    /// A code that no row of the file carries: a market region, a carbon
    /// zone, a country, a currency, a hardware item, a PUE row.
    #[error("{file}: unknown {what} '{value}'")]
    UnknownCode {
        /// File name.
        file: String,
        /// What kind of code, such as `market region` or `carbon zone`.
        what: &'static str,
        /// The code asked for.
        value: String,
    },
    /// No GPU catalogue row for this provider, region and instance.
    #[error("{file}: no {provider} row for instance '{instance}' in region '{region}'")]
    UnknownInstance {
        /// File name(s) searched.
        file: String,
        /// Provider, such as `gcp`.
        provider: String,
        /// Cloud region code, such as `me-west1`.
        region: String,
        /// Instance name as in the file.
        instance: String,
    },
    /// The catalogue row has no spot price (AWS rows give spot per
    /// availability zone in a note, which is not a price column).
    #[error("{file}: {provider} '{instance}' in '{region}' has no spot price")]
    NoSpotPrice {
        /// File name.
        file: String,
        /// Provider.
        provider: String,
        /// Cloud region code.
        region: String,
        /// Instance name.
        instance: String,
    },
    /// The catalogue row prices part of a server only (GPUs without host,
    /// or host without GPUs), so it cannot be a pool's rent.
    #[error("{file}: '{instance}' in '{region}' is not a whole server: {why}")]
    NotAServer {
        /// File name.
        file: String,
        /// Cloud region code.
        region: String,
        /// Instance name.
        instance: String,
        /// Which part is missing.
        why: &'static str,
    },
    /// A key that matches several rows where one was expected.
    #[error("{file}: {key} matches {count} rows")]
    Ambiguous {
        /// File name.
        file: String,
        /// The key asked for.
        key: String,
        /// Number of rows it matches.
        count: usize,
    },
    /// Some hours of the requested period have no row for this key.
    #[error("{file}: {key}: {missing} of the {hours} hours from {start} have no row (first missing: {first_missing})")]
    MissingHours {
        /// File name.
        file: String,
        /// Market region or carbon zone.
        key: String,
        /// Start of the period.
        start: DateTime<Utc>,
        /// Hours in the period.
        hours: usize,
        /// Hours without a row.
        missing: usize,
        /// The first hour without a row.
        first_missing: DateTime<Utc>,
    },
    /// No egress price for this provider and pair of cloud regions.
    #[error("{file}: no {provider} egress price from '{from}' to '{to}'")]
    MissingEgress {
        /// File name.
        file: String,
        /// Provider.
        provider: String,
        /// Source cloud region code.
        from: String,
        /// Destination cloud region code.
        to: String,
    },
    /// No throughput measurement for this provider and pair of macro-regions
    /// (the file has only pairs of different macro-regions).
    #[error("{file}: no {provider} throughput measurement from macro-region '{from}' to '{to}'")]
    MissingThroughput {
        /// File name.
        file: String,
        /// Provider.
        provider: String,
        /// Source macro-region.
        from: String,
        /// Destination macro-region.
        to: String,
    },
    /// A hardware row whose unit is neither `kW` nor `W`.
    #[error("{file}: '{item}' {metric}: unit '{unit}' is not kW or W")]
    UnknownUnit {
        /// File name.
        file: String,
        /// Hardware item.
        item: String,
        /// Metric.
        metric: String,
        /// The unit found.
        unit: String,
    },
    /// A region whose energy is left unpriced ([`super::Energy::InRent`])
    /// holds a pool whose rent does not pay its energy.
    #[error("region '{region}': energy is not priced (Energy::InRent) but pool '{pool}' pays its own energy")]
    EnergyNotPriced {
        /// Region id.
        region: String,
        /// Pool id.
        pool: String,
    },
    /// A pool or link names a region the builder was not given.
    #[error("{entity} '{id}': region '{region}' was not added to the builder")]
    UnknownRegion {
        /// `pool` or `link`.
        entity: &'static str,
        /// Pool id, or `from->to` for a link.
        id: String,
        /// The region id.
        region: String,
    },
    /// No internet transfer price (ingress or internet egress) for this
    /// provider and region, neither for the region itself nor for all of
    /// the provider's regions (`*`), in the band holding the volume.
    #[error("{file}: no {provider} {direction} price for region '{region}' at {gb_per_month} GB per month")]
    MissingInternetPrice {
        /// File name.
        file: String,
        /// Provider.
        provider: String,
        /// Cloud region code.
        region: String,
        /// `ingress` or `internet_egress`.
        direction: &'static str,
        /// The monthly volume whose band was looked for, in GB.
        gb_per_month: f64,
    },
    /// An interruption row with no figure at the edge asked for (the AWS
    /// bracket `>20%` has no upper edge).
    #[error("{file}: {provider} '{scope}' has no {edge} edge")]
    NoEdge {
        /// File name.
        file: String,
        /// Provider.
        provider: String,
        /// Scope of the row.
        scope: String,
        /// `low` or `high`.
        edge: &'static str,
    },
    /// A period that is not a whole number of whole hours.
    #[error("period starting {start} with {hours} hours is invalid: {rule}")]
    BadPeriod {
        /// Start asked for.
        start: DateTime<Utc>,
        /// Hours asked for.
        hours: usize,
        /// What it must be.
        rule: &'static str,
    },
    /// A catalog row that cannot be a pool (no price, a price of 0, no
    /// accelerator, a repeated row, a host without a carbon figure).
    #[error(
        "{}: line {line}: '{}' in '{}': {}",
        cut(file),
        cut(instance),
        cut(region),
        cut(problem)
    )]
    BadCatalogRow {
        /// File name.
        file: String,
        /// 1-based line number.
        line: u64,
        /// `InstanceType`.
        instance: String,
        /// `Region`.
        region: String,
        /// What is wrong.
        problem: String,
    },
    /// A catalog file of more rows than the cap
    /// ([`crate::data::catalog::MAX_CATALOG_ROWS`]).
    #[error(
        "{}: more than {limit} rows (line {line} is past the cap); refused before building pools",
        cut(file)
    )]
    TooManyRows {
        /// File name.
        file: String,
        /// Line of the first row past the cap.
        line: u64,
        /// The cap, in rows.
        limit: u64,
    },
    /// Reading stopped on request (a Ctrl-C) before the end of the file.
    #[error("{}: stopped at line {line} (interrupted)", cut(file))]
    Stopped {
        /// File name.
        file: String,
        /// Line reached.
        line: u64,
    },
    /// Accelerators of a catalog file that the speed table lacks.
    #[error("{}: accelerators not in the speed table: {}", cut(file), Names(names))]
    UnknownAccelerators {
        /// File name.
        file: String,
        /// Every such `AcceleratorName`, sorted.
        names: Vec<String>,
    },
}

impl DataError {
    /// The variant's short name, as the `kind` of its JSON form.
    pub fn kind(&self) -> &'static str {
        match self {
            DataError::Csv { .. } => "csv",
            DataError::DuplicateRow { .. } => "duplicate_row",
            DataError::BadValue { .. } => "bad_value",
            DataError::UnknownCode { .. } => "unknown_code",
            DataError::UnknownInstance { .. } => "unknown_instance",
            DataError::NoSpotPrice { .. } => "no_spot_price",
            DataError::NotAServer { .. } => "not_a_server",
            DataError::Ambiguous { .. } => "ambiguous",
            DataError::MissingHours { .. } => "missing_hours",
            DataError::MissingEgress { .. } => "missing_egress",
            DataError::MissingThroughput { .. } => "missing_throughput",
            DataError::UnknownUnit { .. } => "unknown_unit",
            DataError::EnergyNotPriced { .. } => "energy_not_priced",
            DataError::UnknownRegion { .. } => "unknown_region",
            DataError::MissingInternetPrice { .. } => "missing_internet_price",
            DataError::NoEdge { .. } => "no_edge",
            DataError::BadPeriod { .. } => "bad_period",
            DataError::BadCatalogRow { .. } => "bad_catalog_row",
            DataError::UnknownAccelerators { .. } => "unknown_accelerators",
            DataError::TooManyRows { .. } => "too_many_rows",
            DataError::Stopped { .. } => "stopped",
        }
    }
}

/// A list of names as an error shows it: the first few, each cut, then how
/// many more (a message does not grow with the input).
struct Names<'a>(&'a [String]);

impl std::fmt::Display for Names<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        let mut first = true;
        list(
            f,
            self.0,
            |f, name| {
                let sep = if std::mem::take(&mut first) { "" } else { ", " };
                write!(f, "{sep}{}", cut(name))
            },
            |f, more| write!(f, " and {more} more"),
        )
    }
}
