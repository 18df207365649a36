//! Memory bounded by what the work needs (issue 8, item 1), measured with
//! a counting allocator: the bytes asked for, not the time taken, so the
//! checks are deterministic. Small files that describe huge products
//! (jobs × regions, jobs × slots) are refused or handled without
//! allocating the product; the heuristics and the evaluator need a few
//! bytes per cell of the problem, not per job × slot.
//!
//! One test function runs every measurement in turn: the allocator counts
//! the whole process, so concurrent tests would blur the figures.

mod common;
mod counting;

use common::{at, horizon};
use counting::peak;
use geoshift::{
    evaluate, Error, Greedy, InputError, Job, Local, Pool, Problem, Region, Scenario, Scheduler,
    MAX_ID_BYTES, MAX_JOB_REGIONS,
};

/// One region with `pools` pools over `slots` one-minute slots.
fn long_horizon(pools: usize, slots: usize, jobs: Vec<Job>) -> Scenario {
    Scenario::builder(horizon(slots, 60))
        .regions(vec![Region::new("home", 1.1, 30.0).power_cap(1e6)])
        .pools((0..pools).map(|k| Pool::new(format!("p{k}"), "home", 2.0, 1.0 + k as f64, 1.0)))
        .jobs(jobs)
        .build()
}

#[test]
fn memory_is_bounded_by_the_work() {
    // 1. 10,000 regions × 10,000 jobs allowed everywhere: 1e8 pairs from a
    //    1.5 MB file. Refused before anything per pair is allocated.
    let many = Scenario::builder(horizon(1, 3600))
        .regions((0..10_000).map(|r| Region::new(format!("r{r}"), 1.0, 1.0)))
        .jobs(
            (0..10_000)
                .map(|j| Job::new(format!("j{j}"), "r0", 1.0, at("2026-06-01T01:00:00Z"), 1.0)),
        )
        .build();
    let (result, bytes) = peak(|| Problem::new(&many));
    match result {
        Err(geoshift::Error::Input(InputError::TooLarge { what, value, max })) => {
            assert_eq!(what, "jobs × allowed regions");
            assert_eq!((value, max), (100_000_000, MAX_JOB_REGIONS));
        }
        other => panic!("expected TooLarge, got {other:?}"),
    }
    assert!(bytes < 4 << 20, "refusing took {bytes} bytes");

    // 2. A long id is refused: it would be copied into every closed
    //    region of every job.
    let mut long = many.clone();
    long.jobs.truncate(1);
    long.regions.truncate(2);
    long.regions[1].id = "x".repeat(MAX_ID_BYTES + 1);
    let e = Problem::new(&long)
        .expect_err("id too long")
        .as_input()
        .cloned()
        .expect("an input error");
    assert!(
        matches!(&e, InputError::IdTooLong { bytes, .. } if *bytes == MAX_ID_BYTES + 1),
        "{e:?}"
    );
    assert!(e.to_string().len() < 300, "{e}");

    // 3. Greedy over 8 pools × 400,000 slots with one job: it sorts every
    //    cell, at 16 bytes a cell, plus the ledger's 8 and the job's
    //    parallelism per slot (26 in all; main took over 50).
    let (pools, slots) = (8, 400_000);
    let deadline = at("2026-06-01T00:00:00Z") + chrono::Duration::minutes(slots as i64);
    let s = long_horizon(
        pools,
        slots,
        vec![Job::new("j", "home", 1000.0, deadline, 4.0)],
    );
    let p = Problem::new(&s).unwrap();
    let cells = pools * slots;
    let (schedule, bytes) = peak(|| Greedy.schedule(&p));
    eprintln!("greedy: {bytes} bytes for {cells} cells");
    let schedule = schedule.expect("greedy finishes");
    assert!(
        bytes <= 28 * cells,
        "greedy: {bytes} bytes for {cells} cells ({} a cell)",
        bytes / cells
    );
    evaluate(&p, "greedy", &schedule).expect("valid");

    // 4. Local sorts one slot's pools at a time: the ledger and the rows.
    let (schedule, bytes) = peak(|| Local.schedule(&p));
    eprintln!("local: {bytes} bytes for {cells} cells");
    schedule.expect("local finishes");
    assert!(
        bytes <= 12 * cells,
        "local: {bytes} bytes for {cells} cells ({} a cell)",
        bytes / cells
    );

    // 5. 2,000 short jobs over 400,000 slots: the evaluator allocates per
    //    pool-slot and per row, not per job × slot (main: 6.4 GB).
    let jobs: Vec<Job> = (0..2_000)
        .map(|j| {
            let release = at("2026-06-01T00:00:00Z") + chrono::Duration::minutes(j * 100);
            Job::new(
                format!("j{j}"),
                "home",
                0.05,
                release + chrono::Duration::minutes(3),
                2.0,
            )
            .release(release)
        })
        .collect();
    let s = long_horizon(1, slots, jobs);
    let p = Problem::new(&s).unwrap();
    let schedule = Greedy.schedule(&p).expect("greedy finishes");
    let (report, bytes) = peak(|| evaluate(&p, "greedy", &schedule));
    eprintln!(
        "evaluate: {bytes} bytes for {slots} slots, {} rows",
        schedule.assignments.len()
    );
    report.expect("valid");
    assert!(
        bytes <= 24 * slots + 1_000 * schedule.assignments.len(),
        "evaluate: {bytes} bytes for {slots} slots and {} rows",
        schedule.assignments.len()
    );

    // 6. Messages stay short however many jobs fail.
    let mut s = long_horizon(1, 10, vec![]);
    s.pools[0].servers = 0.0.into();
    s.jobs = (0..5_000)
        .map(|j| {
            Job::new(
                format!("j{j}"),
                "home",
                1.0,
                at("2026-06-01T00:10:00Z"),
                1.0,
            )
        })
        .collect();
    let p = Problem::new(&s).unwrap();
    let Err(Error::Infeasible(inf)) = Greedy.schedule(&p) else {
        panic!("expected infeasible")
    };
    assert_eq!(inf.jobs.len(), 5_000, "every job is still in the error");
    let msg = inf.to_string();
    assert!(msg.contains("... and 4990 more jobs"), "{msg}");
    assert!(msg.len() < 2_000, "{} bytes", msg.len());
}
