//! Whether the `Whole` jobs fit at all, one region each: a search over
//! their regions in which a region's share is checked by a small LP of
//! those jobs alone there (every other job and every other region left
//! out). It only ever drops rows of the model (other jobs, the goal's
//! limit), so a share that does not fit alone does not fit in any plan,
//! and a search that finds no assignment proves that no plan exists.
//!
//! Why: a scenario of 20 Whole jobs in 5 regions
//! (`infeasible_whole_20jobs.json`) has a relaxation that all but fits,
//! so a MILP solver must branch through many region choices to prove it
//! has no plan (microlp 4-6 s, HiGHS 10 s, the engine's own search more
//! than 5 minutes), and the least-shortfall MILP of the diagnosis took
//! 19-25 s more. There, every job fits some region alone, but six of them
//! (three with one region each, three that share two busy regions) fit
//! no choice of one region each, and any five do: the search and the
//! least set of the diagnosis ([`Packer::conflict`]) take 278 LPs of one
//! to six jobs (those refuted on microlp proven again on Clarabel),
//! 0.15 s of CPU in all.
//!
//! A found assignment proves nothing (the other jobs and the rows left
//! out may still block it); the search then says so and the engine's
//! exact stage goes on as before. (Lost: that assignment as the first
//! fixed LP. Its plan, far from the optimum, stood as the incumbent in
//! place of the root's probing, and two feasible neighbours of that file
//! took 51 and 45 s CPU against 2.8 and 4.3 s.)
//!
//! Bounded by [`MAX_CHECKS`] LPs, [`MAX_NODES`] nodes and [`MAX_LOOKUPS`]
//! share lookups for one packer, and by the limits' deadline and cancel
//! flag.

use super::backend::{Backend, Failure};
use super::linear::solve_lp;
use super::lp::{self, Objective};
use super::progress::Stage;
use crate::limits::{Limits, StopReason};
use crate::problem::Problem;
use crate::scenario::Placement;
use std::collections::HashMap;

/// At most this many LPs for one packer (each of a few jobs in one
/// region): about 0.1 ms to a few ms each on the scenarios tried.
pub(crate) const MAX_CHECKS: usize = 4_000;

/// At most this many search nodes for one packer, all searches together.
pub(crate) const MAX_NODES: usize = 10_000;

/// At most this many share lookups for one packer (each node looks up
/// every job it has left in each of its regions, mostly from the cache):
/// a bound on the work between nodes that the node count alone does not
/// give. The 20-job mix's proof takes 1,337 (21 nodes, 241 LPs).
pub(crate) const MAX_LOOKUPS: usize = 1_000_000;

/// No search over more `Whole` jobs than this (the search recurses once
/// per job).
pub(crate) const MAX_JOBS: usize = 512;

/// No search on a problem whose per-slot data is larger than this
/// (bytes, [`Problem::resident_bytes`]): each check builds its share on a
/// copy of the regions and pools (one at a time), which then stays a small
/// part of the memory budget.
pub(crate) const MAX_PROBLEM_BYTES: usize = 16 << 20;

/// A share's least shortfall (work units) above this fraction of its
/// work (or of one unit) means it does not fit: ten times the
/// evaluator's tolerance on a job's work (`TOLERANCE`, 1e-6), so that a
/// plan the evaluator would accept within it is never refuted, and well
/// above an LP solver's rounding.
const SHORT_FRACTION: f64 = 1e-5;

/// What a search found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Packing {
    /// No assignment of the jobs to one region each fits: no plan exists.
    None,
    /// An assignment fits (which proves nothing of the whole problem).
    Found,
    /// The packer's budget ran out first.
    Unknown,
}

/// The search's state: the problem, its solvers and limits, and every
/// share checked so far.
pub(crate) struct Packer<'a> {
    p: &'a Problem,
    backend: Backend,
    limits: &'a Limits,
    /// (region, jobs in file order) → the share's least shortfall in work
    /// units (a proven lower bound; 0 where it fits).
    known: HashMap<(usize, Vec<usize>), f64>,
    checks: usize,
    nodes: usize,
    lookups: usize,
    /// At most this many LPs, nodes and lookups ([`MAX_CHECKS`],
    /// [`MAX_NODES`], [`MAX_LOOKUPS`]).
    max_checks: usize,
    max_nodes: usize,
    max_lookups: usize,
    out_of_budget: bool,
}

impl<'a> Packer<'a> {
    pub(crate) fn new(p: &'a Problem, backend: Backend, limits: &'a Limits) -> Packer<'a> {
        Packer {
            p,
            backend,
            limits,
            known: HashMap::new(),
            checks: 0,
            nodes: 0,
            lookups: 0,
            max_checks: MAX_CHECKS,
            max_nodes: MAX_NODES,
            max_lookups: MAX_LOOKUPS,
            out_of_budget: false,
        }
    }

    /// The jobs the search places: `Whole`, with no price for undone work
    /// (so they must finish), and at least one region. Empty when there
    /// are more than [`MAX_JOBS`], or the problem is over
    /// [`MAX_PROBLEM_BYTES`] (an empty search proves nothing).
    pub(crate) fn whole_jobs(p: &Problem) -> Vec<usize> {
        if p.resident_bytes() > MAX_PROBLEM_BYTES {
            return Vec::new();
        }
        let jobs: Vec<usize> = (0..p.jobs().len())
            .filter(|&j| {
                let job = &p.jobs()[j];
                job.placement == Placement::Whole
                    && !job.may_fall_short()
                    && !job.windows.is_empty()
            })
            .collect();
        if jobs.len() > MAX_JOBS {
            return Vec::new();
        }
        jobs
    }

    /// Whether `jobs` fit one region each.
    pub(crate) fn search(&mut self, jobs: &[usize]) -> Result<Packing, StopReason> {
        let mut share = vec![Vec::new(); self.p.regions().len()];
        match self.place(&mut share, jobs.to_vec())? {
            Some(true) => Ok(Packing::Found),
            Some(false) => Ok(Packing::None),
            None => Ok(Packing::Unknown),
        }
    }

    /// A least set of `jobs` (which fit no assignment) that still fits
    /// none: each job is dropped in turn (file order) if the rest still
    /// fit none. Every set on the way is proven not to fit; where the
    /// budget runs out, the job is kept, so the set may then be larger
    /// than least, but is always a proof.
    pub(crate) fn conflict(&mut self, jobs: &[usize]) -> Result<Vec<usize>, StopReason> {
        let mut set = jobs.to_vec();
        for &j in jobs {
            if set.len() == 1 {
                break;
            }
            let rest: Vec<usize> = set.iter().copied().filter(|&i| i != j).collect();
            if self.search(&rest)? == Packing::None {
                set = rest;
            }
        }
        Ok(set)
    }

    /// The least shortfall of job `j` alone in its closest region (work
    /// units), from the checks made: `None` if it fits one alone or was
    /// not checked in every region.
    pub(crate) fn alone_shortfall(&self, j: usize) -> Option<f64> {
        let job = &self.p.jobs()[j];
        job.windows
            .iter()
            .map(|w| self.known.get(&(w.region, vec![j])).copied())
            .try_fold(f64::INFINITY, |least, short| Some(least.min(short?)))
            .filter(|&least| least > 0.0 && least.is_finite())
    }

    /// One node: `share` holds each region's placed jobs (fitting), `left`
    /// the jobs to place. `Some(true)`: every job placed; `Some(false)`:
    /// none of the ways on from here fits; `None`: out of budget.
    fn place(
        &mut self,
        share: &mut [Vec<usize>],
        left: Vec<usize>,
    ) -> Result<Option<bool>, StopReason> {
        if let Some(why) = self.limits.stop() {
            return Err(why);
        }
        self.nodes += 1;
        if self.nodes > self.max_nodes || self.out_of_budget {
            self.out_of_budget = true;
            return Ok(None);
        }
        if left.is_empty() {
            return Ok(Some(true));
        }
        // The job with the fewest regions its share still fits in.
        let mut best: Option<(usize, Vec<usize>)> = None;
        for (n, &j) in left.iter().enumerate() {
            let mut open = Vec::new();
            for w in &self.p.jobs()[j].windows {
                match self.fits_with(w.region, &share[w.region], j)? {
                    Some(true) => open.push(w.region),
                    Some(false) => {}
                    None => return Ok(None),
                }
            }
            if open.is_empty() {
                return Ok(Some(false));
            }
            if best.as_ref().is_none_or(|(_, b)| open.len() < b.len()) {
                best = Some((n, open));
            }
        }
        let Some((n, open)) = best else {
            return Ok(Some(true));
        };
        let mut rest = left;
        let j = rest.remove(n);
        for r in open {
            share[r].push(j);
            let found = self.place(share, rest.clone());
            share[r].pop();
            match found? {
                Some(false) => {}
                other => return Ok(other),
            }
        }
        Ok(Some(false))
    }

    /// Whether job `j` fits region `r` beside `placed` (which fit there):
    /// only the jobs whose windows there overlap `j`'s, directly or
    /// through each other, share a slot with it, so only they are
    /// checked. `None`: out of budget.
    fn fits_with(
        &mut self,
        r: usize,
        placed: &[usize],
        j: usize,
    ) -> Result<Option<bool>, StopReason> {
        self.lookups += 1;
        if self.lookups > self.max_lookups {
            self.out_of_budget = true;
            return Ok(None);
        }
        let window = |i: usize| {
            self.p.jobs()[i]
                .window(r)
                .map(|w| (w.first_slot, w.end_slot))
        };
        let Some((mut first, mut end)) = window(j) else {
            return Ok(Some(false));
        };
        let mut group = vec![j];
        let mut others: Vec<(usize, (usize, usize))> = placed
            .iter()
            .filter_map(|&i| window(i).map(|w| (i, w)))
            .collect();
        loop {
            let before = group.len();
            others.retain(|&(i, (a, b))| {
                let overlaps = a < end && first < b;
                if overlaps {
                    group.push(i);
                    first = first.min(a);
                    end = end.max(b);
                }
                !overlaps
            });
            if group.len() == before {
                break;
            }
        }
        group.sort_unstable();
        Ok(self.shortfall(r, group)?.map(|short| short <= 0.0))
    }

    /// The least shortfall of `jobs` together in region `r` and nowhere
    /// else, with no other job (0 where they fit), cached. `None`: out of
    /// budget.
    fn shortfall(&mut self, r: usize, jobs: Vec<usize>) -> Result<Option<f64>, StopReason> {
        let key = (r, jobs);
        if let Some(&short) = self.known.get(&key) {
            return Ok(Some(short));
        }
        if self.checks >= self.max_checks {
            self.out_of_budget = true;
            return Ok(None);
        }
        self.checks += 1;
        let short = self.solve_share(key.0, &key.1)?;
        self.known.insert(key, short);
        Ok(Some(short))
    }

    /// The least-shortfall LP of `jobs` held to region `r`: its proven
    /// bound where that is clearly above 0, else 0 (a failed or unsure
    /// solve reads as "fits": it never proves anything).
    fn solve_share(&self, r: usize, jobs: &[usize]) -> Result<f64, StopReason> {
        let sub = self.p.held_jobs(jobs, r);
        let model = lp::build(&sub, Objective::ShortfallSplit);
        if model.job_without_cells {
            // A job with no eligible cell there: all its work is short.
            return Ok(jobs.iter().map(|&j| self.p.jobs()[j].work).sum());
        }
        let work: f64 = jobs.iter().map(|&j| self.p.jobs()[j].work).sum();
        let least = SHORT_FRACTION * work.max(1.0);
        let backend = self.backend.resolve(&model.size(false));
        let short = self.bound(&model, backend)?;
        if short <= least {
            return Ok(0.0);
        }
        // A share that does not fit is a proof: with a solver that gives
        // no duals (microlp, whose bound is its own objective), it is
        // proven again by one that does, the bound then the engine's own
        // by weak duality ([`super::bound`]).
        #[cfg(feature = "clarabel")]
        if !backend.has_duals() {
            let again = self.bound(&model, Backend::Clarabel)?;
            return Ok(if again > least { again } else { 0.0 });
        }
        Ok(short)
    }

    /// The proven lower bound on `model`'s least shortfall on `backend`;
    /// 0 where the solve fails (a failure never proves a shortfall).
    fn bound(&self, model: &lp::Lp, backend: Backend) -> Result<f64, StopReason> {
        let quiet = |_: Stage, _: usize, _: usize, _: Option<f64>, _: f64| {};
        match solve_lp(model, None, backend, self.limits, &quiet, Stage::Diagnosis) {
            Ok(solved) => match solved.stopped {
                Some(why) => Err(why),
                None => Ok(solved.bound.max(0.0)),
            },
            Err(Failure::TimeLimit) => Err(self.limits.stop().unwrap_or(StopReason::TimeLimit)),
            Err(Failure::Stopped(why)) => Err(why),
            Err(Failure::Infeasible | Failure::Numerical(_)) => Ok(0.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::ColumnGeneration;
    use crate::scenario::Scenario;

    fn limits() -> Limits {
        Limits::unbounded(1e-7, ColumnGeneration::Auto)
    }

    fn repro() -> Problem {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/issue25/infeasible_whole_20jobs.json"
        );
        let text = std::fs::read_to_string(path).expect("the reproducer");
        let scenario: Scenario = serde_json::from_str(&text).expect("a scenario");
        Problem::from_scenario(scenario).expect("valid")
    }

    /// With its budget, the search proves the 20-job mix has no packing;
    /// cut short, it says it does not know (never "none"), and the least
    /// set it returns from a proven start is still a proof.
    #[test]
    fn a_search_out_of_budget_proves_nothing() {
        let p = repro();
        let limits = limits();
        let jobs = Packer::whole_jobs(&p);
        assert_eq!(jobs.len(), 20);
        let mut full = Packer::new(&p, Backend::Microlp, &limits);
        assert_eq!(full.search(&jobs), Ok(Packing::None));
        let checks = full.checks;
        assert!(checks > 5, "{checks} checks");
        assert!(full.lookups > 30, "{} lookups", full.lookups);
        let budgets = [
            (5, MAX_NODES, MAX_LOOKUPS),
            (MAX_CHECKS, 3, MAX_LOOKUPS),
            (MAX_CHECKS, MAX_NODES, 30),
        ];
        for (max_checks, max_nodes, max_lookups) in budgets {
            let mut cut = Packer::new(&p, Backend::Microlp, &limits);
            cut.max_checks = max_checks;
            cut.max_nodes = max_nodes;
            cut.max_lookups = max_lookups;
            assert_eq!(cut.search(&jobs), Ok(Packing::Unknown));
            // Out of budget, the least set keeps every job it could not
            // rule out: the whole set, which was proven.
            assert_eq!(cut.conflict(&jobs), Ok(jobs.clone()));
        }
        let least = full.conflict(&jobs).expect("no stop");
        let ids: Vec<&str> = least.iter().map(|&j| p.jobs()[j].id.as_str()).collect();
        assert_eq!(ids, ["j3", "j6", "j10", "j13", "j18", "j19"]);
    }

    /// Every job of a feasible mix fits: the 20-job mix without `j18`.
    #[test]
    fn a_mix_that_fits_is_found() {
        let p = repro();
        let limits = limits();
        let jobs: Vec<usize> = Packer::whole_jobs(&p)
            .into_iter()
            .filter(|&j| p.jobs()[j].id != "j18")
            .collect();
        let mut packer = Packer::new(&p, Backend::Microlp, &limits);
        assert_eq!(packer.search(&jobs), Ok(Packing::Found));
    }
}
