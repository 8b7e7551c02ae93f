"""The individual assistance plan through its service and the API: needs (SVC-02), risks and
the immediate-danger flag (SVC-03), the plan agreed with the person and its versions
(CNS-12, RTF-01), reviews at the jurisdiction's interval and on stage changes, feedback
(CNS-13), role views, the seal and the audit."""
import json
from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select, text

import workflows.plans as rules
from workflows import jurisdictions
from referral.accounts.models import AgencyKind
from referral.audit.models import AuditEntry
from referral.cases import service as cases
from referral.database import utcnow
from referral.errors import Invalid, Refused
from referral.extensions import db
from referral.plans import service
from referral.plans.models import DangerFlag, PlanVersion
from referral.reminders import service as reminders
from referral.reminders.models import Deadline, DeadlineStatus, Notification
from tests.factories import create_agency, create_user, token_headers
from tests.plans.conftest import (WORDS_SENTINEL, action, add_goal, agree, assess_needs,
                                  assess_risk, needs_items)


def deadlines(case, kind):
    return db.session.scalars(select(Deadline).where(Deadline.case_id == case.id,
                                                     Deadline.kind == kind)).all()


def notes(**filters):
    query = select(Notification)
    for key, value in filters.items():
        query = query.where(getattr(Notification, key) == value)
    return db.session.scalars(query).all()


@pytest.fixture
def team(caseworker, supervisor):
    caseworker.supervisor_id = supervisor.id
    db.session.commit()
    return caseworker, supervisor


# ---- SVC-02: needs ---------------------------------------------------------------------------

def test_SVC02_a_needs_assessment_covers_every_domain_with_the_persons_words(caseworker,
                                                                            a_case):
    items = needs_items(accommodation="urgent")
    del items["documents"]
    with pytest.raises(Invalid) as missing:
        service.assess_needs(caseworker, a_case, items=items, language="ro")
    assert "documents" in missing.value.message
    items = needs_items(accommodation="urgent")
    items["accommodation"]["person_words"] = "  "
    with pytest.raises(Invalid) as wordless:
        service.assess_needs(caseworker, a_case, items=items, language="ro")
    assert wordless.value.key == "items.accommodation.person_words"
    # "not discussed" and "no need" need no words, and are different answers (DP-2).
    assessment = assess_needs(caseworker, a_case, accommodation="urgent", documents="no_need")
    priorities = {i.domain: i.priority for i in assessment.items}
    assert set(priorities) == set(rules.NEED_DOMAINS)
    assert priorities["documents"] == "no_need" and priorities["safety"] == "not_discussed"


def test_SVC02_assessments_are_repeated_and_the_history_is_kept(caseworker, a_case):
    first = assess_needs(caseworker, a_case, accommodation="urgent")
    with freeze_time(utcnow() + timedelta(days=30)):
        second = assess_needs(caseworker, a_case, accommodation="low", education_work="high")
    history = service.needs_history(caseworker, a_case)
    assert [a.id for a in history] == [second.id, first.id]
    assert {i.domain: i.priority for i in history[1].items}["accommodation"] == "urgent"
    assert service.latest_needs(a_case.id).id == second.id


def test_SVC02_a_goal_answers_a_need_the_person_has(caseworker, a_case):
    with pytest.raises(Refused) as no_assessment:
        service.add_goal(caseworker, a_case, domain="accommodation", goal="A room")
    assert no_assessment.value.rule == "SVC-02"
    assess_needs(caseworker, a_case, accommodation="urgent", documents="no_need")
    with pytest.raises(Refused) as no_need:
        service.add_goal(caseworker, a_case, domain="documents", goal="A passport")
    assert no_need.value.rule == "SVC-02"
    goal = add_goal(caseworker, a_case, domain="accommodation")
    assert goal.need_item.domain == "accommodation" and goal.need_item.priority == "urgent"


# ---- SVC-03: the immediate-danger flag -------------------------------------------------------

def test_SVC03_immediate_danger_escalates_to_a_supervisor_at_once_and_exactly_once(team,
                                                                                   a_case):
    caseworker, supervisor = team
    flag = service.raise_danger(caseworker, a_case, reason="The trafficker was seen outside")
    db.session.commit()
    # At once: in the same step, no sweep needed; the caseworker and the supervisor told.
    kinds = {(n.kind, n.recipient_id) for n in notes(deadline_kind="immediate_danger")}
    assert kinds == {("overdue", caseworker.id), ("escalation", supervisor.id)}
    (row,) = deadlines(a_case, "immediate_danger")
    assert row.risk == 3 and row.escalated_at is not None and row.next_at is None
    # Exactly once, however often the sweep runs, on however many workers.
    for minutes in (1, 2, 60, 60 * 24 * 3):
        with freeze_time(utcnow() + timedelta(minutes=minutes)):
            reminders.sweep_due()
            db.session.commit()
    assert len(notes(deadline_kind="immediate_danger", kind="escalation")) == 1
    assert len(notes(deadline_kind="immediate_danger")) == 2
    # Open until cleared with a reason; clearing meets the follow-up.
    with pytest.raises(Invalid):
        service.clear_danger(caseworker, flag, reason=" ")
    service.clear_danger(caseworker, flag, reason="Moved to a secret address")
    db.session.commit()
    assert service.open_flag(a_case.id) is None
    assert db.session.get(Deadline, row.id).status == DeadlineStatus.met


def test_SVC03_one_open_flag_per_case_and_a_cleared_flag_keeps_its_reason(caseworker, a_case):
    service.raise_danger(caseworker, a_case, reason="Threats by phone")
    db.session.commit()
    with pytest.raises(Invalid):
        service.raise_danger(caseworker, a_case, reason="Again")
    flag = service.open_flag(a_case.id)
    flag.cleared_at = utcnow()  # a flag cleared without a reason cannot be stored
    with pytest.raises(Exception):
        db.session.flush()
    db.session.rollback()


def test_SVC03_a_risk_assessment_finding_immediate_danger_raises_the_flag(team, a_case):
    caseworker, supervisor = team
    with pytest.raises(Invalid) as unexplained:
        service.assess_risk(caseworker, a_case, risks={r: "high" for r in rules.RISKS},
                            immediate_danger=True)
    assert unexplained.value.key == "danger_reason"
    db.session.rollback()
    assessment = assess_risk(caseworker, a_case, immediate_danger=True,
                             danger_reason="He knows where she sleeps")
    flag = service.open_flag(a_case.id)
    assert flag.risk_assessment_id == assessment.id
    assert notes(deadline_kind="immediate_danger", kind="escalation",
                 recipient_id=supervisor.id)


# ---- CNS-12, RTF-01: the plan agreed with the person, versions, reviews ----------------------

def test_CNS12_no_plan_comes_into_force_without_the_person(caseworker, a_case, planned):
    with pytest.raises(Refused) as absent:
        agree(caseworker, a_case, person_present=False)
    assert absent.value.rule == "CNS-12"
    db.session.rollback()
    with pytest.raises(Refused) as disagrees:
        agree(caseworker, a_case, agreement="disagreed")
    assert disagrees.value.rule == "CNS-12"
    db.session.rollback()
    with pytest.raises(Invalid):
        agree(caseworker, a_case, person_words="")
    db.session.rollback()
    assert service.plan_of(a_case.id).status == "draft"
    version = agree(caseworker, a_case, agreement="agreed_in_part",
                    disagreed_goals=[planned.id], person_words="Not the shelter in town")
    plan = service.plan_of(a_case.id)
    assert plan.status == "active" and version.person_present and version.language == "ro"
    assert version.disagreed_goals == [str(planned.id)]


def test_CNS12_the_database_refuses_a_plan_in_force_without_an_agreed_version(caseworker,
                                                                            a_case, planned):
    plan = service.plan_of(a_case.id)
    plan.status = "active"
    with pytest.raises(Exception):
        db.session.flush()
    db.session.rollback()


def test_RTF01_the_plan_is_agreed_only_after_a_risk_assessment(caseworker, a_case):
    assess_needs(caseworker, a_case)
    add_goal(caseworker, a_case)
    with pytest.raises(Refused) as refused:
        agree(caseworker, a_case)
    assert refused.value.rule == "RTF-01"
    db.session.rollback()
    assess_risk(caseworker, a_case)
    assert agree(caseworker, a_case).number == 1


def test_CNS12_each_agreement_and_review_is_a_version_kept_as_it_was(caseworker, a_case,
                                                                   planned):
    first = agree(caseworker, a_case)
    service.set_goal_status(caseworker, planned, status="achieved")
    add_goal(caseworker, a_case, domain="legal")
    db.session.commit()
    second = agree(caseworker, a_case, person_words="The room worked; now the lawyer")
    assert (first.number, first.reason, second.number, second.reason) == (1, "agreed", 2,
                                                                           "review")
    then = json.loads(db.session.get(PlanVersion, first.id).content)
    now = json.loads(second.content)
    assert [(g["domain"], g["status"]) for g in then["goals"]] == [("accommodation", "open")]
    assert [(g["domain"], g["status"]) for g in now["goals"]] == [("accommodation", "achieved"),
                                                                  ("legal", "open")]
    assert db.session.get(PlanVersion, first.id).person_words == "Yes, this is what I want"
    assert [v.number for v in service.versions_of(caseworker, a_case)] == [2, 1]


def test_CNS12_reviews_fall_due_at_the_jurisdictions_interval(caseworker, a_case, planned):
    days = jurisdictions.get(a_case.jurisdiction).plan_review_days
    assert jurisdictions.get(a_case.jurisdiction).plan_review_source
    too_late = (utcnow() + timedelta(days=days + 5)).date()
    with pytest.raises(Invalid) as late:
        agree(caseworker, a_case, next_review_on=too_late)
    assert late.value.key == "next_review_on"
    db.session.rollback()
    agree(caseworker, a_case)
    (row,) = deadlines(a_case, "plan_review")
    expected = utcnow() + timedelta(days=days)
    assert abs((row.due_at - expected).total_seconds()) < 120
    assert row.assignee_id == caseworker.id and row.status == DeadlineStatus.pending


def test_CNS12_each_change_of_stage_brings_the_review_forward(caseworker, a_case, planned):
    from referral.cases import decisions
    agree(caseworker, a_case)
    decisions.record_decision(caseworker, a_case, kind="identification", outcome="positive",
                              decision_maker="Competent authority", reasons="indicators met",
                              language_explained_in="ro")
    db.session.commit()
    (row,) = deadlines(a_case, "plan_review")
    interval_due = row.due_at
    stage_days = jurisdictions.get(a_case.jurisdiction).plan_stage_review_days
    later = utcnow() + timedelta(days=31)
    with freeze_time(later):
        cases.apply_transition(caseworker, a_case, "nrm", "begin_assistance")
        db.session.commit()
    (row,) = deadlines(a_case, "plan_review")
    assert a_case.nrm_state == "assistance"
    assert row.due_at < interval_due
    assert abs((row.due_at - (later + timedelta(days=stage_days))).total_seconds()) < 120
    assert row.details == {"reason": "stage_change", "stage": "assistance"}
    assert service.plan_of(a_case.id).review_reason == "stage_change"


def test_closing_the_case_closes_the_plan_and_its_review(caseworker, a_case, planned):
    agree(caseworker, a_case)
    cases.apply_transition(caseworker, a_case, "nrm", "decline_identification",
                           reason="the person does not want to be identified")
    db.session.commit()
    assert service.plan_of(a_case.id).status == "closed"
    assert {d.status for d in deadlines(a_case, "plan_review")} == {DeadlineStatus.cancelled}
    with pytest.raises(Invalid):
        add_goal(caseworker, a_case, domain="legal")


def test_actions_due_and_review_dates_are_follow_ups_met_when_done(caseworker, a_case, planned):
    (act,) = planned.actions
    (due,) = deadlines(a_case, "plan_action_due")
    (review,) = deadlines(a_case, "plan_action_review")
    assert due.due_at == act.due_at and review.due_at == act.review_at
    assert due.source_key == str(act.id)
    with pytest.raises(Invalid):
        service.set_action_status(caseworker, act, status="not_done")  # says why
    service.set_action_status(caseworker, act, status="done")
    db.session.commit()
    assert {d.status for d in deadlines(a_case, "plan_action_due")} == {DeadlineStatus.met}
    assert {d.status for d in deadlines(a_case, "plan_action_review")} == {DeadlineStatus.met}


def test_an_action_is_due_from_today_and_reviewed_before_it_is_due(caseworker, a_case):
    assess_needs(caseworker, a_case)
    with pytest.raises(Invalid) as past:
        add_goal(caseworker, a_case, action=action(due_on=(utcnow() - timedelta(days=1))
                                                   .date()))
    assert past.value.key == "due_on"
    db.session.rollback()
    with pytest.raises(Invalid) as after:
        add_goal(caseworker, a_case, action=action(
            review_on=(utcnow() + timedelta(days=20)).date()))
    assert after.value.key == "review_on"


# ---- role views: an organisation sees the actions it carries out, nothing else ---------------

@pytest.fixture
def shared(caseworker, a_case, shelter_agency, shelter_provider, shelter_user):
    """One action given to the shelter (as a provider), one to a legal aid organisation."""
    legal_agency = create_agency("Counsel for Survivors", AgencyKind.legal_aid)
    lawyer = create_user("legal_aid", agency=legal_agency, username="lawyer")
    assess_needs(caseworker, a_case)
    assess_risk(caseworker, a_case)
    shelter_goal = add_goal(caseworker, a_case, action=action(
        description="SHELTER-ACTION: keep a ground-floor room", owner_kind="provider",
        provider_id=shelter_provider.id))
    legal_goal = add_goal(caseworker, a_case, domain="legal", action=action(
        description="LEGAL-ACTION: advise on the residence permit", owner_kind="agency",
        agency_id=legal_agency.id))
    db.session.commit()
    return shelter_goal.actions[0], legal_goal.actions[0], lawyer


def test_a_shelter_sees_the_actions_it_carries_out_and_not_the_assessment(client, a_case,
                                                                          shared,
                                                                          shelter_user):
    shelter_action, legal_action, lawyer = shared
    headers = token_headers(shelter_user)
    mine = client.get("/api/v1/plan-actions", headers=headers)
    assert mine.status_code == 200
    assert [a["description"] for a in mine.json] == ["SHELTER-ACTION: keep a ground-floor room"]
    assert "case_reference" not in mine.json[0]  # SH-3: a shelter sees no case reference
    assert WORDS_SENTINEL not in mine.get_data(as_text=True)
    for path in (f"/api/v1/cases/{a_case.id}/plan", f"/api/v1/cases/{a_case.id}/needs-"
                 "assessments", f"/api/v1/cases/{a_case.id}/risk-assessments"):
        assert client.get(path, headers=headers).status_code == 403
    # It updates its own action, never another organisation's.
    done = client.post(f"/api/v1/plan-actions/{shelter_action.id}/status", headers=headers,
                       json={"status": "done"})
    assert done.status_code == 200 and done.json["status"] == "done"
    other = client.post(f"/api/v1/plan-actions/{legal_action.id}/status", headers=headers,
                        json={"status": "done"})
    assert other.status_code == 404


def test_legal_aid_sees_only_its_own_actions(client, a_case, shared):
    _, legal_action, lawyer = shared
    headers = token_headers(lawyer)
    mine = client.get("/api/v1/plan-actions", headers=headers).json
    assert [a["id"] for a in mine] == [str(legal_action.id)]
    assert "goal" not in mine[0] and "SHELTER-ACTION" not in json.dumps(mine)
    assert mine[0]["case_reference"] == a_case.reference
    assert client.get(f"/api/v1/cases/{a_case.id}/plan", headers=headers).status_code == 403


def test_another_agencys_caseworker_does_not_reach_the_plan(client, a_case, planned):
    stranger = create_user("caseworker", username="stranger")
    db.session.commit()
    headers = token_headers(stranger)
    assert client.get(f"/api/v1/cases/{a_case.id}/plan", headers=headers).status_code == 404
    (act,) = planned.actions
    assert client.post(f"/api/v1/plan-actions/{act.id}/status", headers=headers,
                       json={"status": "done"}).status_code == 404


# ---- the seal and the audit ------------------------------------------------------------------

PLAN_TABLES = ("needs_assessment", "need_item", "risk_assessment", "danger_flag",
               "assistance_plan", "plan_goal", "plan_action", "plan_version",
               "person_feedback")


def test_the_plans_free_text_is_sealed_at_rest(caseworker, a_case, planned):
    service.raise_danger(caseworker, a_case, reason=f"{WORDS_SENTINEL} (danger)")
    agree(caseworker, a_case, person_words=f"{WORDS_SENTINEL} (agreement)")
    service.record_feedback(caseworker, a_case, kind="complaint", topic="accommodation",
                            words=f"{WORDS_SENTINEL} (complaint)")
    db.session.commit()
    raw = []
    with db.engine.connect() as conn:
        for table in PLAN_TABLES:
            rows = conn.execute(text(f'SELECT * FROM "{table}"')).all()
            assert rows, table
            raw += [str(value) for row in rows for value in row]
    assert not [value for value in raw if "SENTINEL-PLAN-WORDS" in value]
    assert not [value for value in raw if "I am afraid at night" in value]
    assert any(value.startswith("v1:") for value in raw)
    # Opened through the service, the words are the person's.
    view = service.plan_view(caseworker, a_case)
    assert view["needs"]["items"][2]["person_words"].startswith(WORDS_SENTINEL)


def test_reads_and_writes_of_the_plan_are_audited(client, caseworker, a_case, planned,
                                                  cw_headers):
    client.get(f"/api/v1/cases/{a_case.id}/plan", headers=cw_headers)
    actions = set(db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.case_id == a_case.id)))
    assert {"needs.assess", "risk.assess", "plan.goal_add", "plan.action_add",
            "plan.read"} <= actions


# ---- CNS-13: feedback and complaints ---------------------------------------------------------

def test_CNS13_a_complaint_goes_to_a_supervisor_not_to_the_caseworker(client, team, a_case):
    caseworker, supervisor = team
    colleague = create_user("caseworker", agency=caseworker.agency, username="colleague")
    db.session.commit()
    created = client.post(f"/api/v1/cases/{a_case.id}/feedback",
                          headers=token_headers(caseworker),
                          json={"kind": "complaint", "topic": "caseworker", "moment": "during",
                                "words": "She never calls me back", "language": "ro"})
    assert created.status_code == 201, created.json
    (row,) = deadlines(a_case, "feedback_response")
    assert row.assignee_id == supervisor.id and row.risk == 2
    hidden = client.get(f"/api/v1/cases/{a_case.id}/feedback",
                        headers=token_headers(colleague)).json
    assert hidden[0]["readable"] is False and "words" not in hidden[0]
    answered = client.post(f"/api/v1/feedback/{created.json['id']}/response",
                           headers=token_headers(supervisor),
                           json={"response": "Your caseworker will call every Monday"})
    assert answered.status_code == 200 and answered.json["responded_at"]
    assert db.session.get(Deadline, row.id).status == DeadlineStatus.met
    assert client.post(f"/api/v1/feedback/{created.json['id']}/response",
                       headers=token_headers(caseworker),
                       json={"response": "x"}).status_code == 403


def test_CNS13_feedback_is_counted_in_statistics_with_small_cells_suppressed(client, caseworker,
                                                                           supervisor):
    from tests.factories import create_case
    from referral.statistics import service as statistics
    for n in range(12):
        case = create_case(caseworker)
        service.record_feedback(caseworker, case, kind="complaint", topic="accommodation",
                                words=f"too cold {n}")
        case = create_case(caseworker, person={"sex": "unknown"})
        service.record_feedback(caseworker, case, kind="feedback", topic="other",
                                words=f"fine {n}")
    lonely = create_case(caseworker, person={"sex": "male"})
    service.record_feedback(caseworker, lonely, kind="feedback", topic="legal_help",
                            words="The lawyer helped", moment="closure")
    db.session.commit()
    table = statistics.statistics(supervisor, "feedback")
    assert table["by"] == "feedback"
    assert set(table["columns"]) == {"complaint:accommodation", "feedback:legal_help",
                                     "feedback:other"}
    cells = {(r["sex"], c): v for r in table["rows"] for c, v in r["cells"].items()}
    assert cells[("female", "complaint:accommodation")] == 12
    assert cells[("unknown", "feedback:other")] == 12
    assert cells[("male", "feedback:legal_help")] is None  # one person: suppressed
    assert table["total"] == 25
    body = json.dumps(table, default=str)
    assert "too cold" not in body and str(lonely.id) not in body and lonely.reference not in body


# ---- DP-6: the person's own copy -------------------------------------------------------------

def test_DP6_the_persons_copy_holds_the_plan_opened_in_their_language(client, caseworker,
                                                                      a_case, planned,
                                                                      cw_headers):
    a_case.person.languages = ["fr", "ro"]
    agree(caseworker, a_case)
    service.record_feedback(caseworker, a_case, kind="feedback", topic="accommodation",
                            words="The room is quiet")
    db.session.commit()
    export = client.get(f"/api/v1/cases/{a_case.id}/subject-access", headers=cw_headers).json
    (section,) = [s for s in export["sections"] if s["key"] == "assistance_plan"]
    assert section["language"] == "fr"
    headings = [b["heading"] for b in section["blocks"]]
    assert any(h.startswith("Évaluation des besoins") for h in headings), headings
    text_ = json.dumps(section, ensure_ascii=False)
    assert WORDS_SENTINEL in text_ and "The room is quiet" in text_
    assert "Hébergement" in text_
    # The raw rows of the plan's tables are not repeated half-sealed in the records.
    assert not set(export["records"]) & set(PLAN_TABLES)
    caseworker.display_name = "Staffname Sentinel"
    db.session.commit()
    again = client.get(f"/api/v1/cases/{a_case.id}/subject-access", headers=cw_headers).json
    assert "Staffname Sentinel" not in json.dumps(again, ensure_ascii=False)  # staff unnamed


def test_DP5_erasing_the_case_erases_the_plan(caseworker, supervisor, a_case, planned):
    from referral.privacy import service as privacy
    agree(caseworker, a_case)
    service.raise_danger(caseworker, a_case, reason="danger")
    service.record_feedback(caseworker, a_case, kind="feedback", topic="other", words="ok")
    db.session.commit()
    privacy.request_erasure(supervisor, a_case.id)
    db.session.commit()
    for table in PLAN_TABLES:
        assert db.session.execute(text(f'SELECT count(*) FROM "{table}"')).scalar() == 0


# ---- the API, end to end ---------------------------------------------------------------------

def test_the_plan_through_the_api(client, caseworker, supervisor, a_case, cw_headers):
    base = f"/api/v1/cases/{a_case.id}"
    bad = client.post(f"{base}/needs-assessments", headers=cw_headers,
                      json={"items": {"safety": {"priority": "urgent"}}, "language": "ro"})
    assert bad.status_code == 422 and "items" in bad.json["errors"]
    needs = client.post(f"{base}/needs-assessments", headers=cw_headers,
                        json={"items": needs_items(accommodation="urgent"), "language": "ro"})
    assert needs.status_code == 201, needs.json
    risk = client.post(f"{base}/risk-assessments", headers=cw_headers, json={
        "risks": {"traffickers": "high", "retrafficking": "medium", "self_harm": "none",
                  "family": "low"}, "safety_measures": ["escort"], "safety_plan": "Escort"})
    assert risk.status_code == 201, risk.json
    goal = client.post(f"{base}/plan/goals", headers=cw_headers, json={
        "domain": "accommodation", "goal": "A safe room", "action": {
            "description": "Ask the shelter", "owner_kind": "caseworker",
            "due_on": (utcnow() + timedelta(days=3)).date().isoformat()}})
    assert goal.status_code == 201, goal.json
    refused = client.post(f"{base}/plan/goals", headers=cw_headers,
                          json={"domain": "documents", "goal": "A passport"})
    assert refused.status_code == 409 and "SVC-02" in refused.json["errors"]
    absent = client.post(f"{base}/plan/versions", headers=cw_headers, json={
        "person_present": False, "agreement": "agreed", "person_words": "-",
        "language": "ro"})
    assert absent.status_code == 409 and "CNS-12" in absent.json["errors"]
    version = client.post(f"{base}/plan/versions", headers=cw_headers, json={
        "person_present": True, "agreement": "agreed", "person_words": "Yes",
        "language": "ro"})
    assert version.status_code == 201, version.json
    assert client.get(f"/api/v1/plan-versions/{version.json['id']}",
                      headers=cw_headers).json["content"]["goals"][0]["goal"] == "A safe room"
    plan = client.get(f"{base}/plan", headers=cw_headers).json
    assert plan["status"] == "active" and plan["current_version"] == 1
    assert plan["goals"][0]["actions"][0]["description"] == "Ask the shelter"
    flag = client.post(f"{base}/danger-flags", headers=cw_headers,
                       json={"reason": "Followed home"})
    assert flag.status_code == 201
    again = client.post(f"{base}/danger-flags", headers=cw_headers, json={"reason": "x"})
    assert again.status_code == 422
    overview = client.get("/api/v1/plans/supervision", headers=token_headers(supervisor)).json
    assert [f["case_reference"] for f in overview["open_flags"]] == [a_case.reference]
    cleared = client.post(f"/api/v1/danger-flags/{flag.json['id']}/clear", headers=cw_headers,
                          json={"reason": "Police escort arranged"})
    assert cleared.status_code == 200 and cleared.json["cleared_at"]
    assert db.session.scalar(select(func.count()).select_from(DangerFlag)) == 1


def test_supervisors_see_plans_overdue_for_review_in_their_agency(client, caseworker,
                                                                  supervisor, a_case, planned):
    agree(caseworker, a_case)
    other_agency_supervisor = create_user("supervisor", username="elsewhere")
    db.session.commit()
    days = jurisdictions.get(a_case.jurisdiction).plan_review_days
    with freeze_time(utcnow() + timedelta(days=days + 3)):
        mine = service.supervision(supervisor)
        theirs = service.supervision(other_agency_supervisor)
    assert [(r["case_reference"], r["days_overdue"]) for r in mine["overdue_reviews"]] == [
        (a_case.reference, 3)]
    assert theirs["overdue_reviews"] == []
