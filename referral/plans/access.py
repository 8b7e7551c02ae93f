"""Who reaches which part of the assistance plan.

- The case's caseworkers and supervisors (the case scope, DP-7 included) reach all of it.
- Another organisation given an action (a shelter, legal aid, a provider's agency) reaches
  that action and nothing else: not the assessments, not the goals, not the other actions.
- Feedback and complaints are read in full by the agency's supervisors and by whoever
  recorded them: a complaint may be about the caseworker.

Every loader checks scope (404) and role (403); reads of personal data are audited by the
service that opens them.
"""
from sqlalchemy import select

from ..accounts.models import Role
from ..cases import access as case_access
from ..cases.models import Case
from ..database import get_or_404
from ..errors import Forbidden
from ..extensions import db
from ..labels import N_
from .models import DangerFlag, PersonFeedback, PlanAction, PlanGoal, PlanVersion

STAFF = (Role.caseworker, Role.supervisor)
# Roles of another organisation that carry out actions given to it.
OWNER_ROLES = (Role.shelter_staff, Role.legal_aid, Role.caseworker, Role.supervisor)


def get_case_for(actor, case_id, *, for_update=False) -> Case:
    """The case, for the plan: its agency's caseworkers and supervisors only (a shelter or a
    lawyer reaching the case through their own view gets 403, never the assessment)."""
    case = case_access.get_case_for(actor, case_id, for_update=for_update)
    case_access.require(case_access.can_view_case_file(actor, case), "permission",
                        N_("the assistance plan is for the caseworkers and supervisors of "
                           "the case's agency"))
    return case


def can_edit(actor, case) -> bool:
    return case_access.can_edit_case(actor, case)


def require_edit(actor, case):
    case_access.require(can_edit(actor, case), "permission",
                        N_("only the case's caseworkers and supervisors change the plan"))


def get_goal_for(actor, goal_id) -> PlanGoal:
    goal = get_or_404(PlanGoal, goal_id, "goal")
    get_case_for(actor, goal.case_id)
    return goal


def get_flag_for(actor, flag_id) -> DangerFlag:
    flag = get_or_404(DangerFlag, flag_id, "flag")
    get_case_for(actor, flag.case_id)
    return flag


def get_version_for(actor, version_id) -> PlanVersion:
    version = get_or_404(PlanVersion, version_id, "version")
    get_case_for(actor, version.case_id)
    return version


def is_action_owner(actor, action: PlanAction) -> bool:
    """Staff of the organisation the action is given to."""
    return action.owner_agency_id is not None and action.owner_agency_id == actor.agency_id \
        and actor.has_role(*OWNER_ROLES)


def get_action_for(actor, action_id) -> PlanAction:
    """The action for the organisation carrying it out, or for the case's staff."""
    action = get_or_404(PlanAction, action_id, "action")
    if is_action_owner(actor, action):
        return action
    get_case_for(actor, action.case_id)
    return action


def owned_actions_query(actor):
    """The actions given to the actor's organisation (the owner's view)."""
    if not actor.has_role(*OWNER_ROLES):
        raise Forbidden("permission", N_("your role carries out no actions"))
    return select(PlanAction).where(PlanAction.owner_agency_id == actor.agency_id)


def get_feedback_for(actor, feedback_id) -> PersonFeedback:
    feedback = get_or_404(PersonFeedback, feedback_id, "feedback")
    get_case_for(actor, feedback.case_id)
    return feedback


def may_read_feedback(actor, feedback: PersonFeedback) -> bool:
    """The person's words and the answer: the agency's supervisors and the one who wrote it
    down. Other caseworkers see that feedback was given, about what, and whether answered."""
    return (actor.has_role(Role.supervisor) and actor.agency_id == feedback.agency_id) \
        or actor.id == feedback.recorded_by_id


def require_supervisor_of(actor, feedback: PersonFeedback):
    if not (actor.has_role(Role.supervisor) and actor.agency_id == feedback.agency_id):
        raise Forbidden("permission", N_("a supervisor of the case's agency answers the "
                                         "person's feedback"))


def require_supervisor(actor):
    if not actor.has_role(Role.supervisor):
        raise Forbidden("permission", N_("for supervisors"))


def case_of(case_id) -> Case:
    """The case of a record already loaded through a loader above."""
    return db.session.get(Case, case_id)
