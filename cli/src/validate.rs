//! `geoshift validate --json`: the summary `validate` prints, as JSON. The
//! closed regions and pools are the library's own types; every list is
//! whole (the text summarises long ones).

use geoshift::{ClosedPool, ClosedRegion, Horizon, Placement, Problem};
use serde::Serialize;
use std::path::Path;

/// A valid scenario, summarised.
#[derive(Serialize)]
pub struct Summary<'a> {
    scenario: String,
    valid: bool,
    horizon: &'a Horizon,
    regions: usize,
    pools: usize,
    links: usize,
    /// The jobs' work in work units.
    work_units: f64,
    /// The pools' capacity times speed over the horizon, in work units.
    capacity_units: f64,
    jobs: Vec<JobSummary<'a>>,
    /// Shortfalls certain without solving (the file is valid, but cannot
    /// be planned as it stands), as the text prints them.
    warnings: Vec<String>,
}

/// One job: where and when it may run, and what is closed to it.
#[derive(Serialize)]
struct JobSummary<'a> {
    id: &'a str,
    placement: Placement,
    work_units: f64,
    open: Vec<Open<'a>>,
    closed_regions: &'a [ClosedRegion],
    closed_pools: &'a [ClosedPool],
    #[serde(skip_serializing_if = "Option::is_none")]
    max_regions: Option<usize>,
}

/// A region a job may use, and its slots (first and last, both included).
#[derive(Serialize)]
struct Open<'a> {
    region: &'a str,
    first_slot: usize,
    last_slot: usize,
}

/// The summary of `problem`, read from `path`.
pub fn summary<'a>(path: &Path, problem: &'a Problem) -> Summary<'a> {
    Summary {
        scenario: path.display().to_string(),
        valid: true,
        horizon: problem.horizon(),
        regions: problem.regions().len(),
        pools: problem.pools().len(),
        links: problem.scenario().links.len(),
        work_units: problem.jobs().iter().map(|j| j.work).sum(),
        capacity_units: problem
            .pools()
            .iter()
            .map(|p| p.capacity_server_hours.iter().sum::<f64>() * p.speed)
            .sum(),
        jobs: problem
            .jobs()
            .iter()
            .map(|j| JobSummary {
                id: &j.id,
                placement: j.placement,
                work_units: j.work,
                open: j
                    .windows
                    .iter()
                    .map(|w| Open {
                        region: &problem.regions()[w.region].id,
                        first_slot: w.first_slot,
                        last_slot: w.end_slot.saturating_sub(1),
                    })
                    .collect(),
                closed_regions: &j.closed,
                closed_pools: &j.closed_pools,
                max_regions: j.max_regions,
            })
            .collect(),
        warnings: problem
            .capacity_warnings()
            .iter()
            .map(ToString::to_string)
            .collect(),
    }
}
