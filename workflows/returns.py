"""Return: individual, safe and preferably voluntary (RR-1..3, CH-5)."""
from . import N_, T, Track, guard
from .guards import person_view_recorded, reason_not_tied_to_cooperation
from .reasons import reason_code_listed


@guard("RR-1", reads=("requested_by_person",))
def requested_by_person(facts):
    if not facts["requested_by_person"]:
        return N_("a return is requested by the person, individually")
    return None


@guard("RR-2", reads=("return_checks_missing",))
def return_assessed(facts):
    missing = facts["return_checks_missing"] or ()
    if missing:
        return "before approval, record: " + ", ".join(missing)
    return None


@guard("RR-2", reads=("asylum_claim_pending", "identification"))
def nothing_pending(facts):
    if facts["asylum_claim_pending"]:
        return N_("a pending asylum claim blocks return")
    if facts["identification"] in ("pending", "negative_pending_review"):
        return N_("a pending identification blocks return")
    return None


@guard("CH-5", reads=("is_child", "best_interests_determined", "family_tracing_done"))
def child_return_checks(facts):
    if facts["is_child"] and not (facts["best_interests_determined"]
                                  and facts["family_tracing_done"]):
        return N_("a child's return needs a best interests determination and family tracing "
                  "that checked whether the family was involved")
    return None


@guard("CO-1", reads=("has_handover_consent",))
def handover_consent(facts):
    if not facts["has_handover_consent"]:
        return N_("handover to a receiving organisation needs the person's consent")
    return None


RETURN = Track(
    name="return",
    description=N_("Return to the country of origin"),
    states=("none", "requested", "assessed", "approved", "refused", "travelled", "follow_up",
            "withdrawn"),
    initial="none",
    final=frozenset({"follow_up"}),  # reintegration follow-up continues on its own schedule
    # Every step changes the return request too: the returns area takes them (owner).
    transitions=(
        T("request", ("none", "refused", "withdrawn"), "requested",
          guards=(requested_by_person,), label=N_("Person requests return"), owner="return"),
        T("assess", "requested", "assessed", guards=(return_assessed, child_return_checks),
          label=N_("Assessment complete"), owner="return"),
        T("approve", "assessed", "approved", guards=(nothing_pending, child_return_checks),
          label=N_("Approve return"), owner="return"),
        T("refuse", "assessed", "refused", reason_required=True, adverse=True,
          guards=(reason_not_tied_to_cooperation, reason_code_listed("return.refuse"),
                  person_view_recorded),
          label=N_("Refuse return"), owner="return"),
        T("travel", "approved", "travelled", guards=(handover_consent,), label=N_("Travelled"),
          owner="return"),
        T("start_follow_up", "travelled", "follow_up", label=N_("Follow-up"), owner="return"),
        T("withdraw", ("requested", "assessed", "approved"), "withdrawn",
          label=N_("Person withdraws the request"), owner="return"),
    ),
)
