"""The case pages: list, new referral, case file with next steps and why refused ones are."""
from referral.extensions import db
from tests.factories import create_agency, create_case, create_user, token_headers
from tests.web.conftest import login


def test_the_case_list_shows_the_callers_cases_only(cw_client, caseworker):
    mine = create_case(caseworker)
    other = create_case(create_user("caseworker", agency=create_agency("Elsewhere")))
    page = cw_client.get("/cases/").get_data(as_text=True)
    assert mine.reference in page and other.reference not in page


def test_a_referral_form_opens_a_case(cw_client):
    response = cw_client.post("/cases/new", data={
        "given_name": "Grace", "family_name": "M", "age_estimate": "16", "sex": "female",
        "nationality": "NG", "interpreter_needed": "no", "referred_by": "Hospital",
        "indicators": ["threats"], "exploitation_forms": ["sexual_exploitation"],
        "jurisdiction": "baseline"})
    assert response.status_code == 302
    page = cw_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "presumed victim" in page and "child" in page and "no removal" in page


def test_a_bad_referral_form_shows_field_errors_and_keeps_input(cw_client):
    response = cw_client.post("/cases/new", data={"given_name": "Grace",
                                                  "age_estimate": "-4", "sex": "female",
                                                  "nationality": "NG",
                                                  "jurisdiction": "baseline"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="referred_by-error"' in page and 'id="age_estimate-error"' in page
    assert 'value="Grace"' in page


def test_the_case_file_shows_allowed_steps_and_the_rule_refusing_others(cw_client,
                                                                        caseworker):
    case = create_case(caseworker)
    page = cw_client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Offer assistance" in page
    # Moving to assistance is refused until a positive decision (ID-1); the reflection
    # period's minimum (RP-1) is asked in the step's own form: the person's request.
    assert "ID-1" in page
    assert "Timeline" in page and "reflection period" in page


def test_a_step_button_applies_the_transition(cw_client, caseworker):
    case = create_case(caseworker)
    response = cw_client.post(f"/cases/{case.id}/transitions", data={
        "track": "assistance", "event": "offer", "version": str(case.version)})
    assert response.status_code == 302
    db.session.refresh(case)
    assert case.assistance_state == "offered"


def test_a_refused_step_explains_the_rule_instead_of_failing(cw_client, caseworker):
    case = create_case(caseworker)
    response = cw_client.post(f"/cases/{case.id}/transitions", data={
        "track": "nrm", "event": "begin_assistance", "version": str(case.version)},
        follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert ("This was not done:" in page
            and '(rule <a href="/help/rules#RP-1" class="rule-link">RP-1</a>)' in page
            and "Not done" not in page)


def test_another_agencys_case_file_is_404(cw_client):
    case = create_case(create_user("caseworker", agency=create_agency("Elsewhere")))
    assert cw_client.get(f"/cases/{case.id}").status_code == 404


def test_the_help_page_draws_every_track_from_the_definitions(cw_client):
    page = cw_client.get("/help/workflows").get_data(as_text=True)
    # Pictures drawn on the server from the definitions, not diagram source (issue 16).
    assert "stateDiagram-v2" not in page
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" class="track-diagram"') == 5
    assert 'data-edge="presumed_victim-&gt;reflection_period"' in page
    assert 'data-edge="staying-&gt;left" data-event="leave"' in page
    assert 'data-edge="presumed_victim-&gt;referred_on" data-event="refer_on"' in page
    assert "UK-style National Referral Mechanism" in page


def test_the_help_page_draws_each_jurisdictions_periods_from_its_table(cw_client):
    from workflows import jurisdictions
    page = cw_client.get("/help/workflows").get_data(as_text=True)
    uk = jurisdictions.get("uk")
    assert f'data-jurisdiction="{uk.rule_version}"' in page
    assert f'data-period="review_window_days" data-days="{uk.review_window_days}"' in page
    assert f'data-period="move_on_days" data-days="{uk.move_on_days}"' in page


def test_pages_need_sign_in(client):
    assert client.get("/cases/").status_code == 302


def test_the_timeline_shows_consents_and_referrals_beside_transitions(client, caseworker,
                                                                      a_case, shelter_agency):
    from referral.consent import service as consent_service
    from referral.services import service as services
    from tests.factories import create_provider, give_consent
    clinic = create_provider("Harbour clinic", services=("medical",), agency=shelter_agency)
    consent = give_consent(caseworker, a_case, "referral", clinic)
    services.make_referral(caseworker, a_case, provider_id=clinic.id, service="medical")
    consent_service.withdraw_consent(caseworker, consent, note="changed her mind")
    db.session.commit()
    login(client, "caseworker")
    page = client.get(f"/cases/{a_case.id}").get_data(as_text=True)
    timeline = page[page.index('id="timeline"'):]
    assert "Consent given: Referral — Harbour clinic" in timeline
    assert "Referral (Medical care) to Harbour clinic: Requested" in timeline
    assert "Referral (Medical care) to Harbour clinic: Revoked" in timeline
    assert "Consent withdrawn: Referral — Harbour clinic" in timeline
    history = client.get(f"/api/v1/cases/{a_case.id}/history",
                         headers=token_headers(caseworker)).json
    assert {item["type"] for item in history} >= {"transition", "consent", "referral"}
