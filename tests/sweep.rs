//! Emissions caps, spending budgets and trade-off curves, checked by hand
//! on two-region scenarios, plus two invariants on generated ones: the
//! least cost never falls as the cap tightens, and every point of a sweep
//! is the single solve at its setting.

mod common;

use common::*;
use geoshift::synth::{generate, Params};
use geoshift::{
    evaluate, Backend, ColumnGeneration, Error, Goal, GoalError, Greedy, Job, Link, Optimal, Pool,
    Problem, Region, Scenario, Scheduler, StopReason, Sweep, SweepAxis, SweepError, SweepKind,
};
use proptest::prelude::*;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

/// `s` validated once, as a service would before its decisions.
fn valid(s: &Scenario) -> Problem {
    Problem::new(s).expect("a valid scenario")
}

/// Tolerance of amounts that follow from a binding cap or budget: the
/// model keeps a limit `L` as `L + 0.5e-6 · |L|` (see `geoshift::Goal`),
/// and the amounts that follow move by up to a few times that.
const LIMIT: f64 = 1e-5;

/// One 1-hour slot; 10 kW servers at rent $1/h, 4 in each region:
///   dirty: pue 1.2 (12 kW at the meter), 50 $/MWh, 800 g/kWh:
///     $1 + 12 × 50 / 1000 = $1.6 and 12 × 800 / 1e6 = 0.0096 t per
///     server-hour;
///   clean: pue 1.0, 100 $/MWh, 50 g/kWh:
///     $1 + 10 × 100 / 1000 = $2.0 and 10 × 50 / 1e6 = 0.0005 t.
/// The job (origin dirty, 4 work units, up to 4 servers, no data) runs `d`
/// server-hours dirty and `4 - d` clean: cost 8 - 0.4 d, emissions
/// 0.002 + 0.0091 d. Least cost: d = 4 ($6.4, 0.0384 t); least
/// emissions: d = 0 ($8.0, 0.002 t).
fn two_regions(carbon_price: f64) -> Scenario {
    Scenario::builder(horizon(1, 3600))
        .carbon_price_usd_per_t(carbon_price)
        .regions(vec![
            Region::new("dirty", 1.2, 50.0).carbon(800.0),
            Region::new("clean", 1.0, 100.0).carbon(50.0),
        ])
        .pools(vec![
            Pool::new("dirty-gpu", "dirty", 4.0, 1.0, 10.0),
            Pool::new("clean-gpu", "clean", 4.0, 1.0, 10.0),
        ])
        .links(vec![Link::new("dirty", "clean", 10.0, 0.0)])
        .jobs(vec![Job::new(
            "train",
            "dirty",
            4.0,
            at("2026-06-01T01:00:00Z"),
            4.0,
        )])
        .build()
}

fn solve(scenario: &Scenario, optimal: &Optimal) -> Result<geoshift::Report, Error> {
    let problem = Problem::new(scenario)?;
    let solution = optimal.solve(&problem)?;
    evaluate(&problem, "optimal", &solution.schedule)
}

#[test]
fn a_cap_that_binds_buys_the_cheapest_abatement() {
    // Cap 0.02 t: 0.002 + 0.0091 d = 0.02, so d = 0.018 / 0.0091, and the
    // cost is 8 - 0.4 d.
    let d = 0.018 / 0.0091;
    let r = solve(&two_regions(0.0), &Optimal::default().emissions_cap(0.02)).unwrap();
    close("emissions at the cap", r.emissions_t, 0.02, LIMIT);
    close(
        "least cost under the cap",
        r.total_usd,
        8.0 - 0.4 * d,
        LIMIT,
    );
    close(
        "dirty server-hours",
        server_hours(&r, "train", "dirty-gpu", 0),
        d,
        LIMIT,
    );
    // A cap above the least-cost plan's emissions changes nothing.
    let loose = solve(&two_regions(0.0), &Optimal::default().emissions_cap(1.0)).unwrap();
    close("loose cap", loose.total_usd, 6.4, LP);
    // The proof is in $ and the report carries it.
    assert_eq!(loose.proven_optimal, Some(true));
}

#[test]
fn a_budget_that_binds_buys_the_least_emissions() {
    // Budget $7: 8 - 0.4 d <= 7, so d >= 2.5; least emissions at d = 2.5:
    // 0.0096 × 2.5 + 0.0005 × 1.5 = 0.02475 t.
    let problem = Problem::new(&two_regions(0.0)).unwrap();
    let solution = Optimal::default().budget(7.0).solve(&problem).unwrap();
    let r = evaluate(&problem, "optimal", &solution.schedule).unwrap();
    close("total at the budget", r.total_usd, 7.0, LIMIT);
    close(
        "least emissions under the budget",
        r.emissions_t,
        0.02475,
        LIMIT,
    );
    // The proof is on the objective in use, tCO2e: bound <= 0.02475, close.
    assert!(solution.proof.bound_usd <= r.emissions_t + 1e-12);
    assert!(solution.proof.gap(r.emissions_t) <= 1e-7);
    // ... and the report has no $ bound to confuse with it.
    assert_eq!(r.bound_usd, None);
}

/// Two slots; the job's 10 GB of input reach `clean` (egress $0.1/GB, $1
/// in all) after 8 s, so `clean` is open in slot 1 only. Carbon price $50/t:
///   dirty: 1.6 + 0.0096 × 50 = $2.08 per server-hour,
///   clean: 2.0 + 0.0005 × 50 = $2.025, plus egress $1 / 4 work units.
fn with_egress(whole: bool) -> Scenario {
    let job = Job::new("train", "dirty", 4.0, at("2026-06-01T02:00:00Z"), 4.0).data(10.0, 0.0);
    Scenario::builder(horizon(2, 3600))
        .carbon_price_usd_per_t(50.0)
        .regions(vec![
            Region::new("dirty", 1.2, 50.0).carbon(800.0),
            Region::new("clean", 1.0, 100.0).carbon(50.0),
        ])
        .pools(vec![
            Pool::new("dirty-gpu", "dirty", 4.0, 1.0, 10.0),
            Pool::new("clean-gpu", "clean", 4.0, 1.0, 10.0),
        ])
        .links(vec![Link::new("dirty", "clean", 10.0, 0.1)])
        .jobs(vec![if whole { job.whole() } else { job }])
        .build()
}

#[test]
fn the_budget_counts_the_carbon_price_and_the_egress() {
    // Split: cost 2.08 d + 2.275 (4 - d) = 9.1 - 0.195 d <= 8.6, so
    // d >= 0.5 / 0.195; emissions 0.002 + 0.0091 d.
    let d = 0.5 / 0.195;
    let r = solve(&with_egress(false), &Optimal::default().budget(8.6)).unwrap();
    close("total", r.total_usd, 8.6, LIMIT);
    // The ease of the budget (4.3e-6 $) moves d by 2.2e-5, 1.5e-5 of the
    // egress.
    close(
        "egress, in proportion",
        r.egress_usd,
        (4.0 - d) / 4.0,
        10.0 * LIMIT,
    );
    close("emissions", r.emissions_t, 0.002 + 0.0091 * d, LIMIT);
    // Whole: all dirty is 4 × 2.08 = $8.32 and 0.0384 t; all clean is
    // 4 × 2.025 + $1 = $9.1 and 0.002 t. A budget of $9 keeps only the
    // first (without the egress, clean would cost 8.1 and fit).
    let r = solve(&with_egress(true), &Optimal::default().budget(9.0)).unwrap();
    close("whole, $9: dirty", r.emissions_t, 0.0384, LP);
    close("whole, $9: total", r.total_usd, 8.32, LP);
    let r = solve(&with_egress(true), &Optimal::default().budget(9.1)).unwrap();
    close("whole, $9.1: clean", r.emissions_t, 0.002, LP);
    close("whole, $9.1: egress in full", r.egress_usd, 1.0, LP);
}

#[test]
fn an_unreachable_cap_or_budget_names_the_least_achievable() {
    let s = two_regions(0.0);
    match solve(&s, &Optimal::default().emissions_cap(0.001)) {
        Err(Error::Goal(GoalError::Unreachable {
            goal,
            least_achievable: Some(least),
        })) => {
            assert_eq!(goal, Goal::LeastCostUnderCap { emissions_t: 0.001 });
            close("least emissions", least, 0.002, LP);
        }
        other => panic!("expected an unreachable cap, got {other:?}"),
    }
    match solve(&s, &Optimal::default().budget(6.0)) {
        Err(Error::Goal(GoalError::Unreachable {
            least_achievable: Some(least),
            ..
        })) => close("least total", least, 6.4, LP),
        other => panic!("expected an unreachable budget, got {other:?}"),
    }
    // Jobs that cannot finish at all are the jobs' fault, not the cap's.
    let mut too_much = s.clone();
    too_much.jobs[0].work = 100.0;
    assert!(matches!(
        solve(&too_much, &Optimal::default().emissions_cap(1.0)),
        Err(Error::Infeasible(_))
    ));
    // A cap that is not a number is an input error.
    for bad in [f64::NAN, -1.0, f64::INFINITY] {
        assert!(matches!(
            solve(&s, &Optimal::default().emissions_cap(bad)),
            Err(Error::Input(_))
        ));
    }
}

#[test]
fn the_evaluator_judges_the_limit() {
    // Greedy's plan is all dirty (0.0384 t): over a cap of 0.03, within
    // one of 0.0384 (exactly at it).
    let problem = Problem::new(&two_regions(0.0)).unwrap();
    let plan = Greedy.schedule(&problem).unwrap();
    let r = evaluate(&problem, "greedy", &plan).unwrap();
    let over = Goal::LeastCostUnderCap { emissions_t: 0.03 }.breach(&r);
    close("breach", over.unwrap(), 0.0384, LP);
    assert_eq!(
        Goal::LeastCostUnderCap {
            emissions_t: 0.0384
        }
        .breach(&r),
        None
    );
    assert_eq!(
        Goal::LeastEmissionsUnderBudget { total_usd: 6.3 }.breach(&r),
        Some(r.total_usd)
    );
}

#[test]
fn a_carbon_price_sweep_moves_the_work_past_the_crossover() {
    // c = 1.6 + 0.0096 pi dirty, 2.0 + 0.0005 pi clean: equal at 43.96 $/t.
    let curve = Sweep::new(SweepAxis::CarbonPrice(vec![0.0, 40.0, 50.0, 100.0]))
        .run(&valid(&two_regions(0.0)))
        .unwrap();
    assert_eq!(curve.kind, SweepKind::CarbonPrice);
    let e: Vec<f64> = curve.points.iter().map(|p| p.emissions_t).collect();
    for (i, expected) in [0.0384, 0.0384, 0.002, 0.002].into_iter().enumerate() {
        close("emissions", e[i], expected, LP);
    }
    close(
        "total at 40",
        curve.points[1].total_usd,
        4.0 * (1.6 + 0.0096 * 40.0),
        LP,
    );
    close(
        "total at 100",
        curve.points[3].total_usd,
        4.0 * (2.0 + 0.05),
        LP,
    );
    close("carbon at 100", curve.points[3].carbon_usd, 4.0 * 0.05, LP);
    assert!(curve.points.iter().all(|p| p.gap <= 1e-7 && !p.warm));
}

#[test]
fn an_automatic_cap_sweep_spans_least_cost_to_least_emissions() {
    let s = two_regions(0.0);
    let curve = Sweep::new(SweepAxis::EmissionsCapAuto { points: 5 })
        .run(&valid(&s))
        .unwrap();
    assert_eq!(curve.points.len(), 5);
    let (first, last) = (&curve.points[0], &curve.points[4]);
    close("loosest cap: the least-cost plan", first.total_usd, 6.4, LP);
    close("its emissions", first.setting, 0.0384, LP);
    close(
        "tightest cap: the least emissions",
        last.emissions_t,
        0.002,
        LIMIT,
    );
    close("their cost", last.total_usd, 8.0, LIMIT);
    // In between, cost 8 - 0.4 d at emissions 0.002 + 0.0091 d = cap.
    for p in &curve.points {
        let d = (p.setting - 0.002) / 0.0091;
        close("cost on the line", p.total_usd, 8.0 - 0.4 * d, LIMIT);
    }
}

#[test]
fn a_cap_sweep_skips_the_unreachable_caps() {
    let curve = Sweep::new(SweepAxis::EmissionsCap(vec![0.05, 0.01, 0.001]))
        .run(&valid(&two_regions(0.0)))
        .unwrap();
    assert_eq!(curve.points.len(), 2);
    assert_eq!(curve.skipped.len(), 1);
    assert_eq!(curve.skipped[0].setting, 0.001);
    assert!(matches!(
        curve.skipped[0].error,
        Error::Goal(GoalError::Unreachable { .. })
    ));
}

/// Three hours at 100, 100 and 10 $/MWh; 10 kW servers, no rent; 2 work
/// units due by the end of hour 2 (up to 2 servers). Slack 0: $1 per
/// server-hour, $2 in all; slack 1 h reaches the cheap hour: $0.2.
fn cheap_last_hour() -> Scenario {
    Scenario::builder(horizon(3, 3600))
        .regions(vec![Region::new("home", 1.0, vec![100.0, 100.0, 10.0])])
        .pools(vec![Pool::new("gpu", "home", 2.0, 0.0, 10.0)])
        .jobs(vec![Job::new(
            "train",
            "home",
            2.0,
            at("2026-06-01T02:00:00Z"),
            2.0,
        )])
        .build()
}

#[test]
fn deadline_slack_reaches_the_cheap_hour_and_never_past_the_horizon() {
    let curve = Sweep::new(SweepAxis::DeadlineSlack(vec![0.0, 0.5, 1.0]))
        .run(&valid(&cheap_last_hour()))
        .unwrap();
    let totals: Vec<f64> = curve.points.iter().map(|p| p.total_usd).collect();
    close("slack 0", totals[0], 2.0, LP);
    close(
        "slack 0.5 h: the cheap hour is not whole yet",
        totals[1],
        2.0,
        LP,
    );
    close("slack 1 h", totals[2], 0.2, LP);
    match Sweep::new(SweepAxis::DeadlineSlack(vec![0.0, 2.0])).run(&valid(&cheap_last_hour())) {
        Err(Error::Sweep(SweepError::DeadlinePastHorizon {
            job, slack_hours, ..
        })) => {
            assert_eq!(job, "train");
            assert_eq!(slack_hours, 2.0);
        }
        other => panic!("expected a deadline past the horizon, got {other:?}"),
    }
    assert!(matches!(
        Sweep::new(SweepAxis::CarbonPrice(vec![-1.0])).run(&valid(&cheap_last_hour())),
        Err(Error::Sweep(SweepError::BadSetting { .. }))
    ));
}

#[test]
fn a_sweep_stops_on_its_limits() {
    let flag = Arc::new(AtomicBool::new(true));
    let curve = Sweep::new(SweepAxis::CarbonPrice(vec![0.0, 50.0]))
        .optimal(Optimal::default().cancel_flag(flag))
        .run(&valid(&two_regions(0.0)))
        .unwrap();
    assert!(curve.points.is_empty());
    assert_eq!(curve.stopped, Some(StopReason::Cancelled));
    let curve = Sweep::new(SweepAxis::CarbonPrice(vec![0.0, 50.0]))
        .time_limit(Duration::ZERO)
        .run(&valid(&two_regions(0.0)))
        .unwrap();
    assert_eq!(curve.stopped, Some(StopReason::TimeLimit));
    // The progress hook sees every setting.
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    Sweep::new(SweepAxis::EmissionsCap(vec![0.05, 0.001]))
        .on_point(move |done, of, setting, point| {
            log.lock()
                .unwrap()
                .push((done, of, setting, point.is_some()))
        })
        .run(&valid(&two_regions(0.0)))
        .unwrap();
    assert_eq!(
        *seen.lock().unwrap(),
        vec![(1, 2, 0.05, true), (2, 2, 0.001, false)]
    );
}

/// The backends with duals, which price the cap's row in column generation.
fn dual_backends() -> Vec<Backend> {
    Backend::available()
        .iter()
        .copied()
        .filter(|b| b.has_duals())
        .collect()
}

/// The scenarios the property below draws.
fn cap_params() -> impl Strategy<Value = Params> {
    (
        1usize..5,
        2usize..4,
        2usize..6,
        prop_oneof![Just(0.0), Just(0.5)],
        any::<u64>(),
    )
        .prop_map(|(jobs, regions, slots, whole_share, seed)| Params {
            jobs,
            regions,
            slots,
            pools_per_region: 2,
            whole_share,
            power_caps: false,
            contention: 0.4,
            seed,
        })
}

/// The property below checks only scenarios whose sweep has a plan: on a
/// fixed stream of its own strategy, most do, so its 12 cases are not
/// mostly skipped.
#[test]
fn most_swept_scenarios_have_a_curve() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    );
    let strategy = cap_params();
    let checked = (0..24)
        .filter(|_| {
            let scenario = generate(&strategy.new_tree(&mut runner).unwrap().current());
            let problem = Problem::new(&scenario).unwrap();
            Sweep::new(SweepAxis::EmissionsCapAuto { points: 4 })
                .optimal(Optimal::new(Backend::Microlp))
                .run(&problem)
                .is_ok()
        })
        .count();
    assert!(
        checked >= 12,
        "only {checked} of 24 drawn scenarios have a curve"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// As the cap tightens the least cost never falls, and each point of
    /// the sweep is the single solve at its cap (and, priced by column
    /// generation, the same optimum).
    #[test]
    fn cost_never_falls_as_the_cap_tightens(params in cap_params()) {
        let whole = params.whole_share;
        let scenario = generate(&params);
        let problem = Problem::new(&scenario).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let optimal = Optimal::new(Backend::Microlp);
        let curve = match Sweep::new(SweepAxis::EmissionsCapAuto { points: 4 })
            .optimal(optimal.clone())
            .run(&problem)
        {
            Ok(c) => c,
            Err(Error::Infeasible(_)) => return Ok(()),
            Err(e) => return Err(TestCaseError::fail(e.to_string())),
        };
        prop_assert_eq!(curve.points.len(), 4, "{:?}", curve.skipped);
        for pair in curve.points.windows(2) {
            prop_assert!(pair[1].setting <= pair[0].setting);
            prop_assert!(
                pair[1].total_usd >= pair[0].total_usd - 1e-6 * pair[0].total_usd.abs().max(1.0),
                "cap {} costs {} but the looser cap {} costs {}",
                pair[1].setting, pair[1].total_usd, pair[0].setting, pair[0].total_usd
            );
        }
        for p in &curve.points {
            prop_assert!(p.emissions_t <= p.setting + 1e-6 * p.setting.max(1.0));
            let single = optimal.clone().emissions_cap(p.setting).schedule(&problem)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let single = evaluate(&problem, "optimal", &single)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert!(close_rel(single.total_usd, p.total_usd), "{} vs {}", single.total_usd, p.total_usd);
            if whole == 0.0 {
                for backend in dual_backends() {
                    let cg = Optimal::new(backend)
                        .column_generation(ColumnGeneration::Always)
                        .emissions_cap(p.setting)
                        .schedule(&problem)
                        .map_err(|e| TestCaseError::fail(format!("{backend}: {e}")))?;
                    let cg = evaluate(&problem, "optimal", &cg)
                        .map_err(|e| TestCaseError::fail(e.to_string()))?;
                    prop_assert!(close_rel(cg.total_usd, p.total_usd),
                        "{backend} by column generation: {} vs {}", cg.total_usd, p.total_usd);
                }
            }
        }
        // A budget halfway between the two ends: the least emissions are
        // the same whole and by column generation (the budget's row priced
        // with its dual).
        let mid = 0.5 * (curve.points[0].total_usd + curve.points[3].total_usd);
        let emissions = |o: Optimal| -> Result<f64, TestCaseError> {
            let s = o.budget(mid).schedule(&problem).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let r = evaluate(&problem, "optimal", &s).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert!(r.total_usd <= mid + 1e-6 * mid.abs());
            Ok(r.emissions_t)
        };
        let whole_model = emissions(optimal.clone())?;
        if whole == 0.0 {
            for backend in dual_backends() {
                let cg = emissions(Optimal::new(backend).column_generation(ColumnGeneration::Always))?;
                prop_assert!(close_rel(cg, whole_model), "{backend}: {cg} vs {whole_model}");
            }
        }
    }

    /// Each point of a carbon-price sweep is the single solve of the
    /// scenario at that price.
    #[test]
    fn each_carbon_price_point_is_the_single_solve(
        jobs in 1usize..4, regions in 2usize..4, slots in 2usize..6, seed in any::<u64>(),
    ) {
        let scenario = generate(&Params {
            jobs, regions, slots, pools_per_region: 2, whole_share: 0.0,
            power_caps: false, contention: 0.4, seed,
        });
        let optimal = Optimal::new(Backend::Microlp);
        let prices = vec![0.0, 80.0, 400.0];
        let curve = match geoshift::sweep(&valid(&scenario), SweepAxis::CarbonPrice(prices.clone()), &optimal) {
            Ok(c) => c,
            Err(Error::Infeasible(_)) => return Ok(()),
            Err(e) => return Err(TestCaseError::fail(e.to_string())),
        };
        for p in &curve.points {
            let mut s = scenario.clone();
            s.carbon_price_usd_per_t = p.setting;
            let problem = Problem::new(&s).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let single = optimal.schedule(&problem).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let single = evaluate(&problem, "optimal", &single)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert!(close_rel(single.total_usd, p.total_usd));
        }
        // A higher price never raises the least-cost plan's emissions.
        for pair in curve.points.windows(2) {
            prop_assert!(pair[1].emissions_t <= pair[0].emissions_t + 1e-6 * pair[0].emissions_t.max(1.0));
        }
    }
}

fn close_rel(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
}

/// The optimum's time limit is one deadline for the whole `Sweep::run`,
/// as `--time-limit` is one for `geoshift sweep` (issue 25, item 4): it
/// was applied to each point, so eight points could take eight limits.
/// Each point here takes longer than the limit alone: the sweep stops
/// after about one limit, with the points not started left out.
#[test]
fn the_optimums_time_limit_is_one_deadline_for_the_whole_sweep() {
    let heavy = generate(&Params {
        jobs: 100,
        regions: 10,
        slots: 48,
        whole_share: 0.2,
        seed: 7,
        ..Params::default()
    });
    let p = Problem::new(&heavy).unwrap();
    let clock = std::time::Instant::now();
    let prices: Vec<f64> = (0..8).map(|i| 10.0 * i as f64).collect();
    let curve = Sweep::new(SweepAxis::CarbonPrice(prices))
        .optimal(Optimal::new(Backend::Microlp).time_limit(Duration::from_secs(1)))
        .run(&p)
        .unwrap();
    let took = clock.elapsed().as_secs_f64();
    // The limit, the solver's grace (0.5 s) and a margin for a loaded
    // machine, well below the eight limits a per-point limit allowed.
    assert!(took < 1.0 + 0.5 + 3.0, "{took:.2} s");
    assert_eq!(
        curve.stopped,
        Some(StopReason::TimeLimit),
        "{} points",
        curve.points.len()
    );
}
