//! Each file under `scenarios/` is exactly what the builder makes from the
//! bundled data now (rewrite them with `cargo run --example
//! build_scenarios`), and each solves to an optimum the evaluator accepts.

#[path = "../examples/shipped/mod.rs"]
mod shipped;

use geoshift::data::DataSet;
use geoshift::{evaluate, Optimal, Problem, Scenario, Scheduler};
use std::path::Path;

fn shipped_file(name: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    Scenario::from_json(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_shipped_file_is_what_the_builder_makes() {
    let data = DataSet::bundled().unwrap();
    for (name, build) in shipped::all() {
        let built = build(&data).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            shipped_file(name) == built,
            "scenarios/{name} differs from what the builder makes now: \
             run `cargo run --example build_scenarios`"
        );
    }
}

#[test]
fn every_shipped_scenario_solves_and_is_valid() {
    let data = DataSet::bundled().unwrap();
    for (name, build) in shipped::all() {
        let scenario = build(&data).unwrap();
        let problem = Problem::new(&scenario).unwrap_or_else(|e| panic!("{name}: {e}"));
        let solution = Optimal::default()
            .solve(&problem)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let report = evaluate(&problem, "optimal", &solution.schedule)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        // Proven within the default gap, with a bound at most the total.
        let proof = &solution.proof;
        assert!(proof.stopped.is_none(), "{name}: stopped");
        assert!(proof.bound_usd <= report.total_usd + 1e-9, "{name}");
        assert!(
            proof.gap(report.total_usd) <= 1e-7,
            "{name}: gap {}",
            proof.gap(report.total_usd)
        );
        // Never dearer than a heuristic's plan, where one has a plan.
        for h in [&geoshift::Local as &dyn Scheduler, &geoshift::Greedy] {
            if let Ok(plan) = h.schedule(&problem) {
                let r = evaluate(&problem, h.name(), &plan).unwrap();
                assert!(
                    report.total_usd <= r.total_usd + 1e-6 * r.total_usd.abs(),
                    "{name}: optimum {} dearer than {} {}",
                    report.total_usd,
                    h.name(),
                    r.total_usd
                );
            }
        }
    }
}

#[test]
fn carbon_fleets_differ_only_by_the_carbon_price() {
    let data = DataSet::bundled().unwrap();
    let at = |price| shipped::carbon_priced(&data, price).unwrap();
    let (zero, mut hundred) = (at(0.0), at(100.0));
    assert_eq!(zero.carbon_price_usd_per_t, 0.0);
    assert_eq!(hundred.carbon_price_usd_per_t, 100.0);
    hundred.carbon_price_usd_per_t = 0.0;
    assert_eq!(hundred, zero);
}

/// The numbers the NY-vs-Gulf story rests on, as the data give them.
#[test]
fn ny_vs_gulf_list_prices() {
    let s = shipped_file("ny-vs-gulf.json");
    let rent = |id: &str| {
        s.pools
            .iter()
            .find(|p| p.id == id)
            .map(|p| (p.rent_usd_per_hour, p.rent_includes_energy))
            .unwrap()
    };
    assert_eq!(rent("me-west1-a100-ondemand"), (32.32579, true));
    assert_eq!(rent("us-east1-a100-ondemand"), (29.38708, true));
    assert_eq!(rent("me-west1-a100-spot"), (11.14528, true));
    assert_eq!(rent("us-east1-a100-spot"), (14.4308, true));
    assert_eq!(
        rent("ny-a100-owned"),
        (shipped::NY_OWNED_RENT_USD_PER_HOUR, false)
    );
}

/// What feature 5 of issue 9 added to the NY-vs-Gulf story, as the data
/// give it: Dammam's 8xL4 prices, the NY site's links priced as a
/// start-up's own servers (into GCP free, out at GCP's internet egress
/// 0.12 $/GB, over the assumed uplink), and spot interrupted at GCP's
/// published 15 % a day.
#[test]
fn ny_vs_gulf_reaches_dammam_and_prices_interruptions() {
    let s = shipped_file("ny-vs-gulf.json");
    let pool = |id: &str| s.pools.iter().find(|p| p.id == id).unwrap();
    assert_eq!(pool("me-central2-l4-ondemand").rent_usd_per_hour, 12.80533);
    assert_eq!(pool("me-central2-l4-spot").rent_usd_per_hour, 5.21571);
    // -ln(1 - 0.15) / 24 h = 0.0067716...
    for id in [
        "us-east1-a100-spot",
        "me-west1-a100-spot",
        "me-central2-l4-spot",
    ] {
        let rate = pool(id).interruption_rate_per_hour;
        assert!((rate - 0.006_771_622).abs() < 1e-9, "{id}: {rate}");
    }
    for id in [
        "ny-a100-owned",
        "us-east1-a100-ondemand",
        "me-central2-l4-ondemand",
    ] {
        assert_eq!(pool(id).interruption_rate_per_hour, 0.0, "{id}");
    }
    let link = |a: &str, b: &str| {
        s.links
            .iter()
            .find(|l| l.from == a && l.to == b)
            .map(|l| (l.egress_usd_per_gb, l.bandwidth_gbps))
    };
    for cloud in ["gcp-us-east1", "gcp-me-west1", "gcp-me-central2"] {
        assert_eq!(
            link("ny", cloud),
            Some((0.0, shipped::NY_UPLINK_GBPS)),
            "{cloud}"
        );
        assert_eq!(
            link(cloud, "ny"),
            Some((0.12, shipped::NY_UPLINK_GBPS)),
            "{cloud}"
        );
    }
    // No GCP inter-region price to or from Dammam is in the data.
    assert_eq!(link("gcp-us-east1", "gcp-me-central2"), None);
}

/// What issue 15 added: the marketplace's many hosts as pools (not one
/// averaged pool), each in a region of its location, priced from the
/// bundled Vast.ai snapshot, vanishing at the stated stand-in rate.
#[test]
fn ny_vs_marketplace_holds_the_hosts_as_pools() {
    use geoshift::data::catalog::{read_catalog, vast_snapshots};
    let s = shipped_file("ny-vs-marketplace.json");
    let gulf = shipped_file("ny-vs-gulf.json");
    // The NY-vs-Gulf week is in it unchanged.
    for p in &gulf.pools {
        assert!(s.pools.contains(p), "{}", p.id);
    }
    assert_eq!(s.jobs, gulf.jobs);
    let hosts: Vec<_> = s
        .pools
        .iter()
        .filter(|p| p.id.starts_with("vast-"))
        .collect();
    assert!(hosts.len() >= 30, "{} hosts", hosts.len());
    let locations: std::collections::BTreeSet<_> = hosts.iter().map(|p| &p.region).collect();
    assert!(locations.len() >= 15, "{} locations", locations.len());
    // Each host's rent is its catalog row's Price.
    let [snap, ..] = vast_snapshots();
    let rows = read_catalog(snap.file, snap.text).unwrap();
    for h in &hosts {
        assert!(h.rent_includes_energy);
        assert!(
            rows.iter()
                .any(|r| r.price_usd_per_hour == Some(h.rent_usd_per_hour)
                    && h.id
                        .ends_with(&r.instance_type.to_lowercase().replace('_', "-"))),
            "{}",
            h.id
        );
        assert!((h.interruption_rate_per_hour - 0.006_771_622).abs() < 1e-9);
    }
    let slovenia_8x = s
        .pools
        .iter()
        .find(|p| p.id == "vast-slovenia-si-eu-8x-a100-sxm4-32-65536")
        .unwrap();
    assert_eq!(slovenia_8x.rent_usd_per_hour, 5.87);
    assert_eq!(slovenia_8x.speed, 1.0);
}

/// The claim of docs/marketplace.md on the shipped assumptions: the
/// marketplace's hosts take most of the work and cut the optimum by more
/// than a fifth against the cloud-only week.
#[test]
fn the_marketplace_pays_on_the_shipped_assumptions() {
    let solve = |s: &Scenario| {
        let problem = Problem::new(s).unwrap();
        let schedule = Optimal::default().schedule(&problem).unwrap();
        evaluate(&problem, "optimal", &schedule).unwrap()
    };
    let market = shipped_file("ny-vs-marketplace.json");
    let (with, without) = (solve(&market), solve(&shipped_file("ny-vs-gulf.json")));
    assert!(
        with.total_usd < 0.8 * without.total_usd,
        "{} vs {}",
        with.total_usd,
        without.total_usd
    );
    let speed = |pool: &str| market.pools.iter().find(|p| p.id == pool).unwrap().speed;
    let (mut on_hosts, mut all) = (0.0, 0.0);
    for a in &with.assignments {
        let w = a.server_hours * speed(&a.pool);
        all += w;
        if a.pool.starts_with("vast-") {
            on_hosts += w;
        }
    }
    assert!(on_hosts > 0.5 * all, "{on_hosts} of {all}");
    // The README and the marketplace page show these two totals: they are
    // what the model computes now.
    for doc in ["README.md", "docs/marketplace.md"] {
        let text =
            std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(doc)).unwrap();
        for total in [with.total_usd, without.total_usd] {
            let shown = dollars(total, 2);
            assert!(text.contains(&shown), "{doc} does not show {shown}");
        }
    }
}

/// `$12,345.67` (or `$12,346` with no decimals), as the docs write money.
fn dollars(x: f64, decimals: usize) -> String {
    let fixed = format!("{:.*}", decimals, x.abs());
    let (whole, frac) = fixed
        .split_once('.')
        .map_or((fixed.as_str(), None), |(w, f)| (w, Some(f)));
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if x < 0.0 { "-" } else { "" };
    match frac {
        Some(f) => format!("{sign}${grouped}.{f}"),
        None => format!("{sign}${grouped}"),
    }
}

/// The README's break-even of the NY-vs-Gulf story: what Tel Aviv's GCP
/// region saves (the optimum without it less the optimum with it) as only
/// its spot price changes, rounded to the dollar as the README shows it.
#[test]
fn the_readme_tel_aviv_break_even_is_what_the_model_computes() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let gulf = shipped_file("ny-vs-gulf.json");
    let total = |s: &Scenario| {
        let problem = Problem::new(s).unwrap();
        let schedule = Optimal::default().schedule(&problem).unwrap();
        evaluate(&problem, "optimal", &schedule).unwrap().total_usd
    };
    let spot = "me-west1-a100-spot";
    let shipped = gulf
        .pools
        .iter()
        .find(|p| p.id == spot)
        .unwrap()
        .rent_usd_per_hour;
    let mut worth = Vec::new();
    for price in [shipped, 13.0, 14.0, 14.4308] {
        let mut with = gulf.clone();
        for p in with.pools.iter_mut().filter(|p| p.id == spot) {
            p.rent_usd_per_hour = price;
        }
        let mut without = with.clone();
        without.pools.retain(|p| p.region != "gcp-me-west1");
        let w = total(&without) - total(&with);
        assert!(w > -0.01, "removing a region never lowers the optimum: {w}");
        worth.push(w.max(0.0));
    }
    // It falls as the price rises, and is gone at South Carolina's price.
    assert!(worth.windows(2).all(|p| p[0] >= p[1] - 0.01), "{worth:?}");
    assert!(worth[3] < 0.005, "{worth:?}");
    // The README wraps lines: compare with its whitespace collapsed.
    let flat = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    let shown = [
        format!("Its {} rests on one GCP spot-price", dollars(worth[0], 0)),
        format!("{} at 13.00 $/h", dollars(worth[1], 0)),
        format!("{} at 14.00", dollars(worth[2], 0)),
        "$0 at South Carolina's 14.43".to_string(),
    ];
    for s in shown {
        assert!(flat.contains(&s), "README does not say: {s}");
    }
}

/// Issue 23's retelling (docs/marketplace.md, "What an engineer would
/// require", and the README's headline): the marketplace week with each
/// requirement added in turn, every optimum as the page's table shows it,
/// and where the work of the full answer goes.
#[test]
fn the_marketplace_with_requirements_is_what_the_page_says() {
    let full = shipped_file("ny-vs-marketplace-hardware.json");
    let strip = |f: &dyn Fn(&mut geoshift::Job)| {
        let mut s = full.clone();
        s.jobs.iter_mut().for_each(f);
        s
    };
    let memory_only = strip(&|j| {
        j.max_regions = None;
        j.speed_by_accelerator = None;
    });
    let memory_speeds = strip(&|j| j.max_regions = None);
    let mut no_hosts = full.clone();
    no_hosts.regions.retain(|r| !r.id.starts_with("vast-"));
    no_hosts.pools.retain(|p| !p.id.starts_with("vast-"));
    no_hosts
        .links
        .retain(|l| !l.from.starts_with("vast-") && !l.to.starts_with("vast-"));
    let solve = |s: &Scenario| {
        let problem = Problem::new(s).unwrap();
        let schedule = Optimal::default().schedule(&problem).unwrap();
        (evaluate(&problem, "optimal", &schedule).unwrap(), problem)
    };
    let base = solve(&no_hosts).0.total_usd;
    let rows = [
        ("no marketplace hosts", solve(&no_hosts).0.total_usd),
        (
            "hosts; every card serves every job at the mean speed (today's answer)",
            solve(&shipped_file("ny-vs-marketplace.json")).0.total_usd,
        ),
        (
            "+ memory floors: 40 GB cards for pretraining, 24 GB for fine-tunes",
            solve(&memory_only).0.total_usd,
        ),
        (
            "+ each job at its workload's speed",
            solve(&memory_speeds).0.total_usd,
        ),
    ];
    let (report, problem) = solve(&full);
    let page =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/marketplace.md"))
            .unwrap();
    let row = |what: &str, total: f64| {
        let saving = if total == base {
            "–".to_string()
        } else {
            format!("{:.1} %", 100.0 * (base - total) / base)
        };
        format!("| {what} | {} | {saving} |", dollars(total, 2))
    };
    let mut shown: Vec<String> = rows.iter().map(|&(w, t)| row(w, t)).collect();
    shown.push(row(
        "+ at most two regions per pretraining run (the shipped file)",
        report.total_usd,
    ));
    for line in &shown {
        assert!(
            page.contains(line.as_str()),
            "docs/marketplace.md lacks: {line}"
        );
    }
    // Each step only adds a requirement: the optimum never falls.
    let totals: Vec<f64> = rows[1..]
        .iter()
        .map(|r| r.1)
        .chain([report.total_usd])
        .collect();
    assert!(totals.windows(2).all(|w| w[1] >= w[0] - 1e-6), "{totals:?}");
    // Where the work of the full answer goes: the share on hosts, and each
    // pretraining run in at most two regions, on 40 GB cards.
    let (mut on_hosts, mut all) = (0.0, 0.0);
    for a in &report.assignments {
        let j = problem.jobs().iter().position(|j| j.id == a.job).unwrap();
        let k = problem.pools().iter().position(|p| p.id == a.pool).unwrap();
        let w = a.server_hours * problem.work_per_server_hour(j, k).unwrap();
        all += w;
        if a.pool.starts_with("vast-") {
            on_hosts += w;
        }
        let memory = full.pools[k].gpu_memory_gb.unwrap_or(0.0);
        let floor = if a.job.starts_with("pretrain") {
            40.0
        } else {
            24.0
        };
        assert!(memory >= floor, "{} on {} ({memory} GB)", a.job, a.pool);
    }
    for j in report.jobs.iter().filter(|j| j.id.starts_with("pretrain")) {
        assert!(j.regions.len() <= 2, "{}: {:?}", j.id, j.regions);
    }
    // The page's "where the work goes": each pretraining run in New York
    // and one host region, the fine-tunes each on a host in Taiwan.
    let regions = |id: &str| {
        let job = report.jobs.iter().find(|j| j.id == id).unwrap();
        job.regions.clone()
    };
    assert_eq!(regions("pretrain-ny"), ["ny", "vast-slovenia-si-eu"]);
    assert_eq!(regions("pretrain-gcs"), ["ny", "vast-hong-kong-hk-as"]);
    for j in report.jobs.iter().filter(|j| j.id.starts_with("tune")) {
        assert_eq!(j.regions, ["vast-taiwan-tw-as"], "{}", j.id);
    }
    // And its reason for what own speeds cost: BERT-large's and the
    // nine-model mean's RTX 4090 throughput, as the bundled table gives them.
    {
        use geoshift::data::catalog::{SpeedTable, Throughput};
        let rel = |t: Throughput| {
            SpeedTable::bundled(&t).unwrap().accelerators["RTX4090"].relative_throughput
        };
        let shown = format!(
            "BERT-large does {:.2} of an A100's work against the nine-model mean's {:.2}",
            rel(Throughput::Model("bert_large_squad".into())),
            rel(Throughput::GeometricMean)
        );
        let flat = page.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains(&shown), "docs/marketplace.md lacks: {shown}");
    }
    let share = format!(
        "{:.0} % of the work on marketplace hosts",
        100.0 * on_hosts / all
    );
    let flat = page.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains(&share), "docs/marketplace.md lacks: {share}");
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let readme = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    for shown in [dollars(report.total_usd, 2), share] {
        assert!(readme.contains(&shown), "README lacks: {shown}");
    }
}
