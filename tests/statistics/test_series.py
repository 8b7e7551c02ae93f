"""DP-4: the published series, each checked against a hand count, and the table sets
suppressed so that no hidden cell can be computed from the published ones."""
from datetime import date, datetime, timezone

from hypothesis import given, settings, strategies as st

from referral.cases.models import AnonymousNotification, CaseTransition, Decision
from referral.extensions import db
from referral.statistics import disclosure, publication, series as S
from tests.factories import create_case
from tests.statistics.attack import derivable


def at(month, day=1):
    return datetime(2026, month, day, 12, tzinfo=timezone.utc)


def decide(case, kind, outcome, when, **extra):
    row = Decision(case_id=case.id, kind=kind, outcome=outcome, decision_maker="Panel",
                   reasons="Reasons.", decided_at=when, rule_version="t", **extra)
    db.session.add(row)
    db.session.flush()
    return row


def moved(case, track, to_state, when):
    db.session.add(CaseTransition(case_id=case.id, track=track, event="e", from_state="x",
                                  to_state=to_state, at=when, rule_version="t"))


def known_data(caseworker):
    """January: 3 women from RO (police), 2 men from UA (helpline, one internal);
    February: 1 re-referral of a known person. Decisions, transitions and notifications
    as noted on each line."""
    jan = []
    for _ in range(3):
        jan.append(create_case(caseworker, person={"sex": "female", "nationality": "RO"},
                               referral_source="police", internal_trafficking=False))
    for internal in (True, None):
        jan.append(create_case(caseworker, person={"sex": "male", "nationality": "UA"},
                               referral_source="helpline", internal_trafficking=internal,
                               exploitation_forms=["forced_labour", "forced_criminality"]))
    again = create_case(caseworker, person={"sex": "male", "nationality": "UA"},
                        previous_case_id=jan[3].id)
    for case in jan:
        case.referred_at = at(1, 5)
    again.referred_at = at(2, 10)
    db.session.query(CaseTransition).delete()  # only the transitions written below
    # first decisions: 3 positive in January (10, 20, 30 days), 1 negative in February
    first = [decide(jan[0], "identification", "positive", at(1, 15)),
             decide(jan[1], "identification", "positive", at(1, 25)),
             decide(jan[2], "identification", "positive", at(2, 4)),
             decide(jan[3], "identification", "negative", at(2, 14))]
    # the negative one is reviewed and overturned in March, then a positive decision follows
    decide(jan[3], "review", "overturned", at(3, 1), review_of_id=first[3].id)
    later = decide(jan[3], "identification", "positive", at(3, 2))
    first[3].superseded_by_id = later.id
    moved(jan[0], "assistance", "in_progress", at(2, 1))
    moved(jan[1], "assistance", "in_progress", at(2, 2))
    moved(jan[0], "shelter", "staying", at(2, 3))
    moved(jan[1], "legal", "involved", at(3, 3))
    moved(jan[2], "return", "travelled", at(3, 4))
    moved(jan[1], "nrm", "local_integration", at(3, 5))
    for _ in range(2):
        db.session.add(AnonymousNotification(agency_id=caseworker.agency_id, sex="female",
                                             age_group="18-24", nationality="VN",
                                             jurisdiction="baseline", recorded_at=at(1, 3)))
    db.session.commit()
    return jan


def publish_without_suppression(app, monkeypatch, today=date(2026, 4, 1)):
    monkeypatch.setitem(app.config, "STATISTICS_MIN_CELL", 1)
    publication.publish_periods(today=today)


def cell(series, period, dim="total", value="*", outcome="*"):
    row = publication.published(series, period)
    return row.cells.get(publication.cell_key(dim, value, outcome), 0) if row else None


def test_DP4_each_series_matches_the_hand_count(app, caseworker, monkeypatch):
    known_data(caseworker)
    publish_without_suppression(app, monkeypatch)
    # referrals: 5 in January, 1 in February, none in March; the quarter adds them up
    assert [cell("referrals", p) for p in ("2026-01", "2026-02", "2026-Q1", "2026")] \
        == [5, 1, 6, None]  # the year has not ended: not published
    assert cell("referrals", "2026-01", "sex", "female") == 3
    assert cell("referrals", "2026-01", "nationality", "UA") == 2
    assert cell("referrals", "2026-01", "referral_source", "police") == 3
    assert cell("referrals", "2026-01", "border", "internal") == 1
    assert cell("referrals", "2026-01", "border", "cross_border") == 3
    assert cell("referrals", "2026-01", "border", "unknown") == 1
    # a case with two forms counts once in each form, once in the total
    assert cell("referrals", "2026-01", "exploitation_form", "forced_criminality") == 2
    assert cell("referrals", "2026-01", "exploitation_form", "forced_labour") == 5
    assert cell("referrals", "2026-01", "jurisdiction", "baseline") == 5
    # anonymous notifications are their own series, never in the referrals
    assert cell("anonymous_notifications", "2026-01") == 2
    assert cell("anonymous_notifications", "2026-01", "nationality", "VN") == 2
    assert cell("referrals", "2026-01", "nationality", "VN") == 0
    # first decisions: the earliest of each case; the positive after review is not a first
    assert cell("first_decisions", "2026-01", outcome="positive") == 2
    assert cell("first_decisions", "2026-02", outcome="positive") == 1
    assert cell("first_decisions", "2026-02", outcome="negative") == 1
    assert cell("first_decisions", "2026-03") == 0
    assert cell("first_decisions", "2026-Q1", "sex", "male", "negative") == 1
    # final decisions: the standing decision (the superseded negative is not final)
    assert cell("final_decisions", "2026-Q1", outcome="positive") == 4
    assert cell("final_decisions", "2026-Q1", outcome="negative") == 0
    assert cell("reconsiderations", "2026-03", outcome="overturned") == 1
    assert cell("assistance_started", "2026-02") == 2
    assert cell("shelter_entries", "2026-02") == 1
    assert cell("proceedings", "2026-03") == 1
    assert cell("returns", "2026-03") == 1
    assert cell("local_integration", "2026-03") == 1
    assert cell("re_referrals", "2026-02") == 1 and cell("re_referrals", "2026-01") == 0
    # decision times, referral (5 Jan) to first decision: 10, 20, 30, 40 days
    q1 = publication.published("first_decisions", "2026-Q1").summary
    assert (q1["days_n"], q1["median_days"], q1["p90_days"]) == (4, 20, 40)
    final = publication.published("final_decisions", "2026-Q1").summary
    assert (final["median_days"], final["p90_days"]) == (20, 56)  # 10, 20, 30, 56


def test_DP4_stocks_count_people_in_a_state_at_the_end_of_each_period(app, caseworker,
                                                                       monkeypatch):
    """People in assistance, in a shelter, in proceedings and missing at the end of a month;
    a quarter is its last month. Missing episodes are counted when they begin."""
    from referral.missing.models import MissingEpisode
    first, second, third, fourth, _ = known_data(caseworker)
    # known_data: assistance from 1 and 2 Feb (first, second), shelter from 3 Feb (first),
    # proceedings from 3 Mar (second). Here: second's assistance is suspended on 10 Feb
    # (still in assistance) and ends on 10 Mar; first leaves the shelter on 20 Mar and comes
    # back on 25 Mar (one stay at the end of March, not two).
    moved(second, "assistance", "suspended", at(2, 10))
    moved(second, "assistance", "ended", at(3, 10))
    moved(first, "shelter", "left", at(3, 20))
    moved(first, "shelter", "staying", at(3, 25))
    # third goes missing on 20 Feb and is found on 5 Mar; fourth goes missing on 15 Mar
    for case, since, found in ((third, at(2, 20), at(3, 5)), (fourth, at(3, 15), None)):
        db.session.add(MissingEpisode(case_id=case.id, missing_since=since, found_at=found,
                                      status="found" if found else "missing",
                                      reported_by_id=caseworker.id))
    db.session.commit()
    publish_without_suppression(app, monkeypatch)
    months = ("2026-01", "2026-02", "2026-03", "2026-Q1")
    assert [cell("in_assistance", p) for p in months] == [0, 2, 1, 1]
    assert [cell("in_shelter", p) for p in months] == [0, 1, 1, 1]
    assert [cell("in_proceedings", p) for p in months] == [0, 0, 1, 1]
    assert [cell("missing_now", p) for p in months] == [0, 1, 1, 1]
    assert [cell("missing_episodes", p) for p in months] == [0, 1, 1, 2]
    assert cell("in_assistance", "2026-02", "sex", "female") == 2
    assert cell("missing_now", "2026-Q1", "nationality", "UA") == 1  # fourth: from UA
    assert cell("assistance_started", "2026-Q1") == 2  # the flow is unchanged


def test_DP4_a_stock_quarter_is_its_last_month_in_the_disclosure_lines():
    """For a stock the quarter repeats its last month: hiding one hides the other."""
    monthly = S.project({"2026-03": {("all", "female", "18-24", "RO", ("forced_labour",),
                                      ("forced_labour",), "police", "unknown", "baseline"): 4,
                                     ("all", "male", "18-24", "RO", ("forced_labour",),
                                      ("forced_labour",), "police", "unknown", "baseline"): 30}})
    periods = ["2026-01", "2026-02", "2026-03", "2026-Q1"]
    counts, hidden, lines = publication.suppressed_set(monthly, periods, False, 11,
                                                       stock=True)
    assert counts[("2026-Q1", "total", "*", "*")] == 34  # March, not January to March
    assert ("2026-Q1", "sex", "female", "*") in hidden
    assert ("2026-03", "sex", "female", "*") in hidden
    assert derivable(lines, hidden) == set()


def test_DP4_series_are_never_merged(app, caseworker, monkeypatch):
    known_data(caseworker)
    publish_without_suppression(app, monkeypatch)
    names = {row for row in S.SERIES}
    assert {"referrals", "anonymous_notifications", "first_decisions",
            "final_decisions"} <= names
    assert cell("referrals", "2026-Q1") + cell("anonymous_notifications", "2026-Q1") == 8


def test_DP4_a_published_period_is_frozen(app, caseworker, monkeypatch):
    known_data(caseworker)
    monkeypatch.setitem(app.config, "STATISTICS_MIN_CELL", 1)
    assert publication.publish_periods(today=date(2026, 2, 1)) == len(S.SERIES)  # January
    january = publication.published("referrals", "2026-01").cells
    create_case(caseworker).referred_at = at(1, 20)  # recorded late
    db.session.commit()
    publication.publish_periods(today=date(2026, 4, 1))
    assert publication.published("referrals", "2026-01").cells == january
    assert cell("referrals", "2026-Q1") == 7  # the quarter counts it


def test_DP4_small_cells_and_their_complements_are_hidden_in_the_published_rows(
        app, caseworker):
    known_data(caseworker)
    publication.publish_periods(today=date(2026, 4, 1))  # k = 11: everything is small
    row = publication.published("referrals", "2026-01")
    assert all(v is None or v == 0 for v in row.cells.values())
    assert row.cells["total|*|*"] is None


# ---- the intruder ----------------------------------------------------------------------

dims = st.tuples(st.sampled_from(["female", "male", "unknown"]),
                 st.sampled_from(["18-24", "25-34"]),
                 st.sampled_from(["RO", "UA", "VN"]),
                 st.lists(st.sampled_from(["forced_labour", "sexual_exploitation"]),
                          max_size=2, unique=True).map(lambda v: tuple(sorted(v)) or
                                                       ("unknown",)))
combo = st.tuples(st.sampled_from(["2026-01", "2026-02", "2026-03"]),
                  st.sampled_from(["positive", "negative"]), dims,
                  st.integers(min_value=1, max_value=25))


def as_monthly(rows):
    monthly = {}
    for month, outcome, (sex, age, nat, forms), n in rows:
        key = (outcome, sex, age, nat, forms, forms, "police", "unknown", "baseline")
        bucket = monthly.setdefault(month, {})
        bucket[key] = bucket.get(key, 0) + n
    return S.project(monthly)


@settings(max_examples=40, deadline=None)
@given(st.lists(combo, min_size=1, max_size=14), st.booleans(), st.booleans())
def test_DP4_no_suppressed_cell_can_be_derived_from_the_published_table_set(rows, valued,
                                                                            stock):
    """Across the months, the quarter, every dimension and the outcomes of one set; for a
    flow (the quarter adds up its months) and for a stock (the quarter is its last month)."""
    periods = ["2026-01", "2026-02", "2026-03", "2026-Q1"]
    counts, hidden, lines = publication.suppressed_set(as_monthly(rows), periods, valued, 11,
                                                       stock=stock)
    assert all(k in hidden for k, n in counts.items() if 0 < n < 11)
    assert derivable(lines, hidden) == set()


def publish_in_turn(rows, months_alone):
    """Each of ``months_alone`` published on its own as it closes, then the quarter: the
    frozen cells of the earlier publications, and the quarter's table set."""
    months = ["2026-01", "2026-02", "2026-03"]
    frozen: dict = {}
    for i in range(months_alone):
        upto = [r for r in rows if r[0] in months[:i + 1]]
        counts, hidden, _ = publication.suppressed_set(as_monthly(upto), months[:i + 1],
                                                       True, 11, frozen)
        frozen = {k: k not in hidden for k in counts}
    counts, hidden, lines = publication.suppressed_set(as_monthly(rows), [*months, "2026-Q1"],
                                                       True, 11, frozen)
    return frozen, counts, hidden, lines


@settings(max_examples=60, deadline=None)
@given(st.lists(combo, min_size=1, max_size=14), st.integers(min_value=1, max_value=2))
def test_DP4_complements_chosen_around_a_frozen_month_leave_nothing_derivable(rows,
                                                                              months_alone):
    """January (and February) were published on their own; the quarter comes later. What
    they hid stays hidden, what they showed stays shown, and neither a hidden cell of a
    month nor one of the quarter can be computed from the other publications."""
    frozen, counts, hidden, lines = publish_in_turn(rows, months_alone)
    assert {k for k, shown in frozen.items() if not shown} <= hidden
    assert not {k for k, shown in frozen.items() if shown} & hidden
    assert all(k in hidden for k, n in counts.items() if 0 < n < 11 and k not in frozen)
    assert derivable(lines, hidden) == set()


def test_DP4_a_cell_a_published_month_left_out_is_known_to_be_zero():
    """January had nobody aged 18-24 and nobody from VN; both came later. January's
    published table said, by leaving them out, that they were 0: those zeros are known and
    cannot serve to hide a cell of the quarter (chosen as complements, they left a cell
    computable)."""
    rows = [("2026-01", "negative", ("male", "25-34", "UA", ("unknown",)), 6),
            ("2026-01", "negative", ("female", "25-34", "RO",
                                     ("forced_labour", "sexual_exploitation")), 19),
            ("2026-01", "positive", ("unknown", "25-34", "UA",
                                     ("forced_labour", "sexual_exploitation")), 22),
            ("2026-02", "positive", ("male", "25-34", "VN",
                                     ("forced_labour", "sexual_exploitation")), 9),
            ("2026-03", "negative", ("unknown", "25-34", "VN", ("sexual_exploitation",)), 12),
            ("2026-03", "negative", ("male", "18-24", "UA",
                                     ("forced_labour", "sexual_exploitation")), 16)]
    frozen, counts, hidden, lines = publish_in_turn(rows, 1)
    left_out = {k for k in counts if k[0] == "2026-01" and k not in frozen}
    assert ("2026-01", "age_group", "18-24", "*") in left_out
    assert not left_out & hidden
    assert derivable(lines, hidden) == set()


def test_DP4_the_exact_check_runs_on_a_set_of_any_size():
    """A set hiding thousands of entries (a long tail of nationalities, each small) is still
    checked exactly: the identities are reduced group by group, and nothing is left that an
    intruder could compute."""
    nationalities = [f"{a}{b}" for a in "ABCDEFGHIJ" for b in "ABCDEFGHIJKLMNOPQRST"]
    rows = [(month, outcome, ("female" if i % 2 else "male", "18-24", nat, ("forced_labour",)),
             1 + (i + j) % 4)
            for i, nat in enumerate(nationalities)
            for j, (month, outcome) in enumerate([("2026-01", "positive"),
                                                  ("2026-02", "negative"),
                                                  ("2026-03", "positive")])]
    periods = ["2026-01", "2026-02", "2026-03", "2026-Q1"]
    counts, hidden, lines = publication.suppressed_set(as_monthly(rows), periods, True, 11)
    assert len(hidden) > 1500  # beyond where the exact check used to stop
    assert all(k in hidden for k, n in counts.items() if 0 < n < 11)
    assert disclosure.recoverable(lines, hidden) == set()


def test_DP4_the_intruder_finds_a_cell_left_alone_in_its_line():
    """The attack is real: without complementary suppression it recovers the hidden cell."""
    lines = [([("p", "sex", "female", "*"), ("p", "sex", "male", "*")],
              ("p", "total", "*", "*"))]
    assert derivable(lines, {("p", "sex", "male", "*")}) == {("p", "sex", "male", "*")}
    assert derivable(lines, {("p", "sex", "male", "*"), ("p", "sex", "female", "*")}) == set()


def test_DP4_the_worker_publishes_each_closed_period(app, caseworker):
    from freezegun import freeze_time

    from worker.tasks import publish_statistics
    known_data(caseworker)
    with freeze_time("2026-04-01 03:00:00"):
        publish_statistics()
    assert publication.published_periods("quarter") == ["2026-Q1"]
    assert publication.published("referrals", "2026-04") is None  # April has not ended
    with freeze_time("2026-04-01 03:05:00"):
        assert publication.publish_periods() == 0  # nothing closed since: nothing counted
