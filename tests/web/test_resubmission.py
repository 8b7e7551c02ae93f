"""A creating form, sent twice (a double click, Back then submit again, a retry after a slow
answer), acts once: the second answer is the first one again. The same for an API POST that
carries an ``Idempotency-Key``."""
import re
import threading

import pytest
from sqlalchemy import func, select

from referral.cases.models import Case
from referral.consent.models import Consent
from referral.extensions import db
from referral.services.models import Referral
from referral.submissions.models import Submission
from tests.factories import create_provider, give_consent, token_headers

REFERRAL = {"given_name": "Grace", "family_name": "Twice", "age_estimate": "30",
            "sex": "female", "nationality": "NG", "interpreter_needed": "no",
            "referred_by": "Hospital", "indicators": ["threats"],
            "exploitation_forms": ["sexual_exploitation"], "jurisdiction": "baseline"}


def key_on(page: str) -> str:
    return re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page).group(1)


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_new_referral_sent_twice_opens_one_case(cw_client):
    key = key_on(cw_client.get("/cases/new").get_data(as_text=True))
    first = cw_client.post("/cases/new", data={**REFERRAL, "idempotency_key": key})
    second = cw_client.post("/cases/new", data={**REFERRAL, "idempotency_key": key})
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    assert count(Case) == 1
    page = cw_client.get(second.headers["Location"]).get_data(as_text=True)
    assert "already done once" in page


def test_a_fresh_form_is_a_new_submission(cw_client):
    for _ in range(2):
        key = key_on(cw_client.get("/cases/new").get_data(as_text=True))
        cw_client.post("/cases/new", data={**REFERRAL, "idempotency_key": key})
    assert count(Case) == 2


def test_a_refused_submission_can_be_corrected_and_sent_again_with_its_key(cw_client):
    key = key_on(cw_client.get("/cases/new").get_data(as_text=True))
    refused = cw_client.post("/cases/new", data={**REFERRAL, "referred_by": "",
                                                 "idempotency_key": key})
    assert refused.status_code == 400 and count(Submission) == 0
    accepted = cw_client.post("/cases/new", data={**REFERRAL, "idempotency_key": key})
    assert accepted.status_code == 302 and count(Case) == 1


def test_a_consent_form_sent_twice_records_one_consent(cw_client, a_case):
    key = key_on(cw_client.get(f"/cases/{a_case.id}/consents").get_data(as_text=True))
    data = {"purpose": "photograph", "given_by": "person", "language": "en",
            "information_given": "what, why, who sees it, how to stop",
            "recipient_name": "Our agency", "idempotency_key": key}
    for _ in range(2):
        assert cw_client.post(f"/cases/{a_case.id}/consents", data=data).status_code == 302
    assert count(Consent) == 1


def test_a_referral_form_sent_twice_sends_one_referral(cw_client, caseworker, a_case,
                                                      shelter_agency):
    clinic = create_provider("Harbour clinic", services=("medical",), agency=shelter_agency)
    give_consent(caseworker, a_case, "referral", clinic)
    key = key_on(cw_client.get(f"/cases/{a_case.id}/referrals").get_data(as_text=True))
    for _ in range(2):
        cw_client.post(f"/cases/{a_case.id}/referrals", data={
            "provider_id": str(clinic.id), "service": "medical", "idempotency_key": key})
    assert count(Referral) == 1


def test_an_api_post_with_an_idempotency_key_answers_the_same_twice(client, cw_headers):
    headers = {**cw_headers, "Idempotency-Key": "retry-0001-abcdef"}
    body = {"person": {"given_name": "Ana María"}, "referred_by": "Helpline"}
    first = client.post("/api/v1/cases", headers=headers, json=body)
    second = client.post("/api/v1/cases", headers=headers, json=body)
    assert first.status_code == second.status_code == 201
    assert first.json == second.json and second.headers["Idempotent-Replayed"] == "true"
    assert count(Case) == 1
    # The stored answer holds personal data: it is sealed at rest. (The name holds
    # characters no sealed text can, so a chance match in the ciphertext is impossible.)
    assert "María" not in (db.session.scalar(select(Submission.body_enc)) or "")


def test_a_key_reused_for_another_request_is_refused(client, cw_headers, a_case):
    headers = {**cw_headers, "Idempotency-Key": "retry-0002-abcdef"}
    client.post("/api/v1/cases", headers=headers, json={"person": {"given_name": "Ana"},
                                                     "referred_by": "Helpline"})
    response = client.post(f"/api/v1/cases/{a_case.id}/offers", headers=headers,
                           json={"service": "medical"})
    assert response.status_code == 422 and "idempotency_key" in response.json["errors"]


def test_another_user_may_use_the_same_key(client, cw_headers, supervisor):
    body = {"person": {"given_name": "Ana"}, "referred_by": "Helpline"}
    for headers in (cw_headers, token_headers(supervisor)):
        response = client.post("/api/v1/cases", json=body,
                               headers={**headers, "Idempotency-Key": "shared-key-0001"})
        assert response.status_code == 201
    assert count(Case) == 2


@pytest.mark.postgres
def test_two_submissions_at_the_same_moment_act_once(app, caseworker):
    headers = {**token_headers(caseworker), "Idempotency-Key": "race-key-00000001"}
    barrier = threading.Barrier(4)
    statuses = []

    def submit():
        with app.app_context():
            client = app.test_client()
            barrier.wait()
            statuses.append(client.post("/api/v1/cases", headers=headers, json={
                "person": {"given_name": "Ana"}, "referred_by": "Helpline"}).status_code)
            db.session.remove()

    for trial in range(5):
        headers["Idempotency-Key"] = f"race-key-{trial:08d}"
        threads = [threading.Thread(target=submit) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    assert count(Case) == 5
    assert set(statuses) <= {201, 409} and statuses.count(201) >= 5
