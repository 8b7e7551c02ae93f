"""Asylum claims, residence permits and compensation claims in pages: each with its history
and a form for each step its lifecycle allows now (``workflows.claims``). The same service
functions as the API's."""
from decimal import Decimal, InvalidOperation

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from workflows.claims import LIFECYCLES

from ..auth import roles_required
from ..boundary import attempt
from ..errors import DomainError, Invalid
from ..labels import N_
from . import access, service
from .models import COMPENSATION_KINDS, PERMIT_KINDS
from .views import _refused, _when, bp

ROLES = ("caseworker", "supervisor", "legal_aid")
# A history row's step, in words (the lifecycles' own labels name the step and the claim).
STEP_LABELS = {"record": _l("Recorded"), "grant": _l("Granted"), "refuse": _l("Refused"),
               "withdraw": _l("Withdrawn"), "renew": _l("Renewed"), "expire": _l("Expired"),
               "award": _l("Awarded"), "pay": _l("Paid")}


def _to_claims(case_id, anchor=""):
    return redirect(url_for("legal.claims", case_id=case_id) + anchor)


def _amount(value, field, *, required=True):
    text = (value or "").strip().replace(",", ".")
    if not text:
        if required:
            raise Invalid(field, N_("an amount such as 1200.00"))
        return None
    try:
        amount = Decimal(text).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise Invalid(field, N_("an amount such as 1200.00")) from None
    if not 0 <= amount < 10 ** 12:
        raise Invalid(field, N_("amounts are not negative"))
    return amount


def _optional_when(value, field):
    return _when(value, field) if (value or "").strip() else None


def _step_fields(form):
    return {"at": _optional_when(form.get("at"), "at"),
            "reason": (form.get("reason") or "").strip()[:2000] or None,
            "note": (form.get("note") or "").strip()[:5000] or None}


@bp.route("/cases/<case_id>/legal/claims")
@roles_required(*ROLES)
def claims(case_id):
    case = access.get_legal_case_for(current_user, case_id)
    return render_template("legal/claims.html", case=case, form=FlaskForm(),
                           permit_kinds=[k for k in PERMIT_KINDS if k != "asylum_claim"],
                           compensation_kinds=COMPENSATION_KINDS, lifecycles=LIFECYCLES,
                           step_labels=STEP_LABELS,
                           **service.claims_for(current_user, case))


@bp.route("/cases/<case_id>/legal/claims/permits", methods=["POST"])
@roles_required(*ROLES)
def new_permit(case_id):
    """An asylum claim or a residence permit, as it stands when recorded."""
    case = access.get_legal_case_for(current_user, case_id)
    if FlaskForm().validate_on_submit():
        form = request.form
        try:
            with attempt():
                service.add_permit(
                    current_user, case, kind=form.get("kind", ""),
                    status=form.get("status", ""),
                    expires_at=_optional_when(form.get("expires_at"), "expires_at"),
                    conditions=(form.get("conditions") or "").strip()[:2000] or None)
        except DomainError as exc:
            _refused(exc)
        else:
            flash(_("Recorded."), "ok")
    return _to_claims(case.id)


@bp.route("/legal/permits/<permit_id>/status", methods=["POST"])
@roles_required(*ROLES)
def permit_status(permit_id):
    """RR-2: an asylum claim granted, refused or withdrawn; a permit renewed or expired."""
    permit = access.get_permit_for(current_user, permit_id)
    if FlaskForm().validate_on_submit():
        form = request.form
        try:
            with attempt():
                service.update_permit(
                    current_user, permit, status=form.get("status", ""),
                    expires_at=_optional_when(form.get("expires_at"), "expires_at"),
                    **_step_fields(form))
        except DomainError as exc:
            _refused(exc)
        else:
            flash(_("Step recorded."), "ok")
    return _to_claims(permit.case_id, f"#permit-{permit.id}")


@bp.route("/cases/<case_id>/legal/claims/compensation", methods=["POST"])
@roles_required(*ROLES)
def new_compensation(case_id):
    """LP-3: a compensation claim, whatever the person's residence status."""
    case = access.get_legal_case_for(current_user, case_id)
    if FlaskForm().validate_on_submit():
        form = request.form
        try:
            with attempt():
                service.add_compensation(
                    current_user, case, kind=form.get("kind", ""),
                    amount_claimed=_amount(form.get("amount_claimed"), "amount_claimed"),
                    currency=(form.get("currency") or "").strip()[:3],
                    limitation_at=_when(form.get("limitation_at"), "limitation_at"))
        except DomainError as exc:
            _refused(exc)
        else:
            flash(_("Compensation claim filed, with reminders before its limitation date."),
                  "ok")
    return _to_claims(case.id)


@bp.route("/legal/compensation/<compensation_id>/status", methods=["POST"])
@roles_required(*ROLES)
def compensation_status(compensation_id):
    """LP-3, DP-5: a claim awarded, paid, refused or withdrawn."""
    claim = access.get_compensation_for(current_user, compensation_id)
    if FlaskForm().validate_on_submit():
        form = request.form
        try:
            with attempt():
                service.update_compensation(
                    current_user, claim, status=form.get("status", ""),
                    amount_awarded=_amount(form.get("amount_awarded"), "amount_awarded",
                                           required=False),
                    **_step_fields(form))
        except DomainError as exc:
            _refused(exc)
        else:
            flash(_("Step recorded."), "ok")
    return _to_claims(claim.case_id, f"#compensation-{claim.id}")
