"""ID-6 / NC-3 / SH-1..3 in the shelter's page: ending a stay (the shelter's decision, not
the person's leaving) asks for a code from its list, the person's view or that they
declined, and a confirmation; a reason about cooperation is refused; the stay's end ends
its restrictions and the shelter's reach into the case."""
from datetime import timedelta

from sqlalchemy import select

from referral.cases.models import CaseTransition, RefusedAttempt
from referral.database import utcnow
from referral.extensions import db
from referral.shelter import service as shelter
from tests.web.conftest import login


def test_ID6_NC3_the_shelter_ends_a_stay_in_its_page_with_code_view_and_confirmation(
        client, admitted, shelter_user):
    shelter.impose_restriction(
        shelter_user, admitted, legal_basis="Act s.1", decision_maker="Director",
        grounds="safety", reason="a threat", expires_at=utcnow() + timedelta(days=5),
        review_at=utcnow() + timedelta(days=2), reason_code="trafficker_nearby",
        person_view="I understand why")
    db.session.commit()
    login(client, "shelter")
    page = client.get(f"/shelter/stays/{admitted.id}").get_data(as_text=True)
    assert "stay_period_completed" in page and 'name="person_view_declined"' in page
    url = f"/shelter/stays/{admitted.id}/end"
    form = {"reason_code": "stay_period_completed", "person_view": "ready to move on"}
    unconfirmed = client.post(url, data=form, follow_redirects=True).get_data(as_text=True)
    assert "tick the confirmation" in unconfirmed
    no_view = client.post(url, data={"reason_code": "stay_period_completed", "confirm": "y"},
                          follow_redirects=True).get_data(as_text=True)
    assert "ID-6" in no_view
    cooperation = client.post(url, data={**form, "confirm": "y",
                                         "reason": "she refused to testify"},
                              follow_redirects=True).get_data(as_text=True)
    assert "NC-3" in cooperation
    assert db.session.scalar(select(RefusedAttempt)).event == "end_stay"
    db.session.refresh(admitted)
    assert admitted.left_at is None
    client.post(url, data={**form, "confirm": "y"})
    db.session.expire_all()
    assert admitted.left_at is not None and not admitted.active_restrictions()
    row = db.session.scalar(select(CaseTransition).where(CaseTransition.event == "end_stay"))
    assert row.reason_code == "stay_period_completed" and row.person_view == "ready to move on"
    # SH-3: the shelter's reach into the case ends with the stay.
    assert client.get(f"/shelter/stays/{admitted.id}").status_code == 404
