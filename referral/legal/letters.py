"""The non-punishment advisory letter (LP-4), in the person's language where we have it."""
from pathlib import Path

from flask import render_template
from flask_babel import force_locale

from ..audit.service import record
from ..cases.models import Case
from ..consent.service import has_valid_consent
from ..database import utcnow
from ..errors import Refused
from ..extensions import db
from ..i18n import person_language
from ..labels import N_
from ..webforms import localdate

# A letter exists in a language when its template does: templates/legal/letter_<code>.html.
LETTERS = Path(__file__).resolve().parents[2] / "templates" / "legal"
LETTER_LANGUAGES = tuple(sorted(path.stem.removeprefix("letter_")
                                for path in LETTERS.glob("letter_*.html")))


def letter_language(person) -> str:
    """The person's recorded language where we have the letter in it (``fr-BE`` and ``FRA``
    count as French, ``ara`` as Arabic), else English."""
    return person_language(person, LETTER_LANGUAGES)


def advisory_letter(actor, proceeding) -> str:
    case = db.session.get(Case, proceeding.case_id)
    if not proceeding.is_against_victim:
        raise Refused("LP-4", N_("a non-punishment letter concerns proceedings against the person"))
    if not has_valid_consent(case, "data_share"):
        raise Refused("CO-1", N_("the letter shares the person's situation: it needs their "
                                 "consent to share data"))
    record(actor, "legal.letter", "proceeding", proceeding.id, case_id=case.id,
           purpose="non-punishment")
    lang = letter_language(case.person)
    # Anything localised while rendering (dates, shared strings) follows the letter's
    # language, not the language of whoever asked for it.
    with force_locale(lang):
        return render_template(f"legal/letter_{lang}.html", case=case, proceeding=proceeding,
                               sender_name=actor.display_name, sender_agency=actor.agency.name,
                               today=localdate(utcnow()))
