//! Regions: unique ids, PUE >= 1, an energy price and a carbon intensity
//! per slot, and an optional power cap at the meter.

use super::series::{check, check_id, series, Rule};
use super::RegionInfo;
use crate::scenario::error::{Entity, InputError};
use crate::scenario::Region;
use crate::time::Horizon;
use std::collections::HashMap;

/// Region ids to their index, for the fields that name a region.
pub(super) struct RegionIndex<'a>(HashMap<&'a str, usize>);

impl RegionIndex<'_> {
    /// The index of region `value`, named by `field` of `entity` `id`.
    pub(super) fn find(
        &self,
        entity: Entity,
        id: &str,
        field: &'static str,
        value: &str,
    ) -> Result<usize, InputError> {
        self.0
            .get(value)
            .copied()
            .ok_or_else(|| InputError::UnknownRegion {
                entity,
                id: id.to_string(),
                field,
                value: value.to_string(),
            })
    }
}

/// Checks every region and resamples its series; pools are attached later.
pub(super) fn build<'a>(
    h: &Horizon,
    given: &'a [Region],
) -> Result<(Vec<RegionInfo>, RegionIndex<'a>), InputError> {
    let hours = h.slot_hours();
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut regions = Vec::with_capacity(given.len());
    for (i, r) in given.iter().enumerate() {
        check_id(Entity::Region, &r.id)?;
        if index.insert(r.id.as_str(), i).is_some() {
            return Err(InputError::DuplicateId {
                entity: Entity::Region,
                id: r.id.clone(),
            });
        }
        check(Entity::Region, &r.id, "pue", r.pue, Rule::AtLeastOne)?;
        let price = series(
            h,
            Entity::Region,
            &r.id,
            "price_usd_per_mwh",
            &r.price_usd_per_mwh,
            Rule::Finite,
        )?;
        let carbon = series(
            h,
            Entity::Region,
            &r.id,
            "carbon_g_per_kwh",
            &r.carbon_g_per_kwh,
            Rule::NonNegative,
        )?;
        if let Some(cap) = r.power_cap_kw {
            check(
                Entity::Region,
                &r.id,
                "power_cap_kw",
                cap,
                Rule::NonNegative,
            )?;
        }
        regions.push(RegionInfo {
            id: r.id.clone(),
            pue: r.pue,
            price_usd_per_mwh: price,
            carbon_g_per_kwh: carbon,
            power_cap_kwh_per_slot: r.power_cap_kw.map(|c| c * hours),
            pools: Vec::new(),
        });
    }
    Ok((regions, RegionIndex(index)))
}
