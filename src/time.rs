//! The horizon, its slots, and series over time (constant, one value per
//! slot, or timestamped points) with their resampling to slots.
//!
//! Every instant is UTC (`chrono::DateTime<Utc>`); input with an offset is
//! converted when it is parsed, never ignored.

use chrono::{DateTime, Utc};
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// The planning horizon: `slots` slots of `slot_seconds` each from `start`.
///
/// Slot `t` covers `[start + t·Δ, start + (t+1)·Δ)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
#[non_exhaustive]
pub struct Horizon {
    /// First instant of slot 0 (UTC).
    pub start: DateTime<Utc>,
    /// Length of one slot in seconds (> 0).
    pub slot_seconds: u64,
    /// Number of slots (> 0).
    pub slots: usize,
}

impl Serialize for Horizon {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Horizon::serialize(self, s)
    }
}

impl<'de> Deserialize<'de> for Horizon {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Horizon::deserialize(ObjectsOnly(d))
    }
}

/// A deserializer that reads a struct only from a map (a JSON object),
/// never from a sequence, which serde's derive would also accept.
pub(crate) struct ObjectsOnly<D>(pub(crate) D);

impl<'de, D: Deserializer<'de>> Deserializer<'de> for ObjectsOnly<D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_any(visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_map(visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map enum identifier ignored_any
    }
}

impl Horizon {
    /// Length of one slot in hours (`h` in [the model](crate::spec)).
    pub fn slot_hours(&self) -> f64 {
        self.slot_seconds as f64 / 3600.0
    }

    /// Seconds from the horizon start to `instant` (negative before it).
    pub fn offset_seconds(&self, instant: DateTime<Utc>) -> f64 {
        let d = instant.signed_duration_since(self.start);
        // Whole seconds plus the nanosecond fraction: exact to the
        // nanosecond for any date chrono can hold (RFC 3339 accepts
        // fractions), and no overflow.
        d.num_seconds() as f64 + d.subsec_nanos() as f64 * 1e-9
    }

    /// Seconds from the horizon start to the start of slot `t`.
    pub fn slot_start_seconds(&self, t: usize) -> f64 {
        t as f64 * self.slot_seconds as f64
    }

    /// Seconds from the horizon start to the end of the horizon.
    pub fn end_seconds(&self) -> f64 {
        self.slot_start_seconds(self.slots)
    }

    /// The instant slot `t` starts, `start + t·Δ`. `t` may be `slots` (the
    /// horizon's end). `None` past the horizon's end, or beyond the range
    /// of `chrono::DateTime`.
    pub fn slot_start(&self, t: usize) -> Option<DateTime<Utc>> {
        if t > self.slots {
            return None;
        }
        let seconds = i64::try_from(u128::from(self.slot_seconds) * t as u128).ok()?;
        self.start
            .checked_add_signed(chrono::TimeDelta::try_seconds(seconds)?)
    }

    /// The instant slot `t` ends (the next one's start); `None` as for
    /// [`Horizon::slot_start`].
    pub fn slot_end(&self, t: usize) -> Option<DateTime<Utc>> {
        self.slot_start(t.checked_add(1)?)
    }

    /// The slot that holds `instant` (a slot holds its start, not its end);
    /// `None` before the start or at or after the end of the horizon.
    pub fn slot_at(&self, instant: DateTime<Utc>) -> Option<usize> {
        let d = instant.signed_duration_since(self.start);
        let ns = i128::from(d.num_seconds()) * 1_000_000_000 + i128::from(d.subsec_nanos());
        let slot_ns = i128::from(self.slot_seconds) * 1_000_000_000;
        if ns < 0 || slot_ns == 0 {
            return None;
        }
        usize::try_from(ns / slot_ns)
            .ok()
            .filter(|&t| t < self.slots)
    }

    /// The slot that starts exactly at `instant`, if any.
    pub fn slot_starting_at(&self, instant: DateTime<Utc>) -> Option<usize> {
        self.slot_at(instant)
            .filter(|&t| self.slot_start(t) == Some(instant))
    }
}

/// A value over time: prices, carbon intensity, available servers.
///
/// In JSON: a number, an array of exactly `slots` numbers, or
/// `{"points": [["2026-06-01T00:00:00Z", 38.0], ...]}` (a step function:
/// each value holds until the next point, the last holds on).
#[derive(Debug, Clone, PartialEq)]
pub enum Series {
    /// The same value in every slot.
    Constant(f64),
    /// One value per slot (exactly `slots` values).
    PerSlot(Vec<f64>),
    /// A step function given by `(instant, value)` points, strictly increasing
    /// in time, the first at or before the horizon start.
    Points(Vec<(DateTime<Utc>, f64)>),
}

impl From<f64> for Series {
    fn from(v: f64) -> Self {
        Series::Constant(v)
    }
}

impl From<Vec<f64>> for Series {
    fn from(v: Vec<f64>) -> Self {
        Series::PerSlot(v)
    }
}

/// Why a series could not be turned into per-slot values. The caller
/// (validation) adds the entity and field it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum SeriesFault {
    Length {
        expected: usize,
        got: usize,
    },
    NoPoints,
    StartsAfterHorizon {
        first: DateTime<Utc>,
    },
    OutOfOrder {
        index: usize,
        previous: DateTime<Utc>,
        this: DateTime<Utc>,
    },
}

impl Series {
    /// The value of the series in every slot of `horizon`. Points are
    /// resampled by the time-weighted mean over each slot.
    pub(crate) fn resample(&self, horizon: &Horizon) -> Result<Vec<f64>, SeriesFault> {
        match self {
            Series::Constant(v) => Ok(vec![*v; horizon.slots]),
            Series::PerSlot(values) => {
                if values.len() != horizon.slots {
                    return Err(SeriesFault::Length {
                        expected: horizon.slots,
                        got: values.len(),
                    });
                }
                Ok(values.clone())
            }
            Series::Points(points) => resample_points(points, horizon),
        }
    }

    /// Every raw number in the series, for finiteness and sign checks.
    pub(crate) fn values(&self) -> Vec<f64> {
        match self {
            Series::Constant(v) => vec![*v],
            Series::PerSlot(v) => v.clone(),
            Series::Points(p) => p.iter().map(|(_, v)| *v).collect(),
        }
    }
}

fn resample_points(
    points: &[(DateTime<Utc>, f64)],
    horizon: &Horizon,
) -> Result<Vec<f64>, SeriesFault> {
    let first = points.first().ok_or(SeriesFault::NoPoints)?;
    if first.0 > horizon.start {
        return Err(SeriesFault::StartsAfterHorizon { first: first.0 });
    }
    for (i, pair) in points.windows(2).enumerate() {
        if pair[1].0 <= pair[0].0 {
            return Err(SeriesFault::OutOfOrder {
                index: i + 1,
                previous: pair[0].0,
                this: pair[1].0,
            });
        }
    }
    let step = horizon.slot_seconds as f64;
    let offsets: Vec<f64> = points
        .iter()
        .map(|(at, _)| horizon.offset_seconds(*at))
        .collect();
    let mut out = Vec::with_capacity(horizon.slots);
    // `i` is the index of the point in force at the current instant; it only
    // moves forward, so resampling is linear in points + slots.
    let mut i = 0;
    for t in 0..horizon.slots {
        let (lo, hi) = (t as f64 * step, (t + 1) as f64 * step);
        while i + 1 < points.len() && offsets[i + 1] <= lo {
            i += 1;
        }
        let mut acc = 0.0;
        let mut at = lo;
        let mut j = i;
        while at < hi {
            let until = if j + 1 < points.len() {
                offsets[j + 1].min(hi)
            } else {
                hi
            };
            // Weight by the share of the slot, not by seconds: no overflow
            // for values near f64::MAX.
            acc += points[j].1 * ((until - at) / step);
            at = until;
            j += 1;
        }
        out.push(acc);
    }
    Ok(out)
}

impl Serialize for Series {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Series::Constant(v) => s.serialize_f64(*v),
            Series::PerSlot(v) => v.serialize(s),
            Series::Points(p) => {
                let mut m = s.serialize_map(Some(1))?;
                let rows: Vec<(String, f64)> = p
                    .iter()
                    .map(|(at, v)| (at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true), *v))
                    .collect();
                m.serialize_entry("points", &rows)?;
                m.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Series {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct SeriesVisitor;
        impl<'de> Visitor<'de> for SeriesVisitor {
            type Value = Series;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a number, an array of one number per slot, or {\"points\": [[instant, number], ...]}",
                )
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Series, E> {
                Ok(Series::Constant(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Series, E> {
                Ok(Series::Constant(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Series, E> {
                Ok(Series::Constant(v as f64))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Series, A::Error> {
                let mut v = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(x) = seq.next_element::<f64>()? {
                    v.push(x);
                }
                Ok(Series::PerSlot(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Series, A::Error> {
                let mut points: Option<Vec<(DateTime<Utc>, f64)>> = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key != "points" {
                        return Err(de::Error::unknown_field(&key, &["points"]));
                    }
                    if points.is_some() {
                        return Err(de::Error::duplicate_field("points"));
                    }
                    points = Some(map.next_value()?);
                }
                points
                    .map(Series::Points)
                    .ok_or_else(|| de::Error::missing_field("points"))
            }
        }
        d.deserialize_any(SeriesVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn horizon(slots: usize) -> Horizon {
        Horizon {
            start: "2026-06-01T00:00:00Z".parse().unwrap(),
            slot_seconds: 3600,
            slots,
        }
    }

    #[test]
    fn points_are_time_weighted_means() {
        // 10 until 00:30, then 40: slot 0 = (10·1800 + 40·1800)/3600 = 25.
        let s = Series::Points(vec![
            ("2026-05-31T23:00:00Z".parse().unwrap(), 10.0),
            ("2026-06-01T00:30:00Z".parse().unwrap(), 40.0),
        ]);
        assert_eq!(s.resample(&horizon(2)).unwrap(), vec![25.0, 40.0]);
    }

    #[test]
    fn points_must_cover_the_start() {
        let s = Series::Points(vec![("2026-06-01T00:00:01Z".parse().unwrap(), 1.0)]);
        assert!(matches!(
            s.resample(&horizon(1)),
            Err(SeriesFault::StartsAfterHorizon { .. })
        ));
    }

    #[test]
    fn per_slot_length_is_checked() {
        let s = Series::PerSlot(vec![1.0, 2.0]);
        assert_eq!(
            s.resample(&horizon(3)),
            Err(SeriesFault::Length {
                expected: 3,
                got: 2
            })
        );
    }
}
