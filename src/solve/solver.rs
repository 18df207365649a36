//! Which solver runs: the [`Backend`] a caller picks, and what each can
//! do (duals, integers, a fallback). Plain data, a floor below the models
//! and errors that name it; how a solver is called is `backend.rs`.

/// Which solver solves the LP/MILP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Backend {
    /// Chooses by the model's kind and size (see [`Backend::resolve`]).
    #[default]
    Auto,
    /// microlp: pure Rust simplex with branch and bound; LP and MILP; no
    /// duals, so no column generation.
    Microlp,
    /// Clarabel: pure Rust interior point; LPs, with duals. It has no
    /// integers: for `Whole` jobs it solves the relaxation and its
    /// fixings, and an exact MILP stage, when one is needed, runs on
    /// microlp. Needs the `clarabel` feature (on by default).
    #[cfg(feature = "clarabel")]
    Clarabel,
    /// HiGHS: native, much faster on large models; LP and MILP, with
    /// duals. Needs the `highs` feature.
    #[cfg(feature = "highs")]
    Highs,
}

/// Models with at least this many continuous variables go to Clarabel under `Auto`
/// (when HiGHS is not compiled in). By `examples/scale_table` on `synth`
/// scenarios, microlp wins at 3,042 variables (0.02 s against 0.04 s) and
/// loses at 65,016 (12.7 s against 2.6 s).
pub const AUTO_CLARABEL_MIN_VARIABLES: usize = 5_000;

impl Backend {
    /// The backend's name, as accepted by `--solver` and `FromStr`.
    pub fn name(&self) -> &'static str {
        match self {
            Backend::Auto => "auto",
            Backend::Microlp => "microlp",
            #[cfg(feature = "clarabel")]
            Backend::Clarabel => "clarabel",
            #[cfg(feature = "highs")]
            Backend::Highs => "highs",
        }
    }

    /// Every backend compiled in, `Auto` first.
    pub fn available() -> &'static [Backend] {
        &[
            Backend::Auto,
            Backend::Microlp,
            #[cfg(feature = "clarabel")]
            Backend::Clarabel,
            #[cfg(feature = "highs")]
            Backend::Highs,
        ]
    }

    /// The backend of that name, if compiled in.
    pub fn from_name(name: &str) -> Option<Backend> {
        Backend::available()
            .iter()
            .copied()
            .find(|b| b.name() == name)
    }

    /// Whether this solver returns duals (and so can run column
    /// generation and prove its own bound).
    pub fn has_duals(self) -> bool {
        match self {
            Backend::Auto | Backend::Microlp => false,
            #[cfg(feature = "clarabel")]
            Backend::Clarabel => true,
            #[cfg(feature = "highs")]
            Backend::Highs => true,
        }
    }

    /// Whether this solver takes binary variables.
    pub fn has_integers(self) -> bool {
        match self {
            Backend::Auto | Backend::Microlp => true,
            #[cfg(feature = "clarabel")]
            Backend::Clarabel => false,
            #[cfg(feature = "highs")]
            Backend::Highs => true,
        }
    }

    /// Whether the exact MILP stage hands this solver the incumbent as a
    /// MIP start. Not HiGHS: given the fixed stage's plan as its start, it
    /// returned that plan as optimal where a plan $27.73 cheaper existed
    /// (a re-plan of a Whole job with a price for undone work, kept in
    /// `tests/crossing.proptest-regressions`); without the start it finds
    /// the optimum. The incumbent still bounds the answer: the engine keeps
    /// the better of the two.
    pub(crate) fn takes_mip_start(self) -> bool {
        match self {
            #[cfg(feature = "highs")]
            Backend::Highs => false,
            _ => true,
        }
    }

    /// The solver to try when this one fails numerically on a model with
    /// (`mip`) or without binaries: another algorithm, so that one
    /// solver's trouble is not the answer.
    pub(crate) fn fallback(self, mip: bool) -> Option<Backend> {
        let _ = mip; // only read when Clarabel is compiled in without HiGHS
        match self {
            Backend::Auto => None,
            Backend::Microlp => {
                #[cfg(feature = "highs")]
                return Some(Backend::Highs);
                #[cfg(all(not(feature = "highs"), feature = "clarabel"))]
                return (!mip).then_some(Backend::Clarabel);
                #[allow(unreachable_code)]
                None
            }
            #[cfg(feature = "clarabel")]
            Backend::Clarabel => Some(Backend::Microlp),
            #[cfg(feature = "highs")]
            Backend::Highs => Some(Backend::Microlp),
        }
    }
}
