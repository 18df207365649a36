//! Why jobs cannot be finished: the typed answer of every scheduler and
//! of the diagnosis when no plan exists.

use crate::problem::closed::ClosedRegion;
use crate::text::{self, cut, fixed6, num};
use serde::Serialize;
use std::fmt;
use thiserror::Error;

/// Why one job cannot be finished. Serialises as `{"no_eligible_cell":
/// [...]}` or `{"work_short": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Shortfall {
    /// The job has no eligible cell at all; one entry per allowed region says
    /// what closed it.
    NoEligibleCell(Vec<ClosedRegion>),
    /// Cells exist but capacity, power or parallelism leave this many work
    /// units undone (in one plan of least total shortfall).
    WorkShort {
        /// Work units that could not be placed.
        missing_work: f64,
        /// The job's work.
        work: f64,
    },
    /// A `Whole` job that must run in one region, and no single allowed
    /// region can finish it: the one that comes closest leaves this many
    /// work units undone.
    NoSingleRegion {
        /// Work units left undone in the region that comes closest.
        missing_work: f64,
        /// The job's work.
        work: f64,
    },
    /// A `Whole` job for which no choice of one region each, for it and
    /// the other `Whole` jobs of `with`, has room for all of them: each
    /// region's share was checked by an LP of those jobs alone there. The
    /// set is least (none of them can be left out without a choice that
    /// fits) unless the search's budget ran out first. Which of them falls
    /// short depends on the plan; together they cannot all finish.
    WholeConflict {
        /// The other jobs of the set, in file order.
        with: Vec<String>,
    },
}

/// One job that cannot be finished, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnfinishedJob {
    /// Job id.
    pub job: String,
    /// Why.
    pub shortfall: Shortfall,
}

impl fmt::Display for UnfinishedJob {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let job = cut(&self.job);
        match &self.shortfall {
            Shortfall::NoEligibleCell(regions) => {
                write!(f, "job '{job}': no eligible slot in any allowed region")?;
                text::list(
                    f,
                    regions,
                    |f, r| write!(f, "\n    {r}"),
                    |f, more| write!(f, "\n    ... and {more} more regions"),
                )
            }
            Shortfall::WorkShort { missing_work, work } => write!(
                f,
                "job '{job}': {} of {} work units cannot be placed within capacity, power caps and parallelism",
                fixed6(*missing_work),
                num(*work)
            ),
            Shortfall::NoSingleRegion { missing_work, work } => write!(
                f,
                "job '{job}': no single allowed region can finish it, and its placement is whole: the closest leaves {} of {} work units undone",
                fixed6(*missing_work),
                num(*work)
            ),
            Shortfall::WholeConflict { with } => {
                write!(f, "job '{job}': must run whole in one region, and no choice of one region each for it and the whole jobs")?;
                text::list(
                    f,
                    with,
                    |f, other| write!(f, " '{}'", cut(other)),
                    |f, more| write!(f, " ... and {more} more"),
                )?;
                write!(f, " has room for all of them")
            }
        }
    }
}

/// No schedule finishes every job (or this heuristic found none).
#[derive(Debug, Clone, PartialEq, Error, Serialize)]
#[error("{}: {} job(s) cannot be finished:{}", cut(scheduler), jobs.len(), Jobs(jobs))]
pub struct Infeasible {
    /// The scheduler that reports it.
    pub scheduler: String,
    /// Every job that cannot be finished.
    pub jobs: Vec<UnfinishedJob>,
}

/// The jobs of an [`Infeasible`], one per line, the first few only.
struct Jobs<'a>(&'a [UnfinishedJob]);

impl fmt::Display for Jobs<'_> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        text::list(
            f,
            self.0,
            |f, j| write!(f, "\n  {j}"),
            |f, more| write!(f, "\n  ... and {more} more jobs"),
        )
    }
}
