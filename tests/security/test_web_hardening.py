"""Redirects only to this site (F7, F17), nothing cached (F13), HTTPS-only cookies and HSTS
in production (I2), API tokens that idle out (I1)."""
from datetime import datetime, timedelta, timezone

import pytest
from freezegun import freeze_time

from referral import create_app
from referral.web import is_local_path
from tests.factories import PASSWORD, token_headers

# Payloads that browsers turn into another site, in the forms the report and the usual
# open-redirect lists give them (as the view receives them, once the query is decoded).
BYPASSES = [
    "//evil.example", "///evil.example", "////evil.example", "/\\evil.example",
    "\\/evil.example", "\\\\evil.example", "/\t/evil.example", "/\n/evil.example",
    "/\r\n/evil.example", "\t//evil.example", " //evil.example", "/%09/evil.example",
    "/%0a/evil.example", "/%0d/evil.example", "/%2F/evil.example", "/%2f%2fevil.example",
    "%2F%2Fevil.example", "/%5Cevil.example", "/%5cevil.example", "/%255Cevil.example",
    "/%252F/evil.example", "https://evil.example", "http:evil.example",
    "https:/evil.example", "javascript:alert(1)", "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>", "evil.example", "@evil.example",
    "/\x00/evil.example", "/\x0b/evil.example", "/\x7f/evil.example", "",
]
LOCAL = ["/", "/cases/", "/cases/5f0c?tab=consent", "/cases/?q=Ana%20Pop",
         "/privacy/break-glass", "/audit/?case_reference=RF-26-ABC"]


@pytest.mark.parametrize("target", BYPASSES)
def test_F7_a_redirect_target_that_leaves_the_site_is_refused(target):
    assert not is_local_path(target)


@pytest.mark.parametrize("target", LOCAL)
def test_F7_paths_on_this_site_are_kept(target):
    assert is_local_path(target)


@pytest.mark.parametrize("target", ["/%09/evil.example", "/\\evil.example", "//evil.example",
                                    "/%5C/evil.example", "/%0a/evil.example"])
def test_F7_sign_in_never_sends_the_user_off_site(client, caseworker, target):
    from urllib.parse import quote
    response = client.post(f"/login?next={quote(target, safe='')}",
                           data={"username": "caseworker", "password": PASSWORD})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location in ("/", "http://localhost/"), location


@pytest.mark.parametrize("target", ["/\n/evil.example", "/\t/evil.example", "/\r/x"])
def test_F17_a_newline_in_next_is_a_redirect_home_not_a_500(client, caseworker, target):
    from tests.web.conftest import login
    login(client, "caseworker")
    response = client.post("/drafts/referral:new/discard", data={"next": target})
    assert response.status_code == 302 and response.headers["Location"] in (
        "/", "http://localhost/")


def test_F13_api_answers_with_personal_data_are_never_cached(client, caseworker, a_case,
                                                             cw_headers):
    for path in (f"/api/v1/cases/{a_case.id}", f"/api/v1/cases/{a_case.id}/subject-access",
                 "/api/v1/cases", "/api/v1/auth/me"):
        response = client.get(path, headers=cw_headers)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
    refused = client.get(f"/api/v1/cases/{a_case.id}")
    assert refused.status_code == 401 and refused.headers["Cache-Control"] == "no-store"
    signed_in = client.post("/api/v1/auth/tokens", json={"username": "caseworker",
                                                          "password": PASSWORD})
    assert signed_in.headers["Cache-Control"] == "no-store"  # the token itself


def production_app(app, **extra):
    settings = {key: app.config[key] for key in (
        "SECRET_KEY", "ENCRYPTION_KEYS", "BLIND_INDEX_KEY", "AUDIT_KEY",
        "AUDIT_CHECKPOINT_STORE")}
    return create_app({**settings, "REFERRAL_ENV": "production", "TESTING": True,
                       "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
                       "REDIS_URL": "redis://127.0.0.1:6379/15", "RATELIMIT_ENABLED": False,
                       "RATELIMIT_STORAGE_URI": "memory://", "WTF_CSRF_ENABLED": False,
                       **extra})


def test_I2_production_sends_hsts_and_a_secure_host_only_cookie(app, caseworker):
    client = production_app(app).test_client()
    response = client.post("/login", data={"username": "caseworker", "password": PASSWORD},
                           base_url="https://localhost")
    assert response.status_code == 302
    assert response.headers["Strict-Transport-Security"] == \
        "max-age=31536000; includeSubDomains"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-session=")
    assert "Secure" in cookie and "HttpOnly" in cookie and "Path=/" in cookie
    assert "Domain" not in cookie


def test_I2_development_sends_no_hsts(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers


def test_I1_an_api_token_unused_for_too_long_stops_working(app, client, caseworker):
    start = datetime.now(timezone.utc)
    with freeze_time(start):
        headers = token_headers(caseworker)
    idle = app.config["API_TOKEN_IDLE_MINUTES"]
    with freeze_time(start + timedelta(minutes=idle - 1)):  # in use: stays alive
        assert client.get("/api/v1/auth/me", headers=headers).status_code == 200
    with freeze_time(start + timedelta(minutes=2 * idle - 3)):
        assert client.get("/api/v1/auth/me", headers=headers).status_code == 200
    with freeze_time(start + timedelta(minutes=3 * idle)):  # unused for more than `idle`
        assert client.get("/api/v1/auth/me", headers=headers).status_code == 401
