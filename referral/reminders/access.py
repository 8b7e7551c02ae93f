"""Who reaches a follow-up or a notification.

A follow-up belongs to its case: the case's agency (caseworkers and supervisors) acts on it,
and whoever it is assigned to. Shelter staff and legal aid, who reach some cases for their
own work, do not mark a case's deadlines met (an identification deadline, a safety task).
A notification is its recipient's alone.
"""
from ..cases import access as case_access
from ..database import get_or_404
from ..errors import Forbidden, NotFound
from ..labels import N_
from .models import Deadline, Notification

ACT = "act"            # mark met, say why it is late: the case's agency or the assignee
SUPERVISE = "supervise"  # reassign: a supervisor of the case's agency


def get_deadline_for(actor, deadline_id, need: str = ACT) -> Deadline:
    row = get_or_404(Deadline, deadline_id, "follow_up")
    if row.case_id is None:
        raise NotFound("follow_up")
    if need == ACT and row.assignee_id == actor.id:
        case_access.get_case_for(actor, row.case_id)  # still in scope (DP-7 included)
        return row
    case_access.get_case_for(actor, row.case_id, need="agency")
    if need == SUPERVISE and not actor.has_role("supervisor"):
        raise Forbidden("permission", N_("a supervisor reassigns follow-ups"))
    return row


def get_notification_for(actor, notification_id) -> Notification:
    note = get_or_404(Notification, notification_id, "notification")
    if note.recipient_id != actor.id:
        raise NotFound("notification")
    return note
