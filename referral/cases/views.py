from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

import workflows

from ..boundary import attempt
from ..audit.service import record
from ..drafts import service as drafts
from ..auth import roles_required
from ..errors import DomainError
from ..extensions import db
from ..labels import state_label
from ..web import home_panel
from . import access, service
from .decisions import decisions_of
from .forms import DecisionForm, ReconsiderationForm, ReferOnForm, ReferralForm, TransitionForm
from .models import Case

bp = Blueprint("cases", __name__, url_prefix="/cases")

STAFF = ("caseworker", "supervisor")
DRAFT_KEY = drafts.NEW_REFERRAL

# Alerts other areas show on the case file header: fn(case) -> list of messages.
_case_alerts = []


def register_case_alert(fn):
    _case_alerts.append(fn)
    return fn


# Summaries other areas show on the case file, each its own template:
# (template, fn(case, actor) -> context dict), the template reading ``panel``.
_case_file_panels = []


def register_case_file_panel(template: str):
    def wrap(fn):
        _case_file_panels.append((template, fn))
        return fn
    return wrap


@bp.route("/", methods=["GET", "POST"])
@roles_required(*STAFF)
def case_list():
    """The agency's cases with the person's name. A search by name or date of birth is
    POSTed, so what was searched for never reaches a URL or an access log."""
    from datetime import date as _date
    args = request.form if request.method == "POST" else request.args
    state = args.get("state") or None
    mine = args.get("mine") == "1"
    q = (args.get("q") or "").strip() or None
    name = (request.form.get("name") or "").strip()[:200] or None
    born, born_text = None, (request.form.get("date_of_birth") or "").strip()
    if born_text:
        try:
            born = _date.fromisoformat(born_text)
        except ValueError:
            flash(_("Please check “%(field)s”: %(message)s", field=_("Date of birth"),
                    message=_("Not a valid date.")), "error")
    query = service.case_list_query(current_user, state=state, q=q, name=name,
                                    date_of_birth=born, assigned_to="me" if mine else None)
    cases = db.session.scalars(query.order_by(Case.referred_at.desc()).limit(100)).all()
    # Names of this page only are opened (never every row), and the read is audited.
    record(current_user, "case.list", "case", None, purpose="case management",
           details={"count": len(cases), "names_shown": len(cases),
                    "searched": bool(name or born)})
    states = workflows.tracks()["nrm"].states
    return render_template("cases/list.html", cases=cases, states=states, state=state,
                           mine=mine, q=q or "", name=name or "", born=born_text,
                           form=TransitionForm())


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new_referral():
    restored = None
    if request.method == "GET" and (draft := drafts.load_draft(current_user, DRAFT_KEY)):
        data, restored = draft
        form = ReferralForm(formdata=data)
    else:
        form = ReferralForm()
    valid = request.method == "POST" and form.validate_on_submit()
    if valid:
        for name, messages in form.shared_errors().items():
            field = getattr(form, name, None) or form.referred_by
            field.errors = list(field.errors) + messages
            valid = False
    if valid:
        try:
            with attempt():
                case = service.open_case(current_user, person=form.person(),
                                         referral=form.referral())
        except DomainError as exc:
            getattr(form, exc.key, form.referred_by).errors.append(exc.localized())
        else:
            drafts.discard_draft(current_user, DRAFT_KEY)
            flash(_("Referral registered as %(reference)s. The person is a presumed victim "
                    "from now.", reference=case.reference), "ok")
            return redirect(url_for("cases.case_file", case_id=case.id))
    return render_template("cases/new.html", form=form, draft_key=DRAFT_KEY,
                           restored=restored), 400 if form.errors else 200


# Steps another area takes are links to that area's page (the return request form asks for
# the person's own words, which RR-1 needs: the step cannot be a bare button here).
_OWNER_PAGES = {"return": "returns.reintegration", "legal": "legal.case_legal"}


def _owner_page(owner, case):
    endpoint = _OWNER_PAGES.get(owner)
    return url_for(endpoint, case_id=case.id) if endpoint else None


def _step_label(track, event):
    """A step's name as the case file shows it, in the reader's language."""
    for t in workflows.tracks()[track].transitions:
        if t.event == event and t.label:
            return _(t.label)
    return event.replace("_", " ")


def case_file_context(case, actor):
    overview = service.transitions_overview(actor, case)
    tracks = []
    for name, definition in workflows.tracks().items():
        options = overview[name]
        steps = []
        for t in definition.transitions:
            if options["state"] not in t.src or any(s["event"] == t.event for s in steps):
                continue
            refusal = options["refused"].get(t.event)
            if refusal:  # guard messages are English in workflows/; shown translated here
                refusal = {**refusal, "message": _(refusal["message"])}
            steps.append({"event": t.event,
                          "label": _(t.label) if t.label else t.event.replace("_", " "),
                          "reason_required": t.reason_required, "adverse": t.adverse,
                          "asks": workflows.asks_for(t),
                          "action": f"{name}.{t.event}",
                          "allowed": t.event in options["allowed"] and t.owner == "case",
                          # taken on the owning area's page (a stay, a return), not here
                          "elsewhere": t.owner != "case", "refusal": refusal,
                          "href": _owner_page(t.owner, case)})
        tracks.append({"name": name, "title": _(definition.description),
                       "state": state_label(options["state"]), "steps": steps})
    timeline = service.history(actor, case)
    decisions = decisions_of(case)
    alerts = [message for fn in _case_alerts for message in fn(case)]
    panels = [(template, fn(case, actor)) for template, fn in _case_file_panels]
    return {"case": case, "tracks": tracks, "timeline": timeline, "decisions": decisions,
            "form": TransitionForm(), "alerts": alerts, "panels": panels}


@bp.route("/<case_id>")
@roles_required(*STAFF)
def case_file(case_id):
    case = access.get_case_for(current_user, case_id, need="file", reading="case file")
    from .decisions import refresh_identification
    refresh_identification(case)  # NRM-3: a window that has passed shows as final
    context = case_file_context(case, current_user)
    return render_template("cases/file.html", **context)


@bp.route("/<case_id>/transitions", methods=["POST"])
@roles_required(*STAFF)
def apply_step(case_id):
    form = TransitionForm()
    if not form.validate_on_submit():
        flash(_("The step could not be read; please try again."), "error")
        return redirect(url_for("cases.case_file", case_id=case_id))
    facts = form.facts()
    definition = workflows.tracks().get(form.track.data)
    adverse = definition is not None and any(t.adverse for t in
                                             definition.candidates(form.event.data))
    if adverse and not form.confirm.data:  # an adverse step is confirmed before it is taken
        flash(_("Not done: tick the confirmation to take this step."), "error")
        return redirect(url_for("cases.case_file", case_id=case_id))
    try:
        version = int(form.version.data)
        with attempt():
            case = service.apply_transition(current_user, case_id, form.track.data,
                                            form.event.data, reason=form.reason.data or None,
                                            facts=facts, version=version)
    except ValueError:
        flash(_("The step could not be read; please try again."), "error")
    except DomainError as exc:
        if exc.status == 404:
            raise
        from ..webforms import refusal_sentence
        flash(refusal_sentence(exc), "error")
    else:
        flash(_("“%(step)s” is recorded. %(track)s: %(state)s.",
                step=_step_label(form.track.data, form.event.data),
                track=_(workflows.tracks()[form.track.data].description),
                state=state_label(case.state_of(form.track.data))), "ok")
    return redirect(url_for("cases.case_file", case_id=case_id))


@bp.app_template_global()
def adverse_reasons(action: str) -> list[tuple[str, str]]:
    """The closed list of reason codes for an adverse action, translated (ID-6, NC-3)."""
    from workflows.reasons import ADVERSE_REASONS
    return [(code, _(label)) for code, label in ADVERSE_REASONS.get(action, {}).items()]


@home_panel("caseworker", _l("My cases"), "cases/panel.html")
def my_cases_panel(user):
    query = service.case_list_query(user, assigned_to="me")
    return {"cases": db.session.scalars(query.order_by(Case.referred_at.desc()).limit(10)).all()}


# -- actions that had only an API: guardian, reflection period, assignment (issue 14) ----
# Each posts ordinary form fields read through the API's own schema (referral.webforms).

def _case_actions_context(case):
    from workflows import jurisdictions as _jurisdictions
    from .schemas import SEX_VALUES
    return {"case": case, "form": TransitionForm(),
            "caseworkers": service.agency_caseworkers(case.agency_id),
            "sex_values": SEX_VALUES, "jurisdictions": _jurisdictions.REGISTRY}


@bp.route("/<case_id>/actions")
@roles_required(*STAFF)
def case_actions(case_id):
    """Guardian, reflection period and assignment: one page, one form each."""
    case = access.get_case_for(current_user, case_id, need="file", reading="case actions")
    return render_template("cases/actions.html", **_case_actions_context(case))


@bp.route("/<case_id>/guardian", methods=["POST"])
@roles_required(*STAFF)
def appoint_guardian(case_id):
    from ..webforms import act, load_form
    from .schemas import GuardianSchema
    case = access.get_case_for(current_user, case_id, need="edit", for_update=True)
    back = url_for("cases.case_actions", case_id=case.id)
    body = load_form(GuardianSchema(), {"name": _("Guardian's name"),
                                        "organisation": _("Organisation")})
    if body is None:
        return redirect(back)
    from .decisions import appoint_guardian as appoint
    return act(lambda: appoint(current_user, case, **body),
               _("%(name)s is now the guardian. Consent for the child is given by the "
                 "guardian from now on.", name=body["name"]), back)


@bp.route("/<case_id>/reflection-period", methods=["POST"])
@roles_required(*STAFF)
def extend_reflection(case_id):
    from ..webforms import act, load_form
    from .decisions import extend_reflection_period
    from .schemas import ExtensionSchema
    case = access.get_case_for(current_user, case_id, need="edit", for_update=True)
    back = url_for("cases.case_actions", case_id=case.id)
    body = load_form(ExtensionSchema(), {"days": _("Extend by (days)"),
                                         "reason": _("Why the period is extended")})
    if body is None:
        return redirect(back)
    return act(lambda: extend_reflection_period(current_user, case, **body),
               _("The reflection period was extended by %(days)d days.", days=body["days"]),
               back)


@bp.route("/<case_id>/assign", methods=["POST"])
@roles_required(*STAFF)
def assign(case_id):
    from ..webforms import act, load_form
    from .schemas import AssignSchema
    case = access.get_case_for(current_user, case_id, need="agency", for_update=True)
    back = request.form.get("next") or ""
    from ..web import is_local_path
    if not is_local_path(back):
        back = url_for("cases.case_actions", case_id=case.id)
    body = load_form(AssignSchema(), {"caseworker_id": _("Caseworker")})
    if body is None:
        return redirect(back)

    def call():
        service.assign_case(current_user, case, body["caseworker_id"])
    done = _("Case %(reference)s reassigned; its open follow-ups moved with it.",
             reference=case.reference)
    return act(call, done, back)


@bp.route("/anonymous-notification", methods=["GET", "POST"])
@roles_required(*STAFF)
def anonymous_notification():
    """ID-8: an adult who does not want to be identified is counted, with no identity."""
    from workflows import jurisdictions as _jurisdictions
    from ..webforms import act, load_form
    from .schemas import SEX_VALUES, AnonymousNotificationSchema
    from .taxonomies import EXPLOITATION_FORMS, SECTORS
    if request.method == "POST":
        back = url_for("cases.anonymous_notification")
        body = load_form(AnonymousNotificationSchema(), {
            "sex": _("Sex"), "age_group": _("Age group"), "nationality": _("Nationality")})
        if body is None:
            return redirect(back)
        return act(lambda: service.record_anonymous_notification(current_user, **body),
                   _("The notification was counted. Nothing that identifies the person "
                     "was recorded."), url_for("home"))
    return render_template("cases/anonymous.html", sex_values=SEX_VALUES,
                           age_groups=["18-24", "25-34", "35-49", "50+", "unknown"],
                           exploitation_forms=EXPLOITATION_FORMS, sectors=SECTORS,
                           jurisdictions=_jurisdictions.REGISTRY.values(),
                           form=TransitionForm())
# -- The NRM as it runs (issue 16): the decision screen, reconsideration, letters, refer-on --

DECIDERS = ("caseworker", "supervisor", "decision_maker")


def _decision_form(case, **kwargs):
    from ..labels import DECISION_LABELS
    from workflows import jurisdictions
    from .decisions import NEGATIVE_REASON_CODES, OTHER_KINDS, OUTCOMES
    j = jurisdictions.for_case(case)
    kinds = list(dict.fromkeys((j.first_decision, j.final_decision) + OTHER_KINDS))
    outcomes = list(dict.fromkeys(o for k in kinds for o in OUTCOMES[k]))
    form = DecisionForm(prefix="decision", **kwargs)
    form.set_choices(kinds, outcomes, NEGATIVE_REASON_CODES,
                     lambda code: DECISION_LABELS.get(code) or code.replace("_", " "))
    return form


def _reconsideration_form(case):
    from ..labels import DECISION_LABELS
    from workflows import jurisdictions
    form = ReconsiderationForm(prefix="reconsider")
    form.grounds.choices = [("", _("Not given"))] + [
        (g, DECISION_LABELS.get(g) or g.replace("_", " "))
        for g in jurisdictions.for_case(case).reconsideration_grounds]
    return form


@bp.route("/<case_id>/decisions", methods=["GET", "POST"])
@roles_required(*DECIDERS)
def decisions_page(case_id):
    """NRM-6: the decision screen. The competent authority records first and final decisions
    with reasons; the case's staff see them, record one received on paper where the
    jurisdiction allows it, ask for reconsideration and follow the move-on period."""
    from workflows import jurisdictions
    from ..database import utcnow
    from . import decisions as decisions_service
    actor = current_user
    case = access.get_case_for(actor, case_id, need="decisions", reading="decisions",
                               for_update=request.method == "POST")
    form = _decision_form(case)
    if request.method == "POST" and form.validate_on_submit():
        try:
            with attempt():
                decisions_service.record_decision(actor, case, **form.decision())
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            field = getattr(form, exc.key, None) if exc.key in form else None
            if field is not None:
                field.errors = list(field.errors) + [exc.localized()]
            else:
                form.reasons.errors = list(form.reasons.errors) + [
                    f"{exc.key}: {exc.localized()}"]
        else:
            flash(_("Decision recorded."), "ok")
            return redirect(url_for("cases.decisions_page", case_id=case.id))
    rows = decisions_of(case)
    record(actor, "decision.list", "case", case.id, case_id=case.id,
           purpose="identification and protection")
    return render_template(
        "cases/decisions.html", case=case, form=form, decisions=rows,
        jurisdiction=jurisdictions.for_case(case),
        reconsider_form=_reconsideration_form(case),
        may_request=access.can_request_review(actor, case),
        is_staff=actor.has_role(*STAFF),
        now=utcnow()), \
        400 if form.errors else 200


@bp.route("/<case_id>/decisions/<decision_id>/reconsideration", methods=["POST"])
@roles_required(*STAFF)
def reconsideration(case_id, decision_id):
    """NRM-2: ask for a negative decision to be reconsidered, within its window."""
    from . import decisions as decisions_service
    case = access.get_case_for(current_user, case_id, need="edit", for_update=True)
    form = _reconsideration_form(case)
    if not form.validate_on_submit():
        flash(_("Say why reconsideration is asked."), "error")
    else:
        try:
            with attempt():
                decisions_service.request_review(current_user, case, decision_id,
                                                 **form.request_fields())
        except DomainError as exc:
            if exc.status == 404:
                raise
            flash(_("Not done (%(rule)s): %(message)s", rule=exc.key,
                    message=exc.localized()), "error")
        else:
            flash(_("Reconsideration requested. Protection holds until it is decided."), "ok")
    return redirect(url_for("cases.decisions_page", case_id=case.id))


@bp.route("/<case_id>/decisions/<decision_id>/letter")
@roles_required(*DECIDERS)
def decision_letter(case_id, decision_id):
    """NRM-2: the letter for the person, in their language, to print or send."""
    from . import decisions as decisions_service
    case = access.get_case_for(current_user, case_id, need="decisions",
                               reading="decision letter")
    return decisions_service.decision_letter(current_user, case, decision_id)["html"]


@bp.route("/<case_id>/refer-on", methods=["GET", "POST"])
@roles_required(*STAFF)
def refer_on(case_id):
    """NRM-5: after a final negative decision, an adult is referred on to another remedy;
    the referral itself is made on the referrals page, with the person's consent (CO-1)."""
    from workflows.nrm import REFER_ON_REMEDIES
    from ..labels import code_label
    actor = current_user
    case = access.get_case_for(actor, case_id, need="edit", reading="refer on")
    form = ReferOnForm(prefix="referon")
    form.remedy.choices = [(r, code_label(r)) for r in REFER_ON_REMEDIES]
    if request.method == "GET":
        form.version.data = str(case.version)
    if request.method == "POST" and form.validate_on_submit():
        facts = {"reason_code": form.remedy.data}
        if form.person_view.data:
            facts["person_view"] = form.person_view.data
        try:
            with attempt():
                service.apply_transition(actor, case.id, "nrm", "refer_on",
                                         reason=form.reason.data, facts=facts,
                                         version=int(form.version.data or case.version))
        except (DomainError, ValueError) as exc:
            if isinstance(exc, DomainError) and exc.status == 404:
                raise
            message = exc.localized() if isinstance(exc, DomainError) else str(exc)
            form.reason.errors = list(form.reason.errors) + [
                f"{getattr(exc, 'key', '')}: {message}"]
        else:
            flash(_("Referred on. Make the referral itself, with the person's consent, on "
                    "the referrals page."), "ok")
            return redirect(url_for("services.case_referrals", case_id=case.id))
    return render_template("cases/refer_on.html", case=case, form=form), \
        400 if form.errors else 200


@home_panel("decision_maker", _l("Cases awaiting a decision"), "cases/decision_queue.html")
def decision_queue_panel(user):
    """NRM-6: the competent authority's queue: open cases with no final decision yet (a
    negative one under reconsideration included), oldest referral first."""
    from sqlalchemy import select
    query = (select(Case).where(access.case_scope(user), Case.nrm_state != "closed",
                                Case.identification.in_(("pending",
                                                         "negative_pending_review")))
             .order_by(Case.referred_at).limit(25))
    return {"cases": db.session.scalars(query).all()}
