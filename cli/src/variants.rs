//! Overlays on the command line (`--without`, `--only`, `--set`, in the
//! order given) and the variants of `compare --variant 'NAME=OVERLAY;
//! OVERLAY'`: the one place that reads their text into
//! [`geoshift::Overlay`]s. The overlays themselves are the library's.

use crate::output::usd;
use crate::{
    build_problem, described, emit, input_error, read_scenario, run, scheduler, to_json, usage,
    Failure, SchedulerName,
};
use geoshift::{Backend, Error, Overlay, Problem, Report};
use serde::Serialize;
use std::collections::HashMap;
use std::ffi::OsString;
use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

/// The overlay flags, as `--FLAG` names them: each takes one value.
pub const FLAGS: [&str; 3] = ["without", "only", "set"];

/// The overlays of the command line, in the order given (an `--only`
/// before a `--set` applies first), read from the arguments clap has
/// already accepted: `--without X` and `--without=X` alike. Nothing after
/// `--` is an option.
pub fn from_args(args: &[OsString]) -> Result<Vec<Overlay>, geoshift::Error> {
    let mut overlays = Vec::new();
    let mut it = args.iter().skip(1);
    while let Some(arg) = it.next() {
        let Some(text) = arg.to_str() else { continue };
        if text == "--" {
            break;
        }
        let Some(option) = text.strip_prefix("--") else {
            continue;
        };
        let (name, inline) = match option.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (option, None),
        };
        if !FLAGS.contains(&name) {
            continue;
        }
        let value = match inline {
            Some(v) => v,
            None => match it.next().and_then(|v| v.to_str()) {
                Some(v) => v.to_string(),
                None => continue, // clap has refused this already
            },
        };
        overlays.push(Overlay::parse_op(name, &value)?);
    }
    Ok(overlays)
}

/// The overlays as a header shows them: `without region:vast-*; set
/// carbon_price_usd_per_t=80`.
pub fn describe(overlays: &[Overlay]) -> String {
    overlays
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// One `compare --variant`: its name and overlays.
#[derive(Debug, Clone)]
pub struct Variant {
    pub name: String,
    pub overlays: Vec<Overlay>,
}

/// Reads `NAME=OVERLAY; OVERLAY; ...`: each overlay as on the command line
/// without its dashes (`without region:vast-*`); `NAME=` is the file as it
/// is. The name is what comes before the first `=`.
pub fn parse_variant(text: &str) -> Result<Variant, String> {
    let (name, rest) = text
        .split_once('=')
        .ok_or_else(|| format!("--variant {text:?}: expected NAME=OVERLAY; OVERLAY ..."))?;
    let name = name.trim();
    if name.is_empty() {
        return Err(format!("--variant {text:?}: the name is empty"));
    }
    let overlays = rest
        .split(';')
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .map(|o| {
            o.parse::<Overlay>()
                .map_err(|e| format!("--variant {name:?}: {e}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Variant {
        name: name.to_string(),
        overlays,
    })
}

/// The group of each region of `problem`, by index: its `group` field, or
/// else its id before the first `-` (`gcp-us-east1` is in `gcp`,
/// `vast-texas-us-na` in `vast`, `ny` in `ny`), cut to 40 characters
/// for the tables.
fn groups_of(problem: &Problem) -> Vec<String> {
    let named: HashMap<&str, &str> = problem
        .scenario()
        .regions
        .iter()
        .map(|r| (r.id.as_str(), r.group_name()))
        .collect();
    problem
        .regions()
        .iter()
        .map(|r| {
            let g = named
                .get(r.id.as_str())
                .copied()
                .unwrap_or_else(|| r.id.split('-').next().unwrap_or(&r.id));
            g.chars().take(40).collect()
        })
        .collect()
}

/// What one region group did in a plan: work units done there
/// (server-hours × [`Problem::work_per_server_hour`]) and what its
/// server-hours cost (rent, energy, carbon; egress is a job's, not a
/// region's).
#[derive(Debug, Clone, Serialize)]
pub struct GroupShare {
    pub group: String,
    pub work: f64,
    /// `work` over the plan's work, from 0 to 1.
    pub work_share: f64,
    pub cost_usd: f64,
}

/// Work and cost per region group of `report`'s plan, groups in the order
/// of the scenario's regions (every group, those without work too).
pub fn group_shares(problem: &Problem, report: &Report) -> Vec<GroupShare> {
    let of = groups_of(problem);
    let mut groups: Vec<GroupShare> = Vec::new();
    for g in &of {
        if !groups.iter().any(|x| x.group == *g) {
            groups.push(GroupShare {
                group: g.to_string(),
                work: 0.0,
                work_share: 0.0,
                cost_usd: 0.0,
            });
        }
    }
    for (_, k, work, cost) in priced_rows(problem, report) {
        let g = &of[problem.pools()[k].region];
        let Some(row) = groups.iter_mut().find(|x| x.group == *g) else {
            continue;
        };
        row.work += work;
        row.cost_usd += cost;
    }
    let total: f64 = groups.iter().map(|g| g.work).sum();
    for g in &mut groups {
        g.work_share = if total > 0.0 { g.work / total } else { 0.0 };
    }
    groups
}

/// Each row of `report` with its pool's index, its work (server-hours ×
/// the pair's work per server-hour) and its cost (server-hours × the
/// cell's rent, energy and carbon): what the group table and the plan's
/// CSV both read. Ids are the problem's own (the report was made from it).
fn priced_rows<'r>(
    problem: &Problem,
    report: &'r Report,
) -> Vec<(&'r geoshift::AssignmentReport, usize, f64, f64)> {
    let jobs: HashMap<&str, usize> = problem
        .jobs()
        .iter()
        .enumerate()
        .map(|(i, j)| (j.id.as_str(), i))
        .collect();
    let pools: HashMap<&str, usize> = problem
        .pools()
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();
    report
        .assignments
        .iter()
        .filter_map(|a| {
            let (&j, &k) = (jobs.get(a.job.as_str())?, pools.get(a.pool.as_str())?);
            let work = a.server_hours * problem.work_per_server_hour(j, k).unwrap_or(0.0);
            let cost = problem.pools()[k]
                .cost
                .get(a.slot)
                .map_or(0.0, |c| c.total_usd());
            Some((a, k, work, a.server_hours * cost))
        })
        .collect()
}

/// A table of work share and cost per region group, one row per group
/// (in order of first appearance) and one column per plan (`(name,
/// shares)`): what `solve` and `compare` print under their totals.
pub fn print_groups(out: &mut String, plans: &[(&str, Vec<GroupShare>)], indent: &str) {
    let mut names: Vec<&str> = Vec::new();
    for g in plans.iter().flat_map(|(_, g)| g) {
        if !names.contains(&g.group.as_str()) {
            names.push(&g.group);
        }
    }
    if plans.is_empty() || names.is_empty() {
        return;
    }
    let w = names.iter().map(|n| n.len()).max().unwrap_or(5).max(5);
    out.push('\n');
    let _ = writeln!(
        out,
        "{indent}work share and cost per region group (a region's group field, or its id \
         before the first '-'; cost: rent, energy, carbon)"
    );
    let _ = write!(out, "{indent}{:<w$}", "group");
    for (plan, _) in plans {
        let _ = write!(out, " {plan:>18}");
    }
    out.push('\n');
    for g in &names {
        let _ = write!(out, "{indent}{g:<w$}");
        for (_, groups) in plans {
            let cell = groups
                .iter()
                .find(|x| x.group == *g)
                .map_or("-".to_string(), |x| {
                    let share = format!("{:.1}%", 100.0 * x.work_share);
                    format!("{share:>6} {:>11}", usd(x.cost_usd))
                });
            let _ = write!(out, " {cell:>18}");
        }
        out.push('\n');
    }
}

/// The plan's rows as CSV: job, pool, region, slot, start, server_hours,
/// work (server-hours × the pair's work per server-hour) and cost_usd
/// (server-hours × the cell's rent, energy and carbon).
pub fn plan_csv(problem: &Problem, report: &Report) -> Result<String, Failure> {
    let cannot = |e: String| Failure::new(3, format!("cannot write CSV: {e}"));
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "job",
        "pool",
        "region",
        "slot",
        "start",
        "server_hours",
        "work",
        "cost_usd",
    ])
    .map_err(|e| cannot(e.to_string()))?;
    for (a, k, work, cost) in priced_rows(problem, report) {
        let pool = &problem.pools()[k];
        w.write_record([
            a.job.clone(),
            a.pool.clone(),
            problem.regions()[pool.region].id.clone(),
            a.slot.to_string(),
            a.start.to_rfc3339(),
            a.server_hours.to_string(),
            work.to_string(),
            cost.to_string(),
        ])
        .map_err(|e| cannot(e.to_string()))?;
    }
    let bytes = w.into_inner().map_err(|e| cannot(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| cannot(e.to_string()))
}

/// Refuses (exit 1) an output file that exists already: like `bench`,
/// these commands never replace a file. Checked before anything is solved.
pub fn check_new_file(flag: &str, path: &Path) -> Result<(), Failure> {
    if std::fs::symlink_metadata(path).is_ok() {
        return Err(usage(format!(
            "{flag}: {} exists already; geoshift never replaces a file (remove it or choose \
             another name)",
            path.display()
        )));
    }
    Ok(())
}

/// Writes a new file (never over an existing one, nor through a link),
/// whole or not at all: [`crate::output::write_new`].
pub fn write_new_file(flag: &str, path: &Path, contents: &str) -> Result<(), Failure> {
    crate::output::write_new(path, contents).map_err(|e| usage(format!("{flag} {e}")))
}

/// One row of `compare --variant`.
#[derive(Serialize)]
struct VariantRow {
    name: String,
    overlays: Vec<String>,
    scheduler: String,
    solve_seconds: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    total_usd: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rent_usd: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    energy_usd: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    carbon_usd: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    egress_usd: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    unmet_usd: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    energy_mwh: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    emissions_t: Option<f64>,
    /// Work and cost per region group (empty when there is no plan).
    groups: Vec<GroupShare>,
    /// The first row's total minus this one's.
    #[serde(skip_serializing_if = "Option::is_none")]
    saving_vs_first_usd: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    saving_vs_first_pct: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    proven_optimal: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error_detail: Option<serde_json::Value>,
    #[serde(skip)]
    failure_code: u8,
}

/// What `compare --variant --json` prints.
#[derive(Serialize)]
struct VariantsOutput<'a> {
    scenario: String,
    scheduler: &'a str,
    variants: &'a [VariantRow],
}

/// The arguments of `compare --variant`.
pub struct CompareVariants<'a> {
    pub path: &'a Path,
    pub variants: &'a [String],
    pub scheduler: SchedulerName,
    pub backend: Backend,
    pub json: bool,
    pub csv: Option<&'a Path>,
    /// Threads that solve variants at once (at least 1).
    pub threads: usize,
}

/// `compare FILE --variant 'NAME=OVERLAY; ...' ...`: each variant's
/// scenario (the file with the command line's overlays, then the
/// variant's) planned by one scheduler, one row each, with the saving
/// against the first row.
pub fn compare(args: &CompareVariants) -> Result<(), Failure> {
    let path = args.path;
    let variants = args
        .variants
        .iter()
        .map(|v| parse_variant(v).map_err(usage))
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(csv) = args.csv {
        check_new_file("--csv", csv)?;
    }
    let base = read_scenario(path)?;
    // Every variant is checked before any is solved: a typo in the last
    // one costs no solve.
    let mut problems = Vec::with_capacity(variants.len());
    let mut held = 0usize;
    for v in &variants {
        let named = |e: geoshift::Error| {
            let f = input_error(path, e);
            Failure {
                message: format!("variant '{}': {}", v.name, f.message),
                ..f
            }
        };
        let scenario = base.clone().with_overlays(&v.overlays).map_err(named)?;
        held = held.saturating_add(Problem::estimate_bytes(&scenario));
        let problem = build_problem(path, scenario, 1).map_err(|f| Failure {
            message: format!("variant '{}': {}", v.name, f.message),
            ..f
        })?;
        problems.push(problem);
    }
    let (threads, share) = threads_by_memory(args, &problems, held);
    if threads < args.threads.min(problems.len()) {
        eprintln!(
            "compare: {threads} thread(s) instead of {}: the memory budget holds {threads} solve(s) \
             of these variants at once",
            args.threads
        );
    }
    // Runs of neighbours, one per thread: each variant's optimum starts
    // from the one before in its run.
    let pairs: Vec<(&Variant, &Problem)> = variants.iter().zip(&problems).collect();
    let runs: Vec<Result<Vec<VariantRow>, Failure>> = if threads <= 1 {
        vec![solve_run(args, share, &pairs)]
    } else {
        // Exactly `threads` runs (each gets a share of the budget), the
        // first ones a variant longer where they do not divide evenly.
        let (size, longer) = (pairs.len() / threads, pairs.len() % threads);
        let mut rest = &pairs[..];
        let mut runs = Vec::with_capacity(threads);
        for t in 0..threads {
            let (run, after) = rest.split_at(size + usize::from(t < longer));
            runs.push(run);
            rest = after;
        }
        std::thread::scope(|scope| {
            let handles: Vec<_> = runs
                .into_iter()
                .map(|run| scope.spawn(move || solve_run(args, share, run)))
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|_| {
                        Err(Failure::new(
                            3,
                            "internal: a variant's solve panicked".into(),
                        ))
                    })
                })
                .collect()
        })
    };
    let mut rows = Vec::with_capacity(variants.len());
    for run in runs {
        rows.extend(run?);
    }
    let first = rows.first().and_then(|r| r.total_usd);
    for row in &mut rows {
        if let (Some(base), Some(total)) = (first, row.total_usd) {
            row.saving_vs_first_usd = Some(base - total);
            row.saving_vs_first_pct = (base != 0.0).then(|| 100.0 * (base - total) / base);
        }
    }
    let groups = group_names(&rows);
    if let Some(csv) = args.csv {
        write_new_file("--csv", csv, &to_csv(&rows, &groups)?)?;
    }
    let mut out = String::new();
    if args.json {
        let output = VariantsOutput {
            scenario: path.display().to_string(),
            scheduler: args.scheduler.name(),
            variants: &rows,
        };
        out.push_str(&to_json(&output)?);
        out.push('\n');
    } else {
        print(&mut out, &rows, &groups, path, args.scheduler.name());
        if let Some(csv) = args.csv {
            let _ = writeln!(out, "wrote {}", csv.display());
        }
    }
    emit(&out)?;
    // A variant without a plan makes the command fail, after the table:
    // a script must not take a missing row for a result.
    match rows.iter().find(|r| r.error.is_some()) {
        Some(r) => Err(Failure {
            reported: args.json,
            ..Failure::new(
                r.failure_code,
                format!(
                    "variant '{}': {}",
                    r.name,
                    r.error.as_deref().unwrap_or_default()
                ),
            )
        }),
        None => Ok(()),
    }
}

/// The most threads, up to `args.threads`, whose share of the memory
/// budget beside the variants' problems (`held` bytes), `(budget - held)
/// / threads`, still holds every variant's solve, with that share (none:
/// one thread keeps the budget whole, as before).
fn threads_by_memory(
    args: &CompareVariants,
    problems: &[Problem],
    held: usize,
) -> (usize, Option<usize>) {
    let most = args.threads.min(problems.len()).max(1);
    if args.scheduler != SchedulerName::Optimal {
        return (most, None);
    }
    for n in (2..=most).rev() {
        let share = geoshift::DEFAULT_MEMORY_BUDGET_BYTES.saturating_sub(held) / n;
        let optimal = crate::optimal(args.backend, false).memory_budget(share);
        if problems.iter().all(|p| optimal.check_memory(p).is_ok()) {
            return (n, Some(share));
        }
    }
    (1, None)
}

/// One run of neighbouring variants, in order, each planned by
/// `args.scheduler` with `share` bytes of the memory budget where given (the optimum from the one before where the two have
/// one shape: the same regions, pools and jobs).
fn solve_run(
    args: &CompareVariants,
    share: Option<usize>,
    neighbours: &[(&Variant, &Problem)],
) -> Result<Vec<VariantRow>, Failure> {
    // The run's own optimum (and progress line), with its share of the
    // memory budget when it has one.
    let mut optimal = crate::optimal(args.backend, false);
    if let Some(bytes) = share {
        optimal = optimal.memory_budget(bytes);
    }
    let mut rows = Vec::with_capacity(neighbours.len());
    let mut previous: Option<geoshift::Solution> = None;
    for &(v, problem) in neighbours {
        let s = scheduler(args.scheduler, args.backend, false);
        let clock = Instant::now();
        let mut row = VariantRow {
            name: v.name.clone(),
            overlays: v.overlays.iter().map(ToString::to_string).collect(),
            scheduler: args.scheduler.name().to_string(),
            solve_seconds: 0.0,
            total_usd: None,
            rent_usd: None,
            energy_usd: None,
            carbon_usd: None,
            egress_usd: None,
            unmet_usd: None,
            energy_mwh: None,
            emissions_t: None,
            groups: Vec::new(),
            saving_vs_first_usd: None,
            saving_vs_first_pct: None,
            proven_optimal: None,
            error: None,
            error_detail: None,
            failure_code: 0,
        };
        let solved = match args.scheduler {
            SchedulerName::Optimal => {
                let mut o = optimal.clone();
                if let Some(prev) = &previous {
                    o = o.reuse(prev);
                }
                o.solve(problem).map(|solution| {
                    let seconds = clock.elapsed().as_secs_f64();
                    let report = solution.report.clone();
                    previous = Some(solution);
                    (report, seconds)
                })
            }
            _ => run(problem, s.as_ref()),
        };
        match solved {
            Ok((r, seconds)) => {
                row.solve_seconds = seconds;
                row.total_usd = Some(r.total_usd);
                row.rent_usd = Some(r.rent_usd);
                row.energy_usd = Some(r.energy_usd);
                row.carbon_usd = Some(r.carbon_usd);
                row.egress_usd = Some(r.egress_usd);
                row.unmet_usd = Some(r.unmet_usd);
                row.energy_mwh = Some(r.energy_mwh);
                row.emissions_t = Some(r.emissions_t);
                row.proven_optimal = r.proven_optimal;
                row.groups = group_shares(problem, &r);
            }
            Err(
                e @ (Error::Infeasible(_)
                | Error::Solver(_)
                | Error::Stopped(_)
                | Error::NotProven(_)),
            ) => {
                row.solve_seconds = clock.elapsed().as_secs_f64();
                row.error = Some(e.to_string());
                row.error_detail = serde_json::to_value(&e).ok();
                row.failure_code = Failure::from(e).code;
            }
            Err(e) => return Err(e.into()),
        }
        rows.push(row);
    }
    Ok(rows)
}

/// Every group of any row, in order of first appearance.
fn group_names(rows: &[VariantRow]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for g in rows.iter().flat_map(|r| &r.groups) {
        if !names.contains(&g.group) {
            names.push(g.group.clone());
        }
    }
    names
}

fn share_of(row: &VariantRow, group: &str) -> Option<f64> {
    row.groups
        .iter()
        .find(|g| g.group == group)
        .map(|g| g.work_share)
}

fn print(out: &mut String, rows: &[VariantRow], groups: &[String], path: &Path, scheduler: &str) {
    let _ = writeln!(
        out,
        "{}: {scheduler} per variant, work share per region group",
        described(path)
    );
    out.push('\n');
    let w = rows.iter().map(|r| r.name.len()).max().unwrap_or(7).max(7);
    let gw: Vec<usize> = groups.iter().map(|g| g.len().max(6)).collect();
    let first = rows.first().map_or("", |r| r.name.as_str());
    let saving = format!("saving vs {first}");
    let sw = saving.len().max(22);
    let _ = write!(
        out,
        "{:<w$} {:>13} {:>13} {:>11} {:>11} {:>11}",
        "variant", "total", "rent", "energy", "carbon", "egress"
    );
    for (g, gw) in groups.iter().zip(&gw) {
        let _ = write!(out, " {g:>gw$}");
    }
    let _ = writeln!(out, " {saving:>sw$}");
    for row in rows {
        let Some(total) = row.total_usd else {
            let _ = writeln!(
                out,
                "{:<w$} {:>13}   {}",
                row.name,
                "no schedule",
                row.error.as_deref().unwrap_or("").replace('\n', " ")
            );
            continue;
        };
        let money = |v: Option<f64>| v.map_or("-".to_string(), usd);
        let _ = write!(
            out,
            "{:<w$} {:>13} {:>13} {:>11} {:>11} {:>11}",
            row.name,
            usd(total),
            money(row.rent_usd),
            money(row.energy_usd),
            money(row.carbon_usd),
            money(row.egress_usd)
        );
        for (g, gw) in groups.iter().zip(&gw) {
            let cell = share_of(row, g).map_or("-".to_string(), |s| format!("{:.1}%", 100.0 * s));
            let _ = write!(out, " {cell:>gw$}");
        }
        let s = match (row.saving_vs_first_usd, row.saving_vs_first_pct) {
            (Some(u), Some(p)) => format!("{} ({p:.1}%)", usd(u)),
            (Some(u), None) => usd(u),
            _ => "-".into(),
        };
        let _ = writeln!(out, " {s:>sw$}");
    }
    for row in rows
        .iter()
        .filter(|r| r.unmet_usd.is_some_and(|u| u != 0.0))
    {
        let _ = writeln!(
            out,
            "{} leaves work undone: {} of its total is its price, not money spent",
            row.name,
            usd(row.unmet_usd.unwrap_or(0.0))
        );
    }
}

fn to_csv(rows: &[VariantRow], groups: &[String]) -> Result<String, Failure> {
    let cannot = |e: csv::Error| Failure::new(3, format!("cannot write CSV: {e}"));
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = [
        "variant",
        "overlays",
        "scheduler",
        "total_usd",
        "rent_usd",
        "energy_usd",
        "carbon_usd",
        "egress_usd",
        "unmet_usd",
        "energy_mwh",
        "emissions_t",
        "saving_vs_first_usd",
        "saving_vs_first_pct",
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    header.extend(groups.iter().map(|g| format!("work_share_{g}")));
    header.push("error".into());
    w.write_record(&header).map_err(cannot)?;
    let num = |v: Option<f64>| v.map_or(String::new(), |v| v.to_string());
    for r in rows {
        let mut rec = vec![
            r.name.clone(),
            describe_strings(&r.overlays),
            r.scheduler.clone(),
            num(r.total_usd),
            num(r.rent_usd),
            num(r.energy_usd),
            num(r.carbon_usd),
            num(r.egress_usd),
            num(r.unmet_usd),
            num(r.energy_mwh),
            num(r.emissions_t),
            num(r.saving_vs_first_usd),
            num(r.saving_vs_first_pct),
        ];
        rec.extend(groups.iter().map(|g| num(share_of(r, g))));
        rec.push(r.error.clone().unwrap_or_default());
        w.write_record(&rec).map_err(cannot)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| Failure::new(3, format!("cannot write CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| Failure::new(3, format!("cannot write CSV: {e}")))
}

fn describe_strings(overlays: &[String]) -> String {
    overlays.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(args: &[&str]) -> Vec<OsString> {
        args.iter().map(OsString::from).collect()
    }

    #[test]
    fn overlays_keep_the_order_given() {
        let o = from_args(&os(&[
            "geoshift",
            "solve",
            "f.json",
            "--set",
            "carbon_price_usd_per_t=80",
            "--without=region:vast-*",
            "--json",
            "--only",
            "job:pretrain-*",
            "--",
            "--set",
            "x=1",
        ]))
        .unwrap();
        let shown: Vec<String> = o.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "set carbon_price_usd_per_t=80",
                "without region:vast-*",
                "only job:pretrain-*"
            ]
        );
    }

    #[test]
    fn variants() {
        let v = parse_variant("home + cloud=without region:vast-*; set carbon_price_usd_per_t=80")
            .unwrap();
        assert_eq!(v.name, "home + cloud");
        assert_eq!(
            describe(&v.overlays),
            "without region:vast-*; set carbon_price_usd_per_t=80"
        );
        let all = parse_variant("all=").unwrap();
        assert!(all.overlays.is_empty());
        assert!(parse_variant("=without region:x").is_err());
        assert!(parse_variant("no equals").is_err());
        assert!(parse_variant("bad=drop region:x").is_err());
    }
}
