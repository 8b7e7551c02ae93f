"""Dates in order: a hearing is never before its proceeding (one validation, web and API)."""
from datetime import datetime, timedelta, timezone

from tests.factories import token_headers


def test_a_hearing_before_its_proceeding_is_refused(client, assigned, legal_user):
    headers = token_headers(legal_user)
    proceeding = client.post(f"/api/v1/cases/{assigned.id}/proceedings", headers=headers,
                             json={"kind": "criminal", "person_role": "victim",
                                   "court_or_authority": "Crown Court"}).json
    before = datetime.now(timezone.utc) - timedelta(days=2500)
    response = client.post(f"/api/v1/proceedings/{proceeding['id']}/hearings",
                           headers=headers, json={"at": before.isoformat(), "place": "Court 3"})
    assert response.status_code == 422 and "at" in response.json["errors"]
