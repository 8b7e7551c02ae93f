from tests.web.conftest import cw_client  # noqa: F401  (the signed-in caseworker's client)
