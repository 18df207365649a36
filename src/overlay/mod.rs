//! Overlays: typed, serialisable edits of a [`Scenario`], applied after
//! parsing and before validation, so that a variant of a file ("home
//! only", "no marketplace", "carbon at $80") needs no hand-edited copy.
//!
//! Three operations, each over the entities of one kind whose id matches a
//! glob (`*` any run of characters, `?` any one character; a link's name
//! is `FROM->TO`):
//!
//! - `without KIND:GLOB` removes every match; a removed region takes its
//!   pools and the links from or to it, and leaves the `regions` lists of
//!   jobs; removing the origin of a job that stays is an error naming both;
//! - `only KIND:GLOB` keeps only the matches of that kind (the same rules);
//! - `set KIND:GLOB.FIELD=VALUE` sets a field of every match, and
//!   `set FIELD=VALUE` a top-level field of the scenario. `VALUE` is read
//!   as JSON, or as a JSON string when it is not JSON
//!   (`deadline=2023-06-26T00:00:00Z`); the field and its type are checked
//!   by the file format itself, so an unknown field or a value of the
//!   wrong type is an error naming the overlay.
//!
//! A glob that matches nothing is an error too: an overlay that silently
//! does nothing would answer another question than the one asked.
//!
//! ```
//! use geoshift::{Overlay, Scenario};
//! # let text = r#"{"horizon": {"start": "2026-06-01T00:00:00Z", "slot_seconds": 3600, "slots": 4},
//! #   "regions": [{"id": "ny", "pue": 1.2, "price_usd_per_mwh": 50},
//! #               {"id": "vast-1", "pue": 1.2, "price_usd_per_mwh": 50}],
//! #   "pools": [{"id": "a", "region": "ny", "servers": 2, "rent_usd_per_hour": 1, "power_kw": 1},
//! #             {"id": "b", "region": "vast-1", "servers": 2, "rent_usd_per_hour": 1, "power_kw": 1}],
//! #   "jobs": [{"id": "j", "origin": "ny", "work": 2, "deadline": "2026-06-01T04:00:00Z", "max_servers": 2}]}"#;
//! let mut scenario = Scenario::from_json(text)?;
//! for overlay in ["without region:vast-*", "set carbon_price_usd_per_t=80"] {
//!     scenario.apply(&overlay.parse::<Overlay>()?)?;
//! }
//! assert_eq!(scenario.regions.len(), 1);
//! assert_eq!(scenario.pools.len(), 1); // vast-1's pool went with it
//! assert_eq!(scenario.carbon_price_usd_per_t, 80.0);
//! # Ok::<(), geoshift::Error>(())
//! ```

use crate::scenario::error::InputError;
use crate::scenario::{Job, Link, Pool, Region, Scenario};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

pub(crate) mod fault;
pub use fault::{OverlayFault, OverlayKind};

/// One edit of a scenario. Written on the command line as `--without
/// KIND:GLOB`, `--only KIND:GLOB`, `--set KIND:GLOB.FIELD=VALUE` or `--set
/// FIELD=VALUE`; parsed from (and displayed as) the same text without the
/// dashes (`"without region:vast-*"`). Serialises as an object with an
/// `op` tag (`{"op": "without", "kind": "region", "glob": "vast-*"}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Overlay {
    /// Removes every entity of `kind` whose name matches `glob`.
    Without {
        /// The kind of entity.
        kind: OverlayKind,
        /// The glob its id (a link's `FROM->TO`) must match.
        glob: String,
    },
    /// Keeps only the entities of `kind` whose name matches `glob`.
    Only {
        /// The kind of entity.
        kind: OverlayKind,
        /// The glob its id (a link's `FROM->TO`) must match.
        glob: String,
    },
    /// Sets `field` to `value` on every entity of `kind` matching `glob`,
    /// or on the scenario itself when `target` is `None`.
    Set {
        /// The kind and glob of the entities to change; `None`: the
        /// scenario's top-level field.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        target: Option<OverlayTarget>,
        /// The field, as the file names it.
        field: String,
        /// The new value, as JSON.
        value: serde_json::Value,
    },
}

/// The entities a `set` overlay changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct OverlayTarget {
    /// The kind of entity.
    pub kind: OverlayKind,
    /// The glob its id (a link's `FROM->TO`) must match.
    pub glob: String,
}

impl fmt::Display for Overlay {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Overlay::Without { kind, glob } => write!(f, "without {kind}:{glob}"),
            Overlay::Only { kind, glob } => write!(f, "only {kind}:{glob}"),
            Overlay::Set {
                target,
                field,
                value,
            } => {
                f.write_str("set ")?;
                if let Some(t) = target {
                    write!(f, "{}:{}.", t.kind, t.glob)?;
                }
                write!(f, "{field}={}", value_text(value))
            }
        }
    }
}

/// A value as written after `=`: a string that would not read back as
/// JSON is written bare, everything else as JSON.
fn value_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) if serde_json::from_str::<serde_json::Value>(s).is_err() => {
            s.clone()
        }
        v => v.to_string(),
    }
}

/// `VALUE` as JSON, or as a JSON string when it is not JSON.
fn parse_value(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|_| serde_json::Value::String(text.to_string()))
}

impl Overlay {
    /// `without KIND:GLOB`.
    pub fn without(kind: OverlayKind, glob: impl Into<String>) -> Self {
        Overlay::Without {
            kind,
            glob: glob.into(),
        }
    }

    /// `only KIND:GLOB`.
    pub fn only(kind: OverlayKind, glob: impl Into<String>) -> Self {
        Overlay::Only {
            kind,
            glob: glob.into(),
        }
    }

    /// `set KIND:GLOB.FIELD=VALUE`.
    pub fn set(
        kind: OverlayKind,
        glob: impl Into<String>,
        field: impl Into<String>,
        value: serde_json::Value,
    ) -> Self {
        Overlay::Set {
            target: Some(OverlayTarget {
                kind,
                glob: glob.into(),
            }),
            field: field.into(),
            value,
        }
    }

    /// `set FIELD=VALUE` on the scenario's top level.
    pub fn set_top(field: impl Into<String>, value: serde_json::Value) -> Self {
        Overlay::Set {
            target: None,
            field: field.into(),
            value,
        }
    }

    /// The overlay of an operation (`without`, `only` or `set`) and its
    /// argument as the command line writes them (`--without
    /// region:vast-*` is `parse_op("without", "region:vast-*")`).
    ///
    /// # Errors
    ///
    /// [`InputError::Overlay`] with [`OverlayFault::Syntax`].
    pub fn parse_op(op: &str, arg: &str) -> Result<Overlay, crate::error::Error> {
        Ok(Overlay::parse_input(op, arg)?)
    }

    /// [`Overlay::parse_op`], with the input error as its own type.
    fn parse_input(op: &str, arg: &str) -> Result<Overlay, InputError> {
        let written = format!("{op} {arg}");
        let syntax = |message: String| InputError::Overlay {
            overlay: written.clone(),
            fault: Box::new(OverlayFault::Syntax { message }),
        };
        let kind_glob = |text: &str| -> Result<(OverlayKind, String), InputError> {
            let (kind, glob) = text.split_once(':').ok_or_else(|| {
                syntax(format!(
                    "'{text}' is not KIND:GLOB (KIND is region, pool, job or link)"
                ))
            })?;
            let kind = kind.trim().parse::<OverlayKind>().map_err(&syntax)?;
            if glob.is_empty() {
                return Err(syntax("the glob is empty".into()));
            }
            Ok((kind, glob.to_string()))
        };
        match op {
            "without" => {
                let (kind, glob) = kind_glob(arg)?;
                Ok(Overlay::Without { kind, glob })
            }
            "only" => {
                let (kind, glob) = kind_glob(arg)?;
                Ok(Overlay::Only { kind, glob })
            }
            "set" => {
                let (left, value) = arg.split_once('=').ok_or_else(|| {
                    syntax(format!(
                        "'{arg}' is not KIND:GLOB.FIELD=VALUE or FIELD=VALUE"
                    ))
                })?;
                let value = parse_value(value);
                if !left.contains(':') {
                    let field = left.trim();
                    if field.is_empty() {
                        return Err(syntax("the field is empty".into()));
                    }
                    return Ok(Overlay::set_top(field, value));
                }
                // The field is after the last dot: an id may hold dots, a
                // field name does not.
                let (target, field) = left
                    .rsplit_once('.')
                    .ok_or_else(|| syntax(format!("'{left}' is not KIND:GLOB.FIELD")))?;
                if field.is_empty() {
                    return Err(syntax("the field is empty".into()));
                }
                let (kind, glob) = kind_glob(target)?;
                Ok(Overlay::set(kind, glob, field, value))
            }
            _ => Err(syntax(format!(
                "unknown operation '{op}': must be without, only or set"
            ))),
        }
    }
}

impl FromStr for Overlay {
    type Err = crate::error::Error;
    /// Reads `"without KIND:GLOB"`, `"only KIND:GLOB"`, `"set
    /// KIND:GLOB.FIELD=VALUE"` or `"set FIELD=VALUE"` (what
    /// [`Overlay`]'s `Display` writes).
    fn from_str(s: &str) -> Result<Self, crate::error::Error> {
        let s = s.trim();
        let (op, arg) = s.split_once(char::is_whitespace).unwrap_or((s, ""));
        Overlay::parse_op(op, arg.trim())
    }
}

/// Whether `name` matches `glob`: `*` matches any run of characters
/// (the empty one too), `?` any one character, anything else itself.
/// Linear backtracking over the last `*` (no recursion).
pub fn glob_matches(glob: &str, name: &str) -> bool {
    let g: Vec<char> = glob.chars().collect();
    let n: Vec<char> = name.chars().collect();
    let (mut gi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if gi < g.len() && (g[gi] == '?' || (g[gi] != '*' && g[gi] == n[ni])) {
            gi += 1;
            ni += 1;
        } else if gi < g.len() && g[gi] == '*' {
            star = Some((gi, ni));
            gi += 1;
        } else if let Some((sg, sn)) = star {
            gi = sg + 1;
            ni = sn + 1;
            star = Some((sg, sn + 1));
        } else {
            return false;
        }
    }
    g[gi..].iter().all(|&c| c == '*')
}

fn link_name(l: &Link) -> String {
    format!("{}->{}", l.from, l.to)
}

/// The indices of the entities of `kind` whose names match `glob`, or the
/// no-match fault.
fn matches(scenario: &Scenario, kind: OverlayKind, glob: &str) -> Result<Vec<bool>, OverlayFault> {
    let hit: Vec<bool> = match kind {
        OverlayKind::Region => scenario
            .regions
            .iter()
            .map(|r| glob_matches(glob, &r.id))
            .collect(),
        OverlayKind::Pool => scenario
            .pools
            .iter()
            .map(|p| glob_matches(glob, &p.id))
            .collect(),
        OverlayKind::Job => scenario
            .jobs
            .iter()
            .map(|j| glob_matches(glob, &j.id))
            .collect(),
        OverlayKind::Link => scenario
            .links
            .iter()
            .map(|l| glob_matches(glob, &link_name(l)))
            .collect(),
    };
    if hit.iter().any(|&h| h) {
        Ok(hit)
    } else {
        Err(OverlayFault::NoMatch {
            kind,
            glob: glob.to_string(),
        })
    }
}

fn keep<T>(items: &mut Vec<T>, keep: &[bool]) {
    let mut i = 0;
    items.retain(|_| {
        i += 1;
        keep[i - 1]
    });
}

/// Removes the entities of `kind` marked in `gone`, with what a removed
/// region takes along; the scenario is changed only when it succeeds.
fn remove(scenario: &mut Scenario, kind: OverlayKind, gone: &[bool]) -> Result<(), OverlayFault> {
    let stays: Vec<bool> = gone.iter().map(|g| !g).collect();
    match kind {
        OverlayKind::Region => {
            let removed: BTreeSet<&str> = scenario
                .regions
                .iter()
                .zip(gone)
                .filter(|(_, &g)| g)
                .map(|(r, _)| r.id.as_str())
                .collect();
            if let Some(job) = scenario
                .jobs
                .iter()
                .find(|j| removed.contains(j.origin.as_str()))
            {
                return Err(OverlayFault::OriginRemoved {
                    job: job.id.clone(),
                    region: job.origin.clone(),
                });
            }
            let removed: BTreeSet<String> = removed.into_iter().map(String::from).collect();
            scenario.pools.retain(|p| !removed.contains(&p.region));
            scenario
                .links
                .retain(|l| !removed.contains(&l.from) && !removed.contains(&l.to));
            for job in &mut scenario.jobs {
                if let Some(list) = &mut job.regions {
                    list.retain(|r| !removed.contains(r));
                }
            }
            keep(&mut scenario.regions, &stays);
        }
        OverlayKind::Pool => keep(&mut scenario.pools, &stays),
        OverlayKind::Job => keep(&mut scenario.jobs, &stays),
        OverlayKind::Link => keep(&mut scenario.links, &stays),
    }
    Ok(())
}

/// `entity` with `field` set to `value`, through its JSON form: the file
/// format's own checks (unknown fields, types) apply.
fn set_field<T: Serialize + DeserializeOwned>(
    entity: &T,
    field: &str,
    value: &serde_json::Value,
) -> Result<T, String> {
    let mut json = serde_json::to_value(entity).map_err(|e| e.to_string())?;
    let object = json
        .as_object_mut()
        .ok_or_else(|| "not an object".to_string())?;
    object.insert(field.to_string(), value.clone());
    serde_json::from_value(json).map_err(|e| e.to_string())
}

/// [`set_field`] on every marked entity, all or none.
fn set_all<T: Serialize + DeserializeOwned>(
    items: &mut [T],
    hit: &[bool],
    id: impl Fn(&T) -> String,
    kind: OverlayKind,
    field: &str,
    value: &serde_json::Value,
) -> Result<(), OverlayFault> {
    let mut changed = Vec::new();
    for (i, item) in items.iter().enumerate().filter(|(i, _)| hit[*i]) {
        let new = set_field(item, field, value).map_err(|message| OverlayFault::BadField {
            kind: Some(kind),
            id: id(item),
            field: field.to_string(),
            value: value.to_string(),
            message,
        })?;
        changed.push((i, new));
    }
    for (i, new) in changed {
        items[i] = new;
    }
    Ok(())
}

impl Scenario {
    /// Applies one overlay, all or nothing: on an error the scenario is as
    /// it was. Validation is [`crate::Problem::new`]'s, after the
    /// overlays.
    ///
    /// # Errors
    ///
    /// [`InputError::Overlay`], naming the overlay and its
    /// [`OverlayFault`]: a glob that matches nothing, an unknown field or
    /// a value of the wrong type, or a region removed that is the origin
    /// of a job that stays.
    pub fn apply(&mut self, overlay: &Overlay) -> Result<(), crate::error::Error> {
        Ok(self.apply_input(overlay)?)
    }

    /// [`Scenario::apply`], with the input error as its own type.
    fn apply_input(&mut self, overlay: &Overlay) -> Result<(), InputError> {
        let fail = |fault| InputError::Overlay {
            overlay: overlay.to_string(),
            fault: Box::new(fault),
        };
        match overlay {
            Overlay::Without { kind, glob } => {
                let hit = matches(self, *kind, glob).map_err(fail)?;
                remove(self, *kind, &hit).map_err(fail)
            }
            Overlay::Only { kind, glob } => {
                let hit = matches(self, *kind, glob).map_err(fail)?;
                let gone: Vec<bool> = hit.iter().map(|h| !h).collect();
                remove(self, *kind, &gone).map_err(fail)
            }
            Overlay::Set {
                target: None,
                field,
                value,
            } => {
                let new = set_field(self, field, value).map_err(|message| {
                    fail(OverlayFault::BadField {
                        kind: None,
                        id: String::new(),
                        field: field.clone(),
                        value: value.to_string(),
                        message,
                    })
                })?;
                *self = new;
                Ok(())
            }
            Overlay::Set {
                target: Some(OverlayTarget { kind, glob }),
                field,
                value,
            } => {
                let hit = matches(self, *kind, glob).map_err(fail)?;
                match kind {
                    OverlayKind::Region => set_all::<Region>(
                        &mut self.regions,
                        &hit,
                        |r| r.id.clone(),
                        *kind,
                        field,
                        value,
                    ),
                    OverlayKind::Pool => set_all::<Pool>(
                        &mut self.pools,
                        &hit,
                        |p| p.id.clone(),
                        *kind,
                        field,
                        value,
                    ),
                    OverlayKind::Job => {
                        set_all::<Job>(&mut self.jobs, &hit, |j| j.id.clone(), *kind, field, value)
                    }
                    OverlayKind::Link => {
                        set_all::<Link>(&mut self.links, &hit, link_name, *kind, field, value)
                    }
                }
                .map_err(fail)
            }
        }
    }

    /// The scenario with `overlays` applied in order.
    ///
    /// # Errors
    ///
    /// The first overlay that cannot be applied, as [`Scenario::apply`].
    pub fn with_overlays<'a>(
        mut self,
        overlays: impl IntoIterator<Item = &'a Overlay>,
    ) -> Result<Scenario, crate::error::Error> {
        for overlay in overlays {
            self.apply(overlay)?;
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::glob_matches;

    #[test]
    fn globs() {
        assert!(glob_matches("vast-*", "vast-1"));
        assert!(glob_matches("vast-*", "vast-"));
        assert!(!glob_matches("vast-*", "gcp-vast-1"));
        assert!(glob_matches("*-east?", "gcp-us-east1"));
        assert!(!glob_matches("*-east?", "gcp-us-east12"));
        assert!(glob_matches("*", ""));
        assert!(glob_matches("a*b*c", "axxbyyc"));
        assert!(!glob_matches("a*b*c", "axxbyy"));
        assert!(glob_matches("ny->*", "ny->gcp-us-east1"));
        assert!(!glob_matches("ny", "ny-2"));
        assert!(glob_matches("??", "né"));
    }
}
