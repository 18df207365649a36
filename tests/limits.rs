//! One deadline and one cancellation flag bound a whole call: a sweep's
//! points, explain's re-solves and a MILP whose exact stage (microlp's
//! branch and bound) checks its own limit only between nodes. The scenario
//! (100 jobs, 10 regions, 48 slots, 20 % Whole) takes minutes unbounded in
//! a debug build; each call here must end within its limit plus the
//! engine's grace (0.5 s) and a margin for building models on a busy
//! machine.

use geoshift::synth::{generate, Params};
use geoshift::{explain, Backend, Error, Optimal, Problem, Scenario, StopReason, Sweep, SweepAxis};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Margin over limit + grace for model builds and Greedy's warm start.
const MARGIN_S: f64 = 4.0;

fn heavy() -> Scenario {
    generate(&Params {
        jobs: 100,
        regions: 10,
        slots: 48,
        whole_share: 0.2,
        seed: 7,
        ..Params::default()
    })
}

fn within(what: &str, clock: Instant, limit_s: f64) {
    let took = clock.elapsed().as_secs_f64();
    assert!(
        took <= limit_s + 0.5 + MARGIN_S,
        "{what}: {took:.2} s against a limit of {limit_s} s"
    );
}

#[test]
fn one_deadline_bounds_a_whole_sweep() {
    let p = Problem::new(&heavy()).unwrap();
    let clock = Instant::now();
    let deadline = clock + Duration::from_secs(2);
    let curve = Sweep::new(SweepAxis::CarbonPrice(vec![0.0, 50.0, 100.0, 150.0]))
        .optimal(Optimal::new(Backend::Microlp).deadline(deadline))
        .run(&p)
        .unwrap();
    within("sweep", clock, 2.0);
    assert!(curve.stopped.is_some() || curve.points.len() == 4);
}

#[test]
fn a_time_limit_bounds_explain_and_its_re_solves() {
    let p = Problem::new(&heavy()).unwrap();
    let clock = Instant::now();
    let _ = explain(&p, &Optimal::default().time_limit(Duration::from_secs(2)));
    within("explain", clock, 2.0);
}

#[test]
fn a_cancel_flag_stops_microlps_exact_stage() {
    let p = Problem::new(&heavy()).unwrap();
    let flag = Arc::new(AtomicBool::new(false));
    let raise = Arc::clone(&flag);
    let raiser = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(1500));
        raise.store(true, Ordering::Relaxed);
    });
    let clock = Instant::now();
    let result = Optimal::new(Backend::Microlp).cancel_flag(flag).solve(&p);
    within("cancelled solve", clock, 1.5);
    // Whatever it had: a plan whose proof says it was cancelled, or no plan
    // for that reason.
    match result {
        Ok(sol) => assert_eq!(sol.proof.stopped, Some(StopReason::Cancelled)),
        Err(Error::Stopped(s)) => assert_eq!(s.reason, StopReason::Cancelled),
        Err(e) => panic!("{e}"),
    }
    raiser.join().unwrap();
}
