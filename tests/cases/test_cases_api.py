"""Registering referrals and reading case files through the API (API.md)."""
from tests.factories import create_agency, create_case, create_user, token_headers
from referral.extensions import db

REFERRAL = {
    "person": {"given_name": "Olena", "family_name": "K", "date_of_birth": "1994-02-03",
               "sex": "female", "nationality": "UA", "languages": ["uk"]},
    "referred_by": "Labour inspectorate",
    "indicators": ["documents_withheld"],
    "exploitation_forms": ["forced_labour"],
    "sectors": ["agriculture"],
}


def test_a_referral_opens_a_case_with_a_presumed_victim(client, cw_headers):
    response = client.post("/api/v1/cases", json=REFERRAL, headers=cw_headers)
    assert response.status_code == 201, response.json
    body = response.json
    assert body["reference"].startswith("RF-")
    assert body["is_presumed_victim"] is True
    assert body["tracks"]["nrm"] == "reflection_period"  # baseline: starts on referral
    assert body["no_removal"] is True


def test_bad_input_names_the_field(client, cw_headers):
    bad = dict(REFERRAL, exploitation_forms=["not-a-form"])
    response = client.post("/api/v1/cases", json=bad, headers=cw_headers)
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["exploitation_forms.0"]  # the field and item


def test_a_future_birth_date_is_refused(client, cw_headers):
    bad = dict(REFERRAL, person=dict(REFERRAL["person"], date_of_birth="2999-01-01"))
    response = client.post("/api/v1/cases", json=bad, headers=cw_headers)
    assert response.status_code == 422
    assert "date_of_birth" in str(response.json["errors"])


def test_a_case_outside_the_callers_agency_is_404(client, caseworker):
    case = create_case(caseworker)
    outsider = create_user("caseworker", agency=create_agency("Elsewhere"))
    db.session.commit()
    response = client.get(f"/api/v1/cases/{case.id}", headers=token_headers(outsider))
    assert response.status_code == 404


def test_an_unknown_or_malformed_id_is_404(client, cw_headers):
    assert client.get("/api/v1/cases/not-a-uuid", headers=cw_headers).status_code == 404
    assert client.get("/api/v1/cases/00000000-0000-0000-0000-000000000000",
                      headers=cw_headers).status_code == 404


def test_the_case_list_is_scoped_and_paginated(client, caseworker, cw_headers):
    for _ in range(3):
        create_case(caseworker)
    other = create_user("caseworker", agency=create_agency("Elsewhere"))
    create_case(other)
    response = client.get("/api/v1/cases?per_page=2&total=true", headers=cw_headers)
    assert response.status_code == 200
    assert response.json["total"] == 3
    assert len(response.json["items"]) == 2


def test_the_case_list_pages_by_cursor_newest_first_without_counting(client, caseworker,
                                                                     cw_headers):
    """The next page is read from where the last one ended: every case once, in order,
    and no exact count unless asked for."""
    from datetime import timedelta

    from referral.extensions import db
    made = [create_case(caseworker) for _ in range(5)]
    base = made[0].referred_at
    for i, case in enumerate(made):  # two share a time: the id breaks the tie
        case.referred_at = base - timedelta(minutes=min(i, 3))
    db.session.commit()
    expected = [str(c.id) for c in sorted(made, key=lambda c: (c.referred_at, c.id),
                                          reverse=True)]
    seen, cursor, pages = [], None, 0
    while True:
        url = "/api/v1/cases?per_page=2" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(url, headers=cw_headers).json
        assert body["total"] is None
        seen += [item["id"] for item in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == expected and pages == 3
    bad = client.get("/api/v1/cases?cursor=not-a-cursor", headers=cw_headers)
    assert bad.status_code == 422 and "cursor" in bad.json["errors"]


def test_a_caseworkers_own_list_holds_their_open_cases(client, caseworker, cw_headers):
    """Closed cases leave "mine" (its cost does not grow with every case they ever had),
    and stay reachable when asked for."""
    from referral.database import utcnow
    from referral.extensions import db
    open_case, closed_case = create_case(caseworker), create_case(caseworker)
    open_case.assigned_to_id = closed_case.assigned_to_id = caseworker.id
    closed_case.nrm_state, closed_case.closed_at = "closed", utcnow()
    db.session.commit()
    mine = client.get("/api/v1/cases?assigned_to=me", headers=cw_headers).json["items"]
    assert [c["id"] for c in mine] == [str(open_case.id)]
    everything = client.get("/api/v1/cases?assigned_to=me&include_closed=true",
                            headers=cw_headers).json["items"]
    assert {c["id"] for c in everything} == {str(open_case.id), str(closed_case.id)}


def test_a_transition_with_a_stale_version_is_409(client, a_case, cw_headers):
    response = client.post(f"/api/v1/cases/{a_case.id}/transitions", headers=cw_headers,
                           json={"track": "assistance", "event": "offer",
                                 "version": a_case.version - 1})
    assert response.status_code == 409
    assert "version" in response.json["errors"]


def test_a_transition_moves_the_track_and_bumps_the_version(client, a_case, cw_headers):
    version = a_case.version
    response = client.post(f"/api/v1/cases/{a_case.id}/transitions", headers=cw_headers,
                           json={"track": "assistance", "event": "offer", "version": version})
    assert response.status_code == 200, response.json
    assert response.json["tracks"]["assistance"] == "offered"
    assert response.json["version"] == version + 1
    history = client.get(f"/api/v1/cases/{a_case.id}/history", headers=cw_headers).json
    assert [h["event"] for h in history if h["type"] == "transition"] == [
        "start_reflection_period", "offer"]


def test_a_refused_transition_names_the_rule(client, a_case, cw_headers):
    response = client.post(f"/api/v1/cases/{a_case.id}/transitions", headers=cw_headers,
                           json={"track": "nrm", "event": "begin_assistance",
                                 "version": a_case.version})
    assert response.status_code == 409
    assert "RP-1" in response.json["errors"]


def test_transitions_lists_allowed_and_refused_events(client, a_case, cw_headers):
    body = client.get(f"/api/v1/cases/{a_case.id}/transitions", headers=cw_headers).json
    assert body["tracks"]["shelter"]["state"] == "not_in_shelter"
    assert "offer" in body["tracks"]["assistance"]["allowed"]
    # RP-1 is checked when the step is taken (the person's request is part of it); what
    # refuses it now, whatever the request, is that nobody has been identified yet.
    assert body["tracks"]["nrm"]["refused"]["begin_assistance"]["rule"] == "ID-1"


def test_DP2_characteristics_are_optional_and_unknown_differs_from_declined(client,
                                                                            cw_headers):
    bare = client.post("/api/v1/cases", headers=cw_headers,
                       json={"person": {}, "referred_by": "Outreach team"})
    assert bare.status_code == 201, bare.json
    person = bare.json["person"]
    assert person["sex"] == "unknown" and person["interpreter_needed"] == "unknown"
    assert person["given_name"] is None and person["date_of_birth"] is None
    declined = client.post("/api/v1/cases", headers=cw_headers, json={
        "person": {"sex": "declined", "interpreter_needed": "no"}, "referred_by": "Outreach"})
    assert declined.status_code == 201
    assert declined.json["person"]["sex"] == "declined"  # kept, not folded into "unknown"
    assert declined.json["person"]["interpreter_needed"] == "no"
    invented = client.post("/api/v1/cases", headers=cw_headers, json={
        "person": {"sex": "probably female"}, "referred_by": "Outreach"})
    assert invented.status_code == 422 and "person.sex" in invented.json["errors"]
