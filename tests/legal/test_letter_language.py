"""LP-4 letters are written in the person's recorded language when we have the letter in it
(English, French, Arabic or Spanish: whichever have a template), else English; never in the language of whoever prints them."""
import pytest

from referral.extensions import db
from referral.legal import service as legal
from referral.legal.letters import letter_language
from tests.factories import give_consent


@pytest.fixture
def letter_url(caseworker, assigned):
    proceeding = legal.open_proceeding(caseworker, assigned, kind="criminal",
                                       person_role="suspect", court_or_authority="Tribunal",
                                       offence_category="illegal_work")
    give_consent(caseworker, assigned, "data_share", recipient_name="the court",
                 recipient_category="court")
    db.session.commit()
    return f"/api/v1/proceedings/{proceeding.id}/non-punishment-letter"


def speaks(case, *languages):
    case.person.languages = list(languages)
    db.session.commit()


@pytest.mark.parametrize("recorded, expected", [
    (["fr"], "fr"), (["en"], "en"), (["FR"], "fr"), (["fr-BE"], "fr"), (["fr_CA"], "fr"),
    (["fra"], "fr"), (["ti", "fr"], "fr"),  # the first recorded language we write in
    (["en", "fr"], "en"), (["ar", "fr"], "ar"), (["ara"], "ar"), (["es-MX"], "es"),
    (["spa"], "es"), (["ti", "am"], "en"), ([], "en"), ([""], "en"),
])
def test_the_letter_language_is_the_persons_where_we_have_it(a_case, recorded, expected):
    speaks(a_case, *recorded)
    assert letter_language(a_case.person) == expected


def test_a_french_speaking_person_gets_the_letter_in_french(client, assigned, letter_url,
                                                            cw_headers):
    speaks(assigned, "fr-FR")
    body = client.get(letter_url, headers=cw_headers).json  # the letter's HTML
    assert '<html lang="fr">' in body and "Avis de non-sanction" in body
    assert "victime présumée" in body


def test_the_letter_follows_the_person_not_the_staff_members_language(
        client, caseworker, assigned, letter_url, cw_headers):
    caseworker.locale = "fr"
    speaks(assigned, "tir", "en")
    body = client.get(letter_url, headers={**cw_headers, "Accept-Language": "fr"}).json
    assert '<html lang="en">' in body and "Non-punishment advisory" in body


def test_the_french_letter_names_the_offence_in_french(client, assigned, letter_url,
                                                       cw_headers):
    speaks(assigned, "fr")
    body = client.get(letter_url, headers=cw_headers).json
    assert "travail illégal" in body and "illegal work" not in body


def test_an_arabic_speaking_person_gets_the_letter_in_arabic_right_to_left(
        client, assigned, letter_url, cw_headers):
    speaks(assigned, "ar")
    body = client.get(letter_url, headers=cw_headers).json
    assert '<html lang="ar" dir="rtl">' in body and "عدم المعاقبة" in body
    assert "ضحيةً مفترضة للاتجار بالبشر" in body
    assert "العمل غير النظامي" in body and "illegal work" not in body  # the offence too


def test_a_spanish_speaking_person_gets_the_letter_in_spanish(client, assigned, letter_url,
                                                              cw_headers):
    speaks(assigned, "es")
    body = client.get(letter_url, headers=cw_headers).json
    assert '<html lang="es">' in body and "no punición" in body
    assert "víctima presunta" in body and "trabajo irregular" in body


def test_every_letter_language_is_a_language_of_the_pages():
    """A letter template in a language we have no catalog for would name the offence in
    English in the middle of it."""
    from referral.i18n import LANGUAGES
    from referral.legal.letters import LETTER_LANGUAGES
    assert set(LETTER_LANGUAGES) >= {"en", "fr", "ar", "es"}
    assert set(LETTER_LANGUAGES) <= set(LANGUAGES)
