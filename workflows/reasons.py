"""Closed lists of reasons for adverse actions (ID-6, NC-3), as data.

Every adverse action (ending, suspending, declining or reducing assistance; closing a case;
ending a stay or recording leaving; rejecting or revoking a referral; declining or
withdrawing an offer; refusing a return; restricting movement) takes a reason code from the
list for that action, plus the person's view or that they declined to give one. Free text
is secondary. No code on any list is about cooperation with police or prosecution,
testimony, charges or a criminal case: that is the structural form of NC-3 (a test reads
every list). The free-text screening in ``workflows.screening`` is only a tripwire.
"""
from dataclasses import replace

from . import N_, guard

# action -> {code: label}. An action is "<track or area>.<event>".
ADVERSE_REASONS: dict[str, dict[str, str]] = {
    "assistance.suspend": {
        "person_asked_pause": N_("The person asked to pause"),
        "person_unreachable": N_("The person cannot be reached"),
        "person_in_hospital": N_("The person is in hospital or in care elsewhere"),
        "person_abroad_temporarily": N_("The person is away for a while"),
        "safety_of_person": N_("The person's safety requires it"),
        "provider_unavailable": N_("The service provider is not available"),
    },
    "assistance.end": {
        "person_asked_to_end": N_("The person asked to end assistance"),
        "goals_met": N_("The plan's goals are met"),
        "moved_to_other_provider": N_("Assistance continues with another provider"),
        "left_jurisdiction": N_("The person left the jurisdiction"),
        "person_unreachable_long": N_("The person could not be reached for a long time"),
        "person_died": N_("The person died"),
    },
    "assistance.decline": {
        "person_declined": N_("The person declined the offer"),
        "has_other_support": N_("The person has other support"),
        "not_needed_now": N_("The person does not need it now"),
    },
    "assistance.reduce": {
        "person_asked_less": N_("The person asked for less support"),
        "needs_changed": N_("The person's needs changed"),
        "provider_capacity": N_("The provider has less capacity"),
    },
    # NRM-5: the remedy an adult is referred on to after a final negative decision.
    "nrm.refer_on": {
        "labour_rights": N_("Labour rights remedy"),
        "asylum": N_("Asylum"),
        "local_authority_care": N_("Local authority care"),
        "other_remedy": N_("Another remedy"),
        "none_wanted": N_("The person wants no other remedy"),
    },
    "nrm.close": {
        "negative_decision_final": N_("A negative decision became final"),
        "reintegration_complete": N_("Reintegration is complete"),
        "integrated_locally": N_("The person is settled locally"),
        "resettled": N_("The person is resettled in a third country"),
        "person_asked_to_close": N_("The person asked to close the case"),
        "transferred": N_("The case was transferred to another organisation"),
        "person_died": N_("The person died"),
    },
    "shelter.end_stay": {
        "moved_to_other_accommodation": N_("The person moves to other accommodation"),
        "safety_of_residents": N_("The safety of the person or other residents"),
        "shelter_closing": N_("The shelter is closing or cannot host"),
        "stay_period_completed": N_("The agreed stay is completed"),
    },
    "shelter.leave": {
        "person_chose_to_leave": N_("The person chose to leave"),
        "moved_to_other_accommodation": N_("The person moves to other accommodation"),
        "returned_home": N_("The person went home"),
        "left_without_notice": N_("The person left without telling anyone"),
    },
    "referral.reject": {
        "no_capacity": N_("No capacity"),
        "outside_service_area": N_("Outside the service area"),
        "service_not_offered": N_("The service is not offered"),
        "better_served_elsewhere": N_("The person is better served elsewhere"),
    },
    "referral.revoke": {
        "person_asked": N_("The person asked"),
        "consent_withdrawn": N_("Consent was withdrawn"),
        "no_longer_needed": N_("No longer needed"),
        "provider_unsafe": N_("The provider is not safe for the person"),
    },
    "offer.decline": {
        "person_declined": N_("The person declined the offer"),
        "has_other_support": N_("The person has other support"),
        "not_needed_now": N_("The person does not need it now"),
    },
    "offer.withdraw": {
        "provider_unavailable": N_("The service provider is not available"),
        "no_longer_needed": N_("No longer needed"),
        "offered_in_error": N_("Offered in error"),
    },
    "return.refuse": {
        "risk_of_harm": N_("Risk of harm, retaliation or re-trafficking"),
        "non_refoulement": N_("Non-refoulement"),
        "no_safe_reception": N_("No safe reception arranged"),
        "child_best_interests": N_("Not in the child's best interests"),
    },
    "restriction.impose": {
        "immediate_danger": N_("Immediate danger to the person"),
        "trafficker_nearby": N_("The traffickers are looking for the person"),
        "court_order": N_("A court order for the person's protection"),
    },
}

# What the person said about the step, or that they declined to give a view.
PERSON_VIEW_DECLINED = "declined_to_give_view"


def codes_for(action: str) -> dict[str, str]:
    return ADVERSE_REASONS[action]


def reason_code_listed(action: str):
    """A guard for one action: its reason code comes from that action's closed list."""
    choices = ADVERSE_REASONS[action]

    @guard("ID-6", reads=("reason_code",))
    def check(facts):
        code = facts["reason_code"]
        if code not in choices:
            return N_("an adverse step takes a reason code from its list")
        return None
    return replace(check, name=f"reason_code_listed[{action}]")


def check_adverse(action: str, *, reason_code, person_view, person_view_declined=False,
                  reason=None):
    """The same checks for adverse steps taken outside a track (a referral, an offer, a
    restriction): returns a ``Refusal`` or None."""
    from .guards import person_view_recorded, reason_not_tied_to_cooperation
    facts = {"reason_code": reason_code, "person_view": person_view,
             "person_view_declined": person_view_declined, "reason": reason}
    for g in (reason_not_tied_to_cooperation, reason_code_listed(action),
              person_view_recorded):
        refusal = g(facts)
        if refusal:
            return refusal
    return None
