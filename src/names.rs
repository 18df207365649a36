//! The names of [`Backend`] and [`Placement`] as text: `Display` and
//! `FromStr` (`"clarabel".parse::<Backend>()`), and serde as those names, so
//! that both read from a configuration file or a command line like any
//! other value.

use crate::scenario::Placement;
use crate::solve::solver::Backend;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;
use thiserror::Error;

/// A name that is not one of a type's names: an unknown solver backend (or
/// one not compiled in), or an unknown placement.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown {what} '{value}' (expected one of: {})", expected.join(", "))]
pub struct UnknownName {
    /// What was being named: `solver` or `placement`.
    pub what: &'static str,
    /// The name given.
    pub value: String,
    /// The names accepted (for a backend, those compiled in).
    pub expected: Vec<&'static str>,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Backend {
    type Err = UnknownName;

    /// A backend by [`Backend::name`], among those compiled in.
    fn from_str(s: &str) -> Result<Backend, UnknownName> {
        Backend::from_name(s).ok_or_else(|| UnknownName {
            what: "solver",
            value: s.to_string(),
            expected: Backend::available().iter().map(|b| b.name()).collect(),
        })
    }
}

impl Serialize for Backend {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Backend {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Backend, D::Error> {
        let name = String::deserialize(deserializer)?;
        name.parse::<Backend>().map_err(serde::de::Error::custom)
    }
}

impl Placement {
    /// The placement's name in the scenario file: `split` or `whole`.
    pub fn name(&self) -> &'static str {
        match self {
            Placement::Split => "split",
            Placement::Whole => "whole",
        }
    }
}

impl fmt::Display for Placement {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Placement {
    type Err = UnknownName;

    /// `split` or `whole`, as in the scenario file.
    fn from_str(s: &str) -> Result<Placement, UnknownName> {
        [Placement::Split, Placement::Whole]
            .into_iter()
            .find(|p| p.name() == s)
            .ok_or_else(|| UnknownName {
                what: "placement",
                value: s.to_string(),
                expected: vec!["split", "whole"],
            })
    }
}
