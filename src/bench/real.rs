//! The real-data families: shipped scenarios of `scenarios/` moved to the
//! other weeks the bundled data cover (2023-06-19 to 2023-07-16). The
//! fleet, links and jobs stay as shipped; the hourly prices and carbon of
//! the regions that read them from the data are read again for the new
//! week, by the same `DataSet` functions the builder uses, and every
//! instant moves by whole weeks, so weekdays stay weekdays.

use super::error::BenchError;
use super::family::Family;
use crate::data::{CarbonBasis, DataSet, Period};
use crate::scenario::Scenario;
use crate::time::Series;
use chrono::Duration;
use std::sync::{Arc, OnceLock};

/// Where a region of a shipped scenario reads its hourly series: the
/// market of its prices and the zone of its (life-cycle) carbon, if hourly.
/// Taken from the builder calls in `examples/shipped/mod.rs`;
/// `tests/bench.rs` checks that week 0 rebuilds the shipped file exactly.
struct Hourly {
    region: &'static str,
    market: Option<&'static str>,
    carbon_zone: Option<&'static str>,
}

const fn hourly(
    region: &'static str,
    market: Option<&'static str>,
    carbon_zone: Option<&'static str>,
) -> Hourly {
    Hourly {
        region,
        market,
        carbon_zone,
    }
}

/// One shipped scenario and the week offsets the data allow, seed 1 first.
struct Shipped {
    family: &'static str,
    about: &'static str,
    json: &'static str,
    regions: &'static [Hourly],
    weeks: &'static [i64],
}

const SHIPPED: [Shipped; 2] = [
    Shipped {
        family: "real-ny-vs-gulf",
        about: "scenarios/ny-vs-gulf.json (a New York fleet, GCP in \
                South Carolina, Tel Aviv and Dammam, five Whole fine-tunes) \
                in each of the four weeks of the data: NYISO prices and \
                carbon change, cloud list prices do not. Hard for \
                heuristics that stay home (the owned fleet is small) and for \
                those that move by mean price (egress and Whole jobs).",
        json: include_str!("../../scenarios/ny-vs-gulf.json"),
        regions: &[hourly("ny", Some("US-NY-NYIS"), Some("US-NY-NYIS"))],
        weeks: &[0, 1, 2, 3],
    },
    Shipped {
        family: "real-cheap-hours",
        about: "scenarios/follow-the-cheap-hours.json (five owned H100 \
                sites priced by PJM, CAISO, ERCOT, DE-LU and France) over \
                Friday to Sunday of each of the four weeks of the data: the \
                hourly market prices and carbon change. Hard for heuristics \
                that ignore the hours (Local, EDF) and for those that ignore \
                egress.",
        json: include_str!("../../scenarios/follow-the-cheap-hours.json"),
        regions: &[
            hourly("virginia", Some("US-MIDA-PJM"), Some("US-MIDA-PJM")),
            hourly("california", Some("US-CAL-CISO"), Some("US-CAL-CISO")),
            hourly("texas", Some("US-TEX-ERCO"), Some("US-TEX-ERCO")),
            hourly("frankfurt", Some("DE-LU"), Some("DE")),
            hourly("paris", Some("FR"), None),
        ],
        weeks: &[0, 1, 2, -1],
    },
];

/// The bundled data, parsed once per process.
fn bundled() -> Result<&'static DataSet, BenchError> {
    static DATA: OnceLock<Result<DataSet, String>> = OnceLock::new();
    DATA.get_or_init(|| DataSet::bundled().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| BenchError::Data {
            family: "real data".into(),
            seed: 0,
            message: e.clone(),
        })
}

/// The real-data families.
pub(super) fn families() -> Vec<Family> {
    SHIPPED
        .iter()
        .map(|s| {
            let shipped: &'static Shipped = s;
            let base: Arc<OnceLock<Result<Scenario, String>>> = Arc::new(OnceLock::new());
            let weeks = shipped
                .weeks
                .iter()
                .map(|w| format!("{w:+}"))
                .collect::<Vec<_>>()
                .join(", ");
            let params = vec![
                (
                    "scenario".to_string(),
                    shipped.family.trim_start_matches("real-").to_string(),
                ),
                ("weeks (seed 1, 2, ...)".to_string(), weeks),
            ];
            Family::new(shipped.family, shipped.about, params, move |seed| {
                let base = base
                    .get_or_init(|| Scenario::from_json(shipped.json).map_err(|e| e.to_string()))
                    .as_ref()
                    .map_err(|e| BenchError::Data {
                        family: shipped.family.into(),
                        seed,
                        message: format!("the shipped scenario does not parse: {e}"),
                    })?;
                let week = usize::try_from(seed - 1)
                    .ok()
                    .and_then(|i| shipped.weeks.get(i))
                    .copied()
                    .ok_or(BenchError::NoSuchSeed {
                        family: shipped.family.into(),
                        seed,
                        max_seeds: Some(shipped.weeks.len() as u64),
                    })?;
                shift(base, shipped, week).map_err(|message| {
                    BenchError::Data {
                        family: shipped.family.into(),
                        seed,
                        message,
                    }
                    .into()
                })
            })
            .max_seeds(shipped.weeks.len() as u64)
        })
        .collect()
}

/// `base` moved by `weeks` weeks, its hourly series read again.
fn shift(base: &Scenario, shipped: &Shipped, weeks: i64) -> Result<Scenario, String> {
    let data = bundled().map_err(|e| e.to_string())?;
    let by = Duration::weeks(weeks);
    let mut sc = base.clone();
    sc.horizon.start += by;
    let period = Period::new(sc.horizon.start, sc.horizon.slots).map_err(|e| e.to_string())?;
    for job in &mut sc.jobs {
        job.deadline += by;
        if let Some(r) = &mut job.release {
            *r += by;
        }
    }
    for h in shipped.regions {
        let region = sc
            .regions
            .iter_mut()
            .find(|r| r.id == h.region)
            .ok_or_else(|| format!("the shipped scenario has no region `{}`", h.region))?;
        if let Some(market) = h.market {
            region.price_usd_per_mwh = Series::PerSlot(
                data.hourly_price_usd_per_mwh(market, &period)
                    .map_err(|e| e.to_string())?,
            );
        }
        if let Some(zone) = h.carbon_zone {
            region.carbon_g_per_kwh = Series::PerSlot(
                data.hourly_carbon_g_per_kwh(zone, CarbonBasis::Lifecycle, &period)
                    .map_err(|e| e.to_string())?,
            );
        }
    }
    Ok(sc)
}
