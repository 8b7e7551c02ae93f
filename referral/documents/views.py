from flask import (Blueprint, flash, has_request_context, redirect, render_template, request,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user

from ..web import add_error
from ..boundary import attempt
from ..cases.service import register_history_source
from ..drafts import service as drafts
from ..errors import DomainError
from . import access, service, transfer
from .forms import CATEGORY_LABELS, UploadForm, VersionForm, category_choices

bp = Blueprint("documents", __name__)


@register_history_source(service.timeline_rows)
def timeline(case, rows) -> list[dict]:
    """The case file's timeline lines for documents, worded and linked once per category."""
    items = service.timeline_items(rows)
    if not has_request_context():
        return items
    href = url_for("documents.document", document_id="DOCUMENT")
    categories = {}
    for item in items:
        kind = item["kind"]
        if kind not in categories:
            categories[kind] = str(CATEGORY_LABELS.get(kind, kind))
        item["label"] = _("Document: %(title)s (%(category)s, version %(number)s)",
                          title=item["title"], category=categories[kind],
                          number=item["version"])
        item["href"] = href.replace("DOCUMENT", item["document_id"])
    return items


def _labels() -> dict:
    """Category names in the reader's language, translated once per page."""
    return {code: str(label) for code, label in CATEGORY_LABELS.items()}


def _upload_errors(form, exc):
    field = getattr(form, exc.key, None)
    add_error(field if field is not None and hasattr(field, "errors") else form.file,
              exc.localized())


def _file_or_error(form):
    """The uploaded file, or None with the reason on the form (413 when too large)."""
    try:
        storage = transfer.uploaded_file()
    except service.TooLarge as exc:
        exc.undone = True  # nothing was changed; the page says why
        add_error(form.file, exc.localized())
        return None, 413
    if storage is None or not storage.filename:
        add_error(form.file, _("Choose a file."))
        return None, 400
    return storage, None


@bp.route("/cases/<case_id>/documents", methods=["GET", "POST"])
def case_documents(case_id):
    actor = current_user
    case = access.get_case_for_documents(actor, case_id)
    categories = access.visible_categories(actor, case)
    form = UploadForm()
    form.category.choices = category_choices(categories)
    draft_key = drafts.record_key("document", case.id)
    status = 200
    if request.method == "POST":
        storage, status = _file_or_error(form)
        if storage is not None and form.validate_on_submit():
            try:
                with attempt():
                    document = service.add_document(
                        actor, case, category=form.category.data, title=form.title.data,
                        source=storage.stream, filename=storage.filename)
            except DomainError as exc:
                if exc.status == 404:
                    raise
                _upload_errors(form, exc)
                status = exc.status
            else:
                drafts.discard_draft(actor, draft_key)
                flash(_("Document added: %(title)s.", title=document.title), "ok")
                return redirect(url_for("documents.document", document_id=document.id))
        status = status or 400
    elif (draft := drafts.load_draft(actor, draft_key)):
        form = UploadForm(formdata=draft[0])
        form.category.choices = category_choices(categories)
    category = request.args.get("category") or None
    q = (request.args.get("q") or "").strip()[:100] or None
    rows = service.documents_for(actor, case, category=category if category in categories
                                 else None, q=q)
    return render_template("documents/case.html", case=case, form=form, documents=rows,
                           categories=category_choices(categories), category=category, q=q,
                           labels=_labels(), draft_key=draft_key,
                           max_mb=service.max_megabytes(),
                           show_reference=access_to_file(actor, case)), status


def access_to_file(actor, case) -> bool:
    from ..notes.access import is_case_staff
    return is_case_staff(actor, case)


@bp.route("/documents/<document_id>", methods=["GET"])
def document(document_id):
    actor = current_user
    row = service.read_document(actor, access.get_document_for(actor, document_id))
    return render_template("documents/document.html", document=row, case=row.case,
                           form=VersionForm(), labels=_labels(),
                           max_mb=service.max_megabytes(),
                           show_reference=access_to_file(actor, row.case))


@bp.route("/documents/<document_id>/versions", methods=["POST"])
def new_version(document_id):
    actor = current_user
    row = access.get_document_for(actor, document_id)
    form = VersionForm()
    storage, status = _file_or_error(form)
    if storage is not None and form.validate_on_submit():
        try:
            with attempt():
                version = service.add_version(actor, row, source=storage.stream,
                                              filename=storage.filename)
        except DomainError as exc:
            if exc.status == 404:
                raise
            _upload_errors(form, exc)
            status = exc.status
        else:
            flash(_("Version %(number)s added.", number=version.number), "ok")
            return redirect(url_for("documents.document", document_id=row.id))
    service.read_document(actor, row)
    return render_template("documents/document.html", document=row, case=row.case,
                           form=form, labels=_labels(),
                           max_mb=service.max_megabytes(),
                           show_reference=access_to_file(actor, row.case)), status or 400


@bp.route("/documents/<document_id>/versions/<int:number>/download")
def download(document_id, number):
    actor = current_user
    row = access.get_document_for(actor, document_id)
    version, chunks = service.open_version(actor, row, number,
                                           for_the_person=request.args.get("copy") == "1")
    return transfer.send(version, chunks)
