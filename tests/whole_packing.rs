//! The packing of `Whole` jobs (issue 25) against brute force: on drawn
//! scenarios of mostly `Whole` jobs with tight capacity, the optimum is
//! "infeasible" exactly when no assignment of one allowed region per
//! `Whole` job has a plan (each assignment solved as its own LP, the
//! jobs held to their one region), and a `WholeConflict` set it names is
//! itself infeasible and least: without any one of its jobs, and every
//! other job, it has a plan.
//!
//! Cases: `GEOSHIFT_PACKING_CASES` (default 64; CI raises it). The test
//! counts the cases where the conflict was named and fails if the
//! strategy stops drawing them.

mod common;

use geoshift::{
    Error, Horizon, Job, Link, Optimal, Placement, Pool, Problem, Region, Scenario, Scheduler,
    Shortfall,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use std::cell::Cell;

fn cases() -> u32 {
    std::env::var("GEOSHIFT_PACKING_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

/// One drawn job: release and deadline slots, parallelism, its work as a
/// share of what that parallelism does over its window, Whole or not.
type Drawn = (usize, usize, f64, f64, bool);

/// 2-3 regions of one pool each (4-12 servers, an optional power cap),
/// 4-8 hourly slots, and 4-7 jobs, mostly Whole, each sized to fit some
/// region alone or nearly: the regime where the Whole jobs' regions, not
/// capacity, decide whether a plan exists.
fn scenario() -> impl Strategy<Value = Scenario> {
    let region = (4u32..13, prop_oneof![Just(None), Just(Some(6.0))]);
    let job = (
        0usize..8,
        1usize..9,
        2.0f64..12.0,
        0.3f64..1.0,
        prop::bool::weighted(0.8),
    );
    (
        prop::collection::vec(region, 2..4),
        4usize..9,
        prop::collection::vec(job, 4..8),
    )
        .prop_map(|(regions, slots, jobs)| build(&regions, slots, &jobs))
}

fn build(regions: &[(u32, Option<f64>)], slots: usize, jobs: &[Drawn]) -> Scenario {
    let hour = |t: usize| common::at(common::START) + chrono::Duration::hours(t as i64);
    let mut b = Scenario::builder(Horizon::new(common::at(common::START), 3600, slots));
    let most = regions.iter().map(|r| r.0).max().unwrap_or(1) as f64;
    for (n, (servers, cap)) in regions.iter().enumerate() {
        let id = format!("r{n}");
        let mut region = Region::builder(&id).pue(1.0).price_usd_per_mwh(50.0);
        if let Some(kw) = cap {
            region = region.power_cap_kw(*kw);
        }
        b = b.region(region.build()).pool(
            Pool::builder(format!("p{n}"), &id)
                .servers(*servers as f64)
                .rent_usd_per_hour(1.0 + n as f64)
                .power_kw(1.0),
        );
        for m in 0..regions.len() {
            if m != n {
                b = b.link(
                    Link::builder(&id, format!("r{m}"))
                        .bandwidth_gbps(10.0)
                        .egress_usd_per_gb(0.0),
                );
            }
        }
    }
    for (n, &(release, length, m, share, whole)) in jobs.iter().enumerate() {
        let release = release.min(slots - 1);
        let deadline = (release + length).min(slots);
        let work = share * m.min(most) * (deadline - release) as f64;
        let placement = if whole {
            Placement::Whole
        } else {
            Placement::Split
        };
        b = b.job(
            Job::builder(format!("j{n}"), "r0")
                .work(work)
                .release(hour(release))
                .deadline(hour(deadline))
                .max_servers(m)
                .placement(placement),
        );
    }
    b.build()
}

/// Whether `scenario` has a plan on the default optimum; any other error
/// than "infeasible" fails the test.
fn has_plan(scenario: &Scenario) -> Result<bool, TestCaseError> {
    let p = match Problem::new(scenario) {
        Ok(p) => p,
        Err(e) => return Err(TestCaseError::fail(format!("input: {e}"))),
    };
    match Optimal::default().schedule(&p) {
        Ok(_) => Ok(true),
        Err(Error::Infeasible(_)) => Ok(false),
        Err(e) => Err(TestCaseError::fail(format!("{e}"))),
    }
}

/// Whether some assignment of one allowed, open region per `Whole` job
/// (with every other job as it is) has a plan: each solved as a scenario
/// whose Whole jobs are allowed that one region only (an LP).
fn some_assignment_fits(scenario: &Scenario) -> Result<bool, TestCaseError> {
    let p = Problem::new(scenario).map_err(|e| TestCaseError::fail(format!("input: {e}")))?;
    let choices: Vec<(usize, Vec<String>)> = p
        .jobs()
        .iter()
        .enumerate()
        .filter(|(_, j)| j.placement == Placement::Whole)
        .map(|(n, j)| {
            let regions = j.windows.iter().map(|w| p.regions()[w.region].id.clone());
            (n, regions.collect())
        })
        .collect();
    if choices.iter().any(|(_, r)| r.is_empty()) {
        return Ok(false);
    }
    let mut pick = vec![0usize; choices.len()];
    loop {
        let mut held = scenario.clone();
        for ((n, regions), &i) in choices.iter().zip(&pick) {
            held.jobs[*n].regions = Some(vec![regions[i].clone()]);
        }
        if has_plan(&held)? {
            return Ok(true);
        }
        // The next assignment, as an odometer.
        let mut d = 0;
        loop {
            if d == pick.len() {
                return Ok(false);
            }
            pick[d] += 1;
            if pick[d] < choices[d].1.len() {
                break;
            }
            pick[d] = 0;
            d += 1;
        }
    }
}

/// `scenario` with only the jobs named in `keep`.
fn only(scenario: &Scenario, keep: &[&str]) -> Scenario {
    let mut s = scenario.clone();
    s.jobs.retain(|j| keep.contains(&j.id.as_str()));
    s
}

fn check(scenario: &Scenario, named: &Cell<u32>) -> Result<(), TestCaseError> {
    let scenario = scenario.clone();
    let p = Problem::new(&scenario).map_err(|e| TestCaseError::fail(format!("input: {e}")))?;
    let fits = some_assignment_fits(&scenario)?;
    match Optimal::default().schedule(&p) {
        Ok(_) => prop_assert!(fits, "a plan where no assignment fits"),
        Err(Error::Infeasible(e)) => {
            prop_assert!(!fits, "infeasible, but an assignment has a plan: {e}");
            let conflict: Vec<&str> = e
                .jobs
                .iter()
                .filter(|u| matches!(u.shortfall, Shortfall::WholeConflict { .. }))
                .map(|u| u.job.as_str())
                .collect();
            if !conflict.is_empty() {
                named.set(named.get() + 1);
                prop_assert_eq!(conflict.len(), e.jobs.len(), "{}", e);
                prop_assert!(!has_plan(&only(&scenario, &conflict))?, "{}", e);
                for drop in &conflict {
                    let rest: Vec<&str> = conflict.iter().copied().filter(|j| j != drop).collect();
                    prop_assert!(
                        has_plan(&only(&scenario, &rest))?,
                        "not least: without {drop}: {e}"
                    );
                }
            }
        }
        Err(e) => prop_assert!(false, "{e}"),
    }
    Ok(())
}

#[test]
fn the_packing_agrees_with_every_assignment_solved() {
    let named = Cell::new(0u32);
    // A fixed stream: the count below is then the same on every run.
    let config = Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    };
    let rng = TestRng::deterministic_rng(RngAlgorithm::ChaCha);
    let mut runner = TestRunner::new_with_rng(config, rng);
    let result = runner.run(&scenario(), |s| check(&s, &named));
    if let Err(e) = result {
        panic!("{e}");
    }
    // The strategy must keep drawing the conflicts the packing names.
    assert!(
        named.get() * 32 >= cases(),
        "a Whole conflict was named in {} of {} cases",
        named.get(),
        cases()
    );
}
