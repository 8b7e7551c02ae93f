"""Pages: the supervisors' statistics page, the public-release view, the quarterly bulletin
layout and the table exports. Everything is read from the published series (DP-4)."""
from flask import Blueprint, Response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from ..auth import roles_required
from ..errors import Invalid
from ..labels import N_
from . import charts, exports, publication as P, series as S

bp = Blueprint("statistics", __name__, url_prefix="/statistics")
READERS = ("supervisor", "auditor", "admin")
KINDS = ("month", "quarter", "year")
KIND_LABELS = {"month": N_("month"), "quarter": N_("quarter"), "year": N_("year")}


def _choose(periods, kind):
    chosen = request.args.get("period")
    if chosen is not None:
        P.check_period(chosen, periods)
        return chosen
    of_kind = [p for p in periods if S.period_kind(p) == kind]
    return (of_kind or periods or [None])[-1]


def _kind():
    kind = request.args.get("kind", "quarter")
    if kind not in KINDS:
        raise Invalid("kind", N_("one of %(choices)s"), {"choices": ", ".join(KINDS)})
    return kind


def _dimensions(name):
    spec = S.SERIES[name]
    return ["outcome"] * (spec.value_label is not None) + list(S.DIMENSIONS)


def _breakdowns(name):
    """The breakdowns to show: one chosen (``by``), or every one of the series."""
    chosen = request.args.get("by") or None
    if chosen is not None and chosen not in _dimensions(name):
        raise Invalid("by", N_("one of %(choices)s"), {"choices": ", ".join(_dimensions(name))})
    return [chosen] if chosen else _dimensions(name)


def _view_table(name, period, dim, cells=None, row=None):
    def get(d):
        return P.table(name, period, d, row) if cells is None else \
            P.custom_table(name, period, cells, d)
    if dim == "outcome":
        table = get("total")
        columns = [c for c in table["columns"] if c != "*"]
        rows = [{"value": c, "cells": [table["rows"][-1]["cells"][i]]}
                for i, c in enumerate(columns)] if table["rows"] else []
        return {**table, "dimension": "outcome", "columns": ["*"], "rows": rows}
    return get(dim)


def _chart(table, title, table_id):
    points = [(r["value"], r["cells"][-1]) for r in table["rows"] if not r.get("is_total")]
    return charts.bars(points, title, table_id, _("suppressed"))


def _trend(name, kind, title, table_id):
    points = P.trend(name, kind)
    return points, charts.columns(points, title, table_id, _("suppressed"))


@bp.route("/")
@roles_required(*READERS)
def overview():
    kind = _kind()
    name = P.check_series(request.args.get("series", "referrals"))
    periods = P.published_periods()
    cells = None
    if request.args.get("from") or request.args.get("to"):
        period, cells = P.custom_cells(name, request.args.get("from"), request.args.get("to"))
    else:
        period = _choose(periods, kind)
    P.read(current_user, "page", series=name, period=period)
    row = P.published(name, period) if period and cells is None else None
    tables = []
    if period:
        for dim in _breakdowns(name):
            table = _view_table(name, period, dim, cells, row)
            title = _("%(series)s, %(period)s, by %(dimension)s", series=_(S.SERIES[name].label),
                      period=period, dimension=_(S.DIMENSION_LABELS[dim]).lower())
            tables.append({"table": table, "title": title, "id": f"t-{dim}",
                           "chart": _chart(table, title, f"t-{dim}")})
    trend_title = _("%(series)s by %(kind)s", series=_(S.SERIES[name].label), kind=_(KIND_LABELS[kind]))
    points, trend_chart = _trend(name, kind, trend_title, "t-trend")
    summary = row.summary if row else {}
    return render_template("statistics/overview.html", series=S.SERIES, name=name,
                           periods=periods, period=period, kind=kind, kinds=KIND_LABELS,
                           tables=tables, trend=points, trend_chart=trend_chart,
                           trend_title=trend_title, summary=summary,
                           labels=S.DIMENSION_LABELS, custom=cells is not None,
                           breakdowns=_dimensions(name), by=request.args.get("by", ""),
                           first=request.args.get("from", ""), last=request.args.get("to", ""))


@bp.route("/release/<period>")
@roles_required(*READERS)
def release(period):
    """Every series for one period, laid out to print and publish: a trend and the main
    breakdowns, each chart with its table."""
    P.check_period(period)
    kind = S.period_kind(period)
    P.read(current_user, "release", period=period)
    sections = []
    for name, spec in S.SERIES.items():
        trend_title = _("%(series)s by %(kind)s", series=_(spec.label), kind=_(KIND_LABELS[kind]))
        points, trend_chart = _trend(name, kind, trend_title, f"{name}-trend")
        row = P.published(name, period)
        breakdowns = []
        for dim in (["outcome"] if spec.value_label else []) + ["sex", "age_group",
                                                                "exploitation_form"]:
            table = _view_table(name, period, dim, row=row)
            title = _("%(series)s, %(period)s, by %(dimension)s", series=_(spec.label),
                      period=period, dimension=_(S.DIMENSION_LABELS[dim]).lower())
            breakdowns.append({"table": table, "title": title, "id": f"{name}-{dim}",
                               "chart": _chart(table, title, f"{name}-{dim}")})
        sections.append({"name": name, "label": spec.label, "trend": points,
                         "trend_chart": trend_chart, "trend_title": trend_title,
                         "breakdowns": breakdowns,
                         "summary": row.summary if row else {}})
    return render_template("statistics/release.html", period=period, sections=sections,
                           labels=S.DIMENSION_LABELS)


@bp.route("/bulletin/<quarter>")
@roles_required(*READERS)
def bulletin(quarter):
    """The tables of the UK's quarterly NRM statistics bulletin, from the published series."""
    if S.period_kind(quarter) != "quarter":
        raise Invalid("quarter", N_("a quarter such as 2026-Q1"))
    P.check_period(quarter)
    P.read(current_user, "bulletin", period=quarter)
    return render_template("statistics/bulletin.html", data=P.bulletin(quarter),
                           labels=S.DIMENSION_LABELS)


@bp.route("/export/<series>/<period>/<dimension>.<fmt>")
@roles_required(*READERS)
def export(series, period, dimension, fmt):
    P.check_series(series)
    P.check_period(period)
    if dimension not in _dimensions(series):
        raise Invalid("dimension", N_("one of %(choices)s"),
                      {"choices": ", ".join(_dimensions(series))})
    if fmt not in ("csv", "xlsx"):
        raise Invalid("format", N_("csv or xlsx"))
    rows = exports.rows_of(_view_table(series, period, dimension))
    P.read(current_user, "export", series=series, period=period, dimension=dimension,
           format=fmt)
    filename = f"{series}_{period}_{dimension}.{fmt}"
    if fmt == "csv":
        body, mimetype = exports.to_csv(rows), "text/csv; charset=utf-8"
    else:
        body = exports.to_xlsx(rows, f"{series} {period}")
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
