"""Jurisdictions: the periods, thresholds and triggers each NRM uses, versioned.

Each decision and transition records ``Jurisdiction.rule_version`` so it can be read later
against the rules in force when it was made.

To add a jurisdiction: define a ``Jurisdiction(...)`` below (or in a module of your own that
calls ``register``), with a new ``code`` and ``version``, and give cases that ``code``. Never
change the numbers of a published version: publish a new version instead.
"""
from dataclasses import dataclass, field

REFLECTION_STATUTORY_FLOOR_DAYS = 30  # CoE Convention art. 13: at least 30 days


@dataclass(frozen=True)
class Jurisdiction:
    code: str
    name: str
    version: str
    reflection_min_days: int
    # "referral": the period starts when the case is referred (opened);
    # "positive_first_decision": on a positive first (reasonable grounds) decision.
    reflection_trigger: str
    first_decision: str  # the first identification decision type
    final_decision: str  # the conclusive decision type
    first_decision_target_days: int
    first_decision_working_days: bool
    review_window_days: int  # a negative decision becomes final after this, if not reviewed
    review_decision_target_days: int
    guardian_deadline_days: int
    reflection_reminder_days: tuple[int, ...] = (7, 1)
    checkin_months: tuple[int, ...] = (1, 3, 6, 12)
    risk_review_valid_days: int = 90
    restriction_max_days: int = 14
    # The individual assistance plan (CNS-12): reviewed with the person at least every
    # ``plan_review_days``, and within ``plan_stage_review_days`` of each change of NRM stage.
    # ``plan_review_source`` names where the interval comes from.
    plan_review_days: int = 90
    plan_stage_review_days: int = 7
    plan_review_source: str = ""
    notes: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def rule_version(self) -> str:
        return f"{self.code}@{self.version}"

    def __post_init__(self):
        if self.reflection_min_days < REFLECTION_STATUTORY_FLOOR_DAYS:
            raise ValueError(f"{self.code}: the reflection period cannot be shorter than "
                             f"{REFLECTION_STATUTORY_FLOOR_DAYS} days (RP-1)")
        if self.reflection_trigger not in ("referral", "positive_first_decision"):
            raise ValueError(f"{self.code}: unknown reflection trigger")
        if not 0 < self.plan_stage_review_days <= self.plan_review_days:
            raise ValueError(f"{self.code}: a plan is reviewed at a positive interval, and "
                             f"after a stage change no later than the regular review")


def N_(message: str) -> str:
    """Marks a name for translation (pybabel extracts it); pages translate at display."""
    return message


BASELINE = Jurisdiction(
    code="baseline", name=N_("Baseline (Palermo Protocol and CoE Convention)"), version="2026.1",
    reflection_min_days=30, reflection_trigger="referral",
    first_decision="identification", final_decision="identification",
    first_decision_target_days=30, first_decision_working_days=False,
    review_window_days=30, review_decision_target_days=30, guardian_deadline_days=3,
    plan_review_days=90, plan_stage_review_days=7,
    plan_review_source=(
        "No instrument sets an interval. The UNODC toolkit (Part 1, tool 1.4) asks that "
        "assistance be 'tailored to individual needs' and that victims be 'actively engaged "
        "in developing assistance plans'; 90 days is the validity this jurisdiction gives a "
        "re-trafficking risk review (risk_review_valid_days), so a plan is never older than "
        "the risk review it rests on. A review within 7 days of each stage change is this "
        "project's choice."),
    notes="Reflection period of at least 30 days from referral (CoE Convention art. 13).",
)

UK_NRM = Jurisdiction(
    code="uk", name=N_("UK-style National Referral Mechanism"), version="2026.1",
    reflection_min_days=30, reflection_trigger="positive_first_decision",
    first_decision="reasonable_grounds", final_decision="conclusive_grounds",
    first_decision_target_days=5, first_decision_working_days=True,
    review_window_days=90, review_decision_target_days=30, guardian_deadline_days=2,
    plan_review_days=30, plan_stage_review_days=7,
    plan_review_source=(
        "Home Office, Recovery needs assessment: process guidance (updated 13 December 2022): "
        "a recovery period of at least 30 days after a reasonable grounds decision; the "
        "Modern Slavery Victim Care Contract (announced 29 June 2020) has needs 'continually "
        "re-assessed throughout'. Reviewing every 30 days gives at least one review in each "
        "minimum recovery period; after a positive conclusive grounds decision the 45-day "
        "move-on period (gov.uk, Support in England and Wales after a positive conclusive "
        "grounds decision, 22 January 2026) has at least one. A review within 7 days of each "
        "stage change is this project's choice."),
    notes="Referral, reasonable grounds decision (target 5 working days), recovery period of "
          "at least 30 days, conclusive grounds decision.",
)

REGISTRY: dict[str, Jurisdiction] = {}


def register(jurisdiction: Jurisdiction) -> Jurisdiction:
    REGISTRY[jurisdiction.code] = jurisdiction
    return jurisdiction


for _j in (BASELINE, UK_NRM):
    register(_j)


def get(code: str) -> Jurisdiction:
    try:
        return REGISTRY[code]
    except KeyError:
        raise KeyError(f"unknown jurisdiction {code!r}; known: {', '.join(sorted(REGISTRY))}")


def add_days(start, days: int, working_days: bool = False):
    """``start`` plus ``days`` calendar days, or working days (Monday to Friday)."""
    from datetime import timedelta
    if not working_days:
        return start + timedelta(days=days)
    current, left = start, days
    while left > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            left -= 1
    return current
