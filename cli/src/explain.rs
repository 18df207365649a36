//! `geoshift explain`: what one more unit of each limit would save at the
//! optimum (`geoshift::explain`), as a table of the top bottlenecks with
//! the meaning of each value, as JSON, and as an SVG chart of what one
//! more server-hour of each pool is worth over time.

use crate::output::usd;
use crate::{emit, optimal, output, to_json, usage, Failure};
use geoshift::{explain_with_threads, Backend, Explanation};
use std::fmt::Write as _;
use std::path::Path;

/// The file `--out DIR` writes.
pub const PLOT_FILE: &str = "capacity-value.svg";

/// Runs `geoshift explain`.
pub fn run(
    path: &Path,
    (backend, threads): (Backend, Option<usize>),
    json: bool,
    top: usize,
    plot_dir: Option<&Path>,
) -> Result<(), Failure> {
    let threads = crate::sweep::threads(threads)?;
    // The problem and one deadline re-solve's at a time.
    let problem = crate::load_for(path, 2)?;
    if let Some(dir) = plot_dir {
        // A folder that cannot take the file is found before solving.
        output::check_dir(dir, &[PLOT_FILE], path).map_err(usage)?;
    }
    let e = explain_with_threads(&problem, &optimal(backend, false), threads)
        .map_err(|e| failure(path, e))?;
    let mut out = String::new();
    if json {
        let _ = writeln!(out, "{}", to_json(&e)?);
    } else {
        table(&mut out, &e, top, path, problem.horizon().slot_seconds);
    }
    if let Some(dir) = plot_dir {
        let svg = chart(&e).map_err(|m| Failure::new(3, format!("cannot draw the plot: {m}")))?;
        let files = output::write_all(dir, &[(PLOT_FILE, svg)])
            .map_err(|m| usage(format!("cannot write the plot: {m}")))?;
        for f in files {
            // With --json, stdout holds only the JSON.
            if json {
                eprintln!("wrote {}", f.display());
            } else {
                let _ = writeln!(out, "wrote {}", f.display());
            }
        }
    }
    emit(&out)
}

/// The exit status and JSON of an explain error: the engine's as for
/// `solve`; a Whole job or a solver without duals is a usage error (1), a
/// limit that stopped the optimum exits 4, as for `solve`.
fn failure(path: &Path, e: geoshift::Error) -> Failure {
    let own = matches!(e, geoshift::Error::Explain(_));
    let message = format!("{}: {e}", path.display());
    let mut failure = Failure::from(e);
    if own {
        failure.message = message;
    }
    failure
}

fn table(out: &mut String, e: &Explanation, top: usize, path: &Path, slot_seconds: u64) {
    let m = &e.meaning;
    let _ = writeln!(
        out,
        "{}: optimum {} (proven lower bound {}), duals from {}; slots of {} s",
        path.display(),
        usd(e.total_usd),
        usd(e.bound_usd),
        e.backend,
        slot_seconds
    );
    let _ = writeln!(
        out,
        "What one more unit of each limit saves at the optimum (LP duals).\nNote: {}.\n",
        m.validity
    );
    if !e.fixed_regions.is_empty() {
        // A MILP: say which LP the values are of.
        let choices: Vec<String> = e
            .fixed_regions
            .iter()
            .map(|f| match f.regions.as_slice() {
                [] => format!("{} nowhere", f.job),
                regions => format!("{} in {}", f.job, regions.join(" + ")),
            })
            .collect();
        let _ = writeln!(
            out,
            "Note: {}.\nFixed as the optimum chose: {}.\n",
            m.fixed_regions,
            choices.join(", ")
        );
    }
    let rows = e.bottlenecks();
    let _ = writeln!(
        out,
        "Top bottlenecks ({} of {} limits worth over $0.000001 a unit; largest first, units differ):",
        rows.len().min(top),
        rows.len()
    );
    let _ = writeln!(
        out,
        "  {:<12} {:<24} {:>12}  {:<24} {:>6}",
        "limit", "id", "saves", "per one more", "slots"
    );
    for b in rows.iter().take(top) {
        let _ = writeln!(
            out,
            "  {:<12} {:<24} {:>12}  {:<24} {:>6}",
            b.limit.as_str(),
            b.id,
            usd(b.usd),
            b.unit,
            b.slots
        );
    }
    if rows.is_empty() {
        let _ = writeln!(out, "  (none: no limit binds; more of any saves nothing)");
    }
    let _ = writeln!(out, "\nRegions:");
    let _ = writeln!(
        out,
        "  {:<24} {:>16} {:>16}",
        "region", "$ per server", "$ per kW of cap"
    );
    for r in &e.regions {
        let kw = r.power_usd_per_kw.map_or("no cap".to_string(), usd);
        let _ = writeln!(
            out,
            "  {:<24} {:>16} {:>16}",
            r.id,
            usd(r.usd_per_server),
            kw
        );
    }
    let _ = writeln!(out, "\nJobs:");
    let _ = writeln!(
        out,
        "  {:<24} {:>14} {:>24} {:>16}",
        "job", "$ per work unit", "$ saved, deadline +1 h", "$ per server"
    );
    for j in &e.jobs {
        let d = &j.deadline_hour;
        let deadline = match (d.saved_usd, d.stopped) {
            (_, _) if d.new_slots == 0 => format!("{} (no new slot)", usd(0.0)),
            (Some(s), None) => usd(s),
            (_, _) => format!(
                "{}..{} (stopped)",
                usd(d.saved_usd_at_least),
                d.saved_usd_at_most.map_or("?".into(), usd)
            ),
        };
        let _ = writeln!(
            out,
            "  {:<24} {:>14} {:>24} {:>16}",
            j.id,
            usd(j.usd_per_work_unit),
            deadline,
            usd(j.usd_per_server)
        );
    }
    let _ = writeln!(out, "\nMeaning:");
    for (name, text) in [
        ("capacity, $ per server", m.pool_usd_per_server),
        ("  per slot", m.pool_usd_per_server_hour),
        ("region, $ per server", m.region_usd_per_server),
        ("power, $ per kW", m.power_usd_per_kw),
        ("  per slot", m.power_usd_per_kwh),
        ("job, $ per work unit", m.job_usd_per_work_unit),
        ("parallelism, $ per server", m.job_usd_per_server),
        ("deadline +1 h", m.deadline_hour),
    ] {
        let _ = writeln!(out, "  {name}: {text}");
    }
}

/// What one more server-hour of each pool saves, per slot, as step lines
/// over the horizon's dates, the legend beside the chart (at most eight
/// entries: see `plot::capacity_value`).
pub fn chart(e: &Explanation) -> Result<String, String> {
    crate::plot::capacity_value(e)
}
