"""LP-1..5, NC-1..4: legal proceedings, cooperation in the legal track only."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from referral.errors import Invalid, Refused
from referral.extensions import db
from referral.legal import service as legal
from referral.legal.models import InformationGiven
from referral.reminders import service as reminders
from referral.reminders.models import Deadline, Notification
from tests.cases.conftest import transition
from tests.factories import give_consent, token_headers


def soon(days):
    return datetime.now(timezone.utc) + timedelta(days=days)


def test_LP1_a_hearing_is_a_deadline_with_reminders(client, assigned, legal_user):
    headers = token_headers(legal_user)
    proceeding = client.post(f"/api/v1/cases/{assigned.id}/proceedings", headers=headers,
                             json={"kind": "criminal", "person_role": "victim",
                                   "court_or_authority": "Crown Court"}).json
    response = client.post(f"/api/v1/proceedings/{proceeding['id']}/hearings", headers=headers,
                           json={"at": soon(20).isoformat(), "place": "Court 3",
                                 "person_must": "give evidence by video link"})
    assert response.status_code == 201
    deadline = db.session.scalar(select(Deadline).where(Deadline.kind == "hearing"))
    assert deadline.remind_days == [7, 1] and deadline.case_id == assigned.id
    db.session.refresh(assigned)
    assert assigned.legal_state == "involved"


def test_LP1_information_given_at_each_stage_is_logged(caseworker, assigned):
    proceeding = legal.open_proceeding(caseworker, assigned, kind="criminal",
                                       person_role="witness", court_or_authority="Court")
    for stage in ("charge", "trial"):
        with pytest.raises(Invalid) as invalid:  # what was said, not a bare tick
            legal.log_information(caseworker, proceeding, stage=stage, summary=" ",
                                  language="ro")
        assert (invalid.value.key, invalid.value.message) == ("summary", "required")
        legal.log_information(caseworker, proceeding, stage=stage,
                              summary=f"the {stage} was explained", language="ro")
    db.session.commit()
    logged = db.session.scalars(select(InformationGiven).where(
        InformationGiven.proceeding_id == proceeding.id)
        .order_by(InformationGiven.given_at)).all()
    assert [(r.stage, r.summary, r.language, r.given_by_id) for r in logged] == [
        ("charge", "the charge was explained", "ro", caseworker.id),
        ("trial", "the trial was explained", "ro", caseworker.id)]


def test_LP1_release_of_an_offender_creates_an_urgent_safety_task(caseworker, supervisor,
                                                                  assigned):
    caseworker.supervisor_id = supervisor.id
    proceeding = legal.open_proceeding(caseworker, assigned, kind="criminal",
                                       person_role="victim", court_or_authority="Court")
    task = legal.offender_released(caseworker, proceeding, event="escape")
    db.session.commit()
    assert task.risk == 3
    reminders.sweep_due(soon(0) + timedelta(seconds=1))
    kinds = {(n.kind, n.recipient_id) for n in db.session.scalars(select(Notification))}
    assert ("overdue", caseworker.id) in kinds and ("escalation", supervisor.id) in kinds


def test_LP2_protective_measures_are_recorded_and_reviewed(caseworker, assigned):
    proceeding = legal.open_proceeding(caseworker, assigned, kind="criminal",
                                       person_role="witness", court_or_authority="Court")
    legal.add_measure(caseworker, proceeding, kind="screen", review_at=soon(30))
    assert db.session.scalar(select(Deadline).where(
        Deadline.kind == "protective_measure_review")) is not None


def test_LP3_compensation_is_claimable_with_no_residence_status(client, caseworker, assigned,
                                                               cw_headers):
    response = client.post(f"/api/v1/cases/{assigned.id}/compensation", headers=cw_headers,
                           json={"kind": "lost_wages", "amount_claimed": "5400.00",
                                 "currency": "EUR", "limitation_at": soon(365).isoformat()})
    assert response.status_code == 201 and response.json["amount_claimed"] == "5400.00"
    assert db.session.scalar(select(Deadline).where(Deadline.kind == "limitation"))


def test_LP4_open_proceedings_against_the_victim_show_an_alert(client, caseworker, assigned,
                                                              cw_headers):
    proceeding = legal.open_proceeding(caseworker, assigned, kind="criminal",
                                       person_role="suspect", court_or_authority="Court",
                                       offence_category="false_documents")
    db.session.commit()
    body = client.get(f"/api/v1/cases/{assigned.id}/legal", headers=cw_headers).json
    assert body["non_punishment_alerts"] and "LP-4" in body["non_punishment_alerts"][0]
    legal.review_non_punishment(caseworker, proceeding, review="compelled by traffickers",
                                outcome="discontinued")
    assert not legal.non_punishment_alerts(assigned)


def test_LP4_the_advisory_letter_needs_consent(client, caseworker, assigned, cw_headers):
    proceeding = legal.open_proceeding(caseworker, assigned, kind="criminal",
                                       person_role="suspect", court_or_authority="Court",
                                       offence_category="illegal_work")
    db.session.commit()
    url = f"/api/v1/proceedings/{proceeding.id}/non-punishment-letter"
    refused = client.get(url, headers=cw_headers)
    assert refused.status_code == 409 and list(refused.json["errors"]) == ["CO-1"]
    give_consent(caseworker, assigned, "data_share", recipient_name="the court",
                 recipient_category="court")
    response = client.get(url, headers=cw_headers)
    assert response.status_code == 200 and b"non-punishment" in response.data.lower()


def test_LP4_a_person_can_be_victim_in_one_matter_and_suspect_in_another(caseworker, assigned):
    legal.open_proceeding(caseworker, assigned, kind="criminal", person_role="victim",
                          court_or_authority="Court A")
    legal.open_proceeding(caseworker, assigned, kind="criminal", person_role="suspect",
                          court_or_authority="Court B", offence_category="forced_criminality")
    assert len(legal.open_proceedings(assigned)) == 2


def test_LP5_legal_notes_are_for_the_persons_legal_aid_only(client, caseworker, supervisor,
                                                           assigned, legal_user):
    headers = token_headers(legal_user)
    response = client.post(f"/api/v1/cases/{assigned.id}/legal-notes", headers=headers,
                           json={"body": "PRIVILEGED-SENTINEL-31 strategy"})
    assert response.status_code == 201
    assert "PRIVILEGED-SENTINEL-31" in client.get(f"/api/v1/cases/{assigned.id}/legal-notes",
                                                  headers=headers).get_data(as_text=True)
    for other in (caseworker, supervisor):  # their roles never read privileged notes
        response = client.get(f"/api/v1/cases/{assigned.id}/legal-notes",
                              headers=token_headers(other))
        assert response.status_code == 403
        for path in ("", "/history", "/legal"):
            text = client.get(f"/api/v1/cases/{assigned.id}{path}",
                              headers=token_headers(other)).get_data(as_text=True)
            assert "PRIVILEGED-SENTINEL-31" not in text


def test_the_legal_aid_view_shows_proceedings_and_no_other_case_data(client, caseworker,
                                                                     assigned, legal_user):
    assigned.narrative = "SENTINEL-NARRATIVE-913"
    assigned.person.safe_contact = "SENTINEL-CONTACT-913"
    proceeding = legal.open_proceeding(caseworker, assigned, kind="civil", person_role="party",
                                       court_or_authority="County Court")
    legal.add_hearing(caseworker, proceeding, at=soon(10), place="Room 2")
    db.session.commit()
    headers = token_headers(legal_user)
    response = client.get("/api/v1/legal/cases", headers=headers)
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "County Court" in text and "hearing" in text
    assert "SENTINEL" not in text and "Test" not in text
    assert client.get(f"/api/v1/cases/{assigned.id}", headers=headers).status_code == 403


def test_an_unassigned_legal_aid_user_cannot_reach_the_case(client, a_case, legal_user):
    response = client.get(f"/api/v1/cases/{a_case.id}/legal", headers=token_headers(legal_user))
    assert response.status_code == 404


def test_NC1_NC2_cooperation_records_never_change_the_other_tracks(client, caseworker,
                                                                  assigned, cw_headers):
    def options():
        body = client.get(f"/api/v1/cases/{assigned.id}/transitions", headers=cw_headers).json
        return {name: (t["allowed"], sorted(t["refused"]))
                for name, t in body["tracks"].items() if name != "legal"}

    baseline = options()
    for kind, value in (("statement", "refused"), ("willingness_to_testify", "unwilling"),
                        ("testimony", "given"), ("willingness_to_testify", "willing")):
        response = client.post(f"/api/v1/cases/{assigned.id}/cooperation", headers=cw_headers,
                               json={"kind": kind, "value": value})
        assert response.status_code == 201
        assert options() == baseline
    assert legal.cooperation_facts(assigned)["testimony_given"] is True


def test_NC3_refused_testimony_cannot_end_assistance(caseworker, assigned):
    give_consent(caseworker, assigned, "service")
    transition(caseworker, assigned, "assistance", "offer")
    transition(caseworker, assigned, "assistance", "accept")
    legal.record_cooperation(caseworker, assigned, kind="testimony", value="refused")
    with pytest.raises(Refused) as refused:
        transition(caseworker, assigned, "assistance", "end",
                   reason="did not cooperate with police", facts={"person_view": "no"})
    assert refused.value.rule == "NC-3"


def test_NC4_permit_conditions_tied_to_cooperation_stay_in_the_legal_track(caseworker,
                                                                          assigned):
    from referral.cases.facts import facts_for
    legal.add_permit(caseworker, assigned, kind="temporary_residence", status="granted",
                     expires_at=soon(200), conditions="cooperate with the investigation")
    for track in ("nrm", "assistance", "shelter", "return"):
        assert "cooperate" not in str(facts_for(assigned, track))
    assert db.session.scalar(select(Deadline).where(Deadline.kind == "permit_renewal"))


def test_LP4_the_case_file_page_shows_the_non_punishment_alert(client, caseworker, assigned):
    legal.open_proceeding(caseworker, assigned, kind="immigration", person_role="suspect",
                          court_or_authority="Magistrates", offence_category="illegal_entry")
    db.session.commit()
    from tests.web.conftest import login
    login(client, "caseworker")
    assert "LP-4" in client.get(f"/cases/{assigned.id}").get_data(as_text=True)
    assert "Magistrates" in client.get(f"/cases/{assigned.id}/legal").get_data(as_text=True)


def test_the_legal_aid_home_and_view_pages(client, caseworker, assigned, legal_user):
    proceeding = legal.open_proceeding(caseworker, assigned, kind="civil", person_role="party",
                                       court_or_authority="Employment Tribunal")
    legal.add_hearing(caseworker, proceeding, at=soon(5), place="Room 1")
    db.session.commit()
    from tests.web.conftest import login
    login(client, "legal")
    assert "hearing" in client.get("/").get_data(as_text=True)
    assert "Employment Tribunal" in client.get("/legal/").get_data(as_text=True)


def test_the_legal_aid_view_puts_open_matters_first_a_page_at_a_time(client, caseworker,
                                                                       legal_user):
    from tests.factories import create_case
    cases = [create_case(caseworker) for _ in range(5)]
    for case in cases:
        legal.assign_legal_aid(caseworker, case, legal_user.id)
    open_matter = cases[0]  # the oldest, but with a proceeding under way
    legal.open_proceeding(caseworker, open_matter, kind="criminal", person_role="victim",
                          court_or_authority="Crown Court")
    db.session.commit()
    headers = token_headers(legal_user)
    first = client.get("/api/v1/legal/cases?per_page=2", headers=headers).json
    assert [row["reference"] for row in first][0] == open_matter.reference and len(first) == 2
    pages = [client.get(f"/api/v1/legal/cases?per_page=2&page={n}", headers=headers).json
             for n in (1, 2, 3)]
    seen = [row["reference"] for page in pages for row in page]
    assert sorted(seen) == sorted(c.reference for c in cases)  # each once, none lost
    too_many = client.get("/api/v1/legal/cases?per_page=500", headers=headers)
    assert too_many.status_code == 422 and "per_page" in too_many.json["errors"]


def test_a_lawyers_count_is_their_own_assignments(caseworker, legal_user):
    """The legal aid page's "more" link and the home panel count the lawyer's matters:
    theirs, every one, and no other lawyer's."""
    from tests.factories import create_case, create_user
    other = create_user("legal_aid")
    mine = [create_case(caseworker) for _ in range(3)]
    for case in mine:
        legal.assign_legal_aid(caseworker, case, legal_user.id)
    legal.assign_legal_aid(caseworker, mine[0], other.id)
    legal.assign_legal_aid(caseworker, create_case(caseworker), other.id)
    db.session.commit()
    assert legal.assigned_count(legal_user) == 3
    assert legal.assigned_count(other) == 2


def test_the_legal_aid_view_answers_as_its_schema_dumps_it(client, caseworker, assigned,
                                                           legal_user):
    """The list is dumped without marshmallow per row: the same JSON the schema gives."""
    from referral.legal.schemas import LegalAidCaseSchema
    proceeding = legal.open_proceeding(caseworker, assigned, kind="criminal",
                                       person_role="suspect", court_or_authority="Tribunal",
                                       offence_category="illegal_work")
    legal.add_hearing(caseworker, proceeding, at=soon(10), place="Room 2")
    legal.add_measure(caseworker, proceeding, kind="screen", review_at=soon(30))
    db.session.commit()
    response = client.get("/api/v1/legal/cases", headers=token_headers(legal_user))
    assert response.status_code == 200
    body = response.json
    assert body == LegalAidCaseSchema(many=True).dump(legal.legal_aid_view(legal_user))
    case = body[0]
    assert case["proceedings"][0]["hearings"] and case["proceedings"][0]["measures"]
    assert case["deadlines"] and case["non_punishment_alerts"] and case["no_removal"] is True
