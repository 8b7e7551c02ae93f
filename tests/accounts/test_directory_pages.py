"""The provider directory kept from the administration console (issue 18): an entry is
changed from its page as through ``PATCH /api/v1/providers/<id>``, with its kind of
recipient (DP-1: never the media); only an administrator links it to an agency."""
from sqlalchemy import select

from referral.accounts.models import User
from referral.audit.models import AuditEntry
from referral.extensions import db
from tests.factories import create_agency, create_provider, create_user, token_headers
from tests.web.conftest import login


def entry_form(provider, **changes):
    form = {"name": provider.name, "category": provider.category,
            "services": list(provider.services), "languages": ", ".join(provider.languages),
            "description": provider.description or "", "address": "", "phone": "",
            "email": "", "capacity": "", "dsa_reference": "",
            "data_sharing_agreement": "yes"}
    form.update(changes)
    return form


def test_an_administrator_changes_a_providers_entry_from_its_page(client, agency):
    create_user("admin", agency=agency, username="the-admin")
    clinic = create_agency("Clinic staff")
    provider = create_provider("Clinic One", services=("medical",), languages=["en"],
                               description="walk-in mornings")
    db.session.commit()
    login(client, "the-admin")
    listing = client.get("/admin/providers").get_data(as_text=True)
    assert f"/admin/providers/{provider.id}" in listing and "Service provider" in listing
    assert "Clinic One" in client.get(f"/admin/providers/{provider.id}").get_data(as_text=True)
    saved = client.post(f"/admin/providers/{provider.id}", data=entry_form(
        provider, name="Clinic One (north)", category="health",
        services=["medical", "psychological"], languages="fr, AR", description="",
        capacity="12", agency_id=str(clinic.id)))
    assert saved.status_code == 302
    db.session.refresh(provider)
    assert provider.name == "Clinic One (north)" and provider.category == "health"
    assert provider.services == ["medical", "psychological"]
    assert provider.languages == ["ar", "fr"] and provider.capacity == 12
    assert provider.description is None  # emptied on the page: cleared
    assert provider.agency_id == clinic.id
    assert db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "provider.save", AuditEntry.object_id == str(provider.id))).all()


def test_DP1_the_media_is_never_a_recipient_in_the_directory(client, agency):
    create_user("admin", agency=agency, username="the-admin")
    provider = create_provider("Clinic One")
    db.session.commit()
    login(client, "the-admin")
    page = client.get(f"/admin/providers/{provider.id}").get_data(as_text=True)
    assert 'value="media"' not in page
    refused = client.post(f"/admin/providers/{provider.id}",
                          data=entry_form(provider, category="media"))
    assert refused.status_code == 400 and "Kind of recipient" in refused.get_data(as_text=True)
    db.session.refresh(provider)
    assert provider.category == "service_provider"


def test_bad_input_on_the_entry_page_names_the_field_and_changes_nothing(client, agency):
    create_user("supervisor", agency=agency, username="sup")
    create_provider("Clinic One")
    other = create_provider("Clinic Two")
    db.session.commit()
    login(client, "sup")
    for changes, field in [({"capacity": "many"}, "Capacity (number of places)"),
                           ({"name": "Clinic One"}, "a provider with this name exists"),
                           ({"services": ["astrology"]}, "Services")]:
        page = client.post(f"/admin/providers/{other.id}", data=entry_form(other, **changes))
        assert page.status_code == 400, changes
        assert field in page.get_data(as_text=True), changes
    db.session.refresh(other)
    assert other.name == "Clinic Two" and other.capacity is None


def test_a_supervisor_keeps_the_directory_but_only_an_administrator_links_an_agency(
        client, agency):
    create_user("supervisor", agency=agency, username="sup")
    provider = create_provider("Clinic One")
    db.session.commit()
    login(client, "sup")
    page = client.get(f"/admin/providers/{provider.id}").get_data(as_text=True)
    assert 'name="agency_id"' not in page
    assert client.post(f"/admin/providers/{provider.id}", data=entry_form(
        provider, agency_id=str(agency.id), languages="es")).status_code == 302
    db.session.refresh(provider)
    assert provider.languages == ["es"] and provider.agency_id is None
    headers = token_headers(db.session.scalar(select(User).where(User.username == "sup")))
    api = client.patch(f"/api/v1/providers/{provider.id}", json={"agency_id": str(agency.id)},
                       headers=headers)
    assert api.status_code == 403 and "agency_id" in api.get_data(as_text=True)


def test_a_provider_is_changed_through_the_api_field_by_field(client, agency):
    admin = create_user("admin", agency=agency, username="the-admin")
    caseworker = create_user("caseworker", agency=agency, username="ana")
    provider = create_provider("Clinic One", languages=["en"], description="mornings")
    db.session.commit()
    headers = token_headers(admin)
    patched = client.patch(f"/api/v1/providers/{provider.id}",
                           json={"category": "ngo", "languages": ["en", "ro"]}, headers=headers)
    assert patched.status_code == 200, patched.json
    assert patched.json["category"] == "ngo" and patched.json["languages"] == ["en", "ro"]
    assert patched.json["description"] == "mornings" and patched.json["name"] == "Clinic One"
    bad = client.patch(f"/api/v1/providers/{provider.id}", json={"category": "media"},
                       headers=headers)
    assert bad.status_code == 422 and "category" in bad.get_data(as_text=True)
    assert client.patch("/api/v1/providers/not-an-id", json={"category": "ngo"},
                        headers=headers).status_code == 404
    assert client.patch(f"/api/v1/providers/{provider.id}", json={"category": "court"},
                        headers=token_headers(caseworker)).status_code == 403
    assert client.get(f"/api/v1/providers/{provider.id}",
                      headers=token_headers(caseworker)).json["category"] == "ngo"
