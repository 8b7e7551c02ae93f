"""A caseworker's and a supervisor's day without the API (issue 14): the pages for what was
API-only, confirmations before irreversible steps, refusals in plain words."""
from referral.consent import service as consent_service
from referral.consent.models import ConsentOverride
from referral.extensions import db
from referral.returns.models import ReturnRequest
from referral.services.models import ServiceOffer
from tests.factories import create_case, create_provider, create_user, give_consent
from tests.web.conftest import login


def test_CH1_CH3_a_person_of_unknown_age_gets_consent_and_a_referral_through_the_web(
        cw_client, caseworker, shelter_agency):
    child = create_case(caseworker, person={"date_of_birth": None, "age_estimate": None})
    assert child.is_child
    clinic = create_provider("Harbour clinic", services=("medical",), agency=shelter_agency)
    db.session.commit()
    consent_form = {"purpose": "referral", "provider_id": str(clinic.id), "language": "ro",
                    "information_given": "what, why, who sees it, how to stop",
                    "given_by": "guardian", "child_views": "agrees"}
    refused = cw_client.post(f"/cases/{child.id}/consents", data=consent_form)
    assert refused.status_code == 400  # CH-3: no guardian yet
    page = cw_client.get(f"/cases/{child.id}/actions").get_data(as_text=True)
    assert "appoint a guardian" in page
    done = cw_client.post(f"/cases/{child.id}/guardian",
                          data={"name": "Maria Popescu", "organisation": "Child services"},
                          follow_redirects=True).get_data(as_text=True)
    assert "Maria Popescu is now the guardian" in done
    assert cw_client.post(f"/cases/{child.id}/consents", data=consent_form).status_code == 302
    sent = cw_client.post(f"/cases/{child.id}/referrals",
                          data={"provider_id": str(clinic.id), "service": "medical"},
                          follow_redirects=True).get_data(as_text=True)
    assert "Referral sent." in sent


def test_CO4_a_consent_override_is_asked_for_and_approved_by_another_supervisor(
        client, caseworker, supervisor, agency):
    child = create_case(caseworker, person={"date_of_birth": None, "age_estimate": 15})
    login(client, "caseworker")
    client.post(f"/cases/{child.id}/consent-overrides",
                data={"purpose": "referral", "grounds": "child_without_guardian",
                      "reason": "urgent medical care tonight, guardian not yet appointed"})
    row = db.session.query(ConsentOverride).filter_by(case_id=child.id).one()
    assert row.approved_at is None
    # A caseworker cannot approve (policy); the supervisor can.
    assert client.post(f"/consent-overrides/{row.id}/approve").status_code == 403
    client.post("/logout")
    login(client, "supervisor")
    page = client.get(f"/cases/{child.id}/consents").get_data(as_text=True)
    assert "waiting for approval" in page
    client.post(f"/consent-overrides/{row.id}/approve")
    db.session.refresh(row)
    assert row.approved_by_id == supervisor.id


def test_CO4_an_override_for_an_adult_on_the_child_ground_is_refused_in_plain_words(
        cw_client, a_case):
    page = cw_client.post(f"/cases/{a_case.id}/consent-overrides",
                          data={"purpose": "referral", "grounds": "child_without_guardian",
                                "reason": "no"}, follow_redirects=True).get_data(as_text=True)
    assert "This was not done: this ground applies only to a child with no guardian yet" in page
    assert '(rule <a href="/help/rules#CO-4" class="rule-link">CO-4</a>)' in page
    assert db.session.query(ConsentOverride).count() == 0


def test_RP1_the_reflection_period_is_extended_with_reasons_from_a_page(cw_client, a_case):
    before = a_case.reflection_ends_at
    assert a_case.nrm_state == "reflection_period"
    page = cw_client.post(f"/cases/{a_case.id}/reflection-period",
                          data={"days": "14", "reason": "still recovering; sees a doctor"},
                          follow_redirects=True).get_data(as_text=True)
    assert "extended by 14 days" in page
    db.session.refresh(a_case)
    assert (a_case.reflection_ends_at - before).days == 14


def test_RP1_an_extension_without_reasons_names_the_field_to_fill(cw_client, a_case):
    before = a_case.reflection_ends_at
    page = cw_client.post(f"/cases/{a_case.id}/reflection-period", data={"days": "14"},
                          follow_redirects=True).get_data(as_text=True)
    assert "Please check “Why the period is extended”" in page
    db.session.refresh(a_case)
    assert a_case.reflection_ends_at == before


def test_a_case_is_reassigned_from_a_page_only_to_a_caseworker_of_its_agency(
        client, caseworker, supervisor, agency, a_case):
    other = create_user("caseworker", agency=agency, username="cw2", display_name="Carla Two")
    outsider = create_user("caseworker", username="cw3")
    db.session.commit()
    login(client, "supervisor")
    page = client.get(f"/cases/{a_case.id}/actions").get_data(as_text=True)
    assert "Carla Two" in page and outsider.display_name not in page
    client.post(f"/cases/{a_case.id}/assign", data={"caseworker_id": str(outsider.id)})
    db.session.refresh(a_case)
    assert a_case.assigned_to_id == caseworker.id
    client.post(f"/cases/{a_case.id}/assign", data={"caseworker_id": str(other.id)})
    db.session.refresh(a_case)
    assert a_case.assigned_to_id == other.id


def test_ID8_an_anonymous_notification_is_counted_from_a_page(cw_client):
    from referral.cases.models import AnonymousNotification
    page = cw_client.get("/cases/anonymous-notification").get_data(as_text=True)
    assert "Poland" in page  # countries by name, not codes
    cw_client.post("/cases/anonymous-notification",
                   data={"sex": "female", "age_group": "25-34", "nationality": "PL",
                         "exploitation_forms": ["forced_labour", "domestic_servitude"],
                         "sectors": ["agriculture"]})
    row = db.session.query(AnonymousNotification).one()
    assert row.nationality == "PL" and row.exploitation_forms == ["forced_labour",
                                                                  "domestic_servitude"]


def test_CO3_services_are_offered_accepted_and_declined_from_the_referrals_page(
        cw_client, a_case, caseworker):
    from tests.factories import create_provider, give_consent
    give_consent(caseworker, a_case, "service", create_provider(services=("medical",)))
    db.session.commit()  # accepting a service needs consent to services (CO-1)
    cw_client.post(f"/cases/{a_case.id}/offers", data={"service": "medical"})
    cw_client.post(f"/cases/{a_case.id}/offers", data={"service": "legal_counselling"})
    offers = {o.service: o for o in db.session.query(ServiceOffer).all()}
    cw_client.post(f"/offers/{offers['medical'].id}/accept")
    unexplained = cw_client.post(f"/offers/{offers['legal_counselling'].id}/decline",
                                 follow_redirects=True).get_data(as_text=True)
    assert "ID-6" in unexplained  # declining is adverse: its reason and the person's view
    page = cw_client.post(f"/offers/{offers['legal_counselling'].id}/decline", data={
        "reason_code": "person_declined", "person_view": "not now, maybe later",
        "confirm": "y"}, follow_redirects=True).get_data(as_text=True)
    assert "Nothing else changes for them" in page
    db.session.refresh(offers["medical"])
    db.session.refresh(offers["legal_counselling"])
    assert (offers["medical"].status, offers["legal_counselling"].status) == ("accepted", "declined")
    again = cw_client.post(f"/offers/{offers['legal_counselling'].id}/accept",
                           follow_redirects=True).get_data(as_text=True)
    assert "This was not done" in again and "Done:" not in again


def test_RR1_person_requests_return_is_enabled_through_the_return_page(cw_client, a_case):
    case_file = cw_client.get(f"/cases/{a_case.id}").get_data(as_text=True)
    # The step links to the page that records the person's own request.
    assert f'href="/cases/{a_case.id}/reintegration">Person requests return' in case_file
    cw_client.post(f"/cases/{a_case.id}/returns",
                   data={"destination_country": "RO",
                         "person_words": "I want to go home to my mother in Iasi"})
    row = db.session.query(ReturnRequest).filter_by(case_id=a_case.id).one()
    db.session.refresh(a_case)
    assert a_case.return_state == "requested" and row.destination_country == "RO"
    cw_client.post(f"/returns/{row.id}/assessments",
                   data={"risk_retaliation": "low", "risk_retrafficking": "low",
                         "risk_stigma": "medium", "non_refoulement_checked": "yes",
                         "asylum_information_given": "yes", "open_proceedings_checked": "yes"})
    db.session.refresh(a_case)
    assert a_case.return_state == "assessed"
    page = cw_client.get(f"/cases/{a_case.id}/reintegration").get_data(as_text=True)
    assert "Approve return" in page


def test_RR4_the_reintegration_plan_is_recorded_from_the_page(cw_client, a_case):
    from referral.returns.models import ReintegrationPlan
    cw_client.post(f"/cases/{a_case.id}/reintegration-plan",
                   data={"outcome": "local_integration", "wellbeing": "counselling weekly",
                         "economic": "job training", "social": "church group",
                         "cultural": "language class", "political": "registered to vote"})
    assert db.session.query(ReintegrationPlan).filter_by(case_id=a_case.id).count() == 1


def test_CO2_withdrawing_consent_asks_for_confirmation_first(cw_client, caseworker, a_case):
    consent = give_consent(caseworker, a_case, "photograph")
    first = cw_client.post(f"/consents/{consent.id}/withdraw")
    assert first.status_code == 200 and "Yes, withdraw consent" in first.get_data(as_text=True)
    assert consent_service.has_valid_consent(a_case, "photograph")
    cw_client.post(f"/consents/{consent.id}/withdraw", data={"confirm": "yes"})
    assert not consent_service.has_valid_consent(a_case, "photograph")


def test_SH1_recording_leaving_asks_for_confirmation_first(client, admitted, shelter_user):
    login(client, "shelter")
    first = client.post(f"/shelter/stays/{admitted.id}/leave")
    assert first.status_code == 200 and "Yes, the person has left" in first.get_data(
        as_text=True)
    db.session.refresh(admitted)
    assert admitted.left_at is None
    client.post(f"/shelter/stays/{admitted.id}/leave", data={"confirm": "yes"})
    db.session.refresh(admitted)
    assert admitted.left_at is not None


def test_dates_on_the_new_pages_are_in_the_readers_zone_and_say_so(app, cw_client, a_case):
    app.config["DEFAULT_TIME_ZONE"] = "Europe/Paris"
    try:
        cw_client.post(f"/cases/{a_case.id}/offers", data={"service": "medical"})
        page = cw_client.get(f"/cases/{a_case.id}/referrals").get_data(as_text=True)
    finally:
        app.config.pop("DEFAULT_TIME_ZONE")
    assert "(Europe/Paris)" in page


def test_a_step_is_confirmed_in_a_sentence_in_the_readers_language(client, caseworker, a_case):
    login(client, "caseworker")
    client.post("/account/language", data={"locale": "fr"})
    page = client.post(f"/cases/{a_case.id}/transitions",
                       data={"track": "assistance", "event": "offer",
                             "version": str(a_case.version)},
                       follow_redirects=True).get_data(as_text=True)
    assert "Done:" not in page and "offer." not in page
    assert "est enregistré" in page


def test_a_refusal_says_what_to_do_next_and_names_the_rule_last(cw_client, a_case):
    page = cw_client.post(f"/cases/{a_case.id}/transitions",
                          data={"track": "nrm", "event": "begin_assistance",
                                "version": str(a_case.version)},
                          follow_redirects=True).get_data(as_text=True)
    assert "Wait for the end of the reflection period" in page
    assert ('(rule <a href="/help/rules#RP-1" class="rule-link">RP-1</a>)' in page
            and "WF-STATE" not in page)


REFERRAL = {"given_name": "Tomasz", "family_name": "Nowak", "sex": "male",
            "interpreter_needed": "yes", "referred_by": "Labour inspectorate",
            "jurisdiction": "baseline"}


def test_B14_nationality_and_languages_are_picked_from_lists_not_typed(cw_client):
    typed = cw_client.post("/cases/new", data={**REFERRAL, "nationality": "Polish",
                                               "languages": "Polish, English"})
    assert typed.status_code == 400
    page = typed.get_data(as_text=True)
    assert "Pick the country from the list." in page
    assert "Pick the languages from the list." in page
    picked = cw_client.post("/cases/new", data={**REFERRAL, "nationality": "PL",
                                                "languages": ["pl", "", "en"]})
    assert picked.status_code == 302
    from referral.cases.models import Case
    case = db.session.query(Case).one()
    assert case.person.nationality == "PL" and case.person.languages == ["pl", "en"]


def test_pickers_name_countries_and_languages_in_the_readers_language_with_checkboxes(
        client, caseworker):
    login(client, "caseworker")
    client.post("/account/language", data={"locale": "fr"})
    page = client.get("/cases/new").get_data(as_text=True)
    assert '<option value="PL">Pologne</option>' in page
    assert '<option value="pl">polonais</option>' in page
    assert 'type="checkbox" value="forced_labour"' in page
    assert "<select multiple" not in page


def _person(given, family, born=None):
    from datetime import date
    return {"given_name": given, "family_name": family,
            "date_of_birth": date.fromisoformat(born) if born else None, "age_estimate": 30}


def test_the_case_list_shows_names_and_finds_part_of_a_name_and_spelling_variants(
        cw_client, caseworker):
    nowak = create_case(caseworker, person=_person("Tomasz", "Nowak", "1990-05-17"))
    mohammed = create_case(caseworker, person=_person("Mohammed", "Ali"))
    db.session.commit()
    listing = cw_client.get("/cases/").get_data(as_text=True)
    assert "Tomasz Nowak" in listing and "Mohammed Ali" in listing

    def found(**form):
        page = cw_client.post("/cases/", data=form).get_data(as_text=True)
        return {c.reference for c in (nowak, mohammed) if c.reference in page}

    assert found(name="tom") == {nowak.reference}          # part of a name
    assert found(name="Novak") == {nowak.reference}        # spelling variant
    assert found(name="Muhammad") == {mohammed.reference}  # transliteration
    assert found(name="Nowa") == {nowak.reference}         # the start of a name
    assert found(name="Novac") == {nowak.reference}        # a misspelt name
    assert found(name="tomasz ali") == set()               # every word must match
    assert found(date_of_birth="1990-05-17") == {nowak.reference}
    assert found(name="zz") == set()


def test_a_name_search_is_posted_and_reads_blind_indexes_not_sealed_names(
        app, cw_client, caseworker):
    from sqlalchemy import event
    from referral.cases.models import PersonNameToken
    create_case(caseworker, person=_person("Tomasz", "Nowak"))
    db.session.commit()
    tokens = db.session.query(PersonNameToken).all()
    assert tokens and all("nowak" not in t.token.lower() for t in tokens)
    statements = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)
    engine = db.engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        page = cw_client.post("/cases/", data={"name": "nowak"}).get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert "Tomasz Nowak" in page
    assert any("person_name_token" in s for s in statements)
    assert 'method="post"' in cw_client.get("/cases/").get_data(as_text=True)


def test_reindex_names_builds_tokens_for_people_indexed_before_tokens_existed(
        app, caseworker):
    from referral.cases.models import PersonNameToken
    create_case(caseworker, person=_person("Ana", "Popescu"))
    db.session.query(PersonNameToken).delete()
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["reindex-names"])
    assert "Indexed the names of 1 people." in result.output
    assert db.session.query(PersonNameToken).count() > 0


def _overdue(caseworker, case, days=4):
    from datetime import timedelta
    from referral.database import utcnow
    from referral.reminders import service as reminders
    row = reminders.plan_deadline(case.id, "reintegration_checkin",
                                  utcnow() - timedelta(days=days), source_key="day-test",
                                  remind_days=(), risk=3, assignee_id=caseworker.id)
    db.session.commit()
    return row


def test_the_supervisor_sees_workload_by_caseworker_and_acts_on_an_overdue_follow_up(
        client, agency, caseworker, supervisor, a_case):
    from referral.reminders.models import Deadline
    other = create_user("caseworker", agency=agency, username="cw2", display_name="Carla Two")
    db.session.commit()
    _overdue(caseworker, a_case)
    row = db.session.query(Deadline).filter_by(source_key="day-test").one()
    login(client, "supervisor")
    page = client.get("/supervision/").get_data(as_text=True)
    assert "Workload by caseworker" in page and "Carla Two" in page
    assert "Hand over" in page and "Reassign case" in page and "Save the note" in page
    client.post(f"/supervision/follow-ups/{row.id}/late-reason",
                data={"reason": "the person was in hospital"})
    client.post(f"/supervision/follow-ups/{row.id}/reassign",
                data={"caseworker_id": str(other.id)})
    db.session.refresh(row)
    assert row.late_reason == "the person was in hospital" and row.assignee_id == other.id
    client.post(f"/cases/{a_case.id}/assign",
                data={"caseworker_id": str(other.id), "next": "/supervision/"})
    db.session.refresh(a_case)
    assert a_case.assigned_to_id == other.id


def test_a_caseworker_cannot_hand_over_follow_ups(cw_client, caseworker, a_case):
    row = _overdue(caseworker, a_case)
    assert cw_client.post(f"/supervision/follow-ups/{row.id}/reassign",
                          data={"caseworker_id": str(caseworker.id)}).status_code == 403


def test_a_caseworker_marks_a_follow_up_done_from_their_list(cw_client, caseworker, a_case):
    from referral.reminders.models import DeadlineStatus
    row = _overdue(caseworker, a_case)
    page = cw_client.get("/follow-ups/").get_data(as_text=True)
    assert f"/follow-ups/{row.id}/met" in page
    cw_client.post(f"/follow-ups/{row.id}/met")
    db.session.refresh(row)
    assert row.status == DeadlineStatus.met


def test_DP7_a_break_the_glass_review_names_the_case(client, agency, supervisor, a_case):
    import pyotp
    from referral.accounts import service as accounts
    from referral.privacy import service as privacy
    reason = "suspected involvement of a border official in the transport"
    privacy.restrict_case(supervisor, a_case.id, reason=reason)
    colleague = create_user("caseworker", agency=agency, display_name="Colleague Okafor")
    totp = pyotp.TOTP(accounts.enrol_mfa(colleague))
    privacy.break_the_glass(colleague, a_case.id, reason=reason, otp=totp.now())
    db.session.commit()
    login(client, "supervisor")
    page = client.get("/privacy/break-glass").get_data(as_text=True)
    assert a_case.reference in page and f"/cases/{a_case.id}" in page


def test_a_deferred_supervisor_may_set_up_two_step_sign_in_later(client, agency):
    boss = create_user("supervisor", agency=agency, username="newboss", mfa_deferred=True)
    db.session.commit()
    login(client, "newboss")
    assert "Set up later" in client.get("/account/mfa").get_data(as_text=True)
    boss.mfa_deferred = False  # no longer deferred: no way round the set-up
    db.session.commit()
    assert "Set up later" not in client.get("/account/mfa").get_data(as_text=True)


def test_DP6_the_persons_copy_has_no_internal_ids_raw_codes_or_python_lists(
        client, caseworker):
    import re
    case = create_case(caseworker, person={"nationality": "PL", "languages": ["pl", "en"],
                                           "date_of_birth": None, "age_estimate": 30},
                       exploitation_forms=["forced_labour"])
    login(client, "caseworker")
    text = client.get(f"/privacy/cases/{case.id}/subject-access").get_data(as_text=True)
    body = text.split("<main", 1)[1]
    assert str(case.id) not in body and str(case.person_id) not in body
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-", body)  # no UUIDs at all
    assert "['pl', 'en']" not in body and "[&#39;pl&#39;" not in body
    assert "Poland" in body and "Polish and English" in body
    assert "forced_labour" not in body and "Forced labour" in body
    assert "not_started" not in body and "remind days" not in body
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:", body)  # no raw ISO timestamps
    assert "@media print" in client.get("/static/referral.css").get_data(as_text=True)


def test_the_timeline_reads_in_the_readers_language_with_its_time_zone(client, caseworker,
                                                                       a_case):
    caseworker.locale = "fr"
    db.session.commit()
    login(client, "caseworker")
    page = client.get(f"/cases/{a_case.id}").get_data(as_text=True)
    assert "le délai de réflexion commence à l&#39;orientation" in page
    assert "reflection period starts on referral" not in page
    assert "Les heures sont en UTC." in page
