//! What the optimum minimises, and under which limit on the whole plan:
//! least cost (the default), least cost under an emissions cap, or least
//! emissions under a spending budget.

use crate::limits::TOLERANCE;
use crate::scenario::error::{Entity, InputError};
use serde::{Deserialize, Serialize};
use std::fmt;
use thiserror::Error;

/// The objective of [`crate::Optimal`] and the limit it keeps
/// ([`crate::Optimal::goal`]).
///
/// Emissions are those of [the model](crate::spec): tCO2e at the meter (IT
/// load × PUE × grid intensity), summed over every server-hour of the
/// plan, the same number as [`Report::emissions_t`](crate::Report::emissions_t). Moving data emits
/// nothing in the model.
///
/// The total of a budget is [`Report::total_usd`](crate::Report::total_usd): rent + energy +
/// carbon price + egress. The carbon price of the scenario is part of it
/// (set it to 0 to budget without it). A `split` job's egress counts in
/// proportion to the work it does in each region; a `whole` job's egress
/// `E[j,r]` counts in full for the one region it runs in (in the LP
/// relaxation, in proportion to its fractional region choice, which keeps
/// the relaxation a valid bound).
///
/// A limit is kept within half the evaluator's tolerance
/// ([`crate::TOLERANCE`]): the model's row is `value <= limit + 0.5e-6 ·
/// |limit|`, so that a limit exactly at the least achievable value is
/// met. The evaluator re-checks every plan against `limit + 1e-6 ·
/// max(1, |limit|)`: a breach beyond that is an error
/// ([`GoalError::Breached`]), never a result.
///
/// ```
/// use geoshift::{Goal, Optimal};
///
/// let capped = Optimal::default().goal(Goal::LeastCostUnderCap { emissions_t: 12.5 });
/// assert_eq!(capped.current_goal(), Goal::LeastCostUnderCap { emissions_t: 12.5 });
/// // The same, by the shorthand.
/// assert_eq!(Optimal::default().emissions_cap(12.5).current_goal(), capped.current_goal());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Goal {
    /// The least total cost, `total_usd` (the model's objective).
    #[default]
    LeastCost,
    /// The least total cost among plans that emit at most `emissions_t`
    /// tCO2e (finite, `>= 0`).
    LeastCostUnderCap {
        /// The cap, tCO2e.
        emissions_t: f64,
    },
    /// The least emissions (tCO2e) among plans whose total is at most
    /// `total_usd` (finite; may be negative where energy prices are).
    LeastEmissionsUnderBudget {
        /// The budget, $ (rent, energy, carbon price and egress).
        total_usd: f64,
    },
}

impl fmt::Display for Goal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Goal::LeastCost => f.write_str("least cost"),
            Goal::LeastCostUnderCap { emissions_t } => {
                write!(f, "the emissions cap of {emissions_t} tCO2e")
            }
            Goal::LeastEmissionsUnderBudget { total_usd } => {
                write!(f, "the budget of ${total_usd}")
            }
        }
    }
}

impl Goal {
    /// Whether `value` (tCO2e under a cap, $ under a budget) is above the
    /// limit beyond [`TOLERANCE`]; false for least cost.
    pub(crate) fn exceeded_by(&self, value: f64) -> bool {
        let limit = match *self {
            Goal::LeastCost => return false,
            Goal::LeastCostUnderCap { emissions_t } => emissions_t,
            Goal::LeastEmissionsUnderBudget { total_usd } => total_usd,
        };
        value > limit + TOLERANCE * limit.abs().max(1.0)
    }

    /// Checks the limit's value: finite, and a cap `>= 0`.
    pub(crate) fn check(&self) -> Result<(), InputError> {
        let (field, value, ok, rule) = match *self {
            Goal::LeastCost => return Ok(()),
            Goal::LeastCostUnderCap { emissions_t } => (
                "emissions_cap_t",
                emissions_t,
                emissions_t.is_finite() && emissions_t >= 0.0,
                "finite and >= 0",
            ),
            Goal::LeastEmissionsUnderBudget { total_usd } => {
                ("budget_usd", total_usd, total_usd.is_finite(), "finite")
            }
        };
        if ok {
            Ok(())
        } else {
            Err(InputError::OutOfRange {
                entity: Entity::Scenario,
                id: String::new(),
                field: field.into(),
                value,
                rule,
            })
        }
    }
}

/// A goal's limit that no plan keeps, or that a solver's plan broke.
#[derive(Debug, Clone, PartialEq, Error, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum GoalError {
    /// Every job can be finished, but not within the limit. The least
    /// value of the limited quantity is given when it could be computed
    /// (a proven optimum of it: the least emissions for a cap, the least
    /// total for a budget).
    #[error(
        "no plan keeps {goal}{}",
        least_achievable.map(|v| match goal {
            Goal::LeastEmissionsUnderBudget { .. } => format!(": the least total is ${v:.2}"),
            _ => format!(": the least emissions are {v:.6} tCO2e"),
        }).unwrap_or_default()
    )]
    Unreachable {
        /// The goal whose limit cannot be kept.
        goal: Goal,
        /// The least tCO2e (for a cap) or $ (for a budget) any plan
        /// achieves, when known.
        least_achievable: Option<f64>,
    },
    /// The solver's plan, re-checked by the evaluator, breaks the limit
    /// beyond the tolerance: a bug, reported rather than trusted.
    #[error("the solver's plan breaks {goal}: {value} against the limit, beyond the tolerance")]
    Breached {
        /// The goal.
        goal: Goal,
        /// The plan's tCO2e (cap) or $ (budget), as the evaluator priced it.
        value: f64,
    },
}

impl GoalError {
    /// The variant's short name, as the `kind` of its JSON form.
    pub fn kind(&self) -> &'static str {
        match self {
            GoalError::Unreachable { .. } => "unreachable",
            GoalError::Breached { .. } => "breached",
        }
    }
}
