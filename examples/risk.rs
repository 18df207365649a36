//! Capacity that can vanish, with the library API: one region with
//! on-demand servers and cheaper spot servers that are interrupted, a job
//! that checkpoints, and the optimum with the interruptions priced and
//! ignored.
//!
//! `cargo run --example risk`

use geoshift::{
    evaluate, useful_fraction, Horizon, Job, Optimal, Pool, Problem, Region, Report, Scenario,
    Scheduler,
};

fn optimum(s: &Scenario) -> Result<Report, geoshift::Error> {
    let p = Problem::new(s)?;
    evaluate(&p, "optimal", &Optimal::default().schedule(&p)?)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let h = Horizon::new("2026-06-01T00:00:00Z".parse()?, 3600, 48);
    let deadline = h.slot_end(47).ok_or("a 48-slot horizon")?;
    // ASSUMPTIONS of the example: prices, fleet and job are made up to
    // show the mechanics; none of them is data.
    let scenario = |spot_rate: f64| {
        Scenario::builder(h.clone())
            .region(Region::builder("cloud").pue(1.1).price_usd_per_mwh(0.0))
            .pool(
                Pool::builder("on-demand", "cloud")
                    .servers(8.0)
                    .rent_usd_per_hour(30.0)
                    .power_kw(6.5),
            )
            .pool(
                Pool::builder("spot", "cloud")
                    .servers(4.0)
                    .rent_usd_per_hour(11.0)
                    .power_kw(6.5)
                    .interruption_rate_per_hour(spot_rate),
            )
            .job(
                Job::builder("pretrain", "cloud")
                    .work(300.0)
                    .deadline(deadline)
                    .max_servers(12.0)
                    .checkpoint_interval_hours(2.0)
                    .restart_hours(0.5),
            )
            .build()
    };
    println!("useful fraction of a spot server-hour, checkpoint every 2 h, restart 0.5 h:");
    for rate in [0.0, 0.01, 0.1, 0.3] {
        println!(
            "  {rate:>5} interruptions/h -> {:.3}",
            useful_fraction(rate, 2.0, 0.5)
        );
    }
    let ignored = optimum(&scenario(0.0))?;
    println!("\n{:>8} {:>12} {:>8}", "rate/h", "expected $", "risky");
    println!(
        "{:>8} {:>12.2} {:>7.1}%   (interruptions ignored)",
        0.0,
        ignored.total_usd,
        100.0 * ignored.risky_work_share
    );
    for rate in [0.01, 0.1, 0.3] {
        match optimum(&scenario(rate)) {
            Ok(r) => println!(
                "{rate:>8} {:>12.2} {:>7.1}%",
                r.total_usd,
                100.0 * r.risky_work_share
            ),
            Err(e) => println!("{rate:>8} refused: {e}"),
        }
    }
    // Below the floor the pair is an error, not a clamp.
    if let Err(e) = Problem::new(&scenario(0.5)) {
        println!("\nrate 0.5: {e}");
    }
    Ok(())
}
