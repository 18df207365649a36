//! `geoshift merge`: the result files of a sharded `sweep` or `bench`
//! (`--shard I/N`) put back together into the table, JSON and CSV that
//! one unsharded run prints, once every shard is there exactly once and
//! all ran on the same inputs.

use crate::shard::Shard;
use crate::{emit, output, usage, Failure};
use clap::Args;
use geoshift::bench::{summarize, Row};
use geoshift::{StopReason, SweepKind, SweepPoint};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// The arguments of `geoshift merge`.
#[derive(Args)]
pub struct MergeArgs {
    /// The result files of every shard of one run (`sweep --shard` or
    /// `bench --shard`), in any order.
    #[arg(required = true, value_name = "FILES")]
    files: Vec<PathBuf>,
    /// Print the merged result as the JSON of the unsharded command.
    #[arg(long)]
    pub json: bool,
    /// Also write a bench's rows as CSV to this new file (as `bench
    /// --csv`; never over an existing file).
    #[arg(long, value_name = "FILE.csv")]
    csv: Option<PathBuf>,
}

/// Why shard files cannot be merged. Each names the files at fault.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MergeError {
    /// Not a shard's result: no `shard` object, or one that does not read.
    NotAShard { file: String, reason: String },
    /// Shards of different commands (a sweep's and a bench's).
    MixedCommands {
        file: String,
        command: String,
        first_file: String,
        first_command: String,
    },
    /// Shards of different counts (`1/3` and `2/4`).
    CountMismatch {
        file: String,
        count: usize,
        first_file: String,
        first_count: usize,
    },
    /// One shard given twice.
    Overlap {
        shard: String,
        file: String,
        other_file: String,
    },
    /// Shards of the run not given.
    Missing { shards: Vec<usize>, count: usize },
    /// Two shards ran on different inputs (scenario, settings, families,
    /// seeds, schedulers, solver, limits).
    InputsDiffer {
        field: String,
        file: String,
        value: String,
        first_file: String,
        first_value: String,
    },
    /// `--csv` for a sweep, which has no CSV.
    NoCsv { command: String },
}

impl fmt::Display for MergeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MergeError::NotAShard { file, reason } => {
                write!(f, "{file}: not a shard's result ({reason})")
            }
            MergeError::MixedCommands {
                file,
                command,
                first_file,
                first_command,
            } => write!(
                f,
                "{file} is a shard of `{command}` but {first_file} of `{first_command}`: merge \
                 the shards of one run"
            ),
            MergeError::CountMismatch {
                file,
                count,
                first_file,
                first_count,
            } => write!(
                f,
                "{file} is one of {count} shards but {first_file} one of {first_count}: merge \
                 the shards of one run"
            ),
            MergeError::Overlap {
                shard,
                file,
                other_file,
            } => write!(f, "shard {shard} is given twice: {other_file} and {file}"),
            MergeError::Missing { shards, count } => {
                let shown: Vec<String> = shards
                    .iter()
                    .take(10)
                    .map(|i| format!("{i}/{count}"))
                    .collect();
                let more = if shards.len() > 10 {
                    format!(" and {} more", shards.len() - 10)
                } else {
                    String::new()
                };
                write!(
                    f,
                    "missing shard{} {}{more}: every shard of the run is needed once",
                    if shards.len() == 1 { "" } else { "s" },
                    shown.join(", ")
                )
            }
            MergeError::InputsDiffer {
                field,
                file,
                value,
                first_file,
                first_value,
            } => write!(
                f,
                "{file} ran on other inputs than {first_file}: {field} is {value} there, \
                 {first_value} in {first_file}"
            ),
            MergeError::NoCsv { command } => write!(
                f,
                "--csv: a {command} has no CSV output (its --json is the whole result)"
            ),
        }
    }
}

impl From<MergeError> for Failure {
    fn from(e: MergeError) -> Self {
        Failure {
            code: 1,
            message: format!("merge: {e}"),
            error: Some(serde_json::json!({
                "kind": "merge",
                "detail": serde_json::to_value(&e).unwrap_or(Value::Null),
            })),
            reported: false,
        }
    }
}

/// The `shard` object of a result file.
#[derive(Deserialize)]
struct Head {
    command: String,
    index: usize,
    count: usize,
    items: usize,
    #[serde(default)]
    seconds: f64,
    #[serde(default)]
    scenario_path: Option<String>,
    inputs: Value,
}

/// One file read: its name as given, its shard head and its result.
struct Part {
    file: String,
    head: Head,
    result: Value,
}

/// A value as an error message shows it: its JSON, cut short.
fn shown(v: Option<&Value>) -> String {
    let s = v.map_or_else(|| "absent".to_string(), Value::to_string);
    if s.chars().count() > 80 {
        format!("{}…", s.chars().take(79).collect::<String>())
    } else {
        s
    }
}

/// Reads every file and checks that together they are every shard of one
/// run, once each, on the same inputs; returns them in shard order.
fn gather(files: &[PathBuf]) -> Result<Vec<Part>, Failure> {
    let mut parts = Vec::with_capacity(files.len());
    for path in files {
        let file = path.display().to_string();
        let text = crate::read_input(path)?;
        let not = |reason: String| MergeError::NotAShard {
            file: file.clone(),
            reason,
        };
        let mut result: Value =
            serde_json::from_str(&text).map_err(|e| not(format!("not JSON: {e}")))?;
        let head = result
            .as_object_mut()
            .and_then(|o| o.remove("shard"))
            .ok_or_else(|| not("no `shard` object: write it with --shard".into()))?;
        let head: Head =
            serde_json::from_value(head).map_err(|e| not(format!("its `shard` object: {e}")))?;
        if head.count == 0
            || head.count > crate::shard::MAX_SHARDS
            || head.index == 0
            || head.index > head.count
        {
            return Err(not(format!(
                "shard {}/{} is out of range",
                head.index, head.count
            ))
            .into());
        }
        parts.push(Part { file, head, result });
    }
    let Some(first) = parts.first() else {
        return Err(usage("merge: give the shards' result files".into()));
    };
    let mut by_index: BTreeMap<usize, &Part> = BTreeMap::new();
    for part in &parts {
        if part.head.command != first.head.command {
            return Err(MergeError::MixedCommands {
                file: part.file.clone(),
                command: part.head.command.clone(),
                first_file: first.file.clone(),
                first_command: first.head.command.clone(),
            }
            .into());
        }
        if part.head.count != first.head.count {
            return Err(MergeError::CountMismatch {
                file: part.file.clone(),
                count: part.head.count,
                first_file: first.file.clone(),
                first_count: first.head.count,
            }
            .into());
        }
        let differ = |field: &str, value: Option<&Value>, first_value: Option<&Value>| {
            MergeError::InputsDiffer {
                field: field.to_string(),
                file: part.file.clone(),
                value: shown(value),
                first_file: first.file.clone(),
                first_value: shown(first_value),
            }
        };
        if part.head.items != first.head.items {
            let (a, b) = (part.head.items.into(), first.head.items.into());
            return Err(differ("the item count", Some(&a), Some(&b)).into());
        }
        if part.head.inputs != first.head.inputs {
            let empty = serde_json::Map::new();
            let mine = part.head.inputs.as_object().unwrap_or(&empty);
            let theirs = first.head.inputs.as_object().unwrap_or(&empty);
            let field = theirs
                .keys()
                .chain(mine.keys())
                .find(|k| mine.get(*k) != theirs.get(*k))
                .cloned()
                .unwrap_or_else(|| "inputs".into());
            return Err(differ(&field, mine.get(&field), theirs.get(&field)).into());
        }
        if let Some(other) = by_index.insert(part.head.index, part) {
            return Err(MergeError::Overlap {
                shard: format!("{}/{}", part.head.index, part.head.count),
                file: part.file.clone(),
                other_file: other.file.clone(),
            }
            .into());
        }
    }
    let count = first.head.count;
    let missing: Vec<usize> = (1..=count).filter(|i| !by_index.contains_key(i)).collect();
    if !missing.is_empty() {
        return Err(MergeError::Missing {
            shards: missing,
            count,
        }
        .into());
    }
    parts.sort_by_key(|p| p.head.index);
    Ok(parts)
}

/// Runs `geoshift merge`.
pub fn run(args: &MergeArgs) -> Result<(), Failure> {
    if let Some(file) = &args.csv {
        if std::fs::symlink_metadata(file).is_ok() {
            return Err(usage(format!(
                "--csv {}: exists already; merge never replaces a file (remove it or choose \
                 another name)",
                file.display()
            )));
        }
    }
    let parts = gather(&args.files)?;
    match parts[0].head.command.as_str() {
        "sweep" if args.csv.is_some() => Err(MergeError::NoCsv {
            command: "sweep".into(),
        }
        .into()),
        "sweep" => sweep(&parts, args.json),
        "bench" => bench(&parts, args.json, args.csv.as_deref()),
        other => Err(MergeError::NotAShard {
            file: parts[0].file.clone(),
            reason: format!("`{other}` is not sweep or bench"),
        }
        .into()),
    }
}

/// A field of a result file, read as `T`.
fn field<T: for<'de> Deserialize<'de>>(part: &Part, name: &str) -> Result<T, Failure> {
    let v = part.result.get(name).cloned().unwrap_or(Value::Null);
    serde_json::from_value(v).map_err(|e| {
        MergeError::NotAShard {
            file: part.file.clone(),
            reason: format!("its `{name}`: {e}"),
        }
        .into()
    })
}

/// The JSON `sweep --json` prints, in its order of fields.
#[derive(Serialize)]
struct MergedCurve {
    kind: SweepKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<String>,
    points: Vec<SweepPoint>,
    skipped: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stopped: Option<StopReason>,
    #[serde(skip_serializing_if = "Option::is_none")]
    overlays: Option<Value>,
}

/// A sweep's shards: each point and skipped setting back at its setting's
/// place in the whole run.
fn sweep(parts: &[Part], json: bool) -> Result<(), Failure> {
    let first = &parts[0];
    let settings: Vec<f64> = serde_json::from_value(first.head.inputs["settings"].clone())
        .map_err(|e| MergeError::NotAShard {
            file: first.file.clone(),
            reason: format!("its `shard.inputs.settings`: {e}"),
        })?;
    let kind: SweepKind = field(first, "kind")?;
    // The field of a `--vary` sweep (`pool:vast-*.interruption_rate_per_hour`).
    let varied: Option<String> = field(first, "field")?;
    let mut points: Vec<Option<SweepPoint>> = vec![None; settings.len()];
    let mut skipped: Vec<Option<Value>> = vec![None; settings.len()];
    let mut stopped = None;
    for part in parts {
        let shard = Shard {
            index: part.head.index,
            count: part.head.count,
        };
        let mine: Vec<SweepPoint> = field(part, "points")?;
        let no_plan: Vec<Value> = field(part, "skipped")?;
        let (mut p, mut s) = (mine.into_iter().peekable(), no_plan.into_iter().peekable());
        for at in (0..settings.len()).filter(|&i| shard.takes(i)) {
            let setting = settings[at];
            if p.peek().is_some_and(|pt| pt.setting == setting) {
                points[at] = p.next();
            } else if s
                .peek()
                .is_some_and(|v| v["setting"].as_f64() == Some(setting))
            {
                skipped[at] = s.next();
            }
        }
        if p.peek().is_some() || s.peek().is_some() {
            return Err(MergeError::NotAShard {
                file: part.file.clone(),
                reason: format!("its points are not those of shard {shard}'s settings, in order"),
            }
            .into());
        }
        let why: Option<StopReason> = field(part, "stopped")?;
        stopped = stopped.or(why);
    }
    let points: Vec<SweepPoint> = points.into_iter().flatten().collect();
    let skipped: Vec<Value> = skipped.into_iter().flatten().collect();
    let mut out = String::new();
    if json {
        let merged = MergedCurve {
            kind,
            field: varied,
            points,
            skipped,
            stopped,
            overlays: first.result.get("overlays").cloned(),
        };
        out.push_str(&pretty(&merged)?);
        out.push('\n');
        emit(&out)?;
        return no_point(&merged.points, &merged.skipped, merged.stopped, json);
    }
    let reasons: Vec<(f64, String)> = skipped
        .iter()
        .map(|v| (v["setting"].as_f64().unwrap_or(f64::NAN), message(v)))
        .collect();
    let path = first.head.scenario_path.as_deref().unwrap_or("?");
    crate::sweep::table(
        &mut out,
        kind,
        varied.as_deref(),
        &points,
        &reasons,
        stopped,
        Path::new(path),
    );
    emit(&out)?;
    no_point(&points, &skipped, stopped, json)
}

/// A skipped setting's reason, as the library's error said it.
fn message(v: &Value) -> String {
    v["error"]["message"]
        .as_str()
        .unwrap_or("no plan")
        .to_string()
}

/// A merged curve with no point fails as the unsharded sweep does: 4 when
/// a limit stopped it, 2 when no setting has a plan.
fn no_point(
    points: &[SweepPoint],
    skipped: &[Value],
    stopped: Option<StopReason>,
    json: bool,
) -> Result<(), Failure> {
    if !points.is_empty() {
        return Ok(());
    }
    let failure = match (stopped, skipped.first()) {
        (Some(why), _) => Failure::new(
            4,
            format!("the sweep was stopped by {why} before any point was solved"),
        ),
        (None, Some(first)) => Failure::new(
            2,
            format!(
                "no setting of the sweep has a plan; the first, {}: {}",
                first["setting"],
                message(first)
            ),
        ),
        (None, None) => Failure::new(1, "the sweep has no settings".into()),
    };
    Err(Failure {
        reported: json,
        ..failure
    })
}

/// A family as `bench --json` lists it.
#[derive(Serialize, Deserialize)]
struct FamilyJson {
    name: String,
    about: String,
    params: Vec<(String, String)>,
}

/// The JSON `bench --json` prints, in its order of fields.
#[derive(Serialize)]
struct MergedBench {
    seeds: u64,
    time_limit_seconds: f64,
    gap: Option<f64>,
    scenarios: usize,
    scenarios_run: usize,
    stopped: Option<String>,
    families: Vec<FamilyJson>,
    rows: Vec<Row>,
    summary: Vec<geoshift::bench::Summary>,
}

/// A bench's shards: the rows of every scenario in family and seed order,
/// and the summaries over all of them.
fn bench(parts: &[Part], json: bool, csv: Option<&Path>) -> Result<(), Failure> {
    let first = &parts[0];
    let families: Vec<FamilyJson> = field(first, "families")?;
    let names: Vec<String> = families.iter().map(|f| f.name.clone()).collect();
    let order: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut rows: Vec<Row> = Vec::new();
    let mut scenarios_run = 0;
    let mut stopped: Option<String> = None;
    let mut seconds = 0.0;
    for part in parts {
        rows.extend(field::<Vec<Row>>(part, "rows")?);
        scenarios_run += field::<usize>(part, "scenarios_run")?;
        stopped = stopped.or(field::<Option<String>>(part, "stopped")?);
        seconds += part.head.seconds;
    }
    // The unsharded order: families as listed, seeds rising, and each
    // scenario's rows in the order its shard wrote them.
    rows.sort_by_key(|r| {
        (
            order
                .iter()
                .position(|f| *f == r.family)
                .unwrap_or(usize::MAX),
            r.seed,
        )
    });
    let summary = summarize(&rows);
    if let Some(file) = csv {
        output::write_new(file, &crate::bench::csv(&rows)?).map_err(usage)?;
    }
    let merged = MergedBench {
        seeds: field(first, "seeds")?,
        time_limit_seconds: field(first, "time_limit_seconds")?,
        gap: field(first, "gap")?,
        scenarios: first.head.items,
        scenarios_run,
        stopped,
        families,
        rows,
        summary,
    };
    if json {
        return emit(&(pretty(&merged)? + "\n"));
    }
    let schedulers = first.head.inputs["schedulers"]
        .as_array()
        .map_or(0, Vec::len);
    let mut out = String::new();
    crate::bench::table(&mut out, &order, &merged.summary);
    crate::bench::footer(
        &mut out,
        merged.scenarios,
        merged.scenarios_run,
        schedulers,
        seconds,
        merged.time_limit_seconds,
    );
    emit(&out)
}

fn pretty<T: Serialize>(value: &T) -> Result<String, Failure> {
    serde_json::to_string_pretty(value)
        .map_err(|e| Failure::new(3, format!("cannot write JSON: {e}")))
}
