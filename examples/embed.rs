//! The smallest embedding of geoshift in a service: a typed scenario in, a
//! schedule out, no file anywhere (the real data are compiled into the
//! library by its `data` feature: `geoshift = { version = "0.1", features =
//! ["data"] }`; the command-line tool is a separate package).
//!
//! `cargo run --example embed`

use geoshift::data::ScenarioBuilder;
use geoshift::data::{Carbon, DataSet, Energy, Period, PoolSpec, Power, Pue, RegionSpec};
use geoshift::{evaluate, Job, Optimal, Problem, Report, Scenario, Scheduler};

/// What a service would expose: plan a scenario, return the priced schedule.
fn plan(scenario: &Scenario) -> Result<Report, geoshift::Error> {
    let problem = Problem::new(scenario)?;
    let schedule = Optimal::default().schedule(&problem)?;
    evaluate(&problem, "optimal", &schedule)
}

/// A request as a service might receive it: one site on the PJM market,
/// two jobs. The fleet, rent and jobs are the caller's numbers.
fn request(data: &DataSet) -> Result<Scenario, geoshift::Error> {
    let period = Period::new("2023-07-03T00:00:00Z".parse().unwrap(), 24)?;
    ScenarioBuilder::new(period)
        .region(RegionSpec::new(
            "virginia",
            Energy::market("US-MIDA-PJM"),
            Carbon::hourly("US-MIDA-PJM"),
            Pue::reference(
                "Uptime Institute survey",
                "industry average (all surveyed sites)",
                "2023",
            ),
        ))
        .pool(PoolSpec::owned(
            "h100",
            "virginia",
            4.0,
            11.0,
            Power::reference("NVIDIA DGX H100 (8 GPU)", "max_power_consumption"),
        ))
        .carbon_price(50.0)
        .job(Job::new(
            "nightly-eval",
            "virginia",
            12.0,
            period.hour(12),
            4.0,
        ))
        .job(Job::new("tune", "virginia", 30.0, period.end(), 4.0))
        .build(data)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let data = DataSet::bundled()?;
    let scenario = request(&data)?;
    let report = plan(&scenario)?;
    println!(
        "total ${:.2} (rent {:.2}, energy {:.2}, carbon {:.2})",
        report.total_usd, report.rent_usd, report.energy_usd, report.carbon_usd
    );
    for a in &report.assignments {
        println!(
            "  {} on {} in slot {:>2}: {:.2} server-hours",
            a.job, a.pool, a.slot, a.server_hours
        );
    }
    Ok(())
}
