//! Why a benchmark run cannot be made as asked.

/// What can go wrong before a bench runs: an unknown family, a seed a
/// family does not have, a family that cannot build its scenario. (What
/// goes wrong while a scheduler runs is a [`Status`](crate::bench::Status) of its row.)
#[derive(Debug, Clone, PartialEq, thiserror::Error, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum BenchError {
    /// No family has this name.
    #[error("unknown family `{name}` (known: {known})")]
    UnknownFamily {
        /// The name asked for.
        name: String,
        /// The names there are, comma-separated.
        known: String,
    },
    /// A seed of 0, or past the family's limit.
    #[error("family `{family}` has no seed {seed} (its seeds run from 1{})", .max_seeds.map(|m| format!(" to {m}")).unwrap_or_default())]
    NoSuchSeed {
        /// The family.
        family: String,
        /// The seed asked for.
        seed: u64,
        /// Its last seed, if limited.
        max_seeds: Option<u64>,
    },
    /// A real-data family could not read its data or its shipped scenario.
    #[error("family `{family}`, seed {seed}: {message}")]
    Data {
        /// The family.
        family: String,
        /// The seed.
        seed: u64,
        /// What failed.
        message: String,
    },
    /// A run of no seeds.
    #[error("seeds must be at least 1, got 0")]
    NoSeeds,
}
