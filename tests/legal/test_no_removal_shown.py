"""RP-2: the no-removal protection is shown wherever the person's status is shown: the
shelter's residents (page and API) and legal aid's pages included."""
from tests.factories import token_headers
from tests.web.conftest import login


def test_RP2_legal_aid_sees_the_no_removal_protection(client, assigned, legal_user):
    assert assigned.no_removal
    login(client, "legal")
    assert "no removal (RP-2)" in client.get("/legal/").get_data(as_text=True)
    page = client.get(f"/cases/{assigned.id}/legal").get_data(as_text=True)
    assert "no removal (RP-2)" in page


def test_RP2_the_shelter_sees_the_no_removal_protection(client, admitted, shelter_user):
    assert admitted.case.no_removal
    rows = client.get("/api/v1/stays", query_string={"shelter": shelter_user.agency_id},
                      headers=token_headers(shelter_user)).json
    assert rows and rows[0]["no_removal"] is True
    login(client, shelter_user.username)
    assert "no removal (RP-2)" in client.get("/shelter/residents").get_data(as_text=True)
