from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
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
            from ..webforms import refusal_sentence
            flash(refusal_sentence(exc), "error")
        else:
            flash(_("Referral sent."), "ok")
        return redirect(url_for("services.case_referrals", case_id=case.id))
    referrals = service.referrals_of(case)
    return render_template("services/case_referrals.html", case=case, referrals=referrals,
                           providers=service.list_providers(), services=service_labels(),
                           form=form, offers=service.offers_of(case))


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
            from ..webforms import refusal_sentence
            flash(refusal_sentence(exc), "error")
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


# -- the directory in the administration console (issue 18) --------------------------------

MAX_HSDS_BYTES = 2 * 1024 * 1024


def recipient_categories() -> list[str]:
    """The kinds of recipient a directory entry may be (DP-1: never the media)."""
    from ..consent.models import FORBIDDEN_CATEGORIES, RECIPIENT_CATEGORIES
    return [code for code in RECIPIENT_CATEGORIES if code not in FORBIDDEN_CATEGORIES]


def _directory_page(status=200):
    from ..accounts.service import agencies
    return render_template("services/admin_providers.html", providers=service.list_providers(),
                           services=service_labels(), agencies=agencies(),
                           categories=recipient_categories(), form=FlaskForm()), status


# The fields of the provider page, as its labels name them (a refusal names the field).
PROVIDER_FIELDS = {
    "name": _l("Name"), "category": _l("Kind of recipient"), "services": _l("Services"),
    "languages": _l("Languages (codes, separated by commas)"),
    "agency_id": _l("Agency receiving referrals"), "description": _l("Description"),
    "address": _l("Address"), "phone": _l("Phone"), "email": _l("Email"),
    "capacity": _l("Capacity (number of places)"),
    "data_sharing_agreement": _l("Data sharing agreement signed"),
    "dsa_reference": _l("Agreement reference"),
}


def _posted_provider(with_agency: bool) -> dict:
    """The provider form as the API's schema takes it: every field of the page is sent, an
    emptied one as nothing (so it is cleared), the agency only by whoever may set it."""
    form = request.form
    raw = {"name": form.get("name", "").strip(), "category": form.get("category") or None,
           "services": form.getlist("services"),
           "languages": sorted({code.strip().lower() for code in
                                form.get("languages", "").split(",") if code.strip()}),
           "data_sharing_agreement": form.get("data_sharing_agreement") == "yes"}
    for name in ("description", "address", "phone", "email", "dsa_reference", "capacity"):
        raw[name] = form.get(name, "").strip() or None
    if raw["category"] is None:
        del raw["category"]
    if with_agency:
        raw["agency_id"] = form.get("agency_id") or None
    return raw


def _provider_page(provider, status=200):
    from ..accounts.service import agencies
    return render_template("services/admin_provider.html", provider=provider,
                           services=service_labels(), agencies=agencies(),
                           categories=recipient_categories(), form=FlaskForm()), status


@bp.route("/admin/providers/<provider_id>", methods=["GET", "POST"])
@roles_required("admin", "supervisor")
def admin_provider(provider_id):
    """One entry of the directory, changed from the page: what it offers, in which
    languages, what kind of recipient it is (DP-1), who receives its referrals."""
    from marshmallow import ValidationError

    from .schemas import ProviderChangeSchema
    provider = access.get_provider_for(current_user, provider_id)
    if request.method == "GET" or not FlaskForm().validate_on_submit():
        return _provider_page(provider)
    try:
        data = ProviderChangeSchema().load(
            _posted_provider(with_agency=current_user.has_role("admin")))
    except ValidationError as exc:
        for name, messages in exc.messages.items():
            message = messages[0] if isinstance(messages, list) else str(messages)
            flash(_("Please check “%(field)s”: %(message)s",
                    field=PROVIDER_FIELDS.get(name, name), message=_(str(message))), "error")
        return _provider_page(provider, 400)
    try:
        with attempt():
            service.save_provider(current_user, data, provider)
    except DomainError as exc:
        if exc.status == 404:
            raise
        flash(_("Not saved: %(message)s", message=exc.localized()), "error")
        return _provider_page(provider, 400)
    flash(_("%(name)s is saved.", name=provider.name), "ok")
    return redirect(url_for("services.admin_providers"))


@bp.route("/admin/providers", methods=["GET", "POST"])
@roles_required("admin", "supervisor")
def admin_providers():
    """The directory: add a provider (an administrator links it to the agency whose staff
    receive its referrals), import and export it as Open Referral HSDS JSON."""
    if request.method == "POST" and FlaskForm().validate_on_submit():
        data = {"name": request.form.get("name", "")[:200],
                "services": request.form.getlist("services"),
                "languages": sorted({code.strip().lower()[:20] for code in
                                     request.form.get("languages", "").split(",")
                                     if code.strip()}),
                "description": request.form.get("description") or None}
        if request.form.get("category") in recipient_categories():
            data["category"] = request.form["category"]
        agency = request.form.get("agency_id") or None
        if agency:
            from ..database import parse_id
            data["agency_id"] = parse_id(agency, "agency")
        try:
            with attempt():
                provider = service.save_provider(current_user, data)
        except DomainError as exc:
            if exc.status == 404:
                raise
            flash(_("Not saved: %(message)s", message=exc.localized()), "error")
            return _directory_page(400)
        flash(_("%(name)s is in the directory.", name=provider.name), "ok")
        return redirect(url_for("services.admin_providers"))
    return _directory_page()


@bp.route("/admin/providers/import", methods=["POST"])
@roles_required("admin", "supervisor")
def admin_providers_import():
    import json
    if not FlaskForm().validate_on_submit():
        return redirect(url_for("services.admin_providers"))
    upload = request.files.get("document")
    raw = upload.read(MAX_HSDS_BYTES + 1) if upload else b""
    try:
        if not raw or len(raw) > MAX_HSDS_BYTES:
            raise ValueError
        document = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        flash(_("Not imported: choose an HSDS JSON file of at most 2 MB."), "error")
        return _directory_page(400)
    try:
        with attempt():
            count = service.hsds_import(current_user, document)
    except DomainError as exc:
        flash(_("Not imported: %(message)s", message=exc.localized()), "error")
        return _directory_page(400)
    flash(_("%(count)s providers imported or updated.", count=count), "ok")
    return redirect(url_for("services.admin_providers"))


@bp.route("/admin/providers/hsds.json")
@roles_required("admin", "supervisor")
def admin_providers_export():
    import json

    from ..audit.service import record
    record(current_user, "provider.export", "provider", None, purpose="directory")
    body = json.dumps(service.hsds_export(), indent=2, default=str)
    return current_app.response_class(body, mimetype="application/json", headers={
        "Content-Disposition": "attachment; filename=directory-hsds.json"})
@bp.route("/cases/<case_id>/offers", methods=["POST"])
@roles_required("caseworker", "supervisor")
def make_offer(case_id):
    """Offer a service to the person; they may accept or decline it (CO-3)."""
    from ..webforms import act, load_form
    from .schemas import OfferInSchema
    case = case_access.get_case_for(current_user, case_id, need="agency")
    back = url_for("services.case_referrals", case_id=case.id)
    body = load_form(OfferInSchema(), {"service": _("Service"), "provider_id": _("Provider")})
    if body is None:
        return redirect(back)
    return act(lambda: service.offer_service(current_user, case, **body),
               _("Service offered. Record the person's answer when they give it."), back)


@bp.route("/offers/<offer_id>/<any(accept,decline,withdraw):answer>", methods=["POST"])
@roles_required("caseworker", "supervisor")
def answer_offer(offer_id, answer):
    """The person accepts or declines an offer, or the agency withdraws it; declining and
    withdrawing are adverse steps with their code and the person's view (ID-6, NC-3)."""
    from ..webforms import act
    offer = access.get_offer_for(current_user, offer_id)
    done = {"accept": _("The person accepted the offer."),
            "decline": _("The person declined the offer. Nothing else changes for them "
                         "(CO-3)."),
            "withdraw": _("The offer is withdrawn.")}[answer]
    form = request.form
    return act(lambda: service.answer_offer(
        current_user, offer, answer,
        reason_code=form.get("reason_code") or None,
        person_view=(form.get("person_view") or "").strip()[:2000] or None,
        person_view_declined=bool(form.get("person_view_declined")),
        reason=(form.get("reason") or "").strip()[:2000] or None), done,
               url_for("services.case_referrals", case_id=offer.case_id))
