//! Features 4 and 5 of issue 9 at their edges: the interruption and
//! internet-transfer rows read back from the bundled data, the builder's
//! use of them, the errors it raises instead of guessing, and the input
//! rules of the new scenario fields.

use geoshift::data::{
    Bandwidth, Carbon, Catalog, DataError, DataSet, Edge, Egress, Energy, Interruption, LinkSpec,
    Offer, Period, PoolSpec, Power, Pue, RegionSpec, ScenarioBuilder, Transfer, HOURS_PER_MONTH,
};
use geoshift::{Entity, InputError, Job, Pool, Problem, Region, Scenario};

fn data() -> DataSet {
    DataSet::bundled().expect("the bundled data parse")
}

#[test]
fn internet_transfer_prices_read_back_from_the_file() {
    let d = data();
    let price = |p, r, dir, gb| d.internet_usd_per_gb(p, r, dir, gb).unwrap();
    // Ingress is free at both clouds, for every region (`*` rows).
    assert_eq!(price("gcp", "me-central2", Transfer::Ingress, 0.0), 0.0);
    assert_eq!(price("aws", "me-central-1", Transfer::Ingress, 5e4), 0.0);
    // GCP internet egress bands: 0.12 up to 1024 GB, 0.11 to 10240, 0.08 above.
    assert_eq!(
        price("gcp", "me-west1", Transfer::InternetEgress, 0.0),
        0.12
    );
    assert_eq!(
        price("gcp", "me-west1", Transfer::InternetEgress, 1023.0),
        0.12
    );
    assert_eq!(
        price("gcp", "me-west1", Transfer::InternetEgress, 1024.0),
        0.11
    );
    assert_eq!(
        price("gcp", "us-east1", Transfer::InternetEgress, 2e4),
        0.08
    );
    // AWS: only US East (Ohio) is in the data, first 1 GB free, then 0.09.
    assert_eq!(
        price("aws", "us-east-2", Transfer::InternetEgress, 0.5),
        0.0
    );
    assert_eq!(
        price("aws", "us-east-2", Transfer::InternetEgress, 500.0),
        0.09
    );
    match d.internet_usd_per_gb("aws", "me-central-1", Transfer::InternetEgress, 0.0) {
        Err(geoshift::Error::Data(DataError::MissingInternetPrice {
            provider,
            region,
            direction,
            ..
        })) => {
            assert_eq!(
                (provider.as_str(), region.as_str()),
                ("aws", "me-central-1")
            );
            assert_eq!(direction, "internet_egress");
        }
        other => panic!("expected MissingInternetPrice, got {other:?}"),
    }
}

#[test]
fn published_interruption_ranges_become_rates_by_the_stated_conversion() {
    let d = data();
    let rate = |p, s, e| d.interruption_rate_per_hour(p, s, e).unwrap();
    // 15 % a day: -ln(0.85) / 24 = 0.0067716...; 5 % a day: 0.0021372...
    let gcp = "historical average per project";
    assert!((rate("gcp", gcp, Edge::High) - 0.006_771_622).abs() < 1e-9);
    assert!((rate("gcp", gcp, Edge::Low) - 0.002_137_221).abs() < 1e-9);
    // AWS "<5%" a month: low edge 0, high -ln(0.95) / 730 = 7.0265e-5.
    assert_eq!(HOURS_PER_MONTH, 730.0);
    assert_eq!(rate("aws", "advisor bracket <5%", Edge::Low), 0.0);
    assert!((rate("aws", "advisor bracket <5%", Edge::High) - 7.026_479e-5).abs() < 1e-10);
    // ">20%" has no upper edge: an error, not a made-up one.
    assert!(matches!(
        d.interruption_rate_per_hour("aws", "advisor bracket >20%", Edge::High),
        Err(geoshift::Error::Data(DataError::NoEdge {
            edge: "high",
            ..
        }))
    ));
    assert!(matches!(
        d.interruption_rate_per_hour("gcp", "me-central2", Edge::High),
        Err(geoshift::Error::Data(DataError::UnknownCode { .. }))
    ));
}

fn period() -> Period {
    Period::new("2023-06-19T00:00:00Z".parse().unwrap(), 24).unwrap()
}

/// A NY site and GCP Dammam, linked as a start-up's own servers are.
fn ny_dammam(egress_back: Egress, interruption: Interruption) -> ScenarioBuilder {
    let period = period();
    ScenarioBuilder::new(period)
        .region(RegionSpec::new(
            "ny",
            Energy::market("US-NY-NYIS"),
            Carbon::hourly("US-NY-NYIS"),
            Pue::Given(1.5),
        ))
        .region(RegionSpec::new(
            "dammam",
            Energy::InRent,
            Carbon::yearly("SA", 2023),
            Pue::reference("Google", "fleet-wide (quarter)", "2021-Q2"),
        ))
        .pool(
            PoolSpec::cloud(
                "l4-spot",
                "dammam",
                2.0,
                Catalog::new("gcp", "me-central2", "g2-standard-96 (host + GPUs)"),
                Offer::Spot,
                Power::reference_times("NVIDIA L4 (per GPU)", "thermal_design_power", 8),
            )
            .interruptions(interruption),
        )
        .link(LinkSpec::new(
            "ny",
            "dammam",
            Egress::ingress("gcp", "me-central2"),
            Bandwidth::Assumed(1.0),
        ))
        .link(LinkSpec::new(
            "dammam",
            "ny",
            egress_back,
            Bandwidth::Assumed(1.0),
        ))
        .job(Job::new("train", "ny", 10.0, period.end(), 2.0).data(100.0, 10.0))
}

#[test]
fn the_builder_prices_own_servers_to_cloud_links_and_interruptions() {
    let s = ny_dammam(
        Egress::internet("gcp", "me-central2"),
        Interruption::published("gcp", "historical average per project", Edge::Low),
    )
    .build(&data())
    .unwrap();
    let link = |a: &str| s.links.iter().find(|l| l.from == a).unwrap();
    assert_eq!(link("ny").egress_usd_per_gb, 0.0);
    assert_eq!(link("dammam").egress_usd_per_gb, 0.12);
    assert_eq!(link("ny").bandwidth_gbps, 1.0);
    let pool = &s.pools[0];
    assert_eq!(pool.rent_usd_per_hour, 5.21571);
    // Eight L4 at 72 W: 0.576 kW.
    assert!((pool.power_kw - 0.576).abs() < 1e-12);
    assert!((pool.interruption_rate_per_hour - 0.002_137_221).abs() < 1e-9);
    assert!(Problem::new(&s).is_ok());
    // An assumed rate is written as given.
    let s = ny_dammam(
        Egress::internet("gcp", "me-central2"),
        Interruption::Assumed(0.01),
    )
    .build(&data())
    .unwrap();
    assert_eq!(s.pools[0].interruption_rate_per_hour, 0.01);
}

#[test]
fn the_uae_is_refused_rather_than_guessed() {
    let e = ny_dammam(Egress::internet("aws", "me-central-1"), Interruption::None)
        .build(&data())
        .unwrap_err();
    assert!(
        matches!(&e, geoshift::Error::Data(DataError::MissingInternetPrice { region, .. }) if region == "me-central-1"),
        "{e:?}"
    );
    assert!(e.to_string().contains("me-central-1"), "{e}");
}

fn one_pool(rate: f64, interval: f64, restart: f64) -> Scenario {
    let h = geoshift::Horizon::new("2026-06-01T00:00:00Z".parse().unwrap(), 3600, 4);
    let end = h.slot_end(3).unwrap();
    Scenario::builder(h)
        .region(Region::builder("r").pue(1.0).price_usd_per_mwh(0.0))
        .pool(
            Pool::builder("spot", "r")
                .servers(1.0)
                .rent_usd_per_hour(1.0)
                .power_kw(0.0)
                .interruption_rate_per_hour(rate),
        )
        .job(
            Job::builder("j", "r")
                .work(1.0)
                .deadline(end)
                .max_servers(1.0)
                .checkpoint_interval_hours(interval)
                .restart_hours(restart),
        )
        .build()
}

fn out_of_range(s: &Scenario) -> (Entity, String, String, f64) {
    match Problem::new(s)
        .unwrap_err()
        .as_input()
        .cloned()
        .expect("an input error")
    {
        InputError::OutOfRange {
            entity,
            id,
            field,
            value,
            ..
        } => (entity, id, field, value),
        other => panic!("expected OutOfRange, got {other:?}"),
    }
}

#[test]
fn the_new_fields_are_checked_and_named() {
    let (e, id, f, v) = out_of_range(&one_pool(-0.1, 1.0, 0.25));
    assert_eq!(
        (e, id.as_str(), f.as_str(), v),
        (Entity::Pool, "spot", "interruption_rate_per_hour", -0.1)
    );
    let (e, id, f, v) = out_of_range(&one_pool(0.1, -1.0, 0.25));
    assert_eq!(
        (e, id.as_str(), f.as_str(), v),
        (Entity::Job, "j", "checkpoint_interval_hours", -1.0)
    );
    let (e, _, f, v) = out_of_range(&one_pool(0.1, 1.0, f64::INFINITY));
    assert_eq!((e, f.as_str()), (Entity::Job, "restart_hours"));
    assert!(v.is_infinite());
    let (_, _, f, _) = out_of_range(&one_pool(f64::NAN, 1.0, 0.25));
    assert_eq!(f, "interruption_rate_per_hour");
    // A huge rate with no loss per interruption loses nothing: allowed.
    assert!(Problem::new(&one_pool(1e300, 0.0, 0.0)).is_ok());
    // A huge rate with some loss is below the floor: refused.
    assert!(matches!(
        Problem::new(&one_pool(1e300, 1.0, 0.0)),
        Err(geoshift::Error::Input(InputError::InterruptionLoss { .. }))
    ));
}

#[test]
fn the_new_fields_round_trip_and_default_when_left_out() {
    let s = one_pool(0.02, 3.0, 0.5);
    let json = s.to_json();
    assert!(
        json.contains("\"interruption_rate_per_hour\": 0.02"),
        "{json}"
    );
    assert!(
        json.contains("\"checkpoint_interval_hours\": 3.0"),
        "{json}"
    );
    assert_eq!(Scenario::from_json(&json).unwrap(), s);
    // Defaults are not written, and read back as the documented ones.
    let plain = one_pool(
        0.0,
        geoshift::DEFAULT_CHECKPOINT_INTERVAL_HOURS,
        geoshift::DEFAULT_RESTART_HOURS,
    );
    let json = plain.to_json();
    for field in [
        "interruption_rate_per_hour",
        "checkpoint_interval_hours",
        "restart_hours",
    ] {
        assert!(!json.contains(field), "{json}");
    }
    let back = Scenario::from_json(&json).unwrap();
    assert_eq!(back.jobs[0].checkpoint_interval_hours, 1.0);
    assert_eq!(back.jobs[0].restart_hours, 0.25);
    assert_eq!(back.pools[0].interruption_rate_per_hour, 0.0);
    // A misspelt field is still an error naming its path.
    let bad = json.replacen("\"max_servers\"", "\"restart_hour\": 1, \"max_servers\"", 1);
    assert!(matches!(
        Scenario::from_json(&bad),
        Err(geoshift::Error::Input(InputError::Json { .. }))
    ));
}

/// Two pools (on-demand 10 $/h, spot `spot_rent` $/h at `rate`), one job
/// of 6 work units over 8 hourly slots; `c` and `r` its checkpointing.
fn two_pools(spot_rent: f64, rate: f64, c: f64, r: f64) -> Scenario {
    let h = geoshift::Horizon::new("2026-06-01T00:00:00Z".parse().unwrap(), 3600, 8);
    let end = h.slot_end(7).unwrap();
    Scenario::builder(h)
        .region(Region::builder("r").pue(1.2).price_usd_per_mwh(40.0))
        .pool(
            Pool::builder("od", "r")
                .servers(1.0)
                .rent_usd_per_hour(10.0)
                .power_kw(1.0),
        )
        .pool(
            Pool::builder("spot", "r")
                .servers(1.0)
                .rent_usd_per_hour(spot_rent)
                .power_kw(1.0)
                .interruption_rate_per_hour(rate),
        )
        .job(
            Job::builder("j", "r")
                .work(6.0)
                .deadline(end)
                .max_servers(2.0)
                .checkpoint_interval_hours(c)
                .restart_hours(r),
        )
        .build()
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]
    /// Pricing interruptions never makes the optimum cheaper, every plan
    /// the evaluator accepts does the work at the derated speed, and the
    /// risky share is a share.
    #[test]
    fn interruptions_never_make_the_optimum_cheaper(
        spot_rent in 1.0f64..12.0,
        rate in 0.0f64..0.4,
        c in 0.0f64..1.0,
        r in 0.0f64..0.25,
    ) {
        use geoshift::{evaluate, Local, Optimal, Scheduler};
        let solve = |s: &Scenario, sched: &dyn Scheduler| {
            let p = Problem::new(s).unwrap();
            let schedule = sched.schedule(&p).unwrap();
            let done: f64 = schedule
                .assignments
                .iter()
                .map(|a| a.server_hours * p.work_per_server_hour(a.job, a.pool).unwrap())
                .sum();
            proptest::prop_assert!((done - 6.0).abs() <= 1e-6 * 6.0);
            Ok(evaluate(&p, sched.name(), &schedule).unwrap())
        };
        let with = solve(&two_pools(spot_rent, rate, c, r), &Optimal::default())?;
        let without = solve(&two_pools(spot_rent, 0.0, c, r), &Optimal::default())?;
        let local = solve(&two_pools(spot_rent, rate, c, r), &Local)?;
        proptest::prop_assert!(with.total_usd >= without.total_usd - 1e-6 * without.total_usd);
        proptest::prop_assert!(local.total_usd >= with.total_usd - 1e-6 * with.total_usd);
        proptest::prop_assert!((0.0..=1.0 + 1e-9).contains(&with.risky_work_share));
    }
}
