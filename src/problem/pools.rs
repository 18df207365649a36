//! Pools and the cost of a cell: servers per slot, rent, power and speed,
//! and MODEL.md's `c[k,t]`, computed here and nowhere else.

use super::regions::RegionIndex;
use super::series::{check, series, Rule};
use super::{CellCost, PoolInfo, RegionInfo};
use crate::error::{Entity, InputError};
use crate::scenario::Pool;
use crate::time::Horizon;
use std::collections::HashSet;

/// Checks every pool, attaches it to its region, and prices a server-hour
/// on it in every slot (`pi` is the carbon price in $/tCO2e).
pub(super) fn build(
    h: &Horizon,
    pi: f64,
    given: &[Pool],
    regions: &mut [RegionInfo],
    index: &RegionIndex<'_>,
) -> Result<Vec<PoolInfo>, InputError> {
    let hours = h.slot_hours();
    let mut ids: HashSet<&str> = HashSet::new();
    let mut pools = Vec::with_capacity(given.len());
    for (k, p) in given.iter().enumerate() {
        if !ids.insert(p.id.as_str()) {
            return Err(InputError::DuplicateId {
                entity: Entity::Pool,
                id: p.id.clone(),
            });
        }
        let r = index.find(Entity::Pool, &p.id, "region", &p.region)?;
        let servers = series(
            h,
            Entity::Pool,
            &p.id,
            "servers",
            &p.servers,
            Rule::NonNegative,
        )?;
        check(
            Entity::Pool,
            &p.id,
            "rent_usd_per_hour",
            p.rent_usd_per_hour,
            Rule::NonNegative,
        )?;
        check(
            Entity::Pool,
            &p.id,
            "power_kw",
            p.power_kw,
            Rule::NonNegative,
        )?;
        check(Entity::Pool, &p.id, "speed", p.speed, Rule::Positive)?;
        let region = &mut regions[r];
        region.pools.push(k);
        let cost = cell_costs(p, region, pi);
        let capacity_server_hours: Vec<f64> = servers.iter().map(|n| n * hours).collect();
        let overflow = |what: String| InputError::Overflow {
            entity: Entity::Pool,
            id: p.id.clone(),
            what,
        };
        let finite = |c: &CellCost| {
            c.total_usd().is_finite() && c.energy_mwh.is_finite() && c.emissions_t.is_finite()
        };
        if let Some(t) = cost.iter().position(|c| !finite(c)) {
            return Err(overflow(format!("the cost of a server-hour in slot {t}")));
        }
        if let Some(t) = capacity_server_hours.iter().position(|c| !c.is_finite()) {
            return Err(overflow(format!("the server-hours available in slot {t}")));
        }
        pools.push(PoolInfo {
            id: p.id.clone(),
            region: r,
            capacity_server_hours,
            speed: p.speed,
            meter_kwh_per_server_hour: p.power_kw * region.pue,
            cost,
        });
    }
    Ok(pools)
}

/// `c[k,t]` for every slot:
/// `rho_k + w_k · pue_r · ([not e_k] · p[r,t] / 1000 + pi · g[r,t] / 1e6)`,
/// split into rent, energy and carbon, with the energy at the meter and the
/// emissions beside it.
fn cell_costs(p: &Pool, region: &RegionInfo, pi: f64) -> Vec<CellCost> {
    let meter_kw = p.power_kw * region.pue;
    region
        .price_usd_per_mwh
        .iter()
        .zip(&region.carbon_g_per_kwh)
        .map(|(&price, &carbon)| CellCost {
            rent_usd: p.rent_usd_per_hour,
            energy_usd: if p.rent_includes_energy {
                0.0
            } else {
                meter_kw * price / 1000.0
            },
            carbon_usd: meter_kw * pi * carbon / 1e6,
            energy_mwh: meter_kw / 1000.0,
            emissions_t: meter_kw * carbon / 1e6,
        })
        .collect()
}
