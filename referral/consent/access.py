"""Who reaches a consent or a consent override: the case's agency (caseworkers and
supervisors), through the case's own scope (DP-7 included). A supervisor of that agency
approves an override (CO-4)."""
from ..cases import access as case_access
from ..database import get_or_404
from ..errors import Forbidden
from ..labels import N_
from .models import Consent, ConsentOverride


def get_consent_for(actor, consent_id) -> Consent:
    consent = get_or_404(Consent, consent_id, "consent")
    case_access.get_case_for(actor, consent.case_id, need="agency")
    return consent


def get_override_for(actor, override_id) -> ConsentOverride:
    override = get_or_404(ConsentOverride, override_id, "override")
    case_access.get_case_for(actor, override.case_id, need="agency")
    if not actor.has_role("supervisor"):
        raise Forbidden("permission", N_("a supervisor approves a consent override (CO-4)"))
    return override
