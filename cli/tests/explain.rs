//! `geoshift explain`: the built binary on a small scenario whose values
//! are checked by hand (see the library's `tests/explain.rs`): the table
//! states what each value means, the JSON holds the values, `--out`
//! writes the chart, and a Whole job with a choice is refused by name.

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_geoshift");

/// A fresh folder under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(test: &str) -> Self {
        let path = std::env::temp_dir().join(format!(
            "geoshift-explain-test-{}-{test}",
            std::process::id()
        ));
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

/// One pool of two 1 MW servers at 50, 90, 90 and 10 $/MWh; one job of
/// 3.5 units due at 03:00 (`placement` as given). By hand: the first hour
/// is full and one more server-hour in it saves 90 - 50 = 40 $; one more
/// work unit costs 90 $; the deadline an hour later saves 140 $.
fn scenario(dir: &TempDir, placement: &str) -> PathBuf {
    let json = format!(
        r#"{{
        "horizon": {{"start": "2026-06-01T00:00:00Z", "slot_seconds": 3600, "slots": 4}},
        "regions": [{{"id": "r", "pue": 1.0, "price_usd_per_mwh": [50, 90, 90, 10]}},
                    {{"id": "s", "pue": 1.0, "price_usd_per_mwh": 500}}],
        "pools": [{{"id": "p", "region": "r", "servers": 2, "rent_usd_per_hour": 0, "power_kw": 1000}},
                  {{"id": "q", "region": "s", "servers": 2, "rent_usd_per_hour": 0, "power_kw": 1000}}],
        "links": [{{"from": "r", "to": "s", "bandwidth_gbps": 10, "egress_usd_per_gb": 0}}],
        "jobs": [{{"id": "train", "origin": "r", "work": 3.5, "deadline": "2026-06-01T03:00:00Z",
                   "max_servers": 4, "placement": "{placement}"}}]
    }}"#
    );
    let path = dir.0.join("s.json");
    std::fs::write(&path, json).unwrap();
    path
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().expect("run geoshift")
}

#[test]
fn the_table_names_the_bottlenecks_and_says_what_they_mean() {
    let dir = TempDir::new("table");
    let s = scenario(&dir, "split");
    let o = run(&["explain", s.to_str().unwrap()]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}");
    // Largest first: the deadline hour (140 $), then the pool (40 $).
    let deadline = out.find("deadline     train").expect("deadline row");
    let capacity = out.find("capacity     p ").expect("capacity row");
    assert!(deadline < capacity, "{out}");
    assert!(out.contains("140.00") && out.contains("40.00"), "{out}");
    for meaning in ["$ saved per extra server-hour", "small change", "re-solve"] {
        assert!(out.contains(meaning), "no '{meaning}' in {out}");
    }
}

#[test]
fn the_json_holds_the_hand_checked_values_and_the_plot_is_written() {
    let dir = TempDir::new("json");
    let s = scenario(&dir, "split");
    let plots = dir.0.join("plots");
    let o = run(&[
        "explain",
        s.to_str().unwrap(),
        "--json",
        "--out",
        plots.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&o.stdout).expect("stdout is only the JSON");
    let close = |v: &Value, want: f64| (v.as_f64().unwrap() - want).abs() < 1e-6;
    assert!(close(&v["pools"][0]["usd_per_server_hour"][0], 40.0), "{v}");
    assert!(close(&v["pools"][0]["usd_per_server"], 40.0), "{v}");
    assert!(close(&v["jobs"][0]["usd_per_work_unit"], 90.0), "{v}");
    assert!(
        close(&v["jobs"][0]["deadline_hour"]["saved_usd"], 140.0),
        "{v}"
    );
    assert_eq!(v["regions"][0]["power_usd_per_kw"], Value::Null);
    assert!(v["meaning"]["validity"]
        .as_str()
        .unwrap()
        .contains("small change"));
    let svg = std::fs::read_to_string(plots.join("capacity-value.svg")).unwrap();
    assert!(
        svg.starts_with("<svg") && svg.contains("p (r)"),
        "{svg:.200}"
    );
}

#[test]
fn a_whole_job_with_a_choice_is_explained_as_the_lp_with_its_region_fixed() {
    // Was refused (exit 1, "whole_job"): users of a MILP expect the values
    // of the LP with the optimum's region choices fixed, labelled so.
    let dir = TempDir::new("whole");
    let s = scenario(&dir, "whole");
    let o = run(&["explain", s.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("MILP") && text.contains("train in"), "{text}");
    let o = run(&["explain", s.to_str().unwrap(), "--json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&o.stdout).expect("the explanation");
    assert_eq!(v["fixed_regions"][0]["job"], "train", "{v}");
    assert!(v["fixed_regions"][0]["region"].is_string(), "{v}");
    assert!(v["meaning"]["fixed_regions"]
        .as_str()
        .unwrap()
        .contains("fixed"));
}
