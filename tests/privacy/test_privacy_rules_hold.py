"""DP-1..5, DP-7, DP-8 as the rules say them, with every number at its edge: the media named
in any of its words, a nationality never guessed, every read and write of the file audited
and a deleted entry named by its place in the chain, a statistics cell published from 11
people (10 hidden), anonymous notifications counted, a claim holding the file, the retention
period the day before, of and after, a break-the-glass reason of 19, 20 and 21 characters and
its three hours, a supervisor never reviewing their own opening, reminders to staff only.

Each test fails when the guard it names is removed or weakened (docs/mutation-kills-b.md).
"""
import uuid
from datetime import datetime, timedelta, timezone

import pyotp
import pytest
from freezegun import freeze_time
from sqlalchemy import select

from referral.accounts import service as accounts
from referral.audit.chain import verify_chain
from referral.audit.models import AuditEntry, AuditLink
from referral.cases import service as cases
from referral.cases.models import Case, Person
from referral.consent import service as consent_service
from referral.errors import Forbidden, Invalid, Refused
from referral.extensions import db
from referral.legal import service as legal
from referral.privacy import service as privacy
from referral.reminders import service as reminders
from referral.reminders.models import Notification, OutboxMessage
from tests.cases.conftest import decide
from tests.factories import create_case, create_user, token_headers
from tests.security.test_audit import chained_trail, tamper

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
DAY = timedelta(days=1)
REASON = "suspected involvement of a police officer in the recruitment"


def actions(**where):
    query = select(AuditEntry.action)
    for key, value in where.items():
        query = query.where(getattr(AuditEntry, key) == value)
    return db.session.scalars(query).all()


# -- DP-1: the media is never a recipient, in any of its words ------------------------------

MEDIA_WORDS = ["media", "press", "journalist", "newspaper", "television", "tv", "reporter",
               "journalists", "magazine", "broadcaster", "podcast", "presse", "journaliste",
               "periodista", "prensa"]


@pytest.mark.parametrize("word", MEDIA_WORDS)
def test_DP1_no_word_for_the_media_is_a_recipient(caseworker, a_case, word):
    with pytest.raises(Refused) as refused:
        consent_service.give_consent(caseworker, a_case, purpose="data_share",
                                     recipient_name=f"The {word.title()} desk", language="ro",
                                     information_given="purpose, recipient, rights")
    assert refused.value.rule == "DP-1"
    assert refused.value.message == ("identities are never made public: the media is never a "
                                     "recipient")


# -- DP-2: characteristics come from the person, never guessed ------------------------------

def test_DP2_a_nationality_not_given_is_unknown(client, cw_headers):
    response = client.post("/api/v1/cases", headers=cw_headers, json={
        "person": {"given_name": "Ana"}, "referred_by": "Outreach"})
    assert response.status_code == 201
    case = db.session.get(Case, uuid.UUID(response.json["id"]))
    assert (case.person.nationality, case.person.sex) == ("unknown", "unknown")


# -- DP-3: every read and write of the file is audited, and a gap is named -----------------

def test_DP3_reading_the_history_and_writing_a_decision_are_audited(client, caseworker, a_case,
                                                                    cw_headers):
    decide(caseworker, a_case, kind="risk_assessment", outcome="low")
    assert actions(action="decision.create", case_id=a_case.id, actor_id=caseworker.id)
    assert client.get(f"/api/v1/cases/{a_case.id}/history", headers=cw_headers).status_code \
        == 200
    assert actions(action="case.read_history", case_id=a_case.id, actor_id=caseworker.id)


def test_DP3_reading_the_legal_summary_and_privileged_notes_is_audited(client, caseworker,
                                                                       a_case, cw_headers):
    lawyer = create_user("legal_aid")
    db.session.commit()
    legal.assign_legal_aid(caseworker, a_case, lawyer.id)
    legal.add_note(lawyer, a_case, "advice")
    db.session.commit()
    assert client.get(f"/api/v1/cases/{a_case.id}/legal", headers=cw_headers).status_code \
        == 200
    assert actions(action="legal.read", case_id=a_case.id, actor_id=caseworker.id)
    assert client.get(f"/api/v1/cases/{a_case.id}/legal-notes",
                      headers=token_headers(lawyer)).status_code == 200
    assert actions(action="legal.notes_read", case_id=a_case.id, actor_id=lawyer.id)


def test_DP3_verify_names_the_place_of_a_deleted_entry(caseworker):
    chained_trail(caseworker, cases=2)
    third = db.session.scalar(select(AuditLink.entry_id).where(AuditLink.seq == 3))
    tamper("DELETE FROM audit_link WHERE seq = 3", "DELETE FROM audit_entry WHERE id = :id",
           id=third)
    problems = verify_chain()
    assert "entry seq 4: expected seq 3 (an entry was deleted or reordered)" in problems


# -- DP-4: small cells suppressed at 11, anonymous notifications counted -------------------

def women_of_one_age_group(caseworker, count):
    for _ in range(count):
        create_case(caseworker, person={"sex": "female", "date_of_birth": None,
                                        "age_estimate": 30})


@pytest.mark.parametrize("people, published", [(10, None), (11, 11), (12, 12)])
def test_DP4_a_cell_is_published_from_11_people(client, caseworker, supervisor, people,
                                                published):
    women_of_one_age_group(caseworker, people)
    body = client.get("/api/v1/statistics", headers=token_headers(supervisor)).json
    assert body["threshold"] == 11
    [row] = [r for r in body["rows"] if (r["sex"], r["age_group"]) == ("female", "25-34")]
    assert row["cells"]["all"] == published and body["total"] == published


@pytest.mark.parametrize("notified, published", [(10, None), (11, 11)])
def test_DP4_anonymous_notifications_are_counted(client, caseworker, supervisor, notified,
                                                 published):
    for _ in range(notified):
        cases.record_anonymous_notification(caseworker, sex="male", age_group="18-24")
    db.session.commit()
    body = client.get("/api/v1/statistics", headers=token_headers(supervisor)).json
    [row] = [r for r in body["rows"] if (r["sex"], r["age_group"]) == ("male", "18-24")]
    assert row["cells"]["all"] == published


# -- DP-5: a claim holds the file; the retention period at its edge -------------------------

def close(case, closed_at):
    # The closing workflow (RR-6) has its own tests; here only the date matters.
    case.nrm_state, case.closed_at = "closed", closed_at
    db.session.commit()


def test_DP5_an_open_compensation_claim_holds_the_file(client, caseworker, supervisor, a_case):
    legal.add_compensation(caseworker, a_case, kind="lost_wages", amount_claimed=5400,
                           currency="EUR", limitation_at=T0 + timedelta(days=365))
    close(a_case, T0 - timedelta(days=365 * 10))
    status = client.get(f"/api/v1/cases/{a_case.id}/retention",
                        headers=token_headers(caseworker)).json
    assert status["due"] is True and status["legal_hold"] is True
    assert any("lost wages" in reason for reason in status["hold_reasons"])
    assert privacy.run_retention()["held"][0][0] == a_case.reference
    with pytest.raises(Refused) as refused:
        privacy.request_erasure(supervisor, a_case.id)
    assert refused.value.rule == "DP-5" and refused.value.message.startswith("legal hold: ")
    assert "lost wages" in refused.value.message
    assert db.session.get(Case, a_case.id) is not None


def retention_days(app):
    years = app.config["RETENTION_YEARS_AFTER_CLOSURE"]
    assert years == 6
    return round(365.25 * years)


@pytest.mark.parametrize("offset, erased", [(-DAY, False), (timedelta(0), True), (DAY, True)])
def test_DP5_a_closed_case_is_erased_from_the_end_of_its_retention_period(app, client,
                                                                          caseworker, a_case,
                                                                          offset, erased):
    """Closed six years ago (2192 days) the day before, the day and the day after."""
    close(a_case, T0 - timedelta(days=retention_days(app)) - offset)
    with freeze_time(T0):
        status = client.get(f"/api/v1/cases/{a_case.id}/retention",
                            headers=token_headers(caseworker)).json
        assert status["due"] is erased
        result = privacy.run_retention()
        db.session.commit()
    assert result["erased"] == ([a_case.reference] if erased else [])
    assert (db.session.get(Case, a_case.id) is None) is erased


def test_DP5_the_schedule_refuses_an_erasure_a_day_early(app, caseworker, a_case):
    close(a_case, T0 - timedelta(days=retention_days(app)) + DAY)
    with freeze_time(T0):
        with pytest.raises(Refused) as refused:
            privacy.erase_case(None, a_case, basis="retention_schedule")
    assert (refused.value.rule, refused.value.message) == ("DP-5",
                                                           "the retention period has not ended")


# -- DP-7: break-the-glass: a reason, a time box, another supervisor's review ---------------

@pytest.fixture
def restricted(supervisor, caseworker, a_case):
    privacy.restrict_case(supervisor, a_case.id, reason=REASON)
    db.session.commit()
    return a_case


def enrol(user):
    secret = accounts.enrol_mfa(user)
    db.session.commit()
    return pyotp.TOTP(secret)


@pytest.fixture
def outsider(agency):
    user = create_user("caseworker", agency=agency, username="outsider")
    db.session.commit()
    return user


@pytest.mark.parametrize("length, allowed", [(19, False), (20, True), (21, True)])
def test_DP7_breaking_the_glass_gives_a_reason_of_20_characters(restricted, outsider, length,
                                                               allowed):
    totp = enrol(outsider)
    reason = ("x" * length)
    if allowed:
        opening = privacy.break_the_glass(outsider, restricted.id, reason=reason,
                                          otp=totp.now())
        assert opening.reason == reason
    else:
        with pytest.raises(Invalid) as invalid:
            privacy.break_the_glass(outsider, restricted.id, reason=reason, otp=totp.now())
        assert (invalid.value.key, invalid.value.message) == (
            "reason", "give a reason of at least 20 characters")
        with pytest.raises(Invalid):  # spaces are not a reason
            privacy.break_the_glass(outsider, restricted.id, reason=" " * 25, otp=totp.now())


@pytest.mark.parametrize("after, open_", [(timedelta(hours=3) - timedelta(minutes=1), True),
                                          (timedelta(hours=3), False),
                                          (timedelta(hours=3, minutes=1), False)])
def test_DP7_an_opening_lasts_three_hours(client, restricted, outsider, after, open_):
    totp = enrol(outsider)
    with freeze_time(T0):
        privacy.break_the_glass(outsider, restricted.id, reason=REASON, otp=totp.now())
        db.session.commit()
    with freeze_time(T0 + after):
        response = client.get(f"/api/v1/cases/{restricted.id}",
                              headers=token_headers(outsider))
    assert response.status_code == (200 if open_ else 403)
    if not open_:
        assert "DP-7" in response.json["errors"]


def test_DP7_a_supervisor_never_reviews_their_own_opening(client, restricted, supervisor,
                                                          agency):
    other_supervisor = create_user("supervisor", agency=agency, username="second")
    db.session.commit()
    assert not privacy.is_named(other_supervisor, restricted)
    totp = enrol(other_supervisor)
    opening = privacy.break_the_glass(other_supervisor, restricted.id, reason=REASON,
                                      otp=totp.now())
    db.session.commit()
    with pytest.raises(Forbidden) as forbidden:
        privacy.review_break_glass(other_supervisor, opening.id, outcome="justified")
    assert forbidden.value.message == "another supervisor reviews your own opening"
    response = client.post(f"/api/v1/privacy/break-glass/{opening.id}/review",
                           json={"outcome": "justified"},
                           headers=token_headers(other_supervisor))
    assert response.status_code == 403
    assert response.json["errors"]["permission"] == ["another supervisor reviews your own opening"]
    db.session.refresh(opening)
    assert opening.reviewed_at is None
    privacy.review_break_glass(supervisor, opening.id, outcome="justified")
    assert opening.reviewed_by_id == supervisor.id


# -- DP-8: reminders go to staff only ------------------------------------------------------

@pytest.mark.parametrize("marked_safe", [False, True])
def test_DP8_reminders_go_to_staff_never_to_the_persons_contact(app, caseworker, supervisor,
                                                               marked_safe, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_HOST", "localhost")  # e-mails are written too
    caseworker.email, supervisor.email = "cw@agency.example", "sup@agency.example"
    caseworker.supervisor_id = supervisor.id
    with freeze_time(T0):
        case = create_case(caseworker)
        case.person.safe_contact = "person@mail.example"
        case.person.contact_is_safe = marked_safe
        reminders.plan_deadline(case.id, "hearing", T0 + DAY, remind_days=(1,))
        db.session.commit()
    with freeze_time(T0 + timedelta(days=5)):
        reminders.sweep_due()
    staff = {caseworker.id, supervisor.id}
    notes = db.session.scalars(select(Notification)).all()
    assert notes and {n.recipient_id for n in notes} <= staff
    addresses = set(db.session.scalars(select(OutboxMessage.to_address)))
    assert addresses and addresses <= {"cw@agency.example", "sup@agency.example"}
    assert db.session.get(Person, case.person_id).safe_contact == "person@mail.example"
