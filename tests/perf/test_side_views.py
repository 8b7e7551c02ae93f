"""The side views (the supervisor's dashboard, a shelter's residents): a page costs the same
statements whatever it shows, the dashboard's overdue follow-ups are read a page at a time by
cursor, and every case shown is one read in that person's "who has seen my file" (DP-6)."""
import uuid
from datetime import timedelta

from sqlalchemy import select, update

from referral.audit.models import AuditEntry
from referral.audit.service import access_entries
from referral.cases import access
from referral.cases.models import RefusedAttempt
from referral.database import utcnow
from referral import paging
from referral.extensions import db
from referral.reminders.service import plan_deadline
from referral.supervision import service as supervision
from tests.factories import create_case, create_user, token_headers
from tests.perf.test_query_counts import counting


def overdue_cases(caseworker, n, start=0):
    """n cases, each with one follow-up overdue by a different number of days, the risk
    levels mixed."""
    cases = []
    for i in range(start, start + n):
        case = create_case(caseworker)
        plan_deadline(case.id, "hearing", utcnow() - timedelta(days=i + 1, hours=i % 2),
                      risk=i % 3 + 1)
        cases.append(case)
    db.session.commit()
    return cases


def refused(case, actor):
    db.session.add(RefusedAttempt(case_id=case.id, track="nrm", event="close", rule="NC-3",
                                  message="refused", reason="did not cooperate",
                                  actor_id=actor.id))
    db.session.commit()


def test_a_dashboard_page_costs_the_same_statements_whatever_it_shows(client, supervisor,
                                                                       caseworker, agency):
    headers = token_headers(supervisor)
    client.get("/api/v1/auth/me", headers=headers)  # the token's last use: written once
    counts = []
    for grown in (1, 11):
        cases = overdue_cases(caseworker, grown, start=len(counts) * 100)
        for case in cases:  # refused attempts by as many different people
            refused(case, create_user("caseworker", agency=agency))
        db.session.expire_all()
        with counting() as statements:
            response = client.get("/api/v1/supervision/overdue", headers=headers)
        assert response.status_code == 200
        assert len(response.json["overdue"]) == len(response.json["refused_attempts"])
        counts.append(len(statements))
    assert len(response.json["overdue"]) == 12
    assert counts[0] == counts[1], f"{counts[0]} statements for 1 row, {counts[1]} for 12"


def test_the_cursor_reads_every_overdue_follow_up_once_riskiest_then_longest_overdue(
        client, supervisor, caseworker):
    cases = overdue_cases(caseworker, 11)
    headers = token_headers(supervisor)
    expected = [(row["risk"], -row["days_overdue"]) for row in
                supervision.overdue(supervisor, limit=200)]
    assert expected == sorted(expected, key=lambda r: (-r[0], r[1])) and len(expected) == 11
    shown, cursor, pages = [], None, 0
    while True:
        response = client.get("/api/v1/supervision/overdue", headers=headers,
                              query_string={"per_page": 3, **({"cursor": cursor} if cursor
                                                               else {})})
        assert response.status_code == 200
        assert len(response.json["overdue"]) <= 3
        shown += response.json["overdue"]
        pages += 1
        assert pages <= 4, "the cursor does not move on"
        cursor = response.json["next_cursor"]
        if cursor is None:
            break
    assert pages == 4
    assert [(row["risk"], -row["days_overdue"]) for row in shown] == expected
    assert sorted(row["case_id"] for row in shown) == sorted(str(c.id) for c in cases)
    assert {row["agency"] for row in shown} == {supervisor.agency.name}
    assert client.get("/api/v1/supervision/overdue?cursor=not-one",
                      headers=headers).status_code == 422


def test_a_cursor_the_dashboard_did_not_give_is_a_400_naming_the_cursor(client, supervisor,
                                                                      caseworker):
    """The case list's cursor, a made-up risk level, a time without its zone: each refused."""
    overdue_cases(caseworker, 3)
    headers = token_headers(supervisor)
    case_list_cursor = client.get("/api/v1/cases?per_page=1",
                                  headers=token_headers(caseworker)).json["next_cursor"]
    made_up = paging.make_cursor(7, utcnow(), uuid.uuid4())
    no_zone = paging.make_cursor(2, utcnow().replace(tzinfo=None), uuid.uuid4())
    for cursor in (case_list_cursor, made_up, no_zone, "not-a-cursor"):
        response = client.get("/api/v1/supervision/overdue", headers=headers,
                              query_string={"cursor": cursor})
        assert response.status_code == 422, cursor
        assert "cursor" in response.json["errors"], cursor


def test_the_dashboard_shows_a_page_and_its_web_page_links_the_next(client, supervisor,
                                                                     caseworker):
    overdue_cases(caseworker, supervision.PAGE + 2)
    body = client.get("/api/v1/supervision/overdue", headers=token_headers(supervisor)).json
    assert len(body["overdue"]) == supervision.PAGE and body["next_cursor"]
    from tests.web.conftest import login
    login(client, "supervisor")
    page = client.get("/supervision/").get_data(as_text=True)
    assert f'/supervision/?cursor={body["next_cursor"]}' in page
    rest = client.get(f"/supervision/?cursor={body['next_cursor']}").get_data(as_text=True)
    assert "/supervision/?cursor=" not in rest
    assert rest.count('/escalate"') == 2


def test_DP6_each_case_on_a_dashboard_page_is_a_read_in_its_access_log(client, supervisor,
                                                                       caseworker):
    cases = overdue_cases(caseworker, 3)
    response = client.get("/api/v1/supervision/overdue?per_page=2",
                          headers=token_headers(supervisor))
    shown = [row["case_id"] for row in response.json["overdue"]]
    for case in cases:
        reads_of = [e for e in access_entries(case.id) if e.action == "case.read"
                    and e.purpose == "supervision" and e.User.id == supervisor.id]
        assert len(reads_of) == (1 if str(case.id) in shown else 0)


def test_the_reads_of_a_page_are_the_rows_record_read_writes(supervisor, caseworker):
    cases = overdue_cases(caseworker, 3)
    ids = [c.id for c in cases]

    def written(write):
        last = db.session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))
        write()
        db.session.flush()
        return [(e.actor_id, e.action, e.object_type, e.object_id, e.case_id, e.purpose,
                 e.details, e.note) for e in db.session.scalars(
            select(AuditEntry).where(AuditEntry.id > last).order_by(AuditEntry.id))]

    one_by_one = written(lambda: [access.record_read(supervisor, i, "overdue follow-ups",
                                                     "supervision") for i in ids])
    at_once = written(lambda: access.record_reads(supervisor, ids + [ids[0], None],
                                                  "overdue follow-ups", "supervision"))
    assert len(at_once) == 3 and at_once == one_by_one


def test_the_dashboard_answers_as_its_schema_dumps_it(client, supervisor, caseworker):
    """Dumped without marshmallow per row: the same JSON the schema gives."""
    from freezegun import freeze_time
    from referral.supervision.schemas import DashboardSchema
    cases = overdue_cases(caseworker, 3)
    refused(cases[0], caseworker)
    headers = token_headers(supervisor)
    with freeze_time(utcnow()):
        body = client.get("/api/v1/supervision/overdue", headers=headers).json
        expected = DashboardSchema().dump(supervision.dashboard(supervisor))
    assert body == expected and body["overdue"] and body["refused_attempts"]


def test_a_follow_up_is_shown_to_its_cases_agency_only(client, supervisor, caseworker):
    """The page is read from the follow-ups' own agency column (kept by transfers); each row
    is checked against its case's agency as well, so a follow-up whose column says another
    agency shows neither there nor, beyond its case's agency, anywhere."""
    from referral.accounts.service import create_agency
    from referral.reminders.models import Deadline
    case, = overdue_cases(caseworker, 1)
    other = create_agency("Elsewhere NGO", "ngo")
    elsewhere = create_user("supervisor", agency=other, username="elsewhere-sup")
    db.session.execute(update(Deadline).where(Deadline.case_id == case.id)
                       .values(agency_id=other.id))
    db.session.commit()
    assert supervision.overdue(elsewhere) == []
    assert supervision.overdue(supervisor) == []


def test_the_case_history_and_transitions_answer_as_their_schemas_dump_them(
        client, caseworker, cw_headers):
    """Dumped without marshmallow's walk (referral/plain.py): the same JSON the documented
    schemas give, for a history holding transitions, decisions, consents and referrals."""
    from referral.cases import service
    from referral.cases.schemas import HistoryItemSchema, TransitionsSchema
    from tests.perf.test_query_counts import grow
    case = create_case(caseworker)
    grow(caseworker, case, 2)
    body = client.get(f"/api/v1/cases/{case.id}/history", headers=cw_headers).json
    expected = HistoryItemSchema(many=True).dump(service.history(caseworker, case))
    assert body == expected
    assert {"transition", "decision", "consent", "referral"} <= {item["type"] for item in body}
    body = client.get(f"/api/v1/cases/{case.id}/transitions", headers=cw_headers).json
    expected = TransitionsSchema().dump({"version": case.version,
                                         "tracks": service.transitions_overview(caseworker,
                                                                                case)})
    assert body == expected
    assert any(track["refused"] for track in body["tracks"].values())
