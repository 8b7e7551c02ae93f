"""Case rules: opening a case, applying transitions, identification decisions.

Services flush; the request or task boundary commits. ``apply_transition`` is the one path by
which any track's state changes.
"""
import logging
import secrets
import uuid
from datetime import datetime, timedelta
from functools import cache, partial
from typing import Callable, NamedTuple

from sqlalchemy import (Boolean, Integer, String, Uuid, bindparam, cast, literal, null,
                        select, tuple_, union_all)
from sqlalchemy.orm import aliased
from sqlalchemy.orm.exc import StaleDataError

import workflows
from workflows import jurisdictions

from ..accounts.models import User
from ..crypto import open_sealed
from ..audit.service import record
from .. import paging
from ..database import UTCDateTime, read_rows, utcnow
from ..errors import Invalid, NotFound, Refused, StaleVersion
from ..extensions import db
from ..labels import N_
from ..signals import case_opened, transition_applied
from ..reminders.service import cancel_deadlines, meet_deadline
from . import access, decisions
from .facts import facts_by_track, facts_for
from .models import AgeStatus, Case, CaseTransition, Decision, Person, RefusedAttempt

logger = logging.getLogger(__name__)

_REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
# Refusals a supervisor should see even though nothing changed.
SUPERVISED_REFUSALS = frozenset({"NC-3", "CH-4", "SH-1", "SH-2", "CO-4"})


def new_reference(now: datetime | None = None) -> str:
    """A case reference that reveals nothing (no count, no name): RF-26-7KQ3MX."""
    now = now or utcnow()
    code = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(6))
    return f"RF-{now:%y}-{code}"


def age_status_from(person: dict, is_child: bool | None) -> AgeStatus:
    """CH-1: unknown or disputed age means a child until assessed."""
    if is_child:
        return AgeStatus.possible_child
    dob, estimate = person.get("date_of_birth"), person.get("age_estimate")
    if dob:
        today = utcnow().date()
        age = today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))
        return AgeStatus.stated_adult if age >= 18 else AgeStatus.possible_child
    if estimate is not None:
        return AgeStatus.stated_adult if estimate >= 18 else AgeStatus.possible_child
    return AgeStatus.unknown


AGE_GROUPS = ((0, 11, "0-11"), (12, 17, "12-17"), (18, 24, "18-24"), (25, 34, "25-34"),
              (35, 49, "35-49"), (50, 200, "50+"))


def age_group_from(person: dict) -> str:
    dob, estimate = person.get("date_of_birth"), person.get("age_estimate")
    if dob:
        today = utcnow().date()
        estimate = today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))
    if estimate is None:
        return "unknown"
    return next((label for low, high, label in AGE_GROUPS if low <= estimate <= high),
                "unknown")


def open_case(actor: User, *, person: dict, referral: dict) -> Case:
    """Register a referral: the person is a presumed victim at once (ID-1)."""
    access.require(actor.has_role("caseworker", "supervisor"), "permission",
                   N_("only caseworkers and supervisors register referrals"))
    referral = dict(referral)
    code = referral.pop("jurisdiction", None) or _default_jurisdiction()
    try:
        jurisdiction = jurisdictions.get(code)
    except KeyError as exc:
        raise Invalid("jurisdiction", str(exc.args[0]))
    is_child = referral.pop("is_child", None)
    previous_id = referral.pop("previous_case_id", None)
    if previous_id is not None:
        try:
            previous = access.get_case_for(actor, previous_id)
        except NotFound:
            raise Invalid("previous_case_id", N_("no such case in your scope"))
        referral["previous_case_id"] = previous.id
    person_row = Person(**person)
    now = utcnow()
    case = Case(
        id=uuid.uuid4(), reference=new_reference(now), jurisdiction=jurisdiction.code,
        rule_version=jurisdiction.rule_version, person=person_row, agency_id=actor.agency_id,
        assigned_to_id=referral.pop("assigned_to_id", None) or (
            actor.id if actor.has_role("caseworker") else None),
        age_status=age_status_from(person, is_child), age_group=age_group_from(person),
        referred_at=now, **referral)
    db.session.add(case)
    db.session.flush()
    record(actor, "case.create", "case", case.id, case_id=case.id,
           purpose="register referral")
    decisions.plan_opening_deadlines(case)
    case_opened.send(case, actor=actor)
    if jurisdiction.reflection_trigger == "referral":
        apply_transition(actor, case, "nrm", "start_reflection_period",
                         reason="reflection period starts on referral")
    return case


def _default_jurisdiction():
    from flask import current_app
    return current_app.config["DEFAULT_JURISDICTION"]


def _record_refusal(actor, case_id, track, event, refusal, reason):
    """A refused attempt is audited and, for the rules supervisors watch, listed for them.

    It must survive the refusal itself: the request boundary runs this after rolling back
    whatever the request had started (``DomainError.keep``)."""
    record(actor, "transition.refused", "case", case_id, case_id=case_id,
           purpose="refused state change",
           details={"track": track, "event": event, "rule": refusal.rule})
    if refusal.rule in SUPERVISED_REFUSALS:
        db.session.add(RefusedAttempt(case_id=case_id, track=track, event=event,
                                      rule=refusal.rule, message=refusal.message,
                                      reason=reason, actor_id=getattr(actor, "id", None)))
    db.session.flush()
    logger.info("refused %s/%s on case %s: %s", track, event, case_id, refusal.rule)


def check_adverse(actor: User, case_id, action: str, *, reason_code=None, person_view=None,
                  person_view_declined=False, reason=None):
    """ID-6 / NC-3 for an adverse step taken outside a track (a referral, an offer, a
    restriction, recording that a person left): a reason code from the action's closed
    list, the person's view or that they declined, and free text that passes the NC-3
    tripwire. A refusal is audited and, for NC-3, listed for supervisors."""
    from workflows.reasons import check_adverse as check
    refusal = check(action, reason_code=reason_code, person_view=person_view,
                    person_view_declined=person_view_declined, reason=reason)
    if refusal:
        track, _, event = action.partition(".")
        raise Refused(refusal.rule, refusal.message).keep(
            partial(_record_refusal, actor, case_id, track, event, refusal, reason))


def apply_transition(actor: User, case_or_id, track: str, event: str, *, reason=None,
                     facts=None, version: int | None = None, via: str = "case") -> Case:
    """Apply one event to one track of a case, in the caller's transaction.

    Loads the case with a row lock, checks permission and version, finds the transition,
    runs its guards, writes state, history and audit, and lets the areas plan deadlines.
    """
    tracks = workflows.tracks()
    if track not in tracks:
        raise Invalid("track", N_("unknown track; one of %(choices)s"),
                      {"choices": ", ".join(tracks)})
    owners = {t.owner for t in tracks[track].candidates(event)}
    if owners and via not in owners:  # a step another area takes, with its own records
        raise Refused("WF-OWNER", N_("this step is taken at %(endpoint)s"),
                      {"endpoint": workflows.OWNERS[min(owners)]})
    case_id = getattr(case_or_id, "id", case_or_id)
    case = access.get_case_for(actor, case_id, for_update=True)
    access.require(access.can_transition(actor, case, track), "permission",
                   f"your role may not change the {track} track")
    if version is not None and version != case.version:
        raise StaleVersion()
    decisions.refresh_identification(case)
    definition = tracks[track]
    state = case.state_of(track)
    given = dict(facts or {})
    all_facts = facts_for(case, track, given, reason)
    transition, refusal = workflows.evaluate(definition, state, event, all_facts, reason)
    if refusal:
        raise Refused(refusal.rule, refusal.template or refusal.message, refusal.params).keep(
            partial(_record_refusal, actor, case.id, track, event, refusal, reason))
    case.set_state(track, transition.dst)
    jurisdiction = jurisdictions.for_case(case)
    _on_enter(case, track, transition.dst, jurisdiction, given)
    history = CaseTransition(case_id=case.id, track=track, event=event, from_state=state,
                             to_state=transition.dst, actor_id=getattr(actor, "id", None),
                             reason=reason, reason_code=given.get("reason_code"),
                             person_view=given.get("person_view")
                             or given.get("person_request"),
                             facts={k: v for k, v in given.items()
                                    if k not in ("person_view", "person_request")},
                             rule_version=jurisdiction.rule_version)
    db.session.add(history)
    record(actor, "case.transition", "case", case.id, case_id=case.id,
           purpose="case management",
           details={"track": track, "event": event, "from": state, "to": transition.dst})
    try:
        db.session.flush()
    except StaleDataError:
        raise StaleVersion()
    transition_applied.send(case, track=track, transition=transition, from_state=state,
                            actor=actor, history=history)
    logger.info("case %s %s: %s -> %s", case.id, track, state, transition.dst)
    return case


def _on_enter(case: Case, track: str, state: str, jurisdiction, given: dict):
    now = utcnow()
    if track != "nrm":
        return
    if state == "closed":
        case.closed_at = now
    if state == "reflection_period":
        case.reflection_started_at = now
        case.reflection_minimum_ends_at = now + timedelta(days=jurisdiction.reflection_min_days)
        case.reflection_ends_at = case.reflection_minimum_ends_at
        decisions.plan_reflection_end(case)
    elif case.reflection_started_at is not None:
        meet_deadline(case.id, "reflection_end")
        if case.reflection_ends_at and case.reflection_ends_at > now:
            case.reflection_ends_at = now  # ended early: at the person's request (RP-1)
    if state == "closed":
        # RR-4/RR-6: the reintegration check-ins closure required outlive it and keep
        # reminding; everything else about the open case stops.
        from .facts import FOLLOW_UP_KINDS
        from ..reminders.models import Deadline, DeadlineStatus
        for kind in set(db.session.scalars(select(Deadline.kind).where(
                Deadline.case_id == case.id, Deadline.status == DeadlineStatus.pending))):
            if kind not in FOLLOW_UP_KINDS:
                cancel_deadlines(case.id, kind)


def transitions_overview(actor: User, case: Case) -> dict:
    """For each track: its state, the events allowed now, and why the others are refused."""
    overview = {}
    tracks = workflows.tracks()
    facts_of = facts_by_track(case, tracks)
    for name, definition in tracks.items():
        state = case.state_of(name)
        facts = facts_of[name]
        allowed, refused = workflows.allowed_events(definition, state, facts)
        permitted = access.can_transition(actor, case, name)
        overview[name] = {
            "state": state,
            "allowed": allowed if permitted else [],
            "refused": {event: {"rule": r.rule, "message": r.message}
                        for event, r in refused.items()},
            "reason_required": sorted({t.event for t in definition.transitions
                                       if t.reason_required and state in t.src}),
        }
    return overview


# ---- history: the case's timeline --------------------------------------------------------
#
# Each area that adds lines to a case's history registers a source: the SELECT of its rows
# and how they become lines. The rows of every source come in one statement (a UNION ALL),
# so a timeline costs one round trip however many areas feed it. A source's SELECT names
# its columns from TIMELINE_COLUMNS (``timeline_columns``: the rest are NULL of their type)
# and filters on the bind parameter ``case_id``.

TIMELINE_COLUMNS = (("at", UTCDateTime), ("at2", UTCDateTime), ("at3", UTCDateTime),
                    ("ref", Uuid), ("ref2", Uuid), ("text1", String), ("text2", String),
                    ("text3", String), ("text4", String), ("text5", String),
                    ("text6", String), ("text7", String), ("number", Integer),
                    ("flag", Boolean))
_TIMELINE_NAMES = frozenset(name for name, _ in TIMELINE_COLUMNS)


def timeline_columns(**given) -> list:
    """A history source's columns in the timeline statement's order: each one given (``at``,
    its time, is required), the others NULL of their type."""
    unknown = set(given) - _TIMELINE_NAMES
    if unknown or "at" not in given:
        raise ValueError(f"timeline columns: unknown {sorted(unknown)} or no 'at'")
    return [(given[name] if name in given else cast(null(), type_)).label(name)
            for name, type_ in TIMELINE_COLUMNS]


class HistorySource(NamedTuple):
    rows: Callable[[], object]  # () -> its SELECT of timeline_columns, built once
    lines: Callable[[Case, list], list[dict]]  # (case, its rows) -> timeline items


_history_sources: list[HistorySource] = []


def register_history_source(rows):
    """``@register_history_source(rows)`` on ``lines(case, rows) -> items``: the area's
    lines in every case's history (consents, referrals, notes, documents, transfers)."""
    def wrap(lines):
        _history_sources.append(HistorySource(rows, lines))
        _timeline_statement.cache_clear()
        return lines
    return wrap


@cache
def _timeline_statement():
    """Every source's rows, tagged with the source's place, each source's oldest first.
    Built once (again when a source registers), run with the case."""
    branches = [source.rows().add_columns(literal(i, Integer).label("source"))
                for i, source in enumerate(_history_sources)]
    return union_all(*branches).order_by("source", "at")


def history(actor: User, case: Case) -> list[dict]:
    """Transitions, decisions and what other areas add (consents, referrals), oldest first."""
    rows = read_rows(_timeline_statement(), {"case_id": case.id}).all()
    record(actor, "case.read_history", "case", case.id, case_id=case.id,
           purpose="case management")
    by_source = [[] for _ in _history_sources]
    for row in rows:
        by_source[row.source].append(row)
    items = [item for source, its_rows in zip(_history_sources, by_source)
             for item in source.lines(case, its_rows)]
    return sorted(items, key=lambda item: item["at"])


def _transition_rows():
    return (select(*timeline_columns(
        at=CaseTransition.at, text1=CaseTransition.track, text2=CaseTransition.event,
        text3=CaseTransition.from_state, text4=CaseTransition.to_state,
        text5=CaseTransition.reason, text6=User.display_name, text7=CaseTransition.rule_version))
        .select_from(CaseTransition).outerjoin(User, User.id == CaseTransition.actor_id)
        .where(CaseTransition.case_id == bindparam("case_id", type_=Uuid)))


@register_history_source(_transition_rows)
def _transition_lines(case, rows) -> list[dict]:
    return [{"type": "transition", "at": r.at, "track": r.text1, "event": r.text2,
             "from_state": r.text3, "to_state": r.text4, "reason": r.text5,
             "actor": r.text6, "rule_version": r.text7} for r in rows]


def _decision_rows():
    return (select(*timeline_columns(
        at=Decision.decided_at, ref=Decision.id, ref2=Decision.superseded_by_id,
        text1=Decision.kind, text2=Decision.outcome, text3=Decision.decision_maker,
        text4=Decision.reasons_enc, text5=Decision.rule_version))
        .select_from(Decision).where(Decision.case_id == bindparam("case_id", type_=Uuid)))


@register_history_source(_decision_rows)
def _decision_lines(case, rows) -> list[dict]:
    return [{"type": "decision", "at": r.at, "kind": r.text1, "outcome": r.text2,
             "decision_maker": r.text3,
             "reasons": open_sealed("decision", "reasons", r.ref, r.text4),
             "rule_version": r.text5, "superseded": r.ref2 is not None} for r in rows]


def case_list_query(actor: User, *, state=None, assigned_to=None, overdue=None, q=None,
                    name=None, date_of_birth=None, include_closed=False):
    """Cases in the actor's scope with the list filters applied (no ordering, no paging).
    ``name`` finds by part of a name or a spelling variant, ``date_of_birth`` by the date,
    both through blind indexes: no row is decrypted to search (docs/search.md). A
    caseworker's list (``assigned_to``) holds open cases unless ``include_closed``."""
    query = select(Case).where(access.case_scope(actor))
    if name:
        condition = name_condition(name)
        if condition is not None:
            query = query.where(condition)
    if date_of_birth:
        from ..crypto import blind_index
        query = query.where(Case.person_id.in_(select(Person.id).where(
            Person.birth_index == blind_index(date_of_birth.isoformat()))))
    if state:
        query = query.where(Case.nrm_state == state)
    if assigned_to and not include_closed:
        query = query.where(Case.closed_at.is_(None))
    if assigned_to:
        if assigned_to == "me":
            query = query.where(Case.assigned_to_id == actor.id)
        else:
            try:
                query = query.where(Case.assigned_to_id == uuid.UUID(assigned_to))
            except ValueError:
                raise Invalid("assigned_to", N_("a user id or 'me'"))
    if q:
        query = query.where(_search_condition(q))
    for hook in _list_filters:
        query = hook(query, actor=actor, overdue=overdue)
    return query


def page_of_cases(query, *, per_page: int, cursor: str | None = None, page: int = 1):
    """One page of ``query`` as list items (``case_summary``), newest referral first, and the
    cursor of the next page (None on the last). With a cursor the page is read from the
    index where the last one ended (keyset), so page 1,000 costs what page 1 costs;
    ``page`` is the older offset form."""
    ordered = query.order_by(Case.referred_at.desc(), Case.id.desc())
    if cursor:
        at, last_id = _read_cursor(cursor)
        ordered = ordered.where(tuple_(Case.referred_at, Case.id) < tuple_(
            literal(at, Case.referred_at.type), literal(last_id, Case.id.type)))
    elif page > 1:
        ordered = ordered.offset((page - 1) * per_page)
    rows = read_rows(_summary_columns(ordered).limit(per_page + 1)).all()
    items, more = rows[:per_page], len(rows) > per_page
    return [case_summary(row) for row in items], (_make_cursor(items[-1]) if more else None)


_TRACKS = ("nrm", "assistance", "shelter", "legal", "return")
_ASSIGNEE = aliased(User)  # one alias for every list: its statement is compiled once, cached


def _summary_columns(query):
    """``query`` (of ``Case``) reading only what a list item shows (``CaseSummarySchema``)
    and what ``is_child``/``no_removal`` are derived from, with the caseworker's name by a
    join: no Case objects, no person (sealed, not shown), nothing decrypted."""
    assignee = _ASSIGNEE
    return query.with_only_columns(
        Case.id, Case.reference, *[getattr(Case, f"{t}_state") for t in _TRACKS],
        Case.age_status, Case.identification, Case.reflection_ends_at,
        Case.protection_ends_at, Case.move_on_ends_at, Case.referred_at,
        assignee.display_name.label("assigned_to_name"),
    ).outerjoin_from(Case, assignee, assignee.id == Case.assigned_to_id)


def case_summary(row) -> dict:
    """A list item as ``CaseSummarySchema`` dumps it (same names, ISO times), from a row of
    ``_summary_columns``. ``is_child`` and ``no_removal`` are the Case rules themselves,
    read from the row's columns."""
    return {"id": str(row.id), "reference": row.reference,
            "tracks": {t: getattr(row, f"{t}_state") for t in _TRACKS},
            "is_child": Case.is_child.fget(row), "no_removal": Case.no_removal.fget(row),
            "assigned_to": row.assigned_to_name,
            "referred_at": row.referred_at.isoformat() if row.referred_at else None}


def _make_cursor(case: Case) -> str:
    return paging.make_cursor(case.referred_at, case.id)


def _read_cursor(cursor: str):
    return paging.read_cursor(cursor, datetime, uuid.UUID)


def _search_condition(q: str):
    """A case reference, or an exact name or date of birth through the blind indexes."""
    from sqlalchemy import or_
    from ..crypto import blind_index
    q = q.strip()
    index = blind_index(q)
    people = select(Person.id).where(or_(Person.name_index == index,
                                         Person.birth_index == index))
    return or_(Case.reference == q.upper(), Case.person_id.in_(people))


_list_filters = []  # (query, actor, overdue) -> query; e.g. reminders adds the overdue filter


def register_list_filter(hook):
    _list_filters.append(hook)
    return hook


def assign_case(actor: User, case: Case, caseworker_id) -> Case:
    """Assign a case to a caseworker of the case's agency; their follow-ups move with it."""
    access.require(access.can_assign(actor, case), "permission",
                   N_("only a supervisor or the case's caseworkers assign it"))
    try:
        assignee = db.session.get(User, uuid.UUID(str(caseworker_id)))
    except ValueError:
        assignee = None
    if assignee is None or assignee.agency_id != case.agency_id \
            or not assignee.has_role("caseworker"):
        raise Invalid("caseworker_id", N_("a caseworker of the case's agency"))
    case.assigned_to_id = assignee.id
    from ..reminders.models import Deadline, DeadlineStatus
    for row in db.session.scalars(select(Deadline).where(
            Deadline.case_id == case.id, Deadline.status == DeadlineStatus.pending)):
        row.assignee_id = assignee.id
    record(actor, "case.assign", "case", case.id, case_id=case.id, purpose="case management",
           details={"assignee": str(assignee.id)})
    return case


def record_anonymous_notification(actor: User, *, sex="unknown", age_group="unknown",
                                  nationality="unknown", exploitation_forms=(), sectors=(),
                                  jurisdiction=None):
    """ID-8: an adult who does not want to be identified is counted, not identified."""
    from .models import AnonymousNotification
    access.require(actor.has_role("caseworker", "supervisor"))
    code = jurisdiction or _default_jurisdiction()
    if code not in jurisdictions.REGISTRY:
        raise Invalid("jurisdiction", N_("one of %(choices)s"),
                      {"choices": ", ".join(sorted(jurisdictions.REGISTRY))})
    row = AnonymousNotification(agency_id=actor.agency_id, sex=sex, age_group=age_group,
                                nationality=nationality,
                                exploitation_forms=list(exploitation_forms),
                                sectors=list(sectors), jurisdiction=code)
    db.session.add(row)
    db.session.flush()
    record(actor, "notification.anonymous", "anonymous_notification", row.id,
           purpose="statistics")
    return row


def agency_caseworkers(agency_id) -> list[User]:
    """The active caseworkers of an agency, by name: whom a case may be assigned to."""
    from ..accounts.models import Role, UserRole
    return db.session.scalars(
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(User.agency_id == agency_id, User.is_active_account.is_(True),
               UserRole.role == Role.caseworker)
        .order_by(User.display_name)).unique().all()


MAX_NAME_WORDS = 5


def name_condition(text: str):
    """Every typed word must match one of the person's names: whole, as its start (three
    letters or more), or as a spelling variant. None when nothing searchable was typed."""
    from sqlalchemy import and_
    from ..crypto import name_query_indexes, name_words
    from .models import PersonNameToken
    words = name_words(text)[:MAX_NAME_WORDS]
    if not words:
        return None
    return and_(*[Case.person_id.in_(select(PersonNameToken.person_id).where(
        PersonNameToken.token.in_(sorted(name_query_indexes(word))))) for word in words])
