//! Links and reachability: which regions a job's data can reach from its
//! origin (and come back from, when it has output), how long the input
//! takes to arrive, and what the move costs in egress.

use super::regions::RegionIndex;
use super::series::{check, Rule};
use super::RegionInfo;
use crate::problem::closed::ClosedBy;
use crate::scenario::error::{Entity, InputError};
use crate::scenario::Link;
use std::collections::HashMap;

/// The links by `(from, to)` region index: `(bandwidth in Gbit/s, egress
/// in $/GB)`.
pub(super) struct Links(HashMap<(usize, usize), (f64, f64)>);

/// Checks every link: known, distinct regions, bandwidth > 0, egress >= 0,
/// at most one link per direction.
pub(super) fn build(given: &[Link], index: &RegionIndex<'_>) -> Result<Links, InputError> {
    let mut links: HashMap<(usize, usize), (f64, f64)> = HashMap::new();
    for l in given {
        let name = format!("{}->{}", l.from, l.to);
        let a = index.find(Entity::Link, &name, "from", &l.from)?;
        let b = index.find(Entity::Link, &name, "to", &l.to)?;
        if a == b {
            return Err(InputError::BadReference {
                entity: Entity::Link,
                id: name,
                field: "to",
                problem: format!("= '{}' is the link's own source region", l.to),
            });
        }
        check(
            Entity::Link,
            &name,
            "bandwidth_gbps",
            l.bandwidth_gbps,
            Rule::Positive,
        )?;
        check(
            Entity::Link,
            &name,
            "egress_usd_per_gb",
            l.egress_usd_per_gb,
            Rule::NonNegative,
        )?;
        if links
            .insert((a, b), (l.bandwidth_gbps, l.egress_usd_per_gb))
            .is_some()
        {
            return Err(InputError::DuplicateId {
                entity: Entity::Link,
                id: name,
            });
        }
    }
    Ok(Links(links))
}

impl Links {
    /// Transfer time (s) and egress ($) for a job whose data lives in `o`
    /// to run in `r`: nothing at the origin; elsewhere it needs a link
    /// `o -> r`, and `r -> o` when there is output.
    pub(super) fn route(
        &self,
        regions: &[RegionInfo],
        o: usize,
        r: usize,
        input_gb: f64,
        output_gb: f64,
        min_link_gbps: Option<f64>,
    ) -> Result<(f64, f64), ClosedBy> {
        if r == o {
            return Ok((0.0, 0.0));
        }
        let missing = |a: usize, b: usize| ClosedBy::Unreachable {
            from: regions[a].id.clone(),
            to: regions[b].id.clone(),
        };
        // The job's link floor: every link it needs at least that fast.
        let floor = |a: usize, b: usize, gbps: f64| match min_link_gbps {
            Some(min) if gbps < min => Err(ClosedBy::LinkBelowFloor {
                from: regions[a].id.clone(),
                to: regions[b].id.clone(),
                bandwidth_gbps: gbps,
                min_link_gbps: min,
            }),
            _ => Ok(()),
        };
        let &(bandwidth_gbps, out_price) = self.0.get(&(o, r)).ok_or_else(|| missing(o, r))?;
        floor(o, r, bandwidth_gbps)?;
        let back_price = if output_gb > 0.0 {
            let &(back_gbps, price) = self.0.get(&(r, o)).ok_or_else(|| missing(r, o))?;
            floor(r, o, back_gbps)?;
            price
        } else {
            0.0
        };
        let transfer_seconds = input_gb * 8.0 / bandwidth_gbps;
        Ok((
            transfer_seconds,
            input_gb * out_price + output_gb * back_price,
        ))
    }
}
