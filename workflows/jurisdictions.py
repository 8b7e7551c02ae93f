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
    # -- The NRM as it runs (issue 16). Defaults keep the versions published before them
    # reading exactly as they did. --
    # NRM-1: a final (conclusive) decision needs a positive first decision before it.
    final_needs_positive_first: bool = True
    # NRM-2: what a reconsideration request may rest on (``review_window_days`` is its window).
    reconsideration_grounds: tuple[str, ...] = ("new_evidence", "not_in_line_with_guidance")
    # NRM-4: after a positive final decision, a move-on period (0: none set), a recovery
    # needs assessment due within ``recovery_needs_assessment_days`` and a transition plan
    # due ``transition_plan_before_end_days`` before the period ends.
    move_on_days: int = 0
    recovery_needs_assessment_days: int = 0
    transition_plan_before_end_days: int = 0
    # NRM-6: who decides. "competent_authority": the decision-maker role of a competent
    # authority records decisions; ``paper_decisions`` lets a caseworker record a state's
    # decision received on paper, marked as such.
    decided_by: str = "competent_authority"
    paper_decisions: bool = True
    # MI-1: a missing child's episode escalates every ``missing_child_escalation_hours``.
    missing_child_escalation_hours: int = 24
    # CH-6: the move to adult support is planned ``adult_transition_notice_days`` ahead.
    adult_transition_notice_days: int = 90
    sources: dict = field(default_factory=dict)
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


BASELINE_2026_1 = Jurisdiction(
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

UK_NRM_2026_1 = Jurisdiction(
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

# 2026.2 (issue 16): the decision order, the reconsideration window, move-on and lapse of
# protection. Cases opened under 2026.1 keep reading 2026.1 (``for_case``).
BASELINE = Jurisdiction(
    code="baseline", name=N_("Baseline (Palermo Protocol and CoE Convention)"), version="2026.2",
    # Council of Europe Convention on Action against Trafficking in Human Beings (CETS 197),
    # art. 13: a recovery and reflection period of at least 30 days.
    reflection_min_days=30, reflection_trigger="referral",
    # One decision: first and final are the same (CoE Convention art. 10(2)).
    first_decision="identification", final_decision="identification",
    first_decision_target_days=30, first_decision_working_days=False,
    # No instrument sets a window to ask for a decision to be reconsidered; the CoE
    # Convention art. 10(2) and GRETA's guidance ask only that removal waits until the
    # identification process ends. 30 days mirrors the art. 13 minimum.
    review_window_days=30, review_decision_target_days=30, guardian_deadline_days=3,
    plan_review_days=90, plan_stage_review_days=7,
    plan_review_source=BASELINE_2026_1.plan_review_source,
    # No instrument sets a move-on period; CoE Convention art. 12 assistance continues and
    # art. 14 residence is a separate decision. 30 days (the art. 13 minimum) so that no
    # identified victim loses protection the day they are identified: this project's choice.
    move_on_days=30, recovery_needs_assessment_days=14, transition_plan_before_end_days=7,
    # An NGO deployment records the state's decisions as they arrive on paper.
    decided_by="competent_authority", paper_decisions=True,
    sources={
        "reflection_min_days": "CoE Convention (CETS 197) art. 13(1)",
        "review_window_days": "this project's choice; CoE Convention art. 10(2)",
        "move_on_days": "this project's choice; CoE Convention art. 12",
        "recovery_needs_assessment_days": "this project's choice",
        "transition_plan_before_end_days": "this project's choice",
        "missing_child_escalation_hours": "this project's choice; CoE Convention art. 33 "
                                          "(endangered or missing persons)",
        "adult_transition_notice_days": "this project's choice",
    },
    notes="Reflection period of at least 30 days from referral (CoE Convention art. 13).",
)

UK_NRM = Jurisdiction(
    code="uk", name=N_("UK-style National Referral Mechanism"), version="2026.2",
    # Modern Slavery: statutory guidance for England and Wales (under s49 of the Modern
    # Slavery Act 2015): a recovery period of at least 30 days from a positive reasonable
    # grounds decision (30, not 45, since 13 December 2022: Hansard, Modern Slavery Statutory
    # Guidance, HC Deb 13 December 2022).
    reflection_min_days=30, reflection_trigger="positive_first_decision",
    first_decision="reasonable_grounds", final_decision="conclusive_grounds",
    first_decision_target_days=5, first_decision_working_days=True,
    # Modern slavery: NRM and DtN statistics, January to March 2025, "Annex: Reasons for
    # accepting reconsideration requests" (gov.uk, 8 May 2025): a reconsideration request
    # "must be made within 30 calendar days of the negative reasonable grounds or conclusive
    # grounds decision", extended only in exceptional circumstances. (2026.1 had 90.)
    review_window_days=30, review_decision_target_days=30, guardian_deadline_days=2,
    plan_review_days=30, plan_stage_review_days=7,
    plan_review_source=UK_NRM_2026_1.plan_review_source,
    # Same annex: on additional evidence, or concerns that the decision was not made in line
    # with the statutory guidance.
    reconsideration_grounds=("new_evidence", "not_in_line_with_guidance"),
    # Support in England and Wales after a positive conclusive grounds decision (gov.uk,
    # 22 January 2026): "a move-on period which lasts for at least 45 days"; a Recovery Needs
    # Assessment decides on longer support (Home Office, Recovery needs assessment: process
    # guidance). The 14 days to the assessment and the transition plan 10 days before the
    # end are this project's choices.
    move_on_days=45, recovery_needs_assessment_days=14, transition_plan_before_end_days=10,
    # The Single Competent Authority and the Immigration Enforcement Competent Authority
    # decide (Modern Slavery: statutory guidance, chapter 14); an NGO receives the letter.
    decided_by="competent_authority", paper_decisions=True,
    sources={
        "reflection_min_days": "Modern Slavery: statutory guidance for England and Wales "
                               "(s49 Modern Slavery Act 2015); Hansard 13 December 2022",
        "first_decision_target_days": "Modern Slavery: statutory guidance (5 working days)",
        "review_window_days": "gov.uk, NRM and DtN statistics Jan-Mar 2025, Annex: Reasons "
                              "for accepting reconsideration requests (30 calendar days)",
        "move_on_days": "gov.uk, Support in England and Wales after a positive conclusive "
                        "grounds decision, 22 January 2026 (at least 45 days)",
        "recovery_needs_assessment_days": "this project's choice (Home Office, Recovery "
                                          "needs assessment: process guidance)",
        "transition_plan_before_end_days": "this project's choice",
        "missing_child_escalation_hours": "this project's choice",
        "adult_transition_notice_days": "this project's choice",
    },
    notes="Referral, reasonable grounds decision (target 5 working days), recovery period of "
          "at least 30 days, conclusive grounds decision; reconsideration within 30 calendar "
          "days; a move-on period of at least 45 days after a positive conclusive decision.",
)

REGISTRY: dict[str, Jurisdiction] = {}  # code -> the version new cases are opened under
VERSIONS: dict[str, Jurisdiction] = {}  # rule_version -> every published version


def register(jurisdiction: Jurisdiction) -> Jurisdiction:
    """Publish a version; the last registered of a code is the one new cases open under."""
    REGISTRY[jurisdiction.code] = jurisdiction
    VERSIONS[jurisdiction.rule_version] = jurisdiction
    return jurisdiction


for _j in (BASELINE_2026_1, UK_NRM_2026_1, BASELINE, UK_NRM):
    register(_j)


def for_case(case) -> Jurisdiction:
    """The rules a case was opened under: existing cases keep their version."""
    found = VERSIONS.get(getattr(case, "rule_version", None) or "")
    return found if found is not None else get(case.jurisdiction)


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


def add_months(start, months: int):
    """``start`` plus ``months`` calendar months, at the same time of day: the same day of the
    month, or the month's last day where it is shorter (31 January + 1 month is 28 February,
    29 February in a leap year). Check-ins "at 1, 3, 6, 12 months" (RR-4) fall on these."""
    import calendar
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return start.replace(year=year, month=month,
                         day=min(start.day, calendar.monthrange(year, month)[1]))
