from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..boundary import attempt
from ..errors import DomainError
from ..web import add_error
from . import access, service
from .forms import FoundForm, MissingForm

bp = Blueprint("missing", __name__)


@bp.route("/cases/<case_id>/missing", methods=["GET", "POST"])
def case_missing(case_id):
    """MI-1: the person's missing episodes; record one, or that they were found."""
    actor = current_user
    case = access.get_case_for_missing(actor, case_id)
    form = MissingForm(prefix="missing")
    if request.method == "POST" and form.validate_on_submit():
        try:
            with attempt():
                service.report_missing(actor, case, **form.episode())
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            add_error(getattr(form, exc.key, None) if exc.key in form else form.missing_since,
                      exc.localized())
        else:
            flash(_("Recorded as missing. The case stays open and protection holds."), "ok")
            return redirect(url_for("missing.case_missing", case_id=case.id))
    episodes = service.episodes_of(actor, case)
    return render_template("missing/case.html", case=case, form=form, found_form=FoundForm(
        prefix="found"), episodes=episodes, open_episode=next(
        (e for e in episodes if e.is_open), None),
        show_reference=actor.has_role("caseworker", "supervisor")), \
        400 if form.errors else 200


@bp.route("/missing/<episode_id>/found", methods=["POST"])
def found(episode_id):
    actor = current_user
    episode = access.get_episode_for(actor, episode_id)
    form = FoundForm(prefix="found")
    if not form.validate_on_submit():
        flash(_("Give the date and time the person was found."), "error")
    else:
        try:
            with attempt():
                service.report_found(actor, episode, **form.found())
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            flash(exc.localized(), "error")
        else:
            flash(_("Recorded as found again."), "ok")
    return redirect(url_for("missing.case_missing", case_id=episode.case_id))
