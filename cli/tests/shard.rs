//! `sweep --shard`, `bench --shard` and `geoshift merge`: a run split over
//! shards and merged is the unsharded run (its table, JSON and CSV) but
//! for timings; shards that overlap, are missing, or ran on other inputs
//! are refused with exit 1 naming them; bad `--shard` values too.

use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_geoshift");

/// A fresh folder under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(test: &str) -> Self {
        let path =
            std::env::temp_dir().join(format!("geoshift-cli-shard-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir(path)
    }

    fn file(&self, name: &str) -> String {
        self.0.join(name).display().to_string()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Two regions, one hour: all dirty is 0.0384 t, all clean 0.002 t, so a
/// cap below 0.002 t has no plan (a skipped setting).
fn scenario(dir: &TempDir, name: &str, rent: f64) -> String {
    let v = json!({
        "horizon": {"start": "2026-06-01T00:00:00Z", "slot_seconds": 3600, "slots": 1},
        "regions": [
            {"id": "dirty", "pue": 1.2, "price_usd_per_mwh": 50, "carbon_g_per_kwh": 800},
            {"id": "clean", "pue": 1.0, "price_usd_per_mwh": 100, "carbon_g_per_kwh": 50}
        ],
        "pools": [
            {"id": "d", "region": "dirty", "servers": 4, "rent_usd_per_hour": rent, "power_kw": 10},
            {"id": "c", "region": "clean", "servers": 4, "rent_usd_per_hour": 1, "power_kw": 10}
        ],
        "links": [{"from": "dirty", "to": "clean", "bandwidth_gbps": 10, "egress_usd_per_gb": 0}],
        "jobs": [{"id": "train", "origin": "dirty", "work": 4,
                  "deadline": "2026-06-01T01:00:00Z", "max_servers": 4}]
    });
    let path = dir.file(name);
    std::fs::write(&path, serde_json::to_string(&v).unwrap()).unwrap();
    path
}

fn run(args: &[&str]) -> Output {
    run_env(args, &[])
}

fn run_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(BIN);
    c.args(args).env("GEOSHIFT_PROGRESS", "0");
    for var in [
        "SLURM_ARRAY_TASK_ID",
        "SLURM_ARRAY_TASK_MIN",
        "SLURM_ARRAY_TASK_COUNT",
        "SLURM_ARRAY_TASK_STEP",
        "JOB_COMPLETION_INDEX",
    ] {
        c.env_remove(var);
    }
    c.envs(env.iter().copied());
    c.output().expect("run geoshift")
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// Exit 1, and stderr holding every one of `needles`.
fn refused(out: &Output, needles: &[&str]) -> String {
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(1), "{err}");
    for n in needles {
        assert!(err.contains(n), "stderr lacks {n:?}: {err}");
    }
    err
}

/// `v` without the fields that time a run (`seconds`, and the means of
/// seconds), anywhere in it.
fn untimed(mut v: Value) -> Value {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(o) => {
                o.retain(|k, _| !k.contains("seconds"));
                o.values_mut().for_each(strip);
            }
            Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut v);
    v
}

/// The table's lines with the timings blanked: a sweep row's `seconds`
/// (its 6th cell), a bench row's `ms/scen.` (its last) and the wall time.
fn untimed_table(text: &str) -> Vec<String> {
    text.lines()
        .map(|line| {
            if line.contains(" s (optimum: time limit") {
                return line.split(" in ").next().unwrap_or("").to_string();
            }
            let mut cells: Vec<&str> = line.split_whitespace().collect();
            let sweep_row = cells.first().is_some_and(|c| c.parse::<u32>().is_ok());
            let bench_row = line.starts_with("  ") && !line.contains("scheduler");
            if sweep_row && cells.len() > 5 {
                cells[5] = "[t]";
            } else if let Some(last) = cells.last_mut().filter(|_| bench_row) {
                *last = "[t]";
            }
            cells.join(" ")
        })
        .collect()
}

fn shard_files(dir: &TempDir, args: &[&str], count: usize) -> Vec<String> {
    (1..=count)
        .map(|i| {
            let file = dir.file(&format!("{}-{i}.json", args[0]));
            let spec = format!("{i}/{count}");
            let mut a = args.to_vec();
            a.extend(["--shard", &spec, "--shard-out", &file]);
            let out = run(&a);
            ok(&out);
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains(&format!("shard {i}/{count}: wrote")), "{err}");
            file
        })
        .collect()
}

fn merge(files: &[String], extra: &[&str]) -> Output {
    let mut a: Vec<&str> = vec!["merge"];
    a.extend(files.iter().map(String::as_str));
    a.extend(extra);
    run(&a)
}

#[test]
fn a_sweep_in_three_shards_merges_into_the_unsharded_sweep() {
    let dir = TempDir::new("sweep");
    let path = scenario(&dir, "two.json", 1.0);
    // Seven caps over three shards (3, 2, 2 settings), one with no plan.
    let args = [
        "sweep",
        &path,
        "--emissions-caps",
        "0.04,0.03,0.02,0.001,0.01,0.005,0.002",
        "--solver",
        "microlp",
    ];
    let table = ok(&run(&args));
    let json: Value = serde_json::from_str(&ok(&run(&[&args[..], &["--json"]].concat()))).unwrap();
    assert_eq!(json["points"].as_array().unwrap().len(), 6);
    assert_eq!(json["skipped"].as_array().unwrap().len(), 1);

    let files = shard_files(&dir, &args, 3);
    for (i, file) in files.iter().enumerate() {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        assert_eq!(v["shard"]["index"], i + 1);
        assert_eq!(v["shard"]["count"], 3);
        assert_eq!(v["shard"]["items"], 7);
        // Shard 1 has positions 0, 3, 6; 2 has 1, 4; 3 has 2, 5.
        let solved = v["points"].as_array().unwrap().len() + v["skipped"].as_array().unwrap().len();
        assert_eq!(solved, [3, 2, 2][i], "shard {}", i + 1);
    }
    let merged_table = ok(&merge(&files, &[]));
    assert_eq!(untimed_table(&merged_table), untimed_table(&table));
    assert!(merged_table.contains("no plan at 0.001"), "{merged_table}");
    let merged: Value = serde_json::from_str(&ok(&merge(&files, &["--json"]))).unwrap();
    assert_eq!(untimed(merged.clone()), untimed(json.clone()));
    // The timings are the shards' own, not copied from anywhere.
    assert!(merged["points"][0]["seconds"].as_f64().unwrap() > 0.0);

    // The order of the files does not matter.
    let reversed: Vec<String> = files.iter().rev().cloned().collect();
    let again: Value = serde_json::from_str(&ok(&merge(&reversed, &["--json"]))).unwrap();
    assert_eq!(untimed(again), untimed(json));

    // A sweep has no CSV.
    refused(
        &merge(&files, &["--csv", &dir.file("x.csv")]),
        &["--csv", "sweep has no CSV"],
    );
}

#[test]
fn more_shards_than_settings_leave_some_empty() {
    let dir = TempDir::new("empty");
    let path = scenario(&dir, "two.json", 1.0);
    let args = [
        "sweep",
        &path,
        "--carbon-prices",
        "0,100",
        "--solver",
        "microlp",
    ];
    let json: Value = serde_json::from_str(&ok(&run(&[&args[..], &["--json"]].concat()))).unwrap();
    let files = shard_files(&dir, &args, 4);
    let last: Value = serde_json::from_str(&std::fs::read_to_string(&files[3]).unwrap()).unwrap();
    assert_eq!(last["points"], json!([]));
    let merged: Value = serde_json::from_str(&ok(&merge(&files, &["--json"]))).unwrap();
    assert_eq!(untimed(merged), untimed(json));
}

#[test]
fn a_bench_in_three_shards_merges_into_the_unsharded_bench() {
    let dir = TempDir::new("bench");
    let args = [
        "bench",
        "--seeds",
        "4",
        "--families",
        "slack,tight",
        "--schedulers",
        "local,greedy",
        "--solver",
        "microlp",
    ];
    let csv = dir.file("whole.csv");
    let table = ok(&run(&[&args[..], &["--csv", &csv]].concat()));
    let json: Value = serde_json::from_str(&ok(&run(&[&args[..], &["--json"]].concat()))).unwrap();
    // 2 families × 4 seeds, the optimum and two heuristics each.
    assert_eq!(json["rows"].as_array().unwrap().len(), 24);

    let files = shard_files(&dir, &args, 3);
    let runs: Vec<u64> = files
        .iter()
        .map(|f| {
            let v: Value = serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
            v["scenarios_run"].as_u64().unwrap()
        })
        .collect();
    assert_eq!(runs, [3, 3, 2]);

    let merged_csv = dir.file("merged.csv");
    let merged_table = ok(&merge(&files, &["--csv", &merged_csv]));
    assert_eq!(untimed_table(&merged_table), untimed_table(&table));
    for needle in [
        "slack (4 scenarios)",
        "tight (4 scenarios)",
        "8 scenarios × 3 schedulers",
    ] {
        assert!(merged_table.contains(needle), "{merged_table}");
    }
    let merged: Value = serde_json::from_str(&ok(&merge(&files, &["--json"]))).unwrap();
    assert_eq!(untimed(merged), untimed(json));
    let columns = |file: &str| -> Vec<String> {
        std::fs::read_to_string(file)
            .unwrap()
            .lines()
            .map(|l| {
                let mut cells: Vec<&str> = l.split(',').collect();
                cells.remove(12); // seconds
                cells.join(",")
            })
            .collect()
    };
    assert_eq!(columns(&merged_csv), columns(&csv));
    assert_eq!(columns(&csv).len(), 25);
    // The merged CSV is never written over a file.
    refused(&merge(&files, &["--csv", &merged_csv]), &["exists already"]);
}

#[test]
fn overlapping_missing_and_mismatched_shards_are_refused() {
    let dir = TempDir::new("refused");
    let path = scenario(&dir, "two.json", 1.0);
    let dearer = scenario(&dir, "dearer.json", 1.5);
    let base = [
        "sweep",
        &path,
        "--carbon-prices",
        "0,50,100",
        "--solver",
        "microlp",
    ];
    let files = shard_files(&dir, &base, 3);

    refused(&merge(&files[..2], &[]), &["missing shard 3/3"]);
    refused(
        &merge(&[files[0].clone(), files[1].clone(), files[1].clone()], &[]),
        &["shard 2/3 is given twice", &files[1]],
    );

    // The same shard of another scenario, and of other settings.
    let other = dir.file("other.json");
    ok(&run(&[
        "sweep",
        &dearer,
        "--carbon-prices",
        "0,50,100",
        "--solver",
        "microlp",
        "--shard",
        "3/3",
        "--shard-out",
        &other,
    ]));
    let err = refused(
        &merge(&[files[0].clone(), files[1].clone(), other.clone()], &[]),
        &["ran on other inputs", "scenario is", &other],
    );
    assert!(err.contains("fnv1a64:"), "{err}");
    let settings = dir.file("settings.json");
    ok(&run(&[
        "sweep",
        &path,
        "--carbon-prices",
        "0,50,200",
        "--solver",
        "microlp",
        "--shard",
        "3/3",
        "--shard-out",
        &settings,
    ]));
    refused(
        &merge(&[files[0].clone(), files[1].clone(), settings], &[]),
        &["settings is [0.0,50.0,200.0]"],
    );

    // Shards of another count, of another command, and not a shard.
    let four = dir.file("four.json");
    ok(&run(&[
        &base[..],
        &["--shard", "2/4", "--shard-out", &four],
    ]
    .concat()));
    refused(
        &merge(&[files[0].clone(), four], &[]),
        &["one of 4 shards", "one of 3"],
    );
    let bench = dir.file("bench.json");
    ok(&run(&[
        "bench",
        "--seeds",
        "1",
        "--families",
        "slack",
        "--schedulers",
        "local",
        "--solver",
        "microlp",
        "--shard",
        "1/1",
        "--shard-out",
        &bench,
    ]));
    refused(
        &merge(&[files[0].clone(), bench], &[]),
        &["shard of `bench`", "of `sweep`"],
    );
    refused(
        &merge(std::slice::from_ref(&path), &[]),
        &["not a shard's result", "no `shard` object"],
    );

    // With --json, the error is typed on stdout.
    let out = merge(&files[..1], &["--json"]);
    let v: Value = serde_json::from_slice(&out.stdout).expect("an error object");
    assert_eq!(v["error"]["kind"], "merge");
    assert_eq!(v["error"]["detail"]["kind"], "missing");
    assert_eq!(v["error"]["detail"]["shards"], json!([2, 3]));
    assert_eq!(v["error"]["exit_status"], 1);
}

#[test]
fn bad_shards_are_refused_and_env_reads_the_array_index() {
    let dir = TempDir::new("env");
    let path = scenario(&dir, "two.json", 1.0);
    let base = [
        "sweep",
        &path,
        "--carbon-prices",
        "0,100",
        "--solver",
        "microlp",
    ];
    for (spec, says) in [
        ("0/3", "I = 0 must be 1 to N = 3"),
        ("4/3", "I = 4 must be 1 to N = 3"),
        ("1/0", "N = 0"),
        ("x", "expected I/N"),
        ("env", "SLURM_ARRAY_TASK_ID is not set"),
        ("env/3", "JOB_COMPLETION_INDEX is not set"),
    ] {
        refused(
            &run(&[&base[..], &["--shard", spec]].concat()),
            &["--shard", says],
        );
        refused(
            &run(&["bench", "--seeds", "1", "--shard", spec]),
            &["--shard", says],
        );
    }
    refused(
        &run(&[&base[..], &["--shard-out", &dir.file("a.json")]].concat()),
        &["--shard-out is for a shard"],
    );
    refused(
        &run(&[
            "sweep",
            &path,
            "--emissions-caps",
            "auto",
            "--shard",
            "1/2",
            "--solver",
            "microlp",
        ]),
        &["--emissions-caps auto"],
    );

    // A Kubernetes Indexed Job's 0-based index is shard index + 1.
    let out = dir.0.join("out");
    std::fs::create_dir_all(&out).unwrap();
    let shard_out = out.display().to_string();
    let k8s = run_env(
        &[&base[..], &["--shard", "env/3", "--shard-out", &shard_out]].concat(),
        &[("JOB_COMPLETION_INDEX", "1")],
    );
    ok(&k8s);
    let written = out.join("sweep-shard-2-of-3.json");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&written).unwrap()).unwrap();
    assert_eq!(
        (v["shard"]["index"].clone(), v["shard"]["count"].clone()),
        (json!(2), json!(3))
    );
    // A Slurm array of ids 1 to 3: id 3 is the last shard.
    let slurm = run_env(
        &[&base[..], &["--shard", "env", "--shard-out", &shard_out]].concat(),
        &[
            ("SLURM_ARRAY_TASK_ID", "3"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_COUNT", "3"),
        ],
    );
    ok(&slurm);
    assert!(out.join("sweep-shard-3-of-3.json").is_file());
    // A folder not there yet, named with a final `/`, is made.
    let fresh = format!("{}/", dir.file("fresh"));
    ok(&run(&[
        &base[..],
        &["--shard", "2/2", "--shard-out", &fresh],
    ]
    .concat()));
    assert!(dir.0.join("fresh/sweep-shard-2-of-2.json").is_file());
    // The same shard again is refused: a result file is never replaced.
    let again = run_env(
        &[&base[..], &["--shard", "env/3", "--shard-out", &shard_out]].concat(),
        &[("JOB_COMPLETION_INDEX", "1")],
    );
    refused(&again, &["exists already", "sweep-shard-2-of-3.json"]);
    // Without --shard-out, the result is on stdout.
    let stdout: Value =
        serde_json::from_str(&ok(&run(&[&base[..], &["--shard", "1/2"]].concat()))).unwrap();
    assert_eq!(stdout["shard"]["command"], "sweep");
    assert_eq!(stdout["points"].as_array().unwrap().len(), 1);
}

/// The repository's root (the workspace holding `cli/`).
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("cli/ is inside the workspace")
        .to_path_buf()
}

/// The shard files `docs/many-machines.md` merges: each is what its
/// command writes now but for timings (`TRYCMD=overwrite` rewrites them,
/// as it rewrites the pages' outputs and charts).
#[test]
fn the_committed_shard_files_are_what_their_commands_write() {
    let jobs: [(&[&str], &str); 2] = [
        (
            &[
                "sweep",
                "scenarios/carbon-priced-0.json",
                "--carbon-prices",
                "0,25,50,100,150,200,300,500",
                "--solver",
                "microlp",
            ],
            "sweep",
        ),
        (
            &[
                "bench",
                "--seeds",
                "3",
                "--families",
                "slack,whole",
                "--schedulers",
                "local,greedy",
                "--solver",
                "microlp",
                "--threads",
                "1",
            ],
            "bench",
        ),
    ];
    let overwrite = std::env::var("TRYCMD").is_ok_and(|v| v == "overwrite");
    let mut stale = Vec::new();
    for (args, command) in jobs {
        for i in 1..=3 {
            let spec = format!("{i}/3");
            let out = Command::new(BIN)
                .args(args)
                .args(["--shard", &spec])
                .current_dir(root())
                .env("GEOSHIFT_PROGRESS", "0")
                .output()
                .expect("run geoshift");
            let now = ok(&out);
            let committed = root()
                .join("docs/many-machines")
                .join(format!("{command}-shard-{i}-of-3.json"));
            let same = std::fs::read_to_string(&committed)
                .ok()
                .and_then(|t| serde_json::from_str::<Value>(&t).ok())
                .map(untimed)
                == Some(untimed(serde_json::from_str(&now).unwrap()));
            if same {
                continue;
            }
            if overwrite {
                std::fs::create_dir_all(committed.parent().unwrap()).unwrap();
                std::fs::write(&committed, now).unwrap();
            } else {
                stale.push(committed.display().to_string());
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale shard files (rewrite them with TRYCMD=overwrite cargo test -p geoshift-cli \
         --test shard): {stale:?}"
    );
}
