//! Trade-off curves on the shipped scenarios (real prices and carbon from
//! `data/`, see `scenarios/README.md`): what cutting emissions costs on
//! `carbon-priced-0.json`, by a carbon price and by a cap; the least
//! emissions a budget buys; and what finishing every job earlier costs on
//! `ny-vs-gulf.json`.
//!
//! `cargo run --release --example sweep`

use geoshift::{evaluate, Curve, Optimal, Problem, Scenario, Sweep, SweepAxis};

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
    let optimal = Optimal::default();

    println!("carbon-priced-0.json: the carbon price swept ($/tCO2e)");
    let prices = SweepAxis::CarbonPrice(vec![0.0, 25.0, 50.0, 100.0, 150.0, 200.0, 300.0, 500.0]);
    let by_price = geoshift::sweep(&scenario, prices, &optimal)?;
    print(&by_price);

    println!("\ncarbon-priced-0.json: least cost under an emissions cap (8 caps, automatic)");
    let by_cap = Sweep::new(SweepAxis::EmissionsCapAuto { points: 8 })
        .optimal(optimal.clone())
        .run(&scenario)?;
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
    let problem = Problem::new(&scenario)?;
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
    let ny = Scenario::from_json(NY_VS_GULF)?;
    let slack = SweepAxis::DeadlineSlack(vec![-24.0, -12.0, -6.0, -3.0, 0.0]);
    print(&geoshift::sweep(&ny, slack, &optimal)?);
    match geoshift::sweep(&ny, SweepAxis::DeadlineSlack(vec![6.0]), &optimal) {
        Err(e) => println!("  +6 h: {e}"),
        Ok(_) => println!("  +6 h: solved"),
    }
    Ok(())
}
