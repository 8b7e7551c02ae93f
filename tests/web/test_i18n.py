"""The web UI in English, French and Arabic: who gets which language, and right to left.

The JSON API stays English whatever the caller's language: its messages are a contract."""
from referral.extensions import db
from tests.web.conftest import login

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}


def page(response) -> str:
    return response.get_data(as_text=True)


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
