"""Who reaches the legal track of a case: the case's agency (caseworkers, supervisors) and the
legal aid staff assigned to it (LP-5: their privileged notes are theirs alone). Shelter staff
never reach it (SH-3)."""
from ..accounts.models import Role
from ..cases import access as case_access
from ..database import get_or_404
from ..errors import Forbidden, NotFound
from ..labels import N_
from .models import CompensationClaim, Proceeding, ResidencePermit

LEGAL_ROLES = (Role.caseworker, Role.supervisor, Role.legal_aid)


def get_legal_case_for(actor, case_id, *, for_update=False):
    if not actor.has_role(*LEGAL_ROLES):
        raise Forbidden("permission", N_("not a legal matter for your role"))
    return case_access.get_case_for(actor, case_id, for_update=for_update)


def get_notes_case_for(actor, case_id):
    """LP-5: privileged notes are for the person's assigned legal aid only; anyone else is
    not even told they exist."""
    from .service import is_assigned_legal_aid
    case = case_access.get_case_for(actor, case_id)
    if not is_assigned_legal_aid(actor, case):
        raise NotFound("notes")
    return case


def get_proceeding_for(actor, proceeding_id) -> Proceeding:
    proceeding = get_or_404(Proceeding, proceeding_id, "proceeding")
    get_legal_case_for(actor, proceeding.case_id)
    return proceeding


def get_permit_for(actor, permit_id) -> ResidencePermit:
    permit = get_or_404(ResidencePermit, permit_id, "permit")
    get_legal_case_for(actor, permit.case_id)
    return permit


def get_compensation_for(actor, compensation_id) -> CompensationClaim:
    claim = get_or_404(CompensationClaim, compensation_id, "compensation claim")
    get_legal_case_for(actor, claim.case_id)
    return claim
