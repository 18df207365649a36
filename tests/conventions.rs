//! Names as text and errors as data: `FromStr`/`Display`/serde for
//! `Backend` and `Placement`, the JSON form of every error kind, and `?`
//! across the data builder's and the model's errors.

use geoshift::data::{DataError, DataSet, Period};
use geoshift::{Backend, Error, Placement, Problem, Scenario, UnknownName};

#[test]
fn backends_and_placements_parse_display_and_serialise_by_name() {
    for &b in Backend::available() {
        assert_eq!(b.to_string(), b.name());
        assert_eq!(b.name().parse::<Backend>(), Ok(b));
        let json = serde_json::to_string(&b).unwrap();
        assert_eq!(json, format!("\"{}\"", b.name()));
        assert_eq!(serde_json::from_str::<Backend>(&json).unwrap(), b);
    }
    let e = "cplex".parse::<Backend>().unwrap_err().to_string();
    assert!(e.contains("unknown solver 'cplex'"), "{e}");
    assert!(e.contains("microlp"), "the names compiled in: {e}");
    assert!(serde_json::from_str::<Backend>("\"cplex\"").is_err());

    for p in [Placement::Split, Placement::Whole] {
        assert_eq!(p.to_string().parse::<Placement>(), Ok(p));
        // The same names as in the scenario file.
        assert_eq!(serde_json::to_value(p).unwrap(), p.to_string());
    }
    assert_eq!("whole".parse::<Placement>(), Ok(Placement::Whole));
    assert!(matches!(
        "Whole".parse::<Placement>(),
        Err(UnknownName {
            what: "placement",
            ..
        })
    ));
}

#[test]
fn errors_serialise_with_their_kind_message_and_typed_detail() {
    let e = Scenario::from_json("{").unwrap_err();
    let v = serde_json::to_value(&e).unwrap();
    assert_eq!(v["kind"], "input");
    assert_eq!(v["detail"]["kind"], "json");
    assert_eq!(v["message"], e.to_string());

    let mut s = Scenario::from_json(
        r#"{"horizon": {"start": "2026-06-01T00:00:00Z", "slot_seconds": 3600, "slots": 2},
            "regions": [{"id": "a", "pue": 1.0, "price_usd_per_mwh": 1}],
            "pools": [], "jobs": []}"#,
    )
    .unwrap();
    s.regions[0].pue = 0.5;
    let e = Problem::new(&s).unwrap_err();
    let v = serde_json::to_value(&e).unwrap();
    assert_eq!(v["detail"]["kind"], "out_of_range");
    assert_eq!(v["detail"]["entity"], "region");
    assert_eq!(v["detail"]["value"], 0.5);
    assert_eq!(e.kind(), "input");
}

/// A service that mixes the data builder and the model in one function.
fn bundled_week() -> Result<usize, Error> {
    let data = DataSet::bundled()?; // a DataError, converted by `?`
    let period = Period::new("2023-06-19T00:00:00Z".parse().unwrap(), 24)?;
    Ok(data
        .hourly_price_usd_per_mwh("NO-SUCH-MARKET", &period)?
        .len())
}

#[test]
fn data_errors_convert_into_the_crate_error() {
    let e = bundled_week().unwrap_err();
    assert_eq!(e.kind(), "data");
    let Error::Data(inner) = &e else {
        panic!("not a data error: {e:?}")
    };
    assert!(matches!(inner, DataError::UnknownCode { .. }), "{inner:?}");
    let v = serde_json::to_value(&e).unwrap();
    assert_eq!(v["detail"]["kind"], "unknown_code");
    assert_eq!(v["detail"]["value"], "NO-SUCH-MARKET");
}
