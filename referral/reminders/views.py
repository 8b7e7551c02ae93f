from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth import roles_required
from ..web import home_panel
from . import service

bp = Blueprint("reminders", __name__, url_prefix="/follow-ups")


@bp.route("/")
@roles_required("caseworker", "supervisor")
def my_follow_ups():
    return render_template("reminders/mine.html",
                           follow_ups=service.my_follow_ups(current_user),
                           notifications=service.notifications_for(current_user))


@home_panel("caseworker", _l("My follow-ups"), "reminders/panel.html")
def follow_ups_panel(user):
    items = service.my_follow_ups(user)
    return {"overdue": [i for i in items if i["is_overdue"]],
            "due": [i for i in items if not i["is_overdue"]][:5],
            "unread": service.notifications_for(user, unread_only=True, limit=5)}


def register_overdue_filter():
    from sqlalchemy import exists, select

    from ..cases.models import Case
    from ..cases.service import register_list_filter
    from ..database import utcnow
    from .models import Deadline, DeadlineStatus

    @register_list_filter
    def overdue_filter(query, *, actor, overdue):
        if overdue is None:
            return query
        condition = exists(select(Deadline.id).where(
            Deadline.case_id == Case.id, Deadline.status == DeadlineStatus.pending,
            Deadline.due_at <= utcnow()))
        return query.where(condition if overdue else ~condition)


register_overdue_filter()
