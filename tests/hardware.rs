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
