//! The region sets of spread jobs (`max_regions`), priced: the exact
//! stage of [`super::spread`] without a MILP solver. A plan keeps each
//! spread job within one set of regions (those its history opened and
//! `max_regions` less those of the rest), so the model's optimum is the
//! least, over every combination of one set per spread job, of the
//! problem held to that combination, where no limit binds.
//!
//! The coupling rows' duals price every set as a Whole job's option is
//! priced ([`super::pricing::priced_sets`]): a bound at least the
//! relaxation's, and per combination a bound of its own (that bound plus
//! each job's excess over its least set). A combination whose bound is
//! above the incumbent is closed; the few left are solved one by one.

use super::branch::Choices;
use super::pricing::Priced;
use crate::problem::Problem;

/// At most this many sets of one spread job are priced (each a small
/// bisection over its regions' cells): a job with `max_regions` 2 over 37
/// regions has 666. Beyond it the solver's MILP runs, as before.
const MAX_SETS_PER_JOB: usize = 20_000;

/// At most this many combinations left open are solved one by one (each
/// a held problem, Whole jobs and all); beyond it the solver's MILP runs
/// over what the closing left. Measured: 3 left on the marketplace
/// hardware week (1.4 s against 3.7 s with the MILP), 21 left without
/// its memory floors (5.4 s against 63 s); 64 is a guess beyond that.
pub(super) const MAX_COMBINATIONS: usize = 64;

/// Per spread job (in job order), every set of regions it may hold: the
/// regions its history opened and `regions_left` of the others (sets with
/// fewer are within one with more). `None` when some job has more than
/// [`MAX_SETS_PER_JOB`].
pub(super) fn sets_of(p: &Problem) -> Option<Vec<(usize, Vec<Vec<u32>>)>> {
    let mut out = Vec::new();
    for (j, job) in p.jobs().iter().enumerate() {
        if !job.spread_binds() {
            continue;
        }
        let rest: Vec<u32> = job
            .windows
            .iter()
            .map(|w| w.region)
            .filter(|r| job.opened_regions.binary_search(r).is_err())
            .map(|r| r as u32)
            .collect();
        let left = job.regions_left().min(rest.len());
        if choose(rest.len(), left) > MAX_SETS_PER_JOB {
            return None;
        }
        let opened: Vec<u32> = job.opened_regions.iter().map(|&r| r as u32).collect();
        let mut sets = Vec::new();
        let mut pick: Vec<usize> = (0..left).collect();
        loop {
            let mut set = opened.clone();
            set.extend(pick.iter().map(|&i| rest[i]));
            set.sort_unstable();
            sets.push(set);
            if !next_pick(&mut pick, rest.len()) {
                break;
            }
        }
        out.push((j, sets));
    }
    Some(out)
}

/// `n` choose `k` (`usize::MAX` when it overflows).
fn choose(n: usize, k: usize) -> usize {
    if k > n {
        return 0;
    }
    let mut c: usize = 1;
    for i in 0..k {
        // c·(n−i)/(i+1) stays whole at every step.
        match c.checked_mul(n - i) {
            Some(v) => c = v / (i + 1),
            None => return usize::MAX,
        }
    }
    c
}

/// The next `k`-subset of `0..n` in lexicographic order; false after the
/// last.
fn next_pick(pick: &mut [usize], n: usize) -> bool {
    let k = pick.len();
    for i in (0..k).rev() {
        if pick[i] < n - k + i {
            pick[i] += 1;
            for m in i + 1..k {
                pick[m] = pick[m - 1] + 1;
            }
            return true;
        }
    }
    false
}

/// One combination of sets left open: each spread job's set (an index
/// into its sets), and the combination's priced bound.
#[derive(Debug, Clone)]
pub(super) struct Combination {
    pub(super) sets: Vec<usize>,
    pub(super) bound: f64,
}

/// Every combination of sets whose priced bound (`priced.bound` plus each
/// job's excess over its least set) is at most `ub` (a margin for
/// round-off keeps the rest closed only when surely above), least bound
/// first; `None` when more than `limit` are left, or the prices give no
/// finite bound.
pub(super) fn open_combinations(
    priced: &Priced,
    set_usd: &[Vec<f64>],
    ub: f64,
    limit: usize,
) -> Option<Vec<Combination>> {
    let margin = 1e-6 * ub.abs().max(1.0);
    let room = ub - priced.bound + margin;
    if !room.is_finite() || room < 0.0 {
        return None;
    }
    // Per job, its sets' excess over its least, least first, within room.
    let mut excess: Vec<Vec<(usize, f64)>> = Vec::with_capacity(set_usd.len());
    for usd in set_usd {
        let least = usd.iter().copied().fold(f64::INFINITY, f64::min);
        if !least.is_finite() {
            return None;
        }
        // NaN or -inf (no bound for that set) is never closed.
        let mut e: Vec<(usize, f64)> = usd
            .iter()
            .enumerate()
            .map(|(s, &v)| {
                (
                    s,
                    if v.is_nan() {
                        0.0
                    } else {
                        (v - least).max(0.0)
                    },
                )
            })
            .filter(|&(_, v)| v <= room)
            .collect();
        e.sort_by(|a, b| a.1.total_cmp(&b.1));
        excess.push(e);
    }
    let mut out = Vec::new();
    let mut pick = Vec::with_capacity(excess.len());
    if !extend(&excess, &mut pick, 0.0, room, limit, &mut out) {
        return None;
    }
    for c in &mut out {
        c.bound += priced.bound;
    }
    out.sort_by(|a, b| a.bound.total_cmp(&b.bound));
    Some(out)
}

/// Depth first over the jobs of `excess`, each set within what `room`
/// leaves; false once more than `limit` combinations are found.
fn extend(
    excess: &[Vec<(usize, f64)>],
    pick: &mut Vec<usize>,
    used: f64,
    room: f64,
    limit: usize,
    out: &mut Vec<Combination>,
) -> bool {
    let Some(job) = excess.get(pick.len()) else {
        out.push(Combination {
            sets: pick.clone(),
            bound: used,
        });
        return out.len() <= limit;
    };
    for &(s, e) in job {
        if used + e > room {
            break; // sorted: the rest are dearer
        }
        pick.push(s);
        let fits = extend(excess, pick, used + e, room, limit, out);
        pick.pop();
        if !fits {
            return false;
        }
    }
    true
}

/// Per job, the regions a held problem keeps: each spread job's set of
/// `combination`, each Whole job's options `open` leaves (all of them,
/// `None`, when only "no region" or none is left), `None` for the rest.
pub(super) fn held_windows(
    p: &Problem,
    sets: &[(usize, Vec<Vec<u32>>)],
    combination: &Combination,
    choices: &Choices,
    open: &[bool],
) -> Vec<Option<Vec<usize>>> {
    let mut keep: Vec<Option<Vec<usize>>> = vec![None; p.jobs().len()];
    for ((j, job_sets), &s) in sets.iter().zip(&combination.sets) {
        if let Some(set) = job_sets.get(s) {
            keep[*j] = Some(set.iter().map(|&r| r as usize).collect());
        }
    }
    let mut f = 0;
    for (j, opts) in choices.options() {
        let regions: Vec<usize> = opts
            .iter()
            .enumerate()
            .filter(|&(o, &(_, region, _))| open[f + o] && region != u32::MAX)
            .map(|(_, &(_, region, _))| region as usize)
            .collect();
        let all = opts.iter().all(|&(_, region, _)| region == u32::MAX)
            || regions.len() == opts.iter().filter(|o| o.1 != u32::MAX).count();
        if !regions.is_empty() && !all {
            let mut regions = regions;
            regions.sort_unstable();
            keep[j] = Some(regions);
        }
        f += opts.len();
    }
    keep
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subsets_are_counted_and_listed_in_order() {
        assert_eq!(choose(24, 2), 276);
        assert_eq!(choose(5, 0), 1);
        assert_eq!(choose(2, 3), 0);
        let mut pick = vec![0, 1];
        let mut seen = vec![pick.clone()];
        while next_pick(&mut pick, 4) {
            seen.push(pick.clone());
        }
        assert_eq!(seen.len(), choose(4, 2));
        assert_eq!(seen.last(), Some(&vec![2, 3]));
        let mut none: Vec<usize> = vec![];
        assert!(!next_pick(&mut none, 3));
    }

    #[test]
    fn combinations_above_the_incumbent_are_closed() {
        let priced = Priced {
            bound: 100.0,
            option_usd: Vec::new(),
        };
        // Job 0's sets: excess 0, 1, 5; job 1's: 0, 3.
        let set_usd = vec![vec![10.0, 11.0, 15.0], vec![20.0, 23.0]];
        let open = open_combinations(&priced, &set_usd, 103.5, 8).unwrap_or_default();
        let sets: Vec<Vec<usize>> = open.iter().map(|c| c.sets.clone()).collect();
        assert_eq!(sets, vec![vec![0, 0], vec![1, 0], vec![0, 1]]);
        assert!((open[2].bound - 103.0).abs() < 1e-9);
        assert!(open_combinations(&priced, &set_usd, 103.5, 2).is_none());
    }
}
