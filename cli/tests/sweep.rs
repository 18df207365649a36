//! `geoshift sweep` and `geoshift solve --emissions-cap/--budget`: the
//! built binary on a two-region scenario whose numbers are worked out by
//! hand below.

use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_geoshift");

/// A fresh folder under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(test: &str) -> Self {
        let path =
            std::env::temp_dir().join(format!("geoshift-cli-sweep-{}-{test}", std::process::id()));
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

/// One hour; 4 servers of 10 kW at $1/h in each region.
///   dirty: pue 1.2, 50 $/MWh, 800 g/kWh: $1.6 and 0.0096 t per server-hour;
///   clean: pue 1.0, 100 $/MWh, 50 g/kWh: $2.0 and 0.0005 t.
/// 4 work units: $6.4 and 0.0384 t all dirty, $8.0 and 0.002 t all clean.
fn scenario(dir: &TempDir) -> PathBuf {
    let v = json!({
        "horizon": {"start": "2026-06-01T00:00:00Z", "slot_seconds": 3600, "slots": 1},
        "regions": [
            {"id": "dirty", "pue": 1.2, "price_usd_per_mwh": 50, "carbon_g_per_kwh": 800},
            {"id": "clean", "pue": 1.0, "price_usd_per_mwh": 100, "carbon_g_per_kwh": 50}
        ],
        "pools": [
            {"id": "d", "region": "dirty", "servers": 4, "rent_usd_per_hour": 1, "power_kw": 10},
            {"id": "c", "region": "clean", "servers": 4, "rent_usd_per_hour": 1, "power_kw": 10}
        ],
        "links": [{"from": "dirty", "to": "clean", "bandwidth_gbps": 10, "egress_usd_per_gb": 0}],
        "jobs": [{"id": "train", "origin": "dirty", "work": 4,
                  "deadline": "2026-06-01T01:00:00Z", "max_servers": 4}]
    });
    let path = dir.0.join("two.json");
    std::fs::write(&path, serde_json::to_string(&v).unwrap()).unwrap();
    path
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().expect("run geoshift")
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-5 * b.abs().max(1e-3)
}

#[test]
fn a_cap_sweep_prints_json_and_writes_its_curve() {
    let dir = TempDir::new("caps");
    let file = scenario(&dir);
    let svg = dir.0.join("curve.svg");
    let o = run(&[
        "sweep",
        file.to_str().unwrap(),
        "--emissions-caps",
        "0.05,0.02,0.001",
        "--json",
        "--out",
        svg.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["kind"], "emissions_cap");
    let points = v["points"].as_array().unwrap();
    assert_eq!(points.len(), 2);
    // 0.05 t does not bind: $6.4. 0.02 t: d = 0.018 / 0.0091 dirty
    // server-hours, cost 8 - 0.4 d.
    assert!(close(points[0]["total_usd"].as_f64().unwrap(), 6.4));
    let d = 0.018 / 0.0091;
    assert!(close(
        points[1]["total_usd"].as_f64().unwrap(),
        8.0 - 0.4 * d
    ));
    // 0.001 t is below the least emissions, 0.002 t.
    assert_eq!(v["skipped"][0]["setting"], 0.001);
    assert_eq!(v["skipped"][0]["error"]["kind"], "goal");
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.starts_with("<svg"), "{}", &text[..text.len().min(80)]);
}

#[test]
fn the_table_and_the_errors() {
    let dir = TempDir::new("errors");
    let file = scenario(&dir);
    let f = file.to_str().unwrap();
    let o = run(&["sweep", f, "--carbon-prices", "0,100"]);
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8_lossy(&o.stdout);
    // At 100 $/t: dirty 1.6 + 0.96, clean 2.0 + 0.05: all clean, $8.20.
    assert!(out.contains("$6.40") && out.contains("$8.20"), "{out}");
    // A deadline moved past the horizon's end: usage (1), naming the job.
    let o = run(&["sweep", f, "--deadline-slack", "0,1"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("job 'train'"));
    // An unreachable cap on solve: no schedule (2), with the least emissions.
    let o = run(&["solve", f, "--emissions-cap", "0.001"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("0.002000 tCO2e"));
    // A budget of $7 binds: d = 2.5, 0.02475 t.
    let o = run(&["solve", f, "--budget", "7", "--json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(close(v["emissions_t"].as_f64().unwrap(), 0.02475));
    // A cap is the optimum's.
    let o = run(&["solve", f, "--scheduler", "greedy", "--emissions-cap", "1"]);
    assert_eq!(o.status.code(), Some(1));
}

/// The totals of a sweep's JSON, in the order of its points.
fn totals(v: &Value) -> Vec<f64> {
    v["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["total_usd"].as_f64().unwrap())
        .collect()
}

#[test]
fn vary_sets_each_value_on_every_match_and_draws_its_curve() {
    let dir = TempDir::new("vary");
    let file = scenario(&dir);
    let f = file.to_str().unwrap();
    let svg = dir.0.join("rent.svg");
    // The dirty pool's rent: at $1/h it is $1.6 a server-hour against the
    // clean $2.0 (all dirty, $6.4); from $1.5/h on ($2.1) all goes clean
    // ($8.0).
    let o = run(&[
        "sweep",
        f,
        "--vary",
        "pool:d*.rent_usd_per_hour=1,1.5,3",
        "--json",
        "--out",
        svg.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["kind"], "field");
    assert_eq!(v["field"], "pool:d*.rent_usd_per_hour");
    let t = totals(&v);
    assert_eq!(t.len(), 3);
    assert!(
        close(t[0], 6.4) && close(t[1], 8.0) && close(t[2], 8.0),
        "{t:?}"
    );
    let settings: Vec<f64> = v["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["setting"].as_f64().unwrap())
        .collect();
    assert_eq!(settings, [1.0, 1.5, 3.0]);
    let chart = std::fs::read_to_string(&svg).unwrap();
    assert!(
        chart.contains("rent_usd_per_hour"),
        "the chart names the field"
    );

    // The table names the field in its heading and its column.
    let o = run(&["sweep", f, "--vary", "pool:d*.rent_usd_per_hour=1,1.5"]);
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("sweep of pool:d*.rent_usd_per_hour on"),
        "{out}"
    );
    assert!(
        out.contains("rent_usd_per_hour") && out.contains("$8.00"),
        "{out}"
    );

    // The top-level form is the carbon-price axis.
    let by_field = run(&[
        "sweep",
        f,
        "--vary",
        "carbon_price_usd_per_t=0,100",
        "--json",
    ]);
    let by_price = run(&["sweep", f, "--carbon-prices", "0,100", "--json"]);
    let a = totals(&serde_json::from_slice(&by_field.stdout).unwrap());
    let b = totals(&serde_json::from_slice(&by_price.stdout).unwrap());
    assert_eq!(a.len(), 2);
    assert!(a.iter().zip(&b).all(|(x, y)| close(*x, *y)), "{a:?} {b:?}");
}

#[test]
fn vary_names_a_bad_glob_field_or_value_with_exit_1() {
    let dir = TempDir::new("vary-errors");
    let file = scenario(&dir);
    let f = file.to_str().unwrap();
    for (vary, named) in [
        ("pool:vast-*.rent_usd_per_hour=1,2", "vast-*"),
        ("pool:d.rent_per_hour=1,2", "rent_per_hour"),
        ("pool:d.servers=4,-1", "-1"),
        ("pool:d.servers=4,many", "'many'"),
        ("servers", "FIELD=V1"),
    ] {
        let o = run(&["sweep", f, "--vary", vary]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{vary}: {err}");
        assert!(err.contains(named), "{vary}: {err} does not name {named}");
        assert!(o.stdout.is_empty(), "{vary}: nothing is solved or printed");
        let o = run(&["sweep", f, "--vary", vary, "--json"]);
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["error"]["exit_status"], 1, "{vary}: {v}");
    }
}

/// `v` without its timings (`seconds`, anywhere).
fn untimed(mut v: Value) -> Value {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(o) => {
                o.retain(|k, _| k != "seconds");
                o.values_mut().for_each(strip);
            }
            Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut v);
    v
}

#[test]
fn a_vary_sweep_in_shards_merges_into_the_unsharded_one() {
    let dir = TempDir::new("vary-shards");
    let file = scenario(&dir);
    let f = file.to_str().unwrap();
    let args = [
        "sweep",
        f,
        "--vary",
        "pool:d.rent_usd_per_hour=1,1.5,3",
        "--json",
    ];
    let o = run(&args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let whole: Value = serde_json::from_slice(&o.stdout).unwrap();
    // Four shards of three values: the last is empty, and still names the
    // field.
    let mut files = Vec::new();
    for i in 1..=4 {
        let out = dir.0.join(format!("s{i}.json"));
        let spec = format!("{i}/4");
        let mut a: Vec<&str> = args[..4].to_vec();
        a.extend(["--shard", &spec, "--shard-out", out.to_str().unwrap()]);
        let o = run(&a);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        files.push(out.to_str().unwrap().to_string());
    }
    let last: Value = serde_json::from_str(&std::fs::read_to_string(&files[3]).unwrap()).unwrap();
    assert_eq!(last["points"], json!([]));
    assert_eq!(last["field"], "pool:d.rent_usd_per_hour");
    let mut m = vec!["merge"];
    m.extend(files.iter().map(String::as_str));
    let merged = run(&[&m[..], &["--json"]].concat());
    assert_eq!(
        merged.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&merged.stderr)
    );
    let merged: Value = serde_json::from_slice(&merged.stdout).unwrap();
    assert_eq!(untimed(merged), untimed(whole));
    let table = run(&m);
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(
        table.contains("sweep of pool:d.rent_usd_per_hour on"),
        "{table}"
    );
    assert!(
        table.contains("rent_usd_per_hour") && table.contains("$6.40"),
        "{table}"
    );
}

/// A shard checks every value of the sweep, not only its own: a value
/// that breaks the model fails shard 1 of 3 too, before it solves.
#[test]
fn a_shard_refuses_a_bad_value_of_another_shard() {
    let dir = TempDir::new("shard-checks-all");
    let file = scenario(&dir);
    let f = file.to_str().unwrap();
    // Shard 1 of 3 holds only the first value (1); the third (-2) is a
    // negative rent.
    let o = run(&[
        "sweep",
        f,
        "--vary",
        "pool:d.rent_usd_per_hour=1,1.5,-2",
        "--shard",
        "1/3",
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("rent_usd_per_hour"), "{err}");
}

/// `--threads 2` solves the points on two threads: the curve is the
/// sequential one, in the order of the settings; 0 and more than 256
/// threads are usage errors (exit 1) before anything is read.
#[test]
fn threads_give_the_sequential_curve_and_are_checked() {
    let dir = TempDir::new("threads");
    let file = scenario(&dir);
    let f = file.to_str().unwrap();
    let args = ["sweep", f, "--carbon-prices", "0,50,100,150,200", "--json"];
    let curve = |threads: &str| {
        let o = run(&[&args[..], &["--threads", threads]].concat());
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        untimed(serde_json::from_slice(&o.stdout).unwrap())
    };
    let one = curve("1");
    assert_eq!(curve("2"), one);
    assert_eq!(curve("7"), one);
    // At 100 $/t and above, all clean: $8 + 0.002 t × price.
    let t = totals(&one);
    assert!(close(t[2], 8.2) && close(t[4], 8.4), "{t:?}");
    for bad in ["0", "257"] {
        let o = run(&[
            "sweep",
            "missing.json",
            "--carbon-prices",
            "0",
            "--threads",
            bad,
        ]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{bad}: {err}");
        assert!(err.contains("--threads"), "{bad}: {err}");
    }
}

/// A shard solves its own settings on threads too, and the shards merge
/// into the unsharded curve.
#[test]
fn shards_on_threads_merge_into_the_unsharded_curve() {
    let dir = TempDir::new("shard-threads");
    let file = scenario(&dir);
    let f = file.to_str().unwrap();
    let whole = run(&["sweep", f, "--carbon-prices", "0,25,50,100,200", "--json"]);
    let whole: Value = serde_json::from_slice(&whole.stdout).unwrap();
    let mut files = Vec::new();
    for i in 1..=2 {
        let out = dir.0.join(format!("s{i}.json"));
        let spec = format!("{i}/2");
        let o = run(&[
            "sweep",
            f,
            "--carbon-prices",
            "0,25,50,100,200",
            "--threads",
            "2",
            "--shard",
            &spec,
            "--shard-out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        files.push(out.to_str().unwrap().to_string());
    }
    let merged = run(&["merge", &files[0], &files[1], "--json"]);
    assert_eq!(
        merged.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&merged.stderr)
    );
    let merged: Value = serde_json::from_slice(&merged.stdout).unwrap();
    assert_eq!(untimed(merged), untimed(whole));
}

/// `compare --variant` solves each variant's optimum from the one before
/// in its run where the two have one shape (a carbon price), and alone
/// where they do not (a region left out): each total is the variant's own
/// optimum, in the order given, on one thread or several (`--threads`:
/// runs of neighbours, one per thread), and with every scheduler.
/// A whole job (one region, a MILP): dirty $6.40 with no carbon price,
/// clean $8.20 at $100/t, dirty again with the clean region left out.
#[test]
fn compare_variants_from_their_neighbours_are_each_variants_optimum() {
    let dir = TempDir::new("variants-reuse");
    let file = scenario(&dir);
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    v["jobs"][0]["placement"] = json!("whole");
    std::fs::write(&file, v.to_string()).unwrap();
    let names = ["c0", "c100", "dirty", "c50"];
    let compare = |extra: &[&str]| {
        let o = run(&[
            &[
                "compare",
                file.to_str().unwrap(),
                "--json",
                "--variant",
                "c0=set carbon_price_usd_per_t=0",
                "--variant",
                "c100=set carbon_price_usd_per_t=100",
                "--variant",
                "dirty=set carbon_price_usd_per_t=100; without region:clean",
                "--variant",
                "c50=set carbon_price_usd_per_t=50",
            ][..],
            extra,
        ]
        .concat());
        assert_eq!(
            o.status.code(),
            Some(0),
            "{extra:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let out: Value = serde_json::from_slice(&o.stdout).unwrap();
        let rows = out["variants"]
            .as_array()
            .or(out.as_array())
            .unwrap()
            .clone();
        let got: Vec<&str> = rows.iter().map(|r| r["name"].as_str().unwrap()).collect();
        assert_eq!(got, names, "{extra:?}");
        rows.iter()
            .map(|r| r["total_usd"].as_f64().unwrap())
            .collect::<Vec<f64>>()
    };
    // Dirty at $100/t: 6.4 + 100 × 0.0384; at $50/t: dirty 6.4 + 1.92 =
    // 8.32 against clean 8.0 + 0.1 = 8.10.
    let expected = [6.4, 8.2, 6.4 + 3.84, 8.1];
    for threads in ["1", "2", "3", "4", "9"] {
        let totals = compare(&["--threads", threads]);
        assert_eq!(totals.len(), 4);
        for (t, e) in totals.iter().zip(expected) {
            assert!(
                close(*t, e),
                "{threads} threads: {totals:?} against {expected:?}"
            );
        }
    }
    assert_eq!(compare(&[]).len(), 4);
    // Greedy on two threads plans the same as on one.
    let greedy = |threads| compare(&["--scheduler", "greedy", "--threads", threads]);
    assert_eq!(greedy("1"), greedy("2"));
    // Refused before any solve.
    for (threads, says) in [("0", "at least 1"), ("257", "at most 256")] {
        let o = run(&[
            "compare",
            file.to_str().unwrap(),
            "--variant",
            "c0=",
            "--threads",
            threads,
        ]);
        assert_eq!(o.status.code(), Some(1), "--threads {threads}");
        assert!(String::from_utf8_lossy(&o.stderr).contains(says));
    }
}

/// The commands that run on threads (`compare --variant`, `explain`,
/// `risk`) with every input at once: a Whole job, a pool whose servers
/// can vanish, a price for work left undone, overlays given as flags and
/// in variants, and a time limit. On two threads each variant's total is
/// what `solve` gives the same overlays, alone; with no time left every
/// command answers or stops (exit 4), never a solver failure (3).
#[test]
fn threaded_commands_meet_every_input() {
    let dir = TempDir::new("threads-meet");
    let file = scenario(&dir);
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    v["jobs"][0]["placement"] = json!("whole");
    v["pools"][1]["interruption_rate_per_hour"] = json!(0.1);
    std::fs::write(&file, v.to_string()).unwrap();
    let f = file.to_str().unwrap();
    let common = [
        "--unmet-usd-per-work",
        "20",
        "--set",
        "pool:d.rent_usd_per_hour=1.5",
    ];
    let variants = [
        ("c0", vec!["--set", "carbon_price_usd_per_t=0"]),
        ("c100", vec!["--set", "carbon_price_usd_per_t=100"]),
        (
            "risky",
            vec!["--set", "pool:d.interruption_rate_per_hour=0.3"],
        ),
        ("dirty", vec!["--without", "region:clean"]),
    ];
    let mut args = vec!["compare", f, "--json", "--threads", "2"];
    args.extend(common);
    let specs: Vec<String> = variants
        .iter()
        .map(|(name, o)| format!("{name}={} {}", &o[0][2..], o[1]))
        .collect();
    for s in &specs {
        args.extend(["--variant", s.as_str()]);
    }
    let o = run(&args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out: Value = serde_json::from_slice(&o.stdout).unwrap();
    let rows = out["variants"].as_array().unwrap();
    assert_eq!(rows.len(), variants.len());
    for ((name, overlay), row) in variants.iter().zip(rows) {
        assert_eq!(row["name"], json!(name));
        let mut solve = vec!["solve", f, "--json"];
        solve.extend(common);
        solve.extend(overlay.iter().copied());
        let alone = run(&solve);
        assert_eq!(alone.status.code(), Some(0), "{name}");
        let alone: Value = serde_json::from_slice(&alone.stdout).unwrap();
        let (t, a) = (
            row["total_usd"].as_f64().unwrap(),
            alone["total_usd"].as_f64().unwrap(),
        );
        assert!(close(t, a), "{name}: {t} in compare, {a} alone");
    }
    // explain and risk on two threads, the same inputs.
    for command in [vec!["explain", f, "--threads", "2"], vec!["risk", f]] {
        let mut a = command.clone();
        a.extend(common);
        let o = run(&a);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{command:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        // No time left: a plan found at once (this model is small), or
        // stopped with exit 4.
        a.extend(["--time-limit", "0"]);
        let code = run(&a).status.code();
        assert!(
            matches!(code, Some(0 | 4)),
            "{command:?} --time-limit 0: {code:?}"
        );
    }
    args.extend(["--time-limit", "0"]);
    let code = run(&args).status.code();
    assert!(
        matches!(code, Some(0 | 4)),
        "compare --time-limit 0: {code:?}"
    );
}
