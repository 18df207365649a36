//! The LP/MILP of the model, built once over the problem's eligible cells
//! as a sparse matrix that the engine owns: every stage (the full solve,
//! column generation, the relaxation and its fixings, the least-shortfall
//! diagnosis) reads this one form, and so do the reduced costs and the
//! proven bound, which the engine computes itself from the solver's duals.
//!
//! Rows, in the model's numbering:
//! 1. capacity `sum_j x[j,k,t] <= n[k,t]·h`,
//! 2. parallelism `sum_k x[j,k,t] <= m_j·h` (a `Whole` job with a region
//!    choice has it per region, `sum_{k in r} x[j,k,t] <= m_j·h·y[j,r]`),
//! 3. work `sum s_k·x[j,k,t] = W_j` (plus the slack in the shortfall model),
//! 4. power `sum w_k·pue_r·x[j,k,t] <= cap_r·h`,
//! 5. `sum_r y[j,r] = 1`, and the region's work `sum s·x <= W·y[j,r]`,
//!    which integral `y` already implies but which tightens the relaxation.
//!
//! A row that cannot bind (its columns' own upper bounds keep it) is left
//! out; its dual is then 0 and the limit shows in the reduced cost of the
//! cells it bounds.

use crate::goal::Goal;
use crate::problem::JobRegion;
use crate::problem::Problem;
use std::sync::Arc;

/// What the model minimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Objective {
    /// Total cost in dollars; every job's work must be done.
    Cost,
    /// Total emissions in tCO2e at the meter; every job's work must be
    /// done (the least-emissions plan, and the objective under a budget).
    Emissions,
    /// Total work units left undone.
    Shortfall,
    /// Total work units left undone, every job treated as Split (the
    /// region choices of Whole jobs dropped).
    ShortfallSplit,
}

impl Objective {
    /// Whether it is a least-shortfall model (every job may fall short,
    /// so it always has a plan).
    pub(crate) fn is_shortfall(self) -> bool {
        matches!(self, Objective::Shortfall | Objective::ShortfallSplit)
    }

    /// The unit of the objective's value: `"t"` (tCO2e) for emissions,
    /// else `"usd"` (work units of a shortfall model are never reported).
    pub(crate) fn unit(self) -> &'static str {
        match self {
            Objective::Emissions => "t",
            _ => "usd",
        }
    }
}

/// How big a model is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ModelSize {
    /// Continuous variables (server-hours of a job on a pool in a slot,
    /// plus shortfall slacks).
    pub variables: usize,
    /// Binary variables (region choice of `Whole` jobs).
    pub binaries: usize,
    /// Constraints.
    pub constraints: usize,
}

/// What a column stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Col {
    /// `x[j,k,t]`, server-hours.
    Cell { job: u32, pool: u32, slot: u32 },
    /// `y[j,r]`, the region choice of a `Whole` job (binary in the MILP).
    /// A job that may fall short also has the choice of no region at all
    /// (`region` is `u32::MAX`, no cell follows it). With `spread`, it is
    /// `z[j,r]` of a `Split` job whose `max_regions` binds: whether the
    /// job may use region `r` at all (its egress stays in its cells).
    Choice { job: u32, region: u32, spread: bool },
    /// Work units of job `j` left undone: in the shortfall models, and for
    /// a job with a price for undone work in the cost model.
    Slack { job: u32 },
}

/// What a row stands for (its dual's meaning).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Row {
    Work {
        job: u32,
    },
    Capacity {
        pool: u32,
        slot: u32,
    },
    Parallel {
        job: u32,
        slot: u32,
    },
    Power {
        region: u32,
        slot: u32,
    },
    /// `sum_{k in r} x[j,k,t] - m·y[j,r] <= 0`.
    RegionSlot {
        job: u32,
        region: u32,
        slot: u32,
    },
    /// `sum_{k in r} s·x[j,k,t] - W·y[j,r] <= 0`.
    RegionWork {
        job: u32,
        region: u32,
    },
    /// `sum_r y[j,r] = 1`.
    OneRegion {
        job: u32,
    },
    /// `sum_r z[j,r] <= max_regions` over the regions a re-plan's history
    /// has not opened yet (`max_regions` less those).
    MaxRegions {
        job: u32,
    },
    /// The plan's limit (`crate::Goal`): `sum e[k,t]·x <= cap` (tCO2e) or
    /// `sum c·x + sum E·y <= budget` ($).
    Limit,
}

/// A limit on the whole plan, one row coupling every job (see
/// `crate::Goal`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Limit {
    /// Emissions at most this many tCO2e: `sum e[k,t]·x[j,k,t] <= cap`.
    EmissionsT(f64),
    /// The total (rent, energy, carbon price and egress) at most this many
    /// $: `sum c·x + sum E·y <= budget`, with each cell's cost as in the
    /// `Cost` objective (a Split job's egress per work unit in its cells,
    /// a Whole job's in its region choice).
    TotalUsd(f64),
}

/// `<=` or `=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Sense {
    Le,
    Eq,
}

/// The sparse model: columns in compressed sparse column form, grouped by
/// job (each job's choices, cells and slack are one contiguous range).
#[derive(Clone)]
pub(crate) struct Lp {
    /// Objective coefficient of each column ($, or work units for slacks).
    pub(crate) cost: Vec<f64>,
    /// Upper bound of each column (lower bounds are all 0).
    pub(crate) upper: Vec<f64>,
    pub(crate) col: Vec<Col>,
    /// Column `i`'s entries are `start[i]..start[i+1]` of `entry_row` and
    /// `entry_val`.
    pub(crate) start: Vec<usize>,
    pub(crate) entry_row: Vec<u32>,
    pub(crate) entry_val: Vec<f64>,
    pub(crate) row: Vec<Row>,
    pub(crate) sense: Vec<Sense>,
    pub(crate) rhs: Vec<f64>,
    /// Per job, its range of columns.
    pub(crate) job_cols: Vec<std::ops::Range<usize>>,
    /// Per job, the index of its work row (`u32::MAX` for a job with no
    /// column at all).
    pub(crate) work_row: Vec<u32>,
    /// What the model minimises, and its limit row (to build its
    /// all-Split relaxation, [`build_split`], alike).
    pub(crate) objective: Objective,
    pub(crate) limit: Option<Limit>,
    /// The region of each pool (cells name their pool only).
    pub(crate) pool_region: Vec<u32>,
    /// Every `Whole` job is built as `Split` ([`build_split`]): a
    /// relaxation of the MILP.
    pub(crate) split_all: bool,
    /// Some job with an eligible window got no column at all (every cell
    /// has zero capacity): the cost model is infeasible as built.
    pub(crate) job_without_cells: bool,
    /// Columns of a known plan (a heuristic's), which column generation
    /// puts in its first working set so that the first restricted LP is
    /// feasible without artificial work.
    pub(crate) warm_columns: Vec<usize>,
    /// The warm columns hold a previous plan (a re-plan's): a job they
    /// cover starts column generation from them alone, without its
    /// cheapest cells.
    pub(crate) seeded: bool,
    /// A neighbouring solve's plan (a sweep's previous point), its
    /// nonzero columns by what they stand for: the first incumbent when
    /// it keeps this model's rows ([`Lp::point_of`]).
    pub(crate) warm_point: Arc<[(Col, f64)]>,
    /// Two solved neighbours (a sweep's points on either side) whose
    /// proofs may bound this model (see `bracket.rs`).
    pub(crate) bracket: Option<[Arc<Proven>; 2]>,
}

/// A solved model's proof, kept for its neighbours (a sweep's points on
/// either side, see `bracket.rs`): its costs, a hash of the rest of it,
/// its proven bound, per option of its Whole jobs a proven bound on every
/// plan that takes that option, the prices it priced and its plan.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Proven {
    /// Hash of the model but its costs (`bracket::rows_hash`).
    pub(crate) rows: u64,
    /// The model's cost of each column.
    pub(crate) costs: Arc<[f64]>,
    /// A proven lower bound on its least objective.
    pub(crate) bound: f64,
    /// Per option (flat, in the order of `branch::Choices`): a proven
    /// lower bound on every plan with its job in that option (`-inf` where
    /// none is known); empty for a model without Whole jobs.
    pub(crate) floors: Arc<[f64]>,
    /// Prices it priced (duals of its all-Split relaxation's rows): its
    /// first set and its last.
    pub(crate) prices: Arc<[Vec<f64>]>,
    /// Its plan, by what each column stands for ([`Lp::by_col`]).
    pub(crate) point: Arc<[(Col, f64)]>,
}

/// Bytes per column and per nonzero of the engine's own matrix (a
/// solver's copy is [`super::memory`]'s). Rough, on the safe side: built
/// alone, 1 job × 8 pools × 200,000 slots (1.6 M columns) peaked at
/// 234 MB with the problem, against 269 MB by estimate.
const MATRIX_BYTES_PER_COLUMN: usize = 64;
const MATRIX_BYTES_PER_NONZERO: usize = 12;

/// A size estimate made before anything is allocated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[non_exhaustive]
pub struct ModelEstimate {
    /// At most this many columns (server-hour cells and region choices).
    pub columns: usize,
    /// At most this many nonzeros in the constraint matrix.
    pub nonzeros: usize,
    /// Bytes of the engine's own copy of the model.
    pub matrix_bytes: usize,
    /// Bytes the hungriest solver compiled in would need to take the whole
    /// model at once (its copy and its own working memory; Clarabel's
    /// when compiled in).
    pub full_solver_bytes: usize,
}

/// Counts columns and nonzeros from the jobs' windows alone (no cell is
/// visited), so it costs microseconds whatever the size.
pub(crate) fn estimate(p: &Problem) -> ModelEstimate {
    estimate_with(p, false)
}

/// [`estimate`] of a model with a limit row (`limit`), which every cell
/// enters once more.
pub(crate) fn estimate_with(p: &Problem, limit: bool) -> ModelEstimate {
    let mut columns: usize = 0;
    let mut nonzeros: usize = 0;
    for job in p.jobs() {
        let whole = job.has_region_choice() || job.spread_binds();
        for w in &job.windows {
            let region = &p.regions()[w.region];
            let cells = (w.end_slot - w.first_slot).saturating_mul(w.pools.len());
            // work, capacity, parallel or region-slot, power, region-work
            let per_cell = 3
                + usize::from(region.power_cap_kwh_per_slot.is_some())
                + usize::from(whole)
                + usize::from(limit);
            columns = columns.saturating_add(cells);
            nonzeros = nonzeros.saturating_add(cells.saturating_mul(per_cell));
            if whole {
                columns += 1;
                nonzeros += 2 + (w.end_slot - w.first_slot) + usize::from(limit);
            }
        }
        // A slack or an artificial; a job that may fall short has both,
        // and a choice of no region when it has region choices.
        let extra = 1 + usize::from(job.may_fall_short()) * (1 + usize::from(whole));
        columns += extra;
        nonzeros += extra;
    }
    ModelEstimate {
        columns,
        nonzeros,
        matrix_bytes: columns
            .saturating_mul(MATRIX_BYTES_PER_COLUMN)
            .saturating_add(nonzeros.saturating_mul(MATRIX_BYTES_PER_NONZERO)),
        full_solver_bytes: super::memory::call_bytes(
            super::backend::Backend::Auto,
            columns,
            nonzeros,
        ),
    }
}

/// The upper bound of cell `(j, k, t)` in server-hours: capacity,
/// parallelism and the power cap, whichever is least.
pub(crate) fn cell_upper(p: &Problem, j: usize, k: usize, t: usize) -> f64 {
    let pool = &p.pools()[k];
    let region = &p.regions()[pool.region];
    let mut ub = pool.capacity_server_hours[t].min(p.jobs()[j].max_server_hours_per_slot);
    if let Some(cap) = region.power_cap_kwh_per_slot {
        if pool.meter_kwh_per_server_hour > 0.0 {
            ub = ub.min(cap / pool.meter_kwh_per_server_hour);
        }
    }
    ub
}

const NONE: u32 = u32::MAX;

/// The model under construction, and the problem it is built from.
struct Builder<'p> {
    p: &'p Problem,
    objective: Objective,
    /// The limit row and what it limits.
    limit: Option<(u32, Limit)>,
    lp: Lp,
    /// Row of each (pool, slot) capacity and (region, slot) power limit
    /// that can bind (rules 1 and 4), `NONE` for the others.
    cap_row: Vec<u32>,
    pow_row: Vec<u32>,
    /// Per slot, for the job being built: its parallelism row (rule 2),
    /// and the sum of its cells' upper bounds.
    par_row: Vec<u32>,
    par_sum: Vec<f64>,
}

/// The rows of one region choice of a Whole job (rule 5).
struct ChoiceRows {
    /// Per slot of the window, `sum_k x - m·y <= 0` (or `NONE`).
    slot: Vec<u32>,
    /// `sum s·x - W·y <= 0` (or `NONE`).
    work: u32,
}

/// Builds the model of `p` for `objective`: the rows every job shares
/// (capacity, power), then each job's rows and columns.
pub(crate) fn build(p: &Problem, objective: Objective) -> Lp {
    build_with(p, objective, None)
}

/// [`build`], plus the row of `limit` (if any), which every cell (and,
/// for a budget, every region choice) enters.
pub(crate) fn build_with(p: &Problem, objective: Objective, limit: Option<Limit>) -> Lp {
    build_model(p, objective, limit, objective == Objective::ShortfallSplit)
}

/// [`build_with`] with every `Whole` job built as `Split`, its egress
/// paid per work unit in its cells as a Split job's is: the *all-Split
/// relaxation* of the MILP. It is a relaxation because a Whole job's plan
/// is a Split job's plan too (one region is a choice of regions), and the
/// egress share it pays for the work it does there is never above the
/// whole egress the MILP pays for any work at all (egress is never
/// negative): so its optimum is a proven lower bound on the MILP's, from a
/// model with no region-choice rows (about a third of the MILP's rows at
/// 20 % Whole jobs), and with all its work in one region per Whole job
/// its plan is the MILP's.
pub(crate) fn build_split(p: &Problem, objective: Objective, limit: Option<Limit>) -> Lp {
    build_model(p, objective, limit, true)
}

fn build_model(p: &Problem, objective: Objective, limit: Option<Limit>, split_all: bool) -> Lp {
    let mut b = Builder {
        p,
        objective,
        limit: None,
        lp: Lp {
            cost: Vec::new(),
            upper: Vec::new(),
            col: Vec::new(),
            start: vec![0],
            entry_row: Vec::new(),
            entry_val: Vec::new(),
            row: Vec::new(),
            sense: Vec::new(),
            rhs: Vec::new(),
            job_cols: Vec::with_capacity(p.jobs().len()),
            work_row: Vec::with_capacity(p.jobs().len()),
            objective,
            limit,
            pool_region: p.pools().iter().map(|k| k.region as u32).collect(),
            split_all,
            job_without_cells: false,
            warm_columns: Vec::new(),
            seeded: false,
            warm_point: Arc::from(Vec::new()),
            bracket: None,
        },
        cap_row: Vec::new(),
        pow_row: Vec::new(),
        par_row: vec![NONE; p.slots()],
        par_sum: vec![0.0; p.slots()],
    };
    b.shared_rows();
    if let Some(l) = limit {
        let rhs = match l {
            Limit::EmissionsT(t) => t,
            Limit::TotalUsd(usd) => usd,
        };
        b.limit = Some((b.add_row(Row::Limit, Sense::Le, rhs), l));
    }
    for j in 0..p.jobs().len() {
        b.job(j);
    }
    b.lp
}

impl Builder<'_> {
    fn add_row(&mut self, row: Row, sense: Sense, rhs: f64) -> u32 {
        let i = self.lp.row.len() as u32;
        self.lp.row.push(row);
        self.lp.sense.push(sense);
        self.lp.rhs.push(rhs);
        i
    }

    fn add_col(&mut self, col: Col, cost: f64, upper: f64, entries: &[(u32, f64)]) {
        self.lp.col.push(col);
        self.lp.cost.push(cost);
        self.lp.upper.push(upper);
        for &(r, v) in entries {
            self.lp.entry_row.push(r);
            self.lp.entry_val.push(v);
        }
        self.lp.start.push(self.lp.entry_row.len());
    }

    /// Rules 1 and 4: a capacity row per (pool, slot) and a power row per
    /// capped (region, slot), where the upper bounds of the cells they
    /// hold add up to more than the limit (else the row cannot bind).
    fn shared_rows(&mut self) {
        let p = self.p;
        let slots = p.slots();
        let mut cap_sum = vec![0.0; p.pools().len() * slots];
        let mut pow_sum = vec![0.0; p.regions().len() * slots];
        for (j, job) in p.jobs().iter().enumerate() {
            for w in &job.windows {
                for t in w.first_slot..w.end_slot {
                    for &k in &w.pools {
                        let ub = cell_upper(p, j, k, t);
                        if ub > 0.0 {
                            cap_sum[k * slots + t] += ub;
                            pow_sum[w.region * slots + t] +=
                                ub * p.pools()[k].meter_kwh_per_server_hour;
                        }
                    }
                }
            }
        }
        self.cap_row = vec![NONE; p.pools().len() * slots];
        for (k, pool) in p.pools().iter().enumerate() {
            for t in 0..slots {
                let cap = pool.capacity_server_hours[t];
                if cap_sum[k * slots + t] > cap {
                    let (pool, slot) = (k as u32, t as u32);
                    self.cap_row[k * slots + t] =
                        self.add_row(Row::Capacity { pool, slot }, Sense::Le, cap);
                }
            }
        }
        drop(cap_sum);
        self.pow_row = vec![NONE; p.regions().len() * slots];
        for (r, region) in p.regions().iter().enumerate() {
            let Some(cap) = region.power_cap_kwh_per_slot else {
                continue;
            };
            for t in 0..slots {
                if pow_sum[r * slots + t] > cap {
                    let (region, slot) = (r as u32, t as u32);
                    self.pow_row[r * slots + t] =
                        self.add_row(Row::Power { region, slot }, Sense::Le, cap);
                }
            }
        }
    }

    /// Job `j`'s rows and columns: its work row (rule 3), its parallelism
    /// rows (rule 2) or region choices (rule 5), its cells, and its slack
    /// in a shortfall model. A Whole job with one region is built as Split.
    fn job(&mut self, j: usize) {
        let p = self.p;
        let job = &p.jobs()[j];
        let first_col = self.lp.col.len();
        if job.windows.is_empty() && !job.may_fall_short() {
            self.lp.job_cols.push(first_col..first_col);
            self.lp.work_row.push(NONE);
            return; // no cell: reported from `JobInfo::closed`
        }
        let whole = job.has_region_choice() && !self.lp.split_all;
        // A Split job whose `max_regions` binds: one `z[j,r]` per region,
        // at most the regions left of the limit (the MILP of the spread
        // rule; the all-Split relaxation drops it, as it drops Whole's).
        let spread = !whole && job.spread_binds() && !self.lp.split_all;
        let work_row = self.add_row(Row::Work { job: j as u32 }, Sense::Eq, job.work);
        self.lp.work_row.push(work_row);
        if !whole {
            self.parallel_rows(j);
        }
        let one_region =
            whole.then(|| self.add_row(Row::OneRegion { job: j as u32 }, Sense::Eq, 1.0));
        let most = spread.then(|| {
            let left = job.regions_left() as f64;
            self.add_row(Row::MaxRegions { job: j as u32 }, Sense::Le, left)
        });
        for w in &job.windows {
            let choice = match (one_region, most) {
                (Some(one), _) => Some(self.region_choice(j, w, Some(one), None)),
                (None, Some(most)) => {
                    // A region the history opened is not counted again.
                    let counted = job.opened_regions.binary_search(&w.region).is_err();
                    Some(self.region_choice(j, w, None, counted.then_some(most)))
                }
                (None, None) => None,
            };
            self.cells(j, w, work_row, choice.as_ref(), spread);
        }
        let has_cell = self.lp.col[first_col..]
            .iter()
            .any(|c| matches!(c, Col::Cell { .. }));
        self.lp.job_without_cells |= !has_cell && !job.may_fall_short();
        if let Some(one) = one_region.filter(|_| job.may_fall_short()) {
            // No region at all: all its work undone, no egress.
            let none = Col::Choice {
                job: j as u32,
                region: NONE,
                spread: false,
            };
            self.add_col(none, 0.0, 1.0, &[(one, 1.0)]);
        }
        // The slack: undone work at its price (in the cost model, and in
        // a spending budget's row under the emissions objective, where it
        // emits nothing), or the shortfall the diagnosis minimises, where
        // a job that may fall short does so for free. The emissions model
        // gives no slack to a job without a price: it must do all its work.
        let slack_cost = match (self.objective, job.unmet_usd_per_work) {
            (Objective::Cost, price) => price,
            (Objective::Emissions, price) => price.map(|_| 0.0),
            (Objective::Shortfall | Objective::ShortfallSplit, Some(_)) => Some(0.0),
            (Objective::Shortfall | Objective::ShortfallSplit, None) => Some(1.0),
        };
        if let Some(cost) = slack_cost {
            let slack = Col::Slack { job: j as u32 };
            let mut entries = vec![(work_row, 1.0)];
            if let (Some((row, Limit::TotalUsd(_))), Some(price)) =
                (self.limit, job.unmet_usd_per_work)
            {
                if price != 0.0 {
                    entries.push((row, price));
                }
            }
            self.add_col(slack, cost, job.work, &entries);
        }
        self.lp.job_cols.push(first_col..self.lp.col.len());
        // Reset the per-slot scratch of this job.
        for w in &job.windows {
            self.par_row[w.first_slot..w.end_slot].fill(NONE);
            self.par_sum[w.first_slot..w.end_slot].fill(0.0);
        }
    }

    /// Rule 2 over every region: `sum_k x[j,k,t] <= m·h` per slot, where
    /// the cells' bounds do not already keep it.
    fn parallel_rows(&mut self, j: usize) {
        let p = self.p;
        let job = &p.jobs()[j];
        let m = job.max_server_hours_per_slot;
        for w in &job.windows {
            for t in w.first_slot..w.end_slot {
                for &k in &w.pools {
                    self.par_sum[t] += cell_upper(p, j, k, t).max(0.0);
                }
            }
        }
        for w in &job.windows {
            for t in w.first_slot..w.end_slot {
                if self.par_sum[t] > m && self.par_row[t] == NONE {
                    let (job, slot) = (j as u32, t as u32);
                    self.par_row[t] = self.add_row(Row::Parallel { job, slot }, Sense::Le, m);
                }
            }
        }
    }

    /// Rule 5 for job `j` in window `w`: the choice column `y[j,r]` (with
    /// the egress as its cost), the per-slot rows `sum_k x <= m·h·y` with
    /// the tightest big-M that holds, and `sum s·x <= W·y`, which integral
    /// `y` implies but which tightens the relaxation a great deal (in one
    /// development run on the (100, 10, 48) MILP with 20 % Whole jobs,
    /// HiGHS took 2.6 s with it and 91 s without).
    ///
    /// A spread choice `z[j,r]` (`one_region` `None`) has the same rows,
    /// enters `most` (the job's `max_regions` row) unless the region is
    /// already open, and costs nothing: the egress stays in the cells.
    fn region_choice(
        &mut self,
        j: usize,
        w: &JobRegion,
        one_region: Option<u32>,
        most: Option<u32>,
    ) -> ChoiceRows {
        let p = self.p;
        let job = &p.jobs()[j];
        let (ju, ru) = (j as u32, w.region as u32);
        let mut rows = ChoiceRows {
            slot: Vec::with_capacity(w.end_slot - w.first_slot),
            work: NONE,
        };
        let spread = one_region.is_none();
        let mut y_entries: Vec<(u32, f64)> = one_region
            .or(most)
            .map(|row| (row, 1.0))
            .into_iter()
            .collect();
        let mut region_work_ub = 0.0;
        for t in w.first_slot..w.end_slot {
            let ubs = w
                .pools
                .iter()
                .map(|&k| (k, cell_upper(p, j, k, t).max(0.0)));
            let in_region_ub: f64 = ubs.clone().map(|(_, ub)| ub).sum();
            region_work_ub += ubs.map(|(k, ub)| ub * p.work_rate(j, k)).sum::<f64>();
            if in_region_ub > 0.0 {
                let slot = t as u32;
                let row = Row::RegionSlot {
                    job: ju,
                    region: ru,
                    slot,
                };
                let r = self.add_row(row, Sense::Le, 0.0);
                rows.slot.push(r);
                y_entries.push((r, -job.max_server_hours_per_slot.min(in_region_ub)));
            } else {
                rows.slot.push(NONE);
            }
        }
        if region_work_ub > 0.0 {
            let row = Row::RegionWork {
                job: ju,
                region: ru,
            };
            rows.work = self.add_row(row, Sense::Le, 0.0);
            y_entries.push((rows.work, -job.work.min(region_work_ub)));
        }
        let egress = match self.objective {
            _ if spread => 0.0,
            Objective::Cost => w.egress_usd,
            Objective::Emissions | Objective::Shortfall | Objective::ShortfallSplit => 0.0,
        };
        if let Some((row, Limit::TotalUsd(_))) = self.limit {
            if w.egress_usd != 0.0 && !spread {
                y_entries.push((row, w.egress_usd));
            }
        }
        let col = Col::Choice {
            job: ju,
            region: ru,
            spread,
        };
        self.add_col(col, egress, 1.0, &y_entries);
        rows
    }

    /// The cells `x[j,k,t]` of job `j` in window `w` that can hold
    /// anything, each with its cost (cell cost, plus a Split job's egress
    /// per work unit) and its entries in every row that holds it.
    fn cells(
        &mut self,
        j: usize,
        w: &JobRegion,
        work_row: u32,
        choice: Option<&ChoiceRows>,
        spread: bool,
    ) {
        let p = self.p;
        let job = &p.jobs()[j];
        let slots = p.slots();
        let egress_per_work = match choice {
            Some(_) if !spread => 0.0, // paid through y
            _ => job.egress_usd_per_work(w),
        };
        let mut entries: Vec<(u32, f64)> = Vec::with_capacity(6);
        for t in w.first_slot..w.end_slot {
            for &k in &w.pools {
                let ub = cell_upper(p, j, k, t);
                if ub <= 0.0 {
                    continue; // this cell can hold nothing: no column
                }
                let pool = &p.pools()[k];
                // Work units per server-hour for this job: the one derate
                // of capacity that can vanish (`Problem::work_per_server_hour`).
                let speed = p.work_rate(j, k);
                entries.clear();
                entries.push((work_row, speed));
                let limits = [
                    (self.cap_row[k * slots + t], 1.0),
                    (
                        self.pow_row[w.region * slots + t],
                        pool.meter_kwh_per_server_hour,
                    ),
                ];
                entries.extend(limits.into_iter().filter(|&(r, _)| r != NONE));
                if let Some(rows) = choice {
                    let rs = rows.slot[t - w.first_slot];
                    entries.extend(
                        [(rs, 1.0), (rows.work, speed)]
                            .into_iter()
                            .filter(|&(r, _)| r != NONE),
                    );
                }
                // Split jobs (a spread one too) keep rule 2 over regions.
                if (choice.is_none() || spread) && self.par_row[t] != NONE {
                    entries.push((self.par_row[t], 1.0));
                }
                let total_usd = pool.cost[t].total_usd() + speed * egress_per_work;
                let emissions_t = pool.cost[t].emissions_t;
                match self.limit {
                    Some((row, Limit::EmissionsT(_))) if emissions_t != 0.0 => {
                        entries.push((row, emissions_t))
                    }
                    Some((row, Limit::TotalUsd(_))) if total_usd != 0.0 => {
                        entries.push((row, total_usd))
                    }
                    _ => {}
                }
                let cost = match self.objective {
                    Objective::Cost => total_usd,
                    Objective::Emissions => emissions_t,
                    Objective::Shortfall | Objective::ShortfallSplit => 0.0,
                };
                let col = Col::Cell {
                    job: j as u32,
                    pool: k as u32,
                    slot: t as u32,
                };
                self.add_col(col, cost, ub, &entries);
            }
        }
    }
}

impl Lp {
    /// Marks the cells of `rows` (job, pool, slot) as the warm start of
    /// column generation.
    pub(crate) fn warm_start(&mut self, rows: impl IntoIterator<Item = (usize, usize, usize)>) {
        let wanted: std::collections::HashSet<(u32, u32, u32)> = rows
            .into_iter()
            .map(|(j, k, t)| (j as u32, k as u32, t as u32))
            .collect();
        self.warm_columns = (0..self.columns())
            .filter(|&i| match self.col[i] {
                Col::Cell { job, pool, slot } => wanted.contains(&(job, pool, slot)),
                _ => false,
            })
            .collect();
    }

    /// The nonzero columns of `x` (a point of this model) by what they
    /// stand for: a point a neighbouring model reads ([`Lp::point_of`]).
    pub(crate) fn by_col(&self, x: &[f64]) -> Arc<[(Col, f64)]> {
        self.col
            .iter()
            .zip(x)
            .filter(|(_, &v)| v != 0.0)
            .map(|(&c, &v)| (c, v))
            .collect()
    }

    /// `point` ([`Lp::by_col`] of a neighbouring model) as a point of
    /// this model: each column its value there, 0 where it had none.
    /// Not checked: the caller checks its rows.
    pub(crate) fn point_of(&self, point: &[(Col, f64)]) -> Vec<f64> {
        let of: std::collections::HashMap<Col, f64> = point.iter().copied().collect();
        self.col
            .iter()
            .map(|c| of.get(c).copied().unwrap_or(0.0))
            .collect()
    }

    /// Marks as warm start the cells that are warm in `other` (a model
    /// of the same problem: its all-Split relaxation, or the MILP).
    pub(crate) fn warm_like(&mut self, other: &Lp) {
        let rows = other
            .warm_columns
            .iter()
            .filter_map(|&i| match other.col[i] {
                Col::Cell { job, pool, slot } => Some((job as usize, pool as usize, slot as usize)),
                _ => None,
            });
        self.warm_start(rows.collect::<Vec<_>>());
        self.seeded = other.seeded;
    }

    /// Work units per server-hour of cell column `i`: its coefficient in
    /// its job's work row, which [`build`] writes first in every cell.
    pub(crate) fn cell_speed(&self, i: usize) -> f64 {
        self.entries(i).next().map_or(1.0, |(_, v)| v)
    }

    /// Number of columns.
    pub(crate) fn columns(&self) -> usize {
        self.col.len()
    }

    /// The entries `(row, value)` of column `i`.
    pub(crate) fn entries(&self, i: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let range = self.start[i]..self.start[i + 1];
        self.entry_row[range.clone()]
            .iter()
            .zip(&self.entry_val[range])
            .map(|(&r, &v)| (r as usize, v))
    }

    /// The size of the whole model.
    pub(crate) fn size(&self, binary: bool) -> ModelSize {
        let choices = self
            .col
            .iter()
            .filter(|c| matches!(c, Col::Choice { .. }))
            .count();
        let binaries = if binary { choices } else { 0 };
        ModelSize {
            variables: self.col.len() - binaries,
            binaries,
            constraints: self.row.len(),
        }
    }

    /// Whether the model has spread choices (`Split` jobs whose
    /// `max_regions` binds).
    pub(crate) fn has_spread(&self) -> bool {
        self.col
            .iter()
            .any(|c| matches!(c, Col::Choice { spread: true, .. }))
    }

    /// Whether the model has region choices (`Whole` jobs with a choice).
    pub(crate) fn has_choices(&self) -> bool {
        self.col.iter().any(|c| matches!(c, Col::Choice { .. }))
    }

    /// Reduced cost of column `i` under duals `dual` (one per row, in the
    /// convention of [`Lp::bound`]): `c_i - sum_r a_ri · dual_r`.
    pub(crate) fn reduced_cost(&self, i: usize, dual: &[f64]) -> f64 {
        self.cost[i] - self.entries(i).map(|(r, v)| v * dual[r]).sum::<f64>()
    }

    /// Makes `dual` valid for the model's signs: a `<=` row of a
    /// minimisation has a dual `<= 0` (raising its right-hand side can only
    /// lower the optimum); an equality row's dual is free. NaN becomes 0.
    pub(crate) fn project_duals(&self, dual: &mut [f64]) {
        for (d, s) in dual.iter_mut().zip(&self.sense) {
            if !d.is_finite() {
                *d = 0.0;
            }
            if *s == Sense::Le && *d > 0.0 {
                *d = 0.0;
            }
        }
    }

    /// The objective of a point `x` (one value per column).
    pub(crate) fn objective_of(&self, x: &[f64]) -> f64 {
        self.cost.iter().zip(x).map(|(c, v)| c * v).sum()
    }
}

/// A goal as the model states it (its objective and its limit row).
impl Goal {
    /// The unit of the objective: `"usd"` or `"t"` (tCO2e).
    pub fn objective_unit(&self) -> &'static str {
        self.model().0.unit()
    }

    /// The model's objective and limit row. The row's right-hand side is
    /// the limit plus half the evaluator's relative tolerance: a limit exactly at
    /// the least achievable value (a budget of the least total) is then
    /// feasible for the solvers, whose own tolerance would otherwise call
    /// it infeasible, and the plan still passes the evaluator's check. The
    /// bound stays valid: a looser row can only lower the optimum.
    pub(crate) fn model(&self) -> (Objective, Option<Limit>) {
        let eased = |l: f64| l + 0.5 * crate::limits::TOLERANCE * l.abs();
        match *self {
            Goal::LeastCost => (Objective::Cost, None),
            Goal::LeastCostUnderCap { emissions_t } => {
                (Objective::Cost, Some(Limit::EmissionsT(eased(emissions_t))))
            }
            Goal::LeastEmissionsUnderBudget { total_usd } => (
                Objective::Emissions,
                Some(Limit::TotalUsd(eased(total_usd))),
            ),
        }
    }
}
