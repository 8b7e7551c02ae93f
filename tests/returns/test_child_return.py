"""CH-5: a child's return needs a best interests determination and family tracing that
first checked whether the family was involved; each alone is not enough."""
import pytest

import workflows
from referral.errors import Refused
from referral.extensions import db
from referral.returns import service as returns
from tests.cases.conftest import transition
from tests.returns.test_returns import FULL_CHECKS, ask

CH5_MESSAGE = ("a child's return needs a best interests determination and family tracing "
               "that checked whether the family was involved")
BEST_INTERESTS = {"best_interests_determination": "return to grandmother is in her interest"}


@pytest.mark.parametrize("checks", [
    {**BEST_INTERESTS},                                                  # no tracing
    {"family_tracing_done": True, "family_involved": "no"},              # no best interests
    {**BEST_INTERESTS, "family_tracing_done": True},                     # involvement unknown
    {**BEST_INTERESTS, "family_tracing_done": True, "family_involved": "unknown"},
    {**BEST_INTERESTS, "family_tracing_done": False, "family_involved": "no"},
], ids=["best_interests_only", "tracing_only", "involvement_not_recorded",
        "involvement_unknown", "tracing_not_done"])
def test_CH5_a_childs_return_is_not_assessed_without_both_checks(caseworker, a_child_case,
                                                                 checks):
    request = ask(caseworker, a_child_case)
    returns.assess(caseworker, request, **FULL_CHECKS, **checks)
    db.session.commit()
    assert a_child_case.return_state == "requested"
    with pytest.raises(Refused) as refused:
        transition(caseworker, a_child_case, "return", "assess", via="return")
    assert refused.value.rule == "CH-5"
    assert refused.value.message == CH5_MESSAGE


@pytest.mark.parametrize("involved", ["yes", "no"])
def test_CH5_with_both_checks_the_childs_return_is_assessed(caseworker, a_child_case,
                                                            involved):
    request = ask(caseworker, a_child_case)
    returns.assess(caseworker, request, **FULL_CHECKS, **BEST_INTERESTS,
                   family_tracing_done=True, family_involved=involved)
    db.session.commit()
    assert a_child_case.return_state == "assessed"


@pytest.mark.parametrize("best_interests,tracing,refused", [
    (True, True, False), (True, False, True), (False, True, True), (False, False, True)])
def test_CH5_the_guard_needs_both_for_a_child_and_neither_for_an_adult(best_interests,
                                                                       tracing, refused):
    track = workflows.tracks()["return"]
    facts = {"is_child": True, "best_interests_determined": best_interests,
             "family_tracing_done": tracing, "return_checks_missing": [],
             "asylum_claim_pending": False, "identification": "positive"}
    for event, state in (("assess", "requested"), ("approve", "assessed")):
        _, refusal = workflows.evaluate(track, state, event, facts)
        assert (refusal == workflows.Refusal("CH-5", CH5_MESSAGE)) is refused
        _, refusal = workflows.evaluate(track, state, event, {**facts, "is_child": False})
        assert refusal is None
