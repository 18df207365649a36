//! `geoshift replan`: the plan from `solve --json` read back, unchanged
//! data re-planned to the same total, the progress per job, and the exit
//! statuses of bad input.

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_geoshift");

fn scenario() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scenarios/follow-the-cheap-hours.json")
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().expect("run geoshift")
}

/// The optimum's report, written where `replan --plan` can read it.
fn plan(name: &str) -> (PathBuf, Value) {
    let out = run(&["solve", scenario().to_str().unwrap(), "--json"]);
    assert!(out.status.success());
    let path = std::env::temp_dir().join(format!(
        "geoshift-replan-test-{}-{name}.json",
        std::process::id()
    ));
    std::fs::write(&path, &out.stdout).unwrap();
    (path, serde_json::from_slice(&out.stdout).unwrap())
}

#[test]
fn unchanged_data_replans_to_the_same_total() {
    let (path, original) = plan("same");
    let s = scenario();
    let out = run(&[
        "replan",
        s.to_str().unwrap(),
        "--plan",
        path.to_str().unwrap(),
        "--now",
        "2023-07-01T00:00:00Z",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let total = |v: &Value| v["total_usd"].as_f64().unwrap();
    let (a, b) = (total(&v["report"]), total(&original));
    assert!((a - b).abs() <= 1e-6 * b.abs(), "{a} vs {b}");
    assert_eq!(v["now_slot"], 24);
    // tx-eval ran in slots 6-15 of the optimum: finished by 24.
    let tx = v["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["id"] == "tx-eval")
        .unwrap();
    assert_eq!(tx["state"], "finished");
    // The output is itself a plan `--plan` reads.
    let again = std::env::temp_dir().join(format!(
        "geoshift-replan-test-{}-again.json",
        std::process::id()
    ));
    std::fs::write(&again, &out.stdout).unwrap();
    let out2 = run(&[
        "replan",
        s.to_str().unwrap(),
        "--plan",
        again.to_str().unwrap(),
        "--now",
        "2023-07-02T00:00:00Z",
    ]);
    assert!(
        out2.status.success(),
        "{}",
        String::from_utf8_lossy(&out2.stderr)
    );
    let _ = std::fs::remove_file(path);
    let _ = std::fs::remove_file(again);
}

#[test]
fn bad_input_exits_1_with_the_reason() {
    let (path, _) = plan("bad");
    let s = scenario();
    let base = |now: &'static str, extra: &[&'static str]| {
        let mut args = vec![
            "replan".to_string(),
            s.to_str().unwrap().to_string(),
            "--plan".into(),
            path.to_str().unwrap().to_string(),
            "--now".into(),
            now.to_string(),
        ];
        args.extend(extra.iter().map(|a| a.to_string()));
        Command::new(BIN).args(&args).output().unwrap()
    };
    let out = base("2023-07-01T00:30:00Z", &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("inside slot 24"));
    let out = base("2023-07-01T00:00:00Z", &["--done", "nope=3"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("'nope'"));
    let out = base("2023-07-01T00:00:00Z", &["--done", "tx-eval"]);
    assert_eq!(out.status.code(), Some(1));
    let _ = std::fs::remove_file(path);
}
