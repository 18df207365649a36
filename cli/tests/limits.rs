//! The command line's limits and exit statuses where features meet: one
//! `--time-limit` for a whole command, a cap on input size and on counts a
//! user types, and the exit status of a sweep with no point. Each case was
//! a failure on valid input or an unbounded run before.

use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::Instant;

const BIN: &str = env!("CARGO_BIN_EXE_geoshift");

/// A fresh folder under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(test: &str) -> Self {
        let path =
            std::env::temp_dir().join(format!("geoshift-cli-limits-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir(path)
    }

    fn scenario(&self, name: &str, v: &Value) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, serde_json::to_string_pretty(v).unwrap()).expect("write");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .output()
        .expect("run the geoshift binary")
}

fn assert_status(o: &Output, code: i32) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "exit status; stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// One hour, one pool of 4 servers; one job of `work` units, up to
/// `max_servers` at once.
fn small(work: f64, max_servers: f64) -> Value {
    json!({
        "horizon": {"start": "2026-06-01T00:00:00Z", "slot_seconds": 3600, "slots": 2},
        "regions": [{"id": "r", "pue": 1.2, "price_usd_per_mwh": 50, "carbon_g_per_kwh": 800}],
        "pools": [{"id": "p", "region": "r", "servers": 4, "rent_usd_per_hour": 1, "power_kw": 10}],
        "jobs": [{"id": "j", "origin": "r", "work": work,
                  "deadline": "2026-06-01T02:00:00Z", "max_servers": max_servers}]
    })
}

fn repo(path: &str) -> String {
    format!("{}/../{path}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn gap_zero_on_the_flagship_is_proven_not_exit_3() {
    // The floored target (1e-9) was exactly microlp's certificate slack:
    // the evaluator's re-pricing (4e-15) made it "not proven", exit 3.
    let dir = TempDir::new("gap0");
    let text = std::fs::read_to_string(repo("scenarios/ny-vs-gulf.json")).unwrap();
    let mut v: Value = serde_json::from_str(&text).unwrap();
    v["carbon_price_usd_per_t"] = json!(0.5);
    let path = dir.scenario("s.json", &v);
    let o = run(&["--gap", "0", "solve", path.to_str().unwrap()]);
    assert_status(&o, 0);
}

#[test]
fn an_input_larger_than_the_cap_is_refused_unread() {
    // /dev/zero never ends: it was read until memory ran out.
    if std::path::Path::new("/dev/zero").exists() {
        let clock = Instant::now();
        let o = run(&["validate", "/dev/zero"]);
        assert_status(&o, 1);
        assert!(String::from_utf8_lossy(&o.stderr).contains("input cap"));
        assert!(clock.elapsed().as_secs() < 30, "{:?}", clock.elapsed());
    }
}

#[test]
fn sweep_points_beyond_the_bound_exit_1_before_any_allocation() {
    let dir = TempDir::new("points");
    let path = dir.scenario("s.json", &small(4.0, 4.0));
    for points in ["18446744073709551615", "2000000000", "1001"] {
        let o = run(&[
            "sweep",
            path.to_str().unwrap(),
            "--emissions-caps",
            "auto",
            "--points",
            points,
        ]);
        assert_status(&o, 1);
    }
}

#[test]
fn sweep_with_no_point_exits_as_solve_would() {
    let dir = TempDir::new("nopoint");
    // Every setting infeasible (8 units, at most 1 server for 2 hours): 2.
    let path = dir.scenario("inf.json", &small(8.0, 1.0));
    let o = run(&["sweep", path.to_str().unwrap(), "--carbon-prices", "0,100"]);
    assert_status(&o, 2);
    // Stopped by the limit before any point: 4.
    let path = dir.scenario("ok.json", &small(4.0, 4.0));
    let o = run(&[
        "--time-limit",
        "0",
        "sweep",
        path.to_str().unwrap(),
        "--carbon-prices",
        "0,100",
    ]);
    assert_status(&o, 4);
}

#[test]
fn a_vanishing_parallelism_limit_is_infeasible_not_a_solver_bug() {
    // max_servers = 5e-324: no plan can do the work. The optimum handed
    // over a plan with no work (exit 3); the answer is exit 2.
    let dir = TempDir::new("tiny");
    let path = dir.scenario("s.json", &small(4.0, 5e-324));
    let o = run(&["solve", path.to_str().unwrap()]);
    assert_status(&o, 2);
}

#[test]
fn a_small_file_with_a_huge_horizon_is_refused_before_any_allocation() {
    // 984 bytes: 8 pools × 5.27 M one-minute slots. One problem of it fits
    // the 4 GiB budget by estimate; `risk` holds two, `replan` three: they
    // aborted at 6.5 and 7.6 GB inside the build. Now refused unbuilt.
    let dir = TempDir::new("huge");
    let pools: Vec<Value> = (0..8)
        .map(|i| {
            json!({"id": format!("p{i}"), "region": "r", "servers": 4,
                        "rent_usd_per_hour": 1, "power_kw": 10})
        })
        .collect();
    let v = json!({
        "horizon": {"start": "2026-01-01T00:00:00Z", "slot_seconds": 60, "slots": 5_270_000},
        "regions": [{"id": "r", "pue": 1.2, "price_usd_per_mwh": 50}],
        "pools": pools,
        "jobs": [{"id": "j", "origin": "r", "work": 4,
                  "deadline": "2026-01-01T02:00:00Z", "max_servers": 4}]
    });
    let path = dir.scenario("s.json", &v);
    let clock = Instant::now();
    let o = run(&["risk", path.to_str().unwrap()]);
    assert_status(&o, 1);
    assert!(String::from_utf8_lossy(&o.stderr).contains("too large"));
    assert!(clock.elapsed().as_secs() < 10, "{:?}", clock.elapsed());
}

/// Ctrl-C is the command's cancel flag: the optimum stops with what it has
/// (a plan with its proven gap, or exit 4 with none) instead of dying, and
/// well before the solve would end on its own (about 25 s here in a debug
/// build: the marketplace week is a MILP with 120 binaries).
#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_optimum_with_what_it_has() {
    use std::process::Stdio;
    use std::time::Duration;
    let child = Command::new(env!("CARGO_BIN_EXE_geoshift"))
        .args([
            "solve",
            &repo("scenarios/ny-vs-marketplace.json"),
            "--solver",
            "microlp",
            "--json",
        ])
        .env("GEOSHIFT_PROGRESS", "0")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    let sent = Instant::now();
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let o = child.wait_with_output().unwrap();
    let waited = sent.elapsed();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        waited < Duration::from_secs(10),
        "stopped {waited:?} after Ctrl-C; {stderr}"
    );
    match o.status.code() {
        Some(0) => {
            let v: Value = serde_json::from_slice(&o.stdout).expect("a report");
            assert!(v["bound_usd"].as_f64().unwrap() <= v["total_usd"].as_f64().unwrap());
            assert!(stderr.contains("interrupted"), "{stderr}");
        }
        Some(4) => assert!(stderr.contains("interrupted"), "{stderr}"),
        other => panic!("exit {other:?}: {stderr}"),
    }
}
