//! `geoshift catalog`: the built binary on small hand-made catalog files.

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_geoshift");

const HEADER: &str =
    "InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,GpuInfo,Price,SpotPrice,Region\n";

fn dir(test: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!(
        "geoshift-cli-catalog-{}-{test}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&path);
    std::fs::create_dir_all(&path).unwrap();
    path
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn lists_offers_and_names_unknown_accelerators() {
    let d = dir("list");
    let file = d.join("vms.csv");
    std::fs::write(
        &file,
        format!(
            "{HEADER}8x-A100,A100,8,32,64.0,{{}},5.87,0.00,\"Slovenia, SI, EU\"\n\
             1x-H200,H200,1,32,64.0,{{}},2.47,0.00,\"Hungary, HU, EU\"\n\
             1x-RTX_5090,RTX5090,1,32,64.0,{{}},0.53,0.00,\"Taiwan, TW, AS\"\n"
        ),
    )
    .unwrap();
    let f = file.to_str().unwrap();
    let out = run(&["catalog", f]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("H200, RTX5090"),
        "{}",
        text(&out.stderr)
    );

    let out = run(&["catalog", f, "--skip-bad-rows", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let offers = v["catalog"]["offers"].as_array().unwrap();
    assert_eq!(offers.len(), 1);
    assert_eq!(offers[0]["rent_usd_per_hour"], 5.87);
    // 8 A100 of the bundled table's reference: one work unit per hour.
    assert_eq!(offers[0]["speed"], 1.0);
    let skipped: Vec<u64> = v["catalog"]["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["line"].as_u64().unwrap())
        .collect();
    assert_eq!(skipped, vec![3, 4]);

    // The spot column is 0.00: not a price.
    let out = run(&["catalog", f, "--skip-bad-rows", "--spot", "--json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["catalog"]["offers"].as_array().unwrap().len(), 0);
}

#[test]
fn adds_hosts_to_a_scenario() {
    let d = dir("into");
    let file = d.join("vms.csv");
    std::fs::write(
        &file,
        format!(
            "{HEADER}8x-A100,A100,8,32,64.0,{{}},5.87,0.00,\"Slovenia, SI, EU\"\n\
             4x-A100,A100,4,32,64.0,{{}},2.93,0.00,\"Slovenia, SI, EU\"\n"
        ),
    )
    .unwrap();
    let scenario = d.join("s.json");
    std::fs::write(
        &scenario,
        r#"{"horizon": {"start": "2023-06-19T00:00:00Z", "slot_seconds": 3600, "slots": 4},
            "regions": [{"id": "home", "pue": 1.2, "price_usd_per_mwh": 40}],
            "pools": [], "links": [],
            "jobs": [{"id": "j", "origin": "home", "work": 2, "deadline": "2023-06-19T04:00:00Z", "max_servers": 4}]}"#,
    )
    .unwrap();
    let out = run(&[
        "catalog",
        file.to_str().unwrap(),
        "--into",
        scenario.to_str().unwrap(),
        "--link",
        "home=0.01:0.02:1",
        "--interruption-rate",
        "0.01",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["regions"].as_array().unwrap().len(), 2);
    assert_eq!(v["pools"].as_array().unwrap().len(), 2);
    assert_eq!(v["links"].as_array().unwrap().len(), 2);
    let out_file = d.join("out.json");
    std::fs::write(&out_file, &out.stdout).unwrap();
    let solved = run(&["solve", out_file.to_str().unwrap()]);
    assert!(solved.status.success(), "{}", text(&solved.stderr));

    let bad = run(&[
        "catalog",
        file.to_str().unwrap(),
        "--into",
        scenario.to_str().unwrap(),
        "--link",
        "nowhere=0.01:0.02:1",
    ]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        text(&bad.stderr).contains("nowhere"),
        "{}",
        text(&bad.stderr)
    );
}

/// A catalog file is read under the same input cap as a scenario file:
/// an endless one is refused (exit 1), never read until memory runs out.
#[cfg(unix)]
#[test]
fn an_endless_catalog_is_refused() {
    let o = run(&["catalog", "/dev/zero"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("input cap"), "{}", text(&o.stderr));
}
