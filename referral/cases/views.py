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
from .forms import ReferralForm, TransitionForm
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


@bp.route("/")
@roles_required(*STAFF)
def case_list():
    state = request.args.get("state") or None
    mine = request.args.get("mine") == "1"
    q = (request.args.get("q") or "").strip() or None
    query = service.case_list_query(current_user, state=state, q=q,
                                    assigned_to="me" if mine else None)
    cases = db.session.scalars(query.order_by(Case.referred_at.desc()).limit(100)).all()
    record(current_user, "case.list", "case", None, purpose="case management",
           details={"count": len(cases)})
    states = workflows.tracks()["nrm"].states
    return render_template("cases/list.html", cases=cases, states=states, state=state,
                           mine=mine, q=q or "")


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
                          "elsewhere": t.owner != "case", "refusal": refusal})
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
            service.apply_transition(current_user, case_id, form.track.data,
                                     form.event.data, reason=form.reason.data or None,
                                     facts=facts, version=version)
    except ValueError:
        flash(_("The step could not be read; please try again."), "error")
    except DomainError as exc:
        if exc.status == 404:
            raise
        flash(_("Not done (%(rule)s): %(message)s", rule=exc.key, message=exc.localized()),
              "error")
    else:
        flash(_("Done: %(step)s.", step=form.event.data.replace("_", " ")), "ok")
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
