from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

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
    case = access.get_legal_case_for(current_user, case_id)
    summary = service.legal_summary(current_user, case)
    return render_template("legal/case.html", case=case, **summary)


@home_panel("legal_aid", _l("Hearings and deadlines"), "legal/panel.html")
def legal_panel(user):
    return {"count": service.assigned_count(user),
            "deadlines": service.upcoming_legal_deadlines(user, limit=10)}


def _alerts_for_case_file(case):
    return service.non_punishment_alerts(case)


from ..cases.views import register_case_alert  # noqa: E402

register_case_alert(_alerts_for_case_file)
