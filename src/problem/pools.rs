//! Pools and the cost of a cell: servers per slot, rent, power and speed,
//! and the model's `c[k,t]`, computed here and nowhere else.

use super::regions::RegionIndex;
use super::series::{check, check_id, check_name, series, Rule};
use super::{CellCost, PoolInfo, RegionInfo, MAX_USD_PER_SERVER_HOUR};
use crate::scenario::error::{Entity, InputError};
use crate::scenario::Pool;
use crate::text::{cut, num};
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
        check_id(Entity::Pool, &p.id)?;
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
        check(Entity::Pool, &p.id, "speed", p.speed, Rule::Speed)?;
        check(
            Entity::Pool,
            &p.id,
            "interruption_rate_per_hour",
            p.interruption_rate_per_hour,
            Rule::NonNegative,
        )?;
        if let Some(gpus) = p.gpus_per_server {
            check(
                Entity::Pool,
                &p.id,
                "gpus_per_server",
                f64::from(gpus),
                Rule::AtLeastOne,
            )?;
        }
        if let Some(gb) = p.gpu_memory_gb {
            check(Entity::Pool, &p.id, "gpu_memory_gb", gb, Rule::Positive)?;
        }
        if let Some(name) = &p.accelerator {
            check_name(Entity::Pool, &p.id, "accelerator", name)?;
        }
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
            return Err(blame_cost(p, region, pi, t));
        }
        if let Some(t) = cost
            .iter()
            .position(|c| c.total_usd().abs() > MAX_USD_PER_SERVER_HOUR)
        {
            let (entity, id, field, value) =
                culprit(p, region, pi, t, |x| x.abs() > MAX_USD_PER_SERVER_HOUR);
            return Err(InputError::CostOutOfRange {
                entity,
                id: id.to_string(),
                field,
                value,
                pool: p.id.clone(),
                slot: t,
                cost_usd: cost[t].total_usd(),
                max_usd: MAX_USD_PER_SERVER_HOUR,
            });
        }
        if let Some(t) = capacity_server_hours.iter().position(|c| !c.is_finite()) {
            return Err(overflow(format!("the server-hours available in slot {t}")));
        }
        pools.push(PoolInfo {
            id: p.id.clone(),
            region: r,
            capacity_server_hours,
            speed: p.speed,
            interruption_rate_per_hour: p.interruption_rate_per_hour,
            meter_kwh_per_server_hour: p.power_kw * region.pue,
            cost,
            accelerator: p.accelerator.clone(),
            gpus_per_server: p.gpus_per_server,
            gpu_memory_gb: p.gpu_memory_gb,
        });
    }
    Ok(pools)
}

/// The error for a cost of a server-hour that overflows in slot `t`: it
/// names the input that made it overflow, the largest factor of the term
/// that is not finite (a region's price of 1.7e308 is the region's fault,
/// not the pool's), with the pool and slot beside it.
fn blame_cost(p: &Pool, region: &RegionInfo, pi: f64, t: usize) -> InputError {
    let (entity, id, field, value) = culprit(p, region, pi, t, |x| !x.is_finite());
    let on_pool = if entity == Entity::Pool {
        String::new()
    } else {
        format!(" on pool '{}'", cut(&p.id))
    };
    InputError::Overflow {
        entity,
        id: id.to_string(),
        what: format!(
            "{field} = {}: the cost of a server-hour{on_pool} in slot {t}",
            num(value)
        ),
    }
}

/// The input (entity, id, field, value) most to blame for the cost of a
/// server-hour on `p` in slot `t` being `bad`: the largest factor of the
/// first term that is bad, or of the largest term where each is fine and
/// only their sum is not.
fn culprit<'a>(
    p: &'a Pool,
    region: &'a RegionInfo,
    pi: f64,
    t: usize,
    bad: impl Fn(f64) -> bool,
) -> (Entity, &'a str, &'static str, f64) {
    let (price, carbon) = (region.price_usd_per_mwh[t], region.carbon_g_per_kwh[t]);
    let meter_kw = p.power_kw * region.pue;
    let energy_usd = if p.rent_includes_energy {
        0.0
    } else {
        meter_kw * price / 1000.0
    };
    let emissions_t = meter_kw * carbon / 1e6;
    let carbon_usd = meter_kw * pi * carbon / 1e6;
    type Suspect<'a> = (Entity, &'a str, &'static str, f64);
    let power: Suspect = (Entity::Pool, &p.id, "power_kw", p.power_kw);
    let pue: Suspect = (Entity::Region, &region.id, "pue", region.pue);
    let price: Suspect = (Entity::Region, &region.id, "price_usd_per_mwh", price);
    let grid: Suspect = (Entity::Region, &region.id, "carbon_g_per_kwh", carbon);
    let carbon_price: Suspect = (Entity::Scenario, "", "carbon_price_usd_per_t", pi);
    let rent: Suspect = (
        Entity::Pool,
        &p.id,
        "rent_usd_per_hour",
        p.rent_usd_per_hour,
    );
    // The inputs of the first term that is bad; the pool first, so that
    // it keeps the blame on a tie.
    let suspects = if bad(p.rent_usd_per_hour) {
        vec![rent]
    } else if bad(meter_kw) {
        vec![power, pue]
    } else if bad(energy_usd) {
        vec![power, pue, price]
    } else if bad(emissions_t) || bad(carbon_usd) {
        vec![power, pue, grid, carbon_price]
    } else {
        // Each term is fine and their sum is not: blame the largest term.
        let terms = [
            (p.rent_usd_per_hour, rent),
            (energy_usd.abs(), price),
            (carbon_usd.abs(), grid),
        ];
        let mut worst = terms[0];
        for term in &terms[1..] {
            if term.0 > worst.0 {
                worst = *term;
            }
        }
        vec![worst.1]
    };
    let mut worst = suspects[0];
    for s in &suspects[1..] {
        if s.3.abs() > worst.3.abs() {
            worst = *s;
        }
    }
    worst
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
