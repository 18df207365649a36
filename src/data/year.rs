//! A year-long real-data MILP: the twelve Asian regions of the EuroSys'24
//! study of carbon-aware shifting (Sukprasert et al., "On the Limitations
//! of Carbon-Aware Temporal and Spatial Workload Shifting in the Cloud")
//! over the hourly slots of 2022, with one year-long `Whole` job that must
//! pick one region (twelve binaries) beside twelve `Split` jobs that share
//! the capacity. Its costs come from data: the hourly carbon intensity of
//! `data/carbon_intensity_hourly_2022_asia_eurosys24.csv` (given as text:
//! the library reads no file, and the 0.9 MB file is not compiled in) at a
//! published carbon price, an AWS list price, a server's power and AWS's
//! PUE from the bundled tables. The workload (fleet sizes, work, windows)
//! is this scenario's assumption, stated in [`year_long_asia_2022`] and in
//! `docs/performance.md` ("The year-long real-data MILP").

use super::dataset::{DataSet, Offer};
use super::error::DataError;
use crate::scenario::{Job, Link, Pool, Region, Scenario};
use crate::time::{Horizon, Series};
use chrono::{DateTime, Duration, TimeZone, Utc};

/// The file name of the carbon data under `data/`, as errors name it.
pub const ASIA_2022_CARBON_FILE: &str = "carbon_intensity_hourly_2022_asia_eurosys24.csv";

/// The twelve Electricity Maps zones the paper groups as Asia
/// (`global_modules/static_files/name_stats.csv`, column `Asia`), in the
/// file's column order; each is a region id of the scenario.
pub const ASIA_2022_ZONES: [&str; 12] = [
    "HK", "ID", "IL", "IN-MH", "IN-UP", "IN-WE", "JP-TK", "JP-KN", "KR", "SG", "TR", "TW",
];

/// Hours in 2022 (not a leap year): the file's rows.
pub const HOURS_2022: usize = 8760;

/// The carbon price, $/tCO2e: the social cost of carbon the US EPA
/// proposed in November 2022 (190 $/t, against the interim 51 $/t; E&E
/// News, 2022-11-21, `eenews.net/articles/epa-floats-sharply-increased-social-cost-of-carbon`).
/// Applied to life-cycle gCO2e/kWh, as the study's data are.
pub const EPA_2022_SOCIAL_COST_USD_PER_T: f64 = 190.0;

/// Servers in each region's pool (an assumption of this scenario).
const SERVERS_PER_REGION: f64 = 16.0;
/// The Whole job: at most this many servers, busy half of the horizon on
/// average (assumptions).
const WHOLE_MAX_SERVERS: f64 = 8.0;
const WHOLE_DUTY: f64 = 0.5;
/// The Split jobs: twelve consecutive windows, each needing this many
/// servers on average over its window, at most `SPLIT_MAX_SERVERS` at once
/// (assumptions): more than the three cleanest regions hold, so capacity
/// binds and the Whole job's region matters to them.
const SPLIT_JOBS: usize = 12;
const SPLIT_MEAN_SERVERS: f64 = 40.0;
const SPLIT_MAX_SERVERS: f64 = 64.0;
/// All jobs' data live in Singapore (a hub; an assumption). They move no
/// data, as in the study, which prices neither transfer nor its time.
const ORIGIN: &str = "SG";

/// The hourly carbon intensity of the twelve zones, gCO2e/kWh, from the
/// file's text: one vector per zone of [`ASIA_2022_ZONES`], each of
/// [`HOURS_2022`] values, the hour starting 2022-01-01T00:00Z first.
///
/// # Errors
/// [`DataError::Csv`] (a header other than `timestamp_utc` and the twelve
/// zones, a row of the wrong width), [`DataError::BadValue`] (a timestamp
/// that does not parse, a row after the last hour, an intensity that is
/// not a finite number >= 0), [`DataError::DuplicateRow`] (an hour given
/// twice or out of order), [`DataError::MissingHours`] (an hour without a
/// row). Nothing is filled in.
pub fn asia_2022_carbon(carbon_csv: &str) -> Result<Vec<Vec<f64>>, crate::Error> {
    let file = ASIA_2022_CARBON_FILE;
    let start = year_start();
    let csv_error = |line: u64, message: String| DataError::Csv {
        file: file.into(),
        line,
        message,
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(carbon_csv.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| csv_error(1, e.to_string()))?
        .clone();
    let expected: Vec<&str> = std::iter::once("timestamp_utc")
        .chain(ASIA_2022_ZONES)
        .collect();
    if header.iter().collect::<Vec<_>>() != expected {
        return Err(csv_error(
            1,
            format!(
                "header is `{}`, expected `{}`",
                header.iter().collect::<Vec<_>>().join(","),
                expected.join(",")
            ),
        )
        .into());
    }
    let mut out = vec![Vec::with_capacity(HOURS_2022); ASIA_2022_ZONES.len()];
    for (i, record) in reader.records().enumerate() {
        let line = i as u64 + 2;
        let record = record.map_err(|e| csv_error(line, e.to_string()))?;
        if record.len() != expected.len() {
            return Err(csv_error(
                line,
                format!("{} fields, expected {}", record.len(), expected.len()),
            )
            .into());
        }
        let text = &record[0];
        let bad = |field: &'static str, value: &str, rule: &'static str| DataError::BadValue {
            file: file.into(),
            line,
            field,
            value: value.into(),
            rule,
        };
        let at: DateTime<Utc> = text
            .parse()
            .map_err(|_| bad("timestamp_utc", text, "an RFC 3339 instant"))?;
        let want = start + Duration::hours(i as i64);
        if i >= HOURS_2022 {
            return Err(bad("timestamp_utc", text, "an hour of 2022 (UTC)").into());
        }
        if at < want {
            return Err(DataError::DuplicateRow {
                file: file.into(),
                line,
                key: text.into(),
            }
            .into());
        }
        if at > want {
            let hours_missing = (at - want).num_hours().max(1) as usize;
            return Err(DataError::MissingHours {
                file: file.into(),
                key: "timestamp_utc".into(),
                start,
                hours: HOURS_2022,
                missing: hours_missing,
                first_missing: want,
            }
            .into());
        }
        for (z, series) in out.iter_mut().enumerate() {
            let field = &record[z + 1];
            let g: f64 = field
                .trim()
                .parse()
                .map_err(|_| bad("carbon_g_per_kwh", field, "a number"))?;
            if !g.is_finite() || g < 0.0 {
                return Err(bad("carbon_g_per_kwh", field, "finite and >= 0").into());
            }
            series.push(g);
        }
    }
    let rows = out[0].len();
    if rows < HOURS_2022 {
        return Err(DataError::MissingHours {
            file: file.into(),
            key: "timestamp_utc".into(),
            start,
            hours: HOURS_2022,
            missing: HOURS_2022 - rows,
            first_missing: start + Duration::hours(rows as i64),
        }
        .into());
    }
    Ok(out)
}

/// 2022-01-01T00:00:00Z.
fn year_start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2022, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or(DateTime::UNIX_EPOCH)
}

/// The year-long MILP over the first `hours` hours of 2022 (8,760 for the
/// whole year; fewer make small instances of the same shape for tests).
///
/// * Regions: the twelve zones of [`ASIA_2022_ZONES`], their hourly
///   carbon from `carbon_csv` (the text of [`ASIA_2022_CARBON_FILE`]); PUE
///   1.15, AWS's global fleet in 2023 (`datacenter_pue_reference.csv`).
/// * Pools: 16 servers per region, each an AWS `p4d.24xlarge` (8×A100) at
///   its on-demand list price in `ap-northeast-1`, Tokyo
///   (`gpu_instance_prices_aws_on_demand.csv`), the same rent in every
///   region so that the carbon price alone decides where work goes (AWS
///   lists `p4d` in only three of these zones); the rent pays the energy;
///   6.5 kW per busy server, the DGX A100's maximum
///   (`hardware_power_reference.csv`).
/// * Carbon price [`EPA_2022_SOCIAL_COST_USD_PER_T`].
/// * Jobs (this scenario's assumptions): `year` is `Whole`, the whole
///   horizon, at most 8 servers, work = 8 × hours / 2 server-hours;
///   `block-01` … `block-12` are `Split`, each over a twelfth of the
///   horizon, at most 64 servers, work = 40 servers × its window's hours.
///   All start from Singapore and move no data, so the links (Singapore to
///   every other zone, needed for reachability) price nothing: 0 $/GB and
///   a nominal 1 Gbit/s that no transfer uses.
///
/// # Errors
/// [`DataError::BadPeriod`] when `hours` is below 12 or above 8,760;
/// any error of [`asia_2022_carbon`]; a lookup error of the bundled
/// tables (`data` without the rows named above).
pub fn year_long_asia_2022(
    data: &DataSet,
    carbon_csv: &str,
    hours: usize,
) -> Result<Scenario, crate::Error> {
    let start = year_start();
    if !(SPLIT_JOBS..=HOURS_2022).contains(&hours) {
        return Err(DataError::BadPeriod {
            start,
            hours,
            rule: "the year-long scenario needs 12 to 8760 hours of 2022",
        }
        .into());
    }
    let carbon = asia_2022_carbon(carbon_csv)?;
    let pue = data.pue("AWS", "global fleet", "2023")?;
    let rent = data
        .gpu_offer("aws", "ap-northeast-1", "p4d.24xlarge", Offer::OnDemand)?
        .usd_per_hour;
    let power_kw = data.power_kw("NVIDIA DGX A100 (8 GPU)", "max_power_consumption")?;
    let hour = |h: usize| start + Duration::hours(h as i64);
    let regions = ASIA_2022_ZONES
        .iter()
        .zip(carbon)
        .map(|(zone, mut g)| {
            g.truncate(hours);
            Region::new(*zone, pue, 0.0).carbon(Series::PerSlot(g))
        })
        .collect();
    let pools = ASIA_2022_ZONES
        .iter()
        .map(|zone| {
            Pool::new(
                format!("{zone}-p4d"),
                *zone,
                SERVERS_PER_REGION,
                rent,
                power_kw,
            )
            .rent_includes_energy()
        })
        .collect();
    let links = ASIA_2022_ZONES
        .iter()
        .filter(|z| **z != ORIGIN)
        .flat_map(|z| {
            [
                Link::new(ORIGIN, *z, 1.0, 0.0),
                Link::new(*z, ORIGIN, 1.0, 0.0),
            ]
        })
        .collect();
    let mut jobs = vec![Job::new(
        "year",
        ORIGIN,
        WHOLE_MAX_SERVERS * WHOLE_DUTY * hours as f64,
        hour(hours),
        WHOLE_MAX_SERVERS,
    )
    .whole()];
    for b in 0..SPLIT_JOBS {
        let (from, to) = (b * hours / SPLIT_JOBS, (b + 1) * hours / SPLIT_JOBS);
        jobs.push(
            Job::new(
                format!("block-{:02}", b + 1),
                ORIGIN,
                SPLIT_MEAN_SERVERS * (to - from) as f64,
                hour(to),
                SPLIT_MAX_SERVERS,
            )
            .release(hour(from)),
        );
    }
    Ok(Scenario {
        horizon: Horizon {
            start,
            slot_seconds: 3600,
            slots: hours,
        },
        carbon_price_usd_per_t: EPA_2022_SOCIAL_COST_USD_PER_T,
        regions,
        pools,
        links,
        jobs,
    })
}
