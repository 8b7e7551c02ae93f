"""Who sees which documents: by category (``models.CATEGORIES``), inside the case scope of
``referral.cases.access.get_case_for`` (agency, current shelter, assigned legal aid, DP-7).
A document in a category the user may not see does not exist for them (404)."""
from ..accounts.models import Role
from ..cases.access import get_case_for
from ..database import get_or_404
from ..errors import Forbidden, NotFound
from ..labels import N_
from .models import CATEGORIES, Document

_AGENCY_ROLES = (Role.caseworker, Role.supervisor)


def _holds(user, case, role) -> bool:
    if not user.has_role(role):
        return False
    return role not in _AGENCY_ROLES or user.agency_id == case.agency_id


def visible_categories(user, case) -> tuple[str, ...]:
    return tuple(code for code, category in CATEGORIES.items()
                 if any(_holds(user, case, role) for role in category.roles))


def get_case_for_documents(user, case_id):
    """The case, if in scope (404) and the user sees some category of its documents (403)."""
    case = get_case_for(user, case_id)
    if not visible_categories(user, case):
        raise Forbidden("role", N_("your role sees no documents of this case"))
    return case


def get_document_for(user, document_id) -> Document:
    document = get_or_404(Document, document_id, "document")
    case = get_case_for_documents(user, document.case_id)
    if document.category not in visible_categories(user, case):
        raise NotFound("document")
    return document
