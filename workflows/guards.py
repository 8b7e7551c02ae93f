"""Guards shared by several tracks. None of them reads cooperation data (NC-2)."""
import re

from . import N_, guard

# NC-3: reasons tied to cooperation with authorities can never end or cut assistance or a stay.
NON_COOPERATION_REASON_CODES = frozenset({
    "non_cooperation", "refused_to_testify", "testimony_given", "no_charges",
    "criminal_case_closed", "withdrew_complaint",
})
_NON_COOPERATION_WORDS = re.compile(
    r"cooperat|co-operat|testif|testimony|witness|statement to (the )?police|prosecut|"
    r"charges?\b|no charge|investigation|criminal case|complaint withdrawn|withdrew .*complaint",
    re.IGNORECASE)


@guard("NC-3", reads=("reason", "reason_code"))
def reason_not_tied_to_cooperation(facts):
    code = (facts["reason_code"] or "").strip().lower()
    text = facts["reason"] or ""
    if code in NON_COOPERATION_REASON_CODES or _NON_COOPERATION_WORDS.search(text):
        return N_("assistance and shelter never depend on cooperation with police or "
                  "prosecution, testimony, charges or the outcome of a criminal case")
    return None


@guard("ID-6", reads=("person_view",))
def person_view_recorded(facts):
    if not (facts["person_view"] or "").strip():
        return N_("an adverse step records the person's view (or that they declined to "
                  "give one)")
    return None
