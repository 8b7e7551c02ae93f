"""How code-list values read in the web UI, in the reader's language.

Codes (``debt_bondage``, ``data_share`` ...) stay codes in the database and the API; only the
web pages show these names. A code with no name here reads as itself with spaces.
"""
from flask_babel import lazy_gettext as _l


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


def code_label(code: str) -> str:
    """The name of ``code`` in the reader's language (a lazy string), or the code itself."""
    return CODE_LABELS.get(code) or code.replace("_", " ")
