//! Trade-off curves on the shipped scenarios (real prices and carbon from
//! `data/`, see `scenarios/README.md`): what cutting emissions costs on
//! `carbon-priced-0.json`, by a carbon price and by a cap; the least
//! emissions a budget buys; and what finishing every job earlier costs on
//! `ny-vs-gulf.json`.
//!
//! `cargo run --release --example sweep`; with `-- warm`, also a carbon
//! price sweep of a generated (100 jobs, 10 regions, 48 h) scenario large
//! enough for column generation, each point solved warm (the sweep) and
//! cold (a single solve), to measure what the previous plan's seed saves.

use geoshift::synth::{generate, Params};
use geoshift::{evaluate, Curve, Optimal, Problem, Scenario, Sweep, SweepAxis};
use std::time::Instant;

const CARBON_PRICED_0: &str = include_str!("../scenarios/carbon-priced-0.json");
const NY_VS_GULF: &str = include_str!("../scenarios/ny-vs-gulf.json");

fn print(curve: &Curve) {
    println!(
        "  {:>12}  {:>12}  {:>8}  {:>10}  {:>9}  {:>7}  warm",
        curve.kind.label(),
        "total $",
        "tCO2e",
        "carbon $",
        "gap",
        "seconds"
    );
    for p in &curve.points {
        println!(
            "  {:>12.4}  {:>12.2}  {:>8.4}  {:>10.2}  {:>9.1e}  {:>7.3}  {}",
            p.setting,
            p.total_usd,
            p.emissions_t,
            p.carbon_usd,
            p.gap,
            p.seconds,
            if p.warm { "yes" } else { "no" }
        );
    }
    for s in &curve.skipped {
        println!("  {:>12.4}  no plan: {}", s.setting, s.error);
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let scenario = Scenario::from_json(CARBON_PRICED_0)?;
    // Validated once: every sweep and solve below takes the same problem.
    let problem = Problem::new(&scenario)?;
    let optimal = Optimal::default();

    println!("carbon-priced-0.json: the carbon price swept ($/tCO2e)");
    let prices = SweepAxis::CarbonPrice(vec![0.0, 25.0, 50.0, 100.0, 150.0, 200.0, 300.0, 500.0]);
    let by_price = geoshift::sweep(&problem, prices, &optimal)?;
    print(&by_price);

    println!("\ncarbon-priced-0.json: least cost under an emissions cap (8 caps, automatic)");
    let by_cap = Sweep::new(SweepAxis::EmissionsCapAuto { points: 8 })
        .optimal(optimal.clone())
        .run(&problem)?;
    print(&by_cap);
    println!("  marginal cost of the last tonne cut between neighbouring caps:");
    for pair in by_cap.points.windows(2) {
        let dt = pair[0].emissions_t - pair[1].emissions_t;
        let dc = pair[1].total_usd - pair[0].total_usd;
        if dt > 0.0 {
            println!(
                "    {:.3} -> {:.3} tCO2e: ${:.2} per tCO2e",
                pair[0].emissions_t,
                pair[1].emissions_t,
                dc / dt
            );
        }
    }

    println!("\ncarbon-priced-0.json: least emissions under a budget");
    let least_cost = by_cap.points[0].total_usd;
    for extra in [0.0, 0.005, 0.01, 0.02, 0.05] {
        let budget = least_cost * (1.0 + extra);
        let solution = optimal.clone().budget(budget).solve(&problem)?;
        let r = evaluate(&problem, "optimal", &solution.schedule)?;
        println!(
            "  budget ${budget:.2} (least cost + {:.1} %): {:.4} tCO2e at ${:.2} (bound {:.4} tCO2e)",
            100.0 * extra,
            r.emissions_t,
            r.total_usd,
            solution.proof.bound_usd
        );
    }

    println!("\nny-vs-gulf.json: every deadline moved earlier (h)");
    let ny = Problem::new(&Scenario::from_json(NY_VS_GULF)?)?;
    let slack = SweepAxis::DeadlineSlack(vec![-24.0, -12.0, -6.0, -3.0, 0.0]);
    print(&geoshift::sweep(&ny, slack, &optimal)?);
    match geoshift::sweep(&ny, SweepAxis::DeadlineSlack(vec![6.0]), &optimal) {
        Err(e) => println!("  +6 h: {e}"),
        Ok(_) => println!("  +6 h: solved"),
    }
    if std::env::args().any(|a| a == "warm") {
        warm_against_cold()?;
    }
    Ok(())
}

/// The same carbon-price sweep solved warm (by `sweep`, each point seeded
/// with the previous plan) and cold (each price a single solve).
fn warm_against_cold() -> Result<(), Box<dyn std::error::Error>> {
    let scenario = generate(&Params {
        jobs: 100,
        regions: 10,
        slots: 48,
        seed: 7,
        ..Params::default()
    });
    let prices = vec![0.0, 50.0, 100.0, 150.0, 200.0];
    let optimal = Optimal::default();
    println!("\nsynth (100, 10, 48), seed 7: warm (sweep) against cold (single solves)");
    let warm = geoshift::sweep(
        &Problem::new(&scenario)?,
        SweepAxis::CarbonPrice(prices.clone()),
        &optimal,
    )?;
    println!("  $/t    warm total $   warm s  seeded   cold total $   cold s");
    for p in &warm.points {
        let mut s = scenario.clone();
        s.carbon_price_usd_per_t = p.setting;
        let problem = Problem::new(&s)?;
        let clock = Instant::now();
        let cold = optimal.solve(&problem)?;
        let cold_s = clock.elapsed().as_secs_f64();
        let cold_total = evaluate(&problem, "optimal", &cold.schedule)?.total_usd;
        println!(
            "  {:>4}  {:>13.2}  {:>7.2}  {:>6}  {:>13.2}  {:>7.2}",
            p.setting,
            p.total_usd,
            p.seconds,
            if p.warm { "yes" } else { "no" },
            cold_total,
            cold_s
        );
    }
    Ok(())
}
