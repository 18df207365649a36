//! `geoshift bench`: the built binary on small runs. The same seeds give
//! the same JSON apart from timings; every row is re-checked by solving
//! the scenario file `--write-scenarios` wrote with `geoshift solve`; the
//! CSV holds one line per row and the chart is written.

use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_geoshift");

/// A fresh folder under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(test: &str) -> Self {
        let path =
            std::env::temp_dir().join(format!("geoshift-cli-bench-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn bench(args: &[&str]) -> Value {
    let out = Command::new(BIN).arg("bench").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn without_seconds(mut v: Value) -> Value {
    for row in v["rows"].as_array_mut().unwrap() {
        row["seconds"] = Value::Null;
    }
    for s in v["summary"].as_array_mut().unwrap() {
        s["seconds_mean"] = Value::Null;
        s["optimum_seconds_mean"] = Value::Null;
    }
    v
}

#[test]
fn the_same_seeds_give_the_same_json_and_every_row_rechecks() {
    let dir = TempDir::new("recheck");
    let scenarios = dir.0.join("scenarios");
    let csv = dir.0.join("rows.csv");
    let svg = dir.0.join("gaps.svg");
    let args = [
        "--seeds",
        "2",
        "--families",
        "slack,real-cheap-hours",
        "--json",
        "--threads",
        "2",
    ];
    let mut with_files = args.to_vec();
    let (s, c, g) = (
        scenarios.to_str().unwrap(),
        csv.to_str().unwrap(),
        svg.to_str().unwrap(),
    );
    with_files.extend(["--write-scenarios", s, "--csv", c, "--svg", g]);
    let first = bench(&with_files);
    let second = bench(&args);
    assert_eq!(without_seconds(first.clone()), without_seconds(second));

    let rows = first["rows"].as_array().unwrap();
    // 2 families × 2 seeds × (6 heuristics + the optimum).
    assert_eq!(rows.len(), 2 * 2 * 7);
    assert_eq!(
        std::fs::read_to_string(&csv).unwrap().lines().count(),
        rows.len() + 1
    );
    assert!(std::fs::read_to_string(&svg).unwrap().starts_with("<svg"));

    // Each row's total is what `geoshift solve` makes of the written file.
    for r in rows.iter().filter(|r| r["status"] == "planned") {
        let file = scenarios.join(format!(
            "{}-s{}.json",
            r["family"].as_str().unwrap(),
            r["seed"]
        ));
        let out = Command::new(BIN)
            .args(["solve", "--json", "--scheduler"])
            .arg(r["scheduler"].as_str().unwrap())
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        let (bench_total, solve_total) = (
            r["total_usd"].as_f64().unwrap(),
            report["total_usd"].as_f64().unwrap(),
        );
        assert!(
            (bench_total - solve_total).abs() <= 1e-6 * bench_total.abs().max(1.0),
            "{r}: geoshift solve gives {solve_total}"
        );
        assert!(r["gap_to_bound"].as_f64().unwrap() >= -1e-6, "{r}");
    }
}

#[test]
fn unknown_names_are_usage_errors() {
    for args in [
        ["--families", "nope"],
        ["--schedulers", "nope"],
        ["--seeds", "0"],
    ] {
        let out = Command::new(BIN).arg("bench").args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("nope") || err.contains("seeds"), "{err}");
    }
}

#[test]
fn list_names_every_family() {
    let out = Command::new(BIN)
        .args(["bench", "--list"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for f in [
        "slack",
        "tight",
        "overbooked",
        "whole",
        "capped",
        "tight-deadlines",
        "spot",
    ] {
        assert!(text.lines().any(|l| l == f), "{f} missing from:\n{text}");
    }
}

/// The run shown in docs/bench.md: seeds 1 and 2 of every default family
/// give the gaps and statuses of `docs/bench/rows.csv` (timings aside).
#[test]
fn the_documented_run_is_reproduced() {
    let csv = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/bench/rows.csv"),
    )
    .unwrap();
    let run = bench(&["--seeds", "2", "--json"]);
    let rows = run["rows"].as_array().unwrap();
    assert!(!rows.is_empty());
    for r in rows {
        let key = format!(
            "{},{},{},",
            r["family"].as_str().unwrap(),
            r["seed"],
            r["scheduler"].as_str().unwrap()
        );
        let line = csv
            .lines()
            .find(|l| l.starts_with(&key))
            .unwrap_or_else(|| panic!("docs/bench/rows.csv has no row {key}"));
        // The first 12 fields hold no comma; the reason comes last.
        let fields: Vec<&str> = line.splitn(14, ',').collect();
        assert_eq!(fields[3], r["status"].as_str().unwrap(), "{key}");
        if !fields[9].is_empty() {
            continue; // the optimum was stopped by its time limit: machine-dependent
        }
        match (fields[10].parse::<f64>().ok(), r["gap"].as_f64()) {
            (Some(doc), Some(now)) => assert!((doc - now).abs() <= 1e-6, "{key}: {doc} vs {now}"),
            (doc, now) => assert_eq!(doc, now, "{key}"),
        }
    }
}
