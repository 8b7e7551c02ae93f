from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from ..boundary import attempt
from ..auth import roles_required
from ..cases import access
from ..errors import DomainError
from ..extensions import db
from ..reminders.models import Deadline
from . import service
from .models import MISSED_REASONS, CheckIn, ReintegrationPlan

bp = Blueprint("returns", __name__)


@bp.route("/cases/<case_id>/reintegration", methods=["GET", "POST"])
@roles_required("caseworker", "supervisor")
def reintegration(case_id):
    case = access.get_case_for(current_user, case_id, need="file", reading="reintegration")
    form = FlaskForm()
    if request.method == "POST" and form.validate_on_submit():
        held = request.form.get("held") == "yes"
        try:
            with attempt():
                service.record_checkin(current_user, case, held=held,
                                       missed_reason=request.form.get("missed_reason") or None,
                                       inclusion_notes=request.form.get("inclusion_notes") or None)
        except DomainError as exc:
            flash(_("Not recorded (%(rule)s): %(message)s", rule=exc.key,
                    message=exc.localized()), "error")
        else:
            flash(_("Check-in recorded."), "ok")
        return redirect(url_for("returns.reintegration", case_id=case.id))
    context = {
        "case": case, "form": form, "missed_reasons": MISSED_REASONS,
        "return_request": service.current_return(case),
        "plans": db.session.scalars(select(ReintegrationPlan).where(
            ReintegrationPlan.case_id == case.id)).all(),
        "checkins": db.session.scalars(select(CheckIn).where(CheckIn.case_id == case.id)
                                       .order_by(CheckIn.at)).all(),
        "schedule": db.session.scalars(select(Deadline).where(
            Deadline.case_id == case.id, Deadline.kind == "reintegration_checkin")
            .order_by(Deadline.due_at)).all(),
    }
    return render_template("returns/reintegration.html", **context)
