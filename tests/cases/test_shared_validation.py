"""One validation for web and API (the API's schema): dates in range and in order, birth
date and age estimate consistent, codes from their lists."""
import pytest

from tests.web.conftest import login

REFERRAL = {"referred_by": "Hospital", "person": {"nationality": "NG"}}


@pytest.mark.parametrize("change,field", [
    ({"indicators": ["looks_foreign"]}, "indicators.0"),
    ({"vulnerability_factors": ["invented"]}, "vulnerability_factors.0"),
    ({"person": {"date_of_birth": "2031-01-01"}}, "person.date_of_birth"),
    ({"person": {"date_of_birth": "1990-01-01", "age_estimate": 15}}, "person.age_estimate"),
])
def test_the_api_refuses_invented_codes_and_inconsistent_ages(client, cw_headers, change,
                                                              field):
    response = client.post("/api/v1/cases", headers=cw_headers, json={**REFERRAL, **change})
    assert response.status_code == 422 and field in response.json["errors"]


@pytest.mark.parametrize("data,field", [
    ({"date_of_birth": "2031-01-01"}, "date_of_birth"),
    ({"date_of_birth": "1990-01-01", "age_estimate": "15"}, "age_estimate"),
])
def test_the_web_form_validates_as_the_api_does(client, caseworker, data, field):
    login(client, "caseworker")
    response = client.post("/cases/new", data={
        "given_name": "Grace", "sex": "female", "nationality": "NG",
        "interpreter_needed": "no", "referred_by": "Hospital", "jurisdiction": "baseline",
        **data})
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.get_data(as_text=True)

