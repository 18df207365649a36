//! Typed rows of the data files, read with the `csv` crate and serde
//! (never by splitting strings), and the names of the bundled files.
//!
//! Each row type mirrors the header of one file in `data/` column by
//! column; `data/README.md` gives each column's unit and source.

use super::DataError;
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::Deserialize;

/// The kinds of data file a [`super::DataSet`] reads. Each has a fixed
/// header (the one of the bundled file of the same kind).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Table {
    /// Hourly electricity prices:
    /// `timestamp_utc,region,price_per_mwh,currency,price_usd_per_mwh`.
    Prices,
    /// Hourly grid carbon intensity:
    /// `timestamp_utc,zone,carbon_intensity_direct_gco2eq_per_kwh,carbon_intensity_lifecycle_gco2eq_per_kwh,low_carbon_percent,renewable_percent,estimated`.
    CarbonHourly,
    /// Yearly average carbon intensity:
    /// `year,zone,zone_name,carbon_intensity_gco2eq_per_kwh,renewable_percent,carbon_free_percent`.
    CarbonYearly,
    /// Exchange rates: `currency,usd_per_unit,as_of,source`.
    Fx,
    /// Flat electricity tariffs:
    /// `country,regulator_or_utility,customer_class,effective_from,price_local_per_kwh,currency,source_url,source_kind,note`.
    Tariffs,
    /// AWS on-demand GPU instance prices:
    /// `provider,instance_type,accelerator,accelerator_count,vcpus,memory_gib,gpu_memory_mib_each,region,on_demand_usd_per_hour`.
    AwsGpuPrices,
    /// GPU prices with spot, Middle East and US East:
    /// `provider,catalog_version,instance_or_accelerator,gpu_type,gpu_count,region,region_city,on_demand_usd_per_hour,spot_usd_per_hour,note`.
    GpuPrices,
    /// Inter-region egress prices: `provider,src_region,dst_region,egress_usd_per_gb`.
    Egress,
    /// Measured throughput between macro-regions:
    /// `provider,src_macro_region,dst_macro_region,throughput_mbps,rtt_ms`.
    Throughput,
    /// Power of servers and GPUs: `item,metric,value,unit,source_url,source_kind,note`.
    Power,
    /// Data-centre PUE figures: `operator,scope,period,pue,source_url,source_kind,note`.
    Pue,
    /// Internet transfer prices of a cloud (ingress and internet egress, by
    /// monthly volume band):
    /// `provider,region,direction,tier_from_gb,tier_to_gb,usd_per_gb,source_url,source_kind,note`.
    InternetTransfer,
    /// Published interruption figures of capacity that can vanish (as
    /// ranges, per period):
    /// `provider,offer,scope,statistic,fraction_low,fraction_high,per,source_url,source_kind,note`.
    Interruptions,
}

impl Table {
    /// Every table, in the order [`super::DataSet::bundled`] reads them.
    pub const ALL: [Table; 13] = [
        Table::Prices,
        Table::CarbonHourly,
        Table::CarbonYearly,
        Table::Fx,
        Table::Tariffs,
        Table::AwsGpuPrices,
        Table::GpuPrices,
        Table::Egress,
        Table::Throughput,
        Table::Power,
        Table::Pue,
        Table::InternetTransfer,
        Table::Interruptions,
    ];

    /// More bundled files of a kind, read after the main ones: rows added
    /// to the repository's `data/` that are not in the project's shared
    /// data folder (see `data/README.md`), as `(kind, file, text)`.
    pub fn bundled_extras() -> [(Table, &'static str, &'static str); 1] {
        [(
            Table::Power,
            "hardware_power_reference_added.csv",
            include_str!("../../data/hardware_power_reference_added.csv"),
        )]
    }

    /// The name of the bundled file of this kind, in `data/`.
    pub fn bundled_file(self) -> &'static str {
        match self {
            Table::Prices => "electricity_prices_hourly_2023-06-19_2023-07-16.csv",
            Table::CarbonHourly => "carbon_intensity_hourly_2023-06-19_2023-07-16.csv",
            Table::CarbonYearly => "carbon_intensity_yearly_2023_electricity_maps.csv",
            Table::Fx => "fx_rates_usd_per_unit_green_dcc.csv",
            Table::Tariffs => "middle_east_industrial_tariffs.csv",
            Table::AwsGpuPrices => "gpu_instance_prices_aws_on_demand.csv",
            Table::GpuPrices => "gpu_prices_middle_east_vs_us.csv",
            Table::Egress => "cloud_inter_region_egress_usd_per_gb.csv",
            Table::Throughput => "cloud_inter_region_throughput_rtt.csv",
            Table::Power => "hardware_power_reference.csv",
            Table::Pue => "datacenter_pue_reference.csv",
            Table::InternetTransfer => "cloud_internet_transfer_usd_per_gb.csv",
            Table::Interruptions => "spot_interruption_reference.csv",
        }
    }

    /// The text of the bundled file of this kind (embedded at compile time).
    pub fn bundled_text(self) -> &'static str {
        match self {
            Table::Prices => {
                include_str!("../../data/electricity_prices_hourly_2023-06-19_2023-07-16.csv")
            }
            Table::CarbonHourly => {
                include_str!("../../data/carbon_intensity_hourly_2023-06-19_2023-07-16.csv")
            }
            Table::CarbonYearly => {
                include_str!("../../data/carbon_intensity_yearly_2023_electricity_maps.csv")
            }
            Table::Fx => include_str!("../../data/fx_rates_usd_per_unit_green_dcc.csv"),
            Table::Tariffs => include_str!("../../data/middle_east_industrial_tariffs.csv"),
            Table::AwsGpuPrices => include_str!("../../data/gpu_instance_prices_aws_on_demand.csv"),
            Table::GpuPrices => include_str!("../../data/gpu_prices_middle_east_vs_us.csv"),
            Table::Egress => include_str!("../../data/cloud_inter_region_egress_usd_per_gb.csv"),
            Table::Throughput => include_str!("../../data/cloud_inter_region_throughput_rtt.csv"),
            Table::Power => include_str!("../../data/hardware_power_reference.csv"),
            Table::Pue => include_str!("../../data/datacenter_pue_reference.csv"),
            Table::InternetTransfer => {
                include_str!("../../data/cloud_internet_transfer_usd_per_gb.csv")
            }
            Table::Interruptions => include_str!("../../data/spot_interruption_reference.csv"),
        }
    }
}

/// One hour of one market's price.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct PriceRow {
    pub timestamp_utc: DateTime<Utc>,
    pub region: String,
    #[allow(dead_code)]
    pub price_per_mwh: f64,
    #[allow(dead_code)]
    pub currency: String,
    pub price_usd_per_mwh: f64,
}

/// One hour of one zone's carbon intensity.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct CarbonHourlyRow {
    pub timestamp_utc: DateTime<Utc>,
    pub zone: String,
    pub carbon_intensity_direct_gco2eq_per_kwh: f64,
    pub carbon_intensity_lifecycle_gco2eq_per_kwh: f64,
    #[allow(dead_code)]
    pub low_carbon_percent: f64,
    #[allow(dead_code)]
    pub renewable_percent: f64,
    #[allow(dead_code)]
    pub estimated: bool,
}

/// One zone's yearly average carbon intensity.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct CarbonYearlyRow {
    pub year: i32,
    pub zone: String,
    #[allow(dead_code)]
    pub zone_name: String,
    pub carbon_intensity_gco2eq_per_kwh: f64,
    #[allow(dead_code)]
    pub renewable_percent: f64,
    #[allow(dead_code)]
    pub carbon_free_percent: f64,
}

/// One exchange rate.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct FxRow {
    pub currency: String,
    pub usd_per_unit: f64,
    #[allow(dead_code)]
    pub as_of: String,
    #[allow(dead_code)]
    pub source: String,
}

/// One flat tariff.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct TariffRow {
    pub country: String,
    #[allow(dead_code)]
    pub regulator_or_utility: String,
    #[allow(dead_code)]
    pub customer_class: String,
    #[allow(dead_code)]
    pub effective_from: String,
    pub price_local_per_kwh: f64,
    pub currency: String,
    #[allow(dead_code)]
    pub source_url: String,
    #[allow(dead_code)]
    pub source_kind: String,
    #[allow(dead_code)]
    pub note: String,
}

/// One AWS on-demand instance price.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct AwsGpuRow {
    pub provider: String,
    pub instance_type: String,
    pub accelerator: String,
    pub accelerator_count: u32,
    #[allow(dead_code)]
    pub vcpus: f64,
    #[allow(dead_code)]
    pub memory_gib: f64,
    #[allow(dead_code)]
    pub gpu_memory_mib_each: f64,
    pub region: String,
    pub on_demand_usd_per_hour: f64,
}

/// One GPU price row with an optional spot price.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct GpuRow {
    pub provider: String,
    #[allow(dead_code)]
    pub catalog_version: String,
    pub instance_or_accelerator: String,
    pub gpu_type: String,
    pub gpu_count: u32,
    pub region: String,
    #[allow(dead_code)]
    pub region_city: String,
    pub on_demand_usd_per_hour: f64,
    pub spot_usd_per_hour: Option<f64>,
    #[allow(dead_code)]
    pub note: String,
}

/// One egress price.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct EgressRow {
    pub provider: String,
    pub src_region: String,
    pub dst_region: String,
    pub egress_usd_per_gb: f64,
}

/// One throughput measurement.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct ThroughputRow {
    pub provider: String,
    pub src_macro_region: String,
    pub dst_macro_region: String,
    pub throughput_mbps: f64,
    #[allow(dead_code)]
    pub rtt_ms: f64,
}

/// One power figure.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct PowerRow {
    pub item: String,
    pub metric: String,
    pub value: f64,
    pub unit: String,
    #[allow(dead_code)]
    pub source_url: String,
    #[allow(dead_code)]
    pub source_kind: String,
    #[allow(dead_code)]
    pub note: String,
}

/// One PUE figure.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct PueRow {
    pub operator: String,
    pub scope: String,
    pub period: String,
    pub pue: f64,
    #[allow(dead_code)]
    pub source_url: String,
    #[allow(dead_code)]
    pub source_kind: String,
    #[allow(dead_code)]
    pub note: String,
}

/// One internet transfer price band.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct InternetRow {
    pub provider: String,
    pub region: String,
    pub direction: String,
    pub tier_from_gb: f64,
    pub tier_to_gb: Option<f64>,
    pub usd_per_gb: f64,
    #[allow(dead_code)]
    pub source_url: String,
    #[allow(dead_code)]
    pub source_kind: String,
    #[allow(dead_code)]
    pub note: String,
}

/// One published interruption figure, as a range per period.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct InterruptionRow {
    pub provider: String,
    #[allow(dead_code)]
    pub offer: String,
    pub scope: String,
    #[allow(dead_code)]
    pub statistic: String,
    pub fraction_low: Option<f64>,
    pub fraction_high: Option<f64>,
    pub per: String,
    #[allow(dead_code)]
    pub source_url: String,
    #[allow(dead_code)]
    pub source_kind: String,
    #[allow(dead_code)]
    pub note: String,
}

/// Reads every row of a CSV text with a header into `R`, each with its
/// line in the file (the header is line 1). See [`each_row`].
pub(crate) fn read_rows<R: DeserializeOwned>(
    file: &str,
    text: &str,
) -> Result<Vec<(u64, R)>, DataError> {
    let mut rows = Vec::new();
    each_row::<R>(file, text, |line, row| {
        rows.push((line, row));
        Ok(())
    })?;
    Ok(rows)
}

/// Reads the rows of a CSV text with a header one at a time, giving `each`
/// the row and its line: the file's own line of the row's first character
/// (the header is line 1), counted from the text itself, so that a file
/// with CRLF line ends (every SkyPilot catalog) is not reported one line
/// too low, as the `csv` crate's own count is. A row that does not parse
/// is a [`DataError::Csv`] naming its line and the column by its header
/// name and value (never a 0-based index). `each` may stop the reading
/// with an error of its own.
pub(crate) fn each_row<R: DeserializeOwned>(
    file: &str,
    text: &str,
    mut each: impl FnMut(u64, R) -> Result<(), DataError>,
) -> Result<(), DataError> {
    let mut lines = Lines::new(text);
    let csv_error = |lines: &mut Lines, e: csv::Error| {
        let line = e.position().map_or(0, |p| lines.at(p.byte()));
        let message = match e.kind() {
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => format!("the row has {len} fields, the header {expected_len}"),
            csv::ErrorKind::Utf8 { err, .. } => format!("field {}: not UTF-8", err.field() + 1),
            csv::ErrorKind::Io(err) => err.to_string(),
            _ => e.to_string(),
        };
        DataError::Csv {
            file: file.to_string(),
            line,
            message,
        }
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| csv_error(&mut lines, e))?
        .clone();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => return Ok(()),
            Ok(true) => {}
            Err(e) => return Err(csv_error(&mut lines, e)),
        }
        let line = record.position().map_or(0, |p| lines.at(p.byte()));
        let row = record
            .deserialize::<R>(Some(&headers))
            .map_err(|e| DataError::Csv {
                file: file.to_string(),
                line,
                message: match e.kind() {
                    csv::ErrorKind::Deserialize { err, .. } => match err.field() {
                        Some(i) => {
                            let i = usize::try_from(i).unwrap_or(usize::MAX);
                            let column = headers.get(i).unwrap_or("?");
                            let value = record.get(i).unwrap_or_default();
                            format!(
                                "column {column} = \"{}\": {}",
                                crate::text::cut(value),
                                err.kind()
                            )
                        }
                        None => err.kind().to_string(),
                    },
                    _ => e.to_string(),
                },
            })?;
        each(line, row)?;
    }
}

/// The 1-based line of a byte offset in a text, for offsets asked in
/// increasing order (each call counts only the text since the last).
struct Lines<'a> {
    text: &'a [u8],
    byte: usize,
    line: u64,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Lines<'a> {
        Lines {
            text: text.as_bytes(),
            byte: 0,
            line: 1,
        }
    }

    /// The line of the first character at or after `byte` that is not a
    /// line end: a record of a CRLF file starts, for the `csv` crate, at
    /// the `\n` of the line before it.
    fn at(&mut self, byte: u64) -> u64 {
        let mut to = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        while matches!(self.text.get(to), Some(b'\r' | b'\n')) {
            to += 1;
        }
        if to < self.byte {
            // Asked out of order (not done here): count from the start.
            self.byte = 0;
            self.line = 1;
        }
        self.line += self.text[self.byte..to]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        self.byte = to;
        self.line
    }
}
