"""RR-2: asylum claims and permits move on (decided, withdrawn, renewed, expired) and the
guards read the current state: a decided or withdrawn asylum claim no longer blocks
return."""
from referral.legal import service as legal
from tests.factories import token_headers


def test_RR2_an_asylum_claim_is_decided_or_withdrawn_and_stops_blocking_return(
        client, assigned, legal_user):
    headers = token_headers(legal_user)
    claim = client.post(f"/api/v1/cases/{assigned.id}/permits", headers=headers,
                        json={"kind": "asylum_claim", "status": "applied"}).json
    assert legal.asylum_claim_pending(assigned)
    url = f"/api/v1/permits/{claim['id']}/status"
    response = client.post(url, headers=headers, json={"status": "withdrawn"})
    assert response.status_code == 200 and response.json["status"] == "withdrawn"
    assert not legal.asylum_claim_pending(assigned)
    again = client.post(url, headers=headers, json={"status": "granted"})
    assert again.status_code == 409 and "WF-STATE" in again.json["errors"]


def test_RR2_a_permit_is_renewed_then_expires(client, assigned, legal_user):
    headers = token_headers(legal_user)
    permit = client.post(f"/api/v1/cases/{assigned.id}/permits", headers=headers,
                         json={"kind": "temporary_residence", "status": "applied"}).json
    url = f"/api/v1/permits/{permit['id']}/status"
    granted = client.post(url, headers=headers, json={
        "status": "granted", "expires_at": "2027-06-01T00:00:00+00:00"})
    assert granted.status_code == 200
    renewed = client.post(url, headers=headers, json={
        "status": "granted", "expires_at": "2028-06-01T00:00:00+00:00"})
    assert renewed.status_code == 200 and renewed.json["expires_at"].startswith("2028")
    assert client.post(url, headers=headers, json={"status": "expired"}).json[
        "status"] == "expired"
