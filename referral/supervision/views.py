from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth import roles_required
from ..web import home_panel
from ..cases import access
from . import service

bp = Blueprint("supervision", __name__, url_prefix="/supervision")


@bp.route("/")
@roles_required("supervisor")
def dashboard():
    """The dashboard; its overdue follow-ups a page at a time (``cursor``: the next page)."""
    data = service.dashboard(current_user, cursor=request.args.get("cursor") or None)
    return render_template("supervision/dashboard.html", form=FlaskForm(), **data)


# -- acting on an overdue follow-up from the dashboard: hand it over, or say why it is late

@bp.route("/follow-ups/<deadline_id>/reassign", methods=["POST"])
@roles_required("supervisor")
def reassign_follow_up(deadline_id):
    from ..reminders import access as reminder_access
    from ..reminders import service as reminders
    from ..reminders.schemas import ReassignSchema
    from ..webforms import act, load_form
    from flask import redirect
    row = reminder_access.get_deadline_for(current_user, deadline_id, reminder_access.SUPERVISE)
    back = url_for("supervision.dashboard")
    body = load_form(ReassignSchema(), {"caseworker_id": _("Caseworker")})
    if body is None:
        return redirect(back)
    return act(lambda: reminders.reassign(current_user, row, body["caseworker_id"]),
               _("Follow-up handed over; the new caseworker sees it in their follow-ups."),
               back)


@bp.route("/follow-ups/<deadline_id>/late-reason", methods=["POST"])
@roles_required("supervisor")
def late_reason(deadline_id):
    from ..reminders import access as reminder_access
    from ..reminders import service as reminders
    from ..reminders.schemas import LateReasonSchema
    from ..webforms import act, load_form
    from flask import redirect
    row = reminder_access.get_deadline_for(current_user, deadline_id, reminder_access.SUPERVISE)
    back = url_for("supervision.dashboard")
    body = load_form(LateReasonSchema(), {"reason": _("Why it is late")})
    if body is None:
        return redirect(back)
    return act(lambda: reminders.record_late_reason(current_user, row, body["reason"]),
               _("The reason it is late is noted on the follow-up."), back)


@bp.route("/follow-ups/<deadline_id>/escalate", methods=["POST"])
@roles_required("supervisor")
def escalate_follow_up(deadline_id):
    """Escalate an overdue follow-up, with a note: once, audited, the caseworker and the
    supervisor's own supervisor told."""
    from ..reminders import access as reminder_access
    from ..reminders import service as reminders
    from ..webforms import act
    row = reminder_access.get_deadline_for(current_user, deadline_id, reminder_access.SUPERVISE)
    back = url_for("supervision.dashboard")
    if not FlaskForm().validate_on_submit():
        return redirect(back)
    return act(lambda: reminders.escalate(current_user, row,
                                          (request.form.get("note") or "")[:2000]),
               _("Escalated: the follow-up is now urgent, and the caseworker and the next "
                 "supervisor are told."), back)


@bp.route("/attempts")
@roles_required("supervisor")
def attempts():
    """NC-3 and the other watched refusals, with the words that were refused (NC-3)."""
    rows = service.refused_attempts(current_user)
    return render_template("supervision/attempts.html", attempts=rows, form=FlaskForm())


@bp.route("/attempts/<attempt_id>/reviewed", methods=["POST"])
@roles_required("supervisor")
def attempt_reviewed(attempt_id):
    attempt = access.get_refused_attempt_for(current_user, attempt_id)
    if FlaskForm().validate_on_submit():
        service.mark_attempt_reviewed(current_user, attempt)
        flash(_("Marked as reviewed."), "ok")
    from ..web import local_redirect  # back to the dashboard when reviewed from there
    return local_redirect(request.form.get("next"), url_for("supervision.attempts"))


@home_panel("supervisor", _l("Needs your attention"), "supervision/panel.html")
def supervisor_panel(user):
    return {"overdue": service.overdue(user, limit=10),
            "refused": service.refused_attempts(user, limit=5),
            "reflection": service.reflection_ending(user)}
