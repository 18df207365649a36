//! What capacity is worth (`geoshift::explain`): every value is checked by
//! hand on small scenarios, and against the difference of two re-solves
//! with one unit more and one unit less of the limit. An LP's least total
//! is convex in each limit, so the rate at the optimum lies between what
//! one unit more saves and what one unit less costs, and equals both
//! where the plan's basis holds over the unit (the hand-checked cases are
//! chosen so).

use geoshift::synth::{generate, Params};
use geoshift::{
    evaluate, explain, Backend, Error, ExplainError, Explanation, Optimal, Problem, Scenario,
    Scheduler, Series,
};
use proptest::prelude::*;

/// `s` validated once, as a service would before its decisions.
fn valid(s: &Scenario) -> Problem {
    Problem::new(s).expect("a valid scenario")
}

const TOL: f64 = 1e-6;

/// The backends that give duals (the ones `explain` can use).
fn dual_backends() -> Vec<Backend> {
    Backend::available()
        .iter()
        .copied()
        .filter(|b| b.has_duals())
        .collect()
}

/// The least total of `scenario` (evaluated), exact.
fn least(scenario: &Scenario) -> f64 {
    let problem = Problem::new(scenario).unwrap();
    let schedule = Optimal::new(Backend::Microlp).schedule(&problem).unwrap();
    evaluate(&problem, "optimal", &schedule).unwrap().total_usd
}

fn parse(json: &str) -> Scenario {
    Scenario::from_json(json).unwrap()
}

fn assert_close(got: f64, want: f64, what: &str) {
    assert!(
        (got - want).abs() <= TOL * want.abs().max(1.0),
        "{what}: {got} vs {want}"
    );
}

/// One pool of 1 MW servers (so a server-hour costs the energy price in
/// $/MWh), rent 0, in four hours at 50, 90, 90 and 10 $/MWh; one job of
/// `work` units, up to 4 servers, due at 03:00.
///
/// With 2 servers and 3.5 units: 2 server-hours at 50 $ in the first hour
/// and 1.5 at 90 $ in the next two (235 $). So:
/// - one more server-hour in the first hour moves one from a 90 $ hour:
///   it saves 40 $; the other hours are not full and save nothing;
/// - one more unit of work costs 90 $;
/// - the deadline an hour later opens the last hour at 10 $: 2 there and
///   1.5 in the first hour, 20 + 75 = 95 $, a saving of 140 $.
fn cheap_hour(servers: Series, work: f64, deadline: &str) -> Scenario {
    let servers = serde_json::to_string(&servers).unwrap();
    parse(&format!(
        r#"{{
        "horizon": {{"start": "2026-06-01T00:00:00Z", "slot_seconds": 3600, "slots": 4}},
        "regions": [{{"id": "r", "pue": 1.0, "price_usd_per_mwh": [50, 90, 90, 10]}}],
        "pools": [{{"id": "p", "region": "r", "servers": {servers},
                    "rent_usd_per_hour": 0, "power_kw": 1000}}],
        "jobs": [{{"id": "j", "origin": "r", "work": {work},
                   "deadline": "{deadline}", "max_servers": 4}}]
    }}"#
    ))
}

const DUE: &str = "2026-06-01T03:00:00Z";

#[test]
fn a_full_cheap_hour_is_worth_the_price_gap() {
    let base = cheap_hour(Series::Constant(2.0), 3.5, DUE);
    let total = least(&base);
    assert_close(total, 2.0 * 50.0 + 1.5 * 90.0, "base");
    for backend in dual_backends() {
        let e = explain(&valid(&base), &Optimal::new(backend)).unwrap();
        assert_close(e.total_usd, total, "explained total");
        let v = &e.pools[0].usd_per_server_hour;
        // By hand: 40 $ in the full hour, 0 elsewhere.
        assert_close(v[0], 40.0, "first hour");
        for (t, &x) in v.iter().enumerate().skip(1) {
            assert_close(x, 0.0, &format!("hour {t}"));
        }
        // Re-solves: one server-hour more, and less, in the first hour.
        let more = least(&cheap_hour(
            Series::PerSlot(vec![3.0, 2.0, 2.0, 2.0]),
            3.5,
            DUE,
        ));
        let less = least(&cheap_hour(
            Series::PerSlot(vec![1.0, 2.0, 2.0, 2.0]),
            3.5,
            DUE,
        ));
        assert_close(v[0], total - more, "saved by one more");
        assert_close(v[0], less - total, "cost of one less");
        // Summed per pool and region: one more server in every hour.
        let server = least(&cheap_hour(Series::Constant(3.0), 3.5, DUE));
        assert_close(e.pools[0].usd_per_server, total - server, "per server");
        assert_close(e.regions[0].usd_per_server, total - server, "per region");
        assert_eq!(e.regions[0].power_usd_per_kw, None);
        // Work: one unit more and one less, both at 90 $.
        let w = e.jobs[0].usd_per_work_unit;
        assert_close(w, 90.0, "work by hand");
        assert_close(
            w,
            least(&cheap_hour(Series::Constant(2.0), 4.5, DUE)) - total,
            "+1 work",
        );
        assert_close(
            w,
            total - least(&cheap_hour(Series::Constant(2.0), 2.5, DUE)),
            "-1 work",
        );
        // The parallelism limit (4 servers) does not bind.
        assert_close(e.jobs[0].usd_per_server, 0.0, "max_servers");
        // The deadline an hour later: by hand, and as the re-solve.
        let d = &e.jobs[0].deadline_hour;
        assert_eq!(d.new_slots, 1);
        let later = least(&cheap_hour(
            Series::Constant(2.0),
            3.5,
            "2026-06-01T04:00:00Z",
        ));
        assert_close(d.saved_usd.unwrap(), 140.0, "deadline by hand");
        assert_close(d.saved_usd.unwrap(), total - later, "deadline re-solve");
        assert!(d.saved_usd_at_least <= d.saved_usd.unwrap() + TOL);
        assert!(d.saved_usd.unwrap() <= d.saved_usd_at_most.unwrap() + TOL);
        // The bottleneck table, largest first: the deadline, then the pool.
        let b = e.bottlenecks();
        assert_eq!(
            (b[0].limit, b[0].id.as_str()),
            (geoshift::BottleneckKind::Deadline, "j")
        );
        assert_eq!(
            (b[1].limit, b[1].id.as_str(), b[1].slots),
            (geoshift::BottleneckKind::Capacity, "p", 1)
        );
        assert_eq!(b.len(), 2, "{b:?}");
    }
}

#[test]
fn a_deadline_at_the_end_of_the_horizon_gains_no_slot() {
    let base = cheap_hour(Series::Constant(2.0), 3.5, "2026-06-01T04:00:00Z");
    for backend in dual_backends() {
        let e = explain(&valid(&base), &Optimal::new(backend)).unwrap();
        let d = &e.jobs[0].deadline_hour;
        assert_eq!(d.new_slots, 0);
        assert_eq!(d.saved_usd, Some(0.0));
    }
}

/// Region `a`, capped at `cap_kw` kW at the meter (PUE 1), energy at 10
/// then 50 then 50 $/MWh; pools `pa` (rent 0) and `pb` (rent 1 $/h), 10
/// servers of 1 MW each; one job of 3 units, up to `max_servers`, due at
/// 03:00. With the cap at 2000 kW and 10 servers allowed: 2 server-hours
/// of `pa` in the first hour (20 $), 1 in the next (50 $). One more kWh
/// of cap in the first hour moves 1/1000 server-hour from a 50 $ hour to
/// a 10 $ one: it saves 0.04 $; the other hours are not full.
fn capped(cap_kw: f64, max_servers: f64) -> Scenario {
    parse(&format!(
        r#"{{
        "horizon": {{"start": "2026-06-01T00:00:00Z", "slot_seconds": 3600, "slots": 3}},
        "regions": [{{"id": "a", "pue": 1.0, "price_usd_per_mwh": [10, 50, 50],
                      "power_cap_kw": {cap_kw}}}],
        "pools": [{{"id": "pa", "region": "a", "servers": 10, "rent_usd_per_hour": 0, "power_kw": 1000}},
                  {{"id": "pb", "region": "a", "servers": 10, "rent_usd_per_hour": 1, "power_kw": 1000}}],
        "jobs": [{{"id": "j", "origin": "a", "work": 3,
                   "deadline": "2026-06-01T03:00:00Z", "max_servers": {max_servers}}}]
    }}"#
    ))
}

#[test]
fn a_power_cap_is_worth_its_dual_times_the_slot_hours() {
    let total = least(&capped(2000.0, 10.0));
    assert_close(total, 70.0, "base");
    let more = least(&capped(2001.0, 10.0));
    let less = least(&capped(1999.0, 10.0));
    for backend in dual_backends() {
        let e = explain(&valid(&capped(2000.0, 10.0)), &Optimal::new(backend)).unwrap();
        let kwh = e.regions[0].power_usd_per_kwh.as_ref().unwrap();
        assert_close(kwh[0], 0.04, "first hour by hand");
        assert_close(kwh[1], 0.0, "second hour");
        let kw = e.regions[0].power_usd_per_kw.unwrap();
        assert_close(kw, 0.04, "per kW by hand");
        assert_close(kw, total - more, "+1 kW re-solve");
        assert_close(kw, less - total, "-1 kW re-solve");
        // The pools are not full: capacity is worth nothing.
        assert_close(e.pools[0].usd_per_server, 0.0, "pa");
        assert_close(e.pools[1].usd_per_server, 0.0, "pb");
        let b = e.bottlenecks();
        assert_eq!(
            (b[0].limit, b[0].id.as_str(), b[0].unit),
            (geoshift::BottleneckKind::Power, "a", "kW of power cap")
        );
    }
}

#[test]
fn a_parallelism_limit_is_worth_what_one_more_server_saves() {
    // No binding cap (30 MW), 2 servers at once: 2 server-hours at 10 $,
    // 1 at 50 $ (70 $); a third server would take the 50 $ hour's one
    // into the 10 $ hour (40 $), one fewer moves one more out (40 $).
    let total = least(&capped(30000.0, 2.0));
    assert_close(total, 70.0, "base");
    let more = least(&capped(30000.0, 3.0));
    let less = least(&capped(30000.0, 1.0));
    for backend in dual_backends() {
        let e = explain(&valid(&capped(30000.0, 2.0)), &Optimal::new(backend)).unwrap();
        let j = &e.jobs[0];
        assert_close(
            j.parallel_usd_per_server_hour[0],
            40.0,
            "first hour by hand",
        );
        assert_close(j.usd_per_server, 40.0, "per server by hand");
        assert_close(j.usd_per_server, total - more, "+1 server re-solve");
        assert_close(j.usd_per_server, less - total, "-1 server re-solve");
        assert_close(e.regions[0].power_usd_per_kw.unwrap(), 0.0, "cap slack");
    }
}

/// Home (`a`, 50 $/MWh, `servers_a` servers) and away (`b`, 10 $/MWh,
/// one server), servers of 1 MW, two hours; the job (origin `a`, up to 2
/// servers, due at 02:00) sends 100 GB at 0.1 $/GB to `b`, where it can
/// run in the second hour only (the transfer takes 0.8 s): egress 10 $ if
/// all its work ran there, a share of it otherwise. With `work` = 1.5:
/// 1 unit in `b` (10 $ + 10/1.5 $ egress) and 0.5 in `a` (25 $).
fn egress(work: f64, servers_a: f64) -> Scenario {
    parse(&format!(
        r#"{{
        "horizon": {{"start": "2026-06-01T00:00:00Z", "slot_seconds": 3600, "slots": 2}},
        "regions": [{{"id": "a", "pue": 1.0, "price_usd_per_mwh": 50}},
                    {{"id": "b", "pue": 1.0, "price_usd_per_mwh": 10}}],
        "pools": [{{"id": "pa", "region": "a", "servers": {servers_a}, "rent_usd_per_hour": 0, "power_kw": 1000}},
                  {{"id": "pb", "region": "b", "servers": 1, "rent_usd_per_hour": 0, "power_kw": 1000}}],
        "links": [{{"from": "a", "to": "b", "bandwidth_gbps": 1000, "egress_usd_per_gb": 0.1}}],
        "jobs": [{{"id": "j", "origin": "a", "work": {work}, "input_gb": 100,
                   "deadline": "2026-06-01T02:00:00Z", "max_servers": 2}}]
    }}"#
    ))
}

#[test]
fn the_marginal_cost_of_work_counts_the_egress_it_dilutes() {
    // v(W) = 10 + 10/W + 50 (W - 1) for W >= 1: v'(1.5) = 50 - 10/2.25.
    let total = least(&egress(1.5, 2.0));
    assert_close(total, 10.0 + 10.0 / 1.5 + 25.0, "base");
    let by_hand = 50.0 - 10.0 / 2.25;
    let more = least(&egress(2.5, 2.0)) - total;
    let less = total - least(&egress(0.5, 2.0));
    for backend in dual_backends() {
        let e = explain(&valid(&egress(1.5, 2.0)), &Optimal::new(backend)).unwrap();
        let w = e.jobs[0].usd_per_work_unit;
        assert_close(w, by_hand, "by hand");
        // The least total is not linear in W here (egress is shared by
        // work): the rate lies strictly between the two re-solves. The
        // work row's dual alone (50 $) would not.
        assert!(less < w && w < more, "{less} < {w} < {more}");
        // pb is full: one more server-hour there saves 50 - 10 - 10/1.5.
        assert_close(e.pools[1].usd_per_server, 40.0 - 10.0 / 1.5, "pb");
    }
}

#[test]
fn a_whole_job_with_a_choice_is_explained_with_its_region_fixed() {
    let mut s = egress(1.5, 2.0);
    s.jobs[0].placement = geoshift::Placement::Whole;
    // The MILP: all 1.5 units in `a` (75 $) against 1 unit in `b` at most
    // (pb has one server): `a` alone can finish it.
    let milp_total = least(&s);
    for backend in dual_backends() {
        let e = explain(&valid(&s), &Optimal::new(backend)).unwrap();
        assert_eq!(e.fixed_regions.len(), 1);
        assert_eq!(e.fixed_regions[0].job, "j");
        let region = e.fixed_regions[0].region.clone().expect("it runs");
        assert_close(
            e.total_usd,
            milp_total,
            "the fixed LP's total is the MILP's",
        );
        // The values are those of the scenario with the region fixed.
        let mut fixed = s.clone();
        fixed.jobs[0].regions = Some(vec![region]);
        let direct = explain(&valid(&fixed), &Optimal::new(backend)).unwrap();
        assert!(direct.fixed_regions.is_empty());
        assert_close(
            e.jobs[0].usd_per_work_unit,
            direct.jobs[0].usd_per_work_unit,
            "work value",
        );
    }
}

/// `egress` with pool `pb` interrupted at `rate` per hour: work there is
/// done at its useful fraction only, and so is the egress it shares.
fn egress_interrupted(work: f64, rate: f64) -> Scenario {
    let mut s = egress(work, 2.0);
    s.pools[1].interruption_rate_per_hour = rate;
    s
}

#[test]
fn the_work_value_nets_egress_at_the_useful_rate_of_capacity_that_can_vanish() {
    // Near W = 1.5 the least total is smooth in W (the plan's shape holds),
    // so the rate equals the difference quotient over a small step.
    let step = 1e-4;
    let total = least(&egress_interrupted(1.5, 0.5));
    let more = (least(&egress_interrupted(1.5 + step, 0.5)) - total) / step;
    let less = (total - least(&egress_interrupted(1.5 - step, 0.5))) / step;
    for backend in dual_backends() {
        let e = explain(
            &valid(&egress_interrupted(1.5, 0.5)),
            &Optimal::new(backend),
        )
        .unwrap();
        let w = e.jobs[0].usd_per_work_unit;
        // Convex locally: between the two one-sided quotients, which are
        // within a few step sizes of each other.
        assert!(
            less - 1e-3 <= w && w <= more + 1e-3,
            "{less} <= {w} <= {more}"
        );
    }
}

#[test]
fn a_job_with_all_its_work_undone_is_worth_its_unmet_price() {
    // Every cell costs 10 $ or more per work unit; undone work 1 $: all of
    // it is left undone, and one unit more costs exactly 1 $.
    let mut s = egress(1.5, 2.0);
    s.jobs[0].unmet_usd_per_work = Some(1.0);
    let total = least(&s);
    let mut more = s.clone();
    more.jobs[0].work += 1.0;
    assert_close(least(&more) - total, 1.0, "re-solve");
    for backend in dual_backends() {
        let e = explain(&valid(&s), &Optimal::new(backend)).unwrap();
        assert_close(e.jobs[0].usd_per_work_unit, 1.0, "work value");
    }
}

#[test]
fn a_solver_without_duals_is_refused_and_engine_errors_pass_through() {
    let s = cheap_hour(Series::Constant(2.0), 3.5, DUE);
    assert!(matches!(
        explain(&valid(&s), &Optimal::new(Backend::Microlp)),
        Err(Error::Explain(e)) if *e == ExplainError::NoDuals { backend: "microlp" }
    ));
    // More work than the pool can do before the deadline: infeasible.
    let s = cheap_hour(Series::Constant(2.0), 30.0, DUE);
    assert!(matches!(
        explain(&valid(&s), &Optimal::default()),
        Err(Error::Infeasible(_))
    ));
}

/// `f` applied to every value of a series.
fn map(s: &Series, f: impl Fn(f64) -> f64) -> Series {
    match s {
        Series::Constant(v) => Series::Constant(f(*v)),
        Series::PerSlot(v) => Series::PerSlot(v.iter().map(|&x| f(x)).collect()),
        Series::Points(p) => Series::Points(p.iter().map(|&(t, x)| (t, f(x))).collect()),
    }
}

fn least_or_none(s: &Scenario) -> Option<f64> {
    let problem = Problem::new(s).ok()?;
    let schedule = Optimal::new(Backend::Microlp).schedule(&problem).ok()?;
    Some(evaluate(&problem, "optimal", &schedule).ok()?.total_usd)
}

/// Checks `value` (a rate, $ per unit) against re-solves with `step`
/// units more (`plus`) and less (`minus`, `None` when infeasible).
fn bracketed(
    value: f64,
    total: f64,
    plus: f64,
    minus: Option<f64>,
    step: f64,
    what: &str,
) -> Result<(), TestCaseError> {
    let slack = 1e-6 * total.abs().max(1.0) / step;
    let saved = (total - plus) / step;
    prop_assert!(
        saved <= value + slack,
        "{what}: one more saves {saved} > {value}"
    );
    if let Some(minus) = minus {
        let cost = (minus - total) / step;
        prop_assert!(
            value <= cost + slack,
            "{what}: one less costs {cost} < {value}"
        );
    }
    Ok(())
}

/// The small Split-only scenarios the property below draws.
fn split_params() -> impl Strategy<Value = Params> {
    (
        1usize..4,
        1usize..3,
        2usize..6,
        any::<bool>(),
        0.2f64..0.9,
        any::<u64>(),
    )
        .prop_map(
            |(jobs, regions, slots, power_caps, contention, seed)| Params {
                jobs,
                regions,
                slots,
                pools_per_region: 2,
                whole_share: 0.0,
                power_caps,
                contention,
                seed,
            },
        )
}

/// The property below checks only scenarios with an optimum: on a fixed
/// stream of its own strategy, most have one, so its 12 cases are not
/// mostly skipped.
#[test]
fn most_explained_scenarios_have_an_optimum() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    );
    let strategy = split_params();
    let checked = (0..48)
        .filter(|_| {
            least_or_none(&generate(
                &strategy.new_tree(&mut runner).unwrap().current(),
            ))
            .is_some()
        })
        .count();
    assert!(
        checked >= 24,
        "only {checked} of 48 drawn scenarios have an optimum"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// On random Split-only scenarios, every pool's and power cap's value
    /// lies between what one unit more saves and what one unit less
    /// costs, and every deadline value within its proven bounds.
    #[test]
    fn every_value_lies_between_the_two_re_solves(params in split_params()) {
        let s = generate(&params);
        let Some(total) = least_or_none(&s) else { return Ok(()) };
        let e: Explanation = explain(&valid(&s), &Optimal::default()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!((e.total_usd - total).abs() <= 1e-6 * total.abs().max(1.0));
        for (k, pool) in e.pools.iter().enumerate() {
            prop_assert!(pool.usd_per_server_hour.iter().all(|&v| v >= -1e-9));
            let with = |d: f64| {
                let mut t = s.clone();
                t.pools[k].servers = map(&t.pools[k].servers, |n| n + d);
                t
            };
            let plus = least_or_none(&with(1.0)).expect("more servers stay feasible");
            let fewest = s.pools[k].servers.clone();
            let minus = match fewest {
                Series::Constant(n) if n >= 1.0 => least_or_none(&with(-1.0)),
                Series::PerSlot(v) if v.iter().all(|&n| n >= 1.0) => least_or_none(&with(-1.0)),
                _ => None,
            };
            // One server more in every slot is `h` server-hours per slot;
            // usd_per_server is per server, so the step is one server.
            bracketed(pool.usd_per_server, total, plus, minus, 1.0, &pool.id)?;
        }
        for (r, region) in e.regions.iter().enumerate() {
            let Some(kw) = region.power_usd_per_kw else { continue };
            let cap = s.regions[r].power_cap_kw.unwrap();
            let step = (cap / 10.0).clamp(1e-3, 1.0);
            let with = |d: f64| {
                let mut t = s.clone();
                t.regions[r].power_cap_kw = Some(cap + d);
                t
            };
            let plus = least_or_none(&with(step)).expect("a higher cap stays feasible");
            bracketed(kw, total, plus, least_or_none(&with(-step)), step, &region.id)?;
        }
        for j in &e.jobs {
            let d = &j.deadline_hour;
            if let Some(saved) = d.saved_usd {
                let slack = 1e-6 * total.abs().max(1.0);
                prop_assert!(d.saved_usd_at_least <= saved + slack);
                prop_assert!(saved <= d.saved_usd_at_most.unwrap() + slack);
                prop_assert!(saved >= -slack, "a later deadline never costs more");
            }
        }
    }
}

/// A limit that stops the optimum before it is proven is an error, never
/// values from duals that are not the optimum's.
#[test]
fn a_stopped_optimum_is_not_explained() {
    use std::sync::atomic::AtomicBool;
    use std::sync::Arc;
    let s = cheap_hour(Series::Constant(2.0), 3.5, DUE);
    let raised = Optimal::default().cancel_flag(Arc::new(AtomicBool::new(true)));
    match explain(&valid(&s), &raised) {
        Err(Error::Explain(e)) if matches!(*e, ExplainError::Stopped { .. }) => {}
        Err(Error::Stopped(_)) => {}
        other => panic!("expected a stop, got {other:?}"),
    }
}

/// The deadline re-solves start from the optimum's solution (its plan and
/// relaxation seed column generation; issue 27), here with column
/// generation forced so that the warm start is used: each job's saving
/// from an hour more is what the test's own cold solve of that variant
/// (a fresh `Optimal`, no reuse) gives, on a 20-job generated scenario
/// with Whole jobs and power caps.
#[test]
fn warm_deadline_re_solves_give_the_cold_values() {
    use geoshift::ColumnGeneration;
    let s = generate(&Params {
        jobs: 20,
        whole_share: 0.3,
        power_caps: true,
        contention: 0.6,
        seed: 11,
        ..Params::default()
    });
    let p = valid(&s);
    let optimal = || Optimal::new(Backend::Clarabel).column_generation(ColumnGeneration::Always);
    let e = explain(&p, &optimal()).unwrap_or_else(|e| panic!("{e}"));
    let mut re_solved = 0;
    for (j, value) in e.jobs.iter().enumerate() {
        let hour = &value.deadline_hour;
        if hour.new_slots == 0 {
            continue;
        }
        re_solved += 1;
        let mut later = s.clone();
        later.jobs[j].deadline += chrono::Duration::hours(1);
        let cold = optimal()
            .solve(&valid(&later))
            .unwrap_or_else(|e| panic!("{e}"));
        let saved = e.total_usd - cold.report.total_usd;
        let Some(warm) = hour.saved_usd else {
            panic!("{hour:?}");
        };
        // Both within the default gap of their optimum.
        assert!(
            (warm - saved).abs() <= 1e-6 * e.total_usd,
            "job {j}: {warm} warm against {saved} cold"
        );
    }
    assert!(re_solved >= 5, "{re_solved} jobs gained a slot");
    // The same values with the re-solves on two and three threads (each
    // from the same optimum), in job order.
    for threads in [2, 3] {
        let t = geoshift::explain_with_threads(&p, &optimal(), threads)
            .unwrap_or_else(|e| panic!("{threads} threads: {e}"));
        assert_eq!(t.jobs.len(), e.jobs.len());
        assert!((t.total_usd - e.total_usd).abs() <= 1e-9 * e.total_usd);
        for (a, b) in e.jobs.iter().zip(&t.jobs) {
            assert_eq!(a.id, b.id);
            let (a, b) = (&a.deadline_hour, &b.deadline_hour);
            assert_eq!(a.new_slots, b.new_slots);
            assert_eq!(a.saved_usd.is_some(), b.saved_usd.is_some());
            if let (Some(x), Some(y)) = (a.saved_usd, b.saved_usd) {
                assert!(
                    (x - y).abs() <= 1e-6 * e.total_usd,
                    "{threads} threads: {x} against {y}"
                );
            }
        }
    }
}

/// A progress hook that panics in a deadline re-solve on another thread
/// ends `explain_with_threads` with a solver error that says so (no hang,
/// no panic through the call); the values are not half returned.
#[test]
fn a_panicking_re_solve_thread_is_an_error() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    let s = generate(&Params {
        jobs: 6,
        regions: 3,
        slots: 24,
        contention: 0.5,
        seed: 5,
        ..Params::default()
    });
    let p = valid(&s);
    let built = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&built);
    // The base optimum's two models (the MILP's, its fixed LP for the
    // duals) go by; a re-solve's panics.
    let optimal = Optimal::new(Backend::Clarabel).on_progress(move |p| {
        if matches!(p, geoshift::Progress::Built { .. })
            && count.fetch_add(1, Ordering::SeqCst) >= 2
        {
            panic!("the hook fails");
        }
    });
    match geoshift::explain_with_threads(&p, &optimal, 2) {
        Err(geoshift::Error::Solver(f)) => {
            assert!(f.to_string().contains("panicked"), "{f}");
            assert!(f.to_string().contains("the hook fails"), "{f}");
        }
        other => panic!("{:?}", other.map(|e| e.total_usd)),
    }
    assert!(built.load(Ordering::SeqCst) >= 3);
}
