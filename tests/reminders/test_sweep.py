"""Follow-ups: every deadline reminds before, notifies when due, escalates once (RP-3, DP-8)."""
import threading
from datetime import datetime, timedelta, timezone

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from referral.extensions import db
from referral.reminders import service as reminders
from referral.reminders.models import Deadline, Notification
from tests.factories import create_case, token_headers

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def notes(**filters):
    query = select(Notification)
    for key, value in filters.items():
        query = query.where(getattr(Notification, key) == value)
    return db.session.scalars(query.order_by(Notification.created_at)).all()


def sweep_at(moment):
    with freeze_time(moment):
        return reminders.sweep_due()


@pytest.fixture
def team(caseworker, supervisor):
    caseworker.supervisor_id = supervisor.id
    db.session.commit()
    return caseworker, supervisor


@pytest.mark.parametrize("kind", sorted(reminders.LABELS))
def test_each_deadline_kind_reminds_notifies_and_escalates_once(team, kind):
    caseworker, supervisor = team
    with freeze_time(T0):
        case = create_case(caseworker)
        due = T0 + timedelta(days=10)
        risk = 3 if kind == "safety_task" else 1
        row = reminders.plan_deadline(case.id, kind, due, source_key="x", risk=risk)
        db.session.commit()
    sweep_at(T0 + timedelta(days=2))  # before any threshold
    assert not notes(deadline_id=row.id)
    sweep_at(due - timedelta(days=7))
    sweep_at(due - timedelta(days=6))  # nothing new in between
    assert [(n.kind, n.days_before) for n in notes(deadline_id=row.id)] == [("reminder", 7)]
    sweep_at(due - timedelta(days=1))
    sweep_at(due + timedelta(minutes=1))
    kinds = [(n.kind, n.recipient_id) for n in notes(deadline_id=row.id)]
    assert kinds[:2] == [("reminder", caseworker.id), ("reminder", caseworker.id)]
    if risk == 3:  # urgent: overdue and escalated in the same sweep
        assert set(kinds[2:]) == {("overdue", caseworker.id), ("escalation", supervisor.id)}
    else:
        assert kinds[2:] == [("overdue", caseworker.id)]
    sweep_at(due + timedelta(days=3))
    sweep_at(due + timedelta(days=30))
    escalations = notes(deadline_id=row.id, kind="escalation")
    assert [n.recipient_id for n in escalations] == [supervisor.id]
    assert len(notes(deadline_id=row.id)) == 4


def test_RP3_the_end_of_the_reflection_period_reminds_and_escalates(team):
    caseworker, supervisor = team
    with freeze_time(T0):
        case = create_case(caseworker)
    ends = case.reflection_ends_at
    for moment in (ends - timedelta(days=7), ends - timedelta(days=1), ends,
                   ends + timedelta(days=3)):
        sweep_at(moment + timedelta(seconds=1))
    kinds = [n.kind for n in notes(deadline_kind="reflection_end")]
    assert kinds == ["reminder", "reminder", "overdue", "escalation"]


def test_a_sweep_run_twice_sends_once(team):
    caseworker, _ = team
    with freeze_time(T0):
        case = create_case(caseworker)
        reminders.plan_deadline(case.id, "hearing", T0 + timedelta(days=1))
        db.session.commit()
    moment = T0 + timedelta(days=1, hours=1)
    sweep_at(moment)
    sweep_at(moment)
    assert len(notes(deadline_kind="hearing", kind="overdue")) == 1


def test_a_missed_sweep_sends_one_reminder_not_a_burst(team):
    caseworker, _ = team
    with freeze_time(T0):
        case = create_case(caseworker)
        reminders.plan_deadline(case.id, "hearing", T0 + timedelta(days=10))
        db.session.commit()
    sweep_at(T0 + timedelta(days=9, hours=12))  # both the 7- and 1-day thresholds passed
    assert [(n.kind, n.days_before) for n in notes(deadline_kind="hearing")] == [
        ("reminder", 1)]


def test_replanning_is_idempotent(caseworker, a_case):
    for _ in range(3):
        reminders.plan_deadline(a_case.id, "hearing", T0, source_key="h1")
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Deadline).where(
        Deadline.kind == "hearing")) == 1


def test_a_met_or_cancelled_deadline_sends_nothing(team):
    caseworker, _ = team
    with freeze_time(T0):
        case = create_case(caseworker)
        reminders.plan_deadline(case.id, "hearing", T0 + timedelta(days=1))
        reminders.plan_deadline(case.id, "limitation", T0 + timedelta(days=1))
        reminders.meet_deadline(case.id, "hearing")
        reminders.cancel_deadlines(case.id, "limitation")
        db.session.commit()
    sweep_at(T0 + timedelta(days=5))
    assert not notes(deadline_kind="hearing") and not notes(deadline_kind="limitation")


def test_DP8_notifications_go_to_staff_and_carry_only_the_reference(team):
    caseworker, _ = team
    with freeze_time(T0):
        case = create_case(caseworker, person={"given_name": "SENTINEL-GIVEN-77",
                                               "family_name": "SENTINEL-FAMILY-77"})
        reminders.plan_deadline(case.id, "hearing", T0 + timedelta(days=1))
        db.session.commit()
    sweep_at(T0 + timedelta(days=2))
    for note in notes():
        assert "SENTINEL" not in note.message
        assert note.case_reference == case.reference
        assert note.recipient_id is not None  # a member of staff, never a contact


@pytest.mark.postgres
def test_two_sweeps_at_once_still_send_once(app, team):
    caseworker, _ = team
    with freeze_time(T0):
        case = create_case(caseworker)
        for i in range(300):
            reminders.plan_deadline(case.id, "hearing", T0 + timedelta(days=1),
                                    source_key=str(i))
        db.session.commit()
    barrier = threading.Barrier(2)
    counts = []

    def sweeper():
        with app.app_context():
            barrier.wait()
            counts.append(reminders.sweep_due(T0 + timedelta(days=1, hours=1), batch_size=50))
            db.session.remove()

    threads = [threading.Thread(target=sweeper) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sum(counts) == 300
    assert db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.kind == "overdue")) == 300


def test_the_supervisor_dashboard_sorts_by_risk_then_days_overdue(client, team):
    caseworker, supervisor = team
    with freeze_time(T0):
        case = create_case(caseworker)
        reminders.plan_deadline(case.id, "hearing", T0 - timedelta(days=20), risk=1)
        reminders.plan_deadline(case.id, "limitation", T0 - timedelta(days=2), risk=2)
        reminders.plan_deadline(case.id, "permit_renewal", T0 - timedelta(days=9), risk=2)
        reminders.plan_deadline(case.id, "consent_expiry", T0 + timedelta(days=9), risk=3)
        db.session.commit()
    with freeze_time(T0):
        response = client.get("/api/v1/supervision/overdue",
                              headers=token_headers(supervisor))
    assert response.status_code == 200
    assert [o["kind"] for o in response.json["overdue"]] == [
        "permit_renewal", "limitation", "hearing"]
    assert response.json["overdue"][0]["caseworker"] == caseworker.display_name
    assert client.get("/api/v1/supervision/overdue",
                      headers=token_headers(caseworker)).status_code == 403


def test_my_follow_ups_and_reassignment(client, team):
    caseworker, supervisor = team
    from tests.factories import create_user
    other = create_user("caseworker", agency=caseworker.agency)
    with freeze_time(T0):
        case = create_case(caseworker)
        row = reminders.plan_deadline(case.id, "hearing", T0 + timedelta(days=3))
        db.session.commit()
    mine = client.get("/api/v1/reminders?mine=1", headers=token_headers(caseworker)).json
    assert "hearing" in [f["kind"] for f in mine["follow_ups"]]
    response = client.post(f"/api/v1/reminders/{row.id}/reassign",
                           headers=token_headers(supervisor),
                           json={"caseworker_id": str(other.id)})
    assert response.status_code == 200
    theirs = client.get("/api/v1/reminders?mine=1", headers=token_headers(other)).json
    assert "hearing" in [f["kind"] for f in theirs["follow_ups"]]
    late = client.post(f"/api/v1/reminders/{row.id}/late-reason",
                       headers=token_headers(supervisor), json={"reason": "court moved it"})
    assert late.json["late_reason"] == "court moved it"


def test_the_case_list_filters_overdue_cases(client, caseworker, cw_headers):
    with freeze_time(T0):
        late = create_case(caseworker)
        create_case(caseworker)  # nothing due: stays out of the overdue list
        reminders.plan_deadline(late.id, "hearing", T0 - timedelta(days=1))
        db.session.commit()
    with freeze_time(T0):
        body = client.get("/api/v1/cases?overdue=true", headers=cw_headers).json
    assert [c["reference"] for c in body["items"]] == [late.reference]


def test_emails_go_through_an_outbox_with_a_stable_message_id(app, team):
    from referral.reminders.models import OutboxMessage
    caseworker, _ = team
    caseworker.email = "caseworker@example.org"
    with freeze_time(T0):
        case = create_case(caseworker)
        reminders.plan_deadline(case.id, "hearing", T0 + timedelta(days=1))
        db.session.commit()
    app.config["SMTP_HOST"] = "127.0.0.1"
    try:
        sweep_at(T0 + timedelta(days=1, hours=1))
    finally:
        app.config["SMTP_HOST"] = None
    rows = db.session.scalars(select(OutboxMessage)).all()
    assert len(rows) == 1 and rows[0].status == "pending"
    assert rows[0].message_id.startswith("<") and rows[0].message_id.endswith("@referral>")
    assert "Sentinelpd" not in rows[0].body and case.reference in rows[0].subject
    sweep_at(T0 + timedelta(days=1, hours=2))
    assert len(db.session.scalars(select(OutboxMessage)).all()) == 1


def test_the_demo_data_has_reminders_to_show_on_the_first_sweep(app):
    from referral import demo
    demo.seed_demo(password="demo password 123", cases_count=3)
    db.session.commit()
    assert reminders.sweep_due() >= 2
    kinds = {n.kind for n in notes()}
    assert {"overdue", "escalation"} <= kinds


def test_a_follow_ups_risk_is_one_of_the_three_levels(a_case):
    """The dashboard reads the riskiest first one risk level at a time (RISK_LEVELS): a
    risk outside them would never be shown, so the database refuses it."""
    from datetime import timedelta

    from sqlalchemy.exc import IntegrityError

    from referral.database import utcnow
    from referral.extensions import db
    from referral.reminders.models import RISK_LEVELS
    from referral.reminders.service import plan_deadline
    assert sorted(RISK_LEVELS) == [1, 2, 3]
    with pytest.raises(IntegrityError):
        plan_deadline(a_case.id, "hearing", utcnow() + timedelta(days=3), risk=4)
        db.session.flush()
    db.session.rollback()
