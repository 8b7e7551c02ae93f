"""Every route, for every role, for a user of another agency and for an anonymous caller,
against a case in scope, out of scope and restricted: the answer the access policy
(``referral/policy.py``) and the record scope (each area's ``access.py``) give.

The expectations, from the policy table alone:
- anonymous: 401 for the API, the sign-in page for pages (public rows excepted);
- a role the row does not list: 403, whatever the record;
- a role the row lists, in its own agency, reading (GET) a record in scope: 200;
- a role the row lists, from another agency: a GET of a record answers 404 (it does not
  exist for them) and a write is never accepted (404, or 422 when its body is refused first);
- a caseworker or supervisor of the agency who is not named on a restricted case: reads of
  that case answer 403 naming DP-7, writes are never accepted.
A route without a policy row stops the app from starting; a route this test cannot fill in
fails it, so a new route is looked at here.
"""
import re
from datetime import datetime, timedelta, timezone

import pytest

from referral import policy
from referral.accounts.models import AgencyKind
from referral.boundary import unit_of_work
from referral.extensions import db
from tests.cases.conftest import decide
from tests.factories import (create_agency, create_case, create_provider, create_user,
                             give_consent, token_headers)
from tests.web.conftest import login

ROLES = ("caseworker", "supervisor", "shelter_staff", "legal_aid", "admin", "auditor")
SKIP = {"static"}


def _agency_for(role, name):
    kind = {"shelter_staff": AgencyKind.shelter, "legal_aid": AgencyKind.legal_aid}.get(
        role, AgencyKind.ngo)
    return create_agency(f"{name} {role}", kind)


@pytest.fixture
def world(caseworker, supervisor, agency, shelter_agency, shelter_user):
    """One agency's case with a record of every kind, its people, and another agency's."""
    from referral.consent import service as consent
    from referral.legal import service as legal
    from referral.privacy.models import BreakGlassAccess
    from referral.reminders import service as reminders
    from referral.reminders.models import Notification
    from referral.returns import service as returns
    from referral.services import service as services
    from referral.shelter import service as shelter

    ours = {"caseworker": caseworker, "supervisor": supervisor,
            "shelter_staff": shelter_user,
            "legal_aid": create_user("legal_aid", agency=create_agency(
                "Legal Aid Clinic", AgencyKind.legal_aid)),
            "admin": create_user("admin", agency=agency),
            "auditor": create_user("auditor", agency=agency)}
    theirs = {role: create_user(role, agency=_agency_for(role, "Other")) for role in ROLES}
    db.session.commit()

    case = create_case(caseworker)
    provider = create_provider("Harbour beds", services=("accommodation", "medical"),
                               agency=shelter_agency)
    service_consent = give_consent(caseworker, case, "service", provider)
    give_consent(caseworker, case, "referral", provider,
                 data_categories=["identity", "contact"])
    stay = shelter.admit(caseworker, case, shelter_id=shelter_agency.id, room="2")
    item = shelter.log_held_item(shelter_user, stay, kind="document")
    referral = services.make_referral(caseworker, case, provider_id=provider.id,
                                      service="medical")
    offer = services.offer_service(caseworker, case, service="medical")
    legal.assign_legal_aid(caseworker, case, ours["legal_aid"].id)
    proceeding = legal.open_proceeding(caseworker, case, kind="criminal", person_role="victim",
                                       court_or_authority="Court A")
    ret = returns.request_return(caseworker, case, destination_country="RO",
                                 person_words="I want to go home")
    override = consent.request_override(caseworker, case, purpose="data_share",
                                        grounds="danger_to_life",
                                        reason="a written reason for the override")
    deadline = reminders.plan_deadline(case.id, "hearing",
                                       datetime.now(timezone.utc) + timedelta(days=3))
    note = Notification(recipient_id=caseworker.id, deadline_id=deadline.id, case_id=case.id,
                        kind="reminder", days_before=3, message="reminder")
    db.session.add(note)
    db.session.commit()
    decision = decide(caseworker, case)
    import io

    from referral.documents import service as documents
    from referral.notes import service as notes
    from tests.documents.files import png_with_text
    import workflows.plans as plan_rules
    from referral.plans import service as plans
    from tests.plans.conftest import add_goal, agree, assess_needs, assess_risk
    assess_needs(caseworker, case)
    assess_risk(caseworker, case)
    goal = add_goal(caseworker, case)
    version = agree(caseworker, case)
    feedback = plans.record_feedback(caseworker, case, kind="feedback",
                                     topic=next(iter(plan_rules.FEEDBACK_TOPICS)),
                                     words="thank you")
    flag = plans.raise_danger(caseworker, case, reason="seen near the house")
    note = notes.record_contact(caseworker, case, kind="call", body="a call",
                                occurred_at=datetime.now(timezone.utc) - timedelta(hours=1))
    document = documents.add_document(caseworker, case, category="decision_letter",
                                      source=io.BytesIO(png_with_text()), filename="l.png")
    from referral.missing import service as missing
    episode = missing.report_missing(caseworker, case, told=["police"],
                                     missing_since=datetime.now(timezone.utc)
                                     - timedelta(hours=1))
    db.session.commit()

    # Restricted by another supervisor to another caseworker: ours are not named on it.
    keeper = create_user("caseworker", agency=agency)
    restrictor = create_user("supervisor", agency=agency)
    db.session.commit()
    restricted = create_case(keeper)
    with unit_of_work():
        from referral.privacy import service as privacy
        privacy.restrict_case(restrictor, restricted.id,
                              reason="suspected official involvement", named_staff=[keeper.id])
    opening = BreakGlassAccess(case_id=restricted.id, user_id=keeper.id,
                               reason="a reason long enough to be accepted here",
                               expires_at=datetime.now(timezone.utc) + timedelta(hours=1))
    db.session.add(opening)
    from referral.cases.models import RefusedAttempt
    attempt = RefusedAttempt(case_id=case.id, track="assistance", event="end", rule="NC-3",
                             message="refused", reason="would not testify",
                             actor_id=caseworker.id)
    db.session.add(attempt)
    db.session.commit()
    # Issue 18: a spare session and token of the caseworker (not the ones the walk uses), a
    # lifted restriction, and a reset of someone's two-step sign-in waiting for approval.
    from referral.accounts import service as accounts
    from referral.accounts.models import WebSession
    from sqlalchemy import select
    accounts.start_web_session(caseworker)
    _, spare_token = accounts.issue_token(caseworker)
    db.session.flush()
    spare_session = db.session.scalars(select(WebSession).where(
        WebSession.user_id == caseworker.id)).first()
    restriction = shelter.impose_restriction(
        shelter_user, stay, legal_basis="Act s.1", decision_maker="Director", grounds="safety",
        reason="a threat", expires_at=datetime.now(timezone.utc) + timedelta(days=5),
        review_at=datetime.now(timezone.utc) + timedelta(days=2),
        reason_code="trafficker_nearby", person_view="I understand why")
    shelter.lift_restriction(shelter_user, restriction, "reviewed")
    phone_lost = create_user("caseworker", agency=agency)
    phone_lost.mfa_secret = "JBSWY3DPEHPK3PXP"
    db.session.flush()
    reset = accounts.request_mfa_reset(ours["admin"], phone_lost)
    db.session.commit()
    from referral.legal import service as legal_service
    permit = legal_service.add_permit(caseworker, case, kind="asylum_claim", status="applied")
    compensation = legal_service.add_compensation(
        caseworker, case, kind="state_scheme", amount_claimed=100, currency="EUR",
        limitation_at=datetime.now(timezone.utc) + timedelta(days=300))
    db.session.commit()
    params = {"attempt_id": attempt.id, "permit_id": permit.id,
              "compensation_id": compensation.id,
              "case_id": case.id, "consent_id": service_consent.id,
              "decision_id": decision.id, "override_id": override.id, "item_id": item.id,
              "notification_id": note.id, "offer_id": offer.id,
              "proceeding_id": proceeding.id, "referral_id": referral.id,
              "return_id": ret.id, "stay_id": stay.id, "deadline_id": deadline.id,
              "access_id": opening.id, "form_key": "referral:new",
              "shelter_id": shelter_agency.id, "note_id": note.id,
              "document_id": document.id, "number": 1, "goal_id": goal.id,
              "action_id": goal.actions[0].id, "version_id": version.id,
              "feedback_id": feedback.id, "flag_id": flag.id, "episode_id": episode.id,
              "user_id": caseworker.id, "session_id": spare_session.id,
              "token_id": spare_token.id, "restriction_id": restriction.id,
              "reset_id": reset.id}
    from tests.agencies.world import agencies_world
    params.update(agencies_world(caseworker, case, shelter_user, ours["legal_aid"]))
    # Statistics: publish this year's periods so the pages have a quarter to show.
    from referral.statistics import publication
    today = datetime.now(timezone.utc).date()
    publication.publish_periods(today=today.replace(year=today.year + 1, month=1, day=1))
    params.update(period=f"{today.year}-Q{(today.month - 1) // 3 + 1}", series="referrals",
                  dimension="sex", fmt="csv", user_id=ours["caseworker"].id,
                  recipient="CTDC")
    params["quarter"] = params["period"]
    return {"ours": ours, "theirs": theirs, "params": params, "restricted": restricted}


def _fill(rule, params):
    values = {}
    for name in rule.arguments:
        converter = rule._converters.get(name)
        if converter is not None and type(converter).__name__ == "AnyConverter":
            values[name] = sorted(converter.items)[0] if hasattr(converter, "items") \
                else re.search(r"\(([^,)]+)", converter.regex).group(1)
        elif name in params:
            values[name] = str(params[name])
        else:
            raise AssertionError(f"{rule.rule}: no record for <{name}>; add it to world()")
    return values


def _url(rule, values):
    path = rule.rule
    for name, value in values.items():
        path = re.sub(rf"<(?:[^:<>]+(?:\([^)]*\))?:)?{name}>", value, path)
    return path


# Signing out ends the caller's own token or session, leaving ends the stay through which
# the shelter reaches the case, and ending a team membership ends the member's: taken last.
LAST = ("api-agencies.EndMembership", "api-shelter.Leave", "api-shelter.EndStay",
        "shelter.leave", "api-auth.CurrentToken", "accounts.sign_out_everywhere",
        "accounts.change_password", "accounts.logout")


def _routes(app):
    for rule in sorted(app.url_map.iter_rules(),
                       key=lambda r: (LAST.index(r.endpoint) if r.endpoint in LAST else -1,
                                      r.rule)):
        if rule.endpoint in SKIP:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield rule, method


def _call(client, method, path, headers=None, query=None):
    kwargs = {"headers": headers or {}, "query_string": query or {}}
    if method != "GET":
        kwargs["json"] = {}
    return client.open(path, method=method, **kwargs)


def _is_api(path):
    return path.startswith("/api/")


def test_every_route_answers_each_caller_as_the_policy_says(app, world):
    ours, theirs = world["ours"], world["theirs"]
    headers = {id(u): token_headers(u) for u in [*ours.values(), *theirs.values()]}
    pages = {}
    for user in [*ours.values(), *theirs.values()]:
        pages[id(user)] = login(app.test_client(), user.username)
    anonymous = app.test_client()
    wrong = []

    def check(condition, what):
        if not condition:
            wrong.append(what)

    for rule, method in _routes(app):
        roles = policy.rule_for(rule.endpoint, method)
        path = _url(rule, _fill(rule, world["params"]))
        query = {k: str(world["params"][v]) for k, v in QUERY.get(rule.endpoint, {}).items()}
        api = _is_api(path)
        label = f"{method} {rule.rule}"
        if roles == policy.PUBLIC:
            continue
        response = _call(anonymous, method, path)
        if api:
            check(response.status_code == 401, f"{label} anonymous: {response.status_code}")
        else:
            check(response.status_code == 302 and "/login" in response.headers["Location"],
                  f"{label} anonymous: {response.status_code}")
        for role in ROLES:
            for side, user in (("ours", ours[role]), ("theirs", theirs[role])):
                client = app.test_client() if api else pages[id(user)]
                response = _call(client, method, path, headers[id(user)] if api else None,
                                 query)
                status = response.status_code
                who = f"{label} {side} {role}"
                if role not in roles:
                    check(status == 403, f"{who}: {status}, the policy refuses the role")
                elif side == "theirs":
                    if not rule.arguments or rule.endpoint in OWN_RECORDS:
                        continue  # their own lists and records
                    if method == "GET":
                        check(status == 404, f"{who}: {status}, another agency's record")
                    else:
                        check(status // 100 != 2, f"{who}: {status}, a write on another "
                                                  "agency's record")
                elif method == "GET":
                    expected = READS.get((rule.endpoint, role), READS.get(rule.endpoint, 200))
                    check(status == expected, f"{who}: {status}, a read the policy allows")
    assert not wrong, "\n".join(wrong)


# Query arguments a route needs, from the world's records.
QUERY = {"api-audit.Audit": {"case": "case_id"}, "api-shelter.Stays": {"shelter": "shelter_id"},
         "api-statistics.HtcdsExport": {"recipient": "recipient"}}
# Reads the policy allows a role, where this role's own records answer instead of the case's.
OWN_RECORDS = {"drafts.save", "drafts.discard",
               # published statistics are the same for every agency: no record to refuse
               "statistics.release", "statistics.bulletin", "statistics.export"}
# Reads the policy allows that answer other than 200 on this world, each for its reason.
READS = {
    "index": 302,  # a redirect to the home page
    # nothing to break on an unrestricted case: back to the home page, no case details
    "privacy.break_glass": 302,
    # LP-4: the letter is for proceedings against the person; the world's are not
    "api-legal.NonPunishmentLetter": 409,
    "legal.letter": 302,  # the same refusal on the page: back to the legal track, with why
    # A note is read by others only when shared with them; the world's is not shared
    ("api-notes.Note", "shelter_staff"): 404, ("api-notes.Note", "legal_aid"): 404,
    ("notes.edit_note", "shelter_staff"): 404,
    # SH-3: a shelter sees consent forms only, never a decision letter
    ("api-documents.Document", "shelter_staff"): 404,
    ("api-documents.Content", "shelter_staff"): 404,
    ("documents.document", "shelter_staff"): 404, ("documents.download", "shelter_staff"): 404,
}


def test_a_restricted_case_is_closed_to_unnamed_staff_on_every_case_route(app, world):
    """DP-7 on every route that takes a case: reads answer 403 naming the rule; no write
    is ever accepted."""
    ours = world["ours"]
    params = {**world["params"], "case_id": world["restricted"].id}
    wrong = []
    for rule, method in _routes(app):
        if "case_id" not in rule.arguments:
            continue
        roles = policy.rule_for(rule.endpoint, method)
        path = _url(rule, _fill(rule, params))
        for role in ("caseworker", "supervisor"):
            if roles == policy.PUBLIC or role not in roles:
                continue
            user = ours[role]
            if _is_api(path):
                response = _call(app.test_client(), method, path, token_headers(user))
                body = response.json or {}
            else:
                client = login(app.test_client(), user.username)
                response = _call(client, method, path)
                body = {"DP-7": []} if "DP-7" in response.get_data(as_text=True) else {}
            label = f"{method} {rule.rule} {role}"
            if rule.endpoint in BREAK_GLASS:
                continue
            if method == "GET":
                if not (response.status_code == 403 and "DP-7" in body.get("errors", body)):
                    wrong.append(f"{label}: {response.status_code}")
            elif response.status_code // 100 == 2:
                wrong.append(f"{label}: {response.status_code}, a write on a restricted case")
    assert not wrong, "\n".join(wrong)


# The routes that exist to open a restricted case with a reason (DP-7's break-the-glass).
BREAK_GLASS = {"privacy.break_glass", "api-privacy.BreakGlass"}


def test_every_route_has_a_policy_row_and_the_app_refuses_to_start_without_one(app):
    policy.validate(app)  # the app started, so every route has a row
    from flask import Flask
    extra = Flask("extra")
    extra.add_url_rule("/unlisted", "unlisted", lambda: "")
    with pytest.raises(RuntimeError, match="unlisted"):
        policy.validate(extra)


def test_every_openapi_operation_is_a_route_under_the_policy(app, client):
    spec = client.get("/api/v1/openapi.json").json
    rules = {(r.rule, m) for r in app.url_map.iter_rules() for m in r.methods}
    for path, operations in spec["paths"].items():
        flask_path = "/api/v1" + re.sub(r"\{([^}]+)\}", r"<\1>", path) \
            if not path.startswith("/api/") else re.sub(r"\{([^}]+)\}", r"<\1>", path)
        for method in operations:
            if method.upper() not in ("GET", "POST", "PUT", "PATCH", "DELETE"):
                continue
            matching = [r for r, m in rules if m == method.upper()
                        and re.sub(r"<(?:[^:<>]+(?:\([^)]*\))?:)?([^>]+)>", r"<\1>", r)
                        == flask_path]
            assert matching, f"{method.upper()} {path} is not a route"


def test_no_handler_or_view_loads_a_record_by_id_itself():
    """Records are loaded only by each area's access.py loaders, which check scope and role;
    a handler that fetched by id itself could skip them."""
    from pathlib import Path
    root = Path(__file__).resolve().parents[2] / "referral"
    pattern = re.compile(r"db\.session\.get\(|get_or_404\(|\.query\.get\(|"
                         r"select\(\w+\)\.where\(\w+\.id ==")
    offenders = [f"{path.relative_to(root)}:{number}"
                 for path in sorted(root.glob("*/*.py")) if path.name in ("api.py", "views.py")
                 for number, line in enumerate(path.read_text().splitlines(), 1)
                 if pattern.search(line)]
    assert not offenders, offenders


def test_no_handler_or_view_commits_or_rolls_back():
    """One transaction per request, committed or rolled back by the boundary alone."""
    from pathlib import Path
    root = Path(__file__).resolve().parents[2] / "referral"
    offenders = [f"{path.relative_to(root)}:{number}"
                 for path in sorted(root.glob("*/*.py")) if path.name in ("api.py", "views.py")
                 for number, line in enumerate(path.read_text().splitlines(), 1)
                 if "session.commit(" in line or "session.rollback(" in line]
    assert not offenders, offenders
