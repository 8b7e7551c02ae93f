"""No N+1: the statements a request runs do not grow with a case's history, decisions,
consents, referrals or follow-ups."""
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event

from referral.database import utcnow
from referral.extensions import db
from referral.reminders.service import plan_deadline
from tests.cases.conftest import decide, transition
from tests.factories import create_case, create_provider, give_consent


@contextmanager
def counting():
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def grow(caseworker, case, n):
    """n of everything: history rows, decisions, consents, referrals, follow-ups."""
    from referral.services import service as services
    provider = create_provider(services=("medical",))
    for i in range(n):
        transition(caseworker, case, "assistance", "offer")
        transition(caseworker, case, "assistance", "decline", reason="not now",
                   facts={"reason_code": "not_needed_now", "person_view": "later, perhaps"})
        decide(caseworker, case, kind="risk_assessment", outcome="low")
        give_consent(caseworker, case, "referral", provider)
        services.make_referral(caseworker, case, provider_id=provider.id, service="medical")
        plan_deadline(case.id, "hearing", utcnow() + timedelta(days=5), source_key=str(i))
    db.session.commit()


PATHS = ["/api/v1/cases/{id}", "/api/v1/cases/{id}/history", "/api/v1/cases/{id}/transitions",
         "/api/v1/cases/{id}/decisions", "/api/v1/cases/{id}/consents",
         "/api/v1/cases/{id}/referrals", "/api/v1/cases?per_page=50", "/api/v1/reminders?mine=1",
         "/cases/{id}"]


@pytest.mark.parametrize("path", PATHS)
def test_statements_per_request_do_not_grow_with_the_case(client, caseworker, cw_headers,
                                                          path):
    from tests.web.conftest import login
    login(client, "caseworker")
    small, large = create_case(caseworker), create_case(caseworker)
    grow(caseworker, small, 1)
    grow(caseworker, large, 30)
    client.get("/api/v1/auth/me", headers=cw_headers)  # the token's last use: written once
    counts = []
    for case in (small, large):
        db.session.expire_all()
        with counting() as statements:
            response = client.get(path.format(id=case.id), headers=cw_headers)
        assert response.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], f"{path}: {counts[0]} statements for 1, {counts[1]} for 30"


LISTS = ["/api/v1/cases?per_page={n}", "/api/v1/cases?assigned_to=me&per_page={n}",
         "/api/v1/cases?overdue=true&per_page={n}", "/api/v1/cases?per_page={n}&total=true"]


def list_statements(client, headers, path):
    db.session.expire_all()
    with counting() as statements:
        response = client.get(path, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return statements, response.get_json()


@pytest.mark.parametrize("path", LISTS)
def test_case_list_statements_do_not_grow_with_the_page(client, agency, caseworker,
                                                        cw_headers, path):
    """A page of 1 or of 12 cases, held by different caseworkers, each with a follow-up
    due: the same statements, and none reads a case's sealed fields or its person (the
    list shows neither)."""
    from tests.factories import create_user
    others = [create_user("caseworker", agency=agency) for _ in range(2)]
    db.session.commit()
    for i in range(12):
        # a third mine, the rest theirs: a list of "me" holds four
        case = create_case(caseworker, assigned_to_id=(caseworker, *others)[i % 3].id)
        plan_deadline(case.id, "hearing", utcnow() - timedelta(days=1))
    db.session.commit()
    client.get("/api/v1/auth/me", headers=cw_headers)  # the token's last use: written once
    one, page_of_one = list_statements(client, cw_headers, path.format(n=1))
    many, page = list_statements(client, cw_headers, path.format(n=12))
    assert len(page_of_one["items"]) == 1 and len(page["items"]) >= 4
    assert len(one) == len(many), f"{path}: {len(one)} statements for 1, {len(many)} for 12"
    assert {item["assigned_to"] for item in page["items"]} >= {caseworker.display_name}
    listing = [s for s in many if "case_file" in s]
    assert not [s for s in listing if "_enc" in s or "person." in s], listing


def test_follow_up_list_statements_do_not_grow_with_the_list(client, caseworker, cw_headers):
    """My follow-ups and notifications: one of each, then thirty: the same statements, and
    no deadline's JSON columns (reminders sent, details) are read for the list."""
    from referral.reminders.models import Notification
    counts = []
    for n, new in ((1, 1), (30, 29)):
        for i in range(new):
            case = create_case(caseworker)
            row = plan_deadline(case.id, "hearing", utcnow() + timedelta(days=i - 3),
                                assignee_id=caseworker.id if i % 2 else None)
            db.session.add(Notification(recipient_id=caseworker.id, deadline_id=row.id,
                                        case_id=case.id, case_reference=case.reference,
                                        kind="reminder", message=f"{case.reference}: hearing",
                                        days_before=i))
        db.session.commit()
        client.get("/api/v1/auth/me", headers=cw_headers)
        statements, body = list_statements(client, cw_headers, "/api/v1/reminders")
        assert len(body["follow_ups"]) >= n and len(body["notifications"]) >= n
        assert not [s for s in statements if "remind_days" in s or "deadline.details" in s]
        counts.append(len(statements))
    assert counts[0] == counts[1], f"{counts[0]} statements for 1 follow-up, {counts[1]} for 30"


@contextmanager
def units_of_work():
    """The flushes that ran the session's unit of work (``after_flush`` ends each one)."""
    flushes = []
    listener = lambda session, *args: flushes.append(session)  # noqa: E731
    event.listen(db.session, "after_flush", listener)
    try:
        yield flushes
    finally:
        event.remove(db.session, "after_flush", listener)


# -- the fixed cost every authenticated request pays --------------------------------------

def test_reading_a_case_runs_three_statements_and_writes_its_entry_without_the_unit_of_work(
        client, caseworker, cw_headers):
    """The simplest audited read: the token with its user, the case, the audit entry. The
    entry goes in with one plain INSERT at the end of the request, not through the session's
    unit of work (which, had it run, would end its flush with ``after_flush``), and it holds
    what ``record`` was given."""
    from sqlalchemy import select
    from referral.audit.models import AuditEntry
    case = create_case(caseworker)
    client.get("/api/v1/auth/me", headers=cw_headers)  # the token's last use: written once
    with units_of_work() as flushes, counting() as statements:
        response = client.get(f"/api/v1/cases/{case.id}", headers=cw_headers)
    assert response.status_code == 200
    assert len(statements) == 3, statements
    assert flushes == []
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (entry.actor_id, entry.action, entry.object_type, entry.object_id, entry.case_id,
            entry.purpose, entry.details, entry.note) == (
        caseworker.id, "case.read", "case", str(case.id), case.id, "case management",
        {"view": "case file"}, None)


def test_a_colleagues_case_file_costs_the_same_three_statements_with_both_names(
        client, agency, caseworker, cw_headers):
    """The case file names its agency and caseworker: read with the case, not by loading
    the caseworker's account (with its roles) and the agency as objects afterwards."""
    from tests.factories import create_user
    colleague = create_user("caseworker", agency=agency, display_name="Mara Colleague")
    case = create_case(colleague)
    db.session.commit()
    db.session.expunge_all()  # nothing of the colleague's is at hand
    client.get("/api/v1/auth/me", headers=cw_headers)  # the token's last use: written once
    with counting() as statements:
        response = client.get(f"/api/v1/cases/{case.id}", headers=cw_headers)
    assert response.status_code == 200
    assert (response.json["agency"], response.json["assigned_to"]) == (
        agency.name, "Mara Colleague")
    assert len(statements) == 3, statements


def test_a_case_history_is_read_in_one_statement_whatever_feeds_it(client, caseworker,
                                                                   cw_headers):
    """Transitions, decisions, consents, referrals, notes and documents: every area's lines
    come in one statement. The request runs four: the token, the case, the timeline and
    the audit entry of the read."""
    from tests.documents.conftest import add
    from tests.documents.files import pdf_with_metadata
    from tests.notes.test_notes import contact
    case = create_case(caseworker)
    grow(caseworker, case, 2)
    assert client.post(f"/api/v1/cases/{case.id}/notes", headers=cw_headers,
                       json=contact()).status_code == 201
    add(caseworker, case, pdf_with_metadata(), title="Conclusive grounds letter")
    db.session.commit()
    client.get("/api/v1/auth/me", headers=cw_headers)  # the token's last use: written once
    with counting() as statements:
        response = client.get(f"/api/v1/cases/{case.id}/history", headers=cw_headers)
    assert response.status_code == 200
    kinds = [item["type"] for item in response.json]
    assert {kind: kinds.count(kind) for kind in set(kinds)} == {
        "transition": 5, "decision": 2, "consent": 2, "referral": 2, "note": 1, "document": 1}
    assert len(statements) == 4, statements
    from referral.cases.service import history
    assert [item["title"] for item in history(caseworker, case)
            if item["type"] == "document"] == ["Conclusive grounds letter"]  # opened


def test_authenticating_a_request_builds_no_object_for_the_account(client, caseworker,
                                                                   cw_headers):
    """Every API request starts by authenticating its token: one row read into a plain
    value, no ORM object for the token, the account, its agency or its roles."""
    from referral.accounts.models import Agency, ApiToken, User, UserRole
    loaded = []

    def on_load(target, context):
        loaded.append(type(target).__name__)
    listeners = [(cls, on_load) for cls in (ApiToken, User, Agency, UserRole)]
    for cls, fn in listeners:
        event.listen(cls, "load", fn)
    try:
        assert client.get("/api/v1/cases?per_page=5", headers=cw_headers).status_code == 200
    finally:
        for cls, fn in listeners:
            event.remove(cls, "load", fn)
    assert loaded == []


@pytest.mark.parametrize("path", ["/api/v1/cases/{id}", "/api/v1/cases?per_page=5"])
def test_a_request_builds_no_schema(client, caseworker, cw_headers, monkeypatch, path):
    """Schemas (responses and arguments alike) are built once, not per request: building
    one deep-copies every declared field."""
    import marshmallow
    case = create_case(caseworker)
    assert client.get(path.format(id=case.id), headers=cw_headers).status_code == 200
    built = []
    init = marshmallow.Schema.__init__

    def counting_init(self, *args, **kwargs):
        built.append(type(self).__name__)
        init(self, *args, **kwargs)
    monkeypatch.setattr(marshmallow.Schema, "__init__", counting_init)
    response = client.get(path.format(id=case.id), headers=cw_headers)
    assert response.status_code == 200 and str(case.id) in response.get_data(as_text=True)
    assert built == []


def test_the_case_loader_builds_its_statement_once_for_each_set_of_scope_rules(
        client, agency, caseworker, cw_headers):
    """A case is loaded by a statement built once for the scope rules that apply (here:
    the agency's staff), whoever reads: another caseworker's read, of another case, builds
    nothing new, and still finds only what their scope holds."""
    from referral.cases import access
    from tests.factories import create_user, token_headers
    colleague = create_user("caseworker", agency=agency)
    mine, theirs = create_case(caseworker), create_case(colleague)
    db.session.commit()
    assert client.get(f"/api/v1/cases/{mine.id}", headers=cw_headers).status_code == 200
    built = access._case_by_id.cache_info().currsize
    assert client.get(f"/api/v1/cases/{theirs.id}",
                      headers=token_headers(colleague)).status_code == 200
    assert client.get(f"/api/v1/cases/{mine.id}", headers=cw_headers).status_code == 200
    assert access._case_by_id.cache_info().currsize == built


def test_the_token_last_use_is_written_at_most_once_a_minute(client, caseworker, cw_headers):
    from sqlalchemy import select, update
    from referral.accounts.models import ApiToken
    for _ in range(3):
        with counting() as statements:
            assert client.get("/api/v1/auth/me", headers=cw_headers).status_code == 200
        writes = [s for s in statements if s.lstrip().upper().startswith("UPDATE API_TOKEN")]
    assert writes == []  # the first request wrote it; the next ones within the minute do not
    db.session.execute(update(ApiToken).values(last_used_at=utcnow() - timedelta(seconds=90)))
    db.session.commit()
    counts = []
    for _ in range(2):
        with counting() as statements:
            assert client.get("/api/v1/auth/me", headers=cw_headers).status_code == 200
        counts.append(sum(1 for s in statements
                          if s.lstrip().upper().startswith("UPDATE API_TOKEN")))
    assert counts == [1, 0]
    used = db.session.scalar(select(ApiToken.last_used_at)
                             .where(ApiToken.user_id == caseworker.id))
    assert utcnow() - used < timedelta(seconds=30)


def test_the_api_document_is_serialised_once(client, app, monkeypatch):
    from referral.extensions import api
    first = client.get("/api/v1/openapi.json")
    calls = []
    to_dict = api.spec.to_dict
    monkeypatch.setattr(api.spec, "to_dict", lambda: calls.append(1) or to_dict())
    second = client.get("/api/v1/openapi.json")
    assert first.status_code == second.status_code == 200
    assert second.get_data() == first.get_data() and second.json["paths"]
    assert second.mimetype == "application/json"
    assert second.headers["Cache-Control"] == "no-store"
    assert calls == []


# The case file a caseworker opens: what each of its reads costs in statements, with a case
# that has something on every track (consents, an override, decisions, follow-ups,
# cooperation, proceedings with hearings). The transitions overview gathers every track's
# facts once; the history reads transitions and decisions in one statement; the legal
# summary reads proceedings with their hearings and measures in one. A change that adds a
# statement to any of them fails here: lower the figure when a change saves one.
CASE_FILE_STATEMENTS = {
    "/api/v1/cases/{id}/transitions": 9,
    "/api/v1/cases/{id}/history": 10,
    "/api/v1/cases/{id}/legal": 6,
}


@pytest.mark.parametrize("path", sorted(CASE_FILE_STATEMENTS))
def test_the_case_file_reads_cost_no_more_statements_than_they_do(
        client, caseworker, supervisor, cw_headers, path):
    from referral.consent import service as consent_service
    from referral.legal import service as legal
    case = create_case(caseworker)
    grow(caseworker, case, 3)
    shelter = create_provider(services=("accommodation",))
    give_consent(caseworker, case, "service", shelter)
    override = consent_service.request_override(caseworker, case, purpose="service",
                                                grounds="danger_to_life", reason="urgent")
    consent_service.approve_override(supervisor, override)
    decide(caseworker, case, kind="best_interests_assessment", outcome="completed")
    legal.record_cooperation(caseworker, case, kind="statement", value="given")
    proceeding = legal.open_proceeding(caseworker, case, kind="criminal",
                                       person_role="victim",
                                       court_or_authority="District court")
    legal.add_hearing(caseworker, proceeding, at=utcnow() + timedelta(days=9),
                      place="District court, room 2")
    legal.add_measure(caseworker, proceeding, kind="screen",
                      review_at=utcnow() + timedelta(days=30))
    db.session.commit()
    url = path.format(id=case.id)
    client.get("/api/v1/auth/me", headers=cw_headers)  # the token's last use: written once
    db.session.expire_all()
    with units_of_work() as flushes, counting() as statements:
        response = client.get(url, headers=cw_headers)
    assert response.status_code == 200
    assert len(statements) <= CASE_FILE_STATEMENTS[path], "\n".join(
        [f"{path}: {len(statements)} statements"] + [s[:90] for s in statements])
    # The read's audit entry is recorded before the file's other reads run: the first of
    # them writes it with a plain INSERT, not through the unit of work of an autoflush.
    assert flushes == []
