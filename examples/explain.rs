//! What capacity is worth in the follow-the-cheap-hours story
//! (`scenarios/follow-the-cheap-hours.json`, built from the bundled data):
//! the optimum's duals as dollars per extra server-hour, kW and hour of
//! deadline, with the top value checked by re-solving with one more
//! server.
//!
//! `cargo run --release --example explain`

#[path = "shipped/mod.rs"]
mod shipped;

use geoshift::data::DataSet;
use geoshift::{evaluate, explain, Backend, Optimal, Problem, Scenario, Scheduler, Series};

/// `println!` into a `String`.
macro_rules! say {
    ($out:ident, $($arg:tt)*) => {{
        $out.push_str(&format!($($arg)*));
        $out.push('\n');
    }};
}
use std::time::Instant;

fn least(scenario: &Scenario) -> Result<f64, geoshift::Error> {
    let problem = Problem::new(scenario)?;
    let schedule = Optimal::new(Backend::Clarabel).schedule(&problem)?;
    Ok(evaluate(&problem, "optimal", &schedule)?.total_usd)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    print!("{}", report()?);
    Ok(())
}

/// What the example prints. Clarabel gives the duals (pinned, so that the
/// rates are the same on every build); `docs/explain.md` shows the last
/// lines, and `tests/doc_outputs.rs` checks that the page still says so.
pub fn report() -> Result<String, Box<dyn std::error::Error>> {
    let mut out = String::new();
    let data = DataSet::bundled()?;
    let scenario = shipped::follow_the_cheap_hours(&data)?;
    let problem = Problem::new(&scenario)?; // validated once
    let clock = Instant::now();
    let e = explain(&problem, &Optimal::new(Backend::Clarabel))?;
    let seconds = clock.elapsed().as_secs_f64();
    say!(
        out,
        "follow-the-cheap-hours: optimum ${:.2}, duals from {}, explained in {seconds:.2} s \
         ({} jobs, so up to {} deadline re-solves)\n",
        e.total_usd,
        e.backend,
        e.jobs.len(),
        e.jobs.len()
    );
    say!(
        out,
        "Top bottlenecks (what one more unit saves; {}):",
        e.meaning.validity
    );
    for b in e.bottlenecks().iter().take(6) {
        say!(
            out,
            "  {:<12} {:<16} ${:>9.4} per {}",
            b.limit,
            b.id,
            b.usd,
            b.unit
        );
    }
    say!(
        out,
        "\nMarginal cost of work ($ per work unit, one reference server-hour):"
    );
    for j in &e.jobs {
        say!(out, "  {:<14} {:>8.4}", j.id, j.usd_per_work_unit);
    }

    // The top pool, checked: one more server in every hour, re-solved.
    let Some(top) = e
        .pools
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.usd_per_server.total_cmp(&b.1.usd_per_server))
    else {
        return Ok(out);
    };
    let (k, pool) = top;
    let with = |d: f64| {
        let mut s = scenario.clone();
        s.pools[k].servers = match &s.pools[k].servers {
            Series::Constant(n) => Series::Constant(n + d),
            Series::PerSlot(v) => Series::PerSlot(v.iter().map(|n| n + d).collect()),
            Series::Points(p) => Series::Points(p.iter().map(|&(t, n)| (t, n + d)).collect()),
        };
        s
    };
    let saved = e.total_usd - least(&with(1.0))?;
    let cost = least(&with(-1.0))? - e.total_usd;
    say!(
        out,
        "\n{}: the duals say one more server saves ${:.4} (a rate at the optimum).\n\
         Re-solved: one more server saves ${saved:.4}, one fewer costs ${cost:.4};\n\
         the rate lies between them, as it must (the least total is convex in capacity).",
        pool.id,
        pool.usd_per_server
    );
    Ok(out)
}
