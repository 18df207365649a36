//! Decisions built on the engine and the evaluator: thin layers that solve
//! the model more than once and compare the answers.

pub(crate) mod sweep;
