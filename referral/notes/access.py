"""Who reads and writes case notes.

Role rules as data: the case's own agency (caseworkers, supervisors) reads every note on its
case; shelter staff of the person's current shelter read the notes they wrote and those
shared with the shelter; the person's legal aid reads the notes shared with legal aid (their
privileged notes live apart, in ``referral.legal``). Administrators and auditors read none.
The case scope itself (agency, current shelter, assigned legal aid, DP-7) comes from
``referral.cases.access.get_case_for``.
"""
from sqlalchemy import false, or_, true

from ..accounts.models import Role
from ..cases.access import get_case_for
from ..database import get_or_404
from ..errors import Forbidden, NotFound
from ..labels import N_
from .models import CaseNote

READERS = (Role.caseworker, Role.supervisor, Role.shelter_staff, Role.legal_aid)
WRITERS = (Role.caseworker, Role.supervisor, Role.shelter_staff)
CASE_STAFF = (Role.caseworker, Role.supervisor)


def is_case_staff(user, case) -> bool:
    return user.has_role(*CASE_STAFF) and user.agency_id == case.agency_id


def visible_to(user, case):
    """A SQL condition on CaseNote: the notes of ``case`` this user may read."""
    if is_case_staff(user, case):
        return true()
    clauses = []
    if user.has_role(Role.shelter_staff):
        clauses += [CaseNote.author_id == user.id, CaseNote.shared_with_shelter.is_(True)]
    if user.has_role(Role.legal_aid):
        clauses.append(CaseNote.shared_with_legal_aid.is_(True))
    return or_(*clauses) if clauses else false()


def may_read(user, case, note: CaseNote) -> bool:
    if is_case_staff(user, case):
        return True
    return (user.has_role(Role.shelter_staff) and (note.author_id == user.id
                                                   or note.shared_with_shelter)) or \
        (user.has_role(Role.legal_aid) and note.shared_with_legal_aid)


def may_share(user, case) -> bool:
    """Only the case's own agency decides who else reads a note."""
    return is_case_staff(user, case)


def may_link_follow_ups(user, case) -> bool:
    """Follow-ups name hearings and decisions: the case's own agency only (SH-3)."""
    return is_case_staff(user, case)


def may_correct(user, case, note: CaseNote) -> bool:
    return note.author_id == user.id or is_case_staff(user, case)


def get_case_for_notes(user, case_id, *, write=False):
    """The case, if it is in the user's scope (404) and their role keeps notes on it (403)."""
    case = get_case_for(user, case_id)
    if not user.has_role(*(WRITERS if write else READERS)):
        raise Forbidden("role", N_("your role does not keep notes on this case"))
    return case


def get_note_for(user, note_id, *, write=False) -> CaseNote:
    """The note if its case is in scope and the user may read it; a note the user may not
    read does not exist for them (404)."""
    note = get_or_404(CaseNote, note_id, "note")
    case = get_case_for_notes(user, note.case_id, write=write)
    if not may_read(user, case, note):
        raise NotFound("note")
    return note
