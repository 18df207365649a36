//! The range of every number, and series resampled to slots: the one place
//! where a value is checked against the rule [the model](crate::spec) states for its field.

use super::{MAX_ID_BYTES, MAX_SPEED, MAX_UNMET_USD_PER_WORK, MIN_SPEED, MIN_WORK};
use crate::scenario::error::{Entity, InputError};
use crate::time::{Horizon, Series, SeriesFault};

/// The range a number must fall in (NaN and infinities never do).
#[derive(Clone, Copy)]
pub(super) enum Rule {
    /// Any finite number (prices may be negative).
    Finite,
    /// Finite and >= 0.
    NonNegative,
    /// Finite and > 0.
    Positive,
    /// Finite and >= 1 (PUE).
    AtLeastOne,
    /// A job's work: at least [`MIN_WORK`].
    Work,
    /// A pool's speed: between [`MIN_SPEED`] and [`MAX_SPEED`].
    Speed,
    /// A price of undone work: between 0 and [`MAX_UNMET_USD_PER_WORK`].
    UnmetPrice,
}

/// Checks one number against its rule; the error names entity, id, field
/// and value.
pub(super) fn check(
    entity: Entity,
    id: &str,
    field: &str,
    value: f64,
    rule: Rule,
) -> Result<(), InputError> {
    let (ok, text) = match rule {
        Rule::Finite => (value.is_finite(), "a finite number"),
        Rule::NonNegative => (value.is_finite() && value >= 0.0, "finite and >= 0"),
        Rule::Positive => (value.is_finite() && value > 0.0, "finite and > 0"),
        Rule::AtLeastOne => (value.is_finite() && value >= 1.0, "finite and >= 1"),
        Rule::Work => (
            value.is_finite() && value >= MIN_WORK,
            "finite and >= 0.001, the supported range (less work is below the solvers' precision)",
        ),
        Rule::UnmetPrice => (
            value.is_finite() && (0.0..=MAX_UNMET_USD_PER_WORK).contains(&value),
            "finite and between 0 and 1e6, the supported range (a larger price swamps every real cost in the solvers' precision)",
        ),
        Rule::Speed => (
            (MIN_SPEED..=MAX_SPEED).contains(&value),
            "finite and between 0.001 and 1000, the supported range (speed is relative to the reference server)",
        ),
    };
    if ok {
        Ok(())
    } else {
        Err(InputError::OutOfRange {
            entity,
            id: id.to_string(),
            field: field.to_string(),
            value,
            rule: text,
        })
    }
}

/// Checks that an id is at most [`MAX_ID_BYTES`] long.
pub(super) fn check_id(entity: Entity, id: &str) -> Result<(), InputError> {
    if id.len() <= MAX_ID_BYTES {
        return Ok(());
    }
    let mut end = crate::text::MAX_SHOWN_CHARS.min(id.len());
    while !id.is_char_boundary(end) {
        end -= 1;
    }
    Err(InputError::IdTooLong {
        entity,
        id: id[..end].to_string(),
        bytes: id.len(),
        max: MAX_ID_BYTES,
    })
}

/// Checks a name that is not an id (an accelerator's): not empty, and
/// no longer than an id may be.
pub(super) fn check_name(
    entity: Entity,
    id: &str,
    field: &'static str,
    name: &str,
) -> Result<(), InputError> {
    let problem = if name.trim().is_empty() {
        "is empty: name an accelerator (as `A100`)".to_string()
    } else if name.len() > MAX_ID_BYTES {
        format!(
            "is {} bytes long, over the {MAX_ID_BYTES} an accelerator name may have",
            name.len()
        )
    } else {
        return Ok(());
    };
    Err(InputError::BadReference {
        entity,
        id: id.to_string(),
        field,
        problem,
    })
}

/// Checks every raw value of a series and resamples it to slots.
pub(super) fn series(
    h: &Horizon,
    entity: Entity,
    id: &str,
    field: &'static str,
    s: &Series,
    rule: Rule,
) -> Result<Vec<f64>, InputError> {
    let values = s.values();
    if let Series::Constant(v) = s {
        check(entity, id, field, *v, rule)?;
    } else {
        for (i, v) in values.iter().enumerate() {
            check(entity, id, &format!("{field}[{i}]"), *v, rule)?;
        }
    }
    s.resample(h).map_err(|fault| match fault {
        SeriesFault::Length { expected, got } => InputError::SeriesLength {
            entity,
            id: id.to_string(),
            field,
            expected,
            got,
        },
        SeriesFault::NoPoints => InputError::SeriesNotCovering {
            entity,
            id: id.to_string(),
            field,
            first: "none (no points)".into(),
            horizon_start: h.start,
        },
        SeriesFault::StartsAfterHorizon { first } => InputError::SeriesNotCovering {
            entity,
            id: id.to_string(),
            field,
            first: first.to_rfc3339(),
            horizon_start: h.start,
        },
        SeriesFault::OutOfOrder {
            index,
            previous,
            this,
        } => InputError::PointsOutOfOrder {
            entity,
            id: id.to_string(),
            field,
            index,
            previous,
            this,
        },
    })
}
