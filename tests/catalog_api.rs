//! `data::catalog` and the data builder as the rest of the crate (issue
//! 26): options with defaults and builder methods instead of positional
//! arguments, one `job` shape for both scenario builders, and parse errors
//! that keep the list of valid names.
#![cfg(feature = "data")]

use geoshift::data::catalog::{
    offers, read_catalog, BadRows, HostLink, MarketOptions, OfferOptions, SpeedTable,
};
use geoshift::data::{
    Carbon, DataSet, Energy, Offer, Period, PoolSpec, Power, Pue, RegionSpec, ScenarioBuilder,
};
use geoshift::{Job, Scenario};

const HEADER: &str =
    "InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,GpuInfo,Price,SpotPrice,Region";

fn rows() -> Vec<geoshift::data::catalog::CatalogRow> {
    let text = format!(
        "{HEADER}\n8x-A100,A100,8,32,64.0,\"{{}}\",5.87,0.00,\"Slovenia, SI, EU\"\n\
         2x-RTX_4090,RTX4090,2,32,64.0,\"{{}}\",0.80,0.30,\"Texas, US, NA\"\n"
    );
    read_catalog("t.csv", &text).unwrap()
}

fn table() -> SpeedTable {
    SpeedTable::given("test", [("A100", 1.0, 400.0), ("RTX4090", 0.5, 450.0)]).unwrap()
}

#[test]
fn offer_options_name_each_argument_and_default_to_on_demand_at_8() {
    let d = OfferOptions::default();
    assert_eq!(
        (d.offer, d.reference_count, d.bad_rows),
        (Offer::OnDemand, 8.0, BadRows::Refuse)
    );
    let rows = rows();
    let on_demand = offers("t.csv", &rows, &table(), &d).unwrap();
    assert_eq!(on_demand.offers.len(), 2);
    assert_eq!(on_demand.offers[0].speed, 1.0); // 8 A100 over 8
                                                // Spot, at 4 cards a work unit, bad rows skipped: the 0.00 spot price
                                                // of the first row is left out, the second row's speed doubles.
    let spot = OfferOptions::default()
        .offer(Offer::Spot)
        .reference_count(4.0)
        .bad_rows(BadRows::Skip);
    let got = offers("t.csv", &rows, &table(), &spot).unwrap();
    assert_eq!(got.skipped.len(), 1);
    assert_eq!(got.skipped[0].line, 2);
    assert_eq!(
        (got.offers[0].rent_usd_per_hour, got.offers[0].speed),
        (0.30, 0.25)
    );
    // Refused: the same row is the error.
    let err = offers(
        "t.csv",
        &rows,
        &table(),
        &OfferOptions::default().offer(Offer::Spot),
    )
    .unwrap_err();
    assert!(err.to_string().contains("line 2"), "{err}");
}

#[test]
fn market_options_default_and_builder() {
    let d = MarketOptions::default();
    assert_eq!(d.prefix, "vast");
    assert_eq!(
        (d.servers_per_offer, d.interruption_rate_per_hour),
        (1.0, 0.0)
    );
    assert_eq!(
        (d.pue, d.carbon_year, d.bad_rows),
        (1.0, 2023, BadRows::Refuse)
    );
    assert!(d.links.is_empty());
    let link = |r: &str| HostLink {
        region: r.into(),
        to_host_usd_per_gb: 0.01,
        from_host_usd_per_gb: 0.02,
        bandwidth_gbps: 1.0,
    };
    let o = MarketOptions::default()
        .prefix("m")
        .servers_per_offer(3.0)
        .interruption_rate_per_hour(0.05)
        .pue(1.4)
        .carbon_year(2022)
        .link(link("a"))
        .links([link("b"), link("c")])
        .bad_rows(BadRows::Skip);
    assert_eq!(o.prefix, "m");
    assert_eq!(
        (o.servers_per_offer, o.interruption_rate_per_hour),
        (3.0, 0.05)
    );
    assert_eq!(
        (o.pue, o.carbon_year, o.bad_rows),
        (1.4, 2022, BadRows::Skip)
    );
    let regions: Vec<&str> = o.links.iter().map(|l| l.region.as_str()).collect();
    assert_eq!(regions, ["a", "b", "c"]);
}

/// Both scenario builders take a job as a `Job` or a complete
/// `JobBuilder`, and the same job either way.
#[test]
fn both_scenario_builders_take_a_job_builder() {
    let period = Period::new("2023-06-19T00:00:00Z".parse().unwrap(), 2).unwrap();
    let deadline = "2023-06-19T02:00:00Z".parse().unwrap();
    let job = || {
        Job::builder("train", "site")
            .work(1.0)
            .deadline(deadline)
            .max_servers(1.0)
    };
    let data = DataSet::bundled().unwrap();
    let build = |b: ScenarioBuilder| {
        b.region(RegionSpec::new(
            "site",
            Energy::market("US-NY-NYIS"),
            Carbon::hourly("US-NY-NYIS"),
            Pue::reference(
                "Uptime Institute survey",
                "industry average (all surveyed sites)",
                "2023",
            ),
        ))
        .pool(PoolSpec::owned(
            "gpus",
            "site",
            2.0,
            5.0,
            Power::reference("NVIDIA DGX A100 (8 GPU)", "max_power_consumption"),
        ))
        .build(&data)
        .unwrap()
    };
    let from_builder = build(ScenarioBuilder::new(period).job(job()));
    let from_job = build(ScenarioBuilder::new(period).job(job().build()));
    let from_many = build(ScenarioBuilder::new(period).jobs([job(), job()]));
    assert_eq!(from_builder, from_job);
    assert_eq!(from_builder.jobs, [job().build()]);
    assert_eq!(from_many.jobs.len(), 2);
}

/// An unknown field's error keeps serde's list of the valid names (it was
/// cut at 80 characters, before the list), and still cuts the unknown
/// name when it is long.
#[test]
fn an_unknown_field_error_keeps_the_valid_names() {
    let base = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/carbon-priced-0.json"
    ))
    .unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&base).unwrap();
    let deadline = v["jobs"][0]
        .as_object_mut()
        .unwrap()
        .remove("deadline")
        .unwrap();
    v["jobs"][0]["deadlin"] = deadline.clone();
    let e = Scenario::from_json(&v.to_string()).unwrap_err().to_string();
    assert!(e.contains("unknown field `deadlin`"), "{e}");
    for name in ["`id`", "`deadline`", "`max_servers`", "`placement`"] {
        assert!(e.contains(name), "{name} missing from: {e}");
    }
    // A 10,000-character name is cut; the names after it are kept.
    let long = "x".repeat(10_000);
    v["jobs"][0].as_object_mut().unwrap().remove("deadlin");
    v["jobs"][0][long.as_str()] = deadline;
    let e = Scenario::from_json(&v.to_string()).unwrap_err().to_string();
    assert!(e.len() < 2_000, "{} bytes", e.len());
    assert!(e.contains("`deadline`"), "{e}");
}
