from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from ..boundary import attempt, repeatable
from ..auth import roles_required
from ..errors import DomainError
from ..web import local_redirect
from . import service

bp = Blueprint("drafts", __name__, url_prefix="/drafts")


@bp.route("/<path:form_key>", methods=["POST"])
@roles_required()
@repeatable
def save(form_key):
    """Called by htmx as the user types (the form's own CSRF token comes with it); answers
    the small status line under the form."""
    if not FlaskForm().validate_on_submit():
        return render_template("drafts/status.html", saved_at=None,
                               problem=_("not saved: reload the page")), 400
    try:
        with attempt():
            draft = service.save_draft(current_user, form_key, request.form)
    except DomainError as exc:
        return render_template("drafts/status.html", saved_at=None,
                               problem=exc.localized()), exc.status
    if draft is None:  # the form was submitted: what it held is not kept for the next one
        return render_template("drafts/status.html", saved_at=None, problem=None)
    return render_template("drafts/status.html", saved_at=draft.saved_at, problem=None)


@bp.route("/<path:form_key>/discard", methods=["POST"])
@roles_required()
def discard(form_key):
    if FlaskForm().validate_on_submit():
        service.discard_draft(current_user, form_key)
    return local_redirect(request.form.get("next"), "/")
