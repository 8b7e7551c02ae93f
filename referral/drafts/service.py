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
# Forms about one record keep one draft per record: "<prefix>:<record id>" (a note typed on
# one case never comes back on another; the assistance plan's forms, per case).
DRAFTABLE_PER_RECORD = frozenset({"note", "person", "document", "plan-needs", "plan-risk",
                                  "plan-goal", "plan-review", "plan-feedback"})
NEVER_STORED = {"csrf_token", "password", "otp"}
MAX_DRAFT_BYTES = 64_000
KEEP_FOR = timedelta(days=7)


def record_key(prefix: str, record_id) -> str:
    if prefix not in DRAFTABLE_PER_RECORD:
        raise ValueError(f"{prefix!r} keeps no drafts")
    return f"{prefix}:{record_id}"


per_record_key = record_key


def _check_key(form_key: str):
    prefix, _, record_id = form_key.partition(":")
    if form_key in DRAFTABLE or prefix in DRAFTABLE_PER_RECORD and _is_uuid(record_id):
        return
    raise Invalid("form_key", N_("this form does not keep drafts"))


def _is_uuid(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


def save_draft(user, form_key: str, form: MultiDict) -> FormDraft | None:
    """Keep what is typed. A save that arrives after its form was submitted (the last
    keystroke's save landing after the submit) is dropped: the form it came from carried
    an idempotency key that is now answered, and its content must not fill the next form."""
    _check_key(form_key)
    from ..submissions.service import FIELD, was_submitted
    if was_submitted(user, form.get(FIELD)):
        return None
    data = [(k, v) for k, v in form.items(multi=True)
            if k not in NEVER_STORED and k != FIELD]
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
