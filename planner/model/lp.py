"""A solver-neutral linear program held as flat arrays.

The model builder adds variables (bounds, cost, integrality, a key tuple) and rows
(``lo <= sum_j a_ij x_j <= hi``, with a constraint-family name and a key tuple). Backends hand
the arrays to a solver in one go (HiGHS) or build a PuLP problem from tuple lists (CBC), and the
verifier recomputes every row activity from the returned point, independent of the solver.

Keys are parseable tuples such as ``("act", "mp_mountain_pass", "", 2027, "clean")`` so results
and duals are written back by name and tests look variables and rows up by key.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import repeat
from typing import Hashable, Iterable

import numpy as np

INF = math.inf


@dataclass
class LinearProgram:
    """min c'x + constant  s.t.  lo <= A x <= hi,  lb <= x <= ub,  x_j integer for j in ints."""

    var_keys: list[tuple] = field(default_factory=list)
    var_lb: list[float] = field(default_factory=list)
    var_ub: list[float] = field(default_factory=list)
    var_cost: list[float] = field(default_factory=list)
    var_int: list[bool] = field(default_factory=list)
    row_keys: list[tuple] = field(default_factory=list)
    row_family: list[str] = field(default_factory=list)
    row_lo: list[float] = field(default_factory=list)
    row_hi: list[float] = field(default_factory=list)
    coo_row: list[int] = field(default_factory=list)
    coo_col: list[int] = field(default_factory=list)
    coo_val: list[float] = field(default_factory=list)
    constant: float = 0.0
    _var_index: dict[tuple, int] = field(default_factory=dict)
    _row_index: dict[tuple, int] = field(default_factory=dict)

    # ----------------------------------------------------------------- variables
    def add_var(self, key: tuple, lb: float = 0.0, ub: float = INF, cost: float = 0.0, integer: bool = False) -> int:
        """Add a variable; returns its column index. Keys must be unique."""
        if key in self._var_index:
            raise KeyError(f"duplicate variable {key}")
        j = len(self.var_keys)
        self._var_index[key] = j
        self.var_keys.append(key)
        self.var_lb.append(lb)
        self.var_ub.append(ub)
        self.var_cost.append(cost)
        self.var_int.append(integer)
        return j

    def var(self, key: tuple) -> int:
        return self._var_index[key]

    def has_var(self, key: tuple) -> bool:
        return key in self._var_index

    @property
    def n_vars(self) -> int:
        return len(self.var_keys)

    @property
    def n_rows(self) -> int:
        return len(self.row_keys)

    @property
    def is_mip(self) -> bool:
        return any(self.var_int)

    # ---------------------------------------------------------------------- rows
    def add_row(
        self,
        family: str,
        key: tuple,
        terms: dict[int, float] | Iterable[tuple[int, float]],
        lo: float = -INF,
        hi: float = INF,
    ) -> int | None:
        """Add ``lo <= sum coef * x[col] <= hi``; repeated columns are summed, zero terms dropped.

        Returns the row index, or None when the row has no terms (then it must hold for 0:
        a violated empty row raises ValueError since the model would be infeasible by construction).
        """
        if not isinstance(terms, dict):
            merged: dict[int, float] = {}
            for col, coef in terms:
                merged[col] = merged.get(col, 0.0) + coef
            terms = merged
        items = [(c, v) for c, v in terms.items() if v != 0.0]
        if not items:
            if lo > 1e-9 or hi < -1e-9:
                return self._add_row_raw(family, key, [], lo, hi)
            return None
        return self._add_row_raw(family, key, items, lo, hi)

    def add_rows(self, family: str, rows: Iterable[tuple[tuple, dict[int, float]]], lo: float, hi: float) -> None:
        """Bulk form of :meth:`add_row` for many rows with the same bounds (the balance rows):
        ``lo <= sum terms <= hi`` per (key, terms); zero coefficients dropped, empty rows skipped
        when 0 satisfies them."""
        index, keys, fams, los, his = self._row_index, self.row_keys, self.row_family, self.row_lo, self.row_hi
        coo_row, coo_col, coo_val = self.coo_row, self.coo_col, self.coo_val
        feasible_at_zero = lo <= 1e-9 and hi >= -1e-9
        for key, terms in rows:
            if 0.0 in terms.values():
                terms = {c: v for c, v in terms.items() if v != 0.0}
            if not terms and feasible_at_zero:
                continue
            full_key = (family, *key)
            if full_key in index:
                raise KeyError(f"duplicate row {full_key}")
            i = len(keys)
            index[full_key] = i
            keys.append(full_key)
            fams.append(family)
            los.append(lo)
            his.append(hi)
            coo_row.extend(repeat(i, len(terms)))
            coo_col.extend(terms.keys())
            coo_val.extend(terms.values())

    def _add_row_raw(self, family: str, key: tuple, items: list[tuple[int, float]], lo: float, hi: float) -> int:
        full_key = (family, *key)
        if full_key in self._row_index:
            raise KeyError(f"duplicate row {full_key}")
        i = len(self.row_keys)
        self._row_index[full_key] = i
        self.row_keys.append(full_key)
        self.row_family.append(family)
        self.row_lo.append(lo)
        self.row_hi.append(hi)
        if items:
            cols, vals = zip(*items)
            self.coo_row.extend(repeat(i, len(cols)))
            self.coo_col.extend(cols)
            self.coo_val.extend(vals)
        return i

    def row(self, family: str, *key: Hashable) -> int:
        return self._row_index[(family, *key)]

    def has_row(self, family: str, *key: Hashable) -> bool:
        return (family, *key) in self._row_index

    # ------------------------------------------------------------------ helpers
    def arrays(self) -> dict[str, np.ndarray]:
        """Everything as numpy arrays (COO matrix plus bounds and costs)."""
        return {
            "row": np.asarray(self.coo_row, dtype=np.int64),
            "col": np.asarray(self.coo_col, dtype=np.int64),
            "val": np.asarray(self.coo_val, dtype=np.float64),
            "lo": np.asarray(self.row_lo, dtype=np.float64),
            "hi": np.asarray(self.row_hi, dtype=np.float64),
            "lb": np.asarray(self.var_lb, dtype=np.float64),
            "ub": np.asarray(self.var_ub, dtype=np.float64),
            "cost": np.asarray(self.var_cost, dtype=np.float64),
            "int": np.asarray(self.var_int, dtype=bool),
        }

    def row_activity(self, x: np.ndarray, absolute: bool = False) -> np.ndarray:
        """A x for a point x (length n_vars); with ``absolute``, |A| x."""
        rows = np.asarray(self.coo_row, dtype=np.int64)
        cols = np.asarray(self.coo_col, dtype=np.int64)
        vals = np.asarray(self.coo_val, dtype=np.float64)
        if absolute:
            vals = np.abs(vals)
        return np.bincount(rows, weights=vals * x[cols], minlength=self.n_rows)

    def objective_value(self, x: np.ndarray) -> float:
        """sum_j cost_j x_j + constant. Not np.dot: on a long vector OpenBLAS's ddot wakes its helper
        thread, which then spins for a while after every call (measured on real-sample Monte Carlo
        samples: 1.3-1.6 s of CPU next to the main thread's 4.7 s, taking the core a second worker needs)."""
        return float(np.multiply(np.asarray(self.var_cost, dtype=np.float64), x).sum() + self.constant)
