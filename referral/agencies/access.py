"""Who reaches what across agencies.

- The case's own agency (caseworkers, supervisors: ``need="agency"``) requests transfers,
  builds the team, schedules conferences, looks for earlier referrals and sends handovers.
- A transfer request is seen by both agencies; only the receiving agency's staff decide it.
  Once accepted, the case is the receiving agency's (the case scope follows
  ``Case.agency_id``); the sending agency keeps its audit entries and the transfer row as a
  closed stub (reference, dates, where it went) and nothing else.
- A team member reaches the case only through the team view, and only the parts in their
  scope, while their membership and its consent last (a scope rule active in that view).
- A link request is decided by the agency holding the earlier case; the requesting agency
  never learns which case it is until it is linked, and then only its reference.
- A partner abroad (role ``partner``) reaches the handovers sent to its organisation,
  nothing else of the case, and only while the consent lasts.
"""
from contextlib import contextmanager

from flask import g
from sqlalchemy import exists, select

from ..accounts.models import Role
from ..cases.access import get_case_for, register_scope
from ..cases.models import Case
from ..database import get_or_404
from ..errors import Forbidden, NotFound
from ..labels import N_
from .models import CaseLink, CaseTransfer, Conference, Handover, TeamMember

STAFF = (Role.caseworker, Role.supervisor)


def active_membership(user_id):
    return select(TeamMember.id).where(TeamMember.case_id == Case.id,
                                       TeamMember.user_id == user_id,
                                       TeamMember.ended_at.is_(None))


@register_scope(applies=lambda user: bool(g.get("agencies_team_view")))
def _team_scope(user_id, agency_id):
    """Team members reach a case only inside the team view (``team_view``)."""
    return exists(active_membership(user_id))


@contextmanager
def team_view():
    previous = g.get("agencies_team_view")
    g.agencies_team_view = True
    try:
        yield
    finally:
        g.agencies_team_view = previous


def membership_of(user, case) -> TeamMember | None:
    from ..extensions import db
    return db.session.scalar(select(TeamMember).where(
        TeamMember.case_id == case.id, TeamMember.user_id == user.id,
        TeamMember.ended_at.is_(None)))


def is_own_staff(user, case) -> bool:
    return user.has_role(*STAFF) and user.agency_id == case.agency_id


def get_team_case_for(user, case_id, reading="team view"):
    """The case for a team member (their scope only) or for the case's own staff."""
    with team_view():
        case = get_case_for(user, case_id, reading=reading)
    if not is_own_staff(user, case) and membership_of(user, case) is None:
        raise NotFound("case")
    return case


def get_agency_case_for(user, case_id, reading=None, for_update=False):
    """The case for its own agency's caseworkers and supervisors only."""
    return get_case_for(user, case_id, need="agency", reading=reading, for_update=for_update)


def get_transfer_for(user, transfer_id, *, deciding=False) -> CaseTransfer:
    """Staff of the sending or the receiving agency; deciding: the receiving agency only."""
    transfer = get_or_404(CaseTransfer, transfer_id, "transfer")
    if not user.has_role(*STAFF):
        raise NotFound("transfer")
    if user.agency_id not in (transfer.from_agency_id, transfer.to_agency_id):
        raise NotFound("transfer")
    if deciding and user.agency_id != transfer.to_agency_id:
        raise Forbidden("permission", N_("only the receiving agency decides a transfer"))
    return transfer


def get_member_for(user, member_id) -> TeamMember:
    member = get_or_404(TeamMember, member_id, "team member")
    get_agency_case_for(user, member.case_id)
    return member


def get_conference_for(user, conference_id, *, write=False) -> Conference:
    """Own staff read and record; team members with ``conferences`` in scope read."""
    conference = get_or_404(Conference, conference_id, "conference")
    case = get_team_case_for(user, conference.case_id, reading="case conference")
    if is_own_staff(user, case):
        return conference
    member = membership_of(user, case)
    if write or member is None or "conferences" not in (member.scope or []):
        raise NotFound("conference")
    return conference


def get_link_for(user, link_id, *, deciding=False) -> CaseLink:
    """The requesting agency's staff see their side; the earlier case's agency decides."""
    link = get_or_404(CaseLink, link_id, "link")
    if not user.has_role(*STAFF):
        raise NotFound("link")
    if deciding:
        if link.status != "requested" or link.earlier_case.agency_id != user.agency_id:
            raise NotFound("link")
        return link
    get_agency_case_for(user, link.case_id)
    return link


def get_handover_for(user, handover_id, *, partner_step=False) -> Handover:
    """The case's own staff, or the partner organisation it was sent to (while it is not
    withdrawn). Partner steps are recorded by the partner only."""
    handover = get_or_404(Handover, handover_id, "handover")
    if user.has_role(Role.partner) and user.agency_id == handover.partner_agency_id \
            and handover.status != "withdrawn":
        return handover
    if partner_step:
        raise NotFound("handover")
    get_agency_case_for(user, handover.case_id)
    return handover
