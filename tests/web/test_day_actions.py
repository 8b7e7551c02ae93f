"""The rest of a caseworker's and a supervisor's day without the API (issue 14): erasure at
the person's request (DP-5), restriction to named staff (DP-7), the shelter ending a stay
(ID-6, NC-3), withdrawing a transfer request, escalating an overdue follow-up, and refusals
that link their rule to the rules in plain words."""
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from referral.audit.models import AuditEntry
from referral.cases.models import Case, RefusedAttempt
from referral.database import utcnow
from referral.extensions import db
from referral.privacy import service as privacy
from referral.privacy.models import Erasure, NamedAccess
from referral.reminders import service as reminders
from referral.reminders.models import Notification
from referral.shelter.models import Stay
from tests.factories import create_agency, create_case, create_user, give_consent
from tests.web.conftest import login
from workflows.rules import RULES

REASON = "officers of the local police are suspected of involvement"


def text(response) -> str:
    from html import unescape
    return unescape(response.get_data(as_text=True))


@pytest.fixture
def sv_client(client, supervisor):
    return login(client, "supervisor")


# -- DP-5: erasure at the person's request ------------------------------------------------

def test_DP5_a_supervisor_erases_a_file_after_typing_its_reference_and_confirming(
        sv_client, a_case):
    reference, case_id = a_case.reference, a_case.id
    page = text(sv_client.get(f"/privacy/cases/{case_id}/erasure"))
    assert "This cannot be undone" in page and reference in page
    wrong = sv_client.post(f"/privacy/cases/{case_id}/erasure",
                           data={"confirm_reference": "NRM-WRONG"})
    assert wrong.status_code == 400 and "type the case reference to confirm" in text(wrong)
    asked = sv_client.post(f"/privacy/cases/{case_id}/erasure",
                           data={"confirm_reference": reference.lower()})
    assert asked.status_code == 200 and "Erase the file?" in text(asked)
    assert db.session.get(Case, case_id) is not None  # nothing erased before the confirmation
    done = sv_client.post(f"/privacy/cases/{case_id}/erasure",
                          data={"confirm_reference": reference, "confirm": "yes"},
                          follow_redirects=True)
    assert f"The file {reference} is erased" in text(done)
    db.session.expire_all()
    assert db.session.get(Case, case_id) is None
    assert db.session.scalar(select(Erasure.basis).where(
        Erasure.case_reference == reference)) == "person_request"


def test_DP5_a_legal_hold_is_shown_and_erasure_refused_with_the_rule_linked(
        sv_client, caseworker, a_case):
    from referral.legal import service as legal
    legal.open_proceeding(caseworker, a_case, kind="criminal", person_role="victim",
                          court_or_authority="Crown Court")
    db.session.commit()
    page = text(sv_client.get(f"/privacy/cases/{a_case.id}/erasure"))
    assert "may not be erased now" in page and 'href="/help/rules#DP-5"' in page
    refused = sv_client.post(f"/privacy/cases/{a_case.id}/erasure",
                             data={"confirm_reference": a_case.reference, "confirm": "yes"},
                             follow_redirects=True)
    assert "This was not done: legal hold" in text(refused)
    assert '<a href="/help/rules#DP-5" class="rule-link">DP-5</a>' in text(refused)
    assert db.session.get(Case, a_case.id) is not None


def test_DP5_a_caseworker_or_another_agency_cannot_erase(client, caseworker, a_case):
    login(client, "caseworker")
    assert client.post(f"/privacy/cases/{a_case.id}/erasure", data={
        "confirm_reference": a_case.reference, "confirm": "yes"}).status_code == 403
    client.post("/logout")
    create_user("supervisor", agency=create_agency("Elsewhere"), username="other-sv")
    db.session.commit()
    login(client, "other-sv")
    assert client.post(f"/privacy/cases/{a_case.id}/erasure", data={
        "confirm_reference": a_case.reference, "confirm": "yes"}).status_code == 404
    assert db.session.get(Case, a_case.id) is not None


# -- DP-7: restriction to named staff ------------------------------------------------------

def test_DP7_a_supervisor_restricts_a_case_to_named_staff_from_a_page(
        sv_client, supervisor, caseworker, a_case, agency):
    colleague = create_user("caseworker", agency=agency, username="colleague")
    db.session.commit()
    done = sv_client.post(f"/privacy/cases/{a_case.id}/restriction",
                          data={"reason": REASON, "named_staff": [str(colleague.id)]},
                          follow_redirects=True)
    assert "The case is restricted to the named staff" in text(done)
    db.session.refresh(a_case)
    assert a_case.is_restricted
    named = set(db.session.scalars(select(NamedAccess.user_id).where(
        NamedAccess.case_id == a_case.id)))
    assert named == {supervisor.id, colleague.id, caseworker.id}
    page = text(sv_client.get(f"/privacy/cases/{a_case.id}/restriction"))
    assert "colleague" in page.lower() or colleague.display_name in page


def test_DP7_a_restriction_without_a_reason_is_a_form_message_not_an_error(sv_client, a_case):
    response = sv_client.post(f"/privacy/cases/{a_case.id}/restriction",
                              data={"reason": "too short"}, follow_redirects=True)
    assert response.status_code == 200
    assert "Please check “Why the case is restricted”" in text(response)
    db.session.refresh(a_case)
    assert not a_case.is_restricted


def test_DP7_named_staff_are_changed_and_the_restriction_lifted_only_when_confirmed(
        sv_client, supervisor, caseworker, a_case, agency):
    colleague = create_user("caseworker", agency=agency, username="colleague")
    db.session.commit()
    privacy.restrict_case(supervisor, a_case.id, reason=REASON)
    db.session.commit()
    added = sv_client.post(f"/privacy/cases/{a_case.id}/restriction/named-staff",
                           data={"add": [str(colleague.id)],
                                 "remove": [str(caseworker.id)]}, follow_redirects=True)
    assert "The named staff are changed." in text(added)
    named = set(db.session.scalars(select(NamedAccess.user_id).where(
        NamedAccess.case_id == a_case.id)))
    assert named == {supervisor.id, colleague.id}
    unconfirmed = sv_client.post(f"/privacy/cases/{a_case.id}/restriction/lift",
                                 data={"reason": "the inquiry cleared the local officers"},
                                 follow_redirects=True)
    assert "tick the confirmation to lift the restriction" in text(unconfirmed)
    db.session.refresh(a_case)
    assert a_case.is_restricted
    lifted = sv_client.post(f"/privacy/cases/{a_case.id}/restriction/lift",
                            data={"reason": "the inquiry cleared the local officers",
                                  "confirm": "y"}, follow_redirects=True)
    assert "The restriction is lifted" in text(lifted)
    db.session.refresh(a_case)
    assert not a_case.is_restricted


def test_DP7_a_supervisor_not_named_is_refused_in_plain_words_with_the_rule_linked(
        client, supervisor, a_case, agency):
    privacy.restrict_case(supervisor, a_case.id, reason=REASON)
    create_user("supervisor", agency=agency, username="second-sv")
    db.session.commit()
    login(client, "second-sv")
    # Not named: the restricted case is closed to them (DP-7), for reading and for lifting.
    response = client.post(f"/privacy/cases/{a_case.id}/restriction/lift",
                           data={"reason": "the inquiry cleared the local officers",
                                 "confirm": "y"})
    assert response.status_code == 403
    assert '<a href="/help/rules#DP-7" class="rule-link">DP-7</a>' in text(response)
    db.session.refresh(a_case)
    assert a_case.is_restricted


def test_DP7_caseworkers_do_not_restrict_cases(cw_client, a_case):
    assert cw_client.get(f"/privacy/cases/{a_case.id}/restriction").status_code == 403
    assert cw_client.post(f"/privacy/cases/{a_case.id}/restriction",
                          data={"reason": REASON}).status_code == 403


# -- ID-6, NC-3: the shelter ends a stay ------------------------------------------------------

END = {"reason_code": "moved_to_other_accommodation",
       "person_view": "agrees and thanks the staff",
       "reason": "a place nearer their work"}


@pytest.fixture
def sh_client(client, shelter_user):
    return login(client, "shelter")


def test_ID6_the_shelter_ends_a_stay_with_reason_and_view_after_confirming(sh_client,
                                                                          admitted):
    page = text(sh_client.get(f"/shelter/stays/{admitted.id}"))
    assert "End the stay" in page and 'action="/shelter/stays/%s/end"' % admitted.id in page
    asked = sh_client.post(f"/shelter/stays/{admitted.id}/end", data=END)
    assert asked.status_code == 200 and "End the stay?" in text(asked)
    assert "The person moves to other accommodation" in text(asked)
    db.session.refresh(admitted)
    assert admitted.left_at is None  # the confirmation comes first
    done = sh_client.post(f"/shelter/stays/{admitted.id}/end", data={**END, "confirm": "yes"},
                          follow_redirects=True)
    assert "The stay is ended" in text(done)
    stay = db.session.get(Stay, admitted.id)
    assert stay.left_at is not None and stay.case.shelter_state == "left"


@pytest.mark.parametrize("missing", ["reason_code", "person_view"])
def test_ID6_ending_a_stay_without_a_reason_code_or_the_persons_view_is_a_form_message(
        sh_client, admitted, missing):
    data = {key: value for key, value in END.items() if key != missing}
    response = sh_client.post(f"/shelter/stays/{admitted.id}/end",
                              data={**data, "confirm": "yes"})
    assert response.status_code == 400
    assert 'class="error" id="end_' in text(response)
    assert db.session.get(Stay, admitted.id).left_at is None


def test_ID6_the_person_declining_to_give_a_view_is_a_view(sh_client, admitted):
    data = {"reason_code": "shelter_closing", "person_view_declined": "y"}
    asked = sh_client.post(f"/shelter/stays/{admitted.id}/end", data=data)
    assert "End the stay?" in text(asked)
    sh_client.post(f"/shelter/stays/{admitted.id}/end", data={**data, "confirm": "yes"})
    assert db.session.get(Stay, admitted.id).left_at is not None


def test_NC3_ending_a_stay_for_not_cooperating_is_refused_before_the_confirmation_and_shown(
        sh_client, admitted):
    response = sh_client.post(f"/shelter/stays/{admitted.id}/end", data={
        **END, "reason": "refused to give a statement to the police"})
    assert response.status_code == 400 and "End the stay?" not in text(response)
    assert db.session.get(Stay, admitted.id).left_at is None
    assert db.session.scalar(select(RefusedAttempt.rule).where(
        RefusedAttempt.case_id == admitted.case_id)) == "NC-3"


def test_ending_a_stay_is_the_shelters_page_only(client, caseworker, admitted):
    login(client, "caseworker")
    assert client.post(f"/shelter/stays/{admitted.id}/end",
                       data={**END, "confirm": "yes"}).status_code == 403
    client.post("/logout")
    from referral.accounts.models import AgencyKind
    create_user("shelter_staff", agency=create_agency("Other shelter", AgencyKind.shelter),
                username="other-shelter")
    db.session.commit()
    login(client, "other-shelter")
    assert client.post(f"/shelter/stays/{admitted.id}/end",
                       data={**END, "confirm": "yes"}).status_code == 404
    assert db.session.get(Stay, admitted.id).left_at is None


# -- withdrawing a transfer request -------------------------------------------------------

@pytest.fixture
def transfer(caseworker, a_case):
    from referral.agencies import service as agencies
    receiving = create_agency("Receiving agency")
    create_user("caseworker", agency=receiving, username="receiving")
    consent = give_consent(caseworker, a_case, "data_share", recipient_name=receiving.name,
                           recipient_category="ngo")
    row = agencies.request_transfer(caseworker, a_case, to_agency_id=receiving.id,
                                    consent_id=consent.id, reason="the person moved")
    db.session.commit()
    return row


def test_the_sending_agency_withdraws_a_transfer_request_once_confirmed(cw_client, transfer):
    page = text(cw_client.get(f"/cases/{transfer.case_id}/agencies"))
    assert "Withdraw the request" in page
    unconfirmed = cw_client.post(f"/transfers/{transfer.id}/cancel", follow_redirects=True)
    assert "tick the confirmation to withdraw the request" in text(unconfirmed)
    db.session.refresh(transfer)
    assert transfer.status == "requested"
    done = cw_client.post(f"/transfers/{transfer.id}/cancel", data={"confirm": "y"},
                          follow_redirects=True)
    assert "Transfer request withdrawn" in text(done)
    db.session.refresh(transfer)
    assert transfer.status == "cancelled"
    again = cw_client.post(f"/transfers/{transfer.id}/cancel", data={"confirm": "y"},
                           follow_redirects=True)
    assert "This was not done: this transfer was already decided" in text(again)


def test_the_receiving_agency_cannot_withdraw_anothers_request(client, transfer):
    login(client, "receiving")
    assert client.post(f"/transfers/{transfer.id}/cancel",
                       data={"confirm": "y"}).status_code == 403
    db.session.refresh(transfer)
    assert transfer.status == "requested"


# -- escalating an overdue follow-up from the dashboard --------------------------------------

@pytest.fixture
def overdue(caseworker, supervisor, agency):
    case = create_case(caseworker)
    row = reminders.plan_deadline(case.id, "hearing", utcnow() - timedelta(hours=3))
    create_user("supervisor", agency=agency, username="second-sv")
    db.session.commit()
    return row


def _told(row):
    return set(db.session.scalars(select(Notification.recipient_id).where(
        Notification.deadline_id == row.id, Notification.kind == "hand_escalation")))


def test_a_supervisor_escalates_an_overdue_follow_up_once_with_a_note(
        sv_client, overdue, caseworker, supervisor):
    page = text(sv_client.get("/supervision/"))
    assert f'action="/supervision/follow-ups/{overdue.id}/escalate"' in page
    done = sv_client.post(f"/supervision/follow-ups/{overdue.id}/escalate",
                          data={"note": "the hearing needs a lawyer by Friday"},
                          follow_redirects=True)
    assert "Escalated: the follow-up is now urgent" in text(done)
    db.session.refresh(overdue)
    assert overdue.risk == 3 and overdue.escalated_at is not None
    told = _told(overdue)
    assert caseworker.id in told and supervisor.id not in told and len(told) == 2
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "follow_up.escalate")) == 1
    again = sv_client.post(f"/supervision/follow-ups/{overdue.id}/escalate",
                           data={"note": "again"}, follow_redirects=True)
    assert "this follow-up was already escalated on" in text(again)
    assert len(_told(overdue)) == 2
    # The sweep does not escalate it a second time either.
    reminders.sweep_due(utcnow() + timedelta(days=30))
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.deadline_id == overdue.id, Notification.kind == "escalation")) == 0


def test_an_escalation_without_a_note_is_a_form_message(sv_client, overdue):
    response = sv_client.post(f"/supervision/follow-ups/{overdue.id}/escalate",
                              data={"note": "  "}, follow_redirects=True)
    assert response.status_code == 200 and "say why it is escalated" in text(response)
    db.session.refresh(overdue)
    assert overdue.risk == 1 and not _told(overdue)


def test_a_follow_up_not_yet_due_is_not_escalated(sv_client, caseworker):
    case = create_case(caseworker)
    row = reminders.plan_deadline(case.id, "hearing", utcnow() + timedelta(days=3))
    db.session.commit()
    response = sv_client.post(f"/supervision/follow-ups/{row.id}/escalate",
                              data={"note": "early"}, follow_redirects=True)
    assert "this follow-up is not overdue yet" in text(response)
    db.session.refresh(row)
    assert row.escalated_at is None


def test_caseworkers_do_not_escalate(cw_client, overdue):
    assert cw_client.post(f"/supervision/follow-ups/{overdue.id}/escalate",
                          data={"note": "please"}).status_code == 403


def test_NC3_a_refused_attempt_is_reviewed_from_the_dashboard(client, supervisor, shelter_user,
                                                            admitted):
    login(client, "shelter")
    client.post(f"/shelter/stays/{admitted.id}/end", data={
        **END, "reason": "no statement to the police"})
    client.post("/logout")
    row = db.session.scalar(select(RefusedAttempt))
    assert row is not None and row.reviewed_at is None
    login(client, "supervisor")
    page = text(client.get("/supervision/"))
    assert "no statement to the police" in page
    assert f'action="/supervision/attempts/{row.id}/reviewed"' in page
    back = client.post(f"/supervision/attempts/{row.id}/reviewed",
                       data={"next": "/supervision/"})
    assert back.status_code == 302 and back.headers["Location"].endswith("/supervision/")
    db.session.refresh(row)
    assert row.reviewed_at is not None


# -- refusals in plain words, the rule linked to its text ------------------------------------

def test_the_rules_page_has_an_anchor_and_plain_words_for_every_rule(cw_client):
    page = text(cw_client.get("/help/rules"))
    for rule_id, (title, _) in RULES.items():
        assert f'id="{rule_id}"' in page and title in page


def test_every_rule_a_refusal_names_is_explained_on_the_rules_page():
    root = Path(__file__).resolve().parents[2]
    named = set()
    for folder in ("referral", "workflows"):
        for source in (root / folder).rglob("*.py"):
            named |= set(re.findall(r'(?:Refused|Forbidden|Refusal|guard|require)\(\s*"'
                                    r'([A-Z]{2,3}-[0-9A-Z]+)"', source.read_text()))
    explained = set(RULES)
    # Rule ids of the source digests (CNS, SVC, RTF) are explained by the domain rule that
    # carries them; every other refusal names a rule of the rules page.
    missing = {rule for rule in named - explained
               if rule.split("-")[0] not in ("CNS", "SVC", "RTF")}
    assert named and not missing, f"refusals naming rules the page does not explain: {missing}"


def test_a_refusal_flash_links_its_rule_to_the_rules_page(cw_client, a_case):
    page = text(cw_client.post(f"/cases/{a_case.id}/consent-overrides",
                               data={"purpose": "referral", "grounds": "child_without_guardian",
                                     "reason": "no"}, follow_redirects=True))
    assert "This was not done: this ground applies only to a child" in page
    assert '(rule <a href="/help/rules#CO-4" class="rule-link">CO-4</a>)' in page


def test_a_rule_link_escapes_the_message_around_it(app):
    from referral.webforms import rule_links
    with app.test_request_context():
        html = str(rule_links("<b>x</b> refused (rule NC-3; XX-9)"))
    assert "&lt;b&gt;x&lt;/b&gt;" in html
    assert '<a href="/help/rules#NC-3" class="rule-link">NC-3</a>' in html
    assert "XX-9" in html and "#XX-9" not in html  # not a rule: left as text


# -- dates and times in the reader's time zone, the zone stated --------------------------------

def test_times_on_the_days_pages_are_in_the_readers_zone_and_never_a_bare_utc(
        app, client, shelter_user, admitted, supervisor, overdue):
    from referral.shelter import service as shelter
    shelter.go_out(shelter_user, admitted, "doctor")
    db.session.commit()
    app.config["DEFAULT_TIME_ZONE"] = "Asia/Tokyo"  # never the same day-time as UTC
    try:
        login(client, "shelter")
        stay = text(client.get(f"/shelter/stays/{admitted.id}"))
        client.post("/logout")
        login(client, "supervisor")
        client.post(f"/supervision/follow-ups/{overdue.id}/escalate",
                    data={"note": "the hearing needs a lawyer by Friday"})
        dashboard = text(client.get("/supervision/"))
    finally:
        app.config.pop("DEFAULT_TIME_ZONE")
    assert "(Asia/Tokyo)" in stay and " UTC" not in stay
    assert "escalated" in dashboard and "(Asia/Tokyo)" in dashboard
    assert " UTC" not in dashboard
