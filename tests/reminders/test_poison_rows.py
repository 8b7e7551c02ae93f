"""One bad row never stops the reminders of everyone else (RP-3, LP-1).

A deadline re-planned after it has reminded (a reflection period extended, a decision target
moved, a second reintegration plan) starts a new occurrence, so its reminders are sent again
for the new date and never collide with those already sent. A row the sweep still cannot
process is set aside with its error, retried with back-off, then parked for an administrator;
the urgent safety tasks beside it are sent in the same tick.
"""
from datetime import datetime, timedelta, timezone

from freezegun import freeze_time
from sqlalchemy import select

from referral.cases import decisions
from referral.extensions import db
from referral.reminders import service as reminders
from referral.reminders.models import Deadline, Notification
from tests.factories import create_case, create_user, token_headers

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def sent(deadline_id):
    return [(n.occurrence, n.kind, n.days_before) for n in db.session.scalars(
        select(Notification).where(Notification.deadline_id == deadline_id)
        .order_by(Notification.created_at))]


def urgent_tasks(case, count=5, due=T0):
    rows = [reminders.plan_deadline(case.id, "safety_task", due, source_key=f"urgent-{i}",
                                    risk=3) for i in range(count)]
    db.session.commit()
    return rows


def test_RP3_extending_the_reflection_period_after_a_reminder_keeps_the_sweep_running(
        caseworker, supervisor):
    caseworker.supervisor_id = supervisor.id
    with freeze_time(T0):
        case = create_case(caseworker)
    ends = case.reflection_ends_at
    row = db.session.scalar(select(Deadline).where(Deadline.case_id == case.id,
                                                   Deadline.kind == "reflection_end"))
    with freeze_time(ends - timedelta(days=3)):
        reminders.sweep_due()  # "ends in 7 days" is sent
        assert sent(row.id) == [(0, "reminder", 7)]
        decisions.extend_reflection_period(caseworker, case, days=1,
                                           reason="the person asked for more time")
        db.session.commit()
        tasks = urgent_tasks(case, due=ends - timedelta(days=3))
    with freeze_time(ends - timedelta(days=3, hours=-1)):
        reminders.sweep_due()  # was: IntegrityError once_per_threshold, on every tick
    assert sent(row.id) == [(0, "reminder", 7), (1, "reminder", 7)]
    for task in tasks:
        assert {n[1] for n in sent(task.id)} == {"overdue", "escalation"}
    assert db.session.get(Deadline, row.id).occurrence == 1


def test_replanning_a_date_nothing_has_reminded_about_keeps_the_occurrence(a_case):
    row = reminders.plan_deadline(a_case.id, "hearing", T0 + timedelta(days=30))
    reminders.plan_deadline(a_case.id, "hearing", T0 + timedelta(days=40))
    db.session.commit()
    assert row.occurrence == 0


def plant_poison(case, recipient):
    """A row whose next notification already exists under the same key: the sweep's insert
    fails on the unique constraint, as a row left by an older version of the sweep would."""
    poison = reminders.plan_deadline(case.id, "hearing", T0 - timedelta(days=1),
                                     source_key="poison", assignee_id=recipient.id)
    db.session.add(Notification(recipient_id=recipient.id, deadline_id=poison.id,
                                occurrence=0, case_id=case.id, kind="overdue",
                                deadline_kind="hearing", days_before=-1, message="old"))
    db.session.commit()
    return poison


def test_a_poison_row_among_urgent_ones_is_set_aside_and_the_urgent_ones_are_sent(
        caseworker, supervisor):
    caseworker.supervisor_id = supervisor.id
    with freeze_time(T0 - timedelta(days=2)):
        case = create_case(caseworker)
    poison = plant_poison(case, caseworker)
    tasks = urgent_tasks(case)  # due now, ordered after the poison row
    with freeze_time(T0 + timedelta(minutes=1)):
        assert reminders.sweep_due() >= 6
    for task in tasks:
        assert {n[1] for n in sent(task.id)} == {"overdue", "escalation"}
    poison = db.session.get(Deadline, poison.id)
    assert poison.failures == 1 and poison.last_error.startswith("IntegrityError")
    assert poison.next_at > T0 + timedelta(minutes=1)  # backs off, does not block the head
    assert sent(poison.id) == [(0, "overdue", -1)]  # only the planted one


def test_a_row_that_keeps_failing_is_parked_and_an_administrator_retries_it(
        client, caseworker, supervisor):
    caseworker.supervisor_id = supervisor.id
    admin = create_user("admin", agency=caseworker.agency)
    db.session.commit()
    with freeze_time(T0 - timedelta(days=2)):
        case = create_case(caseworker)
    poison = plant_poison(case, caseworker)
    moment = T0
    for _ in range(reminders.MAX_FAILURES):
        moment += timedelta(hours=2)  # past each back-off
        with freeze_time(moment):
            reminders.sweep_due()
    poison = db.session.get(Deadline, poison.id)
    assert poison.parked_at is not None and poison.next_at is None
    assert poison.failures == reminders.MAX_FAILURES

    listed = client.get("/api/v1/reminders/parked", headers=token_headers(admin))
    assert listed.status_code == 200
    assert [p["id"] for p in listed.json] == [str(poison.id)]
    assert listed.json[0]["last_error"].startswith("IntegrityError")
    assert client.get("/api/v1/reminders/parked",
                      headers=token_headers(caseworker)).status_code == 403

    # The administrator clears the cause and sends the row back to the sweep.
    db.session.execute(Notification.__table__.delete().where(
        Notification.deadline_id == poison.id))
    db.session.commit()
    retried = client.post(f"/api/v1/reminders/parked/{poison.id}/retry",
                          headers=token_headers(admin))
    assert retried.status_code == 200 and retried.json["parked_at"] is None
    with freeze_time(moment + timedelta(minutes=5)):
        reminders.sweep_due()
    assert ("overdue" in {n[1] for n in sent(poison.id)})
    assert db.session.get(Deadline, poison.id).failures == 0


def test_an_administrator_sees_parked_follow_ups_in_the_browser_and_retries_them(
        client, caseworker):
    from tests.web.conftest import login
    create_user("admin", agency=caseworker.agency, username="admin")
    db.session.commit()
    with freeze_time(T0 - timedelta(days=2)):
        case = create_case(caseworker)
    poison = plant_poison(case, caseworker)
    moment = T0
    for _ in range(reminders.MAX_FAILURES):
        moment += timedelta(hours=2)
        with freeze_time(moment):
            reminders.sweep_due()
    login(client, "admin")
    home = client.get("/").get_data(as_text=True)
    assert "1 follow-up could not be sent and waits for you." in home
    page = client.get("/follow-ups/parked").get_data(as_text=True)
    assert "IntegrityError" in page and "hearing" in page
    assert case.reference not in page  # administrators see the row, not whose case it is
    response = client.post(f"/follow-ups/parked/{poison.id}/retry")
    assert response.status_code == 302
    assert db.session.get(Deadline, poison.id).parked_at is None
