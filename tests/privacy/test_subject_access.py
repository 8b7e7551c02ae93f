"""DP-6: the person can receive their own file and a list of who has seen it; privileged
legal notes and third parties are left out."""
import json

from referral.extensions import db
from tests.factories import (SENTINEL_NARRATIVE, create_user, token_headers,
                             write_privileged_note)

PRIVILEGED = "PRIVILEGED-ADVICE-SENTINEL"



def test_DP6_the_person_receives_their_file_with_who_has_seen_it(client, caseworker,
                                                                 supervisor, a_case):
    write_privileged_note(caseworker, a_case, PRIVILEGED)
    reader = create_user("supervisor", agency=supervisor.agency, username="reader",
                         display_name="Ravindra Quaestor-Pell")
    db.session.commit()
    client.get(f"/api/v1/cases/{a_case.id}", headers=token_headers(reader))

    response = client.get(f"/api/v1/cases/{a_case.id}/subject-access",
                          headers=token_headers(caseworker))
    assert response.status_code == 200
    export = response.json
    assert export["person"]["family_name"] == "Sentinelpd-Family"
    assert export["case"]["narrative"] == SENTINEL_NARRATIVE
    assert export["case"]["reference"] == a_case.reference
    assert "case_transition" in export["records"]
    text = json.dumps(export)
    assert PRIVILEGED not in text and "legal_note" not in export["records"]
    # Third parties: the referrer is redacted; staff appear as organisation and role only.
    assert export["case"]["referred_by"] == "[redacted: third party]"
    assert "Labour inspectorate" not in text
    assert "Quaestor" not in text and "reader" not in text
    seen = [(row["organisation"], row["roles"], row["action"]) for row in export["seen_by"]]
    assert ("Safe Passage", ["supervisor"], "case.read") in seen


def test_DP6_the_copy_is_audited_and_limited_to_the_case_team(client, caseworker, a_case):
    shelter = create_user("shelter_staff")
    outsider = create_user("caseworker")  # another agency's caseworker
    db.session.commit()
    assert client.get(f"/api/v1/cases/{a_case.id}/subject-access",
                      headers=token_headers(shelter)).status_code == 403
    assert client.get(f"/api/v1/cases/{a_case.id}/subject-access",
                      headers=token_headers(outsider)).status_code == 404
    client.get(f"/api/v1/cases/{a_case.id}/subject-access", headers=token_headers(caseworker))
    log = client.get(f"/api/v1/audit?case={a_case.id}",
                     headers=token_headers(create_user("auditor"))).json
    assert "case.subject_access_export" in json.dumps(log)


def test_F15_the_copy_leaves_out_the_recruiter_and_every_staff_id_and_opens_sealed_records(
        client, caseworker, supervisor, admitted):
    """The report's copy named the alleged recruiter, carried the assigned caseworker's id
    and dropped the well-being plan and the held document's description without a word."""
    from referral.cases.models import Case
    from referral.returns import service as returns
    from referral.shelter import service as shelter
    case = db.session.get(Case, admitted.case_id)
    case.recruitment = {"method": "job_offer", "recruiter": "SENTRECRUITER Ionescu"}
    case.assigned_to_id = caseworker.id
    shelter.log_held_item(caseworker, admitted, kind="document",
                          description="SENTHELD passport of the person")
    returns.create_plan(caseworker, case, outcome="local_integration",
                        wellbeing="SENTWELLBEING trauma therapy", economic="a job",
                        social="friends", cultural="church", political="none")
    db.session.commit()

    export = client.get(f"/api/v1/cases/{case.id}/subject-access",
                        headers=token_headers(caseworker)).json
    text = json.dumps(export)
    assert "SENTRECRUITER" not in text
    assert export["case"]["recruitment"] == {"method": "job_offer",
                                             "recruiter": "[redacted: third party]"}
    for staff in (caseworker, supervisor):
        assert str(staff.id) not in text and staff.id.hex not in text
    assert "assigned_to_id" not in export["case"]
    assert export["records"]["held_item"][0]["description"] == "SENTHELD passport of the person"
    assert export["records"]["reintegration_plan"][0]["wellbeing"] == \
        "SENTWELLBEING trauma therapy"
    assert not any(key.endswith("_enc") for rows in export["records"].values()
                   for row in rows for key in row)
