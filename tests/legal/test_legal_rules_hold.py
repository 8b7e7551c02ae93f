"""LP-1, LP-2, LP-4, LP-5 as the rules say them, each refusal with its own key and reason:
what the person was told is logged in full, a protective measure is reviewed in the future
(the day before, the moment and the day after), a non-punishment review is for proceedings
against the person and says what was reviewed, and only the person's legal aid writes
privileged notes. Through the service and the API.

Each test fails when the guard it names is removed (see docs/mutation-kills-b.md).
"""
from datetime import datetime, timedelta, timezone

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from referral.errors import Invalid, NotFound, Refused
from referral.extensions import db
from referral.legal import service as legal
from referral.legal.models import InformationGiven, LegalNote, ProtectiveMeasure
from referral.reminders.models import Deadline
from tests.factories import create_agency, create_user, give_consent, token_headers

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
DAY = timedelta(days=1)


def proceeding(caseworker, case, role="witness", **extra):
    row = legal.open_proceeding(caseworker, case, kind="criminal", person_role=role,
                                court_or_authority="Crown Court", **extra)
    db.session.commit()
    return row


# -- LP-1: what the person was told, at which stage, in which language ---------------------

@pytest.mark.parametrize("field", ["stage", "summary", "language"])
@pytest.mark.parametrize("blank", ["", "   ", None])
def test_LP1_information_given_records_stage_summary_and_language(caseworker, assigned, field,
                                                                 blank):
    matter = proceeding(caseworker, assigned)
    given = {"stage": "charge", "summary": "the accused was charged", "language": "ro",
             field: blank}
    with pytest.raises(Invalid) as invalid:
        legal.log_information(caseworker, matter, **given)
    assert (invalid.value.key, invalid.value.message) == (field, "required")
    assert not db.session.scalars(select(InformationGiven)).all()


@pytest.mark.parametrize("field", ["stage", "summary"])
def test_LP1_the_api_refuses_information_given_that_says_nothing(client, caseworker, assigned,
                                                                 cw_headers, field):
    matter = proceeding(caseworker, assigned)
    body = {"stage": "charge", "summary": "the accused was charged", "language": "ro",
            field: "   "}
    response = client.post(f"/api/v1/proceedings/{matter.id}/information", headers=cw_headers,
                           json=body)
    assert response.status_code == 422 and response.json["errors"] == {field: ["required"]}
    body[field] = "the accused was charged"
    response = client.post(f"/api/v1/proceedings/{matter.id}/information", headers=cw_headers,
                           json=body)
    assert response.status_code == 201
    row = db.session.scalars(select(InformationGiven)).one()
    assert (row.stage, row.language, row.given_by_id) == (body["stage"], "ro", caseworker.id)


# -- LP-2: a protective measure is reviewed, on a date still to come -----------------------

@pytest.mark.parametrize("offset, allowed", [(-DAY, False), (timedelta(0), False),
                                             (timedelta(seconds=1), True), (DAY, True)])
def test_LP2_a_protective_measure_is_reviewed_in_the_future(caseworker, assigned, offset,
                                                           allowed):
    matter = proceeding(caseworker, assigned)
    with freeze_time(T0):
        if allowed:
            measure = legal.add_measure(caseworker, matter, kind="screen", review_at=T0 + offset)
            deadline = db.session.scalars(select(Deadline).where(
                Deadline.kind == "protective_measure_review")).one()
            assert deadline.due_at == measure.review_at == T0 + offset
        else:
            with pytest.raises(Invalid) as invalid:
                legal.add_measure(caseworker, matter, kind="screen", review_at=T0 + offset)
            assert (invalid.value.key, invalid.value.message) == ("review_at",
                                                                  "must be in the future")
            assert not db.session.scalars(select(ProtectiveMeasure)).all()


@pytest.mark.parametrize("offset, status", [(-DAY, 422), (DAY, 201)])
def test_LP2_the_api_refuses_a_review_date_in_the_past(client, caseworker, assigned, cw_headers,
                                                       offset, status):
    matter = proceeding(caseworker, assigned)
    with freeze_time(T0):
        response = client.post(f"/api/v1/proceedings/{matter.id}/measures", headers=cw_headers,
                               json={"kind": "video_link",
                                     "review_at": (T0 + offset).isoformat()})
    assert response.status_code == status, response.json
    if status == 422:
        assert response.json["errors"] == {"review_at": ["must be in the future"]}


# -- LP-4: the non-punishment review ------------------------------------------------------

@pytest.mark.parametrize("role", ["victim", "witness", "party"])
def test_LP4_a_non_punishment_review_is_for_proceedings_against_the_person(caseworker, assigned,
                                                                          role):
    matter = proceeding(caseworker, assigned, role=role)
    with pytest.raises(Refused) as refused:
        legal.review_non_punishment(caseworker, matter, review="compelled by traffickers",
                                    outcome="discontinued")
    assert refused.value.rule == "LP-4"
    assert refused.value.message == "non-punishment applies to proceedings against the person"
    db.session.refresh(matter)
    assert (matter.non_punishment_review, matter.status) == (None, "open")


def test_LP4_the_api_refuses_a_review_of_proceedings_where_the_person_is_the_victim(
        client, caseworker, assigned, cw_headers):
    matter = proceeding(caseworker, assigned, role="victim")
    response = client.post(f"/api/v1/proceedings/{matter.id}/non-punishment",
                           headers=cw_headers, json={"review": "compelled by traffickers",
                                                     "outcome": "discontinued"})
    assert response.status_code == 409
    assert response.json["errors"] == {
        "LP-4": ["non-punishment applies to proceedings against the person"]}


@pytest.mark.parametrize("blank", ["", "   ", None])
def test_LP4_the_non_punishment_review_is_written_down(caseworker, assigned, blank):
    matter = proceeding(caseworker, assigned, role="suspect", offence_category="false_documents")
    with pytest.raises(Invalid) as invalid:
        legal.review_non_punishment(caseworker, matter, review=blank, outcome="discontinued")
    assert (invalid.value.key, invalid.value.message) == ("review",
                                                          "record the non-punishment review")
    db.session.refresh(matter)
    assert (matter.non_punishment_review, matter.non_punishment_outcome, matter.status) == (
        None, "pending", "open")


def test_LP4_the_api_refuses_a_review_that_says_nothing(client, caseworker, assigned,
                                                        cw_headers):
    matter = proceeding(caseworker, assigned, role="suspect", offence_category="illegal_work")
    url = f"/api/v1/proceedings/{matter.id}/non-punishment"
    response = client.post(url, headers=cw_headers, json={"review": "   ",
                                                          "outcome": "discontinued"})
    assert response.status_code == 422
    assert response.json["errors"] == {"review": ["record the non-punishment review"]}
    response = client.post(url, headers=cw_headers, json={
        "review": "forced to work on false papers", "outcome": "discontinued"})
    assert response.status_code == 200, response.json
    db.session.refresh(matter)
    assert matter.non_punishment_review == "forced to work on false papers"


def test_LP4_the_advisory_letter_needs_proceedings_against_the_person_and_consent(
        client, caseworker, assigned, cw_headers):
    against = proceeding(caseworker, assigned, role="suspect", offence_category="illegal_work")
    as_victim = proceeding(caseworker, assigned, role="victim")
    response = client.get(f"/api/v1/proceedings/{as_victim.id}/non-punishment-letter",
                          headers=cw_headers)
    assert response.status_code == 409 and response.json["errors"] == {
        "LP-4": ["a non-punishment letter concerns proceedings against the person"]}
    url = f"/api/v1/proceedings/{against.id}/non-punishment-letter"
    response = client.get(url, headers=cw_headers)
    assert response.status_code == 409 and list(response.json["errors"]) == ["CO-1"]
    assert "consent" in response.json["errors"]["CO-1"][0]
    give_consent(caseworker, assigned, "data_share", recipient_name="the court",
                 recipient_category="court")
    response = client.get(url, headers=cw_headers)
    assert response.status_code == 200 and b"non-punishment" in response.data.lower()


# -- LP-5: only the person's legal aid writes privileged notes -----------------------------

def test_LP5_only_the_persons_legal_aid_writes_privileged_notes(caseworker, supervisor,
                                                               assigned, legal_user):
    other_lawyer = create_user("legal_aid", agency=create_agency("Another firm"))
    admin = create_user("admin", agency=caseworker.agency)
    db.session.commit()
    for writer in (caseworker, supervisor, other_lawyer, admin):
        with pytest.raises(NotFound):
            legal.add_note(writer, assigned, "PRIVILEGED-SENTINEL-77 advice")
    assert not db.session.scalars(select(LegalNote)).all()
    note = legal.add_note(legal_user, assigned, "PRIVILEGED-SENTINEL-77 advice")
    assert note.author_id == legal_user.id


def test_LP5_nobody_else_writes_privileged_notes_through_the_api(client, caseworker, supervisor,
                                                                 assigned, legal_user):
    other_lawyer = create_user("legal_aid", agency=create_agency("Another firm"))
    db.session.commit()
    url = f"/api/v1/cases/{assigned.id}/legal-notes"
    for writer in (caseworker, supervisor, other_lawyer):
        response = client.post(url, headers=token_headers(writer), json={"body": "advice"})
        assert response.status_code in (403, 404), writer
    assert not db.session.scalars(select(LegalNote)).all()
    assert client.post(url, headers=token_headers(legal_user),
                       json={"body": "advice"}).status_code == 201


def test_NC2_cooperation_lives_in_the_legal_track_and_is_read_there(a_case, caseworker):
    """The other half of NC-2: what is recorded about cooperation reaches the legal track's
    facts (its provider is registered for that track alone), and no other track's."""
    import workflows
    from workflows import COOPERATION_FACTS
    from referral.cases.facts import facts_for
    assert facts_for(a_case, "legal")["cooperation"] is False
    legal.record_cooperation(caseworker, a_case, kind="willingness_to_testify", value="willing")
    legal.record_cooperation(caseworker, a_case, kind="statement", value="given")
    facts = facts_for(a_case, "legal")
    assert (facts["cooperation"], facts["willing_to_testify"], facts["statement_given"],
            facts["testimony_given"]) == (True, True, True, False)
    for name in workflows.tracks():
        if name != "legal":
            assert not set(facts_for(a_case, name)) & COOPERATION_FACTS, name
