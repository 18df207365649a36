//! The bench (`geoshift::bench`) on tiny families: gaps are never below
//! the optimum's proof, a plan that breaks a rule is reported with the
//! evaluator's reason and never counted, the same seeds give the same rows
//! apart from timings, and the real-data families rebuild the shipped
//! scenarios in the week they were shipped.

#[path = "../examples/shipped/mod.rs"]
mod shipped;

use geoshift::bench::{cases, families, heuristics, summarize, Bench, Case, Family, Row, Status};
use geoshift::synth::{generate, Params};
use geoshift::{evaluate, Assignment, Error, Optimal, Problem, Schedule, Scheduler, TOLERANCE};
use proptest::prelude::*;
use std::time::Duration;

/// A family of tiny synthetic weeks: 4 jobs, 2 regions of 2 pools, 12 slots.
fn tiny(whole_share: f64) -> Family {
    let params = move |seed| Params {
        jobs: 4,
        regions: 2,
        slots: 12,
        pools_per_region: 2,
        whole_share,
        contention: 0.5,
        seed,
        ..Params::default()
    };
    Family::new("tiny", "tiny synthetic weeks", vec![], move |seed| {
        Ok(generate(&params(seed)))
    })
}

fn bench() -> Bench {
    Bench::new(Optimal::default().time_limit(Duration::from_secs(60))).schedulers(heuristics())
}

/// Puts all of job 0's work in its first eligible cell, whatever the
/// capacity and parallelism: the evaluator must reject it.
struct Reckless;

impl Scheduler for Reckless {
    fn name(&self) -> &str {
        "reckless"
    }
    fn schedule(&self, p: &Problem) -> Result<Schedule, Error> {
        let job = &p.jobs()[0];
        let w = &job.windows[0];
        let k = p.regions()[w.region].pools[0];
        Ok(Schedule {
            assignments: vec![Assignment {
                job: 0,
                pool: k,
                slot: w.first_slot,
                server_hours: 1e6,
            }],
            proof: None,
        })
    }
}

#[test]
fn gaps_are_never_below_the_proof() {
    for whole in [0.0, 0.5] {
        let rows = bench().run(&cases(&[tiny(whole)], 6).unwrap());
        assert_eq!(rows.len(), 6 * 7);
        for r in &rows {
            assert_ne!(r.status, Status::Invalid, "{r:?}");
            assert_ne!(r.status, Status::Error, "{r:?}");
            if let Some(g) = r.gap_to_bound {
                assert!(g >= -TOLERANCE, "{r:?}");
            }
            if let (Some(g), Some(proven)) = (r.gap, r.optimum_gap) {
                assert!(g >= -proven - TOLERANCE, "{r:?}");
            }
            if r.status == Status::Planned {
                assert!(r.gap.is_some(), "{r:?}");
            }
        }
        // The optimum's own gap to itself is 0 by construction; what can
        // fail is its proof: a plan, not stopped, within the target gap.
        let optimum: Vec<&Row> = rows.iter().filter(|r| r.scheduler == "optimal").collect();
        assert_eq!(optimum.len(), 6);
        for r in &optimum {
            assert_eq!(r.status, Status::Planned, "{r:?}");
            assert!(r.optimum_stopped.is_none(), "{r:?}");
            let proven = r.optimum_gap.expect("a proven gap");
            assert!(proven <= geoshift::DEFAULT_GAP, "{r:?}");
        }
    }
}

#[test]
fn an_invalid_plan_is_reported_with_the_evaluators_reason() {
    let case_list = cases(&[tiny(0.0)], 2).unwrap();
    let rows = Bench::new(Optimal::default())
        .scheduler(Reckless)
        .run(&case_list);
    for (case, r) in case_list
        .iter()
        .zip(rows.iter().filter(|r| r.scheduler == "reckless"))
    {
        let problem = Problem::new(&case.scenario).unwrap();
        let why =
            evaluate(&problem, "reckless", &Reckless.schedule(&problem).unwrap()).unwrap_err();
        assert_eq!(r.status, Status::Invalid);
        assert_eq!(r.reason.as_deref(), Some(why.to_string().as_str()));
        assert_eq!((r.total_usd, r.gap), (None, None));
    }
    let s = summarize(&rows);
    let reckless = s.iter().find(|s| s.scheduler == "reckless").unwrap();
    assert_eq!(
        (reckless.invalid, reckless.with_gap, reckless.gap_mean),
        (2, 0, None)
    );
}

#[test]
fn the_same_seeds_give_the_same_json_apart_from_timings() {
    let json = |rows: Vec<Row>| {
        let rows: Vec<Row> = rows.iter().map(Row::without_timing).collect();
        serde_json::to_string(&rows).unwrap()
    };
    let c = cases(&[tiny(0.5)], 3).unwrap();
    let first = json(bench().run(&c));
    // Cases run in another order (as a thread pool may), rows put back in order.
    let mut reversed: Vec<Case> = c.clone();
    reversed.reverse();
    let b = bench();
    let mut by_case: Vec<Vec<Row>> = reversed.iter().map(|case| b.run_case(case)).collect();
    by_case.reverse();
    assert_eq!(first, json(by_case.concat()));
    // And the scenarios themselves are the same for the same seeds.
    assert_eq!(c, cases(&[tiny(0.5)], 3).unwrap());
}

#[test]
fn summaries_follow_the_rows() {
    let rows = bench().run(&cases(&[tiny(0.0)], 5).unwrap());
    for s in summarize(&rows) {
        let mine: Vec<&Row> = rows.iter().filter(|r| r.scheduler == s.scheduler).collect();
        assert_eq!(s.scenarios, 5);
        let gaps: Vec<f64> = mine.iter().filter_map(|r| r.gap).collect();
        assert_eq!(s.with_gap, gaps.len());
        if let Some(worst) = s.gap_worst {
            assert_eq!(worst, gaps.iter().copied().fold(f64::MIN, f64::max));
            let seed = s.worst_seed.unwrap();
            assert!(mine.iter().any(|r| r.seed == seed && r.gap == Some(worst)));
            assert!(s.gap_median.unwrap() <= worst && s.gap_p95.unwrap() <= worst);
        }
        let unfinished = mine
            .iter()
            .filter(|r| r.status == Status::Unfinished)
            .count();
        assert_eq!(s.unfinished_share, unfinished as f64 / 5.0);
    }
}

#[test]
fn every_default_family_makes_valid_scenarios() {
    for f in families() {
        assert!(!f.about().is_empty(), "{}", f.name());
        for seed in f.seeds(3) {
            let s = f
                .scenario(seed)
                .unwrap_or_else(|e| panic!("{}: {e}", f.name()));
            Problem::new(&s).unwrap_or_else(|e| panic!("{} seed {seed}: {e}", f.name()));
            assert_eq!(
                s,
                f.scenario(seed).unwrap(),
                "{} is not deterministic",
                f.name()
            );
        }
        assert!(f.scenario(0).is_err());
        if let Some(max) = f.seed_limit() {
            assert!(f.scenario(max + 1).is_err());
        }
    }
}

#[test]
fn the_real_weeks_are_what_the_builder_makes_for_those_weeks() {
    let data = geoshift::data::DataSet::bundled().unwrap();
    let fams = families();
    let family = |name: &str| fams.iter().find(|f| f.name() == name).unwrap();
    // ny-vs-gulf: every week, against the shipped builder run on that week.
    let ny = family("real-ny-vs-gulf");
    for (seed, weeks) in (1..).zip([0, 1, 2, 3]) {
        let start = shipped::ny_vs_gulf_period().start() + chrono::Duration::weeks(weeks);
        let period = geoshift::data::Period::new(start, 168).unwrap();
        let built = shipped::ny_vs_gulf_builder(period)
            .jobs(shipped::ny_vs_gulf_jobs(period))
            .build(&data)
            .unwrap();
        assert!(ny.scenario(seed).unwrap() == built, "week {weeks}");
    }
    // follow-the-cheap-hours: the shipped week.
    let built = shipped::follow_the_cheap_hours(&data).unwrap();
    assert!(family("real-cheap-hours").scenario(1).unwrap() == built);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]
    /// Every heuristic's plan on any small synthetic week is either
    /// unfinished or accepted by the evaluator, and never cheaper than the
    /// optimum's proven bound.
    #[test]
    fn heuristics_plan_validly_and_above_the_bound(
        seed in 0u64..10_000,
        whole in prop::sample::select(vec![0.0, 0.5, 1.0]),
        caps in any::<bool>(),
    ) {
        let scenario = generate(&Params {
            jobs: 5, regions: 3, slots: 10, pools_per_region: 2,
            whole_share: whole, power_caps: caps, contention: 0.6, seed,
        });
        let case = Case { family: "prop".into(), seed, scenario };
        for r in bench().run_case(&case) {
            prop_assert!(r.status != Status::Invalid, "{:?}", r);
            if let Some(g) = r.gap_to_bound {
                prop_assert!(g >= -TOLERANCE, "{:?}", r);
            }
        }
    }
}

/// An optimum stopped by its time limit is reported as such: with its
/// proven gap when it had a plan (and every heuristic's gap to its bound
/// still at least 0), or as an error naming the limit when it had none.
#[test]
fn a_stopped_optimum_is_reported_with_its_proof() {
    let rushed = Bench::new(Optimal::default().time_limit(Duration::ZERO)).schedulers(heuristics());
    let rows = rushed.run(&cases(&[tiny(1.0)], 3).unwrap());
    // Every optimum was stopped (its assertions were behind `if`s that
    // might never hold): a plan with its proof, or an error naming the
    // limit.
    let optimum: Vec<&Row> = rows.iter().filter(|r| r.scheduler == "optimal").collect();
    assert_eq!(optimum.len(), 3);
    for r in &optimum {
        match r.status {
            Status::Planned => {
                assert!(r.optimum_stopped.is_some(), "{r:?}");
                assert!(r.optimum_gap.is_some() && r.bound_usd.is_some(), "{r:?}");
            }
            Status::Error => {
                assert!(r.reason.as_deref().unwrap().contains("time limit"), "{r:?}")
            }
            _ => panic!("{r:?}"),
        }
    }
    for r in &rows {
        if let Some(g) = r.gap_to_bound {
            assert!(g >= -TOLERANCE, "{r:?}");
        }
    }
}

/// `run_case_until` asks its stop before the optimum, after it and before
/// each scheduler, and gives up the whole case once it says yes: a bench
/// under one deadline starts no scheduler after it and reports no half case.
/// Never stopped, it gives exactly `run_case`'s rows.
#[test]
fn run_case_until_gives_up_whole_cases_at_the_stop() {
    use std::cell::Cell;
    let case = cases(&[tiny(0.0)], 1).unwrap().remove(0);
    let b = bench();
    let schedulers = b.names().len() - 1;
    // Never stopped: every row, the same as run_case's (timings aside).
    let asked = Cell::new(0);
    let rows = b
        .run_case_until(&case, &|| {
            asked.set(asked.get() + 1);
            false
        })
        .expect("a case that is never stopped is reported");
    assert_eq!(
        asked.get(),
        schedulers + 2,
        "asked before the optimum, after it, and before each scheduler"
    );
    let names: Vec<&str> = rows.iter().map(|r| r.scheduler.as_str()).collect();
    assert_eq!(names, b.names());
    let totals = |rows: &[Row]| rows.iter().map(|r| r.total_usd).collect::<Vec<_>>();
    assert_eq!(totals(&rows), totals(&b.run_case(&case)));
    // Stopped at each point in turn: the case is given up, and nothing is
    // asked (so nothing runs) after the stop.
    for stop_at in 1..=schedulers + 2 {
        let asked = Cell::new(0);
        let got = b.run_case_until(&case, &|| {
            asked.set(asked.get() + 1);
            asked.get() >= stop_at
        });
        assert!(got.is_none(), "stopped at {stop_at}");
        assert_eq!(asked.get(), stop_at);
    }
}
