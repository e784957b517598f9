"""An exact sparse LU factorisation of a square matrix over fmpq, with product-form updates.

``LU(m, columns)`` factorises the m × m matrix B whose k-th column is ``columns[k]`` (a
sparse dict ``row -> value``) by Gaussian elimination in the order chosen by Markowitz's
rule: at every step the pivot is a column singleton if there is one, else a row singleton,
else the entry (i, j) of the few sparsest active columns with the smallest
(r_i − 1)(c_j − 1) (r_i, c_j: the nonzeros of row i and column j of the active submatrix).
The arithmetic is exact, so any nonzero entry is an acceptable pivot: the ordering serves
sparsity alone (no numerical threshold is needed); among equal counts the entry of smallest
height (numerator and denominator bits) is taken, to keep the numbers short.

The elimination E_{m−1}⋯E_0 B = U (row r_k of U has zeros in the columns pivoted before
step k) is stored as the multipliers of each step (L, column-wise) and the rows of U.

* ``ftran(b)`` solves B z = b (z by column position),
* ``btran(c)`` solves Bᵀ y = c (y by row),

on sparse dicts, skipping zero entries.  ``update(p, alpha)`` replaces column p of B by the
column a whose ``ftran`` is ``alpha`` (the simplex's entering column): B' = B E with
E = I + (α − e_p)e_pᵀ, kept as an eta factor (product form) applied after the LU in
``ftran`` and before it in ``btran``.  ``updates`` counts them; the caller refactorises
(builds a new ``LU``) when ``stale`` says so: after ``REFACTOR_AFTER`` updates, or once the
eta file holds as many entries as L and U.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flint import fmpq

from ..errors import LPError

__all__ = ["LU", "REFACTOR_AFTER", "SingularBasisError"]

#: product-form updates after which the basis is factorised afresh (sooner when the eta
#: file grows as large as the factors: :attr:`LU.stale`)
REFACTOR_AFTER = 500

_SEARCH = 4  # columns examined by the Markowitz search


class SingularBasisError(LPError):
    """The matrix handed to :class:`LU` is singular (exactly)."""


def _height(v: fmpq) -> int:
    return int(v.p.bit_length()) + int(v.q.bit_length())


class _Buckets:
    """Indices grouped by a count, with the smallest nonempty count found quickly."""

    def __init__(self) -> None:
        self.by: dict[int, set[int]] = {}
        self.count: dict[int, int] = {}

    def put(self, k: int, c: int) -> None:
        old = self.count.get(k)
        if old is not None:
            s = self.by[old]
            s.discard(k)
            if not s:
                del self.by[old]
        self.count[k] = c
        self.by.setdefault(c, set()).add(k)

    def drop(self, k: int) -> None:
        old = self.count.pop(k)
        s = self.by[old]
        s.discard(k)
        if not s:
            del self.by[old]

    def smallest(self) -> int | None:
        return min(self.by) if self.by else None


class LU:
    """B = [columns[0] … columns[m−1]] factorised exactly; see the module docstring."""

    def __init__(self, m: int, columns: Sequence[Mapping[int, fmpq]]) -> None:
        if len(columns) != m:
            raise LPError(f"LU of {len(columns)} columns for {m} rows")
        self.m = m
        rows: list[dict[int, fmpq]] = [{} for _ in range(m)]
        cols: list[set[int]] = [set() for _ in range(m)]
        for j, col in enumerate(columns):
            for i, v in col.items():
                if v:
                    rows[i][j] = v
                    cols[j].add(i)
        self.prow: list[int] = []  # r_k
        self.pcol: list[int] = []  # c_k
        self.pval: list[fmpq] = []  # U[r_k][c_k]
        self.L: list[dict[int, fmpq]] = []  # step k: row i -> multiplier l_i (row_i -= l_i · row r_k)
        self.U: list[dict[int, fmpq]] = []  # step k: the other entries of row r_k (later columns)
        # singletons first (slack and artificial columns, rows left with one entry), without fill
        done_c, done_r = [False] * m, [False] * m
        col_stack = [j for j in range(m) if len(cols[j]) == 1]
        row_stack = [i for i in range(m) if len(rows[i]) == 1]
        while col_stack or row_stack:
            if col_stack:
                c = col_stack.pop()
                if done_c[c] or len(cols[c]) != 1:
                    continue
                (r,) = cols[c]
            else:
                r = row_stack.pop()
                if done_r[r] or len(rows[r]) != 1:
                    continue
                (c,) = rows[r]
            touched_rows, touched_cols = self._eliminate(rows, cols, r, c)
            done_c[c] = done_r[r] = True
            col_stack.extend(j for j in touched_cols if len(cols[j]) == 1)
            row_stack.extend(i for i in touched_rows if len(rows[i]) == 1)
        # the rest (the nucleus) in Markowitz order
        cb, rb = _Buckets(), _Buckets()
        for j in range(m):
            if not done_c[j]:
                cb.put(j, len(cols[j]))
        for i in range(m):
            if not done_r[i]:
                rb.put(i, len(rows[i]))
        while len(self.prow) < m:
            r, c = self._choose(rows, cols, cb, rb)
            rb.drop(r)
            cb.drop(c)
            touched_rows, touched_cols = self._eliminate(rows, cols, r, c)
            for i in touched_rows:
                rb.put(i, len(rows[i]))
            for j in touched_cols:
                cb.put(j, len(cols[j]))
        self.etas: list[tuple[int, fmpq, dict[int, fmpq]]] = []  # (p, α_p, the other α_i)
        self.eta_size = 0  # entries in the eta file
        self.size = m + sum(map(len, self.L)) + sum(map(len, self.U))  # entries in the factors
        step = {c: k for k, c in enumerate(self.pcol)}
        self.Ucol: list[list[tuple[int, fmpq]]] = [[] for _ in range(m)]  # step k: (row r_k', U[r_k'][c_k]) for k' < k
        for k, uk in enumerate(self.U):
            r = self.prow[k]
            for j, u in uk.items():
                self.Ucol[step[j]].append((r, u))

    def _eliminate(self, rows: list[dict[int, fmpq]], cols: list[set[int]], r: int, c: int) -> tuple[list[int], list[int]]:
        """One elimination step with pivot (r, c); returns the rows and columns whose counts changed."""
        prow = rows[r]
        v = prow.pop(c)
        for j in prow:
            cols[j].discard(r)
        lk: dict[int, fmpq] = {}
        touched = []
        for i in cols[c]:
            if i == r:
                continue
            row = rows[i]
            li = row.pop(c) / v
            lk[i] = li
            touched.append(i)
            for j, u in prow.items():
                w = row.get(j)
                w = -li * u if w is None else w - li * u
                if w:
                    if j not in row:
                        cols[j].add(i)
                    row[j] = w
                elif j in row:
                    del row[j]
                    cols[j].discard(i)
        cols[c] = set()
        rows[r] = {}
        self.prow.append(r)
        self.pcol.append(c)
        self.pval.append(v)
        self.L.append(lk)
        self.U.append(prow)
        return touched, list(prow)

    @staticmethod
    def _choose(rows: list[dict[int, fmpq]], cols: list[set[int]], cb: _Buckets, rb: _Buckets) -> tuple[int, int]:
        k = cb.smallest()
        if k is None or k == 0:
            raise SingularBasisError("the basis matrix is singular")
        if k == 1:
            c = min(cb.by[1])
            (r,) = cols[c]
            return r, c
        kr = rb.smallest()
        if kr == 0:
            raise SingularBasisError("the basis matrix is singular")
        if kr == 1:
            r = min(rb.by[1])
            (c,) = rows[r]
            return r, c
        best: tuple[int, int, int, int] | None = None  # (cost, height, r, c)
        seen = 0
        for cnt in sorted(cb.by):
            for c in sorted(cb.by[cnt]):
                for r in cols[c]:
                    cost = (len(rows[r]) - 1) * (cnt - 1)
                    if best is None or cost < best[0] or (cost == best[0] and _height(rows[r][c]) < best[1]):
                        best = (cost, _height(rows[r][c]), r, c)
                seen += 1
                if seen >= _SEARCH:
                    break
            if seen >= _SEARCH:
                break
        assert best is not None
        return best[2], best[3]

    @property
    def updates(self) -> int:
        return len(self.etas)

    def ftran(self, b: Mapping[int, fmpq]) -> dict[int, fmpq]:
        """z with B z = b (b by row, z by column position), zero entries omitted."""
        w = dict(b)
        get = w.get
        for r, lk in zip(self.prow, self.L):
            wr = get(r)
            if wr:
                for i, li in lk.items():
                    wi = get(i)
                    w[i] = -li * wr if wi is None else wi - li * wr
        z: dict[int, fmpq] = {}
        zget = z.get
        prow, pcol, pval, ucol = self.prow, self.pcol, self.pval, self.Ucol
        for k in range(self.m - 1, -1, -1):  # U z = w, column by column (skips the zero z_c)
            s = get(prow[k])
            if s:
                zc = s / pval[k]
                z[pcol[k]] = zc
                for i, u in ucol[k]:
                    wi = get(i)
                    w[i] = -u * zc if wi is None else wi - u * zc
        for p, ap, alpha in self.etas:
            zp = zget(p)
            if zp:
                zp = zp / ap
                z[p] = zp
                for i, a in alpha.items():
                    zi = zget(i)
                    z[i] = -a * zp if zi is None else zi - a * zp
        return {k: v for k, v in z.items() if v}

    def btran(self, c: Mapping[int, fmpq]) -> dict[int, fmpq]:
        """y with Bᵀ y = c (c by column position, y by row), zero entries omitted."""
        c = dict(c)
        get = c.get
        for p, ap, alpha in reversed(self.etas):
            s = get(p, fmpq(0))
            if len(c) < len(alpha):  # the dot product over the shorter of the two
                aget = alpha.get
                for i, ci in c.items():
                    ai = aget(i)
                    if ai is not None and ci:
                        s -= ai * ci
            else:
                for i, a in alpha.items():
                    cv = get(i)
                    if cv:
                        s -= a * cv
            c[p] = s / ap
        u: dict[int, fmpq] = {}
        for r, col, v, uk in zip(self.prow, self.pcol, self.pval, self.U):
            sc = get(col)
            if sc:
                ur = sc / v
                u[r] = ur
                for j, x in uk.items():
                    cj = get(j)
                    c[j] = -ur * x if cj is None else cj - ur * x
        uget = u.get
        for k in range(self.m - 1, -1, -1):
            lk = self.L[k]
            if lk:
                acc: fmpq | None = None
                for i, li in lk.items():
                    ui = uget(i)
                    if ui:
                        acc = li * ui if acc is None else acc + li * ui
                if acc:
                    r = self.prow[k]
                    uo = uget(r)
                    u[r] = -acc if uo is None else uo - acc
        return {k: v for k, v in u.items() if v}

    def update(self, p: int, alpha: Mapping[int, fmpq]) -> None:
        """Column p of B is replaced by a, where ``alpha = self.ftran(a)`` (α_p ≠ 0)."""
        ap = alpha.get(p)
        if not ap:
            raise SingularBasisError(f"the update at position {p} makes the basis singular")
        eta = {i: a for i, a in alpha.items() if i != p and a}
        self.etas.append((p, ap, eta))
        self.eta_size += len(eta) + 1

    @property
    def stale(self) -> bool:
        """Whether a fresh factorisation would pay: ``REFACTOR_AFTER`` updates, or an eta
        file as large as the factors themselves (it is applied in every solve)."""
        return len(self.etas) >= REFACTOR_AFTER or self.eta_size >= self.size
