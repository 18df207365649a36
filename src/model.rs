//! The LP/MILP of MODEL.md, built once over the problem's eligible cells,
//! and its solution by the chosen backend.
//!
//! Two objectives share one model: the cost (the optimum) and the total
//! shortfall (the least-shortfall plan that explains infeasibility, where
//! the work constraint gets a slack). Every constraint is built in one pass
//! over the cells; a constraint that cannot bind (the upper bounds of its
//! variables already keep it) is left out.

use crate::backend::Backend;
use crate::scenario::Placement;
use crate::{Error, Problem};
use good_lp::{
    variable, Constraint, Expression, ProblemVariables, ResolutionError, Solution, Solver,
    SolverModel, Variable,
};

/// Relative optimality gap at which a MILP solver with a gap option stops
/// (microlp has none: it proves optimality). HiGHS's default, 1e-4, would
/// break the 1e-6 relative agreement that the crate promises.
#[cfg(feature = "highs")]
const MIP_REL_GAP: f64 = 1e-7;

/// What the model minimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Objective {
    /// Total cost in dollars; every job's work must be done.
    Cost,
    /// Total work units left undone.
    Shortfall,
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

/// The variable `x[j,k,t]`: server-hours of a job on a pool in a slot.
pub(crate) struct CellVar {
    pub(crate) job: usize,
    pub(crate) pool: usize,
    pub(crate) slot: usize,
    pub(crate) x: Variable,
    /// Its upper bound in server-hours (capacity, parallelism, power cap).
    pub(crate) ub: f64,
}

/// A built model, ready for a backend.
pub(crate) struct Model {
    vars: ProblemVariables,
    objective: Expression,
    constraints: Vec<Constraint>,
    /// Every variable of server-hours.
    pub(crate) cells: Vec<CellVar>,
    /// `(job, region, y)` for every region choice of a `Whole` job.
    pub(crate) choices: Vec<(usize, usize, Variable)>,
    /// `(job, slack)` in the shortfall model.
    pub(crate) shortfalls: Vec<(usize, Variable)>,
    pub(crate) size: ModelSize,
    /// Some job with eligible windows got no variable at all (every cell
    /// has zero capacity), so the cost model is infeasible as built.
    pub(crate) job_without_cells: bool,
}

/// A solved model: its variables (moved out of the model, not copied) and
/// their values.
pub(crate) struct Solved {
    /// As in [`Model::cells`].
    pub(crate) cells: Vec<CellVar>,
    /// `(job, region, y)`, as in [`Model::choices`].
    pub(crate) choices: Vec<(usize, usize, Variable)>,
    /// `(job, slack)`, as in [`Model::shortfalls`].
    pub(crate) shortfalls: Vec<(usize, Variable)>,
    /// The values, in the same orders.
    pub(crate) values: Values,
}

/// Values of the cell and shortfall variables, in the model's order.
pub(crate) struct Values {
    pub(crate) cells: Vec<f64>,
    pub(crate) choices: Vec<f64>,
    pub(crate) shortfalls: Vec<f64>,
}

pub(crate) fn build(p: &Problem, objective_kind: Objective) -> Model {
    let slots = p.slots();
    let mut vars = ProblemVariables::new();
    let mut objective = Expression::default();
    let mut constraints = Vec::new();
    let mut cells = Vec::new();
    let mut shortfalls = Vec::new();
    let mut region_choices = Vec::new();
    let mut binaries = 0;
    let mut job_without_cells = false;

    // Capacity per (pool, slot) and energy per (region, slot): sums of the
    // cells that touch them and of those cells' upper bounds.
    let mut capacity: Vec<(Expression, f64)> = (0..p.pools().len() * slots)
        .map(|_| (Expression::default(), 0.0))
        .collect();
    let mut power: Vec<(Expression, f64)> = (0..p.regions().len() * slots)
        .map(|_| (Expression::default(), 0.0))
        .collect();

    for (j, job) in p.jobs().iter().enumerate() {
        if job.windows.is_empty() {
            continue; // no cell: reported from `JobInfo::closed`
        }
        let whole_choice = job.placement == Placement::Whole && job.windows.len() > 1;
        let mut work = Expression::default();
        let mut choices = Expression::default();
        // Parallelism per slot, over every region (Split; a Whole job with
        // a choice gets it per region, through y, below).
        let mut parallel: Vec<(Expression, f64)> = Vec::new();
        if !whole_choice {
            parallel = (0..slots).map(|_| (Expression::default(), 0.0)).collect();
        }
        for w in &job.windows {
            let y = whole_choice.then(|| {
                binaries += 1;
                let y = vars.add(variable().binary());
                region_choices.push((j, w.region, y));
                choices.add_mul(1.0, y);
                if objective_kind == Objective::Cost {
                    objective.add_mul(w.egress_usd, y);
                }
                y
            });
            let egress_per_work = if whole_choice {
                0.0 // paid through y
            } else {
                job.egress_usd_per_work(w)
            };
            let region = &p.regions()[w.region];
            let mut region_work = Expression::default();
            let mut region_work_ub = 0.0;
            for t in w.first_slot..w.end_slot {
                let mut in_region = Expression::default();
                let mut in_region_ub = 0.0;
                for &k in &region.pools {
                    let pool = &p.pools()[k];
                    let mut ub = pool.capacity_server_hours[t].min(job.max_server_hours_per_slot);
                    if let Some(cap) = region.power_cap_kwh_per_slot {
                        if pool.meter_kwh_per_server_hour > 0.0 {
                            ub = ub.min(cap / pool.meter_kwh_per_server_hour);
                        }
                    }
                    if ub <= 0.0 {
                        continue; // this cell can hold nothing: no variable
                    }
                    let x = vars.add(variable().min(0.0).max(ub));
                    cells.push(CellVar {
                        job: j,
                        pool: k,
                        slot: t,
                        x,
                        ub,
                    });
                    if objective_kind == Objective::Cost {
                        let c = pool.cost[t].total_usd() + pool.speed * egress_per_work;
                        objective.add_mul(c, x);
                    }
                    work.add_mul(pool.speed, x);
                    let cap = &mut capacity[k * slots + t];
                    cap.0.add_mul(1.0, x);
                    cap.1 += ub;
                    if region.power_cap_kwh_per_slot.is_some() {
                        let pw = &mut power[w.region * slots + t];
                        pw.0.add_mul(pool.meter_kwh_per_server_hour, x);
                        pw.1 += ub * pool.meter_kwh_per_server_hour;
                    }
                    if whole_choice {
                        region_work.add_mul(pool.speed, x);
                        region_work_ub += ub * pool.speed;
                        in_region.add_mul(1.0, x);
                        in_region_ub += ub;
                    } else {
                        parallel[t].0.add_mul(1.0, x);
                        parallel[t].1 += ub;
                    }
                }
                if let Some(y) = y {
                    if in_region_ub > 0.0 {
                        // sum_k x <= m·h·y (with the tightest big-M that holds).
                        let m = job.max_server_hours_per_slot.min(in_region_ub);
                        constraints.push(in_region.leq(m * y));
                    }
                }
            }
            if let Some(y) = y {
                // And sum_{k,t} s·x <= W·y: implied by the per-slot links
                // for integral y, but it tightens the LP relaxation a great
                // deal (in one development run on the synth (100, 10, 48)
                // MILP with 20 % Whole jobs, HiGHS at its default gap took
                // 2.6 s with it and 91 s without).
                if region_work_ub > 0.0 {
                    constraints.push(region_work.leq(job.work.min(region_work_ub) * y));
                }
            }
        }
        job_without_cells |= cells.last().is_none_or(|c| c.job != j);
        for (expr, ub) in parallel {
            if ub > job.max_server_hours_per_slot {
                constraints.push(expr.leq(job.max_server_hours_per_slot));
            }
        }
        if whole_choice {
            constraints.push(choices.eq(1.0));
        }
        match objective_kind {
            Objective::Cost => constraints.push(work.eq(job.work)),
            Objective::Shortfall => {
                let s = vars.add(variable().min(0.0).max(job.work));
                objective.add_mul(1.0, s);
                work.add_mul(1.0, s);
                shortfalls.push((j, s));
                constraints.push(work.eq(job.work));
            }
        }
    }
    for (k, pool) in p.pools().iter().enumerate() {
        for t in 0..slots {
            let (expr, ub) = std::mem::take(&mut capacity[k * slots + t]);
            if ub > pool.capacity_server_hours[t] {
                constraints.push(expr.leq(pool.capacity_server_hours[t]));
            }
        }
    }
    for (r, region) in p.regions().iter().enumerate() {
        if let Some(cap) = region.power_cap_kwh_per_slot {
            for t in 0..slots {
                let (expr, ub) = std::mem::take(&mut power[r * slots + t]);
                if ub > cap {
                    constraints.push(expr.leq(cap));
                }
            }
        }
    }
    let size = ModelSize {
        variables: vars.len() - binaries,
        binaries,
        constraints: constraints.len(),
    };
    Model {
        vars,
        objective,
        constraints,
        cells,
        choices: region_choices,
        shortfalls,
        size,
        job_without_cells,
    }
}

/// Why a model could not be solved.
pub(crate) enum SolveFailure {
    /// The solver proved there is no feasible plan.
    Infeasible,
    /// Anything else, as the solver said it.
    Other(Error),
}

impl Model {
    /// Solves the model with `backend` (resolved if `Auto`) and reads the
    /// values back.
    pub(crate) fn solve(self, backend: Backend) -> Result<Solved, SolveFailure> {
        if self.vars.is_empty() {
            // Nothing to decide (no job has a cell); some solvers cannot
            // take an empty model, and none is needed.
            return Ok(Solved {
                values: Values {
                    cells: Vec::new(),
                    choices: Vec::new(),
                    shortfalls: Vec::new(),
                },
                cells: self.cells,
                choices: self.choices,
                shortfalls: self.shortfalls,
            });
        }
        match backend.resolve(&self.size) {
            Backend::Microlp => self.solve_with(good_lp::microlp, |m| m),
            #[cfg(feature = "clarabel")]
            Backend::Clarabel if self.size.binaries > 0 => Err(SolveFailure::Other(
                Error::Solver("clarabel cannot solve a model with binary variables (Whole jobs); use microlp or highs".into()),
            )),
            #[cfg(feature = "clarabel")]
            Backend::Clarabel => self.solve_with(good_lp::clarabel, |m| m),
            #[cfg(feature = "highs")]
            Backend::Highs => self.solve_with(good_lp::highs, |m| {
                m.set_option("mip_rel_gap", MIP_REL_GAP)
            }),
            Backend::Auto => Err(SolveFailure::Other(Error::Solver(
                "internal: Auto backend not resolved".into(),
            ))),
        }
    }

    /// Solves with `solver`, after `tune` sets the solver's own options.
    fn solve_with<S>(
        self,
        solver: S,
        tune: impl FnOnce(S::Model) -> S::Model,
    ) -> Result<Solved, SolveFailure>
    where
        S: Solver,
        S::Model: SolverModel<Error = ResolutionError>,
    {
        let Model {
            vars,
            objective,
            constraints,
            cells,
            choices,
            shortfalls,
            ..
        } = self;
        let solution = tune(vars.minimise(objective).using(solver))
            .with_all(constraints)
            .solve()
            .map_err(|e| match e {
                ResolutionError::Infeasible => SolveFailure::Infeasible,
                other => SolveFailure::Other(Error::Solver(other.to_string())),
            })?;
        let values = Values {
            cells: cells.iter().map(|c| solution.value(c.x)).collect(),
            choices: choices.iter().map(|c| solution.value(c.2)).collect(),
            shortfalls: shortfalls.iter().map(|s| solution.value(s.1)).collect(),
        };
        Ok(Solved {
            cells,
            choices,
            shortfalls,
            values,
        })
    }
}
