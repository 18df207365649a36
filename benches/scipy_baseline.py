#!/usr/bin/env python3
"""The scipy baseline: solve a geoshift model written as free MPS
(`Optimal::write_mps`, or `examples/year_long.rs --write-mps`) with scipy.optimize.milp, which calls
HiGHS, and print the objective, the status and the wall seconds, reading
the model timed apart from solving.

    python3 benches/scipy_baseline.py MODEL.mps [--runs N] [--time-limit S]

Not run by CI (CI has no scipy): see docs/performance.md. It reads the subset
of free MPS the crate writes (ROWS N/L/G/E, COLUMNS with INTORG/INTEND
markers, RHS, BOUNDS UP/LO/FX/BV/MI/PL; no RANGES) and refuses anything
else rather than guess.
"""

import argparse
import sys
import time

import numpy as np
import scipy
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csc_array


def read_mps(path):
    """(c, A, row_lo, row_hi, col_lo, col_hi, integrality, objective_row)"""
    rows = {}  # name -> index
    row_sense = []
    obj = None
    cols = {}
    c = []
    integ = []
    data, ri, ci = [], [], []
    rhs = None
    col_lo = None
    col_hi = None
    section = None
    in_int = False
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if not line.strip() or line.startswith("*"):
                continue
            if not line[0].isspace():
                head = line.split()
                section = head[0]
                if section == "NAME":
                    continue
                if section == "RHS" and rhs is None:
                    rhs = np.zeros(len(row_sense))
                if section == "BOUNDS":
                    col_lo = np.zeros(len(c))
                    col_hi = np.full(len(c), np.inf)
                    for j in range(len(c)):
                        if integ[j]:
                            # MPS: an integer column without bounds is
                            # binary in most readers; the crate always
                            # writes UP 1 for its binaries.
                            pass
                if section == "ENDATA":
                    break
                if section not in ("ROWS", "COLUMNS", "RHS", "BOUNDS"):
                    sys.exit(f"{path}:{n}: unsupported MPS section {section}")
                continue
            t = line.split()
            if section == "ROWS":
                sense, name = t
                if sense == "N":
                    if obj is None:
                        obj = name
                    continue
                if sense not in ("L", "G", "E"):
                    sys.exit(f"{path}:{n}: unknown row type {sense}")
                rows[name] = len(row_sense)
                row_sense.append(sense)
            elif section == "COLUMNS":
                if len(t) >= 3 and t[1] == "'MARKER'":
                    in_int = t[2] == "'INTORG'"
                    continue
                name = t[0]
                j = cols.get(name)
                if j is None:
                    j = cols[name] = len(c)
                    c.append(0.0)
                    integ.append(1 if in_int else 0)
                for k in range(1, len(t), 2):
                    r, v = t[k], float(t[k + 1])
                    if r == obj:
                        c[j] += v
                    else:
                        ri.append(rows[r])
                        ci.append(j)
                        data.append(v)
            elif section == "RHS":
                for k in range(1, len(t), 2):
                    if t[k] == obj:
                        sys.exit(f"{path}:{n}: an objective constant is not supported")
                    rhs[rows[t[k]]] = float(t[k + 1])
            elif section == "BOUNDS":
                kind, _, name = t[0], t[1], t[2]
                j = cols[name]
                v = float(t[3]) if len(t) > 3 else None
                if kind == "UP":
                    col_hi[j] = v
                elif kind == "LO":
                    col_lo[j] = v
                elif kind == "FX":
                    col_lo[j] = col_hi[j] = v
                elif kind == "BV":
                    col_lo[j], col_hi[j] = 0.0, 1.0
                    integ[j] = 1
                elif kind == "MI":
                    col_lo[j] = -np.inf
                elif kind == "PL":
                    col_hi[j] = np.inf
                else:
                    sys.exit(f"{path}:{n}: unsupported bound type {kind}")
    m, ncol = len(row_sense), len(c)
    if rhs is None:
        rhs = np.zeros(m)
    if col_lo is None:
        col_lo, col_hi = np.zeros(ncol), np.full(ncol, np.inf)
    a = csc_array((data, (ri, ci)), shape=(m, ncol))
    sense = np.array(row_sense)
    lo = np.where(sense == "L", -np.inf, rhs)
    hi = np.where(sense == "G", np.inf, rhs)
    return np.array(c), a, lo, hi, col_lo, col_hi, np.array(integ), obj


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mps")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--time-limit", type=float, default=None)
    ap.add_argument("--gap", type=float, default=1e-7,
                    help="mip_rel_gap (default 1e-7, the crate's DEFAULT_GAP)")
    args = ap.parse_args()
    t0 = time.perf_counter()
    c, a, lo, hi, clo, chi, integ, _ = read_mps(args.mps)
    read_s = time.perf_counter() - t0
    print(f"scipy {scipy.__version__}, numpy {np.__version__}")
    print(f"read {args.mps}: {len(c)} columns ({int(integ.sum())} integer), "
          f"{a.shape[0]} rows, {a.nnz} nonzeros in {read_s:.2f} s")
    options = {"mip_rel_gap": args.gap, "disp": False}
    if args.time_limit is not None:
        options["time_limit"] = args.time_limit
    for run in range(1, args.runs + 1):
        t0 = time.perf_counter()
        res = milp(c, constraints=LinearConstraint(a, lo, hi), integrality=integ,
                   bounds=Bounds(clo, chi), options=options)
        solve_s = time.perf_counter() - t0
        bound = getattr(res, "mip_dual_bound", None)
        gap = getattr(res, "mip_gap", None)
        fun = "none" if res.fun is None else f"{res.fun:.6f}"
        print(f"run {run}: status {res.status} ({res.message}), objective {fun}, "
              f"bound {bound}, gap {gap}, nodes {getattr(res, 'mip_node_count', None)}, "
              f"solve {solve_s:.2f} s (wall, model reading apart)")


if __name__ == "__main__":
    main()
