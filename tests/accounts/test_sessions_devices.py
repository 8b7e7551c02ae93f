"""Sessions and API tokens are listed with the device and the address they started from, so
the user (their own page) and an administrator (the console) can tell them apart and end the
right one. The address is personal data: it is kept sealed, never in clear."""
from sqlalchemy import select

from referral.accounts import service as accounts
from referral.accounts.models import ApiToken, WebSession
from referral.audit.models import AuditEntry
from referral.extensions import db
from tests.factories import PASSWORD, create_user

FIREFOX_WINDOWS = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 "
                   "Firefox/128.0")
CHROME_ANDROID = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like "
                  "Gecko) Chrome/126.0.0.0 Mobile Safari/537.36")
HOME_ADDRESS = "203.0.113.7"
OFFICE_ADDRESS = "198.51.100.23"


def sign_in_from(client, username, user_agent, address):
    """A browser at ``address`` (its later requests come from there too: the session is
    bound to the browser that signed in)."""
    client.environ_base.update({"REMOTE_ADDR": address, "HTTP_USER_AGENT": user_agent})
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.data
    return client


def token_from(client, username, user_agent, address):
    response = client.post("/api/v1/auth/tokens",
                           json={"username": username, "password": PASSWORD},
                           headers={"User-Agent": user_agent},
                           environ_base={"REMOTE_ADDR": address})
    assert response.status_code == 201, response.data
    return {"Authorization": f"Bearer {response.json['token']}"}


def test_a_user_agent_is_summarised_to_browser_and_system_only():
    assert accounts.describe_device(FIREFOX_WINDOWS) == "Firefox/Windows"
    assert accounts.describe_device(CHROME_ANDROID) == "Chrome/Android"
    assert accounts.describe_device(
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like "
        "Gecko) Version/17.5 Safari/605.1.15") == "Safari/macOS"
    assert accounts.describe_device(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0") == "Edge/Windows"
    assert accounts.describe_device("curl/8.5.0") == "curl/"
    assert accounts.describe_device("") is None and accounts.describe_device(None) is None


def test_the_address_of_a_session_and_a_token_is_kept_sealed(app, agency):
    user = create_user("caseworker", agency=agency, username="ana")
    db.session.commit()
    sign_in_from(app.test_client(), "ana", FIREFOX_WINDOWS, HOME_ADDRESS)
    token_from(app.test_client(), "ana", "curl/8.5.0", OFFICE_ADDRESS)
    session_row = db.session.scalar(select(WebSession).where(WebSession.user_id == user.id))
    token_row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert (session_row.device, session_row.address) == ("Firefox/Windows", HOME_ADDRESS)
    assert (token_row.device, token_row.address) == ("curl/", OFFICE_ADDRESS)
    stored = db.session.execute(select(WebSession.__table__.c.address_enc)).scalars().all() + \
        db.session.execute(select(ApiToken.__table__.c.address_enc)).scalars().all()
    assert len(stored) == 2 and all(value for value in stored)
    assert not any(HOME_ADDRESS in value or OFFICE_ADDRESS in value for value in stored)


def test_F18_a_users_own_page_lists_their_sessions_and_tokens_with_device_and_address(
        app, agency):
    create_user("caseworker", agency=agency, username="ana")
    db.session.commit()
    laptop = sign_in_from(app.test_client(), "ana", FIREFOX_WINDOWS, HOME_ADDRESS)
    sign_in_from(app.test_client(), "ana", CHROME_ANDROID, OFFICE_ADDRESS)
    token_from(app.test_client(), "ana", "curl/8.5.0", OFFICE_ADDRESS)
    page = laptop.get("/account").get_data(as_text=True)
    assert "Firefox on Windows" in page and HOME_ADDRESS in page
    assert "Chrome on Android" in page and OFFICE_ADDRESS in page
    assert "curl" in page and "Revoke this token" in page


def test_F18_a_user_revokes_one_of_their_tokens_from_their_page_but_not_someone_elses(
        app, agency):
    ana = create_user("caseworker", agency=agency, username="ana")
    ben = create_user("caseworker", agency=agency, username="ben")
    db.session.commit()
    page = sign_in_from(app.test_client(), "ana", FIREFOX_WINDOWS, HOME_ADDRESS)
    kept = token_from(app.test_client(), "ana", "curl/8.5.0", OFFICE_ADDRESS)
    lost = token_from(app.test_client(), "ana", "python-requests/2.32", HOME_ADDRESS)
    bens = token_from(app.test_client(), "ben", "curl/8.5.0", OFFICE_ADDRESS)
    lost_row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == ana.id,
                                                        ApiToken.device == "Python/"))
    bens_row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == ben.id))
    assert page.post(f"/account/tokens/{bens_row.id}/revoke").status_code == 404
    assert page.post(f"/account/tokens/{lost_row.id}/revoke").status_code == 302
    client = app.test_client()
    assert client.get("/api/v1/auth/me", headers=lost).status_code == 401
    assert client.get("/api/v1/auth/me", headers=kept).status_code == 200
    assert client.get("/api/v1/auth/me", headers=bens).status_code == 200
    assert page.get("/account").status_code == 200  # the browser stays signed in
    assert db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "account.token_revoke")).all()


def test_F18_an_administrator_sees_where_a_user_is_signed_in_and_ends_that_session(
        app, agency):
    create_user("admin", agency=agency, username="the-admin")
    lost = create_user("caseworker", agency=agency, username="lost-laptop")
    db.session.commit()
    admin = sign_in_from(app.test_client(), "the-admin", FIREFOX_WINDOWS, OFFICE_ADDRESS)
    theirs = sign_in_from(app.test_client(), "lost-laptop", CHROME_ANDROID, HOME_ADDRESS)
    token_from(app.test_client(), "lost-laptop", "curl/8.5.0", HOME_ADDRESS)
    page = admin.get(f"/admin/users/{lost.id}").get_data(as_text=True)
    assert "Chrome on Android" in page and "curl" in page and HOME_ADDRESS in page
    row = db.session.scalar(select(WebSession).where(WebSession.user_id == lost.id))
    assert admin.post(f"/admin/users/{lost.id}/sessions/{row.id}/end").status_code == 302
    assert theirs.get("/account").status_code == 302
