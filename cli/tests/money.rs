//! One money format in every table: each amount a command prints on
//! stdout (a `$` followed by a digit) is dollars to the cent with
//! thousands separators, `$12,490.59`, whichever command printed it.

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_geoshift");

/// The amounts of `text`: each `$` followed by a digit, with the digits,
/// commas and dots after it (a trailing dot or comma is punctuation).
fn amounts(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices('$') {
        let rest = &text[i + 1..];
        if !rest.starts_with(|c: char| c.is_ascii_digit()) {
            continue; // a unit: `$/t`, `$ per server`
        }
        let end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.'))
            .unwrap_or(rest.len());
        out.push(rest[..end].trim_end_matches(['.', ',']).to_string());
    }
    out
}

/// `1,234.56`: groups of three after the first, two decimals.
fn is_money(n: &str) -> bool {
    let Some((whole, cents)) = n.split_once('.') else {
        return false;
    };
    let groups: Vec<&str> = whole.split(',').collect();
    cents.len() == 2
        && cents.chars().all(|c| c.is_ascii_digit())
        && (1..=3).contains(&groups[0].len())
        && groups[1..].iter().all(|g| g.len() == 3)
        && groups.iter().all(|g| g.chars().all(|c| c.is_ascii_digit()))
}

#[test]
fn the_format_check_itself() {
    assert_eq!(
        amounts("a $12,490.59 b $0.87. $/t $ per"),
        ["12,490.59", "0.87"]
    );
    assert!(is_money("12,490.59") && is_money("0.00") && is_money("1,000,000.00"));
    assert!(!is_money("12490.59") && !is_money("0.8709") && !is_money("1,23.00"));
}

#[test]
fn every_table_prints_money_one_way() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let commands: &[&[&str]] = &[
        &["solve", "scenarios/ny-vs-gulf.json", "--solver", "microlp"],
        &[
            "compare",
            "scenarios/ny-vs-gulf.json",
            "--solver",
            "microlp",
        ],
        &[
            "compare",
            "scenarios/ny-vs-gulf.json",
            "--solver",
            "microlp",
            "--variant",
            "home=without region:gcp-me-*",
            "--variant",
            "all=",
        ],
        &["risk", "scenarios/ny-vs-gulf.json", "--solver", "microlp"],
        &[
            "explain",
            "scenarios/follow-the-cheap-hours.json",
            "--solver",
            "clarabel",
        ],
        &[
            "sweep",
            "scenarios/ny-vs-gulf.json",
            "--deadline-slack",
            "-6,-3,0",
            "--solver",
            "microlp",
        ],
        &[
            "replan",
            "scenarios/follow-the-cheap-hours.json",
            "--plan",
            "docs/replan/plan.json",
            "--now",
            "2023-07-01T00:00:00Z",
            "--solver",
            "clarabel",
        ],
    ];
    for args in commands {
        let o = Command::new(BIN)
            .args(*args)
            .current_dir(root)
            .env("GEOSHIFT_PROGRESS", "0")
            .output()
            .unwrap();
        let out = String::from_utf8_lossy(&o.stdout);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {out}");
        // explain's header states its threshold, a number below the cent,
        // in prose: not an amount of the table.
        let tables: String = out
            .lines()
            .filter(|l| !l.contains("limits worth over $0.000001"))
            .collect::<Vec<_>>()
            .join("\n");
        let found = amounts(&tables);
        assert!(found.len() >= 3, "{args:?} prints too few amounts: {out}");
        for n in found {
            assert!(is_money(&n), "{args:?} prints ${n}:\n{out}");
        }
    }
}
