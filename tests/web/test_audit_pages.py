"""The auditor's home: a search over the audit trail (DP-3)."""
from referral.extensions import db
from tests.factories import create_user
from tests.web.conftest import login


def test_the_auditor_searches_the_trail_by_case_and_action(client, caseworker, a_case):
    create_user("auditor", username="auditor", display_name="Ada Auditor",
                mfa_deferred=True)
    db.session.commit()
    login(client, "auditor")
    home = client.get("/").get_data(as_text=True)
    assert "Audit trail" in home and "/audit/" in home
    page = client.get("/audit/", query_string={"case_reference": a_case.reference,
                                               "action": "case."})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "case.create" in text
    assert "caseworker" in text  # who, by name and username
    assert "Sentinelpd" not in text  # the trail holds ids and codes, never personal data
    none = client.get("/audit/", query_string={"case_reference": "RF-00-NOPE"})
    assert "No entries match" in none.get_data(as_text=True)


def test_dates_in_the_wrong_order_are_a_form_error(client):
    create_user("auditor", username="auditor", mfa_deferred=True)
    db.session.commit()
    login(client, "auditor")
    page = client.get("/audit/", query_string={"since": "2026-05-02", "until": "2026-05-01"})
    assert page.status_code == 400 and "the end is before the start" in page.get_data(
        as_text=True)


def test_the_audit_search_is_for_auditors(client, caseworker):
    login(client, "caseworker")
    assert client.get("/audit/").status_code == 403
