"""Guards shared by several tracks. None of them reads cooperation data (NC-2)."""
from . import N_, guard
from .screening import cooperation_hit

# NC-3: reasons tied to cooperation with authorities can never end or cut assistance or a
# stay. The closed reason lists (``workflows.reasons``) hold none of these; the codes are
# still refused here so an old client sending them is told why.
NON_COOPERATION_REASON_CODES = frozenset({
    "non_cooperation", "refused_to_testify", "testimony_given", "no_charges",
    "criminal_case_closed", "withdrew_complaint",
})


@guard("NC-3", reads=("reason", "reason_code"))
def reason_not_tied_to_cooperation(facts):
    """The tripwire on free text (English, French, Spanish, Arabic, with paraphrases): a hit
    refuses the step and is listed for supervisors."""
    code = (facts["reason_code"] or "").strip().lower()
    if code in NON_COOPERATION_REASON_CODES or cooperation_hit(facts["reason"]):
        return N_("assistance and shelter never depend on cooperation with police or "
                  "prosecution, testimony, charges or the outcome of a criminal case")
    return None


@guard("ID-6", reads=("person_view", "person_view_declined"))
def person_view_recorded(facts):
    if not (facts["person_view"] or "").strip() and facts["person_view_declined"] is not True:
        return N_("an adverse step records the person's view (or that they declined to "
                  "give one)")
    return None
