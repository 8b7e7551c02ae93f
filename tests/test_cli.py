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


def test_the_demo_gives_every_role_work_and_passwords_can_be_reset(app, client, tmp_path):
    """Issue 14: providers, a referral waiting for the shelter, a stay, legal aid, offers and
    a return on first sign-in; lost passwords come back with reset-demo."""
    from referral.legal.models import LegalAidAssignment
    from referral.returns.models import ReturnRequest
    from referral.services.models import Provider, Referral, ServiceOffer
    from referral.shelter.models import Stay
    app.config["DEMO_PASSWORDS_FILE"] = str(tmp_path / "demo-passwords.txt")
    try:
        seeded = app.test_cli_runner().invoke(args=["seed-demo", "--cases", "8"])
        assert seeded.exit_code == 0, seeded.output
        for model in (Provider, Referral, Stay, LegalAidAssignment, ServiceOffer,
                      ReturnRequest):
            assert db.session.scalar(select(func.count()).select_from(model)), model
        assert "caseworker" in (tmp_path / "demo-passwords.txt").read_text()
        reset = app.test_cli_runner().invoke(args=["reset-demo", "--password",
                                                   "a new demo password 9"])
        assert reset.exit_code == 0, reset.output
        assert "a new demo password 9" in (tmp_path / "demo-passwords.txt").read_text()
    finally:
        app.config.pop("DEMO_PASSWORDS_FILE")
    response = client.post("/api/v1/auth/tokens", json={"username": "shelter",
                                                         "password": "a new demo password 9"})
    assert response.status_code == 201
    from tests.web.conftest import login
    login(client, "shelter", "a new demo password 9")
    assert "Harbour House" in client.get("/referrals/received").get_data(as_text=True) or \
        "accommodation" in client.get("/referrals/received").get_data(as_text=True).lower()
