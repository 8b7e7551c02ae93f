"""How code-list values read in the web UI, in the reader's language.

Codes (``debt_bondage``, ``data_share`` ...) stay codes in the database and the API; only the
web pages show these names. A code with no name here reads as itself with spaces.
"""
import re

from flask_babel import lazy_gettext as _l

from workflows.nrm import FOLLOW_UPS as NRM_FOLLOW_UPS
from workflows.plans import FOLLOW_UPS as PLAN_FOLLOW_UPS


def N_(message: str) -> str:
    """Marks ``message`` for extraction (babel.cfg) and leaves it as it is: for English
    strings the API also serves, translated only where a web page shows them."""
    return message


CODE_LABELS = {
    # Who is told of a missing episode (missing.models.TOLD); refer-on remedies (NRM-5)
    "police": _l("Police"),
    "guardian": _l("Guardian"),
    "local_authority": _l("Local authority"),
    "shelter": _l("Shelter"),
    "legal_aid": _l("Legal aid"),
    "consulate": _l("Consulate"),
    "labour_rights": _l("Labour rights"),
    "asylum": _l("Asylum"),
    "local_authority_care": _l("Local authority care"),
    "other_remedy": _l("Another remedy"),
    "none_wanted": _l("None wanted"),
    # Indicators (cases.forms.INDICATORS)
    "documents_withheld": _l("Documents withheld"),
    "debt_bondage": _l("Debt bondage"),
    "restricted_movement": _l("Restricted movement"),
    "threats": _l("Threats"),
    "excessive_hours": _l("Excessive working hours"),
    "no_pay": _l("No pay"),
    "isolation": _l("Isolation"),
    "deceptive_recruitment": _l("Deceptive recruitment"),
    "violence": _l("Violence"),
    # Forms of exploitation (cases.taxonomies.EXPLOITATION_FORMS)
    "sexual_exploitation": _l("Sexual exploitation"),
    "forced_labour": _l("Forced labour"),
    "domestic_servitude": _l("Domestic servitude"),
    "slavery": _l("Slavery"),
    "servitude": _l("Servitude"),
    "forced_criminality": _l("Forced criminality"),
    "forced_begging": _l("Forced begging"),
    "forced_marriage": _l("Forced marriage"),
    "organ_removal": _l("Removal of organs"),
    "child_soldiering": _l("Use of children in armed conflict"),
    "other": _l("Other"),
    # Sectors (cases.taxonomies.SECTORS)
    "domestic_work": _l("Domestic work"),
    "care_and_nursing": _l("Care and nursing"),
    "construction": _l("Construction"),
    "agriculture": _l("Agriculture"),
    "fishing": _l("Fishing"),
    "mining": _l("Mining"),
    "manufacturing": _l("Manufacturing"),
    "hospitality": _l("Hospitality"),
    "entertainment": _l("Entertainment"),
    "sex_industry": _l("Sex industry"),
    "begging": _l("Begging"),
    "criminal_activity": _l("Criminal activity"),
    # Sex, as the person states it (cases.taxonomies.SEX_VALUES), and yes/no/unknown
    "female": _l("Female"),
    "male": _l("Male"),
    "intersex": _l("Intersex"),
    "unknown": _l("Unknown"),
    "declined": _l("Declined to say"),
    "yes": _l("Yes"),
    "no": _l("No"),
    # Kinds of contact in the contact log (notes.models.CONTACT_KINDS)
    "visit": _l("Visit"),
    "home_visit": _l("Home visit"),
    "call": _l("Phone call"),
    "message": _l("Message"),
    "interview": _l("Interview"),
    "meeting": _l("Meeting"),
    "accompaniment": _l("Accompaniment"),
    "note": _l("Note (no contact)"),
    # Purposes of consent (consent.models.PURPOSES)
    "service": _l("Services"),
    "data_share": _l("Sharing data"),
    "referral": _l("Referral"),
    "interview_recording": _l("Recording of interviews"),
    "photograph": _l("Photographs"),
    "medical_examination": _l("Medical examination"),
    "consular_contact": _l("Contact with the consulate"),
    "cross_border_transfer": _l("Transfer of data across borders"),
    "proceedings_participation": _l("Taking part in proceedings"),
    # Data categories (consent.models.DATA_CATEGORIES)
    "identity": _l("Identity"),
    "contact": _l("Contact details"),
    "case_summary": _l("Case summary"),
    "needs": _l("Needs"),
    "health": _l("Health"),
    "legal": _l("Legal"),
    "documents": _l("Documents"),
    # Break-the-glass review outcomes (privacy.models.REVIEW_OUTCOMES)
    "justified": _l("Justified"),
    "not_justified": _l("Not justified"),
    # Recipient categories (consent.models.RECIPIENT_CATEGORIES, DP-1)
    "authority": _l("Public authority"),
    "court": _l("Court"),
    "prosecutor": _l("Prosecutor"),
    "ngo": _l("NGO"),
    "service_provider": _l("Service provider"),
    "embassy": _l("Embassy or consulate"),
    "family": _l("Family"),
    "employer": _l("Employer"),
    "international_organisation": _l("International organisation"),
    "media": _l("Media (never a recipient)"),
}


# States of the workflow tracks (workflows/), as a stage reads inline: "Stage: %(stage)s".
STATE_LABELS = {
    # NRM stage
    "presumed_victim": _l("presumed victim"),
    "reflection_period": _l("reflection period"),
    "referred_on": _l("referred on to another remedy"),
    # Identification status (Case.identification), as the decision queue shows it
    "negative_pending_review": _l("negative, reconsideration still possible"),
    "assistance": _l("assistance"),
    "return_reintegration": _l("return and reintegration"),
    "local_integration": _l("local integration"),
    "third_country": _l("third country"),
    "child_protection": _l("child protection"),
    "closed": _l("closed"),
    # Assistance
    "not_started": _l("not started"),
    "offered": _l("offered"),
    "declined": _l("declined"),
    "in_progress": _l("in progress"),
    "suspended": _l("suspended"),
    "ended": _l("ended"),
    # Shelter stay
    "not_in_shelter": _l("not in shelter"),
    "staying": _l("staying"),
    "left": _l("left"),
    # Legal
    "not_involved": _l("not involved"),
    "involved": _l("involved"),
    "concluded": _l("concluded"),
    # Return
    "none": _l("none"),
    "requested": _l("requested"),
    "assessed": _l("assessed"),
    "approved": _l("approved"),
    "refused": _l("refused"),
    "travelled": _l("travelled"),
    "follow_up": _l("follow-up"),
    "withdrawn": _l("withdrawn"),
}


def labelled(labels: dict):
    """A function showing a code with ``labels``, or the code with spaces if it has none."""
    return lambda code: labels.get(code) or (code or "").replace("_", " ")


def state_label(state: str) -> str:
    """A workflow state in the reader's language, or the state with spaces."""
    return STATE_LABELS.get(state) or state.replace("_", " ")


def code_label(code: str) -> str:
    """The name of ``code`` in the reader's language (a lazy string), or the code itself."""
    return CODE_LABELS.get(code) or code.replace("_", " ")


def code_choices(values):
    """Form choices for codes: the code is sent, its name in the reader's language shown."""
    from wtforms import SelectChoice
    return [SelectChoice(v, code_label(v)) for v in values]


# Follow-up names as referral.reminders.service.LABELS words them (English, stored in
# notifications and served by the API), marked here so the pages can show them translated:
# templates write ``_(item.label)``. tests/web/test_i18n.py checks the two lists agree.
FOLLOW_UP_NAMES = (
    N_("end of the reflection period"),
    N_("first identification decision due"),
    N_("final identification decision due"),
    N_("review window of a negative decision closes"),
    N_("review decision due"),
    N_("guardian to be appointed"),
    N_("review of a restriction of movement"),
    N_("restriction of movement expires"),
    N_("a consent expires"),
    N_("hearing"),
    N_("limitation period ends"),
    N_("residence permit renewal"),
    N_("reintegration check-in"),
    N_("a reintegration check-in was missed"),
    N_("review of protective measures"),
    N_("URGENT safety task"),
) + tuple(PLAN_FOLLOW_UPS.values()) + tuple(NRM_FOLLOW_UPS.values())  # marked in workflows
# Work across agencies (referral.agencies): conferences, their actions, handover answers.
AGENCY_FOLLOW_UPS = {
    "case_conference": N_("case conference"),
    "conference_action": N_("action agreed at a case conference"),
    "handover_response": N_("answer due from the partner abroad"),
}
FOLLOW_UP_NAMES += tuple(AGENCY_FOLLOW_UPS.values())

# Referral statuses (services.models.Referral.status) and missed check-in reasons
# (returns.models.MISSED_REASONS), as the pages show them.
REFERRAL_STATUS_LABELS = {
    "requested": _l("Requested"),
    "accepted": _l("Accepted"),
    "rejected": _l("Rejected"),
    "completed": _l("Completed"),
    "revoked": _l("Revoked"),
}
MISSED_REASON_LABELS = {
    "unreachable": _l("could not be reached"),
    "declined": _l("the person declined"),
    "moved": _l("moved away"),
    "unsafe_to_contact": _l("unsafe to contact"),
    "other": _l("other reason"),
}

# Legal matters (legal.models): kinds of proceedings, the person's role, statuses, protective
# measures, compensation and residence permits; and decisions (cases.decisions).
LEGAL_LABELS = {
    "criminal": _l("criminal"), "civil": _l("civil"), "compensation": _l("compensation"),
    "administrative": _l("administrative"), "immigration": _l("immigration"),
    "victim": _l("victim"), "witness": _l("witness"), "complainant": _l("complainant"),
    "party": _l("party"), "suspect": _l("suspect"),
    "open": _l("open"), "pending": _l("pending"), "appeal": _l("on appeal"),
    "concluded": _l("concluded"), "discontinued": _l("discontinued"), "closed": _l("closed"),
    "screen": _l("screen"), "video_link": _l("video link"),
    "statement_instead_of_testimony": _l("statement instead of testimony"),
    "anonymity": _l("anonymity"), "witness_protection": _l("witness protection"),
    "criminal_restitution": _l("restitution in criminal proceedings"),
    "civil_claim": _l("civil claim"), "state_scheme": _l("state compensation scheme"),
    "lost_wages": _l("lost wages"),
    "reflection": _l("reflection period permit"),
    "temporary_residence": _l("temporary residence permit"),
    "asylum_claim": _l("asylum claim"), "t_visa_like": _l("victim's residence permit"),
    "continued_presence_like": _l("permission to stay during proceedings"),
    "applied": _l("applied for"), "granted": _l("granted"), "refused": _l("refused"),
    "expired": _l("expired"), "other": _l("other"),
    # claims' lifecycles (workflows.claims)
    "withdrawn": _l("withdrawn"), "renewed": _l("renewed"), "filed": _l("filed"),
    "awarded": _l("awarded"), "paid": _l("paid"),
}
DECISION_LABELS = {
    "identification": _l("identification"),
    "reasonable_grounds": _l("reasonable grounds"),
    "conclusive_grounds": _l("conclusive grounds"),
    "age_assessment": _l("age assessment"),
    "best_interests_assessment": _l("best interests assessment"),
    "risk_assessment": _l("risk assessment"),
    "review": _l("review"),
    "positive": _l("positive"), "negative": _l("negative"),
    "child": _l("child"), "adult": _l("adult"), "disputed": _l("disputed"),
    "completed": _l("completed"), "low": _l("low"), "medium": _l("medium"),
    "high": _l("high"), "upheld": _l("upheld"), "overturned": _l("overturned"),
    # NRM-4: the move-on period's steps
    "recovery_needs_assessment": _l("recovery needs assessment"),
    "transition_plan": _l("transition plan"),
    "longer_support": _l("longer support needed"), "move_on_only": _l("move-on support only"),
    "agreed": _l("agreed"),
    # CH-6: the move to adult support at 18
    "adult_transition": _l("move to adult support"),
    "moved_to_adult_support": _l("moved to adult support"),
    # NRM-2: what a reconsideration request rests on
    "new_evidence": _l("new evidence"),
    "not_in_line_with_guidance": _l("not in line with the guidance"),
}

# Offences a person may be charged with (legal.models.OFFENCE_CATEGORIES), as a letter
# names them: the non-punishment letter renders under the letter's own locale.
OFFENCE_LABELS = {
    "false_documents": _l("use of false documents"),
    "illegal_entry": _l("illegal entry"),
    "illegal_stay": _l("illegal stay"),
    "illegal_work": _l("illegal work"),
    "forced_criminality": _l("offences the person was forced to commit"),
    "other": _l("other offence"),
}


# The person's own copy of their file (DP-6): record headings and field names. A field not
# listed here shows as its name with spaces.
RECORD_LABELS = {
    "case_transition": _l("Steps in your case"),
    "decision": _l("Decisions"),
    "consent": _l("Your consents"),
    "consent_override": _l("Data shared without your consent, and why"),
    "referral": _l("Referrals to services"),
    "service_offer": _l("Services offered"),
    "stay": _l("Shelter stays"),
    "restriction": _l("Restrictions of movement"),
    "outing": _l("Outings"),
    "held_item": _l("Belongings held for you"),
    "proceeding": _l("Legal proceedings"),
    "hearing": _l("Hearings"),
    "information_given": _l("Information given to you about proceedings"),
    "protective_measure": _l("Protective measures"),
    "cooperation_record": _l("Your statements to the authorities"),
    "compensation_claim": _l("Compensation claims"),
    "residence_permit": _l("Residence permits"),
    "return_request": _l("Your request to return"),
    "return_assessment": _l("Return risk assessment"),
    "reintegration_plan": _l("Reintegration plan"),
    "check_in": _l("Check-ins"),
    "deadline": _l("Follow-ups planned"),
    "case_note": _l("Notes of our contacts with you"),
    "document": _l("Your documents"),
    "person_correction": _l("Corrections of your details"),
}
FIELD_LABELS = {
    "given_name": _l("Given name"), "family_name": _l("Family name"),
    "known_as": _l("Known as"), "date_of_birth": _l("Date of birth"),
    "safe_contact": _l("Safe contact"), "sex": _l("Sex"), "nationality": _l("Nationality"),
    "languages": _l("Languages"), "reference": _l("Reference"),
    "jurisdiction": _l("Jurisdiction"), "nrm_state": _l("National referral mechanism stage"),
    "assistance_state": _l("Assistance"), "shelter_state": _l("Shelter stay"),
    "legal_state": _l("Legal proceedings"), "return_state": _l("Return"),
    "referred_by": _l("Referred by"), "referred_at": _l("Referred on"),
    "indicators": _l("Indicators observed"), "exploitation_forms": _l("Forms of exploitation"),
    "sectors": _l("Sectors"), "narrative": _l("What happened (in the person's words)"),
    "reflection_ends_at": _l("Reflection period ends"), "closed_at": _l("Closed on"),
    "identification": _l("Identification"), "guardian_name": _l("Guardian"),
    "purpose": _l("Purpose"), "recipient_name": _l("Recipient"), "given_at": _l("Given on"),
    "withdrawn_at": _l("Withdrawn on"), "expires_at": _l("Ends on"),
    "language": _l("Language"), "information_given": _l("What the person was told"),
    "status": _l("Status"), "kind": _l("Kind"), "outcome": _l("Outcome"),
    "reasons": _l("Reasons"), "decided_at": _l("Decided on"), "at": _l("When"),
    "track": _l("Track"), "event": _l("Step"), "from_state": _l("From"),
    "to_state": _l("To"), "reason": _l("Reason"), "person_view": _l("Your view"),
    "service": _l("Service"), "requested_at": _l("Requested on"),
    "admitted_at": _l("Admitted on"), "left_at": _l("Left on"), "due_at": _l("Due on"),
    "created_at": _l("Recorded on"), "opened_at": _l("Opened on"),
    "court_or_authority": _l("Court or authority"), "legal_basis": _l("Legal basis"),
    "description": _l("Description"), "summary": _l("Summary"),
    "aliases": _l("Other names used"), "contact": _l("Contact details"),
    "gender": _l("Gender"), "age_estimate": _l("Age estimate"),
    "interpreter_needed": _l("Interpreter needed"), "field": _l("Detail"),
    "before": _l("Before"), "after": _l("After"), "corrected_at": _l("Corrected on"),
}


def record_label(name: str) -> str:
    return RECORD_LABELS.get(name) or name.replace("_", " ").capitalize()


def field_label(name: str) -> str:
    return FIELD_LABELS.get(name) or name.replace("_", " ")


# ---- English the system writes into records, shown in the reader's language ---------------
# Reasons the services give transitions themselves (a member of staff's own reason is free
# text and stays as written). The record keeps the English; pages translate on the way out
# with the ``said`` filter, which leaves any text it does not know as it is.
SYSTEM_REASONS = (
    N_("reflection period starts on referral"),
    N_("positive first decision starts the reflection period"),
    N_("admitted with consent"),
    N_("the person left"),
    N_("the person asked to return"),
    N_("assessment complete"),
    N_("restored: lifted during a break-the-glass opening judged not justified"),
    # referral.legal.service.open_proceeding: f"{kind} proceedings opened"
    N_("criminal proceedings opened"), N_("civil proceedings opened"),
    N_("compensation proceedings opened"), N_("administrative proceedings opened"),
    N_("immigration proceedings opened"),
)
# Why the audit trail says a record was read or written (``purpose`` of audit.record), as the
# person's copy of their file shows them under "Why".
AUDIT_PURPOSES = (
    N_("DP-5 retention and erasure"), N_("DP-6 the person's copy of their file"),
    N_("DP-7 break-the-glass review"), N_("DP-7 break-the-glass"),
    N_("DP-7 data protection oversight"), N_("DP-7 restriction to named staff"),
    N_("account administration"), N_("account security"), N_("administration"),
    N_("assistance"), N_("audit"), N_("carrying out an action of the assistance plan"),
    N_("case management"), N_("child protection"), N_("compensation"),
    N_("consent management"), N_("consent override"), N_("directory"),
    N_("identification and protection"), N_("legal aid"), N_("legal proceedings"),
    N_("non-punishment"), N_("privileged legal advice"), N_("referral to a provider"),
    N_("refused state change"), N_("register referral"), N_("reintegration"),
    N_("residence status"), N_("return"), N_("safety"), N_("shelter safety"), N_("shelter"),
    N_("statistics"), N_("subject access"), N_("supervision"),
    N_("the person's feedback (CNS-13)"), N_("the system"),
)
ROLE_LABELS = {
    "caseworker": _l("Caseworker"), "shelter_staff": _l("shelter staff"),
    "legal_aid": _l("legal aid"), "supervisor": _l("supervisor"),
    "admin": _l("administrator"), "auditor": _l("auditor"),
    "dpo": _l("data protection officer"),
}


def said(text):
    """Stored English the system wrote (a reason, a purpose) in the reader's language when
    the catalogs have it; anything else (a person's own words) exactly as written."""
    from flask_babel import gettext
    if not text or not isinstance(text, str):
        return text
    return gettext(text)


def role_label(role) -> str:
    role = getattr(role, "value", role) or ""
    return ROLE_LABELS.get(role) or role.replace("_", " ")


def audit_action_label(action: str) -> str:
    """What an audit entry did, in plain words for the person (the code follows)."""
    from flask_babel import gettext
    from .privacy.service import _NOT_CHANGES
    if any(action.endswith(suffix) or action == suffix for suffix in _NOT_CHANGES):
        return gettext("read")
    return gettext("recorded or changed")


# Fields of the person's copy that are the reminders' and records' own machinery, not
# anything about the person: left off the printed copy (the JSON copy keeps them).
COPY_MACHINERY = {"rule_version", "updated_at", "source_key", "remind_days", "reminders_sent",
                  "next_at", "risk", "overdue_notified_at", "escalated_at", "occurrence",
                  "failures", "last_error", "parked_at", "is_restricted", "version"}
FIELD_LABELS.update({
    "person_role": _l("Your role in the proceedings"),
    "offence_category": _l("Offence"),
    "non_punishment_review": _l("Non-punishment review"),
    "non_punishment_outcome": _l("Outcome of the non-punishment review"),
    "reason_code": _l("Reason (code)"), "facts": _l("Facts"),
    "sector_formality": _l("Formal or informal work"), "recruitment": _l("Recruitment"),
    "vulnerability_factors": _l("Vulnerability factors"),
    "internal_trafficking": _l("Trafficked within the country"),
    "age_group": _l("Age group"), "age_status": _l("Age"),
    "guardian_organisation": _l("Guardian's organisation"),
    "guardian_appointed_at": _l("Guardian appointed on"),
    "reflection_started_at": _l("Reflection period started on"),
    "reflection_minimum_ends_at": _l("Shortest reflection period ends on"),
    "first_decision_outcome": _l("First decision"),
    "late_reason": _l("Why late"), "met_at": _l("Done on"), "details": _l("Detail"),
    "person_present": _l("You were there"), "interpreter_used": _l("An interpreter was used"),
    "interpreter_language": _l("Interpreter's language"), "organisation": _l("Organisation"),
    "occurred_at": _l("When"), "note": _l("Note"), "corrections": _l("Corrections"),
})
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")


def _place_or_language_name(code: str, key: str) -> str | None:
    """A country (ISO 3166) or a language (ISO 639) code named in the reader's language."""
    from flask_babel import get_locale
    locale = get_locale()
    if locale is None:
        return None
    names = locale.territories if key == "nationality" else locale.languages
    return names.get(code.upper() if key == "nationality" else code.lower())


def copy_value(value, key: str = ""):
    """A value of the person's copy as the person reads it: codes named in their language,
    times to the minute, lists one after the other, nothing shown as "—"."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return CODE_LABELS["yes"] if value else CODE_LABELS["no"]
    if isinstance(value, (list, tuple)):
        from babel.lists import format_list
        from flask_babel import get_locale
        return format_list([str(copy_value(item, key)) for item in value],
                           locale=get_locale() or "en")
    if isinstance(value, dict):
        return "; ".join(f"{field_label(k)}: {copy_value(v, k)}" for k, v in value.items())
    if not isinstance(value, str):
        return value
    if key == "nationality" or key in ("languages", "language", "first_language"):
        named = _place_or_language_name(value, key)
        if named:
            return named
    if _ISO_DATETIME.match(value):
        return value[:16].replace("T", " ")
    if value == REDACTED:
        return gettext_now(REDACTED)
    if _CODE.match(value):
        if key == "event":
            return _step_label(value)
        if key == "track":
            from .i18n import track_label
            return track_label(value)
        if key == "jurisdiction":
            return _jurisdiction_name(value)
        if key == "kind":
            from .reminders.service import LABELS
            if value in LABELS:
                return gettext_now(LABELS[value])
        if key.endswith("_state") or key in ("from_state", "to_state"):
            return state_label(value)
        for table in (CODE_LABELS, STATE_LABELS, LEGAL_LABELS, DECISION_LABELS,
                      OFFENCE_LABELS, REFERRAL_STATUS_LABELS, ROLE_LABELS):
            if value in table:
                return table[value]
        return value.replace("_", " ")
    return said(value)


def _step_label(event: str) -> str:
    """A workflow step by its label (workflows/ words them, the catalogs translate them)."""
    import workflows
    from flask_babel import gettext
    for track in workflows.tracks().values():
        for transition in track.transitions:
            if transition.event == event and transition.label:
                return gettext(transition.label)
    return event.replace("_", " ")


# Outcomes of a non-punishment review (legal.models.NON_PUNISHMENT_OUTCOMES).
LEGAL_LABELS.update({"mitigated": _l("penalty mitigated"), "record_erased": _l("record erased"),
                     "convicted": _l("convicted")})


# The person's copy says who else is named in their file is left out (privacy.service).
REDACTED = N_("[redacted: third party]")


def gettext_now(text: str) -> str:
    from flask_babel import gettext
    return gettext(text)


def _jurisdiction_name(code: str) -> str:
    from workflows import jurisdictions
    try:
        return gettext_now(jurisdictions.get(code).name)
    except KeyError:  # an unknown code reads as itself
        return code


def device_label(device: str | None) -> str:
    """A session's or token's client as stored by ``accounts.service.describe_device``
    ("Firefox/Windows"), in the reader's language: "Firefox on Windows"."""
    from flask_babel import gettext
    browser, _slash, system = (device or "").partition("/")
    if browser and system:
        return gettext("%(browser)s on %(system)s", browser=browser, system=system)
    return browser or system or gettext("Unknown device")
