//! The LP solvers the optimum can use, and the automatic choice between
//! them. The rest of the crate does not know which one runs.

use crate::model::ModelSize;

/// Which solver solves the LP/MILP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Backend {
    /// Chooses by the model's kind and size (see [`Backend::resolve`]).
    #[default]
    Auto,
    /// microlp: pure Rust simplex with branch and bound; LP and MILP.
    Microlp,
    /// Clarabel: pure Rust interior point; LP only (no `Whole` jobs). Needs
    /// the `clarabel` feature (on by default).
    #[cfg(feature = "clarabel")]
    Clarabel,
    /// HiGHS: native, much faster on large models; LP and MILP. Needs the
    /// `highs` feature.
    #[cfg(feature = "highs")]
    Highs,
}

/// Pure LPs with at least this many variables go to Clarabel under `Auto`
/// (when HiGHS is not compiled in). By `examples/scale_table` on `synth`
/// scenarios, microlp wins at 3,042 variables (0.02 s against 0.04 s) and
/// loses at 65,016 (12.7 s against 2.6 s).
pub const AUTO_CLARABEL_MIN_VARIABLES: usize = 5_000;

impl Backend {
    /// The backend's name, as accepted by `--solver`.
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

    /// The concrete solver for a model of this size: itself, unless `Auto`.
    /// `Auto` takes HiGHS when compiled in; otherwise Clarabel for a pure
    /// LP of at least [`AUTO_CLARABEL_MIN_VARIABLES`] variables (when
    /// compiled in), and microlp for everything else (MILPs included).
    pub fn resolve(self, size: &ModelSize) -> Backend {
        if self != Backend::Auto {
            return self;
        }
        #[cfg(feature = "highs")]
        {
            let _ = size;
            Backend::Highs
        }
        #[cfg(not(feature = "highs"))]
        {
            #[cfg(feature = "clarabel")]
            if size.binaries == 0 && size.variables >= AUTO_CLARABEL_MIN_VARIABLES {
                return Backend::Clarabel;
            }
            let _ = size;
            Backend::Microlp
        }
    }
}
