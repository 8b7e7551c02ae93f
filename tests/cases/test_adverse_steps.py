"""ID-6 / NC-3 on every path: an adverse step takes a reason code from its closed list (none
about cooperation) and the person's view or that they declined; free text is screened as a
tripwire whose hits supervisors see and mark reviewed. RP-1: an early end of the reflection
period is the person's recorded request, in their words. ID-1: no closing while a negative
decision is under review. CO-1: accepting an offer needs consent."""
import uuid

import pytest
from sqlalchemy import select

import workflows
from workflows.guards import NON_COOPERATION_REASON_CODES, person_view_recorded
from workflows.reasons import ADVERSE_REASONS
from workflows.screening import cooperation_hit
from referral.cases.models import CaseTransition, RefusedAttempt
from referral.extensions import db
from referral.returns import service as returns
from tests.cases.conftest import decide, transition
from tests.factories import give_consent, token_headers
from tests.web.conftest import login


def post_step(client, headers, case, track, event, reason=None, **facts):
    db.session.refresh(case)
    return client.post(f"/api/v1/cases/{case.id}/transitions", headers=headers, json={
        "track": track, "event": event, "version": case.version, "reason": reason,
        "facts": facts})


@pytest.fixture
def assisted(caseworker, a_case):
    give_consent(caseworker, a_case, "service")
    transition(caseworker, a_case, "assistance", "offer")
    transition(caseworker, a_case, "assistance", "accept")
    return a_case


# -- the lists themselves ----------------------------------------------------------------

def test_NC3_no_reason_list_holds_a_cooperation_reason():
    for action, codes in ADVERSE_REASONS.items():
        assert not set(codes) & NON_COOPERATION_REASON_CODES, action
        for code, label in codes.items():
            assert not cooperation_hit(label), (action, code, label)
            assert not cooperation_hit(code.replace("_", " ")), (action, code)


def test_ID6_every_adverse_step_of_a_track_takes_a_listed_code_and_the_persons_view():
    for track in workflows.tracks().values():
        for t in track.transitions:
            if t.adverse:
                names = [g.name for g in t.guards]
                assert any(n.startswith("reason_code_listed[") for n in names), (track.name, t)
                assert person_view_recorded in t.guards, (track.name, t.event)


# -- through the API -----------------------------------------------------------------------

@pytest.mark.parametrize("facts,rule", [
    ({"person_view": "wants to continue"}, "ID-6"),  # no code
    ({"reason_code": "made_up", "person_view": "wants to continue"}, "ID-6"),
    ({"reason_code": "refused_to_testify", "person_view": "wants to continue"}, "NC-3"),
    ({"reason_code": "person_asked_pause"}, "ID-6"),  # no view
])
def test_ID6_NC3_suspending_needs_a_listed_code_and_the_persons_view(client, cw_headers,
                                                                    assisted, facts, rule):
    response = post_step(client, cw_headers, assisted, "assistance", "suspend", **facts)
    assert response.status_code == 409 and rule in response.json["errors"]
    db.session.refresh(assisted)
    assert assisted.assistance_state == "in_progress"


def test_ID6_a_listed_code_and_a_declined_view_suspend(client, cw_headers, assisted):
    response = post_step(client, cw_headers, assisted, "assistance", "suspend",
                         reason_code="person_in_hospital", person_view_declined=True)
    assert response.status_code == 200
    row = db.session.scalar(select(CaseTransition).where(CaseTransition.event == "suspend"))
    assert row.reason_code == "person_in_hospital"


@pytest.mark.parametrize("reason", [
    "she keeps refusing to speak to the police",
    "Elle ne veut plus parler aux enquêteurs",
    "Se negó a testificar",
    "رفضت الإدلاء بشهادتها",
])
def test_NC3_paraphrases_in_any_language_are_refused_and_supervisors_review_them(
        client, cw_headers, supervisor, assisted, reason):
    response = post_step(client, cw_headers, assisted, "assistance", "end", reason=reason,
                         reason_code="goals_met", person_view="wants to continue")
    assert response.status_code == 409 and "NC-3" in response.json["errors"]
    headers = token_headers(supervisor)
    attempts = client.get("/api/v1/supervision/attempts", headers=headers).json
    assert [a["reason"] for a in attempts] == [reason]
    reviewed = client.post(f"/api/v1/supervision/attempts/{attempts[0]['id']}/reviewed",
                           headers=headers)
    assert reviewed.status_code == 200 and reviewed.json["reviewed_at"]
    assert client.get("/api/v1/supervision/attempts", headers=headers).json == []
    row = db.session.get(RefusedAttempt, uuid.UUID(attempts[0]["id"]))
    assert row.reviewed_by_id == supervisor.id


def test_NC3_an_honest_mention_of_a_witness_passes(client, cw_headers, assisted):
    response = post_step(client, cw_headers, assisted, "assistance", "end",
                         reason="she is a witness in a trial next month and moved closer "
                                "to the court", reason_code="moved_to_other_provider",
                         person_view="happy with the new provider")
    assert response.status_code == 200


def test_RP1_an_early_end_is_the_persons_request_in_their_words(client, cw_headers,
                                                                caseworker, a_case):
    decide(caseworker, a_case)
    refused = post_step(client, cw_headers, a_case, "nrm", "begin_assistance")
    assert refused.status_code == 409 and "RP-1" in refused.json["errors"]
    typed = post_step(client, cw_headers, a_case, "nrm", "begin_assistance",
                      person_request=True)
    assert typed.status_code == 422 and "facts.person_request" in typed.json["errors"]
    done = post_step(client, cw_headers, a_case, "nrm", "begin_assistance",
                     person_request="I want to start the training course now")
    assert done.status_code == 200
    row = db.session.scalar(select(CaseTransition).where(
        CaseTransition.event == "begin_assistance"))
    assert row.person_view == "I want to start the training course now"


def ready_to_close(caseworker, case):
    decide(caseworker, case, kind="risk_assessment", outcome="low")
    returns.create_plan(caseworker, case, outcome="local_integration", wellbeing="a",
                        economic="b", social="c", cultural="d", political="e")
    db.session.commit()


def test_ID6_closing_a_case_needs_a_code_and_the_persons_view(client, cw_headers,
                                                              caseworker, a_case):
    decide(caseworker, a_case)
    transition(caseworker, a_case, "nrm", "begin_assistance",
               facts={"person_request": "I want to go on"})
    ready_to_close(caseworker, a_case)
    response = post_step(client, cw_headers, a_case, "nrm", "close", reason="plan complete")
    assert response.status_code == 409 and "ID-6" in response.json["errors"]
    response = post_step(client, cw_headers, a_case, "nrm", "close", reason="would not testify",
                         reason_code="integrated_locally", person_view="fine")
    assert response.status_code == 409 and "NC-3" in response.json["errors"]
    response = post_step(client, cw_headers, a_case, "nrm", "close",
                         reason_code="integrated_locally", person_view="ready to move on")
    assert response.status_code == 200


def test_ID1_no_closing_in_assistance_while_a_negative_decision_is_under_review(
        client, cw_headers, caseworker, a_case):
    decide(caseworker, a_case)
    transition(caseworker, a_case, "nrm", "begin_assistance",
               facts={"person_request": "I want to go on"})
    ready_to_close(caseworker, a_case)
    decide(caseworker, a_case, outcome="negative")
    db.session.refresh(a_case)
    assert a_case.identification == "negative_pending_review"
    response = post_step(client, cw_headers, a_case, "nrm", "close",
                         reason_code="person_asked_to_close", person_view="agrees")
    assert response.status_code == 409 and "ID-1" in response.json["errors"]


def test_ID6_a_negative_decision_records_the_persons_view(client, cw_headers, a_case):
    body = {"kind": "identification", "outcome": "negative", "decision_maker": "Authority",
            "reasons": "no exploitation purpose was found", "language_explained_in": "ro",
            "reason_codes": ["no_exploitation_purpose"]}
    response = client.post(f"/api/v1/cases/{a_case.id}/decisions", headers=cw_headers,
                           json=body)
    assert response.status_code == 409 and "ID-6" in response.json["errors"]
    response = client.post(f"/api/v1/cases/{a_case.id}/decisions", headers=cw_headers,
                           json={**body, "person_view": "disagrees, will ask for review"})
    assert response.status_code == 201


def test_CO1_accepting_a_service_offer_needs_consent(client, cw_headers, a_case):
    offer = client.post(f"/api/v1/cases/{a_case.id}/offers", headers=cw_headers,
                        json={"service": "medical"}).json
    response = client.post(f"/api/v1/offers/{offer['id']}/accept", headers=cw_headers,
                           json={})
    assert response.status_code == 409 and "CO-1" in response.json["errors"]


def test_ID6_NC3_declining_or_withdrawing_an_offer_is_coded(client, cw_headers, a_case):
    offer = client.post(f"/api/v1/cases/{a_case.id}/offers", headers=cw_headers,
                        json={"service": "medical"}).json
    url = f"/api/v1/offers/{offer['id']}"
    assert "ID-6" in client.post(f"{url}/decline", headers=cw_headers, json={}).json["errors"]
    assert "NC-3" in client.post(f"{url}/withdraw", headers=cw_headers, json={
        "reason_code": "no_longer_needed", "person_view_declined": True,
        "reason": "the police no longer need her"}).json["errors"]
    response = client.post(f"{url}/withdraw", headers=cw_headers, json={
        "reason_code": "offered_in_error", "person_view": "understands"})
    assert response.status_code == 200 and response.json["status"] == "withdrawn"


def test_NC3_recording_leaving_with_a_cooperation_note_is_refused(client, admitted,
                                                                  shelter_user):
    headers = token_headers(shelter_user)
    response = client.post(f"/api/v1/stays/{admitted.id}/leave", headers=headers,
                           json={"note": "left because she would not testify"})
    assert response.status_code == 409 and "NC-3" in response.json["errors"]
    response = client.post(f"/api/v1/stays/{admitted.id}/leave", headers=headers,
                           json={"reason_code": "invented"})
    assert response.status_code == 409 and "ID-6" in response.json["errors"]
    response = client.post(f"/api/v1/stays/{admitted.id}/leave", headers=headers,
                           json={"reason_code": "returned_home"})
    assert response.status_code == 200 and response.json["left_at"]


def test_ID6_a_restriction_takes_a_listed_code(client, admitted, shelter_user):
    from tests.shelter.test_stays import restriction_body
    headers = token_headers(shelter_user)
    response = client.post(f"/api/v1/stays/{admitted.id}/restrictions", headers=headers,
                           json=restriction_body(reason_code=None))
    assert response.status_code == 409 and "ID-6" in response.json["errors"]


# -- through the web form -------------------------------------------------------------------

def test_ID6_the_case_file_asks_code_view_and_confirmation_before_suspending(client,
                                                                             assisted):
    login(client, "caseworker")
    page = client.get(f"/cases/{assisted.id}").get_data(as_text=True)
    assert 'name="reason_code"' in page and 'name="person_view_declined"' in page
    assert "person_asked_pause" in page and 'name="confirm"' in page
    form = {"track": "assistance", "event": "suspend", "version": assisted.version,
            "reason_code": "person_asked_pause", "person_view": "needs a break"}
    page = client.post(f"/cases/{assisted.id}/transitions", data=form,
                       follow_redirects=True).get_data(as_text=True)
    assert "tick the confirmation" in page
    page = client.post(f"/cases/{assisted.id}/transitions",
                       data={**form, "confirm": "y", "reason": "not cooperating with police"},
                       follow_redirects=True).get_data(as_text=True)
    assert "NC-3" in page
    db.session.refresh(assisted)
    assert assisted.assistance_state == "in_progress"
    client.post(f"/cases/{assisted.id}/transitions", data={**form, "confirm": "y"})
    db.session.refresh(assisted)
    assert assisted.assistance_state == "suspended"


def test_RP1_move_to_assistance_is_usable_before_day_30_with_the_persons_request(
        client, caseworker, a_case):
    decide(caseworker, a_case)
    login(client, "caseworker")
    page = client.get(f"/cases/{a_case.id}").get_data(as_text=True)
    assert 'name="person_request"' in page
    form = {"track": "nrm", "event": "begin_assistance", "version": a_case.version}
    page = client.post(f"/cases/{a_case.id}/transitions", data=form,
                       follow_redirects=True).get_data(as_text=True)
    assert "RP-1" in page
    client.post(f"/cases/{a_case.id}/transitions",
                data={**form, "person_request": "I want to start work training"})
    db.session.refresh(a_case)
    assert a_case.nrm_state == "assistance"


def test_NC3_supervisors_see_and_review_attempts_on_their_page(client, caseworker,
                                                              supervisor, assisted):
    from referral.errors import Refused
    with pytest.raises(Refused):
        transition(caseworker, assisted, "assistance", "end", reason="ne coopère pas",
                   facts={"reason_code": "goals_met", "person_view": "no"})
    login(client, "supervisor")
    page = client.get("/supervision/attempts").get_data(as_text=True)
    assert "ne coopère pas" in page
    attempt = db.session.scalar(select(RefusedAttempt))
    client.post(f"/supervision/attempts/{attempt.id}/reviewed")
    db.session.refresh(attempt)
    assert attempt.reviewed_at is not None
    assert "ne coopère pas" not in client.get("/supervision/attempts").get_data(as_text=True)


def test_shelter_page_records_leaving_with_a_code(client, admitted, shelter_user):
    login(client, shelter_user.username)
    page = client.get("/shelter/residents").get_data(as_text=True)
    assert "person_chose_to_leave" in page
    page = client.post(f"/shelter/stays/{admitted.id}/leave",
                       data={"reason_code": "returned_home", "note": "the trial is over",
                             "confirm": "yes"},
                       follow_redirects=True).get_data(as_text=True)
    assert "NC-3" in page
    confirm = client.post(f"/shelter/stays/{admitted.id}/leave",
                          data={"reason_code": "returned_home"}).get_data(as_text=True)
    assert 'name="reason_code" value="returned_home"' in confirm  # carried to the confirmation
    client.post(f"/shelter/stays/{admitted.id}/leave", data={"reason_code": "returned_home",
                                                             "confirm": "yes"})
    db.session.refresh(admitted)
    assert admitted.left_at is not None


def test_RR4_RR6_closing_keeps_the_reintegration_check_ins(caseworker, a_case):
    from referral.reminders.models import Deadline
    decide(caseworker, a_case)
    transition(caseworker, a_case, "nrm", "begin_assistance",
               facts={"person_request": "I want to go on"})
    ready_to_close(caseworker, a_case)
    transition(caseworker, a_case, "nrm", "close", facts={
        "reason_code": "integrated_locally", "person_view": "ready to move on"})
    statuses = db.session.execute(select(Deadline.kind, Deadline.status).where(
        Deadline.case_id == a_case.id)).all()
    checkins = [str(getattr(s, "value", s)) for k, s in statuses
                if k == "reintegration_checkin"]
    assert checkins and set(checkins) == {"pending"}
    others = {str(getattr(s, "value", s)) for k, s in statuses
              if k not in ("reintegration_checkin", "missed_checkin")}
    assert "pending" not in others
