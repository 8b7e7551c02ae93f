from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, StringField
from wtforms.validators import Length, Optional

from ..boundary import attempt
from ..auth import roles_required
from ..errors import DomainError
from ..web import home_panel
from . import service

bp = Blueprint("audit", __name__, url_prefix="/audit")


class AuditSearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form changes nothing

    case_reference = StringField(_l("Case reference"), validators=[Optional(), Length(max=20)])
    username = StringField(_l("Staff username"), validators=[Optional(), Length(max=80)])
    action = StringField(_l("Action (or its start, e.g. case.)"), validators=[Optional(),
                                                                         Length(max=80)])
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("Until"), validators=[Optional()])


@bp.route("/")
@roles_required("auditor", "dpo")
def search():
    form = AuditSearchForm(request.args)
    rows, searched = [], bool(request.args)
    if searched and form.validate():
        from datetime import datetime, time, timezone
        try:
            with attempt():
                rows = service.search_entries(
                    current_user, case_reference=form.case_reference.data or None,
                    username=form.username.data or None, action=form.action.data or None,
                    since=form.since.data and datetime.combine(form.since.data, time.min,
                                                               timezone.utc),
                    until=form.until.data and datetime.combine(form.until.data, time.max,
                                                               timezone.utc))
        except DomainError as exc:
            getattr(form, exc.key, form.case_reference).errors.append(exc.localized())
    staff = service.staff_names({row.actor_id for row in rows})
    return render_template("audit/search.html", form=form, rows=rows, searched=searched,
                           staff=staff), \
        400 if form.errors else 200


@home_panel("auditor", _l("Audit trail"), "audit/panel.html")
def audit_panel(user):
    return {}
