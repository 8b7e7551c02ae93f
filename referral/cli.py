"""Commands: ``flask --app referral seed-demo``, ``create-user``, ``synth``."""
import click
from flask.cli import with_appcontext

from .accounts import service as accounts
from .accounts.models import Agency, AgencyKind, Role
from .errors import DomainError
from .extensions import db


def register(app):
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(reset_demo_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(mfa_enrol_command)
    app.cli.add_command(synth_command)
    app.cli.add_command(db_roles)
    from .translation_cli import register as register_translations
    register_translations(app)


@click.command("mfa-enrol")
@click.argument("username")
@with_appcontext
def mfa_enrol_command(username):
    """Give a user a TOTP secret; prints the otpauth URI for their authenticator app once."""
    import pyotp
    from sqlalchemy import select

    from .accounts.models import User
    user = db.session.scalar(select(User).where(User.username == username.lower()))
    if user is None:
        raise click.ClickException(f"no user {username!r}")
    secret = accounts.enrol_mfa(user)
    user.mfa_deferred = False
    db.session.commit()
    click.echo(pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name="referral"))


@click.command("seed-demo")
@click.option("--password", help="Give every demo user this password (scripted demos).")
@click.option("--if-empty", is_flag=True, help="Do nothing if any user exists.")
@click.option("--cases", "cases_count", default=12, show_default=True)
@with_appcontext
def seed_demo_command(password, if_empty, cases_count):
    """Create one demo user per role, demo agencies and synthetic cases."""
    from . import demo
    if not demo.is_empty():
        if if_empty:
            click.echo("Demo data not loaded: the database already has users.")
            return
        raise click.ClickException("the database already has users; seed an empty one")
    passwords = demo.seed_demo(password=password, cases_count=cases_count)
    db.session.commit()
    demo.remember_passwords(passwords)
    click.echo("Demo users (MFA enrolment deferred for the demo; `flask reset-demo` gives "
               "new passwords):")
    for username, pw in passwords.items():
        click.echo(f"  {username:12} {pw}")


@click.command("reset-demo")
@click.option("--password", help="Give every demo user this password.")
@with_appcontext
def reset_demo_command(password):
    """New passwords for the demo users (when the ones shown at start-up are lost)."""
    from . import demo
    passwords = demo.reset_passwords(password)
    if not passwords:
        raise click.ClickException("no demo users here; run `flask seed-demo` on an empty "
                                   "database")
    db.session.commit()
    demo.remember_passwords(passwords)
    click.echo("Demo users, new passwords:")
    for username, pw in passwords.items():
        click.echo(f"  {username:12} {pw}")


@click.command("create-user")
@click.argument("username")
@click.option("--role", "roles", multiple=True, required=True,
              type=click.Choice([r.value for r in Role]))
@click.option("--agency", required=True, help="Agency name (created if new).")
@click.option("--agency-kind", type=click.Choice([k.value for k in AgencyKind]),
              default="ngo")
@click.option("--display-name")
@click.password_option()
@with_appcontext
def create_user_command(username, roles, agency, agency_kind, display_name, password):
    """Create a staff account."""
    from sqlalchemy import select
    agency_row = db.session.scalar(select(Agency).where(Agency.name == agency)) or \
        accounts.create_agency(agency, agency_kind)
    try:
        user = accounts.create_user(username, password, agency=agency_row, roles=roles,
                                    display_name=display_name)
    except DomainError as exc:
        raise click.ClickException(f"{exc.key}: {exc.message}")
    db.session.commit()
    click.echo(f"Created {user.username} ({', '.join(roles)}) in {agency_row.name}.")


@click.command("synth")
@click.option("--cases", "cases_count", type=click.IntRange(min=1), required=True,
              help="How many cases to load (1000000 for the national-scale benchmarks).")
@click.option("--seed", default=1, show_default=True, help="Same seed, same data.")
@click.option("--password", help="Give every synthetic user this password (default: a "
                                  "random one nobody is told).")
@with_appcontext
def synth_command(cases_count, seed, password):
    """Load synthetic cases into an empty PostgreSQL database with COPY (benchmarks)."""
    from .synth import SynthError, synthesise
    try:
        result = synthesise(cases_count, seed=seed, password=password, echo=click.echo)
    except (SynthError, DomainError) as exc:
        raise click.ClickException(str(getattr(exc, "message", exc)))
    click.echo(f"loaded {cases_count:,} cases in {result['seconds']:.1f} s "
               f"(generate {result['generate']:.1f} s, of which sealing "
               f"{result['sealing']:.1f} s; COPY {result['copy']:.1f} s; "
               f"ANALYZE {result['analyze']:.1f} s)")
    for table, count in result["rows"].items():
        click.echo(f"  {table:22} {count:>12,}")


@click.group("db-roles")
def db_roles():
    """The two database roles: the migration owner and the application (docs/deployment.md)."""


@db_roles.command("grant")
@click.argument("app_role")
@with_appcontext
def db_roles_grant(app_role):
    """As the migration owner: grant APP_ROLE the data it needs, and only INSERT and SELECT
    on the audit trail. Run after every `flask db upgrade`; safe to repeat."""
    from .dbroles import grant_app_role
    if db.engine.dialect.name != "postgresql":
        raise click.ClickException("database roles need PostgreSQL")
    try:
        with db.engine.begin() as connection:
            grant_app_role(connection, app_role)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{app_role}: data tables read and write; audit trail insert and read only.")


@db_roles.command("check")
@with_appcontext
def db_roles_check():
    """As the application's role: fail if it could alter or empty the audit trail."""
    from .dbroles import role_problems
    with db.engine.connect() as connection:
        problems = role_problems(connection)
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise click.ClickException("the application's database role is too powerful")
    click.echo("The application's role may only insert into and read the audit trail.")
