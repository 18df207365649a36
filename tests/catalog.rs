//! Pools from SkyPilot-format price catalogs (`geoshift::data::catalog`):
//! small hand-made files (good rows, bad rows, unknown accelerators,
//! duplicates) and the bundled Vast.ai snapshots.

use geoshift::data::catalog::{
    add_marketplace, country_code, host_region_id, offers, read_catalog, total_gpu_memory_mib,
    vast_snapshots, BadRows, HostLink, MarketOptions, OfferOptions, RowProblem, SpeedTable,
    Throughput, REFERENCE_GPU,
};
use geoshift::data::{DataError, DataSet, Offer};
use geoshift::{Region, Scenario};
use proptest::prelude::*;

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

const HEADER: &str =
    "InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,GpuInfo,Price,SpotPrice,Region\n";

fn file(rows: &[&str]) -> String {
    let mut s = HEADER.to_string();
    for r in rows {
        s.push_str(r);
        s.push('\n');
    }
    s
}

/// A table of the user's own: A100 = 1, RTX4090 = 0.5.
fn table() -> SpeedTable {
    SpeedTable::given("test", [("A100", 1.0, 400.0), ("RTX4090", 0.5, 450.0)]).unwrap()
}

#[test]
fn good_rows_become_offers_with_rent_speed_and_power() {
    let text = file(&[
        "8x-A100,A100,8,32,64.0,\"{'Gpus': []}\",5.87,0.00,\"Slovenia, SI, EU\"",
        "2x-RTX_4090,RTX4090,2,32,64.0,\"{}\",0.80,0.30,\"Texas, US, NA\"",
    ]);
    let rows = read_catalog("t.csv", &text).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1].line, 3);
    let got = offers(
        "t.csv",
        &rows,
        &table(),
        &OfferOptions::default()
            .offer(Offer::OnDemand)
            .reference_count(8.0)
            .bad_rows(BadRows::Refuse),
    )
    .unwrap();
    assert!(got.skipped.is_empty());
    let (a, b) = (&got.offers[0], &got.offers[1]);
    assert_eq!((a.rent_usd_per_hour, a.speed, a.power_kw), (5.87, 1.0, 3.2));
    assert_eq!(
        (b.rent_usd_per_hour, b.speed, b.power_kw),
        (0.80, 0.125, 0.9)
    );
    assert_eq!(b.region, "Texas, US, NA");
    // The spot column of the same rows: 0.00 is not a price.
    let err = offers(
        "t.csv",
        &rows,
        &table(),
        &OfferOptions::default()
            .offer(Offer::Spot)
            .reference_count(8.0)
            .bad_rows(BadRows::Refuse),
    )
    .unwrap_err()
    .data();
    assert!(
        matches!(&err, DataError::BadCatalogRow { line: 2, problem, .. } if problem.contains("SpotPrice = 0")),
        "{err}"
    );
    let spot = offers(
        "t.csv",
        &rows,
        &table(),
        &OfferOptions::default()
            .offer(Offer::Spot)
            .reference_count(8.0)
            .bad_rows(BadRows::Skip),
    )
    .unwrap();
    assert_eq!(spot.offers.len(), 1);
    assert_eq!(spot.offers[0].rent_usd_per_hour, 0.30);
}

#[test]
fn bad_rows_are_refused_or_skipped_by_line() {
    let text = file(&[
        "1x-A100,A100,1,32,64.0,{},1.20,,\"Germany, DE, EU\"",
        "1x-A100-b,A100,1,32,64.0,{},,,\"Germany, DE, EU\"", // no price
        "1x-A100-c,A100,1,32,64.0,{},0.00,,\"Germany, DE, EU\"", // price 0
        "1x-A100-d,A100,1,32,64.0,{},-1,,\"Germany, DE, EU\"", // negative
        "cpu-only,,,32,64.0,{},0.10,,\"Germany, DE, EU\"",   // no accelerator
        "1x-A100,A100,1,32,64.0,{},1.30,,\"Germany, DE, EU\"", // duplicate of line 2
    ]);
    let rows = read_catalog("bad.csv", &text).unwrap();
    let err = offers(
        "bad.csv",
        &rows,
        &table(),
        &OfferOptions::default()
            .offer(Offer::OnDemand)
            .reference_count(8.0)
            .bad_rows(BadRows::Refuse),
    )
    .unwrap_err()
    .data();
    match &err {
        DataError::BadCatalogRow {
            file,
            line,
            instance,
            region,
            problem,
        } => {
            assert_eq!((file.as_str(), *line), ("bad.csv", 3));
            assert_eq!(instance, "1x-A100-b");
            assert_eq!(region, "Germany, DE, EU");
            assert!(problem.contains("Price is empty"), "{problem}");
        }
        e => panic!("{e}"),
    }
    let got = offers(
        "bad.csv",
        &rows,
        &table(),
        &OfferOptions::default()
            .offer(Offer::OnDemand)
            .reference_count(8.0)
            .bad_rows(BadRows::Skip),
    )
    .unwrap();
    assert_eq!(got.offers.len(), 1);
    assert_eq!(got.offers[0].line, 2);
    let problems: Vec<(u64, RowProblem)> = got
        .skipped
        .iter()
        .map(|s| (s.line, s.problem.clone()))
        .collect();
    assert_eq!(
        problems,
        vec![
            (3, RowProblem::NoPrice { column: "Price" }),
            (
                4,
                RowProblem::NotPositive {
                    column: "Price",
                    value: 0.0
                }
            ),
            (
                5,
                RowProblem::NotPositive {
                    column: "Price",
                    value: -1.0
                }
            ),
            (6, RowProblem::NoAccelerator),
            (7, RowProblem::Duplicate { first_line: 2 }),
        ]
    );
}

#[test]
fn unknown_accelerators_are_named() {
    let text = file(&[
        "1x-H200,H200,1,32,64.0,{},2.47,0.00,\"Hungary, HU, EU\"",
        "1x-A100,A100,1,32,64.0,{},1.20,0.00,\"Germany, DE, EU\"",
        "1x-RTX_5090,RTX5090,1,32,64.0,{},0.53,0.00,\"Taiwan, TW, AS\"",
        "2x-H200,H200,2,32,64.0,{},4.94,0.00,\"France, FR, EU\"",
    ]);
    let rows = read_catalog("u.csv", &text).unwrap();
    let err = offers(
        "u.csv",
        &rows,
        &table(),
        &OfferOptions::default()
            .offer(Offer::OnDemand)
            .reference_count(8.0)
            .bad_rows(BadRows::Refuse),
    )
    .unwrap_err()
    .data();
    assert_eq!(
        err,
        DataError::UnknownAccelerators {
            file: "u.csv".into(),
            names: vec!["H200".into(), "RTX5090".into()],
        }
    );
    assert!(err.to_string().contains("H200, RTX5090"), "{err}");
    let got = offers(
        "u.csv",
        &rows,
        &table(),
        &OfferOptions::default()
            .offer(Offer::OnDemand)
            .reference_count(8.0)
            .bad_rows(BadRows::Skip),
    )
    .unwrap();
    let lines: Vec<u64> = got.skipped.iter().map(|s| s.line).collect();
    assert_eq!(lines, vec![2, 4, 5]);
    assert_eq!(got.offers[0].line, 3);
}

#[test]
fn malformed_rows_and_bad_numbers_are_typed_errors() {
    let text = file(&["1x-A100,A100,one,32,64.0,{},1.20,0.00,\"Germany, DE, EU\""]);
    let err = read_catalog("m.csv", &text).unwrap_err().data();
    assert!(matches!(err, DataError::Csv { line: 2, .. }), "{err}");
    let rows = read_catalog("m.csv", &file(&[])).unwrap();
    for bad in [0.0, -8.0, f64::NAN] {
        let err = offers(
            "m.csv",
            &rows,
            &table(),
            &OfferOptions::default()
                .offer(Offer::OnDemand)
                .reference_count(bad)
                .bad_rows(BadRows::Skip),
        );
        assert!(matches!(
            err,
            Err(geoshift::Error::Data(DataError::BadValue {
                field: "reference_count",
                ..
            }))
        ));
    }
    for (name, rel, w) in [("X", 0.0, 300.0), ("X", 1.0, f64::INFINITY)] {
        assert!(matches!(
            SpeedTable::given("t", [(name, rel, w)]),
            Err(geoshift::Error::Data(DataError::BadValue { .. }))
        ));
    }
    assert!(matches!(
        SpeedTable::given("t", [("X", 1.0, 1.0), ("X", 2.0, 1.0)]),
        Err(geoshift::Error::Data(DataError::DuplicateRow {
            line: 2,
            ..
        }))
    ));
}

/// The bundled table, recomputed here from the benchmark file's text: the
/// geometric mean of the nine model columns of a one-GPU row over that of
/// the reference row.
#[test]
fn bundled_speed_table_is_the_benchmark_ratio() {
    let text = include_str!("../data/catalog/lambda_pytorch_train_throughput_fp16.csv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let row = |gpu: &str| -> Vec<f64> {
        let l = lines
            .clone()
            .find(|l| l.starts_with(&format!("{gpu},1.0,")))
            .unwrap();
        l.split(',').skip(1).map(|v| v.parse().unwrap()).collect()
    };
    let models = [
        "ssd",
        "bert_base_squad",
        "bert_large_squad",
        "gnmt",
        "resnet50",
        "tacotron2",
        "transformerxlbase",
        "transformerxllarge",
        "waveglow",
    ];
    let gm = |v: &[f64]| {
        let logs: f64 = models
            .iter()
            .map(|m| v[header.iter().position(|h| h == m).unwrap() - 1].ln())
            .sum();
        (logs / models.len() as f64).exp()
    };
    let reference = gm(&row(REFERENCE_GPU));
    let t = SpeedTable::bundled(&Throughput::GeometricMean).unwrap();
    let h100 = &t.accelerators["H100"];
    assert!((h100.relative_throughput - gm(&row("H100 80GB SXM5")) / reference).abs() < 1e-12);
    assert_eq!(h100.board_power_w, 700.0);
    assert_eq!(t.accelerators["A100"].relative_throughput, 1.0);
    let resnet = SpeedTable::bundled(&Throughput::Model("resnet50".into())).unwrap();
    assert!((resnet.accelerators["RTX4090"].relative_throughput - 1301.0 / 1582.0).abs() < 1e-12);
    assert!(matches!(
        SpeedTable::bundled(&Throughput::Model("no_such_model".into())),
        Err(geoshift::Error::Data(DataError::UnknownCode {
            what: "column",
            ..
        }))
    ));
}

/// One shipped snapshot: its rows read back, every accelerator either in
/// the table or named, no Middle-East host (Israel, the Gulf).
#[test]
fn shipped_vast_snapshot() {
    let [snap, ..] = vast_snapshots();
    let rows = read_catalog(snap.file, snap.text).unwrap();
    assert_eq!(rows.len(), 61);
    assert_eq!(rows[0].instance_type, "1x-H100_SXM-32-65536");
    assert_eq!(rows[0].price_usd_per_hour, Some(1.80));
    assert_eq!(rows[0].region, "Czechia, CZ, EU");
    assert!(rows.iter().all(|r| r.spot_price_usd_per_hour == Some(0.0)));
    let t = SpeedTable::bundled(&Throughput::GeometricMean).unwrap();
    let err = offers(
        snap.file,
        &rows,
        &t,
        &OfferOptions::default()
            .offer(Offer::OnDemand)
            .reference_count(8.0)
            .bad_rows(BadRows::Refuse),
    )
    .unwrap_err()
    .data();
    let DataError::UnknownAccelerators { names, .. } = err else {
        panic!("{err}")
    };
    assert!(names.contains(&"H200".to_string()) && names.contains(&"RTX5090".to_string()));
    let got = offers(
        snap.file,
        &rows,
        &t,
        &OfferOptions::default()
            .offer(Offer::OnDemand)
            .reference_count(8.0)
            .bad_rows(BadRows::Skip),
    )
    .unwrap();
    assert_eq!(got.offers.len() + got.skipped.len(), rows.len());
    for r in &rows {
        let cc = country_code(&r.region).unwrap();
        assert!(
            !["IL", "SA", "AE", "QA", "BH", "KW", "OM"].contains(&cc),
            "{}",
            r.region
        );
    }
}

fn base() -> Scenario {
    Scenario::builder(geoshift::Horizon::new(
        "2023-06-19T00:00:00Z".parse().unwrap(),
        3600,
        2,
    ))
    .regions(vec![Region::new("home", 1.2, 50.0)])
    .build()
}

fn options(region: &str) -> MarketOptions {
    MarketOptions::default()
        .prefix("m")
        .servers_per_offer(1.0)
        .interruption_rate_per_hour(0.01)
        .pue(1.5)
        .carbon_year(2023)
        .link(HostLink {
            region: region.into(),
            to_host_usd_per_gb: 0.02,
            from_host_usd_per_gb: 0.03,
            bandwidth_gbps: 1.0,
        })
        .bad_rows(BadRows::Refuse)
}

#[test]
fn hosts_join_a_scenario_one_region_per_location() {
    let data = DataSet::bundled().unwrap();
    let text = file(&[
        "8x-A100,A100,8,32,64.0,{},5.87,0.00,\"Slovenia, SI, EU\"",
        "4x-A100,A100,4,32,64.0,{},2.93,0.00,\"Slovenia, SI, EU\"",
        "2x-RTX_4090,RTX4090,2,32,64.0,{},0.80,0.00,\"Texas, US, NA\"",
    ]);
    let rows = read_catalog("h.csv", &text).unwrap();
    let got = offers(
        "h.csv",
        &rows,
        &table(),
        &OfferOptions::default()
            .offer(Offer::OnDemand)
            .reference_count(8.0)
            .bad_rows(BadRows::Refuse),
    )
    .unwrap();
    let mut s = base();
    let skipped = add_marketplace(&mut s, &got, &options("home"), &data).unwrap();
    assert!(skipped.is_empty());
    assert_eq!(s.regions.len(), 3);
    assert_eq!(s.pools.len(), 3);
    assert_eq!(s.links.len(), 4);
    let si = host_region_id("m", "Slovenia, SI, EU");
    let region = s.regions.iter().find(|r| r.id == si).unwrap();
    assert_eq!(
        region.carbon_g_per_kwh,
        data.yearly_carbon_g_per_kwh("SI", 2023).unwrap().into()
    );
    assert_eq!(region.pue, 1.5);
    let pool = s.pools.iter().find(|p| p.id.ends_with("8x-a100")).unwrap();
    assert_eq!(pool.region, si);
    assert!(pool.rent_includes_energy);
    assert_eq!(pool.interruption_rate_per_hour, 0.01);
    let link = s
        .links
        .iter()
        .find(|l| l.from == si && l.to == "home")
        .unwrap();
    assert_eq!(link.egress_usd_per_gb, 0.03);
    geoshift::Problem::new(&s).unwrap();

    let err = add_marketplace(&mut base(), &got, &options("nowhere"), &data)
        .unwrap_err()
        .data();
    assert!(matches!(err, DataError::UnknownRegion { .. }), "{err}");
    let mut o = options("home");
    o.servers_per_offer = -1.0;
    assert!(matches!(
        add_marketplace(&mut base(), &got, &o, &data),
        Err(geoshift::Error::Data(DataError::BadValue {
            field: "servers_per_offer",
            ..
        }))
    ));
}

#[test]
fn a_host_without_a_carbon_figure_is_refused_or_skipped() {
    let data = DataSet::bundled().unwrap();
    // Russia has no yearly figure in the bundled carbon file.
    let text = file(&["2x-RTX_4090,RTX4090,2,32,64.0,{},0.80,0.00,\"St.-Petersburg, RU, EU\""]);
    let rows = read_catalog("r.csv", &text).unwrap();
    let got = offers(
        "r.csv",
        &rows,
        &table(),
        &OfferOptions::default()
            .offer(Offer::OnDemand)
            .reference_count(8.0)
            .bad_rows(BadRows::Refuse),
    )
    .unwrap();
    let err = add_marketplace(&mut base(), &got, &options("home"), &data)
        .unwrap_err()
        .data();
    assert!(
        matches!(err, DataError::BadCatalogRow { line: 2, .. }),
        "{err}"
    );
    let mut o = options("home");
    o.bad_rows = BadRows::Skip;
    let mut s = base();
    let skipped = add_marketplace(&mut s, &got, &o, &data).unwrap();
    assert_eq!(skipped.len(), 1);
    assert!(matches!(skipped[0].problem, RowProblem::NoCarbon { .. }));
    assert!(s.pools.is_empty() && s.regions.len() == 1);
}

proptest! {
    /// Every row is an offer or a skipped row, never both, never lost; an
    /// offer's numbers are its row's.
    #[test]
    fn every_row_is_accounted_for(
        rows in proptest::collection::vec(
            (0usize..3, 0u32..5, proptest::option::of(-1.0f64..10.0), 0usize..3),
            0..20,
        )
    ) {
        let names = ["A100", "RTX4090", "H200"];
        let lines: Vec<String> = rows
            .iter()
            .map(|(a, n, p, loc)| {
                format!(
                    "{n}x-{},{},{n},8,16,{{}},{},0,\"L{loc}, DE, EU\"",
                    names[*a],
                    names[*a],
                    p.map(|p| p.to_string()).unwrap_or_default()
                )
            })
            .collect();
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        let parsed = read_catalog("p.csv", &file(&refs)).unwrap();
        let got = offers("p.csv", &parsed, &table(), &OfferOptions::default().offer(Offer::OnDemand).reference_count(8.0).bad_rows(BadRows::Skip)).unwrap();
        prop_assert_eq!(got.offers.len() + got.skipped.len(), parsed.len());
        for o in &got.offers {
            let row = &parsed[(o.line - 2) as usize];
            prop_assert!(o.rent_usd_per_hour > 0.0);
            prop_assert_eq!(Some(o.rent_usd_per_hour), row.price_usd_per_hour);
            let rel = table().accelerators[&o.accelerator].relative_throughput;
            prop_assert!((o.speed - o.accelerator_count * rel / 8.0).abs() < 1e-12);
        }
        let refused = offers("p.csv", &parsed, &table(), &OfferOptions::default().offer(Offer::OnDemand).reference_count(8.0).bad_rows(BadRows::Refuse));
        prop_assert_eq!(refused.is_ok(), got.skipped.is_empty());
    }
}

/// A cloud's file (AWS and Azure list a row per availability zone): the
/// same instance in two zones is two offers, not a duplicate; in the same
/// zone it is a duplicate.
#[test]
fn availability_zones_key_the_offers() {
    let text = "InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,GpuInfo,Price,SpotPrice,Region,AvailabilityZone\n\
        p4d.24xlarge,A100,8,96,1152,{},32.7726,11.5,us-east-1,us-east-1a\n\
        p4d.24xlarge,A100,8,96,1152,{},32.7726,12.1,us-east-1,us-east-1b\n\
        p4d.24xlarge,A100,8,96,1152,{},32.7726,12.1,us-east-1,us-east-1b\n";
    let rows = read_catalog("aws.csv", text).unwrap();
    assert_eq!(rows[0].zone.as_deref(), Some("us-east-1a"));
    let got = offers(
        "aws.csv",
        &rows,
        &table(),
        &OfferOptions::default()
            .offer(Offer::Spot)
            .reference_count(8.0)
            .bad_rows(BadRows::Skip),
    )
    .unwrap();
    assert_eq!(got.offers.len(), 2);
    assert_eq!(got.offers[1].rent_usd_per_hour, 12.1);
    assert_eq!(
        got.skipped[0].problem,
        RowProblem::Duplicate { first_line: 3 }
    );
    // A cloud region is not a marketplace location: it names no country.
    assert_eq!(country_code("us-east-1"), None);
    assert_eq!(country_code(", US, NA"), Some("US"));
}

/// A catalog of many unknown accelerators is refused with all of them in
/// the error's `names`, but its message shows ten and counts the rest: a
/// message does not grow with the input.
#[test]
fn many_unknown_accelerators_keep_the_message_short() {
    let lines: Vec<String> = (0..500)
        .map(|i| format!("1x-X{i},GPU{i:03},1,32,64.0,{{}},1.00,0.00,\"Texas, US, NA\""))
        .collect();
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    let text = file(&lines);
    let rows = read_catalog("many.csv", &text).unwrap();
    let err = offers(
        "many.csv",
        &rows,
        &table(),
        &OfferOptions::default()
            .offer(Offer::OnDemand)
            .reference_count(8.0)
            .bad_rows(BadRows::Refuse),
    )
    .unwrap_err()
    .data();
    let DataError::UnknownAccelerators { names, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(names.len(), 500);
    let message = err.to_string();
    assert!(message.contains("GPU000, GPU001"), "{message}");
    assert!(message.ends_with(" and 490 more"), "{message}");
    assert!(message.len() < 300, "{} bytes: {message}", message.len());
}

/// `GpuInfo`'s total memory, in each provider's form: the Vast.ai file
/// (the total in `SizeInMiB` too), AWS (`SizeInMiB` per GPU), JSON quotes,
/// and GCP's (a name only: nothing).
#[test]
fn gpu_memory_is_the_total_of_gpu_info() {
    let vast = "{'Gpus': [{'Name': 'H100', 'Count': 2, 'MemoryInfo': {'SizeInMiB': 163118}}], 'TotalGpuMemoryInMiB': 163118}";
    assert_eq!(total_gpu_memory_mib(vast), Some(163118.0));
    let aws = "{'Gpus': [{'Name': 'A100', 'Manufacturer': 'NVIDIA', 'Count': 8, 'MemoryInfo': {'SizeInMiB': 40960}}], 'TotalGpuMemoryInMiB': 327680}";
    assert_eq!(total_gpu_memory_mib(aws), Some(327680.0));
    assert_eq!(
        total_gpu_memory_mib(r#"{"TotalGpuMemoryInMiB": 16384.0}"#),
        Some(16384.0)
    );
    assert_eq!(total_gpu_memory_mib("A100"), None);
    assert_eq!(total_gpu_memory_mib("{'TotalGpuMemoryInMiB': 0}"), None);
    assert_eq!(total_gpu_memory_mib("{'TotalGpuMemoryInMiB': x}"), None);

    // Per GPU = total / AcceleratorCount; a fraction of a GPU has no
    // whole GPU count; no GpuInfo, no memory.
    let text = format!(
        "InstanceType,AcceleratorName,AcceleratorCount,GpuInfo,Price,Region\n\
         p4d,A100,8,\"{aws}\",32.77,us-east-1\n\
         half,A100,0.5,\"{{'TotalGpuMemoryInMiB': 20480}}\",1.0,us-east-1\n\
         bare,RTX4090,2,,1.0,us-east-1\n"
    );
    let rows = read_catalog("hw.csv", &text).unwrap();
    let got = offers(
        "hw.csv",
        &rows,
        &table(),
        &OfferOptions::default()
            .offer(Offer::OnDemand)
            .reference_count(8.0)
            .bad_rows(BadRows::Refuse),
    )
    .unwrap();
    let hw: Vec<(Option<u32>, Option<f64>)> = got
        .offers
        .iter()
        .map(|o| (o.gpus_per_server, o.gpu_memory_gb))
        .collect();
    let gb = |mib: f64| Some(mib * 1_048_576.0 / 1e9);
    assert_eq!(
        hw,
        vec![(Some(8), gb(40960.0)), (None, gb(40960.0)), (Some(2), None)]
    );
}

/// The shipped snapshots' hardware: every offer states its GPUs and their
/// memory, one GPU's memory whatever the count (the 1× and 2× H100 SXM
/// hosts of a snapshot, 81,559 MiB each), an RTX 4090 24,564 MiB.
#[test]
fn shipped_offers_state_their_hardware() {
    let speeds = SpeedTable::bundled(&Throughput::GeometricMean).unwrap();
    let snap = &vast_snapshots()[0];
    let rows = read_catalog(snap.file, snap.text).unwrap();
    let got = offers(
        snap.file,
        &rows,
        &speeds,
        &OfferOptions::default()
            .offer(Offer::OnDemand)
            .reference_count(8.0)
            .bad_rows(BadRows::Skip),
    )
    .unwrap();
    assert!(got.offers.len() > 30);
    for o in &got.offers {
        assert_eq!(
            o.gpus_per_server.map(f64::from),
            Some(o.accelerator_count),
            "line {}",
            o.line
        );
        assert!(o.gpu_memory_gb.is_some(), "line {}", o.line);
    }
    let gb_of = |instance: &str| {
        got.offers
            .iter()
            .find(|o| o.instance_type == instance)
            .and_then(|o| o.gpu_memory_gb)
            .unwrap()
    };
    let h100 = 81559.0 * 1_048_576.0 / 1e9;
    assert!((gb_of("1x-H100_SXM-32-65536") - h100).abs() < 1e-9);
    assert!((gb_of("2x-H100_SXM-32-65536") - h100).abs() < 1e-9);
    assert!((gb_of("1x-RTX_4090-32-65536") - 24564.0 * 1_048_576.0 / 1e9).abs() < 1e-9);
}

/// Two locations whose ids would be the same (`New York` and `New-York`)
/// are two regions, the second with `-2`; each keeps its own pools.
#[test]
fn locations_of_the_same_slug_are_distinct_regions() {
    let data = DataSet::bundled().unwrap();
    let text = file(&[
        "1x-A100,A100,1,8,32,x,1.50,0.50,\"New York, US, NA\"",
        "1x-A100,A100,1,8,32,x,1.60,0.50,\"New-York, US, NA\"",
        "2x-A100,A100,2,8,32,x,3.00,0.50,\"New York, US, NA\"",
    ]);
    let rows = read_catalog("ny.csv", &text).unwrap();
    let got = offers(
        "ny.csv",
        &rows,
        &table(),
        &OfferOptions::default()
            .offer(Offer::OnDemand)
            .reference_count(8.0)
            .bad_rows(BadRows::Refuse),
    )
    .unwrap();
    let mut s = base();
    add_marketplace(&mut s, &got, &options("home"), &data).unwrap();
    let regions: Vec<&str> = s.regions.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(regions, ["home", "m-new-york-us-na", "m-new-york-us-na-2"]);
    let pools: Vec<(&str, &str)> = s
        .pools
        .iter()
        .map(|p| (p.id.as_str(), p.region.as_str()))
        .collect();
    assert_eq!(
        pools,
        [
            ("m-new-york-us-na-1x-a100", "m-new-york-us-na"),
            ("m-new-york-us-na-2-1x-a100", "m-new-york-us-na-2"),
            ("m-new-york-us-na-2x-a100", "m-new-york-us-na"),
        ]
    );
    geoshift::Problem::new(&s).unwrap();
}

/// A CRLF file (as SkyPilot writes them) gives each row its own line.
#[test]
fn crlf_rows_keep_their_lines() {
    let text = file(&[
        "1x-A100,A100,1,8,32,x,1.50,0.50,\"Texas, US, NA\"",
        "2x-A100,A100,2,8,32,x,3.00,0.50,\"Texas, US, NA\"",
    ])
    .replace('\n', "\r\n");
    let rows = read_catalog("crlf.csv", &text).unwrap();
    assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 3]);
    let bad = text.replace("3.00", "x");
    match read_catalog("crlf.csv", &bad) {
        Err(geoshift::Error::Data(DataError::Csv { line, message, .. })) => {
            assert_eq!(line, 3);
            assert!(message.contains("column Price"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

/// Each host pool carries the hardware of its catalog row (issue 23, item
/// 1): `accelerator` is the row's `AcceleratorName`, `gpus_per_server` its
/// `AcceleratorCount`, `gpu_memory_gb` one GPU's memory from `GpuInfo`;
/// a row without `GpuInfo`'s total states no memory.
#[test]
fn hosts_carry_their_hardware() {
    let data = DataSet::bundled().unwrap();
    let text = file(&[
        "2x-A100,A100,2,8,32,\"{'Gpus': [{'Name': 'A100', 'Count': 2, 'MemoryInfo': {'SizeInMiB': 81920}}], 'TotalGpuMemoryInMiB': 81920}\",3.00,0.50,\"Texas, US, NA\"",
        "1x-RTX_4090,RTX4090,1,8,32,x,0.40,0.00,\"Texas, US, NA\"",
    ]);
    let rows = read_catalog("hw.csv", &text).unwrap();
    let got = offers(
        "hw.csv",
        &rows,
        &table(),
        &OfferOptions::default()
            .offer(Offer::OnDemand)
            .reference_count(8.0)
            .bad_rows(BadRows::Refuse),
    )
    .unwrap();
    let mut s = base();
    add_marketplace(&mut s, &got, &options("home"), &data).unwrap();
    let a100 = &s.pools[0];
    assert_eq!(a100.accelerator.as_deref(), Some("A100"));
    assert_eq!(a100.gpus_per_server, Some(2));
    assert_eq!(a100.gpu_memory_gb, Some(40960.0 * 1_048_576.0 / 1e9));
    let rtx = &s.pools[1];
    assert_eq!(rtx.accelerator.as_deref(), Some("RTX4090"));
    assert_eq!(rtx.gpus_per_server, Some(1));
    assert_eq!(rtx.gpu_memory_gb, None);
    // The model accepts them, and they survive the file.
    geoshift::Problem::new(&s).unwrap();
    let back = Scenario::from_json(&s.to_json()).unwrap();
    assert_eq!(back.pools[0].gpus_per_server, Some(2));
    assert_eq!(back.pools[0].accelerator.as_deref(), Some("A100"));
}
