//! `geoshift validate --json` says what the text says: the counts, the work
//! and capacity, and each job's open and closed regions, checked line by
//! line against the text of the same file; an invalid file is the error
//! object.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_geoshift");

/// The entries of a list the text shows before "and N more".
const SHOWN: usize = 10;

fn scenario(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../scenarios")
        .join(name)
}

fn run(args: &[&str]) -> (i32, String) {
    let o = Command::new(BIN).args(args).output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
    )
}

#[test]
fn validate_json_holds_the_facts_of_the_text() {
    for name in ["ny-vs-gulf.json", "ny-vs-marketplace-hardware.json"] {
        let file = scenario(name);
        let f = file.to_str().unwrap();
        let (code, text) = run(&["validate", f]);
        assert_eq!(code, 0, "{text}");
        let (code, json) = run(&["validate", f, "--json"]);
        assert_eq!(code, 0, "{json}");
        let v: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["valid"], true);
        let jobs = v["jobs"].as_array().unwrap();
        let counts = format!(
            "({} regions, {} pools, {} links, {} jobs)",
            v["regions"],
            v["pools"],
            v["links"],
            jobs.len()
        );
        assert!(text.contains(&counts), "{name}: {counts} not in {text}");
        let h = &v["horizon"];
        assert!(
            text.contains(&format!("{} slots of {} s", h["slots"], h["slot_seconds"])),
            "{text}"
        );
        let work = format!("work {:.1} units", v["work_units"].as_f64().unwrap());
        assert!(text.contains(&work), "{work} not in {text}");
        let closed_lines = text
            .lines()
            .filter(|l| l.trim_start().starts_with("closed "))
            .count();
        let mut closed = 0;
        for job in jobs {
            let open: Vec<String> = job["open"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| {
                    format!(
                        "{} [slots {}-{}]",
                        o["region"].as_str().unwrap(),
                        o["first_slot"],
                        o["last_slot"]
                    )
                })
                .collect();
            let id = job["id"].as_str().unwrap();
            let line = text
                .lines()
                .find(|l| l.starts_with(&format!("  {id} (")))
                .unwrap_or_else(|| panic!("no line for {id} in {text}"));
            // The text shows the first 10 of a list, then how many more.
            let mut shown: Vec<String> = open.iter().take(SHOWN).cloned().collect();
            if open.len() > SHOWN {
                shown.push(format!("and {} more regions", open.len() - SHOWN));
            }
            assert!(line.ends_with(&shown.join(", ")), "{line} against {open:?}");
            for (list, key, prefix) in [
                ("closed_regions", "region", "closed "),
                ("closed_pools", "pool", "closed pool "),
            ] {
                let all = job[list].as_array().unwrap();
                for c in all.iter().take(SHOWN) {
                    let name = format!("{prefix}{}:", c[key].as_str().unwrap());
                    assert!(text.contains(&name), "{name}: {text}");
                }
                closed += all.len().min(SHOWN);
            }
        }
        assert_eq!(closed, closed_lines, "{name}: closed entries");
        let warnings = text.lines().filter(|l| l.starts_with("warning: ")).count();
        assert_eq!(v["warnings"].as_array().unwrap().len(), warnings);
    }
}

#[test]
fn an_invalid_file_is_the_error_object() {
    let dir = std::env::temp_dir().join(format!("geoshift-validate-json-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad.json");
    let text = std::fs::read_to_string(scenario("ny-vs-gulf.json"))
        .unwrap()
        .replacen("\"pue\": 1.", "\"pue\": -1.", 1);
    std::fs::write(&file, text).unwrap();
    let (code, json) = run(&["validate", file.to_str().unwrap(), "--json"]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(code, 1, "{json}");
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["error"]["kind"], "input", "{v}");
    assert!(
        v["error"]["message"].as_str().unwrap().contains("pue"),
        "{v}"
    );
}
