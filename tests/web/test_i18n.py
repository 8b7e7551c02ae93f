"""The web UI in English, French, Arabic and Spanish: who gets which language, right to left,
and every catalog shipped complete.

The JSON API stays English whatever the caller's language: its messages are a contract."""
import re
import os
from html import unescape
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po
import pytest

from referral.extensions import db
from referral.i18n import compile_catalogs, stale_catalogs
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


def test_a_refused_sign_in_is_explained_in_french(client, caseworker):
    response = client.post("/login", data={"username": "caseworker", "password": "wrong"},
                           headers=FRENCH)
    assert response.status_code == 400
    assert "Nom d'utilisateur, mot de passe ou code incorrect." in page(response)


def test_an_unoffered_language_falls_back_to_english(client):
    text = page(client.get("/login", headers={"Accept-Language": "de-DE,de;q=0.9"}))
    assert '<html lang="en" dir="ltr">' in text and "Sign in" in text


def test_arabic_is_laid_out_right_to_left(client):
    text = page(client.get("/login", headers={"Accept-Language": "ar"}))
    assert '<html lang="ar" dir="rtl">' in text and "تسجيل الدخول" in text


def test_a_spanish_browser_gets_the_sign_in_page_in_spanish(client):
    text = page(client.get("/login", headers={"Accept-Language": "es-ES,es;q=0.9"}))
    assert '<html lang="es" dir="ltr">' in text
    assert "Iniciar sesión" in text and "Nombre de usuario" in text and "Contraseña" in text


def test_the_case_file_reads_in_arabic_and_in_spanish(client, caseworker):
    from tests.factories import create_case
    case = create_case(caseworker)
    login(client, "caseworker")
    arabic = page(client.get(f"/cases/{case.id}", headers={"Accept-Language": "ar"}))
    assert '<html lang="ar" dir="rtl">' in arabic
    assert "ضحية مفترضة" in arabic and "الخطوات التالية" in arabic
    assert re.search(r"\b(?:ID|RP)-1\b", arabic)  # rule ids are never translated
    spanish = page(client.get(f"/cases/{case.id}", headers={"Accept-Language": "es"}))
    assert '<html lang="es" dir="ltr">' in spanish
    assert "víctima presunta" in spanish and "Próximos pasos" in spanish
    assert "período de restablecimiento y reflexión" in spanish.lower()


def test_the_language_page_offers_spanish_in_its_own_words(client, caseworker):
    login(client, "caseworker")
    text = page(client.get("/account/language"))
    assert 'value="es"' in text and "Español" in text and 'value="ar"' in text
    response = client.post("/account/language", data={"locale": "es"}, follow_redirects=True)
    assert '<html lang="es" dir="ltr">' in page(response) and "Idioma guardado." in page(response)


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


def test_a_signed_in_user_who_never_chose_follows_the_browser(client, caseworker):
    assert caseworker.locale == ""
    login(client, "caseworker")
    assert "Bienvenue" in page(client.get("/", headers=FRENCH))
    assert "Welcome" in page(client.get("/"))


def test_a_user_can_go_back_to_following_the_browser(client, caseworker):
    caseworker.locale = "fr"
    db.session.commit()
    login(client, "caseworker")
    client.post("/account/language", data={"locale": ""})
    assert db.session.get(type(caseworker), caseworker.id).locale == ""
    assert '<html lang="ar" dir="rtl">' in page(client.get("/", headers={
        "Accept-Language": "ar"}))


def test_a_language_that_is_not_offered_is_refused(client, caseworker):
    login(client, "caseworker")
    assert client.post("/account/language", data={"locale": "xx"}).status_code == 400
    assert db.session.get(type(caseworker), caseworker.id).locale == ""


def test_the_language_setting_needs_the_csrf_token(app, client, caseworker):
    login(client, "caseworker")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/account/language", data={"locale": "fr"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    assert db.session.get(type(caseworker), caseworker.id).locale == ""


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
    assert "ID-1" in case_file  # rule ids are never translated
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


# -- French complete: the catalog against the sources ----------------------------------------

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "referral" / "translations"
# The keywords `make messages` passes to pybabel: babel's defaults (_, gettext, ngettext, N_
# ...) and _l, our name for lazy_gettext.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None}


def read_catalog(lang: str):
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as fileobj:
        return read_po(fileobj, locale=lang)


def msgid(message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def extract_template(tmp_path) -> Catalog:
    """What `make messages` extracts, done here in-process into a .pot and read back."""
    with (ROOT / "babel.cfg").open() as fileobj:
        method_map, options_map = parse_mapping_cfg(fileobj, str(ROOT / "babel.cfg"))
    template = Catalog(project="referral")
    for filename, lineno, message, comments, context in extract_from_dir(
            ROOT, method_map, options_map, keywords=KEYWORDS):
        template.add(message, locations=[(filename, lineno)], context=context)
    pot = tmp_path / "messages.pot"
    with pot.open("wb") as fileobj:
        write_po(fileobj, template)
    with pot.open("rb") as fileobj:
        return read_po(fileobj)


# Every catalog shipped: a language is offered as soon as its catalog is here
# (referral.i18n.shipped_languages), so each must be complete.
SHIPPED = sorted(p.parent.parent.name for p in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))


def test_the_languages_offered_are_english_and_every_catalog_shipped():
    from referral.i18n import LANGUAGES, RIGHT_TO_LEFT
    assert {"fr", "ar", "es"} <= set(SHIPPED)
    assert set(LANGUAGES) == {"en", *SHIPPED}
    assert LANGUAGES["es"] == "Español" and LANGUAGES["ar"] == "العربية"
    assert RIGHT_TO_LEFT == {"ar"}


def test_a_catalog_dropped_in_is_offered_in_its_own_words(tmp_path):
    from referral.i18n import right_to_left, shipped_languages
    for code in ("de", "he"):
        (tmp_path / code / "LC_MESSAGES").mkdir(parents=True)
        (tmp_path / code / "LC_MESSAGES" / "messages.po").write_text("")
    assert shipped_languages(tmp_path) == {"en": "English", "de": "Deutsch", "he": "עברית"}
    assert right_to_left(shipped_languages(tmp_path)) == {"he"}


@pytest.mark.parametrize("lang", SHIPPED)
def test_every_entry_of_every_catalog_has_a_translation(lang):
    catalog = read_catalog(lang)
    untranslated = [msgid(m) for m in catalog if m.id and not (
        all(m.string) if isinstance(m.string, (tuple, list)) else m.string)]
    fuzzy = [msgid(m) for m in catalog if m.id and m.fuzzy]
    assert not untranslated, f"{lang} missing for: {untranslated}"
    assert not fuzzy, f"{lang} marked fuzzy (check, then drop the flag): {fuzzy}"


def test_every_string_in_the_sources_is_in_every_catalog(tmp_path):
    """Fails when a page, flash message or form label gains a string a catalog lacks:
    run `make messages`, translate the new entries in every <lang>/messages.po."""
    extracted = {msgid(m) for m in extract_template(tmp_path) if m.id}
    assert len(extracted) > 300  # the extraction really read the sources
    for lang in SHIPPED:
        in_catalog = {msgid(m) for m in read_catalog(lang) if m.id}
        missing = sorted(extracted - in_catalog)
        assert not missing, f"not in {lang}/messages.po: {missing}"


@pytest.mark.parametrize("lang", SHIPPED)
def test_translations_keep_every_placeholder(lang):
    """%(name)s in a msgid must be in its msgstr, or the page fails to render (babel's own
    catalog checks)."""
    problems = [(msgid(m), [str(e) for e in errors])
                for m, errors in read_catalog(lang).check() if errors]
    assert not problems, (lang, problems)


@pytest.mark.parametrize("lang", SHIPPED)
def test_every_plural_has_the_forms_the_language_needs(lang):
    """Arabic has six plural forms, Spanish three (babel's CLDR rules): each one given and
    each keeping the number."""
    catalog = read_catalog(lang)
    plurals = [m for m in catalog if m.id and isinstance(m.id, (tuple, list))]
    assert plurals
    for message in plurals:
        assert len(message.string) == catalog.num_plurals, (lang, message.id)
        assert all("%(num)d" in form for form in message.string), (lang, message.id)


def test_translations_keep_the_html_of_the_english():
    import re
    tags = re.compile(r"</?[a-z]+[^>]*>")
    for lang in SHIPPED:
        for message in read_catalog(lang):
            if message.id and isinstance(message.id, str) and message.string:
                assert sorted(tags.findall(message.id)) == sorted(
                    tags.findall(message.string)), (lang, message.id)


def test_the_terms_of_un_texts_are_used():
    """The second reading checked the key terms against UN/UNODC texts in each language."""
    terms = {"ar": {"presumed victim": "ضحية مفترضة",
                    "Reflection period": "فترة التعافي والتفكير",
                    "National referral mechanism stage": "الآلية الوطنية للإحالة"},
             "es": {"presumed victim": "víctima presunta",
                    "Reflection period": "Período de restablecimiento y reflexión",
                    "National referral mechanism stage": "mecanismo nacional de derivación"}}
    for lang, pairs in terms.items():
        catalog = read_catalog(lang)
        for english, term in pairs.items():
            assert term.lower() in catalog.get(english).string.lower(), (lang, english)


def test_missing_or_stale_catalogs_are_compiled(tmp_path):
    po = tmp_path / "fr" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_bytes((TRANSLATIONS / "fr" / "LC_MESSAGES" / "messages.po").read_bytes())
    assert stale_catalogs(tmp_path) == [po]
    assert compile_catalogs(tmp_path) == [po]
    assert po.with_suffix(".mo").exists() and stale_catalogs(tmp_path) == []
    os.utime(po, (po.stat().st_mtime + 10,) * 2)  # the .po edited after compiling
    assert stale_catalogs(tmp_path) == [po]


def test_stages_and_refusals_read_in_french_while_the_api_stays_english(client, caseworker,
                                                                       cw_headers):
    from tests.factories import create_case
    case = create_case(caseworker)
    french_client(client, caseworker)
    case_file = page(client.get(f"/cases/{case.id}"))
    assert "délai de rétablissement et de réflexion" in case_file  # the NRM stage
    assert "l'admission en foyer consigne le consentement" in case_file  # SH-1's guard
    # RP-1 is asked in the step's own form (the person's request, in their words)
    assert "ID-1" in case_file
    body = client.get(f"/api/v1/cases/{case.id}/transitions", headers={
        **cw_headers, "Accept-Language": "fr"}).get_data(as_text=True)
    assert "admission to a shelter records the person's consent" in body
    assert "consentement" not in body


def test_every_follow_up_name_is_marked_for_translation():
    """The pages show reminders' follow-up names through FOLLOW_UP_NAMES: a name added to
    the service and not there would stay English on French pages."""
    from referral.labels import FOLLOW_UP_NAMES
    from referral.reminders.service import LABELS
    assert set(LABELS.values()) <= set(FOLLOW_UP_NAMES)


# Entries a second reading found right as the English spelling has them (cognates, proper
# names, placeholders only). Any other translation identical to the English is an English
# copy waiting for a translator, and fails.
SAME_AS_ENGLISH = {
    "fr": {"%(domain)s (%(priority)s)", "%(minutes)s minutes", "Action", "Actions",
           "Agriculture", "Assistance", "Contact", "Correction", "Corrections", "Description",
           "Document", "Documents", "Identification", "Message", "Non-refoulement", "Note",
           "Notes", "Notifications", "Pages", "Police", "Restriction", "Service", "Services",
           "Servitude", "Social", "Supervision", "Total", "Version", "Versions", "absent",
           "administration", "administrative", "assistance", "audit", "danger",
           "identification", "positive", "supervision", "urgent", "version %(number)s",
           "version %(number)s, %(when)s", "Conditions"},
    "ar": {"%(domain)s (%(priority)s)", "%(field)s: %(message)s"},
    "es": {"%(domain)s (%(priority)s)", "%(field)s: %(message)s", "Auditor", "Cultural",
           "Error", "No", "Sector", "Social", "Supervisor", "Total", "auditor", "civil", "no",
           "supervisor"},
}


@pytest.mark.parametrize("lang", SHIPPED)
def test_no_catalog_holds_english_copies(lang):
    copies = sorted(m.id for m in read_catalog(lang) if m.id and isinstance(m.id, str)
                    and m.string == m.id and m.id not in SAME_AS_ENGLISH.get(lang, set()))
    assert not copies, f"{lang}: translate these (or, if right as they are, list them): {copies}"


def test_arabic_translations_are_written_in_arabic():
    """An Arabic entry with words in it has Arabic letters (a Latin-only one is English)."""
    placeholders = re.compile(r"%\(\w+\)[sd]|<[^>]+>|\b[A-Z]{2,}-?\d*\b|API|HSDS|UTC|JSON")
    latin_only = []
    for message in read_catalog("ar"):
        if not message.id or not isinstance(message.string, str):
            continue
        text = placeholders.sub("", message.string)
        if re.search(r"[A-Za-z]{3,}", text) and not re.search(r"[\u0600-\u06FF]", text):
            latin_only.append(message.id)
    assert not latin_only, latin_only


def test_one_english_word_with_two_meanings_gets_a_translation_for_each():
    """"held" is a meeting that took place and an item kept for the person; "Measure" a
    protective measure and a statistics indicator: each meaning is its own entry (msgctxt)."""
    french = read_catalog("fr")
    assert french.get("held", context="meeting").string == "tenue"
    assert french.get("held", context="check-in").string == "a eu lieu"
    assert french.get("Measure", context="statistics indicator").string == "Indicateur"
    assert french.get("Measure").string == "Mesure"  # a protective measure (legal aid)
    arabic = read_catalog("ar")
    assert arabic.get("held", context="meeting").string != arabic.get(
        "Measure").string != arabic.get("Measure", context="statistics indicator").string


def test_the_translations_command_lists_what_is_missing_and_fills_it(app, tmp_path,
                                                                     monkeypatch):
    import json

    from referral import translation_cli
    (tmp_path / "fr" / "LC_MESSAGES").mkdir(parents=True)
    catalog = read_catalog("fr")
    catalog.get("Unknown device").string = ""
    catalog.get("held", context="meeting").string = ""
    with (tmp_path / "fr" / "LC_MESSAGES" / "messages.po").open("wb") as handle:
        write_po(handle, catalog, width=76, no_location=True)
    monkeypatch.setattr(translation_cli, "TRANSLATIONS", tmp_path)
    runner = app.test_cli_runner()

    listed = runner.invoke(args=["translations", "missing", "fr", "--json"])
    assert listed.exit_code == 0, listed.output
    entries = json.loads(listed.stdout)
    assert entries == [{"msgid": "Unknown device"}, {"msgctxt": "meeting", "msgid": "held"}]

    entries[1]["msgstr"], entries[0]["msgstr"] = "tenue", "Appareil %(x)s"
    source = tmp_path / "fill.json"
    source.write_text(json.dumps(entries), encoding="utf-8")
    refused = runner.invoke(args=["translations", "fill", "fr", str(source)])
    assert refused.exit_code == 1 and "placeholders" in refused.output
    entries[0]["msgstr"] = "Unknown device"
    source.write_text(json.dumps(entries), encoding="utf-8")
    filled = runner.invoke(args=["translations", "fill", "fr", str(source)])
    assert filled.exit_code == 0 and "2 filled in fr" in filled.output
    assert "same as the English" in filled.output
    assert runner.invoke(args=["translations", "missing", "fr", "--json"]).stdout.strip() \
        == "[]"
    with (tmp_path / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        assert read_po(handle).get("held", context="meeting").string == "tenue"
