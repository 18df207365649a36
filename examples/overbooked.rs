//! An overbooked week: the shipped `follow-the-cheap-hours` scenario (real
//! prices, see `scenarios/README.md`) with every job's work tripled, more
//! than its windows and the fleet can hold. Without a price for undone work
//! there is no plan; with one, each scheduler returns its best partial plan
//! and the report says what it leaves undone.
//!
//! `cargo run --release --example overbooked`

use geoshift::{
    evaluate, Backend, Error, Greedy, Local, Optimal, Problem, Report, Scenario, Scheduler,
};

/// `println!` into a `String`.
macro_rules! say {
    ($out:ident, $($arg:tt)*) => {{
        $out.push_str(&format!($($arg)*));
        $out.push('\n');
    }};
}

const SCENARIO: &str = include_str!("../scenarios/follow-the-cheap-hours.json");

/// ASSUMPTION (the planner's, not data): tripled work makes the week
/// overbooked.
const WORK_FACTOR: f64 = 3.0;

fn week(unmet_usd_per_work: Option<f64>) -> Result<Scenario, Error> {
    let mut scenario = Scenario::from_json(SCENARIO)?;
    for job in &mut scenario.jobs {
        job.work *= WORK_FACTOR;
        job.unmet_usd_per_work = unmet_usd_per_work;
    }
    Ok(scenario)
}

fn solve(scenario: &Scenario, s: &dyn Scheduler) -> Result<Report, Error> {
    let problem = Problem::new(scenario)?;
    let schedule = s.schedule(&problem)?;
    evaluate(&problem, s.name(), &schedule)
}

fn undone(r: &Report) -> f64 {
    r.jobs.iter().map(|j| j.unmet_work).sum()
}

fn main() -> Result<(), Error> {
    print!("{}", report()?);
    Ok(())
}

/// The optimum, pinned to microlp so that the text is the same on every
/// build (HiGHS may pick another of several least-shortfall plans).
fn optimal() -> Optimal {
    Optimal::new(Backend::Microlp)
}

/// What the example prints; `docs/unmet-work.md` shows it, and
/// `tests/doc_outputs.rs` checks that the page still says so.
pub fn report() -> Result<String, Error> {
    let mut out = String::new();
    let work: f64 = week(None)?.jobs.iter().map(|j| j.work).sum();
    say!(
        out,
        "follow-the-cheap-hours with {WORK_FACTOR}× the work: {work} work units in all\n"
    );

    say!(out, "Without a price for undone work:");
    match solve(&week(None)?, &optimal()) {
        Ok(r) => say!(
            out,
            "  a plan of {:.2} $ (not overbooked after all)",
            r.total_usd
        ),
        Err(e) => say!(out, "  {}", e.to_string().replace('\n', "\n  ")),
    }

    // ASSUMPTION: 20 $ per work unit (an H100 server-hour), about twice
    // what the scenario's cloud H100 servers rent for (11 $ per hour).
    let usd = 20.0;
    say!(out, "\nUndone work priced at {usd} $ per work unit:");
    say!(
        out,
        "  {:<8} {:>11} {:>13} {:>11} {:>12}",
        "",
        "total $",
        "money spent $",
        "undone work",
        "undone $"
    );
    let scenario = week(Some(usd))?;
    for s in [&Local as &dyn Scheduler, &Greedy, &optimal()] {
        let r = solve(&scenario, s)?;
        say!(
            out,
            "  {:<8} {:>11.2} {:>13.2} {:>11.1} {:>12.2}",
            r.scheduler,
            r.total_usd,
            r.total_usd - r.unmet_usd,
            undone(&r),
            r.unmet_usd
        );
    }

    say!(out, "\nThe optimum as the price of undone work rises:");
    say!(
        out,
        "  {:>10} {:>13} {:>11} {:>10}",
        "$ per unit",
        "money spent $",
        "undone work",
        "jobs short"
    );
    for usd in [5.0, 10.0, 12.0, 20.0, 100.0] {
        let r = solve(&week(Some(usd))?, &optimal())?;
        let short = r.jobs.iter().filter(|j| j.unmet_work > 0.0).count();
        say!(
            out,
            "  {:>10.2} {:>13.2} {:>11.1} {:>10}",
            usd,
            r.total_usd - r.unmet_usd,
            undone(&r),
            short
        );
    }
    Ok(out)
}
