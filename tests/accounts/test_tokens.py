"""API sign-in with bearer tokens: stored hashed, expiring, revocable."""
from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from referral.accounts.models import ApiToken
from referral.accounts import service as accounts
from referral.extensions import db
from tests.factories import PASSWORD


def sign_in(client, username, password=PASSWORD, **extra):
    return client.post("/api/v1/auth/tokens",
                       json={"username": username, "password": password, **extra})


def test_a_user_gets_a_token_and_uses_it(client, caseworker):
    response = sign_in(client, "caseworker")
    assert response.status_code == 201
    token = response.json["token"]
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json["username"] == "caseworker"
    assert me.json["roles"] == ["caseworker"]


def test_tokens_are_stored_hashed(client, caseworker):
    token = sign_in(client, "caseworker").json["token"]
    stored = db.session.scalars(select(ApiToken.token_hash)).all()
    assert token not in stored and len(stored) == 1 and len(stored[0]) == 64


def test_wrong_password_is_401_with_a_json_error(client, caseworker):
    response = sign_in(client, "caseworker", "wrong password entirely")
    assert response.status_code == 401
    assert "auth" in response.json["errors"]


def test_missing_field_is_422_naming_the_field(client):
    response = client.post("/api/v1/auth/tokens", json={"username": "x"})
    assert response.status_code == 422
    assert "password" in response.json["errors"]


def test_no_token_is_401(client):
    assert client.get("/api/v1/auth/me").status_code == 401
    assert client.get("/api/v1/auth/me",
                      headers={"Authorization": "Bearer nonsense"}).status_code == 401


def test_a_revoked_token_stops_working(client, caseworker):
    headers = {"Authorization": f"Bearer {sign_in(client, 'caseworker').json['token']}"}
    assert client.delete("/api/v1/auth/tokens/current", headers=headers).status_code == 204
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401


def test_a_token_expires(client, caseworker, app):
    headers = {"Authorization": f"Bearer {sign_in(client, 'caseworker').json['token']}"}
    hours = app.config["API_TOKEN_TTL_HOURS"]
    with freeze_time(timedelta(hours=hours, minutes=1) + __import__("datetime").datetime.now(
            __import__("datetime").timezone.utc)):
        assert client.get("/api/v1/auth/me", headers=headers).status_code == 401


def test_a_password_change_revokes_every_token(client, caseworker):
    headers = {"Authorization": f"Bearer {sign_in(client, 'caseworker').json['token']}"}
    accounts.change_password(caseworker, "a brand new long password")
    db.session.commit()
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401


def test_passwords_are_hashed_with_argon2id(caseworker):
    assert caseworker.password_hash.startswith("$argon2id$")


def test_outside_the_test_suite_passwords_get_argon2ids_recommended_cost(app):
    """The suite hashes with the cheapest argon2id (PASSWORD_HASH_FOR_TESTS); every other
    configuration uses 64 MiB and three passes, and verifies hashes of either cost."""
    cheap = accounts.hash_password(PASSWORD)
    assert cheap.startswith("$argon2id$v=19$m=8,t=1,p=1$")
    app.config["PASSWORD_HASH_FOR_TESTS"] = False
    try:
        standard = accounts.hash_password(PASSWORD)
        assert standard.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
        user = accounts.User(password_hash=cheap)
        assert accounts.verify_password(user, PASSWORD)
        assert not accounts.verify_password(user, PASSWORD + "!")
        assert not accounts.verify_password(None, PASSWORD)
    finally:
        app.config["PASSWORD_HASH_FOR_TESTS"] = True


def test_the_cheap_test_hashing_is_refused_outside_testing():
    from referral import config
    from referral import create_app
    with pytest.raises(config.ConfigurationError, match="PASSWORD_HASH_FOR_TESTS"):
        create_app({"SECRET_KEY": "x", "DATABASE_URL": "sqlite://",
                    "PASSWORD_HASH_FOR_TESTS": True})


# -- the caller of an API request ---------------------------------------------------------

def test_the_caller_is_read_with_the_token_all_roles_and_the_agency_included(
        client, agency):
    from tests.factories import create_user, token_headers
    user = create_user("caseworker", "supervisor", agency=agency, display_name="Ana Pop")
    me = client.get("/api/v1/auth/me", headers=token_headers(user))
    assert me.status_code == 200
    assert (me.json["display_name"], me.json["agency"], me.json["roles"]) == (
        "Ana Pop", agency.name, ["caseworker", "supervisor"])


def test_a_role_taken_away_is_gone_from_the_next_request(client, agency, caseworker):
    """The caller is read afresh for every request: nothing of it is kept between them."""
    from referral.accounts.models import Role, UserRole
    from tests.factories import create_user, token_headers
    user = create_user("caseworker", "supervisor", agency=agency)
    headers = token_headers(user)
    assert client.get("/api/v1/supervision/overdue", headers=headers).status_code == 200
    db.session.execute(UserRole.__table__.delete().where(
        UserRole.user_id == user.id, UserRole.role == Role.supervisor))
    db.session.commit()
    assert client.get("/api/v1/supervision/overdue", headers=headers).status_code == 403


def test_a_change_made_through_the_caller_is_written_to_the_account(app, caseworker):
    """The caller stands for the account: what it does not hold is read from the account's
    row, and a change made through it is written with the request."""
    from flask import request

    from referral.accounts.models import Actor, User
    from referral.auth import api_actor
    from tests.factories import token_headers
    headers = token_headers(caseworker)
    with app.test_request_context("/api/v1/auth/me", headers=headers):
        actor = api_actor()
        assert isinstance(actor, Actor) and api_actor() is actor  # once per request
        assert (actor.id, actor.agency_id, actor.agency.name, actor.has_role("caseworker"),
                actor.has_role("supervisor")) == (
            caseworker.id, caseworker.agency_id, caseworker.agency.name, True, False)
        assert actor.password_hash == caseworker.password_hash  # from the account's row
        actor.locale = "fr"
        assert actor.locale == "fr" and actor.account.locale == "fr"
        assert request._referral_token_id is not None
        db.session.commit()
    db.session.expire_all()
    assert db.session.get(User, caseworker.id).locale == "fr"


def test_a_deactivated_accounts_token_stops_working_at_once(client, agency, caseworker):
    from referral.accounts.models import User
    from tests.factories import create_user, token_headers
    leaver = create_user("caseworker", agency=agency)
    headers = token_headers(leaver)
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200
    db.session.get(User, leaver.id).is_active_account = False
    db.session.commit()
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401
