"""Identity is for the case's own agency: its caseworkers and supervisors (the case file's
readers). Shelter staff, legal aid, administrators and auditors never reach the panel."""
from ..accounts.models import Role
from ..cases.access import get_case_for
from ..errors import Forbidden
from ..labels import N_

IDENTITY_ROLES = (Role.caseworker, Role.supervisor)


def may_see_identity(user, case) -> bool:
    return user.has_role(*IDENTITY_ROLES) and user.agency_id == case.agency_id


def get_case_for_person(user, case_id):
    case = get_case_for(user, case_id)
    if not may_see_identity(user, case):
        raise Forbidden("role", N_("your role does not see who the person is"))
    return case
