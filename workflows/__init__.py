"""State-machine definitions of the national referral mechanism, as plain data.

Nothing here imports Flask or SQLAlchemy. A *track* is a table of transitions; a transition
names its source states, target state, event, guards and whether a reason is required. A
*guard* is a function of facts that returns ``None`` (allowed) or a ``Refusal`` naming the
rule that refuses. Each guard declares the facts it reads, and is handed only those: that is
what lets a test prove that no guard of the assistance, shelter, return or NRM tracks reads
cooperation data (NC-2).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping

# Facts about cooperation with police or prosecution. They exist only on the legal track.
COOPERATION_FACTS = frozenset({
    "cooperation", "willing_to_testify", "statement_given", "testimony_given",
    "charges_brought", "criminal_case_status", "cooperation_permit_conditions",
})


def N_(message: str) -> str:
    """Marks a label for extraction into the web UI's catalogs (babel.cfg) and returns it
    unchanged: definitions stay English and Flask-free; the web pages translate them."""
    return message


@dataclass(frozen=True)
class Refusal:
    """``message`` is English with any values filled in (as the API serves it); where it has
    values, ``template`` is the marked message with ``%(name)s`` placeholders and ``params``
    the values, so that a web page can translate the template and fill it in."""
    rule: str
    message: str
    template: str = field(default="", compare=False)
    params: Mapping | None = field(default=None, compare=False)

    @classmethod
    def with_params(cls, rule: str, template: str, **params) -> "Refusal":
        return cls(rule, template % params, template, params)


class FactNotDeclared(KeyError):
    """A guard asked for a fact it did not declare: a definition error, caught by tests."""


class FactView(Mapping):
    """The facts a guard declared, and nothing else."""

    def __init__(self, facts: Mapping, allowed: frozenset[str]):
        self._facts = facts
        self._allowed = allowed

    def __getitem__(self, key):
        if key not in self._allowed:
            raise FactNotDeclared(f"guard reads undeclared fact {key!r}")
        return self._facts.get(key)

    def __iter__(self):
        return iter(self._allowed)

    def __len__(self):
        return len(self._allowed)


@dataclass(frozen=True)
class Guard:
    rule: str
    reads: frozenset[str]
    check: Callable[[Mapping], str | None]
    name: str

    def __call__(self, facts: Mapping) -> Refusal | None:
        message = self.check(FactView(facts, self.reads))
        return Refusal(self.rule, message) if message else None


def guard(rule: str, *, reads: Iterable[str]):
    """Declare a guard: ``check(facts)`` returns a refusal message or None."""
    def wrap(check):
        return Guard(rule=rule, reads=frozenset(reads), check=check, name=check.__name__)
    return wrap


@dataclass(frozen=True)
class T:
    event: str
    src: tuple[str, ...]
    dst: str
    guards: tuple[Guard, ...] = ()
    reason_required: bool = False
    adverse: bool = False  # ID-6: records reasons and the person's view, can be reviewed
    label: str = ""
    # Who takes this step (``OWNERS``): "case" for the case file's own steps (the generic
    # transitions endpoint); an area whose records change with the step takes it itself
    # (a stay row with admission, a proceeding with opening proceedings).
    owner: str = "case"

    def __post_init__(self):
        if isinstance(self.src, str):
            object.__setattr__(self, "src", (self.src,))


# Who may take a step, and where a person or a client does it. Every event has exactly one.
OWNERS = {
    "case": "POST /api/v1/cases/{case_id}/transitions (the case file's steps)",
    "shelter": "the shelter endpoints: POST /api/v1/cases/{case_id}/stays, "
               "POST /api/v1/stays/{stay_id}/leave, POST /api/v1/stays/{stay_id}/end",
    "legal": "POST /api/v1/cases/{case_id}/proceedings",
    "return": "POST /api/v1/cases/{case_id}/returns, POST /api/v1/returns/{return_id}/{step}",
}


@dataclass(frozen=True)
class Track:
    name: str
    states: tuple[str, ...]
    initial: str
    final: frozenset[str]
    transitions: tuple[T, ...]
    description: str = ""
    reads_cooperation: bool = False  # only the legal track may
    labels: Mapping[str, str] = field(default_factory=dict)

    def events(self) -> list[str]:
        seen = []
        for t in self.transitions:
            if t.event not in seen:
                seen.append(t.event)
        return seen

    def candidates(self, event: str) -> list[T]:
        return [t for t in self.transitions if t.event == event]

    def find(self, event: str, state: str) -> T | None:
        for t in self.transitions:
            if t.event == event and state in t.src:
                return t
        return None

    def guards(self) -> list[Guard]:
        return [g for t in self.transitions for g in t.guards]


def evaluate(track: Track, state: str, event: str, facts: Mapping,
             reason: str | None = None) -> tuple[T | None, Refusal | None]:
    """Find the transition for ``event`` in ``state`` and run its guards.

    Returns ``(transition, None)`` when allowed, or ``(transition_or_None, refusal)``.
    """
    transition = track.find(event, state)
    if transition is None:
        if not track.candidates(event):
            return None, Refusal.with_params("WF-UNKNOWN", N_("%(track)s has no event %(event)s"),
                                             track=track.name, event=repr(event))
        return None, Refusal.with_params(
            "WF-STATE", N_("%(event)s is not allowed while %(track)s is %(state)s"),
            event=repr(event), track=track.name, state=repr(state))
    # Free text is secondary: a reason code from the step's closed list is a reason (ID-6).
    if transition.reason_required and not ((reason and reason.strip())
                                           or facts.get("reason_code")):
        return transition, Refusal("ID-6" if transition.adverse else "WF-REASON",
                                   N_("a reason is required for this step"))
    for g in transition.guards:
        refusal = g(facts)
        if refusal:
            return transition, refusal
    return transition, None


# What the request taking a step gives (the form asks for it): a guard that reads any of
# these is checked when the step is taken, not when the steps on offer are listed.
REQUEST_FACTS = frozenset({"reason", "reason_code", "person_view", "person_view_declined",
                           "person_request"})


def asks_for(transition: T) -> frozenset[str]:
    """The request facts a step's guards read: what its form must ask."""
    return frozenset().union(*(g.reads & REQUEST_FACTS for g in transition.guards))


def allowed_events(track: Track, state: str, facts: Mapping) -> tuple[list[str], dict]:
    """Events allowed now, and for each refused one, the refusal. What the step's own
    request gives (reason code, the person's view or request) is not known yet: the guards
    that read it run when the step is taken."""
    allowed, refused = [], {}
    for t in track.transitions:
        if state not in t.src or t.event in allowed:
            continue
        refusal = next((r for g in t.guards if not (g.reads & REQUEST_FACTS)
                        and (r := g(facts))), None)
        if refusal:
            refused.setdefault(t.event, refusal)
        else:
            allowed.append(t.event)
            refused.pop(t.event, None)
    return allowed, refused


def tracks() -> dict[str, Track]:
    """Every track, by name, in the order a case file shows them."""
    from .assistance import ASSISTANCE
    from .legal import LEGAL
    from .nrm import NRM
    from .returns import RETURN
    from .shelter_stay import SHELTER_STAY
    return {t.name: t for t in (NRM, ASSISTANCE, SHELTER_STAY, LEGAL, RETURN)}
