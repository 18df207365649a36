//! `geoshift sweep`: a trade-off curve (the optimum at each carbon price,
//! emissions cap, deadline slack or value of a field) as a table, JSON,
//! and an SVG curve.

use crate::bench::MAX_THREADS;
use crate::output::usd;
use crate::{emit, optimal, output, to_json, usage, Failure, Solver};
use clap::{ArgGroup, Args};
use geoshift::{Curve, StopReason, Sweep, SweepAxis, SweepKind, SweepPoint};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::{Path, PathBuf};

/// The arguments of `geoshift sweep`.
#[derive(Args)]
#[command(group(ArgGroup::new("axis").required(true).args(["carbon_prices", "emissions_caps", "deadline_slack", "vary"])))]
pub struct SweepArgs {
    /// Scenario file (JSON, see docs/MODEL.md).
    scenario: PathBuf,
    /// Carbon prices to solve at, $/tCO2e, such as `0,50,100`.
    #[arg(long, value_delimiter = ',', value_name = "USD_PER_T")]
    carbon_prices: Option<Vec<f64>>,
    /// Emissions caps in tCO2e, loosest first (`5,4,3`), or `auto`: caps
    /// evenly spaced from the least-cost plan's emissions down to the
    /// least emissions (`--points` of them).
    #[arg(long, value_delimiter = ',', value_name = "T|auto")]
    emissions_caps: Option<Vec<String>>,
    /// Hours added to every deadline, such as `0,6,12,24` (negative values
    /// move them earlier; past the horizon's end is an error).
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "HOURS",
        allow_hyphen_values = true
    )]
    deadline_slack: Option<Vec<f64>>,
    /// A numeric field set to each value in turn on every match, or a
    /// top-level one: `--vary 'pool:vast-*.interruption_rate_per_hour=0,0.1'`,
    /// `--vary carbon_price_usd_per_t=0,80` (KIND and GLOB as `--set`).
    /// Every value is applied and validated before any solve.
    #[arg(
        long,
        value_name = "[KIND:GLOB.]FIELD=V1,V2,...",
        allow_hyphen_values = true
    )]
    vary: Option<String>,
    /// Number of caps of `--emissions-caps auto`.
    #[arg(long, default_value_t = 8)]
    points: usize,
    /// LP backend for the optimum (those compiled in).
    #[arg(long, value_enum, default_value = "auto")]
    solver: Solver,
    /// Threads that solve points at once, 1 to 256 (default: one per
    /// core): the settings are cut into that many runs of neighbours, each
    /// point starting from the one before in its run (carbon prices and
    /// price fields at `--gap 1e-5` or looser: the least and greatest at
    /// once, then each price between two solved ones from both). Fewer run when the memory budget does not hold
    /// that many solves (said on stderr).
    #[arg(long)]
    threads: Option<usize>,
    /// Print the curve as JSON.
    #[arg(long)]
    pub json: bool,
    /// Also write the curve as an SVG file (written whole or not at all,
    /// never through a symbolic link or onto the input).
    #[arg(long, value_name = "FILE.svg", conflicts_with = "shard")]
    out: Option<PathBuf>,
    /// Solve only shard I of N of the settings (numbered from 1: the
    /// settings at 0-based positions p with p mod N = I - 1), and print
    /// its result as JSON with a `shard` object for `geoshift merge`;
    /// `env` reads a Slurm array's task id and count, `env/N` a Kubernetes
    /// Indexed Job's JOB_COMPLETION_INDEX (docs/many-machines.md).
    #[arg(long, value_name = "I/N|env|env/N")]
    shard: Option<String>,
    /// Write the shard's result to this new file (never over one), or
    /// into this folder as `sweep-shard-I-of-N.json`, instead of stdout.
    #[arg(long, value_name = "FILE|DIR")]
    shard_out: Option<PathBuf>,
}

/// Runs the sweep, prints the table (or JSON) and writes the SVG.
pub fn run(args: SweepArgs) -> Result<(), Failure> {
    let axis = axis(&args)?;
    let threads = threads(args.threads)?;
    let shard = crate::shard::from_args(args.shard.as_deref(), args.shard_out.as_deref(), "sweep")?;
    if let Some((shard, file)) = shard {
        return run_shard(&args, (axis, threads), shard, file.as_deref());
    }
    let target = match &args.out {
        Some(file) => Some(out_file(file, &args.scenario)?),
        None => None,
    };
    // The problem and one point's at a time.
    let problem = crate::load_for(&args.scenario, 2)?;
    let sweep = configured(axis, args.solver).threads(threads);
    let curve = sweep.run(&problem)?;
    say_threads(threads, &curve);
    let mut out = String::new();
    if args.json {
        out.push_str(&to_json(&curve)?);
        out.push('\n');
    } else {
        let skipped: Vec<(f64, String)> = curve
            .skipped
            .iter()
            .map(|s| (s.setting, s.error.to_string()))
            .collect();
        table(
            &mut out,
            curve.kind,
            curve.field.as_deref(),
            &curve.points,
            &skipped,
            curve.stopped,
            &args.scenario,
        );
    }
    emit(&out)?;
    // A curve with no point is a failure with solve's exit status: 4 when a
    // limit stopped the sweep first, 2 when no setting has a plan. The
    // table or JSON above already says which settings were tried.
    if curve.points.is_empty() {
        let failure = match (curve.stopped, curve.skipped.first()) {
            (Some(why), _) => Failure::new(
                4,
                format!("the sweep was stopped by {why} before any point was solved"),
            ),
            (None, Some(first)) => Failure {
                message: format!(
                    "no setting of the sweep has a plan; the first, {}: {}",
                    self::setting(first.setting),
                    first.error
                ),
                ..Failure::from(first.error.clone())
            },
            (None, None) => Failure::new(1, "the sweep has no settings".into()),
        };
        return Err(Failure {
            reported: args.json,
            ..failure
        });
    }
    if let Some((dir, name)) = target {
        let svg = render(&curve).map_err(|e| Failure::new(3, e))?;
        output::write_all(&dir, &[(name.as_str(), svg)]).map_err(|e| Failure::new(1, e))?;
        eprintln!("wrote {}", dir.join(&name).display());
    }
    Ok(())
}

/// The threads of `--threads` (default: the machine's cores, at most
/// [`MAX_THREADS`]); 0 or more than [`MAX_THREADS`] is a usage error.
pub(crate) fn threads(asked: Option<usize>) -> Result<usize, Failure> {
    match asked {
        Some(0) => Err(usage("--threads must be at least 1".into())),
        Some(n) if n > MAX_THREADS => Err(usage(format!(
            "--threads {n}: at most {MAX_THREADS} (more than the cores gains nothing)"
        ))),
        Some(n) => Ok(n),
        None => Ok(std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(MAX_THREADS)),
    }
}

/// A line on stderr when the memory budget ran fewer threads than asked
/// (and than the points solved).
fn say_threads(asked: usize, curve: &Curve) {
    let settings = curve.points.len() + curve.skipped.len();
    if curve.threads < asked.min(settings) {
        eprintln!(
            "sweep: {} thread(s) instead of {asked}: the memory budget holds {} solve(s) of this \
             scenario at once",
            curve.threads, curve.threads
        );
    }
}

/// The sweep of `axis` with the optimum of `solver`, reporting each point
/// on stderr when progress is shown.
fn configured(axis: SweepAxis, solver: Solver) -> Sweep {
    Sweep::new(axis).optimal(optimal(solver.0, false)).on_point(
        move |done, total, setting, point| match point {
            _ if !crate::progress_shown() => {}
            Some(p) => eprintln!(
                "point {done}/{total} at {}: {}, {:.4} tCO2e ({:.2} s)",
                self::setting(setting),
                usd(p.total_usd),
                p.emissions_t,
                p.seconds
            ),
            None => eprintln!(
                "point {done}/{total} at {}: no plan",
                self::setting(setting)
            ),
        },
    )
}

/// Solves one shard's settings and writes its result: the curve's JSON
/// (as `--json` prints it) with a `shard` object naming the shard, the
/// whole run's settings and a fingerprint of the scenario as solved, for
/// `geoshift merge`. A shard with no point is a result too (the merge
/// decides), so it ends with status 0 once its file is written.
fn run_shard(
    args: &SweepArgs,
    (axis, threads): (SweepAxis, usize),
    shard: crate::shard::Shard,
    file: Option<&Path>,
) -> Result<(), Failure> {
    let (kind, all) = match &axis {
        SweepAxis::CarbonPrice(v) => ("carbon_price", v.clone()),
        SweepAxis::EmissionsCap(v) => ("emissions_cap", v.clone()),
        SweepAxis::DeadlineSlack(v) => ("deadline_slack", v.clone()),
        SweepAxis::Field { values, .. } => ("field", values.clone()),
        _ => {
            return Err(usage(
                "--shard with --emissions-caps auto: give the caps as numbers (every shard \
                 would repeat the two solves that place the automatic caps)"
                    .into(),
            ))
        }
    };
    let mine = shard.pick(&all);
    let problem = crate::load_for(&args.scenario, 2)?;
    // Every setting is checked, not only this shard's: a bad value fails
    // every shard at once, before any of them solves.
    configured(axis.clone(), args.solver).check(&problem)?;
    let clock = std::time::Instant::now();
    let mut result = if mine.is_empty() {
        let mut empty = serde_json::json!({ "kind": kind, "points": [], "skipped": [] });
        if args.vary.is_some() {
            empty["field"] = varied(&axis).into();
        }
        empty
    } else {
        let axis = match &axis {
            SweepAxis::CarbonPrice(_) => SweepAxis::CarbonPrice(mine.clone()),
            SweepAxis::EmissionsCap(_) => SweepAxis::EmissionsCap(mine.clone()),
            SweepAxis::Field { target, field, .. } => SweepAxis::Field {
                target: target.clone(),
                field: field.clone(),
                values: mine.clone(),
            },
            _ => SweepAxis::DeadlineSlack(mine.clone()),
        };
        let curve = configured(axis, args.solver)
            .threads(threads)
            .run(&problem)?;
        say_threads(threads, &curve);
        serde_json::to_value(&curve)
            .map_err(|e| Failure::new(3, format!("cannot write JSON: {e}")))?
    };
    let limits = crate::LIMITS.get().copied().unwrap_or_default();
    result["shard"] = serde_json::json!({
        "command": "sweep",
        "index": shard.index,
        "count": shard.count,
        "items": all.len(),
        "scenario_path": args.scenario.display().to_string(),
        "seconds": clock.elapsed().as_secs_f64(),
        "inputs": {
            "scenario": crate::shard::fingerprint(&problem.scenario().to_json()),
            "kind": kind,
            "settings": all,
            "solver": args.solver.0.name(),
            "gap": limits.gap,
        },
    });
    if args.vary.is_some() {
        // Shards of different fields must not merge.
        result["shard"]["inputs"]["field"] = varied(&axis).into();
    }
    crate::shard::write(shard, file, &to_json(&result)?)
}

/// The axis the flags ask for.
fn axis(args: &SweepArgs) -> Result<SweepAxis, Failure> {
    if let Some(v) = &args.carbon_prices {
        return Ok(SweepAxis::CarbonPrice(v.clone()));
    }
    if let Some(v) = &args.deadline_slack {
        return Ok(SweepAxis::DeadlineSlack(v.clone()));
    }
    if let Some(text) = &args.vary {
        return SweepAxis::vary(text).map_err(Failure::from);
    }
    let caps = args.emissions_caps.clone().unwrap_or_default();
    if caps.len() == 1 && caps[0] == "auto" {
        return Ok(SweepAxis::EmissionsCapAuto {
            points: args.points,
        });
    }
    let caps = caps
        .iter()
        .map(|c| {
            c.parse::<f64>().map_err(|_| {
                usage(format!(
                    "--emissions-caps: '{c}' is not a number (give numbers, or `auto` alone)"
                ))
            })
        })
        .collect::<Result<Vec<f64>, Failure>>()?;
    Ok(SweepAxis::EmissionsCap(caps))
}

/// The folder and name of `--out`, checked before anything is solved.
fn out_file(file: &Path, input: &Path) -> Result<(PathBuf, String), Failure> {
    let name = file
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| usage(format!("--out {}: not a file name", file.display())))?
        .to_string();
    let dir = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    output::check_dir(&dir, &[name.as_str()], input).map_err(usage)?;
    Ok((dir, name))
}

/// The table: one row per point, then the settings with no plan (and
/// why), then what stopped the sweep, if anything did.
pub(crate) fn table(
    out: &mut String,
    kind: SweepKind,
    field: Option<&str>,
    points: &[SweepPoint],
    skipped: &[(f64, String)],
    stopped: Option<StopReason>,
    path: &Path,
) {
    use std::fmt::Write as _;
    let what = match (kind, field) {
        (SweepKind::CarbonPrice, _) => "the carbon price",
        (SweepKind::EmissionsCap, _) => "the emissions cap",
        (SweepKind::Field, Some(field)) => field,
        _ => "the deadline slack",
    };
    let _ = writeln!(out, "sweep of {what} on {}", path.display());
    let label = field_label(kind, field);
    let w = label.len().max(12);
    let _ = writeln!(
        out,
        "{:>5}  {:>w$}  {:>16}  {:>10}  {:>8}  {:>9}  warm",
        "point", label, "total", "tCO2e", "gap", "seconds"
    );
    for (i, p) in points.iter().enumerate() {
        let _ = writeln!(
            out,
            "{:>5}  {:>w$}  {:>16}  {:>10.4}  {:>8.1e}  {:>9.3}  {}{}",
            i + 1,
            setting(p.setting),
            usd(p.total_usd),
            p.emissions_t,
            p.gap,
            p.seconds,
            if p.warm { "yes" } else { "no" },
            p.stopped
                .map(|s| format!("  (stopped by {s})"))
                .unwrap_or_default()
        );
    }
    for (at, why) in skipped {
        let _ = writeln!(out, "no plan at {}: {why}", setting(*at));
    }
    if let Some(why) = stopped {
        let _ = writeln!(out, "stopped by {why} before every setting was solved");
    }
}

/// The settings' column header: the field's name (after its last dot)
/// for a field, else the kind's label.
fn field_label(kind: SweepKind, field: Option<&str>) -> &str {
    match (kind, field) {
        (SweepKind::Field, Some(f)) => f.rsplit('.').next().unwrap_or(f),
        _ => kind.label(),
    }
}

/// `KIND:GLOB.FIELD` (or `FIELD`) of a field axis, as the curve names it.
fn varied(axis: &SweepAxis) -> String {
    match axis {
        SweepAxis::Field {
            target: Some(t),
            field,
            ..
        } => format!("{}:{}.{field}", t.kind, t.glob),
        SweepAxis::Field { field, .. } => field.clone(),
        _ => String::new(),
    }
}

/// A setting with as many decimals as it needs (at most 4).
fn setting(v: f64) -> String {
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

const LINE: RGBColor = RGBColor(0x4e, 0x79, 0xa7);
const TEXT: RGBColor = RGBColor(0x22, 0x22, 0x22);
const GRID: RGBColor = RGBColor(0xdd, 0xdd, 0xdd);

/// The curve as SVG: total cost against emissions (carbon price, cap) or
/// against the slack, each point labelled with its price or its total.
pub fn render(curve: &Curve) -> Result<String, String> {
    let fail = |e: &dyn std::fmt::Display| format!("cannot draw the curve: {e}");
    let x_of = |p: &SweepPoint| match curve.kind {
        SweepKind::CarbonPrice | SweepKind::EmissionsCap => p.emissions_t,
        _ => p.setting,
    };
    let (x_desc, title) = match curve.kind {
        SweepKind::CarbonPrice => (
            "emissions (tCO2e)".to_string(),
            "Cost against emissions, by carbon price".to_string(),
        ),
        SweepKind::EmissionsCap => (
            "emissions (tCO2e)".to_string(),
            "Least cost under an emissions cap".to_string(),
        ),
        SweepKind::Field => (
            curve.field.clone().unwrap_or_default(),
            format!("Least cost against {}", curve.label()),
        ),
        _ => (
            "deadline slack (h)".to_string(),
            "Least cost against deadline slack".to_string(),
        ),
    };
    let xs: Vec<f64> = curve.points.iter().map(x_of).collect();
    let ys: Vec<f64> = curve.points.iter().map(|p| p.total_usd).collect();
    let range = |v: &[f64]| {
        let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if !(lo.is_finite() && hi.is_finite()) {
            return 0.0..1.0;
        }
        let pad = ((hi - lo) * 0.08).max(hi.abs().max(1.0) * 1e-3);
        (lo - pad)..(hi + pad)
    };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (1000, 600)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| fail(&e))?;
        let root = root
            .titled(&title, ("sans-serif", 26.0).into_font().color(&TEXT))
            .map_err(|e| fail(&e))?;
        let mut chart = ChartBuilder::on(&root)
            .margin(20)
            .x_label_area_size(60)
            .y_label_area_size(110)
            .build_cartesian_2d(range(&xs), range(&ys))
            .map_err(|e| fail(&e))?;
        let y_label = |v: &f64| usd(*v).trim_end_matches(".00").to_string();
        chart
            .configure_mesh()
            .x_desc(&x_desc)
            .y_desc("total cost ($)")
            .y_label_formatter(&y_label)
            .label_style(("sans-serif", 15.0).into_font().color(&TEXT))
            .axis_desc_style(("sans-serif", 18.0).into_font().color(&TEXT))
            .bold_line_style(GRID.stroke_width(1))
            .light_line_style(GRID.mix(0.4).stroke_width(1))
            .draw()
            .map_err(|e| fail(&e))?;
        let points: Vec<(f64, f64)> = xs.iter().copied().zip(ys.iter().copied()).collect();
        chart
            .draw_series(LineSeries::new(points.clone(), LINE.stroke_width(2)))
            .map_err(|e| fail(&e))?;
        chart
            .draw_series(points.iter().map(|&p| Circle::new(p, 5, LINE.filled())))
            .map_err(|e| fail(&e))?;
        // The carbon price is not on either axis: each point names it.
        // Elsewhere the x axis is the setting, and a point names its total.
        let label = |p: &SweepPoint| match curve.kind {
            SweepKind::CarbonPrice => format!("${}/t", setting(p.setting)),
            _ => usd(p.total_usd),
        };
        let style = ("sans-serif", 14.0)
            .into_font()
            .color(&TEXT)
            .pos(Pos::new(HPos::Left, VPos::Bottom));
        chart
            .draw_series(
                curve.points.iter().zip(&points).map(|(p, &xy)| {
                    EmptyElement::at(xy) + Text::new(label(p), (7, -5), style.clone())
                }),
            )
            .map_err(|e| fail(&e))?;
        root.present().map_err(|e| fail(&e))?;
    }
    Ok(svg)
}
