//! The data builder: values read back exactly from the bundled files, and
//! every error it must raise instead of filling or skipping.

use geoshift::data::{
    Bandwidth, Carbon, CarbonBasis, Catalog, DataError, DataSet, Egress, Energy, LinkSpec, Offer,
    Period, PoolSpec, Power, Pue, RegionSpec, ScenarioBuilder, Table,
};
use geoshift::{Job, Series};

/// The data error inside a crate error (every data function returns
/// `geoshift::Error`; these tests read its `Data` payload).
trait DataErr {
    fn data(self) -> DataError;
}

impl DataErr for geoshift::Error {
    fn data(self) -> DataError {
        match self {
            geoshift::Error::Data(e) => e,
            other => panic!("not a data error: {other}"),
        }
    }
}

fn data() -> DataSet {
    DataSet::bundled().expect("the bundled data parse")
}

fn period(start: &str, hours: usize) -> Period {
    Period::new(start.parse().unwrap(), hours).unwrap()
}

fn dgx_a100() -> Power {
    Power::reference("NVIDIA DGX A100 (8 GPU)", "max_power_consumption")
}

fn uptime() -> Pue {
    Pue::reference(
        "Uptime Institute survey",
        "industry average (all surveyed sites)",
        "2023",
    )
}

/// A one-region builder around `energy` and `carbon`, with one owned pool.
fn one_region(p: Period, energy: Energy, carbon: Carbon) -> ScenarioBuilder {
    ScenarioBuilder::new(p)
        .region(RegionSpec::new("site", energy, carbon, uptime()))
        .pool(PoolSpec::owned("gpus", "site", 2.0, 5.0, dgx_a100()))
}

// ---------------------------------------------------------------- values

#[test]
fn a_known_hour_is_read_back_exactly() {
    let d = data();
    // 2023-06-19T00:00:00Z,US-NY-NYIS,27.55,USD,27.5500
    let p = period("2023-06-19T00:00:00Z", 3);
    assert_eq!(
        d.hourly_price_usd_per_mwh("US-NY-NYIS", &p).unwrap(),
        vec![27.55, 25.66, 23.51]
    );
    // The negative-price hour: 2023-07-02T12:00:00Z,DE-LU,-500.0,EUR,-538.8200
    let p = period("2023-07-02T12:00:00Z", 1);
    assert_eq!(
        d.hourly_price_usd_per_mwh("DE-LU", &p).unwrap(),
        vec![-538.82]
    );
    // Through the builder, as one value per slot.
    let s = one_region(
        period("2023-06-19T00:00:00Z", 2),
        Energy::market("US-NY-NYIS"),
        Carbon::hourly("US-NY-NYIS"),
    )
    .build(&d)
    .unwrap();
    assert_eq!(
        s.regions[0].price_usd_per_mwh,
        Series::PerSlot(vec![27.55, 25.66])
    );
    assert_eq!(s.horizon.slots, 2);
    assert_eq!(s.horizon.slot_seconds, 3600);
    assert_eq!(s.regions[0].pue, 1.58);
}

#[test]
fn hourly_carbon_has_both_bases() {
    let d = data();
    // 2023-06-19T10:00:00Z,US-NY-NYIS,206.89,275.14,...
    let p = period("2023-06-19T10:00:00Z", 1);
    assert_eq!(
        d.hourly_carbon_g_per_kwh("US-NY-NYIS", CarbonBasis::Direct, &p)
            .unwrap(),
        vec![206.89]
    );
    assert_eq!(
        d.hourly_carbon_g_per_kwh("US-NY-NYIS", CarbonBasis::Lifecycle, &p)
            .unwrap(),
        vec![275.14]
    );
}

#[test]
fn yearly_carbon_of_gulf_zones() {
    let d = data();
    assert_eq!(d.yearly_carbon_g_per_kwh("AE", 2023).unwrap(), 391.0);
    assert_eq!(d.yearly_carbon_g_per_kwh("SA", 2023).unwrap(), 552.0);
    let s = one_region(
        period("2023-06-19T00:00:00Z", 4),
        Energy::Given(40.0),
        Carbon::yearly("QA", 2023),
    )
    .build(&d)
    .unwrap();
    assert_eq!(s.regions[0].carbon_g_per_kwh, Series::Constant(490.0));
    assert_eq!(s.regions[0].price_usd_per_mwh, Series::Constant(40.0));
}

#[test]
fn gpu_list_prices_are_the_catalogue_rows() {
    let d = data();
    let a2 = "a2-highgpu-8g (host + GPUs)";
    let price = |region, offer| d.gpu_offer("gcp", region, a2, offer).unwrap().usd_per_hour;
    assert_eq!(price("me-west1", Offer::OnDemand), 32.32579);
    assert_eq!(price("us-east1", Offer::OnDemand), 29.38708);
    assert_eq!(price("me-west1", Offer::Spot), 11.14528);
    assert_eq!(price("us-east1", Offer::Spot), 14.4308);
    let p4d = d
        .gpu_offer("aws", "us-east-1", "p4d.24xlarge", Offer::OnDemand)
        .unwrap();
    assert_eq!((p4d.usd_per_hour, p4d.gpu_count), (32.7726, 8));

    // A cloud pool's rent pays its energy; its power is the DGX A100's.
    let s = ScenarioBuilder::new(period("2023-06-19T00:00:00Z", 1))
        .region(RegionSpec::new(
            "ta",
            Energy::InRent,
            Carbon::yearly("IL", 2023),
            Pue::reference("Google", "fleet-wide (quarter)", "2021-Q2"),
        ))
        .pool(PoolSpec::cloud(
            "spot",
            "ta",
            4.0,
            Catalog::new("gcp", "me-west1", a2),
            Offer::Spot,
            dgx_a100(),
        ))
        .build(&d)
        .unwrap();
    let pool = &s.pools[0];
    assert_eq!(pool.rent_usd_per_hour, 11.14528);
    assert!(pool.rent_includes_energy);
    assert_eq!(pool.power_kw, 6.5);
    assert_eq!(s.regions[0].pue, 1.1);
}

#[test]
fn power_in_watts_is_converted_to_kw() {
    let d = data();
    assert_eq!(
        d.power_kw("NVIDIA H100 SXM (per GPU)", "thermal_design_power")
            .unwrap(),
        0.7
    );
    let s = ScenarioBuilder::new(period("2023-06-19T00:00:00Z", 1))
        .region(RegionSpec::new(
            "site",
            Energy::Given(50.0),
            Carbon::yearly("DE", 2023),
            uptime(),
        ))
        .pool(PoolSpec::owned(
            "h100",
            "site",
            1.0,
            5.0,
            Power::reference_times("NVIDIA H100 SXM (per GPU)", "thermal_design_power", 8),
        ))
        .build(&d)
        .unwrap();
    assert!((s.pools[0].power_kw - 5.6).abs() < 1e-12);
}

#[test]
fn links_take_egress_and_measured_throughput() {
    let d = data();
    let s = ScenarioBuilder::new(period("2023-06-19T00:00:00Z", 1))
        .region(RegionSpec::new(
            "a",
            Energy::Given(1.0),
            Carbon::yearly("US-NY-NYIS", 2023),
            uptime(),
        ))
        .region(RegionSpec::new(
            "b",
            Energy::Given(1.0),
            Carbon::yearly("IL", 2023),
            uptime(),
        ))
        .link(LinkSpec::new(
            "a",
            "b",
            Egress::listed("gcp", "us-east1", "me-west1"),
            Bandwidth::measured("aws", "US", "EU"),
        ))
        .link(LinkSpec::new(
            "b",
            "a",
            Egress::listed("gcp", "me-west1", "us-east1"),
            Bandwidth::measured("azure", "EU", "US"),
        ))
        .build(&d)
        .unwrap();
    assert_eq!(s.links[0].egress_usd_per_gb, 0.11);
    assert_eq!(s.links[0].bandwidth_gbps, 0.16);
    assert_eq!(s.links[1].egress_usd_per_gb, 0.02);
    assert_eq!(s.links[1].bandwidth_gbps, 0.25);
}

// ------------------------------------------------------------ FX, tariff

/// The bundled FX file has no SAR rate, so the Saudi tariff cannot be
/// converted from the bundled data: an error, not a guess.
#[test]
fn saudi_tariff_needs_an_fx_rate_for_sar() {
    let err = data().tariff_usd_per_mwh("SA").unwrap_err().data();
    assert_eq!(
        err,
        DataError::UnknownCode {
            file: "fx_rates_usd_per_unit_green_dcc.csv".into(),
            what: "currency",
            value: "SAR".into(),
        }
    );
    let built = one_region(
        period("2023-06-19T00:00:00Z", 1),
        Energy::tariff("SA"),
        Carbon::yearly("SA", 2023),
    )
    .build(&data());
    assert!(matches!(
        built,
        Err(geoshift::Error::Data(DataError::UnknownCode {
            what: "currency",
            ..
        }))
    ));
}

/// With a user's own FX file that has SAR (test value: 3.75 SAR per USD,
/// written as USD per SAR), 18 halala/kWh = 0.18 SAR/kWh becomes
/// 0.18 × 1000 × (1 / 3.75) $/MWh = 48 $/MWh.
#[test]
fn saudi_tariff_converted_with_a_users_fx_file() {
    let usd_per_sar = 1.0 / 3.75;
    let fx =
        format!("currency,usd_per_unit,as_of,source\nSAR,{usd_per_sar},2025-01-01,test value\n");
    let d = data()
        .with_csv(Table::Fx, "my_fx.csv", &fx)
        .expect("a SAR row adds to the bundled rates");
    let usd = d.tariff_usd_per_mwh("SA").unwrap();
    assert_eq!(usd, 0.18 * 1000.0 * usd_per_sar);
    assert!((usd - 48.0).abs() < 1e-9);
    // EUR from the bundled file is still there.
    assert_eq!(d.usd_per_unit("EUR").unwrap(), 1.07764);
    let s = one_region(
        period("2023-06-19T00:00:00Z", 3),
        Energy::tariff("SA"),
        Carbon::yearly("SA", 2023),
    )
    .build(&d)
    .unwrap();
    assert_eq!(s.regions[0].price_usd_per_mwh, Series::Constant(usd));
    assert_eq!(s.regions[0].carbon_g_per_kwh, Series::Constant(552.0));
}

// ------------------------------------------------------------- errors

#[test]
fn nl_missing_day_is_an_error_not_a_gap_filled() {
    let d = data();
    // The period covers the 24 hours NL lacks (2023-06-29T22Z..06-30T21Z).
    let p = period("2023-06-29T00:00:00Z", 72);
    let err = d.hourly_price_usd_per_mwh("NL", &p).unwrap_err().data();
    assert_eq!(
        err,
        DataError::MissingHours {
            file: "electricity_prices_hourly_2023-06-19_2023-07-16.csv".into(),
            key: "NL".into(),
            start: p.start(),
            hours: 72,
            missing: 24,
            first_missing: "2023-06-29T22:00:00Z".parse().unwrap(),
        }
    );
    assert!(err.to_string().contains("NL"));
    // The builder reports the same error.
    let built = one_region(p, Energy::market("NL"), Carbon::yearly("NL", 2023)).build(&d);
    assert_eq!(built.unwrap_err().data(), err);
    // The hours next to the gap are fine.
    let before = period("2023-06-29T00:00:00Z", 22);
    assert_eq!(d.hourly_price_usd_per_mwh("NL", &before).unwrap().len(), 22);
}

#[test]
fn a_period_past_the_data_is_missing_hours() {
    // The data end with the hour starting 2023-07-16T23:00Z.
    let p = period("2023-07-16T22:00:00Z", 3);
    let err = data()
        .hourly_carbon_g_per_kwh("DE", CarbonBasis::Lifecycle, &p)
        .unwrap_err()
        .data();
    assert!(matches!(
        err,
        DataError::MissingHours { missing: 1, ref key, first_missing, .. }
            if key == "DE" && first_missing == "2023-07-17T00:00:00Z".parse::<chrono::DateTime<chrono::Utc>>().unwrap()
    ));
}

#[test]
fn unknown_market_and_zone_codes() {
    let p = period("2023-06-19T00:00:00Z", 1);
    let err = one_region(p, Energy::market("US-NYISO"), Carbon::hourly("US-NY-NYIS"))
        .build(&data())
        .unwrap_err()
        .data();
    assert_eq!(
        err,
        DataError::UnknownCode {
            file: "electricity_prices_hourly_2023-06-19_2023-07-16.csv".into(),
            what: "market region",
            value: "US-NYISO".into(),
        }
    );
    // FR has prices but no hourly carbon.
    let err = one_region(p, Energy::market("FR"), Carbon::hourly("FR"))
        .build(&data())
        .unwrap_err()
        .data();
    assert_eq!(
        err,
        DataError::UnknownCode {
            file: "carbon_intensity_hourly_2023-06-19_2023-07-16.csv".into(),
            what: "carbon zone",
            value: "FR".into(),
        }
    );
    let err = one_region(p, Energy::market("FR"), Carbon::yearly("FR", 2022))
        .build(&data())
        .unwrap_err()
        .data();
    assert!(
        matches!(err, DataError::UnknownCode { what: "carbon zone and year", ref value, .. } if value == "FR 2022")
    );
    let err = one_region(p, Energy::tariff("AE"), Carbon::yearly("AE", 2023))
        .build(&data())
        .unwrap_err()
        .data();
    assert!(
        matches!(err, DataError::UnknownCode { what: "tariff country", ref value, .. } if value == "AE")
    );
}

#[test]
fn unknown_and_partial_instances() {
    let d = data();
    // No A100 at all in GCP me-central2 (Dammam), only L4.
    let err = d
        .gpu_offer(
            "gcp",
            "me-central2",
            "a2-highgpu-8g (host + GPUs)",
            Offer::OnDemand,
        )
        .unwrap_err()
        .data();
    assert!(
        matches!(err, DataError::UnknownInstance { ref region, .. } if region == "me-central2")
    );
    // The GPU-only and host-only rows are not servers.
    let err = d
        .gpu_offer(
            "gcp",
            "me-west1",
            "a2-highgpu-8g (host only)",
            Offer::OnDemand,
        )
        .unwrap_err()
        .data();
    assert!(matches!(err, DataError::NotAServer { .. }));
    let err = d
        .gpu_offer("gcp", "me-west1", "accelerator:A100", Offer::OnDemand)
        .unwrap_err()
        .data();
    // Several GPU counts share that name: ambiguous before anything else.
    assert!(matches!(err, DataError::Ambiguous { count: 5, .. }));
    // AWS rows carry no spot price column.
    let err = d
        .gpu_offer("aws", "me-central-1", "g6.24xlarge", Offer::Spot)
        .unwrap_err()
        .data();
    assert!(matches!(err, DataError::NoSpotPrice { .. }));
    // Through the builder.
    let err = ScenarioBuilder::new(period("2023-06-19T00:00:00Z", 1))
        .region(RegionSpec::new(
            "uae",
            Energy::InRent,
            Carbon::yearly("AE", 2023),
            uptime(),
        ))
        .pool(PoolSpec::cloud(
            "p5",
            "uae",
            1.0,
            Catalog::new("aws", "me-central-1", "p5.48xlarge"),
            Offer::OnDemand,
            dgx_a100(),
        ))
        .build(&d)
        .unwrap_err()
        .data();
    assert_eq!(
        err,
        DataError::UnknownInstance {
            file: "gpu_instance_prices_aws_on_demand.csv / gpu_prices_middle_east_vs_us.csv".into(),
            provider: "aws".into(),
            region: "me-central-1".into(),
            instance: "p5.48xlarge".into(),
        }
    );
}

#[test]
fn unknown_hardware_and_pue_rows() {
    let d = data();
    assert!(matches!(
        d.power_kw("NVIDIA DGX B200", "max_power_consumption"),
        Err(geoshift::Error::Data(DataError::UnknownCode {
            what: "hardware item and metric",
            ..
        }))
    ));
    assert!(matches!(
        d.pue("Google", "fleet-wide (quarter)", "2024"),
        Err(geoshift::Error::Data(DataError::UnknownCode { .. }))
    ));
}

/// Egress is listed only for GCP me-west1 among Middle-East regions: a link
/// to the Gulf regions (Dammam, Doha) cannot be priced from the data.
#[test]
fn missing_link_data_is_an_error() {
    let d = data();
    let two = |egress: Egress, bandwidth: Bandwidth| {
        ScenarioBuilder::new(period("2023-06-19T00:00:00Z", 1))
            .region(RegionSpec::new(
                "us",
                Energy::Given(1.0),
                Carbon::yearly("US-NY-NYIS", 2023),
                uptime(),
            ))
            .region(RegionSpec::new(
                "gulf",
                Energy::InRent,
                Carbon::yearly("SA", 2023),
                uptime(),
            ))
            .link(LinkSpec::new("us", "gulf", egress, bandwidth))
            .build(&d)
    };
    let err = two(
        Egress::listed("gcp", "us-east1", "me-central2"),
        Bandwidth::measured("aws", "US", "EU"),
    )
    .unwrap_err()
    .data();
    assert_eq!(
        err,
        DataError::MissingEgress {
            file: "cloud_inter_region_egress_usd_per_gb.csv".into(),
            provider: "gcp".into(),
            from: "us-east1".into(),
            to: "me-central2".into(),
        }
    );
    // The throughput table has no pair inside one macro-region.
    let err = two(
        Egress::listed("gcp", "us-east1", "me-west1"),
        Bandwidth::measured("aws", "US", "US"),
    )
    .unwrap_err()
    .data();
    assert!(
        matches!(err, DataError::MissingThroughput { ref from, ref to, .. } if from == "US" && to == "US")
    );
    // A link to a region the builder does not know.
    let err = ScenarioBuilder::new(period("2023-06-19T00:00:00Z", 1))
        .link(LinkSpec::new(
            "us",
            "gulf",
            Egress::Assumed(0.0),
            Bandwidth::Assumed(1.0),
        ))
        .build(&d)
        .unwrap_err()
        .data();
    assert!(matches!(
        err,
        DataError::UnknownRegion { entity: "link", .. }
    ));
}

#[test]
fn owned_servers_need_a_priced_energy() {
    let err = ScenarioBuilder::new(period("2023-06-19T00:00:00Z", 1))
        .region(RegionSpec::new(
            "cloud",
            Energy::InRent,
            Carbon::yearly("IL", 2023),
            uptime(),
        ))
        .pool(PoolSpec::owned("mine", "cloud", 1.0, 5.0, dgx_a100()))
        .build(&data())
        .unwrap_err()
        .data();
    assert_eq!(
        err,
        DataError::EnergyNotPriced {
            region: "cloud".into(),
            pool: "mine".into(),
        }
    );
    let err = ScenarioBuilder::new(period("2023-06-19T00:00:00Z", 1))
        .pool(PoolSpec::owned("mine", "nowhere", 1.0, 5.0, dgx_a100()))
        .build(&data())
        .unwrap_err()
        .data();
    assert!(matches!(
        err,
        DataError::UnknownRegion { entity: "pool", .. }
    ));
}

#[test]
fn periods_are_whole_hours() {
    let half = "2023-06-19T00:30:00Z".parse().unwrap();
    assert!(matches!(
        Period::new(half, 2),
        Err(geoshift::Error::Data(DataError::BadPeriod { .. }))
    ));
    let start = "2023-06-19T00:00:00Z".parse().unwrap();
    assert!(matches!(
        Period::new(start, 0),
        Err(geoshift::Error::Data(DataError::BadPeriod { .. }))
    ));
}

#[test]
fn users_csv_errors_name_file_and_line() {
    let bad = "timestamp_utc,region,price_per_mwh,currency,price_usd_per_mwh\n\
               2023-06-19T00:00:00Z,XX,1,USD,1\n\
               2023-06-19T01:00:00Z,XX,two,USD,2\n";
    let err = DataSet::empty()
        .with_csv(Table::Prices, "mine.csv", bad)
        .unwrap_err()
        .data();
    assert!(matches!(err, DataError::Csv { ref file, line: 3, .. } if file == "mine.csv"));

    let dup = "timestamp_utc,region,price_per_mwh,currency,price_usd_per_mwh\n\
               2023-06-19T00:00:00Z,XX,1,USD,1\n\
               2023-06-19T00:00:00Z,XX,1,USD,1\n";
    let err = DataSet::empty()
        .with_csv(Table::Prices, "mine.csv", dup)
        .unwrap_err()
        .data();
    assert!(matches!(err, DataError::DuplicateRow { line: 3, .. }));

    let off_hour = "timestamp_utc,region,price_per_mwh,currency,price_usd_per_mwh\n\
                    2023-06-19T00:15:00Z,XX,1,USD,1\n";
    let err = DataSet::empty()
        .with_csv(Table::Prices, "mine.csv", off_hour)
        .unwrap_err()
        .data();
    assert!(matches!(
        err,
        DataError::BadValue {
            field: "timestamp_utc",
            ..
        }
    ));

    // A user's own market, read from text, with the bundled carbon.
    let mine = "timestamp_utc,region,price_per_mwh,currency,price_usd_per_mwh\n\
                2023-06-19T00:00:00Z,MY-MARKET,10,USD,10\n\
                2023-06-19T01:00:00Z,MY-MARKET,-5,USD,-5\n";
    let d = data().with_csv(Table::Prices, "mine.csv", mine).unwrap();
    let p = period("2023-06-19T00:00:00Z", 2);
    let s = one_region(p, Energy::market("MY-MARKET"), Carbon::hourly("DE"))
        .job(Job::new("j", "site", 1.0, p.end(), 1.0))
        .build(&d)
        .unwrap();
    assert_eq!(
        s.regions[0].price_usd_per_mwh,
        Series::PerSlot(vec![10.0, -5.0])
    );
    assert!(geoshift::Problem::new(&s).is_ok());
}
