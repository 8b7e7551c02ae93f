"""Factories with named defaults: ``create_user(...)`` and the ``caseworker`` fixture, etc."""
import uuid
from datetime import date

import pytest

from referral.accounts import service as accounts
from referral.accounts.models import AgencyKind
from referral.cases import service as cases
from referral.extensions import db

PASSWORD = "correct horse battery staple"
# Planted in every case the factories make; tests/zz checks it never reaches a log line.
SENTINEL_FAMILY_NAME = "Sentinelpd-Family"
SENTINEL_NARRATIVE = "SENTINEL-PD-NARRATIVE: forced to work 18 hours a day"


def create_agency(name=None, kind=AgencyKind.ngo):
    return accounts.create_agency(name or f"Agency {uuid.uuid4().hex[:8]}", kind)


def create_user(*roles, agency=None, username=None, **kwargs):
    agency = agency or create_agency()
    kwargs.setdefault("mfa_deferred", True)
    return accounts.create_user(username or f"user-{uuid.uuid4().hex[:8]}", PASSWORD,
                                agency=agency, roles=roles or ("caseworker",), **kwargs)


def create_case(actor, *, person=None, **referral):
    person = {"given_name": "Test", "family_name": SENTINEL_FAMILY_NAME,
              "date_of_birth": date(1990, 5, 17), "sex": "female", "nationality": "RO",
              **(person or {})}
    referral.setdefault("referred_by", "Labour inspectorate")
    referral.setdefault("indicators", ["documents_withheld", "debt_bondage"])
    referral.setdefault("exploitation_forms", ["forced_labour"])
    referral.setdefault("sectors", ["agriculture"])
    referral.setdefault("narrative", SENTINEL_NARRATIVE)
    case = cases.open_case(actor, person=person, referral=referral)
    db.session.commit()
    return case


def write_privileged_note(caseworker, case, body):
    """A legal aid lawyer assigned to the case writes a privileged note (LP-5)."""
    from referral.legal import service as legal
    lawyer = create_user("legal_aid")
    db.session.commit()
    legal.assign_legal_aid(caseworker, case, lawyer.id)
    note = legal.add_note(lawyer, case, body)
    db.session.commit()
    return note


def token_headers(user) -> dict:
    token, _ = accounts.issue_token(user)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def agency():
    return create_agency("Safe Passage")


@pytest.fixture
def caseworker(agency):
    user = create_user("caseworker", agency=agency, username="caseworker")
    db.session.commit()
    return user


@pytest.fixture
def supervisor(agency):
    user = create_user("supervisor", agency=agency, username="supervisor")
    db.session.commit()
    return user


@pytest.fixture
def a_case(caseworker):
    return create_case(caseworker)


@pytest.fixture
def a_child_case(caseworker):
    return create_case(caseworker, person={"date_of_birth": None, "age_estimate": 15})


@pytest.fixture
def cw_headers(caseworker):
    return token_headers(caseworker)


def create_provider(name=None, services=("medical",), agency=None, **extra):
    from referral.services.models import Provider
    provider = Provider(name=name or f"Provider {uuid.uuid4().hex[:6]}",
                        services=list(services), agency_id=agency.id if agency else None,
                        data_sharing_agreement=True, **extra)
    db.session.add(provider)
    db.session.flush()
    return provider


def give_consent(actor, case, purpose="service", provider=None, **extra):
    from referral.consent import service as consent_service
    fields = {"language": "ro", "information_given": "what, why, who sees it, how to stop"}
    if case.is_child:
        fields.update(given_by="guardian", child_views="agrees")
    fields.setdefault("recipient_name", None if provider else "Our agency")
    fields.update(extra)
    consent = consent_service.give_consent(actor, case, purpose=purpose,
                                           provider_id=provider.id if provider else None,
                                           **fields)
    db.session.commit()
    return consent


@pytest.fixture
def shelter_agency():
    return create_agency("Harbour House", AgencyKind.shelter)


@pytest.fixture
def shelter_provider(shelter_agency):
    return create_provider("Harbour House shelter", services=("accommodation",),
                           agency=shelter_agency)


@pytest.fixture
def shelter_user(shelter_agency):
    user = create_user("shelter_staff", agency=shelter_agency, username="shelter")
    db.session.commit()
    return user


@pytest.fixture
def admitted(caseworker, a_case, shelter_agency, shelter_provider):
    """A stay at Harbour House with the person's consent."""
    from referral.shelter import service as shelter
    give_consent(caseworker, a_case, "service", shelter_provider)
    stay = shelter.admit(caseworker, a_case, shelter_id=shelter_agency.id, room="3B")
    db.session.commit()
    return stay
