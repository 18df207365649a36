//! Unmet work: a job with a price for undone work (`unmet_usd_per_work`)
//! may leave work undone; the plan then costs its cells plus that price
//! times the work left, and an overbooked week gets the best partial plan
//! instead of no plan.

mod common;

use common::*;
use geoshift::{
    evaluate, synth, Assignment, Constraint, Error, Greedy, Job, Link, Local, Optimal, Pool,
    Problem, Region, Scenario, Schedule, Scheduler,
};
use proptest::prelude::*;

/// One region, one pool of `servers` servers at `rent` $/h (no energy
/// price), two 1-hour slots, one Split job of `work` units, up to 1 server.
fn one_pool(servers: f64, rent: f64, work: f64, unmet: Option<f64>) -> Scenario {
    let mut job = Job::new("train", "home", work, at("2026-06-01T02:00:00Z"), 1.0);
    if let Some(usd) = unmet {
        job = job.unmet_usd_per_work(usd);
    }
    Scenario::builder(horizon(2, 3600))
        .regions(vec![Region::new("home", 1.0, 0.0)])
        .pools(vec![Pool::new("gpu", "home", servers, rent, 1.0)])
        .jobs(vec![job])
        .build()
}

#[test]
fn an_overbooked_job_without_a_price_has_no_plan() {
    // 3 work units, but 1 server × 2 hours holds 2.
    let s = one_pool(1.0, 1.0, 3.0, None);
    for scheduler in [&Optimal::default() as &dyn Scheduler, &Greedy, &Local] {
        match run(&s, scheduler) {
            Err(Error::Infeasible(inf)) => assert_eq!(inf.jobs[0].job, "train"),
            other => panic!("{}: expected Infeasible, got {other:?}", scheduler.name()),
        }
    }
}

#[test]
fn with_a_price_the_overbooked_job_does_what_fits_and_pays_for_the_rest() {
    // 2 server-hours at 1 $ (each does 1 unit) and 1 unit undone at 10 $:
    // total 2 + 10 = 12, every scheduler alike.
    let s = one_pool(1.0, 1.0, 3.0, Some(10.0));
    for scheduler in [&Optimal::default() as &dyn Scheduler, &Greedy, &Local] {
        let r = report(&s, scheduler);
        close("total", r.total_usd, 12.0, LP);
        close("rent", r.rent_usd, 2.0, LP);
        close("unmet", r.unmet_usd, 10.0, LP);
        let j = r.job("train").unwrap();
        close("unmet work", j.unmet_work, 1.0, LP);
        close("job cost", j.cost_usd, 12.0, LP);
        close(
            "breakdown",
            r.rent_usd + r.energy_usd + r.carbon_usd + r.egress_usd + r.unmet_usd,
            r.total_usd,
            EXACT,
        );
    }
}

#[test]
fn work_dearer_than_its_price_is_left_undone_by_the_optimum() {
    // 5 $ per work unit to do, 2 $ per unit to leave: the optimum and
    // Greedy leave all 1.5 units (3 $); Local, which runs everything at
    // home, pays 7.5 $.
    let s = one_pool(1.0, 5.0, 1.5, Some(2.0));
    for scheduler in [&Optimal::default() as &dyn Scheduler, &Greedy] {
        let r = report(&s, scheduler);
        close("total", r.total_usd, 3.0, LP);
        let j = r.job("train").unwrap();
        assert!(
            j.regions.is_empty(),
            "{}: {:?}",
            scheduler.name(),
            j.regions
        );
        assert_eq!(r.assignments.len(), 0);
    }
    close("local", report(&s, &Local).total_usd, 7.5, EXACT);
}

/// Two regions, each with one pool of 1 server at 1 $/h; `away` is reached
/// over a link of 20 $ egress for the job's 1 GB of input. The job is
/// Whole, 3 work units, up to 2 servers, deadline 02:00. Home holds 2
/// units; away 1 (the input takes 8 s, so `away` is eligible in slot 1
/// only).
fn whole(unmet: f64, home_servers: f64) -> Scenario {
    Scenario::builder(horizon(2, 3600))
        .regions(vec![
            Region::new("home", 1.0, 0.0),
            Region::new("away", 1.0, 0.0),
        ])
        .pools(vec![
            Pool::new("home-gpu", "home", home_servers, 1.0, 1.0),
            Pool::new("away-gpu", "away", 1.0, 1.0, 1.0),
        ])
        .links(vec![Link::new("home", "away", 100.0, 20.0)])
        .jobs(vec![Job::new(
            "big",
            "home",
            3.0,
            at("2026-06-01T02:00:00Z"),
            2.0,
        )
        .data(1.0, 0.0)
        .whole()
        .unmet_usd_per_work(unmet)])
        .build()
}

#[test]
fn a_whole_job_that_may_fall_short_keeps_one_region_or_none() {
    // Price 10: home does 2 units (2 $) and leaves 1 (10 $) = 12; away
    // would cost 1 + 20 egress + 2 × 10 = 41; none, 30. Home wins.
    let r = report(&whole(10.0, 1.0), &Optimal::default());
    close("total", r.total_usd, 12.0, LP);
    assert_eq!(regions_of(&r, "big"), ["home"]);
    // Home closed (0 servers): away 1 + 20 + 2 × 10 = 41 against none 30:
    // none.
    let r = report(&whole(10.0, 0.0), &Optimal::default());
    close("total, none", r.total_usd, 30.0, LP);
    assert!(r.job("big").unwrap().regions.is_empty());
    assert_eq!(r.egress_usd, 0.0);
    // Price 30: away (1 + 20 + 2 × 30 = 81) against none (90): away, with
    // the egress paid in full for part of the work.
    let r = report(&whole(30.0, 0.0), &Optimal::default());
    close("total, away", r.total_usd, 81.0, LP);
    close("egress", r.egress_usd, 20.0, LP);
    assert_eq!(regions_of(&r, "big"), ["away"]);
    // Greedy weighs the same three options here.
    close(
        "greedy",
        report(&whole(30.0, 0.0), &Greedy).total_usd,
        81.0,
        EXACT,
    );
    close(
        "greedy none",
        report(&whole(10.0, 0.0), &Greedy).total_usd,
        30.0,
        EXACT,
    );
}

#[test]
fn a_job_with_a_price_gives_way_to_one_without() {
    // 1 server × 2 h; "must" (no price) needs 2 units, "may" (10 $) 2
    // units: "must" gets both hours, "may" is left undone (20 $).
    let s = Scenario::builder(horizon(2, 3600))
        .regions(vec![Region::new("home", 1.0, 0.0)])
        .pools(vec![Pool::new("gpu", "home", 1.0, 1.0, 1.0)])
        .jobs(vec![
            Job::new("may", "home", 2.0, at("2026-06-01T02:00:00Z"), 1.0).unmet_usd_per_work(10.0),
            Job::new("must", "home", 2.0, at("2026-06-01T02:00:00Z"), 1.0),
        ])
        .build();
    let r = report(&s, &Optimal::default());
    close("total", r.total_usd, 22.0, LP);
    close("may undone", r.job("may").unwrap().unmet_work, 2.0, LP);
    assert_eq!(r.job("must").unwrap().unmet_work, 0.0);
    // With 1 more unit for "must" there is no plan, and the diagnosis
    // names "must" only: "may" is never why.
    let mut s = s;
    s.jobs[1].work = 3.0;
    match run(&s, &Optimal::default()) {
        Err(Error::Infeasible(inf)) => {
            let jobs: Vec<&str> = inf.jobs.iter().map(|u| u.job.as_str()).collect();
            assert_eq!(jobs, ["must"]);
        }
        other => panic!("expected Infeasible, got {other:?}"),
    }
}

#[test]
fn a_job_with_no_eligible_slot_is_left_undone_at_its_price() {
    // "far" has no link from home: the job's only region is unreachable.
    let s = Scenario::builder(horizon(2, 3600))
        .regions(vec![
            Region::new("home", 1.0, 0.0),
            Region::new("far", 1.0, 0.0),
        ])
        .pools(vec![
            Pool::new("home-gpu", "home", 1.0, 1.0, 1.0),
            Pool::new("far-gpu", "far", 1.0, 1.0, 1.0),
        ])
        .jobs(vec![
            Job::new("stuck", "home", 2.0, at("2026-06-01T02:00:00Z"), 1.0)
                .data(1.0, 0.0)
                .regions(["far"])
                .unmet_usd_per_work(7.0),
            Job::new("fine", "home", 1.0, at("2026-06-01T02:00:00Z"), 1.0),
        ])
        .build();
    for scheduler in [&Optimal::default() as &dyn Scheduler, &Greedy, &Local] {
        let r = report(&s, scheduler);
        close("total", r.total_usd, 14.0 + 1.0, LP);
        close(
            "stuck undone",
            r.job("stuck").unwrap().unmet_work,
            2.0,
            EXACT,
        );
    }
}

#[test]
fn the_evaluator_prices_a_shortfall_only_where_there_is_a_price() {
    let row = |h: f64| Assignment {
        job: 0,
        pool: 0,
        slot: 0,
        server_hours: h,
    };
    let with = Problem::new(&one_pool(1.0, 1.0, 2.0, Some(4.0))).unwrap();
    let without = Problem::new(&one_pool(1.0, 1.0, 2.0, None)).unwrap();
    // Half the work: 1 $ of rent and 1 unit at 4 $.
    let half = Schedule::new(vec![row(1.0)]);
    let r = evaluate(&with, "hand", &half).unwrap();
    close("total", r.total_usd, 5.0, EXACT);
    let e = evaluate(&without, "hand", &half).unwrap_err();
    let e = e.as_violation().expect("a broken rule");
    assert_eq!(e.constraint, Constraint::Work);
    // More work than the job has is wrong with a price too.
    let small = Problem::new(&one_pool(1.0, 1.0, 1.5, Some(4.0))).unwrap();
    let more = Schedule::new(vec![
        row(1.0),
        Assignment {
            slot: 1,
            ..row(1.0)
        },
    ]);
    assert_eq!(
        evaluate(&small, "hand", &more)
            .unwrap_err()
            .as_violation()
            .expect("a broken rule")
            .constraint,
        Constraint::Work
    );
    // Nothing at all: the whole job at its price.
    let none = evaluate(&with, "hand", &Schedule::new(vec![])).unwrap();
    close("none", none.total_usd, 8.0, EXACT);
    let j = none.job("train").unwrap();
    assert!(j.regions.is_empty() && j.start == j.end);
}

#[test]
fn a_price_outside_the_supported_range_is_an_input_error() {
    for bad in [-1.0, f64::NAN, f64::INFINITY, 2e6] {
        let e = Problem::new(&one_pool(1.0, 1.0, 1.0, Some(bad))).unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("train") && text.contains("unmet_usd_per_work"),
            "{bad}: {text}"
        );
    }
    assert!(Problem::new(&one_pool(1.0, 1.0, 1.0, Some(0.0))).is_ok());
}

#[test]
fn the_price_round_trips_through_json() {
    let s = one_pool(1.0, 1.0, 3.0, Some(12.5));
    let json = s.to_json();
    assert!(json.contains("\"unmet_usd_per_work\": 12.5"), "{json}");
    assert_eq!(Scenario::from_json(&json).unwrap(), s);
    // Absent, it is not written.
    assert!(!one_pool(1.0, 1.0, 3.0, None).to_json().contains("unmet"));
}

/// A generated scenario, overbooked (contention above 1), with every job
/// priced at `usd` per work unit.
fn overbooked(seed: u64, whole_share: f64, contention: f64, usd: f64) -> Scenario {
    let mut s = synth::generate(&synth::Params {
        jobs: 6,
        regions: 3,
        slots: 8,
        pools_per_region: 2,
        whole_share,
        power_caps: seed.is_multiple_of(2),
        contention,
        seed,
    });
    for job in &mut s.jobs {
        job.unmet_usd_per_work = Some(usd);
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Every plan passes the evaluator, its breakdown adds up, and the
    /// optimum (microlp, exact on these sizes) is never dearer than a
    /// heuristic nor below its own bound.
    #[test]
    fn overbooked_plans_are_valid_and_the_optimum_is_least(
        seed in 0u64..1000,
        whole in prop_oneof![Just(0.0), Just(0.5)],
        contention in 0.5f64..2.0,
        usd in 0.5f64..50.0,
    ) {
        let s = overbooked(seed, whole, contention, usd);
        let p = Problem::new(&s).unwrap();
        let solution = Optimal::new(geoshift::Backend::Microlp).solve(&p).unwrap();
        let opt = evaluate(&p, "optimal", &solution.schedule).unwrap();
        prop_assert!(opt.bound_usd.unwrap() <= opt.total_usd * (1.0 + 1e-9) + 1e-9);
        for r in [&opt]
            .into_iter()
            .chain(&[report(&s, &Greedy), report(&s, &Local)])
        {
            let parts = r.rent_usd + r.energy_usd + r.carbon_usd + r.egress_usd + r.unmet_usd;
            prop_assert!((parts - r.total_usd).abs() <= 1e-9 * r.total_usd.abs().max(1.0));
            let unmet: f64 = r.jobs.iter().map(|j| j.unmet_work).sum();
            prop_assert!((r.unmet_usd - usd * unmet).abs() <= 1e-9 * r.unmet_usd.max(1.0));
            prop_assert!(
                opt.total_usd <= r.total_usd * (1.0 + 1e-6) + 1e-6,
                "optimal {} > {} {}", opt.total_usd, r.scheduler, r.total_usd
            );
        }
    }

    /// A dearer price of undone work never lowers the optimum, and never
    /// leaves more work undone.
    #[test]
    fn a_dearer_price_never_lowers_the_optimum(
        seed in 0u64..1000,
        contention in 0.5f64..2.0,
        usd in 0.5f64..20.0,
    ) {
        let solve = |usd: f64| {
            let s = overbooked(seed, 0.0, contention, usd);
            report(&s, &Optimal::new(geoshift::Backend::Microlp))
        };
        let (cheap, dear) = (solve(usd), solve(usd * 2.0));
        prop_assert!(dear.total_usd >= cheap.total_usd * (1.0 - 1e-7) - 1e-7);
        let undone = |r: &geoshift::Report| r.jobs.iter().map(|j| j.unmet_work).sum::<f64>();
        prop_assert!(undone(&dear) <= undone(&cheap) * (1.0 + 1e-6) + 1e-6);
    }
}

#[test]
fn an_overbooked_generated_week_leaves_work_undone_on_every_backend() {
    // Twice the work the fleet can do: the optimum must leave some undone,
    // and every solver compiled in agrees on its total.
    let s = overbooked(1, 0.0, 2.0, 50.0);
    let p = Problem::new(&s).unwrap();
    let mut totals = Vec::new();
    for &backend in geoshift::Backend::available() {
        let r = evaluate(&p, "optimal", &Optimal::new(backend).schedule(&p).unwrap()).unwrap();
        let undone: f64 = r.jobs.iter().map(|j| j.unmet_work).sum();
        assert!(undone > 0.0, "{backend}: nothing undone");
        totals.push((backend, r.total_usd));
    }
    for &(backend, total) in &totals {
        close(&format!("{backend}"), total, totals[0].1, LP);
    }
}

#[test]
fn column_generation_gives_the_same_overbooked_optimum() {
    use geoshift::{Backend, ColumnGeneration};
    let backends: Vec<Backend> = Backend::available()
        .iter()
        .copied()
        .filter(|&b| b == Backend::Clarabel || b.name() == "highs")
        .collect();
    for seed in [3, 4] {
        let s = overbooked(seed, 0.0, 1.6, 20.0);
        let p = Problem::new(&s).unwrap();
        for &backend in &backends {
            let total = |cg| {
                let o = Optimal::new(backend).column_generation(cg);
                evaluate(&p, "optimal", &o.schedule(&p).unwrap())
                    .unwrap()
                    .total_usd
            };
            let (sifted, whole) = (
                total(ColumnGeneration::Always),
                total(ColumnGeneration::Never),
            );
            close(&format!("{backend} seed {seed}"), sifted, whole, LP);
        }
    }
}

#[test]
fn unmet_work_is_what_the_derated_servers_leave() {
    // Interrupted 0.2 times an hour, checkpoints every hour, half an hour
    // to restart: each server-hour does 1 - 0.2 × (0.5 + 0.5) = 0.8 units.
    // 1 server × 2 h does 1.6 of 2 units; 0.4 are left at 10 $: 2 $ of
    // rent + 4 $ = 6 $.
    let s = Scenario::builder(horizon(2, 3600))
        .regions(vec![Region::new("home", 1.0, 0.0)])
        .pools(vec![
            Pool::new("spot", "home", 1.0, 1.0, 1.0).interruption_rate_per_hour(0.2)
        ])
        .jobs(vec![Job::new(
            "train",
            "home",
            2.0,
            at("2026-06-01T02:00:00Z"),
            1.0,
        )
        .checkpoints(1.0, 0.5)
        .unmet_usd_per_work(10.0)])
        .build();
    for scheduler in [&Optimal::default() as &dyn Scheduler, &Greedy, &Local] {
        let r = report(&s, scheduler);
        close("total", r.total_usd, 6.0, LP);
        close("unmet work", r.job("train").unwrap().unmet_work, 0.4, LP);
    }
}

#[test]
fn caps_and_budgets_count_unmet_work_as_emitting_nothing() {
    // One 1 kW server at 1 $/h for two hours, 500 g/kWh: 0.0005 t a
    // server-hour. 2 units of work at 10 $ a unit left undone. Doing x
    // units costs x + 10 (2 - x) = 20 - 9x and emits 0.0005 x.
    let s = Scenario::builder(horizon(2, 3600))
        .regions(vec![Region::new("home", 1.0, 0.0).carbon(500.0)])
        .pools(vec![Pool::new("gpu", "home", 1.0, 1.0, 1.0)])
        .jobs(vec![Job::new(
            "train",
            "home",
            2.0,
            at("2026-06-01T02:00:00Z"),
            1.0,
        )
        .unmet_usd_per_work(10.0)])
        .build();
    // A cap of 0.0005 t allows x <= 1: least cost 20 - 9 = 11.
    let r = report(&s, &Optimal::default().emissions_cap(0.0005));
    close("capped total", r.total_usd, 11.0, LP);
    close("capped unmet", r.job("train").unwrap().unmet_work, 1.0, LP);
    // A budget of 12 $ needs 20 - 9x <= 12, x >= 8/9: least emissions
    // 0.0005 × 8/9, and the unmet price counts in the budget.
    let r = report(&s, &Optimal::default().budget(12.0));
    close("budget total", r.total_usd, 12.0, LP);
    close("budget emissions", r.emissions_t, 0.0005 * 8.0 / 9.0, LP);
}
