"""My follow-ups for caseworkers and the supervision dashboard, on the web."""
from datetime import timedelta

from referral.database import utcnow
from referral.extensions import db
from referral.reminders import service as reminders
from tests.factories import create_case
from tests.web.conftest import login


def test_my_follow_ups_show_overdue_ones(cw_client, caseworker):
    case = create_case(caseworker)
    reminders.plan_deadline(case.id, "hearing", utcnow() - timedelta(days=2))
    db.session.commit()
    page = cw_client.get("/follow-ups/").get_data(as_text=True)
    assert case.reference in page and "2 days overdue" in page
    assert "overdue" in cw_client.get("/").get_data(as_text=True)


def test_the_supervisor_sees_overdue_follow_ups_and_refusals(client, caseworker, supervisor):
    case = create_case(caseworker)
    reminders.plan_deadline(case.id, "limitation", utcnow() - timedelta(days=4), risk=2)
    db.session.commit()
    login(client, "supervisor")
    page = client.get("/supervision/").get_data(as_text=True)
    assert case.reference in page and "limitation period ends" in page
    assert "Needs your attention" in client.get("/").get_data(as_text=True)
