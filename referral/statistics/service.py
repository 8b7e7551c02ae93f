"""Counts by sex and age group, and by nationality, form of exploitation or sector, with
small cells suppressed and complementary suppression so no hidden cell can be recovered
from the published totals (DP-4)."""
import time
from collections import Counter

from flask import current_app
from sqlalchemy import func, select

from ..audit.service import record
from ..database import utcnow
from ..cases.models import AnonymousNotification, Case, Person
from ..errors import Forbidden, Invalid
from ..extensions import db
from ..labels import N_

# "feedback": the person's feedback and complaints by kind and topic (CNS-13), counted by
# the assistance plan area.
# "missing": missing episodes (MI-1) by child or adult and still missing or found, counted
# by the missing area: episodes, not people (a person may go missing more than once).
COLUMNS = ("nationality", "exploitation_form", "sector", "feedback", "missing")
SEX_ORDER = ("female", "male", "intersex", "other", "unknown", "declined")
AGE_ORDER = ("0-11", "12-17", "18-24", "25-34", "35-49", "50+", "unknown")


def _rows(column):
    """(sex, age group, [column values], how many) for the cases and the anonymous
    notifications. The database counts: one row comes back per distinct combination, not
    one per case."""
    if column == "feedback":
        from ..plans.service import statistics_rows
        yield from statistics_rows()
        return
    if column == "missing":
        from ..missing.service import statistics_rows as missing_rows
        yield from missing_rows()
        return
    for model, person in ((Case, Person), (AnonymousNotification, AnonymousNotification)):
        by = {None: None, "nationality": person.nationality,
              "exploitation_form": model.exploitation_forms, "sector": model.sectors}[column]
        keys = [person.sex, model.age_group] + ([by] if by is not None else [])
        query = select(*keys, func.count()).select_from(model).group_by(*keys)
        if model is Case:
            query = query.join(Person, Person.id == Case.person_id)
        for row in db.session.execute(query):
            yield row[0], row[1], _values(column, row[2] if by is not None else None), row[-1]


def _values(column, value):
    if column is None:
        return ["all"]
    if column == "nationality":
        return [value or "unknown"]
    return list(value or []) or ["unknown"]


def suppress(table: dict, threshold: int) -> set:
    """Cells (row, column) to hide: every count from 1 to threshold - 1, then, in any row or
    column with exactly one hidden cell, the smallest other cell too, until stable."""
    hidden = {cell for cell, n in table.items() if 0 < n < threshold}
    rows = {r for r, _ in table}
    cols = {c for _, c in table}
    changed = True
    while changed:
        changed = False
        for line in [[(r, c) for c in cols] for r in rows] + [[(r, c) for r in rows]
                                                                 for c in cols]:
            line_hidden = [cell for cell in line if cell in hidden]
            if len(line_hidden) == 1:
                others = sorted((table.get(cell, 0), cell) for cell in line
                                if cell not in hidden)
                if others:
                    hidden.add(others[0][1])
                    changed = True
    return hidden


# (database, column, threshold) -> (when computed, the published table). Per process.
_recent: dict = {}


def statistics(actor, by: str | None = None) -> dict:
    """The published table. Counting reads every case (about a second at a million), so the
    worker publishes every table on a schedule (``publish_all``) and a read serves the
    published one while it is younger than STATISTICS_PUBLISHED_MAX_AGE seconds; failing
    that, a table computed by this process less than STATISTICS_CACHE_SECONDS ago; failing
    that, it counts. Every read is audited either way, and says when it was counted."""
    if not actor.has_role("supervisor", "auditor", "admin"):
        raise Forbidden("permission", N_("statistics are for supervisors, auditors and admins"))
    if by is not None and by not in COLUMNS:
        raise Invalid("by", N_("one of %(choices)s"), {"choices": ", ".join(COLUMNS)})
    threshold = current_app.config["STATISTICS_MIN_CELL"]
    data = _published(by, threshold) or _counted_here(by, threshold)
    record(actor, "statistics.read", "statistics", by or "sex_age", purpose="statistics")
    return data


def _published(by, threshold) -> dict | None:
    from .models import PublishedTable
    max_age = current_app.config["STATISTICS_PUBLISHED_MAX_AGE"]
    if not max_age:
        return None
    row = db.session.scalar(select(PublishedTable).where(
        PublishedTable.breakdown == (by or "all"), PublishedTable.threshold == threshold))
    if row is None or (utcnow() - row.computed_at).total_seconds() >= max_age:
        return None
    return {**row.data, "counted_at": row.computed_at}


def _counted_here(by, threshold) -> dict:
    max_age = current_app.config["STATISTICS_CACHE_SECONDS"]
    key = (current_app.config["SQLALCHEMY_DATABASE_URI"], by, threshold)
    computed_at, data = _recent.get(key, (None, None))
    if not max_age or data is None or time.monotonic() - computed_at >= max_age:
        data = {**_table(by, threshold), "counted_at": utcnow()}
        if max_age:
            _recent[key] = (time.monotonic(), data)
    return data


def publish_all() -> int:
    """Count every table and publish it (the worker runs this on a schedule). Returns how
    many tables were published."""
    from .models import PublishedTable
    threshold = current_app.config["STATISTICS_MIN_CELL"]
    published = 0
    for by in (None, *COLUMNS):
        data = _table(by, threshold)
        row = db.session.scalar(select(PublishedTable).where(
            PublishedTable.breakdown == (by or "all"), PublishedTable.threshold == threshold))
        if row is None:
            row = PublishedTable(breakdown=by or "all", threshold=threshold)
            db.session.add(row)
        row.data, row.computed_at = data, utcnow()
        published += 1
    record(None, "statistics.publish", "statistics", None, purpose="statistics",
           details={"tables": published})
    db.session.commit()
    return published


def _table(by, threshold) -> dict:
    table = Counter()
    people = 0
    for sex, age, values, count in _rows(by):
        people += count
        for value in values:
            table[(f"{sex}|{age}", value)] += count
    rows = sorted({r for r, _ in table}, key=_row_order)
    cols = sorted({c for _, c in table})
    for r in rows:  # every cell of the grid exists, zeros included
        for c in cols:
            table.setdefault((r, c), 0)
    hidden = suppress(table, threshold)

    def line_total(cells):
        # A line with a single hidden cell and nothing to pair it with keeps its total hidden.
        hidden_here = [cell for cell in cells if cell in hidden]
        total = sum(table[cell] for cell in cells)
        if len(hidden_here) == 1 or 0 < total < threshold:  # a small total is a small cell
            return None
        return total

    out_rows = []
    for r in rows:
        sex, age = r.split("|")
        cells = [(r, c) for c in cols]
        out_rows.append({"sex": sex, "age_group": age,
                         "cells": {c: (None if (r, c) in hidden else table[(r, c)])
                                   for c in cols},
                         "suppressed": sorted(c for c in cols if (r, c) in hidden),
                         "total": line_total(cells)})
    column_totals = {c: line_total([(r, c) for r in rows]) for c in cols}
    grand = people if people == 0 or people >= threshold else None
    return {"by": by or "all", "threshold": threshold, "columns": cols, "rows": out_rows,
            "column_totals": column_totals, "total": grand}


def _row_order(key):
    sex, age = key.split("|")
    return (SEX_ORDER.index(sex) if sex in SEX_ORDER else 99,
            AGE_ORDER.index(age) if age in AGE_ORDER else 99)
