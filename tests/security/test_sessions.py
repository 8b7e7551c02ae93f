"""Server-side web sessions: 15 minutes idle, 12 hours absolute, ended by signing out or a
password change, and the cookie carries only a random id."""
from datetime import timedelta

from freezegun import freeze_time
from sqlalchemy import select

from referral.accounts import service as accounts
from referral.accounts.models import WebSession
from referral.database import utcnow
from referral.extensions import db
from tests.factories import PASSWORD
from tests.web.conftest import login


def signed_in(client):
    return client.get("/").status_code == 200


def test_a_session_ends_after_15_idle_minutes(client, caseworker):
    start = utcnow()
    with freeze_time(start):
        login(client, "caseworker")
    with freeze_time(start + timedelta(minutes=14)):
        assert signed_in(client)
    with freeze_time(start + timedelta(minutes=28)):  # 14 minutes after the last use
        assert signed_in(client)
    with freeze_time(start + timedelta(minutes=44)):  # 16 minutes idle
        response = client.get("/")
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    row = db.session.scalar(select(WebSession))
    assert row.end_reason == "idle"


def test_a_session_ends_12_hours_after_sign_in_however_busy(client, caseworker):
    start = utcnow()
    with freeze_time(start):
        login(client, "caseworker")
    moment = start
    while moment < start + timedelta(hours=11, minutes=50):
        moment += timedelta(minutes=10)
        with freeze_time(moment):
            assert signed_in(client)
    with freeze_time(start + timedelta(hours=12, minutes=1)):
        assert not signed_in(client)
    assert db.session.scalar(select(WebSession)).end_reason == "absolute"


def test_signing_out_ends_the_session_on_the_server(client, caseworker):
    login(client, "caseworker")
    cookie = client.get_cookie("session").value
    assert client.post("/logout").status_code == 302
    assert db.session.scalar(select(WebSession)).end_reason == "signed_out"
    # A copy of the old cookie does not bring the session back.
    client.set_cookie("session", cookie)
    assert not signed_in(client)


def test_a_password_change_ends_every_session(client, app, caseworker):
    login(client, "caseworker")
    other = app.test_client()
    login(other, "caseworker")
    accounts.change_password(caseworker, "a brand new passphrase here")
    db.session.commit()
    assert not signed_in(client) and not signed_in(other)
    assert {row.end_reason for row in db.session.scalars(select(WebSession))} == {
        "password_changed"}


def test_the_cookie_holds_a_random_id_and_the_server_only_its_digest(client, caseworker):
    login(client, "caseworker")
    row = db.session.scalar(select(WebSession))
    assert len(row.token_hash) == 64
    assert PASSWORD not in client.get_cookie("session").value
