from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
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
            from ..webforms import refusal_sentence
            flash(refusal_sentence(exc), "error")
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
    context.update(_return_context(case))
    return render_template("returns/reintegration.html", **context)


def _return_context(case):
    """The return track's next steps as the case file words them, plus the code lists the
    return forms pick from."""
    import workflows
    from ..cases.service import transitions_overview
    from .models import OUTCOMES, RISK_LEVELS
    options = transitions_overview(current_user, case)["return"]
    steps = []
    for t in workflows.tracks()["return"].transitions:
        if options["state"] not in t.src or t.event in ("request", "assess"):
            continue  # those two are the request and assessment forms themselves
        refusal = options["refused"].get(t.event)
        steps.append({"event": t.event, "label": _(t.label), "adverse": t.adverse,
                      "reason_required": t.reason_required,
                      "allowed": t.event in options["allowed"],
                      "refusal": _(refusal["message"]) if refusal else None,
                      "rule": refusal["rule"] if refusal else None})
    return {"return_steps": steps, "return_state": options["state"],
            "outcomes": OUTCOMES, "risk_levels": RISK_LEVELS}


# -- the return itself: request, assessments, steps, the plan (RR-1..4), as pages ---------

_RETURN_DONE = {
    "approve": _l("Return approved."), "refuse": _l("Return refused; the request is closed."),
    "travel": _l("Travel recorded."), "withdraw": _l("The person withdrew the request."),
    "start_follow_up": _l("Reintegration follow-up started."),
}


@bp.route("/cases/<case_id>/returns", methods=["POST"])
@roles_required("caseworker", "supervisor")
def request_return(case_id):
    """RR-1: the person asks to return, for themselves, in their own words."""
    from ..webforms import act, load_form
    from .schemas import ReturnInSchema
    case = access.get_case_for(current_user, case_id, need="agency")
    back = url_for("returns.reintegration", case_id=case.id)
    body = load_form(ReturnInSchema(), {
        "destination_country": _("Country to return to"),
        "person_words": _("The request, in the person's words"),
        "receiving_organisation": _("Receiving organisation")})
    if body is None:
        return redirect(back)
    return act(lambda: service.request_return(current_user, case, **body),
               _("Return request recorded. Next: the risk and safety assessment."), back)


@bp.route("/returns/<return_id>/assessments", methods=["POST"])
@roles_required("caseworker", "supervisor")
def assess(return_id):
    from ..webforms import act, load_form
    from .access import get_return_for
    from .schemas import AssessmentSchema
    row = get_return_for(current_user, return_id)
    back = url_for("returns.reintegration", case_id=row.case_id)
    body = load_form(AssessmentSchema())
    if body is None:
        return redirect(back)
    return act(lambda: service.assess(current_user, row, **body),
               _("Assessment recorded."), back)


@bp.route("/returns/<return_id>/<any(approve,refuse,travel,withdraw,start_follow_up):step>",
          methods=["POST"])
@roles_required("caseworker", "supervisor")
def return_step(return_id, step):
    from ..webforms import act, load_form
    from .access import get_return_for
    from .schemas import ReturnStepSchema
    row = get_return_for(current_user, return_id)
    back = url_for("returns.reintegration", case_id=row.case_id)
    body = load_form(ReturnStepSchema(), {"reason": _("Reason"),
                                          "person_view": _("The person's view")})
    if body is None:
        return redirect(back)
    # the same facts as the API: the code from ``return.refuse`` and the view (ID-6)
    facts = {key: body[key] for key in ("person_view", "reason_code") if body.get(key)}
    if body.get("person_view_declined"):
        facts["person_view_declined"] = True
    return act(lambda: service.return_step(current_user, row, step, reason=body.get("reason"),
                                           facts=facts), _RETURN_DONE[step], back)


@bp.route("/cases/<case_id>/reintegration-plan", methods=["POST"])
@roles_required("caseworker", "supervisor")
def reintegration_plan(case_id):
    """RR-4: the plan in the person's words, and its check-in schedule."""
    from ..webforms import act, load_form
    from .schemas import PlanSchema
    case = access.get_case_for(current_user, case_id, need="agency")
    back = url_for("returns.reintegration", case_id=case.id)
    body = load_form(PlanSchema(), {
        "outcome": _("Outcome"), "wellbeing": _("Well-being"), "economic": _("Economic"),
        "social": _("Social"), "cultural": _("Cultural"),
        "political": _("Political participation")})
    if body is None:
        return redirect(back)
    return act(lambda: service.create_plan(current_user, case, **body),
               _("Reintegration plan recorded; the check-ins are scheduled."), back)
