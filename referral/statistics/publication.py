"""Publishing the series for each closed period, and reading what was published (DP-4).

The worker calls ``publish_periods``: for every series and every month, quarter and year
that has ended, the counts are rolled up from the database's monthly counts, suppressed
across the year's table set (``disclosure``) and stored once. A period already published is
never recounted: its cells are frozen, and the next period's complements are chosen around
them. Pages, exports and the API read only these rows.

The counting and the reading of published rows go through ``heavy_reads`` (the replica when
one is configured: a few seconds behind is harmless here). What was already published, which
decides what is frozen, is read on the primary: a lagging copy could have the next set
recounted around a month it does not yet show.
"""
import re

from flask import current_app
from sqlalchemy import select

from ..audit.service import record
from ..database import heavy_reads, utcnow
from ..errors import Invalid
from ..extensions import db
from ..labels import N_
from . import disclosure, series as S
from .models import PublishedSeries


def cell_key(dim, value, outcome="*") -> str:
    return f"{dim}|{value}|{outcome}"


def rollup(monthly: dict, periods: list[str], valued: bool, stock: bool = False) -> dict:
    """{(period, dim, value, outcome): count} from ``series.monthly_counts``: the sum of the
    period's months, or for a stock its last month."""
    counts: dict = {}
    for period in periods:
        months = S.period_months(period)
        for month in (months[-1:] if stock else months):
            for (dim, v, value), n in monthly.get(month, {}).items():
                for o in (("*", value) if valued else ("*",)):
                    key = (period, dim, v, o)
                    counts[key] = counts.get(key, 0) + n
        counts.setdefault((period, "total", "*", "*"), 0)
    return counts


def _fill(counts: dict, periods, outcomes) -> None:
    """Every (dim, value, outcome) seen in the set exists in every period, zeros included,
    so the lines are complete."""
    cells = {k[1:] for k in counts}
    if outcomes:
        cells |= {(d, v, o) for d, v, _ in list(cells) for o in ("*", *outcomes)}
    for period in periods:
        for cell in cells:
            counts.setdefault((period, *cell), 0)


def suppressed_set(monthly: dict, periods: list[str], valued: bool, threshold: int,
                   frozen: dict | None = None, stock: bool = False):
    counts = rollup(monthly, periods, valued, stock)
    outcomes = sorted({k[3] for k in counts if k[3] != "*"})
    _fill(counts, periods, outcomes)
    lines = disclosure.build_lines(counts, periods, list(S.DIMENSIONS), S.MULTI, outcomes,
                                   S.period_months, stock)
    hidden = disclosure.protect(counts, lines, threshold, disclosure.freeze_periods(
        counts, frozen))
    return counts, hidden, lines


def publish_periods(today=None) -> int:
    """Publish every closed period not yet published, for every series. Returns how many
    (series, period) rows were written."""
    threshold = current_app.config["STATISTICS_MIN_CELL"]
    today = today or S.today()
    written = 0
    last_month = S.months_between(f"{today.year - 1}-12", today)[-2]  # the month before
    done = set(db.session.scalars(select(PublishedSeries.series).where(
        PublishedSeries.period == last_month, PublishedSeries.threshold == threshold)))
    if done == set(S.SERIES):
        return 0  # published in order: nothing has closed since the last run
    times = {name: S.monthly_times(name) for name in S.TIMES}
    counted = {name: S.monthly_counts(name) for name in S.SERIES}
    seen = {m for monthly in counted.values() for m in monthly}
    months = S.months_between(min(seen), today) if seen else []
    closed = S.closed_periods(months, today)
    for name, spec in S.SERIES.items():
        monthly = counted[name]
        by_year: dict = {}
        for period in closed:
            by_year.setdefault(period[:4], []).append(period)
        for year, periods in by_year.items():
            existing = {row.period: row for row in db.session.scalars(select(PublishedSeries)
                        .where(PublishedSeries.series == name,
                               PublishedSeries.threshold == threshold,
                               PublishedSeries.period.in_(periods)))}
            if len(existing) == len(periods):
                continue
            frozen = {(p, *k.split("|")): v is not None
                      for p, row in existing.items() for k, v in row.cells.items()}
            counts, hidden, _ = suppressed_set(monthly, periods, spec.value_label is not None,
                                               threshold, frozen, spec.stock)
            now = utcnow()
            for period in periods:
                if period in existing:
                    continue
                cells = {cell_key(*k[1:]): (None if k in hidden else n)
                         for k, n in counts.items() if k[0] == period}
                db.session.add(PublishedSeries(
                    series=name, period=period, threshold=threshold, computed_at=now,
                    cells=cells, summary=_times(name, period, times, threshold)))
                written += 1
    record(None, "statistics.publish", "statistics", None, purpose="statistics",
           details={"series_periods": written})
    db.session.commit()
    return written


def _times(name, period, times, threshold) -> dict:
    """Median and 90th percentile days from referral, for a decision series; withheld when
    fewer than k decisions make them up."""
    for time_name, (attribute, _) in S.TIMES.items():
        if name != attribute + "s":
            continue
        histogram: dict = {}
        for month in S.period_months(period):
            for days, n in times[time_name].get(month, {}).items():
                histogram[days] = histogram.get(days, 0) + n
        n = sum(histogram.values())
        if n < threshold:
            return {"days_n": None, "median_days": None, "p90_days": None}
        return {"days_n": n, "median_days": S.percentile(histogram, 0.5),
                "p90_days": S.percentile(histogram, 0.9)}
    return {}


# ---- reading ---------------------------------------------------------------------------

def published_periods(kind: str | None = None) -> list[str]:
    threshold = current_app.config["STATISTICS_MIN_CELL"]
    with heavy_reads() as session:
        periods = set(session.scalars(select(PublishedSeries.period).where(
            PublishedSeries.threshold == threshold).distinct()))
    return sorted((p for p in periods if kind is None or S.period_kind(p) == kind),
                  key=S.period_sort)


def published(name: str, period: str) -> PublishedSeries | None:
    threshold = current_app.config["STATISTICS_MIN_CELL"]
    with heavy_reads() as session:
        return session.scalar(select(PublishedSeries).where(
            PublishedSeries.series == name, PublishedSeries.period == period,
            PublishedSeries.threshold == threshold))


def check_series(name: str) -> str:
    if name not in S.SERIES:
        raise Invalid("series", N_("one of %(choices)s"), {"choices": ", ".join(S.SERIES)})
    return name


def check_period(period: str, periods: list[str] | None = None) -> str:
    """``periods``: the published periods when the caller has just read them."""
    if period not in (published_periods() if periods is None else periods):
        raise Invalid("period", N_("not a published period"))
    return period


def table(name: str, period: str, dim: str, row: PublishedSeries | None = None) -> dict:
    """One published table: rows are the dimension's values, columns the outcomes (or one
    count), with the total row. Suppressed cells are None. A page showing several
    breakdowns of one period passes the row it read (``published``) to read it once."""
    row = row if row is not None else published(name, period)
    return _table(name, period, dim, row.cells if row else {}, row.summary if row else {},
                  row.computed_at if row else None)


def _table(name, period, dim, cells, summary, computed_at) -> dict:
    outcomes = sorted({k.split("|")[2] for k in cells} - {"*"})
    columns = [*outcomes, "*"] if outcomes else ["*"]
    values = sorted({k.split("|")[1] for k in cells if k.split("|")[0] == dim})
    rows = [{"value": v, "cells": [cells.get(cell_key(dim, v, o)) for o in columns]}
            for v in values]
    if dim not in S.MULTI:
        rows.append({"value": "total", "cells": [cells.get(cell_key("total", "*", o), 0)
                                                 for o in columns], "is_total": True})
    return {"series": name, "period": period, "dimension": dim, "columns": columns,
            "rows": rows, "summary": summary, "computed_at": computed_at}


MONTH = re.compile(r"^(19|20|21)\d\d-(0[1-9]|1[0-2])$")


def custom_cells(name: str, first: str, last: str) -> tuple[str, dict]:
    """A custom range of whole months, counted now and suppressed as a table set of its own.
    For supervisors' own use, never published: beside the published months it could be
    differenced."""
    for field, value in (("from", first), ("to", last)):
        if not MONTH.match(value or ""):
            raise Invalid(field, N_("a month such as 2026-03"))
    if last < first:
        raise Invalid("to", N_("the range ends before it starts"))
    period = f"{first}..{last}"
    spec = S.SERIES[check_series(name)]
    threshold = current_app.config["STATISTICS_MIN_CELL"]
    counts, hidden, _ = suppressed_set(S.monthly_counts(name), [period],
                                       spec.value_label is not None, threshold,
                                       stock=spec.stock)
    return period, {cell_key(*k[1:]): (None if k in hidden else n) for k, n in counts.items()}


def custom_table(name, period, cells, dim) -> dict:
    return _table(name, period, dim, cells, {}, utcnow())


def trend(name: str, kind: str) -> list[tuple[str, int | None]]:
    """The series total in each published period of one kind, oldest first. Only the total
    cell is read from each row (``rollup`` writes it in every period; None when suppressed):
    the rows' other cells are what makes them large."""
    threshold = current_app.config["STATISTICS_MIN_CELL"]
    with heavy_reads() as session:
        rows = session.execute(select(
            PublishedSeries.period, PublishedSeries.cells[cell_key("total", "*")]).where(
            PublishedSeries.series == name, PublishedSeries.threshold == threshold)).all()
    points = [(period, total) for period, total in rows if S.period_kind(period) == kind]
    return sorted(points, key=lambda p: S.period_sort(p[0]))


def read(actor, what: str, **details):
    record(actor, "statistics.read", "statistics", what, purpose="statistics",
           details=details)


# ---- the UK quarterly bulletin's layout ------------------------------------------------

# (title, series, dimension, outcome) in the order of the Home Office "Modern Slavery:
# National Referral Mechanism and Duty to Notify statistics" quarterly tables.
BULLETIN = (
    (N_("Referrals by age band at referral"), "referrals", "age_group", "*"),
    (N_("Referrals by sex"), "referrals", "sex", "*"),
    (N_("Referrals by exploitation type"), "referrals", "exploitation_form", "*"),
    (N_("Referrals by nationality"), "referrals", "nationality", "*"),
    (N_("Referrals by first responder (referral source)"), "referrals", "referral_source", "*"),
    (N_("Reasonable grounds (first) decisions by outcome"), "first_decisions", "outcome", None),
    (N_("Conclusive grounds (final) decisions by outcome"), "final_decisions", "outcome", None),
    (N_("Duty to notify (anonymous notifications) by sex"), "anonymous_notifications", "sex",
     "*"),
)


def bulletin_periods(quarter: str) -> list[str]:
    """This quarter, the quarter before, and the same quarter a year earlier."""
    year, q = int(quarter[:4]), int(quarter[-1])
    before = f"{year - 1}-Q4" if q == 1 else f"{year}-Q{q - 1}"
    return [quarter, before, f"{year - 1}-Q{q}"]


def bulletin(quarter: str) -> dict:
    periods = bulletin_periods(quarter)
    rows_of = {p: {name: published(name, p) for name in S.SERIES} for p in periods}
    tables = []
    for title, name, dim, outcome in BULLETIN:
        def value(period, v, o):
            row = rows_of[period][name]
            if row is None:
                return ".."  # not published (the period has not ended or holds no data)
            return row.cells.get(cell_key(*(("total", "*") if v == "*" else (dim, v)), o), 0)
        current = rows_of[quarter][name]
        cells = current.cells if current else {}
        if outcome is None:  # outcomes as rows
            values = sorted({k.split("|")[2] for k in cells} - {"*"})
            lines = [{"label": v, "values": [value(p, "*", v) for p in periods]}
                     for v in values]
        else:
            values = sorted({k.split("|")[1] for k in cells if k.startswith(dim + "|")})
            lines = [{"label": v, "values": [value(p, v, "*") for p in periods]}
                     for v in values]
        total = {"label": "total", "values": [value(p, "*", "*") for p in periods],
                 "is_total": True}
        tables.append({"title": title, "dimension": dim, "series": name,
                       "lines": lines + ([total] if dim not in S.MULTI else [])})
    times = []
    for time_name, (attribute, label) in S.TIMES.items():
        summaries = [(rows_of[p][attribute + "s"].summary if rows_of[p][attribute + "s"]
                      else None) for p in periods]
        times.append({"label": label,
                      "median": [s.get("median_days") if s else ".." for s in summaries],
                      "p90": [s.get("p90_days") if s else ".." for s in summaries]})
    return {"quarter": quarter, "periods": periods, "tables": tables, "times": times}
