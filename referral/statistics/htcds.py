"""Case-level export in the shape of the Human Trafficking Case Data Standard (HTCDS), for a
named recipient, of the cases whose person consented to share a case summary with it.

- Role: supervisors only, and only their agency's cases they may see (``case_scope``);
  restricted cases (DP-7) are never exported.
- Consent (CO-1): a ``data_share`` consent in force, to this recipient, covering the
  ``case_summary`` category. An override (CO-4) does not count: it exists for danger to
  life, not for data exchange.
- Pseudonymised (DP-1): no name, contact, date of birth, reference, narrative or free text;
  the case id is replaced by a keyed hash of (recipient, case id), so two recipients cannot
  join their exports and a recipient gets the same pseudonym for the same case each time;
  dates are reduced to the month.
- Audited: one entry for the export and one per case exported (the person's subject access
  report shows the sharing).

The mapping is ``FIELDS`` below; docs/statistics.md lists it with the gaps.
"""
from sqlalchemy import func, select

from ..audit.service import record
from ..cases.access import case_scope
from ..cases.models import Case
from ..consent.models import Consent
from ..crypto import blind_index
from ..database import utcnow
from ..errors import Forbidden, Invalid
from ..extensions import db
from ..labels import N_

VERSION = "2.0"

_FORMS = {"sexual_exploitation": "isSexualExploit", "forced_labour": "isForcedLabour",
          "forced_marriage": "isForcedMarriage", "domestic_servitude": "isForcedLabour",
          "forced_criminality": "isOtherExploit", "forced_begging": "isOtherExploit",
          "servitude": "isSlaveryAndPractices", "organ_removal": "isOrganRemoval"}
_SECTORS = {"agriculture": "typeOfLabourAgriculture", "construction": "typeOfLabourConstruction",
            "domestic_work": "typeOfLabourDomesticWork", "fishing": "typeOfLabourFishing",
            "hospitality": "typeOfLabourHospitality", "manufacturing":
            "typeOfLabourManufacturing", "mining": "typeOfLabourMiningOrDrilling",
            "begging": "typeOfLabourBegging", "sex_industry": "typeOfSexProstitution"}
_INDICATORS = {"debt_bondage": "meansOfControlDebtBondage",
               "documents_withheld": "meansOfControlWithholdsDocuments",
               "restricted_movement": "meansOfControlRestrictsMovement",
               "threats": "meansOfControlThreats",
               "violence": "meansOfControlPhysicalAbuse",
               # HTCDS counts isolation under restricted movement (physical or social).
               "isolation": "meansOfControlRestrictsMovement",
               "excessive_hours": "meansOfControlExcessiveWorkingHours",
               "deceptive_recruitment": "meansOfControlFalsePromises"}
_GENDER = {"female": "Female", "male": "Male", "intersex": "Other", "other": "Other",
           "unknown": None, "declined": None}


def _majority(case):
    if case.age_group in ("0-11", "12-17"):
        return "Minor"
    if case.age_group not in (None, "unknown"):
        return "Adult"
    return "Minor" if case.is_child else "Unknown"  # CH-1: presumed a child


def _flags(values, mapping):
    out = {name: False for name in sorted(set(mapping.values()))}
    for v in values or ():
        if v in mapping:
            out[mapping[v]] = True
    return out


# (HTCDS field, where it comes from, how): core fields first.
FIELDS = (
    ("caseId", N_("keyed hash of recipient and case id"),
     lambda c, r: blind_index("htcds", r, c.id)),
    ("yearOfRegistration", N_("referral date, year"), lambda c, r: c.referred_at.year),
    ("monthOfRegistration", N_("referral date, month"), lambda c, r: c.referred_at.month),
    ("Datasource", N_("constant: case management"), lambda c, r: "Case Management"),
    ("gender", N_("person's sex"), lambda c, r: _GENDER.get(c.person.sex)),
    ("ageBroad", N_("age band at referral"),
     lambda c, r: None if c.age_group == "unknown" else c.age_group),
    ("majorityStatus", N_("age band, else the child presumption (CH-1)"),
     lambda c, r: _majority(c)),
    ("citizenship", N_("nationality, ISO 3166-1 alpha-2"),
     lambda c, r: None if c.person.nationality == "unknown" else c.person.nationality),
    ("exploitation", N_("forms of exploitation"), lambda c, r: _flags(c.exploitation_forms,
                                                                       _FORMS)),
    ("typeOfLabour", N_("sectors"), lambda c, r: _flags(c.sectors, _SECTORS)),
    ("meansOfControl", N_("indicators"), lambda c, r: _flags(c.indicators, _INDICATORS)),
    ("traffickingType", N_("internal or cross-border"),
     lambda c, r: {True: "Internal", False: "Transnational"}.get(c.internal_trafficking)),
    ("identificationStatus", N_("identification decision (ID-1)"),
     lambda c, r: {"positive": "Identified", "negative_final": "Not identified"}.get(
         c.identification, "Presumed")),
    ("referralSource", N_("coded referral source"), lambda c, r: c.referral_source),
    ("isReTrafficked", N_("a re-referral of a known person (RR-5)"),
     lambda c, r: c.previous_case_id is not None),
)

# What HTCDS asks for and this system does not hold (or holds only sealed as free text).
GAPS = (
    ("CountryOfExploitation", N_("not recorded; only internal or cross-border")),
    ("RecruiterRelationship", N_("recruitment is sealed free text, not coded")),
    ("isAbduction", N_("not recorded")),
    ("yearOfBirth", N_("withheld: the date of birth is sealed and identifying")),
    ("trafficker profile", N_("not recorded in the case file")),
    ("service referrals", N_("held in the services area, not exported yet")),
)


def export(actor, recipient: str) -> dict:
    if not actor.has_role("supervisor"):
        raise Forbidden("permission", N_("the HTCDS export is for supervisors"))
    recipient = (recipient or "").strip()
    if not recipient:
        raise Invalid("recipient", N_("name the organisation the data is for"))
    now = utcnow()
    consents = {}
    for consent in db.session.scalars(select(Consent).where(
            Consent.purpose == "data_share", Consent.withdrawn_at.is_(None),
            func.lower(Consent.recipient_name) == recipient.lower())):
        if consent.is_valid_at(now) and "case_summary" in (consent.data_categories or ()):
            consents[consent.case_id] = consent
    cases = db.session.scalars(select(Case).where(
        case_scope(actor), Case.is_restricted.is_(False), Case.id.in_(list(consents)))
        .order_by(Case.referred_at)).all() if consents else []
    rows = []
    for case in cases:
        rows.append({name: how(case, recipient) for name, _, how in FIELDS})
        record(actor, "case.htcds_export", "case", case.id, case_id=case.id,
               purpose="data sharing with consent",
               details={"recipient": recipient, "consent": str(consents[case.id].id)})
    record(actor, "statistics.htcds_export", "statistics", None, purpose="data sharing",
           details={"recipient": recipient, "cases": len(rows)})
    return {"standard": "HTCDS", "version": VERSION, "recipient": recipient,
            "exported_at": now.isoformat(), "fields": [f[0] for f in FIELDS],
            "gaps": [g[0] for g in GAPS], "cases": rows}
