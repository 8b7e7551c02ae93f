from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from ..boundary import attempt
from ..auth import roles_required
from ..cases import access as case_access
from ..errors import DomainError
from ..validation import AdverseStepSchema
from . import access, service
from .models import SERVICES

bp = Blueprint("services", __name__)

# What the user is told after each step on a referral.
STEP_DONE = {"accept": _l("Referral accepted."), "reject": _l("Referral rejected."),
             "complete": _l("Referral completed."), "revoke": _l("Referral revoked.")}


def service_labels() -> dict:
    """Service codes and their names in the reader's language."""
    return {code: _(label) for code, label in SERVICES.items()}


@bp.route("/cases/<case_id>/referrals", methods=["GET", "POST"])
@roles_required("caseworker", "supervisor")
def case_referrals(case_id):
    case = case_access.get_case_for(current_user, case_id, need="file", reading="referrals")
    form = FlaskForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            with attempt():
                service.make_referral(current_user, case,
                                      provider_id=request.form.get("provider_id", ""),
                                      service=request.form.get("service", ""),
                                      note=request.form.get("note") or None)
        except DomainError as exc:
            flash(_("Not referred (%(rule)s): %(message)s", rule=exc.key,
                    message=exc.localized()), "error")
        else:
            flash(_("Referral sent."), "ok")
        return redirect(url_for("services.case_referrals", case_id=case.id))
    referrals = service.referrals_of(case)
    return render_template("services/case_referrals.html", case=case, referrals=referrals,
                           providers=service.list_providers(), services=service_labels(),
                           form=form)


@bp.route("/referrals/<referral_id>/<any(accept,reject,complete,revoke):step>",
          methods=["POST"])
@roles_required()
def referral_step(referral_id, step):
    referral = access.get_referral_for(current_user, referral_id, service.side_of(step))
    if FlaskForm().validate_on_submit():
        try:
            with attempt():
                adverse = AdverseStepSchema.from_form(request.form) \
                    if step in ("reject", "revoke") else {
                        "reason": (request.form.get("reason") or "").strip() or None}
                service.referral_step(current_user, referral, step, **adverse)
        except DomainError as exc:
            flash(_("Not done (%(rule)s): %(message)s", rule=exc.key, message=exc.localized()),
                  "error")
        else:
            flash(STEP_DONE[step], "ok")
    if service.is_recipient(current_user, referral):
        return redirect(url_for("services.received"))
    return redirect(url_for("services.case_referrals", case_id=referral.case_id))


@bp.route("/referrals/received")
@roles_required()
def received():
    referrals = service.received_referrals(current_user)
    return render_template("services/received.html", referrals=referrals, form=FlaskForm())
