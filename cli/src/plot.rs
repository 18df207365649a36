//! SVG plots of a plan, for the `plot` subcommand: the servers in use per
//! region over time against energy prices, the cost breakdown of every
//! scheduler, and a timeline of the jobs.
//!
//! Every figure is drawn into a string by plotters' SVG backend and then
//! written to disk, so what can fail is the file system. A region has the
//! same colour in every figure: each figure draws at most eight series
//! (every region when there are at most eight, else the seven with the
//! most server-hours and the rest summed as one), each in its own colour,
//! and no energy-price line for a region whose pools' rent includes energy.

use crate::output::usd;
use chrono::{DateTime, Datelike, TimeZone, Utc};
use geoshift::{Horizon, JobInfo, Problem, Report};
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::collections::HashMap;
use std::ops::Range;
#[cfg(test)]
use std::path::{Path, PathBuf};

/// Size of a figure in pixels (the timeline grows with the number of jobs).
const SIZE: (u32, u32) = (1000, 600);
/// Tallest timeline in pixels.
const MAX_HEIGHT: u32 = 2400;
/// Width of the legend panel on the right of every figure.
const LEGEND_WIDTH: u32 = 210;
/// Height of one legend row in pixels.
const LEGEND_ROW: i32 = 24;
/// Height of each further line of a legend entry.
const NOTE_ROW: i32 = 17;
/// Font family of all text.
const FONT: &str = "sans-serif";
/// Font sizes as plotters counts them (its SVG backend divides by 1.24).
const TITLE_SIZE: f64 = 26.0;
const DESC_SIZE: f64 = 18.0;
const LABEL_SIZE: f64 = 15.0;
const NOTE_SIZE: f64 = 14.0;
/// Approximate width of one label character and room between labels, in
/// pixels, to decide how many time ticks fit.
const CHAR_PX: f64 = 7.5;
const TICK_GAP_PX: f64 = 24.0;
/// Approximate width of the plotting area of the time charts, in pixels.
const PLOT_WIDTH_PX: f64 = 650.0;
/// Most steps of a series line or area; longer horizons are averaged.
const MAX_STEPS: usize = 2000;
/// Most slots and regions for which price lines are dashed.
const SPARSE_SLOTS: usize = 96;
const SPARSE_REGIONS: usize = 6;
/// Least vertical pixels between two job labels on the timeline.
const ROW_LABEL_PX: f64 = 18.0;
/// Pixels of a figure outside its plotting area (title, x axis, margins).
const FRAME_PX: u32 = 120;

/// Tableau 10: distinct, colour-blind friendly region colours (also
/// `explain`'s per-pool lines).
pub(crate) const REGION_PALETTE: [RGBColor; 10] = [
    RGBColor(0x4e, 0x79, 0xa7),
    RGBColor(0xf2, 0x8e, 0x2b),
    RGBColor(0x59, 0xa1, 0x4f),
    RGBColor(0xe1, 0x57, 0x59),
    RGBColor(0x76, 0xb7, 0xb2),
    RGBColor(0xed, 0xc9, 0x48),
    RGBColor(0xb0, 0x7a, 0xa1),
    RGBColor(0xff, 0x9d, 0xa7),
    RGBColor(0x9c, 0x75, 0x5f),
    RGBColor(0xba, 0xb0, 0xac),
];
const RENT_COLOR: RGBColor = RGBColor(0x5f, 0x6b, 0x7a);
const ENERGY_COLOR: RGBColor = RGBColor(0xe3, 0xa3, 0x3b);
const CARBON_COLOR: RGBColor = RGBColor(0x3a, 0x3a, 0x3a);
const EGRESS_COLOR: RGBColor = RGBColor(0x8e, 0x6c, 0xb8);
const DEADLINE_COLOR: RGBColor = RGBColor(0xc0, 0x1c, 0x28);
const ELIGIBLE_COLOR: RGBColor = RGBColor(0xe6, 0xe6, 0xe6);
const GRID_COLOR: RGBColor = RGBColor(0xdd, 0xdd, 0xdd);
const TEXT_COLOR: RGBColor = RGBColor(0x22, 0x22, 0x22);
/// Legend notes and the zero line of the price axis.
const MUTED_COLOR: RGBColor = RGBColor(0x88, 0x88, 0x88);

type Canvas<'s> = DrawingArea<SVGBackend<'s>, Shift>;
type Chart<'a, 's> = ChartContext<'a, SVGBackend<'s>, Cartesian2d<Scale, Scale>>;

/// The files `plot` writes, in the order of [`render_plots`].
pub const PLOT_FILES: [&str; 3] = [
    "servers-by-region.svg",
    "cost-breakdown.svg",
    "job-timeline.svg",
];

/// Renders the plots and writes them into `out_dir` (checked, created if
/// needed) all or none, as `geoshift plot` does after its solve.
#[cfg(test)]
pub fn write_plots(
    problem: &Problem,
    reports: &[Report],
    chosen: &str,
    out_dir: &Path,
) -> Result<Vec<PathBuf>, String> {
    crate::output::check_dir(out_dir, &PLOT_FILES, Path::new(""))?;
    crate::output::write_all(out_dir, &render_plots(problem, reports, chosen)?)
}

/// Draws `servers-by-region.svg` and `job-timeline.svg` for the report of
/// scheduler `chosen`, and `cost-breakdown.svg` for all `reports`, in
/// memory: each file's name (from [`PLOT_FILES`]) and SVG text.
///
/// Any input is drawn, however degenerate (no report named `chosen`, no
/// jobs, costs all zero or negative).
pub fn render_plots(
    problem: &Problem,
    reports: &[Report],
    chosen: &str,
) -> Result<Vec<(&'static str, String)>, String> {
    let report = reports.iter().find(|r| r.scheduler == chosen);
    let usage = Usage::new(problem, report);
    let series = Series::new(problem, &usage);
    let subject = match report {
        Some(_) => chosen.to_string(),
        None => format!("no report from scheduler '{chosen}'"),
    };
    let time = TimeAxis::new(problem.horizon());
    Ok(vec![
        (
            PLOT_FILES[0],
            servers_by_region(problem, &usage, &series, &time, &subject)?,
        ),
        (PLOT_FILES[1], cost_breakdown(reports, chosen)?),
        (
            PLOT_FILES[2],
            job_timeline(problem, &usage, &series, &time, &subject)?,
        ),
    ])
}

// ---------------------------------------------------------------------------
// The three figures.

/// Servers in use per region and slot as stacked step areas, with each
/// region's energy price as a step line on the right axis.
fn servers_by_region(
    problem: &Problem,
    usage: &Usage,
    series: &Series,
    time: &TimeAxis,
    subject: &str,
) -> Result<String, String> {
    let regions = problem.regions();
    let slots = problem.slots();
    let peak = (0..slots)
        .map(|t| (0..regions.len()).map(|r| usage.servers(r, t)).sum::<f64>())
        .fold(0.0, f64::max);
    // On a long horizon, each step is the mean of `per` slots: more steps
    // than pixels only make the file large.
    let per = slots.div_ceil(MAX_STEPS).max(1);
    let averaged = if per > 1 {
        format!(", mean of {per} slots")
    } else {
        String::new()
    };
    let x = time.axis();
    let y = Axis::numeric(
        padded(0.0, peak),
        &format!("servers in use (server-hours per slot ÷ slot hours{averaged})"),
        number,
    );
    // Energy prices of the series of one region whose rent does not pay
    // the power bill: a region whose every pool's rent includes energy
    // pays no price, and a line at its price would read as its cost.
    let priced: Vec<Option<usize>> = series
        .iter()
        .map(|g| match g.regions.as_slice() {
            [r] if !series.energy_in_rent[*r] => Some(*r),
            _ => None,
        })
        .collect();
    let prices = priced
        .iter()
        .flatten()
        .flat_map(|&r| regions[r].price_usd_per_mwh.iter());
    let (low, high) = min_max(prices.copied());
    let none_priced = priced.iter().all(Option::is_none);
    let y2 = Axis::numeric(
        padded(low, high),
        &if none_priced {
            "energy price: none drawn (every rent includes energy)".to_string()
        } else {
            format!("energy price ($/MWh{averaged})")
        },
        number,
    );

    // Dashed lines with a halo read well over a few regions and slots;
    // over many, thin solid lines hide less of the areas.
    let dashed = slots <= SPARSE_SLOTS && series.len() <= SPARSE_REGIONS;
    let line_note = if dashed { "dashed" } else { "line" };
    let mut notes = vec!["area: servers in use".to_string()];
    if !none_priced {
        notes.push(format!("{line_note}: energy price"));
    }
    if series.energy_in_rent.iter().any(|&e| e) {
        notes.push("no line: rent includes energy".into());
    }
    let mut legend = Legend::new(notes);
    for (g, group) in series.iter().enumerate() {
        let swatch = if priced[g].is_some() {
            Swatch::FillAndLine(group.color, dashed)
        } else {
            Swatch::Fill(group.color)
        };
        legend.push(swatch, group.label.clone());
    }
    if y2.range.start < 0.0 {
        legend.push(Swatch::Line(MUTED_COLOR), "price 0 $/MWh".into());
    }
    let title = format!("Servers in use by region: {subject}");
    render(SIZE, &title, &legend, |area| {
        let mut chart = build(area, &x, &y, Some(&y2))?.set_secondary_coord(x.coord(), y2.coord());
        draw_mesh(&mut chart, &x, &y)?;
        let y2_label = |v: &f64| (y2.label)(*v);
        chart
            .configure_secondary_axes()
            .y_desc(y2.desc.as_str())
            .y_label_formatter(&y2_label)
            .label_style((FONT, LABEL_SIZE).into_font().color(&TEXT_COLOR))
            .axis_desc_style((FONT, DESC_SIZE).into_font().color(&TEXT_COLOR))
            .draw()
            .map_err(fail)?;
        let mut below = vec![0.0; slots];
        for group in series.iter() {
            let servers: Vec<f64> = (0..slots)
                .map(|t| group.regions.iter().map(|&r| usage.servers(r, t)).sum())
                .collect();
            let above: Vec<f64> = below.iter().zip(&servers).map(|(b, s)| b + s).collect();
            if servers.iter().any(|&s| s > 0.0) {
                let style = group.color.mix(0.85).filled();
                chart
                    .draw_series(std::iter::once(Polygon::new(
                        band(&below, &above, per),
                        style,
                    )))
                    .map_err(fail)?;
            }
            below = above;
        }
        if y2.range.start < 0.0 {
            let zero = vec![(0.0, 0.0), (slots as f64, 0.0)];
            chart
                .draw_secondary_series(LineSeries::new(zero, MUTED_COLOR.stroke_width(1)))
                .map_err(fail)?;
        }
        for (g, r) in priced.iter().enumerate() {
            let Some(r) = *r else { continue };
            let points = steps(&regions[r].price_usd_per_mwh, per);
            let line = price_line(series.groups[g].color, dashed);
            // A light halo keeps the line readable over the areas (its
            // own region's area is of its colour).
            let halo = WHITE.mix(0.7).stroke_width(if dashed { 5 } else { 4 });
            chart
                .draw_secondary_series(LineSeries::new(points.clone(), halo))
                .map_err(fail)?;
            if dashed {
                chart.draw_secondary_series(DashedLineSeries::new(points, 8, 5, line))
            } else {
                chart.draw_secondary_series(LineSeries::new(points, line))
            }
            .map_err(fail)?;
        }
        Ok(())
    })
}

/// One stacked bar per report: rent, energy, carbon and egress in $, the
/// positive parts above zero and the negative ones below, labelled with the
/// total.
fn cost_breakdown(reports: &[Report], chosen: &str) -> Result<String, String> {
    let bars: Vec<Vec<Segment>> = reports.iter().map(|r| stack(&cost_parts(r))).collect();
    let low = bars
        .iter()
        .flatten()
        .map(|s| s.from.min(s.to))
        .fold(0.0, f64::min);
    let high = bars
        .iter()
        .flatten()
        .map(|s| s.from.max(s.to))
        .fold(0.0, f64::max);
    // Room above the highest bar for its total.
    let headroom = 0.1 * (high - low);
    let y = Axis::numeric(padded(low, high + headroom), "cost ($)", usd_short);
    let name = |x: f64| {
        let i = x.floor().max(0.0) as usize;
        match reports.get(i) {
            Some(r) if r.scheduler == chosen => format!("{} (plotted)", r.scheduler),
            Some(r) => r.scheduler.clone(),
            None => String::new(),
        }
    };
    let x = Axis {
        range: 0.0..reports.len().max(1) as f64,
        ticks: (0..reports.len()).map(|i| i as f64 + 0.5).collect(),
        light: Vec::new(),
        label: Box::new(name),
        desc: "scheduler".into(),
        grid: false,
    };
    let mut legend = Legend::new(vec!["$ over the horizon".into()]);
    for part in COST_PARTS {
        legend.push(Swatch::Fill(part.color), part.name.into());
    }
    legend.push(Swatch::Line(TEXT_COLOR), "0 $".into());
    let title = if reports.is_empty() {
        "Cost breakdown: no reports".to_string()
    } else {
        "Cost breakdown by scheduler".to_string()
    };
    render(SIZE, &title, &legend, |area| {
        let mut chart = chart(area, &x, &y)?;
        for (i, segments) in bars.iter().enumerate() {
            let (left, right) = (i as f64 + 0.2, i as f64 + 0.8);
            let rects = segments
                .iter()
                .map(|s| Rectangle::new([(left, s.from), (right, s.to)], s.color.filled()));
            chart.draw_series(rects).map_err(fail)?;
            let labels: Vec<_> = segments
                .iter()
                .filter(|s| fits_label(&chart, s.from, s.to))
                .map(|s| {
                    let mid = (left + right) / 2.0;
                    let style = text_style(NOTE_SIZE, &WHITE, HPos::Center, VPos::Center);
                    Text::new(
                        usd_short(s.to - s.from),
                        (mid, (s.from + s.to) / 2.0),
                        style,
                    )
                })
                .collect();
            chart.draw_series(labels).map_err(fail)?;
        }
        let zero = vec![(0.0, 0.0), (x.range.end, 0.0)];
        chart
            .draw_series(LineSeries::new(zero, TEXT_COLOR.stroke_width(1)))
            .map_err(fail)?;
        let totals = reports
            .iter()
            .zip(&bars)
            .enumerate()
            .map(|(i, (r, segments))| {
                let top = segments
                    .iter()
                    .map(|s| s.to.max(s.from))
                    .fold(0.0, f64::max);
                let style = text_style(LABEL_SIZE, &TEXT_COLOR, HPos::Center, VPos::Bottom);
                Text::new(
                    format!("total {}", usd(r.total_usd)),
                    (i as f64 + 0.5, top),
                    style,
                )
            });
        chart.draw_series(totals).map_err(fail)?;
        Ok(())
    })
}

/// One row per job: the slots where it has work, coloured by region (one
/// lane per region it uses), its eligible slots shaded and its deadline
/// marked.
fn job_timeline(
    problem: &Problem,
    usage: &Usage,
    series: &Series,
    time: &TimeAxis,
    subject: &str,
) -> Result<String, String> {
    let jobs = problem.jobs();
    let rows = jobs.len().max(1);
    let height = (FRAME_PX as f64 + ROW_LABEL_PX * rows as f64) as u32;
    let size = (SIZE.0, height.clamp(SIZE.1, MAX_HEIGHT));
    let plot_px = f64::from(size.1 - FRAME_PX);
    let stride = ((ROW_LABEL_PX * rows as f64 / plot_px).ceil() as usize).max(1);
    let row_of = |y: f64| rows.checked_sub(y.floor().max(0.0) as usize + 1);
    let x = time.axis();
    let y = Axis {
        range: 0.0..rows as f64,
        ticks: (0..jobs.len())
            .step_by(stride)
            .map(|j| row_center(rows, j))
            .collect(),
        light: Vec::new(),
        label: Box::new(move |y| {
            row_of(y)
                .and_then(|j| jobs.get(j))
                .map(|j| clip(&j.id, 28))
                .unwrap_or_default()
        }),
        desc: "job".into(),
        grid: true,
    };
    let mut legend = Legend::new(vec!["bars: slots with work".into()]);
    for group in series.iter() {
        legend.push(Swatch::Fill(group.color), group.label.clone());
    }
    legend.push(Swatch::Fill(ELIGIBLE_COLOR), "eligible slots".into());
    legend.push(Swatch::Line(DEADLINE_COLOR), "deadline".into());
    let slots = problem.slots() as f64;
    let beyond = |j: &JobInfo| !(0.0..=slots).contains(&time.x_of(j.deadline));
    if jobs.iter().any(beyond) {
        legend.push(Swatch::Dash(DEADLINE_COLOR), "deadline off the axis".into());
    }
    let title = if jobs.is_empty() {
        format!("Job timeline: {subject} (no jobs)")
    } else {
        format!("Job timeline: {subject}")
    };
    render(size, &title, &legend, |area| {
        let mut chart = chart(area, &x, &y)?;
        let mut eligible = Vec::new();
        let mut work = Vec::new();
        let mut deadlines = Vec::new();
        let mut outside = Vec::new();
        for (j, job) in jobs.iter().enumerate() {
            let center = row_center(rows, j);
            let windows = job.windows.iter().map(|w| (w.first_slot, w.end_slot));
            for (a, b) in merge(windows.collect()) {
                let corners = [(a as f64, center - 0.42), (b as f64, center + 0.42)];
                eligible.push(Rectangle::new(corners, ELIGIBLE_COLOR.filled()));
            }
            // One lane per series the job has work in.
            let mut lanes: Vec<usize> = usage
                .job_regions(j)
                .iter()
                .map(|&r| series.of_region[r])
                .collect();
            lanes.sort_unstable();
            lanes.dedup();
            let lane = 0.7 / lanes.len().max(1) as f64;
            for (i, &g) in lanes.iter().enumerate() {
                let top = center + 0.35 - i as f64 * lane;
                let group = &series.groups[g];
                let runs = group.regions.iter().flat_map(|&r| usage.runs(j, r));
                for (a, b) in merge(runs.collect()) {
                    let corners = [(a as f64, top), (b as f64, top - lane)];
                    work.push(Rectangle::new(corners, group.color.filled()));
                }
            }
            let due = time.x_of(job.deadline);
            let at = due.clamp(0.0, slots);
            let span = vec![(at, center - 0.46), (at, center + 0.46)];
            let style = DEADLINE_COLOR.stroke_width(3);
            if at == due {
                deadlines.push(PathElement::new(span, style));
            } else {
                outside.push(DashedPathElement::new(span, 5, 4, style));
            }
        }
        chart.draw_series(eligible).map_err(fail)?;
        chart.draw_series(work).map_err(fail)?;
        chart.draw_series(deadlines).map_err(fail)?;
        chart.draw_series(outside).map_err(fail)?;
        Ok(())
    })
}

/// What one more server-hour of each pool saves (`explain`'s duals), per
/// slot, as step lines over the horizon's dates, the legend beside the
/// chart. At most [`MAX_SERIES`] legend entries: the pools of the highest
/// peaks each a line, the rest as one line of their highest value in each
/// slot, and the pools worth at most `NOISE_USD` in every slot counted in
/// one entry (the table names them).
pub(crate) fn capacity_value(e: &geoshift::Explanation) -> Result<String, String> {
    let slots = e.slot_start.len();
    let slot_seconds = (e.slot_hours * 3600.0).round().max(1.0) as u64;
    let start = e
        .slot_start
        .first()
        .copied()
        .unwrap_or_else(|| Utc.timestamp_opt(0, 0).single().unwrap_or_default());
    let horizon = Horizon::new(start, slot_seconds, slots.max(1));
    let time = TimeAxis::new(&horizon);
    let per = slots.div_ceil(MAX_STEPS).max(1);
    let finite = |v: f64| if v.is_finite() { v } else { 0.0 };
    let peak_of = |values: &[f64]| values.iter().copied().map(finite).fold(0.0, f64::max);
    let (mut active, idle): (Vec<usize>, Vec<usize>) = (0..e.pools.len()).partition(|&k| {
        e.pools[k]
            .usd_per_server_hour
            .iter()
            .any(|&v| v > geoshift::NOISE_USD)
    });
    active.sort_by(|&a, &b| {
        let (pa, pb) = (
            peak_of(&e.pools[a].usd_per_server_hour),
            peak_of(&e.pools[b].usd_per_server_hour),
        );
        pb.total_cmp(&pa).then(a.cmp(&b))
    });
    let lines = MAX_SERIES - usize::from(!idle.is_empty());
    let rest = if active.len() > lines {
        active.split_off(lines - 1)
    } else {
        Vec::new()
    };
    let peak = e
        .pools
        .iter()
        .map(|p| peak_of(&p.usd_per_server_hour))
        .fold(0.0, f64::max);
    let x = time.axis();
    let averaged = if per > 1 {
        format!(", mean of {per} slots")
    } else {
        String::new()
    };
    let y = Axis::numeric(
        padded(0.0, peak),
        &format!("$ saved per extra server-hour (LP dual{averaged})"),
        number,
    );
    let mut legend = Legend::new(vec!["per pool (region), by slot".into()]);
    let mut series: Vec<(Vec<f64>, RGBColor)> = Vec::new();
    for (i, &k) in active.iter().enumerate() {
        let p = &e.pools[k];
        let color = SERIES_PALETTE[i % MAX_SERIES];
        legend.push(Swatch::Line(color), {
            // The region beside the id when both fit on one line.
            let gap = if p.id.chars().count() + p.region.chars().count() + 3 <= 22 {
                " "
            } else {
                "\n"
            };
            format!(
                "{}{gap}({})\n${:.2}/extra server",
                p.id, p.region, p.usd_per_server
            )
        });
        series.push((
            p.usd_per_server_hour.iter().copied().map(finite).collect(),
            color,
        ));
    }
    if !rest.is_empty() {
        let most: Vec<f64> = (0..slots)
            .map(|t| {
                rest.iter()
                    .map(|&k| {
                        finite(
                            e.pools[k]
                                .usd_per_server_hour
                                .get(t)
                                .copied()
                                .unwrap_or(0.0),
                        )
                    })
                    .fold(0.0, f64::max)
            })
            .collect();
        legend.push(
            Swatch::Line(OTHER_COLOR),
            format!("{} other pools\nthe most of any", rest.len()),
        );
        series.push((most, OTHER_COLOR));
    }
    if !idle.is_empty() {
        let n = idle.len();
        let text = if n == 1 {
            format!("{}\n0 in every slot", e.pools[idle[0]].id)
        } else {
            format!("{n} other pools\n0 in every slot")
        };
        legend.push(Swatch::Line(MUTED_COLOR), text);
    }
    let title = "What one more server-hour of each pool saves";
    render(SIZE, title, &legend, |area| {
        let mut chart = chart(area, &x, &y)?;
        if !idle.is_empty() {
            let zero = vec![(0.0, 0.0), (slots as f64, 0.0)];
            chart
                .draw_series(LineSeries::new(zero, MUTED_COLOR.stroke_width(1)))
                .map_err(fail)?;
        }
        for (values, color) in &series {
            chart
                .draw_series(LineSeries::new(steps(values, per), color.stroke_width(2)))
                .map_err(fail)?;
        }
        Ok(())
    })
}

// ---------------------------------------------------------------------------
// Data shared by the figures.

/// The most series a figure draws: past it, the largest regions by
/// server-hours get one each and the rest are summed as one.
pub(crate) const MAX_SERIES: usize = 8;

/// Colours of the series, in order: Tableau 10's first eight, distinct
/// and colour-blind friendly. The summed rest is grey.
pub(crate) const SERIES_PALETTE: [RGBColor; MAX_SERIES] = [
    REGION_PALETTE[0],
    REGION_PALETTE[1],
    REGION_PALETTE[2],
    REGION_PALETTE[3],
    REGION_PALETTE[4],
    REGION_PALETTE[5],
    REGION_PALETTE[6],
    REGION_PALETTE[8],
];
pub(crate) const OTHER_COLOR: RGBColor = REGION_PALETTE[9];

/// One series of the region figures: one region, or the rest summed.
struct Group {
    regions: Vec<usize>,
    label: String,
    color: RGBColor,
}

/// The series of the region figures, the same in each: every region in
/// file order when there are at most [`MAX_SERIES`]; otherwise the
/// `MAX_SERIES - 1` with the most server-hours in the plan (largest
/// first, ties in file order) and one "other regions" series for the rest.
struct Series {
    groups: Vec<Group>,
    /// The series of each region.
    of_region: Vec<usize>,
    /// Per region: it has pools and every one's rent includes energy.
    energy_in_rent: Vec<bool>,
}

impl Series {
    fn new(problem: &Problem, usage: &Usage) -> Series {
        let regions = problem.regions();
        let included: HashMap<&str, bool> = problem
            .scenario()
            .pools
            .iter()
            .map(|p| (p.id.as_str(), p.rent_includes_energy))
            .collect();
        let pools = problem.pools();
        let energy_in_rent: Vec<bool> = regions
            .iter()
            .map(|r| {
                !r.pools.is_empty()
                    && r.pools.iter().all(|&k| {
                        pools
                            .get(k)
                            .and_then(|p| included.get(p.id.as_str()))
                            .copied()
                            .unwrap_or(false)
                    })
            })
            .collect();
        let label = |r: usize| {
            let region = &regions[r];
            if region.pools.is_empty() {
                format!("{} (no pools)", region.id)
            } else {
                region.id.clone()
            }
        };
        let mut order: Vec<usize> = (0..regions.len()).collect();
        let mut rest = Vec::new();
        if regions.len() > MAX_SERIES {
            let hours = |r: usize| (0..usage.slots).map(|t| usage.servers(r, t)).sum::<f64>();
            let total: Vec<f64> = order.iter().map(|&r| hours(r)).collect();
            order.sort_by(|&a, &b| total[b].total_cmp(&total[a]).then(a.cmp(&b)));
            rest = order.split_off(MAX_SERIES - 1);
            rest.sort_unstable();
        }
        let mut groups: Vec<Group> = order
            .iter()
            .enumerate()
            .map(|(i, &r)| Group {
                regions: vec![r],
                label: label(r),
                color: SERIES_PALETTE[i % MAX_SERIES],
            })
            .collect();
        if !rest.is_empty() {
            groups.push(Group {
                label: format!("{} other regions", rest.len()),
                regions: rest,
                color: OTHER_COLOR,
            });
        }
        let mut of_region = vec![0; regions.len()];
        for (g, group) in groups.iter().enumerate() {
            for &r in &group.regions {
                of_region[r] = g;
            }
        }
        Series {
            groups,
            of_region,
            energy_in_rent,
        }
    }

    fn iter(&self) -> std::slice::Iter<'_, Group> {
        self.groups.iter()
    }

    fn len(&self) -> usize {
        self.groups.len()
    }
}

/// The work of the chosen report, resolved to indices. Rows naming an
/// unknown job or pool, or a slot outside the horizon, are left out.
struct Usage {
    slots: usize,
    slot_hours: f64,
    /// Server-hours at `region * slots + slot`, all jobs together.
    region_hours: Vec<f64>,
    /// Per job, the `(region, slot)` cells where it has work, sorted.
    job_cells: Vec<Vec<(usize, usize)>>,
}

impl Usage {
    fn new(problem: &Problem, report: Option<&Report>) -> Usage {
        let slots = problem.slots();
        let mut usage = Usage {
            slots,
            slot_hours: problem.slot_hours(),
            region_hours: vec![0.0; problem.regions().len() * slots],
            job_cells: vec![Vec::new(); problem.jobs().len()],
        };
        let job_index: HashMap<&str, usize> = problem
            .jobs()
            .iter()
            .enumerate()
            .map(|(j, job)| (job.id.as_str(), j))
            .collect();
        let pool_region: HashMap<&str, usize> = problem
            .pools()
            .iter()
            .map(|p| (p.id.as_str(), p.region))
            .collect();
        for a in report.map(|r| r.assignments.as_slice()).unwrap_or_default() {
            let j = job_index.get(a.job.as_str());
            let r = pool_region.get(a.pool.as_str());
            let (Some(&j), Some(&r)) = (j, r) else {
                continue;
            };
            if a.slot < slots && a.server_hours > 0.0 {
                if let Some(hours) = usage.region_hours.get_mut(r * slots + a.slot) {
                    *hours += a.server_hours;
                    usage.job_cells[j].push((r, a.slot));
                }
            }
        }
        for cells in &mut usage.job_cells {
            cells.sort_unstable();
            cells.dedup();
        }
        usage
    }

    /// Servers in use in region `r` during slot `t`.
    fn servers(&self, r: usize, t: usize) -> f64 {
        let hours = self.region_hours.get(r * self.slots + t).copied();
        match hours {
            Some(h) if h.is_finite() && self.slot_hours > 0.0 => h / self.slot_hours,
            _ => 0.0,
        }
    }

    /// Regions where job `j` has work, in file order.
    fn job_regions(&self, j: usize) -> Vec<usize> {
        let mut regions: Vec<usize> = self.cells(j).iter().map(|&(r, _)| r).collect();
        regions.dedup();
        regions
    }

    /// Maximal runs `[first, end)` of consecutive slots where job `j` has
    /// work in region `r`.
    fn runs(&self, j: usize, r: usize) -> Vec<(usize, usize)> {
        let busy = self.cells(j).iter().filter(|&&(q, _)| q == r);
        merge(busy.map(|&(_, t)| (t, t + 1)).collect())
    }

    fn cells(&self, j: usize) -> &[(usize, usize)] {
        self.job_cells.get(j).map_or(&[], Vec::as_slice)
    }
}

/// One part of a cost.
#[derive(Clone, Copy)]
struct CostPart {
    name: &'static str,
    color: RGBColor,
    value: fn(&Report) -> f64,
}

/// The parts of a report's total, bottom to top.
const COST_PARTS: [CostPart; 4] = [
    CostPart {
        name: "rent",
        color: RENT_COLOR,
        value: |r| r.rent_usd,
    },
    CostPart {
        name: "energy",
        color: ENERGY_COLOR,
        value: |r| r.energy_usd,
    },
    CostPart {
        name: "carbon",
        color: CARBON_COLOR,
        value: |r| r.carbon_usd,
    },
    CostPart {
        name: "egress",
        color: EGRESS_COLOR,
        value: |r| r.egress_usd,
    },
];

/// A report's cost parts in $ with their colours (non-finite amounts as 0).
fn cost_parts(report: &Report) -> Vec<(f64, RGBColor)> {
    COST_PARTS
        .iter()
        .map(|p| {
            let v = (p.value)(report);
            (if v.is_finite() { v } else { 0.0 }, p.color)
        })
        .collect()
}

/// One piece of a stacked bar, from `from` to `to` in $.
struct Segment {
    from: f64,
    to: f64,
    color: RGBColor,
}

/// Stacks amounts from zero: positive ones upwards, negative ones
/// downwards, zeros left out.
fn stack(parts: &[(f64, RGBColor)]) -> Vec<Segment> {
    let (mut up, mut down) = (0.0, 0.0);
    let mut out = Vec::new();
    for &(v, color) in parts {
        let base = if v > 0.0 {
            &mut up
        } else if v < 0.0 {
            &mut down
        } else {
            continue;
        };
        out.push(Segment {
            from: *base,
            to: *base + v,
            color,
        });
        *base += v;
    }
    out
}

/// Sorts and merges half-open intervals that overlap or touch.
fn merge(mut intervals: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    intervals.sort_unstable();
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(intervals.len());
    for (a, b) in intervals {
        match out.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

/// Row `j`'s centre on the timeline's y axis: job 0 at the top.
fn row_center(rows: usize, j: usize) -> f64 {
    rows as f64 - j as f64 - 0.5
}

/// A per-slot value as a step line, flat at the mean of each run of `per`
/// slots (with `per` = 1, flat over each slot `[t, t + 1]`).
fn steps(values: &[f64], per: usize) -> Vec<(f64, f64)> {
    let per = per.max(1);
    values
        .chunks(per)
        .enumerate()
        .flat_map(|(i, run)| {
            let start = (i * per) as f64;
            let mean = run.iter().sum::<f64>() / run.len() as f64;
            [(start, mean), (start + run.len() as f64, mean)]
        })
        .collect()
}

/// The outline of a stacked step band between `below` and `above`, in
/// steps of `per` slots.
fn band(below: &[f64], above: &[f64], per: usize) -> Vec<(f64, f64)> {
    let mut outline = steps(above, per);
    outline.extend(steps(below, per).into_iter().rev());
    outline
}

// ---------------------------------------------------------------------------
// Axes.

/// One axis of a chart: its range, where the labelled ticks go, how they
/// read, and its description (with units).
struct Axis<'a> {
    range: Range<f64>,
    ticks: Vec<f64>,
    /// Where the light grid lines go.
    light: Vec<f64>,
    label: Box<dyn Fn(f64) -> String + 'a>,
    desc: String,
    /// Whether grid lines cross the chart at the ticks.
    grid: bool,
}

impl<'a> Axis<'a> {
    /// A value axis with ticks at round numbers.
    fn numeric(range: Range<f64>, desc: &str, label: fn(f64) -> String) -> Axis<'a> {
        Axis {
            ticks: nice_ticks(&range, 8),
            range,
            light: Vec::new(),
            label: Box::new(label),
            desc: desc.into(),
            grid: true,
        }
    }

    /// Pixels beside the chart for this axis as a y axis: its widest tick
    /// label and its description.
    fn label_area(&self) -> u32 {
        let widest = self.ticks.iter().map(|&t| (self.label)(t).chars().count());
        let px = widest.max().unwrap_or(0) as f64 * CHAR_PX * 0.9 + 40.0;
        px.clamp(60.0, 260.0) as u32
    }

    /// The plotters coordinate of this axis.
    fn coord(&self) -> Scale {
        Scale {
            linear: self.range.clone().into(),
            ticks: self.ticks.clone(),
            light: self.light.clone(),
        }
    }
}

/// A linear plotters coordinate whose ticks and light grid lines are given
/// rather than computed (plotters' own `WithKeyPoints` cannot take a label
/// formatter over `f64`).
struct Scale {
    linear: RangedCoordf64,
    ticks: Vec<f64>,
    light: Vec<f64>,
}

impl Ranged for Scale {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.linear.map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            self.light.clone()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.linear.range()
    }
}

/// The distance between two time ticks.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Step {
    /// A fixed number of seconds, ticks at its multiples since the epoch.
    Seconds(i64),
    /// A number of calendar months, ticks on the first of the month.
    Months(i32),
}

impl Step {
    /// Candidates, finest first.
    const ALL: [Step; 28] = [
        Step::Seconds(1),
        Step::Seconds(2),
        Step::Seconds(5),
        Step::Seconds(10),
        Step::Seconds(15),
        Step::Seconds(30),
        Step::Seconds(60),
        Step::Seconds(120),
        Step::Seconds(300),
        Step::Seconds(600),
        Step::Seconds(900),
        Step::Seconds(1800),
        Step::Seconds(3600),
        Step::Seconds(7200),
        Step::Seconds(10_800),
        Step::Seconds(21_600),
        Step::Seconds(43_200),
        Step::Seconds(86_400),
        Step::Seconds(172_800),
        Step::Seconds(604_800),
        Step::Seconds(1_209_600),
        Step::Months(1),
        Step::Months(2),
        Step::Months(3),
        Step::Months(6),
        Step::Months(12),
        Step::Months(60),
        Step::Months(120),
    ];

    /// Its length in seconds, a month counted as its mean.
    fn seconds(self) -> f64 {
        match self {
            Step::Seconds(s) => s as f64,
            Step::Months(n) => f64::from(n) * 2_629_746.0,
        }
    }

    /// The format of its ticks that are not at midnight.
    fn clock(self) -> &'static str {
        match self {
            Step::Seconds(s) if s < 60 => "%H:%M:%S",
            Step::Seconds(s) if s % 86_400 != 0 => "%H:%M",
            _ => TimeAxis::DATE,
        }
    }
}

/// The time axis of the servers chart and the timeline. The coordinate is
/// the slot index as a real number (slot `t` spans `[t, t + 1]`); ticks
/// fall on round UTC times, as many as fit, and read as the time of day
/// except at midnight, where they read as the date.
struct TimeAxis {
    horizon: Horizon,
    step: Step,
}

impl TimeAxis {
    /// chrono format of a tick at midnight.
    const DATE: &'static str = "%b %d";

    fn new(horizon: &Horizon) -> TimeAxis {
        let span = horizon.end_seconds().max(1.0);
        let fits = |step: &Step| {
            let chars = format_width(step.clock()).max(format_width(Self::DATE));
            let ticks = span / step.seconds() + 1.0;
            ticks * (chars as f64 * CHAR_PX + TICK_GAP_PX) <= PLOT_WIDTH_PX
        };
        let coarsest = Step::ALL[Step::ALL.len() - 1];
        TimeAxis {
            horizon: horizon.clone(),
            step: Step::ALL.into_iter().find(fits).unwrap_or(coarsest),
        }
    }

    /// The x coordinate of an instant (may fall outside the horizon).
    fn x_of(&self, instant: DateTime<Utc>) -> f64 {
        self.horizon.offset_seconds(instant) / self.horizon.slot_seconds.max(1) as f64
    }

    /// The instant at x coordinate `x`, if chrono can represent it.
    fn instant(&self, x: f64) -> Option<DateTime<Utc>> {
        let ms = x * self.horizon.slot_seconds as f64 * 1000.0;
        let offset = chrono::TimeDelta::try_milliseconds(ms.round() as i64)?;
        self.horizon.start.checked_add_signed(offset)
    }

    /// An instant as a tick label.
    fn format(&self, instant: DateTime<Utc>) -> String {
        let midnight =
            instant.timestamp_subsec_millis() == 0 && instant.timestamp().rem_euclid(86_400) == 0;
        let format = if midnight {
            Self::DATE
        } else {
            self.step.clock()
        };
        instant.format(format).to_string()
    }

    /// The x coordinates of the ticks: round instants from the horizon start
    /// to its end.
    fn ticks(&self) -> Vec<f64> {
        let start = self.horizon.start;
        let end = self.horizon.slots as f64 + 1e-9;
        let instants: Box<dyn Iterator<Item = DateTime<Utc>>> = match self.step {
            Step::Seconds(step) => {
                let first = start.timestamp().div_euclid(step) * step;
                Box::new((0..).map_while(move |k| {
                    DateTime::from_timestamp(first.checked_add(step.checked_mul(k)?)?, 0)
                }))
            }
            Step::Months(n) => {
                let first = start.year() * 12 + start.month0() as i32;
                Box::new(
                    (first..)
                        .filter(move |m| m.rem_euclid(n) == 0)
                        .map_while(|m| first_of_month(m.div_euclid(12), m.rem_euclid(12))),
                )
            }
        };
        instants
            .skip_while(|&i| i < start)
            .map(|i| self.x_of(i))
            .take_while(|&x| x <= end)
            .collect()
    }

    /// The axis: ticks at round UTC times, light lines at slot bounds when
    /// there are few slots.
    fn axis(&self) -> Axis<'_> {
        let h = &self.horizon;
        let light = if h.slots <= 72 {
            (0..=h.slots).map(|t| t as f64).collect()
        } else {
            Vec::new()
        };
        Axis {
            range: 0.0..h.slots as f64,
            ticks: self.ticks(),
            light,
            label: Box::new(|x| self.instant(x).map(|i| self.format(i)).unwrap_or_default()),
            desc: format!(
                "time (UTC), {} slot{} of {} from {}",
                h.slots,
                if h.slots == 1 { "" } else { "s" },
                duration(h.slot_seconds),
                h.start.format("%Y-%m-%d %H:%M")
            ),
            grid: true,
        }
    }
}

/// Midnight UTC on the first day of month `month0` (0 = January) of `year`.
fn first_of_month(year: i32, month0: i32) -> Option<DateTime<Utc>> {
    let month = u32::try_from(month0 + 1).ok()?;
    Utc.with_ymd_and_hms(year, month, 1, 0, 0, 0).single()
}

/// Characters in a label of chrono format `format`.
fn format_width(format: &str) -> usize {
    // Each of %b %d %H %M %S prints 2 or 3 characters.
    format.replace("%b", "Jun").replace('%', "").len()
}

/// A length of time in seconds, in the largest whole unit.
fn duration(seconds: u64) -> String {
    match seconds {
        s if s % 3600 == 0 => format!("{} h", s / 3600),
        s if s % 60 == 0 => format!("{} min", s / 60),
        s => format!("{s} s"),
    }
}

/// Ticks at round numbers within `range`, at most `target` of them:
/// plotters' own choice for a linear axis (1, 2 or 5 times a power of
/// ten), rounded to 12 significant digits so that labels read `0.6`, not
/// `0.6000000000000001`.
fn nice_ticks(range: &Range<f64>, target: usize) -> Vec<f64> {
    let round = |v: f64| {
        if v == 0.0 || !v.is_finite() {
            return 0.0;
        }
        let scale = 10f64.powi(11 - v.abs().log10().floor() as i32);
        (v * scale).round() / scale
    };
    let points = RangedCoordf64::from(range.clone()).key_points(target.max(1));
    if points.is_empty() {
        vec![range.start]
    } else {
        points.into_iter().map(round).collect()
    }
}

/// The smallest and largest of `values`, with 0 always in range.
fn min_max(values: impl Iterator<Item = f64>) -> (f64, f64) {
    values
        .filter(|v| v.is_finite())
        .fold((0.0, 0.0), |(lo, hi), v| (f64::min(lo, v), f64::max(hi, v)))
}

/// A range from `low` to `high` with a margin on the side away from zero;
/// `0..1` when it would be empty.
fn padded(low: f64, high: f64) -> Range<f64> {
    let (low, high) = (low.min(0.0), high.max(0.0));
    let span = high - low;
    if !(span.is_finite() && span > 0.0) {
        return 0.0..1.0;
    }
    let margin = 0.06 * span;
    let low = if low < 0.0 { low - margin } else { low };
    let high = if high > 0.0 { high + margin } else { high };
    low..high
}

// ---------------------------------------------------------------------------
// Drawing.

/// Draws one figure into an SVG string: `title` on top, the chart drawn by
/// `body` on the left, and `legend` in a panel on the right.
fn render(
    size: (u32, u32),
    title: &str,
    legend: &Legend,
    body: impl FnOnce(&Canvas<'_>) -> Result<(), String>,
) -> Result<String, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE).map_err(fail)?;
        let style = (FONT, TITLE_SIZE).into_font().color(&TEXT_COLOR);
        let inner = root.titled(title, style).map_err(fail)?;
        let (plot, side) = inner.split_horizontally(size.0.saturating_sub(LEGEND_WIDTH));
        body(&plot)?;
        legend.draw(&side)?;
        root.present().map_err(fail)?;
    }
    Ok(svg)
}

/// A chart on `area` with axes `x` and `y`, its grid and axis labels drawn.
fn chart<'a, 's>(
    area: &'a Canvas<'s>,
    x: &Axis<'_>,
    y: &Axis<'_>,
) -> Result<Chart<'a, 's>, String> {
    let mut chart = build(area, x, y, None)?;
    draw_mesh(&mut chart, x, y)?;
    Ok(chart)
}

/// A chart on `area` with axes `x` and `y` and, if `right` is given, room
/// for it on the right; nothing drawn yet.
fn build<'a, 's>(
    area: &'a Canvas<'s>,
    x: &Axis<'_>,
    y: &Axis<'_>,
    right: Option<&Axis<'_>>,
) -> Result<Chart<'a, 's>, String> {
    ChartBuilder::on(area)
        .margin(12)
        .x_label_area_size(60)
        .y_label_area_size(y.label_area())
        .right_y_label_area_size(right.map_or(0, Axis::label_area))
        .build_cartesian_2d(x.coord(), y.coord())
        .map_err(fail)
}

/// Draws the grid, the ticks and the axis descriptions of `chart`.
fn draw_mesh(chart: &mut Chart<'_, '_>, x: &Axis<'_>, y: &Axis<'_>) -> Result<(), String> {
    let x_label = |v: &f64| (x.label)(*v);
    let y_label = |v: &f64| (y.label)(*v);
    let mut mesh = chart.configure_mesh();
    mesh.x_label_formatter(&x_label)
        .y_label_formatter(&y_label)
        .x_desc(x.desc.as_str())
        .y_desc(y.desc.as_str())
        .label_style((FONT, LABEL_SIZE).into_font().color(&TEXT_COLOR))
        .axis_desc_style((FONT, DESC_SIZE).into_font().color(&TEXT_COLOR))
        .bold_line_style(GRID_COLOR.stroke_width(1))
        .light_line_style(GRID_COLOR.mix(0.4).stroke_width(1));
    if !x.grid {
        mesh.disable_x_mesh();
    }
    if !y.grid {
        mesh.disable_y_mesh();
    }
    mesh.draw().map_err(fail)
}

/// Whether a bar segment from `from` to `to` is tall enough in pixels to
/// carry its amount as a label.
fn fits_label(chart: &Chart<'_, '_>, from: f64, to: f64) -> bool {
    let (_, a) = chart.backend_coord(&(0.0, from));
    let (_, b) = chart.backend_coord(&(0.0, to));
    (a - b).abs() >= 20
}

/// A text style of `size` in `color`, anchored at `h`, `v`.
fn text_style(size: f64, color: &RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    (FONT, size).into_font().color(color).pos(Pos::new(h, v))
}

/// What a legend entry's swatch looks like.
enum Swatch {
    /// A filled square.
    Fill(RGBColor),
    /// A solid line.
    Line(RGBColor),
    /// A dashed line.
    Dash(RGBColor),
    /// A small filled square with a line beside it, dashed if `true` (area
    /// and price).
    FillAndLine(RGBColor, bool),
}

/// The legend panel on the right of a figure: notes, then entries.
struct Legend {
    notes: Vec<String>,
    entries: Vec<(Swatch, String)>,
}

impl Legend {
    fn new(notes: Vec<String>) -> Legend {
        Legend {
            notes,
            entries: Vec::new(),
        }
    }

    fn push(&mut self, swatch: Swatch, label: String) {
        self.entries.push((swatch, label));
    }

    /// Draws the legend, as many entries as fit and then how many more.
    /// A label's lines after its first (`\n`) are drawn smaller beneath it.
    fn draw(&self, area: &Canvas<'_>) -> Result<(), String> {
        let (_, height) = area.dim_in_pixel();
        let bottom = height as i32 - LEGEND_ROW;
        let note = text_style(NOTE_SIZE, &MUTED_COLOR, HPos::Left, VPos::Center);
        let label = text_style(LABEL_SIZE, &TEXT_COLOR, HPos::Left, VPos::Center);
        let mut y = 24;
        for text in &self.notes {
            area.draw_text(text, &note, (8, y)).map_err(fail)?;
            y += LEGEND_ROW - 4;
        }
        y += 8;
        let tall = |text: &str| LEGEND_ROW + NOTE_ROW * (text.lines().count() as i32 - 1).max(0);
        for (i, (swatch, text)) in self.entries.iter().enumerate() {
            // The last row that fits says how many more, unless it is the
            // last entry.
            let last = i + 1 == self.entries.len();
            if y + tall(text) > bottom + LEGEND_ROW || (!last && y + tall(text) > bottom) {
                let more = format!("+{} more", self.entries.len() - i);
                area.draw_text(&more, &note, (50, y)).map_err(fail)?;
                break;
            }
            draw_swatch(area, swatch, y)?;
            for (k, line) in text.lines().enumerate() {
                let (style, at) = if k == 0 {
                    (&label, y)
                } else {
                    (&note, y + LEGEND_ROW / 2 + NOTE_ROW * (k as i32 - 1) + 4)
                };
                area.draw_text(&clip(line, if k == 0 { 22 } else { 26 }), style, (50, at))
                    .map_err(fail)?;
            }
            y += tall(text);
        }
        Ok(())
    }
}

/// Draws `swatch` in the legend row centred at pixel height `y`.
fn draw_swatch(area: &Canvas<'_>, swatch: &Swatch, y: i32) -> Result<(), String> {
    let square = |color: &RGBColor, right: i32| {
        Rectangle::new([(10, y - 7), (right, y + 7)], color.filled())
    };
    match swatch {
        Swatch::Fill(color) => area.draw(&square(color, 38)),
        Swatch::Line(color) => area.draw(&PathElement::new(
            vec![(10, y), (38, y)],
            color.stroke_width(3),
        )),
        Swatch::Dash(color) => area.draw(&dashes(10..38, y, color.stroke_width(3))),
        Swatch::FillAndLine(color, dashed) => {
            area.draw(&square(color, 22)).map_err(fail)?;
            let style = price_line(*color, *dashed);
            if *dashed {
                area.draw(&dashes(26..42, y, style))
            } else {
                area.draw(&PathElement::new(vec![(26, y), (42, y)], style))
            }
        }
    }
    .map_err(fail)
}

/// A short dashed line in the legend across pixels `x` at height `y`.
fn dashes(
    x: Range<i32>,
    y: i32,
    style: ShapeStyle,
) -> DashedPathElement<std::vec::IntoIter<(i32, i32)>, i32> {
    DashedPathElement::new(vec![(x.start, y), (x.end, y)], 5, 3, style)
}

/// The style of the price line of a region coloured `color` (dashed or
/// not, over a halo: at most eight series, so every line is as thick).
fn price_line(color: RGBColor, _dashed: bool) -> ShapeStyle {
    darken(color, 0.3).stroke_width(2)
}

/// `color` moved towards black by `amount` (0 to 1).
fn darken(color: RGBColor, amount: f64) -> RGBColor {
    let f = |c: u8| (f64::from(c) * (1.0 - amount.clamp(0.0, 1.0))).round() as u8;
    RGBColor(f(color.0), f(color.1), f(color.2))
}

/// A drawing error as the error of [`render_plots`].
fn fail<E: std::fmt::Display>(e: E) -> String {
    format!("cannot draw the plot: {e}")
}

// ---------------------------------------------------------------------------
// Numbers as text.

/// `text` cut to at most `max` characters, with an ellipsis if cut.
fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

/// A number with two significant decimals (more below 0.01) and no
/// trailing zeros.
fn number(v: f64) -> String {
    let digits = if v != 0.0 && v.abs() < 0.01 {
        (1.0 - v.abs().log10().floor()).min(12.0) as usize
    } else {
        2
    };
    let s = format!("{:.*}", digits, v + 0.0);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.into()
    }
}

/// Dollars in short form for axis ticks and bar segments: `$950`,
/// `$12.5k`, `-$1.2M`.
fn usd_short(v: f64) -> String {
    let sign = if v < 0.0 { "-" } else { "" };
    let a = v.abs();
    let (scaled, unit) = match a {
        a if a >= 1e9 => (a / 1e9, "G"),
        a if a >= 1e6 => (a / 1e6, "M"),
        a if a >= 1e3 => (a / 1e3, "k"),
        a => (a, ""),
    };
    match number(scaled).as_str() {
        "0" => "$0".into(),
        n => format!("{sign}${n}{unit}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geoshift::{evaluate, Local, Optimal, Scenario, Scheduler};

    /// Two regions with pools (the remote one cheaper at night, one hour of
    /// negative prices), one region without pools, three jobs.
    const SCENARIO: &str = r#"{
      "horizon": {"start": "2026-06-01T00:00:00Z", "slot_seconds": 3600, "slots": 12},
      "carbon_price_usd_per_t": 50,
      "regions": [
        {"id": "us-east", "pue": 1.3,
         "price_usd_per_mwh": [80, 85, 90, 95, 100, 110, 120, 110, 100, 90, 85, 80],
         "carbon_g_per_kwh": 400},
        {"id": "nordics", "pue": 1.1,
         "price_usd_per_mwh": [30, 20, -15, 10, 25, 40, 60, 70, 50, 35, 30, 25],
         "carbon_g_per_kwh": 30},
        {"id": "empty-site", "pue": 1.2, "price_usd_per_mwh": 45}
      ],
      "pools": [
        {"id": "h100-us", "region": "us-east", "servers": 16,
         "rent_usd_per_hour": 2.5, "power_kw": 10},
        {"id": "h100-no", "region": "nordics", "servers": 8,
         "rent_usd_per_hour": 2.2, "power_kw": 10}
      ],
      "links": [
        {"from": "us-east", "to": "nordics", "bandwidth_gbps": 10, "egress_usd_per_gb": 0.05},
        {"from": "nordics", "to": "us-east", "bandwidth_gbps": 10, "egress_usd_per_gb": 0.05}
      ],
      "jobs": [
        {"id": "llm-7b", "origin": "us-east", "work": 40, "input_gb": 500, "output_gb": 20,
         "deadline": "2026-06-01T10:00:00Z", "max_servers": 8},
        {"id": "vision", "origin": "nordics", "work": 12,
         "deadline": "2026-06-01T06:00:00Z", "max_servers": 4},
        {"id": "finetune", "origin": "us-east", "work": 6,
         "release": "2026-06-01T04:00:00Z", "deadline": "2026-06-02T00:00:00Z",
         "max_servers": 2, "placement": "whole"}
      ]
    }"#;

    fn problem(json: &str) -> Problem {
        let scenario = Scenario::from_json(json).expect("test scenario parses");
        Problem::new(&scenario).expect("test scenario is valid")
    }

    fn report(problem: &Problem, scheduler: &dyn Scheduler) -> Report {
        let schedule = scheduler
            .schedule(problem)
            .expect("test scenario is feasible");
        evaluate(problem, scheduler.name(), &schedule).expect("schedule is valid")
    }

    /// A fresh, empty directory under the system temp dir.
    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("geoshift-plot-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    /// Reads `path` and checks that it is one SVG document.
    fn read_svg(path: &Path) -> String {
        let text = std::fs::read_to_string(path).expect("plot was written");
        let trimmed = text.trim();
        assert!(
            trimmed.starts_with("<svg"),
            "{} starts with <svg",
            path.display()
        );
        assert!(
            trimmed.ends_with("</svg>"),
            "{} ends with </svg>",
            path.display()
        );
        assert_eq!(trimmed.matches("<svg").count(), 1);
        text
    }

    fn assert_contains(svg: &str, needles: &[&str]) {
        for needle in needles {
            assert!(svg.contains(needle), "SVG lacks {needle:?}");
        }
    }

    #[test]
    fn writes_three_readable_plots() {
        let p = problem(SCENARIO);
        let reports = vec![report(&p, &Local), report(&p, &Optimal::default())];
        let dir = temp_dir("full");
        let written = write_plots(&p, &reports, "optimal", &dir).expect("plots written");
        let names: Vec<_> = written.iter().filter_map(|w| w.file_name()).collect();
        assert_eq!(
            names,
            [
                "servers-by-region.svg",
                "cost-breakdown.svg",
                "job-timeline.svg"
            ]
        );

        let servers = read_svg(&dir.join("servers-by-region.svg"));
        assert_contains(
            &servers,
            &[
                "us-east",
                "nordics",
                "empty-site",
                "optimal",
                "servers in use (server-hours per slot ÷ slot hours)",
                "energy price ($/MWh)",
                "time (UTC), 12 slots of 1 h from 2026-06-01 00:00",
                "<polygon",
            ],
        );
        let costs = read_svg(&dir.join("cost-breakdown.svg"));
        assert_contains(
            &costs,
            &[
                "local",
                "optimal",
                "cost ($)",
                "scheduler",
                "rent",
                "energy",
                "carbon",
                "egress",
            ],
        );
        for r in &reports {
            assert_contains(&costs, &[&format!("total {}", usd(r.total_usd))]);
        }
        let timeline = read_svg(&dir.join("job-timeline.svg"));
        assert_contains(
            &timeline,
            &[
                "llm-7b",
                "vision",
                "finetune",
                "us-east",
                "nordics",
                "deadline",
                "eligible slots",
                "time (UTC)",
                "optimal",
            ],
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn negative_energy_one_slot_one_job_does_not_panic() {
        let json = r#"{
          "horizon": {"start": "2026-06-01T00:00:00Z", "slot_seconds": 900, "slots": 1},
          "regions": [{"id": "solo", "pue": 1.0, "price_usd_per_mwh": -400}],
          "pools": [{"id": "gpus", "region": "solo", "servers": 4,
                     "rent_usd_per_hour": 0.5, "power_kw": 10}],
          "jobs": [{"id": "only", "origin": "solo", "work": 1,
                    "deadline": "2026-06-03T00:00:00Z", "max_servers": 4}]
        }"#;
        let p = problem(json);
        let r = report(&p, &Optimal::default());
        assert!(r.energy_usd < 0.0 && r.total_usd < 0.0);
        let dir = temp_dir("negative");
        write_plots(&p, std::slice::from_ref(&r), "optimal", &dir).expect("plots written");
        let costs = read_svg(&dir.join("cost-breakdown.svg"));
        assert_contains(&costs, &[&format!("total {}", usd(r.total_usd)), "-$"]);
        let timeline = read_svg(&dir.join("job-timeline.svg"));
        assert_contains(&timeline, &["only", "deadline off the axis"]);
        read_svg(&dir.join("servers-by-region.svg"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn empty_inputs_do_not_panic() {
        let json = r#"{
          "horizon": {"start": "2026-06-01T00:00:00Z", "slot_seconds": 3600, "slots": 1},
          "regions": [{"id": "idle", "pue": 1.0, "price_usd_per_mwh": 0},
                      {"id": "bare", "pue": 1.0, "price_usd_per_mwh": 0}],
          "pools": [{"id": "free", "region": "idle", "servers": 1,
                     "rent_usd_per_hour": 0, "power_kw": 0}],
          "jobs": []
        }"#;
        let p = problem(json);
        let r = report(&p, &Local);
        assert!(r.assignments.is_empty() && r.total_usd == 0.0);
        let dir = temp_dir("empty");
        for (reports, chosen) in [(vec![r], "local"), (vec![], "optimal")] {
            write_plots(&p, &reports, chosen, &dir).expect("plots written");
            for name in ["servers-by-region.svg", "job-timeline.svg"] {
                assert_contains(&read_svg(&dir.join(name)), &[chosen, "idle", "bare"]);
            }
            read_svg(&dir.join("cost-breakdown.svg"));
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_long_horizon_is_averaged_into_a_small_file() {
        let json = r#"{
          "horizon": {"start": "2026-01-01T00:00:00Z", "slot_seconds": 900, "slots": 35040},
          "regions": [{"id": "home", "pue": 1.2,
                       "price_usd_per_mwh": {"points": [["2026-01-01T00:00:00Z", 50],
                                                        ["2026-07-01T00:00:00Z", -20]]}}],
          "pools": [{"id": "gpus", "region": "home", "servers": 8,
                     "rent_usd_per_hour": 1, "power_kw": 5}],
          "jobs": [{"id": "year-long", "origin": "home", "work": 500,
                    "deadline": "2026-12-31T00:00:00Z", "max_servers": 2}]
        }"#;
        let p = problem(json);
        let r = report(&p, &Local);
        let dir = temp_dir("long");
        write_plots(&p, std::slice::from_ref(&r), "local", &dir).expect("plots written");
        let servers = read_svg(&dir.join("servers-by-region.svg"));
        assert_contains(&servers, &["mean of 18 slots", "Mar 01", "Nov 01"]);
        assert!(servers.len() < 500_000, "{} bytes", servers.len());
        read_svg(&dir.join("job-timeline.svg"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn an_unwritable_directory_is_an_error() {
        let dir = temp_dir("file");
        std::fs::create_dir_all(&dir).expect("temp dir");
        let file = dir.join("not-a-dir");
        std::fs::write(&file, "x").expect("temp file");
        let p = problem(SCENARIO);
        assert!(write_plots(&p, &[], "optimal", &file).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// The first lines of the legend's entries (not its notes, not "+N
    /// more"): the labels in the text colour in the legend's column.
    fn legend_entries(svg: &str) -> Vec<String> {
        let column = format!("x=\"{}\"", SIZE.0 - LEGEND_WIDTH + 50);
        svg.split("<text ")
            .skip(1)
            .filter(|t| t.starts_with(&column))
            .filter_map(|t| {
                let (attrs, rest) = t.split_once('>')?;
                attrs.contains("fill=\"#222222\"").then(|| {
                    rest.split('<')
                        .next()
                        .unwrap_or_default()
                        .trim()
                        .to_string()
                })
            })
            .collect()
    }

    fn hex(c: RGBColor) -> String {
        format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
    }

    /// Twelve regions, job `jNN` at home in `rNN` with NN + 1 units of
    /// work: Local's plan ranks the regions by number, largest last.
    fn twelve_regions() -> String {
        let regions: Vec<String> = (0..12)
            .map(|i| {
                format!(
                    r#"{{"id": "r{i:02}", "pue": 1.1, "price_usd_per_mwh": {}}}"#,
                    40 + i
                )
            })
            .collect();
        let pools: Vec<String> = (0..12)
            .map(|i| {
                format!(
                    r#"{{"id": "p{i:02}", "region": "r{i:02}", "servers": 4,
                        "rent_usd_per_hour": 1, "power_kw": 5, "rent_includes_energy": {}}}"#,
                    i % 2 == 1
                )
            })
            .collect();
        let jobs: Vec<String> = (0..12)
            .map(|i| {
                format!(
                    r#"{{"id": "j{i:02}", "origin": "r{i:02}", "work": {},
                        "deadline": "2026-06-01T12:00:00Z", "max_servers": 4}}"#,
                    i + 1
                )
            })
            .collect();
        format!(
            r#"{{"horizon": {{"start": "2026-06-01T00:00:00Z", "slot_seconds": 3600, "slots": 12}},
                "regions": [{}], "pools": [{}], "jobs": [{}]}}"#,
            regions.join(","),
            pools.join(","),
            jobs.join(",")
        )
    }

    #[test]
    fn many_regions_are_the_largest_seven_and_the_rest() {
        let p = problem(&twelve_regions());
        let r = report(&p, &Local);
        let files = render_plots(&p, std::slice::from_ref(&r), "local").expect("drawn");
        let servers = &files[0].1;
        let entries = legend_entries(servers);
        // The seven regions with the most work, largest first, then the rest.
        assert_eq!(
            entries,
            [
                "r11",
                "r10",
                "r09",
                "r08",
                "r07",
                "r06",
                "r05",
                "5 other regions"
            ]
        );
        for i in 0..5 {
            assert!(!servers.contains(&format!("r{i:02}")), "r{i:02} is summed");
        }
        // Each series its own colour of the palette, the rest grey.
        for (i, color) in SERIES_PALETTE.iter().take(7).enumerate() {
            assert!(servers.contains(&hex(*color)), "series {i}");
        }
        assert!(servers.contains(&hex(OTHER_COLOR)));
        // Price lines for the named regions that pay for energy (even
        // numbers: r10, r08, r06 at series 1, 3, 5) and none for those
        // whose rent includes it (r11, r09, r07, r05 at 0, 2, 4, 6).
        for (i, color) in SERIES_PALETTE.iter().take(7).enumerate() {
            let line = format!("stroke=\"{}\"", hex(darken(*color, 0.3)));
            assert_eq!(servers.contains(&line), i % 2 == 1, "series {i}: {line}");
        }
        assert!(servers.contains("no line: rent includes energy"));
        let timeline = &files[2].1;
        let entries = legend_entries(timeline);
        assert_eq!(entries.len(), 8 + 2, "{entries:?}"); // and eligible, deadline
        assert_eq!(entries[7], "5 other regions");
    }

    #[test]
    fn no_price_line_when_every_rent_includes_energy() {
        let json = SCENARIO.replace(
            r#""power_kw": 10}"#,
            r#""power_kw": 10, "rent_includes_energy": true}"#,
        );
        assert_eq!(json.matches("rent_includes_energy").count(), 2);
        let p = problem(&json);
        let r = report(&p, &Optimal::default());
        let files = render_plots(&p, std::slice::from_ref(&r), "optimal").expect("drawn");
        let servers = &files[0].1;
        for color in SERIES_PALETTE.iter().take(2) {
            assert!(!servers.contains(&format!("stroke=\"{}\"", hex(darken(*color, 0.3)))));
        }
        // The region without pools keeps its line: there is no rent there.
        let line = format!("stroke=\"{}\"", hex(darken(SERIES_PALETTE[2], 0.3)));
        assert!(servers.contains(&line));
        // Three regions: all named, none summed; nordics' negative price
        // is not drawn, so neither is the zero line.
        assert_eq!(
            legend_entries(servers),
            ["us-east", "nordics", "empty-site (no pools)"]
        );
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(usd(-1234.5), "-$1,234.50");
        assert_eq!(usd(0.0), "$0.00");
        assert_eq!(usd_short(12_500.0), "$12.5k");
        assert_eq!(usd_short(-0.0), "$0");
        assert_eq!(number(2.50), "2.5");
        assert_eq!(nice_ticks(&(0.0..10.0), 8), [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(nice_ticks(&(0.0..1.0), 8), [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        assert_eq!(nice_ticks(&(-3.2..0.0), 8)[0], -3.0);
        assert_eq!(merge(vec![(3, 4), (0, 1), (1, 2)]), [(0, 2), (3, 4)]);
        assert_eq!(
            steps(&[1.0, 3.0, 5.0], 2),
            [(0.0, 2.0), (2.0, 2.0), (2.0, 5.0), (3.0, 5.0)]
        );
    }
}
