"""Page forms that do what an API write does, through the same schema and the same service.

A page form posts ordinary form fields; ``load_form`` reads them through the API's
marshmallow schema (one schema for both, so the rules on input are the same), and
``act`` calls the service under a savepoint and tells the user, in plain words and in
their language, what happened or why not and what to do next. The rule id is secondary:
it follows the sentence, and pages link it to the rule in plain words (``rule_links``).
"""
from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields

from .boundary import attempt
from .errors import DomainError

# What to do next after a refusal, by rule family (the part of the id before the dash).
NEXT_STEP = {
    "CH": _l("Appoint a guardian on the case's actions page, or ask a supervisor to approve "
             "a consent override."),
    "CO": _l("Record the person's consent for this purpose and recipient on the consent "
             "page, then try again."),
    "RP": _l("Wait for the end of the reflection period, or record that the person asked "
             "for this."),
    "RR": _l("Record the person's own request and the return checks first."),
    "ID": _l("Record the decision or the person's view that the rule asks for."),
    "WF": _l("This step does not fit where the case is now: use one of the steps the page "
             "offers."),
    "SH": _l("Ask the caseworker to record the person's consent to stay at this shelter "
             "(purpose: services, recipient: the shelter)."),
    "version": _l("Someone changed this case meanwhile: reload the page and try again."),
    # by rule id, where one rule of a family asks for something else than the others
    "DP-5": _l("The file can be erased once the proceedings and claims that hold it are "
               "closed."),
    "DP-7": _l("Ask a supervisor who is named on the restricted case."),
    "NC-3": _l("Choose a reason that has nothing to do with cooperating with police or "
               "prosecution. The attempt is shown to supervisors."),
}
DEFAULT_NEXT = _l("Check the case file for the step that comes first, then try again.")


def _raw(schema):
    """The posted form as the schema expects it: booleans from checkboxes, lists from
    repeated fields (checkbox groups), empty text left out (the schema's default applies)."""
    data = {}
    for name, field in schema.fields.items():
        if field.dump_only:
            continue
        if isinstance(field, fields.Boolean):
            data[name] = request.form.get(name) in ("1", "on", "y", "yes", "true")
        elif isinstance(field, fields.List):
            values = [v for v in request.form.getlist(name) if v.strip()]
            if values:
                data[name] = values
        elif isinstance(field, fields.Integer):
            value = request.form.get(name, "").strip()
            if value:
                data[name] = value
        else:
            value = request.form.get(name, "").strip()
            if value:
                data[name] = value
    return data


def load_form(schema, labels: dict | None = None):
    """The posted form loaded through ``schema``, or None after flashing what to correct."""
    try:
        return schema.load(_raw(schema))
    except ValidationError as exc:
        labels = labels or {}
        for name, messages in exc.messages.items():
            label = labels.get(name) or name.replace("_", " ")
            message = messages[0] if isinstance(messages, list) else str(messages)
            flash(_("Please check “%(field)s”: %(message)s", field=label,
                    message=_(str(message))), "error")
        return None


def refusal_sentence(exc: DomainError) -> str:
    """The refusal in the reader's language, what to do next, and the rule id last."""
    family = exc.key.split("-", 1)[0] if "-" in exc.key else exc.key
    next_step = NEXT_STEP.get(exc.key) or NEXT_STEP.get(family, DEFAULT_NEXT)
    return _("This was not done: %(message)s. %(next)s (rule %(rule)s)",
             message=exc.localized(), next=next_step, rule=exc.key)


def act(call, done: str, back: str):
    """Run ``call()`` under a savepoint; flash ``done`` or the refusal; redirect to ``back``.
    A 404 (not found, or not yours) is not a refusal: it propagates."""
    try:
        with attempt():
            call()
    except DomainError as exc:
        if exc.status == 404:
            raise
        flash(refusal_sentence(exc), "error")
    else:
        flash(done, "ok")
    return redirect(back)


def case_back(case_id, endpoint="cases.case_file"):
    return url_for(endpoint, case_id=case_id)


def country_choices():
    """(code, name) for every country, named in the reader's language (Babel's CLDR data),
    sorted by that name; "unknown" first. Codes are ISO 3166 alpha-2, as stored."""
    from babel import Locale
    from flask_babel import get_locale
    locale = get_locale() or Locale("en")
    names = [(code, name) for code, name in locale.territories.items()
             if len(code) == 2 and code.isalpha() and code not in ("ZZ", "EU", "EZ", "UN",
                                                                 "QO", "XA", "XB")]
    return [("unknown", _("Unknown"))] + sorted(names, key=lambda item: item[1].casefold())


def language_choices():
    """(code, name) for languages with a two-letter code, named in the reader's language."""
    from babel import Locale
    from flask_babel import get_locale
    locale = get_locale() or Locale("en")
    names = [(code, name) for code, name in locale.languages.items()
             if len(code) == 2 and code.isalpha()]
    return sorted(names, key=lambda item: item[1].casefold())


def user_time_zone():
    """The reader's time zone: their own setting when accounts have one, else the site's
    (``DEFAULT_TIME_ZONE``, UTC unless configured)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
    from flask import current_app
    from flask_login import current_user
    name = getattr(current_user, "time_zone", None) or \
        current_app.config.get("DEFAULT_TIME_ZONE") or "UTC"
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def localtime(value, with_zone=True):
    """A stored (UTC) date-time in the reader's zone, the zone stated: "2026-12-02 17:03
    (Europe/Paris)". Naive values are UTC, as the database keeps them."""
    if value is None:
        return ""
    from datetime import timezone
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    zone = user_time_zone()
    text = value.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    return f"{text} ({zone.key})" if with_zone else text


def localdate(value):
    """The calendar date of a stored date-time in the reader's zone (a date as is)."""
    if value is None:
        return ""
    from datetime import datetime, timezone
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        value = value.astimezone(user_time_zone()).date()
    return value.strftime("%Y-%m-%d")


def register(app):
    app.jinja_env.filters["localtime"] = localtime
    app.jinja_env.filters["localdate"] = localdate
    app.jinja_env.globals["countries"] = country_choices
    app.jinja_env.globals["language_names"] = language_choices
    app.jinja_env.globals["time_zone_name"] = lambda: user_time_zone().key
    app.jinja_env.filters["plain"] = plain
    app.jinja_env.filters["reason"] = reason_text
    app.jinja_env.tests["for_the_person"] = for_the_person
    app.jinja_env.filters["rule_links"] = rule_links


def rule_links(message):
    """A message as safe HTML with each rule id it names (``NC-3``, ``WF-STATE``) linked to
    that rule in plain words on ``/help/rules``; everything else escaped as usual."""
    import re

    from markupsafe import Markup, escape

    from workflows.rules import RULES
    text = str(escape(message))

    def link(match):
        rule_id = match.group(0)
        if rule_id not in RULES:
            return rule_id
        return (f'<a href="{url_for("help.rules")}#{rule_id}" class="rule-link">'
                f'{rule_id}</a>')
    # Rule ids are capital letters, a dash and digits or capitals: nothing escaping makes.
    return Markup(re.sub(r"\b[A-Z]{2,3}-(?:\d+|[A-Z]+)\b", link, text))  # nosec B704


# -- the person's own copy of their file in plain language (DP-6, issue 14) ---------------

# Record plumbing a person has no use for: internal ids, rule and row versions, the keys and
# counters of the reminder machinery. The API export keeps them; the page leaves them out.
NOT_FOR_THE_PERSON = {"id", "version", "rule_version", "source_key", "remind_days",
                      "reminders_sent", "next_at", "overdue_notified_at", "escalated_at",
                      "parked_at", "attempts", "last_error", "occurrence", "risk",
                      "schedule_key", "jurisdiction"}


def for_the_person(key: str) -> bool:
    return key not in NOT_FOR_THE_PERSON and not key.endswith("_id") and \
        not key.endswith("_index") and not key.endswith("_enc")


def plain(value, key: str = ""):
    """A stored value as a person reads it: names for codes, countries and languages in the
    reader's language, dates in their time zone, lists as lists of words, yes or no."""
    import re
    from datetime import date, datetime
    from .labels import code_label, field_label
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, (list, tuple)):
        return ", ".join(str(plain(v, key)) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{field_label(k)}: {plain(v, k)}" for k, v in value.items()
                         if for_the_person(k))
    if isinstance(value, datetime):
        return localtime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        if value == "[redacted: third party]":  # privacy.service.REDACTED
            return _("[redacted: third party]")
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}.*", value):
            try:
                return localtime(datetime.fromisoformat(value))
            except ValueError:
                return value
        if key in ("nationality", "destination_country") and re.fullmatch(r"[A-Z]{2}", value):
            return dict(country_choices()).get(value, value)
        if key in ("languages", "language") and re.fullmatch(r"[a-z]{2}", value):
            return dict(language_choices()).get(value, value)
        if re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)+|[a-z]+", value) and len(value) < 40:
            return code_label(value)
    return value


# Reasons the system itself writes on the timeline (English in the database, as the API
# serves them); shown in the reader's language. Reasons people type are shown as typed.
from .labels import N_  # noqa: E402

SYSTEM_REASONS = frozenset({
    N_("reflection period starts on referral"),
    N_("positive first decision starts the reflection period"),
    N_("admitted with consent"), N_("the person left"), N_("the person asked to return"),
    N_("assessment complete"),
    N_("restored: lifted during a break-the-glass opening judged not justified"),
})


def reason_text(value):
    if value in SYSTEM_REASONS:
        return _(value)
    return value
