//! Pools from a public price catalog: the `vms.csv` files SkyPilot
//! publishes for every provider it supports (`skypilot-org/skypilot-catalog`,
//! `catalogs/v7/<provider>/vms.csv`), the big clouds, the GPU neo-clouds and
//! the Vast.ai marketplace alike.
//!
//! * [`read_catalog`] parses a file into [`CatalogRow`]s (line numbers kept).
//! * [`SpeedTable`] gives each accelerator its training throughput relative
//!   to a reference accelerator and its board power: from the bundled Lambda
//!   benchmark ([`SpeedTable::bundled`]) or the user's own
//!   ([`SpeedTable::given`]).
//! * [`offers`] turns rows into [`CatalogOffer`]s, one per (region, instance
//!   type): rent from `Price` or `SpotPrice`, speed = accelerator count ×
//!   relative throughput ÷ the reference server's count (linear scaling
//!   across GPUs, an assumption). Bad rows (no price, a price of 0 or less,
//!   an accelerator the table lacks, a repeated row) are refused or skipped
//!   and listed with their line, as [`BadRows`] says; never guessed.
//! * [`add_marketplace`] adds offers to a scenario as hosts: one region per
//!   location (a country or state, not a data centre), one pool per offer,
//!   links to the user's own regions at the transfer prices and bandwidth
//!   the user states ([`HostLink`]), machines that vanish at the rate the
//!   user states.
//!
//! A catalog lists prices, not stock: how many servers each offer has is
//! the user's number ([`MarketOptions::servers_per_offer`]).

use super::tables::{each_row, read_rows};
use super::{DataError, DataSet, Offer};
use crate::scenario::{Link, Pool, Region, Scenario};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};

/// The most rows [`read_catalog`] reads from one file: a file with more is
/// refused ([`DataError::TooManyRows`]) at its first row past the cap,
/// before anything else is built, so that the rows, the offers and what is
/// made of them stay within memory. The largest public SkyPilot catalog
/// has tens of thousands of rows; one row takes a few hundred bytes here.
pub const MAX_CATALOG_ROWS: u64 = 1_000_000;

/// How often (in rows) a long loop looks at its stop flag.
const STOP_EVERY: u64 = 4096;

/// A bundled catalog snapshot: file name, the repository, path and commit
/// it was read from, and its text (see `data/README.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Snapshot {
    /// File name under `data/catalog/`.
    pub file: &'static str,
    /// `owner/name` of the repository it was read from.
    pub repository: &'static str,
    /// Path in that repository.
    pub path: &'static str,
    /// Commit it was read at.
    pub commit: &'static str,
    /// The file's text, unchanged.
    pub text: &'static str,
}

/// The Vast.ai marketplace file (`catalogs/v7/vast/vms.csv`) at every
/// commit bundled, in the order of `data/README.md` (their dates are not
/// known). The first is the one the shipped scenario uses.
pub fn vast_snapshots() -> [Snapshot; 3] {
    const PATH: &str = "catalogs/v7/vast/vms.csv";
    [
        Snapshot {
            file: "vast_vms_00690e76.csv",
            repository: "skypilot-org/skypilot-catalog",
            path: PATH,
            commit: "00690e7666c721997de53f0594aef3d86d560545",
            text: include_str!("../../data/catalog/vast_vms_00690e76.csv"),
        },
        Snapshot {
            file: "vast_vms_0e7ecd67.csv",
            repository: "skypilot-org/skypilot-catalog",
            path: PATH,
            commit: "0e7ecd677444fed11a4987003ab03a3d342a1aa5",
            text: include_str!("../../data/catalog/vast_vms_0e7ecd67.csv"),
        },
        Snapshot {
            file: "vast_vms_b908219a.csv",
            repository: "SalikovAlex/skypilot-catalog",
            path: PATH,
            commit: "b908219ac2bf2516a033a84505ab67270afe57eb",
            text: include_str!("../../data/catalog/vast_vms_b908219a.csv"),
        },
    ]
}

/// One row of a catalog file, as written (prices not yet checked).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CatalogRow {
    /// 1-based line in the file (the header is line 1).
    pub line: u64,
    /// `InstanceType`.
    pub instance_type: String,
    /// `AcceleratorName` (empty for CPU-only rows).
    pub accelerator: String,
    /// `AcceleratorCount`.
    pub accelerator_count: Option<f64>,
    /// `Price`, $ per instance-hour (on-demand).
    pub price_usd_per_hour: Option<f64>,
    /// `SpotPrice`, $ per instance-hour.
    pub spot_price_usd_per_hour: Option<f64>,
    /// `Region`: a cloud region code, or for the marketplace a location
    /// such as `Texas, US, NA`.
    pub region: String,
    /// `AvailabilityZone`, where the file has the column.
    pub zone: Option<String>,
    /// `TotalGpuMemoryInMiB` of the `GpuInfo` column, where it says (the
    /// memory of all the instance's GPUs together, in MiB).
    pub total_gpu_memory_mib: Option<f64>,
}

#[derive(Deserialize)]
struct RawRow {
    #[serde(rename = "InstanceType")]
    instance_type: String,
    #[serde(rename = "AcceleratorName", default)]
    accelerator: Option<String>,
    #[serde(rename = "AcceleratorCount", default)]
    accelerator_count: Option<f64>,
    #[serde(rename = "Price", default)]
    price: Option<f64>,
    #[serde(rename = "SpotPrice", default)]
    spot_price: Option<f64>,
    #[serde(rename = "Region")]
    region: String,
    #[serde(rename = "AvailabilityZone", default)]
    zone: Option<String>,
    #[serde(rename = "GpuInfo", default)]
    gpu_info: Option<String>,
}

/// The `TotalGpuMemoryInMiB` of a `GpuInfo` cell: SkyPilot writes a Python
/// dict, such as `{'Gpus': [{'Name': 'H100', 'Count': 1, 'MemoryInfo':
/// {'SizeInMiB': 81559}}], 'TotalGpuMemoryInMiB': 81559}`. Only that key
/// is read: `SizeInMiB` is per GPU in the AWS and Lambda files but the
/// total of all GPUs in the Vast.ai file (its fetcher writes the host's
/// `gpu_total_ram` in both places), while the total means the same in
/// every file. `None` when the cell has no such key or no finite number
/// > 0 after it (GCP's files write only a name there).
pub fn total_gpu_memory_mib(gpu_info: &str) -> Option<f64> {
    const KEY: &str = "TotalGpuMemoryInMiB";
    let at = gpu_info.find(KEY)? + KEY.len();
    let rest = gpu_info[at..].trim_start_matches(['\'', '"', ' ']);
    let rest = rest.strip_prefix(':')?.trim_start();
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-')))
        .unwrap_or(rest.len());
    rest[..end]
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v > 0.0)
}

/// Reads a catalog file (`vms.csv` format) given as text. `file` names it
/// in errors. Only the columns geoshift uses are read; others are ignored.
/// Lines are the file's own (the header is line 1), CRLF line ends
/// included.
///
/// # Errors
///
/// [`DataError::Csv`] naming the line and column of a row that does not
/// parse (a price that is not a number, a missing `InstanceType` or
/// `Region` column); [`DataError::TooManyRows`] for a file of more than
/// [`MAX_CATALOG_ROWS`] rows.
pub fn read_catalog(file: &str, text: &str) -> Result<Vec<CatalogRow>, crate::Error> {
    read_catalog_until(file, text, &AtomicBool::new(false))
}

/// [`read_catalog`] that stops when `stop` is raised (a Ctrl-C handler's
/// flag), looked at every few thousand rows.
///
/// # Errors
///
/// As [`read_catalog`], and [`DataError::Stopped`] when `stop` was raised.
pub fn read_catalog_until(
    file: &str,
    text: &str,
    stop: &AtomicBool,
) -> Result<Vec<CatalogRow>, crate::Error> {
    let mut rows = Vec::new();
    each_row::<RawRow>(file, text, |line, r| {
        let n = rows.len() as u64;
        if n >= MAX_CATALOG_ROWS {
            return Err(DataError::TooManyRows {
                file: file.to_string(),
                line,
                limit: MAX_CATALOG_ROWS,
            });
        }
        if n.is_multiple_of(STOP_EVERY) && stop.load(Ordering::Relaxed) {
            return Err(DataError::Stopped {
                file: file.to_string(),
                line,
            });
        }
        rows.push(CatalogRow {
            line,
            instance_type: r.instance_type,
            accelerator: r.accelerator.unwrap_or_default(),
            accelerator_count: r.accelerator_count,
            price_usd_per_hour: r.price,
            spot_price_usd_per_hour: r.spot_price,
            region: r.region,
            zone: r.zone.filter(|z| !z.is_empty()),
            total_gpu_memory_mib: r.gpu_info.as_deref().and_then(total_gpu_memory_mib),
        });
        Ok(())
    })?;
    Ok(rows)
}

/// Which number of the training benchmark measures an accelerator.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Throughput {
    /// The geometric mean of the models in [`BENCHMARK_MODELS`].
    GeometricMean,
    /// One model's column, such as `bert_large_squad` or `resnet50`.
    Model(String),
}

/// The models of the bundled benchmark whose geometric mean
/// [`Throughput::GeometricMean`] takes: every column of the fp16 training
/// file except `ncf`, whose multi-GPU values are not comparable (they jump
/// by 100× between rows of one GPU type).
pub const BENCHMARK_MODELS: [&str; 9] = [
    "ssd",
    "bert_base_squad",
    "bert_large_squad",
    "gnmt",
    "resnet50",
    "tacotron2",
    "transformerxlbase",
    "transformerxllarge",
    "waveglow",
];

/// The benchmark row of one GPU that the speed table is relative to: the
/// A100 SXM4 card of the bundled benchmark (the GPU of the start-up's own
/// servers and of GCP's `a2-highgpu-8g`).
pub const REFERENCE_GPU: &str = "A100 80GB SXM4";

/// One accelerator of a [`SpeedTable`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Accelerator {
    /// Training throughput of one card relative to the reference card.
    pub relative_throughput: f64,
    /// Board power of one card, in W.
    pub board_power_w: f64,
    /// Where the numbers come from (benchmark row, or `given`).
    pub source: String,
}

/// Training throughput and board power per accelerator name (the
/// catalog's `AcceleratorName`), relative to one reference accelerator.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SpeedTable {
    /// What the throughput is relative to and how it was measured.
    pub basis: String,
    /// By catalog accelerator name.
    pub accelerators: BTreeMap<String, Accelerator>,
}

/// The files a [`SpeedTable::from_benchmark`] reads, by name: each file's
/// name (for messages) and text, and the reference GPU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Benchmark<'a> {
    /// The benchmark file's name.
    pub file: &'a str,
    /// Its text (`name_gpu,num_gpu,watt,price,<model>...`).
    pub text: &'a str,
    /// The name of the map from catalog accelerator names to `name_gpu`.
    pub map_file: &'a str,
    /// Its text (`accelerator,benchmark_gpu`).
    pub map_text: &'a str,
    /// The `name_gpu` every throughput is relative to.
    pub reference: &'a str,
}

#[derive(Deserialize)]
struct MapRow {
    accelerator: String,
    benchmark_gpu: String,
}

impl SpeedTable {
    /// The table as one job's
    /// [`speed_by_accelerator`](crate::Job::speed_by_accelerator): work
    /// units per GPU-hour on each accelerator, with `reference_count`
    /// cards of the reference making one work unit per hour (8 in the NY
    /// stories: one 8×A100 server-hour). A table of one model's column
    /// ([`Throughput::Model`]) gives a job of that workload its own speeds.
    ///
    /// ```
    /// use geoshift::data::catalog::{SpeedTable, Throughput};
    /// let bert = SpeedTable::bundled(&Throughput::Model("bert_large_squad".into()))?;
    /// let speeds = bert.speed_by_accelerator(8.0);
    /// // The reference card does an eighth of a work unit per hour.
    /// assert!((speeds["A100"] - 0.125).abs() < 1e-12);
    /// assert!(speeds["RTX4090"] < speeds["A100"]);
    /// # Ok::<(), geoshift::Error>(())
    /// ```
    pub fn speed_by_accelerator(&self, reference_count: f64) -> BTreeMap<String, f64> {
        self.accelerators
            .iter()
            .map(|(name, a)| (name.clone(), a.relative_throughput / reference_count))
            .collect()
    }

    /// The bundled table: the Lambda fp16 training benchmark
    /// (`data/catalog/lambda_pytorch_train_throughput_fp16.csv`), one-GPU
    /// rows, relative to [`REFERENCE_GPU`], board power from its `watt`
    /// column, for the catalog names mapped in `data/catalog/accelerators.csv`.
    ///
    /// # Errors
    ///
    /// As [`SpeedTable::from_benchmark`].
    pub fn bundled(metric: &Throughput) -> Result<SpeedTable, crate::Error> {
        SpeedTable::from_benchmark(
            &Benchmark {
                file: "lambda_pytorch_train_throughput_fp16.csv",
                text: include_str!("../../data/catalog/lambda_pytorch_train_throughput_fp16.csv"),
                map_file: "accelerators.csv",
                map_text: include_str!("../../data/catalog/accelerators.csv"),
                reference: REFERENCE_GPU,
            },
            metric,
        )
    }

    /// A table from a [`Benchmark`]: its file (Lambda's
    /// `pytorch-train-throughput` format: `name_gpu,num_gpu,watt,price,<model>...`)
    /// and its map from catalog accelerator names to the file's `name_gpu`
    /// (`accelerator,benchmark_gpu`). One-GPU rows only, relative to the
    /// benchmark's `reference`.
    ///
    /// ```
    /// use geoshift::data::catalog::{Benchmark, SpeedTable, Throughput};
    /// let table = SpeedTable::from_benchmark(
    ///     &Benchmark {
    ///         file: "bench.csv",
    ///         text: "name_gpu,num_gpu,watt,price,resnet50\nA,1,400,0,100\nB,1,300,0,50\n",
    ///         map_file: "map.csv",
    ///         map_text: "accelerator,benchmark_gpu\nA100,A\nL4,B\n",
    ///         reference: "A",
    ///     },
    ///     &Throughput::Model("resnet50".into()),
    /// )?;
    /// // 50 over 100 (a geometric mean of one column, through exp and ln).
    /// assert!((table.accelerators["L4"].relative_throughput - 0.5).abs() < 1e-12);
    /// assert_eq!(table.accelerators["L4"].board_power_w, 300.0);
    /// # Ok::<(), geoshift::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`DataError::Csv`] for a row that does not parse,
    /// [`DataError::UnknownCode`] for a GPU, model or reference the
    /// benchmark lacks, [`DataError::BadValue`] for a throughput or power
    /// that is not finite and positive, [`DataError::DuplicateRow`] for a
    /// name mapped twice.
    pub fn from_benchmark(
        benchmark: &Benchmark<'_>,
        metric: &Throughput,
    ) -> Result<SpeedTable, crate::Error> {
        let Benchmark {
            file: benchmark_file,
            text: benchmark_text,
            map_file,
            map_text,
            reference,
        } = *benchmark;
        let rows = read_rows::<BTreeMap<String, String>>(benchmark_file, benchmark_text)?;
        let models: Vec<&str> = match metric {
            Throughput::GeometricMean => BENCHMARK_MODELS.to_vec(),
            Throughput::Model(m) => vec![m.as_str()],
        };
        // (throughput, watt) of a one-GPU row.
        let measure = |gpu: &str| -> Result<(f64, f64), DataError> {
            let unknown = |what, value: &str| DataError::UnknownCode {
                file: benchmark_file.to_string(),
                what,
                value: value.to_string(),
            };
            let (line, row) = rows
                .iter()
                .find(|(_, r)| {
                    r.get("name_gpu").map(String::as_str) == Some(gpu)
                        && r.get("num_gpu").and_then(|n| n.parse::<f64>().ok()) == Some(1.0)
                })
                .ok_or_else(|| unknown("one-GPU benchmark row", gpu))?;
            let number = |field: &'static str, column: &str| -> Result<f64, DataError> {
                let text = row.get(column).ok_or_else(|| unknown("column", column))?;
                match text.trim().parse::<f64>() {
                    Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
                    _ => Err(DataError::BadValue {
                        file: benchmark_file.to_string(),
                        line: *line,
                        field,
                        value: format!("{column} of {gpu} = {text}"),
                        rule: "must be a finite number > 0",
                    }),
                }
            };
            let mut log_sum = 0.0;
            for m in &models {
                log_sum += number("throughput", m)?.ln();
            }
            Ok((
                (log_sum / models.len() as f64).exp(),
                number("watt", "watt")?,
            ))
        };
        let (reference_throughput, _) = measure(reference)?;
        let mut accelerators = BTreeMap::new();
        for (line, m) in read_rows::<MapRow>(map_file, map_text)? {
            let (throughput, watt) = measure(&m.benchmark_gpu)?;
            let accelerator = Accelerator {
                relative_throughput: throughput / reference_throughput,
                board_power_w: watt,
                source: format!("{benchmark_file}: {}", m.benchmark_gpu),
            };
            if accelerators
                .insert(m.accelerator.clone(), accelerator)
                .is_some()
            {
                return Err(DataError::DuplicateRow {
                    file: map_file.to_string(),
                    line,
                    key: m.accelerator,
                }
                .into());
            }
        }
        let basis = match metric {
            Throughput::GeometricMean => format!(
                "fp16 training throughput per card relative to {reference} \
                 (geometric mean of {}), {benchmark_file}",
                BENCHMARK_MODELS.join(", ")
            ),
            Throughput::Model(m) => format!(
                "fp16 training throughput per card relative to {reference} ({m}), {benchmark_file}"
            ),
        };
        Ok(SpeedTable {
            basis,
            accelerators,
        })
    }

    /// The user's own table: (catalog accelerator name, throughput relative
    /// to their reference, board power in W).
    ///
    /// # Errors
    ///
    /// [`DataError::BadValue`] (file `given speed table`, line = position
    /// from 1) for a number that is not finite and positive,
    /// [`DataError::DuplicateRow`] for a name given twice.
    pub fn given<'a>(
        basis: &str,
        rows: impl IntoIterator<Item = (&'a str, f64, f64)>,
    ) -> Result<SpeedTable, crate::Error> {
        const FILE: &str = "given speed table";
        let mut accelerators = BTreeMap::new();
        for (i, (name, relative, watt)) in rows.into_iter().enumerate() {
            let line = i as u64 + 1;
            for (field, v) in [("relative_throughput", relative), ("board_power_w", watt)] {
                if !(v.is_finite() && v > 0.0) {
                    return Err(DataError::BadValue {
                        file: FILE.to_string(),
                        line,
                        field,
                        value: format!("{name}: {v}"),
                        rule: "must be a finite number > 0",
                    }
                    .into());
                }
            }
            let row = Accelerator {
                relative_throughput: relative,
                board_power_w: watt,
                source: "given".to_string(),
            };
            if accelerators.insert(name.to_string(), row).is_some() {
                return Err(DataError::DuplicateRow {
                    file: FILE.to_string(),
                    line,
                    key: name.to_string(),
                }
                .into());
            }
        }
        Ok(SpeedTable {
            basis: basis.to_string(),
            accelerators,
        })
    }
}

/// What to do with a row that cannot be a pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum BadRows {
    /// Stop at the first bad row with an error naming it.
    #[default]
    Refuse,
    /// Leave it out and list it in [`CatalogOffers::skipped`].
    Skip,
}

/// Why a catalog row is not an offer.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum RowProblem {
    /// The price column of the chosen offer is empty.
    NoPrice {
        /// `Price` or `SpotPrice`.
        column: &'static str,
    },
    /// The price is 0 or less (the marketplace file writes 0.00 for "no
    /// spot price").
    NotPositive {
        /// `Price` or `SpotPrice`.
        column: &'static str,
        /// The value.
        value: f64,
    },
    /// No accelerator, or no count of them, on the row.
    NoAccelerator,
    /// The speed table has no such accelerator.
    UnknownAccelerator {
        /// The catalog's `AcceleratorName`.
        accelerator: String,
    },
    /// The host's country has no yearly carbon figure (or the location
    /// names no country).
    NoCarbon {
        /// What the lookup said.
        why: String,
    },
    /// The same region, zone and instance type as an earlier row.
    Duplicate {
        /// Line of the first row with that key.
        first_line: u64,
    },
}

impl std::fmt::Display for RowProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RowProblem::NoPrice { column } => write!(f, "{column} is empty"),
            RowProblem::NotPositive { column, value } => {
                write!(f, "{column} = {value} is not a price (must be > 0)")
            }
            RowProblem::NoAccelerator => write!(f, "no accelerator or accelerator count"),
            RowProblem::UnknownAccelerator { accelerator } => {
                write!(f, "accelerator '{accelerator}' is not in the speed table")
            }
            RowProblem::NoCarbon { why } => write!(f, "no carbon figure: {why}"),
            RowProblem::Duplicate { first_line } => {
                write!(f, "repeats the row of line {first_line}")
            }
        }
    }
}

/// A row left out, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SkippedRow {
    /// 1-based line in the file.
    pub line: u64,
    /// `InstanceType`.
    pub instance_type: String,
    /// `Region`.
    pub region: String,
    /// Why.
    pub problem: RowProblem,
}

/// A catalog row that can be a pool.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CatalogOffer {
    /// 1-based line in the file.
    pub line: u64,
    /// `Region` (for the marketplace, a location).
    pub region: String,
    /// `AvailabilityZone`, if any.
    pub zone: Option<String>,
    /// `InstanceType`.
    pub instance_type: String,
    /// `AcceleratorName`.
    pub accelerator: String,
    /// `AcceleratorCount`.
    pub accelerator_count: f64,
    /// Rent in $ per instance-hour (`Price` or `SpotPrice`).
    pub rent_usd_per_hour: f64,
    /// Work units per instance-hour: count × relative throughput ÷ the
    /// reference server's count.
    pub speed: f64,
    /// Power of the busy instance's accelerators, in kW (board power ×
    /// count; host CPU, memory and fans not counted).
    pub power_kw: f64,
    /// GPUs in one instance: `AcceleratorCount` when it is a whole number
    /// >= 1 (a fraction of a GPU has none).
    pub gpus_per_server: Option<u32>,
    /// Memory of one GPU in GB (10^9 bytes): `TotalGpuMemoryInMiB` of
    /// `GpuInfo` ÷ `AcceleratorCount`, MiB turned into GB (an H100's
    /// 81,559 MiB is 85.5 GB, an RTX 4090's 24,564 MiB 25.8 GB). `None`
    /// when the row does not say.
    pub gpu_memory_gb: Option<f64>,
}

/// Bytes in a MiB over bytes in a GB.
const GB_PER_MIB: f64 = 1_048_576.0 / 1e9;

/// GPUs in one instance of a row: its `AcceleratorCount` when that is a
/// whole number from 1 to `u32::MAX`.
fn whole_gpus(count: f64) -> Option<u32> {
    (count >= 1.0 && count.fract() == 0.0 && count <= f64::from(u32::MAX)).then_some(count as u32)
}

/// The offers of a catalog file and the rows left out.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CatalogOffers {
    /// File name.
    pub file: String,
    /// The offers, in file order.
    pub offers: Vec<CatalogOffer>,
    /// Rows left out ([`BadRows::Skip`]), in file order.
    pub skipped: Vec<SkippedRow>,
}

/// How catalog rows become offers ([`offers`]): which price, how many
/// reference accelerators make one work unit per hour, and what to do with
/// a bad row. The default is on-demand prices, 8 (one 8×A100
/// server-hour) and [`BadRows::Refuse`].
///
/// ```
/// use geoshift::data::catalog::{BadRows, OfferOptions};
/// use geoshift::data::Offer;
/// let spot = OfferOptions::default().offer(Offer::Spot).bad_rows(BadRows::Skip);
/// assert_eq!(spot.reference_count, 8.0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct OfferOptions {
    /// The price column: `Price` or `SpotPrice`.
    pub offer: Offer,
    /// Accelerators of the reference that make one work unit per hour.
    pub reference_count: f64,
    /// What to do with a row that cannot be an offer.
    pub bad_rows: BadRows,
}

impl Default for OfferOptions {
    fn default() -> Self {
        OfferOptions {
            offer: Offer::OnDemand,
            reference_count: 8.0,
            bad_rows: BadRows::Refuse,
        }
    }
}

impl OfferOptions {
    /// The price column (default on-demand).
    pub fn offer(mut self, offer: Offer) -> Self {
        self.offer = offer;
        self
    }
    /// Accelerators of the reference per work unit per hour (default 8).
    pub fn reference_count(mut self, count: f64) -> Self {
        self.reference_count = count;
        self
    }
    /// What to do with a bad row (default [`BadRows::Refuse`]).
    pub fn bad_rows(mut self, bad_rows: BadRows) -> Self {
        self.bad_rows = bad_rows;
        self
    }
}

/// Turns the catalog rows of `file` into offers: rent from the options'
/// price column, speed and power from `speeds`, with
/// [`OfferOptions::reference_count`] accelerators of the reference making
/// one work unit per hour.
///
/// # Errors
///
/// With [`BadRows::Refuse`]: [`DataError::UnknownAccelerators`] naming
/// every accelerator of the file the table lacks, else
/// [`DataError::BadCatalogRow`] for the first other bad row. Either way
/// [`DataError::BadValue`] when `reference_count` is not finite and > 0.
pub fn offers(
    file: &str,
    rows: &[CatalogRow],
    speeds: &SpeedTable,
    options: &OfferOptions,
) -> Result<CatalogOffers, crate::Error> {
    let OfferOptions {
        offer,
        reference_count,
        bad_rows,
    } = *options;
    if !(reference_count.is_finite() && reference_count > 0.0) {
        return Err(DataError::BadValue {
            file: file.to_string(),
            line: 0,
            field: "reference_count",
            value: reference_count.to_string(),
            rule: "must be a finite number > 0",
        }
        .into());
    }
    if bad_rows == BadRows::Refuse {
        let unknown: BTreeSet<&str> = rows
            .iter()
            .filter(|r| !r.accelerator.is_empty())
            .map(|r| r.accelerator.as_str())
            .filter(|a| !speeds.accelerators.contains_key(*a))
            .collect();
        if !unknown.is_empty() {
            return Err(DataError::UnknownAccelerators {
                file: file.to_string(),
                names: unknown.into_iter().map(str::to_string).collect(),
            }
            .into());
        }
    }
    let column = match offer {
        Offer::OnDemand => "Price",
        Offer::Spot => "SpotPrice",
    };
    let mut out = CatalogOffers {
        file: file.to_string(),
        offers: Vec::new(),
        skipped: Vec::new(),
    };
    let mut seen: BTreeMap<(&str, Option<&str>, &str), u64> = BTreeMap::new();
    for row in rows {
        let price = match offer {
            Offer::OnDemand => row.price_usd_per_hour,
            Offer::Spot => row.spot_price_usd_per_hour,
        };
        let key = (
            row.region.as_str(),
            row.zone.as_deref(),
            row.instance_type.as_str(),
        );
        let checked = (|| {
            if let Some(&first_line) = seen.get(&key) {
                return Err(RowProblem::Duplicate { first_line });
            }
            let rent = match price {
                None => return Err(RowProblem::NoPrice { column }),
                Some(p) if !(p.is_finite() && p > 0.0) => {
                    return Err(RowProblem::NotPositive { column, value: p })
                }
                Some(p) => p,
            };
            let count = match row.accelerator_count {
                Some(c) if c.is_finite() && c > 0.0 && !row.accelerator.is_empty() => c,
                _ => return Err(RowProblem::NoAccelerator),
            };
            let acc = speeds.accelerators.get(&row.accelerator).ok_or_else(|| {
                RowProblem::UnknownAccelerator {
                    accelerator: row.accelerator.clone(),
                }
            })?;
            Ok(CatalogOffer {
                line: row.line,
                region: row.region.clone(),
                zone: row.zone.clone(),
                instance_type: row.instance_type.clone(),
                accelerator: row.accelerator.clone(),
                accelerator_count: count,
                rent_usd_per_hour: rent,
                speed: count * acc.relative_throughput / reference_count,
                power_kw: count * acc.board_power_w / 1000.0,
                gpus_per_server: whole_gpus(count),
                gpu_memory_gb: row.total_gpu_memory_mib.map(|mib| mib / count * GB_PER_MIB),
            })
        })();
        seen.entry(key).or_insert(row.line);
        match checked {
            Ok(o) => out.offers.push(o),
            Err(problem) => match bad_rows {
                BadRows::Refuse => {
                    return Err(DataError::BadCatalogRow {
                        file: file.to_string(),
                        line: row.line,
                        instance: row.instance_type.clone(),
                        region: row.region.clone(),
                        problem: problem.to_string(),
                    }
                    .into())
                }
                BadRows::Skip => out.skipped.push(SkippedRow {
                    line: row.line,
                    instance_type: row.instance_type.clone(),
                    region: row.region.clone(),
                    problem,
                }),
            },
        }
    }
    Ok(out)
}

/// The country code of a marketplace location written `State, CC, Continent`
/// (the Vast.ai file's form; the state may be empty), if it has one.
pub fn country_code(location: &str) -> Option<&str> {
    let parts: Vec<&str> = location.split(',').map(str::trim).collect();
    match parts.as_slice() {
        [.., cc, _continent] if cc.len() == 2 && cc.chars().all(|c| c.is_ascii_uppercase()) => {
            Some(cc)
        }
        _ => None,
    }
}

/// A link between a region of the user's and every marketplace host, both
/// ways, at prices and a bandwidth the user states (a marketplace host has
/// no published egress price: each sets its own, and the catalog does not
/// carry it).
#[derive(Debug, Clone, PartialEq)]
pub struct HostLink {
    /// The user's region id (already in the scenario).
    pub region: String,
    /// $/GB for data sent from `region` to a host.
    pub to_host_usd_per_gb: f64,
    /// $/GB for data sent from a host back to `region`.
    pub from_host_usd_per_gb: f64,
    /// Gbit/s each way.
    pub bandwidth_gbps: f64,
}

/// How marketplace offers become a scenario's hosts ([`add_marketplace`]).
/// The default: ids prefixed `vast`, one server per offer, no
/// interruptions, a PUE of 1 (set the one you assume: the bundled survey's
/// average is [`DataSet::pue`]), the carbon figures of 2023 (the bundled
/// yearly file's year), no links, bad rows refused.
///
/// ```
/// use geoshift::data::catalog::{HostLink, MarketOptions};
/// let options = MarketOptions::default()
///     .prefix("market")
///     .servers_per_offer(4.0)
///     .pue(1.3)
///     .link(HostLink {
///         region: "ny".into(),
///         to_host_usd_per_gb: 0.01,
///         from_host_usd_per_gb: 0.01,
///         bandwidth_gbps: 1.0,
///     });
/// assert_eq!((options.links.len(), options.carbon_year), (1, 2023));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct MarketOptions {
    /// Prefix of the region and pool ids, such as `vast`.
    pub prefix: String,
    /// Servers per offer in every slot (a catalog lists prices, not stock).
    pub servers_per_offer: f64,
    /// Interruptions per server-hour of every host (machines that vanish).
    pub interruption_rate_per_hour: f64,
    /// PUE of every host.
    pub pue: f64,
    /// Year of the yearly carbon average of the host's country.
    pub carbon_year: i32,
    /// Links between the user's regions and every host.
    pub links: Vec<HostLink>,
    /// What to do with a location whose country has no yearly carbon figure.
    pub bad_rows: BadRows,
}

impl Default for MarketOptions {
    fn default() -> Self {
        MarketOptions {
            prefix: "vast".to_string(),
            servers_per_offer: 1.0,
            interruption_rate_per_hour: 0.0,
            pue: 1.0,
            carbon_year: 2023,
            links: Vec::new(),
            bad_rows: BadRows::Refuse,
        }
    }
}

impl MarketOptions {
    /// Prefix of the region and pool ids (default `vast`).
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }
    /// Servers per offer in every slot (default 1).
    pub fn servers_per_offer(mut self, servers: f64) -> Self {
        self.servers_per_offer = servers;
        self
    }
    /// Interruptions per server-hour of every host (default 0).
    pub fn interruption_rate_per_hour(mut self, rate: f64) -> Self {
        self.interruption_rate_per_hour = rate;
        self
    }
    /// PUE of every host (default 1).
    pub fn pue(mut self, pue: f64) -> Self {
        self.pue = pue;
        self
    }
    /// Year of the yearly carbon averages (default 2023).
    pub fn carbon_year(mut self, year: i32) -> Self {
        self.carbon_year = year;
        self
    }
    /// Adds a link between one of the user's regions and every host.
    pub fn link(mut self, link: HostLink) -> Self {
        self.links.push(link);
        self
    }
    /// Adds links.
    pub fn links(mut self, links: impl IntoIterator<Item = HostLink>) -> Self {
        self.links.extend(links);
        self
    }
    /// What to do with a location without a carbon figure (default
    /// [`BadRows::Refuse`]).
    pub fn bad_rows(mut self, bad_rows: BadRows) -> Self {
        self.bad_rows = bad_rows;
        self
    }
}

/// Lower-case letters and digits, other runs as one `-`.
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// Region id of a marketplace location under `prefix` (before
/// [`add_marketplace`] tells apart two locations of the same id).
pub fn host_region_id(prefix: &str, location: &str) -> String {
    format!("{prefix}-{}", slug(location))
}

/// Pool id of an offer in the region `region_id` (before [`add_marketplace`]
/// tells apart two offers of the same id): the region id, the instance
/// type and, where the row has one, the availability zone, each as a slug.
pub fn host_pool_id(region_id: &str, offer: &CatalogOffer) -> String {
    let mut id = format!("{region_id}-{}", slug(&offer.instance_type));
    if let Some(zone) = &offer.zone {
        id = format!("{id}-{}", slug(zone));
    }
    id
}

/// Ids that stay distinct: the first of a kind is kept as it is, a later
/// one that would repeat an id already given gets `-2`, `-3`, ... (the
/// first of those that is free). The same input in the same order always
/// gets the same ids.
#[derive(Default)]
struct DistinctIds {
    given: BTreeSet<String>,
}

impl DistinctIds {
    fn distinct(&mut self, id: String) -> String {
        if self.given.insert(id.clone()) {
            return id;
        }
        let mut n = 2u64;
        loop {
            let candidate = format!("{id}-{n}");
            if self.given.insert(candidate.clone()) {
                return candidate;
            }
            n += 1;
        }
    }
}

/// The one place where an offer's hardware (the catalog's
/// `AcceleratorName`, `AcceleratorCount` and memory per GPU from
/// `GpuInfo`, as [`CatalogOffer::accelerator`],
/// [`CatalogOffer::gpus_per_server`] and [`CatalogOffer::gpu_memory_gb`])
/// is copied into the pool built from it.
fn with_hardware(mut pool: Pool, offer: &CatalogOffer) -> Pool {
    pool.accelerator = Some(offer.accelerator.clone());
    pool.gpus_per_server = offer.gpus_per_server;
    pool.gpu_memory_gb = offer.gpu_memory_gb;
    pool
}

/// Adds `offers` to `scenario` as marketplace hosts: a region per location
/// (energy paid in the rent, carbon the yearly average of its country from
/// `data`), a pool per offer (rent includes energy), links to and from each
/// of `options.links`. Returns the locations left out.
///
/// # Errors
///
/// [`DataError::UnknownRegion`] for a [`HostLink`] region not in the
/// scenario; with [`BadRows::Refuse`], [`DataError::BadCatalogRow`] for an
/// offer whose location has no country code or whose country has no yearly
/// carbon figure; [`DataError::BadValue`] for an option that is not finite
/// and non-negative (servers, rate, prices, bandwidth) or a PUE below 1.
pub fn add_marketplace(
    scenario: &mut Scenario,
    offers: &CatalogOffers,
    options: &MarketOptions,
    data: &DataSet,
) -> Result<Vec<SkippedRow>, crate::Error> {
    add_marketplace_until(scenario, offers, options, data, &AtomicBool::new(false))
}

/// [`add_marketplace`] that stops when `stop` is raised (a Ctrl-C
/// handler's flag), looked at every few thousand offers. A stopped call
/// may leave some hosts' pools in `scenario`: drop it.
///
/// # Errors
///
/// As [`add_marketplace`], and [`DataError::Stopped`] (at the line of the
/// offer reached) when `stop` was raised.
pub fn add_marketplace_until(
    scenario: &mut Scenario,
    offers: &CatalogOffers,
    options: &MarketOptions,
    data: &DataSet,
    stop: &AtomicBool,
) -> Result<Vec<SkippedRow>, crate::Error> {
    let bad = |field: &'static str, v: f64, rule: &'static str| DataError::BadValue {
        file: "market options".to_string(),
        line: 0,
        field,
        value: v.to_string(),
        rule,
    };
    let non_negative = |field, v: f64| {
        if v.is_finite() && v >= 0.0 {
            Ok(())
        } else {
            Err(bad(field, v, "must be a finite number >= 0"))
        }
    };
    non_negative("servers_per_offer", options.servers_per_offer)?;
    non_negative(
        "interruption_rate_per_hour",
        options.interruption_rate_per_hour,
    )?;
    if !(options.pue.is_finite() && options.pue >= 1.0) {
        return Err(bad("pue", options.pue, "must be a finite number >= 1").into());
    }
    for l in &options.links {
        non_negative("to_host_usd_per_gb", l.to_host_usd_per_gb)?;
        non_negative("from_host_usd_per_gb", l.from_host_usd_per_gb)?;
        non_negative("bandwidth_gbps", l.bandwidth_gbps)?;
        if !scenario.regions.iter().any(|r| r.id == l.region) {
            return Err(DataError::UnknownRegion {
                entity: "link",
                id: format!("{}<->{}-*", l.region, options.prefix),
                region: l.region.clone(),
            }
            .into());
        }
    }
    let mut skipped = Vec::new();
    let mut regions: BTreeMap<String, Region> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    // Region id of each location, and ids given so far: two locations
    // (or two offers) whose slugs are the same still get distinct ids.
    let mut region_of: BTreeMap<&str, String> = BTreeMap::new();
    let mut region_ids = DistinctIds::default();
    let mut pool_ids = DistinctIds::default();
    for (n, o) in offers.offers.iter().enumerate() {
        if (n as u64).is_multiple_of(STOP_EVERY) && stop.load(Ordering::Relaxed) {
            return Err(DataError::Stopped {
                file: offers.file.clone(),
                line: o.line,
            }
            .into());
        }
        let id = match region_of.get(o.region.as_str()) {
            Some(id) => id.clone(),
            None => {
                let id = region_ids.distinct(host_region_id(&options.prefix, &o.region));
                region_of.insert(o.region.as_str(), id.clone());
                id
            }
        };
        if !regions.contains_key(&id) {
            let carbon = match country_code(&o.region) {
                None => Err("the location has no country code".to_string()),
                Some(cc) => data
                    .yearly_carbon_g_per_kwh(cc, options.carbon_year)
                    .map_err(|e| e.to_string()),
            };
            let carbon = match (carbon, options.bad_rows) {
                (Ok(c), _) => c,
                (Err(why), BadRows::Refuse) => {
                    return Err(DataError::BadCatalogRow {
                        file: offers.file.clone(),
                        line: o.line,
                        instance: o.instance_type.clone(),
                        region: o.region.clone(),
                        problem: why,
                    }
                    .into())
                }
                (Err(why), BadRows::Skip) => {
                    skipped.push(SkippedRow {
                        line: o.line,
                        instance_type: o.instance_type.clone(),
                        region: o.region.clone(),
                        problem: RowProblem::NoCarbon { why },
                    });
                    continue;
                }
            };
            regions.insert(
                id.clone(),
                Region::new(id.clone(), options.pue, 0.0).carbon(carbon),
            );
            order.push(id.clone());
        }
        let pool_id = pool_ids.distinct(host_pool_id(&id, o));
        let pool = Pool::new(
            pool_id,
            id,
            options.servers_per_offer,
            o.rent_usd_per_hour,
            o.power_kw,
        )
        .rent_includes_energy()
        .speed(o.speed)
        .interruption_rate_per_hour(options.interruption_rate_per_hour);
        scenario.pools.push(with_hardware(pool, o));
    }
    for id in order {
        if let Some(region) = regions.remove(&id) {
            scenario.regions.push(region);
        }
        for l in &options.links {
            scenario.links.push(Link::new(
                l.region.clone(),
                id.clone(),
                l.bandwidth_gbps,
                l.to_host_usd_per_gb,
            ));
            scenario.links.push(Link::new(
                id.clone(),
                l.region.clone(),
                l.bandwidth_gbps,
                l.from_host_usd_per_gb,
            ));
        }
    }
    Ok(skipped)
}
