"""The person's rights on the web forms, as on the API (issue 13): each adverse step posted
from its real page takes a reason code from its list and the person's view, a reason tied
to cooperation is refused with NC-3 in any wording, and the refusal names its rule on the
page while nothing changes. The API side of each rule is in
tests/security/test_rights_via_api.py and the tests named in docs/rights-on-every-path.md."""
from html import unescape

import pytest

from sqlalchemy import func, select

from referral.cases.models import Case, CaseTransition, RefusedAttempt
from referral.extensions import db
from referral.returns import service as returns
from referral.returns.models import ReturnRequest
from referral.services import service as services
from referral.services.models import Referral
from tests.cases.conftest import decide
from tests.factories import create_provider, give_consent
from tests.web.conftest import login

FULL_CHECKS = {"risk_retaliation": "high", "risk_retrafficking": "high",
               "risk_stigma": "low", "non_refoulement_checked": True,
               "asylum_information_given": True, "open_proceedings_checked": True}


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def refused_attempts() -> int:
    return db.session.scalar(select(func.count()).select_from(RefusedAttempt))


# -- ID-6 / NC-3: refusing a return ------------------------------------------------------

def _return_ready(caseworker, case):
    request = returns.request_return(caseworker, case, destination_country="RO",
                                     person_words="I want to go home")
    returns.assess(caseworker, request, **FULL_CHECKS)
    decide(caseworker, case)
    db.session.commit()
    return request


def test_ID6_the_return_page_asks_for_a_listed_code_and_the_persons_view_to_refuse(
        client, caseworker, a_case):
    request = _return_ready(caseworker, a_case)
    login(client, "caseworker")
    page = text(client.get(f"/cases/{a_case.id}/reintegration"))
    refuse_form = page.split(f"/returns/{request.id}/refuse", 1)[1].split("</form>", 1)[0]
    assert 'name="reason_code"' in refuse_form and 'value="risk_of_harm"' in refuse_form
    assert 'name="person_view"' in refuse_form and 'name="person_view_declined"' in refuse_form
    url = f"/returns/{request.id}/refuse"
    no_view = client.post(url, data={"reason_code": "risk_of_harm"}, follow_redirects=True)
    assert "ID-6" in text(no_view)
    other_list = client.post(url, data={"reason_code": "goals_met", "person_view": "I see"},
                             follow_redirects=True)
    assert "ID-6" in text(other_list)
    db.session.expire_all()
    assert db.session.get(ReturnRequest, request.id).closed_at is None
    done = client.post(url, data={"reason_code": "risk_of_harm",
                                  "person_view": "I am afraid of them, I will wait"},
                       follow_redirects=True)
    assert "Return refused" in text(done)
    row = db.session.scalar(select(CaseTransition).where(CaseTransition.event == "refuse"))
    assert row.person_view == "I am afraid of them, I will wait"


def test_NC3_refusing_a_return_until_she_testifies_is_refused_on_the_page(
        client, caseworker, a_case):
    request = _return_ready(caseworker, a_case)
    login(client, "caseworker")
    before = refused_attempts()
    response = client.post(f"/returns/{request.id}/refuse", data={
        "reason_code": "risk_of_harm", "person_view": "I want to go",
        "reason": "she has not yet testified, so she stays"}, follow_redirects=True)
    assert "NC-3" in text(response)
    db.session.expire_all()
    assert db.session.get(ReturnRequest, request.id).closed_at is None
    assert refused_attempts() == before + 1


def test_ID6_the_person_declining_to_give_a_view_refuses_a_return_from_the_page(
        client, caseworker, a_case):
    request = _return_ready(caseworker, a_case)
    login(client, "caseworker")
    done = client.post(f"/returns/{request.id}/refuse", data={
        "reason_code": "non_refoulement", "person_view_declined": "y", "confirm": "y"},
        follow_redirects=True)
    assert "Return refused" in text(done)
    db.session.expire_all()
    assert db.session.get(ReturnRequest, request.id).closed_at is not None


# -- ID-6 / NC-3: recording leaving from the stay page ---------------------------------------

def test_ID6_the_stay_page_asks_why_the_person_left_and_their_view(client, admitted,
                                                                   shelter_user):
    login(client, shelter_user.username)
    page = text(client.get(f"/shelter/stays/{admitted.id}"))
    leave_form = page.split(f"/shelter/stays/{admitted.id}/leave", 1)[1].split("</form>", 1)[0]
    assert 'name="reason_code"' in leave_form and 'value="person_chose_to_leave"' in leave_form
    assert 'name="person_view"' in leave_form and 'name="note"' in leave_form


def test_NC3_recording_leaving_in_french_for_not_testifying_is_refused_on_the_page(
        client, admitted, shelter_user):
    login(client, shelter_user.username)
    before = refused_attempts()
    response = client.post(f"/shelter/stays/{admitted.id}/leave", data={
        "reason_code": "person_chose_to_leave", "confirm": "yes",
        "note": "elle a refusé de témoigner contre eux"}, follow_redirects=True)
    assert "NC-3" in text(response)
    db.session.refresh(admitted)
    assert admitted.left_at is None
    assert refused_attempts() == before + 1


# -- NC-3: revoking and rejecting a referral from the referral pages -------------------------

def _referral(caseworker, case, agency):
    provider = create_provider(services=("medical",), agency=agency)
    give_consent(caseworker, case, "referral", provider)
    referral = services.make_referral(caseworker, case, provider_id=provider.id,
                                      service="medical")
    db.session.commit()
    return referral


def test_NC3_revoking_a_referral_because_she_would_not_testify_is_refused_on_the_page(
        client, caseworker, a_case, shelter_agency):
    referral = _referral(caseworker, a_case, shelter_agency)
    login(client, "caseworker")
    page = text(client.get(f"/cases/{a_case.id}/referrals"))
    assert 'name="reason_code"' in page and 'name="person_view"' in page
    before = refused_attempts()
    response = client.post(f"/referrals/{referral.id}/revoke", data={
        "reason_code": "no_longer_needed", "person_view": "wants the doctor", "confirm": "y",
        "reason": "she won't give evidence against them, so no point"},
        follow_redirects=True)
    assert "NC-3" in text(response)
    db.session.refresh(referral)
    assert referral.status == "requested"
    assert refused_attempts() == before + 1


def test_NC3_rejecting_a_referral_with_a_french_paraphrase_is_refused_on_the_page(
        client, caseworker, a_case, shelter_agency):
    from tests.factories import create_user
    referral = _referral(caseworker, a_case, shelter_agency)
    staff = create_user("shelter_staff", agency=shelter_agency, username="shelter-fr")
    db.session.commit()
    login(client, "shelter-fr")
    response = client.post(f"/referrals/{referral.id}/reject", data={
        "reason_code": "no_capacity", "person_view_declined": "y", "confirm": "y",
        "reason": "elle refuse de porter plainte"}, follow_redirects=True)
    assert staff and "NC-3" in text(response)
    db.session.refresh(referral)
    assert referral.status == "requested"


# -- ID-1: no closing in assistance while a negative decision is under review -----------------

def _in_assistance_ready_to_close(caseworker, case):
    from tests.cases.conftest import transition
    decide(caseworker, case)
    transition(caseworker, case, "nrm", "begin_assistance",
               facts={"person_request": "I want to go on"})
    decide(caseworker, case, kind="risk_assessment", outcome="low")
    returns.create_plan(caseworker, case, outcome="local_integration", wellbeing="a",
                        economic="b", social="c", cultural="d", political="e")
    db.session.commit()


def _close_from_the_case_file(client, case, **fields):
    db.session.refresh(case)
    return client.post(f"/cases/{case.id}/transitions", data={
        "track": "nrm", "event": "close", "version": case.version, "confirm": "y", **fields},
        follow_redirects=True)


def test_ID1_the_case_file_does_not_close_while_a_negative_decision_is_under_review(
        client, caseworker, a_case):
    _in_assistance_ready_to_close(caseworker, a_case)
    decide(caseworker, a_case, outcome="negative")
    db.session.refresh(a_case)
    assert a_case.identification == "negative_pending_review"
    login(client, "caseworker")
    response = _close_from_the_case_file(client, a_case, reason_code="person_asked_to_close",
                                         person_view="agrees")
    assert "ID-1" in text(response)
    db.session.expire_all()
    assert db.session.get(Case, a_case.id).nrm_state != "closed"


# -- RR-4 / RR-6: closing from the case file keeps the reintegration check-ins ------------------

def test_RR4_RR6_closing_from_the_case_file_keeps_the_check_ins(client, caseworker, a_case):
    from referral.reminders.models import Deadline
    _in_assistance_ready_to_close(caseworker, a_case)
    login(client, "caseworker")
    response = _close_from_the_case_file(client, a_case, reason_code="integrated_locally",
                                         person_view="ready to move on")
    assert "This was not done" not in text(response)
    db.session.expire_all()
    assert db.session.get(Case, a_case.id).nrm_state == "closed"
    checkins = {str(getattr(s, "value", s)) for k, s in db.session.execute(
        select(Deadline.kind, Deadline.status).where(Deadline.case_id == a_case.id))
        if k == "reintegration_checkin"}
    assert checkins == {"pending"}


# -- NC-3: ending assistance from the case file, in paraphrase and in each shipped language ---

@pytest.fixture
def assisted(caseworker, a_case):
    from tests.cases.conftest import transition
    give_consent(caseworker, a_case, "service")
    transition(caseworker, a_case, "assistance", "offer")
    transition(caseworker, a_case, "assistance", "accept")
    return a_case


def _assistance_step(client, case, event, **fields):
    db.session.refresh(case)
    return client.post(f"/cases/{case.id}/transitions", data={
        "track": "assistance", "event": event, "version": case.version, "confirm": "y",
        **fields}, follow_redirects=True)


@pytest.mark.parametrize("event,code", [("end", "goals_met"),
                                        ("suspend", "person_unreachable"),
                                        ("reduce", "needs_changed")])
@pytest.mark.parametrize("reason", [
    "she keeps refusing to speak to the police",
    "Elle ne veut plus parler aux enquêteurs",
    "Se negó a testificar",
    "رفضت الإدلاء بشهادتها",
])
def test_NC3_ending_or_suspending_assistance_in_paraphrase_is_refused_on_the_case_file(
        client, assisted, event, code, reason):
    login(client, "caseworker")
    before = refused_attempts()
    response = _assistance_step(client, assisted, event, reason_code=code,
                                person_view="wants to continue", reason=reason)
    assert "NC-3" in text(response)
    db.session.refresh(assisted)
    assert assisted.assistance_state == "in_progress"
    assert refused_attempts() == before + 1


def test_NC3_an_honest_mention_of_a_witness_passes_on_the_case_file(client, assisted):
    login(client, "caseworker")
    response = _assistance_step(
        client, assisted, "end", reason_code="moved_to_other_provider",
        person_view="happy with the new provider",
        reason="she is a witness in a trial next month and moved closer to the court")
    assert "This was not done" not in text(response)
    db.session.refresh(assisted)
    assert assisted.assistance_state != "in_progress"


# -- ID-6: a negative decision on the decision screen records the person's view -------------

def test_ID6_a_negative_decision_without_the_persons_view_is_refused_on_the_page(
        client, a_case):
    from referral.cases.models import Decision
    login(client, "caseworker")
    form = {f"decision-{key}": value for key, value in {
        "kind": "identification", "outcome": "negative", "decision_maker": "Authority",
        "reasons": "no exploitation purpose was found", "language_explained_in": "ro",
        "reason_codes": "no_exploitation_purpose"}.items()}
    response = client.post(f"/cases/{a_case.id}/decisions", data=form)
    assert response.status_code == 400 and "ID-6" in text(response)
    assert db.session.scalar(select(func.count()).select_from(Decision)) == 0
    done = client.post(f"/cases/{a_case.id}/decisions",
                       data={**form, "decision-person_view": "disagrees, will ask for review"})
    assert done.status_code == 302


# -- CO-1: accepting a service offer from the page needs consent on file ----------------------

def test_CO1_accepting_a_service_offer_without_consent_is_refused_on_the_page(client, a_case):
    from referral.services.models import ServiceOffer
    login(client, "caseworker")
    client.post(f"/cases/{a_case.id}/offers", data={"service": "medical"})
    offer = db.session.scalar(select(ServiceOffer))
    response = client.post(f"/offers/{offer.id}/accept", follow_redirects=True)
    assert "CO-1" in text(response)
    db.session.refresh(offer)
    assert offer.status != "accepted"


# -- one validation: an invented indicator on the referral form, a hearing before its proceeding

def test_an_invented_indicator_is_refused_by_the_referral_form(client, caseworker):
    login(client, "caseworker")
    before = db.session.scalar(select(func.count()).select_from(Case))
    response = client.post("/cases/new", data={
        "given_name": "Grace", "sex": "female", "nationality": "NG",
        "interpreter_needed": "no", "referred_by": "Hospital", "jurisdiction": "baseline",
        "indicators": "looks_foreign"})
    assert response.status_code == 400 and 'id="indicators-error"' in text(response)
    assert db.session.scalar(select(func.count()).select_from(Case)) == before


def test_a_hearing_before_its_proceeding_is_refused_by_the_legal_page(
        client, caseworker, a_case):
    from datetime import timedelta

    from referral.database import utcnow
    from referral.legal import service as legal
    from referral.legal.models import Hearing
    proceeding = legal.open_proceeding(caseworker, a_case, kind="criminal",
                                       person_role="victim", court_or_authority="Crown Court")
    db.session.commit()
    login(client, "caseworker")
    before = (utcnow() - timedelta(days=2500)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(f"/legal/proceedings/{proceeding.id}/hearings",
                           data={"at": before, "place": "Court 3"}, follow_redirects=True)
    assert "Not saved (at)" in text(response)
    assert not db.session.scalars(select(Hearing)).all()


# -- ID-6 / NC-3: withdrawing a service offer from the referrals page -------------------------

def test_ID6_NC3_the_referrals_page_withdraws_an_offer_with_a_listed_code_and_view(
        client, a_case):
    from referral.services.models import ServiceOffer
    login(client, "caseworker")
    client.post(f"/cases/{a_case.id}/offers", data={"service": "medical"})
    offer = db.session.scalar(select(ServiceOffer))
    page = text(client.get(f"/cases/{a_case.id}/referrals"))
    form = page.split(f"/offers/{offer.id}/withdraw", 1)[1].split("</form>", 1)[0]
    assert 'value="offered_in_error"' in form and 'name="person_view"' in form
    url = f"/offers/{offer.id}/withdraw"
    cooperation = client.post(url, data={
        "reason_code": "no_longer_needed", "person_view_declined": "y", "confirm": "y",
        "reason": "the police no longer need her"}, follow_redirects=True)
    assert "NC-3" in text(cooperation)
    other_list = client.post(url, data={"reason_code": "goals_met", "person_view": "fine",
                                        "confirm": "y"}, follow_redirects=True)
    assert "ID-6" in text(other_list)
    db.session.refresh(offer)
    assert offer.status == "offered"
    done = client.post(url, data={"reason_code": "offered_in_error", "confirm": "y",
                                  "person_view": "understands"}, follow_redirects=True)
    assert "The offer is withdrawn." in text(done)
    db.session.refresh(offer)
    assert offer.status == "withdrawn" and offer.reason_code == "offered_in_error"


# -- SH-1 / SH-2 / SH-3: a stay ended from its page ends what depends on it ---------------------

def test_SH1_SH2_SH3_a_stay_ended_from_its_page_ends_listing_restrictions_and_access(
        client, admitted, shelter_user):
    from datetime import timedelta

    from referral.database import utcnow
    from referral.shelter import service as shelter
    from referral.shelter.models import Stay
    shelter.impose_restriction(
        shelter_user, admitted, legal_basis="Court protection order 12/2026",
        decision_maker="Judge A", grounds="safety", reason="trafficker seen near the shelter",
        expires_at=utcnow() + timedelta(days=7), review_at=utcnow() + timedelta(days=3),
        reason_code="trafficker_nearby", person_view="understands and agrees")
    db.session.commit()
    case_id, stay_id = admitted.case_id, admitted.id
    login(client, shelter_user.username)
    assert client.get(f"/cases/{case_id}/notes").status_code == 200
    done = client.post(f"/shelter/stays/{stay_id}/end", data={
        "reason_code": "moved_to_other_accommodation", "confirm": "yes",
        "person_view": "agrees and thanks the staff"}, follow_redirects=True)
    assert "The stay is ended" in text(done)
    db.session.expire_all()
    stay = db.session.get(Stay, stay_id)
    assert stay.left_at is not None and not stay.active_restrictions()  # SH-2
    residents = text(client.get("/shelter/residents"))
    assert f"/shelter/stays/{stay_id}" not in residents  # SH-1: no longer listed as staying
    assert client.get(f"/cases/{case_id}/notes").status_code == 404  # SH-3
    assert client.get(f"/shelter/stays/{stay_id}").status_code == 404
    later = (utcnow() + timedelta(days=5)).date().isoformat()
    again = client.post(f"/shelter/stays/{stay_id}/restrictions", data={
        "legal_basis": "Court protection order 12/2026", "decision_maker": "Judge A",
        "grounds": "safety", "reason": "trafficker seen near the shelter",
        "expires_at": later, "review_at": later, "reason_code": "trafficker_nearby",
        "person_view": "agrees"})
    assert again.status_code == 404
    db.session.expire_all()
    assert not db.session.get(Stay, stay_id).active_restrictions()


def test_NC3_declining_assistance_in_french_for_not_pressing_charges_is_refused_on_the_page(
        client, caseworker, a_case):
    from tests.cases.conftest import transition
    give_consent(caseworker, a_case, "service")
    transition(caseworker, a_case, "assistance", "offer")
    login(client, "caseworker")
    page = text(client.get(f"/cases/{a_case.id}"))
    assert 'value="not_needed_now"' in page  # the case file asks the decline's own codes
    response = _assistance_step(client, a_case, "decline", reason_code="not_needed_now",
                                person_view_declined="y",
                                reason="elle ne veut pas porter plainte")
    assert "NC-3" in text(response)
    db.session.refresh(a_case)
    assert a_case.assistance_state == "offered"


@pytest.mark.parametrize("reason", ["she would not testify against them",
                                    "elle refuse de témoigner au procès"])
def test_NC3_closing_a_case_in_assistance_for_not_testifying_is_refused_on_the_case_file(
        client, caseworker, a_case, reason):
    _in_assistance_ready_to_close(caseworker, a_case)
    login(client, "caseworker")
    response = _close_from_the_case_file(client, a_case, reason_code="person_asked_to_close",
                                         person_view="agrees", reason=reason)
    assert "NC-3" in text(response)
    db.session.expire_all()
    assert db.session.get(Case, a_case.id).nrm_state == "assistance"


def test_NC3_a_restriction_for_refusing_to_speak_to_the_police_is_refused_on_the_stay_page(
        client, admitted, shelter_user):
    from datetime import timedelta

    from referral.database import utcnow
    login(client, shelter_user.username)
    page = text(client.get(f"/shelter/stays/{admitted.id}"))
    assert 'value="trafficker_nearby"' in page
    day = (utcnow() + timedelta(days=3)).date().isoformat()
    response = client.post(f"/shelter/stays/{admitted.id}/restrictions", data={
        "legal_basis": "Court protection order 12/2026", "decision_maker": "Judge A",
        "grounds": "safety", "reason": "kept in because she refuses to speak to the police",
        "review_at": day, "expires_at": day, "reason_code": "trafficker_nearby",
        "person_view": "disagrees", "confirm": "y"})
    assert response.status_code == 409 and "NC-3" in text(response)
    db.session.refresh(admitted)
    assert not admitted.active_restrictions()
