"""Domain errors and the JSON/HTML handlers that turn them into 4xx answers.

Every error body is ``{"errors": {"<field or rule>": ["message", ...]}}`` (API.md). A refused
state change names the rule that refuses it (e.g. ``"NC-3"``) and answers 409.
"""
import logging

from flask import jsonify, render_template, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

logger = logging.getLogger(__name__)


class DomainError(Exception):
    status = 400

    def __init__(self, key: str, message: str):
        super().__init__(f"{key}: {message}")
        self.key = key
        self.message = message

    @property
    def errors(self):
        return {self.key: [self.message]}


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

    def __init__(self, message="the case changed since you loaded it; reload and try again"):
        super().__init__("version", message)


class NotFound(DomainError):
    status = 404

    def __init__(self, what="record", message="not found"):
        super().__init__(what, message)


class Forbidden(DomainError):
    status = 403

    def __init__(self, what="permission", message="you may not do this"):
        super().__init__(what, message)


class Unauthorized(DomainError):
    status = 401

    def __init__(self, message="sign in first"):
        super().__init__("auth", message)


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_response(errors: dict, status: int):
    if wants_json():
        return jsonify({"errors": errors}), status
    return render_template("errors.html", errors=errors, status=status), status


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


def register_error_handlers(app):
    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        return error_response(exc.errors, exc.status)

    @app.errorhandler(ValidationError)
    def validation_error(exc: ValidationError):
        return error_response(flatten(exc.messages), 422)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return error_response(_http_errors(exc), exc.code or 500)

    if app.testing:
        return  # let tests see the traceback of anything unexpected

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):  # never leak internals, never log personal data
        logger.error("unhandled %s on %s %s", type(exc).__name__, request.method,
                     request.url_rule.rule if request.url_rule else "?")
        return error_response({"server": ["an unexpected error occurred"]}, 500)
