"""Legal aid's day in pages (issue 18): proceedings, hearings on a calendar and on the home
page when due this week (LP-1), protective measures (LP-2), the non-punishment letter to
print (LP-4), privileged notes (LP-5)."""
from datetime import timedelta

from sqlalchemy import select

from referral.database import utcnow
from referral.extensions import db
from referral.legal.models import Hearing, LegalNote, Proceeding, ProtectiveMeasure
from tests.factories import create_user, give_consent
from tests.web.conftest import login


def _open(client, case, **extra):
    data = {"kind": "criminal", "person_role": "victim", "court_or_authority": "Court A",
            **extra}
    return client.post(f"/cases/{case.id}/legal/proceedings", data=data)


def test_LP1_legal_aid_records_proceedings_and_a_hearing_that_shows_as_due_this_week(
        client, assigned, legal_user):
    login(client, "legal")
    assert _open(client, assigned).status_code == 302
    proceeding = db.session.scalar(select(Proceeding))
    at = (utcnow() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    missing = client.post(f"/legal/proceedings/{proceeding.id}/hearings",
                          data={"at": at, "place": ""}, follow_redirects=True)
    assert "where the hearing is" in missing.get_data(as_text=True)
    assert client.post(f"/legal/proceedings/{proceeding.id}/hearings",
                       data={"at": "next tuesday", "place": "Room 4"}).status_code == 302
    assert not db.session.scalars(select(Hearing)).all()
    client.post(f"/legal/proceedings/{proceeding.id}/hearings",
                data={"at": at, "place": "Room 4", "person_must": "bring the summons"})
    assert db.session.scalar(select(Hearing)).place == "Room 4"
    home = client.get("/").get_data(as_text=True)
    assert "Due this week" in home
    if (utcnow() + timedelta(hours=1)).weekday() >= utcnow().weekday():  # not past Sunday
        assert assigned.reference in home.split("Due this week")[1].split("Coming up")[0]
    calendar = client.get("/legal/calendar").get_data(as_text=True)
    assert "This week" in calendar and assigned.reference in calendar
    db.session.expire_all()  # the test shares the requests' session; a request has its own
    page = client.get(f"/cases/{assigned.id}/legal").get_data(as_text=True)
    assert "Room 4" in page and "bring the summons" in page


def test_LP2_a_protective_measure_is_recorded_with_a_future_review(client, assigned,
                                                                   legal_user):
    login(client, "legal")
    _open(client, assigned)
    proceeding = db.session.scalar(select(Proceeding))
    past = (utcnow() - timedelta(days=2)).strftime("%Y-%m-%d")
    client.post(f"/legal/proceedings/{proceeding.id}/measures",
                data={"kind": "video_link", "review_at": past})
    assert not db.session.scalars(select(ProtectiveMeasure)).all()
    future = (utcnow() + timedelta(days=30)).strftime("%Y-%m-%d")
    client.post(f"/legal/proceedings/{proceeding.id}/measures",
                data={"kind": "video_link", "review_at": future, "note": "from next room"})
    assert db.session.scalar(select(ProtectiveMeasure)).kind == "video_link"
    db.session.expire_all()
    assert "video link" in client.get(f"/cases/{assigned.id}/legal").get_data(as_text=True)


def test_LP4_the_advisory_letter_is_printed_from_the_page_only_with_consent_to_share(
        client, caseworker, assigned, legal_user):
    login(client, "legal")
    _open(client, assigned, person_role="suspect", offence_category="false_documents",
          court_or_authority="Magistrates")
    proceeding = db.session.scalar(select(Proceeding))
    page = client.get(f"/cases/{assigned.id}/legal").get_data(as_text=True)
    assert f"/legal/proceedings/{proceeding.id}/letter" in page
    refused = client.get(f"/legal/proceedings/{proceeding.id}/letter", follow_redirects=True)
    assert "consent to share data" in refused.get_data(as_text=True)
    give_consent(caseworker, assigned, "data_share", recipient_name="Public prosecutor",
                 recipient_category="prosecutor")
    letter = client.get(f"/legal/proceedings/{proceeding.id}/letter")
    assert letter.status_code == 200 and letter.mimetype == "text/html"
    assert "Non-punishment advisory" in letter.get_data(as_text=True)
    assert "Magistrates" in letter.get_data(as_text=True)
    client.post(f"/legal/proceedings/{proceeding.id}/non-punishment",
                data={"review": "forced to carry the papers", "outcome": "discontinued"})
    db.session.refresh(proceeding)
    assert proceeding.non_punishment_outcome == "discontinued"


def test_LP5_privileged_notes_are_for_the_assigned_legal_aid_only(client, assigned,
                                                                   legal_user):
    other = create_user("legal_aid", agency=legal_user.agency, username="other-lawyer")
    db.session.commit()
    login(client, "legal")
    client.post(f"/cases/{assigned.id}/legal/notes", data={"body": "advice: plead duress"})
    assert db.session.scalar(select(LegalNote)).body == "advice: plead duress"
    assert "plead duress" in client.get(f"/cases/{assigned.id}/legal/notes").get_data(
        as_text=True)
    client.post("/logout")
    login(client, other.username)
    assert client.get(f"/cases/{assigned.id}/legal/notes").status_code == 404
    client.post("/logout")
    login(client, "caseworker")
    assert client.get(f"/cases/{assigned.id}/legal/notes").status_code == 403
