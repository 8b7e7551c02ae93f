from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from ..boundary import attempt
from ..auth import roles_required
from ..errors import DomainError
from ..web import home_panel
from ..cases.service import check_adverse
from ..cases.views import adverse_reasons
from . import access, service

bp = Blueprint("shelter", __name__, url_prefix="/shelter")


@bp.route("/residents")
@roles_required("shelter_staff")
def residents():
    view = service.shelter_view(current_user, current_user.agency_id)
    return render_template("shelter/residents.html", residents=view, form=FlaskForm(),
                           left_items=service.items_held_after_leaving(current_user),
                           item_labels=ITEM_LABELS)


@bp.route("/stays/<stay_id>/leave", methods=["POST"])
@roles_required("shelter_staff")
def leave(stay_id):
    stay = access.get_stay_for(current_user, stay_id, access.LEAVE)
    if FlaskForm().validate_on_submit():
        if request.form.get("confirm") != "yes":  # it ends the stay at once: ask first
            return render_template("shelter/leave_confirm.html", stay=stay, form=FlaskForm(),
                                   values=request.form)
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


@bp.route("/stays/<stay_id>/end", methods=["POST"])
@roles_required("shelter_staff")
def end_stay(stay_id):
    """The shelter ends a stay: an adverse step (ID-6) that takes a reason code from its
    list and the person's view, never a reason tied to cooperation (NC-3), and is confirmed
    on a page of its own before it is taken. The same schema and service as the API."""
    from ..validation import AdverseStepSchema
    stay = access.get_stay_for(current_user, stay_id, access.LEAVE)
    if not FlaskForm().validate_on_submit():
        return redirect(url_for("shelter.stay", stay_id=stay.id))
    try:
        body = AdverseStepSchema.from_form(request.form)
        with attempt():  # what the rule needs, asked before the confirmation (an NC-3
            check_adverse(current_user, stay.case_id, "shelter.end_stay", **body)  # audited)
    except DomainError as exc:
        return _stay_page(stay, 400, errors={"end_" + exc.key: exc.localized()},
                          values=request.form)
    if request.form.get("confirm") != "yes":  # adverse and at once: ask first, on its own page
        return render_template("shelter/end_confirm.html", stay=stay, form=FlaskForm(),
                               values=request.form, reason_label=dict(
                                   adverse_reasons("shelter.end_stay")).get(body["reason_code"],
                                                                           body["reason_code"]))
    try:
        with attempt():
            service.end_stay(current_user, stay, **body)
    except DomainError as exc:
        if exc.status == 404:
            raise
        from ..webforms import refusal_sentence
        flash(refusal_sentence(exc), "error")
        return redirect(url_for("shelter.stay", stay_id=stay.id))
    flash(_("The stay is ended, with its reasons and the person's view. The decision can be "
            "reviewed."), "ok")
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
            from ..webforms import refusal_sentence
            flash(refusal_sentence(exc), "error")
            return redirect(url_for("services.received"))
        flash(_("Admitted. The stay is voluntary: the person may leave at any time."), "ok")
    return redirect(url_for("shelter.residents"))


@home_panel("shelter_staff", _l("Residents"), "shelter/panel.html")
def residents_panel(user):
    view = service.shelter_view(user, user.agency_id)
    return {"residents": view,
            "restricted": [r for r in view if not r["is_voluntary"]]}


OUTING_LABELS = {"court": _l("Court"), "lawyer": _l("Lawyer"), "doctor": _l("Doctor")}
ITEM_LABELS = {"document": _l("Document"), "phone": _l("Phone"), "keys": _l("Keys"),
               "other": _l("Other")}


def _stay_page(stay, status=200, errors=None, values=None):
    return render_template("shelter/stay.html", stay=stay,
                           view=service.stay_page(current_user, stay), form=FlaskForm(),
                           outing_labels=OUTING_LABELS, item_labels=ITEM_LABELS,
                           errors=errors or {}, values=values or {}), status


@bp.route("/stays/<stay_id>")
@roles_required("shelter_staff")
def stay(stay_id):
    """One resident's stay, as the shelter runs it: nothing of the case file (SH-3)."""
    return _stay_page(access.get_stay_for(current_user, stay_id, access.RUN))


def _parse_day(value, field, end_of_day=False):
    from datetime import datetime, time, timezone

    from ..errors import Invalid
    from ..labels import N_
    try:
        day = datetime.strptime((value or "").strip(), "%Y-%m-%d").date()
    except ValueError:
        raise Invalid(field, N_("a date (YYYY-MM-DD) is required")) from None
    if not 1900 <= day.year <= 2200:
        raise Invalid(field, N_("a date (YYYY-MM-DD) is required"))
    return datetime.combine(day, time(23, 59) if end_of_day else time(9, 0), timezone.utc)


@bp.route("/stays/<stay_id>/restrictions", methods=["POST"])
@roles_required("shelter_staff")
def restrict(stay_id):
    stay = access.get_stay_for(current_user, stay_id, access.RESTRICT)
    if not FlaskForm().validate_on_submit():
        return redirect(url_for("shelter.stay", stay_id=stay.id))
    form = request.form
    try:
        with attempt():
            service.impose_restriction(
                current_user, stay, legal_basis=form.get("legal_basis", "")[:400],
                decision_maker=form.get("decision_maker", "")[:200],
                grounds=form.get("grounds", "safety"), reason=form.get("reason", "")[:5000],
                expires_at=_parse_day(form.get("expires_at"), "expires_at", True),
                review_at=_parse_day(form.get("review_at"), "review_at"),
                reason_code=form.get("reason_code") or None,
                person_view=(form.get("person_view") or "").strip()[:2000] or None,
                person_view_declined=bool(form.get("person_view_declined")))
    except DomainError as exc:
        if exc.status == 404:
            raise
        return _stay_page(stay, 400 if exc.status == 422 else exc.status,
                          errors={exc.key: exc.localized()}, values=form)
    flash(_("Restriction recorded, with its expiry and review date."), "ok")
    return redirect(url_for("shelter.stay", stay_id=stay.id))


@bp.route("/restrictions/<restriction_id>/lift", methods=["POST"])
@roles_required("shelter_staff")
def lift(restriction_id):
    restriction = access.get_restriction_for(current_user, restriction_id)
    if FlaskForm().validate_on_submit():
        service.lift_restriction(current_user, restriction,
                                 (request.form.get("reason") or "lifted on review")[:2000])
        flash(_("Restriction lifted: the stay is voluntary again."), "ok")
    return redirect(url_for("shelter.stay", stay_id=restriction.stay_id))


@bp.route("/stays/<stay_id>/outings", methods=["POST"])
@roles_required("shelter_staff")
def outing(stay_id):
    stay = access.get_stay_for(current_user, stay_id, access.RUN)
    if FlaskForm().validate_on_submit():
        try:
            with attempt():
                service.go_out(current_user, stay, request.form.get("purpose", ""))
        except DomainError as exc:
            return _stay_page(stay, 400, errors={exc.key: exc.localized()})
        flash(_("Outing recorded. Going to court, a lawyer or a doctor is always allowed."),
              "ok")
    return redirect(url_for("shelter.stay", stay_id=stay.id))


@bp.route("/stays/<stay_id>/held-items", methods=["POST"])
@roles_required("shelter_staff")
def hold_item(stay_id):
    stay = access.get_stay_for(current_user, stay_id, access.RUN)
    if FlaskForm().validate_on_submit():
        try:
            with attempt():
                service.log_held_item(current_user, stay, kind=request.form.get("kind", ""),
                                      description=(request.form.get("description") or
                                                   None) and request.form["description"][:500])
        except DomainError as exc:
            return _stay_page(stay, 400, errors={exc.key: exc.localized()})
        flash(_("Item logged. It is the person's: return it whenever they ask."), "ok")
    return redirect(url_for("shelter.stay", stay_id=stay.id))


@bp.route("/held-items/<item_id>/return", methods=["POST"])
@roles_required("shelter_staff")
def return_item(item_id):
    item = access.get_item_for(current_user, item_id)
    if FlaskForm().validate_on_submit():
        service.return_held_item(current_user, item)
        flash(_("Returned to the person."), "ok")
    stay = access.get_stay_for(current_user, item.stay_id, access.ITEMS)
    if stay.left_at is None:
        return redirect(url_for("shelter.stay", stay_id=stay.id))
    return redirect(url_for("shelter.residents"))
