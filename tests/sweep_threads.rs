//! `Sweep::threads`: points solved on several threads are the sequential
//! sweep's (the same settings solved and skipped, in the order of the
//! settings, totals within the gap), each thread's run of neighbours
//! warm from its own first point; a limit stops every thread promptly;
//! the memory budget runs fewer threads, or refuses the sweep.

mod common;

use common::*;
use geoshift::synth::{generate, Params};
use geoshift::{
    Backend, Curve, Error, Link, Optimal, Pool, Problem, Region, Scenario, StopReason, Sweep,
    SweepAxis, SweepError, SweepPoint,
};
use proptest::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A shipped scenario, validated.
fn shipped(file: &str) -> Problem {
    let path = format!("{}/scenarios/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).expect("the shipped scenario reads");
    Problem::new(&Scenario::from_json(&text).expect("it parses")).expect("it is valid")
}

/// Whether `b` is `a` solved again: the same settings solved, skipped and
/// stopped, in the same order, each total within the two points' gaps
/// (each is within its own gap of the one optimum) and the solvers'
/// rounding.
fn same_curve(a: &Curve, b: &Curve) -> Result<(), String> {
    let settings = |c: &Curve| c.points.iter().map(|p| p.setting).collect::<Vec<_>>();
    let skipped = |c: &Curve| c.skipped.iter().map(|p| p.setting).collect::<Vec<_>>();
    if settings(a) != settings(b) || skipped(a) != skipped(b) || a.stopped != b.stopped {
        return Err(format!(
            "points {:?} vs {:?}, skipped {:?} vs {:?}, stopped {:?} vs {:?}",
            settings(a),
            settings(b),
            skipped(a),
            skipped(b),
            a.stopped,
            b.stopped
        ));
    }
    same_points(&a.points, &b.points)
}

/// Whether the points of `b` are those of `a` (see [`same_curve`]).
fn same_points(a: &[SweepPoint], b: &[SweepPoint]) -> Result<(), String> {
    if a.len() != b.len() {
        return Err(format!("{} points vs {}", a.len(), b.len()));
    }
    for (p, q) in a.iter().zip(b) {
        if p.setting != q.setting {
            return Err(format!("setting {} vs {}", p.setting, q.setting));
        }
        let scale = p.total_usd.abs().max(q.total_usd.abs()).max(1.0);
        let room = (p.gap.max(0.0) + q.gap.max(0.0) + 1e-6) * scale;
        if (p.total_usd - q.total_usd).abs() > room || p.stopped != q.stopped {
            return Err(format!(
                "at {}: {} ({:?}) vs {} ({:?})",
                p.setting, p.total_usd, p.stopped, q.total_usd, q.stopped
            ));
        }
    }
    Ok(())
}

/// The marketplace week (22 k columns, solved by column generation): two
/// threads give the sequential curve, in order, each thread's first point
/// cold and the next one warm from it. At a looser gap (from 1e-5) a
/// carbon sweep is solved by halves: the least and the greatest price
/// first (on two threads both cold, on one the greatest from the least),
/// then each price between two solved ones, warm from both.
#[test]
fn two_threads_give_the_sequential_curve_of_the_marketplace_week() {
    let week = shipped("ny-vs-marketplace.json");
    let prices = vec![0.0, 50.0, 100.0, 200.0];
    // The pure-Rust default's stages (column generation, so that a point
    // is warm), also where HiGHS is compiled in and `Auto` would take it.
    let sweep =
        Sweep::new(SweepAxis::CarbonPrice(prices.clone())).optimal(Optimal::new(Backend::Clarabel));
    let one = sweep.clone().run(&week).unwrap();
    let two = sweep.threads(2).run(&week).unwrap();
    assert_eq!((one.threads, two.threads), (1, 2));
    same_curve(&one, &two).unwrap();
    assert_eq!(
        two.points.iter().map(|p| p.setting).collect::<Vec<_>>(),
        prices
    );
    let warm = |c: &Curve| c.points.iter().map(|p| p.warm).collect::<Vec<_>>();
    assert_eq!(warm(&one), [false, true, true, true]);
    // Runs of neighbours, contiguous: 0 and 50 on one thread, 100 and 200
    // on the other.
    assert_eq!(warm(&two), [false, true, false, true]);
    // By halves at 1e-3: the two ends cold at once, 100 between them, 50
    // between 0 and 100.
    let loose = Sweep::new(SweepAxis::CarbonPrice(prices.clone()))
        .optimal(Optimal::new(Backend::Clarabel).gap(1e-3));
    let one_loose = loose.clone().run(&week).unwrap();
    let two_loose = loose.threads(2).run(&week).unwrap();
    same_curve(&one_loose, &two_loose).unwrap();
    assert_eq!(warm(&one_loose), [false, true, true, true]);
    assert_eq!(warm(&two_loose), [false, true, true, false]);
    // More threads than settings: one per setting, every point cold.
    let many = Sweep::new(SweepAxis::CarbonPrice(vec![0.0, 200.0]))
        .optimal(Optimal::new(Backend::Clarabel))
        .threads(8)
        .run(&week)
        .unwrap();
    assert_eq!(many.threads, 2);
    assert_eq!(warm(&many), [false, false]);
    same_points(
        &[one.points[0].clone(), one.points[3].clone()],
        &many.points,
    )
    .unwrap();
}

/// One 1-hour slot, a dirty region and a clean one (4 servers each): the
/// job's 4 server-hours cost $6.4 dirty, $8.0 clean, before carbon.
fn two_regions() -> Scenario {
    Scenario::builder(horizon(1, 3600))
        .regions(vec![
            Region::new("dirty", 1.2, 50.0).carbon(800.0),
            Region::new("clean", 1.0, 100.0).carbon(50.0),
        ])
        .pools(vec![
            Pool::new("dirty-gpu", "dirty", 4.0, 1.0, 10.0),
            Pool::new("clean-gpu", "clean", 4.0, 1.0, 10.0),
        ])
        .links(vec![Link::new("dirty", "clean", 10.0, 0.0)])
        .jobs(vec![geoshift::Job::new(
            "train",
            "dirty",
            4.0,
            at("2026-06-01T01:00:00Z"),
            4.0,
        )])
        .build()
}

#[test]
fn zero_threads_is_refused_and_the_hook_counts_every_point() {
    let p = Problem::new(&two_regions()).unwrap();
    assert!(matches!(
        Sweep::new(SweepAxis::CarbonPrice(vec![0.0]))
            .threads(0)
            .run(&p),
        Err(Error::Sweep(SweepError::BadSetting {
            what: "threads",
            ..
        }))
    ));
    // Caps: 0.05 t binds nothing, 0.001 t is under the least emissions.
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    let curve = Sweep::new(SweepAxis::EmissionsCap(vec![0.05, 0.02, 0.001, 0.01]))
        .threads(2)
        .on_point(move |done, of, setting, point| {
            log.lock()
                .unwrap()
                .push((done, of, setting, point.is_some()))
        })
        .run(&p)
        .unwrap();
    let mut seen = seen.lock().unwrap().clone();
    // Each count once, whichever thread ended first.
    let mut counts: Vec<usize> = seen.iter().map(|s| s.0).collect();
    counts.sort();
    assert_eq!(counts, [1, 2, 3, 4]);
    seen.sort_by(|a, b| a.2.total_cmp(&b.2));
    assert_eq!(
        seen.iter().map(|s| (s.1, s.2, s.3)).collect::<Vec<_>>(),
        [
            (4, 0.001, false),
            (4, 0.01, true),
            (4, 0.02, true),
            (4, 0.05, true)
        ]
    );
    assert_eq!(
        curve.points.iter().map(|p| p.setting).collect::<Vec<_>>(),
        [0.05, 0.02, 0.01]
    );
    assert_eq!(curve.skipped[0].setting, 0.001);
}

/// A limit stops a sweep on threads as it stops one on this thread: the
/// optimum's time limit is one deadline for the whole sweep, each thread
/// ends by it, and the points not started are left out.
#[test]
fn a_time_limit_stops_every_thread_of_a_sweep() {
    let heavy = generate(&Params {
        jobs: 100,
        regions: 10,
        slots: 48,
        whole_share: 0.2,
        seed: 7,
        ..Params::default()
    });
    let p = Problem::new(&heavy).unwrap();
    let prices: Vec<f64> = (0..8).map(|i| 10.0 * i as f64).collect();
    // At the default gap in runs of neighbours, at 1e-3 by halves.
    for (threads, gap) in [(1, 1e-7), (2, 1e-7), (1, 1e-3), (2, 1e-3)] {
        let clock = Instant::now();
        let optimal = Optimal::new(Backend::Microlp)
            .gap(gap)
            .time_limit(Duration::from_secs(1));
        let curve = Sweep::new(SweepAxis::CarbonPrice(prices.clone()))
            .optimal(optimal)
            .threads(threads)
            .run(&p)
            .unwrap();
        let took = clock.elapsed().as_secs_f64();
        // The limit, the solver's grace (0.5 s) and a margin for a loaded
        // machine, well below the points' own time.
        assert!(
            took < 1.0 + 0.5 + 3.0,
            "{threads} threads, gap {gap}: {took:.2} s"
        );
        assert_eq!(
            curve.stopped,
            Some(StopReason::TimeLimit),
            "{threads}, {gap}"
        );
        assert!(curve.points.len() < prices.len(), "{threads}, {gap}");
        let settings: Vec<f64> = curve.points.iter().map(|p| p.setting).collect();
        assert!(settings.windows(2).all(|w| w[0] < w[1]), "{settings:?}");
    }
}

/// The cancel flag, raised after the first point ends, ends both threads'
/// runs: each at its next point.
#[test]
fn a_cancel_ends_every_thread_at_its_next_point() {
    let p = Problem::new(&two_regions()).unwrap();
    let flag = Arc::new(AtomicBool::new(false));
    let raise = flag.clone();
    let prices: Vec<f64> = (0..6).map(|i| 20.0 * i as f64).collect();
    // At the default gap in runs of neighbours, at 1e-3 by halves (the
    // two ends at once, then none between).
    for gap in [1e-7, 1e-3] {
        flag.store(false, Ordering::SeqCst);
        let raise = raise.clone();
        let curve = Sweep::new(SweepAxis::CarbonPrice(prices.clone()))
            .optimal(Optimal::default().gap(gap).cancel_flag(flag.clone()))
            .threads(2)
            .on_point(move |_, _, _, _| raise.store(true, Ordering::SeqCst))
            .run(&p)
            .unwrap();
        assert_eq!(curve.stopped, Some(StopReason::Cancelled), "gap {gap}");
        // Each thread ends the point it is solving, and starts no other.
        assert!(
            !curve.points.is_empty() && curve.points.len() <= 2,
            "gap {gap}"
        );
    }
}

/// A thread that panics (here its point hook, at the second thread's
/// first setting, 4) ends the sweep with a typed error carrying the
/// panic's message, not a panic in the caller's thread, and the other
/// thread stops at its next point: its run (1, 2, 3) waits for the
/// panic before its second point, then solves no more. (A field that is
/// no price: a sweep in runs of neighbours; a price is solved by halves,
/// next test.)
#[test]
fn a_panicking_thread_ends_the_sweep_with_an_error() {
    let p = Problem::new(&two_regions()).unwrap();
    let gpus: Vec<f64> = (1..=6).map(f64::from).collect();
    let panicked = Arc::new(AtomicBool::new(false));
    let (raise, wait) = (panicked.clone(), panicked);
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    let axis = SweepAxis::vary("pool:*.gpus_per_server=1,2,3,4,5,6").unwrap();
    assert!(matches!(&axis, SweepAxis::Field { values, .. } if *values == gpus));
    let result = Sweep::new(axis)
        .threads(2)
        .on_point(move |_, _, setting, _| {
            log.lock().unwrap().push(setting);
            if setting == 4.0 {
                raise.store(true, Ordering::SeqCst);
                panic!("hook refuses {setting}");
            }
            if setting == 1.0 {
                let clock = Instant::now();
                while !wait.load(Ordering::SeqCst) && clock.elapsed() < Duration::from_secs(30) {
                    std::thread::sleep(Duration::from_millis(5));
                }
                // The panicking thread's catch runs just after its hook.
                std::thread::sleep(Duration::from_secs(1));
            }
        })
        .run(&p);
    let mut seen = seen.lock().unwrap().clone();
    seen.sort_by(f64::total_cmp);
    assert_eq!(seen, [1.0, 4.0], "points solved after the panic");
    match result {
        Err(Error::Solver(f)) => {
            assert_eq!(f.status, geoshift::SolverStatus::Panicked);
            assert!(f.message.contains("hook refuses 4"), "{}", f.message);
        }
        other => panic!("expected a solver failure, got {other:?}"),
    }
}

/// The same for a carbon sweep solved by halves (at `--gap 1e-3`): a panic at the
/// greatest price (solved on the second thread while the first solves
/// the least) ends the sweep with the typed error, and no price between
/// them is solved.
#[test]
fn a_panicking_end_ends_a_carbon_sweep_with_an_error() {
    let p = Problem::new(&two_regions()).unwrap();
    let prices: Vec<f64> = (0..6).map(|i| 20.0 * i as f64).collect();
    let panicked = Arc::new(AtomicBool::new(false));
    let (raise, wait) = (panicked.clone(), panicked);
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    let result = Sweep::new(SweepAxis::CarbonPrice(prices))
        .optimal(Optimal::default().gap(1e-3))
        .threads(2)
        .on_point(move |_, _, setting, _| {
            log.lock().unwrap().push(setting);
            if setting == 100.0 {
                raise.store(true, Ordering::SeqCst);
                panic!("hook refuses {setting}");
            }
            if setting == 0.0 {
                let clock = Instant::now();
                while !wait.load(Ordering::SeqCst) && clock.elapsed() < Duration::from_secs(30) {
                    std::thread::sleep(Duration::from_millis(5));
                }
            }
        })
        .run(&p);
    let mut seen = seen.lock().unwrap().clone();
    seen.sort_by(f64::total_cmp);
    assert_eq!(seen, [0.0, 100.0], "points solved after the panic");
    match result {
        Err(Error::Solver(f)) => {
            assert_eq!(f.status, geoshift::SolverStatus::Panicked);
            assert!(f.message.contains("hook refuses 100"), "{}", f.message);
        }
        other => panic!("expected a solver failure, got {other:?}"),
    }
}

/// A panic at a price between (at `--gap 1e-3`, by halves: solved by one thread while the other
/// waits for an interval) ends a carbon sweep with the typed error too:
/// the waiting thread hears of it and ends (a lost wake-up would hang
/// here).
#[test]
fn a_panic_between_two_ends_every_thread_of_a_carbon_sweep() {
    let p = Problem::new(&two_regions()).unwrap();
    let prices: Vec<f64> = (0..6).map(|i| 20.0 * i as f64).collect();
    for _ in 0..10 {
        let result = Sweep::new(SweepAxis::CarbonPrice(prices.clone()))
            .optimal(Optimal::default().gap(1e-3))
            .threads(2)
            .on_point(|_, _, setting, _| {
                // 60 is the first price between the two ends.
                if setting == 60.0 {
                    panic!("hook refuses {setting}");
                }
            })
            .run(&p);
        match result {
            Err(Error::Solver(f)) => {
                assert_eq!(f.status, geoshift::SolverStatus::Panicked);
                assert!(f.message.contains("hook refuses 60"), "{}", f.message);
            }
            other => panic!("expected a solver failure, got {other:?}"),
        }
    }
}

/// The least memory budget under which `optimal` solves `p` alone.
fn least_budget(p: &Problem) -> usize {
    let (mut lo, mut hi) = (1usize, 1usize << 40);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        match Optimal::new(Backend::Microlp)
            .memory_budget(mid)
            .check_memory(p)
        {
            Ok(()) => hi = mid,
            Err(_) => lo = mid + 1,
        }
    }
    lo
}

/// Each thread's solve gets a share of the budget: a budget that holds
/// two solves (and the base problem) runs two of the eight threads asked,
/// with the sequential curve; one under a single solve refuses the sweep
/// before anything is solved. (A field that is no price: a carbon sweep
/// also holds its solved neighbours' proofs, and runs fewer threads on
/// the same budget.)
#[test]
fn the_memory_budget_runs_fewer_threads_or_refuses() {
    let p = shipped("carbon-priced-0.json");
    let one = least_budget(&p);
    let axis = || SweepAxis::vary("pool:*.gpus_per_server=1,2,3,4,6,8").unwrap();
    let sweep = |budget: usize| {
        Sweep::new(axis())
            .optimal(Optimal::new(Backend::Microlp).memory_budget(budget))
            .threads(8)
            .run(&p)
    };
    let two = sweep(one * 5 / 2).unwrap();
    assert_eq!(two.threads, 2);
    let alone = Sweep::new(axis())
        .optimal(Optimal::new(Backend::Microlp))
        .run(&p)
        .unwrap();
    same_curve(&alone, &two).unwrap();
    // Room for one solve beside the base problem: one thread.
    assert_eq!(sweep(one * 2).unwrap().threads, 1);
    assert!(matches!(sweep(one / 2), Err(Error::TooLarge(_))));
    // The carbon axis by halves (at 1e-3) on the budget that ran two: its
    // proofs count.
    let prices = vec![0.0, 50.0, 100.0, 150.0, 200.0, 300.0];
    let carbon = Sweep::new(SweepAxis::CarbonPrice(prices))
        .optimal(
            Optimal::new(Backend::Microlp)
                .gap(1e-3)
                .memory_budget(one * 5 / 2),
        )
        .threads(8)
        .run(&p)
        .unwrap();
    assert_eq!(carbon.threads, 1);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// On generated scenarios, any thread count gives the sequential
    /// curve: a carbon-price sweep (in runs of neighbours, and by halves at
    /// a looser gap) and a cap sweep (whose tightest caps may have no
    /// plan).
    #[test]
    fn any_thread_count_gives_the_sequential_curve(
        jobs in 1usize..4, regions in 2usize..4, slots in 2usize..6, seed in any::<u64>(),
        whole in prop_oneof![Just(0.0), Just(0.5)], threads in 2usize..6,
        settings in proptest::collection::vec(0.0f64..400.0, 1..7),
    ) {
        let scenario = generate(&Params {
            jobs, regions, slots, pools_per_region: 2, whole_share: whole,
            power_caps: false, contention: 0.4, seed,
        });
        let p = Problem::new(&scenario).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let optimal = Optimal::new(Backend::Microlp);
        let run = |axis: SweepAxis, n: usize| {
            Sweep::new(axis).optimal(optimal.clone()).threads(n).run(&p)
        };
        let alone = match run(SweepAxis::CarbonPrice(settings.clone()), 1) {
            Ok(c) => c,
            Err(Error::Infeasible(_)) => return Ok(()),
            Err(e) => return Err(TestCaseError::fail(e.to_string())),
        };
        let many = run(SweepAxis::CarbonPrice(settings.clone()), threads)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(many.threads, threads.min(settings.len()));
        same_curve(&alone, &many).map_err(TestCaseError::fail)?;
        // By halves (a gap of 1e-3): one thread against many, and the
        // points against the default gap's.
        let loose = |n: usize| {
            Sweep::new(SweepAxis::CarbonPrice(settings.clone()))
                .optimal(optimal.clone().gap(1e-3))
                .threads(n)
                .run(&p)
        };
        let halves = loose(1).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let halves_many = loose(threads).map_err(|e| TestCaseError::fail(e.to_string()))?;
        same_curve(&halves, &halves_many).map_err(TestCaseError::fail)?;
        same_curve(&alone, &halves).map_err(TestCaseError::fail)?;
        // Caps from the least-cost plan's emissions down to none at all.
        let Some(first) = alone.points.first() else { return Ok(()) };
        let high = first.emissions_t;
        let caps: Vec<f64> = (0..settings.len()).map(|i| high * (1.0 - i as f64 / 4.0).max(0.0)).collect();
        let alone = run(SweepAxis::EmissionsCap(caps.clone()), 1)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let many = run(SweepAxis::EmissionsCap(caps), threads)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        same_curve(&alone, &many).map_err(TestCaseError::fail)?;
    }
}

/// A warm point starts from its neighbour's plan where that plan keeps
/// its rows: at a gap of 1e-3 the marketplace week's second point is
/// proven from that plan and its own relaxation, and it is within the
/// gap of the point's own cold solve's bound.
#[test]
fn a_warm_point_from_its_neighbours_plan_is_within_the_gap() {
    let week = shipped("ny-vs-marketplace.json");
    let gap = 1e-3;
    // The pure-Rust default's stages, as in the test above.
    let curve = Sweep::new(SweepAxis::CarbonPrice(vec![0.0, 100.0]))
        .optimal(Optimal::new(Backend::Clarabel).gap(gap))
        .run(&week)
        .unwrap();
    let warm = &curve.points[1];
    assert!(warm.warm && warm.gap <= gap, "{}", warm.gap);
    let mut s = week.scenario().clone();
    s.carbon_price_usd_per_t = 100.0;
    let cold = Optimal::default()
        .gap(gap)
        .solve(&Problem::new(&s).unwrap())
        .unwrap();
    let bound = cold.proof.bound_usd;
    assert!(
        (warm.total_usd - bound) / warm.total_usd <= gap + 1e-9,
        "{} against the cold bound {bound}",
        warm.total_usd
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// At a loose gap a warm point may stand on its neighbour's plan: on
    /// generated scenarios with `whole` jobs (a MILP), each point's total
    /// is still within the gap of the bound its own cold solve proves.
    #[test]
    fn a_loose_gap_point_from_its_neighbour_is_within_the_gap(
        jobs in 1usize..5, regions in 2usize..4, slots in 2usize..6, seed in any::<u64>(),
    ) {
        let gap = 1e-2;
        let scenario = generate(&Params {
            jobs, regions, slots, pools_per_region: 2, whole_share: 0.5,
            power_caps: false, contention: 0.2, seed,
        });
        let p = Problem::new(&scenario).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let optimal = Optimal::new(Backend::Microlp).gap(gap);
        let prices = vec![0.0, 20.0, 40.0, 60.0];
        let curve = match Sweep::new(SweepAxis::CarbonPrice(prices)).optimal(optimal.clone()).run(&p) {
            Ok(c) => c,
            Err(Error::Infeasible(_)) => return Ok(()),
            Err(e) => return Err(TestCaseError::fail(e.to_string())),
        };
        for point in &curve.points {
            let mut s = scenario.clone();
            s.carbon_price_usd_per_t = point.setting;
            let q = Problem::new(&s).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let cold = optimal.solve(&q).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let bound = cold.proof.bound_usd;
            let scale = point.total_usd.abs().max(1.0);
            prop_assert!(
                point.total_usd - bound <= (gap + 1e-9) * scale,
                "at {}: {} against the cold bound {}", point.setting, point.total_usd, bound
            );
        }
    }
}

/// A loose-gap sweep still moves with its setting: the neighbour's plan
/// is an incumbent only after a point's own fixed plans. Taken first, it
/// ended every warm point of the marketplace week's `--gap 1e-3` carbon
/// sweep at once with the $0 plan (4.400 t at every price).
#[test]
fn a_loose_gap_sweep_does_not_repeat_its_first_plan() {
    let week = shipped("ny-vs-marketplace.json");
    let curve = Sweep::new(SweepAxis::CarbonPrice(vec![0.0, 150.0]))
        .optimal(Optimal::new(Backend::Clarabel).gap(1e-3))
        .run(&week)
        .unwrap();
    let (cheap, dear) = (&curve.points[0], &curve.points[1]);
    assert!(dear.warm);
    assert!(
        dear.emissions_t < cheap.emissions_t - 1e-3,
        "{} t at $0/t, {} t at $150/t",
        cheap.emissions_t,
        dear.emissions_t
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// A carbon price between two solved ones is bounded by theirs (their
    /// bounds mixed, and per region choice): on generated MILPs at a gap
    /// of 1e-5 (solved by halves) each point's total is its own cold
    /// solve's within the two gaps, and each
    /// point's proven bound is at most that optimum (a bound mixed wrongly
    /// would claim more).
    #[test]
    fn a_price_between_two_solved_ones_has_its_cold_optimum(
        jobs in 2usize..6, regions in 2usize..4, slots in 2usize..6, seed in any::<u64>(),
        threads in 1usize..3,
    ) {
        let scenario = generate(&Params {
            jobs, regions, slots, pools_per_region: 2, whole_share: 0.8,
            power_caps: false, contention: 0.3, seed,
        });
        let p = Problem::new(&scenario).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let gap = 1e-5;
        let optimal = Optimal::new(Backend::Clarabel).gap(gap);
        let prices = vec![0.0, 150.0, 300.0, 450.0, 600.0, 1200.0, 2400.0];
        let curve = match Sweep::new(SweepAxis::CarbonPrice(prices.clone()))
            .optimal(optimal.clone())
            .threads(threads)
            .run(&p)
        {
            Ok(c) => c,
            Err(Error::Infeasible(_)) => return Ok(()),
            Err(e) => return Err(TestCaseError::fail(e.to_string())),
        };
        prop_assert_eq!(curve.points.len() + curve.skipped.len(), prices.len());
        for point in &curve.points {
            let mut s = scenario.clone();
            s.carbon_price_usd_per_t = point.setting;
            let q = Problem::new(&s).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let cold = optimal.solve(&q).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let scale = cold.report.total_usd.abs().max(1.0);
            prop_assert!(
                (point.total_usd - cold.report.total_usd).abs() <= (2.0 * gap + 1e-9) * scale,
                "at {}: {} against the cold {}", point.setting, point.total_usd, cold.report.total_usd
            );
            prop_assert!(
                point.bound <= cold.report.total_usd + 1e-7 * scale,
                "at {}: bound {} above the cold optimum {}", point.setting, point.bound, cold.report.total_usd
            );
        }
    }
}

/// A price field (`rent_usd_per_hour` of every pool) is solved by halves
/// too (at a gap of 1e-5): on generated MILPs each point between two
/// solved ones is warm from both, and has its own cold solve's total
/// within the two gaps.
#[test]
fn a_rent_sweep_is_solved_by_halves_with_the_cold_optimum() {
    let mut between = 0;
    for seed in 0..8 {
        let scenario = generate(&Params {
            jobs: 3,
            regions: 3,
            slots: 4,
            pools_per_region: 2,
            whole_share: 0.8,
            power_caps: false,
            contention: 0.3,
            seed,
        });
        let p = Problem::new(&scenario).unwrap();
        let axis = SweepAxis::vary("pool:*.rent_usd_per_hour=0.5,1,1.5,2,4").unwrap();
        let optimal = Optimal::new(Backend::Clarabel).gap(1e-5);
        let curve = match Sweep::new(axis).optimal(optimal.clone()).run(&p) {
            Ok(c) => c,
            Err(Error::Infeasible(_)) => continue,
            Err(e) => panic!("seed {seed}: {e}"),
        };
        if curve.points.len() < 5 {
            continue; // no plan at some rent (jobs that cannot finish)
        }
        for point in &curve.points {
            let mut s = scenario.clone();
            for pool in &mut s.pools {
                pool.rent_usd_per_hour = point.setting;
            }
            let cold = optimal.solve(&Problem::new(&s).unwrap()).unwrap();
            let scale = cold.report.total_usd.abs().max(1.0);
            assert!(
                (point.total_usd - cold.report.total_usd).abs() <= 2e-5 * scale,
                "seed {seed} at {}: {} against the cold {}",
                point.setting,
                point.total_usd,
                cold.report.total_usd
            );
        }
        // $1.5/h is solved first between $0.5 and $4, then $1 and $2.
        between += curve.points[1..4].iter().filter(|p| p.warm).count();
    }
    assert!(between >= 6, "{between} points warm from two neighbours");
}
