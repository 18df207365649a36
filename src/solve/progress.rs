//! What the engine reports while it works: the stages between solver
//! calls ([`Stage`]), the progress a caller's hook receives
//! ([`Progress`]), and the internal hook through which each stage reports
//! a round. Holds no solver logic.

use super::backend::Backend;
use super::lp::ModelSize;
use std::sync::Arc;

/// A caller's progress hook ([`crate::Optimal::on_progress`]).
pub(crate) type Hook = Arc<dyn Fn(&Progress) + Send + Sync>;

/// A stage's news for the progress hook: the stage, solver calls so far,
/// columns in the last call, the incumbent and the proven bound.
pub(crate) type OnRound<'a> = &'a dyn Fn(Stage, usize, usize, Option<f64>, f64);

/// The stages the engine reports between solver calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Stage {
    /// A round of column generation on the LP (or the relaxation).
    Sifting,
    /// The all-Split relaxation of the MILP (every Whole job as Split)
    /// is solved: its bound is proven.
    Relaxation,
    /// Duals priced per region choice (each `Whole` job in one region at
    /// those prices): a tighter proven bound, with no solver call. Round 0
    /// prices the relaxation's duals; round `n` those of the `n`-th fixed
    /// LP.
    Priced,
    /// The relaxation's point rounded, without an LP: a `Whole` job wholly
    /// in one region keeps its cells; a spread one is placed anew in the
    /// option whose fill costs least within the room left: a feasible
    /// plan.
    Rounded,
    /// The `Whole` jobs are fixed to one region each (where the last
    /// prices make each cheapest, or its largest share) and the rest
    /// re-solved: a feasible plan. `round` counts these LPs.
    Fixed,
    /// The exact MILP solver has returned.
    Exact,
    /// A node of the engine's own branch and bound over the region
    /// choices (an LP of the all-Split relaxation, or of the MILP with its
    /// choices fixed).
    Branch,
    /// A round of the least-shortfall diagnosis.
    Diagnosis,
}

/// A stage of the optimum's work, as reported to a progress hook
/// ([`crate::Optimal::on_progress`]).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Progress {
    /// The model is built and handed to the solver.
    Built {
        /// Its size.
        size: ModelSize,
        /// The solver that will solve it (`Auto` resolved).
        backend: Backend,
        /// Seconds spent building it.
        seconds: f64,
    },
    /// A solver call has returned within a longer solve (a round of
    /// column generation, the relaxation, the fixed plan, the exact MILP):
    /// the best plan so far and the proven bound.
    Round {
        /// Which stage.
        stage: Stage,
        /// Solver calls so far in this stage.
        round: usize,
        /// Columns in the last call.
        columns: usize,
        /// Total of the best feasible plan so far, in $ (the model's
        /// objective, before the evaluator re-prices it).
        incumbent_usd: Option<f64>,
        /// A proven lower bound on the least total, in $.
        bound_usd: f64,
    },
    /// The solver has returned.
    Solved {
        /// Seconds the solver took.
        seconds: f64,
    },
    /// The problem is infeasible; the least-shortfall model is being
    /// solved to say why.
    Diagnosing,
    /// The diagnosis is done (its error is about to be returned).
    Diagnosed {
        /// Seconds it took.
        seconds: f64,
    },
}
