//! The solve engine: the LP/MILP of the model ([`lp`]), the solvers
//! ([`backend`]), column generation over the model's cells
//! ([`sifting`]), and the anytime MILP with a proven gap, all bounded by a
//! time limit, a cancellation flag and a memory budget ([`limits`]). Its
//! one entry is [`engine::optimum`]: a problem, settings and a goal in; a
//! plan, its proof, its duals and its report out.
//!
//! Floors, bottom up: `limits` (what bounds a solve) ← `lp` (the model,
//! its reduced costs) ← `bound`, `backend`, `cleanup`, `duals`, `bracket`
//! (each reads only the model: proven bounds; one call of a solver over a
//! part of it; a solver's point made a plan; its duals read as values; two
//! solved neighbours' proofs mixed into a bound) ← `progress`
//! (what a solve reports) ← `linear`, `sifting` (the LP optimum, whole or
//! by column generation; they call each other) ← `branch` (the region
//! choices and the engine's own search over them) ← `rounding` (a
//! relaxation's point made a plan without an LP), `pricing` (duals priced
//! per region choice, or per region set of a spread job: a bound and each
//! Whole job's cheapest region) ← `region_sets` (a spread job's sets of
//! regions and their combinations, least priced first),
//! `packing` (whether the Whole jobs fit one region each: small LPs per
//! region share, a proof that no plan exists when none fits) ←
//! `anytime` (the stages
//! of the optimum; it hands a model with a binding `max_regions` to
//! `spread`, which runs its own stages and calls back into `anytime` for a
//! problem held to fewer regions) ← `engine` (the one entry). Nothing imports upwards.
//!
//! Every answer carries its proof: a lower bound that the engine computes
//! itself from the solver's duals by weak duality ([`bound::bound_over`]),
//! so a solver's inaccuracy can weaken it but never make it wrong; and a
//! plan that the evaluator re-checks.

pub(crate) mod anytime;
pub(crate) mod backend;
pub(crate) mod bound;
pub(crate) mod bracket;
pub(crate) mod branch;
pub(crate) mod cleanup;
pub(crate) mod duals;
pub(crate) mod engine;
pub(crate) mod error;
pub(crate) mod linear;
pub(crate) mod lp;
pub(crate) mod memory;
pub(crate) mod mps;
pub(crate) mod packing;
pub(crate) mod pricing;
pub(crate) mod progress;
pub(crate) mod region_sets;
pub(crate) mod rounding;
pub(crate) mod sifting;
pub(crate) mod solver;
pub(crate) mod spread;
