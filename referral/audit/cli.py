import click
from flask.cli import with_appcontext


def register(app):
    app.cli.add_command(audit)
    app.cli.add_command(crypto)


@click.group("audit")
def audit():
    """The audit trail."""


@audit.command("verify")
@with_appcontext
def verify_command():
    """Check the hash chain: any edited, deleted or reordered entry is reported (exit 1)."""
    from .service import verify_chain
    problems = verify_chain()
    if problems:
        for problem in problems[:100]:
            click.echo(problem, err=True)
        raise click.ClickException(f"the audit trail is NOT intact: {len(problems)} problem(s)")
    click.echo("The audit trail is intact.")


@click.group("crypto")
def crypto():
    """Encryption at rest."""


@crypto.command("rotate")
@with_appcontext
def rotate_command():
    """Re-seal every sealed value under the first key of ENCRYPTION_KEYS."""
    from ..crypto import rotate, sealed_attributes
    from ..extensions import db
    models = [mapper.class_ for mapper in db.Model.registry.mappers
              if sealed_attributes(mapper.class_)]
    count = rotate(db.session, models)
    db.session.commit()
    click.echo(f"Re-sealed {count} value(s) under the current key.")
