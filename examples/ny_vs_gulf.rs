//! The NY-vs-Gulf story in Rust: builds the scenario of
//! `scenarios/ny-vs-gulf.json` with the data builder, solves it with Local,
//! Greedy and Optimal, and shows where the saving comes from; then asks
//! what Tel Aviv is worth: with and without spot capacity, with home
//! capacity short, and under a carbon price; whether spot in the Middle
//! East still pays once its interruptions are priced; where Dammam (GCP
//! me-central2) pays; and why the UAE (AWS me-central-1) is not in it.
//!
//! `cargo run --release --example ny_vs_gulf`

#[path = "shipped/mod.rs"]
mod shipped;

use geoshift::data::{
    Bandwidth, Carbon, Catalog, DataSet, Egress, Energy, LinkSpec, Offer, PoolSpec, Power, Pue,
    RegionSpec,
};
use geoshift::{evaluate, Backend, Greedy, Local, Optimal, Problem, Report, Scenario, Scheduler};

/// `println!` into a `String`.
macro_rules! say {
    ($out:ident, $($arg:tt)*) => {{
        $out.push_str(&format!($($arg)*));
        $out.push('\n');
    }};
}

/// The optimum, pinned to microlp (what `auto` picks here without HiGHS),
/// so that the text is the same on every build.
fn microlp() -> Optimal {
    Optimal::new(Backend::Microlp)
}
use std::collections::BTreeMap;

fn solve(scenario: &Scenario, s: &dyn Scheduler) -> Result<Report, geoshift::Error> {
    let problem = Problem::new(scenario)?;
    let schedule = s.schedule(&problem)?;
    evaluate(&problem, s.name(), &schedule)
}

/// Server-hours per pool.
fn by_pool(r: &Report) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    for a in &r.assignments {
        *out.entry(a.pool.clone()).or_insert(0.0) += a.server_hours;
    }
    out
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    print!("{}", report()?);
    Ok(())
}

/// What the example prints; `docs/risk.md` shows part of it, and
/// `tests/doc_outputs.rs` checks that the page still says so.
pub fn report() -> Result<String, Box<dyn std::error::Error>> {
    let mut out = String::new();
    let out = &mut out;
    let data = DataSet::bundled()?;
    let period = shipped::ny_vs_gulf_period();
    let scenario = shipped::ny_vs_gulf_builder(period)
        .jobs(shipped::ny_vs_gulf_jobs(period))
        .build(&data)?;

    say!(out, "List prices (host + GPUs), $ per server-hour:");
    for (region, instance) in [
        ("us-east1", shipped::A2_8G),
        ("me-west1", shipped::A2_8G),
        ("me-central2", shipped::G2_96),
    ] {
        let od = data.gpu_offer("gcp", region, instance, Offer::OnDemand)?;
        let spot = data.gpu_offer("gcp", region, instance, Offer::Spot)?;
        say!(
            out,
            "  {region:<11} {}x{:<9} on-demand {:>8.5}  spot {:>8.5}",
            od.gpu_count,
            od.gpu_type,
            od.usd_per_hour,
            spot.usd_per_hour
        );
    }
    say!(
        out,
        "  ny owned  {:>8.2} (ASSUMPTION: amortised cost) + NYISO energy\n",
        shipped::NY_OWNED_RENT_USD_PER_HOUR
    );

    let schedulers: [&dyn Scheduler; 3] = [&Local, &Greedy, &microlp()];
    let mut reports = Vec::new();
    say!(
        out,
        "{:<8} {:>11} {:>11} {:>9} {:>8} {:>8} {:>7} {:>7}",
        "",
        "total $",
        "rent $",
        "energy $",
        "carbon $",
        "egress $",
        "MWh",
        "tCO2e"
    );
    for s in schedulers {
        match solve(&scenario, s) {
            Ok(r) => {
                say!(
                    out,
                    "{:<8} {:>11.2} {:>11.2} {:>9.2} {:>8.2} {:>8.2} {:>7.2} {:>7.2}",
                    r.scheduler,
                    r.total_usd,
                    r.rent_usd,
                    r.energy_usd,
                    r.carbon_usd,
                    r.egress_usd,
                    r.energy_mwh,
                    r.emissions_t
                );
                reports.push(r);
            }
            Err(e) => say!(out, "{:<8} no schedule: {e}", s.name()),
        }
    }
    let (Some(local), Some(optimal)) = (
        reports.iter().find(|r| r.scheduler == "local"),
        reports.iter().find(|r| r.scheduler == "optimal"),
    ) else {
        return Ok(std::mem::take(out));
    };

    say!(
        out,
        "\nSaving of optimal over local: ${:.2} ({:.1}%)",
        local.total_usd - optimal.total_usd,
        100.0 * (local.total_usd - optimal.total_usd) / local.total_usd
    );
    say!(
        out,
        "  rent {:+.2}  energy {:+.2}  carbon {:+.2}  egress {:+.2}  (optimal - local, $)",
        optimal.rent_usd - local.rent_usd,
        optimal.energy_usd - local.energy_usd,
        optimal.carbon_usd - local.carbon_usd,
        optimal.egress_usd - local.egress_usd
    );

    say!(out, "\nServer-hours per pool:        local   optimal");
    let (lp, op) = (by_pool(local), by_pool(optimal));
    for pool in &scenario.pools {
        let l = lp.get(&pool.id).copied().unwrap_or(0.0);
        let o = op.get(&pool.id).copied().unwrap_or(0.0);
        say!(
            out,
            "  {:<24} {:>8.1} {:>9.1}   at {:.5} $/h, {:.5} interruptions/h",
            pool.id,
            l,
            o,
            pool.rent_usd_per_hour,
            pool.interruption_rate_per_hour
        );
    }
    say!(
        out,
        "Share of the work on capacity that can vanish: local {:.1}%, optimal {:.1}% \
         (costs are expected values)",
        100.0 * local.risky_work_share,
        100.0 * optimal.risky_work_share
    );

    say!(
        out,
        "\nJobs whose region or cost changed (local -> optimal):"
    );
    for (l, o) in local.jobs.iter().zip(&optimal.jobs) {
        if l.regions != o.regions || (l.cost_usd - o.cost_usd).abs() > 0.5 {
            say!(
                out,
                "  {:<13} {:<28} -> {:<28} ${:>9.2} -> ${:>9.2} (egress ${:.2})",
                l.id,
                l.regions.join("+"),
                o.regions.join("+"),
                l.cost_usd,
                o.cost_usd,
                o.egress_usd
            );
        }
    }

    // What is Tel Aviv worth? The optimum with and without its pools, with
    // and without spot capacity anywhere.
    let without = |s: &Scenario, drop: &dyn Fn(&geoshift::Pool) -> bool| {
        let mut s = s.clone();
        s.pools.retain(|p| !drop(p));
        s
    };
    let no_ta = without(&scenario, &|p| p.region == "gcp-me-west1");
    let od_only = without(&scenario, &|p| p.id.ends_with("-spot"));
    let od_no_ta = without(&od_only, &|p| p.region == "gcp-me-west1");
    let cost = |s: &Scenario| solve(s, &microlp()).map(|r| r.total_usd);
    let (full, no_ta, od, od_no_ta) = (
        optimal.total_usd,
        cost(&no_ta)?,
        cost(&od_only)?,
        cost(&od_no_ta)?,
    );
    say!(
        out,
        "\nWhat Tel Aviv (GCP me-west1) is worth to the optimum:"
    );
    say!(
        out,
        "  with spot:      ${full:>10.2} with Tel Aviv, ${no_ta:>10.2} without: worth ${:.2}",
        no_ta - full
    );
    say!(
        out,
        "  on-demand only: ${od:>10.2} with Tel Aviv, ${od_no_ta:>10.2} without: worth ${:.2}",
        od_no_ta - od
    );
    say!(
        out,
        "  so of the ${:.2} saving, ${:.2} is Tel Aviv's spot price and egress; the rest,\n  \
         ${:.2}, is the idle NY servers and not rushing into on-demand capacity.",
        local.total_usd - full,
        no_ta - full,
        local.total_usd - no_ta
    );

    // Two more questions a team asks: what if home capacity were short, and
    // what does a carbon price do? (Tel Aviv's grid, 502 g/kWh yearly, is
    // dirtier than New York's hourly NYISO mix; South Carolina's is 633.)
    let mut home_short = scenario.clone();
    for p in home_short.pools.iter_mut().filter(|p| p.region == "ny") {
        p.servers = geoshift::Series::Constant(4.0); // half the 8 owned servers
    }
    let mut carbon_priced = scenario.clone();
    carbon_priced.carbon_price_usd_per_t = 100.0;
    say!(
        out,
        "\nWhat Tel Aviv is worth in variants of the story (spot capacity as shipped):"
    );
    for (label, variant) in [
        ("NY servers 8 -> 4", &home_short),
        ("carbon 100 $/tCO2e", &carbon_priced),
    ] {
        let with = cost(variant);
        let without_ta = cost(&without(variant, &|p| p.region == "gcp-me-west1"));
        match (with, without_ta) {
            (Ok(w), Ok(wo)) => say!(
                out,
                "  {label:<19} ${w:>10.2} with Tel Aviv, ${wo:>10.2} without: worth ${:.2}",
                wo - w
            ),
            (w, wo) => say!(out, "  {label:<19} with: {w:?}, without: {wo:?}"),
        }
    }

    spot_with_interruptions(out, &scenario, &data)?;
    dammam(out, &scenario)?;
    uae(out, &data);
    Ok(std::mem::take(out))
}

/// Server-hours of the optimum on the pools whose id starts with `prefix`.
fn hours_on(r: &Report, prefix: &str) -> f64 {
    r.assignments
        .iter()
        .filter(|a| a.pool.starts_with(prefix))
        .map(|a| a.server_hours)
        .fold(0.0, |a, b| a + b)
}

/// Does spot in the Middle East still pay once interruptions are priced?
/// The optimum with every spot pool interrupted at GCP's published edges
/// (the shipped scenario uses the upper one), and with none.
fn spot_with_interruptions(
    out: &mut String,
    scenario: &Scenario,
    data: &DataSet,
) -> Result<(), Box<dyn std::error::Error>> {
    use geoshift::data::Edge;
    let rate = |edge| data.interruption_rate_per_hour("gcp", shipped::GCP_PREEMPTION, edge);
    let with_rate = |r: f64| {
        let mut s = scenario.clone();
        for p in s.pools.iter_mut().filter(|p| p.id.ends_with("-spot")) {
            p.interruption_rate_per_hour = r;
        }
        s
    };
    let f = |r: f64| {
        geoshift::useful_fraction(
            r,
            geoshift::DEFAULT_CHECKPOINT_INTERVAL_HOURS,
            geoshift::DEFAULT_RESTART_HOURS,
        )
    };
    say!(
        out,
        "\nSpot with its interruptions priced (GCP: 5-15 % of preemptible VMs a day, \
         historically;\njobs checkpoint every {} h and restart in {} h, the crate's defaults):",
        geoshift::DEFAULT_CHECKPOINT_INTERVAL_HOURS,
        geoshift::DEFAULT_RESTART_HOURS
    );
    say!(
        out,
        "  {:<30} {:>9} {:>8} {:>10} {:>14} {:>6}",
        "spot interrupted",
        "per hour",
        "useful",
        "optimum $",
        "Tel Aviv spot",
        "risky"
    );
    for (label, r) in [
        ("never (not risky)", 0.0),
        ("5 %/day (low edge)", rate(Edge::Low)?),
        ("15 %/day (high edge, shipped)", rate(Edge::High)?),
    ] {
        let rep = solve(&with_rate(r), &microlp())?;
        say!(
            out,
            "  {label:<30} {r:>9.5} {:>7.2}% {:>10.2} {:>11.1} sh {:>5.1}%",
            100.0 * f(r),
            rep.total_usd,
            hours_on(&rep, "me-west1-a100-spot"),
            100.0 * rep.risky_work_share
        );
    }
    let (spot, od) = (
        data.gpu_offer("gcp", "me-west1", shipped::A2_8G, Offer::Spot)?,
        data.gpu_offer("gcp", "me-west1", shipped::A2_8G, Offer::OnDemand)?,
    );
    say!(
        out,
        "  Tel Aviv spot costs {:.2} $ per useful server-hour even at the model's floor \
         (useful fraction {}),\n  still below its on-demand {:.2} $: within the model \
         interruptions never make it the dearer one.",
        spot.usd_per_hour / geoshift::MIN_USEFUL_FRACTION,
        geoshift::MIN_USEFUL_FRACTION,
        od.usd_per_hour
    );
    Ok(())
}

/// Where Dammam (GCP me-central2, 8xL4 only) pays: its server-hours in the
/// optimum as the assumed work of an 8xL4 server moves.
fn dammam(out: &mut String, scenario: &Scenario) -> Result<(), Box<dyn std::error::Error>> {
    say!(
        out,
        "\nDammam (GCP me-central2) has no A100 in the data, only 8xL4 servers. Their \
         speed is an\nASSUMPTION (shipped: {} of an 8xA100 server-hour); the optimum as it moves:",
        shipped::L4X8_SPEED
    );
    say!(
        out,
        "  {:<14} {:>11} {:>14} {:>16}",
        "8xL4 speed",
        "optimum $",
        "Dammam spot",
        "Dammam on-demand"
    );
    for speed in [shipped::L4X8_SPEED, 0.5, 0.75, 1.0] {
        let mut s = scenario.clone();
        for p in s
            .pools
            .iter_mut()
            .filter(|p| p.id.starts_with("me-central2"))
        {
            p.speed = speed;
        }
        let rep = solve(&s, &microlp())?;
        say!(
            out,
            "  {speed:<14} {:>11.2} {:>11.1} sh {:>13.1} sh",
            rep.total_usd,
            hours_on(&rep, "me-central2-l4-spot"),
            hours_on(&rep, "me-central2-l4-ondemand")
        );
    }
    Ok(())
}

/// The UAE (AWS me-central-1): the data list its 4xL4 on-demand price but
/// no internet egress price for the region, so the builder refuses the
/// link back to New York rather than guess one.
fn uae(out: &mut String, data: &DataSet) {
    let period = shipped::ny_vs_gulf_period();
    let built = shipped::ny_vs_gulf_builder(period)
        .region(RegionSpec::new(
            "aws-me-central-1",
            Energy::InRent,
            Carbon::yearly("AE", 2023),
            Pue::reference("AWS", "global fleet", "2024"),
        ))
        .pool(PoolSpec::cloud(
            "me-central-1-l4-ondemand",
            "aws-me-central-1",
            16.0,
            Catalog::new("aws", "me-central-1", "g6.24xlarge"),
            Offer::OnDemand,
            Power::reference_times("NVIDIA L4 (per GPU)", "thermal_design_power", 4),
        ))
        .link(LinkSpec::new(
            "ny",
            "aws-me-central-1",
            Egress::ingress("aws", "me-central-1"),
            Bandwidth::Assumed(shipped::NY_UPLINK_GBPS),
        ))
        .link(LinkSpec::new(
            "aws-me-central-1",
            "ny",
            Egress::internet("aws", "me-central-1"),
            Bandwidth::Assumed(shipped::NY_UPLINK_GBPS),
        ))
        .build(data);
    let spot = data.gpu_offer("aws", "me-central-1", "g6.24xlarge", Offer::Spot);
    say!(out, "\nThe UAE (AWS me-central-1):");
    match built {
        Ok(_) => say!(out, "  built (the data now price its internet egress)"),
        Err(e) => say!(out, "  not in the story: {e}"),
    }
    if let Err(e) = spot {
        say!(out, "  and its spot price: {e}");
    }
}
