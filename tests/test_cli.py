"""The commands a new user and an administrator run."""
from sqlalchemy import func, select

from referral.accounts.models import User
from referral.cases.models import Case
from referral.extensions import db


def test_seed_demo_creates_one_user_per_role_and_cases(app):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--password",
                                                "demo password 123", "--cases", "4"])
    assert result.exit_code == 0, result.output
    usernames = set(db.session.scalars(select(User.username)))
    assert usernames == {"caseworker", "shelter", "legal", "supervisor", "admin", "auditor"}
    assert db.session.scalar(select(func.count()).select_from(Case)) == 4
    again = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"])
    assert again.exit_code == 0 and "not loaded" in again.output


def test_a_demo_user_signs_in_over_the_api(app, client):
    app.test_cli_runner().invoke(args=["seed-demo", "--password", "demo password 123",
                                       "--cases", "1"])
    response = client.post("/api/v1/auth/tokens", json={"username": "supervisor",
                                                         "password": "demo password 123"})
    assert response.status_code == 201


def test_create_user(app):
    result = app.test_cli_runner().invoke(args=[
        "create-user", "new.caseworker", "--role", "caseworker", "--agency", "Safe Passage",
        "--password", "a long enough password"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "new.caseworker"))
    assert user.has_role("caseworker") and user.agency.name == "Safe Passage"
    short = app.test_cli_runner().invoke(args=[
        "create-user", "x", "--role", "admin", "--agency", "A", "--password", "short"])
    assert short.exit_code != 0 and "password" in short.output


def test_directory_export_and_import_commands(app, supervisor, tmp_path):
    from tests.factories import create_provider
    create_provider("Clinic", services=("medical",))
    db.session.commit()
    path = tmp_path / "directory.json"
    runner = app.test_cli_runner()
    assert runner.invoke(args=["directory", "export", str(path)]).exit_code == 0
    assert '"Clinic"' in path.read_text()
    result = runner.invoke(args=["directory", "import", str(path), "--as-user", "supervisor"])
    assert result.exit_code == 0 and "Imported 1" in result.output
