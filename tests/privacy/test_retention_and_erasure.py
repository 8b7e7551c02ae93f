"""DP-5: retention and erasure follow a schedule; erasure is blocked while proceedings or
appeals are active (legal hold), and the hold is visible."""
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from referral.audit.models import AuditEntry
from referral.cases.models import Case, Person
from referral.database import utcnow
from referral.errors import Refused
from referral.extensions import db
from referral.legal import service as legal
from referral.privacy import service as privacy
from referral.privacy.models import Erasure
from tests.factories import (SENTINEL_NARRATIVE, create_case, give_consent, token_headers,
                             write_privileged_note)



def close_long_ago(case, years=7):
    # The closing workflow (RR-6) is covered in tests/returns; here only the date matters.
    case.nrm_state = "closed"
    case.closed_at = utcnow() - timedelta(days=365 * years)
    db.session.commit()


def test_DP5_a_case_is_erased_after_its_retention_period_with_everything_hanging_off_it(
        caseworker, supervisor, a_case):
    give_consent(caseworker, a_case)
    write_privileged_note(caseworker, a_case, "privileged advice " + SENTINEL_NARRATIVE)
    recent = create_case(caseworker)
    close_long_ago(a_case)
    close_long_ago(recent, years=1)

    result = privacy.run_retention()
    db.session.commit()

    assert result["erased"] == [a_case.reference]
    assert db.session.get(Case, a_case.id) is None
    assert db.session.get(Person, a_case.person_id) is None
    assert db.session.get(Case, recent.id) is not None
    erasure = db.session.scalar(select(Erasure).where(Erasure.case_id == a_case.id))
    assert erasure.case_reference == a_case.reference and erasure.rows_erased > 3
    for table in db.metadata.sorted_tables:
        if "case_id" in table.c and table.name not in ("audit_entry", "erasure"):
            left = db.session.execute(select(table).where(table.c.case_id == a_case.id)).all()
            assert left == [], table.name
    # The audit trail keeps its (personal-data-free) entries and records the erasure.
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "case.erase",
                                                      AuditEntry.case_id == a_case.id))


def test_DP5_an_open_proceeding_or_appeal_is_a_visible_legal_hold(client, caseworker,
                                                                   supervisor, a_case):
    proceeding = legal.open_proceeding(caseworker, a_case, kind="criminal",
                                       person_role="victim",
                                       court_or_authority="Crown Court")
    legal.update_proceeding(caseworker, proceeding, status="appeal")
    db.session.commit()
    close_long_ago(a_case)

    status = client.get(f"/api/v1/cases/{a_case.id}/retention",
                        headers=token_headers(caseworker)).json
    assert status["due"] is True and status["legal_hold"] is True
    assert status["hold_reasons"] == ["criminal proceeding appeal"]

    result = privacy.run_retention()
    assert result["erased"] == [] and result["held"][0][0] == a_case.reference
    with pytest.raises(Refused, match="legal hold"):
        privacy.request_erasure(supervisor, a_case.id)

    legal.update_proceeding(caseworker, proceeding, status="concluded")
    db.session.commit()
    assert privacy.run_retention()["erased"] == [a_case.reference]


def test_DP5_erasure_on_the_persons_request_needs_a_supervisor_and_the_reference(
        client, caseworker, supervisor, a_case):
    url = f"/api/v1/cases/{a_case.id}/erasure"
    body = {"confirm_reference": a_case.reference}
    assert client.post(url, json=body, headers=token_headers(caseworker)).status_code == 403
    wrong = client.post(url, json={"confirm_reference": "CASE-0"},
                        headers=token_headers(supervisor))
    assert wrong.status_code == 422 and "confirm_reference" in wrong.json["errors"]
    done = client.post(url, json=body, headers=token_headers(supervisor))
    assert done.status_code == 201 and done.json["basis"] == "person_request"
    assert client.get(f"/api/v1/cases/{a_case.id}",
                      headers=token_headers(supervisor)).status_code == 404


def test_DP5_the_schedule_never_erases_an_open_case_early(caseworker, a_case):
    with pytest.raises(Refused, match="retention period"):
        privacy.erase_case(caseworker, a_case, basis="retention_schedule")
    assert db.session.get(Case, a_case.id) is not None


def test_DP5_the_retention_command_reports_what_it_erased_and_kept(app, caseworker, a_case):
    close_long_ago(a_case)
    result = app.test_cli_runner().invoke(args=["retention", "run"])
    assert result.exit_code == 0, result.output
    assert f"Erased 1 case(s): {a_case.reference}" in result.output
    assert db.session.execute(text("SELECT count(*) FROM case_file")).scalar() == 0
