from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..boundary import attempt
from ..drafts import service as drafts
from ..errors import DomainError
from . import access, service
from .forms import PersonForm

bp = Blueprint("person", __name__)


@bp.route("/cases/<case_id>/person", methods=["GET", "POST"])
def correct(case_id):
    actor = current_user
    case = access.get_case_for_person(actor, case_id)
    panel = service.panel(actor, case)
    draft_key = drafts.record_key("person", case.id)
    restored = None
    if request.method == "POST":
        form = PersonForm()
        if form.validate_on_submit():
            try:
                with attempt():
                    service.correct(actor, case, person=form.person(),
                                    referral=form.referral(), reason=form.reason.data)
            except DomainError as exc:
                if exc.status == 404:
                    raise
                field = getattr(form, exc.key.split(".")[-1], None)
                (field if field is not None and hasattr(field, "errors")
                 else form.reason).errors.append(exc.localized())
            else:
                drafts.discard_draft(actor, draft_key)
                flash(_("The correction is recorded."), "ok")
                return redirect(url_for("cases.case_file", case_id=case.id) + "#person")
    elif (draft := drafts.load_draft(actor, draft_key)):
        data, restored = draft
        form = PersonForm(formdata=data)
    else:
        form = PersonForm.from_panel(panel)
    return render_template("person/correct.html", case=case, form=form, panel=panel,
                           history=service.corrections(actor, case), draft_key=draft_key,
                           restored=restored), 400 if form.errors else 200
