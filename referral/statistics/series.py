"""The published statistics: separate series, never merged, counted per calendar month by
the database and rolled up into quarters and years (DP-4).

Adding a series is one entry in ``SERIES``: a function returning a ``select`` whose first
columns are the event's time and its value (an outcome, a service; ``"all"`` when the
series has none), followed by the ``DIMENSIONS`` of the case (``_case_dims``), and a count.
"""
from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy import (Integer, and_, case, cast, exists, func, literal, or_, select,
                        tuple_, union_all)
from sqlalchemy.orm import aliased

from workflows import jurisdictions

from ..cases.models import AnonymousNotification, Case, CaseTransition, Decision, Person
from ..database import heavy_reads
from ..extensions import db
from ..labels import N_

# Dimensions every case-level series is broken down by. "Multi" dimensions (a case can have
# several forms of exploitation or sectors) have no total line: their cells overlap.
DIMENSIONS = ("sex", "age_group", "nationality", "exploitation_form", "sector",
              "referral_source", "border", "jurisdiction")
MULTI = frozenset({"exploitation_form", "sector"})
DIMENSION_LABELS = {
    "sex": N_("Sex"), "age_group": N_("Age band"), "nationality": N_("Nationality (ISO)"),
    "exploitation_form": N_("Form of exploitation"), "sector": N_("Sector"),
    "referral_source": N_("Referral source"), "border": N_("Internal or cross-border"),
    "jurisdiction": N_("Jurisdiction"), "outcome": N_("Outcome"),
}


def _month(column):
    """'YYYY-MM' of a timestamp, in the database."""
    if db.engine.dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM")
    return func.strftime("%Y-%m", column)


def _days(later, earlier):
    """Whole days between two timestamps, in the database."""
    if db.engine.dialect.name == "postgresql":
        return func.floor(func.extract("epoch", later - earlier) / 86400)
    return cast(func.julianday(later) - func.julianday(earlier), Integer)


def _border(column):
    return case((column.is_(True), "internal"), (column.is_(False), "cross_border"),
                else_="unknown")


def _case_dims():
    return (Person.sex, Case.age_group, Person.nationality, Case.exploitation_forms,
            Case.sectors, Case.referral_source, _border(Case.internal_trafficking),
            Case.jurisdiction)


def _by_case(at, value, *where, join=None):
    """A series of events about cases: (month, value, dims..., count)."""
    keys = (_month(at).label("month"), value.label("value"), *_case_dims())
    query = select(*keys, func.count())
    if join is not None:
        query = query.select_from(join).join(Case, Case.id == join.case_id)
    else:
        query = query.select_from(Case)
    query = query.join(Person, Person.id == Case.person_id)
    return query.where(*where).group_by(*keys)


def _kind_is(attribute):
    """The decision's kind is the jurisdiction's first (or final) decision."""
    return or_(*(and_(Case.jurisdiction == code, Decision.kind == getattr(j, attribute))
                 for code, j in jurisdictions.REGISTRY.items()))


def referrals():
    return _by_case(Case.referred_at, literal("all"))


def re_referrals():
    return _by_case(Case.referred_at, literal("all"), Case.previous_case_id.is_not(None))


def anonymous_notifications():
    n = AnonymousNotification
    keys = (_month(n.recorded_at).label("month"), literal("all").label("value"), n.sex,
            n.age_group, n.nationality, n.exploitation_forms, n.sectors,
            literal("unknown"), literal("unknown"), n.jurisdiction)
    return select(*keys, func.count()).group_by(*keys)


def first_decisions():
    earlier = aliased(Decision)
    return _by_case(Decision.decided_at, Decision.outcome, _kind_is("first_decision"),
                    Decision.review_of_id.is_(None),
                    ~exists().where(earlier.case_id == Decision.case_id,
                                    earlier.kind == Decision.kind,
                                    earlier.decided_at < Decision.decided_at),
                    join=Decision)


def final_decisions():
    return _by_case(Decision.decided_at, Decision.outcome, _kind_is("final_decision"),
                    Decision.superseded_by_id.is_(None), join=Decision)


def reconsiderations():
    """Reviews of negative identification decisions (ID-6), by outcome: upheld or
    overturned."""
    return _by_case(Decision.decided_at, Decision.outcome, Decision.kind == "review",
                    join=Decision)


def _entries(track, *states):
    return lambda: _by_case(CaseTransition.at, literal("all"), CaseTransition.track == track,
                            CaseTransition.to_state.in_(states), join=CaseTransition)


def _spells_of_track(track, *states):
    """(case, start, end) of each time a case entered one of ``states`` on ``track``; it
    ends at the next transition of the track (None while it lasts)."""
    later = aliased(CaseTransition)
    end = (select(func.min(later.at)).where(later.case_id == CaseTransition.case_id,
                                            later.track == CaseTransition.track,
                                            later.at > CaseTransition.at)
           .correlate(CaseTransition).scalar_subquery())
    return (select(CaseTransition.case_id.label("case_id"), CaseTransition.at.label("start"),
                   end.label("end"))
            .where(CaseTransition.track == track, CaseTransition.to_state.in_(states)))


def _missing_spells():
    from ..missing.models import MissingEpisode as M
    return select(M.case_id.label("case_id"), M.missing_since.label("start"),
                  M.found_at.label("end"))


def _stock(spells):
    """People in a state at the end of each month, as changes: +1 in the month a spell
    starts, -1 in the month it ends; ``monthly_counts`` adds them up month by month."""
    def query():
        spell = spells().subquery()
        events = union_all(
            select(spell.c.case_id, spell.c.start.label("at"), literal(1).label("change")),
            select(spell.c.case_id, spell.c.end.label("at"), literal(-1).label("change"))
            .where(spell.c.end.is_not(None))).subquery()
        keys = (_month(events.c.at).label("month"), literal("all").label("value"),
                *_case_dims())
        return (select(*keys, func.sum(events.c.change)).select_from(events)
                .join(Case, Case.id == events.c.case_id)
                .join(Person, Person.id == Case.person_id).group_by(*keys))
    return query


def missing_episodes():
    from ..missing.models import MissingEpisode
    return _by_case(MissingEpisode.missing_since, literal("all"), join=MissingEpisode)


def services_delivered():
    from ..services.models import Referral
    return _by_case(func.coalesce(Referral.closed_at, Referral.decided_at), Referral.service,
                    Referral.status == "completed", join=Referral)


@dataclass(frozen=True)
class Series:
    name: str
    label: str
    query: object
    value_label: str | None = None  # e.g. "outcome"; None when the series has no value
    # A stock counts people in a state at the end of a period (the end of its last month),
    # not events during it: a quarter is its last month, not the sum of its months.
    stock: bool = False


SERIES = {s.name: s for s in (
    Series("referrals", N_("Referrals of presumed victims"), referrals),
    Series("anonymous_notifications", N_("Anonymous notifications (adults who declined "
                                         "identification)"), anonymous_notifications),
    Series("first_decisions", N_("First decisions by outcome"), first_decisions, "outcome"),
    Series("final_decisions", N_("Final decisions by outcome"), final_decisions, "outcome"),
    Series("reconsiderations", N_("Reconsiderations of negative decisions by outcome"),
           reconsiderations, "outcome"),
    Series("assistance_started", N_("People entering assistance"),
           _entries("assistance", "in_progress")),
    Series("shelter_entries", N_("People entering a shelter"), _entries("shelter", "staying")),
    Series("proceedings", N_("People becoming involved in proceedings"),
           _entries("legal", "involved")),
    Series("returns", N_("Returns completed"), _entries("return", "travelled")),
    Series("local_integration", N_("People moving to local integration"),
           _entries("nrm", "local_integration")),
    Series("re_referrals", N_("Re-referrals of a known person (re-trafficking)"),
           re_referrals),
    Series("services_delivered", N_("Services delivered, by service"), services_delivered,
           "service"),
    Series("in_assistance", N_("People in assistance at the end of the period (suspended "
                               "included)"),
           _stock(lambda: _spells_of_track("assistance", "in_progress", "suspended")),
           stock=True),
    Series("in_shelter", N_("People in a shelter at the end of the period"),
           _stock(lambda: _spells_of_track("shelter", "staying")), stock=True),
    Series("in_proceedings", N_("People involved in proceedings at the end of the period"),
           _stock(lambda: _spells_of_track("legal", "involved")), stock=True),
    Series("missing_episodes", N_("Missing episodes begun"), missing_episodes),
    Series("missing_now", N_("People missing at the end of the period"),
           _stock(_missing_spells), stock=True),
)}

# Decision times: days from referral to the first and to the final decision.
TIMES = {
    "first_decision_days": ("first_decision", N_("Days from referral to first decision")),
    "final_decision_days": ("final_decision", N_("Days from referral to final decision")),
}


def monthly_counts(name: str) -> dict:
    """{month: {(dimension, value of it, value of the series): count}} for one series, with
    ("total", "*", value) for the whole. The database counts each dimension apart (grouping
    sets on PostgreSQL: one pass over the rows; one query per dimension elsewhere), so what
    comes back is a few rows per month and value, not one per combination."""
    query = SERIES[name].query()
    columns = [c.element if hasattr(c, "element") else c for c in query.selected_columns]
    month, value, dims, count = columns[0], columns[1], columns[2:-1], columns[-1]
    out: dict = {}

    def add(m, dim, v, series_value, n):
        if m is None:
            return
        bucket = out.setdefault(m, {})
        for one in (_code(v, dim) if dim in MULTI else (_code(v, dim),)):
            key = (dim, one, series_value or "unknown")
            bucket[key] = bucket.get(key, 0) + n

    base = query.group_by(None)
    if SERIES[name].stock:
        return _running(_changes(base, month, value, dims, count, add, out))
    return _changes(base, month, value, dims, count, add, out)


def _running(changes: dict) -> dict:
    """Monthly changes of a stock -> the stock at the end of each month, up to this one."""
    out: dict = {}
    running: dict = {}
    for m in (months_between(min(changes), today()) if changes else []):
        for key, n in changes.get(m, {}).items():
            running[key] = running.get(key, 0) + n
        out[m] = {key: n for key, n in running.items() if n}
    return out


def _changes(base, month, value, dims, count, add, out) -> dict:
    if db.engine.dialect.name == "postgresql":
        sets = [tuple_(month, value, d) for d in dims] + [tuple_(month, value)]
        flags = func.grouping(*dims)
        grouped = base.add_columns(flags).group_by(func.grouping_sets(*sets))
        width = len(dims)
        with heavy_reads() as session:
            result = session.execute(grouped).all()
        for row in result:
            m, v, *values, n, flag = row
            present = [i for i in range(width) if not flag & (1 << (width - 1 - i))]
            if present:
                i = present[0]
                add(m, DIMENSIONS[i], values[i], v, n)
            else:
                add(m, "total", "*", v, n)
        return out
    for i, d in enumerate((*dims, literal("*"))):
        dim = DIMENSIONS[i] if i < len(dims) else "total"
        one = base.with_only_columns(month, value, d, count).group_by(month, value, d)
        with heavy_reads() as session:
            result = session.execute(one).all()
        for m, v, x, n in result:
            add(m, dim, x if dim != "total" else "*", v, n)
    return out


def project(combos: dict) -> dict:
    """{month: {(value, dims...): n}} -> the shape ``monthly_counts`` returns."""
    out: dict = {}
    for month, rows in combos.items():
        bucket = out.setdefault(month, {})
        for (value, *dims), n in rows.items():
            keys = [("total", "*")] + [(dim, one) for dim, v in zip(DIMENSIONS, dims)
                                       for one in (v if isinstance(v, tuple) else (v,))]
            for dim, one in keys:
                bucket[(dim, one, value)] = bucket.get((dim, one, value), 0) + n
    return out


def monthly_times(name: str) -> dict:
    """{month of the decision: {days: how many decisions}} for a decision-time series."""
    attribute = TIMES[name][0]
    earlier = aliased(Decision)
    where = [_kind_is(attribute)]
    if attribute == "first_decision":
        where += [Decision.review_of_id.is_(None),
                  ~exists().where(earlier.case_id == Decision.case_id,
                                  earlier.kind == Decision.kind,
                                  earlier.decided_at < Decision.decided_at)]
    else:
        where.append(Decision.superseded_by_id.is_(None))
    days = _days(Decision.decided_at, Case.referred_at)
    keys = (_month(Decision.decided_at), days)
    query = (select(*keys, func.count()).select_from(Decision)
             .join(Case, Case.id == Decision.case_id).where(*where).group_by(*keys))
    out: dict = {}
    with heavy_reads() as session:
        result = session.execute(query).all()
    for month, d, count in result:
        bucket = out.setdefault(month, {})
        bucket[max(0, int(d))] = bucket.get(max(0, int(d)), 0) + count
    return out


def _code(value, dim):
    if dim == "total":
        return "*"
    if dim in MULTI:
        return tuple(sorted(value or ())) or ("unknown",)
    return value if value not in (None, "") else "unknown"


def percentile(histogram: dict, q: float) -> float | None:
    """The q-th percentile (nearest rank) of {value: count}."""
    n = sum(histogram.values())
    if not n:
        return None
    rank = max(1, -(-int(q * n * 1000) // 1000))  # ceil(q * n)
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value
    return None


# ---- periods ---------------------------------------------------------------------------

def period_months(period: str) -> list[str]:
    """'2026-03' -> ['2026-03']; '2026-Q1' -> three months; '2026' -> twelve."""
    if ".." in period:  # a custom range of whole months, 'YYYY-MM..YYYY-MM'
        first, last = period.split("..")
        return [m for m in months_between(first, date(int(last[:4]), int(last[5:]), 1))]
    if len(period) == 7 and period[4] == "-" and period[5:].isdigit():
        return [period]
    if "-Q" in period:
        year, q = period.split("-Q")
        first = (int(q) - 1) * 3 + 1
        return [f"{year}-{m:02d}" for m in range(first, first + 3)]
    return [f"{period}-{m:02d}" for m in range(1, 13)]


def months_between(first: str, today: date) -> list[str]:
    """Every month from ``first`` ('YYYY-MM') to the month of ``today``."""
    year, month = int(first[:4]), int(first[5:])
    out = []
    while (year, month) <= (today.year, today.month):
        out.append(f"{year}-{month:02d}")
        year, month = year + (month == 12), month % 12 + 1
    return out


def period_end(period: str) -> date:
    last = period_months(period)[-1]
    year, month = int(last[:4]), int(last[5:])
    return date(year + (month == 12), month % 12 + 1, 1)


def closed_periods(months: list[str], today: date) -> list[str]:
    """Every month, quarter and year touched by ``months`` that has ended before today."""
    periods = set()
    for m in months:
        year, month = m[:4], int(m[5:])
        periods |= {m, f"{year}-Q{(month - 1) // 3 + 1}", year}
    return sorted((p for p in periods if period_end(p) <= today), key=period_sort)


def period_kind(period: str) -> str:
    if ".." in period:
        return "custom"
    return "quarter" if "-Q" in period else ("month" if len(period) == 7 else "year")


def period_sort(period: str):
    return (period[:4], {"year": 2, "quarter": 1, "month": 0, "custom": 3}[period_kind(period)],
            period)


def today() -> date:
    return datetime.now(timezone.utc).date()
