"""Consent with one-click withdrawal, and the shelter's residents page (SH-3)."""
from referral.consent import service as consent_service
from referral.extensions import db
from tests.factories import give_consent
from tests.web.conftest import login


def test_CO2_consent_page_withdraws_once_confirmed(cw_client, caseworker, a_case):
    consent = give_consent(caseworker, a_case, "photograph")
    page = cw_client.get(f"/cases/{a_case.id}/consents").get_data(as_text=True)
    assert "photograph" in page and "Withdraw" in page
    response = cw_client.post(f"/consents/{consent.id}/withdraw", data={"confirm": "yes"})
    assert response.status_code == 302
    assert not consent_service.has_valid_consent(a_case, "photograph")


def test_CO1_consent_form_shows_field_errors(cw_client, a_case):
    response = cw_client.post(f"/cases/{a_case.id}/consents",
                              data={"purpose": "service", "given_by": "person"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="language-error"' in page and 'id="information_given-error"' in page


def test_SH3_the_residents_page_shows_voluntary_status_not_the_case(client, admitted,
                                                                    shelter_user):
    admitted.case.narrative = "SENTINEL-NARRATIVE-2231"
    db.session.commit()
    login(client, "shelter")
    page = client.get("/shelter/residents").get_data(as_text=True)
    assert "voluntary" in page and "Test" in page
    assert "SENTINEL-NARRATIVE-2231" not in page and admitted.case.reference not in page
    home = client.get("/").get_data(as_text=True)
    assert "1 staying" in home
    assert client.get(f"/cases/{admitted.case_id}").status_code == 403


def test_SH1_shelter_staff_record_leaving_once_confirmed(client, admitted, shelter_user):
    login(client, "shelter")
    assert client.post(f"/shelter/stays/{admitted.id}/leave",
                       data={"confirm": "yes"}).status_code == 302
    db.session.refresh(admitted)
    assert admitted.left_at is not None


def test_the_caseworker_home_lists_my_cases(cw_client, a_case):
    assert a_case.reference in cw_client.get("/").get_data(as_text=True)


def test_CO1_referral_pages_send_and_receive_with_consent(client, caseworker, a_case,
                                                         shelter_agency, shelter_user):
    from referral.services.models import Referral
    from tests.factories import create_provider
    clinic = create_provider("Harbour clinic", services=("medical",), agency=shelter_agency)
    db.session.commit()
    login(client, "caseworker")
    url = f"/cases/{a_case.id}/referrals"
    page = client.post(url, data={"provider_id": str(clinic.id), "service": "medical"},
                       follow_redirects=True).get_data(as_text=True)
    assert ("This was not done:" in page
            and '(rule <a href="/help/rules#CO-1" class="rule-link">CO-1</a>)' in page)
    give_consent(caseworker, a_case, "referral", clinic)
    client.post(url, data={"provider_id": str(clinic.id), "service": "medical"})
    referral = db.session.query(Referral).one()
    client.post("/logout")
    login(client, "shelter")
    assert a_case.reference in client.get("/referrals/received").get_data(as_text=True)
    page = client.post(f"/referrals/{referral.id}/reject", data={"reason": "full this month"},
                       follow_redirects=True).get_data(as_text=True)
    assert "reason_code" in page  # ID-6: the form's code is required
    db.session.refresh(referral)
    assert referral.status == "requested"
    client.post(f"/referrals/{referral.id}/reject", data={
        "reason": "full this month", "reason_code": "no_capacity",
        "person_view_declined": "y", "confirm": "y"})
    db.session.refresh(referral)
    assert referral.status == "rejected" and referral.reason == "full this month"
    assert referral.reason_code == "no_capacity"


def test_CO1_consent_to_a_provider_from_the_directory_is_recorded(cw_client, a_case,
                                                                  shelter_provider):
    response = cw_client.post(f"/cases/{a_case.id}/consents", data={
        "purpose": "referral", "provider_id": str(shelter_provider.id), "given_by": "person",
        "language": "ro", "information_given": "who will see what, and that she may say no"})
    assert response.status_code == 302
    assert consent_service.has_valid_consent(a_case, "referral", shelter_provider.id)
    unknown = cw_client.post(f"/cases/{a_case.id}/consents", data={
        "purpose": "referral", "provider_id": "not-a-provider", "given_by": "person",
        "language": "ro", "information_given": "who will see what"})
    assert unknown.status_code == 400 and "no such provider" in unknown.get_data(as_text=True)


def test_SH1_the_shelter_admits_from_an_accepted_referral_it_received(
        client, caseworker, a_case, shelter_provider, shelter_user):
    from referral.services import service as services
    give_consent(caseworker, a_case, "referral", shelter_provider)
    give_consent(caseworker, a_case, "service", shelter_provider)  # to stay there (SH-1)
    referral = services.make_referral(caseworker, a_case, provider_id=shelter_provider.id,
                                      service="accommodation")
    db.session.commit()
    login(client, "shelter")
    refused = client.post(f"/shelter/referrals/{referral.id}/admit", follow_redirects=True)
    assert "This was not done" in refused.get_data(as_text=True)  # not accepted yet
    client.post(f"/referrals/{referral.id}/accept")
    admitted = client.post(f"/shelter/referrals/{referral.id}/admit", data={"room": "12"},
                           follow_redirects=True).get_data(as_text=True)
    assert "Admitted" in admitted, admitted
    db.session.refresh(a_case)
    assert a_case.shelter_state == "staying"
    page = client.get("/shelter/residents").get_data(as_text=True)
    assert "voluntary" in page and a_case.reference not in page


def test_CO1_what_a_shelter_admission_needs_is_said_on_both_screens(client, caseworker,
                                                                    a_case, shelter_user):
    need = "informed consent to services with this shelter"
    login(client, "caseworker")
    assert need in client.get(f"/cases/{a_case.id}/referrals").get_data(as_text=True)
    client.post("/logout")
    login(client, shelter_user.username)
    assert need in client.get("/referrals/received").get_data(as_text=True)
