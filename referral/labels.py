"""How code-list values read in the web UI, in the reader's language.

Codes (``debt_bondage``, ``data_share`` ...) stay codes in the database and the API; only the
web pages show these names. A code with no name here reads as itself with spaces.
"""
from flask_babel import lazy_gettext as _l

from workflows.plans import FOLLOW_UPS as PLAN_FOLLOW_UPS


def N_(message: str) -> str:
    """Marks ``message`` for extraction (babel.cfg) and leaves it as it is: for English
    strings the API also serves, translated only where a web page shows them."""
    return message


CODE_LABELS = {
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
}


# States of the workflow tracks (workflows/), as a stage reads inline: "Stage: %(stage)s".
STATE_LABELS = {
    # NRM stage
    "presumed_victim": _l("presumed victim"),
    "reflection_period": _l("reflection period"),
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
) + tuple(PLAN_FOLLOW_UPS.values())  # marked in workflows/plans.py
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
