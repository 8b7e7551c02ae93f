from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from ..boundary import attempt
from ..auth import roles_required
from ..cases import access
from ..cases.views import register_case_alert
from ..errors import DomainError
from ..extensions import STEP_UP_LIMIT, limiter, signed_in_user_key
from ..labels import code_choices
from ..web import home_panel
from . import service
from .models import REVIEW_OUTCOMES

bp = Blueprint("privacy", __name__, url_prefix="/privacy")

STAFF = ("caseworker", "supervisor", "shelter_staff", "legal_aid")


class BreakGlassForm(FlaskForm):
    reason = TextAreaField(_l("Why you need to open this case now"), validators=[
        DataRequired(), Length(min=service.MIN_REASON_LENGTH, max=4000, message=_l(
            # Length fills in min and max.
            "Give a reason of at least %(min)d characters (and at most %(max)d)"))])
    otp = StringField(_l("Authentication code from your app"), validators=[
        DataRequired(), Regexp(r"^\d{6}$", message=_l("Enter the 6-digit code"))])


class ReviewForm(FlaskForm):
    outcome = RadioField(_l("Was the opening justified?"), choices=code_choices(REVIEW_OUTCOMES),
                         validators=[DataRequired()])
    note = TextAreaField(_l("Note (needed when not justified)"), validators=[
        Optional(), Length(max=4000)])


@bp.route("/cases/<case_id>/break-glass", methods=["GET", "POST"])
@roles_required(*STAFF)
@limiter.limit(STEP_UP_LIMIT, key_func=signed_in_user_key, methods=["POST"])
def break_glass(case_id):
    case = access.get_case_for(current_user, case_id, guarded=False)
    if not case.is_restricted or service.may_open(current_user, case):
        return redirect(url_for("home"))  # nothing to break; and no case details here
    form = BreakGlassForm()
    if form.validate_on_submit():
        try:
            with attempt():
                opening = service.break_the_glass(current_user, case_id, reason=form.reason.data,
                                                  otp=form.otp.data)
        except DomainError as exc:
            if exc.status == 404:
                raise
            (form.otp if exc.key == "otp" else form.reason).errors.append(exc.localized())
        else:
            from ..webforms import localtime
            flash(_("Opened until %(time)s. A supervisor will review this.",
                    time=localtime(opening.expires_at)), "ok")
            return redirect(url_for("cases.case_file", case_id=case.id))
    return render_template("privacy/break_glass.html", case=case, form=form,
                           hours=current_app.config["BREAK_GLASS_HOURS"]), \
        400 if form.errors else 200


@bp.route("/break-glass")
@roles_required("supervisor")
def reviews():
    rows = service.break_glass_to_review(current_user)
    # Name the case each opening was on: a supervisor does not judge an opening blind.
    from sqlalchemy import select
    from ..cases.models import Case
    from ..extensions import db
    references = dict(db.session.execute(select(Case.id, Case.reference).where(
        Case.id.in_([row.case_id for row in rows]))).all()) if rows else {}
    return render_template("privacy/reviews.html", rows=rows, form=ReviewForm(),
                           references=references)


@bp.route("/break-glass/<uuid:access_id>/review", methods=["POST"])
@roles_required("supervisor")
def review(access_id):
    form = ReviewForm()
    if not form.validate_on_submit():
        flash(_("Choose whether the opening was justified."), "error")
        return redirect(url_for("privacy.reviews"))
    try:
        with attempt():
            service.review_break_glass(current_user, access_id, outcome=form.outcome.data,
                                       note=form.note.data or None)
    except DomainError as exc:
        if exc.status == 404:
            raise
        from ..webforms import refusal_sentence
        flash(refusal_sentence(exc),
              "error")
    else:
        flash(_("Review recorded."), "ok")
    return redirect(url_for("privacy.reviews"))


@bp.route("/alerts")
@roles_required("dpo")
def alerts():
    """Openings judged not justified, what the review undid, for the data protection
    officer to follow up."""
    return render_template("privacy/alerts.html", rows=service.alerts_for(current_user))


@home_panel("dpo", _l("Break-the-glass alerts"), "privacy/alerts_panel.html")
def alerts_panel(user):
    from ..reminders.service import notifications_for
    return {"unread": [n for n in notifications_for(user, unread_only=True, limit=20)
                       if n.kind == "dpo_alert"]}


@bp.route("/cases/<case_id>/subject-access")
@roles_required("caseworker", "supervisor")
def subject_access(case_id):
    """The copy is written to the person: in the first of their languages we have (as their
    letters are), whatever the language of the member of staff who prints it; when we have
    none of theirs, in the language of the pages."""
    from types import SimpleNamespace

    from flask_babel import force_locale
    from markupsafe import Markup

    from ..i18n import copy_language, text_direction
    from ..labels import COPY_MACHINERY
    export = service.subject_access_export(current_user, case_id)
    lang = copy_language(SimpleNamespace(languages=export["person"]["languages"]))
    with force_locale(lang):
        copy = render_template("privacy/subject_access_copy.html", export=export, lang=lang,
                               direction=text_direction(lang), machinery=COPY_MACHINERY)
    # The copy is the output of an autoescaped template (every value in it escaped there).
    return render_template("privacy/subject_access.html", export=export,
                           copy=Markup(copy))  # nosec B704


@home_panel("supervisor", _l("Break-the-glass to review"), "privacy/panel.html")
def review_panel(user):
    return {"rows": service.break_glass_to_review(user)[:10]}


def _hold_in_words(item) -> str:
    from ..labels import LEGAL_LABELS, labelled
    what, kind, status = item
    name, state = labelled(LEGAL_LABELS)(kind), labelled(LEGAL_LABELS)(status)
    if what == "proceeding":
        return _("%(kind)s proceeding %(status)s", kind=name, status=state)
    return _("%(kind)s claim %(status)s", kind=kind.replace("_", " "), status=state)


@register_case_alert
def retention_alert(case):
    status = service.retention_status(case)
    alerts = []
    if status["legal_hold"]:
        alerts.append(_("Legal hold (DP-5): this file may not be erased while %(reasons)s.",
                        reasons="; ".join(_hold_in_words(item)
                                          for item in service.legal_hold_items(case))))
    elif status["due"]:
        alerts.append(_("This closed file is past its retention date and will be erased."))
    return alerts


# -- DP-7 restriction to named staff, and DP-5 erasure at the person's request, as pages --

def _agency_staff(case):
    """The agency's active caseworkers and supervisors: who may be named on the case."""
    from sqlalchemy import select

    from ..accounts.models import User
    from ..extensions import db
    users = db.session.scalars(select(User).where(User.agency_id == case.agency_id,
                                                  User.is_active_account.is_(True))
                               .order_by(User.display_name)).all()
    return [u for u in users if u.has_role("caseworker", "supervisor")]


def _restriction_page(case, status=200):
    named = service.named_staff(case) if case.is_restricted else []
    return render_template("privacy/restriction.html", case=case, form=FlaskForm(),
                           named=named, named_ids={row.user_id for row in named},
                           staff=_agency_staff(case),
                           manages=service.can_manage_restriction(current_user, case),
                           min_reason=service.MIN_REASON_LENGTH), status


def _supervised_case(case_id, **kwargs):
    """The case for a supervisor of its agency; others get 403 naming who may (DP-7)."""
    from ..errors import Forbidden
    from ..labels import N_
    case = access.get_case_for(current_user, case_id, **kwargs)
    if not service.can_restrict(current_user, case):
        raise Forbidden("permission", N_("only a supervisor of the case's agency does this"))
    return case


@bp.route("/cases/<case_id>/restriction", methods=["GET", "POST"])
@roles_required("supervisor")
def restriction(case_id):
    """Restrict a case to named staff when officials may be involved (DP-7): the same
    service and the same input schema as ``POST /api/v1/cases/<id>/restriction``."""
    from ..webforms import act, load_form
    from .schemas import RestrictInSchema
    case = _supervised_case(case_id, reading="restriction")
    if request.method == "GET":
        return _restriction_page(case)
    if not FlaskForm().validate_on_submit():
        return _restriction_page(case, 400)
    back = url_for("privacy.restriction", case_id=case.id)
    body = load_form(RestrictInSchema(), {"reason": _("Why the case is restricted"),
                                          "named_staff": _("Named staff")})
    if body is None:
        return redirect(back)
    return act(lambda: service.restrict_case(current_user, case.id, **body),
               _("The case is restricted to the named staff. Anyone else must break the "
                 "glass, with a reason, and a supervisor reviews it."), back)


@bp.route("/cases/<case_id>/restriction/named-staff", methods=["POST"])
@roles_required("supervisor")
def named_staff(case_id):
    """Name more staff on a restricted case, or remove some (the API's PATCH)."""
    from ..webforms import act, load_form
    from .schemas import NamedStaffChangeSchema
    case = _supervised_case(case_id)
    back = url_for("privacy.restriction", case_id=case.id)
    if not FlaskForm().validate_on_submit():
        return redirect(back)
    body = load_form(NamedStaffChangeSchema(), {"add": _("Name"), "remove": _("Remove")})
    if body is None:
        return redirect(back)
    if not body["add"] and not body["remove"]:
        flash(_("Choose someone to name or to remove."), "error")
        return redirect(back)
    return act(lambda: service.name_staff(current_user, case.id, **body),
               _("The named staff are changed."), back)


@bp.route("/cases/<case_id>/restriction/lift", methods=["POST"])
@roles_required("supervisor")
def lift_restriction(case_id):
    """Lift the restriction, with a reason: everyone of the agency can open the case again,
    so it is confirmed before it is done."""
    from ..webforms import act, load_form
    from .schemas import LiftInSchema
    case = _supervised_case(case_id)
    back = url_for("privacy.restriction", case_id=case.id)
    if not FlaskForm().validate_on_submit():
        return redirect(back)
    body = load_form(LiftInSchema(), {"reason": _("Why the restriction is lifted")})
    if body is None:
        return redirect(back)
    if request.form.get("confirm") != "y":
        flash(_("Not done: tick the confirmation to lift the restriction."), "error")
        return redirect(back)
    return act(lambda: service.lift_restriction(current_user, case.id, reason=body["reason"]),
               _("The restriction is lifted: the agency's staff can open the case again."),
               back)


@bp.route("/cases/<case_id>/erasure", methods=["GET", "POST"])
@roles_required("supervisor")
def erasure(case_id):
    """Erase the file at the person's request (DP-5): refused under a legal hold, shown
    first; it cannot be undone, so the case reference is typed and then confirmed on a page
    of its own before anything is erased."""
    from ..errors import Invalid
    from ..labels import N_
    case = _supervised_case(case_id, need="agency", reading="retention")
    status = service.retention_status(case)
    holds = [_hold_in_words(item) for item in service.legal_hold_items(case)] \
        if status["legal_hold"] else []
    context = {"case": case, "form": FlaskForm(), "status": status, "holds": holds,
               "error": None, "typed": ""}
    if request.method == "GET":
        return render_template("privacy/erasure.html", **context)
    if not FlaskForm().validate_on_submit():
        return render_template("privacy/erasure.html", **context), 400
    typed = (request.form.get("confirm_reference") or "").strip()[:60]
    context["typed"] = typed
    if typed.upper() != case.reference:
        context["error"] = Invalid("confirm_reference",
                                   N_("type the case reference to confirm")).localized()
        return render_template("privacy/erasure.html", **context), 400
    if request.form.get("confirm") != "yes":  # irreversible: one more page, then erase
        return render_template("privacy/erasure_confirm.html", **context)
    try:
        with attempt():
            erased = service.request_erasure(current_user, case.id)
    except DomainError as exc:
        if exc.status == 404:
            raise
        from ..webforms import refusal_sentence
        flash(refusal_sentence(exc), "error")
        return redirect(url_for("privacy.erasure", case_id=case.id))
    flash(_("The file %(reference)s is erased, as the person asked. The audit trail keeps "
            "only that it was.", reference=erased.case_reference), "ok")
    return redirect(url_for("cases.case_list"))
