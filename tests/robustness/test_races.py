"""Two people at the same moment, on PostgreSQL, each with their own token (requests of one
token queue behind its row, so one token would hide every race). Many trials each."""
import threading
import uuid

import pytest
from sqlalchemy import func, select

from referral.accounts.models import AgencyKind
from referral.extensions import db
from referral.services.models import Provider, Referral
from referral.shelter.models import Stay
from tests.factories import (create_agency, create_case, create_provider, create_user,
                             give_consent, token_headers)

pytestmark = pytest.mark.postgres
TRIALS = 20


def at_once(app, *requests):
    """Send each ``(method, path, headers, body)`` from its own thread, released together.
    An exception escaping the app (what a user would see as a 500) is recorded as 500."""
    barrier = threading.Barrier(len(requests))
    answers = [None] * len(requests)

    def send(i, method, path, headers, body):
        with app.app_context():  # its own session and connection, as a request has
            client = app.test_client()
            barrier.wait()
            try:
                response = client.open(path, method=method, headers=headers, json=body)
                answers[i] = (response.status_code, response.get_json())
            except Exception as exc:  # noqa: BLE001 - the app did not answer: a 500
                answers[i] = (500, repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=send, args=(i, *request))
               for i, request in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return answers


def test_CO2_no_referral_stays_open_on_a_consent_withdrawn_at_the_same_moment(
        app, caseworker, supervisor):
    provider = create_provider(services=("medical",))
    cw, sv = token_headers(caseworker), token_headers(supervisor)
    survivors = []
    for _ in range(TRIALS):
        case = create_case(caseworker)
        consent = give_consent(caseworker, case, "referral", provider,
                               data_categories=["needs"])
        answers = at_once(
            app,
            ("POST", f"/api/v1/consents/{consent.id}/withdraw", sv, {"note": "person asked"}),
            ("POST", f"/api/v1/cases/{case.id}/referrals", cw,
             {"provider_id": str(provider.id), "service": "medical"}))
        assert answers[0][0] == 200, answers
        assert answers[1][0] in (201, 409), answers
        db.session.expire_all()
        survivors += db.session.scalars(select(Referral.id).where(
            Referral.case_id == case.id, Referral.status.in_(Referral.OPEN))).all()
    assert survivors == [], f"{len(survivors)} of {TRIALS} referrals open on a withdrawn consent"


def test_SH1_two_shelters_admitting_one_person_at_once_give_one_stay_and_a_409(
        app, caseworker, agency):
    other_caseworker = create_user("caseworker", agency=agency)
    shelters = []
    for name in ("A", "B"):
        shelter = create_agency(f"Shelter {name} {uuid.uuid4().hex[:6]}", AgencyKind.shelter)
        shelters.append((shelter, create_provider(services=("accommodation",),
                                                  agency=shelter)))
    db.session.commit()
    headers = [token_headers(caseworker), token_headers(other_caseworker)]
    outcomes = []
    for _ in range(TRIALS):
        case = create_case(caseworker)
        for _, provider in shelters:
            give_consent(caseworker, case, "service", provider)
        answers = at_once(app, *[
            ("POST", f"/api/v1/cases/{case.id}/stays", headers[i],
             {"shelter_id": str(shelters[i][0].id)}) for i in range(2)])
        outcomes.append(sorted(code for code, _ in answers))
        stays = db.session.scalar(select(func.count()).select_from(Stay)
                                  .where(Stay.case_id == case.id))
        assert stays == 1, answers
    assert outcomes == [[201, 409]] * TRIALS


def test_two_supervisors_naming_a_provider_alike_at_once_get_201_and_422(app, agency):
    supervisors = [create_user("supervisor", agency=agency) for _ in range(2)]
    db.session.commit()
    headers = [token_headers(user) for user in supervisors]
    outcomes = []
    for trial in range(TRIALS):
        name = f"Clinic {uuid.uuid4().hex[:8]}"
        answers = at_once(app, *[("POST", "/api/v1/providers", headers[i],
                                  {"name": name, "services": ["medical"]}) for i in range(2)])
        outcomes.append(sorted(code for code, _ in answers))
        for code, body in answers:
            if code == 422:
                assert "name" in body["errors"], body
        assert db.session.scalar(select(func.count()).select_from(Provider)
                                 .where(Provider.name == name)) == 1
    assert outcomes == [[201, 422]] * TRIALS
