from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from ..boundary import attempt
from ..auth import roles_required
from ..errors import DomainError
from ..web import home_panel
from . import access, service

bp = Blueprint("shelter", __name__, url_prefix="/shelter")


@bp.route("/residents")
@roles_required("shelter_staff")
def residents():
    view = service.shelter_view(current_user, current_user.agency_id)
    return render_template("shelter/residents.html", residents=view, form=FlaskForm())


@bp.route("/stays/<stay_id>/leave", methods=["POST"])
@roles_required("shelter_staff")
def leave(stay_id):
    stay = access.get_stay_for(current_user, stay_id, access.LEAVE)
    if FlaskForm().validate_on_submit():
        try:
            with attempt():
                service.leave(current_user, stay,
                              (request.form.get("note") or "").strip()[:2000] or None,
                              reason_code=request.form.get("reason_code")
                              or "person_chose_to_leave",
                              person_view=(request.form.get("person_view") or "").strip()[:2000]
                              or None)
        except DomainError as exc:
            if exc.status == 404:
                raise
            flash(_("Not recorded (%(rule)s): %(message)s", rule=exc.key,
                    message=exc.localized()), "error")
        else:
            flash(_("Recorded: the person has left. Leaving is always their choice."), "ok")
    return redirect(url_for("shelter.residents"))


@bp.route("/referrals/<referral_id>/admit", methods=["POST"])
@roles_required("shelter_staff")
def admit(referral_id):
    from ..services.access import RECIPIENT, get_referral_for
    referral = get_referral_for(current_user, referral_id, RECIPIENT)
    if FlaskForm().validate_on_submit():
        try:
            with attempt():
                service.admit_referred(current_user, referral,
                                       room=(request.form.get("room") or "").strip()[:20] or None)
        except DomainError as exc:
            if exc.status == 404:
                raise
            flash(_("Not admitted (%(rule)s): %(message)s", rule=exc.key,
                    message=exc.localized()), "error")
            return redirect(url_for("services.received"))
        flash(_("Admitted. The stay is voluntary: the person may leave at any time."), "ok")
    return redirect(url_for("shelter.residents"))


@home_panel("shelter_staff", _l("Residents"), "shelter/panel.html")
def residents_panel(user):
    view = service.shelter_view(user, user.agency_id)
    return {"residents": view,
            "restricted": [r for r in view if not r["is_voluntary"]]}
