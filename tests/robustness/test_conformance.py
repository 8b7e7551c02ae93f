"""Answers match the OpenAPI document on real records, not only on refusals: the
document is a contract integrations rely on."""
import schemathesis

from referral.extensions import db
from tests.factories import create_user, token_headers


def validate(app, method, path_template, response):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operation = schema[path_template][method]
    operation.validate_response(response)


def test_money_is_a_decimal_string_as_documented(app, client, cw_headers, a_case):
    response = client.post(f"/api/v1/cases/{a_case.id}/compensation", headers=cw_headers,
                           json={"kind": "state_scheme", "amount_claimed": "1200.50",
                                 "currency": "EUR", "limitation_at": "2030-01-01T00:00:00Z"})
    assert response.status_code == 201 and response.json["amount_claimed"] == "1200.50"
    validate(app, "POST", "/api/v1/cases/{case_id}/compensation", response)
    too_much = client.post(f"/api/v1/cases/{a_case.id}/compensation", headers=cw_headers,
                           json={"kind": "state_scheme", "amount_claimed": 1e16,
                                 "currency": "EUR", "limitation_at": "2030-01-01T00:00:00Z"})
    assert too_much.status_code == 422 and "amount_claimed" in too_much.json["errors"]


def test_a_check_in_without_a_schedule_matches_the_document(app, client, cw_headers, a_case):
    response = client.post(f"/api/v1/cases/{a_case.id}/checkins", headers=cw_headers,
                           json={"held": True})
    assert response.status_code == 201 and response.json["schedule_key"] is None
    validate(app, "POST", "/api/v1/cases/{case_id}/checkins", response)


def test_a_json_boolean_is_true_or_false_not_zero(client, caseworker):
    admin = create_user("admin", agency=caseworker.agency)
    db.session.commit()
    response = client.post("/api/v1/providers", headers=token_headers(admin), json={
        "name": "Zero", "services": ["medical"], "data_sharing_agreement": 0})
    assert response.status_code == 422 and "data_sharing_agreement" in response.json["errors"]


def test_a_method_a_route_does_not_serve_says_which_it_does(client, cw_headers, a_case):
    response = client.open(f"/api/v1/cases/{a_case.id}", method="TRACE", headers=cw_headers)
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]


def test_a_language_code_with_trailing_space_is_refused(client, cw_headers, caseworker,
                                                       a_case):
    from referral.legal import service as legal
    proceeding = legal.open_proceeding(caseworker, a_case, kind="criminal",
                                       person_role="victim", court_or_authority="Court A")
    db.session.commit()
    response = client.post(f"/api/v1/proceedings/{proceeding.id}/information",
                           headers=cw_headers,
                           json={"stage": "investigation", "summary": "told of the hearing",
                                 "language": "ø "})
    assert response.status_code == 422 and "language" in response.json["errors"]
