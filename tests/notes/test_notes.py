"""Case notes and the contact log: sealed at rest, visible by role (shelter staff see their
own notes and what is shared with them; legal aid what is shared with them), editable by the
author for a short time and then append-only with corrections, audited (DP-3)."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text

from referral.audit.models import AuditEntry
from referral.extensions import db
from referral.legal import service as legal
from referral.notes import service as notes
from referral.notes.models import CaseNote
from referral.reminders.models import Deadline
from tests.factories import create_case, create_user, token_headers

SECRET = "NOTE-SENTINEL said she was moved at night"


def when(hours_ago=1):
    return (datetime.now(timezone.utc) - timedelta(hours=hours_ago)).replace(microsecond=0)


def contact(**extra):
    return {"kind": "visit", "occurred_at": when().isoformat(), "body": SECRET,
            "participants": "Officer Marek Third-Party", "interpreter_used": True,
            "interpreter_language": "ro", **extra}


def write(actor, case, **extra):
    fields = {"kind": "call", "occurred_at": when(), "body": SECRET, **extra}
    note = notes.record_contact(actor, case, **fields)
    db.session.commit()
    return note


@pytest.fixture
def lawyer(caseworker, a_case):
    user = create_user("legal_aid", username="lawyer")
    db.session.commit()
    legal.assign_legal_aid(caseworker, a_case, user.id)
    db.session.commit()
    return user


def test_a_contact_is_recorded_with_who_took_part_and_the_interpreter(client, cw_headers,
                                                                      a_case):
    response = client.post(f"/api/v1/cases/{a_case.id}/notes", headers=cw_headers,
                           json=contact(duration_minutes=45))
    assert response.status_code == 201, response.json
    note = response.json
    assert note["kind"] == "visit" and note["interpreter_language"] == "ro"
    assert note["body"] == SECRET and note["participants"] == "Officer Marek Third-Party"
    listed = client.get(f"/api/v1/cases/{a_case.id}/notes", headers=cw_headers).json
    assert listed["total"] == 1 and listed["items"][0]["id"] == note["id"]


def test_the_note_and_who_took_part_are_sealed_in_the_database(caseworker, a_case):
    note = write(caseworker, a_case, participants="Officer Marek Third-Party")
    notes.correct_note(caseworker, a_case, note, body="CORRECTED-SENTINEL",
                       reason="the date was wrong in the first note")
    db.session.commit()
    row = db.session.execute(text("SELECT body_enc, participants_enc FROM case_note")).one()
    assert all(value.startswith("v1:") for value in row)
    assert "NOTE-SENTINEL" not in "".join(row) and "Marek" not in "".join(row)
    correction = db.session.execute(text("SELECT body_enc, reason_enc FROM "
                                         "case_note_correction")).one()
    assert all(v.startswith("v1:") and "SENTINEL" not in v and "date" not in v
               for v in correction)


@pytest.mark.parametrize("field, value", [
    ("kind", "gossip"), ("occurred_at", None), ("body", ""),
    ("interpreter_language", "x"), ("duration_minutes", 0)])
def test_a_contact_with_a_bad_field_is_refused_naming_it(client, cw_headers, a_case, field,
                                                         value):
    response = client.post(f"/api/v1/cases/{a_case.id}/notes", headers=cw_headers,
                           json=contact(**{field: value}))
    assert response.status_code == 422 and field in response.json["errors"]
    assert db.session.scalar(select(CaseNote)) is None


def test_a_contact_cannot_be_recorded_before_it_happens(client, cw_headers, a_case):
    future = (datetime.now(timezone.utc) + timedelta(days=2)).isoformat()
    response = client.post(f"/api/v1/cases/{a_case.id}/notes", headers=cw_headers,
                           json=contact(occurred_at=future))
    assert response.status_code == 422 and "occurred_at" in response.json["errors"]


def test_a_contact_answers_a_follow_up_of_the_same_case_only(client, cw_headers, caseworker,
                                                             a_case):
    own = db.session.scalar(select(Deadline).where(Deadline.case_id == a_case.id))
    other = create_case(caseworker)
    foreign = db.session.scalar(select(Deadline).where(Deadline.case_id == other.id))
    ok = client.post(f"/api/v1/cases/{a_case.id}/notes", headers=cw_headers,
                     json=contact(follow_up_id=str(own.id)))
    assert ok.status_code == 201 and ok.json["follow_up_id"] == str(own.id)
    refused = client.post(f"/api/v1/cases/{a_case.id}/notes", headers=cw_headers,
                          json=contact(follow_up_id=str(foreign.id)))
    assert refused.status_code == 422 and "follow_up_id" in refused.json["errors"]


# --- the editing window, then append-only -----------------------------------------------

def test_the_author_edits_a_note_within_the_window(client, cw_headers, caseworker, a_case):
    note = write(caseworker, a_case)
    response = client.patch(f"/api/v1/notes/{note.id}", headers=cw_headers,
                            json=contact(body="fixed a typo"))
    assert response.status_code == 200 and response.json["body"] == "fixed a typo"
    assert response.json["edited_at"] is not None


def test_after_the_window_a_note_is_append_only(app, client, cw_headers, caseworker, a_case):
    note = write(caseworker, a_case)
    note.created_at = note.created_at - timedelta(
        minutes=app.config["NOTE_EDIT_MINUTES"] + 1)
    db.session.commit()
    response = client.patch(f"/api/v1/notes/{note.id}", headers=cw_headers,
                            json=contact(body="rewritten history"))
    assert response.status_code == 409 and "append_only" in response.json["errors"]
    db.session.refresh(note)
    assert note.body == SECRET

    response = client.post(f"/api/v1/notes/{note.id}/corrections", headers=cw_headers,
                           json={"body": "It was a Tuesday, not a Monday.",
                                 "reason": "date confirmed with the person"})
    assert response.status_code == 201
    shown = client.get(f"/api/v1/notes/{note.id}", headers=cw_headers).json
    assert shown["body"] == SECRET  # the original stays as written
    assert [c["body"] for c in shown["corrections"]] == ["It was a Tuesday, not a Monday."]
    # A correction also closes the editing window of a fresh note.
    fresh = write(caseworker, a_case)
    notes.correct_note(caseworker, a_case, fresh, body="more", reason="added a detail later")
    db.session.commit()
    assert client.patch(f"/api/v1/notes/{fresh.id}", headers=cw_headers,
                        json=contact()).status_code == 409


def test_only_the_author_edits_a_note(client, caseworker, supervisor, a_case):
    note = write(caseworker, a_case)
    response = client.patch(f"/api/v1/notes/{note.id}", headers=token_headers(supervisor),
                            json=contact(body="not mine"))
    assert response.status_code == 409
    assert client.post(f"/api/v1/notes/{note.id}/corrections",
                       headers=token_headers(supervisor),
                       json={"body": "x", "reason": "short"}).status_code == 422


# --- who reads what ---------------------------------------------------------------------

def test_shelter_staff_see_their_own_notes_and_what_is_shared_with_them(
        client, caseworker, a_case, admitted, shelter_user):
    private = write(caseworker, a_case, body="caseworker only")
    shared = write(caseworker, a_case, body="for the shelter", shared_with_shelter=True)
    headers = token_headers(shelter_user)
    own = client.post(f"/api/v1/cases/{a_case.id}/notes", headers=headers,
                      json=contact(body="night shift: she slept well"))
    assert own.status_code == 201
    listed = client.get(f"/api/v1/cases/{a_case.id}/notes", headers=headers).json
    assert {n["id"] for n in listed["items"]} == {str(shared.id), own.json["id"]}
    assert listed["total"] == 2
    assert client.get(f"/api/v1/notes/{private.id}", headers=headers).status_code == 404
    # Shelter staff do not decide who else reads a note, nor see follow-ups (SH-3).
    refused = client.post(f"/api/v1/cases/{a_case.id}/notes", headers=headers,
                          json=contact(shared_with_legal_aid=True))
    assert refused.status_code == 422 and "shared_with" in refused.json["errors"]
    # The case's caseworker reads the shelter's note.
    cw = client.get(f"/api/v1/cases/{a_case.id}/notes", headers=token_headers(caseworker)).json
    assert cw["total"] == 3


def test_another_shelters_staff_do_not_reach_the_notes(client, caseworker, a_case, admitted):
    from referral.accounts.models import AgencyKind
    from tests.factories import create_agency
    elsewhere = create_user("shelter_staff",
                            agency=create_agency("Far House", AgencyKind.shelter))
    db.session.commit()
    shared = write(caseworker, a_case, shared_with_shelter=True)
    headers = token_headers(elsewhere)
    assert client.get(f"/api/v1/cases/{a_case.id}/notes", headers=headers).status_code == 404
    assert client.get(f"/api/v1/notes/{shared.id}", headers=headers).status_code == 404


def test_legal_aid_read_what_is_shared_with_them_and_write_nothing_here(client, caseworker,
                                                                        a_case, lawyer):
    write(caseworker, a_case, body="not for the lawyer")
    shared = write(caseworker, a_case, body="hearing prep", shared_with_legal_aid=True)
    headers = token_headers(lawyer)
    listed = client.get(f"/api/v1/cases/{a_case.id}/notes", headers=headers).json
    assert [n["id"] for n in listed["items"]] == [str(shared.id)]
    # Their privileged notes stay in the legal area (LP-5); contact notes are not theirs.
    assert client.post(f"/api/v1/cases/{a_case.id}/notes", headers=headers,
                       json=contact()).status_code == 403


@pytest.mark.parametrize("role", ["admin", "auditor"])
def test_administrators_and_auditors_read_no_note(client, caseworker, a_case, role):
    note = write(caseworker, a_case)
    headers = token_headers(create_user(role, agency=caseworker.agency))
    assert client.get(f"/api/v1/notes/{note.id}", headers=headers).status_code == 403
    assert client.get(f"/api/v1/cases/{a_case.id}/notes", headers=headers).status_code == 403


def test_another_agencys_caseworker_gets_404(client, caseworker, a_case):
    note = write(caseworker, a_case)
    headers = token_headers(create_user("caseworker"))
    assert client.get(f"/api/v1/notes/{note.id}", headers=headers).status_code == 404
    assert client.post(f"/api/v1/cases/{a_case.id}/notes", headers=headers,
                       json=contact()).status_code == 404


def test_DP3_notes_are_audited_and_shown_on_the_timeline(client, cw_headers, caseworker,
                                                          a_case):
    note = client.post(f"/api/v1/cases/{a_case.id}/notes", headers=cw_headers,
                       json=contact()).json
    client.get(f"/api/v1/notes/{note['id']}", headers=cw_headers)
    actions = db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.object_id == note["id"]).order_by(AuditEntry.id)).all()
    assert actions == ["note.create", "note.read"]
    items = client.get(f"/api/v1/cases/{a_case.id}/history", headers=cw_headers).json
    timeline = [i for i in items if i["type"] == "note"]
    assert len(timeline) == 1 and timeline[0]["kind"] == "visit"
    assert SECRET not in str(items)  # the timeline names the contact, not its content
