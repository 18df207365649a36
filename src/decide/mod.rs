//! Decisions read off the engine: thin layers over the optimum and the
//! evaluator.

pub(crate) mod explain;
