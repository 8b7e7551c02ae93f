"""The web UI in English, French and Arabic: who gets which language, and right to left.

The JSON API stays English whatever the caller's language: its messages are a contract."""
from html import unescape

from referral.extensions import db
from tests.web.conftest import login

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}


def page(response) -> str:
    """The page's text with entities decoded (an apostrophe may come out as &#39;)."""
    return unescape(response.get_data(as_text=True))


def test_with_no_preference_the_pages_are_english(client):
    text = page(client.get("/login"))
    assert '<html lang="en" dir="ltr">' in text and "Sign in" in text


def test_a_signed_out_browser_asking_for_french_gets_the_sign_in_page_in_french(client):
    text = page(client.get("/login", headers=FRENCH))
    assert '<html lang="fr" dir="ltr">' in text
    assert "Se connecter" in text and "Nom d'utilisateur" in text and "Mot de passe" in text


def test_an_unoffered_language_falls_back_to_english(client):
    text = page(client.get("/login", headers={"Accept-Language": "de-DE,de;q=0.9"}))
    assert '<html lang="en" dir="ltr">' in text and "Sign in" in text


def test_arabic_is_laid_out_right_to_left(client):
    text = page(client.get("/login", headers={"Accept-Language": "ar"}))
    assert '<html lang="ar" dir="rtl">' in text and "تسجيل الدخول" in text


def test_the_saved_language_of_a_user_wins_over_the_browser(client, caseworker):
    caseworker.locale = "fr"
    db.session.commit()
    login(client, "caseworker")
    text = page(client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}))
    assert '<html lang="fr" dir="ltr">' in text
    assert "Bienvenue" in text and "Mes dossiers" in text and "Se déconnecter" in text


def test_a_user_saves_their_language_and_the_pages_follow(client, caseworker):
    login(client, "caseworker")
    assert "Language" in page(client.get("/account/language"))
    response = client.post("/account/language", data={"locale": "ar"}, follow_redirects=True)
    text = page(response)
    assert '<html lang="ar" dir="rtl">' in text and "تم حفظ اللغة." in text
    assert db.session.get(type(caseworker), caseworker.id).locale == "ar"
    assert '<html lang="ar" dir="rtl">' in page(client.get("/"))


def test_a_language_that_is_not_offered_is_refused(client, caseworker):
    login(client, "caseworker")
    assert client.post("/account/language", data={"locale": "xx"}).status_code == 400
    assert db.session.get(type(caseworker), caseworker.id).locale == "en"


def test_the_language_setting_needs_the_csrf_token(app, client, caseworker):
    login(client, "caseworker")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/account/language", data={"locale": "fr"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    assert db.session.get(type(caseworker), caseworker.id).locale == "en"


def test_the_api_stays_english_for_a_french_browser(client):
    response = client.get("/api/v1/cases", headers=FRENCH)
    assert response.status_code == 401
    assert response.json == {"errors": {"auth": ["a valid bearer token is required"]}}


def french_client(client, user):
    user.locale = "fr"
    db.session.commit()
    return login(client, user.username)


def test_the_case_pages_read_in_french(client, caseworker):
    from tests.factories import create_case
    case = create_case(caseworker)
    french_client(client, caseworker)
    listing = page(client.get("/cases/"))
    assert "Toutes les étapes" in listing and "Nouvelle orientation" in listing
    case_file = page(client.get(f"/cases/{case.id}"))
    assert "victime présumée" in case_file and "Prochaines étapes" in case_file
    assert "Proposer l'assistance" in case_file  # a step of the assistance track
    assert "Étape du mécanisme national d'orientation" in case_file
    assert "RP-1" in case_file  # rule ids are never translated
    new = page(client.get("/cases/new"))
    assert "Formes d'exploitation" in new and "Servitude pour dettes" in new
    assert 'value="debt_bondage"' in new  # the code sent stays the code
    assert "Enregistrer l'orientation" in new


def test_consent_referral_and_return_pages_read_in_french(client, caseworker):
    from tests.factories import create_case
    case = create_case(caseworker)
    french_client(client, caseworker)
    consent = page(client.get(f"/cases/{case.id}/consents"))
    assert "Enregistrer le consentement" in consent and "Le tuteur" in consent
    assert "Partage de données" in consent and 'value="data_share"' in consent
    referrals = page(client.get(f"/cases/{case.id}/referrals"))
    assert "Envoyer l'orientation" in referrals and "Hébergement sûr" in referrals
    returns = page(client.get(f"/cases/{case.id}/reintegration"))
    assert "Retour et réintégration" in returns and "Enregistrer un point de suivi" in returns


def test_flash_messages_and_form_errors_are_in_french(client, caseworker):
    french_client(client, caseworker)
    response = client.post("/cases/new", data={"nationality": "NG", "jurisdiction": "baseline",
                                               "age_estimate": "-4"})
    assert response.status_code == 400
    text = page(response)
    assert "Ce champ est requis." in text  # WTForms' own messages follow the locale
    response = client.post("/cases/new", data={
        "nationality": "NG", "interpreter_needed": "no", "referred_by": "Hôpital",
        "sex": "female", "jurisdiction": "baseline"}, follow_redirects=True)
    assert "La personne est désormais victime présumée." in page(response)

