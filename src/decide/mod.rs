//! Decisions made on top of the engine and the evaluator: each a thin
//! layer that builds on [`crate::Optimal`] and [`crate::evaluate`] (often
//! solving the model more than once and comparing the answers) instead of
//! re-deriving the model.

pub(crate) mod errors;
pub(crate) mod explain;
pub mod replan;
pub(crate) mod sweep;
