"""Idempotency keys: a creating form or API POST is acted on once.

A page's creating form carries a hidden ``idempotency_key`` made when the form is shown; an
API client may send an ``Idempotency-Key`` header. The request boundary claims the key for
the user before the handler runs, in the request's transaction: a second request with the
same key waits for the first (the unique index), then gets the first one's answer again. A
request that fails leaves no claim, so it can be sent again.
"""
import re
import uuid
from datetime import timedelta

from flask import flash, redirect, request
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..crypto import aad_for, keyring, open_sealed
from ..database import utcnow
from ..errors import Invalid, Refused
from ..extensions import db
from ..labels import N_
from .models import Submission

FIELD = "idempotency_key"
HEADER = "Idempotency-Key"
KEPT_FOR = timedelta(days=1)
_VALID = re.compile(r"^[A-Za-z0-9._:-]{8,80}$")


def new_key() -> str:
    return uuid.uuid4().hex


def key_of(req) -> str | None:
    if req.method != "POST":
        return None
    key = req.headers.get(HEADER) or (req.form.get(FIELD) if req.mimetype in (
        "application/x-www-form-urlencoded", "multipart/form-data") else None)
    if not key:
        return None
    if not _VALID.match(key):
        raise Invalid(FIELD, N_("an idempotency key is 8 to 80 letters, digits or . _ : -"))
    return key


def claim(user_id, key: str, endpoint: str) -> Submission:
    """The key's row for this user: new (to be answered), or the earlier one to replay."""
    row = Submission(user_id=user_id, key=key, endpoint=endpoint)
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        row = db.session.scalar(select(Submission).where(Submission.user_id == user_id,
                                                         Submission.key == key))
        if row is None:  # the first one failed and left nothing: act now
            return claim(user_id, key, endpoint)
        if row.endpoint != endpoint:
            raise Invalid(FIELD, N_("this idempotency key was used for another request"))
        if row.status is None:
            raise Refused("IDEMPOTENCY", N_("the same request is still being processed"))
    return row


def answer(row: Submission, response):
    """Remember the first answer (only a success: a refusal may be corrected and sent
    again with the same key)."""
    if response.status_code >= 400:
        db.session.delete(row)
        return
    row.status = response.status_code
    row.location = response.headers.get("Location")
    if response.mimetype == "application/json":
        row.body_enc = keyring().seal(response.get_data(as_text=True),
                                      aad_for("submission", "body", row.id))
    row.answered_at = utcnow()


def replay(row: Submission):
    """The first answer again: the same body (API) or the same page (a form)."""
    from flask import current_app
    if row.body_enc is not None:
        body = open_sealed("submission", "body", row.id, row.body_enc)
        response = current_app.response_class(body, status=row.status,
                                              mimetype="application/json")
    elif row.location:
        from flask_babel import gettext
        flash(gettext("This was already done once; it was not done again."), "ok")
        response = redirect(row.location)
    else:
        response = current_app.response_class(status=row.status or 204)
    response.headers["Idempotent-Replayed"] = "true"
    return response


def was_submitted(user, key) -> bool:
    """Whether this user's form with this key has been acted on."""
    if not key:
        return False
    return db.session.scalar(select(Submission.id).where(Submission.user_id == user.id,
                                                        Submission.key == key)) is not None


def purge_old(now=None) -> int:
    """Keys are kept a day: long enough for any retry, not a record of work."""
    now = now or utcnow()
    return db.session.execute(delete(Submission).where(
        Submission.created_at < now - KEPT_FOR)).rowcount or 0


def hidden_field():
    """``{{ idempotency_field() }}`` in a creating form: a key made when the form is shown."""
    from markupsafe import Markup
    # Markup.format escapes both values; the template string is the only markup.
    return Markup('<input type="hidden" name="{}" value="{}">').format(FIELD, new_key())


def resolve_user_id():
    """The caller the policy check resolved: the bearer token's user, or the signed-in
    user of a page. None for anonymous requests (they create nothing)."""
    if request.path.startswith("/api/"):
        actor = getattr(request, "_referral_actor", None)
        return getattr(actor, "id", None)
    from flask_login import current_user
    return current_user.id if current_user.is_authenticated else None
