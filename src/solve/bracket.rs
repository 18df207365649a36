//! A point between two solved neighbours: their proofs interpolated.
//!
//! When two models have the same rows, bounds and columns and differ only
//! in their costs, and a third model's costs are a mix of theirs,
//! `c = t·a + (1 − t)·b` with `0 <= t <= 1` (a sweep of the carbon price:
//! every cell's cost is affine in the price), then every plan costs
//! `t·a(x) + (1 − t)·b(x)` in the third model, so its optimum is at least
//! `t·z_a + (1 − t)·z_b`: the least of a mix is at least the mix of the
//! leasts. Any proven lower bound of the two ends (the whole model's, or
//! that of the plans with one Whole job in one option) gives one of the
//! point between them, with no solver call. On a carbon-price sweep of
//! the marketplace week the mixed bound is 3e-6 under the optimum halfway
//! across $50/t, 9e-5 halfway across $200/t.
//!
//! Round-off is counted: the costs need not mix exactly, and the bound
//! is lowered by `Σ upper_i · |c_i − t·a_i − (1 − t)·b_i|`, the most a
//! plan's cost can differ from the mix. Models whose rows differ (a hash
//! of everything but the costs) or whose costs are no mix give no bound.
//!
//! Reads only the model ([`super::lp`]); no solver is called.

use super::lp::{Col, Lp, Proven};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// The proof of a solve of `lp` ([`Proven`]): its bound, its floors per
/// option, the prices it priced and its plan.
pub(crate) fn proven(
    lp: &Lp,
    (bound, floors, prices): (f64, Vec<f64>, Vec<Vec<f64>>),
    point: Arc<[(Col, f64)]>,
) -> Proven {
    Proven {
        rows: rows_hash(lp),
        costs: lp.cost.as_slice().into(),
        bound,
        floors: floors.into(),
        prices: prices.into(),
        point,
    }
}

/// The bounds two neighbours give a model between them.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Chord {
    /// A proven lower bound on the model's least objective.
    pub(crate) bound: f64,
    /// Per option: a proven lower bound on every plan that takes it
    /// (`-inf` where either neighbour had none).
    pub(crate) floors: Vec<f64>,
    /// The neighbours' prices mixed alike, set by set (any prices give a
    /// proven bound; mixed, they are near this point's own).
    pub(crate) prices: Vec<Vec<f64>>,
}

/// Largest share of the bound that round-off in the mix may take before
/// the costs are taken for no mix at all (another field changed).
const MAX_ROUND_OFF: f64 = 1e-9;

/// The bounds `a` and `b` give `lp`, if `lp` has their rows and its costs
/// are a mix of theirs (see the module's text).
pub(crate) fn chord(lp: &Lp, a: &Proven, b: &Proven) -> Option<Chord> {
    let n = lp.columns();
    if a.costs.len() != n || b.costs.len() != n || a.floors.len() != b.floors.len() {
        return None;
    }
    if !a.bound.is_finite() || !b.bound.is_finite() {
        return None;
    }
    let rows = rows_hash(lp);
    if a.rows != rows || b.rows != rows {
        return None;
    }
    // The weight of `a` that fits the costs best (least squares).
    let (mut num, mut den) = (0.0, 0.0);
    for ((&c, &ca), &cb) in lp.cost.iter().zip(a.costs.iter()).zip(b.costs.iter()) {
        let d = ca - cb;
        num += (c - cb) * d;
        den += d * d;
    }
    let t = if den > 0.0 { num / den } else { 1.0 };
    if !(0.0..=1.0).contains(&t) {
        return None;
    }
    // The most any plan's cost can differ from the mix of its costs.
    let mut slack = 0.0;
    for i in 0..n {
        // `b + t·(a − b)`: exact where the two costs are one.
        let off = (lp.cost[i] - (b.costs[i] + t * (a.costs[i] - b.costs[i]))).abs();
        if off > 0.0 {
            if !lp.upper[i].is_finite() {
                return None;
            }
            slack += off * lp.upper[i];
        }
    }
    let bound = t * a.bound + (1.0 - t) * b.bound;
    if slack.is_nan() || slack > MAX_ROUND_OFF * bound.abs().max(1.0) {
        return None;
    }
    let floors = a
        .floors
        .iter()
        .zip(b.floors.iter())
        .map(|(&fa, &fb)| {
            if fa == f64::INFINITY || fb == f64::INFINITY {
                // No plan takes the option (its rows are the same at
                // every point).
                f64::INFINITY
            } else if fa.is_finite() && fb.is_finite() {
                t * fa + (1.0 - t) * fb - slack
            } else {
                f64::NEG_INFINITY
            }
        })
        .collect();
    let prices = a
        .prices
        .iter()
        .zip(b.prices.iter())
        .filter(|(ya, yb)| ya.len() == yb.len())
        .map(|(ya, yb)| {
            ya.iter()
                .zip(yb)
                .map(|(&u, &v)| t * u + (1.0 - t) * v)
                .collect()
        })
        .collect();
    Some(Chord {
        bound: bound - slack,
        floors,
        prices,
    })
}

/// A hash of `lp` but its costs: columns, bounds, entries, rows, senses,
/// right-hand sides, objective and limit. Two models with one hash have
/// the same plans (a 64-bit hash: a false match is about 1 in 1.8e19).
pub(crate) fn rows_hash(lp: &Lp) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    lp.col.hash(&mut h);
    for v in lp.upper.iter().chain(&lp.entry_val).chain(&lp.rhs) {
        v.to_bits().hash(&mut h);
    }
    lp.start.hash(&mut h);
    lp.entry_row.hash(&mut h);
    lp.row.hash(&mut h);
    lp.sense.hash(&mut h);
    lp.objective.hash(&mut h);
    format!("{:?}", lp.limit).hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::Problem;
    use crate::solve::lp::{build_with, Objective};
    use crate::synth::{generate, Params};

    fn model(price: f64, rent_scale: f64) -> Lp {
        let mut s = generate(&Params {
            jobs: 3,
            regions: 3,
            slots: 4,
            pools_per_region: 2,
            whole_share: 0.5,
            power_caps: false,
            contention: 0.3,
            seed: 7,
        });
        s.carbon_price_usd_per_t = price;
        for k in &mut s.pools {
            k.rent_usd_per_hour *= rent_scale;
        }
        build_with(&Problem::new(&s).unwrap(), Objective::Cost, None)
    }

    fn proof(lp: &Lp, bound: f64) -> Proven {
        let options = 4;
        let floors = vec![bound; options];
        proven(
            lp,
            (bound, floors, vec![vec![1.0, 2.0]]),
            Arc::from(Vec::new()),
        )
    }

    #[test]
    fn a_price_between_two_mixes_their_bounds() {
        let (a, b) = (model(0.0, 1.0), model(100.0, 1.0));
        let (pa, pb) = (proof(&a, 10.0), proof(&b, 30.0));
        let c = chord(&model(25.0, 1.0), &pa, &pb).unwrap();
        // t = 0.75 of the $0 end.
        assert!((c.bound - 15.0).abs() < 1e-6, "{}", c.bound);
        assert!(c.bound <= 15.0);
        assert!(c.floors.iter().all(|f| (f - 15.0).abs() < 1e-6));
        assert_eq!(c.prices, [vec![1.0, 2.0]]);
        // At an end, that end's bound.
        let end = chord(&model(100.0, 1.0), &pa, &pb).unwrap();
        assert!((end.bound - 30.0).abs() < 1e-6);
    }

    #[test]
    fn no_bound_outside_the_two_or_for_other_costs_or_rows() {
        let (a, b) = (model(0.0, 1.0), model(100.0, 1.0));
        let (pa, pb) = (proof(&a, 10.0), proof(&b, 30.0));
        // Beyond the dearer end: no mix of the two.
        assert!(chord(&model(150.0, 1.0), &pa, &pb).is_none());
        // The rent changed too: the costs are no mix of theirs.
        assert!(chord(&model(50.0, 1.3), &pa, &pb).is_none());
        // Another scenario's rows.
        let mut other = model(50.0, 1.0);
        other.rhs[0] += 1.0;
        assert!(chord(&other, &pa, &pb).is_none());
    }
}

#[cfg(test)]
mod solved {
    use super::*;
    use crate::problem::Problem;
    use crate::schedulers::optimal::Optimal;
    use crate::solve::backend::Backend;
    use crate::solve::branch::Choices;
    use crate::solve::lp::{build_with, Objective};
    use crate::synth::{generate, Params};

    /// Solved at $0 and $600/t, generated MILPs give every price between
    /// a bound at most its optimum, and floors at most the optimum on the
    /// options its optimal plan takes (checked against cold solves).
    #[test]
    fn mixed_bounds_never_pass_the_optimum() {
        let mut checked = 0;
        for seed in 0..16 {
            let base = generate(&Params {
                jobs: 4,
                regions: 3,
                slots: 4,
                pools_per_region: 2,
                whole_share: 0.8,
                power_caps: false,
                contention: 0.3,
                seed,
            });
            let at = |price: f64| {
                let mut s = base.clone();
                s.carbon_price_usd_per_t = price;
                Problem::new(&s).unwrap()
            };
            let optimal = Optimal::new(Backend::Clarabel).keeping_proof();
            let (Ok(a), Ok(b)) = (optimal.solve(&at(0.0)), optimal.solve(&at(600.0))) else {
                continue;
            };
            let (Some(pa), Some(pb)) = (&a.reuse.proven, &b.reuse.proven) else {
                continue;
            };
            for price in [100.0, 300.0, 550.0] {
                let p = at(price);
                let lp = build_with(&p, Objective::Cost, None);
                let c = chord(&lp, pa, pb).expect("a carbon price mixes the two ends' costs");
                let cold = optimal.solve(&p).unwrap();
                let best = cold.report.total_usd;
                let room = 1e-7 * best.abs().max(1.0);
                assert!(
                    c.bound <= best + room,
                    "seed {seed} at {price}: {} > {best}",
                    c.bound
                );
                let x = lp.point_of(&cold.reuse.point);
                let choices = Choices::of(&lp);
                let taken = choices.taken(&choices.assignment_of(&x).unwrap());
                for (o, _) in taken.iter().enumerate().filter(|(_, &t)| t) {
                    assert!(
                        c.floors[o] <= best + room,
                        "seed {seed} at {price}: option {o}'s floor {} > {best}",
                        c.floors[o]
                    );
                }
                checked += 1;
            }
        }
        assert!(checked >= 12, "{checked} prices checked");
    }
}
