from flask import Blueprint, flash, redirect, render_template, url_for
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
                           withdraw_form=WithdrawForm()), 400 if form.errors else 200


@bp.route("/consents/<consent_id>/withdraw", methods=["POST"])
@roles_required("caseworker", "supervisor")
def withdraw(consent_id):
    consent = access.get_consent_for(current_user, consent_id)
    if WithdrawForm().validate_on_submit():
        service.withdraw_consent(current_user, consent)
        flash(_("Consent withdrawn. Open referrals to that recipient were revoked and the "
                "recipient was told."), "ok")
    return redirect(url_for("consent.case_consents", case_id=consent.case_id))
