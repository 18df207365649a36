//! Hardware, workloads and spread (docs/MODEL.md, "Hardware, workloads and
//! spread"): a job's requirements close pools, its own speed per
//! accelerator sets its work per server-hour, `min_link_gbps` closes slow
//! regions, and `max_regions` bounds how many regions a Split job uses.

mod common;

use common::*;
use geoshift::{
    evaluate, ClosedBy, Error, Greedy, Job, Link, Optimal, Pool, PoolClosedBy, Problem, Region,
    Requirements, Scenario, Scheduler, Shortfall,
};

/// Two regions, one hour slots. `home` holds an A100 box (8 GPUs of 80
/// GB, rent 20) and an RTX4090 box (4 GPUs of 24 GB, rent 4); `away`
/// holds another RTX4090 box (rent 3). Energy free, no carbon.
fn scenario(jobs: Vec<Job>, link_gbps: f64) -> Scenario {
    Scenario::builder(horizon(4, 3600))
        .regions(vec![
            Region::new("home", 1.0, 0.0),
            Region::new("away", 1.0, 0.0),
        ])
        .pools(vec![
            Pool::new("a100", "home", 2.0, 20.0, 1.0).hardware("A100", 8, 80.0),
            Pool::new("rtx-home", "home", 2.0, 4.0, 1.0).hardware("RTX4090", 4, 24.0),
            Pool::new("rtx-away", "away", 2.0, 3.0, 1.0).hardware("RTX4090", 4, 24.0),
        ])
        .links(vec![
            Link::new("home", "away", link_gbps, 0.0),
            Link::new("away", "home", link_gbps, 0.0),
        ])
        .jobs(jobs)
        .build()
}

fn job(work: f64) -> Job {
    Job::new("train", "home", work, at("2026-06-01T04:00:00Z"), 2.0)
}

#[test]
fn a_memory_requirement_closes_the_small_cards() {
    let s = scenario(
        vec![job(4.0).requires(Requirements::new().gpu_memory_gb(40.0))],
        10.0,
    );
    let p = Problem::new(&s).unwrap();
    let j = &p.jobs()[0];
    // away has only a 24 GB card: the region is closed, naming the pool.
    assert_eq!(j.windows.len(), 1);
    match &j.closed[0].why {
        ClosedBy::NoPoolServes { pools } => {
            assert_eq!(pools[0].pool, "rtx-away");
            assert_eq!(
                pools[0].why,
                PoolClosedBy::GpuMemoryGb {
                    required: 40.0,
                    has: Some(24.0)
                }
            );
        }
        other => panic!("away closed by {other:?}"),
    }
    // home keeps only the A100 pool; the RTX pool there is listed.
    assert_eq!(j.windows[0].pools, vec![0]);
    assert_eq!(j.closed_pools.len(), 1);
    assert_eq!(j.closed_pools[0].pool, "rtx-home");
    // So the optimum pays the A100's rent: 4 server-hours x 20.
    let r = report(&s, &Optimal::default());
    close("total", r.total_usd, 80.0, LP);
    for a in &r.assignments {
        assert_eq!(a.pool, "a100");
    }
}

#[test]
fn a_requirement_no_pool_meets_is_named_when_infeasible() {
    let s = scenario(
        vec![job(4.0).requires(Requirements::new().accelerators(["H100"]))],
        10.0,
    );
    for scheduler in [&Optimal::default() as &dyn Scheduler, &Greedy] {
        match run(&s, scheduler) {
            Err(Error::Infeasible(inf)) => match &inf.jobs[0].shortfall {
                Shortfall::NoEligibleCell(closed) => {
                    assert_eq!(closed.len(), 2);
                    let text = closed[0].to_string();
                    assert!(text.contains("requires.accelerators = [H100]"), "{text}");
                }
                other => panic!("{other:?}"),
            },
            other => panic!("expected infeasible, got {other:?}"),
        }
    }
}

#[test]
fn a_jobs_own_speed_sets_its_work_per_server_hour() {
    // 10 work units per GPU-hour on an A100, 5 on an RTX4090: an A100 box
    // does 80 per server-hour, an RTX box 20. 160 units: the A100 box for
    // 2 server-hours costs 40; RTX boxes need 8 server-hours (24 or more).
    let speeds = [("A100", 10.0), ("RTX4090", 5.0)];
    let s = scenario(vec![job(160.0).speed_by_accelerator(speeds)], 10.0);
    let p = Problem::new(&s).unwrap();
    assert!((p.work_per_server_hour(0, 0).unwrap() - 80.0).abs() < 1e-12);
    assert!((p.work_per_server_hour(0, 2).unwrap() - 20.0).abs() < 1e-12);
    // The cheapest per work unit: RTX away 3/20 = 0.15, RTX home 0.2, A100
    // 0.25. Away gives 2 servers x 4 slots = 8 server-hours = 160 units.
    let r = report(&s, &Optimal::default());
    close("total", r.total_usd, 24.0, LP);
    // Without its speeds the pools' own (1.0) apply: 160 server-hours, more
    // than the 24 there are.
    let plain = scenario(vec![job(160.0)], 10.0);
    assert!(run(&plain, &Optimal::default()).is_err());
}

#[test]
fn a_pool_the_speed_map_does_not_name_may_not_serve() {
    let s = scenario(vec![job(8.0).speed_by_accelerator([("A100", 1.0)])], 10.0);
    let p = Problem::new(&s).unwrap();
    assert_eq!(p.jobs()[0].windows.len(), 1); // away closed
    assert_eq!(p.jobs()[0].windows[0].pools, vec![0]);
    assert!(matches!(
        p.jobs()[0].closed_pools[0].why,
        PoolClosedBy::SpeedByAccelerator { .. }
    ));
}

#[test]
fn a_link_below_the_floor_closes_the_region() {
    let s = scenario(vec![job(4.0).min_link_gbps(10.0)], 1.0);
    let p = Problem::new(&s).unwrap();
    assert_eq!(p.jobs()[0].windows.len(), 1);
    assert!(matches!(
        p.jobs()[0].closed[0].why,
        ClosedBy::LinkBelowFloor { .. }
    ));
    // At the floor exactly, the region is open (inclusive).
    let s = scenario(vec![job(4.0).min_link_gbps(10.0)], 10.0);
    assert_eq!(Problem::new(&s).unwrap().jobs()[0].windows.len(), 2);
}

/// Three regions, each 1 server of 1 kW; the job needs 3 servers at once
/// for 1 slot (parallelism 3), so without a limit it spreads over all
/// three; `max_regions` 2 makes one slot impossible and it takes two.
fn spread(max_regions: Option<u32>) -> Scenario {
    let mut j = Job::new("spread", "a", 3.0, at("2026-06-01T02:00:00Z"), 3.0);
    if let Some(n) = max_regions {
        j = j.max_regions(n);
    }
    Scenario::builder(horizon(2, 3600))
        .regions(vec![
            Region::new("a", 1.0, vec![0.0, 1000.0]),
            Region::new("b", 1.0, vec![0.0, 1000.0]),
            Region::new("c", 1.0, vec![0.0, 1000.0]),
        ])
        .pools(vec![
            Pool::new("pa", "a", 1.0, 1.0, 1.0),
            Pool::new("pb", "b", 1.0, 1.0, 1.0),
            Pool::new("pc", "c", 1.0, 1.0, 1.0),
        ])
        .links(vec![
            Link::new("a", "b", 10.0, 0.0),
            Link::new("a", "c", 10.0, 0.0),
        ])
        .jobs(vec![j])
        .build()
}

#[test]
fn max_regions_bounds_the_regions_a_split_job_uses() {
    // Free: slot 0 in a, b and c: 3 server-hours at rent 1 = 3.
    let free = report(&spread(None), &Optimal::default());
    close("unlimited", free.total_usd, 3.0, LP);
    assert_eq!(regions_of(&free, "spread").len(), 3);
    // Two regions: slot 0 in two of them (2), slot 1 in one (1 + 1 kW x
    // 1000 $/MWh = 2): 4.
    for scheduler in [&Optimal::default() as &dyn Scheduler, &Greedy] {
        let r = report(&spread(Some(2)), scheduler);
        close(scheduler.name(), r.total_usd, 4.0, LP);
        assert_eq!(regions_of(&r, "spread").len(), 2);
    }
    // A plan in three regions is refused by the evaluator.
    let p = Problem::new(&spread(Some(2))).unwrap();
    let three = Optimal::default()
        .schedule(&Problem::new(&spread(None)).unwrap())
        .unwrap();
    let err = evaluate(&p, "hand", &three).unwrap_err();
    let err = err.as_violation().expect("a broken rule");
    assert_eq!(err.constraint, geoshift::Constraint::MaxRegions);
}

#[test]
fn max_regions_on_a_whole_job_is_an_input_error() {
    let j = Job::new("w", "a", 1.0, at("2026-06-01T02:00:00Z"), 1.0)
        .whole()
        .max_regions(1);
    let mut s = spread(None);
    s.jobs = vec![j];
    let e = Problem::new(&s).unwrap_err().to_string();
    assert!(e.contains("max_regions"), "{e}");
}

#[test]
fn the_new_fields_round_trip_through_json() {
    let s = scenario(
        vec![job(4.0)
            .requires(Requirements::new().gpu_memory_gb(40.0).gpus_per_server(8))
            .speed_by_accelerator([("A100", 1.0)])
            .max_regions(2)
            .min_link_gbps(5.0)],
        10.0,
    );
    let back = Scenario::from_json(&s.to_json()).unwrap();
    assert_eq!(back, s);
    // A whole-number field given as a fraction is a parse error naming it.
    let bad = s
        .to_json()
        .replace("\"max_regions\": 2", "\"max_regions\": 2.5");
    let e = Scenario::from_json(&bad).unwrap_err().to_string();
    assert!(e.contains("max_regions"), "{e}");
}

mod drawn {
    //! Every new field drawn at once with the others (Whole jobs, prices
    //! for undone work, power caps): every scheduler's plan passes the
    //! evaluator, no valid input is refused as a bug, and the optimum is
    //! never dearer than a heuristic.
    use super::common::*;
    use geoshift::synth::{generate, Params};
    use geoshift::{
        all_schedulers, CarbonGreedy, CheapestRegion, EdfHome, Error, Optimal, Placement, Problem,
        Requirements, Scenario, Scheduler, WaitAwhile,
    };
    use proptest::prelude::*;

    /// (accelerator, GPUs, GB per GPU); `None`: a pool that states nothing.
    const HARDWARE: [Option<(&str, u32, f64)>; 4] = [
        Some(("A100", 8, 80.0)),
        Some(("RTX4090", 4, 24.0)),
        Some(("H100", 8, 80.0)),
        None,
    ];

    #[derive(Debug, Clone)]
    struct Needs {
        memory: Option<f64>,
        accelerators: Option<Vec<&'static str>>,
        speeds: bool,
        max_regions: Option<u32>,
        floor: Option<f64>,
        whole: bool,
        unmet: Option<f64>,
    }

    fn needs() -> impl Strategy<Value = Needs> {
        (
            prop::option::weighted(0.4, prop::sample::select(vec![24.0, 40.0, 80.0])),
            prop::option::weighted(0.2, Just(vec!["A100", "H100"])),
            prop::bool::weighted(0.3),
            prop::option::weighted(0.5, 1u32..4),
            prop::option::weighted(0.2, prop::sample::select(vec![5.0, 20.0, 60.0])),
            prop::bool::weighted(0.2),
            prop::option::weighted(0.2, 1.0..30.0f64),
        )
            .prop_map(
                |(memory, accelerators, speeds, max_regions, floor, whole, unmet)| Needs {
                    memory,
                    accelerators,
                    speeds,
                    max_regions,
                    floor,
                    whole,
                    unmet,
                },
            )
    }

    fn scenario(params: &Params, hw_seed: usize, needs: &[Needs]) -> Scenario {
        let mut s = generate(params);
        for (i, pool) in s.pools.iter_mut().enumerate() {
            if let Some((a, g, gb)) = HARDWARE[(i + hw_seed) % HARDWARE.len()] {
                pool.accelerator = Some(a.into());
                pool.gpus_per_server = Some(g);
                pool.gpu_memory_gb = Some(gb);
            }
        }
        for (job, n) in s.jobs.iter_mut().zip(needs.iter().cycle()) {
            let mut req = Requirements::new();
            if let Some(gb) = n.memory {
                req = req.gpu_memory_gb(gb);
            }
            if let Some(a) = &n.accelerators {
                req = req.accelerators(a.iter().copied());
            }
            if !req.is_empty() {
                job.requires = Some(req);
            }
            if n.speeds {
                // Per GPU-hour, so a server does 0.5 to 2.4 work units.
                job.speed_by_accelerator = Some(
                    [("A100", 0.15), ("H100", 0.3), ("RTX4090", 0.12)]
                        .into_iter()
                        .map(|(a, v)| (a.to_string(), v))
                        .collect(),
                );
            }
            job.placement = if n.whole {
                Placement::Whole
            } else {
                Placement::Split
            };
            job.max_regions = n.max_regions.filter(|_| !n.whole);
            job.min_link_gbps = n.floor;
            job.unmet_usd_per_work = n.unmet;
        }
        s
    }

    fn params() -> impl Strategy<Value = Params> {
        (
            2usize..6,
            2usize..5,
            6usize..14,
            1usize..3,
            any::<bool>(),
            0.2..0.7f64,
            any::<u64>(),
        )
            .prop_map(
                |(jobs, regions, slots, pools, power_caps, contention, seed)| Params {
                    jobs,
                    regions,
                    slots,
                    pools_per_region: pools,
                    whole_share: 0.0,
                    power_caps,
                    contention,
                    seed,
                },
            )
    }

    /// An error a valid input must never get (exit 3 in the CLI).
    fn is_bug(e: &Error) -> bool {
        matches!(
            e.kind(),
            geoshift::ErrorKind::InvalidSchedule
                | geoshift::ErrorKind::NotProven
                | geoshift::ErrorKind::Solver
        )
    }

    /// What one drawn case exercised.
    #[derive(Default)]
    struct Seen {
        optimum: bool,
        binding_spread: bool,
        closed_pool: bool,
        own_speed: bool,
    }

    fn check(params: &Params, hw_seed: usize, needs: &[Needs]) -> Result<Seen, TestCaseError> {
        let s = scenario(params, hw_seed, needs);
        let p = Problem::new(&s).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let optimum = run(&s, &Optimal::default());
        if let Err(e) = &optimum {
            prop_assert!(!is_bug(e), "optimum: {e}");
        }
        let mut heuristics: Vec<Box<dyn Scheduler + Send + Sync>> = all_schedulers();
        heuristics.push(Box::new(EdfHome));
        heuristics.push(Box::new(CarbonGreedy));
        heuristics.push(Box::new(CheapestRegion));
        heuristics.push(Box::new(WaitAwhile));
        for h in &heuristics {
            match h.schedule(&p) {
                Ok(schedule) => {
                    let r = geoshift::evaluate(&p, h.name(), &schedule);
                    prop_assert!(r.is_ok(), "{}: {:?}", h.name(), r.err());
                    let r = r.unwrap();
                    if let Ok(o) = &optimum {
                        prop_assert!(
                            o.total_usd <= r.total_usd + 1e-6 * r.total_usd.abs().max(1.0),
                            "optimum {} dearer than {} {}",
                            o.total_usd,
                            h.name(),
                            r.total_usd
                        );
                    }
                }
                Err(e) => prop_assert!(!is_bug(&e), "{}: {e}", h.name()),
            }
        }
        Ok(Seen {
            optimum: optimum.is_ok(),
            binding_spread: optimum.is_ok() && p.jobs().iter().any(|j| j.spread_binds()),
            closed_pool: p.jobs().iter().any(|j| !j.closed_pools.is_empty()),
            own_speed: optimum.is_ok() && s.jobs.iter().any(|j| j.speed_by_accelerator.is_some()),
        })
    }

    /// The drawn cases, counted: the checks must have run on solved
    /// cases with a binding spread limit, closed pools and own speeds, not
    /// only on infeasible ones.
    #[test]
    fn every_scheduler_holds_with_hardware_and_spread() {
        use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
        let cases: u32 = std::env::var("GEOSHIFT_HARDWARE_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(128);
        // A fixed stream: the counts below are the same on every run.
        let mut runner = TestRunner::new_with_rng(
            Config {
                cases,
                ..Config::default()
            },
            TestRng::deterministic_rng(RngAlgorithm::ChaCha),
        );
        let counts = std::sync::Mutex::new([0u32; 4]);
        let strategy = (params(), 0usize..4, prop::collection::vec(needs(), 1..4));
        runner
            .run(&strategy, |(params, hw, needs)| {
                let seen = check(&params, hw, &needs)?;
                let mut c = counts.lock().unwrap();
                for (i, b) in [
                    seen.optimum,
                    seen.binding_spread,
                    seen.closed_pool,
                    seen.own_speed,
                ]
                .into_iter()
                .enumerate()
                {
                    c[i] += u32::from(b);
                }
                Ok(())
            })
            .unwrap();
        let c = counts.into_inner().unwrap();
        eprintln!("hardware cases: solved {}, binding spread {}, closed pools {}, own speeds {} of {cases}", c[0], c[1], c[2], c[3]);
        let least = cases / 16;
        assert!(
            c.iter().all(|&n| n >= least),
            "solved {}, binding spread {}, closed pools {}, own speeds {} of {cases}: each should be at least {least}",
            c[0], c[1], c[2], c[3]
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        /// `max_regions = 1` on a Split job that must finish costs what
        /// `Whole` costs: one region, all of its egress.
        #[test]
        fn one_region_at_most_costs_what_whole_costs(
            params in params(),
            hw_seed in 0usize..4,
            needs in prop::collection::vec(needs(), 1..3),
        ) {
            let mut one = scenario(&params, hw_seed, &needs);
            one.jobs[0].placement = Placement::Split;
            one.jobs[0].unmet_usd_per_work = None;
            one.jobs[0].max_regions = Some(1);
            let mut whole = one.clone();
            whole.jobs[0].max_regions = None;
            whole.jobs[0].placement = Placement::Whole;
            let (a, b) = (run(&one, &Optimal::default()), run(&whole, &Optimal::default()));
            match (a, b) {
                (Ok(a), Ok(b)) => prop_assert!(
                    (a.total_usd - b.total_usd).abs() <= 1e-6 * b.total_usd.abs().max(1.0),
                    "max_regions 1: {}, whole: {}", a.total_usd, b.total_usd
                ),
                (Err(a), Err(b)) => {
                    prop_assert!(!is_bug(&a) && !is_bug(&b), "{a} / {b}");
                }
                (a, b) => prop_assert!(false, "one feasible, one not: {:?} / {:?}",
                    a.map(|r| r.total_usd), b.map(|r| r.total_usd)),
            }
        }
    }
}

/// Three regions, one server each, a job of 6 units at most 2 servers at
/// once over 4 one-hour slots; `c` is dear at first.
fn three(prices_ab: Vec<f64>, price_c: Vec<f64>, max_regions: Option<u32>) -> Scenario {
    let mut j = Job::new("spread", "a", 6.0, at("2026-06-01T04:00:00Z"), 2.0);
    if let Some(n) = max_regions {
        j = j.max_regions(n);
    }
    Scenario::builder(horizon(4, 3600))
        .regions(vec![
            Region::new("a", 1.0, prices_ab.clone()),
            Region::new("b", 1.0, prices_ab),
            Region::new("c", 1.0, price_c),
        ])
        .pools(vec![
            Pool::new("pa", "a", 1.0, 1.0, 1.0),
            Pool::new("pb", "b", 1.0, 1.0, 1.0),
            Pool::new("pc", "c", 1.0, 1.0, 1.0),
        ])
        .links(vec![
            Link::new("a", "b", 10.0, 0.0),
            Link::new("a", "c", 10.0, 0.0),
        ])
        .jobs(vec![j])
        .build()
}

#[test]
fn a_replan_counts_the_regions_its_history_opened() {
    use geoshift::Replan;
    // The plan: a and b (rent 1 each, and cheapest in slot 0, so both are
    // in the history at 01:00); c costs 1 + 1 kW x 1000 $/MWh = 2.
    let before = three(vec![0.0, 10.0, 10.0, 10.0], vec![1000.0; 4], Some(2));
    let p = Problem::new(&before).unwrap();
    let plan = Optimal::default().solve(&p).unwrap().schedule;
    let saved = plan.to_saved(&p).unwrap();
    let r0 = geoshift::evaluate(&p, "plan", &plan).unwrap();
    assert_eq!(regions_of(&r0, "spread"), ["a", "b"]);
    // From 01:00, a and b cost 1 + 1 = 2 and c only 1: without the limit
    // the rest would move to c; with it (a and b are open), it may not.
    let after = |limit| three(vec![0.0, 1000.0, 1000.0, 1000.0], vec![0.0; 4], limit);
    let now = at("2026-06-01T01:00:00Z");
    let free = Replan::new(saved.clone(), now)
        .solve(&Problem::new(&after(None)).unwrap(), &Optimal::default())
        .unwrap();
    assert!(regions_of(&free.report, "spread").contains(&"c".to_string()));
    let held = Replan::new(saved, now)
        .solve(&Problem::new(&after(Some(2))).unwrap(), &Optimal::default())
        .unwrap();
    assert_eq!(regions_of(&held.report, "spread"), ["a", "b"]);
    assert!(held.report.total_usd > free.report.total_usd + 1.0);
}

#[test]
fn explain_holds_a_spread_job_to_the_regions_it_uses() {
    let s = spread(Some(2));
    let p = Problem::new(&s).unwrap();
    let e = geoshift::explain(&p, &Optimal::default()).unwrap();
    close("explained total", e.total_usd, 4.0, LP);
    let fixed = e
        .fixed_regions
        .iter()
        .find(|f| f.job == "spread")
        .expect("the spread job's regions are listed");
    assert_eq!(fixed.regions.len(), 2);
    // Held to those regions the LP's optimum is the MILP's.
    let mut held = s.clone();
    held.jobs[0].regions = Some(fixed.regions.clone());
    close(
        "held",
        report(&held, &Optimal::default()).total_usd,
        4.0,
        LP,
    );
}
