"""Disclosure control for a published table set (DP-4).

A table set is every table of one series for one year: each month, quarter and the year,
each broken down by every dimension (and by outcome where the series has one). Its cells
are tied together by *lines*: parts that add up to a whole (the nationalities of a quarter
add up to the quarter's total; three months add up to their quarter; the outcomes of a
nationality add up to that nationality). A hidden cell can be recovered when it is the
only hidden entry of a line; so after hiding every count from 1 to k-1 (primary
suppression), any line with exactly one hidden entry gets its smallest other non-zero
entry hidden too (complementary suppression), until no line has exactly one.

Entries already published (an earlier month of the same year) are frozen: they keep their
state, and a complement is chosen among the new entries.
"""
Key = tuple  # (period, dimension, value, outcome); "total"/"*" for the whole


def build_lines(counts: dict, periods: list[str], dimensions: list[str], multi: frozenset,
                outcomes: list[str], months_of, stock: bool = False) -> list[tuple[list, Key]]:
    """The (parts, whole) identities between the entries of a set. For a stock (people in
    a state at the end of the period) a quarter or year is its last month, not a sum: the
    identity has that month as its only part."""
    present = set(periods)
    by_period: dict = {}
    for key in counts:
        by_period.setdefault(key[0], {}).setdefault(key[1], set()).add(key[2])
    lines = []
    levels = ["*", *outcomes]
    for period in periods:
        values = by_period.get(period, {})
        for dim in dimensions:
            if dim in multi:
                continue
            vals = sorted(values.get(dim, ()))
            for o in levels:
                lines.append(([(period, dim, v, o) for v in vals], (period, "total", "*", o)))
        if outcomes:
            for dim in ("total", *dimensions):
                for v in sorted(values.get(dim, ())) if dim != "total" else ["*"]:
                    lines.append(([(period, dim, v, o) for o in outcomes],
                                  (period, dim, v, "*")))
    # Over time: the months of a quarter, the quarters (or months) of a year.
    cells = {k[1:] for k in counts}
    for period in periods:
        parts_periods = (_last(period, present, months_of) if stock
                         else _parts(period, present, months_of))
        if not parts_periods:
            continue
        for cell in cells:
            lines.append(([(p, *cell) for p in parts_periods], (period, *cell)))
    return lines


def _last(period, present, months_of):
    months = months_of(period)
    if len(months) == 1:
        return None
    if months[-1] in present:
        return [months[-1]]
    last_quarter = f"{period}-Q4"
    return [last_quarter] if len(months) == 12 and last_quarter in present else None


def _parts(period, present, months_of):
    months = months_of(period)
    if len(months) == 1:
        return None
    if len(months) == 12:
        quarters = [f"{period}-Q{q}" for q in range(1, 5)]
        if all(q in present for q in quarters):
            return quarters
    if all(m in present for m in months):
        return months
    return None


def freeze_periods(counts: dict, frozen: dict | None) -> dict:
    """Every entry of a period already published is frozen, also one its published table did
    not have (a nationality or outcome first seen later): that table said it was 0 by
    leaving it out, so an intruder knows it and it cannot serve as a complement."""
    frozen = dict(frozen or {})
    published_periods = {k[0] for k in frozen}
    for key in counts:
        if key[0] in published_periods:
            frozen.setdefault(key, True)
    return frozen


def suppress_set(counts: dict, lines: list, threshold: int, frozen: dict | None = None) -> set:
    """The keys to hide. ``frozen``: key -> True if already published, False if already
    hidden; those keep their state."""
    frozen = frozen or {}
    hidden = {k for k, n in counts.items() if 0 < n < threshold and frozen.get(k) is not True}
    hidden |= {k for k, shown in frozen.items() if shown is False}
    return close_lines(counts, lines, hidden, frozen)


def close_lines(counts: dict, lines: list, hidden: set, frozen: dict,
                known: set = frozenset()) -> set:
    """Until no line has exactly one hidden entry: hide its smallest other entry (one the
    intruder could ``known``-compute only when there is no other)."""
    hidden = set(hidden)
    changed = True
    while changed:
        changed = False
        for parts, whole in lines:
            entries = [*parts, whole]
            inside = [k for k in entries if k in hidden]
            if len(inside) != 1:
                continue
            candidates = [k for k in entries if k not in hidden and frozen.get(k) is not True]
            if not candidates:
                continue  # nothing left to hide here: only frozen entries (reported by tests)
            nonzero = [k for k in candidates if counts.get(k, 0) > 0] or candidates
            # the smallest part first; the whole only when no part is left
            nonzero.sort(key=lambda k: (k in known, k == whole, counts.get(k, 0), k))
            hidden.add(nonzero[0])
            changed = True
    return hidden


_P = (1 << 61) - 1  # a prime: row reduction modulo it (the identities have ±1 coefficients)


def groups(lines, hidden: set) -> list[tuple[list, list]]:
    """The identities restricted to the hidden entries, split into independent groups: two
    hidden entries are in one group when some identity holds both. Each restricted identity
    lies inside one group, so what can be derived is decided group by group, and the cost
    of the exact check follows the largest group, not the size of the set."""
    parent: dict = {}

    def root(k):
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    rows = []
    for parts, whole in lines:
        row: dict = {}
        for k in parts:
            if k in hidden:
                row[k] = row.get(k, 0) + 1
        if whole in hidden:
            row[whole] = row.get(whole, 0) - 1
        row = {k: v for k, v in row.items() if v}
        if not row:
            continue
        rows.append(row)
        keys = list(row)
        for k in keys:
            parent.setdefault(k, k)
        first = root(keys[0])
        for k in keys[1:]:
            other = root(k)
            if other != first:
                parent[other] = first
    by_root: dict = {}
    for row in rows:
        by_root.setdefault(root(next(iter(row))), []).append(row)
    out = []
    for group_rows in by_root.values():
        keys = sorted({k for row in group_rows for k in row})
        out.append((keys, group_rows))
    return out


def recoverable(lines, hidden: set) -> set:
    """Hidden entries an intruder could compute exactly from the published entries and the
    identities: those whose unit vector is in the span of the identities restricted to the
    hidden entries (row reduction modulo a large prime), group by group."""
    found = set()
    for keys, rows in groups(lines, hidden):
        found |= _recoverable_in(keys, rows)
    return found


def _recoverable_in(keys, rows) -> set:
    index = {k: i for i, k in enumerate(keys)}
    basis: dict = {}  # pivot -> row, fully reduced
    holding: dict = {}  # column -> pivots of the basis rows with a non-zero there
    for restricted in rows:
        row = {index[k]: v % _P for k, v in restricted.items()}
        row = _reduce(row, basis)
        if not row:
            continue
        pivot = min(row)
        inverse = pow(row[pivot], _P - 2, _P)
        row = {i: v * inverse % _P for i, v in row.items()}
        for p in list(holding.get(pivot, ())):  # only the rows that hold the new pivot
            other = basis[p]
            f = other[pivot]
            for i, v in row.items():
                value = (other.get(i, 0) - f * v) % _P
                if value:
                    if i not in other:
                        holding.setdefault(i, set()).add(p)
                    other[i] = value
                elif i in other:
                    del other[i]
                    holding[i].discard(p)
        basis[pivot] = row
        for i in row:
            holding.setdefault(i, set()).add(pivot)
    # e_i is in the span iff some basis row is exactly e_i (the basis is fully reduced)
    return {k for k, i in index.items() if basis.get(i) == {i: 1}}


def _reduce(row, basis):
    for pivot in sorted(p for p in row if p in basis):
        f = row.get(pivot)
        if f:
            for i, v in basis[pivot].items():
                row[i] = (row.get(i, 0) - f * v) % _P
                if not row[i]:
                    del row[i]
    return row


def protect(counts: dict, lines: list, threshold: int, frozen: dict | None = None) -> set:
    """``suppress_set``, then until the intruder of ``recoverable`` finds nothing: a
    recoverable entry that is not small (0, or k and more) and was never published hidden is
    shown (it tells nothing new); for a small one, the nearest entry that may still be
    hidden is hidden too: first among the entries sharing a line with it, else among those
    sharing a line with a hidden entry of those lines, and so on outwards (a frozen hidden
    entry can be recovered through a chain of hidden entries none of whose lines has an
    entry left to hide)."""
    frozen = frozen or {}
    hidden = suppress_set(counts, lines, threshold, frozen)
    touching: dict = {}
    for parts, whole in lines:
        for k in (*parts, whole):
            touching.setdefault(k, []).append((parts, whole))
    known: set = set()  # shown because computable: useless as complements
    for _ in range(1000):
        found = recoverable(lines, hidden)
        if not found:
            return hidden
        # Showing an entry the intruder can already compute tells nothing new and leaves
        # every other entry as computable as before (its unit vector is in the span).
        harmless = {k for k in found if not 0 < counts.get(k, 0) < threshold
                    and frozen.get(k) is not False}
        hidden -= harmless
        known |= harmless
        found -= harmless  # what else was computable still is, and nothing more
        if not found:
            return hidden
        chosen = {c for c in (_nearest(key, touching, hidden | known, frozen, counts)
                              for key in sorted(found)) if c is not None}
        if not chosen:
            break
        # a complement can be alone on lines of its own: those get theirs at once
        hidden = close_lines(counts, lines, hidden | chosen, frozen, known)
    # Could not settle: hide every entry that may still be hidden, zeros included. Every
    # identity then holds an unknown of the new periods, and whatever could be moved in
    # the earlier publication can still be moved with it.
    return hidden | {k for k in counts if frozen.get(k) is not True}


def _nearest(key, touching, hidden, frozen, counts):
    """The entry to hide next to make ``key`` unrecoverable: the smallest non-zero entry
    that may be hidden on the lines nearest to it, reached through hidden entries."""
    seen, frontier = {key}, [key]
    while frontier:
        entries = {k for entry in frontier for parts, whole in touching.get(entry, ())
                   for k in (*parts, whole)}
        candidates = {k for k in entries if k not in hidden and frozen.get(k) is not True}
        if candidates:
            return min(candidates, key=lambda k: (counts.get(k, 0) == 0, counts.get(k, 0), k))
        frontier = sorted(k for k in entries if k in hidden and k not in seen)
        seen.update(frontier)
    return None
