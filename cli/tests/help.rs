//! Every command's `--help` ends with examples, and every example is a
//! command line that parses (each run with `--help` appended: clap reads
//! every argument before it prints the help) and names files that exist
//! in the repository.

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_geoshift");

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

fn run(args: &[String]) -> (i32, String, String) {
    let o = Command::new(BIN)
        .args(args)
        .current_dir(root())
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// The commands `geoshift --help` lists (without `help`).
fn commands() -> Vec<String> {
    let (code, out, _) = run(&["--help".into()]);
    assert_eq!(code, 0);
    let list = out.split("Commands:").nth(1).expect("a command list");
    list.lines()
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|&c| c != "help")
        .map(String::from)
        .collect()
}

/// A command line split as a shell would (single quotes only).
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let (mut quoted, mut started) = (false, false);
    for c in line.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                started = true;
            }
            c if c.is_whitespace() && !quoted => {
                if started {
                    out.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            c => {
                word.push(c);
                started = true;
            }
        }
    }
    if started {
        out.push(word);
    }
    out
}

#[test]
fn every_command_help_has_examples_that_parse() {
    let commands = commands();
    assert!(commands.len() >= 10, "{commands:?}");
    for command in &commands {
        for flag in ["--help", "-h"] {
            let (code, out, err) = run(&[command.clone(), flag.into()]);
            assert_eq!(code, 0, "{command} {flag}: {err}");
            let examples = out
                .split("Examples:\n")
                .nth(1)
                .unwrap_or_else(|| panic!("{command} {flag} has no Examples:\n{out}"));
            let lines: Vec<&str> = examples.lines().take_while(|l| !l.is_empty()).collect();
            assert!(!lines.is_empty(), "{command}: no example");
            for line in lines {
                let mut args = words(line);
                assert_eq!(args[0], "geoshift", "{line}");
                assert_eq!(
                    &args[1], command,
                    "{command}'s example runs another command"
                );
                for path in args.iter().filter(|a| {
                    ["scenarios/", "data/", "docs/"]
                        .iter()
                        .any(|p| a.starts_with(p))
                }) {
                    assert!(root().join(path).exists(), "{line}: {path} does not exist");
                }
                args.remove(0);
                args.push("--help".into());
                let (code, _, err) = run(&args);
                assert_eq!(code, 0, "{line} does not parse: {err}");
            }
        }
    }
}
