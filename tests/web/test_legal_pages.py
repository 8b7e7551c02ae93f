"""Legal aid's day in pages (issue 18), the parts the API had alone: editing a recorded
proceeding without overwriting someone else's edit, the log of what the person was told
(LP-1), an offender's release or escape as an urgent safety task (LP-1), cooperation in the
legal track only (NC-2), assigning legal aid, and the advisory letter that prints (LP-4).

Each page does what its API operation does through the same service; bad input comes back
as a form message naming the field, never a 500; roles and scope refuse as the API does."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from referral.accounts.models import AgencyKind
from referral.database import utcnow
from referral.extensions import db
from referral.legal import service as legal
from referral.legal.models import (CooperationRecord, InformationGiven, LegalAidAssignment,
                                   Proceeding, ProceedingRevision)
from referral.reminders.models import Deadline
from tests.factories import create_agency, create_case, create_user, give_consent, token_headers
from tests.web.conftest import login


@pytest.fixture
def lawyer():
    user = create_user("legal_aid", agency=create_agency("Justice Access", AgencyKind.legal_aid),
                       username="lawyer")
    db.session.commit()
    return user


@pytest.fixture
def assigned(caseworker, a_case, lawyer):
    legal.assign_legal_aid(caseworker, a_case, lawyer.id)
    db.session.commit()
    return a_case


@pytest.fixture
def proceeding(lawyer, assigned):
    row = legal.open_proceeding(lawyer, assigned, kind="criminal", person_role="witness",
                                court_or_authority="Crown Court", reference="T2026/17")
    db.session.commit()
    return row


def _text(response):
    return response.get_data(as_text=True)


def _fresh(model, row_id):
    db.session.expire_all()  # the requests had sessions of their own
    return db.session.get(model, row_id)


# -- editing a recorded proceeding: versions kept, stale edits refused -----------------------

def test_an_edit_to_a_proceeding_keeps_the_earlier_version_and_who_changed_it(
        client, lawyer, proceeding):
    login(client, "lawyer")
    page = client.post(f"/legal/proceedings/{proceeding.id}/edit",
                       data={"status": "concluded", "outcome": "offender convicted",
                             "version": "1"}, follow_redirects=True)
    assert "the earlier version is kept" in _text(page)
    edited = _fresh(Proceeding, proceeding.id)
    assert (edited.status, edited.outcome, edited.version) == \
        ("concluded", "offender convicted", 2)
    assert edited.closed_at is not None
    revision = db.session.scalar(select(ProceedingRevision))
    assert (revision.version, revision.status, revision.outcome) == (1, "open", None)
    assert revision.changed_by_id == lawyer.id
    shown = _text(client.get(f"/cases/{proceeding.case_id}/legal"))
    assert "Earlier versions" in shown and "Version 1: open" in shown
    assert "Outcome: offender convicted" in shown


def test_an_edit_made_on_a_version_someone_else_changed_since_is_refused_not_overwritten(
        client, caseworker, lawyer, proceeding):
    legal.update_proceeding(caseworker, proceeding, status="appeal", version=1)
    db.session.commit()  # the caseworker saved first; the lawyer's page still shows version 1
    login(client, "lawyer")
    page = client.post(f"/legal/proceedings/{proceeding.id}/edit",
                       data={"status": "closed", "outcome": "", "version": "1"},
                       follow_redirects=True)
    assert "changed since you loaded it; reload and try again" in _text(page)
    assert _fresh(Proceeding, proceeding.id).status == "appeal"
    # A form without its version is not a licence to overwrite whatever is there.
    client.post(f"/legal/proceedings/{proceeding.id}/edit",
                data={"status": "closed", "outcome": ""})
    assert _fresh(Proceeding, proceeding.id).status == "appeal"


def test_an_api_edit_with_a_stale_version_answers_409_naming_the_version(
        client, lawyer, proceeding):
    headers = token_headers(lawyer)
    ok = client.patch(f"/api/v1/proceedings/{proceeding.id}",
                      json={"status": "pending", "version": 1}, headers=headers)
    assert ok.status_code == 200 and ok.json["version"] == 2
    stale = client.patch(f"/api/v1/proceedings/{proceeding.id}",
                         json={"status": "closed", "version": 1}, headers=headers)
    assert stale.status_code == 409 and "version" in stale.json["errors"]


def test_an_unknown_status_is_a_form_message_and_changes_nothing(client, lawyer, proceeding):
    login(client, "lawyer")
    page = client.post(f"/legal/proceedings/{proceeding.id}/edit",
                       data={"status": "won", "outcome": "x", "version": "1"},
                       follow_redirects=True)
    assert page.status_code == 200 and "Not saved (status)" in _text(page)
    assert _fresh(Proceeding, proceeding.id).version == 1
    assert db.session.scalar(select(ProceedingRevision)) is None


# -- LP-1: what the person was told, at which stage and in which language -------------------

def test_LP1_the_information_given_is_logged_with_its_stage_and_language(
        client, lawyer, proceeding):
    login(client, "lawyer")
    client.post(f"/legal/proceedings/{proceeding.id}/information",
                data={"stage": "before trial", "language": "ro",
                      "summary": "her rights as a witness, the screen she may ask for"})
    row = db.session.scalar(select(InformationGiven))
    assert (row.stage, row.language, row.given_by_id) == ("before trial", "ro", lawyer.id)
    assert row.summary == "her rights as a witness, the screen she may ask for"
    shown = _text(client.get(f"/cases/{proceeding.case_id}/legal"))
    assert "the screen she may ask for" in shown and "before trial" in shown


@pytest.mark.parametrize("data,field", [
    ({"stage": "before trial", "language": "ro", "summary": "  "}, "summary"),
    ({"stage": "", "language": "ro", "summary": "her rights"}, "stage"),
    ({"stage": "before trial", "language": "Romanian!", "summary": "her rights"}, "language"),
])
def test_LP1_information_without_what_when_or_which_language_is_a_form_message(
        client, lawyer, proceeding, data, field):
    login(client, "lawyer")
    page = client.post(f"/legal/proceedings/{proceeding.id}/information", data=data,
                       follow_redirects=True)
    assert page.status_code == 200 and f"Not saved ({field})" in _text(page)
    assert db.session.scalar(select(InformationGiven)) is None


# -- LP-1: an offender's release or escape is an urgent safety task, now --------------------

def test_LP1_an_offenders_escape_creates_an_urgent_safety_task_due_now(
        client, lawyer, proceeding):
    login(client, "lawyer")
    page = client.post(f"/legal/proceedings/{proceeding.id}/offender-release",
                       data={"event": "escape"}, follow_redirects=True)
    assert "Urgent safety task created" in _text(page)
    task = db.session.scalar(select(Deadline).where(Deadline.kind == "safety_task"))
    assert task.case_id == proceeding.case_id and task.risk == 3
    assert task.due_at <= utcnow() + timedelta(minutes=1)
    assert task.details["event"] == "escape"


def test_LP1_an_event_that_is_neither_release_nor_escape_is_a_form_message(
        client, lawyer, proceeding):
    login(client, "lawyer")
    page = client.post(f"/legal/proceedings/{proceeding.id}/offender-release",
                       data={"event": "parole hearing"}, follow_redirects=True)
    assert "Not saved (event)" in _text(page)
    assert db.session.scalar(select(Deadline).where(Deadline.kind == "safety_task")) is None


# -- cooperation: the legal track only (NC-2) ------------------------------------------------

def test_NC2_cooperation_is_recorded_and_shown_in_the_legal_track_only(
        client, caseworker, lawyer, proceeding):
    login(client, "lawyer")
    client.post(f"/cases/{proceeding.case_id}/legal/cooperation",
                data={"kind": "willingness_to_testify", "value": "unwilling",
                      "proceeding_id": str(proceeding.id), "note": "afraid of the family"})
    row = db.session.scalar(select(CooperationRecord))
    assert (row.kind, row.value, row.proceeding_id) == \
        ("willingness_to_testify", "unwilling", proceeding.id)
    assert "afraid of the family" in _text(client.get(f"/cases/{proceeding.case_id}/legal"))
    client.post("/logout")
    login(client, "caseworker")
    case_file = _text(client.get(f"/cases/{proceeding.case_id}"))
    assert "afraid of the family" not in case_file  # the assistance side never shows it


@pytest.mark.parametrize("data,field", [
    ({"kind": "bribe", "value": "given"}, "kind"),
    ({"kind": "statement", "value": "maybe"}, "value"),
    ({"kind": "statement", "value": "given", "proceeding_id": "not-an-id"}, "proceeding_id"),
])
def test_cooperation_with_bad_input_is_a_form_message(client, lawyer, proceeding, data,
                                                        field):
    login(client, "lawyer")
    page = client.post(f"/cases/{proceeding.case_id}/legal/cooperation", data=data,
                       follow_redirects=True)
    assert page.status_code == 200 and f"Not saved ({field})" in _text(page)
    assert db.session.scalar(select(CooperationRecord)) is None


def test_cooperation_cannot_name_a_proceeding_of_another_case(client, caseworker, lawyer,
                                                              proceeding):
    other = create_case(caseworker)
    legal.assign_legal_aid(caseworker, other, lawyer.id)
    db.session.commit()
    login(client, "lawyer")
    page = client.post(f"/cases/{other.id}/legal/cooperation",
                       data={"kind": "statement", "value": "given",
                             "proceeding_id": str(proceeding.id)}, follow_redirects=True)
    assert "Not saved (proceeding_id)" in _text(page)
    assert db.session.scalar(select(CooperationRecord)) is None


# -- assigning legal aid -----------------------------------------------------------------------

def test_the_caseworker_assigns_legal_aid_from_the_legal_page(client, caseworker, a_case,
                                                              lawyer):
    login(client, "caseworker")
    page = _text(client.get(f"/cases/{a_case.id}/legal"))
    assert "No legal aid assigned yet." in page and f'value="{lawyer.id}"' in page
    client.post(f"/cases/{a_case.id}/legal/assign", data={"user_id": str(lawyer.id)})
    assert db.session.scalar(select(LegalAidAssignment)).user_id == lawyer.id
    client.post("/logout")
    login(client, "lawyer")
    assert client.get(f"/cases/{a_case.id}/legal").status_code == 200  # now in their scope


@pytest.mark.parametrize("user_id", ["", "not-an-id", "caseworker"])
def test_only_a_member_of_legal_aid_staff_can_be_assigned(client, caseworker, a_case, lawyer,
                                                          user_id):
    login(client, "caseworker")
    value = str(caseworker.id) if user_id == "caseworker" else user_id
    page = client.post(f"/cases/{a_case.id}/legal/assign", data={"user_id": value},
                       follow_redirects=True)
    assert page.status_code == 200 and "Not saved (user_id)" in _text(page)
    assert db.session.scalar(select(LegalAidAssignment)) is None


def test_legal_aid_cannot_assign_and_another_agency_cannot_reach_the_case(
        client, caseworker, lawyer, assigned):
    other_lawyer = create_user("legal_aid", username="other-lawyer")
    create_user("caseworker", username="elsewhere")  # a caseworker of another agency
    db.session.commit()
    login(client, "lawyer")
    assert client.post(f"/cases/{assigned.id}/legal/assign",
                       data={"user_id": str(other_lawyer.id)}).status_code == 403
    client.post("/logout")
    login(client, "elsewhere")
    assert client.post(f"/cases/{assigned.id}/legal/assign",
                       data={"user_id": str(other_lawyer.id)}).status_code == 404
    assert db.session.scalars(select(LegalAidAssignment)).all() == \
        db.session.scalars(select(LegalAidAssignment).where(
            LegalAidAssignment.user_id == lawyer.id)).all()


# -- scope: legal aid reaches only the cases assigned to them; shelters never ----------------

@pytest.mark.parametrize("path,data", [
    ("/legal/proceedings/{p}/edit", {"status": "closed", "version": "1"}),
    ("/legal/proceedings/{p}/information", {"stage": "s", "summary": "x", "language": "ro"}),
    ("/legal/proceedings/{p}/offender-release", {"event": "release"}),
    ("/cases/{c}/legal/cooperation", {"kind": "statement", "value": "given"}),
])
def test_legal_aid_not_assigned_to_the_case_is_not_told_it_exists(
        client, proceeding, path, data):
    create_user("legal_aid", username="unassigned-lawyer")
    db.session.commit()
    login(client, "unassigned-lawyer")
    url = path.format(p=proceeding.id, c=proceeding.case_id)
    assert client.post(url, data=data).status_code == 404
    assert _fresh(Proceeding, proceeding.id).version == 1
    assert db.session.scalar(select(InformationGiven)) is None
    assert db.session.scalar(select(CooperationRecord)) is None
    assert db.session.scalar(select(Deadline).where(Deadline.kind == "safety_task")) is None


@pytest.mark.parametrize("path", ["/legal/proceedings/{p}/edit",
                                  "/legal/proceedings/{p}/information",
                                  "/legal/proceedings/{p}/offender-release",
                                  "/cases/{c}/legal/cooperation", "/cases/{c}/legal/assign"])
def test_SH3_shelter_staff_never_reach_the_legal_track(client, proceeding, shelter_user, path):
    login(client, "shelter")
    url = path.format(p=proceeding.id, c=proceeding.case_id)
    assert client.post(url, data={"status": "closed", "version": "1"}).status_code == 403


# -- LP-4: the advisory letter prints as a letter ----------------------------------------------

def test_LP4_the_advisory_letter_prints_clean_with_its_sender_date_and_signature(
        client, caseworker, lawyer, assigned):
    p = legal.open_proceeding(lawyer, assigned, kind="criminal", person_role="suspect",
                              court_or_authority="Magistrates", offence_category="illegal_work")
    give_consent(caseworker, assigned, "data_share", recipient_name="Public prosecutor",
                 recipient_category="prosecutor")
    db.session.commit()
    login(client, "lawyer")
    letter = _text(client.get(f"/legal/proceedings/{p.id}/letter"))
    assert "/static/letter.css" in letter and "/static/letter.js" in letter
    assert "<style" not in letter and "onclick" not in letter  # the CSP allows neither
    assert 'id="print-letter"' in letter and 'class="actions no-print"' in letter
    assert "Justice Access" in letter and "Signature" in letter
    assert utcnow().strftime("%Y-%m-%d") in letter or \
        (utcnow() - timedelta(days=1)).strftime("%Y-%m-%d") in letter
    css = _text(client.get("/static/letter.css"))
    assert "@media print" in css and ".no-print { display: none" in css
    assert "@page" in css


# -- the legal aid home: what is due this week, in the reader's week ---------------------------

def test_the_week_starts_on_the_readers_monday_not_utcs():
    from datetime import datetime, timezone
    from zoneinfo import ZoneInfo
    sunday_evening_utc = datetime(2026, 12, 6, 20, 0, tzinfo=timezone.utc)  # Monday in Tokyo
    assert legal._week_start(sunday_evening_utc) == datetime(2026, 11, 30, tzinfo=timezone.utc)
    assert legal._week_start(sunday_evening_utc, ZoneInfo("Asia/Tokyo")) == \
        datetime(2026, 12, 6, 15, 0, tzinfo=timezone.utc)  # Monday 7 December, 00:00 JST


def test_the_home_marks_a_hearing_still_pending_after_its_time_overdue_and_links_its_case(
        client, lawyer, proceeding):
    from referral.reminders.service import plan_deadline
    plan_deadline(proceeding.case_id, "hearing", utcnow() - timedelta(hours=2),
                  source_key="missed")
    db.session.commit()
    login(client, "lawyer")
    home = _text(client.get("/"))
    this_week = home.split("Due this week")[1].split("Coming up")[0]
    assert "overdue" in this_week and f"/cases/{proceeding.case_id}/legal" in this_week
    calendar = _text(client.get("/legal/calendar"))
    assert "overdue" in calendar.split("This week")[1].split("</section>")[0]
