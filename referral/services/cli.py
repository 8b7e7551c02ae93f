import json

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..accounts.models import Role, User
from ..extensions import db
from . import service


def register(app):
    app.cli.add_command(directory)


@click.group("directory")
def directory():
    """Import or export the provider directory as Open Referral HSDS JSON."""


@directory.command("export")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def export_command(path):
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(service.hsds_export(), fh, indent=2, default=str)
    click.echo(f"Wrote {path}")


@directory.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--as-user", "username", required=True, help="An admin or supervisor.")
@with_appcontext
def import_command(path, username):
    actor = db.session.scalar(select(User).where(User.username == username))
    if actor is None or not actor.has_role(Role.admin, Role.supervisor):
        raise click.ClickException("--as-user must name an admin or supervisor")
    with open(path, encoding="utf-8") as fh:
        count = service.hsds_import(actor, json.load(fh))
    db.session.commit()
    click.echo(f"Imported {count} providers")
