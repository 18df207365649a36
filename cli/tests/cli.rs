//! The `geoshift` command line: the built binary run on small scenario
//! files, checking exit statuses, what reaches stdout and stderr, and the
//! report JSON of docs/MODEL.md.

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_geoshift");

/// A fresh folder under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(test: &str) -> Self {
        let path =
            std::env::temp_dir().join(format!("geoshift-cli-test-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir(path)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, text).expect("write scenario");
        path
    }

    fn scenario(&self, name: &str, v: &Value) -> PathBuf {
        self.write(name, &serde_json::to_string_pretty(v).unwrap())
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run(args: &[&str], file: Option<&Path>) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args);
    if let Some(f) = file {
        cmd.arg(f);
    }
    cmd.output().expect("run the geoshift binary")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn assert_status(o: &Output, code: i32) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "exit status; stdout:\n{}\nstderr:\n{}",
        stdout(o),
        stderr(o)
    );
}

fn assert_mentions(text: &str, parts: &[&str]) {
    for p in parts {
        assert!(text.contains(p), "{text:?} should mention {p:?}");
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * b.abs().max(1.0)
}

/// Four hourly slots. `home` is dear and dirty outside slots 1-2; `away`
/// has one cheap clean server, 8 s of transfer away (so not in slot 0),
/// with $1 of egress for the whole 10 GB input.
///
/// Cost per server-hour, carbon at $100/t:
/// - home, slots 1-2: 1 + 12 kW × (20/1000 + 100 × 500/1e6) = 1.84
/// - home, slots 0,3: 1 + 12 × (0.09 + 0.05) = 2.68
/// - away, slots 1-3: 1 + 10 × 10/1000 = 1.10, plus 0.25 egress per unit
///
/// The optimum runs 3 units in away (slots 1-3) and 1 at home (slot 1 or
/// 2): rent 4, energy 0.3 + 0.24, carbon 0.6, egress 0.75 = 5.89.
/// Local runs 2 + 2 at home in slots 0 and 1: 2 × 2.68 + 2 × 1.84 = 9.04.
fn good() -> Value {
    json!({
        "horizon": {"start": "2026-06-01T00:00:00Z", "slot_seconds": 3600, "slots": 4},
        "carbon_price_usd_per_t": 100,
        "regions": [
            {"id": "home", "pue": 1.2, "price_usd_per_mwh": [90, 20, 20, 90],
             "carbon_g_per_kwh": 500},
            {"id": "away", "pue": 1.0, "price_usd_per_mwh": 10}
        ],
        "pools": [
            {"id": "gpus-home", "region": "home", "servers": 2, "rent_usd_per_hour": 1,
             "power_kw": 10},
            {"id": "gpus-away", "region": "away", "servers": 1, "rent_usd_per_hour": 1,
             "power_kw": 10}
        ],
        "links": [
            {"from": "home", "to": "away", "bandwidth_gbps": 10, "egress_usd_per_gb": 0.1}
        ],
        "jobs": [
            {"id": "train", "origin": "home", "work": 4, "input_gb": 10,
             "deadline": "2026-06-01T04:00:00Z", "max_servers": 2}
        ]
    })
}

fn num(v: &Value, field: &str) -> f64 {
    v.get(field)
        .unwrap_or_else(|| panic!("missing field {field} in {v}"))
        .as_f64()
        .unwrap_or_else(|| panic!("{field} is not a number in {v}"))
}

/// Checks every report field docs/MODEL.md names, and that the total is the
/// sum of its parts; returns the total.
fn check_report(r: &Value, scheduler: &str) -> f64 {
    assert_eq!(r["scheduler"], scheduler, "{r}");
    let total = num(r, "total_usd");
    let parts: f64 = ["rent_usd", "energy_usd", "carbon_usd", "egress_usd"]
        .iter()
        .map(|f| num(r, f))
        .sum();
    assert!(close(total, parts), "total {total} != sum of parts {parts}");
    assert!(num(r, "energy_mwh") >= 0.0);
    assert!(num(r, "emissions_t") >= 0.0);

    let jobs = r["jobs"].as_array().expect("jobs is an array");
    assert!(!jobs.is_empty());
    let mut job_costs = 0.0;
    for j in jobs {
        assert!(j["id"].is_string(), "{j}");
        job_costs += num(j, "cost_usd");
        assert!(j["regions"]
            .as_array()
            .is_some_and(|a| !a.is_empty() && a.iter().all(Value::is_string)));
        let (first, last) = (
            j["first_slot"].as_u64().expect("first_slot"),
            j["last_slot"].as_u64().expect("last_slot"),
        );
        assert!(first <= last, "{j}");
    }
    assert!(
        close(job_costs, total),
        "jobs cost {job_costs}, total {total}"
    );

    let rows = r["assignments"]
        .as_array()
        .expect("assignments is an array");
    assert!(!rows.is_empty());
    for a in rows {
        assert!(a["job"].is_string(), "{a}");
        assert!(a["pool"].is_string(), "{a}");
        assert!(a["slot"].is_u64(), "{a}");
        assert!(num(a, "server_hours") > 0.0, "{a}");
    }
    total
}

#[test]
fn solve_json_prints_the_full_report() {
    let dir = TempDir::new("solve-json");
    let file = dir.scenario("good.json", &good());
    let out = run(&["solve", "--json"], Some(&file));
    assert_status(&out, 0);
    let r: Value = serde_json::from_str(&stdout(&out)).expect("stdout is JSON");
    let total = check_report(&r, "optimal");

    assert!(close(total, 5.89), "total {total}");
    assert!(close(num(&r, "rent_usd"), 4.0));
    assert!(close(num(&r, "energy_usd"), 0.54));
    assert!(close(num(&r, "carbon_usd"), 0.6));
    assert!(close(num(&r, "egress_usd"), 0.75));
    assert!(close(num(&r, "energy_mwh"), 0.042));
    assert!(close(num(&r, "emissions_t"), 0.006));

    let job = &r["jobs"][0];
    assert_eq!(job["id"], "train");
    assert!(close(num(job, "cost_usd"), 5.89));
    assert_eq!(job["regions"], json!(["home", "away"]));
    assert_eq!(job["first_slot"], 1);
    assert_eq!(job["last_slot"], 3);

    let rows = r["assignments"].as_array().unwrap();
    let hours = |pool: &str| -> f64 {
        rows.iter()
            .filter(|a| a["pool"] == pool)
            .map(|a| num(a, "server_hours"))
            .sum()
    };
    assert!(close(hours("gpus-away"), 3.0), "{rows:?}");
    assert!(close(hours("gpus-home"), 1.0), "{rows:?}");
    assert!(rows.iter().all(|a| a["job"] == "train"));
    // Away cannot start before the 8 s transfer ends, so not in slot 0.
    assert!(rows
        .iter()
        .filter(|a| a["pool"] == "gpus-away")
        .all(|a| a["slot"] != 0));
}

#[test]
fn solve_with_each_heuristic() {
    let dir = TempDir::new("solve-heuristics");
    let file = dir.scenario("good.json", &good());

    let out = run(&["solve", "--json", "--scheduler", "local"], Some(&file));
    assert_status(&out, 0);
    let r: Value = serde_json::from_str(&stdout(&out)).expect("stdout is JSON");
    let local = check_report(&r, "local");
    assert!(close(local, 9.04), "local total {local}");
    assert_eq!(r["jobs"][0]["regions"], json!(["home"]));
    assert_eq!(r["jobs"][0]["first_slot"], 0);
    assert_eq!(r["jobs"][0]["last_slot"], 1);

    let out = run(&["solve", "--json", "--scheduler", "greedy"], Some(&file));
    assert_status(&out, 0);
    let r: Value = serde_json::from_str(&stdout(&out)).expect("stdout is JSON");
    let greedy = check_report(&r, "greedy");
    assert!(greedy >= 5.89 - 1e-6, "greedy {greedy} beats the optimum");
}

#[test]
fn solve_prints_a_readable_report() {
    let dir = TempDir::new("solve-text");
    let file = dir.scenario("good.json", &good());
    let out = run(&["solve"], Some(&file));
    assert_status(&out, 0);
    assert_mentions(
        &stdout(&out),
        &["scheduler optimal", "total", "$5.89", "train", "home, away"],
    );
}

#[test]
fn solve_on_misspelt_field_exits_1_naming_it() {
    let dir = TempDir::new("solve-misspelt");
    let mut v = good();
    let deadline = v["jobs"][0]
        .as_object_mut()
        .unwrap()
        .remove("deadline")
        .unwrap();
    v["jobs"][0]["deadlin"] = deadline;
    let file = dir.scenario("bad.json", &v);
    let out = run(&["solve"], Some(&file));
    assert_status(&out, 1);
    assert_mentions(
        &stderr(&out),
        &["bad.json", "jobs[0].deadlin", "unknown field"],
    );
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
}

#[test]
fn solve_on_forbidden_value_exits_1_naming_it() {
    let dir = TempDir::new("solve-pue");
    let mut v = good();
    v["regions"][1]["pue"] = json!(0.9);
    let file = dir.scenario("bad.json", &v);
    let out = run(&["solve", "--json"], Some(&file));
    assert_status(&out, 1);
    assert_mentions(&stderr(&out), &["region 'away'", "pue", "0.9"]);
}

#[test]
fn solve_on_syntax_error_exits_1() {
    let dir = TempDir::new("solve-syntax");
    let text = serde_json::to_string(&good()).unwrap();
    let file = dir.write("cut.json", &text[..text.len() / 2]);
    let out = run(&["solve"], Some(&file));
    assert_status(&out, 1);
    assert_mentions(&stderr(&out), &["cut.json"]);
}

#[test]
fn solve_on_missing_file_exits_1() {
    let dir = TempDir::new("solve-missing");
    let file = dir.0.join("nowhere.json");
    let out = run(&["solve"], Some(&file));
    assert_status(&out, 1);
    assert_mentions(&stderr(&out), &["nowhere.json"]);
}

/// `good` with a job that needs more than every server can give: 2 + 1
/// servers for 4 hours is 11 units (away only from slot 1), and it needs 40.
fn infeasible() -> Value {
    let mut v = good();
    v["jobs"][0]["work"] = json!(40);
    v["jobs"][0]["max_servers"] = json!(3);
    v
}

#[test]
fn solve_on_infeasible_scenario_exits_2_naming_the_job() {
    let dir = TempDir::new("solve-infeasible");
    let file = dir.scenario("big.json", &infeasible());
    for scheduler in ["optimal", "local", "greedy"] {
        let out = run(&["solve", "--scheduler", scheduler], Some(&file));
        assert_status(&out, 2);
        let err = stderr(&out);
        assert_mentions(&err, &[scheduler, "job 'train'", "cannot be finished"]);
    }
    // The optimum says how much is missing: 40 - (2 × 4 + 1 × 3) = 29.
    let out = run(&["solve"], Some(&file));
    assert_mentions(&stderr(&out), &["29.000000 of 40 work units"]);
}

#[test]
fn solve_on_closed_window_exits_2_with_the_reason() {
    let dir = TempDir::new("solve-closed");
    let mut v = good();
    v["jobs"][0]["deadline"] = json!("2026-06-01T00:30:00Z");
    let file = dir.scenario("late.json", &v);
    let out = run(&["solve"], Some(&file));
    assert_status(&out, 2);
    assert_mentions(
        &stderr(&out),
        &["job 'train'", "before the end of the first slot"],
    );
}

#[test]
fn unknown_scheduler_exits_1() {
    let dir = TempDir::new("scheduler-nope");
    let file = dir.scenario("good.json", &good());
    let out = run(&["solve", "--scheduler", "nope"], Some(&file));
    assert_status(&out, 1);
    assert_mentions(
        &stderr(&out),
        &[
            "invalid value 'nope'",
            "--scheduler",
            "optimal, local, greedy",
        ],
    );
    assert!(stdout(&out).is_empty());
}

#[test]
fn unknown_solver_exits_1() {
    let dir = TempDir::new("solver-nope");
    let file = dir.scenario("good.json", &good());
    let out = run(&["solve", "--solver", "cplex"], Some(&file));
    assert_status(&out, 1);
    assert_mentions(
        &stderr(&out),
        &["invalid value 'cplex'", "--solver", "auto, microlp"],
    );
}

#[test]
fn compare_prints_a_line_per_scheduler() {
    let dir = TempDir::new("compare-text");
    let file = dir.scenario("good.json", &good());
    let out = run(&["compare"], Some(&file));
    assert_status(&out, 0);
    let text = stdout(&out);
    for name in ["local", "greedy", "optimal"] {
        let lines: Vec<&str> = text
            .lines()
            .filter(|l| l.split_whitespace().next() == Some(name))
            .collect();
        assert_eq!(lines.len(), 1, "one line for {name} in:\n{text}");
        assert!(lines[0].contains('$'), "{name} has costs: {}", lines[0]);
    }
    let optimal = text.lines().find(|l| l.starts_with("optimal")).unwrap();
    assert_mentions(optimal, &["$5.89", "$3.15"]);
    let local = text.lines().find(|l| l.starts_with("local")).unwrap();
    assert_mentions(local, &["$9.04"]);
}

#[test]
fn compare_json_parses() {
    let dir = TempDir::new("compare-json");
    let file = dir.scenario("good.json", &good());
    let out = run(&["compare", "--json"], Some(&file));
    assert_status(&out, 0);
    let rows: Value = serde_json::from_str(&stdout(&out)).expect("stdout is JSON");
    let rows = rows.as_array().expect("an array of rows");
    let names: Vec<&str> = rows
        .iter()
        .map(|r| r["scheduler"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["local", "greedy", "optimal"]);
    let mut totals = Vec::new();
    for row in rows {
        let name = row["scheduler"].as_str().unwrap();
        assert!(row["error"].is_null(), "{row}");
        totals.push(check_report(&row["report"], name));
        assert!(num(row, "solve_seconds") >= 0.0);
    }
    assert!(
        close(totals[0], 9.04) && close(totals[2], 5.89),
        "{totals:?}"
    );
    assert!(totals[2] <= totals[1] + 1e-6, "optimal beats greedy");
    assert!(close(num(&rows[0], "saving_vs_local_usd"), 0.0));
    assert!(close(num(&rows[2], "saving_vs_local_usd"), 9.04 - 5.89));
    let pct = num(&rows[2], "saving_vs_local_pct");
    assert!(close(pct, 100.0 * 3.15 / 9.04), "{pct}");
}

#[test]
fn compare_keeps_going_when_a_heuristic_fails() {
    // `first` (split) takes the cheap home servers greedily, and `whole`
    // then fits in no single region; the optimum swaps them. The heuristics
    // report the job, and the optimum decides the exit status.
    let dir = TempDir::new("compare-heuristic-fails");
    let v = json!({
        "horizon": {"start": "2026-06-01T00:00:00Z", "slot_seconds": 3600, "slots": 1},
        "regions": [
            {"id": "home", "pue": 1.2, "price_usd_per_mwh": 50},
            {"id": "away", "pue": 1.1, "price_usd_per_mwh": 80}
        ],
        "pools": [
            {"id": "gpus-home", "region": "home", "servers": 10, "rent_usd_per_hour": 2,
             "power_kw": 1},
            {"id": "gpus-away", "region": "away", "servers": 5, "rent_usd_per_hour": 3,
             "power_kw": 1}
        ],
        "links": [
            {"from": "home", "to": "away", "bandwidth_gbps": 10, "egress_usd_per_gb": 0.02}
        ],
        "jobs": [
            {"id": "first", "origin": "home", "work": 5,
             "deadline": "2026-06-01T01:00:00Z", "max_servers": 10},
            {"id": "whole", "origin": "home", "work": 10,
             "deadline": "2026-06-01T01:00:00Z", "max_servers": 10, "placement": "whole"}
        ]
    });
    let file = dir.scenario("swap.json", &v);
    let out = run(&["compare", "--json"], Some(&file));
    assert_status(&out, 0);
    let rows: Value = serde_json::from_str(&stdout(&out)).expect("stdout is JSON");
    let rows = rows.as_array().unwrap();
    for row in &rows[..2] {
        assert!(row["report"].is_null(), "{row}");
        let e = row["error"].as_str().expect("an error");
        assert_mentions(e, &["job 'whole'", "5.000000 of 10 work units"]);
    }
    assert!(rows[2]["error"].is_null());
    check_report(&rows[2]["report"], "optimal");

    let out = run(&["compare"], Some(&file));
    assert_status(&out, 0);
    let text = stdout(&out);
    assert_mentions(&text, &["no schedule", "job 'whole'"]);
}

#[test]
fn compare_on_infeasible_scenario_exits_2() {
    let dir = TempDir::new("compare-infeasible");
    let file = dir.scenario("big.json", &infeasible());
    let out = run(&["compare"], Some(&file));
    assert_status(&out, 2);
    assert_mentions(&stderr(&out), &["job 'train'"]);
}

#[test]
fn validate_accepts_a_good_file() {
    let dir = TempDir::new("validate-good");
    let file = dir.scenario("good.json", &good());
    let out = run(&["validate"], Some(&file));
    assert_status(&out, 0);
    assert_mentions(
        &stdout(&out),
        &[
            "good.json",
            "valid",
            "4 slots",
            "2 regions",
            "1 jobs",
            "train",
        ],
    );
}

#[test]
fn validate_rejects_a_bad_file() {
    let dir = TempDir::new("validate-bad");
    let mut v = good();
    v["pools"][0]["servers"] = json!([2, 2, 2]);
    let file = dir.scenario("short.json", &v);
    let out = run(&["validate"], Some(&file));
    assert_status(&out, 1);
    assert_mentions(
        &stderr(&out),
        &["pool 'gpus-home'", "servers", "3 values", "4 slots"],
    );
    assert!(!stdout(&out).contains("valid"));
}

#[test]
fn validate_reports_closed_windows_but_accepts_the_file() {
    // A job that cannot run anywhere is not malformed input.
    let dir = TempDir::new("validate-closed");
    let mut v = good();
    v["jobs"][0]["regions"] = json!(["away"]);
    v["jobs"][0]["output_gb"] = json!(1);
    let file = dir.scenario("oneway.json", &v);
    let out = run(&["validate"], Some(&file));
    assert_status(&out, 0);
    assert_mentions(&stdout(&out), &["no eligible slot", "no link away -> home"]);
}

#[test]
fn solve_json_prints_a_typed_error_object_on_failure() {
    let dir = TempDir::new("json-errors");
    // A value out of range: exit 1, kind input, the typed detail.
    let mut v = good();
    v["regions"][1]["pue"] = json!(0.9);
    let file = dir.scenario("bad.json", &v);
    let out = run(&["solve", "--json"], Some(&file));
    assert_status(&out, 1);
    let e: Value = serde_json::from_str(&stdout(&out)).expect("stdout is JSON");
    let e = &e["error"];
    assert_eq!(e["kind"], "input");
    assert_eq!(e["exit_status"], 1);
    assert_eq!(e["detail"]["kind"], "out_of_range");
    assert_eq!(e["detail"]["entity"], "region");
    assert_eq!(e["detail"]["id"], "away");
    assert_eq!(e["detail"]["field"], "pue");
    assert_eq!(e["detail"]["value"], 0.9);
    assert_mentions(e["message"].as_str().unwrap(), &["bad.json", "pue"]);
    // stderr still has the message.
    assert_mentions(&stderr(&out), &["region 'away'", "pue"]);

    // No schedule: exit 2, kind infeasible, each job and why.
    let file = dir.scenario("big.json", &infeasible());
    let out = run(&["solve", "--json"], Some(&file));
    assert_status(&out, 2);
    let e: Value = serde_json::from_str(&stdout(&out)).expect("stdout is JSON");
    assert_eq!(e["error"]["kind"], "infeasible");
    assert_eq!(e["error"]["exit_status"], 2);
    let jobs = e["error"]["detail"]["jobs"].as_array().expect("jobs");
    assert!(!jobs.is_empty());
    assert!(jobs[0]["job"].is_string());
    assert!(jobs[0]["shortfall"].is_object(), "{}", jobs[0]);

    // A file that cannot be read: exit 1, kind usage, no detail.
    let out = run(&["solve", "--json"], Some(&dir.0.join("nowhere.json")));
    assert_status(&out, 1);
    let e: Value = serde_json::from_str(&stdout(&out)).expect("stdout is JSON");
    assert_eq!(e["error"]["kind"], "usage");
    assert!(e["error"]["detail"].is_null());

    // Without --json, stdout stays empty on failure.
    let out = run(&["solve"], Some(&file));
    assert_status(&out, 2);
    assert!(stdout(&out).is_empty());
}

// ------------------------------------------------ plot and validate (issue 8)

const PLOT_FILES: [&str; 3] = [
    "servers-by-region.svg",
    "cost-breakdown.svg",
    "job-timeline.svg",
];

/// A symbolic link at an output name is refused before anything is
/// written: the file it points to (here the input) is never overwritten.
#[cfg(unix)]
#[test]
fn plot_never_writes_through_a_symlink() {
    let dir = TempDir::new("plot-symlink");
    let input = dir.scenario("good.json", &good());
    let before = std::fs::read_to_string(&input).unwrap();
    let out = dir.0.join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::os::unix::fs::symlink(&input, out.join("servers-by-region.svg")).unwrap();
    let o = run(
        &["plot", "--out", out.to_str().unwrap()],
        Some(input.as_path()),
    );
    assert_status(&o, 1);
    assert_mentions(&stderr(&o), &["servers-by-region.svg", "symbolic link"]);
    assert_eq!(std::fs::read_to_string(&input).unwrap(), before);
    assert!(
        !out.join("cost-breakdown.svg").exists(),
        "nothing is written"
    );
}

/// An input stored under an output name in `--out` is not overwritten.
#[test]
fn plot_never_overwrites_the_input() {
    let dir = TempDir::new("plot-input");
    let input = dir.scenario("cost-breakdown.svg", &good());
    let before = std::fs::read_to_string(&input).unwrap();
    let o = run(
        &["plot", "--out", dir.0.to_str().unwrap()],
        Some(input.as_path()),
    );
    assert_status(&o, 1);
    assert_mentions(&stderr(&o), &["cost-breakdown.svg", "input scenario"]);
    assert_eq!(std::fs::read_to_string(&input).unwrap(), before);
}

/// A bad `--out` is a usage error, found before the schedulers run: on an
/// infeasible scenario it is still exit 1, not the infeasibility's 2.
#[test]
fn plot_checks_out_before_solving() {
    let dir = TempDir::new("plot-bad-out");
    let input = dir.scenario("infeasible.json", &infeasible());
    let file = dir.write("a-file", "not a folder");
    let o = run(
        &["plot", "--out", file.to_str().unwrap()],
        Some(input.as_path()),
    );
    assert_status(&o, 1);
    assert_mentions(&stderr(&o), &["--out", "not a folder"]);
    assert!(!stderr(&o).contains("cannot be finished"), "{}", stderr(&o));
}

/// If one output cannot be written, the others are not replaced either.
#[test]
fn plot_writes_all_files_or_none() {
    let dir = TempDir::new("plot-all-or-none");
    let input = dir.scenario("good.json", &good());
    let out = dir.0.join("out");
    std::fs::create_dir_all(out.join("job-timeline.svg")).unwrap(); // a folder
    std::fs::write(out.join("servers-by-region.svg"), "old").unwrap();
    let o = run(
        &["plot", "--out", out.to_str().unwrap()],
        Some(input.as_path()),
    );
    assert_status(&o, 1);
    assert_mentions(&stderr(&o), &["job-timeline.svg", "not a file"]);
    assert_eq!(
        std::fs::read_to_string(out.join("servers-by-region.svg")).unwrap(),
        "old"
    );
    assert!(!out.join("cost-breakdown.svg").exists());

    // With the folder gone, all three are written and nothing else is left.
    std::fs::remove_dir(out.join("job-timeline.svg")).unwrap();
    let o = run(
        &["plot", "--out", out.to_str().unwrap()],
        Some(input.as_path()),
    );
    assert_status(&o, 0);
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut expected: Vec<String> = PLOT_FILES.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(names, expected, "no temporary file is left");
    for name in PLOT_FILES {
        let svg = std::fs::read_to_string(out.join(name)).unwrap();
        assert!(svg.trim_end().ends_with("</svg>"), "{name} is whole");
    }
}

/// `validate` warns when the work certainly cannot fit, and still exits 0
/// (the file is valid).
#[test]
fn validate_warns_when_the_work_exceeds_the_capacity() {
    let dir = TempDir::new("validate-warn");
    let mut v = good();
    v["jobs"][0]["work"] = json!(100);
    let path = dir.scenario("big.json", &v);
    let o = run(&["validate"], Some(path.as_path()));
    assert_status(&o, 0);
    assert_mentions(
        &stdout(&o),
        &["warning: job 'train'", "warning: the jobs' total work 100"],
    );
    // A scenario that fits has no warning.
    let path = dir.scenario("good.json", &good());
    let o = run(&["validate"], Some(path.as_path()));
    assert!(!stdout(&o).contains("warning"), "{}", stdout(&o));
}

/// `validate` on 300 jobs × 300 closed regions prints a summary per job,
/// not every pair.
#[test]
fn validate_summarises_long_lists() {
    let dir = TempDir::new("validate-long");
    let regions: Vec<Value> = (0..300)
        .map(|r| json!({"id": format!("r{r}"), "pue": 1, "price_usd_per_mwh": 1}))
        .collect();
    let jobs: Vec<Value> = (0..300)
        .map(|j| {
            json!({"id": format!("j{j}"), "origin": "r0", "work": 1,
                   "deadline": "2026-06-01T01:00:00Z", "max_servers": 1})
        })
        .collect();
    let v = json!({
        "horizon": {"start": "2026-06-01T00:00:00Z", "slot_seconds": 3600, "slots": 1},
        "regions": regions, "pools": [], "jobs": jobs
    });
    let path = dir.scenario("wide.json", &v);
    let o = run(&["validate"], Some(path.as_path()));
    assert_status(&o, 0);
    let out = stdout(&o);
    assert_mentions(&out, &["... and 290 more closed regions"]);
    assert!(out.len() < 300 * 1_000, "{} bytes", out.len());
}

/// Work below the supported range made the optimum exit 3 (a plan the
/// evaluator rejected): it is an input error, exit 1, naming the range.
#[test]
fn tiny_work_and_huge_speed_exit_1_not_3() {
    let dir = TempDir::new("tiny-work");
    let mut v = good();
    v["jobs"][0]["work"] = json!(1e-10);
    let tiny = dir.scenario("tiny.json", &v);
    let mut v = good();
    v["pools"][0]["speed"] = json!(1e11);
    let fast = dir.scenario("fast.json", &v);
    for (file, field) in [(&tiny, "work"), (&fast, "speed")] {
        for scheduler in ["optimal", "local", "greedy"] {
            let o = run(&["solve", "--scheduler", scheduler], Some(file.as_path()));
            assert_status(&o, 1);
            assert_mentions(&stderr(&o), &[field, "supported range"]);
        }
    }
}

/// Anything after the scenario object is an input error.
#[test]
fn trailing_content_exits_1() {
    let dir = TempDir::new("trailing");
    let text = format!("{}\n{{}}", good());
    let file = dir.write("two.json", &text);
    let o = run(&["validate"], Some(file.as_path()));
    assert_status(&o, 1);
    assert_mentions(&stderr(&o), &["trailing characters"]);
}

#[test]
fn compare_json_on_an_infeasible_scenario_prints_one_document() {
    let dir = TempDir::new("compare-json-infeasible");
    let file = dir.scenario("big.json", &infeasible());
    let out = run(&["compare", "--json"], Some(&file));
    assert_status(&out, 2);
    // The rows are the result; no error object follows them.
    let rows: Value = serde_json::from_str(&stdout(&out)).expect("stdout is one JSON document");
    let optimal = rows
        .as_array()
        .and_then(|r| r.iter().find(|row| row["scheduler"] == "optimal"))
        .expect("an optimal row");
    assert!(optimal["error"].is_string());
    assert_eq!(optimal["error_detail"]["kind"], "infeasible");
    assert!(optimal["error_detail"]["detail"]["jobs"].is_array());
}

/// The optimum's report carries its proof: a bound at most the total, and
/// the gap between them, proven within 1e-7 by default.
#[test]
fn the_optimum_reports_its_bound_and_gap() {
    let dir = TempDir::new("proof");
    let file = dir.scenario("good.json", &good());
    let out = run(&["solve", "--json"], Some(&file));
    assert_status(&out, 0);
    let r: Value = serde_json::from_str(&stdout(&out)).expect("stdout is JSON");
    let (total, bound, gap) = (num(&r, "total_usd"), num(&r, "bound_usd"), num(&r, "gap"));
    assert!(bound <= total, "bound {bound} above total {total}");
    assert!(
        (gap - (total - bound) / total.abs().max(1.0)).abs() < 1e-12,
        "{gap}"
    );
    assert!(gap <= 1e-7);
    assert_eq!(r["proven_optimal"], json!(true));
    assert!(r.get("stopped").is_none());
    // A heuristic's report has no proof.
    let out = run(&["solve", "--json", "--scheduler", "greedy"], Some(&file));
    let r: Value = serde_json::from_str(&stdout(&out)).expect("stdout is JSON");
    assert!(r.get("bound_usd").is_none() && r.get("gap").is_none());
}

/// `--time-limit` and `--gap` are checked: a negative or non-numeric value
/// is a usage error (1), and a limit too large for the clock is no limit.
#[test]
fn time_limit_and_gap_are_checked() {
    let dir = TempDir::new("limits");
    let file = dir.scenario("good.json", &good());
    for args in [
        ["solve", "--time-limit", "-1"],
        ["solve", "--gap", "-0.5"],
        ["solve", "--time-limit", "soon"],
    ] {
        let out = run(&args, Some(&file));
        assert_status(&out, 1);
    }
    let out = run(
        &["solve", "--time-limit", "1e300", "--gap", "1e-4"],
        Some(&file),
    );
    assert_status(&out, 0);
    assert_mentions(
        &stdout(&out),
        &["proven optimal", "no plan costs less than"],
    );
}

#[test]
fn unmet_usd_per_work_turns_an_infeasible_week_into_a_partial_plan() {
    let dir = TempDir::new("unmet");
    let file = dir.scenario("big.json", &infeasible());
    // 29 of 40 units cannot be placed (see the test above): at 1000 $ per
    // unit, every placeable unit is done and 29 are left, 29,000 $.
    let out = run(
        &["solve", "--json", "--unmet-usd-per-work", "1000"],
        Some(&file),
    );
    assert_status(&out, 0);
    let r: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(close(num(&r, "unmet_usd"), 29_000.0), "{r}");
    assert!(close(num(&r["jobs"][0], "unmet_work"), 29.0), "{r}");
    let parts = [
        "rent_usd",
        "energy_usd",
        "carbon_usd",
        "egress_usd",
        "unmet_usd",
    ];
    let sum: f64 = parts.iter().map(|f| num(&r, f)).sum();
    assert!(close(sum, num(&r, "total_usd")), "{r}");
    // The text says the unmet part is not money spent.
    let out = run(&["compare", "--unmet-usd-per-work", "1000"], Some(&file));
    assert_status(&out, 0);
    assert_mentions(
        &stdout(&out),
        &["optimal", "29.000 work units undone", "not money spent"],
    );
    // A job's own price wins over the option.
    let mut v = infeasible();
    v["jobs"][0]["unmet_usd_per_work"] = json!(500);
    let own = dir.scenario("own.json", &v);
    let out = run(
        &["solve", "--json", "--unmet-usd-per-work", "1000"],
        Some(&own),
    );
    let r: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(close(num(&r, "unmet_usd"), 14_500.0), "{r}");
    // A price outside the supported range is malformed input.
    let out = run(&["solve", "--unmet-usd-per-work=-1"], Some(&file));
    assert_status(&out, 1);
    assert_mentions(&stderr(&out), &["unmet_usd_per_work", "train"]);
}

/// Every scheduler `--scheduler` takes can be plotted: a heuristic of the
/// bench (wait-awhile) is drawn beside local, greedy and the optimum (it
/// used to fail with "no schedule").
#[test]
fn plot_draws_a_heuristic_of_the_bench() {
    let dir = TempDir::new("plot-wait-awhile");
    let scenario = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../scenarios/follow-the-cheap-hours.json"
    );
    let out = dir.0.join("plots");
    let o = run(
        &[
            "plot",
            scenario,
            "--scheduler",
            "wait-awhile",
            "--solver",
            "microlp",
            "--out",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert_status(&o, 0);
    let breakdown = std::fs::read_to_string(out.join("cost-breakdown.svg")).unwrap();
    for name in ["local", "greedy", "optimal", "wait-awhile"] {
        assert!(breakdown.contains(name), "{name} not in the cost breakdown");
    }
}
