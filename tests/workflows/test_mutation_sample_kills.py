"""Rules whose weakening the mutation sample (`make mutation`, docs/mutation.md) showed no
test noticed. Each test reads like its rule and fails when the code that enforces it is
changed the way the surviving mutant changed it."""
import pytest

from referral.accounts.models import AgencyKind
from referral.extensions import db
from referral.errors import Refused
from tests.cases.conftest import decide, transition
from tests.factories import create_agency, create_case, create_user


@pytest.mark.parametrize("code", ("baseline", "uk"))
def test_NRM6_a_decision_the_competent_authority_records_says_so_and_not_on_paper(
        caseworker, code):
    decision_maker = create_user("decision_maker", agency=create_agency(
        "Single Competent Authority", AgencyKind.competent_authority))
    db.session.commit()
    case = create_case(caseworker, jurisdiction=code)
    from workflows import jurisdictions
    decision = decide(decision_maker, case, kind=jurisdictions.get(code).first_decision,
                      outcome="positive")
    assert decision.details.get("recorded_by_competent_authority") is True
    assert not decision.details.get("received_on_paper")


def test_LP1_a_hearing_on_sunday_is_due_this_week_and_one_on_monday_is_not(caseworker, a_case):
    """The legal aid home lists what is due to the end of the week, Monday to Sunday (UTC):
    a hearing late on Sunday is this week's, one at midnight starts the next."""
    from datetime import datetime, timezone

    from freezegun import freeze_time

    from referral.legal import service as legal

    lawyer = create_user("legal_aid", agency=create_agency("Justice Access",
                                                           AgencyKind.legal_aid))
    db.session.commit()
    with freeze_time("2026-12-02 10:00:00"):  # a Wednesday
        legal.assign_legal_aid(caseworker, a_case, lawyer.id)
        proceeding = legal.open_proceeding(caseworker, a_case, kind="criminal",
                                           person_role="victim", court_or_authority="Court A")
        sunday = datetime(2026, 12, 6, 23, 30, tzinfo=timezone.utc)
        monday = datetime(2026, 12, 7, 0, 0, tzinfo=timezone.utc)
        legal.add_hearing(lawyer, proceeding, at=sunday, place="Room 4")
        legal.add_hearing(lawyer, proceeding, at=monday, place="Room 5")
        db.session.flush()
        due = [row["due_at"].replace(tzinfo=timezone.utc) for row in legal.due_this_week(lawyer)]
    assert due == [sunday]


def test_RR2_the_nrm_stage_moves_to_return_only_once_the_return_is_approved(caseworker, a_case):
    """RR-2: a return happens only after an individual assessment and approval; until then
    the case cannot be moved to the return stage, and once approved it can."""
    from datetime import datetime, timedelta, timezone

    from freezegun import freeze_time

    from referral.returns import service as returns

    decide(caseworker, a_case)
    with freeze_time(datetime.now(timezone.utc) + timedelta(days=31)):
        transition(caseworker, a_case, "nrm", "begin_assistance")
        assert a_case.nrm_state == "assistance"
        request = returns.request_return(caseworker, a_case, destination_country="RO",
                                         person_words="I want to go home to my mother")
        returns.assess(caseworker, request, risk_retaliation="low", risk_retrafficking="medium",
                       risk_stigma="low", non_refoulement_checked=True,
                       asylum_information_given=True, open_proceedings_checked=True)
        db.session.commit()
        assert a_case.return_state == "assessed"
        with pytest.raises(Refused) as refused:
            transition(caseworker, a_case, "nrm", "begin_return")
        assert refused.value.rule == "RR-2"
        assert a_case.nrm_state == "assistance"
        returns.return_step(caseworker, request, "approve")
        db.session.commit()
        transition(caseworker, a_case, "nrm", "begin_return")
        assert a_case.nrm_state == "return_reintegration"


def test_RR4_each_check_in_answers_the_next_scheduled_one_in_order(caseworker, a_case):
    """RR-4: check-ins at 1, 3, 6 and 12 months; a check-in, held or missed, is recorded
    against the scheduled one it answers (the earliest still pending), which is then met."""
    from sqlalchemy import select

    from referral.reminders.models import Deadline
    from referral.returns import service as returns

    returns.create_plan(caseworker, a_case, outcome="return", wellbeing="a", economic="b",
                        social="c", cultural="d", political="e")
    first = returns.record_checkin(caseworker, a_case, held=True, inclusion_notes="at work")
    second = returns.record_checkin(caseworker, a_case, held=False, missed_reason="unreachable")
    db.session.commit()
    assert (first.schedule_key, second.schedule_key) == ("1m", "3m")
    pending = db.session.scalars(select(Deadline.source_key).where(
        Deadline.case_id == a_case.id, Deadline.kind == "reintegration_checkin",
        Deadline.status == "pending")).all()
    assert sorted(pending) == ["12m", "6m"]


@pytest.mark.parametrize("smtp_host, status", [("127.0.0.1", "pending"), (None, "skipped")])
def test_DP7_the_dpo_alert_of_an_unjustified_opening_is_mailed_only_where_mail_is_set_up(
        app, client, supervisor, agency, a_case, smtp_host, status):
    """DP-7: an opening judged not justified alerts the data protection officer in the app
    and by email where mail is configured; with no mail server the email is marked skipped,
    never left waiting for a server that does not exist."""
    import pyotp
    from sqlalchemy import select

    from referral.accounts import service as accounts
    from referral.privacy import service as privacy
    from referral.reminders.models import OutboxMessage

    create_user("dpo", agency=agency, username="dpo", email="dpo@example.org")
    opener = create_user("supervisor", agency=agency, username="sup1b")
    privacy.restrict_case(supervisor, a_case.id, reason="suspected involvement of an officer")
    secret = accounts.enrol_mfa(opener)
    db.session.commit()
    opening = privacy.break_the_glass(opener, a_case.id, reason="need to check urgent safety "
                                      "issue now", otp=pyotp.TOTP(secret).now())
    db.session.commit()
    app.config["SMTP_HOST"] = smtp_host
    try:
        privacy.review_break_glass(supervisor, opening.id, outcome="not_justified",
                                   note="this opening was not justified at all")
        db.session.commit()
    finally:
        app.config["SMTP_HOST"] = None
    mail = db.session.scalars(select(OutboxMessage)).one()
    assert mail.to_address == "dpo@example.org" and a_case.reference in mail.subject
    assert mail.status == status


def test_DP7_an_unjustified_opening_restores_only_a_restriction_its_opener_lifted_on_that_case(
        supervisor, caseworker, agency, a_case):
    """DP-7: the review of an opening judged not justified restores the case's restriction
    when the opener lifted it. A restriction the opener lifted on another case, where they
    are named, is theirs to lift; and a named supervisor's lifting of this one stands."""
    import pyotp

    from referral.accounts import service as accounts
    from referral.privacy import service as privacy

    opener = create_user("supervisor", agency=agency, username="sup1b")
    their_case = create_case(caseworker)
    privacy.restrict_case(supervisor, a_case.id, reason="suspected involvement of an officer")
    privacy.restrict_case(opener, their_case.id, reason="a relative works in this office")
    secret = accounts.enrol_mfa(opener)
    db.session.commit()
    opening = privacy.break_the_glass(opener, a_case.id, reason="need to check urgent safety "
                                      "issue now", otp=pyotp.TOTP(secret).now())
    privacy.lift_restriction(opener, their_case.id, reason="the relative has left the office")
    privacy.lift_restriction(supervisor, a_case.id, reason="the officer has been cleared")
    db.session.commit()
    reviewed = privacy.review_break_glass(supervisor, opening.id, outcome="not_justified",
                                          note="this opening was not justified at all")
    db.session.commit()
    assert reviewed.reverted["restriction_restored"] is False
    assert not a_case.is_restricted and not their_case.is_restricted


def test_LP4_the_alert_of_an_open_proceeding_against_the_person_names_the_reviews_outcome(
        client, caseworker, a_case, cw_headers):
    """LP-4: while a proceeding against the person stays open, the case shows an alert that
    names the offence and where the non-punishment review stands: pending, then its
    outcome once reviewed."""
    from referral.legal import service as legal

    def alerts():
        return client.get(f"/api/v1/cases/{a_case.id}/legal",
                          headers=cw_headers).json["non_punishment_alerts"]

    proceeding = legal.open_proceeding(caseworker, a_case, kind="criminal",
                                       person_role="suspect", court_or_authority="Court",
                                       offence_category="false_documents")
    db.session.commit()
    [pending] = alerts()
    assert "use of false documents" in pending and pending.endswith("review pending")
    legal.review_non_punishment(caseworker, proceeding, review="compelled by traffickers; "
                                "the court lowered the penalty", outcome="mitigated")
    db.session.commit()
    [reviewed] = alerts()
    assert reviewed.endswith("review penalty mitigated")


@pytest.mark.parametrize("code", ("baseline", "uk"))
def test_NRM4_the_move_on_period_plans_its_end_the_needs_assessment_and_the_transition_plan(
        caseworker, code):
    """NRM-4: after a positive final decision, the move-on period ends ``move_on_days``
    later (reminders 14 and 7 days before), a recovery needs assessment is due within
    ``recovery_needs_assessment_days`` (reminders 3 and 1 days before) and a transition plan
    ``transition_plan_before_end_days`` before the period ends (reminders 7 and 1 days
    before), in each jurisdiction's own numbers."""
    from datetime import timedelta

    from sqlalchemy import select

    from referral.reminders.models import Deadline
    from workflows import jurisdictions

    j = jurisdictions.get(code)
    case = create_case(caseworker, jurisdiction=code)
    if j.first_decision != j.final_decision:
        decide(caseworker, case, kind=j.first_decision, outcome="positive")
    positive = decide(caseworker, case, kind=j.final_decision, outcome="positive")
    start = positive.decided_at
    planned = {d.kind: (d.due_at.replace(tzinfo=None), list(d.remind_days))
               for d in db.session.scalars(select(Deadline).where(Deadline.case_id == case.id))}
    start = start.replace(tzinfo=None)
    end = start + timedelta(days=j.move_on_days)
    assert planned["move_on_end"] == (end, [14, 7])
    assert planned["recovery_needs_assessment"] == (
        start + timedelta(days=j.recovery_needs_assessment_days), [3, 1])
    assert planned["transition_plan"] == (
        end - timedelta(days=j.transition_plan_before_end_days), [7, 1])


def test_CO1_CO2_the_case_history_shows_each_consent_given_and_each_withdrawal(caseworker,
                                                                              a_case):
    """CO-1, CO-2: consent is specific and can be withdrawn at any time; the case's history
    shows when each consent was given, for what and to whom, and when it was withdrawn."""
    from referral.cases import service as cases
    from referral.consent import service as consent_service
    from tests.factories import give_consent

    consent = give_consent(caseworker, a_case, "service", recipient_name="Clinic Nord")
    consent_service.withdraw_consent(caseworker, consent, note="changed her mind")
    db.session.commit()
    shown = [(item["event"], item["purpose"], item["recipient"])
             for item in cases.history(caseworker, a_case) if item["type"] == "consent"]
    assert shown == [("given", "service", "Clinic Nord"), ("withdrawn", "service", "Clinic Nord")]


def test_NC3_the_tripwire_names_the_whole_phrase_that_ties_a_reason_to_cooperation():
    """NC-3: a reason tied to cooperation is refused and a supervisor sees the attempt, with
    the words that tied it: the whole phrase, not a shorter one inside it."""
    from workflows.screening import cooperation_hit

    # "sans suite" is a phrase of its own too; the longer one is the one named.
    assert cooperation_hit("Classement sans suite de la plainte") == "classement sans suite"


def test_LP3_a_case_s_legal_summary_lists_its_own_compensation_claims_and_no_other(
        caseworker, a_case):
    """LP-3: compensation is claimable whatever the person's residence status; the legal
    summary of a case lists the claims made for that person, never another person's."""
    from datetime import timedelta

    from referral.database import utcnow
    from referral.legal import service as legal

    other = create_case(caseworker)
    own = legal.add_compensation(caseworker, a_case, kind="lost_wages", amount_claimed=5400,
                                 currency="EUR", limitation_at=utcnow() + timedelta(days=365))
    theirs = legal.add_compensation(caseworker, other, kind="lost_wages", amount_claimed=900,
                                    currency="EUR", limitation_at=utcnow() + timedelta(days=365))
    db.session.commit()
    assert [c.id for c in legal.legal_summary(caseworker, a_case)["compensation_claims"]] == [
        own.id]
    assert [c.id for c in legal.legal_summary(caseworker, other)["compensation_claims"]] == [
        theirs.id]


def test_DP3_an_audit_entry_keeps_the_details_of_what_was_done(supervisor, caseworker, a_case):
    """DP-3: every read and write of a case is audited with who, when, what and why; the
    entry keeps the details of what was done (here: how many staff a restriction named),
    and an entry with no details stores none rather than an empty record."""
    from referral.audit import service as audit
    from referral.privacy import service as privacy

    privacy.restrict_case(supervisor, a_case.id, reason="suspected involvement of an officer")
    audit.record(supervisor, "case.read", "case", a_case.id, case_id=a_case.id,
                 purpose="supervision", details={})
    db.session.commit()
    entries = {e.action: e.details for e in audit.entries_for_case(a_case.id)}
    assert entries["case.restrict"] == {"named": 2}  # the supervisor and the caseworker
    assert entries["case.read"] is None


def test_RP3_a_period_ending_soon_names_its_own_caseworker_once(caseworker, supervisor):
    """RP-3: the supervisors' list of reflection periods ending with no decision shows each
    case once, with the caseworker it is assigned to (not another account)."""
    from datetime import timedelta

    from freezegun import freeze_time

    from referral.supervision import service as supervision

    case = create_case(caseworker)
    with freeze_time(case.reflection_ends_at - timedelta(days=2)):
        rows = [r for r in supervision.reflection_ending(supervisor) if r["case_id"] == case.id]
    assert [r["caseworker"] for r in rows] == [caseworker.display_name]


def test_SH2_supervisors_see_each_restriction_against_its_own_case(
        caseworker, supervisor, shelter_agency, shelter_provider, shelter_user):
    """SH-2: the supervisors' list of restrictions in force shows each restriction once,
    with the case of the stay it restricts, whichever other cases the agency holds."""
    from datetime import timedelta

    from referral.database import utcnow
    from referral.shelter import service as shelter
    from referral.supervision import service as supervision
    from tests.factories import give_consent

    cases = sorted((create_case(caseworker) for _ in range(2)), key=lambda c: str(c.id))
    restricted = cases[-1]  # another case of the agency sorts before it
    give_consent(caseworker, restricted, "service", shelter_provider)
    stay = shelter.admit(caseworker, restricted, shelter_id=shelter_agency.id, room="2A")
    db.session.commit()
    shelter.impose_restriction(
        shelter_user, stay, legal_basis="Court protection order 12/2026",
        decision_maker="Judge A", grounds="safety", reason="trafficker seen near the shelter",
        expires_at=utcnow() + timedelta(days=7), review_at=utcnow() + timedelta(days=3),
        reason_code="trafficker_nearby", person_view="understands and agrees")
    db.session.commit()
    rows = supervision.active_restrictions(supervisor)
    assert [(r["case_id"], r["case_reference"]) for r in rows] == [
        (restricted.id, restricted.reference)]


def test_LP1_a_hearing_is_an_important_follow_up_reminded_a_week_and_a_day_before(
        caseworker, a_case):
    """LP-1: a hearing is planned as an important follow-up (risk 2: urgent, 3, is kept for
    safety tasks such as an offender's release), reminded 7 days and 1 day before."""
    from datetime import timedelta

    from sqlalchemy import select

    from referral.database import utcnow
    from referral.legal import service as legal
    from referral.reminders.models import Deadline

    proceeding = legal.open_proceeding(caseworker, a_case, kind="criminal",
                                       person_role="victim", court_or_authority="Court A")
    hearing = legal.add_hearing(caseworker, proceeding, at=utcnow() + timedelta(days=20),
                                place="Room 4")
    db.session.flush()
    row = db.session.scalar(select(Deadline).where(Deadline.kind == "hearing",
                                                   Deadline.source_key == str(hearing.id)))
    assert (row.risk, sorted(row.remind_days, reverse=True)) == (2, [7, 1])


def test_NRM2_the_legal_advisers_last_day_to_ask_is_reminded_a_week_and_two_days_before(
        caseworker):
    """NRM-2: the legal adviser's follow-up for the last day to ask for reconsideration is
    reminded 7 days and 2 days before it."""
    from sqlalchemy import select

    from referral.legal import service as legal
    from referral.reminders.models import Deadline

    lawyer = create_user("legal_aid", agency=create_agency("Clinic", AgencyKind.legal_aid))
    case = create_case(caseworker)
    legal.assign_legal_aid(caseworker, case, lawyer.id)
    db.session.commit()
    decide(caseworker, case, outcome="negative")
    [row] = db.session.scalars(select(Deadline).where(
        Deadline.case_id == case.id, Deadline.kind == "reconsideration_legal_aid")).all()
    assert sorted(row.remind_days, reverse=True) == [7, 2]


def test_ID6_a_decision_already_under_review_is_not_reviewed_twice(caseworker):
    """ID-6: a negative decision is reviewed once on request; a second request while the
    first is pending is refused, with the reason said."""
    from referral.cases import decisions

    case = create_case(caseworker)
    negative = decide(caseworker, case, outcome="negative")
    decisions.request_review(caseworker, case, negative.id, "new evidence from the clinic")
    db.session.commit()
    with pytest.raises(Refused) as refused:
        decisions.request_review(caseworker, case, negative.id, "asked again")
    assert refused.value.rule == "ID-6"
    assert "already under review" in str(refused.value.message)


def test_a_search_by_part_of_a_name_finds_only_that_person(caseworker):
    """Finding people: a caseworker's search by part of a name lists the person it names,
    not every case in scope."""
    from referral.cases.service import case_list_query

    found = create_case(caseworker, person={"given_name": "Ludmila", "family_name": "Orsova"})
    create_case(caseworker, person={"given_name": "Amina", "family_name": "Kebede"})
    ids = db.session.scalars(case_list_query(caseworker, name="Ludmi")).all()
    assert [c.id for c in ids] == [found.id]


def test_NC3_supervisors_see_who_tried_the_refused_step(caseworker, supervisor, a_case):
    """NC-3: a refused attempt reaches supervisors with the name of the person who tried it,
    so that they can talk to them."""
    from referral.cases.models import RefusedAttempt
    from referral.supervision import service as supervision

    db.session.add(RefusedAttempt(case_id=a_case.id, track="assistance", event="end",
                                  rule="NC-3", message="never for not cooperating",
                                  reason="she will not testify", actor_id=caseworker.id))
    db.session.commit()
    assert [a["actor"] for a in supervision.refused_attempts(supervisor)] == [
        caseworker.display_name]


def test_ID6_the_shelter_ends_a_stay_only_with_the_persons_view_or_their_refusal_to_give_it(
        admitted, shelter_user):
    """ID-6: ending a stay records the person's view; unless the shelter says the person
    declined to give one, a stay is not ended without it."""
    from referral.shelter import service as shelter

    with pytest.raises(Refused) as refused:
        shelter.end_stay(shelter_user, admitted, reason_code="stay_period_completed")
    assert refused.value.rule == "ID-6"
    db.session.rollback()
    db.session.refresh(admitted)
    assert admitted.left_at is None


def test_DP7_restricting_a_case_with_no_caseworker_names_the_supervisor_and_the_named_staff(
        caseworker, supervisor, a_case):
    """DP-7: a case no caseworker holds is restricted to the restricting supervisor and the
    staff they name; nobody else is added."""
    from sqlalchemy import select

    from referral.privacy import service as privacy
    from referral.privacy.models import NamedAccess

    a_case.assigned_to_id = None
    db.session.commit()
    privacy.restrict_case(supervisor, a_case.id, reason="a relative of the person works here",
                          named_staff=[caseworker.id])
    db.session.commit()
    named = set(db.session.scalars(select(NamedAccess.user_id).where(
        NamedAccess.case_id == a_case.id)))
    assert named == {supervisor.id, caseworker.id}


def test_CH3_an_age_assessment_does_not_move_a_guardian_deadline_already_running(caseworker):
    """CH-3: a child known as a child at referral has the guardian deadline from the
    referral; an age assessment that finds the same later does not push it back."""
    from datetime import timedelta

    from freezegun import freeze_time
    from sqlalchemy import select

    from referral.database import utcnow
    from referral.reminders.models import Deadline

    born = (utcnow() - timedelta(days=15 * 365)).date()
    case = create_case(caseworker, person={"date_of_birth": born})
    assert case.is_child
    [planned] = db.session.scalars(select(Deadline.due_at).where(
        Deadline.case_id == case.id, Deadline.kind == "guardian_appointment")).all()
    with freeze_time(utcnow() + timedelta(days=1)):
        decide(caseworker, case, kind="age_assessment", outcome="child",
               child_views="wants to stay in school", best_interests="safe placement")
        db.session.commit()
    assert db.session.scalars(select(Deadline.due_at).where(
        Deadline.case_id == case.id, Deadline.kind == "guardian_appointment")).all() == [planned]
