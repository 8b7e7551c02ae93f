"""Who may see and do what with a case: the one loader (404 / 403) and can_<verb>.

Scope (which cases exist for a user): caseworkers and supervisors see their agency's cases;
other roles reach cases through their own areas (shelter view, legal aid view) which register
scope rules here with ``register_scope``: whether a rule applies is decided from the user,
and its condition reads only the user's id and agency id. ``get_case_for`` is the only way a
case is loaded by id: it applies the scope (404), the guards (DP-7 restricted cases: 403),
the role check for what the caller needs (403), and records the read of personal data (DP-3).
"""
from functools import cache

from sqlalchemy import Uuid, and_, bindparam, false, or_, select, true
from sqlalchemy.orm import undefer_group

from ..accounts.models import AgencyKind, Role, User
from ..audit.service import record, record_per_case
from ..database import UTCDateTime, parse_id, utcnow
from ..errors import Forbidden, NotFound
from ..extensions import db
from ..labels import N_
from .models import Case

_scope_rules = []  # (applies(user) -> bool, condition(user_id, agency_id) -> SQL expression)


def register_scope(applies):
    """Register a scope rule: ``applies(user)`` says whether it opens cases to this user (from
    their roles, their agency's kind, the view they are in); the decorated
    ``condition(user_id, agency_id)`` selects those cases from the user's id and agency id
    alone, given either as values (lists) or as bind parameters (the case loader's
    statement, built once for each set of rules that apply)."""
    def wrap(condition):
        _scope_rules.append((applies, condition))
        return condition
    return wrap


@register_scope(applies=lambda user: user.has_role(Role.caseworker, Role.supervisor))
def _agency_scope(user_id, agency_id):
    return Case.agency_id == agency_id


def _decides_for_the_mechanism(user: User) -> bool:
    return user.has_role(Role.decision_maker) and user.agency is not None \
        and user.agency.kind == AgencyKind.competent_authority


@register_scope(applies=_decides_for_the_mechanism)
def _competent_authority_scope(user_id, agency_id):
    """NRM-6: a competent authority decides on every referral of the mechanism: its
    decision-makers see the cases (restricted cases stay closed to them, DP-7)."""
    return true()


# callables (viewer_id, now) -> SQL expression ANDed into every listing; the arguments are
# either values or bind parameters (``open_to_viewer``), so a statement can be built once.
_visibility_rules = []
_case_guards = []  # callables (user, case) -> None, or raise (e.g. DP-7 restricted cases)


def register_visibility(rule):
    _visibility_rules.append(rule)
    return rule


def register_case_guard(guard):
    _case_guards.append(guard)
    return guard


def _rules_for(user: User) -> tuple[int, ...]:
    return tuple(i for i, (applies, _) in enumerate(_scope_rules) if applies(user))


def _scope_of(rules: tuple[int, ...], user_id, agency_id):
    """The cases the given scope rules open, from the user's id and agency id (values or
    bind parameters); none when no rule applies."""
    clauses = [_scope_rules[i][1](user_id, agency_id) for i in rules]
    return or_(*clauses) if clauses else false()


def _base_scope(user: User):
    return _scope_of(_rules_for(user), user.id, user.agency_id)


@cache
def _case_by_id(rules: tuple[int, ...], for_update: bool, names: bool):
    """The case loader's statement for a set of scope rules, built once: the case's id and
    the user's id and agency id are bind parameters (``case_id``, ``scope_user_id``,
    ``scope_agency_id``). A statement built anew for every request cost more CPU in
    SQLAlchemy's cache key than the query took to run."""
    query = select(Case).where(Case.id == bindparam("case_id", type_=Uuid), _scope_of(
        rules, bindparam("scope_user_id", type_=Uuid),
        bindparam("scope_agency_id", type_=Uuid)))
    if for_update:
        query = query.with_for_update(of=Case).execution_options(populate_existing=True)
    if names:
        query = query.options(undefer_group("names"))
    return query


def case_scope(user: User):
    """A SQL condition selecting the cases the user may see in lists and dashboards."""
    return and_(_base_scope(user), open_to(user))


def open_to(user: User):
    """A SQL condition on ``Case``: the case is not closed to the user by a visibility rule
    (a restricted case they are not named on, DP-7). Side views that reach cases another way
    (a shelter's residents, referrals received) use it to leave such cases out or mask them."""
    now = utcnow()
    return and_(*[rule(user.id, now) for rule in _visibility_rules])


def open_to_viewer():
    """``open_to`` with the reader left as bind parameters, for a statement built once and
    run for any reader with ``viewer_params(user)``."""
    viewer_id = bindparam("viewer_id", type_=Uuid)
    now = bindparam("viewer_now", type_=UTCDateTime)
    return and_(*[rule(viewer_id, now) for rule in _visibility_rules])


def viewer_params(user: User) -> dict:
    return {"viewer_id": user.id, "viewer_now": utcnow()}


def get_refused_attempt_for(user: User, attempt_id):
    """A refused attempt (NC-3 and the other watched rules) for a supervisor of the case's
    agency; 404 otherwise."""
    from .models import RefusedAttempt
    attempt_id = parse_id(attempt_id, "attempt")
    row = None
    if user.has_role("supervisor"):
        row = db.session.scalar(select(RefusedAttempt).join(Case).where(
            RefusedAttempt.id == attempt_id, Case.agency_id == user.agency_id, open_to(user)))
    if row is None:
        raise NotFound("attempt")
    return row


def get_case_for(user: User, case_id, *, need: str = "scope", reading: str | None = None,
                 for_update=False, guarded=True, names=False) -> Case:
    """The case if the user's scope includes it; 404 otherwise (never reveals existence).

    A case in scope that a guard closes (a restricted case, DP-7) answers 403 with the rule,
    so the user knows to break the glass rather than search again. ``need`` names what the
    caller is about to do (``NEEDS``): a role that may not answers 403. ``reading`` names what
    of the file is read; the read is audited against the case and shows in the person's
    "who has seen my file" (DP-3, DP-6). ``names``: the agency's and the caseworker's
    names are read with the case (``Case.agency_name``, ``Case.assigned_to_name``).
    """
    case = db.session.scalar(_case_by_id(_rules_for(user), bool(for_update), bool(names)), {
        "case_id": parse_id(case_id, "case"), "scope_user_id": user.id,
        "scope_agency_id": user.agency_id})
    if case is None:
        raise NotFound("case")
    for guard in _case_guards if guarded else ():
        guard(user, case)  # in scope but closed to this user: 403 naming the rule
    check, message = NEEDS[need]
    if check is not None and not check(user, case):
        raise Forbidden("permission", message)
    if reading is not None:
        record_read(user, case.id, reading)
    return case


def record_read(user: User, case_id, reading: str, purpose: str = "case management"):
    """A read of personal data of one case (DP-3), in the request's transaction."""
    record(user, "case.read", "case", case_id, case_id=case_id, purpose=purpose,
           details={"view": reading})


def record_reads(user: User, case_ids, reading: str, purpose: str = "case management"):
    """A side view (a dashboard, a list) that shows several cases: one read each, as
    ``record_read`` writes it, so that each appears in that person's "who has seen my file"
    (DP-6); written in one statement."""
    record_per_case(user, "case.read", case_ids, purpose=purpose, details={"view": reading})


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
    # NRM-6: a decision-maker's decision moves the stage (a positive first decision starts
    # the period); the transitions endpoint's policy row still admits only the staff.
    "nrm": (Role.caseworker, Role.supervisor, Role.decision_maker),
    "assistance": (Role.caseworker, Role.supervisor),
    "shelter": (Role.caseworker, Role.supervisor, Role.shelter_staff),
    "legal": (Role.legal_aid, Role.caseworker, Role.supervisor),
    "return": (Role.caseworker, Role.supervisor),
}


def can_transition(user: User, case: Case, track: str) -> bool:
    return user.has_role(*TRACK_ROLES.get(track, ()))


def can_record_decision(user: User, case: Case) -> bool:
    """NRM-6: the competent authority's decision-maker, or a caseworker or supervisor
    recording a decision received on paper (where the jurisdiction allows it)."""
    return user.has_role(Role.caseworker, Role.supervisor, Role.decision_maker)


def can_request_review(user: User, case: Case) -> bool:
    """NRM-2: the case's own staff ask the competent authority to reconsider."""
    return user.has_role(Role.caseworker, Role.supervisor)


def can_read_decisions(user: User, case: Case) -> bool:
    return user.has_role(Role.caseworker, Role.supervisor, Role.decision_maker)


def can_act_for_agency(user: User, case: Case) -> bool:
    """Caseworkers and supervisors of the agency that holds the case."""
    return user.has_role(Role.caseworker, Role.supervisor) and case.agency_id == user.agency_id


# What a caller may need of a case, and who may: (check, refusal message). "scope" adds no
# role check: the area loaders that call it check their own roles.
NEEDS = {
    "scope": (None, None),
    "file": (lambda user, case: can_view_case_file(user, case),
             N_("your role works from its own view, not the case file")),
    "edit": (lambda user, case: can_edit_case(user, case), N_("you may not do this")),
    "agency": (can_act_for_agency, N_("only the case's own agency does this")),
    "decide": (lambda user, case: can_record_decision(user, case),
               N_("your role does not record decisions")),
    "decisions": (lambda user, case: can_read_decisions(user, case),
                  N_("your role does not see decisions")),
}


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
