"""Asylum claims, residence permits and compensation claims: each has a lifecycle, as data.

A claim moves one step at a time; each step is kept as history (who, when, why, a sealed
note) and audited. The guards that depend on a claim read its current status, never the
fact that it was once recorded:

- RR-2: an asylum claim blocks return only while it is pending (``applied``); once granted,
  refused or withdrawn it no longer does.
- DP-5: a compensation claim holds the file against erasure only while it is filed or
  awarded and not yet paid; paid, refused or withdrawn, it no longer does.

Nothing here imports Flask or SQLAlchemy.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from . import N_


@dataclass(frozen=True)
class Step:
    name: str
    src: tuple[str, ...]
    dst: str
    label: str
    # What the step must carry: "expires_at" (a grant or renewal with its new expiry),
    # "amount_awarded" (an award).
    needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Lifecycle:
    name: str
    description: str
    statuses: tuple[str, ...]
    # Statuses a claim may be recorded in when it is first entered (a permit granted before
    # the case came to the agency is recorded as granted).
    may_start_as: tuple[str, ...]
    steps: tuple[Step, ...]
    blocks_return: frozenset[str] = field(default_factory=frozenset)  # RR-2
    holds_erasure: frozenset[str] = field(default_factory=frozenset)  # DP-5

    def step_to(self, status: str, target: str) -> Step | None:
        """The step that takes a claim in ``status`` to ``target``, if there is one."""
        for step in self.steps:
            if status in step.src and step.dst == target:
                return step
        return None

    def targets_from(self, status: str) -> list[str]:
        seen = []
        for step in self.steps:
            if status in step.src and step.dst not in seen:
                seen.append(step.dst)
        return seen

    def steps_from(self, status: str) -> list[Step]:
        return [step for step in self.steps if status in step.src]

    @property
    def final(self) -> frozenset[str]:
        return frozenset(s for s in self.statuses if not self.steps_from(s))


ASYLUM = Lifecycle(
    name="asylum",
    description=N_("Asylum claim"),
    statuses=("applied", "granted", "refused", "withdrawn"),
    may_start_as=("applied", "granted", "refused"),
    steps=(
        Step("grant", ("applied",), "granted", N_("Asylum granted")),
        Step("refuse", ("applied",), "refused", N_("Asylum refused")),
        Step("withdraw", ("applied",), "withdrawn", N_("Claim withdrawn")),
    ),
    blocks_return=frozenset({"applied"}),
)

PERMIT = Lifecycle(
    name="permit",
    description=N_("Residence permit"),
    statuses=("applied", "granted", "renewed", "refused", "withdrawn", "expired"),
    may_start_as=("applied", "granted", "refused", "expired"),
    steps=(
        Step("grant", ("applied",), "granted", N_("Permit granted")),
        Step("refuse", ("applied",), "refused", N_("Permit refused")),
        Step("withdraw", ("applied",), "withdrawn", N_("Application withdrawn")),
        Step("renew", ("granted", "renewed"), "renewed", N_("Permit renewed"),
             needs=("expires_at",)),
        Step("expire", ("granted", "renewed"), "expired", N_("Permit expired")),
    ),
)

COMPENSATION = Lifecycle(
    name="compensation",
    description=N_("Compensation claim"),
    statuses=("filed", "awarded", "paid", "refused", "withdrawn"),
    may_start_as=("filed",),
    steps=(
        Step("award", ("filed",), "awarded", N_("Compensation awarded"),
             needs=("amount_awarded",)),
        Step("refuse", ("filed",), "refused", N_("Claim refused")),
        Step("withdraw", ("filed",), "withdrawn", N_("Claim withdrawn")),
        Step("pay", ("awarded",), "paid", N_("Compensation paid")),
    ),
    holds_erasure=frozenset({"filed", "awarded"}),
)

LIFECYCLES = {c.name: c for c in (ASYLUM, PERMIT, COMPENSATION)}

# Permit statuses under which the person holds a permit in force.
PERMIT_IN_FORCE = frozenset({"granted", "renewed"})


def lifecycle_for_permit(kind: str) -> Lifecycle:
    """An asylum claim is recorded with the residence permits (kind ``asylum_claim``) but
    moves on its own lifecycle."""
    return ASYLUM if kind == "asylum_claim" else PERMIT


def asylum_blocks_return(status: str) -> bool:
    """RR-2: only a pending asylum claim blocks return."""
    return status in ASYLUM.blocks_return


def compensation_holds_erasure(status: str) -> bool:
    """DP-5: a claim still to be decided or paid holds the file."""
    return status in COMPENSATION.holds_erasure
