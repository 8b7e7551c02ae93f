"""The service catalogue and provider directory, with Open Referral HSDS import/export."""
from referral.services import service as services
from referral.services.models import Provider
from referral.extensions import db
from tests.factories import create_provider, token_headers


def test_the_catalogue_lists_every_service(client, cw_headers):
    codes = {s["code"] for s in client.get("/api/v1/services", headers=cw_headers).json}
    assert {"accommodation", "medical", "legal_counselling", "family_tracing",
            "safe_return_support"} <= codes


def test_the_directory_filters_by_service_and_language_never_nationality(client, cw_headers):
    create_provider("Clinic", services=("medical",), languages=["ro", "en"])
    create_provider("Counsel", services=("legal_counselling",), languages=["fr"])
    db.session.commit()
    names = [p["name"] for p in client.get("/api/v1/providers?service=medical",
                                           headers=cw_headers).json]
    assert names == ["Clinic"]
    names = [p["name"] for p in client.get("/api/v1/providers?language=fr",
                                           headers=cw_headers).json]
    assert names == ["Counsel"]
    from referral.services.schemas import ProviderArgsSchema
    assert set(ProviderArgsSchema().fields) == {"service", "language"}  # ID-4


def test_hsds_export_and_import_round_trip(supervisor):
    create_provider("Clinic", services=("medical", "psychological"), languages=["ro"],
                    address="1 Main St", capacity=20)
    db.session.commit()
    document = services.hsds_export()
    assert document["organizations"][0]["name"] == "Clinic"
    assert {s["name"] for s in document["services"]} == {"Medical care",
                                                         "Psychological support"}
    db.session.query(Provider).delete()
    db.session.commit()
    assert services.hsds_import(supervisor, document) == 1
    clinic = db.session.query(Provider).one()
    assert clinic.services == ["medical", "psychological"] and clinic.capacity == 20


def test_only_admins_and_supervisors_edit_the_directory(client, cw_headers, supervisor):
    body = {"name": "New shelter", "services": ["accommodation"]}
    assert client.post("/api/v1/providers", headers=cw_headers, json=body).status_code == 403
    response = client.post("/api/v1/providers", headers=token_headers(supervisor), json=body)
    assert response.status_code == 201


def test_ID4_men_and_women_find_the_same_providers(client, cw_headers):
    """A provider's own intake (``genders_accepted``) is shown, never used to hide it: the
    directory answers the same for everyone (ID-4)."""
    create_provider("Shelter for men", services=("accommodation",), genders_accepted=["male"])
    create_provider("Shelter for women", services=("accommodation",),
                    genders_accepted=["female"])
    create_provider("Shelter for all", services=("accommodation",))
    db.session.commit()
    everyone = ["Shelter for all", "Shelter for men", "Shelter for women"]
    assert [p.name for p in services.list_providers(service="accommodation")] == everyone
    for query in ("", "?service=accommodation"):
        response = client.get(f"/api/v1/providers{query}", headers=cw_headers)
        assert response.status_code == 200
        assert [p["name"] for p in response.json] == everyone, query
