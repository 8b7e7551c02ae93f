"""Authentication: MFA with replay protection, a lockout that cannot deny service, rate
limits on sign-in, CSRF on forms."""
from datetime import datetime, timedelta, timezone

import pyotp
import pytest
from freezegun import freeze_time

from referral import create_app
from referral.accounts import service as accounts
from referral.errors import Unauthorized
from referral.boundary import unit_of_work
from referral.extensions import db
from tests.factories import PASSWORD, create_user, token_headers


def test_supervisors_need_mfa_unless_deferred(app):
    supervisor = create_user("supervisor", username="boss", mfa_deferred=False)
    db.session.commit()
    with pytest.raises(Unauthorized, match="multi-factor"):
        accounts.authenticate("boss", PASSWORD)
    result = app.test_cli_runner().invoke(args=["mfa-enrol", "boss"])
    assert result.exit_code == 0 and result.output.startswith("otpauth://")
    totp = pyotp.TOTP(supervisor.mfa_secret)
    with pytest.raises(Unauthorized):
        accounts.authenticate("boss", PASSWORD, "000000" if totp.now() != "000000" else "111111")
    code = totp.now()
    assert accounts.authenticate("boss", PASSWORD, code) == supervisor
    with pytest.raises(Unauthorized):  # the same code cannot be used twice
        accounts.authenticate("boss", PASSWORD, code)


def test_caseworkers_sign_in_without_mfa():
    create_user("caseworker", username="cw", mfa_deferred=False)
    db.session.commit()
    assert accounts.authenticate("cw", PASSWORD).username == "cw"


def test_lockout_slows_guessing_but_never_for_more_than_15_minutes():
    from referral.accounts.models import AuthThrottle
    user = create_user("caseworker", username="target")
    db.session.commit()
    start = datetime.now(timezone.utc)
    with freeze_time(start):
        for _ in range(12):
            with pytest.raises(Unauthorized), unit_of_work():
                accounts.authenticate("target", "wrong guess wrong guess", source="10.0.0.9")
        with pytest.raises(Unauthorized, match="too many"), unit_of_work():
            accounts.authenticate("target", PASSWORD, source="10.0.0.9")
    locks = db.session.scalars(db.select(AuthThrottle.locked_until)).all()
    assert locks and max(locks) - start <= timedelta(minutes=15)
    with freeze_time(start + timedelta(minutes=15, seconds=1)):
        assert accounts.authenticate("target", PASSWORD, source="10.0.0.9") == user


def tokens(client, username, password, address="192.0.2.1", **extra):
    return client.post("/api/v1/auth/tokens", environ_base={"REMOTE_ADDR": address},
                       json={"username": username, "password": password, **extra})


def test_F12_every_sign_in_failure_reads_the_same_for_known_and_unknown_accounts(client):
    """After five wrong passwords a known account and a made-up name answer alike, at every
    step (the report's enumeration through the lockout message)."""
    create_user("caseworker", username="cw2")
    db.session.commit()
    known = [tokens(client, "cw2", "wrong-password-x") for _ in range(7)]
    unknown = [tokens(client, "nosuchuser", "wrong-password-x") for _ in range(7)]
    assert [(r.status_code, r.json) for r in known] == \
        [(r.status_code, r.json) for r in unknown]
    assert known[0].json == {"errors": {"auth": ["wrong username, password or code"]}}
    assert known[-1].json == {"errors": {"auth": [
        "too many failed attempts; try again in a few minutes"]}}


def test_F12_a_stranger_guessing_cannot_keep_the_owner_out(client, agency):
    """Guesses from one address pause that address only; the owner, elsewhere, signs in.
    Every failure is audited."""
    from referral.audit.models import AuditEntry
    owner = create_user("caseworker", agency=agency, username="owner")
    db.session.commit()
    for _ in range(10):
        tokens(client, "owner", "guess guess guess", address="203.0.113.66")
    assert tokens(client, "owner", PASSWORD, address="203.0.113.66").status_code == 401
    assert tokens(client, "owner", PASSWORD, address="198.51.100.7").status_code == 201
    failed = db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.action == "account.login_failed", AuditEntry.object_id == str(owner.id)))
    assert len(failed.all()) == 11


def test_F12_an_administrator_lifts_a_lock(client, agency):
    owner = create_user("caseworker", agency=agency, username="locked-out")
    admin = create_user("admin", agency=agency, username="the-admin")
    outsider_admin = create_user("admin", username="other-admin")
    db.session.commit()
    for _ in range(6):
        tokens(client, "locked-out", "guess guess guess")
    assert tokens(client, "locked-out", PASSWORD).status_code == 401
    locks = client.get("/api/v1/sign-in-locks", headers=token_headers(admin)).json
    assert [row["username"] for row in locks] == ["locked-out"]
    assert client.delete(f"/api/v1/users/{owner.id}/sign-in-locks",
                         headers=token_headers(outsider_admin)).status_code == 404
    lifted = client.delete(f"/api/v1/users/{owner.id}/sign-in-locks",
                           headers=token_headers(admin))
    assert lifted.status_code == 200 and lifted.json["lifted"] >= 1
    assert tokens(client, "locked-out", PASSWORD).status_code == 201


def test_F5_wrong_codes_at_sign_in_pause_even_the_right_one(client, agency):
    """9 wrong codes then the right one signed in; now codes pause after five, and from
    every address after ten."""
    boss = create_user("supervisor", agency=agency, username="boss2", mfa_deferred=False)
    db.session.commit()
    totp = pyotp.TOTP(accounts.enrol_mfa(boss))
    db.session.commit()
    wrong = "000000" if totp.now() != "000000" else "111111"
    answers = [tokens(client, "boss2", PASSWORD, otp=wrong).json["errors"]["auth"][0]
               for _ in range(6)]
    assert answers[:5] == ["wrong username, password or code"] * 5
    assert answers[5] == "too many failed attempts; try again in a few minutes"
    assert tokens(client, "boss2", PASSWORD, otp=totp.now()).status_code == 401
    for n in range(5):  # other addresses, until the account's own count pauses codes
        tokens(client, "boss2", PASSWORD, address=f"198.51.100.{n}", otp=wrong)
    assert tokens(client, "boss2", PASSWORD, address="198.51.100.99",
                  otp=totp.now()).status_code == 401
    later = datetime.now(timezone.utc) + timedelta(minutes=16)
    with freeze_time(later):
        assert tokens(client, "boss2", PASSWORD, otp=totp.now()).status_code == 201


def test_sign_in_endpoints_are_rate_limited(app):
    limited = create_app({"TESTING": True, "SECRET_KEY": "x" * 32,
                          "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
                          "REDIS_URL": None, "RATELIMIT_ENABLED": True,
                          "RATELIMIT_STORAGE_URI": "memory://", "WTF_CSRF_ENABLED": False})
    client = limited.test_client()
    codes = [client.post("/api/v1/auth/tokens", json={"username": "nobody",
                                                      "password": "x"}).status_code
             for _ in range(12)]
    assert codes[:10] == [401] * 10 and codes[-1] == 429
    assert "errors" in client.post("/api/v1/auth/tokens", json={}).json
    web = [client.post("/login", data={"username": "nobody", "password": "x"}).status_code
           for _ in range(11)]
    assert web[-1] == 429
    # The limiter is shared by the process; an app built with limits off stays unlimited.
    unlimited = [app.test_client().post("/api/v1/auth/tokens",
                                        json={"username": "nobody", "password": "x"}).status_code
                 for _ in range(12)]
    assert unlimited == [401] * 12


def test_limits_are_checked_by_their_views_not_before_every_request(app):
    """The app has limits on views only (their decorators check them, as the test above
    shows); the limiter's own check before every request, which looks for default and
    application limits, is not run."""
    from referral.extensions import limiter
    assert not limiter.limit_manager.default_limits
    assert limiter._check_request_limit not in app.before_request_funcs.get(None, [])


def test_forms_refuse_a_post_without_a_csrf_token(app, caseworker):
    protected = create_app({"TESTING": True, "SECRET_KEY": "x" * 32,
                            "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
                            "REDIS_URL": None, "RATELIMIT_ENABLED": False,
                            "WTF_CSRF_ENABLED": True})
    client = protected.test_client()
    response = client.post("/login", data={"username": "caseworker", "password": PASSWORD})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True) or "csrf" in \
        response.get_data(as_text=True).lower()


def test_a_supervisor_is_sent_to_set_up_mfa_and_then_signs_in_with_a_code(client, agency):
    import re
    boss = create_user("supervisor", agency=agency, username="newboss", mfa_deferred=True)
    db.session.commit()
    response = client.post("/login", data={"username": "newboss", "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/account/mfa")
    page = client.get("/account/mfa").get_data(as_text=True)
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page).group(1)
    assert "otpauth://totp/referral:newboss" in page
    totp = pyotp.TOTP(secret.replace(" ", ""))
    wrong = client.post("/account/mfa", data={"otp": "000000" if totp.now() != "000000"
                                              else "111111"})
    assert wrong.status_code == 400 and "does not match" in wrong.get_data(as_text=True)
    assert client.post("/account/mfa", data={"otp": totp.now()}).status_code == 302
    db.session.refresh(boss)
    assert boss.mfa_secret == secret.replace(" ", "") and boss.mfa_deferred is False
    client.post("/logout")
    without = client.post("/login", data={"username": "newboss", "password": PASSWORD})
    assert without.status_code == 400  # a code is now required
    # The next 30-second step: the enrolment code may not be used twice (replay).
    with freeze_time(datetime.now(timezone.utc) + timedelta(seconds=31)):
        signed = client.post("/login", data={"username": "newboss", "password": PASSWORD,
                                             "otp": totp.now()})
        assert signed.status_code == 302


def _port_with_nothing_listening():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_sign_in_works_with_redis_down_still_limited_and_says_so_in_the_log(app, caplog):
    """The rate limit counters live in Redis; with Redis stopped, people still sign in, the
    limit still holds (in the process's memory: fail safe, never open), and the log says
    the limiter fell back."""
    import logging
    caplog.set_level(logging.WARNING, logger="flask-limiter")
    create_user("caseworker", username="still-works")
    db.session.commit()
    stopped = f"redis://127.0.0.1:{_port_with_nothing_listening()}/0"
    limited = create_app({"TESTING": True, "SECRET_KEY": "x" * 32,
                          "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
                          "REDIS_URL": stopped, "RATELIMIT_ENABLED": True,
                          "WTF_CSRF_ENABLED": False})
    assert limited.config["RATELIMIT_STORAGE_URI"] == stopped
    client = limited.test_client()
    signed_in = client.post("/api/v1/auth/tokens",
                            json={"username": "still-works", "password": PASSWORD})
    assert signed_in.status_code == 201 and signed_in.json["token"]
    assert any("falling back to in-memory" in record.getMessage()
               and record.levelno >= logging.WARNING for record in caplog.records)
    guesses = [client.post("/api/v1/auth/tokens", json={"username": "nobody",
                                                        "password": "x"}).status_code
               for _ in range(10)]
    assert guesses[:9] == [401] * 9 and guesses[-1] == 429  # 10 a minute, the first included
    page = limited.test_client().post("/login", data={"username": "still-works",
                                                      "password": PASSWORD})
    assert page.status_code == 302  # the web form too (its own limit)


def test_F19_the_pending_totp_key_stays_on_the_server_not_in_the_cookie(app, client, agency):
    import re
    from referral.accounts.models import WebSession
    create_user("supervisor", agency=agency, username="enrolling")
    db.session.commit()
    client.post("/login", data={"username": "enrolling", "password": PASSWORD})
    page = client.get("/account/mfa").get_data(as_text=True)
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    serializer = app.session_interface.get_signing_serializer(app)
    contents = serializer.loads(cookie.value)
    assert "mfa_pending" not in contents and secret not in str(contents)
    row = db.session.scalars(db.select(WebSession)).one()
    assert row.mfa_pending == secret and secret not in row.mfa_pending_enc  # sealed
