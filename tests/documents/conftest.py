import io

import pytest

from referral.accounts.models import AgencyKind
from referral.documents import service as documents
from referral.extensions import db
from referral.legal import service as legal
from tests.factories import create_agency, create_user


def upload(client, headers, case_id, data: bytes, *, category="decision_letter",
           filename="letter.pdf", title=None):
    form = {"category": category, "file": (io.BytesIO(data), filename)}
    if title:
        form["title"] = title
    return client.post(f"/api/v1/cases/{case_id}/documents", headers=headers, data=form,
                       content_type="multipart/form-data")


def add(actor, case, data: bytes, category="decision_letter", filename="letter.pdf",
        title=None):
    document = documents.add_document(actor, case, category=category,
                                      source=io.BytesIO(data), filename=filename, title=title)
    db.session.commit()
    return document


@pytest.fixture
def lawyer(caseworker, a_case):
    user = create_user("legal_aid", agency=create_agency("Justice Access",
                                                         AgencyKind.legal_aid),
                       username="lawyer")
    db.session.commit()
    legal.assign_legal_aid(caseworker, a_case, user.id)
    db.session.commit()
    return user
