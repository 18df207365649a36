//! geoshift as a dispatcher service would use it: build a scenario in code
//! with the typed builders, solve it, read each job's placement by id and
//! instant, save the plan by id and read it back against the scenario as
//! re-listed after a price change, and handle every kind of error by
//! matching on it. No file, no CLI: the library only (plus its `data`
//! feature for the last step).
//!
//! `cargo run --example consumer`

use chrono::{DateTime, Utc};
use geoshift::data::{DataError, DataSet, Period};
use geoshift::{
    evaluate, ClosedBy, Error, Horizon, InputError, Job, Link, Optimal, Placement, Pool, Problem,
    Region, Replan, Report, SavedSchedule, Scenario, Schedule, ScheduleMismatch, Scheduler,
    Shortfall,
};

fn at(s: &str) -> DateTime<Utc> {
    s.parse().expect("a valid RFC 3339 instant")
}

/// Tonight's fleet: a dear home site with a clean evening, and a cheaper
/// remote region one link away.
fn tonight(home_price: Vec<f64>) -> Scenario {
    Scenario::builder(Horizon::new(at("2026-06-01T18:00:00Z"), 3600, 6))
        .carbon_price_usd_per_t(50.0)
        .region(
            Region::builder("home")
                .pue(1.4)
                .price_usd_per_mwh(home_price)
                .carbon_g_per_kwh(380.0),
        )
        .region(
            Region::builder("remote")
                .pue(1.1)
                .price_usd_per_mwh(45.0)
                .carbon_g_per_kwh(120.0)
                .power_cap_kw(60.0),
        )
        .pool(
            Pool::builder("home-h100", "home")
                .servers(4.0)
                .rent_usd_per_hour(6.0)
                .power_kw(10.2),
        )
        .pool(
            Pool::builder("remote-a100", "remote")
                .servers(8.0)
                .rent_usd_per_hour(3.2)
                .power_kw(6.5)
                .speed(0.6),
        )
        .link(
            Link::builder("home", "remote")
                .bandwidth_gbps(10.0)
                .egress_usd_per_gb(0.02),
        )
        .link(
            Link::builder("remote", "home")
                .bandwidth_gbps(10.0)
                .egress_usd_per_gb(0.02),
        )
        .job(
            Job::builder("finetune", "home")
                .work(12.0)
                .deadline(at("2026-06-02T00:00:00Z"))
                .max_servers(4.0)
                .input_gb(500.0)
                .output_gb(5.0),
        )
        .job(
            Job::builder("eval", "home")
                .work(3.0)
                .release(at("2026-06-01T20:00:00Z"))
                .deadline(at("2026-06-01T23:00:00Z"))
                .max_servers(2.0)
                .placement(Placement::Whole),
        )
        .build()
}

/// What the service exposes: the priced optimum of a scenario.
fn plan(scenario: &Scenario) -> Result<(Problem, Schedule, Report), Error> {
    let problem = Problem::new(scenario)?;
    let schedule = Optimal::default().schedule(&problem)?;
    let report = evaluate(&problem, "optimal", &schedule)?;
    Ok((problem, schedule, report))
}

/// One line per error kind, as a service would log or answer it.
fn explain(e: &Error) -> String {
    match e {
        Error::Input(InputError::OutOfRange {
            entity,
            id,
            field,
            value,
            rule,
        }) => format!("bad input: {entity} '{id}' {field} = {value}, must be {rule}"),
        Error::Input(other) => format!("bad input: {other}"),
        Error::Infeasible(inf) => {
            let mut text = format!("no plan: {} job(s) cannot be finished", inf.jobs.len());
            for job in &inf.jobs {
                match &job.shortfall {
                    Shortfall::NoEligibleCell(closed) => {
                        for c in closed {
                            text += &match &c.why {
                                ClosedBy::Unreachable { from, to } => {
                                    format!(
                                        "; {}: {} needs a link {from} -> {to}",
                                        job.job, c.region
                                    )
                                }
                                _ => format!("; {}: {c}", job.job),
                            };
                        }
                    }
                    Shortfall::WorkShort { missing_work, work } => {
                        text += &format!("; {} is {missing_work:.1} of {work} short", job.job)
                    }
                    _ => text += &format!("; {}", job.job),
                }
            }
            text
        }
        Error::InvalidSchedule(v) => format!(
            "rejected plan: {} at job {:?}, pool {:?}, slot {:?}: {} against {}",
            v.constraint, v.job, v.pool, v.slot, v.amount, v.limit
        ),
        Error::ScheduleMismatch(ScheduleMismatch::UnknownJob { job, .. }) => {
            format!("stale plan: job '{job}' is gone")
        }
        Error::ScheduleMismatch(other) => format!("stale plan: {other}"),
        Error::Data(DataError::UnknownCode { what, value, .. }) => {
            format!("no data: unknown {what} '{value}'")
        }
        Error::Data(other) => format!("no data: {other}"),
        Error::Replan(r) => format!("cannot re-plan ({}): {r}", r.kind()),
        // Solver failures, and kinds a later version may add.
        other => format!("{} error: {other}", other.kind()),
    }
}

fn main() -> Result<(), Error> {
    // 1. Plan tonight and read each job by id and instant.
    let evening = vec![140.0, 120.0, 60.0, 40.0, 35.0, 90.0];
    let (problem, schedule, report) = plan(&tonight(evening.clone()))?;
    println!("optimal ${:.2}", report.total_usd);
    for id in ["finetune", "eval"] {
        if let Some(job) = report.job(id) {
            println!(
                "  {id}: ${:.2} in {} from {} to {}",
                job.cost_usd,
                job.regions.join(" + "),
                job.start.format("%H:%M"),
                job.end.format("%H:%M")
            );
            for row in report.assignments_of(id) {
                println!(
                    "    {} {}: {:.2} server-hours",
                    row.start.format("%H:%M"),
                    row.pool,
                    row.server_hours
                );
            }
        }
    }
    // Which slot holds 21:30, and when does it start?
    let h = problem.horizon();
    let slot = h.slot_at(at("2026-06-01T21:30:00Z"));
    if let Some((t, start)) = slot.and_then(|t| Some((t, h.slot_start(t)?))) {
        println!("21:30 is in slot {t}, which starts at {start}");
    }

    // 2. Save the plan by id; the scenario is re-listed (pools in another
    //    order) after a price change; the saved plan still reads back.
    let saved = schedule.to_saved(&problem)?.to_json();
    let mut repriced = tonight(evening.iter().map(|p| p * 1.1).collect());
    repriced.pools.reverse();
    let problem2 = Problem::new(&repriced)?;
    let replay = Schedule::from_saved(&problem2, &SavedSchedule::from_json(&saved)?)?;
    let old_plan_now = evaluate(&problem2, "yesterday's plan", &replay)?;
    let (_, _, new_plan) = plan(&repriced)?;
    println!(
        "after +10 % at home: yesterday's plan ${:.2}, re-planned ${:.2}",
        old_plan_now.total_usd, new_plan.total_usd
    );

    // 3. Every kind of error, matched.
    let mut bad = tonight(evening.clone());
    bad.regions[1].pue = 0.8;
    let mut late = tonight(evening.clone());
    late.jobs[1].deadline = at("2026-06-01T20:30:00Z");
    let mut cut = tonight(evening.clone());
    cut.links.clear();
    cut.pools.remove(0);
    let mut renamed = tonight(evening);
    renamed.jobs[0].id = "finetune-v2".into();
    let stale = Problem::new(&renamed)
        .and_then(|p| Schedule::from_saved(&p, &SavedSchedule::from_json(&saved)?));
    let data = DataSet::bundled().and_then(|d| {
        let period = Period::new(at("2023-06-19T00:00:00Z"), 24)?;
        d.hourly_price_usd_per_mwh("NOWHERE", &period)
    });
    let overload = Schedule::new(vec![geoshift::Assignment {
        job: 0,
        pool: 0,
        slot: 1,
        server_hours: 100.0,
    }]);
    let rejected = evaluate(&problem, "by hand", &overload);
    // A re-plan from inside a slot: `?` converts its ReplanError too.
    let off_slot = (|| -> Result<_, Error> {
        let plan = schedule.to_saved(&problem)?;
        Replan::new(plan, at("2026-06-01T19:30:00Z")).solve(&problem, &Optimal::default())
    })();
    let failures: Vec<Error> = vec![
        plan(&bad).err(),
        plan(&late).err(),
        plan(&cut).err(),
        rejected.err(),
        stale.err(),
        data.err(),
        off_slot.err(),
    ]
    .into_iter()
    .flatten()
    .collect();
    for e in &failures {
        println!("  {}", explain(e));
        // Every error is also data: what a service would return as JSON.
        let json = serde_json::to_value(e).unwrap_or_default();
        assert_eq!(json["kind"], e.kind().as_str());
    }
    assert_eq!(failures.len(), 7, "every bad request fails");
    Ok(())
}
