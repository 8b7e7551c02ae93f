from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth import roles_required
from ..web import home_panel
from . import service

bp = Blueprint("supervision", __name__, url_prefix="/supervision")


@bp.route("/")
@roles_required("supervisor")
def dashboard():
    data = service.dashboard(current_user)
    return render_template("supervision/dashboard.html", **data)


@home_panel("supervisor", _l("Needs your attention"), "supervision/panel.html")
def supervisor_panel(user):
    return {"overdue": service.overdue(user, limit=10),
            "refused": service.refused_attempts(user, limit=5),
            "reflection": service.reflection_ending(user)}
