"""Save, restore and discard a form's draft. Drafts belong to their author alone."""
import json
import uuid
from datetime import timedelta

from sqlalchemy import delete, select
from werkzeug.datastructures import MultiDict

from ..database import utcnow
from ..errors import Invalid
from ..extensions import db
from ..labels import N_
from .models import FormDraft

# The forms that keep drafts (the long ones), and fields never stored (tokens, passwords).
NEW_REFERRAL = "referral:new"
DRAFTABLE = frozenset({NEW_REFERRAL})
# Long forms about one record keep one draft per record: "<form>:<record id>" (the
# assistance plan's forms, per case).
PER_RECORD = frozenset({"plan-needs", "plan-risk", "plan-goal", "plan-review",
                        "plan-feedback"})
NEVER_STORED = {"csrf_token", "password", "otp"}
MAX_DRAFT_BYTES = 64_000
KEEP_FOR = timedelta(days=7)


def per_record_key(form: str, record_id) -> str:
    if form not in PER_RECORD:
        raise ValueError(f"{form!r} keeps no drafts")
    return f"{form}:{record_id}"


def _is_per_record(form_key: str) -> bool:
    form, _, record_id = (form_key or "").partition(":")
    try:
        uuid.UUID(record_id)
    except ValueError:
        return False
    return form in PER_RECORD and per_record_key(form, uuid.UUID(record_id)) == form_key


def _check_key(form_key: str):
    if form_key not in DRAFTABLE and not _is_per_record(form_key):
        raise Invalid("form_key", N_("this form does not keep drafts"))


def save_draft(user, form_key: str, form: MultiDict) -> FormDraft:
    _check_key(form_key)
    data = [(k, v) for k, v in form.items(multi=True) if k not in NEVER_STORED]
    content = json.dumps(data, ensure_ascii=False)
    if len(content.encode()) > MAX_DRAFT_BYTES:
        raise Invalid("draft", N_("too long to keep as a draft"))
    draft = db.session.scalar(select(FormDraft).where(FormDraft.user_id == user.id,
                                                      FormDraft.form_key == form_key))
    if draft is None:
        draft = FormDraft(user_id=user.id, form_key=form_key)
        db.session.add(draft)
    draft.content = content
    draft.saved_at = utcnow()
    db.session.flush()
    return draft


def load_draft(user, form_key: str) -> tuple[MultiDict, object] | None:
    """The draft as form data and when it was saved, if there is a fresh one."""
    draft = db.session.scalar(select(FormDraft).where(FormDraft.user_id == user.id,
                                                      FormDraft.form_key == form_key))
    if draft is None:
        return None
    if draft.saved_at < utcnow() - KEEP_FOR:
        db.session.delete(draft)
        return None
    return MultiDict(json.loads(draft.content or "[]")), draft.saved_at


def discard_draft(user, form_key: str):
    db.session.execute(delete(FormDraft).where(FormDraft.user_id == user.id,
                                               FormDraft.form_key == form_key))


def purge_old_drafts(now=None) -> int:
    return db.session.execute(delete(FormDraft).where(
        FormDraft.saved_at < (now or utcnow()) - KEEP_FOR)).rowcount
