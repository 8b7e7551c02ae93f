"""The sweep reads what a batch needs once per batch: the statements it sends for a batch
of realistic rows (many cases, caseworkers with e-mail, urgent rows that escalate to their
supervisor or to the agency's supervisors) do not grow with the number of rows."""
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event, func, select

from referral.database import utcnow
from referral.extensions import db
from referral.reminders import service as reminders
from referral.reminders.models import Notification, OutboxMessage
from tests.factories import create_agency, create_case, create_user


LAST = []  # the statements of the last sweep counted, shown when the test fails


@contextmanager
def counting():
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def plant(n):
    """n due rows on n cases as the app makes them: each case's caseworker (with e-mail and
    a supervisor, or none, so the agency's supervisors are told), a third of them urgent."""
    agency = create_agency()
    supervisor = create_user("supervisor", agency=agency, email="sup@example.org")
    staff = [create_user("caseworker", agency=agency, email=f"cw{i}@example.org",
                         supervisor=supervisor if i % 2 else None) for i in range(4)]
    due = utcnow() - timedelta(hours=1)
    for i in range(n):
        case = create_case(staff[i % len(staff)])
        reminders.plan_deadline(case.id, "safety_task" if i % 3 == 0 else "hearing", due,
                                remind_days=(), risk=3 if i % 3 == 0 else 1)
    db.session.commit()


def sweep_counting(n):
    plant(n)
    db.session.expire_all()
    before = db.session.scalar(select(func.count()).select_from(Notification))
    with counting() as statements:
        assert reminders.sweep_due() == n
    sent = db.session.scalar(select(func.count()).select_from(Notification)) - before
    LAST[:] = [x[:90] for x in statements]
    return len(statements), sent


def test_statements_per_batch_do_not_grow_with_its_rows():
    small, small_sent = sweep_counting(6)
    large, large_sent = sweep_counting(36)
    assert large_sent == 36 + 12 and small_sent == 6 + 2  # overdue each, urgent escalate
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == \
        small_sent + large_sent  # every recipient has an address
    assert large == small, f"{small} statements for 6 rows, {large} for 36: {LAST}"
    assert large / 36 < 1
