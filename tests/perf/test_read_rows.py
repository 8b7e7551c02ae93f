"""``read_rows``: column reads on the session's connection see what the request changed."""
from sqlalchemy import bindparam, select

from referral.cases.models import Case
from referral.database import read_rows
from referral.extensions import db
from tests.factories import create_case

_REFERENCE = select(Case.reference).where(Case.id == bindparam("case_id"))


def test_a_column_read_sees_the_requests_own_unflushed_change(caseworker):
    case = create_case(caseworker)
    db.session.commit()
    case.reference = "CHANGED-NOW"  # pending: not flushed yet
    assert read_rows(_REFERENCE, {"case_id": case.id}).scalar() == "CHANGED-NOW"
    db.session.rollback()


def test_a_column_read_inside_no_autoflush_leaves_the_change_pending(caseworker):
    case = create_case(caseworker)
    db.session.commit()
    before = case.reference
    with db.session.no_autoflush:
        case.reference = "NOT-YET"
        assert read_rows(_REFERENCE, {"case_id": case.id}).scalar() == before
        assert case in db.session.dirty
    db.session.rollback()
