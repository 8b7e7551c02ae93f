"""The services' error messages on French pages: refusals, form errors and error pages read
in French, while the same errors through the JSON API stay English (a contract)."""
import uuid

from flask_babel import force_locale

from referral.errors import Invalid, Refused
from referral.extensions import db
from referral.labels import N_
from tests.factories import give_consent
from tests.web.test_i18n import FRENCH, french_client, page


def test_an_error_keeps_english_for_the_api_and_translates_for_a_page(app):
    error = Invalid("password", N_("use at least %(count)s characters"), {"count": 12})
    assert error.message == "use at least 12 characters"
    assert error.errors == {"password": ["use at least 12 characters"]}
    with app.test_request_context("/"):
        with force_locale("fr"):
            assert error.localized() == "utilisez au moins 12 caractères"
            assert error.localized_errors == {"password": ["utilisez au moins 12 caractères"]}
        with force_locale("en"):
            assert error.localized() == "use at least 12 characters"


def test_a_message_no_catalog_has_reads_as_the_service_wrote_it(app):
    error = Refused("DP-5", "legal hold: criminal proceeding open")
    with app.test_request_context("/"), force_locale("fr"):
        assert error.localized() == "legal hold: criminal proceeding open"


def test_a_french_shelter_worker_reads_the_SH1_refusal_in_french(
        client, caseworker, a_case, shelter_provider, shelter_user):
    from referral.services import service as services
    give_consent(caseworker, a_case, "referral", shelter_provider)
    referral = services.make_referral(caseworker, a_case, provider_id=shelter_provider.id,
                                      service="accommodation")
    db.session.commit()
    french_client(client, shelter_user)
    client.post(f"/referrals/{referral.id}/accept")
    # Accepted, but the person never consented to stay at this shelter (SH-1).
    text = page(client.post(f"/shelter/referrals/{referral.id}/admit", follow_redirects=True))
    assert "SH-1" in text
    assert "l'admission consigne le consentement de la personne à séjourner dans ce foyer" in text
    assert "admission records the person's consent" not in text


def test_a_consent_refused_by_the_service_is_explained_in_french(client, caseworker, a_case):
    french_client(client, caseworker)
    response = client.post(f"/cases/{a_case.id}/consents", data={
        "purpose": "service", "recipient_name": "Our agency", "language": "ro",
        "information_given": "what, why, who sees it", "given_by": "guardian"})
    assert response.status_code == 400
    text = page(response)
    assert "une personne adulte donne elle-même son consentement" in text
    assert "an adult gives their own consent" not in text


def test_the_same_consent_refusal_through_the_api_stays_english(client, a_case, cw_headers):
    response = client.post(f"/api/v1/cases/{a_case.id}/consents", headers={
        **cw_headers, "Accept-Language": "fr"}, json={
        "purpose": "service", "recipient_name": "Our agency", "language": "ro",
        "information_given": "what, why, who sees it", "given_by": "guardian"})
    assert response.status_code == 422
    assert response.json == {"errors": {"given_by": ["an adult gives their own consent"]}}


def test_a_missing_case_reads_in_french_on_the_page_and_english_in_the_api(
        client, caseworker, cw_headers):
    missing = uuid.uuid4()
    french_client(client, caseworker)
    response = client.get(f"/cases/{missing}")
    assert response.status_code == 404
    text = page(response)
    assert "introuvable" in text and "case" in text  # the key stays as it is
    api = client.get(f"/api/v1/cases/{missing}", headers={**cw_headers,
                                                          "Accept-Language": "fr"})
    assert api.status_code == 404 and api.json == {"errors": {"case": ["not found"]}}


def test_a_forbidden_page_reads_in_french(client, shelter_user):
    french_client(client, shelter_user)
    response = client.get("/cases/")
    assert response.status_code == 403
    text = page(response)
    assert "votre rôle ne permet pas d'ouvrir cette page" in text


def test_a_refused_step_is_flashed_in_french_with_its_values(client, caseworker, a_case):
    french_client(client, caseworker)
    response = client.post(f"/cases/{a_case.id}/transitions", data={
        "track": "nrm", "event": "no_such_step", "version": a_case.version},
        follow_redirects=True)
    text = page(response)
    assert "WF-UNKNOWN" in text
    assert "le volet nrm n'a pas d'étape 'no_such_step'" in text


def test_a_legal_hold_reads_in_french_on_the_case_page(client, caseworker, a_case):
    from referral.legal import service as legal
    legal.open_proceeding(caseworker, a_case, kind="civil", person_role="party",
                          court_or_authority="Tribunal judiciaire")
    db.session.commit()
    text = page(french_client(client, caseworker).get(f"/cases/{a_case.id}"))
    assert "(DP-5)" in text and "procédure" in text
    assert "civil proceeding open" not in text


def test_follow_up_notifications_read_in_french(client, caseworker, a_case):
    from datetime import timedelta

    from referral.database import utcnow
    from referral.reminders import service as reminders
    reminders.plan_deadline(a_case.id, "hearing", utcnow() - timedelta(days=1),
                            source_key="fr", remind_days=(), assignee_id=caseworker.id)
    db.session.commit()
    reminders.sweep_due()
    db.session.commit()
    text = page(french_client(client, caseworker).get("/follow-ups/"))
    assert f"{a_case.reference} : " in text and "en retard" in text
    assert "is overdue" not in text


def test_the_help_page_names_jurisdictions_in_french(client, caseworker):
    text = page(french_client(client, caseworker).get("/help/workflows"))
    assert "Mécanisme national d'orientation de type britannique" in text
    assert "UK-style National Referral Mechanism" not in text


def test_an_unknown_address_is_explained_in_french_and_stays_english_in_the_api(client,
                                                                                caseworker):
    french = french_client(client, caseworker)
    response = french.get("/no-such-page")
    assert response.status_code == 404
    assert "il n'y a pas de page à cette adresse" in page(response)
    assert "requested URL" not in page(response)
    api = client.get("/api/v1/no-such-thing", headers=FRENCH)
    assert api.status_code == 404 and "requested URL" in str(api.json)
