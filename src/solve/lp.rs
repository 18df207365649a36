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

use crate::scenario::Placement;
use crate::Problem;

/// What the model minimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Objective {
    /// Total cost in dollars; every job's work must be done.
    Cost,
    /// Total work units left undone.
    Shortfall,
    /// Total work units left undone, every job treated as Split (the
    /// region choices of Whole jobs dropped).
    ShortfallSplit,
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Col {
    /// `x[j,k,t]`, server-hours.
    Cell { job: u32, pool: u32, slot: u32 },
    /// `y[j,r]`, the region choice of a `Whole` job (binary in the MILP).
    Choice { job: u32, region: u32 },
    /// Work units of job `j` left undone (shortfall model only).
    Slack { job: u32 },
}

/// What a row stands for (its dual's meaning).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
}

/// `<=` or `=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sense {
    Le,
    Eq,
}

/// The sparse model: columns in compressed sparse column form, grouped by
/// job (each job's choices, cells and slack are one contiguous range).
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
    /// Some job with an eligible window got no column at all (every cell
    /// has zero capacity): the cost model is infeasible as built.
    pub(crate) job_without_cells: bool,
    /// Columns of a known plan (a heuristic's), which column generation
    /// puts in its first working set so that the first restricted LP is
    /// feasible without artificial work.
    pub(crate) warm_columns: Vec<usize>,
}

/// Bytes per column and per nonzero of the engine's own matrix, and of a
/// solver's copy of a model (good_lp's expressions plus the solver's
/// arrays). Rough, on the safe side: in one development run the full
/// (300, 20, 168) model (1.2 M columns, 4.1 M nonzeros) peaked at 1.0 GiB
/// with HiGHS, about 250 bytes per nonzero.
const MATRIX_BYTES_PER_COLUMN: usize = 64;
const MATRIX_BYTES_PER_NONZERO: usize = 12;
pub(crate) const SOLVER_BYTES_PER_NONZERO: usize = 250;

/// A size estimate made before anything is allocated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct ModelEstimate {
    /// At most this many columns (server-hour cells and region choices).
    pub columns: usize,
    /// At most this many nonzeros in the constraint matrix.
    pub nonzeros: usize,
    /// Bytes of the engine's own copy of the model.
    pub matrix_bytes: usize,
    /// Bytes a solver would need to take the whole model at once.
    pub full_solver_bytes: usize,
}

/// Counts columns and nonzeros from the jobs' windows alone (no cell is
/// visited), so it costs microseconds whatever the size.
pub(crate) fn estimate(p: &Problem) -> ModelEstimate {
    let mut columns: usize = 0;
    let mut nonzeros: usize = 0;
    for job in p.jobs() {
        let whole = job.placement == Placement::Whole && job.windows.len() > 1;
        for w in &job.windows {
            let region = &p.regions()[w.region];
            let cells = (w.end_slot - w.first_slot).saturating_mul(region.pools.len());
            // work, capacity, parallel or region-slot, power, region-work
            let per_cell =
                3 + usize::from(region.power_cap_kwh_per_slot.is_some()) + usize::from(whole);
            columns = columns.saturating_add(cells);
            nonzeros = nonzeros.saturating_add(cells.saturating_mul(per_cell));
            if whole {
                columns += 1;
                nonzeros += 2 + (w.end_slot - w.first_slot);
            }
        }
        columns += 1; // a slack or an artificial
        nonzeros += 1;
    }
    ModelEstimate {
        columns,
        nonzeros,
        matrix_bytes: columns
            .saturating_mul(MATRIX_BYTES_PER_COLUMN)
            .saturating_add(nonzeros.saturating_mul(MATRIX_BYTES_PER_NONZERO)),
        full_solver_bytes: nonzeros.saturating_mul(SOLVER_BYTES_PER_NONZERO),
    }
}

/// The upper bound of cell `(j, k, t)` in server-hours: capacity,
/// parallelism and the power cap, whichever is least.
fn cell_upper(p: &Problem, j: usize, k: usize, t: usize) -> f64 {
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

struct Builder {
    lp: Lp,
}

impl Builder {
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
}

/// Builds the model of `p` for `objective`.
pub(crate) fn build(p: &Problem, objective: Objective) -> Lp {
    let slots = p.slots();
    let (n_pools, n_regions) = (p.pools().len(), p.regions().len());
    const NONE: u32 = u32::MAX;

    // Pass 1: the sum of the cells' upper bounds per capacity and power
    // row, to leave out the rows that cannot bind.
    let mut cap_sum = vec![0.0; n_pools * slots];
    let mut pow_sum = vec![0.0; n_regions * slots];
    for (j, job) in p.jobs().iter().enumerate() {
        for w in &job.windows {
            let region = &p.regions()[w.region];
            for t in w.first_slot..w.end_slot {
                for &k in &region.pools {
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
    let mut b = Builder {
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
            job_without_cells: false,
            warm_columns: Vec::new(),
        },
    };
    // Row indices of the capacity and power rows that are kept.
    let mut cap_row = vec![NONE; n_pools * slots];
    for (k, pool) in p.pools().iter().enumerate() {
        for t in 0..slots {
            let cap = pool.capacity_server_hours[t];
            if cap_sum[k * slots + t] > cap {
                cap_row[k * slots + t] = b.add_row(
                    Row::Capacity {
                        pool: k as u32,
                        slot: t as u32,
                    },
                    Sense::Le,
                    cap,
                );
            }
        }
    }
    drop(cap_sum);
    let mut pow_row = vec![NONE; n_regions * slots];
    for (r, region) in p.regions().iter().enumerate() {
        if let Some(cap) = region.power_cap_kwh_per_slot {
            for t in 0..slots {
                if pow_sum[r * slots + t] > cap {
                    pow_row[r * slots + t] = b.add_row(
                        Row::Power {
                            region: r as u32,
                            slot: t as u32,
                        },
                        Sense::Le,
                        cap,
                    );
                }
            }
        }
    }
    drop(pow_sum);

    // Per job: its rows, then its columns.
    let mut par_sum = vec![0.0; slots];
    let mut par_row = vec![NONE; slots];
    let mut entries: Vec<(u32, f64)> = Vec::with_capacity(6);
    for (j, job) in p.jobs().iter().enumerate() {
        let first_col = b.lp.col.len();
        let ju = j as u32;
        if job.windows.is_empty() {
            b.lp.job_cols.push(first_col..first_col);
            b.lp.work_row.push(NONE);
            continue; // no cell: reported from `JobInfo::closed`
        }
        let whole = job.placement == Placement::Whole
            && job.windows.len() > 1
            && objective != Objective::ShortfallSplit;
        let m = job.max_server_hours_per_slot;
        let work_row = b.add_row(Row::Work { job: ju }, Sense::Eq, job.work);
        b.lp.work_row.push(work_row);
        // Parallelism rows over every region (Split, or Whole with one
        // region), where the cells' bounds do not already keep them.
        if !whole {
            for w in &job.windows {
                for (t, sum) in par_sum
                    .iter_mut()
                    .enumerate()
                    .take(w.end_slot)
                    .skip(w.first_slot)
                {
                    for &k in &p.regions()[w.region].pools {
                        *sum += cell_upper(p, j, k, t).max(0.0);
                    }
                }
            }
            for w in &job.windows {
                for t in w.first_slot..w.end_slot {
                    if par_sum[t] > m && par_row[t] == NONE {
                        par_row[t] = b.add_row(
                            Row::Parallel {
                                job: ju,
                                slot: t as u32,
                            },
                            Sense::Le,
                            m,
                        );
                    }
                }
            }
        }
        let one_region = whole.then(|| b.add_row(Row::OneRegion { job: ju }, Sense::Eq, 1.0));
        for w in &job.windows {
            let region = &p.regions()[w.region];
            let ru = w.region as u32;
            // The region choice and its rows.
            let mut region_slot_rows: Vec<u32> = Vec::new();
            let mut region_work_row = NONE;
            if let Some(one) = one_region {
                let mut region_work_ub = 0.0;
                let mut y_entries = vec![(one, 1.0)];
                for t in w.first_slot..w.end_slot {
                    let in_region_ub: f64 = region
                        .pools
                        .iter()
                        .map(|&k| cell_upper(p, j, k, t).max(0.0))
                        .sum();
                    region_work_ub += region
                        .pools
                        .iter()
                        .map(|&k| cell_upper(p, j, k, t).max(0.0) * p.pools()[k].speed)
                        .sum::<f64>();
                    if in_region_ub > 0.0 {
                        // sum_k x <= m·h·y, with the tightest big-M that holds.
                        let big_m = m.min(in_region_ub);
                        let r = b.add_row(
                            Row::RegionSlot {
                                job: ju,
                                region: ru,
                                slot: t as u32,
                            },
                            Sense::Le,
                            0.0,
                        );
                        region_slot_rows.push(r);
                        y_entries.push((r, -big_m));
                    } else {
                        region_slot_rows.push(NONE);
                    }
                }
                if region_work_ub > 0.0 {
                    region_work_row = b.add_row(
                        Row::RegionWork {
                            job: ju,
                            region: ru,
                        },
                        Sense::Le,
                        0.0,
                    );
                    y_entries.push((region_work_row, -job.work.min(region_work_ub)));
                }
                let egress = if objective == Objective::Cost {
                    w.egress_usd
                } else {
                    0.0
                };
                b.add_col(
                    Col::Choice {
                        job: ju,
                        region: ru,
                    },
                    egress,
                    1.0,
                    &y_entries,
                );
            }
            let egress_per_work = if whole {
                0.0 // paid through y
            } else {
                job.egress_usd_per_work(w)
            };
            for t in w.first_slot..w.end_slot {
                for &k in &region.pools {
                    let ub = cell_upper(p, j, k, t);
                    if ub <= 0.0 {
                        continue; // this cell can hold nothing: no column
                    }
                    let pool = &p.pools()[k];
                    entries.clear();
                    entries.push((work_row, pool.speed));
                    let c = cap_row[k * slots + t];
                    if c != NONE {
                        entries.push((c, 1.0));
                    }
                    let pw = pow_row[w.region * slots + t];
                    if pw != NONE {
                        entries.push((pw, pool.meter_kwh_per_server_hour));
                    }
                    if whole {
                        let rs = region_slot_rows[t - w.first_slot];
                        if rs != NONE {
                            entries.push((rs, 1.0));
                        }
                        if region_work_row != NONE {
                            entries.push((region_work_row, pool.speed));
                        }
                    } else if par_row[t] != NONE {
                        entries.push((par_row[t], 1.0));
                    }
                    let cost = match objective {
                        Objective::Cost => pool.cost[t].total_usd() + pool.speed * egress_per_work,
                        Objective::Shortfall | Objective::ShortfallSplit => 0.0,
                    };
                    b.add_col(
                        Col::Cell {
                            job: ju,
                            pool: k as u32,
                            slot: t as u32,
                        },
                        cost,
                        ub,
                        &entries,
                    );
                }
            }
        }
        let has_cell = b.lp.col[first_col..]
            .iter()
            .any(|c| matches!(c, Col::Cell { .. }));
        b.lp.job_without_cells |= !has_cell;
        if objective != Objective::Cost {
            b.add_col(Col::Slack { job: ju }, 1.0, job.work, &[(work_row, 1.0)]);
        }
        b.lp.job_cols.push(first_col..b.lp.col.len());
        // Reset the per-slot scratch of this job.
        for w in &job.windows {
            for t in w.first_slot..w.end_slot {
                par_sum[t] = 0.0;
                par_row[t] = NONE;
            }
        }
    }
    b.lp
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
