"""``flask --app referral translations missing <lang>`` and ``fill <lang> <file>``: the
entries of a catalog still to translate, and a way to put translations in (docs/languages.md).

``missing --json`` writes the untranslated entries as a JSON list of objects
(``msgid``, ``msgctxt`` when the entry has a context, ``msgid_plural`` for plurals); a
translator adds ``msgstr`` (or ``msgstr_plural``, one per form the language has) to each and
``fill`` writes them into the catalog. ``fill`` refuses a translation that drops or invents a
``%(name)s`` placeholder, and lists the ones left identical to the English for a second look:
an English copy is not a translation.
"""
import io
import json
import re
from pathlib import Path

import click
from babel.messages.pofile import read_po, write_po

from .i18n import TRANSLATIONS

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def catalog_path(lang: str) -> Path:
    return Path(TRANSLATIONS) / lang / "LC_MESSAGES" / "messages.po"


def read_catalog(lang: str):
    path = catalog_path(lang)
    if not path.exists():
        raise click.ClickException(f"no catalog for {lang!r} at {path}")
    with path.open("rb") as handle:
        return read_po(handle, locale=lang)


def write_catalog(lang: str, catalog):
    """Written as ``make messages`` writes it (no source lines, obsolete entries dropped),
    so a fill changes only the entries filled."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=76, no_location=True, ignore_obsolete=True)
    catalog_path(lang).write_bytes(buffer.getvalue())


def _translated(message) -> bool:
    if isinstance(message.string, (list, tuple)):
        return all(message.string)
    return bool(message.string)


def missing_entries(catalog) -> list[dict]:
    """Entries with no translation, or marked fuzzy (a guess Babel made, not a translation)."""
    found = []
    for message in catalog:
        if not message.id or (_translated(message) and not message.fuzzy):
            continue
        entry = {}
        if message.context:
            entry["msgctxt"] = message.context
        if isinstance(message.id, (list, tuple)):
            entry["msgid"], entry["msgid_plural"] = message.id[0], message.id[1]
        else:
            entry["msgid"] = message.id
        found.append(entry)
    return found


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text or ""))


def fill_catalog(catalog, entries: list[dict]) -> tuple[int, list[str], list[str]]:
    """Put ``entries`` (as ``missing --json`` gives them, with ``msgstr`` or
    ``msgstr_plural`` added) into ``catalog``. Returns (entries filled, problems that
    refused an entry, entries identical to the English)."""
    filled, problems, same = 0, [], []
    for entry in entries:
        msgid, context = entry.get("msgid"), entry.get("msgctxt")
        key = (msgid, entry["msgid_plural"]) if entry.get("msgid_plural") else msgid
        message = catalog.get(key if isinstance(key, str) else key[0], context=context)
        if message is None:
            problems.append(f"not in the catalog: {msgid!r}")
            continue
        english = message.id if isinstance(message.id, (list, tuple)) else (message.id,)
        wanted = set().union(*(_placeholders(text) for text in english))
        if isinstance(message.id, (list, tuple)):
            forms = entry.get("msgstr_plural") or []
            if len(forms) != catalog.num_plurals or not all(forms):
                problems.append(f"{msgid!r}: give {catalog.num_plurals} plural forms")
                continue
            # A singular form may say "one" in words instead of %(count)s.
            if any(_placeholders(form) - wanted for form in forms):
                problems.append(f"{msgid!r}: a placeholder that is not in the English")
                continue
            message.string = tuple(forms)
        else:
            text = entry.get("msgstr") or ""
            if not text:
                continue
            if _placeholders(text) != wanted:
                problems.append(f"{msgid!r}: placeholders must be {sorted(wanted)}")
                continue
            if text == msgid:
                same.append(msgid)
            message.string = text
        message.flags.discard("fuzzy")
        filled += 1
    return filled, problems, same


@click.group("translations")
def translations():
    """The web pages' catalogs: what is left to translate, and filling it in."""


@translations.command("missing")
@click.argument("lang")
@click.option("--json", "as_json", is_flag=True,
              help="A JSON list to add translations to and give to `fill`.")
def missing_command(lang, as_json):
    """List the entries of LANG's catalog that have no translation (run `make messages`
    first, so the catalog has every string of the sources)."""
    entries = missing_entries(read_catalog(lang))
    if as_json:
        click.echo(json.dumps(entries, ensure_ascii=False, indent=1))
        return
    for entry in entries:
        context = f"[{entry['msgctxt']}] " if "msgctxt" in entry else ""
        click.echo(f"{context}{entry['msgid']}")
    click.echo(f"{len(entries)} to translate in {lang}", err=True)


@translations.command("fill")
@click.argument("lang")
@click.argument("source", type=click.File("rb"))
def fill_command(lang, source):
    """Write the translations of SOURCE (the JSON of `missing --json`, each entry with
    `msgstr` or `msgstr_plural` added) into LANG's catalog, then `make translations`."""
    try:
        entries = json.load(source)
    except ValueError as exc:
        raise click.ClickException(f"not JSON: {exc}") from None
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise click.ClickException("expected a JSON list of objects, as `missing --json` gives")
    catalog = read_catalog(lang)
    filled, problems, same = fill_catalog(catalog, entries)
    write_catalog(lang, catalog)
    for problem in problems:
        click.echo(f"refused: {problem}", err=True)
    for msgid in same:
        click.echo(f"same as the English, read it again: {msgid!r}", err=True)
    click.echo(f"{filled} filled in {lang}")
    if problems:
        raise SystemExit(1)


def register(app):
    app.cli.add_command(translations)
