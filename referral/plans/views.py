"""The assistance plan pages: the plan at a glance, the needs and risk assessments, goals and
actions, agreeing and reviewing with the person, feedback; the actions another organisation
carries out; the supervisor's list; the panels on the case file and the homes."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

import workflows.plans as rules

from ..accounts.models import Agency
from ..auth import roles_required
from ..boundary import attempt
from ..cases.views import register_case_alert, register_case_file_panel
from ..drafts import service as drafts
from ..errors import DomainError
from ..extensions import db
from ..i18n import service_label
from ..web import home_panel, local_redirect
from ..webforms import localdate, localtime
from . import access, service
from .forms import (ActionForm, ActionStatusForm, AgreementForm, ClearDangerForm, DangerForm,
                    FeedbackForm, GoalForm, GoalStatusForm, NeedsForm, ResponseForm, RiskForm)

bp = Blueprint("plans", __name__)

STAFF = ("caseworker", "supervisor")
OWNERS = ("shelter_staff", "legal_aid", "caseworker", "supervisor")


def _form_with_draft(form_class, draft_key):
    """The form as posted, or on a first visit as the author's draft left it."""
    if request.method == "GET" and (draft := drafts.load_draft(current_user, draft_key)):
        data, saved_at = draft
        return form_class(formdata=data), saved_at
    return form_class(), None


def _show_error(form, exc: DomainError, fields: dict | None = None, fallback=None):
    """A refusal shown under the field it is about (``fields`` maps service keys to form
    fields), else under ``fallback`` with its key."""
    name = (fields or {}).get(exc.key, exc.key.split(".")[-1])
    target = getattr(form, name, None)
    if target is None or not hasattr(target, "errors"):
        target = fallback
        message = f"{exc.localized()} ({exc.key})"
    else:
        message = exc.localized()
    if isinstance(target.errors, tuple):
        target.errors = list(target.errors)
    target.errors.append(message)


def _status(form) -> int:
    return 400 if form.errors else 200


# ---- the plan at a glance --------------------------------------------------------------------

@bp.route("/cases/<case_id>/plan")
@roles_required(*STAFF)
def plan(case_id):
    case = access.get_case_for(current_user, case_id)
    view = service.plan_view(current_user, case)
    return render_template("plans/plan.html", case=case, view=view,
                           danger_form=DangerForm(prefix="danger"),
                           clear_form=ClearDangerForm(prefix="clear"),
                           action_form=ActionStatusForm(), goal_form=GoalStatusForm(),
                           can_edit=access.can_edit(current_user, case))


@bp.route("/cases/<case_id>/plan/danger", methods=["POST"])
@roles_required(*STAFF)
def raise_danger(case_id):
    case = access.get_case_for(current_user, case_id)
    form = DangerForm(prefix="danger")
    if not form.validate_on_submit():
        flash(_("Say what the danger is."), "error")
        return redirect(url_for("plans.plan", case_id=case.id))
    try:
        with attempt():
            service.raise_danger(current_user, case, reason=form.reason.data)
    except DomainError as exc:
        flash(_("Not recorded: %(message)s", message=exc.localized()), "error")
    else:
        flash(_("Immediate danger recorded. A supervisor has been alerted."), "ok")
    return redirect(url_for("plans.plan", case_id=case.id))


@bp.route("/plans/danger/<flag_id>/clear", methods=["POST"])
@roles_required(*STAFF)
def clear_danger(flag_id):
    flag = access.get_flag_for(current_user, flag_id)
    form = ClearDangerForm(prefix="clear")
    if not form.validate_on_submit():
        flash(_("Say why the danger is over or handled."), "error")
        return redirect(url_for("plans.plan", case_id=flag.case_id))
    try:
        with attempt():
            service.clear_danger(current_user, flag, reason=form.reason.data)
    except DomainError as exc:
        flash(_("Not recorded: %(message)s", message=exc.localized()), "error")
    else:
        flash(_("The immediate-danger flag is cleared."), "ok")
    return redirect(url_for("plans.plan", case_id=flag.case_id))


# ---- needs ----------------------------------------------------------------------------------

@bp.route("/cases/<case_id>/plan/needs", methods=["GET", "POST"])
@roles_required(*STAFF)
def needs(case_id):
    case = access.get_case_for(current_user, case_id)
    key = drafts.per_record_key("plan-needs", case.id)
    form, restored = _form_with_draft(NeedsForm, key)
    if request.method == "POST" and form.validate_on_submit():
        try:
            with attempt():
                service.assess_needs(current_user, case, items=form.items(),
                                     language=form.language.data,
                                     interpreter_used=form.interpreter_used.data)
        except DomainError as exc:
            parts = exc.key.split(".")
            name = f"{parts[1]}_{'words' if parts[-1] == 'person_words' else parts[-1]}" \
                if len(parts) == 3 else parts[-1]
            _show_error(form, exc, {exc.key: name}, fallback=form.language)
        else:
            drafts.discard_draft(current_user, key)
            flash(_("Needs assessment recorded."), "ok")
            return redirect(url_for("plans.plan", case_id=case.id))
    return render_template("plans/needs.html", case=case, form=form, draft_key=key,
                           restored=restored), _status(form)


@bp.route("/cases/<case_id>/plan/needs/history")
@roles_required(*STAFF)
def needs_history(case_id):
    case = access.get_case_for(current_user, case_id)
    rows = [service.needs_view(a) for a in service.needs_history(current_user, case)]
    return render_template("plans/needs_history.html", case=case, assessments=rows)


# ---- risks and the safety plan ---------------------------------------------------------------

@bp.route("/cases/<case_id>/plan/risk", methods=["GET", "POST"])
@roles_required(*STAFF)
def risk(case_id):
    case = access.get_case_for(current_user, case_id)
    key = drafts.per_record_key("plan-risk", case.id)
    form, restored = _form_with_draft(RiskForm, key)
    if request.method == "POST" and form.validate_on_submit():
        try:
            with attempt():
                service.assess_risk(current_user, case, **form.values())
        except DomainError as exc:
            name = f"risk_{exc.key.split('.')[-1]}" if exc.key.startswith("risks.") else None
            _show_error(form, exc, {exc.key: name} if name else None,
                        fallback=form.risk_traffickers)
        else:
            drafts.discard_draft(current_user, key)
            flash(_("Risk assessment and safety plan recorded."), "ok")
            return redirect(url_for("plans.plan", case_id=case.id))
    return render_template("plans/risk.html", case=case, form=form, draft_key=key,
                           restored=restored), _status(form)


@bp.route("/cases/<case_id>/plan/risk/history")
@roles_required(*STAFF)
def risk_history(case_id):
    case = access.get_case_for(current_user, case_id)
    rows = [service.risk_view(a) for a in service.risk_history(current_user, case)]
    return render_template("plans/risk_history.html", case=case, assessments=rows)


# ---- goals and actions -----------------------------------------------------------------------

def _owner_choices(form, case):
    from ..services.models import Referral
    from ..services.service import list_providers
    agencies = db.session.scalars(select(Agency).order_by(Agency.name)).all()
    referrals = db.session.scalars(select(Referral).where(
        Referral.case_id == case.id, Referral.status.in_(Referral.OPEN))
        .order_by(Referral.requested_at)).all()
    form.set_owner_choices(agencies, list_providers(), [
        (r, f"{r.provider.name} — {service_label(r.service)}") for r in referrals])


@bp.route("/cases/<case_id>/plan/goals/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new_goal(case_id):
    case = access.get_case_for(current_user, case_id)
    key = drafts.per_record_key("plan-goal", case.id)
    form, restored = _form_with_draft(GoalForm, key)
    needs = service.needs_to_plan_for(current_user, case)
    form.domain.choices = [SelectChoice(i.domain, _("%(domain)s (%(priority)s)",
                                                   domain=_(rules.NEED_DOMAINS[i.domain]),
                                                   priority=_(rules.PRIORITIES[i.priority])))
                           for i in needs]
    _owner_choices(form, case)
    if request.method == "POST" and form.validate_on_submit():
        action = form.action() if (form.description.data or "").strip() else None
        try:
            with attempt():
                service.add_goal(current_user, case, domain=form.domain.data,
                                 goal=form.goal.data, horizon=form.horizon.data, action=action)
        except DomainError as exc:
            _show_error(form, exc, fallback=form.domain)
        else:
            drafts.discard_draft(current_user, key)
            flash(_("Goal added."), "ok")
            return redirect(url_for("plans.plan", case_id=case.id))
    return render_template("plans/goal.html", case=case, form=form, draft_key=key,
                           restored=restored, has_needs=bool(needs)), _status(form)


@bp.route("/plans/goals/<goal_id>/actions/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new_action(goal_id):
    goal = access.get_goal_for(current_user, goal_id)
    case = access.case_of(goal.case_id)
    form = ActionForm()
    _owner_choices(form, case)
    if request.method == "POST" and form.validate_on_submit():
        try:
            with attempt():
                service.add_action(current_user, goal, **form.action())
        except DomainError as exc:
            _show_error(form, exc, fallback=form.description)
        else:
            flash(_("Action added."), "ok")
            return redirect(url_for("plans.plan", case_id=case.id))
    return render_template("plans/action.html", case=case,
                           goal=service.read_goal(current_user, goal), form=form), _status(form)


@bp.route("/plans/goals/<goal_id>/status", methods=["POST"])
@roles_required(*STAFF)
def goal_status(goal_id):
    goal = access.get_goal_for(current_user, goal_id)
    form = GoalStatusForm()
    if form.validate_on_submit():
        try:
            with attempt():
                service.set_goal_status(current_user, goal, status=form.status.data,
                                        note=form.note.data)
        except DomainError as exc:
            flash(_("Not recorded: %(message)s", message=exc.localized()), "error")
        else:
            flash(_("Goal updated."), "ok")
    return redirect(url_for("plans.plan", case_id=goal.case_id))


@bp.route("/plans/actions/<action_id>/status", methods=["POST"])
@roles_required(*OWNERS)
def action_status(action_id):
    action = access.get_action_for(current_user, action_id)
    form = ActionStatusForm()
    if form.validate_on_submit():
        try:
            with attempt():
                service.set_action_status(current_user, action, status=form.status.data,
                                          note=form.note.data)
        except DomainError as exc:
            flash(_("Not recorded: %(message)s", message=exc.localized()), "error")
        else:
            flash(_("Action updated."), "ok")
    if access.is_action_owner(current_user, action) and not access.can_edit(
            current_user, access.case_of(action.case_id)):
        return redirect(url_for("plans.my_actions"))
    return local_redirect(request.form.get("next"),
                          url_for("plans.plan", case_id=action.case_id))


# ---- agreeing and reviewing with the person, versions ----------------------------------------

@bp.route("/cases/<case_id>/plan/review", methods=["GET", "POST"])
@roles_required(*STAFF)
def review(case_id):
    case = access.get_case_for(current_user, case_id, for_update=request.method == "POST")
    key = drafts.per_record_key("plan-review", case.id)
    form, restored = _form_with_draft(AgreementForm, key)
    current = service.plan_of(case.id)
    goals = current.goals if current else []
    form.disagreed_goals.choices = [SelectChoice(str(g.id), g.goal) for g in goals]
    if request.method == "POST" and form.validate_on_submit():
        try:
            with attempt():
                version = service.record_agreement(current_user, case, **form.values())
        except DomainError as exc:
            _show_error(form, exc, fallback=form.agreement)
        else:
            drafts.discard_draft(current_user, key)
            flash(_("Version %(number)s of the plan recorded. Next review %(date)s.",
                    number=version.number,
                    date=localdate(version.next_review_at)), "ok")
            return redirect(url_for("plans.plan", case_id=case.id))
    view = service.plan_view(current_user, case)
    return render_template("plans/review.html", case=case, form=form, view=view,
                           draft_key=key, restored=restored), _status(form)


@bp.route("/cases/<case_id>/plan/versions")
@roles_required(*STAFF)
def versions(case_id):
    case = access.get_case_for(current_user, case_id)
    return render_template("plans/versions.html", case=case,
                           versions=service.versions_of(current_user, case))


@bp.route("/plans/versions/<version_id>")
@roles_required(*STAFF)
def version(version_id):
    row = access.get_version_for(current_user, version_id)
    return render_template("plans/version.html", case=access.case_of(row.case_id),
                           version=service.version_view(current_user, row))


# ---- feedback and complaints -----------------------------------------------------------------

@bp.route("/cases/<case_id>/plan/feedback", methods=["GET", "POST"])
@roles_required(*STAFF)
def feedback(case_id):
    case = access.get_case_for(current_user, case_id)
    key = drafts.per_record_key("plan-feedback", case.id)
    form, restored = _form_with_draft(FeedbackForm, key)
    if request.method == "GET" and not restored and case.nrm_state == "closed":
        form.moment.data = "closure"
    if request.method == "POST" and form.validate_on_submit():
        try:
            with attempt():
                service.record_feedback(current_user, case, **form.values())
        except DomainError as exc:
            _show_error(form, exc, fallback=form.words)
        else:
            drafts.discard_draft(current_user, key)
            flash(_("Recorded and passed to a supervisor."), "ok")
            return redirect(url_for("plans.feedback", case_id=case.id))
    return render_template("plans/feedback.html", case=case, form=form, draft_key=key,
                           restored=restored,
                           items=service.feedback_of_case(current_user, case)), _status(form)


@bp.route("/plans/feedback/<feedback_id>", methods=["GET", "POST"])
@roles_required(*STAFF)
def feedback_item(feedback_id):
    row = access.get_feedback_for(current_user, feedback_id)
    form = ResponseForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            with attempt():
                service.respond_feedback(current_user, row, response=form.response.data)
        except DomainError as exc:
            _show_error(form, exc, fallback=form.response)
        else:
            flash(_("Answer recorded."), "ok")
            return redirect(url_for("plans.feedback_item", feedback_id=row.id))
    return render_template("plans/feedback_item.html", case=access.case_of(row.case_id),
                           item=service.feedback_view(current_user, row), form=form,
                           may_answer=current_user.has_role("supervisor")
                           and current_user.agency_id == row.agency_id), _status(form)


# ---- the organisation carrying out actions; supervisors --------------------------------------

@bp.route("/plans/actions")
@roles_required(*OWNERS)
def my_actions():
    return render_template("plans/my_actions.html",
                           actions=service.owned_actions(current_user),
                           form=ActionStatusForm())


@bp.route("/plans/supervision")
@roles_required("supervisor")
def supervision():
    return render_template("plans/supervision.html", **service.supervision(current_user))


# ---- panels: case file, homes ----------------------------------------------------------------

@register_case_alert
def danger_alert(case):
    flag = service.open_flag(case.id)
    if flag is None:
        return []
    return [_("Immediate danger (SVC-03) recorded %(date)s: open until cleared with a reason "
              "on the assistance plan.", date=localtime(flag.raised_at))]


@register_case_file_panel("plans/case_file_panel.html")
def case_file_panel(case, actor):
    return service.case_summary(actor, case)


@home_panel("caseworker", _l("Immediate danger and plan reviews"), "plans/home_caseworker.html")
def caseworker_panel(user):
    return service.caseworker_home(user)


@home_panel("supervisor", _l("Assistance plans: danger, reviews, feedback"),
            "plans/home_supervisor.html")
def supervisor_panel(user):
    return service.supervision(user)


@home_panel("shelter_staff", _l("Actions for your organisation"), "plans/home_owner.html")
def shelter_panel(user):
    return {"actions": service.owned_actions(user, limit=10)}


@home_panel("legal_aid", _l("Actions for your organisation"), "plans/home_owner.html")
def legal_panel(user):
    return {"actions": service.owned_actions(user, limit=10)}
