"""DP-7: suspected official involvement restricts a case to named staff; any other access is
break-the-glass with a reason, time-boxed, and reviewed."""
from datetime import timedelta

import pyotp
import pytest
from freezegun import freeze_time

from referral.accounts import service as accounts
from referral.audit.models import AuditEntry
from referral.database import utcnow
from referral.errors import Forbidden, Refused
from referral.extensions import db
from referral.privacy import service as privacy
from tests.factories import create_user, token_headers

REASON = "suspected involvement of a police officer in the recruitment"


@pytest.fixture
def colleague(agency):
    user = create_user("caseworker", agency=agency, username="colleague")
    db.session.commit()
    return user


@pytest.fixture
def restricted(supervisor, caseworker, a_case):
    privacy.restrict_case(supervisor, a_case.id, reason=REASON)
    db.session.commit()
    return a_case


def enrol(user):
    secret = accounts.enrol_mfa(user)
    db.session.commit()
    return pyotp.TOTP(secret)


def test_DP7_named_staff_open_a_restricted_case_and_others_are_refused(
        client, restricted, caseworker, supervisor, colleague):
    # The assigned caseworker and the restricting supervisor are named automatically.
    for user in (caseworker, supervisor):
        assert client.get(f"/api/v1/cases/{restricted.id}",
                          headers=token_headers(user)).status_code == 200
    response = client.get(f"/api/v1/cases/{restricted.id}", headers=token_headers(colleague))
    assert response.status_code == 403
    assert "DP-7" in response.json["errors"]
    assert "Sentinelpd" not in response.get_data(as_text=True)


def test_DP7_a_restricted_case_is_missing_from_other_staffs_lists(client, restricted,
                                                                  colleague, caseworker):
    listed = client.get("/api/v1/cases", headers=token_headers(colleague)).json
    assert restricted.reference not in {item["reference"] for item in listed["items"]}
    mine = client.get("/api/v1/cases", headers=token_headers(caseworker)).json
    assert restricted.reference in {item["reference"] for item in mine["items"]}


def test_DP7_breaking_the_glass_needs_a_reason_and_a_fresh_mfa_code(client, restricted,
                                                                     colleague):
    headers = token_headers(colleague)
    url = f"/api/v1/cases/{restricted.id}/break-glass"
    short = client.post(url, json={"reason": "need it", "otp": "123456"}, headers=headers)
    assert short.status_code == 422 and "reason" in short.json["errors"]
    # Without MFA enrolled there is no step-up, so no break-the-glass.
    with pytest.raises(Refused, match="multi-factor"):
        privacy.break_the_glass(colleague, restricted.id, reason=REASON, otp="123456")
    totp = enrol(colleague)
    wrong = client.post(url, json={"reason": REASON, "otp": "000000" if totp.now() != "000000"
                                   else "111111"}, headers=headers)
    assert wrong.status_code == 403 and "otp" in wrong.json["errors"]
    opened = client.post(url, json={"reason": REASON, "otp": totp.now()}, headers=headers)
    assert opened.status_code == 201, opened.json
    assert client.get(f"/api/v1/cases/{restricted.id}", headers=headers).status_code == 200
    entry = db.session.query(AuditEntry).filter_by(action="case.break_glass").one()
    assert entry.actor_id == colleague.id and entry.case_id == restricted.id


def test_DP7_a_break_the_glass_opening_expires(restricted, colleague):
    totp = enrol(colleague)
    start = utcnow()
    with freeze_time(start):
        privacy.break_the_glass(colleague, restricted.id, reason=REASON, otp=totp.now())
        db.session.commit()
    from referral.cases.access import get_case_for
    with freeze_time(start + timedelta(hours=2, minutes=59)):
        assert get_case_for(colleague, restricted.id) == restricted
    with freeze_time(start + timedelta(hours=3, minutes=1)):
        with pytest.raises(Forbidden, match="restricted"):
            get_case_for(colleague, restricted.id)


def test_DP7_a_supervisor_reviews_every_opening_and_an_unjustified_one_ends_now(
        client, restricted, colleague, supervisor, agency):
    totp = enrol(colleague)
    opening = privacy.break_the_glass(colleague, restricted.id, reason=REASON,
                                      otp=totp.now())
    db.session.commit()
    boss = token_headers(supervisor)
    queue = client.get("/api/v1/privacy/break-glass", headers=boss).json
    assert [row["id"] for row in queue] == [str(opening.id)]
    assert queue[0]["reason"] == REASON
    # A supervisor reviews; a caseworker (the one who opened it, here) reviews nothing. A
    # supervisor reviewing their own opening: test_privacy_rules_hold.py (DP-7).
    other_supervisor = create_user("supervisor", agency=agency)
    db.session.commit()
    with pytest.raises(Forbidden) as forbidden:
        privacy.review_break_glass(colleague, opening.id, outcome="justified")
    assert forbidden.value.message == "a supervisor reviews break-the-glass openings"
    no_note = client.post(f"/api/v1/privacy/break-glass/{opening.id}/review",
                          json={"outcome": "not_justified"}, headers=boss)
    assert no_note.status_code == 422 and "note" in no_note.json["errors"]
    done = client.post(f"/api/v1/privacy/break-glass/{opening.id}/review",
                       json={"outcome": "not_justified",
                             "note": "no operational need; discussed with the caseworker"},
                       headers=token_headers(other_supervisor))
    assert done.status_code == 200 and done.json["review_outcome"] == "not_justified"
    assert client.get("/api/v1/privacy/break-glass", headers=boss).json == []
    assert client.get(f"/api/v1/cases/{restricted.id}",
                      headers=token_headers(colleague)).status_code == 403


def test_DP7_only_a_supervisor_restricts_names_and_lifts(client, a_case, caseworker,
                                                         supervisor, colleague):
    refused = client.post(f"/api/v1/cases/{a_case.id}/restriction",
                          json={"reason": REASON}, headers=token_headers(caseworker))
    assert refused.status_code == 403
    boss = token_headers(supervisor)
    made = client.post(f"/api/v1/cases/{a_case.id}/restriction",
                       json={"reason": REASON, "named_staff": [str(colleague.id)]},
                       headers=boss)
    assert made.status_code == 201
    assert {row["user_id"] for row in made.json["named_staff"]} == {
        str(caseworker.id), str(supervisor.id), str(colleague.id)}
    changed = client.patch(f"/api/v1/cases/{a_case.id}/restriction",
                           json={"remove": [str(colleague.id)]}, headers=boss)
    assert str(colleague.id) not in {row["user_id"] for row in changed.json["named_staff"]}
    assert client.get(f"/api/v1/cases/{a_case.id}",
                      headers=token_headers(colleague)).status_code == 403
    lifted = client.post(f"/api/v1/cases/{a_case.id}/restriction/lift",
                         json={"reason": "the investigation cleared the officer concerned"},
                         headers=boss)
    assert lifted.status_code == 200 and lifted.json["is_restricted"] is False
    assert client.get(f"/api/v1/cases/{a_case.id}",
                      headers=token_headers(colleague)).status_code == 200


def test_DP7_restriction_never_reveals_cases_outside_scope(client, restricted):
    outsider = create_user("caseworker")
    db.session.commit()
    response = client.post(f"/api/v1/cases/{restricted.id}/break-glass",
                           json={"reason": REASON, "otp": "123456"},
                           headers=token_headers(outsider))
    assert response.status_code == 404
