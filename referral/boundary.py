"""The request boundary: every request runs under the access policy, in one transaction.

``register(app)`` wraps every view function of the app once, so that no handler can skip it:

1. The endpoint's row in ``referral.policy`` decides who may call it, before the handler runs:
   an anonymous caller gets 401 (the sign-in page for pages), a role the row does not list
   gets 403. An endpoint with no row makes the app refuse to start.
2. The handler runs. Services only flush; handlers and views never commit.
3. The transaction commits once if the handler returned and nothing was refused, and rolls
   back if it raised. What a refusal must keep (its audit entry, the refused attempt shown to
   supervisors, a failed sign-in) is attached to the error with ``DomainError.keep`` and
   written after the rollback, in a transaction of its own.

A page that shows a refusal as a form error runs the change inside ``attempt()``: a savepoint
that undoes the change's writes and writes what the refusal keeps, while the request's reads
(and their audit entries) still commit. A refusal a view swallows outside ``attempt()`` rolls
the whole request back: half of a refused change is never committed.
"""
import logging
from contextlib import contextmanager
from functools import wraps

from flask import current_app, g, request
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError

from .errors import DomainError, Invalid
from .extensions import db
from .labels import N_
from .submissions import service as submissions

logger = logging.getLogger(__name__)


def _refusals() -> list:
    return g.setdefault("_boundary_refusals", [])


def note_refusal(exc: DomainError):
    """Called by every DomainError raised while a request is handled (errors.py)."""
    _refusals().append(exc)


def _run_keeps(errors):
    """Write what the refusals keep, in the current (fresh) transaction."""
    for exc in errors:
        for keep in exc.kept:
            keep()
        exc.kept.clear()


@contextmanager
def attempt():
    """A change that may be refused, inside a request that goes on (a form shown again with
    the error). On a DomainError the change's writes are undone and what the refusal keeps
    is written; the error propagates for the view to show."""
    try:
        with db.session.begin_nested():
            yield
    except DomainError as exc:
        exc.undone = True
        _run_keeps([exc])
        raise


@contextmanager
def unit_of_work():
    """The boundary for work outside a request (commands, tasks, tests): commit once at the
    end; on an error roll back, write what a refusal keeps, and let the error go on."""
    try:
        yield
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        _run_keeps([exc])
        db.session.commit()
        raise
    except BaseException:
        db.session.rollback()
        raise


def _finish(response):
    pending = [exc for exc in g.get("_boundary_refusals", ()) if not exc.undone]
    if pending:  # a refusal was swallowed outside attempt(): nothing of the change may stay
        db.session.rollback()
        _run_keeps(pending)
    db.session.commit()  # an audited read's entries: one plain INSERT (audit.service)
    return response


def _fail(exc):
    db.session.rollback()
    errors = [e for e in g.get("_boundary_refusals", ()) if e.kept]
    if errors:
        try:
            _run_keeps(errors)
            db.session.commit()
        except Exception:  # the refusal still answers; its trace is logged, not lost silently
            db.session.rollback()
            logger.exception("could not record a refusal after %s", type(exc).__name__)


def _database_error(exc):
    """A write the database refused because of what the client sent: a 4xx naming the field.

    Services check their references and ranges first; this is the net under them, so that a
    constraint the client can reach never answers 500."""
    orig = getattr(exc, "orig", None)
    diag = getattr(orig, "diag", None)
    constraint = getattr(diag, "constraint_name", None) or ""
    column = getattr(diag, "column_name", None)
    field = _field_of(constraint) or column or "request"
    if isinstance(exc, IntegrityError):
        if constraint.startswith("fk_") or "FOREIGN KEY" in str(orig):
            return Invalid(field, N_("refers to a record that does not exist"))
        if constraint.startswith(("uq_", "ix_")) or "UNIQUE" in str(orig):
            return Invalid(field, N_("already exists"))
        if "NOT NULL" in str(orig) or getattr(orig, "sqlstate", "") == "23502":
            return Invalid(field, N_("is required"))
        return Invalid(field, N_("is not allowed here"))
    return Invalid(field, N_("is out of range"))


def _field_of(constraint: str) -> str | None:
    """``fk_provider_agency_id_agency`` -> ``agency_id``; ``uq_provider_name`` -> ``name``."""
    from .extensions import db as _db
    for table in _db.metadata.tables.values():
        for item in table.constraints:
            if item.name == constraint:
                columns = [c.name for c in item.columns]
                return columns[0] if len(columns) == 1 else ", ".join(columns)
    return None


def repeatable(view):
    """Marks a view that is meant to be sent again and again with the same form (a draft
    saved as the user types): its idempotency key belongs to the form's final submit."""
    view.__repeatable__ = True
    return view


def _claim_submission():
    """A creating request with an idempotency key is acted on once (referral.submissions)."""
    key = submissions.key_of(request)
    user_id = submissions.resolve_user_id() if key else None
    if user_id is None:
        return None
    return submissions.claim(user_id, key, request.endpoint)


def transactional(view):
    repeatable_view = getattr(view, "__repeatable__", False)

    @wraps(view)
    def run(*args, **kwargs):
        """A read that met a connection the database had dropped (a restart, a failover:
        the pool keeps no ping before each checkout) runs once more on a fresh one. Writes
        are not repeated here: they answer 503, and the client's idempotency key makes
        sending them again safe."""
        try:
            return once(*args, **kwargs)
        except DBAPIError as exc:
            if not (exc.connection_invalidated and request.method in ("GET", "HEAD")):
                raise
            logger.warning("database connection dropped on %s; reading again",
                           request.url_rule.rule if request.url_rule else "?")
            db.session.rollback()
            # Every idle connection of the pool met the same restart: replace them all
            # (connections other threads hold are left to them) so the retry gets a new one.
            db.engine.dispose(close=False)
            return once(*args, **kwargs)

    def once(*args, **kwargs):
        from . import policy
        g._boundary_refusals = []
        try:
            policy.check(request.endpoint, request.method)
        except DomainError:
            db.session.commit()  # nothing but sign-in bookkeeping so far (a session ended)
            raise
        except BaseException:
            db.session.rollback()  # e.g. the database went away while reading the caller
            raise
        try:
            submission = None if repeatable_view else _claim_submission()
            if submission is not None and submission.status is not None:
                return _finish(submissions.replay(submission))
            response = current_app.make_response(view(*args, **kwargs))
            if submission is not None:
                submissions.answer(submission, response)
            return _finish(response)
        except (IntegrityError, DataError) as exc:
            _fail(exc)
            raise _database_error(exc) from None
        except BaseException as exc:
            _fail(exc)
            raise
    run.__boundary__ = True
    return run


def register(app):
    """Wrap every view function; refuse to start if an endpoint has no policy row."""
    from . import policy
    policy.validate(app)
    for endpoint, view in list(app.view_functions.items()):
        if not getattr(view, "__boundary__", False):
            app.view_functions[endpoint] = transactional(view)
