"""With PostgreSQL unreachable the app answers 503 with Retry-After, not 500: JSON for the
API, the error page for pages. A database that is back is used again at once."""
import socket

import pytest

from referral import create_app


def _nothing_listening() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(params=[True, False], ids=["testing", "production-handlers"])
def unreachable(request):
    """The app with its database down (nothing listens on the port), with and without the
    handler a production app adds for unexpected errors."""
    url = f"postgresql://referral@127.0.0.1:{_nothing_listening()}/referral"
    return create_app({"TESTING": request.param, "SECRET_KEY": "x" * 32, "DATABASE_URL": url,
                       "REDIS_URL": None, "RATELIMIT_ENABLED": False,
                       "WTF_CSRF_ENABLED": False})


def test_the_api_answers_503_with_retry_after_when_postgresql_is_down(unreachable):
    response = unreachable.test_client().get(
        "/api/v1/cases", headers={"Authorization": "Bearer some-token"})
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert list(response.get_json()["errors"]) == ["database"]


def test_a_page_answers_the_error_page_with_503_when_postgresql_is_down(unreachable):
    response = unreachable.test_client().post(
        "/login", data={"username": "caseworker", "password": "long enough password"},
        headers={"Accept": "text/html"})
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert response.mimetype == "text/html" and b"try again" in response.data


def test_a_database_error_that_is_not_an_outage_stays_an_error(app):
    """A bad statement is a bug to fix, not an outage to wait out."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from referral.errors import is_database_outage
    from referral.extensions import db
    with pytest.raises(DBAPIError) as bad:
        db.session.execute(text("SELECT * FROM no_such_table"))
    db.session.rollback()
    assert not is_database_outage(bad.value)


def _drop_the_apps_connections():
    """What a PostgreSQL restart or failover does to the pool: every connection it holds
    is closed by the server (here: terminated from a connection of its own)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    from referral.extensions import db
    killer = create_engine(db.engine.url, poolclass=NullPool)
    with killer.connect() as conn:
        ended = conn.execute(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND usename = current_user "
            "AND pid <> pg_backend_pid()")).scalar()
    killer.dispose()
    return ended


@pytest.mark.postgres
def test_a_read_after_the_database_dropped_its_connections_is_answered(client, caseworker,
                                                                       cw_headers):
    """No ping before each checkout: the first read on a dropped connection runs again on a
    fresh one, so a restart of PostgreSQL costs nobody an error page."""
    from referral.extensions import db
    from tests.factories import create_case
    case = create_case(caseworker)
    db.session.commit()
    assert client.get(f"/api/v1/cases/{case.id}", headers=cw_headers).status_code == 200
    db.session.remove()
    assert _drop_the_apps_connections() >= 1
    response = client.get(f"/api/v1/cases/{case.id}", headers=cw_headers)
    assert response.status_code == 200, response.get_data(as_text=True)


@pytest.mark.postgres
def test_a_write_on_a_dropped_connection_answers_503_and_the_next_one_succeeds(
        client, caseworker, cw_headers):
    """A write is not repeated by the server (the client's idempotency key makes a retry
    safe): it answers 503 with Retry-After, and the pool is fresh for the next request."""
    from referral.extensions import db
    body = {"person": {"given_name": "Ana"}, "referred_by": "Helpline"}
    assert client.post("/api/v1/cases", headers=cw_headers, json=body).status_code == 201
    db.session.remove()
    assert _drop_the_apps_connections() >= 1
    first = client.post("/api/v1/cases", headers=cw_headers, json=body)
    assert first.status_code == 503 and int(first.headers["Retry-After"]) > 0
    assert client.post("/api/v1/cases", headers=cw_headers, json=body).status_code == 201
