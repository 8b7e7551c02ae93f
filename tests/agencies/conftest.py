"""Two agencies, a shelter, a legal aid provider and a partner abroad, with their staff."""
from datetime import datetime, timedelta, timezone

import pytest

from referral.accounts.models import AgencyKind
from referral.extensions import db
from tests.factories import create_agency, create_case, create_user, give_consent


@pytest.fixture
def agencies(agency, caseworker, supervisor):
    north = create_agency("North Star NGO")
    shelter = create_agency("Harbour Shelter", AgencyKind.shelter)
    clinic = create_agency("Justice Clinic", AgencyKind.legal_aid)
    partner = create_agency("Casa Sigura Bucharest", AgencyKind.partner_abroad)
    people = {
        "a_caseworker": caseworker, "a_supervisor": supervisor,
        "a_admin": create_user("admin", agency=agency),
        "a_auditor": create_user("auditor", agency=agency),
        "b_caseworker": create_user("caseworker", agency=north, username="north-cw"),
        "b_supervisor": create_user("supervisor", agency=north, username="north-sup"),
        "b_admin": create_user("admin", agency=north),
        "b_auditor": create_user("auditor", agency=north),
        "shelter_staff": create_user("shelter_staff", agency=shelter, username="shelter-1"),
        "legal_aid": create_user("legal_aid", agency=clinic, username="lawyer-1"),
        "partner": create_user("partner", agency=partner, username="partner-1"),
    }
    db.session.commit()
    return {"a": agency, "b": north, "shelter": shelter, "clinic": clinic,
            "partner_org": partner, **people}


def share_consent(actor, case, agency, purpose="data_share", **extra):
    """Consent naming another organisation: an NGO, typed as every recipient is (DP-1)."""
    extra.setdefault("recipient_category", "ngo")
    return give_consent(actor, case, purpose, recipient_name=agency.name, **extra)


def soon(days=5):
    return datetime.now(timezone.utc) + timedelta(days=days)


@pytest.fixture
def case_a(caseworker):
    return create_case(caseworker)
