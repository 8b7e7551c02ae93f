"""The NRM stage: presumed victim -> reflection period -> assistance -> return/integration
-> closed. Identification decisions move it; a negative decision is not final until its
review window has passed (ID-1)."""
from . import N_, T, Track, guard
from .guards import person_view_recorded, reason_not_tied_to_cooperation
from .reasons import reason_code_listed

PRESUMED_VICTIM = "presumed_victim"
REFLECTION_PERIOD = "reflection_period"
ASSISTANCE = "assistance"
RETURN_REINTEGRATION = "return_reintegration"
LOCAL_INTEGRATION = "local_integration"
THIRD_COUNTRY = "third_country"
CHILD_PROTECTION = "child_protection"
REFERRED_ON = "referred_on"  # NRM-5: not identified, referred to another remedy
CLOSED = "closed"

# NRM-5: where a person not identified as a victim is referred on (a referral through the
# services area, consent-gated like any referral, CO-1); "none_wanted": the person wants none.
REFER_ON_REMEDIES = ("labour_rights", "asylum", "local_authority_care", "other_remedy",
                     "none_wanted")

# Follow-ups the NRM plans (referral.reminders LABELS; the pages translate them).
FOLLOW_UPS = {
    "move_on_end": N_("end of the move-on period"),
    "recovery_needs_assessment": N_("recovery needs assessment due"),
    "transition_plan": N_("transition plan due"),
    "reconsideration_legal_aid": N_("last day to ask for reconsideration"),
    "missing_child": N_("URGENT a child is missing"),
    "adult_transition": N_("plan the move to adult support (turns 18)"),
    "turns_18": N_("the child turns 18: move to adult support"),
}

OPEN_BEFORE_IDENTIFICATION = (PRESUMED_VICTIM, REFLECTION_PERIOD)
OUTCOMES = (RETURN_REINTEGRATION, LOCAL_INTEGRATION, THIRD_COUNTRY)


@guard("RP-1", reads=("reflection_trigger", "first_decision_outcome"))
def reflection_trigger_met(facts):
    if facts["reflection_trigger"] == "positive_first_decision" \
            and facts["first_decision_outcome"] != "positive":
        return N_("in this jurisdiction the period starts on a positive first decision")
    return None


@guard("RP-1", reads=("reflection_minimum_elapsed", "person_request"))
def reflection_minimum_respected(facts):
    # The person's recorded request, in their words, not a flag (RP-1).
    if not facts["reflection_minimum_elapsed"] and not (facts["person_request"] or "").strip():
        return N_("the reflection period cannot end before its statutory minimum unless the "
                  "person asks (record their request in their words)")
    return None


@guard("ID-1", reads=("identification",))
def identified_as_victim(facts):
    if facts["identification"] != "positive":
        return N_("assistance after the reflection period follows a positive final decision")
    return None


@guard("ID-1", reads=("identification",))
def negative_decision_final(facts):
    if facts["identification"] != "negative_final":
        return N_("the person stays a presumed victim until a negative decision is final "
                  "(its review window has passed or its review is decided)")
    return None


@guard("ID-1", reads=("identification",))
def no_review_pending(facts):
    if facts["identification"] == "negative_pending_review":
        return N_("a case is not closed while a negative decision is under review")
    return None


@guard("CH-4", reads=("is_child",))
def not_a_child(facts):
    if facts["is_child"]:
        return N_("a negative decision for a child hands the case to child protection; it "
                  "does not close it")
    return None


@guard("CH-4", reads=("is_child",))
def is_a_child(facts):
    return None if facts["is_child"] else N_("only a child's case is handed to child "
                                             "protection")


@guard("RR-6", reads=("has_current_risk_review", "has_followup_schedule"))
def closure_ready(facts):
    if not facts["has_current_risk_review"]:
        return N_("a case is closed only after a current re-trafficking risk review")
    if not facts["has_followup_schedule"]:
        return N_("a case is closed only with a follow-up schedule")
    return None


@guard("RR-2", reads=("return_state",))
def return_approved(facts):
    if facts["return_state"] not in ("approved", "travelled", "follow_up"):
        return N_("return starts only once an individual return has been approved")
    return None


@guard("NRM-5", reads=("reason_code",))
def remedy_named(facts):
    if (facts["reason_code"] or "") not in REFER_ON_REMEDIES:
        return N_("name the remedy the person is referred on to (reason code): labour "
                  "rights, asylum, local authority care, another remedy, or none wanted")
    return None


@guard("RR-6", reads=("has_current_risk_review",))
def risk_reviewed(facts):
    if not facts["has_current_risk_review"]:
        return N_("a case is closed only after a current re-trafficking risk review")
    return None


@guard("CH-2", reads=("is_child", "has_best_interests"))
def child_best_interests_determined(facts):
    if facts["is_child"] and not facts["has_best_interests"]:
        return N_("a child's case is closed only after a best interests determination")
    return None


@guard("MI-1", reads=("missing_open",))
def not_missing(facts):
    if facts["missing_open"]:
        return N_("the person is missing: the case stays open, with its protection, until "
                  "they are found again")
    return None


@guard("ID-8", reads=("is_child",))
def adult_may_decline(facts):
    if facts["is_child"]:
        return N_("a child's case is not closed because identification is declined (CH-2)")
    return None


NRM = Track(
    name="nrm",
    description=N_("National referral mechanism stage"),
    states=(PRESUMED_VICTIM, REFLECTION_PERIOD, ASSISTANCE, RETURN_REINTEGRATION,
            LOCAL_INTEGRATION, THIRD_COUNTRY, CHILD_PROTECTION, REFERRED_ON, CLOSED),
    initial=PRESUMED_VICTIM,
    final=frozenset({CLOSED}),
    transitions=(
        T("start_reflection_period", PRESUMED_VICTIM, REFLECTION_PERIOD,
          guards=(reflection_trigger_met,), label=N_("Start reflection period")),
        T("begin_assistance", REFLECTION_PERIOD, ASSISTANCE,
          guards=(reflection_minimum_respected, identified_as_victim),
          label=N_("Move to assistance")),
        T("begin_return", ASSISTANCE, RETURN_REINTEGRATION, guards=(return_approved,),
          label=N_("Return and reintegration")),
        T("integrate_locally", ASSISTANCE, LOCAL_INTEGRATION, label=N_("Local integration")),
        T("resettle", ASSISTANCE, THIRD_COUNTRY, label=N_("Resettle in a third country")),
        T("change_outcome", OUTCOMES, ASSISTANCE, reason_required=True,
          label=N_("Back to assistance")),
        T("hand_to_child_protection", OPEN_BEFORE_IDENTIFICATION, CHILD_PROTECTION,
          guards=(is_a_child, negative_decision_final), reason_required=True,
          label=N_("Hand over to child protection")),
        T("close", OPEN_BEFORE_IDENTIFICATION, CLOSED,
          guards=(not_missing, negative_decision_final, not_a_child, closure_ready,
                  reason_not_tied_to_cooperation, reason_code_listed("nrm.close"),
                  person_view_recorded),
          reason_required=True, adverse=True, label=N_("Close after a negative decision")),
        T("decline_identification", OPEN_BEFORE_IDENTIFICATION, CLOSED,
          guards=(not_missing, adult_may_decline), reason_required=True,
          label=N_("Person declines identification")),
        # NRM-5: after a final negative decision an adult is referred on to another remedy;
        # the case then closes on a risk review alone (no reintegration schedule: the
        # person was not identified, there is nothing to reintegrate from).
        T("refer_on", OPEN_BEFORE_IDENTIFICATION, REFERRED_ON,
          guards=(not_missing, negative_decision_final, not_a_child, remedy_named,
                  reason_code_listed("nrm.refer_on"), reason_not_tied_to_cooperation,
                  person_view_recorded),
          reason_required=True, adverse=True, label=N_("Refer on to another remedy")),
        T("close", REFERRED_ON, CLOSED, guards=(not_missing, risk_reviewed),
          reason_required=True,
          label=N_("Close after referring on")),
        T("close", (ASSISTANCE, CHILD_PROTECTION) + OUTCOMES, CLOSED,
          guards=(not_missing, no_review_pending, child_best_interests_determined,
                  closure_ready, reason_not_tied_to_cooperation,
                  reason_code_listed("nrm.close"), person_view_recorded),
          reason_required=True, adverse=True, label=N_("Close the case")),
    ),
)
