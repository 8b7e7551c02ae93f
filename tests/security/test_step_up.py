"""F5: every one-time code check (breaking the glass, replacing the MFA device, any step-up)
is counted per user and purpose, pauses after too many failures, is audited and is rate
limited: the report's 300 wrong break-the-glass codes followed by the right one, and 60
wrong codes on the MFA page, no longer get through."""
import re
import threading
from datetime import datetime, timedelta, timezone

import pyotp
import pytest
from freezegun import freeze_time
from sqlalchemy import select

from referral import create_app
from referral.accounts import service as accounts
from referral.audit.models import AuditEntry
from referral.extensions import db
from referral.privacy import service as privacy
from tests.factories import PASSWORD, create_user, token_headers

REASON = "need to check an urgent safety issue now"


@pytest.fixture
def restricted(supervisor, caseworker, a_case):
    privacy.restrict_case(supervisor, a_case.id, reason="suspected involvement of an official")
    db.session.commit()
    return a_case


@pytest.fixture
def colleague(agency):
    user = create_user("caseworker", agency=agency, username="colleague")
    db.session.commit()
    return user


def enrol(user):
    secret = accounts.enrol_mfa(user)
    db.session.commit()
    return pyotp.TOTP(secret)


def wrong_code(totp, n=0):
    code = f"{n:06d}"
    return code if code != totp.now() else f"{n + 1:06d}"


def test_F5_wrong_break_the_glass_codes_pause_even_the_right_one(client, restricted,
                                                                 colleague):
    totp = enrol(colleague)
    headers = token_headers(colleague)
    url = f"/api/v1/cases/{restricted.id}/break-glass"
    answers = [client.post(url, json={"reason": REASON, "otp": wrong_code(totp, n)},
                           headers=headers).json["errors"]["otp"][0] for n in range(8)]
    assert answers[:5] == ["the authentication code is wrong or was already used"] * 5
    assert set(answers[5:]) == {"too many wrong codes; try again in a few minutes"}
    right = client.post(url, json={"reason": REASON, "otp": totp.now()}, headers=headers)
    assert right.status_code == 403
    failed = db.session.scalars(select(AuditEntry.details).where(
        AuditEntry.action == "account.code_failed")).all()
    assert len(failed) == 9 and {d["check"] for d in failed} == {"break_glass"}
    # The pause ends by itself (at most 15 minutes) ...
    with freeze_time(datetime.now(timezone.utc) + timedelta(minutes=16)):
        assert client.post(url, json={"reason": REASON, "otp": totp.now()},
                           headers=token_headers(colleague)).status_code == 201


def test_F5_codes_pause_for_the_account_whatever_the_address(client, restricted, colleague):
    """A thief with the token guessing from many addresses: after ten wrong codes in all,
    no address may try."""
    totp = enrol(colleague)
    headers = token_headers(colleague)
    url = f"/api/v1/cases/{restricted.id}/break-glass"
    for n in range(10):
        client.post(url, json={"reason": REASON, "otp": wrong_code(totp, n)}, headers=headers,
                    environ_base={"REMOTE_ADDR": f"203.0.113.{n}"})
    fresh = client.post(url, json={"reason": REASON, "otp": totp.now()}, headers=headers,
                        environ_base={"REMOTE_ADDR": "198.51.100.1"})
    assert fresh.status_code == 403
    assert fresh.json["errors"]["otp"] == ["too many wrong codes; try again in a few minutes"]


def test_F5_wrong_current_codes_on_the_mfa_page_pause(client, agency):
    user = create_user("caseworker", agency=agency, username="phone-owner")
    db.session.commit()
    old = enrol(user)
    client.post("/login", data={"username": "phone-owner", "password": PASSWORD,
                                "otp": old.now()})
    page = client.get("/account/mfa").get_data(as_text=True)
    new = pyotp.TOTP(re.search(r'<code class="secret">([A-Z2-7 ]+)</code>',
                               page).group(1).replace(" ", ""))
    bodies = [client.post("/account/mfa", data={"otp": new.now(),
                                                "current_otp": wrong_code(old, n)}
                          ).get_data(as_text=True) for n in range(7)]
    assert all("Enter a code from the app you use now" in b or
               "enter a code from the app you use now" in b for b in bodies[:5])
    assert all("too many wrong codes" in b.lower() for b in bodies[5:])
    paused = client.post("/account/mfa", data={"otp": new.now(), "current_otp": old.now()})
    assert paused.status_code == 400 and "too many wrong codes" in paused.get_data(
        as_text=True).lower()
    db.session.refresh(user)
    assert user.mfa_secret == old.secret  # the device was not replaced
    assert db.session.scalar(select(db.func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "account.code_failed")) == 8


def test_F5_step_up_endpoints_are_rate_limited_per_user(app, restricted, colleague):
    limited = create_app({"TESTING": True, "SECRET_KEY": "x" * 32,
                          "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
                          "REDIS_URL": None, "RATELIMIT_ENABLED": True,
                          "RATELIMIT_STORAGE_URI": "memory://", "WTF_CSRF_ENABLED": False})
    client = limited.test_client()
    totp = enrol(colleague)
    headers = token_headers(colleague)
    codes = [client.post(f"/api/v1/cases/{restricted.id}/break-glass",
                         json={"reason": REASON, "otp": wrong_code(totp, n)}, headers=headers,
                         environ_base={"REMOTE_ADDR": f"203.0.113.{n}"}).status_code
             for n in range(7)]
    assert codes[:5] == [403] * 5 and codes[-1] == 429


@pytest.mark.postgres
def test_F5_parallel_guesses_are_all_counted_before_any_is_checked(app, restricted,
                                                                  colleague):
    """The report's guessing run in parallel: each attempt is counted, in a transaction of
    its own, before its code is checked, so at most five of the parallel ones reach the
    check. (Seven threads: each holds two of the pool's fifteen connections.)"""
    totp = enrol(colleague)
    colleague_id = colleague.id
    answers, barrier = [], threading.Barrier(7, timeout=20)

    def guess(n):
        with app.app_context():
            from referral.accounts.models import User
            from referral.boundary import unit_of_work
            from referral.errors import DomainError
            user = db.session.get(User, colleague_id)
            barrier.wait()
            try:
                with unit_of_work():
                    accounts.check_code(user, wrong_code(totp, n), "break_glass",
                                        source="203.0.113.5")
            except DomainError as exc:
                answers.append(exc.message)
            finally:
                db.session.remove()
    threads = [threading.Thread(target=guess, args=(n,)) for n in range(7)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(answers) == 7
    assert answers.count("the authentication code is wrong or was already used") == 5
    assert answers.count("too many wrong codes; try again in a few minutes") == 2
