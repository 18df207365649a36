//! Overlays (`without`, `only`, `set`): each rule and each error, on a
//! small scenario whose every entity is named so that a glob can tell
//! them apart. Every test asserts what a wrong implementation would get
//! wrong: what stays as well as what goes, and the scenario unchanged
//! after a failed overlay.

use geoshift::{InputError, Overlay, OverlayFault, OverlayKind, Problem, Scenario};
use serde_json::json;

/// Three regions (home `ny`, clouds `gcp-a` and `gcp-b`, host `vast-1`),
/// a pool in each (two in `ny`), links both ways between `ny` and every
/// other region, two jobs from `ny` and one from `gcp-a`.
fn base() -> Scenario {
    let v = json!({
        "horizon": {"start": "2026-06-01T00:00:00Z", "slot_seconds": 3600, "slots": 4},
        "regions": [
            {"id": "ny", "pue": 1.2, "price_usd_per_mwh": 50},
            {"id": "gcp-a", "pue": 1.1, "price_usd_per_mwh": 40},
            {"id": "gcp-b", "pue": 1.1, "price_usd_per_mwh": 45},
            {"id": "vast-1", "pue": 1.3, "price_usd_per_mwh": 30}
        ],
        "pools": [
            {"id": "ny-owned", "region": "ny", "servers": 2, "rent_usd_per_hour": 1, "power_kw": 1},
            {"id": "ny-spare", "region": "ny", "servers": 1, "rent_usd_per_hour": 2, "power_kw": 1},
            {"id": "gcp-a-spot", "region": "gcp-a", "servers": 4, "rent_usd_per_hour": 1.5,
             "power_kw": 1, "interruption_rate_per_hour": 0.01},
            {"id": "gcp-b-od", "region": "gcp-b", "servers": 4, "rent_usd_per_hour": 3, "power_kw": 1},
            {"id": "vast-1-h100", "region": "vast-1", "servers": 2, "rent_usd_per_hour": 0.8,
             "power_kw": 1}
        ],
        "links": [
            {"from": "ny", "to": "gcp-a", "bandwidth_gbps": 10, "egress_usd_per_gb": 0.01},
            {"from": "gcp-a", "to": "ny", "bandwidth_gbps": 10, "egress_usd_per_gb": 0.12},
            {"from": "ny", "to": "gcp-b", "bandwidth_gbps": 10, "egress_usd_per_gb": 0.01},
            {"from": "gcp-b", "to": "ny", "bandwidth_gbps": 10, "egress_usd_per_gb": 0.12},
            {"from": "ny", "to": "vast-1", "bandwidth_gbps": 1, "egress_usd_per_gb": 0.01},
            {"from": "vast-1", "to": "ny", "bandwidth_gbps": 1, "egress_usd_per_gb": 0.0}
        ],
        "jobs": [
            {"id": "pretrain-ny", "origin": "ny", "work": 4, "deadline": "2026-06-01T04:00:00Z",
             "max_servers": 4, "regions": ["ny", "vast-1", "gcp-b"]},
            {"id": "pretrain-gcs", "origin": "gcp-a", "work": 2, "deadline": "2026-06-01T04:00:00Z",
             "max_servers": 2},
            {"id": "tune-x", "origin": "ny", "work": 1, "deadline": "2026-06-01T04:00:00Z",
             "max_servers": 1}
        ]
    });
    Scenario::from_json(&v.to_string()).expect("the base scenario parses")
}

fn ids<T>(items: &[T], id: impl Fn(&T) -> &str) -> Vec<String> {
    items.iter().map(|x| id(x).to_string()).collect()
}

fn apply(text: &str) -> Result<Scenario, geoshift::Error> {
    let mut s = base();
    s.apply(&text.parse::<Overlay>()?)?;
    Ok(s)
}

/// The fault of an overlay that fails, after checking the scenario was
/// left as it was.
fn fault(text: &str) -> (String, OverlayFault) {
    let mut s = base();
    let overlay = match text.parse::<Overlay>() {
        Ok(o) => o,
        Err(geoshift::Error::Input(InputError::Overlay { overlay, fault })) => {
            return (overlay, *fault)
        }
        Err(e) => panic!("{text}: unexpected error {e}"),
    };
    match s.apply(&overlay) {
        Err(geoshift::Error::Input(InputError::Overlay { overlay, fault })) => {
            assert_eq!(s, base(), "{text}: a failed overlay changed the scenario");
            (overlay, *fault)
        }
        other => panic!("{text}: expected an overlay error, got {other:?}"),
    }
}

#[test]
fn without_region_takes_its_pools_links_and_job_region_entries() {
    let s = apply("without region:vast-*").unwrap();
    assert_eq!(ids(&s.regions, |r| &r.id), ["ny", "gcp-a", "gcp-b"]);
    assert_eq!(
        ids(&s.pools, |p| &p.id),
        ["ny-owned", "ny-spare", "gcp-a-spot", "gcp-b-od"]
    );
    assert_eq!(s.links.len(), 4);
    assert!(s
        .links
        .iter()
        .all(|l| l.from != "vast-1" && l.to != "vast-1"));
    assert_eq!(
        s.jobs[0].regions.as_deref(),
        Some(&["ny".to_string(), "gcp-b".to_string()][..])
    );
    assert_eq!(s.jobs.len(), 3);
    // What is left is a valid scenario.
    Problem::from_scenario(s).expect("valid after the overlay");
}

#[test]
fn without_region_that_is_an_origin_is_an_error_naming_job_and_region() {
    let (overlay, f) = fault("without region:gcp-*");
    assert_eq!(overlay, "without region:gcp-*");
    assert_eq!(
        f,
        OverlayFault::OriginRemoved {
            job: "pretrain-gcs".into(),
            region: "gcp-a".into()
        }
    );
    let message = apply("without region:gcp-*").unwrap_err().to_string();
    assert!(
        message.contains("pretrain-gcs") && message.contains("gcp-a"),
        "{message}"
    );
    // Removing the job first makes it legal.
    let mut s = base();
    s.apply(&"without job:pretrain-gcs".parse().unwrap())
        .unwrap();
    s.apply(&"without region:gcp-*".parse().unwrap()).unwrap();
    assert_eq!(ids(&s.regions, |r| &r.id), ["ny", "vast-1"]);
}

#[test]
fn only_region_keeps_the_matches() {
    let s = apply("only region:ny").unwrap_err();
    // gcp-a is pretrain-gcs's origin: "only ny" removes it.
    assert!(
        matches!(&s, geoshift::Error::Input(InputError::Overlay { fault, .. })
            if matches!(**fault, OverlayFault::OriginRemoved { .. })),
        "{s:?}"
    );
    // `*-a` matches gcp-a only, so ny (two jobs' origin) goes: refused.
    let mut s = base();
    s.apply(&"only region:*-a".parse().unwrap()).unwrap_err();
    assert_eq!(s, base());
    // Brackets are no glob syntax here: `[ny]` matches nothing.
    let (_, f) = fault("only region:[ny]");
    assert!(matches!(f, OverlayFault::NoMatch { .. }));
    let s = base()
        .with_overlays(&[
            "without job:pretrain-gcs".parse().unwrap(),
            "only region:ny".parse().unwrap(),
        ])
        .unwrap();
    assert_eq!(ids(&s.regions, |r| &r.id), ["ny"]);
    assert_eq!(ids(&s.pools, |p| &p.id), ["ny-owned", "ny-spare"]);
    assert!(s.links.is_empty());
    assert_eq!(ids(&s.jobs, |j| &j.id), ["pretrain-ny", "tune-x"]);
}

#[test]
fn without_and_only_pools_jobs_links() {
    let s = apply("without pool:ny-*").unwrap();
    assert_eq!(
        ids(&s.pools, |p| &p.id),
        ["gcp-a-spot", "gcp-b-od", "vast-1-h100"]
    );
    assert_eq!(s.regions.len(), 4, "removing pools keeps their regions");
    let s = apply("only pool:*-o?").unwrap();
    assert_eq!(ids(&s.pools, |p| &p.id), ["gcp-b-od"]);
    let s = apply("only job:pretrain-*").unwrap();
    assert_eq!(ids(&s.jobs, |j| &j.id), ["pretrain-ny", "pretrain-gcs"]);
    let s = apply("without link:*->ny").unwrap();
    assert_eq!(s.links.len(), 3);
    assert!(s.links.iter().all(|l| l.from == "ny"));
    let s = apply("only link:ny->gcp-?").unwrap();
    let names: Vec<String> = s
        .links
        .iter()
        .map(|l| format!("{}->{}", l.from, l.to))
        .collect();
    assert_eq!(names, ["ny->gcp-a", "ny->gcp-b"]);
}

#[test]
fn a_glob_that_matches_nothing_is_an_error_naming_it() {
    for (text, kind, glob) in [
        ("without region:aws-*", OverlayKind::Region, "aws-*"),
        ("only pool:nope", OverlayKind::Pool, "nope"),
        ("set job:x*.work=3", OverlayKind::Job, "x*"),
        ("without link:ny->ny", OverlayKind::Link, "ny->ny"),
    ] {
        let (overlay, f) = fault(text);
        assert_eq!(overlay, text);
        assert_eq!(
            f,
            OverlayFault::NoMatch {
                kind,
                glob: glob.into()
            }
        );
        let message = apply(text).unwrap_err().to_string();
        assert!(message.contains(glob), "{message}");
    }
}

#[test]
fn set_changes_every_match_and_only_the_matches() {
    let s = apply("set pool:gcp-*.interruption_rate_per_hour=0.1").unwrap();
    let rates: Vec<f64> = s
        .pools
        .iter()
        .map(|p| p.interruption_rate_per_hour)
        .collect();
    assert_eq!(rates, [0.0, 0.0, 0.1, 0.1, 0.0]);
    let s = apply("set job:pretrain-*.deadline=2026-06-01T03:00:00Z").unwrap();
    let deadlines: Vec<String> = s.jobs.iter().map(|j| j.deadline.to_rfc3339()).collect();
    assert_eq!(
        deadlines,
        [
            "2026-06-01T03:00:00+00:00",
            "2026-06-01T03:00:00+00:00",
            "2026-06-01T04:00:00+00:00"
        ]
    );
    // A JSON value of any shape: a list, null for an optional field.
    let s = apply(r#"set job:tune-x.regions=["ny","gcp-a"]"#).unwrap();
    assert_eq!(s.jobs[2].regions.as_ref().unwrap().len(), 2);
    let s = apply("set job:pretrain-ny.regions=null").unwrap();
    assert_eq!(s.jobs[0].regions, None);
    let s = apply("set link:ny->*.egress_usd_per_gb=0.5").unwrap();
    let egress: Vec<f64> = s.links.iter().map(|l| l.egress_usd_per_gb).collect();
    assert_eq!(egress, [0.5, 0.12, 0.5, 0.12, 0.5, 0.0]);
    let s = apply("set region:ny.power_cap_kw=3").unwrap();
    assert_eq!(s.regions[0].power_cap_kw, Some(3.0));
    assert_eq!(s.regions[1].power_cap_kw, None);
}

#[test]
fn set_a_top_level_field() {
    let s = apply("set carbon_price_usd_per_t=80").unwrap();
    assert_eq!(s.carbon_price_usd_per_t, 80.0);
    assert_eq!(s.regions, base().regions);
}

#[test]
fn an_unknown_field_is_an_error_naming_it() {
    let (overlay, f) = fault("set pool:gcp-*.interuption_rate_per_hour=0.1");
    assert_eq!(overlay, "set pool:gcp-*.interuption_rate_per_hour=0.1");
    match f {
        OverlayFault::BadField {
            kind,
            id,
            field,
            message,
            ..
        } => {
            assert_eq!(kind, Some(OverlayKind::Pool));
            assert_eq!(id, "gcp-a-spot");
            assert_eq!(field, "interuption_rate_per_hour");
            assert!(message.contains("unknown field"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    let (_, f) = fault("set carbon_price=80");
    assert!(
        matches!(f, OverlayFault::BadField { kind: None, ref field, .. } if field == "carbon_price")
    );
}

#[test]
fn a_value_of_the_wrong_type_is_an_error_naming_it() {
    let (_, f) = fault("set job:tune-x.work=lots");
    match f {
        OverlayFault::BadField {
            id,
            field,
            value,
            message,
            ..
        } => {
            assert_eq!((id.as_str(), field.as_str()), ("tune-x", "work"));
            assert_eq!(value, "\"lots\"");
            assert!(message.contains("invalid type"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    let message = apply("set job:tune-x.deadline=tomorrow")
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("job:tune-x.deadline=tomorrow"),
        "{message}"
    );
    assert!(
        message.contains("tune-x") && message.contains("deadline"),
        "{message}"
    );
    let (_, f) = fault("set carbon_price_usd_per_t=[1]");
    assert!(matches!(f, OverlayFault::BadField { .. }));
}

#[test]
fn a_set_that_fails_on_one_match_changes_none() {
    // gpus_per_server is a whole number: 0.5 fails on each match; the
    // first match must not keep a change either.
    let (_, f) = fault("set pool:*.gpus_per_server=0.5");
    assert!(matches!(f, OverlayFault::BadField { ref id, .. } if id == "ny-owned"));
}

#[test]
fn malformed_overlays_are_syntax_errors() {
    for text in [
        "without regions:ny",
        "without ny",
        "only region:",
        "set pool:ny-*=3",
        "set =3",
        "drop region:ny",
        "set pool:ny.work",
    ] {
        let (overlay, f) = fault(text);
        assert!(matches!(f, OverlayFault::Syntax { .. }), "{text}: {f:?}");
        assert!(!overlay.is_empty());
    }
}

#[test]
fn overlays_display_as_written_and_round_trip_through_serde() {
    for text in [
        "without region:vast-*",
        "only link:ny->gcp-?",
        "set pool:gcp-*.interruption_rate_per_hour=0.1",
        "set job:pretrain-*.deadline=2026-06-01T03:00:00Z",
        r#"set job:tune-x.regions=["ny","gcp-a"]"#,
        "set carbon_price_usd_per_t=80",
        r#"set job:a.b.id="7""#,
    ] {
        let o: Overlay = text.parse().unwrap();
        assert_eq!(o.to_string(), text);
        let json = serde_json::to_string(&o).unwrap();
        let back: Overlay = serde_json::from_str(&json).unwrap();
        assert_eq!(back, o, "{json}");
    }
    let o: Overlay = "without region:vast-*".parse().unwrap();
    assert_eq!(
        serde_json::to_value(&o).unwrap(),
        json!({"op": "without", "kind": "region", "glob": "vast-*"})
    );
    let o: Overlay = "set pool:p.speed=2".parse().unwrap();
    assert_eq!(
        serde_json::to_value(&o).unwrap(),
        json!({"op": "set", "target": {"kind": "pool", "glob": "p"}, "field": "speed", "value": 2})
    );
    // The id keeps its dots; the field is after the last one.
    let o: Overlay = r#"set job:a.b.id="7""#.parse().unwrap();
    assert_eq!(o, Overlay::set(OverlayKind::Job, "a.b", "id", json!("7")));
    assert!(
        serde_json::from_str::<Overlay>(r#"{"op": "drop", "kind": "region", "glob": "x"}"#)
            .is_err()
    );
}

#[test]
fn the_error_is_an_input_error_with_kind_overlay_in_json() {
    let e = apply("without region:aws-*").unwrap_err();
    let v = serde_json::to_value(&e).unwrap();
    assert_eq!(v["kind"], "input");
    assert_eq!(v["detail"]["kind"], "overlay");
    assert_eq!(v["detail"]["overlay"], "without region:aws-*");
    assert_eq!(v["detail"]["fault"]["reason"], "no_match");
    assert_eq!(v["detail"]["fault"]["glob"], "aws-*");
}

#[test]
fn a_region_group_defaults_to_the_id_prefix_and_can_be_set() {
    let s = base();
    assert_eq!(s.regions[1].group_name(), "gcp");
    assert_eq!(s.regions[0].group_name(), "ny");
    let s = apply("set region:gcp-*.group=cloud").unwrap();
    assert_eq!(s.regions[1].group_name(), "cloud");
    assert_eq!(s.regions[2].group.as_deref(), Some("cloud"));
    assert_eq!(s.regions[3].group_name(), "vast");
    // The label round-trips through the file format.
    let back = Scenario::from_json(&s.to_json()).unwrap();
    assert_eq!(back.regions[1].group.as_deref(), Some("cloud"));
}
