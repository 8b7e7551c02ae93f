"""At start-up the keys must fit the database: each encryption key opens the sentinel sealed
with it, the blind-index key matches its sentinel; otherwise the app refuses to start and
names the key. A wrong key used to start, answer 500 on case files and seal new writes under
the wrong key; a wrong search key made name search silently find nothing."""
import base64
import os

import pytest
from sqlalchemy import select

from referral import create_app
from referral.extensions import db
from referral.keys.models import KeySentinel
from referral.keys.service import KeyMismatch


def a_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def start(app, **settings):
    """Start the app again on the same database, as a restart or a restore would."""
    return create_app({"TESTING": True, "SECRET_KEY": "x" * 32,
                       "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
                       "REDIS_URL": None, "RATELIMIT_ENABLED": False,
                       "ENCRYPTION_KEYS": app.config["ENCRYPTION_KEYS"],
                       "BLIND_INDEX_KEY": app.config["BLIND_INDEX_KEY"], **settings})


def run(started, *args):
    """A flask command of ``started`` (the tests hold another app's context open)."""
    with started.app_context():
        result = started.test_cli_runner().invoke(args=list(args))
        db.session.remove()
    return result


def kid(app):
    return app.config["ENCRYPTION_KEYS"].split(",")[0].split(":")[0]


def sentinels():
    db.session.expire_all()
    return set(db.session.scalars(select(KeySentinel.name)))


def test_the_first_start_writes_a_sentinel_per_key(app):
    start(app)
    assert sentinels() == {f"encryption:{kid(app)}", "blind_index"}


def test_a_wrong_encryption_key_is_refused_at_start_naming_it(app):
    start(app)
    with pytest.raises(KeyMismatch, match=f"ENCRYPTION_KEYS: key '{kid(app)}'"):
        start(app, ENCRYPTION_KEYS=f"{kid(app)}:{a_key()}")


def test_a_wrong_key_is_refused_before_any_sentinel_if_it_cannot_open_the_data(app, a_case):
    """A database sealed before the sentinels existed: the first start checks the key on
    the values already sealed, and writes no sentinel for a key that does not open them."""
    with pytest.raises(KeyMismatch, match=f"key '{kid(app)}' does not open the values"):
        start(app, ENCRYPTION_KEYS=f"{kid(app)}:{a_key()}")
    assert f"encryption:{kid(app)}" not in sentinels()
    start(app)  # the right key still starts, and then writes its sentinel
    assert f"encryption:{kid(app)}" in sentinels()


def test_a_wrong_blind_index_key_is_refused_at_start_naming_it(app, a_case):
    with pytest.raises(KeyMismatch, match="BLIND_INDEX_KEY"):  # before any sentinel
        start(app, BLIND_INDEX_KEY="another search key")
    start(app)
    with pytest.raises(KeyMismatch, match="BLIND_INDEX_KEY"):  # against the sentinel
        start(app, BLIND_INDEX_KEY="another search key")


def test_rotating_adds_a_key_and_retiring_the_old_one_after_rotate_still_starts(app, a_case):
    start(app)
    old, new = app.config["ENCRYPTION_KEYS"], f"k-next:{a_key()}"
    rotated = start(app, ENCRYPTION_KEYS=f"{new},{old}")
    assert "encryption:k-next" in sentinels()
    result = run(rotated, "crypto", "rotate")
    assert result.exit_code == 0, result.output
    retired = start(app, ENCRYPTION_KEYS=new)  # the old key can go once nothing uses it
    result = run(retired, "keys", "check", "--read-every-column")
    assert result.exit_code == 0, result.output
    assert f"encryption key '{kid(app)}' is retired" in result.output
    assert "person.given_name: a sealed value opens" in result.output


def test_keys_check_command_names_the_key_that_does_not_fit(app, a_case):
    start(app)
    wrong = create_app({"TESTING": True, "SECRET_KEY": "x" * 32, "KEY_CHECK": False,
                        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
                        "REDIS_URL": None, "ENCRYPTION_KEYS": app.config["ENCRYPTION_KEYS"],
                        "BLIND_INDEX_KEY": "another search key"})
    result = run(wrong, "keys", "check")
    assert result.exit_code == 1 and "BLIND_INDEX_KEY" in result.output
