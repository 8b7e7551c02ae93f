"""LP-4 letters are written in the person's recorded language when we have the letter in it
(French or English), else English; never in the language of whoever prints them."""
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
    (["fra"], "fr"), (["ar", "fr"], "fr"),  # the first recorded language we write in
    (["en", "fr"], "en"), (["ar"], "en"), (["ti", "am"], "en"), ([], "en"), ([""], "en"),
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
