"""Missing episodes (issue 16).

MI-1 A person who goes missing is recorded as missing (when, where last seen, who was told)
and found again; the case stays open and its protection holds: no step closes a case while
an episode is open.
MI-2 For a child (CH-1: a possible child counts) the supervisor and the guardian are alerted
at once, and the episode escalates every ``missing_child_escalation_hours`` of the case's
jurisdiction until the child is found. Alerts go through the reminders machinery: each
escalation is a new occurrence of one follow-up, sent exactly once.
"""
from datetime import timedelta

from sqlalchemy import bindparam, exists, select

from workflows import jurisdictions

from ..audit.service import record
from ..cases.facts import register_facts
from ..database import read_rows, utcnow
from ..errors import Invalid, Refused
from ..extensions import db
from ..labels import N_
from ..reminders.service import meet_deadline, plan_deadline
from .models import TOLD, MissingEpisode

FOLLOW_UP = "missing_child"


def _told(values, field):
    values = list(dict.fromkeys(values or ()))
    unknown = [v for v in values if v not in TOLD]
    if unknown:
        raise Invalid(field, N_("one of %(choices)s"), {"choices": ", ".join(TOLD)})
    return values


def open_episode(case) -> MissingEpisode | None:
    return db.session.scalar(select(MissingEpisode).where(
        MissingEpisode.case_id == case.id, MissingEpisode.found_at.is_(None)).limit(1))


def report_missing(actor, case, *, missing_since, last_seen_where=None, circumstances=None,
                   told=()):
    """MI-1: record that the person is missing. The case stays open (MI-1); for a child the
    guardian is among those told and the supervisor is alerted at once (MI-2)."""
    if case.nrm_state == "closed":
        raise Refused("WF-STATE", N_("the case is closed: register a new referral linked to it "
                                     "(previous_case_id)"))
    if open_episode(case) is not None:
        raise Refused("MI-1", N_("the person is already recorded as missing"))
    now = utcnow()
    if missing_since is None or missing_since > now + timedelta(minutes=5):
        raise Invalid("missing_since", N_("when the person went missing (not in the future)"))
    told = _told(told, "told")
    if case.is_child and "guardian" not in told and case.guardian_appointed_at is not None:
        raise Refused("MI-2", N_("a missing child's guardian is told at once"))
    episode = MissingEpisode(case_id=case.id, missing_since=missing_since,
                             last_seen_where=(last_seen_where or "").strip() or None,
                             circumstances=(circumstances or "").strip() or None, told=told,
                             is_child=case.is_child, reported_by_id=actor.id)
    db.session.add(episode)
    db.session.flush()
    if episode.is_child:
        _alert(case, episode, now)
    record(actor, "missing.report", "missing_episode", episode.id, case_id=case.id,
           purpose="safety", details={"child": episode.is_child, "told": told})
    return episode


def _alert(case, episode, now):
    """MI-2: due now with the highest risk: the caseworker is told and the supervisor alerted
    at once (no grace); each re-planning is a new occurrence, sent once."""
    plan_deadline(case.id, FOLLOW_UP, now, source_key=str(episode.id), remind_days=(),
                  risk=3, assignee_id=case.assigned_to_id,
                  details={"escalation": episode.escalations})


def escalate_open_episodes(now=None) -> int:
    """MI-2: re-alert for every missing child not found within the jurisdiction's interval
    since the last alert. Run before each sweep; idempotent within an interval."""
    from ..cases.models import Case
    from ..reminders.models import Deadline
    now = now or utcnow()
    count = 0
    rows = db.session.execute(select(MissingEpisode, Case).join(
        Case, Case.id == MissingEpisode.case_id).where(
        MissingEpisode.found_at.is_(None), MissingEpisode.is_child.is_(True))).all()
    for episode, case in rows:
        deadline = db.session.scalar(select(Deadline).where(
            Deadline.case_id == case.id, Deadline.kind == FOLLOW_UP,
            Deadline.source_key == str(episode.id)))
        hours = jurisdictions.for_case(case).missing_child_escalation_hours
        if deadline is None or deadline.due_at + timedelta(hours=hours) <= now:
            episode.escalations += 1
            plan_deadline(case.id, FOLLOW_UP, now, source_key=str(episode.id),
                          remind_days=(), risk=3, assignee_id=case.assigned_to_id,
                          details={"escalation": episode.escalations})
            count += 1
    db.session.flush()
    return count


def report_found(actor, episode, *, found_at, found_where=None, told=()):
    """MI-1: the person is found again: the episode closes and the alerts stop."""
    if episode.found_at is not None:
        raise Refused("MI-1", N_("this episode is already closed"))
    if found_at is None or found_at < episode.missing_since \
            or found_at > utcnow() + timedelta(minutes=5):
        raise Invalid("found_at", N_("when the person was found (after they went missing, "
                                     "not in the future)"))
    episode.found_at = found_at
    episode.found_where = (found_where or "").strip() or None
    episode.found_told = _told(told, "told")
    episode.status = "found"
    episode.closed_by_id = actor.id
    meet_deadline(episode.case_id, FOLLOW_UP, str(episode.id))
    record(actor, "missing.found", "missing_episode", episode.id, case_id=episode.case_id,
           purpose="safety")
    db.session.flush()
    return episode


def episodes_of(actor, case) -> list[MissingEpisode]:
    rows = db.session.scalars(select(MissingEpisode).where(MissingEpisode.case_id == case.id)
                              .order_by(MissingEpisode.missing_since.desc())).all()
    record(actor, "missing.read", "case", case.id, case_id=case.id, purpose="safety")
    return rows


@register_facts(tracks=("nrm",))
def missing_facts(case) -> dict:
    """MI-1: whether an episode is open, for the guard that keeps the case open."""
    return {"missing_open": bool(read_rows(_OPEN_EPISODE, {"case_id": case.id}).scalar())}


# Built once: every look at a case's transitions runs it.
_OPEN_EPISODE = select(exists().where(MissingEpisode.case_id == bindparam("case_id"),
                                      MissingEpisode.found_at.is_(None)))


def statistics_rows():
    """(sex, age group, [episode kind], how many) for the statistics (DP-4 suppression is
    applied there): each episode counted once, as child or adult, still missing or found."""
    from sqlalchemy import func

    from ..cases.models import Case, Person
    still = MissingEpisode.found_at.is_(None)
    keys = [Person.sex, Case.age_group, MissingEpisode.is_child, still]
    query = (select(*keys, func.count()).select_from(MissingEpisode)
             .join(Case, Case.id == MissingEpisode.case_id)
             .join(Person, Person.id == Case.person_id).group_by(*keys))
    for sex, age, child, missing_now, count in db.session.execute(query):
        kind = ("child" if child else "adult") + ("_still_missing" if missing_now
                                                   else "_found")
        yield sex, age, [kind], count
