//! Errors that blame the right thing (issue 8, item 6): the input that
//! made a cost overflow, the bound that really closed a window, the
//! placement that makes a job impossible, and the cheap capacity sums that
//! show a scenario cannot be done before anything is solved.

mod common;

use common::{at, horizon};
use geoshift::{
    CapacityWarning, ClosedBy, Entity, Error, Greedy, InputError, Job, Link, Local, Optimal, Pool,
    Problem, Region, Scenario, Scheduler, Shortfall,
};

fn hour(h: &str) -> chrono::DateTime<chrono::Utc> {
    at(&format!("2026-06-01T{h}:00Z"))
}

/// Two linked regions with one pool each and one job.
fn scenario(job: Job) -> Scenario {
    Scenario::builder(horizon(4, 3600))
        .regions(vec![
            Region::new("east", 1.2, 50.0),
            Region::new("west", 1.1, 60.0),
        ])
        .pools(vec![
            Pool::new("gpu-east", "east", 1.0, 2.0, 1.0),
            Pool::new("gpu-west", "west", 1.0, 3.0, 1.0),
        ])
        .links(vec![
            Link::new("east", "west", 10.0, 0.0),
            Link::new("west", "east", 10.0, 0.0),
        ])
        .jobs(vec![job])
        .build()
}

fn job(work: f64) -> Job {
    Job::new("train", "east", work, hour("04:00"), 2.0)
}

/// A region price of 1.7e308 overflows the cost of a server-hour: the
/// region's price is at fault, not the pool.
#[test]
fn an_overflowing_region_price_blames_the_region() {
    let mut s = scenario(job(1.0));
    s.regions[1].price_usd_per_mwh = 1.7e308.into();
    let e = Problem::new(&s)
        .expect_err("overflow")
        .as_input()
        .cloned()
        .expect("an input error");
    match &e {
        InputError::Overflow { entity, id, what } => {
            assert_eq!(*entity, Entity::Region, "{e}");
            assert_eq!(id, "west");
            assert!(what.contains("price_usd_per_mwh = 1.7e308"), "{what}");
            assert!(what.contains("pool 'gpu-west'"), "{what}");
        }
        other => panic!("expected Overflow, got {other:?}"),
    }
    // A huge power on the pool is the pool's fault.
    let mut s = scenario(job(1.0));
    s.pools[0].power_kw = 1e308;
    let e = Problem::new(&s)
        .expect_err("overflow")
        .as_input()
        .cloned()
        .expect("an input error");
    assert!(
        matches!(&e, InputError::Overflow { entity: Entity::Pool, id, what }
            if id == "gpu-east" && what.contains("power_kw")),
        "{e:?}"
    );
}

/// A release at 03:10 and a deadline at 03:50, in a horizon ending at
/// 04:00: the deadline leaves no whole slot, whatever the horizon.
#[test]
fn a_deadline_inside_the_last_slot_is_blamed_not_the_horizon_end() {
    let s = scenario(
        Job::new("late", "east", 0.1, hour("03:50"), 1.0)
            .release(hour("03:10"))
            .regions(["east"]),
    );
    let p = Problem::new(&s).unwrap();
    let closed = &p.jobs()[0].closed;
    assert_eq!(closed.len(), 1);
    assert!(
        matches!(closed[0].why, ClosedBy::TransferAfterDeadline { .. }),
        "{:?}",
        closed[0].why
    );
    let msg = closed[0].to_string();
    assert!(msg.contains("no whole slot before the deadline"), "{msg}");
    assert!(!msg.contains("horizon end"), "{msg}");
}

/// With the deadline after the horizon end, the horizon end is what
/// closes the window, and the message says so without claiming that the
/// earliest start is after it.
#[test]
fn a_start_in_the_last_slot_with_a_later_deadline_blames_the_horizon_end() {
    let s = scenario(
        Job::new("late", "east", 0.1, hour("06:00"), 1.0)
            .release(hour("03:10"))
            .regions(["east"]),
    );
    let p = Problem::new(&s).unwrap();
    let closed = &p.jobs()[0].closed;
    assert!(matches!(closed[0].why, ClosedBy::StartAfterHorizon { .. }));
    let msg = closed[0].to_string();
    assert!(
        msg.contains("no whole slot before the horizon end"),
        "{msg}"
    );
}

/// A Whole job that would fit split over both regions, but in neither
/// alone, is not blamed on capacity: no single region can finish it.
#[test]
fn a_whole_job_no_region_can_finish_alone_says_so() {
    // 4 server-hours per region, 6 work units.
    let split = Problem::new(&scenario(Job::new("big", "east", 6.0, hour("04:00"), 2.0))).unwrap();
    assert!(Greedy.schedule(&split).is_ok(), "split, it fits");
    let whole = Problem::new(&scenario(
        Job::new("big", "east", 6.0, hour("04:00"), 2.0).whole(),
    ))
    .unwrap();
    let e = Greedy.schedule(&whole).expect_err("whole, it does not");
    let Error::Infeasible(inf) = e else {
        panic!("expected Infeasible, got {e:?}")
    };
    assert_eq!(
        inf.jobs[0].shortfall,
        Shortfall::NoSingleRegion {
            missing_work: 2.0,
            work: 6.0
        }
    );
    let msg = inf.to_string();
    assert!(
        msg.contains("no single allowed region can finish it"),
        "{msg}"
    );
    assert!(!msg.contains("capacity, power caps"), "{msg}");
}

/// A job larger than its windows could ever hold, and a scenario larger
/// than the fleet, are warned about without solving; a feasible scenario
/// gets no warning.
#[test]
fn capacity_warnings_are_certain_and_cheap() {
    // 2 pools × 1 server × 4 hours = 8 work units in all.
    assert_eq!(
        Problem::new(&scenario(job(8.0)))
            .unwrap()
            .capacity_warnings(),
        vec![],
        "8 units fit exactly"
    );
    let p = Problem::new(&scenario(job(9.0))).unwrap();
    assert_eq!(
        p.capacity_warnings(),
        vec![
            CapacityWarning::JobExceedsWindows {
                job: "train".into(),
                work: 9.0,
                most: 8.0
            },
            CapacityWarning::TotalExceedsCapacity {
                work: 9.0,
                capacity: 8.0
            }
        ]
    );
    assert!(Optimal::default().schedule(&p).is_err());
    // Parallelism: one server at a time over 4 hours is 4 units, though
    // the fleet has 8.
    let mut s = scenario(Job::new("narrow", "east", 5.0, hour("04:00"), 0.5));
    s.jobs[0].max_servers = 1.0;
    let p = Problem::new(&s).unwrap();
    assert_eq!(
        p.capacity_warnings(),
        vec![CapacityWarning::JobExceedsWindows {
            job: "narrow".into(),
            work: 5.0,
            most: 4.0
        }]
    );
    assert!(p.capacity_warnings()[0]
        .to_string()
        .contains("job 'narrow'"));
    // Whole: one region's 4 units, not both regions' 8.
    let p = Problem::new(&scenario(
        Job::new("one", "east", 5.0, hour("04:00"), 2.0).whole(),
    ))
    .unwrap();
    assert!(matches!(
        p.capacity_warnings()[..],
        [CapacityWarning::JobExceedsWindows { most, .. }] if most == 4.0
    ));
    assert!(Local.schedule(&p).is_err());
}

/// A job closed in many regions lists the first few and counts the rest,
/// so the message stays short whatever the number of regions.
#[test]
fn a_long_list_of_closed_regions_is_summarised() {
    let mut s = scenario(job(1.0));
    s.links.clear();
    for r in 0..50 {
        let id = format!("far-{r}");
        s.pools
            .push(Pool::new(format!("gpu-{id}"), id.clone(), 1.0, 1.0, 1.0));
        s.regions.push(Region::new(id, 1.0, 1.0));
    }
    s.jobs[0].deadline = hour("00:30"); // closes every region
    let p = Problem::new(&s).unwrap();
    assert_eq!(
        p.jobs()[0].closed.len(),
        52,
        "every region is still recorded"
    );
    let Err(Error::Infeasible(inf)) = Greedy.schedule(&p) else {
        panic!("expected infeasible")
    };
    let msg = inf.to_string();
    assert!(msg.contains("... and 42 more regions"), "{msg}");
    assert_eq!(msg.lines().count(), 1 + 1 + 10 + 1, "{msg}");
}
