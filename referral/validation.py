"""Input limits every request obeys, before any handler reads it (the request boundary).

- A JSON body is parsed once here: not nested deeper than ``MAX_JSON_DEPTH``, no lone
  surrogate in any string (PostgreSQL cannot store one), no integer beyond 64 bits, no NUL.
  A bad body is a 422 naming the field (its path in the document), never a 500.
- Every API schema derives from ``Schema`` here: dates and times it loads lie between
  ``EARLIEST`` and ``LATEST`` (a birth in year 1 or a hearing in 9999 is a typing error, and
  date arithmetic on them overflows).
- The body size is capped by ``MAX_CONTENT_LENGTH`` (413); an upload endpoint may allow
  more for its own request.
"""
import json
import re
from datetime import date, datetime

import marshmallow
from flask import has_request_context, request
from marshmallow import ValidationError, fields, post_load, pre_load, validate

from .errors import Invalid
from .labels import N_

MAX_JSON_DEPTH = 32
INT_LIMIT = 2 ** 63
EARLIEST = date(1900, 1, 1)
LATEST = date(2200, 12, 31)
_SURROGATE = re.compile("[\ud800-\udfff]")


def _path(parts) -> str:
    return ".".join(str(p) for p in parts) or "request"


def _check(value, parts, depth):
    if depth > MAX_JSON_DEPTH:
        raise Invalid(_path(parts), N_("is nested too deeply"))
    if isinstance(value, dict):
        for key, item in value.items():
            if _SURROGATE.search(key) or "\x00" in key:
                raise Invalid(_path(parts), N_("contains characters that are not text"))
            _check(item, [*parts, key], depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check(item, [*parts, index], depth + 1)
    elif isinstance(value, str):
        if _SURROGATE.search(value) or "\x00" in value:
            raise Invalid(_path(parts), N_("contains characters that are not text"))
    elif isinstance(value, int) and not isinstance(value, bool):
        if not -INT_LIMIT <= value < INT_LIMIT:
            raise Invalid(_path(parts), N_("is out of range"))


def checked_json(data: bytes | str):
    """The JSON document, or 422 naming what is wrong with it."""
    try:
        value = json.loads(data)
    except RecursionError:
        raise Invalid("request", N_("is nested too deeply")) from None
    except ValueError:  # not JSON, or an integer too long to read
        raise Invalid("request", N_("is not valid JSON")) from None
    _check(value, [], 0)
    return value


def check_request_body():
    """``before_request``: a JSON body is checked before anything parses it again."""
    if request.method in ("GET", "HEAD", "OPTIONS", "DELETE") or not request.is_json:
        return
    data = request.get_data(cache=True)
    if data.strip():
        checked_json(data)


def _check_moments(value, parts):
    if isinstance(value, (date, datetime)):
        day = value.date() if isinstance(value, datetime) else value
        if not EARLIEST <= day <= LATEST:
            raise ValidationError({_path(parts): [N_("must be between %(earliest)s and "
                                                     "%(latest)s") % {
                "earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()}]})
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_moments(item, [*parts, key])
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _check_moments(item, [*parts, index])


class Schema(marshmallow.Schema):
    """The base of every API schema: a JSON boolean is ``true`` or ``false`` (not ``0`` nor
    ``"false"``), and loaded dates and times lie in a plausible range."""

    @pre_load
    def _strict_booleans(self, data, **kwargs):
        if not (has_request_context() and request.is_json and isinstance(data, dict)):
            return data  # query strings carry booleans as text: "true", "1"
        for name, field in self.load_fields.items():
            key = field.data_key or name
            if isinstance(field, fields.Boolean) and key in data \
                    and data[key] is not None and not isinstance(data[key], bool):
                raise ValidationError({key: [N_("true or false")]})
        return data

    @post_load
    def _dates_in_range(self, data, **kwargs):
        _check_moments(data, [])
        return data


def init_app(app):
    if app.config.get("MAX_CONTENT_LENGTH") is None:  # Flask's default is no limit at all
        app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_BODY_BYTES"]
    app.before_request(check_request_body)


class AdverseStepSchema(Schema):
    """What every adverse step gives (ID-6, NC-3), the same for the web form and the API:
    a reason code from the action's closed list (``workflows.reasons``; the service checks
    the list), the person's view or that they declined to give one, and free text second."""
    reason_code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    person_view = fields.String(load_default=None, validate=validate.Length(max=2000))
    person_view_declined = fields.Boolean(load_default=False)
    reason = fields.String(load_default=None, validate=validate.Length(max=2000))

    @classmethod
    def from_form(cls, form) -> dict:
        """Load a web form's fields through the same schema (a ticked box is ``True``)."""
        data = {key: (form.get(key) or "").strip() or None
                for key in ("reason_code", "person_view", "reason")}
        data = {k: v for k, v in data.items() if v is not None}
        data["person_view_declined"] = bool(form.get("person_view_declined"))
        try:
            return cls().load(data)
        except ValidationError as exc:  # a page shows it like any refusal, never a 500
            field, messages = next(iter(exc.normalized_messages().items()))
            raise Invalid(field, messages[0] if isinstance(messages, list) else str(messages))
