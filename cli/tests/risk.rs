//! `geoshift risk` on a scenario checked by hand (the one of
//! `tests/interruptions.rs`): on-demand at 10 $/h, spot at 4 $/h, one job
//! of 10 work units that checkpoints every 1 h and restarts in 0.5 h; a
//! second spot pool at 6 $/h (never cheaper) for the globs of `--rate`.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_geoshift");

const SCENARIO: &str = r#"{
  "horizon": {"start": "2026-06-01T00:00:00Z", "slot_seconds": 3600, "slots": 20},
  "regions": [{"id": "home", "pue": 1.0, "price_usd_per_mwh": 0}],
  "pools": [
    {"id": "od", "region": "home", "servers": 1, "rent_usd_per_hour": 10, "power_kw": 0},
    {"id": "spot", "region": "home", "servers": 1, "rent_usd_per_hour": 4, "power_kw": 0},
    {"id": "spot-2", "region": "home", "servers": 1, "rent_usd_per_hour": 6, "power_kw": 0}
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
    for glob in ["nope", "vast-*"] {
        let (code, out, err) = geoshift(&["--rate", &format!("{glob}=0.1")]);
        assert_eq!(code, 1);
        assert!(err.contains(&format!("no pool matches '{glob}'")), "{err}");
        assert!(out.is_empty(), "{out}");
    }
    let (code, _, err) = geoshift(&["--rate", "spot=often"]);
    assert_eq!(code, 1);
    assert!(err.contains("GLOB=RATE"), "{err}");
    // f = 1 - 0.6 = 0.4, below the floor: an input error naming the pair.
    let (code, _, err) = geoshift(&["--rate", "spot=0.6"]);
    assert_eq!(code, 1);
    assert!(err.contains("train") && err.contains("spot"), "{err}");
}

#[test]
fn a_rate_glob_sets_every_matching_pool() {
    // `spot*` is spot and spot-2; the later `spot-2=0` wins for spot-2.
    let (code, out, err) = geoshift(&["--rate", "spot*=0.2"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("spot ") && out.contains("spot-2 "), "{out}");
    assert_eq!(out.matches("0.200000").count(), 2, "{out}");
    let (code, out, _) = geoshift(&["--rate", "spot*=0.2", "--rate", "spot-2=0"]);
    assert_eq!(code, 0);
    assert_eq!(out.matches("0.200000").count(), 1, "{out}");
    assert!(!out.contains("spot-2 "), "spot-2 is no longer risky: {out}");
}

/// The money of a line of the text after `label`: `$1,234.50` as 1234.5.
fn money_after(text: &str, label: &str) -> f64 {
    let rest = &text[text
        .find(label)
        .unwrap_or_else(|| panic!("{label} in {text}"))
        + label.len()..];
    let word = rest.split_whitespace().next().unwrap();
    word.trim_start_matches('$')
        .replace(',', "")
        .parse()
        .unwrap()
}

#[test]
fn risk_json_holds_the_facts_of_the_table() {
    let (code, text, err) = geoshift(&["--rate", "spot=0.2"]);
    assert_eq!(code, 0, "{err}");
    let (code, json, err) = geoshift(&["--rate", "spot=0.2", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let priced = v["priced"]["total_usd"].as_f64().unwrap();
    let ignored = v["ignored"]["total_usd"].as_f64().unwrap();
    let round = |x: f64| (x * 100.0).round() / 100.0;
    assert_eq!(round(priced), money_after(&text, "interruptions priced:"));
    assert_eq!(round(ignored), money_after(&text, "interruptions ignored:"));
    assert_eq!(
        round(v["interruptions_usd"].as_f64().unwrap()),
        money_after(&text, "interruptions cost")
    );
    let share = v["priced"]["risky_work_share"].as_f64().unwrap();
    assert!(
        text.contains(&format!("{:.1}% of the work on risky", 100.0 * share)),
        "{text}"
    );
    let pools = v["risky_pools"].as_array().unwrap();
    assert_eq!(pools.len(), 1);
    assert_eq!(pools[0]["id"], "spot");
    assert_eq!(pools[0]["interruption_rate_per_hour"], 0.2);
    let f = pools[0]["useful_fraction_min"].as_f64().unwrap();
    assert!(text.contains(&format!("{f:.4} to")), "{text}");
    for job in v["priced"]["jobs"].as_array().unwrap() {
        let id = job["id"].as_str().unwrap();
        assert_eq!(
            round(job["cost_usd"].as_f64().unwrap()),
            money_after(&text, &format!("\n{id} "))
        );
    }
    assert_eq!(v["checkpoints"][0]["restart_hours"], 0.5);
    // An error is the error object on stdout, with its exit status.
    let (code, json, _) = geoshift(&["--rate", "nope=0.1", "--json"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["error"]["exit_status"], 1);
}
