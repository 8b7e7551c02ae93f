"""An intruder's attempt to recover suppressed cells from what was published (DP-4).

Every entry of a table set is an unknown; the intruder knows each published value and
every identity between entries (parts add up to their whole). A hidden entry is recovered
when its unit vector lies in the span of those known linear forms: the published entries
are substituted, and the identities, restricted to the hidden entries, are row-reduced
over the rationals.
"""
from fractions import Fraction


def derivable(lines, hidden: set) -> set:
    """The hidden entries an intruder can compute exactly."""
    hidden = sorted(hidden)
    index = {k: i for i, k in enumerate(hidden)}
    rows = []
    for parts, whole in lines:
        row = {}
        for k in parts:
            if k in index:
                row[index[k]] = row.get(index[k], 0) + 1
        if whole in index:
            row[index[whole]] = row.get(index[whole], 0) - 1
        row = {i: Fraction(v) for i, v in row.items() if v}
        if row:
            rows.append(row)
    basis = {}  # pivot -> row (reduced)
    for row in rows:
        row = _reduce(row, basis)
        if row:
            pivot = min(row)
            scale = row[pivot]
            row = {i: v / scale for i, v in row.items()}
            for p, other in list(basis.items()):
                if pivot in other:
                    f = other[pivot]
                    merged = dict(other)
                    for i, v in row.items():
                        merged[i] = merged.get(i, 0) - f * v
                    basis[p] = {i: v for i, v in merged.items() if v}
            basis[pivot] = row
    found = set()
    for key, i in index.items():
        if not _reduce({i: Fraction(1)}, basis):
            found.add(key)
    return found


def _reduce(row, basis):
    row = dict(row)
    for pivot in sorted(basis):
        if pivot in row and row[pivot]:
            f = row[pivot]
            for i, v in basis[pivot].items():
                row[i] = row.get(i, 0) - f * v
            row = {i: v for i, v in row.items() if v}
    return row
