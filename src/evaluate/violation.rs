//! A schedule that breaks a rule of the model: which rule, where, and the
//! amounts, as the evaluator reports it.

use crate::text::{self, cut, num};
use serde::Serialize;
use std::fmt;
use thiserror::Error;

/// A rule of [the model](crate::spec) that a schedule can break.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Constraint {
    /// A row names a job, pool or slot the problem does not have.
    Index,
    /// Server-hours must be finite and >= 0.
    NonNegative,
    /// Work only in eligible cells (allowed, reachable, inside the window).
    Eligibility,
    /// 1. Capacity of a pool in a slot.
    Capacity,
    /// 2. Parallelism of a job in a slot.
    Parallelism,
    /// 3. Work done equals the job's work.
    Work,
    /// 4. Power cap of a region in a slot, at the meter.
    PowerCap,
    /// 5. A `Whole` job runs in one region.
    WholePlacement,
    /// A `Split` job has work in at most `max_regions` regions.
    MaxRegions,
}

impl fmt::Display for Constraint {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(match self {
            Constraint::Index => "index",
            Constraint::NonNegative => "non-negative server-hours",
            Constraint::Eligibility => "eligibility",
            Constraint::Capacity => "capacity",
            Constraint::Parallelism => "parallelism",
            Constraint::Work => "work",
            Constraint::PowerCap => "power cap",
            Constraint::WholePlacement => "whole placement",
            Constraint::MaxRegions => "max regions",
        })
    }
}

/// A schedule that breaks a constraint of [the model](crate::spec): which
/// constraint, where (the ids and slot it concerns) and the amount against
/// its limit, all typed.
#[derive(Debug, Clone, PartialEq, Error, Serialize)]
#[error("invalid schedule: {constraint} broken at {}: {}", self.location(), self.detail())]
#[non_exhaustive]
pub struct ScheduleViolation {
    /// The constraint.
    pub constraint: Constraint,
    /// The row at fault, for the rules checked row by row
    /// ([`Constraint::Index`], [`Constraint::NonNegative`],
    /// [`Constraint::Eligibility`]), with the indices it holds.
    pub row: Option<Box<crate::schedule::assignment::Assignment>>,
    /// Id of the job concerned, if one is.
    pub job: Option<String>,
    /// Id of the pool concerned, if one is.
    pub pool: Option<String>,
    /// Slot concerned, if one is.
    pub slot: Option<usize>,
    /// The amount found: server-hours (index, sign, eligibility, capacity,
    /// parallelism), kWh at the meter (power cap), work units (work) or
    /// regions used (whole placement).
    pub amount: f64,
    /// The limit it breaks, in the same unit: 0 for a row that must not be
    /// there or be negative, the capacity, the cap, the job's work, or 1
    /// region.
    pub limit: f64,
    /// Ids of the regions concerned: the capped region
    /// ([`Constraint::PowerCap`]), or the regions a `Whole` job runs in
    /// ([`Constraint::WholePlacement`]).
    pub regions: Vec<String>,
}

impl ScheduleViolation {
    pub(crate) fn new(constraint: Constraint, amount: f64, limit: f64) -> Self {
        ScheduleViolation {
            constraint,
            row: None,
            job: None,
            pool: None,
            slot: None,
            amount,
            limit,
            regions: Vec::new(),
        }
    }

    /// Where, in words: `job 'a', pool 'b', slot 3`.
    pub fn location(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if self.constraint == Constraint::Index {
            if let Some(a) = &self.row {
                return format!("job #{}, pool #{}, slot {}", a.job, a.pool, a.slot);
            }
        }
        if let Some(j) = &self.job {
            parts.push(format!("job '{}'", cut(j)));
        }
        if let Some(p) = &self.pool {
            parts.push(format!("pool '{}'", cut(p)));
        }
        if self.constraint == Constraint::PowerCap {
            for r in &self.regions {
                parts.push(format!("region '{}'", cut(r)));
            }
        }
        if let Some(t) = self.slot {
            parts.push(format!("slot {t}"));
        }
        parts.join(", ")
    }

    /// The amounts, in words.
    pub fn detail(&self) -> String {
        let (amount, limit) = (num(self.amount), num(self.limit));
        match self.constraint {
            Constraint::Index => {
                "the row names a job, pool or slot the problem does not have".into()
            }
            Constraint::NonNegative => format!("server_hours = {amount}"),
            Constraint::Eligibility => {
                format!("{amount} server-hours in a cell the job may not use")
            }
            Constraint::Capacity => format!("{amount} server-hours used, {limit} available"),
            Constraint::PowerCap => {
                format!("{amount} kWh at the meter, cap {limit} kWh per slot")
            }
            Constraint::Parallelism => {
                format!("{amount} server-hours, at most {limit} per slot")
            }
            Constraint::Work => format!("{amount} work units done, {limit} required"),
            Constraint::WholePlacement | Constraint::MaxRegions => {
                let shown = self.regions.iter().take(text::MAX_SHOWN_ITEMS);
                let mut names: Vec<String> = shown.map(|r| cut(r).to_string()).collect();
                if self.regions.len() > text::MAX_SHOWN_ITEMS {
                    names.push(format!(
                        "... and {} more",
                        self.regions.len() - text::MAX_SHOWN_ITEMS
                    ));
                }
                let most = match self.constraint {
                    Constraint::MaxRegions => format!(" (max_regions = {limit})"),
                    _ => String::new(),
                };
                format!("runs in {amount} regions{most}: {}", names.join(", "))
            }
        }
    }
}

impl ScheduleViolation {
    /// `invalid_schedule`, as [`Error::kind`](crate::Error::kind) names it (the broken rule is
    /// [`ScheduleViolation::constraint`]).
    pub fn kind(&self) -> &'static str {
        "invalid_schedule"
    }
}
