//! The horizon: at least one slot of positive length, and a scenario small
//! enough to hold (checked before anything is allocated). Also the one
//! scenario-wide number, the carbon price.

use super::series::{self, Rule};
use super::{MAX_CELLS, MAX_JOB_REGIONS, MAX_SLOTS};
use crate::scenario::error::{Entity, InputError};
use crate::scenario::Scenario;

/// Checks the horizon's slots and slot length, and that the per-slot
/// tables of pools and regions, and the (job, region) pairs, fit the size
/// limits.
pub(super) fn size(scenario: &Scenario) -> Result<(), InputError> {
    let h = &scenario.horizon;
    if h.slots == 0 {
        return Err(InputError::EmptyHorizon {
            field: "slots",
            value: 0,
        });
    }
    if h.slots > MAX_SLOTS {
        return Err(InputError::TooLarge {
            what: "horizon.slots",
            value: h.slots,
            max: MAX_SLOTS,
        });
    }
    let cells = (scenario.pools.len() + scenario.regions.len()).saturating_mul(h.slots);
    if cells > MAX_CELLS {
        return Err(InputError::TooLarge {
            what: "(pools + regions) × slots",
            value: cells,
            max: MAX_CELLS,
        });
    }
    let pairs = scenario.jobs.iter().fold(0usize, |n, j| {
        n.saturating_add(j.regions.as_ref().map_or(scenario.regions.len(), Vec::len))
    });
    if pairs > MAX_JOB_REGIONS {
        return Err(InputError::TooLarge {
            what: "jobs × allowed regions",
            value: pairs,
            max: MAX_JOB_REGIONS,
        });
    }
    if h.slot_seconds == 0 {
        return Err(InputError::EmptyHorizon {
            field: "slot_seconds",
            value: 0,
        });
    }
    // Every slot's start is then an instant: `Problem::slot_start` need
    // not clamp.
    if h.slot_start(h.slots).is_none() {
        return Err(InputError::OutOfRange {
            entity: Entity::Horizon,
            id: String::new(),
            field: "slot_seconds".into(),
            value: h.slot_seconds as f64,
            rule: "small enough that the horizon ends by the year 262142",
        });
    }
    Ok(())
}

/// The carbon price `pi` in $/tCO2e (>= 0).
pub(super) fn carbon_price(scenario: &Scenario) -> Result<f64, InputError> {
    series::check(
        Entity::Scenario,
        "",
        "carbon_price_usd_per_t",
        scenario.carbon_price_usd_per_t,
        Rule::NonNegative,
    )?;
    Ok(scenario.carbon_price_usd_per_t)
}
