//! The kinds an overlay selects and why one fails: beneath
//! [`crate::InputError`], which holds an [`OverlayFault`], so that the
//! error floor does not import the overlays (which import the scenario).

use crate::text::cut;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The kind of entity an overlay selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum OverlayKind {
    /// Regions, by id.
    Region,
    /// Server pools, by id.
    Pool,
    /// Jobs, by id.
    Job,
    /// Links, by `FROM->TO`.
    Link,
}

impl OverlayKind {
    /// The kind's name as an overlay writes it.
    pub fn name(self) -> &'static str {
        match self {
            OverlayKind::Region => "region",
            OverlayKind::Pool => "pool",
            OverlayKind::Job => "job",
            OverlayKind::Link => "link",
        }
    }
}

impl fmt::Display for OverlayKind {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for OverlayKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "region" => Ok(OverlayKind::Region),
            "pool" => Ok(OverlayKind::Pool),
            "job" => Ok(OverlayKind::Job),
            "link" => Ok(OverlayKind::Link),
            _ => Err(format!(
                "unknown kind '{s}': must be region, pool, job or link"
            )),
        }
    }
}

/// Why an overlay cannot be applied, or cannot be read.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
#[non_exhaustive]
pub enum OverlayFault {
    /// The text is not an overlay.
    Syntax {
        /// What is wrong with it.
        message: String,
    },
    /// No entity of the kind matches the glob.
    NoMatch {
        /// The kind.
        kind: OverlayKind,
        /// The glob.
        glob: String,
    },
    /// The field is not one of the kind's fields, or the value is not of
    /// its type (what the file format says, as for a file).
    BadField {
        /// The kind (`None`: the scenario's top level).
        kind: Option<OverlayKind>,
        /// The entity's id (empty at the top level).
        id: String,
        /// The field.
        field: String,
        /// The value, as JSON.
        value: String,
        /// What the file format says.
        message: String,
    },
    /// Removing a region would remove the origin of a job that stays.
    OriginRemoved {
        /// The job.
        job: String,
        /// Its origin.
        region: String,
    },
}

impl fmt::Display for OverlayFault {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            OverlayFault::Syntax { message } => f.write_str(&bounded(message)),
            OverlayFault::NoMatch { kind, glob } => write!(f, "no {kind} matches '{}'", cut(glob)),
            OverlayFault::BadField {
                kind,
                id,
                field,
                value,
                message,
            } => {
                if let Some(kind) = kind {
                    write!(f, "{kind} '{}': ", cut(id))?;
                }
                write!(f, "{} = {}: {}", cut(field), cut(value), bounded(message))
            }
            OverlayFault::OriginRemoved { job, region } => write!(
                f,
                "it removes region '{}', the origin of job '{}' (remove the job too, or keep \
                 its origin)",
                cut(region),
                cut(job)
            ),
        }
    }
}

/// A message of the file format (which lists a kind's fields) or of the
/// parser, bounded: it may quote input of any length.
fn bounded(message: &str) -> String {
    const MAX: usize = 600;
    match message.char_indices().nth(MAX) {
        None => message.to_string(),
        Some((end, _)) => format!("{}...", &message[..end]),
    }
}
