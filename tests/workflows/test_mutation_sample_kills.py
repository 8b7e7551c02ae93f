"""Rules whose weakening the mutation sample (`make mutation`, docs/mutation.md) showed no
test noticed. Each test reads like its rule and fails when the code that enforces it is
changed the way the surviving mutant changed it."""
import pytest

from referral.accounts.models import AgencyKind
from referral.extensions import db
from tests.cases.conftest import decide
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
    a hearing late on Sunday is this week's, one just after midnight belongs to the next."""
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
        monday = datetime(2026, 12, 7, 0, 30, tzinfo=timezone.utc)
        legal.add_hearing(lawyer, proceeding, at=sunday, place="Room 4")
        legal.add_hearing(lawyer, proceeding, at=monday, place="Room 5")
        db.session.flush()
        due = [row["due_at"].replace(tzinfo=timezone.utc) for row in legal.due_this_week(lawyer)]
    assert due == [sunday]
