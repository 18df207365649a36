//! The NY start-up's week across (a) its own servers, (b) GCP regions incl.
//! Tel Aviv and Dammam, (c) the Vast.ai marketplace's hosts, read from the
//! bundled SkyPilot catalog snapshots: the optimum against Local and
//! Greedy, where the work goes, how the answer moves with the hosts'
//! interruption rate, the speed table and the catalog snapshot, and what
//! Tel Aviv's spot price would have to be for the Gulf story to flip.
//!
//! `cargo run --release --example marketplace` (a few minutes: each
//! optimum is a MILP of about 30 s with microlp on 2 cores).

#[path = "shipped/mod.rs"]
mod shipped;

use geoshift::data::catalog::{vast_snapshots, SpeedTable, Throughput};
use geoshift::data::DataSet;
use geoshift::{evaluate, Greedy, Local, Optimal, Problem, Report, Scenario, Scheduler};
use std::collections::BTreeMap;

fn solve(scenario: &Scenario, s: &dyn Scheduler) -> Result<Report, geoshift::Error> {
    let problem = Problem::new(scenario)?;
    let schedule = s.schedule(&problem)?;
    evaluate(&problem, s.name(), &schedule)
}

fn optimum(scenario: &Scenario) -> Result<Report, geoshift::Error> {
    solve(scenario, &Optimal::default())
}

/// Which side of the story a pool is on.
fn side(pool: &str) -> &'static str {
    if pool.starts_with("ny-") {
        "(a) own NY servers"
    } else if pool.starts_with("vast-") {
        "(c) marketplace"
    } else if pool.starts_with("me-") {
        "(b) GCP Middle East"
    } else {
        "(b) GCP South Carolina"
    }
}

/// Work units (8xA100 server-hours) done per group of pools.
fn work_by(s: &Scenario, r: &Report, group: impl Fn(&str) -> String) -> BTreeMap<String, f64> {
    let speed: BTreeMap<&str, f64> = s.pools.iter().map(|p| (p.id.as_str(), p.speed)).collect();
    let mut out = BTreeMap::new();
    for a in &r.assignments {
        let v = a.server_hours * speed.get(a.pool.as_str()).copied().unwrap_or(0.0);
        *out.entry(group(&a.pool)).or_insert(0.0) += v;
    }
    out
}

fn market_work(s: &Scenario, r: &Report) -> f64 {
    work_by(s, r, |p| side(p).to_string())
        .get("(c) marketplace")
        .copied()
        .unwrap_or(0.0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let data = DataSet::bundled()?;
    let snapshots = vast_snapshots();
    let speeds = SpeedTable::bundled(&Throughput::GeometricMean)?;
    let rate = shipped::market_interruption_rate(&data)?;

    println!("Speed table: {}", speeds.basis);
    println!("  {:<12} {:>8} {:>7}", "accelerator", "x A100", "W");
    for (name, a) in &speeds.accelerators {
        println!(
            "  {name:<12} {:>8.3} {:>7.0}",
            a.relative_throughput, a.board_power_w
        );
    }

    println!("\nCatalog snapshots (Vast.ai, catalogs/v7/vast/vms.csv):");
    for snap in &snapshots {
        let m = shipped::market_offers(snap, &speeds)?;
        let rows = m.offers.len() + m.skipped.len();
        let mut why: BTreeMap<String, usize> = BTreeMap::new();
        for sk in &m.skipped {
            *why.entry(sk.problem.to_string()).or_insert(0) += 1;
        }
        let middle_east: Vec<&str> = m
            .offers
            .iter()
            .map(|o| o.region.as_str())
            .chain(m.skipped.iter().map(|s| s.region.as_str()))
            .filter(|r| {
                matches!(
                    geoshift::data::catalog::country_code(r),
                    Some(
                        "IL" | "SA"
                            | "AE"
                            | "QA"
                            | "BH"
                            | "KW"
                            | "OM"
                            | "JO"
                            | "EG"
                            | "TR"
                            | "IQ"
                            | "IR"
                            | "LB"
                    )
                )
            })
            .collect();
        println!(
            "  {} ({} @ {}): {rows} rows, {} offers usable, {} skipped; Middle East hosts: {}",
            snap.file,
            snap.repository,
            &snap.commit[..8],
            m.offers.len(),
            m.skipped.len(),
            if middle_east.is_empty() {
                "none".to_string()
            } else {
                middle_east.join("; ")
            }
        );
        for (problem, n) in why {
            println!("    {n:>2} x {problem}");
        }
    }

    // (1) The shipped scenario: Local, Greedy, Optimal.
    let scenario = shipped::ny_vs_marketplace(&data)?;
    let gulf = shipped::ny_vs_gulf(&data)?;
    println!(
        "\nny-vs-marketplace: {} regions, {} pools ({} marketplace hosts), {} links, {} jobs",
        scenario.regions.len(),
        scenario.pools.len(),
        scenario
            .pools
            .iter()
            .filter(|p| p.id.starts_with("vast-"))
            .count(),
        scenario.links.len(),
        scenario.jobs.len()
    );
    println!(
        "\n| scheduler | total | rent | energy | egress | MWh | tCO2e | risky work | saving vs local |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut local_total = None;
    let mut best = None;
    for sch in [&Local as &dyn Scheduler, &Greedy, &Optimal::default()] {
        match solve(&scenario, sch) {
            Ok(r) => {
                let local = *local_total.get_or_insert(r.total_usd);
                println!(
                    "| {} | ${:.2} | ${:.2} | ${:.2} | ${:.2} | {:.2} | {:.2} | {:.1} % | {} |",
                    r.scheduler,
                    r.total_usd,
                    r.rent_usd,
                    r.energy_usd,
                    r.egress_usd,
                    r.energy_mwh,
                    r.emissions_t,
                    100.0 * r.risky_work_share,
                    if r.scheduler == "local" {
                        "–".to_string()
                    } else {
                        format!(
                            "${:.2} ({:.1} %)",
                            local - r.total_usd,
                            100.0 * (local - r.total_usd) / local
                        )
                    }
                );
                if r.scheduler == "optimal" {
                    best = Some(r);
                }
            }
            Err(e) => println!(
                "| {} | no plan: {} | | | | | | | |",
                sch.name(),
                e.to_string().replace('\n', " ")
            ),
        }
    }
    let Some(best) = best else {
        return Ok(());
    };
    let gulf_best = optimum(&gulf)?;
    println!(
        "\nWithout the marketplace (ny-vs-gulf.json) the optimum is ${:.2}: the marketplace \
         saves ${:.2} more ({:.1} %).",
        gulf_best.total_usd,
        gulf_best.total_usd - best.total_usd,
        100.0 * (gulf_best.total_usd - best.total_usd) / gulf_best.total_usd
    );

    println!("\nWhere the optimum's work goes (work units = 8xA100 server-hours):");
    let total_work: f64 = work_by(&scenario, &best, |_| String::new()).values().sum();
    for (g, w) in work_by(&scenario, &best, |p| side(p).to_string()) {
        println!(
            "  {g:<24} {w:>8.1}  ({:.1} %)",
            100.0 * w / total_work.max(1e-9)
        );
    }
    let accel: BTreeMap<&str, &str> = scenario
        .pools
        .iter()
        .filter(|p| p.id.starts_with("vast-"))
        .map(|p| (p.id.as_str(), p.region.as_str()))
        .collect();
    println!("  marketplace hosts used (pool: work units, server-hours):");
    let hours = {
        let mut h: BTreeMap<&str, f64> = BTreeMap::new();
        for a in &best.assignments {
            *h.entry(a.pool.as_str()).or_insert(0.0) += a.server_hours;
        }
        h
    };
    for (pool, w) in work_by(&scenario, &best, |p| p.to_string()) {
        if accel.contains_key(pool.as_str()) && w > 1e-6 {
            println!(
                "    {pool:<44} {w:>7.1} wu {:>6.1} h",
                hours.get(pool.as_str()).copied().unwrap_or(0.0)
            );
        }
    }

    // (2) What-if: the hosts' interruption rate.
    println!(
        "\nWhat-if: marketplace hosts vanish at (per host-hour; shipped {rate:.5} = 15 %/day):"
    );
    println!("| interruptions per hour | useful fraction | optimum | marketplace work units |");
    println!("|---:|---:|---:|---:|");
    for r in [0.0, rate, 0.05, 0.1, 0.2, 0.4, 0.6] {
        let s = shipped::ny_vs_marketplace_with(&data, &snapshots[0], &speeds, r)?;
        let rep = if r == rate {
            best.clone()
        } else {
            optimum(&s)?
        };
        let f = geoshift::useful_fraction(
            r,
            geoshift::DEFAULT_CHECKPOINT_INTERVAL_HOURS,
            geoshift::DEFAULT_RESTART_HOURS,
        );
        println!(
            "| {r:.5} | {:.1} % | ${:.2} | {:.1} |",
            100.0 * f,
            rep.total_usd,
            market_work(&s, &rep)
        );
    }

    // (3) What-if: the speed table.
    println!("\nWhat-if: the speed table (benchmark column used):");
    println!("| speed table | optimum | marketplace work units |");
    println!("|---|---:|---:|");
    for (label, metric) in [
        (
            "geometric mean of 9 models (shipped)",
            Throughput::GeometricMean,
        ),
        (
            "bert_large_squad only",
            Throughput::Model("bert_large_squad".into()),
        ),
        ("resnet50 only", Throughput::Model("resnet50".into())),
    ] {
        let table = SpeedTable::bundled(&metric)?;
        let s = shipped::ny_vs_marketplace_with(&data, &snapshots[0], &table, rate)?;
        let rep = if metric == Throughput::GeometricMean {
            best.clone()
        } else {
            optimum(&s)?
        };
        println!(
            "| {label} | ${:.2} | {:.1} |",
            rep.total_usd,
            market_work(&s, &rep)
        );
    }

    // (4) Price history: the same week against each snapshot.
    println!("\nPrice history: the optimum against each bundled snapshot (dates unknown):");
    println!(
        "| snapshot | repository @ commit | usable offers | optimum | marketplace work units |"
    );
    println!("|---|---|---:|---:|---:|");
    let mut totals = Vec::new();
    for (i, snap) in snapshots.iter().enumerate() {
        let s = shipped::ny_vs_marketplace_with(&data, snap, &speeds, rate)?;
        let rep = if i == 0 { best.clone() } else { optimum(&s)? };
        println!(
            "| {} | {} @ {} | {} | ${:.2} | {:.1} |",
            snap.file,
            snap.repository,
            &snap.commit[..8],
            s.pools.iter().filter(|p| p.id.starts_with("vast-")).count(),
            rep.total_usd,
            market_work(&s, &rep)
        );
        totals.push(rep.total_usd);
    }
    let (lo, hi) = totals
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &t| {
            (lo.min(t), hi.max(t))
        });
    println!(
        "  spread between snapshots: ${:.2} ({:.1} % of the lowest)",
        hi - lo,
        100.0 * (hi - lo) / lo
    );

    // (5) What would flip the Gulf story: Tel Aviv's spot price.
    println!("\nWhat Tel Aviv (GCP me-west1) is worth as only its spot price changes:");
    println!("| Tel Aviv spot $/h | worth, ny-vs-gulf | worth, with the marketplace |");
    println!("|---:|---:|---:|");
    let ta_spot = "me-west1-a100-spot";
    let shipped_price = gulf
        .pools
        .iter()
        .find(|p| p.id == ta_spot)
        .map(|p| p.rent_usd_per_hour)
        .unwrap_or(f64::NAN);
    for price in [shipped_price, 13.0, 14.0, 14.4308] {
        let mut row = Vec::new();
        for base in [&gulf, &scenario] {
            let mut with = base.clone();
            for p in with.pools.iter_mut().filter(|p| p.id == ta_spot) {
                p.rent_usd_per_hour = price;
            }
            let mut without = with.clone();
            without.pools.retain(|p| p.region != "gcp-me-west1");
            let worth = optimum(&without)?.total_usd - optimum(&with)?.total_usd;
            // A difference within a cent is the solvers' rounding: worth 0.
            row.push(if worth.abs() < 0.005 { 0.0 } else { worth });
        }
        println!("| {price:.5} | ${:.2} | ${:.2} |", row[0], row[1]);
    }

    Ok(())
}
