//! What one solver call holds, estimated from its counts before anything
//! of it is built: good_lp's variables and expressions, the solver's own
//! copy of the model and its working memory (Clarabel's KKT system and
//! its factors, microlp's LU factors and its branch and bound's copy of
//! the problem). The engine keeps its own model ([`super::lp::Lp`]) and
//! the problem while a call runs: the call gets what the memory budget
//! leaves of them ([`crate::limits::Limits::solver_room_bytes`]).

use super::backend::Backend;

/// Bytes per column of the model the engine holds beside its model's
/// matrix while it solves: the point and its copies (the best so far,
/// the repaired plan), column generation's list of the columns that price
/// negative (16 bytes each) and its membership flags, and Greedy's sorted
/// cells that seed it. Measured with a counting allocator
/// (`tests/memory_budget.rs`): 4 jobs × 25,000 slots (800 k columns)
/// under a 256 MiB budget peaked 52 MB above the problem, the model and
/// the call by their estimates, 65 bytes per column; taken with a margin.
pub(crate) const ENGINE_BYTES_PER_COLUMN: usize = 96;

/// Bytes per column and per nonzero of one call, by solver.
#[derive(Debug, Clone, Copy)]
struct PerCall {
    column: usize,
    nonzero: usize,
}

/// Clarabel, an interior point method: good_lp adds two bound rows per
/// column (`x >= 0`, `x <= u`), so its KKT matrix has three rows and
/// columns per model column on top of the model's rows, and Clarabel
/// keeps the matrix, its scaled copy, the KKT assembly maps, the AMD
/// ordering and the LDL factors, plus a dozen vectors per iterate.
/// Calibrated on the shapes of the issue-25 reproducers (one region,
/// eight one-server pools, one-minute slots, `examples/memory_calibration`,
/// the whole model in one call, peak RSS less the peak of building the
/// model alone): 1 job × 50,000 slots (400 k columns, 800 k nonzeros)
/// took 606 MiB; 4 jobs × 25,000 slots (800 k columns, 2.4 M nonzeros)
/// 1,425 MiB; 4 jobs × 50,000 slots (1.6 M columns, 4.8 M nonzeros)
/// 2,808 MiB, linear in the size (no fill beyond it on these shapes).
/// Fitted: 983 bytes per column and 266 per nonzero; taken with a margin.
/// Counted against the engine's estimate of 3 nonzeros per cell, this is
/// 1,840 bytes per cell where the runs took 1,516 to 1,781; a MILP's
/// stages (4 Whole jobs × 10,000 slots over two regions, 160 k columns)
/// took 2,040 a cell, covered by its model counted twice (`engine`).
#[cfg(feature = "clarabel")]
const CLARABEL: PerCall = PerCall {
    column: 1_000,
    nonzero: 280,
};

/// microlp, a sparse revised simplex (LU factors of the basis; no dense
/// tableau), with a branch and bound that keeps one copy of the problem
/// beside its solver. Measured as Clarabel above, per nonzero of the
/// engine's estimate (3 per cell): 1 job × 50,000 slots took 146 MiB
/// (122 bytes), 1 job × 200,000 slots 512 MiB (107), 4 jobs × 25,000
/// slots 440 MiB (183), 4 jobs × 50,000 slots 853 MiB (178), and a MILP,
/// 4 Whole jobs × 10,000 slots over two regions (160 k columns), 117 MB
/// (243): nothing more per column. 250 bytes per nonzero covers all.
const MICROLP: PerCall = PerCall {
    column: 0,
    nonzero: 250,
};

/// HiGHS (not measured in this calibration: the estimate it had before,
/// from one development run where the (300, 20, 168) model, 1.2 M
/// columns and 4.1 M nonzeros, peaked at 1.0 GiB).
#[cfg(feature = "highs")]
const HIGHS: PerCall = PerCall {
    column: 0,
    nonzero: 250,
};

fn per_call(backend: Backend) -> PerCall {
    match backend {
        // `Auto` is resolved before any call: count the largest.
        Backend::Auto => max(MICROLP, CLARABEL_OR_MICROLP),
        Backend::Microlp => MICROLP,
        #[cfg(feature = "clarabel")]
        Backend::Clarabel => CLARABEL,
        #[cfg(feature = "highs")]
        Backend::Highs => HIGHS,
    }
}

#[cfg(feature = "clarabel")]
const CLARABEL_OR_MICROLP: PerCall = CLARABEL;
#[cfg(not(feature = "clarabel"))]
const CLARABEL_OR_MICROLP: PerCall = MICROLP;

fn max(a: PerCall, b: PerCall) -> PerCall {
    PerCall {
        column: a.column.max(b.column),
        nonzero: a.nonzero.max(b.nonzero),
    }
}

/// Bytes one call of `backend` holds for a model of `columns` columns
/// and `nonzeros` nonzeros.
pub(crate) fn call_bytes(backend: Backend, columns: usize, nonzeros: usize) -> usize {
    let per = per_call(backend);
    columns
        .saturating_mul(per.column)
        .saturating_add(nonzeros.saturating_mul(per.nonzero))
}

/// Bytes the whole model needs in every solver that may take it whole
/// with `backend`: the backend itself and, for a MILP's exact stage on a
/// backend without integers (Clarabel), microlp.
pub(crate) fn whole_bytes(backend: Backend, mip: bool, columns: usize, nonzeros: usize) -> usize {
    let own = call_bytes(backend, columns, nonzeros);
    match mip && !backend.has_integers() {
        true => own.max(call_bytes(Backend::Microlp, columns, nonzeros)),
        false => own,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clarabel_costs_more_per_call_than_microlp_and_counts_saturate() {
        #[cfg(feature = "clarabel")]
        assert!(call_bytes(Backend::Clarabel, 10, 30) > call_bytes(Backend::Microlp, 10, 30));
        assert_eq!(call_bytes(Backend::Microlp, 3, usize::MAX), usize::MAX);
    }
}
