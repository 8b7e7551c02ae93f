from flask import (Blueprint, current_app, flash, redirect, render_template, request,
                   url_for)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from ..boundary import attempt

from ..auth import roles_required
from ..web import home_panel
from . import access, service

bp = Blueprint("legal", __name__)
PER_PAGE = 50


@bp.route("/legal/")
@roles_required("legal_aid")
def legal_aid_view():
    page = request.args.get("page", 1, type=int)
    page = page if page and page > 0 else 1
    cases = service.legal_aid_view(current_user, page=page, per_page=PER_PAGE)
    total = service.assigned_count(current_user)
    return render_template("legal/view.html", cases=cases, page=page,
                           more=page * PER_PAGE < total, total=total)


@bp.route("/cases/<case_id>/legal")
@roles_required("caseworker", "supervisor", "legal_aid")
def case_legal(case_id):
    from ..cases import access as case_access
    from .models import (COOPERATION_KINDS, MEASURE_KINDS, NON_PUNISHMENT_OUTCOMES,
                         OFFENCE_CATEGORIES, PERSON_ROLES, PROCEEDING_KINDS)
    case = access.get_legal_case_for(current_user, case_id)
    summary = service.legal_summary(current_user, case)
    ids = [p.id for p in summary["proceedings"]]
    can_assign = case_access.can_edit_case(current_user, case)
    return render_template("legal/case.html", case=case, form=FlaskForm(),
                           kinds=PROCEEDING_KINDS, person_roles=PERSON_ROLES,
                           offences=OFFENCE_CATEGORIES, measure_kinds=MEASURE_KINDS,
                           outcomes=NON_PUNISHMENT_OUTCOMES, outcome_labels=NON_PUNISHMENT_LABELS,
                           statuses=service.PROCEEDING_STATUSES,
                           cooperation_kinds=COOPERATION_KINDS,
                           cooperation_values=COOPERATION_VALUES,
                           cooperation_labels=COOPERATION_LABELS,
                           history=service.proceeding_history(ids),
                           information=service.information_given(ids),
                           cooperation=service.cooperation_for(current_user, case),
                           legal_aid=service.legal_aid_on(case),
                           staff=service.legal_aid_staff() if can_assign else [],
                           can_assign=can_assign, person_language=_person_language(case),
                           release_events=[(e, RELEASE_EVENTS[e]) for e in RELEASE_EVENTS],
                           assigned=service.is_assigned_legal_aid(current_user, case),
                           **summary)


def _person_language(case) -> str:
    """The first language recorded on the person's file, to start the information form."""
    from ..i18n import primary_language
    languages = getattr(case.person, "languages", None) or []
    return primary_language(languages[0]) if languages else ""


@home_panel("legal_aid", _l("Hearings and deadlines"), "legal/panel.html")
def legal_panel(user):
    return {"count": service.assigned_count(user),
            "deadlines": service.upcoming_legal_deadlines(user, limit=10),
            "this_week": service.due_this_week(user)}


def _alerts_for_case_file(case):
    return service.non_punishment_alerts(case)


from ..cases.views import register_case_alert  # noqa: E402

register_case_alert(_alerts_for_case_file)


# -- legal aid's day in pages (issue 18): proceedings, hearings, measures, the LP-4 letter,
#    privileged notes, and a calendar of what is due ------------------------------------------

RELEASE_EVENTS = {"release": _l("an offender was released"),
                  "escape": _l("an offender escaped")}
COOPERATION_VALUES = ("given", "refused", "willing", "unwilling")
COOPERATION_LABELS = {"statement": _l("statement"), "interview": _l("interview"),
                      "willingness_to_testify": _l("willingness to testify"),
                      "testimony": _l("testimony"), "given": _l("given"),
                      "refused": _l("refused"), "willing": _l("willing"),
                      "unwilling": _l("unwilling")}
NON_PUNISHMENT_LABELS = {"pending": _l("review pending"), "discontinued": _l("discontinued"),
                         "mitigated": _l("penalty mitigated"),
                         "record_erased": _l("record erased"), "convicted": _l("convicted")}


def _when(value, field, *, time_of_day=None):
    """A date (YYYY-MM-DD) or a date and time (YYYY-MM-DDTHH:MM) typed in a form, read in
    the user's time zone where they set one, else UTC; 422 naming the field otherwise."""
    from datetime import datetime, time, timezone
    from zoneinfo import ZoneInfo

    from ..errors import Invalid
    from ..labels import N_
    text = (value or "").strip()
    try:
        if "T" in text:
            moment = datetime.strptime(text, "%Y-%m-%dT%H:%M")
        else:
            moment = datetime.combine(datetime.strptime(text, "%Y-%m-%d").date(),
                                      time_of_day or time(9, 0))
    except ValueError:
        raise Invalid(field, N_("a date (YYYY-MM-DD) is required")) from None
    if not 1900 <= moment.year <= 2200:
        raise Invalid(field, N_("a date (YYYY-MM-DD) is required"))
    zone = getattr(current_user, "time_zone", "") or ""
    try:
        tz = ZoneInfo(zone) if zone else timezone.utc
    except (KeyError, ValueError):
        tz = timezone.utc
    return moment.replace(tzinfo=tz).astimezone(timezone.utc)


def _back(case_id, anchor=""):
    return redirect(url_for("legal.case_legal", case_id=case_id) + anchor)


def _refused(exc):
    from ..errors import DomainError
    if not isinstance(exc, DomainError) or exc.status == 404:
        raise exc
    flash(_("Not saved (%(field)s): %(message)s", field=exc.key, message=exc.localized()),
          "error")


@bp.route("/cases/<case_id>/legal/proceedings", methods=["POST"])
@roles_required("caseworker", "supervisor", "legal_aid")
def open_proceeding(case_id):
    from ..errors import DomainError
    case = access.get_legal_case_for(current_user, case_id)
    if FlaskForm().validate_on_submit():
        form = request.form
        try:
            with attempt():
                service.open_proceeding(
                    current_user, case, kind=form.get("kind", ""),
                    person_role=form.get("person_role", ""),
                    court_or_authority=form.get("court_or_authority", "")[:200],
                    reference=(form.get("reference") or "")[:100] or None,
                    offence_category=form.get("offence_category") or None)
        except DomainError as exc:
            _refused(exc)
        else:
            flash(_("Proceedings recorded."), "ok")
    return _back(case.id)


@bp.route("/legal/proceedings/<proceeding_id>/hearings", methods=["POST"])
@roles_required("caseworker", "supervisor", "legal_aid")
def add_hearing(proceeding_id):
    from ..errors import DomainError
    proceeding = access.get_proceeding_for(current_user, proceeding_id)
    if FlaskForm().validate_on_submit():
        try:
            with attempt():
                service.add_hearing(current_user, proceeding,
                                    at=_when(request.form.get("at"), "at"),
                                    place=request.form.get("place", "")[:200],
                                    person_must=(request.form.get("person_must") or
                                                 "")[:2000] or None)
        except DomainError as exc:
            _refused(exc)
        else:
            flash(_("Hearing added, with reminders a week and a day before."), "ok")
    return _back(proceeding.case_id, f"#proceeding-{proceeding.id}")


@bp.route("/legal/proceedings/<proceeding_id>/measures", methods=["POST"])
@roles_required("caseworker", "supervisor", "legal_aid")
def add_measure(proceeding_id):
    from ..errors import DomainError
    proceeding = access.get_proceeding_for(current_user, proceeding_id)
    if FlaskForm().validate_on_submit():
        try:
            with attempt():
                service.add_measure(current_user, proceeding, kind=request.form.get("kind", ""),
                                    review_at=_when(request.form.get("review_at"), "review_at"),
                                    note=(request.form.get("note") or "")[:2000] or None)
        except DomainError as exc:
            _refused(exc)
        else:
            flash(_("Protective measure recorded, with its review date."), "ok")
    return _back(proceeding.case_id, f"#proceeding-{proceeding.id}")


@bp.route("/legal/proceedings/<proceeding_id>/non-punishment", methods=["POST"])
@roles_required("caseworker", "supervisor", "legal_aid")
def non_punishment(proceeding_id):
    from ..errors import DomainError
    proceeding = access.get_proceeding_for(current_user, proceeding_id)
    if FlaskForm().validate_on_submit():
        try:
            with attempt():
                service.review_non_punishment(current_user, proceeding,
                                              review=request.form.get("review", "")[:5000],
                                              outcome=request.form.get("outcome", ""))
        except DomainError as exc:
            _refused(exc)
        else:
            flash(_("Non-punishment review recorded."), "ok")
    return _back(proceeding.case_id, f"#proceeding-{proceeding.id}")


@bp.route("/legal/proceedings/<proceeding_id>/letter")
@roles_required("caseworker", "supervisor", "legal_aid")
def letter(proceeding_id):
    """The non-punishment advisory letter (LP-4), in the person's language, as a page of its
    own to print (the browser's print gives the PDF: no PDF library is a dependency)."""
    from ..errors import DomainError
    from .letters import advisory_letter
    proceeding = access.get_proceeding_for(current_user, proceeding_id)
    try:
        with attempt():
            body = advisory_letter(current_user, proceeding)
    except DomainError as exc:
        _refused(exc)
        return _back(proceeding.case_id, f"#proceeding-{proceeding.id}")
    return current_app.response_class(body, mimetype="text/html")


@bp.route("/cases/<case_id>/legal/notes", methods=["GET", "POST"])
@roles_required("legal_aid")
def notes(case_id):
    """Privileged notes (LP-5): the assigned legal aid only; nobody else learns they exist."""
    from ..errors import DomainError
    case = access.get_notes_case_for(current_user, case_id)
    if request.method == "POST" and FlaskForm().validate_on_submit():
        try:
            with attempt():
                service.add_note(current_user, case, request.form.get("body", "")[:20000])
        except DomainError as exc:
            _refused(exc)
        else:
            flash(_("Privileged note saved."), "ok")
        return redirect(url_for("legal.notes", case_id=case.id))
    return render_template("legal/notes.html", case=case,
                           notes=service.notes_for(current_user, case), form=FlaskForm())


@bp.route("/legal/calendar")
@roles_required("legal_aid")
def calendar():
    """The next hearings and legal deadlines of every assigned case, week by week."""
    weeks = service.deadlines_by_week(current_user, weeks=8)
    return render_template("legal/calendar.html", weeks=weeks)


@bp.route("/legal/proceedings/<proceeding_id>/edit", methods=["POST"])
@roles_required("caseworker", "supervisor", "legal_aid")
def edit_proceeding(proceeding_id):
    """Edit a recorded proceeding's status and outcome. The form carries the version it was
    loaded at: an edit made meanwhile by someone else is not overwritten."""
    from ..errors import DomainError
    proceeding = access.get_proceeding_for(current_user, proceeding_id)
    if FlaskForm().validate_on_submit():
        form = request.form
        try:
            version = int(form.get("version", ""))
        except ValueError:
            version = -1  # no version: treat as stale, never as "overwrite whatever is there"
        try:
            with attempt():
                service.update_proceeding(current_user, proceeding,
                                          status=form.get("status", ""),
                                          outcome=form.get("outcome", "")[:5000],
                                          version=version)
        except DomainError as exc:
            _refused(exc)
        else:
            flash(_("Proceedings updated; the earlier version is kept."), "ok")
    return _back(proceeding.case_id, f"#proceeding-{proceeding.id}")


@bp.route("/legal/proceedings/<proceeding_id>/information", methods=["POST"])
@roles_required("caseworker", "supervisor", "legal_aid")
def log_information(proceeding_id):
    """LP-1: what the person was told at this stage, and in which language."""
    from ..errors import DomainError
    proceeding = access.get_proceeding_for(current_user, proceeding_id)
    if FlaskForm().validate_on_submit():
        form = request.form
        try:
            with attempt():
                service.log_information(current_user, proceeding,
                                        stage=form.get("stage", "")[:200],
                                        summary=form.get("summary", "")[:5000],
                                        language=form.get("language", "")[:40])
        except DomainError as exc:
            _refused(exc)
        else:
            flash(_("Recorded: what the person was told, and in which language."), "ok")
    return _back(proceeding.case_id, f"#proceeding-{proceeding.id}")


@bp.route("/legal/proceedings/<proceeding_id>/offender-release", methods=["POST"])
@roles_required("caseworker", "supervisor", "legal_aid")
def offender_release(proceeding_id):
    """LP-1: an offender released or escaped is an urgent safety task, due now."""
    from ..errors import DomainError
    proceeding = access.get_proceeding_for(current_user, proceeding_id)
    if FlaskForm().validate_on_submit():
        try:
            with attempt():
                service.offender_released(current_user, proceeding,
                                          event=request.form.get("event", ""))
        except DomainError as exc:
            _refused(exc)
        else:
            flash(_("Urgent safety task created: the case's caseworkers are alerted now."),
                  "ok")
    return _back(proceeding.case_id, f"#proceeding-{proceeding.id}")


@bp.route("/cases/<case_id>/legal/cooperation", methods=["POST"])
@roles_required("caseworker", "supervisor", "legal_aid")
def cooperation(case_id):
    """Statements, interviews, willingness to testify: recorded in the legal track only
    (NC-2); nothing the person is given depends on them (NC-1)."""
    from ..errors import DomainError
    case = access.get_legal_case_for(current_user, case_id)
    if FlaskForm().validate_on_submit():
        form = request.form
        try:
            with attempt():
                service.record_cooperation(current_user, case, kind=form.get("kind", ""),
                                           value=form.get("value", ""),
                                           proceeding_id=form.get("proceeding_id") or None,
                                           note=(form.get("note") or "")[:2000] or None)
        except DomainError as exc:
            _refused(exc)
        else:
            flash(_("Cooperation recorded in the legal track."), "ok")
    return _back(case.id, "#cooperation")


@bp.route("/cases/<case_id>/legal/assign", methods=["POST"])
@roles_required("caseworker", "supervisor")
def assign_legal_aid(case_id):
    """The case's agency assigns a member of legal aid staff to the person's case."""
    from ..cases import access as case_access
    from ..errors import DomainError
    case = case_access.get_case_for(current_user, case_id, need="agency")
    if FlaskForm().validate_on_submit():
        try:
            with attempt():
                service.assign_legal_aid(current_user, case, request.form.get("user_id", ""))
        except DomainError as exc:
            _refused(exc)
        else:
            flash(_("Legal aid assigned: they now see this case's legal track."), "ok")
    return _back(case.id, "#legal-aid")


from . import claim_pages  # noqa: E402,F401  (the claims pages register on this blueprint)
