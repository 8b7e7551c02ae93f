from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from ..boundary import attempt
from ..auth import roles_required
from ..cases import access as case_access
from ..errors import DomainError
from ..services.service import list_providers
from . import access, service
from .forms import ConsentForm, WithdrawForm
from .models import PURPOSES

bp = Blueprint("consent", __name__)


@bp.route("/cases/<case_id>/consents", methods=["GET", "POST"])
@roles_required("caseworker", "supervisor")
def case_consents(case_id):
    case = case_access.get_case_for(current_user, case_id, need="file", reading="consents")
    form = ConsentForm()
    form.provider_id.choices = [SelectChoice("", "—")] + [
        SelectChoice(str(p.id), p.name) for p in list_providers()]
    if form.validate_on_submit():
        try:
            with attempt():
                service.give_consent(current_user, case, purpose=form.purpose.data,
                                     provider_id=form.provider_id.data or None,
                                     recipient_name=form.recipient_name.data or None,
                                     recipient_category=form.recipient_category.data or None,
                                     data_categories=form.data_categories.data,
                                     language=form.language.data,
                                     information_given=form.information_given.data,
                                     given_by=form.given_by.data,
                                     child_views=form.child_views.data or None)
        except DomainError as exc:
            target = getattr(form, exc.key, None)
            (target.errors if target is not None else form.purpose.errors).append(
                f"{exc.localized()} ({exc.key})" if target is None else exc.localized())
        else:
            flash(_("Consent recorded."), "ok")
            return redirect(url_for("consent.case_consents", case_id=case.id))
    status = service.consent_status(case)
    return render_template("consent/case.html", case=case, status=status, form=form,
                           withdraw_form=WithdrawForm(), overrides=service.overrides_of(case),
                           purposes=PURPOSES, providers=list_providers()), \
        400 if form.errors else 200


@bp.route("/consents/<consent_id>/withdraw", methods=["POST"])
@roles_required("caseworker", "supervisor")
def withdraw(consent_id):
    consent = access.get_consent_for(current_user, consent_id)
    if WithdrawForm().validate_on_submit():
        if request.form.get("confirm") != "yes":
            # Withdrawal acts at once and revokes referrals (CO-2): ask first, one click
            # is not enough (a misclick revoked an accepted shelter referral).
            case = case_access.get_case_for(current_user, consent.case_id, need="agency")
            return render_template("consent/withdraw_confirm.html", case=case,
                                   consent=consent, withdraw_form=WithdrawForm())
        service.withdraw_consent(current_user, consent,
                                 (request.form.get("note") or "").strip()[:2000] or None)
        flash(_("Consent withdrawn. Open referrals to that recipient were revoked and the "
                "recipient was told."), "ok")
    return redirect(url_for("consent.case_consents", case_id=consent.case_id))


@bp.route("/cases/<case_id>/consent-overrides", methods=["POST"])
@roles_required("caseworker", "supervisor")
def request_override(case_id):
    """CO-4: act without consent (danger to life, a child with no guardian yet); a
    supervisor approves before it counts."""
    from ..webforms import act, load_form
    from .schemas import OverrideInSchema
    case = case_access.get_case_for(current_user, case_id, need="agency")
    back = url_for("consent.case_consents", case_id=case.id)
    body = load_form(OverrideInSchema(), {"purpose": _("Purpose"), "grounds": _("Grounds"),
                                          "reason": _("Why consent cannot be given now")})
    if body is None:
        return redirect(back)
    return act(lambda: service.request_override(current_user, case, **body),
               _("Override requested. It counts once a supervisor other than the person who asked approves it."), back)


@bp.route("/consent-overrides/<override_id>/approve", methods=["POST"])
@roles_required("supervisor")
def approve_override(override_id):
    from ..webforms import act
    row = access.get_override_for(current_user, override_id)
    return act(lambda: service.approve_override(current_user, row),
               _("Override approved for %(hours)s hours.", hours=service.OVERRIDE_HOURS),
               url_for("consent.case_consents", case_id=row.case_id))
