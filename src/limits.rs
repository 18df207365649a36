//! What bounds a solve: the gap it aims for, the deadline, the cancel
//! flag and the memory budget's defaults, why a solve stopped early, and
//! when column generation runs. Holds no solver and touches no model: every
//! other floor of the engine reads these.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// Relative tolerance of every check: a limit `L` is kept when the amount
/// is at most `L + TOLERANCE · max(1, |L|)`, and the work is done when it is
/// within `TOLERANCE · W` of `W`.
pub const TOLERANCE: f64 = 1e-6;

/// Default relative gap: a plan whose total is within this fraction of a
/// proven lower bound counts as optimal.
pub const DEFAULT_GAP: f64 = 1e-7;

/// The least relative gap a solve aims for: a smaller target is raised
/// to it (the solvers' own accuracy).
pub(crate) const MIN_GAP: f64 = 1e-9;

/// The relative gap of a plan of objective `total` over a proven lower
/// bound `bound`: `(total - bound) / max(1, |total|)`, as every report
/// states it (docs/MODEL.md). The one rule of every gap the engine
/// certifies, in the objective's own unit ($, or tCO2e under a budget):
/// it holds for a negative objective (energy may be priced below zero),
/// a small one (a few tonnes) and a large one alike.
pub(crate) fn relative_gap(total: f64, bound: f64) -> f64 {
    (total - bound) / total.abs().max(1.0)
}

/// The lower bound a MILP solver's claim certifies: asked for a relative
/// gap `g` and an absolute gap `g` ([`solver_abs_gap`]), a solver that
/// stops at its plan of objective `ub` has proven that no plan is below
/// `ub - g·max(1, |ub|)`: whichever of the two it met, the difference is
/// at most `g·|ub|` or `g`. So [`relative_gap`]`(ub, bound) = g`: what
/// the solver was asked for is what the report can state, whatever the
/// sign or size of `ub` (a bound scaled by any other number, such as an
/// earlier bound, is wider than the target where that number's size is
/// above `|ub|`: every negative optimum).
pub(crate) fn certified_bound(ub: f64, g: f64) -> f64 {
    ub - g * ub.abs().max(1.0)
}

/// The absolute gap, in the objective's unit, to hand a MILP solver along
/// with the relative gap `g` (see [`certified_bound`]): `g` itself, the
/// `1` of `max(1, |ub|)`.
pub(crate) fn solver_abs_gap(g: f64) -> f64 {
    g
}

/// The share of the target gap a solver or a search is asked for: the
/// rest leaves room for the evaluator's re-pricing of the cleaned plan (a
/// difference of about 1e-13 relative) and for a solver that reads its
/// gap in single precision (microlp).
pub(crate) const SOLVER_GAP_SHARE: f64 = 0.9;

/// Default memory budget of one solve, in bytes (4 GiB): a model whose
/// estimate is above it is refused before it is built.
pub const DEFAULT_MEMORY_BUDGET_BYTES: usize = 4 << 30;

/// Why a solve ended before its gap was proven.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum StopReason {
    /// The time limit passed.
    TimeLimit,
    /// The cancellation flag was raised.
    Cancelled,
    /// The next stage (the exact MILP over the whole model) would need
    /// more memory than the budget allows.
    MemoryBudget,
    /// The engine's own branch and bound searched its most nodes
    /// (`MAX_NODES`, 10,000) without proving the gap.
    NodeLimit,
}

impl std::fmt::Display for StopReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            StopReason::TimeLimit => "time limit",
            StopReason::Cancelled => "cancellation",
            StopReason::MemoryBudget => "the memory budget",
            StopReason::NodeLimit => "the search's node limit",
        })
    }
}

/// When the LP is solved by column generation (a sequence of small LPs
/// over a working set of cells, priced with the duals) instead of whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ColumnGeneration {
    /// With Clarabel on a model of at least 20,000 columns. HiGHS solves
    /// whole models faster than it re-solves restricted ones from scratch.
    #[default]
    Auto,
    /// Whenever the solver gives duals, whatever the size.
    Always,
    /// Never: the whole model in one call.
    Never,
}

/// The limits and settings of one solve.
#[derive(Debug, Clone)]
pub(crate) struct Limits {
    pub(crate) deadline: Option<Instant>,
    pub(crate) gap: f64,
    pub(crate) cancel: Option<Arc<AtomicBool>>,
    pub(crate) column_generation: ColumnGeneration,
    /// The whole model fits the memory budget in a solver (else only
    /// column generation may run, and no exact MILP stage).
    pub(crate) whole_model_fits: bool,
    /// Bytes one solver call may take (what the memory budget leaves
    /// beside the problem and the engine's model): column generation
    /// keeps its working set within it ([`super::memory::call_bytes`]).
    pub(crate) solver_room_bytes: usize,
}

impl Limits {
    /// No deadline, no cancel flag, and room for the whole model: the
    /// engine's unit tests solve exactly at `gap`.
    #[cfg(test)]
    pub(crate) fn unbounded(gap: f64, column_generation: ColumnGeneration) -> Limits {
        Limits {
            deadline: None,
            gap,
            cancel: None,
            column_generation,
            whole_model_fits: true,
            solver_room_bytes: usize::MAX,
        }
    }

    /// Why to stop now, if at all.
    pub(crate) fn stop(&self) -> Option<StopReason> {
        if self
            .cancel
            .as_ref()
            .is_some_and(|c| c.load(Ordering::Relaxed))
        {
            return Some(StopReason::Cancelled);
        }
        if self.deadline.is_some_and(|d| Instant::now() >= d) {
            return Some(StopReason::TimeLimit);
        }
        None
    }

    /// Seconds left, if limited.
    pub(crate) fn remaining(&self) -> Option<f64> {
        self.deadline
            .map(|d| d.saturating_duration_since(Instant::now()).as_secs_f64())
    }
}
