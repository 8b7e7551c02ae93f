"""Case conferences: scheduled as follow-ups, attendance, the person's participation or
view (ID-6), decisions and actions that become follow-ups; minutes sealed at rest."""
import pytest
from sqlalchemy import select, text

from referral.agencies import service
from referral.errors import Invalid
from referral.extensions import db
from referral.reminders.models import Deadline
from tests.factories import token_headers

from .conftest import share_consent, soon


def _conference(agencies, case):
    cw = agencies["a_caseworker"]
    consent = share_consent(cw, case, agencies["shelter"])
    service.add_member(cw, case, user_id=agencies["shelter_staff"].id, team_role="key worker",
                       scope=["shelter", "conferences"], consent_id=consent.id)
    conference = service.schedule_conference(
        cw, case, scheduled_for=soon(3), purpose="safety and housing",
        attendee_ids=[agencies["shelter_staff"].id])
    db.session.commit()
    return conference


def test_a_conference_is_a_follow_up_and_its_actions_become_follow_ups(agencies, case_a):
    conference = _conference(agencies, case_a)
    row = db.session.scalar(select(Deadline).where(Deadline.kind == "case_conference"))
    assert row.source_key == str(conference.id) and row.status == "pending"
    with pytest.raises(Invalid) as invalid:  # ID-6: the person's view when they took part
        service.record_conference(agencies["a_caseworker"], conference,
                                  participation="view_given", minutes="we met")
    assert invalid.value.key == "person_view"
    db.session.rollback()
    service.record_conference(
        agencies["a_caseworker"], conference, participation="view_given",
        person_view="I want to stay near my sister", minutes="Housing options discussed",
        attended_ids=[agencies["shelter_staff"].id], decisions=["look for housing nearby"],
        actions=[{"description": "visit two flats", "owner_id": agencies["shelter_staff"].id,
                  "due_at": soon(7)}])
    db.session.commit()
    assert row.status == "met"
    action = db.session.scalar(select(Deadline).where(Deadline.kind == "conference_action"))
    assert action.assignee_id == agencies["shelter_staff"].id
    assert [a.attended for a in conference.attendees if a.user_id ==
            agencies["shelter_staff"].id] == [True]


def test_minutes_and_the_persons_view_are_sealed_at_rest(agencies, case_a):
    conference = _conference(agencies, case_a)
    service.record_conference(agencies["a_caseworker"], conference, participation="attended",
                              person_view="PLAINVIEW-77", minutes="PLAINMINUTES-77")
    db.session.commit()
    raw = db.session.execute(text("SELECT minutes_enc, person_view_enc FROM case_conference"
                                  )).one()
    assert "PLAINMINUTES-77" not in raw[0] and "PLAINVIEW-77" not in raw[1]
    assert conference.minutes == "PLAINMINUTES-77"


def test_team_members_with_conferences_in_scope_read_the_minutes(app, agencies, case_a):
    conference = _conference(agencies, case_a)
    client = app.test_client()
    assert client.get(f"/api/v1/conferences/{conference.id}", headers=token_headers(
        agencies["shelter_staff"])).status_code == 200
    assert client.get(f"/api/v1/conferences/{conference.id}", headers=token_headers(
        agencies["legal_aid"])).status_code == 404
    assert client.post(f"/api/v1/conferences/{conference.id}/record", headers=token_headers(
        agencies["b_caseworker"]), json={"participation": "declined",
                                         "minutes": "x"}).status_code == 404
