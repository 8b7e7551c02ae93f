"""Domain errors and the JSON/HTML handlers that turn them into 4xx answers.

Every error body is ``{"errors": {"<field or rule>": ["message", ...]}}`` (API.md). A refused
state change names the rule that refuses it (e.g. ``"NC-3"``) and answers 409.
"""
import logging

from flask import has_request_context, jsonify, render_template, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from .labels import N_

logger = logging.getLogger(__name__)


class DomainError(Exception):
    """``message`` is English, as the API serves it. Raise sites mark it with ``N_()`` and
    give any values as ``params`` (``N_("one of %(choices)s"), {"choices": ...}``), so that
    a web page can show it in the reader's language with ``localized()``."""
    status = 400

    def __init__(self, key: str, message: str, params: dict | None = None):
        self.key = key
        self.template = message
        self.params = dict(params or {})
        self.message = message % self.params if self.params else message
        self.kept = []  # writes that must outlast the refusal (the request boundary)
        self.undone = False  # its change was rolled back by boundary.attempt()
        super().__init__(f"{key}: {self.message}")
        if has_request_context():
            from .boundary import note_refusal
            note_refusal(self)

    def keep(self, write):
        """``write()`` runs after the refused change is rolled back, in a transaction of its
        own: the audit entry of a refusal, a failed sign-in, a revocation that stands."""
        self.kept.append(write)
        return self

    @property
    def errors(self):
        return {self.key: [self.message]}

    def localized(self) -> str:
        """The message in the language of the current page (English where no catalog has
        it). Only web pages call this; the API keeps ``message``."""
        from flask_babel import gettext
        try:
            text = gettext(self.template)
            return text % self.params if self.params else text
        except (KeyError, ValueError, TypeError):  # a translation that lost a placeholder
            return self.message

    @property
    def localized_errors(self):
        return {self.key: [self.localized()]}


class Invalid(DomainError):
    """Bad input: names the field and the problem."""
    status = 422


class Refused(DomainError):
    """A state change the rules refuse: ``key`` is the rule id (``ID-3``, ``NC-3`` ...)."""
    status = 409

    @property
    def rule(self):
        return self.key


class StaleVersion(DomainError):
    status = 409

    def __init__(self, message=N_("the case changed since you loaded it; reload and try "
                                  "again"), params=None):
        super().__init__("version", message, params)


class NotFound(DomainError):
    status = 404

    def __init__(self, what="record", message=N_("not found"), params=None):
        super().__init__(what, message, params)


class Forbidden(DomainError):
    status = 403

    def __init__(self, what="permission", message=N_("you may not do this"), params=None):
        super().__init__(what, message, params)


class Unauthorized(DomainError):
    status = 401

    def __init__(self, message=N_("sign in first"), params=None):
        super().__init__("auth", message, params)


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_response(errors: dict, status: int, page_errors: dict | None = None):
    """``errors`` as JSON (English, for the API), or the error page showing ``page_errors``
    (the same errors in the reader's language) where given."""
    if wants_json():
        return jsonify({"errors": errors}), status
    return render_template("errors.html", errors=page_errors or errors, status=status), status


def flatten(messages, prefix="") -> dict:
    """Nested marshmallow messages as ``{"person.date_of_birth": ["..."]}``."""
    flat = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, (dict, list)) and not _is_message_list(value):
                flat.update(flatten(value, name))
            else:
                flat[name] = value if isinstance(value, list) else [str(value)]
    elif isinstance(messages, list):
        flat[prefix or "_schema"] = [str(m) for m in messages]
    else:
        flat[prefix or "_schema"] = [str(messages)]
    return flat


def _is_message_list(value) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _http_errors(exc: HTTPException) -> dict:
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages")
    if messages:
        # webargs: {"json": {"field": ["msg"]}} -> {"field": ["msg"]}
        flat = {}
        for location_messages in messages.values():
            flat.update(flatten(location_messages))
        return flat or {"request": [str(messages)]}
    return {exc.name.lower().replace(" ", "_"): [exc.description or exc.name]}


# Werkzeug's own descriptions are English; error pages say these instead, translated.
HTTP_PAGE_MESSAGES = {
    400: N_("the request could not be understood; go back and try again"),
    404: N_("there is no page at this address"),
    405: N_("this page cannot be used that way"),
    413: N_("what was sent is too large"),
    429: N_("too many attempts; wait a minute and try again"),
}


def _http_page_errors(exc: HTTPException) -> dict | None:
    message = HTTP_PAGE_MESSAGES.get(exc.code)
    if message is None or getattr(exc, "data", None):
        return None  # form and argument errors keep their field names and messages
    from flask_babel import gettext
    return {exc.name.lower().replace(" ", "_"): [gettext(message)]}


def register_error_handlers(app):
    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        if exc.status == 401 and not wants_json():
            if request.headers.get("HX-Request"):
                # A part of a page (a draft being saved) asked after the session ended: say
                # so in place; the page and what is typed in it stay.
                return render_template("session_ended.html"), 401
            from .extensions import login_manager
            return login_manager.unauthorized()  # the sign-in page, then back here
        return error_response(exc.errors, exc.status, exc.localized_errors)

    @app.errorhandler(ValidationError)
    def validation_error(exc: ValidationError):
        return error_response(flatten(exc.messages), 422)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        response, status = error_response(_http_errors(exc), exc.code or 500,
                                          _http_page_errors(exc))
        response = app.make_response((response, status))
        for name, value in exc.get_headers():  # Allow on a 405, Retry-After ...
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    register_database_outage_handler(app)

    if app.testing:
        return  # let tests see the traceback of anything unexpected

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):  # never leak internals, never log personal data
        logger.error("unhandled %s on %s %s", type(exc).__name__, request.method,
                     request.url_rule.rule if request.url_rule else "?")
        from flask_babel import gettext
        return error_response({"server": ["an unexpected error occurred"]}, 500,
                              {"server": [gettext("an unexpected error occurred")]})


# ---- the database is unreachable -----------------------------------------------------------

DATABASE_RETRY_AFTER = 30  # seconds: a restart or a fail-over usually takes about that
# SQLSTATE classes that mean the connection, not the request, failed: 08 connection
# exception, 57P01-57P03 the server shutting down or not yet accepting connections.
_OUTAGE_SQLSTATES = ("08", "57P01", "57P02", "57P03")


def is_database_outage(exc) -> bool:
    """The database could not be reached or dropped the connection (not a deadlock, not a
    constraint, not a bad statement)."""
    from sqlalchemy.exc import DBAPIError
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if sqlstate is None:  # psycopg: a failed connect or a closed socket carries none
        return (type(exc.orig).__module__.startswith("psycopg")
                and type(exc.orig).__name__ in ("OperationalError", "InterfaceError"))
    return sqlstate.startswith(_OUTAGE_SQLSTATES)


def register_database_outage_handler(app):
    """A PostgreSQL outage answers 503 with Retry-After (JSON for the API, the error page
    for pages), so clients and people know to try again, and the log says what it was."""
    from sqlalchemy.exc import DBAPIError

    @app.errorhandler(DBAPIError)
    def database_error(exc):
        if not is_database_outage(exc):  # a bug: answered as any unexpected error is
            unexpected = app.error_handler_spec[None][None].get(Exception)
            if unexpected is None:  # tests see the traceback
                raise exc
            return unexpected(exc)
        logger.error("database unreachable on %s %s: %s", request.method,
                     request.url_rule.rule if request.url_rule else "?",
                     type(exc.orig).__name__)
        from flask_babel import gettext
        message = N_("the service is briefly unavailable; try again in a minute")
        response, status = error_response({"database": [message]}, 503,
                                          {"database": [gettext(message)]})
        response = app.make_response((response, status))
        response.headers["Retry-After"] = str(DATABASE_RETRY_AFTER)
        return response
