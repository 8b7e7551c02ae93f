"""A shelter's day in pages (issue 18): what admission needs, the stay page with
restrictions (SH-2), outings (SH-5), items held and returned (SH-4), leaving (SH-1), and
nothing of the case file (SH-3)."""
from datetime import timedelta

from sqlalchemy import select

from referral.audit.models import AuditEntry
from referral.database import utcnow
from referral.extensions import db
from referral.shelter.models import HeldItem, Outing, Restriction
from tests.factories import create_user, give_consent
from tests.web.conftest import login


def day(days):
    return (utcnow() + timedelta(days=days)).strftime("%Y-%m-%d")


def test_SH1_the_received_referral_names_the_second_consent_admission_needs(
        client, caseworker, a_case, shelter_provider, shelter_user):
    from referral.services import service as services
    give_consent(caseworker, a_case, "referral", shelter_provider)
    referral = services.make_referral(caseworker, a_case, provider_id=shelter_provider.id,
                                      service="accommodation")
    db.session.commit()
    login(client, "shelter")
    client.post(f"/referrals/{referral.id}/accept")
    page = client.get("/referrals/received").get_data(as_text=True)
    assert "waiting for the consent to the stay" in page
    assert f"/shelter/referrals/{referral.id}/admit" not in page
    give_consent(caseworker, a_case, "service", shelter_provider)
    page = client.get("/referrals/received").get_data(as_text=True)
    assert "consent to the stay recorded" in page
    assert f"/shelter/referrals/{referral.id}/admit" in page


def test_SH2_a_restriction_is_recorded_with_legal_basis_expiry_and_review_and_lifted(
        client, admitted, shelter_user):
    login(client, "shelter")
    page = client.get(f"/shelter/stays/{admitted.id}").get_data(as_text=True)
    assert "voluntary" in page and "Record a restriction" in page
    missing = client.post(f"/shelter/stays/{admitted.id}/restrictions", data={
        "legal_basis": "", "decision_maker": "Director", "reason": "threat from recruiter",
        "review_at": day(3), "expires_at": day(7)})
    assert missing.status_code == 400 and "required for a restriction" in missing.get_data(
        as_text=True)
    too_long = client.post(f"/shelter/stays/{admitted.id}/restrictions", data={
        "legal_basis": "Shelter Act s.12", "decision_maker": "Director",
        "reason": "threat from recruiter", "review_at": day(3), "expires_at": day(400)})
    assert too_long.status_code == 400
    assert not db.session.scalars(select(Restriction)).all()
    unexplained = client.post(f"/shelter/stays/{admitted.id}/restrictions", data={
        "legal_basis": "Shelter Act s.12", "decision_maker": "Director",
        "reason": "threat from recruiter", "review_at": day(3), "expires_at": day(7)})
    assert unexplained.status_code == 409 and "restrict-code" in unexplained.get_data(as_text=True)
    assert not db.session.scalars(select(Restriction)).all()  # ID-6: a code and the view first
    done = client.post(f"/shelter/stays/{admitted.id}/restrictions", data={
        "legal_basis": "Shelter Act s.12", "decision_maker": "Director",
        "reason": "threat from recruiter", "review_at": day(3), "expires_at": day(7),
        "reason_code": "trafficker_nearby", "person_view": "I agree for now", "confirm": "y"})
    assert done.status_code == 302
    page = client.get(f"/shelter/stays/{admitted.id}").get_data(as_text=True)
    assert "Shelter Act s.12" in page and day(7) in page and day(3) in page
    assert "restricted" in page
    restriction = db.session.scalar(select(Restriction))
    client.post(f"/shelter/restrictions/{restriction.id}/lift", data={"reason": "reviewed"})
    db.session.refresh(restriction)
    assert restriction.lifted_at is not None


def test_SH5_and_SH4_outings_are_logged_and_held_items_returned_on_request(
        client, admitted, shelter_user):
    login(client, "shelter")
    assert client.post(f"/shelter/stays/{admitted.id}/outings",
                       data={"purpose": "court"}).status_code == 302
    assert client.post(f"/shelter/stays/{admitted.id}/outings",
                       data={"purpose": "shopping"}).status_code == 400
    assert [o.purpose for o in db.session.scalars(select(Outing))] == ["court"]
    client.post(f"/shelter/stays/{admitted.id}/held-items",
                data={"kind": "document", "description": "passport"})
    item = db.session.scalar(select(HeldItem))
    page = client.get(f"/shelter/stays/{admitted.id}").get_data(as_text=True)
    assert "passport" in page and f"/shelter/held-items/{item.id}/return" in page
    client.post(f"/shelter/stays/{admitted.id}/leave", data={"confirm": "yes"})
    residents = client.get("/shelter/residents").get_data(as_text=True)
    assert "Items still held for people who left" in residents and "passport" in residents
    assert client.post(f"/shelter/held-items/{item.id}/return").status_code == 302
    db.session.refresh(item)
    assert item.returned_at is not None
    assert client.get(f"/shelter/stays/{admitted.id}").status_code == 404  # SH-3: reach ends


def test_SH3_the_stay_page_shows_nothing_of_the_case_file_and_only_to_its_shelter(
        client, admitted, a_case, shelter_user, agency):
    other = create_user("shelter_staff", username="other-shelter")
    db.session.commit()
    login(client, "shelter")
    page = client.get(f"/shelter/stays/{admitted.id}").get_data(as_text=True)
    assert "forced to work" not in page and a_case.reference not in page
    assert db.session.scalars(select(AuditEntry).where(
        AuditEntry.case_id == a_case.id, AuditEntry.action.like("%read%"))).all()
    client.post("/logout")
    login(client, other.username)
    assert client.get(f"/shelter/stays/{admitted.id}").status_code == 404
