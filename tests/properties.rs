//! Invariants over generated scenarios (proptest drives the parameters of
//! `geoshift::synth`): every schedule passes the evaluator, the optimum is
//! never dearer than a heuristic, breakdowns add up, more servers never
//! raise the optimum, JSON round-trips, and the MILP agrees with brute force
//! over the region choices of `Whole` jobs.

use geoshift::synth::{generate, Params};
use geoshift::{
    evaluate, Error, Greedy, Local, Optimal, Placement, Problem, Report, Scenario, Scheduler,
    Series,
};
use proptest::prelude::*;

fn params() -> impl Strategy<Value = Params> {
    (
        1usize..6,
        1usize..4,
        2usize..10,
        1usize..3,
        prop_oneof![Just(0.0), Just(0.5), Just(1.0)],
        any::<bool>(),
        0.1f64..0.9,
        any::<u64>(),
    )
        .prop_map(
            |(
                jobs,
                regions,
                slots,
                pools_per_region,
                whole_share,
                power_caps,
                contention,
                seed,
            )| {
                Params {
                    jobs,
                    regions,
                    slots,
                    pools_per_region,
                    whole_share,
                    power_caps,
                    contention,
                    seed,
                }
            },
        )
}

/// Runs a scheduler and evaluates its schedule. A schedule that the
/// evaluator rejects fails the test; an honest "infeasible" is `None`.
fn run(problem: &Problem, s: &dyn Scheduler) -> Result<Option<Report>, TestCaseError> {
    match s.schedule(problem) {
        Ok(schedule) => match evaluate(problem, s.name(), &schedule) {
            Ok(report) => Ok(Some(report)),
            Err(v) => Err(TestCaseError::fail(format!(
                "{} made an invalid schedule: {v}",
                s.name()
            ))),
        },
        Err(Error::Infeasible(_)) => Ok(None),
        Err(e) => Err(TestCaseError::fail(format!("{} failed: {e}", s.name()))),
    }
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()).max(1.0)
}

fn optimum(scenario: &Scenario) -> Result<Option<f64>, TestCaseError> {
    let problem = Problem::new(scenario).map_err(|e| TestCaseError::fail(e.to_string()))?;
    Ok(run(&problem, &Optimal::default())?.map(|r| r.total_usd))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn schedules_pass_the_evaluator_and_the_optimum_is_cheapest(p in params()) {
        let scenario = generate(&p);
        let problem = Problem::new(&scenario).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let optimal = run(&problem, &Optimal::default())?;
        for heuristic in [&Local as &dyn Scheduler, &Greedy] {
            if let Some(h) = run(&problem, heuristic)? {
                // What a heuristic finds exists, so the optimum exists too.
                let o = optimal.as_ref().ok_or_else(|| TestCaseError::fail(
                    format!("{} found a schedule but optimal says infeasible", h.scheduler)))?;
                prop_assert!(o.total_usd <= h.total_usd + 1e-6 * h.total_usd.abs().max(1.0),
                    "optimal {} > {} {}", o.total_usd, h.scheduler, h.total_usd);
            }
        }
    }

    #[test]
    fn breakdowns_add_up(p in params()) {
        let problem = Problem::new(&generate(&p)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        for s in geoshift::all_schedulers() {
            if let Some(r) = run(&problem, s.as_ref())? {
                let parts = r.rent_usd + r.energy_usd + r.carbon_usd + r.egress_usd;
                prop_assert!(close(parts, r.total_usd, 1e-9), "parts {parts} vs total {}", r.total_usd);
                let jobs: f64 = r.jobs.iter().map(|j| j.cost_usd).sum();
                prop_assert!(close(jobs, r.total_usd, 1e-9), "jobs {jobs} vs total {}", r.total_usd);
                for j in &r.jobs {
                    let parts = j.rent_usd + j.energy_usd + j.carbon_usd + j.egress_usd;
                    prop_assert!(close(parts, j.cost_usd, 1e-9));
                    prop_assert!(j.first_slot <= j.last_slot);
                }
                let hours: f64 = r.assignments.iter().map(|a| a.server_hours).sum();
                prop_assert!(hours > 0.0);
            }
        }
    }

    #[test]
    fn more_servers_never_raise_the_optimum(p in params(), extra in 0usize..8, pool in any::<prop::sample::Index>()) {
        let scenario = generate(&p);
        let Some(before) = optimum(&scenario)? else { return Ok(()) };
        let mut bigger = scenario.clone();
        let k = pool.index(bigger.pools.len());
        bigger.pools[k].servers = match &bigger.pools[k].servers {
            Series::Constant(n) => Series::Constant(n + extra as f64 + 1.0),
            Series::PerSlot(v) => Series::PerSlot(v.iter().map(|n| n + extra as f64 + 1.0).collect()),
            other => other.clone(),
        };
        let after = optimum(&bigger)?.ok_or_else(|| TestCaseError::fail("more servers made it infeasible"))?;
        prop_assert!(after <= before + 1e-6 * before.abs().max(1.0), "{after} > {before}");
    }

    #[test]
    fn json_round_trip_gives_the_same_problem(p in params()) {
        let scenario = generate(&p);
        let again = Scenario::from_json(&scenario.to_json()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&again, &scenario);
        // The same problem: the same optimum (or the same infeasibility) and
        // the same cost of the same schedule.
        let (a, b) = (Problem::new(&scenario).ok(), Problem::new(&again).ok());
        let (a, b) = (a.ok_or_else(|| TestCaseError::fail("invalid"))?, b.ok_or_else(|| TestCaseError::fail("invalid"))?);
        if let Ok(schedule) = Greedy.schedule(&a) {
            let ra = evaluate(&a, "greedy", &schedule).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let rb = evaluate(&b, "greedy", &schedule).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(ra, rb);
        }
    }
}

proptest! {
    // Integer support in pure-Rust solvers has had wrong-answer bugs: this
    // is the guard. Each Whole job's region choice is enumerated, each
    // combination solved as an LP (a Whole job with one allowed region needs
    // no binary), and the best must equal the MILP's optimum.
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn milp_equals_brute_force_over_region_choices(
        jobs in 1usize..4, regions in 2usize..4, slots in 2usize..7, contention in 0.2f64..0.8, seed in any::<u64>(),
    ) {
        let scenario = generate(&Params {
            jobs, regions, slots, pools_per_region: 1, whole_share: 1.0,
            power_caps: seed % 2 == 0, contention, seed,
        });
        let problem = Problem::new(&scenario).map_err(|e| TestCaseError::fail(e.to_string()))?;
        // Each Whole job's candidate regions: those with a window.
        let choices: Vec<Vec<String>> = problem.jobs().iter().map(|j| {
            j.windows.iter().map(|w| problem.regions()[w.region].id.clone()).collect()
        }).collect();
        prop_assert!(scenario.jobs.iter().all(|j| j.placement == Placement::Whole));
        let mut best: Option<f64> = None;
        let combos: usize = choices.iter().map(|c| c.len().max(1)).product();
        for mut code in 0..combos {
            let mut fixed = scenario.clone();
            let mut possible = true;
            for (job, options) in fixed.jobs.iter_mut().zip(&choices) {
                if options.is_empty() { possible = false; break; }
                job.regions = Some(vec![options[code % options.len()].clone()]);
                code /= options.len();
            }
            if !possible { break; }
            if let Some(total) = optimum(&fixed)? {
                best = Some(best.map_or(total, |b: f64| b.min(total)));
            }
        }
        let milp = optimum(&scenario)?;
        match (milp, best) {
            (Some(m), Some(b)) => prop_assert!(close(m, b, 1e-6), "MILP {m} vs enumeration {b}"),
            (None, None) => {}
            (m, b) => prop_assert!(false, "MILP {m:?} vs enumeration {b:?}"),
        }
    }
}

/// The properties above skip infeasible scenarios; this keeps them from
/// being vacuous: most scenarios of the strategy they draw from
/// ([`params`], on a fixed stream) must have an optimum.
#[test]
fn most_generated_scenarios_are_feasible() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    );
    let strategy = params();
    let feasible = (0..60)
        .filter(|_| {
            let p = strategy.new_tree(&mut runner).unwrap().current();
            matches!(optimum(&generate(&p)), Ok(Some(_)))
        })
        .count();
    assert!(
        feasible >= 30,
        "only {feasible} of 60 scenarios drawn as the properties draw them are feasible"
    );
}
