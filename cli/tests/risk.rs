//! `geoshift risk` on a scenario checked by hand (the one of
//! `tests/interruptions.rs`): on-demand at 10 $/h, spot at 4 $/h, one job
//! of 10 work units that checkpoints every 1 h and restarts in 0.5 h.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_geoshift");

const SCENARIO: &str = r#"{
  "horizon": {"start": "2026-06-01T00:00:00Z", "slot_seconds": 3600, "slots": 20},
  "regions": [{"id": "home", "pue": 1.0, "price_usd_per_mwh": 0}],
  "pools": [
    {"id": "od", "region": "home", "servers": 1, "rent_usd_per_hour": 10, "power_kw": 0},
    {"id": "spot", "region": "home", "servers": 1, "rent_usd_per_hour": 4, "power_kw": 0}
  ],
  "links": [],
  "jobs": [{"id": "train", "origin": "home", "work": 10, "deadline": "2026-06-01T20:00:00Z",
            "max_servers": 2, "checkpoint_interval_hours": 1, "restart_hours": 0.5}]
}"#;

fn geoshift(args: &[&str]) -> (i32, String, String) {
    // One folder per call: the tests run in parallel in one process.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("geoshift-cli-risk-{}-{call}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("spot.json");
    std::fs::write(&file, SCENARIO).unwrap();
    let out = Command::new(BIN)
        .arg("risk")
        .arg(&file)
        .args(args)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn risk_prices_the_interruptions_of_a_pool() {
    // Rate 0.2: f = 1 - 0.2 (1/2 + 0.5) = 0.8; 10 units need 12.5 spot
    // server-hours, 50 $ expected. Ignored: 10 server-hours, 40 $.
    let (code, out, err) = geoshift(&["--rate", "spot=0.2"]);
    assert_eq!(code, 0, "{err}");
    for part in [
        "0.8000 to 0.8000",
        "$50.00 expected, 100.0% of the work on risky capacity",
        "ignored: $40.00",
        "interruptions cost $10.00",
    ] {
        assert!(out.contains(part), "{out:?} should mention {part:?}");
    }
    // Checkpointing every 0.2 h with a 0.1 h restart: f = 0.96, 10.42
    // server-hours, 41.67 $.
    let (_, out, _) = geoshift(&[
        "--rate",
        "spot=0.2",
        "--checkpoint-interval-hours",
        "0.2",
        "--restart-hours",
        "0.1",
    ]);
    assert!(out.contains("$41.67 expected"), "{out}");
}

#[test]
fn risk_refuses_what_it_cannot_use() {
    let (code, _, err) = geoshift(&["--rate", "nope=0.1"]);
    assert_eq!(code, 1);
    assert!(err.contains("no pool 'nope'"), "{err}");
    // f = 1 - 0.6 = 0.4, below the floor: an input error naming the pair.
    let (code, _, err) = geoshift(&["--rate", "spot=0.6"]);
    assert_eq!(code, 1);
    assert!(err.contains("train") && err.contains("spot"), "{err}");
}
