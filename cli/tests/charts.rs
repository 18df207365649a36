//! The committed charts read: at most eight series each (the rest summed
//! as one), no energy-price line for a region whose rent includes energy,
//! and explain's chart over dates with its legend beside the data. The
//! charts themselves are kept current by `docs.rs` (`ARTIFACTS`); this
//! test reads what they show.

use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_geoshift");

/// The most series a chart draws (`plot::MAX_SERIES`).
const MAX_SERIES: usize = 8;

/// Legend entries that are not series.
const FIXED: [&str; 4] = [
    "eligible slots",
    "deadline",
    "deadline off the axis",
    "price 0 $/MWh",
];

/// The colour of the legend's i-th series, as `plot.rs` orders them
/// (Tableau 10 without its pink and grey).
const SERIES: [(u8, u8, u8); 8] = [
    (0x4e, 0x79, 0xa7),
    (0xf2, 0x8e, 0x2b),
    (0x59, 0xa1, 0x4f),
    (0xe1, 0x57, 0x59),
    (0x76, 0xb7, 0xb2),
    (0xed, 0xc9, 0x48),
    (0xb0, 0x7a, 0xa1),
    (0x9c, 0x75, 0x5f),
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("cli/ is inside the workspace")
        .to_path_buf()
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The first lines of the legend's entries, in order: the labels drawn in
/// the text colour in the legend panel's column (x = 840 of 1000).
fn legend(svg: &str) -> Vec<String> {
    svg.split("<text ")
        .skip(1)
        .filter(|t| t.starts_with("x=\"840\""))
        .filter_map(|t| {
            let (attrs, rest) = t.split_once('>')?;
            attrs.contains("fill=\"#222222\"").then(|| {
                rest.split('<')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_string()
            })
        })
        .collect()
}

/// The legend's series (its entries but the fixed ones).
fn series(svg: &str) -> Vec<String> {
    legend(svg)
        .into_iter()
        .filter(|e| !FIXED.contains(&e.as_str()))
        .collect()
}

/// The stroke of the price line of the legend's i-th series (its colour
/// darkened by 30 %).
fn price_stroke(i: usize) -> String {
    let (r, g, b) = SERIES[i];
    let d = |c: u8| (f64::from(c) * 0.7).round() as u8;
    format!("stroke=\"#{:02X}{:02X}{:02X}\"", d(r), d(g), d(b))
}

#[test]
fn every_committed_chart_draws_at_most_eight_series() {
    for path in [
        "docs/marketplace/servers-by-region.svg",
        "docs/marketplace/job-timeline.svg",
        "docs/ny-vs-gulf/servers-by-region.svg",
        "docs/ny-vs-gulf/job-timeline.svg",
        "docs/explain/capacity-value.svg",
    ] {
        let svg = read(path);
        let s = series(&svg);
        assert!(!s.is_empty() && s.len() <= MAX_SERIES, "{path}: {s:?}");
        assert!(
            !svg.contains("more</text>") && !svg.contains("+1 more"),
            "{path}"
        );
        // No two series share a name.
        let mut names = s.clone();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), s.len(), "{path}: {s:?}");
    }
}

/// Which regions of a scenario have pools and only pools whose rent
/// includes energy.
fn energy_in_rent(scenario: &str) -> HashMap<String, bool> {
    let v: Value = serde_json::from_str(&read(scenario)).unwrap();
    let mut all: HashMap<String, bool> = HashMap::new();
    for p in v["pools"].as_array().unwrap() {
        let region = p["region"].as_str().unwrap().to_string();
        let included = p["rent_includes_energy"].as_bool().unwrap_or(false);
        let e = all.entry(region).or_insert(true);
        *e = *e && included;
    }
    all
}

#[test]
fn price_lines_only_where_the_energy_is_paid() {
    for (scenario, svg) in [
        (
            "scenarios/ny-vs-marketplace.json",
            "docs/marketplace/servers-by-region.svg",
        ),
        (
            "scenarios/ny-vs-gulf.json",
            "docs/ny-vs-gulf/servers-by-region.svg",
        ),
    ] {
        let included = energy_in_rent(scenario);
        let svg = read(svg);
        let s = series(&svg);
        let mut lines = 0;
        for (i, name) in s.iter().enumerate() {
            let Some(&rent_pays) = included.get(name) else {
                assert!(name.ends_with("other regions"), "{scenario}: {name}");
                continue;
            };
            assert_eq!(
                svg.contains(&price_stroke(i)),
                !rent_pays,
                "{scenario}: series {i} ({name}) has a price line iff its energy is paid"
            );
            lines += usize::from(!rent_pays);
        }
        // New York's own servers pay the grid: the one line in both.
        assert_eq!(lines, 1, "{scenario}");
        assert_eq!(s[..].iter().filter(|n| *n == "ny").count(), 1);
        assert!(svg.contains("no line: rent includes energy"));
    }
    // The marketplace's 24 regions: the seven of the most work, the
    // rest summed, as docs/marketplace.md says.
    let s = series(&read("docs/marketplace/servers-by-region.svg"));
    assert_eq!(s.len(), 8);
    assert_eq!(s[7], "17 other regions");
}

#[test]
fn explains_chart_has_dates_and_its_legend_beside_the_data() {
    let svg = read("docs/explain/capacity-value.svg");
    assert!(svg.contains("time (UTC), 72 slots of 1 h from 2023-06-30 00:00"));
    assert!(svg.contains("Jul 01") && svg.contains("Jul 02"));
    assert!(!svg.contains("hours from"));
    // The legend is in its own panel right of the chart (x >= 790 of
    // 1000): every line but the legend's swatches (two points, in the
    // panel) stays left of it.
    let entries = legend(&svg);
    assert!(
        entries.contains(&"frankfurt-h100".to_string()),
        "{entries:?}"
    );
    let mut right = 0;
    for line in svg.split("<polyline").skip(1) {
        let Some(points) = line.split("points=\"").nth(1) else {
            continue;
        };
        let xs: Vec<i32> = points
            .split('"')
            .next()
            .unwrap_or_default()
            .split_whitespace()
            .filter_map(|pt| pt.split(',').next()?.parse().ok())
            .collect();
        let swatch = xs.len() == 2 && xs.iter().all(|&x| x >= 790);
        if !swatch {
            right = right.max(xs.into_iter().max().unwrap_or(0));
        }
    }
    assert!(right > 600 && right < 790, "data reach x = {right}");
}

/// Ten pools of one server each, the cheapest nine needed: nine pools
/// worth something, one worth nothing, so the legend sums three.
#[test]
fn explain_with_many_pools_keeps_eight_entries() {
    let dir = std::env::temp_dir().join(format!("geoshift-charts-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let regions: Vec<Value> = (0..10)
        .map(|i| json!({"id": format!("r{i}"), "pue": 1.0, "price_usd_per_mwh": 10 * (i + 1)}))
        .collect();
    let pools: Vec<Value> = (0..10)
        .map(|i| {
            json!({"id": format!("pool-{i}"), "region": format!("r{i}"), "servers": 1,
                   "rent_usd_per_hour": 1, "power_kw": 10})
        })
        .collect();
    let links: Vec<Value> = (1..10)
        .map(|i| {
            json!({"from": "r0", "to": format!("r{i}"), "bandwidth_gbps": 100,
                   "egress_usd_per_gb": 0})
        })
        .collect();
    let scenario = json!({
        "horizon": {"start": "2026-06-01T00:00:00Z", "slot_seconds": 3600, "slots": 4},
        "regions": regions, "pools": pools, "links": links,
        "jobs": [{"id": "train", "origin": "r0", "work": 36,
                  "deadline": "2026-06-01T04:00:00Z", "max_servers": 10}]
    });
    let file = dir.join("ten.json");
    std::fs::write(&file, scenario.to_string()).unwrap();
    let out = dir.join("out");
    let run = Command::new(BIN)
        .arg("explain")
        .arg(&file)
        .args(["--solver", "clarabel", "--out"])
        .arg(&out)
        .env("GEOSHIFT_PROGRESS", "0")
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let svg = std::fs::read_to_string(out.join("capacity-value.svg")).unwrap();
    let entries = legend(&svg);
    assert_eq!(entries.len(), MAX_SERIES, "{entries:?}");
    // The six pools of the highest values (the cheapest regions), the
    // rest as one line, the idle one.
    let top: Vec<String> = (0..6).map(|i| format!("pool-{i} (r{i})")).collect();
    assert_eq!(entries[..6], top[..]);
    assert_eq!(entries[6], "3 other pools");
    assert_eq!(entries[7], "pool-9");
    assert!(svg.contains("2026-06-01 00:00"));
    let _ = std::fs::remove_dir_all(&dir);
}
