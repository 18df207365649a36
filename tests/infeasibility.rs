//! Scenarios with no schedule (or none a heuristic can find), and the
//! explanations: every job that cannot be finished is named, with the bound
//! that closed its window or the work units it falls short.

use chrono::{DateTime, Utc};
use geoshift::{
    evaluate, solve_json, ClosedBy, ClosedRegion, Error, Greedy, Horizon, Infeasible, Job, Link,
    Local, Optimal, Pool, Problem, Region, Report, Scenario, Scheduler, Shortfall, UnfinishedJob,
};

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// Hour `h` of 2026-06-01 (UTC), fractional hours allowed.
fn hour(h: f64) -> DateTime<Utc> {
    at("2026-06-01T00:00:00Z") + chrono::Duration::seconds((h * 3600.0).round() as i64)
}

fn scenario(
    slots: usize,
    regions: Vec<Region>,
    pools: Vec<Pool>,
    links: Vec<Link>,
    jobs: Vec<Job>,
) -> Scenario {
    Scenario::builder(Horizon::new(hour(0.0), 3600, slots))
        .regions(regions)
        .pools(pools)
        .links(links)
        .jobs(jobs)
        .build()
}

/// Two regions, `east` (cheap) and `west`, each with one pool.
fn two_regions(east_servers: f64, west_servers: f64) -> (Vec<Region>, Vec<Pool>) {
    (
        vec![
            Region::new("east", 1.2, 50.0),
            Region::new("west", 1.1, 80.0),
        ],
        vec![
            Pool::new("gpu-east", "east", east_servers, 2.0, 1.0),
            Pool::new("gpu-west", "west", west_servers, 3.0, 1.0),
        ],
    )
}

fn both_ways() -> Vec<Link> {
    vec![
        Link::new("east", "west", 10.0, 0.02),
        Link::new("west", "east", 10.0, 0.02),
    ]
}

fn problem(s: &Scenario) -> Problem {
    Problem::new(s).expect("the scenario is valid input")
}

/// The infeasibility `scheduler` reports on `p`.
fn infeasible(scheduler: &dyn Scheduler, p: &Problem) -> Infeasible {
    match scheduler.schedule(p) {
        Err(Error::Infeasible(i)) => {
            assert_eq!(i.scheduler, scheduler.name());
            i
        }
        Err(other) => panic!("{}: expected Infeasible, got {other:?}", scheduler.name()),
        Ok(s) => panic!("{}: expected Infeasible, got {s:?}", scheduler.name()),
    }
}

/// The evaluated schedule of `scheduler` on `p`.
fn feasible(scheduler: &dyn Scheduler, p: &Problem) -> Report {
    let schedule = scheduler
        .schedule(p)
        .unwrap_or_else(|e| panic!("{}: expected a schedule, got {e}", scheduler.name()));
    evaluate(p, scheduler.name(), &schedule)
        .unwrap_or_else(|e| panic!("{}: invalid schedule: {e}", scheduler.name()))
}

fn closed(job: &str, regions: Vec<ClosedRegion>) -> UnfinishedJob {
    UnfinishedJob {
        job: job.into(),
        shortfall: Shortfall::NoEligibleCell(regions),
    }
}

fn region_closed(region: &str, why: ClosedBy) -> ClosedRegion {
    ClosedRegion {
        region: region.into(),
        why,
    }
}

/// Asserts `u` is job `id` short by `missing` of `work` units (to solver
/// precision): short of capacity, or, for a Whole job, of any single
/// region that could finish it.
fn assert_short(u: &UnfinishedJob, id: &str, missing: f64, work: f64) {
    assert_eq!(u.job, id);
    match u.shortfall {
        Shortfall::WorkShort {
            missing_work,
            work: w,
        }
        | Shortfall::NoSingleRegion {
            missing_work,
            work: w,
        } => {
            assert!(
                (missing_work - missing).abs() < 1e-6,
                "job '{id}': {missing_work} work units missing, expected {missing}"
            );
            assert_eq!(w, work);
        }
        ref other => panic!("job '{id}': expected WorkShort, got {other:?}"),
    }
}

fn assert_mentions(text: &str, parts: &[&str]) {
    for p in parts {
        assert!(text.contains(p), "{text:?} should mention {p:?}");
    }
}

// ---------------------------------------------------------------- closed windows

/// `train` may only run in `west`; its 9000 GB take 7200 s over the 10
/// Gbit/s link, so released at 01:00 it cannot start before 03:00, after
/// its 02:30 deadline.
fn transfer_scenario(deadline: DateTime<Utc>) -> Scenario {
    let (regions, pools) = two_regions(4.0, 4.0);
    scenario(
        4,
        regions,
        pools,
        both_ways(),
        vec![Job::new("train", "east", 1.0, deadline, 4.0)
            .data(9000.0, 0.0)
            .release(hour(1.0))
            .regions(["west"])],
    )
}

#[test]
fn release_plus_transfer_after_deadline() {
    let p = problem(&transfer_scenario(hour(2.5)));
    let why = ClosedBy::TransferAfterDeadline {
        earliest_start: hour(3.0),
        transfer_seconds: 7200.0,
        deadline: hour(2.5),
    };
    assert_eq!(p.jobs()[0].closed, vec![region_closed("west", why.clone())]);
    let expected = vec![closed("train", vec![region_closed("west", why)])];
    assert!(p.jobs()[0].windows.is_empty());

    let opt = infeasible(&Optimal::default(), &p);
    assert_eq!(opt.jobs, expected);
    let msg = opt.to_string();
    assert_mentions(
        &msg,
        &[
            "optimal",
            "1 job(s)",
            "job 'train'",
            "west",
            "7200 s",
            "2026-06-01 03:00:00 UTC",
            "2026-06-01 02:30:00 UTC",
        ],
    );

    assert_eq!(infeasible(&Greedy, &p).jobs, expected);
    // Local runs at the origin only, which this job may not use.
    assert_eq!(
        infeasible(&Local, &p).jobs,
        vec![closed(
            "train",
            vec![region_closed("east", ClosedBy::NotAllowed)]
        )]
    );
}

#[test]
fn transfer_ending_exactly_on_a_slot_start_and_deadline_on_a_slot_end_is_inside() {
    // 4500 GB over 10 Gbit/s = 3600 s: from release 00:00 the data is in
    // west at 01:00 exactly; the deadline 02:00 is exactly the end of slot 1.
    let (regions, pools) = two_regions(4.0, 4.0);
    let job = Job::new("train", "east", 2.0, hour(2.0), 2.0)
        .data(4500.0, 0.0)
        .regions(["west"]);
    let s = scenario(4, regions.clone(), pools.clone(), both_ways(), vec![job]);
    let p = problem(&s);
    let w = p.jobs()[0].window(1).expect("west is open");
    assert_eq!((w.first_slot, w.end_slot), (1, 2));
    assert_eq!(w.transfer_seconds, 3600.0);
    for scheduler in [&Optimal::default() as &dyn Scheduler, &Greedy] {
        let r = feasible(scheduler, &p);
        assert_eq!(r.jobs[0].regions, vec!["west".to_string()]);
        assert_eq!((r.jobs[0].first_slot, r.jobs[0].last_slot), (1, 1));
    }

    // One second less and slot 1 no longer ends before the deadline.
    let job = Job::new("train", "east", 2.0, at("2026-06-01T01:59:59Z"), 2.0)
        .data(4500.0, 0.0)
        .regions(["west"]);
    let p = problem(&scenario(4, regions, pools, both_ways(), vec![job]));
    let opt = infeasible(&Optimal::default(), &p);
    assert_eq!(
        opt.jobs,
        vec![closed(
            "train",
            vec![region_closed(
                "west",
                ClosedBy::TransferAfterDeadline {
                    earliest_start: hour(1.0),
                    transfer_seconds: 3600.0,
                    deadline: at("2026-06-01T01:59:59Z"),
                }
            )]
        )]
    );
}

#[test]
fn deadline_before_end_of_first_slot() {
    let (regions, pools) = two_regions(4.0, 4.0);
    let s = scenario(
        4,
        regions,
        pools,
        both_ways(),
        vec![Job::new("quick", "east", 1.0, hour(0.5), 4.0)],
    );
    let p = problem(&s);
    let why = ClosedBy::DeadlineBeforeFirstSlot {
        deadline: hour(0.5),
    };
    // Every allowed region (all of them, in file order) is closed.
    let expected = vec![closed(
        "quick",
        vec![
            region_closed("east", why.clone()),
            region_closed("west", why.clone()),
        ],
    )];
    let opt = infeasible(&Optimal::default(), &p);
    assert_eq!(opt.jobs, expected);
    assert_mentions(
        &opt.to_string(),
        &[
            "job 'quick'",
            "deadline 2026-06-01 00:30:00 UTC is before the end of the first slot",
        ],
    );
    assert_eq!(infeasible(&Greedy, &p).jobs, expected);
    assert_eq!(
        infeasible(&Local, &p).jobs,
        vec![closed("quick", vec![region_closed("east", why)])]
    );
}

#[test]
fn release_at_horizon_end() {
    let (regions, pools) = two_regions(4.0, 4.0);
    let s = scenario(
        4,
        regions,
        pools,
        vec![],
        vec![Job::new("later", "east", 1.0, hour(6.0), 4.0)
            .release(hour(4.0))
            .regions(["east"])],
    );
    let p = problem(&s);
    let expected = vec![closed(
        "later",
        vec![region_closed(
            "east",
            ClosedBy::StartAfterHorizon {
                earliest_start: hour(4.0),
            },
        )],
    )];
    for scheduler in [&Optimal::default() as &dyn Scheduler, &Greedy, &Local] {
        assert_eq!(
            infeasible(scheduler, &p).jobs,
            expected,
            "{}",
            scheduler.name()
        );
    }
}

#[test]
fn no_link_to_the_allowed_region() {
    let (regions, pools) = two_regions(4.0, 4.0);
    let s = scenario(
        4,
        regions,
        pools,
        vec![],
        vec![Job::new("train", "east", 1.0, hour(4.0), 4.0).regions(["west"])],
    );
    let p = problem(&s);
    let expected = vec![closed(
        "train",
        vec![region_closed(
            "west",
            ClosedBy::Unreachable {
                from: "east".into(),
                to: "west".into(),
            },
        )],
    )];
    let opt = infeasible(&Optimal::default(), &p);
    assert_eq!(opt.jobs, expected);
    assert_mentions(
        &opt.to_string(),
        &["job 'train'", "west: no link east -> west"],
    );
    assert_eq!(infeasible(&Greedy, &p).jobs, expected);
}

#[test]
fn output_needs_the_link_back() {
    let (regions, pools) = two_regions(4.0, 4.0);
    let forward_only = vec![Link::new("east", "west", 10.0, 0.02)];
    let job = |output_gb: f64| {
        Job::new("train", "east", 1.0, hour(4.0), 4.0)
            .data(10.0, output_gb)
            .regions(["west"])
    };

    // No output: the forward link is enough.
    let s = scenario(
        4,
        regions.clone(),
        pools.clone(),
        forward_only.clone(),
        vec![job(0.0)],
    );
    let r = feasible(&Optimal::default(), &problem(&s));
    assert_eq!(r.jobs[0].regions, vec!["west".to_string()]);

    // Output to bring home, and no way back.
    let s = scenario(4, regions, pools, forward_only, vec![job(5.0)]);
    let p = problem(&s);
    let expected = vec![closed(
        "train",
        vec![region_closed(
            "west",
            ClosedBy::Unreachable {
                from: "west".into(),
                to: "east".into(),
            },
        )],
    )];
    let opt = infeasible(&Optimal::default(), &p);
    assert_eq!(opt.jobs, expected);
    assert_mentions(&opt.to_string(), &["job 'train'", "no link west -> east"]);
    assert_eq!(infeasible(&Greedy, &p).jobs, expected);
}

#[test]
fn region_without_pool() {
    let regions = vec![
        Region::new("east", 1.2, 50.0),
        Region::new("north", 1.1, 30.0),
    ];
    let pools = vec![Pool::new("gpu-east", "east", 4.0, 2.0, 1.0)];
    let links = vec![Link::new("east", "north", 10.0, 0.0)];
    let s = scenario(
        4,
        regions,
        pools,
        links,
        vec![
            Job::new("away", "east", 1.0, hour(4.0), 4.0).regions(["north"]),
            // Data in a region with no servers and no link out.
            Job::new("stranded", "north", 1.0, hour(4.0), 4.0),
        ],
    );
    let p = problem(&s);
    let expected = vec![
        closed("away", vec![region_closed("north", ClosedBy::NoPool)]),
        closed(
            "stranded",
            vec![
                region_closed(
                    "east",
                    ClosedBy::Unreachable {
                        from: "north".into(),
                        to: "east".into(),
                    },
                ),
                region_closed("north", ClosedBy::NoPool),
            ],
        ),
    ];
    let opt = infeasible(&Optimal::default(), &p);
    assert_eq!(opt.jobs, expected);
    assert_mentions(
        &opt.to_string(),
        &[
            "2 job(s)",
            "job 'away'",
            "north: no server pool",
            "job 'stranded'",
        ],
    );
    assert_eq!(infeasible(&Greedy, &p).jobs, expected);
    assert_eq!(
        infeasible(&Local, &p).jobs,
        vec![
            closed("away", vec![region_closed("east", ClosedBy::NotAllowed)]),
            closed("stranded", vec![region_closed("north", ClosedBy::NoPool)]),
        ]
    );
}

// ---------------------------------------------------------------- contention

#[test]
fn capacity_short_by_exact_work() {
    // 6 servers for one hour, 10 work units: 4 cannot be placed.
    let s = scenario(
        1,
        vec![Region::new("east", 1.2, 50.0)],
        vec![Pool::new("gpu-east", "east", 6.0, 2.0, 1.0)],
        vec![],
        vec![Job::new("big", "east", 10.0, hour(1.0), 100.0)],
    );
    let p = problem(&s);
    for scheduler in [&Optimal::default() as &dyn Scheduler, &Greedy, &Local] {
        let i = infeasible(scheduler, &p);
        assert_eq!(i.jobs.len(), 1, "{}: {i}", scheduler.name());
        assert_short(&i.jobs[0], "big", 4.0, 10.0);
        assert_mentions(&i.to_string(), &["job 'big'", "4.000000 of 10 work units"]);
    }
    let e = solve_json(&s.to_json(), &Optimal::default()).unwrap_err();
    assert!(matches!(e, Error::Infeasible(_)), "{e:?}");
}

#[test]
fn parallelism_short_by_exact_work() {
    // At most 3 servers at once over 2 hours: 6 of 10 units.
    let s = scenario(
        2,
        vec![Region::new("east", 1.2, 50.0)],
        vec![Pool::new("gpu-east", "east", 100.0, 2.0, 1.0)],
        vec![],
        vec![Job::new("narrow", "east", 10.0, hour(2.0), 3.0)],
    );
    let p = problem(&s);
    for scheduler in [&Optimal::default() as &dyn Scheduler, &Greedy, &Local] {
        let i = infeasible(scheduler, &p);
        assert_eq!(i.jobs.len(), 1, "{}: {i}", scheduler.name());
        assert_short(&i.jobs[0], "narrow", 4.0, 10.0);
    }
}

#[test]
fn power_cap_short_by_exact_work() {
    // 2 kW × PUE 1.5 = 3 kW at the meter per server; an 18 kW cap allows
    // 6 servers for the one hour: 4 of 10 units are missing.
    let s = scenario(
        1,
        vec![Region::new("east", 1.5, 50.0).power_cap(18.0)],
        vec![Pool::new("gpu-east", "east", 100.0, 2.0, 2.0)],
        vec![],
        vec![Job::new("hot", "east", 10.0, hour(1.0), 100.0)],
    );
    let p = problem(&s);
    for scheduler in [&Optimal::default() as &dyn Scheduler, &Greedy, &Local] {
        let i = infeasible(scheduler, &p);
        assert_eq!(i.jobs.len(), 1, "{}: {i}", scheduler.name());
        assert_short(&i.jobs[0], "hot", 4.0, 10.0);
    }
}

#[test]
fn no_servers_at_all_leaves_all_work_short() {
    let s = scenario(
        2,
        vec![Region::new("east", 1.2, 50.0)],
        vec![Pool::new("gpu-east", "east", 0.0, 2.0, 1.0)],
        vec![],
        vec![Job::new("idle", "east", 3.0, hour(2.0), 4.0)],
    );
    let p = problem(&s);
    for scheduler in [&Optimal::default() as &dyn Scheduler, &Greedy, &Local] {
        let i = infeasible(scheduler, &p);
        assert_eq!(i.jobs.len(), 1, "{}: {i}", scheduler.name());
        assert_short(&i.jobs[0], "idle", 3.0, 3.0);
    }
}

#[test]
fn contended_jobs_share_the_least_total_shortfall() {
    // Two jobs of 6 units on 8 servers for one hour: 4 units are missing in
    // total, split between them in a way that need not be unique.
    let s = scenario(
        1,
        vec![Region::new("east", 1.2, 50.0)],
        vec![Pool::new("gpu-east", "east", 8.0, 2.0, 1.0)],
        vec![],
        vec![
            Job::new("a", "east", 6.0, hour(1.0), 8.0),
            Job::new("b", "east", 6.0, hour(1.0), 8.0),
        ],
    );
    let p = problem(&s);
    let opt = infeasible(&Optimal::default(), &p);
    assert!(!opt.jobs.is_empty());
    let mut total = 0.0;
    for u in &opt.jobs {
        assert!(u.job == "a" || u.job == "b", "{u}");
        match u.shortfall {
            Shortfall::WorkShort { missing_work, work } => {
                assert_eq!(work, 6.0);
                assert!(missing_work > 0.0 && missing_work <= 6.0 + 1e-9);
                total += missing_work;
            }
            ref other => panic!("expected WorkShort, got {other:?}"),
        }
    }
    assert!((total - 4.0).abs() < 1e-6, "total shortfall {total}");
    // The heuristics serve `a` first (file order breaks the deadline tie).
    for scheduler in [&Greedy as &dyn Scheduler, &Local] {
        let i = infeasible(scheduler, &p);
        assert_eq!(i.jobs.len(), 1, "{}: {i}", scheduler.name());
        assert_short(&i.jobs[0], "b", 4.0, 6.0);
    }
}

// ---------------------------------------------------------------- heuristics fail where the optimum exists

#[test]
fn local_reports_a_job_not_allowed_at_its_origin() {
    let (regions, pools) = two_regions(4.0, 4.0);
    let s = scenario(
        4,
        regions,
        pools,
        both_ways(),
        vec![
            Job::new("home", "east", 2.0, hour(4.0), 4.0),
            Job::new("residency", "east", 2.0, hour(4.0), 4.0).regions(["west"]),
        ],
    );
    let p = problem(&s);
    let opt = feasible(&Optimal::default(), &p);
    assert_eq!(opt.jobs[1].regions, vec!["west".to_string()]);
    feasible(&Greedy, &p);

    let local = infeasible(&Local, &p);
    assert_eq!(
        local.jobs,
        vec![closed(
            "residency",
            vec![region_closed("east", ClosedBy::NotAllowed)]
        )]
    );
    assert_mentions(
        &local.to_string(),
        &[
            "local: 1 job(s)",
            "job 'residency'",
            "east: not among the job's allowed regions",
        ],
    );
}

#[test]
fn greedy_reports_a_whole_job_that_fits_no_single_region() {
    // One hour. `first` (split, earlier in the file) takes the cheap east
    // servers greedily; then `whole` (10 units) finds 5 servers left in east
    // and 5 in west: neither region alone finishes it. The optimum puts
    // `first` in west and `whole` in east.
    let (regions, pools) = two_regions(10.0, 5.0);
    let s = scenario(
        1,
        regions,
        pools,
        both_ways(),
        vec![
            Job::new("first", "east", 5.0, hour(1.0), 10.0),
            Job::new("whole", "east", 10.0, hour(1.0), 10.0).whole(),
        ],
    );
    let p = problem(&s);
    let opt = feasible(&Optimal::default(), &p);
    assert_eq!(opt.jobs[0].regions, vec!["west".to_string()]);
    assert_eq!(opt.jobs[1].regions, vec!["east".to_string()]);

    let greedy = infeasible(&Greedy, &p);
    assert_eq!(greedy.jobs.len(), 1, "{greedy}");
    assert_short(&greedy.jobs[0], "whole", 5.0, 10.0);
    assert_mentions(&greedy.to_string(), &["greedy: 1 job(s)", "job 'whole'"]);

    let local = infeasible(&Local, &p);
    assert_eq!(local.jobs.len(), 1, "{local}");
    assert_short(&local.jobs[0], "whole", 5.0, 10.0);
}

#[test]
fn whole_job_larger_than_every_region() {
    // 6 servers in each region for one hour: 10 units fit split (6 + 4) but
    // not whole, where the best region leaves 4 undone.
    let (regions, pools) = two_regions(6.0, 6.0);
    let job = Job::new("whole", "east", 10.0, hour(1.0), 100.0);
    let split = scenario(
        1,
        regions.clone(),
        pools.clone(),
        both_ways(),
        vec![job.clone()],
    );
    let r = feasible(&Optimal::default(), &problem(&split));
    assert_eq!(
        r.jobs[0].regions,
        vec!["east".to_string(), "west".to_string()]
    );

    let s = scenario(1, regions, pools, both_ways(), vec![job.whole()]);
    let p = problem(&s);
    for scheduler in [&Optimal::default() as &dyn Scheduler, &Greedy, &Local] {
        let i = infeasible(scheduler, &p);
        assert_eq!(i.jobs.len(), 1, "{}: {i}", scheduler.name());
        assert_short(&i.jobs[0], "whole", 4.0, 10.0);
    }
}

// ---------------------------------------------------------------- several at once

#[test]
fn every_failing_job_is_listed() {
    // `late` has no whole slot before its deadline, `island` may only run
    // in west and there is no link there, `big` needs 100 units where east
    // has 32; `ok` runs alone in west and is fine.
    let (regions, pools) = two_regions(8.0, 4.0);
    let links = vec![Link::new("west", "east", 10.0, 0.02)];
    let s = scenario(
        4,
        regions,
        pools,
        links,
        vec![
            Job::new("late", "east", 1.0, hour(0.5), 4.0),
            Job::new("ok", "west", 4.0, hour(4.0), 4.0).regions(["west"]),
            Job::new("big", "east", 100.0, hour(4.0), 8.0).regions(["east"]),
            Job::new("island", "east", 1.0, hour(4.0), 4.0).regions(["west"]),
        ],
    );
    let p = problem(&s);
    let late_why = ClosedBy::DeadlineBeforeFirstSlot {
        deadline: hour(0.5),
    };

    let opt = infeasible(&Optimal::default(), &p);
    let ids: Vec<&str> = opt.jobs.iter().map(|u| u.job.as_str()).collect();
    assert_eq!(ids, ["late", "big", "island"], "file order: {opt}");
    assert_eq!(
        opt.jobs[0],
        closed(
            "late",
            vec![
                region_closed("east", late_why.clone()),
                // west is unreachable from east: that bound is reported first.
                region_closed(
                    "west",
                    ClosedBy::Unreachable {
                        from: "east".into(),
                        to: "west".into(),
                    }
                ),
            ]
        )
    );
    assert_short(&opt.jobs[1], "big", 68.0, 100.0);
    assert_eq!(
        opt.jobs[2],
        closed(
            "island",
            vec![region_closed(
                "west",
                ClosedBy::Unreachable {
                    from: "east".into(),
                    to: "west".into(),
                }
            )]
        )
    );
    let msg = opt.to_string();
    assert_mentions(
        &msg,
        &[
            "optimal: 3 job(s) cannot be finished",
            "job 'late'",
            "job 'big'",
            "68.000000 of 100 work units",
            "job 'island'",
        ],
    );
    assert!(!msg.contains("'ok'"), "{msg}");

    for scheduler in [&Greedy as &dyn Scheduler, &Local] {
        let i = infeasible(scheduler, &p);
        let mut ids: Vec<&str> = i.jobs.iter().map(|u| u.job.as_str()).collect();
        ids.sort_unstable();
        assert_eq!(ids, ["big", "island", "late"], "{}: {i}", scheduler.name());
        let big = i.jobs.iter().find(|u| u.job == "big").unwrap();
        assert_short(big, "big", 68.0, 100.0);
    }
}

#[test]
fn transfer_time_beyond_any_date_closes_the_region_without_panicking() {
    // 1e10 GB over 1 Mbit/s takes 8e13 s (2.5 million years): valid input
    // by docs/MODEL.md, and west is simply closed; the job runs at home.
    let (regions, pools) = two_regions(4.0, 4.0);
    let s = scenario(
        4,
        regions,
        pools,
        vec![Link::new("east", "west", 0.001, 0.0)],
        vec![Job::new("train", "east", 1.0, hour(4.0), 4.0).data(1e10, 0.0)],
    );
    let p = problem(&s);
    assert!(p.jobs()[0].window(0).is_some(), "east stays open");
    assert_eq!(p.jobs()[0].closed.len(), 1);
    assert_eq!(p.jobs()[0].closed[0].region, "west");
    assert!(matches!(
        p.jobs()[0].closed[0].why,
        ClosedBy::StartAfterHorizon { .. }
    ));
    feasible(&Optimal::default(), &p);
}

/// Every backend handles a scenario with nothing to decide (no job, or
/// every job closed) without calling a solver that cannot take an empty
/// model.
#[test]
fn empty_models_on_every_backend() {
    let empty = r#"{"horizon": {"start": "2026-06-01T00:00:00Z", "slot_seconds": 3600, "slots": 2},
        "regions": [{"id": "a", "pue": 1, "price_usd_per_mwh": 1}], "pools": [], "jobs": []}"#;
    let closed = r#"{"horizon": {"start": "2026-06-01T00:00:00Z", "slot_seconds": 3600, "slots": 2},
        "regions": [{"id": "a", "pue": 1, "price_usd_per_mwh": 1}], "pools": [],
        "jobs": [{"id": "j", "origin": "a", "work": 1, "deadline": "2026-06-01T02:00:00Z", "max_servers": 1}]}"#;
    for backend in geoshift::Backend::available() {
        let optimal = geoshift::Optimal::new(*backend);
        let report = geoshift::solve_json(empty, &optimal).unwrap();
        assert_eq!(report.total_usd, 0.0, "{backend:?}");
        match geoshift::solve_json(closed, &optimal) {
            Err(geoshift::Error::Infeasible(inf)) => assert_eq!(inf.jobs.len(), 1, "{backend:?}"),
            other => panic!("{backend:?}: expected infeasible, got {other:?}"),
        }
    }
}

/// A huge `max_servers` ("no limit") must not make real work look like
/// solver noise.
#[test]
fn huge_parallelism_keeps_small_work() {
    let json = r#"{"horizon": {"start": "2026-06-01T00:00:00Z", "slot_seconds": 3600, "slots": 2},
        "regions": [{"id": "a", "pue": 1, "price_usd_per_mwh": [10, 20]}],
        "pools": [{"id": "p", "region": "a", "servers": 100, "rent_usd_per_hour": 1, "power_kw": 1}],
        "jobs": [{"id": "j", "origin": "a", "work": 0.05, "deadline": "2026-06-01T02:00:00Z", "max_servers": 1e12}]}"#;
    for backend in geoshift::Backend::available() {
        let report = geoshift::solve_json(json, &geoshift::Optimal::new(*backend)).unwrap();
        // 0.05 server-hours in slot 0: 0.05 × (1 + 1 kW × 10 $/MWh / 1000),
        // to the 1e-6 relative that every backend promises.
        assert!(
            (report.total_usd - 0.0505).abs() < 1e-6 * 0.0505,
            "{backend:?}: {}",
            report.total_usd
        );
    }
}

/// A transfer time that overflows to infinity never arrives: the region is
/// closed, not open from slot 0.
#[test]
fn infinite_transfer_time_closes_the_region() {
    let json = r#"{"horizon": {"start": "2026-06-01T00:00:00Z", "slot_seconds": 3600, "slots": 2},
        "regions": [{"id": "a", "pue": 1, "price_usd_per_mwh": 1}, {"id": "b", "pue": 1, "price_usd_per_mwh": 1}],
        "pools": [{"id": "p", "region": "b", "servers": 1, "rent_usd_per_hour": 1, "power_kw": 1}],
        "links": [{"from": "a", "to": "b", "bandwidth_gbps": 1e-308, "egress_usd_per_gb": 0}],
        "jobs": [{"id": "j", "origin": "a", "work": 1, "input_gb": 1, "deadline": "2026-06-01T02:00:00Z", "max_servers": 1}]}"#;
    let problem = Problem::new(&Scenario::from_json(json).unwrap()).unwrap();
    let job = &problem.jobs()[0];
    assert!(job.windows.is_empty());
    assert!(
        job.closed
            .iter()
            .any(|c| c.region == "b" && matches!(c.why, ClosedBy::StartAfterHorizon { .. })),
        "{:?}",
        job.closed
    );
}
