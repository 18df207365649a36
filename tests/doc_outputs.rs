//! The guide's outputs that come from an example rather than from a
//! command: each page shows a block the example prints, and this test
//! runs the example's code (included as a module) and compares, so that
//! the page cannot go stale. Commands shown with their output are
//! checked by `cli/tests/docs.rs`.

// Each example includes the shipped scenarios' builder (`examples/shipped`)
// for itself; two of them here load it twice, harmlessly.
#![allow(clippy::duplicate_mod)]

#[allow(dead_code)]
#[path = "../examples/overbooked.rs"]
mod overbooked;

#[allow(dead_code)]
#[path = "../examples/explain.rs"]
mod explain_example;

#[allow(dead_code)]
#[path = "../examples/ny_vs_gulf.rs"]
mod ny_vs_gulf;

/// The first `text` block of `page` whose first line starts with `first`
/// (after its indentation: a block inside a list item is indented), with
/// that indentation removed from every line.
fn text_block(page: &str, first: &str) -> String {
    let text = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(page))
        .unwrap_or_else(|e| panic!("{page}: {e}"));
    for (i, line) in text.lines().enumerate() {
        let indent = line.len() - line.trim_start().len();
        if line.trim_start() != "```text" {
            continue;
        }
        let body: Vec<&str> = text
            .lines()
            .skip(i + 1)
            .take_while(|l| l.trim_start() != "```")
            .map(|l| l.get(indent..).unwrap_or(""))
            .collect();
        if body.first().is_some_and(|l| l.starts_with(first)) {
            return body.join("\n") + "\n";
        }
    }
    panic!("{page} has no text block starting with {first:?}")
}

#[test]
fn the_unmet_work_page_shows_what_the_overbooked_example_prints() {
    let shown = text_block("docs/unmet-work.md", "follow-the-cheap-hours with");
    let printed = overbooked::report().expect("the example runs");
    assert_eq!(shown.trim_end(), printed.trim_end());
}

#[test]
fn the_explain_page_shows_the_re_solve_check_the_example_prints() {
    let shown = text_block("docs/explain.md", "frankfurt-h100: the duals say");
    let printed = explain_example::report().expect("the example runs");
    assert!(
        printed.ends_with(&shown),
        "the page shows\n{shown}\nthe example prints\n{printed}"
    );
}

#[test]
fn the_risk_page_shows_what_the_ny_vs_gulf_example_prints() {
    let shown = text_block("docs/risk.md", "  spot interrupted");
    let printed = ny_vs_gulf::report().expect("the example runs");
    assert!(
        printed.ends_with(&shown),
        "the page shows\n{shown}\nthe example prints\n{printed}"
    );
}

/// The number after `marker` on the example's line that holds `line_has`
/// (`$` and spaces skipped).
fn number_after(text: &str, line_has: &str, marker: &str) -> f64 {
    let line = text
        .lines()
        .find(|l| l.contains(line_has))
        .unwrap_or_else(|| panic!("no line with {line_has:?} in\n{text}"));
    let rest = &line[line.find(marker).expect("the marker") + marker.len()..];
    let digits: String = rest
        .trim_start_matches([' ', '$'])
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
        .collect();
    digits.parse().unwrap_or_else(|e| panic!("{line}: {e}"))
}

/// `$12,345` (`decimals` 0) or `$12,345.67`, as the guide writes money.
fn dollars(x: f64, decimals: usize) -> String {
    let fixed = format!("{x:.decimals$}");
    let (whole, frac) = fixed.split_once('.').unwrap_or((&fixed, ""));
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if frac.is_empty() {
        format!("${grouped}")
    } else {
        format!("${grouped}.{frac}")
    }
}

/// The figures `docs/data.md` quotes from the NY-vs-Gulf variants are
/// those the example computes, rounded as the page rounds them.
#[test]
fn the_data_page_quotes_what_the_ny_vs_gulf_example_computes() {
    let page = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/data.md"),
    )
    .unwrap();
    let page = page.split_whitespace().collect::<Vec<_>>().join(" ");
    let out = ny_vs_gulf::report().expect("the example runs");
    let saving = number_after(&out, "Saving of optimal over local", ":");
    let on_demand = number_after(&out, "on-demand only:", ":");
    let tel_aviv = number_after(&out, "with spot:", "worth");
    let short_home = number_after(&out, "NY servers 8 -> 4", "worth");
    let carbon = number_after(&out, "carbon 100 $/tCO2e", "worth");
    let ta_hours = number_after(&out, "me-west1-a100-spot", "0.0");
    let never = number_after(&out, "never (not risky)", "%   ");
    let shipped = number_after(&out, "(high edge, shipped)", "%   ");
    let shown = [
        format!("saves {} (42 %)", dollars(saving, 0)),
        format!(
            "the same with or without Tel Aviv ({})",
            dollars(on_demand, 2)
        ),
        format!("sends it {ta_hours:.1} server-hours"),
        format!("That is worth {} after egress", dollars(tel_aviv, 0)),
        format!("plan {} (", dollars(shipped - never, 0)),
        format!("worth {}: they are", dollars(short_home, 0)),
        format!(
            "Tel Aviv is worth {}, against {}",
            dollars(carbon, 0),
            dollars(tel_aviv, 0)
        ),
    ];
    for s in shown {
        assert!(page.contains(&s), "docs/data.md does not say: {s}");
    }
}
