//! The memory budget counts each solver's own memory and every problem a
//! command holds (issue 25), measured with a counting allocator (the
//! bytes asked for, so the checks are deterministic): a model no solver
//! can take within the budget is refused before it is built, column
//! generation's calls stay within what the budget leaves, and a sweep
//! counts its base problem beside each point's.
//!
//! The shapes are those of the issue's reproducers (one region, eight
//! one-server pools, one-minute slots, jobs of one work unit), smaller,
//! against a budget made as much smaller. One test function runs every
//! measurement in turn: the allocator counts the whole process, so
//! concurrent tests would blur the figures.

mod counting;

use counting::peak;
use geoshift::{
    Backend, Error, Optimal, Problem, Scenario, StopReason, Sweep, SweepAxis, TooLarge,
};

const MIB: usize = 1 << 20;

/// `jobs` jobs of one work unit over eight one-server pools of one
/// region, `slots` one-minute slots: the issue's reproducers
/// (`oom_4jobs_8pools_800k_slots.json` is `repro(4, 800_000)`).
fn repro(jobs: usize, slots: usize) -> Problem {
    let pools: Vec<String> = (0..8)
        .map(|k| {
            format!(
                r#"{{"id": "p{k}", "region": "r0", "servers": 1, "rent_usd_per_hour": {}, "power_kw": 1.0}}"#,
                1.0 + 0.01 * k as f64
            )
        })
        .collect();
    let jobs: Vec<String> = (0..jobs)
        .map(|j| {
            format!(
                r#"{{"id": "j{j}", "origin": "r0", "work": 1.0, "deadline": "2036-06-08T00:00:00Z", "max_servers": 1}}"#
            )
        })
        .collect();
    let json = format!(
        r#"{{"horizon": {{"start": "2026-06-01T00:00:00Z", "slot_seconds": 60, "slots": {slots}}},
            "regions": [{{"id": "r0", "pue": 1.0, "price_usd_per_mwh": 10.0}}],
            "pools": [{}], "links": [], "jobs": [{}]}}"#,
        pools.join(", "),
        jobs.join(", ")
    );
    Problem::new(&Scenario::from_json(&json).unwrap()).unwrap()
}

fn too_large(r: Result<impl std::fmt::Debug, Error>) -> TooLarge {
    match r {
        Err(Error::TooLarge(t)) => t,
        other => panic!("expected TooLarge, got {other:?}"),
    }
}

#[test]
fn the_budget_counts_solvers_and_held_problems() {
    // 1. microlp (no column generation) on a model whose engine copy fits
    //    the budget but whose solver copy does not: refused before the
    //    model is built (as `microlp_builds_then_refuses_2500k.json`,
    //    which built 2.7 GiB for 6 s before refusing).
    let p = repro(4, 25_000); // 800 k columns
    let budget = 256 * MIB;
    let microlp = Optimal::new(Backend::Microlp).memory_budget(budget);
    let (r, bytes) = peak(|| microlp.solve(&p));
    let t = too_large(r);
    assert_eq!(t.budget_bytes, budget);
    assert!(t.estimate_bytes > budget, "{t:?}");
    assert!(bytes < MIB, "refusing took {bytes} bytes");
    // The check alone says the same, and builds nothing either.
    let (r, bytes) = peak(|| microlp.check_memory(&p));
    too_large(r);
    assert!(bytes < MIB, "checking took {bytes} bytes");

    // 2. Clarabel solves it by column generation, each call within what
    //    the budget leaves beside the problem and the model (the second
    //    round asked for 200 k columns at once before, about 350 MiB in
    //    Clarabel alone): the whole solve keeps the budget.
    #[cfg(feature = "clarabel")]
    {
        let clarabel = Optimal::new(Backend::Clarabel).memory_budget(budget);
        clarabel.check_memory(&p).expect("column generation fits");
        let (r, bytes) = peak(|| clarabel.solve(&p));
        let s = r.expect("a plan within the budget");
        assert!(
            (s.report.total_usd - 4.04).abs() < 1e-6,
            "{}",
            s.report.total_usd
        );
        assert!(
            matches!(s.proof.stopped, None | Some(StopReason::MemoryBudget)),
            "{:?}",
            s.proof.stopped
        );
        let problem = Problem::estimate_bytes(p.scenario());
        eprintln!(
            "clarabel: {} MiB + the problem's {} MiB",
            bytes / MIB,
            problem / MIB
        );
        assert!(
            bytes + problem <= budget,
            "clarabel: {} MiB and the problem's {} MiB against {} MiB",
            bytes / MIB,
            problem / MIB,
            budget / MIB
        );
    }

    // 3. A sweep holds its base problem beside each point's: one problem
    //    and its model fit the budget, two and the model do not. Refused
    //    before any point's problem is built (as
    //    `risk_sweep_over_budget_3m_slots.json`, which peaked at 4.4 GiB
    //    against 4 GiB).
    let p = repro(1, 20_000); // 160 k columns
    let one = Problem::estimate_bytes(p.scenario());
    // The least budget that one problem, its model and a call fit (the
    // check builds nothing: a search over it is cheap).
    let fits = |b: usize| {
        Optimal::new(Backend::Auto)
            .memory_budget(b)
            .check_memory(&p)
            .is_ok()
    };
    let (mut lo, mut hi) = (one, 1 << 40);
    assert!(fits(hi) && !fits(lo));
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if fits(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    let budget = hi;
    let optimal = Optimal::new(Backend::Auto).memory_budget(budget);
    optimal.check_memory(&p).expect("one problem fits");
    too_large(optimal.holding(one).check_memory(&p));
    let (r, bytes) = peak(|| {
        Sweep::new(SweepAxis::CarbonPrice(vec![0.0, 10.0]))
            .optimal(Optimal::new(Backend::Auto).memory_budget(budget))
            .run(&p)
    });
    too_large(r);
    assert!(bytes < MIB, "refusing the sweep took {bytes} bytes");
}
