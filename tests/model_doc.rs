//! `docs/MODEL.md`, the crate's specification, stays true: its scenario
//! file is complete and valid, solves, and the report has every field the
//! page lists.

use geoshift::{evaluate, Optimal, Problem, Scenario, Scheduler};

fn model_doc() -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/MODEL.md");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The text of the first ```json block after `heading`.
fn json_block(doc: &str, heading: &str) -> String {
    let from = doc.find(heading).expect("heading");
    let rest = &doc[from..];
    let start = rest.find("```json\n").expect("a json block") + "```json\n".len();
    let end = rest[start..].find("```").expect("closed block");
    rest[start..start + end].to_string()
}

#[test]
fn the_documented_scenario_parses_round_trips_and_solves() {
    let doc = model_doc();
    let scenario = Scenario::from_json(&json_block(&doc, "## The scenario file")).unwrap();
    assert_eq!(scenario.horizon.slots, 6);
    // The offset instant is converted to UTC: 06:00+04:00 is 02:00Z.
    assert!(
        scenario.to_json().contains("2026-06-01T02:00:00Z"),
        "{}",
        scenario.to_json()
    );
    assert_eq!(Scenario::from_json(&scenario.to_json()).unwrap(), scenario);
    let problem = Problem::new(&scenario).unwrap();
    let report = evaluate(
        &problem,
        "optimal",
        &Optimal::default().schedule(&problem).unwrap(),
    )
    .unwrap();
    let json = serde_json::to_value(&report).unwrap();
    for key in [
        "scheduler",
        "total_usd",
        "rent_usd",
        "energy_usd",
        "carbon_usd",
        "egress_usd",
        "energy_mwh",
        "emissions_t",
        "jobs",
        "assignments",
        "bound_usd",
        "gap",
        "proven_optimal",
    ] {
        assert!(json.get(key).is_some(), "report has no {key}");
        assert!(
            doc.contains(&format!("`{key}`")),
            "docs/MODEL.md does not list {key}"
        );
    }
    for key in [
        "id",
        "cost_usd",
        "regions",
        "first_slot",
        "last_slot",
        "start",
        "end",
    ] {
        assert!(
            json["jobs"][0].get(key).is_some(),
            "a job report has no {key}"
        );
    }
    for key in ["job", "pool", "slot", "start", "server_hours"] {
        assert!(
            json["assignments"][0].get(key).is_some(),
            "an assignment has no {key}"
        );
    }
}

#[test]
fn the_rustdoc_renders_the_model_document() {
    // The `spec` module's docs are this file: every "the model" link in
    // the API docs leads to it (as `build.rs` writes it, its links
    // rewritten for rustdoc: `tests/guide_links.rs`).
    let lib = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/lib.rs")).unwrap();
    assert!(lib.contains(
        r#"#[doc = include_str!(concat!(env!("OUT_DIR"), "/guide/docs__MODEL.md"))]
pub mod spec {}"#
    ));
}

#[test]
fn the_names_and_numbers_the_document_gives_are_the_crates() {
    // Every `geoshift::` name the page cites exists (this file would not
    // compile otherwise), and the numbers it states are the constants'.
    #[allow(unused_imports)]
    use geoshift::{
        ClosedBy, Constraint, Horizon, Infeasible, SavedSchedule, ScheduleMismatch,
        ScheduleViolation, MAX_CELLS, MAX_ID_BYTES, MAX_JOB_REGIONS, MAX_SLOTS,
    };
    let doc = model_doc();
    for name in [
        "geoshift::evaluate",
        "geoshift::ClosedBy",
        "geoshift::TOLERANCE",
        "geoshift::ScheduleViolation",
        "geoshift::Infeasible",
        "geoshift::Report",
        "geoshift::SavedSchedule",
        "geoshift::ScheduleMismatch",
        "geoshift::MIN_WORK",
        "geoshift::MAX_ID_BYTES",
        "Horizon::slot_start(t)",
        "Horizon::slot_at(instant)",
    ] {
        assert!(doc.contains(name), "docs/MODEL.md no longer cites {name}");
    }
    assert_eq!(geoshift::TOLERANCE, 1e-6, "the page states 1e-6");
    assert_eq!(geoshift::MIN_WORK, 1e-3, "the page states at least 1e-3");
    assert_eq!(
        (geoshift::MIN_SPEED, geoshift::MAX_SPEED),
        (1e-3, 1e3),
        "the page states from 1e-3 to 1e3"
    );
    assert!(doc.contains("1e-6 · max(1, |L|)") && doc.contains("from 1e-3 to 1e3"));
}
