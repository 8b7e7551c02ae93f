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
