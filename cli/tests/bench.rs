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

/// The output of `geoshift bench ARGS`, run in `dir`.
fn bench_in(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .arg("bench")
        .args(args)
        .current_dir(dir)
        .env("GEOSHIFT_PROGRESS", "0")
        .output()
        .unwrap()
}

/// Every count a user types is bounded and checked before anything is
/// built: `--seeds` at 1000 per family (as a sweep's 1,000 settings) and
/// `--threads` at 256, refused at once (exit 1). The largest `--seeds`
/// used to build every scenario first and abort at 7.5 GiB; 100,000
/// threads took 337 s to spawn.
#[test]
fn counts_past_their_caps_are_refused_at_once() {
    let dir = TempDir::new("caps");
    for (args, says) in [
        (
            vec!["--families", "slack", "--seeds", "18446744073709551615"],
            "at most 1000",
        ),
        (
            vec!["--families", "slack", "--seeds", "1001"],
            "at most 1000",
        ),
        (
            vec!["--threads", "100000", "--seeds", "1", "--families", "slack"],
            "at most 256",
        ),
        (vec!["--threads", "257", "--seeds", "1"], "at most 256"),
        (vec!["--threads", "0", "--seeds", "1"], "at least 1"),
    ] {
        let clock = std::time::Instant::now();
        let out = bench_in(&dir.0, &args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(
            clock.elapsed().as_secs_f64() < 2.0,
            "{args:?}: {:?}",
            clock.elapsed()
        );
    }
}

/// The global `--time-limit` is one deadline for the whole bench, the
/// heuristics included: no scenario or scheduler starts after it, and the
/// report holds the scenarios that finished, saying it was stopped. (1,000
/// seeds with a 2 s limit used to run 15.7 s.)
#[test]
fn one_deadline_bounds_the_whole_bench() {
    let dir = TempDir::new("deadline");
    let clock = std::time::Instant::now();
    let out = bench_in(
        &dir.0,
        &[
            "--families",
            "slack",
            "--seeds",
            "1000",
            "--schedulers",
            "greedy,local",
            "--solver",
            "microlp",
            "--json",
            "--time-limit",
            "2",
        ],
    );
    let took = clock.elapsed().as_secs_f64();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    // Within a second and a half of the limit (one case per thread may
    // finish its running scheduler).
    assert!(took < 3.5, "took {took} s");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["stopped"], "time_limit");
    assert_eq!(v["scenarios"], 1000);
    let run = v["scenarios_run"].as_u64().unwrap();
    assert!((1..1000).contains(&run), "{run}");
    // Whole cases only: three rows (greedy, local, optimal) per scenario run.
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len() as u64, 3 * run);
    assert!(err.contains("stopped by --time-limit"), "{err}");

    // A deadline that passes before any scenario finishes: exit 4, the
    // JSON error object on stdout.
    let out = bench_in(
        &dir.0,
        &[
            "--families",
            "slack",
            "--seeds",
            "3",
            "--json",
            "--time-limit",
            "0",
        ],
    );
    assert_eq!(out.status.code(), Some(4));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["exit_status"], 4);
}

/// Ctrl-C is the bench's cancel flag too: it stops generating and running
/// scenarios (it used to be ignored), and the scenarios finished are
/// reported.
#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_bench() {
    use std::process::Stdio;
    use std::time::{Duration, Instant};
    let child = Command::new(BIN)
        .args([
            "bench",
            "--families",
            "slack",
            "--seeds",
            "1000",
            "--schedulers",
            "greedy",
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
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(waited < Duration::from_secs(3), "{waited:?} after Ctrl-C");
    assert_eq!(o.status.code(), Some(0), "{err}");
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["stopped"], "cancelled");
    assert!(v["scenarios_run"].as_u64().unwrap() < 1000);
    assert!(err.contains("stopped by Ctrl-C"), "{err}");
}

/// Outputs never replace each other or a file that was there: two options
/// naming one file, or an output file that exists already, are refused
/// before anything runs (exit 1), and nothing is written. Each used to
/// replace the other silently.
#[test]
fn outputs_never_replace_each_other_or_other_files() {
    let dir = TempDir::new("clash");
    let d = &dir.0;
    let out = bench_in(
        d,
        &[
            "--families",
            "slack",
            "--seeds",
            "1",
            "--csv",
            "same.out",
            "--svg",
            "same.out",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--csv and --out both name"));
    assert!(!d.join("same.out").exists());

    let out = bench_in(
        d,
        &[
            "--families",
            "slack",
            "--seeds",
            "1",
            "--write-scenarios",
            "w",
            "--csv",
            "w/slack-s1.json",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(!d.join("w/slack-s1.json").exists());

    // A file that was there before: kept as it was.
    std::fs::create_dir_all(d.join("e")).unwrap();
    std::fs::write(d.join("e/slack-s1.json"), "mine").unwrap();
    std::fs::write(d.join("rows.csv"), "mine too").unwrap();
    for args in [
        vec![
            "--families",
            "slack",
            "--seeds",
            "1",
            "--write-scenarios",
            "e",
        ],
        vec!["--families", "slack", "--seeds", "1", "--csv", "rows.csv"],
    ] {
        let out = bench_in(d, &args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains("exists already"), "{err}");
    }
    assert_eq!(
        std::fs::read_to_string(d.join("e/slack-s1.json")).unwrap(),
        "mine"
    );
    assert_eq!(
        std::fs::read_to_string(d.join("rows.csv")).unwrap(),
        "mine too"
    );

    // Fresh names: every output written.
    let out = bench_in(
        d,
        &[
            "--families",
            "slack",
            "--seeds",
            "2",
            "--write-scenarios",
            "f",
            "--csv",
            "f.csv",
            "--svg",
            "f.svg",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for f in ["f/slack-s1.json", "f/slack-s2.json", "f.csv", "f.svg"] {
        assert!(d.join(f).is_file(), "{f}");
    }
}
