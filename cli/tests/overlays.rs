//! `--without`, `--only`, `--set` on the commands that read a scenario,
//! and `compare --variant`: the built binary on a small scenario whose
//! optimum moves when a region goes (home `ny` is dear, cloud `gcp-a` is
//! cheaper, host `vast-1` is cheapest but small).

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_geoshift");

struct TempDir(PathBuf);

impl TempDir {
    fn new(test: &str) -> Self {
        let path = std::env::temp_dir().join(format!(
            "geoshift-overlay-test-{}-{test}",
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

fn scenario(dir: &TempDir) -> PathBuf {
    let v = json!({
        "horizon": {"start": "2026-06-01T00:00:00Z", "slot_seconds": 3600, "slots": 4},
        "regions": [
            {"id": "ny", "pue": 1.0, "price_usd_per_mwh": 100},
            {"id": "gcp-a", "pue": 1.0, "price_usd_per_mwh": 0},
            {"id": "vast-1", "pue": 1.0, "price_usd_per_mwh": 0}
        ],
        "pools": [
            {"id": "ny-owned", "region": "ny", "servers": 4, "rent_usd_per_hour": 3, "power_kw": 1},
            {"id": "gcp-a-od", "region": "gcp-a", "servers": 4, "rent_usd_per_hour": 2, "power_kw": 1},
            {"id": "vast-1-h", "region": "vast-1", "servers": 1, "rent_usd_per_hour": 1, "power_kw": 1}
        ],
        "links": [
            {"from": "ny", "to": "gcp-a", "bandwidth_gbps": 10, "egress_usd_per_gb": 0},
            {"from": "gcp-a", "to": "ny", "bandwidth_gbps": 10, "egress_usd_per_gb": 0},
            {"from": "ny", "to": "vast-1", "bandwidth_gbps": 10, "egress_usd_per_gb": 0},
            {"from": "vast-1", "to": "ny", "bandwidth_gbps": 10, "egress_usd_per_gb": 0}
        ],
        "jobs": [
            {"id": "train", "origin": "ny", "work": 8, "deadline": "2026-06-01T04:00:00Z",
             "max_servers": 4}
        ]
    });
    let path = dir.0.join("s.json");
    std::fs::write(&path, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    path
}

fn run(args: &[&str], file: &Path) -> Output {
    Command::new(BIN)
        .args(args)
        .arg(file)
        .env("GEOSHIFT_PROGRESS", "0")
        .output()
        .expect("run the geoshift binary")
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", out(o)))
}

#[test]
fn solve_applies_overlays_in_order_and_names_them() {
    let dir = TempDir::new("solve");
    let f = scenario(&dir);
    // As written: 1 server-hour on vast ($1/h × 4 slots = 4 work units at
    // $1), the rest on gcp at $2: $4 + 4 × $2 = $12.
    let all = run(&["solve", "--json", "--solver", "microlp"], &f);
    assert_eq!(all.status.code(), Some(0), "{}", err(&all));
    assert!((json(&all)["total_usd"].as_f64().unwrap() - 12.0).abs() < 1e-6);
    assert!(json(&all).get("overlays").is_none());
    // Without vast: 8 on gcp at $2 = $16.
    let o = run(
        &[
            "solve",
            "--json",
            "--solver",
            "microlp",
            "--without",
            "region:vast-*",
        ],
        &f,
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let v = json(&o);
    assert!(
        (v["total_usd"].as_f64().unwrap() - 16.0).abs() < 1e-6,
        "{v}"
    );
    assert_eq!(v["overlays"], json!(["without region:vast-*"]));
    // A --set before a --without applies first: gcp's rent to $5 makes ny
    // ($3 + $0.1 energy) the cheaper of what is left.
    let o = run(
        &[
            "solve",
            "--json",
            "--solver",
            "microlp",
            "--set",
            "pool:gcp-*.rent_usd_per_hour=5",
            "--without=region:vast-1",
        ],
        &f,
    );
    let v = json(&o);
    assert!(
        (v["total_usd"].as_f64().unwrap() - 8.0 * 3.1).abs() < 1e-6,
        "{v}"
    );
    assert_eq!(
        v["overlays"],
        json!([
            "set pool:gcp-*.rent_usd_per_hour=5",
            "without region:vast-1"
        ])
    );
    // Text output names the file and its overlays first.
    let o = run(&["solve", "--solver", "microlp", "--only", "pool:ny-*"], &f);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let first = out(&o).lines().next().unwrap_or_default().to_string();
    assert!(first.ends_with("s.json [only pool:ny-*]"), "{first}");
}

#[test]
fn validate_and_compare_show_overlays_in_their_header() {
    let dir = TempDir::new("header");
    let f = scenario(&dir);
    let o = run(&["validate", "--without", "region:vast-*"], &f);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let first = out(&o).lines().next().unwrap_or_default().to_string();
    assert!(
        first.contains("s.json [without region:vast-*]: valid.") && first.contains("2 regions"),
        "{first}"
    );
    let o = run(
        &[
            "compare",
            "--solver",
            "microlp",
            "--set",
            "carbon_price_usd_per_t=80",
        ],
        &f,
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(
        out(&o).starts_with(&format!(
            "{} [set carbon_price_usd_per_t=80]: 1 jobs",
            f.display()
        )),
        "{}",
        out(&o)
    );
}

#[test]
fn overlay_errors_are_exit_1_naming_the_overlay() {
    let dir = TempDir::new("errors");
    let f = scenario(&dir);
    for (args, names) in [
        (
            vec!["--without", "region:aws-*"],
            vec!["aws-*", "no region matches"],
        ),
        (
            vec!["--set", "pool:ny-*.rent=2"],
            vec!["pool:ny-*.rent=2", "ny-owned", "unknown field"],
        ),
        (
            vec!["--set", "job:train.work=lots"],
            vec!["job:train.work=lots", "invalid type"],
        ),
        (
            vec!["--without", "region:ny"],
            vec!["origin of job 'train'", "region 'ny'"],
        ),
        (vec!["--only", "regions:ny"], vec!["unknown kind 'regions'"]),
    ] {
        let mut all = vec!["validate"];
        all.extend(&args);
        let o = run(&all, &f);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", err(&o));
        for n in names {
            assert!(err(&o).contains(n), "{args:?}: {n} not in {}", err(&o));
        }
    }
    // With --json, the typed error is on stdout.
    let o = run(&["solve", "--json", "--without", "region:aws-*"], &f);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    assert_eq!(v["error"]["detail"]["kind"], "overlay");
    assert_eq!(v["error"]["detail"]["fault"]["reason"], "no_match");
    // bench reads no scenario file: refused rather than ignored.
    let o = run(&["bench", "--without", "region:x"], &f);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn compare_variants_json_rows_savings_and_group_shares() {
    let dir = TempDir::new("variants");
    let f = scenario(&dir);
    let o = run(
        &[
            "compare",
            "--json",
            "--solver",
            "microlp",
            "--variant",
            "home=only region:ny",
            "--variant",
            "cloud=without region:vast-*",
            "--variant",
            "all=",
        ],
        &f,
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let v = json(&o);
    let rows = v["variants"].as_array().expect("a variants array");
    let names: Vec<&str> = rows.iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["home", "cloud", "all"]);
    assert_eq!(rows[0]["overlays"], json!(["only region:ny"]));
    assert_eq!(rows[2]["overlays"], json!([]));
    let totals: Vec<f64> = rows
        .iter()
        .map(|r| r["total_usd"].as_f64().unwrap())
        .collect();
    for (got, want) in totals.iter().zip([8.0 * 3.1, 16.0, 12.0]) {
        assert!((got - want).abs() < 1e-6, "{totals:?}");
    }
    let saving = rows[2]["saving_vs_first_usd"].as_f64().unwrap();
    assert!((saving - (24.8 - 12.0)).abs() < 1e-6, "{saving}");
    assert_eq!(rows[0]["saving_vs_first_usd"].as_f64(), Some(0.0));
    // "all": 4 work units on vast, 4 on gcp, none at home.
    let groups = rows[2]["groups"].as_array().unwrap();
    let share = |g: &str| {
        groups
            .iter()
            .find(|x| x["group"] == g)
            .unwrap_or_else(|| panic!("no group {g}"))["work_share"]
            .as_f64()
            .unwrap()
    };
    assert!((share("vast") - 0.5).abs() < 1e-6);
    assert!((share("gcp") - 0.5).abs() < 1e-6);
    assert!(share("ny").abs() < 1e-9);
    // "home": every unit at home, and no other group exists.
    let home = rows[0]["groups"].as_array().unwrap();
    assert_eq!(home.len(), 1);
    assert!((home[0]["work_share"].as_f64().unwrap() - 1.0).abs() < 1e-9);
}

#[test]
fn compare_variants_table_csv_and_errors() {
    let dir = TempDir::new("variants-csv");
    let f = scenario(&dir);
    let csv = dir.0.join("rows.csv");
    let csv_arg = csv.to_str().unwrap();
    let args = [
        "compare",
        "--solver",
        "microlp",
        "--scheduler",
        "local",
        "--variant",
        "all=",
        "--variant",
        "dear gcp=set pool:gcp-*.rent_usd_per_hour=9; without region:vast-*",
        "--csv",
        csv_arg,
    ];
    let o = run(&args, &f);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let text = out(&o);
    assert!(text.contains("local per variant"), "{text}");
    assert!(text.contains("saving vs all"), "{text}");
    let written = std::fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = written.lines().collect();
    assert_eq!(lines.len(), 3, "{written}");
    assert!(
        lines[0].starts_with("variant,overlays,scheduler,total_usd"),
        "{}",
        lines[0]
    );
    assert!(lines[2].starts_with("dear gcp,"), "{}", lines[2]);
    // local: all at home either way ($24.80), so no saving.
    let total: f64 = lines[1].split(',').nth(3).unwrap().parse().unwrap();
    assert!(lines[1].starts_with("all,,local,"), "{}", lines[1]);
    assert!((total - 24.8).abs() < 1e-6, "{}", lines[1]);
    // Never over an existing file, and refused before anything runs.
    let o = run(&args, &f);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("exists already"), "{}", err(&o));
    // A bad overlay in a variant names the variant.
    let o = run(&["compare", "--variant", "x=without pool:nope"], &f);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err(&o).contains("variant 'x'") && err(&o).contains("nope"),
        "{}",
        err(&o)
    );
    // --scheduler and --csv belong to --variant.
    let o = run(&["compare", "--scheduler", "local"], &f);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn solve_csv_rows_add_up_to_the_report_and_groups_are_printed() {
    let dir = TempDir::new("solve-csv");
    let f = scenario(&dir);
    let csv = dir.0.join("plan.csv");
    let csv_arg = csv.to_str().unwrap();
    let o = run(&["solve", "--solver", "microlp", "--csv", csv_arg], &f);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let text = out(&o);
    // $12 = 4 work units on vast ($4) + 4 on gcp ($8); none at home.
    assert!(
        text.contains("work share and cost per region group"),
        "{text}"
    );
    let cells = |group: &str| -> Vec<String> {
        let row = text
            .lines()
            .find(|l| l.split_whitespace().next() == Some(group))
            .unwrap_or_else(|| panic!("no row for {group} in {text}"));
        row.split_whitespace().skip(1).map(String::from).collect()
    };
    assert_eq!(cells("ny"), ["0.0%", "$0.00"], "{text}");
    assert_eq!(cells("gcp"), ["50.0%", "$8.00"], "{text}");
    assert_eq!(cells("vast"), ["50.0%", "$4.00"], "{text}");
    let written = std::fs::read_to_string(&csv).unwrap();
    let mut lines = written.lines();
    assert_eq!(
        lines.next(),
        Some("job,pool,region,slot,start,server_hours,work,cost_usd")
    );
    let (mut work, mut cost) = (0.0, 0.0);
    let mut regions = std::collections::BTreeSet::new();
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f.len(), 8, "{line}");
        assert_eq!(f[0], "train");
        regions.insert(f[2].to_string());
        work += f[6].parse::<f64>().unwrap();
        cost += f[7].parse::<f64>().unwrap();
        let pool_region = if f[1] == "vast-1-h" {
            "vast-1"
        } else {
            "gcp-a"
        };
        assert_eq!(f[2], pool_region, "{line}");
    }
    assert!((work - 8.0).abs() < 1e-6, "{work}");
    assert!((cost - 12.0).abs() < 1e-6, "{cost}");
    assert_eq!(regions.len(), 2);
    // Never over an existing file.
    let o = run(&["solve", "--solver", "microlp", "--csv", csv_arg], &f);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("exists already"), "{}", err(&o));
}

#[test]
fn compare_prints_groups_per_scheduler_and_in_json() {
    let dir = TempDir::new("compare-groups");
    let f = scenario(&dir);
    let o = run(&["compare", "--solver", "microlp", "--json"], &f);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let v = json(&o);
    let local = &v[0];
    assert_eq!(local["scheduler"], "local");
    // Local runs everything at the origin: all of ny's group.
    let ny = local["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["group"] == "ny")
        .unwrap();
    assert!((ny["work_share"].as_f64().unwrap() - 1.0).abs() < 1e-9);
    assert!((ny["cost_usd"].as_f64().unwrap() - 24.8).abs() < 1e-6);
    let o = run(&["compare", "--solver", "microlp"], &f);
    let text = out(&o);
    assert!(
        text.contains("work share and cost per region group"),
        "{text}"
    );
    // Columns local, greedy, optimal: local all at home, the optimum none.
    let row = text
        .lines()
        .find(|l| l.starts_with("ny "))
        .unwrap_or_else(|| panic!("no ny row in {text}"));
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(cells[1], "100.0%", "{row}");
    assert_eq!(cells[5], "0.0%", "{row}");
}

#[test]
fn a_group_field_groups_regions_whatever_their_ids() {
    let dir = TempDir::new("group-field");
    let f = scenario(&dir);
    // gcp-a and vast-1 both labelled "away" (set by overlays: a string
    // that is not JSON is a string): the optimum's work is all there.
    let o = run(
        &[
            "compare",
            "--json",
            "--solver",
            "microlp",
            "--set",
            "region:gcp-a.group=away",
            "--set",
            "region:vast-*.group=away",
        ],
        &f,
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let v = json(&o);
    let optimal = v
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["scheduler"] == "optimal")
        .unwrap();
    let groups: Vec<(String, f64)> = optimal["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["group"].as_str().unwrap().to_string(),
                g["work_share"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(groups.len(), 2, "{groups:?}");
    assert_eq!(groups[0].0, "ny");
    assert!(groups[0].1.abs() < 1e-9, "{groups:?}");
    assert_eq!(groups[1].0, "away");
    assert!((groups[1].1 - 1.0).abs() < 1e-9, "{groups:?}");
}
