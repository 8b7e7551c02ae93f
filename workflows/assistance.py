"""Assistance: offered, accepted or declined, in progress, suspended, ended. Never
conditional on cooperation (NC-1..3); declining changes nothing else (CO-3)."""
from . import N_, T, Track, guard
from .guards import person_view_recorded, reason_not_tied_to_cooperation
from .reasons import reason_code_listed


@guard("CO-1", reads=("has_service_consent",))
def service_consent_given(facts):
    if not facts["has_service_consent"]:
        return N_("assistance starts with the person's informed consent to the service")
    return None


ASSISTANCE = Track(
    name="assistance",
    description=N_("Assistance and support services"),
    states=("not_started", "offered", "declined", "in_progress", "suspended", "ended"),
    initial="not_started",
    final=frozenset(),  # assistance can always be offered again
    transitions=(
        T("offer", ("not_started", "declined", "ended"), "offered", label=N_("Offer assistance")),
        T("accept", "offered", "in_progress", guards=(service_consent_given,),
          label=N_("Person accepts")),
        T("decline", "offered", "declined", reason_required=True, adverse=True,
          guards=(reason_not_tied_to_cooperation, reason_code_listed("assistance.decline"),
                  person_view_recorded),
          label=N_("Person declines")),
        T("suspend", "in_progress", "suspended", reason_required=True, adverse=True,
          guards=(reason_not_tied_to_cooperation, reason_code_listed("assistance.suspend"),
                  person_view_recorded),
          label=N_("Suspend assistance")),
        # Less support than agreed is an adverse step like ending it: a coded reason, the
        # person's view, never cooperation (NC-3, ID-6). Assistance stays in progress.
        T("reduce", "in_progress", "in_progress", reason_required=True, adverse=True,
          guards=(reason_not_tied_to_cooperation, reason_code_listed("assistance.reduce"),
                  person_view_recorded),
          label=N_("Reduce assistance")),
        T("resume", "suspended", "in_progress", label=N_("Resume assistance")),
        T("end", ("in_progress", "suspended"), "ended", reason_required=True, adverse=True,
          guards=(reason_not_tied_to_cooperation, reason_code_listed("assistance.end"),
                  person_view_recorded),
          label=N_("End assistance")),
    ),
)
