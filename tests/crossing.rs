//! Where features meet: scenarios drawn with every input family on at once
//! (interruptions, prices for undone work, Whole jobs, power caps, tight
//! capacity, emissions caps and budgets, hardware requirements, a job's own
//! speeds, spread limits and link floors), run through every scheduler and
//! decision (optimum, heuristics, explain, sweep, re-plan). Checked:
//! - no panic, and no failure of the kind that is a bug (an invalid
//!   schedule, a solver failure, a plan not proven with no limit to blame,
//!   a breached goal): only "infeasible" and "goal unreachable" may end a
//!   run on valid input;
//! - every plan passes the evaluator, and the optimum's bound is at most
//!   its total;
//! - explain's value of a job's work lies between the one-unit re-solves
//!   (for jobs without egress, where the least total is convex in the
//!   work), and so does each pool's value of one more server, in the LP
//!   explain states it solves (Whole regions fixed);
//! - microlp, and the optimum with interruptions ignored (`risk`), hold
//!   the same;
//! - a re-plan with unchanged data costs what the optimum costs.
//!
//! A field sweep (`--vary`) runs beside the carbon-price sweep, which runs
//! on two threads (`Sweep::threads`).
//!
//! Cases: `GEOSHIFT_CROSSING_CASES` (default 48, to keep `cargo test`
//! fast; CI's `.ci/run` raises it).

use geoshift::synth::{generate, Params};
use geoshift::{
    evaluate, explain, Backend, ColumnGeneration, Error, Goal, GoalError, Greedy, Local, Optimal,
    Problem, Replan, Scenario, Scheduler, Series, Sweep, SweepAxis,
};
use proptest::prelude::*;

fn cases() -> u32 {
    std::env::var("GEOSHIFT_CROSSING_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(48)
}

/// A drawn scenario and the goal to solve it under.
#[derive(Debug, Clone)]
struct Case {
    scenario: Scenario,
    /// 0: least cost; 1: a cap at `level` × the least-cost plan's
    /// emissions; 2: a budget at `level` × the least total.
    goal_kind: u8,
    level: f64,
}

fn case() -> impl Strategy<Value = Case> {
    (
        (1usize..4, 1usize..3, 2usize..7, 1usize..3),
        prop_oneof![Just(0.0), Just(0.5), Just(1.0)],
        any::<bool>(),
        0.2f64..1.3,
        any::<u64>(),
        prop::collection::vec(prop_oneof![Just(0.0), Just(0.05), Just(0.4)], 6),
        prop::collection::vec(
            prop_oneof![
                Just(None),
                Just(Some(0.5)),
                Just(Some(4.0)),
                Just(Some(60.0))
            ],
            4,
        ),
        (0u8..3, 0.5f64..1.5),
        (
            prop::collection::vec(hardware_need(), 4),
            prop::bool::weighted(0.25),
            prop::sample::select(OVERLAYS.to_vec()),
        ),
    )
        .prop_map(
            |(
                (jobs, regions, slots, pools_per_region),
                whole_share,
                power_caps,
                contention,
                seed,
                rates,
                prices,
                (goal_kind, level),
                (needs, hosts, overlay),
            )| {
                let mut scenario = generate(&Params {
                    jobs,
                    regions,
                    slots,
                    pools_per_region,
                    whole_share,
                    power_caps,
                    contention,
                    seed,
                });
                for (i, pool) in scenario.pools.iter_mut().enumerate() {
                    pool.interruption_rate_per_hour = rates[i % rates.len()];
                }
                for (i, job) in scenario.jobs.iter_mut().enumerate() {
                    job.unmet_usd_per_work = prices[i % prices.len()];
                }
                if hosts {
                    with_hosts(&mut scenario);
                }
                with_hardware(&mut scenario, &needs);
                // An overlay as the command line applies it; one that
                // matches nothing here leaves the scenario as it was.
                if !overlay.is_empty() {
                    let o: geoshift::Overlay = overlay.parse().expect("a valid overlay");
                    let _ = scenario.apply(&o);
                }
                Case {
                    scenario,
                    goal_kind,
                    level,
                }
            },
        )
}

/// Overlays drawn with the rest (`--set`, `--without`, `--only` as the
/// command line writes them); "" is none.
const OVERLAYS: [&str; 6] = [
    "",
    "set carbon_price_usd_per_t=80",
    "set pool:*.interruption_rate_per_hour=0.05",
    "set job:*.min_link_gbps=20",
    "without link:*",
    "only region:r0",
];

/// What a job needs of the hardware (issue 23), drawn per job: a memory
/// floor, its own speeds, a spread limit, a link floor.
type Need = (Option<f64>, bool, Option<u32>, Option<f64>);

fn hardware_need() -> impl Strategy<Value = Need> {
    (
        prop::option::weighted(0.3, prop_oneof![Just(24.0), Just(40.0)]),
        prop::bool::weighted(0.3),
        prop::option::weighted(0.4, 1u32..3),
        prop::option::weighted(0.15, prop_oneof![Just(5.0), Just(50.0)]),
    )
}

/// Pools get an accelerator, GPUs and memory in turn (one in four states
/// none), and each job its drawn needs (a spread limit on Split jobs
/// only).
fn with_hardware(scenario: &mut Scenario, needs: &[Need]) {
    use geoshift::{Placement, Requirements};
    const HW: [Option<(&str, u32, f64)>; 4] = [
        Some(("A100", 8, 80.0)),
        Some(("RTX4090", 4, 24.0)),
        Some(("H100", 8, 80.0)),
        None,
    ];
    for (i, pool) in scenario.pools.iter_mut().enumerate() {
        if let Some((a, g, gb)) = HW[i % HW.len()] {
            pool.accelerator = Some(a.into());
            pool.gpus_per_server = Some(g);
            pool.gpu_memory_gb = Some(gb);
        }
    }
    for (i, job) in scenario.jobs.iter_mut().enumerate() {
        let (memory, speeds, max_regions, floor) = needs[i % needs.len()];
        job.requires = memory.map(|gb| Requirements::new().gpu_memory_gb(gb));
        if speeds {
            job.speed_by_accelerator = Some(
                [("A100", 0.15), ("H100", 0.3), ("RTX4090", 0.12)]
                    .into_iter()
                    .map(|(a, v)| (a.to_string(), v))
                    .collect(),
            );
        }
        if job.placement == Placement::Split {
            job.max_regions = max_regions;
        }
        job.min_link_gbps = floor;
    }
}

/// Three catalog-built marketplace hosts (the bundled Vast.ai snapshot's
/// first offers, as `geoshift catalog --into` builds them), linked to the
/// scenario's first region, vanishing at 0.01 per host-hour. The data
/// are read once.
fn with_hosts(scenario: &mut Scenario) {
    use geoshift::data::catalog::{
        offers, read_catalog, vast_snapshots, BadRows, CatalogOffers, HostLink, MarketOptions,
        OfferOptions, SpeedTable, Throughput,
    };
    use geoshift::data::{DataSet, Offer};
    use std::sync::OnceLock;
    static DATA: OnceLock<(DataSet, CatalogOffers)> = OnceLock::new();
    let (data, found) = DATA.get_or_init(|| {
        let [snapshot, ..] = vast_snapshots();
        let rows = read_catalog(snapshot.file, snapshot.text).unwrap();
        let speeds = SpeedTable::bundled(&Throughput::GeometricMean).unwrap();
        let mut found = offers(
            snapshot.file,
            &rows,
            &speeds,
            &OfferOptions::default()
                .offer(Offer::OnDemand)
                .reference_count(8.0)
                .bad_rows(BadRows::Skip),
        )
        .unwrap();
        found.offers.truncate(3);
        (DataSet::bundled().unwrap(), found)
    });
    let options = MarketOptions::default()
        .prefix("vast")
        .servers_per_offer(1.0)
        .interruption_rate_per_hour(0.01)
        .pue(1.58)
        .carbon_year(2023)
        .link(HostLink {
            region: scenario.regions[0].id.clone(),
            to_host_usd_per_gb: 0.01,
            from_host_usd_per_gb: 0.01,
            bandwidth_gbps: 1.0,
        })
        .bad_rows(BadRows::Skip);
    geoshift::data::catalog::add_marketplace(scenario, found, &options, data).unwrap();
}

/// An error that is a bug on valid input (exit 3 on the command line).
fn is_bug(e: &Error) -> bool {
    !matches!(
        e,
        Error::Infeasible(_) | Error::Goal(GoalError::Unreachable { .. })
    )
}

/// `f` applied to every value of a series.
fn map(s: &Series, f: impl Fn(f64) -> f64) -> Series {
    match s {
        Series::Constant(v) => Series::Constant(f(*v)),
        Series::PerSlot(v) => Series::PerSlot(v.iter().map(|&x| f(x)).collect()),
        Series::Points(p) => Series::Points(p.iter().map(|&(t, x)| (t, f(x))).collect()),
    }
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()).max(1.0)
}

/// The least total of `scenario` at the default optimum, if it has a plan.
fn least(scenario: &Scenario) -> Result<Option<f64>, TestCaseError> {
    let p = Problem::new(scenario).map_err(|e| TestCaseError::fail(format!("{e}")))?;
    match Optimal::default().solve(&p) {
        Ok(s) => Ok(Some(
            evaluate(&p, "optimal", &s.schedule)
                .map_err(|e| TestCaseError::fail(format!("{e}")))?
                .total_usd,
        )),
        Err(e) if !is_bug(&e) => Ok(None),
        Err(e) => Err(TestCaseError::fail(format!("re-solve: {e}"))),
    }
}

fn check(case: &Case) -> Result<(), TestCaseError> {
    let s = &case.scenario;
    let p = Problem::new(s).map_err(|e| TestCaseError::fail(format!("synth input: {e}")))?;

    // The heuristics (the bench's too): a plan the evaluator accepts, or
    // "infeasible".
    let mut heuristic_totals = Vec::new();
    for h in [
        &Local as &dyn Scheduler,
        &Greedy,
        &geoshift::EdfHome,
        &geoshift::CarbonGreedy,
        &geoshift::CheapestRegion,
        &geoshift::WaitAwhile,
    ] {
        match h.schedule(&p) {
            Ok(plan) => {
                let r = evaluate(&p, h.name(), &plan)
                    .map_err(|v| TestCaseError::fail(format!("{}: {v}", h.name())))?;
                heuristic_totals.push((h.name().to_string(), r.total_usd));
            }
            Err(e) => prop_assert!(!is_bug(&e), "{}: {e}", h.name()),
        }
    }

    // The optimum, least cost, then under the drawn goal.
    let base = match Optimal::default().solve(&p) {
        Ok(sol) => sol,
        Err(e) => {
            prop_assert!(!is_bug(&e), "optimal: {e}");
            // No plan, where a heuristic found one, is a false proof.
            prop_assert!(
                heuristic_totals.is_empty() || !matches!(e, Error::Infeasible(_)),
                "optimal: {e}, but {heuristic_totals:?}"
            );
            return Ok(());
        }
    };
    let report = evaluate(&p, "optimal", &base.schedule)
        .map_err(|v| TestCaseError::fail(format!("optimal: {v}")))?;
    prop_assert!(base.proof.bound_usd <= report.total_usd + 1e-9 * report.total_usd.abs());
    for (name, total) in &heuristic_totals {
        prop_assert!(
            report.total_usd <= total + 1e-6 * total.abs().max(1.0),
            "optimum {} dearer than {name} {total}",
            report.total_usd
        );
    }
    let goal = match case.goal_kind {
        1 => Goal::LeastCostUnderCap {
            emissions_t: report.emissions_t * case.level,
        },
        2 => Goal::LeastEmissionsUnderBudget {
            total_usd: report.total_usd * case.level,
        },
        _ => Goal::LeastCost,
    };
    match Optimal::default().goal(goal).solve(&p) {
        Ok(sol) => {
            let r = evaluate(&p, "optimal", &sol.schedule)
                .map_err(|v| TestCaseError::fail(format!("{goal}: {v}")))?;
            prop_assert!(goal.breach(&r).is_none(), "{goal}: breached");
            let objective = goal.objective_of(&r);
            prop_assert!(sol.proof.bound_usd <= objective + 1e-9 * objective.abs().max(1.0));
        }
        Err(e) => prop_assert!(!is_bug(&e), "{goal}: {e}"),
    }

    // The same optimum on microlp (the other pure-Rust solver): both are
    // proven within the default gap, so their totals agree to about twice
    // it (the check compared the evaluator's total with the report's,
    // which is the evaluator's: it could not fail).
    match Optimal::new(Backend::Microlp).solve(&p) {
        Ok(sol) if sol.proof.stopped.is_none() && base.proof.stopped.is_none() => {
            let r = evaluate(&p, "optimal", &sol.schedule)
                .map_err(|v| TestCaseError::fail(format!("microlp: {v}")))?;
            prop_assert!(sol.proof.bound_usd <= r.total_usd + 1e-9 * r.total_usd.abs());
            prop_assert!(
                close(r.total_usd, report.total_usd, 1e-6),
                "microlp {} against the default solver's {}",
                r.total_usd,
                report.total_usd
            );
        }
        Ok(_) => {}
        // The default solver found a plan: microlp has one too.
        Err(e) => prop_assert!(false, "microlp: {e}"),
    }
    // The same optimum by column generation forced on (Clarabel's rounds;
    // with HiGHS compiled in, its model kept from round to round, which
    // `Auto` uses only from 50,000 columns).
    let cg = Optimal::default().column_generation(ColumnGeneration::Always);
    match cg.solve(&p) {
        Ok(sol) if sol.proof.stopped.is_none() && base.proof.stopped.is_none() => {
            let r = evaluate(&p, "optimal", &sol.schedule)
                .map_err(|v| TestCaseError::fail(format!("column generation: {v}")))?;
            prop_assert!(
                close(r.total_usd, report.total_usd, 1e-6),
                "column generation {} against {}",
                r.total_usd,
                report.total_usd
            );
        }
        Ok(_) => {}
        Err(e) => prop_assert!(!is_bug(&e), "column generation: {e}"),
    }
    // With the interruptions ignored (`geoshift risk`'s second optimum).
    let mut ignored = s.clone();
    for pool in &mut ignored.pools {
        pool.interruption_rate_per_hour = 0.0;
    }
    let ip = Problem::new(&ignored).map_err(|e| TestCaseError::fail(format!("{e}")))?;
    match Optimal::default().solve(&ip) {
        Ok(sol) => {
            let r = evaluate(&ip, "optimal", &sol.schedule)
                .map_err(|v| TestCaseError::fail(format!("risk, interruptions ignored: {v}")))?;
            prop_assert!(sol.proof.bound_usd <= r.total_usd + 1e-9 * r.total_usd.abs());
        }
        Err(e) => prop_assert!(!is_bug(&e), "risk, interruptions ignored: {e}"),
    }

    // A sweep of the carbon price under the goal at a gap of 1e-4, on two
    // threads (by halves: $0 and $80 at once, each cold, then $40 between
    // them, from both: their proofs mixed bound it): every point a plan, its bound
    // at most its own cold solve's objective, and its objective at most
    // that one's but for its own gap.
    let sweep = Sweep::new(SweepAxis::CarbonPrice(vec![0.0, 40.0, 80.0]))
        .optimal(Optimal::default().goal(goal).gap(1e-4))
        .threads(2)
        .run(&p);
    match sweep {
        Ok(curve) => {
            for point in &curve.points {
                let mut priced = s.clone();
                priced.carbon_price_usd_per_t = point.setting;
                let pp = Problem::new(&priced).map_err(|e| TestCaseError::fail(format!("{e}")))?;
                let r = evaluate(&pp, "optimal", &point.schedule)
                    .map_err(|v| TestCaseError::fail(format!("sweep: {v}")))?;
                if let Ok(cold) = Optimal::default().goal(goal).solve(&pp) {
                    let (mine, theirs) = (goal.objective_of(&r), goal.objective_of(&cold.report));
                    let room = 1e-6 * mine.abs().max(theirs.abs()).max(1.0);
                    prop_assert!(
                        point.bound <= theirs + room,
                        "sweep at {}: bound {} above a plan of {}",
                        point.setting,
                        point.bound,
                        theirs
                    );
                    prop_assert!(
                        mine <= theirs + point.gap.max(0.0) * mine.abs() + room,
                        "sweep at {}: {} against a plan of {}",
                        point.setting,
                        mine,
                        theirs
                    );
                }
            }
        }
        Err(e) => prop_assert!(!is_bug(&e), "sweep: {e}"),
    }

    // A field sweep (`sweep --vary`) of a whole-number field over every
    // pool, under the goal: every point a plan of its own variant.
    let vary = SweepAxis::vary("pool:*.gpus_per_server=1,8").expect("an axis");
    match Sweep::new(vary)
        .optimal(Optimal::default().goal(goal))
        .run(&p)
    {
        Ok(curve) => {
            for point in &curve.points {
                let set = format!("pool:*.gpus_per_server={}", point.setting);
                let overlay = geoshift::Overlay::parse_op("set", &set)
                    .map_err(|e| TestCaseError::fail(format!("{e}")))?;
                let varied = s
                    .clone()
                    .with_overlays([&overlay])
                    .map_err(|e| TestCaseError::fail(format!("{e}")))?;
                let vp = Problem::new(&varied).map_err(|e| TestCaseError::fail(format!("{e}")))?;
                evaluate(&vp, "optimal", &point.schedule)
                    .map_err(|v| TestCaseError::fail(format!("sweep --vary: {v}")))?;
            }
        }
        Err(e) => prop_assert!(!is_bug(&e), "sweep --vary: {e}"),
    }

    // A re-plan with unchanged data, from the middle of the horizon,
    // costs what the optimum costs.
    let slots = p.slots();
    if slots >= 2 {
        let now = p.horizon().slot_start(slots / 2).expect("a slot boundary");
        let saved = base
            .schedule
            .to_saved(&p)
            .map_err(|e| TestCaseError::fail(format!("{e}")))?;
        match Replan::new(saved, now).solve(&p, &Optimal::default()) {
            Ok(r) => prop_assert!(
                close(r.report.total_usd, report.total_usd, 1e-6),
                "replan {} vs optimum {}",
                r.report.total_usd,
                report.total_usd
            ),
            Err(e) => return Err(TestCaseError::fail(format!("replan: {e}"))),
        }
    }

    // explain: values of the LP it says it solves, between the re-solves.
    let e = match explain(&p, &Optimal::default()) {
        Ok(e) => e,
        Err(e) if !matches!(e, Error::Explain(_)) && !is_bug(&e) => return Ok(()),
        Err(e) => return Err(TestCaseError::fail(format!("explain: {e}"))),
    };
    prop_assert!(close(e.total_usd, report.total_usd, 1e-6));
    // The same deadline values with the re-solves on two threads.
    match geoshift::explain_with_threads(&p, &Optimal::default(), 2) {
        Ok(t) => {
            prop_assert_eq!(t.jobs.len(), e.jobs.len());
            for (a, b) in e.jobs.iter().zip(&t.jobs) {
                let (a, b) = (&a.deadline_hour, &b.deadline_hour);
                prop_assert_eq!(a.new_slots, b.new_slots);
                match (a.saved_usd, b.saved_usd) {
                    (Some(x), Some(y)) => prop_assert!(
                        (x - y).abs() <= 1e-6 * e.total_usd.abs().max(1.0),
                        "{} on one thread, {} on two",
                        x,
                        y
                    ),
                    (x, y) => prop_assert_eq!(x.is_some(), y.is_some()),
                }
            }
        }
        Err(err) => {
            return Err(TestCaseError::fail(format!(
                "explain on two threads: {err}"
            )))
        }
    }
    // The fixed LP as a scenario: each Whole job allowed only its region.
    // A job that runs nowhere, or a Whole job with one region, egress and
    // a price (a choice to run or not), has no such scenario: the
    // re-solves would be of a MILP, whose differences the LP's rates need
    // not bracket. Those cases stop here.
    let mut fixed = s.clone();
    // A Split job whose max_regions binds is held to the regions its plan
    // uses (`regions`), as explain says its LP does.
    for f in &e.fixed_regions {
        if f.regions.is_empty() {
            return Ok(());
        }
        if let Some(job) = fixed.jobs.iter_mut().find(|j| j.id == f.job) {
            job.regions = Some(f.regions.clone());
        }
    }
    let fixed_problem = Problem::new(&fixed).map_err(|e| TestCaseError::fail(format!("{e}")))?;
    if fixed_problem
        .jobs()
        .iter()
        .any(|j| j.has_region_choice() || j.spread_binds())
    {
        return Ok(());
    }
    let fixed_total = least(&fixed)?.ok_or_else(|| TestCaseError::fail("fixed LP has no plan"))?;
    // A pool's value: one more server in every slot saves at most it, one
    // fewer costs at least it (the fixed LP is convex in capacity).
    for (k, value) in e.pools.iter().enumerate() {
        let with = |d: f64| {
            let mut t = fixed.clone();
            t.pools[k].servers = map(&t.pools[k].servers, |n| n + d);
            t
        };
        let slack = 1e-5 * fixed_total.abs().max(1.0);
        if let Some(plus) = least(&with(1.0))? {
            prop_assert!(
                fixed_total - plus <= value.usd_per_server + slack,
                "pool {}: one more saves {} > {}",
                value.id,
                fixed_total - plus,
                value.usd_per_server
            );
        }
        let fewest = match &fixed.pools[k].servers {
            Series::Constant(n) => *n,
            Series::PerSlot(v) => v.iter().copied().fold(f64::INFINITY, f64::min),
            Series::Points(p) => p.iter().map(|&(_, n)| n).fold(f64::INFINITY, f64::min),
        };
        if fewest >= 1.0 {
            if let Some(minus) = least(&with(-1.0))? {
                prop_assert!(
                    value.usd_per_server <= minus - fixed_total + slack,
                    "pool {}: one fewer costs {} < {}",
                    value.id,
                    minus - fixed_total,
                    value.usd_per_server
                );
            }
        }
    }
    // A region's power cap: one kW more in every slot, one kW less.
    for (r, region) in e.regions.iter().enumerate() {
        let (Some(kw), Some(cap)) = (region.power_usd_per_kw, fixed.regions[r].power_cap_kw) else {
            continue;
        };
        let step = (cap / 10.0).clamp(1e-3, 1.0);
        let with = |d: f64| {
            let mut t = fixed.clone();
            t.regions[r].power_cap_kw = Some(cap + d);
            t
        };
        let slack = 1e-5 * fixed_total.abs().max(1.0) / step;
        if let Some(plus) = least(&with(step))? {
            let saved = (fixed_total - plus) / step;
            prop_assert!(saved <= kw + slack, "power {}: {saved} > {kw}", region.id);
        }
        if let Some(minus) = least(&with(-step))? {
            let cost = (minus - fixed_total) / step;
            prop_assert!(kw <= cost + slack, "power {}: {kw} > {cost}", region.id);
        }
    }
    // A job's parallelism: one server more or fewer of max_servers.
    for (j, value) in e.jobs.iter().enumerate() {
        let m = fixed.jobs[j].max_servers;
        let with = |d: f64| {
            let mut t = fixed.clone();
            t.jobs[j].max_servers = m + d;
            t
        };
        let slack = 1e-5 * fixed_total.abs().max(1.0);
        if let Some(plus) = least(&with(1.0))? {
            let saved = fixed_total - plus;
            prop_assert!(
                saved <= value.usd_per_server + slack,
                "parallelism {}: one more saves {saved} > {}",
                value.id,
                value.usd_per_server
            );
        }
        if m > 1.0 {
            if let Some(minus) = least(&with(-1.0))? {
                let cost = minus - fixed_total;
                prop_assert!(
                    value.usd_per_server <= cost + slack,
                    "parallelism {}: one fewer costs {cost} < {}",
                    value.id,
                    value.usd_per_server
                );
            }
        }
    }
    for (j, value) in e.jobs.iter().enumerate() {
        let job = &p.jobs()[j];
        if job.windows.iter().any(|w| w.egress_usd != 0.0) {
            continue; // not convex in the work (see docs/MODEL.md)
        }
        let step = (job.work / 2.0).min(1.0);
        let mut more = fixed.clone();
        more.jobs[j].work += step;
        let mut less = fixed.clone();
        less.jobs[j].work -= step;
        let (Some(up), Some(down)) = (least(&more)?, least(&less)?) else {
            continue; // one more unit has no plan: no difference to compare
        };
        let (hi, lo) = ((up - fixed_total) / step, (fixed_total - down) / step);
        let tol = 1e-5 * hi.abs().max(lo.abs()).max(1.0);
        prop_assert!(
            lo - tol <= value.usd_per_work_unit && value.usd_per_work_unit <= hi + tol,
            "job {}: {lo} <= {} <= {hi}",
            value.id,
            value.usd_per_work_unit
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn every_command_holds_where_features_meet(case in case()) {
        let result = check(&case);
        // To study a failure: the failing case (the last one is the
        // smallest), as a scenario file.
        if let (Err(_), Ok(path)) = (&result, std::env::var("GEOSHIFT_CROSSING_DUMP")) {
            let json = serde_json::to_string_pretty(&case.scenario).unwrap_or_default();
            let _ = std::fs::write(path, json);
        }
        result?;
    }
}
