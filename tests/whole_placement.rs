//! `Whole` placement: all of a job's work runs in one region (docs/MODEL.md
//! constraint 5), so its optimum can be dearer than that of a `Split` copy
//! of the same job, and its egress `D * e(o->r) + O * e(r->o)` is paid in
//! full in the region it runs in.

mod common;

use common::*;
use geoshift::{Greedy, Job, Link, Local, Optimal, Pool, Region, Scenario, Scheduler};

/// Three 1-hour slots; both regions pue 1, 3 servers of 1 kW each.
///   home-gpu: rent 3, price [0, 0, 1000]: 3, 3, 3 + 1 * 1000 / 1000 = 4
///   away-gpu: rent 1, price [0, 0, 1500]: 1, 1, 1 + 1 * 1500 / 1000 = 2.5
/// Links of 100 Gbit/s: egress 0.5 $/GB out, 0.25 $/GB back.
/// The job: origin home, 6 work units, 10 GB in, 4 GB out, at most 3
/// servers, due 03:00. tau = 10 * 8 / 100 = 0.8 s, so away is eligible in
/// slots 1 and 2 only. Egress of running away:
///   10 GB * 0.5 + 4 GB * 0.25 = 5 + 1 = 6 $ (1 $ per work unit).
fn scenario(job: Job) -> Scenario {
    Scenario::builder(horizon(3, 3600))
        .regions(vec![
            Region::new("home", 1.0, vec![0.0, 0.0, 1000.0]),
            Region::new("away", 1.0, vec![0.0, 0.0, 1500.0]),
        ])
        .pools(vec![
            Pool::new("home-gpu", "home", 3.0, 3.0, 1.0),
            Pool::new("away-gpu", "away", 3.0, 1.0, 1.0),
        ])
        .links(vec![
            Link::new("home", "away", 100.0, 0.5),
            Link::new("away", "home", 100.0, 0.25),
        ])
        .jobs(vec![job])
        .build()
}

fn job() -> Job {
    Job::new("train", "home", 6.0, at("2026-06-01T03:00:00Z"), 3.0).data(10.0, 4.0)
}

/// The Whole optimum: all in away, slots 1 and 2.
///   rent   = 6 server-hours * 1 = 6
///   energy = 3 server-hours in slot 2 * 1 kW * 1500 / 1000 = 4.5
///   egress = 6 (in full: all of D out and all of O back)
///   total  = 3 * 1 + 3 * 2.5 + 6 = 16.5
///   MWh    = 6 * 1 kW / 1000 = 0.006
/// Home alone would cost 3 * 3 (s0) + 3 * 3 (s1) = 18 > 16.5.
const WHOLE_AWAY: Totals = Totals {
    total_usd: 16.5,
    rent_usd: 6.0,
    energy_usd: 4.5,
    carbon_usd: 0.0,
    egress_usd: 6.0,
    energy_mwh: 0.006,
    emissions_t: 0.0,
};

#[test]
fn a_split_job_mixes_regions() {
    // Per work unit, with egress 1 $ per unit away:
    //   away s1: 1 + 1 = 2; home s0, s1: 3; away s2: 2.5 + 1 = 3.5; home s2: 4.
    // Away s1 takes 3 (its capacity, and the job's 3 servers in slot 1);
    // the other 3 go to home s0 (slot 1 is full at 3 servers).
    let s = scenario(job());
    for (scheduler, tol) in [
        (&Optimal::default() as &dyn Scheduler, LP),
        (&Greedy, EXACT),
    ] {
        let r = report(&s, scheduler);
        assert_placement(
            &r,
            &[("train", "home-gpu", 0, 3.0), ("train", "away-gpu", 1, 3.0)],
            tol,
        );
        assert_eq!(regions_of(&r, "train"), ["home", "away"]);
        // rent   = 3 * 3 + 3 * 1 = 12, energy = 0 (slots 0 and 1 are free)
        // egress = 3 of 6 units away: 3 / 6 * 6 = 3
        // total  = 12 + 3 = 15
        assert_totals(
            &r,
            Totals {
                total_usd: 15.0,
                rent_usd: 12.0,
                energy_usd: 0.0,
                carbon_usd: 0.0,
                egress_usd: 3.0,
                energy_mwh: 0.006,
                emissions_t: 0.0,
            },
            tol,
        );
    }
}

#[test]
fn a_whole_job_stays_in_one_region_and_pays_all_its_egress() {
    // The same job, Whole: it may not mix, so the optimum is 16.5 (all
    // away), not the 15 of the Split copy.
    let s = scenario(job().whole());
    for (scheduler, tol) in [
        (&Optimal::default() as &dyn Scheduler, LP),
        (&Greedy, EXACT),
    ] {
        let r = report(&s, scheduler);
        assert_placement(
            &r,
            &[("train", "away-gpu", 1, 3.0), ("train", "away-gpu", 2, 3.0)],
            tol,
        );
        assert_eq!(regions_of(&r, "train"), ["away"]);
        assert_totals(&r, WHOLE_AWAY, tol);
        close("job egress", r.jobs[0].egress_usd, 6.0, tol);
        assert_eq!((r.jobs[0].first_slot, r.jobs[0].last_slot), (1, 2));
    }
    // Local: home, as soon as possible: 3 in slot 0 and 3 in slot 1, at 3.
    // rent 18, nothing else.
    let r = report(&s, &Local);
    assert_placement(
        &r,
        &[("train", "home-gpu", 0, 3.0), ("train", "home-gpu", 1, 3.0)],
        EXACT,
    );
    assert_totals(
        &r,
        Totals {
            total_usd: 18.0,
            rent_usd: 18.0,
            energy_usd: 0.0,
            carbon_usd: 0.0,
            egress_usd: 0.0,
            energy_mwh: 0.006,
            emissions_t: 0.0,
        },
        EXACT,
    );
}

#[test]
fn a_whole_job_with_one_allowed_region_pays_all_its_egress() {
    // Only away is allowed (one region: no region choice to make). Same
    // plan and cost as the Whole optimum above.
    let s = scenario(job().whole().regions(["away"]));
    let r = report(&s, &Optimal::default());
    assert_placement(
        &r,
        &[("train", "away-gpu", 1, 3.0), ("train", "away-gpu", 2, 3.0)],
        LP,
    );
    assert_totals(&r, WHOLE_AWAY, LP);
}

#[test]
fn whole_jobs_compete_for_the_cheap_region() {
    // One 1-hour slot, no data, no energy. home: 10 servers at 3 $;
    // away: 4 servers at 1 $. Both jobs Whole, same deadline: `small`
    // (2 units) comes first in the file, then `big` (4 units).
    // Away cannot hold both (2 + 4 > 4).
    //   big away, small home:  4 * 1 + 2 * 3 = 10  (the optimum)
    //   small away, big home:  2 * 1 + 4 * 3 = 14
    let deadline = at("2026-06-01T01:00:00Z");
    let s = Scenario::builder(horizon(1, 3600))
        .regions(vec![
            Region::new("home", 1.0, 0.0),
            Region::new("away", 1.0, 0.0),
        ])
        .pools(vec![
            Pool::new("home-gpu", "home", 10.0, 3.0, 0.0),
            Pool::new("away-gpu", "away", 4.0, 1.0, 0.0),
        ])
        .links(vec![Link::new("home", "away", 10.0, 0.0)])
        .jobs(vec![
            Job::new("small", "home", 2.0, deadline, 4.0).whole(),
            Job::new("big", "home", 4.0, deadline, 4.0).whole(),
        ])
        .build();
    let rent = |usd: f64| Totals {
        total_usd: usd,
        rent_usd: usd,
        energy_usd: 0.0,
        carbon_usd: 0.0,
        egress_usd: 0.0,
        energy_mwh: 0.0,
        emissions_t: 0.0,
    };
    let r = report(&s, &Optimal::default());
    assert_placement(
        &r,
        &[("big", "away-gpu", 0, 4.0), ("small", "home-gpu", 0, 2.0)],
        LP,
    );
    assert_totals(&r, rent(10.0), LP);
    close("big", r.jobs[1].cost_usd, 4.0, LP);
    close("small", r.jobs[0].cost_usd, 6.0, LP);

    // Greedy places `small` first (file order breaks the deadline tie),
    // takes away for it (2 < 6), then `big` cannot finish in away's 2
    // remaining server-hours and goes home: 14.
    let r = report(&s, &Greedy);
    assert_placement(
        &r,
        &[("small", "away-gpu", 0, 2.0), ("big", "home-gpu", 0, 4.0)],
        EXACT,
    );
    assert_totals(&r, rent(14.0), EXACT);
}
