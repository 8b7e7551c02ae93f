"""DP-3, DP-6: every read and write audited in the same transaction; tamper-evident chain."""
import pytest
from sqlalchemy import select, text

from referral.audit.models import AuditEntry
from referral.audit.service import verify_chain
from referral.extensions import db
from tests.conftest import ON_POSTGRES
from tests.factories import create_case, create_user, token_headers


def run_verify(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def test_DP3_reads_and_writes_of_a_case_are_audited(client, caseworker, a_case, cw_headers):
    client.get(f"/api/v1/cases/{a_case.id}", headers=cw_headers)
    actions = set(db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.case_id == a_case.id)))
    assert {"case.create", "case.transition", "case.read"} <= actions


def test_DP3_the_intact_chain_verifies(app, caseworker, a_case):
    result = run_verify(app)
    assert result.exit_code == 0 and "intact" in result.output


def _tamper(sql, **params):
    """Edit the table behind the application's back (a superuser bypassing the trigger)."""
    db.session.commit()
    with db.engine.begin() as conn:
        if ON_POSTGRES:
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text(sql), params)
    db.session.expire_all()


@pytest.mark.parametrize("attack", ["edit", "delete", "reorder"])
def test_DP3_verify_detects_edited_deleted_and_reordered_entries(app, caseworker, attack):
    create_case(caseworker)
    create_case(caseworker)
    if attack == "edit":
        _tamper("UPDATE audit_entry SET purpose = 'nothing to see' WHERE seq = 3")
    elif attack == "delete":
        _tamper("DELETE FROM audit_entry WHERE seq = 3")
    else:
        _tamper("UPDATE audit_entry SET seq = -seq WHERE seq IN (3, 4)")
        _tamper("UPDATE audit_entry SET seq = 7 - seq WHERE seq IN (-3, -4)")
        _tamper("UPDATE audit_entry SET seq = -seq WHERE seq IN (-3, -4)")
    assert verify_chain()
    result = run_verify(app)
    assert result.exit_code == 1 and "NOT intact" in result.output


@pytest.mark.postgres
def test_DP3_the_table_is_append_only_on_postgresql(caseworker, a_case):
    from sqlalchemy.exc import DBAPIError
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text("UPDATE audit_entry SET purpose = 'x'"))
    db.session.rollback()
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text("DELETE FROM audit_entry"))
    db.session.rollback()


def test_DP3_audit_fails_closed_a_change_without_its_entry_does_not_happen(caseworker, a_case):
    from referral.cases import service
    before = a_case.assistance_state
    original = service.record

    def broken(*args, **kwargs):
        raise RuntimeError("audit store unavailable")

    service.record = broken
    try:
        with pytest.raises(RuntimeError):
            service.apply_transition(caseworker, a_case, "assistance", "offer")
        db.session.rollback()
    finally:
        service.record = original
    db.session.refresh(a_case)
    assert a_case.assistance_state == before


def test_DP3_auditors_read_the_trail_caseworkers_do_not(client, caseworker, a_case):
    auditor = create_user("auditor")
    db.session.commit()
    response = client.get(f"/api/v1/audit?case={a_case.id}", headers=token_headers(auditor))
    assert response.status_code == 200 and response.json[0]["action"] == "case.create"
    assert client.get(f"/api/v1/audit?case={a_case.id}",
                      headers=token_headers(caseworker)).status_code == 403


def test_DP6_who_has_seen_this_file(client, caseworker, supervisor, a_case):
    client.get(f"/api/v1/cases/{a_case.id}", headers=token_headers(supervisor))
    log = client.get(f"/api/v1/cases/{a_case.id}/access-log",
                     headers=token_headers(caseworker)).json
    who = {(entry["who"], entry["action"]) for entry in log}
    assert ("caseworker", "case.create") in who and ("supervisor", "case.read") in who
