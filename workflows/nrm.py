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
CLOSED = "closed"

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


@guard("ID-8", reads=("is_child",))
def adult_may_decline(facts):
    if facts["is_child"]:
        return N_("a child's case is not closed because identification is declined (CH-2)")
    return None


NRM = Track(
    name="nrm",
    description=N_("National referral mechanism stage"),
    states=(PRESUMED_VICTIM, REFLECTION_PERIOD, ASSISTANCE, RETURN_REINTEGRATION,
            LOCAL_INTEGRATION, THIRD_COUNTRY, CHILD_PROTECTION, CLOSED),
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
          guards=(negative_decision_final, not_a_child, closure_ready,
                  reason_not_tied_to_cooperation, reason_code_listed("nrm.close"),
                  person_view_recorded),
          reason_required=True, adverse=True, label=N_("Close after a negative decision")),
        T("decline_identification", OPEN_BEFORE_IDENTIFICATION, CLOSED,
          guards=(adult_may_decline,), reason_required=True,
          label=N_("Person declines identification")),
        T("close", (ASSISTANCE, CHILD_PROTECTION) + OUTCOMES, CLOSED,
          guards=(no_review_pending, closure_ready, reason_not_tied_to_cooperation,
                  reason_code_listed("nrm.close"), person_view_recorded),
          reason_required=True, adverse=True, label=N_("Close the case")),
    ),
)
