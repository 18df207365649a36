//! Re-planning from `now`: history kept and priced, work done not redone,
//! started Whole jobs pinned, new and cancelled jobs, data not moved
//! before it can arrive, and the typed errors. The small cases are
//! computed by hand; the synth cases check that re-planning unchanged
//! data costs exactly what the rest of the original optimum costs.

mod common;

use common::*;
use geoshift::synth::{generate, Params};
use geoshift::{
    Constraint, Job, JobState, Link, Optimal, Pool, Problem, Region, Replan, ReplanError,
    SavedSchedule, Scenario, Schedule,
};

/// Four 1-hour slots, one region `a` (pue 1) and one pool `ga` of one
/// 1 kW server renting at $1/h. A server-hour costs `1 + price / 1000`:
/// prices [10, 40, 40, 10] give $1.01, $1.04, $1.04, $1.01. Job `x`: 2
/// work units, one server at a time, deadline 04:00. Its optimum is slots
/// 0 and 3, $2.02.
fn one_region() -> Scenario {
    Scenario::builder(horizon(4, 3600))
        .region(Region::new("a", 1.0, vec![10.0, 40.0, 40.0, 10.0]))
        .pool(Pool::new("ga", "a", 1.0, 1.0, 1.0))
        .job(Job::new("x", "a", 2.0, at("2026-06-01T04:00:00Z"), 1.0))
        .build()
}

/// The optimum of `scenario`, saved by ids.
fn plan(scenario: &Scenario) -> SavedSchedule {
    let p = Problem::new(scenario).unwrap();
    let s = Optimal::default().solve(&p).unwrap().schedule;
    s.to_saved(&p).unwrap()
}

fn replan(r: Replan, scenario: &Scenario) -> Result<geoshift::Replanned, ReplanError> {
    match r.solve(&Problem::new(scenario).unwrap(), &Optimal::default()) {
        Ok(r) => Ok(r),
        Err(geoshift::Error::Replan(e)) => Err(*e),
        Err(e) => panic!("not a re-plan error: {e}"),
    }
}

const ONE: &str = "2026-06-01T01:00:00Z";

#[test]
fn unchanged_data_keeps_the_history_and_the_rest_of_the_plan() {
    let s = one_region();
    let r = replan(Replan::new(plan(&s), at(ONE)), &s).unwrap();
    close("total", r.report.total_usd, 2.02, LP);
    close("history", r.history_usd, 1.01, LP);
    assert_eq!(r.now_slot, 1);
    assert_placement(&r.report, &[("x", "ga", 0, 1.0), ("x", "ga", 3, 1.0)], LP);
    assert_eq!(r.report.proven_optimal, Some(true));
    let x = &r.jobs[0];
    assert_eq!(x.state, JobState::Started);
    close("done", x.done_work, 1.0, EXACT);
    close("remaining", x.remaining_work, 1.0, EXACT);
}

#[test]
fn a_price_change_moves_only_the_future() {
    let s = one_region();
    let previous = plan(&s);
    // Slot 3 becomes dear ($1.09), slot 0 cheap: the past stays at slot 0
    // (priced at the new $1.005), the last unit goes to slot 1 or 2
    // ($1.04 either way).
    let mut after = s.clone();
    after.regions[0].price_usd_per_mwh = vec![5.0, 40.0, 40.0, 90.0].into();
    let r = replan(Replan::new(previous, at(ONE)), &after).unwrap();
    close("total", r.report.total_usd, 1.005 + 1.04, LP);
    close("history", r.history_usd, 1.005, LP);
    close("slot 0", server_hours(&r.report, "x", "ga", 0), 1.0, LP);
    close("slot 3", server_hours(&r.report, "x", "ga", 3), 0.0, LP);
}

#[test]
fn a_new_job_starts_at_now_and_shares_the_capacity() {
    let s = one_region();
    let previous = plan(&s);
    // `y` (1 unit, released at 00:00) would have liked slot 0; it is past.
    // `x` keeps slot 3 or yields it: one of them pays $1.04.
    let mut after = s.clone();
    after
        .jobs
        .push(Job::new("y", "a", 1.0, at("2026-06-01T04:00:00Z"), 1.0));
    let r = replan(Replan::new(previous, at(ONE)), &after).unwrap();
    close("total", r.report.total_usd, 1.01 + 1.01 + 1.04, LP);
    assert_eq!(r.jobs[1].state, JobState::New);
    close(
        "y before now",
        server_hours(&r.report, "y", "ga", 0),
        0.0,
        LP,
    );
}

#[test]
fn a_cancelled_job_keeps_its_history_cost_and_stops() {
    let s = one_region();
    let r = replan(Replan::new(plan(&s), at(ONE)).cancel("x"), &s).unwrap();
    close("total", r.report.total_usd, 1.01, LP);
    close("x cost", r.report.job("x").unwrap().cost_usd, 1.01, LP);
    assert_eq!(r.jobs[0].state, JobState::Cancelled);
    // The as-run problem asks of x what it did.
    close("as-run work", r.as_run().jobs()[0].work, 1.0, EXACT);
    assert_eq!(r.backend, None); // nothing was left to solve
}

#[test]
fn done_work_given_below_the_history_is_redone_from_now() {
    let s = one_region();
    // Slot 0 ran (and is paid) but its progress was lost: 2 units left,
    // in slot 3 ($1.01) and slot 1 or 2 ($1.04).
    let r = replan(Replan::new(plan(&s), at(ONE)).done_work("x", 0.0), &s).unwrap();
    close("total", r.report.total_usd, 1.01 + 1.01 + 1.04, LP);
    let x = &r.jobs[0];
    assert!(x.done_given);
    close("remaining", x.remaining_work, 2.0, EXACT);
    close("as-run work", r.as_run().jobs()[0].work, 3.0, EXACT);
}

/// Regions `a` and `b` (pue 1), pools `ga` and `gb` of one 1 kW server at
/// no rent, so a server-hour costs `price / 1000`. `a` has prices
/// [10, 20, 30, 40], `b` [50; 4] at first. Links both ways at 1 Gbit/s,
/// no egress. Job `z`: 2 units, one server, 675 GB of input (5,400 s to
/// `b`, so `b` opens at slot 2 from a release at 00:00).
fn two_regions(placement_whole: bool) -> Scenario {
    let mut z = Job::new("z", "a", 2.0, at("2026-06-01T04:00:00Z"), 1.0).data(675.0, 0.0);
    if placement_whole {
        z = z.whole();
    }
    Scenario::builder(horizon(4, 3600))
        .region(Region::new("a", 1.0, vec![10.0, 20.0, 30.0, 40.0]))
        .region(Region::new("b", 1.0, 50.0))
        .pool(Pool::new("ga", "a", 1.0, 0.0, 1.0))
        .pool(Pool::new("gb", "b", 1.0, 0.0, 1.0))
        .link(Link::new("a", "b", 1.0, 0.0))
        .link(Link::new("b", "a", 1.0, 0.0))
        .job(z)
        .build()
}

#[test]
fn a_started_whole_job_stays_in_its_region() {
    let s = two_regions(true);
    let previous = plan(&s); // a, slots 0 and 1: $0.03
    let mut after = s.clone();
    after.regions[1].price_usd_per_mwh = 0.0.into(); // b is free now
    let r = replan(Replan::new(previous, at(ONE)), &after).unwrap();
    // Unpinned, the last unit would go to b for $0; pinned, slot 1 of a.
    close("total", r.report.total_usd, 0.01 + 0.02, LP);
    assert_eq!(r.jobs[0].pinned_region.as_deref(), Some("a"));
    assert_eq!(regions_of(&r.report, "z"), vec!["a".to_string()]);
}

#[test]
fn data_not_yet_sent_arrives_no_earlier_than_now_plus_transfer() {
    let s = two_regions(false);
    let previous = plan(&s); // a, slots 0 and 1
                             // b becomes free in slot 2 and $0.035 in slot 3. The model's window
                             // (from the release) would allow b in slot 2 for $0; but the data was
                             // never sent there, so b opens at 01:00 + 1.5 h, i.e. slot 3, where it
                             // costs more than a's slot 1 ($0.02).
    let mut after = s.clone();
    after.regions[1].price_usd_per_mwh = vec![0.0, 0.0, 0.0, 35.0].into();
    let r = replan(Replan::new(previous, at(ONE)), &after).unwrap();
    close("total", r.report.total_usd, 0.01 + 0.02, LP);
    assert_eq!(regions_of(&r.report, "z"), vec!["a".to_string()]);
    // Re-planned at 00:00 instead, the data reaches b by slot 2: one unit
    // there ($0) and one in a's slot 0 ($0.01), one server per slot.
    let r0 = replan(Replan::new(plan(&s), at(START)), &after).unwrap();
    close("total from 00:00", r0.report.total_usd, 0.01, LP);
}

#[test]
fn the_history_is_checked_against_the_updated_scenario() {
    let s = one_region();
    let previous = plan(&s);
    let mut after = s.clone();
    after.pools[0].servers = vec![0.0, 1.0, 1.0, 1.0].into(); // slot 0 had none
    let e = replan(Replan::new(previous, at(ONE)), &after).unwrap_err();
    match e {
        ReplanError::History(v) => {
            assert_eq!(v.constraint, Constraint::Capacity);
            assert_eq!(v.slot, Some(0));
        }
        other => panic!("expected a history violation, got {other:?}"),
    }
}

#[test]
fn typed_errors_name_what_is_at_fault() {
    let s = one_region();
    let previous = plan(&s);
    let err = |r: Replan| replan(r, &s).unwrap_err();
    assert!(matches!(
        err(Replan::new(previous.clone(), at("2026-06-01T01:30:00Z"))),
        ReplanError::NowNotOnSlotBoundary { slot: 1, .. }
    ));
    assert!(matches!(
        err(Replan::new(previous.clone(), at("2026-05-31T23:00:00Z"))),
        ReplanError::NowOutsideHorizon { .. }
    ));
    assert!(matches!(
        err(Replan::new(previous.clone(), at("2026-06-01T05:00:00Z"))),
        ReplanError::NowOutsideHorizon { .. }
    ));
    assert!(matches!(
        err(Replan::new(previous.clone(), at(ONE)).done_work("nope", 1.0)),
        ReplanError::UnknownJob { what: "done_work", ref job } if job == "nope"
    ));
    assert!(matches!(
        err(Replan::new(previous.clone(), at(ONE)).cancel("nope")),
        ReplanError::UnknownJob { what: "cancel", .. }
    ));
    assert!(matches!(
        err(Replan::new(previous.clone(), at(ONE)).done_work("x", 2.5)),
        ReplanError::DoneExceedsWork {
            from_history: false,
            ..
        }
    ));
    assert!(matches!(
        err(Replan::new(previous.clone(), at(ONE)).done_work("x", -1.0)),
        ReplanError::DoneOutOfRange { .. }
    ));
    assert!(matches!(
        err(Replan::new(previous.clone(), at(ONE))
            .done_work("x", 1.0)
            .done_work("x", 1.0)),
        ReplanError::DuplicateDone { .. }
    ));
    assert!(matches!(
        err(Replan::new(previous.clone(), at(ONE))
            .cancel("x")
            .done_work("x", 1.0)),
        ReplanError::DoneForCancelled { .. }
    ));
    // At the horizon's end with work still to do.
    assert!(matches!(
        err(Replan::new(previous.clone(), at("2026-06-01T04:00:00Z")).done_work("x", 0.0)),
        ReplanError::NoTimeLeft { .. }
    ));
    // A history row of a job the scenario dropped cannot be priced.
    let mut ghost = previous.clone();
    let mut row = ghost.assignments[0].clone();
    row.job = "ghost".into();
    row.start = at(START);
    ghost.assignments.push(row);
    assert!(matches!(
        err(Replan::new(ghost.clone(), at(ONE))),
        ReplanError::HistoryOfUnknownJob { ref job, .. } if job == "ghost"
    ));
    // ...but a future row of it is only forgotten, and said so.
    ghost.assignments.last_mut().unwrap().start = at("2026-06-01T02:00:00Z");
    let r = replan(Replan::new(ghost, at(ONE)), &s).unwrap();
    assert_eq!(r.forgotten.len(), 1);
    close("total", r.report.total_usd, 2.02, LP);
}

#[test]
fn a_job_with_an_unmet_price_and_no_time_left_is_left_undone_not_refused() {
    // At the horizon's end, `x` has 2 units to do and no slot: with a price
    // of $5 per undone unit, the re-plan leaves them undone at $10 (a
    // job with a price never makes a scenario infeasible).
    let mut s = one_region();
    let previous = plan(&s);
    s.jobs[0].unmet_usd_per_work = Some(5.0);
    let r = replan(
        Replan::new(previous, at("2026-06-01T04:00:00Z")).done_work("x", 0.0),
        &s,
    )
    .unwrap();
    let x = &r.report.jobs[0];
    close("unmet work", x.unmet_work, 2.0, LP);
    close("unmet $", x.unmet_usd, 10.0, LP);
    // The history (slots 0 and 3 ran) is still priced.
    close("total", r.report.total_usd, 2.02 + 10.0, LP);
}

/// The synth scenario at `whole_share`, solved; then re-planned with
/// unchanged data at several instants. The history is kept row for row,
/// and the total equals the original optimum's (the rest of the plan is
/// still optimal, though ties may pick other cells).
fn unchanged_synth(whole_share: f64) {
    let params = Params {
        jobs: 20,
        regions: 5,
        slots: 24,
        whole_share,
        seed: 7,
        ..Params::default()
    };
    let scenario = generate(&params);
    let p = Problem::new(&scenario).unwrap();
    let optimal = Optimal::default();
    let original = optimal.solve(&p).unwrap();
    let total = geoshift::evaluate(&p, "optimal", &original.schedule)
        .unwrap()
        .total_usd;
    let saved = original.schedule.to_saved(&p).unwrap();
    for now_slot in [6, 13] {
        let now = p.horizon().slot_start(now_slot).unwrap();
        let r = Replan::new(saved.clone(), now).solve(&p, &optimal).unwrap();
        close("total", r.report.total_usd, total, 1e-6);
        assert_eq!(r.report.proven_optimal, Some(true));
        let past = |s: &Schedule| {
            let mut rows: Vec<_> = s
                .assignments
                .iter()
                .filter(|a| a.slot < now_slot && a.server_hours > 0.0)
                .map(|a| (a.job, a.pool, a.slot, a.server_hours))
                .collect();
            rows.sort_by(|a, b| a.partial_cmp(b).unwrap());
            rows
        };
        assert_eq!(past(&r.schedule), past(&original.schedule));
        for job in &r.jobs {
            assert!(matches!(
                job.state,
                JobState::Started | JobState::NotStarted | JobState::Finished
            ));
        }
    }
}

#[test]
fn unchanged_split_data_reproduces_the_rest_of_the_optimum() {
    unchanged_synth(0.0);
}

#[test]
fn unchanged_whole_data_reproduces_the_rest_of_the_optimum() {
    unchanged_synth(0.2);
}
