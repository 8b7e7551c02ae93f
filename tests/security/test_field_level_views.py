"""Field-level views, swept: for each role that must not see a case's identity or story,
every GET of the API and every page reachable by GET, with the ids of a real case filled in,
is searched for the sentinel values planted in that case. Hidden means absent everywhere.

- shelter staff run the stay (SH-3): never the story, never the case reference;
- legal aid see proceedings, hearings and deadlines (LP-5): never the story;
- auditors and administrators see ids and codes: never a name or the story.
"""
import pytest

from referral.extensions import db
from referral.legal import service as legal
from tests.factories import (SENTINEL_FAMILY_NAME, SENTINEL_NARRATIVE, create_user,
                             token_headers)
from tests.web.conftest import login

STORY = SENTINEL_NARRATIVE
HIDDEN = {
    "shelter_staff": ("story", "reference"),
    "legal_aid": ("story",),
    "auditor": ("story", "name"),
    "admin": ("story", "name"),
}


def _fill(rule, ids):
    path = rule.rule
    for name in rule.arguments:
        path = path.replace(f"<{name}>", str(ids.get(name, ids["case_id"])))
        for converter in ("uuid", "path", "int", "string"):
            path = path.replace(f"<{converter}:{name}>", str(ids.get(name, ids["case_id"])))
    return path


def _get_paths(app, ids, api):
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static" or \
                rule.rule.startswith("/api/v1/openapi") or "<any(" in rule.rule:
            continue
        if rule.rule.startswith("/api/") != api:
            continue
        if set(rule.arguments) - {"case_id", "proceeding_id"}:
            continue
        paths.append(_fill(rule, ids))
    return paths


@pytest.fixture
def full_case(caseworker, admitted, shelter_user):
    """A case with a story and a name, a shelter stay, legal aid and a proceeding, and an
    assistance plan whose actions are given to the shelter and to the lawyer's office."""
    case = admitted.case
    lawyer = create_user("legal_aid", username="lawyer")
    db.session.commit()
    legal.assign_legal_aid(caseworker, case, lawyer.id)
    proceeding = legal.open_proceeding(caseworker, case, kind="criminal", person_role="victim",
                                       court_or_authority="Crown Court")
    db.session.commit()
    from tests.plans.conftest import action, add_goal, assess_needs, assess_risk
    assess_needs(caseworker, case)
    assess_risk(caseworker, case, immediate_danger=True, danger_reason=STORY)
    add_goal(caseworker, case, action=action(description="Keep a quiet room",
                                             owner_kind="provider",
                                             provider_id=admitted.provider_id))
    add_goal(caseworker, case, domain="legal", action=action(
        description="Advise on the permit", owner_kind="agency", agency_id=lawyer.agency_id))
    return case, proceeding


@pytest.mark.parametrize("role", sorted(HIDDEN))
def test_hidden_fields_never_appear_in_any_api_answer_or_page(app, client, role, full_case,
                                                              agency):
    case, proceeding = full_case
    users = {"shelter_staff": "shelter", "legal_aid": "lawyer"}
    if role in users:
        username = users[role]
    else:
        username = role
        create_user(role, agency=agency, username=username, mfa_deferred=True)
        db.session.commit()
    from referral.accounts.models import User
    user = db.session.query(User).filter_by(username=username).one()
    ids = {"case_id": case.id, "proceeding_id": proceeding.id}
    secrets = {"story": STORY, "name": SENTINEL_FAMILY_NAME, "reference": case.reference}

    headers = token_headers(user)
    # The arguments the list endpoints need, so that they answer with their data instead of
    # a 422 that would search nothing (the shelter view needs ``?shelter=``).
    arguments = {"case": str(case.id), "shelter": str(user.agency_id)}
    seen, unanswered = [], []
    for path in _get_paths(app, ids, api=True):
        response = client.get(path, headers=headers, query_string=arguments)
        assert response.status_code < 500, path
        if response.status_code == 422:
            unanswered.append(path)
        seen.append((path, response.get_data(as_text=True)))
    assert not unanswered, f"these answered 422 and were never searched: {unanswered}"
    if role == "shelter_staff":  # the view the sweep exists for is really read
        residents = client.get("/api/v1/stays", headers=headers, query_string=arguments)
        assert residents.status_code == 200 and residents.json[0]["name"] == "Test"
    login(client, username)
    for path in _get_paths(app, ids, api=False):
        response = client.get(path)
        assert response.status_code < 500, path
        seen.append((path, response.get_data(as_text=True)))
    assert len(seen) > 40

    leaks = [(path, what) for path, body in seen for what in HIDDEN[role]
             if secrets[what] in body]
    assert not leaks, f"{role} sees hidden fields: {leaks}"
