//! The engine's model ([`Lp`]) written as free MPS, so that an independent
//! solver (HiGHS from Python, a commercial MILP solver) solves exactly the
//! crate's formulation: the same columns, rows, bounds and costs, with the
//! region choices of `Whole` jobs marked integer (`MARKER INTORG`) and
//! bounded to `[0, 1]`. The library does no file I/O: the caller hands a
//! writer ([`crate::Optimal::write_mps`]).
//!
//! Names are positional: column `i` is `c<i>`, row `i` is `r<i>`, in the
//! engine's order (columns grouped by job), and the objective row is
//! `obj`. Every number is written with Rust's shortest round-trip form, so
//! that a reader gets back the exact `f64` the engine holds.

use super::lp::{Col, Lp, ModelSize, Sense};
use std::io::{BufWriter, Write};

pub use super::error::ExportError;

/// A finite value, or the error naming it.
fn finite(
    what: &'static str,
    name: impl FnOnce() -> String,
    value: f64,
) -> Result<f64, ExportError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(ExportError::NotFinite {
            what,
            name: name(),
            value,
        })
    }
}

/// Writes `lp` as free MPS to `out` and returns its size (binaries are the
/// region-choice columns).
pub(crate) fn write(lp: &Lp, out: &mut impl Write) -> Result<ModelSize, ExportError> {
    let size = lp.size(true);
    let mut w = BufWriter::new(out);
    writeln!(
        w,
        "* geoshift model: {} columns ({} binary), {} rows, {} nonzeros; objective in the model's unit",
        lp.columns(),
        size.binaries,
        lp.row.len(),
        lp.entry_row.len()
    )?;
    writeln!(w, "NAME geoshift")?;
    writeln!(w, "ROWS")?;
    writeln!(w, " N obj")?;
    for (i, s) in lp.sense.iter().enumerate() {
        let code = match s {
            Sense::Le => 'L',
            Sense::Eq => 'E',
        };
        writeln!(w, " {code} r{i}")?;
    }
    writeln!(w, "COLUMNS")?;
    let mut marker = 0usize;
    for i in 0..lp.columns() {
        let binary = matches!(lp.col[i], Col::Choice { .. });
        if binary {
            writeln!(w, " MARKER{marker} 'MARKER' 'INTORG'")?;
        }
        let cost = finite("cost", || format!("c{i}"), lp.cost[i])?;
        let mut written = false;
        if cost != 0.0 {
            writeln!(w, " c{i} obj {cost:?}")?;
            written = true;
        }
        for (r, v) in lp.entries(i) {
            let v = finite("coefficient", || format!("c{i} in r{r}"), v)?;
            writeln!(w, " c{i} r{r} {v:?}")?;
            written = true;
        }
        if !written {
            // A column must appear here to exist.
            writeln!(w, " c{i} obj 0")?;
        }
        if binary {
            writeln!(w, " MARKER{marker} 'MARKER' 'INTEND'")?;
            marker += 1;
        }
    }
    writeln!(w, "RHS")?;
    for (i, &rhs) in lp.rhs.iter().enumerate() {
        let rhs = finite("rhs", || format!("r{i}"), rhs)?;
        if rhs != 0.0 {
            writeln!(w, " rhs r{i} {rhs:?}")?;
        }
    }
    writeln!(w, "BOUNDS")?;
    for (i, &ub) in lp.upper.iter().enumerate() {
        // Every column is >= 0 (MPS's default lower bound); +inf is MPS's
        // default upper bound.
        if ub == f64::INFINITY {
            continue;
        }
        let ub = finite("upper bound", || format!("c{i}"), ub)?;
        writeln!(w, " UP bnd c{i} {ub:?}")?;
    }
    writeln!(w, "ENDATA")?;
    w.flush()?;
    Ok(size)
}
