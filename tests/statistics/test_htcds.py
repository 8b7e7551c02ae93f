"""HTCDS export (DP-1, CO-1): pseudonymised case-level data, only for cases whose person
consented to share a case summary with the named recipient, supervisors only, audited."""
from sqlalchemy import select

from referral.audit.models import AuditEntry
from referral.extensions import db
from referral.statistics import htcds
from tests.factories import (SENTINEL_FAMILY_NAME, create_case, create_user, give_consent,
                             token_headers)

URL = "/api/v1/statistics/htcds?recipient=CTDC"


IO = "international_organisation"  # the recipient's category (DP-1)


def consented_case(caseworker, **referral):
    case = create_case(caseworker, referral_source="police", internal_trafficking=False,
                       **referral)
    give_consent(caseworker, case, purpose="data_share", recipient_name="CTDC",
                 data_categories=["case_summary"], recipient_category=IO)
    return case


def test_CO1_only_cases_consented_for_this_recipient_are_exported(client, caseworker,
                                                                  supervisor):
    shared = consented_case(caseworker)
    create_case(caseworker)  # no consent
    other = create_case(caseworker)
    give_consent(caseworker, other, purpose="data_share", recipient_name="Someone else",
                 data_categories=["case_summary"], recipient_category="ngo")
    narrow = create_case(caseworker)
    give_consent(caseworker, narrow, purpose="data_share", recipient_name="CTDC",
                 data_categories=["health"], recipient_category=IO)
    body = client.get(URL, headers=token_headers(supervisor)).json
    assert len(body["cases"]) == 1
    row = body["cases"][0]
    assert row["citizenship"] == "RO" and row["gender"] == "Female"
    assert row["exploitation"]["isForcedLabour"] is True
    assert row["typeOfLabour"]["typeOfLabourAgriculture"] is True
    # The factory's indicators, under the CTDC codebook's column names.
    assert row["meansOfControl"]["meansOfControlWithholdsDocuments"] is True
    assert row["meansOfControl"]["meansOfControlDebtBondage"] is True
    assert row["meansOfControl"]["meansOfControlThreats"] is False
    assert "Datasource" in row and "typeOfLabourMiningOrDrilling" in row["typeOfLabour"]
    assert row["traffickingType"] == "Transnational" and row["referralSource"] == "police"
    assert row["identificationStatus"] == "Presumed"
    assert body["fields"][0] == "caseId" and "CountryOfExploitation" in body["gaps"]
    entries = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "case.htcds_export")).all()
    assert [e.case_id for e in entries] == [shared.id]


def test_DP1_the_export_is_pseudonymised(client, caseworker, supervisor):
    case = consented_case(caseworker)
    text = client.get(URL, headers=token_headers(supervisor)).get_data(as_text=True)
    for secret in (SENTINEL_FAMILY_NAME, case.reference, str(case.id), "1990-05-17"):
        assert secret not in text
    first = client.get(URL, headers=token_headers(supervisor)).json["cases"][0]["caseId"]
    other = client.get("/api/v1/statistics/htcds?recipient=Else",
                       headers=token_headers(supervisor)).json
    assert other["cases"] == [] and len(first) == 64


def test_CO2_a_withdrawn_consent_stops_the_export(client, caseworker, supervisor):
    from referral.consent import service as consent_service
    case = consented_case(caseworker)
    consent = consent_service.valid_consent(case.id, "data_share")
    consent_service.withdraw_consent(caseworker, consent)
    db.session.commit()
    assert client.get(URL, headers=token_headers(supervisor)).json["cases"] == []


def test_DP4_only_supervisors_export_case_level_data(client, caseworker):
    consented_case(caseworker)
    for role in ("caseworker", "auditor", "admin"):
        user = create_user(role, agency=caseworker.agency)
        db.session.commit()
        assert client.get(URL, headers=token_headers(user)).status_code == 403


def test_the_export_stays_within_the_supervisors_agency(client, caseworker):
    consented_case(caseworker)
    stranger = create_user("supervisor")
    db.session.commit()
    assert client.get(URL, headers=token_headers(stranger)).json["cases"] == []


def test_a_recipient_is_required(client, supervisor):
    response = client.get("/api/v1/statistics/htcds", headers=token_headers(supervisor))
    assert response.status_code == 422 and "recipient" in response.get_data(as_text=True)


def test_every_mapped_field_is_documented():
    doc = open("docs/statistics.md").read()
    assert all(f"`{row[0]}`" in doc for row in htcds.FIELDS + htcds.GAPS)
