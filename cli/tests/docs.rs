//! The front door stays true: every command shown with its output in
//! `README.md` and `docs/*.md` is run and compared, and every chart under
//! `docs/` is what its command writes now.
//!
//! How a page is written so that this test runs it (also in
//! `docs/README.md`, "Conventions for a page"):
//!
//! - a fence whose info string is `console` runs (`console,ignore` does
//!   not); a fence with no info string runs too (trycmd's rule), so every
//!   fence names its language: `text`, `sh`, `rust`, `json`, `toml`;
//! - in a `console` block, `$ geoshift ARGS` is a command, the lines after
//!   it its output (stdout and stderr merged), `? N` right after the
//!   command its exit status; no shell (no pipes, redirection or `cd`);
//! - every command runs in the repository's root, whichever page shows
//!   it, with the debug build of `geoshift`, and `GEOSHIFT_PROGRESS=0`;
//! - every command that solves names its `--solver` (CI runs once with
//!   `--features highs`, where `auto` may pick HiGHS);
//! - `[..]` masks text within a line (timings), `...` whole lines.
//!
//! `TRYCMD=overwrite cargo test -p geoshift-cli --test docs` rewrites the
//! shown outputs and the charts from the commands: one command for both.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository's root (the workspace holding `cli/`).
fn root() -> PathBuf {
    let cli = Path::new(env!("CARGO_MANIFEST_DIR"));
    cli.parent()
        .expect("cli/ is inside the workspace")
        .to_path_buf()
}

fn overwrite() -> bool {
    std::env::var("TRYCMD").is_ok_and(|v| v == "overwrite")
}

/// Every `console` block of the README and of every page of the guide,
/// pages added later included (found by the glob, not listed).
#[test]
fn every_shown_command_prints_what_is_shown() {
    // trycmd reads case paths, and runs commands, from the process's
    // working directory: the root, as a reader in a clone would.
    std::env::set_current_dir(root()).expect("the root exists");
    trycmd::TestCases::new()
        .register_bin("geoshift", Path::new(env!("CARGO_BIN_EXE_geoshift")))
        .env("GEOSHIFT_PROGRESS", "0")
        .case("README.md")
        .case("docs/*.md");
}

/// Where a command writes a committed file.
enum Out {
    /// `--out DIR`: these files, into this folder of the repository.
    Dir(&'static str, &'static [&'static str]),
    /// `--out FILE`.
    File(&'static str),
    /// Its standard output.
    Stdout(&'static str),
}

/// The commands that write the committed charts (and the plan the
/// re-planning page starts from), without their `--out`.
const ARTIFACTS: &[(&[&str], Out)] = &[
    (
        &["plot", "scenarios/ny-vs-gulf.json", "--solver", "microlp"],
        Out::Dir(
            "docs/ny-vs-gulf",
            &[
                "servers-by-region.svg",
                "cost-breakdown.svg",
                "job-timeline.svg",
            ],
        ),
    ),
    (
        &[
            "explain",
            "scenarios/follow-the-cheap-hours.json",
            "--top",
            "8",
            "--solver",
            "clarabel",
        ],
        Out::Dir("docs/explain", &["capacity-value.svg"]),
    ),
    (
        &[
            "sweep",
            "scenarios/carbon-priced-0.json",
            "--emissions-caps",
            "auto",
            "--points",
            "8",
            "--solver",
            "microlp",
        ],
        Out::File("docs/sweep/cost-vs-emissions-cap.svg"),
    ),
    (
        &[
            "sweep",
            "scenarios/carbon-priced-0.json",
            "--carbon-prices",
            "0,25,50,100,150,200,300,500",
            "--solver",
            "microlp",
        ],
        Out::File("docs/sweep/cost-vs-carbon-price.svg"),
    ),
    (
        &[
            "sweep",
            "scenarios/ny-vs-gulf.json",
            "--deadline-slack",
            "-24,-12,-6,-3,0",
            "--solver",
            "microlp",
        ],
        Out::File("docs/sweep/cost-vs-deadline-slack.svg"),
    ),
    (
        &[
            "plot",
            "scenarios/ny-vs-marketplace.json",
            "--solver",
            "microlp",
        ],
        Out::Dir(
            "docs/marketplace",
            &[
                "servers-by-region.svg",
                "cost-breakdown.svg",
                "job-timeline.svg",
            ],
        ),
    ),
    (
        &["bench", "--seeds", "20", "--solver", "microlp"],
        Out::File("docs/bench/gaps.svg"),
    ),
    (
        &[
            "solve",
            "scenarios/follow-the-cheap-hours.json",
            "--json",
            "--solver",
            "clarabel",
        ],
        Out::Stdout("docs/replan/plan.json"),
    ),
];

/// Runs `args` in the root, with `--out` into `scratch` where the
/// artifact is a file or folder, and returns (committed path, bytes
/// written) for each file it makes.
fn make(args: &[&str], out: &Out, scratch: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut command = Command::new(env!("CARGO_BIN_EXE_geoshift"));
    command
        .args(args)
        .current_dir(root())
        .env("GEOSHIFT_PROGRESS", "0");
    let target = match out {
        Out::Dir(..) => scratch.to_path_buf(),
        Out::File(file) => scratch.join(Path::new(file).file_name().expect("a file name")),
        Out::Stdout(_) => PathBuf::new(),
    };
    if !matches!(out, Out::Stdout(_)) {
        command.arg("--out").arg(&target);
    }
    let run = command.output().expect("geoshift runs");
    assert!(
        run.status.success(),
        "geoshift {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&run.stderr)
    );
    let read = |p: &Path| std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    match out {
        Out::Dir(dir, files) => files
            .iter()
            .map(|f| (root().join(dir).join(f), read(&target.join(f))))
            .collect(),
        Out::File(file) => vec![(root().join(file), read(&target))],
        Out::Stdout(file) => vec![(root().join(file), run.stdout)],
    }
}

/// Each committed chart is byte for byte what its command writes now;
/// with `TRYCMD=overwrite`, it is rewritten instead.
#[test]
fn every_committed_chart_is_what_its_command_writes() {
    let mut stale = Vec::new();
    for (i, (args, out)) in ARTIFACTS.iter().enumerate() {
        let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("docs-artifact-{i}"));
        let _ = std::fs::remove_dir_all(&scratch);
        std::fs::create_dir_all(&scratch).expect("scratch folder");
        for (committed, now) in make(args, out, &scratch) {
            if std::fs::read(&committed).ok().as_deref() == Some(now.as_slice()) {
                continue;
            }
            if overwrite() {
                // Through a temporary file and a rename: the other test
                // may be reading it (the re-planning page's plan).
                let parent = committed.parent().expect("a folder");
                std::fs::create_dir_all(parent).expect("the docs folder");
                let tmp = committed.with_extension("tmp");
                std::fs::write(&tmp, &now).expect("write");
                std::fs::rename(&tmp, &committed).expect("rename");
            } else {
                stale.push(format!(
                    "{} (geoshift {})",
                    committed.display(),
                    args.join(" ")
                ));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "committed files differ from what their commands write now; \
         `TRYCMD=overwrite cargo test -p geoshift-cli --test docs` rewrites them:\n{}",
        stale.join("\n")
    );
}

/// The old spellings of renamed options still work, with a note.
#[test]
fn old_option_spellings_work_with_a_note() {
    let run = Command::new(env!("CARGO_BIN_EXE_geoshift"))
        .args([
            "sweep",
            "scenarios/ny-vs-gulf.json",
            "--emission-caps=-1",
            "--solver",
            "microlp",
        ])
        .current_dir(root())
        .output()
        .expect("geoshift runs");
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(
        err.contains("note: --emission-caps is now spelled --emissions-caps"),
        "{err}"
    );
    // Parsed under the new name: the negative cap is the sweep's error,
    // not an unknown option.
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(err.contains("cap"), "{err}");
}

/// Every page of `docs/` is linked from the guide's index and rendered in
/// the crate docs (`geoshift::guide`, or `geoshift::spec` for the
/// specification), so a page added later is not left unreachable.
#[test]
fn every_page_is_in_the_guide_index_and_the_crate_docs() {
    let root = root();
    let index = std::fs::read_to_string(root.join("docs/README.md")).expect("docs/README.md");
    let lib = std::fs::read_to_string(root.join("src/lib.rs")).expect("src/lib.rs");
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(root.join("docs")).expect("docs/") {
        let name = entry.expect("an entry").file_name();
        let name = name.to_string_lossy();
        if !name.ends_with(".md") || name == "README.md" {
            continue;
        }
        if !index.contains(&format!("]({name})")) {
            missing.push(format!("docs/README.md links no {name}"));
        }
        // As `build.rs` writes it, links rewritten for rustdoc.
        if !lib.contains(&format!(
            "include_str!(concat!(env!(\"OUT_DIR\"), \"/guide/docs__{name}\"))"
        )) {
            missing.push(format!("src/lib.rs renders no docs/{name}"));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

/// The README stays a front door (issue 18: a few hundred lines at most);
/// a topic that needs more gets a page in `docs/`.
#[test]
fn the_readme_stays_short() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let lines = readme.lines().count();
    assert!(
        lines <= 300,
        "README.md has {lines} lines: move a topic to a page in docs/"
    );
}
