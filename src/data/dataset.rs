//! [`DataSet`]: the data files, parsed and indexed, and typed look-ups into
//! them. Pure: it reads text it is given (or text embedded in the library),
//! never a file.

use super::tables::{
    read_rows, AwsGpuRow, CarbonHourlyRow, CarbonYearlyRow, EgressRow, FxRow, GpuRow, InternetRow,
    InterruptionRow, PowerRow, PriceRow, PueRow, Table, TariffRow, ThroughputRow,
};
use super::{DataError, Period};
use chrono::{DateTime, Timelike, Utc};
use std::collections::{BTreeMap, HashMap};

/// Which hourly carbon intensity column to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CarbonBasis {
    /// Life-cycle emissions (LCA), the basis of the yearly averages: use it
    /// when hourly and yearly zones meet in one scenario.
    #[default]
    Lifecycle,
    /// Direct (operational) emissions only.
    Direct,
}

/// Which price of a cloud catalogue row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offer {
    /// The on-demand list price.
    OnDemand,
    /// The spot (preemptible) price. A spot pool is priced as if it were
    /// never reclaimed unless its interruptions are stated
    /// ([`super::PoolSpec::interruptions`]).
    Spot,
}

/// Which way data crosses between the internet (such as a start-up's own
/// servers) and a cloud region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transfer {
    /// From the internet into the cloud region.
    Ingress,
    /// From the cloud region out to the internet.
    InternetEgress,
}

impl Transfer {
    /// The `direction` column's word for it.
    pub fn column(self) -> &'static str {
        match self {
            Transfer::Ingress => "ingress",
            Transfer::InternetEgress => "internet_egress",
        }
    }
}

/// Which edge of a published range: sources publish interruption figures
/// as ranges (brackets), and the data keep the range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edge {
    /// The lower edge.
    Low,
    /// The upper edge.
    High,
}

/// ASSUMPTION of the conversion, not data: hours in the "month" of a
/// monthly interruption figure (8760 / 12). The AWS Spot Instance Advisor
/// states its brackets over "the trailing month" without saying how many
/// hours that is.
pub const HOURS_PER_MONTH: f64 = 730.0;

/// An internet transfer price band of one provider and region.
#[derive(Debug, Clone)]
struct InternetBand {
    provider: String,
    region: String,
    direction: String,
    from_gb: f64,
    to_gb: Option<f64>,
    usd_per_gb: f64,
}

/// One published interruption range.
#[derive(Debug, Clone)]
struct InterruptionFigure {
    provider: String,
    scope: String,
    low: Option<f64>,
    high: Option<f64>,
    period_hours: f64,
}

/// One whole-server row of a GPU price catalogue.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct GpuOffer {
    /// File the row comes from.
    pub file: String,
    /// Provider, such as `gcp` or `aws`.
    pub provider: String,
    /// Cloud region code, such as `me-west1`.
    pub region: String,
    /// Instance name as in the file, such as `a2-highgpu-8g (host + GPUs)`.
    pub instance: String,
    /// GPU type, such as `A100-40GB`.
    pub gpu_type: String,
    /// GPUs in one instance.
    pub gpu_count: u32,
    /// Price of the chosen offer in $ per instance-hour (all GPUs together).
    pub usd_per_hour: f64,
}

#[derive(Debug, Clone)]
struct CatalogRow {
    file: String,
    provider: String,
    region: String,
    instance: String,
    gpu_type: String,
    gpu_count: u32,
    on_demand: f64,
    spot: Option<f64>,
}

/// The public data a scenario is built from: hourly prices and carbon,
/// yearly carbon, FX rates, tariffs, GPU prices, egress, throughput, power
/// and PUE, parsed into typed rows and indexed.
///
/// [`DataSet::bundled`] holds the files of the repository's `data/` folder,
/// embedded in the library at compile time. [`DataSet::empty`] and
/// [`DataSet::with_csv`] read users' own files (as text, with the headers
/// of [`Table`]). Look-ups never fill, interpolate or skip: a missing hour
/// or an unknown code is a [`DataError`].
#[derive(Debug, Clone, Default)]
pub struct DataSet {
    files: HashMap<Table, Vec<String>>,
    prices: HashMap<String, BTreeMap<DateTime<Utc>, f64>>,
    carbon_hourly: HashMap<String, BTreeMap<DateTime<Utc>, (f64, f64)>>,
    carbon_yearly: HashMap<(String, i32), f64>,
    fx: HashMap<String, f64>,
    tariffs: HashMap<String, Vec<(f64, String)>>,
    gpus: Vec<CatalogRow>,
    egress: HashMap<(String, String, String), f64>,
    throughput: HashMap<(String, String, String), f64>,
    power: HashMap<(String, String), (f64, String)>,
    pue: Vec<(String, String, String, f64)>,
    internet: Vec<InternetBand>,
    interruptions: Vec<InterruptionFigure>,
}

/// Inserts a row's value under its key, refusing a second row with the
/// same key (named by `label`).
fn insert_new<K: Eq + std::hash::Hash, V>(
    map: &mut HashMap<K, V>,
    key: K,
    value: V,
    file: &str,
    line: u64,
    label: impl FnOnce(&K) -> String,
) -> Result<(), DataError> {
    if map.contains_key(&key) {
        return Err(duplicate(file, line, label(&key)));
    }
    map.insert(key, value);
    Ok(())
}

/// `provider src -> dst`, the key of an egress or throughput row.
fn route(k: &(String, String, String)) -> String {
    format!("{} {} -> {}", k.0, k.1, k.2)
}

fn duplicate(file: &str, line: u64, key: String) -> DataError {
    DataError::DuplicateRow {
        file: file.to_string(),
        line,
        key,
    }
}

fn finite(file: &str, line: u64, field: &'static str, v: f64) -> Result<f64, DataError> {
    if v.is_finite() {
        Ok(v)
    } else {
        Err(DataError::BadValue {
            file: file.to_string(),
            line,
            field,
            value: v.to_string(),
            rule: "must be a finite number",
        })
    }
}

fn on_the_hour(file: &str, line: u64, at: DateTime<Utc>) -> Result<DateTime<Utc>, DataError> {
    if at.minute() == 0 && at.second() == 0 && at.nanosecond() == 0 {
        Ok(at)
    } else {
        Err(DataError::BadValue {
            file: file.to_string(),
            line,
            field: "timestamp_utc",
            value: at.to_rfc3339(),
            rule: "must be the start of a whole hour",
        })
    }
}

impl DataSet {
    /// A data set with no rows; add files with [`DataSet::with_csv`].
    pub fn empty() -> DataSet {
        DataSet::default()
    }

    /// The files of the repository's `data/` folder (see its README for
    /// sources, periods, units and licences), embedded in the library:
    /// hourly prices and carbon for 2023-06-19T00:00Z to 2023-07-16T23:00Z,
    /// yearly 2023 carbon, and the price, egress, throughput, power and PUE
    /// tables. Fails only if the embedded files were edited into an invalid
    /// state (the crate's tests read them).
    ///
    /// # Errors
    ///
    /// A [`DataError`] only if the embedded files were edited into an invalid
    /// state: a row that does not parse, a bad value, a duplicate key.
    pub fn bundled() -> Result<DataSet, crate::Error> {
        let data = Table::ALL
            .iter()
            .try_fold(DataSet::empty(), |data, &table| {
                data.with_csv(table, table.bundled_file(), table.bundled_text())
            })?;
        Table::bundled_extras()
            .into_iter()
            .try_fold(data, |data, (table, file, text)| {
                data.with_csv(table, file, text)
            })
    }

    /// Adds the rows of one CSV file of kind `table`, given as text (the
    /// library reads no file). `file` is the name used in error messages.
    /// Rows add to those already loaded for the same kind; a key that is
    /// already present is a [`DataError::DuplicateRow`].
    ///
    /// # Errors
    ///
    /// [`DataError::Csv`] for a row that does not parse into the table's row
    /// type, [`DataError::BadValue`] for a value its rules forbid, and
    /// [`DataError::DuplicateRow`] for a key already loaded.
    pub fn with_csv(
        mut self,
        table: Table,
        file: &str,
        text: &str,
    ) -> Result<DataSet, crate::Error> {
        match table {
            Table::Prices => self.load_prices(file, text)?,
            Table::CarbonHourly => self.load_carbon_hourly(file, text)?,
            Table::CarbonYearly => self.load_carbon_yearly(file, text)?,
            Table::Fx => self.load_fx(file, text)?,
            Table::Tariffs => self.load_tariffs(file, text)?,
            Table::AwsGpuPrices => self.load_aws_gpu_prices(file, text)?,
            Table::GpuPrices => self.load_gpu_prices(file, text)?,
            Table::Egress => self.load_egress(file, text)?,
            Table::Throughput => self.load_throughput(file, text)?,
            Table::Power => self.load_power(file, text)?,
            Table::Pue => self.load_pue(file, text)?,
            Table::InternetTransfer => self.load_internet(file, text)?,
            Table::Interruptions => self.load_interruptions(file, text)?,
        }
        self.files.entry(table).or_default().push(file.to_string());
        Ok(self)
    }

    /// Hourly prices: one series per market region, on whole hours.
    fn load_prices(&mut self, file: &str, text: &str) -> Result<(), DataError> {
        for (line, r) in read_rows::<PriceRow>(file, text)? {
            let at = on_the_hour(file, line, r.timestamp_utc)?;
            let v = finite(file, line, "price_usd_per_mwh", r.price_usd_per_mwh)?;
            let series = self.prices.entry(r.region.clone()).or_default();
            if series.insert(at, v).is_some() {
                return Err(duplicate(file, line, format!("{} @ {}", r.region, at)));
            }
        }
        Ok(())
    }

    /// Hourly carbon: direct and life-cycle intensity per zone, on whole hours.
    fn load_carbon_hourly(&mut self, file: &str, text: &str) -> Result<(), DataError> {
        for (line, r) in read_rows::<CarbonHourlyRow>(file, text)? {
            let at = on_the_hour(file, line, r.timestamp_utc)?;
            let direct = finite(
                file,
                line,
                "carbon_intensity_direct_gco2eq_per_kwh",
                r.carbon_intensity_direct_gco2eq_per_kwh,
            )?;
            let lifecycle = finite(
                file,
                line,
                "carbon_intensity_lifecycle_gco2eq_per_kwh",
                r.carbon_intensity_lifecycle_gco2eq_per_kwh,
            )?;
            let series = self.carbon_hourly.entry(r.zone.clone()).or_default();
            if series.insert(at, (direct, lifecycle)).is_some() {
                return Err(duplicate(file, line, format!("{} @ {}", r.zone, at)));
            }
        }
        Ok(())
    }

    /// Yearly carbon averages per zone and year.
    fn load_carbon_yearly(&mut self, file: &str, text: &str) -> Result<(), DataError> {
        for (line, r) in read_rows::<CarbonYearlyRow>(file, text)? {
            let v = finite(
                file,
                line,
                "carbon_intensity_gco2eq_per_kwh",
                r.carbon_intensity_gco2eq_per_kwh,
            )?;
            if self
                .carbon_yearly
                .insert((r.zone.clone(), r.year), v)
                .is_some()
            {
                return Err(duplicate(file, line, format!("{} {}", r.zone, r.year)));
            }
        }
        Ok(())
    }

    /// FX rates: US dollars per unit of each currency.
    fn load_fx(&mut self, file: &str, text: &str) -> Result<(), DataError> {
        for (line, r) in read_rows::<FxRow>(file, text)? {
            let v = finite(file, line, "usd_per_unit", r.usd_per_unit)?;
            if self.fx.insert(r.currency.clone(), v).is_some() {
                return Err(duplicate(file, line, r.currency));
            }
        }
        Ok(())
    }

    /// Flat industrial tariffs per country, in local currency per kWh.
    fn load_tariffs(&mut self, file: &str, text: &str) -> Result<(), DataError> {
        for (line, r) in read_rows::<TariffRow>(file, text)? {
            let v = finite(file, line, "price_local_per_kwh", r.price_local_per_kwh)?;
            self.tariffs
                .entry(r.country)
                .or_default()
                .push((v, r.currency));
        }
        Ok(())
    }

    /// The AWS GPU catalogue (on-demand prices only).
    fn load_aws_gpu_prices(&mut self, file: &str, text: &str) -> Result<(), DataError> {
        for (line, r) in read_rows::<AwsGpuRow>(file, text)? {
            let price = finite(
                file,
                line,
                "on_demand_usd_per_hour",
                r.on_demand_usd_per_hour,
            )?;
            self.add_gpu(
                line,
                CatalogRow {
                    file: file.to_string(),
                    provider: r.provider,
                    region: r.region,
                    instance: r.instance_type,
                    gpu_type: r.accelerator,
                    gpu_count: r.accelerator_count,
                    on_demand: price,
                    spot: None,
                },
            )?;
        }
        Ok(())
    }

    /// The GPU catalogue of several providers, with spot prices where listed.
    fn load_gpu_prices(&mut self, file: &str, text: &str) -> Result<(), DataError> {
        for (line, r) in read_rows::<GpuRow>(file, text)? {
            let price = finite(
                file,
                line,
                "on_demand_usd_per_hour",
                r.on_demand_usd_per_hour,
            )?;
            let spot = r
                .spot_usd_per_hour
                .map(|s| finite(file, line, "spot_usd_per_hour", s))
                .transpose()?;
            self.add_gpu(
                line,
                CatalogRow {
                    file: file.to_string(),
                    provider: r.provider,
                    region: r.region,
                    instance: r.instance_or_accelerator,
                    gpu_type: r.gpu_type,
                    gpu_count: r.gpu_count,
                    on_demand: price,
                    spot,
                },
            )?;
        }
        Ok(())
    }

    /// Egress prices per provider and pair of cloud regions.
    fn load_egress(&mut self, file: &str, text: &str) -> Result<(), DataError> {
        for (line, r) in read_rows::<EgressRow>(file, text)? {
            let v = finite(file, line, "egress_usd_per_gb", r.egress_usd_per_gb)?;
            let key = (r.provider, r.src_region, r.dst_region);
            insert_new(&mut self.egress, key, v, file, line, route)?;
        }
        Ok(())
    }

    /// Measured throughput per provider and pair of macro-regions.
    fn load_throughput(&mut self, file: &str, text: &str) -> Result<(), DataError> {
        for (line, r) in read_rows::<ThroughputRow>(file, text)? {
            let v = finite(file, line, "throughput_mbps", r.throughput_mbps)?;
            let key = (r.provider, r.src_macro_region, r.dst_macro_region);
            insert_new(&mut self.throughput, key, v, file, line, route)?;
        }
        Ok(())
    }

    /// Hardware power figures per item and metric, with their unit.
    fn load_power(&mut self, file: &str, text: &str) -> Result<(), DataError> {
        for (line, r) in read_rows::<PowerRow>(file, text)? {
            let v = finite(file, line, "value", r.value)?;
            let key = (r.item, r.metric);
            insert_new(&mut self.power, key, (v, r.unit), file, line, |k| {
                format!("{} / {}", k.0, k.1)
            })?;
        }
        Ok(())
    }

    /// PUE figures per operator, scope and period.
    fn load_pue(&mut self, file: &str, text: &str) -> Result<(), DataError> {
        for (line, r) in read_rows::<PueRow>(file, text)? {
            let v = finite(file, line, "pue", r.pue)?;
            if self
                .pue
                .iter()
                .any(|(o, s, p, _)| *o == r.operator && *s == r.scope && *p == r.period)
            {
                return Err(duplicate(
                    file,
                    line,
                    format!("{} / {} / {}", r.operator, r.scope, r.period),
                ));
            }
            self.pue.push((r.operator, r.scope, r.period, v));
        }
        Ok(())
    }

    /// Internet transfer price bands per provider, region (or `*` for all
    /// of a provider's regions) and direction.
    fn load_internet(&mut self, file: &str, text: &str) -> Result<(), DataError> {
        let bad = |line, field, value: String, rule| DataError::BadValue {
            file: file.to_string(),
            line,
            field,
            value,
            rule,
        };
        for (line, r) in read_rows::<InternetRow>(file, text)? {
            if r.direction != "ingress" && r.direction != "internet_egress" {
                return Err(bad(
                    line,
                    "direction",
                    r.direction,
                    "must be ingress or internet_egress",
                ));
            }
            let usd = finite(file, line, "usd_per_gb", r.usd_per_gb)?;
            let from = finite(file, line, "tier_from_gb", r.tier_from_gb)?;
            let to = r
                .tier_to_gb
                .map(|v| finite(file, line, "tier_to_gb", v))
                .transpose()?;
            if usd < 0.0 || from < 0.0 || to.is_some_and(|to| to <= from) {
                return Err(bad(
                    line,
                    "usd_per_gb",
                    format!("{usd} for {from}..{to:?} GB"),
                    "must be >= 0, on a band 0 <= tier_from_gb < tier_to_gb",
                ));
            }
            let overlaps = self.internet.iter().any(|b| {
                b.provider == r.provider
                    && b.region == r.region
                    && b.direction == r.direction
                    && b.from_gb < to.unwrap_or(f64::INFINITY)
                    && from < b.to_gb.unwrap_or(f64::INFINITY)
            });
            if overlaps {
                return Err(duplicate(
                    file,
                    line,
                    format!("{} {} {} from {from} GB", r.provider, r.region, r.direction),
                ));
            }
            self.internet.push(InternetBand {
                provider: r.provider,
                region: r.region,
                direction: r.direction,
                from_gb: from,
                to_gb: to,
                usd_per_gb: usd,
            });
        }
        Ok(())
    }

    /// Published interruption ranges per provider and scope, with the hours
    /// of their period (`day` 24, `month` [`HOURS_PER_MONTH`]).
    fn load_interruptions(&mut self, file: &str, text: &str) -> Result<(), DataError> {
        for (line, r) in read_rows::<InterruptionRow>(file, text)? {
            let bad = |field, value: String, rule| DataError::BadValue {
                file: file.to_string(),
                line,
                field,
                value,
                rule,
            };
            let period_hours = match r.per.as_str() {
                "day" => 24.0,
                "month" => HOURS_PER_MONTH,
                _ => return Err(bad("per", r.per, "must be day or month")),
            };
            for (field, v) in [
                ("fraction_low", r.fraction_low),
                ("fraction_high", r.fraction_high),
            ] {
                if let Some(v) = v {
                    if !(0.0..1.0).contains(&v) {
                        return Err(bad(field, v.to_string(), "must be >= 0 and < 1"));
                    }
                }
            }
            if self
                .interruptions
                .iter()
                .any(|f| f.provider == r.provider && f.scope == r.scope)
            {
                return Err(duplicate(file, line, format!("{} {}", r.provider, r.scope)));
            }
            self.interruptions.push(InterruptionFigure {
                provider: r.provider,
                scope: r.scope,
                low: r.fraction_low,
                high: r.fraction_high,
                period_hours,
            });
        }
        Ok(())
    }

    fn add_gpu(&mut self, line: u64, row: CatalogRow) -> Result<(), DataError> {
        if self.gpus.iter().any(|g| {
            g.provider == row.provider
                && g.region == row.region
                && g.instance == row.instance
                && g.gpu_count == row.gpu_count
        }) {
            return Err(duplicate(
                &row.file,
                line,
                format!(
                    "{} {} {} x{}",
                    row.provider, row.region, row.instance, row.gpu_count
                ),
            ));
        }
        self.gpus.push(row);
        Ok(())
    }

    /// The name(s) of the file(s) loaded for `table`, for error messages.
    pub fn file_name(&self, table: Table) -> String {
        match self.files.get(&table) {
            Some(names) => names.join(" + "),
            None => format!("{} (not loaded)", table.bundled_file()),
        }
    }

    /// The hourly price of market `market` (a `region` code of the price
    /// file, such as `US-NY-NYIS` or `DE-LU`) in $/MWh (the file's
    /// `price_usd_per_mwh`), one value per hour of `period`.
    ///
    /// # Errors
    ///
    /// [`DataError::UnknownCode`] for a market the file does not have, and
    /// [`DataError::MissingHours`] when an hour of `period` has no row.
    pub fn hourly_price_usd_per_mwh(
        &self,
        market: &str,
        period: &Period,
    ) -> Result<Vec<f64>, crate::Error> {
        let file = self.file_name(Table::Prices);
        let series = self
            .prices
            .get(market)
            .ok_or_else(|| DataError::UnknownCode {
                file: file.clone(),
                what: "market region",
                value: market.to_string(),
            })?;
        Ok(hours(&file, market, period, |at| series.get(&at).copied())?)
    }

    /// The hourly grid carbon intensity of zone `zone` (an Electricity Maps
    /// zone id of the hourly file, such as `US-NY-NYIS`) in gCO2e/kWh, one
    /// value per hour of `period`.
    ///
    /// # Errors
    ///
    /// [`DataError::UnknownCode`] for a zone the file does not have, and
    /// [`DataError::MissingHours`] when an hour of `period` has no row.
    pub fn hourly_carbon_g_per_kwh(
        &self,
        zone: &str,
        basis: CarbonBasis,
        period: &Period,
    ) -> Result<Vec<f64>, crate::Error> {
        let file = self.file_name(Table::CarbonHourly);
        let series = self
            .carbon_hourly
            .get(zone)
            .ok_or_else(|| DataError::UnknownCode {
                file: file.clone(),
                what: "carbon zone",
                value: zone.to_string(),
            })?;
        Ok(hours(&file, zone, period, |at| {
            series.get(&at).map(|&(direct, lifecycle)| match basis {
                CarbonBasis::Direct => direct,
                CarbonBasis::Lifecycle => lifecycle,
            })
        })?)
    }

    /// The yearly average (life-cycle) carbon intensity of zone `zone` in
    /// year `year`, in gCO2e/kWh.
    ///
    /// # Errors
    ///
    /// [`DataError::UnknownCode`] when the file has no row for that zone and
    /// year.
    pub fn yearly_carbon_g_per_kwh(&self, zone: &str, year: i32) -> Result<f64, crate::Error> {
        Ok(self
            .carbon_yearly
            .get(&(zone.to_string(), year))
            .copied()
            .ok_or_else(|| DataError::UnknownCode {
                file: self.file_name(Table::CarbonYearly),
                what: "carbon zone and year",
                value: format!("{zone} {year}"),
            })?)
    }

    /// US dollars per one unit of `currency` (ISO 4217), from the FX file.
    ///
    /// # Errors
    ///
    /// [`DataError::UnknownCode`] for a currency the FX file does not have.
    pub fn usd_per_unit(&self, currency: &str) -> Result<f64, crate::Error> {
        Ok(self
            .fx
            .get(currency)
            .copied()
            .ok_or_else(|| DataError::UnknownCode {
                file: self.file_name(Table::Fx),
                what: "currency",
                value: currency.to_string(),
            })?)
    }

    /// The flat tariff of `country` (ISO code of the tariff file, such as
    /// `SA`) in $/MWh: local currency per kWh × 1000 × the FX rate of that
    /// currency. An unknown country, or a currency missing from the FX
    /// file, is an error.
    ///
    /// # Errors
    ///
    /// [`DataError::UnknownCode`] for an unknown country or a currency missing
    /// from the FX file, [`DataError::Ambiguous`] when several rows match.
    pub fn tariff_usd_per_mwh(&self, country: &str) -> Result<f64, crate::Error> {
        let file = self.file_name(Table::Tariffs);
        let rows = self
            .tariffs
            .get(country)
            .ok_or_else(|| DataError::UnknownCode {
                file: file.clone(),
                what: "tariff country",
                value: country.to_string(),
            })?;
        let (price, currency) = match rows.as_slice() {
            [one] => one,
            many => {
                return Err(DataError::Ambiguous {
                    file,
                    key: format!("tariff country '{country}'"),
                    count: many.len(),
                }
                .into())
            }
        };
        Ok(price * 1000.0 * self.usd_per_unit(currency)?)
    }

    /// The rent of one whole-server row of the GPU catalogues: provider
    /// (`gcp`, `aws`), cloud region code, and the instance name exactly as
    /// in the file (e.g. `p4d.24xlarge`, `a2-highgpu-8g (host + GPUs)`).
    /// GPU-only and host-only rows are refused ([`DataError::NotAServer`]).
    ///
    /// # Errors
    ///
    /// [`DataError::UnknownInstance`] when no row matches,
    /// [`DataError::Ambiguous`] when several do, [`DataError::NotAServer`] for a
    /// GPU-only or host-only row, and [`DataError::NoSpotPrice`] for
    /// [`Offer::Spot`] on a row without one.
    pub fn gpu_offer(
        &self,
        provider: &str,
        region: &str,
        instance: &str,
        offer: Offer,
    ) -> Result<GpuOffer, crate::Error> {
        let file = format!(
            "{} / {}",
            self.file_name(Table::AwsGpuPrices),
            self.file_name(Table::GpuPrices)
        );
        let matches: Vec<&CatalogRow> = self
            .gpus
            .iter()
            .filter(|g| g.provider == provider && g.region == region && g.instance == instance)
            .collect();
        let row = match matches.as_slice() {
            [] => {
                return Err(DataError::UnknownInstance {
                    file,
                    provider: provider.into(),
                    region: region.into(),
                    instance: instance.into(),
                }
                .into())
            }
            [one] => *one,
            many => {
                return Err(DataError::Ambiguous {
                    file,
                    key: format!("{provider} '{instance}' in '{region}'"),
                    count: many.len(),
                }
                .into())
            }
        };
        let not_server = |why| DataError::NotAServer {
            file: row.file.clone(),
            region: region.into(),
            instance: instance.into(),
            why,
        };
        if row.instance.starts_with("accelerator:") {
            return Err(not_server("a GPU-only row: the host VM is priced separately").into());
        }
        if row.instance.ends_with("(host only)") {
            return Err(not_server("a host-only row: the GPUs are priced separately").into());
        }
        let usd_per_hour = match offer {
            Offer::OnDemand => row.on_demand,
            Offer::Spot => row.spot.ok_or_else(|| DataError::NoSpotPrice {
                file: row.file.clone(),
                provider: provider.into(),
                region: region.into(),
                instance: instance.into(),
            })?,
        };
        Ok(GpuOffer {
            file: row.file.clone(),
            provider: row.provider.clone(),
            region: row.region.clone(),
            instance: row.instance.clone(),
            gpu_type: row.gpu_type.clone(),
            gpu_count: row.gpu_count,
            usd_per_hour,
        })
    }

    /// The egress price from cloud region `from` to cloud region `to` of
    /// `provider`, in $/GB.
    ///
    /// # Errors
    ///
    /// [`DataError::MissingEgress`] when the file has no price for that pair.
    pub fn egress_usd_per_gb(
        &self,
        provider: &str,
        from: &str,
        to: &str,
    ) -> Result<f64, crate::Error> {
        Ok(self
            .egress
            .get(&(provider.to_string(), from.to_string(), to.to_string()))
            .copied()
            .ok_or_else(|| DataError::MissingEgress {
                file: self.file_name(Table::Egress),
                provider: provider.into(),
                from: from.into(),
                to: to.into(),
            })?)
    }

    /// The internet transfer price of `provider` in cloud region `region`,
    /// in $/GB, in the band holding `gb_per_month` (a volume per month; 0
    /// gives the first band, the list price of small volumes). A row for
    /// the region itself is used before a row for all the provider's
    /// regions (`*`, only where the source states one price for all).
    ///
    /// # Errors
    ///
    /// [`DataError::MissingInternetPrice`] when no band of either kind holds
    /// the volume (for example AWS `me-central-1`, which the data lack).
    ///
    /// ```
    /// use geoshift::data::{DataSet, Transfer};
    /// let data = DataSet::bundled()?;
    /// // Into a cloud is free; out of GCP to the internet is 0.12 $/GB.
    /// assert_eq!(data.internet_usd_per_gb("gcp", "me-central2", Transfer::Ingress, 0.0)?, 0.0);
    /// assert_eq!(data.internet_usd_per_gb("gcp", "me-central2", Transfer::InternetEgress, 0.0)?, 0.12);
    /// assert!(data.internet_usd_per_gb("aws", "me-central-1", Transfer::InternetEgress, 0.0).is_err());
    /// # Ok::<(), geoshift::Error>(())
    /// ```
    pub fn internet_usd_per_gb(
        &self,
        provider: &str,
        region: &str,
        direction: Transfer,
        gb_per_month: f64,
    ) -> Result<f64, crate::Error> {
        let band = |region: &str| {
            self.internet.iter().find(|b| {
                b.provider == provider
                    && b.region == region
                    && b.direction == direction.column()
                    && b.from_gb <= gb_per_month
                    && b.to_gb.is_none_or(|to| gb_per_month < to)
            })
        };
        Ok(band(region)
            .or_else(|| band("*"))
            .map(|b| b.usd_per_gb)
            .ok_or_else(|| DataError::MissingInternetPrice {
                file: self.file_name(Table::InternetTransfer),
                provider: provider.into(),
                region: region.into(),
                direction: direction.column(),
                gb_per_month,
            })?)
    }

    /// An interruption rate per server-hour from a published range: the
    /// range's `edge` (a share `p` of capacity reclaimed per period of `P`
    /// hours) read as a constant hazard, `rate = -ln(1 - p) / P`. The
    /// conversion, and `P` = [`HOURS_PER_MONTH`] for a month, are
    /// assumptions of the crate; the range is the data.
    ///
    /// # Errors
    ///
    /// [`DataError::UnknownCode`] when no row has this provider and scope,
    /// [`DataError::NoEdge`] when the range has no such edge.
    ///
    /// ```
    /// use geoshift::data::{DataSet, Edge};
    /// let data = DataSet::bundled()?;
    /// // GCP's historical 5-15 % per day per project: 15 % a day is
    /// // -ln(0.85) / 24 = 0.00677 interruptions per server-hour.
    /// let rate = data.interruption_rate_per_hour("gcp", "historical average per project", Edge::High)?;
    /// assert!((rate - (-(0.85f64).ln() / 24.0)).abs() < 1e-15);
    /// # Ok::<(), geoshift::Error>(())
    /// ```
    pub fn interruption_rate_per_hour(
        &self,
        provider: &str,
        scope: &str,
        edge: Edge,
    ) -> Result<f64, crate::Error> {
        let file = self.file_name(Table::Interruptions);
        let figure = self
            .interruptions
            .iter()
            .find(|f| f.provider == provider && f.scope == scope)
            .ok_or_else(|| DataError::UnknownCode {
                file: file.clone(),
                what: "interruption figure (provider / scope)",
                value: format!("{provider} / {scope}"),
            })?;
        let (p, word) = match edge {
            Edge::Low => (figure.low, "low"),
            Edge::High => (figure.high, "high"),
        };
        let p = p.ok_or_else(|| DataError::NoEdge {
            file,
            provider: provider.into(),
            scope: scope.into(),
            edge: word,
        })?;
        Ok(-(1.0 - p).ln() / figure.period_hours)
    }

    /// The measured throughput of `provider` from macro-region `from` to
    /// macro-region `to` (`EU`, `US`, `SA`, `AP`), in Gbit/s (the file's
    /// Mbit/s / 1000).
    ///
    /// # Errors
    ///
    /// [`DataError::MissingThroughput`] when the file has no measurement for
    /// that pair.
    pub fn throughput_gbps(
        &self,
        provider: &str,
        from: &str,
        to: &str,
    ) -> Result<f64, crate::Error> {
        Ok(self
            .throughput
            .get(&(provider.to_string(), from.to_string(), to.to_string()))
            .map(|mbps| mbps / 1000.0)
            .ok_or_else(|| DataError::MissingThroughput {
                file: self.file_name(Table::Throughput),
                provider: provider.into(),
                from: from.into(),
                to: to.into(),
            })?)
    }

    /// A power figure of the hardware reference (`item` and `metric` as in
    /// the file), in kW (a value in W is divided by 1000).
    ///
    /// # Errors
    ///
    /// [`DataError::UnknownCode`] when no row matches, and
    /// [`DataError::UnknownUnit`] for a unit other than kW or W.
    pub fn power_kw(&self, item: &str, metric: &str) -> Result<f64, crate::Error> {
        let file = self.file_name(Table::Power);
        let (value, unit) = self
            .power
            .get(&(item.to_string(), metric.to_string()))
            .ok_or_else(|| DataError::UnknownCode {
                file: file.clone(),
                what: "hardware item and metric",
                value: format!("{item} / {metric}"),
            })?;
        match unit.as_str() {
            "kW" => Ok(*value),
            "W" => Ok(value / 1000.0),
            other => Err(DataError::UnknownUnit {
                file,
                item: item.into(),
                metric: metric.into(),
                unit: other.into(),
            }
            .into()),
        }
    }

    /// A PUE figure of the PUE reference (`operator`, `scope` and `period`
    /// as in the file), dimensionless.
    ///
    /// # Errors
    ///
    /// [`DataError::UnknownCode`] when no row matches.
    pub fn pue(&self, operator: &str, scope: &str, period: &str) -> Result<f64, crate::Error> {
        Ok(self
            .pue
            .iter()
            .find(|(o, s, p, _)| o == operator && s == scope && p == period)
            .map(|r| r.3)
            .ok_or_else(|| DataError::UnknownCode {
                file: self.file_name(Table::Pue),
                what: "PUE row (operator / scope / period)",
                value: format!("{operator} / {scope} / {period}"),
            })?)
    }
}

/// One value per hour of `period`, or the hours that have none.
fn hours(
    file: &str,
    key: &str,
    period: &Period,
    value: impl Fn(DateTime<Utc>) -> Option<f64>,
) -> Result<Vec<f64>, DataError> {
    let mut out = Vec::with_capacity(period.hours());
    let mut missing = 0;
    let mut first_missing = None;
    for i in 0..period.hours() {
        let at = period.hour(i);
        match value(at) {
            Some(v) => out.push(v),
            None => {
                missing += 1;
                first_missing.get_or_insert(at);
            }
        }
    }
    match first_missing {
        None => Ok(out),
        Some(first_missing) => Err(DataError::MissingHours {
            file: file.to_string(),
            key: key.to_string(),
            start: period.start(),
            hours: period.hours(),
            missing,
            first_missing,
        }),
    }
}
