from flask import (Blueprint, flash, has_request_context, redirect, render_template, request,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user

from ..web import add_error
from ..boundary import attempt
from ..cases.service import register_history_source
from ..labels import code_label
from ..drafts import service as drafts
from ..errors import DomainError
from ..i18n import follow_up_label
from . import access, service
from .forms import CorrectionForm, NoteForm
from .models import CONTACT_KINDS

bp = Blueprint("notes", __name__)
PER_PAGE = 50


@register_history_source(service.timeline_rows)
def timeline(case, rows) -> list[dict]:
    """The case file's timeline lines for notes: each names its kind and links to the note.
    Worded and linked once per kind and per case, not once per line: a file holds hundreds."""
    items = service.timeline_items(rows)
    if not has_request_context():
        return items
    base = url_for("notes.case_notes", case_id=case.id)
    labels = {}
    for item in items:
        kind = item["kind"]
        if kind not in labels:
            labels[kind] = _("Contact: %(kind)s", kind=code_label(kind))
        item["label"] = labels[kind] + (f" ({_('interpreter')})"
                                        if item["interpreter_used"] else "")
        item["href"] = f"{base}#note-{item['note_id']}"
    return items


def _form_error(form, exc):
    field = getattr(form, exc.key, None)
    add_error(field if field is not None and hasattr(field, "errors") else form.body,
              exc.localized())


def _note_form(actor, case, **kwargs):
    form = NoteForm(**kwargs)
    form.set_follow_ups(service.pending_follow_ups(actor, case),
                        lambda row: f"{follow_up_label(row.kind)} — "
                                    f"{row.due_at:%Y-%m-%d}")
    return form


def _permissions(actor, case):
    return {"may_share": access.may_share(actor, case),
            "may_link": access.may_link_follow_ups(actor, case)}


@bp.route("/cases/<case_id>/notes", methods=["GET", "POST"])
def case_notes(case_id):
    actor = current_user
    case = access.get_case_for_notes(actor, case_id, write=request.method == "POST")
    may_write = actor.has_role(*access.WRITERS)
    draft_key = drafts.record_key("note", case.id)
    restored = None
    if request.method == "GET" and may_write and \
            (draft := drafts.load_draft(actor, draft_key)):
        data, restored = draft
        form = _note_form(actor, case, formdata=data)
    else:
        form = _note_form(actor, case)
    permissions = _permissions(actor, case)
    if request.method == "POST" and form.validate_on_submit():
        try:
            with attempt():
                service.record_contact(actor, case, **form.contact(**permissions))
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            _form_error(form, exc)
        else:
            drafts.discard_draft(actor, draft_key)
            flash(_("Contact recorded."), "ok")
            return redirect(url_for("notes.case_notes", case_id=case.id))
    kind = request.args.get("kind") or None
    page = max(1, request.args.get("page", 1, type=int))
    rows, total = service.notes_for(actor, case, page=page, per_page=PER_PAGE,
                                    kind=kind if kind in CONTACT_KINDS else None)
    return render_template(
        "notes/case.html", case=case, form=form, notes=rows, total=total, page=page,
        pages=max(1, -(-total // PER_PAGE)), kind=kind, may_write=may_write,
        show_reference=access.is_case_staff(actor, case), draft_key=draft_key,
        restored=restored, correction_form=CorrectionForm(),
        editable={n.id for n in rows if service.may_edit(actor, n)},
        correctable={n.id for n in rows if access.may_correct(actor, case, n)},
        **permissions), 400 if form.errors else 200


@bp.route("/notes/<note_id>/edit", methods=["GET", "POST"])
def edit_note(note_id):
    actor = current_user
    note = access.get_note_for(actor, note_id, write=True)
    case = note.case
    form = _note_form(actor, case, obj=None if request.method == "POST" else _as_form(note))
    permissions = _permissions(actor, case)
    if request.method == "POST" and form.validate_on_submit():
        try:
            with attempt():
                service.edit_note(actor, case, note, **form.contact(**permissions))
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            _form_error(form, exc)
        else:
            flash(_("Note changed."), "ok")
            return redirect(url_for("notes.case_notes", case_id=case.id))
    service.read_note(actor, case, note)
    return render_template("notes/edit.html", case=case, note=note, form=form,
                           may_edit=service.may_edit(actor, note),
                           until=service.editable_until(note),
                           show_reference=access.is_case_staff(actor, case),
                           **permissions), 400 if form.errors else 200


def _as_form(note):
    class Data:
        pass
    data = Data()
    for name in ("kind", "duration_minutes", "person_present", "participants",
                 "interpreter_used", "interpreter_language", "body", "shared_with_shelter",
                 "shared_with_legal_aid"):
        setattr(data, name, getattr(note, name))
    data.occurred_at = note.occurred_at.replace(tzinfo=None)
    data.follow_up_id = str(note.follow_up_id) if note.follow_up_id else ""
    return data


@bp.route("/notes/<note_id>/corrections", methods=["POST"])
def correct_note(note_id):
    actor = current_user
    note = access.get_note_for(actor, note_id, write=True)
    form = CorrectionForm()
    if not form.validate_on_submit():
        flash(_("Give the correction and a reason of at least 10 characters."), "error")
    else:
        try:
            with attempt():
                service.correct_note(actor, note.case, note, body=form.body.data,
                                     reason=form.reason.data)
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            flash(exc.localized(), "error")
        else:
            flash(_("Correction added."), "ok")
    return redirect(url_for("notes.case_notes", case_id=note.case_id) + f"#note-{note.id}")
