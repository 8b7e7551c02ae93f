"""Who may see and do what with a case: the scoped getter (404) and can_<verb> (403).

Scope (which cases exist for a user): caseworkers and supervisors see their agency's cases;
other roles reach cases through their own areas (shelter view, legal aid view) which register
scope rules here with ``register_scope``.
"""
import uuid

from sqlalchemy import and_, false, or_, select

from ..accounts.models import Role, User
from ..errors import Forbidden, NotFound
from ..extensions import db
from ..labels import N_
from .models import Case

_scope_rules = []  # callables (user) -> SQL expression or None


def register_scope(rule):
    _scope_rules.append(rule)
    return rule


def _agency_scope(user: User):
    if user.has_role(Role.caseworker, Role.supervisor):
        return Case.agency_id == user.agency_id
    return None


register_scope(_agency_scope)


_visibility_rules = []  # callables (user) -> SQL expression ANDed into every listing
_case_guards = []  # callables (user, case) -> None, or raise (e.g. DP-7 restricted cases)


def register_visibility(rule):
    _visibility_rules.append(rule)
    return rule


def register_case_guard(guard):
    _case_guards.append(guard)
    return guard


def _base_scope(user: User):
    clauses = [c for rule in _scope_rules if (c := rule(user)) is not None]
    return or_(*clauses) if clauses else false()


def case_scope(user: User):
    """A SQL condition selecting the cases the user may see in lists and dashboards."""
    return and_(_base_scope(user), *[rule(user) for rule in _visibility_rules])


def _parse_id(case_id):
    if isinstance(case_id, uuid.UUID):
        return case_id
    try:
        return uuid.UUID(str(case_id))
    except ValueError:
        raise NotFound("case")


def get_case_for(user: User, case_id, *, for_update=False, guarded=True) -> Case:
    """The case if the user's scope includes it; 404 otherwise (never reveals existence).

    A case in scope that a guard closes (a restricted case, DP-7) answers 403 with the rule,
    so the user knows to break the glass rather than search again.
    """
    query = select(Case).where(Case.id == _parse_id(case_id), _base_scope(user))
    if for_update:
        query = query.with_for_update(of=Case).execution_options(populate_existing=True)
    case = db.session.scalar(query)
    if case is None:
        raise NotFound("case")
    for guard in _case_guards if guarded else ():
        guard(user, case)  # in scope but closed to this user: 403 naming the rule
    return case


def can_view_case_file(user: User, case: Case) -> bool:
    return user.has_role(Role.caseworker, Role.supervisor)


def can_list_cases(user: User) -> bool:
    return user.has_role(Role.caseworker, Role.supervisor)


def can_edit_case(user: User, case: Case) -> bool:
    if user.has_role(Role.supervisor):
        return True
    return user.has_role(Role.caseworker) and case.agency_id == user.agency_id


def can_assign(user: User, case: Case) -> bool:
    return user.has_role(Role.supervisor, Role.caseworker) and case.agency_id == user.agency_id


TRACK_ROLES = {
    "nrm": (Role.caseworker, Role.supervisor),
    "assistance": (Role.caseworker, Role.supervisor),
    "shelter": (Role.caseworker, Role.supervisor, Role.shelter_staff),
    "legal": (Role.legal_aid, Role.caseworker, Role.supervisor),
    "return": (Role.caseworker, Role.supervisor),
}


def can_transition(user: User, case: Case, track: str) -> bool:
    return user.has_role(*TRACK_ROLES.get(track, ()))


def can_record_decision(user: User, case: Case) -> bool:
    return user.has_role(Role.caseworker, Role.supervisor)


def require(allowed: bool, what="permission", message=N_("you may not do this")):
    if not allowed:
        raise Forbidden(what, message)


# Field-level views (DP-3, SH-3, LP-5): roles other than caseworker and supervisor see only
# the fields listed for them. Areas may register more roles' field sets.
CASE_FIELDS_BY_ROLE = {
    Role.caseworker: None,  # None: every field
    Role.supervisor: None,
}


def visible_case_fields(user: User, case: Case, data: dict) -> dict:
    allowed = set()
    for role in user.roles:
        if role in CASE_FIELDS_BY_ROLE:
            fields_ = CASE_FIELDS_BY_ROLE[role]
            if fields_ is None:
                return data
            allowed |= set(fields_)
    return {k: v for k, v in data.items() if k in allowed}
