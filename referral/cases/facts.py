"""The facts a track's guards may read, assembled from the case and other areas.

Facts for the assistance, shelter, return and NRM tracks never include cooperation data
(NC-2): providers register for the tracks they feed, and only the legal track may be fed
cooperation facts; ``facts_for`` refuses to hand a cooperation fact to any other track.
"""
from collections.abc import Callable
from contextvars import ContextVar
from functools import cache

import workflows
from workflows import COOPERATION_FACTS
from workflows import jurisdictions

from ..database import read_rows, utcnow
from .decisions import effective_identification
from ..errors import Invalid
from ..labels import N_

# What a client may assert in a transition request; everything else is computed.
CLIENT_FACTS = frozenset({"person_request", "person_view", "person_view_declined",
                          "reason_code"})

_providers: list[tuple[frozenset[str] | None, Callable]] = []


def register_facts(*, tracks=None):
    """Register ``provider(case) -> dict`` for the named tracks (None: every non-legal
    track and legal)."""
    def wrap(provider):
        _providers.append((frozenset(tracks) if tracks else None, provider))
        return provider
    return wrap


def case_facts(case) -> dict:
    now = utcnow()
    jurisdiction = jurisdictions.for_case(case)
    minimum_elapsed = bool(case.reflection_minimum_ends_at
                           and case.reflection_minimum_ends_at <= now)
    return {
        "now": now,
        "is_child": case.is_child,
        "identification": effective_identification(case, now),
        "first_decision_outcome": case.first_decision_outcome,
        "reflection_trigger": jurisdiction.reflection_trigger,
        "reflection_minimum_elapsed": minimum_elapsed,
        "return_state": case.return_state,
        "has_guardian": case.guardian_appointed_at is not None,
    }


# The type of each fact a request may give: a string "false" is not false (RP-1).
# ``person_request`` is the person's own words asking for the step (RP-1: the early end of
# the reflection period is their recorded request, not a flag).
CLIENT_FACT_TYPES = {"person_request": str, "person_view": str, "person_view_declined": bool,
                     "reason_code": str}


def check_client_facts(given: dict | None) -> dict:
    given = dict(given or {})
    unknown = sorted(set(given) - CLIENT_FACTS)
    if unknown:
        raise Invalid("facts", N_("unknown or computed facts: %(facts)s; a request may give "
                                  "%(allowed)s"),
                      {"facts": ", ".join(unknown), "allowed": ", ".join(sorted(CLIENT_FACTS))})
    for key, value in given.items():
        kind = CLIENT_FACT_TYPES.get(key)
        if value is not None and kind is not None and type(value) is not kind:
            raise Invalid(f"facts.{key}", N_("true or false") if kind is bool
                          else N_("a text"))
    return given


def facts_for(case, track: str, given: dict | None = None, reason: str | None = None) -> dict:
    return _track_facts(case, track, case_facts(case), {}, given, reason)


def facts_by_track(case, names) -> dict[str, dict]:
    """The facts of each named track, as ``facts_for`` gives them, gathered once: the case's
    own facts are read once, each provider runs once however many tracks it feeds, and rows
    several providers read (``shared``) are loaded once. Each track still gets only what is
    registered for it (the cooperation firewall is checked per track)."""
    token = _shared_rows.set({})
    try:
        base, provided = case_facts(case), {}
        return {name: _track_facts(case, name, base, provided) for name in names}
    finally:
        _shared_rows.reset(token)


def _track_facts(case, track, base, provided, given=None, reason=None) -> dict:
    facts = dict(base)
    for tracks, provider in _providers:
        if tracks is None or track in tracks:
            if provider not in provided:
                provided[provider] = provider(case)
            facts.update(provided[provider])
    facts.update(check_client_facts(given))
    facts["reason"] = reason
    facts.setdefault("reason_code", None)
    facts.setdefault("person_view", None)
    facts.setdefault("person_request", None)
    facts.setdefault("person_view_declined", False)
    if not workflows.tracks()[track].reads_cooperation:
        leaked = COOPERATION_FACTS & set(facts)
        if leaked:  # a provider broke the firewall: fail loudly, never decide on it
            raise RuntimeError(f"cooperation facts offered to the {track} track: {leaked}")
    return facts


_shared_rows: ContextVar[dict | None] = ContextVar("shared_fact_rows", default=None)


def shared(case, key: str, load: Callable):
    """``load()``, once per case while ``facts_by_track`` gathers: for rows that providers
    of several tracks read (a case's consents). Outside a gathering it simply loads."""
    memo = _shared_rows.get()
    if memo is None:
        return load()
    if (case.id, key) not in memo:
        memo[case.id, key] = load()
    return memo[case.id, key]


@register_facts(tracks=("nrm",))
def closure_facts(case) -> dict:
    """RR-6: a current re-trafficking risk review and a follow-up schedule."""
    from datetime import timedelta

    valid_days = jurisdictions.for_case(case).risk_review_valid_days
    since = utcnow() - timedelta(days=valid_days)
    has_review, has_schedule, has_best_interests = read_rows(
        _closure_read(), {"case_id": case.id, "since": since}).one()
    return {"has_current_risk_review": bool(has_review),
            "has_followup_schedule": bool(has_schedule),
            "has_best_interests": bool(has_best_interests)}  # CH-2


FOLLOW_UP_KINDS = ("reintegration_checkin", "missed_checkin")


@cache
def _closure_read():
    """``closure_facts``' statement, built once and run with the case and the date from
    which a risk review is current."""
    from sqlalchemy import bindparam, exists, select

    from ..reminders.models import Deadline, DeadlineStatus
    from .models import Decision
    case_id = bindparam("case_id", type_=Decision.case_id.type)
    current = (Decision.case_id == case_id, Decision.superseded_by_id.is_(None))
    return select(
        exists().where(*current, Decision.kind == "risk_assessment",
                       Decision.decided_at >= bindparam("since", type_=Decision.decided_at.type)),
        exists().where(Deadline.case_id == case_id, Deadline.kind.in_(FOLLOW_UP_KINDS),
                       Deadline.status == DeadlineStatus.pending),
        exists().where(*current, Decision.kind == "best_interests_assessment"))
