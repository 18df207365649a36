//! `geoshift catalog`: a SkyPilot-format price catalog (`vms.csv`) into
//! pools. Lists the offers (rent, speed, power) and the rows left out, or
//! adds the offers to a scenario as marketplace hosts and prints it.

use super::{emit, usage, Failure};
use geoshift::data::catalog::{
    add_marketplace_until, offers, read_catalog_until, BadRows, CatalogOffers, HostLink,
    MarketOptions, OfferOptions, SpeedTable, Throughput,
};
use geoshift::data::{DataError, DataSet, Offer};
use geoshift::Scenario;
use std::path::PathBuf;

/// Arguments of `geoshift catalog`.
#[derive(clap::Args)]
pub struct CatalogArgs {
    /// Catalog file in SkyPilot's vms.csv format (InstanceType,
    /// AcceleratorName, AcceleratorCount, ..., Price, SpotPrice, Region).
    catalog: PathBuf,
    /// Rent from the SpotPrice column (default: Price, on-demand).
    #[arg(long)]
    spot: bool,
    /// Leave bad rows out and list them (default: refuse the file at the
    /// first bad row, or name every accelerator the speed table lacks).
    #[arg(long)]
    skip_bad_rows: bool,
    /// Speed table: the bundled Lambda fp16 benchmark's geometric mean of
    /// nine models (`geomean`), or one of its model columns (e.g.
    /// `bert_large_squad`, `resnet50`).
    #[arg(long, default_value = "geomean", value_name = "MODEL")]
    speed: String,
    /// Your own speed table instead: NAME=RELATIVE_THROUGHPUT:BOARD_W,
    /// repeated (relative to the same reference as --reference-count).
    #[arg(long = "accelerator", value_name = "NAME=REL:WATT")]
    accelerators: Vec<String>,
    /// Reference accelerators (A100 for the bundled table) per work unit:
    /// 8 makes one work unit one 8xA100 server-hour.
    #[arg(long, default_value_t = 8.0)]
    reference_count: f64,
    /// Add the offers to this scenario as marketplace hosts and print the
    /// scenario (JSON) instead of the offer table.
    #[arg(long, value_name = "SCENARIO")]
    into: Option<PathBuf>,
    /// A link between a region of the scenario and every host, both ways:
    /// REGION=TO_HOST_USD_PER_GB:FROM_HOST_USD_PER_GB:GBPS (your own
    /// numbers: hosts publish no egress price). Repeat for several regions.
    #[arg(long = "link", value_name = "REGION=TO:FROM:GBPS")]
    links: Vec<String>,
    /// Servers per offer in every slot: a catalog row is a price point,
    /// not a count of machines, so this is your assumption (`--servers`
    /// is the same option).
    #[arg(
        long = "servers-per-offer",
        visible_alias = "servers",
        default_value_t = 1.0,
        value_name = "N"
    )]
    servers: f64,
    /// Interruptions per host-hour (your assumption: hosts can vanish).
    #[arg(long, default_value_t = 0.0)]
    interruption_rate: f64,
    /// PUE of every host (default: the Uptime Institute 2023 industry
    /// average of the bundled PUE file).
    #[arg(long)]
    pue: Option<f64>,
    /// With --into: give job JOB its own speed per accelerator, the
    /// bundled benchmark's MODEL column (`bert_large_squad`, `resnet50`,
    /// ... or `geomean`) as its `speed_by_accelerator`, with
    /// --reference-count cards of the reference per work unit. Repeat for
    /// several jobs.
    #[arg(long = "job-speed", value_name = "JOB=MODEL")]
    job_speeds: Vec<String>,
    /// Prefix of the hosts' region and pool ids.
    #[arg(long, default_value = "vast")]
    prefix: String,
    /// Print the offers and skipped rows as JSON (and a failure as one
    /// JSON error object, as every command).
    #[arg(long)]
    pub json: bool,
}

/// A data error as a failure: exit 1 (bad input), or 4 when reading was
/// stopped by Ctrl-C; `--json` prints it with its typed detail.
fn data_error(e: geoshift::Error) -> Failure {
    let code = if matches!(e, geoshift::Error::Data(DataError::Stopped { .. })) {
        4
    } else {
        1
    };
    Failure {
        code,
        ..Failure::from(e)
    }
}

/// Exit 4 when Ctrl-C was pressed: looked at between the steps of the
/// command (reading rows looks at it itself).
fn stop_if_cancelled(step: &str) -> Result<(), Failure> {
    if crate::cancel_flag().load(std::sync::atomic::Ordering::SeqCst) {
        return Err(Failure::new(4, format!("catalog: interrupted {step}")));
    }
    Ok(())
}

/// Parses `NAME=A:B[:C]` into the name and its numbers.
fn split_numbers(flag: &str, given: &str, count: usize) -> Result<(String, Vec<f64>), Failure> {
    let bad = || {
        usage(format!(
            "{flag} {given:?}: expected NAME={}",
            vec!["NUMBER"; count].join(":")
        ))
    };
    let (name, rest) = given.split_once('=').ok_or_else(bad)?;
    let numbers: Vec<f64> = rest
        .split(':')
        .map(|v| v.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| bad())?;
    if numbers.len() != count {
        return Err(bad());
    }
    Ok((name.to_string(), numbers))
}

/// Runs `geoshift catalog`.
pub fn run(args: &CatalogArgs) -> Result<(), Failure> {
    let path = &args.catalog;
    // The same input cap as every command's scenario file.
    let text = crate::read_input(path)?;
    let file = path.display().to_string();
    let speeds = if args.accelerators.is_empty() {
        let metric = match args.speed.as_str() {
            "geomean" => Throughput::GeometricMean,
            m => Throughput::Model(m.to_string()),
        };
        SpeedTable::bundled(&metric).map_err(data_error)?
    } else {
        let mut rows = Vec::new();
        for a in &args.accelerators {
            let (name, v) = split_numbers("--accelerator", a, 2)?;
            rows.push((name, v[0], v[1]));
        }
        SpeedTable::given(
            "given on the command line",
            rows.iter().map(|(n, r, w)| (n.as_str(), *r, *w)),
        )
        .map_err(data_error)?
    };
    let bad_rows = if args.skip_bad_rows {
        BadRows::Skip
    } else {
        BadRows::Refuse
    };
    let offer = if args.spot {
        Offer::Spot
    } else {
        Offer::OnDemand
    };
    let rows = read_catalog_until(&file, &text, &crate::cancel_flag()).map_err(data_error)?;
    drop(text);
    stop_if_cancelled("after reading the rows")?;
    let found = offers(
        &file,
        &rows,
        &speeds,
        &OfferOptions::default()
            .offer(offer)
            .reference_count(args.reference_count)
            .bad_rows(bad_rows),
    )
    .map_err(data_error)?;
    drop(rows);
    stop_if_cancelled("after reading the offers")?;
    match &args.into {
        None => print_offers(&found, &speeds, args.json),
        Some(scenario_path) => {
            let scenario_text = crate::read_input(scenario_path)?;
            let mut scenario = Scenario::from_json(&scenario_text)
                .map_err(|e| usage(format!("{}: {e}", scenario_path.display())))?;
            let data = DataSet::bundled().map_err(data_error)?;
            let pue = match args.pue {
                Some(p) => p,
                None => data
                    .pue(
                        "Uptime Institute survey",
                        "industry average (all surveyed sites)",
                        "2023",
                    )
                    .map_err(data_error)?,
            };
            let mut links = Vec::new();
            for l in &args.links {
                let (region, v) = split_numbers("--link", l, 3)?;
                links.push(HostLink {
                    region,
                    to_host_usd_per_gb: v[0],
                    from_host_usd_per_gb: v[1],
                    bandwidth_gbps: v[2],
                });
            }
            let options = MarketOptions::default()
                .prefix(args.prefix.clone())
                .servers_per_offer(args.servers)
                .interruption_rate_per_hour(args.interruption_rate)
                .pue(pue)
                .carbon_year(2023)
                .links(links)
                .bad_rows(bad_rows);
            let skipped = add_marketplace_until(
                &mut scenario,
                &found,
                &options,
                &data,
                &crate::cancel_flag(),
            )
            .map_err(data_error)?;
            for s in found.skipped.iter().chain(&skipped) {
                eprintln!(
                    "skipped line {}: '{}' in '{}': {}",
                    s.line, s.instance_type, s.region, s.problem
                );
            }
            drop(found);
            for given in &args.job_speeds {
                let (job, model) = given
                    .split_once('=')
                    .ok_or_else(|| usage(format!("--job-speed {given:?}: expected JOB=MODEL")))?;
                let metric = match model {
                    "geomean" => Throughput::GeometricMean,
                    m => Throughput::Model(m.to_string()),
                };
                let table = SpeedTable::bundled(&metric).map_err(data_error)?;
                let target = scenario
                    .jobs
                    .iter_mut()
                    .find(|j| j.id == job)
                    .ok_or_else(|| {
                        usage(format!(
                            "--job-speed {given:?}: {} has no job '{job}'",
                            scenario_path.display()
                        ))
                    })?;
                target.speed_by_accelerator =
                    Some(table.speed_by_accelerator(args.reference_count));
            }
            stop_if_cancelled("after adding the hosts")?;
            // What the tool could not read back is not written: the text
            // is made at most one byte past the input cap, then refused.
            let out = capped_json(&scenario).map_err(|e| match e {
                Capped::TooLarge => too_large(scenario_path),
                Capped::Stopped => Failure::new(4, "catalog: interrupted while writing".into()),
                Capped::Other(e) => Failure::new(3, format!("cannot write the scenario: {e}")),
            })?;
            stop_if_cancelled("before checking the scenario")?;
            // The result must be a scenario the model accepts.
            geoshift::Problem::new(&scenario).map_err(Failure::from)?;
            stop_if_cancelled("before writing the scenario")?;
            emit(&out)
        }
    }
}

/// The refusal of a scenario larger than every command reads back.
fn too_large(into: &std::path::Path) -> Failure {
    usage(format!(
        "--into {}: the scenario with these hosts would be larger than the input cap of \
         {} bytes (256 MiB) that every command reads; nothing written (use a smaller catalog)",
        into.display(),
        crate::MAX_INPUT_BYTES
    ))
}

/// Why [`capped_json`] gave up.
enum Capped {
    TooLarge,
    Stopped,
    Other(String),
}

/// The scenario's file text (as [`Scenario::to_json`], and a line end),
/// or [`Capped::TooLarge`] as soon as it passes the input cap, or
/// [`Capped::Stopped`] on Ctrl-C: never more than the cap in memory.
fn capped_json(scenario: &Scenario) -> Result<String, Capped> {
    struct Writer {
        bytes: Vec<u8>,
        too_large: bool,
        stopped: bool,
    }
    impl std::io::Write for Writer {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            let before = self.bytes.len() as u64 >> 20;
            self.bytes.extend_from_slice(buf);
            if self.bytes.len() as u64 > crate::MAX_INPUT_BYTES {
                self.too_large = true;
                return Err(std::io::Error::other("past the input cap"));
            }
            // Each new MiB looks at the cancel flag.
            if self.bytes.len() as u64 >> 20 != before
                && crate::cancel_flag().load(std::sync::atomic::Ordering::SeqCst)
            {
                self.stopped = true;
                return Err(std::io::Error::other("interrupted"));
            }
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut w = Writer {
        bytes: Vec::new(),
        too_large: false,
        stopped: false,
    };
    // A scenario holds only strings, numbers and instants: the writer's
    // own refusals are the only errors.
    let written = serde_json::to_writer_pretty(&mut w, scenario);
    if w.too_large {
        return Err(Capped::TooLarge);
    }
    if w.stopped {
        return Err(Capped::Stopped);
    }
    written.map_err(|e| Capped::Other(e.to_string()))?;
    w.bytes.push(b'\n');
    if w.bytes.len() as u64 > crate::MAX_INPUT_BYTES {
        return Err(Capped::TooLarge);
    }
    String::from_utf8(w.bytes).map_err(|e| Capped::Other(e.to_string()))
}

fn print_offers(found: &CatalogOffers, speeds: &SpeedTable, json: bool) -> Result<(), Failure> {
    if json {
        // Written straight from the offers (no JSON tree in between: a
        // large catalog's would take several times their memory).
        #[derive(serde::Serialize)]
        struct Out<'a> {
            catalog: &'a CatalogOffers,
            speed_table: &'a SpeedTable,
        }
        let out = serde_json::to_string(&Out {
            catalog: found,
            speed_table: speeds,
        })
        .map_err(|e| Failure::new(3, format!("cannot write JSON: {e}")))?;
        return emit(&(out + "\n"));
    }
    let mut out = format!("speed: {}\n\n", speeds.basis);
    out += &format!(
        "{:>5}  {:<28} {:<24} {:<12} {:>3} {:>9} {:>7} {:>6}\n",
        "line", "region", "instance", "accelerator", "n", "$/h", "speed", "kW"
    );
    for o in &found.offers {
        out += &format!(
            "{:>5}  {:<28} {:<24} {:<12} {:>3} {:>9.4} {:>7.4} {:>6.3}\n",
            o.line,
            o.region,
            o.instance_type,
            o.accelerator,
            o.accelerator_count,
            o.rent_usd_per_hour,
            o.speed,
            o.power_kw
        );
    }
    out += &format!(
        "\n{} offers, {} rows skipped\n",
        found.offers.len(),
        found.skipped.len()
    );
    for s in &found.skipped {
        out += &format!(
            "  skipped line {}: '{}' in '{}': {}\n",
            s.line, s.instance_type, s.region, s.problem
        );
    }
    emit(&out)
}
