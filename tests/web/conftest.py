import pytest

from tests.factories import PASSWORD


def login(client, username, password=PASSWORD):
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 302, response.data
    return client


@pytest.fixture
def cw_client(client, caseworker):
    return login(client, "caseworker")
