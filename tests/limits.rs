//! One deadline and one cancellation flag bound a whole call: a sweep's
//! points, explain's re-solves and a MILP whose exact stage (microlp's
//! branch and bound) checks its own limit only between nodes. The scenario
//! (100 jobs, 10 regions, 48 slots, 20 % Whole) takes minutes unbounded in
//! a debug build; each call here must end within its limit plus the
//! engine's grace (0.5 s) and a margin for building models on a busy
//! machine.

use geoshift::synth::{generate, Params};
use geoshift::{
    explain, Backend, Error, ExplainError, Optimal, Problem, Scenario, StopReason, Sweep, SweepAxis,
};
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
    // Unbounded, the four points take minutes: the deadline stopped the
    // sweep, or a point's search (not merely "stopped or all four done",
    // which nearly always held).
    let stop = curve
        .stopped
        .or_else(|| curve.points.iter().find_map(|p| p.stopped));
    assert_eq!(stop, Some(StopReason::TimeLimit));
}

#[test]
fn a_time_limit_bounds_explain_and_its_re_solves() {
    let p = Problem::new(&heavy()).unwrap();
    let clock = Instant::now();
    let e = explain(&p, &Optimal::default().time_limit(Duration::from_secs(2)));
    within("explain", clock, 2.0);
    // Minutes unbounded: the limit stopped the optimum (no duals to
    // explain) or, if it was proven, some re-solve.
    match e {
        Err(Error::Explain(e)) => {
            assert_eq!(
                *e,
                ExplainError::Stopped {
                    reason: StopReason::TimeLimit
                }
            )
        }
        Err(Error::Stopped(s)) => assert_eq!(s.reason, StopReason::TimeLimit),
        Ok(e) => assert!(e.jobs.iter().any(|j| j.deadline_hour.stopped.is_some())),
        Err(other) => panic!("{other}"),
    }
}

/// Issue 25: `geoshift explain explain_b100_split.json --time-limit 5
/// --json` (100 Split jobs, 10 regions, 48 slots) took 7.0 s once and
/// 5.5-5.9 s on quiet reruns: the re-solves that began after the deadline
/// still validated their variant, built its model and ran Greedy for a
/// stand-in. They are now not begun; the call ends within about a second
/// of its limit, and the limit did stop something.
#[test]
fn explain_ends_within_a_second_of_its_limit() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/issue25/explain_b100_split.json"
    );
    let scenario: Scenario = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let p = Problem::from_scenario(scenario).unwrap();
    let limit_s = 3.0;
    let clock = Instant::now();
    let e = explain(
        &p,
        &Optimal::default().time_limit(Duration::from_secs_f64(limit_s)),
    );
    let took = clock.elapsed().as_secs_f64();
    assert!(
        took <= limit_s + 1.0,
        "explain: {took:.2} s against a limit of {limit_s} s"
    );
    match e {
        // Unbounded, the 100 re-solves take 12 s in a release build.
        Ok(e) => {
            let stopped = e.jobs.iter().filter(|j| j.deadline_hour.stopped.is_some());
            assert!(stopped.count() > 0, "nothing stopped in {took:.2} s");
        }
        Err(Error::Explain(e)) => {
            assert_eq!(
                *e,
                ExplainError::Stopped {
                    reason: StopReason::TimeLimit
                }
            )
        }
        Err(Error::Stopped(s)) => assert_eq!(s.reason, StopReason::TimeLimit),
        Err(other) => panic!("{other}"),
    }
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

/// A MILP whose relaxation a cancellation stops after its first round
/// with a plan still answers with a plan: the relaxation's point rounded,
/// or Greedy's where that is cheaper, never dearer than Greedy's, with a
/// proven bound below it and `stopped` set.
#[cfg(feature = "clarabel")]
#[test]
fn a_stopped_relaxation_answers_no_dearer_than_greedy() {
    use geoshift::{evaluate, ColumnGeneration, Greedy, Progress, Scheduler, Stage};
    let p = Problem::new(&generate(&Params {
        jobs: 20,
        regions: 4,
        slots: 168,
        whole_share: 0.5,
        contention: 0.2,
        seed: 0,
        ..Params::default()
    }))
    .expect("valid");
    let flag = Arc::new(AtomicBool::new(false));
    let raise = Arc::clone(&flag);
    let solved = Optimal::new(Backend::Clarabel)
        .column_generation(ColumnGeneration::Always)
        .cancel_flag(Arc::clone(&flag))
        .on_progress(move |progress| {
            if let Progress::Round {
                stage: Stage::Relaxation,
                incumbent_usd: Some(_),
                ..
            } = progress
            {
                raise.store(true, Ordering::Relaxed);
            }
        })
        .solve(&p)
        .expect("a plan");
    assert!(
        flag.load(Ordering::Relaxed),
        "the relaxation had a round with a plan"
    );
    assert_eq!(solved.proof.stopped, Some(StopReason::Cancelled));
    let greedy = Greedy.schedule(&p).expect("Greedy finishes this week");
    let greedy_usd = evaluate(&p, "greedy", &greedy).expect("valid").total_usd;
    let total = solved.report.total_usd;
    assert!(
        total <= greedy_usd + 1e-9 * greedy_usd,
        "{total} dearer than Greedy's {greedy_usd}"
    );
    assert!(
        solved.proof.bound_usd <= total,
        "{} above {total}",
        solved.proof.bound_usd
    );
}

/// The stopped relaxation where the features meet: interruptions, prices
/// for undone work, Whole jobs, power caps, an emissions cap or a budget,
/// all drawn at once, with the relaxation cancelled after its first round
/// with a plan. Valid input never ends in a bug (a solver failure, an
/// invalid plan); a plan keeps the goal's limit, its bound is below it,
/// and a least-cost plan is never dearer than Greedy's where Greedy's
/// keeps the limit.
#[cfg(feature = "clarabel")]
mod stopped_where_features_meet {
    use super::*;
    use geoshift::{evaluate, ColumnGeneration, GoalError, Greedy, Progress, Scheduler, Stage};
    use proptest::prelude::*;

    proptest! {
        // A fixed stream: the draws are 20-job, 168-slot MILPs, and one
        // random draw once took 267 s on a HiGHS build where these take
        // 2 to 8 s (CI time, not a failure).
        #![proptest_config(ProptestConfig {
            cases: 8,
            rng_seed: proptest::test_runner::RngSeed::Fixed(20261206),
            ..ProptestConfig::default()
        })]
        #[test]
        fn a_stopped_relaxation_holds_with_every_input_family(
            whole_share in prop_oneof![Just(0.5), Just(1.0)],
            power_caps in any::<bool>(),
            seed in 0u64..1_000,
            rates in prop::collection::vec(prop_oneof![Just(0.0), Just(0.05), Just(0.4)], 4),
            prices in prop::collection::vec(prop_oneof![Just(None), Just(Some(4.0)), Just(Some(60.0))], 3),
            (goal_kind, level) in (0u8..3, 0.7f64..1.3),
        ) {
            let mut scenario = generate(&Params {
                jobs: 20, regions: 4, slots: 168, whole_share, power_caps,
                contention: 0.2, seed, ..Params::default()
            });
            for (i, pool) in scenario.pools.iter_mut().enumerate() {
                pool.interruption_rate_per_hour = rates[i % rates.len()];
            }
            for (i, job) in scenario.jobs.iter_mut().enumerate() {
                job.unmet_usd_per_work = prices[i % prices.len()];
            }
            let p = Problem::new(&scenario).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let greedy = Greedy.schedule(&p).ok().and_then(|g| evaluate(&p, "greedy", &g).ok());
            let flag = Arc::new(AtomicBool::new(false));
            let raise = Arc::clone(&flag);
            let mut optimal = Optimal::new(Backend::Clarabel)
                .column_generation(ColumnGeneration::Always)
                .cancel_flag(flag)
                .on_progress(move |progress| {
                    if let Progress::Round { stage: Stage::Relaxation, incumbent_usd: Some(_), .. } = progress {
                        raise.store(true, Ordering::Relaxed);
                    }
                });
            // Limits relative to Greedy's plan (when it has one).
            let cap = greedy.as_ref().map(|g| level * g.emissions_t);
            let budget = greedy.as_ref().map(|g| level * g.total_usd);
            match (goal_kind, cap, budget) {
                (1, Some(cap), _) => optimal = optimal.emissions_cap(cap),
                (2, _, Some(budget)) => optimal = optimal.budget(budget),
                _ => {}
            }
            let goal = optimal.current_goal();
            match optimal.solve(&p) {
                Ok(solved) => {
                    let r = evaluate(&p, "optimal", &solved.schedule)
                        .map_err(|e| TestCaseError::fail(format!("invalid plan: {e}")))?;
                    let tol = 1e-6 * r.total_usd.abs().max(1.0);
                    match (goal_kind, cap, budget) {
                        (1, Some(cap), _) => prop_assert!(r.emissions_t <= cap * (1.0 + 1e-6) + 1e-9),
                        (2, _, Some(budget)) => prop_assert!(r.total_usd <= budget + tol),
                        _ => {}
                    }
                    if goal_kind == 0 || (goal_kind == 1 && cap.is_some()) {
                        prop_assert!(solved.proof.bound_usd <= r.total_usd + tol,
                            "bound {} above the plan's {}", solved.proof.bound_usd, r.total_usd);
                    }
                    let keeps = |g: &geoshift::Report| match (goal_kind, cap) {
                        (1, Some(cap)) => g.emissions_t <= cap,
                        _ => true,
                    };
                    if let (Some(_), Some(g)) = (solved.proof.stopped, &greedy) {
                        if goal_kind != 2 && keeps(g) {
                            prop_assert!(r.total_usd <= g.total_usd + tol,
                                "stopped plan {} dearer than Greedy's {} ({goal:?})", r.total_usd, g.total_usd);
                        }
                    }
                }
                Err(Error::Infeasible(_) | Error::Goal(GoalError::Unreachable { .. }) | Error::Stopped(_)) => {}
                Err(e) => prop_assert!(false, "a bug on valid input ({goal:?}): {e}"),
            }
        }
    }
}
