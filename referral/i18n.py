"""Languages of the web interface (Flask-Babel): which locale a request gets, and the catalogs.

The web UI speaks English and every language with a catalog here: French, Arabic (right to
left) and Spanish today. A language is added by dropping in its catalog (see
docs/languages.md): it is then offered, named in its own words, and laid out right to left
if the language is written so. The JSON API stays English: its messages are part of the
contract clients code against. A signed-in user's saved
``locale`` wins; otherwise the browser's Accept-Language decides among ours; otherwise English.

Catalogs live in ``referral/translations/<lang>/LC_MESSAGES/messages.po``. The compiled
``.mo`` files are build output (``make translations``); ``compile_catalogs`` does the same
from Python so a checkout that never ran make still serves translated pages in tests.
"""
import logging
import os
import tempfile
from pathlib import Path

from flask import g, request
from flask_babel import get_locale
from flask_login import current_user

from .extensions import babel

logger = logging.getLogger(__name__)

TRANSLATIONS = Path(__file__).resolve().parent / "translations"

DEFAULT_LANGUAGE = "en"


def shipped_languages(directory: Path = TRANSLATIONS) -> dict[str, str]:
    """Code -> the language's name in that language (a language is offered in its own
    words): English, the language of the sources, then one per catalog in ``directory``."""
    from babel import Locale
    languages = {DEFAULT_LANGUAGE: "English"}
    for po in sorted(directory.glob("*/LC_MESSAGES/messages.po")):
        code = po.parent.parent.name
        name = Locale.parse(code).get_display_name(code)
        languages[code] = name[:1].upper() + name[1:]
    return languages


def right_to_left(codes) -> frozenset[str]:
    """The languages written right to left (CLDR's character order: Arabic, Hebrew,
    Persian, Urdu ...)."""
    from babel import Locale
    return frozenset(code for code in codes
                     if Locale.parse(code).character_order == "right-to-left")


LANGUAGES = shipped_languages()
RIGHT_TO_LEFT = right_to_left(LANGUAGES)


def _is_api_request() -> bool:
    return request.path.startswith("/api/")


def select_locale() -> str:
    if _is_api_request():
        return DEFAULT_LANGUAGE
    if current_user.is_authenticated and current_user.locale in LANGUAGES:
        return current_user.locale
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT_LANGUAGE)


# ISO 639-2 codes people's languages may be recorded with, for the languages we write in.
_THREE_LETTER = {"eng": "en", "fra": "fr", "fre": "fr", "ara": "ar", "spa": "es"}


def primary_language(code: str | None) -> str | None:
    """``fr`` for ``fr``, ``FR``, ``fr-BE``, ``fr_CA`` or ``fra``; None for nothing."""
    if not code or not code.strip():
        return None
    primary = code.strip().replace("_", "-").split("-")[0].lower()
    return _THREE_LETTER.get(primary, primary)


def person_language(person, available, default: str = DEFAULT_LANGUAGE) -> str:
    """The language to write to a person in: the first of the languages recorded on their
    file (in the order recorded) that we have the text in, else ``default`` (English). It
    is the person's language, never the language of the staff member who prints the
    letter."""
    for code in person.languages or []:
        lang = primary_language(code)
        if lang in available:
            return lang
    return default


def copy_language(person) -> str:
    """The language of the person's copy of their file (DP-6): theirs where we have it, else
    the language of the pages (the API's is English)."""
    from flask import has_request_context
    page = str(get_locale()) if has_request_context() and get_locale() else DEFAULT_LANGUAGE
    return person_language(person, LANGUAGES, default=page)


def text_direction(lang: str) -> str:
    return "rtl" if lang in RIGHT_TO_LEFT else "ltr"


def stale_catalogs(directory: Path = TRANSLATIONS) -> list[Path]:
    """The ``.po`` files whose ``.mo`` is missing or older."""
    stale = []
    for po in sorted(directory.glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            stale.append(po)
    return stale


def compile_catalogs(directory: Path = TRANSLATIONS, force: bool = False) -> list[Path]:
    """Compile ``.po`` to ``.mo`` where needed (what ``pybabel compile`` does; fuzzy
    entries are left out, as it does). Each file is written aside and renamed into place,
    so two processes compiling at once never leave a half-written catalog."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    todo = sorted(directory.glob("*/LC_MESSAGES/*.po")) if force else stale_catalogs(directory)
    for po in todo:
        with po.open("rb") as fileobj:
            catalog = read_po(fileobj, locale=po.parent.parent.name)
        fd, tmp = tempfile.mkstemp(dir=po.parent, suffix=".mo.tmp")
        with os.fdopen(fd, "wb") as fileobj:
            write_mo(fileobj, catalog, use_fuzzy=False)
        os.replace(tmp, po.with_suffix(".mo"))
    return todo


def service_label(code: str) -> str:
    """A service code (services.models.SERVICES) named in the reader's language."""
    from flask_babel import gettext
    from .services.models import SERVICES
    return gettext(SERVICES[code]) if code in SERVICES else code.replace("_", " ")


def follow_up_label(kind: str) -> str:
    """A deadline kind named as reminders name it, in the reader's language."""
    from flask_babel import gettext
    from .reminders.service import LABELS
    return gettext(LABELS[kind]) if kind in LABELS else kind.replace("_", " ")


def notification_text(note) -> str:
    """A stored notification in the reader's language, rebuilt from its kind, follow-up and
    reference (the stored English message is what e-mail carried)."""
    from flask_babel import gettext, ngettext
    reference = note.case_reference or gettext("Follow-up")
    label = follow_up_label(note.deadline_kind) if note.deadline_kind else ""
    if note.kind == "reminder" and note.days_before is not None and note.days_before >= 0:
        return ngettext("%(reference)s: %(label)s in %(num)d day",
                        "%(reference)s: %(label)s in %(num)d days", note.days_before,
                        reference=reference, label=label)
    if note.kind == "overdue":
        return gettext("%(reference)s: %(label)s is overdue", reference=reference, label=label)
    if note.kind == "escalation":
        return gettext("%(reference)s: %(label)s is overdue past its grace period",
                       reference=reference, label=label)
    return note.message


def track_label(name: str) -> str:
    """A workflow track (``nrm``, ``assistance`` ...) by its description, translated."""
    import workflows
    from flask_babel import gettext
    track = workflows.tracks().get(name)
    return gettext(track.description) if track is not None else name


def init_app(app):
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    babel.init_app(app, locale_selector=select_locale)
    # {% trans %} blocks are whitespace-normalised, as babel.cfg extracts them.
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    if stale_catalogs():
        logger.warning("translation catalogs are not compiled or out of date; pages fall "
                       "back to English until `make translations` runs")

    @app.before_request
    def set_language():
        if _is_api_request() or request.endpoint == "static":
            return
        g.lang = str(get_locale())
        g.text_direction = text_direction(g.lang)

    from .labels import (DECISION_LABELS, LEGAL_LABELS, MISSED_REASON_LABELS, OFFENCE_LABELS,
                         REFERRAL_STATUS_LABELS, code_label, labelled, state_label)
    app.jinja_env.filters["code"] = code_label
    app.jinja_env.filters["state"] = state_label
    app.jinja_env.filters["referral_status"] = labelled(REFERRAL_STATUS_LABELS)
    app.jinja_env.filters["missed_reason"] = labelled(MISSED_REASON_LABELS)
    app.jinja_env.filters["service"] = service_label
    app.jinja_env.filters["legal"] = labelled(LEGAL_LABELS)
    app.jinja_env.filters["decision"] = labelled(DECISION_LABELS)
    app.jinja_env.filters["offence"] = labelled(OFFENCE_LABELS)
    app.jinja_env.filters["follow_up"] = follow_up_label
    app.jinja_env.filters["track"] = track_label
    app.jinja_env.filters["notification"] = notification_text
    from .labels import field_label, record_label
    app.jinja_env.filters["field"] = field_label
    app.jinja_env.filters["record"] = record_label
    from .labels import audit_action_label, copy_value, role_label, said
    app.jinja_env.filters["said"] = said
    app.jinja_env.filters["role"] = role_label
    app.jinja_env.filters["audit_action"] = audit_action_label
    app.jinja_env.filters["copy_value"] = copy_value
    from .labels import device_label
    app.jinja_env.filters["device"] = device_label

    @app.context_processor
    def languages():
        return {"languages": LANGUAGES}
