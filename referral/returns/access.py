"""Who reaches a return request: the case's agency (caseworkers and supervisors) only. The
risk assessment RR-2 reads is theirs to write; shelter staff and legal aid do not reach it."""
from ..cases import access as case_access
from ..database import get_or_404
from .models import ReturnRequest


def get_return_for(actor, return_id) -> ReturnRequest:
    row = get_or_404(ReturnRequest, return_id, "return")
    case_access.get_case_for(actor, row.case_id, need="agency")
    return row
