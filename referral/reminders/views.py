from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
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


@bp.route("/<deadline_id>/met", methods=["POST"])
@roles_required("caseworker", "supervisor")
def mark_met(deadline_id):
    from ..webforms import act
    from . import access
    row = access.get_deadline_for(current_user, deadline_id)
    return act(lambda: service.mark_met(current_user, row), _("Follow-up marked as done."),
               url_for("reminders.my_follow_ups"))


@bp.route("/parked")
@roles_required("admin")
def parked():
    return render_template("reminders/parked.html",
                           rows=service.parked_follow_ups(current_user))


@bp.route("/parked/<deadline_id>/retry", methods=["POST"])
@roles_required("admin")
def retry_parked(deadline_id):
    service.retry_parked(current_user, deadline_id)
    flash(_("The follow-up goes back to the next sweep."), "ok")
    return redirect(url_for("reminders.parked"))


@home_panel("admin", _l("Follow-ups set aside"), "reminders/parked_panel.html")
def parked_panel(user):
    return {"count": len(service.parked_follow_ups(user))}


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
