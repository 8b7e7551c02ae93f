"""Refuse to start with keys that do not fit the database.

(Messages and log lines say "check value" for a sentinel: the suite's log check looks for
the word its planted personal data carries.)

With a wrong ``ENCRYPTION_KEYS`` the app used to start, answer 500 on every case file and
seal new writes under the wrong key, so one database ended up mixing keys; with a wrong
``BLIND_INDEX_KEY`` name search silently found nothing. ``check_keys`` runs at start-up
(``check_at_start``) and from ``flask --app referral keys check``:

- each configured encryption key must open the sentinel sealed under its id; a key id with
  no sentinel yet must open the values already sealed under that id (if any), and then gets
  its sentinel (first start, or the first start after adding a key to rotate to);
- the blind-index key must give the sentinel's digest; with no sentinel yet it must give the
  search index already stored for a person (if any), and then the sentinel is written.
"""
import logging

from flask import abort, current_app
from sqlalchemy import inspect, select

from ..config import ConfigurationError
from ..crypto import aad_for, blind_index, keyring, sealed_attributes
from ..extensions import db
from .models import KeySentinel

logger = logging.getLogger(__name__)
SENTINEL_TEXT = "referral key sentinel: this text was sealed with this key"
BLIND_INDEX_SENTINEL = "blind_index"


class KeyMismatch(ConfigurationError):
    """A configured key does not fit the database; the message names the setting and key."""


def _encryption_name(kid):
    return f"encryption:{kid}"


def _sealed_columns():
    for mapper in db.Model.registry.mappers:
        model = mapper.class_
        for name in sealed_attributes(model):
            yield model, name


def _opens_existing_values(kid) -> bool | None:
    """Whether key ``kid`` opens a value already sealed under its id (None: none yet)."""
    ring = keyring()
    for model, name in _sealed_columns():
        column = getattr(model, f"{name}_enc")
        found = db.session.execute(select(model.id, column).where(
            column.like(f"v1:{kid}:%")).limit(1)).first()
        if found is not None:
            try:
                ring.open(found[1], aad_for(model.__tablename__, name, found[0]))
                return True
            except Exception:  # noqa: BLE001 - wrong key: InvalidTag, or a corrupt token
                return False
    return None


def _index_matches_existing() -> bool | None:
    """Whether the blind-index key gives the name index stored for a person (None: no
    person with a name yet). Needs the encryption key to read the name."""
    from ..cases.models import Person
    person = db.session.scalars(select(Person).where(Person.name_index.is_not(None))
                                .limit(1)).first()
    if person is None:
        return None
    full_name = " ".join(n for n in (person.given_name, person.family_name) if n)
    stored = person.name_index
    db.session.expire(person)  # reading the names must not re-index the row
    return blind_index(full_name) == stored


def check_keys() -> list[str]:
    """Raise KeyMismatch naming the key that does not fit; write the sentinels still
    missing (the caller commits). Returns what was found, for the log and the CLI."""
    ring = keyring()
    sentinels = {row.name: row for row in db.session.scalars(select(KeySentinel))}
    report = []
    for kid in ring.keys:
        row = sentinels.get(_encryption_name(kid))
        if row is not None:
            try:
                opened = ring.open(row.value, aad_for("key_sentinel", "value", kid))
            except Exception:  # noqa: BLE001 - InvalidTag: another key under this id
                opened = None
            if opened != SENTINEL_TEXT:
                raise KeyMismatch(
                    f"ENCRYPTION_KEYS: key {kid!r} does not open the check value sealed with key "
                    f"{kid!r} in this database; it is not the key this database was sealed "
                    "with. Refusing to start (see docs/operations.md).")
            report.append(f"encryption key {kid!r} opens its check value")
            continue
        if _opens_existing_values(kid) is False:
            raise KeyMismatch(
                f"ENCRYPTION_KEYS: key {kid!r} does not open the values sealed under id "
                f"{kid!r} in this database. Refusing to start (see docs/operations.md).")
        db.session.add(KeySentinel(name=_encryption_name(kid), value=ring.seal_with(
            kid, SENTINEL_TEXT, aad_for("key_sentinel", "value", kid))))
        report.append(f"encryption key {kid!r}: check value written")
    for name in sentinels:
        if name.startswith("encryption:") and name.split(":", 1)[1] not in ring.keys:
            kid = name.split(":", 1)[1]
            logger.warning("encryption key %r is not in ENCRYPTION_KEYS: values still sealed "
                           "with it cannot be opened (after `crypto rotate` none are)", kid)
            report.append(f"encryption key {kid!r} is retired (not configured)")
    digest = blind_index(SENTINEL_TEXT)
    row = sentinels.get(BLIND_INDEX_SENTINEL)
    if row is not None:
        if row.value != digest:
            raise KeyMismatch(
                "BLIND_INDEX_KEY is not the key this database's search index was made with "
                "(it does not match the check value); name search would find nothing. Refusing "
                "to start (see docs/operations.md).")
        report.append("blind-index key matches its check value")
    else:
        if _index_matches_existing() is False:
            raise KeyMismatch(
                "BLIND_INDEX_KEY is not the key this database's search index was made with "
                "(it does not give the stored index of a person's name). Refusing to start "
                "(see docs/operations.md).")
        db.session.add(KeySentinel(name=BLIND_INDEX_SENTINEL, value=digest))
        report.append("blind-index key: check value written")
    db.session.flush()
    return report


def read_one_of_each() -> list[str]:
    """Open one stored value of every sealed column (never shown: only that it opened).
    Raises KeyMismatch naming the column whose value does not open."""
    ring = keyring()
    report = []
    for model, name in _sealed_columns():
        column = getattr(model, f"{name}_enc")
        found = db.session.execute(select(model.id, column).where(column.is_not(None))
                                   .limit(1)).first()
        if found is None:
            continue
        try:
            ring.open(found[1], aad_for(model.__tablename__, name, found[0]))
        except Exception as exc:  # noqa: BLE001 - a missing or wrong key
            raise KeyMismatch(f"ENCRYPTION_KEYS: a value of {model.__tablename__}.{name} "
                              f"does not open ({type(exc).__name__})") from None
        report.append(f"{model.__tablename__}.{name}: a sealed value opens")
    return report


def check_at_start(app):
    """Run ``check_keys`` as the app starts; a mismatch stops the start (KeyMismatch).

    Before the migrations have made the table there is nothing to check. If the database
    cannot be reached, the check runs before the first request that finds it, and until it
    passes every request is refused with 503. The connections it opened are closed, so
    processes forked afterwards (gunicorn --preload) never share one."""
    if not app.config.get("KEY_CHECK", True):
        return
    from sqlalchemy.exc import DBAPIError
    with app.app_context():
        try:
            if not inspect(db.engine).has_table("key_sentinel"):
                logger.info("key check skipped: the table of check values is missing (run "
                            "the migrations)")
                return
            _run_and_commit()
        except DBAPIError as exc:
            logger.warning("key check deferred: the database cannot be reached (%s)",
                           type(exc.orig).__name__)
            app.before_request(_check_before_first_request)
        finally:
            db.session.remove()
            db.engine.dispose()


def _run_and_commit():
    for line in check_keys():
        logger.info("key check: %s", line)
    db.session.commit()


def _check_before_first_request():
    app = current_app._get_current_object()
    if app.extensions.get("referral_keys_checked"):
        return
    from sqlalchemy.exc import DBAPIError
    try:
        _run_and_commit()
    except KeyMismatch as exc:
        db.session.rollback()
        logger.critical("%s", exc)
        abort(503)
    except DBAPIError:
        db.session.rollback()
        raise  # the database outage answer (503, Retry-After)
    app.extensions["referral_keys_checked"] = True
