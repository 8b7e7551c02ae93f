import pytest

from referral.accounts.models import AgencyKind
from referral.extensions import db
from referral.legal import service as legal
from tests.factories import create_agency, create_user


@pytest.fixture
def legal_user():
    user = create_user("legal_aid", agency=create_agency("Justice Access", AgencyKind.legal_aid),
                       username="legal")
    db.session.commit()
    return user


@pytest.fixture
def assigned(caseworker, a_case, legal_user):
    legal.assign_legal_aid(caseworker, a_case, legal_user.id)
    db.session.commit()
    return a_case
