"""Shelter stay: voluntary. Admission records consent; leaving is always allowed (SH-1)."""
from . import N_, T, Track, guard
from .guards import person_view_recorded, reason_not_tied_to_cooperation
from .reasons import reason_code_listed


@guard("SH-1", reads=("has_admission_consent",))
def admission_consent_given(facts):
    if not facts["has_admission_consent"]:
        return N_("admission to a shelter records the person's consent")
    return None


SHELTER_STAY = Track(
    name="shelter",
    description=N_("Voluntary shelter stay"),
    states=("not_in_shelter", "staying", "left"),
    initial="not_in_shelter",
    final=frozenset(),
    transitions=(
        # Each step changes the stay row too: the shelter area takes them (owner).
        T("admit", ("not_in_shelter", "left"), "staying", guards=(admission_consent_given,),
          label=N_("Admit"), owner="shelter"),
        # SH-1: leaving has no precondition, ever.
        # The shelter area records it with a coded reason ("shelter.leave") and screens its
        # note (NC-3); the step itself never has a precondition.
        T("leave", "staying", "left", label=N_("Person leaves"), owner="shelter"),
        T("end_stay", "staying", "left", reason_required=True, adverse=True,
          guards=(reason_not_tied_to_cooperation, reason_code_listed("shelter.end_stay"),
                  person_view_recorded),
          label=N_("End the stay"), owner="shelter"),
    ),
)
