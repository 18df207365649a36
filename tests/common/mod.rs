//! Small helpers shared by the hand-computed scenario tests: building a
//! horizon, running a scheduler and evaluating its schedule, and comparing
//! numbers to a relative tolerance.
#![allow(dead_code)] // each test file uses a different subset

use chrono::{DateTime, Utc};
use geoshift::{evaluate, Error, Horizon, Problem, Report, Scenario, Scheduler};

/// Tolerance for heuristic results (plain arithmetic on the inputs).
pub const EXACT: f64 = 1e-9;
/// Tolerance for LP results (the solver's own rounding).
pub const LP: f64 = 1e-6;

/// The start of every test horizon.
pub const START: &str = "2026-06-01T00:00:00Z";

/// An RFC 3339 instant (any offset), converted to UTC.
pub fn at(s: &str) -> DateTime<Utc> {
    s.parse().expect("a valid RFC 3339 instant")
}

/// `slots` slots of `slot_seconds` from [`START`].
pub fn horizon(slots: usize, slot_seconds: u64) -> Horizon {
    Horizon::new(at(START), slot_seconds, slots)
}

/// Validates `scenario`, runs `scheduler` and evaluates its schedule.
pub fn run(scenario: &Scenario, scheduler: &dyn Scheduler) -> Result<Report, Error> {
    let problem = Problem::new(scenario)?;
    let schedule = scheduler.schedule(&problem)?;
    evaluate(&problem, scheduler.name(), &schedule)
}

/// Like [`run`], but panics with the error when there is no report.
pub fn report(scenario: &Scenario, scheduler: &dyn Scheduler) -> Report {
    run(scenario, scheduler).unwrap_or_else(|e| panic!("{}: {e}", scheduler.name()))
}

/// `|actual - expected| <= tol * |expected|` (an absolute `tol` when the
/// expected value is 0).
#[track_caller]
pub fn close(what: &str, actual: f64, expected: f64, tol: f64) {
    let limit = if expected == 0.0 {
        tol
    } else {
        tol * expected.abs()
    };
    assert!(
        (actual - expected).abs() <= limit,
        "{what}: got {actual}, expected {expected} (tolerance {limit})"
    );
}

/// The totals of a report, in the order of docs/MODEL.md.
#[derive(Debug, Clone, Copy)]
pub struct Totals {
    pub total_usd: f64,
    pub rent_usd: f64,
    pub energy_usd: f64,
    pub carbon_usd: f64,
    pub egress_usd: f64,
    pub energy_mwh: f64,
    pub emissions_t: f64,
}

/// Checks every total of `report` against `expected` to `tol` (relative).
#[track_caller]
pub fn assert_totals(report: &Report, expected: Totals, tol: f64) {
    let who = &report.scheduler;
    let e = expected;
    // The expectation must itself add up, or the test is wrong.
    close(
        "expected total = rent + energy + carbon + egress",
        e.rent_usd + e.energy_usd + e.carbon_usd + e.egress_usd,
        e.total_usd,
        EXACT,
    );
    close(
        &format!("{who} total_usd"),
        report.total_usd,
        e.total_usd,
        tol,
    );
    close(&format!("{who} rent_usd"), report.rent_usd, e.rent_usd, tol);
    close(
        &format!("{who} energy_usd"),
        report.energy_usd,
        e.energy_usd,
        tol,
    );
    close(
        &format!("{who} carbon_usd"),
        report.carbon_usd,
        e.carbon_usd,
        tol,
    );
    close(
        &format!("{who} egress_usd"),
        report.egress_usd,
        e.egress_usd,
        tol,
    );
    close(
        &format!("{who} energy_mwh"),
        report.energy_mwh,
        e.energy_mwh,
        tol,
    );
    close(
        &format!("{who} emissions_t"),
        report.emissions_t,
        e.emissions_t,
        tol,
    );
}

/// Server-hours of `job` on `pool` in `slot` in the report (0 if none).
pub fn server_hours(report: &Report, job: &str, pool: &str, slot: usize) -> f64 {
    report
        .assignments
        .iter()
        .filter(|a| a.job == job && a.pool == pool && a.slot == slot)
        .map(|a| a.server_hours)
        .sum()
}

/// Checks that the report's assignments are exactly `cells`
/// (`(job, pool, slot, server_hours)`), up to `tol` relative; any other
/// cell must be empty (below `tol` server-hours, for LP noise).
#[track_caller]
pub fn assert_placement(report: &Report, cells: &[(&str, &str, usize, f64)], tol: f64) {
    for &(job, pool, slot, hours) in cells {
        close(
            &format!(
                "{} server-hours of {job} on {pool} in slot {slot}",
                report.scheduler
            ),
            server_hours(report, job, pool, slot),
            hours,
            tol,
        );
    }
    for a in &report.assignments {
        let listed = cells
            .iter()
            .any(|&(j, p, s, _)| j == a.job && p == a.pool && s == a.slot);
        assert!(
            listed || a.server_hours <= tol,
            "{}: unexpected {} server-hours of {} on {} in slot {}",
            report.scheduler,
            a.server_hours,
            a.job,
            a.pool,
            a.slot
        );
    }
}

/// The regions a job ran in, as the report lists them (file order).
pub fn regions_of(report: &Report, job: &str) -> Vec<String> {
    report
        .jobs
        .iter()
        .find(|j| j.id == job)
        .unwrap_or_else(|| panic!("no job {job} in the report"))
        .regions
        .clone()
}
