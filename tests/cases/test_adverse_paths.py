"""NC-3 and ID-6 on the paths the keyword list missed (issue 13): revoking or rejecting a
referral, refusing a return. Each takes a code from its list and the person's view; a
reason about not testifying is refused whatever the words; the person's view is kept
sealed at rest."""
from sqlalchemy import select, text

from referral.cases.models import CaseTransition
from referral.extensions import db
from referral.returns import service as returns
from referral.services import service as services
from tests.cases.conftest import decide
from tests.factories import create_provider, create_user, give_consent, token_headers

FULL_CHECKS = {"risk_retaliation": "high", "risk_retrafficking": "high",
               "risk_stigma": "low", "non_refoulement_checked": True,
               "asylum_information_given": True, "open_proceedings_checked": True}


def _referral(caseworker, case, agency):
    provider = create_provider(services=("medical",), agency=agency)
    give_consent(caseworker, case, "referral", provider)
    referral = services.make_referral(caseworker, case, provider_id=provider.id,
                                      service="medical")
    db.session.commit()
    return referral


def test_NC3_revoking_a_referral_because_she_would_not_testify_is_refused(
        client, caseworker, cw_headers, a_case, shelter_agency):
    referral = _referral(caseworker, a_case, shelter_agency)
    url = f"/api/v1/referrals/{referral.id}/revoke"
    refused = client.post(url, headers=cw_headers, json={
        "reason_code": "no_longer_needed", "person_view": "wants the doctor",
        "reason": "she won't give evidence against them, so no point"})
    assert refused.status_code == 409 and "NC-3" in refused.json["errors"]
    no_view = client.post(url, headers=cw_headers, json={"reason_code": "no_longer_needed"})
    assert no_view.status_code == 409 and "ID-6" in no_view.json["errors"]
    done = client.post(url, headers=cw_headers, json={
        "reason_code": "person_asked", "person_view": "found a doctor near the hostel"})
    assert done.status_code == 200 and done.json["status"] == "revoked"
    stored = db.session.execute(text("SELECT person_view_enc FROM referral")).scalar()
    assert stored.startswith("v1:") and "doctor" not in stored  # sealed at rest


def test_NC3_rejecting_a_referral_with_a_french_paraphrase_is_refused(
        client, caseworker, a_case, shelter_agency):
    referral = _referral(caseworker, a_case, shelter_agency)
    staff = create_user("shelter_staff", agency=shelter_agency)
    db.session.commit()
    response = client.post(f"/api/v1/referrals/{referral.id}/reject",
                           headers=token_headers(staff), json={
                               "reason_code": "no_capacity", "person_view_declined": True,
                               "reason": "elle refuse de porter plainte"})
    assert response.status_code == 409 and "NC-3" in response.json["errors"]
    db.session.refresh(referral)
    assert referral.status == "requested"


def test_ID6_refusing_a_return_needs_a_listed_code_and_the_persons_view(
        client, caseworker, cw_headers, a_case):
    request = returns.request_return(caseworker, a_case, destination_country="RO",
                                     person_words="I want to go home")
    returns.assess(caseworker, request, **FULL_CHECKS)
    decide(caseworker, a_case)
    db.session.commit()
    url = f"/api/v1/returns/{request.id}/refuse"
    no_view = client.post(url, headers=cw_headers, json={"reason_code": "risk_of_harm"})
    assert no_view.status_code == 409 and "ID-6" in no_view.json["errors"]
    other_code = client.post(url, headers=cw_headers, json={
        "reason_code": "goals_met", "person_view": "I understand"})
    assert other_code.status_code == 409 and "ID-6" in other_code.json["errors"]
    cooperation = client.post(url, headers=cw_headers, json={
        "reason_code": "risk_of_harm", "person_view": "I understand",
        "reason": "she has not yet testified, so she stays"})
    assert cooperation.status_code == 409 and "NC-3" in cooperation.json["errors"]
    done = client.post(url, headers=cw_headers, json={
        "reason_code": "risk_of_harm", "person_view": "I am afraid of them, I will wait"})
    assert done.status_code == 200
    row = db.session.scalar(select(CaseTransition).where(CaseTransition.event == "refuse"))
    assert row.person_view == "I am afraid of them, I will wait"
    stored = db.session.execute(text(
        "SELECT person_view_enc FROM case_transition WHERE person_view_enc IS NOT NULL"
    )).scalar()
    assert "afraid" not in stored
