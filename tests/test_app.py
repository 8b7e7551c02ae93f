"""The service shell: OpenAPI document, error format, login page, configuration."""
import pytest
from openapi_spec_validator import validate

from referral import config, create_app
from referral.database import on_demand_description_cursor


def test_the_openapi_document_validates(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    validate(response.json)
    assert "/api/v1/cases/{case_id}/transitions" in response.json["paths"]


def test_unknown_api_paths_answer_json_404(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert "errors" in response.json


def test_malformed_json_is_a_4xx_not_a_500(client, cw_headers):
    response = client.post("/api/v1/cases", data="{not json",
                           headers={**cw_headers, "Content-Type": "application/json"})
    assert 400 <= response.status_code < 500
    assert "errors" in response.json


def test_the_login_page_renders_with_security_headers(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert b"Sign in" in response.data
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_a_demo_user_signs_in_on_the_web(client, caseworker):
    response = client.post("/login", data={"username": "caseworker",
                                           "password": "correct horse battery staple"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_production_refuses_to_start_without_required_settings(monkeypatch, tmp_path):
    for key in config.REQUIRED_IN_PRODUCTION:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("REFERRAL_ENV", "production")
    with pytest.raises(config.ConfigurationError, match="SECRET_KEY"):
        create_app()


def test_postgres_urls_use_psycopg3():
    assert config.sqlalchemy_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert config.sqlalchemy_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"


def test_the_postgresql_pool_is_sized_from_the_environment(monkeypatch, tmp_path):
    from flask import Flask
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    monkeypatch.setenv("DATABASE_POOL_SIZE", "3")
    monkeypatch.setenv("DATABASE_MAX_OVERFLOW", "2")
    settings = config.load(Flask(__name__, instance_path=str(tmp_path)))
    options = dict(settings["SQLALCHEMY_ENGINE_OPTIONS"])
    assert options.pop("connect_args") == {"cursor_factory": on_demand_description_cursor()}
    assert options == {"pool_pre_ping": False, "pool_size": 3, "max_overflow": 2,
                       "pool_recycle": 1800}


def test_no_ping_before_each_checkout_and_pgbouncer_transaction_mode_has_no_prepared_statements(
        monkeypatch, tmp_path):
    """A ping is a round trip on every request; behind PgBouncer in transaction mode a
    server-side prepared statement may meet another server, so psycopg must not prepare."""
    from flask import Flask
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    monkeypatch.setenv("DATABASE_PGBOUNCER", "1")
    monkeypatch.setenv("DATABASE_REPLICA_URL", "postgresql://u@replica/db")
    settings = config.load(Flask(__name__, instance_path=str(tmp_path)))
    options = settings["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options["pool_pre_ping"] is False
    assert options["connect_args"]["prepare_threshold"] is None
    replica = settings["SQLALCHEMY_BINDS"]["replica"]
    assert replica["url"] == "postgresql+psycopg://u@replica/db"
    assert replica["connect_args"]["prepare_threshold"] is None


@pytest.mark.parametrize("proxies, seen", [(0, "10.0.0.2"), (1, "203.0.113.9")])
def test_behind_a_trusted_proxy_the_client_is_the_forwarded_address(tmp_path, proxies, seen):
    from flask import request
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "TRUSTED_PROXIES": proxies,
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'proxy.sqlite'}"})
    app.add_url_rule("/_address", "address", lambda: request.remote_addr)
    response = app.test_client().get("/_address", headers={"X-Forwarded-For": "203.0.113.9"},
                                     environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert response.get_data(as_text=True) == seen


def test_nul_characters_are_refused_with_a_4xx(client, cw_headers):
    for response, field in (
        (client.post("/api/v1/auth/tokens", json={"username": "a\x00b", "password": "x"}),
         "username"),
        (client.get("/api/v1/cases?q=a%00b", headers=cw_headers), "request"),
    ):
        assert response.status_code == 422
        assert field in response.json["errors"]


def test_a_nul_character_in_a_body_sent_in_chunks_is_refused_too(client, cw_headers, a_case):
    """A body without a Content-Length (chunked transfer, as a server passes it on) is read
    and checked like any other; only a request with no body at all skips the reading."""
    import io
    response = client.post(f"/api/v1/cases/{a_case.id}/transitions",
                           input_stream=io.BytesIO(b"offer\x00assistance"),
                           headers={**cw_headers, "Transfer-Encoding": "chunked",
                                    "Content-Type": "text/plain"},
                           environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == 422
    assert "request" in response.json["errors"]


def test_an_implausible_birth_date_is_a_field_error_not_a_crash(client, cw_headers):
    response = client.post("/api/v1/cases", headers=cw_headers, json={
        "person": {"date_of_birth": "0001-01-01"}, "referred_by": "Helpline"})
    assert response.status_code == 422 and "person.date_of_birth" in response.json["errors"]


def test_heavy_reads_go_to_the_replica_when_one_is_configured(tmp_path):
    """Statistics and exports may read a replica (DATABASE_REPLICA_URL); everything else,
    and every write, stays on the primary."""
    from referral.database import heavy_reads
    from referral.extensions import db
    replica = tmp_path / "replica.sqlite"
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "KEY_CHECK": False,
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'primary.sqlite'}",
                      "DATABASE_REPLICA_URL": f"sqlite:///{replica}"})
    with app.app_context():
        with heavy_reads() as session:
            assert session is not db.session
            assert session.get_bind().url.database == str(replica)
        assert db.session.get_bind().url.database == str(tmp_path / "primary.sqlite")
    plain = create_app({"TESTING": True, "SECRET_KEY": "test", "KEY_CHECK": False,
                        "DATABASE_URL": f"sqlite:///{tmp_path / 'only.sqlite'}"})
    with plain.app_context(), heavy_reads() as session:
        assert session is db.session
