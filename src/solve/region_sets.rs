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
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// At most this many sets of one spread job are priced (each a small
/// bisection over its regions' cells): a job with `max_regions` 2 over 37
/// regions has 666. Beyond it the solver's MILP runs, as before.
const MAX_SETS_PER_JOB: usize = 20_000;

/// At most this many sets in all, over every spread job: pricing them
/// runs with no check of the time limit in between (each a pass over its
/// job's cells). 100 jobs of `max_regions` 4 over 27 one-pool regions
/// (17,550 sets each) took 6.9 s against a 1 s limit before this cap.
const MAX_SETS: usize = 40_000;

/// At most this many combinations left open are solved one by one (each
/// a held problem, Whole jobs and all); beyond it the solver's MILP runs
/// over what the closing left. Measured: 3 left on the marketplace
/// hardware week (1.4 s against 3.7 s with the MILP), 21 left without
/// its memory floors (5.4 s against 63 s); 64 is a guess beyond that.
pub(super) const MAX_COMBINATIONS: usize = 64;

/// Per spread job (in job order), every set of regions it may hold: the
/// regions its history opened and `regions_left` of the others (sets with
/// fewer are within one with more). `None` when some job has more than
/// [`MAX_SETS_PER_JOB`], or all have more than [`MAX_SETS`] together.
pub(super) fn sets_of(p: &Problem) -> Option<Vec<(usize, Vec<Vec<u32>>)>> {
    let mut out = Vec::new();
    let mut total = 0usize;
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
        let count = choose(rest.len(), left);
        total = total.saturating_add(count);
        if count > MAX_SETS_PER_JOB || total > MAX_SETS {
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

/// One combination of sets: each spread job's set (an index into its
/// sets), and the combination's priced bound.
#[derive(Debug, Clone)]
pub(super) struct Combination {
    pub(super) sets: Vec<usize>,
    pub(super) bound: f64,
}

/// The combinations of sets in order of their priced bound (the prices'
/// bound plus each job's excess over its least set), least first, made
/// lazily (a heap over the jobs' sets sorted by excess: each combination
/// once). A set that cannot do its job's work is left out; one with no
/// bound of its own (NaN or −∞) counts as no excess.
pub(super) struct Combinations {
    bound: f64,
    /// Per job, `(set, excess)` sorted by excess.
    excess: Vec<Vec<(usize, f64)>>,
    heap: BinaryHeap<Reverse<Entry>>,
}

/// A combination in the heap: its total excess, each job's position in
/// its sorted sets, and the first job whose position may still move.
#[derive(Debug, Clone, PartialEq)]
struct Entry {
    excess: f64,
    at: Vec<usize>,
    from: usize,
}

impl Eq for Entry {}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Entry {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.excess
            .total_cmp(&other.excess)
            .then_with(|| self.at.cmp(&other.at))
    }
}

impl Combinations {
    /// The combinations of `set_usd` (per spread job, each set's price)
    /// at the prices of `priced`; `None` when some job has no set with a
    /// finite price (no bound to order by).
    pub(super) fn new(priced: &Priced, set_usd: &[Vec<f64>]) -> Option<Combinations> {
        let mut excess: Vec<Vec<(usize, f64)>> = Vec::with_capacity(set_usd.len());
        for usd in set_usd {
            let least = usd
                .iter()
                .copied()
                .filter(|v| v.is_finite())
                .fold(f64::INFINITY, f64::min);
            if !least.is_finite() {
                return None;
            }
            let mut e: Vec<(usize, f64)> = usd
                .iter()
                .enumerate()
                .filter(|&(_, &v)| v != f64::INFINITY)
                .map(|(s, &v)| (s, if v.is_finite() { v - least } else { 0.0 }))
                .collect();
            e.sort_by(|a, b| a.1.total_cmp(&b.1));
            excess.push(e);
        }
        let mut heap = BinaryHeap::new();
        if excess.iter().all(|e| !e.is_empty()) {
            let excess0 = excess.iter().map(|e| e[0].1).sum();
            heap.push(Reverse(Entry {
                excess: excess0,
                at: vec![0; excess.len()],
                from: 0,
            }));
        }
        Some(Combinations {
            bound: priced.bound,
            excess,
            heap,
        })
    }

    /// The priced bound of the next combination (`+∞` when none is left):
    /// a bound on every plan within a combination not yet taken.
    pub(super) fn next_bound(&self) -> f64 {
        self.heap
            .peek()
            .map_or(f64::INFINITY, |Reverse(e)| self.bound + e.excess)
    }
}

impl Iterator for Combinations {
    type Item = Combination;

    fn next(&mut self) -> Option<Combination> {
        let Reverse(e) = self.heap.pop()?;
        // Its successors: one job's position moved one on, only jobs from
        // `from` on (so that each combination is reached one way).
        for j in e.from..e.at.len() {
            let next = e.at[j] + 1;
            if let Some(&(_, v)) = self.excess[j].get(next) {
                let mut at = e.at.clone();
                at[j] = next;
                self.heap.push(Reverse(Entry {
                    excess: e.excess - self.excess[j][e.at[j]].1 + v,
                    at,
                    from: j,
                }));
            }
        }
        Some(Combination {
            sets: e
                .at
                .iter()
                .zip(&self.excess)
                .map(|(&a, ex)| ex[a].0)
                .collect(),
            bound: self.bound + e.excess,
        })
    }
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
    use crate::scenario::{Job, Link, Placement, Pool, Region, Scenario};
    use crate::time::Horizon;

    /// `jobs` Split jobs of `max_regions` 4 over 27 one-pool regions
    /// (17,550 sets each): the reviewer's input that priced sets past a
    /// 1 s limit for 6.9 s.
    fn many_spread_jobs(jobs: usize) -> Problem {
        let start = "2026-06-01T00:00:00Z".parse().expect("an instant");
        let mut b = Scenario::builder(Horizon::new(start, 3600, 6));
        for n in 0..27 {
            let id = format!("r{n}");
            b = b
                .region(
                    Region::builder(&id)
                        .pue(1.0)
                        .price_usd_per_mwh(50.0)
                        .build(),
                )
                .pool(
                    Pool::builder(format!("p{n}"), &id)
                        .servers(4.0)
                        .rent_usd_per_hour(1.0)
                        .power_kw(1.0),
                );
            for m in (0..27).filter(|&m| m != n) {
                b = b.link(
                    Link::builder(&id, format!("r{m}"))
                        .bandwidth_gbps(10.0)
                        .egress_usd_per_gb(0.0),
                );
            }
        }
        for j in 0..jobs {
            b = b.job(
                Job::builder(format!("j{j}"), "r0")
                    .work(6.0)
                    .deadline(start + chrono::Duration::hours(6))
                    .max_servers(2.0)
                    .placement(Placement::Split)
                    .max_regions(4),
            );
        }
        Problem::new(&b.build()).expect("valid")
    }

    /// Sets are listed while their count over every job stays within
    /// [`MAX_SETS`]: two jobs' 35,100, not three jobs' 52,650.
    #[test]
    fn the_sets_of_all_jobs_together_are_capped() {
        let two = sets_of(&many_spread_jobs(2)).expect("within the cap");
        assert_eq!(two.iter().map(|(_, s)| s.len()).sum::<usize>(), 35_100);
        assert!(sets_of(&many_spread_jobs(3)).is_none());
    }

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
    fn combinations_come_least_bound_first_each_once() {
        let priced = Priced {
            bound: 100.0,
            option_usd: Vec::new(),
        };
        // Job 0's sets: excess 0, 1, 5 and one that cannot do the work;
        // job 1's: 3, 0.
        let set_usd = vec![vec![10.0, 11.0, 15.0, f64::INFINITY], vec![23.0, 20.0]];
        let mut all = Combinations::new(&priced, &set_usd).into_iter().flatten();
        let first: Vec<(Vec<usize>, f64)> =
            all.by_ref().take(3).map(|c| (c.sets, c.bound)).collect();
        assert_eq!(
            first,
            vec![
                (vec![0, 1], 100.0),
                (vec![1, 1], 101.0),
                (vec![0, 0], 103.0)
            ]
        );
        let rest: Vec<Vec<usize>> = all.map(|c| c.sets).collect();
        assert_eq!(rest, vec![vec![1, 0], vec![2, 1], vec![2, 0]]);
        let none = vec![vec![f64::INFINITY]];
        assert!(Combinations::new(&priced, &none).is_none());
    }
}
