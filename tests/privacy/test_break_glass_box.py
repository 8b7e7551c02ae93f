"""F2, DP-7: breaking the glass lets its opener read the one case until the opening expires,
and nothing else. Named staff change the restriction; an opening judged not justified undoes
what was done through it and alerts the data protection officer."""
import pyotp
import pytest
from sqlalchemy import select

from referral.accounts import service as accounts
from referral.database import utcnow
from referral.extensions import db
from referral.privacy import service as privacy
from referral.privacy.models import CaseRestriction, NamedAccess
from referral.reminders.models import Notification
from tests.factories import create_user, token_headers

REASON = "need to check urgent safety issue now"
RESTRICTION = "suspected involvement of a police officer in the recruitment"
NOT_JUSTIFIED = "this opening was not justified at all"


@pytest.fixture
def restricted(supervisor, caseworker, a_case):
    privacy.restrict_case(supervisor, a_case.id, reason=RESTRICTION)
    db.session.commit()
    return a_case


@pytest.fixture
def sup1b(agency):
    """A supervisor of the owning agency who is not named on the case."""
    user = create_user("supervisor", agency=agency, username="sup1b")
    db.session.commit()
    return user


@pytest.fixture
def cw1b(agency):
    user = create_user("caseworker", agency=agency, username="cw1b")
    db.session.commit()
    return user


def break_glass(client, user, case):
    totp = pyotp.TOTP(accounts.enrol_mfa(user))
    db.session.commit()
    headers = token_headers(user)
    opened = client.post(f"/api/v1/cases/{case.id}/break-glass", headers=headers,
                         json={"reason": REASON, "otp": totp.now()})
    assert opened.status_code == 201, opened.json
    return headers, opened.json["id"]


def test_F2_the_opener_cannot_name_themselves_or_others(client, restricted, sup1b, cw1b):
    headers, _ = break_glass(client, sup1b, restricted)
    added = client.patch(f"/api/v1/cases/{restricted.id}/restriction", headers=headers,
                         json={"add": [str(sup1b.id), str(cw1b.id)], "remove": []})
    assert added.status_code == 403 and "DP-7" in added.json["errors"]
    assert not privacy.is_named(sup1b, restricted) and not privacy.is_named(cw1b, restricted)


def test_F2_the_opener_cannot_lift_the_restriction(client, restricted, sup1b, cw1b):
    headers, _ = break_glass(client, sup1b, restricted)
    lifted = client.post(f"/api/v1/cases/{restricted.id}/restriction/lift", headers=headers,
                         json={"reason": "lifting the restriction myself after break-glass"})
    assert lifted.status_code == 403 and "DP-7" in lifted.json["errors"]
    db.session.refresh(restricted)
    assert restricted.is_restricted
    assert client.get(f"/api/v1/cases/{restricted.id}",
                      headers=token_headers(cw1b)).status_code == 403


def test_F2_breaking_the_glass_opens_the_case_for_reading_only(client, restricted, cw1b):
    headers, _ = break_glass(client, cw1b, restricted)
    assert client.get(f"/api/v1/cases/{restricted.id}", headers=headers).status_code == 200
    changed = client.post(f"/api/v1/cases/{restricted.id}/transitions", headers=headers,
                          json={"track": "assistance", "event": "offer",
                                "version": restricted.version})
    assert changed.status_code == 403 and "reading only" in changed.json["errors"]["DP-7"][0]
    db.session.refresh(restricted)
    assert restricted.assistance_state == "not_started"


def test_F2_named_supervisors_still_manage_the_restriction(client, restricted, supervisor,
                                                           cw1b):
    boss = token_headers(supervisor)
    added = client.patch(f"/api/v1/cases/{restricted.id}/restriction", headers=boss,
                         json={"add": [str(cw1b.id)]})
    assert added.status_code == 200
    assert str(cw1b.id) in {row["user_id"] for row in added.json["named_staff"]}


def test_F2_an_opening_judged_not_justified_undoes_what_was_done_through_it_and_alerts_the_dpo(
        client, restricted, supervisor, sup1b, cw1b, agency):
    """The report's outcome, as the old code left it: the opener named themselves and cw1b,
    and lifted the restriction of the case. The review undoes all of it."""
    dpo = create_user("dpo", agency=agency, username="dpo", email="dpo@example.org")
    db.session.commit()
    headers, opening_id = break_glass(client, sup1b, restricted)
    # What the old code let the opener do during the opening:
    for user in (sup1b, cw1b):
        db.session.add(NamedAccess(case_id=restricted.id, user_id=user.id,
                                   granted_by_id=sup1b.id))
    current = db.session.scalar(select(CaseRestriction).where(
        CaseRestriction.case_id == restricted.id))
    current.lifted_at, current.lifted_by_id = utcnow(), sup1b.id
    current.lift_reason = "lifting the restriction myself after break-glass"
    restricted.is_restricted = False
    db.session.commit()

    reviewed = client.post(f"/api/v1/privacy/break-glass/{opening_id}/review",
                           headers=token_headers(supervisor),
                           json={"outcome": "not_justified", "note": NOT_JUSTIFIED})
    assert reviewed.status_code == 200, reviewed.json
    assert reviewed.json["reverted"] == {"named_access_removed": 2,
                                         "restriction_restored": True, "other_changes": 0}
    db.session.expire_all()
    assert restricted.is_restricted
    for user in (sup1b, cw1b):
        assert client.get(f"/api/v1/cases/{restricted.id}",
                          headers=token_headers(user)).status_code == 403
    # The restricting supervisor and the assigned caseworker are named again.
    assert privacy.is_named(supervisor, restricted)
    assert privacy.is_named(db.session.get(type(sup1b), restricted.assigned_to_id), restricted)

    alert = db.session.scalars(select(Notification).where(
        Notification.recipient_id == dpo.id)).one()
    assert alert.kind == "dpo_alert" and alert.case_reference == restricted.reference
    assert "Sentinelpd" not in alert.message  # DP-8: reference only
    listed = client.get("/api/v1/privacy/break-glass/alerts", headers=token_headers(dpo))
    assert listed.status_code == 200
    assert [row["id"] for row in listed.json] == [opening_id]
    assert listed.json[0]["case_reference"] == restricted.reference
    assert client.get("/api/v1/privacy/break-glass/alerts",
                      headers=token_headers(supervisor)).status_code == 403


def test_F2_a_justified_opening_alerts_nobody(client, restricted, supervisor, sup1b, agency):
    create_user("dpo", agency=agency, username="dpo")
    db.session.commit()
    _, opening_id = break_glass(client, sup1b, restricted)
    client.post(f"/api/v1/privacy/break-glass/{opening_id}/review",
                headers=token_headers(supervisor), json={"outcome": "justified"})
    assert db.session.scalars(select(Notification).where(
        Notification.kind == "dpo_alert")).all() == []
