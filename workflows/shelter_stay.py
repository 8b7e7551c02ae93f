"""Shelter stay: voluntary. Admission records consent; leaving is always allowed (SH-1)."""
from . import T, Track, guard
from .guards import person_view_recorded, reason_not_tied_to_cooperation


@guard("SH-1", reads=("has_admission_consent",))
def admission_consent_given(facts):
    if not facts["has_admission_consent"]:
        return "admission to a shelter records the person's consent"
    return None


SHELTER_STAY = Track(
    name="shelter",
    description="Voluntary shelter stay",
    states=("not_in_shelter", "staying", "left"),
    initial="not_in_shelter",
    final=frozenset(),
    transitions=(
        T("admit", ("not_in_shelter", "left"), "staying", guards=(admission_consent_given,),
          label="Admit"),
        # SH-1: leaving has no precondition, ever.
        T("leave", "staying", "left", label="Person leaves"),
        T("end_stay", "staying", "left", reason_required=True, adverse=True,
          guards=(reason_not_tied_to_cooperation, person_view_recorded),
          label="End the stay"),
    ),
)
